/* Unit tests for token.c: cutting keys into tokens, table-driven. */
#include "token.h"
#include "../tap.h"

/*
 * Each case lists the tokens expected as KIND:text, the text being the
 * token's span of the input: W word, C CJK, N number, S symbol.
 */
static const struct {
	const char *in, *want, *why;
} cases[] = {
	{ "5万只口罩，已运抵。", "N:5 C:万 C:只 C:口 C:罩 C:已 C:运 C:抵",
	    "Chinese: a token a character, punctuation skipped" },
	{ "世界卫生组织总干事谭德塞说。",
	    "C:世 C:界 C:卫 C:生 C:组 C:织 C:总 C:干 C:事 C:谭 C:德 C:塞 C:说",
	    "a Chinese sentence" },
	{ "\"北京\",上海.(通知)", "C:北 C:京 C:上 C:海 C:通 C:知",
	    "Chinese with Western punctuation, as in a key" },
	{ "hello, world! it is a test.", "W:hello W:world W:it W:is W:a W:test",
	    "English with punctuation" },
	{ "don't stop rock'n'roll", "W:don't W:stop W:rock'n'roll",
	    "an apostrophe between letters is part of the word" },
	{ "'quoted' it's' o'", "W:quoted W:it's W:o",
	    "other apostrophes are punctuation" },
	{ "co-operation e-mail -x- a--b", "W:co-operation W:e-mail W:x W:a W:b",
	    "a single hyphen between letters joins" },
	{ "1,900,000 3.25 12:30 2020", "N:1,900,000 N:3.25 N:12:30 N:2020",
	    "numbers with separators" },
	{ "1..2 3,,4 5: 6. ,7", "N:1 N:2 N:3 N:4 N:5 N:6 N:7",
	    "a separator needs a digit on both sides" },
	{ "2020-2021 5-year", "N:2020 N:2021 N:5 W:year",
	    "a hyphen does not join digits" },
	{ "5g covid19 mp3 3.5kg v1.2.3 12:30pm",
	    "W:5g W:covid19 W:mp3 W:3.5kg W:v1.2.3 W:12:30pm",
	    "digits glued to letters stay in the word" },
	{ "covid-19疫情", "W:covid N:19 C:疫 C:情",
	    "COVID-19: a word, a number, then characters" },
	{ "who总干事", "W:who C:总 C:干 C:事", "a word glued to Chinese" },
	{ "5% 5\xe2\x80\xb0 $100 +1 a=b",
	    "N:5 S:% N:5 S:\xe2\x80\xb0 S:$ N:100 S:+ N:1 W:a S:= W:b",
	    "symbols, and percent signs, are tokens" },
	{ "\xe2\x82\xac" "5 \xc2\xa5" "20 30\xc2\xb0" "c",
	    "S:\xe2\x82\xac N:5 S:\xc2\xa5 N:20 N:30 S:\xc2\xb0 W:c",
	    "currency and degree signs" },
	{ "caf\xc3\xa9 na\xc3\xafve \xd0\xbc\xd0\xb8\xd1\x80",
	    "W:caf\xc3\xa9 W:na\xc3\xafve W:\xd0\xbc\xd0\xb8\xd1\x80",
	    "letters beyond ASCII make words" },
	{ "コーヒー ひらがな 한국어 ㄅㄆ",
	    "C:コ C:ー C:ヒ C:ー C:ひ C:ら C:が C:な C:한 C:국 C:어 C:ㄅ C:ㄆ",
	    "kana, Hangul and Bopomofo are cut into characters" },
	{ "\xe3\x90\x80\xf0\xa0\x80\x80\xe3\x80\x85",
	    "C:\xe3\x90\x80 C:\xf0\xa0\x80\x80 C:\xe3\x80\x85",
	    "ideographs outside the main block, and the iteration mark" },
	{ "e.g. snake_case a&b", "W:e W:g W:snake W:case W:a W:b",
	    "other punctuation separates" },
	{ "Hello WORLD", "W:Hello W:WORLD", "case is kept (keys are folded)" },
	{ "", "", "empty input" },
	{ ",.!?;:\"'()[]{}/-_ \t\n"
	    "\xe3\x80\x82\xe2\x80\xa6\xe3\x80\x8a\xe3\x80\x8b",
	    "", "only punctuation and space" },
};

static char
kind_letter(uint8_t kind)
{
	return "WCNS"[kind];
}

/* "KIND:text ..." for the tokens of t from n0 on, over `in`. */
static void
render(char *buf, size_t size, const struct tm__tokens *t, size_t n0,
    const char *in)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = n0; i < t->n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%c:%.*s",
		    i > n0 ? " " : "", kind_letter(t->v[i].kind),
		    (int)t->v[i].len, in + t->v[i].start);
}

/* Each token, cut alone from its span, is itself again. */
static bool
spans_hold(const struct tm__tokens *t, const char *in)
{
	struct tm__tokens one = { 0 };
	size_t i;
	bool good = true;

	for (i = 0; i < t->n && good; i++) {
		one.n = 0;
		good = tm__tokenize(&one, in + t->v[i].start, t->v[i].len) ==
		    0 && one.n == 1 && one.v[0].kind == t->v[i].kind &&
		    one.v[0].id == t->v[i].id && one.v[0].start == 0 &&
		    one.v[0].len == t->v[i].len;
	}
	tm__tokens_release(&one);
	return good;
}

static uint32_t
id_of(const char *s)
{
	struct tm__tokens t = { 0 };
	uint32_t id = 0;

	if (tm__tokenize(&t, s, strlen(s)) == 0 && t.n == 1)
		id = t.v[0].id;
	tm__tokens_release(&t);
	return id;
}

static void
test_ids(void)
{
	char a[512], b[512];
	size_t i, ka = 0, kb = 0;

	ok(id_of("1,900,000") == id_of("1900000") && id_of("1900000"),
	    "thousands separators do not change a number's id");
	ok(id_of("3.25") != id_of("325"), "a decimal point does");
	ok(id_of("1,5") != id_of("15") && id_of("12,3456") != id_of("123456"),
	    "so does a comma not followed by three digits");
	ok(id_of("12:30") != id_of("1230"), "and a colon");
	ok(id_of("10,000.5") == id_of("10000.5"), "thousands before decimals");
	ok(id_of("万") == 0x4e07 && id_of("\xf0\xa0\x80\x80") == 0x20000,
	    "a CJK token's id is its code point");
	ok(id_of("don't") != id_of("dont") && id_of("dont") != 0,
	    "the apostrophe is part of the word's id");
	ok(id_of("co-operation") == (uint32_t)(tm__hash(TM__HASH_INIT,
	    "co-operation", 12) ^ (tm__hash(TM__HASH_INIT, "co-operation", 12)
	    >> 32)), "a word's id is its hash folded to 32 bits");
	ok(id_of("%") != id_of("$") && id_of("%") != 0, "symbols differ");

	/* Past the 64-byte chunk: 100 groups of three digits. */
	ka = (size_t)snprintf(a, sizeof(a), "1");
	kb = (size_t)snprintf(b, sizeof(b), "1");
	for (i = 0; i < 100; i++) {
		ka += (size_t)snprintf(a + ka, sizeof(a) - ka, ",%03zu", i);
		kb += (size_t)snprintf(b + kb, sizeof(b) - kb, "%03zu", i);
	}
	ok(id_of(a) == id_of(b) && id_of(a) != 0,
	    "a long number keeps its id without separators");
	b[kb - 2] = '5';	/* ...099 becomes ...059 */
	ok(id_of(a) != id_of(b), "and differs from another long one");
}

static void
test_errors(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *why;
	} bad[] = {
		{ "abc \xff", 5, "a byte that is never UTF-8" },
		{ "口\xe5\x8f", 5, "a truncated character" },
		{ "\xed\xa0\x80", 3, "an encoded surrogate" },
		{ "\xc0\xaf", 2, "an overlong encoding" },
		{ "\xf4\x90\x80\x80", 4, "a code point past U+10FFFF" },
		{ "ab\x80" "cd", 5, "a stray continuation byte" },
	};
	struct tm__tokens t = { 0 };
	size_t i;

	ok(tm__tokenize(&t, "x", 1) == 0 && t.n == 1, "one token first");
	for (i = 0; i < TM__ARRAY_SIZE(bad); i++) {
		ok(tm__tokenize(&t, bad[i].in, bad[i].len) == TM_EUTF8 &&
		    t.n == 1, "invalid UTF-8 is TM_EUTF8, nothing added: %s",
		    bad[i].why);
		tm_error_clear();
	}
	ok(tm__tokenize(&t, "口 ab", 6) == 0 && t.n == 3 &&
	    t.v[1].start == 0 && t.v[2].start == 4,
	    "tokens are appended, spans in the new input");
	tm__tokens_release(&t);
	ok(!t.v && !t.n && !t.cap, "release empties");
	tm__tokens_release(&t);
}

static void
test_long(void)
{
	/* 12 characters, 4 tokens. */
	static const char unit[] = "口罩abc 1,234。";
	static const char *const want[] = { "口", "罩", "abc", "1,234" };
	static const uint8_t kinds[] = { TM__TOK_CJK, TM__TOK_CJK,
	    TM__TOK_WORD, TM__TOK_NUMBER };
	size_t reps = 834, ulen = sizeof(unit) - 1, len = reps * ulen, i;
	struct tm__tokens t = { 0 };
	char *in = malloc(len + 1);
	bool good;

	for (i = 0; i < reps; i++)
		memcpy(in + i * ulen, unit, ulen);
	in[len] = '\0';
	good = tm__tokenize(&t, in, len) == 0 && t.n == reps * 4;
	for (i = 0; good && i < t.n; i++)
		good = t.v[i].kind == kinds[i % 4] &&
		    t.v[i].len == strlen(want[i % 4]) &&
		    memcmp(in + t.v[i].start, want[i % 4], t.v[i].len) == 0 &&
		    t.v[i].id == t.v[i % 4].id;
	ok(good, "10,008 characters: every token, span and id in place");
	ok(spans_hold(&t, in), "and each span cuts to the same token");

	/* One word and one number of 10,000 characters each. */
	memset(in, 'a', 10000);
	t.n = 0;
	ok(tm__tokenize(&t, in, 10000) == 0 && t.n == 1 &&
	    t.v[0].kind == TM__TOK_WORD && t.v[0].len == 10000,
	    "a 10,000-letter word is one token");
	memset(in, '7', 10000);
	t.n = 0;
	ok(tm__tokenize(&t, in, 10000) == 0 && t.n == 1 &&
	    t.v[0].kind == TM__TOK_NUMBER && t.v[0].len == 10000,
	    "a 10,000-digit number is one token");
	free(in);
	tm__tokens_release(&t);
}

int
main(void)
{
	struct tm__tokens t = { 0 };
	char got[1024];
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(cases); i++) {
		t.n = 0;
		if (!ok(tm__tokenize(&t, cases[i].in, strlen(cases[i].in)) ==
		    0, "%s: tokenizes", cases[i].why))
			continue;
		render(got, sizeof(got), &t, 0, cases[i].in);
		is_str(got, cases[i].want, "%s", cases[i].why);
		ok(spans_hold(&t, cases[i].in), "%s: spans", cases[i].why);
	}
	tm__tokens_release(&t);
	test_ids();
	test_errors();
	test_long();
	return done_testing();
}
