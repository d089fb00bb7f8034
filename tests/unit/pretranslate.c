/*
 * Unit tests for pretranslate.c, xliff-write.c and review.c through the
 * API: a real SQLite memory with the sample units and a glossary, a
 * document with a fuzzy match whose numbers and month are written anew
 * (8万 = 80,000, 2月 = February) and an exact match; the glossary's terms
 * and tm_check_segment's findings (a preferred term the memory does not
 * use) in the XLIFF notes and on the review page; the analysis'
 * counting.
 */
#include "tm-int.h"
#include "../tap.h"

#include <unistd.h>

static char dir[] = "/tmp/tm-unit-pt-XXXXXX";

static const char *
path_of(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");

	if (f) {
		fputs(text, f);
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

int
main(void)
{
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_import_result ir;
	tm_pretranslation *p = NULL;
	const tm_pt_segment *s;
	tm_db *db = NULL;
	char dbpath[300], *x = NULL, *an = NULL;
	const char *src = getenv("TM_SRCDIR");
	char tmx[600];

	if (!mkdtemp(dir))
		return 1;
	if (!src)
		src = ".";
	snprintf(dbpath, sizeof(dbpath), "%s/tm.db", dir);
	ok(tm_db_open(&db, dbpath, TM_DB_CREATE) == 0, "a new memory");
	snprintf(tmx, sizeof(tmx), "%s/tests/data/sample-bulletin.tmx", src);
	ok(tm_import_tmx(&ir, db, tmx, &io) == 0, "the sample memory");
	snprintf(tmx, sizeof(tmx), "%s/tests/data/sample-bulletin-2020-02.tmx",
	    src);
	ok(tm_import_tmx(&ir, db, tmx, &io) == 0, "... and its February part");
	write_file("g.csv", "zh-CN,en-US,status\n"
	    "口罩,mask,preferred\n"
	    "总领事,Consul General,preferred\n"
	    "日本,Nippon,preferred\n");
	ok(tm_glossary_import(NULL, db, path_of("g.csv"), "csv") == 0,
	    "a glossary");

	write_file("doc.txt", "日本友好城市捐赠的8万只口罩已于2月5日运抵我市。"
	    "总领事表示，日方愿继续为我市抗击疫情提供帮助。\n\n"
	    "Tokyo <b>& \"Osaka\"</b> 1,500 words here.\n");
	po.from = "zh-CN";
	po.to = "en-US";
	ok(tm_pretranslate_file(&p, db, path_of("doc.txt"), &po) == 0,
	    "pre-translate");
	is_int(tm_pretranslation_count(p), 3, "three segments");
	s = tm_pretranslation_get(p, 0);
	ok(s && s->origin == TM_ORIGIN_FUZZY && s->score == 99,
	    "the masks: a 99 fuzzy match (numbers only)");
	ok(s && s->diff && strstr(s->diff, "{+8+}"), "... its diff");
	s = tm_pretranslation_get(p, 1);
	ok(s && s->origin == TM_ORIGIN_EXACT, "the Consul General: exact");
	s = tm_pretranslation_get(p, 2);
	ok(s && s->origin == TM_ORIGIN_NONE && !s->target,
	    "the English line: nothing");
	ok(!tm_pretranslation_get(p, 3), "no fourth segment");

	ok(tm_pretranslation_write_xliff(p, path_of("doc.xlf")) == 0,
	    "write the XLIFF");
	x = read_all("doc.xlf");
	ok(x && strstr(x, "<note from=\"tm-glossary\">口罩 \xe2\x86\x92 mask "
	    "(preferred)</note>"), "XLIFF: the glossary's term as a note");
	ok(x && strstr(x, "<note from=\"tm-glossary\">总领事 \xe2\x86\x92 "
	    "Consul General (preferred)</note>"), "XLIFF: ... another");
	ok(x && strstr(x, "The 80,000 masks") && strstr(x, "on February 5."),
	    "XLIFF: the fuzzy match's 50,000 and January 29 written anew");
	ok(x && !strstr(x, "8万 (80,000) is not in the target"),
	    "XLIFF: so no QA note on its numbers");
	ok(x && strstr(x, "<note from=\"tm-check\" priority=\"2\">日本: "
	    "'Nippon' is not in the target</note>"),
	    "XLIFF: the preferred term the memory does not use, a QA note");
	ok(x && strstr(x, "Tokyo &lt;b&gt;&amp; \"Osaka\"&lt;/b&gt;"),
	    "XLIFF: markup in the text escaped");
	tm_free(x);

	ok(tm_pretranslation_write_review(p, path_of("doc.html")) == 0,
	    "write the review page");
	x = read_all("doc.html");
	ok(x && strstr(x, "<mark class=\"term\" title=\"口罩 \xe2\x86\x92 mask "
	    "(preferred)\">口罩</mark>"), "review: the term marked in the "
	    "source");
	ok(x && strstr(x, "<li class=\"qa term\">Check: 日本: 'Nippon' is not "
	    "in the target</li>"), "review: the QA finding");
	ok(x && strstr(x, "<span class=\"badge fuzzy\">99% fuzzy</span>"),
	    "review: the fuzzy badge");
	ok(x && !strstr(x, "<b>"), "review: no markup from the text");
	tm_free(x);

	ok(tm_pretranslation_write_draft(p, path_of("doc.draft.txt")) == 0,
	    "write the draft");
	x = read_all("doc.draft.txt");
	ok(x && strstr(x, "The Consul General said that Japan was willing") &&
	    strstr(x, "\n\nTokyo <b>& \"Osaka\"</b> 1,500 words here.\n"),
	    "draft: translations, and the untranslated line as it was");
	tm_free(x);

	ok(tm_pretranslation_analysis(&an, p, TM_ANALYSIS_CSV) == 0,
	    "the analysis");
	/*
	 * 21 + 21 Han characters; words: 8, 2, 5 in the first sentence,
	 * and Tokyo, b, Osaka, b, 1,500, words, here in the last.
	 */
	ok(an && strstr(an, "total,3,42,10\r\n"), "CSV total: 3 segments, "
	    "42 characters, 10 words (got %s)", an ? an : "nothing");
	ok(an && strstr(an, "95-99,1,21,3\r\n"), "CSV: the 95-99 band");
	ok(an && strstr(an, "no-match,1,0,7\r\n"), "CSV: no match, 7 words");
	tm_free(an);
	ok(tm_pretranslation_analysis(&an, p, 7) == TM_EINVAL,
	    "an unknown analysis format");
	tm_pretranslation_free(p);
	p = NULL;

	po.min = 101;
	ok(tm_pretranslate_file(&p, db, path_of("doc.txt"), &po) ==
	    TM_EINVAL && !p, "a threshold above 100 is refused");
	po.min = 75;
	po.from = NULL;
	ok(tm_pretranslate_file(&p, db, path_of("doc.txt"), &po) ==
	    TM_EINVAL, "no source language is refused");

	tm_db_close(db);
	unlink(path_of("doc.txt"));
	unlink(path_of("g.csv"));
	unlink(path_of("doc.xlf"));
	unlink(path_of("doc.html"));
	unlink(path_of("doc.draft.txt"));
	unlink(dbpath);
	snprintf(dbpath, sizeof(dbpath), "%s/tm.db-wal", dir);
	unlink(dbpath);
	snprintf(dbpath, sizeof(dbpath), "%s/tm.db-shm", dir);
	unlink(dbpath);
	rmdir(dir);
	return done_testing();
}
