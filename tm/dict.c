/*
 * dict.c: a bilingual dictionary as extra anchors for the aligner.
 *
 * CC-CEDICT lines ("Trad Simp [pin1 yin1] /gloss/gloss/") give each
 * Simplified (and Traditional) headword of two or more characters the
 * content words of its glosses.  The headwords are kept sorted and
 * looked up by binary search, longest match first.
 */
#include "tm-int.h"
#include "align.h"

#include <errno.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define MAX_HEAD 8	/* longest headword looked for, in characters */

struct entry {
	size_t head;		/* offset of the headword in the arena */
	const char *hp;		/* the headword, once the arena is final */
	size_t t0, nt;		/* its gloss tokens in toks */
};

struct tm_dict {
	struct tm__buf arena;
	struct entry *e;
	size_t n, cap;
	uint32_t *toks;
	size_t ntoks, tcap;
};

static const char *const stop[] = {
	"a", "an", "and", "are", "as", "at", "be", "by", "for", "from",
	"has", "have", "he", "his", "in", "is", "it", "its", "of", "on",
	"one", "or", "sb", "sth", "that", "the", "their", "this", "to",
	"was", "were", "which", "with", "variant", "used", "also", "see",
	"abbr", "lit", "fig", "old", "surname", "classifier", "pr",
};

static bool
stopword(const UChar32 *c, size_t n)
{
	char w[16];
	size_t i, k;

	if (n >= sizeof(w))
		return false;
	for (i = 0; i < n; i++) {
		UChar32 l = u_tolower(c[i]);

		if (l >= 0x80)
			return false;
		w[i] = (char)l;
	}
	w[n] = 0;
	for (k = 0; k < TM__ARRAY_SIZE(stop); k++)
		if (strcmp(w, stop[k]) == 0)
			return true;
	return false;
}

/* Call fn for each content word of the code points c[0..n). */
static int
words(const UChar32 *c, size_t n,
    int (*fn)(void *payload, const UChar32 *w, size_t len), void *payload)
{
	size_t i = 0, b;
	int error;

	while (i < n) {
		if (!u_isalpha(c[i]) || c[i] >= 0x2e80) {
			i++;
			continue;
		}
		b = i;
		while (i < n && u_isalpha(c[i]) && c[i] < 0x2e80)
			i++;
		if (i - b >= 3 && !stopword(c + b, i - b) &&
		    (error = fn(payload, c + b, i - b)) < 0)
			return error;
	}
	return 0;
}

static int
add_tok(tm_dict *d, uint32_t tok)
{
	size_t i;
	int error;

	for (i = d->e[d->n].t0; i < d->ntoks; i++)
		if (d->toks[i] == tok)
			return 0;
	if (d->ntoks == d->tcap && (error = tm__grow((void **)&d->toks,
	    &d->tcap, d->ntoks, sizeof(*d->toks))) < 0)
		return error;
	d->toks[d->ntoks++] = tok;
	return 0;
}

static int
gloss_word(void *payload, const UChar32 *w, size_t len)
{
	return add_tok(payload, tm__word_token(w, len, TM__ANCHOR_DICT));
}

static int
to_cps(UChar32 **out, size_t *n, const char *s, size_t len)
{
	size_t i = 0;

	*n = 0;
	if (!(*out = tm__malloc((len + 1) * sizeof(**out))))
		return TM_ENOMEM;
	while (i < len) {
		UChar32 c;

		U8_NEXT(s, i, len, c);
		(*out)[(*n)++] = c < 0 ? 0xfffd : c;
	}
	return 0;
}

/* Add the entry for headword h[0..hl) with glosses g[0..gl). */
static int
add_entry(tm_dict *d, const char *h, size_t hl, const char *g, size_t gl)
{
	UChar32 *c = NULL;
	size_t n, chars = 0, i = 0;
	int error;

	while (i < hl) {
		UChar32 ch;

		U8_NEXT(h, i, hl, ch);
		chars++;
	}
	if (chars < 2 || chars > MAX_HEAD)
		return 0;
	if (d->n == d->cap && (error = tm__grow((void **)&d->e, &d->cap,
	    d->n, sizeof(*d->e))) < 0)
		return error;
	d->e[d->n].head = d->arena.len;
	d->e[d->n].t0 = d->ntoks;
	if ((error = tm__buf_add(&d->arena, h, hl)) < 0 ||
	    (error = tm__buf_addc(&d->arena, '\0')) < 0 ||
	    (error = to_cps(&c, &n, g, gl)) < 0)
		goto done;
	if ((error = words(c, n, gloss_word, d)) < 0)
		goto done;
	d->e[d->n].nt = d->ntoks - d->e[d->n].t0;
	if (d->e[d->n].nt)
		d->n++;
done:
	free(c);
	return error;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return strcmp(x->hp, y->hp);
}

/* Sort the headwords for find(), once the arena has stopped moving. */
static void
finish(tm_dict *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		d->e[i].hp = d->arena.ptr + d->e[i].head;
	if (d->n > 1)
		qsort(d->e, d->n, sizeof(*d->e), cmp_entry);
}

static int
parse_line(tm_dict *d, const char *p, size_t len)
{
	const char *end = p + len, *t, *s, *g;

	/* Trad Simp [pinyin] /gloss/.../ */
	t = memchr(p, ' ', len);
	if (!t || t == p)
		return 1;
	s = t + 1;
	t = memchr(s, ' ', (size_t)(end - s));
	if (!t || t == s)
		return 1;
	g = memchr(t, '/', (size_t)(end - t));
	if (!g || memchr(t, '[', (size_t)(g - t)) == NULL ||
	    end[-1] != '/' || end - g < 3)
		return 1;
	{
		int error;

		if ((error = add_entry(d, s, (size_t)(t - s), g,
		    (size_t)(end - g))) < 0)
			return error;
		/* The Traditional form too, when it differs. */
		if ((size_t)(s - 1 - p) != (size_t)(t - s) ||
		    memcmp(p, s, (size_t)(t - s)) != 0)
			return add_entry(d, p, (size_t)(s - 1 - p), g,
			    (size_t)(end - g));
	}
	return 0;
}

int
tm_dict_load(tm_dict **out, const char *path)
{
	tm_dict *d = NULL;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int error = 0, r;

	if (!out || !path)
		return tm__error(TM_EINVAL, "dict: bad arguments");
	*out = NULL;
	if (!(f = fopen(path, "r")))
		return tm__error(errno == ENOENT ? TM_EIO : TM_EIO,
		    "cannot open '%s': %s", path, tm__strerror(errno));
	if (!(d = tm__calloc(1, sizeof(*d)))) {
		error = tm__error_nomem();
		goto done;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		size_t l = (size_t)len;

		lineno++;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			l--;
		if (lineno == 1 && l >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, l - 3);
			l -= 3;
		}
		if (l == 0 || line[0] == '#')
			continue;
		if (tm__utf8_valid(line, l) < l) {
			error = tm__error(TM_EUTF8, "'%s': line %ld: invalid "
			    "UTF-8", path, lineno);
			goto done;
		}
		if ((r = parse_line(d, line, l)) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		if (r > 0) {
			error = tm__error(TM_EPARSE, "'%s': line %ld: not a "
			    "CC-CEDICT entry (Trad Simp [pin yin] /gloss/)",
			    path, lineno);
			goto done;
		}
	}
	if (ferror(f)) {
		error = tm__error(TM_EIO, "cannot read '%s': %s", path,
		    tm__strerror(errno));
		goto done;
	}
	finish(d);
	*out = d;
	d = NULL;
done:
	free(line);
	if (f)
		fclose(f);
	tm_dict_free(d);
	return error;
}

int
tm_dict_new(tm_dict **out)
{
	if (!out)
		return tm__error(TM_EINVAL, "dict: bad arguments");
	if (!(*out = tm__calloc(1, sizeof(**out))))
		return tm__error_nomem();
	return 0;
}

int
tm_dict_add_memory(tm_dict *d, tm_db *db, const char *from, const char *to,
    size_t max_chars)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	if (!d || !db || !from || !to)
		return tm__error(TM_EINVAL, "dict: bad arguments");
	/*
	 * Short source variants (terms, names, titles) with a translation:
	 * the translation's words are the headword's glosses.
	 */
	if ((error = tm__prepare(db, &st, "SELECT s.lang, coalesce(s.text, "
	    "s.seg), t.lang, coalesce(t.text, t.seg) FROM tuv s JOIN tuv t "
	    "ON t.tu_id = s.tu_id AND t.id <> s.id WHERE "
	    "length(coalesce(s.text, s.seg)) BETWEEN 2 AND ?1 AND "
	    "length(coalesce(t.text, t.seg)) <= 80")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)(max_chars > MAX_HEAD ?
	    MAX_HEAD : max_chars));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && error == 0) {
		const char *sl = (const char *)sqlite3_column_text(st, 0);
		const char *sx = (const char *)sqlite3_column_text(st, 1);
		const char *tl = (const char *)sqlite3_column_text(st, 2);
		const char *tx = (const char *)sqlite3_column_text(st, 3);

		if (!sl || !sx || !tl || !tx || !tm_lang_match(from, sl) ||
		    !tm_lang_match(to, tl) || strchr(sx, '<'))
			continue;
		error = add_entry(d, sx, strlen(sx), tx, strlen(tx));
		if (error < 0)
			error = tm__error_nomem();
	}
	if (error == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = tm__error_sqlite(db->sql, "reading the memory's terms");
	sqlite3_finalize(st);
	finish(d);
	return error;
}

size_t
tm_dict_count(const tm_dict *d)
{
	return d ? d->n : 0;
}

void
tm_dict_free(tm_dict *d)
{
	if (!d)
		return;
	tm__buf_release(&d->arena);
	free(d->e);
	free(d->toks);
	free(d);
}

static const struct entry *
find(const tm_dict *d, const char *key)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, d->e[mid].hp);

		if (c == 0)
			return &d->e[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
text_word(void *payload, const UChar32 *w, size_t len)
{
	struct tm__anchors *a = payload;
	int error;

	if (a->n == a->cap && (error = tm__grow((void **)&a->tok, &a->cap,
	    a->n, sizeof(*a->tok))) < 0)
		return error;
	a->tok[a->n++] = tm__word_token(w, len, TM__ANCHOR_DICT);
	return 0;
}

int
tm__dict_scan(const tm_dict *d, struct tm__anchors *a, const UChar32 *c,
    size_t n, bool cjk_side)
{
	char key[MAX_HEAD * 4 + 1];
	size_t i = 0, l, k, pos;
	int error;

	if (!cjk_side)
		return words(c, n, text_word, a);
	while (i < n) {
		const struct entry *e = NULL;

		for (l = n - i < MAX_HEAD ? n - i : MAX_HEAD; l >= 2; l--) {
			UBool bad = false;

			pos = 0;
			for (k = 0; k < l; k++)
				U8_APPEND((uint8_t *)key, pos, sizeof(key) - 1,
				    c[i + k], bad);
			key[pos] = 0;
			if (!bad && (e = find(d, key)))
				break;
		}
		if (!e) {
			i++;
			continue;
		}
		for (k = 0; k < e->nt; k++) {
			if (a->n == a->cap && (error = tm__grow((void **)&a->tok,
			    &a->cap, a->n, sizeof(*a->tok))) < 0)
				return error;
			a->tok[a->n++] = d->toks[e->t0 + k];
		}
		i += l;
	}
	return 0;
}
