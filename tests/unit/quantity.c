/*
 * Unit tests for quantity.c and the number, date and time checks of
 * check.c: a table of values read from text, then a table of source and
 * target pairs both ways, right (no finding) and wrong (the finding's
 * kind).
 */
#include "tm-int.h"
#include "quantity.h"
#include "../tap.h"

#include <math.h>

/* Text, kind, value, flags of its first quantity. */
static const struct {
	const char *text;
	int kind;
	double value;
	unsigned flags;
} values[] = {
	{ "5万", TM__QTY_NUMBER, 50000, 0 },
	{ "3.25万", TM__QTY_NUMBER, 32500, 0 },
	{ "190万", TM__QTY_NUMBER, 1900000, 0 },
	{ "100万日元", TM__QTY_NUMBER, 1000000, 0 },
	{ "1.9 million", TM__QTY_NUMBER, 1900000, 0 },
	{ "1,900,000", TM__QTY_NUMBER, 1900000, 0 },
	{ "two million", TM__QTY_NUMBER, 2000000, 0 },
	{ "five", TM__QTY_NUMBER, 5, 0 },
	{ "百分之五", TM__QTY_NUMBER, 5, TM__QTY_PERCENT },
	{ "百分之3.5", TM__QTY_NUMBER, 3.5, TM__QTY_PERCENT },
	{ "１２３", TM__QTY_NUMBER, 123, 0 },
	{ "３．５", TM__QTY_NUMBER, 3.5, 0 },
	{ "二〇二〇年", TM__QTY_NUMBER, 2020, 0 },
	{ "十五", TM__QTY_NUMBER, 15, 0 },
	{ "二十三", TM__QTY_NUMBER, 23, 0 },
	{ "三千万", TM__QTY_NUMBER, 30000000, 0 },
	{ "6亿", TM__QTY_NUMBER, 600000000, 0 },
	{ "两名", TM__QTY_NUMBER, 2, 0 },
	{ "1月", TM__QTY_MONTH, 1, 0 },
	{ "十二月", TM__QTY_MONTH, 12, 0 },
	{ "January", TM__QTY_MONTH, 1, 0 },
	{ "Jan.", TM__QTY_MONTH, 1, 0 },
	{ "周日", TM__QTY_WEEKDAY, 7, 0 },
	{ "星期一", TM__QTY_WEEKDAY, 1, 0 },
	{ "Monday", TM__QTY_WEEKDAY, 1, 0 },
};

/* Words with no number in them. */
static const char *const none[] = {
	"统一", "一些", "十分重要", "may", "万一",
};

/* Source, target, expected finding kind ("" for none), zh to en. */
static const struct {
	const char *src, *tgt, *kind;
} pairs[] = {
	{ "5万", "50,000", "" },
	{ "5万只口罩", "50,000 masks", "" },
	{ "3.25万", "32,500", "" },
	{ "190万", "1.9 million", "" },
	{ "190万", "1,900,000", "" },
	{ "100万日元", "1 million yen", "" },
	{ "百分之五", "5 percent", "" },
	{ "百分之五", "5%", "" },
	{ "增长百分之五", "five percent growth", "" },
	{ "１２３人", "123 people", "" },
	{ "二〇二〇年", "2020", "" },
	{ "十五个", "15", "" },
	{ "三千万", "30 million", "" },
	{ "6亿吨", "600 million tons", "" },
	{ "两名", "two", "" },
	{ "1月28日", "January 28", "" },
	{ "1月28日", "28 January", "" },
	{ "1月28日", "January 28th", "" },
	{ "十二月十五号", "December 15", "" },
	{ "2020年2月", "February 2020", "" },
	{ "凌晨1时", "1 a.m.", "" },
	{ "凌晨1时", "01:00", "" },
	{ "下午3时30分", "3:30 p.m.", "" },
	{ "下午3点", "3 pm", "" },
	{ "15时", "15:00", "" },
	{ "星期一", "Monday", "" },
	{ "周日", "Sunday", "" },
	{ "第二次会议", "the second meeting", "" },
	{ "第三届", "the 3rd session", "" },
	{ "5万", "5,000", "number" },
	{ "5万只口罩", "5,000 masks", "number" },
	{ "3.25万", "3,250", "number" },
	{ "190万", "19 million", "number" },
	{ "100万日元", "100 yen", "number" },
	{ "百分之五", "50%", "number" },
	{ "１２３人", "132 people", "number" },
	{ "1月28日", "February 28", "date" },
	{ "1月28日", "January 18", "date" },
	{ "1月28日", "28 February", "date" },
	{ "2020年2月", "February 2019", "date" },
	{ "2020年2月", "March 2020", "date" },
	{ "凌晨1时", "1 p.m.", "time" },
	{ "下午3时30分", "3:00 p.m.", "time" },
	{ "星期一", "Tuesday", "date" },
	{ "第二次会议", "the third meeting", "number" },
};

/* Target, source, expected kind: en to zh. */
static const struct {
	const char *src, *tgt, *kind;
} back[] = {
	{ "50,000", "5万", "" },
	{ "32,500", "3.25万", "" },
	{ "1.9 million", "190万", "" },
	{ "1 million yen", "100万日元", "" },
	{ "5 percent", "百分之五", "" },
	{ "2020", "二〇二〇年", "" },
	{ "January 28", "1月28日", "" },
	{ "February 2020", "2020年2月", "" },
	{ "two million", "200万", "" },
	{ "Monday", "星期一", "" },
	{ "50,000", "5千", "number" },
	{ "1.9 million", "19万", "number" },
	{ "January 28", "2月28日", "date" },
	{ "Monday", "星期二", "date" },
};

static const char *
first_kind(const char *src, const char *tgt, const char *from, const char *to)
{
	static char kind[32];
	tm_findings *f = NULL;
	size_t i;

	kind[0] = '\0';
	if (tm_check_segment(&f, NULL, src, tgt, from, to) < 0)
		return "(error)";
	for (i = 0; i < tm_findings_count(f); i++) {
		const char *k = tm_findings_get(f, i)->kind;

		if (!strcmp(k, "number") || !strcmp(k, "date") ||
		    !strcmp(k, "time")) {
			snprintf(kind, sizeof(kind), "%s", k);
			break;
		}
	}
	tm_findings_free(f);
	return kind;
}

int
main(void)
{
	struct tm__qty_list l;
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(values); i++) {
		ok(tm__qty_scan(&l, values[i].text, strlen(values[i].text),
		    false) == 0 && l.n >= 1 && l.q[0].kind == values[i].kind &&
		    fabs(l.q[0].value - values[i].value) < 1e-6 &&
		    l.q[0].flags == values[i].flags, "'%s' reads as %g",
		    values[i].text, values[i].value);
		tm__qty_list_release(&l);
	}
	for (i = 0; i < TM__ARRAY_SIZE(none); i++) {
		ok(tm__qty_scan(&l, none[i], strlen(none[i]), true) == 0 &&
		    l.n == 0, "'%s' holds no number", none[i]);
		tm__qty_list_release(&l);
	}
	ok(tm__qty_scan(&l, "共5万只，1月28日到", strlen("共5万只，1月28日到"),
	    true) == 0 && l.n == 3 && l.q[0].start == 3 && l.q[0].end == 7 &&
	    l.q[1].kind == TM__QTY_MONTH && l.q[2].value == 28,
	    "spans are in bytes of the text");
	tm__qty_list_release(&l);

	for (i = 0; i < TM__ARRAY_SIZE(pairs); i++)
		is_str(first_kind(pairs[i].src, pairs[i].tgt, "zh-CN",
		    "en-US"), pairs[i].kind, "zh '%s' / en '%s': %s",
		    pairs[i].src, pairs[i].tgt, *pairs[i].kind ?
		    pairs[i].kind : "no finding");
	for (i = 0; i < TM__ARRAY_SIZE(back); i++)
		is_str(first_kind(back[i].src, back[i].tgt, "en-US", "zh-CN"),
		    back[i].kind, "en '%s' / zh '%s': %s", back[i].src,
		    back[i].tgt, *back[i].kind ? back[i].kind : "no finding");
	/* Chinese numerals written back, as they are read. */
	{
		static const struct { double v; const char *han; } w[] = {
			{ 8, "八" }, { 15, "十五" }, { 80000, "八万" },
			{ 1050, "一千零五十" }, { 30005, "三万零五" },
			{ 150000, "十五万" }, { 320000000, "三亿二千万" },
			{ 20010, "二万零一十" },
		};
		struct tm__buf b = { 0 };
		size_t k;

		for (k = 0; k < sizeof(w) / sizeof(w[0]); k++) {
			tm__buf_reset(&b);
			ok(tm__qty_put_han(&b, w[k].v) == 0 &&
			    strcmp(tm__buf_str(&b), w[k].han) == 0,
			    "%.0f in Chinese numerals is %s", w[k].v, w[k].han);
		}
		tm__buf_reset(&b);
		ok(tm__qty_put_han(&b, 2.5) == TM_EINVAL && b.len == 0,
		    "2.5 has no Chinese numerals here");
		tm__buf_release(&b);
	}
	return done_testing();
}
