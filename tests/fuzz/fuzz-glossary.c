/*
 * fuzz-glossary: arbitrary bytes as a glossary (the first byte picks
 * TBX, CSV, TSV or detection by content), imported, searched in a
 * Chinese and an English text, and exported.  Nothing may crash, leak
 * or trip a sanitizer, whatever the input.
 */
#include "fuzz-util.h"
#include "tm.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "tbx", "csv", "tsv", NULL };
	static const char *const texts[] = {
		"1月28日，市外办主任会见了日本驻沪总领事。",
		"The Director met the Consul General of Japan."
	};
	const char *format;
	char path[64], *out = NULL;
	tm_term_hits *h = NULL;
	tm_db *db = NULL;
	size_t len = 0, i;

	if (!size)
		return 0;
	format = formats[data[0] % 4];
	if (fuzz_file(path, ".txt", data + 1, size - 1) < 0)
		return 0;
	if (tm_db_open(&db, ":memory:", TM_DB_CREATE) == 0 &&
	    tm_glossary_import(NULL, db, path, format) == 0) {
		for (i = 0; i < 2; i++) {
			if (tm_glossary_find(&h, db, texts[i], NULL, NULL) == 0 &&
			    tm_term_hits_json(&out, texts[i], h) == 0)
				tm_free(out);
			tm_term_hits_free(h);
			h = NULL;
		}
		if (tm_glossary_export(&out, &len, db, "tbx") == 0)
			tm_free(out);
	}
	tm_error_clear();
	tm_db_close(db);
	unlink(path);
	return 0;
}
