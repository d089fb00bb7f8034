/*
 * bench-lookup: latency and recall of tm_lookup, and latency of
 * tm_concordance, on an existing memory.
 *
 *   bench-lookup DB QUERIES FROM TO [TERMS]
 *
 * QUERIES has one "kind<TAB>query" a line.  Each query is looked up
 * once to warm up and then timed; its best score is compared with the
 * best score of an exhaustive pass over every variant in FROM (the same
 * scoring, no index), which gives the index's recall.  TERMS has one
 * concordance term a line.  Prints a Markdown report.
 *
 * The exhaustive scores are kept in QUERIES.exh (one a line) and reused
 * while that file is newer than DB and QUERIES: tuning the index then
 * costs seconds, not minutes.
 */
#include "tm-int.h"
#include "index.h"
#include "bench-util.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct variant {
	char *key, *text, *seg;
};

/*
 * Wall-clock time, or with BENCH_CLOCK=cpu this thread's CPU time:
 * steadier when other work shares the machine, for tuning.
 */
static double
now(void)
{
	static int cpu = -1;

	if (cpu < 0)
		cpu = getenv("BENCH_CLOCK") &&
		    strcmp(getenv("BENCH_CLOCK"), "cpu") == 0;
	return bench_ms(cpu);
}

static void
report(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f |\n", what, n,
	    bench_pct(v, n, 0.5), bench_pct(v, n, 0.95), bench_pct(v, n, 0.99),
	    n ? v[n - 1] : 0);
}

/* Whether file a exists and is newer than file b. */
static bool
newer(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_mtime > sb.st_mtime;
}

int
main(int argc, char **argv)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	struct variant *vs = NULL;
	size_t nv = 0, cap = 0, nq = 0, i, k;
	double *lat = NULL, *lat_kind = NULL, *clat = NULL;
	char **kinds = NULL, **queries = NULL, line[8192];
	int *best_index = NULL, *best_exh = NULL;
	tm__stmt *st = NULL;
	tm_db *db = NULL;
	FILE *f;
	size_t nc = 0;
	char exh_path[4096];
	bool have_exh;
	struct tm__buf kbuf = { 0 };
	const char *key;
	size_t klen;
	unsigned kflags = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-lookup DB QUERIES FROM TO [TERMS]\n");
		return 2;
	}
	if (tm_db_open(&db, argv[1], TM_DB_READONLY) < 0) {
		fprintf(stderr, "%s\n", tm_error_last()->message);
		return 1;
	}
	lo.from = argv[3];
	lo.to = argv[4];
	lo.limit = 1;
	lo.min = 50;

	/* Every variant in FROM, for the exhaustive pass. */
	if (snprintf(exh_path, sizeof(exh_path), "%s.exh", argv[2]) >=
	    (int)sizeof(exh_path))
		return 2;
	/* A PostgreSQL memory is taken for a copy of the file they came from. */
	have_exh = (tm_db_is_postgres(argv[1]) ? access(exh_path, F_OK) == 0 :
	    newer(exh_path, argv[1])) && newer(exh_path, argv[2]);
	if (tm__key_flags(db, &kflags) < 0)
		return fprintf(stderr, "%s\n", tm_error_last()->message), 1;
	if (!have_exh)
		if (tm__prepare(db, &st, "SELECT lang, key, "
		    "coalesce(text, seg), seg FROM tuv") < 0)
			return fprintf(stderr, "%s\n",
			    tm_error_last()->message), 1;
	while (!have_exh && tm__step(st) == TM__ROW) {
		if (!tm_lang_match(argv[3], (const char *)
		    tm__column_text(st, 0)))
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			vs = realloc(vs, cap * sizeof(*vs));
		}
		/* Keys are stored only where the quick key is not the key. */
		if (tm__key_column(&kbuf, st, 1, 2, kflags, &key, &klen) < 0)
			return fprintf(stderr, "%s\n",
			    tm_error_last()->message), 1;
		vs[nv].key = strndup(key, klen);
		vs[nv].text = strdup((const char *)tm__column_text(st, 2));
		vs[nv].seg = strdup((const char *)tm__column_text(st, 3));
		nv++;
	}
	tm__finalize(st);
	tm__buf_release(&kbuf);

	if (bench_read_queries(argv[2], &kinds, &queries, &nq) < 0)
		return 1;
	lat = calloc(nq + 1, sizeof(*lat));
	lat_kind = calloc(nq + 1, sizeof(*lat_kind));
	best_index = calloc(nq + 1, sizeof(*best_index));
	best_exh = calloc(nq + 1, sizeof(*best_exh));

	for (i = 0; i < nq; i++) {
		tm_matches *m = NULL;
		double t0;

		/* Warm up once (first touch of its pages), then time. */
		if (tm_lookup(&m, db, queries[i], &lo) == 0)
			tm_matches_free(m);
		t0 = now();
		if (tm_lookup(&m, db, queries[i], &lo) < 0) {
			fprintf(stderr, "lookup failed: %s\n",
			    tm_error_last()->message);
			return 1;
		}
		lat[i] = now() - t0;
		best_index[i] = tm_matches_count(m) ?
		    tm_matches_get(m, 0)->score : -1;
		tm_matches_free(m);
	}

	/* Exhaustive best scores (context matches aside: none is given). */
	if (have_exh && (f = fopen(exh_path, "r"))) {
		for (i = 0; i < nq && fgets(line, sizeof(line), f); i++)
			best_exh[i] = (int)strtol(line, NULL, 10);
		fclose(f);
		if (i < nq)
			return fprintf(stderr, "%s: too short\n", exh_path), 1;
	}
	for (i = 0; !have_exh && i < nq; i++) {
		struct tm__scorer *sc = NULL;
		int best = -1;

		if (tm__scorer_new(&sc, queries[i], kflags) < 0)
			return 1;
		for (k = 0; k < nv; k++) {
			int s = tm__scorer_score(sc, vs[k].key, vs[k].text,
			    vs[k].seg, best > 50 ? best : 50);

			if (s > best)
				best = s;
		}
		best_exh[i] = best;
		tm__scorer_free(sc);
	}
	if (!have_exh && (f = fopen(exh_path, "w"))) {
		for (i = 0; i < nq; i++)
			fprintf(f, "%d\n", best_exh[i]);
		fclose(f);
	}

	if (have_exh)
		printf("Memory: %s; %zu queries (exhaustive scores from %s)\n\n",
		    argv[1], nq, exh_path);
	else
		printf("Memory: %s, %zu variants in %s; %zu queries\n\n",
		    argv[1], nv, argv[3], nq);
	printf("| queries | n | p50 ms | p95 ms | p99 ms | max ms |\n");
	printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
	{
		double *all = malloc((nq + 1) * sizeof(*all));

		memcpy(all, lat, nq * sizeof(*all));
		report("all", all, nq);
		free(all);
	}
	for (i = 0; i < nq; i++) {
		size_t n = 0;
		bool first = true;

		for (k = 0; k < i; k++)
			if (strcmp(kinds[k], kinds[i]) == 0)
				first = false;
		if (!first)
			continue;
		for (k = 0; k < nq; k++)
			if (strcmp(kinds[k], kinds[i]) == 0)
				lat_kind[n++] = lat[k];
		report(kinds[i], lat_kind, n);
	}
	{
		size_t n70 = 0, ok70 = 0, n50 = 0, ok50 = 0;

		for (i = 0; i < nq; i++) {
			if (best_exh[i] >= 70) {
				n70++;
				ok70 += best_index[i] >= best_exh[i];
			}
			if (best_exh[i] >= 50) {
				n50++;
				ok50 += best_index[i] >= best_exh[i];
			}
			if (lat[i] >= 5.0)
				fprintf(stderr, "slow: [%s] %.2f ms, best %d: "
				    "%s\n", kinds[i], lat[i], best_index[i],
				    queries[i]);
			if (best_index[i] < best_exh[i])
				fprintf(stderr, "missed: [%s] index %d, "
				    "exhaustive %d: %s\n", kinds[i],
				    best_index[i], best_exh[i], queries[i]);
		}
		printf("\nRecall (the index's best score equals the exhaustive "
		    "best): %zu/%zu (%.1f%%) of queries whose best is >= 70, "
		    "%zu/%zu (%.1f%%) of those >= 50\n", ok70, n70,
		    n70 ? 100.0 * (double)ok70 / (double)n70 : 100.0, ok50, n50,
		    n50 ? 100.0 * (double)ok50 / (double)n50 : 100.0);
	}

	if (argc > 5 && (f = fopen(argv[5], "r"))) {
		clat = calloc(4096, sizeof(*clat));
		while (fgets(line, sizeof(line), f) && nc < 4096) {
			tm_hits *h = NULL;
			char *nl = strchr(line, '\n');
			double t0;

			if (nl)
				*nl = '\0';
			if (!*line)
				continue;
			if (tm_concordance(&h, db, line, &co) == 0)
				tm_hits_free(h);
			t0 = now();
			if (tm_concordance(&h, db, line, &co) < 0) {
				tm_error_clear();
				continue;
			}
			clat[nc++] = now() - t0;
			tm_hits_free(h);
		}
		fclose(f);
		printf("\nConcordance (limit %zu):\n\n", co.limit);
		printf("| terms | n | p50 ms | p95 ms | p99 ms | max ms |\n");
		printf("| --- | ---: | ---: | ---: | ---: | ---: |\n");
		report("concordance", clat, nc);
	}
	tm_db_close(db);
	return 0;
}
