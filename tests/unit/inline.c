/*
 * Unit tests for pt-inline.c: the placing of an HTML segment's inline
 * codes in its target (rules a-d of issue 6: the memory's own codes by
 * x= or in order, codes around the whole segment, text found once or
 * the glossary's term, the rest left out), never unbalanced or crossed;
 * escaping in the XLIFF; and hostile HTML through tm_pretranslate_file
 * (deep nesting, thousands of inline elements, unclosed tags, scripts
 * and styles, entities, attributes with quotes and ampersands).
 */
#include "pretranslate.h"
#include "../tap.h"

#include <libxml/parser.h>
#include <unistd.h>

static char dir[] = "/tmp/tm-unit-inline-XXXXXX";
static xmlDocPtr doc;
static tm_db *db;

static const char *
path_of(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
write_file(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(path_of(name), "w");

	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
}

static char *
read_all(const char *name)
{
	char *text = NULL;
	size_t len;

	if (tm_text_read(&text, &len, path_of(name), "UTF-8") < 0)
		return NULL;
	return text;
}

static bool
is_empty_name(const char *name)
{
	return strcmp(name, "br") == 0 || strcmp(name, "img") == 0 ||
	    strcmp(name, "script") == 0;
}

/*
 * A segment from "{1}王毅{/1}说{2/}": {N} opens code N, {/N} closes it,
 * {N/} is an empty one; names[N - 1] is code N's element.
 */
static void
make_seg(struct tm__pt_seg *g, const char *src, const char *const *names,
    size_t nnames, const char *target, const char *target_seg)
{
	struct tm__buf plain = { 0 };
	size_t cap = 0, i;
	const char *s;

	memset(g, 0, sizeof(*g));
	g->codes = tm__calloc(nnames, sizeof(*g->codes));
	g->ncodes = nnames;
	for (i = 0; i < nnames; i++) {
		g->codes[i].node = xmlNewDocNode(doc, NULL,
		    (const xmlChar *)names[i], NULL);
		xmlAddChild(xmlDocGetRootElement(doc), g->codes[i].node);
		g->codes[i].paired = !is_empty_name(names[i]);
	}
	for (s = src; *s; s++) {
		char kind = TM__TAG_OPEN;
		unsigned id;
		char *end;

		if (*s != '{') {
			tm__buf_addc(&plain, *s);
			continue;
		}
		s++;
		if (*s == '/') {
			kind = TM__TAG_CLOSE;
			s++;
		}
		id = (unsigned)strtoul(s, &end, 10);
		s = end;
		if (*s == '/') {
			kind = TM__TAG_EMPTY;
			s++;
		}
		tm__grow((void **)&g->stags, &cap, g->nstags,
		    sizeof(*g->stags));
		g->stags[g->nstags].pos = plain.len;
		g->stags[g->nstags].id = id;
		g->stags[g->nstags++].kind = kind;
	}
	tm__buf_adds(&plain, "");
	g->source = tm__buf_detach(&plain);
	g->target = target ? tm__strdup(target) : NULL;
	g->target_seg = target_seg ? tm__strdup(target_seg) : NULL;
}

static void
free_seg(struct tm__pt_seg *g)
{
	tm_free(g->source);
	tm_free(g->target);
	tm__pt_codes_release(g);
}

/* Whether the target's tags are balanced, nested and in order. */
static bool
balanced(const struct tm__pt_seg *g)
{
	unsigned stack[256];
	size_t depth = 0, i, last = 0, len = g->target ? strlen(g->target) : 0;

	for (i = 0; i < g->nttags; i++) {
		const struct tm__pt_tag *t = &g->ttags[i];

		if (t->pos < last || t->pos > len || !t->id ||
		    t->id > g->ncodes)
			return false;
		last = t->pos;
		if (t->kind == TM__TAG_OPEN) {
			if (depth == 256 || !g->codes[t->id - 1].paired)
				return false;
			stack[depth++] = t->id;
		} else if (t->kind == TM__TAG_CLOSE) {
			if (!depth || stack[--depth] != t->id)
				return false;
		} else if (g->codes[t->id - 1].paired) {
			return false;
		}
	}
	return depth == 0;
}

/* Place the codes of src into target; the target as tagged text. */
static char *
placed(const char *src, const char *const *names, size_t n,
    const char *target, const char *target_seg, bool *bal)
{
	struct tm__pt_seg g;
	tm_term_hits *hits = NULL;
	char *out = NULL;

	make_seg(&g, src, names, n, target, target_seg);
	if (tm_glossary_find(&hits, db, g.source, "zh-CN", "en-US") == 0 &&
	    tm__pt_place_codes(&g, hits, "zh-CN", "en-US") == 0)
		tm__pt_tagged(&out, g.target, g.ttags, g.nttags);
	tm_term_hits_free(hits);
	*bal = balanced(&g);
	free_seg(&g);
	return out;
}

#define PLACED(src, names, target, seg, want, name) do { \
	bool bal_ = false; \
	char *got_ = placed(src, names, TM__ARRAY_SIZE(names), target, seg, \
	    &bal_); \
	is_str(got_, want, name); \
	ok(bal_, "... balanced and nested"); \
	tm_free(got_); \
} while (0)

static void
rules(void)
{
	static const char *const one[] = { "a" };
	static const char *const b_br_img[] = { "b", "br", "img" };
	static const char *const two[] = { "b", "abbr" };
	static const char *const two_b[] = { "b", "b" };
	static const char *const script[] = { "script" };
	static const char *const hi[] = { "i" };

	PLACED("{1}请访问外交部网站。{/1}", one, "Please visit the site.",
	    NULL, "<g id=\"1\">Please visit the site.</g>",
	    "(b) a code around the whole source goes around the whole target");
	PLACED("{1}详情{/1}见附件。{2/}{3/}", b_br_img, "See the annex.", NULL,
	    "See the annex.<x id=\"2\"/><x id=\"3\"/>",
	    "(b) empty codes at the end stay at the end; (d) the bold is "
	    "left out");
	PLACED("{1}王毅{/1}会见了{2}WHO{/2}代表。", two,
	    "Wang Yi met the WHO representative.", NULL,
	    "<g id=\"1\">Wang Yi</g> met the <g id=\"2\">WHO</g> "
	    "representative.",
	    "(c) text found once, and a glossary term's translation");
	PLACED("{1}WHO{/1}和WHO", one, "WHO and WHO", NULL, "WHO and WHO",
	    "(c) text found twice is not placed");
	PLACED("{1}5{/1}只口罩和50只手套", one, "50 gloves and 5 masks", NULL,
	    "50 gloves and <g id=\"1\">5</g> masks",
	    "(c) a number inside a longer number does not count");
	PLACED("日本捐赠的{1}5万只{/1}口罩已运抵。", one,
	    "The 50,000 masks donated by Japan have arrived.", NULL,
	    "The <g id=\"1\">50,000</g> masks donated by Japan have arrived.",
	    "(c) a number goes around its value in the target");
	PLACED("会议于{1}1月28日{/1}举行。", one,
	    "The meeting was held on January 28.", NULL,
	    "The meeting was held on <g id=\"1\">January 28</g>.",
	    "(c) a date goes around the month and day in the target");
	PLACED("捐赠的{1}190万件{/1}物资", one,
	    "1.9 million items donated", NULL,
	    "<g id=\"1\">1.9 million</g> items donated",
	    "(c) 190万 finds 1.9 million by value");
	PLACED("{1}5万{/1}只口罩和5万副手套", one,
	    "50,000 masks and 50,000 gloves", NULL,
	    "50,000 masks and 50,000 gloves",
	    "(c) a number the target has twice is not placed");
	PLACED("{1}5万只口罩和手套{/1}", one,
	    "Masks and gloves, 50,000 each", NULL,
	    "<g id=\"1\">Masks and gloves, 50,000 each</g>",
	    "(b) around the whole segment, whatever it holds");
	PLACED("捐赠{1}5万只口罩和手套{/1}。", one,
	    "Donated: masks and gloves, 50,000 each.", NULL,
	    "Donated: masks and gloves, 50,000 each.",
	    "(c) text that is mostly words is not placed by its number");
	PLACED("{1}A B{/1}和{2}B C{/2}", two_b, "A B C", NULL,
	    "<g id=\"1\">A B</g> C",
	    "(c) a span that would cross a placed one is left out");
	PLACED("新闻发布会{1/}于下午举行。", script,
	    "The press conference was held.", NULL,
	    "The press conference was held.<x id=\"1\"/>",
	    "a script nobody sees goes to the end rather than out");
	PLACED("{1}王毅{/1}会见了{2}WHO{/2}代表。", two,
	    "The WHO representative met Wang Yi.",
	    "The <bpt i=\"1\" x=\"2\"/>WHO<ept i=\"1\"/> representative met "
	    "<bpt i=\"2\" x=\"1\"/>Wang Yi<ept i=\"2\"/>.",
	    "The <g id=\"2\">WHO</g> representative met <g id=\"1\">Wang "
	    "Yi</g>.", "(a) the memory's codes mapped by their x=");
	PLACED("{1}王毅{/1}会见了{2}WHO{/2}代表。", two,
	    "Wang Yi met the representative of WHO.",
	    "<bpt i=\"1\"/>Wang Yi<ept i=\"1\"/> met the representative of "
	    "<hi>WHO</hi>.",
	    "<g id=\"1\">Wang Yi</g> met the representative of <g id=\"2\">"
	    "WHO</g>.", "(a) without x=: in order; <hi> is a pair too");
	PLACED("{1}附件{/1}", hi, "Annex",
	    "<bpt i=\"1\" x=\"1\"/>An<ept i=\"1\"/>nex<ph x=\"2\"/>",
	    "<g id=\"1\">Annex</g>",
	    "(a) other numbers of codes: rules (b)-(d) instead");
	PLACED("{1}附件{/1}", hi, "Annex",
	    "<bpt i=\"1\"/>Annex<ept i=\"2\"/>", "<g id=\"1\">Annex</g>",
	    "(a) a broken pair in the memory: rules (b)-(d)");
	PLACED("{1}附件{/1}", hi, "Annex", "<bpt i=\"1\"/>Annex<ept",
	    "<g id=\"1\">Annex</g>", "(a) a <seg> that is not XML: the same");
	PLACED("{1}附件{/1}", hi, "The annex",
	    "<bpt i=\"1\" x=\"1\"/>Annex<ept i=\"1\"/>",
	    "<g id=\"1\">The annex</g>",
	    "(a) the memory's text differs (numbers written anew): (b)");
	{
		struct tm__pt_seg g;

		make_seg(&g, "{1}附件{/1}", hi, 1, NULL, NULL);
		ok(tm__pt_place_codes(&g, NULL, "zh-CN", "en-US") == 0 &&
		    g.nttags == 0, "no target, no codes");
		free_seg(&g);
	}
	{
		struct tm__pt_seg g;
		struct tm__buf b = { 0 };

		make_seg(&g, "a < b & \"c\" {1}x{/1}", one, 1, NULL, NULL);
		xmlSetProp(g.codes[0].node, (const xmlChar *)"href",
		    (const xmlChar *)"?a=1&b=\"2\"");
		ok(tm__pt_add_xliff(&b, g.source, g.stags, g.nstags,
		    g.codes) == 0, "XLIFF content");
		is_str(tm__buf_str(&b), "a &lt; b &amp; \"c\" <g id=\"1\" "
		    "ctype=\"link\">x</g>", "... text escaped, no attribute "
		    "leaks into it");
		tm__buf_reset(&b);
		{
			size_t ti = 0;

			ok(tm__pt_add_badges(&b, g.source, 0, strlen(g.source),
			    g.stags, g.nstags, g.codes, &ti) == 0 &&
			    strstr(tm__buf_str(&b), "title=\"&lt;a href=&quot;"
			    "?a=1&amp;b=&quot;2&quot;&quot;&gt;\""),
			    "a badge's title escapes the attribute's quotes "
			    "and ampersand");
		}
		tm__buf_release(&b);
		free_seg(&g);
	}
}

/* The check compares tags by name and id and names the missing ones. */
static void
check_tags(void)
{
	tm_findings *f = NULL;
	const tm_finding *k;

	ok(tm_check_segment(&f, NULL, "见<g id=\"1\">附件</g><x id=\"2\"/>。",
	    "See the <g id=\"2\">annex</g><x id=\"1\"/>.", "zh", "en") == 0 &&
	    tm_findings_count(f) == 1 && (k = tm_findings_get(f, 0)) &&
	    strcmp(k->kind, "tags") == 0 && strcmp(k->message, "the source "
	    "has 3 inline tags, the target 3; not in the target: <g id=\"1\">, "
	    "<x id=\"2\"/>; not in the source: <g id=\"2\">, "
	    "<x id=\"1\"/>") == 0,
	    "same tags, other ids: a finding naming them (%s)",
	    f && tm_findings_count(f) ? tm_findings_get(f, 0)->message : "");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "<bx id=\"3\"/>见附件<ex id=\"4\"/>。",
	    "<bx id=\"3\"/>See the annex<ex id=\"4\"/>.", "zh", "en") == 0 &&
	    tm_findings_count(f) == 0, "<bx/> and <ex/> by id: no finding");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "<bx id=\"3\"/>见附件<ex id=\"4\"/>。",
	    "See the annex<ex id=\"4\"/>.", "zh", "en") == 0 &&
	    tm_findings_count(f) == 1 && strstr(tm_findings_get(f, 0)->message,
	    "not in the target: <bx id=\"3\"/>"), "a missing <bx/> named");
	tm_findings_free(f);
}

/* Pre-translate an HTML file; its outputs must parse. */
static int
run_html(const char *name, const char *html, size_t len, char **draft)
{
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	tm_pretranslation *p = NULL;
	xmlDocPtr x;
	int error;

	*draft = NULL;
	write_file(name, html, len);
	po.from = "zh-CN";
	po.to = "en-US";
	if ((error = tm_pretranslate_file(&p, db, path_of(name), &po)) < 0)
		return error;
	if ((error = tm_pretranslation_write_xliff(p, path_of("h.xlf"))) < 0 ||
	    (error = tm_pretranslation_write_review(p,
	    path_of("h.review.html"))) < 0 ||
	    (error = tm_pretranslation_write_draft(p,
	    path_of("h.draft.html"))) < 0)
		goto done;
	x = xmlReadFile(path_of("h.xlf"), NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x)
		error = TM_EPARSE;
	xmlFreeDoc(x);
	*draft = read_all("h.draft.html");
done:
	tm_pretranslation_free(p);
	return error;
}

static void
hostile(void)
{
	struct tm__buf h = { 0 };
	char *d = NULL;
	size_t i;
	int rc;

	/* Deep nesting: libxml2 stops at its depth limit: an error. */
	tm__buf_adds(&h, "<html><body><p>");
	for (i = 0; i < 100000; i++)
		tm__buf_adds(&h, "<span>");
	tm__buf_adds(&h, "副市长出席活动并致辞。");
	for (i = 0; i < 100000; i++)
		tm__buf_adds(&h, "</span>");
	tm__buf_adds(&h, "</p></body></html>");
	rc = run_html("deep.html", h.ptr, h.len, &d);
	ok(rc == TM_EPARSE && tm_error_last() &&
	    strstr(tm_error_last()->message, "deep.html: line 1: elements "
	    "nested deeper than libxml2 reads"),
	    "100,000 nested spans: a clear error, not a truncated draft "
	    "(%d: %s)", rc, rc && tm_error_last() ?
	    tm_error_last()->message : "");
	tm_free(d);

	/* Within the parser's limit: every level rebuilt in the draft. */
	tm__buf_reset(&h);
	tm__buf_adds(&h, "<html><body><p>");
	for (i = 0; i < 200; i++)
		tm__buf_adds(&h, "<span class=\"s\">");
	tm__buf_adds(&h, "副市长出席活动并致辞。凌晨1时，首批物资抵达浦东国际机场。");
	for (i = 0; i < 200; i++)
		tm__buf_adds(&h, "</span>");
	tm__buf_adds(&h, "</p></body></html>");
	rc = run_html("deep2.html", h.ptr, h.len, &d);
	ok(rc == 0 && d && strstr(d, "<span class=\"s\">The Vice Mayor") &&
	    strstr(d, "Pudong International Airport.</span></span>"),
	    "200 nested spans around two sentences: split, rebuilt around "
	    "each");
	tm_free(d);

	/* Thousands of inline elements in one block. */
	tm__buf_reset(&h);
	tm__buf_adds(&h, "<html><body><p>");
	for (i = 0; i < 20000; i++)
		tm__buf_printf(&h, "<b title=\"%zu\">字</b>。<br>", i);
	tm__buf_adds(&h, "副市长出席<a href=\"x?a=1&amp;b=2\" title='say "
	    "\"hi\"'>活动</a>并致辞。</p></body></html>");
	rc = run_html("many.html", h.ptr, h.len, &d);
	ok(rc == 0 && d, "20,000 inline elements in one block (%d)", rc);
	ok(d && strstr(d, "<b title=\"19999\">字</b>"),
	    "... the last one kept");
	tm_free(d);

	/* Unclosed tags, script and style inside text, entities. */
	tm__buf_reset(&h);
	tm__buf_adds(&h, "<html><body><p>副市长<b>出席活动并致辞。<p>"
	    "<a href=\"a?x=1&amp;y=&quot;2&quot;\" title='a \"b\" &amp; c'>"
	    "凌晨1时，首批物资抵达浦东国际机场。</a><p>&amp; &lt;b&gt; &#x4e2d;"
	    "<script>if (a < b && c) document.write(\"</p>\");</script>"
	    "<style>p > b { color: red }</style><!-- keep me -->"
	    "副市长出席活动并致辞。");
	rc = run_html("broken.html", h.ptr, h.len, &d);
	ok(rc == 0 && d, "unclosed tags, scripts, entities (%d)", rc);
	ok(d && strstr(d, "title='a \"b\" &amp; c'>At 1 a.m."),
	    "... a link's attributes with quotes and ampersands kept");
	ok(d && strstr(d, "&amp; &lt;b&gt; 中"), "... entities escaped again");
	ok(d && strstr(d, "if (a < b && c) document.write(\"</p>\");"),
	    "... the script untouched");
	ok(d && strstr(d, "p > b { color: red }"), "... the style too");
	ok(d && strstr(d, "<!-- keep me -->"), "... and the comment");
	tm_free(d);
	tm__buf_release(&h);
}

int
main(void)
{
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_import_result ir;
	char dbpath[300], tmx[600];
	const char *src = getenv("TM_SRCDIR");
	static const char *const files[] = {
		"g.csv", "deep.html", "deep2.html", "many.html", "broken.html",
		"h.xlf", "h.review.html", "h.draft.html", "tm.db", "tm.db-wal",
		"tm.db-shm"
	};
	size_t i;

	if (!mkdtemp(dir))
		return 1;
	if (!src)
		src = ".";
	snprintf(dbpath, sizeof(dbpath), "%s/tm.db", dir);
	ok(tm_db_open(&db, dbpath, TM_DB_CREATE) == 0, "a new memory");
	snprintf(tmx, sizeof(tmx), "%s/tests/data/sample-bulletin.tmx", src);
	ok(tm_import_tmx(&ir, db, tmx, &io) == 0, "the sample memory");
	write_file("g.csv", "zh-CN,en-US,status\n王毅,Wang Yi,preferred\n",
	    strlen("zh-CN,en-US,status\n王毅,Wang Yi,preferred\n"));
	ok(tm_glossary_import(NULL, db, path_of("g.csv"), "csv") == 0,
	    "a glossary");
	doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlDocSetRootElement(doc, xmlNewDocNode(doc, NULL,
	    (const xmlChar *)"p", NULL));

	rules();
	check_tags();
	hostile();

	xmlFreeDoc(doc);
	tm_db_close(db);
	for (i = 0; i < TM__ARRAY_SIZE(files); i++)
		unlink(path_of(files[i]));
	rmdir(dir);
	return done_testing();
}
