/*
 * pretranslate.c: read a document (text, Markdown, HTML; UTF-8 or
 * GB18030; DOCX and ODT through pt-office.c), segment it, give each segment the memory's best (context,
 * exact, fuzzy at or above the threshold, else machine translation),
 * write the draft in the document's format, and count the analysis.
 */
#include "pretranslate.h"
#include "i18n.h"

#include <ctype.h>

#include <jansson.h>
#include <libxml/HTMLtree.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

const char *
tm__pt_origin_name(int origin)
{
	switch (origin) {
	case TM_ORIGIN_CONTEXT:
		return "context";
	case TM_ORIGIN_EXACT:
		return "exact";
	case TM_ORIGIN_FUZZY:
		return "fuzzy";
	case TM_ORIGIN_MT:
		return "mt";
	default:
		return "none";
	}
}

static int
add_block(tm_pretranslation *p, struct tm__pt_block **out)
{
	if (tm__grow((void **)&p->blocks, &p->capblocks, p->nblocks,
	    sizeof(*p->blocks)) < 0)
		return TM_ENOMEM;
	*out = &p->blocks[p->nblocks++];
	memset(*out, 0, sizeof(**out));
	(*out)->first = p->nsegs;
	return 0;
}

static int
add_literal(tm_pretranslation *p, const char *s, size_t len)
{
	struct tm__pt_block *b;

	if (add_block(p, &b) < 0 || !(b->literal = tm__strndup(s, len)))
		return tm__error_nomem();
	return 0;
}

/* The Markdown marker that starts a block ("# ", "- ", "1. ", "> "). */
static size_t
md_prefix(const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	if (i < len && s[i] == '#') {
		for (j = i; j < len && s[j] == '#'; j++)
			;
		if (j - i <= 6 && j < len && s[j] == ' ') {
			while (j < len && s[j] == ' ')
				j++;
			return j;
		}
		return 0;
	}
	if (i < len && s[i] == '>') {
		j = i + 1;
		while (j < len && s[j] == ' ')
			j++;
		return j;
	}
	if (i + 1 < len && strchr("-*+", s[i]) && s[i + 1] == ' ') {
		j = i + 1;
		while (j < len && s[j] == ' ')
			j++;
		return j;
	}
	for (j = i; j < len && isdigit((unsigned char)s[j]); j++)
		;
	if (j > i && j + 1 < len && (s[j] == '.' || s[j] == ')') &&
	    s[j + 1] == ' ') {
		j++;
		while (j < len && s[j] == ' ')
			j++;
		return j;
	}
	return 0;
}

static bool
blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* A Markdown line kept as is: fences, rules, tables, HTML. */
static bool
md_literal(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (i >= len)
		return true;
	if (s[i] == '|' || s[i] == '<')
		return true;
	if (s[i] == '-' || s[i] == '*' || s[i] == '_') {
		/* A rule: three or more of one of them, spaces between. */
		size_t n = 0, j;

		for (j = i; j < len && (s[j] == s[i] || s[j] == ' ' ||
		    s[j] == '\t'); j++)
			n += s[j] == s[i];
		return j == len && n >= 3;
	}
	return false;
}

/* A block's text as segments: Markdown's inline markup as codes. */
static int
segment_para(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line)
{
	if (!(b->raw = tm__strndup(text, len)))
		return tm__error_nomem();
	if (p->format == TM_FORMAT_MARKDOWN)
		return tm__pt_md_segment(p, sg, b, text, len, line);
	return tm__pt_segment_block(p, sg, b, text, len, line);
}

/*
 * Text and Markdown: a run of non-blank lines is a block (its lines are
 * joined by the segmenter); blank lines are kept as they are.  Markdown:
 * a marker (heading, list item, quote, numbered item) starts a block and
 * stays in front of it; fenced code, rules, tables and HTML lines are
 * kept as they are.
 */
static int
read_text(tm_pretranslation *p, const tm_segmenter *sg, const char *text,
    size_t len)
{
	struct tm__buf para = { 0 };
	struct tm__pt_block *b = NULL;
	const char *s = text, *end = text + len, *nl;
	long line = 0, para_line = 0;
	bool md = p->format == TM_FORMAT_MARKDOWN, fence = false;
	int error = 0;

	while (s < end && !error) {
		size_t n, pre = 0;
		bool fence_line, literal;

		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		fence_line = md && n >= 3 && (strncmp(s, "```", 3) == 0 ||
		    strncmp(s, "~~~", 3) == 0);
		literal = blank(s, n) || fence_line || fence;
		if (fence_line)
			fence = !fence;
		if (md && !literal) {
			pre = md_prefix(s, n);
			literal = !pre && md_literal(s, n);
		}
		if (b && (literal || pre)) {
			/* The block before ends here. */
			error = segment_para(p, sg, b, tm__buf_str(&para),
			    para.len, para_line);
			b = NULL;
			tm__buf_reset(&para);
			if (error < 0)
				break;
		}
		if (literal) {
			error = add_literal(p, s, n);
			if (!error)
				error = add_literal(p, "\n", nl ? 1 : 0);
		} else if (!b) {
			size_t ws = pre;

			/* Indentation (also U+3000 full-width spaces) stays. */
			while (!md && ws < n && (s[ws] == ' ' || s[ws] == '\t'))
				ws++;
			while (!md && ws + 3 <= n && memcmp(s + ws,
			    "\xe3\x80\x80", 3) == 0)
				ws += 3;
			if ((error = add_block(p, &b)) < 0)
				break;
			if (!(b->prefix = tm__strndup(s, ws)))
				error = tm__error_nomem();
			else
				error = tm__buf_add(&para, s + ws, n - ws);
			para_line = line;
			if (!error && pre && s[strspn(s, " ")] == '#') {
				/* A heading is one line. */
				error = segment_para(p, sg, b,
				    tm__buf_str(&para), para.len, para_line);
				b = NULL;
				tm__buf_reset(&para);
			}
		} else {
			error = tm__buf_addc(&para, '\n');
			if (!error)
				error = tm__buf_add(&para, s, n);
		}
		s = nl ? nl + 1 : end;
	}
	if (!error && b)
		error = segment_para(p, sg, b, tm__buf_str(&para), para.len,
		    para_line);
	tm__buf_release(&para);
	return error < 0 ? error : 0;
}

/* Elements whose text is translated, when no such element is inside. */
static bool
html_block_name(const xmlChar *name)
{
	static const char *const names[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th",
		"dt", "dd", "caption", "figcaption", "title", "blockquote",
		"div", "address", "summary", "legend", "label", "option",
		"button", "section", "article", "header", "footer", "aside",
		"main", "nav", "body"
	};
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(names); i++)
		if (xmlStrcasecmp(name, (const xmlChar *)names[i]) == 0)
			return true;
	return false;
}

static bool
html_skip_name(const xmlChar *name)
{
	return xmlStrcasecmp(name, (const xmlChar *)"script") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"style") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"pre") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"code") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"noscript") == 0;
}

static bool
has_block_inside(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (html_block_name(c->name) ||
		    has_block_inside(c)))
			return true;
	return false;
}

static bool
has_text(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content &&
		    !blank((const char *)c->content,
		    strlen((const char *)c->content)))
			return true;
		if (c->type == XML_ELEMENT_NODE && !html_skip_name(c->name) &&
		    has_text(c))
			return true;
	}
	return false;
}

static int
html_walk(xmlNodePtr n, int (*fn)(void *, xmlNodePtr), void *arg)
{
	int error;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || html_skip_name(n->name))
			continue;
		if (html_block_name(n->name) && !has_block_inside(n)) {
			if (has_text(n) && (error = fn(arg, n)) < 0)
				return error;
			continue;
		}
		if ((error = html_walk(n->children, fn, arg)) < 0)
			return error;
	}
	return 0;
}

int
tm__pt_html_blocks(htmlDocPtr doc, int (*fn)(void *, xmlNodePtr), void *arg)
{
	return html_walk(xmlDocGetRootElement(doc), fn, arg);
}

struct html_read {
	tm_pretranslation *p;
	const tm_segmenter *sg;
};

static int
html_block(void *arg, xmlNodePtr node)
{
	struct html_read *r = arg;
	struct tm__pt_block *b;
	int error;

	if ((error = add_block(r->p, &b)) < 0)
		return error;
	return tm__pt_html_segment(r->p, r->sg, b, node);
}

static int
read_html(tm_pretranslation *p, const tm_segmenter *sg, const char *path,
    const char *text, size_t len)
{
	struct tm__xml_errors saved;
	struct html_read r = { p, sg };
	htmlParserCtxtPtr ctxt;
	const xmlError *e;
	long deep = 0;

	if (len > INT_MAX)
		return tm__error(TM_EPARSE, "%s: too large for the HTML "
		    "parser", path);
	if (!(ctxt = htmlNewParserCtxt()))
		return tm__error_nomem();
	tm__xml_quiet(&saved);
	p->html = htmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_NOBLANKS * 0);
	tm__xml_loud(&saved);
	/*
	 * libxml2 stops reading where elements nest deeper than its limit
	 * (256): what follows would be missing from the draft.
	 */
	e = xmlCtxtGetLastError(ctxt);
	if (e && e->message && strstr(e->message, "Excessive depth"))
		deep = e->line > 0 ? e->line : 1;
	htmlFreeParserCtxt(ctxt);
	if (deep)
		return tm__error(TM_EPARSE, "%s: line %ld: elements nested "
		    "deeper than libxml2 reads (256 levels)", path, deep);
	if (!p->html || !xmlDocGetRootElement(p->html))
		return tm__error(TM_EPARSE, "%s: not HTML that libxml2 can "
		    "read", path);
	return tm__pt_html_blocks(p->html, html_block, &r);
}

static char *
copy(const char *s)
{
	return s ? tm__strdup(s) : NULL;
}

static int
keep_matches(struct tm__pt_seg *g, const tm_matches *ms)
{
	size_t i, n = tm_matches_count(ms);

	if (!n)
		return 0;
	if (!(g->m = tm__calloc(n, sizeof(*g->m))))
		return TM_ENOMEM;
	for (i = 0; i < n; i++) {
		const tm_match *m = tm_matches_get(ms, i);
		struct tm__pt_match *k = &g->m[g->nm++];

		k->score = m->score;
		k->unit_id = m->unit_id;
		if (!(k->source = copy(m->source)) ||
		    !(k->target = copy(m->target)) ||
		    (m->diff && !(k->diff = copy(m->diff))))
			return tm__error_nomem();
	}
	return 0;
}

/*
 * The glossary's terms in the source (`hits`, tm_glossary_find's, which
 * translate() looks up once per segment for this and for placing the
 * inline codes) and the QA findings on the target with its codes
 * (tm_check_segment): the one place pre-translation calls the check.
 */
static int
annotate(struct tm__pt_seg *g, tm_db *db, const tm_term_hits *hits,
    const char *from, const char *to)
{
	struct tm__buf b = { 0 };
	tm_findings *f = NULL;
	char *stagged = NULL, *ttagged = NULL;
	size_t i, j, n;
	int error = 0;

	n = tm_term_hits_count(hits);
	if (n && !(g->terms = tm__calloc(n, sizeof(*g->terms)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		const tm_term_hit *h = tm_term_hits_get(hits, i);

		tm__buf_reset(&b);
		error = tm__buf_printf(&b, "%s \xe2\x86\x92", h->source->text);
		for (j = 0; j < h->ntargets && !error; j++)
			error = tm__buf_printf(&b, "%s %s%s%s%s", j ? ";" : "",
			    h->targets[j].text, h->targets[j].status ? " (" : "",
			    h->targets[j].status ? h->targets[j].status : "",
			    h->targets[j].status ? ")" : "");
		if (!error && !h->ntargets)
			error = tm__buf_adds(&b, " (no translation)");
		if (error < 0)
			goto done;
		g->terms[g->nterms].start = h->start;
		g->terms[g->nterms].len = h->len;
		g->terms[g->nterms++].note = tm__buf_detach(&b);
	}
	if (!g->target)
		goto done;
	/* With their inline codes: a code left out is a finding. */
	if ((error = tm__pt_tagged(&stagged, g->source, g->stags,
	    g->nstags)) < 0 || (error = tm__pt_tagged(&ttagged, g->target,
	    g->ttags, g->nttags)) < 0 || (error = tm_check_segment(&f, db,
	    stagged, ttagged, from, to)) < 0)
		goto done;
	n = tm_findings_count(f);
	if (n && !(g->qa = tm__calloc(n, sizeof(*g->qa)))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		const tm_finding *k = tm_findings_get(f, i);
		struct tm__pt_qa *q = &g->qa[g->nqa];

		if (!(q->kind = copy(k->kind)) ||
		    !(q->message = copy(k->message)) ||
		    !(q->text = copy(k->text))) {
			tm_free(q->kind);
			tm_free(q->message);
			error = tm__error_nomem();
			goto done;
		}
		g->nqa++;
	}
done:
	tm__buf_release(&b);
	tm_free(stagged);
	tm_free(ttagged);
	tm_findings_free(f);
	return error < 0 ? error : 0;
}

/* Look each first occurrence up; note repetitions; MT in one batch. */
static int
translate(tm_pretranslation *p, tm_db *db, const tm_pretranslate_options *o)
{
	struct tm__idmap seen = { 0 };
	tm_term_hits **hits = NULL;	/* of each first occurrence */
	const char **batch = NULL;
	size_t *which = NULL, nbatch = 0, i;
	tm_mt_results *res = NULL;
	int error = 0;

	if (p->nsegs && (!(batch = tm__calloc(p->nsegs, sizeof(*batch))) ||
	    !(which = tm__calloc(p->nsegs, sizeof(*which))) ||
	    !(hits = tm__calloc(p->nsegs, sizeof(*hits))))) {
		error = TM_ENOMEM;
		goto done;
	}
	for (i = 0; i < p->nsegs; i++) {
		struct tm__pt_seg *g = &p->segs[i];
		tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
		tm_matches *ms = NULL;
		const struct tm__pt_match *best;
		size_t len = strlen(g->source), pos;
		uint64_t h1 = tm__hash(TM__HASH_INIT, g->source, len);
		uint64_t h2 = tm__hash(TM__HASH_INIT2, g->source, len);
		int64_t first = tm__idmap_find(&seen, h1, h2, &pos);

		if (first && strcmp(p->segs[first - 1].source, g->source) == 0) {
			g->pub.repetition_of = (size_t)first;
			continue;
		}
		if (!first && (error = tm__idmap_add(&seen, h1, h2,
		    (int64_t)i + 1)) < 0)
			goto done;
		lo.from = o->from;
		lo.to = o->to;
		lo.min = 50 < o->min ? 50 : o->min;
		lo.limit = 5;
		lo.context_before = i > 0 ? p->segs[i - 1].source : NULL;
		lo.context_after = i + 1 < p->nsegs ? p->segs[i + 1].source :
		    NULL;
		if ((error = tm_lookup(&ms, db, g->source, &lo)) < 0) {
			tm__error_prefix("line %ld", g->pub.line);
			goto done;
		}
		error = keep_matches(g, ms);
		tm_matches_free(ms);
		if (error < 0)
			goto done;
		best = g->nm ? &g->m[0] : NULL;
		g->pub.score = best ? best->score : 0;
		if (best && best->score >= 100)
			g->pub.origin = best->score > 100 ? TM_ORIGIN_CONTEXT :
			    TM_ORIGIN_EXACT;
		else if (best && best->score >= o->min)
			g->pub.origin = TM_ORIGIN_FUZZY;
		if (g->pub.origin != TM_ORIGIN_NONE) {
			if (!(g->target = copy(best->target)) ||
			    !(g->match_source = copy(best->source)) ||
			    (best->diff && best->score < 100 &&
			    !(g->diff = copy(best->diff)))) {
				error = tm__error_nomem();
				goto done;
			}
			/* Its stored codes, for an HTML segment's codes. */
			if (best->score >= 100 && g->nstags &&
			    (error = tm__pt_target_seg(&g->target_seg, db,
			    best->unit_id, o->to)) < 0)
				goto done;
		} else if (o->mt) {
			which[nbatch] = i;
			batch[nbatch++] = g->source;
		}
	}
	if (nbatch) {
		tm_mt_options mo = TM_MT_OPTIONS_INIT;

		mo.from = o->from;
		mo.to = o->to;
		if ((error = tm_mt_translate(&res, o->mt, db, batch, nbatch,
		    &mo)) < 0)
			goto done;
		for (i = 0; i < nbatch; i++) {
			const tm_mt_result *r = tm_mt_results_get(res, i);
			struct tm__pt_seg *g = &p->segs[which[i]];

			if (r->text) {
				g->pub.origin = TM_ORIGIN_MT;
				if (!(g->target = copy(r->text))) {
					error = tm__error_nomem();
					goto done;
				}
			} else if (!(g->mt_error = copy(r->error ? r->error :
			    "no translation"))) {
				error = tm__error_nomem();
				goto done;
			}
		}
	}
	/* Repetitions take their first occurrence's translation. */
	for (i = 0; i < p->nsegs; i++) {
		struct tm__pt_seg *g = &p->segs[i];
		const struct tm__pt_seg *f;

		if (!g->pub.repetition_of)
			continue;
		f = &p->segs[g->pub.repetition_of - 1];
		g->pub.origin = f->pub.origin;
		g->pub.score = f->pub.score;
		if ((f->target && !(g->target = copy(f->target))) ||
		    (f->match_source && !(g->match_source =
		    copy(f->match_source))) ||
		    (f->diff && !(g->diff = copy(f->diff))) ||
		    (f->target_seg && !(g->target_seg =
		    copy(f->target_seg)))) {
			error = tm__error_nomem();
			goto done;
		}
	}
	/*
	 * The source's glossary terms, its inline codes placed in the
	 * target (each segment its own: a repetition may differ in
	 * markup), then terms and findings; a repetition has its first
	 * occurrence's.
	 */
	for (i = 0; i < p->nsegs; i++) {
		struct tm__pt_seg *g = &p->segs[i];
		const struct tm__pt_seg *f;
		size_t j;

		if (!g->pub.repetition_of && (error = tm_glossary_find(
		    &hits[i], db, g->source, o->from, o->to)) < 0) {
			tm__error_prefix("line %ld", g->pub.line);
			goto done;
		}
		if ((error = tm__pt_place_codes(g, hits[g->pub.repetition_of ?
		    g->pub.repetition_of - 1 : i], o->from, o->to)) < 0)
			goto done;
		f = g->pub.repetition_of ? &p->segs[g->pub.repetition_of - 1] :
		    NULL;
		/*
		 * A repetition's findings are its first occurrence's, unless
		 * inline codes (which may differ between them) are involved.
		 */
		if (!f || g->nstags || f->nstags) {
			if ((error = annotate(g, db, hits[f ?
			    g->pub.repetition_of - 1 : i], o->from,
			    o->to)) < 0) {
				tm__error_prefix("line %ld", g->pub.line);
				goto done;
			}
			continue;
		}
		if ((f->nterms && !(g->terms = tm__calloc(f->nterms,
		    sizeof(*g->terms)))) || (f->nqa && !(g->qa =
		    tm__calloc(f->nqa, sizeof(*g->qa))))) {
			error = TM_ENOMEM;
			goto done;
		}
		for (j = 0; j < f->nterms; j++, g->nterms++) {
			g->terms[j] = f->terms[j];
			if (!(g->terms[j].note = copy(f->terms[j].note))) {
				error = tm__error_nomem();
				goto done;
			}
		}
		for (j = 0; j < f->nqa; j++, g->nqa++) {
			if (!(g->qa[j].kind = copy(f->qa[j].kind)) ||
			    !(g->qa[j].message = copy(f->qa[j].message)) ||
			    !(g->qa[j].text = copy(f->qa[j].text))) {
				tm_free(g->qa[j].kind);
				tm_free(g->qa[j].message);
				error = tm__error_nomem();
				goto done;
			}
		}
	}
done:
	for (i = 0; hits && i < p->nsegs; i++)
		tm_term_hits_free(hits[i]);
	tm_free(hits);
	tm_mt_results_free(res);
	tm_free(batch);
	tm_free(which);
	tm__idmap_release(&seen);
	return error < 0 ? error : 0;
}

static int
format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && (strcasecmp(dot, ".html") == 0 ||
	    strcasecmp(dot, ".htm") == 0 || strcasecmp(dot, ".xhtml") == 0))
		return TM_FORMAT_HTML;
	if (dot && (strcasecmp(dot, ".md") == 0 ||
	    strcasecmp(dot, ".markdown") == 0))
		return TM_FORMAT_MARKDOWN;
	if (dot && strcasecmp(dot, ".docx") == 0)
		return TM_FORMAT_DOCX;
	if (dot && strcasecmp(dot, ".odt") == 0)
		return TM_FORMAT_ODT;
	return TM_FORMAT_TEXT;
}

int
tm_pretranslate_file(tm_pretranslation **out, tm_db *db, const char *path,
    const tm_pretranslate_options *o)
{
	tm_pretranslation *p;
	tm_segmenter *sg = NULL;
	const char *base;
	char *text = NULL;
	size_t len = 0, i;
	int error;

	if (!out)
		return tm__error(TM_EINVAL, "no place for the result");
	*out = NULL;
	if (!db || !path || !o || o->version != TM_PRETRANSLATE_OPTIONS_VERSION)
		return tm__error(TM_EINVAL, "bad pre-translation options");
	if (!o->from || !o->to || !*o->from || !*o->to)
		return tm__error(TM_EINVAL, "--from and --to are required");
	if (o->min < 0 || o->min > 100)
		return tm__error(TM_EINVAL, "the threshold is 0 to 100, not %d",
		    o->min);
	if (o->format < TM_FORMAT_AUTO || o->format > TM_FORMAT_ODT)
		return tm__error(TM_EINVAL, "unknown document format %d",
		    o->format);
	if (o->mark < TM_MARK_HIGHLIGHT || o->mark > TM_MARK_NONE)
		return tm__error(TM_EINVAL, "unknown mark %d", o->mark);
	if (!(p = tm__calloc(1, sizeof(*p))))
		return TM_ENOMEM;
	p->format = o->format ? o->format : format_of(path);
	p->mark = o->mark;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!(p->name = tm__strdup(base)) || !(p->from = tm__strdup(o->from)) ||
	    !(p->to = tm__strdup(o->to)) ||
	    (o->mt_name && !(p->mt_name = tm__strdup(o->mt_name)))) {
		error = tm__error_nomem();
		goto fail;
	}
	if ((error = tm_segmenter_new(&sg, o->from, NULL, TM_SRX_EXTEND)) < 0)
		goto fail;
	if (p->format == TM_FORMAT_DOCX || p->format == TM_FORMAT_ODT) {
		error = tm__pt_office_read(p, sg, path);
	} else {
		if ((error = tm_text_read(&text, &len, path,
		    o->encoding)) < 0)
			goto fail;
		if (memchr(text, '\0', len)) {
			error = tm__error(TM_EPARSE, "%s: a NUL byte: not a "
			    "text file", path);
			goto fail;
		}
		if (p->format == TM_FORMAT_HTML)
			error = read_html(p, sg, path, text, len);
		else
			error = read_text(p, sg, text, len);
	}
	if (error < 0) {
		if (tm_error_last() && !strstr(tm_error_last()->message, path))
			tm__error_prefix("%s", path);
		goto fail;
	}
	if (!p->nsegs) {
		error = tm__error(TM_EPARSE, "%s: no text to translate", path);
		goto fail;
	}
	if ((error = translate(p, db, o)) < 0) {
		tm__error_prefix("%s", path);
		goto fail;
	}
	for (i = 0; i < p->nsegs; i++) {
		struct tm__pt_seg *g = &p->segs[i];

		g->pub.source = g->source;
		g->pub.target = g->target;
		g->pub.diff = g->diff;
		g->pub.match_source = g->match_source;
		g->pub.mt_error = g->mt_error;
	}
	tm_free(text);
	tm_segmenter_free(sg);
	*out = p;
	return 0;
fail:
	tm_free(text);
	tm_segmenter_free(sg);
	tm_pretranslation_free(p);
	return error;
}

size_t
tm_pretranslation_count(const tm_pretranslation *p)
{
	return p ? p->nsegs : 0;
}

const tm_pt_segment *
tm_pretranslation_get(const tm_pretranslation *p, size_t i)
{
	return p && i < p->nsegs ? &p->segs[i].pub : NULL;
}

int
tm_pretranslation_format(const tm_pretranslation *p)
{
	return p ? p->format : TM_FORMAT_AUTO;
}

void
tm_pretranslation_free(tm_pretranslation *p)
{
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->nsegs; i++) {
		struct tm__pt_seg *g = &p->segs[i];

		for (j = 0; j < g->nm; j++) {
			tm_free(g->m[j].source);
			tm_free(g->m[j].target);
			tm_free(g->m[j].diff);
		}
		tm_free(g->m);
		for (j = 0; j < g->nterms; j++)
			tm_free(g->terms[j].note);
		tm_free(g->terms);
		for (j = 0; j < g->nqa; j++) {
			tm_free(g->qa[j].kind);
			tm_free(g->qa[j].message);
			tm_free(g->qa[j].text);
		}
		tm_free(g->qa);
		tm_free(g->source);
		tm_free(g->target);
		tm_free(g->diff);
		tm_free(g->match_source);
		tm_free(g->mt_error);
		tm__pt_codes_release(g);
	}
	for (i = 0; i < p->nblocks; i++) {
		tm_free(p->blocks[i].literal);
		tm_free(p->blocks[i].prefix);
		tm_free(p->blocks[i].raw);
	}
	if (p->html)
		xmlFreeDoc(p->html);
	tm__pt_md_free(p->md);
	tm__pt_office_free(p->office);
	tm_free(p->note);
	tm_free(p->segs);
	tm_free(p->blocks);
	tm_free(p->name);
	tm_free(p->from);
	tm_free(p->to);
	tm_free(p->mt_name);
	tm_free(p);
}

/*
 * Draft
 * =====
 */

/* No space between sentences in Chinese, Japanese; one elsewhere. */
static bool
spaced(const char *lang)
{
	return !(strncasecmp(lang, "zh", 2) == 0 ||
	    strncasecmp(lang, "ja", 2) == 0);
}

/* White space as the segmenter sees it, the ideographic space too. */
static size_t
raw_space(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	return (unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80 ? 3 : 0;
}

/*
 * Find the sentence `seg` in the block's text from *pos on, where the
 * segmenter may have joined lines with a space or with nothing and
 * trimmed them: [*start, *end) is where it lies.  False if it is not
 * there (the draft then joins sentences as the target language does).
 */
static bool
raw_span(const char *raw, size_t *pos, const char *seg, size_t *start,
    size_t *end)
{
	size_t i = *pos, j = 0, w;

	while ((w = raw_space(raw + i)))
		i += w;
	*start = i;
	while (seg[j]) {
		if (seg[j] == ' ' && raw_space(raw + i)) {
			while (seg[j] == ' ')
				j++;
			while ((w = raw_space(raw + i)))
				i += w;
		} else if (raw[i] == seg[j]) {
			i++;
			j++;
		} else if ((w = raw_space(raw + i))) {
			i += w;
		} else {
			return false;
		}
	}
	*end = *pos = i;
	return true;
}

/*
 * Where the block's sentences lie in its text, so that the draft keeps
 * an untranslated sentence as written (its line breaks too), the text
 * between two untranslated sentences, and the source's line breaks
 * (with their indentation) between any two.  Fills start[] and end[];
 * false if the sentences cannot be found in the block's text.
 */
static bool
raw_seps(const tm_pretranslation *p, const struct tm__pt_block *k,
    size_t *start, size_t *end)
{
	size_t i, pos = 0;

	if (!k->raw)
		return false;
	for (i = 0; i < k->n; i++)
		if (!raw_span(k->raw, &pos, p->segs[k->first + i].source,
		    &start[i], &end[i]))
			return false;
	return true;
}

/*
 * The block's translation; untranslated segments keep their source.
 * Markdown: each sentence with its codes as Markdown again, a target
 * escaped where it would read as markup.
 */
static int
block_text(struct tm__buf *b, const tm_pretranslation *p,
    const struct tm__pt_block *k, const char *linebreak)
{
	bool md = p->format == TM_FORMAT_MARKDOWN, any = false, kept = false;
	size_t i, *start = NULL, *end = NULL;
	int error = 0;

	/*
	 * A Markdown block with nothing translated stays as it is (its
	 * lines, and markup across its sentences, as HTML's blocks do).
	 */
	for (i = k->first; i < k->first + k->n; i++)
		any |= p->segs[i].target != NULL;
	if (!any && k->raw)
		return tm__buf_adds(b, k->raw);
	if (!md && k->n) {
		if (!(start = tm__calloc(k->n, sizeof(*start))) ||
		    !(end = tm__calloc(k->n, sizeof(*end)))) {
			error = tm__error_nomem();
			goto done;
		}
		kept = raw_seps(p, k, start, end);
	}
	for (i = k->first; i < k->first + k->n && !error; i++) {
		const struct tm__pt_seg *g = &p->segs[i];

		/* After a hard break, the line has ended already. */
		if (md && i > k->first && b->len &&
		    b->ptr[b->len - 1] == '\n')
			;
		else if (kept && i > k->first && ((!g->target &&
		    !p->segs[i - 1].target) || memchr(k->raw +
		    end[i - k->first - 1], '\n', start[i - k->first] -
		    end[i - k->first - 1])))
			error = tm__buf_add(b, k->raw + end[i - k->first - 1],
			    start[i - k->first] - end[i - k->first - 1]);
		else if (i > k->first && g->para != p->segs[i - 1].para)
			error = tm__buf_adds(b, linebreak);
		else if (i > k->first && spaced(p->to))
			error = tm__buf_addc(b, ' ');
		if (error)
			break;
		if (md && g->target)
			error = tm__pt_md_write(b, g->target, g->ttags,
			    g->nttags, g->codes, false, NULL, 0, !b->len ||
			    b->ptr[b->len - 1] == '\n');
		else if (md)
			error = tm__pt_md_write(b, g->source, g->stags,
			    g->nstags, g->codes, true, g->esc, g->nesc, false);
		else if (kept && !g->target)
			error = tm__buf_add(b, k->raw + start[i - k->first],
			    end[i - k->first] - start[i - k->first]);
		else
			error = tm__buf_adds(b, g->target ? g->target :
			    g->source);
	}
done:
	free(start);
	free(end);
	return error;
}

struct html_draft {
	const tm_pretranslation *p;
	size_t next;
};

static int
html_draft_block(void *arg, xmlNodePtr node)
{
	struct html_draft *d = arg;
	const struct tm__pt_block *k;
	size_t i;
	bool any = false;

	if (d->next >= d->p->nblocks)
		return 0;
	k = &d->p->blocks[d->next++];
	for (i = k->first; i < k->first + k->n; i++)
		any |= d->p->segs[i].target != NULL;
	/* A block with nothing translated stays as it is. */
	if (!any)
		return 0;
	return tm__pt_html_rebuild(node->doc, node, d->p, k, spaced(d->p->to));
}

int
tm_pretranslation_write_draft(const tm_pretranslation *p, const char *path)
{
	struct tm__buf b = { 0 };
	size_t i;
	int error = 0;

	if (!p)
		return tm__error(TM_EINVAL, "no pre-translation");
	if (p->office) {
		/* A package refused only now (its comments part) is named. */
		if ((error = tm__pt_office_write(p, path)) < 0 &&
		    error != TM_ENOMEM)
			tm__error_prefix("%s", p->name);
		return error;
	}
	if (p->format == TM_FORMAT_HTML) {
		struct html_draft d = { p, 0 };
		xmlDocPtr doc = xmlCopyDoc(p->html, 1);
		xmlOutputBufferPtr ob = NULL;

		if (!doc)
			return tm__error_nomem();
		error = tm__pt_html_blocks(doc, html_draft_block, &d);
		/*
		 * Written as UTF-8: htmlDocDumpMemory would turn every
		 * non-ASCII character into a character reference, even
		 * inside scripts, when the document has no http-equiv
		 * charset.
		 */
		if (!error && !doc->encoding &&
		    !(doc->encoding = xmlStrdup((const xmlChar *)"UTF-8")))
			error = tm__error_nomem();
		if (!error && !(ob = xmlAllocOutputBuffer(NULL)))
			error = tm__error_nomem();
		if (!error) {
			htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
			if (xmlOutputBufferFlush(ob) < 0 || tm__buf_add(&b,
			    xmlOutputBufferGetContent(ob),
			    xmlOutputBufferGetSize(ob)) < 0)
				error = tm__error_nomem();
		}
		if (ob)
			xmlOutputBufferClose(ob);
		xmlFreeDoc(doc);
	} else {
		for (i = 0; i < p->nblocks && !error; i++) {
			const struct tm__pt_block *k = &p->blocks[i];

			if (k->literal) {
				error = tm__buf_adds(&b, k->literal);
				continue;
			}
			error = tm__buf_adds(&b, k->prefix ? k->prefix : "");
			if (!error)
				error = block_text(&b, p, k, "\n");
			if (!error)
				error = tm__buf_addc(&b, '\n');
		}
	}
	if (!error)
		error = tm__write_file(path, &b);
	tm__buf_release(&b);
	return error;
}

/*
 * Analysis
 * ========
 */

enum band {
	B_CONTEXT, B_100, B_95, B_85, B_75, B_50, B_NONE, B_REP, B_MT,
	B_TOTAL, NBANDS
};

static const char *const band_names[NBANDS] = {
	"context", "100", "95-99", "85-94", "75-84", "50-74", "no-match",
	"repetitions", "mt", "total"
};

static const char *const band_labels[NBANDS] = {
	N_("Context match (101%)"), "100%", "95-99%", "85-94%", "75-84%",
	"50-74%", N_("No match"), N_("Repetitions"),
	N_("Machine translation"), N_("Total")
};

struct count {
	size_t segments, chars, words;
};

/*
 * Count as CAT tools do for Chinese: every CJK character (Han, kana,
 * Hangul) is one character; a run of other letters and digits (with
 * . , ' - inside, as in 50,000 or U.S.) is one word.
 */
static void
count_text(struct count *c, const char *s)
{
	int32_t i = 0, len = (int32_t)strlen(s);
	bool inword = false;
	UChar32 ch;

	while (i < len) {
		UErrorCode ec = U_ZERO_ERROR;
		UScriptCode sc;
		int32_t at = i;

		U8_NEXT(s, i, len, ch);
		if (ch < 0) {
			inword = false;
			continue;
		}
		sc = uscript_getScript(ch, &ec);
		if (u_hasBinaryProperty(ch, UCHAR_IDEOGRAPHIC) ||
		    sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
		    sc == USCRIPT_HANGUL) {
			c->chars++;
			inword = false;
		} else if (u_isalnum(ch)) {
			if (!inword)
				c->words++;
			inword = true;
		} else if (inword && strchr(".,'-", (char)ch) && ch < 128 &&
		    i < len && isalnum((unsigned char)s[i]) && at > 0) {
			/* stays in the word */
		} else {
			inword = false;
		}
	}
}

static enum band
band_of(const struct tm__pt_seg *g)
{
	int s = g->pub.score;

	if (g->pub.repetition_of)
		return B_REP;
	if (g->pub.origin == TM_ORIGIN_MT)
		return B_MT;
	if (s > 100)
		return B_CONTEXT;
	if (s == 100)
		return B_100;
	if (s >= 95)
		return B_95;
	if (s >= 85)
		return B_85;
	if (s >= 75)
		return B_75;
	if (s >= 50)
		return B_50;
	return B_NONE;
}

static void
count_bands(struct count c[NBANDS], const tm_pretranslation *p)
{
	size_t i;

	memset(c, 0, NBANDS * sizeof(*c));
	for (i = 0; i < p->nsegs; i++) {
		enum band k = band_of(&p->segs[i]);

		c[k].segments++;
		count_text(&c[k], p->segs[i].source);
		c[B_TOTAL].segments++;
		count_text(&c[B_TOTAL], p->segs[i].source);
	}
}

static json_t *
bands_json(const tm_pretranslation *p)
{
	struct count c[NBANDS];
	json_t *bands = json_array();
	size_t i;

	count_bands(c, p);
	for (i = 0; bands && i < NBANDS; i++) {
		json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "band",
		    band_names[i], "segments", (json_int_t)c[i].segments,
		    "characters", (json_int_t)c[i].chars, "words",
		    (json_int_t)c[i].words);

		if (!o || json_array_append_new(bands, o) < 0) {
			json_decref(bands);
			return NULL;
		}
	}
	return bands;
}

static int
dump(char **out, json_t *root)
{
	char *s = root ? json_dumps(root, JSON_INDENT(2)) : NULL;

	json_decref(root);
	if (!s || !(*out = tm__strdup(s))) {
		free(s);
		return tm__error_nomem();
	}
	free(s);
	return 0;
}

int
tm_pretranslation_analysis(char **out, const tm_pretranslation *p,
    int format)
{
	struct count c[NBANDS];
	struct tm__buf b = { 0 };
	size_t i;
	int error = 0;

	if (!out)
		return tm__error(TM_EINVAL, "no place for the analysis");
	*out = NULL;
	if (!p || format < TM_ANALYSIS_TEXT || format > TM_ANALYSIS_CSV)
		return tm__error(TM_EINVAL, "unknown analysis format");
	if (format == TM_ANALYSIS_JSON) {
		json_t *root = json_pack("{s:s, s:s, s:s, s:o*, s:s*}", "file",
		    p->name, "from", p->from, "to", p->to, "bands",
		    bands_json(p), "note", p->note);

		return dump(out, root);
	}
	count_bands(c, p);
	if (format == TM_ANALYSIS_CSV)
		error = tm__buf_adds(&b, "band,segments,characters,words\r\n");
	else if (!(error = tm__buf_printf(&b, _("Analysis of %s (%s to "
	    "%s)\n\n"), p->name, p->from, p->to)) &&
	    !(error = tm__buf_add_padded(&b, _("Band"), 22, false)) &&
	    !(error = tm__buf_add_padded(&b, _("Segments"), 10, true)) &&
	    !(error = tm__buf_add_padded(&b, _("Characters"), 12, true)) &&
	    !(error = tm__buf_add_padded(&b, _("Words"), 10, true)))
		error = tm__buf_add(&b, "\n", 1);
	for (i = 0; i < NBANDS && !error; i++) {
		if (format == TM_ANALYSIS_CSV)
			error = tm__buf_printf(&b, "%s,%zu,%zu,%zu\r\n",
			    band_names[i], c[i].segments, c[i].chars,
			    c[i].words);
		else if (!(error = tm__buf_add_padded(&b, _(band_labels[i]),
		    22, false)))
			error = tm__buf_printf(&b, " %9zu %11zu %9zu\n",
			    c[i].segments, c[i].chars, c[i].words);
	}
	if (!error && p->note && format == TM_ANALYSIS_TEXT)
		error = tm__buf_printf(&b, _("\nNote: %s\n"), p->note);
	if (error < 0) {
		tm__buf_release(&b);
		return tm__error_nomem();
	}
	*out = tm__buf_detach(&b);
	return 0;
}

int
tm_pretranslation_json(char **out, const tm_pretranslation *p,
    const char *const *outputs)
{
	static const char *const formats[] = { "auto", "text", "markdown",
	    "html", "docx", "odt" };
	json_t *root, *segs, *outs;
	size_t i;

	if (!out)
		return tm__error(TM_EINVAL, "no place for the result");
	*out = NULL;
	if (!p)
		return tm__error(TM_EINVAL, "no pre-translation");
	segs = json_array();
	outs = json_object();
	root = json_pack("{s:s, s:s, s:s, s:s, s:o*, s:o*, s:o*, s:s*}",
	    "file", p->name, "from", p->from, "to", p->to, "format",
	    formats[p->format], "outputs", outs, "bands", bands_json(p),
	    "segments", segs, "note", p->note);
	if (!root)
		return tm__error_nomem();
	for (i = 0; outputs && outputs[i] && outputs[i + 1]; i += 2)
		if (json_object_set_new(outs, outputs[i],
		    json_string(outputs[i + 1])) < 0) {
			json_decref(root);
			return tm__error_nomem();
		}
	for (i = 0; i < p->nsegs; i++) {
		const tm_pt_segment *g = &p->segs[i].pub;
		json_t *o = json_pack("{s:I, s:I, s:s, s:s?, s:s, s:i, s:o?, "
		    "s:s?, s:s?}", "id", (json_int_t)i + 1, "line",
		    (json_int_t)g->line, "source", g->source, "target",
		    g->target, "origin", tm__pt_origin_name(g->origin),
		    "score", g->score, "repetition_of", g->repetition_of ?
		    json_integer((json_int_t)g->repetition_of) : NULL,
		    "diff", g->diff, "mt_error", g->mt_error);

		if (!o || json_array_append_new(segs, o) < 0) {
			json_decref(root);
			return tm__error_nomem();
		}
	}
	return dump(out, root);
}

int
tm_pretranslation_write_analysis(const tm_pretranslation *p,
    const char *path, int format)
{
	struct tm__buf b = { 0 };
	char *text = NULL;
	int error;

	if ((error = tm_pretranslation_analysis(&text, p, format)) < 0)
		return error;
	b.ptr = text;
	b.len = b.cap = strlen(text);
	error = tm__write_file(path, &b);
	tm_free(text);
	return error;
}
