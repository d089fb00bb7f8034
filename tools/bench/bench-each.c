/*
 * bench-each: each query's CPU time in tm_lookup, to see which queries
 * make the tail, and every query's matches, to check that a change to
 * the matcher leaves them as they were.
 *
 *   bench-each DB QUERIES FROM TO [REPEAT [JSON]]
 *
 * QUERIES has one "kind<TAB>query" a line (make-queries.py).  The
 * memory is opened read-only.  Each query is looked up once to warm its
 * pages, then REPEAT times (default 3) with the options of the server's
 * GET /api/v1/lookup (min 50, limit 1); its time is the median of those
 * runs in this thread's CPU time, steady when other work shares the
 * machine.  Prints one line a query (index, kind, CPU ms, best score,
 * query), slowest last after sorting by the caller if wanted, then
 * p50/p90/p99/max.  With JSON, writes there each query's matches as
 * tm_matches_json() gives them, with the server's options and with the
 * defaults (min 50, limit 5): `cmp` two such files, before and after.
 *
 * Only tm.h: what a server or another program can do.
 */
#include "tm.h"
#include "bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Look `q` up with `o`; its JSON into f when f is not NULL. */
static int
lookup(tm_db *db, const char *q, const tm_lookup_options *o, FILE *f,
    int *best)
{
	tm_matches *m = NULL;
	char *json = NULL;

	if (tm_lookup(&m, db, q, o) < 0) {
		fprintf(stderr, "lookup failed: %s: %s\n",
		    tm_error_last()->message, q);
		return -1;
	}
	if (best)
		*best = tm_matches_count(m) ?
		    tm_matches_get(m, 0)->score : -1;
	if (f && tm_matches_json(&json, q, m) == 0) {
		fprintf(f, "%s\n", json);
		free(json);
	}
	tm_matches_free(m);
	return 0;
}

int
main(int argc, char **argv)
{
	tm_lookup_options server = TM_LOOKUP_OPTIONS_INIT;
	tm_lookup_options dflt = TM_LOOKUP_OPTIONS_INIT;
	char **kinds = NULL, **queries = NULL;
	size_t nq = 0, i, r, repeat = 3;
	double *t = NULL, *run, *sorted, sum = 0;
	tm_db *db = NULL;
	FILE *json = NULL;
	int best;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-each DB QUERIES FROM TO "
		    "[REPEAT [JSON]]\n");
		return 2;
	}
	if (argc > 5 && (repeat = strtoul(argv[5], NULL, 10)) < 1)
		repeat = 1;
	if (tm_db_open(&db, argv[1], TM_DB_READONLY) < 0) {
		fprintf(stderr, "%s\n", tm_error_last()->message);
		return 1;
	}
	server.from = dflt.from = argv[3];
	server.to = dflt.to = argv[4];
	server.limit = 1;
	server.min = 50;
	if (bench_read_queries(argv[2], &kinds, &queries, &nq) < 0)
		return 1;
	if (argc > 6 && !(json = fopen(argv[6], "w"))) {
		perror(argv[6]);
		return 1;
	}
	t = calloc(nq + 1, sizeof(*t));
	run = calloc(repeat, sizeof(*run));
	sorted = calloc(nq + 1, sizeof(*sorted));
	for (i = 0; i < nq; i++) {
		if (lookup(db, queries[i], &server, json, NULL) < 0 ||
		    lookup(db, queries[i], &dflt, json, NULL) < 0)
			return 1;
		for (r = 0; r < repeat; r++) {
			double t0 = bench_ms(1);

			if (lookup(db, queries[i], &server, NULL, &best) < 0)
				return 1;
			run[r] = bench_ms(1) - t0;
		}
		qsort(run, repeat, sizeof(*run), bench_cmp_double);
		t[i] = run[repeat / 2];
		printf("%zu\t%s\t%.3f\t%d\t%s\n", i, kinds[i], t[i], best,
		    queries[i]);
	}
	for (i = 0; i < nq; i++)
		sum += t[i];
	memcpy(sorted, t, nq * sizeof(*t));
	qsort(sorted, nq, sizeof(*sorted), bench_cmp_double);
	printf("# %zu queries, CPU ms (median of %zu): p50 %.2f p90 %.2f "
	    "p99 %.2f max %.2f mean %.2f\n", nq, repeat,
	    bench_pct(sorted, nq, 0.5), bench_pct(sorted, nq, 0.9), bench_pct(sorted, nq, 0.99),
	    nq ? sorted[nq - 1] : 0, nq ? sum / (double)nq : 0);
	if (json)
		fclose(json);
	tm_db_close(db);
	return 0;
}
