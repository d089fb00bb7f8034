/*
 * tmx-write.c: streaming TMX 1.4b export with libxml2's xmlTextWriter.
 *
 * Units, variants and annotations are read by three cursors in one
 * order (unit id, variant order) and merged, so memory holds one unit at
 * a time whatever the size of the memory.  Segments are written back as
 * the XML they were stored as; everything else goes through the writer,
 * which escapes it.
 */
#include "tm-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <zlib.h>

/* One row of a cursor, copied out so the cursor can move on. */
struct vrow {
	int64_t tu_id;
	int ord;
	struct tm__buf lang, extra, seg;
	struct tm__buf attr[16];
	bool has[16];
	bool keep;		/* passes the language filter */
};

struct arow {
	int tuv_ord;		/* -1: on the unit */
	bool note;
	struct tm__buf type, lang, oenc, extra, value;
	bool has_type, has_lang, has_oenc, has_extra;
};

struct writer {
	tm_db *db;
	const tm_export_options *opts;
	tm_export_result *res;
	xmlTextWriterPtr w;
	FILE *file;
	gzFile gz;
	int io_errno;
	char **langs;
	size_t nlangs;
	char since[17];

	tm__stmt *tu, *tuv, *annot;
	int tuv_rc, annot_rc;	/* TM__ROW while the cursor has a row */
	struct vrow *vrows;
	size_t nv, vcap;
	struct arow *arows;
	size_t na, acap;
};

#define W(expr) do { if ((expr) < 0) { error = write_failed(wr); \
	goto done; } } while (0)

static int
write_failed(struct writer *wr)
{
	if (wr->io_errno)
		return tm__error(TM_EIO, "write error: %s",
		    tm__strerror(wr->io_errno));
	return tm__error(TM_EIO, "cannot write TMX");
}

static int
on_write(void *ctx, const char *buf, int len)
{
	struct writer *wr = ctx;

	if (wr->gz) {
		if (gzwrite(wr->gz, buf, (unsigned)len) != len) {
			wr->io_errno = errno ? errno : EIO;
			return -1;
		}
	} else if (fwrite(buf, 1, (size_t)len, wr->file) != (size_t)len) {
		wr->io_errno = errno ? errno : EIO;
		return -1;
	}
	return len;
}

static int
on_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
copy_col(struct tm__buf *b, tm__stmt *st, int col, bool *has)
{
	const void *p = tm__column_blob(st, col);
	int n = tm__column_bytes(st, col);

	tm__buf_reset(b);
	if (has)
		*has = tm__column_type(st, col) != TM__NULL;
	return tm__buf_add(b, p ? p : "", (size_t)n);
}

/* Write the attributes kept as a JSON array of [name, value]. */
static int
write_extra(struct writer *wr, const char *json)
{
	json_t *arr;
	size_t i;
	int error = 0;

	if (!json || !*json)
		return 0;
	if (!(arr = json_loads(json, 0, NULL)) || !json_is_array(arr)) {
		json_decref(arr);
		return tm__error(TM_EDB, "damaged attribute list '%.60s'", json);
	}
	for (i = 0; i < json_array_size(arr) && !error; i++) {
		const char *name = NULL, *value = NULL;

		if (json_unpack(json_array_get(arr, i), "[ss]", &name,
		    &value) < 0)
			continue;
		if (xmlTextWriterWriteAttribute(wr->w, BAD_CAST name,
		    BAD_CAST value) < 0)
			error = write_failed(wr);
	}
	json_decref(arr);
	return error;
}

static int
write_text_attr(struct writer *wr, const char *name, tm__stmt *st,
    int col)
{
	const unsigned char *v = tm__column_text(st, col);

	if (tm__column_type(st, col) == TM__NULL)
		return 0;
	if (xmlTextWriterWriteAttribute(wr->w, BAD_CAST name,
	    v ? v : BAD_CAST "") < 0)
		return write_failed(wr);
	return 0;
}

static int
indent(struct writer *wr, const char *s)
{
	if (xmlTextWriterWriteRaw(wr->w, BAD_CAST s) < 0)
		return write_failed(wr);
	return 0;
}

/*
 * Header
 * ======
 */

static int
write_annot(struct writer *wr, const struct arow *a, const char *ind)
{
	int error = 0;

	W(indent(wr, ind));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST(a->note ? "note" :
	    "prop")));
	if (a->has_type)
		W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "type",
		    BAD_CAST tm__buf_str(&a->type)));
	if (a->has_lang)
		W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "xml:lang",
		    BAD_CAST tm__buf_str(&a->lang)));
	if (a->has_oenc)
		W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "o-encoding",
		    BAD_CAST tm__buf_str(&a->oenc)));
	if (a->has_extra && (error = write_extra(wr, tm__buf_str(&a->extra))) < 0)
		goto done;
	W(xmlTextWriterWriteString(wr->w, BAD_CAST tm__buf_str(&a->value)));
	W(xmlTextWriterEndElement(wr->w));
done:
	return error;
}

/* Read an annotation row (columns from `col` on) into *a. */
static int
read_annot(struct arow *a, tm__stmt *st, int col)
{
	int error;
	const unsigned char *kind;

	a->tuv_ord = tm__column_type(st, col) == TM__NULL ? -1 :
	    tm__column_int(st, col);
	kind = tm__column_text(st, col + 1);
	a->note = kind && kind[0] == 'n';
	if ((error = copy_col(&a->type, st, col + 2, &a->has_type)) < 0 ||
	    (error = copy_col(&a->lang, st, col + 3, &a->has_lang)) < 0 ||
	    (error = copy_col(&a->oenc, st, col + 4, &a->has_oenc)) < 0 ||
	    (error = copy_col(&a->extra, st, col + 5, &a->has_extra)) < 0)
		return error;
	return copy_col(&a->value, st, col + 6, NULL);
}

static void
release_arow(struct arow *a)
{
	tm__buf_release(&a->type);
	tm__buf_release(&a->lang);
	tm__buf_release(&a->oenc);
	tm__buf_release(&a->extra);
	tm__buf_release(&a->value);
}

static int
write_ude(struct writer *wr, tm__stmt *st, tm__stmt *maps)
{
	static const char *const names[] = { "unicode", "code", "ent", "subst" };
	int rc, i, error = 0;

	W(indent(wr, "\n    "));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST "ude"));
	if ((error = write_text_attr(wr, "name", st, 2)) < 0 ||
	    (error = write_text_attr(wr, "base", st, 3)) < 0 ||
	    (error = write_extra(wr, (const char *)tm__column_text(st,
	    4))) < 0)
		goto done;
	tm__bind_int64(maps, 1, tm__column_int64(st, 1));
	while ((rc = tm__step(maps)) == TM__ROW) {
		W(indent(wr, "\n      "));
		W(xmlTextWriterStartElement(wr->w, BAD_CAST "map"));
		for (i = 0; i < 4; i++)
			if ((error = write_text_attr(wr, names[i], maps, i)) < 0)
				goto done;
		if ((error = write_extra(wr, (const char *)
		    tm__column_text(maps, 4))) < 0)
			goto done;
		W(xmlTextWriterEndElement(wr->w));
	}
	if (rc != TM__DONE) {
		error = tm__error_db(wr->db, "cannot read header");
		goto done;
	}
	W(indent(wr, "\n    "));
	W(xmlTextWriterEndElement(wr->w));
done:
	tm__reset(maps);
	return error;
}

/*
 * The props, notes and udes of one import's header, in the order the
 * file gave them (they share one sequence of ords).
 */
static int
write_header_content(struct writer *wr, int64_t import_id)
{
	tm__stmt *an = NULL, *ud = NULL, *maps = NULL;
	struct arow a;
	int rca, rcu, error = 0;

	memset(&a, 0, sizeof(a));
	if ((error = tm__prepare(wr->db, &an, "SELECT tuv_ord, kind, type, "
	    "lang, o_encoding, extra, value, ord FROM annot WHERE "
	    "import_id = ? ORDER BY ord")) < 0 ||
	    (error = tm__prepare(wr->db, &ud, "SELECT ord, id, name, base, "
	    "extra FROM ude WHERE import_id = ? ORDER BY ord")) < 0 ||
	    (error = tm__prepare(wr->db, &maps, "SELECT unicode, code, ent, "
	    "subst, extra FROM ude_map WHERE ude_id = ? ORDER BY ord")) < 0)
		goto done;
	tm__bind_int64(an, 1, import_id);
	tm__bind_int64(ud, 1, import_id);
	rca = tm__step(an);
	rcu = tm__step(ud);
	while (rca == TM__ROW || rcu == TM__ROW) {
		if (rcu != TM__ROW || (rca == TM__ROW &&
		    tm__column_int(an, 7) < tm__column_int(ud, 0))) {
			if ((error = read_annot(&a, an, 0)) < 0 ||
			    (error = write_annot(wr, &a, "\n    ")) < 0)
				goto done;
			rca = tm__step(an);
		} else {
			if ((error = write_ude(wr, ud, maps)) < 0)
				goto done;
			rcu = tm__step(ud);
		}
	}
	if (rca != TM__DONE || rcu != TM__DONE)
		error = tm__error_db(wr->db, "cannot read header");
done:
	release_arow(&a);
	tm__finalize(an);
	tm__finalize(ud);
	tm__finalize(maps);
	return error;
}

/* Append the ids the one-column query `sql` returns to *ids. */
static int
read_ids(struct writer *wr, const char *sql, int64_t **ids, size_t *n,
    size_t *cap)
{
	tm__stmt *st = NULL;
	int rc, error;

	if ((error = tm__prepare(wr->db, &st, sql)) < 0)
		return error;
	while ((rc = tm__step(st)) == TM__ROW) {
		if ((error = tm__grow((void **)ids, cap, *n, sizeof(**ids))) < 0)
			break;
		(*ids)[(*n)++] = tm__column_int64(st, 0);
	}
	if (!error && rc != TM__DONE)
		error = tm__error_db(wr->db, "cannot read imports");
	tm__finalize(st);
	return error;
}

/*
 * The <header>: the one import's own when every unit comes from one
 * import, else ours followed by the content of each import's header.
 * Attributes that the DTD requires and the file lacked are filled in,
 * so that the output is valid.
 */
static int
write_header(struct writer *wr)
{
	static const char *const required[][2] = {
		{ "creationtool", "tm" },
		{ "creationtoolversion", PACKAGE_VERSION },
		{ "segtype", "sentence" },
		{ "o-tmf", "tm" },
		{ "adminlang", "en" },
		{ "srclang", "*all*" },
		{ "datatype", "plaintext" },
	};
	tm__stmt *hdr = NULL;
	struct tm__buf sql = { 0 };
	int64_t *imports = NULL;
	size_t nimports = 0, icap = 0, i, k;
	int error = 0;
	char now[17];

	/* The imports the units come from; of unit-less files, all. */
	if ((error = read_ids(wr, "SELECT DISTINCT import_id FROM tu WHERE "
	    "import_id IS NOT NULL ORDER BY import_id", &imports, &nimports,
	    &icap)) < 0 || (!nimports && (error = read_ids(wr, "SELECT id FROM "
	    "import ORDER BY id", &imports, &nimports, &icap)) < 0))
		goto done;

	error = tm__buf_adds(&sql, "SELECT has_header, extra");
	for (i = 0; i < tm__nheader_attrs && !error; i++)
		error = tm__buf_printf(&sql, ", %s", tm__header_attrs[i].col);
	if (error || (error = tm__buf_adds(&sql, " FROM import WHERE id = ?"))
	    < 0 || (error = tm__prepare(wr->db, &hdr, sql.ptr)) < 0)
		goto done;

	W(indent(wr, "\n  "));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST "header"));
	if (nimports == 1) {
		tm__bind_int64(hdr, 1, imports[0]);
		if (tm__step(hdr) != TM__ROW) {
			error = tm__error_db(wr->db,
			    "cannot read header");
			goto done;
		}
		for (i = 0; i < tm__nheader_attrs; i++) {
			bool have = tm__column_type(hdr, 2 + (int)i) !=
			    TM__NULL;

			for (k = 0; !have && k < TM__ARRAY_SIZE(required); k++)
				if (strcmp(required[k][0],
				    tm__header_attrs[i].xml) == 0)
					W(xmlTextWriterWriteAttribute(wr->w,
					    BAD_CAST required[k][0],
					    BAD_CAST required[k][1]));
			if (have && (error = write_text_attr(wr,
			    tm__header_attrs[i].xml, hdr, 2 + (int)i)) < 0)
				goto done;
		}
		if ((error = write_extra(wr, (const char *)
		    tm__column_text(hdr, 1))) < 0)
			goto done;
		tm__reset(hdr);
	} else {
		for (k = 0; k < TM__ARRAY_SIZE(required); k++)
			W(xmlTextWriterWriteAttribute(wr->w,
			    BAD_CAST required[k][0],
			    BAD_CAST required[k][1]));
		tm__now_tmx(now);
		W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "creationdate",
		    BAD_CAST now));
	}
	for (i = 0; i < nimports; i++)
		if ((error = write_header_content(wr, imports[i])) < 0)
			goto done;
	W(indent(wr, "\n  "));
	W(xmlTextWriterEndElement(wr->w));
done:
	tm__finalize(hdr);
	tm__buf_release(&sql);
	free(imports);
	return error;
}

/*
 * Body
 * ====
 */

static bool
lang_wanted(struct writer *wr, const char *lang)
{
	size_t i;

	if (!wr->nlangs)
		return true;
	for (i = 0; i < wr->nlangs; i++)
		if (tm_lang_match(wr->langs[i], lang))
			return true;
	return false;
}

static int
prepare_cursors(struct writer *wr)
{
	struct tm__buf sql = { 0 };
	size_t i;
	int error;

	error = tm__buf_adds(&sql, "SELECT id, extra");
	for (i = 0; i < tm__ntu_attrs && !error; i++)
		error = tm__buf_printf(&sql, ", %s", tm__tu_attrs[i].col);
	if (!error)
		error = tm__buf_printf(&sql, " FROM tu %s ORDER BY id",
		    wr->since[0] ? "WHERE mtime >= ?1" : "");
	if (error || (error = tm__prepare_scan(wr->db, &wr->tu, sql.ptr)) < 0)
		goto done;
	if (wr->since[0])
		tm__bind_text(wr->tu, 1, wr->since, -1);

	tm__buf_reset(&sql);
	error = tm__buf_adds(&sql, "SELECT tu_id, ord, lang, extra, seg");
	for (i = 0; i < tm__ntuv_attrs && !error; i++)
		error = tm__buf_printf(&sql, ", %s", tm__tuv_attrs[i].col);
	if (!error)
		error = tm__buf_adds(&sql, " FROM tuv ORDER BY tu_id, ord");
	if (error || (error = tm__prepare_scan(wr->db, &wr->tuv, sql.ptr)) < 0)
		goto done;
	if ((error = tm__prepare_scan(wr->db, &wr->annot, "SELECT tu_id, "
	    "tuv_ord, kind, type, lang, o_encoding, extra, value FROM annot "
	    "WHERE tu_id IS NOT NULL ORDER BY tu_id, tuv_ord NULLS FIRST, "
	    "ord")) < 0)
		goto done;
	wr->tuv_rc = tm__step(wr->tuv);
	wr->annot_rc = tm__step(wr->annot);
done:
	tm__buf_release(&sql);
	return error;
}

/* tm__grow, with the new elements zeroed (they hold buffers). */
static int
grow_zeroed(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t old = *cap;
	int error;

	if ((error = tm__grow(arr, cap, n, size)) < 0)
		return error;
	if (*cap > old)
		memset((char *)*arr + old * size, 0, (*cap - old) * size);
	return 0;
}

/* Collect the variants and annotations of unit `id` from the cursors. */
static int
collect(struct writer *wr, int64_t id)
{
	int error = 0;
	size_t i;

	wr->nv = wr->na = 0;
	while (wr->tuv_rc == TM__ROW &&
	    tm__column_int64(wr->tuv, 0) <= id) {
		if (tm__column_int64(wr->tuv, 0) == id) {
			struct vrow *v;

			if ((error = grow_zeroed((void **)&wr->vrows,
			    &wr->vcap, wr->nv, sizeof(*wr->vrows))) < 0)
				return error;
			v = &wr->vrows[wr->nv++];
			v->ord = tm__column_int(wr->tuv, 1);
			if ((error = copy_col(&v->lang, wr->tuv, 2, NULL)) < 0 ||
			    (error = copy_col(&v->extra, wr->tuv, 3, NULL)) < 0 ||
			    (error = copy_col(&v->seg, wr->tuv, 4, NULL)) < 0)
				return error;
			for (i = 0; i < tm__ntuv_attrs; i++)
				if ((error = copy_col(&v->attr[i], wr->tuv,
				    5 + (int)i, &v->has[i])) < 0)
					return error;
			v->keep = lang_wanted(wr, tm__buf_str(&v->lang));
		}
		wr->tuv_rc = tm__step(wr->tuv);
	}
	if (wr->tuv_rc != TM__ROW && wr->tuv_rc != TM__DONE)
		return tm__error_db(wr->db, "cannot read variants");
	while (wr->annot_rc == TM__ROW &&
	    tm__column_int64(wr->annot, 0) <= id) {
		if (tm__column_int64(wr->annot, 0) == id) {
			if ((error = grow_zeroed((void **)&wr->arows,
			    &wr->acap, wr->na, sizeof(*wr->arows))) < 0)
				return error;
			if ((error = read_annot(&wr->arows[wr->na++],
			    wr->annot, 1)) < 0)
				return error;
		}
		wr->annot_rc = tm__step(wr->annot);
	}
	if (wr->annot_rc != TM__ROW && wr->annot_rc != TM__DONE)
		return tm__error_db(wr->db, "cannot read props");
	return 0;
}

/* Whether the kept variants are in at least two of the asked languages. */
static bool
two_languages(struct writer *wr)
{
	size_t i, k, first = SIZE_MAX;

	for (i = 0; i < wr->nv; i++) {
		if (!wr->vrows[i].keep)
			continue;
		for (k = 0; k < wr->nlangs; k++) {
			if (!tm_lang_match(wr->langs[k],
			    tm__buf_str(&wr->vrows[i].lang)))
				continue;
			if (first == SIZE_MAX)
				first = k;
			else if (k != first)
				return true;
			break;
		}
	}
	return false;
}

static int
write_unit(struct writer *wr)
{
	tm__stmt *st = wr->tu;
	size_t i, k, kept = 0;
	int error = 0;

	for (i = 0; i < wr->nv; i++)
		kept += wr->vrows[i].keep;
	if (kept == 0 || (wr->nlangs >= 2 && !two_languages(wr)))
		return 0;

	W(indent(wr, "\n    "));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST "tu"));
	for (i = 0; i < tm__ntu_attrs; i++)
		if ((error = write_text_attr(wr, tm__tu_attrs[i].xml, st,
		    2 + (int)i)) < 0)
			goto done;
	if ((error = write_extra(wr, (const char *)tm__column_text(st,
	    1))) < 0)
		goto done;
	for (k = 0; k < wr->na; k++)
		if (wr->arows[k].tuv_ord < 0 &&
		    (error = write_annot(wr, &wr->arows[k], "\n      ")) < 0)
			goto done;
	for (i = 0; i < wr->nv; i++) {
		struct vrow *v = &wr->vrows[i];

		if (!v->keep)
			continue;
		W(indent(wr, "\n      "));
		W(xmlTextWriterStartElement(wr->w, BAD_CAST "tuv"));
		W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "xml:lang",
		    BAD_CAST tm__buf_str(&v->lang)));
		for (k = 0; k < tm__ntuv_attrs; k++)
			if (v->has[k])
				W(xmlTextWriterWriteAttribute(wr->w,
				    BAD_CAST tm__tuv_attrs[k].xml,
				    BAD_CAST tm__buf_str(&v->attr[k])));
		if (v->extra.len &&
		    (error = write_extra(wr, tm__buf_str(&v->extra))) < 0)
			goto done;
		for (k = 0; k < wr->na; k++)
			if (wr->arows[k].tuv_ord == v->ord &&
			    (error = write_annot(wr, &wr->arows[k],
			    "\n        ")) < 0)
				goto done;
		W(indent(wr, "\n        "));
		W(xmlTextWriterStartElement(wr->w, BAD_CAST "seg"));
		if (v->seg.len)
			W(xmlTextWriterWriteRaw(wr->w, BAD_CAST v->seg.ptr));
		W(xmlTextWriterFullEndElement(wr->w));
		W(indent(wr, "\n      "));
		W(xmlTextWriterEndElement(wr->w));
		wr->res->variants++;
	}
	W(indent(wr, "\n    "));
	W(xmlTextWriterEndElement(wr->w));
	wr->res->units++;
done:
	return error;
}

static int
write_body(struct writer *wr)
{
	int64_t max_id = 0;
	tm__stmt *st = NULL;
	uint64_t n = 0;
	int rc, error = 0;

	if (wr->opts->progress && tm__prepare(wr->db, &st,
	    "SELECT max(id) FROM tu") == 0 && tm__step(st) == TM__ROW)
		max_id = tm__column_int64(st, 0);
	tm__finalize(st);
	if ((error = prepare_cursors(wr)) < 0)
		goto done;
	W(indent(wr, "\n  "));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST "body"));
	while ((rc = tm__step(wr->tu)) == TM__ROW) {
		int64_t id = tm__column_int64(wr->tu, 0);

		if ((error = collect(wr, id)) < 0 ||
		    (error = write_unit(wr)) < 0)
			goto done;
		if (wr->opts->progress && (++n & 4095) == 0)
			wr->opts->progress((uint64_t)id, (uint64_t)max_id,
			    wr->opts->payload);
	}
	if (rc != TM__DONE) {
		error = tm__error_db(wr->db, "cannot read units");
		goto done;
	}
	W(indent(wr, "\n  "));
	W(xmlTextWriterFullEndElement(wr->w));
done:
	return error;
}

/*
 * The namespaces the imported files declared, on <tmx>: extension
 * attributes and elements come back with their prefixes bound.
 */
static int
write_namespaces(struct writer *wr)
{
	tm__stmt *st = NULL;
	json_t *seen = NULL;
	int rc, error;

	if ((error = tm__prepare(wr->db, &st, "SELECT namespaces FROM import "
	    "WHERE namespaces IS NOT NULL ORDER BY id")) < 0)
		return error;
	if (!(seen = json_object())) {
		error = tm__error_nomem();
		goto done;
	}
	while ((rc = tm__step(st)) == TM__ROW && !error) {
		json_t *arr = json_loads((const char *)tm__column_text(st,
		    0), 0, NULL);
		size_t i;

		for (i = 0; i < json_array_size(arr) && !error; i++) {
			const char *prefix = NULL, *uri = NULL;
			char name[300];

			/*
			 * A default namespace would put every TMX 1.4 element
			 * in it, which no 1.4 reader knows: only prefixed
			 * declarations (extension attributes) are kept.
			 */
			if (json_unpack(json_array_get(arr, i), "[ss]", &prefix,
			    &uri) < 0 || json_object_get(seen, prefix) ||
			    strcmp(prefix, "xml") == 0 || !*prefix)
				continue;
			json_object_set_new(seen, prefix, json_true());
			snprintf(name, sizeof(name), "%s%s%s", "xmlns",
			    *prefix ? ":" : "", prefix);
			if (xmlTextWriterWriteAttribute(wr->w, BAD_CAST name,
			    BAD_CAST uri) < 0)
				error = write_failed(wr);
		}
		json_decref(arr);
	}
done:
	json_decref(seen);
	tm__finalize(st);
	return error;
}

/*
 * The export
 * ==========
 */

static int
parse_langs(struct writer *wr, const char *list)
{
	const char *p = list, *q;
	char key[64];
	int error;

	while (*p) {
		char **v;

		q = strchr(p, ',');
		if (!q)
			q = p + strlen(p);
		if (q > p) {
			if (!(v = tm__realloc(wr->langs, (wr->nlangs + 1) *
			    sizeof(*v))))
				return tm__error_nomem();
			wr->langs = v;
			if (!(v[wr->nlangs] = tm__strndup(p, (size_t)(q - p))))
				return tm__error_nomem();
			wr->nlangs++;
			if ((error = tm_lang_key(key, sizeof(key),
			    v[wr->nlangs - 1])) < 0)
				return error;
		}
		p = *q ? q + 1 : q;
	}
	if (!wr->nlangs)
		return tm__error(TM_EINVAL, "no language in '%s'", list);
	return 0;
}

/* Writing over the database (or its WAL) would destroy the memory. */
static int
refuse_own_files(tm_db *db, const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	struct stat out, own;
	char name[4096];
	size_t i;

	if (stat(path, &out) < 0)
		return 0;
	for (i = 0; i < TM__ARRAY_SIZE(suffix); i++) {
		snprintf(name, sizeof(name), "%s%s", db->path, suffix[i]);
		if (stat(name, &own) == 0 && own.st_dev == out.st_dev &&
		    own.st_ino == out.st_ino)
			return tm__error(TM_EIO, "refusing to write over "
			    "'%s': it is the memory's own database", path);
	}
	return 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Export to `path`, or to `out_fd` when it is not negative. */
static int
export_tmx(tm_export_result *out, tm_db *db, const char *path, int out_fd,
    const tm_export_options *opts)
{
	static const tm_export_options defaults = TM_EXPORT_OPTIONS_INIT;
	struct writer wrs, *wr = &wrs;
	tm_export_result res;
	xmlOutputBufferPtr ob;
	struct timespec t0;
	char *tmp = NULL;
	struct tm__xml_errors quiet = { 0 };
	bool to_stdout, in_tx = false;
	size_t i;
	int fd = -1, error = 0;

	memset(wr, 0, sizeof(*wr));
	memset(&res, 0, sizeof(res));
	if (!opts)
		opts = &defaults;
	if (!db)
		return tm__error(TM_EINVAL, "no database");
	if (opts->version != TM_EXPORT_OPTIONS_VERSION)
		return tm__error(TM_EINVAL, "bad export options");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wr->db = db;
	wr->opts = opts;
	wr->res = &res;
	to_stdout = out_fd < 0 && (!path || strcmp(path, "-") == 0);
	if (opts->langs && (error = parse_langs(wr, opts->langs)) < 0)
		goto done;
	if (opts->changed_since &&
	    (error = tm__date_norm(wr->since, opts->changed_since)) < 0)
		goto done;

	if (out_fd < 0 && !to_stdout &&
	    (error = refuse_own_files(db, path)) < 0)
		goto done;
	if (to_stdout) {
		wr->file = stdout;
	} else if (out_fd >= 0) {
		if ((fd = dup(out_fd)) < 0 || !(wr->file = fdopen(fd, "wb"))) {
			error = tm__error(TM_EIO, "cannot write: %s",
			    tm__strerror(errno));
			goto done;
		}
		fd = -1;
	} else {
		if ((error = tm__output_open(path, &tmp, &fd)) < 0)
			goto done;
		if (ends_with(path, ".gz")) {
			if (!(wr->gz = gzdopen(fd, "wb6"))) {
				error = tm__error_nomem();
				goto done;
			}
		} else if (!(wr->file = fdopen(fd, "wb"))) {
			error = tm__error(TM_EIO, "cannot write '%s': %s",
			    path, tm__strerror(errno));
			goto done;
		}
		fd = -1;
	}
	xmlInitParser();
	tm__xml_quiet(&quiet);
	if (!(ob = xmlOutputBufferCreateIO(on_write, on_close, wr, NULL)) ||
	    !(wr->w = xmlNewTextWriter(ob))) {
		error = tm__error_nomem();
		goto done;
	}

	/* One read transaction: a consistent snapshot of the memory. */
	if ((error = tm__exec(db, "BEGIN")) < 0)
		goto done;
	in_tx = true;
	W(xmlTextWriterStartDocument(wr->w, "1.0", "UTF-8", NULL));
	W(indent(wr, "\n"));
	W(xmlTextWriterWriteDTD(wr->w, BAD_CAST "tmx", NULL,
	    BAD_CAST "tmx14.dtd", NULL));
	W(indent(wr, "\n"));
	W(xmlTextWriterStartElement(wr->w, BAD_CAST "tmx"));
	W(xmlTextWriterWriteAttribute(wr->w, BAD_CAST "version", BAD_CAST "1.4"));
	if ((error = write_namespaces(wr)) < 0)
		goto done;
	if ((error = write_header(wr)) < 0 || (error = write_body(wr)) < 0)
		goto done;
	W(indent(wr, "\n"));
	W(xmlTextWriterEndElement(wr->w));
	W(xmlTextWriterEndDocument(wr->w));
	if (xmlTextWriterFlush(wr->w) < 0) {
		error = write_failed(wr);
		goto done;
	}
done:
	if (in_tx)
		tm__exec_quiet(db, "COMMIT");
	tm__finalize(wr->tu);
	tm__finalize(wr->tuv);
	tm__finalize(wr->annot);
	if (wr->w)
		xmlFreeTextWriter(wr->w);
	if (wr->gz && gzclose(wr->gz) != Z_OK && !error)
		error = tm__error(TM_EIO, "cannot write '%s'", path);
	if (wr->file && wr->file != stdout && fclose(wr->file) != 0 && !error)
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    tm__strerror(errno));
	if (wr->file == stdout && fflush(stdout) != 0 && !error)
		error = tm__error(TM_EIO, "cannot write to standard output: %s",
		    tm__strerror(errno));
	if (fd >= 0)
		close(fd);
	if (out_fd < 0)
		error = tm__output_close(path, &tmp, error);
	for (i = 0; i < wr->vcap; i++) {
		size_t k;

		tm__buf_release(&wr->vrows[i].lang);
		tm__buf_release(&wr->vrows[i].extra);
		tm__buf_release(&wr->vrows[i].seg);
		for (k = 0; k < TM__ARRAY_SIZE(wr->vrows[i].attr); k++)
			tm__buf_release(&wr->vrows[i].attr[k]);
	}
	free(wr->vrows);
	for (i = 0; i < wr->acap; i++)
		release_arow(&wr->arows[i]);
	free(wr->arows);
	for (i = 0; i < wr->nlangs; i++)
		free(wr->langs[i]);
	free(wr->langs);
	tm__xml_loud(&quiet);
	res.seconds = tm__elapsed(&t0);
	if (out)
		*out = res;
	return error;
}

int
tm_export_tmx(tm_export_result *out, tm_db *db, const char *path,
    const tm_export_options *opts)
{
	return export_tmx(out, db, path, -1, opts);
}

int
tm_export_tmx_fd(tm_export_result *out, tm_db *db, int fd,
    const tm_export_options *opts)
{
	if (fd < 0)
		return tm__error(TM_EINVAL, "no file descriptor");
	return export_tmx(out, db, "-", fd, opts);
}
