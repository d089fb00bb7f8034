/*
 * Unit tests for fuzzy.c: the bit-parallel edit distance against known
 * cases and against plain dynamic programming on random sequences.
 */
#include "tm-int.h"
#include "fuzzy.h"
#include "../tap.h"

#define MAXLEN 1200

/* xorshift64: the same sequence on every machine and every run. */
static uint64_t rng_state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A number in [0, n), n > 0. */
static size_t
rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* A token over an alphabet of `sigma` symbols; 0: any 32-bit value. */
static uint32_t
token(uint32_t sigma)
{
	return sigma ? (uint32_t)rng_below(sigma) : (uint32_t)(rng() >> 32);
}

static void
fill(uint32_t *t, size_t n, uint32_t sigma)
{
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = token(sigma);
}

/*
 * Apply `k` random single-token edits to a[0..*n), within cap tokens,
 * so that the result lies close to the original.
 */
static void
mutate(uint32_t *a, size_t *n, size_t cap, size_t k, uint32_t sigma)
{
	size_t i, pos;

	for (i = 0; i < k; i++) {
		switch (rng_below(3)) {
		case 0:
			if (*n == cap)
				break;
			pos = rng_below(*n + 1);
			memmove(a + pos + 1, a + pos, (*n - pos) * sizeof(*a));
			a[pos] = token(sigma);
			(*n)++;
			break;
		case 1:
			if (*n == 0)
				break;
			pos = rng_below(*n);
			memmove(a + pos, a + pos + 1,
			    (*n - pos - 1) * sizeof(*a));
			(*n)--;
			break;
		default:
			if (*n == 0)
				break;
			a[rng_below(*n)] = token(sigma);
			break;
		}
	}
}

/* Tokens from a string, one per byte, for readable cases. */
static size_t
tokens_of(uint32_t *out, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		out[i] = (unsigned char)s[i];
	return i;
}

static const struct {
	const char *a, *b;
	size_t want;
} cases[] = {
	{ "", "", 0 },
	{ "", "abc", 3 },
	{ "abc", "", 3 },
	{ "kitten", "sitting", 3 },
	{ "sitting", "kitten", 3 },
	{ "saturday", "sunday", 3 },
	{ "translation", "translation", 0 },
	{ "a", "a", 0 },
	{ "a", "b", 1 },
	{ "abcdef", "xabcdef", 1 },	/* insert at the start */
	{ "abcdef", "abcxdef", 1 },	/* in the middle */
	{ "abcdef", "abcdefx", 1 },	/* at the end */
	{ "abcdef", "bcdef", 1 },	/* delete at the start */
	{ "abcdef", "abdef", 1 },	/* in the middle */
	{ "abcdef", "abcde", 1 },	/* at the end */
	{ "abcdef", "xbcdef", 1 },	/* substitute at the start */
	{ "abcdef", "abxdef", 1 },	/* in the middle */
	{ "abcdef", "abcdex", 1 },	/* at the end */
	{ "abcdef", "uvwxyz", 6 },	/* completely different */
	{ "abc", "uvwxyz", 6 },
	{ "abcdefgh", "xyz", 8 },
	{ "abab", "baba", 2 },
	{ "aaaa", "aa", 2 },
};

static void
test_cases(void)
{
	uint32_t a[64], b[64];
	size_t na, nb, i, got;
	struct tm__pattern *p;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++) {
		na = tokens_of(a, cases[i].a);
		nb = tokens_of(b, cases[i].b);
		if (tm__pattern_new(&p, a, na) < 0) {
			ok(0, "pattern '%s'", cases[i].a);
			continue;
		}
		is_int(tm__pattern_len(p), na, "length of '%s'", cases[i].a);
		got = tm__edit_distance(p, b, nb, SIZE_MAX);
		is_int(got, cases[i].want, "'%s' vs '%s'", cases[i].a,
		    cases[i].b);
		is_int(tm__edit_distance_dp(a, na, b, nb), cases[i].want,
		    "'%s' vs '%s' by dynamic programming", cases[i].a,
		    cases[i].b);
		tm__pattern_free(p);
	}
}

/* Pattern edge cases and the limits of tm__pattern_new. */
static void
test_edges(void)
{
	static uint32_t big[TM__PATTERN_MAX + 1];
	uint32_t a[200], b[200];
	struct tm__pattern *p = NULL;
	size_t i, ok1, ok2;

	ok(tm__pattern_new(&p, NULL, 0) == 0 && p, "an empty pattern");
	is_int(tm__pattern_len(p), 0, "has length 0");
	for (i = 0; i < 200; i++)
		b[i] = (uint32_t)i;
	is_int(tm__edit_distance(p, b, 0, SIZE_MAX), 0, "empty vs empty");
	is_int(tm__edit_distance(p, b, 200, SIZE_MAX), 200,
	    "empty vs 200 tokens");
	is_int(tm__edit_distance(p, b, 200, 10), 11,
	    "empty vs 200 tokens with max 10 gives max + 1");
	tm__pattern_free(p);

	tm__pattern_free(NULL);
	ok(1, "freeing NULL does nothing");

	ok(tm__pattern_new(&p, big, TM__PATTERN_MAX + 1) == TM_EINVAL &&
	    p == NULL, "a pattern over the limit is TM_EINVAL");
	ok(tm_error_last() && tm_error_last()->code == TM_EINVAL,
	    "and sets the error");
	tm_error_clear();
	ok(tm__pattern_new(&p, NULL, 3) == TM_EINVAL, "NULL tokens");
	tm_error_clear();

	/* The longest pattern: all distinct tokens, the largest table. */
	for (i = 0; i < TM__PATTERN_MAX; i++)
		big[i] = (uint32_t)(i * 2654435761u);
	ok(tm__pattern_new(&p, big, TM__PATTERN_MAX) == 0,
	    "a pattern at the limit");
	big[0] ^= 1;
	big[TM__PATTERN_MAX - 1] ^= 1;
	is_int(tm__edit_distance(p, big, TM__PATTERN_MAX, SIZE_MAX), 2,
	    "compares");
	is_int(tm__edit_distance(p, big, 100, 5), 6,
	    "and cuts off on length alone");
	tm__pattern_free(p);

	/* The extreme token values, and tokens that differ in high bits. */
	for (i = 0; i < 200; i++)
		a[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? UINT32_MAX :
		    (uint32_t)(i % 7) << 28;
	memcpy(b, a, sizeof(a));
	b[10] = 1;
	b[150] = UINT32_MAX - 1;
	ok1 = ok2 = 0;
	for (i = 1; i <= 200; i++) {
		if (tm__pattern_new(&p, a, i) < 0)
			break;
		ok1 += tm__edit_distance(p, b, i, SIZE_MAX) ==
		    tm__edit_distance_dp(a, i, b, i);
		ok2 += tm__edit_distance(p, a, i, 0) == 0;
		tm__pattern_free(p);
	}
	is_int(ok1, 200, "0, UINT32_MAX and high-bit tokens, lengths 1-200");
	is_int(ok2, 200, "a pattern is at distance 0 of itself");
}

/*
 * Compare `npairs` random pairs against the reference.  Pattern and
 * text lengths are drawn from [0, maxlen] unless plen is not SIZE_MAX;
 * half the texts are mutations of the pattern, so that small distances,
 * where the cut-off matters, are common.  Each pattern is used for
 * several texts.  Returns the number of mismatches.
 */
static size_t
compare_random(size_t npairs, uint32_t sigma, size_t plen, size_t maxlen,
    size_t *ncut)
{
	static uint32_t a[MAXLEN], b[MAXLEN];
	struct tm__pattern *p = NULL;
	size_t i, na = 0, nb, want, got, max, bad = 0;

	for (i = 0; i < npairs; i++) {
		if (i % 4 == 0) {
			tm__pattern_free(p);
			na = plen != SIZE_MAX ? plen : rng_below(maxlen + 1);
			fill(a, na, sigma);
			if (tm__pattern_new(&p, a, na) < 0)
				return npairs;
		}
		if (rng_below(2)) {
			nb = rng_below(maxlen + 1);
			fill(b, nb, sigma);
		} else {
			nb = na;
			memcpy(b, a, na * sizeof(*a));
			mutate(b, &nb, MAXLEN, rng_below(na / 4 + 3), sigma);
		}
		want = tm__edit_distance_dp(a, na, b, nb);
		got = tm__edit_distance(p, b, nb, SIZE_MAX);
		if (got != want) {
			if (bad++ == 0)
				printf("# sigma %u, %zu vs %zu tokens: "
				    "got %zu, want %zu\n", (unsigned)sigma,
				    na, nb, got, want);
			continue;
		}
		/* The cut-off: exact up to max, max + 1 beyond. */
		max = rng_below(2) ? rng_below(want + 2) :
		    rng_below(na > nb ? na + 2 : nb + 2);
		got = tm__edit_distance(p, b, nb, max);
		if (want <= max ? got != want : got != max + 1) {
			if (bad++ == 0)
				printf("# sigma %u, %zu vs %zu tokens, "
				    "max %zu: got %zu, want %zu\n",
				    (unsigned)sigma, na, nb, max, got, want);
		} else if (want > max) {
			(*ncut)++;
		}
	}
	tm__pattern_free(p);
	return bad;
}

static void
test_random(void)
{
	static const uint32_t sigmas[] = { 2, 4, 30, 0 };
	static const size_t lens[] = { 1, 2, 63, 64, 65, 127, 128, 129, 191,
	    192, 193, 256, 300 };
	size_t i, j, ncut = 0;

	for (i = 0; i < TM__ARRAY_SIZE(sigmas); i++) {
		is_int(compare_random(1500, sigmas[i], SIZE_MAX, 300, &ncut),
		    0, "random pairs, lengths 0-300, alphabet %u",
		    (unsigned)sigmas[i]);
		for (j = 0; j < TM__ARRAY_SIZE(lens); j++)
			is_int(compare_random(60, sigmas[i], lens[j], 300,
			    &ncut), 0, "patterns of %zu tokens, alphabet %u",
			    lens[j], (unsigned)sigmas[i]);
		is_int(compare_random(40, sigmas[i], 129, MAXLEN, &ncut), 0,
		    "129 tokens against texts up to %d, alphabet %u",
		    MAXLEN, (unsigned)sigmas[i]);
		is_int(compare_random(40, sigmas[i], 40, MAXLEN, &ncut), 0,
		    "40 tokens against texts up to %d, alphabet %u",
		    MAXLEN, (unsigned)sigmas[i]);
	}
	ok(ncut > 1000, "the cut-off was exercised (%zu times)", ncut);
}

int
main(void)
{
	test_cases();
	test_edges();
	test_random();
	return done_testing();
}
