/*
 * Unit tests for anchor.c, dict.c and align.c: numbers in every
 * spelling give the same anchor, a dictionary loads and says where it is
 * malformed, and the aligner keeps its F1 on the project's own fixture
 * (tests/data/align/bulletin.*: measured 1.000).
 */
#include "tm-int.h"
#include "align.h"
#include "../tap.h"

#include <unistd.h>

#include <unicode/utf8.h>

static void
scan(struct tm__anchors *a, const char *s, unsigned flags)
{
	UChar32 c[512];
	size_t i = 0, n = 0, len = strlen(s);

	while (i < len && n < 512) {
		U8_NEXT(s, i, len, c[n]);
		n++;
	}
	a->n = 0;
	tm__anchors_scan(a, c, n, flags);
}

/*
 * Whether every anchor of a (CJK) is among those of b (not CJK, where
 * every word is an anchor too).
 */
static bool
same_anchors(const char *a, const char *b)
{
	struct tm__anchors x = { 0 }, y = { 0 };
	bool same;
	size_t i, j;

	scan(&x, a, TM__ANCHOR_SIDE_CJK);
	scan(&y, b, 0);
	same = x.n > 0;
	for (i = 0; same && i < x.n; i++) {
		for (j = 0; j < y.n && y.tok[j] != x.tok[i]; j++)
			;
		same = j < y.n;
	}
	tm__anchors_release(&x);
	tm__anchors_release(&y);
	return same;
}

static size_t
count_anchors(const char *s, unsigned flags)
{
	struct tm__anchors x = { 0 };
	size_t n;

	scan(&x, s, flags);
	n = x.n;
	tm__anchors_release(&x);
	return n;
}

static const struct {
	const char *zh, *en;
} pairs[] = {
	{ "3.25万", "32,500" },
	{ "190万", "1.9 million" },
	{ "６０亿吨", "6 billion tons" },
	{ "二〇二〇年", "2020" },
	{ "十五", "15" },
	{ "二十三", "23" },
	{ "三千万", "30 million" },
	{ "1月28日", "January 28" },
	{ "十二月十五号", "December 15" },
	{ "凌晨1时", "1 a.m." },
	{ "百分之五", "5%" },
	{ "星期一", "Monday" },
	{ "周日", "Sunday" },
	{ "两名", "two" },
	{ "一九四九年", "1949" },
	{ "周天", "Sunday" },
	{ "KGO电台", "station KGO" },
	{ "真的吗？", "Really?" },
	{ "《人民日报》", "\"People's Daily" },
	{ "１２３", "123" },
};

static int
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(data, f);
	return fclose(f);
}

/* Strict F1 of the alignment's links against a gold file. */
static double
f1(const tm_alignment *al, const char *gold_path)
{
	char got[4096], line[256];
	size_t i, k, n = 0, gold = 0, hit = 0;
	FILE *f = fopen(gold_path, "r");

	got[0] = 0;
	for (i = 0; i < tm_alignment_count(al); i++) {
		const tm_align_link *l = tm_alignment_get(al, i);
		size_t o = strlen(got);

		o += (size_t)snprintf(got + o, sizeof(got) - o, "\n[");
		for (k = 0; k < l->nsrc; k++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%zu",
			    k ? "," : "", l->src + k);
		o += (size_t)snprintf(got + o, sizeof(got) - o, "]:[");
		for (k = 0; k < l->ntgt; k++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%zu",
			    k ? "," : "", l->tgt + k);
		snprintf(got + o, sizeof(got) - o, "]");
		n++;
	}
	strncat(got, "\n", sizeof(got) - strlen(got) - 1);
	while (f && fgets(line, sizeof(line), f)) {
		char want[260];

		line[strcspn(line, "\n")] = 0;
		snprintf(want, sizeof(want), "\n%s\n", line);
		gold++;
		hit += strstr(got, want) != NULL;
	}
	if (f)
		fclose(f);
	return n && gold && hit ? 2.0 * hit / (double)(n + gold) : 0;
}

int
main(void)
{
	tm_align_options o = TM_ALIGN_OPTIONS_INIT;
	char dir[] = "/tmp/tm-align-XXXXXX", path[256], zh[256], en[256];
	char gold[256];
	const char *srcdir = getenv("TM_SRCDIR");
	tm_alignment *al = NULL;
	tm_dict *d = NULL;
	size_t i;
	double f;

	for (i = 0; i < TM__ARRAY_SIZE(pairs); i++)
		ok(same_anchors(pairs[i].zh, pairs[i].en), "'%s' and '%s' "
		    "share their anchors", pairs[i].zh, pairs[i].en);
	ok(!same_anchors("3.25万", "3.25"), "3.25万 is not 3.25");
	ok(!same_anchors("2月", "January 2"), "2月 is not January 2");
	is_int(count_anchors("统一一些人一起", TM__ANCHOR_SIDE_CJK), 0,
	    "一 in words is no number");
	is_int(count_anchors("十分重要", TM__ANCHOR_SIDE_CJK), 0,
	    "十分 (very) is no number");
	ok(!same_anchors("5月", "may be"), "'may' is a month only as May");
	ok(same_anchors("5月", "in May"), "... and May is");
	is_int(count_anchors("", 0), 0, "nothing in nothing");

	if (!mkdtemp(dir))
		return 1;
	/* A CC-CEDICT fixture and its errors. */
	snprintf(path, sizeof(path), "%s/dict.u8", dir);
	write_file(path, "# CC-CEDICT\n"
	    "領事 领事 [ling3 shi4] /consul/\n"
	    "招待會 招待会 [zhao1 dai4 hui4] /reception/\n"
	    "春節 春节 [Chun1 jie2] /Spring Festival/Chinese New Year/\n"
	    "中 中 [zhong1] /middle/\n");
	ok(tm_dict_load(&d, path) == 0, "a CC-CEDICT file loads");
	is_int(tm_dict_count(d), 6, "... headwords of 2+ characters, both "
	    "scripts");
	tm_dict_free(d);
	d = NULL;
	write_file(path, "領事 领事 [ling3 shi4] /consul/\nbroken line\n");
	is_int(tm_dict_load(&d, path), TM_EPARSE, "a bad line is refused");
	ok(tm_error_last() && strstr(tm_error_last()->message, "line 2") &&
	    strstr(tm_error_last()->message, path), "... naming file:line: %s",
	    tm_error_last() ? tm_error_last()->message : "");
	ok(d == NULL, "... and nothing is returned");
	write_file(path, "a b [c] /\xff/\n");
	is_int(tm_dict_load(&d, path), TM_EUTF8, "invalid UTF-8 is refused");
	is_int(tm_dict_load(&d, "/nonexistent/dict"), TM_EIO,
	    "a missing dictionary");

	/* The dictionary pulls 春节招待会 to "Spring Festival reception". */
	write_file(path, "招待會 招待会 [zhao1 dai4 hui4] /reception/\n"
	    "春節 春节 [Chun1 jie2] /Spring Festival/\n");
	if (ok(tm_dict_load(&d, path) == 0, "fixture dictionary")) {
		struct tm__anchors a = { 0 }, b = { 0 };
		UChar32 z[] = { 0x6625, 0x8282, 0x62db, 0x5f85, 0x4f1a };
		UChar32 e[] = { 'S', 'p', 'r', 'i', 'n', 'g', ' ', 'r', 'e', 'c',
		    'e', 'p', 't', 'i', 'o', 'n' };
		size_t x, y, shared = 0;

		tm__dict_scan(d, &a, z, 5, true);
		tm__dict_scan(d, &b, e, 16, false);
		for (x = 0; x < a.n; x++)
			for (y = 0; y < b.n; y++)
				shared += a.tok[x] == b.tok[y];
		is_int(shared, 2, "dictionary anchors: spring, reception");
		tm__anchors_release(&a);
		tm__anchors_release(&b);
	}

	/* The memory's short units as a dictionary. */
	snprintf(path, sizeof(path), "%s/terms.tmx", dir);
	write_file(path, "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">"
	    "<header creationtool=\"t\" creationtoolversion=\"1\" "
	    "segtype=\"phrase\" o-tmf=\"t\" adminlang=\"en\" srclang=\"zh-CN\" "
	    "datatype=\"plaintext\"/><body>\n"
	    "<tu><tuv xml:lang=\"zh-CN\"><seg>总领事</seg></tuv>"
	    "<tuv xml:lang=\"en-US\"><seg>Consul General</seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"zh-CN\"><seg>春节招待会</seg></tuv>"
	    "<tuv xml:lang=\"en-US\"><seg>Spring Festival reception</seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"zh-CN\"><seg>这是一个远远超过八个字的长句子。</seg></tuv>"
	    "<tuv xml:lang=\"en-US\"><seg>A long sentence.</seg></tuv></tu>\n"
	    "</body></tmx>\n");
	{
		tm_db *db = NULL;
		tm_dict *md = NULL;

		ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
		    tm_import_tmx(NULL, db, path, NULL) == 0, "a memory of terms");
		ok(tm_dict_new(&md) == 0 &&
		    tm_dict_add_memory(md, db, "zh", "en", 8) == 0,
		    "the memory's units as a dictionary");
		is_int(tm_dict_count(md), 2, "... the two short ones, zh to en");
		tm_dict_free(md);
		md = NULL;
		ok(tm_dict_new(&md) == 0 &&
		    tm_dict_add_memory(md, db, "fr", "en", 8) == 0 &&
		    tm_dict_count(md) == 0, "... none for another language");
		tm_dict_free(md);
		tm_db_close(db);
		unlink(path);
	}

	/* The fixture, in both modes. */
	if (!srcdir)
		srcdir = ".";
	snprintf(zh, sizeof(zh), "%s/tests/data/align/bulletin.zh", srcdir);
	snprintf(en, sizeof(en), "%s/tests/data/align/bulletin.en", srcdir);
	snprintf(gold, sizeof(gold), "%s/tests/data/align/bulletin.gold",
	    srcdir);
	o.from = "zh-CN";
	o.to = "en-US";
	if (ok(tm_align_files(&al, zh, en, &o) == 0, "the fixture aligns")) {
		f = f1(al, gold);
		ok(f >= 1.0, "fixture strict F1 %.3f >= 1.000 (measured)", f);
		is_int(tm_alignment_segments(al, 0), 11, "11 Chinese sentences");
		is_int(tm_alignment_segments(al, 1), 10, "10 English sentences");
	}
	tm_alignment_free(al);
	al = NULL;
	o.dict = d;
	if (ok(tm_align_files(&al, zh, en, &o) == 0, "... with --dict")) {
		f = f1(al, gold);
		ok(f >= 1.0, "fixture strict F1 with the dictionary %.3f", f);
	}
	tm_alignment_free(al);
	al = NULL;
	tm_dict_free(d);

	/* Edge cases: empty sides, one side empty, bad options. */
	o.dict = NULL;
	o.flags = TM_ALIGN_LINES;
	ok(tm_align_texts(&al, "", 0, "", 0, &o) == 0 &&
	    tm_alignment_count(al) == 0, "two empty texts: no links");
	tm_alignment_free(al);
	ok(tm_align_texts(&al, "一。\n二。\n", strlen("一。\n二。\n"), "", 0, &o) == 0 &&
	    tm_alignment_count(al) == 2 && tm_alignment_get(al, 0)->ntgt == 0,
	    "an empty target: every source line is 1-0");
	tm_alignment_free(al);
	ok(tm_align_texts(&al, "a\n", 2, "\xff\n", 2, &o) == TM_EUTF8,
	    "invalid UTF-8 is refused");
	o.from = NULL;
	is_int(tm_align_texts(&al, "a", 1, "b", 1, &o), TM_EINVAL,
	    "languages are required");

	unlink(path);
	rmdir(dir);
	return done_testing();
}
