/*
 * Unit tests for glossary.c and the term checks of check.c: CSV and TBX
 * import into a real SQLite file, tm_glossary_find (Contract 1 of issue
 * 6) and tm_check_segment's term findings (Contract 2).
 */
#include "tm-int.h"
#include "../tap.h"

#include <unistd.h>

static char dir[] = "/tmp/tm-unit-gloss-XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static size_t
count_kind(const tm_findings *f, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < tm_findings_count(f); i++)
		n += strcmp(tm_findings_get(f, i)->kind, kind) == 0;
	return n;
}

int
main(void)
{
	tm_db *db = NULL;
	tm_term_hits *h = NULL;
	tm_findings *f = NULL;
	tm_glossary_result res;
	const tm_term_hit *x;
	char dbpath[300], *out = NULL;
	const char *text;
	size_t len;
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(dbpath, sizeof(dbpath), "%s/tm.db", dir);
	ok(tm_db_open(&db, dbpath, TM_DB_CREATE) == 0, "a new memory");

	ok(tm_glossary_import(&res, db, write_file("g.csv",
	    "zh-CN,en-US,note\n"
	    "口罩,mask,medical\n"
	    "总领事,Consul General,title\n"
	    "外事办公室,Foreign Affairs Office | FAO,\n"
	    "\"领事, 馆\",\"consulate, the\",quoted\n"), NULL) == 0,
	    "a CSV glossary imports");
	is_int(res.entries, 4, "... 4 entries");
	is_int(res.terms, 9, "... 9 terms");

	ok(tm_glossary_import(&res, db, write_file("g.tbx",
	    "<?xml version=\"1.0\"?>\n"
	    "<martif type=\"TBX-Basic\" xml:lang=\"en\"><martifHeader/>\n"
	    "<text><body>\n"
	    "<termEntry id=\"c1\"><descrip type=\"definition\">PPE</descrip>\n"
	    " <langSet xml:lang=\"zh-CN\"><tig><term>防护服</term>"
	    "<termNote type=\"partOfSpeech\">noun</termNote></tig></langSet>\n"
	    " <langSet xml:lang=\"en-US\">\n"
	    "  <tig><term>protective suit</term><termNote "
	    "type=\"administrativeStatus\">preferredTerm-admn-sts</termNote>"
	    "<transacGrp><transac type=\"origination\">x</transac>"
	    "<date>2020-01-28</date></transacGrp></tig>\n"
	    "  <ntig><termGrp><term>hazmat suit</term><termNote "
	    "type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote>"
	    "</termGrp></ntig>\n"
	    "  <tig><term>protective clothing</term><termNote "
	    "type=\"normativeAuthorization\">admittedTerm</termNote></tig>\n"
	    " </langSet></termEntry>\n"
	    "</body></text></martif>\n"), NULL) == 0, "a TBX glossary "
	    "imports");
	is_int(res.entries, 1, "... 1 entry");
	is_int(res.terms, 4, "... 4 terms");

	ok(tm_glossary_import(&res, db, write_file("g3.tbx",
	    "<?xml version=\"1.0\"?>\n"
	    "<tbx style=\"dca\" type=\"TBX-Basic\" xml:lang=\"en\" "
	    "xmlns=\"urn:iso:std:iso:30042:ed-2\"><tbxHeader/><text><body>\n"
	    "<conceptEntry id=\"x\"><langSec xml:lang=\"zh\"><termSec>"
	    "<term>新冠肺炎</term></termSec></langSec>\n"
	    "<langSec xml:lang=\"en\"><termSec><term>COVID-19</term>"
	    "<termNote type=\"administrativeStatus\">preferredTerm-admn-sts"
	    "</termNote></termSec></langSec></conceptEntry>\n"
	    "</body></text></tbx>\n"), "tbx") == 0 && res.terms == 2,
	    "a TBX v3 glossary imports");

	text = "总领事收到5万只口罩和防护服。";
	ok(tm_glossary_find(&h, db, text, "zh", "en") == 0, "find");
	is_int(tm_term_hits_count(h), 3, "three terms in '%s'", text);
	x = tm_term_hits_get(h, 0);
	ok(x && x->start == 0 && x->len == strlen("总领事") &&
	    strcmp(x->source->text, "总领事") == 0 && x->ntargets == 1 &&
	    strcmp(x->targets[0].text, "Consul General") == 0,
	    "the first hit is 总领事 → Consul General, in text order");
	x = tm_term_hits_get(h, 2);
	ok(x && strcmp(x->source->text, "防护服") == 0 && x->ntargets == 3 &&
	    strcmp(x->targets[0].status, "preferred") == 0 &&
	    strcmp(x->targets[2].status, "deprecated") == 0 &&
	    strcmp(x->source->pos, "noun") == 0,
	    "preferred first, deprecated last, part of speech kept");
	ok(tm_term_hits_json(&out, text, h) == 0 && out &&
	    strstr(out, "\"Consul General\""), "hits as JSON");
	tm_free(out);
	out = NULL;
	tm_term_hits_free(h);
	h = NULL;

	ok(tm_glossary_find(&h, db, "The consul general and the FAO.",
	    "en", "zh") == 0 && tm_term_hits_count(h) == 2 &&
	    strcmp(tm_term_hits_get(h, 0)->targets[0].text, "总领事") == 0,
	    "English to Chinese, case aside");
	tm_term_hits_free(h);
	h = NULL;
	ok(tm_glossary_find(&h, db, "The FAOs and masked men", "en",
	    "zh") == 0 && tm_term_hits_count(h) == 0,
	    "whole words only in Latin script");
	tm_term_hits_free(h);
	h = NULL;
	ok(tm_glossary_find(&h, db, "\xff", "zh", "en") == TM_EUTF8,
	    "invalid UTF-8 is refused");
	{
		size_t st = 0, sl = 0;
		int r;

		ok(tm__gloss_contains("Li Mingde met us", "Li Ming", &st,
		    &sl) == 0, "a term does not end inside a word");
		r = tm__gloss_contains("We met Li Ming's aide", "Li Ming", &st,
		    &sl);
		ok(r == 1 && st == 7 && sl == 7,
		    "... but may end before 's (%d %zu %zu)", r, st, sl);
		ok(tm__gloss_contains("two masks", "mask", &st, &sl) == 1 &&
		    tm__gloss_contains("two boxes", "box", &st, &sl) == 1,
		    "... and before a plural -s or -es");
		ok(tm__gloss_contains("Ali Ming", "Li Ming", &st, &sl) == 0,
		    "... nor begins inside one");
	}
	ok(tm_glossary_import(NULL, db, write_file("names.csv",
	    "zh-CN,en-US\n李明,Li Ming\n李明德,Li Mingde\n"), NULL) == 0,
	    "two names, one inside the other");
	ok(tm_check_segment(&f, db, "Li Ming met us.", "李明德会见了我们。",
	    "en-US", "zh-CN") == 0 && count_kind(f, "term") == 1,
	    "李明 inside the term 李明德 is not 李明");
	tm_findings_free(f);
	ok(tm_check_segment(&f, db, "Li Ming met us.", "李明会见了我们。",
	    "en-US", "zh-CN") == 0 && count_kind(f, "term") == 0,
	    "... and 李明 alone is");
	tm_findings_free(f);
	ok(tm_check_segment(&f, db, "李明会见了我们。", "Li Mingde met us.",
	    "zh-CN", "en-US") == 0 && count_kind(f, "term") == 1,
	    "Li Mingde is not Li Ming");
	tm_findings_free(f);

	ok(tm_check_segment(&f, db, "总领事收到5万只口罩和防护服。",
	    "The Consul General received 50,000 masks and protective suits.",
	    "zh-CN", "en-US") == 0 && tm_findings_count(f) == 0,
	    "a correct translation: no finding");
	tm_findings_free(f);
	ok(tm_check_segment(&f, db, "总领事收到5万只口罩和防护服。",
	    "The consul received 50,000 face covers and hazmat suits.",
	    "zh-CN", "en-US") == 0 && count_kind(f, "term") == 3 &&
	    count_kind(f, "deprecated-term") == 1,
	    "missing terms and a deprecated one are found");
	ok(f && tm_findings_count(f) > 0 &&
	    strstr(tm_findings_get(f, 0)->message, "Consul General") &&
	    strcmp(tm_findings_get(f, 0)->expected, "Consul General") == 0,
	    "... saying what was expected: %s",
	    f && tm_findings_count(f) ? tm_findings_get(f, 0)->message : "");
	tm_findings_free(f);
	ok(tm_check_segment(&f, db, "防护服", "protective clothing", "zh-CN",
	    "en-US") == 0 && count_kind(f, "term") == 1,
	    "an admitted term where a preferred one exists is flagged");
	tm_findings_free(f);

	ok(tm_check_segment(&f, NULL, "你好。", "", "zh", "en") == 0 &&
	    count_kind(f, "empty") == 1, "empty target");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "Hello world", "Hello world", "en",
	    "zh") == 0 && count_kind(f, "same-as-source") == 1,
	    "target same as source");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "今天很好。", "Today is 很好.", "zh",
	    "en") == 0 && count_kind(f, "untranslated") == 1,
	    "Chinese left in the target");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "见<g id=\"1\">附件</g>。",
	    "See the annex.", "zh", "en") == 0 && count_kind(f, "tags") == 1,
	    "tag mismatch");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "见<g id=\"1\">附件</g>。",
	    "See the <g id=\"1\">annex</g>.", "zh", "en") == 0 &&
	    tm_findings_count(f) == 0, "tags that match, and numbers in "
	    "their attributes are not numbers");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "他说。", "He  said (it.", "zh",
	    "en") == 0 && count_kind(f, "spaces") == 1 &&
	    count_kind(f, "brackets") == 1, "doubled space, lone bracket");
	tm_findings_free(f);
	ok(tm_check_segment(&f, NULL, "他说“好”。", "He said “fine.", "zh",
	    "en") == 0 && count_kind(f, "quotes") == 1, "unpaired quotes");
	tm_findings_free(f);

	/* Bad files: the message names the line; nothing is kept. */
	rc = tm_glossary_import(NULL, db, write_file("bad.csv",
	    "zh-CN,en-US\n口罩,mask\n领事,consul,extra\n"), NULL);
	ok(rc == TM_EPARSE && strstr(tm_error_last()->message, "bad.csv") &&
	    strstr(tm_error_last()->message, "line 3"),
	    "a row too long: %s", tm_error_last() ?
	    tm_error_last()->message : "");
	ok(tm_glossary_find(&h, db, "口罩", "zh", "en") == 0 &&
	    tm_term_hits_count(h) == 1, "... and the import left nothing");
	tm_term_hits_free(h);
	h = NULL;
	rc = tm_glossary_import(NULL, db, write_file("bad2.csv",
	    "zh-CN,colour\n"), "csv");
	ok(rc == TM_EPARSE &&
	    strstr(tm_error_last()->message, "'colour'"),
	    "a header that is no language: %s", tm_error_last()->message);
	rc = tm_glossary_import(NULL, db, write_file("bad3.csv",
	    "zh-CN,en-US\n\"口罩,mask\n"), "csv");
	ok(rc == TM_EPARSE,
	    "an unclosed quote: %s", tm_error_last()->message);
	rc = tm_glossary_import(NULL, db, write_file("bad.tbx",
	    "<martif><text><body><termEntry>\n<tig><term>x</term></tig>"
	    "</termEntry></body></text></martif>"), NULL);
	ok(rc == TM_EPARSE &&
	    strstr(tm_error_last()->message, "line 2"),
	    "a term outside a language: %s", tm_error_last()->message);
	rc = tm_glossary_import(NULL, db, write_file("xxe.tbx",
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE martif [\n<!ENTITY x SYSTEM "
	    "\"file:///etc/passwd\">\n]>\n<martif><text><body><termEntry>"
	    "<langSet xml:lang=\"en\"><tig><term>&x;</term></tig></langSet>"
	    "</termEntry></body></text></martif>"), NULL);
	ok(rc == TM_EPARSE &&
	    strstr(tm_error_last()->message, "entit"),
	    "external entities are refused: %s", tm_error_last()->message);
	rc = tm_glossary_import(NULL, db, write_file("broken.tbx",
	    "<martif>\n<text>\n</martif>"), NULL);
	ok(rc == TM_EPARSE &&
	    strstr(tm_error_last()->message, "line 3"),
	    "not well-formed: %s", tm_error_last()->message);
	ok(tm_glossary_import(NULL, db, "/nonexistent/g.csv", NULL) == TM_EIO,
	    "a missing file");

	ok(tm_glossary_export(&out, &len, db, "tbx") == 0 && out &&
	    strstr(out, "<term>防护服</term>") &&
	    strstr(out, "deprecatedTerm-admn-sts"), "TBX export");
	tm_free(out);
	ok(tm_glossary_export(&out, &len, db, "csv") == 0 && out &&
	    strstr(out, "zh-CN,en-US,") &&
	    strstr(out, "Foreign Affairs Office | FAO") &&
	    strstr(out, "\"consulate, the\""), "CSV export");
	tm_free(out);

	tm_db_close(db);
	return done_testing();
}
