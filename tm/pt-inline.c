/*
 * pt-inline.c: the inline markup of HTML documents through
 * pre-translation (issue 6, item 2).
 *
 * Reading: a text block's inline elements (a, b, span, ...) become
 * paired codes, its empty ones (br, img), opaque ones (script, style)
 * and comments empty codes, each remembering its original element; the text the
 * segmenter, the matcher and MT see is the block's plain text, with
 * white space collapsed as a browser shows it.  Ids are numbered from 1
 * within each segment (trans-unit): the XLIFF 1.2 schema asks nothing
 * more, OmegaT numbers a unit's tags itself, and the same sentence gets
 * the same ids wherever it stands, which the memory's stored codes rely
 * on.  An element that crosses a sentence boundary is split: it is
 * closed at the end of the one segment and opened again, with the same
 * attributes, at the start of the next (rather than <bx/>/<ex/>, which
 * CAT tools let translators move only as a pair they cannot see), so
 * every segment's codes are balanced <g> and the draft gets two
 * elements where the document had one.
 *
 * Placing: the target gets the codes by the rules of
 * tm__pt_place_codes; the draft rebuilds each translated block from the
 * target text and the original elements; the XLIFF writes <g>/<x/> with
 * their ctype, the review page small badges.
 */
#include "pretranslate.h"
#include "quantity.h"

#include <ctype.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/utf8.h>

/*
 * Element kinds
 * =============
 */

static bool
name_in(const xmlChar *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (xmlStrcasecmp(name, (const xmlChar *)names[i]) == 0)
			return true;
	return false;
}

/* Elements without content: one empty code. */
static bool
void_name(const xmlChar *name)
{
	static const char *const names[] = {
		"area", "base", "br", "col", "embed", "hr", "img", "input",
		"link", "meta", "param", "source", "track", "wbr"
	};

	return name_in(name, names, TM__ARRAY_SIZE(names));
}

/* Elements whose content is no text to translate: one empty code too. */
static bool
opaque_name(const xmlChar *name)
{
	static const char *const names[] = {
		"script", "style", "noscript", "template", "iframe", "object",
		"svg", "math", "video", "audio", "canvas", "textarea",
		"select"
	};

	return name_in(name, names, TM__ARRAY_SIZE(names));
}

/* A code nobody sees on the page: a script, a style, a comment. */
static bool
invisible(const struct tm__pt_code *c)
{
	if (c->ops)
		return c->ops->invisible(c);
	return c->node && (c->node->type == XML_COMMENT_NODE ||
	    opaque_name(c->node->name));
}

/*
 * XLIFF 1.2's ctype of a code: an element's standard value or
 * x-html-NAME; Markdown's own.
 */
static const char *
ctype_of(const struct tm__pt_code *code, char *buf, size_t size)
{
	xmlNodePtr n = code->node;
	static const char *const map[][2] = {
		{ "b", "bold" }, { "strong", "bold" }, { "i", "italic" },
		{ "em", "italic" }, { "u", "underlined" }, { "ins",
		"underlined" }, { "a", "link" }, { "br", "lb" },
		{ "img", "image" }
	};
	const char *name;
	size_t i, o;

	if (!n)
		return code->md->ctype;
	if (code->ops)
		return code->ops->ctype(code);
	name = (const char *)n->name;
	if (n->type == XML_COMMENT_NODE)
		return "x-html-comment";
	for (i = 0; i < TM__ARRAY_SIZE(map); i++)
		if (strcasecmp(name, map[i][0]) == 0)
			return map[i][1];
	o = (size_t)snprintf(buf, size, "x-html-");
	for (i = 0; name[i] && o + 1 < size; i++) {
		unsigned char c = (unsigned char)name[i];

		buf[o++] = (char)(isalnum(c) || c == '-' || c == '.' ||
		    c == '_' ? tolower(c) : '_');
	}
	buf[o] = '\0';
	return buf;
}

/*
 * Reading a block
 * ===============
 */

struct hline {
	size_t off;
	long line;
};

struct htext {
	struct tm__buf text;
	struct tm__pt_event *ev;
	size_t nev, capev;
	struct hline *lines;
	size_t nlines, caplines;
	long line;		/* of the text being read */
	bool pending;		/* white space seen, not yet written */
	bool newline;		/* ... and a line break among it */
	bool last_cjk;		/* the last character written is CJK */
};

static bool
cjk(UChar32 c)
{
	return c >= 0x2e80 && c < 0xfb00;
}

static bool
html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* White space seen before a tag: one space, unless CJK lines meet. */
static int
flush_space(struct htext *h)
{
	bool keep = h->pending && h->text.len &&
	    h->text.ptr[h->text.len - 1] != ' ' &&
	    !(h->newline && h->last_cjk);

	h->pending = h->newline = false;
	return keep ? tm__buf_addc(&h->text, ' ') : 0;
}

static int
add_event(struct htext *h, xmlNodePtr node, char kind)
{
	int error;

	if (kind != TM__TAG_CLOSE && (error = flush_space(h)) < 0)
		return error;
	if (tm__grow((void **)&h->ev, &h->capev, h->nev, sizeof(*h->ev)) < 0)
		return TM_ENOMEM;
	memset(&h->ev[h->nev], 0, sizeof(*h->ev));
	h->ev[h->nev].pos = h->text.len;
	h->ev[h->nev].code.node = node;
	h->ev[h->nev++].kind = kind;
	return 0;
}

/*
 * Text as a browser lays it out: runs of white space are one space,
 * none at the start; a line break between two CJK characters is none
 * (as the segmenter joins such lines).
 */
static int
add_text(struct htext *h, const char *s)
{
	int32_t i = 0, len = (int32_t)strlen(s);
	int error = 0;

	while (i < len && !error) {
		int32_t at = i;
		UChar32 c;

		if (html_space(s[i])) {
			h->pending = true;
			if (s[i] == '\n') {
				h->newline = true;
				h->line++;
			}
			i++;
			continue;
		}
		U8_NEXT(s, i, len, c);
		if (h->pending && h->text.len &&
		    h->text.ptr[h->text.len - 1] != ' ' &&
		    !(h->newline && h->last_cjk && cjk(c)))
			error = tm__buf_addc(&h->text, ' ');
		h->pending = h->newline = false;
		if (!error && (!h->nlines ||
		    h->lines[h->nlines - 1].line != h->line)) {
			if (tm__grow((void **)&h->lines, &h->caplines,
			    h->nlines, sizeof(*h->lines)) < 0)
				return TM_ENOMEM;
			h->lines[h->nlines].off = h->text.len;
			h->lines[h->nlines++].line = h->line;
		}
		if (!error)
			error = tm__buf_add(&h->text, s + at, (size_t)(i - at));
		h->last_cjk = c >= 0 && cjk(c);
	}
	return error;
}

/* Walk the block's subtree without recursion (any depth). */
static int
read_block(struct htext *h, xmlNodePtr block)
{
	xmlNodePtr n = block->children;
	int error = 0;

	while (n && !error) {
		bool descend = false;

		/*
		 * Lines: an element's is where it starts; in text, count
		 * the line breaks (libxml2's line of a text node is not
		 * where it starts).
		 */
		if (n->type == XML_TEXT_NODE || n->type ==
		    XML_CDATA_SECTION_NODE) {
			if (n->content)
				error = add_text(h, (const char *)n->content);
		} else if (n->type == XML_COMMENT_NODE) {
			error = add_event(h, n, TM__TAG_EMPTY);
		} else if (n->type == XML_ELEMENT_NODE) {
			long l = xmlGetLineNo(n);

			if (l > 0)
				h->line = l;
			if (void_name(n->name) || opaque_name(n->name)) {
				error = add_event(h, n, TM__TAG_EMPTY);
				/* A line break is white space too. */
				if (xmlStrcasecmp(n->name,
				    (const xmlChar *)"br") == 0) {
					h->pending = true;
					h->newline = true;
				}
			} else {
				error = add_event(h, n, TM__TAG_OPEN);
				if (!error && n->children)
					descend = true;
				else if (!error)
					error = add_event(h, n, TM__TAG_CLOSE);
			}
		}
		if (error)
			break;
		if (descend) {
			n = n->children;
			continue;
		}
		while (n && !n->next && !error) {
			n = n->parent;
			if (!n || n == block)
				n = NULL;
			else
				error = add_event(h, n, TM__TAG_CLOSE);
		}
		if (n)
			n = n->next;
	}
	return error;
}

static int
add_code(struct tm__pt_seg *g, size_t *cap, const struct tm__pt_code *c,
    bool paired, unsigned *id)
{
	if (tm__grow((void **)&g->codes, cap, g->ncodes, sizeof(*g->codes)) < 0)
		return TM_ENOMEM;
	g->codes[g->ncodes] = *c;
	g->codes[g->ncodes++].paired = paired;
	*id = (unsigned)g->ncodes;
	return 0;
}

static int
add_tag(struct tm__pt_tag **v, size_t *n, size_t *cap, size_t pos,
    unsigned id, char kind)
{
	if (tm__grow((void **)v, cap, *n, sizeof(**v)) < 0)
		return TM_ENOMEM;
	(*v)[*n].pos = pos;
	(*v)[*n].id = id;
	(*v)[(*n)++].kind = kind;
	return 0;
}

struct open_el {
	struct tm__pt_code code;
	unsigned id;		/* in the segment being written */
};

static bool
same_code(const struct tm__pt_code *a, const struct tm__pt_code *b)
{
	return a->node == b->node && a->md == b->md;
}

int
tm__pt_segment_block(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line)
{
	tm_segments *ss = NULL;
	size_t i;
	int error;

	if ((error = tm_segment_text(&ss, sg, text, len)) < 0)
		return tm__error_prefix("line %ld", line);
	for (i = 0; i < tm_segments_count(ss); i++) {
		const tm_segment *s = tm_segments_get(ss, i);
		struct tm__pt_seg *g;

		if (!*s->text)
			continue;
		if (tm__grow((void **)&p->segs, &p->capsegs, p->nsegs,
		    sizeof(*p->segs)) < 0) {
			error = TM_ENOMEM;
			break;
		}
		g = &p->segs[p->nsegs];
		memset(g, 0, sizeof(*g));
		if (!(g->source = tm__strdup(s->text))) {
			error = tm__error_nomem();
			break;
		}
		g->para = s->para;
		g->pub.line = line + s->line - 1;
		p->nsegs++;
		b->n++;
	}
	tm_segments_free(ss);
	return error;
}

/*
 * The block's events shared out among its segments [s[k], e[k]) of the
 * text: an event inside a segment (or at its end, unless it opens an
 * element) is the segment's; between two segments, the closing tags
 * and the empty ones touching the end go to the segment before, all
 * from the first other one on to the segment after.  Elements still
 * open at a segment's end are closed there and opened again in the
 * next one.
 */
int
tm__pt_share_events(tm_pretranslation *p, struct tm__pt_block *b,
    const struct tm__pt_event *ev, size_t nev, const size_t *s,
    const size_t *e, const size_t *map)
{
	struct open_el *stack = NULL;
	size_t *seg_of = NULL, i = 0, k, depth = 0;
	int error = 0;

	if (!nev)
		return 0;
	if (!(seg_of = tm__calloc(nev, sizeof(*seg_of))) ||
	    !(stack = tm__calloc(nev, sizeof(*stack)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (k = 0; k < b->n; k++) {
		while (i < nev && (ev[i].pos < e[k] || (ev[i].pos == e[k] &&
		    (ev[i].kind != TM__TAG_OPEN || k + 1 == b->n))))
			seg_of[i++] = k;
		if (k + 1 == b->n) {
			while (i < nev)
				seg_of[i++] = k;
			break;
		}
		while (i < nev && ev[i].pos < s[k + 1] &&
		    (ev[i].kind == TM__TAG_CLOSE ||
		    (ev[i].kind == TM__TAG_EMPTY && ev[i].pos == e[k])))
			seg_of[i++] = k;
	}
	for (i = 0, k = 0; k < b->n && !error; k++) {
		struct tm__pt_seg *g = &p->segs[b->first + k];
		size_t len = map ? strlen(g->source) : e[k] - s[k], ccap = 0;
		size_t tcap = 0, j;

		for (j = 0; j < depth && !error; j++)
			if ((error = add_code(g, &ccap, &stack[j].code, true,
			    &stack[j].id)) == 0)
				error = add_tag(&g->stags, &g->nstags, &tcap, 0,
				    stack[j].id, TM__TAG_OPEN);
		for (; i < nev && seg_of[i] == k && !error; i++) {
			const struct tm__pt_event *v = &ev[i];
			size_t pos = v->pos <= s[k] ? 0 : v->pos >= e[k] ? len :
			    map ? map[v->pos] : v->pos - s[k];
			unsigned id;

			if (v->kind == TM__TAG_CLOSE) {
				if (!depth || !same_code(&stack[depth - 1].code,
				    &v->code))
					continue;
				depth--;
				error = add_tag(&g->stags, &g->nstags, &tcap,
				    pos, stack[depth].id, TM__TAG_CLOSE);
				continue;
			}
			if ((error = add_code(g, &ccap, &v->code, v->kind ==
			    TM__TAG_OPEN, &id)) < 0 || (error = add_tag(
			    &g->stags, &g->nstags, &tcap, pos, id,
			    v->kind)) < 0)
				break;
			if (v->kind == TM__TAG_OPEN) {
				stack[depth].code = v->code;
				stack[depth++].id = id;
			}
		}
		for (j = depth; j > 0 && !error; j--)
			error = add_tag(&g->stags, &g->nstags, &tcap, len,
			    stack[j - 1].id, TM__TAG_CLOSE);
	}
done:
	tm_free(seg_of);
	tm_free(stack);
	return error < 0 ? tm__error_nomem() : 0;
}

int
tm__pt_segment_coded(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line,
    const struct tm__pt_event *ev, size_t nev, size_t **starts)
{
	size_t *s = NULL, *e = NULL, k, at = 0;
	int error;

	if (starts)
		*starts = NULL;
	if ((error = tm__pt_segment_block(p, sg, b, text, len, line)) < 0 ||
	    !b->n)
		return error;
	if (!(s = tm__calloc(b->n, sizeof(*s))) ||
	    !(e = tm__calloc(b->n, sizeof(*e)))) {
		error = tm__error_nomem();
		goto done;
	}
	/*
	 * Each segment is a piece of the block's text (one line: the
	 * segmenter only trims it): find them in order.
	 */
	for (k = 0; k < b->n; k++) {
		struct tm__pt_seg *g = &p->segs[b->first + k];
		const char *f = strstr(text + at, g->source);

		if (!f)
			goto done;	/* not expected: no codes, text kept */
		s[k] = (size_t)(f - text);
		e[k] = at = s[k] + strlen(g->source);
	}
	error = tm__pt_share_events(p, b, ev, nev, s, e, NULL);
	if (!error && starts) {
		*starts = s;
		s = NULL;
	}
done:
	tm_free(s);
	tm_free(e);
	return error;
}

int
tm__pt_html_segment(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, xmlNodePtr node)
{
	struct htext h;
	size_t *s = NULL, k;
	long line = xmlGetLineNo(node);
	int error;

	memset(&h, 0, sizeof(h));
	h.line = line > 0 ? line : 1;
	if ((error = read_block(&h, node)) < 0) {
		tm__error_nomem();
		goto done;
	}
	if ((error = tm__buf_adds(&h.text, "")) < 0) {
		tm__error_nomem();
		goto done;
	}
	if ((error = tm__pt_segment_coded(p, sg, b, h.text.ptr, h.text.len,
	    h.line, h.ev, h.nev, &s)) < 0 || !s)
		goto done;
	for (k = 0; k < b->n; k++) {
		struct tm__pt_seg *g = &p->segs[b->first + k];
		size_t j;

		g->pub.line = line > 0 ? line : g->pub.line;
		for (j = 0; j < h.nlines && h.lines[j].off <= s[k]; j++)
			g->pub.line = h.lines[j].line;
	}
done:
	tm_free(s);
	tm__buf_release(&h.text);
	tm_free(h.ev);
	tm_free(h.lines);
	return error;
}

/*
 * Placing the codes in the target
 * ===============================
 */

/* A code of the memory's target <seg> (TMX 1.4b inline elements). */
struct mtag {
	size_t pos;
	char kind;		/* enum tm__pt_tag_kind */
	long x;			/* its x= (or i= for the ept's pair), -1 none */
	size_t pair;		/* CLOSE: the index of its OPEN */
};

struct mseg {
	struct tm__buf text;
	struct mtag *t;
	size_t n, cap;
	size_t stack[64];
	size_t depth;
	bool bad;
};

static long
num_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *end;
	long x = -1;

	if (v && *v) {
		x = strtol((const char *)v, &end, 10);
		if (*end || x < 0)
			x = -1;
	}
	xmlFree(v);
	return x;
}

static int
mseg_tag(struct mseg *m, char kind, long x, size_t pair)
{
	if (tm__grow((void **)&m->t, &m->cap, m->n, sizeof(*m->t)) < 0)
		return TM_ENOMEM;
	m->t[m->n].pos = m->text.len;
	m->t[m->n].kind = kind;
	m->t[m->n].x = x;
	m->t[m->n++].pair = pair;
	return 0;
}

static int
mseg_walk(struct mseg *m, xmlNodePtr n, int depth)
{
	xmlNodePtr c;
	int error = 0;

	if (depth > 32) {
		m->bad = true;
		return 0;
	}
	for (c = n->children; c && !error && !m->bad; c = c->next) {
		const char *name = (const char *)c->name;

		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				error = tm__buf_adds(&m->text,
				    (const char *)c->content);
		} else if (c->type != XML_ELEMENT_NODE) {
			continue;
		} else if (strcmp(name, "bpt") == 0) {
			if (m->depth == TM__ARRAY_SIZE(m->stack)) {
				m->bad = true;
				break;
			}
			m->stack[m->depth++] = m->n;
			/* The pair's i= rides along in `pair` until its ept. */
			error = mseg_tag(m, TM__TAG_OPEN, num_attr(c, "x"),
			    (size_t)num_attr(c, "i"));
		} else if (strcmp(name, "ept") == 0) {
			size_t o;

			if (!m->depth) {
				m->bad = true;
				break;
			}
			o = m->stack[--m->depth];
			if (m->t[o].pair != (size_t)num_attr(c, "i")) {
				m->bad = true;
				break;
			}
			error = mseg_tag(m, TM__TAG_CLOSE, -1, o);
		} else if (strcmp(name, "ph") == 0 || strcmp(name, "it") == 0 ||
		    strcmp(name, "ut") == 0) {
			error = mseg_tag(m, TM__TAG_EMPTY, num_attr(c, "x"), 0);
		} else if (strcmp(name, "hi") == 0) {
			size_t o = m->n;

			if ((error = mseg_tag(m, TM__TAG_OPEN, num_attr(c, "x"),
			    0)) == 0 && (error = mseg_walk(m, c,
			    depth + 1)) == 0)
				error = mseg_tag(m, TM__TAG_CLOSE, -1, o);
		} else {
			m->bad = true;
		}
	}
	return error;
}

/* Parse a stored <seg>'s XML; m->bad when it is not usable. */
static int
mseg_read(struct mseg *m, const char *seg)
{
	struct tm__xml_errors saved;
	struct tm__buf x = { 0 };
	xmlDocPtr doc;
	int error;

	if ((error = tm__buf_adds(&x, "<seg>")) < 0 ||
	    (error = tm__buf_adds(&x, seg)) < 0 ||
	    (error = tm__buf_adds(&x, "</seg>")) < 0 || x.len > INT_MAX) {
		tm__buf_release(&x);
		return error < 0 ? error : 0;
	}
	tm__xml_quiet(&saved);
	doc = xmlReadMemory(x.ptr, (int)x.len, NULL, "UTF-8", XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	tm__xml_loud(&saved);
	tm__buf_release(&x);
	if (!doc || !xmlDocGetRootElement(doc)) {
		m->bad = true;
		xmlFreeDoc(doc);
		return 0;
	}
	error = mseg_walk(m, xmlDocGetRootElement(doc), 0);
	if (!error && m->depth)
		m->bad = true;
	if (!error)
		error = tm__buf_adds(&m->text, "");
	xmlFreeDoc(doc);
	return error;
}

static int
set_ttags(struct tm__pt_seg *g, const struct tm__pt_tag *t, size_t n)
{
	tm_free(g->ttags);
	g->ttags = NULL;
	g->nttags = 0;
	if (!n)
		return 0;
	if (!(g->ttags = tm__calloc(n, sizeof(*t))))
		return TM_ENOMEM;
	memcpy(g->ttags, t, n * sizeof(*t));
	g->nttags = n;
	return 0;
}

/*
 * Rule (a): the memory's target has codes, as many pairs and empty ones
 * as the source: each takes the source code its x= names when all of
 * them name distinct codes of their kind, else the source's in order.
 */
static int
rule_a(struct tm__pt_seg *g, bool *done)
{
	struct mseg m;
	struct tm__pt_tag *t = NULL;
	unsigned *pairs = NULL, *empties = NULL, *map = NULL;
	size_t np = 0, ne = 0, mp = 0, me = 0, i;
	bool by_x = true;
	int error;

	*done = false;
	memset(&m, 0, sizeof(m));
	if (!g->target_seg || !strchr(g->target_seg, '<'))
		return 0;
	if ((error = mseg_read(&m, g->target_seg)) < 0 || m.bad ||
	    strcmp(tm__buf_str(&m.text), g->target) != 0)
		goto done;
	for (i = 0; i < g->ncodes; i++) {
		if (g->codes[i].paired)
			np++;
		else
			ne++;
	}
	for (i = 0; i < m.n; i++) {
		if (m.t[i].kind == TM__TAG_OPEN)
			mp++;
		else if (m.t[i].kind == TM__TAG_EMPTY)
			me++;
	}
	if (mp != np || me != ne || !m.n)
		goto done;
	if (!(pairs = tm__calloc(np + 1, sizeof(*pairs))) ||
	    !(empties = tm__calloc(ne + 1, sizeof(*empties))) ||
	    !(map = tm__calloc(m.n, sizeof(*map))) ||
	    !(t = tm__calloc(m.n, sizeof(*t)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0, np = ne = 0; i < g->nstags; i++) {
		if (g->stags[i].kind == TM__TAG_OPEN)
			pairs[np++] = g->stags[i].id;
		else if (g->stags[i].kind == TM__TAG_EMPTY)
			empties[ne++] = g->stags[i].id;
	}
	/* By x=: distinct ids of the source's codes of the same kind. */
	for (i = 0; i < m.n && by_x; i++) {
		const struct mtag *k = &m.t[i];
		size_t j;

		if (k->kind == TM__TAG_CLOSE)
			continue;
		by_x = k->x >= 1 && (size_t)k->x <= g->ncodes &&
		    g->codes[k->x - 1].paired == (k->kind == TM__TAG_OPEN);
		for (j = 0; j < i && by_x; j++)
			by_x = m.t[j].kind == TM__TAG_CLOSE || m.t[j].x != k->x;
	}
	for (i = 0, mp = me = 0; i < m.n; i++) {
		const struct mtag *k = &m.t[i];

		t[i].pos = k->pos;
		t[i].kind = k->kind;
		if (k->kind == TM__TAG_CLOSE)
			t[i].id = map[k->pair];
		else if (by_x)
			t[i].id = (unsigned)k->x;
		else if (k->kind == TM__TAG_OPEN)
			t[i].id = pairs[mp++];
		else
			t[i].id = empties[me++];
		map[i] = t[i].id;
	}
	if ((error = set_ttags(g, t, m.n)) == 0)
		*done = true;
done:
	tm__buf_release(&m.text);
	tm_free(m.t);
	tm_free(pairs);
	tm_free(empties);
	tm_free(map);
	tm_free(t);
	return error;
}

/* A code placed in the target: a span [a, b) or an empty one at a. */
struct placed {
	size_t a, b;
	unsigned id;
	size_t rank, crank;	/* its source tags' order (open, close) */
	bool paired;
};

struct placing {
	struct placed *v;
	size_t n, cap;
};

static int
place(struct placing *pl, size_t a, size_t b, unsigned id, size_t rank,
    size_t crank, bool paired)
{
	if (tm__grow((void **)&pl->v, &pl->cap, pl->n, sizeof(*pl->v)) < 0)
		return TM_ENOMEM;
	pl->v[pl->n].a = a;
	pl->v[pl->n].b = b;
	pl->v[pl->n].id = id;
	pl->v[pl->n].rank = rank;
	pl->v[pl->n].crank = crank;
	pl->v[pl->n++].paired = paired;
	return 0;
}

/* Whether span [a, b) nests with (or keeps clear of) every placed one. */
static bool
nests(const struct placing *pl, size_t a, size_t b)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		const struct placed *q = &pl->v[i];

		if (!q->paired || b <= q->a || q->b <= a ||
		    (a <= q->a && q->b <= b) || (q->a <= a && b <= q->b))
			continue;
		return false;
	}
	return true;
}

static bool
word_char(unsigned char c)
{
	return c < 0x80 && isalnum(c);
}

/* The first s[0..n) in t (NUL-terminated), or NULL. */
static const char *
strstr_n(const char *t, const char *s, size_t n)
{
	for (; (t = strchr(t, s[0])); t++)
		if (strncmp(t, s, n) == 0)
			return t;
	return NULL;
}

/*
 * The only occurrence of s[0..n) in t, not inside a longer word or
 * number (ASCII letters and digits): its offset, or -1.
 */
static long
only_occurrence(const char *t, const char *s, size_t n)
{
	const char *f, *at = t;
	long found = -1;

	if (!n)
		return -1;
	while ((f = strstr_n(at, s, n))) {
		at = f + 1;
		if ((word_char((unsigned char)s[0]) && f > t &&
		    word_char((unsigned char)f[-1])) ||
		    (word_char((unsigned char)s[n - 1]) &&
		    word_char((unsigned char)f[n])))
			continue;
		if (found >= 0)
			return -1;
		found = (long)(f - t);
	}
	return found;
}

/*
 * Rule (c) for numbers and dates: a pair whose text is numbers, months
 * or weekdays with at most a character each besides (<b>5万只</b>,
 * <b>1月28日</b>), each of which the target has once by value
 * ("50,000", "January 28"): the span from the first to the last of
 * them in the target.
 */
static int
find_quantities(const struct tm__pt_seg *g, const bool cjk[2], size_t a,
    size_t b, long *at, size_t *len)
{
	struct tm__qty_list s = { 0 }, t = { 0 };
	size_t i, j, lo = SIZE_MAX, hi = 0, nq = 0, rest = 0, k, tlen;
	int error;

	tlen = strlen(g->target);
	if ((error = tm__qty_scan(&s, g->source + a, b - a, cjk[0])) < 0 ||
	    (error = tm__qty_scan(&t, g->target, tlen, cjk[1])) < 0)
		goto done;
	for (i = 0; i < s.n; i++) {
		const struct tm__qty *q = &s.q[i];
		size_t hit = 0, count = 0;

		if (q->kind == TM__QTY_NONE)
			continue;
		for (j = 0; j < t.n; j++)
			if (t.q[j].kind == q->kind && t.q[j].flags ==
			    q->flags && tm__qty_same(t.q[j].value, q->value)) {
				count++;
				hit = j;
			}
		if (count != 1)
			goto done;
		nq++;
		if (t.q[hit].start < lo)
			lo = t.q[hit].start;
		if (t.q[hit].end > hi)
			hi = t.q[hit].end;
	}
	/* The characters of the pair outside its quantities, but spaces. */
	for (k = 0, j = 0; k < b - a; k++) {
		unsigned char c = (unsigned char)g->source[a + k];

		while (j < s.n && s.q[j].end <= k)
			j++;
		if ((j < s.n && s.q[j].start <= k) || c == ' ' ||
		    (c & 0xc0) == 0x80)
			continue;
		rest++;
	}
	if (nq && rest <= nq && hi - lo <= 40) {
		*at = (long)lo;
		*len = hi - lo;
	}
done:
	tm__qty_list_release(&s);
	tm__qty_list_release(&t);
	return error;
}

/*
 * Rule (c) for the pair [a, b) of the source: where its text stands in
 * the target, or the glossary's translation of it, or its numbers and
 * dates; *at -1 when not once.
 */
static int
find_inner(const struct tm__pt_seg *g, const tm_term_hits *hits,
    const bool cjk[2], size_t a, size_t b, long *at, size_t *len)
{
	size_t i, j, n = tm_term_hits_count(hits);

	*at = -1;
	while (a < b && g->source[a] == ' ')
		a++;
	while (b > a && g->source[b - 1] == ' ')
		b--;
	if (a == b)
		return 0;
	if ((*at = only_occurrence(g->target, g->source + a, b - a)) >= 0) {
		*len = b - a;
		return 0;
	}
	/* The source's glossary terms: one of them exactly the pair's. */
	for (i = 0; i < n; i++) {
		const tm_term_hit *h = tm_term_hits_get(hits, i);
		long found = -1;
		size_t flen = 0, count = 0;

		if (h->start != a || h->len != b - a)
			continue;
		for (j = 0; j < h->ntargets; j++) {
			const char *tt = h->targets[j].text;
			long f = only_occurrence(g->target, tt, strlen(tt));

			if (f >= 0) {
				count++;
				found = f;
				flen = strlen(tt);
			} else if (*tt && strstr(g->target, tt)) {
				count += 2;
			}
		}
		if (count == 1) {
			*at = found;
			*len = flen;
			return 0;
		}
		break;
	}
	return find_quantities(g, cjk, a, b, at, len);
}

static int
cmp_placed(const void *x, const void *y)
{
	const struct placed *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->paired && q->paired && p->b != q->b)
		return p->b > q->b ? -1 : 1;
	return p->rank < q->rank ? -1 : p->rank > q->rank;
}

/* The placed codes as the target's tags, nested. */
static int
emit_placed(struct tm__pt_seg *g, struct placing *pl)
{
	struct tm__pt_tag *t = NULL;
	size_t *stack = NULL, depth = 0, n = 0, cap = 0, i;
	int error = 0;

	if (!pl->n)
		return set_ttags(g, NULL, 0);
	qsort(pl->v, pl->n, sizeof(*pl->v), cmp_placed);
	if (!(stack = tm__calloc(pl->n, sizeof(*stack))))
		return TM_ENOMEM;
	for (i = 0; i < pl->n && !error; i++) {
		const struct placed *q = &pl->v[i];

		while (depth && !error) {
			const struct placed *top = &pl->v[stack[depth - 1]];

			if (top->b > q->a || (top->b == q->a && !q->paired &&
			    top->crank > q->rank))
				break;
			depth--;
			error = add_tag(&t, &n, &cap, top->b, top->id,
			    TM__TAG_CLOSE);
		}
		if (!error)
			error = add_tag(&t, &n, &cap, q->a, q->id, q->paired ?
			    TM__TAG_OPEN : TM__TAG_EMPTY);
		if (q->paired)
			stack[depth++] = i;
	}
	while (depth && !error) {
		const struct placed *top = &pl->v[stack[--depth]];

		error = add_tag(&t, &n, &cap, top->b, top->id, TM__TAG_CLOSE);
	}
	if (!error)
		error = set_ttags(g, t, n);
	tm_free(t);
	tm_free(stack);
	return error;
}

int
tm__pt_place_codes(struct tm__pt_seg *g, const tm_term_hits *hits,
    const char *from, const char *to)
{
	struct placing pl = { 0 };
	size_t *close = NULL, *stack = NULL, ns = g->nstags, i, j, k, slen;
	size_t tlen, depth;
	bool done, *placed = NULL;
	const bool cjk[2] = { tm__lang_cjk(from), tm__lang_cjk(to) };
	int error;

	if (!g->target || !ns)
		return set_ttags(g, NULL, 0);
	if ((error = rule_a(g, &done)) < 0 || done)
		return error;
	slen = strlen(g->source);
	tlen = strlen(g->target);
	/* The index of each open tag's close tag (ids are unique). */
	if (!(close = tm__calloc(ns, sizeof(*close))) ||
	    !(placed = tm__calloc(g->ncodes + 1, sizeof(*placed)))) {
		error = TM_ENOMEM;
		goto done;
	}
	/* The source's tags are balanced: a stack (linear when nested). */
	if (!(stack = tm__calloc(ns, sizeof(*stack)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0, depth = 0; i < ns; i++)
		if (g->stags[i].kind == TM__TAG_OPEN)
			stack[depth++] = i;
		else if (g->stags[i].kind == TM__TAG_CLOSE && depth)
			close[stack[--depth]] = i;
	/* (b) Codes around the whole segment stay around it. */
	for (i = 0; i < ns && g->stags[i].pos == 0 &&
	    g->stags[i].kind != TM__TAG_CLOSE; i++)
		;
	for (j = ns; j > i && g->stags[j - 1].pos == slen &&
	    g->stags[j - 1].kind != TM__TAG_OPEN; j--)
		;
	for (k = 0; k < i && !error; k++) {
		const struct tm__pt_tag *t = &g->stags[k];

		if (t->kind == TM__TAG_EMPTY)
			error = place(&pl, 0, 0, t->id, k, k, false);
		else if (close[k] >= j)
			error = place(&pl, 0, tlen, t->id, k, close[k], true);
		else
			continue;
		placed[t->id] = true;
	}
	for (k = j; k < ns && !error; k++)
		if (g->stags[k].kind == TM__TAG_EMPTY) {
			error = place(&pl, tlen, tlen, g->stags[k].id, k, k,
			    false);
			placed[g->stags[k].id] = true;
		}
	/* (c) A pair around text the target has once (or its term's). */
	for (i = 0; i < ns && !error; i++) {
		const struct tm__pt_tag *t = &g->stags[i];
		long at;
		size_t len = 0;

		if (t->kind != TM__TAG_OPEN || placed[t->id])
			continue;
		if ((error = find_inner(g, hits, cjk, t->pos,
		    g->stags[close[i]].pos, &at, &len)) < 0)
			break;
		if (at < 0 || !nests(&pl, (size_t)at, (size_t)at + len))
			continue;
		if ((error = place(&pl, (size_t)at, (size_t)at + len, t->id, i,
		    close[i], true)) == 0)
			placed[t->id] = true;
	}
	/*
	 * Codes nobody sees (a script, a style, a comment) go to the end
	 * rather than out: the draft keeps them, the page looks the same.
	 */
	for (i = 0; i < ns && !error; i++) {
		const struct tm__pt_tag *t = &g->stags[i];

		if (t->kind != TM__TAG_EMPTY || placed[t->id] ||
		    !invisible(&g->codes[t->id - 1]))
			continue;
		error = place(&pl, tlen, tlen, t->id, ns + i, ns + i, false);
		placed[t->id] = true;
	}
	/* (d) The rest are left out: tm check reports the difference. */
	if (!error)
		error = emit_placed(g, &pl);
done:
	tm_free(pl.v);
	tm_free(close);
	tm_free(stack);
	tm_free(placed);
	return error == TM_ENOMEM ? tm__error_nomem() : error;
}

/*
 * Writing
 * =======
 */

int
tm__pt_tagged(char **out, const char *text, const struct tm__pt_tag *t,
    size_t n)
{
	struct tm__buf b = { 0 };
	size_t at = 0, i, len = strlen(text);
	int error = 0;

	*out = NULL;
	for (i = 0; i < n && !error; i++) {
		size_t pos = t[i].pos > len ? len : t[i].pos;

		if (pos > at && (error = tm__buf_add(&b, text + at,
		    pos - at)) < 0)
			break;
		at = pos > at ? pos : at;
		if (t[i].kind == TM__TAG_OPEN)
			error = tm__buf_printf(&b, "<g id=\"%u\">", t[i].id);
		else if (t[i].kind == TM__TAG_CLOSE)
			error = tm__buf_adds(&b, "</g>");
		else
			error = tm__buf_printf(&b, "<x id=\"%u\"/>", t[i].id);
	}
	if (!error)
		error = tm__buf_adds(&b, text + at);
	if (error < 0) {
		tm__buf_release(&b);
		return tm__error_nomem();
	}
	*out = tm__buf_detach(&b);
	return 0;
}

int
tm__pt_add_xliff(struct tm__buf *b, const char *text,
    const struct tm__pt_tag *t, size_t n, const struct tm__pt_code *codes)
{
	size_t at = 0, i, len = strlen(text);
	char buf[80];
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		size_t pos = t[i].pos > len ? len : t[i].pos;
		const char *ct = ctype_of(&codes[t[i].id - 1], buf,
		    sizeof(buf));

		if (pos > at && (error = tm__buf_xmln(b, text + at,
		    pos - at, false)) < 0)
			break;
		at = pos > at ? pos : at;
		if (t[i].kind == TM__TAG_OPEN)
			error = tm__buf_printf(b, "<g id=\"%u\" ctype=\"%s\">",
			    t[i].id, ct);
		else if (t[i].kind == TM__TAG_CLOSE)
			error = tm__buf_adds(b, "</g>");
		else
			error = tm__buf_printf(b, "<x id=\"%u\" ctype=\"%s\"/>",
			    t[i].id, ct);
	}
	if (!error)
		error = tm__buf_xml(b, text + at, false);
	return error;
}

/*
 * The element's start tag as the document had it: <a href="x">; a
 * Markdown code's markup: **…**, […](https://x "t"), ![图](a.png).
 */
static int
start_tag(struct tm__buf *b, const struct tm__pt_code *c)
{
	xmlNodePtr n = c->node;
	xmlAttrPtr a;
	int error;

	if (!n)
		return tm__buf_printf(b, "%s%s%s", c->md->open, c->paired ?
		    "\xe2\x80\xa6" : "", c->paired ? c->md->close : "");
	if (c->ops)
		return c->ops->describe(b, c);
	if (n->type == XML_COMMENT_NODE)
		return tm__buf_adds(b, "<!-- -->");
	error = tm__buf_printf(b, "<%s", (const char *)n->name);

	for (a = n->properties; a && !error; a = a->next) {
		xmlChar *v = xmlGetProp(n, a->name);

		error = tm__buf_printf(b, " %s=\"%s\"", (const char *)a->name,
		    v ? (const char *)v : "");
		xmlFree(v);
	}
	if (!error)
		error = tm__buf_adds(b, ">");
	return error;
}

int
tm__pt_add_badges(struct tm__buf *b, const char *text, size_t from,
    size_t to, const struct tm__pt_tag *t, size_t n,
    const struct tm__pt_code *codes, size_t *ti)
{
	struct tm__buf tag = { 0 };
	size_t at = from, len = strlen(text);
	int error = 0;

	while (*ti < n && !error && (t[*ti].pos < to ||
	    (to == len && t[*ti].pos >= to))) {
		const struct tm__pt_tag *k = &t[(*ti)++];
		size_t pos = k->pos < at ? at : k->pos > to ? to : k->pos;

		if (pos > at && (error = tm__buf_xmln(b, text + at,
		    pos - at, false)) < 0)
			break;
		at = pos;
		tm__buf_reset(&tag);
		if ((error = start_tag(&tag, &codes[k->id - 1])) < 0 ||
		    (error = tm__buf_adds(b, "<span class=\"tag\" "
		    "title=\"")) < 0 ||
		    (error = tm__buf_xml(b, tm__buf_str(&tag), true)) < 0)
			break;
		/* U+27E8, U+27E9: the mathematical angle brackets. */
		error = tm__buf_printf(b, "\">\xe2\x9f\xa8%s%u%s\xe2\x9f\xa9"
		    "</span>", k->kind == TM__TAG_CLOSE ? "/" : "", k->id,
		    k->kind == TM__TAG_EMPTY ? "/" : "");
	}
	if (!error && to > at)
		error = tm__buf_xmln(b, text + at, to - at, false);
	tm__buf_release(&tag);
	return error;
}

static int
add_html_text(xmlDocPtr doc, xmlNodePtr parent, const char *s, size_t len)
{
	xmlNodePtr t;

	if (!len)
		return 0;
	if (len > INT_MAX || !(t = xmlNewDocTextLen(doc, (const xmlChar *)s,
	    (int)len)))
		return TM_ENOMEM;
	if (!xmlAddChild(parent, t)) {
		xmlFreeNode(t);
		return TM_ENOMEM;
	}
	return 0;
}

/* One segment's text and tags as nodes under `block`. */
static int
rebuild_segment(xmlDocPtr doc, xmlNodePtr block, const char *text,
    const struct tm__pt_tag *t, size_t n, const struct tm__pt_code *codes,
    xmlNodePtr *stack)
{
	size_t at = 0, i, depth = 0, len = strlen(text);
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		size_t pos = t[i].pos > len ? len : t[i].pos;
		xmlNodePtr parent = depth ? stack[depth - 1] : block, c;

		if (pos > at && (error = add_html_text(doc, parent, text + at,
		    pos - at)) < 0)
			break;
		at = pos > at ? pos : at;
		if (t[i].kind == TM__TAG_CLOSE) {
			if (depth)
				depth--;
			continue;
		}
		c = xmlDocCopyNode(codes[t[i].id - 1].node, doc,
		    t[i].kind == TM__TAG_OPEN ? 2 : 1);
		if (!c || !xmlAddChild(parent, c)) {
			xmlFreeNode(c);
			error = TM_ENOMEM;
			break;
		}
		if (t[i].kind == TM__TAG_OPEN)
			stack[depth++] = c;
	}
	if (!error)
		error = add_html_text(doc, depth ? stack[depth - 1] : block,
		    text + at, len - at);
	return error;
}

int
tm__pt_html_rebuild(xmlDocPtr doc, xmlNodePtr node,
    const tm_pretranslation *p, const struct tm__pt_block *k, bool space)
{
	xmlNodePtr c, *stack = NULL;
	size_t i, most = 1;
	int error = 0;

	for (i = k->first; i < k->first + k->n; i++) {
		const struct tm__pt_seg *g = &p->segs[i];
		size_t n = g->target ? g->nttags : g->nstags;

		most = n > most ? n : most;
	}
	if (!(stack = tm__calloc(most, sizeof(*stack))))
		return tm__error_nomem();
	while ((c = node->children)) {
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	for (i = k->first; i < k->first + k->n && !error; i++) {
		const struct tm__pt_seg *g = &p->segs[i];

		if (i > k->first && space)
			error = add_html_text(doc, node, " ", 1);
		if (!error && g->target)
			error = rebuild_segment(doc, node, g->target, g->ttags,
			    g->nttags, g->codes, stack);
		else if (!error)
			error = rebuild_segment(doc, node, g->source, g->stags,
			    g->nstags, g->codes, stack);
	}
	tm_free(stack);
	return error < 0 ? tm__error_nomem() : 0;
}

int
tm__pt_target_seg(char **out, tm_db *db, int64_t unit_id, const char *to)
{
	tm__stmt *st = NULL;
	int error, rc;

	*out = NULL;
	if ((error = tm__prepare(db, &st, "SELECT lang, seg FROM tuv WHERE "
	    "tu_id = ? ORDER BY ord")) < 0)
		return error;
	tm__bind_int64(st, 1, unit_id);
	while ((rc = tm__step(st)) == TM__ROW) {
		const char *lang = (const char *)tm__column_text(st, 0);
		const char *seg = (const char *)tm__column_text(st, 1);

		if (!lang || !tm_lang_match(to, lang))
			continue;
		if (seg && !(*out = tm__strdup(seg)))
			error = tm__error_nomem();
		break;
	}
	if (rc != TM__ROW && rc != TM__DONE)
		error = tm__error_db(db, "cannot read a unit");
	tm__finalize(st);
	return error;
}

void
tm__pt_codes_release(struct tm__pt_seg *g)
{
	tm_free(g->codes);
	tm_free(g->stags);
	tm_free(g->ttags);
	tm_free(g->target_seg);
	tm_free(g->esc);
	g->esc = NULL;
	g->nesc = 0;
	g->codes = NULL;
	g->stags = g->ttags = NULL;
	g->ncodes = g->nstags = g->nttags = 0;
	g->target_seg = NULL;
}
