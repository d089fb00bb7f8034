/*
 * time.c: dates as TMX writes them (20200128T093000Z) and as people type
 * them (2020-01-28, 2020-01-28T09:30:00Z).
 */
#include "tm-int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void
tm__now_tmx(char out[17])
{
	time_t t = time(NULL);
	struct tm tmv;

	gmtime_r(&t, &tmv);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tmv);
}

void
tm__now_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tmv;

	gmtime_r(&t, &tmv);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

/* Take `n` digits from *s into out, skipping one optional separator first. */
static bool
take(const char **s, char *out, int n, char sep)
{
	int i;

	if (sep && **s == sep)
		(*s)++;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
		out[i] = (*s)[i];
	}
	*s += n;
	return true;
}

int
tm__date_norm(char out[17], const char *s)
{
	const char *p = s;

	memcpy(out, "00000000T000000Z", 17);
	while (isspace((unsigned char)*p))
		p++;
	if (!take(&p, out, 4, 0) || !take(&p, out + 4, 2, '-') ||
	    !take(&p, out + 6, 2, '-'))
		goto bad;
	if (*p == 'T' || *p == 't' ||
	    (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (!take(&p, out + 9, 2, 0) || !take(&p, out + 11, 2, ':'))
			goto bad;
		if ((*p == ':' || isdigit((unsigned char)*p)) &&
		    !take(&p, out + 13, 2, ':'))
			goto bad;
		if (*p == '.')	/* fractions of a second do not matter */
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if (*p == 'Z' || *p == 'z')
			p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		goto bad;
	if (memcmp(out + 4, "00", 2) == 0 || memcmp(out + 4, "12", 2) > 0 ||
	    memcmp(out + 6, "00", 2) == 0 || memcmp(out + 6, "31", 2) > 0)
		goto bad;
	return 0;
bad:
	return tm__error(TM_EINVAL, "'%s' is not a date (want 2020-01-28 or "
	    "20200128T093000Z)", s);
}

double
tm__elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}
