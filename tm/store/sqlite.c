/*
 * store/sqlite.c: the SQLite backend of the storage interface
 * (store.h).  A statement is SQLite's own, wrapped; each call passes
 * straight through, so that the default backend costs what SQLite
 * costs.
 */
#include "tm-int.h"

/* The file mapped for lookups, at most (SQLite caps it at 2 GiB). */
#define MMAP_BYTES 2147418112

struct sq_stmt {
	struct tm__stmt base;
	sqlite3_stmt *st;
};

#define SQ(s) (((struct sq_stmt *)(void *)(s))->st)

static int
sq_bind_int64(tm__stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(SQ(st), i, v);
}

static int
sq_bind_double(tm__stmt *st, int i, double v)
{
	return sqlite3_bind_double(SQ(st), i, v);
}

static int
sq_bind_text(tm__stmt *st, int i, const char *s, int n)
{
	return sqlite3_bind_text(SQ(st), i, s, n, SQLITE_STATIC);
}

static int
sq_bind_blob(tm__stmt *st, int i, const void *p, int n)
{
	return sqlite3_bind_blob(SQ(st), i, p, n, SQLITE_STATIC);
}

static int
sq_bind_null(tm__stmt *st, int i)
{
	return sqlite3_bind_null(SQ(st), i);
}

static int
sq_step(tm__stmt *st)
{
	return sqlite3_step(SQ(st));
}

static int
sq_reset(tm__stmt *st)
{
	return sqlite3_reset(SQ(st));
}

static int
sq_clear_bindings(tm__stmt *st)
{
	return sqlite3_clear_bindings(SQ(st));
}

static void
sq_finalize(tm__stmt *st)
{
	sqlite3_finalize(SQ(st));
	free(st);
}

static int
sq_column_type(tm__stmt *st, int i)
{
	return sqlite3_column_type(SQ(st), i);
}

static int64_t
sq_column_int64(tm__stmt *st, int i)
{
	return sqlite3_column_int64(SQ(st), i);
}

static double
sq_column_double(tm__stmt *st, int i)
{
	return sqlite3_column_double(SQ(st), i);
}

static const unsigned char *
sq_column_text(tm__stmt *st, int i)
{
	return sqlite3_column_text(SQ(st), i);
}

static const void *
sq_column_blob(tm__stmt *st, int i)
{
	return sqlite3_column_blob(SQ(st), i);
}

static int
sq_column_bytes(tm__stmt *st, int i)
{
	return sqlite3_column_bytes(SQ(st), i);
}

static int
sq_column_count(tm__stmt *st)
{
	return sqlite3_column_count(SQ(st));
}

static const char *
sq_column_name(tm__stmt *st, int i)
{
	return sqlite3_column_name(SQ(st), i);
}

static const struct tm__stmt_ops sq_ops = {
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.reset = sq_reset,
	.clear_bindings = sq_clear_bindings,
	.finalize = sq_finalize,
	.column_type = sq_column_type,
	.column_int64 = sq_column_int64,
	.column_double = sq_column_double,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.column_bytes = sq_column_bytes,
	.column_count = sq_column_count,
	.column_name = sq_column_name,
};

static int
sq_error(tm_db *db, const char *what)
{
	return tm__error_sqlite(db->sql, what);
}

static int
sq_prepare(tm_db *db, tm__stmt **out, const char *sql)
{
	struct sq_stmt *s;

	*out = NULL;
	if (!(s = tm__calloc(1, sizeof(*s))))
		return tm__error_nomem();
	if (sqlite3_prepare_v2(db->sql, sql, -1, &s->st, NULL) != SQLITE_OK) {
		free(s);
		return sq_error(db, "cannot prepare statement");
	}
	s->base.ops = &sq_ops;
	s->base.db = db;
	*out = &s->base;
	return 0;
}

static int
sq_exec(tm_db *db, const char *sql)
{
	return sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK;
}

static int64_t
sq_changes(tm_db *db)
{
	return sqlite3_changes64(db->sql);
}

static int64_t
sq_total_changes(tm_db *db)
{
	return sqlite3_total_changes64(db->sql);
}

static int64_t
sq_last_insert_id(tm_db *db)
{
	return sqlite3_last_insert_rowid(db->sql);
}

static int
sq_in_transaction(tm_db *db)
{
	return !sqlite3_get_autocommit(db->sql);
}

static int
sq_read_only(tm_db *db)
{
	return sqlite3_db_readonly(db->sql, "main") != 0;
}

static int
sq_unique_violation(tm_db *db)
{
	int rc = sqlite3_extended_errcode(db->sql);

	return rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
	    rc == SQLITE_CONSTRAINT_UNIQUE;
}

/* An INTEGER PRIMARY KEY gives max(id) + 1: nothing to do. */
static int
sq_ids_taken(tm_db *db, const char *table)
{
	(void)db;
	(void)table;
	return 0;
}

static int
sq_has_table(tm_db *db, const char *table)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?", -1, &st, NULL) != SQLITE_OK)
		return sq_error(db, "cannot read the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(db, "cannot read the schema");
	return rc == SQLITE_ROW;
}

static int
sq_not_null(tm_db *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (sqlite3_prepare_v2(db->sql, "SELECT \"notnull\" FROM "
	    "pragma_table_info(?) WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
		return sq_error(db, "cannot read the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_error(db, "cannot read the schema");
	return r;
}

const struct tm__store tm__store_sqlite = {
	.name = "sqlite",
	.begin_write = "BEGIN IMMEDIATE",
	.begin_read = "BEGIN",
	/*
	 * Lookups read postings and rows at random: map the file rather
	 * than copy each page through read(2) (a fifth of a lookup's time).
	 * Only for the matcher, so that an import's memory stays its own.
	 */
	.lookup_settings = "PRAGMA mmap_size = " TM__STR(MMAP_BYTES),
	.data_version = "(SELECT data_version FROM pragma_data_version)",
	.prepare = sq_prepare,
	/* One INSERT a row is what SQLite does fastest anyway. */
	.prepare_bulk = sq_prepare,
	/* SQLite reads rows as they are stepped to: every SELECT scans. */
	.prepare_scan = sq_prepare,
	.exec = sq_exec,
	.changes = sq_changes,
	.total_changes = sq_total_changes,
	.last_insert_id = sq_last_insert_id,
	.in_transaction = sq_in_transaction,
	.read_only = sq_read_only,
	.unique_violation = sq_unique_violation,
	.ids_taken = sq_ids_taken,
	.has_table = sq_has_table,
	.not_null = sq_not_null,
	.error = sq_error,
};
