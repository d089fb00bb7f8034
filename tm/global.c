/*
 * global.c: the process-wide set-up of the libraries libtm stands on,
 * for programs that run libtm on several threads.
 *
 * SQLite, libxml2 and ICU initialise themselves on first use, and libtm
 * calls curl_global_init when a provider opens and curl_global_cleanup
 * when the last one closes; that is right for a single thread.  Some of
 * those steps are not thread-safe (xmlInitParser in older libxml2,
 * curl_global_init and curl_global_cleanup in every libcurl), so a
 * threaded program calls tm_global_init() first, on one thread, and the
 * lazy paths then find everything done.
 */
#include "tm-int.h"

#include <pthread.h>

#include <libxml/parser.h>
#include <unicode/uclean.h>
#include <unicode/utypes.h>

static pthread_once_t libs_once = PTHREAD_ONCE_INIT;
static int sqlite_rc;
static UErrorCode icu_status;

static void
init_libs(void)
{
	sqlite_rc = sqlite3_initialize();
	xmlInitParser();
	icu_status = U_ZERO_ERROR;
	u_init(&icu_status);
}

int
tm_global_init(void)
{
	pthread_once(&libs_once, init_libs);
	if (sqlite_rc != SQLITE_OK)
		return tm__error(TM_EDB, "cannot initialise SQLite: %s",
		    sqlite3_errstr(sqlite_rc));
	if (U_FAILURE(icu_status))
		return tm__error(TM_ERROR, "cannot initialise ICU: %s",
		    u_errorName(icu_status));
	return tm__curl_pin();
}

void
tm_global_cleanup(void)
{
	tm__curl_unpin();
}
