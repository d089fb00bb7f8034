/*
 * norm.c: the normalised matching key stored beside every segment.
 *
 * The key is what matching compares; the text is never changed.  Today
 * it is Unicode NFKC with case folding (ICU's NFKC_Casefold, so that
 * full-width letters and digits and the ideographic space fold to ASCII)
 * and white space collapsed to single spaces and trimmed.
 */
#include "tm-int.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define STACK_UCHARS 512

static bool
is_space_ascii(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Plain ASCII needs no ICU: folding is lowercasing. */
static int
key_ascii(struct tm__buf *out, const char *s, size_t len)
{
	size_t i;
	bool space = false;
	int error;
	char *p;

	if ((error = tm__buf_grow(out, len)) < 0)
		return error;
	p = out->ptr + out->len;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_space_ascii(c)) {
			space = true;
			continue;
		}
		if (space && p != out->ptr + out->len)
			*p++ = ' ';
		space = false;
		*p++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out->len = (size_t)(p - out->ptr);
	out->ptr[out->len] = '\0';
	return 0;
}

int
tm__text_key(struct tm__buf *out, const char *text, size_t len)
{
	UChar stack_a[STACK_UCHARS], stack_b[STACK_UCHARS];
	UChar *a = stack_a, *b = stack_b;
	int32_t na, nb, cap, i, j, n8;
	const UNormalizer2 *nfkc;
	UErrorCode status = U_ZERO_ERROR;
	bool space = false;
	size_t k;
	int error = 0;

	for (k = 0; k < len; k++)
		if ((unsigned char)text[k] >= 0x80)
			break;
	if (k == len)
		return key_ascii(out, text, len);
	if (len > INT32_MAX / 4)
		return tm__error(TM_EINVAL, "text too long to normalise");

	/* UTF-16 never needs more units than UTF-8 has bytes. */
	cap = (int32_t)len + 1;
	if (cap > STACK_UCHARS && !(a = tm__malloc(sizeof(UChar) * cap))) {
		error = tm__error_nomem();
		goto done;
	}
	u_strFromUTF8(a, cap, &na, text, (int32_t)len, &status);
	if (U_FAILURE(status)) {
		error = tm__error(TM_EUTF8, "text is not valid UTF-8");
		goto done;
	}
	if (!(nfkc = unorm2_getNFKCCasefoldInstance(&status)) ||
	    U_FAILURE(status)) {
		error = tm__error(TM_ERROR, "ICU: %s", u_errorName(status));
		goto done;
	}
	/* NFKC can expand (U+FDFA gives 18 units); retry with the size asked for. */
	cap = na * 3 + 16;
	for (;;) {
		if (cap > STACK_UCHARS &&
		    !(b = tm__malloc(sizeof(UChar) * cap))) {
			error = tm__error_nomem();
			goto done;
		}
		nb = unorm2_normalize(nfkc, a, na, b, cap, &status);
		if (status != U_BUFFER_OVERFLOW_ERROR)
			break;
		if (b != stack_b)
			free(b);
		b = stack_b;
		status = U_ZERO_ERROR;
		cap = nb + 1;
	}
	if (U_FAILURE(status)) {
		error = tm__error(TM_ERROR, "ICU: %s", u_errorName(status));
		goto done;
	}

	/* Collapse white space in place, then back to UTF-8. */
	for (i = j = 0; i < nb; i++) {
		UChar32 c;
		int32_t start = i;

		U16_NEXT(b, i, nb, c);
		i--;
		if (u_isUWhiteSpace(c)) {
			space = true;
			continue;
		}
		if (space && j > 0)
			b[j++] = ' ';
		space = false;
		while (start <= i)
			b[j++] = b[start++];
	}
	status = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &n8, b, j, &status);
	status = U_ZERO_ERROR;
	if ((error = tm__buf_grow(out, (size_t)n8)) < 0)
		goto done;
	u_strToUTF8(out->ptr + out->len, n8 + 1, NULL, b, j, &status);
	if (U_FAILURE(status)) {
		error = tm__error(TM_ERROR, "ICU: %s", u_errorName(status));
		goto done;
	}
	out->len += (size_t)n8;
	out->ptr[out->len] = '\0';
done:
	if (a != stack_a)
		free(a);
	if (b != stack_b)
		free(b);
	return error;
}

int
tm_text_key(char **out, const char *text, size_t len)
{
	struct tm__buf b = { 0 };
	int error;

	*out = NULL;
	if (!text)
		return tm__error(TM_EINVAL, "no text");
	if (tm__utf8_valid(text, len) != len)
		return tm__error(TM_EUTF8, "text is not valid UTF-8");
	if ((error = tm__text_key(&b, text, len)) < 0) {
		tm__buf_release(&b);
		return error;
	}
	if (!(*out = tm__buf_detach(&b)))
		return tm__error_nomem();
	return 0;
}
