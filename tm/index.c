/*
 * index.c: the candidate index (see index.h).
 *
 * Postings are written in runs, one per update: an update collects
 * (gram, id) pairs in a bounded buffer and sorts it with a radix sort.
 * When everything fits, the buffer is written as one row per gram.  When
 * it does not, each full buffer is written sorted to a temporary file,
 * and at the end the file's runs are merged gram by gram into one row a
 * gram: the B-tree then takes its rows once, in order, instead of once
 * a buffer at places spread over the whole tree (at a million units,
 * writing 28 buffers straight into SQLite took 7.6 s of the index's
 * 10.4 s; spilled and merged, the whole index takes about 7).  A lookup
 * reads one list per gram per update.  Ids within a list are ascending
 * and stored as LEB128 varint differences (the first one of each row
 * absolute: a long list is split into rows, see put_list).  Variants
 * deleted later (by an update-mode import) leave their ids behind; a
 * lookup simply does not find them.
 */
#include "index.h"

#include <errno.h>
#include <unistd.h>

/* Pairs buffered before a run is written: 1M pairs, 8 MB (+8 to sort). */
#define PAIRS_MAX (1u << 20)

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
 * The most bytes of a list in one row: with 16 KiB pages, a record of
 * up to about 4,080 bytes stays on its page.
 */
#define CHUNK 3968

/* Bytes of the temporary file buffered before a write(2). */
#define SPILL_CHUNK (1u << 20)
/* Read buffers of the runs being merged: this much in all, shared. */
#define SPILL_READ (8u << 20)

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
 * Count one encoded list (see tm__postings_count): decoded and counted
 * in the same pass, so that a long list is never written out as ids
 * only to be read back.
 */
static int
count_list(const unsigned char *p, size_t len, uint8_t *counts,
    int64_t ncounts, struct tm__i64v *touched)
{
	uint64_t v, id = 0, top = (uint64_t)ncounts - 1;
	size_t i = 0, k, n;
	int64_t *tv;
	unsigned c;
	int error;

	if (ncounts <= 0)
		return 0;
	/* A list of len bytes holds at most len ids: room once. */
	if ((error = tm__i64v_reserve(touched, len)) < 0)
		return error;
	tv = touched->v;
	n = touched->n;
	while (i < len) {
		if (p[i] < 0x80) {	/* most gaps of a common gram */
			id += p[i++];
		} else {
			if (!(k = get_varint(p + i, len - i, &v))) {
				touched->n = n;
				return tm__error(TM_EDB, "damaged index: run "
				    "'tm reindex'");
			}
			id += v;
			i += k;
		}
		/* Ids from 1 to ncounts - 1 (newer ones are not counted). */
		if (id - 1 >= top || (c = counts[id]) == 255)
			continue;
		counts[id] = (uint8_t)(c + 1);
		/* Appended always, kept when new: no branch to mispredict. */
		tv[n] = (int64_t)id;
		n += !c;
	}
	touched->n = n;
	return 0;
}

/*
 * Building
 * ========
 */

struct builder {
	tm_db *db;
	uint64_t *pairs, *tmp;	/* gram << 32 | (id - base) */
	size_t *count;		/* the radix sort's 65,536 counters */
	size_t n, max;
	int64_t base;		/* first id of the buffered run */
	int64_t run;		/* next run number */
	struct tm__buf blob, chunk;
	/*
	 * Full buffers spilled to a temporary file (unlinked at once):
	 * each run a sequence of records, gram ascending, of varints
	 * (gram - previous gram, first id, last id, n) and n bytes, the
	 * list's gaps after the first id.
	 */
	int spill_fd;		/* -1: nothing spilled */
	uint64_t spill_len;
	struct tm__buf out;	/* bytes not yet written */
	uint64_t *spill_ends;	/* where each spilled run ends */
	uint32_t spill_gram;	/* the previous record's gram */
	size_t nspill, spill_cap;
	sqlite3_stmt *ins;
	/* The block of sketches being filled, and its number (-1: none). */
	uint64_t sk[TM__SKETCH_BLOCK];
	int64_t sk_block;
	sqlite3_stmt *sk_get, *sk_put;
};

/*
 * LSD radix sort of 64-bit keys, 16 bits a pass, between `a` and `tmp`
 * in turn: four passes leave the result in `a`.  `count` has 65,536
 * elements; the build allocates it with its buffers rather than keep a
 * 512 KiB array in every thread of a host process.
 */
static void
radix_sort(uint64_t *a, uint64_t *tmp, size_t *count, size_t n)
{
	uint64_t *from = a, *to = tmp, *t;
	size_t i, pass, sum;

	for (pass = 0; pass < 64; pass += 16) {
		memset(count, 0, 65536 * sizeof(*count));
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
put_row(struct builder *b, uint32_t gram, int64_t row, const void *p,
    size_t n)
{
	sqlite3_bind_int64(b->ins, 1, (sqlite3_int64)gram);
	sqlite3_bind_int64(b->ins, 2, row);
	sqlite3_bind_blob(b->ins, 3, p, (int)n, SQLITE_STATIC);
	if (sqlite3_step(b->ins) != SQLITE_DONE) {
		sqlite3_reset(b->ins);
		return tm__error_sqlite(b->db->sql, "cannot write the index");
	}
	sqlite3_reset(b->ins);
	return 0;
}

/*
 * Write b->blob, gram's list of this run, as rows of at most CHUNK
 * bytes, each starting with its first id in full: a record larger than
 * a page's local payload would spill to overflow pages, and SQLite
 * reads all of it back for every comparison that meets it in the
 * B-tree, on writing and on every seek.
 */
static int
put_list(struct builder *b, uint32_t gram, int64_t run)
{
	const unsigned char *p = (const unsigned char *)b->blob.ptr;
	unsigned char vb[10];
	int64_t row = run << TM__RUN_SHIFT;
	uint64_t v, id = 0;
	size_t i = 0, k;
	int error;

	if (b->blob.len <= CHUNK)
		return put_row(b, gram, row, p, b->blob.len);
	tm__buf_reset(&b->chunk);
	while (i < b->blob.len) {
		if (!(k = get_varint(p + i, b->blob.len - i, &v)))
			return tm__error(TM_ERROR, "a damaged list was built");
		i += k;
		id += v;
		if ((error = tm__buf_add(&b->chunk, vb, put_varint(vb,
		    b->chunk.len ? v : id))) < 0)
			return error;
		if (b->chunk.len > CHUNK - 10 || i == b->blob.len) {
			if ((error = put_row(b, gram, row++, b->chunk.ptr,
			    b->chunk.len)) < 0)
				return error;
			tm__buf_reset(&b->chunk);
		}
	}
	return 0;
}

/*
 * The sorted buffer, a gram at a time: fn(b, gram, first, last, arg)
 * with b->blob holding the list's ids after the first as varint gaps.
 */
static int
each_list(struct builder *b, int (*fn)(struct builder *, uint32_t,
    uint64_t, uint64_t))
{
	unsigned char vb[10];
	size_t i = 0, j;
	int error = 0;

	while (i < b->n && !error) {
		uint32_t gram = (uint32_t)(b->pairs[i] >> 32);
		uint64_t first = (uint64_t)b->base + (b->pairs[i] & 0xffffffffu);
		uint64_t prev = first;

		tm__buf_reset(&b->blob);
		for (j = i + 1; j < b->n && (uint32_t)(b->pairs[j] >> 32) ==
		    gram; j++) {
			uint64_t id = (uint64_t)b->base + (b->pairs[j] &
			    0xffffffffu);

			if (id == prev)
				continue;
			if ((error = tm__buf_add(&b->blob, vb, put_varint(vb,
			    id - prev))) < 0)
				break;
			prev = id;
		}
		if (!error)
			error = fn(b, gram, first, prev);
		i = j;
	}
	return error;
}

/* A list straight into table ngram: the first id absolute, then gaps. */
static int
put_direct(struct builder *b, uint32_t gram, uint64_t first, uint64_t last)
{
	unsigned char vb[10];
	size_t n = put_varint(vb, first);
	int error;

	(void)last;
	if ((error = tm__buf_grow(&b->blob, n)) < 0)
		return error;
	memmove(b->blob.ptr + n, b->blob.ptr, b->blob.len);
	memcpy(b->blob.ptr, vb, n);
	b->blob.len += n;
	return put_list(b, gram, b->run);
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return tm__error(TM_EIO, "cannot write the index's "
			    "temporary file: %s", k < 0 ? strerror(errno) :
			    "short write");
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
spill_drain(struct builder *b)
{
	int error;

	if (!b->out.len)
		return 0;
	if ((error = write_all(b->spill_fd, (unsigned char *)b->out.ptr,
	    b->out.len)) < 0)
		return error;
	b->spill_len += b->out.len;
	tm__buf_reset(&b->out);
	return 0;
}

static int
put_spilled(struct builder *b, uint32_t gram, uint64_t first, uint64_t last)
{
	unsigned char vb[40];
	size_t n;
	int error;

	n = put_varint(vb, gram - b->spill_gram);
	n += put_varint(vb + n, first);
	n += put_varint(vb + n, last);
	n += put_varint(vb + n, b->blob.len);
	b->spill_gram = gram;
	if ((error = tm__buf_add(&b->out, vb, n)) < 0 ||
	    (error = tm__buf_add(&b->out, b->blob.ptr, b->blob.len)) < 0)
		return error;
	return b->out.len >= SPILL_CHUNK ? spill_drain(b) : 0;
}

static int
spill_open(struct builder *b)
{
	const char *dir = getenv("TMPDIR");
	struct tm__buf path = { 0 };
	int error;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((error = tm__buf_printf(&path, "%s/tm-index-XXXXXX", dir)) < 0)
		return error;
	if ((b->spill_fd = mkstemp(path.ptr)) < 0)
		error = tm__error(TM_EIO, "cannot create a temporary file in "
		    "%s for the index: %s", dir, strerror(errno));
	else
		unlink(path.ptr);	/* gone with the process, come what may */
	tm__buf_release(&path);
	return error;
}

/* Sort the buffer and write it to the temporary file as one run. */
static int
spill_run(struct builder *b)
{
	uint64_t *ends;
	int error;

	if (!b->n)
		return 0;
	if (b->spill_fd < 0 && (error = spill_open(b)) < 0)
		return error;
	if (b->nspill == b->spill_cap) {
		size_t cap = b->spill_cap ? 2 * b->spill_cap : 16;

		if (!(ends = tm__realloc(b->spill_ends, cap * sizeof(*ends))))
			return tm__error_nomem();
		b->spill_ends = ends;
		b->spill_cap = cap;
	}
	radix_sort(b->pairs, b->tmp, b->count, b->n);
	b->spill_gram = 0;
	if ((error = each_list(b, put_spilled)) < 0 ||
	    (error = spill_drain(b)) < 0)
		return error;
	b->spill_ends[b->nspill++] = b->spill_len;
	b->n = 0;
	return 0;
}

/* One spilled run being read back. */
struct srun {
	int fd;
	unsigned char *buf;
	size_t cap, have;	/* buf holds the file's bytes [base, base+have) */
	uint64_t base, cur, end;	/* cur: next byte to decode */
	uint32_t gram;
	uint64_t first, last, n;
};

/* At least `need` bytes from cur in the buffer (fewer at the run's end). */
static int
srun_fill(struct srun *r, size_t need)
{
	size_t keep;

	if (r->base + r->have - r->cur >= need)
		return 0;
	keep = (size_t)(r->base + r->have - r->cur);
	memmove(r->buf, r->buf + (r->cur - r->base), keep);
	r->base = r->cur;
	r->have = keep;
	while (r->have < r->cap && r->base + r->have < r->end) {
		size_t want = r->cap - r->have;
		ssize_t k;

		if (want > r->end - (r->base + r->have))
			want = (size_t)(r->end - (r->base + r->have));
		k = pread(r->fd, r->buf + r->have, want,
		    (off_t)(r->base + r->have));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return tm__error(TM_EIO, "cannot read the index's "
			    "temporary file: %s", k < 0 ? strerror(errno) :
			    "short read");
		r->have += (size_t)k;
	}
	return 0;
}

static int
srun_varint(struct srun *r, uint64_t *v)
{
	size_t k;
	int error;

	if ((error = srun_fill(r, 10)) < 0)
		return error;
	if (!(k = get_varint(r->buf + (r->cur - r->base),
	    (size_t)(r->base + r->have - r->cur), v)))
		return tm__error(TM_EIO, "the index's temporary file is "
		    "damaged");
	r->cur += k;
	return 0;
}

/* The next record's header; *more false at the run's end. */
static int
srun_next(struct srun *r, bool *more)
{
	uint64_t d;
	int error;

	if (!(*more = r->cur < r->end))
		return 0;
	if ((error = srun_varint(r, &d)) < 0 ||
	    (error = srun_varint(r, &r->first)) < 0 ||
	    (error = srun_varint(r, &r->last)) < 0 ||
	    (error = srun_varint(r, &r->n)) < 0)
		return error;
	if (d > UINT32_MAX - r->gram || r->n > r->end - r->cur)
		return tm__error(TM_EIO, "the index's temporary file is "
		    "damaged");
	r->gram += (uint32_t)d;
	return 0;
}

/* Append the record's n bytes of gaps to `out`. */
static int
srun_take(struct srun *r, struct tm__buf *out)
{
	size_t inbuf = (size_t)(r->base + r->have - r->cur), n;
	int error;

	if ((error = tm__buf_grow(out, (size_t)r->n)) < 0)
		return error;
	n = (size_t)r->n < inbuf ? (size_t)r->n : inbuf;
	memcpy(out->ptr + out->len, r->buf + (r->cur - r->base), n);
	out->len += n;
	r->cur += n;
	while (n < r->n) {	/* a list longer than the buffer */
		ssize_t k = pread(r->fd, out->ptr + out->len, (size_t)r->n - n,
		    (off_t)r->cur);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return tm__error(TM_EIO, "cannot read the index's "
			    "temporary file: %s", k < 0 ? strerror(errno) :
			    "short read");
		out->len += (size_t)k;
		r->cur += (uint64_t)k;
		n += (size_t)k;
	}
	if (r->cur > r->base + r->have) {
		r->base = r->cur;
		r->have = 0;
	}
	return 0;
}

/* Heap order: gram, then run (the runs' ids ascend with the run). */
static bool
srun_before(const struct srun *r, size_t a, size_t b)
{
	return r[a].gram < r[b].gram || (r[a].gram == r[b].gram && a < b);
}

static void
heap_down(size_t *h, size_t n, size_t i, const struct srun *r)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < n && srun_before(r, h[l], h[m]))
			m = l;
		if (l + 1 < n && srun_before(r, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Merge the spilled runs into one run of table ngram: a gram's lists
 * come from the runs in order, so they join into one ascending list;
 * only each list's first id is rewritten, as a gap from the previous
 * list's last.
 */
static int
merge_spilled(struct builder *b)
{
	struct srun *r = NULL;
	size_t *heap = NULL, nh = 0, i, cap;
	unsigned char vb[10];
	int error = 0;
	bool more;

	cap = SPILL_READ / b->nspill;
	if (cap < 4096)
		cap = 4096;
	if (cap > (1u << 20))
		cap = 1u << 20;
#ifdef TM_DEBUG
	/* Debug builds let tests read lists longer than the buffer. */
	if (getenv("TM_DEBUG_SPILL_READ") &&
	    strtoul(getenv("TM_DEBUG_SPILL_READ"), NULL, 10) >= 16)
		cap = (size_t)strtoul(getenv("TM_DEBUG_SPILL_READ"), NULL, 10);
#endif
	if (!(r = tm__calloc(b->nspill, sizeof(*r))) ||
	    !(heap = tm__calloc(b->nspill, sizeof(*heap)))) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < b->nspill; i++) {
		r[i].fd = b->spill_fd;
		r[i].cap = cap;
		r[i].base = r[i].cur = i ? b->spill_ends[i - 1] : 0;
		r[i].end = b->spill_ends[i];
		if (!(r[i].buf = tm__malloc(cap))) {
			error = tm__error_nomem();
			goto done;
		}
		if ((error = srun_next(&r[i], &more)) < 0)
			goto done;
		if (more)
			heap[nh++] = i;
	}
	for (i = nh; i-- > 0;)
		heap_down(heap, nh, i, r);
	while (nh && !error) {
		uint32_t gram = r[heap[0]].gram;
		uint64_t prev = 0;

		tm__buf_reset(&b->blob);
		while (nh && r[heap[0]].gram == gram) {
			struct srun *t = &r[heap[0]];

			if (t->first < prev || (prev && t->first == prev)) {
				error = tm__error(TM_EIO, "the index's "
				    "temporary file is damaged");
				goto done;
			}
			if ((error = tm__buf_add(&b->blob, vb, put_varint(vb,
			    t->first - prev))) < 0 ||
			    (error = srun_take(t, &b->blob)) < 0)
				goto done;
			prev = t->last;
			if ((error = srun_next(t, &more)) < 0)
				goto done;
			if (!more)
				heap[0] = heap[--nh];
			heap_down(heap, nh, 0, r);
		}
		error = put_list(b, gram, b->run);
	}
done:
	if (r)
		for (i = 0; i < b->nspill; i++)
			free(r[i].buf);
	free(r);
	free(heap);
	return error;
}

/*
 * The update's last pairs: its one run goes into table ngram, straight
 * from the buffer when nothing was spilled, else merged from the file.
 */
static int
finish_run(struct builder *b)
{
	int error;

	if (b->spill_fd < 0) {
		if (!b->n)
			return 0;
		radix_sort(b->pairs, b->tmp, b->count, b->n);
		error = each_list(b, put_direct);
		b->n = 0;
	} else if ((error = spill_run(b)) == 0) {
		error = merge_spilled(b);
	}
	if (!error)
		b->run++;
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

int
tm__key_flags(tm_db *db, unsigned *out)
{
	sqlite3_stmt *st = NULL;
	int error;

	/* Folding is the default: only an explicit 0 turns it off. */
	*out = TM__KEY_TRAD_TO_SIMP;
	if ((error = tm__prepare(db, &st, "SELECT value FROM meta WHERE key = "
	    "'fold_traditional'")) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    !sqlite3_column_int(st, 0))
		*out = 0;
	sqlite3_finalize(st);
	return 0;
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
 */
static int
index_from(tm_db *db, int64_t from)
{
	struct builder b;
	struct tm__tokens toks = { 0 };
	struct tm__u32v grams = { 0 };
	struct tm__buf langs = { 0 }, prev = { 0 }, kb = { 0 };
	sqlite3_stmt *sel = NULL, *st = NULL;
	int64_t last = from, runs = 0;
	unsigned flags;
	int rc, error;
	size_t i;

	memset(&b, 0, sizeof(b));
	b.db = db;
	b.sk_block = -1;
	if ((error = meta_int(db, "index_runs", &runs)) < 0 ||
	    (error = tm__key_flags(db, &flags)) < 0)
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
	b.run = runs;
	b.spill_fd = -1;
	b.max = pairs_max();
	if (!(b.pairs = tm__malloc(b.max * sizeof(*b.pairs))) ||
	    !(b.tmp = tm__malloc(b.max * sizeof(*b.tmp))) ||
	    !(b.count = tm__malloc(65536 * sizeof(*b.count)))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = tm__prepare(db, &b.ins, "INSERT INTO ngram (gram, run, "
	    "ids) VALUES (?, ?, ?)")) < 0 ||
	    (error = tm__prepare(db, &b.sk_get, "SELECT v FROM sketch "
	    "WHERE block = ?")) < 0 ||
	    (error = tm__prepare(db, &b.sk_put, "INSERT OR REPLACE INTO "
	    "sketch (block, v) VALUES (?, ?)")) < 0 ||
	    (error = tm__prepare(db, &sel, "SELECT id, lang_key, key, "
	    "coalesce(text, seg) FROM tuv WHERE id > ? ORDER BY id")) < 0)
		goto done;
	sqlite3_bind_int64(sel, 1, from);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);
		const char *lang = (const char *)sqlite3_column_text(sel, 1);
		const char *key;
		size_t klen;

		if ((error = tm__key_column(&kb, sel, 2, 3, flags, &key,
		    &klen)) < 0)
			goto done;
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
		    (error = spill_run(&b)) < 0)
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
	if ((error = finish_run(&b)) < 0 || (error = sketch_flush(&b)) < 0 ||
	    (error = set_meta_int(db, "index_tuv", last)) < 0 ||
	    (error = set_meta_int(db, "index_runs", b.run)) < 0 ||
	    (error = set_meta_text(db, "index_langs", tm__buf_str(&langs))) < 0)
		goto done;
done:
	tm__buf_release(&langs);
	tm__buf_release(&prev);
	tm__buf_release(&kb);
	sqlite3_finalize(sel);
	sqlite3_finalize(b.ins);
	sqlite3_finalize(b.sk_get);
	sqlite3_finalize(b.sk_put);
	free(b.pairs);
	free(b.tmp);
	free(b.count);
	tm__buf_release(&b.blob);
	tm__buf_release(&b.chunk);
	tm__buf_release(&b.out);
	free(b.spill_ends);
	if (b.spill_fd >= 0)
		close(b.spill_fd);
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
	    (error = index_from(db, from)) < 0 ||
	    (error = tm__exec(db, "COMMIT")) < 0) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return tm__error_prefix("cannot update the index");
	}
	return 0;
}

int
tm__index_behind(tm_db *db, uint64_t *units)
{
	sqlite3_stmt *st = NULL;
	int error;

	*units = 0;
	if ((error = tm__prepare(db, &st, "SELECT count(DISTINCT tu_id) "
	    "FROM tuv WHERE id > coalesce((SELECT CAST(value AS INTEGER) "
	    "FROM meta WHERE key = 'index_tuv'), 0)")) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW)
		*units = (uint64_t)sqlite3_column_int64(st, 0);
	else
		error = tm__error_sqlite(db->sql, "cannot read the index");
	sqlite3_finalize(st);
	return error;
}

int
tm_index_catch_up(tm_db *db)
{
	uint64_t behind = 0;
	int error;

	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "cannot update the index: the "
		    "database is open read-only");
	/* Up to date: no write, no write lock. */
	if ((error = tm__index_behind(db, &behind)) < 0 || !behind)
		return error;
	return tm__index_update(db);
}

int
tm__index_rebuild_tx(tm_db *db)
{
	int error;

	if ((error = tm__exec(db, "DELETE FROM ngram; DELETE FROM sketch")) < 0 ||
	    (error = set_meta_int(db, "index_runs", 0)) < 0)
		return error;
	return index_from(db, 0);
}

int
tm__index_rebuild(tm_db *db)
{
	int error;

	if ((error = tm__exec(db, "BEGIN IMMEDIATE")) < 0)
		return error;
	if ((error = tm__index_rebuild_tx(db)) < 0 ||
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

/*
 * The sizes of long lists are kept between lookups: SQLite copies every
 * row it hands out, so that sizing a common gram's list (hundreds of
 * rows) costs as much as reading it, and common grams come back in
 * query after query.  Only lists of more than one row are kept (a short
 * one costs a single seek): some thousand grams on a million units.  An
 * open-addressing table, emptied when half full and whenever the index
 * may have changed (tm__postings_forget).
 */
#define SIZES 4096		/* slots, a power of two */

struct size_slot {
	uint32_t gram;
	uint32_t used;		/* 0: free */
	size_t bytes;
};

struct tm__postings {
	tm_db *db;
	sqlite3_stmt *sel, *size;
	struct size_slot *sizes;	/* SIZES slots, or NULL */
	size_t nsizes;
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
	free(p->sizes);
	free(p);
}

void
tm__postings_forget(struct tm__postings *p)
{
	if (p && p->nsizes) {
		memset(p->sizes, 0, SIZES * sizeof(*p->sizes));
		p->nsizes = 0;
	}
}

/* The slot of `gram`: its own, or the free one where it would go. */
static struct size_slot *
size_slot(struct tm__postings *p, uint32_t gram)
{
	/* Grams are hashes already: their low bits spread well. */
	size_t i = gram & (SIZES - 1);

	while (p->sizes[i].used && p->sizes[i].gram != gram)
		i = (i + 1) & (SIZES - 1);
	return &p->sizes[i];
}

int
tm__postings_size(struct tm__postings *p, uint32_t gram, size_t *bytes)
{
	struct size_slot *s;
	int rc;

	*bytes = 0;
	if (!p->sizes && !(p->sizes = tm__calloc(SIZES, sizeof(*p->sizes))))
		return tm__error_nomem();
	s = size_slot(p, gram);
	if (s->used) {
		*bytes = s->bytes;
		return 0;
	}
	sqlite3_bind_int64(p->size, 1, (sqlite3_int64)gram);
	rc = sqlite3_step(p->size);
	if (rc == SQLITE_ROW)
		*bytes = (size_t)sqlite3_column_int64(p->size, 0);
	sqlite3_reset(p->size);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tm__error_sqlite(p->db->sql, "cannot read the index");
	/* Kept when more than a row. */
	if (*bytes > CHUNK) {
		if (p->nsizes >= SIZES / 2) {
			tm__postings_forget(p);
			s = size_slot(p, gram);
		}
		s->gram = gram;
		s->used = 1;
		s->bytes = *bytes;
		p->nsizes++;
	}
	return 0;
}

int
tm__postings_count(struct tm__postings *p, uint32_t gram, uint8_t *counts,
    int64_t ncounts, struct tm__i64v *touched)
{
	int rc, error = 0;

	sqlite3_bind_int64(p->sel, 1, (sqlite3_int64)gram);
	while ((rc = sqlite3_step(p->sel)) == SQLITE_ROW && !error)
		error = count_list(sqlite3_column_blob(p->sel, 0),
		    (size_t)sqlite3_column_bytes(p->sel, 0), counts, ncounts,
		    touched);
	sqlite3_reset(p->sel);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = tm__error_sqlite(p->db->sql, "cannot read the index");
	return error;
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
