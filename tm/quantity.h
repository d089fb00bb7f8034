/*
 * quantity.h: numbers, months and weekdays read from text in every
 * spelling (quantity.c).  The aligner (anchor.c) and the checker
 * (check.c) read numbers through here, so that both agree on what a
 * number is.  Not API.
 */
#ifndef TM_QUANTITY_H
#define TM_QUANTITY_H

#include <stdbool.h>

#include <unicode/umachine.h>

enum tm__qty_kind {
	TM__QTY_NONE = 0,	/* consumed, but nothing to report (一些) */
	TM__QTY_NUMBER,		/* value: the number, scale words applied */
	TM__QTY_MONTH,		/* value: 1-12 (1月, January, Jan.) */
	TM__QTY_WEEKDAY		/* value: 1-7, Monday first */
};

enum tm__qty_flags {
	TM__QTY_PERCENT = 1 << 0	/* 百分之五: the number is a percentage */
};

struct tm__qty {
	int kind;		/* enum tm__qty_kind */
	double value;
	unsigned flags;		/* enum tm__qty_flags */
	size_t start, end;	/* code points c[start..end) */
};

/*
 * Read the quantity that starts at c[*i] of c[0..n).  Returns 1 and
 * advances *i past what it read (q->kind may be TM__QTY_NONE: a run of
 * Chinese numerals that is a word), or 0 with *i unchanged when nothing
 * numeric starts there.  `cjk` says the text is Chinese, Japanese or
 * Korean: English number words are then not looked for.
 *
 * An English number word ("two million") reports the scaled value but
 * ends before the scale word, which the caller reads next as a word.
 */
int tm__qty_next(struct tm__qty *q, const UChar32 *c, size_t n, size_t *i,
    bool cjk);

/* Whether two quantities' values are the same number. */
static inline bool
tm__qty_same(double a, double b)
{
	double d = a > b ? a - b : b - a, m = a < 0 ? -a : a;

	return d <= 1e-9 * (m > 1.0 ? m : 1.0);
}

/* Whether c is a Latin-script letter (what makes a word for the scan). */
bool tm__qty_is_letter(UChar32 c);

/* Whether c is a Chinese numeral or multiplier (五, 十, 万, 萬, 〇). */
bool tm__qty_is_han_numeral(UChar32 c);
/*
 * Append v (an integer from 0 to 10^12) in Chinese numerals, as they
 * are read here: 八万, 十五, 一千零五十, 三亿二千万.  TM_EINVAL (nothing
 * written) for another value, else 0 or TM_ENOMEM.
 */
struct tm__buf;
int tm__qty_put_han(struct tm__buf *out, double v);

/* The quantities of UTF-8 text, with spans in bytes. */
struct tm__qty_list {
	struct tm__qty *q;	/* start/end in bytes of the text */
	size_t n, cap;
	/* The code points of the text and the byte offset of each (+1). */
	UChar32 *cp;
	size_t *off;
	size_t ncp;
};
/* Scan text[0..len) (valid UTF-8): 0 or TM_ENOMEM. */
int tm__qty_scan(struct tm__qty_list *out, const char *text, size_t len,
    bool cjk);
void tm__qty_list_release(struct tm__qty_list *l);

#endif /* TM_QUANTITY_H */
