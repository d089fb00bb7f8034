/*
 * token.h: the tokens that fuzzy matching scores and the index stores.
 * A key (norm.c) is cut into words, numbers, symbols and single CJK
 * characters; white space and punctuation only separate them.
 *
 * - CJK: each Han, Hiragana, Katakana, Hangul or Bopomofo character is
 *   a token, so that Chinese is compared character by character.  Its id
 *   is the code point.
 * - NUMBER: ASCII digits with single separators '.', ',' or ':' between
 *   digits ("1,900,000", "3.25", "12:30").  Its id hashes the text
 *   without thousands separators (a ',' followed by exactly three
 *   digits), so "1,900,000" and "1900000" are one token while "3.25"
 *   and "325" are two.
 * - WORD: a run of letters, marks and digits, with an apostrophe or a
 *   hyphen between two letters ("don't", "co-operation").  Digits glued
 *   to letters stay in the word ("5g", "covid19", "mp3", "3.5kg"), but a
 *   hyphen before digits splits ("covid-19" is a word and a number).
 *   Digits other than ASCII count as letters.  Its id hashes its bytes.
 * - SYMBOL: one character of categories S* ("$", "+", "€", "°"), and the
 *   percent and per-mille signs, which Unicode files under punctuation
 *   but which change what a number means.  Its id hashes its bytes.
 *
 * A CJK id (a code point) may equal the hash of some word, number or
 * symbol, as two hashes may be equal: the chance is about 2^-32 a pair,
 * and the cost is one token scored as equal that is not.
 */
#ifndef TM_TOKEN_H
#define TM_TOKEN_H

#include "tm-int.h"

enum tm__tok_kind {
	TM__TOK_WORD,
	TM__TOK_CJK,
	TM__TOK_NUMBER,
	TM__TOK_SYMBOL
};

struct tm__token {
	uint32_t id;		/* code point (CJK) or 32-bit hash */
	uint8_t kind;		/* enum tm__tok_kind */
	uint32_t start, len;	/* byte span in the input */
};

/* A growable array of tokens.  A zeroed struct is empty. */
struct tm__tokens {
	struct tm__token *v;
	size_t n, cap;
};

/*
 * Append the tokens of text[0..len), a key, to *out (growing it).  Text
 * that is not a key is cut the same way, but case and width then tell
 * tokens apart.  Returns 0, TM_EINVAL (text longer than 4 GiB),
 * TM_ENOMEM or TM_EUTF8; on failure *out is as it was.
 */
int tm__tokenize(struct tm__tokens *out, const char *text, size_t len);
/* Free the array; *t is empty afterwards. */
void tm__tokens_release(struct tm__tokens *t);

#endif /* TM_TOKEN_H */
