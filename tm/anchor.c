/*
 * anchor.c: the clues that tie a sentence to its translation whatever
 * the language: numbers in every spelling (Arabic and full-width digits,
 * 3.25万 = 32,500, 190万 = 1.9 million, 二〇二〇, 十五, 百分之五), months and
 * weekdays (1月 = January, 周一 = Monday), Latin-script words and
 * acronyms, question and exclamation marks, and the entries of a
 * bilingual dictionary.  Each clue is a 32-bit token whose top bits say
 * its kind (TM__ANCHOR_*); the aligner counts the tokens two sides share.
 *
 * Numbers, months and weekdays are read by quantity.c, which the
 * checker (check.c) shares; case comes from ICU's full case folding.
 */
#include "tm-int.h"
#include "align.h"
#include "quantity.h"

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
	bool cjk = (flags & TM__ANCHOR_SIDE_CJK) != 0;
	struct tm__qty q;
	size_t i = 0, b;
	int error = 0;

	while (i < n && error == 0) {
		UChar32 ch = c[i];

		if (tm__qty_next(&q, c, n, &i, cjk)) {
			switch (q.kind) {
			case TM__QTY_NUMBER:
				error = add_number(a, q.value);
				break;
			case TM__QTY_MONTH:
				error = add(a, TOKEN(TM__ANCHOR_MONTH,
				    (uint32_t)q.value));
				break;
			case TM__QTY_WEEKDAY:
				error = add(a, TOKEN(TM__ANCHOR_WEEKDAY,
				    (uint32_t)q.value));
				break;
			default:
				break;
			}
		} else if (tm__qty_is_letter(ch)) {
			b = i;
			while (i < n && tm__qty_is_letter(c[i]))
				i++;
			if (i - b >= 2)
				error = add(a, tm__word_token(c + b, i - b,
				    TM__ANCHOR_WORD));
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
