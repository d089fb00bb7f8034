/* Unit tests for store.c: opening, creating and migrating databases. */
#include "tm-int.h"
#include "../tap.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tm-unit-store-XXXXXX";

static char *
path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static int
user_version(const char *file)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_open(file, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void
sql(const char *file, const char *q)
{
	sqlite3 *db;

	sqlite3_open(file, &db);
	sqlite3_exec(db, q, NULL, NULL, NULL);
	sqlite3_close(db);
}

int
main(void)
{
	tm_db *db = NULL;
	char *p = NULL;
	FILE *f;

	if (!mkdtemp(dir))
		return 1;

	ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 && db,
	    "an in-memory memory opens");
	tm_db_close(db);
	db = NULL;

	ok(tm_db_open(&db, path("none.db"), 0) == TM_ENOTFOUND && !db,
	    "a missing file without TM_DB_CREATE is TM_ENOTFOUND");
	ok(strstr(tm_error_last()->message, "none.db") != NULL,
	    "and the message names it");
	tm_error_clear();
	ok(tm_db_open(&db, path("none.db"), TM_DB_READONLY | TM_DB_CREATE) ==
	    TM_ENOTFOUND, "read-only never creates");
	tm_error_clear();

	ok(tm_db_open(&db, path("a/b/c/tm.db"), TM_DB_CREATE) == 0,
	    "TM_DB_CREATE makes the file and its folders");
	tm_db_close(db);
	db = NULL;
	is_int(user_version(path("a/b/c/tm.db")), tm_db_schema_version(),
	    "the schema version is recorded");
	ok(tm_db_open(&db, path("a/b/c/tm.db"), TM_DB_READONLY) == 0,
	    "it reopens read-only");
	tm_db_close(db);
	db = NULL;

	sql(path("other.db"), "CREATE TABLE t(x)");
	ok(tm_db_open(&db, path("other.db"), 0) == TM_EDB && !db,
	    "another application's SQLite file is refused");
	ok(strstr(tm_error_last()->message, "not a translation memory") !=
	    NULL, "with a message that says so");
	tm_error_clear();

	f = fopen(path("text.db"), "w");
	fputs("this is not a database at all, just some text\n", f);
	fclose(f);
	ok(tm_db_open(&db, path("text.db"), 0) == TM_EDB && !db,
	    "a text file is refused");
	tm_error_clear();

	mkdir(path("dir.db"), 0777);
	ok(tm_db_open(&db, path("dir.db"), TM_DB_CREATE) == TM_EIO,
	    "a directory is refused");
	tm_error_clear();

	sql(path("a/b/c/tm.db"), "PRAGMA user_version = 999");
	ok(tm_db_open(&db, path("a/b/c/tm.db"), 0) == TM_EDB,
	    "a newer schema is refused");
	ok(strstr(tm_error_last()->message, "upgrade tm") != NULL,
	    "and the message says what to do");
	tm_error_clear();

	/* A database from before any schema: an empty SQLite file. */
	sql(path("empty.db"), "PRAGMA user_version = 0");
	ok(tm_db_open(&db, path("empty.db"), TM_DB_READONLY) == TM_EDB,
	    "read-only will not migrate");
	tm_error_clear();
	ok(tm_db_open(&db, path("empty.db"), 0) == 0, "read-write migrates");
	tm_db_close(db);
	db = NULL;
	is_int(user_version(path("empty.db")), tm_db_schema_version(),
	    "to the current version");

	/*
	 * A version 3 database (before the sketches and the MT cache)
	 * gains both.
	 */
	sql(path("empty.db"), "DROP TABLE mt_cache; DROP TABLE sketch; "
	    "DROP TABLE tu_history; DROP TABLE gloss_term; "
	    "DROP TABLE gloss_entry; PRAGMA user_version = 3");
	ok(tm_db_open(&db, path("empty.db"), 0) == 0, "a v3 memory opens");
	ok(db && sqlite3_exec(db->sql, "SELECT block, v FROM sketch", NULL,
	    NULL, NULL) == SQLITE_OK, "and has the sketch table");
	ok(db && sqlite3_exec(db->sql, "SELECT provider, fingerprint, "
	    "src_lang, tgt_lang, source, target, date FROM mt_cache", NULL,
	    NULL, NULL) == SQLITE_OK, "and has the MT cache table");
	tm_db_close(db);
	db = NULL;
	is_int(user_version(path("empty.db")), tm_db_schema_version(),
	    "migrated to the current version");

	setenv("TM_DB", "/x/y.db", 1);
	ok(tm_db_default_path(&p) == 0 && strcmp(p, "/x/y.db") == 0,
	    "$TM_DB comes first");
	tm_free(p);
	unsetenv("TM_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	ok(tm_db_default_path(&p) == 0 && strcmp(p, "/data/tm/tm.db") == 0,
	    "then $XDG_DATA_HOME/tm/tm.db");
	tm_free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/t", 1);
	ok(tm_db_default_path(&p) == 0 &&
	    strcmp(p, "/home/t/.local/share/tm/tm.db") == 0,
	    "then ~/.local/share/tm/tm.db");
	tm_free(p);
	unsetenv("HOME");
	ok(tm_db_default_path(&p) == TM_ENOTFOUND && !p,
	    "and without HOME there is no default");
	tm_error_clear();

	tm_db_close(NULL);
	ok(1, "closing NULL is a no-op");
	return done_testing();
}
