// tm.h must compile as C++ too.
#include "tm.h"

int
main()
{
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_export_options eo = TM_EXPORT_OPTIONS_INIT;

	(void)io;
	(void)eo;
	return tm_version() == nullptr;
}
