/*
 * alloc.c: every allocation of libtm goes through here, so that a debug
 * build can fail the Nth one (TM_FAIL_ALLOC=N) and tests can check that
 * each failure is reported as TM_ENOMEM and leaks nothing.
 */
#include "tm-int.h"

#include <stdlib.h>
#include <string.h>

#ifdef TM_DEBUG
static bool
fail_now(void)
{
	/* Each thread counts its own allocations. */
	static _Thread_local long countdown = -1;
	const char *env;

	if (countdown == -1) {
		env = getenv("TM_FAIL_ALLOC");
		countdown = env && *env ? strtol(env, NULL, 10) : 0;
		if (countdown <= 0)
			countdown = 0;
	}
	if (countdown == 0)
		return false;
	return --countdown == 0;
}
#else
#define fail_now() false
#endif

void *
tm__malloc(size_t n)
{
	return fail_now() ? NULL : malloc(n ? n : 1);
}

void *
tm__calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *
tm__realloc(void *p, size_t n)
{
	return fail_now() ? NULL : realloc(p, n ? n : 1);
}

char *
tm__strndup(const char *s, size_t n)
{
	char *d = tm__malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *
tm__strdup(const char *s)
{
	return tm__strndup(s, strlen(s));
}

int
tm__grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if (c <= n)
		c = n + 1;
	if (c > SIZE_MAX / size || !(p = tm__realloc(*arr, c * size)))
		return tm__error_nomem();
	*arr = p;
	*cap = c;
	return 0;
}
