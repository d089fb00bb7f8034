/*
 * fuzz-xliff: arbitrary bytes as an XLIFF file: read, checked against a
 * memory with a glossary term, and imported as a reviewed file.
 * Nothing may crash, leak or trip a sanitizer, whatever the input.
 */
#include "fuzz-util.h"
#include "tm.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], *json = NULL;
	tm_xliff *x = NULL;
	tm_db *db = NULL;
	size_t n = 0;

	if (fuzz_file(path, ".xlf", data, size) < 0)
		return 0;
	if (tm_xliff_read(&x, path) == 0 &&
	    tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0) {
		if (tm_xliff_check_json(&json, &n, db, x, path) == 0)
			tm_free(json);
		tm_xliff_import(NULL, db, x, path, "fuzz");
	}
	tm_error_clear();
	tm_xliff_free(x);
	tm_db_close(db);
	unlink(path);
	return 0;
}
