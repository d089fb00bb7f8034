/*
 * lang.c: BCP 47 language tags as translators meet them in TMX files:
 * compared case-insensitively with '_' taken for '-', a primary language
 * covering its regional variants, and Chinese scripts and regions folded
 * (zh-Hans = zh-CN = zh-SG, zh-Hant = zh-TW = zh-HK = zh-MO).
 */
#include "tm-int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int
tm_lang_key(char *out, size_t size, const char *tag)
{
	size_t i = 0;
	const char *p = tag, *end;

	if (!tag)
		return tm__error(TM_EINVAL, "no language tag");
	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end == p)
		return tm__error(TM_EINVAL, "empty language tag");
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '_')
			c = '-';
		else if (!isalnum(c) && c != '-' && c != '*')
			return tm__error(TM_EINVAL,
			    "'%s' is not a language tag", tag);
		if (i + 1 >= size)
			return tm__error(TM_EINVAL,
			    "language tag '%s' is too long", tag);
		out[i++] = (char)tolower(c);
	}
	out[i] = '\0';
	if (out[0] == '-' || out[i - 1] == '-' || strstr(out, "--"))
		return tm__error(TM_EINVAL, "'%s' is not a language tag", tag);
	return 0;
}

/*
 * Fold a Chinese key into "zh-hans..." or "zh-hant..." so that scripts
 * and the regions that imply them compare equal.  Other keys are kept.
 */
static void
fold_chinese(char *key, size_t size)
{
	static const struct {
		const char *from, *to;
	} map[] = {
		{ "zh-cn", "zh-hans" }, { "zh-sg", "zh-hans" },
		{ "zh-hans-cn", "zh-hans" }, { "zh-hans-sg", "zh-hans" },
		{ "zh-tw", "zh-hant" }, { "zh-hk", "zh-hant" },
		{ "zh-mo", "zh-hant" }, { "zh-hant-tw", "zh-hant" },
		{ "zh-hant-hk", "zh-hant" }, { "zh-hant-mo", "zh-hant" },
		{ "zh-chs", "zh-hans" }, { "zh-cht", "zh-hant" },
	};
	size_t i;

	if (strncmp(key, "zh-", 3) != 0)
		return;
	for (i = 0; i < TM__ARRAY_SIZE(map); i++)
		if (strcmp(key, map[i].from) == 0) {
			snprintf(key, size, "%s", map[i].to);
			return;
		}
}

int
tm_lang_match(const char *query, const char *tag)
{
	char q[64], t[64];
	size_t n;

	if (tm_lang_key(q, sizeof(q), query) < 0 ||
	    tm_lang_key(t, sizeof(t), tag) < 0) {
		tm_error_clear();
		return 0;
	}
	if (strcmp(q, "*all*") == 0 || strcmp(q, "*") == 0)
		return 1;
	fold_chinese(q, sizeof(q));
	fold_chinese(t, sizeof(t));
	n = strlen(q);
	return strncmp(q, t, n) == 0 && (t[n] == '\0' || t[n] == '-');
}

bool
tm__lang_cjk(const char *tag)
{
	return tag && (tm_lang_match("zh", tag) || tm_lang_match("ja", tag) ||
	    tm_lang_match("ko", tag));
}
