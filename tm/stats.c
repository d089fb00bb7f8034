/*
 * stats.c: what a memory holds (units, variants per language, language
 * pairs, imports), and the JSON forms of results that the program and a
 * server print alike.
 */
#include "tm-int.h"
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* All strings of a tm_stats live in one block after the struct's arrays. */
struct stats_priv {
	tm_stats pub;
	char **strings;
	size_t nstrings;
};

static const char *
keep(struct stats_priv *s, const unsigned char *text)
{
	char **v, *d;

	if (!(d = tm__strdup(text ? (const char *)text : "")))
		return NULL;
	if (!(v = tm__realloc(s->strings, (s->nstrings + 1) * sizeof(*v)))) {
		free(d);
		return NULL;
	}
	s->strings = v;
	v[s->nstrings++] = d;
	return d;
}

static int
count(tm_db *db, const char *sql, uint64_t *out)
{
	int64_t n = 0;
	int error = tm__query_int64(db, sql, &n, "cannot count");

	*out = (uint64_t)n;
	return error;
}

static int
add_pair(struct stats_priv *s, const char *a, const char *b, uint64_t n)
{
	tm_stats *p = &s->pub;
	tm_stats_pair *v;
	size_t i;

	for (i = 0; i < p->npairs; i++)
		if (strcmp(p->pairs[i].a, a) == 0 &&
		    strcmp(p->pairs[i].b, b) == 0) {
			p->pairs[i].units += n;
			return 0;
		}
	if (!(v = tm__realloc(p->pairs, (p->npairs + 1) * sizeof(*v))))
		return tm__error_nomem();
	p->pairs = v;
	v[p->npairs].a = keep(s, (const unsigned char *)a);
	v[p->npairs].b = keep(s, (const unsigned char *)b);
	v[p->npairs].units = n;
	if (!v[p->npairs].a || !v[p->npairs].b)
		return tm__error_nomem();
	p->npairs++;
	return 0;
}

/* Each unit's sorted language set gives every pair within it. */
static int
gather_pairs(struct stats_priv *s, tm_db *db)
{
	tm__stmt *st = NULL;
	char *langs[64];
	int rc, error = 0;

	if ((error = tm__prepare(db, &st, "SELECT langs, count(*) FROM tu "
	    "GROUP BY langs")) < 0)
		return error;
	while ((rc = tm__step(st)) == TM__ROW && !error) {
		char *set = tm__strdup((const char *)tm__column_text(st, 0));
		uint64_t n = (uint64_t)tm__column_int64(st, 1);
		size_t nl = 0, i, k;
		char *p, *save = NULL;

		if (!set) {
			error = tm__error_nomem();
			break;
		}
		for (p = strtok_r(set, " ", &save); p && nl < 64;
		    p = strtok_r(NULL, " ", &save))
			langs[nl++] = p;
		for (i = 0; i < nl && !error; i++)
			for (k = i + 1; k < nl && !error; k++)
				error = add_pair(s, langs[i], langs[k], n);
		free(set);
	}
	if (!error && rc != TM__DONE && rc != TM__ROW)
		error = tm__error_db(db, "cannot read language pairs");
	tm__finalize(st);
	return error;
}

static int
cmp_pair(const void *a, const void *b)
{
	const tm_stats_pair *x = a, *y = b;

	if (x->units != y->units)
		return x->units < y->units ? 1 : -1;
	return strcmp(x->a, y->a) ? strcmp(x->a, y->a) : strcmp(x->b, y->b);
}

int
tm_stats_get(tm_stats **out, tm_db *db)
{
	struct stats_priv *s;
	tm_stats *p;
	tm__stmt *st = NULL;
	int rc, error = 0;

	*out = NULL;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (!(s = tm__calloc(1, sizeof(*s))))
		return tm__error_nomem();
	p = &s->pub;
	p->schema_version = tm_db_schema_version();
	if (!(p->path = keep(s, (const unsigned char *)db->path))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = tm__exec(db, "BEGIN")) < 0)
		goto done;
	if ((error = count(db, "SELECT count(*) FROM tu", &p->units)) < 0 ||
	    (error = count(db, "SELECT count(*) FROM tuv", &p->variants)) < 0 ||
	    (error = tm__index_behind(db, &p->index_behind)) < 0)
		goto done;

	/* The spelling of each language's first variant, as first written. */
	if ((error = tm__prepare(db, &st, "SELECT (SELECT lang FROM tuv AS f "
	    "WHERE f.id = g.first), g.n FROM (SELECT min(id) AS first, "
	    "count(*) AS n FROM tuv GROUP BY lang_key) AS g "
	    "ORDER BY 2 DESC, 1")) < 0)
		goto done;
	while ((rc = tm__step(st)) == TM__ROW) {
		tm_stats_lang *v = tm__realloc(p->langs, (p->nlangs + 1) *
		    sizeof(*v));

		if (!v) {
			error = tm__error_nomem();
			goto done;
		}
		p->langs = v;
		v[p->nlangs].lang = keep(s, tm__column_text(st, 0));
		v[p->nlangs].variants = (uint64_t)tm__column_int64(st, 1);
		if (!v[p->nlangs++].lang) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (rc != TM__DONE) {
		error = tm__error_db(db, "cannot read languages");
		goto done;
	}
	tm__finalize(st);
	st = NULL;

	if ((error = gather_pairs(s, db)) < 0)
		goto done;
	/* Pairs are of keys; show the spelling the languages table uses. */
	for (size_t i = 0; i < p->npairs; i++)
		for (size_t k = 0; k < p->nlangs; k++) {
			char key[64];

			if (tm_lang_key(key, sizeof(key), p->langs[k].lang) < 0) {
				tm_error_clear();
				continue;
			}
			if (strcmp(key, p->pairs[i].a) == 0)
				p->pairs[i].a = p->langs[k].lang;
			if (strcmp(key, p->pairs[i].b) == 0)
				p->pairs[i].b = p->langs[k].lang;
		}
	if (p->npairs)
		qsort(p->pairs, p->npairs, sizeof(*p->pairs), cmp_pair);

	if ((error = tm__prepare(db, &st, "SELECT id, file, date, units_read, "
	    "imported, duplicates, updated, skipped, seconds FROM import "
	    "ORDER BY id")) < 0)
		goto done;
	while ((rc = tm__step(st)) == TM__ROW) {
		tm_stats_import *v = tm__realloc(p->imports, (p->nimports + 1) *
		    sizeof(*v));

		if (!v) {
			error = tm__error_nomem();
			goto done;
		}
		p->imports = v;
		v += p->nimports++;
		v->id = tm__column_int64(st, 0);
		v->file = keep(s, tm__column_text(st, 1));
		v->date = keep(s, tm__column_text(st, 2));
		v->units_read = (uint64_t)tm__column_int64(st, 3);
		v->imported = (uint64_t)tm__column_int64(st, 4);
		v->duplicates = (uint64_t)tm__column_int64(st, 5);
		v->updated = (uint64_t)tm__column_int64(st, 6);
		v->skipped = (uint64_t)tm__column_int64(st, 7);
		v->seconds = tm__column_double(st, 8);
		if (!v->file || !v->date) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (rc != TM__DONE)
		error = tm__error_db(db, "cannot read imports");
done:
	tm__finalize(st);
	tm__exec_quiet(db, "COMMIT");
	if (error) {
		tm_stats_free(p);
		return error;
	}
	*out = p;
	return 0;
}

void
tm_stats_free(tm_stats *stats)
{
	struct stats_priv *s = (struct stats_priv *)stats;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nstrings; i++)
		free(s->strings[i]);
	free(s->strings);
	free(s->pub.langs);
	free(s->pub.pairs);
	free(s->pub.imports);
	free(s);
}

static int
dump(char **out, json_t *obj)
{
	if (!obj)
		return tm__error_nomem();
	*out = json_dumps(obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	return *out ? 0 : tm__error_nomem();
}

int
tm_stats_json(char **out, const tm_stats *p)
{
	json_t *obj, *langs, *pairs, *imports;
	size_t i;

	*out = NULL;
	obj = json_pack("{s:s, s:i, s:I, s:I, s:I}", "database", p->path,
	    "schema_version", p->schema_version, "units", (json_int_t)p->units,
	    "variants", (json_int_t)p->variants, "index_behind",
	    (json_int_t)p->index_behind);
	langs = json_array();
	pairs = json_array();
	imports = json_array();
	if (!obj || !langs || !pairs || !imports) {
		json_decref(obj);
		json_decref(langs);
		json_decref(pairs);
		json_decref(imports);
		return tm__error_nomem();
	}
	json_object_set_new(obj, "languages", langs);
	json_object_set_new(obj, "pairs", pairs);
	json_object_set_new(obj, "imports", imports);
	for (i = 0; i < p->nlangs; i++)
		json_array_append_new(langs, json_pack("{s:s, s:I}", "lang",
		    p->langs[i].lang, "variants",
		    (json_int_t)p->langs[i].variants));
	for (i = 0; i < p->npairs; i++)
		json_array_append_new(pairs, json_pack("{s:[s,s], s:I}",
		    "langs", p->pairs[i].a, p->pairs[i].b, "units",
		    (json_int_t)p->pairs[i].units));
	for (i = 0; i < p->nimports; i++) {
		const tm_stats_import *m = &p->imports[i];

		json_array_append_new(imports, json_pack("{s:I, s:s, s:s, "
		    "s:I, s:I, s:I, s:I, s:I, s:f}", "id", (json_int_t)m->id,
		    "file", m->file, "date", m->date, "units_read",
		    (json_int_t)m->units_read, "imported",
		    (json_int_t)m->imported, "duplicates",
		    (json_int_t)m->duplicates, "updated",
		    (json_int_t)m->updated, "skipped", (json_int_t)m->skipped,
		    "seconds", m->seconds));
	}
	return dump(out, obj);
}

int
tm_import_result_json(char **out, const char *file,
    const tm_import_result *r, const tm_error *error)
{
	json_t *obj;

	*out = NULL;
	obj = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:f}", "file", file, "import_id", (json_int_t)r->import_id,
	    "units_read", (json_int_t)r->units_read, "imported",
	    (json_int_t)r->imported, "duplicates", (json_int_t)r->duplicates,
	    "updated", (json_int_t)r->updated, "skipped",
	    (json_int_t)r->skipped, "variants", (json_int_t)r->variants,
	    "seconds", r->seconds);
	if (obj && (json_object_set_new(obj, "index_seconds",
	    json_real(r->index_seconds)) < 0 || json_object_set_new(obj,
	    "index_stale", json_boolean(r->index_stale)) < 0)) {
		json_decref(obj);
		obj = NULL;
	}
	if (obj && error && json_object_set_new(obj, "error",
	    json_string(tm__error_neutral(error))) < 0) {
		json_decref(obj);
		obj = NULL;
	}
	return dump(out, obj);
}

int
tm_export_result_json(char **out, const char *file,
    const tm_export_result *r)
{
	*out = NULL;
	return dump(out, json_pack("{s:s, s:I, s:I, s:f}", "file", file,
	    "units", (json_int_t)r->units, "variants", (json_int_t)r->variants,
	    "seconds", r->seconds));
}
