/*
 * anchor.c: the clues that tie a sentence to its translation whatever
 * the language: numbers in every spelling (Arabic and full-width digits,
 * 3.25万 = 32,500, 190万 = 1.9 million, 二〇二〇, 十五, 百分之五), months and
 * weekdays (1月 = January, 周一 = Monday), Latin-script words and
 * acronyms, question and exclamation marks, and the entries of a
 * bilingual dictionary.  Each clue is a 32-bit token whose top bits say
 * its kind (TM__ANCHOR_*); the aligner counts the tokens two sides share.
 *
 * Character classes come from ICU (digits by u_charDigitValue, Latin
 * letters by script, case by full case folding).
 */
#include "tm-int.h"
#include "align.h"

#include <math.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#define TOKEN(kind, h) (((uint32_t)(kind) << 29) | ((uint32_t)(h) & 0x1fffffffu))

static uint32_t
hash32(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32_t)h;
}

static int
add(struct tm__anchors *a, uint32_t tok)
{
	if (a->n == a->cap && tm__grow((void **)&a->tok, &a->cap, a->n,
	    sizeof(*a->tok)) < 0)
		return TM_ENOMEM;
	a->tok[a->n++] = tok;
	return 0;
}

static int
add_number(struct tm__anchors *a, double v)
{
	int64_t k;

	if (!(v >= 0) || v > 1e15)
		return 0;
	/* Three decimals: 3.25万 and 32,500 give the same token. */
	k = (int64_t)llround(v * 1000.0);
	return add(a, TOKEN(TM__ANCHOR_NUMBER, hash32((uint64_t)k)));
}

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
emit(struct tm__anchors *a, const struct scan *s, size_t j, double v)
{
	if (j < s->n && s->c[j] == 0x6708 && v >= 1 && v <= 12 &&
	    v == floor(v))
		return add(a, TOKEN(TM__ANCHOR_MONTH, (uint32_t)v));
	return add_number(a, v);
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

static bool
is_letter(UChar32 c)
{
	return u_isalpha(c) && uscript_getScript(c, &(UErrorCode){ U_ZERO_ERROR })
	    == USCRIPT_LATIN;
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
		    !is_letter(s->c[j + l]))) {
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
arabic(struct tm__anchors *a, const struct scan *s, size_t *i)
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
	return emit(a, s, j, v);
}

/* A run of Chinese numerals at *i: 二〇二〇, 十五, 三千万, 两. */
static int
chinese(struct tm__anchors *a, const struct scan *s, size_t *i,
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
	if (!units) {
		/*
		 * Digit by digit (二〇二〇, 一九四九年) needs a zero, three
		 * digits or 年: 一一 and 三四 are words or ranges.  A lone
		 * numeral needs a counter, and 一 a date or time unit.
		 */
		if (ndigits >= 2 && (zero || ndigits >= 3 ||
		    (j < s->n && s->c[j] == 0x5e74)))
			return emit(a, s, j, seq);
		if (ndigits == 1 && (force || (j < s->n &&
		    han_counter(s->c[j]) && (seq != 1 || han_date(s->c[j])))))
			return emit(a, s, j, seq);
		return 0;
	}
	/* Units alone (万一, 千万) are words; 十年 is ten years. */
	if (ndigits == 0 && !(j - b == 1 && s->c[b] == 0x5341 &&
	    j < s->n && han_counter(s->c[j])))
		return 0;
	/* 十分 is "very", not ten minutes. */
	if (ndigits == 0 && j < s->n && s->c[j] == 0x5206)
		return 0;
	return emit(a, s, j, total + section + num);
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

/* A Latin word at c[0..n): a number word, a month, a weekday, a word. */
static int
word(struct tm__anchors *a, const struct scan *s, size_t b, size_t e,
    unsigned flags)
{
	char lw[16];
	size_t k, n = e - b;

	if (n < sizeof(lw)) {
		for (k = 0; k < n; k++) {
			UChar32 c = u_tolower(s->c[b + k]);

			lw[k] = c < 0x80 ? (char)c : '?';
		}
		lw[n] = 0;
		for (k = 0; k < 12; k++)
			if (strcmp(lw, months[k]) == 0 ||
			    (*months3[k] && strcmp(lw, months3[k]) == 0 &&
			    e < s->n && s->c[e] == '.')) {
				/* "may" is a month only with a capital. */
				if (k == 4 && !u_isupper(s->c[b]))
					break;
				return add(a, TOKEN(TM__ANCHOR_MONTH, k + 1));
			}
		for (k = 0; k < 7; k++)
			if (strcmp(lw, weekdays[k]) == 0)
				return add(a, TOKEN(TM__ANCHOR_WEEKDAY, k + 1));
		if (!(flags & TM__ANCHOR_SIDE_CJK)) {
			for (k = 2; k < TM__ARRAY_SIZE(small); k++)
				if (strcmp(lw, small[k]) == 0) {
					size_t j = e;

					return add_number(a, (double)k *
					    scale_after(s, &j));
				}
			for (k = 0; k < TM__ARRAY_SIZE(tens); k++)
				if (strcmp(lw, tens[k]) == 0)
					return add_number(a, 30.0 + 10.0 * k);
		}
	}
	if (n < 2)
		return 0;
	return add(a, tm__word_token(s->c + b, n, TM__ANCHOR_WORD));
}

uint32_t
tm__word_token(const UChar32 *c, size_t n, int kind)
{
	uint64_t h = TM__HASH_INIT;
	size_t k;

	for (k = 0; k < n; k++) {
		UChar32 f = u_foldCase(c[k], U_FOLD_CASE_DEFAULT);

		h = tm__hash(h, &f, sizeof(f));
	}
	return TOKEN(kind, hash32(h));
}

int
tm__anchors_scan(struct tm__anchors *a, const UChar32 *c, size_t n,
    unsigned flags)
{
	struct scan s = { c, n };
	size_t i = 0, b;
	int error = 0, w;

	while (i < n && error == 0) {
		UChar32 ch = c[i];

		if (digit(ch) >= 0) {
			error = arabic(a, &s, &i);
		} else if (ch == 0x767e && i + 2 < n && c[i + 1] == 0x5206 &&
		    c[i + 2] == 0x4e4b) {
			/* 百分之五十: the percentage's number. */
			i += 3;
			if (i < n && digit(c[i]) >= 0)
				error = arabic(a, &s, &i);
			else
				error = chinese(a, &s, &i, true);
		} else if (han_digit(ch) >= 0 || han_unit(ch) > 0) {
			bool week = i >= 1 && (c[i - 1] == 0x5468 ||
			    (i >= 2 && c[i - 2] == 0x661f && c[i - 1] == 0x671f));

			if (week && (w = han_digit(ch)) >= 1 && w <= 6 &&
			    w != 2) {
				error = add(a, TOKEN(TM__ANCHOR_WEEKDAY, w));
				i++;
			} else if (week && ch == 0x4e8c) {
				error = add(a, TOKEN(TM__ANCHOR_WEEKDAY, 2));
				i++;
			} else {
				b = i;
				error = chinese(a, &s, &i, false);
				if (i == b)
					i++;
			}
		} else if ((ch == 0x65e5 || ch == 0x5929) && ((i >= 2 &&
		    c[i - 2] == 0x661f && c[i - 1] == 0x671f) || (i >= 1 &&
		    c[i - 1] == 0x5468))) {	/* 星期日 星期天 周日 周天 */
			error = add(a, TOKEN(TM__ANCHOR_WEEKDAY, 7));
			i++;
		} else if (is_letter(ch)) {
			b = i;
			while (i < n && is_letter(c[i]))
				i++;
			error = word(a, &s, b, i, flags);
		} else {
			switch (ch) {
			case '?': case 0xff1f:
				error = add(a, TOKEN(TM__ANCHOR_PUNCT, 1));
				break;
			case '!': case 0xff01:
				error = add(a, TOKEN(TM__ANCHOR_PUNCT, 2));
				break;
			case '(': case 0xff08:
				error = add(a, TOKEN(TM__ANCHOR_PUNCT, 3));
				break;
			case 0x201c: case 0x300a:	/* “ 《 */
				error = add(a, TOKEN(TM__ANCHOR_PUNCT, 4));
				break;
			case '"':
				/* Straight quotes come in pairs: count one. */
				if (i == 0 || c[i - 1] == ' ' || c[i - 1] == '(')
					error = add(a, TOKEN(TM__ANCHOR_PUNCT, 4));
				break;
			default:
				break;
			}
			i++;
		}
	}
	return error;
}

void
tm__anchors_release(struct tm__anchors *a)
{
	free(a->tok);
	a->tok = NULL;
	a->n = a->cap = 0;
}
