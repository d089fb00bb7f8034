/*
 * match.c: lookup (exact, fuzzy and context matches) and concordance.
 *
 * A lookup normalises the query into a key, tokenises it, reads the
 * n-gram postings of its grams (the rarest first; grams shared by too
 * many variants to tell anything apart are skipped while rarer ones
 * remain), ranks candidates by grams shared, and scores the best of
 * them with the bit-parallel edit distance over tokens (fuzzy.c).  The
 * statements it needs are prepared once per database handle.
 *
 * Lookups never write.  Variants stored after the index was last
 * brought up to date (an import killed while indexing, or one still
 * indexing) are scored one by one besides the index's candidates, and
 * the result says how many units that was.
 */
#include "index.h"
#include "fuzzy.h"
#include "quantity.h"

#include <jansson.h>
#include <math.h>
#include <unicode/utf8.h>

/* Candidates verified per lookup, at most. */
#define CANDIDATES 128
/*
 * Candidates ranked by their sketch before the best CANDIDATES are
 * scored: the POOL sharing most counted grams and all that tie with
 * the last of them, up to POOL_MAX.
 */
#define POOL 2048
#define POOL_MAX 32768
/*
 * Postings read per lookup: grams are read rarest first until this many
 * bytes of lists (some 100,000 ids) have been read, but always the two
 * rarest.  Common grams tell little and cost most.
 */
#define BUDGET_BYTES (192u << 10)
#define MIN_GRAMS 3
/*
 * When the best found scores under SECOND_BELOW and grams were left
 * unread, a second pass reads SECOND_TIMES the budget.  Tuned on the
 * 1M-unit bench (tools/bench/bench-lookup.sh) and checked on a second
 * query set: recall 100%, p99 under 10 ms.
 */
#define SECOND_BELOW 80
#define SECOND_TIMES 4

struct tm__matcher {
	tm__stmt *tuv;	/* a variant by id */
	tm__stmt *unit;	/* a unit's attributes and import */
	tm__stmt *others;	/* the other variants of a unit */
	tm__stmt *rank;	/* a unit's use, date and its variants' langs */
	tm__stmt *context;	/* a unit's context props */
	tm__stmt *maxid;
	tm__stmt *tail;	/* the variants past the index, newest first */
	tm__stmt *behind;	/* the units they belong to */
	tm__stmt *begin, *commit;	/* one read transaction a lookup */
	struct tm__postings *post;
	unsigned key_flags;
	/*
	 * Shared-gram counts by variant id, all zero between lookups: a
	 * byte a variant, so that counting is an increment in a flat array.
	 */
	uint8_t *counts;
	int64_t ncounts;
	/* Every variant's sketch by id (index.h), as of index_tuv sk_upto. */
	uint64_t *sk;
	size_t nsk;
	int64_t sk_upto;
	struct tm__i64v touched;	/* ids whose count is not zero */
	struct tm__buf ckey;	/* a candidate's key, made from its text */
	/* As of the last prepare_lookup: the highest variant id, indexed. */
	int64_t max, indexed;
	/*
	 * What tells that the memory may have changed since the last
	 * lookup: the data version (commits by other connections) and
	 * this connection's count of rows changed.
	 */
	int64_t data_version;
	int changes;
};

static void
matcher_free(struct tm__matcher *m)
{
	if (!m)
		return;
	tm__buf_release(&m->ckey);
	tm__finalize(m->tuv);
	tm__finalize(m->unit);
	tm__finalize(m->others);
	tm__finalize(m->rank);
	tm__finalize(m->context);
	tm__finalize(m->maxid);
	tm__finalize(m->tail);
	tm__finalize(m->behind);
	tm__postings_close(m->post);
	tm__finalize(m->begin);
	tm__finalize(m->commit);
	free(m->counts);
	free(m->sk);
	tm__i64v_release(&m->touched);
	free(m);
}

static int
matcher(tm_db *db, struct tm__matcher **out)
{
	struct tm__matcher *m;
	struct tm__buf sql = { 0 };
	int error;

	if (db->matcher) {
		*out = db->matcher;
		return 0;
	}
	if (!(m = tm__calloc(1, sizeof(*m))))
		return tm__error_nomem();
	if (db->store->lookup_settings &&
	    (error = tm__exec(db, db->store->lookup_settings)) < 0)
		goto done;
	if ((error = tm__buf_printf(&sql, "SELECT (SELECT max(id) FROM "
	    "tuv), (SELECT value FROM meta WHERE key = 'index_tuv'), "
	    "(SELECT value FROM meta WHERE key = 'fold_traditional'), %s",
	    db->store->data_version)) < 0)
		goto done;
	if ((error = tm__prepare(db, &m->tuv, "SELECT tu_id, lang, key, seg, "
	    "coalesce(text, seg) FROM tuv WHERE id = ?")) < 0 ||
	    (error = tm__prepare(db, &m->unit, "SELECT tu.tuid, "
	    "tu.creationdate, tu.creationid, tu.changedate, tu.changeid, "
	    "tu.usagecount, tu.mtime, import.file FROM tu LEFT JOIN import "
	    "ON import.id = tu.import_id WHERE tu.id = ?")) < 0 ||
	    (error = tm__prepare(db, &m->others, "SELECT id, lang, "
	    "coalesce(text, seg) FROM tuv WHERE tu_id = ? ORDER BY ord")) < 0 ||
	    (error = tm__prepare(db, &m->rank, "SELECT tu.usagecount, "
	    "tu.mtime, tuv.lang FROM tu LEFT JOIN tuv ON tuv.tu_id = tu.id "
	    "WHERE tu.id = ? ORDER BY tuv.ord")) < 0 ||
	    (error = tm__prepare(db, &m->context, "SELECT type, value FROM "
	    "annot WHERE tu_id = ? AND kind = 'prop' AND type IN "
	    "('x-context-pre', 'x-context-post')")) < 0 ||
	    (error = tm__prepare(db, &m->maxid, sql.ptr)) < 0 ||
	    (error = tm__prepare(db, &m->tail, "SELECT id FROM tuv "
	    "WHERE id > ? ORDER BY id DESC")) < 0 ||
	    (error = tm__prepare(db, &m->behind, "SELECT count(DISTINCT "
	    "tu_id) FROM tuv WHERE id > ?")) < 0 ||
	    (error = tm__prepare(db, &m->begin, "BEGIN")) < 0 ||
	    (error = tm__prepare(db, &m->commit, "COMMIT")) < 0 ||
	    (error = tm__postings_open(&m->post, db)) < 0)
		goto done;
done:
	tm__buf_release(&sql);
	if (error) {
		matcher_free(m);
		return error;
	}
	db->matcher = m;
	db->matcher_free = matcher_free;
	*out = m;
	return 0;
}

/*
 * Learn how far the index goes and the key flags.  The index is never
 * written here, even on a writable handle: a lookup must not wait for
 * (or hold) the write lock.  What lies past the index is searched by
 * each_unindexed().
 */
static int
prepare_lookup(tm_db *db, struct tm__matcher **out)
{
	struct tm__matcher *m = NULL;
	int64_t max = 0, indexed = 0, version = 0;
	int error;

	if ((error = matcher(db, &m)) < 0)
		return error;
	if (tm__step(m->maxid) == TM__ROW) {
		max = tm__column_int64(m->maxid, 0);
		indexed = tm__column_int64(m->maxid, 1);
		version = tm__column_int64(m->maxid, 3);
		/* As tm__key_flags(): folding unless turned off. */
		m->key_flags = tm__column_type(m->maxid, 2) ==
		    TM__NULL || tm__column_int(m->maxid, 2) ?
		    TM__KEY_TRAD_TO_SIMP : 0;
	}
	tm__reset(m->maxid);
	/* The sizes of lists remembered may be out of date. */
	if (version != m->data_version || max != m->max ||
	    indexed != m->indexed || db->store->total_changes(db) !=
	    m->changes)
		tm__postings_forget(m->post);
	m->data_version = version;
	m->changes = db->store->total_changes(db);
	m->max = max;
	m->indexed = indexed;
	if (indexed > m->sk_upto) {
		if ((error = tm__sketches_load(db, &m->sk, &m->nsk)) < 0)
			return error;
		m->sk_upto = indexed;
	}
	if (max >= m->ncounts) {
		uint8_t *p = tm__realloc(m->counts, (size_t)max + 1024);

		if (!p)
			return tm__error_nomem();
		memset(p + m->ncounts, 0, (size_t)(max + 1024 - m->ncounts));
		m->counts = p;
		m->ncounts = max + 1024;
	}
	*out = m;
	return 0;
}

/*
 * A lookup reads many rows: in one read transaction it takes the
 * file's locks and checks the WAL once, not once a statement (a tenth
 * of its time).  Nothing to do when the caller holds a transaction.
 * *began says whether end_read() must end it.
 */
static int
begin_read(tm_db *db, struct tm__matcher *m, bool *began)
{
	*began = false;
	if (db->store->in_transaction(db))
		return 0;
	if (tm__step(m->begin) != TM__DONE) {
		tm__reset(m->begin);
		return tm__error_db(db, "cannot read the database");
	}
	tm__reset(m->begin);
	*began = true;
	return 0;
}

/*
 * The variants past the index, newest first, in the read transaction:
 * fn(payload, id) for each until it returns 1 (enough) or fails, and
 * *units the number of units they belong to (0 when the index is up
 * to date, which costs nothing).
 */
static int
each_unindexed(tm_db *db, struct tm__matcher *m,
    int (*fn)(void *payload, int64_t id), void *payload, uint64_t *units)
{
	int rc, error = 0;

	*units = 0;
	if (m->max <= m->indexed)
		return 0;
	tm__bind_int64(m->behind, 1, m->indexed);
	if (tm__step(m->behind) == TM__ROW)
		*units = (uint64_t)tm__column_int64(m->behind, 0);
	else
		error = tm__error_db(db, "cannot read variants");
	tm__reset(m->behind);
	if (error)
		return error;
	tm__bind_int64(m->tail, 1, m->indexed);
	while ((rc = tm__step(m->tail)) == TM__ROW) {
		if ((error = fn(payload, tm__column_int64(m->tail, 0))) != 0)
			break;
	}
	if (!error && rc != TM__DONE)
		error = tm__error_db(db, "cannot read variants");
	tm__reset(m->tail);
	return error < 0 ? error : 0;
}

static void
end_read(tm_db *db, struct tm__matcher *m, bool began)
{
	if (!began)
		return;
	/* A read transaction cannot fail to commit; roll back if it does. */
	if (tm__step(m->commit) != TM__DONE)
		tm__exec_quiet(db, "ROLLBACK");
	tm__reset(m->commit);
}

/*
 * Results
 * =======
 */

struct item {
	tm_match pub;
	char mtime[17];		/* the unit's date, for ranking */
};

struct tm_matches {
	struct item *v;
	size_t n, cap;
	char **strings;		/* everything the matches point to */
	size_t nstrings, scap;
	uint64_t unindexed;	/* units past the index, searched one by one */
};

static const char *
keep(tm_matches *m, const char *s, size_t len)
{
	char *d;

	if (!s)
		return NULL;
	if (m->nstrings == m->scap) {
		size_t cap = m->scap ? m->scap * 2 : 32;
		char **p = tm__realloc(m->strings, cap * sizeof(*p));

		if (!p)
			return NULL;
		m->strings = p;
		m->scap = cap;
	}
	if (!(d = tm__strndup(s, len)))
		return NULL;
	m->strings[m->nstrings++] = d;
	return d;
}

static const char *
keep_col(tm_matches *m, tm__stmt *st, int col)
{
	if (tm__column_type(st, col) == TM__NULL)
		return NULL;
	return keep(m, (const char *)tm__column_text(st, col),
	    (size_t)tm__column_bytes(st, col));
}

size_t
tm_matches_count(const tm_matches *m)
{
	return m ? m->n : 0;
}

const tm_match *
tm_matches_get(const tm_matches *m, size_t i)
{
	return m && i < m->n ? &m->v[i].pub : NULL;
}

void
tm_matches_free(tm_matches *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nstrings; i++)
		free(m->strings[i]);
	free(m->strings);
	free(m->v);
	free(m);
}

/*
 * Candidates
 * ==========
 */

struct cand {
	int64_t id;
	uint32_t count;
};

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return (x->id < y->id) - (x->id > y->id);	/* newer first */
}

struct gram_size {
	uint32_t gram;
	size_t bytes;
};

static int
cmp_gram_size(const void *a, const void *b)
{
	const struct gram_size *x = a, *y = b;

	return (x->bytes > y->bytes) - (x->bytes < y->bytes);
}

/*
 * How promising a candidate is: the rare grams it shares with the query
 * (counted), then, from its sketch, how much of the rest of the query
 * it holds, how much else it holds, and how far its length is.  Ranks
 * fall in [0, RANKS).
 */
#define RANKS 4096

static unsigned
rank_of(unsigned count, uint64_t q, uint64_t c)
{
	const uint64_t mask = (UINT64_C(1) << TM__SKETCH_BITS) - 1;
	int shared = __builtin_popcountll(q & c & mask);
	int extra = __builtin_popcountll(c & ~q & mask);
	int lq = (int)(q >> 56), lc = (int)(c >> 56);
	int r;

	if (count == 255)	/* the query's whole sequence */
		return RANKS - 1;
	r = (int)count * 8 + shared * 4 - extra * 2 - abs(lq - lc) * 2 + 1024;
	return r < 0 ? 0 : r >= RANKS - 1 ? RANKS - 2 : (unsigned)r;
}

/*
 * Debug builds let tests shrink the postings budget and the candidates
 * scored (TM_DEBUG_LOOKUP="BYTES,CANDIDATES"), so that a small memory
 * ties on what is counted as a large one does.
 */
static void
lookup_limits(size_t *budget, size_t *cands)
{
#ifdef TM_DEBUG
	const char *env = getenv("TM_DEBUG_LOOKUP");
	unsigned long b, c;

	if (env && sscanf(env, "%lu,%lu", &b, &c) == 2 && c >= 1 &&
	    c <= CANDIDATES) {
		*budget = b;
		*cands = c;
	}
#else
	(void)budget;
	(void)cands;
#endif
}

/* How far ahead of the candidate in hand its sketch is prefetched. */
#define PREFETCH 16

/*
 * Rank the n candidates of v by rank_of() and keep the best `max` (in
 * no order) with their rank as count; returns how many were kept.
 */
static size_t
rank_pool(struct tm__matcher *m, struct cand *v, size_t n, uint64_t qsk,
    size_t max)
{
	size_t hist[RANKS], i, k, kept = 0;
	unsigned t;

	memset(hist, 0, sizeof(hist));
	for (i = 0; i < n; i++) {
		int64_t id = v[i].id;
		uint64_t c = id < (int64_t)m->nsk ? m->sk[id] : 0;

		/*
		 * The sketches are read at random from a large array: ask
		 * for one a few candidates ahead, so that the misses overlap
		 * (most of this loop's time was waiting for them).
		 */
		if (i + PREFETCH < n && v[i + PREFETCH].id < (int64_t)m->nsk)
			__builtin_prefetch(&m->sk[v[i + PREFETCH].id]);

		v[i].count = rank_of(v[i].count, qsk, c);
		hist[v[i].count]++;
	}
	if (n <= max)
		return n;
	for (t = RANKS - 1, k = 0; t > 0 && k + hist[t] < max; t--)
		k += hist[t];
	/* Those above t and the first max - k at it, in one pass. */
	for (i = 0, k = max - k; i < n; i++)
		if (v[i].count > t || (v[i].count == t && k && k--))
			v[kept++] = v[i];
	return kept;
}

/*
 * What one lookup has counted so far (the counts themselves are in
 * m->counts, the ids counted in m->touched, until uncount()): the
 * query's grams by the size of their lists, rarest first, how many were
 * read and their bytes.  A second pass with a larger budget reads the
 * same grams in the same order and more: it goes on from here rather
 * than decode and count the first pass's lists again.
 */
struct counting {
	struct gram_size *gs;
	size_t n;		/* the query's grams */
	size_t next;		/* gs[next] is the next to read */
	size_t used, spent;	/* grams read, and their bytes */
	bool started;
};

/*
 * Zero what was counted: one sweep when it was more than a few per cent
 * of the array (clearing a byte at random costs as much as sweeping
 * some fifty in a row).
 */
static void
uncount(struct tm__matcher *m, struct counting *cs)
{
	size_t i;

	if (m && m->touched.n > (size_t)m->ncounts / 64)
		memset(m->counts, 0, (size_t)m->ncounts);
	else if (m)
		for (i = 0; i < m->touched.n; i++)
			m->counts[m->touched.v[i]] = 0;
	if (m)
		m->touched.n = 0;
	free(cs->gs);
	memset(cs, 0, sizeof(*cs));
}

/*
 * The ids sharing most grams with the query, at most `max`, into *out
 * (most shared first), reading grams rarest first, the first time from
 * the start and then on from where *cs stopped, until `budget` bytes of
 * lists were read in all (but at least MIN_GRAMS).  With `all_grams`,
 * only ids holding every gram (concordance).  Counting is an increment
 * in m->counts; the histogram of counts taken afterwards from the ids
 * counted gives the threshold, and selecting the best is one pass over
 * those ids, not a sort.  The caller calls uncount() when done.
 */
static int
candidates(struct tm__matcher *m, struct counting *cs,
    const struct tm__u32v *grams, const struct tm__u32v *whole, size_t max,
    bool all_grams, size_t budget, bool *exhausted, struct cand **out,
    size_t *nout, uint64_t qsk)
{
	size_t pool = qsk ? POOL : max;
	struct gram_size *gs;
	struct tm__i64v ids = { 0 };
	struct cand *v = NULL;
	size_t hist[256], sub[4][256], i, k, n = 0, need, above, at, hi, lo;
	unsigned t;
	int error = 0;

	*out = NULL;
	*nout = 0;
	if (!grams->n)
		return 0;
	if (!cs->started) {
		cs->started = true;
		m->touched.n = 0;
		if (!(cs->gs = tm__calloc(grams->n, sizeof(*cs->gs))))
			return tm__error_nomem();
		cs->n = grams->n;
		for (i = 0; i < grams->n && !error; i++) {
			cs->gs[i].gram = grams->v[i];
			error = tm__postings_size(m->post, cs->gs[i].gram,
			    &cs->gs[i].bytes);
		}
		if (error)
			return error;
		qsort(cs->gs, cs->n, sizeof(*cs->gs), cmp_gram_size);
		/*
		 * Variants with the query's whole token sequence (numbers
		 * aside) come first whatever else they share: they count as
		 * holding every gram.
		 */
		for (i = 0; whole && i < whole->n && !error; i++) {
			ids.n = 0;
			if ((error = tm__postings_read(m->post, whole->v[i],
			    &ids)) < 0)
				break;
			for (k = 0; k < ids.n && k < 1024 && !error; k++) {
				int64_t id = ids.v[k];

				if (id <= 0 || id >= m->ncounts ||
				    m->counts[id])
					continue;
				m->counts[id] = 255;
				error = tm__i64v_push(&m->touched, id);
			}
		}
		tm__i64v_release(&ids);
		if (error)
			return error;
	}
	gs = cs->gs;
	for (i = cs->next; i < cs->n && cs->used < 254; i++) {
		if (!all_grams && cs->used >= MIN_GRAMS &&
		    cs->spent + gs[i].bytes > budget)
			break;
		if (all_grams && gs[i].bytes == 0)
			return 0;	/* no unit holds them all */
		if ((error = tm__postings_count(m->post, gs[i].gram,
		    m->counts, m->ncounts, &m->touched)) < 0)
			return error;
		cs->used++;
		cs->spent += gs[i].bytes;
	}
	cs->next = i;
	if (exhausted)
		*exhausted = i >= cs->n;
	if (!m->touched.n)
		return 0;

	/*
	 * Most ids share a count or two: four histograms in turn, added
	 * up after, rather than one counter incremented in a chain.
	 */
	memset(sub, 0, sizeof(sub));
	for (i = 0; i + 4 <= m->touched.n; i += 4) {
		sub[0][m->counts[m->touched.v[i]]]++;
		sub[1][m->counts[m->touched.v[i + 1]]]++;
		sub[2][m->counts[m->touched.v[i + 2]]]++;
		sub[3][m->counts[m->touched.v[i + 3]]]++;
	}
	for (; i < m->touched.n; i++)
		sub[0][m->counts[m->touched.v[i]]]++;
	for (i = 0; i < 256; i++)
		hist[i] = sub[0][i] + sub[1][i] + sub[2][i] + sub[3][i];
	/* The lowest count that still makes the best `pool`. */
	need = all_grams ? SIZE_MAX : pool;
	for (t = 255, k = 0; t > 1 && k + hist[t] < need; t--)
		k += hist[t];
	if (all_grams)
		t = (unsigned)cs->used;
	/*
	 * All above the threshold, then those at it while room is left;
	 * with sketches to rank them, every one at it (they tie on what
	 * was counted), up to POOL_MAX.
	 */
	if (all_grams)
		need = hist[t];
	else if (qsk)
		need = k + hist[t] < POOL_MAX ? k + hist[t] : POOL_MAX;
	else
		need = pool;
	if (!(v = tm__malloc((need + 1) * sizeof(*v))))
		return tm__error_nomem();
	/*
	 * In one pass over the ids counted, in the order they were first
	 * counted: those above t into v[0, above), those at t after them
	 * while room is left.
	 */
	for (above = 0, k = t + 1; k < 256; k++)
		above += hist[k];
	if (above > need)
		above = need;
	at = hist[t] < need - above ? hist[t] : need - above;
	for (i = 0, hi = 0, lo = above; i < m->touched.n &&
	    (hi < above || lo < above + at); i++) {
		int64_t id = m->touched.v[i];
		unsigned c = m->counts[id];

		if (c > t && hi < above) {
			v[hi].id = id;
			v[hi++].count = c;
		} else if (c == t && lo < above + at) {
			v[lo].id = id;
			v[lo++].count = c;
		}
	}
	n = above + at;
	if (qsk)
		n = rank_pool(m, v, n, qsk, max);
	qsort(v, n, sizeof(*v), cmp_cand);
	if (n > max)
		n = max;
	*out = v;
	*nout = n;
	return 0;
}

/*
 * Scoring
 * =======
 */

/* The query, prepared once. */
struct query {
	const char *text;
	size_t len;
	struct tm__buf key;
	struct tm__tokens toks;
	struct tm__u32v ids, masked;	/* token ids; numbers made one id */
	struct tm__pattern *pat, *pat_masked;
	bool has_numbers;
	unsigned key_flags;
	bool folded;	/* folding Traditional changed the query's key */
};

#define NUMBER_MASK 0xffffffffu

/*
 * The byte spans of the quantities written with Chinese numerals in
 * key (五万, 百分之五, 5万, 十五日), so that they count as numbers: a
 * span holds at least one Chinese numeral.  Keys without any are not
 * scanned.
 */
static int
han_spans(struct tm__qty_list *out, const char *key)
{
	size_t i, k, n = strlen(key);
	int32_t j;
	bool any;
	int error;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && (unsigned char)key[i] < 0xe3; i++)
		;
	if (i == n)
		return 0;	/* no character from U+3000 up */
	/*
	 * Nor when none is a Chinese numeral (every span kept holds one):
	 * the quantity scan costs many times this look, on every
	 * candidate's key.
	 */
	for (j = (int32_t)i, any = false; j < (int32_t)n && !any; ) {
		UChar32 c;

		U8_NEXT(key, j, (int32_t)n, c);
		any = c >= 0 && tm__qty_is_han_numeral(c);
	}
	if (!any)
		return 0;
	if ((error = tm__qty_scan(out, key, n, true)) < 0)
		return error;
	for (i = k = 0; i < out->n; i++) {
		const struct tm__qty *q = &out->q[i];
		size_t c;
		bool han = false;

		if (q->kind != TM__QTY_NUMBER && q->kind != TM__QTY_MONTH)
			continue;
		for (c = 0; c < out->ncp && !han; c++)
			if (out->off[c] >= q->start && out->off[c] < q->end &&
			    tm__qty_is_han_numeral(out->cp[c]))
				han = true;
		if (han)
			out->q[k++] = *q;
	}
	out->n = k;
	return 0;
}

/*
 * Token ids, and the same with numbers made one id (NUMBER_MASK): an
 * Arabic number token, or all the tokens of a quantity in Chinese
 * numerals (五万, 百分之五, 5万) together, so that 五万 → 八万 is a
 * change of number as 5 → 8 is.
 */
static int
token_ids(const char *key, const struct tm__tokens *t, struct tm__u32v *ids,
    struct tm__u32v *masked, bool *has_numbers)
{
	struct tm__qty_list han;
	size_t i, h = 0;
	int error;

	ids->n = masked->n = 0;
	if (has_numbers)
		*has_numbers = false;
	if ((error = han_spans(&han, key)) < 0)
		return error;
	for (i = 0; i < t->n && !error; i++) {
		bool num = t->v[i].kind == TM__TOK_NUMBER, in = false;

		while (h < han.n && han.q[h].end <= t->v[i].start)
			h++;
		if (h < han.n && t->v[i].start >= han.q[h].start &&
		    t->v[i].start < han.q[h].end) {
			/* One id for the span: only at its first token. */
			in = true;
			num = i == 0 || t->v[i - 1].start < han.q[h].start;
		}
		if (num && has_numbers)
			*has_numbers = true;
		if ((error = tm__u32v_push(ids, t->v[i].id)) < 0)
			break;
		if (in && !num)
			continue;
		error = tm__u32v_push(masked, num ? NUMBER_MASK : t->v[i].id);
	}
	tm__qty_list_release(&han);
	return error;
}

static void
query_release(struct query *q)
{
	tm__buf_release(&q->key);
	tm__tokens_release(&q->toks);
	tm__u32v_release(&q->ids);
	tm__u32v_release(&q->masked);
	tm__pattern_free(q->pat);
	tm__pattern_free(q->pat_masked);
}

/*
 * Whether folding Traditional to Simplified made `key` (of text[0..len)
 * under `flags`) differ from the key without it.
 */
static int
folded_key(bool *out, const char *text, size_t len, const char *key,
    unsigned flags)
{
	struct tm__buf plain = { 0 };
	int error;

	*out = false;
	if (!(flags & TM__KEY_TRAD_TO_SIMP))
		return 0;
	if ((error = tm__text_key(&plain, text, len,
	    flags & ~(unsigned)TM__KEY_TRAD_TO_SIMP)) == 0)
		*out = strcmp(tm__buf_str(&plain), key) != 0;
	tm__buf_release(&plain);
	return error;
}

static int
query_init(struct query *q, const char *text, unsigned key_flags)
{
	int error;

	memset(q, 0, sizeof(*q));
	q->text = text;
	q->len = strlen(text);
	if (tm__utf8_valid(text, q->len) != q->len)
		return tm__error(TM_EUTF8, "the query is not valid UTF-8");
	if ((error = tm__text_key(&q->key, text, q->len, key_flags)) < 0 ||
	    (error = tm__tokenize(&q->toks, tm__buf_str(&q->key),
	    q->key.len)) < 0 ||
	    (error = token_ids(tm__buf_str(&q->key), &q->toks, &q->ids,
	    &q->masked, &q->has_numbers)) < 0 ||
	    (error = tm__pattern_new(&q->pat, q->ids.v, q->ids.n)) < 0 ||
	    (error = tm__pattern_new(&q->pat_masked, q->masked.v,
	    q->masked.n)) < 0)
		return error;
	q->key_flags = key_flags;
	return folded_key(&q->folded, text, q->len, tm__buf_str(&q->key),
	    key_flags);
}

/* Inline tags in a stored segment: the elements that stand for codes. */
static int
count_tags(const char *seg)
{
	static const char *const names[] = {
		"bpt", "ept", "it", "ph", "ut", "hi"
	};
	const char *p;
	int n = 0;
	size_t i, k;

	for (p = strchr(seg, '<'); p; p = strchr(p + 1, '<'))
		for (i = 0; i < TM__ARRAY_SIZE(names); i++) {
			k = strlen(names[i]);
			if (strncmp(p + 1, names[i], k) == 0 &&
			    (p[1 + k] == ' ' || p[1 + k] == '>' ||
			    p[1 + k] == '/'))
				n++;
		}
	return n;
}

/*
 * Word-diff of the stored source against the query: equal tokens are
 * written as the source has them, the source's own as [-x-], the
 * query's as {+x+}; text between tokens (spaces, punctuation) comes
 * from the source.
 */
static int
make_diff(struct tm__buf *out, const struct query *q, const char *ckey,
    const char *ctext, const struct tm__tokens *ct,
    const struct tm__u32v *cids)
{
	size_t n = cids->n, mq = q->ids.n, i, j, k;
	size_t *d = NULL, at = 0;
	char *ops = NULL;	/* '=', 's', 'd' (source only), 'i' (query only) */
	size_t nops = 0;
	struct tm__tokens ctt = { 0 }, qtt = { 0 };
	const struct tm__tokens *cshow = ct, *qshow = &q->toks;
	const char *csrc = ckey, *qsrc = tm__buf_str(&q->key);
	int error = 0;

	/*
	 * The alignment is of keys; the display is of the texts as written
	 * when they cut into as many tokens (case and width folding rarely
	 * change that), else of the keys.
	 */
	if (tm__tokenize(&ctt, ctext, strlen(ctext)) == 0 && ctt.n == ct->n) {
		cshow = &ctt;
		csrc = ctext;
	}
	if (tm__tokenize(&qtt, q->text, q->len) == 0 && qtt.n == q->toks.n) {
		qshow = &qtt;
		qsrc = q->text;
	}
	tm_error_clear();

	if (!(d = tm__malloc((n + 1) * (mq + 1) * sizeof(*d))) ||
	    !(ops = tm__malloc(n + mq + 1))) {
		error = tm__error_nomem();
		goto done;
	}
#define D(a, b) d[(a) * (mq + 1) + (b)]
	for (i = 0; i <= n; i++)
		D(i, 0) = i;
	for (j = 0; j <= mq; j++)
		D(0, j) = j;
	for (i = 1; i <= n; i++)
		for (j = 1; j <= mq; j++) {
			size_t best = D(i - 1, j - 1) +
			    (cids->v[i - 1] != q->ids.v[j - 1]);

			if (D(i - 1, j) + 1 < best)
				best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			D(i, j) = best;
		}
	for (i = n, j = mq; i > 0 || j > 0;) {
		if (i > 0 && j > 0 && D(i, j) == D(i - 1, j - 1) +
		    (cids->v[i - 1] != q->ids.v[j - 1])) {
			ops[nops++] = cids->v[i - 1] == q->ids.v[j - 1] ?
			    '=' : 's';
			i--, j--;
		} else if (i > 0 && D(i, j) == D(i - 1, j) + 1) {
			ops[nops++] = 'd';
			i--;
		} else {
			ops[nops++] = 'i';
			j--;
		}
	}
#undef D
	/* Replay forwards. */
	for (k = nops, i = j = 0; k-- > 0 && !error;) {
		const struct tm__token *ctok = i < cshow->n ? &cshow->v[i] :
		    NULL;
		const struct tm__token *qtok = j < qshow->n ? &qshow->v[j] :
		    NULL;

		if (ops[k] != 'i' && ctok && ctok->start > at)
			error = tm__buf_add(out, csrc + at, ctok->start - at);
		if (error)
			break;
		switch (ops[k]) {
		case '=':
			error = tm__buf_add(out, csrc + ctok->start, ctok->len);
			i++, j++;
			break;
		case 's':
			if (!(error = tm__buf_printf(out, "[-%.*s-]{+%.*s+}",
			    (int)ctok->len, csrc + ctok->start, (int)qtok->len,
			    qsrc + qtok->start)))
				i++, j++;
			break;
		case 'd':
			error = tm__buf_printf(out, "[-%.*s-]", (int)ctok->len,
			    csrc + ctok->start);
			i++;
			break;
		default:
			error = tm__buf_printf(out, "{+%.*s+}", (int)qtok->len,
			    qsrc + qtok->start);
			j++;
			break;
		}
		if (ops[k] != 'i' && ctok)
			at = ctok->start + ctok->len;
	}
	if (!error)
		error = tm__buf_adds(out, csrc + at);
done:
	free(d);
	free(ops);
	tm__tokens_release(&ctt);
	tm__tokens_release(&qtt);
	return error;
}

/* The first place from `p` on where the number num[0..n) stands alone. */
static const char *
find_number(const char *text, const char *p, const char *num, size_t n)
{
	for (; *p; p++) {
		if (strncmp(p, num, n) != 0)
			continue;
		if ((p > text && p[-1] >= '0' && p[-1] <= '9') ||
		    (p[n] >= '0' && p[n] <= '9'))
			continue;
		return p;
	}
	return NULL;
}

/*
 * Replace, in `text`, each number the unit has where the query has
 * another (pairs from the aligned number tokens).  Returns the text in
 * out; numbers that do not appear in `text` are left alone.
 */
static int
replace_numbers(struct tm__buf *out, const char *text,
    const struct query *q, const char *ckey, const struct tm__tokens *ct,
    bool *all)
{
	size_t i, j = 0, pos;
	int error = 0;
	struct {
		const char *from, *to;
		size_t flen, tlen;
		bool used;
	} pairs[32];
	size_t npairs = 0;
	const char *p = text;

	for (i = 0; i < ct->n && npairs < TM__ARRAY_SIZE(pairs); i++) {
		if (ct->v[i].kind != TM__TOK_NUMBER)
			continue;
		while (j < q->toks.n && q->toks.v[j].kind != TM__TOK_NUMBER)
			j++;
		if (j >= q->toks.n)
			break;
		if (ct->v[i].id != q->toks.v[j].id) {
			pairs[npairs].from = ckey + ct->v[i].start;
			pairs[npairs].flen = ct->v[i].len;
			pairs[npairs].to = q->key.ptr + q->toks.v[j].start;
			pairs[npairs].tlen = q->toks.v[j].len;
			pairs[npairs].used = false;
			npairs++;
		}
		j++;
	}
	/* One pass over the text, earliest match first. */
	while (*p && !error) {
		const char *best = NULL;
		size_t bk = 0;

		for (i = 0; i < npairs; i++) {
			const char *hit = find_number(text, p, pairs[i].from,
			    pairs[i].flen);

			if (hit && (!best || hit < best)) {
				best = hit;
				bk = i;
			}
		}
		if (!best)
			break;
		pos = (size_t)(best - p);
		pairs[bk].used = true;
		if ((error = tm__buf_add(out, p, pos)) < 0 ||
		    (error = tm__buf_add(out, pairs[bk].to, pairs[bk].tlen)) < 0)
			break;
		p = best + pairs[bk].flen;
	}
	if (!error)
		error = tm__buf_adds(out, p);
	/* Every number that changed was written anew somewhere. */
	*all = npairs > 0;
	for (i = 0; i < npairs; i++)
		*all = *all && pairs[i].used;
	return error;
}

/* v with at most three decimals, trailing zeros dropped; `commas`:
 * thousands separated (32,500). */
static int
put_number(struct tm__buf *out, double v, bool commas)
{
	char digits[64], *dot;
	size_t n, i, lead;
	int error = 0;

	snprintf(digits, sizeof(digits), "%.3f", v);
	n = strlen(digits);
	while (n && digits[n - 1] == '0')
		n--;
	if (n && digits[n - 1] == '.')
		n--;
	digits[n] = '\0';
	dot = strchr(digits, '.');
	lead = dot ? (size_t)(dot - digits) : n;
	if (!commas || lead <= 3)
		return tm__buf_adds(out, digits);
	for (i = 0; i < lead && !error; i++) {
		if (i && (lead - i) % 3 == 0)
			error = tm__buf_addc(out, ',');
		if (!error)
			error = tm__buf_addc(out, digits[i]);
	}
	return error ? error : tm__buf_adds(out, digits + lead);
}

/* The product of the Chinese multipliers s[0..n) (万, 亿, 千万), or 0. */
static double
han_scale(const char *s, size_t n)
{
	static const struct { const char *w; double v; } units[] = {
		{ "万", 1e4 }, { "萬", 1e4 }, { "亿", 1e8 }, { "億", 1e8 },
		{ "千", 1e3 }, { "百", 1e2 },
	};
	double f = 1;
	size_t i = 0, k;

	while (i < n) {
		for (k = 0; k < TM__ARRAY_SIZE(units); k++)
			if (n - i >= 3 && memcmp(s + i, units[k].w, 3) == 0)
				break;
		if (k == TM__ARRAY_SIZE(units))
			return 0;
		f *= units[k].v;
		i += 3;
	}
	return f > 1 ? f : 0;
}

/*
 * v in Chinese numerals in the form of s[0..n): a number of units (八万
 * for 五万, 三千万 for 二千万) or digit by digit (二〇二一 for 二〇二〇,
 * kept for years).  Left alone (*done false) when v has no such form.
 */
static int
put_han(struct tm__buf *out, const char *s, size_t n, double v, bool *done)
{
	static const char *const digits[] = { "〇", "一", "二", "三", "四",
	    "五", "六", "七", "八", "九" };
	static const char *const units[] = { "十", "百", "千", "万", "亿",
	    "萬", "億" };
	char d[32];
	size_t i, k;
	int error;
	bool unit = false;

	*done = false;
	for (i = 0; i + 3 <= n && !unit; i += 3)
		for (k = 0; k < TM__ARRAY_SIZE(units) && !unit; k++)
			unit = memcmp(s + i, units[k], 3) == 0;
	if (!unit && n > 3) {
		/* No unit in the span: digit by digit. */
		if (v < 0 || v >= 1e15 || v != floor(v))
			return 0;
		snprintf(d, sizeof(d), "%.0f", v);
		for (i = 0; d[i]; i++)
			if ((error = tm__buf_adds(out, digits[d[i] - '0'])) < 0)
				return error;
		*done = true;
		return 0;
	}
	/* Nothing is written for a value without Chinese numerals. */
	if ((error = tm__qty_put_han(out, v)) == TM_EINVAL)
		return 0;
	*done = error == 0;
	return error;
}

/*
 * Write quantity `v` of `kind` in the form the target's span s[0..n)
 * has: "February" for "January", "Feb." style for "Jan", "80,000" for
 * "50,000", "2.1 million" for "1.9 million".  0 with *done false when
 * the span's form is not one of these (a number in words): left alone.
 */
static int
put_like(struct tm__buf *out, const char *s, size_t n, int kind, double v,
    bool *done)
{
	static const char *const names[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	static const struct { const char *w; double v; } scales[] = {
		{ "thousand", 1e3 }, { "million", 1e6 }, { "billion", 1e9 },
		{ "trillion", 1e12 }, { "mln", 1e6 }, { "bln", 1e9 },
	};
	size_t k, num = 0;
	double scale = 1;
	bool commas = false;
	int error;

	*done = false;
	if (n >= 9 && strncmp(s, "百分之", 9) == 0) {
		/* 百分之五 → 百分之八, 百分之5 → 百分之8. */
		size_t mark = out->len;

		if ((error = tm__buf_add(out, s, 9)) < 0 ||
		    (error = put_like(out, s + 9, n - 9, kind, v, done)) < 0)
			return error;
		if (!*done && out->ptr)
			out->ptr[out->len = mark] = '\0';
		return 0;
	}
	if (n && (unsigned char)s[0] >= 0x80)
		return put_han(out, s, n, v, done);
	if (kind == TM__QTY_MONTH && n && s[0] >= '0' && s[0] <= '9') {
		/* 1月 → 2月: the digits (月 is not in the span). */
		if (v < 1 || v > 12 || v != floor(v))
			return 0;
		*done = true;
		return tm__buf_printf(out, "%d", (int)v);
	}
	if (kind == TM__QTY_MONTH) {
		if (v < 1 || v > 12 || v != floor(v) || !n ||
		    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
			return 0;
		*done = true;
		return n >= 4 || v == 5 ? tm__buf_adds(out, names[(int)v - 1]) :
		    tm__buf_add(out, names[(int)v - 1], 3);
	}
	while (num < n && ((s[num] >= '0' && s[num] <= '9') || s[num] == ',' ||
	    s[num] == '.'))
		commas |= s[num++] == ',';
	if (!num || !(s[0] >= '0' && s[0] <= '9'))
		return 0;
	if (num < n && (unsigned char)s[num] >= 0x80) {
		/* 5万 → 8万: the multipliers stay, the digits change. */
		if ((scale = han_scale(s + num, n - num)) == 0)
			return 0;
	} else if (num < n) {
		size_t w = num;

		while (w < n && s[w] == ' ')
			w++;
		for (k = 0; k < TM__ARRAY_SIZE(scales); k++)
			if (n - w == strlen(scales[k].w) &&
			    strncasecmp(s + w, scales[k].w, n - w) == 0)
				scale = scales[k].v;
		if (scale == 1)
			return 0;
	}
	if ((error = put_number(out, v / scale, commas)) < 0)
		return error;
	*done = true;
	return tm__buf_add(out, s + num, n - num);
}

/*
 * The target of a match whose numbers differ from the query's: the
 * quantities of the unit's source and of the query (tm/quantity.c: 5万
 * = 50,000, 1月 = January) are paired in order, and each target
 * quantity whose value one pair changes is written anew in its own
 * form, so that 5万 → 8万 turns "50,000" into "80,000", 1月29日 → 2月3日
 * turns "January 29" into "February 3", and the other way 50,000 →
 * 80,000 turns "5万" into "8万" and 五万 into 八万.  *done false (and
 * nothing written) when the two sources' quantities do not pair up:
 * replace_numbers() then does what it can.  *all: every value that
 * changed was written anew at least once.
 */
static int
replace_quantities(struct tm__buf *out, const char *text,
    const char *target_lang, const struct query *q, const char *ckey,
    bool source_cjk, bool *done, bool *all)
{
	struct tm__qty_list a, b, t;
	struct {
		int kind;
		double from, to;
		bool ambiguous, written;
	} map[32];
	size_t nmap = 0, i, k, at = 0;
	int error = 0;

	*done = *all = false;
	if ((error = tm__qty_scan(&a, ckey, strlen(ckey), source_cjk)) < 0)
		return error;
	if ((error = tm__qty_scan(&b, q->key.ptr ? q->key.ptr : "", q->key.len,
	    source_cjk)) < 0) {
		tm__qty_list_release(&a);
		return error;
	}
	if (a.n != b.n || a.n > TM__ARRAY_SIZE(map))
		goto done;
	for (i = 0; i < a.n; i++) {
		if (a.q[i].kind != b.q[i].kind)
			goto done;
		if (a.q[i].value == b.q[i].value)
			continue;
		for (k = 0; k < nmap; k++)
			if (map[k].kind == a.q[i].kind &&
			    map[k].from == a.q[i].value)
				break;
		if (k < nmap) {
			map[k].ambiguous |= map[k].to != b.q[i].value;
			continue;
		}
		map[nmap].kind = a.q[i].kind;
		map[nmap].from = a.q[i].value;
		map[nmap].to = b.q[i].value;
		map[nmap].written = false;
		map[nmap++].ambiguous = false;
	}
	if ((error = tm__qty_scan(&t, text, strlen(text),
	    tm__lang_cjk(target_lang))) < 0)
		goto done;
	for (i = 0; i < t.n && !error; i++) {
		bool put = false;

		for (k = 0; k < nmap; k++)
			if (!map[k].ambiguous && map[k].kind == t.q[i].kind &&
			    map[k].from == t.q[i].value)
				break;
		if (k == nmap)
			continue;
		if ((error = tm__buf_add(out, text + at, t.q[i].start - at)) < 0)
			break;
		if ((error = put_like(out, text + t.q[i].start, t.q[i].end -
		    t.q[i].start, t.q[i].kind, map[k].to, &put)) < 0)
			break;
		if (!put)
			error = tm__buf_add(out, text + t.q[i].start,
			    t.q[i].end - t.q[i].start);
		map[k].written |= put;
		at = t.q[i].end;
	}
	if (!error)
		error = tm__buf_adds(out, text + at);
	*done = error == 0;
	*all = nmap > 0;
	for (k = 0; k < nmap; k++)
		*all = *all && map[k].written && !map[k].ambiguous;
	tm__qty_list_release(&t);
done:
	tm__qty_list_release(&a);
	tm__qty_list_release(&b);
	return error;
}

/*
 * Whether a variant in `lang` answers a query in `from`: the same
 * language, or any Chinese when the memory folds Traditional to
 * Simplified (then a zh-TW memory serves zh-CN queries).
 */
static bool
lang_ok(const char *from, const char *lang, unsigned key_flags)
{
	if (tm_lang_match(from, lang))
		return true;
	return (key_flags & TM__KEY_TRAD_TO_SIMP) && tm_lang_match("zh", from) &&
	    tm_lang_match("zh", lang);
}

/*
 * The score of a candidate whose key's tokens are cids (and, numbers
 * made one, cmasked), or -1 when it is below `min`.  *numbers is set
 * when the candidate differs from the query only in its numbers; it
 * then scores 99 on the promise that they are replaced in its
 * translation, and *plain is what it scores without that promise (-1:
 * below `min`).
 */
static int
score_one(const struct query *q, const char *ctext, const char *seg, int min,
    const struct tm__u32v *cids, const struct tm__u32v *cmasked, int *numbers,
    int *plain)
{
	size_t L = cids->n > q->ids.n ? cids->n : q->ids.n, dmax, dist;
	int score, tags = count_tags(seg);

	*numbers = 0;
	*plain = -1;
	dmax = L ? L * (size_t)(100 - min) / 100 : 0;
	dist = tm__edit_distance(q->pat, cids->v, cids->n, dmax);
	if (dist <= dmax && L) {
		*plain = (int)(100 * (L - dist) / L) - tags;
		if (*plain < min)
			*plain = -1;
	}
	if (dist > dmax) {
		/*
		 * Too far apart for `min`, unless only numbers differ: such
		 * a candidate scores 99 however many numbers changed.
		 */
		if (min > 99 || !q->has_numbers || tm__edit_distance(
		    q->pat_masked, cmasked->v, cmasked->n, 0) != 0)
			return -1;
		dist = 1;
	}
	score = L ? (int)(100 * (L - dist) / L) : 100;
	if (dist == 0) {
		score = strcmp(ctext, q->text) == 0 ? 100 : 99;
	} else if (q->has_numbers && tm__edit_distance(q->pat_masked,
	    cmasked->v, cmasked->n, 0) == 0) {
		score = 99;
		*numbers = 1;
	}
	score -= tags;
	if (score < 0)
		score = 0;
	return score < min ? -1 : score;
}

/* Whether the unit's stored context equals the caller's. */
static int
context_matches(struct tm__matcher *m, int64_t tu_id, const char *before,
    const char *after, unsigned key_flags, bool *yes)
{
	struct tm__buf k1 = { 0 }, k2 = { 0 };
	bool pre_ok = !before, post_ok = !after;
	int rc, error = 0;

	*yes = false;
	tm__bind_int64(m->context, 1, tu_id);
	while ((rc = tm__step(m->context)) == TM__ROW && !error) {
		const char *type = (const char *)tm__column_text(
		    m->context, 0);
		const char *val = (const char *)tm__column_text(
		    m->context, 1);
		const char *want = strcmp(type, "x-context-pre") == 0 ?
		    before : after;

		if (!want || !val)
			continue;
		tm__buf_reset(&k1);
		tm__buf_reset(&k2);
		if ((error = tm__text_key(&k1, val, strlen(val), key_flags)) < 0 ||
		    (error = tm__text_key(&k2, want, strlen(want),
		    key_flags)) < 0)
			break;
		if (strcmp(tm__buf_str(&k1), tm__buf_str(&k2)) == 0) {
			if (want == before)
				pre_ok = true;
			else
				post_ok = true;
		}
	}
	tm__reset(m->context);
	tm__buf_release(&k1);
	tm__buf_release(&k2);
	*yes = pre_ok && post_ok && (before || after);
	return error;
}

static int
grow_matches(tm_matches *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct item *p = tm__realloc(r->v, cap * sizeof(*p));

		if (!p)
			return tm__error_nomem();
		r->v = p;
		r->cap = cap;
	}
	return 0;
}

/*
 * Fill in a match's unit data and its translation; 0 with *found = false
 * when the unit holds no variant in `to`, or when its numbers could not
 * be replaced in the translation and its `plain` score is below --min.
 */
static int
add_match(tm_matches *r, struct tm__matcher *m, const tm_lookup_options *o,
    int64_t tu_id, const char *source, const char *orig_source,
    const char *source_lang, int score, int plain, const char *diff, int numbers, const struct query *q,
    const char *ckey, const struct tm__tokens *ct, bool *found)
{
	struct tm__buf fixed = { 0 };
	tm_match *x;
	int rc, error = 0;

	*found = false;
	tm__bind_int64(m->others, 1, tu_id);
	while ((rc = tm__step(m->others)) == TM__ROW) {
		const char *lang = (const char *)tm__column_text(
		    m->others, 1);
		const char *text = (const char *)tm__column_text(
		    m->others, 2);

		if (!lang || !tm_lang_match(o->to, lang))
			continue;
		if ((error = grow_matches(r)) < 0)
			break;
		memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
		x = &r->v[r->n].pub;
		x->score = score;
		x->numbers_replaced = numbers;
		x->unit_id = tu_id;
		x->source = keep(r, source, strlen(source));
		x->source_lang = keep(r, source_lang, strlen(source_lang));
		x->target_lang = keep(r, lang, strlen(lang));
		x->diff = keep(r, diff, strlen(diff));
		if (numbers) {
			bool done = false, all = false;

			tm__buf_reset(&fixed);
			if ((error = replace_quantities(&fixed, text ? text : "",
			    lang, q, ckey, tm__lang_cjk(source_lang), &done,
			    &all)) < 0)
				break;
			if (!done || !all) {
				tm__buf_reset(&fixed);
				if ((error = replace_numbers(&fixed, text ? text :
				    "", q, ckey, ct, &all)) < 0)
					break;
			}
			if (!all) {
				/*
				 * The translation keeps a number the query
				 * changed: no 99 on its account, and the
				 * translation as it is.
				 */
				if (plain < 0)
					break;
				x->score = plain;
				x->numbers_replaced = 0;
				x->source = keep(r, orig_source,
				    strlen(orig_source));
				tm__buf_reset(&fixed);
				error = tm__buf_adds(&fixed, text ? text : "");
				if (error < 0)
					break;
			}
			x->target = keep(r, tm__buf_str(&fixed), fixed.len);
		} else {
			x->target = keep(r, text ? text : "", strlen(text ?
			    text : ""));
		}
		if (!x->source || !x->source_lang || !x->target_lang ||
		    !x->diff || !x->target) {
			error = tm__error_nomem();
			break;
		}
		*found = true;
		break;
	}
	tm__reset(m->others);
	tm__buf_release(&fixed);
	if (error || !*found)
		return error;

	x = &r->v[r->n].pub;
	tm__bind_int64(m->unit, 1, tu_id);
	if (tm__step(m->unit) == TM__ROW) {
		const unsigned char *mt = tm__column_text(m->unit, 6);

		x->tuid = keep_col(r, m->unit, 0);
		x->creationdate = keep_col(r, m->unit, 1);
		x->creationid = keep_col(r, m->unit, 2);
		x->changedate = keep_col(r, m->unit, 3);
		x->changeid = keep_col(r, m->unit, 4);
		x->usagecount = tm__column_int64(m->unit, 5);
		x->import_file = keep_col(r, m->unit, 7);
		if (mt)
			snprintf(r->v[r->n].mtime, 17, "%s", mt);
	}
	tm__reset(m->unit);
	r->n++;
	return 0;
}

/* Best first; ties to the newer unit, then the more used. */
static int
cmp_match(const void *a, const void *b)
{
	const struct item *ia = a, *ib = b;
	const tm_match *x = &ia->pub, *y = &ib->pub;
	int c;

	if (x->score != y->score)
		return y->score - x->score;
	if ((c = strcmp(ib->mtime, ia->mtime)) != 0)
		return c;
	if (x->usagecount != y->usagecount)
		return x->usagecount < y->usagecount ? 1 : -1;
	return (x->unit_id < y->unit_id) - (x->unit_id > y->unit_id);
}

/* What one lookup carries from candidate to candidate. */
struct lookup {
	struct tm__matcher *m;
	const tm_lookup_options *o;
	struct query q;
	tm_matches *r;
	struct tm__tokens ct;
	struct tm__u32v cids, cmasked;
	struct tm__buf diff, fixed;
	int64_t seen_tu[2 * CANDIDATES];	/* units already matched */
	size_t nseen;
	int best;			/* best score seen, below min too */
	size_t kept[102];		/* matches in lk->r by score */
};

/*
 * The lowest score that can still make the first --limit matches: a
 * candidate below it is not worth its diff, its translation and its
 * numbers (matches are ranked by score first).
 */
static int
threshold(const struct lookup *lk)
{
	size_t n = 0;
	int s;

	for (s = 101; s >= 0; s--)
		if ((n += lk->kept[s]) >= lk->o->limit)
			return s;
	return 0;
}

/*
 * Whether a candidate of unit tu_id scoring `score` cannot be among the
 * first --limit matches, though it scores enough to be kept: `limit`
 * matches kept already rank before it (cmp_match: score, then date,
 * use and unit; matches are never dropped, and making the match could
 * only lower its score, to `plain`).  Its diff, its translation and its
 * numbers, most of what a kept match costs, are then not made.  True
 * only when add_match() would also have found a translation to keep,
 * so that skipping it leaves everything as keeping it would: the unit
 * counts as matched, and the threshold, already at its score or above,
 * stays where it is.
 */
static bool
ranks_out(struct lookup *lk, int64_t tu_id, int score, int numbers,
    int plain)
{
	struct tm__matcher *m = lk->m;
	struct item x;
	size_t i, before = 0;
	bool out = false;

	/* Whether its numbers can be replaced decides whether it is kept. */
	if (lk->r->n < lk->o->limit || (numbers && plain < 0))
		return false;
	memset(&x, 0, sizeof(x));
	x.pub.score = score;
	x.pub.unit_id = tu_id;
	/*
	 * One statement: the unit's use and date on every row, then its
	 * variants' languages in add_match()'s order, which keeps the
	 * first translation into --to.
	 */
	tm__bind_int64(m->rank, 1, tu_id);
	if (tm__step(m->rank) == TM__ROW) {
		const unsigned char *mt = tm__column_text(m->rank, 1);

		x.pub.usagecount = tm__column_int64(m->rank, 0);
		if (mt)
			snprintf(x.mtime, sizeof(x.mtime), "%s", mt);
		for (i = 0; i < lk->r->n && before < lk->o->limit; i++)
			before += cmp_match(&lk->r->v[i], &x) < 0;
		if (before >= lk->o->limit) {
			do {
				const char *lang = (const char *)
				    tm__column_text(m->rank, 2);

				out = lang && tm_lang_match(lk->o->to, lang);
			} while (!out && tm__step(m->rank) == TM__ROW);
		}
	}
	tm__reset(m->rank);
	return out;
}

/* Score variant `id` and, when it is good enough, add it as a match. */
static int
consider(struct lookup *lk, int64_t id)
{
	struct tm__matcher *m = lk->m;
	const tm_lookup_options *o = lk->o;
	tm__stmt *st = m->tuv;
	const char *lang, *ckey, *seg, *ctext;
	char *src = NULL, *orig = NULL, *sl = NULL, *ck = NULL;
	int64_t tu_id;
	int score, numbers = 0, plain = -1, error = 0;
	bool found = false, yes, folded, all;
	size_t k;

	tm__bind_int64(st, 1, id);
	if (tm__step(st) != TM__ROW)
		goto done;	/* deleted since it was indexed */
	tu_id = tm__column_int64(st, 0);
	lang = (const char *)tm__column_text(st, 1);
	seg = (const char *)tm__column_text(st, 3);
	ctext = (const char *)tm__column_text(st, 4);
	for (k = 0; k < lk->nseen; k++)
		if (lk->seen_tu[k] == tu_id)
			goto done;
	if (!lang || !ctext || !lang_ok(o->from, lang, m->key_flags))
		goto done;
	if ((error = tm__key_column(&m->ckey, st, 2, 4, m->key_flags, &ckey,
	    &k)) < 0)
		goto done;
	lk->ct.n = 0;
	if ((error = tm__tokenize(&lk->ct, ckey, strlen(ckey))) < 0 ||
	    (error = token_ids(ckey, &lk->ct, &lk->cids, &lk->cmasked,
	    NULL)) < 0)
		goto done;
	score = score_one(&lk->q, ctext, seg, o->min > 100 ? 100 : o->min,
	    &lk->cids, &lk->cmasked, &numbers, &plain);
	if (score < 0)
		goto done;
	if (score == 100 && (o->context_before || o->context_after)) {
		if ((error = context_matches(m, tu_id, o->context_before,
		    o->context_after, m->key_flags, &yes)) < 0)
			goto done;
		if (yes)
			score = 101;
	}
	if (score > lk->best)
		lk->best = score;
	if (score < o->min || score < threshold(lk))
		goto done;
	if (ranks_out(lk, tu_id, score, numbers, plain)) {
		/* As add_match() would have: its unit is not matched again. */
		if (lk->nseen < TM__ARRAY_SIZE(lk->seen_tu))
			lk->seen_tu[lk->nseen++] = tu_id;
		goto done;
	}
	if ((error = folded_key(&folded, ctext, strlen(ctext), ckey,
	    lk->q.key_flags)) < 0)
		goto done;
	tm__buf_reset(&lk->diff);
	tm__buf_reset(&lk->fixed);
	if ((error = make_diff(&lk->diff, &lk->q, ckey, ctext, &lk->ct,
	    &lk->cids)) < 0 || (numbers && (error = replace_numbers(
	    &lk->fixed, ctext, &lk->q, ckey, &lk->ct, &all)) < 0))
		goto done;
	/* Copies: add_match reuses the statement these point into. */
	src = tm__strdup(numbers ? tm__buf_str(&lk->fixed) : ctext);
	orig = tm__strdup(ctext);
	sl = tm__strdup(lang);
	ck = tm__strdup(ckey);
	tm__reset(st);
	if (!src || !orig || !sl || !ck) {
		error = tm__error_nomem();
		goto done;
	}
	k = lk->r->n;
	if ((error = add_match(lk->r, m, o, tu_id, src, orig, sl, score, plain,
	    tm__buf_str(&lk->diff), numbers, &lk->q, ck, &lk->ct,
	    &found)) < 0)
		goto done;
	if (found)
		score = lk->r->v[lk->r->n - 1].pub.score;
	if (found)
		lk->r->v[lk->r->n - 1].pub.script_differs =
		    folded != lk->q.folded;
	lk->kept[score] += lk->r->n - k;
	if (found && lk->nseen < TM__ARRAY_SIZE(lk->seen_tu))
		lk->seen_tu[lk->nseen++] = tu_id;
done:
	tm__reset(st);
	free(src);
	free(orig);
	free(sl);
	free(ck);
	return error;
}

static void
lookup_release(struct lookup *lk)
{
	query_release(&lk->q);
	tm__tokens_release(&lk->ct);
	tm__u32v_release(&lk->cids);
	tm__u32v_release(&lk->cmasked);
	tm__buf_release(&lk->diff);
	tm__buf_release(&lk->fixed);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Whether `id` is in the sorted list of variants scored so far. */
static bool
scored_before(const int64_t *scored, size_t n, int64_t id)
{
	return n && bsearch(&id, scored, n, sizeof(*scored), cmp_i64);
}

static int
consider_unindexed(void *payload, int64_t id)
{
	return consider(payload, id);
}

/*
 * Score the variants with the query's very token sequence (the newest
 * CANDIDATES of them) before anything else.  *done: they fill the
 * limit at 100 and nothing else can rank above them (a context match
 * is one of them, so every one of them must have been scored).
 */
static int
exact_first(struct lookup *lk, uint32_t gram, struct tm__i64v *scored,
    bool *done)
{
	const tm_lookup_options *o = lk->o;
	size_t i, first, top = 0;
	int error;

	*done = false;
	if ((error = tm__postings_read(lk->m->post, gram, scored)) < 0)
		return error;
	first = scored->n > CANDIDATES ? scored->n - CANDIDATES : 0;
	if (first) {
		memmove(scored->v, scored->v + first,
		    (scored->n - first) * sizeof(*scored->v));
		scored->n -= first;
	}
	for (i = 0; i < scored->n; i++)
		if (scored->v[i] <= lk->m->indexed &&
		    (error = consider(lk, scored->v[i])) < 0)
			return error;
	for (i = 0; i < lk->r->n; i++)
		top += lk->r->v[i].pub.score >= 100;
	*done = top >= o->limit && (!first ||
	    (!o->context_before && !o->context_after));
	return 0;
}

int
tm_lookup(tm_matches **out, tm_db *db, const char *text,
    const tm_lookup_options *o)
{
	struct lookup *lk = NULL;
	struct tm__u32v grams = { 0 }, whole = { 0 };
	struct tm__i64v scored = { 0 };
	struct counting counted = { 0 };
	struct cand *cands = NULL;
	size_t ncands = 0, nscored, i;
	char fk[64], tk[64];
	bool exhausted = false, began = false, done = false;
	size_t budget = BUDGET_BYTES, ncand = CANDIDATES;
	uint64_t qsk;
	uint32_t salt;
	int pass, error;

	*out = NULL;
	if (!db || !text || !o || o->version != TM_LOOKUP_OPTIONS_VERSION ||
	    !o->from || !o->to || o->min < 0 || o->min > 101)
		return tm__error(TM_EINVAL, "lookup needs a query, --from and "
		    "--to, and a minimum score from 0 to 100");
	if (!(lk = tm__calloc(1, sizeof(*lk))))
		return tm__error_nomem();
	lk->o = o;
	lk->best = -1;
	if ((error = tm_lang_key(fk, sizeof(fk), o->from)) < 0 ||
	    (error = tm_lang_key(tk, sizeof(tk), o->to)) < 0 ||
	    (error = prepare_lookup(db, &lk->m)) < 0 ||
	    (error = query_init(&lk->q, text, lk->m->key_flags)) < 0)
		goto done;
	if (!(lk->r = tm__calloc(1, sizeof(*lk->r)))) {
		error = tm__error_nomem();
		goto done;
	}
	salt = tm__lang_salt(fk);
	if ((error = tm__grams(&grams, salt, &lk->q.toks, true)) < 0 ||
	    (error = tm__whole_grams(&whole, salt, &lk->q.toks)) < 0 ||
	    (error = begin_read(db, lk->m, &began)) < 0)
		goto done;

	/*
	 * Read the rarest grams first; when the best found is weak and
	 * grams were left unread, read more of them and score the new
	 * candidates too: hard queries pay, easy ones do not.
	 */
	qsk = tm__sketch(&lk->q.toks, &grams, 0);
	lookup_limits(&budget, &ncand);
	if (whole.n && (error = exact_first(lk, whole.v[0], &scored,
	    &done)) < 0)
		goto done;
	/* What the index does not hold yet, one by one: few, normally. */
	if ((error = each_unindexed(db, lk->m, consider_unindexed, lk,
	    &lk->r->unindexed)) < 0)
		goto done;
	for (pass = 0; pass < 2 && !done && !error; pass++) {
		if (pass == 1 && (exhausted || lk->best >= SECOND_BELOW))
			break;
		if (scored.n > 1)
			qsort(scored.v, scored.n, sizeof(*scored.v), cmp_i64);
		free(cands);
		cands = NULL;
		if ((error = candidates(lk->m, &counted, &grams, &whole, ncand,
		    false, pass ? budget * SECOND_TIMES : budget, &exhausted,
		    &cands, &ncands, qsk)) < 0)
			break;
		nscored = scored.n;
		/*
		 * Ids past the mark read at the start (indexed since) were
		 * scored with the unindexed ones.
		 */
		for (i = 0; i < ncands && !error; i++)
			if (cands[i].id <= lk->m->indexed &&
			    !scored_before(scored.v, nscored, cands[i].id) &&
			    !(error = consider(lk, cands[i].id)))
				error = tm__i64v_push(&scored, cands[i].id);
	}
	if (error)
		goto done;
	if (lk->r->n > 1)
		qsort(lk->r->v, lk->r->n, sizeof(*lk->r->v), cmp_match);
	if (lk->r->n > o->limit)
		lk->r->n = o->limit;
	*out = lk->r;
	lk->r = NULL;
done:
	if (lk)
		uncount(lk->m, &counted);
	if (lk && lk->m)
		end_read(db, lk->m, began);
	if (lk) {
		tm_matches_free(lk->r);
		lookup_release(lk);
	}
	free(lk);
	tm__u32v_release(&grams);
	tm__u32v_release(&whole);
	free(cands);
	tm__i64v_release(&scored);
	return error;
}

uint64_t
tm_matches_unindexed(const tm_matches *m)
{
	return m ? m->unindexed : 0;
}

int
tm_matches_json(char **out, const char *query, const tm_matches *r)
{
	json_t *obj, *arr;
	size_t i;

	*out = NULL;
	if (!(obj = json_pack("{s:s}", "query", query ? query : "")) ||
	    !(arr = json_array())) {
		json_decref(obj);
		return tm__error_nomem();
	}
	json_object_set_new(obj, "matches", arr);
	if (json_object_set_new(obj, "index_behind", json_integer(
	    (json_int_t)(r ? r->unindexed : 0))) < 0) {
		json_decref(obj);
		return tm__error_nomem();
	}
	for (i = 0; r && i < r->n; i++) {
		const tm_match *x = &r->v[i].pub;
		json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:b, "
		    "s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:I, s:s?, s:b}",
		    "score", x->score, "source", x->source, "target", x->target,
		    "source_lang", x->source_lang, "target_lang",
		    x->target_lang, "diff", x->diff, "numbers_replaced",
		    x->numbers_replaced, "unit_id", (json_int_t)x->unit_id,
		    "tuid", x->tuid, "creationdate", x->creationdate,
		    "creationid", x->creationid, "changedate", x->changedate,
		    "changeid", x->changeid, "usagecount",
		    (json_int_t)x->usagecount, "import", x->import_file,
		    "script_differs", x->script_differs);

		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(obj);
			return tm__error_nomem();
		}
	}
	*out = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	return *out ? 0 : tm__error_nomem();
}

/*
 * Concordance
 * ===========
 */

struct tm_hits {
	tm_hit *v;
	size_t n, cap;
	tm_matches strings;	/* only its string store is used */
	uint64_t unindexed;	/* units past the index, searched one by one */
};

size_t
tm_hits_count(const tm_hits *h)
{
	return h ? h->n : 0;
}

const tm_hit *
tm_hits_get(const tm_hits *h, size_t i)
{
	return h && i < h->n ? &h->v[i] : NULL;
}

void
tm_hits_free(tm_hits *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->strings.nstrings; i++)
		free(h->strings.strings[i]);
	free(h->strings.strings);
	free(h->v);
	free(h);
}

/* Where the key's hit at [kstart, kstart+klen) lies in the text. */
static void
hit_in_text(const char *text, const char *key, size_t kstart, size_t klen,
    unsigned key_flags, size_t *start, size_t *len)
{
	struct tm__buf k = { 0 };
	size_t ci = 0, cstart = 0, cend = 0, n = strlen(text);
	int32_t i = 0, tpos, kn = (int32_t)strlen(key), tn = (int32_t)n;
	UChar32 c;

	*start = *len = 0;
	/* Count code points of the key before and through the hit ... */
	while ((size_t)i < kstart && i < kn) {
		U8_NEXT(key, i, kn, c);
		cstart++;
	}
	cend = cstart;
	while ((size_t)i < kstart + klen && i < kn) {
		U8_NEXT(key, i, kn, c);
		cend++;
	}
	/* ... and take as many from the text when its key is as long. */
	if (tm__text_key(&k, text, n, key_flags) < 0 ||
	    strcmp(tm__buf_str(&k), key) != 0) {
		tm_error_clear();
		tm__buf_release(&k);
		return;
	}
	tm__buf_release(&k);
	for (tpos = 0, ci = 0; tpos < tn && ci < cstart; ci++)
		U8_NEXT(text, tpos, tn, c);
	*start = (size_t)tpos;
	for (; tpos < tn && ci < cend; ci++)
		U8_NEXT(text, tpos, tn, c);
	*len = (size_t)tpos - *start;
	(void)c;
}

static bool
side_wanted(const tm_concordance_options *o, const char *lang)
{
	if (!o->lang || o->in == TM_IN_BOTH)
		return true;
	return tm_lang_match(o->lang, lang) == (o->in == TM_IN_SOURCE);
}

static int
add_hit(tm_hits *h, struct tm__matcher *m, const tm_concordance_options *o,
    int64_t tu_id, int64_t tuv_id, const char *text, const char *lang,
    size_t start, size_t len)
{
	tm_hit *x;
	int rc;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		tm_hit *p = tm__realloc(h->v, cap * sizeof(*p));

		if (!p)
			return tm__error_nomem();
		h->v = p;
		h->cap = cap;
	}
	x = &h->v[h->n];
	memset(x, 0, sizeof(*x));
	x->text = keep(&h->strings, text, strlen(text));
	x->lang = keep(&h->strings, lang, strlen(lang));
	x->start = start;
	x->len = len;
	x->unit_id = tu_id;
	tm__bind_int64(m->others, 1, tu_id);
	while ((rc = tm__step(m->others)) == TM__ROW) {
		const char *ol = (const char *)tm__column_text(m->others, 1);

		if (tm__column_int64(m->others, 0) == tuv_id || !ol)
			continue;
		/* The translation: another language than the hit's. */
		if (o->lang && o->in == TM_IN_SOURCE &&
		    tm_lang_match(o->lang, ol))
			continue;
		x->other = keep_col(&h->strings, m->others, 2);
		x->other_lang = keep(&h->strings, ol, strlen(ol));
		break;
	}
	tm__reset(m->others);
	tm__bind_int64(m->unit, 1, tu_id);
	if (tm__step(m->unit) == TM__ROW)
		x->tuid = keep_col(&h->strings, m->unit, 0);
	tm__reset(m->unit);
	if (!x->text || !x->lang)
		return tm__error_nomem();
	h->n++;
	return 0;
}

/* Check candidate variant `id`; add it as a hit when it holds the term. */
static int
check_hit(tm_hits *h, struct tm__matcher *m, const tm_concordance_options *o,
    int64_t id, const char *tkey, size_t tklen)
{
	tm__stmt *st = m->tuv;
	const char *lang, *key, *hit;
	char *text = NULL, *lg = NULL;
	int64_t tu_id;
	size_t start, len, klen;
	int error = 0;

	tm__bind_int64(st, 1, id);
	if (tm__step(st) != TM__ROW) {
		tm__reset(st);
		return 0;
	}
	tu_id = tm__column_int64(st, 0);
	lang = (const char *)tm__column_text(st, 1);
	if (!lang || !side_wanted(o, lang) || tm__key_column(&m->ckey, st, 2,
	    4, m->key_flags, &key, &klen) < 0 || !(hit = strstr(key, tkey))) {
		tm__reset(st);
		return 0;
	}
	hit_in_text((const char *)tm__column_text(st, 4), key,
	    (size_t)(hit - key), tklen, m->key_flags, &start, &len);
	text = tm__strdup((const char *)tm__column_text(st, 4));
	lg = tm__strdup(lang);
	tm__reset(st);
	if (!text || !lg)
		error = tm__error_nomem();
	else
		error = add_hit(h, m, o, tu_id, id, text, lg, start, len);
	free(text);
	free(lg);
	return error;
}

/* check_hit() on a variant past the index; 1 once the limit is reached. */
struct unindexed_hits {
	tm_hits *h;
	struct tm__matcher *m;
	const tm_concordance_options *o;
	const char *tkey;
	size_t tklen;
};

static int
check_unindexed(void *payload, int64_t id)
{
	struct unindexed_hits *u = payload;
	int error;

	if (u->h->n >= u->o->limit)
		return 1;
	error = check_hit(u->h, u->m, u->o, id, u->tkey, u->tklen);
	return error < 0 ? error : u->h->n >= u->o->limit;
}

/*
 * A lone CJK character is indexed only where it stands alone, so a
 * one-character term is looked for by reading the keys, newest first,
 * until enough hits are found.
 */
static int
scan_for(tm_hits *h, tm_db *db, struct tm__matcher *m,
    const tm_concordance_options *o, const char *tkey, size_t tklen)
{
	tm__stmt *st = NULL;
	struct tm__buf kb = { 0 };
	const char *key;
	size_t klen;
	int rc, error;

	/* Keys not stored are made from the text (tm__key_column). */
	if ((error = tm__prepare(db, &st, "SELECT id, key, coalesce(text, "
	    "seg) FROM tuv ORDER BY id DESC")) < 0)
		return error;
	while (!error && h->n < o->limit &&
	    (rc = tm__step(st)) == TM__ROW) {
		if ((error = tm__key_column(&kb, st, 1, 2, m->key_flags, &key,
		    &klen)) < 0 || !strstr(key, tkey))
			continue;
		error = check_hit(h, m, o, tm__column_int64(st, 0), tkey,
		    tklen);
	}
	tm__finalize(st);
	tm__buf_release(&kb);
	return error;
}

/* The primary subtags the index holds, space-separated. */
static int
index_langs(tm_db *db, struct tm__buf *out)
{
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "SELECT value FROM meta WHERE "
	    "key = 'index_langs'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW && tm__column_text(st, 0))
		error = tm__buf_adds(out, (const char *)tm__column_text(st,
		    0));
	tm__finalize(st);
	return error;
}

int
tm_concordance(tm_hits **out, tm_db *db, const char *term,
    const tm_concordance_options *o)
{
	struct tm__matcher *m;
	struct tm__buf tkey = { 0 }, langs = { 0 };
	struct tm__tokens toks = { 0 };
	struct tm__u32v grams = { 0 };
	struct counting counted = { 0 };
	struct cand *cands = NULL;
	size_t ncands = 0, i;
	tm_hits *h = NULL;
	char lk[64], *p, *save = NULL;
	bool began = false;
	int error;

	*out = NULL;
	if (!db || !term || !o || o->version != TM_CONCORDANCE_OPTIONS_VERSION ||
	    o->in < TM_IN_SOURCE || o->in > TM_IN_BOTH || !o->limit)
		return tm__error(TM_EINVAL, "concordance needs a term and a "
		    "limit above 0");
	if (tm__utf8_valid(term, strlen(term)) != strlen(term))
		return tm__error(TM_EUTF8, "the term is not valid UTF-8");
	if (o->lang && (error = tm_lang_key(lk, sizeof(lk), o->lang)) < 0)
		return error;
	if ((error = prepare_lookup(db, &m)) < 0 ||
	    (error = tm__text_key(&tkey, term, strlen(term), m->key_flags)) < 0 ||
	    (error = tm__tokenize(&toks, tm__buf_str(&tkey), tkey.len)) < 0)
		goto done;
	if (!toks.n) {
		error = tm__error(TM_EINVAL, "'%s' has no word to look for",
		    term);
		goto done;
	}
	if (!(h = tm__calloc(1, sizeof(*h)))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = begin_read(db, m, &began)) < 0)
		goto done;
	if (toks.n == 1 && toks.v[0].kind == TM__TOK_CJK) {
		error = scan_for(h, db, m, o, tkey.ptr, tkey.len);
		goto done;
	}
	/*
	 * The units past the index first: they are the newest, and hits
	 * come newest first.
	 */
	{
		struct unindexed_hits u = { h, m, o, tkey.ptr, tkey.len };

		if ((error = each_unindexed(db, m, check_unindexed, &u,
		    &h->unindexed)) < 0)
			goto done;
	}
	/* Which languages' grams to read. */
	if (o->lang && o->in == TM_IN_SOURCE)
		error = tm__buf_adds(&langs, lk);
	else
		error = index_langs(db, &langs);
	if (error)
		goto done;
	for (p = strtok_r(langs.ptr ? langs.ptr : (char *)"", " ", &save);
	    p && h->n < o->limit && !error; p = strtok_r(NULL, " ", &save)) {
		grams.n = 0;
		free(cands);
		cands = NULL;
		if ((error = tm__grams(&grams, tm__lang_salt(p), &toks,
		    true)) == 0)
			error = candidates(m, &counted, &grams, NULL,
			    o->limit * 8 + 256, true, SIZE_MAX, NULL, &cands,
			    &ncands, 0);
		uncount(m, &counted);
		if (error)
			break;
		for (i = 0; i < ncands && h->n < o->limit && !error; i++)
			if (cands[i].id <= m->indexed)
				error = check_hit(h, m, o, cands[i].id,
				    tkey.ptr, tkey.len);
	}
done:
	if (began)
		end_read(db, m, began);
	tm__buf_release(&tkey);
	tm__buf_release(&langs);
	tm__tokens_release(&toks);
	tm__u32v_release(&grams);
	free(cands);
	if (error) {
		tm_hits_free(h);
		return error;
	}
	*out = h;
	return 0;
}

uint64_t
tm_hits_unindexed(const tm_hits *h)
{
	return h ? h->unindexed : 0;
}

int
tm_hits_json(char **out, const char *term, const tm_hits *h)
{
	json_t *obj, *arr;
	size_t i;

	*out = NULL;
	if (!(obj = json_pack("{s:s}", "term", term ? term : "")) ||
	    !(arr = json_array())) {
		json_decref(obj);
		return tm__error_nomem();
	}
	json_object_set_new(obj, "hits", arr);
	if (json_object_set_new(obj, "index_behind", json_integer(
	    (json_int_t)(h ? h->unindexed : 0))) < 0) {
		json_decref(obj);
		return tm__error_nomem();
	}
	for (i = 0; h && i < h->n; i++) {
		const tm_hit *x = &h->v[i];
		json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s?, s:s?, s:I, "
		    "s:s?}", "text", x->text, "lang", x->lang, "start",
		    (json_int_t)x->start, "length", (json_int_t)x->len,
		    "other", x->other, "other_lang", x->other_lang, "unit_id",
		    (json_int_t)x->unit_id, "tuid", x->tuid);

		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(obj);
			return tm__error_nomem();
		}
	}
	*out = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	return *out ? 0 : tm__error_nomem();
}

/*
 * The scorer, for tools that score outside a lookup (the exhaustive
 * recall check in tools/bench/): the same scoring as tm_lookup.
 */
struct tm__scorer {
	struct query q;
	struct tm__tokens ct;
	struct tm__u32v cids, cmasked;
};

int
tm__scorer_new(struct tm__scorer **out, const char *query, unsigned key_flags)
{
	struct tm__scorer *sc;
	int error;

	*out = NULL;
	if (!(sc = tm__calloc(1, sizeof(*sc))))
		return tm__error_nomem();
	if ((error = query_init(&sc->q, query, key_flags)) < 0) {
		tm__scorer_free(sc);
		return error;
	}
	*out = sc;
	return 0;
}

int
tm__scorer_score(struct tm__scorer *sc, const char *ckey, const char *ctext,
    const char *seg, int min)
{
	int numbers, plain;

	sc->ct.n = 0;
	if (tm__tokenize(&sc->ct, ckey, strlen(ckey)) < 0 ||
	    token_ids(ckey, &sc->ct, &sc->cids, &sc->cmasked, NULL) < 0) {
		tm_error_clear();
		return -1;
	}
	return score_one(&sc->q, ctext, seg, min, &sc->cids, &sc->cmasked,
	    &numbers, &plain);
}

void
tm__scorer_free(struct tm__scorer *sc)
{
	if (!sc)
		return;
	query_release(&sc->q);
	tm__tokens_release(&sc->ct);
	tm__u32v_release(&sc->cids);
	tm__u32v_release(&sc->cmasked);
	free(sc);
}
