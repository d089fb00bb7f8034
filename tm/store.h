/*
 * store.h: the storage interface.  Every statement that reads or writes
 * a memory goes through it, to one of two backends:
 *
 *   tm/store/sqlite.c  SQLite, one file, embedded (the default)
 *   tm/store/pg.c      PostgreSQL through libpq, many writers
 *
 * The calls mirror SQLite's own, which the modules were written
 * against: prepare, bind (parameters numbered from 1), step, read the
 * row's columns (numbered from 0), reset, finalize.  SQL is written once,
 * in what both dialects accept: '?' parameters (the PostgreSQL backend
 * numbers them), INSERT ... ON CONFLICT, RETURNING in place of the last
 * row id.  What only one backend can do (SQLite's side-file import,
 * PostgreSQL's COPY) is asked of the backend by name, below.
 *
 * Text and blobs bound stay the caller's and must live until the
 * statement is stepped to its end, reset or finalised.  A column's text
 * or blob is valid until the next step, reset or finalize.
 */
#ifndef TM_STORE_H
#define TM_STORE_H

#include <stdint.h>

/* tm__step's answers besides an error: the values SQLite uses. */
#define TM__ROW 100
#define TM__DONE 101

/* tm__column_type's answers: SQLite's values too. */
#define TM__INTEGER 1
#define TM__FLOAT 2
#define TM__TEXT 3
#define TM__BLOB 4
#define TM__NULL 5

typedef struct tm_db tm_db;
typedef struct tm__stmt tm__stmt;

/* What a backend does with one of its statements. */
struct tm__stmt_ops {
	int (*bind_int64)(tm__stmt *st, int i, int64_t v);
	int (*bind_double)(tm__stmt *st, int i, double v);
	/* n < 0: up to the NUL. */
	int (*bind_text)(tm__stmt *st, int i, const char *s, int n);
	int (*bind_blob)(tm__stmt *st, int i, const void *p, int n);
	int (*bind_null)(tm__stmt *st, int i);
	/* TM__ROW, TM__DONE, or another value on failure. */
	int (*step)(tm__stmt *st);
	int (*reset)(tm__stmt *st);
	int (*clear_bindings)(tm__stmt *st);
	void (*finalize)(tm__stmt *st);
	int (*column_type)(tm__stmt *st, int i);
	int64_t (*column_int64)(tm__stmt *st, int i);
	double (*column_double)(tm__stmt *st, int i);
	/* NULL for SQL NULL; NUL-terminated. */
	const unsigned char *(*column_text)(tm__stmt *st, int i);
	const void *(*column_blob)(tm__stmt *st, int i);
	int (*column_bytes)(tm__stmt *st, int i);
	/* The result's columns: how many, and each one's name. */
	int (*column_count)(tm__stmt *st);
	const char *(*column_name)(tm__stmt *st, int i);
};

/* Every backend's statement starts with this. */
struct tm__stmt {
	const struct tm__stmt_ops *ops;
	tm_db *db;
};

static inline int
tm__bind_int64(tm__stmt *st, int i, int64_t v)
{
	return st->ops->bind_int64(st, i, v);
}

static inline int
tm__bind_int(tm__stmt *st, int i, int v)
{
	return st->ops->bind_int64(st, i, v);
}

static inline int
tm__bind_double(tm__stmt *st, int i, double v)
{
	return st->ops->bind_double(st, i, v);
}

static inline int
tm__bind_text(tm__stmt *st, int i, const char *s, int n)
{
	return st->ops->bind_text(st, i, s, n);
}

static inline int
tm__bind_blob(tm__stmt *st, int i, const void *p, int n)
{
	return st->ops->bind_blob(st, i, p, n);
}

static inline int
tm__bind_null(tm__stmt *st, int i)
{
	return st->ops->bind_null(st, i);
}

static inline int
tm__step(tm__stmt *st)
{
	return st->ops->step(st);
}

static inline int
tm__reset(tm__stmt *st)
{
	return st ? st->ops->reset(st) : 0;
}

static inline int
tm__clear_bindings(tm__stmt *st)
{
	return st->ops->clear_bindings(st);
}

/* NULL is fine, as with sqlite3_finalize(). */
static inline void
tm__finalize(tm__stmt *st)
{
	if (st)
		st->ops->finalize(st);
}

static inline int
tm__column_type(tm__stmt *st, int i)
{
	return st->ops->column_type(st, i);
}

static inline int64_t
tm__column_int64(tm__stmt *st, int i)
{
	return st->ops->column_int64(st, i);
}

static inline int
tm__column_int(tm__stmt *st, int i)
{
	return (int)st->ops->column_int64(st, i);
}

static inline double
tm__column_double(tm__stmt *st, int i)
{
	return st->ops->column_double(st, i);
}

static inline const unsigned char *
tm__column_text(tm__stmt *st, int i)
{
	return st->ops->column_text(st, i);
}

static inline const void *
tm__column_blob(tm__stmt *st, int i)
{
	return st->ops->column_blob(st, i);
}

static inline int
tm__column_bytes(tm__stmt *st, int i)
{
	return st->ops->column_bytes(st, i);
}

static inline int
tm__column_count(tm__stmt *st)
{
	return st->ops->column_count(st);
}

static inline const char *
tm__column_name(tm__stmt *st, int i)
{
	return st->ops->column_name(st, i);
}

/*
 * A backend: what it does with a connection.  db->store points to one
 * of these; db->conn is the backend's own connection.
 */
struct tm__store {
	const char *name;	/* "sqlite", "postgresql" */
	/*
	 * What begins a transaction that will write: in SQLite it takes
	 * the write lock at once, so that a reader inside it never has to
	 * be turned into a writer (and fail) later.
	 */
	const char *begin_write;
	/* What begins a transaction that reads one snapshot throughout. */
	const char *begin_read;
	/* Settings for a connection that looks up (NULL: none). */
	const char *lookup_settings;
	/*
	 * An SQL expression that changes whenever another connection has
	 * committed a change to the memory (caches of what was read are
	 * dropped then), or a constant where the backend cannot tell.
	 */
	const char *data_version;
	/* Prepare one statement; a TM_E* code (with the message set) on failure. */
	int (*prepare)(tm_db *db, tm__stmt **out, const char *sql);
	/*
	 * Prepare an INSERT INTO t (columns) VALUES (?, ...) of many rows
	 * that nobody reads back before the next other statement: the
	 * backend may gather the rows and send them at once (PostgreSQL's
	 * COPY).  They are in the table before any other statement on the
	 * connection runs; a failure may show at that statement instead.
	 */
	int (*prepare_bulk)(tm_db *db, tm__stmt **out, const char *sql);
	/*
	 * Prepare a SELECT that may return very many rows (a whole table):
	 * the backend may read them a batch at a time (PostgreSQL's
	 * cursors, inside a transaction) rather than hold them all.
	 */
	int (*prepare_scan)(tm_db *db, tm__stmt **out, const char *sql);
	/*
	 * Run statements that return no rows: 0, or nonzero on failure
	 * without setting the thread's error (error() below reads it), so
	 * that a ROLLBACK after a failure keeps the first message.
	 */
	int (*exec)(tm_db *db, const char *sql);
	/* Rows changed by the last INSERT, UPDATE or DELETE. */
	int64_t (*changes)(tm_db *db);
	/* Rows changed by this connection since it opened. */
	int64_t (*total_changes)(tm_db *db);
	/* The id the last INSERT on this connection gave its row. */
	int64_t (*last_insert_id)(tm_db *db);
	/* Inside a transaction that BEGIN opened. */
	int (*in_transaction)(tm_db *db);
	/* The memory was opened read-only (or the server is a replica). */
	int (*read_only)(tm_db *db);
	/* The last failure broke a unique key (a row with that key exists). */
	int (*unique_violation)(tm_db *db);
	/*
	 * Rows went into `table` with ids of their own (a copy): ids given
	 * from now on must be past them.  0, or TM_E* with the message set.
	 */
	int (*ids_taken)(tm_db *db, const char *table);
	/* 1 when `table` exists, 0 when not, TM_E* on failure. */
	int (*has_table)(tm_db *db, const char *table);
	/* 1 when the column is NOT NULL, 0 when not, TM_E* on failure. */
	int (*not_null)(tm_db *db, const char *table, const char *column);
	/*
	 * Set the thread's error from the backend's last failure on db,
	 * prefixed with `what`; returns TM_EDB (or TM_ENOMEM).
	 */
	int (*error)(tm_db *db, const char *what);
};

extern const struct tm__store tm__store_sqlite;
extern const struct tm__store tm__store_pg;

#endif
