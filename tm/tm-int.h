/*
 * tm-int.h: internals shared by the modules of libtm.  Nothing here is
 * API; the program and other users see tm.h only.
 */
#ifndef TM_INT_H
#define TM_INT_H

#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* System headers come before banned.h, which redefines their names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "tm.h"
#include "store.h"
#include "banned.h"

#if defined(__GNUC__)
#define TM__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TM__PRINTF(f, a)
#endif

#define TM__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TM__STR_(x) #x
#define TM__STR(x) TM__STR_(x)

/* error.c: set the thread's error; returns `code` for `return tm__error(...)`. */
int tm__error(int code, const char *fmt, ...) TM__PRINTF(2, 3);
/* Prefix the current message with "prefix: ", keeping the code. */
int tm__error_prefix(const char *fmt, ...) TM__PRINTF(1, 2);
/* Translate a SQLite failure on `db` into TM_EDB (or TM_ENOMEM). */
int tm__error_sqlite(sqlite3 *db, const char *what);
/* Translate the last failure of db's backend, whichever it is. */
int tm__error_db(tm_db *db, const char *what);
/*
 * TM_EDB with the message "what: why", `what` in the user's language
 * (English kept for tm__error_neutral), `why` a backend's own message.
 */
int tm__error_why(const char *what, const char *why);
int tm__error_nomem(void);
/*
 * The English of error e when it is the thread's last error (its message
 * is in the user's language), else e's message: for JSON answers, which
 * stay the same in every locale.
 */
const char *tm__error_neutral(const tm_error *e);

/*
 * mt.c: hold a reference to libcurl's global state from tm_global_init()
 * to tm_global_cleanup() (each idempotent).
 */
int tm__curl_pin(void);
void tm__curl_unpin(void);

/* alloc.c: allocation that can be made to fail (TM_FAIL_ALLOC=N in debug). */
void *tm__malloc(size_t n);
void *tm__calloc(size_t n, size_t size);
void *tm__realloc(void *p, size_t n);
char *tm__strdup(const char *s);
/*
 * Make room in the array *arr of *cap elements of `size` bytes for
 * element `n` (doubling): 0, or TM_ENOMEM with *arr untouched.
 */
int tm__grow(void **arr, size_t *cap, size_t n, size_t size);
char *tm__strndup(const char *s, size_t n);

/*
 * buf.c: a growable byte buffer, always NUL-terminated once anything was
 * added (git's strbuf).  A zeroed struct is an empty buffer.
 */
struct tm__buf {
	char *ptr;
	size_t len;
	size_t cap;
};
int tm__buf_grow(struct tm__buf *b, size_t extra);
int tm__buf_add(struct tm__buf *b, const void *data, size_t len);
int tm__buf_adds(struct tm__buf *b, const char *s);
int tm__buf_addc(struct tm__buf *b, char c);
int tm__buf_printf(struct tm__buf *b, const char *fmt, ...) TM__PRINTF(2, 3);
int tm__buf_vprintf(struct tm__buf *b, const char *fmt, va_list ap)
    TM__PRINTF(2, 0);
/* Append `len` bytes escaped for XML text (quote: also '"' for attributes). */
int tm__buf_add_xml(struct tm__buf *b, const char *s, size_t len, bool quote);
/*
 * The same, with the control characters XML 1.0 cannot hold made
 * U+FFFD: for text that may hold anything.  0 or TM_ENOMEM.
 */
int tm__buf_xmln(struct tm__buf *b, const char *s, size_t len, bool quote);
/* The same for a NUL-terminated s. */
int tm__buf_xml(struct tm__buf *b, const char *s, bool quote);
/*
 * Append the whole file at `path` ("-": standard input).  Returns 0,
 * TM_EIO (the message names the file) or TM_ENOMEM.
 */
int tm__buf_read_file(struct tm__buf *b, const char *path);
void tm__buf_reset(struct tm__buf *b);
void tm__buf_release(struct tm__buf *b);
/* Give the string to the caller; the buffer is empty afterwards. */
char *tm__buf_detach(struct tm__buf *b);
static inline const char *
tm__buf_str(const struct tm__buf *b)
{
	return b->ptr ? b->ptr : "";
}

/* hash.c: 64-bit hashing of byte strings (for duplicate detection). */
#define TM__HASH_INIT UINT64_C(0xcbf29ce484222325)
#define TM__HASH_INIT2 UINT64_C(0x84222325cbf29ce4)
/* Whether a language tag is Chinese, Japanese or Korean (lang.c). */
bool tm__lang_cjk(const char *tag);

uint64_t tm__hash(uint64_t h, const void *data, size_t len);

/*
 * A map from 128-bit keys (two 64-bit hashes) to ids counted from a
 * base.  Packed to 20 bytes: a million-unit import keeps 2M slots.
 */
#if defined(__GNUC__)
#define TM__PACKED __attribute__((packed))
#else
#define TM__PACKED
#endif
struct TM__PACKED tm__idmap_slot {
	uint64_t hash, hash2;
	uint32_t id;		/* id - base + 1; 0: empty; UINT32_MAX: removed */
};
struct tm__idmap {
	struct tm__idmap_slot *slots;
	size_t cap, used;
	int64_t base;		/* the first id */
};
int tm__idmap_add(struct tm__idmap *m, uint64_t hash, uint64_t hash2,
    int64_t id);
/* The id stored under the key, or 0; *pos names the entry. */
int64_t tm__idmap_find(const struct tm__idmap *m, uint64_t hash,
    uint64_t hash2, size_t *pos);
void tm__idmap_remove(struct tm__idmap *m, size_t pos);
/*
 * Sort the live entries by key into slots[0..n) and return n; the map is
 * spent.  tm__idmap_id() gives the id of slots[i].
 */
size_t tm__idmap_sort(struct tm__idmap *m);
static inline int64_t
tm__idmap_id(const struct tm__idmap *m, size_t i)
{
	return m->base + m->slots[i].id - 1;
}
void tm__idmap_release(struct tm__idmap *m);

/* utf8.c */
/* Length of the valid UTF-8 prefix of s[0..len); == len when all valid. */
size_t tm__utf8_valid(const char *s, size_t len);
/*
 * Appends s to b padded with spaces to `cols` terminal columns (wide and
 * full-width characters take two), after it or, with `right`, before
 * it, so that text in any script lines up in a table.  0 or TM_ENOMEM.
 */
int tm__buf_add_padded(struct tm__buf *b, const char *s, size_t cols,
    bool right);

/*
 * norm.c: the matching key (NFKC + case folding, Chinese punctuation as
 * Western, white space collapsed; optionally Traditional Chinese as
 * Simplified).  Appends the key of text[0..len), which must be valid
 * UTF-8, to *out.  Returns 0, TM_EINVAL (unknown flags), TM_EUTF8 or
 * TM_ENOMEM.
 */
enum tm__key_flags {
	TM__KEY_TRAD_TO_SIMP = 1 << 0	/* fold Traditional to Simplified */
};
int tm__text_key(struct tm__buf *out, const char *text, size_t len,
    unsigned flags);
/*
 * The key of text[0..len) when it is simple (ASCII, full-width forms,
 * CJK ideographs, Chinese punctuation), without ICU: appends it and
 * returns 1, else returns 0 and leaves *out as it was (norm.c).
 */
int tm__quick_key(struct tm__buf *out, const char *text, size_t len);
/*
 * Whether a variant's key must be stored: 0 when the quick key of its
 * text is the key (the column is then NULL), 1 when not.
 */
int tm__key_to_store(struct tm__buf *scratch, const char *text, size_t tlen,
    const char *key, size_t klen);
/*
 * The key of a variant whose key is not stored: made from its text
 * into *scratch (NUL-terminated), as the import would have made it.
 */
int tm__key_of(struct tm__buf *scratch, const char *text, size_t tlen,
    unsigned flags, const char **key, size_t *klen);
/*
 * The key of the row `st` is on: column kcol, else made from the text in
 * column tcol (into *scratch).  *key stays valid until the statement
 * moves or *scratch changes.
 */
int tm__key_column(struct tm__buf *scratch, tm__stmt *st, int kcol,
    int tcol, unsigned flags, const char **key, size_t *klen);
/*
 * The version of the key rules.  The store records it beside the keys;
 * any change that gives some text a different key must raise it, so
 * that keys made under the old rules are rebuilt.  1: NFKC_Casefold and
 * white space; 2: Chinese punctuation folded, runs of "." and "-"; 3:
 * Traditional folded to Simplified unless the memory says not to.
 */
#define TM__KEY_RULES 3
/*
 * The key flags of db's variants (index.c): TM__KEY_TRAD_TO_SIMP unless
 * meta fold_traditional is 0 ('tm reindex --fold-traditional=off').
 */
int tm__key_flags(tm_db *db, unsigned *out);
/*
 * Make every variant's key again under `flags` (index.c), in the
 * caller's transaction; *changed: how many keys changed.  The caller
 * rebuilds the index when any did.
 */
int tm__rekey(tm_db *db, unsigned flags, int64_t *changed);
/*
 * Schema 8: keys made before Traditional was folded by default are
 * made again, and the index rebuilt when any changed (index.c).  Runs
 * inside the migration's transaction.
 */
int tm__keys_migrate(tm_db *db);

/* error.c: strerror(e) with a lowercase first letter, as our messages are. */
const char *tm__strerror(int e);

/*
 * xml.c: libxml2 prints some errors (I/O, generic) to stderr by itself;
 * the library never prints.  Quiet them on this thread between
 * tm__xml_quiet and tm__xml_loud.
 */
struct tm__xml_errors {
	void *generic_ctx, *structured_ctx;
	void (*generic)(void *, const char *, ...);
	void (*structured)(void *, void *);
	bool set;
};
void tm__xml_quiet(struct tm__xml_errors *saved);
void tm__xml_loud(struct tm__xml_errors *saved);

/*
 * glossary.c: parse a small XML file (TBX, XLIFF) into a tree: no
 * network, no DTD, no entity declarations.  TM_EIO, TM_EPARSE with
 * "line N: problem", or TM_ENOMEM.
 */
struct _xmlDoc;
int tm__xml_read_doc(struct _xmlDoc **out, const char *path);
/*
 * Whether `term` occurs in `text` by the glossary's matching keys (case,
 * width and punctuation aside, neither starting nor ending inside a Latin
 * word): 1 with its byte span, 0, or TM_ENOMEM.
 */
int tm__gloss_contains(const char *text, const char *term, size_t *start,
    size_t *len);
/* The same from byte `from` of the text on (the next occurrence). */
int tm__gloss_find_from(const char *text, size_t from, const char *term,
    size_t *start, size_t *len);

/* time.c: current time as TMX date (YYYYMMDDThhmmssZ) and ISO 8601. */
void tm__now_tmx(char out[17]);
void tm__now_iso(char out[21]);
/* Seconds since *t0 (CLOCK_MONOTONIC). */
struct timespec;
double tm__elapsed(const struct timespec *t0);
/*
 * Normalise a TMX or ISO 8601 date into TMX form for comparisons.
 * Returns 0, or TM_EINVAL when `s` is not a date.
 */
int tm__date_norm(char out[17], const char *s);

/* store.c */
struct tm__matcher;
struct tm_db {
	/* The backend (store.h) and its connection. */
	const struct tm__store *store;
	sqlite3 *sql;
	struct tm__pg *pg;
	char *path;
	unsigned flags;
	/*
	 * The lookup's statements, made on first use by match.c, which
	 * also sets the function that frees them: the handle drops them
	 * (tm__db_drop_matcher) without calling up into the matcher.
	 */
	struct tm__matcher *matcher;
	void (*matcher_free)(struct tm__matcher *m);
	/*
	 * While an import writes a new memory beside an empty one
	 * (tm__side_begin): the side file's path, and the memory's own
	 * connection, kept locked until tm_db_close().
	 */
	char *side;
	sqlite3 *held;
};
/*
 * An import into a memory without units that no other connection has
 * open: db->sql is moved onto a copy, PATH-import, written without a
 * journal.  1 when it was, 0 when the memory is not such a one.
 * tm__side_commit() syncs the copy, renames it over the memory and
 * opens it (WAL mode); tm__side_abort() drops it.
 */
int tm__side_begin(tm_db *db);
int tm__side_commit(tm_db *db);
void tm__side_abort(tm_db *db);
/*
 * Remove what a side-file import killed before its rename left beside
 * the memory.  Only with the memory's write lock held: no side-file
 * import can be under way then.
 */
void tm__side_clean(tm_db *db);
/* Free the handle's lookup statements, if made (before its SQL changes). */
void tm__db_drop_matcher(tm_db *db);
/* Prepare `sql` on db's backend, translating errors. */
int tm__prepare(tm_db *db, tm__stmt **out, const char *sql);
/* The same for an INSERT of many rows (the backend's prepare_bulk). */
int tm__prepare_bulk(tm_db *db, tm__stmt **out, const char *sql);
/* The same for a SELECT of very many rows (the backend's prepare_scan). */
int tm__prepare_scan(tm_db *db, tm__stmt **out, const char *sql);
/* Run `sql` (no rows); TM_EDB with the backend's reason on failure. */
int tm__exec(tm_db *db, const char *sql);
/* The same, failure ignored and the thread's error kept (ROLLBACK). */
void tm__exec_quiet(tm_db *db, const char *sql);
/* unit.c: make the access tokens' table, made on first use. */
int tm__token_table(tm_db *db);
/* The first column of sql's first row; TM_EDB with `what` when none. */
int tm__query_int64(tm_db *db, const char *sql, int64_t *out,
    const char *what);
/* Begin a transaction that writes (the backend's begin_write). */
int tm__begin_write(tm_db *db);
/* Step a statement that returns no row, reset it; TM_EDB with `what`. */
int tm__step_done(tm_db *db, tm__stmt *st, const char *what);
/*
 * The id of the import about to be recorded, inside the write
 * transaction: one past the largest, as SQLite gives an INTEGER PRIMARY
 * KEY.  Given explicitly, so that on PostgreSQL too an import killed or
 * rolled back leaves no gap (a sequence would keep the number it drew).
 */
int tm__next_import_id(tm_db *db, int64_t *out);

/*
 * The TMX attributes that the store keeps in columns, per element.  The
 * same tables drive the schema, the reader and the writer, so that an
 * attribute added here is kept everywhere.
 */
struct tm__attr {
	const char *xml;	/* name in TMX */
	const char *col;	/* column in the store */
};
extern const struct tm__attr tm__header_attrs[];
extern const size_t tm__nheader_attrs;
extern const struct tm__attr tm__tu_attrs[];
extern const size_t tm__ntu_attrs;
extern const struct tm__attr tm__tuv_attrs[];
extern const size_t tm__ntuv_attrs;
/* Index of attribute `name` in `attrs`, or -1. */
int tm__attr_find(const struct tm__attr *attrs, size_t n, const char *name);

/*
 * Attributes that TMX does not define are kept as a JSON array of
 * [name, value] pairs (store.c).  Add one pair, creating the array.
 */
struct json_t;
int tm__extra_add(struct json_t **arr, const char *name, const char *value,
    size_t len);

/*
 * buf.c: writing a whole output file so that a reader never sees half
 * of it.  tm__output_open() opens a new file beside `path` (*tmp names
 * it, to be renamed over `path` by tm__output_close()), or `path`
 * itself when it exists and is not a regular file (/dev/null, a FIFO,
 * a terminal: renaming over it would replace the device); then *tmp is
 * NULL.  *fd is the descriptor to write.  tm__output_close() renames
 * the new file into place when `error` is 0 and removes it otherwise;
 * it frees *tmp and returns `error` or its own TM_EIO.
 */
int tm__output_open(const char *path, char **tmp, int *fd);
int tm__output_close(const char *path, char **tmp, int error);

/*
 * Write b to `path` ("-" or NULL: standard output) through
 * tm__output_open/close.  0 or TM_EIO.
 */
int tm__write_file(const char *path, const struct tm__buf *b);

/* pretranslate.c, xliff-write.c, review.c: see pretranslate.h. */

#endif /* TM_INT_H */
