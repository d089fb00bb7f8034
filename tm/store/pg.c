/*
 * store/pg.c: the PostgreSQL backend (store.h), through libpq.
 *
 * A statement is prepared on the server under a name of its own
 * (PQprepare), with SQLite's '?' and '?N' parameters made $N.  Values
 * are bound as text, blobs in binary; the server infers each
 * parameter's type from where it stands.  The first step runs the
 * statement and fetches its whole result, in binary, which the column
 * calls decode by the column's type, converting as SQLite does (an
 * integer read as text gives its decimal digits).
 *
 * Fetching whole results costs memory in proportion to the rows: an
 * export of a large memory holds all its rows at once.  It is what lets
 * statements nest (the units' rows read while each unit's variants are
 * read, or rows written), since a connection runs one query at a time;
 * a cursor for large SELECTs is the next step.
 *
 * The schema is versioned like SQLite's: meta's 'schema_version' and
 * migrations[], applied in one transaction under an advisory lock so
 * that processes opening a new database at once create it once.
 */
#include "tm-int.h"
#include "i18n.h"
#include "store.h"
#include "store/pg.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include <libpq-fe.h>

/* The types results are decoded from (pg_type.oid; fixed in PostgreSQL). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_CHAR 18
#define OID_NAME 19
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_UNKNOWN 705
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_NUMERIC 1700

/* Binary results, the format code PQexecPrepared takes. */
#define FORMAT_TEXT 0
#define FORMAT_BINARY 1

/*
 * Statements finalised are deallocated on the server this many at a
 * time, in one round trip (and later when the transaction has failed).
 */
#define DEAD_MAX 32

/* Serialises schema changes among processes (a key of tm's own). */
#define SCHEMA_LOCK "8388065289016190309"
/* Serialises writers, as SQLite's write lock does; "tm write" in ASCII. */
#define WRITE_LOCK "8389397378253812837"

struct tm__pg {
	PGconn *conn;
	uint64_t nstmt;		/* statements prepared: their names */
	int64_t changes;	/* rows the last INSERT/UPDATE/DELETE changed */
	int64_t total;		/* ... and all of them since the connection */
	bool read_only;		/* TM_DB_READONLY */
	char *shown;		/* the conninfo without its password */
	/*
	 * The message of the last call that failed, NULL after one that
	 * worked (error() then says so, as sqlite3_errmsg does).
	 */
	char *errmsg;
	bool oom;		/* no memory for errmsg */
	char sqlstate[6];	/* and its SQLSTATE */
	/* "DEALLOCATE name;" for each statement finalised, not yet sent. */
	struct tm__buf dead;
	int ndead;
	/* Bulk INSERTs (prepare_bulk), in the order made, and their rows. */
	struct pg_stmt *bulk;
	size_t pending;		/* bytes of rows not sent yet */
};

struct pg_stmt {
	struct tm__stmt base;
	char name[32];
	int nparams;
	/* The bound values, as PQexecPrepared takes them. */
	const char **values;
	int *lengths;
	int *formats;
	char (*num)[32];	/* per parameter: a number's text */
	char **owned;		/* per parameter: text copied to end in NUL */
	size_t *owned_cap;
	PGresult *res;		/* NULL until the first step */
	PGresult *desc;		/* its columns, described before a step */
	int row, nrows, ncols;
	bool done;		/* TM__DONE returned */
	char (*scratch)[40];	/* per column: a number's text */
	int nscratch;
	/*
	 * A bulk INSERT: its rows in COPY's text format, sent by
	 * flush_bulk() before anything else runs on the connection.
	 */
	char *copy_sql;
	/* A scan (prepare_scan): DECLARE ... CURSOR FOR the statement. */
	char *scan_sql;
	bool cursor;		/* its cursor is open */
	struct tm__buf rows;
	int64_t nrows_pending;
	struct pg_stmt *next_bulk;
};

static struct tm__pg *
pg_of(tm_db *db)
{
	return db ? db->pg : NULL;
}

/* libpq prints notices (CREATE ... IF NOT EXISTS) to stderr: not here. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * libpq's message on one line: its lines (one per address tried) joined
 * by "; ", without the hints it indents under them and the final
 * newline.  NULL without memory.
 */
static char *
one_line(const char *msg)
{
	struct tm__buf b = { 0 };
	const char *p = msg;
	size_t n;

	while (*p) {
		n = strcspn(p, "\n");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n && *p != '\t' && ((b.len && tm__buf_adds(&b, "; ") < 0) ||
		    tm__buf_add(&b, p, n) < 0))
			break;
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	if (!b.ptr && tm__buf_adds(&b, "") < 0)
		return NULL;
	return tm__buf_detach(&b);
}

/* Keep the server's message of a failure, for the store's error(). */
static void
keep_error(struct tm__pg *pg, const PGresult *res)
{
	const char *msg = NULL, *state = NULL;

	if (res) {
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (!msg || !*msg)
			msg = PQresultErrorMessage(res);
	}
	if (!msg || !*msg)
		msg = pg->conn ? PQerrorMessage(pg->conn) : "";
	if (!*msg)
		msg = "unknown error";
	free(pg->errmsg);
	pg->errmsg = one_line(msg);
	pg->oom = !pg->errmsg;
	snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s", state ? state : "");
}

static void
keep_message(struct tm__pg *pg, const char *msg)
{
	free(pg->errmsg);
	pg->errmsg = tm__strdup(msg);
	pg->oom = !pg->errmsg;
	pg->sqlstate[0] = '\0';
}

/* The last call worked. */
static void
no_error(struct tm__pg *pg)
{
	free(pg->errmsg);
	pg->errmsg = NULL;
	pg->oom = false;
	pg->sqlstate[0] = '\0';
}

static int
pg_error(tm_db *db, const char *what)
{
	struct tm__pg *pg = pg_of(db);

	if (!pg)
		return tm__error_why(what, "no database");
	if (pg->oom)
		return tm__error_nomem();
	/* A row where none was expected, or the like. */
	return tm__error_why(what, pg->errmsg ? pg->errmsg :
	    "unexpected result");
}

/* Keep the failure of res and set the thread's error with `what`. */
static int
fail(tm_db *db, const PGresult *res, const char *what)
{
	keep_error(db->pg, res);
	return pg_error(db, what);
}

/* Rows changed, from the tag of an INSERT, UPDATE, DELETE or MERGE. */
static void
note_changes(struct tm__pg *pg, const PGresult *res)
{
	const char *tag = PQcmdStatus((PGresult *)res);

	if (strncmp(tag, "INSERT ", 7) == 0 ||
	    strncmp(tag, "UPDATE ", 7) == 0 ||
	    strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0)
	{
		pg->changes = strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
		pg->total += pg->changes;
	}
}

static bool
good_status(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);

	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ||
	    s == PGRES_EMPTY_QUERY;
}

/*
 * Deallocate the statements finalised so far, unless a failed
 * transaction would refuse it (prepared statements outlive it: they go
 * after its ROLLBACK).  DEALLOCATE of a statement that exists cannot
 * fail, so it cannot break the transaction it runs in.
 */
static void
flush_dead(struct tm__pg *pg)
{
	PGresult *res;

	if (pg->ndead < DEAD_MAX || !pg->conn ||
	    PQtransactionStatus(pg->conn) == PQTRANS_INERROR)
		return;
	res = PQexec(pg->conn, pg->dead.ptr);
	PQclear(res);
	tm__buf_reset(&pg->dead);
	pg->ndead = 0;
}

static bool
ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/*
 * SQLite's parameters as PostgreSQL's: "?N" is $N and "?" one more than
 * the highest number so far, as SQLite numbers them.  String literals
 * ('...', E'...' with backslashes), quoted identifiers, dollar-quoted
 * strings and comments are copied as they are.  *nparams: the highest
 * number.
 */
static int
translate(struct tm__buf *out, const char *sql, int *nparams)
{
	const char *p = sql, *start;
	int error = 0, n = 0;

	while (*p && !error) {
		start = p;
		if (*p == '\'' || *p == '"') {
			char q = *p;
			bool esc = q == '\'' && p > sql && (p[-1] == 'E' ||
			    p[-1] == 'e') && (p - 1 == sql ||
			    !ident_char(p[-2]));

			for (p++; *p && *p != q; p++)
				if (esc && *p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 1;

			for (p += 2; *p && depth; ) {
				if (p[0] == '/' && p[1] == '*')
					depth++, p += 2;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p += 2;
				else
					p++;
			}
		} else if (*p == '$' && (p == sql || !ident_char(p[-1])) &&
		    !(p[1] >= '0' && p[1] <= '9')) {
			/* $tag$ ... $tag$, the tag possibly empty */
			const char *t = p + 1, *end;
			size_t tlen;

			while (ident_char(*t) && *t != '$')
				t++;
			if (*t != '$') {
				p++;
			} else {
				tlen = (size_t)(t - p) + 1;
				for (end = t + 1; *end; end++)
					if (strncmp(end, p, tlen) == 0)
						break;
				p = *end ? end + tlen : end;
			}
		} else if (*p == '?') {
			long k = n + 1;

			if (p[1] >= '0' && p[1] <= '9') {
				char *e;

				errno = 0;
				k = strtol(p + 1, &e, 10);
				if (errno || k < 1 || k > 32766)
					return tm__error(TM_EINVAL, "bad "
					    "parameter number in '%s'", sql);
				p = e;
			} else {
				p++;
			}
			if (k > n)
				n = (int)k;
			error = tm__buf_printf(out, "$%ld", k);
			continue;
		} else {
			p++;
			while (*p && *p != '\'' && *p != '"' && *p != '-' &&
			    *p != '/' && *p != '$' && *p != '?')
				p++;
		}
		error = tm__buf_add(out, start, (size_t)(p - start));
	}
	if (!error && !out->ptr)
		error = tm__buf_adds(out, "");
	*nparams = n;
	return error;
}

static const struct tm__stmt_ops pg_ops;

static void
clear_result(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = st->ncols = 0;
	st->done = false;
}

/* A statement of n parameters, nothing bound; NULL without memory. */
static struct pg_stmt *
new_stmt(tm_db *db, int n)
{
	struct pg_stmt *st = tm__calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->base.ops = &pg_ops;
	st->nparams = n;
	if (n > 0 && (!(st->values = tm__calloc((size_t)n,
	    sizeof(*st->values))) ||
	    !(st->lengths = tm__calloc((size_t)n, sizeof(*st->lengths))) ||
	    !(st->formats = tm__calloc((size_t)n, sizeof(*st->formats))) ||
	    !(st->num = tm__calloc((size_t)n, sizeof(*st->num))) ||
	    !(st->owned = tm__calloc((size_t)n, sizeof(*st->owned))) ||
	    !(st->owned_cap = tm__calloc((size_t)n,
	    sizeof(*st->owned_cap))))) {
		pg_ops.finalize(&st->base);
		return NULL;
	}
	st->base.db = db;
	return st;
}

static int
pg_prepare(tm_db *db, tm__stmt **out, const char *sql)
{
	struct tm__pg *pg = pg_of(db);
	struct tm__buf q = { 0 };
	struct pg_stmt *st = NULL;
	PGresult *res = NULL;
	int error, n = 0;

	*out = NULL;
	if (!pg || !pg->conn)
		return tm__error(TM_EINVAL, "no database");
	flush_dead(pg);
	if ((error = translate(&q, sql, &n)) < 0)
		goto done;
	if (!(st = new_stmt(db, n))) {
		error = tm__error_nomem();
		goto done;
	}
	snprintf(st->name, sizeof(st->name), "tm_%" PRIu64, ++pg->nstmt);
	res = PQprepare(pg->conn, st->name, q.ptr, n, NULL);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		error = fail(db, res, "cannot prepare statement");
		goto done;
	}
	no_error(pg);
	*out = &st->base;
	st = NULL;
done:
	PQclear(res);
	if (st) {
		st->base.db = NULL;	/* nothing to deallocate */
		pg_ops.finalize(&st->base);
	}
	tm__buf_release(&q);
	return error;
}

/*
 * Bulk INSERTs
 * ============
 *
 * An import's rows go to the server as COPY ... FROM STDIN, a batch of
 * rows a round trip, rather than one statement and one round trip a
 * row.  The rows wait in their statement until anything else is to run
 * on the connection (a query, a command, a transaction's end) or they
 * pass BULK_MAX bytes; then every bulk statement sends its rows, in the
 * order the statements were made, so that a unit goes before its
 * variants (their foreign key).
 */
#define BULK_MAX (4u << 20)
/* The rows a scan's cursor fetches at a time. */
#define SCAN_ROWS 4096

static int
send_rows(struct tm__pg *pg, struct pg_stmt *st)
{
	PGresult *res;
	int ok;

	res = PQexec(pg->conn, st->copy_sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		keep_error(pg, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	ok = PQputCopyData(pg->conn, st->rows.ptr, (int)st->rows.len) == 1;
	ok = PQputCopyEnd(pg->conn, ok ? NULL : "cannot send rows") == 1 &&
	    ok;
	res = PQgetResult(pg->conn);
	if (!ok || !res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		keep_error(pg, res);
		ok = 0;
	}
	PQclear(res);
	while ((res = PQgetResult(pg->conn)))
		PQclear(res);
	return ok ? 0 : -1;
}

/* Send every bulk statement's rows: 0, or -1 with the failure kept. */
static int
flush_bulk(struct tm__pg *pg)
{
	struct pg_stmt *st;
	int error = 0;

	if (!pg->pending)
		return 0;
	for (st = pg->bulk; st; st = st->next_bulk) {
		if (!error && st->rows.len && (error = send_rows(pg, st)) == 0)
			pg->total += st->nrows_pending;
		tm__buf_reset(&st->rows);
		st->nrows_pending = 0;
	}
	pg->pending = 0;
	return error;
}

/* A value as COPY's text format wants it: \N, \\x and hex, or escaped. */
static int
copy_value(struct tm__buf *b, const char *v, int len, int format)
{
	static const char hex[] = "0123456789abcdef";
	const char *p;
	int i, error = 0;

	if (!v)
		return tm__buf_adds(b, "\\N");
	if (format == FORMAT_BINARY) {
		error = tm__buf_adds(b, "\\\\x");
		for (i = 0; i < len && !error; i++) {
			char h[2] = { hex[(unsigned char)v[i] >> 4],
			    hex[(unsigned char)v[i] & 15] };

			error = tm__buf_add(b, h, 2);
		}
		return error;
	}
	for (p = v; *p && !error; p++) {
		switch (*p) {
		case '\\':
			error = tm__buf_adds(b, "\\\\");
			break;
		case '\t':
			error = tm__buf_adds(b, "\\t");
			break;
		case '\n':
			error = tm__buf_adds(b, "\\n");
			break;
		case '\r':
			error = tm__buf_adds(b, "\\r");
			break;
		default:
			error = tm__buf_addc(b, *p);
		}
	}
	return error;
}

/* A bulk statement's step: its row, gathered. */
static int
bulk_step(struct tm__pg *pg, struct pg_stmt *st)
{
	size_t before = st->rows.len;
	int k, error = 0;

	for (k = 0; k < st->nparams && !error; k++) {
		if (k && (error = tm__buf_addc(&st->rows, '\t')) < 0)
			break;
		error = copy_value(&st->rows, st->values[k], st->lengths[k],
		    st->formats[k]);
	}
	if (!error)
		error = tm__buf_addc(&st->rows, '\n');
	if (error) {
		st->rows.len = before;
		keep_message(pg, "out of memory");
		return TM_EDB;
	}
	st->nrows_pending++;
	pg->pending += st->rows.len - before;
	pg->changes = 1;
	if (pg->pending > BULK_MAX && flush_bulk(pg) < 0)
		return TM_EDB;
	no_error(pg);
	return TM__DONE;
}

static int
pg_exec(tm_db *db, const char *sql)
{
	struct tm__pg *pg = pg_of(db);
	PGresult *res;
	int error = 0;

	if (!pg || !pg->conn)
		return -1;
	if (flush_bulk(pg) < 0)
		return -1;
	flush_dead(pg);
	res = PQexec(pg->conn, sql);
	if (!res || !good_status(res)) {
		keep_error(pg, res);
		error = -1;
	} else {
		note_changes(pg, res);
		no_error(pg);
	}
	PQclear(res);
	return error;
}

static int64_t
pg_changes(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	return pg ? pg->changes : 0;
}

static int
pg_in_transaction(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);
	PGTransactionStatusType s;

	if (!pg || !pg->conn)
		return 0;
	s = PQtransactionStatus(pg->conn);
	return s == PQTRANS_INTRANS || s == PQTRANS_INERROR ||
	    s == PQTRANS_ACTIVE;
}

/* A statement prepared as usual that also knows its cursor's DECLARE. */
static int
pg_prepare_scan(tm_db *db, tm__stmt **out, const char *sql)
{
	struct tm__buf q = { 0 }, d = { 0 };
	struct pg_stmt *st;
	int error, n = 0;

	if ((error = pg_prepare(db, out, sql)) < 0)
		return error;
	st = (struct pg_stmt *)(void *)*out;
	if ((error = translate(&q, sql, &n)) < 0 ||
	    (error = tm__buf_printf(&d, "DECLARE %s_c NO SCROLL CURSOR FOR %s",
	    st->name, q.ptr)) < 0 ||
	    !(st->scan_sql = tm__buf_detach(&d))) {
		error = error < 0 ? error : tm__error_nomem();
		pg_ops.finalize(*out);
		*out = NULL;
	}
	tm__buf_release(&q);
	tm__buf_release(&d);
	return error;
}

/*
 * "INSERT INTO t (a, b) VALUES (?, ?)" becomes "COPY t (a, b) FROM
 * STDIN" with two parameters; any other statement is prepared as usual.
 */
static int
pg_prepare_bulk(tm_db *db, tm__stmt **out, const char *sql)
{
	struct tm__pg *pg = pg_of(db);
	const char *cols, *values, *p;
	struct pg_stmt *st = NULL;
	struct tm__buf q = { 0 };
	int n = 0, error;

	*out = NULL;
	if (!pg || !pg->conn)
		return tm__error(TM_EINVAL, "no database");
	if (strncmp(sql, "INSERT INTO ", 12) != 0 ||
	    !(cols = strchr(sql + 12, '(')) ||
	    !(values = strstr(cols, ") VALUES (")))
		return pg_prepare(db, out, sql);
	for (p = values + 10; *p && *p != ')'; p++) {
		if (*p == '?')
			n++;
		else if (*p != ',' && *p != ' ')
			return pg_prepare(db, out, sql);
	}
	if (*p != ')' || p[1] != '\0' || n == 0)
		return pg_prepare(db, out, sql);
	if ((error = tm__buf_adds(&q, "COPY ")) < 0 ||
	    (error = tm__buf_add(&q, sql + 12, (size_t)(values + 1 -
	    (sql + 12)))) < 0 ||
	    (error = tm__buf_adds(&q, " FROM STDIN")) < 0)
		goto done;
	if (!(st = new_stmt(db, n))) {
		error = tm__error_nomem();
		goto done;
	}
	st->copy_sql = tm__buf_detach(&q);
	if (!st->copy_sql) {
		error = tm__error_nomem();
		goto done;
	}
	/* Last in the list: rows go in the order the statements were made. */
	{
		struct pg_stmt **pp = &pg->bulk;

		while (*pp)
			pp = &(*pp)->next_bulk;
		*pp = st;
	}
	*out = &st->base;
	st = NULL;
done:
	if (st) {
		st->base.db = NULL;
		pg_ops.finalize(&st->base);
	}
	tm__buf_release(&q);
	return error;
}

/* A value of one row and column, as text; NULL when none (kept failure). */
static char *
pg_value(struct tm__pg *pg, const char *sql)
{
	PGresult *res;
	char *v = NULL;

	if (flush_bulk(pg) < 0)
		return NULL;
	res = PQexec(pg->conn, sql);
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1 && PQnfields(res) == 1) {
		v = tm__strdup(PQgetisnull(res, 0, 0) ? "" :
		    PQgetvalue(res, 0, 0));
		if (v)
			no_error(pg);
		else
			keep_message(pg, "out of memory");
	} else {
		keep_error(pg, res);
	}
	PQclear(res);
	return v;
}

/*
 * A question about the schema, on tm's own table and column names: 1
 * when the answer is true or a count above 0, 0 when not, TM_EDB
 * (message set) on failure.
 */
static int schema_test(tm_db *db, const char *fmt, ...) TM__PRINTF(2, 3);

static int
schema_test(tm_db *db, const char *fmt, ...)
{
	struct tm__pg *pg = pg_of(db);
	struct tm__buf q = { 0 };
	char *v = NULL;
	va_list ap;
	int r;

	if (!pg || !pg->conn)
		return tm__error_why("database", "not connected");
	va_start(ap, fmt);
	r = tm__buf_vprintf(&q, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	v = pg_value(pg, q.ptr);
	tm__buf_release(&q);
	if (!v)
		return pg_error(db, "cannot read the schema");
	r = strcmp(v, "t") == 0 || (strcmp(v, "f") != 0 && strcmp(v, "0") != 0);
	free(v);
	return r;
}

static int64_t
pg_total_changes(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	return pg ? pg->total : 0;
}

/* The identity that the session's last INSERT drew (lastval()). */
static int64_t
pg_last_insert_id(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);
	char *v;
	int64_t id;

	if (!pg || !pg->conn || !(v = pg_value(pg, "SELECT lastval()")))
		return 0;
	id = strtoll(v, NULL, 10);
	free(v);
	return id;
}

static int
pg_read_only(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	return !pg || pg->read_only;
}

static int
pg_unique_violation(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	return pg && strcmp(pg->sqlstate, "23505") == 0;
}

/*
 * Rows copied in with their ids: the table's identity, if it has one,
 * goes past the largest, so that the next row given none does not
 * collide.  Table names are tm's own, never a user's.
 */
static int
pg_ids_taken(tm_db *db, const char *table)
{
	struct tm__pg *pg = pg_of(db);
	struct tm__buf q = { 0 };
	char *v;
	int r;

	if ((r = schema_test(db, "SELECT count(*) FROM "
	    "information_schema.columns WHERE table_schema = current_schema() "
	    "AND table_name = '%s' AND column_name = 'id' AND is_identity = "
	    "'YES'", table)) <= 0)
		return r;
	if ((r = tm__buf_printf(&q, "SELECT setval(pg_get_serial_sequence("
	    "'%s', 'id'), coalesce(max(id), 0) + 1, false) FROM %s", table,
	    table)) < 0)
		return r;
	v = pg_value(pg, q.ptr);
	tm__buf_release(&q);
	if (!v)
		return pg_error(db, "cannot set the next id");
	free(v);
	return 0;
}

static int
pg_has_table(tm_db *db, const char *table)
{
	return schema_test(db, "SELECT to_regclass('%s') IS NOT NULL", table);
}

static int
pg_not_null(tm_db *db, const char *table, const char *column)
{
	return schema_test(db, "SELECT count(*) FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = '%s' AND "
	    "column_name = '%s' AND is_nullable = 'NO'", table, column);
}

const struct tm__store tm__store_pg = {
	.name = "postgresql",
	/*
	 * Writers take turns, as on SQLite: an import numbers its units
	 * and finds its duplicates against what is committed, so two at
	 * once would collide.  The lock is the transaction's, released at
	 * its end (or the writer's crash); readers never wait for it.
	 */
	.begin_write = "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK ")",
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ",
	.lookup_settings = NULL,
	/*
	 * No cheap counter of other sessions' commits: what the lookup
	 * remembers is dropped when the variants or the index grow.
	 */
	.data_version = "0",
	.prepare = pg_prepare,
	.prepare_bulk = pg_prepare_bulk,
	.prepare_scan = pg_prepare_scan,
	.exec = pg_exec,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.last_insert_id = pg_last_insert_id,
	.in_transaction = pg_in_transaction,
	.read_only = pg_read_only,
	.unique_violation = pg_unique_violation,
	.ids_taken = pg_ids_taken,
	.has_table = pg_has_table,
	.not_null = pg_not_null,
	.error = pg_error,
};

/* Binding */

static struct pg_stmt *
stmt_of(tm__stmt *base)
{
	return (struct pg_stmt *)base;
}

/* Parameter i (from 1) as index, or -1 with the error set. */
static int
param(struct pg_stmt *st, int i)
{
	if (i < 1 || i > st->nparams) {
		tm__error(TM_EINVAL, "no parameter %d in a statement of %d",
		    i, st->nparams);
		return -1;
	}
	return i - 1;
}

static int
pg_bind_int64(tm__stmt *base, int i, int64_t v)
{
	struct pg_stmt *st = stmt_of(base);
	int k = param(st, i);

	if (k < 0)
		return TM_EINVAL;
	snprintf(st->num[k], sizeof(st->num[k]), "%" PRId64, v);
	st->values[k] = st->num[k];
	st->lengths[k] = 0;
	st->formats[k] = FORMAT_TEXT;
	return 0;
}

static int
pg_bind_double(tm__stmt *base, int i, double v)
{
	struct pg_stmt *st = stmt_of(base);
	int k = param(st, i);

	if (k < 0)
		return TM_EINVAL;
	if (isnan(v))
		snprintf(st->num[k], sizeof(st->num[k]), "NaN");
	else if (isinf(v))
		snprintf(st->num[k], sizeof(st->num[k]), "%sInfinity",
		    v < 0 ? "-" : "");
	else
		snprintf(st->num[k], sizeof(st->num[k]), "%.17g", v);
	st->values[k] = st->num[k];
	st->lengths[k] = 0;
	st->formats[k] = FORMAT_TEXT;
	return 0;
}

static int
pg_bind_null(tm__stmt *base, int i)
{
	struct pg_stmt *st = stmt_of(base);
	int k = param(st, i);

	if (k < 0)
		return TM_EINVAL;
	st->values[k] = NULL;
	st->lengths[k] = 0;
	st->formats[k] = FORMAT_TEXT;
	return 0;
}

static int
pg_bind_text(tm__stmt *base, int i, const char *s, int n)
{
	struct pg_stmt *st = stmt_of(base);
	int k = param(st, i);

	if (k < 0)
		return TM_EINVAL;
	if (!s)
		return pg_bind_null(base, i);
	if (n >= 0) {
		/* The text format wants the NUL that s[n] may not be. */
		if ((size_t)n + 1 > st->owned_cap[k]) {
			char *p = tm__realloc(st->owned[k], (size_t)n + 1);

			if (!p)
				return tm__error_nomem();
			st->owned[k] = p;
			st->owned_cap[k] = (size_t)n + 1;
		}
		memcpy(st->owned[k], s, (size_t)n);
		st->owned[k][n] = '\0';
		s = st->owned[k];
	}
	st->values[k] = s;
	st->lengths[k] = 0;
	st->formats[k] = FORMAT_TEXT;
	return 0;
}

static int
pg_bind_blob(tm__stmt *base, int i, const void *p, int n)
{
	struct pg_stmt *st = stmt_of(base);
	int k = param(st, i);

	if (k < 0)
		return TM_EINVAL;
	if (!p || n < 0)
		return pg_bind_null(base, i);
	st->values[k] = n ? p : "";
	st->lengths[k] = n;
	st->formats[k] = FORMAT_BINARY;
	return 0;
}

static int
pg_clear_bindings(tm__stmt *base)
{
	struct pg_stmt *st = stmt_of(base);
	int k;

	for (k = 0; k < st->nparams; k++)
		st->values[k] = NULL;
	return 0;
}

/* Stepping */

static bool
supported(Oid t)
{
	switch (t) {
	case OID_BOOL: case OID_BYTEA: case OID_CHAR: case OID_NAME:
	case OID_INT8: case OID_INT2: case OID_INT4: case OID_TEXT:
	case OID_OID: case OID_JSON: case OID_FLOAT4: case OID_FLOAT8:
	case OID_UNKNOWN: case OID_BPCHAR: case OID_VARCHAR: case OID_NUMERIC:
		return true;
	default:
		return false;
	}
}

/* Hold res, a result with rows (or none): TM__ROW, TM__DONE or TM_EDB. */
static int
take_result(struct tm__pg *pg, struct pg_stmt *st, PGresult *res)
{
	int c;

	note_changes(pg, res);
	no_error(pg);
	st->ncols = PQnfields(res);
	for (c = 0; c < st->ncols; c++) {
		if (!supported(PQftype(res, c))) {
			struct tm__buf m = { 0 };

			if (tm__buf_printf(&m, "column %d (%s) is of a type "
			    "tm cannot read (oid %u): cast it to text", c,
			    PQfname(res, c), (unsigned)PQftype(res, c)) == 0)
				keep_message(pg, m.ptr);
			tm__buf_release(&m);
			PQclear(res);
			st->ncols = 0;
			return TM_EDB;
		}
	}
	if (st->ncols > st->nscratch) {
		void *p = tm__realloc(st->scratch, (size_t)st->ncols *
		    sizeof(*st->scratch));

		if (!p) {
			PQclear(res);
			st->ncols = 0;
			keep_message(pg, "out of memory");
			return TM_EDB;
		}
		st->scratch = p;
		st->nscratch = st->ncols;
	}
	st->res = res;
	st->nrows = PQntuples(res);
	st->row = 0;
	st->done = st->nrows == 0;
	return st->done ? TM__DONE : TM__ROW;
}

/* A scan's next rows from its cursor. */
static int
fetch(struct tm__pg *pg, struct pg_stmt *st)
{
	char q[64];
	PGresult *res;

	snprintf(q, sizeof(q), "FETCH %d FROM %s_c", SCAN_ROWS, st->name);
	res = PQexecParams(pg->conn, q, 0, NULL, NULL, NULL, NULL,
	    FORMAT_BINARY);
	if (!res || !good_status(res)) {
		keep_error(pg, res);
		PQclear(res);
		return TM_EDB;
	}
	return take_result(pg, st, res);
}

/* Close a scan's cursor, if open (not in a failed transaction). */
static void
close_cursor(struct tm__pg *pg, struct pg_stmt *st)
{
	char q[64];

	if (!st->cursor)
		return;
	st->cursor = false;
	if (!pg || !pg->conn ||
	    PQtransactionStatus(pg->conn) != PQTRANS_INTRANS)
		return;
	snprintf(q, sizeof(q), "CLOSE %s_c", st->name);
	PQclear(PQexec(pg->conn, q));
}

/* Run the statement and hold its rows: TM__ROW, TM__DONE or TM_EDB. */
static int
run(struct pg_stmt *st)
{
	struct tm__pg *pg = pg_of(st->base.db);
	PGresult *res;

	if (!pg || !pg->conn) {
		if (pg)
			keep_message(pg, "not connected");
		return TM_EDB;
	}
	if (st->copy_sql)
		return bulk_step(pg, st);
	if (flush_bulk(pg) < 0)
		return TM_EDB;
	/*
	 * A scan inside a transaction reads its rows SCAN_ROWS at a time
	 * through a cursor, so that memory stays flat however many there
	 * are; outside one (a cursor lives in its transaction) it fetches
	 * them whole like any statement.
	 */
	if (st->scan_sql && PQtransactionStatus(pg->conn) == PQTRANS_INTRANS) {
		res = PQexecParams(pg->conn, st->scan_sql, st->nparams, NULL,
		    st->values, st->lengths, st->formats, FORMAT_TEXT);
		if (!res || !good_status(res)) {
			keep_error(pg, res);
			PQclear(res);
			return TM_EDB;
		}
		PQclear(res);
		st->cursor = true;
		return fetch(pg, st);
	}
	res = PQexecPrepared(pg->conn, st->name, st->nparams, st->values,
	    st->lengths, st->formats, FORMAT_BINARY);
	if (!res || !good_status(res)) {
		keep_error(pg, res);
		PQclear(res);
		return TM_EDB;
	}
	return take_result(pg, st, res);
}

static int
pg_step(tm__stmt *base)
{
	struct pg_stmt *st = stmt_of(base);
	struct tm__pg *pg = pg_of(st->base.db);
	int rc;

	if (st->res && !st->done) {
		if (++st->row < st->nrows)
			return TM__ROW;
		/* A cursor's batch used up: the next, unless it was short. */
		if (st->cursor && st->nrows == SCAN_ROWS && pg && pg->conn) {
			clear_result(st);
			if ((rc = flush_bulk(pg)) < 0 ||
			    (rc = fetch(pg, st)) != TM__ROW) {
				close_cursor(pg, st);
				if (rc == TM__DONE)
					st->done = true;
				return rc < 0 ? TM_EDB : rc;
			}
			return TM__ROW;
		}
		close_cursor(pg, st);
		st->done = true;
		return TM__DONE;
	}
	/* Stepped again after its end: run again, as SQLite does. */
	close_cursor(pg, st);
	clear_result(st);
	return run(st);
}

static int
pg_reset(tm__stmt *base)
{
	struct pg_stmt *st = stmt_of(base);

	close_cursor(pg_of(st->base.db), st);
	clear_result(st);
	return 0;
}

static void
pg_finalize(tm__stmt *base)
{
	struct pg_stmt *st = stmt_of(base);
	struct tm__pg *pg = pg_of(st->base.db);
	int k;

	close_cursor(pg, st);
	clear_result(st);
	PQclear(st->desc);
	free(st->scan_sql);
	if (st->copy_sql) {
		struct pg_stmt **pp;

		/* Its rows go now (a failure shows at the next statement). */
		if (pg && pg->conn && st->rows.len)
			(void)flush_bulk(pg);
		for (pp = pg ? &pg->bulk : NULL; pp && *pp; pp = &(*pp)->next_bulk)
			if (*pp == st) {
				*pp = st->next_bulk;
				break;
			}
		free(st->copy_sql);
		tm__buf_release(&st->rows);
		pg = NULL;	/* nothing prepared on the server */
	}
	if (pg && pg->conn) {
		/* Without memory to remember it, it goes with the session. */
		if (tm__buf_printf(&pg->dead, "DEALLOCATE %s;", st->name) == 0)
			pg->ndead++;
		flush_dead(pg);
	}
	for (k = 0; st->owned && k < st->nparams; k++)
		free(st->owned[k]);
	free(st->owned);
	free(st->owned_cap);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->num);
	free(st->scratch);
	free(st);
}

/* Columns */

/* Column i of the current row, or NULL (no row, no column, SQL NULL). */
static const char *
cell(struct pg_stmt *st, int i, int *len, Oid *type)
{
	if (!st->res || st->done || st->row >= st->nrows || i < 0 ||
	    i >= st->ncols || PQgetisnull(st->res, st->row, i))
		return NULL;
	*len = PQgetlength(st->res, st->row, i);
	*type = PQftype(st->res, i);
	return PQgetvalue(st->res, st->row, i);
}

static uint64_t
be(const char *p, int n)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < n; k++)
		v = v << 8 | (unsigned char)p[k];
	return v;
}

/*
 * A numeric in binary: ndigits, weight, sign, dscale (16 bits each),
 * then ndigits base-10000 digits, the first worth 10000^weight.
 * *integral: whole and within int64, then *i holds it.
 */
static void
numeric(const char *p, int len, bool *integral, int64_t *i, double *d)
{
	int nd, weight, sign, k;
	uint64_t u = 0;
	bool whole = true, fits = true;
	double v = 0;

	*integral = false;
	*i = 0;
	*d = 0;
	if (len < 8)
		return;
	nd = (int16_t)be(p, 2);
	weight = (int16_t)be(p + 2, 2);
	sign = (int)be(p + 4, 2);
	if (sign == 0xC000) {
		*d = NAN;
		return;
	}
	if (sign == 0xD000 || sign == 0xF000) {
		*d = sign == 0xD000 ? INFINITY : -INFINITY;
		return;
	}
	if (len < 8 + 2 * nd)
		return;
	for (k = 0; k < nd; k++) {
		int digit = (int)be(p + 8 + 2 * k, 2);

		v += digit * pow(10000, weight - k);
		if (k > weight) {
			if (digit)
				whole = false;
		} else if (fits && (__builtin_mul_overflow(u, 10000, &u) ||
		    __builtin_add_overflow(u, (uint64_t)digit, &u))) {
			fits = false;
		}
	}
	/* Digits left out at the end are zeros up to the units. */
	for (k = nd; k <= weight && fits; k++)
		if (__builtin_mul_overflow(u, 10000, &u))
			fits = false;
	if (sign == 0x4000) {
		v = -v;
		if (u > (uint64_t)INT64_MAX + 1)
			fits = false;
		*i = u ? (int64_t)(0 - u) : 0;
	} else {
		if (u > (uint64_t)INT64_MAX)
			fits = false;
		*i = (int64_t)u;
	}
	*d = v;
	*integral = whole && fits;
}

/* A value decoded: its kind (TM__INTEGER...) and number. */
struct value {
	int type;
	int64_t i;
	double d;
	const char *p;	/* text or blob */
	int len;
};

static void
decode(struct pg_stmt *st, int col, struct value *v)
{
	Oid t = 0;
	const char *p;
	int len = 0;
	bool integral;
	union { uint32_t u; float f; } f4;
	union { uint64_t u; double d; } f8;

	memset(v, 0, sizeof(*v));
	if (!(p = cell(st, col, &len, &t))) {
		v->type = TM__NULL;
		return;
	}
	v->p = p;
	v->len = len;
	switch (t) {
	case OID_BOOL: case OID_CHAR:
		v->type = TM__INTEGER;
		v->i = len >= 1 ? (t == OID_BOOL ? p[0] != 0 :
		    (signed char)p[0]) : 0;
		break;
	case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID:
		v->type = TM__INTEGER;
		if (len == 2)
			v->i = (int16_t)be(p, 2);
		else if (len == 4)
			v->i = t == OID_OID ? (int64_t)be(p, 4) :
			    (int32_t)be(p, 4);
		else if (len == 8)
			v->i = (int64_t)be(p, 8);
		v->d = (double)v->i;
		break;
	case OID_FLOAT4:
		v->type = TM__FLOAT;
		f4.u = len == 4 ? (uint32_t)be(p, 4) : 0;
		v->d = f4.f;
		break;
	case OID_FLOAT8:
		v->type = TM__FLOAT;
		f8.u = len == 8 ? be(p, 8) : 0;
		v->d = f8.d;
		break;
	case OID_NUMERIC:
		numeric(p, len, &integral, &v->i, &v->d);
		v->type = integral ? TM__INTEGER : TM__FLOAT;
		break;
	case OID_BYTEA:
		v->type = TM__BLOB;
		break;
	default:
		v->type = TM__TEXT;
		break;
	}
}

static int
pg_column_type(tm__stmt *base, int i)
{
	struct value v;

	decode(stmt_of(base), i, &v);
	return v.type;
}

/* SQLite's conversion of text to an integer: its leading digits. */
static int64_t
text_int(const char *s)
{
	long long v;

	errno = 0;
	v = strtoll(s, NULL, 10);
	return (int64_t)v;
}

static int64_t
pg_column_int64(tm__stmt *base, int i)
{
	struct value v;

	decode(stmt_of(base), i, &v);
	switch (v.type) {
	case TM__INTEGER:
		return v.i;
	case TM__FLOAT:
		if (isnan(v.d))
			return 0;
		if (v.d >= 9223372036854775807.0)
			return INT64_MAX;
		if (v.d <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)v.d;
	case TM__TEXT: case TM__BLOB:
		return text_int(v.p);
	default:
		return 0;
	}
}

static double
pg_column_double(tm__stmt *base, int i)
{
	struct value v;

	decode(stmt_of(base), i, &v);
	switch (v.type) {
	case TM__INTEGER:
		return (double)v.i;
	case TM__FLOAT:
		return v.d;
	case TM__TEXT: case TM__BLOB:
		return strtod(v.p, NULL);
	default:
		return 0;
	}
}

static const unsigned char *
pg_column_text(tm__stmt *base, int i)
{
	struct pg_stmt *st = stmt_of(base);
	struct value v;
	char *s;
	size_t n;

	decode(st, i, &v);
	switch (v.type) {
	case TM__INTEGER:
		s = st->scratch[i];
		snprintf(s, sizeof(st->scratch[i]), "%" PRId64, v.i);
		return (const unsigned char *)s;
	case TM__FLOAT:
		/* As SQLite writes a real: 15 digits, ".0" when whole. */
		s = st->scratch[i];
		snprintf(s, sizeof(st->scratch[i]), "%.15g", v.d);
		n = strlen(s);
		if (isfinite(v.d) && !strpbrk(s, ".e") && n + 2 <
		    sizeof(st->scratch[i]))
			memcpy(s + n, ".0", 3);
		return (const unsigned char *)s;
	case TM__TEXT: case TM__BLOB:
		/* libpq ends every value in a NUL, binary ones too. */
		return (const unsigned char *)v.p;
	default:
		return NULL;
	}
}

static const void *
pg_column_blob(tm__stmt *base, int i)
{
	struct value v;

	decode(stmt_of(base), i, &v);
	if (v.type == TM__TEXT || v.type == TM__BLOB)
		return v.p;
	return pg_column_text(base, i);
}

static int
pg_column_bytes(tm__stmt *base, int i)
{
	struct value v;
	const unsigned char *s;

	decode(stmt_of(base), i, &v);
	if (v.type == TM__TEXT || v.type == TM__BLOB)
		return v.len;
	if (v.type == TM__NULL || !(s = pg_column_text(base, i)))
		return 0;
	return (int)strlen((const char *)s);
}

/* The result's shape: the rows' own, else the statement described. */
static const PGresult *
shape(struct pg_stmt *st)
{
	struct tm__pg *pg = pg_of(st->base.db);

	if (st->res)
		return st->res;
	if (!st->desc && pg && pg->conn) {
		st->desc = PQdescribePrepared(pg->conn, st->name);
		if (st->desc && PQresultStatus(st->desc) != PGRES_COMMAND_OK) {
			keep_error(pg, st->desc);
			PQclear(st->desc);
			st->desc = NULL;
		}
	}
	return st->desc;
}

static int
pg_column_count(tm__stmt *base)
{
	const PGresult *r = shape(stmt_of(base));

	return r ? PQnfields(r) : 0;
}

static const char *
pg_column_name(tm__stmt *base, int i)
{
	const PGresult *r = shape(stmt_of(base));

	return r && i >= 0 && i < PQnfields(r) ? PQfname(r, i) : NULL;
}

static const struct tm__stmt_ops pg_ops = {
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.clear_bindings = pg_clear_bindings,
	.finalize = pg_finalize,
	.column_type = pg_column_type,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_bytes = pg_column_bytes,
	.column_count = pg_column_count,
	.column_name = pg_column_name,
};

/* Opening */

/*
 * The conninfo for messages: a URL's password (user:PASSWORD@ or
 * ?password=) and a key=value string's password=... given as "***".
 */
static int
hide_password(struct tm__buf *out, const char *ci)
{
	const char *p = ci, *at, *slash, *colon;
	int error = 0;

	if (strncmp(ci, "postgresql://", 13) == 0 ||
	    strncmp(ci, "postgres://", 11) == 0) {
		p = strstr(ci, "://") + 3;
		slash = p + strcspn(p, "/?");
		at = NULL;
		for (colon = p; colon < slash; colon++)
			if (*colon == '@')
				at = colon;
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
		if (colon) {
			error = tm__buf_add(out, ci, (size_t)(colon - ci) + 1);
			if (!error)
				error = tm__buf_adds(out, "***");
			p = at;
		} else {
			p = ci;
		}
		/* The query: name=value pairs split by '&'. */
		while (!error && *p) {
			size_t n = strcspn(p, "?&");

			error = tm__buf_add(out, p, n);
			p += n;
			if (!*p || error)
				break;
			error = tm__buf_addc(out, *p++);
			if (!error && strncmp(p, "password=", 9) == 0) {
				error = tm__buf_adds(out, "password=***");
				p += 9 + strcspn(p + 9, "&");
			}
		}
		return error;
	}
	/* keyword = value, value '...' (with \' and \\) or up to a space */
	while (!error && *p) {
		const char *k = p, *v;
		bool pw;

		while (*p && *p != '=' && *p != ' ' && *p != '\t' &&
		    *p != '\n')
			p++;
		pw = (size_t)(p - k) == 8 && strncmp(k, "password", 8) == 0;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p != '=') {
			error = tm__buf_add(out, k, (size_t)(p - k));
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		v = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else {
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
		}
		error = tm__buf_add(out, k, (size_t)(v - k));
		if (!error)
			error = pw ? tm__buf_adds(out, "***") :
			    tm__buf_add(out, v, (size_t)(p - v));
		while (!error && (*p == ' ' || *p == '\t' || *p == '\n'))
			error = tm__buf_addc(out, *p++);
	}
	return error;
}

/* Run sql (no parameters, no rows wanted); TM_EDB with `what`. */
static int
command(tm_db *db, const char *sql, const char *what)
{
	PGresult *res = PQexec(db->pg->conn, sql);
	int error = 0;

	if (!res || !good_status(res))
		error = fail(db, res, what);
	PQclear(res);
	return error;
}

/* The first column of the first row of sql as text, NULL if none. */
static int
query_text(tm_db *db, const char *sql, char **out)
{
	PGresult *res = PQexec(db->pg->conn, sql);
	int error = 0;

	*out = NULL;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		error = fail(db, res, "cannot read the schema");
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) &&
	    !(*out = tm__strdup(PQgetvalue(res, 0, 0))))
		error = tm__error_nomem();
	PQclear(res);
	return error;
}

/* The schema version: 0 where there is no meta table. */
static int
schema_version(tm_db *db, int *out)
{
	char *v = NULL;
	int error;

	*out = 0;
	/*
	 * From pg_tables, not to_regclass(): a name looked up without a
	 * lock may come from a cache that has not yet seen the table that
	 * another process made while this one waited for the lock.
	 */
	if ((error = query_text(db, "SELECT count(*) FROM pg_catalog.pg_tables "
	    "WHERE schemaname = current_schema() AND tablename = 'meta'",
	    &v)) < 0 || !v || strcmp(v, "0") == 0)
		goto done;
	free(v);
	v = NULL;
	if ((error = query_text(db, "SELECT value FROM meta WHERE key = "
	    "'schema_version'", &v)) < 0)
		goto done;
	if (!v || (*out = (int)strtol(v, NULL, 10)) <= 0)
		error = tm__error(TM_EDB, "'%s' has a table meta but no "
		    "schema version: not a translation memory",
		    db->pg->shown);
done:
	free(v);
	return error;
}

/* Text compares and sorts by its bytes, as in SQLite, whatever the
 * database's locale. */
#define TEXT "text COLLATE \"C\""
#define ID "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

/* Append "name text, ..." for an attribute table. */
static int
add_columns(struct tm__buf *b, const struct tm__attr *attrs, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++)
		error = tm__buf_printf(b, "\t%s " TEXT ",\n", attrs[i].col);
	return error;
}

/*
 * PostgreSQL schema version 1: SQLite's version 9 with the tables that
 * modules make for themselves (token, align_lexicon), in the same names
 * and column order.  SQLite's INTEGER is bigint (64-bit hashes too),
 * BLOB bytea, REAL double precision.
 */
static int
migrate_1(tm_db *db)
{
	struct tm__buf sql = { 0 };
	char now[21];
	int error;

	error = tm__buf_adds(&sql,
	    "CREATE TABLE meta (\n"
	    "\tkey " TEXT " PRIMARY KEY,\n"
	    "\tvalue " TEXT "\n"
	    ");\n"
	    "CREATE TABLE import (\n"
	    "\tid " ID ",\n"
	    "\tfile " TEXT " NOT NULL,\n"
	    "\tdate " TEXT " NOT NULL,\n"
	    "\tunits_read bigint NOT NULL DEFAULT 0,\n"
	    "\timported bigint NOT NULL DEFAULT 0,\n"
	    "\tduplicates bigint NOT NULL DEFAULT 0,\n"
	    "\tupdated bigint NOT NULL DEFAULT 0,\n"
	    "\tskipped bigint NOT NULL DEFAULT 0,\n"
	    "\tseconds double precision,\n"
	    "\ttmx_version " TEXT ",\n"
	    "\thas_header bigint NOT NULL DEFAULT 0,\n");
	if (!error)
		error = add_columns(&sql, tm__header_attrs, tm__nheader_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra " TEXT ",\n"
		    "\tnamespaces " TEXT "\n"
		    ");\n"
		    "CREATE TABLE ude (\n"
		    "\tid " ID ",\n"
		    "\timport_id bigint NOT NULL REFERENCES import(id) "
		    "ON DELETE CASCADE,\n"
		    "\tord bigint NOT NULL,\n"
		    "\tname " TEXT " NOT NULL,\n"
		    "\tbase " TEXT ",\n"
		    "\textra " TEXT "\n"
		    ");\n"
		    "CREATE INDEX ude_import ON ude(import_id, ord);\n"
		    "CREATE TABLE ude_map (\n"
		    "\tude_id bigint NOT NULL REFERENCES ude(id) "
		    "ON DELETE CASCADE,\n"
		    "\tord bigint NOT NULL,\n"
		    "\tunicode " TEXT ",\n"
		    "\tcode " TEXT ",\n"
		    "\tent " TEXT ",\n"
		    "\tsubst " TEXT ",\n"
		    "\textra " TEXT ",\n"
		    "\tPRIMARY KEY (ude_id, ord)\n"
		    ");\n"
		    "CREATE TABLE tu (\n"
		    "\tid " ID ",\n"
		    "\timport_id bigint REFERENCES import(id),\n");
	if (!error)
		error = add_columns(&sql, tm__tu_attrs, tm__ntu_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra " TEXT ",\n"
		    "\tmtime " TEXT ",\n"
		    "\tlangs " TEXT " NOT NULL,\n"
		    "\tdup bigint NOT NULL,\n"
		    "\tdup2 bigint NOT NULL\n"
		    ");\n"
		    "CREATE TABLE tu_dup (\n"
		    "\thash bigint NOT NULL,\n"
		    "\thash2 bigint NOT NULL,\n"
		    "\ttu_id bigint NOT NULL,\n"
		    "\tPRIMARY KEY (hash, hash2, tu_id)\n"
		    ");\n"
		    "CREATE FUNCTION tu_dup_delete() RETURNS trigger\n"
		    "LANGUAGE plpgsql AS $$\n"
		    "BEGIN\n"
		    "\tDELETE FROM tu_dup WHERE hash = OLD.dup AND "
		    "hash2 = OLD.dup2\n"
		    "\t    AND tu_id = OLD.id;\n"
		    "\tRETURN NULL;\n"
		    "END\n"
		    "$$;\n"
		    "CREATE TRIGGER tu_dup_delete AFTER DELETE ON tu\n"
		    "\tFOR EACH ROW EXECUTE FUNCTION tu_dup_delete();\n"
		    "CREATE TABLE tuv (\n"
		    "\tid " ID ",\n"
		    "\ttu_id bigint NOT NULL REFERENCES tu(id) "
		    "ON DELETE CASCADE,\n"
		    "\tord bigint NOT NULL,\n"
		    "\tlang " TEXT " NOT NULL,\n"
		    "\tlang_key " TEXT " NOT NULL,\n"
		    "\tlang_attr11 bigint NOT NULL DEFAULT 0,\n");
	if (!error)
		error = add_columns(&sql, tm__tuv_attrs, tm__ntuv_attrs);
	if (!error)
		error = tm__buf_adds(&sql,
		    "\textra " TEXT ",\n"
		    "\tseg " TEXT " NOT NULL,\n"
		    "\ttext " TEXT ",\n"
		    "\tkey " TEXT "\n"
		    ");\n"
		    "CREATE UNIQUE INDEX tuv_tu ON tuv(tu_id, ord);\n"
		    "CREATE TABLE annot (\n"
		    "\tid " ID ",\n"
		    "\timport_id bigint REFERENCES import(id) "
		    "ON DELETE CASCADE,\n"
		    "\ttu_id bigint REFERENCES tu(id) ON DELETE CASCADE,\n"
		    "\ttuv_ord bigint,\n"
		    "\tord bigint NOT NULL,\n"
		    "\tkind " TEXT " NOT NULL CHECK (kind IN ('prop', "
		    "'note')),\n"
		    "\ttype " TEXT ",\n"
		    "\tlang " TEXT ",\n"
		    "\to_encoding " TEXT ",\n"
		    "\textra " TEXT ",\n"
		    "\tvalue " TEXT " NOT NULL,\n"
		    "\tCHECK ((import_id IS NULL) <> (tu_id IS NULL))\n"
		    ");\n"
		    "CREATE INDEX annot_tu ON annot(tu_id, tuv_ord, ord);\n"
		    "CREATE INDEX annot_import ON annot(import_id, ord);\n"
		    "CREATE TABLE ngram (\n"
		    "\tgram bigint NOT NULL,\n"
		    "\trun bigint NOT NULL,\n"
		    "\tids bytea NOT NULL,\n"
		    "\tPRIMARY KEY (gram, run)\n"
		    ");\n"
		    "CREATE TABLE sketch (\n"
		    "\tblock bigint PRIMARY KEY,\n"
		    "\tv bytea NOT NULL\n"
		    ");\n"
		    "CREATE TABLE mt_cache (\n"
		    "\tprovider " TEXT " NOT NULL,\n"
		    "\tfingerprint " TEXT " NOT NULL,\n"
		    "\tsrc_lang " TEXT " NOT NULL,\n"
		    "\ttgt_lang " TEXT " NOT NULL,\n"
		    "\tsource " TEXT " NOT NULL,\n"
		    "\ttarget " TEXT " NOT NULL,\n"
		    "\tdate " TEXT " NOT NULL,\n"
		    "\tPRIMARY KEY (provider, fingerprint, src_lang, "
		    "tgt_lang, source)\n"
		    ");\n"
		    "CREATE TABLE gloss_entry (\n"
		    "\tid " ID ",\n"
		    "\tfile " TEXT ",\n"
		    "\text_id " TEXT ",\n"
		    "\tnote " TEXT ",\n"
		    "\tcreated " TEXT ",\n"
		    "\tmodified " TEXT "\n"
		    ");\n"
		    "CREATE TABLE gloss_term (\n"
		    "\tid " ID ",\n"
		    "\tentry_id bigint NOT NULL REFERENCES gloss_entry(id) "
		    "ON DELETE CASCADE,\n"
		    "\tord bigint NOT NULL,\n"
		    "\tlang " TEXT " NOT NULL,\n"
		    "\tlang_key " TEXT " NOT NULL,\n"
		    "\ttext " TEXT " NOT NULL,\n"
		    "\tkey " TEXT " NOT NULL,\n"
		    "\tstatus " TEXT ",\n"
		    "\tpos " TEXT ",\n"
		    "\tnote " TEXT ",\n"
		    "\tcreated " TEXT ",\n"
		    "\tmodified " TEXT ",\n"
		    "\thead " TEXT " NOT NULL DEFAULT ''\n"
		    ");\n"
		    "CREATE INDEX gloss_term_entry ON gloss_term(entry_id, "
		    "ord);\n"
		    "CREATE INDEX gloss_term_lang ON gloss_term(lang_key);\n"
		    "CREATE INDEX gloss_term_head ON gloss_term(head);\n"
		    "CREATE TABLE tu_history (\n"
		    "\tid " ID ",\n"
		    "\ttu_id bigint NOT NULL REFERENCES tu(id) "
		    "ON DELETE CASCADE,\n"
		    "\tlang " TEXT " NOT NULL,\n"
		    "\tseg " TEXT " NOT NULL,\n"
		    "\tchangeid " TEXT ",\n"
		    "\tchangedate " TEXT ",\n"
		    "\treplaced " TEXT " NOT NULL,\n"
		    "\treplaced_by " TEXT "\n"
		    ");\n"
		    "CREATE INDEX tu_history_tu ON tu_history(tu_id);\n"
		    "CREATE TABLE token (\n"
		    "\tname " TEXT " PRIMARY KEY,\n"
		    "\thash bytea NOT NULL UNIQUE,\n"
		    "\trole bigint NOT NULL,\n"
		    "\tcreated " TEXT " NOT NULL\n"
		    ");\n"
		    "CREATE TABLE align_lexicon (\n"
		    "\tlangs " TEXT " PRIMARY KEY,\n"
		    "\tstamp " TEXT " NOT NULL,\n"
		    "\tdata bytea NOT NULL\n"
		    ");\n");
	tm__now_iso(now);
	if (!error)
		error = tm__buf_printf(&sql, "INSERT INTO meta VALUES "
		    "('created', '%s'), ('index_tuv', '0'), "
		    "('index_runs', '0'), ('key_rules', '%d');\n", now,
		    TM__KEY_RULES);
	if (!error)
		error = command(db, sql.ptr, "cannot create the schema");
	tm__buf_release(&sql);
	return error;
}

static int (*const migrations[])(tm_db *) = {
	migrate_1,
};
#define SCHEMA_VERSION ((int)TM__ARRAY_SIZE(migrations))

int
tm__pg_schema_version(void)
{
	return SCHEMA_VERSION;
}

/* A database without our meta table holds nothing else of its own. */
static int
check_foreign(tm_db *db)
{
	char *n = NULL;
	int error;

	if ((error = query_text(db, "SELECT count(*) FROM pg_catalog.pg_tables "
	    "WHERE schemaname = current_schema()", &n)) < 0)
		return error;
	if (n && strcmp(n, "0") != 0)
		error = tm__error(TM_EDB, "'%s' is a PostgreSQL database but "
		    "not a translation memory (it has tables of its own)",
		    db->pg->shown);
	free(n);
	return error;
}

static int
migrate(tm_db *db, unsigned flags)
{
	char sql[160];
	int version, error, i;
	bool named = false;

	if ((error = schema_version(db, &version)) < 0)
		return error;
	if (version > SCHEMA_VERSION)
		return tm__error(TM_EDB, "'%s' has schema version %d; this tm "
		    "knows up to %d: upgrade tm", db->pg->shown, version,
		    SCHEMA_VERSION);
	if (version == SCHEMA_VERSION)
		return 0;
	if ((flags & TM_DB_READONLY) && version == 0)
		return tm__error(TM_EDB, "'%s' holds no translation memory, "
		    "which a read-only open cannot create", db->pg->shown);
	if (flags & TM_DB_READONLY)
		return tm__error(TM_EDB, "'%s' has schema version %d and needs "
		    "migrating to %d, which a read-only open cannot do: open "
		    "it once for writing ('tm reindex' does)", db->pg->shown,
		    version, SCHEMA_VERSION);
	/*
	 * Read committed: after the lock each statement sees what another
	 * process committed while this one waited.
	 */
	if ((error = command(db, "BEGIN ISOLATION LEVEL READ COMMITTED",
	    "cannot begin")) < 0)
		return error;
	if ((error = command(db, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK
	    ")", "cannot lock the schema")) < 0)
		goto done;
	/* Their messages name the database already. */
	named = true;
	if ((error = schema_version(db, &version)) < 0 ||
	    (version == 0 && (error = check_foreign(db)) < 0))
		goto done;
	if (version > SCHEMA_VERSION) {
		error = tm__error(TM_EDB, "'%s' has schema version %d; this "
		    "tm knows up to %d: upgrade tm", db->pg->shown, version,
		    SCHEMA_VERSION);
		goto done;
	}
	named = false;
	for (i = version; i < SCHEMA_VERSION && !error; i++)
		error = migrations[i](db);
	if (!error) {
		snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES "
		    "('schema_version', '%d') ON CONFLICT (key) DO UPDATE "
		    "SET value = excluded.value", SCHEMA_VERSION);
		error = command(db, sql, "cannot record the schema version");
	}
	if (!error)
		error = command(db, "COMMIT", "cannot commit the schema");
done:
	if (error) {
		PQclear(PQexec(db->pg->conn, "ROLLBACK"));
		if (!named)
			tm__error_prefix("cannot set up '%s'", db->pg->shown);
	}
	return error;
}

int
tm__pg_open(tm_db *db, const char *conninfo, unsigned flags)
{
	/*
	 * The first "dbname" is the whole conninfo, expanded (libpq): its
	 * settings override those before it, those after override it.
	 */
	static const char *const keys[] = { "connect_timeout", "dbname",
	    "client_encoding", "fallback_application_name", NULL };
	const char *values[] = { "10", conninfo, "UTF8", "tm", NULL };
	struct tm__buf shown = { 0 };
	struct tm__pg *pg;
	int error = 0;

	if (!db || !conninfo)
		return tm__error(TM_EINVAL, "no database");
	if (!(pg = tm__calloc(1, sizeof(*pg))))
		return tm__error_nomem();
	db->pg = pg;
	db->store = &tm__store_pg;
	pg->read_only = (flags & TM_DB_READONLY) != 0;
	if ((error = hide_password(&shown, conninfo)) < 0)
		goto done;
	if (!(pg->shown = tm__buf_detach(&shown))) {
		error = tm__error_nomem();
		goto done;
	}
	/* A server that does not answer: 10 s, unless the user says. */
	if (getenv("PGCONNECT_TIMEOUT"))
		values[0] = getenv("PGCONNECT_TIMEOUT");
	if (!(pg->conn = PQconnectdbParams(keys, values, 1))) {
		error = tm__error_nomem();
		goto done;
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		keep_error(pg, NULL);
		error = tm__error(TM_EDB, "cannot connect to '%s': %s",
		    pg->shown, pg->errmsg ? pg->errmsg : "out of memory");
		goto done;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	if ((flags & TM_DB_READONLY) && (error = command(db,
	    "SET default_transaction_read_only = on", "cannot connect")) < 0)
		goto done;
	error = migrate(db, flags);
done:
	tm__buf_release(&shown);
	if (error)
		tm__pg_close(db);
	return error;
}

void
tm__pg_close(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	if (!pg)
		return;
	PQfinish(pg->conn);
	tm__buf_release(&pg->dead);
	free(pg->shown);
	free(pg->errmsg);
	free(pg);
	db->pg = NULL;
	if (db->store == &tm__store_pg)
		db->store = NULL;
}

const char *
tm__pg_sqlstate(tm_db *db)
{
	struct tm__pg *pg = pg_of(db);

	return pg ? pg->sqlstate : "";
}
