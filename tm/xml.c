/*
 * xml.c: keeping libxml2 quiet.  It reports some errors (a failed write,
 * an I/O error) by printing them through its generic and structured
 * error functions, which are per thread; the library reports errors
 * through tm_error_last() instead, so while it works the functions are
 * swapped for ones that drop the text.
 */
#include "tm-int.h"

#include <libxml/xmlerror.h>
#include <libxml/globals.h>

static void
drop_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
drop_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

void
tm__xml_quiet(struct tm__xml_errors *saved)
{
	saved->generic_ctx = xmlGenericErrorContext;
	saved->generic = (void (*)(void *, const char *, ...))xmlGenericError;
	saved->structured_ctx = xmlStructuredErrorContext;
	saved->structured = (void (*)(void *, void *))xmlStructuredError;
	saved->set = true;
	xmlSetGenericErrorFunc(NULL, drop_generic);
	xmlSetStructuredErrorFunc(NULL, drop_structured);
}

void
tm__xml_loud(struct tm__xml_errors *saved)
{
	if (!saved->set)
		return;
	xmlSetGenericErrorFunc(saved->generic_ctx,
	    (xmlGenericErrorFunc)saved->generic);
	xmlSetStructuredErrorFunc(saved->structured_ctx,
	    (xmlStructuredErrorFunc)saved->structured);
	saved->set = false;
}
