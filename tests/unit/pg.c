/*
 * Unit tests for store/pg.c: the PostgreSQL backend, on the server that
 * TM_TEST_PG names (a conninfo; tests/unit/pg-run.sh starts one).  Each
 * run makes databases of its own there and drops them at the end.
 * Without TM_TEST_PG the test is skipped.
 */
#include "tm-int.h"
#include "store.h"
#include "store/pg.h"
#include "../tap.h"

#include <pthread.h>
#include <unistd.h>

#include <libpq-fe.h>

static PGconn *admin;
static char names[8][64];
static int nnames;

/* The admin connection's parameters with another dbname, as key=value. */
static char *
conninfo_for(const char *dbname)
{
	PQconninfoOption *opts = PQconninfo(admin), *o;
	struct tm__buf b = { 0 };
	const char *v, *p;

	for (o = opts; o && o->keyword; o++) {
		v = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
		/* Only what differs from libpq's defaults. */
		if (!v || !*v || (o->compiled && strcmp(v, o->compiled) == 0) ||
		    strcmp(o->keyword, "passfile") == 0)
			continue;
		tm__buf_printf(&b, "%s%s='", b.len ? " " : "", o->keyword);
		for (p = v; *p; p++) {
			if (*p == '\'' || *p == '\\')
				tm__buf_addc(&b, '\\');
			tm__buf_addc(&b, *p);
		}
		tm__buf_addc(&b, '\'');
	}
	PQconninfoFree(opts);
	return tm__buf_detach(&b);
}

/* A new empty database; its conninfo (to free). */
static char *
new_database(const char *what)
{
	char sql[640];
	PGresult *res;

	snprintf(names[nnames], sizeof(names[nnames]), "tm_unit_%ld_%s",
	    (long)getpid(), what);
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", names[nnames]);
	res = PQexec(admin, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		printf("# %s", PQerrorMessage(admin));
	PQclear(res);
	return conninfo_for(names[nnames++]);
}

static tm_db *
open_db(const char *conninfo, unsigned flags, int *error)
{
	tm_db *db = calloc(1, sizeof(*db));

	*error = tm__pg_open(db, conninfo, flags);
	if (*error < 0) {
		free(db);
		return NULL;
	}
	return db;
}

static void
close_db(tm_db *db)
{
	if (db) {
		tm__pg_close(db);
		free(db);
	}
}

static int
x(tm_db *db, const char *sql)
{
	return tm__exec(db, sql);
}

static tm__stmt *
prep(tm_db *db, const char *sql)
{
	tm__stmt *st = NULL;

	if (db->store->prepare(db, &st, sql) < 0)
		printf("# prepare: %s\n", tm_error_last()->message);
	return st;
}

/* The first column of the first row as an integer; -999 on failure. */
static int64_t
q_int(tm_db *db, const char *sql)
{
	tm__stmt *st = prep(db, sql);
	int64_t v = -999;

	if (st && tm__step(st) == TM__ROW)
		v = tm__column_int64(st, 0);
	tm__finalize(st);
	return v;
}

/* The same as text, into buf. */
static const char *
q_text(tm_db *db, const char *sql, char *buf, size_t n)
{
	tm__stmt *st = prep(db, sql);
	const unsigned char *s;

	snprintf(buf, n, "(none)");
	if (st && tm__step(st) == TM__ROW && (s = tm__column_text(st, 0)))
		snprintf(buf, n, "%s", (const char *)s);
	tm__finalize(st);
	return buf;
}

static void
test_schema(const char *ci)
{
	tm_db *db;
	int error;
	char buf[64], created[64], xmin[64];

	db = open_db(ci, 0, &error);
	is_int(error, 0, "open creates the schema");
	if (!db) {
		printf("# %s\n", tm_error_last()->message);
		return;
	}
	ok(db->store == &tm__store_pg && strcmp(db->store->name,
	    "postgresql") == 0, "the handle uses the PostgreSQL store");
	is_str(q_text(db, "SELECT value FROM meta WHERE key = "
	    "'schema_version'", buf, sizeof(buf)), "1", "schema version 1");
	is_int(q_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname = "
	    "current_schema() AND tablename IN ('meta', 'import', 'ude', "
	    "'ude_map', 'tu', 'tu_dup', 'tuv', 'annot', 'ngram', 'sketch', "
	    "'mt_cache', 'gloss_entry', 'gloss_term', 'tu_history', 'token', "
	    "'align_lexicon')"), 16, "every table is made");
	is_str(q_text(db, "SELECT value FROM meta WHERE key = 'key_rules'",
	    buf, sizeof(buf)), TM__STR(TM__KEY_RULES), "the key rules noted");
	is_int(q_int(db, "SELECT count(*) FROM meta WHERE key IN "
	    "('index_tuv', 'index_runs') AND value = '0'"), 2,
	    "the index starts empty");
	/* An identity id, the trigger that keeps tu_dup, a nullable key. */
	ok(x(db, "INSERT INTO tu (langs, dup, dup2) VALUES ('en zh', "
	    "-9000000000000000000, 5)") == 0, "a unit without an id");
	ok(x(db, "INSERT INTO tu_dup SELECT dup, dup2, id FROM tu") == 0 &&
	    x(db, "INSERT INTO tuv (tu_id, ord, lang, lang_key, seg) "
	    "SELECT id, 0, 'en', 'en', 'a' FROM tu") == 0,
	    "its variant, with no text and no key");
	is_int(q_int(db, "SELECT count(*) FROM tu_dup"), 1, "tu_dup row");
	ok(x(db, "DELETE FROM tu") == 0, "the unit deleted");
	is_int(q_int(db, "SELECT count(*) FROM tu_dup"), 0,
	    "the trigger took its tu_dup row");
	is_int(q_int(db, "SELECT count(*) FROM tuv"), 0,
	    "and the variant went with it");
	ok(x(db, "INSERT INTO gloss_entry (file) VALUES ('g.tbx');"
	    "INSERT INTO token VALUES ('t', '\\x0001'::bytea, 1, 'now')") == 0,
	    "glossary and token tables take rows");
	is_int(q_int(db, "SELECT ('b' < 'B')::int"), 0,
	    "text sorts by bytes (collation C)");
	q_text(db, "SELECT value FROM meta WHERE key = 'created'", created,
	    sizeof(created));
	q_text(db, "SELECT xmin::text FROM meta WHERE key = 'schema_version'",
	    xmin, sizeof(xmin));
	close_db(db);

	db = open_db(ci, 0, &error);
	is_int(error, 0, "a second open");
	if (!db)
		return;
	is_str(q_text(db, "SELECT value FROM meta WHERE key = 'created'",
	    buf, sizeof(buf)), created, "finds the schema made");
	is_str(q_text(db, "SELECT xmin::text FROM meta WHERE key = "
	    "'schema_version'", buf, sizeof(buf)), xmin,
	    "and writes nothing");
	is_int(q_int(db, "SELECT count(*) FROM gloss_entry"), 1,
	    "the rows are still there");
	close_db(db);

	db = open_db(ci, TM_DB_READONLY, &error);
	is_int(error, 0, "a read-only open of a memory");
	if (db) {
		ok(x(db, "INSERT INTO gloss_entry (file) VALUES ('x')") ==
		    TM_EDB, "cannot write");
		close_db(db);
	}
}

static void
test_refusals(void)
{
	char *ci = new_database("foreign");
	tm_db *db;
	int error;
	const tm_error *e;
	PGconn *c;

	db = open_db(ci, TM_DB_READONLY, &error);
	e = tm_error_last();
	ok(!db && error == TM_EDB && e && strstr(e->message,
	    "read-only open cannot create"), "read-only: no schema made");
	c = PQconnectdb(ci);
	PQclear(PQexec(c, "CREATE TABLE theirs (a int)"));
	PQfinish(c);
	db = open_db(ci, 0, &error);
	e = tm_error_last();
	ok(!db && error == TM_EDB && e && strstr(e->message,
	    "not a translation memory"), "a database of other tables: %s",
	    e ? e->message : "");
	free(ci);

	db = open_db("host=/nonexistent/dir user=tm password=s3cret "
	    "dbname=x", 0, &error);
	e = tm_error_last();
	ok(!db && error == TM_EDB && e && strstr(e->message,
	    "cannot connect to 'host=/nonexistent/dir user=tm password=*** "
	    "dbname=x': ") && !strstr(e->message, "s3cret"),
	    "no server: the conninfo without its password: %s",
	    e ? e->message : "");
	db = open_db("postgresql://tm:s3cret@/x?host=/nonexistent/dir&"
	    "password=s3cret", 0, &error);
	e = tm_error_last();
	ok(!db && error == TM_EDB && e && strstr(e->message,
	    "'postgresql://tm:***@/x?host=/nonexistent/dir&password=***'") &&
	    !strstr(e->message, "s3cret"),
	    "a URL too: %s", e ? e->message : "");
}

static void
test_types(tm_db *db)
{
	static const char zh[] = "中文测试，含标点。";
	static const char nul[] = { 'a', 0, 'b', 0 };
	size_t big_n = 200 * 1024, k;
	unsigned char *big = malloc(big_n);
	tm__stmt *st;
	int rc;

	for (k = 0; k < big_n; k++)
		big[k] = (unsigned char)(k * 7 + k / 256);
	ok(x(db, "CREATE TABLE t (n int, i bigint, d double precision, "
	    "s text, b bytea)") == 0, "a table of every type");
	st = prep(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?)");
	ok(st != NULL, "an insert of five parameters");
	if (!st)
		return;
	tm__bind_int(st, 1, 1);
	tm__bind_int64(st, 2, -5);
	tm__bind_double(st, 3, 3.25);
	tm__bind_text(st, 4, zh, -1);
	tm__bind_blob(st, 5, nul, 4);
	is_int(tm__step(st), TM__DONE, "row 1");
	is_int(tm__reset(st), 0, "reset");
	tm__bind_int(st, 1, 2);
	tm__bind_int64(st, 2, INT64_C(5000000000));
	tm__bind_double(st, 3, -0.5);
	tm__bind_text(st, 4, "", 0);
	tm__bind_blob(st, 5, big, (int)big_n);
	is_int(tm__step(st), TM__DONE, "row 2 (a 200 KB blob)");
	tm__reset(st);
	tm__bind_int(st, 1, 3);
	tm__bind_int64(st, 2, INT64_MIN);
	tm__bind_null(st, 3);
	tm__bind_text(st, 4, "abcdef", 3);
	tm__bind_blob(st, 5, "", 0);
	is_int(tm__step(st), TM__DONE, "row 3");
	tm__reset(st);
	tm__bind_int(st, 1, 4);
	tm__bind_int64(st, 2, INT64_MAX);
	tm__bind_null(st, 4);
	tm__bind_null(st, 5);
	is_int(tm__step(st), TM__DONE, "row 4 (NULLs)");
	ok(tm__bind_int(st, 6, 0) == TM_EINVAL, "no parameter 6");
	tm__finalize(st);

	st = prep(db, "SELECT n, i, d, s, b FROM t ORDER BY n");
	if (!st)
		return;
	is_int(tm__step(st), TM__ROW, "row 1 read");
	is_int(tm__column_type(st, 0), TM__INTEGER, "int4 is an integer");
	is_int(tm__column_int(st, 0), 1, "its value");
	is_int(tm__column_type(st, 1), TM__INTEGER, "bigint is an integer");
	is_int(tm__column_int64(st, 1), -5, "a negative one");
	is_str((const char *)tm__column_text(st, 1), "-5",
	    "an integer as text");
	is_int(tm__column_bytes(st, 1), 2, "and its length");
	is_int(tm__column_type(st, 2), TM__FLOAT, "double");
	ok(tm__column_double(st, 2) == 3.25, "3.25");
	is_str((const char *)tm__column_text(st, 2), "3.25", "as text");
	is_int(tm__column_type(st, 3), TM__TEXT, "text");
	is_str((const char *)tm__column_text(st, 3), zh, "Chinese text");
	is_int(tm__column_bytes(st, 3), (int)strlen(zh), "its bytes");
	is_int(tm__column_type(st, 4), TM__BLOB, "bytea is a blob");
	is_int(tm__column_bytes(st, 4), 4, "of 4 bytes");
	ok(tm__column_blob(st, 4) && memcmp(tm__column_blob(st, 4), nul, 4) ==
	    0, "NUL bytes kept");

	is_int(tm__step(st), TM__ROW, "row 2 read");
	is_int(tm__column_int64(st, 1), INT64_C(5000000000), "above 2^31");
	is_str((const char *)tm__column_text(st, 1), "5000000000",
	    "as text");
	ok(tm__column_double(st, 2) == -0.5, "-0.5");
	is_int(tm__column_type(st, 3), TM__TEXT, "an empty text is text");
	is_str((const char *)tm__column_text(st, 3), "", "empty");
	is_int(tm__column_bytes(st, 4), (int)big_n, "the 200 KB blob");
	ok(tm__column_blob(st, 4) && memcmp(tm__column_blob(st, 4), big,
	    big_n) == 0, "whole");

	is_int(tm__step(st), TM__ROW, "row 3 read");
	is_int(tm__column_int64(st, 1), INT64_MIN, "INT64_MIN");
	is_int(tm__column_type(st, 2), TM__NULL, "a NULL double");
	ok(tm__column_text(st, 2) == NULL, "NULL text for NULL");
	is_int(tm__column_int64(st, 2), 0, "0 for NULL");
	is_str((const char *)tm__column_text(st, 3), "abc",
	    "text bound with a length");
	is_int(tm__column_type(st, 4), TM__BLOB, "an empty blob");
	is_int(tm__column_bytes(st, 4), 0, "of no bytes");

	is_int(tm__step(st), TM__ROW, "row 4 read");
	is_int(tm__column_int64(st, 1), INT64_MAX, "INT64_MAX");
	is_int(tm__column_type(st, 3), TM__NULL, "a NULL text");
	is_int(tm__column_type(st, 4), TM__NULL, "a NULL blob");
	ok(tm__column_blob(st, 4) == NULL && tm__column_bytes(st, 4) == 0,
	    "no bytes");
	is_int(tm__step(st), TM__DONE, "four rows");
	ok(tm__column_text(st, 0) == NULL, "no column after the end");

	/* Reset and step again: the same rows. */
	is_int(tm__reset(st), 0, "reset");
	rc = tm__step(st);
	ok(rc == TM__ROW && tm__column_int(st, 0) == 1 &&
	    tm__column_int64(st, 1) == -5, "the first row again");
	for (k = 1; tm__step(st) == TM__ROW; k++)
		;
	is_int(k, 4, "and the others");
	tm__finalize(st);

	/* What functions and casts give. */
	st = prep(db, "SELECT count(*), sum(i) FILTER (WHERE n < 3), "
	    "2::int2, true, false, 1.5::float4, avg(n), '42'::varchar, "
	    "'nm'::name, NULL::text, 'x', sum(n)::numeric * 1000000000000, "
	    "-12.000::numeric FROM t");
	if (st && tm__step(st) == TM__ROW) {
		is_int(tm__column_int64(st, 0), 4, "count(*)");
		is_int(tm__column_type(st, 1), TM__INTEGER,
		    "sum(bigint), a numeric, is an integer");
		is_int(tm__column_int64(st, 1), INT64_C(4999999995),
		    "of the right value");
		is_str((const char *)tm__column_text(st, 1), "4999999995",
		    "and text");
		is_int(tm__column_int(st, 2), 2, "int2");
		is_int(tm__column_int(st, 3), 1, "true is 1");
		is_int(tm__column_int(st, 4), 0, "false is 0");
		ok(tm__column_double(st, 5) == 1.5, "float4");
		is_int(tm__column_type(st, 6), TM__FLOAT,
		    "avg() with a fraction is a float");
		ok(tm__column_double(st, 6) == 2.5, "2.5");
		is_int(tm__column_int(st, 7), 42, "varchar read as an integer");
		is_str((const char *)tm__column_text(st, 8), "nm", "name");
		is_int(tm__column_type(st, 9), TM__NULL, "a NULL text");
		is_str((const char *)tm__column_text(st, 10), "x",
		    "a literal of unknown type");
		is_int(tm__column_int64(st, 11), INT64_C(10000000000000),
		    "a numeric of many digits");
		is_int(tm__column_int64(st, 12), -12, "a negative numeric");
	} else {
		ok(0, "functions and casts");
	}
	tm__finalize(st);
	free(big);
}

static void
test_placeholders(tm_db *db)
{
	tm__stmt *st;

	st = prep(db, "SELECT '?' AS \"a?\", ? -- what?\n"
	    ", E'\\'?', /* ? /* ? */ ? */ ?2, $$?$$, ?");
	ok(st != NULL, "'?' in literals, identifiers, comments");
	if (!st)
		return;
	ok(tm__bind_text(st, 1, "one", -1) == 0 &&
	    tm__bind_text(st, 2, "two", -1) == 0 &&
	    tm__bind_text(st, 3, "three", -1) == 0,
	    "three parameters: ?, ?2, ?");
	ok(tm__bind_text(st, 4, "four", -1) == TM_EINVAL, "not four");
	if (tm__step(st) == TM__ROW) {
		is_str((const char *)tm__column_text(st, 0), "?", "'?' kept");
		is_str((const char *)tm__column_text(st, 1), "one", "?");
		is_str((const char *)tm__column_text(st, 2), "'?", "E'\\'?'");
		is_str((const char *)tm__column_text(st, 3), "two", "?2");
		is_str((const char *)tm__column_text(st, 4), "?", "$$?$$");
		is_str((const char *)tm__column_text(st, 5), "three",
		    "? after ?2 is ?3");
	} else {
		ok(0, "the row");
	}
	is_int(tm__step(st), TM__DONE, "one row");
	/* As in SQLite: a step after the end runs the statement again. */
	ok(tm__step(st) == TM__ROW && strcmp((const char *)tm__column_text(st,
	    5), "three") == 0, "stepped again after its end: again");
	tm__reset(st);
	is_int(tm__clear_bindings(st), 0, "bindings cleared");
	ok(tm__step(st) == TM__ROW && tm__column_type(st, 1) == TM__NULL &&
	    tm__column_type(st, 5) == TM__NULL, "are NULL");
	tm__finalize(st);
	is_int(db->store->error(db, "after a success"), TM_EDB,
	    "error() after calls that worked");
	is_str(tm_error_last()->message, "after a success: unexpected result",
	    "repeats no old failure");
}

static void
test_nesting(tm_db *db)
{
	tm__stmt *sel, *ins, *sub;
	int64_t seen = 0, n = 0;
	int rc;

	ok(x(db, "CREATE TABLE a (x bigint); CREATE TABLE b (x bigint, "
	    "y bigint); INSERT INTO a SELECT generate_series(1, 50)") == 0,
	    "tables for nesting");
	sel = prep(db, "SELECT x FROM a ORDER BY x");
	ins = prep(db, "INSERT INTO b VALUES (?, ?)");
	sub = prep(db, "SELECT count(*) FROM b WHERE x <= ?");
	if (!sel || !ins || !sub)
		goto done;
	while ((rc = tm__step(sel)) == TM__ROW) {
		int64_t v = tm__column_int64(sel, 0);

		tm__bind_int64(ins, 1, v);
		tm__bind_int64(ins, 2, v * v);
		if (tm__step(ins) != TM__DONE)
			break;
		tm__reset(ins);
		tm__bind_int64(sub, 1, v);
		if (tm__step(sub) == TM__ROW)
			n = tm__column_int64(sub, 0);
		tm__reset(sub);
		if (n != v || tm__column_int64(sel, 0) != v)
			break;
		seen += v;
	}
	is_int(rc, TM__DONE, "a SELECT stepped while INSERTs and SELECTs run");
	is_int(seen, 50 * 51 / 2, "every row read");
	is_int(q_int(db, "SELECT sum(y) FROM b"), 42925, "every row written");
done:
	tm__finalize(sel);
	tm__finalize(ins);
	tm__finalize(sub);
}

static void
test_changes(tm_db *db)
{
	tm__stmt *st;

	ok(x(db, "UPDATE a SET x = x + 100 WHERE x <= 3") == 0, "update 3");
	is_int(db->store->changes(db), 3, "changes() after an UPDATE by exec");
	st = prep(db, "DELETE FROM a WHERE x > ? AND x < 100");
	tm__bind_int(st, 1, 48);
	is_int(tm__step(st), TM__DONE, "a prepared DELETE");
	tm__finalize(st);
	is_int(db->store->changes(db), 2, "changes() after it");
	is_int(q_int(db, "SELECT count(*) FROM a"), 48, "a SELECT");
	is_int(db->store->changes(db), 2, "leaves changes() alone");
	st = prep(db, "INSERT INTO gloss_entry (file) VALUES (?) RETURNING id");
	tm__bind_text(st, 1, "h.tbx", -1);
	ok(st && tm__step(st) == TM__ROW && tm__column_int64(st, 0) > 0,
	    "INSERT ... RETURNING gives the new id");
	is_int(tm__step(st), TM__DONE, "then the end");
	tm__finalize(st);
	is_int(db->store->changes(db), 1, "changes() after it");
}

static void
test_transactions(tm_db *db)
{
	tm__stmt *st;
	const tm_error *e;
	int rc;

	is_int(db->store->in_transaction(db), 0, "no transaction");
	ok(x(db, "BEGIN") == 0, "BEGIN");
	is_int(db->store->in_transaction(db), 1, "in a transaction");
	ok(x(db, "INSERT INTO a VALUES (1000)") == 0, "a write in it");
	ok(x(db, "COMMIT") == 0, "COMMIT");
	is_int(db->store->in_transaction(db), 0, "out of it");
	is_int(q_int(db, "SELECT count(*) FROM a WHERE x = 1000"), 1,
	    "the write kept");

	/* Errors: at prepare, at step, at exec, in a transaction. */
	st = NULL;
	ok(db->store->prepare(db, &st, "SELECT * FROM no_such_table") ==
	    TM_EDB && st == NULL, "an error at prepare: TM_EDB");
	e = tm_error_last();
	ok(e && strstr(e->message, "cannot prepare statement: relation "
	    "\"no_such_table\" does not exist"), "PostgreSQL's message: %s",
	    e ? e->message : "");
	ok(x(db, "CREATE TABLE u (k text PRIMARY KEY); "
	    "INSERT INTO u VALUES ('k')") == 0, "a unique key");
	ok(x(db, "BEGIN") == 0, "BEGIN");
	st = prep(db, "INSERT INTO u VALUES (?)");
	tm__bind_text(st, 1, "k", -1);
	rc = tm__step(st);
	ok(rc != TM__ROW && rc != TM__DONE, "a failing step");
	is_int(db->store->error(db, "cannot add"), TM_EDB,
	    "error() gives TM_EDB");
	e = tm_error_last();
	ok(e && strstr(e->message, "cannot add: duplicate key value "
	    "violates unique constraint \"u_pkey\""), "with the message: %s",
	    e ? e->message : "");
	is_str(tm__pg_sqlstate(db), "23505", "and the SQLSTATE");
	tm__finalize(st);
	is_int(db->store->in_transaction(db), 1, "the failed transaction");
	ok(x(db, "SELECT 1") == TM_EDB, "refuses more");
	ok(x(db, "ROLLBACK") == 0, "ROLLBACK");
	is_int(db->store->in_transaction(db), 0, "ends it");
	ok(x(db, "SELEKT 1") == TM_EDB, "an error at exec");
	e = tm_error_last();
	ok(e && strstr(e->message, "syntax error"), "its message: %s",
	    e ? e->message : "");
	/*
	 * Statements finalised in a failed transaction, when DEALLOCATE
	 * cannot run, go later; finalised statements do not pile up.
	 */
	{
		tm__stmt *many[40];
		int k;

		for (k = 0; k < 40; k++)
			many[k] = prep(db, "SELECT 1");
		ok(x(db, "BEGIN") == 0 && x(db, "SELEKT") == TM_EDB,
		    "a failed transaction");
		for (k = 0; k < 40; k++)
			tm__finalize(many[k]);
		ok(x(db, "ROLLBACK") == 0, "ended");
		for (k = 0; k < 100; k++)
			tm__finalize(prep(db, "SELECT 2"));
		ok(q_int(db, "SELECT count(*) FROM pg_prepared_statements") <
		    40, "finalised statements are deallocated");
	}
	st = prep(db, "SELECT now()");
	rc = st ? tm__step(st) : 0;
	ok(rc != TM__ROW && rc != TM__DONE, "a type it cannot read");
	is_int(db->store->error(db, "cannot read"), TM_EDB, "is an error");
	e = tm_error_last();
	ok(e && strstr(e->message, "cast it to text"), "that says so: %s",
	    e ? e->message : "");
	tm__finalize(st);
}

/*
 * "table column type nullable" lines of a new SQLite memory's tables
 * into *out, "index table unique column" lines of its indexes (those
 * the schema names) into *idx, and the tables' and indexes' names,
 * quoted, into tables[n] and indexes[n].
 */
static void
sqlite_columns(struct tm__buf *out, struct tm__buf *idx, char *tables,
    char *indexes, size_t n)
{
	char dir[] = "/tmp/tm-unit-pg-XXXXXX", file[64];
	tm_db *db = NULL;
	sqlite3 *s = NULL;
	sqlite3_stmt *st = NULL;

	tables[0] = indexes[0] = '\0';
	if (!mkdtemp(dir))
		return;
	snprintf(file, sizeof(file), "%s/tm.db", dir);
	if (tm_db_open(&db, file, TM_DB_CREATE) == 0) {
		tm_db_close(db);
		if (sqlite3_open(file, &s) == SQLITE_OK &&
		    sqlite3_prepare_v2(s, "SELECT m.name, p.name, p.type, "
		    "p.\"notnull\" OR p.pk > 0 FROM sqlite_schema m, "
		    "pragma_table_info(m.name) p WHERE m.type = 'table' "
		    "ORDER BY m.name, p.cid", -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				const char *t = (const char *)
				    sqlite3_column_text(st, 0);
				const char *ty = (const char *)
				    sqlite3_column_text(st, 2);
				char quoted[80];

				snprintf(quoted, sizeof(quoted), "'%s'", t);
				if (!strstr(tables, quoted))
					snprintf(tables + strlen(tables), n -
					    strlen(tables), "%s%s", *tables ?
					    ", " : "", quoted);
				tm__buf_printf(out, "%s %s %s %s\n", t,
				    (const char *)sqlite3_column_text(st, 1),
				    strcmp(ty, "INTEGER") == 0 ? "bigint" :
				    strcmp(ty, "BLOB") == 0 ? "bytea" :
				    strcmp(ty, "REAL") == 0 ?
				    "double precision" : "text",
				    sqlite3_column_int(st, 3) ? "NO" : "YES");
			}
		}
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_prepare_v2(s, "SELECT m.name, m.tbl_name, "
		    "l.\"unique\", i.name FROM sqlite_schema m, "
		    "pragma_index_list(m.tbl_name) l, "
		    "pragma_index_info(m.name) i WHERE m.type = 'index' AND "
		    "m.sql IS NOT NULL AND l.name = m.name ORDER BY m.name, "
		    "i.seqno", -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				const char *ix = (const char *)
				    sqlite3_column_text(st, 0);
				char quoted[80];

				snprintf(quoted, sizeof(quoted), "'%s'", ix);
				if (!strstr(indexes, quoted))
					snprintf(indexes + strlen(indexes), n -
					    strlen(indexes), "%s%s", *indexes ?
					    ", " : "", quoted);
				tm__buf_printf(idx, "%s %s %d %s\n", ix,
				    (const char *)sqlite3_column_text(st, 1),
				    sqlite3_column_int(st, 2),
				    (const char *)sqlite3_column_text(st, 3));
			}
		}
		sqlite3_finalize(st);
		sqlite3_close(s);
	}
	unlink(file);
	snprintf(file, sizeof(file), "%s/tm.db-wal", dir);
	unlink(file);
	snprintf(file, sizeof(file), "%s/tm.db-shm", dir);
	unlink(file);
	rmdir(dir);
	tm_error_clear();
}

/*
 * The tables a new SQLite memory has, with the same columns in the same
 * order, of the same types and nullability: the modules' SQL is written
 * once for both.
 */
static void
test_same_as_sqlite(tm_db *db)
{
	struct tm__buf lite = { 0 }, pg = { 0 }, q = { 0 }, lidx = { 0 };
	char tables[1024], indexes[1024];
	tm__stmt *st;

	sqlite_columns(&lite, &lidx, tables, indexes, sizeof(tables));
	ok(lite.len > 0 && lidx.len > 0,
	    "a new SQLite memory's columns and indexes");
	tm__buf_printf(&q, "SELECT table_name, column_name, data_type, "
	    "is_nullable FROM information_schema.columns WHERE table_schema = "
	    "current_schema() AND table_name IN (%s) ORDER BY table_name "
	    "COLLATE \"C\", ordinal_position", tables);
	if ((st = prep(db, q.ptr)) != NULL) {
		while (tm__step(st) == TM__ROW)
			tm__buf_printf(&pg, "%s %s %s %s\n",
			    (const char *)tm__column_text(st, 0),
			    (const char *)tm__column_text(st, 1),
			    (const char *)tm__column_text(st, 2),
			    (const char *)tm__column_text(st, 3));
		tm__finalize(st);
	}
	is_str(tm__buf_str(&pg), tm__buf_str(&lite),
	    "PostgreSQL's tables are SQLite's, column for column");
	tm__buf_reset(&q);
	tm__buf_reset(&pg);
	tm__buf_printf(&q, "SELECT i.relname, t.relname, x.indisunique::int, "
	    "a.attname FROM pg_index x JOIN pg_class i ON i.oid = "
	    "x.indexrelid JOIN pg_class t ON t.oid = x.indrelid, "
	    "unnest(x.indkey) WITH ORDINALITY k(attnum, n), pg_attribute a "
	    "WHERE a.attrelid = t.oid AND a.attnum = k.attnum AND "
	    "t.relnamespace = current_schema()::regnamespace AND "
	    "i.relname IN (%s) ORDER BY i.relname COLLATE \"C\", k.n",
	    indexes);
	if ((st = prep(db, q.ptr)) != NULL) {
		while (tm__step(st) == TM__ROW)
			tm__buf_printf(&pg, "%s %s %s %s\n",
			    (const char *)tm__column_text(st, 0),
			    (const char *)tm__column_text(st, 1),
			    (const char *)tm__column_text(st, 2),
			    (const char *)tm__column_text(st, 3));
		tm__finalize(st);
	}
	is_str(tm__buf_str(&pg), tm__buf_str(&lidx),
	    "and so are its indexes");
	tm__buf_release(&lidx);
	tm__buf_release(&lite);
	tm__buf_release(&pg);
	tm__buf_release(&q);
}

struct opener {
	const char *ci;
	int error;
};

static void *
open_thread(void *arg)
{
	struct opener *o = arg;
	tm_db *db = open_db(o->ci, 0, &o->error);

	if (!db)
		printf("# %s\n", tm_error_last()->message);
	close_db(db);
	return NULL;
}

static void
test_concurrent_create(void)
{
	char *ci = new_database("race");
	struct opener o[4];
	pthread_t t[4];
	int i, good = 0;
	tm_db *db;
	char buf[16];

	for (i = 0; i < 4; i++) {
		o[i].ci = ci;
		o[i].error = 1;
		pthread_create(&t[i], NULL, open_thread, &o[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		good += o[i].error == 0;
	}
	is_int(good, 4, "four connections create one schema at once");
	db = open_db(ci, TM_DB_READONLY, &i);
	if (db) {
		is_str(q_text(db, "SELECT value FROM meta WHERE key = "
		    "'schema_version'", buf, sizeof(buf)), "1", "made once");
		close_db(db);
	} else {
		ok(0, "made once");
	}
	free(ci);
}

/*
 * Bulk inserts (COPY) and scans (cursors): values that COPY's text
 * format must escape come back as they went; rows gathered are in the
 * table before the next statement; a scan reads more rows than one
 * batch, in order, and nests with other statements.
 */
static void
test_bulk_and_scan(tm_db *db)
{
	static const char nasty[] = "tab\there, newline\nthere, CR\r, "
	    "backslash \\ and \\N, 中文";
	static const unsigned char blob[] = { 0, 1, '\\', '\t', '\n', 255 };
	tm__stmt *ins, *sel, *inner;
	int64_t i, n = 0, prev = -1;
	int rc, order_ok = 1, error;

	ok(x(db, "CREATE TABLE bk (id bigint PRIMARY KEY, t text, b bytea, "
	    "d double precision)") == 0, "bulk: a table");
	if ((error = tm__prepare_bulk(db, &ins, "INSERT INTO bk (id, t, b, d) "
	    "VALUES (?, ?, ?, ?)")) < 0) {
		ok(0, "bulk: prepare");
		return;
	}
	ok(x(db, "BEGIN") == 0, "bulk: in a transaction");
	tm__bind_int64(ins, 1, 1);
	tm__bind_text(ins, 2, nasty, -1);
	tm__bind_blob(ins, 3, blob, sizeof(blob));
	tm__bind_double(ins, 4, 0.5);
	is_int(tm__step(ins), TM__DONE, "bulk: a row gathered");
	tm__reset(ins);
	tm__bind_int64(ins, 1, 2);
	tm__bind_null(ins, 2);
	tm__bind_null(ins, 3);
	tm__bind_null(ins, 4);
	is_int(tm__step(ins), TM__DONE, "bulk: a row of NULLs");
	tm__reset(ins);
	/* More than a scan's batch, and more than a bulk buffer's bytes. */
	for (i = 3; i <= 20000; i++) {
		tm__bind_int64(ins, 1, i);
		tm__bind_text(ins, 2, "some text to fill the buffer with rows "
		    "until it is flushed on its own, more than once", -1);
		tm__bind_null(ins, 3);
		tm__bind_double(ins, 4, (double)i);
		if (tm__step(ins) != TM__DONE)
			break;
		tm__reset(ins);
	}
	is_int(i, 20001, "bulk: 20,000 rows gathered");
	is_int(q_int(db, "SELECT count(*) FROM bk"), 20000,
	    "bulk: all in the table before the next statement");
	sel = prep(db, "SELECT t, b, d FROM bk WHERE id = 1");
	if (sel && tm__step(sel) == TM__ROW) {
		is_str((const char *)tm__column_text(sel, 0), nasty,
		    "bulk: text with tabs, newlines, backslashes comes back");
		ok(tm__column_bytes(sel, 1) == (int)sizeof(blob) &&
		    memcmp(tm__column_blob(sel, 1), blob, sizeof(blob)) == 0,
		    "bulk: a blob comes back byte for byte");
		ok(tm__column_double(sel, 2) == 0.5, "bulk: a double");
	} else {
		ok(0, "bulk: the row is there");
	}
	tm__finalize(sel);
	is_int(q_int(db, "SELECT count(*) FROM bk WHERE id = 2 AND t IS NULL "
	    "AND b IS NULL AND d IS NULL"), 1, "bulk: NULLs stay NULL");
	/* A scan of them all, a point query nested in it each 1,000 rows. */
	if ((error = tm__prepare_scan(db, &sel, "SELECT id FROM bk WHERE "
	    "id > ? ORDER BY id")) < 0) {
		ok(0, "scan: prepare");
	} else {
		inner = prep(db, "SELECT count(*) FROM bk WHERE id <= ?");
		tm__bind_int64(sel, 1, 0);
		while ((rc = tm__step(sel)) == TM__ROW) {
			int64_t id = tm__column_int64(sel, 0);

			if (id <= prev)
				order_ok = 0;
			prev = id;
			if (++n % 1000 == 0 && inner) {
				tm__bind_int64(inner, 1, id);
				if (tm__step(inner) != TM__ROW ||
				    tm__column_int64(inner, 0) != id)
					order_ok = 0;
				tm__reset(inner);
			}
		}
		is_int(rc, TM__DONE, "scan: to its end");
		is_int(n, 20000, "scan: every row, over several batches");
		ok(order_ok, "scan: in order, with statements nested in it");
		tm__reset(sel);
		tm__bind_int64(sel, 1, 19990);
		n = 0;
		while (tm__step(sel) == TM__ROW)
			n++;
		is_int(n, 10, "scan: reset and run again");
		tm__finalize(inner);
		tm__finalize(sel);
	}
	ok(x(db, "COMMIT") == 0, "bulk and scan: commit");
	/* Outside a transaction a scan fetches whole, as any statement. */
	sel = NULL;
	if (tm__prepare_scan(db, &sel, "SELECT count(*) FROM bk") == 0 &&
	    tm__step(sel) == TM__ROW)
		is_int(tm__column_int64(sel, 0), 20000,
		    "scan: outside a transaction too");
	else
		ok(0, "scan: outside a transaction too");
	tm__finalize(sel);
	/* A bulk row that breaks a key fails at the next statement. */
	ok(x(db, "BEGIN") == 0, "bulk: a transaction that will fail");
	tm__bind_int64(ins, 1, 1);
	tm__bind_text(ins, 2, "again", -1);
	tm__bind_null(ins, 3);
	tm__bind_null(ins, 4);
	tm__step(ins);
	tm__reset(ins);
	ok(x(db, "SELECT 1") == TM_EDB, "bulk: a duplicate key shows at the "
	    "next statement");
	ok(x(db, "ROLLBACK") == 0, "bulk: rolled back");
	tm__finalize(ins);
	is_int(db->store->has_table(db, "bk"), 1, "has_table: yes");
	is_int(db->store->has_table(db, "no_such"), 0, "has_table: no");
	is_int(db->store->not_null(db, "bk", "id"), 1, "not_null: a key");
	is_int(db->store->not_null(db, "bk", "t"), 0, "not_null: text");
	ok(x(db, "DROP TABLE bk") == 0, "bulk: table dropped");
}

int
main(void)
{
	const char *env = getenv("TM_TEST_PG");
	char *ci;
	tm_db *db;
	int error, i;
	char sql[640];

	if (!env || !*env) {
		printf("1..0 # SKIP TM_TEST_PG is not set "
		    "(tests/unit/pg-run.sh sets it)\n");
		return 0;
	}
	admin = PQconnectdb(env);
	if (PQstatus(admin) != CONNECTION_OK) {
		printf("Bail out! cannot connect to TM_TEST_PG: %s\n",
		    PQerrorMessage(admin));
		PQfinish(admin);
		return 1;
	}
	PQclear(PQexec(admin, "SET client_min_messages = warning"));

	ci = new_database("main");
	test_schema(ci);
	db = open_db(ci, 0, &error);
	if (db) {
		test_same_as_sqlite(db);
		test_types(db);
		test_placeholders(db);
		test_nesting(db);
		test_changes(db);
		test_transactions(db);
		test_bulk_and_scan(db);
		close_db(db);
	} else {
		ok(0, "open for the statement tests");
	}
	free(ci);
	test_refusals();
	test_concurrent_create();

	for (i = 0; i < nnames; i++) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\"",
		    names[i]);
		PQclear(PQexec(admin, sql));
	}
	PQfinish(admin);
	tm_error_clear();
	return done_testing();
}
