/*
 * token.c: cutting a key into tokens (the rules are in token.h).  This
 * runs on the query and on every candidate of every lookup, so ASCII and
 * the common ideographs are classified without calling ICU.
 */
#include "token.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

/* What a character can be in a token. */
enum cls {
	C_SKIP,		/* white space, punctuation, controls, unassigned */
	C_JOIN,		/* ' or -: part of a word between two letters */
	C_SEP,		/* . , or :: part of a number between two digits */
	C_DIGIT,	/* an ASCII digit */
	C_LETTER,	/* a letter, a mark or another digit */
	C_CJK,
	C_SYMBOL,
	C_BAD		/* invalid UTF-8 */
};

/* ASCII, by table: letters and digits are most of what is read. */
#define S_ C_SKIP
#define J_ C_JOIN
#define P_ C_SEP
#define D_ C_DIGIT
#define L_ C_LETTER
#define Y_ C_SYMBOL
static const uint8_t ascii_class[128] = {
	S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
	S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
	/*   !   "   #   $   %   &   '   (   )   *   +   ,   -   .   / */
	S_, S_, S_, S_, Y_, Y_, S_, J_, S_, S_, S_, Y_, P_, J_, P_, S_,
	/* 0 - 9                                 :   ;   <   =   >   ? */
	D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, P_, S_, Y_, Y_, Y_, S_,
	/* @   A - O */
	S_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	/* P - Z                                 [   \   ]   ^   _ */
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, S_, S_, S_, Y_, S_,
	/* `   a - o */
	Y_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
	/* p - z                                 {   |   }   ~  DEL */
	L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, S_, Y_, S_, Y_, S_,
};
#undef S_
#undef J_
#undef P_
#undef D_
#undef L_
#undef Y_

/* Whether c belongs to one of the scripts cut into characters. */
static bool
is_cjk(UChar32 c)
{
	static const UScriptCode cjk[] = { USCRIPT_HAN, USCRIPT_HIRAGANA,
	    USCRIPT_KATAKANA, USCRIPT_HANGUL, USCRIPT_BOPOMOFO };
	UErrorCode status = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(c, &status);
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(cjk); i++)
		if (sc == cjk[i])
			return true;
	if (sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
		return false;
	/* Shared characters used only with these scripts, such as ー. */
	for (i = 0; i < TM__ARRAY_SIZE(cjk); i++)
		if (uscript_hasScript(c, cjk[i]))
			return true;
	return false;
}

static enum cls
unicode_class(UChar32 c)
{
	uint32_t gc;

	/* CJK Unified Ideographs, the bulk of Chinese text: all Han. */
	if (c >= 0x4e00 && c <= 0x9fff)
		return C_CJK;
	gc = U_MASK(u_charType(c));
	if (gc & U_GC_P_MASK)
		return c == 0x2030 || c == 0x2031 || c == 0x066a ?
		    C_SYMBOL : C_SKIP;	/* per mille, per ten thousand, % */
	if (gc & (U_GC_Z_MASK | U_GC_C_MASK))
		return C_SKIP;
	if (is_cjk(c))
		return C_CJK;
	if (gc & U_GC_S_MASK)
		return C_SYMBOL;
	return C_LETTER;
}

static enum cls
next_class_utf8(const uint8_t *s, size_t len, size_t *i, UChar32 *cp)
{
	UChar32 c;

	U8_NEXT(s, *i, len, c);
	*cp = c;
	return c < 0 ? C_BAD : unicode_class(c);
}

/* Classify the character at s[*i] and step past it. */
static inline enum cls
next_class(const uint8_t *s, size_t len, size_t *i, UChar32 *cp)
{
	uint8_t c = s[*i];

	if (c >= 0x80)
		return next_class_utf8(s, len, i, cp);
	(*i)++;
	*cp = c;
	return (enum cls)ascii_class[c];
}

static inline uint32_t
fold32(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

static inline bool
is_digit(uint8_t c)
{
	return (unsigned)(c - '0') < 10;
}

/* Whether the ',' at s[i] of a number is a thousands separator. */
static bool
is_thousands(const uint8_t *s, size_t len, size_t i)
{
	return i + 3 < len && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
	    is_digit(s[i + 3]) && (i + 4 == len || !is_digit(s[i + 4]));
}

/*
 * The id of the number s[0..len): the hash of its text without thousands
 * separators.  The text is hashed through a small buffer, a chunk at a
 * time, so that the id depends on those bytes alone and needs no
 * allocation however long the number.
 */
static uint32_t
number_id(const uint8_t *s, size_t len)
{
	uint8_t buf[64];
	uint64_t h = TM__HASH_INIT;
	size_t i, n = 0;

	if (len <= sizeof(buf) && !memchr(s, ',', len))
		return fold32(tm__hash(h, s, len));
	for (i = 0; i < len; i++) {
		if (s[i] == ',' && is_thousands(s, len, i))
			continue;
		if (n == sizeof(buf)) {
			h = tm__hash(h, buf, n);
			n = 0;
		}
		buf[n++] = s[i];
	}
	return fold32(tm__hash(h, buf, n));
}

static inline int
push(struct tm__tokens *out, enum tm__tok_kind kind, uint32_t id,
    size_t start, size_t end)
{
	struct tm__token *t;
	size_t cap;

	if (out->n == out->cap) {
		cap = out->cap ? out->cap * 2 : 32;
		if (cap > SIZE_MAX / sizeof(*t) ||
		    !(t = tm__realloc(out->v, cap * sizeof(*t))))
			return tm__error_nomem();
		out->v = t;
		out->cap = cap;
	}
	t = &out->v[out->n++];
	t->id = id;
	t->kind = (uint8_t)kind;
	t->start = (uint32_t)start;
	t->len = (uint32_t)(end - start);
	return 0;
}

/*
 * Add the word or number that starts at s[start] with a character of
 * class `first`; *pi is past that character, and is left past the token.
 */
static int
add_run(struct tm__tokens *out, const uint8_t *s, size_t len,
    size_t start, size_t *pi, enum cls first)
{
	size_t i = *pi, j, m;
	enum cls prev = first, k;
	bool word = first == C_LETTER;
	UChar32 c;

	while (i < len) {
		j = i;
		k = next_class(s, len, &j, &c);
		if ((k == C_JOIN && prev == C_LETTER) ||
		    (k == C_SEP && prev == C_DIGIT)) {
			/* It joins only what is alike on both sides. */
			m = j;
			if (m == len || next_class(s, len, &m, &c) != prev)
				break;
			j = m;
			k = prev;
		} else if (k != C_LETTER && k != C_DIGIT) {
			break;
		}
		word |= k == C_LETTER;
		prev = k;
		i = j;
	}
	*pi = i;
	if (word)
		return push(out, TM__TOK_WORD, fold32(tm__hash(TM__HASH_INIT,
		    s + start, i - start)), start, i);
	return push(out, TM__TOK_NUMBER, number_id(s + start, i - start),
	    start, i);
}

int
tm__tokenize(struct tm__tokens *out, const char *text, size_t len)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t n0 = out->n, i = 0, start;
	UChar32 c;
	int error = 0;

	if (len > UINT32_MAX) {
		error = tm__error(TM_EINVAL, "text too long to tokenize");
		goto done;
	}
	while (i < len && !error) {
		start = i;
		switch (next_class(s, len, &i, &c)) {
		case C_CJK:
			error = push(out, TM__TOK_CJK, (uint32_t)c, start, i);
			break;
		case C_SYMBOL:
			error = push(out, TM__TOK_SYMBOL, fold32(tm__hash(
			    TM__HASH_INIT, s + start, i - start)), start, i);
			break;
		case C_DIGIT:
			error = add_run(out, s, len, start, &i, C_DIGIT);
			break;
		case C_LETTER:
			error = add_run(out, s, len, start, &i, C_LETTER);
			break;
		case C_BAD:
			error = tm__error(TM_EUTF8, "text is not valid UTF-8");
			break;
		default:
			break;
		}
	}
done:
	if (error)
		out->n = n0;
	return error;
}

void
tm__tokens_release(struct tm__tokens *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
