/*
 * tm.h: the one public header of libtm, a translation memory that keeps
 * everything a TMX 1.4b file can hold in a SQLite database.
 *
 * This header is the manual.  Conventions that hold for every function
 * unless its comment says otherwise:
 *
 * - A function that can fail returns int: 0 on success, a negative TM_E*
 *   code on failure.  tm_error_last() then describes the failure.
 * - Out-parameters come first.  An object returned through `T **out` is
 *   owned by the caller and released with the matching tm_T_free();
 *   strings returned to the caller are released with tm_free().
 * - Arguments are borrowed; anything kept after the call is copied.
 * - All text is NUL-terminated UTF-8.  File paths are plain bytes.
 * - A tm_db handle must not be used by two threads at once; open one
 *   handle per thread (any number of them on one database file).  The
 *   error state is per thread.  A program that uses libtm from several
 *   threads calls tm_global_init() first.  Other objects say in their
 *   comments whether threads may share them.
 * - The library never prints and never exits.
 */
#ifndef TM_H
#define TM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define TM_EXTERN __attribute__((visibility("default")))
#else
#define TM_EXTERN
#endif

/* Result codes.  Keep them few; the message says the rest. */
enum tm_result {
	TM_OK = 0,
	TM_ERROR = -1,		/* anything not covered below */
	TM_ENOTFOUND = -2,	/* a named object does not exist */
	TM_EINVAL = -3,		/* a bad argument or option */
	TM_ENOMEM = -4,		/* out of memory */
	TM_EIO = -5,		/* a file could not be read or written */
	TM_EPARSE = -6,		/* input is not well-formed or breaks its format */
	TM_EDB = -7,		/* the database refused or is damaged */
	TM_ENET = -8,		/* a network transfer failed */
	TM_EUTF8 = -9		/* text is not valid UTF-8 */
};

typedef struct tm_error {
	int code;		/* one of enum tm_result */
	const char *message;	/* lowercase, no final period */
} tm_error;

/*
 * The last error raised by a tm_ call on this thread, or NULL when the
 * last call succeeded or the error was cleared.  The memory stays valid
 * until the next tm_ call on the same thread.
 */
TM_EXTERN const tm_error *tm_error_last(void);

/* Forget the last error of this thread. */
TM_EXTERN void tm_error_clear(void);

/* Release memory that libtm allocated for the caller.  NULL is a no-op. */
TM_EXTERN void tm_free(void *ptr);

/* The library's version, e.g. "0.1.0".  Static memory. */
TM_EXTERN const char *tm_version(void);

/*
 * Set up the libraries libtm stands on, once for the process: SQLite
 * (sqlite3_initialize), libxml2 (xmlInitParser), ICU (u_init) and
 * libcurl (curl_global_init).  A program that uses libtm from several
 * threads calls it on one thread before starting the others; some of
 * those steps are not thread-safe when done lazily on first use.  After
 * it, closing the last machine translation provider no longer runs
 * curl_global_cleanup (which is not thread-safe either): libcurl stays
 * set up until tm_global_cleanup().  A single-threaded program need not
 * call it.  Calling it again does nothing more.
 *
 * Returns 0, TM_EDB (SQLite failed), TM_ENET (libcurl failed) or
 * TM_ERROR (ICU failed).
 */
TM_EXTERN int tm_global_init(void);

/*
 * Give back what tm_global_init() took (libcurl's global state, once no
 * provider is open).  Call it once every other thread has stopped using
 * libtm, typically just before exiting.  Without tm_global_init() it
 * does nothing.
 */
TM_EXTERN void tm_global_cleanup(void);

/*
 * Database
 * ========
 */

typedef struct tm_db tm_db;

enum tm_db_flags {
	TM_DB_READONLY = 1 << 0,	/* never write, never migrate */
	TM_DB_CREATE = 1 << 1		/* create the file (and its folder) */
};

/*
 * Find the default database path: $TM_DB if set and not empty, else
 * $XDG_DATA_HOME/tm/tm.db, else $HOME/.local/share/tm/tm.db.
 * The caller frees *out with tm_free().
 * Returns 0, TM_ENOTFOUND when neither TM_DB, XDG_DATA_HOME nor HOME is
 * set, or TM_ENOMEM.
 */
TM_EXTERN int tm_db_default_path(char **out);

/*
 * Open the database at `path` (a file name; ":memory:" works too).
 * With TM_DB_CREATE a missing file and its parent folder are created.
 * The schema is created or migrated to the current version unless
 * TM_DB_READONLY is set, in which case a database with an old schema is
 * refused.  The database is put in WAL mode so that readers may query
 * while an import runs.
 *
 * Returns 0, TM_ENOTFOUND (no such file, without TM_DB_CREATE), TM_EDB
 * (not a tm database, or a newer schema than this library knows), TM_EIO
 * or TM_ENOMEM.  On failure *out is NULL.
 */
TM_EXTERN int tm_db_open(tm_db **out, const char *path, unsigned flags);

/* Close the database.  NULL is a no-op. */
TM_EXTERN void tm_db_close(tm_db *db);

/*
 * 1 when `where` names a PostgreSQL database rather than a file: a URL
 * (postgresql://..., postgres://...) or a libpq key=value string
 * ("host=/run/pg dbname=tm").  tm_db_open() opens those through libpq.
 */
TM_EXTERN int tm_db_is_postgres(const char *where);

/* The schema version this library writes. */
TM_EXTERN int tm_db_schema_version(void);

/*
 * Import
 * ======
 */

enum tm_dup_mode {
	TM_DUP_SKIP = 0,	/* keep the stored unit, drop the new one */
	TM_DUP_KEEP = 1,	/* store both */
	TM_DUP_UPDATE = 2	/* the newer changedate (else creationdate) wins */
};

enum tm_import_flags {
	/* Import the valid units and report the invalid ones as skipped. */
	TM_IMPORT_SKIP_INVALID = 1 << 0
};

/*
 * A unit that breaks the TMX DTD (a tu without tuv, a tuv without
 * language or seg, an unknown element inside seg...).  The strings are
 * valid only during the callback.
 */
typedef struct tm_import_issue {
	const char *file;	/* the file as named by the caller */
	long line;		/* line of the unit's <tu> */
	const char *reason;	/* what is wrong, e.g. "<tu> has no <tuv>" */
	int skipped;		/* 1: the unit was left out and the rest goes on */
} tm_import_issue;

typedef struct tm_import_options {
	unsigned version;	/* TM_IMPORT_OPTIONS_VERSION */
	unsigned flags;		/* enum tm_import_flags */
	int duplicates;		/* enum tm_dup_mode */
	/*
	 * Called now and then with the bytes read so far and the size of
	 * the file (0 when unknown, e.g. for a pipe).  May be NULL.
	 */
	void (*progress)(uint64_t done, uint64_t total, void *payload);
	/* Called for each invalid unit.  May be NULL. */
	void (*issue)(const tm_import_issue *issue, void *payload);
	void *payload;
	/*
	 * The name the import is recorded under (tm stats, tm export's
	 * header) and its messages use, when the file read is not what the
	 * user knows, e.g. an alignment's temporary TMX.  NULL: the path.
	 */
	const char *name;
} tm_import_options;

#define TM_IMPORT_OPTIONS_VERSION 1
#define TM_IMPORT_OPTIONS_INIT { TM_IMPORT_OPTIONS_VERSION, 0, TM_DUP_SKIP, \
	NULL, NULL, NULL, NULL }

typedef struct tm_import_result {
	int64_t import_id;	/* id of the import in tm_stats, 0 if none */
	uint64_t units_read;	/* <tu> elements seen */
	uint64_t imported;	/* new units stored */
	uint64_t duplicates;	/* units equal to a stored one */
	uint64_t updated;	/* duplicates that replaced an older unit */
	uint64_t skipped;	/* invalid units left out */
	uint64_t variants;	/* <tuv> elements stored */
	double seconds;		/* wall-clock time of the whole import */
	double index_seconds;	/* of which updating the n-gram index */
	/*
	 * 1 when the units were imported but the n-gram index could not be
	 * brought up to date; the next import, tm_index_catch_up() or
	 * tm_reindex() does it.  Lookups meanwhile still find the units.
	 */
	int index_stale;
} tm_import_result;

/*
 * Import the TMX file at `path` (TMX 1.1 to 1.4b, any encoding libxml2
 * knows, UTF-16 with or without BOM, gzip-compressed or not; "-" reads
 * standard input) in one transaction: the file lands whole or not at all.
 *
 * The reader streams (memory stays flat whatever the file's size), never
 * reads a DTD or an external entity and never touches the network.
 *
 * If the file is not well-formed, nothing is imported and the error
 * names the file, line, column and problem.  Units that break the DTD
 * are passed to opts->issue; without TM_IMPORT_SKIP_INVALID the import
 * then fails (after reporting every such unit) and nothing is stored.
 *
 * `out` may be NULL; it is filled in on success and, as far as the
 * import got, on failure.  `opts` may be NULL for the defaults.
 *
 * Returns 0, TM_EIO (cannot read the file), TM_EPARSE (not well-formed,
 * hostile, or invalid units without TM_IMPORT_SKIP_INVALID), TM_EUTF8,
 * TM_EDB, TM_EINVAL or TM_ENOMEM.
 */
TM_EXTERN int tm_import_tmx(tm_import_result *out, tm_db *db,
    const char *path, const tm_import_options *opts);

/*
 * tm_import_tmx() reading the file descriptor `fd` (a pipe or socket
 * works: the reader streams) until end of file.  `fd` stays open and
 * belongs to the caller.  opts->name names the import in tm stats and
 * in messages ("-" when NULL).  A stream that ends before </tmx> is not
 * well-formed, so nothing is imported.  Returns as tm_import_tmx().
 */
TM_EXTERN int tm_import_tmx_fd(tm_import_result *out, tm_db *db, int fd,
    const tm_import_options *opts);

/*
 * JSON for the import of `file`: {"file", "import_id", "units_read",
 * "imported", "duplicates", "updated", "skipped", "variants", "seconds",
 * "index_seconds", "index_stale"},
 * plus "error" (the message) when `error` is not NULL.  The caller frees
 * *out with tm_free().  Returns 0 or TM_ENOMEM.
 */
TM_EXTERN int tm_import_result_json(char **out, const char *file,
    const tm_import_result *result, const tm_error *error);

/*
 * Export
 * ======
 */

typedef struct tm_export_options {
	unsigned version;	/* TM_EXPORT_OPTIONS_VERSION */
	/*
	 * Comma-separated BCP 47 tags, e.g. "zh-CN,en-US", or NULL for all.
	 * Only variants in these languages are written ("zh" takes every
	 * Chinese variant); with two or more languages a unit is written
	 * only when at least two of its variants remain, so that every unit
	 * written is still a translation.
	 */
	const char *langs;
	/*
	 * Only units changed (else created) at or after this date: TMX
	 * form 20200128T000000Z, ISO 8601 2020-01-28[T10:00:00[Z]] or
	 * 20200128.  NULL for all.
	 */
	const char *changed_since;
	void (*progress)(uint64_t done, uint64_t total, void *payload);
	void *payload;
} tm_export_options;

#define TM_EXPORT_OPTIONS_VERSION 1
#define TM_EXPORT_OPTIONS_INIT { TM_EXPORT_OPTIONS_VERSION, NULL, NULL, \
	NULL, NULL }

typedef struct tm_export_result {
	uint64_t units;		/* <tu> written */
	uint64_t variants;	/* <tuv> written */
	double seconds;
} tm_export_result;

/*
 * Write the memory as TMX 1.4b to `path` ("-" or NULL: standard output;
 * a name ending in ".gz" is compressed).  A file is written beside the
 * target and renamed over it on success, so a failed export leaves any
 * earlier file untouched.  Everything imported comes back: header
 * attributes, props, notes and udes; every tu and tuv attribute; props
 * and notes in their order; segments with their inline markup.  When the
 * units come from a single import, its header is written as it was;
 * otherwise tm writes its own header followed by the props, notes and
 * udes of every contributing import.
 *
 * Returns 0, TM_EINVAL (bad language list or date), TM_EIO, TM_EDB or
 * TM_ENOMEM.  `out` and `opts` may be NULL.
 */
TM_EXTERN int tm_export_tmx(tm_export_result *out, tm_db *db,
    const char *path, const tm_export_options *opts);

/*
 * tm_export_tmx() writing uncompressed TMX to the file descriptor `fd`
 * (a pipe or socket works), which stays open and belongs to the caller.
 * A write that fails (a reader that went away: EPIPE, so ignore
 * SIGPIPE) ends the export with TM_EIO.
 */
TM_EXTERN int tm_export_tmx_fd(tm_export_result *out, tm_db *db, int fd,
    const tm_export_options *opts);

/*
 * JSON for an export to `file`: {"file", "units", "variants", "seconds"}.
 * The caller frees *out with tm_free().  Returns 0 or TM_ENOMEM.
 */
TM_EXTERN int tm_export_result_json(char **out, const char *file,
    const tm_export_result *result);

/*
 * Statistics
 * ==========
 */

typedef struct tm_stats_lang {
	const char *lang;	/* as first written in an imported file */
	uint64_t variants;	/* <tuv> in this language */
} tm_stats_lang;

typedef struct tm_stats_pair {
	const char *a, *b;	/* a < b in BCP 47 order, case-insensitive */
	uint64_t units;		/* units holding both */
} tm_stats_pair;

typedef struct tm_stats_import {
	int64_t id;
	const char *file;	/* the path as given to import */
	const char *date;	/* when it ran, ISO 8601 UTC */
	uint64_t units_read, imported, duplicates, updated, skipped;
	double seconds;
} tm_stats_import;

typedef struct tm_stats {
	const char *path;	/* the database file */
	int schema_version;
	uint64_t units;
	uint64_t variants;
	size_t nlangs;
	tm_stats_lang *langs;	/* most variants first */
	size_t npairs;
	tm_stats_pair *pairs;	/* most units first */
	size_t nimports;
	tm_stats_import *imports;	/* oldest first */
	/*
	 * Units the n-gram index does not hold yet (an import killed or
	 * failed while indexing, or one indexing now); 0 when up to date.
	 */
	uint64_t index_behind;
} tm_stats;

/*
 * Gather statistics.  Everything *out points to belongs to it and goes
 * with tm_stats_free().  Returns 0, TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_stats_get(tm_stats **out, tm_db *db);
TM_EXTERN void tm_stats_free(tm_stats *stats);

/* The statistics as one JSON object; free *out with tm_free(). */
TM_EXTERN int tm_stats_json(char **out, const tm_stats *stats);

/*
 * Lookup
 * ======
 */

typedef struct tm_lookup_options {
	unsigned version;	/* TM_LOOKUP_OPTIONS_VERSION */
	const char *from;	/* the query's language, e.g. "zh-CN" (required) */
	const char *to;		/* the translation's language (required) */
	int min;		/* lowest score returned, 0..100 */
	size_t limit;		/* most matches returned */
	/* The source segments around the query, or NULL (context match). */
	const char *context_before;
	const char *context_after;
} tm_lookup_options;

#define TM_LOOKUP_OPTIONS_VERSION 1
#define TM_LOOKUP_OPTIONS_INIT { TM_LOOKUP_OPTIONS_VERSION, NULL, NULL, \
	50, 5, NULL, NULL }

/*
 * One match.  The score is 100 × (1 − edit distance / longer length) over
 * tokens (a CJK character, a word, a number), rounded down, then:
 * 100 only for the same text; 99 when only case, width, white space or
 * punctuation differ; 99 with the unit's numbers replaced by the
 * query's (in source and target) when only numbers differ; minus one
 * point per inline tag that differs; 101 for a 100 whose stored context
 * (props x-context-pre and x-context-post) equals the caller's.
 */
typedef struct tm_match {
	int score;		/* 0..101 */
	const char *source;	/* the unit's source text (numbers replaced) */
	const char *target;	/* its translation (numbers replaced) */
	const char *source_lang, *target_lang;	/* as written in the unit */
	/*
	 * The stored source against the query, word-diff style: text only
	 * in the stored source as "[-text-]", only in the query "{+text+}".
	 */
	const char *diff;
	int numbers_replaced;	/* 1: numbers were taken from the query */
	int64_t unit_id;
	const char *tuid;	/* NULL when the unit has none */
	const char *creationdate, *creationid, *changedate, *changeid;
	long long usagecount;
	const char *import_file;	/* the file the unit came from */
	/*
	 * 1: the query and the unit's source are written in different
	 * Chinese scripts (Traditional and Simplified), which the memory
	 * folds to one for matching (see tm_reindex).
	 */
	int script_differs;
} tm_match;

typedef struct tm_matches tm_matches;

/*
 * Find the stored units whose source is closest to `query` (plain UTF-8
 * text in opts->from) and that hold a translation in opts->to, best
 * first; ties go to the newer changedate, then the higher usagecount.
 * Candidates come from the n-gram index, which import keeps current.
 * A lookup never writes, not even on a writable handle: units stored
 * after the index was last updated (an import killed while indexing)
 * are scored one by one besides the index's candidates, and
 * tm_matches_unindexed() says how many there were.
 * The caller frees *out with tm_matches_free().
 *
 * Returns 0 (also when nothing matched), TM_EINVAL (no languages, bad
 * options), TM_EUTF8, TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_lookup(tm_matches **out, tm_db *db, const char *query,
    const tm_lookup_options *opts);
TM_EXTERN size_t tm_matches_count(const tm_matches *m);
/* The i-th match; valid until tm_matches_free(). */
TM_EXTERN const tm_match *tm_matches_get(const tm_matches *m, size_t i);
TM_EXTERN void tm_matches_free(tm_matches *m);
/*
 * The units the index did not hold yet, which the lookup searched one
 * by one: 0 when the index was up to date.  More than a few make
 * lookups slow; tm_index_catch_up() or tm_reindex() clears them.
 */
TM_EXTERN uint64_t tm_matches_unindexed(const tm_matches *m);
/*
 * {"query": ..., "matches": [{"score", "source", "target", ...}],
 * "index_behind": tm_matches_unindexed()}.
 */
TM_EXTERN int tm_matches_json(char **out, const char *query,
    const tm_matches *m);

enum tm_concordance_in {
	TM_IN_SOURCE = 0,	/* search the variants in opts->lang */
	TM_IN_TARGET = 1,	/* search the other variants */
	TM_IN_BOTH = 2
};

typedef struct tm_concordance_options {
	unsigned version;	/* TM_CONCORDANCE_OPTIONS_VERSION */
	const char *lang;	/* the term's language, or NULL for any */
	int in;			/* enum tm_concordance_in */
	size_t limit;		/* most hits returned, newest units first */
} tm_concordance_options;

#define TM_CONCORDANCE_OPTIONS_VERSION 1
#define TM_CONCORDANCE_OPTIONS_INIT { TM_CONCORDANCE_OPTIONS_VERSION, \
	NULL, TM_IN_SOURCE, 20 }

typedef struct tm_hit {
	const char *text;	/* the variant holding the term */
	const char *lang;
	size_t start, len;	/* the hit: bytes of text */
	const char *other;	/* the unit's other variant, or NULL */
	const char *other_lang;
	int64_t unit_id;
	const char *tuid;
} tm_hit;

typedef struct tm_hits tm_hits;

/*
 * Every unit with a variant containing `term` (compared by matching
 * key: case, width and punctuation do not matter), with the hit's place
 * and the unit's translation beside it.  Like tm_lookup() it never
 * writes and searches units past the index one by one
 * (tm_hits_unindexed()).  Returns 0, TM_EINVAL, TM_EDB
 * or TM_ENOMEM.  The caller frees *out with tm_hits_free().
 */
TM_EXTERN int tm_concordance(tm_hits **out, tm_db *db, const char *term,
    const tm_concordance_options *opts);
TM_EXTERN size_t tm_hits_count(const tm_hits *h);
TM_EXTERN const tm_hit *tm_hits_get(const tm_hits *h, size_t i);
TM_EXTERN void tm_hits_free(tm_hits *h);
/* As tm_matches_unindexed(), for a concordance search. */
TM_EXTERN uint64_t tm_hits_unindexed(const tm_hits *h);
/* {"term", "hits": [...], "index_behind": tm_hits_unindexed()}. */
TM_EXTERN int tm_hits_json(char **out, const char *term, const tm_hits *h);

/*
 * Rebuild the derived data: every matching key (after a change of the
 * key rules or of the Traditional→Simplified setting) and the n-gram
 * index.  `fold_traditional`: 1 to fold Traditional Chinese to
 * Simplified in keys from now on, 0 not to, -1 to keep the setting.
 */
TM_EXTERN int tm_reindex(tm_db *db, int fold_traditional);

/*
 * Copy the memory `src` into `dst`, a new memory on either backend
 * (SQLite to PostgreSQL, back, or the same kind): every import and its
 * header, unit, variant, note and property, glossary entry, replaced
 * translation, machine-translation cache entry and access token, with
 * their ids; then dst's n-gram index is built, with src's setting for
 * folding Traditional Chinese.  The rows go into dst in one
 * transaction, read from one snapshot of src: the copy lands whole or
 * not at all.  *units (may be NULL) gets the units copied.  Returns 0,
 * TM_EINVAL (dst holds units, imports or terms, or is src, or is
 * read-only) or TM_EDB.
 */
TM_EXTERN int tm_db_copy(tm_db *src, tm_db *dst, uint64_t *units);

/*
 * Bring the n-gram index up to date with the units stored since its
 * last update (tm_stats' index_behind), in a write transaction of its
 * own; nothing is written when it is up to date.  Imports do this
 * themselves; a server calls it when a lookup reports units past the
 * index, from a thread of its own (it holds the write lock as long as
 * indexing takes, as an import's index phase does).  Returns 0,
 * TM_EINVAL (read-only handle), TM_EDB, TM_EIO (no room for the
 * temporary file) or TM_ENOMEM.
 */
TM_EXTERN int tm_index_catch_up(tm_db *db);

/*
 * Language tags
 * =============
 */

/*
 * Write the matching key of a BCP 47 tag to `out` (at most `size` bytes
 * with the NUL): lowercase, '_' turned into '-', surrounding space
 * dropped.  "zh_CN", "ZH-CN" and "zh-cn" all give "zh-cn".
 * Returns 0, or TM_EINVAL for an empty or malformed tag or one that does
 * not fit.
 */
TM_EXTERN int tm_lang_key(char *out, size_t size, const char *tag);

/*
 * Whether `tag` is covered by the language `query`: equal keys, or
 * `query` is a prefix of `tag` on a subtag boundary ("zh" covers
 * "zh-CN"), with Chinese scripts and regions folded ("zh-Hans" and
 * "zh-CN", "zh-SG" are one; "zh-Hant", "zh-TW", "zh-HK", "zh-MO" are
 * another).  Returns 1 or 0.
 */
TM_EXTERN int tm_lang_match(const char *query, const char *tag);

/*
 * Text
 * ====
 */

/*
 * The normalised matching key of `text`: Unicode NFKC with case folding
 * (full-width letters, digits and the ideographic space fold to ASCII),
 * Chinese punctuation folded onto its Western counterpart (。→. ，→,
 * “”《》→" ……→...), runs of white space collapsed to one space and
 * trimmed.  (A memory may also fold Traditional to Simplified Chinese;
 * see tm_reindex.)  The caller frees *out with tm_free().  Returns 0,
 * TM_EUTF8 or TM_ENOMEM.
 */
TM_EXTERN int tm_text_key(char **out, const char *text, size_t len);

/*
 * Segmentation
 * ============
 */

enum tm_srx_mode {
	TM_SRX_EXTEND = 0,	/* the file's rules first, then the built-in */
	TM_SRX_REPLACE = 1	/* the file's rules only */
};

typedef struct tm_segmenter tm_segmenter;

/*
 * A sentence segmenter for `lang` (BCP 47): ICU's sentence break
 * iterator plus SRX 2.0 rules.  The built-in rules are themselves an SRX
 * document (Chinese: ends at 。！？； and …… with closing quotes and
 * brackets attached, never inside 《》; English: Mr., U.S., No. 5, a.m.,
 * decimals, initials and ellipses stay together).  `srx_path` (or NULL)
 * names an SRX 2.0 file whose language rules for `lang` come before the
 * built-in ones (TM_SRX_EXTEND) or replace them (TM_SRX_REPLACE).  The
 * file is read without network, external entities or DTD.
 *
 * Returns 0, TM_EINVAL (bad language or mode), TM_EIO, TM_EPARSE (not
 * SRX, or a rule that is not a valid regular expression; the message
 * names file and line) or TM_ENOMEM.  Free with tm_segmenter_free().
 *
 * Thread-safety: once made, a segmenter may be used by any number of
 * threads at once through tm_segment_text() (each call applies its own
 * copy of the rules), until tm_segmenter_free(), which must not run
 * while a call uses it.
 */
TM_EXTERN int tm_segmenter_new(tm_segmenter **out, const char *lang,
    const char *srx_path, int srx_mode);
TM_EXTERN void tm_segmenter_free(tm_segmenter *sg);

typedef struct tm_segment {
	const char *text;	/* the sentence, trimmed, lines joined */
	size_t para;		/* its paragraph (blank lines, headings), from 0 */
	long line;		/* the line it starts on, from 1 */
} tm_segment;

typedef struct tm_segments tm_segments;

/*
 * Split `text` (UTF-8) into sentences.  A blank line and a heading (a
 * short line that ends without a full stop, question or exclamation
 * mark) end a paragraph; lines within a paragraph are joined.
 * Safe to call from several threads at once with the same `sg`.
 * Returns 0, TM_EUTF8 or TM_ENOMEM; free *out with tm_segments_free().
 */
TM_EXTERN int tm_segment_text(tm_segments **out, const tm_segmenter *sg,
    const char *text, size_t len);
TM_EXTERN size_t tm_segments_count(const tm_segments *s);
/* The i-th sentence; valid until tm_segments_free(). */
TM_EXTERN const tm_segment *tm_segments_get(const tm_segments *s, size_t i);
TM_EXTERN void tm_segments_free(tm_segments *s);
/* {"lang", "segments": [{"text", "para", "line"}]}; free with tm_free(). */
TM_EXTERN int tm_segments_json(char **out, const char *lang,
    const tm_segments *s);

/*
 * Read a text file as UTF-8: "-" is standard input.  `encoding` names
 * the file's encoding for ICU (e.g. "GB18030"), or NULL to detect: UTF-8
 * with or without BOM, else GB18030 (which covers GBK and GB2312) when
 * the bytes decode cleanly as such.  The caller frees *out with
 * tm_free(); *len excludes the NUL.  Returns 0, TM_EIO, TM_EUTF8 (not
 * UTF-8 and not GB18030, or not valid in `encoding`: the message names
 * file and line), TM_EINVAL (unknown encoding) or TM_ENOMEM.
 */
TM_EXTERN int tm_text_read(char **out, size_t *len, const char *path,
    const char *encoding);

/*
 * Alignment
 * =========
 */

typedef struct tm_dict tm_dict;

/*
 * Load a bilingual dictionary in CC-CEDICT form, one entry a line:
 * "Traditional Simplified [pin1 yin1] /gloss/gloss/"; lines starting
 * with '#' are comments.  Returns 0, TM_EIO, TM_EPARSE (a malformed
 * line, one over 64 KiB or with a NUL byte: the message names file and
 * line), TM_EUTF8 or TM_ENOMEM.
 */
TM_EXTERN int tm_dict_load(tm_dict **out, const char *path);
/* An empty dictionary, to fill with tm_dict_add_memory(). */
TM_EXTERN int tm_dict_new(tm_dict **out);
/*
 * Add the memory's own short units as entries: every variant in `from`
 * of 2 to max_chars (at most 8) characters with a variant in `to` in
 * the same unit (terms, names, titles); the translation's words are the
 * entry's glosses.  Returns 0, TM_EINVAL, TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_dict_add_memory(tm_dict *d, tm_db *db, const char *from,
    const char *to, size_t max_chars);
/* What tm_dict_learn_memory() did. */
typedef struct tm_dict_learn_stats {
	size_t units;		/* sentence pairs read */
	size_t entries;		/* headwords learned */
	size_t pair_slots;	/* size of the co-occurrence table */
	int cached;		/* 1: read back from the memory, not learned */
} tm_dict_learn_stats;
/*
 * Learn a translation lexicon from the memory's units with a variant in
 * `from` and one in `to`, one of them Chinese, Japanese or Korean: the
 * CJK side cut into words (ICU's word breaker), the other into content
 * words, and each CJK word given the few words of the other language
 * that occur with it most consistently (Dice coefficient of the units
 * they occur in).  At most max_units units are read (0: all); memory
 * stays bounded whatever the count.  Nothing is learned (and 0
 * returned) when neither or both languages are CJK.  The lexicon is
 * kept in the memory (when it is open for writing) with the memory's
 * state, and read back instead of learned while the memory has not
 * changed.  `stats` may be NULL.  Returns 0, TM_EINVAL, TM_EDB or
 * TM_ENOMEM.
 */
TM_EXTERN int tm_dict_learn_memory(tm_dict *d, tm_db *db, const char *from,
    const char *to, size_t max_units, tm_dict_learn_stats *stats);
TM_EXTERN size_t tm_dict_count(const tm_dict *d);
TM_EXTERN void tm_dict_free(tm_dict *d);

enum tm_align_flags {
	/* Each line is one segment: no paragraph or sentence splitting. */
	TM_ALIGN_LINES = 1 << 0
};

typedef struct tm_align_options {
	unsigned version;	/* TM_ALIGN_OPTIONS_VERSION */
	const char *from;	/* the source text's language (required) */
	const char *to;		/* the target text's language (required) */
	unsigned flags;		/* enum tm_align_flags */
	const char *encoding;	/* both files' encoding, NULL: detect */
	const char *srx;	/* SRX file for segmentation, or NULL */
	int srx_mode;		/* enum tm_srx_mode */
	const tm_dict *dict;	/* extra anchors, or NULL */
} tm_align_options;

#define TM_ALIGN_OPTIONS_VERSION 1
#define TM_ALIGN_OPTIONS_INIT { TM_ALIGN_OPTIONS_VERSION, NULL, NULL, 0, \
	NULL, NULL, TM_SRX_EXTEND, NULL }

/*
 * One link: `nsrc` source segments from `src` with `ntgt` target
 * segments from `tgt` (0-based).  A count of 0 is an unmatched segment
 * (a 1-0 or 0-1 link).
 */
typedef struct tm_align_link {
	size_t src, nsrc;
	size_t tgt, ntgt;
	/*
	 * Confidence from 0 to 1: exp(-cost / 4) of the link's cost in the
	 * model (length and anchors, or the fixed cost of an unmatched
	 * segment; the link type's prior left out), capped at 1.  Pairs
	 * below about 0.5 deserve a look.
	 */
	double score;
} tm_align_link;

typedef struct tm_alignment tm_alignment;

/*
 * Align a text with its translation.  Without TM_ALIGN_LINES both are
 * segmented (tm_segment_text), paragraphs are aligned first and then
 * the sentences within each aligned group of paragraphs; with it, each
 * line is a segment.
 *
 * Links are found by dynamic programming over 1-1, 1-2, 2-1, 2-2, 1-3,
 * 3-1, 2-3, 3-2, 3-3, 1-0 and 0-1 links.  A link's cost adds a prior per
 * link type (lower for the larger links when opts->dict holds 2,000
 * headwords or more), a Gaussian cost on the log ratio of the two
 * sides' lengths in code points (the ratio is estimated per document,
 * then again from the first pass's 1-1 links), a fixed cost for an unmatched segment (lower
 * for a Chinese byline such as 新华社…电 or （完）), and a reward or penalty
 * for the anchors the two sides share or do not (see tm_align_options).
 *
 * Returns 0, TM_EINVAL (no languages, bad options), TM_EUTF8 or
 * TM_ENOMEM.  The caller frees *out with tm_alignment_free().
 */
TM_EXTERN int tm_align_texts(tm_alignment **out, const char *src,
    size_t src_len, const char *tgt, size_t tgt_len,
    const tm_align_options *opts);

/*
 * tm_align_texts() on two files read with tm_text_read(); their names
 * are kept for the TMX prop x-align-doc.  Errors name the file.
 */
TM_EXTERN int tm_align_files(tm_alignment **out, const char *src_path,
    const char *tgt_path, const tm_align_options *opts);

TM_EXTERN size_t tm_alignment_count(const tm_alignment *a);
/* The i-th link, in document order; valid until tm_alignment_free(). */
TM_EXTERN const tm_align_link *tm_alignment_get(const tm_alignment *a,
    size_t i);
/* Segments of side 0 (source) or 1 (target). */
TM_EXTERN size_t tm_alignment_segments(const tm_alignment *a, int side);
TM_EXTERN const char *tm_alignment_segment(const tm_alignment *a, int side,
    size_t i);
TM_EXTERN void tm_alignment_free(tm_alignment *a);

enum tm_align_format {
	/*
	 * TMX 1.4b: one <tu> per link with text on both sides (the
	 * segments of a 1-2 link joined), with props x-align-score (0.000 to 1.000),
	 * x-align-type ("1-2") and x-align-doc ("SRC | TGT", the files).
	 */
	TM_ALIGN_TMX = 0,
	/* score, type, source, target: one link a line, tab-separated. */
	TM_ALIGN_TSV = 1,
	/* align-eval's links: "[0]:[0]", "[1,2]:[1]", "[3]:[]". */
	TM_ALIGN_LINKS = 2,
	/* {"from", "to", "src", "tgt", "links": [{"src": [..], "tgt":
	 * [..], "type", "score", "source", "target"}]} */
	TM_ALIGN_JSON = 3
};

/*
 * Write the alignment to `path` ("-" or NULL: standard output) in
 * `format`.  A file is written beside the target and renamed over it.
 * Returns 0, TM_EINVAL or TM_EIO.
 */
TM_EXTERN int tm_alignment_write(const tm_alignment *a, const char *path,
    int format);

/*
 * Import the alignment's TMX (TM_ALIGN_TMX) into the memory through the
 * same reader as tm_import_tmx(), in one transaction; x-align-score and
 * x-align-doc stay on each unit as props, so that tm export keeps them.
 * The import is recorded as "SRC | TGT", the two files aligned.  An
 * alignment without a link that has both sides imports nothing and
 * leaves no trace.  Returns what tm_import_tmx() returns, or TM_EIO when
 * the temporary file ($TMPDIR, else /tmp) cannot be written.
 */
TM_EXTERN int tm_alignment_import(tm_import_result *out, tm_db *db,
    const tm_alignment *a, const tm_import_options *opts);

/*
 * Machine translation
 * ===================
 *
 * Providers (DeepL, Google v2, Microsoft v3, LibreTranslate, Apertium
 * APy, OpenAI-compatible chat completions, Baidu) are named in a config
 * file, an INI file:
 *
 *   [provider deepl]
 *   type = deepl
 *   key_env = DEEPL_KEY
 *
 * Secrets come only from the environment variables the file names; a
 * key written in the file itself is refused.  Keys never appear in
 * results, messages or the database.  Translations are cached in the
 * database (table mt_cache), apart from the memory's units.
 */

typedef struct tm_mt_config tm_mt_config;

/*
 * Find the config file: $TM_CONFIG if set and not empty, else
 * $XDG_CONFIG_HOME/tm/config, else $HOME/.config/tm/config.  The caller
 * frees *out with tm_free().  Returns 0, TM_ENOTFOUND or TM_ENOMEM.
 */
TM_EXTERN int tm_mt_config_default_path(char **out);

/*
 * Read the config file at `path` (NULL: the default above).  A missing
 * default file is an empty configuration; a missing named file is
 * TM_ENOTFOUND.  Errors name the file and line.  Returns 0,
 * TM_ENOTFOUND, TM_EIO, TM_EPARSE (bad syntax, unknown section or
 * option, a key written in the file) or TM_ENOMEM.  The caller frees
 * *out with tm_mt_config_free().
 */
TM_EXTERN int tm_mt_config_load(tm_mt_config **out, const char *path);
TM_EXTERN void tm_mt_config_free(tm_mt_config *cfg);

/* What the configuration says about one provider; never the key. */
typedef struct tm_mt_provider_info {
	const char *name;	/* [provider NAME] */
	const char *type;	/* deepl, google, microsoft, ... */
	const char *url;	/* the base URL in use */
	const char *model;	/* NULL when the type has none */
	const char *key_env;	/* the variable holding the key, or NULL */
	int key_set;		/* 1 when that variable is set and not empty */
	int key_needed;		/* 1 when the type cannot work without a key */
} tm_mt_provider_info;

TM_EXTERN size_t tm_mt_config_count(const tm_mt_config *cfg);
/* The i-th provider, in file order; valid until tm_mt_config_free(). */
TM_EXTERN int tm_mt_config_get(tm_mt_provider_info *out,
    const tm_mt_config *cfg, size_t i);

/*
 * {"config": path, "providers": [{"name", "type", "url", "model",
 * "key_env", "key_set", "key_needed"}]}: never a key.  Free *out with
 * tm_free().  Returns 0 or TM_ENOMEM.
 */
TM_EXTERN int tm_mt_config_json(char **out, const tm_mt_config *cfg);

typedef struct tm_mt tm_mt;

/*
 * Open the provider `name` of `cfg`, reading its key from the
 * environment.  Returns 0, TM_ENOTFOUND (no such provider), TM_EINVAL
 * (its key variable is unset) or TM_ENOMEM.  Close with tm_mt_close().
 * A tm_mt must not be used by two threads at once.
 */
TM_EXTERN int tm_mt_open(tm_mt **out, const tm_mt_config *cfg,
    const char *name);
TM_EXTERN void tm_mt_close(tm_mt *mt);

enum tm_mt_flags {
	/* Ask the provider even when the cache holds the text. */
	TM_MT_NO_CACHE = 1 << 0
};

typedef struct tm_mt_options {
	unsigned version;	/* TM_MT_OPTIONS_VERSION */
	const char *from;	/* BCP 47 source language (required) */
	const char *to;		/* BCP 47 target language (required) */
	unsigned flags;		/* enum tm_mt_flags */
} tm_mt_options;

#define TM_MT_OPTIONS_VERSION 1
#define TM_MT_OPTIONS_INIT { TM_MT_OPTIONS_VERSION, NULL, NULL, 0 }

/* The outcome for one segment. */
typedef struct tm_mt_result {
	const char *text;	/* the translation, or NULL when it failed */
	int cached;		/* 1: from the cache, no request made */
	int code;		/* 0, or the TM_E* code of the failure */
	const char *error;	/* NULL, or the message (the provider's own) */
} tm_mt_result;

typedef struct tm_mt_results tm_mt_results;

/*
 * Translate `n` segments of plain UTF-8 text.  Segments are looked up
 * in the cache of `db` first (unless TM_MT_NO_CACHE; `db` may be NULL
 * for no cache), the rest are sent in batches within the provider's
 * limits, several requests at once, retried with exponential backoff on
 * rate limits, server errors and broken connections.  Translations that
 * arrive are cached (when `db` is writable) even when others fail; if
 * the cache cannot be written, tm_mt_results_cache_error() says why.
 *
 * Returns 0 when the call could be made; each segment then has its own
 * result, success or failure.  Returns TM_EINVAL (bad options, a
 * language the provider cannot take) or TM_ENOMEM otherwise.  The
 * caller frees *out with tm_mt_results_free().
 */
TM_EXTERN int tm_mt_translate(tm_mt_results **out, tm_mt *mt, tm_db *db,
    const char *const *segments, size_t n, const tm_mt_options *opts);
TM_EXTERN size_t tm_mt_results_count(const tm_mt_results *r);
/* The i-th result; valid until tm_mt_results_free(). */
TM_EXTERN const tm_mt_result *tm_mt_results_get(const tm_mt_results *r,
    size_t i);
/* Number of segments that failed. */
TM_EXTERN size_t tm_mt_results_failed(const tm_mt_results *r);
/* HTTP requests made (retries included) for this call. */
TM_EXTERN size_t tm_mt_results_requests(const tm_mt_results *r);
/*
 * NULL, or why the translations received could not be written to the
 * cache (the database busy or read-only); they are in the results all
 * the same.  Valid until tm_mt_results_free().
 */
TM_EXTERN const char *tm_mt_results_cache_error(const tm_mt_results *r);
TM_EXTERN void tm_mt_results_free(tm_mt_results *r);

/*
 * {"provider", "type", "from", "to", "requests", "failed", "segments":
 * [{"line", "source", "text", "cached", "error"}]} with the segments
 * given to tm_mt_translate ("line" counts from 1; "source" is null for
 * a segment that is not valid UTF-8, "text" null for a failure, "error"
 * null for a success).  Free *out with tm_free().  Returns 0 or TM_ENOMEM.
 */
TM_EXTERN int tm_mt_results_json(char **out, const tm_mt *mt,
    const tm_mt_options *opts, const char *const *segments,
    const tm_mt_results *r);

/*
 * Glossary
 * ========
 *
 * Terms kept in the memory's database, imported from TBX (TBX-Basic,
 * TBX 2 <martif>, TBX v3 <tbx>, as memoQ, Trados MultiTerm and OmegaT
 * export them; MultiTerm's own XML export too) or from CSV/TSV whose
 * header row names the languages.  An entry (a concept) has terms in
 * several languages; each term keeps its status, part of speech, note
 * and dates.
 */

typedef struct tm_term {
	const char *text;	/* the term as written */
	const char *lang;	/* its language tag as written */
	const char *status;	/* "preferred", "admitted", "deprecated" or NULL */
	const char *pos;	/* part of speech or NULL */
	const char *note;	/* NULL or a note */
} tm_term;

typedef struct tm_term_hit {
	size_t start, len;	/* byte span of the term in the text searched */
	const tm_term *source;	/* the entry's term that was found */
	const tm_term *targets;	/* the entry's terms in the target language, */
	size_t ntargets;	/* preferred first, deprecated last */
	int64_t entry_id;
} tm_term_hit;

typedef struct tm_term_hits tm_term_hits;

/*
 * Terms of the glossary in `from` found in `text` (case, width and
 * punctuation aside, longest first, not overlapping), each with its
 * entry's terms in `to`.  `from` NULL: terms of any language; `to`
 * NULL: every language but the found term's.  Hits come in text
 * order; a Latin-script term matches whole words only.  Free *out
 * with tm_term_hits_free(); the hits' memory lives until then.
 * 0, TM_EINVAL, TM_EUTF8, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_glossary_find(tm_term_hits **out, tm_db *db,
    const char *text, const char *from, const char *to);
TM_EXTERN size_t tm_term_hits_count(const tm_term_hits *h);
TM_EXTERN const tm_term_hit *tm_term_hits_get(const tm_term_hits *h, size_t i);
TM_EXTERN void tm_term_hits_free(tm_term_hits *h);
/*
 * {"text", "hits": [{"start", "len", "term", "lang", "status", "pos",
 * "note", "entry", "targets": [{"text", "lang", "status", "pos",
 * "note"}]}]}.  Free *out with tm_free().  0 or TM_ENOMEM.
 */
TM_EXTERN int tm_term_hits_json(char **out, const char *text,
    const tm_term_hits *h);

typedef struct tm_glossary_result {
	size_t entries;		/* entries imported */
	size_t terms;		/* terms imported */
} tm_glossary_result;

/*
 * Import a glossary file into the database in one transaction: the
 * whole file or nothing.  `format` is "tbx", "csv", "tsv" or NULL to
 * tell by the content (XML: TBX; a tab in the header: TSV; else CSV).
 * CSV/TSV: the header row names each column: a language tag, or
 * "note", "pos" or "status"; a cell may hold several terms separated
 * by " | ".  Files are read with no network access, no DTD and no
 * external entity.  Errors name the file and line.  A file imported
 * again (by the same path) replaces the entries it brought before.
 * `out` may be NULL.
 * 0, TM_EINVAL, TM_EIO, TM_EPARSE, TM_EUTF8, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_glossary_import(tm_glossary_result *out, tm_db *db,
    const char *path, const char *format);
/* {"file", "entries", "terms"}; free with tm_free().  0 or TM_ENOMEM. */
TM_EXTERN int tm_glossary_result_json(char **out, const char *file,
    const tm_glossary_result *r);

/*
 * The whole glossary as `format` ("tbx": TBX-Basic, "csv" or "tsv" with
 * a header naming the languages) in *out, *len bytes, NUL-terminated;
 * free with tm_free().  0, TM_EINVAL, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_glossary_export(char **out, size_t *len, tm_db *db,
    const char *format);

/*
 * Checks
 * ======
 */

typedef struct tm_finding {
	const char *kind;	/* "number", "date", "time", "term",
				   "deprecated-term", "empty", "untranslated",
				   "same-as-source", "tags", "spaces",
				   "brackets", "quotes" */
	const char *message;	/* names what was expected, e.g.
				   "5万 (50,000) is not in the target";
				   English, for machine formats */
	const char *expected;	/* NULL or the expected form(s) */
	size_t src_start, src_len;	/* span in the source, len 0: none */
	size_t tgt_start, tgt_len;	/* span in the target, len 0: none */
	const char *text;	/* the message in the language of
				   LC_MESSAGES (for people) */
} tm_finding;

typedef struct tm_findings tm_findings;

/*
 * Check one translated segment (`db` may be NULL: no glossary checks):
 * every number of the source in the target in an equivalent form
 * (5万 = 50,000, 百分之五 = 5%), dates and times (1月28日 = January 28,
 * 凌晨1时 = 1 a.m.), glossary terms (the preferred translation used,
 * deprecated ones flagged), empty or untranslated targets, target the
 * same as the source, inline tags, doubled spaces, brackets and
 * quotes.  Free *out with tm_findings_free().
 * 0, TM_EINVAL, TM_EUTF8, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_check_segment(tm_findings **out, tm_db *db,
    const char *source, const char *target, const char *from, const char *to);
TM_EXTERN size_t tm_findings_count(const tm_findings *f);
TM_EXTERN const tm_finding *tm_findings_get(const tm_findings *f, size_t i);
TM_EXTERN void tm_findings_free(tm_findings *f);

/*
 * Official titles: tm_check_segment() compares a title's qualifier
 * (副 Deputy or Vice, 代理 Acting, 前 or 原 Former, 助理 Assistant,
 * 名誉 Honorary) in the source and the target, for the common titles
 * built in (主任 Director, 总领事 Consul General ...) and for those of
 * the user's $XDG_CONFIG_HOME/tm/titles.tsv (~/.config/tm/titles.tsv),
 * read on the first check.  This adds the titles of another such file
 * for the rest of the process.  Each line is a Chinese title without
 * its qualifier, a tab and its English form (more tabs, more forms);
 * '#' starts a comment line.  Thread-safe.
 * 0, TM_EINVAL, TM_EIO, TM_EPARSE (with the line), TM_EUTF8, TM_ENOMEM.
 */
TM_EXTERN int tm_check_titles_load(const char *path);

/*
 * XLIFF 1.2
 * =========
 *
 * Reading the XLIFF that `tm pretranslate` writes (or a CAT tool saved
 * after review), for checking and for taking reviewed segments back.
 */

typedef struct tm_xliff_unit {
	const char *id;		/* the trans-unit's id */
	long line;		/* of <trans-unit> */
	/*
	 * Source and target as text with the inline elements written back
	 * as XML (<g id="1">...</g>, <x id="2"/>, <ph id="3"/>: their
	 * native code dropped; <mrk> unwrapped), and as plain text (the
	 * text of <g> and <mrk> only).  target and target_text are NULL
	 * when there is no <target>.
	 */
	const char *source, *source_text;
	const char *target, *target_text;
	const char *state;	/* the target's state= or NULL */
	long target_line;
	const char *source_lang, *target_lang;	/* of its <file> */
	const char *file;	/* its <file original=""> or NULL */
	/* <context context-type="x-context-pre|x-context-post"> or NULL. */
	const char *context_pre, *context_post;
	/* Of the <phase> its phase-name= names: contact-name and date. */
	const char *reviewer, *date;
} tm_xliff_unit;

typedef struct tm_xliff tm_xliff;

/*
 * Read an XLIFF 1.x file: every <trans-unit> of every <file>, also
 * inside <group>.  No network, no DTD, no entity is read or expanded.
 * Errors name the file and line.  Free *out with tm_xliff_free().
 * 0, TM_EINVAL, TM_EIO, TM_EPARSE, TM_ENOMEM.
 */
TM_EXTERN int tm_xliff_read(tm_xliff **out, const char *path);
TM_EXTERN size_t tm_xliff_count(const tm_xliff *x);
/* The i-th unit, in document order; valid until tm_xliff_free(). */
TM_EXTERN const tm_xliff_unit *tm_xliff_get(const tm_xliff *x, size_t i);
TM_EXTERN void tm_xliff_free(tm_xliff *x);

/*
 * tm_check_segment() on every unit (a missing target checks as empty),
 * as {"file", "segments": [{"id", "line", "source", "target", "state",
 * "findings": [{"kind", "message", "expected", "src_start", "src_len",
 * "tgt_start", "tgt_len"}]}], "findings": N} listing the units with
 * findings.  *nfindings gets N.  Free *out with tm_free().
 * 0, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_xliff_check_json(char **out, size_t *nfindings, tm_db *db,
    const tm_xliff *x, const char *path);

typedef struct tm_xliff_import_result {
	size_t units;		/* trans-units read */
	size_t imported;	/* reviewed units stored as new units */
	size_t updated;		/* stored units whose translation changed */
	size_t unchanged;	/* stored units with that translation already */
	size_t skipped;		/* not reviewed, or with an empty target */
} tm_xliff_import_result;

/*
 * Store the reviewed units (target state "translated", "final" or
 * "signed-off") of `x` in one transaction.  A unit whose source text
 * and context (props x-context-pre and x-context-post, compared with
 * the trans-unit's <context>s) are stored already gets the new
 * translation; the one it had goes to the unit's history (schema 6,
 * table tu_history, shown by `tm history`).  Any other becomes a new
 * unit with those props.  The reviewer and date are the unit's
 * <phase> contact-name and date, else `reviewer` and now, stored as
 * changeid and changedate.  Sources are stored as plain text (the
 * text of inline elements kept, their codes dropped); a target with
 * inline codes keeps them as TMX 1.4b markup (<g> as a bpt/ept pair
 * with x= its id and type= its ctype, <x/> and <ph> as ph, the others
 * as it), its text and key plain.  `file` names
 * the import in `tm stats`.  `out` may be NULL.
 * 0, TM_EINVAL, TM_EPARSE, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_xliff_import(tm_xliff_import_result *out, tm_db *db,
    const tm_xliff *x, const char *file, const char *reviewer);
/*
 * {"file", "units", "imported", "updated", "unchanged", "skipped"};
 * free with tm_free().  0 or TM_ENOMEM.
 */
TM_EXTERN int tm_xliff_import_result_json(char **out, const char *file,
    const tm_xliff_import_result *r);

typedef struct tm_history_entry {
	int64_t unit_id;
	const char *source;	/* the unit's source text now */
	const char *lang;	/* of the replaced translation */
	const char *seg;	/* the replaced translation as stored (XML) */
	const char *changeid, *changedate;	/* its own */
	const char *replaced, *replaced_by;	/* when, and by whom */
} tm_history_entry;

typedef struct tm_history tm_history;

/*
 * The translations that tm_xliff_import() replaced, newest first, of
 * the units whose source text in `from` is `text` (NULL: all units).
 * Free *out with tm_history_free().  0, TM_EINVAL, TM_EDB, TM_ENOMEM.
 */
TM_EXTERN int tm_history_get(tm_history **out, tm_db *db, const char *text,
    const char *from);
TM_EXTERN size_t tm_history_count(const tm_history *h);
TM_EXTERN const tm_history_entry *tm_history_at(const tm_history *h,
    size_t i);
TM_EXTERN void tm_history_free(tm_history *h);
/* {"history": [{"unit", "source", "lang", "text", ...}]}; tm_free(). */
TM_EXTERN int tm_history_json(char **out, const tm_history *h);

/*
 * Pre-translation
 * ===============
 *
 * A document (UTF-8 or GB18030/GBK text, Markdown, HTML) is read,
 * segmented and each segment given the best the memory has: a context
 * (101) or exact (100) match, else the best fuzzy match at or above
 * `min` (numbers substituted), else machine translation when a provider
 * is open, else nothing.  A segment repeated in the document is looked
 * up once and takes the first occurrence's translation.
 */

enum tm_doc_format {
	TM_FORMAT_AUTO = 0,	/* from the file name: .html/.htm, .md, .docx,
				   .odt, else text */
	TM_FORMAT_TEXT = 1,
	TM_FORMAT_MARKDOWN = 2,
	TM_FORMAT_HTML = 3,
	TM_FORMAT_DOCX = 4,	/* Word (Office Open XML) */
	TM_FORMAT_ODT = 5	/* OpenDocument text */
};

/* How a DOCX or ODT draft shows the text left in the source language. */
enum tm_pt_mark {
	TM_MARK_HIGHLIGHT = 0,	/* a yellow highlight */
	TM_MARK_COMMENT = 1,	/* a comment on each such sentence */
	TM_MARK_NONE = 2
};

enum tm_origin {
	TM_ORIGIN_NONE = 0,	/* no translation */
	TM_ORIGIN_CONTEXT = 1,	/* 101: exact, same context */
	TM_ORIGIN_EXACT = 2,	/* 100 */
	TM_ORIGIN_FUZZY = 3,	/* min..99 */
	TM_ORIGIN_MT = 4	/* machine translation */
};

typedef struct tm_pretranslate_options {
	unsigned version;	/* TM_PRETRANSLATE_OPTIONS_VERSION */
	const char *from;	/* the document's language (required) */
	const char *to;		/* the draft's language (required) */
	int min;		/* lowest fuzzy score used, 0..100 */
	int format;		/* enum tm_doc_format */
	const char *encoding;	/* NULL: detect (UTF-8, else GB18030) */
	tm_mt *mt;		/* NULL: no machine translation */
	const char *mt_name;	/* the provider's name, for origins */
	int mark;		/* enum tm_pt_mark (DOCX, ODT drafts) */
} tm_pretranslate_options;

#define TM_PRETRANSLATE_OPTIONS_VERSION 2
#define TM_PRETRANSLATE_OPTIONS_INIT { TM_PRETRANSLATE_OPTIONS_VERSION, \
	NULL, NULL, 75, TM_FORMAT_AUTO, NULL, NULL, NULL, TM_MARK_HIGHLIGHT }

/* One segment occurrence of the document, in document order. */
typedef struct tm_pt_segment {
	const char *source;	/* the segment as in the document (plain text) */
	const char *target;	/* the draft's translation, or NULL */
	int origin;		/* enum tm_origin */
	int score;		/* the memory's best score 0..101 (0: none),
				   used or not */
	size_t repetition_of;	/* 0, or the number (from 1) of the first
				   occurrence of the same source */
	const char *match_source;	/* the memory source used, or NULL */
	const char *diff;	/* the used match's diff (see tm_match), or NULL */
	const char *mt_error;	/* why MT failed for it, or NULL */
	long line;		/* the line of the document it starts on */
} tm_pt_segment;

typedef struct tm_pretranslation tm_pretranslation;

/*
 * Pre-translate the file at `path` against the memory `db`.  Returns 0,
 * TM_EINVAL (bad options), TM_EIO, TM_EUTF8 (not UTF-8 nor GB18030: the
 * message names file and line), TM_EPARSE (nothing to translate, or HTML
 * libxml2 cannot read), TM_EDB or TM_ENOMEM.  The memory is only read
 * (the MT cache may be written).  Free with tm_pretranslation_free().
 */
TM_EXTERN int tm_pretranslate_file(tm_pretranslation **out, tm_db *db,
    const char *path, const tm_pretranslate_options *opts);
TM_EXTERN size_t tm_pretranslation_count(const tm_pretranslation *p);
/* The i-th segment; valid until tm_pretranslation_free(). */
TM_EXTERN const tm_pt_segment *tm_pretranslation_get(
    const tm_pretranslation *p, size_t i);
/* The format read (never TM_FORMAT_AUTO). */
TM_EXTERN int tm_pretranslation_format(const tm_pretranslation *p);
TM_EXTERN void tm_pretranslation_free(tm_pretranslation *p);

/*
 * Write the outputs to `path` (beside it first, then renamed over it):
 * the XLIFF 1.2 (one trans-unit per segment, alt-trans with the
 * matches; an HTML segment's inline elements as <g>/<x/> codes), the
 * draft in the document's format (untranslated segments keep their
 * source; HTML elements placed in a translation rebuilt with their
 * attributes), and the bilingual review page (one self-contained HTML
 * file, codes as badges).  Return 0, TM_EIO or TM_ENOMEM.
 */
TM_EXTERN int tm_pretranslation_write_xliff(const tm_pretranslation *p,
    const char *path);
TM_EXTERN int tm_pretranslation_write_draft(const tm_pretranslation *p,
    const char *path);
TM_EXTERN int tm_pretranslation_write_review(const tm_pretranslation *p,
    const char *path);

enum tm_analysis_format {
	TM_ANALYSIS_TEXT = 0,
	TM_ANALYSIS_JSON = 1,
	TM_ANALYSIS_CSV = 2
};

/*
 * The analysis: segments, CJK characters and other words per band, as
 * CAT tools count them: "context" (101), "100", "95-99", "85-94",
 * "75-84", "50-74", "no-match", "repetitions" (second and later
 * occurrences, whatever their match), "mt" (segments whose draft came
 * from machine translation, counted there and not in their match band),
 * and "total".  Free *out with tm_free().  Returns 0, TM_EINVAL or
 * TM_ENOMEM.
 */
TM_EXTERN int tm_pretranslation_analysis(char **out,
    const tm_pretranslation *p, int format);
/* The analysis written to `path` as tm_pretranslation_write_xliff does. */
TM_EXTERN int tm_pretranslation_write_analysis(const tm_pretranslation *p,
    const char *path, int format);

/*
 * {"file", "from", "to", "format", "outputs": {KIND: PATH}, "bands":
 * [as the analysis], "segments": [{"id", "line", "source", "target",
 * "origin", "score", "repetition_of", "diff", "mt_error"}]}, with
 * `outputs` (or NULL) pairs of kind and path ending in NULL.  Free *out
 * with tm_free().  Returns 0, TM_EINVAL or TM_ENOMEM.
 */
TM_EXTERN int tm_pretranslation_json(char **out, const tm_pretranslation *p,
    const char *const *outputs);

/*
 * Units
 * =====
 */

/*
 * The unit `id` (a tm_match's unit_id) as JSON: {"id", "tuid",
 * "srclang", "creationdate", "creationid", "changedate", "changeid",
 * "usagecount", "import", "variants": [{"lang", "text", "seg"}],
 * "props": [{"type", "value"}], "notes": [...]}; "seg" is the <seg>
 * content as XML, inline markup included.  Free *out with tm_free().
 * Returns 0, TM_ENOTFOUND, TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_unit_json(char **out, tm_db *db, int64_t id);

/*
 * Delete the unit `id` with its variants, props, notes and history.
 * Returns 0, TM_ENOTFOUND, TM_EINVAL (read-only handle) or TM_EDB.
 */
TM_EXTERN int tm_unit_delete(tm_db *db, int64_t id);

/* One translation added or corrected by a person. */
typedef struct tm_translation {
	unsigned version;	/* TM_TRANSLATION_VERSION */
	const char *source;	/* the source text, plain (required) */
	const char *target;	/* its translation, plain (required) */
	const char *from, *to;	/* their languages (required) */
	const char *author;	/* stored as changeid; NULL: none */
	/* The source segments around it (props x-context-pre/-post). */
	const char *context_before, *context_after;
} tm_translation;

#define TM_TRANSLATION_VERSION 1
#define TM_TRANSLATION_INIT { TM_TRANSLATION_VERSION, NULL, NULL, NULL, \
	NULL, NULL, NULL, NULL }

enum tm_translation_action {
	TM_TRANSLATION_UNCHANGED = 0,	/* stored with that translation */
	TM_TRANSLATION_ADDED = 1,	/* a new unit */
	TM_TRANSLATION_UPDATED = 2	/* the old translation went to history */
};

/*
 * Store a translation as tm_xliff_import() stores a reviewed target:
 * a unit with the same source and context gets the new translation
 * (the one it had goes to its history, see tm_history_get()); any
 * other becomes a new unit, changed now by `author`.  *unit_id (may be
 * NULL) is the unit's id, *action (may be NULL) an enum
 * tm_translation_action.  The index takes the text at once.
 * Returns 0, TM_EINVAL (missing fields, read-only handle), TM_EUTF8,
 * TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_translation_put(int64_t *unit_id, int *action, tm_db *db,
    const tm_translation *t);

/*
 * Access tokens
 * =============
 *
 * Secrets that let HTTP clients of tm serve read or write.  Only a
 * SHA-256 hash of each secret is stored; the secret is shown once.
 */

enum tm_role {
	TM_ROLE_NONE = 0,
	TM_ROLE_READ = 1,	/* look up, search, export */
	TM_ROLE_WRITE = 2,	/* also add, correct, delete, import */
	TM_ROLE_ADMIN = 3	/* everything */
};

/* "read", "write", "admin" to enum tm_role; TM_ROLE_NONE otherwise. */
TM_EXTERN int tm_role_parse(const char *name);
/* The name of an enum tm_role; static memory. */
TM_EXTERN const char *tm_role_name(int role);

/*
 * Make a token called `name` (unique; printable ASCII, at most 64
 * bytes) with `role`, and give its secret (a fresh random string of 43
 * characters prefixed "tm_") in *out, to be freed with tm_free().
 * Returns 0, TM_EINVAL (bad name or role, a token of that name exists,
 * read-only handle), TM_EIO (no randomness), TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_token_add(char **out, tm_db *db, const char *name,
    int role);

/* Forget the token `name`: 0, TM_ENOTFOUND, TM_EINVAL or TM_EDB. */
TM_EXTERN int tm_token_revoke(tm_db *db, const char *name);

/*
 * The tokens as JSON, never their secrets: {"tokens": [{"name",
 * "role", "created", "last_used"}]}.  Free *out with tm_free().
 */
TM_EXTERN int tm_token_list_json(char **out, tm_db *db);

/* How many tokens there are, into *out: 0 or TM_EDB. */
TM_EXTERN int tm_token_count(size_t *out, tm_db *db);

/*
 * The role of the token whose secret is `secret`, into *out
 * (TM_ROLE_NONE for an unknown secret, a missing table, NULL or "").
 * The comparison does not depend on where the secret differs.
 * Never writes.  Returns 0, TM_EDB or TM_ENOMEM.
 */
TM_EXTERN int tm_token_check(int *out, tm_db *db, const char *secret);

/*
 * Server
 * ======
 *
 * tm serve: the memory over HTTP (libmicrohttpd) for a team: a JSON
 * API under /api/v1/, the tmserver API of Weblate and Virtaal, a
 * LibreTranslate-compatible /translate, and the office's web page at /.
 * Each worker thread keeps its own database handle; lookups run in
 * parallel, writes one at a time.
 */

typedef struct tm_server tm_server;

enum tm_serve_flags {
	TM_SERVE_READ_ONLY = 1 << 0,	/* refuse every write */
	TM_SERVE_PUBLIC_READ = 1 << 1,	/* reads need no token */
	/* Listen beyond loopback even though no token exists. */
	TM_SERVE_INSECURE = 1 << 2,
	/* The access log shows the request's URL, query text included. */
	TM_SERVE_LOG_QUERIES = 1 << 3
};

typedef struct tm_serve_options {
	unsigned version;	/* TM_SERVE_OPTIONS_VERSION */
	const char *db_path;	/* the memory (required) */
	/*
	 * ADDR:PORT, "[V6ADDR]:PORT" or PORT; NULL: 127.0.0.1:8765.  Port
	 * 0 picks a free one (tm_server_port() tells which).
	 */
	const char *listen;
	unsigned threads;	/* worker threads; 0: one a processor */
	unsigned flags;		/* enum tm_serve_flags */
	const char *base_path;	/* a prefix such as "/tm", or NULL */
	uint64_t max_body;	/* bytes of a request body; 0: 1 GiB */
	/* HTTPS: PEM certificate (chain) and key files, or both NULL. */
	const char *tls_cert, *tls_key;
	/*
	 * Machine translation for /translate when the memory has nothing:
	 * the config file (NULL: the default one) and the provider's name
	 * in it (NULL: no machine translation).
	 */
	const char *mt_config, *mt_provider;
	/*
	 * The lowest score /translate takes from the memory; 0: exact and
	 * context matches, and 99s whose numbers were taken from the query.
	 */
	int memory_min;
	unsigned max_connections;	/* 0: 10000 */
	unsigned timeout;	/* seconds a connection may stay idle; 0: 30 */
	/* One line per request, without newline; NULL: no access log. */
	void (*log)(const char *line, void *payload);
	void *payload;
} tm_serve_options;

#define TM_SERVE_OPTIONS_VERSION 1
#define TM_SERVE_OPTIONS_INIT { TM_SERVE_OPTIONS_VERSION, NULL, NULL, 0, 0, \
	NULL, 0, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL }

/*
 * Start serving: returns once the server listens, its threads running.
 * A non-loopback address is refused (TM_EINVAL) while the memory has
 * no token, unless TM_SERVE_INSECURE.  Call tm_global_init() first if
 * the program has threads of its own.  Free with tm_server_stop().
 * Returns 0, TM_EINVAL (bad options), TM_ENOTFOUND (no memory),
 * TM_EIO (cannot listen, cannot read the TLS files), TM_EDB or
 * TM_ENOMEM.
 */
TM_EXTERN int tm_server_start(tm_server **out, const tm_serve_options *opts);

/* The port the server listens on. */
TM_EXTERN unsigned tm_server_port(const tm_server *srv);

/*
 * Stop: accept no new connection, let the requests in flight finish
 * for at most `grace` seconds, then close them (an import cut short
 * is rolled back: it lands whole or not at all), and free `srv`.
 * NULL is a no-op.
 */
TM_EXTERN void tm_server_stop(tm_server *srv, double grace);

/*
 * The routes, as "METHOD PATH  what it does" lines, for --help and the
 * documentation.  Static memory, ending in NULL.
 */
TM_EXTERN const char *const *tm_server_routes(void);

#ifdef __cplusplus
}
#endif

#endif /* TM_H */
