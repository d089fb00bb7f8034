/*
 * Unit tests for segment.c and srx.c: sentence segmentation, table-driven
 * for Chinese and English (every hard case of the issue), SRX files that
 * extend or replace the built-in rules, and the reading of text files in
 * UTF-8, UTF-8 with BOM and GB18030.
 */
#include "tm-int.h"
#include "../tap.h"

#include <unistd.h>

/*
 * Input, then the expected sentences joined by " | " (" || " between
 * paragraphs).
 */
static const struct {
	const char *lang, *in, *want, *why;
} cases[] = {
	/* Chinese */
	{ "zh-CN", "今天天气很好。我们去公园吧！你去吗？",
	    "今天天气很好。 | 我们去公园吧！ | 你去吗？", "。！？ end sentences" },
	{ "zh-CN", "他说：“我们来了……。”然后离开了。",
	    "他说：“我们来了……。” | 然后离开了。",
	    "“……。” stays attached" },
	{ "zh-CN", "《你好。世界！》是一本书。它很好。",
	    "《你好。世界！》是一本书。 | 它很好。", "nothing splits inside 《》" },
	{ "zh-CN", "第一；第二。", "第一； | 第二。", "； ends a sentence" },
	{ "zh-CN", "他沉默了……我们走吧。", "他沉默了…… | 我们走吧。",
	    "…… ends a sentence" },
	{ "zh-CN", "他说……，然后走了。", "他说……，然后走了。",
	    "…… before a comma does not" },
	{ "zh-CN", "“你好！”他说。", "“你好！”他说。",
	    "a quotation and its attribution are one sentence" },
	{ "zh-CN", "（完）", "（完）", "a lone line" },
	{ "zh-CN", "增长2.6%。下降3.5%。", "增长2.6%。 | 下降3.5%。",
	    "decimals inside Chinese" },
	{ "zh-CN", "第一段。\n\n第二段。", "第一段。 || 第二段。",
	    "a blank line is a hard boundary" },
	{ "zh-CN", "新华社北京1月28日电\n记者报道。", "新华社北京1月28日电 || 记者报道。",
	    "each Chinese line is a paragraph" },
	/* English */
	{ "en", "Mr. Smith met Dr. Jones. They talked.",
	    "Mr. Smith met Dr. Jones. | They talked.", "Mr. and Dr." },
	{ "en", "He lives in the U.S. and works there. Fine.",
	    "He lives in the U.S. and works there. | Fine.", "U.S. + lower case" },
	{ "en", "The U.S. President spoke. Then he left.",
	    "The U.S. President spoke. | Then he left.", "U.S. President" },
	{ "en", "See No. 5 for details. Thanks.",
	    "See No. 5 for details. | Thanks.", "No. 5" },
	{ "en", "He arrived at 9 a.m. and left. Later he came back.",
	    "He arrived at 9 a.m. and left. | Later he came back.", "a.m." },
	{ "en", "He left at 9 a.m. The rest stayed.",
	    "He left at 9 a.m. | The rest stayed.", "a.m. ending a sentence" },
	{ "en", "Pi is 3.14 exactly. Yes.", "Pi is 3.14 exactly. | Yes.",
	    "decimals" },
	{ "en", "J. K. Rowling wrote it. Read it.",
	    "J. K. Rowling wrote it. | Read it.", "initials" },
	{ "en", "Wait... what happened? Nothing.",
	    "Wait... what happened? | Nothing.", "an ellipsis in a sentence" },
	{ "en", "\"Really?\" she asked. He nodded.",
	    "\"Really?\" she asked. | He nodded.", "?\" before lower case" },
	{ "en", "One.\n\nTwo.", "One. || Two.", "a blank line" },
	{ "en", "HEADING HERE\nA paragraph starts\nhere and ends.",
	    "HEADING HERE || A paragraph starts here and ends.",
	    "a heading; wrapped lines are joined" },
	{ "en", "Reception for Consuls\n\nThe reception was held.",
	    "Reception for Consuls || The reception was held.",
	    "a heading before a blank line" },
	{ "en", "He said,\nwith a smile, that it was fine.\nThe end:\nnothing more.",
	    "He said, with a smile, that it was fine. | The end: nothing more.",
	    "a line ending with a comma or colon is wrapped text" },
	{ "en", "\"We won.\"\nThey cheered.", "\"We won.\" | They cheered.",
	    "a line ending with a quoted sentence ends it" },
	{ "en", "", "", "empty text" },
	{ "en", "   \n\n \t \n", "", "white space only" },
	{ "en", "no final stop", "no final stop", "no final stop" },
};

static char *
joined(const tm_segments *s)
{
	struct tm__buf b = { 0 };
	size_t i;

	tm__buf_adds(&b, "");
	for (i = 0; i < tm_segments_count(s); i++) {
		const tm_segment *g = tm_segments_get(s, i);

		if (i > 0)
			tm__buf_adds(&b, g->para != tm_segments_get(s, i - 1)->para ?
			    " || " : " | ");
		tm__buf_adds(&b, g->text);
	}
	return tm__buf_detach(&b);
}

static void
check(const char *lang, const char *srx, int mode, const char *in,
    const char *want, const char *why)
{
	tm_segmenter *sg = NULL;
	tm_segments *s = NULL;
	char *got = NULL;

	if (!ok(tm_segmenter_new(&sg, lang, srx, mode) == 0, "%s: segmenter",
	    why))
		return;
	if (ok(tm_segment_text(&s, sg, in, strlen(in)) == 0, "%s: segments",
	    why)) {
		got = joined(s);
		is_str(got, want, "%s", why);
	}
	free(got);
	tm_segments_free(s);
	tm_segmenter_free(sg);
}

/* "\n" in a field of the rules file is a line break. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*w++ = '\n';
			s++;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
}

/*
 * tests/data/segment-rules.test: language, text, expected sentences and
 * what the case shows, apart by tabs, one case a line.
 */
static void
check_file(const char *path)
{
	char line[4096], *f[4], *p;
	FILE *fp = fopen(path, "r");
	int k, n = 0;

	if (!ok(fp != NULL, "open %s", path))
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line || *line == '#')
			continue;
		for (k = 0, p = line; k < 4 && p; k++) {
			f[k] = p;
			if ((p = strchr(p, '\t')))
				*p++ = 0;
		}
		if (!ok(k == 4, "four fields in '%s'", line))
			continue;
		unescape(f[1]);
		check(f[0], NULL, TM_SRX_EXTEND, f[1], f[2], f[3]);
		n++;
	}
	fclose(fp);
	ok(n >= 40, "%d cases in %s", n, path);
}

static void
write_file(const char *path, const char *data, size_t len)
{
	if (len == 0)
		len = strlen(data);
	FILE *f = fopen(path, "wb");

	fwrite(data, 1, len, f);
	fclose(f);
}

static const char srx_extend[] =
    "<?xml version=\"1.0\"?>\n"
    "<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n"
    "<header segmentsubflows=\"yes\" cascade=\"no\"/>\n<body>\n"
    "<languagerules><languagerule languagerulename=\"en\">\n"
    "<rule break=\"no\"><beforebreak>\\bCorp\\.</beforebreak>"
    "<afterbreak>\\s</afterbreak></rule>\n"
    "<rule break=\"yes\"><beforebreak>;</beforebreak>"
    "<afterbreak>\\s</afterbreak></rule>\n"
    "</languagerule></languagerules>\n"
    "<maprules><languagemap languagepattern=\"EN.*\" "
    "languagerulename=\"en\"/></maprules>\n</body></srx>\n";

int
main(void)
{
	char dir[] = "/tmp/tm-segment-XXXXXX", path[256], *text = NULL;
	tm_segmenter *sg = NULL;
	size_t i, len;
	int error;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++)
		check(cases[i].lang, NULL, TM_SRX_EXTEND, cases[i].in,
		    cases[i].want, cases[i].why);

	snprintf(path, sizeof(path), "%s/tests/data/segment-rules.test",
	    getenv("TM_SRCDIR") ? getenv("TM_SRCDIR") : "..");
	check_file(path);

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/rules.srx", dir);
	write_file(path, srx_extend, sizeof(srx_extend) - 1);
	check("en-US", path, TM_SRX_EXTEND,
	    "Acme Corp. Sales rose; costs fell. Mr. Li agreed.",
	    "Acme Corp. Sales rose; | costs fell. | Mr. Li agreed.",
	    "an SRX file extends the built-in rules (its rules first)");
	check("en-US", path, TM_SRX_REPLACE, "Mr. Li agreed; he left.",
	    "Mr. | Li agreed; | he left.",
	    "an SRX file replaces the built-in rules");
	check("zh", path, TM_SRX_EXTEND, "第一；第二。", "第一； | 第二。",
	    "a file without rules for the language keeps the built-in ones");

	/* Bad SRX: the message names the file and the line. */
	write_file(path, "<srx><body><languagerules>\n<languagerule "
	    "languagerulename=\"x\"><rule><beforebreak>([a-z</beforebreak>"
	    "</rule></languagerule></languagerules>\n<maprules><languagemap "
	    "languagepattern=\".*\" languagerulename=\"x\"/></maprules>"
	    "</body></srx>", 0);
	error = tm_segmenter_new(&sg, "en", path, TM_SRX_EXTEND);
	is_int(error, TM_EPARSE, "a bad regular expression is refused");
	ok(tm_error_last() && strstr(tm_error_last()->message, "line 2") &&
	    strstr(tm_error_last()->message, path),
	    "... naming file and line: %s", tm_error_last() ?
	    tm_error_last()->message : "");
	write_file(path, "<srx><body>", 11);
	is_int(tm_segmenter_new(&sg, "en", path, 0), TM_EPARSE,
	    "not well-formed SRX is refused");
	write_file(path, "<!DOCTYPE srx [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<srx><body><languagerules/><maprules/></body></srx>", 0);
	is_int(tm_segmenter_new(&sg, "en", path, 0), TM_EPARSE,
	    "SRX declaring entities is refused");
	write_file(path, "<notsrx/>", 9);
	is_int(tm_segmenter_new(&sg, "en", path, 0), TM_EPARSE,
	    "another XML document is refused");
	is_int(tm_segmenter_new(&sg, "en", "/nonexistent/x.srx", 0), TM_EIO,
	    "a missing SRX file is an I/O error");
	is_int(tm_segmenter_new(&sg, "", NULL, 0), TM_EINVAL, "bad language");
	is_int(tm_segmenter_new(&sg, "en", NULL, 7), TM_EINVAL, "bad mode");
	ok(sg == NULL, "nothing is returned on failure");

	/* Reading text: BOM, GB18030 detected or named, invalid input. */
	snprintf(path, sizeof(path), "%s/t.txt", dir);
	write_file(path, "\xef\xbb\xbf\xe4\xbd\xa0\xe5\xa5\xbd\n", 10);
	ok(tm_text_read(&text, &len, path, NULL) == 0 && len == 7 &&
	    memcmp(text, "你好\n", 7) == 0, "UTF-8 with BOM: the BOM goes");
	tm_free(text);
	/* 你好。 in GB18030 */
	write_file(path, "\xc4\xe3\xba\xc3\xa1\xa3\n", 7);
	ok(tm_text_read(&text, &len, path, NULL) == 0 &&
	    strcmp(text, "你好。\n") == 0, "GB18030 is detected");
	tm_free(text);
	ok(tm_text_read(&text, &len, path, "GBK") == 0 &&
	    strcmp(text, "你好。\n") == 0, "GBK named with the encoding");
	tm_free(text);
	is_int(tm_text_read(&text, &len, path, "no-such-encoding"), TM_EINVAL,
	    "an unknown encoding is refused");
	write_file(path, "ok\nok\n\xff\xff\xff\n", 9);
	is_int(tm_text_read(&text, &len, path, NULL), TM_EUTF8,
	    "neither UTF-8 nor GB18030 is refused");
	ok(tm_error_last() && strstr(tm_error_last()->message, "line 3"),
	    "... naming the line: %s", tm_error_last() ?
	    tm_error_last()->message : "");
	write_file(path, "a\0b", 3);
	is_int(tm_text_read(&text, &len, path, NULL), TM_EUTF8,
	    "a NUL byte is refused");
	is_int(tm_text_read(&text, &len, "/nonexistent/t.txt", NULL), TM_EIO,
	    "a missing file is an I/O error");
	write_file(path, "", 0);
	ok(tm_text_read(&text, &len, path, NULL) == 0 && len == 0 &&
	    text && *text == 0, "an empty file is an empty text");
	tm_free(text);

	unlink(path);
	snprintf(path, sizeof(path), "%s/rules.srx", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
