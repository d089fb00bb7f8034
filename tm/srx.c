/*
 * srx.c: SRX 2.0 segmentation rules, parsed with libxml2 and matched
 * with ICU regular expressions (whose syntax is that of Java, which SRX
 * names).  The built-in defaults are themselves an SRX document below,
 * so that a user's file and ours go through one engine.
 *
 * A rule's <beforebreak> and <afterbreak> become one expression,
 * (?:BEFORE)(?=(?:AFTER)), whose match ends where the rule breaks or
 * refuses to; the first rule in document order that matches at a place
 * decides, as the standard says.  Like Okapi, matches of one rule do
 * not overlap.
 *
 * The file is parsed without network, without loading a DTD and without
 * substituting entities; a document that declares entities is refused.
 */
#include "tm-int.h"
#include "srx.h"

#include <errno.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>

struct tm__srx_rule {
	URegularExpression *re;
	bool brk;
};

/*
 * The built-in rules.
 *
 * Chinese ends at 。！？； with the closing quotes and brackets that
 * follow, and at an ellipsis that is not followed by a comma nor ends
 * an enumeration (规划、建设、管理……都要加强 is one sentence), except
 * where a quotation that ends in a stop is followed, in the same
 * clause or at the end of a clause, by a verb of saying (“……。”他说。
 * is one sentence in news style), or by a stop, a comma or a particle
 * (“谁的街道？”的主题); an omission mark (【……】) and a list number
 * (1. 1．) and a code (1339.HK) never end one.
 *
 * English keeps titles (Mr. Sen.), No. 5, initials (J. K. Rowling),
 * decimals and codes, an ellipsis before a lower-case word, ?" before
 * a lower-case word or an attribution ("Ready?" CNN reported.) and a
 * list number that starts a paragraph or
 * follows a sentence.  An abbreviation that may also end a sentence
 * (U.S., D.C., p.m., Inc., any run of capital initials) ends it only
 * before a word that starts sentences but not names, a pronoun,
 * article, conjunction or preposition such as The, He, But or In:
 * "the U.S. The next day" breaks, "the U.N. Security Council", "U.S.
 * Sen. Warren", "5 p.m. Eastern time" and "D.C. Mayor" do not.
 */
#define SAYS "说|表示|指出|强调|称|介绍|透露|补充|告诉|问道|答道|回答|" \
	"写道|解释|坦言|直言|宣布|回应|谈道|评论|感叹|呼吁|提醒|警告|" \
	"承认|笑道|续道"
#define ABBR "\\b(?:(?:[A-Z]\\.){2,}|(?:[ap]\\.m|Inc|Corp|Co|Ltd|Bros|" \
	"etc|Jr|Sr)\\.)"
#define STARTS "The|A|An|It|Its|He|She|They|We|I|You|His|Her|Their|Our|" \
	"This|That|These|Those|There|Here|But|And|Or|So|Yet|Still|However|" \
	"Meanwhile|Also|Then|Now|Thus|Instead|Later|Earlier|In|On|At|For|" \
	"From|With|After|Before|When|While|If|As|Since|Although|Though|" \
	"Because|According|Despite|During|Under|Over|By|Last|Next|Many|" \
	"Some|Most|Several|Both|Each|Other|Others|Such|No|Not|What|Who|" \
	"Why|How|Where|Today|Yesterday|Tomorrow|Officials|Police"
static const char builtin[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n"
" <header segmentsubflows=\"yes\" cascade=\"yes\"/>\n"
" <body>\n"
"  <languagerules>\n"
"   <languagerule languagerulename=\"Chinese\">\n"
"    <rule break=\"no\"><beforebreak>[。！？；…]</beforebreak>"
"<afterbreak>[。！？；…”’」』）》〉】\"']</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>(?:[。！？]|…|\\.{3})"
"[”’」』\"']+</beforebreak><afterbreak>[^。！？；，,“”‘’「」\\n]{0,30}?"
"(?:" SAYS ")|[^。！？；“”‘’「」\\n]{0,60}?(?:" SAYS "|道)[，,。：:]"
"</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>[。！？；]+[”’」』）】\"']+</beforebreak>"
"<afterbreak>[。！？；，,、的地得之]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>[【（(\\[](?:…{1,2}|\\.{3,6})[】）)\\]]"
"</beforebreak><afterbreak>.</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>(?:^|[。！？；：:\\s])"
"(?:\\d{1,3}|[A-Za-z])[.．]</beforebreak><afterbreak>.</afterbreak>"
"</rule>\n"
"    <rule break=\"no\"><beforebreak>[A-Za-z0-9][.．]</beforebreak>"
"<afterbreak>[A-Za-z0-9]</afterbreak></rule>\n"
"    <rule break=\"yes\"><beforebreak>[。！？；]+[”’」』）】\"']*</beforebreak>"
"<afterbreak>.</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>、[^。！？；，、]{1,20}…{1,2}"
"</beforebreak><afterbreak>[^”’」』）]</afterbreak></rule>\n"
"    <rule break=\"yes\"><beforebreak>(?:…{1,2}|\\.{3,6})[”’」』）〉】\"']*</beforebreak>"
"<afterbreak>\\s*[^，,、。！？；：:”’」』）》\\s]</afterbreak></rule>\n"
"   </languagerule>\n"
"   <languagerule languagerulename=\"English\">\n"
"    <rule break=\"no\"><beforebreak>\\b(?:Mr|Mrs|Ms|Messrs|Dr|Prof|St|"
"Gen|Gov|Sen|Rep|Rev|Hon|Col|Lt|Sgt|Capt|Cmdr|Adm|Maj|Pres|Insp|Fig|vs|"
"approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mt|Ft|Ave|Blvd|"
"Dept|Univ|Assn)\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>\\b(?:No|Nos|Art|Vol|pp|p)\\.</beforebreak>"
"<afterbreak>\\s*\\d</afterbreak></rule>\n"
"    <rule break=\"yes\"><beforebreak>" ABBR "</beforebreak>"
"<afterbreak>\\s+(?:" STARTS ")\\b</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>" ABBR "</beforebreak>"
"<afterbreak>\\s+[^\\s\"“‘(]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>(?:^|[\\s(])[A-Z]\\.</beforebreak>"
"<afterbreak>\\s*[A-Z]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>\\.\\.\\.</beforebreak>"
"<afterbreak>\\s*[a-z,;]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>[?!][\"”’']</beforebreak>"
"<afterbreak>\\s+[a-z]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>[?!][\"”’']</beforebreak>"
"<afterbreak>\\s+(?:[A-Z][\\w.’'-]*\\s+){1,4}(?:said|says|reported|"
"asked|told|added|wrote|explained|replied|insisted|tweeted)\\b"
"</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>[A-Za-z0-9]\\.</beforebreak>"
"<afterbreak>[A-Za-z0-9]</afterbreak></rule>\n"
"    <rule break=\"no\"><beforebreak>(?:^|(?&lt;=[.!?:;]\\s))[(\\[]?"
"(?:\\d{1,3}|[a-z])[.)\\]]"
"</beforebreak><afterbreak>\\s</afterbreak></rule>\n"
"   </languagerule>\n"
"  </languagerules>\n"
"  <maprules>\n"
"   <languagemap languagepattern=\"(?i)(zh|ja).*\" languagerulename=\"Chinese\"/>\n"
"   <languagemap languagepattern=\"(?i)en.*\" languagerulename=\"English\"/>\n"
"  </maprules>\n"
" </body>\n"
"</srx>\n";

static bool
named(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

/* UTF-8 → a UTF-16 string owned by the caller. */
static UChar *
u16(const char *s, int32_t *n)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar *u;

	u_strFromUTF8(NULL, 0, n, s, -1, &st);
	st = U_ZERO_ERROR;
	if (!(u = tm__malloc(((size_t)*n + 1) * sizeof(*u))))
		return NULL;
	u_strFromUTF8(u, *n + 1, NULL, s, -1, &st);
	if (U_FAILURE(st)) {
		free(u);
		return NULL;
	}
	return u;
}

static int
add_rule(struct tm__srx_rules *rules, const xmlNode *rn, const char *file)
{
	xmlNode *bn = child(rn, "beforebreak"), *an = child(rn, "afterbreak");
	xmlChar *brk = xmlGetProp(rn, (const xmlChar *)"break");
	xmlChar *before = bn ? xmlNodeGetContent(bn) : NULL;
	xmlChar *after = an ? xmlNodeGetContent(an) : NULL;
	struct tm__buf pat = { 0 };
	UParseError pe;
	UErrorCode st = U_ZERO_ERROR;
	UChar *u = NULL;
	int32_t n;
	int error = 0;

	if (before && *before)
		error = tm__buf_printf(&pat, "(?:%s)", (const char *)before);
	if (error == 0 && after && *after)
		error = tm__buf_printf(&pat, "(?=(?:%s))", (const char *)after);
	if (error < 0 || (!pat.ptr && (error = tm__buf_adds(&pat, "(?!)")) < 0))
		goto nomem;
	if (rules->n == rules->cap && (error = tm__grow((void **)&rules->r,
	    &rules->cap, rules->n, sizeof(*rules->r))) < 0)
		goto nomem;
	if (!(u = u16(pat.ptr, &n)))
		goto nomem;
	rules->r[rules->n].re = uregex_open(u, n, 0, &pe, &st);
	if (U_FAILURE(st)) {
		error = tm__error(TM_EPARSE, "'%s': line %ld: bad regular "
		    "expression in rule: %s (at offset %d of '%s')", file,
		    (long)xmlGetLineNo(rn), u_errorName(st), (int)pe.offset,
		    pat.ptr);
		goto done;
	}
	rules->r[rules->n].brk = !brk || strcmp((const char *)brk, "no") != 0;
	rules->n++;
	goto done;
nomem:
	error = tm__error_nomem();
done:
	free(u);
	tm__buf_release(&pat);
	xmlFree(brk);
	xmlFree(before);
	xmlFree(after);
	return error;
}

/* Whether the SRX language pattern `pat` matches the whole of `lang`. */
static int
lang_matches(const char *pat, const char *lang, const char *file, long line)
{
	UErrorCode st = U_ZERO_ERROR;
	URegularExpression *re;
	UParseError pe;
	UChar *p, *l;
	int32_t np, nl;
	int r;

	if (!(p = u16(pat, &np)) || !(l = u16(lang, &nl))) {
		free(p);
		return tm__error_nomem();
	}
	re = uregex_open(p, np, UREGEX_CASE_INSENSITIVE, &pe, &st);
	if (U_FAILURE(st)) {
		r = tm__error(TM_EPARSE, "'%s': line %ld: bad languagepattern "
		    "'%s': %s", file, line, pat, u_errorName(st));
	} else {
		uregex_setText(re, l, nl, &st);
		r = uregex_matches(re, 0, &st) ? 1 : 0;
	}
	uregex_close(re);
	free(p);
	free(l);
	return r;
}

static int
load_doc(struct tm__srx_rules *rules, xmlDoc *doc, const char *file,
    const char *lang)
{
	xmlNode *root = xmlDocGetRootElement(doc), *body, *lrs, *maps, *m, *lr,
	    *r;
	xmlChar *cascade = NULL;
	bool cas;
	int error = 0, hit;

	if (!named(root, "srx") || !(body = child(root, "body")) ||
	    !(lrs = child(body, "languagerules")) ||
	    !(maps = child(body, "maprules")))
		return tm__error(TM_EPARSE, "'%s': not an SRX 2.0 document "
		    "(srx/body/languagerules and maprules)", file);
	if (child(root, "header"))
		cascade = xmlGetProp(child(root, "header"),
		    (const xmlChar *)"cascade");
	cas = cascade && strcmp((const char *)cascade, "yes") == 0;
	xmlFree(cascade);
	for (m = maps->children; m && error == 0; m = m->next) {
		xmlChar *pat, *name;

		if (!named(m, "languagemap"))
			continue;
		pat = xmlGetProp(m, (const xmlChar *)"languagepattern");
		name = xmlGetProp(m, (const xmlChar *)"languagerulename");
		if (!pat || !name) {
			error = tm__error(TM_EPARSE, "'%s': line %ld: languagemap "
			    "without languagepattern or languagerulename", file,
			    (long)xmlGetLineNo(m));
		} else if ((hit = lang_matches((const char *)pat, lang, file,
		    (long)xmlGetLineNo(m))) < 0) {
			error = hit;
		} else if (hit) {
			for (lr = lrs->children; lr; lr = lr->next) {
				xmlChar *n = xmlGetProp(lr, (const xmlChar *)
				    "languagerulename");
				bool same = named(lr, "languagerule") && n &&
				    strcmp((const char *)n, (const char *)name) ==
				    0;

				xmlFree(n);
				if (!same)
					continue;
				for (r = lr->children; r && error == 0;
				    r = r->next)
					if (named(r, "rule"))
						error = add_rule(rules, r, file);
				break;
			}
			if (!cas) {
				xmlFree(pat);
				xmlFree(name);
				break;
			}
		}
		xmlFree(pat);
		xmlFree(name);
	}
	return error;
}

static int
load_memory(struct tm__srx_rules *rules, const char *data, size_t len,
    const char *file, const char *lang)
{
	struct tm__xml_errors quiet;
	xmlDoc *doc;
	int error;

	if (len > INT32_MAX)
		return tm__error(TM_EPARSE, "'%s': too large for SRX", file);
	xmlInitParser();
	tm__xml_quiet(&quiet);
	doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		error = tm__error(TM_EPARSE, "'%s': line %d: not well-formed "
		    "XML: %s", file, e ? e->line : 0, e && e->message ?
		    e->message : "parse error");
		/* libxml2's messages end with a newline. */
		tm__error_prefix("srx");
		goto done;
	}
	if (doc->intSubset && (doc->intSubset->entities ||
	    doc->intSubset->pentities)) {
		error = tm__error(TM_EPARSE, "'%s': entity declarations are not "
		    "allowed in SRX", file);
		goto done;
	}
	error = load_doc(rules, doc, file, lang);
done:
	xmlFreeDoc(doc);
	tm__xml_loud(&quiet);
	return error;
}

int
tm__srx_load_file(struct tm__srx_rules *rules, const char *path,
    const char *lang)
{
	struct tm__buf b = { 0 };
	int error = tm__buf_read_file(&b, path);

	if (error == 0)
		error = load_memory(rules, b.ptr ? b.ptr : "", b.len, path, lang);
	tm__buf_release(&b);
	return error;
}

int
tm__srx_load_builtin(struct tm__srx_rules *rules, const char *lang)
{
	return load_memory(rules, builtin, sizeof(builtin) - 1,
	    "built-in rules", lang);
}

int
tm__srx_clone(struct tm__srx_rules *out, const struct tm__srx_rules *rules)
{
	size_t k;

	memset(out, 0, sizeof(*out));
	if (rules->n && !(out->r = tm__calloc(rules->n, sizeof(*out->r))))
		return tm__error_nomem();
	out->cap = rules->n;
	for (k = 0; k < rules->n; k++) {
		UErrorCode st = U_ZERO_ERROR;

		out->r[k].re = uregex_clone(rules->r[k].re, &st);
		if (U_FAILURE(st)) {
			uregex_close(out->r[k].re);
			tm__srx_release(out);
			if (st == U_MEMORY_ALLOCATION_ERROR)
				return tm__error_nomem();
			return tm__error(TM_ERROR, "segment: cannot copy rule "
			    "%zu: %s", k + 1, u_errorName(st));
		}
		out->r[k].brk = rules->r[k].brk;
		out->n++;
	}
	return 0;
}

int
tm__srx_apply(struct tm__srx_rules *rules, const UChar *u, int32_t n,
    uint8_t *dec)
{
	size_t k;

	for (k = 0; k < rules->n; k++) {
		URegularExpression *re = rules->r[k].re;
		UErrorCode st = U_ZERO_ERROR;

		uregex_setText(re, u, n, &st);
		while (U_SUCCESS(st) && uregex_findNext(re, &st)) {
			int32_t e = uregex_end(re, 0, &st);

			if (U_SUCCESS(st) && e > 0 && e <= n && dec[e] == 0)
				dec[e] = rules->r[k].brk ? TM__SRX_BREAK :
				    TM__SRX_NOBREAK;
		}
		if (U_FAILURE(st))
			return tm__error(TM_ERROR, "segment: rule %zu: %s", k + 1,
			    u_errorName(st));
	}
	return 0;
}

void
tm__srx_release(struct tm__srx_rules *rules)
{
	size_t k;

	for (k = 0; k < rules->n; k++)
		uregex_close(rules->r[k].re);
	free(rules->r);
	rules->r = NULL;
	rules->n = rules->cap = 0;
}
