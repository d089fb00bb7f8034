/*
 * fuzz-quantity: arbitrary bytes as a text whose numbers, dates, money
 * and units are read (as Chinese and as English), and as the two sides
 * of a segment checked against each other.  Nothing may crash, leak or
 * trip a sanitizer.
 */
#include "fuzz-util.h"
#include "tm-int.h"
#include "quantity.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tm__qty_list l = { 0 };
	tm_findings *f = NULL;
	char *s;
	const char *nul;
	int cjk;

	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (cjk = 0; cjk < 2; cjk++) {
		if (tm__utf8_valid(s, size))
			tm__qty_scan(&l, s, size, cjk);
		tm__qty_list_release(&l);
		memset(&l, 0, sizeof(l));
	}
	/* Source and target: split at the first NUL if there is one. */
	nul = memchr(s, '\0', size);
	if (nul && tm__utf8_valid(s, size) && tm_check_segment(&f, NULL,
	    s, nul + 1, "zh-CN", "en-US") == 0)
		tm_findings_free(f);
	tm_error_clear();
	free(s);
	return 0;
}
