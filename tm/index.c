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
#include <pthread.h>
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
	tm__stmt *ins;
	/* The block of sketches being filled, and its number (-1: none). */
	uint64_t sk[TM__SKETCH_BLOCK];
	int64_t sk_block;
	tm__stmt *sk_get, *sk_put;
	/*
	 * Building ahead of the database (struct tm__prebuild): sketches
	 * go to a temporary file of (id, sketch) records instead, -1 when
	 * not; sk_out holds the bytes not yet written.
	 */
	int sk_fd;
	struct tm__buf sk_out;
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
	tm__bind_int64(b->ins, 1, (int64_t)gram);
	tm__bind_int64(b->ins, 2, row);
	tm__bind_blob(b->ins, 3, p, (int)n);
	if (tm__step(b->ins) != TM__DONE) {
		tm__reset(b->ins);
		return tm__error_db(b->db, "cannot write the index");
	}
	tm__reset(b->ins);
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
	tm__stmt *st = NULL;
	int error;

	*out = 0;
	if ((error = tm__prepare(db, &st, "SELECT value FROM meta "
	    "WHERE key = ?")) < 0)
		return error;
	tm__bind_text(st, 1, key, -1);
	if (tm__step(st) == TM__ROW)
		*out = tm__column_int64(st, 0);
	tm__finalize(st);
	return 0;
}

static int
set_meta_int(tm_db *db, const char *key, int64_t v)
{
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "INSERT INTO meta "
	    "VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value")) < 0)
		return error;
	tm__bind_text(st, 1, key, -1);
	tm__bind_int64(st, 2, v);
	if (tm__step(st) != TM__DONE)
		error = tm__error_db(db, "cannot record the index");
	tm__finalize(st);
	return error;
}

int
tm__key_flags(tm_db *db, unsigned *out)
{
	tm__stmt *st = NULL;
	int error;

	/* Folding is the default: only an explicit 0 turns it off. */
	*out = TM__KEY_TRAD_TO_SIMP;
	if ((error = tm__prepare(db, &st, "SELECT value FROM meta WHERE key = "
	    "'fold_traditional'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW &&
	    tm__column_type(st, 0) != TM__NULL &&
	    !tm__column_int(st, 0))
		*out = 0;
	tm__finalize(st);
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
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "INSERT INTO meta "
	    "VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value")) < 0)
		return error;
	tm__bind_text(st, 1, key, -1);
	tm__bind_text(st, 2, v, -1);
	if (tm__step(st) != TM__DONE)
		error = tm__error_db(db, "cannot record the index");
	tm__finalize(st);
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
	tm__bind_int64(b->sk_put, 1, b->sk_block);
	tm__bind_blob(b->sk_put, 2, v, (int)sizeof(v));
	if (tm__step(b->sk_put) != TM__DONE) {
		tm__reset(b->sk_put);
		return tm__error_db(b->db, "cannot write the index");
	}
	tm__reset(b->sk_put);
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
		tm__bind_int64(b->sk_get, 1, block);
		if (tm__step(b->sk_get) == TM__ROW &&
		    tm__column_bytes(b->sk_get, 0) == (int)sizeof(b->sk))
			sketch_decode(b->sk, tm__column_blob(b->sk_get, 0),
			    TM__SKETCH_BLOCK);
		tm__reset(b->sk_get);
		b->sk_block = block;
	}
	b->sk[id % TM__SKETCH_BLOCK] = sk;
	return 0;
}

int
tm__sketches_load(tm_db *db, uint64_t **arr, size_t *n)
{
	tm__stmt *st = NULL;
	int64_t block, first = *n ? (int64_t)(*n / TM__SKETCH_BLOCK) - 1 : 0;
	size_t need;
	int rc, error;

	/* Room for them all at once: one allocation, not one a block. */
	if ((error = tm__prepare(db, &st, "SELECT max(block) FROM sketch")) < 0)
		return error;
	block = tm__step(st) == TM__ROW ? tm__column_int64(st, 0) :
	    -1;
	tm__finalize(st);
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
	tm__bind_int64(st, 1, first);
	while ((rc = tm__step(st)) == TM__ROW) {
		block = tm__column_int64(st, 0);
		if (block < 0 || (size_t)block >= *n / TM__SKETCH_BLOCK ||
		    tm__column_bytes(st, 1) != 8 * TM__SKETCH_BLOCK)
			continue;	/* not ours: as if missing */
		sketch_decode(*arr + (size_t)block * TM__SKETCH_BLOCK,
		    tm__column_blob(st, 1), TM__SKETCH_BLOCK);
	}
	if (rc != TM__DONE)
		error = tm__error_db(db, "cannot read the index");
	tm__finalize(st);
	return error;
}

/*
 * Grams on a second thread
 * ========================
 *
 * Making a variant's grams (its key, when not stored, then tokens, grams
 * and sketch) is about half of an index update's work; reading the rows,
 * sorting the pairs and writing the lists is the other half, and needs
 * the database handle.  A long update therefore reads rows into a batch
 * on the caller's thread and hands it to a gram thread, which makes the
 * grams of one batch while the caller files those of the one before:
 * two batches in turn, one with each thread.  The gram thread touches
 * only its batch; the handle stays with the caller.  A short update (one
 * batch) makes its grams on the caller's thread, without a thread.
 */

/* Rows a batch holds, and the text bytes after which it is full. */
#define GBATCH_ROWS 2048
#define GBATCH_BYTES (1u << 20)

static size_t
gbatch_rows(void)
{
#ifdef TM_DEBUG
	/* Debug builds let tests take small files through the thread. */
	const char *env = getenv("TM_DEBUG_GBATCH_ROWS");

	if (env && *env && strtoul(env, NULL, 10) >= 1 &&
	    strtoul(env, NULL, 10) <= GBATCH_ROWS)
		return (size_t)strtoul(env, NULL, 10);
#endif
	return GBATCH_ROWS;
}

struct gbatch {
	size_t n;
	int64_t id[GBATCH_ROWS];
	uint32_t salt[GBATCH_ROWS];
	size_t off[GBATCH_ROWS], len[GBATCH_ROWS];
	bool keyed[GBATCH_ROWS];	/* the text is the stored key */
	struct tm__buf text;
	/* Made of them: each row's sketch and grams[gend[i-1]..gend[i]). */
	uint64_t sketch[GBATCH_ROWS];
	size_t gend[GBATCH_ROWS];
	struct tm__u32v grams;
	int error;		/* the first failure, and its message */
	char *errmsg;
};

struct gworker {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct gbatch *job;	/* handed over and not yet done */
	bool quit;
	unsigned flags;
	struct tm__tokens toks;
	struct tm__buf kb;
	/* What the thread does with a batch: makes its grams, by default. */
	void (*run)(struct gbatch *g, struct gworker *w);
	void *arg;		/* run's own state */
};

static void
gbatch_free(struct gbatch *g)
{
	if (!g)
		return;
	tm__buf_release(&g->text);
	tm__u32v_release(&g->grams);
	free(g->errmsg);
	free(g);
}

static void
gbatch_fail(struct gbatch *g, int error)
{
	const tm_error *e = tm_error_last();

	g->error = error;
	g->errmsg = tm__strdup(e && e->message ? e->message :
	    "cannot index a variant");
}

/* The grams and sketch of every row of g. */
static void
gbatch_grams(struct gbatch *g, struct gworker *w)
{
	size_t i;
	int error = 0;

	g->grams.n = 0;
	for (i = 0; i < g->n && !error; i++) {
		const char *text = g->text.ptr + g->off[i], *key = text;
		size_t klen = g->len[i], from;

		if (!g->keyed[i] && (error = tm__key_of(&w->kb, text,
		    g->len[i], w->flags, &key, &klen)) < 0)
			break;
		w->toks.n = 0;
		from = g->grams.n;
		if ((error = tm__tokenize(&w->toks, key, klen)) < 0 ||
		    (error = tm__grams(&g->grams, g->salt[i], &w->toks,
		    false)) < 0)
			break;
		g->sketch[i] = tm__sketch(&w->toks, &g->grams, from);
		if ((error = tm__whole_grams(&g->grams, g->salt[i],
		    &w->toks)) < 0)
			break;
		g->gend[i] = g->grams.n;
	}
	if (error)
		gbatch_fail(g, error);
}

static void *
gworker_main(void *arg)
{
	struct gworker *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->job && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->job)
			break;
		pthread_mutex_unlock(&w->mu);
		if (w->run)
			w->run(w->job, w);
		else
			gbatch_grams(w->job, w);
		pthread_mutex_lock(&w->mu);
		w->job = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	tm__tokens_release(&w->toks);
	tm__buf_release(&w->kb);
	return NULL;
}

static void
gworker_submit(struct gworker *w, struct gbatch *g)
{
	pthread_mutex_lock(&w->mu);
	w->job = g;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void
gworker_wait(struct gworker *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->job)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static void
gworker_stop(struct gworker *w)
{
	gworker_wait(w);
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->tid, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
}

/* 0: the thread runs; < 0: it could not start, and w is as before. */
static int
gworker_start(struct gworker *w)
{
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	if (pthread_create(&w->tid, NULL, gworker_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	return 0;
}

/*
 * The state of an update's reading: the previous row's language (its
 * salt computed once a run of rows) and the set of languages seen.
 */
struct greader {
	tm__stmt *sel;
	int rc;			/* the statement's last step */
	struct tm__buf prev, *langs;
	uint32_t salt;
	bool have_prev;
	size_t rows;		/* rows a batch takes */
};

/* A row at the end of g (which has room for it). */
static int
gbatch_push(struct gbatch *g, int64_t id, uint32_t salt, const char *text,
    size_t len, bool keyed)
{
	int error;

	g->id[g->n] = id;
	g->salt[g->n] = salt;
	g->keyed[g->n] = keyed;
	g->off[g->n] = g->text.len;
	g->len[g->n] = len;
	if ((error = tm__buf_add(&g->text, text ? text : "", len)) < 0 ||
	    (error = tm__buf_addc(&g->text, '\0')) < 0)
		return error;
	g->n++;
	return 0;
}

/*
 * A row's language (NULL: none): its salt made and the language added
 * to the set only when it differs from the row before's.
 */
static int
greader_lang(struct greader *rd, const char *lang)
{
	int error;

	if (rd->have_prev && strcmp(tm__buf_str(&rd->prev), lang ? lang :
	    "") == 0)
		return 0;
	tm__buf_reset(&rd->prev);
	if ((error = tm__buf_adds(&rd->prev, lang ? lang : "")) < 0 ||
	    (lang && (error = add_lang(rd->langs, lang)) < 0))
		return error;
	rd->salt = tm__lang_salt(lang ? lang : "");
	rd->have_prev = true;
	return 0;
}

/* Empty g for the next rows, its failure forgotten. */
static void
gbatch_reset(struct gbatch *g)
{
	g->n = 0;
	g->error = 0;
	free(g->errmsg);
	g->errmsg = NULL;
	tm__buf_reset(&g->text);
}

/* Fill g with the next rows; g->n is 0 at the end. */
static int
gbatch_fill(struct gbatch *g, struct greader *rd)
{
	int error;

	gbatch_reset(g);
	/* Not again once done: a statement stepped after that starts over. */
	while (rd->rc != TM__DONE && g->n < rd->rows &&
	    g->text.len < GBATCH_BYTES &&
	    (rd->rc = tm__step(rd->sel)) == TM__ROW) {
		const char *lang = (const char *)tm__column_text(rd->sel, 1);
		bool keyed = tm__column_type(rd->sel, 2) != TM__NULL;
		int col = keyed ? 2 : 3;
		const char *text = (const char *)tm__column_text(rd->sel,
		    col);
		size_t len = (size_t)tm__column_bytes(rd->sel, col);

		if ((error = greader_lang(rd, lang)) < 0 ||
		    (error = gbatch_push(g, tm__column_int64(rd->sel, 0),
		    rd->salt, text, len, keyed)) < 0)
			return error;
	}
	if (rd->rc != TM__ROW && rd->rc != TM__DONE && rd->rc != 0)
		return tm__error_db(rd->sel->db, "cannot read variants");
	return 0;
}

/* A sketch for the temporary file, as two little-endian words. */
static int
sketch_spill(struct builder *b, int64_t id, uint64_t sk)
{
	unsigned char v[16];
	size_t k;
	int error;

	for (k = 0; k < 8; k++) {
		v[k] = (unsigned char)((uint64_t)id >> (8 * k));
		v[8 + k] = (unsigned char)(sk >> (8 * k));
	}
	if ((error = tm__buf_add(&b->sk_out, v, sizeof(v))) < 0)
		return error;
	if (b->sk_out.len < SPILL_CHUNK)
		return 0;
	error = write_all(b->sk_fd, (unsigned char *)b->sk_out.ptr,
	    b->sk_out.len);
	tm__buf_reset(&b->sk_out);
	return error;
}

/* The spilled sketches into table sketch, a block at a time. */
static int
sketches_unspill(struct builder *b)
{
	unsigned char *buf = NULL;
	off_t at = 0;
	int error = 0;

	if (b->sk_out.len && (error = write_all(b->sk_fd,
	    (unsigned char *)b->sk_out.ptr, b->sk_out.len)) < 0)
		return error;
	tm__buf_reset(&b->sk_out);
	if (!(buf = tm__malloc(SPILL_CHUNK)))
		return tm__error_nomem();
	for (;;) {
		ssize_t k = pread(b->sk_fd, buf, SPILL_CHUNK, at), i;

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			error = tm__error(TM_EIO, "cannot read the index's "
			    "temporary file: %s", strerror(errno));
			break;
		}
		if (k == 0 || k % 16) {
			if (k % 16)
				error = tm__error(TM_EIO, "the index's "
				    "temporary file is damaged");
			break;
		}
		for (i = 0; i < k && !error; i += 16) {
			uint64_t id = 0, sk = 0;
			size_t j;

			for (j = 0; j < 8; j++) {
				id |= (uint64_t)buf[i + j] << (8 * j);
				sk |= (uint64_t)buf[i + 8 + j] << (8 * j);
			}
			error = sketch_put(b, (int64_t)id, sk);
		}
		if (error)
			break;
		at += k;
	}
	free(buf);
	return error;
}

/* File the grams of g's rows: sketches, and pairs into the buffer. */
static int
gbatch_file(struct builder *b, struct gbatch *g, int64_t *last)
{
	size_t i, k, from = 0;
	int error;

	if (g->error)
		return tm__error(g->error, "%s", g->errmsg);
	for (i = 0; i < g->n; i++) {
		int64_t id = g->id[i];
		size_t count = g->gend[i] - from;

		if ((error = b->sk_fd >= 0 ? sketch_spill(b, id,
		    g->sketch[i]) : sketch_put(b, id, g->sketch[i])) < 0)
			return error;
		if (b->n && (b->n + count > b->max ||
		    id - b->base > (int64_t)0xffffffff) &&
		    (error = spill_run(b)) < 0)
			return error;
		if (!b->n)
			b->base = id;
		for (k = from; k < g->gend[i] && b->n < b->max; k++)
			b->pairs[b->n++] = (uint64_t)g->grams.v[k] << 32 |
			    (uint64_t)(id - b->base);
		from = g->gend[i];
		*last = id;
	}
	return 0;
}

/* A builder's buffers: `max` pairs, nothing spilled, no sketch block. */
static int
builder_init(struct builder *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->spill_fd = -1;
	b->sk_fd = -1;
	b->sk_block = -1;
	b->max = max;
	if (!(b->pairs = tm__malloc(b->max * sizeof(*b->pairs))) ||
	    !(b->tmp = tm__malloc(b->max * sizeof(*b->tmp))) ||
	    !(b->count = tm__malloc(65536 * sizeof(*b->count))))
		return tm__error_nomem();
	return 0;
}

/* Its statements on db, to write the lists and sketches there. */
static int
builder_prepare(struct builder *b, tm_db *db)
{
	int error;

	b->db = db;
	if ((error = tm__prepare_bulk(db, &b->ins, "INSERT INTO ngram (gram, "
	    "run, ids) VALUES (?, ?, ?)")) < 0 ||
	    (error = tm__prepare(db, &b->sk_get, "SELECT v FROM sketch "
	    "WHERE block = ?")) < 0 ||
	    (error = tm__prepare(db, &b->sk_put, "INSERT INTO "
	    "sketch (block, v) VALUES (?, ?) ON CONFLICT (block) DO "
	    "UPDATE SET v = excluded.v")) < 0)
		return error;
	return 0;
}

/* Its statements finalized: the handle may be closed after this. */
static void
builder_unprepare(struct builder *b)
{
	tm__finalize(b->ins);
	tm__finalize(b->sk_get);
	tm__finalize(b->sk_put);
	b->ins = b->sk_get = b->sk_put = NULL;
	b->db = NULL;
}

static void
builder_release(struct builder *b)
{
	builder_unprepare(b);
	free(b->pairs);
	free(b->tmp);
	free(b->count);
	tm__buf_release(&b->blob);
	tm__buf_release(&b->chunk);
	tm__buf_release(&b->out);
	tm__buf_release(&b->sk_out);
	free(b->spill_ends);
	if (b->spill_fd >= 0)
		close(b->spill_fd);
	if (b->sk_fd >= 0)
		close(b->sk_fd);
	memset(b, 0, sizeof(*b));
	b->spill_fd = b->sk_fd = -1;
}

/* The languages indexed so far (meta index_langs), kept for concordance. */
static int
indexed_langs(tm_db *db, struct tm__buf *langs)
{
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "SELECT value FROM meta "
	    "WHERE key = 'index_langs'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW && tm__column_text(st, 0))
		error = tm__buf_adds(langs, (const char *)
		    tm__column_text(st, 0));
	tm__finalize(st);
	return error;
}

/* The run's last pairs and sketches written, and the index's state. */
static int
index_finish(struct builder *b, int64_t last, const struct tm__buf *langs)
{
	int error;

	if ((error = finish_run(b)) < 0 ||
	    (b->sk_fd >= 0 && (error = sketches_unspill(b)) < 0) ||
	    (error = sketch_flush(b)) < 0 ||
	    (error = set_meta_int(b->db, "index_tuv", last)) < 0 ||
	    (error = set_meta_int(b->db, "index_runs", b->run)) < 0)
		return error;
	return set_meta_text(b->db, "index_langs", tm__buf_str(langs));
}

/*
 * Index the variants with id > from; the caller holds a transaction.
 */
static int
index_from(tm_db *db, int64_t from)
{
	struct builder b;
	struct gworker w;
	struct gbatch *gb[2] = { NULL, NULL }, *pending = NULL;
	struct greader rd;
	struct tm__buf langs = { 0 };
	int64_t last = from, runs = 0;
	bool threaded = false;
	int error, cur = 0;

	memset(&w, 0, sizeof(w));
	memset(&rd, 0, sizeof(rd));
	rd.langs = &langs;
	rd.rows = gbatch_rows();
	if ((error = builder_init(&b, pairs_max())) < 0 ||
	    (error = meta_int(db, "index_runs", &runs)) < 0 ||
	    (error = tm__key_flags(db, &w.flags)) < 0 ||
	    (from > 0 && (error = indexed_langs(db, &langs)) < 0))
		goto done;
	b.run = runs;
	if (!(gb[0] = tm__calloc(1, sizeof(*gb[0]))) ||
	    !(gb[1] = tm__calloc(1, sizeof(*gb[1])))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = builder_prepare(&b, db)) < 0 ||
	    (error = tm__prepare_scan(db, &rd.sel, "SELECT id, lang_key, key, "
	    "coalesce(text, seg) FROM tuv WHERE id > ? ORDER BY id")) < 0)
		goto done;
	tm__bind_int64(rd.sel, 1, from);
	for (;;) {
		struct gbatch *g = gb[cur], *ready = NULL;

		if ((error = gbatch_fill(g, &rd)) < 0)
			break;
		/* More rows to come after a full batch: worth a thread. */
		if (!threaded && !pending && rd.rc == TM__ROW &&
		    gworker_start(&w) == 0)
			threaded = true;
		if (pending) {
			gworker_wait(&w);
			ready = pending;
			pending = NULL;
		}
		if (g->n && threaded) {
			gworker_submit(&w, g);
			pending = g;
			cur ^= 1;
		} else if (g->n) {
			gbatch_grams(g, &w);
			ready = g;
		}
		if (ready && (error = gbatch_file(&b, ready, &last)) < 0)
			break;
		if (!g->n && !pending)
			break;
	}
	if (threaded)
		gworker_stop(&w);	/* waits for a batch still pending */
	if (!error)
		error = index_finish(&b, last, &langs);
done:
	tm__buf_release(&langs);
	tm__buf_release(&rd.prev);
	if (!threaded) {
		tm__tokens_release(&w.toks);
		tm__buf_release(&w.kb);
	}
	gbatch_free(gb[0]);
	gbatch_free(gb[1]);
	tm__finalize(rd.sel);
	builder_release(&b);
	return error;
}

/*
 * Building ahead
 * ==============
 *
 * An import into a new file beside an empty memory has the writer to
 * itself, and one of the two processors half idle while libxml2 and
 * SQLite take turns: the variants' grams are made then, as the writer
 * stores them, on a thread of their own, and filed into a builder whose
 * full buffers are sorted and spilled to its temporary file as usual;
 * sketches go to a second temporary file.  The index update after the
 * import's commit then only merges the runs and writes them, if the
 * variants past the index are exactly those fed; else (a unit replaced
 * in update mode, a failure on the way) it reads them as usual.
 */
struct tm__prebuild {
	struct builder b;	/* sk_fd: the sketches' file */
	struct gworker w;	/* makes and files a batch's grams */
	struct gbatch *gb[2], *pending;
	int cur;
	bool threaded, failed;
	struct greader rd;	/* for its languages and salts */
	struct tm__buf langs;
	int64_t first, last;	/* ids fed, ascending */
	uint64_t n;
};

/* The gram thread's work: the batch's grams, filed into the builder. */
static void
prebuild_run(struct gbatch *g, struct gworker *w)
{
	struct tm__prebuild *pb = w->arg;
	int64_t last;
	int error;

	gbatch_grams(g, w);
	if (!g->error && (error = gbatch_file(&pb->b, g, &last)) < 0)
		gbatch_fail(g, error);
}

/* Wait for the batch on the thread; false when it failed. */
static bool
prebuild_wait(struct tm__prebuild *pb)
{
	bool ok;

	if (!pb->pending)
		return true;
	gworker_wait(&pb->w);
	ok = !pb->pending->error;
	gbatch_reset(pb->pending);
	pb->pending = NULL;
	return ok;
}

/* Hand the full batch over (or file it here when no thread can start). */
static bool
prebuild_hand(struct tm__prebuild *pb)
{
	struct gbatch *g = pb->gb[pb->cur];

	if (!pb->threaded && gworker_start(&pb->w) == 0)
		pb->threaded = true;
	if (!pb->threaded) {
		bool ok;

		prebuild_run(g, &pb->w);
		ok = !g->error;
		gbatch_reset(g);
		return ok;
	}
	if (!prebuild_wait(pb))
		return false;
	gworker_submit(&pb->w, g);
	pb->pending = g;
	pb->cur ^= 1;
	return true;
}

int
tm__prebuild_new(struct tm__prebuild **out, unsigned key_flags)
{
	struct tm__prebuild *pb;
	int error;

	*out = NULL;
	if (!(pb = tm__calloc(1, sizeof(*pb))))
		return tm__error_nomem();
	pb->w.flags = key_flags;
	pb->w.run = prebuild_run;
	pb->w.arg = pb;
	pb->rd.langs = &pb->langs;
	pb->rd.rows = gbatch_rows();
	/* Half the usual buffer: it lives beside the import's own. */
	if ((error = builder_init(&pb->b, pairs_max() / 2)) < 0 ||
	    (error = spill_open(&pb->b)) < 0)
		goto fail;
	/* That file is the sketches'; the runs' opens when one is full. */
	pb->b.sk_fd = pb->b.spill_fd;
	pb->b.spill_fd = -1;
	if (!(pb->gb[0] = tm__calloc(1, sizeof(*pb->gb[0]))) ||
	    !(pb->gb[1] = tm__calloc(1, sizeof(*pb->gb[1])))) {
		error = tm__error_nomem();
		goto fail;
	}
	*out = pb;
	return 0;
fail:
	tm__prebuild_free(pb);
	return error;
}

void
tm__prebuild_add(struct tm__prebuild *pb, int64_t id, const char *lang_key,
    const char *text, size_t len, bool keyed)
{
	struct gbatch *g;
	struct greader *rd = &pb->rd;

	if (pb->failed)
		return;
	if (id <= pb->last) {	/* an id again: not ours to build */
		pb->failed = true;
		return;
	}
	g = pb->gb[pb->cur];
	if ((g->n == rd->rows || g->text.len >= GBATCH_BYTES) &&
	    !prebuild_hand(pb)) {
		pb->failed = true;
		return;
	}
	g = pb->gb[pb->cur];
	if (greader_lang(rd, lang_key) < 0) {
		pb->failed = true;
		return;
	}
	if (gbatch_push(g, id, rd->salt, text, len, keyed) < 0) {
		pb->failed = true;
		return;
	}
	if (!pb->n++)
		pb->first = id;
	pb->last = id;
}

void
tm__prebuild_free(struct tm__prebuild *pb)
{
	if (!pb)
		return;
	if (pb->threaded)
		gworker_stop(&pb->w);
	tm__tokens_release(&pb->w.toks);
	tm__buf_release(&pb->w.kb);
	gbatch_free(pb->gb[0]);
	gbatch_free(pb->gb[1]);
	builder_release(&pb->b);
	tm__buf_release(&pb->langs);
	tm__buf_release(&pb->rd.prev);
	free(pb);
}

/*
 * Whether pb holds the grams of exactly the variants past `from`: the
 * last batch filed, and as many variants there, from the first id fed
 * to the last.
 */
static bool
prebuild_covers(tm_db *db, struct tm__prebuild *pb, int64_t from)
{
	struct gbatch *g = pb->gb[pb->cur];
	tm__stmt *st = NULL;
	bool ok;

	if (pb->failed || !pb->n || !prebuild_wait(pb))
		return false;
	if (pb->threaded) {
		gworker_stop(&pb->w);
		pb->threaded = false;
	}
	if (g->n) {
		prebuild_run(g, &pb->w);
		ok = !g->error;
		gbatch_reset(g);
		if (!ok)
			return false;
	}
	if (pb->first <= from || tm__prepare(db, &st, "SELECT count(*), "
	    "min(id), max(id) FROM tuv WHERE id > ?") < 0) {
		tm_error_clear();
		return false;
	}
	tm__bind_int64(st, 1, from);
	ok = tm__step(st) == TM__ROW &&
	    (uint64_t)tm__column_int64(st, 0) == pb->n &&
	    tm__column_int64(st, 1) == pb->first &&
	    tm__column_int64(st, 2) == pb->last;
	tm__finalize(st);
	return ok;
}

/* Index the variants past `from` from pb's runs and sketches. */
static int
index_prebuilt(tm_db *db, int64_t from, struct tm__prebuild *pb)
{
	struct tm__buf langs = { 0 };
	const char *p;
	int64_t runs = 0;
	int error;

	if ((error = meta_int(db, "index_runs", &runs)) < 0 ||
	    (from > 0 && (error = indexed_langs(db, &langs)) < 0))
		goto done;
	for (p = tm__buf_str(&pb->langs); *p && !error; p += strcspn(p, " "),
	    p += *p == ' ')
		error = add_lang(&langs, p);
	if (error || (error = builder_prepare(&pb->b, db)) < 0)
		goto done;
	pb->b.run = runs;
	error = index_finish(&pb->b, pb->last, &langs);
done:
	builder_unprepare(&pb->b);
	tm__buf_release(&langs);
	return error;
}

/*
 * Keys and reindex
 * ================
 *
 * A variant's key is what the index is made of: when the rules of keys
 * change, the keys are made again and the index rebuilt from them.
 */

int
tm__rekey(tm_db *db, unsigned flags, int64_t *changed)
{
	tm__stmt *sel = NULL, *upd = NULL;
	struct tm__buf key = { 0 }, old = { 0 }, q = { 0 };
	bool sparse = false;
	int rc, error;

	*changed = 0;
	/* Before schema 9 every key is stored (the column is NOT NULL). */
	if ((error = db->store->not_null(db, "tuv", "key")) < 0)
		goto done;
	sparse = error == 0;
	error = 0;
	if ((error = tm__prepare_scan(db, &sel, "SELECT id, key, coalesce(text, "
	    "seg) FROM tuv")) < 0 ||
	    (error = tm__prepare(db, &upd, "UPDATE tuv SET key = ? WHERE "
	    "id = ? AND key IS DISTINCT FROM ?1")) < 0)
		goto done;
	while ((rc = tm__step(sel)) == TM__ROW) {
		const char *text = (const char *)tm__column_text(sel, 2);
		size_t tlen = (size_t)tm__column_bytes(sel, 2);
		const char *was;
		size_t wlen;
		int store = 1;

		tm__buf_reset(&key);
		if ((error = tm__text_key(&key, text ? text : "", tlen,
		    flags)) < 0 ||
		    (error = tm__buf_addc(&key, '\0')) < 0)
			goto done;
		key.len--;
		if ((error = tm__key_column(&old, sel, 1, 2, flags, &was,
		    &wlen)) < 0 ||
		    (sparse && (store = tm__key_to_store(&q, text ? text : "",
		    tlen, key.ptr, key.len)) < 0)) {
			error = error < 0 ? error : store;
			goto done;
		}
		if (wlen != key.len || memcmp(was, key.ptr, wlen) != 0)
			++*changed;
		if (store)
			tm__bind_text(upd, 1, key.ptr, (int)key.len);
		else
			tm__bind_null(upd, 1);
		tm__bind_int64(upd, 2, tm__column_int64(sel, 0));
		if (tm__step(upd) != TM__DONE) {
			tm__reset(upd);
			error = tm__error_db(db, "cannot update keys");
			goto done;
		}
		tm__reset(upd);
	}
	if (rc != TM__DONE) {
		error = tm__error_db(db, "cannot read variants");
		goto done;
	}
	error = tm__exec(db, "INSERT INTO meta VALUES ('key_rules', "
	    "'" TM__STR(TM__KEY_RULES) "') ON CONFLICT (key) DO UPDATE SET "
	    "value = excluded.value");
done:
	tm__finalize(sel);
	tm__finalize(upd);
	tm__buf_release(&key);
	tm__buf_release(&old);
	tm__buf_release(&q);
	return error;
}

int
tm__keys_migrate(tm_db *db)
{
	unsigned flags;
	int64_t changed = 0;
	int error;

	if ((error = tm__key_flags(db, &flags)) < 0 ||
	    (error = tm__rekey(db, flags, &changed)) < 0 || !changed)
		return error;
	/* Read-only lookups cannot index: the index is made here. */
	return tm__index_rebuild_tx(db);
}

int
tm_reindex(tm_db *db, int fold_traditional)
{
	tm__stmt *st = NULL;
	unsigned flags = 0;
	int64_t changed;
	int error;

	if (!db || fold_traditional < -1 || fold_traditional > 1)
		return tm__error(TM_EINVAL, "bad reindex arguments");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	tm__db_drop_matcher(db);
	if ((error = tm__begin_write(db)) < 0)
		return error;
	if (fold_traditional >= 0) {
		if ((error = tm__prepare(db, &st, "INSERT INTO meta "
		    "VALUES ('fold_traditional', ?) ON CONFLICT (key) DO "
		    "UPDATE SET value = excluded.value")) < 0)
			goto done;
		tm__bind_int(st, 1, fold_traditional);
		if (tm__step(st) != TM__DONE) {
			error = tm__error_db(db, "cannot save setting");
			goto done;
		}
	}
	if ((error = tm__key_flags(db, &flags)) < 0)
		goto done;
	error = tm__rekey(db, flags, &changed);
done:
	tm__finalize(st);
	if (!error)
		error = tm__exec(db, "COMMIT");
	if (error) {
		tm__exec_quiet(db, "ROLLBACK");
		return error;
	}
	return tm__index_rebuild(db);
}

int
tm__index_update(tm_db *db, struct tm__prebuild *pb)
{
	int64_t from = 0;
	int error;

	if ((error = tm__begin_write(db)) < 0)
		return error;
	if ((error = meta_int(db, "index_tuv", &from)) < 0 ||
	    (error = pb && prebuild_covers(db, pb, from) ?
	    index_prebuilt(db, from, pb) : index_from(db, from)) < 0 ||
	    (error = tm__exec(db, "COMMIT")) < 0) {
		tm__exec_quiet(db, "ROLLBACK");
		return tm__error_prefix("cannot update the index");
	}
	return 0;
}

int
tm__index_behind(tm_db *db, uint64_t *units)
{
	tm__stmt *st = NULL;
	int error;

	*units = 0;
	if ((error = tm__prepare(db, &st, "SELECT count(DISTINCT tu_id) "
	    "FROM tuv WHERE id > coalesce((SELECT CAST(value AS INTEGER) "
	    "FROM meta WHERE key = 'index_tuv'), 0)")) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		*units = (uint64_t)tm__column_int64(st, 0);
	else
		error = tm__error_db(db, "cannot read the index");
	tm__finalize(st);
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
	return tm__index_update(db, NULL);
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

	if ((error = tm__begin_write(db)) < 0)
		return error;
	if ((error = tm__index_rebuild_tx(db)) < 0 ||
	    (error = tm__exec(db, "COMMIT")) < 0) {
		tm__exec_quiet(db, "ROLLBACK");
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
	tm__stmt *sel, *size;
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
	tm__finalize(p->sel);
	tm__finalize(p->size);
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
	tm__bind_int64(p->size, 1, (int64_t)gram);
	rc = tm__step(p->size);
	if (rc == TM__ROW)
		*bytes = (size_t)tm__column_int64(p->size, 0);
	tm__reset(p->size);
	if (rc != TM__ROW && rc != TM__DONE)
		return tm__error_db(p->db, "cannot read the index");
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

	tm__bind_int64(p->sel, 1, (int64_t)gram);
	while ((rc = tm__step(p->sel)) == TM__ROW && !error)
		error = count_list(tm__column_blob(p->sel, 0),
		    (size_t)tm__column_bytes(p->sel, 0), counts, ncounts,
		    touched);
	tm__reset(p->sel);
	if (!error && rc != TM__DONE && rc != TM__ROW)
		error = tm__error_db(p->db, "cannot read the index");
	return error;
}

int
tm__postings_read(struct tm__postings *p, uint32_t gram, struct tm__i64v *out)
{
	int rc, error = 0;

	tm__bind_int64(p->sel, 1, (int64_t)gram);
	while ((rc = tm__step(p->sel)) == TM__ROW && !error)
		error = decode(tm__column_blob(p->sel, 0),
		    (size_t)tm__column_bytes(p->sel, 0), out);
	tm__reset(p->sel);
	if (!error && rc != TM__DONE && rc != TM__ROW)
		error = tm__error_db(p->db, "cannot read the index");
	return error;
}
