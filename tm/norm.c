/*
 * norm.c: the normalised matching key stored beside every segment.
 *
 * The key is what matching compares; the text is never changed.  Its
 * rules, whose version is TM__KEY_RULES (tm-int.h):
 *
 * 1. Unicode NFKC with case folding (ICU's NFKC_Casefold), so that
 *    full-width letters, digits and punctuation and the ideographic space
 *    fold to ASCII.
 * 2. With TM__KEY_TRAD_TO_SIMP, Traditional Chinese is folded to
 *    Simplified by ICU's Traditional-Simplified transliterator.  A
 *    memory folds unless it was told not to (tm__key_flags, index.c).
 * 3. Chinese punctuation becomes its Western counterpart (punct[] below),
 *    so that a text typed with either kind matches the other.
 * 4. White space collapses to single spaces and is trimmed; a run of
 *    three or more full stops is written "..." and a run of dashes "-",
 *    since the Chinese ellipsis "……" and dash "——" are doubled.
 *
 * Pure ASCII takes a path without ICU that applies the same rules.
 */
#include "tm-int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#define STACK_UCHARS 512

/*
 * Punctuation as it is after NFKC, which has already made ASCII of the
 * full-width forms (，：；！？（）［］～), made 。、「」・ of the half-width
 * ones and "..." of the ellipsis.  Book-title marks are quotes; single
 * quotes are apostrophes, as in "don’t".  Sorted by code point.
 */
static const struct punct {
	uint16_t cp;
	char to[4];
} punct[] = {
	{ 0x00ab, "\"" },	/* « */
	{ 0x00b7, "." },	/* · middle dot, as in 马丁·路德 */
	{ 0x00bb, "\"" },	/* » */
	{ 0x2010, "-" },	/* ‐ hyphen */
	{ 0x2013, "-" },	/* – en dash */
	{ 0x2014, "-" },	/* — em dash; Chinese doubles it */
	{ 0x2015, "-" },	/* ― horizontal bar */
	{ 0x2018, "'" },	/* ‘ */
	{ 0x2019, "'" },	/* ’ */
	{ 0x201a, "'" },	/* ‚ */
	{ 0x201b, "'" },	/* ‛ */
	{ 0x201c, "\"" },	/* “ */
	{ 0x201d, "\"" },	/* ” */
	{ 0x201e, "\"" },	/* „ */
	{ 0x201f, "\"" },	/* ‟ */
	{ 0x2022, "." },	/* • bullet */
	{ 0x2027, "." },	/* ‧ Taiwan's middle dot */
	{ 0x2039, "\"" },	/* ‹ */
	{ 0x203a, "\"" },	/* › */
	{ 0x22ef, "..." },	/* ⋯ midline ellipsis, doubled in Chinese */
	{ 0x2e3a, "-" },	/* ⸺ two-em dash */
	{ 0x3001, "," },	/* 、 ideographic comma */
	{ 0x3002, "." },	/* 。 ideographic full stop */
	{ 0x3008, "\"" },	/* 〈 */
	{ 0x3009, "\"" },	/* 〉 */
	{ 0x300a, "\"" },	/* 《 */
	{ 0x300b, "\"" },	/* 》 */
	{ 0x300c, "\"" },	/* 「 */
	{ 0x300d, "\"" },	/* 」 */
	{ 0x300e, "\"" },	/* 『 */
	{ 0x300f, "\"" },	/* 』 */
	{ 0x3010, "(" },	/* 【 */
	{ 0x3011, ")" },	/* 】 */
	{ 0x3014, "(" },	/* 〔 */
	{ 0x3015, ")" },	/* 〕 */
	{ 0x3016, "(" },	/* 〖 */
	{ 0x3017, ")" },	/* 〗 */
	{ 0x301c, "~" },	/* 〜 wave dash, as in 1〜5 */
	{ 0x301d, "\"" },	/* 〝 */
	{ 0x301e, "\"" },	/* 〞 */
	{ 0x301f, "\"" },	/* 〟 */
	{ 0x30fb, "." },	/* ・ katakana middle dot */
};

static int
cmp_punct(const void *key, const void *elem)
{
	UChar32 c = *(const UChar32 *)key;
	const struct punct *p = elem;

	return (c > p->cp) - (c < p->cp);
}

static const char *
punct_fold(UChar32 c)
{
	const struct punct *p;

	if (c < punct[0].cp || c > punct[TM__ARRAY_SIZE(punct) - 1].cp)
		return NULL;
	p = bsearch(&c, punct, TM__ARRAY_SIZE(punct), sizeof(*punct),
	    cmp_punct);
	return p ? p->to : NULL;
}

/*
 * Whether c, about to be written at key[k], continues a run that the key
 * writes shorter: "...." is "..." and "--" is "-".
 */
static inline bool
collapses(const char *key, size_t k, char c)
{
	if (c == '.')
		return k >= 3 && key[k - 1] == '.' && key[k - 2] == '.' &&
		    key[k - 3] == '.';
	if (c == '-')
		return k >= 1 && key[k - 1] == '-';
	return false;
}

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
	size_t i, k = 0;
	bool space = false;
	int error;
	char *key;

	if ((error = tm__buf_grow(out, len)) < 0)
		return error;
	key = out->ptr + out->len;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_space_ascii(c)) {
			space = true;
			continue;
		}
		if (space && k > 0)
			key[k++] = ' ';
		space = false;
		if (!collapses(key, k, (char)c))
			key[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out->len += k;
	out->ptr[out->len] = '\0';
	return 0;
}

/*
 * Opening the Traditional-Simplified transliterator takes 25 us (25 ms
 * the first time in a process, while ICU compiles the rules), more than
 * folding a sentence with it, and finding the characters it changes
 * another 0.5 ms.  So each thread opens one on first use and keeps it
 * until it exits; a handle is never shared, as transliterators are not
 * thread-safe.  The main thread's is still reachable at exit, like ICU's
 * own caches.  Beside it, the set of characters that it changes when
 * they stand alone (the Traditional ones: its rules name many common
 * characters that are the same in both scripts, 月, 日, 市, as context),
 * frozen for fast lookups: text with none of them, Simplified Chinese,
 * is never handed to ICU (some 400 ns a character), so that folding by
 * default costs an import of Simplified Chinese next to nothing.
 */
struct folder {
	UTransliterator *t;
	USet *set;		/* the characters folding changes alone */
};

/* Of the characters the rules name, keep those that change alone. */
static int
changing_set(UTransliterator *t, USet *set)
{
	UErrorCode status = U_ZERO_ERROR;
	USet *src = uset_openEmpty();
	int32_t i, k, n;
	UChar32 lo, hi, c;

	if (!src)
		return U_MEMORY_ALLOCATION_ERROR;
	utrans_getSourceSet(t, false, src, &status);
	n = uset_getItemCount(src);
	for (i = 0; i < n && U_SUCCESS(status); i++) {
		if (uset_getItem(src, i, &lo, &hi, NULL, 0, &status) != 0)
			continue;	/* a string: its characters are items too */
		for (c = lo; c <= hi && U_SUCCESS(status); c++) {
			UChar u[8], v[8];
			int32_t len = 0, limit;

			U16_APPEND_UNSAFE(u, len, c);
			memcpy(v, u, sizeof(u));
			limit = len;
			k = len;
			utrans_transUChars(t, v, &k, 8, 0, &limit, &status);
			if (U_SUCCESS(status) && (k != len ||
			    memcmp(u, v, (size_t)len * sizeof(*u)) != 0))
				uset_add(set, c);
		}
	}
	uset_close(src);
	return status;
}
static pthread_once_t trans_once = PTHREAD_ONCE_INIT;
static pthread_key_t trans_key;
static bool trans_key_failed;
static _Thread_local struct folder *trans;

static void
trans_close(void *p)
{
	struct folder *f = p;

	if (!f)
		return;
	utrans_close(f->t);
	uset_close(f->set);
	free(f);
}

static void
trans_key_create(void)
{
	trans_key_failed = pthread_key_create(&trans_key, trans_close) != 0;
}

static int
trans_open(void)
{
	static const UChar id[] = u"Traditional-Simplified";
	UErrorCode status = U_ZERO_ERROR;
	struct folder *f = NULL;
	int error = 0;

	pthread_once(&trans_once, trans_key_create);
	if (trans_key_failed) {
		error = tm__error(TM_ERROR, "cannot create a thread key");
		goto done;
	}
	if (!(f = tm__calloc(1, sizeof(*f)))) {
		error = tm__error_nomem();
		goto done;
	}
	f->t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
	if (U_SUCCESS(status) && !(f->set = uset_openEmpty()))
		status = U_MEMORY_ALLOCATION_ERROR;
	if (U_SUCCESS(status))
		status = changing_set(f->t, f->set);
	if (U_FAILURE(status)) {
		error = status == U_MEMORY_ALLOCATION_ERROR ?
		    tm__error_nomem() : tm__error(TM_ERROR,
		    "ICU: cannot open Traditional-Simplified: %s",
		    u_errorName(status));
		goto done;
	}
	uset_freeze(f->set);
	if (pthread_setspecific(trans_key, f) != 0) {
		error = tm__error_nomem();
		goto done;
	}
	trans = f;
	f = NULL;
done:
	trans_close(f);
	return error;
}

/*
 * Fold Traditional Chinese in u[0..*n) to Simplified, in place.  Only
 * the span from the first to the last Traditional character, and a few
 * on either side for the rules' context, is handed to ICU.
 */
#define FOLD_CONTEXT 4
static int
trad_to_simp(UChar *u, int32_t *n, int32_t cap)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t first, last, limit;
	int error;

	if (!trans && (error = trans_open()) < 0)
		return error;
	first = uset_span(trans->set, u, *n, USET_SPAN_NOT_CONTAINED);
	if (first >= *n)
		return 0;
	last = uset_spanBack(trans->set, u, *n, USET_SPAN_NOT_CONTAINED);
	if (last <= first)
		return 0;
	first = first > FOLD_CONTEXT ? first - FOLD_CONTEXT : 0;
	last = last + FOLD_CONTEXT < *n ? last + FOLD_CONTEXT : *n;
	limit = last;
	utrans_transUChars(trans->t, u, n, cap, first, &limit, &status);
	if (U_FAILURE(status))
		return tm__error(TM_ERROR, "ICU: Traditional-Simplified: %s",
		    u_errorName(status));
	return 0;
}

/* Write u[0..n) to out as UTF-8, applying rules 3 and 4. */
static int
key_utf16(struct tm__buf *out, const UChar *u, int32_t n)
{
	size_t k = 0;
	int32_t i = 0;
	bool space = false;
	int error;
	char *key;

	/* A unit takes at most 3 bytes, and so does its folding. */
	if ((error = tm__buf_grow(out, (size_t)n * 3)) < 0)
		return error;
	key = out->ptr + out->len;
	while (i < n) {
		const char *to;
		UChar32 c;

		U16_NEXT(u, i, n, c);
		if (u_isUWhiteSpace(c)) {
			space = true;
			continue;
		}
		if (space && k > 0)
			key[k++] = ' ';
		space = false;
		if (c < 0x80) {
			if (!collapses(key, k, (char)c))
				key[k++] = (char)c;
		} else if ((to = punct_fold(c)) != NULL) {
			for (; *to; to++)
				if (!collapses(key, k, *to))
					key[k++] = *to;
		} else {
			U8_APPEND_UNSAFE((uint8_t *)key, k, c);
		}
	}
	out->len += k;
	out->ptr[out->len] = '\0';
	return 0;
}

int
tm__text_key(struct tm__buf *out, const char *text, size_t len,
    unsigned flags)
{
	UChar stack_a[STACK_UCHARS], stack_b[STACK_UCHARS];
	UChar *a = stack_a, *b = stack_b;
	int32_t na, nb, cap;
	const UNormalizer2 *nfkc;
	UErrorCode status = U_ZERO_ERROR;
	size_t k;
	int error = 0;

	if (flags & ~(unsigned)TM__KEY_TRAD_TO_SIMP)
		return tm__error(TM_EINVAL, "unknown key flags %#x", flags);
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
	if ((flags & TM__KEY_TRAD_TO_SIMP) &&
	    (error = trad_to_simp(b, &nb, cap)) < 0)
		goto done;
	error = key_utf16(out, b, nb);
done:
	if (a != stack_a)
		free(a);
	if (b != stack_b)
		free(b);
	return error;
}

/*
 * The quick key
 * =============
 *
 * Most keys are their text with ASCII letters lowered, full-width forms
 * made ASCII and Chinese punctuation made Western: what tm__quick_key()
 * makes from the text's UTF-8 directly, some twenty times faster than
 * tm__text_key() (ICU).  The store keeps a variant's key only where the
 * quick key of its text is not the key (tm__key_to_store), and readers
 * make it again (tm__key_column).  The quick key is part of the stored
 * format: changing what it gives for some text needs a migration that
 * stores the keys it no longer makes.
 */
/* Append ASCII c to key[0..*k) as the key's rules write it. */
static inline void
quick_ascii(char *key, size_t *k, bool *space, unsigned char c)
{
	if (*space && *k > 0)
		key[(*k)++] = ' ';
	*space = false;
	if (c >= 'A' && c <= 'Z')
		c += 32;
	else if ((c == '.' || c == '-') && collapses(key, *k, (char)c))
		return;
	key[(*k)++] = (char)c;
}

int
tm__quick_key(struct tm__buf *out, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, k = 0, start = out->len;
	bool space = false;
	int error;
	char *key;

	/* Each character gives at most as many bytes as it takes. */
	if ((error = tm__buf_grow(out, len + 3)) < 0)
		return error;
	key = out->ptr + start;
	while (i < len) {
		unsigned char c = s[i];
		const char *to;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			if (c == ' ' || (c >= '\t' && c <= '\r')) {
				space = true;
				continue;
			}
			if (c < 0x20 || c == 0x7f)
				goto not_quick;	/* 0x1c-0x1f are white space to ICU */
			quick_ascii(key, &k, &space, c);
			continue;
		}
		/* The characters handled here take two or three bytes. */
		if (c >= 0xc2 && c < 0xe0 && i + 1 < len &&
		    (s[i + 1] & 0xc0) == 0x80) {
			cp = (uint32_t)(c & 0x1f) << 6 | (s[i + 1] & 0x3f);
			i += 2;
		} else if (c >= 0xe0 && c < 0xf0 && i + 2 < len &&
		    (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80) {
			cp = (uint32_t)(c & 0x0f) << 12 |
			    (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
			i += 3;
			if (cp >= 0x4e00 && cp <= 0x9fff) {
				/* CJK ideographs: NFKC and folding keep them. */
				if (space && k > 0)
					key[k++] = ' ';
				space = false;
				memcpy(key + k, s + i - 3, 3);
				k += 3;
				continue;
			}
		} else {
			goto not_quick;
		}
		if (cp == 0x3000) {
			space = true;
		} else if (cp >= 0xff01 && cp <= 0xff5e) {
			/* Full-width ASCII, as NFKC makes it. */
			quick_ascii(key, &k, &space, (unsigned char)(cp - 0xfee0));
		} else if ((to = punct_fold((UChar32)cp)) != NULL) {
			if (space && k > 0)
				key[k++] = ' ';
			space = false;
			for (; *to; to++)
				if (!collapses(key, k, *to))
					key[k++] = *to;
		} else {
			goto not_quick;
		}
	}
	out->len = start + k;
	out->ptr[out->len] = '\0';
	return 1;
not_quick:
	out->ptr[start] = '\0';
	return 0;
}

int
tm__key_to_store(struct tm__buf *scratch, const char *text, size_t tlen,
    const char *key, size_t klen)
{
	int r;

	tm__buf_reset(scratch);
	if ((r = tm__quick_key(scratch, text, tlen)) < 0)
		return r;
	return !(r == 1 && scratch->len == klen &&
	    memcmp(scratch->ptr, key, klen) == 0);
}

int
tm__key_of(struct tm__buf *scratch, const char *text, size_t tlen,
    unsigned flags, const char **key, size_t *klen)
{
	int r;

	tm__buf_reset(scratch);
	if ((r = tm__quick_key(scratch, text ? text : "", tlen)) == 0)
		r = tm__text_key(scratch, text ? text : "", tlen, flags);
	if (r < 0)
		return r;
	if ((r = tm__buf_grow(scratch, 1)) < 0)
		return r;
	scratch->ptr[scratch->len] = '\0';
	*key = scratch->ptr;
	*klen = scratch->len;
	return 0;
}

int
tm__key_column(struct tm__buf *scratch, tm__stmt *st, int kcol,
    int tcol, unsigned flags, const char **key, size_t *klen)
{
	if (tm__column_type(st, kcol) != TM__NULL) {
		*key = (const char *)tm__column_text(st, kcol);
		*klen = (size_t)tm__column_bytes(st, kcol);
		return *key ? 0 : tm__error_nomem();
	}
	return tm__key_of(scratch, (const char *)tm__column_text(st, tcol),
	    (size_t)tm__column_bytes(st, tcol), flags, key, klen);
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
	if ((error = tm__text_key(&b, text, len, 0)) < 0) {
		tm__buf_release(&b);
		return error;
	}
	if (!(*out = tm__buf_detach(&b)))
		return tm__error_nomem();
	return 0;
}
