/*
 * fuzzy.c: the edit distance between token sequences that scores fuzzy
 * matches, computed 64 pattern tokens at a time.
 *
 * Think of the usual table D[i][j], the distance between the first i
 * tokens of the pattern and the first j of the text, filled one text
 * column at a time.  Adjacent cells differ by -1, 0 or +1, so a column
 * is known from D[0][j] = j and its vertical deltas D[i][j] - D[i-1][j],
 * kept as two bit vectors: bit i-1 of pv is set where the delta is +1,
 * of mv where it is -1.  Myers (J. ACM 46(3), 1999) showed how to get
 * the next column's deltas from these and the match mask of the text
 * token (bit i-1 set where pattern token i equals it) in a dozen word
 * operations; we follow Hyyrö's formulation (Hyyrö, "Explaining and
 * extending the bit-parallel approximate string matching algorithm of
 * Myers", 2001), with the horizontal delta of row 0 fixed at +1 for a
 * global distance.  Longer patterns are cut into 64-row blocks that
 * hand the horizontal delta of their bottom row to the block below,
 * as in Myers' multi-word version.  Only the bottom cell D[m][j] is
 * tracked, which gives the distance at the last column.
 *
 * Tokens take any 32-bit value, so match masks are found through a
 * small open-addressing table over the pattern's distinct tokens.
 */
#include "tm-int.h"

#include "fuzzy.h"

#include <stdlib.h>

/* A slot of the token table. */
struct slot {
	uint32_t token;
	uint32_t row;		/* its masks' row in peq[]; 0: empty */
};

struct tm__pattern {
	size_t len;		/* tokens */
	size_t nblocks;		/* ceil(len / 64) */
	unsigned last;		/* bit of the last token in its block */
	unsigned shift;		/* 64 - log2(number of slots) */
	size_t mask;		/* number of slots - 1 */
	struct slot *slots;
	/*
	 * The match masks, a row of nblocks words per distinct token.  Row
	 * 0 is all zero: it is the row of every token that the pattern
	 * lacks, which the empty slot ending a failed probe names.
	 */
	uint64_t *peq;
	/*
	 * Scratch for the vertical deltas of each block, written by every
	 * comparison: the reason a pattern is not to be shared by threads.
	 */
	uint64_t *pv, *mv;
};

/* Fibonacci hashing: the high bits of the product mix every input bit. */
static size_t
find_slot(const struct tm__pattern *p, uint32_t token)
{
	size_t h;

	h = (size_t)((token * UINT64_C(0x9e3779b97f4a7c15)) >> p->shift);
	while (p->slots[h].row != 0 && p->slots[h].token != token)
		h = (h + 1) & p->mask;
	return h;
}

int
tm__pattern_new(struct tm__pattern **out, const uint32_t *tokens, size_t n)
{
	struct tm__pattern *p = NULL;
	struct slot *s;
	size_t i, nslots, rows = 1;
	unsigned bits = 1;
	int error = 0;

	*out = NULL;
	if (n > TM__PATTERN_MAX) {
		error = tm__error(TM_EINVAL,
		    "pattern too long for fuzzy matching: %zu tokens "
		    "(the limit is %u)", n, TM__PATTERN_MAX);
		goto done;
	}
	if (n && !tokens) {
		error = tm__error(TM_EINVAL, "no pattern tokens");
		goto done;
	}
	if (!(p = tm__calloc(1, sizeof(*p))))
		goto nomem;
	p->len = n;
	p->nblocks = (n + 63) / 64;
	p->last = (unsigned)((n + 63) % 64);

	/*
	 * At most an eighth of the slots are used.  Most text tokens are
	 * not in the pattern, and their probe then mostly ends at once on
	 * an empty slot; at half full, the mispredicted ends of longer
	 * probes made comparisons up to three times slower.
	 */
	while (((size_t)1 << bits) < 8 * n)
		bits++;
	nslots = (size_t)1 << bits;
	p->shift = 64 - bits;
	p->mask = nslots - 1;
	if (!(p->slots = tm__calloc(nslots, sizeof(*p->slots))))
		goto nomem;
	for (i = 0; i < n; i++) {
		s = &p->slots[find_slot(p, tokens[i])];
		if (s->row == 0) {
			s->token = tokens[i];
			s->row = (uint32_t)rows++;
		}
	}

	/* rows <= TM__PATTERN_MAX + 1, so the product cannot overflow. */
	if (!(p->peq = tm__calloc(rows * p->nblocks, sizeof(*p->peq))) ||
	    !(p->pv = tm__calloc(p->nblocks, sizeof(*p->pv))) ||
	    !(p->mv = tm__calloc(p->nblocks, sizeof(*p->mv))))
		goto nomem;
	for (i = 0; i < n; i++) {
		s = &p->slots[find_slot(p, tokens[i])];
		p->peq[s->row * p->nblocks + i / 64] |= (uint64_t)1 << (i % 64);
	}
	*out = p;
	p = NULL;
	goto done;
nomem:
	error = tm__error_nomem();
done:
	tm__pattern_free(p);
	return error;
}

void
tm__pattern_free(struct tm__pattern *p)
{
	if (!p)
		return;
	free(p->slots);
	free(p->peq);
	free(p->pv);
	free(p->mv);
	free(p);
}

size_t
tm__pattern_len(const struct tm__pattern *p)
{
	return p->len;
}

/* The match masks of `token`: nblocks words, all zero if p lacks it. */
static const uint64_t *
masks(const struct tm__pattern *p, uint32_t token)
{
	return p->peq + p->slots[find_slot(p, token)].row * p->nblocks;
}

/*
 * Advance one block by one text column.  In: the block's vertical deltas
 * *pv and *mv, the match mask eq and the horizontal delta entering at
 * the top of the block (hp: +1, hn: -1, both 0: 0; each 0 or 1).  Out:
 * the new vertical deltas, and in *ph and *mh the horizontal deltas of
 * the block's rows (bit i for the block's row i), whose top bits the
 * caller hands to the next block.
 */
static inline void
advance(uint64_t *pv, uint64_t *mv, uint64_t eq, uint64_t hp, uint64_t hn,
    uint64_t *ph, uint64_t *mh)
{
	uint64_t xv, xh, p, m;

	xv = eq | *mv;
	/* A -1 coming in acts on the first row as a match would. */
	eq |= hn;
	xh = (((eq & *pv) + *pv) ^ *pv) | eq;
	p = *mv | ~(xh | *pv);
	m = *pv & xh;
	*ph = p;
	*mh = m;
	p = p << 1 | hp;
	m = m << 1 | hn;
	*pv = m | ~(xv | p);
	*mv = p & xv;
}

/*
 * The cut-off.  Cells adjacent in a row differ by at most 1, so after
 * column j the distance D[m][n] is at least D[m][j] - (n - j).  Once
 * that exceeds max, i.e. D[m][j] + j > max + n, the distance does too.
 * `lim` is max + n (SIZE_MAX for no cut-off), and the loops below test
 * score + j >= lim with j counted from 0, which is the same test after
 * column j + 1.  score + j < m + n cannot overflow.  They return
 * SIZE_MAX when they stop early.
 */

/* Patterns of 1 to 64 tokens: all state lives in registers. */
static size_t
distance_word(const struct tm__pattern *p, const uint32_t *text, size_t n,
    size_t lim)
{
	uint64_t pv = ~(uint64_t)0, mv = 0, ph, mh;
	size_t score = p->len, j;
	unsigned last = p->last;

	for (j = 0; j < n; j++) {
		advance(&pv, &mv, *masks(p, text[j]), 1, 0, &ph, &mh);
		/* The bits are never both set; unsigned wrap-around is fine. */
		score += (ph >> last) & 1;
		score -= (mh >> last) & 1;
		if (score + j >= lim)
			return SIZE_MAX;
	}
	return score;
}

/* Patterns of 65 tokens or more. */
static size_t
distance_blocks(const struct tm__pattern *p, const uint32_t *text, size_t n,
    size_t lim)
{
	const uint64_t *eq;
	uint64_t *pv = p->pv, *mv = p->mv, hp, hn, ph, mh;
	size_t nb = p->nblocks, score = p->len, b, j;
	unsigned last = p->last;

	/* Column 0: D[i][0] = i, every vertical delta is +1. */
	for (b = 0; b < nb; b++) {
		pv[b] = ~(uint64_t)0;
		mv[b] = 0;
	}
	for (j = 0; j < n; j++) {
		eq = masks(p, text[j]);
		/* Row 0 is D[0][j] = j: its horizontal delta is +1. */
		hp = 1;
		hn = 0;
		for (b = 0; b < nb - 1; b++) {
			advance(&pv[b], &mv[b], eq[b], hp, hn, &ph, &mh);
			hp = ph >> 63;
			hn = mh >> 63;
		}
		advance(&pv[b], &mv[b], eq[b], hp, hn, &ph, &mh);
		score += (ph >> last) & 1;
		score -= (mh >> last) & 1;
		if (score + j >= lim)
			return SIZE_MAX;
	}
	return score;
}

size_t
tm__edit_distance(const struct tm__pattern *p, const uint32_t *text,
    size_t n, size_t max)
{
	size_t m = p->len, d, lim;

	/* Each edit changes the length by at most one. */
	d = m > n ? m - n : n - m;
	if (d > max)
		return max + 1;
	if (m == 0 || n == 0)
		return d;
	lim = max > SIZE_MAX - n ? SIZE_MAX : max + n;
	if (p->nblocks == 1)
		d = distance_word(p, text, n, lim);
	else
		d = distance_blocks(p, text, n, lim);
	return d > max ? max + 1 : d;
}

size_t
tm__edit_distance_dp(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb)
{
	const uint32_t *t;
	size_t *row, i, j, diag, up, d;

	/* Keep one row, over the shorter sequence. */
	if (na < nb) {
		t = a;
		a = b;
		b = t;
		d = na;
		na = nb;
		nb = d;
	}
	if (nb >= SIZE_MAX / sizeof(*row) ||
	    !(row = tm__malloc((nb + 1) * sizeof(*row))))
		return SIZE_MAX;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			up = row[j];
			d = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
		}
	}
	d = row[nb];
	free(row);
	return d;
}
