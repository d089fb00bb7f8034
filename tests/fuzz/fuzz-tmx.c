/*
 * fuzz-tmx: import arbitrary bytes as a TMX file into a fresh in-memory
 * memory, and export what was imported.  Nothing may crash, leak or
 * trip a sanitizer, whatever the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-tmx-XXXXXX";
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	tm_db *db = NULL;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	io.flags = TM_IMPORT_SKIP_INVALID;
	if (tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, path, &io) == 0)
		tm_export_tmx(NULL, db, "/dev/null", NULL);
	tm_error_clear();
	tm_db_close(db);
	unlink(path);
	return 0;
}
