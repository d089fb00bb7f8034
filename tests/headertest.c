/* tm.h must compile on its own, as strict C99. */
#include "tm.h"

int
main(void)
{
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_export_options eo = TM_EXPORT_OPTIONS_INIT;

	(void)io;
	(void)eo;
	return tm_version() == NULL;
}
