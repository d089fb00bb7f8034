/*
 * fuzz-html and fuzz-markdown (one source, FUZZ_SUFFIX picks): arbitrary
 * bytes as a bulletin in HTML or Markdown, pre-translated against a
 * small memory (exact, fuzzy and number matches, a unit whose target
 * carries inline codes), and every output written: XLIFF, draft, review
 * page, analysis.  Nothing may crash, leak or trip a sanitizer.
 */
#include "fuzz-util.h"
#include "tm.h"

static const char memory_tmx[] =
    "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header creationtool=\"f\" "
    "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"f\" "
    "adminlang=\"en\" srclang=\"zh-CN\" datatype=\"plaintext\"/><body>"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>1月28日，市外办主任会见了日本驻沪总领事一行。"
    "</seg></tuv><tuv xml:lang=\"en-US\"><seg>On January 28, the Director "
    "met the Consul General of Japan.</seg></tuv></tu>"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>详见市外办网站。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>See the <bpt i=\"1\" x=\"1\" "
    "type=\"link\"/>website<ept i=\"1\"/> of the office.</seg></tuv></tu>"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>共捐赠5万只口罩。</seg></tuv>"
    "<tuv xml:lang=\"en-US\"><seg>50,000 masks were donated.</seg></tuv>"
    "</tu></body></tmx>";

static tm_db *
memory(void)
{
	static tm_db *db;
	char path[64];

	if (db)
		return db;
	if (fuzz_file(path, ".tmx", (const uint8_t *)memory_tmx,
	    sizeof(memory_tmx) - 1) < 0)
		return NULL;
	if (tm_db_open(&db, ":memory:", TM_DB_CREATE) != 0 ||
	    tm_import_tmx(NULL, db, path, NULL) != 0) {
		tm_db_close(db);
		db = NULL;
	}
	unlink(path);
	return db;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	tm_pretranslation *p = NULL;
	char path[64], *a = NULL;
	tm_db *db = memory();

	if (!db || fuzz_file(path, FUZZ_SUFFIX, data, size) < 0)
		return 0;
	po.from = "zh-CN";
	po.to = "en-US";
	po.min = 50;
	if (tm_pretranslate_file(&p, db, path, &po) == 0) {
		tm_pretranslation_write_xliff(p, "/dev/null");
		tm_pretranslation_write_draft(p, "/dev/null");
		tm_pretranslation_write_review(p, "/dev/null");
		if (tm_pretranslation_analysis(&a, p, TM_ANALYSIS_JSON) == 0)
			tm_free(a);
	}
	tm_pretranslation_free(p);
	tm_error_clear();
	unlink(path);
	return 0;
}
