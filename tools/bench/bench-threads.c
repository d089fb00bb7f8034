/*
 * bench-threads: lookups per second of tm_lookup in N threads, the
 * baseline that tools/bench/bench-serve.sh holds the server against.
 *
 *   bench-threads DB QUERIES FROM TO [THREADS [SECONDS]]
 *
 * QUERIES has one "kind<TAB>query" a line (make-queries.py).  Each
 * thread opens its own read-only handle (as each of the server's worker
 * threads does), looks every query up once to warm its pages, waits for
 * the others, then cycles through the queries for SECONDS (default 10),
 * each thread from its own starting point, with the options of the
 * server's GET /api/v1/lookup in bench-serve.sh (min 50, limit 1).
 * Prints a Markdown table: lookups, lookups/s, p50/p99 latency.
 *
 * Only tm.h: what a server or another program can do through the
 * public API, nothing more.
 */
#include "tm.h"
#include "bench-util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct worker {
	pthread_t tid;
	size_t id;
	double *lat;		/* each timed lookup's latency, ms */
	size_t n, cap;
	int failed;
};

static const char *db_path, *from, *to;
static char **queries;
static size_t nq, nthreads = 2;
static double seconds = 10;
static pthread_barrier_t start;

static double
now(void)
{
	return bench_ms(0);
}

static int
lookup(tm_db *db, const char *q)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;

	lo.from = from;
	lo.to = to;
	lo.min = 50;
	lo.limit = 1;
	if (tm_lookup(&m, db, q, &lo) < 0)
		return -1;
	tm_matches_free(m);
	return 0;
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	tm_db *db = NULL;
	size_t i, k;
	double end, t0, t1;

	/*
	 * Open and warm up before the barrier, so that the timed loop of
	 * every thread starts together on warm pages.  A failure still
	 * waits at the barrier, or the others would wait for ever.
	 */
	if (tm_db_open(&db, db_path, TM_DB_READONLY) < 0) {
		fprintf(stderr, "bench-threads: %s: %s\n", db_path,
		    tm_error_last()->message);
		w->failed = 1;
	}
	for (i = 0; !w->failed && i < nq; i++)
		if (lookup(db, queries[i]) < 0) {
			fprintf(stderr, "bench-threads: lookup failed: %s\n",
			    tm_error_last()->message);
			w->failed = 1;
		}
	pthread_barrier_wait(&start);
	if (w->failed) {
		tm_db_close(db);
		return NULL;
	}
	/* Threads start apart in the list so they do not run in step. */
	k = w->id * nq / nthreads;
	end = now() + seconds * 1e3;
	for (t0 = now(); t0 < end; t0 = t1) {
		if (lookup(db, queries[k]) < 0) {
			w->failed = 1;
			break;
		}
		t1 = now();
		if (w->n == w->cap) {
			double *p;

			w->cap = w->cap ? w->cap * 2 : 4096;
			if (!(p = realloc(w->lat, w->cap * sizeof(*p)))) {
				w->failed = 1;
				break;
			}
			w->lat = p;
		}
		w->lat[w->n++] = t1 - t0;
		k = (k + 1) % nq;
	}
	tm_db_close(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct worker *ws;
	double *all, elapsed, t0;
	size_t i, n = 0;
	bool failed = false;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-threads DB QUERIES FROM TO "
		    "[THREADS [SECONDS]]\n");
		return 2;
	}
	db_path = argv[1];
	from = argv[3];
	to = argv[4];
	if (argc > 5)
		nthreads = strtoul(argv[5], NULL, 10);
	if (argc > 6)
		seconds = strtod(argv[6], NULL);
	if (nthreads < 1 || nthreads > 256 || !(seconds > 0)) {
		fprintf(stderr, "bench-threads: 1 to 256 threads, > 0 s\n");
		return 2;
	}
	if (bench_read_queries(argv[2], NULL, &queries, &nq) < 0) {
		fprintf(stderr, "bench-threads: no queries in %s\n", argv[2]);
		return 1;
	}
	if (!(ws = calloc(nthreads, sizeof(*ws))))
		return 1;
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	for (i = 0; i < nthreads; i++) {
		ws[i].id = i;
		if (pthread_create(&ws[i].tid, NULL, run, &ws[i]) != 0) {
			fprintf(stderr, "bench-threads: pthread_create\n");
			return 1;
		}
	}
	pthread_barrier_wait(&start);
	t0 = now();
	for (i = 0; i < nthreads; i++) {
		pthread_join(ws[i].tid, NULL);
		failed |= ws[i].failed;
		n += ws[i].n;
	}
	elapsed = now() - t0;
	if (failed)
		return 1;

	/* Every thread's latencies in one list, for the percentiles. */
	if (!(all = malloc((n + 1) * sizeof(*all))))
		return 1;
	for (n = 0, i = 0; i < nthreads; i++) {
		memcpy(all + n, ws[i].lat, ws[i].n * sizeof(*all));
		n += ws[i].n;
		free(ws[i].lat);
	}
	qsort(all, n, sizeof(*all), bench_cmp_double);
	printf("| threads | seconds | queries | lookups | lookups/s "
	    "| p50 ms | p99 ms |\n");
	printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	printf("| %zu | %.1f | %zu | %zu | %.1f | %.2f | %.2f |\n", nthreads,
	    elapsed / 1e3, nq, n, (double)n / (elapsed / 1e3),
	    bench_pct(all, n, 0.5), bench_pct(all, n, 0.99));
	free(all);
	free(ws);
	for (i = 0; i < nq; i++)
		free(queries[i]);
	free(queries);
	pthread_barrier_destroy(&start);
	return 0;
}
