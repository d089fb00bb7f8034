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
 *   handle per thread.  The error state is per thread.
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
} tm_import_options;

#define TM_IMPORT_OPTIONS_VERSION 1
#define TM_IMPORT_OPTIONS_INIT { TM_IMPORT_OPTIONS_VERSION, 0, TM_DUP_SKIP, \
	NULL, NULL, NULL }

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
	 * brought up to date; the next import or writable lookup retries.
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
} tm_match;

typedef struct tm_matches tm_matches;

/*
 * Find the stored units whose source is closest to `query` (plain UTF-8
 * text in opts->from) and that hold a translation in opts->to, best
 * first; ties go to the newer changedate, then the higher usagecount.
 * Candidates come from the n-gram index, which import keeps current.
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
/* {"query": ..., "matches": [{"score", "source", "target", ...}]}. */
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
 * and the unit's translation beside it.  Returns 0, TM_EINVAL, TM_EDB
 * or TM_ENOMEM.  The caller frees *out with tm_hits_free().
 */
TM_EXTERN int tm_concordance(tm_hits **out, tm_db *db, const char *term,
    const tm_concordance_options *opts);
TM_EXTERN size_t tm_hits_count(const tm_hits *h);
TM_EXTERN const tm_hit *tm_hits_get(const tm_hits *h, size_t i);
TM_EXTERN void tm_hits_free(tm_hits *h);
TM_EXTERN int tm_hits_json(char **out, const char *term, const tm_hits *h);

/*
 * Rebuild the derived data: every matching key (after a change of the
 * key rules or of the Traditional→Simplified setting) and the n-gram
 * index.  `fold_traditional`: 1 to fold Traditional Chinese to
 * Simplified in keys from now on, 0 not to, -1 to keep the setting.
 */
TM_EXTERN int tm_reindex(tm_db *db, int fold_traditional);

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

#ifdef __cplusplus
}
#endif

#endif /* TM_H */
