/*
 * utf8.c: UTF-8 validation at the library's edges.
 */
#include "tm-int.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

size_t
tm__utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t c, min;

	while (i < len) {
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1; c &= 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; c &= 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; c &= 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			c = (c << 6) | (p[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += n + 1;
	}
	return i;
}

int
tm__buf_add_padded(struct tm__buf *b, const char *s, size_t cols,
    bool right)
{
	int32_t i = 0, n = (int32_t)strlen(s);
	size_t used = 0;
	UChar32 c;

	while (i < n) {
		int w;

		U8_NEXT(s, i, n, c);
		w = c < 0 ? 1 : u_getIntPropertyValue(c,
		    UCHAR_EAST_ASIAN_WIDTH);
		used += c >= 0 && (w == U_EA_WIDE || w == U_EA_FULLWIDTH) ?
		    2 : 1;
	}
	if (!right && tm__buf_adds(b, s) < 0)
		return TM_ENOMEM;
	for (; used < cols; used++)
		if (tm__buf_add(b, " ", 1) < 0)
			return TM_ENOMEM;
	if (right && tm__buf_adds(b, s) < 0)
		return TM_ENOMEM;
	return 0;
}
