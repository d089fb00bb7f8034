/*
 * Unit test for libtm under threads: eight threads, each with a tm_db
 * handle of its own on one shared database file (and one private file
 * each), import small TMX files, look up, search in context, check
 * segments and segment text with ONE shared tm_segmenter, all at once;
 * and eight threads open one new database at once.  The results must be
 * right, not just arrive: duplicates counted exactly, every unit found
 * afterwards, the same sentences and findings as on one thread.  Run
 * under ThreadSanitizer by tools/run-tests.sh (--enable-tsan).
 */
#include "tm-int.h"
#include "../tap.h"

#include <pthread.h>
#include <unistd.h>

#define NTHREADS 8
/* ThreadSanitizer slows each import tenfold, and the others wait for it. */
#ifdef __SANITIZE_THREAD__
#define ROUNDS 2
#else
#define ROUNDS 6
#endif
#define UNIQUE 10	/* units of one file of its own */
#define SHARED 3	/* units every file holds */
#define OPEN_ROUNDS 5
#define BIG 1500	/* units of the file indexed on two threads */

static char dir[] = "/tmp/tm-unit-threads-XXXXXX";
static char shared_db[300];
static tm_segmenter *seg_en;
static pthread_barrier_t start;

/* What one thread saw, checked by the main thread. */
struct worker {
	int t;
	pthread_t thread;
	uint64_t imported, duplicates;	/* into the shared database */
	int failures;			/* checks that went wrong */
	char why[256];			/* the first of them */
};

/* The reference results, made on the main thread before any other. */
static const char seg_text[] = "Mr. Smith met the U.S. Consul General at "
    "3 p.m. today. They discussed No. 5 of the agenda. Was it useful? "
    "Yes! The talks went on until 6 p.m.\n\nA second paragraph. It has "
    "two sentences.";
static char *seg_want;		/* the sentences joined by " | " */
static size_t findings_want;
static size_t hits_want;

static const char base_tmx[] =
    "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>日本友好城市捐赠了5万只口罩。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>The Japanese sister city donated 50,000 "
    "masks.</seg></tuv></tu>\n"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>市外办主任会见了日本驻沪总领事。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>The Director of the Foreign Affairs "
    "Office met the Consul General of Japan.</seg></tuv></tu>\n"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>双方就口罩捐赠交换了意见。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>The two sides exchanged views on the "
    "donation of masks.</seg></tuv></tu>\n"
    "</body></tmx>\n";

static void
unique_zh(char *buf, size_t size, int t, int r, int k)
{
	snprintf(buf, size, "线程%d第%d轮第%d条：市外办发布了关于领事认证的新通知。",
	    t, r, k);
}

static void
unique_en(char *buf, size_t size, int t, int r, int k)
{
	snprintf(buf, size, "Thread %d, round %d, item %d: the office issued "
	    "a new notice on consular legalisation.", t, r, k);
}

/*
 * The file of thread t, round r: UNIQUE units of its own, the first of
 * them twice (one duplicate within the file), and the SHARED units.
 */
static int
write_tmx(const char *path, int t, int r)
{
	char zh[200], en[200];
	FILE *f = fopen(path, "w");
	int k;

	if (!f)
		return -1;
	fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\n",
	    f);
	for (k = 0; k <= UNIQUE; k++) {
		unique_zh(zh, sizeof(zh), t, r, k == UNIQUE ? 0 : k);
		unique_en(en, sizeof(en), t, r, k == UNIQUE ? 0 : k);
		/*
		 * Two variants in one language: the duplicate key sorts
		 * them by their segments, which the sort reads in the
		 * import's own buffers.
		 */
		fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>%s</seg></tuv>"
		    "<tuv xml:lang=\"en-US\"><seg>%s</seg></tuv>"
		    "<tuv xml:lang=\"en-US\"><seg>Also: %s</seg></tuv>"
		    "</tu>\n", zh, en, en);
	}
	for (k = 0; k < SHARED; k++)
		fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>共享的第%d条消息已经发布。"
		    "</seg></tuv><tuv xml:lang=\"en-US\"><seg>Shared message %d "
		    "was published.</seg></tuv><tuv xml:lang=\"en-US\"><seg>"
		    "Message %d, shared, was published.</seg></tuv></tu>\n", k,
		    k, k);
	fputs("</body></tmx>\n", f);
	return fclose(f);
}

static void
failed(struct worker *w, const char *what)
{
	if (!w->failures++)
		snprintf(w->why, sizeof(w->why), "thread %d: %s%s%s", w->t, what,
		    tm_error_last() ? ": " : "", tm_error_last() ?
		    tm_error_last()->message : "");
}

/* The sentences of seg_text joined by " | ", or NULL. */
static char *
segment_joined(const tm_segmenter *sg)
{
	tm_segments *ss = NULL;
	struct tm__buf b = { 0 };
	size_t i;

	if (tm_segment_text(&ss, sg, seg_text, strlen(seg_text)) < 0)
		return NULL;
	for (i = 0; i < tm_segments_count(ss); i++)
		if ((i && tm__buf_adds(&b, " | ") < 0) ||
		    tm__buf_adds(&b, tm_segments_get(ss, i)->text) < 0)
			break;
	tm_segments_free(ss);
	return tm__buf_detach(&b);
}

static size_t
count_findings(tm_db *db)
{
	tm_findings *f = NULL;
	size_t n;

	if (tm_check_segment(&f, db, "日本友好城市捐赠了5万只口罩。",
	    "The Japanese sister city donated 40,000 masks.", "zh-CN",
	    "en-US") < 0)
		return (size_t)-1;
	n = tm_findings_count(f);
	tm_findings_free(f);
	return n;
}

static size_t
count_hits(tm_db *db)
{
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	tm_hits *h = NULL;
	size_t n;

	co.lang = "zh";
	if (tm_concordance(&h, db, "口罩", &co) < 0)
		return (size_t)-1;
	n = tm_hits_count(h);
	tm_hits_free(h);
	return n;
}

/* The best match's score for `zh`, its target copied to `en`. */
static int
best(tm_db *db, const char *zh, char *en, size_t size)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	int score = -1;

	lo.from = "zh-CN";
	lo.to = "en-US";
	if (tm_lookup(&m, db, zh, &lo) < 0)
		return -2;
	if (tm_matches_count(m)) {
		score = tm_matches_get(m, 0)->score;
		snprintf(en, size, "%s", tm_matches_get(m, 0)->target);
	}
	tm_matches_free(m);
	return score;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	tm_db *db = NULL, *own = NULL;
	char path[400], own_path[400], zh[200], en[200], got[300];
	int r, i;

	snprintf(own_path, sizeof(own_path), "%s/own-%d.db", dir, w->t);
	pthread_barrier_wait(&start);
	if (tm_db_open(&db, shared_db, 0) < 0 ||
	    tm_db_open(&own, own_path, TM_DB_CREATE) < 0) {
		failed(w, "open");
		goto done;
	}
	for (r = 0; r < ROUNDS; r++) {
		tm_import_result res;
		char *s;

		snprintf(path, sizeof(path), "%s/t%d-r%d.tmx", dir, w->t, r);
		if (write_tmx(path, w->t, r) < 0) {
			failed(w, "cannot write a TMX file");
			break;
		}
		/* Into the shared database: totals checked at the end. */
		if (tm_import_tmx(&res, db, path, NULL) < 0) {
			failed(w, "import into the shared database");
			break;
		}
		w->imported += res.imported;
		w->duplicates += res.duplicates;
		/* Into its own: every count known. */
		if (tm_import_tmx(&res, own, path, NULL) < 0)
			failed(w, "import into its own database");
		else if (res.units_read != UNIQUE + 1 + SHARED ||
		    res.imported != UNIQUE + (r ? 0 : SHARED) ||
		    res.duplicates != 1 + (r ? SHARED : 0))
			failed(w, "wrong counts importing into its own database");
		unique_zh(zh, sizeof(zh), w->t, r, 1);
		unique_en(en, sizeof(en), w->t, r, 1);
		if (best(db, zh, got, sizeof(got)) != 100 || strcmp(got, en))
			failed(w, "its own unit is not found at 100");
		if (best(own, zh, got, sizeof(got)) != 100 || strcmp(got, en))
			failed(w, "its own unit is not found in its own db");
		if (best(db, "日本友好城市捐赠了5万只口罩。", got, sizeof(got)) != 100)
			failed(w, "a unit of the first import is not found");
		if (count_hits(db) != hits_want)
			failed(w, "concordance found another number of hits");
		if (count_findings(db) != findings_want)
			failed(w, "the check found another number of findings");
		for (i = 0; i < 20; i++) {
			if (!(s = segment_joined(seg_en)) || strcmp(s, seg_want))
				failed(w, "the shared segmenter cut differently");
			free(s);
		}
	}
done:
	tm_db_close(db);
	tm_db_close(own);
	return NULL;
}

/* Eight threads open one new database at once. */
static char open_path[400];
static int open_failures;
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

static void *
open_new(void *arg)
{
	tm_db *db = NULL;
	tm_stats *st = NULL;

	(void)arg;
	pthread_barrier_wait(&start);
	if (tm_db_open(&db, open_path, TM_DB_CREATE) < 0 ||
	    tm_stats_get(&st, db) < 0 || st->units != 0) {
		pthread_mutex_lock(&open_lock);
		if (!open_failures++)
			printf("# %s\n", tm_error_last() ?
			    tm_error_last()->message : "stats");
		pthread_mutex_unlock(&open_lock);
	}
	tm_stats_free(st);
	tm_db_close(db);
	return NULL;
}

int
main(void)
{
	struct worker w[NTHREADS];
	pthread_t ot[NTHREADS];
	char base[400], zh[200], en[200], got[300];
	tm_import_result res;
	tm_db *db = NULL;
	uint64_t imported = 0, duplicates = 0;
	FILE *f;
	int t, r, k, bad, round;
	tm_stats *st = NULL;

	if (!mkdtemp(dir))
		return 1;
	ok(tm_global_init() == 0, "tm_global_init");
	ok(tm_global_init() == 0, "... twice is fine");

	/* Eight threads open one new database at once, five times. */
	for (round = 0; round < OPEN_ROUNDS; round++) {
		snprintf(open_path, sizeof(open_path), "%s/new-%d.db", dir,
		    round);
		pthread_barrier_init(&start, NULL, NTHREADS);
		for (t = 0; t < NTHREADS; t++)
			pthread_create(&ot[t], NULL, open_new, NULL);
		for (t = 0; t < NTHREADS; t++)
			pthread_join(ot[t], NULL);
		pthread_barrier_destroy(&start);
	}
	is_int(open_failures, 0, "%d threads open a new database at once "
	    "(%d times)", NTHREADS, OPEN_ROUNDS);

	/* The shared database, its first import and the references. */
	snprintf(shared_db, sizeof(shared_db), "%s/shared.db", dir);
	snprintf(base, sizeof(base), "%s/base.tmx", dir);
	if ((f = fopen(base, "w"))) {
		fputs(base_tmx, f);
		fclose(f);
	}
	ok(tm_db_open(&db, shared_db, TM_DB_CREATE) == 0 &&
	    tm_import_tmx(&res, db, base, NULL) == 0 && res.imported == 3,
	    "the shared database and its first import");
	ok(tm_segmenter_new(&seg_en, "en-US", NULL, TM_SRX_EXTEND) == 0,
	    "one segmenter for every thread");
	seg_want = segment_joined(seg_en);
	ok(seg_want && strstr(seg_want, "Mr. Smith met the U.S. Consul "
	    "General at 3 p.m. today. | They") && strstr(seg_want,
	    "| A second paragraph. | It has two sentences."),
	    "the reference sentences");
	findings_want = count_findings(db);
	ok(findings_want >= 1 && findings_want != (size_t)-1,
	    "the reference check finds the wrong number");
	hits_want = count_hits(db);
	is_int(hits_want, 2, "the reference concordance");
	tm_db_close(db);
	db = NULL;

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (t = 0; t < NTHREADS; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].t = t;
		pthread_create(&w[t].thread, NULL, work, &w[t]);
	}
	for (t = 0, bad = 0; t < NTHREADS; t++) {
		pthread_join(w[t].thread, NULL);
		if (w[t].failures) {
			printf("# %d failures, first: %s\n", w[t].failures,
			    w[t].why);
			bad++;
		}
		imported += w[t].imported;
		duplicates += w[t].duplicates;
	}
	pthread_barrier_destroy(&start);
	is_int(bad, 0, "every thread's imports, lookups, concordance, checks "
	    "and segmentation were right");
	is_int(imported, NTHREADS * ROUNDS * UNIQUE + SHARED,
	    "shared database: each unit imported once");
	is_int(duplicates, NTHREADS * ROUNDS + (NTHREADS * ROUNDS - 1) *
	    SHARED, "shared database: every other copy counted a duplicate");

	ok(tm_db_open(&db, shared_db, 0) == 0 && tm_stats_get(&st, db) == 0,
	    "the shared database afterwards");
	ok(st && st->units == 3 + NTHREADS * ROUNDS * UNIQUE + SHARED &&
	    st->index_behind == 0, "it holds every unit, all indexed");
	tm_stats_free(st);
	for (t = 0, bad = 0; t < NTHREADS; t++)
		for (r = 0; r < ROUNDS; r++)
			for (k = 0; k < UNIQUE; k++) {
				unique_zh(zh, sizeof(zh), t, r, k);
				unique_en(en, sizeof(en), t, r, k);
				if (best(db, zh, got, sizeof(got)) != 100 ||
				    strcmp(got, en))
					bad++;
			}
	is_int(bad, 0, "every imported unit is found at 100 afterwards");
	tm_db_close(db);
	db = NULL;

	/*
	 * A file of more variants than one batch of the index: its grams
	 * are made on the index's own thread, beside the caller's.
	 */
	snprintf(base, sizeof(base), "%s/big.tmx", dir);
	if ((f = fopen(base, "w"))) {
		fputs("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/>"
		    "<body>\n", f);
		for (k = 0; k < BIG; k++) {
			unique_zh(zh, sizeof(zh), NTHREADS, 0, k);
			unique_en(en, sizeof(en), NTHREADS, 0, k);
			fprintf(f, "<tu><tuv xml:lang=\"zh-CN\"><seg>%s</seg>"
			    "</tuv><tuv xml:lang=\"en-US\"><seg>%s</seg></tuv>"
			    "</tu>\n", zh, en);
		}
		fputs("</body></tmx>\n", f);
		fclose(f);
	}
	snprintf(got, sizeof(got), "%s/big.db", dir);
	ok(tm_db_open(&db, got, TM_DB_CREATE) == 0 &&
	    tm_import_tmx(&res, db, base, NULL) == 0 && res.imported == BIG &&
	    !res.index_stale, "%d units, indexed on two threads", BIG);
	for (k = 0, bad = 0; db && k < BIG; k += 97) {
		unique_zh(zh, sizeof(zh), NTHREADS, 0, k);
		unique_en(en, sizeof(en), NTHREADS, 0, k);
		if (best(db, zh, got, sizeof(got)) != 100 || strcmp(got, en))
			bad++;
	}
	is_int(bad, 0, "... and found at 100 through the index");
	tm_db_close(db);

	tm_segmenter_free(seg_en);
	free(seg_want);
	tm_global_cleanup();
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# cannot remove %s\n", dir);
	}
	return done_testing();
}
