/* Unit tests for lang.c: BCP 47 keys and matching, table-driven. */
#include "tm-int.h"
#include "../tap.h"

static const struct {
	const char *tag, *key;	/* key NULL: the tag is refused */
} keys[] = {
	{ "zh-CN", "zh-cn" }, { "zh_CN", "zh-cn" }, { "ZH-CN", "zh-cn" },
	{ " en-US ", "en-us" }, { "EN_us", "en-us" }, { "zh-Hans-CN", "zh-hans-cn" },
	{ "x-klingon", "x-klingon" }, { "*all*", "*all*" },
	{ "", NULL }, { "   ", NULL }, { "en us", NULL }, { "-en", NULL },
	{ "en-", NULL }, { "en--us", NULL }, { "en/us", NULL },
	{ "zh-\xe4\xb8\xad", NULL },
};

static const struct {
	const char *query, *tag;
	int match;
} matches[] = {
	{ "zh", "zh-CN", 1 }, { "zh", "zh-TW", 1 }, { "zh", "zh-Hans", 1 },
	{ "zh", "zh", 1 }, { "zh-CN", "zh-cn", 1 }, { "zh_cn", "ZH-CN", 1 },
	{ "zh-CN", "zh-Hans", 1 }, { "zh-Hans", "zh-CN", 1 },
	{ "zh-Hans", "zh-SG", 1 }, { "zh-Hans", "zh-Hans-CN", 1 },
	{ "zh-TW", "zh-Hant", 1 }, { "zh-Hant", "zh-HK", 1 },
	{ "zh-CN", "zh-TW", 0 }, { "zh-Hans", "zh-Hant", 0 },
	{ "zh-CN", "zh", 0 }, { "en", "en-US", 1 }, { "en", "en-GB", 1 },
	{ "en-US", "en", 0 }, { "en-US", "en-GB", 0 }, { "en", "eng", 0 },
	{ "e", "en", 0 }, { "fr", "en-FR", 0 }, { "*all*", "de", 1 },
	{ "", "en", 0 }, { "en", "", 0 },
};

int
main(void)
{
	char out[64];
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(keys); i++) {
		int rc = tm_lang_key(out, sizeof(out), keys[i].tag);

		if (keys[i].key)
			ok(rc == 0 && strcmp(out, keys[i].key) == 0,
			    "key of '%s' is '%s'", keys[i].tag, keys[i].key);
		else
			ok(rc == TM_EINVAL && tm_error_last(),
			    "'%s' is refused", keys[i].tag);
		tm_error_clear();
	}
	ok(tm_lang_key(out, 4, "en-US") == TM_EINVAL, "a key that does not "
	    "fit is refused");
	for (i = 0; i < TM__ARRAY_SIZE(matches); i++)
		ok(tm_lang_match(matches[i].query, matches[i].tag) ==
		    matches[i].match, "'%s' %s '%s'", matches[i].query,
		    matches[i].match ? "covers" : "does not cover",
		    matches[i].tag);
	ok(tm_error_last() == NULL, "matching leaves no error behind");
	return done_testing();
}
