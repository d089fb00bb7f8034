/*
 * bench-util.h: what the C benchmarks share: clocks, percentiles and
 * the query file of make-queries.py ("kind<TAB>query" a line).
 */
#ifndef TM_BENCH_UTIL_H
#define TM_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Milliseconds of the thread's CPU, or of the monotonic clock. */
static inline double
bench_ms(int cpu)
{
	struct timespec t;

	clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-quantile (0 to 1) of the n sorted values v, nearest rank. */
static inline double
bench_pct(const double *v, size_t n, double p)
{
	return n ? v[(size_t)(p * (double)(n - 1) + 0.5)] : 0;
}

/*
 * Read the queries of `path` into *queries (and their kinds into *kinds
 * unless NULL), *n of them.  -1 with a message when the file cannot be
 * read, has no query, or memory runs out.
 */
static inline int
bench_read_queries(const char *path, char ***kinds, char ***queries,
    size_t *n)
{
	char line[16384];
	FILE *f;

	*n = 0;
	if (!(f = fopen(path, "r"))) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n'), **p;

		if (nl)
			*nl = '\0';
		if (!tab || !tab[1])
			continue;
		*tab = '\0';
		if (!(p = realloc(*queries, (*n + 1) * sizeof(*p))))
			break;
		*queries = p;
		if (!((*queries)[*n] = strdup(tab + 1)))
			break;
		if (kinds) {
			if (!(p = realloc(*kinds, (*n + 1) * sizeof(*p))) ||
			    !(p[*n] = strdup(line))) {
				if (p)
					*kinds = p;
				free((*queries)[*n]);
				break;
			}
			*kinds = p;
		}
		++*n;
	}
	fclose(f);
	if (!*n)
		fprintf(stderr, "%s: no query\n", path);
	return *n ? 0 : -1;
}

#endif /* TM_BENCH_UTIL_H */
