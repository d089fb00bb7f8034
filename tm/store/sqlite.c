/*
 * store/sqlite.c: the SQLite backend of the storage interface
 * (store.h).  A statement is SQLite's own, wrapped; each call passes
 * straight through, so that the default backend costs what SQLite
 * costs.
 */
#include "tm-int.h"

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

const struct tm__store tm__store_sqlite = {
	.name = "sqlite",
	.begin_write = "BEGIN IMMEDIATE",
	.prepare = sq_prepare,
	.exec = sq_exec,
	.changes = sq_changes,
	.total_changes = sq_total_changes,
	.last_insert_id = sq_last_insert_id,
	.in_transaction = sq_in_transaction,
	.read_only = sq_read_only,
	.unique_violation = sq_unique_violation,
	.error = sq_error,
};
