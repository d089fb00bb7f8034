/* Unit tests for norm.c: the normalised matching key, table-driven. */
#include "tm-int.h"
#include "../tap.h"

#include <pthread.h>

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
	{ "新闻。", "新闻.", "the ideographic full stop is a full stop" },
	{ "北京，上海。", "北京,上海.", "Chinese commas and stops fold" },
	{ "“口罩”", "\"口罩\"", "curly quotes are straight" },
	{ "《通知》", "\"通知\"", "book-title marks are quotes" },
	{ "「引号」『双』", "\"引号\"\"双\"", "corner brackets are quotes" },
	{ "【通知】〔注〕〖书〗", "(通知)(注)(书)",
	    "lenticular and tortoise-shell brackets are parentheses" },
	{ "他说……", "他说...", "the Chinese ellipsis is three dots" },
	{ "一——二", "一-二", "the Chinese dash is one dash" },
	{ "马丁·路德", "马丁.路德", "the middle dot is a full stop" },
	{ "don\xe2\x80\x99t", "don't", "a curly apostrophe is straight" },
	{ "1〜5", "1~5", "the wave dash is a tilde" },
	{ "１２３．５％", "123.5%", "full-width digits and signs" },
	{ "Wait.... a---b", "wait... a-b",
	    "ASCII runs of stops and dashes shrink" },
	{ "Stra\xc3\x9f" "e", "strasse", "case folding, not lowercasing" },
	{ "\xc3\x89T\xc3\x89", "\xc3\xa9t\xc3\xa9", "accented capitals fold" },
	{ "e\xcc\x81", "\xc3\xa9", "NFKC composes" },
	{ "\xe2\x91\xa0", "1", "a circled digit is a digit" },
	{ "\xf0\x9d\x90\x80", "a", "mathematical bold A is a" },
	{ "\xc2\xa0x\xc2\xa0", "x", "no-break spaces count as white space" },
	{ "", "", "empty stays empty" },
};

/* Texts whose keys must be equal: Chinese and Western punctuation. */
static const struct {
	const char *a, *b;
} same[] = {
	{ "北京，上海。", "北京,上海." },
	{ "“口罩”", "\"口罩\"" },
	{ "《通知》", "\"通知\"" },
	{ "〈通知〉", "\"通知\"" },
	{ "（注意）", "(注意)" },
	{ "问题：是否？！", "问题:是否?!" },
	{ "他说……", "他说..." },
	{ "他说……", "他说......" },
	{ "他说。。。", "他说..." },
	{ "他说⋯⋯", "他说..." },
	{ "Wait…", "Wait..." },
	{ "Wait……", "Wait......" },
	{ "一——二", "一--二" },
	{ "一—二", "一-二" },
	{ "a–b", "a-b" },
	{ "【通知】", "(通知)" },
	{ "‘a’", "'a'" },
	{ "马丁·路德", "马丁・路德" },
	{ "马丁•路德", "马丁.路德" },
	{ "１２３，４５６", "123,456" },
	{ "ｈｅｌｌｏ　ｗｏｒｌｄ！", "Hello World!" },
};

/* Traditional to Simplified, with the flag. */
static const struct {
	const char *in, *key;
} t2s[] = {
	{ "臺灣", "台湾" },
	{ "醫療", "医疗" },
	{ "發展", "发展" },
	{ "世界衛生組織總幹事", "世界卫生组织总干事" },
	{ "「這是一個重要的時刻」", "\"这是一个重要的时刻\"" },
	{ "Caf\xc3\xa9 臺灣 caf\xc3\xa9", "caf\xc3\xa9 台湾 caf\xc3\xa9" },
	{ "Plain ASCII", "plain ascii" },
	{ "台湾已经是简体", "台湾已经是简体" },
};

static bool
key_is(const char *in, unsigned flags, const char *want)
{
	struct tm__buf b = { 0 };
	bool good;

	good = tm__text_key(&b, in, strlen(in), flags) == 0 &&
	    strcmp(tm__buf_str(&b), want) == 0;
	if (!good)
		printf("#   '%s' gave '%s', want '%s'\n", in, tm__buf_str(&b),
		    want);
	tm__buf_release(&b);
	return good;
}

static bool
keys_equal(const char *a, const char *b)
{
	char *ka = NULL, *kb = NULL;
	bool good;

	good = tm_text_key(&ka, a, strlen(a)) == 0 &&
	    tm_text_key(&kb, b, strlen(b)) == 0 && strcmp(ka, kb) == 0;
	if (!good)
		printf("#   '%s' != '%s'\n", ka ? ka : "?", kb ? kb : "?");
	tm_free(ka);
	tm_free(kb);
	return good;
}

static void *
t2s_thread(void *arg)
{
	(void)arg;
	return key_is("臺灣醫療發展", TM__KEY_TRAD_TO_SIMP, "台湾医疗发展") ?
	    arg : NULL;
}

/* 600 times "abc 臺灣。" (over 512 UTF-16 units) folds everywhere. */
static bool
long_t2s(void)
{
	struct tm__buf in = { 0 }, want = { 0 };
	size_t i;
	bool good;

	for (i = 0; i < 600; i++) {
		tm__buf_adds(&in, "abc 臺灣。");
		tm__buf_adds(&want, "abc 台湾.");
	}
	good = key_is(tm__buf_str(&in), TM__KEY_TRAD_TO_SIMP,
	    tm__buf_str(&want));
	tm__buf_release(&in);
	tm__buf_release(&want);
	return good;
}

static void
test_trad_to_simp(void)
{
	struct tm__buf b = { 0 };
	pthread_t th;
	void *res = NULL;
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(t2s); i++) {
		ok(key_is(t2s[i].in, TM__KEY_TRAD_TO_SIMP, t2s[i].key),
		    "Traditional to Simplified: %s", t2s[i].in);
		ok(key_is(t2s[i].key, TM__KEY_TRAD_TO_SIMP, t2s[i].key),
		    "and again gives the same: %s", t2s[i].key);
	}
	ok(key_is("臺灣醫療發展", 0, "臺灣醫療發展"),
	    "without the flag Traditional stays");
	ok(long_t2s(), "a long text folds whole, past the stack buffers");
	ok(pthread_create(&th, NULL, t2s_thread, &b) == 0 &&
	    pthread_join(th, &res) == 0 && res == &b,
	    "another thread folds with its own transliterator");
	ok(tm__text_key(&b, "x", 1, 1u << 5) == TM_EINVAL && b.len == 0,
	    "unknown flags are refused");
	tm_error_clear();
	tm__buf_release(&b);
}

/*
 * The quick key (tm__quick_key), where it makes one, is the key: over
 * the table, and over text it must decline (ICU folds it otherwise).
 */
static void
test_quick_key(void)
{
	static const char *const decline[] = {
		"他说\xe2\x80\xa6",	/* the ellipsis: NFKC makes "..." */
		"Stra\xc3\x9f" "e",	/* case folding makes "ss" */
		"caf\xc3\xa9",	/* a Latin letter beyond ASCII */
		"a\x1c" "b",		/* white space to ICU only */
		"\xea\xb0\x80",	/* Hangul */
		"bad \xff byte",
	};
	struct tm__buf q = { 0 }, key = { 0 };
	size_t i, agree = 0, made = 0;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++) {
		const char *in = cases[i].in;
		int r;

		tm__buf_reset(&q);
		tm__buf_reset(&key);
		if ((r = tm__quick_key(&q, in, strlen(in))) != 1)
			continue;
		made++;
		if (tm__text_key(&key, in, strlen(in), TM__KEY_TRAD_TO_SIMP) ==
		    0 && strcmp(tm__buf_str(&key), tm__buf_str(&q)) == 0)
			agree++;
		else
			printf("# quick key of '%s': '%s', key '%s'\n", in,
			    tm__buf_str(&q), tm__buf_str(&key));
	}
	ok(made > TM__ARRAY_SIZE(cases) / 2 && agree == made,
	    "the quick key, where it is made (%zu of %zu), is the key", made,
	    TM__ARRAY_SIZE(cases));
	for (i = 0; i < TM__ARRAY_SIZE(decline); i++) {
		tm__buf_reset(&q);
		ok(tm__quick_key(&q, decline[i], strlen(decline[i])) == 0 &&
		    q.len == 0, "no quick key for '%s'", decline[i]);
	}
	/* Traditional Chinese: the quick key keeps it, the key folds it. */
	tm__buf_reset(&key);
	ok(tm__text_key(&key, "會議", strlen("會議"), TM__KEY_TRAD_TO_SIMP) ==
	    0 && tm__key_to_store(&q, "會議", strlen("會議"), key.ptr,
	    key.len) == 1, "a key folded to Simplified is stored");
	tm__buf_reset(&key);
	ok(tm__text_key(&key, "Hello，World。", strlen("Hello，World。"),
	    TM__KEY_TRAD_TO_SIMP) == 0 && tm__key_to_store(&q,
	    "Hello，World。", strlen("Hello，World。"), key.ptr, key.len) == 0,
	    "a key the quick key makes is not");
	tm__buf_release(&q);
	tm__buf_release(&key);
}

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
		/* A key is its own key. */
		ok(k && key_is(k, 0, k), "%s: the key keys to itself",
		    cases[i].why);
		tm_free(k);
		k = NULL;
	}
	for (i = 0; i < TM__ARRAY_SIZE(same); i++)
		ok(keys_equal(same[i].a, same[i].b), "'%s' keys as '%s'",
		    same[i].a, same[i].b);
	test_trad_to_simp();
	test_quick_key();
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
	ok(tm__text_key(&b, long_in, n * 3, 0) == 0 && b.len == n &&
	    b.ptr[0] == 'a' && b.ptr[n - 1] == 'a', "long text is keyed whole");
	tm__buf_reset(&b);
	for (i = 0, p = long_in; i < 400; i++) {
		memcpy(p, "\xef\xb7\xba", 3);	/* U+FDFA: 18 characters */
		p += 3;
	}
	ok(tm__text_key(&b, long_in, 400 * 3, 0) == 0 && b.len > 400 * 18,
	    "a text that grows under NFKC is keyed whole");
	free(long_in);
	tm__buf_release(&b);
	return done_testing();
}
