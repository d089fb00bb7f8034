/*
 * fuzzy.h: the edit distance that scores fuzzy matches.  Segments are
 * compared as sequences of tokens (uint32_t ids of any value, e.g. one
 * per word or per Chinese character).  The query is compiled once into
 * a pattern, then compared against each candidate with the bit-parallel
 * algorithm of Myers as formulated by Hyyrö, 64 pattern tokens a word.
 */
#ifndef TM_FUZZY_H
#define TM_FUZZY_H

#include "tm-int.h"

/*
 * The longest pattern, in tokens.  The match masks take one 64-bit word
 * per distinct token per 64 tokens of pattern, so their size grows with
 * the square of the length: 16384 distinct tokens need 32 MiB.  A
 * segment is a sentence or a paragraph; anything longer is no candidate
 * for fuzzy matching.  Texts have no limit.
 */
#define TM__PATTERN_MAX (1u << 14)

struct tm__pattern;

/*
 * Compile tokens[0..n) into *out, to be released with tm__pattern_free().
 * The tokens are copied.  Returns 0, TM_EINVAL when n exceeds
 * TM__PATTERN_MAX (or tokens is NULL while n is not 0) or TM_ENOMEM.
 *
 * A pattern keeps scratch space that tm__edit_distance() writes, so it
 * must not be used by two threads at once, even though the functions
 * take it const: give each thread its own.
 */
int tm__pattern_new(struct tm__pattern **out, const uint32_t *tokens,
    size_t n);
/* Release p.  NULL is a no-op. */
void tm__pattern_free(struct tm__pattern *p);
/* The number of tokens in p. */
size_t tm__pattern_len(const struct tm__pattern *p);

/*
 * The Levenshtein distance between the pattern and text[0..n): the
 * fewest insertions, deletions and substitutions of one token each that
 * turn one into the other.  It is exact whenever it is at most max;
 * when it exceeds max the result is max + 1, and the comparison stops
 * as soon as that is certain.  Pass SIZE_MAX for max to always get the
 * exact distance.  Time O(n * ceil(m / 64)) for a pattern of m tokens;
 * it does not allocate.
 */
size_t tm__edit_distance(const struct tm__pattern *p, const uint32_t *text,
    size_t n, size_t max);

/*
 * The same distance by plain O(na * nb) dynamic programming, for tests
 * and as a reference.  Returns SIZE_MAX if memory for one row of the
 * table (min(na, nb) + 1 words) runs out.
 */
size_t tm__edit_distance_dp(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb);

#endif /* TM_FUZZY_H */
