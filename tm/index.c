/*
 * index.c: the candidate index (see index.h).
 *
 * Postings are written in runs: an update collects (gram, id) pairs in a
 * bounded buffer, sorts each full buffer with a radix sort and writes it
 * as one row per gram, then merges the runs it wrote into one, so that
 * a lookup reads one list per gram per update.  Ids within a list are
 * ascending and stored as LEB128 varint differences (the first one
 * absolute).  Variants deleted later (by an update-mode import) leave
 * their ids behind; a lookup simply does not find them.
 */
#include "index.h"

/* Pairs buffered before a run is written: 2M pairs, 16 MB (+16 to sort). */
#define PAIRS_MAX (1u << 21)

static size_t
pairs_max(void)
{
#ifdef TM_DEBUG
	/* Debug builds let tests write many runs with a small memory. */
	const char *env = getenv("TM_DEBUG_PAIRS_MAX");

	if (env && *env && strtoul(env, NULL, 10) >= 64)
		return (size_t)strtoul(env, NULL, 10);
#endif
	return PAIRS_MAX;
}
/*
 * An update (after an import) that wrote more runs than this merges
 * them into one; a rebuild (tm reindex) always merges.  Merging costs
 * a second pass over the postings, so a large import leaves its runs
 * and lookups read a few more rows a gram until the next reindex.
 */
#define RUNS_KEPT 64

int
tm__u32v_push(struct tm__u32v *a, uint32_t x)
{
	int error;

	if ((error = tm__grow((void **)&a->v, &a->cap, a->n,
	    sizeof(*a->v))) < 0)
		return error;
	a->v[a->n++] = x;
	return 0;
}

void
tm__u32v_release(struct tm__u32v *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

int
tm__i64v_push(struct tm__i64v *a, int64_t x)
{
	int error;

	if ((error = tm__grow((void **)&a->v, &a->cap, a->n,
	    sizeof(*a->v))) < 0)
		return error;
	a->v[a->n++] = x;
	return 0;
}

int
tm__i64v_reserve(struct tm__i64v *a, size_t extra)
{
	size_t c;
	int64_t *p;

	if (a->cap - a->n >= extra)
		return 0;
	if (extra > SIZE_MAX / sizeof(*p) - a->n)
		return tm__error_nomem();
	c = a->n + extra;
	if (c < a->cap * 2 && a->cap * 2 <= SIZE_MAX / sizeof(*p))
		c = a->cap * 2;
	if (!(p = tm__realloc(a->v, c * sizeof(*p))))
		return tm__error_nomem();
	a->v = p;
	a->cap = c;
	return 0;
}

void
tm__i64v_release(struct tm__i64v *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

uint32_t
tm__lang_salt(const char *lang_key)
{
	size_t n = strcspn(lang_key, "-");

	return (uint32_t)tm__hash(TM__HASH_INIT, lang_key, n);
}

/* A gram: two multiply-xorshift rounds over the salt and two tokens. */
static uint32_t
gram_of(uint32_t salt, uint32_t a, uint32_t b)
{
	uint64_t x = ((uint64_t)a << 32 | b) ^ ((uint64_t)salt *
	    UINT64_C(0x9e3779b97f4a7c15));

	x ^= x >> 31;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 29;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 32;
	return (uint32_t)x;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int
tm__grams(struct tm__u32v *out, uint32_t salt, const struct tm__tokens *t,
    bool distinct)
{
	size_t i, start = out->n, k;
	int error = 0;

	for (i = 0; i < t->n && !error; i++) {
		const struct tm__token *a = &t->v[i];

		if (a->kind != TM__TOK_CJK) {
			error = tm__u32v_push(out, gram_of(salt, a->id, 0));
		} else if (i + 1 < t->n && t->v[i + 1].kind == TM__TOK_CJK) {
			error = tm__u32v_push(out, gram_of(salt, a->id,
			    t->v[i + 1].id));
		} else if (i == 0 || t->v[i - 1].kind != TM__TOK_CJK) {
			/* A CJK character on its own. */
			error = tm__u32v_push(out, gram_of(salt, a->id, 1));
		}
	}
	if (error || !distinct)
		return error;
	if (out->n - start > 1)
		qsort(out->v + start, out->n - start, sizeof(*out->v),
		    cmp_u32);
	for (i = k = start; i < out->n; i++)
		if (k == start || out->v[k - 1] != out->v[i])
			out->v[k++] = out->v[i];
	out->n = k;
	return 0;
}

uint64_t
tm__sketch(const struct tm__tokens *t, const struct tm__u32v *grams,
    size_t from)
{
	uint64_t b = 0;
	size_t i;

	for (i = from; i < grams->n; i++)
		b |= UINT64_C(1) << (grams->v[i] % TM__SKETCH_BITS);
	/* A number with the token after it: 2月 and 1日 are not 1月 2日. */
	for (i = 0; i + 1 < t->n; i++)
		if (t->v[i].kind == TM__TOK_NUMBER)
			b |= UINT64_C(1) << (gram_of(0, t->v[i].id,
			    t->v[i + 1].id) % TM__SKETCH_BITS);
	return b | (uint64_t)(t->n < 255 ? t->n : 255) << 56;
}

int
tm__whole_grams(struct tm__u32v *out, uint32_t salt,
    const struct tm__tokens *t)
{
	uint64_t h = TM__HASH_INIT, hm = TM__HASH_INIT;
	size_t i;
	int error;

	if (!t->n)
		return 0;
	for (i = 0; i < t->n; i++) {
		uint32_t id = t->v[i].id;
		uint32_t mid = t->v[i].kind == TM__TOK_NUMBER ? 0xffffffffu : id;

		h = tm__hash(h, &id, sizeof(id));
		hm = tm__hash(hm, &mid, sizeof(mid));
	}
	if ((error = tm__u32v_push(out, gram_of(salt, (uint32_t)h, 2))) < 0)
		return error;
	return tm__u32v_push(out, gram_of(salt, (uint32_t)hm, 3));
}

/*
 * Varints
 * =======
 */

static size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* Decode one varint; returns bytes used, 0 on a damaged list. */
static size_t
get_varint(const unsigned char *p, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

static int
decode(const unsigned char *p, size_t len, struct tm__i64v *out)
{
	uint64_t v, id = 0;
	size_t i = 0, k, n;
	int error;

	/* A list of len bytes holds at most len ids: room once, no checks. */
	if ((error = tm__i64v_reserve(out, len)) < 0)
		return error;
	n = out->n;
	while (i < len) {
		if (p[i] < 0x80) {	/* most gaps of a common gram */
			id += p[i++];
		} else {
			if (!(k = get_varint(p + i, len - i, &v))) {
				out->n = n;
				return tm__error(TM_EDB, "damaged index: run "
				    "'tm reindex'");
			}
			id += v;
			i += k;
		}
		out->v[n++] = (int64_t)id;
	}
	out->n = n;
	return 0;
}

/*
 * Building
 * ========
 */

struct builder {
	tm_db *db;
	uint64_t *pairs, *tmp;	/* gram << 32 | (id - base) */
	size_t n, max;
	int64_t base;		/* first id of the buffered run */
	int64_t run;		/* next run number */
	int64_t first_run;	/* the first this update wrote */
	struct tm__buf blob;
	sqlite3_stmt *ins;
	/* The block of sketches being filled, and its number (-1: none). */
	uint64_t sk[TM__SKETCH_BLOCK];
	int64_t sk_block;
	sqlite3_stmt *sk_get, *sk_put;
};

/*
 * LSD radix sort of 64-bit keys, 16 bits a pass, between `a` and `tmp`
 * in turn: four passes leave the result in `a`.
 */
static void
radix_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
	static _Thread_local size_t count[65536];
	uint64_t *from = a, *to = tmp, *t;
	size_t i, pass, sum;

	for (pass = 0; pass < 64; pass += 16) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(from[i] >> pass) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			to[count[(from[i] >> pass) & 0xffff]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
}

static int
put_list(struct builder *b, uint32_t gram, int64_t run)
{
	sqlite3_bind_int64(b->ins, 1, (sqlite3_int64)gram);
	sqlite3_bind_int64(b->ins, 2, run);
	sqlite3_bind_blob(b->ins, 3, b->blob.ptr, (int)b->blob.len,
	    SQLITE_STATIC);
	if (sqlite3_step(b->ins) != SQLITE_DONE) {
		sqlite3_reset(b->ins);
		return tm__error_sqlite(b->db->sql, "cannot write the index");
	}
	sqlite3_reset(b->ins);
	return 0;
}

static int
flush_run(struct builder *b)
{
	unsigned char vb[10];
	size_t i = 0, j;
	int error = 0;

	if (!b->n)
		return 0;
	radix_sort(b->pairs, b->tmp, b->n);
	while (i < b->n && !error) {
		uint32_t gram = (uint32_t)(b->pairs[i] >> 32);
		uint64_t prev = 0;

		tm__buf_reset(&b->blob);
		for (j = i; j < b->n && (uint32_t)(b->pairs[j] >> 32) == gram;
		    j++) {
			uint64_t id = (uint64_t)b->base + (b->pairs[j] &
			    0xffffffffu);

			if (j > i && id == prev)
				continue;
			if ((error = tm__buf_add(&b->blob, vb, put_varint(vb,
			    id - prev))) < 0)
				break;
			prev = id;
		}
		if (!error)
			error = put_list(b, gram, b->run);
		i = j;
	}
	b->n = 0;
	b->run++;
	return error;
}

/* Merge the runs this update wrote into one, gram by gram. */
static int
merge_runs(struct builder *b, bool always)
{
	sqlite3_stmt *sel = NULL, *del = NULL;
	struct tm__i64v ids = { 0 };
	unsigned char vb[10];
	int64_t merged = b->run;
	uint32_t gram = 0;
	bool have = false;
	int rc, error;
	size_t i;

	if (b->run - b->first_run <= (always ? 1 : RUNS_KEPT))
		return 0;
	if ((error = tm__prepare(b->db, &sel, "SELECT gram, ids FROM ngram "
	    "WHERE run >= ?1 AND run < ?2 ORDER BY gram, run")) < 0 ||
	    (error = tm__prepare(b->db, &del, "DELETE FROM ngram WHERE "
	    "run >= ?1 AND run < ?2")) < 0)
		goto done;
	sqlite3_bind_int64(sel, 1, b->first_run);
	sqlite3_bind_int64(sel, 2, merged);
	for (;;) {
		rc = sqlite3_step(sel);
		if (rc == SQLITE_ROW && have &&
		    (uint32_t)sqlite3_column_int64(sel, 0) == gram) {
			error = decode(sqlite3_column_blob(sel, 1),
			    (size_t)sqlite3_column_bytes(sel, 1), &ids);
			if (error)
				goto done;
			continue;
		}
		if (have) {
			uint64_t prev = 0;

			tm__buf_reset(&b->blob);
			for (i = 0; i < ids.n && !error; i++) {
				error = tm__buf_add(&b->blob, vb, put_varint(vb,
				    (uint64_t)ids.v[i] - prev));
				prev = (uint64_t)ids.v[i];
			}
			if (error || (error = put_list(b, gram, merged)) < 0)
				goto done;
		}
		if (rc != SQLITE_ROW)
			break;
		gram = (uint32_t)sqlite3_column_int64(sel, 0);
		have = true;
		ids.n = 0;
		if ((error = decode(sqlite3_column_blob(sel, 1),
		    (size_t)sqlite3_column_bytes(sel, 1), &ids)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		error = tm__error_sqlite(b->db->sql, "cannot read the index");
		goto done;
	}
	sqlite3_bind_int64(del, 1, b->first_run);
	sqlite3_bind_int64(del, 2, merged);
	if (sqlite3_step(del) != SQLITE_DONE)
		error = tm__error_sqlite(b->db->sql, "cannot merge the index");
	b->run = merged + 1;
done:
	sqlite3_finalize(sel);
	sqlite3_finalize(del);
	tm__i64v_release(&ids);
	return error;
}

static int
meta_int(tm_db *db, const char *key, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int error;

	*out = 0;
	if ((error = tm__prepare(db, &st, "SELECT value FROM meta "
	    "WHERE key = ?")) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int
set_meta_int(tm_db *db, const char *key, int64_t v)
{
	sqlite3_stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "INSERT OR REPLACE INTO meta "
	    "VALUES (?, ?)")) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = tm__error_sqlite(db->sql, "cannot record the index");
	sqlite3_finalize(st);
	return error;
}

/* Add the primary subtag of `lang_key` to the space-separated set. */
static int
add_lang(struct tm__buf *set, const char *lang_key)
{
	size_t n = strcspn(lang_key, "-");
	const char *p = tm__buf_str(set);
	int error;

	while (*p) {
		size_t k = strcspn(p, " ");

		if (k == n && strncmp(p, lang_key, n) == 0)
			return 0;
		p += k;
		p += *p == ' ';
	}
	if (set->len && (error = tm__buf_addc(set, ' ')) < 0)
		return error;
	return tm__buf_add(set, lang_key, n);
}

static int
set_meta_text(tm_db *db, const char *key, const char *v)
{
	sqlite3_stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "INSERT OR REPLACE INTO meta "
	    "VALUES (?, ?)")) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = tm__error_sqlite(db->sql, "cannot record the index");
	sqlite3_finalize(st);
	return error;
}

/*
 * Sketches are kept TM__SKETCH_BLOCK to a row, as little-endian 64-bit
 * words, so that a lookup loads them all with a few thousand reads.
 */
static void
sketch_decode(uint64_t *out, const unsigned char *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out, p, n * sizeof(*out));
#else
	size_t i, k;

	for (i = 0; i < n; i++) {
		uint64_t x = 0;

		for (k = 0; k < 8; k++)
			x |= (uint64_t)p[8 * i + k] << (8 * k);
		out[i] = x;
	}
#endif
}

static int
sketch_flush(struct builder *b)
{
	unsigned char v[8 * TM__SKETCH_BLOCK];
	size_t i, k;

	if (b->sk_block < 0)
		return 0;
	for (i = 0; i < TM__SKETCH_BLOCK; i++)
		for (k = 0; k < 8; k++)
			v[8 * i + k] = (unsigned char)(b->sk[i] >> (8 * k));
	sqlite3_bind_int64(b->sk_put, 1, b->sk_block);
	sqlite3_bind_blob(b->sk_put, 2, v, (int)sizeof(v), SQLITE_STATIC);
	if (sqlite3_step(b->sk_put) != SQLITE_DONE) {
		sqlite3_reset(b->sk_put);
		return tm__error_sqlite(b->db->sql, "cannot write the index");
	}
	sqlite3_reset(b->sk_put);
	return 0;
}

/* Record variant id's sketch, moving to (and reading) its block. */
static int
sketch_put(struct builder *b, int64_t id, uint64_t sk)
{
	int64_t block = id / TM__SKETCH_BLOCK;
	int error;

	if (block != b->sk_block) {
		if ((error = sketch_flush(b)) < 0)
			return error;
		memset(b->sk, 0, sizeof(b->sk));
		sqlite3_bind_int64(b->sk_get, 1, block);
		if (sqlite3_step(b->sk_get) == SQLITE_ROW &&
		    sqlite3_column_bytes(b->sk_get, 0) == (int)sizeof(b->sk))
			sketch_decode(b->sk, sqlite3_column_blob(b->sk_get, 0),
			    TM__SKETCH_BLOCK);
		sqlite3_reset(b->sk_get);
		b->sk_block = block;
	}
	b->sk[id % TM__SKETCH_BLOCK] = sk;
	return 0;
}

int
tm__sketches_load(tm_db *db, uint64_t **arr, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int64_t block, first = *n ? (int64_t)(*n / TM__SKETCH_BLOCK) - 1 : 0;
	size_t need;
	int rc, error;

	/* Room for them all at once: one allocation, not one a block. */
	if ((error = tm__prepare(db, &st, "SELECT max(block) FROM sketch")) < 0)
		return error;
	block = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) :
	    -1;
	sqlite3_finalize(st);
	st = NULL;
	if (block < 0 || block > INT32_MAX)
		return 0;
	need = (size_t)(block + 1) * TM__SKETCH_BLOCK;
	if (need > *n) {
		uint64_t *p = tm__realloc(*arr, need * sizeof(*p));

		if (!p)
			return tm__error_nomem();
		memset(p + *n, 0, (need - *n) * sizeof(*p));
		*arr = p;
		*n = need;
	}
	/* From the last block loaded before: it may have filled up since. */
	if ((error = tm__prepare(db, &st, "SELECT block, v FROM sketch "
	    "WHERE block >= ? ORDER BY block")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, first);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		block = sqlite3_column_int64(st, 0);
		if (block < 0 || (size_t)block >= *n / TM__SKETCH_BLOCK ||
		    sqlite3_column_bytes(st, 1) != 8 * TM__SKETCH_BLOCK)
			continue;	/* not ours: as if missing */
		sketch_decode(*arr + (size_t)block * TM__SKETCH_BLOCK,
		    sqlite3_column_blob(st, 1), TM__SKETCH_BLOCK);
	}
	if (rc != SQLITE_DONE)
		error = tm__error_sqlite(db->sql, "cannot read the index");
	sqlite3_finalize(st);
	return error;
}

/*
 * Index the variants with id > from; the caller holds a transaction.
 * With `compact`, the runs written are merged into one.
 */
static int
index_from(tm_db *db, int64_t from, bool compact)
{
	struct builder b;
	struct tm__tokens toks = { 0 };
	struct tm__u32v grams = { 0 };
	struct tm__buf langs = { 0 }, prev = { 0 };
	sqlite3_stmt *sel = NULL, *st = NULL;
	int64_t last = from, runs = 0;
	int rc, error;
	size_t i;

	memset(&b, 0, sizeof(b));
	b.db = db;
	b.sk_block = -1;
	if ((error = meta_int(db, "index_runs", &runs)) < 0)
		return error;
	/* The languages indexed so far, kept for concordance. */
	if (from > 0 && (error = tm__prepare(db, &st, "SELECT value FROM meta "
	    "WHERE key = 'index_langs'")) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			error = tm__buf_adds(&langs, (const char *)
			    sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (error)
		return error;
	b.run = b.first_run = runs;
	b.max = pairs_max();
	if (!(b.pairs = tm__malloc(b.max * sizeof(*b.pairs))) ||
	    !(b.tmp = tm__malloc(b.max * sizeof(*b.tmp)))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = tm__prepare(db, &b.ins, "INSERT INTO ngram (gram, run, "
	    "ids) VALUES (?, ?, ?)")) < 0 ||
	    (error = tm__prepare(db, &b.sk_get, "SELECT v FROM sketch "
	    "WHERE block = ?")) < 0 ||
	    (error = tm__prepare(db, &b.sk_put, "INSERT OR REPLACE INTO "
	    "sketch (block, v) VALUES (?, ?)")) < 0 ||
	    (error = tm__prepare(db, &sel, "SELECT id, lang_key, key FROM tuv "
	    "WHERE id > ? ORDER BY id")) < 0)
		goto done;
	sqlite3_bind_int64(sel, 1, from);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);
		const char *lang = (const char *)sqlite3_column_text(sel, 1);
		const char *key = (const char *)sqlite3_column_text(sel, 2);
		size_t klen = (size_t)sqlite3_column_bytes(sel, 2);

		toks.n = 0;
		grams.n = 0;
		if (lang && (prev.len == 0 || strcmp(prev.ptr, lang) != 0)) {
			tm__buf_reset(&prev);
			if ((error = tm__buf_adds(&prev, lang)) < 0 ||
			    (error = add_lang(&langs, lang)) < 0)
				goto done;
		}
		if ((error = tm__tokenize(&toks, key ? key : "", klen)) < 0 ||
		    (error = tm__grams(&grams, tm__lang_salt(lang ? lang : ""),
		    &toks, false)) < 0 ||
		    (error = sketch_put(&b, id, tm__sketch(&toks, &grams,
		    0))) < 0 ||
		    (error = tm__whole_grams(&grams, tm__lang_salt(lang ?
		    lang : ""), &toks)) < 0)
			goto done;
		if (b.n && (b.n + grams.n > b.max ||
		    id - b.base > (int64_t)0xffffffff) &&
		    (error = flush_run(&b)) < 0)
			goto done;
		if (!b.n)
			b.base = id;
		for (i = 0; i < grams.n && b.n < b.max; i++)
			b.pairs[b.n++] = (uint64_t)grams.v[i] << 32 |
			    (uint64_t)(id - b.base);
		last = id;
	}
	if (rc != SQLITE_DONE) {
		error = tm__error_sqlite(db->sql, "cannot read variants");
		goto done;
	}
	if ((error = flush_run(&b)) < 0 || (error = sketch_flush(&b)) < 0 ||
	    (error = merge_runs(&b, compact)) < 0 ||
	    (error = set_meta_int(db, "index_tuv", last)) < 0 ||
	    (error = set_meta_int(db, "index_runs", b.run)) < 0 ||
	    (error = set_meta_text(db, "index_langs", tm__buf_str(&langs))) < 0)
		goto done;
done:
	tm__buf_release(&langs);
	tm__buf_release(&prev);
	sqlite3_finalize(sel);
	sqlite3_finalize(b.ins);
	sqlite3_finalize(b.sk_get);
	sqlite3_finalize(b.sk_put);
	free(b.pairs);
	free(b.tmp);
	tm__buf_release(&b.blob);
	tm__tokens_release(&toks);
	tm__u32v_release(&grams);
	return error;
}

int
tm__index_update(tm_db *db)
{
	int64_t from = 0;
	int error;

	if ((error = tm__exec(db, "BEGIN IMMEDIATE")) < 0)
		return error;
	if ((error = meta_int(db, "index_tuv", &from)) < 0 ||
	    (error = index_from(db, from, false)) < 0 ||
	    (error = tm__exec(db, "COMMIT")) < 0) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return tm__error_prefix("cannot update the index");
	}
	return 0;
}

int
tm__index_rebuild(tm_db *db)
{
	int error;

	if ((error = tm__exec(db, "BEGIN IMMEDIATE")) < 0)
		return error;
	if ((error = tm__exec(db, "DELETE FROM ngram; DELETE FROM sketch")) < 0 ||
	    (error = set_meta_int(db, "index_runs", 0)) < 0 ||
	    (error = index_from(db, 0, true)) < 0 ||
	    (error = tm__exec(db, "COMMIT")) < 0) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return tm__error_prefix("cannot rebuild the index");
	}
	return 0;
}

/*
 * Reading
 * =======
 */

struct tm__postings {
	tm_db *db;
	sqlite3_stmt *sel, *size;
};

int
tm__postings_open(struct tm__postings **out, tm_db *db)
{
	struct tm__postings *p;
	int error;

	*out = NULL;
	if (!(p = tm__calloc(1, sizeof(*p))))
		return tm__error_nomem();
	p->db = db;
	if ((error = tm__prepare(db, &p->sel, "SELECT ids FROM ngram "
	    "WHERE gram = ? ORDER BY run")) < 0 ||
	    (error = tm__prepare(db, &p->size, "SELECT sum(length(ids)) "
	    "FROM ngram WHERE gram = ?")) < 0) {
		tm__postings_close(p);
		return error;
	}
	*out = p;
	return 0;
}

void
tm__postings_close(struct tm__postings *p)
{
	if (!p)
		return;
	sqlite3_finalize(p->sel);
	sqlite3_finalize(p->size);
	free(p);
}

int
tm__postings_size(struct tm__postings *p, uint32_t gram, size_t *bytes)
{
	int rc;

	*bytes = 0;
	sqlite3_bind_int64(p->size, 1, (sqlite3_int64)gram);
	rc = sqlite3_step(p->size);
	if (rc == SQLITE_ROW)
		*bytes = (size_t)sqlite3_column_int64(p->size, 0);
	sqlite3_reset(p->size);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tm__error_sqlite(p->db->sql, "cannot read the index");
	return 0;
}

int
tm__postings_read(struct tm__postings *p, uint32_t gram, struct tm__i64v *out)
{
	int rc, error = 0;

	sqlite3_bind_int64(p->sel, 1, (sqlite3_int64)gram);
	while ((rc = sqlite3_step(p->sel)) == SQLITE_ROW && !error)
		error = decode(sqlite3_column_blob(p->sel, 0),
		    (size_t)sqlite3_column_bytes(p->sel, 0), out);
	sqlite3_reset(p->sel);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = tm__error_sqlite(p->db->sql, "cannot read the index");
	return error;
}
