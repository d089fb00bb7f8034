/*
 * tmx-read.c: streaming TMX import, the reader half.
 *
 * libxml2's SAX2 parser reads the file (plain or gzip, any encoding it
 * knows) in constant memory; this file turns its events into units,
 * checks each against the TMX DTD's rules that matter, derives its plain
 * text, matching keys and duplicate key, and hands units in batches to
 * the writer (import.c).  The whole file is one transaction.
 *
 * SAX2 rather than xmlTextReader: both stream in constant memory, and
 * SAX2 reads a 1M-unit file in half the time, which is most of an
 * import's budget.
 *
 * Nothing is fetched: no DTD, no external entity (each is refused with
 * an error), no network.  Internal entities are expanded under
 * libxml2's amplification limits, so a billion-laughs file is refused.
 */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <zlib.h>

/* Text of one element beyond this is refused rather than buffered. */
#define MAX_TEXT (64u << 20)

enum state {
	S_TOP,		/* before <tmx> */
	S_TMX,
	S_HEADER,
	S_UDE,
	S_BODY,
	S_TU,
	S_TUV,
	S_SEG,		/* inside <seg>, inline markup included */
	S_TEXT,		/* inside <prop> or <note>: collect text */
	S_SKIP,		/* inside an element we ignore */
	S_DONE		/* after </tmx> */
};

struct reader {
	tm_db *db;
	unsigned key_flags;	/* tm__key_flags() of db */
	const char *file;
	const tm_import_options *opts;
	tm_import_result *res;
	struct tm__prebuild *pb;	/* fed the stored variants, or NULL */
	xmlParserCtxtPtr ctxt;
	gzFile gz;
	uint64_t total;		/* file size, 0 when unknown */
	uint64_t units_since_progress;

	enum state state;
	enum state text_return;	/* state to go back to after S_TEXT */
	int skip_depth;		/* elements open inside S_SKIP */
	enum state skip_return;

	/* <seg> content */
	int seg_depth;		/* inline elements open inside <seg> */
	int code_depth;		/* of which bpt/ept/it/ph/ut */
	int sub_depth;		/* of which sub */
	bool tag_open;		/* "<x attrs" written, ">" not yet */
	struct tm__buf seg, text, tbuf;
	struct tm__buf qkey;	/* the quick key, to compare */
	char inline_stack[256];	/* 'c' code, 's' sub, 'h' hi, 'u' unknown */

	/*
	 * The batch being filled; the current unit is units[nunits] until
	 * it is accepted.  Header data goes to `hb`, stored at once.
	 */
	struct tm__batch *b, hb;
	struct tm__sink *sink;
	size_t unit_mark;	/* arena length when the unit began */
	struct tm__annot cur_annot;
	struct tm__buf problem;	/* why the unit breaks the DTD, if it does */
	struct tm__buf scratch;
	char *tmx_version;
	json_t *namespaces;	/* [prefix, URI] pairs declared in the file */

	/* header */
	int64_t import_id;
	int header_annots;
	int64_t ude_id;
	int maps;
	bool body_started;	/* the writer may own the database now */

	/* outcome */
	int error;		/* first error; parsing stops */
	uint64_t invalid;	/* units that break the DTD */
	bool seen_tmx;
};

static const char *const inline_names[] = {
	"bpt", "ept", "it", "ph", "ut", "hi", "sub"
};

static void
fail(struct reader *r, int error)
{
	if (!r->error)
		r->error = error;
	xmlStopParser(r->ctxt);
}

static long
line_of(struct reader *r)
{
	return r->ctxt && r->ctxt->input ? (long)r->ctxt->input->line : 0;
}

static int
arena_add(struct tm__batch *b, struct tm__str *s, const char *p, size_t len)
{
	int error;

	s->off = b->arena.len;
	s->len = len;
	s->set = true;
	if ((error = tm__buf_add(&b->arena, p, len)) < 0)
		return error;
	return tm__buf_addc(&b->arena, '\0');
}

static struct tm__unit *
cur_unit(struct reader *r)
{
	return &r->b->units[r->b->nunits];
}

/* Note the first reason a unit breaks the DTD; later ones add nothing. */
static void
unit_problem(struct reader *r, const char *fmt, ...) TM__PRINTF(2, 3);

static void
unit_problem(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	if (r->problem.len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (tm__buf_adds(&r->problem, msg) < 0)
		fail(r, TM_ENOMEM);
}

/* Report an invalid unit (or stray element) to the caller. */
static void
report_invalid(struct reader *r, long line, const char *reason)
{
	tm_import_issue issue;

	r->invalid++;
	if (r->opts->flags & TM_IMPORT_SKIP_INVALID)
		r->res->skipped++;
	if (r->opts->issue) {
		issue.file = r->file;
		issue.line = line;
		issue.reason = reason;
		issue.skipped = (r->opts->flags & TM_IMPORT_SKIP_INVALID) != 0;
		r->opts->issue(&issue, r->opts->payload);
	}
}

/* "prefix:local" for an element or attribute name from SAX2. */
static void
qname(char *out, size_t size, const xmlChar *prefix, const xmlChar *local)
{
	size_t n = 0, k;

	if (prefix) {
		k = strlen((const char *)prefix);
		if (k > size / 2)
			k = size / 2;
		memcpy(out, prefix, k);
		out[k] = ':';
		n = k + 1;
	}
	k = strlen((const char *)local);
	if (k > size - n - 1)
		k = size - n - 1;
	memcpy(out + n, local, k);
	out[n + k] = '\0';
}

/*
 * Sort the attributes of an element into columns (by `defs`) and the
 * rest, kept as a JSON array of [name, value] in `extra`.  The language
 * attribute (xml:lang, or lang in TMX 1.1) goes to *lang when lang is
 * not NULL.  Strings go to the arena of batch `b`.
 */
static int
take_attrs(struct tm__batch *b, const xmlChar **attrs, int nattrs,
    const struct tm__attr *defs, size_t ndefs, struct tm__str *cols,
    struct tm__str *extra, struct tm__str *lang, bool *lang11)
{
	json_t *ex = NULL;
	char name[256], *dump;
	int i, k, error = 0;

	bool has_xml_lang = false;

	for (i = 0; i < (int)ndefs; i++)
		cols[i].set = false;
	extra->set = false;
	/* xml:lang is the language; TMX 1.1's lang= only without it. */
	for (i = 0; lang && i < nattrs; i++)
		if (attrs[5 * i + 1] && strcmp((const char *)attrs[5 * i + 1],
		    "xml") == 0 && strcmp((const char *)attrs[5 * i],
		    "lang") == 0)
			has_xml_lang = true;
	for (i = 0; i < nattrs && !error; i++) {
		const xmlChar **a = attrs + 5 * i;
		const char *val = (const char *)a[3];
		size_t len = (size_t)(a[4] - a[3]);

		qname(name, sizeof(name), a[1], a[0]);
		if (lang && (strcmp(name, "xml:lang") == 0 ||
		    (strcmp(name, "lang") == 0 && !has_xml_lang))) {
			error = arena_add(b, lang, val, len);
			if (lang11)
				*lang11 = strcmp(name, "lang") == 0;
			continue;
		}
		if ((k = tm__attr_find(defs, ndefs, name)) >= 0 &&
		    !cols[k].set) {
			error = arena_add(b, &cols[k], val, len);
			continue;
		}
		error = tm__extra_add(&ex, name, val, len);
	}
	if (!error && ex) {
		if (!(dump = json_dumps(ex, JSON_COMPACT)))
			error = tm__error_nomem();
		else
			error = arena_add(b, extra, dump, strlen(dump));
		free(dump);
	}
	json_decref(ex);
	return error;
}

/*
 * Units
 * =====
 */

/*
 * tuv order for the duplicate key: language key, then segment bytes.
 * Each item carries its segment so that the comparison needs no context
 * (a static one would be shared by imports running on other threads).
 */
struct tuv_ref {
	struct tm__tuv *tuv;
	const char *seg;
};

static int
cmp_tuv(const void *pa, const void *pb)
{
	const struct tuv_ref *a = pa, *b = pb;
	size_t alen = a->tuv->seg.len, blen = b->tuv->seg.len;
	size_t n = alen < blen ? alen : blen;
	int c = strcmp(a->tuv->lang_key, b->tuv->lang_key);

	if (c)
		return c;
	if ((c = memcmp(a->seg, b->seg, n)) != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/*
 * The derived keys of a valid unit: its sorted language set, the hashes
 * of its canonical form (language key and segment of each variant,
 * sorted, NUL-separated) that find duplicates, and its date.
 */
static int
derive_keys(struct reader *r, struct tm__unit *u)
{
	struct tm__batch *b = r->b;
	struct tuv_ref sorted[64], *order = sorted;
	struct tm__buf *c = &r->scratch;
	int kc = tm__attr_find(tm__tu_attrs, tm__ntu_attrs, "changedate");
	int kd = tm__attr_find(tm__tu_attrs, tm__ntu_attrs, "creationdate");
	const char *date = NULL;
	size_t i;
	int error = 0;

	if (u->ntuv > TM__ARRAY_SIZE(sorted) &&
	    !(order = tm__malloc(sizeof(*order) * u->ntuv)))
		return tm__error_nomem();
	for (i = 0; i < u->ntuv; i++) {
		order[i].tuv = &b->tuvs[u->tuv0 + i];
		order[i].seg = b->arena.ptr + order[i].tuv->seg.off;
	}
	qsort(order, u->ntuv, sizeof(*order), cmp_tuv);

	tm__buf_reset(c);
	for (i = 0; i < u->ntuv && !error; i++) {
		if (i == 0 || strcmp(order[i].tuv->lang_key,
		    order[i - 1].tuv->lang_key) != 0) {
			if (c->len)
				error = tm__buf_addc(c, ' ');
			if (!error)
				error = tm__buf_adds(c, order[i].tuv->lang_key);
		}
	}
	if (!error)
		error = arena_add(b, &u->langs, tm__buf_str(c), c->len);
	tm__buf_reset(c);
	for (i = 0; i < u->ntuv && !error; i++) {
		if ((error = tm__buf_adds(c, order[i].tuv->lang_key)) < 0 ||
		    (error = tm__buf_addc(c, '\0')) < 0 ||
		    (error = tm__buf_add(c, tm__str_get(b, &order[i].tuv->seg),
		    order[i].tuv->seg.len)) < 0)
			break;
		error = tm__buf_addc(c, '\0');
	}
	if (!error) {
		u->hash = tm__hash(TM__HASH_INIT, c->ptr, c->len);
		u->hash2 = tm__hash(TM__HASH_INIT2, c->ptr, c->len);
	}

	u->mtime[0] = '\0';
	if (u->attr[kc].set)
		date = tm__str_get(b, &u->attr[kc]);
	else if (u->attr[kd].set)
		date = tm__str_get(b, &u->attr[kd]);
	if (date && tm__date_norm(u->mtime, date) < 0) {
		tm_error_clear();
		u->mtime[0] = '\0';
	}
	if (order != sorted)
		free(order);
	return error;
}

/* Drop the current unit from the batch. */
static void
discard_unit(struct reader *r)
{
	struct tm__unit *u = cur_unit(r);

	r->b->ntuvs = u->tuv0;
	r->b->nannots = u->annot0;
	r->b->arena.len = r->unit_mark;
	if (r->b->arena.ptr)
		r->b->arena.ptr[r->unit_mark] = '\0';
}

/* At </tu>: check the unit, then keep it or report it. */
static void
end_unit(struct reader *r)
{
	struct tm__unit *u = cur_unit(r);
	size_t i;
	int error = 0;

	r->res->units_read++;
	if (u->ntuv == 0)
		unit_problem(r, "<tu> has no <tuv>");
	for (i = 0; i < u->ntuv && !r->problem.len; i++) {
		struct tm__tuv *v = &r->b->tuvs[u->tuv0 + i];

		if (!v->lang.set) {
			unit_problem(r, "<tuv> at line %ld has no xml:lang",
			    v->line);
		} else if (tm_lang_key(v->lang_key, sizeof(v->lang_key),
		    tm__str_get(r->b, &v->lang)) < 0) {
			tm_error_clear();
			unit_problem(r, "<tuv> at line %ld has a malformed "
			    "language '%.40s'", v->line,
			    tm__str_get(r->b, &v->lang));
		} else if (v->nseg == 0) {
			unit_problem(r, "<tuv> at line %ld has no <seg>",
			    v->line);
		}
	}
	if (r->problem.len) {
		report_invalid(r, u->line, r->problem.ptr);
		discard_unit(r);
	} else if (r->invalid && !(r->opts->flags & TM_IMPORT_SKIP_INVALID)) {
		/* The import is doomed: only look for more problems. */
		discard_unit(r);
	} else if ((error = derive_keys(r, u)) < 0) {
		fail(r, error);
		return;
	} else {
		r->b->nunits++;
		if ((r->b->nunits >= TM__BATCH_UNITS ||
		    r->b->arena.len >= TM__BATCH_BYTES) &&
		    (error = tm__sink_put(r->sink, &r->b)) < 0) {
			fail(r, error);
			return;
		}
	}
	if (r->opts->progress && ++r->units_since_progress >= 4096) {
		r->units_since_progress = 0;
		r->opts->progress((uint64_t)gzoffset(r->gz), r->total,
		    r->opts->payload);
	}
}

static void
begin_unit(struct reader *r, const xmlChar **attrs, int nattrs)
{
	struct tm__batch *b = r->b;
	struct tm__unit *u;
	int error;

	r->body_started = true;
	tm__buf_reset(&r->problem);
	if ((error = tm__grow((void **)&b->units, &b->ucap, b->nunits,
	    sizeof(*b->units))) < 0) {
		fail(r, error);
		return;
	}
	u = cur_unit(r);
	memset(u, 0, sizeof(*u));
	u->line = line_of(r);
	u->tuv0 = b->ntuvs;
	u->annot0 = b->nannots;
	r->unit_mark = b->arena.len;
	if ((error = take_attrs(b, attrs, nattrs, tm__tu_attrs, tm__ntu_attrs,
	    u->attr, &u->extra, NULL, NULL)) < 0)
		fail(r, error);
}

static void
begin_tuv(struct reader *r, const xmlChar **attrs, int nattrs)
{
	struct tm__batch *b = r->b;
	struct tm__tuv *v;
	int error;

	if ((error = tm__grow((void **)&b->tuvs, &b->vcap, b->ntuvs,
	    sizeof(*b->tuvs))) < 0) {
		fail(r, error);
		return;
	}
	v = &b->tuvs[b->ntuvs++];
	cur_unit(r)->ntuv++;
	memset(v, 0, sizeof(*v));
	v->line = line_of(r);
	if ((error = take_attrs(b, attrs, nattrs, tm__tuv_attrs,
	    tm__ntuv_attrs, v->attr, &v->extra, &v->lang, &v->lang11)) < 0)
		fail(r, error);
}

/* At </seg>: keep the markup, the plain text and the key. */
static void
end_seg(struct reader *r)
{
	struct tm__batch *b = r->b;
	struct tm__tuv *v = &b->tuvs[b->ntuvs - 1];
	size_t keyoff;
	int error;

	if (v->nseg++ > 0) {
		unit_problem(r, "<tuv> at line %ld has more than one <seg>",
		    v->line);
		return;
	}
	/*
	 * Plain text equal in length to the markup is the markup itself
	 * (a tag or an escape only ever adds bytes): store it once.
	 */
	if ((error = arena_add(b, &v->seg, tm__buf_str(&r->seg),
	    r->seg.len)) < 0 || (r->text.len != r->seg.len &&
	    (error = arena_add(b, &v->text, tm__buf_str(&r->text),
	    r->text.len)) < 0))
		goto done;
	keyoff = b->arena.len;
	if ((error = tm__text_key(&b->arena, tm__buf_str(&r->text),
	    r->text.len, r->key_flags)) < 0)
		goto done;
	v->key.off = keyoff;
	v->key.len = b->arena.len - keyoff;
	v->key.set = true;
	/* Kept only where readers cannot make it from the text quickly. */
	if ((error = tm__key_to_store(&r->qkey, tm__buf_str(&r->text),
	    r->text.len, b->arena.ptr + keyoff, v->key.len)) == 0) {
		v->key.set = false;
		b->arena.len = keyoff;
		b->arena.ptr[keyoff] = '\0';
	} else if (error > 0) {
		error = tm__buf_addc(&b->arena, '\0');
	}
done:
	if (error)
		fail(r, error);
}

/*
 * Props and notes
 * ===============
 */

static void
begin_annot(struct reader *r, bool note, int tuv, const xmlChar **attrs,
    int nattrs)
{
	static const struct tm__attr defs[] = {
		{ "type", "type" }, { "o-encoding", "o_encoding" },
	};
	struct tm__str cols[2];
	struct tm__annot *a = &r->cur_annot;
	struct tm__batch *b = tuv == -2 ? &r->hb : r->b;
	int error;

	memset(a, 0, sizeof(*a));
	a->note = note;
	a->tuv = tuv < 0 ? -1 : tuv;
	if ((error = take_attrs(b, attrs, nattrs, defs, TM__ARRAY_SIZE(defs),
	    cols, &a->extra, &a->lang, NULL)) < 0) {
		fail(r, error);
		return;
	}
	a->type = cols[0];
	a->oenc = cols[1];
	tm__buf_reset(&r->tbuf);
	r->text_return = r->state;
	r->state = S_TEXT;
}

static void
end_annot(struct reader *r)
{
	struct tm__annot *a = &r->cur_annot;
	struct tm__batch *b;
	int error;

	r->state = r->text_return;
	b = r->state == S_HEADER ? &r->hb : r->b;
	if ((error = arena_add(b, &a->value, tm__buf_str(&r->tbuf),
	    r->tbuf.len)) < 0) {
		fail(r, error);
		return;
	}
	if (r->state == S_HEADER) {
		if ((error = tm__store_header_annot(r->db, r->import_id, b, a,
		    r->header_annots++)) < 0)
			fail(r, error);
		tm__batch_reset(b);
		return;
	}
	if ((error = tm__grow((void **)&b->annots, &b->acap, b->nannots,
	    sizeof(*b->annots))) < 0) {
		fail(r, error);
		return;
	}
	b->annots[b->nannots++] = *a;
	cur_unit(r)->nannot++;
}

/*
 * Header
 * ======
 */

static void
begin_header(struct reader *r, const xmlChar **attrs, int nattrs)
{
	struct tm__str cols[TM__MAX_ATTRS], extra;
	struct tm__buf sql = { 0 };
	tm__stmt *st = NULL;
	size_t i;
	int error;

	tm__batch_reset(&r->hb);
	if ((error = take_attrs(&r->hb, attrs, nattrs, tm__header_attrs,
	    tm__nheader_attrs, cols, &extra, NULL, NULL)) < 0)
		goto done;
	error = tm__buf_adds(&sql, "UPDATE import SET has_header = 1, extra = ?");
	for (i = 0; i < tm__nheader_attrs && !error; i++)
		error = tm__buf_printf(&sql, ", %s = ?", tm__header_attrs[i].col);
	if (!error)
		error = tm__buf_printf(&sql, " WHERE id = %lld",
		    (long long)r->import_id);
	if (error || (error = tm__prepare(r->db, &st, sql.ptr)) < 0)
		goto done;
	tm__bind_str(&r->hb, st, 1, &extra);
	for (i = 0; i < tm__nheader_attrs; i++)
		tm__bind_str(&r->hb, st, 2 + (int)i, &cols[i]);
	error = tm__step_done(r->db, st, "cannot store header");
done:
	tm__finalize(st);
	tm__buf_release(&sql);
	if (error)
		fail(r, error);
}

static void
begin_ude(struct reader *r, const xmlChar **attrs, int nattrs)
{
	static const struct tm__attr defs[] = {
		{ "name", "name" }, { "base", "base" },
	};
	struct tm__str cols[2], extra;
	tm__stmt *st = NULL;
	int error;

	tm__batch_reset(&r->hb);
	if ((error = take_attrs(&r->hb, attrs, nattrs, defs, 2, cols, &extra,
	    NULL, NULL)) < 0 ||
	    (error = tm__prepare(r->db, &st, "INSERT INTO ude (import_id, ord, "
	    "name, base, extra) VALUES (?, ?, ?, ?, ?)")) < 0)
		goto done;
	tm__bind_int64(st, 1, r->import_id);
	/* One sequence with the header's props and notes: order is kept. */
	tm__bind_int(st, 2, r->header_annots++);
	if (cols[0].set)
		tm__bind_str(&r->hb, st, 3, &cols[0]);
	else
		tm__bind_text(st, 3, "", 0);
	tm__bind_str(&r->hb, st, 4, &cols[1]);
	tm__bind_str(&r->hb, st, 5, &extra);
	if ((error = tm__step_done(r->db, st, "cannot store ude")) < 0)
		goto done;
	r->ude_id = r->db->store->last_insert_id(r->db);
	r->maps = 0;
done:
	tm__finalize(st);
	if (error)
		fail(r, error);
}

static void
begin_map(struct reader *r, const xmlChar **attrs, int nattrs)
{
	static const struct tm__attr defs[] = {
		{ "unicode", "unicode" }, { "code", "code" },
		{ "ent", "ent" }, { "subst", "subst" },
	};
	struct tm__str cols[4], extra;
	tm__stmt *st = NULL;
	int i, error;

	tm__batch_reset(&r->hb);
	if ((error = take_attrs(&r->hb, attrs, nattrs, defs, 4, cols, &extra,
	    NULL, NULL)) < 0 ||
	    (error = tm__prepare(r->db, &st, "INSERT INTO ude_map (ude_id, ord, "
	    "unicode, code, ent, subst, extra) VALUES (?, ?, ?, ?, ?, ?, ?)"))
	    < 0)
		goto done;
	tm__bind_int64(st, 1, r->ude_id);
	tm__bind_int(st, 2, r->maps++);
	for (i = 0; i < 4; i++)
		tm__bind_str(&r->hb, st, 3 + i, &cols[i]);
	tm__bind_str(&r->hb, st, 7, &extra);
	error = tm__step_done(r->db, st, "cannot store ude map");
done:
	tm__finalize(st);
	if (error)
		fail(r, error);
}

/*
 * Inline markup inside <seg>
 * ==========================
 */

static int
inline_kind(const xmlChar *prefix, const char *name)
{
	size_t i;

	if (prefix)
		return -1;
	for (i = 0; i < TM__ARRAY_SIZE(inline_names); i++)
		if (strcmp(name, inline_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
close_pending_tag(struct reader *r)
{
	if (r->tag_open) {
		r->tag_open = false;
		if (tm__buf_addc(&r->seg, '>') < 0)
			fail(r, TM_ENOMEM);
	}
}

static void
begin_inline(struct reader *r, const xmlChar *prefix, const char *name,
    const xmlChar **attrs, int nattrs)
{
	char qn[256];
	int kind = inline_kind(prefix, name), i, error = 0;
	char mark;

	qname(qn, sizeof(qn), prefix, (const xmlChar *)name);
	if (kind < 0) {
		unit_problem(r, "unknown element <%s> inside <seg> at line %ld",
		    qn, line_of(r));
	}
	close_pending_tag(r);
	if ((size_t)r->seg_depth >= sizeof(r->inline_stack)) {
		fail(r, tm__error(TM_EPARSE, "line %ld: inline markup nested "
		    "too deep", line_of(r)));
		return;
	}
	mark = kind < 0 ? 'u' : kind == 5 ? 'h' : kind == 6 ? 's' : 'c';
	r->inline_stack[r->seg_depth++] = mark;
	if (mark == 'c')
		r->code_depth++;
	else if (mark == 's')
		r->sub_depth++;
	if ((error = tm__buf_printf(&r->seg, "<%s", qn)) < 0)
		goto done;
	for (i = 0; i < nattrs && !error; i++) {
		const xmlChar **a = attrs + 5 * i;

		qname(qn, sizeof(qn), a[1], a[0]);
		if (!(error = tm__buf_printf(&r->seg, " %s=\"", qn)) &&
		    !(error = tm__buf_add_xml(&r->seg, (const char *)a[3],
		    (size_t)(a[4] - a[3]), true)))
			error = tm__buf_addc(&r->seg, '"');
	}
	r->tag_open = true;
done:
	if (error)
		fail(r, error);
}

static void
end_inline(struct reader *r, const xmlChar *prefix, const char *name)
{
	char qn[256], mark = r->inline_stack[--r->seg_depth];
	int error;

	if (mark == 'c')
		r->code_depth--;
	else if (mark == 's')
		r->sub_depth--;
	if (r->tag_open) {
		r->tag_open = false;
		error = tm__buf_adds(&r->seg, "/>");
	} else {
		qname(qn, sizeof(qn), prefix, (const xmlChar *)name);
		error = tm__buf_printf(&r->seg, "</%s>", qn);
	}
	if (error)
		fail(r, error);
}

static void
seg_text(struct reader *r, const char *s, size_t len)
{
	int error = 0;

	close_pending_tag(r);
	if (r->seg.len + len > MAX_TEXT) {
		fail(r, tm__error(TM_EPARSE, "line %ld: segment longer than "
		    "%u MiB", line_of(r), MAX_TEXT >> 20));
		return;
	}
	if ((error = tm__buf_add_xml(&r->seg, s, len, false)) < 0 ||
	    (r->code_depth == 0 && r->sub_depth == 0 &&
	    (error = tm__buf_add(&r->text, s, len)) < 0))
		fail(r, error);
}

/*
 * SAX callbacks
 * =============
 */

/* Keep the file's namespace declarations (first binding of a prefix). */
static void
note_namespaces(struct reader *r, int n, const xmlChar **ns)
{
	int i;
	size_t k;

	if (!r->namespaces && !(r->namespaces = json_array())) {
		fail(r, tm__error_nomem());
		return;
	}
	for (i = 0; i < n; i++) {
		const char *prefix = ns[2 * i] ? (const char *)ns[2 * i] : "";
		const char *uri = ns[2 * i + 1] ? (const char *)ns[2 * i + 1] :
		    "";
		bool seen = false;

		for (k = 0; k < json_array_size(r->namespaces); k++)
			seen |= strcmp(json_string_value(json_array_get(
			    json_array_get(r->namespaces, k), 0)), prefix) == 0;
		if (!seen && json_array_append_new(r->namespaces,
		    json_pack("[ss]", prefix, uri)) < 0)
			fail(r, tm__error_nomem());
	}
}

static void
skip_element(struct reader *r)
{
	r->skip_return = r->state;
	r->skip_depth = 1;
	r->state = S_SKIP;
}

/* The versions of TMX this reader understands (a missing one: 1.4). */
static bool
known_version(const char *v)
{
	static const char *const known[] = { "1.1", "1.2", "1.3", "1.4",
	    "1.4a", "1.4b" };
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(known); i++)
		if (strcmp(v, known[i]) == 0)
			return true;
	return false;
}

static void
on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *URI, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attrs)
{
	struct reader *r = ctx;
	const char *name = (const char *)localname;
	int nattrs = nb_attributes;

	(void)nb_defaulted;
	if (r->error)
		return;
	if (nb_namespaces > 0)
		note_namespaces(r, nb_namespaces, namespaces);
	if (prefix && r->state != S_SEG && r->state != S_SKIP) {
		/* A namespaced element is an extension we do not know. */
		if (r->state == S_TU || r->state == S_TUV) {
			char qn[256];

			qname(qn, sizeof(qn), prefix, localname);
			unit_problem(r, "unknown element <%s> inside <%s> at "
			    "line %ld", qn, r->state == S_TU ? "tu" : "tuv",
			    line_of(r));
		}
		skip_element(r);
		return;
	}
	switch (r->state) {
	case S_TOP:
		if (strcmp(name, "tmx") != 0) {
			fail(r, tm__error(TM_EPARSE, "line %ld: root element "
			    "is <%s>, not <tmx>: not a TMX file",
			    line_of(r), name));
			return;
		}
		r->seen_tmx = true;
		/*
		 * TMX 1.x has no namespace (some writers put it in LISA's,
		 * http://www.lisa.org/tmx14, which is read as 1.4); TMX 2.0
		 * (ISO 30042:2019) has one of its own and another structure:
		 * reading it as 1.4 would lose all of it without a word.
		 */
		if (URI && strncmp((const char *)URI, "http://www.lisa.org/tmx",
		    23) != 0) {
			fail(r, tm__error(TM_EPARSE, "line %ld: <tmx> is in the "
			    "namespace '%s': tm reads TMX 1.1 to 1.4b, whose "
			    "elements have no namespace (or LISA's)", line_of(r),
			    (const char *)URI));
			return;
		}
		for (int i = 0; i < nattrs; i++)
			if (!attrs[5 * i + 1] && strcmp((const char *)
			    attrs[5 * i], "version") == 0) {
				free(r->tmx_version);
				r->tmx_version = tm__strndup(
				    (const char *)attrs[5 * i + 3],
				    (size_t)(attrs[5 * i + 4] -
				    attrs[5 * i + 3]));
			}
		if (r->tmx_version && !known_version(r->tmx_version)) {
			fail(r, tm__error(TM_EPARSE, "line %ld: TMX version "
			    "'%.20s' is not one tm reads (1.1, 1.2, 1.3, 1.4, "
			    "1.4a, 1.4b)", line_of(r), r->tmx_version));
			return;
		}
		r->state = S_TMX;
		break;
	case S_TMX:
		if (strcmp(name, "header") == 0 && !r->body_started) {
			/* (A header after the body would be TMX broken
			 * beyond use; it is ignored.) */
			r->state = S_HEADER;
			begin_header(r, attrs, nattrs);
		} else if (strcmp(name, "body") == 0) {
			r->state = S_BODY;
		} else {
			skip_element(r);
		}
		break;
	case S_HEADER:
		if (strcmp(name, "prop") == 0 || strcmp(name, "note") == 0) {
			tm__batch_reset(&r->hb);
			begin_annot(r, name[0] == 'n', -2, attrs, nattrs);
		} else if (strcmp(name, "ude") == 0) {
			r->state = S_UDE;
			begin_ude(r, attrs, nattrs);
		} else {
			skip_element(r);
		}
		break;
	case S_UDE:
		if (strcmp(name, "map") == 0)
			begin_map(r, attrs, nattrs);
		skip_element(r);
		break;
	case S_BODY:
		if (strcmp(name, "tu") == 0) {
			r->state = S_TU;
			begin_unit(r, attrs, nattrs);
		} else {
			char reason[300];

			snprintf(reason, sizeof(reason), "unexpected <%s> "
			    "inside <body>", name);
			report_invalid(r, line_of(r), reason);
			skip_element(r);
		}
		break;
	case S_TU:
		if (strcmp(name, "tuv") == 0) {
			r->state = S_TUV;
			begin_tuv(r, attrs, nattrs);
		} else if (strcmp(name, "prop") == 0 ||
		    strcmp(name, "note") == 0) {
			begin_annot(r, name[0] == 'n', -1, attrs, nattrs);
		} else {
			unit_problem(r, "unknown element <%s> inside <tu> at "
			    "line %ld", name, line_of(r));
			skip_element(r);
		}
		break;
	case S_TUV:
		if (strcmp(name, "seg") == 0) {
			r->state = S_SEG;
			r->seg_depth = r->code_depth = r->sub_depth = 0;
			r->tag_open = false;
			tm__buf_reset(&r->seg);
			tm__buf_reset(&r->text);
		} else if (strcmp(name, "prop") == 0 ||
		    strcmp(name, "note") == 0) {
			begin_annot(r, name[0] == 'n',
			    (int)cur_unit(r)->ntuv - 1,
			    attrs, nattrs);
		} else {
			unit_problem(r, "unknown element <%s> inside <tuv> at "
			    "line %ld", name, line_of(r));
			skip_element(r);
		}
		break;
	case S_SEG:
		begin_inline(r, prefix, name, attrs, nattrs);
		break;
	case S_TEXT:
		/* Markup inside prop or note: the DTD allows text only. */
		if (r->text_return == S_TU || r->text_return == S_TUV)
			unit_problem(r, "element <%s> inside <%s> at line %ld",
			    name, r->cur_annot.note ? "note" : "prop",
			    line_of(r));
		skip_element(r);
		break;
	case S_SKIP:
		r->skip_depth++;
		break;
	case S_DONE:
		break;
	}
}

static void
on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *URI)
{
	struct reader *r = ctx;

	(void)URI;
	if (r->error)
		return;
	switch (r->state) {
	case S_SKIP:
		if (--r->skip_depth == 0)
			r->state = r->skip_return;
		break;
	case S_SEG:
		if (r->seg_depth > 0) {
			end_inline(r, prefix, (const char *)localname);
			break;
		}
		end_seg(r);
		r->state = S_TUV;
		break;
	case S_TEXT:
		end_annot(r);
		break;
	case S_TUV:
		r->state = S_TU;
		break;
	case S_TU:
		end_unit(r);
		r->state = S_BODY;
		break;
	case S_UDE:
		r->state = S_HEADER;
		break;
	case S_HEADER:
	case S_BODY:
		r->state = S_TMX;
		break;
	case S_TMX:
		r->state = S_DONE;
		break;
	default:
		break;
	}
}

static void
on_text(void *ctx, const xmlChar *ch, int len)
{
	struct reader *r = ctx;

	if (r->error)
		return;
	if (r->state == S_SEG) {
		seg_text(r, (const char *)ch, (size_t)len);
	} else if (r->state == S_TEXT) {
		if (r->tbuf.len + (size_t)len > MAX_TEXT)
			fail(r, tm__error(TM_EPARSE, "line %ld: prop or note "
			    "longer than %u MiB", line_of(r), MAX_TEXT >> 20));
		else if (tm__buf_add(&r->tbuf, ch, (size_t)len) < 0)
			fail(r, TM_ENOMEM);
	}
}

/* Refuse every external entity, general or parameter. */
static xmlEntityPtr
refuse_external(struct reader *r, xmlEntityPtr ent)
{
	if (!ent)
		return NULL;
	switch (ent->etype) {
	case XML_EXTERNAL_GENERAL_PARSED_ENTITY:
	case XML_EXTERNAL_GENERAL_UNPARSED_ENTITY:
	case XML_EXTERNAL_PARAMETER_ENTITY:
		fail(r, tm__error(TM_EPARSE, "line %ld: external entity '%s' "
		    "refused: tm never reads files or URLs named in a TMX "
		    "file", line_of(r), (const char *)ent->name));
		return NULL;
	default:
		return ent;
	}
}

static xmlEntityPtr
on_get_entity(void *ctx, const xmlChar *name)
{
	struct reader *r = ctx;

	return refuse_external(r, xmlSAX2GetEntity(r->ctxt, name));
}

static xmlEntityPtr
on_get_pe(void *ctx, const xmlChar *name)
{
	struct reader *r = ctx;

	return refuse_external(r, xmlSAX2GetParameterEntity(r->ctxt, name));
}

/*
 * The SAX2 default handlers want the parser context as their context.
 * The document they make holds only the internal subset (entity
 * declarations); elements never reach it.
 */
static void
on_start_document(void *ctx)
{
	xmlSAX2StartDocument(((struct reader *)ctx)->ctxt);
}

static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	xmlSAX2InternalSubset(((struct reader *)ctx)->ctxt, name, eid, sid);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	xmlSAX2EntityDecl(((struct reader *)ctx)->ctxt, name, type, publicId,
	    systemId, content);
}

/* Never load the external DTD subset. */
static void
on_external_subset(void *ctx, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	(void)ctx; (void)name; (void)eid; (void)sid;
}

static xmlParserInputPtr
on_resolve(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
	struct reader *r = ctx;

	(void)publicId;
	fail(r, tm__error(TM_EPARSE, "line %ld: refused to load '%s': tm "
	    "never reads files or URLs named in a TMX file", line_of(r),
	    systemId ? (const char *)systemId : "?"));
	return NULL;
}

static void
on_error(void *ctx, xmlErrorPtr err)
{
	struct reader *r = ctx;
	char msg[512];
	size_t i, n;

	if (!err || err->level < XML_ERR_ERROR || r->error)
		return;
	/* Undeclared prefixes and the like break namespaces, not XML. */
	if (err->domain == XML_FROM_NAMESPACE)
		return;
	if (err->code == XML_ERR_ENTITY_LOOP) {
		/* libxml2's amplification guard: a "billion laughs" file. */
		r->error = tm__error(TM_EPARSE, "line %ld: entity expansion "
		    "refused: entities that expand into each other without "
		    "end (a \"billion laughs\" file)", line_of(r));
		xmlStopParser(r->ctxt);
		return;
	}
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message :
	    "parse error");
	/* One line: libxml2 may add a second with the bytes in question. */
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n' && msg[i + 1])
			msg[i] = ' ';
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libxml2 capitalises; our messages do not. */
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] + 32);
	r->error = tm__error(TM_EPARSE, "line %d, column %d: %s", err->line,
	    err->int2, msg);
	xmlStopParser(r->ctxt);
}

static int
on_read(void *ctx, char *buf, int len)
{
	struct reader *r = ctx;
	int n = gzread(r->gz, buf, (unsigned)len);

	if (n < 0) {
		int zerr;
		const char *msg = gzerror(r->gz, &zerr);

		if (!r->error)
			r->error = tm__error(zerr == Z_ERRNO ? TM_EIO :
			    TM_EPARSE, "read error: %s", zerr == Z_ERRNO ?
			    tm__strerror(errno) : msg);
		return -1;
	}
	return n;
}

static int
on_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/*
 * The import
 * ==========
 */

static int
begin_import(struct reader *r)
{
	tm__stmt *st = NULL;
	char now[21];
	int error;

	tm__now_iso(now);
	if ((error = tm__next_import_id(r->db, &r->import_id)) < 0 ||
	    (error = tm__prepare(r->db, &st, "INSERT INTO import (id, file, "
	    "date) VALUES (?, ?, ?)")) < 0)
		return error;
	tm__bind_int64(st, 1, r->import_id);
	tm__bind_text(st, 2, r->file, -1);
	tm__bind_text(st, 3, now, -1);
	error = tm__step_done(r->db, st, "cannot record import");
	tm__finalize(st);
	if (!error)
		error = tm__sink_open(&r->sink, r->db, r->import_id,
		    r->opts->duplicates, r->pb);
	return error;
}

static int
finish_import(struct reader *r)
{
	tm__stmt *st = NULL;
	int error;

	char *ns = NULL;

	if (r->namespaces && !(ns = json_dumps(r->namespaces, JSON_COMPACT)))
		return tm__error_nomem();
	if ((error = tm__prepare(r->db, &st, "UPDATE import SET units_read = ?,"
	    " imported = ?, duplicates = ?, updated = ?, skipped = ?, "
	    "seconds = ?, tmx_version = ?, namespaces = ? WHERE id = ?")) < 0) {
		free(ns);
		return error;
	}
	tm__bind_int64(st, 1, (int64_t)r->res->units_read);
	tm__bind_int64(st, 2, (int64_t)r->res->imported);
	tm__bind_int64(st, 3, (int64_t)r->res->duplicates);
	tm__bind_int64(st, 4, (int64_t)r->res->updated);
	tm__bind_int64(st, 5, (int64_t)r->res->skipped);
	tm__bind_double(st, 6, r->res->seconds);
	tm__bind_text(st, 7, r->tmx_version, -1);
	tm__bind_text(st, 8, ns, -1);
	tm__bind_int64(st, 9, r->import_id);
	error = tm__step_done(r->db, st, "cannot record import");
	tm__finalize(st);
	free(ns);
	return error;
}

static int
open_input(struct reader *r, const char *path, int from_fd)
{
	struct stat st;
	int fd;

	if (from_fd >= 0) {
		if ((fd = dup(from_fd)) < 0)
			return tm__error(TM_EIO, "cannot read: %s",
			    tm__strerror(errno));
	} else if (strcmp(path, "-") == 0) {
		if ((fd = dup(0)) < 0)
			return tm__error(TM_EIO, "cannot read standard input: "
			    "%s", tm__strerror(errno));
	} else if ((fd = open(path, O_RDONLY)) < 0) {
		return tm__error(errno == ENOENT ? TM_ENOTFOUND : TM_EIO,
		    "cannot open: %s", tm__strerror(errno));
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return tm__error(TM_EIO, "cannot read: it is a "
			    "directory");
		}
		if (S_ISREG(st.st_mode))
			r->total = (uint64_t)st.st_size;
		if (S_ISREG(st.st_mode) && st.st_size == 0) {
			close(fd);
			return tm__error(TM_EPARSE, "line 1, column 1: the "
			    "file is empty");
		}
	}
	if (!(r->gz = gzdopen(fd, "rb"))) {
		close(fd);
		return tm__error_nomem();
	}
	gzbuffer(r->gz, 1 << 17);
	return 0;
}

int
tm__tmx_read(tm_import_result *out, uint64_t *total, tm_db *db,
    const char *path, int fd, const tm_import_options *opts,
    struct tm__prebuild *pb)
{
	struct reader r;
	tm_import_result res;
	xmlSAXHandler sax;
	struct timespec t0;
	struct tm__xml_errors quiet = { 0 };
	bool in_tx = false;
	int error = 0;

	memset(&res, 0, sizeof(res));
	memset(&r, 0, sizeof(r));
	*total = 0;
	if ((error = tm__key_flags(db, &r.key_flags)) < 0)
		return error;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r.db = db;
	r.file = opts->name ? opts->name : path;
	r.opts = opts;
	r.res = &res;
	r.pb = pb;

	xmlInitParser();
	tm__xml_quiet(&quiet);
	if ((error = open_input(&r, path, fd)) < 0)
		goto done;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.startDocument = on_start_document;
	sax.getEntity = on_get_entity;
	sax.getParameterEntity = on_get_pe;
	sax.internalSubset = on_internal_subset;
	sax.externalSubset = on_external_subset;
	sax.entityDecl = on_entity_decl;
	sax.resolveEntity = on_resolve;
	sax.serror = on_error;
	r.ctxt = xmlCreateIOParserCtxt(&sax, &r, on_read, on_close, &r,
	    XML_CHAR_ENCODING_NONE);
	if (!r.ctxt) {
		error = r.error ? r.error : tm__error_nomem();
		goto done;
	}
	xmlCtxtUseOptions(r.ctxt, XML_PARSE_NONET | XML_PARSE_NOENT |
	    XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	/* Keep our handlers: xmlCtxtUseOptions may not, but be sure. */
	r.ctxt->sax->externalSubset = on_external_subset;
	r.ctxt->loadsubset = 0;
	r.ctxt->validate = 0;
	if ((error = tm__begin_write(db)) < 0)
		goto done;
	in_tx = true;
	/* Not into a new file beside the memory: no stray one is left. */
	if (!db->side)
		tm__side_clean(db);
	if (!(r.b = tm__calloc(1, sizeof(*r.b)))) {
		error = tm__error_nomem();
		goto done;
	}
	if ((error = begin_import(&r)) < 0)
		goto done;

	xmlParseDocument(r.ctxt);
	/* The last units, then wait for the writer. */
	if (!r.error && r.b->nunits && (error = tm__sink_put(r.sink, &r.b)) < 0)
		r.error = error;
	error = tm__sink_close(r.sink, &res, r.error != 0);
	r.sink = NULL;
	if (error && !r.error)
		r.error = error;
	error = 0;

	if (r.error) {
		error = r.error;
	} else if (!r.ctxt->wellFormed) {
		error = tm__error(TM_EPARSE, "not well-formed XML");
	} else if (!r.seen_tmx) {
		error = tm__error(TM_EPARSE, "no <tmx> element: not a TMX file");
	} else if (r.invalid && !(opts->flags & TM_IMPORT_SKIP_INVALID)) {
		error = tm__error(TM_EPARSE, "%llu unit%s break%s the TMX DTD; "
		    "nothing imported (--skip-invalid imports the rest)",
		    (unsigned long long)r.invalid, r.invalid == 1 ? "" : "s",
		    r.invalid == 1 ? "s" : "");
	}
	if (error)
		goto done;
	res.seconds = tm__elapsed(&t0);
	if ((error = finish_import(&r)) < 0)
		goto done;
	if ((error = tm__exec(db, "COMMIT")) < 0)
		goto done;
	in_tx = false;
	res.import_id = r.import_id;
	*total = r.total;
done:
	tm__sink_close(r.sink, NULL, true);
	if (in_tx)
		tm__exec_quiet(db, "ROLLBACK");
	if (r.ctxt) {
		if (r.ctxt->myDoc)
			xmlFreeDoc(r.ctxt->myDoc);
		xmlFreeParserCtxt(r.ctxt);
	}
	if (r.gz)
		gzclose(r.gz);
	tm__buf_release(&r.seg);
	tm__buf_release(&r.text);
	tm__buf_release(&r.tbuf);
	tm__buf_release(&r.qkey);
	tm__buf_release(&r.problem);
	tm__buf_release(&r.scratch);
	tm__batch_free(r.b);
	tm__buf_release(&r.hb.arena);
	free(r.hb.units);
	free(r.hb.tuvs);
	free(r.hb.annots);
	free(r.tmx_version);
	json_decref(r.namespaces);
	tm__xml_loud(&quiet);
	res.seconds = tm__elapsed(&t0);
	if (error) {
		res.import_id = 0;
		if (error != TM_ENOMEM)
			tm__error_prefix("'%s'", fd >= 0 ? r.file : path);
	}
	if (out)
		*out = res;
	return error;
}
