/*
 * error.c: the per-thread last error (libgit2's giterr), and the
 * translation of SQLite failures at the boundary.
 */
#include "tm-int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local tm_error last;
static _Thread_local char *last_msg;
static _Thread_local bool have_error;

static void
set_message(int code, char *msg)
{
	free(last_msg);
	last_msg = msg;
	last.code = code;
	last.message = msg ? msg : "out of memory";
	have_error = true;
}

/* vasprintf without the GNU dependency, using plain malloc on purpose:
 * reporting an allocation failure must not itself be made to fail. */
static char *format(const char *fmt, va_list ap) TM__PRINTF(1, 0);

static char *
format(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *s;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

int
tm__error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(code, format(fmt, ap));
	va_end(ap);
	return code;
}

int
tm__error_prefix(const char *fmt, ...)
{
	va_list ap;
	char *prefix, *msg;
	size_t n;
	int code = have_error ? last.code : TM_ERROR;

	va_start(ap, fmt);
	prefix = format(fmt, ap);
	va_end(ap);
	if (!prefix)
		return code;
	n = strlen(prefix) + 2 + strlen(have_error ? last.message : "") + 1;
	if ((msg = malloc(n)) != NULL)
		snprintf(msg, n, "%s: %s", prefix,
		    have_error ? last.message : "unknown error");
	free(prefix);
	if (msg)
		set_message(code, msg);
	return code;
}

int
tm__error_nomem(void)
{
	set_message(TM_ENOMEM, NULL);
	return TM_ENOMEM;
}

int
tm__error_sqlite(sqlite3 *db, const char *what)
{
	int rc = db ? sqlite3_errcode(db) : SQLITE_ERROR;

	if (rc == SQLITE_NOMEM)
		return tm__error_nomem();
	return tm__error(TM_EDB, "%s: %s", what,
	    db ? sqlite3_errmsg(db) : "no database");
}

const tm_error *
tm_error_last(void)
{
	return have_error ? &last : NULL;
}

void
tm_error_clear(void)
{
	free(last_msg);
	last_msg = NULL;
	have_error = false;
}

void
tm_free(void *ptr)
{
	free(ptr);
}

const char *
tm_version(void)
{
	return PACKAGE_VERSION;
}

const char *
tm__strerror(int e)
{
	static _Thread_local char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] + 32);
	return buf;
}
