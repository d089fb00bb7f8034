/*
 * unit.c: one unit at a time, and the access tokens of tm serve.
 *
 * A unit is read back as JSON (its attributes, variants, props and
 * notes) or deleted with everything that hangs on it; the foreign keys
 * cascade to its variants, annotations and history, and the trigger on
 * tu keeps the duplicate index in step.  The n-gram index keeps the
 * deleted variants' ids until the next reindex: lookups pass over ids
 * that no longer have a row.
 *
 * A token is a random secret given once to its owner; the table keeps
 * only its SHA-256, so a copy of the database does not give the
 * secrets away.  Checking a secret hashes it and looks the hash up.
 */
#include "tm-int.h"

#include <errno.h>
#include <sys/random.h>

#include <jansson.h>
#include <openssl/evp.h>

static int
dump(char **out, json_t *obj)
{
	*out = obj ? json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
	    NULL;
	json_decref(obj);
	return *out ? 0 : tm__error_nomem();
}

static json_t *
col_str(tm__stmt *st, int i)
{
	const unsigned char *s = tm__column_text(st, i);

	return s ? json_string((const char *)s) : json_null();
}

int
tm_unit_json(char **out, tm_db *db, int64_t id)
{
	tm__stmt *st = NULL;
	json_t *obj = NULL, *vars, *props, *notes;
	int rc, error = 0;

	*out = NULL;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if ((error = tm__prepare(db, &st, "SELECT u.id, u.tuid, u.srclang, "
	    "u.creationdate, u.creationid, u.changedate, u.changeid, "
	    "u.usagecount, i.file FROM tu u LEFT JOIN import i ON "
	    "i.id = u.import_id WHERE u.id = ?")) < 0)
		return error;
	tm__bind_int64(st, 1, id);
	rc = tm__step(st);
	if (rc == TM__DONE) {
		error = tm__error(TM_ENOTFOUND, "no unit %lld", (long long)id);
		goto done;
	}
	if (rc != TM__ROW) {
		error = tm__error_db(db, "cannot read the unit");
		goto done;
	}
	if (!(obj = json_object()) || !(vars = json_array()) ||
	    !(props = json_array()) || !(notes = json_array())) {
		error = tm__error_nomem();
		goto done;
	}
	json_object_set_new(obj, "id", json_integer(tm__column_int64(st,
	    0)));
	json_object_set_new(obj, "tuid", col_str(st, 1));
	json_object_set_new(obj, "srclang", col_str(st, 2));
	json_object_set_new(obj, "creationdate", col_str(st, 3));
	json_object_set_new(obj, "creationid", col_str(st, 4));
	json_object_set_new(obj, "changedate", col_str(st, 5));
	json_object_set_new(obj, "changeid", col_str(st, 6));
	json_object_set_new(obj, "usagecount", tm__column_type(st, 7) ==
	    TM__NULL ? json_null() : json_integer(tm__column_int64(st,
	    7)));
	json_object_set_new(obj, "import", col_str(st, 8));
	json_object_set_new(obj, "variants", vars);
	json_object_set_new(obj, "props", props);
	json_object_set_new(obj, "notes", notes);
	tm__finalize(st);
	st = NULL;

	if ((error = tm__prepare(db, &st, "SELECT lang, coalesce(text, seg), "
	    "seg FROM tuv WHERE tu_id = ? ORDER BY ord")) < 0)
		goto done;
	tm__bind_int64(st, 1, id);
	while ((rc = tm__step(st)) == TM__ROW) {
		json_t *v = json_object();

		if (!v || json_array_append_new(vars, v) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		json_object_set_new(v, "lang", col_str(st, 0));
		json_object_set_new(v, "text", col_str(st, 1));
		json_object_set_new(v, "seg", col_str(st, 2));
	}
	if (rc != TM__DONE) {
		error = tm__error_db(db, "cannot read the unit");
		goto done;
	}
	tm__finalize(st);
	st = NULL;

	/* The unit's own props and notes; a variant's carry its language. */
	if ((error = tm__prepare(db, &st, "SELECT a.kind, a.type, "
	    "coalesce(a.lang, v.lang), a.value FROM annot a LEFT JOIN tuv v "
	    "ON v.tu_id = a.tu_id AND v.ord = a.tuv_ord WHERE a.tu_id = ? "
	    "ORDER BY a.tuv_ord IS NOT NULL, a.tuv_ord, a.ord")) < 0)
		goto done;
	tm__bind_int64(st, 1, id);
	while ((rc = tm__step(st)) == TM__ROW) {
		const char *kind = (const char *)tm__column_text(st, 0);
		json_t *a = json_object();

		if (!a || json_array_append_new(kind && strcmp(kind, "note") ==
		    0 ? notes : props, a) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		if (!kind || strcmp(kind, "note") != 0)
			json_object_set_new(a, "type", col_str(st, 1));
		json_object_set_new(a, "lang", col_str(st, 2));
		json_object_set_new(a, "value", col_str(st, 3));
	}
	if (rc != TM__DONE)
		error = tm__error_db(db, "cannot read the unit");
done:
	tm__finalize(st);
	if (error) {
		json_decref(obj);
		return error;
	}
	return dump(out, obj);
}

int
tm_unit_delete(tm_db *db, int64_t id)
{
	tm__stmt *st = NULL;
	int error;

	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	if ((error = tm__prepare(db, &st, "DELETE FROM tu WHERE id = ?")) < 0)
		return error;
	tm__bind_int64(st, 1, id);
	error = tm__step_done(db, st, "cannot delete the unit");
	tm__finalize(st);
	if (!error && db->store->changes(db) == 0)
		error = tm__error(TM_ENOTFOUND, "no unit %lld", (long long)id);
	return error;
}

/*
 * Tokens
 * ======
 */

static const char *const roles[] = { "none", "read", "write", "admin" };

int
tm_role_parse(const char *name)
{
	int i;

	for (i = TM_ROLE_READ; name && i <= TM_ROLE_ADMIN; i++)
		if (strcmp(name, roles[i]) == 0)
			return i;
	return TM_ROLE_NONE;
}

const char *
tm_role_name(int role)
{
	return role >= TM_ROLE_READ && role <= TM_ROLE_ADMIN ? roles[role] :
	    roles[0];
}

static int
hash_secret(unsigned char md[32], const char *secret)
{
	unsigned int n = 0;

	if (!EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL) ||
	    n != 32)
		return tm__error(TM_ERROR, "cannot hash the token");
	return 0;
}

/* Whether the token table exists (a read-only handle cannot make it). */
static int
have_table(tm_db *db, bool *out)
{
	int r = db->store->has_table(db, "token");

	*out = r == 1;
	return r < 0 ? r : 0;
}

int
tm__token_table(tm_db *db)
{
	return tm__exec(db, "CREATE TABLE IF NOT EXISTS token (\n"
	    "\tname TEXT PRIMARY KEY,\n"
	    "\t-- SHA-256 of the secret; the secret itself is never kept\n"
	    "\thash BLOB NOT NULL UNIQUE,\n"
	    "\trole INTEGER NOT NULL,\n"
	    "\tcreated TEXT NOT NULL\n"
	    ")");
}

static bool
good_name(const char *name)
{
	size_t n = 0;

	for (; name && name[n]; n++)
		if ((unsigned char)name[n] <= ' ' ||
		    (unsigned char)name[n] >= 0x7f)
			return false;
	return n > 0 && n <= 64;
}

int
tm_token_add(char **out, tm_db *db, const char *name, int role)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_";
	unsigned char raw[32], md[32];
	char secret[3 + 43 + 1], now[21];
	tm__stmt *st = NULL;
	size_t i, got = 0;
	int error;

	*out = NULL;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	if (!good_name(name))
		return tm__error(TM_EINVAL, "a token's name is 1 to 64 "
		    "printable ASCII characters without spaces");
	if (role < TM_ROLE_READ || role > TM_ROLE_ADMIN)
		return tm__error(TM_EINVAL, "a token's role is read, write or "
		    "admin");
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tm__error(TM_EIO, "no random bytes for the "
			    "token: %s", tm__strerror(errno));
		got += (size_t)n;
	}
	/* 256 random bits as 43 characters of URL-safe base64. */
	memcpy(secret, "tm_", 3);
	for (i = 0; i < 43; i++) {
		size_t bit = i * 6, byte = bit / 8, shift = bit % 8;
		unsigned v = (unsigned)raw[byte] << 8 |
		    (byte + 1 < sizeof(raw) ? raw[byte + 1] : 0);

		secret[3 + i] = b64[(v >> (10 - shift)) & 63];
	}
	secret[3 + 43] = '\0';
	if ((error = hash_secret(md, secret)) < 0 ||
	    (error = tm__token_table(db)) < 0)
		return error;
	tm__now_iso(now);
	if ((error = tm__prepare(db, &st, "INSERT INTO token (name, hash, "
	    "role, created) VALUES (?, ?, ?, ?)")) < 0)
		return error;
	tm__bind_text(st, 1, name, -1);
	tm__bind_blob(st, 2, md, sizeof(md));
	tm__bind_int(st, 3, role);
	tm__bind_text(st, 4, now, -1);
	if (tm__step(st) != TM__DONE) {
		if (db->store->unique_violation(db))
			error = tm__error(TM_EINVAL, "a token called '%s' "
			    "exists already", name);
		else
			error = tm__error_db(db, "cannot store the "
			    "token");
	}
	tm__finalize(st);
	if (!error && !(*out = tm__strdup(secret)))
		error = tm__error_nomem();
	return error;
}

int
tm_token_revoke(tm_db *db, const char *name)
{
	tm__stmt *st = NULL;
	bool have;
	int error;

	if (!db || !name)
		return tm__error(TM_EINVAL, "no database or no name");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	if ((error = have_table(db, &have)) < 0)
		return error;
	if (!have)
		return tm__error(TM_ENOTFOUND, "no token called '%s'", name);
	if ((error = tm__prepare(db, &st, "DELETE FROM token WHERE name = ?"))
	    < 0)
		return error;
	tm__bind_text(st, 1, name, -1);
	error = tm__step_done(db, st, "cannot revoke the token");
	tm__finalize(st);
	if (!error && db->store->changes(db) == 0)
		error = tm__error(TM_ENOTFOUND, "no token called '%s'", name);
	return error;
}

int
tm_token_list_json(char **out, tm_db *db)
{
	tm__stmt *st = NULL;
	json_t *obj, *arr;
	bool have;
	int rc, error;

	*out = NULL;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if ((error = have_table(db, &have)) < 0)
		return error;
	if (!(obj = json_pack("{s:[]}", "tokens")))
		return tm__error_nomem();
	arr = json_object_get(obj, "tokens");
	if (have && (error = tm__prepare(db, &st, "SELECT name, role, created "
	    "FROM token ORDER BY name")) < 0) {
		json_decref(obj);
		return error;
	}
	while (have && (rc = tm__step(st)) != TM__DONE) {
		json_t *t;

		if (rc != TM__ROW) {
			error = tm__error_db(db, "cannot read the "
			    "tokens");
			break;
		}
		t = json_pack("{s:o, s:s, s:o}", "name", col_str(st, 0),
		    "role", tm_role_name(tm__column_int(st, 1)),
		    "created", col_str(st, 2));
		if (!t || json_array_append_new(arr, t) < 0) {
			error = tm__error_nomem();
			break;
		}
	}
	tm__finalize(st);
	if (error) {
		json_decref(obj);
		return error;
	}
	return dump(out, obj);
}

int
tm_token_count(size_t *out, tm_db *db)
{
	tm__stmt *st = NULL;
	bool have;
	int error;

	*out = 0;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if ((error = have_table(db, &have)) < 0 || !have)
		return error;
	if ((error = tm__prepare(db, &st, "SELECT count(*) FROM token")) < 0)
		return error;
	if (tm__step(st) == TM__ROW)
		*out = (size_t)tm__column_int64(st, 0);
	else
		error = tm__error_db(db, "cannot count the tokens");
	tm__finalize(st);
	return error;
}

int
tm_token_check(int *out, tm_db *db, const char *secret)
{
	unsigned char md[32];
	tm__stmt *st = NULL;
	bool have;
	int rc, error;

	*out = TM_ROLE_NONE;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (!secret || !*secret)
		return 0;
	if ((error = have_table(db, &have)) < 0 || !have)
		return error;
	if ((error = hash_secret(md, secret)) < 0 ||
	    (error = tm__prepare(db, &st, "SELECT role FROM token WHERE "
	    "hash = ?")) < 0)
		return error;
	tm__bind_blob(st, 1, md, sizeof(md));
	if ((rc = tm__step(st)) == TM__ROW)
		*out = tm__column_int(st, 0);
	else if (rc != TM__DONE)
		error = tm__error_db(db, "cannot check the token");
	tm__finalize(st);
	return error;
}
