/* Unit tests for norm.c: the normalised matching key, table-driven. */
#include "tm-int.h"
#include "../tap.h"

static const struct {
	const char *in, *key, *why;
} cases[] = {
	{ "Hello World", "hello world", "ASCII folds case" },
	{ "  a \t b\n\nc  ", "a b c", "white space collapses and trims" },
	{ "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xef\xbc\x91\xef\xbc\x92",
	    "abc12", "full-width letters and digits fold to ASCII" },
	{ "口罩\xe3\x80\x80捐赠", "口罩 捐赠", "the ideographic space is a space" },
	{ "5万只口罩", "5万只口罩", "Chinese stays as written" },
	{ "北京，上海", "北京,上海", "the full-width comma folds (NFKC)" },
	{ "新闻。", "新闻。", "the ideographic full stop is kept" },
	{ "Stra\xc3\x9f" "e", "strasse", "case folding, not lowercasing" },
	{ "\xc3\x89T\xc3\x89", "\xc3\xa9t\xc3\xa9", "accented capitals fold" },
	{ "e\xcc\x81", "\xc3\xa9", "NFKC composes" },
	{ "\xe2\x91\xa0", "1", "a circled digit is a digit" },
	{ "\xf0\x9d\x90\x80", "a", "mathematical bold A is a" },
	{ "\xc2\xa0x\xc2\xa0", "x", "no-break spaces count as white space" },
	{ "", "", "empty stays empty" },
};

int
main(void)
{
	struct tm__buf b = { 0 };
	char *k = NULL, *long_in, *p;
	size_t i, n;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++) {
		ok(tm_text_key(&k, cases[i].in, strlen(cases[i].in)) == 0 &&
		    strcmp(k, cases[i].key) == 0, "%s", cases[i].why);
		if (k && strcmp(k, cases[i].key) != 0)
			printf("#   got '%s'\n", k);
		tm_free(k);
		k = NULL;
	}
	ok(tm_text_key(&k, "bad \xff byte", 10) == TM_EUTF8 && !k,
	    "invalid UTF-8 is refused with TM_EUTF8");
	tm_error_clear();
	ok(tm_text_key(&k, "surrogate \xed\xa0\x80", 13) == TM_EUTF8,
	    "an encoded surrogate is refused");
	tm_error_clear();

	/* Past the stack buffers: 3000 characters, and an expanding one. */
	n = 3000;
	long_in = malloc(n * 3 + 1);
	for (i = 0, p = long_in; i < n; i++) {
		memcpy(p, "\xef\xbc\xa1", 3);	/* full-width A */
		p += 3;
	}
	*p = '\0';
	ok(tm__text_key(&b, long_in, n * 3) == 0 && b.len == n &&
	    b.ptr[0] == 'a' && b.ptr[n - 1] == 'a', "long text is keyed whole");
	tm__buf_reset(&b);
	for (i = 0, p = long_in; i < 400; i++) {
		memcpy(p, "\xef\xb7\xba", 3);	/* U+FDFA: 18 characters */
		p += 3;
	}
	ok(tm__text_key(&b, long_in, 400 * 3) == 0 && b.len > 400 * 18,
	    "a text that grows under NFKC is keyed whole");
	free(long_in);
	tm__buf_release(&b);
	return done_testing();
}
