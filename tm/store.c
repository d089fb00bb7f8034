/*
 * store.c: the SQLite database that holds a translation memory.
 *
 * The schema keeps everything a TMX 1.4b file can say.  Each imported
 * file is a row of `import` carrying its <tmx> version and <header>
 * attributes; its udes go to `ude` and `ude_map`.  Each <tu> is a row of
 * `tu`, each <tuv> a row of `tuv` holding the inner XML of its <seg>
 * exactly as parsed (inline markup and all), its plain text and its
 * normalised matching key.  Props and notes of the header, of units and
 * of variants live in one table, `annot`, so that their interleaved order
 * survives.  Attributes that TMX defines get columns; any other attribute
 * is kept in an `extra` column as a JSON array of [name, value] pairs,
 * in the order the file gave them.
 *
 * The schema version is PRAGMA user_version; migrations[] brings an older
 * database up to date in one transaction.
 */
#include "tm-int.h"
#include "store/pg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

const struct tm__attr tm__header_attrs[] = {
	{ "creationtool", "creationtool" },
	{ "creationtoolversion", "creationtoolversion" },
	{ "segtype", "segtype" },
	{ "o-tmf", "o_tmf" },
	{ "adminlang", "adminlang" },
	{ "srclang", "srclang" },
	{ "datatype", "datatype" },
	{ "o-encoding", "o_encoding" },
	{ "creationdate", "creationdate" },
	{ "creationid", "creationid" },
	{ "changedate", "changedate" },
	{ "changeid", "changeid" },
};
const size_t tm__nheader_attrs = TM__ARRAY_SIZE(tm__header_attrs);

const struct tm__attr tm__tu_attrs[] = {
	{ "tuid", "tuid" },
	{ "o-encoding", "o_encoding" },
	{ "datatype", "datatype" },
	{ "usagecount", "usagecount" },
	{ "lastusagedate", "lastusagedate" },
	{ "creationtool", "creationtool" },
	{ "creationtoolversion", "creationtoolversion" },
	{ "creationdate", "creationdate" },
	{ "creationid", "creationid" },
	{ "changedate", "changedate" },
	{ "segtype", "segtype" },
	{ "changeid", "changeid" },
	{ "o-tmf", "o_tmf" },
	{ "srclang", "srclang" },
};
const size_t tm__ntu_attrs = TM__ARRAY_SIZE(tm__tu_attrs);

/* xml:lang (or TMX 1.1's lang) is kept in tuv.lang, not here. */
const struct tm__attr tm__tuv_attrs[] = {
	{ "o-encoding", "o_encoding" },
	{ "datatype", "datatype" },
	{ "usagecount", "usagecount" },
	{ "lastusagedate", "lastusagedate" },
	{ "creationtool", "creationtool" },
	{ "creationtoolversion", "creationtoolversion" },
	{ "creationdate", "creationdate" },
	{ "creationid", "creationid" },
	{ "changedate", "changedate" },
	{ "o-tmf", "o_tmf" },
	{ "changeid", "changeid" },
};
const size_t tm__ntuv_attrs = TM__ARRAY_SIZE(tm__tuv_attrs);

int
tm__attr_find(const struct tm__attr *attrs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(attrs[i].xml, name) == 0)
			return (int)i;
	return -1;
}

int
tm__prepare(tm_db *db, tm__stmt **out, const char *sql)
{
	return db->store->prepare(db, out, sql);
}

int
tm__prepare_bulk(tm_db *db, tm__stmt **out, const char *sql)
{
	return db->store->prepare_bulk(db, out, sql);
}

int
tm__prepare_scan(tm_db *db, tm__stmt **out, const char *sql)
{
	return db->store->prepare_scan(db, out, sql);
}

int
tm__step_done(tm_db *db, tm__stmt *st, const char *what)
{
	int rc = tm__step(st);

	tm__reset(st);
	if (rc != TM__DONE)
		return tm__error_db(db, what);
	return 0;
}

int
tm__exec(tm_db *db, const char *sql)
{
	if (db->store->exec(db, sql) != 0)
		return db->store->error(db, "database");
	return 0;
}

void
tm__exec_quiet(tm_db *db, const char *sql)
{
	(void)db->store->exec(db, sql);
}

int
tm__begin_write(tm_db *db)
{
	return tm__exec(db, db->store->begin_write);
}

int
tm__next_import_id(tm_db *db, int64_t *out)
{
	tm__stmt *st = NULL;
	int error, rc;

	if ((error = tm__prepare(db, &st, "SELECT COALESCE(MAX(id), 0) + 1 "
	    "FROM import")) < 0)
		return error;
	rc = tm__step(st);
	if (rc == TM__ROW)
		*out = tm__column_int64(st, 0);
	else
		error = tm__error_db(db, "cannot read the memory");
	tm__finalize(st);
	return error;
}

int
tm__query_int64(tm_db *db, const char *sql, int64_t *out, const char *what)
{
	tm__stmt *st = NULL;
	int error;

	*out = 0;
	if ((error = tm__prepare(db, &st, sql)) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		*out = tm__column_int64(st, 0);
	else
		error = tm__error_db(db, what);
	tm__finalize(st);
	return error;
}

int
tm__error_db(tm_db *db, const char *what)
{
	if (!db || !db->store)
		return tm__error_sqlite(NULL, what);
	return db->store->error(db, what);
}

/* Append "name TEXT, ..." for an attribute table. */
static int
add_columns(struct tm__buf *b, const struct tm__attr *attrs, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++)
		error = tm__buf_printf(b, "\t%s TEXT,\n", attrs[i].col);
	return error;
}

/* Schema version 1: the whole of TMX 1.4b. */
static int
migrate_1(tm_db *db)
{
	struct tm__buf sql = { 0 };
	int error;

	error = tm__buf_adds(&sql,
	    "CREATE TABLE meta (\n"
	    "\tkey TEXT PRIMARY KEY,\n"
	    "\tvalue TEXT\n"
	    ") WITHOUT ROWID;\n"
	    "CREATE TABLE import (\n"
	    "\tid INTEGER PRIMARY KEY,\n"
	    "\tfile TEXT NOT NULL,\n"
	    "\tdate TEXT NOT NULL,\n"
	    "\tunits_read INTEGER NOT NULL DEFAULT 0,\n"
	    "\timported INTEGER NOT NULL DEFAULT 0,\n"
	    "\tduplicates INTEGER NOT NULL DEFAULT 0,\n"
	    "\tupdated INTEGER NOT NULL DEFAULT 0,\n"
	    "\tskipped INTEGER NOT NULL DEFAULT 0,\n"
	    "\tseconds REAL,\n"
	    "\ttmx_version TEXT,\n"
	    "\thas_header INTEGER NOT NULL DEFAULT 0,\n");
	if (!error)
		error = add_columns(&sql, tm__header_attrs, tm__nheader_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra TEXT\n"
		    ");\n"
		    "CREATE TABLE ude (\n"
		    "\tid INTEGER PRIMARY KEY,\n"
		    "\timport_id INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,\n"
		    "\tord INTEGER NOT NULL,\n"
		    "\tname TEXT NOT NULL,\n"
		    "\tbase TEXT,\n"
		    "\textra TEXT\n"
		    ");\n"
		    "CREATE INDEX ude_import ON ude(import_id, ord);\n"
		    "CREATE TABLE ude_map (\n"
		    "\tude_id INTEGER NOT NULL REFERENCES ude(id) ON DELETE CASCADE,\n"
		    "\tord INTEGER NOT NULL,\n"
		    "\tunicode TEXT,\n"
		    "\tcode TEXT,\n"
		    "\tent TEXT,\n"
		    "\tsubst TEXT,\n"
		    "\textra TEXT,\n"
		    "\tPRIMARY KEY (ude_id, ord)\n"
		    ") WITHOUT ROWID;\n"
		    "CREATE TABLE tu (\n"
		    "\tid INTEGER PRIMARY KEY,\n"
		    "\timport_id INTEGER REFERENCES import(id),\n");
	if (!error)
		error = add_columns(&sql, tm__tu_attrs, tm__ntu_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra TEXT,\n"
		    "\t-- changedate, else creationdate, as YYYYMMDDThhmmssZ\n"
		    "\tmtime TEXT,\n"
		    "\t-- the variants' language keys, sorted, space-separated\n"
		    "\tlangs TEXT NOT NULL,\n"
		    "\t-- two independent 64-bit hashes of the variants' languages\n"
		    "\t-- and segments: equal hashes mean a duplicate unit\n"
		    "\tdup INTEGER NOT NULL,\n"
		    "\tdup2 INTEGER NOT NULL\n"
		    ");\n"
		    "-- The index of tu.dup, kept apart so that an import adds its\n"
		    "-- keys in order at the end rather than at random throughout\n"
		    "-- (random inserts into a large index rewrite its pages over\n"
		    "-- and over).  The trigger keeps it in step with deletions.\n"
		    "CREATE TABLE tu_dup (\n"
		    "\thash INTEGER NOT NULL,\n"
		    "\thash2 INTEGER NOT NULL,\n"
		    "\ttu_id INTEGER NOT NULL,\n"
		    "\tPRIMARY KEY (hash, hash2, tu_id)\n"
		    ") WITHOUT ROWID;\n"
		    "CREATE TRIGGER tu_dup_delete AFTER DELETE ON tu BEGIN\n"
		    "\tDELETE FROM tu_dup WHERE hash = old.dup AND hash2 = old.dup2\n"
		    "\t    AND tu_id = old.id;\n"
		    "END;\n"
		    "CREATE TABLE tuv (\n"
		    "\tid INTEGER PRIMARY KEY,\n"
		    "\ttu_id INTEGER NOT NULL REFERENCES tu(id) ON DELETE CASCADE,\n"
		    "\tord INTEGER NOT NULL,\n"
		    "\t-- the language as written, and its BCP 47 key\n"
		    "\tlang TEXT NOT NULL,\n"
		    "\tlang_key TEXT NOT NULL,\n"
		    "\t-- 1 when the file said lang= (TMX 1.1) instead of xml:lang=\n"
		    "\tlang_attr11 INTEGER NOT NULL DEFAULT 0,\n");
	if (!error)
		error = add_columns(&sql, tm__tuv_attrs, tm__ntuv_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra TEXT,\n"
		    "\t-- the content of <seg> as XML, inline markup included\n"
		    "\tseg TEXT NOT NULL,\n"
		    "\t-- the text a reader sees, without inline codes; NULL when\n"
		    "\t-- it is seg itself (no markup, nothing escaped)\n"
		    "\ttext TEXT,\n"
		    "\t-- the normalised matching key of text\n"
		    "\tkey TEXT NOT NULL\n"
		    ");\n"
		    "CREATE UNIQUE INDEX tuv_tu ON tuv(tu_id, ord);\n"
		    "CREATE TABLE annot (\n"
		    "\tid INTEGER PRIMARY KEY,\n"
		    "\t-- exactly one owner: a header (import_id) or a unit (tu_id)\n"
		    "\timport_id INTEGER REFERENCES import(id) ON DELETE CASCADE,\n"
		    "\ttu_id INTEGER REFERENCES tu(id) ON DELETE CASCADE,\n"
		    "\t-- NULL on the unit itself, else the variant's ord\n"
		    "\ttuv_ord INTEGER,\n"
		    "\tord INTEGER NOT NULL,\n"
		    "\tkind TEXT NOT NULL CHECK (kind IN ('prop', 'note')),\n"
		    "\ttype TEXT,\n"
		    "\tlang TEXT,\n"
		    "\to_encoding TEXT,\n"
		    "\textra TEXT,\n"
		    "\tvalue TEXT NOT NULL,\n"
		    "\tCHECK ((import_id IS NULL) <> (tu_id IS NULL))\n"
		    ");\n"
		    "CREATE INDEX annot_tu ON annot(tu_id, tuv_ord, ord);\n"
		    "CREATE INDEX annot_import ON annot(import_id, ord);\n");
	if (!error)
		error = tm__exec(db, sql.ptr);
	tm__buf_release(&sql);
	return error;
}

/*
 * Schema version 2: the candidate index for fuzzy lookup and
 * concordance (index.c).  Each run holds, per gram, the sorted ids of
 * the variants that contain it; 'index_tuv' is the highest variant id
 * indexed so far.
 */
static int
migrate_2(tm_db *db)
{
	return tm__exec(db,
	    "CREATE TABLE ngram (\n"
	    "\tgram INTEGER NOT NULL,\n"
	    "\trun INTEGER NOT NULL,\n"
	    "\t-- the variants' ids, ascending, as varint differences\n"
	    "\tids BLOB NOT NULL,\n"
	    "\tPRIMARY KEY (gram, run)\n"
	    ") WITHOUT ROWID;\n"
	    "INSERT OR REPLACE INTO meta VALUES ('index_tuv', '0');\n"
	    "INSERT OR REPLACE INTO meta VALUES ('index_runs', '0');\n");
}

/*
 * Schema version 3: the namespace declarations of each imported file,
 * so that extension attributes such as ext:id come back declared.
 */
static int
migrate_3(tm_db *db)
{
	return tm__exec(db, "ALTER TABLE import ADD COLUMN namespaces TEXT");
}

/*
 * Schema version 4: a sketch of each variant beside the candidate
 * index (index.c), which tells apart candidates that share the same
 * rare grams.  The index is emptied so that the next lookup or
 * tm reindex builds both together.
 */
static int
migrate_4(tm_db *db)
{
	return tm__exec(db,
	    "CREATE TABLE sketch (\n"
	    "\tblock INTEGER PRIMARY KEY,\n"
	    "\t-- 1024 variants' sketches (ids block*1024 on), 64-bit LE\n"
	    "\tv BLOB NOT NULL\n"
	    ");\n"
	    "DELETE FROM ngram;\n"
	    "UPDATE meta SET value = '0' WHERE key IN ('index_tuv', "
	    "'index_runs');\n");
}

/*
 * Schema version 5: the machine-translation cache (mt.c).  It is kept
 * apart from tu/tuv so that lookup, concordance and export never offer
 * a machine's draft as a human translation.  The source text itself is
 * part of the key, so two texts can never share an entry.
 */
static int
migrate_5(tm_db *db)
{
	return tm__exec(db,
	    "CREATE TABLE mt_cache (\n"
	    "\t-- the provider's name in the config file\n"
	    "\tprovider TEXT NOT NULL,\n"
	    "\t-- its type, model and options that change the output\n"
	    "\tfingerprint TEXT NOT NULL,\n"
	    "\t-- the language codes sent to the provider\n"
	    "\tsrc_lang TEXT NOT NULL,\n"
	    "\ttgt_lang TEXT NOT NULL,\n"
	    "\tsource TEXT NOT NULL,\n"
	    "\ttarget TEXT NOT NULL,\n"
	    "\t-- when it was fetched, ISO 8601 UTC\n"
	    "\tdate TEXT NOT NULL,\n"
	    "\tPRIMARY KEY (provider, fingerprint, src_lang, tgt_lang, source)\n"
	    ") WITHOUT ROWID;\n");
}

/*
 * Schema version 6: the glossary (glossary.c) and the history of
 * translations that a reviewed XLIFF replaced (xliff.c).  An entry is
 * a concept; its terms, one row each, carry their language, status
 * (preferred, admitted, deprecated), part of speech, note and dates.
 * gloss_term.key is the term's matching key, made code point by code
 * point (glossary.c) so that a hit maps back onto the text.
 */
static int
migrate_6(tm_db *db)
{
	return tm__exec(db,
	    "CREATE TABLE IF NOT EXISTS gloss_entry (\n"
	    "\tid INTEGER PRIMARY KEY,\n"
	    "\t-- the file it came from, and its id there\n"
	    "\tfile TEXT,\n"
	    "\text_id TEXT,\n"
	    "\tnote TEXT,\n"
	    "\tcreated TEXT,\n"
	    "\tmodified TEXT\n"
	    ");\n"
	    "CREATE TABLE IF NOT EXISTS gloss_term (\n"
	    "\tid INTEGER PRIMARY KEY,\n"
	    "\tentry_id INTEGER NOT NULL REFERENCES gloss_entry(id) "
	    "ON DELETE CASCADE,\n"
	    "\tord INTEGER NOT NULL,\n"
	    "\tlang TEXT NOT NULL,\n"
	    "\tlang_key TEXT NOT NULL,\n"
	    "\ttext TEXT NOT NULL,\n"
	    "\tkey TEXT NOT NULL,\n"
	    "\t-- 'preferred', 'admitted', 'deprecated' or NULL\n"
	    "\tstatus TEXT,\n"
	    "\tpos TEXT,\n"
	    "\tnote TEXT,\n"
	    "\tcreated TEXT,\n"
	    "\tmodified TEXT\n"
	    ");\n"
	    "CREATE INDEX IF NOT EXISTS gloss_term_entry ON gloss_term(entry_id, ord);\n"
	    "CREATE INDEX IF NOT EXISTS gloss_term_lang ON gloss_term(lang_key);\n"
	    "CREATE TABLE IF NOT EXISTS tu_history (\n"
	    "\tid INTEGER PRIMARY KEY,\n"
	    "\ttu_id INTEGER NOT NULL REFERENCES tu(id) ON DELETE CASCADE,\n"
	    "\t-- the variant that was replaced, as it was\n"
	    "\tlang TEXT NOT NULL,\n"
	    "\tseg TEXT NOT NULL,\n"
	    "\tchangeid TEXT,\n"
	    "\tchangedate TEXT,\n"
	    "\t-- when and by whom (the reviewer) it was replaced\n"
	    "\treplaced TEXT NOT NULL,\n"
	    "\treplaced_by TEXT\n"
	    ");\n"
	    "CREATE INDEX IF NOT EXISTS tu_history_tu ON tu_history(tu_id);\n");
}

/*
 * Schema version 7: the first character of each term's key, indexed, so
 * that a text reads only the terms that start with one of its own
 * characters (glossary.c) rather than the whole glossary.  SQLite's
 * substr() counts characters, so existing terms get theirs here.
 */
static int
migrate_7(tm_db *db)
{
	tm__stmt *st = NULL;
	int error, n = 0;

	/* A memory set back to an older version may have the column. */
	if ((error = tm__prepare(db, &st, "SELECT count(*) FROM "
	    "pragma_table_info('gloss_term') WHERE name = 'head'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		n = tm__column_int(st, 0);
	tm__finalize(st);
	if (n == 0 && (error = tm__exec(db, "ALTER TABLE gloss_term ADD "
	    "COLUMN head TEXT NOT NULL DEFAULT ''")) < 0)
		return error;
	return tm__exec(db,
	    "UPDATE gloss_term SET head = substr(key, 1, 1);\n"
	    "CREATE INDEX IF NOT EXISTS gloss_term_head ON gloss_term(head);\n");
}

/*
 * Schema version 8: Traditional Chinese is folded to Simplified in the
 * keys unless the memory was told not to; keys made before are made
 * again and the index rebuilt from them (index.c).  The one call from
 * the store up into the index: a migration that changes what the index
 * is made of must leave it whole.
 */
static int
migrate_8(tm_db *db)
{
	return tm__keys_migrate(db);
}

/* tm_stored_key(key, text): key, or NULL where it is text's quick key. */
static void
stored_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct tm__buf *q = sqlite3_user_data(ctx);
	const char *key = (const char *)sqlite3_value_text(argv[0]);
	int klen = sqlite3_value_bytes(argv[0]);
	const char *text = (const char *)sqlite3_value_text(argv[1]);
	int tlen = sqlite3_value_bytes(argv[1]);
	int r;

	(void)argc;
	if (!key || !text) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	r = tm__key_to_store(q, text, (size_t)tlen, key, (size_t)klen);
	if (r < 0)
		sqlite3_result_error_nomem(ctx);
	else if (r)
		sqlite3_result_text(ctx, key, klen, SQLITE_TRANSIENT);
	else
		sqlite3_result_null(ctx);
}

/*
 * Schema version 9: a variant's key is stored only where readers cannot
 * make it from the text with tm__quick_key() (norm.c): most keys are
 * their text lowered, with Chinese punctuation made Western, and were
 * nearly half of the memory.  SQLite cannot drop a NOT NULL constraint,
 * so the table is copied, with the same ids (the index refers to them).
 */
static int
migrate_9(tm_db *db)
{
	struct tm__buf q = { 0 }, sql = { 0 }, cols = { 0 };
	tm__stmt *st = NULL;
	const char *was, *key_def = "\tkey TEXT NOT NULL\n", *p, *open;
	int error = 0, rc;

	if ((error = tm__prepare(db, &st, "SELECT sql FROM sqlite_schema "
	    "WHERE type = 'table' AND name = 'tuv'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW &&
	    (was = (const char *)tm__column_text(st, 0)) &&
	    strstr(was, "\tkey TEXT\n"))
		goto done;	/* a memory set back to an older version */
	if (tm__reset(st), tm__step(st) != TM__ROW ||
	    !(was = (const char *)tm__column_text(st, 0)) ||
	    !(p = strstr(was, key_def)) || !(open = strchr(was, '(')) ||
	    open > p) {
		error = tm__error(TM_EDB, "unexpected schema of table tuv");
		goto done;
	}
	/* The columns as they are, but for the key's NOT NULL. */
	if ((error = tm__buf_adds(&sql, "CREATE TABLE tuv_new ")) < 0 ||
	    (error = tm__buf_add(&sql, open, (size_t)(p - open))) < 0 ||
	    (error = tm__buf_adds(&sql, "\tkey TEXT\n")) < 0 ||
	    (error = tm__buf_adds(&sql, p + strlen(key_def))) < 0)
		goto done;
	tm__finalize(st);
	st = NULL;
	if ((error = tm__exec(db, sql.ptr)) < 0 ||
	    (error = tm__prepare(db, &st, "SELECT name FROM "
	    "pragma_table_info('tuv') ORDER BY cid")) < 0)
		goto done;
	while ((rc = tm__step(st)) == TM__ROW && !error) {
		const char *name = (const char *)tm__column_text(st, 0);

		if (cols.len && (error = tm__buf_adds(&cols, ", ")) < 0)
			break;
		error = strcmp(name, "key") == 0 ? tm__buf_adds(&cols,
		    "tm_stored_key(key, coalesce(text, seg))") :
		    tm__buf_printf(&cols, "\"%s\"", name);
	}
	tm__finalize(st);
	st = NULL;
	if (error)
		goto done;
	if (sqlite3_create_function_v2(db->sql, "tm_stored_key", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, &q, stored_key_fn, NULL, NULL,
	    NULL) != SQLITE_OK) {
		error = tm__error_db(db, "cannot migrate keys");
		goto done;
	}
	tm__buf_reset(&sql);
	if ((error = tm__buf_printf(&sql, "INSERT INTO tuv_new SELECT %s "
	    "FROM tuv ORDER BY id;\n"
	    "DROP TABLE tuv;\n"
	    "ALTER TABLE tuv_new RENAME TO tuv;\n"
	    "CREATE UNIQUE INDEX tuv_tu ON tuv(tu_id, ord);\n",
	    cols.ptr)) == 0)
		error = tm__exec(db, sql.ptr);
	sqlite3_create_function_v2(db->sql, "tm_stored_key", 2, SQLITE_UTF8,
	    NULL, NULL, NULL, NULL, NULL);
done:
	tm__finalize(st);
	tm__buf_release(&q);
	tm__buf_release(&sql);
	tm__buf_release(&cols);
	return error;
}

static int (*const migrations[])(tm_db *) = {
	migrate_1,
	migrate_2,
	migrate_3,
	migrate_4,
	migrate_5,
	migrate_6,
	migrate_7,
	migrate_8,
	migrate_9,
};
#define SCHEMA_VERSION ((int)TM__ARRAY_SIZE(migrations))

int
tm_db_schema_version(void)
{
	return SCHEMA_VERSION;
}

/*
 * How long opening waits for other connections, as the busy timeout
 * does for every statement after it.
 */
#define OPEN_WAIT_MS 10000

/*
 * sqlite3_exec, tried again while another connection holds a lock the
 * statement needs.  While several connections open a new database at
 * once, PRAGMA journal_mode can fail with SQLITE_BUSY at once, without
 * calling the busy handler (SQLite does not wait where waiting could
 * deadlock), so opening retries with short sleeps, for OPEN_WAIT_MS in
 * all.
 */
static int
exec_retry(tm_db *db, const char *sql)
{
	int rc, waited = 0, pause = 1;

	while ((rc = sqlite3_exec(db->sql, sql, NULL, NULL, NULL)) !=
	    SQLITE_OK && ((rc & 0xff) == SQLITE_BUSY ||
	    (rc & 0xff) == SQLITE_LOCKED) && waited < OPEN_WAIT_MS) {
		sqlite3_sleep(pause);
		waited += pause;
		if (pause < 32)
			pause *= 2;
	}
	if (rc != SQLITE_OK)
		return tm__error_db(db, "database");
	return 0;
}

static int
user_version(tm_db *db, int *out)
{
	tm__stmt *st = NULL;
	int error = 0;

	if ((error = tm__prepare(db, &st, "PRAGMA user_version")) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		*out = tm__column_int(st, 0);
	else
		error = tm__error_db(db, "cannot read schema version");
	tm__finalize(st);
	return error;
}

/* An empty database file, or one that holds only our tables. */
static int
check_foreign(tm_db *db, int version)
{
	tm__stmt *st = NULL;
	int error = 0, n = 0;

	if (version != 0)
		return 0;
	if ((error = tm__prepare(db, &st,
	    "SELECT count(*) FROM sqlite_schema")) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		n = tm__column_int(st, 0);
	tm__finalize(st);
	if (n > 0)
		return tm__error(TM_EDB, "'%s' is a SQLite database but not "
		    "a translation memory", db->path);
	return 0;
}

static int
migrate(tm_db *db)
{
	int version = 0, error, i;
	char sql[64];

	if ((error = user_version(db, &version)) < 0)
		return error;
	if (version > SCHEMA_VERSION)
		return tm__error(TM_EDB, "'%s' has schema version %d; this tm "
		    "knows up to %d: upgrade tm", db->path, version,
		    SCHEMA_VERSION);
	if (version == SCHEMA_VERSION)
		return 0;
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EDB, "'%s' has schema version %d and needs "
		    "migrating to %d, which a read-only open cannot do: open "
		    "it once for writing ('tm reindex' does)", db->path,
		    version, SCHEMA_VERSION);
	if ((error = exec_retry(db, "BEGIN IMMEDIATE")) < 0)
		return error;
	/* Another process may have migrated while we waited for the lock. */
	if ((error = user_version(db, &version)) < 0 ||
	    (error = check_foreign(db, version)) < 0)
		goto done;
	for (i = version; i < SCHEMA_VERSION && !error; i++)
		error = migrations[i](db);
	if (!error && version == 0) {
		char now[21];

		tm__now_iso(now);
		snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES "
		    "('created', '%s')", now);
		error = tm__exec(db, sql);
	}
	if (!error) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    SCHEMA_VERSION);
		error = tm__exec(db, sql);
	}
done:
	if (!error)
		error = tm__exec(db, "COMMIT");
	if (error) {
		tm__exec_quiet(db, "ROLLBACK");
		tm__error_prefix("cannot set up '%s'", db->path);
	}
	return error;
}

/*
 * Whether the file is a memory or can become one: its schema version
 * and its tables read in one transaction, since another connection may
 * create the schema between two separate reads.
 */
static int
probe(tm_db *db)
{
	int version = 0, error;

	if ((error = exec_retry(db, "BEGIN")) < 0)
		return error;
	if ((error = user_version(db, &version)) == 0)
		error = check_foreign(db, version);
	tm__exec_quiet(db, "COMMIT");
	return error;
}

/* mkdir -p for the folder that will hold `path`. */
static int
make_parent(const char *path)
{
	char *dir, *p;
	int error = 0;

	if (!(dir = tm__strdup(path)))
		return tm__error_nomem();
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		goto done;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			error = tm__error(TM_EIO, "cannot create '%s': %s", dir,
			    tm__strerror(errno));
			goto done;
		}
		*p = c;
		if (!c)
			break;
	}
done:
	free(dir);
	return error;
}

/*
 * Why the database at `path` could not be opened: the operating
 * system's reason when SQLite had one (its own "unable to open database
 * file" says neither which file nor why), else SQLite's message.
 */
static int
open_failed(tm_db *db, const char *path, int code)
{
	int e = db->sql ? sqlite3_system_errno(db->sql) : 0;

	if (e && (sqlite3_errcode(db->sql) & 0xff) == SQLITE_CANTOPEN)
		return tm__error(TM_EIO, "cannot open database '%s': %s",
		    path, tm__strerror(e));
	if (!db->sql)
		return tm__error_nomem();
	return tm__error(code, "cannot open database '%s': %s", path,
	    sqlite3_errmsg(db->sql));
}

/*
 * Open db->path into db->sql with the settings every connection has,
 * and bring its schema up to date.
 *
 * An import into an empty memory may replace the file while this waits
 * for it (tm__side_commit): a connection that was let in only after the
 * rename holds the old, unlinked file, so it is closed and the path
 * opened again.
 */
static int
connect(tm_db *db)
{
	const char *path = db->path;
	unsigned flags = db->flags;
	bool memory = strcmp(path, ":memory:") == 0;
	int error = 0, oflags, rc, moved, tries = 0;

again:
	oflags = SQLITE_OPEN_NOMUTEX | ((flags & TM_DB_READONLY) ?
	    SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if ((rc = sqlite3_open_v2(path, &db->sql, oflags, NULL)) != SQLITE_OK)
		return open_failed(db, path, TM_EIO);
	sqlite3_extended_result_codes(db->sql, 1);
	/* Before any statement: other connections may be opening it too. */
	sqlite3_busy_timeout(db->sql, OPEN_WAIT_MS);
	/* Reading the schema is where a file that is not SQLite says so. */
	if (exec_retry(db, "SELECT count(*) FROM sqlite_schema") < 0)
		return open_failed(db, path, TM_EDB);
	moved = 0;
	if (!memory && sqlite3_file_control(db->sql, "main",
	    SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved &&
	    tries++ < 5) {
		sqlite3_close_v2(db->sql);
		db->sql = NULL;
		goto again;
	}
	/* Takes effect only when the file is new: 16 KiB pages make bulk
	 * imports write far fewer WAL frames than the default 4 KiB. */
	if (!(flags & TM_DB_READONLY) &&
	    (error = exec_retry(db, "PRAGMA page_size = 16384")) < 0)
		return error;
	/* Before anything writes: is this a memory, or can it become one? */
	if ((error = probe(db)) < 0)
		return error;
	if ((error = tm__exec(db, "PRAGMA foreign_keys = ON;"
	    "PRAGMA cache_size = -16384")) < 0)
		return error;
	if (!(flags & TM_DB_READONLY) && !memory &&
	    ((error = exec_retry(db, "PRAGMA journal_mode = WAL")) < 0 ||
	    (error = tm__exec(db, "PRAGMA synchronous = NORMAL")) < 0))
		return error;
	return migrate(db);
}

void
tm__db_drop_matcher(tm_db *db)
{
	if (db->matcher && db->matcher_free)
		db->matcher_free(db->matcher);
	db->matcher = NULL;
}

int
tm_db_is_postgres(const char *where)
{
	const char *p;

	if (!where)
		return 0;
	if (strncmp(where, "postgresql://", 13) == 0 ||
	    strncmp(where, "postgres://", 11) == 0)
		return 1;
	/* libpq's own test: a key=value string has a '=' after a keyword. */
	for (p = where; *p == ' ' || *p == '\t'; p++)
		;
	if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=';
}

int
tm_db_open(tm_db **out, const char *path, unsigned flags)
{
	tm_db *db = NULL;
	struct stat st;
	int error = 0;
	bool memory;

	if (!out || !path || !*path)
		return tm__error(TM_EINVAL, "no database path");
	*out = NULL;
	if (tm_db_is_postgres(path)) {
		if (!(db = tm__calloc(1, sizeof(*db))) ||
		    !(db->path = tm__strdup(path))) {
			error = tm__error_nomem();
			goto done;
		}
		db->flags = flags;
		error = tm__pg_open(db, path, flags);
		goto done;
	}
	memory = strcmp(path, ":memory:") == 0;
	if (!memory && stat(path, &st) < 0) {
		if (errno != ENOENT || !(flags & TM_DB_CREATE) ||
		    (flags & TM_DB_READONLY))
			return tm__error(errno == ENOENT ? TM_ENOTFOUND :
			    TM_EIO, "cannot open database '%s': %s", path,
			    tm__strerror(errno));
		if ((error = make_parent(path)) < 0)
			return error;
	} else if (!memory && S_ISDIR(st.st_mode)) {
		return tm__error(TM_EIO, "cannot open database '%s': it is a "
		    "directory", path);
	}
	if (!(db = tm__calloc(1, sizeof(*db))) ||
	    !(db->path = tm__strdup(path))) {
		error = tm__error_nomem();
		goto done;
	}
	db->flags = flags;
	db->store = &tm__store_sqlite;
	error = connect(db);
done:
	if (error < 0) {
		tm_db_close(db);
		return error;
	}
	*out = db;
	return 0;
}

void
tm_db_close(tm_db *db)
{
	if (!db)
		return;
	tm__db_drop_matcher(db);
	if (db->pg)
		tm__pg_close(db);
	if (db->side)
		tm__side_abort(db);
	/* The new file's connection first: when it is the last one, its
	 * -wal and -shm go before the old file lets anyone in. */
	sqlite3_close_v2(db->sql);
	sqlite3_close_v2(db->held);
	free(db->path);
	free(db);
}

/*
 * Writing a new memory beside the old one
 * =======================================
 *
 * In WAL mode SQLite writes every page twice, once to the WAL and once
 * at the checkpoint.  An import into a memory that holds no units
 * instead copies the memory (its schema, settings, glossary, tokens) to
 * a side file, PATH-import, writes the import and its index there
 * without a journal, syncs it and renames it over PATH.  Until the
 * rename the memory is the old file, whole: a process killed meanwhile
 * leaves it as it was, and the stray side file is removed by the next
 * import.
 *
 * SQLite names a database's -wal and -shm files after its path, not its
 * inode, so a connection left on the old file after the rename would
 * share them with connections to the new one.  So the side file is used
 * only when no other connection has the memory open: switching it out
 * of WAL mode needs an exclusive lock, which SQLite cannot take while
 * another connection has the file.  The old file then stays locked
 * (EXCLUSIVE: no reader, no writer) until the import's handle is closed;
 * a process that opens the memory meanwhile waits up to OPEN_WAIT_MS
 * for it, and one let in after the rename finds the old file moved and
 * opens the path again (connect()).
 */

static char *
side_path(const tm_db *db)
{
	struct tm__buf b = { 0 };

	if (tm__buf_printf(&b, "%s-import", db->path) < 0) {
		tm__buf_release(&b);
		return NULL;
	}
	return tm__buf_detach(&b);
}

/* Remove a side file and what SQLite may have left beside it. */
static void
side_unlink(const char *side)
{
	static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
	char name[4096];
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(suffix); i++)
		if (snprintf(name, sizeof(name), "%s%s", side, suffix[i]) <
		    (int)sizeof(name))
			unlink(name);
}

static int
query_int(sqlite3 *sql, const char *q, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(sql, q, -1, &st, NULL) != SQLITE_OK)
		return tm__error_sqlite(sql, "database");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tm__error_sqlite(sql, "database");
	return 0;
}

void
tm__side_clean(tm_db *db)
{
	char *side;

	if (!db->sql || (db->flags & TM_DB_READONLY) ||
	    strcmp(db->path, ":memory:") == 0 || !(side = side_path(db)))
		return;
	side_unlink(side);
	free(side);
}

/* Back from the side file onto the memory, which is as it was. */
void
tm__side_abort(tm_db *db)
{
	if (!db->side)
		return;
	tm__db_drop_matcher(db);
	if (db->held) {
		sqlite3_close_v2(db->sql);
		db->sql = db->held;
		db->held = NULL;
		tm__exec_quiet(db, "ROLLBACK");
		sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL);
	}
	side_unlink(db->side);
	free(db->side);
	db->side = NULL;
}

/*
 * Copy the main database of `sql` to the new file `to`, read through
 * SQLite's own file handle: opening and closing the file here would
 * drop SQLite's locks on it (POSIX locks belong to the process).
 */
static int
copy_file(sqlite3 *sql, const char *to)
{
	char buf[1 << 16];
	sqlite3_file *f = NULL;
	sqlite3_int64 size = 0, off;
	int out, error = 0;

	if (sqlite3_file_control(sql, "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
	    SQLITE_OK || !f || !f->pMethods ||
	    f->pMethods->xFileSize(f, &size) != SQLITE_OK)
		return tm__error_sqlite(sql, "cannot read the memory");
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0)
		return tm__error(TM_EIO, "cannot create '%s': %s", to,
		    tm__strerror(errno));
	for (off = 0; off < size && !error; ) {
		int n = size - off < (int64_t)sizeof(buf) ?
		    (int)(size - off) : (int)sizeof(buf);
		char *p = buf;

		if (f->pMethods->xRead(f, buf, n, off) != SQLITE_OK) {
			error = tm__error(TM_EIO, "cannot read the memory");
			break;
		}
		off += n;
		while (n > 0) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				error = tm__error(TM_EIO, "cannot write '%s': %s",
				    to, tm__strerror(errno));
				break;
			}
			p += w;
			n -= (int)w;
		}
	}
	if (close(out) < 0 && !error)
		error = tm__error(TM_EIO, "cannot write '%s': %s", to,
		    tm__strerror(errno));
	return error;
}

int
tm__side_begin(tm_db *db)
{
	sqlite3 *side = NULL;
	const char *mode;
	sqlite3_stmt *st = NULL;
	int64_t units = 1;
	bool alone = false;
	int error = 0, rc;

	/* A file of its own: SQLite's alone. */
	if (!db->sql || (db->flags & TM_DB_READONLY) || db->held || db->side ||
	    strcmp(db->path, ":memory:") == 0 || !sqlite3_get_autocommit(
	    db->sql))
		return 0;
	if ((error = query_int(db->sql, "SELECT EXISTS (SELECT 1 FROM tu)",
	    &units)) < 0 || units)
		return error;
	/*
	 * Out of WAL mode only when no other connection has the file (see
	 * above); at once, without waiting: a busy memory takes the
	 * ordinary path.
	 */
	sqlite3_busy_timeout(db->sql, 0);
	if (sqlite3_prepare_v2(db->sql, "PRAGMA journal_mode = DELETE", -1,
	    &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    (mode = (const char *)sqlite3_column_text(st, 0)) &&
	    strcmp(mode, "delete") == 0)
		alone = true;
	sqlite3_finalize(st);
	if (alone && sqlite3_exec(db->sql, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL) != SQLITE_OK)
		alone = false;
	sqlite3_busy_timeout(db->sql, OPEN_WAIT_MS);
	if (!alone) {
		tm_error_clear();
		return tm__exec(db, "PRAGMA journal_mode = WAL");
	}
	/* Another import may have come first. */
	if ((error = query_int(db->sql, "SELECT EXISTS (SELECT 1 FROM tu)",
	    &units)) < 0 || units) {
		tm__exec_quiet(db, "ROLLBACK");
		sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL", NULL, NULL,
		    NULL);
		return error;
	}
	if (!(db->side = side_path(db))) {
		error = tm__error_nomem();
		goto fail;
	}
	side_unlink(db->side);
	/*
	 * The memory is out of WAL mode and locked, with nothing written:
	 * its file is the whole of it, copied byte for byte.
	 */
	if ((error = copy_file(db->sql, db->side)) < 0)
		goto fail;
	if ((rc = sqlite3_open_v2(db->side, &side, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL)) != SQLITE_OK) {
		error = side ? tm__error_sqlite(side, "cannot open the new "
		    "memory") : tm__error_nomem();
		goto fail;
	}
	sqlite3_extended_result_codes(side, 1);
	/*
	 * No journal, no syncs: until the rename nobody else knows the
	 * file, and a failure throws it away.  tm__side_commit() syncs it.
	 */
	if (sqlite3_exec(side, "PRAGMA journal_mode = OFF;"
	    "PRAGMA synchronous = OFF;PRAGMA foreign_keys = ON;"
	    "PRAGMA cache_size = -16384", NULL, NULL, NULL) != SQLITE_OK) {
		error = tm__error_sqlite(side, "cannot set up the new memory");
		goto fail;
	}
	tm__db_drop_matcher(db);
	db->held = db->sql;
	db->sql = side;
	return 1;
fail:
	sqlite3_close_v2(side);
	if (db->side)
		side_unlink(db->side);
	free(db->side);
	db->side = NULL;
	tm__exec_quiet(db, "ROLLBACK");
	sqlite3_exec(db->sql, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	return error;
}

/* fsync a file or folder by name. */
static int
sync_path(const char *path, int oflags)
{
	int fd = open(path, oflags | O_CLOEXEC), error = 0;

	if (fd < 0)
		return tm__error(TM_EIO, "cannot open '%s': %s", path,
		    tm__strerror(errno));
	if (fsync(fd) < 0)
		error = tm__error(TM_EIO, "cannot sync '%s': %s", path,
		    tm__strerror(errno));
	close(fd);
	return error;
}

int
tm__side_commit(tm_db *db)
{
	struct stat st;
	char *dir = NULL, *slash;
	sqlite3 *old;
	int error;

	if (!db->side)
		return 0;
	tm__db_drop_matcher(db);
	if (sqlite3_close(db->sql) != SQLITE_OK) {
		error = tm__error_db(db, "cannot close the new memory");
		return error;
	}
	db->sql = NULL;
	/* The new file takes the old one's permissions and owner. */
	if (stat(db->path, &st) == 0) {
		chmod(db->side, st.st_mode & 07777);
		if (chown(db->side, st.st_uid, st.st_gid) < 0)
			(void)0;	/* not ours to give: keep our own */
	}
	if ((error = sync_path(db->side, O_RDONLY)) < 0)
		goto fail;
	if (rename(db->side, db->path) < 0) {
		error = tm__error(TM_EIO, "cannot rename '%s' to '%s': %s",
		    db->side, db->path, tm__strerror(errno));
		goto fail;
	}
	free(db->side);
	db->side = NULL;
	if ((dir = tm__strdup(db->path)) != NULL) {
		if ((slash = strrchr(dir, '/')) != NULL)
			slash[slash == dir] = '\0';
		sync_path(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
		tm_error_clear();
		free(dir);
	}
	/*
	 * The new file, in WAL mode like every memory.  The old one stays
	 * open and locked in db->held until tm_db_close().
	 */
	old = db->held;
	db->held = NULL;
	if ((error = connect(db)) < 0) {
		sqlite3_close_v2(db->sql);
		db->sql = old;
		sqlite3_exec(old, "ROLLBACK", NULL, NULL, NULL);
		return error;
	}
	db->held = old;
	return 0;
fail:
	/* Back on the old file, which nothing touched. */
	tm__side_abort(db);
	return error;
}

int
tm_db_default_path(char **out)
{
	const char *env;
	struct tm__buf b = { 0 };
	int error;

	*out = NULL;
	if ((env = getenv("TM_DB")) && *env)
		error = tm__buf_adds(&b, env);
	else if ((env = getenv("XDG_DATA_HOME")) && *env == '/')
		error = tm__buf_printf(&b, "%s/tm/tm.db", env);
	else if ((env = getenv("HOME")) && *env)
		error = tm__buf_printf(&b, "%s/.local/share/tm/tm.db", env);
	else
		return tm__error(TM_ENOTFOUND, "no database: set TM_DB or "
		    "HOME, or give --db FILE");
	if (error < 0) {
		tm__buf_release(&b);
		return error;
	}
	*out = tm__buf_detach(&b);
	return *out ? 0 : tm__error_nomem();
}

int
tm__extra_add(json_t **arr, const char *name, const char *value, size_t len)
{
	json_t *pair;

	if (!*arr && !(*arr = json_array()))
		return tm__error_nomem();
	if (!(pair = json_pack("[s, s#]", name, value, len)) ||
	    json_array_append_new(*arr, pair) < 0)
		return tm__error_nomem();
	return 0;
}
