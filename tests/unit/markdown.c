/*
 * Unit tests for pt-markdown.c: the inline scanner against CommonMark
 * 0.30's rules (emphasis and strong, nested, unmatched, intraword
 * underscores, the rule of 3, code spans with backticks inside, links
 * with parentheses and titles, links in links, images, autolinks,
 * inline HTML, hard breaks, backslash escapes), the writer (the source
 * written back byte for byte; a target escaped where it would read as
 * markup, but not inside code), the segments' codes and escapes, and
 * hostile input (100,000 asterisks, deeply nested brackets, a 5 MB
 * line: no crash, linear scanning).
 */
#include "pretranslate.h"
#include "../tap.h"

static struct tm__pt_md *list;

/* Codes as tags with ids, numbered in order as the segments number them. */
static size_t
tags_of(const struct tm__pt_mdscan *m, struct tm__pt_tag *t,
    struct tm__pt_code *codes)
{
	const struct tm__pt_md *open[64];
	unsigned ids[64];
	size_t i, n = 0, depth = 0;
	unsigned next = 1;

	for (i = 0; i < m->nev && n < 256; i++) {
		const struct tm__pt_event *v = &m->ev[i];

		t[n].pos = v->pos;
		t[n].kind = v->kind;
		if (v->kind == TM__TAG_CLOSE) {
			if (!depth || open[depth - 1] != v->code.md)
				return (size_t)-1;
			t[n++].id = ids[--depth];
			continue;
		}
		codes[next - 1] = v->code;
		t[n++].id = next;
		if (v->kind == TM__TAG_OPEN && depth < 64) {
			open[depth] = v->code.md;
			ids[depth++] = next;
		}
		next++;
	}
	return depth ? (size_t)-1 : n;
}

/*
 * The scan of s as its plain text with <ctype>, </ctype>, <ctype/> where
 * the codes are (a static buffer).
 */
static const char *
show(const char *s)
{
	static char out[4096];
	struct tm__pt_mdscan m = { 0 };
	struct tm__buf b = { 0 };
	size_t at = 0, i;

	if (tm__pt_md_scan(&m, &list, s, strlen(s)) < 0)
		return "(error)";
	for (i = 0; i < m.nev; i++) {
		const struct tm__pt_event *v = &m.ev[i];

		tm__buf_add(&b, m.text.ptr + at, v->pos - at);
		at = v->pos;
		tm__buf_printf(&b, "<%s%s%s>", v->kind == TM__TAG_CLOSE ?
		    "/" : "", v->code.md->ctype, v->kind == TM__TAG_EMPTY ?
		    "/" : "");
	}
	tm__buf_adds(&b, m.text.ptr + at);
	snprintf(out, sizeof(out), "%s", tm__buf_str(&b));
	tm__buf_release(&b);
	tm__pt_mdscan_release(&m);
	return out;
}

/* The markup of the first code of s: "open|close". */
static const char *
markup(const char *s)
{
	static char out[1024];
	struct tm__pt_mdscan m = { 0 };

	out[0] = '\0';
	if (tm__pt_md_scan(&m, &list, s, strlen(s)) == 0 && m.nev)
		snprintf(out, sizeof(out), "%s|%s", m.ev[0].code.md->open,
		    m.ev[0].code.md->close);
	tm__pt_mdscan_release(&m);
	return out;
}

/* Scanned and written back as the source: the same bytes? */
static const char *
round_trip(const char *s)
{
	static char out[4096];
	static struct tm__pt_tag t[256];
	static struct tm__pt_code codes[256];
	struct tm__pt_mdscan m = { 0 };
	struct tm__buf b = { 0 };
	size_t n;

	out[0] = '\0';
	if (tm__pt_md_scan(&m, &list, s, strlen(s)) == 0 &&
	    (n = tags_of(&m, t, codes)) != (size_t)-1 &&
	    tm__pt_md_write(&b, m.text.ptr, t, n, codes, true, m.esc,
	    m.nesc, true) == 0)
		snprintf(out, sizeof(out), "%s", tm__buf_str(&b));
	tm__buf_release(&b);
	tm__pt_mdscan_release(&m);
	return out;
}

/* 1,000 asterisks. */
static const char *
std_stars(void)
{
	static char s[1001];

	memset(s, '*', 1000);
	s[1000] = '\0';
	return s;
}

static void
scanner(void)
{
	/* Strong and emphasis; the delimiter kept. */
	is_str(show("**王毅**会见了代表。"), "<bold>王毅</bold>会见了代表。",
	    "** around a name: bold");
	is_str(markup("__王毅__ 会见"), "__|__", "... __ remembered as such");
	is_str(show("*强调*和_强调_"), "<italic>强调</italic>和_强调_",
	    "* emphasis; _ between CJK letters is intraword: text");
	is_str(show("a _b_ c"), "a <italic>b</italic> c", "_b_: italic");
	is_str(show("***x***"), "<italic><bold>x</bold></italic>",
	    "***x***: strong inside emphasis");
	is_str(show("*a **b** c*"), "<italic>a <bold>b</bold> c</italic>",
	    "nested: strong inside emphasis");
	is_str(show("*(*foo*)*"),
	    "<italic>(<italic>foo</italic>)</italic>", "nested emphasis");
	is_str(show("**foo*"), "*<italic>foo</italic>",
	    "unmatched: the extra * stays text");
	is_str(show("*foo**"), "<italic>foo</italic>*", "... at the end too");
	is_str(show("**"), "**", "** alone is text");
	is_str(show("a ** b"), "a ** b", "** between spaces is text");
	is_str(show(std_stars()), std_stars(), "a run of * alone is text");
	is_str(show("snake_case_words"), "snake_case_words",
	    "intraword underscores are text");
	is_str(show("__init__"), "<bold>init</bold>", "__init__: strong");
	is_str(show("2*3*4"), "2<italic>3</italic>4",
	    "2*3*4: * may open and close inside a word (CommonMark)");
	is_str(show("2 * 3 * 4"), "2 * 3 * 4", "2 * 3 * 4: text");
	is_str(show("a*\"foo\"*"), "a*\"foo\"*",
	    "* before punctuation after a letter: not left-flanking");
	is_str(show("*foo**bar**baz*"),
	    "<italic>foo<bold>bar</bold>baz</italic>", "rule of 3: nesting");
	is_str(show("*foo**bar*"), "<italic>foo**bar</italic>",
	    "rule of 3: ** inside stays text");
	/* Code spans. */
	is_str(show("运行`tm import`命令"),
	    "运行<x-md-code>tm import</x-md-code>命令", "a code span");
	is_str(show("``a`b``"), "<x-md-code>a`b</x-md-code>",
	    "a backtick inside a double-backtick span");
	is_str(markup("`` `x` ``"), "`` | ``",
	    "... the spaces around stripped into the markup");
	is_str(show("`` `x` ``"), "<x-md-code>`x`</x-md-code>",
	    "... the content kept verbatim");
	is_str(show("*a `*` b*"),
	    "<italic>a <x-md-code>*</x-md-code> b</italic>",
	    "code binds tighter than emphasis");
	is_str(show("`unclosed"), "`unclosed", "an unclosed backtick: text");
	is_str(show("``a`"), "``a`", "runs of other lengths: text");
	is_str(show("`\\*`"), "<x-md-code>\\*</x-md-code>",
	    "no escapes in code");
	/* Links and images. */
	is_str(show("请访问[外交部网站](https://www.mfa.gov.cn/(x)y \"外交部\")。"),
	    "请访问<link>外交部网站</link>。", "a link with a title");
	is_str(markup("[外交部](https://a.b/(x)y \"t\")"),
	    "[|](https://a.b/(x)y \"t\")",
	    "... destination with parentheses and title remembered");
	is_str(show("[a](<b c> 'd')"), "<link>a</link>",
	    "<destination> and 'title'");
	is_str(show("[**王毅**](u)"), "<link><bold>王毅</bold></link>",
	    "emphasis inside a link");
	is_str(show("*[a*](u)"), "*<link>a*</link>",
	    "emphasis cannot cross a link's bracket");
	is_str(show("[a [b](u) c](v)"), "[a <link>b</link> c](v)",
	    "no link inside a link");
	is_str(show("[a](b"), "[a](b", "an unclosed destination: text");
	is_str(show("[a] (b)"), "[a] (b)", "a space before (: text");
	is_str(show("[a][ref]"), "[a][ref]",
	    "reference links are text (not resolved)");
	is_str(show("见![图](a.png)。"), "见<image/>。", "an image: one code");
	is_str(markup("![图 *x*](a.png \"t\")"), "![图 *x*](a.png \"t\")|",
	    "... its whole markup, alt text and all");
	is_str(show("![a [b](c)](d)"), "<image/>", "a link in alt text");
	/* Autolinks and inline HTML. */
	is_str(show("见<https://www.mfa.gov.cn>。"), "见<x-md-autolink/>。",
	    "an autolink");
	is_str(show("<foo@bar.example.com>"), "<x-md-autolink/>",
	    "an e-mail autolink");
	is_str(show("a<span class=\"x\">b</span>"),
	    "a<x-md-html/>b<x-md-html/>", "inline HTML: empty codes");
	is_str(show("a<!-- c -->b"), "a<x-md-html/>b", "an HTML comment");
	is_str(show("a < b > c"), "a < b > c", "< and > that are no tag");
	is_str(show("<a href='x"), "<a href='x", "an unclosed attribute");
	/* Hard breaks and escapes. */
	is_str(show("a  \nb"), "a<lb/>\nb", "two spaces and a line break");
	is_str(show("a\\\nb"), "a<lb/>\nb", "a backslash and a line break");
	is_str(show("a \nb"), "a \nb", "one space: a soft break");
	is_str(show("\\*不是强调\\*"), "*不是强调*",
	    "\\* is the literal character");
	is_str(show("\\[不是链接](u)"), "[不是链接](u)", "\\[ is no link");
	is_str(show("\\a\\"), "\\a\\", "\\ before a letter or at the end");
}

static void
writer(void)
{
	static const char *const inputs[] = {
		"**王毅**会见了**WHO**代表。",
		"__王毅__ and *x* and _y_ and ***z***",
		"请访问[外交部网站](https://www.mfa.gov.cn/(x)y \"外交部\")。",
		"[a](<b c> 'd') ![图 *x*](a.png) <https://x.y> <b>c</b>",
		"``a`b`` and `` `x` `` and `c`",
		"\\*不是强调\\* and \\[x\\] and 2\\*3",
		"2*3*4 snake_case_words ** a * b",
		"[a [b](u) c](v) *[a*](u)",
		"a  \nb\\\nc",
		"**foo* *bar** unmatched",
	};
	static struct tm__pt_tag t[16];
	static struct tm__pt_code codes[16];
	struct tm__pt_mdscan m = { 0 };
	struct tm__buf b = { 0 };
	size_t i, n;

	for (i = 0; i < TM__ARRAY_SIZE(inputs); i++)
		is_str(round_trip(inputs[i]), inputs[i],
		    "round trip %zu: the source written back byte for byte", i);

	/*
	 * A target: the source's codes at its places, its own * _ [ ] `
	 * escaped, code as is.
	 */
	ok(tm__pt_md_scan(&m, &list, "**王毅**说`a*b`。", strlen(
	    "**王毅**说`a*b`。")) == 0, "a source with bold and code");
	n = tags_of(&m, t, codes);
	is_int(n, 4, "... four tags");
	t[0].pos = 0;
	t[1].pos = 7;		/* "Wang Yi" */
	t[2].pos = 13;		/* "a*b" */
	t[3].pos = 16;
	ok(tm__pt_md_write(&b, "Wang Yi said a*b, 2*3 [sic] x_y.", t, n, codes,
	    false, NULL, 0, true) == 0, "the target written");
	is_str(tm__buf_str(&b),
	    "**Wang Yi** said `a*b`, 2\\*3 \\[sic\\] x\\_y.",
	    "... with its markup; * [ ] _ of the text escaped, not in code");
	tm__buf_reset(&b);
	tm__pt_mdscan_release(&m);

	/* A hard break in a target: its line ends there. */
	ok(tm__pt_md_scan(&m, &list, "第一行  \n第二行", strlen(
	    "第一行  \n第二行")) == 0, "a source with a hard break");
	n = tags_of(&m, t, codes);
	t[0].pos = 10;
	ok(tm__pt_md_write(&b, "First line Second line", t, n, codes, false,
	    NULL, 0, true) == 0, "the target written");
	is_str(tm__buf_str(&b), "First line  \nSecond line",
	    "... the break ends the line, the space after it goes");
	tm__buf_reset(&b);
	ok(tm__pt_md_write(&b, "1. The tal # - 1. ok", t, n, codes, false,
	    NULL, 0, true) == 0, "a target starting like a list item");
	is_str(tm__buf_str(&b), "1\\. The tal  \n\\# - 1. ok",
	    "... its marker escaped at the start of each line only");
	tm__buf_release(&b);
	tm__pt_mdscan_release(&m);
}

/* Scanning hostile input: it ends, and the text is all there. */
static void
hostile_one(const char *name, const char *s, size_t len)
{
	struct tm__pt_mdscan m = { 0 };
	int rc = tm__pt_md_scan(&m, &list, s, len);

	ok(rc == 0 && m.text.len <= len, "hostile: %s (%zu bytes, %zu codes)",
	    name, len, m.nev);
	tm__pt_mdscan_release(&m);
	tm__pt_md_free(list);
	list = NULL;
}

static char *
repeat(const char *unit, size_t times, size_t *len)
{
	size_t u = strlen(unit), i;
	char *s = malloc(u * times + 1);

	if (!s)
		return NULL;
	for (i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	s[u * times] = '\0';
	*len = u * times;
	return s;
}

static void
hostile(void)
{
	static const struct {
		const char *name, *unit;
		size_t times;
	} cases[] = {
		{ "100,000 asterisks", "*", 100000 },
		{ "alternating *a", "*a", 100000 },
		{ "**a* nested openers", "**a*", 100000 },
		{ "100,000 [", "[", 100000 },
		{ "100,000 ![", "![", 100000 },
		{ "100,000 ]", "]", 100000 },
		{ "links with no end", "[a](b", 200000 },
		{ "titles with no end", "[a](b \"", 100000 },
		{ "backticks of every length", "a`", 100000 },
		{ "unclosed attributes", "<a b='", 100000 },
		{ "unclosed comments", "<!--", 100000 },
		{ "escapes", "\\*", 100000 },
		{ "hard breaks", "a  \n", 100000 },
		{ "a 5 MB line of markup", "**王毅**会见了[代表](u)。`x`_y_ ",
		    120000 },
	};
	size_t i, len, depth = 50000;
	char *s;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++) {
		if (!(s = repeat(cases[i].unit, cases[i].times, &len)))
			continue;
		hostile_one(cases[i].name, s, len);
		free(s);
	}
	/* Brackets nested 50,000 deep, as a link and as text. */
	if ((s = malloc(depth * 2 + 8))) {
		memset(s, '[', depth);
		memset(s + depth, ']', depth);
		memcpy(s + 2 * depth, "(u)", 4);
		hostile_one("brackets nested 50,000 deep", s, 2 * depth + 3);
		free(s);
	}
	if ((s = malloc(depth * 4 + 1))) {
		for (i = 0; i < depth; i++)
			memcpy(s + 2 * i, "*[", 2);
		for (i = 0; i < depth; i++)
			memcpy(s + 2 * depth + 2 * i, "]*", 2);
		hostile_one("*[ nested 50,000 deep", s, 4 * depth);
		free(s);
	}
}

int
main(void)
{
	scanner();
	writer();
	tm__pt_md_free(list);
	list = NULL;
	hostile();
	return done_testing();
}
