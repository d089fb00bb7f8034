/*
 * xliff-read.c: XLIFF 1.2 in, for `tm check` and `tm import-xliff`.
 *
 * The file is read whole into a tree (libxml2, hardened as glossary.c's
 * tm__xml_read_doc: no network, no DTD, no entities): bulletins are
 * small.  Each <trans-unit>, also inside <group>, becomes a unit with
 * its source and target twice: as text with the inline elements written
 * back as XML (<g id="1">..</g>, <x id="2"/>: what the tag check
 * compares) and as plain text (what the memory stores: the text of <g>
 * and <mrk> kept, the native code inside <ph>, <bpt>, <ept>, <it> and
 * the empty <x>, <bx>, <ex> dropped).
 *
 * A target with inline elements is also kept as TMX 1.4b <seg> content
 * (tmx_seg), so that the memory stores its codes: <g> as a <bpt>/<ept>
 * pair (i= a counter, x= the id, type= the ctype), <x/> as <ph>, <bx/>
 * and <ex/> as <it>; `text` and `key` stay the plain text.
 *
 * Reviewed units go into the memory (tm_xliff_import): a unit whose
 * source and context (props x-context-pre/x-context-post) are stored
 * already has its translation replaced, the old one kept in tu_history;
 * any other becomes a new unit.
 */
#include "tm-int.h"
#include "index.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

struct tm_xliff {
	tm_xliff_unit *units;
	size_t n, cap;
	const char **tsegs;	/* per unit: its target as TMX, or NULL */
	size_t tcap;
	char **strs;
	size_t nstrs, scap;
};

static int
keep(tm_xliff *x, const char **dst, char *s)
{
	*dst = s;
	if (!s)
		return 0;
	if (x->nstrs == x->scap && tm__grow((void **)&x->strs, &x->scap,
	    x->nstrs, sizeof(*x->strs)) < 0) {
		free(s);
		*dst = NULL;
		return tm__error_nomem();
	}
	x->strs[x->nstrs++] = s;
	return 0;
}

static int
keep_attr(tm_xliff *x, const char **dst, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	*dst = NULL;
	if (!v)
		return 0;
	s = tm__strdup((const char *)v);
	xmlFree(v);
	if (!s)
		return tm__error_nomem();
	return keep(x, dst, s);
}

static bool
is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The content of a <source> or <target>: markup kept, and plain. */
static int
inline_text(struct tm__buf *tagged, struct tm__buf *plain, xmlNode *n)
{
	xmlNode *c;
	int error = 0;

	for (c = n->children; c && !error; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)c->content;

			if (!t)
				continue;
			error = tm__buf_adds(tagged, t);
			if (!error)
				error = tm__buf_adds(plain, t);
		} else if (c->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)c->name;
			xmlChar *id = xmlGetProp(c, (const xmlChar *)"id");
			bool paired = strcmp(name, "g") == 0;
			bool mrk = strcmp(name, "mrk") == 0;

			if (mrk) {
				error = inline_text(tagged, plain, c);
			} else {
				error = tm__buf_printf(tagged, "<%s", name);
				if (!error && id) {
					error = tm__buf_adds(tagged, " id=\"");
					if (!error)
						error = tm__buf_add_xml(tagged,
						    (const char *)id,
						    strlen((const char *)id),
						    true);
					if (!error)
						error = tm__buf_addc(tagged,
						    '"');
				}
				if (!error)
					error = tm__buf_adds(tagged, paired ?
					    ">" : "/>");
				if (!error && paired)
					error = inline_text(tagged, plain, c);
				if (!error && paired)
					error = tm__buf_printf(tagged, "</%s>",
					    name);
			}
			xmlFree(id);
		}
	}
	if (!error && !tagged->ptr)
		error = tm__buf_adds(tagged, "");
	if (!error && !plain->ptr)
		error = tm__buf_adds(plain, "");
	return error;
}

/* An attribute as TMX wants it: escaped, after ` name="`. */
static int
tmx_attr(struct tm__buf *b, const char *name, xmlNode *n, const char *from)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)from);
	int error = 0;

	if (v && (error = tm__buf_printf(b, " %s=\"", name)) == 0 &&
	    (error = tm__buf_add_xml(b, (const char *)v,
	    strlen((const char *)v), true)) == 0)
		error = tm__buf_addc(b, '"');
	xmlFree(v);
	return error;
}

/*
 * The content of an XLIFF <target> as TMX 1.4b <seg> content; *codes
 * counts the inline codes met.  XLIFF's <ph>, <bpt>, <ept>, <it> keep
 * their native code as TMX's <ph> and <it> content.
 */
static int
tmx_seg(struct tm__buf *b, xmlNode *n, unsigned *pair, size_t *codes,
    int depth)
{
	xmlNode *c;
	int error = 0;

	if (depth > 64)
		return tm__error(TM_EPARSE, "line %ld: inline elements nested "
		    "too deep", (long)xmlGetLineNo(n));
	for (c = n->children; c && !error; c = c->next) {
		const char *name = (const char *)c->name;

		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)c->content;

			if (t)
				error = tm__buf_add_xml(b, t, strlen(t), false);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name, "mrk") == 0) {
			error = tmx_seg(b, c, pair, codes, depth + 1);
			continue;
		}
		(*codes)++;
		if (strcmp(name, "g") == 0) {
			unsigned i = ++*pair;

			if ((error = tm__buf_printf(b, "<bpt i=\"%u\"",
			    i)) < 0 ||
			    (error = tmx_attr(b, "x", c, "id")) < 0 ||
			    (error = tmx_attr(b, "type", c, "ctype")) < 0 ||
			    (error = tm__buf_adds(b, "/>")) < 0 ||
			    (error = tmx_seg(b, c, pair, codes, depth + 1)) < 0)
				break;
			error = tm__buf_printf(b, "<ept i=\"%u\"/>", i);
			continue;
		}
		if (strcmp(name, "x") == 0 || strcmp(name, "ph") == 0)
			error = tm__buf_adds(b, "<ph");
		else if (strcmp(name, "bx") == 0 || strcmp(name, "bpt") == 0 ||
		    (strcmp(name, "it") == 0 && !xmlHasProp(c,
		    (const xmlChar *)"pos")))
			error = tm__buf_adds(b, "<it pos=\"begin\"");
		else if (strcmp(name, "it") == 0) {
			xmlChar *pos = xmlGetProp(c, (const xmlChar *)"pos");

			error = tm__buf_printf(b, "<it pos=\"%s\"", pos &&
			    strcmp((const char *)pos, "close") == 0 ? "end" :
			    "begin");
			xmlFree(pos);
		} else
			error = tm__buf_adds(b, "<it pos=\"end\"");
		if (!error)
			error = tmx_attr(b, "x", c, "id");
		if (!error)
			error = tmx_attr(b, "type", c, "ctype");
		if (!error) {
			xmlChar *native = xmlNodeGetContent(c);

			error = tm__buf_adds(b, ">");
			if (!error && native)
				error = tm__buf_add_xml(b, (const char *)native,
				    strlen((const char *)native), false);
			xmlFree(native);
		}
		if (!error)
			error = tm__buf_printf(b, "</%s>", strcmp(name, "x") &&
			    strcmp(name, "ph") ? "it" : "ph");
	}
	return error;
}

struct file_ctx {
	const char *src_lang, *tgt_lang, *original;
	xmlNode *header;
};

/* <phase phase-name="NAME" contact-name=".." date=".."/> of the file. */
static xmlNode *
find_phase(xmlNode *header, const char *name)
{
	xmlNode *g, *p;

	for (g = header ? header->children : NULL; g; g = g->next) {
		if (!is(g, "phase-group"))
			continue;
		for (p = g->children; p; p = p->next) {
			xmlChar *v;
			bool match;

			if (!is(p, "phase"))
				continue;
			v = xmlGetProp(p, (const xmlChar *)"phase-name");
			match = v && strcmp((const char *)v, name) == 0;
			xmlFree(v);
			if (match)
				return p;
		}
	}
	return NULL;
}

/* Keep the target's TMX form when it has inline codes. */
static int
target_tmx(tm_xliff *x, xmlNode *target)
{
	struct tm__buf b = { 0 };
	unsigned pair = 0;
	size_t codes = 0;
	int error;

	if ((error = tmx_seg(&b, target, &pair, &codes, 0)) < 0 ||
	    !codes || (error = tm__buf_adds(&b, "")) < 0) {
		tm__buf_release(&b);
		return error == TM_ENOMEM ? tm__error_nomem() : error;
	}
	return keep(x, &x->tsegs[x->n], tm__buf_detach(&b));
}

static int
read_unit(tm_xliff *x, const struct file_ctx *f, xmlNode *n)
{
	tm_xliff_unit *u;
	struct tm__buf a = { 0 }, b = { 0 };
	xmlNode *c;
	int error = 0;
	bool have_source = false;

	if (x->n == x->cap && tm__grow((void **)&x->units, &x->cap, x->n,
	    sizeof(*x->units)) < 0)
		return tm__error_nomem();
	if (x->n == x->tcap && tm__grow((void **)&x->tsegs, &x->tcap, x->n,
	    sizeof(*x->tsegs)) < 0)
		return tm__error_nomem();
	x->tsegs[x->n] = NULL;
	u = &x->units[x->n];
	memset(u, 0, sizeof(*u));
	u->line = xmlGetLineNo(n);
	u->source_lang = f->src_lang;
	u->target_lang = f->tgt_lang;
	u->file = f->original;
	if ((error = keep_attr(x, &u->id, n, "id")) < 0)
		return error;
	if (!u->id)
		return tm__error(TM_EPARSE, "line %ld: <trans-unit> without "
		    "an id", u->line);
	for (c = n->children; c && !error; c = c->next) {
		bool src = is(c, "source"), tgt = is(c, "target");

		if (src || tgt) {
			if ((src && have_source) || (tgt && u->target_text))
				return tm__error(TM_EPARSE, "line %ld: a second "
				    "<%s> in trans-unit '%s'",
				    (long)xmlGetLineNo(c), c->name, u->id);
			tm__buf_reset(&a);
			tm__buf_reset(&b);
			if ((error = inline_text(&a, &b, c)) < 0)
				break;
			if (src) {
				have_source = true;
				if ((error = keep(x, &u->source,
				    tm__buf_detach(&a))) < 0 ||
				    (error = keep(x, &u->source_text,
				    tm__buf_detach(&b))) < 0)
					break;
			} else {
				if ((error = keep(x, &u->target,
				    tm__buf_detach(&a))) < 0 ||
				    (error = keep(x, &u->target_text,
				    tm__buf_detach(&b))) < 0 ||
				    (error = keep_attr(x, &u->state, c,
				    "state")) < 0)
					break;
				u->target_line = xmlGetLineNo(c);
				error = target_tmx(x, c);
			}
		} else if (is(c, "context-group")) {
			xmlNode *k;

			for (k = c->children; k && !error; k = k->next) {
				xmlChar *type;
				const char **dst = NULL;

				if (!is(k, "context"))
					continue;
				type = xmlGetProp(k, (const xmlChar *)
				    "context-type");
				if (type && strcmp((char *)type,
				    "x-context-pre") == 0)
					dst = &u->context_pre;
				else if (type && strcmp((char *)type,
				    "x-context-post") == 0)
					dst = &u->context_post;
				xmlFree(type);
				if (dst && !*dst) {
					xmlChar *v = xmlNodeGetContent(k);
					char *s = tm__strdup(v ? (char *)v : "");

					xmlFree(v);
					error = s ? keep(x, dst, s) :
					    tm__error_nomem();
				}
			}
		}
	}
	tm__buf_release(&a);
	tm__buf_release(&b);
	if (error)
		return error;
	if (!have_source)
		return tm__error(TM_EPARSE, "line %ld: trans-unit '%s' has no "
		    "<source>", u->line, u->id);
	{
		xmlChar *ph = xmlGetProp(n, (const xmlChar *)"phase-name");
		xmlNode *p = ph ? find_phase(f->header, (char *)ph) : NULL;

		xmlFree(ph);
		if (p && ((error = keep_attr(x, &u->reviewer, p,
		    "contact-name")) < 0 || (error = keep_attr(x, &u->date, p,
		    "date")) < 0))
			return error;
	}
	x->n++;
	return 0;
}

static int
walk(tm_xliff *x, const struct file_ctx *f, xmlNode *n)
{
	xmlNode *c;
	int error = 0;

	for (c = n->children; c && !error; c = c->next) {
		if (is(c, "trans-unit"))
			error = read_unit(x, f, c);
		else if (is(c, "group") || is(c, "body"))
			error = walk(x, f, c);
	}
	return error;
}

int
tm_xliff_read(tm_xliff **out, const char *path)
{
	tm_xliff *x = NULL;
	xmlDoc *doc = NULL;
	xmlNode *root, *c, *h;
	xmlChar *version = NULL;
	int error = 0;
	size_t nfiles = 0;

	if (out)
		*out = NULL;
	if (!out || !path)
		return tm__error(TM_EINVAL, "xliff: no file");
	if ((error = tm__xml_read_doc(&doc, path)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "xliff")) {
		error = tm__error(TM_EPARSE, "line %ld: <%s> is not <xliff>: "
		    "not an XLIFF file", root ? (long)xmlGetLineNo(root) : 1L,
		    root ? (const char *)root->name : "");
		goto done;
	}
	version = xmlGetProp(root, (const xmlChar *)"version");
	if (!version || strncmp((char *)version, "1.", 2) != 0) {
		error = tm__error(TM_EPARSE, "line %ld: XLIFF version '%s': tm "
		    "reads XLIFF 1.2 (and 1.1, 1.0)", (long)xmlGetLineNo(root),
		    version ? (char *)version : "");
		goto done;
	}
	if (!(x = tm__calloc(1, sizeof(*x)))) {
		error = tm__error_nomem();
		goto done;
	}
	for (c = root->children; c && !error; c = c->next) {
		struct file_ctx f = { 0 };

		if (!is(c, "file"))
			continue;
		nfiles++;
		if ((error = keep_attr(x, &f.src_lang, c,
		    "source-language")) < 0 ||
		    (error = keep_attr(x, &f.tgt_lang, c,
		    "target-language")) < 0 ||
		    (error = keep_attr(x, &f.original, c, "original")) < 0)
			break;
		if (!f.src_lang) {
			error = tm__error(TM_EPARSE, "line %ld: <file> without "
			    "source-language", (long)xmlGetLineNo(c));
			break;
		}
		for (h = c->children; h; h = h->next)
			if (is(h, "header"))
				f.header = h;
		error = walk(x, &f, c);
	}
	if (!error && nfiles == 0)
		error = tm__error(TM_EPARSE, "line %ld: no <file> in <xliff>",
		    (long)xmlGetLineNo(root));
done:
	xmlFree(version);
	xmlFreeDoc(doc);
	if (error) {
		tm_xliff_free(x);
		tm__error_prefix("'%s'", path);
		return error;
	}
	*out = x;
	return 0;
}

size_t
tm_xliff_count(const tm_xliff *x)
{
	return x ? x->n : 0;
}

const tm_xliff_unit *
tm_xliff_get(const tm_xliff *x, size_t i)
{
	return x && i < x->n ? &x->units[i] : NULL;
}

void
tm_xliff_free(tm_xliff *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->nstrs; i++)
		free(x->strs[i]);
	free(x->strs);
	free(x->units);
	free(x->tsegs);
	free(x);
}

/*
 * Checking
 * ========
 */

int
tm_xliff_check_json(char **out, size_t *nfindings, tm_db *db,
    const tm_xliff *x, const char *path)
{
	json_t *root = NULL, *units, *arr, *o;
	tm_findings *f = NULL;
	size_t i, j, total = 0;
	int error = 0;

	*out = NULL;
	if (nfindings)
		*nfindings = 0;
	if (!(root = json_pack("{s:s, s:[]}", "file", path ? path : "",
	    "segments"))) {
		error = tm__error_nomem();
		goto done;
	}
	units = json_object_get(root, "segments");
	for (i = 0; i < tm_xliff_count(x); i++) {
		const tm_xliff_unit *u = &x->units[i];

		if ((error = tm_check_segment(&f, db, u->source, u->target ?
		    u->target : "", u->source_lang, u->target_lang)) < 0)
			goto done;
		if (tm_findings_count(f) == 0) {
			tm_findings_free(f);
			f = NULL;
			continue;
		}
		if (!(arr = json_array()) || !(o = json_pack("{s:s, s:I, s:s, "
		    "s:s?, s:s?, s:o}", "id", u->id, "line", (json_int_t)u->line,
		    "source", u->source, "target", u->target, "state", u->state,
		    "findings", arr)) || json_array_append_new(units, o) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		for (j = 0; j < tm_findings_count(f); j++) {
			const tm_finding *k = tm_findings_get(f, j);

			if (json_array_append_new(arr, json_pack("{s:s, s:s, "
			    "s:s?, s:I, s:I, s:I, s:I}", "kind", k->kind,
			    "message", k->message, "expected", k->expected,
			    "src_start", (json_int_t)k->src_start, "src_len",
			    (json_int_t)k->src_len, "tgt_start",
			    (json_int_t)k->tgt_start, "tgt_len",
			    (json_int_t)k->tgt_len)) < 0) {
				error = tm__error_nomem();
				goto done;
			}
			total++;
		}
		tm_findings_free(f);
		f = NULL;
	}
	if (json_object_set_new(root, "findings", json_integer(
	    (json_int_t)total)) < 0 || !(*out = json_dumps(root,
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		error = tm__error_nomem();
	if (nfindings)
		*nfindings = total;
done:
	tm_findings_free(f);
	json_decref(root);
	return error;
}

/*
 * Importing
 * =========
 */

static bool
reviewed(const char *state)
{
	return state && (strcmp(state, "translated") == 0 ||
	    strcmp(state, "final") == 0 || strcmp(state, "signed-off") == 0);
}

/* The prop `type` of unit `tu`, or NULL (to free). */
static int
unit_prop(tm_db *db, int64_t tu, const char *type, char **out)
{
	tm__stmt *st = NULL;
	int error;

	*out = NULL;
	if ((error = tm__prepare(db, &st, "SELECT value FROM annot WHERE "
	    "tu_id = ? AND tuv_ord IS NULL AND kind = 'prop' AND type = ? "
	    "ORDER BY ord LIMIT 1")) < 0)
		return error;
	tm__bind_int64(st, 1, tu);
	tm__bind_text(st, 2, type, -1);
	if (tm__step(st) == TM__ROW &&
	    !(*out = tm__strdup((const char *)tm__column_text(st, 0))))
		error = tm__error_nomem();
	tm__finalize(st);
	return error;
}

static bool
same_str(const char *a, const char *b)
{
	return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

/*
 * The stored unit with the same source and context, else the best one
 * with the same source and no context at all (from a TMX, an older
 * memory: the 100% a draft offered whatever the context), or 0.
 * Updating the latter keeps its old translation in its history and
 * leaves one 100% for the source, not the old one beside a new unit.
 */
static int
find_unit(tm_db *db, const tm_xliff_unit *u, int64_t *out)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	int64_t bare = 0;
	size_t i;
	int error;

	*out = 0;
	lo.from = u->source_lang;
	lo.to = u->target_lang;
	lo.min = 100;
	lo.limit = 50;
	lo.context_before = u->context_pre;
	lo.context_after = u->context_post;
	if ((error = tm_lookup(&m, db, u->source_text, &lo)) < 0)
		return error;
	for (i = 0; i < tm_matches_count(m) && !*out && !error; i++) {
		const tm_match *x = tm_matches_get(m, i);
		char *pre = NULL, *post = NULL;

		if (x->score < 100 || strcmp(x->source, u->source_text) != 0 ||
		    x->numbers_replaced)
			continue;
		if ((error = unit_prop(db, x->unit_id, "x-context-pre",
		    &pre)) == 0 && (error = unit_prop(db, x->unit_id,
		    "x-context-post", &post)) == 0 &&
		    same_str(u->context_pre, pre) &&
		    same_str(u->context_post, post))
			*out = x->unit_id;
		else if (!error && !bare && !pre && !post)
			bare = x->unit_id;
		free(pre);
		free(post);
	}
	if (!error && !*out)
		*out = bare;
	tm_matches_free(m);
	return error;
}

/* Recompute a unit's duplicate hashes and languages from its variants. */
static int
rehash(tm_db *db, int64_t tu)
{
	tm__stmt *st = NULL;
	struct tm__buf c = { 0 }, langs = { 0 };
	char prev[64] = "";
	uint64_t h1, h2;
	int error = 0, rc;

	if ((error = tm__prepare(db, &st, "SELECT lang_key, seg FROM tuv "
	    "WHERE tu_id = ? ORDER BY lang_key, seg")) < 0)
		return error;
	tm__bind_int64(st, 1, tu);
	while (!error && (rc = tm__step(st)) == TM__ROW) {
		const char *lk = (const char *)tm__column_text(st, 0);
		const void *seg = tm__column_blob(st, 1);
		int n = tm__column_bytes(st, 1);

		if (strcmp(prev, lk) != 0) {
			if (langs.len)
				error = tm__buf_addc(&langs, ' ');
			if (!error)
				error = tm__buf_adds(&langs, lk);
			snprintf(prev, sizeof(prev), "%s", lk);
		}
		if (!error)
			error = tm__buf_add(&c, lk, strlen(lk) + 1);
		if (!error)
			error = tm__buf_add(&c, seg ? seg : "", (size_t)n);
		if (!error)
			error = tm__buf_addc(&c, '\0');
	}
	tm__finalize(st);
	st = NULL;
	if (error)
		goto done;
	h1 = tm__hash(TM__HASH_INIT, c.ptr, c.len);
	h2 = tm__hash(TM__HASH_INIT2, c.ptr, c.len);
	if ((error = tm__prepare(db, &st, "DELETE FROM tu_dup WHERE tu_id = ?1 "
	    "AND hash = (SELECT dup FROM tu WHERE id = ?1) AND hash2 = "
	    "(SELECT dup2 FROM tu WHERE id = ?1)")) < 0)
		goto done;
	tm__bind_int64(st, 1, tu);
	if ((error = tm__step_done(db, st, "cannot update a unit")) < 0)
		goto done;
	tm__finalize(st);
	if ((error = tm__prepare(db, &st, "UPDATE tu SET dup = ?, dup2 = ?, "
	    "langs = ? WHERE id = ?")) < 0)
		goto done;
	tm__bind_int64(st, 1, (int64_t)h1);
	tm__bind_int64(st, 2, (int64_t)h2);
	tm__bind_text(st, 3, tm__buf_str(&langs), -1);
	tm__bind_int64(st, 4, tu);
	if ((error = tm__step_done(db, st, "cannot update a unit")) < 0)
		goto done;
	tm__finalize(st);
	if ((error = tm__prepare(db, &st, "INSERT INTO tu_dup "
	    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) < 0)
		goto done;
	tm__bind_int64(st, 1, (int64_t)h1);
	tm__bind_int64(st, 2, (int64_t)h2);
	tm__bind_int64(st, 3, tu);
	error = tm__step_done(db, st, "cannot update a unit");
done:
	tm__finalize(st);
	tm__buf_release(&c);
	tm__buf_release(&langs);
	return error;
}

/*
 * A variant's seg (`tmx`, its TMX form with inline codes, else the text
 * escaped), text (NULL when the same) and key.
 */
static int
bind_text(tm_db *db, tm__stmt *st, int col, const char *text,
    const char *tmx, unsigned key_flags, struct tm__buf *seg,
    struct tm__buf *key)
{
	int error;

	(void)db;
	tm__buf_reset(seg);
	tm__buf_reset(key);
	if ((error = tmx ? tm__buf_adds(seg, tmx) : tm__buf_add_xml(seg, text,
	    strlen(text), false)) < 0 ||
	    (error = tm__buf_adds(seg, "")) < 0 ||
	    (error = tm__text_key(key, text, strlen(text), key_flags)) < 0 ||
	    (error = tm__buf_adds(key, "")) < 0)
		return error;
	tm__bind_text(st, col, seg->ptr, -1);
	if (strcmp(seg->ptr, text) == 0)
		tm__bind_null(st, col + 1);
	else
		tm__bind_text(st, col + 1, text, -1);
	/* Stored only where it is not the quick key of the text. */
	{
		struct tm__buf q = { 0 };

		error = tm__key_to_store(&q, text, strlen(text), key->ptr,
		    key->len);
		tm__buf_release(&q);
	}
	if (error < 0)
		return error;
	if (error)
		tm__bind_text(st, col + 2, key->ptr, -1);
	else
		tm__bind_null(st, col + 2);
	return 0;
}

/* The key flags of a variant: the memory's, whatever its language. */
static int
key_flags_for(tm_db *db, const char *lang, unsigned *out)
{
	(void)lang;
	return tm__key_flags(db, out);
}

struct ximport {
	tm_db *db;
	int64_t import_id;
	tm__stmt *ins_tu, *ins_tuv, *ins_prop, *old, *hist, *upd_tuv,
	    *upd_tu;
	struct tm__buf seg, key;
};

static int
insert_unit(struct ximport *xi, const tm_xliff_unit *u, const char *tseg,
    const char *who, const char *date, const char *mtime, int64_t *tu_out)
{
	int64_t tu;
	unsigned kf;
	int error, ord = 0;
	char lk[64];

	tm__stmt *st = xi->ins_tu;
	tm__bind_int64(st, 1, xi->import_id);
	tm__bind_text(st, 2, date, -1);
	tm__bind_text(st, 3, who, -1);
	tm__bind_text(st, 4, date, -1);
	tm__bind_text(st, 5, who, -1);
	tm__bind_text(st, 6, u->source_lang, -1);
	tm__bind_text(st, 7, mtime, -1);
	if ((error = tm__step_done(xi->db, st, "cannot store a unit")) < 0)
		return error;
	tu = xi->db->store->last_insert_id(xi->db);
	for (ord = 0; ord < 2; ord++) {
		const char *lang = ord ? u->target_lang : u->source_lang;

		st = xi->ins_tuv;
		if (tm_lang_key(lk, sizeof(lk), lang) < 0)
			return tm__error_prefix("trans-unit '%s'", u->id);
		if ((error = key_flags_for(xi->db, lang, &kf)) < 0)
			return error;
		tm__bind_int64(st, 1, tu);
		tm__bind_int(st, 2, ord);
		tm__bind_text(st, 3, lang, -1);
		tm__bind_text(st, 4, lk, -1);
		if ((error = bind_text(xi->db, st, 5, ord ? u->target_text :
		    u->source_text, ord ? tseg : NULL, kf, &xi->seg,
		    &xi->key)) < 0 ||
		    (error = tm__step_done(xi->db, st, "cannot store a "
		    "variant")) < 0)
			return error;
	}
	for (ord = 0; ord < 2; ord++) {
		const char *v = ord ? u->context_post : u->context_pre;

		if (!v || !*v)
			continue;
		st = xi->ins_prop;
		tm__bind_int64(st, 1, tu);
		tm__bind_int(st, 2, ord);
		tm__bind_text(st, 3, ord ? "x-context-post" :
		    "x-context-pre", -1);
		tm__bind_text(st, 4, v, -1);
		if ((error = tm__step_done(xi->db, st, "cannot store a "
		    "prop")) < 0)
			return error;
	}
	*tu_out = tu;
	return rehash(xi->db, tu);
}

/* Replace the translation of unit `tu`; 1 when it changed, 0 if equal. */
static int
update_unit(struct ximport *xi, const tm_xliff_unit *u, const char *tseg,
    int64_t tu, const char *who, const char *date, const char *mtime)
{
	tm__stmt *st = xi->old;
	int64_t tuv = 0;
	unsigned kf;
	int error = 0, rc;
	bool same = false;

	tm__bind_int64(st, 1, tu);
	while ((rc = tm__step(st)) == TM__ROW) {
		const char *lang = (const char *)tm__column_text(st, 1);
		const char *text = (const char *)tm__column_text(st, 2);

		if (!tm_lang_match(u->target_lang, lang))
			continue;
		tuv = tm__column_int64(st, 0);
		/*
		 * The same text with other inline codes (or none where
		 * the memory has some) is a change too.
		 */
		same = strcmp(text, u->target_text) == 0;
		if (same && !tseg) {
			tm__buf_reset(&xi->seg);
			if (tm__buf_add_xml(&xi->seg, text, strlen(text),
			    false) < 0 || tm__buf_adds(&xi->seg, "") < 0) {
				tm__reset(st);
				return tm__error_nomem();
			}
		}
		same = same && strcmp((const char *)tm__column_text(st, 3),
		    tseg ? tseg : xi->seg.ptr) == 0;
		break;
	}
	tm__reset(st);
	if (rc != TM__ROW && rc != TM__DONE)
		return tm__error_db(xi->db, "cannot read a unit");
	if (!tuv || same)
		return 0;
	st = xi->hist;
	tm__bind_text(st, 1, date, -1);
	tm__bind_text(st, 2, who, -1);
	tm__bind_int64(st, 3, tuv);
	if ((error = tm__step_done(xi->db, st, "cannot keep the history")) < 0)
		return error;
	if ((error = key_flags_for(xi->db, u->target_lang, &kf)) < 0)
		return error;
	st = xi->upd_tuv;
	if ((error = bind_text(xi->db, st, 1, u->target_text, tseg, kf,
	    &xi->seg, &xi->key)) < 0)
		return error;
	tm__bind_text(st, 4, date, -1);
	tm__bind_text(st, 5, who, -1);
	tm__bind_int64(st, 6, tuv);
	if ((error = tm__step_done(xi->db, st, "cannot update a variant")) < 0)
		return error;
	/*
	 * The variant was given its new id here: the next one given none
	 * (an identity on PostgreSQL) must come after it, or collide.
	 */
	if ((error = xi->db->store->ids_taken(xi->db, "tuv")) < 0)
		return error;
	st = xi->upd_tu;
	tm__bind_text(st, 1, date, -1);
	tm__bind_text(st, 2, who, -1);
	tm__bind_text(st, 3, mtime, -1);
	tm__bind_int64(st, 4, tu);
	if ((error = tm__step_done(xi->db, st, "cannot update a unit")) < 0 ||
	    (error = rehash(xi->db, tu)) < 0)
		return error;
	return 1;
}

/*
 * tm_xliff_import(), giving in *first (when not NULL) the id of the unit
 * that the first reviewed trans-unit went to.
 */
static int
xliff_import(tm_xliff_import_result *out, tm_db *db, const tm_xliff *x,
    const char *file, const char *reviewer, int64_t *first)
{
	struct ximport xi;
	tm_xliff_import_result res;
	int64_t *found = NULL;
	char now[17], nowiso[21];
	size_t i, j;
	int error = 0;
	bool in_tx = false;

	memset(&xi, 0, sizeof(xi));
	memset(&res, 0, sizeof(res));
	if (out)
		memset(out, 0, sizeof(*out));
	if (!db || !x)
		return tm__error(TM_EINVAL, "xliff import: no file");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	xi.db = db;
	tm__now_tmx(now);
	tm__now_iso(nowiso);
	/* Find the stored units first: lookups read the index. */
	if (x->n && !(found = tm__calloc(x->n, sizeof(*found)))) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < x->n; i++) {
		const tm_xliff_unit *u = &x->units[i];

		res.units++;
		if (!reviewed(u->state) || !u->target_text ||
		    !*u->target_text) {
			res.skipped++;
			continue;
		}
		if (!u->target_lang) {
			error = tm__error(TM_EPARSE, "line %ld: trans-unit '%s': "
			    "its <file> has no target-language", u->line,
			    u->id);
			goto done;
		}
		if ((error = find_unit(db, u, &found[i])) < 0) {
			tm__error_prefix("line %ld: trans-unit '%s'", u->line,
			    u->id);
			goto done;
		}
	}
	if ((error = tm__begin_write(db)) < 0)
		goto done;
	in_tx = true;
	{
		tm__stmt *st = NULL;

		if ((error = tm__next_import_id(db, &xi.import_id)) < 0 ||
		    (error = tm__prepare(db, &st, "INSERT INTO import (id, "
		    "file, date, creationtool) VALUES (?, ?, ?, "
		    "'tm import-xliff')")) < 0)
			goto done;
		tm__bind_int64(st, 1, xi.import_id);
		tm__bind_text(st, 2, file ? file : "(xliff)", -1);
		tm__bind_text(st, 3, nowiso, -1);
		error = tm__step_done(db, st, "cannot record the import");
		tm__finalize(st);
		if (error)
			goto done;
	}
	if ((error = tm__prepare(db, &xi.ins_tu, "INSERT INTO tu (import_id, "
	    "creationdate, creationid, changedate, changeid, srclang, "
	    "creationtool, mtime, langs, dup, dup2) VALUES (?, ?, ?, ?, ?, ?, "
	    "'tm', ?, '', 0, 0)")) < 0 ||
	    (error = tm__prepare(db, &xi.ins_tuv, "INSERT INTO tuv (tu_id, ord, "
	    "lang, lang_key, seg, text, key) VALUES (?, ?, ?, ?, ?, ?, ?)")) < 0 ||
	    (error = tm__prepare(db, &xi.ins_prop, "INSERT INTO annot (tu_id, "
	    "ord, kind, type, value) VALUES (?, ?, 'prop', ?, ?)")) < 0 ||
	    (error = tm__prepare(db, &xi.old, "SELECT id, lang, "
	    "coalesce(text, seg), seg FROM tuv WHERE tu_id = ? "
	    "ORDER BY ord")) < 0 ||
	    (error = tm__prepare(db, &xi.hist, "INSERT INTO tu_history (tu_id, "
	    "lang, seg, changeid, changedate, replaced, replaced_by) SELECT "
	    "v.tu_id, v.lang, v.seg, coalesce(v.changeid, u.changeid, "
	    "u.creationid), coalesce(v.changedate, u.changedate, "
	    "u.creationdate), ?, ? FROM tuv v JOIN tu u ON u.id = v.tu_id "
	    "WHERE v.id = ?")) < 0 ||
	    /*
	     * The variant takes a new id: the index adds the variants
	     * past its watermark, so the new text joins it at once; the
	     * old id's postings find no row and are passed over.
	     */
	    (error = tm__prepare(db, &xi.upd_tuv, "UPDATE tuv SET seg = ?, "
	    "text = ?, key = ?, changedate = ?, changeid = ?, "
	    "id = (SELECT max(id) FROM tuv) + 1 WHERE id = ?")) < 0 ||
	    (error = tm__prepare(db, &xi.upd_tu, "UPDATE tu SET changedate = ?, "
	    "changeid = ?, mtime = ? WHERE id = ?")) < 0)
		goto done;
	for (i = 0; i < x->n && !error; i++) {
		const tm_xliff_unit *u = &x->units[i];
		const char *who = u->reviewer ? u->reviewer : reviewer;
		char date[17], mtime[17];
		int r;

		if (!reviewed(u->state) || !u->target_text || !*u->target_text)
			continue;
		if (u->date && tm__date_norm(date, u->date) == 0) {
			;
		} else {
			tm_error_clear();
			memcpy(date, now, sizeof(date));
		}
		memcpy(mtime, date, sizeof(mtime));
		/* A repetition earlier in this file: the same unit. */
		for (j = 0; j < i && !found[i]; j++)
			if (found[j] && strcmp(x->units[j].source_text,
			    u->source_text) == 0 &&
			    same_str(x->units[j].context_pre, u->context_pre) &&
			    same_str(x->units[j].context_post, u->context_post))
				found[i] = found[j];
		if (found[i]) {
			if ((r = update_unit(&xi, u, x->tsegs[i], found[i],
			    who, date, mtime)) < 0)
				error = r;
			else if (r)
				res.updated++;
			else
				res.unchanged++;
		} else if ((error = insert_unit(&xi, u, x->tsegs[i], who, date,
		    mtime, &found[i])) == 0) {
			res.imported++;
		}
		if (error)
			tm__error_prefix("line %ld: trans-unit '%s'", u->line,
			    u->id);
	}
	if (!error) {
		tm__stmt *st = NULL;

		if ((error = tm__prepare(db, &st, "UPDATE import SET "
		    "units_read = ?, imported = ?, updated = ?, skipped = ? "
		    "WHERE id = ?")) < 0)
			goto done;
		tm__bind_int64(st, 1, (int64_t)res.units);
		tm__bind_int64(st, 2, (int64_t)res.imported);
		tm__bind_int64(st, 3, (int64_t)res.updated);
		tm__bind_int64(st, 4, (int64_t)res.skipped);
		tm__bind_int64(st, 5, xi.import_id);
		error = tm__step_done(db, st, "cannot record the import");
		tm__finalize(st);
	}
	if (!error)
		error = tm__exec(db, "COMMIT");
	if (!error)
		in_tx = false;
done:
	tm__finalize(xi.ins_tu);
	tm__finalize(xi.ins_tuv);
	tm__finalize(xi.ins_prop);
	tm__finalize(xi.old);
	tm__finalize(xi.hist);
	tm__finalize(xi.upd_tuv);
	tm__finalize(xi.upd_tu);
	tm__buf_release(&xi.seg);
	tm__buf_release(&xi.key);
	if (first)
		*first = found && !error ? found[0] : 0;
	free(found);
	if (in_tx)
		tm__exec_quiet(db, "ROLLBACK");
	if (error)
		return error;
	/* The new and changed variants join the candidate index. */
	if ((res.imported || res.updated) &&
	    (error = tm__index_update(db, NULL)) < 0)
		return error;
	if (out)
		*out = res;
	return 0;
}

int
tm_xliff_import(tm_xliff_import_result *out, tm_db *db, const tm_xliff *x,
    const char *file, const char *reviewer)
{
	return xliff_import(out, db, x, file, reviewer, NULL);
}

int
tm_translation_put(int64_t *unit_id, int *action, tm_db *db,
    const tm_translation *t)
{
	tm_xliff x;
	tm_xliff_unit u;
	const char *tseg = NULL;
	tm_xliff_import_result res;
	int64_t id = 0;
	int error;

	if (unit_id)
		*unit_id = 0;
	if (action)
		*action = TM_TRANSLATION_UNCHANGED;
	if (!db || !t || t->version != TM_TRANSLATION_VERSION)
		return tm__error(TM_EINVAL, "bad translation");
	if (!t->source || !*t->source || !t->target || !*t->target)
		return tm__error(TM_EINVAL, "a translation needs a source and "
		    "a target");
	if (!t->from || !*t->from || !t->to || !*t->to)
		return tm__error(TM_EINVAL, "a translation needs its two "
		    "languages");
	if (!tm__utf8_valid(t->source, strlen(t->source)) ||
	    !tm__utf8_valid(t->target, strlen(t->target)) ||
	    (t->author && !tm__utf8_valid(t->author, strlen(t->author))) ||
	    (t->context_before && !tm__utf8_valid(t->context_before,
	    strlen(t->context_before))) ||
	    (t->context_after && !tm__utf8_valid(t->context_after,
	    strlen(t->context_after))))
		return tm__error(TM_EUTF8, "the translation is not valid "
		    "UTF-8");
	memset(&u, 0, sizeof(u));
	u.id = "1";
	u.source = u.source_text = t->source;
	u.target = u.target_text = t->target;
	u.state = "translated";
	u.source_lang = t->from;
	u.target_lang = t->to;
	u.context_pre = t->context_before;
	u.context_post = t->context_after;
	memset(&x, 0, sizeof(x));
	x.units = &u;
	x.n = 1;
	x.tsegs = &tseg;
	if ((error = xliff_import(&res, db, &x, "(added by hand)",
	    t->author, &id)) < 0)
		return error;
	if (unit_id)
		*unit_id = id;
	if (action)
		*action = res.imported ? TM_TRANSLATION_ADDED : res.updated ?
		    TM_TRANSLATION_UPDATED : TM_TRANSLATION_UNCHANGED;
	return 0;
}

/*
 * History
 * =======
 */

struct tm_history {
	tm_history_entry *e;
	size_t n, cap;
	char **strs;
	size_t nstrs, scap;
};

static int
hkeep(tm_history *h, const char **dst, const unsigned char *s)
{
	char *d;

	*dst = NULL;
	if (!s)
		return 0;
	if (!(d = tm__strdup((const char *)s)))
		return tm__error_nomem();
	if (h->nstrs == h->scap && tm__grow((void **)&h->strs, &h->scap,
	    h->nstrs, sizeof(*h->strs)) < 0) {
		free(d);
		return tm__error_nomem();
	}
	h->strs[h->nstrs++] = d;
	*dst = d;
	return 0;
}

int
tm_history_get(tm_history **out, tm_db *db, const char *text,
    const char *from)
{
	tm_history *h;
	tm__stmt *st = NULL;
	int error = 0, rc;
	int64_t last = -1;

	if (out)
		*out = NULL;
	if (!out || !db)
		return tm__error(TM_EINVAL, "history: no database");
	if (!(h = tm__calloc(1, sizeof(*h))))
		return tm__error_nomem();
	if ((error = tm__prepare(db, &st, "SELECT h.id, h.tu_id, s.lang, "
	    "coalesce(s.text, s.seg), h.lang, h.seg, h.changeid, "
	    "h.changedate, h.replaced, h.replaced_by FROM tu_history h "
	    "JOIN tuv s ON s.tu_id = h.tu_id AND s.lang <> h.lang "
	    "ORDER BY h.id DESC, s.ord")) < 0)
		goto done;
	while (!error && (rc = tm__step(st)) == TM__ROW) {
		tm_history_entry *e;
		const char *lang = (const char *)tm__column_text(st, 2);
		const char *src = (const char *)tm__column_text(st, 3);

		/* One row per history entry: its first matching source. */
		if (tm__column_int64(st, 0) == last)
			continue;
		if ((from && !tm_lang_match(from, lang)) ||
		    (text && strcmp(text, src) != 0))
			continue;
		last = tm__column_int64(st, 0);
		if (h->n == h->cap && tm__grow((void **)&h->e, &h->cap, h->n,
		    sizeof(*h->e)) < 0) {
			error = tm__error_nomem();
			break;
		}
		e = &h->e[h->n++];
		memset(e, 0, sizeof(*e));
		e->unit_id = tm__column_int64(st, 1);
		if ((error = hkeep(h, &e->source, tm__column_text(st,
		    3))) < 0 || (error = hkeep(h, &e->lang,
		    tm__column_text(st, 4))) < 0 || (error = hkeep(h,
		    &e->seg, tm__column_text(st, 5))) < 0 ||
		    (error = hkeep(h, &e->changeid, tm__column_text(st,
		    6))) < 0 || (error = hkeep(h, &e->changedate,
		    tm__column_text(st, 7))) < 0 || (error = hkeep(h,
		    &e->replaced, tm__column_text(st, 8))) < 0 ||
		    (error = hkeep(h, &e->replaced_by,
		    tm__column_text(st, 9))) < 0)
			break;
	}
	if (!error && rc != TM__DONE)
		error = tm__error_db(db, "history");
done:
	tm__finalize(st);
	if (error) {
		tm_history_free(h);
		return error;
	}
	*out = h;
	return 0;
}

size_t
tm_history_count(const tm_history *h)
{
	return h ? h->n : 0;
}

const tm_history_entry *
tm_history_at(const tm_history *h, size_t i)
{
	return h && i < h->n ? &h->e[i] : NULL;
}

void
tm_history_free(tm_history *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nstrs; i++)
		free(h->strs[i]);
	free(h->strs);
	free(h->e);
	free(h);
}

int
tm_history_json(char **out, const tm_history *h)
{
	json_t *root, *arr;
	size_t i;

	*out = NULL;
	if (!(root = json_pack("{s:[]}", "history")))
		return tm__error_nomem();
	arr = json_object_get(root, "history");
	for (i = 0; i < tm_history_count(h); i++) {
		const tm_history_entry *e = &h->e[i];

		if (json_array_append_new(arr, json_pack("{s:I, s:s, s:s, "
		    "s:s, s:s?, s:s?, s:s, s:s?}", "unit",
		    (json_int_t)e->unit_id, "source", e->source, "lang",
		    e->lang, "seg", e->seg, "changeid", e->changeid,
		    "changedate", e->changedate, "replaced", e->replaced,
		    "replaced_by", e->replaced_by)) < 0) {
			json_decref(root);
			return tm__error_nomem();
		}
	}
	*out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return *out ? 0 : tm__error_nomem();
}

int
tm_xliff_import_result_json(char **out, const char *file,
    const tm_xliff_import_result *r)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "file",
	    file ? file : "", "units", (json_int_t)r->units, "imported",
	    (json_int_t)r->imported, "updated", (json_int_t)r->updated,
	    "unchanged", (json_int_t)r->unchanged, "skipped",
	    (json_int_t)r->skipped);

	*out = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return *out ? 0 : tm__error_nomem();
}
