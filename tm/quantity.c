/*
 * quantity.c: numbers, months and weekdays in every spelling: Arabic
 * and full-width digits with grouping and decimals, scale words and
 * multipliers (3.25万 = 32,500, 190万 = 1.9 million), Chinese numerals
 * (二〇二〇, 十五, 三千万), 百分之五, English number words ("two
 * million"), month and weekday names (1月, January, Jan., 周一).  The
 * aligner's anchors (anchor.c) and the checker (check.c) both read
 * numbers here.
 *
 * Character classes come from ICU (digits by u_charDigitValue, Latin
 * letters by script).
 */
#include "tm-int.h"
#include "quantity.h"

#include <math.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

static int
digit(UChar32 c)
{
	return u_isdigit(c) ? u_charDigitValue(c) : -1;
}

static int
han_digit(UChar32 c)
{
	switch (c) {
	case 0x3007: case 0x96f6: return 0;	/* 〇 零 */
	case 0x4e00: return 1;			/* 一 */
	case 0x4e8c: case 0x4e24: return 2;	/* 二 两 */
	case 0x4e09: return 3;
	case 0x56db: return 4;
	case 0x4e94: return 5;
	case 0x516d: return 6;
	case 0x4e03: return 7;
	case 0x516b: return 8;
	case 0x4e5d: return 9;
	default: return -1;
	}
}

static double
han_unit(UChar32 c)
{
	switch (c) {
	case 0x5341: return 10;		/* 十 */
	case 0x767e: return 100;	/* 百 */
	case 0x5343: return 1000;	/* 千 */
	case 0x4e07: return 1e4;	/* 万 */
	case 0x842c: return 1e4;	/* 萬 */
	case 0x4ebf: return 1e8;	/* 亿 */
	case 0x5104: return 1e8;	/* 億 */
	default: return 0;
	}
}

/*
 * What may follow a single Chinese numeral for it to count as a number
 * (一个, 三名, 五月): a classifier or a unit of time.  Elsewhere 一 is
 * mostly part of a word (统一, 一些).
 */
static bool
han_counter(UChar32 c)
{
	static const char counters[] =
	    "个名位次天年月日号时点分岁人家项条件种国只头辆架艘起座所场届"
	    "周倍米元吨股支批轮例";
	const char *p = counters;
	size_t i = 0, n = sizeof(counters) - 1;
	UChar32 k;

	while (i < n) {
		U8_NEXT(p, i, n, k);
		if (k == c)
			return true;
	}
	return false;
}

/* 一 counts only before a date or time unit: 一个 is mostly "a". */
static bool
han_date(UChar32 c)
{
	return c == 0x6708 || c == 0x65e5 || c == 0x53f7 || c == 0x65f6 ||
	    c == 0x70b9;	/* 月 日 号 时 点 */
}

struct scan {
	const UChar32 *c;
	size_t n;
};

/* A number, or a month when 月 follows (1月 = January). */
static int
emit(struct tm__qty *q, const struct scan *s, size_t j, double v)
{
	q->end = j;
	q->value = v;
	q->kind = TM__QTY_NUMBER;
	if (j < s->n && s->c[j] == 0x6708 && v >= 1 && v <= 12 &&
	    v == floor(v))
		q->kind = TM__QTY_MONTH;
	return 1;
}

static bool
at(const struct scan *s, size_t i, const char *ascii_lower)
{
	size_t k;

	for (k = 0; ascii_lower[k]; k++)
		if (i + k >= s->n || u_tolower(s->c[i + k]) !=
		    (UChar32)(unsigned char)ascii_lower[k])
			return false;
	return true;
}

bool
tm__qty_is_letter(UChar32 c)
{
	return u_isalpha(c) && uscript_getScript(c, &(UErrorCode){ U_ZERO_ERROR })
	    == USCRIPT_LATIN;
}

bool
tm__qty_is_han_numeral(UChar32 c)
{
	return han_digit(c) >= 0 || han_unit(c) > 0;
}

/* Four digits' worth of Chinese numerals (1 to 9999); `lead`: first. */
static int
han_section(struct tm__buf *out, int v, bool lead)
{
	static const char *const d[] = { "零", "一", "二", "三", "四", "五",
	    "六", "七", "八", "九" };
	static const char *const u[] = { "千", "百", "十", "" };
	int k, div = 1000, error = 0;
	bool zero = false, started = false;

	for (k = 0; k < 4 && !error; k++, div /= 10) {
		int x = v / div % 10;

		if (!x) {
			zero = started;
			continue;
		}
		if (zero || (!started && !lead && div < 1000))
			error = tm__buf_adds(out, d[0]);
		zero = false;
		/* 十五, not 一十五, at the head of the number. */
		if (!error && !(x == 1 && div == 10 && !started && lead))
			error = tm__buf_adds(out, d[x]);
		if (!error)
			error = tm__buf_adds(out, u[k]);
		started = true;
	}
	return error;
}

int
tm__qty_put_han(struct tm__buf *out, double v)
{
	int64_t n = (int64_t)v, part[3];
	static const char *const big[] = { "亿", "万", "" };
	int k, error = 0;
	bool lead = true;

	if (v < 0 || v >= 1e12 || (double)n != v)
		return TM_EINVAL;
	if (n == 0)
		return tm__buf_adds(out, "零");
	part[0] = n / 100000000;
	part[1] = n / 10000 % 10000;
	part[2] = n % 10000;
	for (k = 0; k < 3 && !error; k++) {
		if (!part[k]) {
			continue;
		}
		if ((error = han_section(out, (int)part[k], lead)) == 0)
			error = tm__buf_adds(out, big[k]);
		lead = false;
	}
	return error;
}

/* The English scale word or Chinese multipliers after a number at i. */
static double
scale_after(const struct scan *s, size_t *i)
{
	static const struct { const char *w; double v; } words[] = {
		{ "thousand", 1e3 }, { "million", 1e6 }, { "billion", 1e9 },
		{ "trillion", 1e12 }, { "mln", 1e6 }, { "bln", 1e9 },
	};
	double f = 1, u;
	size_t j = *i, k;

	while (j < s->n && (s->c[j] == ' ' || s->c[j] == 0xa0))
		j++;
	for (k = 0; k < TM__ARRAY_SIZE(words); k++) {
		size_t l = strlen(words[k].w);

		if (at(s, j, words[k].w) && (j + l >= s->n ||
		    !tm__qty_is_letter(s->c[j + l]))) {
			*i = j + l;
			return words[k].v;
		}
	}
	/* 万, 亿, 千万, 百万, 万亿 ... right after the digits. */
	j = *i;
	while (j < s->n && (u = han_unit(s->c[j])) >= 100) {
		f *= u;
		j++;
	}
	*i = j;
	return f;
}

/* Arabic (or full-width) digits at *i, with grouping and decimals. */
static int
arabic(struct tm__qty *q, const struct scan *s, size_t *i)
{
	double v = 0, frac = 0.1;
	size_t j = *i;
	int d;

	while (j < s->n) {
		if ((d = digit(s->c[j])) >= 0) {
			v = v * 10 + d;
			j++;
		} else if (s->c[j] == ',' && j + 3 < s->n &&
		    digit(s->c[j + 1]) >= 0 && digit(s->c[j + 2]) >= 0 &&
		    digit(s->c[j + 3]) >= 0 &&
		    (j + 4 >= s->n || digit(s->c[j + 4]) < 0)) {
			j++;
		} else {
			break;
		}
	}
	if (j + 1 < s->n && (s->c[j] == '.' || s->c[j] == 0xff0e) &&
	    digit(s->c[j + 1]) >= 0) {
		j++;
		while (j < s->n && (d = digit(s->c[j])) >= 0) {
			v += d * frac;
			frac /= 10;
			j++;
		}
	}
	v *= scale_after(s, &j);
	*i = j;
	return emit(q, s, j, v);
}

/* A run of Chinese numerals at *i: 二〇二〇, 十五, 三千万, 两. */
static int
chinese(struct tm__qty *q, const struct scan *s, size_t *i,
    bool force)
{
	double total = 0, section = 0, num = 0, u, seq = 0;
	size_t b = *i, j = *i, ndigits = 0;
	bool units = false, zero = false;
	int d;

	for (; j < s->n; j++) {
		if ((d = han_digit(s->c[j])) >= 0) {
			zero = zero || d == 0;
			num = d;
			seq = seq * 10 + d;
			ndigits++;
		} else if ((u = han_unit(s->c[j])) > 0) {
			units = true;
			if (u == 1e4) {
				total = (total + section + num) * u;
				section = 0;
			} else if (u == 1e8) {
				total = (total + section + num) * u;
				section = 0;
			} else {
				section += (num == 0 && u == 10 ? 1 : num) * u;
			}
			num = 0;
		} else {
			break;
		}
	}
	if (j == b)
		return 0;
	*i = j;
	q->end = j;
	if (!units) {
		/*
		 * Digit by digit (二〇二〇, 一九四九年) needs a zero, three
		 * digits or 年: 一一 and 三四 are words or ranges.  A lone
		 * numeral needs a counter, and 一 a date or time unit.
		 */
		if (ndigits >= 2 && (zero || ndigits >= 3 ||
		    (j < s->n && s->c[j] == 0x5e74)))
			return emit(q, s, j, seq);
		if (ndigits == 1 && (force || (j < s->n &&
		    han_counter(s->c[j]) && (seq != 1 || han_date(s->c[j])))))
			return emit(q, s, j, seq);
		return 1;
	}
	/* Units alone (万一, 千万) are words; 十年 is ten years. */
	if (ndigits == 0 && !(j - b == 1 && s->c[b] == 0x5341 &&
	    j < s->n && han_counter(s->c[j])))
		return 1;
	/* 十分 is "very", not ten minutes. */
	if (ndigits == 0 && j < s->n && s->c[j] == 0x5206)
		return 1;
	return emit(q, s, j, total + section + num);
}

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const months3[] = {
	"jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec"
};
static const char *const weekdays[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday"
};
static const char *const small[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven",
	"eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
	"fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"
};
static const char *const tens[] = {
	"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"
};


/* A Latin word c[b..e): a number word, a month or a weekday. */
static int
word(struct tm__qty *q, const struct scan *s, size_t b, size_t e, bool cjk)
{
	char lw[16];
	size_t k, n = e - b;

	if (n >= sizeof(lw))
		return 0;
	for (k = 0; k < n; k++) {
		UChar32 c = u_tolower(s->c[b + k]);

		lw[k] = c < 0x80 ? (char)c : '?';
	}
	lw[n] = 0;
	q->end = e;
	for (k = 0; k < 12; k++)
		if (strcmp(lw, months[k]) == 0 ||
		    (*months3[k] && strcmp(lw, months3[k]) == 0 &&
		    e < s->n && s->c[e] == '.')) {
			/* "may" is a month only with a capital. */
			if (k == 4 && !u_isupper(s->c[b]))
				break;
			q->kind = TM__QTY_MONTH;
			q->value = (double)(k + 1);
			return 1;
		}
	for (k = 0; k < 7; k++)
		if (strcmp(lw, weekdays[k]) == 0) {
			q->kind = TM__QTY_WEEKDAY;
			q->value = (double)(k + 1);
			return 1;
		}
	if (cjk)
		return 0;
	for (k = 2; k < TM__ARRAY_SIZE(small); k++)
		if (strcmp(lw, small[k]) == 0) {
			size_t j = e;

			q->kind = TM__QTY_NUMBER;
			q->value = (double)k * scale_after(s, &j);
			return 1;
		}
	for (k = 0; k < TM__ARRAY_SIZE(tens); k++)
		if (strcmp(lw, tens[k]) == 0) {
			size_t j = e;

			/* "eighty thousand" as "two million" */
			q->kind = TM__QTY_NUMBER;
			q->value = (30.0 + 10.0 * k) * scale_after(s, &j);
			return 1;
		}
	return 0;
}

int
tm__qty_next(struct tm__qty *q, const UChar32 *c, size_t n, size_t *i,
    bool cjk)
{
	struct scan s = { c, n };
	size_t b = *i, e;
	UChar32 ch;
	int w;

	memset(q, 0, sizeof(*q));
	q->start = b;
	if (b >= n)
		return 0;
	ch = c[b];
	if (digit(ch) >= 0)
		return arabic(q, &s, i);
	if (ch == 0x767e && b + 2 < n && c[b + 1] == 0x5206 &&
	    c[b + 2] == 0x4e4b) {
		/* 百分之五十: the percentage's number. */
		*i = b + 3;
		q->flags = TM__QTY_PERCENT;
		if (*i < n && digit(c[*i]) >= 0)
			arabic(q, &s, i);
		else
			chinese(q, &s, i, true);
		q->flags = TM__QTY_PERCENT;
		q->start = b;
		q->end = *i;
		return 1;
	}
	if (han_digit(ch) >= 0 || han_unit(ch) > 0) {
		bool week = b >= 1 && (c[b - 1] == 0x5468 ||
		    (b >= 2 && c[b - 2] == 0x661f && c[b - 1] == 0x671f));

		if (week && (((w = han_digit(ch)) >= 1 && w <= 6 && w != 2) ||
		    ch == 0x4e8c)) {
			q->kind = TM__QTY_WEEKDAY;
			q->value = ch == 0x4e8c ? 2 : w;
			*i = q->end = b + 1;
			return 1;
		}
		chinese(q, &s, i, false);
		if (*i == b)
			(*i)++;
		q->end = *i;
		return 1;
	}
	if ((ch == 0x65e5 || ch == 0x5929) && ((b >= 2 &&
	    c[b - 2] == 0x661f && c[b - 1] == 0x671f) || (b >= 1 &&
	    c[b - 1] == 0x5468))) {	/* 星期日 星期天 周日 周天 */
		q->kind = TM__QTY_WEEKDAY;
		q->value = 7;
		*i = q->end = b + 1;
		return 1;
	}
	if (tm__qty_is_letter(ch)) {
		for (e = b; e < n && tm__qty_is_letter(c[e]); e++)
			;
		if (word(q, &s, b, e, cjk)) {
			*i = e;
			return 1;
		}
		memset(q, 0, sizeof(*q));
	}
	return 0;
}

int
tm__qty_scan(struct tm__qty_list *out, const char *text, size_t len,
    bool cjk)
{
	size_t i = 0, k;
	struct tm__qty q;

	memset(out, 0, sizeof(*out));
	if (!(out->cp = tm__malloc(sizeof(*out->cp) * (len + 1))) ||
	    !(out->off = tm__malloc(sizeof(*out->off) * (len + 1))))
		goto nomem;
	while (i < len) {
		UChar32 ch;

		out->off[out->ncp] = i;
		U8_NEXT(text, i, len, ch);
		out->cp[out->ncp++] = ch < 0 ? 0xfffd : ch;
	}
	out->off[out->ncp] = len;
	i = 0;
	while (i < out->ncp) {
		if (!tm__qty_next(&q, out->cp, out->ncp, &i, cjk)) {
			if (tm__qty_is_letter(out->cp[i]))
				while (i < out->ncp &&
				    tm__qty_is_letter(out->cp[i]))
					i++;
			else
				i++;
			continue;
		}
		if (q.kind == TM__QTY_NONE)
			continue;
		/* 万一 (in case), 亿万: a multiplier first makes a word.  The
		 * aligner reads these as numbers still (its F1 was tuned so). */
		if (q.kind == TM__QTY_NUMBER && (out->cp[q.start] == 0x4e07 ||
		    out->cp[q.start] == 0x842c || out->cp[q.start] == 0x4ebf ||
		    out->cp[q.start] == 0x5104))
			continue;
		if (out->n == out->cap && tm__grow((void **)&out->q,
		    &out->cap, out->n, sizeof(*out->q)) < 0)
			goto nomem;
		out->q[out->n++] = q;
	}
	/* Code points to bytes. */
	for (k = 0; k < out->n; k++) {
		out->q[k].start = out->off[out->q[k].start];
		out->q[k].end = out->off[out->q[k].end];
	}
	return 0;
nomem:
	tm__qty_list_release(out);
	return tm__error_nomem();
}

void
tm__qty_list_release(struct tm__qty_list *l)
{
	free(l->q);
	free(l->cp);
	free(l->off);
	memset(l, 0, sizeof(*l));
}
