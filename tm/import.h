/*
 * import.h: the units that the TMX reader (tmx-read.c) hands to the
 * store's writer (import.c), in batches.
 *
 * The reader parses and normalises on the caller's thread; the writer
 * inserts on a thread of its own, so that parsing and SQLite overlap.
 * A batch is self-contained: every string of its units lives in its
 * arena, addressed by offset, so a batch can cross threads and be reused
 * whole.
 */
#ifndef TM_IMPORT_H
#define TM_IMPORT_H

#include "tm-int.h"
#include "index.h"

/* The most attributes of tu, tuv or header that have columns. */
#define TM__MAX_ATTRS 16

/* A string inside a batch's arena. */
struct tm__str {
	size_t off, len;
	bool set;
};

struct tm__tuv {
	long line;
	struct tm__str lang;
	bool lang11;		/* written as lang= (TMX 1.1) */
	struct tm__str attr[TM__MAX_ATTRS];
	struct tm__str extra;
	struct tm__str seg, text, key;
	int nseg;
	char lang_key[64];
};

struct tm__annot {
	int tuv;		/* -1: on the unit (or header) itself */
	bool note;
	struct tm__str type, lang, oenc, extra, value;
};

struct tm__unit {
	long line;
	struct tm__str attr[TM__MAX_ATTRS];
	struct tm__str extra;
	struct tm__str langs;	/* sorted language keys, space-separated */
	/*
	 * Two independent hashes of the unit's canonical form (its
	 * variants' language keys and segments, sorted): units with equal
	 * hashes are duplicates.  128 bits make a false match among even a
	 * billion units far less likely than a disk error.
	 */
	uint64_t hash, hash2;
	char mtime[17];		/* changedate else creationdate, normalised */
	size_t tuv0, ntuv;	/* its variants in the batch's tuvs[] */
	size_t annot0, nannot;	/* its props and notes in annots[] */
};

struct tm__batch {
	struct tm__buf arena;
	struct tm__unit *units;
	size_t nunits, ucap;
	struct tm__tuv *tuvs;
	size_t ntuvs, vcap;
	struct tm__annot *annots;
	size_t nannots, acap;
	struct tm__batch *next;	/* in the queue or the free list */
};

/* A batch is handed on when it holds this many units or arena bytes. */
#define TM__BATCH_UNITS 512
#define TM__BATCH_BYTES (1u << 20)

void tm__batch_reset(struct tm__batch *b);
void tm__batch_free(struct tm__batch *b);

static inline const char *
tm__str_get(const struct tm__batch *b, const struct tm__str *s)
{
	return s->set ? b->arena.ptr + s->off : NULL;
}

/*
 * The writer.  tm__sink_open() prepares its statements on `db` (inside
 * the import's transaction) and feeds each variant it stores to `pb`
 * when not NULL; tm__sink_put() takes a full batch and
 * returns an empty one to fill next (the same one when no thread runs);
 * tm__sink_close() waits for the writer and reports its first error.
 * The reader must not use `db` between the first put and the close.
 */
struct tm__sink;
int tm__sink_open(struct tm__sink **out, tm_db *db, int64_t import_id,
    int dup_mode, struct tm__prebuild *pb);
int tm__sink_put(struct tm__sink *s, struct tm__batch **batch);
int tm__sink_close(struct tm__sink *s, tm_import_result *res, bool abort);

/* Bind a batch string to column `col` of `st` (NULL when unset). */
int tm__bind_str(const struct tm__batch *b, tm__stmt *st, int col,
    const struct tm__str *s);

/* Store one header prop or note (reader's thread, before any put). */
int tm__store_header_annot(tm_db *db, int64_t import_id,
    const struct tm__batch *b, const struct tm__annot *a, int ord);

/*
 * Read the TMX file at `path` (or `fd`, when not negative, named `path`
 * in messages) into the memory in one transaction, committed when the
 * whole file was read: no index update, no new file (tmx-read.c); its
 * stored variants are fed to pb when not NULL.
 * *total is the file's size when known, for the last progress call.
 */
int tm__tmx_read(tm_import_result *out, uint64_t *total, tm_db *db,
    const char *path, int fd, const tm_import_options *opts,
    struct tm__prebuild *pb);

#endif /* TM_IMPORT_H */
