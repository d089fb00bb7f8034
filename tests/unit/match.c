/* Unit tests for match.c: the scoring table, lookup and concordance. */
#include "tm-int.h"
#include "index.h"
#include "../tap.h"

#include <unistd.h>

static char path[] = "/tmp/tm-unit-match-XXXXXX";

#define TU(zh, en) "<tu><tuv xml:lang=\"zh-CN\"><seg>" zh "</seg></tuv>" \
	"<tuv xml:lang=\"en-US\"><seg>" en "</seg></tuv></tu>\n"

static const char memory[] =
    "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n"
    TU("日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
	"The 50,000 masks donated by our sister city in Japan arrived on January 29.")
    TU("双方就疫情防控等共同关心的问题深入交换了意见。",
	"The two sides exchanged views on epidemic prevention and control.")
    TU("请拨打热线电话<ph x=\"1\">&lt;b/&gt;</ph>12345。",
	"Please call the hotline <ph x=\"1\">&lt;b/&gt;</ph>12345.")
    "<tu><prop type=\"x-context-pre\">会议开始。</prop>"
    "<prop type=\"x-context-post\">会议结束。</prop>"
    "<tuv xml:lang=\"zh-CN\"><seg>副市长出席活动并致辞。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>The Vice Mayor attended and spoke.</seg></tuv></tu>\n"
    TU("副市长出席活动并致辞。", "The vice mayor attended the event and spoke.")
    TU("一二三四五六七八九十", "one two three four five six seven eight nine ten")
    TU("", "an empty source has no grams")
    TU("。", "nor has punctuation alone")
    "<tu><tuv xml:lang=\"zh-TW\"><seg>醫療物資已經運抵。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>The medical supplies have arrived.</seg></tuv></tu>\n"
    "</body></tmx>\n";

static int
best(tm_db *db, const char *from, const char *to, const char *q,
    const tm_match **out, tm_matches **keep)
{
	tm_lookup_options o = TM_LOOKUP_OPTIONS_INIT;

	o.from = from;
	o.to = to;
	o.min = 0;
	if (tm_lookup(keep, db, q, &o) < 0 || !tm_matches_count(*keep))
		return -1;
	*out = tm_matches_get(*keep, 0);
	return (*out)->score;
}

#ifdef TM_DEBUG
static int
runs(tm_db *db)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db->sql, "SELECT count(DISTINCT run >> "
	    TM__STR(TM__RUN_SHIFT) ") FROM ngram", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return n;
}
#endif

/*
 * Every row of table ngram, as text: gram, run and the list's bytes;
 * then the sketches' blocks (as gram -1).
 */
static char *
ngram_dump(tm_db *db)
{
	struct tm__buf b = { 0 };
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->sql, "SELECT gram, run, hex(ids) FROM "
	    "ngram UNION ALL SELECT -1, block, hex(v) FROM sketch "
	    "ORDER BY 1, 2", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			tm__buf_printf(&b, "%lld %lld %s\n",
			    (long long)sqlite3_column_int64(st, 0),
			    (long long)sqlite3_column_int64(st, 1),
			    (const char *)sqlite3_column_text(st, 2));
		sqlite3_finalize(st);
	}
	return b.ptr;
}

/*
 * A database of schema 3 (no sketches) is brought to the current
 * schema on opening; its index is dropped and the next lookup builds
 * index and sketches again.
 */
static void
upgrade(const char *tmx)
{
	const char *q = "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。";
	char file[300];
	tm_matches *m = NULL;
	const tm_match *x;
	tm_db *db = NULL;
	sqlite3 *raw;

	snprintf(file, sizeof(file), "%s.db", path);
	ok(tm_db_open(&db, file, TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, tmx, NULL) == 0 &&
	    best(db, "zh-CN", "en-US", q, &x, &m) == 100, "a file memory");
	tm_matches_free(m);
	m = NULL;
	tm_db_close(db);
	db = NULL;
	/* Damaged sketches (a row of the wrong size, a negative block) are
	 * taken as missing: lookups still find what they found. */
	ok(sqlite3_open(file, &raw) == SQLITE_OK && sqlite3_exec(raw,
	    "UPDATE sketch SET v = x'00'; INSERT INTO sketch VALUES (-5, "
	    "zeroblob(8192))", NULL, NULL, NULL) == SQLITE_OK,
	    "sketches damaged");
	sqlite3_close(raw);
	ok(tm_db_open(&db, file, 0) == 0 && best(db, "zh-CN", "en-US", q, &x,
	    &m) == 100, "a lookup with damaged sketches finds the exact match");
	tm_matches_free(m);
	m = NULL;
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的8万只口罩已于1月29日运抵我市",
	    &x, &m) >= 90, "and the fuzzy one");
	tm_matches_free(m);
	m = NULL;
	tm_db_close(db);
	db = NULL;
	ok(sqlite3_open(file, &raw) == SQLITE_OK && sqlite3_exec(raw,
	    "DROP TABLE sketch; DROP TABLE mt_cache; DROP TABLE tu_history; "
	    "DROP TABLE gloss_term; DROP TABLE gloss_entry; "
	    "PRAGMA user_version = 3",
	    NULL, NULL, NULL) ==
	    SQLITE_OK, "made schema 3 again");
	sqlite3_close(raw);
	ok(tm_db_open(&db, file, 0) == 0, "it opens and migrates");
	ok(best(db, "zh-CN", "en-US", q, &x, &m) == 100,
	    "its lookups find what they found");
	tm_matches_free(m);
	m = NULL;
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的8万只口罩已于1月29日运抵我市",
	    &x, &m) >= 90, "fuzzy ones too");
	tm_matches_free(m);
	tm_db_close(db);
	unlink(file);
}

#ifdef TM_DEBUG
/*
 * A memory of near-identical units, as templated bulletins make:
 * with the postings budget and the candidates shrunk, hundreds of
 * them tie on the grams counted, and only their sketches (the
 * numbers with their neighbours) tell the best one from the rest.
 */
static void
near_identical(const char *file)
{
	static const char *const q[] = {
		"截至2月1日，全市累计接收境外捐赠资2万件。",
		"截至1月2日，全市累计接收境外捐赠物资1万件",
		"截至11月12日，全市累计接受境外捐赠物资3万件。",
	};
	tm_matches *m = NULL;
	const tm_match *x;
	tm_db *db = NULL;
	int full[3], d, mo, n;
	size_t i;
	FILE *f;

	if (!(f = fopen(file, "w")))
		return;
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/>"
	    "<body>\n", f);
	for (n = 1; n <= 3; n++)
		for (mo = 1; mo <= 12; mo++)
			for (d = 1; d <= 28; d++)
				fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>截至"
				    "%d月%d日，全市累计接收境外捐赠物资%d万件。"
				    "</seg></tuv><tuv xml:lang=\"en-US\"><seg>"
				    "%d/%d: %d0,000 donations</seg></tuv></tu>\n",
				    mo, d, n, mo, d, n);
	fputs("</body></tmx>\n", f);
	fclose(f);
	ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, file, NULL) == 0,
	    "1,008 near-identical units import");
	for (i = 0; i < TM__ARRAY_SIZE(q); i++) {
		full[i] = best(db, "zh-CN", "en-US", q[i], &x, &m);
		tm_matches_free(m);
		m = NULL;
	}
	ok(full[0] >= 90 && full[1] >= 90 && full[2] >= 90,
	    "read whole, the index finds close matches");
	setenv("TM_DEBUG_LOOKUP", "1,4", 1);
	for (i = 0; i < TM__ARRAY_SIZE(q); i++) {
		ok(best(db, "zh-CN", "en-US", q[i], &x, &m) == full[i],
		    "3 grams read, 4 candidates scored: still the best for %s",
		    q[i]);
		tm_matches_free(m);
		m = NULL;
	}
	ok(best(db, "zh-CN", "en-US", q[0], &x, &m) > 0 &&
	    strstr(x->source, "2月1日") && strstr(x->source, "2万件"),
	    "and it is the unit with the query's numbers in their places");
	tm_matches_free(m);
	unsetenv("TM_DEBUG_LOOKUP");
	tm_db_close(db);
}
#endif

static const struct {
	const char *from, *to, *query;
	int score;
	const char *why;
} table[] = {
	{ "zh-CN", "en-US", "双方就疫情防控等共同关心的问题深入交换了意见。", 100,
	    "the same text is 100" },
	{ "zh-CN", "en-US", "双方就疫情防控等共同关心的问题深入交换了意见.", 99,
	    "Western for Chinese punctuation is 99" },
	{ "zh-CN", "en-US", "双方就疫情防控等共同关心的问题深入交换了意见", 99,
	    "punctuation left out is 99" },
	{ "zh", "en", "双方就疫情防控等共同关心的问题  深入交换了意见。", 99,
	    "white space is 99" },
	{ "en-US", "zh-CN", "the two sides exchanged views on epidemic "
	    "prevention and control.", 99, "case is 99" },
	{ "zh-CN", "en-US", "日本友好城市捐赠的５万只口罩已于１月２９日运抵我市。",
	    99, "full-width digits are 99" },
	{ "zh-CN", "en-US", "日本友好城市捐赠的8万只口罩已于2月3日运抵我市。",
	    99, "other numbers: 99, numbers replaced" },
	{ "zh-CN", "en-US", "请拨打热线电话12345。", 99,
	    "a tag the query lacks costs a point" },
	{ "zh-CN", "en-US", "一二三四五六七八九拾", 90,
	    "Chinese by characters: 1 of 10 differs is 90" },
	{ "zh-CN", "en-US", "一二三四五", 50,
	    "half the characters is 50" },
	{ "en-US", "zh-CN", "one two three four five six seven eight nine "
	    "eleven", 90, "English by words: 1 of 10 differs is 90" },
	{ "en-US", "zh-CN", "one two three four five six seven eight nine",
	    90, "a word missing of 10 is 90" },
};

/*
 * A gram in 5,000 variants: its list is longer than a row may hold, so
 * it is kept in several rows, each within the page, that read back as
 * the one ascending list.
 */
static void
long_lists(const char *file)
{
	struct tm__postings *p = NULL;
	struct tm__i64v ids = { 0 };
	sqlite3_stmt *st;
	tm_db *db = NULL;
	int64_t gram = 0, rows = 0, longest = -1;
	bool ascending = true;
	FILE *f;
	size_t i;

	f = fopen(file, "w");
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/>"
	    "<body>\n", f);
	for (i = 0; i < 5000; i++)
		fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>第%zu次会议。</seg>"
		    "</tuv><tuv xml:lang=\"en-US\"><seg>Meeting %zu.</seg>"
		    "</tuv></tu>\n", i, i);
	fputs("</body></tmx>\n", f);
	fclose(f);
	ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, file, NULL) == 0, "5,000 units import");
	if (sqlite3_prepare_v2(db->sql, "SELECT gram, count(*) FROM ngram "
	    "GROUP BY gram ORDER BY 2 DESC LIMIT 1", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			gram = sqlite3_column_int64(st, 0);
			rows = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db->sql, "SELECT max(length(ids)) FROM ngram",
	    -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			longest = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	ok(rows > 1, "a long list takes several rows (%lld)", (long long)rows);
	ok(longest > 0 && longest <= 4000, "no row is longer than a page "
	    "holds (%lld bytes)", (long long)longest);
	ok(tm__postings_open(&p, db) == 0 &&
	    tm__postings_read(p, (uint32_t)gram, &ids) == 0 &&
	    ids.n == 5000, "the rows read back as one list of every variant "
	    "(%zu)", ids.n);
	for (i = 1; i < ids.n; i++)
		if (ids.v[i] <= ids.v[i - 1])
			ascending = false;
	ok(ascending && ids.n && ids.v[0] == 1 && ids.v[ids.n - 1] == 9999,
	    "... in order, first to last");
	{
		/*
		 * Counted as decoded: one added to each id's count but
		 * those at 255 and those past the array, the ids counted
		 * the first time listed once, in order.
		 */
		uint8_t *counts = calloc(9999, 1);
		struct tm__i64v touched = { 0 };
		bool ones = true;

		int rc = -1;

		if (counts) {
			counts[1] = 255;
			rc = tm__postings_count(p, (uint32_t)gram, counts,
			    9999, &touched);
		}
		ok(rc == 0 && touched.n == 4998 && touched.v[0] == 3 &&
		    touched.v[4997] == 9997, "counting the list: every id "
		    "but the one at 255 and the one past the array (%zu)",
		    touched.n);
		for (i = 0; i < touched.n; i++)
			if (counts[touched.v[i]] != 1 || touched.v[i] !=
			    ids.v[i + 1])
				ones = false;
		ok(ones && counts[1] == 255, "... each once, in list order");
		ok(tm__postings_count(p, (uint32_t)gram, counts, 9999,
		    &touched) == 0 && touched.n == 4998 && counts[3] == 2 &&
		    counts[9997] == 2 && counts[1] == 255,
		    "counted again: counts of two, no id listed twice");
		free(counts);
		tm__i64v_release(&touched);
	}
	{
		/*
		 * The size of a long list is remembered; forgotten, it is
		 * read again, as it must be once the index has grown.
		 */
		size_t s1 = 0, s2 = 0, s3 = 0;
		tm_import_result res;
		int rc = tm__postings_size(p, (uint32_t)gram, &s1);

		ok(rc == 0 && s1 > 4000 && tm__postings_size(p,
		    (uint32_t)gram, &s2) == 0 && s2 == s1,
		    "a long list's size (%zu bytes), twice", s1);
		f = fopen(file, "w");
		fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">"
		    "<header/><body>\n", f);
		for (i = 5000; i < 6000; i++)
			fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>第%zu次会议。"
			    "</seg></tuv><tuv xml:lang=\"en-US\"><seg>Meeting "
			    "%zu.</seg></tuv></tu>\n", i, i);
		fputs("</body></tmx>\n", f);
		fclose(f);
		ok(tm_import_tmx(&res, db, file, NULL) == 0 &&
		    res.imported == 1000, "1,000 more units import");
		tm__postings_forget(p);
		rc = tm__postings_size(p, (uint32_t)gram, &s3);
		ok(rc == 0 && s3 > s1, "forgotten, its size is read again: "
		    "longer (%zu bytes)", s3);
	}
	tm__postings_close(p);
	tm__i64v_release(&ids);
	tm_db_close(db);
}

/*
 * Many candidates tie at 99 (the same sentence with other numbers):
 * those that cannot make the first --limit are not made into matches,
 * which must leave the first --limit as they are when every one is
 * made (a larger limit).
 */
static void
ties(const char *file)
{
	static const char *const q[] = {
		"截至3月5日，全市累计接收境外捐赠物资7万件。",
		"截至9月5日，全市累计接收境外捐赠物资2万件。",
		"截至2月30日，全市累计接受境外捐赠物资9万件",
	};
	tm_lookup_options o = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *all = NULL, *few = NULL;
	tm_db *db = NULL;
	size_t i, k, limits[] = { 1, 3 };
	int d, mo, n;
	FILE *f;

	if (!(f = fopen(file, "w")))
		return;
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/>"
	    "<body>\n", f);
	for (n = 1; n <= 3; n++)
		for (mo = 1; mo <= 6; mo++)
			for (d = 1; d <= 28; d++)
				fprintf(f, "<tu changedate=\"2020%02d%02dT000000Z\">"
				    "<tuv xml:lang=\"zh-CN\"><seg>截至%d月%d日，全市累计"
				    "接收境外捐赠物资%d万件。</seg></tuv><tuv "
				    "xml:lang=\"en-US\"><seg>%d/%d: %d0,000 donations"
				    "</seg></tuv></tu>\n", (d + n) % 12 + 1,
				    d, mo, d, n, mo, d, n);
	fputs("</body></tmx>\n", f);
	fclose(f);
	ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, file, NULL) == 0,
	    "504 units alike but for their numbers import");
	o.from = "zh-CN";
	o.to = "en-US";
	for (i = 0; i < TM__ARRAY_SIZE(q); i++) {
		bool same = true;

		o.limit = 100;
		if (tm_lookup(&all, db, q[i], &o) < 0)
			same = false;
		for (k = 0; same && k < TM__ARRAY_SIZE(limits); k++) {
			size_t j;

			o.limit = limits[k];
			if (tm_lookup(&few, db, q[i], &o) < 0 ||
			    tm_matches_count(few) != limits[k] ||
			    tm_matches_count(all) < 20)
				same = false;
			for (j = 0; same && j < tm_matches_count(few); j++) {
				const tm_match *a = tm_matches_get(all, j);
				const tm_match *b = tm_matches_get(few, j);

				same = a->unit_id == b->unit_id &&
				    a->score == b->score &&
				    strcmp(a->source, b->source) == 0 &&
				    strcmp(a->target, b->target) == 0 &&
				    strcmp(a->diff, b->diff) == 0;
			}
			tm_matches_free(few);
			few = NULL;
		}
		ok(same && tm_matches_get(all, 0)->score >= 85,
		    "the first 1 and 3 of %zu matches (many tied) are those "
		    "a limit of 100 gives first: %s", tm_matches_count(all),
		    q[i]);
		tm_matches_free(all);
		all = NULL;
	}
	tm_db_close(db);
}

/* The rows of table sketch, as text. */
static char *
sketch_dump(tm_db *db)
{
	struct tm__buf b = { 0 };
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->sql, "SELECT block, hex(v) FROM sketch "
	    "ORDER BY block", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			tm__buf_printf(&b, "%lld %s\n",
			    (long long)sqlite3_column_int64(st, 0),
			    (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
	}
	return b.ptr;
}

/*
 * The index an import leaves is the one a rebuild from the table
 * writes, sketches included; an index that was behind (emptied, as by
 * a migration) is brought up to date by the next import.
 */
static void
update_and_rebuild(const char *file, const char *file2)
{
	tm_import_result res;
	tm_matches *m = NULL;
	const tm_match *x;
	tm_db *db = NULL;
	char *a, *b, *sa, *sb;
	FILE *f = fopen(file, "w");

	fputs(memory, f);
	fclose(f);
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(&res, db, file, NULL) == 0 && !res.index_stale,
	    "an import indexes its units");
	a = ngram_dump(db);
	sa = sketch_dump(db);
	ok(tm_reindex(db, -1) == 0, "reindex");
	b = ngram_dump(db);
	sb = sketch_dump(db);
	ok(a && b && strlen(a) > 1000 && strcmp(a, b) == 0,
	    "... the very postings a rebuild from the table writes");
	ok(sa && sb && strcmp(sa, sb) == 0, "... and the same sketches");
	free(a);
	free(b);
	free(sa);
	free(sb);

	sqlite3_exec(db->sql, "DELETE FROM ngram; DELETE FROM sketch; "
	    "UPDATE meta SET value = '0' WHERE key IN ('index_tuv', "
	    "'index_runs')", NULL, NULL, NULL);
	ok(tm_import_tmx(&res, db, file2, NULL) == 0 && !res.index_stale,
	    "an import into a memory whose index is behind");
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
	    &x, &m) == 100, "... indexes the older units too");
	tm_matches_free(m);
	m = NULL;
	ok(best(db, "en-US", "zh-CN", "The Foreign Affairs Office thanks Kobe.",
	    &x, &m) == 100, "... and its own");
	tm_matches_free(m);
	tm_db_close(db);
}

static int64_t
meta_get(tm_db *db, const char *key)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE key = ?",
	    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/*
 * An index that lags, as an import killed in its index phase leaves it:
 * the second file's units committed, its index update rolled back (its
 * run's rows gone, the marks as before).  Lookups and concordance still
 * find those units, say how many there were, and write nothing.
 */
static void
lagging_index(const char *file, const char *file2)
{
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	tm_matches *m = NULL;
	tm_hits *h = NULL;
	tm_stats *st = NULL;
	const tm_match *x = NULL;
	tm_db *db = NULL;
	int64_t mark, nruns;
	char sql[256];
	int changes;

	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	tm_import_tmx(NULL, db, file, NULL);
	mark = meta_get(db, "index_tuv");
	nruns = meta_get(db, "index_runs");
	tm_import_tmx(NULL, db, file2, NULL);
	snprintf(sql, sizeof(sql), "DELETE FROM ngram WHERE run >> %d >= %lld;"
	    "UPDATE meta SET value = %lld WHERE key = 'index_tuv';"
	    "UPDATE meta SET value = %lld WHERE key = 'index_runs'",
	    TM__RUN_SHIFT, (long long)nruns, (long long)mark,
	    (long long)nruns);
	ok(mark > 0 && sqlite3_exec(db->sql, sql, NULL, NULL, NULL) ==
	    SQLITE_OK, "lagging index: the second import's index undone");
	ok(tm_stats_get(&st, db) == 0 && st->index_behind == 1,
	    "stats: one unit not yet indexed");
	tm_stats_free(st);
	changes = sqlite3_total_changes(db->sql);
	ok(best(db, "en-US", "zh-CN", "The Foreign Affairs Office thanks "
	    "Kobe.", &x, &m) == 100 && tm_matches_unindexed(m) == 1,
	    "a lookup finds the unit past the index at 100 and says so");
	tm_matches_free(m);
	m = NULL;
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
	    &x, &m) == 100 && tm_matches_unindexed(m) == 1,
	    "... and the indexed units as before");
	tm_matches_free(m);
	m = NULL;
	co.lang = "zh";
	ok(tm_concordance(&h, db, "神户", &co) == 0 && tm_hits_count(h) == 1 &&
	    tm_hits_unindexed(h) == 1, "concordance finds it too");
	tm_hits_free(h);
	h = NULL;
	is_int(sqlite3_total_changes(db->sql), changes,
	    "neither wrote to the database");
	ok(meta_get(db, "index_tuv") == mark, "the index is still behind");
	ok(tm_index_catch_up(db) == 0 && meta_get(db, "index_tuv") > mark,
	    "tm_index_catch_up brings it up to date");
	ok(tm_stats_get(&st, db) == 0 && st->index_behind == 0,
	    "stats: nothing left to index");
	tm_stats_free(st);
	changes = sqlite3_total_changes(db->sql);
	ok(tm_index_catch_up(db) == 0 && sqlite3_total_changes(db->sql) ==
	    changes, "a second catch-up writes nothing");
	ok(best(db, "en-US", "zh-CN", "The Foreign Affairs Office thanks "
	    "Kobe.", &x, &m) == 100 && tm_matches_unindexed(m) == 0,
	    "the lookup now reads it from the index");
	tm_matches_free(m);
	tm_db_close(db);
	ok(tm_index_catch_up(NULL) == TM_EINVAL, "no database: TM_EINVAL");
	tm_error_clear();
}

int
main(void)
{
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	tm_hits *h = NULL;
	const tm_match *x;
	tm_db *db = NULL;
	char file[300], file2[300], file3[300];
#ifdef TM_DEBUG
	char *dump, *dump2;
#endif
	FILE *f;
	size_t i;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	snprintf(file, sizeof(file), "%s.tmx", path);
	f = fopen(file, "w");
	fputs(memory, f);
	fclose(f);
	snprintf(file2, sizeof(file2), "%s-2.tmx", path);
	snprintf(file3, sizeof(file3), "%s-3.tmx", path);
	f = fopen(file2, "w");
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n"
	    TU("市外办感谢神户市。", "The Foreign Affairs Office thanks Kobe.")
	    "</body></tmx>\n", f);
	fclose(f);
	ok(tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, file, NULL) == 0, "the memory imports");

	for (i = 0; i < TM__ARRAY_SIZE(table); i++) {
		int s = best(db, table[i].from, table[i].to, table[i].query,
		    &x, &m);

		ok(s == table[i].score, "%s", table[i].why);
		if (s != table[i].score)
			printf("#   got %d, want %d\n", s, table[i].score);
		tm_matches_free(m);
		m = NULL;
	}

	best(db, "zh-CN", "en-US", "日本友好城市捐赠的8万只口罩已于2月3日运抵我市。",
	    &x, &m);
	ok(x && x->numbers_replaced && strstr(x->source, "8万") &&
	    strstr(x->source, "2月3日"), "the source takes the query's numbers");
	ok(x && strstr(x->target, "February 3.") && !strstr(x->target, "29"),
	    "the target's January 29 became February 3");
	ok(x && strstr(x->target, "The 80,000 masks"),
	    "and its 50,000 became 80,000 (5万 → 8万)");
	ok(x && strstr(x->diff, "[-5-]{+8+}") != NULL, "the diff shows it");
	tm_matches_free(m);
	m = NULL;

	/* Context: 101 with the stored neighbours, 100 without. */
	lo.from = "zh-CN";
	lo.to = "en-US";
	lo.context_before = "会议开始。";
	lo.context_after = "会议结束。";
	ok(tm_lookup(&m, db, "副市长出席活动并致辞。", &lo) == 0 &&
	    tm_matches_count(m) == 2, "both units are found");
	x = tm_matches_get(m, 0);
	ok(x && x->score == 101 && strstr(x->target, "spoke.") &&
	    strstr(x->target, "Vice Mayor"), "the one with the context is 101");
	x = tm_matches_get(m, 1);
	ok(x && x->score == 100, "the other is 100");
	tm_matches_free(m);
	m = NULL;
	lo.context_before = "别的句子。";
	ok(tm_lookup(&m, db, "副市长出席活动并致辞。", &lo) == 0 &&
	    tm_matches_get(m, 0)->score == 100, "another context is 100");
	tm_matches_free(m);
	m = NULL;
	lo.context_before = lo.context_after = NULL;

	/* Limits and filters. */
	lo.min = 95;
	ok(tm_lookup(&m, db, "一二三四五六七八九拾", &lo) == 0 &&
	    tm_matches_count(m) == 0, "--min drops weaker matches");
	tm_matches_free(m);
	m = NULL;
	lo.min = 50;
	lo.to = "fr";
	ok(tm_lookup(&m, db, "双方就疫情防控等共同关心的问题深入交换了意见。",
	    &lo) == 0 && tm_matches_count(m) == 0,
	    "no unit holds the target language: no match");
	tm_matches_free(m);
	m = NULL;
	lo.to = NULL;
	ok(tm_lookup(&m, db, "x", &lo) == TM_EINVAL, "--to is required");
	tm_error_clear();
	lo.to = "en";
	ok(tm_lookup(&m, db, "bad \xff", &lo) == TM_EUTF8, "bad UTF-8");
	tm_error_clear();

	/* Traditional and Simplified: folded by default. */
	ok(best(db, "zh-CN", "en-US", "医疗物资已经运抵。", &x, &m) == 99 &&
	    x->script_differs, "by default a zh-TW unit answers zh-CN as 99, "
	    "the script said to differ");
	tm_matches_free(m);
	m = NULL;
	ok(tm_reindex(db, 0) == 0 && best(db, "zh-CN", "en-US",
	    "医疗物资已经运抵。", &x, &m) < 60, "folding can be turned off");
	tm_matches_free(m);
	m = NULL;
	ok(tm_reindex(db, 1) == 0, "reindex with folding");
	ok(best(db, "zh-CN", "en-US", "医疗物资已经运抵。", &x, &m) == 99,
	    "with folding it does, as 99 (the script differs)");
	tm_matches_free(m);
	m = NULL;
	ok(tm_reindex(db, 0) == 0 && best(db, "zh-CN", "en-US",
	    "医疗物资已经运抵。", &x, &m) < 60, "and folding can be undone");
	tm_matches_free(m);
	m = NULL;

	/* Concordance. */
	ok(tm_concordance(&h, db, "口罩", &co) == 0 && tm_hits_count(h) == 1,
	    "a two-character term is found");
	ok(h && tm_hits_count(h) && strncmp(tm_hits_get(h, 0)->text +
	    tm_hits_get(h, 0)->start, "口罩", tm_hits_get(h, 0)->len) == 0 &&
	    tm_hits_get(h, 0)->len == strlen("口罩"), "the hit is marked");
	ok(h && tm_hits_count(h) && tm_hits_get(h, 0)->other &&
	    strstr(tm_hits_get(h, 0)->other, "masks"),
	    "with its translation beside it");
	tm_hits_free(h);
	h = NULL;
	co.lang = "en";
	ok(tm_concordance(&h, db, "VICE MAYOR", &co) == 0 &&
	    tm_hits_count(h) == 2, "case does not matter");
	tm_hits_free(h);
	h = NULL;
	co.lang = "zh";
	co.in = TM_IN_TARGET;
	ok(tm_concordance(&h, db, "masks", &co) == 0 && tm_hits_count(h) == 1 &&
	    strcmp(tm_hits_get(h, 0)->lang, "en-US") == 0,
	    "--in target looks in the other languages");
	tm_hits_free(h);
	h = NULL;
	co.lang = NULL;
	co.in = TM_IN_SOURCE;
	ok(tm_concordance(&h, db, "罩", &co) == 0 && tm_hits_count(h) == 1,
	    "a one-character term is found too");
	tm_hits_free(h);
	h = NULL;
	ok(tm_concordance(&h, db, "没有的词", &co) == 0 && tm_hits_count(h) == 0,
	    "an absent term finds nothing");
	tm_hits_free(h);
	h = NULL;
	ok(tm_concordance(&h, db, "，。", &co) == TM_EINVAL,
	    "punctuation alone is not a term");
	tm_error_clear();

	tm_db_close(db);

	upgrade(file);

#ifdef TM_DEBUG
	/*
	 * A tiny buffer: the import spills many sorted runs to a temporary
	 * file and merges them into one run, the same bytes as a buffer
	 * that holds everything writes.  A second import adds a run of its
	 * own; lookups read both; reindex makes them one again.
	 */
	f = fopen(file3, "w");
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/>"
	    "<body>\n", f);
	for (i = 0; i < 400; i++)
		fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>市政府召开第%zu次常务"
		    "会议。</seg></tuv><tuv xml:lang=\"en-US\"><seg>The city "
		    "government held its executive meeting number %zu.</seg>"
		    "</tuv></tu>\n", i, i * 7);
	fputs("</body></tmx>\n", f);
	fclose(f);
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(NULL, db, file, NULL) == 0 &&
	    tm_import_tmx(NULL, db, file3, NULL) == 0, "import in one buffer");
	dump = ngram_dump(db);
	tm_db_close(db);
	setenv("TM_DEBUG_PAIRS_MAX", "64", 1);
	setenv("TM_DEBUG_SPILL_READ", "16", 1);
	/* Small batches, so the grams are made on the index's thread. */
	setenv("TM_DEBUG_GBATCH_ROWS", "7", 1);
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(NULL, db, file, NULL) == 0, "import in small runs");
	ok(runs(db) == 1, "the spilled runs are merged into one");
	ok(tm_import_tmx(NULL, db, file3, NULL) == 0 && runs(db) == 2,
	    "a second import adds one run");
	dump2 = ngram_dump(db);
	ok(dump && dump2 && strlen(dump) > 10000 && strcmp(dump, dump2) == 0,
	    "... the very lists that one buffer writes (lists longer than "
	    "the read buffer too)");
	free(dump2);
	tm_db_close(db);
	{
		/*
		 * Into a new file: the grams are made while the units are
		 * stored (small batches on the gram thread, runs spilled),
		 * and the index is the one made by reading them back.
		 */
		char pb[sizeof(path) + 8];

		snprintf(pb, sizeof(pb), "%s-pb.db", path);
		unlink(pb);
		tm_db_open(&db, pb, TM_DB_CREATE);
		ok(tm_import_tmx(NULL, db, file, NULL) == 0 &&
		    tm_import_tmx(NULL, db, file3, NULL) == 0 && runs(db) == 2,
		    "a new file's import, its index made as it stores");
		dump2 = ngram_dump(db);
		ok(dump && dump2 && strcmp(dump, dump2) == 0,
		    "... the very lists and sketches read back ones make");
		free(dump2);
		tm_db_close(db);
		unlink(pb);
	}
	unsetenv("TM_DEBUG_SPILL_READ");
	unsetenv("TM_DEBUG_GBATCH_ROWS");
	{
		/*
		 * No room for the temporary file: the import stands, its
		 * index is left behind (and said to be), lookups still find
		 * its units, and tm_index_catch_up() catches up.
		 */
		tm_import_result res;
		const char *tmp = getenv("TMPDIR");
		char *keep = tmp ? tm__strdup(tmp) : NULL;

		setenv("TMPDIR", "/nonexistent/tm-unit-test", 1);
		tm_db_open(&db, ":memory:", TM_DB_CREATE);
		ok(tm_import_tmx(&res, db, file, NULL) == 0 &&
		    res.imported > 5 && res.index_stale,
		    "no temporary file: the import stands, its index is stale");
		ok(tm_reindex(db, -1) < 0 && tm_error_last() &&
		    strstr(tm_error_last()->message,
		    "/nonexistent/tm-unit-test"), "reindex fails, naming "
		    "the directory it could not write in");
		tm_error_clear();
		if (keep)
			setenv("TMPDIR", keep, 1);
		else
			unsetenv("TMPDIR");
		tm_free(keep);
		ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
		    &x, &m) == 100 && tm_matches_unindexed(m) == res.imported,
		    "... the next lookup finds the units past the index, "
		    "and says how many there were");
		tm_matches_free(m);
		m = NULL;
		ok(tm_index_catch_up(db) == 0, "tm_index_catch_up indexes them");
		ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
		    &x, &m) == 100 && tm_matches_unindexed(m) == 0,
		    "... and lookups read them from the index again");
		tm_matches_free(m);
		m = NULL;
		tm_db_close(db);
	}
	tm_db_open(&db, ":memory:", TM_DB_CREATE);
	ok(tm_import_tmx(NULL, db, file, NULL) == 0, "import in small runs");
	ok(tm_import_tmx(NULL, db, file2, NULL) == 0 && runs(db) == 2,
	    "a second import adds one run");
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
	    &x, &m) == 100, "a lookup reads every run");
	tm_matches_free(m);
	m = NULL;
	ok(best(db, "en-US", "zh-CN", "The Foreign Affairs Office thanks Kobe.",
	    &x, &m) == 100, "... and finds the second import's units");
	tm_matches_free(m);
	m = NULL;
	ok(tm_reindex(db, -1) == 0 && runs(db) == 1, "reindex merges them");
	ok(best(db, "zh-CN", "en-US", "日本友好城市捐赠的5万只口罩已于1月29日运抵我市。",
	    &x, &m) == 100, "and the merged index finds the same");
	tm_matches_free(m);
	m = NULL;
	ok(tm_concordance(&h, db, "口罩", &co) == 0 && tm_hits_count(h) == 1,
	    "so does concordance");
	tm_hits_free(h);
	h = NULL;
	tm_db_close(db);
	free(dump);
	unsetenv("TM_DEBUG_PAIRS_MAX");

	near_identical(file);
#endif
	long_lists(file3);
	ties(file3);
	update_and_rebuild(file, file2);
	lagging_index(file, file2);
	unlink(file);
	unlink(file2);
	unlink(file3);
	unlink(path);
	return done_testing();
}
