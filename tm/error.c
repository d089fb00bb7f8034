/*
 * error.c: the per-thread last error (libgit2's giterr), and the
 * translation of SQLite failures at the boundary.
 *
 * The message is in the user's language (i18n.h); the English one is
 * kept beside it, when they differ, for the JSON that names an error
 * (tm serve's answers, import results): machine output stays the same
 * in every locale.
 */
#include "tm-int.h"
#include "i18n.h"

#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local tm_error last;
static _Thread_local char *last_msg;
static _Thread_local char *last_neutral;	/* NULL: the same as last_msg */
static _Thread_local bool have_error;
/*
 * The last tm__strerror text in the user's language and in English, so
 * that the English of a message names the system's error in English too
 * (libc translates strerror by LC_MESSAGES).
 */
static _Thread_local char strerror_text[128];
static _Thread_local char strerror_en[128];

/* Takes msg and neutral (the English, NULL when the same). */
static void
set_message(int code, char *msg, char *neutral)
{
	free(last_msg);
	free(last_neutral);
	last_msg = msg;
	last_neutral = msg ? neutral : NULL;
	if (!msg)
		free(neutral);
	last.code = code;
	last.message = msg ? msg : _("out of memory");
	have_error = true;
}

/* The English of the last message. */
static const char *
neutral_message(void)
{
	if (last_neutral)
		return last_neutral;
	return last_msg ? last_msg : "out of memory";
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

/* s with the first `from` made `to`, or NULL (none, or no memory). */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t n;
	char *r;

	if (!at || !*from)
		return NULL;
	n = strlen(s) - strlen(from) + strlen(to) + 1;
	if ((r = malloc(n)) != NULL)
		snprintf(r, n, "%.*s%s%s", (int)(at - s), s, to,
		    at + strlen(from));
	return r;
}

int
tm__error(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg, *neutral = NULL, *en;

	va_start(ap, fmt);
	msg = format(_(fmt), ap);
	va_end(ap);
	if (_(fmt) != fmt) {
		va_start(ap, fmt);
		neutral = format(fmt, ap);
		va_end(ap);
	}
	/* A system error the message names, in English in the English. */
	if (msg && strerror_en[0] && strcmp(strerror_text, strerror_en) &&
	    (en = replace(neutral ? neutral : msg, strerror_text,
	    strerror_en)) != NULL) {
		free(neutral);
		neutral = en;
	}
	strerror_en[0] = '\0';
	set_message(code, msg, neutral);
	return code;
}

/* "prefix: message", or NULL without memory. */
static char *
join(const char *prefix, const char *message)
{
	size_t n = strlen(prefix) + 2 + strlen(message) + 1;
	char *msg = malloc(n);

	if (msg)
		snprintf(msg, n, "%s: %s", prefix, message);
	return msg;
}

int
tm__error_prefix(const char *fmt, ...)
{
	va_list ap;
	char *prefix, *en_prefix = NULL, *msg, *neutral = NULL;
	const char *cur = have_error ? last.message : _("unknown error");
	const char *en_cur = have_error ? neutral_message() : "unknown error";
	int code = have_error ? last.code : TM_ERROR;

	va_start(ap, fmt);
	prefix = format(_(fmt), ap);
	va_end(ap);
	if (_(fmt) != fmt) {
		va_start(ap, fmt);
		en_prefix = format(fmt, ap);
		va_end(ap);
	}
	msg = prefix ? join(prefix, cur) : NULL;
	if (msg && (en_prefix || cur != en_cur)) {
		neutral = join(en_prefix ? en_prefix : prefix, en_cur);
		if (!neutral) {
			free(msg);
			msg = NULL;
		}
	}
	/* Without memory for the longer message, the shorter one stays. */
	if (msg)
		set_message(code, msg, neutral);
	free(prefix);
	free(en_prefix);
	return code;
}

int
tm__error_nomem(void)
{
	set_message(TM_ENOMEM, NULL, NULL);
	return TM_ENOMEM;
}

int
tm__error_sqlite(sqlite3 *db, const char *what)
{
	int rc = db ? sqlite3_errcode(db) : SQLITE_ERROR;
	const char *why = db ? sqlite3_errmsg(db) : "no database";

	if (rc == SQLITE_NOMEM)
		return tm__error_nomem();
	return tm__error_why(what, why);
}

int
tm__error_why(const char *what, const char *why)
{
	char *msg, *neutral = NULL;

	msg = join(_(what), why);
	if (msg && _(what) != what && !(neutral = join(what, why))) {
		free(msg);
		msg = NULL;
	}
	if (!msg)
		return tm__error_nomem();
	set_message(TM_EDB, msg, neutral);
	return TM_EDB;
}

const char *
tm__error_neutral(const tm_error *e)
{
	if (!e)
		return NULL;
	if (have_error && e == &last)
		return neutral_message();
	return e->message;
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
	free(last_neutral);
	last_msg = NULL;
	last_neutral = NULL;
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

static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void
make_c_locale(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* "No such file" as "no such file" (an acronym such as "I/O" stays). */
static void
lower_first(char *buf)
{
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] + 32);
}

const char *
tm__strerror(int e)
{
	snprintf(strerror_text, sizeof(strerror_text), "%s", strerror(e));
	lower_first(strerror_text);
	pthread_once(&c_once, make_c_locale);
	snprintf(strerror_en, sizeof(strerror_en), "%s", c_locale ?
	    strerror_l(e, c_locale) : strerror_text);
	lower_first(strerror_en);
	return strerror_text;
}
