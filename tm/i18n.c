/*
 * i18n.c: the "tm" message catalogue, bound on first use.  The directory
 * is $TM_LOCALEDIR when set (an uninstalled build, its tests), else the
 * installed one; texts come back in UTF-8 whatever the locale's
 * character set.
 */
#include "tm-int.h"
#include "i18n.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#include <pthread.h>

static pthread_once_t bind_once = PTHREAD_ONCE_INIT;

static void
bind_catalogue(void)
{
	const char *dir = getenv("TM_LOCALEDIR");

	bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
}

const char *
tm__gettext(const char *msgid)
{
	pthread_once(&bind_once, bind_catalogue);
	return dgettext(PACKAGE, msgid);
}

const char *
tm__ngettext(const char *one, const char *many, unsigned long n)
{
	pthread_once(&bind_once, bind_catalogue);
	return dngettext(PACKAGE, one, many, n);
}
#endif
