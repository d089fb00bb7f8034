/* Unit tests for the TMX reader, the import writer and the TMX writer. */
#include "tm-int.h"
#include "../tap.h"

#include <unistd.h>

static char dir[] = "/tmp/tm-unit-tmx-XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char buf[8][256];
	static int k;
	char *p = buf[k++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static char *
read_file(const char *p)
{
	static char buf[1 << 16];
	FILE *f = fopen(p, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static long long
q(tm_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static const char *
qs(tm_db *db, const char *sql)
{
	static char buf[4096];
	sqlite3_stmt *st;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);

			snprintf(buf, sizeof(buf), "%s", t ? (const char *)t :
			    "(null)");
		}
		sqlite3_finalize(st);
	}
	return buf;
}

static int issues, skipped_issues;
static long issue_lines[16];

static void
on_issue(const tm_import_issue *is, void *payload)
{
	(void)payload;
	if (issues < 16)
		issue_lines[issues] = is->line;
	issues++;
	skipped_issues += is->skipped;
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" " \
	"segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"zh-CN\" " \
	"datatype=\"plaintext\"/>\n<body>\n"
#define TAIL "</body></tmx>\n"

static const char basic[] = HEAD
    "<tu tuid=\"1\" changedate=\"20200101T000000Z\" x-custom=\"kept\">\n"
    "<prop type=\"x-context-pre\">前文</prop><note>n1</note>\n"
    "<tuv xml:lang=\"zh-CN\"><seg>５万只口罩 &amp; 防护服</seg></tuv>\n"
    "<tuv xml:lang=\"en-US\"><note>tuv note</note>"
    "<seg>50,000 <bpt i=\"1\">&lt;b&gt;</bpt>Masks<ept i=\"1\">&lt;/b&gt;</ept></seg></tuv>\n"
    "</tu>\n"
    "<tu tuid=\"2\"><tuv lang=\"zh-CN\"><seg>第二句</seg></tuv>"
    "<tuv lang=\"en-US\"><seg>Second sentence</seg></tuv></tu>\n"
    TAIL;

int
main(void)
{
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_export_options eo = TM_EXPORT_OPTIONS_INIT;
	tm_import_result res;
	tm_export_result er;
	struct tm__buf big = { 0 };
	tm_db *db = NULL;
	const char *f, *out;
	char path[300];
	int i;

	if (!mkdtemp(dir))
		return 1;
	io.issue = on_issue;

	/* A plain import, and what the store holds. */
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	f = write_file("basic.tmx", basic);
	ok(tm_import_tmx(&res, db, f, &io) == 0, "a small file imports");
	ok(res.units_read == 2 && res.imported == 2 && res.variants == 4 &&
	    res.duplicates == 0 && res.skipped == 0 && res.import_id == 1,
	    "with the right counts");
	is_str(qs(db, "SELECT seg FROM tuv WHERE lang = 'en-US' AND ord = 1 "
	    "AND tu_id = 1"), "50,000 <bpt i=\"1\">&lt;b&gt;</bpt>Masks"
	    "<ept i=\"1\">&lt;/b&gt;</ept>", "the segment keeps its markup");
	is_str(qs(db, "SELECT text FROM tuv WHERE tu_id = 1 AND ord = 1"),
	    "50,000 Masks", "the plain text drops inline codes");
	ok(q(db, "SELECT key IS NULL FROM tuv WHERE tu_id = 1 AND ord = 1"),
	    "a key that is the quick key of its text is not stored");
	is_str(qs(db, "SELECT text FROM tuv WHERE tu_id = 1 AND ord = 0"),
	    "５万只口罩 & 防护服", "entities are decoded in the text");
	ok(q(db, "SELECT key IS NULL FROM tuv WHERE tu_id = 1 AND ord = 0"),
	    "nor one that folds full-width digits");
	is_str(qs(db, "SELECT coalesce(text, '(same)') FROM tuv WHERE "
	    "tu_id = 2 AND ord = 1"), "(same)",
	    "text equal to the segment is stored once");
	is_str(qs(db, "SELECT extra FROM tu WHERE id = 1"),
	    "[[\"x-custom\",\"kept\"]]", "unknown attributes are kept");
	is_int(q(db, "SELECT lang_attr11 FROM tuv WHERE tu_id = 2 AND ord = 0"),
	    1, "TMX 1.1 lang= is remembered");
	is_int(q(db, "SELECT count(*) FROM annot WHERE tu_id = 1"), 3,
	    "props and notes of unit and variant are kept");
	is_str(qs(db, "SELECT group_concat(kind || ':' || value, '|') FROM "
	    "(SELECT * FROM annot WHERE tu_id = 1 AND tuv_ord IS NULL "
	    "ORDER BY ord)"), "prop:前文|note:n1", "in their order");
	is_str(qs(db, "SELECT mtime FROM tu WHERE id = 1"), "20200101T000000Z",
	    "the unit's date is normalised");
	is_str(qs(db, "SELECT langs FROM tu WHERE id = 1"), "en-us zh-cn",
	    "its languages are listed");
	is_int(q(db, "SELECT count(*) FROM tu_dup"), 2, "both are indexed");

	/* Export writes it back. */
	snprintf(path, sizeof(path), "%s/out.tmx", dir);
	ok(tm_export_tmx(&er, db, path, NULL) == 0 && er.units == 2 &&
	    er.variants == 4, "export writes every unit");
	out = read_file(path);
	ok(strstr(out, "<seg>50,000 <bpt i=\"1\">&lt;b&gt;</bpt>Masks"
	    "<ept i=\"1\">&lt;/b&gt;</ept></seg>") != NULL,
	    "the segment comes back exactly");
	ok(strstr(out, "x-custom=\"kept\"") && strstr(out, "tuid=\"1\"") &&
	    strstr(out, "changedate=\"20200101T000000Z\""),
	    "so do the unit's attributes");
	ok(strstr(out, "<tuv xml:lang=\"zh-CN\">") != NULL,
	    "lang= becomes xml:lang=");
	ok(strstr(out, "<prop type=\"x-context-pre\">前文</prop>") &&
	    strstr(out, "<note>tuv note</note>"), "props and notes too");

	/* The same file again: duplicates. */
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.duplicates == 2 &&
	    res.imported == 0, "a second import finds duplicates (skip)");
	io.duplicates = TM_DUP_KEEP;
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.duplicates == 2 &&
	    res.imported == 2, "keep stores them anyway");
	is_int(q(db, "SELECT count(*) FROM tu"), 4, "now four units");
	io.duplicates = TM_DUP_UPDATE;
	f = write_file("newer.tmx", HEAD
	    "<tu tuid=\"new\" changedate=\"20230101T000000Z\"><tuv xml:lang=\"zh-CN\">"
	    "<seg>第二句</seg></tuv><tuv xml:lang=\"en-US\"><seg>Second sentence"
	    "</seg></tuv></tu>\n"
	    "<tu tuid=\"old\" changedate=\"19990101T000000Z\"><tuv xml:lang=\"zh-CN\">"
	    "<seg>５万只口罩 &amp; 防护服</seg></tuv><tuv xml:lang=\"en-US\"><seg>"
	    "50,000 <bpt i=\"1\">&lt;b&gt;</bpt>Masks<ept i=\"1\">&lt;/b&gt;</ept>"
	    "</seg></tuv></tu>\n" TAIL);
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.duplicates == 2 &&
	    res.updated == 1 && res.imported == 1,
	    "update replaces only with a newer unit");
	is_int(q(db, "SELECT count(*) FROM tu WHERE tuid = 'new'"), 1,
	    "the newer one is in");
	is_int(q(db, "SELECT count(*) FROM tu WHERE tuid = 'old'"), 0,
	    "the older one is not");
	is_int(q(db, "SELECT count(*) FROM tu_dup"), q(db,
	    "SELECT count(*) FROM tu"), "tu_dup follows deletions");
	is_int(q(db, "SELECT count(*) FROM tuv WHERE tu_id NOT IN "
	    "(SELECT id FROM tu)"), 0, "no variant is orphaned");
	io.duplicates = TM_DUP_SKIP;
	f = write_file("otherlang.tmx", HEAD
	    "<tu><tuv xml:lang=\"zh-TW\"><seg>第二句</seg></tuv><tuv xml:lang="
	    "\"en-US\"><seg>Second sentence</seg></tuv></tu>\n" TAIL);
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.duplicates == 0 &&
	    res.imported == 1, "other languages, same text: not a duplicate");
	tm_db_close(db);

	/* Units that break the DTD. */
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	f = write_file("invalid.tmx", HEAD
	    "<tu>\n</tu>\n"
	    "<tu><tuv><seg>x</seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"en\"></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"en\"><seg>a <b>bold</b></seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"en\"><seg>ok</seg></tuv><tuv xml:lang=\"fr\">"
	    "<seg>bon</seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"en\"><seg>1</seg><seg>2</seg></tuv></tu>\n"
	    "<tu><tuv xml:lang=\"e n\"><seg>1</seg></tuv></tu>\n"
	    TAIL);
	issues = skipped_issues = 0;
	ok(tm_import_tmx(&res, db, f, &io) == TM_EPARSE,
	    "invalid units fail the import");
	is_int(issues, 6, "every invalid unit is reported");
	ok(issue_lines[0] == 4 && issue_lines[1] == 6 && issue_lines[2] == 7 &&
	    issue_lines[3] == 8 && issue_lines[4] == 10 &&
	    issue_lines[5] == 11, "each by its line");
	ok(strstr(tm_error_last()->message, "6 units") != NULL,
	    "the error counts them");
	tm_error_clear();
	is_int(q(db, "SELECT count(*) FROM tu"), 0, "nothing is imported");
	is_int(q(db, "SELECT count(*) FROM import"), 0, "not even the import");
	issues = skipped_issues = 0;
	io.flags = TM_IMPORT_SKIP_INVALID;
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.imported == 1 &&
	    res.skipped == 6 && res.units_read == 7,
	    "--skip-invalid imports the rest");
	is_int(skipped_issues, 6, "and reports each as skipped");
	io.flags = 0;
	tm_db_close(db);

	/* Enough units for the writer thread, duplicates across batches. */
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	tm__buf_adds(&big, HEAD);
	for (i = 0; i < 3000; i++)
		tm__buf_printf(&big, "<tu><tuv xml:lang=\"zh-CN\"><seg>句子%d"
		    "</seg></tuv><tuv xml:lang=\"en\"><seg>Sentence %d</seg>"
		    "</tuv></tu>\n", i % 2000, i % 2000);
	tm__buf_adds(&big, TAIL);
	f = write_file("big.tmx", big.ptr);
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.units_read == 3000 &&
	    res.imported == 2000 && res.duplicates == 1000,
	    "3000 units in batches: 2000 stored, 1000 duplicates");
	is_int(q(db, "SELECT count(*) FROM tu_dup"), 2000, "all indexed");
	is_int(q(db, "SELECT max(id) - min(id) + 1 FROM tu"), 2000,
	    "ids are dense");
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.imported == 0 &&
	    res.duplicates == 3000, "all found again through tu_dup");
	tm_db_close(db);

#ifdef TM_DEBUG
	/* The same with the in-memory keys merged into tu_dup every 100. */
	setenv("TM_DEBUG_ADDED_MAX", "100", 1);
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.imported == 2000 &&
	    res.duplicates == 1000, "merging keys mid-import misses nothing");
	is_int(q(db, "SELECT count(*) FROM tu_dup"), 2000, "all indexed");
	io.duplicates = TM_DUP_UPDATE;
	f = write_file("late.tmx", HEAD
	    "<tu changedate=\"20300101T000000Z\"><tuv xml:lang=\"zh-CN\">"
	    "<seg>句子5</seg></tuv><tuv xml:lang=\"en\"><seg>Sentence 5"
	    "</seg></tuv></tu>\n" TAIL);
	ok(tm_import_tmx(&res, db, f, &io) == 0 && res.updated == 1,
	    "a merged unit can be updated");
	is_int(q(db, "SELECT count(*) FROM tu_dup"), 2000, "still one key each");
	io.duplicates = TM_DUP_SKIP;
	unsetenv("TM_DEBUG_ADDED_MAX");
	tm_db_close(db);
#endif
	f = write_file("big.tmx", big.ptr);
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(&res, db, f, &io) == 0, "reimport");

	/* Export filters. */
	eo.langs = "zh";
	snprintf(path, sizeof(path), "%s/zh.tmx", dir);
	ok(tm_export_tmx(&er, db, path, &eo) == 0 && er.units == 2000 &&
	    er.variants == 2000, "--langs zh: one variant a unit");
	eo.langs = "zh-CN,fr";
	ok(tm_export_tmx(&er, db, path, &eo) == 0 && er.units == 0,
	    "two languages: units need both");
	eo.langs = "zh-CN,en";
	ok(tm_export_tmx(&er, db, path, &eo) == 0 && er.units == 2000,
	    "zh-CN,en: all");
	eo.langs = "zh CN";
	ok(tm_export_tmx(&er, db, path, &eo) == TM_EINVAL,
	    "a malformed language is refused");
	tm_error_clear();
	eo.langs = NULL;
	eo.changed_since = "2020-13-45";
	ok(tm_export_tmx(&er, db, path, &eo) == TM_EINVAL,
	    "a malformed date is refused");
	tm_error_clear();
	eo.changed_since = "2000-01-01";
	ok(tm_export_tmx(&er, db, path, &eo) == 0 && er.units == 0,
	    "units without dates are not 'changed since'");
	eo.changed_since = NULL;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.tmx", dir);
	ok(tm_export_tmx(&er, db, path, &eo) == TM_EIO,
	    "an unwritable target is TM_EIO");
	tm_error_clear();
	tm_db_close(db);
	tm__buf_release(&big);

	/* Bad arguments. */
	ok(tm_import_tmx(NULL, NULL, f, NULL) == TM_EINVAL, "no database");
	tm_error_clear();
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	io.duplicates = 7;
	ok(tm_import_tmx(NULL, db, f, &io) == TM_EINVAL, "bad options");
	tm_error_clear();
	io.duplicates = 0;
	snprintf(path, sizeof(path), "%s/missing.tmx", dir);
	ok(tm_import_tmx(NULL, db, path, &io) == TM_ENOTFOUND,
	    "a missing file is TM_ENOTFOUND");
	ok(strstr(tm_error_last()->message, "missing.tmx") != NULL,
	    "named in the message");
	tm_error_clear();
	tm_db_close(db);
	return done_testing();
}
