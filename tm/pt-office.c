/*
 * pt-office.c: Word (DOCX) and OpenDocument text (ODT) documents through
 * pre-translation.
 *
 * Reading: the package is opened with libzip and refused when it could
 * hurt (too many entries, a part too large uncompressed, a name that
 * leaves the package); the parts with text (DOCX: the document, headers,
 * footers, footnotes, endnotes; ODT: content.xml and styles.xml, whose
 * master pages hold headers and footers) are parsed by libxml2 with no
 * network and no DTD, a part with a DOCTYPE refused.  Each paragraph
 * (w:p; text:p, text:h), wherever it stands (tables, text boxes, notes),
 * is a block.  Its runs (w:r; text:span) are read in order and the ones
 * next to each other with the same properties merged, as Word splits a
 * word into several runs with identical properties; the properties most
 * of the paragraph's text has are its base, and a run with others is a
 * paired code around its text, as a hyperlink is.  Tabs, breaks, note
 * references, images, bookmarks and a field's instruction are empty
 * codes: the field's result stays text.  Tracked changes: the accepted
 * text (insertions kept, deletions left out), which the analysis notes.
 * The codes are the HTML path's (struct tm__pt_code with the run or the
 * element as node), shared out and placed in the target by pt-inline.c.
 *
 * Writing: each translated paragraph is rebuilt from its sentences'
 * text and codes, its properties (w:pPr) kept, each piece of text in a
 * run with the properties of its code (else the base); text left in the
 * source language is marked.  Every other entry of the package is
 * copied as it was, compressed data and all.  DOCX comments go in the
 * document's comments part (appended to, with fresh ids, when it has
 * one; else a new part, its relationship and its content type added).
 */
#include "pretranslate.h"

#include <ctype.h>

#include <zip.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

/* A package that exceeds these is refused (a zip bomb, most likely). */
#define MAX_ENTRIES 10000
#define MAX_PART ((zip_uint64_t)64 << 20)	/* one part, uncompressed */
#define MAX_TOTAL ((zip_uint64_t)512 << 20)	/* all entries, declared */

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define FO_NS "urn:oasis:names:tc:opendocument:xmlns:" \
	"xsl-fo-compatible:1.0"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define CT_NS "http://schemas.openxmlformats.org/package/2006/content-types"
#define RELS_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define COMMENTS_REL "http://schemas.openxmlformats.org/officeDocument/" \
	"2006/relationships/comments"
#define COMMENTS_TYPE "application/vnd.openxmlformats-officedocument." \
	"wordprocessingml.comments+xml"
#define DOC_RELS "word/_rels/document.xml.rels"
#define CONTENT_TYPES "[Content_Types].xml"

/* What a comment on text left in the source language says. */
#define NOT_TRANSLATED "Not translated: no match in the memory"

/* The ODT style that marks text left in the source language. */
#define MARK_STYLE "tm-untranslated"

struct part {
	char *name;
	zip_uint64_t index;
	xmlDocPtr doc;
};

struct tm__pt_office {
	zip_t *zip;
	bool odt;
	struct part *parts;
	size_t nparts, capparts;
	size_t ins, del;	/* tracked insertions and deletions accepted */
};

/*
 * Names
 * =====
 */

static bool
in_ns(xmlNodePtr n, const char *ns)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

static bool
is(xmlNodePtr n, const char *ns, const char *name)
{
	return in_ns(n, ns) && strcmp((const char *)n->name, name) == 0;
}

static bool
is_w(xmlNodePtr n, const char *name)
{
	return is(n, W_NS, name);
}

static bool
is_t(xmlNodePtr n, const char *name)
{
	return is(n, TEXT_NS, name);
}

static bool
name_in(xmlNodePtr n, const char *const *names)
{
	for (; *names; names++)
		if (strcmp((const char *)n->name, *names) == 0)
			return true;
	return false;
}

static bool
is_para(const struct tm__pt_office *o, xmlNodePtr n)
{
	return o->odt ? is_t(n, "p") || is_t(n, "h") : is_w(n, "p");
}

/* An attribute's value by namespace, or NULL; free with xmlFree. */
static char *
attr(xmlNodePtr n, const char *ns, const char *name)
{
	return (char *)xmlGetNsProp(n, (const xmlChar *)name,
	    (const xmlChar *)ns);
}

static xmlNodePtr
child(xmlNodePtr n, const char *ns, const char *name)
{
	xmlNodePtr c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/*
 * The package
 * ===========
 */

/* Whether an entry's name stays inside the package. */
static bool
safe_name(const char *name)
{
	const char *s = name;

	if (!*name || *name == '/' || strchr(name, '\\') ||
	    (isalpha((unsigned char)name[0]) && name[1] == ':'))
		return false;
	while (*s) {
		size_t n = strcspn(s, "/");

		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

static const char *
zip_message(zip_t *z)
{
	return zip_error_strerror(zip_get_error(z));
}

/* The entry's bytes, at most MAX_PART, NUL-terminated. */
static int
read_entry(struct tm__buf *b, zip_t *z, zip_uint64_t i, const char *name)
{
	zip_file_t *f;
	char chunk[65536];
	zip_int64_t n;
	int error = 0;

	if (!(f = zip_fopen_index(z, i, 0)))
		return tm__error(TM_EPARSE, "cannot read '%s': %s", name,
		    zip_message(z));
	while ((n = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		if (b->len + (size_t)n > MAX_PART) {
			error = tm__error(TM_EPARSE, "'%s' is larger than "
			    "%u MiB uncompressed: refused (a zip bomb?)", name,
			    (unsigned)(MAX_PART >> 20));
			break;
		}
		if ((error = tm__buf_add(b, chunk, (size_t)n)) < 0) {
			tm__error_nomem();
			break;
		}
	}
	if (!error && n < 0)
		error = tm__error(TM_EPARSE, "cannot read '%s': %s", name,
		    zip_error_strerror(zip_file_get_error(f)));
	zip_fclose(f);
	if (!error && (error = tm__buf_adds(b, "")) < 0)
		tm__error_nomem();
	return error;
}

/*
 * Parse a part: no network, no DTD loaded, no entity expanded, and a
 * DOCTYPE (which no office part has) refused, so that nothing external
 * is ever read and no entity multiplies the text.
 */
static int
parse_part(xmlDocPtr *out, const struct tm__buf *b, const char *name)
{
	struct tm__xml_errors saved;
	xmlParserCtxtPtr ctxt;
	const xmlError *e;
	xmlDocPtr doc;
	int error = 0;

	*out = NULL;
	if (b->len > INT_MAX)
		return tm__error(TM_EPARSE, "'%s' is too large", name);
	if (!(ctxt = xmlNewParserCtxt()))
		return tm__error_nomem();
	tm__xml_quiet(&saved);
	doc = xmlCtxtReadMemory(ctxt, b->ptr, (int)b->len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	tm__xml_loud(&saved);
	e = xmlCtxtGetLastError(ctxt);
	if (!doc || !ctxt->wellFormed || !xmlDocGetRootElement(doc)) {
		if (e && e->message && strstr(e->message, "Excessive depth"))
			error = tm__error(TM_EPARSE, "'%s': line %d: elements "
			    "nested deeper than libxml2 reads (256 levels): "
			    "refused", name, e->line);
		else
			error = tm__error(TM_EPARSE, "'%s': line %d: not "
			    "well-formed XML", name, e ? e->line : 0);
	} else if (doc->intSubset) {
		error = tm__error(TM_EPARSE, "'%s': a DOCTYPE (entities, an "
		    "external DTD) in a document part: refused", name);
	}
	xmlFreeParserCtxt(ctxt);
	if (error)
		xmlFreeDoc(doc);
	else
		*out = doc;
	return error;
}

/* The parts with text to translate, the main one first. */
static bool
text_part(bool odt, const char *name, bool *main)
{
	static const char *const docx[] = { "word/header", "word/footer",
	    "word/footnotes.xml", "word/endnotes.xml", NULL };
	size_t i, n = strlen(name);

	*main = strcmp(name, odt ? "content.xml" : "word/document.xml") == 0;
	if (*main)
		return true;
	if (odt)
		return strcmp(name, "styles.xml") == 0;
	if (n < 4 || strcmp(name + n - 4, ".xml") != 0 ||
	    strchr(name + 5, '/'))
		return false;
	for (i = 0; docx[i]; i++)
		if (strncmp(name, docx[i], strlen(docx[i])) == 0)
			return true;
	return false;
}

static int
open_package(struct tm__pt_office *o)
{
	struct tm__buf b = { 0 };
	zip_int64_t n;
	zip_uint64_t i, total = 0;
	bool found = false;
	int error = 0;

	if ((n = zip_get_num_entries(o->zip, 0)) > MAX_ENTRIES)
		return tm__error(TM_EPARSE, "%lld entries (more than %d): "
		    "refused", (long long)n, MAX_ENTRIES);
	for (i = 0; i < (zip_uint64_t)n && !error; i++) {
		zip_stat_t st;
		bool main;

		if (zip_stat_index(o->zip, i, 0, &st) < 0 ||
		    !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE))
			return tm__error(TM_EPARSE, "entry %llu: %s",
			    (unsigned long long)i, zip_message(o->zip));
		if (!safe_name(st.name))
			return tm__error(TM_EPARSE, "entry '%s' points outside "
			    "the package: refused", st.name);
		if (st.size > MAX_PART)
			return tm__error(TM_EPARSE, "'%s' would be %llu bytes "
			    "uncompressed (more than %u MiB): refused (a zip "
			    "bomb?)", st.name, (unsigned long long)st.size,
			    (unsigned)(MAX_PART >> 20));
		if ((total += st.size) > MAX_TOTAL)
			return tm__error(TM_EPARSE, "the entries would be more "
			    "than %u MiB uncompressed: refused (a zip bomb?)",
			    (unsigned)(MAX_TOTAL >> 20));
		if (o->odt && strcmp(st.name, "mimetype") == 0) {
			tm__buf_reset(&b);
			if ((error = read_entry(&b, o->zip, i, st.name)) < 0)
				break;
			if (strcmp(tm__buf_str(&b), "application/vnd.oasis."
			    "opendocument.text") != 0)
				error = tm__error(TM_EPARSE, "not an "
				    "OpenDocument text (mimetype '%.60s')",
				    tm__buf_str(&b));
			continue;
		}
		if (!text_part(o->odt, st.name, &main))
			continue;
		found |= main;
		if (tm__grow((void **)&o->parts, &o->capparts, o->nparts,
		    sizeof(*o->parts)) < 0) {
			error = TM_ENOMEM;
			break;
		}
		memset(&o->parts[o->nparts], 0, sizeof(*o->parts));
		o->parts[o->nparts].index = i;
		if (!(o->parts[o->nparts++].name = tm__strdup(st.name)))
			error = tm__error_nomem();
		/* The main part first: it is read first. */
		if (!error && main && o->nparts > 1) {
			struct part t = o->parts[o->nparts - 1];

			memmove(&o->parts[1], &o->parts[0],
			    (o->nparts - 1) * sizeof(*o->parts));
			o->parts[0] = t;
		}
	}
	if (!error && !found)
		error = tm__error(TM_EPARSE, "no %s in the package: not %s",
		    o->odt ? "content.xml" : "word/document.xml",
		    o->odt ? "an OpenDocument text" : "a Word document");
	for (i = 0; i < o->nparts && !error; i++) {
		tm__buf_reset(&b);
		if ((error = read_entry(&b, o->zip, o->parts[i].index,
		    o->parts[i].name)) == 0)
			error = parse_part(&o->parts[i].doc, &b,
			    o->parts[i].name);
	}
	tm__buf_release(&b);
	return error;
}

void
tm__pt_office_free(struct tm__pt_office *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->nparts; i++) {
		tm_free(o->parts[i].name);
		if (o->parts[i].doc)
			xmlFreeDoc(o->parts[i].doc);
	}
	tm_free(o->parts);
	if (o->zip)
		zip_discard(o->zip);
	tm_free(o);
}

/*
 * Codes
 * =====
 */

static bool
on(xmlNodePtr n)
{
	char *v;
	bool yes;

	if (!n)
		return false;
	v = attr(n, W_NS, "val");
	yes = !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
	xmlFree(v);
	return yes;
}

/* An ODT text style's property, from the part's styles. */
static char *
odt_style_prop(xmlNodePtr span, const char *ns, const char *name)
{
	char *style = attr(span, TEXT_NS, "style-name"), *v = NULL;
	xmlNodePtr root = xmlDocGetRootElement(span->doc), sect, s;

	for (sect = root ? root->children : NULL; sect && style && !v;
	    sect = sect->next) {
		if (!is(sect, OFFICE_NS, "automatic-styles") &&
		    !is(sect, OFFICE_NS, "styles"))
			continue;
		for (s = sect->children; s && !v; s = s->next) {
			char *sn = attr(s, STYLE_NS, "name");

			if (is(s, STYLE_NS, "style") && sn &&
			    strcmp(sn, style) == 0)
				v = attr(child(s, STYLE_NS, "text-properties"),
				    ns, name);
			xmlFree(sn);
		}
	}
	xmlFree(style);
	return v;
}

/*
 * Whether an ODT span's style sets `prop` (fo: or, for Chinese and
 * Japanese text, style:...-asian) to `value` (NULL: anything but none).
 */
static bool
odt_has(xmlNodePtr span, const char *prop, const char *value)
{
	char asian[64], *v;
	bool yes = false;
	int i;

	snprintf(asian, sizeof(asian), "%s-asian", prop);
	for (i = 0; i < 3 && !yes; i++) {
		v = odt_style_prop(span, i == 0 ? FO_NS : STYLE_NS, i == 0 ?
		    prop : i == 1 ? asian : prop);
		yes = v && (value ? strcmp(v, value) == 0 :
		    strcmp(v, "none") != 0);
		xmlFree(v);
	}
	return yes;
}

static const char *
run_ctype(xmlNodePtr n)
{
	xmlNodePtr rpr = child(n, W_NS, "rPr");

	if (is_t(n, "span")) {
		if (odt_has(n, "font-weight", "bold"))
			return "bold";
		if (odt_has(n, "font-style", "italic"))
			return "italic";
		if (odt_has(n, "text-underline-style", NULL))
			return "underlined";
		return "x-odt-span";
	}
	if (on(child(rpr, W_NS, "b")))
		return "bold";
	if (on(child(rpr, W_NS, "i")))
		return "italic";
	if (on(child(rpr, W_NS, "u")))
		return "underlined";
	return "x-docx-run";
}

/* A field's instruction (its begin run) or its end (its end run). */
static int
fld_kind(xmlNodePtr n)
{
	xmlNodePtr f = is_w(n, "r") ? child(n, W_NS, "fldChar") : NULL;
	char *t = f ? attr(f, W_NS, "fldCharType") : NULL;
	int k = !t ? 0 : strcmp(t, "begin") == 0 ? 'b' :
	    strcmp(t, "separate") == 0 ? 's' : strcmp(t, "end") == 0 ? 'e' : 0;

	xmlFree(t);
	return k;
}

/* Its XLIFF 1.2 ctype: bold, italic, underlined, link, lb, x-docx-... */
static const char *
office_ctype(const struct tm__pt_code *c)
{
	static const char *const pics[] = { "drawing", "pict", "object",
	    "frame", "image", NULL };
	xmlNodePtr n = c->node;
	char *type;

	if (c->paired) {
		if (is_w(n, "hyperlink") || is_t(n, "a"))
			return "link";
		if (is_w(n, "fldSimple"))
			return "x-docx-field";
		return run_ctype(n);
	}
	switch (fld_kind(n)) {
	case 'b':
		return "x-docx-field-code";
	case 'e':
		return "x-docx-field-end";
	}
	if (is_w(n, "tab") || is_t(n, "tab"))
		return "x-tab";
	if (is_w(n, "cr") || is_t(n, "line-break"))
		return "lb";
	if (is_w(n, "br")) {
		type = attr(n, W_NS, "type");
		if (type && strcmp(type, "page") == 0) {
			xmlFree(type);
			return "pb";
		}
		xmlFree(type);
		return "lb";
	}
	if (is_w(n, "footnoteReference") || is_t(n, "note"))
		return "x-footnote";
	if (is_w(n, "endnoteReference"))
		return "x-endnote";
	if (is_w(n, "footnoteRef") || is_w(n, "endnoteRef"))
		return "x-note-number";
	if (is(n, "http://schemas.openxmlformats.org/markup-compatibility/"
	    "2006", "AlternateContent"))
		return "image";
	if (name_in(n, pics))
		return "image";
	if (is_w(n, "bookmarkStart") || is_w(n, "bookmarkEnd") ||
	    is_t(n, "bookmark") || is_t(n, "bookmark-start") ||
	    is_t(n, "bookmark-end"))
		return "x-bookmark";
	return "x-office-object";
}

/* A code with nothing to see: a bookmark, a field's instruction. */
static bool
office_invisible(const struct tm__pt_code *c)
{
	xmlNodePtr n = c->node;

	/*
	 * Everything but tabs and breaks: a note reference, an image or a
	 * field left out would be lost, at the end of the sentence it is
	 * only misplaced.
	 */
	return !(is_w(n, "tab") || is_t(n, "tab") || is_w(n, "br") ||
	    is_w(n, "cr") || is_t(n, "line-break"));
}

static int
add_start_tag(struct tm__buf *b, xmlNodePtr n)
{
	xmlAttrPtr a;
	int error;

	error = tm__buf_printf(b, "<%s%s%s", n->ns && n->ns->prefix ?
	    (const char *)n->ns->prefix : "", n->ns && n->ns->prefix ? ":" :
	    "", (const char *)n->name);
	for (a = n->properties; a && !error; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

		error = tm__buf_printf(b, " %s%s%s=\"%s\"", a->ns &&
		    a->ns->prefix ? (const char *)a->ns->prefix : "", a->ns &&
		    a->ns->prefix ? ":" : "", (const char *)a->name,
		    v ? (const char *)v : "");
		xmlFree(v);
	}
	if (!error)
		error = tm__buf_adds(b, ">");
	return error;
}

/* Its description for the review page's badge: <w:r> b i color=C00000 */
static int
office_describe(struct tm__buf *b, const struct tm__pt_code *c)
{
	xmlNodePtr rpr = child(c->node, W_NS, "rPr"), k;
	int error = add_start_tag(b, c->node);

	/* A run: its properties. */
	for (k = rpr ? rpr->children : NULL; k && !error; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			error = add_start_tag(b, k);
	return error;
}

static const struct tm__pt_code_ops office_ops = {
	office_invisible, office_ctype, office_describe
};

/*
 * Reading a paragraph
 * ===================
 */

/* A piece of a paragraph, in document order. */
struct piece {
	char kind;		/* 't' text, enum tm__pt_tag_kind else */
	xmlNodePtr node;	/* text: its run; else the code's node */
	char *key;		/* text: its run's properties */
	size_t off, len;	/* text: in the paragraph's text */
};

struct preader {
	struct tm__pt_office *o;
	struct tm__buf text;
	struct piece *v;
	size_t n, cap;
	int fld;		/* DOCX: inside a field's instruction, nested */
	bool space;		/* ODT: white space pending */
};

static int
add_piece(struct preader *r, char kind, xmlNodePtr node)
{
	if (tm__grow((void **)&r->v, &r->cap, r->n, sizeof(*r->v)) < 0)
		return TM_ENOMEM;
	memset(&r->v[r->n], 0, sizeof(*r->v));
	r->v[r->n].kind = kind;
	r->v[r->n].off = r->text.len;
	r->v[r->n++].node = node;
	return 0;
}

/* Text of run `run` whose properties are `key` (taken). */
static int
add_text(struct preader *r, xmlNodePtr run, char *key, const char *s,
    size_t len)
{
	struct piece *last = r->n ? &r->v[r->n - 1] : NULL;
	int error;

	if (!len) {
		tm_free(key);
		return 0;
	}
	/* A run next to one with the same properties: one piece. */
	if (last && last->kind == 't' && strcmp(last->key, key) == 0) {
		tm_free(key);
		last->len += len;
		return tm__buf_add(&r->text, s, len);
	}
	if ((error = add_piece(r, 't', run)) < 0) {
		tm_free(key);
		return error;
	}
	r->v[r->n - 1].key = key;
	r->v[r->n - 1].off = r->text.len;
	r->v[r->n - 1].len = len;
	return tm__buf_add(&r->text, s, len);
}

/*
 * A run's properties as a string that is equal for runs that look the
 * same: the language, proofing and the font hint, which Word changes
 * between runs of the same text, are left out.
 */
static char *
rpr_key(xmlNodePtr run)
{
	static const char *const ignored[] = { "lang", "noProof", "rPrChange",
	    "webHidden", NULL };
	struct tm__buf b = { 0 };
	xmlNodePtr rpr = child(run, W_NS, "rPr"), k;
	xmlAttrPtr a;
	int error = tm__buf_adds(&b, "");

	for (k = rpr ? rpr->children : NULL; k && !error; k = k->next) {
		if (k->type != XML_ELEMENT_NODE || (in_ns(k, W_NS) &&
		    name_in(k, ignored)))
			continue;
		error = tm__buf_printf(&b, "<%s", (const char *)k->name);
		for (a = k->properties; a && !error; a = a->next) {
			xmlChar *v;

			if (strcmp((const char *)a->name, "hint") == 0)
				continue;
			v = xmlNodeGetContent((xmlNodePtr)a);
			error = tm__buf_printf(&b, " %s=%s",
			    (const char *)a->name, v ? (const char *)v : "");
			xmlFree(v);
		}
		if (!error)
			error = tm__buf_addc(&b, '>');
	}
	if (error < 0) {
		tm__buf_release(&b);
		return NULL;
	}
	return tm__buf_detach(&b);
}

static int docx_walk(struct preader *r, xmlNodePtr parent);

static int
docx_run(struct preader *r, xmlNodePtr run)
{
	static const char *const skipped[] = { "rPr", "delText", "instrText",
	    "lastRenderedPageBreak", "softHyphen", "delInstrText", NULL };
	xmlNodePtr c;
	int error = 0;

	for (c = run->children; c && !error; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(c, "fldChar")) {
			switch (fld_kind(run)) {
			case 'b':
				if (!r->fld++)
					error = add_piece(r, TM__TAG_EMPTY, run);
				break;
			case 's':
				/* The result follows: it is text. */
				if (r->fld == 1)
					r->fld = 0;
				break;
			case 'e':
				if (r->fld)
					r->fld--;
				else
					error = add_piece(r, TM__TAG_EMPTY, run);
				break;
			}
			continue;
		}
		if (r->fld || (in_ns(c, W_NS) && name_in(c, skipped)))
			continue;
		if (is_w(c, "t")) {
			char *key = rpr_key(run);
			xmlChar *t = xmlNodeGetContent(c);

			if (!key || !t) {
				tm_free(key);
				error = TM_ENOMEM;
			} else {
				error = add_text(r, run, key, (const char *)t,
				    strlen((const char *)t));
			}
			xmlFree(t);
			continue;
		}
		if (is_w(c, "noBreakHyphen")) {
			char *key = rpr_key(run);

			error = key ? add_text(r, run, key, "\xe2\x80\x91", 3) :
			    TM_ENOMEM;
			continue;
		}
		error = add_piece(r, TM__TAG_EMPTY, c);
	}
	return error;
}

static int
docx_walk(struct preader *r, xmlNodePtr parent)
{
	static const char *const unwrapped[] = { "smartTag", "customXml",
	    "sdtContent", NULL };
	static const char *const skipped[] = { "pPr", "proofErr", "sdtPr",
	    "sdtEndPr", "smartTagPr", "customXmlPr", NULL };
	xmlNodePtr c;
	int error = 0;

	for (c = parent->children; c && !error; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!in_ns(c, W_NS))
			error = r->fld ? 0 : add_piece(r, TM__TAG_EMPTY, c);
		else if (is_w(c, "r"))
			error = docx_run(r, c);
		else if (name_in(c, skipped))
			continue;
		else if (is_w(c, "del") || is_w(c, "moveFrom"))
			r->o->del++;
		else if (is_w(c, "ins") || is_w(c, "moveTo")) {
			r->o->ins++;
			error = docx_walk(r, c);
		} else if (name_in(c, unwrapped) || is_w(c, "sdt"))
			error = docx_walk(r, is_w(c, "sdt") ? child(c, W_NS,
			    "sdtContent") ? child(c, W_NS, "sdtContent") : c :
			    c);
		else if (is_w(c, "hyperlink") || is_w(c, "fldSimple")) {
			if ((error = add_piece(r, TM__TAG_OPEN, c)) == 0 &&
			    (error = docx_walk(r, c)) == 0)
				error = add_piece(r, TM__TAG_CLOSE, c);
		} else if (!r->fld)
			error = add_piece(r, TM__TAG_EMPTY, c);
	}
	return error;
}

/* ODT: the innermost span's style names, outermost first. */
static char *
span_key(xmlNodePtr span, xmlNodePtr stop)
{
	struct tm__buf b = { 0 };
	int error = tm__buf_adds(&b, "");

	for (; span && span != stop && !error; span = span->parent) {
		char *s;

		if (!is_t(span, "span"))
			continue;
		s = attr(span, TEXT_NS, "style-name");
		error = tm__buf_printf(&b, "/%s", s ? s : "");
		xmlFree(s);
	}
	if (error < 0) {
		tm__buf_release(&b);
		return NULL;
	}
	return tm__buf_detach(&b);
}

/* ODT text: white space collapsed as ODF lays it out. */
static int
odt_text(struct preader *r, xmlNodePtr run, xmlNodePtr stop, const char *s)
{
	struct tm__buf t = { 0 };
	char *key = span_key(run, stop);
	int error = key ? 0 : TM_ENOMEM;

	for (; *s && !error; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			r->space = true;
			continue;
		}
		if (r->space && (r->text.len + t.len) &&
		    (t.len ? t.ptr[t.len - 1] : r->text.ptr[r->text.len - 1]) !=
		    ' ')
			error = tm__buf_addc(&t, ' ');
		r->space = false;
		if (!error)
			error = tm__buf_addc(&t, *s);
	}
	if (!error)
		error = add_text(r, run, key, t.ptr, t.len);
	else
		tm_free(key);
	tm__buf_release(&t);
	return error;
}

static int
odt_walk(struct preader *r, xmlNodePtr parent, xmlNodePtr run,
    xmlNodePtr stop)
{
	xmlNodePtr c;
	int error = 0;

	for (c = parent->children; c && !error; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content) {
			error = odt_text(r, run, stop, (const char *)c->content);
		} else if (c->type != XML_ELEMENT_NODE) {
			continue;
		} else if (is_t(c, "span")) {
			error = odt_walk(r, c, c, stop);
		} else if (is_t(c, "a")) {
			if ((error = add_piece(r, TM__TAG_OPEN, c)) == 0 &&
			    (error = odt_walk(r, c, NULL, c)) == 0)
				error = add_piece(r, TM__TAG_CLOSE, c);
		} else if (is_t(c, "s")) {
			char *n = attr(c, TEXT_NS, "c"), *key;
			long k = n ? strtol(n, NULL, 10) : 1, i;

			xmlFree(n);
			for (i = 0; i < (k < 1 ? 1 : k > 100 ? 100 : k) &&
			    !error; i++)
				error = (key = span_key(run, stop)) ?
				    add_text(r, run, key, " ", 1) : TM_ENOMEM;
			r->space = false;
		} else if (is_t(c, "soft-page-break")) {
			continue;
		} else if (is_t(c, "change") || is_t(c, "change-start") ||
		    is_t(c, "change-end")) {
			/* Accepted: a rebuilt paragraph has no marks. */
			r->o->del += is_t(c, "change");
			r->o->ins += is_t(c, "change-start");
		} else {
			error = add_piece(r, TM__TAG_EMPTY, c);
		}
	}
	return error;
}

static void
preader_release(struct preader *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		tm_free(r->v[i].key);
	tm_free(r->v);
	tm__buf_release(&r->text);
}

/* The key with the most text among the paragraph's own runs. */
static const struct piece *
base_piece(const struct preader *r)
{
	const struct piece *best = NULL;
	size_t i, j, most = 0, depth = 0;

	for (i = 0; i < r->n; i++) {
		const struct piece *v = &r->v[i];
		size_t sum = 0;

		depth += v->kind == TM__TAG_OPEN;
		depth -= v->kind == TM__TAG_CLOSE && depth;
		if (v->kind != 't' || depth)
			continue;
		for (j = 0; j < r->n; j++)
			if (r->v[j].kind == 't' && strcmp(r->v[j].key,
			    v->key) == 0)
				sum += r->v[j].len;
		if (sum > most) {
			most = sum;
			best = v;
		}
	}
	return best;
}

static int
add_event(struct tm__pt_event **ev, size_t *n, size_t *cap, size_t pos,
    xmlNodePtr node, char kind)
{
	if (tm__grow((void **)ev, cap, *n, sizeof(**ev)) < 0)
		return TM_ENOMEM;
	memset(&(*ev)[*n], 0, sizeof(**ev));
	(*ev)[*n].pos = pos;
	(*ev)[*n].code.node = node;
	(*ev)[*n].code.ops = &office_ops;
	(*ev)[(*n)++].kind = kind;
	return 0;
}

/*
 * The pieces as events: a run whose properties differ from those of its
 * surroundings (the paragraph's base, or a link's first run) is a pair
 * around its text.
 */
static int
pieces_events(const struct preader *r, const char *base,
    struct tm__pt_event **ev, size_t *nev)
{
	const char *bases[260];
	size_t depth = 0, cap = 0, i;
	xmlNodePtr open = NULL;
	int error = 0;

	bases[0] = base ? base : "";
	for (i = 0; i < r->n && !error; i++) {
		const struct piece *v = &r->v[i];
		size_t at = v->off;

		if (v->kind == 't' && !bases[depth])
			bases[depth] = v->key;
		/*
		 * A run of other properties is closed where the text goes
		 * back to the base, another run starts or a code comes.
		 */
		if (open && (v->kind != 't' || strcmp(v->key, bases[depth]) ==
		    0 || open != v->node)) {
			error = add_event(ev, nev, &cap, at, open,
			    TM__TAG_CLOSE);
			open = NULL;
		}
		if (error)
			break;
		if (v->kind == 't') {
			if (strcmp(v->key, bases[depth]) != 0 && !open) {
				open = v->node;
				error = add_event(ev, nev, &cap, v->off, open,
				    TM__TAG_OPEN);
			}
			continue;
		}
		if (v->kind == TM__TAG_OPEN) {
			if (depth + 1 >= TM__ARRAY_SIZE(bases))
				return tm__error(TM_EPARSE, "links nested too "
				    "deep");
			bases[++depth] = NULL;
		} else if (v->kind == TM__TAG_CLOSE && depth) {
			depth--;
		}
		error = add_event(ev, nev, &cap, at, v->node, v->kind);
	}
	if (!error && open)
		error = add_event(ev, nev, &cap, r->text.len, open,
		    TM__TAG_CLOSE);
	return error;
}

static int
read_para(tm_pretranslation *p, const tm_segmenter *sg, xmlNodePtr para,
    size_t part, long number)
{
	struct tm__pt_office *o = p->office;
	struct preader r;
	struct tm__pt_event *ev = NULL;
	struct tm__pt_block *b;
	const struct piece *base;
	size_t nev = 0, i;
	bool any = false;
	int error;

	memset(&r, 0, sizeof(r));
	r.o = o;
	error = o->odt ? odt_walk(&r, para, NULL, para) : docx_walk(&r, para);
	if (!error)
		error = tm__buf_adds(&r.text, "");
	if (error < 0)
		goto done;
	for (i = 0; i < r.text.len && !any; i++)
		any = !isspace((unsigned char)r.text.ptr[i]);
	if (!any)
		goto done;
	base = base_piece(&r);
	if ((error = pieces_events(&r, base ? base->key : "", &ev, &nev)) < 0)
		goto done;
	if (tm__grow((void **)&p->blocks, &p->capblocks, p->nblocks,
	    sizeof(*p->blocks)) < 0) {
		error = TM_ENOMEM;
		goto done;
	}
	b = &p->blocks[p->nblocks++];
	memset(b, 0, sizeof(*b));
	b->first = p->nsegs;
	b->node = para;
	b->base = base ? base->node : NULL;
	b->part = part;
	error = tm__pt_segment_coded(p, sg, b, r.text.ptr, r.text.len, number,
	    ev, nev, NULL);
done:
	tm_free(ev);
	preader_release(&r);
	return error == TM_ENOMEM ? tm__error_nomem() : error;
}

/* Subtrees with no text of the document: comments, deleted text. */
static bool
skipped_tree(const struct tm__pt_office *o, xmlNodePtr n)
{
	if (o->odt)
		return is(n, OFFICE_NS, "annotation") ||
		    is_t(n, "tracked-changes");
	return is_w(n, "del") || is_w(n, "moveFrom");
}

/* Every paragraph of a part in document order, without recursion. */
static int
read_part(tm_pretranslation *p, const tm_segmenter *sg, size_t part,
    long *number)
{
	const struct tm__pt_office *o = p->office;
	xmlNodePtr root = xmlDocGetRootElement(o->parts[part].doc), n = root;
	int error = 0;

	while (n && !error) {
		bool descend = n->children && !skipped_tree(o, n);

		if (is_para(o, n)) {
			(*number)++;
			if ((error = read_para(p, sg, n, part, *number)) < 0) {
				tm__error_prefix("'%s': paragraph %ld",
				    o->parts[part].name, *number);
				break;
			}
		}
		if (descend) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		n = n && n != root ? n->next : NULL;
	}
	return error;
}

int
tm__pt_office_read(tm_pretranslation *p, const tm_segmenter *sg,
    const char *path)
{
	struct tm__pt_office *o;
	zip_error_t ze;
	long number = 0;
	size_t i;
	int error = 0, zerr = 0;

	if (!(o = p->office = tm__calloc(1, sizeof(*o))))
		return TM_ENOMEM;
	o->odt = p->format == TM_FORMAT_ODT;
	if (!(o->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr))) {
		zip_error_init_with_code(&ze, zerr);
		error = tm__error(zerr == ZIP_ER_OPEN || zerr == ZIP_ER_NOENT ||
		    zerr == ZIP_ER_READ ? TM_EIO : TM_EPARSE, "%s: %s%s", path,
		    zerr == ZIP_ER_OPEN || zerr == ZIP_ER_NOENT ||
		    zerr == ZIP_ER_READ ? "" : "not a ZIP package: ",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return error;
	}
	if ((error = open_package(o)) < 0)
		return error;
	for (i = 0; i < o->nparts && !error; i++)
		error = read_part(p, sg, i, &number);
	if (!error && (o->ins || o->del)) {
		struct tm__buf b = { 0 };

		if (tm__buf_printf(&b, "tracked changes: the accepted text "
		    "was read (%zu insertion%s kept, %zu deletion%s left "
		    "out)", o->ins, o->ins == 1 ? "" : "s", o->del,
		    o->del == 1 ? "" : "s") < 0)
			return tm__error_nomem();
		p->note = tm__buf_detach(&b);
	}
	return error;
}

/*
 * The draft
 * =========
 */

/* Nodes of a part's tree and their copies in the draft's. */
struct nodemap {
	xmlNodePtr *from, *to;
	size_t n, cap;
	size_t *order;
};

static int
map_walk(struct nodemap *m, xmlNodePtr a, xmlNodePtr b)
{
	xmlNodePtr ra = a;

	/* Both trees have the same shape: walk them side by side. */
	while (a && b) {
		if (a->type == XML_ELEMENT_NODE) {
			if (m->n == m->cap) {
				size_t cap = m->cap;

				if (tm__grow((void **)&m->from, &cap, m->n,
				    sizeof(*m->from)) < 0 ||
				    tm__grow((void **)&m->to, &m->cap, m->n,
				    sizeof(*m->to)) < 0)
					return TM_ENOMEM;
			}
			m->from[m->n] = a;
			m->to[m->n++] = b;
		}
		if (a->children && b->children) {
			a = a->children;
			b = b->children;
			continue;
		}
		while (a && a != ra && !a->next) {
			a = a->parent;
			b = b->parent;
		}
		if (!a || a == ra)
			break;
		a = a->next;
		b = b->next;
	}
	return 0;
}

static const struct nodemap *sorting;

static int
cmp_from(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)sorting->from[*(const size_t *)x];
	uintptr_t b = (uintptr_t)sorting->from[*(const size_t *)y];

	return a < b ? -1 : a > b;
}

static xmlNodePtr
map_get(const struct nodemap *m, xmlNodePtr n)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		xmlNodePtr f = m->from[m->order[mid]];

		if (f == n)
			return m->to[m->order[mid]];
		if ((uintptr_t)f < (uintptr_t)n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* DOCX: the comments part the draft's comments go to. */
struct comments {
	xmlDocPtr doc;		/* the part's tree, the old one or a new one */
	xmlNsPtr ns;		/* w: in it */
	char *name;		/* its entry */
	zip_int64_t index;	/* its entry's index, -1: a new one */
	bool rel;		/* the document has its relationship */
	long next;		/* the next free id */
	char date[21];		/* the comments' date, now */
	size_t added;
};

struct draft {
	const tm_pretranslation *p;
	xmlDocPtr doc;
	struct nodemap map;
	xmlNsPtr ns;		/* w: or text: in the draft */
	struct comments *cm;	/* DOCX: where comments go, NULL: none here */
	bool marked;		/* the mark style is needed (ODT) */
	bool odt;
};

/* A frame of the rebuilt paragraph: where text goes, with what run. */
struct frame {
	xmlNodePtr parent;
	xmlNodePtr run;		/* the original run the text looks like */
	xmlNodePtr stop;	/* ODT: spans above this are not copied */
};

static xmlNodePtr
add_child(xmlNodePtr parent, xmlNodePtr c)
{
	if (!c)
		return NULL;
	if (!xmlAddChild(parent, c)) {
		xmlFreeNode(c);
		return NULL;
	}
	return c;
}

/*
 * A copy of n (deep, or the element and its attributes) added under
 * parent, its namespaces those in scope there: no declaration repeated.
 */
static xmlNodePtr
copy_into(struct draft *d, xmlNodePtr parent, xmlNodePtr n, bool deep)
{
	xmlNodePtr c = NULL;

	if (xmlDOMWrapCloneNode(NULL, n->doc, n, &c, d->doc, parent,
	    deep ? 1 : 0, 0) != 0 || !c) {
		xmlFreeNode(c);
		return NULL;
	}
	return add_child(parent, c);
}

/* w:highlight in its place among the run properties, which Word keeps. */
static int
set_highlight(struct draft *d, xmlNodePtr rpr)
{
	static const char *const after[] = { "u", "effect", "bdr", "shd",
	    "fitText", "vertAlign", "rtl", "cs", "em", "lang",
	    "eastAsianLayout", "specVanish", "oMath", "rPrChange", NULL };
	xmlNodePtr c, h, next;

	for (c = rpr->children; c; c = next) {
		next = c->next;
		if (is_w(c, "highlight")) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	if (!(h = xmlNewDocNode(d->doc, d->ns, (const xmlChar *)"highlight",
	    NULL)) || !xmlNewNsProp(h, d->ns, (const xmlChar *)"val",
	    (const xmlChar *)"yellow")) {
		xmlFreeNode(h);
		return TM_ENOMEM;
	}
	for (c = rpr->children; c; c = c->next)
		if (in_ns(c, W_NS) && name_in(c, after))
			break;
	if (c ? !xmlAddPrevSibling(c, h) : !xmlAddChild(rpr, h)) {
		xmlFreeNode(h);
		return TM_ENOMEM;
	}
	return 0;
}

/* A new run under parent with the properties of `like` (may be NULL). */
static xmlNodePtr
new_run(struct draft *d, xmlNodePtr parent, xmlNodePtr like, bool mark)
{
	xmlNodePtr r = add_child(parent, xmlNewDocNode(d->doc, d->ns,
	    (const xmlChar *)"r", NULL));
	xmlNodePtr rpr = like ? child(like, W_NS, "rPr") : NULL;

	if (!r)
		return NULL;
	if (rpr && !(rpr = copy_into(d, r, rpr, true)))
		return NULL;
	if (mark && !rpr && !(rpr = add_child(r, xmlNewDocNode(d->doc, d->ns,
	    (const xmlChar *)"rPr", NULL))))
		return NULL;
	if (mark && set_highlight(d, rpr) < 0)
		return NULL;
	return r;
}

static int
add_odt_text(struct draft *d, xmlNodePtr parent, const char *s, size_t len)
{
	size_t i = 0, j, k;
	xmlNodePtr sp;
	char c[24];

	/* ODF collapses spaces: the second and more are <text:s c="N"/>. */
	while (i < len) {
		for (j = i; j < len && !(s[j] == ' ' && j > i &&
		    s[j - 1] == ' '); j++)
			;
		if (!add_child(parent, xmlNewDocTextLen(d->doc,
		    (const xmlChar *)s + i, (int)(j - i))))
			return TM_ENOMEM;
		for (k = j; k < len && s[k] == ' '; k++)
			;
		if (k > j) {
			snprintf(c, sizeof(c), "%zu", k - j);
			if (!(sp = add_child(parent, xmlNewDocNode(d->doc,
			    d->ns, (const xmlChar *)"s", NULL))) ||
			    !xmlNewNsProp(sp, d->ns, (const xmlChar *)"c",
			    (const xmlChar *)c))
				return TM_ENOMEM;
		}
		i = k;
	}
	return 0;
}

/* Text in the current frame, marked when left in the source language. */
static int
put_text(struct draft *d, const struct frame *f, const char *s, size_t len,
    bool mark)
{
	xmlNodePtr parent = f->parent, r, t, chain[64];
	size_t n = 0;

	if (!len)
		return 0;
	if (len > INT_MAX)
		return TM_ENOMEM;
	if (!d->odt) {
		if (!(r = new_run(d, parent, f->run, mark)) ||
		    !(t = add_child(r, xmlNewDocNode(d->doc, d->ns,
		    (const xmlChar *)"t", NULL))) ||
		    !add_child(t, xmlNewDocTextLen(d->doc, (const xmlChar *)s,
		    (int)len)))
			return TM_ENOMEM;
		xmlNodeSetSpacePreserve(t, 1);
		return 0;
	}
	/* ODT: the run's spans, outermost first, then the mark's. */
	for (r = f->run; r && r != f->stop && n < TM__ARRAY_SIZE(chain);
	    r = r->parent)
		if (is_t(r, "span"))
			chain[n++] = r;
	while (n--)
		if (!(parent = copy_into(d, parent, chain[n], false)))
			return TM_ENOMEM;
	if (mark) {
		if (!(parent = add_child(parent, xmlNewDocNode(d->doc, d->ns,
		    (const xmlChar *)"span", NULL))) ||
		    !xmlNewNsProp(parent, d->ns, (const xmlChar *)"style-name",
		    (const xmlChar *)MARK_STYLE))
			return TM_ENOMEM;
		d->marked = true;
	}
	return add_odt_text(d, parent, s, len);
}

/* The first run with text inside a container (a link). */
static xmlNodePtr
first_text_run(xmlNodePtr n, bool odt)
{
	xmlNodePtr c, r;

	for (c = n->children; c; c = c->next) {
		if (odt && c->type == XML_TEXT_NODE)
			return NULL;
		if (!odt && is_w(c, "r") && child(c, W_NS, "t"))
			return c;
		if (odt && is_t(c, "span"))
			return c;
		if (c->type == XML_ELEMENT_NODE && (r = first_text_run(c, odt)))
			return r;
	}
	return NULL;
}

/* An empty code's content in the draft, from the draft's own tree. */
static int
put_empty(struct draft *d, const struct frame *f, xmlNodePtr orig)
{
	xmlNodePtr n = map_get(&d->map, orig), parent = f->parent, r;
	int nest = 0;

	if (!n)
		return TM_ENOMEM;
	if (!d->odt && fld_kind(orig) == 'b') {
		/* A field's instruction: its runs up to its result. */
		for (; n; n = n->next) {
			int k = fld_kind(n);

			if (!copy_into(d, parent, n, true))
				return TM_ENOMEM;
			nest += k == 'b' ? 1 : k == 'e' ? -1 : 0;
			if ((k == 's' && nest == 1) || (k == 'e' && !nest))
				break;
		}
		return 0;
	}
	/* A run's tab, break, note reference: in a run like its own. */
	if (!d->odt && is_w(orig->parent, "r") && !is_w(orig, "r")) {
		if (!(r = new_run(d, parent, orig->parent, false)))
			return TM_ENOMEM;
		parent = r;
	}
	return copy_into(d, parent, n, true) ? 0 : TM_ENOMEM;
}

/* One sentence's text and codes in the paragraph being rebuilt. */
static int
put_segment(struct draft *d, struct frame *stack, size_t *depth,
    const struct tm__pt_seg *g, bool mark)
{
	const char *text = g->target ? g->target : g->source;
	const struct tm__pt_tag *t = g->target ? g->ttags : g->stags;
	size_t n = g->target ? g->nttags : g->nstags, i, at = 0;
	size_t len = strlen(text), bottom = *depth;
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		size_t pos = t[i].pos > len ? len : t[i].pos;
		const struct tm__pt_code *c = &g->codes[t[i].id - 1];
		struct frame *f = &stack[*depth - 1];

		if (pos > at && (error = put_text(d, f, text + at, pos - at,
		    mark)) < 0)
			break;
		at = pos > at ? pos : at;
		if (t[i].kind == TM__TAG_CLOSE) {
			if (*depth > bottom)
				(*depth)--;
			continue;
		}
		if (t[i].kind == TM__TAG_EMPTY) {
			error = put_empty(d, f, c->node);
			continue;
		}
		if (*depth >= 64) {
			error = TM_ENOMEM;
			break;
		}
		stack[*depth] = *f;
		if (is_w(c->node, "r") || is_t(c->node, "span")) {
			stack[*depth].run = c->node;
		} else {
			/* A link: its element, its first run's look. */
			xmlNodePtr e = copy_into(d, f->parent, c->node,
			    false);
			xmlNodePtr fr = first_text_run(c->node, d->odt);

			if (!e) {
				error = TM_ENOMEM;
				break;
			}
			stack[*depth].parent = e;
			stack[*depth].stop = c->node;
			if (fr)
				stack[*depth].run = fr;
			else if (d->odt)
				stack[*depth].run = NULL;
		}
		(*depth)++;
	}
	if (!error && len > at)
		error = put_text(d, &stack[*depth - 1], text + at, len - at,
		    mark);
	*depth = bottom;
	return error;
}

/* ODT: a comment before a sentence left in the source language. */
static int
put_comment(struct draft *d, xmlNodePtr parent)
{
	xmlNodePtr root = xmlDocGetRootElement(d->doc), a, c, t;
	xmlNsPtr office = xmlSearchNsByHref(d->doc, root,
	    (const xmlChar *)OFFICE_NS);
	xmlNsPtr dc = xmlSearchNsByHref(d->doc, root, (const xmlChar *)DC_NS);

	if (!dc && !(dc = xmlNewNs(root, (const xmlChar *)DC_NS,
	    (const xmlChar *)"dc")))
		return TM_ENOMEM;
	if (!office || !(a = add_child(parent, xmlNewDocNode(d->doc, office,
	    (const xmlChar *)"annotation", NULL))) ||
	    !(c = add_child(a, xmlNewDocNode(d->doc, dc,
	    (const xmlChar *)"creator", (const xmlChar *)"tm"))) ||
	    !(t = add_child(a, xmlNewDocNode(d->doc, d->ns,
	    (const xmlChar *)"p", (const xmlChar *)NOT_TRANSLATED))))
		return TM_ENOMEM;
	return 0;
}

/* DOCX: an empty w: element with a w:id, under parent. */
static xmlNodePtr
add_with_id(struct draft *d, xmlNodePtr parent, const char *name, long id)
{
	xmlNodePtr e = add_child(parent, xmlNewDocNode(d->doc, d->ns,
	    (const xmlChar *)name, NULL));
	char v[24];

	snprintf(v, sizeof(v), "%ld", id);
	return e && xmlNewNsProp(e, d->ns, (const xmlChar *)"id",
	    (const xmlChar *)v) ? e : NULL;
}

/*
 * DOCX: a sentence left in the source language inside a comment's range,
 * the comment's reference after it, the comment in the comments part.
 */
static int
put_commented(struct draft *d, struct frame *stack, size_t *depth,
    const struct tm__pt_seg *g)
{
	struct comments *cm = d->cm;
	long id = cm->next;
	xmlNodePtr c, p, r, t;
	char v[24];
	int error;

	if (!add_with_id(d, stack[0].parent, "commentRangeStart", id))
		return TM_ENOMEM;
	if ((error = put_segment(d, stack, depth, g, false)) < 0)
		return error;
	if (!add_with_id(d, stack[0].parent, "commentRangeEnd", id) ||
	    !(r = add_child(stack[0].parent, xmlNewDocNode(d->doc, d->ns,
	    (const xmlChar *)"r", NULL))) ||
	    !add_with_id(d, r, "commentReference", id))
		return TM_ENOMEM;
	snprintf(v, sizeof(v), "%ld", id);
	if (!(c = add_child(xmlDocGetRootElement(cm->doc), xmlNewDocNode(
	    cm->doc, cm->ns, (const xmlChar *)"comment", NULL))) ||
	    !xmlNewNsProp(c, cm->ns, (const xmlChar *)"id",
	    (const xmlChar *)v) ||
	    !xmlNewNsProp(c, cm->ns, (const xmlChar *)"author",
	    (const xmlChar *)"tm") ||
	    !xmlNewNsProp(c, cm->ns, (const xmlChar *)"date",
	    (const xmlChar *)cm->date) ||
	    !xmlNewNsProp(c, cm->ns, (const xmlChar *)"initials",
	    (const xmlChar *)"tm") ||
	    !(p = add_child(c, xmlNewDocNode(cm->doc, cm->ns,
	    (const xmlChar *)"p", NULL))) ||
	    !(r = add_child(p, xmlNewDocNode(cm->doc, cm->ns,
	    (const xmlChar *)"r", NULL))) ||
	    !(t = add_child(r, xmlNewDocNode(cm->doc, cm->ns,
	    (const xmlChar *)"t", (const xmlChar *)NOT_TRANSLATED))))
		return TM_ENOMEM;
	cm->next++;
	cm->added++;
	return 0;
}

/* DOCX: whether Word takes a comment here (not in a text box). */
static bool
commentable(const struct draft *d, xmlNodePtr para)
{
	xmlNodePtr n;

	if (!d->cm)
		return false;
	for (n = para; n; n = n->parent)
		if (is_w(n, "txbxContent"))
			return false;
	return true;
}

static int
rebuild(struct draft *d, const struct tm__pt_block *k)
{
	const tm_pretranslation *p = d->p;
	xmlNodePtr para = map_get(&d->map, k->node), holder, c, next;
	struct frame stack[64];
	size_t depth = 1, i;
	bool spaced = !(strncasecmp(p->to, "zh", 2) == 0 ||
	    strncasecmp(p->to, "ja", 2) == 0), docx_comment;
	int error = 0;

	/* Built inside the paragraph, for its namespaces, then moved. */
	if (!para || !(holder = add_child(para, xmlNewDocNode(d->doc,
	    para->ns, (const xmlChar *)"holder", NULL))))
		return TM_ENOMEM;
	stack[0].parent = holder;
	stack[0].run = k->base;
	stack[0].stop = k->node;
	/*
	 * DOCX comments in the document's body; in headers, footers, notes
	 * and text boxes (which Word writes twice) a highlight instead.
	 */
	docx_comment = !d->odt && p->mark == TM_MARK_COMMENT &&
	    commentable(d, k->node);
	for (i = k->first; i < k->first + k->n && !error; i++) {
		const struct tm__pt_seg *g = &p->segs[i];
		bool mark = !g->target && (p->mark == TM_MARK_HIGHLIGHT ||
		    (!d->odt && p->mark == TM_MARK_COMMENT && !docx_comment));

		if (i > k->first && spaced)
			error = put_text(d, &stack[0], " ", 1, false);
		if (error)
			break;
		if (!g->target && docx_comment) {
			error = put_commented(d, stack, &depth, g);
			continue;
		}
		if (!g->target && d->odt && p->mark == TM_MARK_COMMENT)
			error = put_comment(d, holder);
		if (!error)
			error = put_segment(d, stack, &depth, g, mark);
	}
	if (error) {
		xmlUnlinkNode(holder);
		xmlFreeNode(holder);
		return error;
	}
	/* The paragraph's properties stay; its content is the new one. */
	for (c = para->children; c; c = next) {
		next = c->next;
		if (is_w(c, "pPr") || c == holder)
			continue;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	while ((c = holder->children)) {
		xmlUnlinkNode(c);
		if (!xmlAddPrevSibling(holder, c)) {
			xmlFreeNode(c);
			error = TM_ENOMEM;
			break;
		}
	}
	xmlUnlinkNode(holder);
	xmlFreeNode(holder);
	return error;
}

/* ODT: the mark's style among the part's automatic styles. */
static int
add_mark_style(struct draft *d)
{
	xmlNodePtr root = xmlDocGetRootElement(d->doc), as, s, tp;
	xmlNsPtr style = xmlSearchNsByHref(d->doc, root,
	    (const xmlChar *)STYLE_NS);
	xmlNsPtr fo = xmlSearchNsByHref(d->doc, root, (const xmlChar *)FO_NS);
	xmlNsPtr office = xmlSearchNsByHref(d->doc, root,
	    (const xmlChar *)OFFICE_NS);

	if (!style && !(style = xmlNewNs(root, (const xmlChar *)STYLE_NS,
	    (const xmlChar *)"style")))
		return TM_ENOMEM;
	if (!fo && !(fo = xmlNewNs(root, (const xmlChar *)FO_NS,
	    (const xmlChar *)"fo")))
		return TM_ENOMEM;
	if (!(as = child(root, OFFICE_NS, "automatic-styles"))) {
		if (!office || !(as = xmlNewDocNode(d->doc, office,
		    (const xmlChar *)"automatic-styles", NULL)))
			return TM_ENOMEM;
		/* After the font declarations, before the body. */
		for (s = root->children; s; s = s->next)
			if (is(s, OFFICE_NS, "body") ||
			    is(s, OFFICE_NS, "master-styles"))
				break;
		if (s ? !xmlAddPrevSibling(s, as) : !xmlAddChild(root, as)) {
			xmlFreeNode(as);
			return TM_ENOMEM;
		}
	}
	if (!(s = add_child(as, xmlNewDocNode(d->doc, style,
	    (const xmlChar *)"style", NULL))) ||
	    !xmlNewNsProp(s, style, (const xmlChar *)"name",
	    (const xmlChar *)MARK_STYLE) ||
	    !xmlNewNsProp(s, style, (const xmlChar *)"family",
	    (const xmlChar *)"text") ||
	    !(tp = add_child(s, xmlNewDocNode(d->doc, style,
	    (const xmlChar *)"text-properties", NULL))) ||
	    !xmlNewNsProp(tp, fo, (const xmlChar *)"background-color",
	    (const xmlChar *)"#ffff00"))
		return TM_ENOMEM;
	return 0;
}

/*
 * Part `part` with its paragraphs rebuilt, as bytes; comments (DOCX) to
 * cm, NULL: none.
 */
static int
draft_part(const tm_pretranslation *p, size_t part, struct comments *cm,
    xmlChar **out, int *len)
{
	struct draft d;
	size_t i;
	int error = 0;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.odt = p->office->odt;
	/*
	 * Comments in the document only: Word has none in headers and
	 * footers, and LibreOffice (7.4) cannot open a document with one in
	 * a footnote.
	 */
	if (cm && strcmp(p->office->parts[part].name, "word/document.xml") ==
	    0)
		d.cm = cm;
	*out = NULL;
	if (!(d.doc = xmlCopyDoc(p->office->parts[part].doc, 1)))
		return TM_ENOMEM;
	d.ns = xmlSearchNsByHref(d.doc, xmlDocGetRootElement(d.doc),
	    (const xmlChar *)(d.odt ? TEXT_NS : W_NS));
	if ((error = map_walk(&d.map, xmlDocGetRootElement(
	    p->office->parts[part].doc), xmlDocGetRootElement(d.doc))) < 0)
		goto done;
	if (d.map.n && !(d.map.order = tm__calloc(d.map.n,
	    sizeof(*d.map.order)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i < d.map.n; i++)
		d.map.order[i] = i;
	sorting = &d.map;
	qsort(d.map.order, d.map.n, sizeof(*d.map.order), cmp_from);
	/*
	 * Last paragraph first: one in a text box or a note is rebuilt
	 * before the paragraph whose code holds it is, which copies it.
	 */
	for (i = p->nblocks; i > 0 && !error; i--) {
		const struct tm__pt_block *k = &p->blocks[i - 1];
		size_t j;
		bool any = false;

		if (k->part != part || !k->n)
			continue;
		for (j = k->first; j < k->first + k->n; j++)
			any |= p->segs[j].target != NULL;
		/* Nothing translated, nothing marked: as it was. */
		if (!any && p->mark == TM_MARK_NONE)
			continue;
		error = rebuild(&d, k);
	}
	if (!error && d.marked)
		error = add_mark_style(&d);
	if (!error) {
		xmlDocDumpMemoryEnc(d.doc, out, len, "UTF-8");
		if (!*out)
			error = TM_ENOMEM;
	}
done:
	tm_free(d.map.from);
	tm_free(d.map.to);
	tm_free(d.map.order);
	xmlFreeDoc(d.doc);
	return error;
}

/*
 * DOCX comments
 * =============
 */

/* An entry's tree by name; *out NULL and *index -1 when there is none. */
static int
read_xml_entry(zip_t *z, const char *name, zip_int64_t *index,
    xmlDocPtr *out)
{
	struct tm__buf b = { 0 };
	int error;

	*out = NULL;
	if ((*index = zip_name_locate(z, name, 0)) < 0)
		return 0;
	if ((error = read_entry(&b, z, (zip_uint64_t)*index, name)) == 0)
		error = parse_part(out, &b, name);
	tm__buf_release(&b);
	return error;
}

/* The highest w:id in a tree, as a comment's id must differ from it. */
static void
max_id(xmlNodePtr root, long *max)
{
	xmlNodePtr n = root;

	while (n) {
		char *v = n->type == XML_ELEMENT_NODE ? attr(n, W_NS, "id") :
		    NULL;

		if (v) {
			long id = strtol(v, NULL, 10);

			if (id > *max && id < LONG_MAX - 1000000)
				*max = id;
			xmlFree(v);
		}
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		n = n && n != root ? n->next : NULL;
	}
}

static xmlChar *
prop(xmlNodePtr n, const char *name)
{
	return xmlGetNoNsProp(n, (const xmlChar *)name);
}

/*
 * The comments part the document relates to (its tree, to append to), or
 * a new one, word/comments.xml; ids from above every w:id in use.
 */
static int
comments_open(const struct tm__pt_office *o, struct comments *cm,
    xmlDocPtr *rels, zip_int64_t *rels_index)
{
	xmlNodePtr root, n;
	long max = -1;
	size_t i;
	int error;

	memset(cm, 0, sizeof(*cm));
	cm->index = -1;
	if ((error = read_xml_entry(o->zip, DOC_RELS, rels_index, rels)) < 0)
		return error;
	root = *rels ? xmlDocGetRootElement(*rels) : NULL;
	for (n = root ? root->children : NULL; n && !cm->rel; n = n->next) {
		xmlChar *type = prop(n, "Type"), *target = prop(n, "Target");
		xmlChar *mode = prop(n, "TargetMode");

		if (is(n, RELS_NS, "Relationship") && type && target &&
		    strcmp((char *)type, COMMENTS_REL) == 0 && !(mode &&
		    strcmp((char *)mode, "External") == 0)) {
			struct tm__buf b = { 0 };

			cm->rel = true;
			if (tm__buf_printf(&b, "%s%s", target[0] == '/' ? "" :
			    "word/", (char *)target + (target[0] == '/')) < 0)
				error = TM_ENOMEM;
			cm->name = tm__buf_detach(&b);
		}
		xmlFree(type);
		xmlFree(target);
		xmlFree(mode);
	}
	if (error < 0 || (!cm->name && !(cm->name = tm__strdup(
	    "word/comments.xml"))))
		return tm__error_nomem();
	if (!safe_name(cm->name))
		return tm__error(TM_EPARSE, "'%s': the comments part '%s' "
		    "points outside the package: refused", DOC_RELS, cm->name);
	if ((error = read_xml_entry(o->zip, cm->name, &cm->index,
	    &cm->doc)) < 0)
		return error;
	if (cm->doc) {
		root = xmlDocGetRootElement(cm->doc);
		if (!is_w(root, "comments"))
			return tm__error(TM_EPARSE, "'%s': not a comments part "
			    "(its root is <%s>)", cm->name, root->name);
		cm->ns = root->ns;
	} else {
		if (!(cm->doc = xmlNewDoc((const xmlChar *)"1.0")) ||
		    !(root = xmlNewDocNode(cm->doc, NULL,
		    (const xmlChar *)"comments", NULL)))
			return tm__error_nomem();
		xmlDocSetRootElement(cm->doc, root);
		if (!(cm->ns = xmlNewNs(root, (const xmlChar *)W_NS,
		    (const xmlChar *)"w")))
			return tm__error_nomem();
		xmlSetNs(root, cm->ns);
		cm->doc->standalone = 1;
	}
	max_id(xmlDocGetRootElement(cm->doc), &max);
	for (i = 0; i < o->nparts; i++)
		max_id(xmlDocGetRootElement(o->parts[i].doc), &max);
	cm->next = max + 1;
	tm__now_iso(cm->date);
	return 0;
}

/* A new element `name` of root's namespace under root, or NULL. */
static xmlNodePtr
add_entry(xmlNodePtr root, const char *name, const char *a1,
    const char *v1, const char *a2, const char *v2, const char *a3,
    const char *v3)
{
	xmlNodePtr e = add_child(root, xmlNewDocNode(root->doc, root->ns,
	    (const xmlChar *)name, NULL));

	return e && xmlNewProp(e, (const xmlChar *)a1, (const xmlChar *)v1) &&
	    xmlNewProp(e, (const xmlChar *)a2, (const xmlChar *)v2) &&
	    (!a3 || xmlNewProp(e, (const xmlChar *)a3, (const xmlChar *)v3)) ?
	    e : NULL;
}

/* The document's relationship to a new comments part, a fresh Id. */
static int
add_comments_rel(xmlDocPtr *rels, const char *target)
{
	xmlNodePtr root, n;
	char id[32];
	long k;

	if (!*rels) {
		xmlNsPtr ns;

		if (!(*rels = xmlNewDoc((const xmlChar *)"1.0")) ||
		    !(root = xmlNewDocNode(*rels, NULL,
		    (const xmlChar *)"Relationships", NULL)))
			return TM_ENOMEM;
		xmlDocSetRootElement(*rels, root);
		if (!(ns = xmlNewNs(root, (const xmlChar *)RELS_NS, NULL)))
			return TM_ENOMEM;
		xmlSetNs(root, ns);
		(*rels)->standalone = 1;
	}
	root = xmlDocGetRootElement(*rels);
	for (k = 1;; k++) {
		snprintf(id, sizeof(id), "rId%ld", k);
		for (n = root->children; n; n = n->next) {
			xmlChar *v = prop(n, "Id");
			bool taken = v && strcmp((char *)v, id) == 0;

			xmlFree(v);
			if (taken)
				break;
		}
		if (!n)
			break;
	}
	return add_entry(root, "Relationship", "Id", id, "Type", COMMENTS_REL,
	    "Target", target) ? 0 : TM_ENOMEM;
}

/* The comments part's content type, unless the package has it. */
static int
add_comments_type(xmlDocPtr types, const char *name, bool *changed)
{
	xmlNodePtr root = xmlDocGetRootElement(types), n;
	struct tm__buf b = { 0 };
	int error = 0;

	*changed = false;
	if (tm__buf_printf(&b, "/%s", name) < 0)
		return TM_ENOMEM;
	for (n = root->children; n; n = n->next) {
		xmlChar *v = prop(n, "PartName");
		bool same = is(n, CT_NS, "Override") && v &&
		    strcasecmp((char *)v, tm__buf_str(&b)) == 0;

		xmlFree(v);
		if (same)
			break;
	}
	if (!n) {
		*changed = true;
		if (!add_entry(root, "Override", "PartName", tm__buf_str(&b),
		    "ContentType", COMMENTS_TYPE, NULL, NULL))
			error = TM_ENOMEM;
	}
	tm__buf_release(&b);
	return error;
}

/* An entry written anew: a part's new bytes, or a new part. */
struct extra {
	const char *name;
	zip_int64_t index;	/* -1: added at the end */
	xmlChar *data;
	int len;
};

static int
dump(struct extra *e, const char *name, zip_int64_t index, xmlDocPtr doc)
{
	e->name = name;
	e->index = index;
	xmlDocDumpMemoryEnc(doc, &e->data, &e->len, "UTF-8");
	return e->data ? 0 : TM_ENOMEM;
}

/*
 * The entries the comments change: the comments part; when it is new,
 * the document's relationships and the content types too.
 */
static int
comments_close(const struct tm__pt_office *o, struct comments *cm,
    xmlDocPtr *rels, zip_int64_t rels_index, struct extra *ex, size_t *nex)
{
	xmlDocPtr types = NULL;
	zip_int64_t types_index;
	bool changed;
	int error;

	if (!cm->added)
		return 0;
	if ((error = dump(&ex[(*nex)++], cm->name, cm->index, cm->doc)) < 0)
		return error;
	if (!cm->rel && ((error = add_comments_rel(rels, cm->name +
	    strlen("word/"))) < 0 || (error = dump(&ex[(*nex)++], DOC_RELS,
	    rels_index, *rels)) < 0))
		return error;
	if ((error = read_xml_entry(o->zip, CONTENT_TYPES, &types_index,
	    &types)) < 0)
		return error;
	if (!types)
		return tm__error(TM_EPARSE, "no %s in the package: not a Word "
		    "document", CONTENT_TYPES);
	if ((error = add_comments_type(types, cm->name, &changed)) == 0 &&
	    changed)
		error = dump(&ex[(*nex)++], CONTENT_TYPES, types_index, types);
	xmlFreeDoc(types);
	return error;
}

/* A new entry for data, compressed, with the package's other settings. */
static zip_int64_t
add_data(zip_t *out, const char *name, const void *data, int len)
{
	zip_source_t *src = zip_source_buffer(out, data, (zip_uint64_t)len, 0);
	zip_int64_t k;

	if (!src || (k = zip_file_add(out, name, src, ZIP_FL_ENC_GUESS)) < 0) {
		zip_source_free(src);
		return -1;
	}
	return zip_set_file_compression(out, (zip_uint64_t)k, ZIP_CM_DEFLATE,
	    0) < 0 ? -1 : k;
}

int
tm__pt_office_write(const tm_pretranslation *p, const char *path)
{
	const struct tm__pt_office *o = p->office;
	struct comments cm, *pcm = NULL;
	struct extra ex[3];
	xmlDocPtr rels = NULL;
	zip_int64_t rels_index = -1;
	xmlChar **data = NULL;
	int *lens = NULL;
	zip_t *out = NULL;
	zip_int64_t n = zip_get_num_entries(o->zip, 0), i;
	size_t j, nex = 0;
	int error = 0, zerr = 0;

	memset(&cm, 0, sizeof(cm));
	memset(ex, 0, sizeof(ex));
	if (!(data = tm__calloc(o->nparts + 1, sizeof(*data))) ||
	    !(lens = tm__calloc(o->nparts + 1, sizeof(*lens)))) {
		tm_free(data);
		return tm__error_nomem();
	}
	if (!o->odt && p->mark == TM_MARK_COMMENT) {
		if ((error = comments_open(o, &cm, &rels, &rels_index)) < 0)
			goto done;
		pcm = &cm;
	}
	for (j = 0; j < o->nparts && !error; j++)
		error = draft_part(p, j, pcm, &data[j], &lens[j]);
	if (error) {
		error = tm__error_nomem();
		goto done;
	}
	if (pcm && (error = comments_close(o, &cm, &rels, rels_index, ex,
	    &nex)) < 0) {
		if (error == TM_ENOMEM)
			tm__error_nomem();
		goto done;
	}
	if (!(out = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto done;
	}
	/* Every entry in its order; the rebuilt parts, the rest as is. */
	for (i = 0; i < n && !error; i++) {
		zip_stat_t st;
		zip_source_t *src;
		zip_int64_t k;
		size_t e;

		if (zip_stat_index(o->zip, (zip_uint64_t)i, 0, &st) < 0) {
			error = TM_EIO;
			break;
		}
		for (j = 0; j < o->nparts; j++)
			if (o->parts[j].index == (zip_uint64_t)i)
				break;
		for (e = 0; e < nex; e++)
			if (ex[e].index == i)
				break;
		if (j < o->nparts || e < nex) {
			k = j < o->nparts ? add_data(out, st.name, data[j],
			    lens[j]) : add_data(out, st.name, ex[e].data,
			    ex[e].len);
		} else if (!(src = zip_source_zip(out, o->zip,
		    (zip_uint64_t)i, 0, 0, -1)) || (k = zip_file_add(out,
		    st.name, src, ZIP_FL_ENC_GUESS)) < 0) {
			zip_source_free(src);
			k = -1;
		} else if (zip_set_file_compression(out, (zip_uint64_t)k,
		    (zip_int32_t)st.comp_method, 0) < 0) {
			k = -1;
		}
		if (k < 0 || ((st.valid & ZIP_STAT_MTIME) &&
		    zip_file_set_mtime(out, (zip_uint64_t)k, st.mtime, 0) < 0))
			error = TM_EIO;
	}
	/* New parts (a comments part) after the others. */
	for (j = 0; j < nex && !error; j++)
		if (ex[j].index < 0 && add_data(out, ex[j].name, ex[j].data,
		    ex[j].len) < 0)
			error = TM_EIO;
	if (error) {
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    zip_message(out));
		zip_discard(out);
	} else if (zip_close(out) < 0) {
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    zip_message(out));
		zip_discard(out);
	}
done:
	for (j = 0; j < o->nparts; j++)
		xmlFree(data[j]);
	for (j = 0; j < nex; j++)
		xmlFree(ex[j].data);
	tm_free(data);
	tm_free(lens);
	tm_free(cm.name);
	if (cm.doc)
		xmlFreeDoc(cm.doc);
	if (rels)
		xmlFreeDoc(rels);
	return error;
}
