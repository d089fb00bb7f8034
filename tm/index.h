/*
 * index.h: the candidate index behind fuzzy lookup and concordance.
 *
 * A gram is a 32-bit hash of a language (its primary subtag) and either
 * two adjacent CJK characters or one other token (a word, a number, a
 * symbol, or a CJK character standing alone).  The index maps each gram
 * to the ids of the variants whose key contains it.  It is derived data:
 * built after each import (tm__index_update, tm_index_catch_up) and
 * rebuilt whole by tm reindex; lookups only read it.
 */
#ifndef TM_INDEX_H
#define TM_INDEX_H

#include "tm-int.h"
#include "token.h"

struct tm__u32v {
	uint32_t *v;
	size_t n, cap;
};
int tm__u32v_push(struct tm__u32v *a, uint32_t x);
void tm__u32v_release(struct tm__u32v *a);

/*
 * The salt of a language: grams of different languages never meet.
 * `lang_key` is a normalised tag (tm_lang_key); only its primary
 * subtag counts, so zh-CN and zh-TW share grams.
 */
uint32_t tm__lang_salt(const char *lang_key);

/*
 * Append the grams of tokens `t` to `out`; with `distinct`, each once
 * and sorted (the index drops repeats itself when it writes a run).
 */
int tm__grams(struct tm__u32v *out, uint32_t salt, const struct tm__tokens *t,
    bool distinct);

/*
 * Append the two whole-sequence grams of `t`: one of all its tokens,
 * one with every number made the same.  Variants that differ from a
 * query only in case, width, punctuation or numbers share one of them,
 * so those matches are found however common their words.
 */
int tm__whole_grams(struct tm__u32v *out, uint32_t salt,
    const struct tm__tokens *t);

/*
 * A variant's sketch: a 56-bit Bloom filter of its grams (grams->v from
 * `from` on) and of each number with the token after it, one bit each,
 * and its number of tokens (at most 255) in the top byte.  Candidates
 * that tie on the rare grams a lookup reads are told apart by how much
 * of the rest of the query their sketch holds.
 */
#define TM__SKETCH_BITS 56
uint64_t tm__sketch(const struct tm__tokens *t, const struct tm__u32v *grams,
    size_t from);
/*
 * Column ngram.run holds the update's run number shifted left by this,
 * plus the row's number within the run's list of that gram (a long list
 * is kept in several rows; each row's first id is written in full).
 * Indexes written before lists were split have run numbers unshifted;
 * they read the same, as rows in ascending order of ids.
 */
#define TM__RUN_SHIFT 24

/* Sketches stored a block (a row of table sketch) at a time. */
#define TM__SKETCH_BLOCK 1024
/*
 * Load the stored sketches into *arr (indexed by variant id, 0 where
 * none), *n its length (a multiple of TM__SKETCH_BLOCK): from the
 * last block loaded on, so that a caller that loaded them before reads
 * only what was added since.
 */
int tm__sketches_load(tm_db *db, uint64_t **arr, size_t *n);

/*
 * Grams made ahead, while an import stores its variants (index.c,
 * "Building ahead"): tm__prebuild_add() takes each stored variant, in
 * ascending id order, with its key (keyed) or else its text; it never
 * fails the import (a failure only turns the prebuild off).
 */
struct tm__prebuild;
int tm__prebuild_new(struct tm__prebuild **out, unsigned key_flags);
void tm__prebuild_add(struct tm__prebuild *pb, int64_t id,
    const char *lang_key, const char *text, size_t len, bool keyed);
void tm__prebuild_free(struct tm__prebuild *pb);
/*
 * Index every variant added since the last update, in one transaction
 * of its own; from pb's grams when they are exactly those variants'
 * (pb may be NULL).  Returns 0, TM_EDB or TM_ENOMEM.
 */
int tm__index_update(tm_db *db, struct tm__prebuild *pb);

/*
 * How many units have variants the index does not hold yet (stored
 * after its last update): 0 when it is up to date.
 */
int tm__index_behind(tm_db *db, uint64_t *units);

/* Drop the index and build it again from every variant. */
int tm__index_rebuild(tm_db *db);
/* The same in the caller's transaction (a schema migration's). */
int tm__index_rebuild_tx(tm_db *db);

/*
 * Reading postings: the ids holding `gram`, ascending, appended to
 * `out` (as 64-bit ids).  *bytes is set to the size of the encoded
 * lists, which lets a caller skip grams too common to be worth reading.
 */
struct tm__i64v {
	int64_t *v;
	size_t n, cap;
};
int tm__i64v_push(struct tm__i64v *a, int64_t x);
/* Room for `extra` more ids without growing. */
int tm__i64v_reserve(struct tm__i64v *a, size_t extra);
void tm__i64v_release(struct tm__i64v *a);
struct tm__postings;
int tm__postings_open(struct tm__postings **out, tm_db *db);
void tm__postings_close(struct tm__postings *p);
/*
 * The encoded size of gram's lists, without decoding them.  The sizes
 * of long lists are remembered: tm__postings_forget() when the index
 * may have changed since (another connection's commit, or this one's).
 */
int tm__postings_size(struct tm__postings *p, uint32_t gram, size_t *bytes);
void tm__postings_forget(struct tm__postings *p);
int tm__postings_read(struct tm__postings *p, uint32_t gram,
    struct tm__i64v *out);
/*
 * Count gram's postings as they are decoded: counts[id] goes up by one
 * for every id holding `gram` from 1 to ncounts - 1 whose count is not
 * 255 (the caller's mark for "counted already in full"), and the ids
 * whose count was zero are appended to `touched`, in list order.
 */
int tm__postings_count(struct tm__postings *p, uint32_t gram,
    uint8_t *counts, int64_t ncounts, struct tm__i64v *touched);

/*
 * Scoring outside a lookup (match.c), e.g. for an exhaustive check of
 * the index's recall: the score tm_lookup would give a candidate with
 * key `ckey`, text `ctext` and segment `seg`, or -1 below `min`.
 */
struct tm__scorer;
int tm__scorer_new(struct tm__scorer **out, const char *query,
    unsigned key_flags);
int tm__scorer_score(struct tm__scorer *sc, const char *ckey,
    const char *ctext, const char *seg, int min);
void tm__scorer_free(struct tm__scorer *sc);

#endif /* TM_INDEX_H */
