/*
 * segment.c: sentence segmentation and the reading of plain-text files.
 *
 * A text is cut into paragraphs first (see tm__segment), then each
 * paragraph into sentences: ICU's sentence
 * break iterator proposes breaks, SRX 2.0 rules (built in, see srx.c,
 * and optionally a user's file) confirm or veto them and add their own,
 * in rule order, the first matching rule deciding.  Whatever the rules
 * say, a break inside 《…》 is never taken, a break after an opening
 * quote or bracket moves before it and one before a closing quote or
 * bracket moves after it, since that needs counting and pairing that
 * regular expressions cannot do.
 */
#include "tm-int.h"
#include "align.h"
#include "srx.h"

#include <errno.h>
#include <pthread.h>
#include <strings.h>

#include <jansson.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

struct tm_segmenter {
	char *lang;
	char locale[64];
	bool cjk;
	/* The rules as loaded: only ever cloned, never applied. */
	struct tm__srx_rules rules;
	/*
	 * Copies of the rules to apply.  A call takes one (or clones a new
	 * one when none is left) and gives it back, so that threads sharing
	 * the segmenter never drive the same regex and a call pays for a
	 * clone only the first time so many calls run at once.
	 */
	pthread_mutex_t lock;
	struct tm__srx_rules *spare;
	size_t nspare, capspare;
};

struct tm_segments {
	struct tm__buf arena;
	tm_segment *s;
	size_t n, cap;
	size_t *off;		/* offsets of the texts in arena */
};

int
tm_segmenter_new(tm_segmenter **out, const char *lang, const char *srx_path,
    int srx_mode)
{
	tm_segmenter *sg;
	char key[64];
	size_t i;
	int error;

	if (!out || !lang || (srx_mode != TM_SRX_EXTEND &&
	    srx_mode != TM_SRX_REPLACE))
		return tm__error(TM_EINVAL, "segment: bad arguments");
	*out = NULL;
	if (tm_lang_key(key, sizeof(key), lang) < 0)
		return tm__error(TM_EINVAL, "segment: bad language '%s'", lang);
	if (!(sg = tm__calloc(1, sizeof(*sg))) ||
	    !(sg->lang = tm__strdup(lang))) {
		free(sg);
		return tm__error_nomem();
	}
	if (pthread_mutex_init(&sg->lock, NULL) != 0) {
		free(sg->lang);
		free(sg);
		return tm__error(TM_ERROR, "segment: cannot create a lock");
	}
	for (i = 0; key[i] && i < sizeof(sg->locale) - 1; i++)
		sg->locale[i] = key[i] == '-' ? '_' : key[i];
	sg->locale[i] = 0;
	sg->cjk = tm_lang_match("zh", lang) || tm_lang_match("ja", lang) ||
	    tm_lang_match("ko", lang);
	error = 0;
	if (srx_path)
		error = tm__srx_load_file(&sg->rules, srx_path, lang);
	if (error == 0 && !(srx_path && srx_mode == TM_SRX_REPLACE))
		error = tm__srx_load_builtin(&sg->rules, lang);
	if (error < 0) {
		tm_segmenter_free(sg);
		return error;
	}
	*out = sg;
	return 0;
}

void
tm_segmenter_free(tm_segmenter *sg)
{
	if (!sg)
		return;
	tm__srx_release(&sg->rules);
	while (sg->nspare)
		tm__srx_release(&sg->spare[--sg->nspare]);
	free(sg->spare);
	pthread_mutex_destroy(&sg->lock);
	free(sg->lang);
	free(sg);
}

/*
 * A copy of the rules for this call alone.  The segmenter is shared as
 * const; only its pool of copies changes, under its lock.
 */
static int
take_rules(const tm_segmenter *csg, struct tm__srx_rules *out)
{
	tm_segmenter *sg = (tm_segmenter *)csg;
	bool have = false;

	pthread_mutex_lock(&sg->lock);
	if (sg->nspare) {
		*out = sg->spare[--sg->nspare];
		have = true;
	}
	pthread_mutex_unlock(&sg->lock);
	return have ? 0 : tm__srx_clone(out, &sg->rules);
}

static void
give_back_rules(const tm_segmenter *csg, struct tm__srx_rules *rules)
{
	tm_segmenter *sg = (tm_segmenter *)csg;
	bool kept = false;

	pthread_mutex_lock(&sg->lock);
	if (sg->nspare == sg->capspare) {
		size_t cap = sg->capspare ? sg->capspare * 2 : 4;
		struct tm__srx_rules *p = tm__realloc(sg->spare,
		    cap * sizeof(*p));

		if (p) {
			sg->spare = p;
			sg->capspare = cap;
		}
	}
	if (sg->nspare < sg->capspare) {
		sg->spare[sg->nspare++] = *rules;
		kept = true;
	}
	pthread_mutex_unlock(&sg->lock);
	/*
	 * No room to keep it (no error is raised: the call's own outcome
	 * stands): the next call clones again.
	 */
	if (!kept)
		tm__srx_release(rules);
}

static bool
is_space16(UChar c)
{
	return u_isUWhiteSpace(c);
}

enum { PUNCT_OPEN = 1, PUNCT_CLOSE = 2 };

/*
 * Mark the opening (Ps, Pi) and closing (Pe, Pf) quotes and brackets of
 * u[0..n) in kind.  A straight double quote opens or closes by its
 * place: in Chinese, Japanese and Korean, where no space tells, every
 * other one of a paragraph opens; elsewhere one after a space, an
 * opening bracket or the start, and before a non-space, opens.
 */
static void
punct_kinds(const tm_segmenter *sg, const UChar *u, int32_t n, uint8_t *kind)
{
	int32_t i, quotes = 0;

	for (i = 0; i < n; i++) {
		int8_t t = u_charType(u[i]);

		kind[i] = 0;
		if (t == U_START_PUNCTUATION || t == U_INITIAL_PUNCTUATION)
			kind[i] = PUNCT_OPEN;
		else if (t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION)
			kind[i] = PUNCT_CLOSE;
		else if (u[i] == '"' && sg->cjk)
			kind[i] = quotes++ % 2 ? PUNCT_CLOSE : PUNCT_OPEN;
		else if (u[i] == '"')
			kind[i] = (i == 0 || is_space16(u[i - 1]) ||
			    kind[i - 1] == PUNCT_OPEN) && i + 1 < n &&
			    !is_space16(u[i + 1]) ? PUNCT_OPEN : PUNCT_CLOSE;
	}
}

/*
 * A sentence never ends after an opening quote or bracket (the break
 * moves before the run of them and the spaces before it) nor before a
 * closing one (it moves after the run, unless a rule refused a break
 * there, as after “……。”他说).
 */
static void
keep_quotes(const uint8_t *kind, const UChar *u, int32_t n, uint8_t *dec)
{
	int32_t i, j;

	for (i = 1; i < n; i++) {
		if (dec[i] != TM__SRX_BREAK || kind[i] != PUNCT_CLOSE)
			continue;
		for (j = i; j < n && kind[j] == PUNCT_CLOSE; j++)
			;
		dec[i] = TM__SRX_NOBREAK;
		if (dec[j] != TM__SRX_NOBREAK)
			dec[j] = TM__SRX_BREAK;
	}
	for (i = n - 1; i > 0; i--) {
		if (dec[i] != TM__SRX_BREAK || kind[i - 1] != PUNCT_OPEN)
			continue;
		for (j = i - 1; j > 0 && kind[j - 1] == PUNCT_OPEN; j--)
			;
		while (j > 0 && is_space16(u[j - 1]))
			j--;
		dec[i] = TM__SRX_NOBREAK;
		if (j > 0)
			dec[j] = TM__SRX_BREAK;
	}
}

/*
 * Sentence breaks of u[0..n) into brk (1: break after position i, i.e.
 * before u[i]).  Positions are those after the last non-space character.
 */
static int
find_breaks(const tm_segmenter *sg, struct tm__srx_rules *rules,
    const UChar *u, int32_t n, uint8_t *dec, uint8_t *kind)
{
	UErrorCode st = U_ZERO_ERROR;
	UBreakIterator *bi;
	int32_t p, q, depth = 0, i;
	int error;

	memset(dec, 0, (size_t)n + 1);
	/* The rules first: the first rule matching at a place decides. */
	if ((error = tm__srx_apply(rules, u, n, dec)) < 0)
		return error;
	bi = ubrk_open(UBRK_SENTENCE, sg->locale, u, n, &st);
	if (U_FAILURE(st))
		return tm__error(TM_ERROR, "segment: ICU break iterator: %s",
		    u_errorName(st));
	for (p = ubrk_next(bi); p != UBRK_DONE && p < n; p = ubrk_next(bi)) {
		q = p;
		while (q > 0 && is_space16(u[q - 1]))
			q--;
		if (q > 0 && dec[q] == 0)
			dec[q] = TM__SRX_BREAK;
	}
	ubrk_close(bi);
	punct_kinds(sg, u, n, kind);
	keep_quotes(kind, u, n, dec);
	/*
	 * Never inside 《》, nor right after 》: a sentence ends after the
	 * title, at its own stop (ICU takes 》 for a closing bracket).
	 */
	for (i = 0; i < n; i++) {
		if (u[i] == 0x300a)
			depth++;
		else if (u[i] == 0x300b && depth > 0)
			depth--;
		if ((depth > 0 || u[i] == 0x300b) &&
		    dec[i + 1] == TM__SRX_BREAK)
			dec[i + 1] = TM__SRX_NOBREAK;
	}
	return 0;
}

/* Emit the sentences of one paragraph (UTF-8 p[0..len)). */
static int
paragraph(const tm_segmenter *sg, struct tm__srx_rules *rules, const char *p,
    size_t len, size_t para, const long *lines, const size_t *line_off,
    size_t nlines, const struct tm__seg_sink *sink)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar *u = NULL;
	uint8_t *dec = NULL, *kind = NULL;
	int32_t n = 0, i, b = 0;
	size_t *u8off = NULL;
	int error = 0;

	if (len > INT32_MAX / 2)
		return tm__error(TM_EINVAL, "segment: paragraph too long "
		    "(%zu bytes)", len);
	u_strFromUTF8(NULL, 0, &n, p, (int32_t)len, &st);
	st = U_ZERO_ERROR;
	if (!(u = tm__malloc(((size_t)n + 1) * sizeof(*u))) ||
	    !(dec = tm__malloc((size_t)n + 1)) ||
	    !(kind = tm__malloc((size_t)n + 1)) ||
	    !(u8off = tm__malloc(((size_t)n + 1) * sizeof(*u8off)))) {
		error = TM_ENOMEM;
		goto done;
	}
	u_strFromUTF8(u, n + 1, NULL, p, (int32_t)len, &st);
	if (U_FAILURE(st)) {
		error = tm__error(TM_EUTF8, "segment: invalid UTF-8");
		goto done;
	}
	{
		/* UTF-16 index -> UTF-8 offset. */
		size_t o = 0;

		for (i = 0; i < n; i++) {
			u8off[i] = o;
			if (U16_IS_LEAD(u[i]) && i + 1 < n &&
			    U16_IS_TRAIL(u[i + 1])) {
				u8off[++i] = o;
				o += 4;
			} else {
				o += u[i] < 0x80 ? 1 : u[i] < 0x800 ? 2 : 3;
			}
		}
		u8off[n] = o;
	}
	if ((error = find_breaks(sg, rules, u, n, dec, kind)) < 0)
		goto done;
	dec[n] = TM__SRX_BREAK;
	for (i = 1; i <= n; i++) {
		int32_t s = b, e = i;
		size_t k, so;
		long line;

		if (dec[i] != TM__SRX_BREAK)
			continue;
		/* A break inside a surrogate pair or at 0 is no break. */
		if (i < n && U16_IS_TRAIL(u[i]))
			continue;
		b = i;
		while (s < e && is_space16(u[s]))
			s++;
		while (e > s && is_space16(u[e - 1]))
			e--;
		if (s == e)
			continue;
		so = u8off[s];
		line = lines[0];
		for (k = 0; k < nlines && line_off[k] <= so; k++)
			line = lines[k];
		if ((error = sink->add(sink->payload, p + so, u8off[e] - so, para,
		    line)) < 0)
			goto done;
	}
done:
	free(u);
	free(dec);
	free(kind);
	free(u8off);
	if (error == TM_ENOMEM)
		tm__error_nomem();
	return error;
}

/*
 * Whether a line ends a sentence: . ! ? ; and their Chinese forms or an
 * ellipsis, maybe followed by closing quotes and brackets.  A comma or a
 * colon does not (wrapped lines break there too).
 */
static bool
ends_sentence(const char *s, size_t len)
{
	static const char *const closers[] = {
		"\"", "'", ")", "]", "\xe2\x80\x9d", "\xe2\x80\x99",
		"\xef\xbc\x89", "\xe3\x80\x8d", "\xe3\x80\x8f",
		"\xe3\x80\x8b",
	};
	static const char *const enders[] = {
		".", "!", "?", ";", "\xe3\x80\x82", "\xef\xbc\x81",
		"\xef\xbc\x9f", "\xef\xbc\x9b", "\xe2\x80\xa6",
	};
	size_t k, l;
	bool more = true;

	while (more) {
		more = false;
		for (k = 0; k < TM__ARRAY_SIZE(closers); k++) {
			l = strlen(closers[k]);
			if (len > l && memcmp(s + len - l, closers[k], l) == 0) {
				len -= l;
				more = true;
			}
		}
	}
	for (k = 0; k < TM__ARRAY_SIZE(enders); k++) {
		l = strlen(enders[k]);
		if (len >= l && memcmp(s + len - l, enders[k], l) == 0)
			return true;
	}
	return false;
}

/* Whether a line ends with punctuation of any kind (no heading does). */
static bool
ends_punct(const char *s, size_t len)
{
	size_t i = len;
	UChar32 c;

	if (!len)
		return false;
	U8_BACK_1((const uint8_t *)s, 0, i);
	U8_NEXT(s, i, len, c);
	return u_ispunct(c);
}

static size_t
count_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static bool
cjk_char(const char *s, size_t len, bool last)
{
	size_t i = 0;
	UChar32 c;

	if (!len)
		return false;
	if (last) {
		i = len;
		U8_BACK_1((const uint8_t *)s, 0, i);
	}
	U8_NEXT(s, i, len, c);
	return c >= 0x2e80 && c < 0xfb00;
}

/* Trim white space from both ends of s[0..*len). */
static const char *
trim(const char *s, size_t *len)
{
	while (*len && (s[0] == ' ' || s[0] == '\t' || s[0] == '\f' ||
	    s[0] == '\v')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
	    s[*len - 1] == '\f' || s[*len - 1] == '\v'))
		(*len)--;
	/* The ideographic space as well. */
	while (*len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) {
		s += 3;
		*len -= 3;
	}
	while (*len >= 3 && memcmp(s + *len - 3, "\xe3\x80\x80", 3) == 0)
		*len -= 3;
	return s;
}

struct para_state {
	struct tm__srx_rules rules;	/* this call's copy */
	struct tm__buf text;
	long *lines;
	size_t *line_off;
	size_t nlines, cap;
	size_t para;
};

static int
flush(const tm_segmenter *sg, struct para_state *ps,
    const struct tm__seg_sink *sink, bool new_para)
{
	int error = 0;

	if (ps->text.len)
		error = paragraph(sg, &ps->rules, ps->text.ptr, ps->text.len,
		    ps->para, ps->lines, ps->line_off, ps->nlines, sink);
	if (ps->text.len && new_para)
		ps->para++;
	tm__buf_reset(&ps->text);
	ps->nlines = 0;
	return error;
}

/* The next line of text[*i..len), trimmed; false at the end. */
static bool
next_line(const char *text, size_t len, size_t *i, const char **s,
    size_t *l)
{
	size_t b = *i, e;

	if (b >= len)
		return false;
	while (*i < len && text[*i] != '\n')
		(*i)++;
	e = *i;
	if (*i < len)
		(*i)++;
	if (e > b && text[e - 1] == '\r')
		e--;
	*l = e - b;
	*s = trim(text + b, l);
	return true;
}

/*
 * Paragraphs: a blank line ends one; in Chinese, Japanese or Korean
 * every line is one (those languages are not wrapped); elsewhere a
 * heading (a line without final punctuation, at most 80 characters,
 * before a blank line or a line half as long again) is one, a line
 * that ends a sentence ends the sentence, and other lines are joined
 * with the next (wrapped text).
 */
int
tm__segment(const tm_segmenter *sg, const char *text, size_t len,
    const struct tm__seg_sink *sink)
{
	struct para_state ps = { 0 };
	size_t i = 0, l, nl = 0, la = 0;
	const char *s, *ns = NULL;
	long line = 0;
	bool more, has_next;
	int error;

	if ((error = take_rules(sg, &ps.rules)) < 0)
		return error;
	more = next_line(text, len, &i, &s, &l);
	while (more && error == 0) {
		line++;
		has_next = next_line(text, len, &i, &ns, &nl);
		if (l == 0) {
			error = flush(sg, &ps, sink, true);
			goto next;
		}
		if (ps.nlines == ps.cap) {
			size_t cap = ps.cap ? ps.cap * 2 : 16;
			long *lp = tm__realloc(ps.lines, cap * sizeof(*lp));
			size_t *no;

			if (lp)
				ps.lines = lp;
			no = lp ? tm__realloc(ps.line_off, cap * sizeof(*no)) :
			    NULL;
			if (!lp || !no) {
				error = tm__error_nomem();
				break;
			}
			ps.line_off = no;
			ps.cap = cap;
		}
		/* Join the lines of a paragraph; no space between CJK ones. */
		if (ps.text.len && !(cjk_char(ps.text.ptr, ps.text.len, true) &&
		    cjk_char(s, l, false)))
			error = tm__buf_addc(&ps.text, ' ');
		ps.lines[ps.nlines] = line;
		ps.line_off[ps.nlines++] = ps.text.len;
		if (error == 0)
			error = tm__buf_add(&ps.text, s, l);
		if (error)
			break;
		la = count_chars(s, l);
		if (sg->cjk)
			error = flush(sg, &ps, sink, true);
		else if (ends_sentence(s, l))
			error = flush(sg, &ps, sink, !has_next || nl == 0);
		else if (ps.nlines == 1 && la <= 80 && !ends_punct(s, l) &&
		    (!has_next || nl == 0 ||
		    count_chars(ns, nl) * 2 >= la * 3))
			error = flush(sg, &ps, sink, true);
next:
		s = ns;
		l = nl;
		more = has_next;
	}
	if (error == 0)
		error = flush(sg, &ps, sink, true);
	give_back_rules(sg, &ps.rules);
	tm__buf_release(&ps.text);
	free(ps.lines);
	free(ps.line_off);
	return error;
}

static int
add_to_segments(void *payload, const char *s, size_t len, size_t para,
    long line)
{
	tm_segments *sg = payload;
	int error;

	if (sg->n == sg->cap) {
		size_t cap = sg->cap;

		if ((error = tm__grow((void **)&sg->s, &cap, sg->n,
		    sizeof(*sg->s))) < 0)
			return error;
		if (!(sg->off = tm__realloc(sg->off, cap * sizeof(*sg->off)))) {
			sg->cap = cap;
			return TM_ENOMEM;
		}
		sg->cap = cap;
	}
	sg->off[sg->n] = sg->arena.len;
	sg->s[sg->n].para = para;
	sg->s[sg->n].line = line;
	sg->n++;
	if ((error = tm__buf_add(&sg->arena, s, len)) < 0)
		return error;
	return tm__buf_addc(&sg->arena, '\0');
}

int
tm_segment_text(tm_segments **out, const tm_segmenter *sg, const char *text,
    size_t len)
{
	struct tm__seg_sink sink = { add_to_segments, NULL };
	tm_segments *r;
	size_t bad, i;
	int error;

	if (!out || !sg || (!text && len))
		return tm__error(TM_EINVAL, "segment: bad arguments");
	*out = NULL;
	if ((bad = tm__utf8_valid(text, len)) < len)
		return tm__error(TM_EUTF8, "segment: invalid UTF-8 at byte %zu",
		    bad);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (!(r = tm__calloc(1, sizeof(*r))))
		return tm__error_nomem();
	sink.payload = r;
	if ((error = tm__segment(sg, text ? text : "", len, &sink)) < 0) {
		tm_segments_free(r);
		if (error == TM_ENOMEM)
			tm__error_nomem();
		return error;
	}
	for (i = 0; i < r->n; i++)
		r->s[i].text = r->arena.ptr + r->off[i];
	*out = r;
	return 0;
}

size_t
tm_segments_count(const tm_segments *s)
{
	return s ? s->n : 0;
}

const tm_segment *
tm_segments_get(const tm_segments *s, size_t i)
{
	return s && i < s->n ? &s->s[i] : NULL;
}

void
tm_segments_free(tm_segments *s)
{
	if (!s)
		return;
	tm__buf_release(&s->arena);
	free(s->s);
	free(s->off);
	free(s);
}

int
tm_segments_json(char **out, const char *lang, const tm_segments *s)
{
	json_t *root, *arr, *o;
	size_t i;
	int error = 0;

	if (!out || !s)
		return tm__error(TM_EINVAL, "segment: bad arguments");
	*out = NULL;
	root = json_pack("{s:s?}", "lang", lang);
	arr = json_array();
	if (!root || !arr || json_object_set_new(root, "segments", arr)) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < s->n; i++) {
		o = json_pack("{s:s, s:I, s:I}", "text", s->s[i].text, "para",
		    (json_int_t)s->s[i].para, "line", (json_int_t)s->s[i].line);
		if (!o || json_array_append_new(arr, o)) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (!(*out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		error = tm__error_nomem();
done:
	json_decref(root);
	return error;
}

/*
 * Reading text files
 * ==================
 */

static long
line_at(const char *s, size_t off)
{
	long line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* Convert raw[0..n) from `enc` to UTF-8, strictly. */
static int
convert(char **out, size_t *len, const char *raw, size_t n, const char *enc,
    const char *path, bool quiet)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv;
	UChar *u = NULL, *ut;
	const char *src = raw, *lim = raw + n;
	int32_t n8 = 0;
	int error = 0;

	cv = ucnv_open(enc, &st);
	if (U_FAILURE(st))
		return tm__error(TM_EINVAL, "unknown encoding '%s'", enc);
	ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
	if (n > (size_t)INT32_MAX / 2 ||
	    !(u = tm__malloc((n * 2 + 2) * sizeof(*u)))) {
		error = n > (size_t)INT32_MAX / 2 ? tm__error(TM_EIO, "'%s': "
		    "file too large", path) : tm__error_nomem();
		goto done;
	}
	ut = u;
	ucnv_toUnicode(cv, &ut, u + n * 2 + 2, &src, lim, NULL, true, &st);
	if (U_FAILURE(st)) {
		error = quiet ? TM_EUTF8 : tm__error(TM_EUTF8, "'%s': line %ld: "
		    "not valid %s", path, line_at(raw, (size_t)(src - raw)),
		    enc);
		goto done;
	}
	st = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &n8, u, (int32_t)(ut - u), &st);
	st = U_ZERO_ERROR;
	if (!(*out = tm__malloc((size_t)n8 + 1))) {
		error = tm__error_nomem();
		goto done;
	}
	u_strToUTF8(*out, n8 + 1, NULL, u, (int32_t)(ut - u), &st);
	*len = (size_t)n8;
done:
	free(u);
	ucnv_close(cv);
	return error;
}

int
tm_text_read(char **out, size_t *len, const char *path, const char *encoding)
{
	struct tm__buf b = { 0 };
	size_t bad, n;
	char *p;
	int error;

	if (!out || !len || !path)
		return tm__error(TM_EINVAL, "read: bad arguments");
	*out = NULL;
	*len = 0;
	if ((error = tm__buf_read_file(&b, path)) < 0)
		goto done;
	p = b.ptr ? b.ptr : (char *)"";
	n = b.len;
	if (encoding && !(tm__utf8_valid(encoding, strlen(encoding)) ==
	    strlen(encoding) && (strcasecmp(encoding, "utf-8") == 0 ||
	    strcasecmp(encoding, "utf8") == 0))) {
		error = convert(out, len, p, n, encoding, path, false);
		goto check;
	}
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	if ((bad = tm__utf8_valid(p, n)) == n) {
		if (!(*out = tm__strndup(p, n)))
			error = tm__error_nomem();
		*len = n;
	} else if (!encoding && n >= 2 && ((unsigned char)p[0] == 0xff &&
	    (unsigned char)p[1] == 0xfe)) {
		error = convert(out, len, p, n, "UTF-16", path, false);
	} else if (!encoding && n >= 2 && ((unsigned char)p[0] == 0xfe &&
	    (unsigned char)p[1] == 0xff)) {
		error = convert(out, len, p, n, "UTF-16", path, false);
	} else if (!encoding && convert(out, len, p, n, "GB18030", path,
	    true) == 0) {
		error = 0;
	} else {
		error = tm__error(TM_EUTF8, "'%s': line %ld: invalid UTF-8 (and "
		    "not GB18030; name the encoding with --encoding)", path,
		    line_at(p, bad));
	}
check:
	/* A NUL byte means a binary file: C strings cannot carry it. */
	if (error == 0 && memchr(*out, '\0', *len)) {
		error = tm__error(TM_EUTF8, "'%s': line %ld: NUL byte (not a "
		    "text file)", path, line_at(*out, (size_t)((char *)memchr(
		    *out, '\0', *len) - *out)));
		free(*out);
		*out = NULL;
		*len = 0;
	}
	if (error == 0 && *len >= 3 && memcmp(*out, "\xef\xbb\xbf", 3) == 0) {
		memmove(*out, *out + 3, *len - 2);
		*len -= 3;
	}
done:
	tm__buf_release(&b);
	return error;
}
