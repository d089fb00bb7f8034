/*
 * align.c: sentence alignment of a text and its translation.
 *
 * Paragraphs first, then the sentences within each aligned group of
 * paragraphs, both by the same dynamic programme over 1-1, 1-2, 2-1,
 * 2-2, 1-3, 3-1, 2-3, 3-2, 3-3, 1-0 and 0-1 links.  Before it, the ties:
 * pairs of segments sharing an anchor found once in each text, the
 * heaviest chain of them in order on both sides.  They place the band
 * of a large table (so that it does not grow with the difference in
 * counts) and give the ratio of lengths when the totals' is off (a
 * partial translation).  The cost of a link (lower is better) is the
 * sum of
 *
 * - a prior per link type (-log of how often it occurs);
 * - a length cost: (log(lt / c + k) - log(ls + k))^2 / (2 s^2), with ls
 *   and lt the lengths in code points (spaces included), c the ratio of
 *   target to source characters estimated per document (first the
 *   ratio of the totals but bylines, or the ties' when far from it,
 *   then, for a second pass, that of the first pass's 1-1 links) and k
 *   a smoothing constant;
 * - for an unmatched segment, a fixed cost instead (lower for a Chinese
 *   byline such as 新华社…电, （完） or 责任编辑：…, which costs more
 *   inside a larger link);
 * - anchors (anchor.c): each token the two sides share lowers the cost,
 *   each number (or Latin word on the Chinese side) with no partner
 *   raises it.
 */
#include "tm-int.h"
#include "align.h"
#include "import.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include <jansson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define NMOVES 11

/* The model's parameters, tuned on the development set (BENCHMARKS.md). */
static const struct params {
	double prior[NMOVES];	/* per move, see moves[] */
	double sigma;		/* of the length log ratio */
	double smooth;		/* k, in source characters */
	double skip;		/* an unmatched segment */
	double skip_byline;	/* an unmatched Chinese byline */
	double skip_anchor;	/* per number or Latin word left unmatched */
	double match[TM__ANCHOR_KINDS];	/* reward per shared token */
	double miss_number;	/* per unshared number */
	double miss_word;	/* per unshared Latin word of the CJK side */
	double para_prior[NMOVES];	/* the priors between paragraphs */
	double byline_merge;	/* a byline inside a 2-1, 1-2, ... link */
	double prior_lex[NMOVES];	/* prior, with a large dictionary */
} P = {
	/*
	 * 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1, 1-3, 3-2, 2-3, 3-3: the larger links
	 * are rare enough in news that a deletion beside a 1-1 explains the
	 * lengths better; free translation needs them, with the anchors
	 * and the dictionary's words to pay for them.
	 */
	{ 0.0, 2.8, 2.8, 3.4, 3.4, 9.0, 9.0, 9.0, 10.0, 10.0, 12.0 },
	0.23, 4.0, 1.5, 1.0, 1.0,
	{ 1.5, 1.5, 2.5, 1.5, 1.5, 0.5 },
	2.0, 0.9,
	{ 0.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 5.0, 6.0, 6.0, 7.0 },
	/* More than a 1-0 beside it costs: a byline stands alone. */
	4.0,
	/*
	 * With a dictionary's words on both sides a merge that is wrong
	 * lacks the matches a right one has: free translation's 2-2, 3-1,
	 * 1-3 (and larger) links come cheaper.  Tuned on the synthetic
	 * free-translation set and the news sets (BENCHMARKS.md).
	 */
	{ 0.0, 2.8, 2.8, 3.4, 3.4, 7.0, 7.0, 7.0, 8.0, 8.0, 10.0 },
};

/* Headwords from which a dictionary counts as large (sentence_prior). */
#define LEX_ENTRIES 2000

/* Moves of the dynamic programme: source and target segments taken. */
static const uint8_t moves[NMOVES][2] = {
	{ 1, 1 }, { 1, 0 }, { 0, 1 }, { 2, 1 }, { 1, 2 }, { 2, 2 }, { 3, 1 },
	{ 1, 3 }, { 3, 2 }, { 2, 3 }, { 3, 3 }
};

struct sent {
	size_t off;		/* text in the side's arena */
	size_t nchars;
	size_t a0, na;		/* its sorted anchors in the side's pool */
	size_t para;
	bool byline;
};

struct side {
	char *file;
	char *lang;
	bool cjk;
	const tm_dict *dict;
	struct tm__buf arena;	/* the segments, NUL-separated */
	struct sent *s;
	size_t n, cap;
	struct tm__anchors pool;
	size_t *cum;		/* cum[i]: characters of s[0..i) */
};

/*
 * A tie: segments i and j share anchors found nowhere else in either
 * text (a number, a Latin word, a dictionary word); the ties of the
 * heaviest chain increasing on both sides place the search.
 */
struct tie {
	size_t i, j;
	unsigned w;
};

struct tm_alignment {
	struct side side[2];
	tm_align_link *links;
	size_t n, cap;
	double ratio;
	const tm_dict *dict;
	struct tie *ties;
	size_t nties;
};

/* One item of a DP: a range of segments (a segment or a paragraph). */
struct item {
	size_t first, count;
};

struct dp {
	const tm_alignment *al;
	const struct item *it[2];
	size_t n[2];
	const double *prior;
	double ratio;
	uint32_t *scratch[2];
	size_t scap[2];
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool
lang_cjk(const char *lang)
{
	return tm_lang_match("zh", lang) || tm_lang_match("ja", lang) ||
	    tm_lang_match("ko", lang);
}

/* Whether c[0..n) begins with the code points k (zero-terminated). */
static bool
begins(const UChar32 *c, size_t n, const uint_least32_t *k)
{
	size_t i;

	for (i = 0; k[i]; i++)
		if (i >= n || (uint_least32_t)c[i] != k[i])
			return false;
	return true;
}

/*
 * Lines a translation often leaves out: 新华社北京1月28日电, （完）,
 * (完), a reporter's or editor's credit, alone or in brackets
 * （记者 张三）, 【编辑：王五】, 责任编辑：李四, 来源：新华社.
 */
static bool
is_byline(const UChar32 *c, size_t n)
{
	static const UChar32 xinhua[] = { 0x65b0, 0x534e, 0x793e };
	static const uint_least32_t *const credit[] = {
		U"\u8bb0\u8005",			/* 记者 */
		U"\u672c\u62a5\u8bb0\u8005",	/* 本报记者 */
		U"\u7f16\u8f91",			/* 编辑 */
		U"\u8d23\u4efb\u7f16\u8f91",	/* 责任编辑 */
		U"\u901a\u8baf\u5458",		/* 通讯员 */
		U"\u6765\u6e90",			/* 来源 */
		U"\u4f5c\u8005",			/* 作者 */
		U"\u6444\u5f71",			/* 摄影 */
		U"\u6821\u5bf9",			/* 校对 */
		U"\u5ba1\u6838",			/* 审核 */
		U"\u64b0\u7a3f",			/* 撰稿 */
		U"\u7f16\u8bd1",			/* 编译 */
	};
	size_t i, k, b = 0, e = n;

	if (n >= 3 && memcmp(c, xinhua, sizeof(xinhua)) == 0) {
		for (i = 3; i < n && i < 40; i++)
			if (c[i] == 0x7535)	/* 电 */
				return true;
	}
	for (i = 0; i < n; i++)
		if (c[i] == 0x5b8c && i > 0 && (c[i - 1] == 0xff08 ||
		    c[i - 1] == '(') && i + 1 < n && (c[i + 1] == 0xff09 ||
		    c[i + 1] == ')'))
			return n < 12;
	if (n >= 40)
		return false;
	/* In brackets: （…） (…) 【…】 [...] 〔…〕. */
	if (n >= 2 && ((c[0] == 0xff08 && c[n - 1] == 0xff09) ||
	    (c[0] == '(' && c[n - 1] == ')') ||
	    (c[0] == 0x3010 && c[n - 1] == 0x3011) ||
	    (c[0] == '[' && c[n - 1] == ']') ||
	    (c[0] == 0x3014 && c[n - 1] == 0x3015))) {
		b = 1;
		e = n - 1;
	}
	while (b < e && (c[b] == ' ' || c[b] == 0x3000))
		b++;
	for (k = 0; k < TM__ARRAY_SIZE(credit); k++) {
		size_t l = 0, x;

		if (!begins(c + b, e - b, credit[k]))
			continue;
		while (credit[k][l])
			l++;
		x = b + l;
		/* A credit is followed by a colon, a space or a name. */
		if (x < e && (c[x] == ':' || c[x] == 0xff1a || c[x] == ' ' ||
		    c[x] == 0x3000 || b > 0))
			return true;
	}
	return false;
}

static int
add_segment(void *payload, const char *text, size_t len, size_t para,
    long line)
{
	struct side *sd = payload;
	struct tm__anchors a = { 0 };
	UChar32 *cps = NULL;
	struct sent *st;
	size_t i = 0, n = 0;
	int error;

	(void)line;
	if (sd->n == sd->cap && (error = tm__grow((void **)&sd->s, &sd->cap,
	    sd->n, sizeof(*sd->s))) < 0)
		return error;
	st = &sd->s[sd->n];
	memset(st, 0, sizeof(*st));
	st->off = sd->arena.len;
	st->para = para;
	if ((error = tm__buf_add(&sd->arena, text, len)) < 0 ||
	    (error = tm__buf_addc(&sd->arena, '\0')) < 0)
		return error;
	if (len && !(cps = tm__malloc(len * sizeof(*cps))))
		return TM_ENOMEM;
	while (i < len) {
		UChar32 c;

		U8_NEXT(text, i, len, c);
		cps[n++] = c < 0 ? 0xfffd : c;
	}
	st->nchars = n;
	st->byline = sd->cjk && is_byline(cps, n);
	error = tm__anchors_scan(&a, cps, n, sd->cjk ? TM__ANCHOR_SIDE_CJK : 0);
	if (error == 0 && sd->dict)
		error = tm__dict_scan(sd->dict, &a, cps, n, sd->cjk);
	free(cps);
	if (error < 0)
		goto done;
	if (a.n > 1)
		qsort(a.tok, a.n, sizeof(*a.tok), cmp_u32);
	st->a0 = sd->pool.n;
	st->na = a.n;
	if (a.n && (sd->pool.n + a.n > sd->pool.cap)) {
		size_t cap = sd->pool.cap ? sd->pool.cap : 64;
		uint32_t *p;

		while (cap < sd->pool.n + a.n)
			cap *= 2;
		if (!(p = tm__realloc(sd->pool.tok, cap * sizeof(*p)))) {
			error = TM_ENOMEM;
			goto done;
		}
		sd->pool.tok = p;
		sd->pool.cap = cap;
	}
	if (a.n)
		memcpy(sd->pool.tok + sd->pool.n, a.tok, a.n * sizeof(*a.tok));
	sd->pool.n += a.n;
	sd->n++;
done:
	tm__anchors_release(&a);
	return error;
}

/* An anchor of a segment: the token and the segment it is in. */
struct occ {
	uint32_t tok;
	size_t seg;
};

static int
cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->tok != y->tok)
		return x->tok < y->tok ? -1 : 1;
	return x->seg < y->seg ? -1 : x->seg > y->seg;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_tie(const void *a, const void *b)
{
	const struct tie *x = a, *y = b;

	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	/* Within a segment the later partner first: see chain(). */
	return x->j > y->j ? -1 : x->j < y->j;
}

/* The telling anchors of a side, each once per segment, sorted. */
static int
side_occs(const struct side *sd, struct occ **out, size_t *n)
{
	struct occ *o = NULL;
	size_t i, k, cap = 0;

	*n = 0;
	for (i = 0; i < sd->n; i++) {
		const uint32_t *t;

		if (!sd->s[i].na)
			continue;
		t = sd->pool.tok + sd->s[i].a0;
		for (k = 0; k < sd->s[i].na; k++) {
			int kind = TM__ANCHOR_KIND(t[k]);

			if ((kind != TM__ANCHOR_NUMBER &&
			    kind != TM__ANCHOR_WORD && kind != TM__ANCHOR_DICT) ||
			    (k > 0 && t[k] == t[k - 1]))
				continue;
			if (*n == cap && tm__grow((void **)&o, &cap, *n,
			    sizeof(*o)) < 0) {
				free(o);
				return TM_ENOMEM;
			}
			o[*n].tok = t[k];
			o[(*n)++].seg = i;
		}
	}
	if (*n > 1)
		qsort(o, *n, sizeof(*o), cmp_occ);
	*out = o;
	return 0;
}

/*
 * Keep the heaviest chain of ties increasing on both sides (a weighted
 * longest increasing subsequence; a Fenwick tree over the target
 * segments gives the best chain ending before each).
 */
static int
chain(struct tie *t, size_t *nt, size_t m)
{
	size_t n = *nt, k, x, best = SIZE_MAX, *prev = NULL, *fen = NULL;
	double *score = NULL, top = 0;
	int error = 0;

	if (n == 0)
		return 0;
	qsort(t, n, sizeof(*t), cmp_tie);
	if (!(prev = tm__malloc(n * sizeof(*prev))) ||
	    !(score = tm__malloc(n * sizeof(*score))) ||
	    !(fen = tm__malloc((m + 1) * sizeof(*fen)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (x = 0; x <= m; x++)
		fen[x] = SIZE_MAX;
	for (k = 0; k < n; k++) {
		size_t b = SIZE_MAX;

		/* The best chain ending at a target segment before t[k].j. */
		for (x = t[k].j; x > 0; x -= x & -x)
			if (fen[x] != SIZE_MAX && (b == SIZE_MAX ||
			    score[fen[x]] > score[b]))
				b = fen[x];
		prev[k] = b;
		score[k] = t[k].w + (b == SIZE_MAX ? 0 : score[b]);
		for (x = t[k].j + 1; x <= m; x += x & -x)
			if (fen[x] == SIZE_MAX || score[fen[x]] < score[k])
				fen[x] = k;
		if (best == SIZE_MAX || score[k] > top) {
			best = k;
			top = score[k];
		}
	}
	/* Mark the chain walking back, then keep it in order. */
	for (k = best; k != SIZE_MAX; k = prev[k])
		score[k] = -1;
	for (k = 0, x = 0; k < n; k++)
		if (score[k] < 0)
			t[x++] = t[k];
	*nt = x;
done:
	free(prev);
	free(score);
	free(fen);
	return error;
}

/* The ties of the two texts (al->ties), in order on both sides. */
static int
find_ties(tm_alignment *al)
{
	struct occ *o[2] = { NULL, NULL };
	size_t no[2] = { 0, 0 }, a = 0, b = 0, n = 0, cap = 0, k, x;
	struct tie *t = NULL;
	int error;

	if ((error = side_occs(&al->side[0], &o[0], &no[0])) < 0 ||
	    (error = side_occs(&al->side[1], &o[1], &no[1])) < 0)
		goto done;
	/* Tokens found in one segment of each side. */
	while (a < no[0] && b < no[1]) {
		size_t ea = a, eb = b;

		if (o[0][a].tok != o[1][b].tok) {
			if (o[0][a].tok < o[1][b].tok)
				a++;
			else
				b++;
			continue;
		}
		while (ea < no[0] && o[0][ea].tok == o[0][a].tok)
			ea++;
		while (eb < no[1] && o[1][eb].tok == o[1][b].tok)
			eb++;
		if (ea - a == 1 && eb - b == 1) {
			if (n == cap && (error = tm__grow((void **)&t, &cap, n,
			    sizeof(*t))) < 0)
				goto done;
			t[n].i = o[0][a].seg;
			t[n].j = o[1][b].seg;
			t[n++].w = 1;
		}
		a = ea;
		b = eb;
	}
	/* One tie per pair of segments, weighing as many tokens. */
	if (n > 1)
		qsort(t, n, sizeof(*t), cmp_tie);
	for (k = 0, x = 0; k < n; k++) {
		if (x > 0 && t[x - 1].i == t[k].i && t[x - 1].j == t[k].j)
			t[x - 1].w++;
		else
			t[x++] = t[k];
	}
	n = x;
	if ((error = chain(t, &n, al->side[1].n)) < 0)
		goto done;
	al->ties = t;
	al->nties = n;
	t = NULL;
done:
	free(o[0]);
	free(o[1]);
	free(t);
	return error;
}

/*
 * The ratio of target to source characters from the ties: the median
 * of the ratios of stretches of at least 150 source characters between
 * ties, or that of the span from the first tie to the last.  Unlike
 * the ratio of the totals, it holds when one text is translated only in
 * part.  0 when the ties are too few.
 */
static double
tie_ratio(const tm_alignment *al)
{
	const size_t *cs = al->side[0].cum, *ct = al->side[1].cum;
	const struct tie *t = al->ties;
	double *r = NULL, ratio = 0;
	size_t k, nr = 0, p = 0;

	if (al->nties < 3 || !(r = tm__malloc(al->nties * sizeof(*r))))
		return 0;
	for (k = 1; k < al->nties; k++) {
		double ls = (double)(cs[t[k].i] - cs[t[p].i]);
		double lt = (double)(ct[t[k].j] - ct[t[p].j]);

		if (ls >= 150 && lt > 0) {
			r[nr++] = lt / ls;
			p = k;
		}
	}
	if (nr >= 3) {
		qsort(r, nr, sizeof(*r), cmp_double);
		ratio = nr % 2 ? r[nr / 2] : (r[nr / 2 - 1] + r[nr / 2]) / 2;
	} else {
		double ls = (double)(cs[t[al->nties - 1].i + 1] - cs[t[0].i]);
		double lt = (double)(ct[t[al->nties - 1].j + 1] - ct[t[0].j]);

		ratio = ls >= 100 && lt > 0 ? lt / ls : 0;
	}
	free(r);
	return ratio;
}

/* Gather the sorted anchors of segments [first, first+count) of a side. */
static int
gather(struct dp *d, int k, size_t first, size_t count, size_t *n)
{
	const struct side *sd = &d->al->side[k];
	size_t i, total = 0;

	for (i = first; i < first + count; i++)
		total += sd->s[i].na;
	if (total > d->scap[k]) {
		uint32_t *p = tm__realloc(d->scratch[k], total * sizeof(*p));

		if (!p)
			return TM_ENOMEM;
		d->scratch[k] = p;
		d->scap[k] = total;
	}
	*n = 0;
	for (i = first; i < first + count; i++) {
		const uint32_t *t;
		uint32_t *o = d->scratch[k];
		size_t na = sd->s[i].na, x, y;

		/* Without anchors the pool may be NULL: no pointer into it. */
		if (!na)
			continue;
		t = sd->pool.tok + sd->s[i].a0;
		/* Each segment's anchors are sorted: insert in order. */
		y = *n + na;
		x = *n;
		while (na > 0) {
			if (x > 0 && o[x - 1] > t[na - 1])
				o[--y] = o[--x];
			else
				o[--y] = t[--na];
		}
		*n += sd->s[i].na;
	}
	return 0;
}

/* The anchors' share of a 1-1-or-larger link's cost. */
static double
anchor_cost(struct dp *d, size_t s0, size_t ns, size_t t0, size_t nt,
    int *error)
{
	const tm_alignment *al = d->al;
	size_t na, nb, i = 0, j = 0;
	const uint32_t *a, *b;
	double cost = 0;
	bool cjk[2] = { al->side[0].cjk, al->side[1].cjk };

	if ((*error = gather(d, 0, s0, ns, &na)) < 0 ||
	    (*error = gather(d, 1, t0, nt, &nb)) < 0)
		return 0;
	a = d->scratch[0];
	b = d->scratch[1];
	while (i < na || j < nb) {
		if (i < na && j < nb && a[i] == b[j]) {
			cost -= P.match[TM__ANCHOR_KIND(a[i])];
			i++;
			j++;
		} else if (j >= nb || (i < na && a[i] < b[j])) {
			int kind = TM__ANCHOR_KIND(a[i]);

			if (kind == TM__ANCHOR_NUMBER)
				cost += P.miss_number;
			else if (kind == TM__ANCHOR_WORD && cjk[0] && !cjk[1])
				cost += P.miss_word;
			i++;
		} else {
			int kind = TM__ANCHOR_KIND(b[j]);

			if (kind == TM__ANCHOR_NUMBER)
				cost += P.miss_number;
			else if (kind == TM__ANCHOR_WORD && cjk[1] && !cjk[0])
				cost += P.miss_word;
			j++;
		}
	}
	return cost;
}

/* Characters of segments [first, first+count) of side k. */
static double
chars(const struct dp *d, int k, size_t first, size_t count)
{
	const size_t *cum = d->al->side[k].cum;

	return (double)(cum[first + count] - cum[first]);
}

/* The largest reward a shared anchor can bring. */
static double
max_match(void)
{
	double m = 0;
	size_t k;

	for (k = 0; k < TM__ANCHOR_KINDS; k++)
		if (P.match[k] > m)
			m = P.match[k];
	return m;
}

/*
 * The cost of taking items [i-di, i) and [j-dj, j) as one link, or
 * INFINITY when it cannot come under `bound` (the anchors, the only part
 * that lowers a cost, are then not compared).
 */
static double
link_cost(struct dp *d, size_t i, size_t j, int mv, double bound, int *error)
{
	int di = moves[mv][0], dj = moves[mv][1];
	size_t s0 = 0, ns = 0, t0 = 0, nt = 0, x;
	double cost = d->prior[mv], ls, lt, r;

	*error = 0;
	if (di) {
		s0 = d->it[0][i - di].first;
		for (x = i - di; x < i; x++)
			ns += d->it[0][x].count;
	}
	if (dj) {
		t0 = d->it[1][j - dj].first;
		for (x = j - dj; x < j; x++)
			nt += d->it[1][x].count;
	}
	if (!di || !dj) {
		const struct side *sd = &d->al->side[di ? 0 : 1];
		size_t f = di ? s0 : t0, c = di ? ns : nt;
		bool byline = c == 1 && sd->s[f].byline;

		cost += byline ? P.skip_byline : P.skip * (double)c;
		/* A byline's place and date need no partner. */
		for (x = f; x < f + c && !byline; x++) {
			const uint32_t *t;
			size_t y;

			if (!sd->s[x].na)
				continue;
			t = sd->pool.tok + sd->s[x].a0;
			for (y = 0; y < sd->s[x].na; y++)
				if (TM__ANCHOR_KIND(t[y]) == TM__ANCHOR_NUMBER ||
				    (TM__ANCHOR_KIND(t[y]) == TM__ANCHOR_WORD &&
				    sd->cjk))
					cost += P.skip_anchor;
		}
		return cost;
	}
	/* Between sentences, a byline is never part of a larger link. */
	if (d->prior != P.para_prior && ns + nt > 2) {
		for (x = s0; x < s0 + ns; x++)
			if (d->al->side[0].s[x].byline)
				cost += P.byline_merge;
		for (x = t0; x < t0 + nt; x++)
			if (d->al->side[1].s[x].byline)
				cost += P.byline_merge;
	}
	ls = chars(d, 0, s0, ns);
	lt = chars(d, 1, t0, nt);
	r = log(lt / d->ratio + P.smooth) - log(ls + P.smooth);
	cost += r * r / (2 * P.sigma * P.sigma);
	{
		const struct side *a = &d->al->side[0], *b = &d->al->side[1];
		size_t na = a->s[s0 + ns - 1].a0 + a->s[s0 + ns - 1].na -
		    a->s[s0].a0, nb = b->s[t0 + nt - 1].a0 +
		    b->s[t0 + nt - 1].na - b->s[t0].a0;

		if (na == 0 && nb == 0)
			return cost;
		if (cost - max_match() * (double)(na < nb ? na : nb) >= bound)
			return INFINITY;
	}
	cost += anchor_cost(d, s0, ns, t0, nt, error);
	return cost;
}

/* The item of side k holding segment seg, or SIZE_MAX. */
static size_t
item_of(const struct dp *d, int k, size_t seg)
{
	const struct item *it = d->it[k];
	size_t lo = 0, hi = d->n[k];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (it[mid].first + it[mid].count <= seg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n[k] && it[lo].first <= seg ? lo : SIZE_MAX;
}

/*
 * The band of the table from the ties: around the line through them,
 * as wide as TIE_BAND plus the difference in the items between two ties
 * (so that what one text adds between them still fits).  False when
 * there are too few ties in these items.
 */
#define TIE_BAND 40

static bool
tie_band(const struct dp *d, size_t *lo, size_t *hi)
{
	const tm_alignment *al = d->al;
	size_t n = d->n[0], m = d->n[1], k, r, pi = 0, pj = 0, used = 0;

	for (r = 0; r <= n; r++) {
		lo[r] = SIZE_MAX;
		hi[r] = 0;
	}
	for (k = 0; k <= al->nties; k++) {
		size_t ci, cj, gi, gj, w;

		if (k < al->nties) {
			ci = item_of(d, 0, al->ties[k].i);
			cj = item_of(d, 1, al->ties[k].j);
			if (ci == SIZE_MAX || cj == SIZE_MAX || ci < pi ||
			    cj < pj)
				continue;
			used++;
		} else {
			ci = n;
			cj = m;
		}
		gi = ci - pi;
		gj = cj - pj;
		w = TIE_BAND + (gi > gj ? gi - gj : gj - gi);
		/*
		 * Within the rectangle between the two ties (and a margin, in
		 * case a tie is wrong): past the last tie of a partial
		 * translation the rows are many and the columns few.
		 */
		for (r = pi; r <= ci; r++) {
			size_t c = gi ? pj + (r - pi) * gj / gi : pj;
			size_t a = c > w ? c - w : 0, b = c + w;

			if (gi == 0)
				b = cj + w;
			if (a + TIE_BAND < pj)
				a = pj - TIE_BAND;
			if (b > cj + TIE_BAND)
				b = cj + TIE_BAND;
			if (a < lo[r])
				lo[r] = a;
			if (b > hi[r])
				hi[r] = b;
		}
		/* Past the tie: both its items are taken. */
		pi = ci < n ? ci + 1 : n;
		pj = cj < m ? cj + 1 : m;
	}
	if (used < 2)
		return false;
	/* Monotone and connected, from (0, 0) to (n, m). */
	for (r = 0; r <= n; r++) {
		if (hi[r] > m)
			hi[r] = m;
		if (r > 0 && hi[r] < hi[r - 1])
			hi[r] = hi[r - 1];
	}
	lo[0] = 0;
	hi[n] = m;
	for (r = n; r-- > 0;)
		if (lo[r] > lo[r + 1])
			lo[r] = lo[r + 1];
	for (r = 1; r <= n; r++)
		if (lo[r] > hi[r - 1])
			lo[r] = hi[r - 1];
	return true;
}

/*
 * The cheapest path through the items; the links are appended to
 * *out (*nout of them) as item ranges (first item, count) on each side.
 */
struct ilink {
	size_t i, di, j, dj;
	double cost;
};

static int
run_dp(struct dp *d, struct ilink **out, size_t *nout)
{
	size_t n = d->n[0], m = d->n[1], i, j, rows = n + 1, w, cells = 0;
	size_t *lo = NULL, *hi = NULL, *off = NULL, nl = 0;
	double *cost = NULL;
	uint8_t *back = NULL;
	struct ilink *links = NULL;
	int error = 0, mv;

	*out = NULL;
	*nout = 0;
	/* A band around the diagonal; the whole table when it is small. */
	w = (n + 1) * (m + 1) <= 4000000 ? m + 1 :
	    100 + (n > m ? n - m : m - n);
	if (!(lo = tm__calloc(rows, sizeof(*lo))) ||
	    !(hi = tm__calloc(rows, sizeof(*hi))) ||
	    !(off = tm__calloc(rows + 1, sizeof(*off)))) {
		error = TM_ENOMEM;
		goto done;
	}
	/*
	 * A large table: around the line through the ties when there are
	 * enough, else around the diagonal, as wide as the difference in
	 * counts (which grows with it).
	 */
	if (w == m + 1 || !tie_band(d, lo, hi)) {
		for (i = 0; i <= n; i++) {
			size_t c = n ? i * m / n : 0;

			lo[i] = c > w ? c - w : 0;
			hi[i] = c + w > m ? m : c + w;
			if (i == n)
				hi[i] = m;
		}
	}
	for (i = 0; i <= n; i++) {
		off[i] = cells;
		cells += hi[i] - lo[i] + 1;
	}
	off[rows] = cells;
	if (cells > 64000000) {
		error = tm__error(TM_EINVAL, "align: too many segments to align "
		    "as one document (%zu and %zu): split the texts", n, m);
		goto done;
	}
	if (!(cost = tm__malloc(cells * sizeof(*cost))) ||
	    !(back = tm__malloc(cells))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i <= n; i++) {
		for (j = lo[i]; j <= hi[i]; j++) {
			double best = INFINITY;
			int bm = -1;

			if (i == 0 && j == 0)
				best = 0;
			for (mv = 0; mv < NMOVES && !(i == 0 && j == 0); mv++) {
				size_t pi, pj;
				double c;

				if (moves[mv][0] > i || moves[mv][1] > j)
					continue;
				pi = i - moves[mv][0];
				pj = j - moves[mv][1];
				if (pj < lo[pi] || pj > hi[pi])
					continue;
				c = cost[off[pi] + pj - lo[pi]];
				if (c == INFINITY)
					continue;
				c += link_cost(d, i, j, mv, best - c, &error);
				if (error < 0)
					goto done;
				if (c < best) {
					best = c;
					bm = mv;
				}
			}
			cost[off[i] + j - lo[i]] = best;
			back[off[i] + j - lo[i]] = (uint8_t)(bm < 0 ? 255 : bm);
		}
	}
	if (n + m && back[off[n] + m - lo[n]] == 255) {
		error = tm__error(TM_ERROR, "alignment: no path (band too narrow)");
		goto done;
	}
	if (!(links = tm__calloc(n + m + 1, sizeof(*links)))) {
		error = TM_ENOMEM;
		goto done;
	}
	i = n;
	j = m;
	while (i > 0 || j > 0) {
		size_t k = off[i] + j - lo[i];

		mv = back[k];
		links[nl].di = moves[mv][0];
		links[nl].dj = moves[mv][1];
		links[nl].i = i - links[nl].di;
		links[nl].j = j - links[nl].dj;
		links[nl].cost = cost[k] - cost[off[links[nl].i] + links[nl].j -
		    lo[links[nl].i]];
		i = links[nl].i;
		j = links[nl].j;
		nl++;
	}
	/* Reverse into document order. */
	for (i = 0; i < nl / 2; i++) {
		struct ilink t = links[i];

		links[i] = links[nl - 1 - i];
		links[nl - 1 - i] = t;
	}
	*out = links;
	*nout = nl;
	links = NULL;
done:
	free(lo);
	free(hi);
	free(off);
	free(cost);
	free(back);
	free(links);
	return error;
}

static int
add_link(tm_alignment *al, size_t s, size_t ns, size_t t, size_t nt,
    double cost)
{
	tm_align_link *l;
	int error;

	if (al->n == al->cap && (error = tm__grow((void **)&al->links,
	    &al->cap, al->n, sizeof(*al->links))) < 0)
		return error;
	l = &al->links[al->n++];
	l->src = s;
	l->nsrc = ns;
	l->tgt = t;
	l->ntgt = nt;
	l->score = cost <= 0 ? 1.0 : exp(-cost / 4);
	return 0;
}

/* The prior of the move taking di and dj segments. */
static double
prior_of(const double *prior, size_t di, size_t dj)
{
	int mv;

	for (mv = 0; mv < NMOVES; mv++)
		if (moves[mv][0] == di && moves[mv][1] == dj)
			return prior[mv];
	return 0;
}

/*
 * The priors between sentences: the larger links cost less when a
 * dictionary large enough to tell which sentences translate which is
 * there to pay for them.
 */
static const double *
sentence_prior(const tm_alignment *al)
{
	return al->dict && tm_dict_count(al->dict) >= LEX_ENTRIES ?
	    P.prior_lex : P.prior;
}

/* Sentence items for segments [first, first+count) of a side. */
static struct item *
sentence_items(size_t first, size_t count)
{
	struct item *it = tm__calloc(count ? count : 1, sizeof(*it));
	size_t i;

	if (!it)
		return NULL;
	for (i = 0; i < count; i++) {
		it[i].first = first + i;
		it[i].count = 1;
	}
	return it;
}

/* Align segments [s0, s0+ns) with [t0, t0+nt) sentence by sentence. */
static int
align_sentences(tm_alignment *al, struct dp *d, size_t s0, size_t ns,
    size_t t0, size_t nt, bool record, double *sum_s, double *sum_t)
{
	struct item *a = sentence_items(s0, ns), *b = sentence_items(t0, nt);
	struct ilink *links = NULL;
	size_t nl = 0, k;
	int error = 0;

	if (!a || !b) {
		error = TM_ENOMEM;
		goto done;
	}
	d->it[0] = a;
	d->it[1] = b;
	d->n[0] = ns;
	d->n[1] = nt;
	d->prior = sentence_prior(d->al);
	if ((error = run_dp(d, &links, &nl)) < 0)
		goto done;
	for (k = 0; k < nl; k++) {
		struct ilink *l = &links[k];

		if (l->di == 1 && l->dj == 1) {
			*sum_s += chars(d, 0, s0 + l->i, 1);
			*sum_t += chars(d, 1, t0 + l->j, 1);
		}
		if (record && (error = add_link(al, s0 + l->i, l->di,
		    t0 + l->j, l->dj, l->cost - prior_of(d->prior, l->di,
		    l->dj))) < 0)
			goto done;
	}
done:
	free(a);
	free(b);
	free(links);
	return error;
}

/* Paragraph items of a side: runs of segments with the same para. */
static int
paragraph_items(const struct side *sd, struct item **out, size_t *n)
{
	struct item *it = tm__calloc(sd->n ? sd->n : 1, sizeof(*it));
	size_t i, k = 0;

	if (!it)
		return TM_ENOMEM;
	for (i = 0; i < sd->n; i++) {
		if (i == 0 || sd->s[i].para != sd->s[i - 1].para) {
			if (i > 0)
				k++;
			it[k].first = i;
		}
		it[k].count++;
	}
	*out = it;
	*n = sd->n ? k + 1 : 0;
	return 0;
}

/* One pass over the document with ratio d->ratio. */
static int
align_pass(tm_alignment *al, struct dp *d, bool lines, bool record,
    double *sum_s, double *sum_t)
{
	struct item *pa = NULL, *pb = NULL;
	struct ilink *pl = NULL;
	size_t npa, npb, npl, k;
	int error;

	if (lines)
		return align_sentences(al, d, 0, al->side[0].n, 0,
		    al->side[1].n, record, sum_s, sum_t);
	if ((error = paragraph_items(&al->side[0], &pa, &npa)) < 0 ||
	    (error = paragraph_items(&al->side[1], &pb, &npb)) < 0)
		goto done;
	/*
	 * Paragraphs are hard boundaries only when both texts have about
	 * as many: one side's paragraphs may be the other's lines.
	 */
	if ((npa > npb ? npa - npb : npb - npa) * 5 > (npa > npb ? npa : npb)) {
		error = align_sentences(al, d, 0, al->side[0].n, 0,
		    al->side[1].n, record, sum_s, sum_t);
		goto done;
	}
	d->it[0] = pa;
	d->it[1] = pb;
	d->n[0] = npa;
	d->n[1] = npb;
	d->prior = P.para_prior;
	if ((error = run_dp(d, &pl, &npl)) < 0)
		goto done;
	for (k = 0; k < npl; k++) {
		size_t s0 = 0, ns = 0, t0 = 0, nt = 0, x;

		for (x = pl[k].i; x < pl[k].i + pl[k].di; x++) {
			if (x == pl[k].i)
				s0 = pa[x].first;
			ns += pa[x].count;
		}
		for (x = pl[k].j; x < pl[k].j + pl[k].dj; x++) {
			if (x == pl[k].j)
				t0 = pb[x].first;
			nt += pb[x].count;
		}
		if (ns == 0)
			s0 = pl[k].i < npa ? pa[pl[k].i].first : al->side[0].n;
		if (nt == 0)
			t0 = pl[k].j < npb ? pb[pl[k].j].first : al->side[1].n;
		if ((error = align_sentences(al, d, s0, ns, t0, nt, record,
		    sum_s, sum_t)) < 0)
			goto done;
	}
done:
	free(pa);
	free(pb);
	free(pl);
	return error;
}

static int
side_prefix(struct side *sd)
{
	size_t i;

	if (!(sd->cum = tm__calloc(sd->n + 1, sizeof(*sd->cum))))
		return TM_ENOMEM;
	for (i = 0; i < sd->n; i++)
		sd->cum[i + 1] = sd->cum[i] + sd->s[i].nchars;
	return 0;
}

/* Whether s[0..len) holds only spaces, tabs and ideographic spaces. */
static bool
blank(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\f' || s[i] == '\v')
			i++;
		else if (len - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
			i += 3;
		else
			return false;
	}
	return true;
}

static int
split_lines(struct side *sd, const char *text, size_t len)
{
	size_t i = 0, b, e;
	int error;
	long line = 1;

	while (i < len) {
		b = i;
		while (i < len && text[i] != '\n')
			i++;
		e = i;
		if (e > b && text[e - 1] == '\r')
			e--;
		/* A blank line separates; it is no segment to link. */
		if (!blank(text + b, e - b) &&
		    (error = add_segment(sd, text + b, e - b, 0, line)) < 0)
			return error;
		line++;
		if (i < len)
			i++;
	}
	return 0;
}

static int
load_side(struct side *sd, const char *lang, const char *text, size_t len,
    const tm_align_options *o)
{
	struct tm__seg_sink sink = { add_segment, sd };
	tm_segmenter *sg = NULL;
	size_t bad;
	int error;

	if ((bad = tm__utf8_valid(text, len)) < len)
		return tm__error(TM_EUTF8, "invalid UTF-8 at byte %zu", bad);
	if (!(sd->lang = tm__strdup(lang)))
		return TM_ENOMEM;
	sd->cjk = lang_cjk(lang);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (o->flags & TM_ALIGN_LINES)
		error = split_lines(sd, text, len);
	else if ((error = tm_segmenter_new(&sg, lang, o->srx,
	    o->srx_mode)) == 0)
		error = tm__segment(sg, text, len, &sink);
	tm_segmenter_free(sg);
	if (error == 0)
		error = side_prefix(sd);
	return error;
}

/* Characters of a side but its bylines, which need no translation. */
static double
text_chars(const struct side *sd)
{
	size_t i, n = 0;

	for (i = 0; i < sd->n; i++)
		if (!sd->s[i].byline)
			n += sd->s[i].nchars;
	return (double)n;
}

int
tm_align_texts(tm_alignment **out, const char *src, size_t src_len,
    const char *tgt, size_t tgt_len, const tm_align_options *opts)
{
	tm_alignment *al = NULL;
	struct dp d = { 0 };
	double ss = 0, st = 0, ls, lt, r;
	bool lines;
	int error;
	char key[64];

	if (!out || !opts || !opts->from || !opts->to ||
	    opts->version != TM_ALIGN_OPTIONS_VERSION || (!src && src_len) ||
	    (!tgt && tgt_len))
		return tm__error(TM_EINVAL, "align: bad arguments");
	*out = NULL;
	if (tm_lang_key(key, sizeof(key), opts->from) < 0 ||
	    tm_lang_key(key, sizeof(key), opts->to) < 0)
		return tm__error(TM_EINVAL, "align: bad language '%s' or '%s'",
		    opts->from, opts->to);
	if (!(al = tm__calloc(1, sizeof(*al))))
		return tm__error_nomem();
	al->dict = opts->dict;
	al->side[0].dict = opts->dict;
	al->side[1].dict = opts->dict;
	lines = opts->flags & TM_ALIGN_LINES;
	if ((error = load_side(&al->side[0], opts->from, src ? src : "",
	    src_len, opts)) < 0) {
		tm__error_prefix("source");
		goto done;
	}
	if ((error = load_side(&al->side[1], opts->to, tgt ? tgt : "",
	    tgt_len, opts)) < 0) {
		tm__error_prefix("target");
		goto done;
	}
	d.al = al;
	if ((error = find_ties(al)) < 0)
		goto done;
	ls = text_chars(&al->side[0]);
	lt = text_chars(&al->side[1]);
	d.ratio = ls > 0 && lt > 0 ? lt / ls : 1.0;
	/*
	 * The ties' ratio when the totals' is far from it: one text then
	 * holds what the other does not (a partial translation).
	 */
	r = tie_ratio(al);
	if (r > 0 && (r > d.ratio * 1.25 || r < d.ratio / 1.25))
		d.ratio = r;
	if ((error = align_pass(al, &d, lines, false, &ss, &st)) < 0)
		goto done;
	/* Second pass with the ratio of the first pass's 1-1 links. */
	if (ss > 0 && st > 0)
		d.ratio = st / ss;
	al->ratio = d.ratio;
	ss = st = 0;
	if ((error = align_pass(al, &d, lines, true, &ss, &st)) < 0)
		goto done;
	*out = al;
	al = NULL;
done:
	free(d.scratch[0]);
	free(d.scratch[1]);
	tm_alignment_free(al);
	if (error == TM_ENOMEM)
		tm__error_nomem();
	return error;
}

/* A file name as text for TMX and JSON: invalid UTF-8 bytes become '?'. */
static char *
text_name(const char *path)
{
	char *t = tm__strdup(path);
	size_t len = t ? strlen(t) : 0, i = 0, ok;

	while (t && i < len) {
		ok = tm__utf8_valid(t + i, len - i);
		i += ok;
		if (i < len)
			t[i++] = '?';
	}
	return t;
}

int
tm_align_files(tm_alignment **out, const char *src_path,
    const char *tgt_path, const tm_align_options *opts)
{
	char *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int error;

	if (!out || !src_path || !tgt_path)
		return tm__error(TM_EINVAL, "align: bad arguments");
	*out = NULL;
	if ((error = tm_text_read(&a, &na, src_path, opts ? opts->encoding :
	    NULL)) < 0 || (error = tm_text_read(&b, &nb, tgt_path, opts ?
	    opts->encoding : NULL)) < 0)
		goto done;
	if ((error = tm_align_texts(out, a, na, b, nb, opts)) < 0)
		goto done;
	if (!((*out)->side[0].file = text_name(src_path)) ||
	    !((*out)->side[1].file = text_name(tgt_path))) {
		tm_alignment_free(*out);
		*out = NULL;
		error = tm__error_nomem();
	}
done:
	free(a);
	free(b);
	return error;
}

size_t
tm_alignment_count(const tm_alignment *a)
{
	return a ? a->n : 0;
}

const tm_align_link *
tm_alignment_get(const tm_alignment *a, size_t i)
{
	return a && i < a->n ? &a->links[i] : NULL;
}

size_t
tm_alignment_segments(const tm_alignment *a, int side)
{
	return a && (side == 0 || side == 1) ? a->side[side].n : 0;
}

const char *
tm_alignment_segment(const tm_alignment *a, int side, size_t i)
{
	if (!a || (side != 0 && side != 1) || i >= a->side[side].n)
		return NULL;
	return a->side[side].arena.ptr + a->side[side].s[i].off;
}

void
tm_alignment_free(tm_alignment *a)
{
	int k;

	if (!a)
		return;
	for (k = 0; k < 2; k++) {
		free(a->side[k].file);
		free(a->side[k].lang);
		tm__buf_release(&a->side[k].arena);
		free(a->side[k].s);
		tm__anchors_release(&a->side[k].pool);
		free(a->side[k].cum);
	}
	free(a->ties);
	free(a->links);
	free(a);
}

/* The segments of one side of a link, joined ("" between CJK ones). */
static int
joined(struct tm__buf *b, const tm_alignment *a, int side, size_t first,
    size_t count, bool flat)
{
	size_t i;
	int error = 0;

	tm__buf_reset(b);
	for (i = first; i < first + count && error == 0; i++) {
		const char *s = tm_alignment_segment(a, side, i);

		if (i > first && !a->side[side].cjk)
			error = tm__buf_addc(b, ' ');
		for (; *s && error == 0; s++)
			error = tm__buf_addc(b, flat && (*s == '\t' ||
			    *s == '\n' || *s == '\r') ? ' ' : *s);
	}
	if (error == 0 && !b->ptr)
		error = tm__buf_adds(b, "");
	return error;
}

/*
 * Whether a link has text on both sides: only such links make units
 * (a segment of spaces has none).
 */
static bool
two_sided(const tm_alignment *a, const tm_align_link *l)
{
	size_t i;
	int k;
	bool text[2] = { false, false };

	for (k = 0; k < 2; k++) {
		size_t first = k ? l->tgt : l->src, n = k ? l->ntgt : l->nsrc;

		for (i = first; i < first + n && !text[k]; i++) {
			const char *p = tm_alignment_segment(a, k, i);

			for (; *p && !text[k]; p++)
				text[k] = *p != ' ' && *p != '\t';
		}
	}
	return text[0] && text[1];
}

static int
links_text(struct tm__buf *out, const tm_alignment *a)
{
	size_t i, k;
	int error = 0;

	for (i = 0; i < a->n && error == 0; i++) {
		const tm_align_link *l = &a->links[i];

		error = tm__buf_addc(out, '[');
		for (k = 0; k < l->nsrc && error == 0; k++)
			error = tm__buf_printf(out, "%s%zu", k ? "," : "",
			    l->src + k);
		if (error == 0)
			error = tm__buf_adds(out, "]:[");
		for (k = 0; k < l->ntgt && error == 0; k++)
			error = tm__buf_printf(out, "%s%zu", k ? "," : "",
			    l->tgt + k);
		if (error == 0)
			error = tm__buf_adds(out, "]\n");
	}
	return error;
}

static int
tsv_text(struct tm__buf *out, const tm_alignment *a)
{
	struct tm__buf s = { 0 }, t = { 0 };
	size_t i;
	int error = tm__buf_adds(out, "score\ttype\tsource\ttarget\n");

	for (i = 0; i < a->n && error == 0; i++) {
		const tm_align_link *l = &a->links[i];

		if ((error = joined(&s, a, 0, l->src, l->nsrc, true)) < 0 ||
		    (error = joined(&t, a, 1, l->tgt, l->ntgt, true)) < 0)
			break;
		error = tm__buf_printf(out, "%.3f\t%zu-%zu\t%s\t%s\n", l->score,
		    l->nsrc, l->ntgt, tm__buf_str(&s), tm__buf_str(&t));
	}
	tm__buf_release(&s);
	tm__buf_release(&t);
	return error;
}

static int
add_attr(struct tm__buf *out, const char *name, const char *value)
{
	int error;

	if ((error = tm__buf_printf(out, " %s=\"", name)) < 0 ||
	    (error = tm__buf_add_xml(out, value, strlen(value), true)) < 0)
		return error;
	return tm__buf_addc(out, '"');
}

/*
 * Text for XML: the C0 controls other than tab, line feed and carriage
 * return, and U+FFFE and U+FFFF, cannot be written in XML 1.0 at all,
 * not even as references; each becomes a space.
 */
static int
add_xml_text(struct tm__buf *out, const char *s, size_t len)
{
	size_t i, start = 0;
	int error;

	for (i = 0; i < len; i++) {
		size_t bad = 0;

		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r')
			bad = 1;
		else if (i + 2 < len && (unsigned char)s[i] == 0xef &&
		    (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] == 0xbe ||
		    (unsigned char)s[i + 2] == 0xbf))
			bad = 3;
		if (!bad)
			continue;
		if ((error = tm__buf_add_xml(out, s + start, i - start,
		    false)) < 0 || (error = tm__buf_addc(out, ' ')) < 0)
			return error;
		i += bad - 1;
		start = i + 1;
	}
	return tm__buf_add_xml(out, s + start, len - start, false);
}

static int
tmx_text(struct tm__buf *out, const tm_alignment *a)
{
	struct tm__buf s = { 0 }, t = { 0 }, doc = { 0 };
	char date[17];
	size_t i;
	int error, k;

	tm__now_tmx(date);
	error = tm__buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n"
	    "  <header creationtool=\"tm align\"");
	if (error == 0)
		error = add_attr(out, "creationtoolversion", tm_version());
	if (error == 0)
		error = tm__buf_adds(out, " datatype=\"plaintext\" "
		    "segtype=\"sentence\" adminlang=\"en\"");
	if (error == 0)
		error = add_attr(out, "srclang", a->side[0].lang);
	if (error == 0)
		error = tm__buf_printf(out, " o-tmf=\"tm\" creationdate=\"%s\"/>\n"
		    "  <body>\n", date);
	if (error == 0)
		error = tm__buf_printf(&doc, "%s | %s", a->side[0].file ?
		    a->side[0].file : "-", a->side[1].file ? a->side[1].file :
		    "-");
	for (i = 0; i < a->n && error == 0; i++) {
		const tm_align_link *l = &a->links[i];
		const struct tm__buf *seg[2] = { &s, &t };

		if (!two_sided(a, l))
			continue;
		if ((error = joined(&s, a, 0, l->src, l->nsrc, false)) < 0 ||
		    (error = joined(&t, a, 1, l->tgt, l->ntgt, false)) < 0)
			break;
		error = tm__buf_printf(out, "    <tu creationdate=\"%s\">\n"
		    "      <prop type=\"x-align-score\">%.3f</prop>\n"
		    "      <prop type=\"x-align-type\">%zu-%zu</prop>\n"
		    "      <prop type=\"x-align-doc\">", date, l->score,
		    l->nsrc, l->ntgt);
		if (error == 0)
			error = add_xml_text(out, doc.ptr, doc.len);
		if (error == 0)
			error = tm__buf_adds(out, "</prop>\n");
		for (k = 0; k < 2 && error == 0; k++) {
			error = tm__buf_adds(out, "      <tuv");
			if (error == 0)
				error = add_attr(out, "xml:lang",
				    a->side[k].lang);
			if (error == 0)
				error = tm__buf_adds(out, "><seg>");
			if (error == 0)
				error = add_xml_text(out, seg[k]->ptr,
				    seg[k]->len);
			if (error == 0)
				error = tm__buf_adds(out, "</seg></tuv>\n");
		}
		if (error == 0)
			error = tm__buf_adds(out, "    </tu>\n");
	}
	if (error == 0)
		error = tm__buf_adds(out, "  </body>\n</tmx>\n");
	tm__buf_release(&s);
	tm__buf_release(&t);
	tm__buf_release(&doc);
	return error;
}

static int
json_text(struct tm__buf *out, const tm_alignment *a)
{
	struct tm__buf s = { 0 }, t = { 0 };
	json_t *root, *links, *l, *src, *tgt;
	char *dump = NULL, type[48];
	size_t i, k;
	int error = 0;

	root = json_pack("{s:s, s:s, s:s?, s:s?, s:f}", "from",
	    a->side[0].lang, "to", a->side[1].lang, "src", a->side[0].file,
	    "tgt", a->side[1].file, "ratio", a->ratio);
	links = json_array();
	if (!root || !links || json_object_set_new(root, "links", links)) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i < a->n; i++) {
		const tm_align_link *li = &a->links[i];

		if ((error = joined(&s, a, 0, li->src, li->nsrc, false)) < 0 ||
		    (error = joined(&t, a, 1, li->tgt, li->ntgt, false)) < 0)
			goto done;
		src = json_array();
		tgt = json_array();
		for (k = 0; src && k < li->nsrc; k++)
			json_array_append_new(src, json_integer((json_int_t)
			    (li->src + k)));
		for (k = 0; tgt && k < li->ntgt; k++)
			json_array_append_new(tgt, json_integer((json_int_t)
			    (li->tgt + k)));
		snprintf(type, sizeof(type), "%zu-%zu", li->nsrc, li->ntgt);
		l = json_pack("{s:o?, s:o?, s:s, s:f, s:s, s:s}", "src", src,
		    "tgt", tgt, "type", type, "score",
		    floor(li->score * 1000 + 0.5) / 1000, "source",
		    tm__buf_str(&s), "target", tm__buf_str(&t));
		if (!l || json_array_append_new(links, l)) {
			error = TM_ENOMEM;
			goto done;
		}
	}
	if (!(dump = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ||
	    (error = tm__buf_adds(out, dump)) < 0 ||
	    (error = tm__buf_addc(out, '\n')) < 0)
		error = error ? error : TM_ENOMEM;
done:
	free(dump);
	json_decref(root);
	tm__buf_release(&s);
	tm__buf_release(&t);
	return error;
}

static int
render(struct tm__buf *b, const tm_alignment *a, int format)
{
	switch (format) {
	case TM_ALIGN_TMX: return tmx_text(b, a);
	case TM_ALIGN_TSV: return tsv_text(b, a);
	case TM_ALIGN_LINKS: return links_text(b, a);
	case TM_ALIGN_JSON: return json_text(b, a);
	default: return tm__error(TM_EINVAL, "align: unknown format %d",
	    format);
	}
}

int
tm_alignment_write(const tm_alignment *a, const char *path, int format)
{
	struct tm__buf b = { 0 };
	int error;

	if (!a)
		return tm__error(TM_EINVAL, "align: no alignment");
	if ((error = render(&b, a, format)) == 0)
		error = tm__write_file(path, &b);
	else if (error == TM_ENOMEM)
		tm__error_nomem();
	tm__buf_release(&b);
	return error;
}

int
tm_alignment_import(tm_import_result *out, tm_db *db, const tm_alignment *a,
    const tm_import_options *opts)
{
	struct tm__buf b = { 0 }, path = { 0 };
	const char *dir = getenv("TMPDIR");
	FILE *f = NULL;
	size_t i, units = 0;
	int error, fd = -1;

	if (!a || !db)
		return tm__error(TM_EINVAL, "align: bad arguments");
	/* No unit with both sides: nothing to import, no empty import. */
	for (i = 0; i < a->n; i++)
		units += two_sided(a, &a->links[i]);
	if (units == 0) {
		if (out)
			memset(out, 0, sizeof(*out));
		return 0;
	}
	if ((error = render(&b, a, TM_ALIGN_TMX)) < 0 ||
	    (error = tm__buf_printf(&path, "%s/tm-align-XXXXXX.tmx",
	    dir && *dir ? dir : "/tmp")) < 0) {
		tm__error_nomem();
		goto done;
	}
	if ((fd = mkstemps(path.ptr, 4)) < 0 || !(f = fdopen(fd, "w"))) {
		error = tm__error(TM_EIO, "cannot create a temporary file in "
		    "'%s': %s", dir && *dir ? dir : "/tmp", tm__strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path.ptr);
		}
		goto done;
	}
	{
		/* Close whether the write failed or not. */
		bool bad = fwrite(b.ptr, 1, b.len, f) != b.len;

		if (fclose(f) != 0)
			bad = true;
		if (bad) {
			error = tm__error(TM_EIO, "cannot write '%s': %s",
			    path.ptr, tm__strerror(errno));
			unlink(path.ptr);
			goto done;
		}
	}
	{
		tm_import_options o = TM_IMPORT_OPTIONS_INIT;

		if (opts)
			o = *opts;
		tm__buf_reset(&b);
		if ((error = tm__buf_printf(&b, "%s | %s", a->side[0].file ?
		    a->side[0].file : "-", a->side[1].file ? a->side[1].file :
		    "-")) < 0) {
			unlink(path.ptr);
			goto done;
		}
		o.name = b.ptr;
		error = tm_import_tmx(out, db, path.ptr, &o);
	}
	unlink(path.ptr);
done:
	tm__buf_release(&b);
	tm__buf_release(&path);
	return error;
}
