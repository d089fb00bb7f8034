/*
 * dict.c: a bilingual dictionary as extra anchors for the aligner.
 *
 * CC-CEDICT lines ("Trad Simp [pin1 yin1] /gloss/gloss/") give each
 * Simplified (and Traditional) headword of two or more characters the
 * content words of its glosses.  The memory adds its short units as
 * entries, and a lexicon learned from its sentence pairs (below).  The
 * headwords are kept sorted, one entry each, and looked up by binary
 * search, longest match first.
 */
#include "tm-int.h"
#include "align.h"

#include <errno.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#define MAX_HEAD 8	/* longest headword looked for, in characters */
/* The longest line read: CC-CEDICT's longest is under 2 KB. */
#define MAX_LINE 65536

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
	size_t min_head;	/* shortest headword, in characters (1 or 2) */
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

/* Start an entry for headword h[0..hl); its tokens follow in d->toks. */
static int
begin_entry(tm_dict *d, const char *h, size_t hl)
{
	int error;

	if (d->n == d->cap && (error = tm__grow((void **)&d->e, &d->cap,
	    d->n, sizeof(*d->e))) < 0)
		return error;
	d->e[d->n].head = d->arena.len;
	d->e[d->n].t0 = d->ntoks;
	if ((error = tm__buf_add(&d->arena, h, hl)) < 0 ||
	    (error = tm__buf_addc(&d->arena, '\0')) < 0)
		return error;
	return 0;
}

/* Close the entry begun last: kept when it has tokens. */
static void
end_entry(tm_dict *d)
{
	d->e[d->n].nt = d->ntoks - d->e[d->n].t0;
	if (d->e[d->n].nt)
		d->n++;
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
	if ((error = begin_entry(d, h, hl)) < 0 ||
	    (error = to_cps(&c, &n, g, gl)) < 0)
		goto done;
	if ((error = words(c, n, gloss_word, d)) < 0)
		goto done;
	end_entry(d);
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

/*
 * Sort the headwords for find(), once the arena has stopped moving, and
 * make one entry of each headword that several sources (a dictionary's
 * readings, the memory's terms, the learned lexicon) gave: its tokens
 * are all of theirs, each once.
 */
static int
finish(tm_dict *d)
{
	uint32_t *toks;
	size_t i, j, k, n = 0, nt = 0, cap = d->ntoks ? d->ntoks : 1;

	for (i = 0; i < d->n; i++)
		d->e[i].hp = d->arena.ptr + d->e[i].head;
	if (d->n < 2)
		return 0;
	qsort(d->e, d->n, sizeof(*d->e), cmp_entry);
	if (!(toks = tm__malloc(cap * sizeof(*toks))))
		return tm__error_nomem();
	for (i = 0; i < d->n; i = j) {
		size_t t0 = nt;

		for (j = i; j < d->n && strcmp(d->e[j].hp, d->e[i].hp) == 0;
		    j++) {
			for (k = 0; k < d->e[j].nt; k++) {
				uint32_t t = d->toks[d->e[j].t0 + k];
				size_t x;

				for (x = t0; x < nt && toks[x] != t; x++)
					;
				if (x == nt)
					toks[nt++] = t;
			}
		}
		d->e[n] = d->e[i];
		d->e[n].t0 = t0;
		d->e[n].nt = nt - t0;
		n++;
	}
	free(d->toks);
	d->toks = toks;
	d->ntoks = nt;
	d->tcap = cap;
	d->n = n;
	return 0;
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
		if (l > MAX_LINE) {
			error = tm__error(TM_EPARSE, "'%s': line %ld: longer "
			    "than %d bytes", path, lineno, MAX_LINE);
			goto done;
		}
		if (memchr(line, '\0', l)) {
			error = tm__error(TM_EPARSE, "'%s': line %ld: a NUL "
			    "byte", path, lineno);
			goto done;
		}
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
	if ((error = finish(d)) < 0)
		goto done;
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
	tm__stmt *st = NULL;
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
	tm__bind_int64(st, 1, (int64_t)(max_chars > MAX_HEAD ?
	    MAX_HEAD : max_chars));
	while ((rc = tm__step(st)) == TM__ROW && error == 0) {
		const char *sl = (const char *)tm__column_text(st, 0);
		const char *sx = (const char *)tm__column_text(st, 1);
		const char *tl = (const char *)tm__column_text(st, 2);
		const char *tx = (const char *)tm__column_text(st, 3);

		if (!sl || !sx || !tl || !tx || !tm_lang_match(from, sl) ||
		    !tm_lang_match(to, tl) || strchr(sx, '<'))
			continue;
		error = add_entry(d, sx, strlen(sx), tx, strlen(tx));
		if (error < 0)
			error = tm__error_nomem();
	}
	if (error == 0 && rc != TM__DONE && rc != TM__ROW)
		error = tm__error_db(db, "reading the memory's terms");
	tm__finalize(st);
	if (error == 0)
		error = finish(d);
	return error;
}

/*
 * Learning a lexicon from the memory's sentence pairs.
 *
 * Each unit with a Chinese (or Japanese, Korean) side and a side in the
 * other language is one observation: the CJK side cut into words by
 * ICU's dictionary-based word breaker, the other side into the content
 * words the aligner compares (three letters or more, no stop word).
 * Words and word pairs that occur in the same unit are counted; a pair
 * is kept when it occurs in MIN_COOC units or more and its Dice
 * coefficient 2 c(z,e) / (c(z) + c(e)) is at least MIN_DICE, up to
 * LEX_BEST English words per Chinese word.  The pair counts live in a
 * table of at most PAIR_SLOTS slots: when it fills, the pairs seen once
 * are dropped (then twice, ...), so memory stays bounded whatever the
 * memory's size, at the price of undercounting rare pairs.
 */
#define MIN_COOC 2
#define MIN_DICE 0.12
#define LEX_BEST 4
#define LEX_MAX_WORD 4		/* longest CJK word learned, in characters */
#define PAIR_SLOTS (1u << 21)

struct pair_slot {
	uint64_t key;		/* zh id << 32 | en id, both + 1; 0: empty */
	uint32_t n;
};

struct learner {
	struct tm__idmap zmap, emap;	/* word -> id + 1 */
	struct tm__buf zarena;		/* the CJK words, NUL-terminated */
	size_t *zoff;			/* zh id -> its word in zarena */
	uint32_t *zcount, *etok, *ecount;
	size_t nz, zcap, ne, ecap, nzcount, necount;
	struct pair_slot *pairs;
	size_t pcap, pused;
	uint32_t *zs, *es;		/* one unit's word ids */
	size_t nzs, zscap, nes, escap;
	UBreakIterator *bi;
	UChar *u;
	int32_t ucap;
	UChar32 *cps;
	size_t cpcap;
	size_t units;
};

static size_t
pair_home(const struct learner *l, uint64_t key)
{
	return (size_t)(key * UINT64_C(0x9e3779b97f4a7c15) >> 40) &
	    (l->pcap - 1);
}

static void
pair_put(struct pair_slot *p, size_t cap, uint64_t key, uint32_t n)
{
	size_t k = (size_t)(key * UINT64_C(0x9e3779b97f4a7c15) >> 40) &
	    (cap - 1);

	while (p[k].key)
		k = (k + 1) & (cap - 1);
	p[k].key = key;
	p[k].n = n;
}

/*
 * Grow the pair table, or when it is at its bound, drop the rarest
 * pairs: those seen once, or if that frees too little, twice, and so
 * on.  Counts are never raised to make up for what was dropped, so a
 * pair's count can only be low, never high: a pair that comes back
 * after being dropped starts again at one.
 */
static int
pairs_make_room(struct learner *l)
{
	struct pair_slot *old = l->pairs, *p;
	size_t oldcap = l->pcap, cap = oldcap, i;
	uint32_t drop = 0;

	if (oldcap < PAIR_SLOTS)
		cap = oldcap ? oldcap * 2 : 4096;
	else
		drop = 1;
	for (;;) {
		if (!(p = tm__calloc(cap, sizeof(*p))))
			return tm__error_nomem();
		l->pused = 0;
		for (i = 0; i < oldcap; i++) {
			if (!old[i].key || old[i].n <= drop)
				continue;
			pair_put(p, cap, old[i].key, old[i].n);
			l->pused++;
		}
		/* Dropping must leave the table half empty at least. */
		if (cap > oldcap || l->pused * 2 <= cap) {
			free(old);
			l->pairs = p;
			l->pcap = cap;
			return 0;
		}
		free(p);
		drop++;
	}
}

static int
pair_count(struct learner *l, uint32_t z, uint32_t e)
{
	uint64_t key = ((uint64_t)(z + 1) << 32) | (uint64_t)(e + 1);
	size_t k;
	int error;

	if ((l->pused + 1) * 4 > l->pcap * 3 &&
	    (error = pairs_make_room(l)) < 0)
		return error;
	for (k = pair_home(l, key); l->pairs[k].key;
	    k = (k + 1) & (l->pcap - 1)) {
		if (l->pairs[k].key == key) {
			l->pairs[k].n++;
			return 0;
		}
	}
	l->pairs[k].key = key;
	l->pairs[k].n = 1;
	l->pused++;
	return 0;
}

/* Add id to the unit's list ids[0..*n) unless it is there already. */
static int
unit_add(uint32_t **ids, size_t *n, size_t *cap, uint32_t id)
{
	size_t i;
	int error;

	for (i = 0; i < *n; i++)
		if ((*ids)[i] == id)
			return 0;
	if (*n == *cap && (error = tm__grow((void **)ids, cap, *n,
	    sizeof(**ids))) < 0)
		return error;
	(*ids)[(*n)++] = id;
	return 0;
}

static int
learn_en_word(void *payload, const UChar32 *w, size_t len)
{
	struct learner *l = payload;
	uint32_t tok = tm__word_token(w, len, TM__ANCHOR_DICT);
	size_t pos;
	int64_t id = tm__idmap_find(&l->emap, tok, 0, &pos);
	int error;

	if (!id) {
		if (l->ne == l->ecap && (error = tm__grow((void **)&l->etok,
		    &l->ecap, l->ne, sizeof(*l->etok))) < 0)
			return error;
		if ((error = tm__idmap_add(&l->emap, tok, 0,
		    (int64_t)l->ne + 1)) < 0)
			return error;
		l->etok[l->ne] = tok;
		id = (int64_t)++l->ne;
	}
	return unit_add(&l->es, &l->nes, &l->escap, (uint32_t)(id - 1));
}

static bool
han(UChar32 c)
{
	return u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC);
}

/* The CJK words of text s[0..len). */
static int
learn_zh(struct learner *l, const char *s, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t un = 0, b, e;
	int error;

	if (len > INT32_MAX / 2)
		return 0;
	if ((int32_t)len + 1 > l->ucap) {
		UChar *p = tm__realloc(l->u, (len + 1) * sizeof(*p));

		if (!p)
			return TM_ENOMEM;
		l->u = p;
		l->ucap = (int32_t)len + 1;
	}
	u_strFromUTF8Lenient(l->u, l->ucap, &un, s, (int32_t)len, &st);
	if (U_FAILURE(st))
		return 0;
	ubrk_setText(l->bi, l->u, un, &st);
	if (U_FAILURE(st))
		return 0;
	for (b = ubrk_first(l->bi), e = ubrk_next(l->bi); e != UBRK_DONE;
	    b = e, e = ubrk_next(l->bi)) {
		char w[LEX_MAX_WORD * 4 + 1];
		int32_t i = b, chars = 0, wl = 0;
		UBool bad = false;
		uint64_t h1, h2;
		int64_t id;
		size_t pos;

		while (i < e && chars <= LEX_MAX_WORD) {
			UChar32 c;

			U16_NEXT(l->u, i, e, c);
			if (!han(c))
				break;
			U8_APPEND((uint8_t *)w, wl, (int32_t)sizeof(w) - 1, c, bad);
			chars++;
		}
		if (i < e || bad || chars == 0 || chars > LEX_MAX_WORD)
			continue;
		w[wl] = 0;
		h1 = tm__hash(TM__HASH_INIT, w, (size_t)wl);
		h2 = tm__hash(TM__HASH_INIT2, w, (size_t)wl);
		if (!(id = tm__idmap_find(&l->zmap, h1, h2, &pos))) {
			if (l->nz == l->zcap && (error = tm__grow(
			    (void **)&l->zoff, &l->zcap, l->nz,
			    sizeof(*l->zoff))) < 0)
				return error;
			if ((error = tm__idmap_add(&l->zmap, h1, h2,
			    (int64_t)l->nz + 1)) < 0)
				return error;
			l->zoff[l->nz] = l->zarena.len;
			if ((error = tm__buf_add(&l->zarena, w, (size_t)wl +
			    1)) < 0)
				return error;
			id = (int64_t)++l->nz;
		}
		if ((error = unit_add(&l->zs, &l->nzs, &l->zscap,
		    (uint32_t)(id - 1))) < 0)
			return error;
	}
	return 0;
}

/* Count one unit: CJK text z, the other language's text x. */
static int
learn_unit(struct learner *l, const char *z, const char *x)
{
	size_t lx = strlen(x), n, i, j;
	int error;

	l->nzs = l->nes = 0;
	if ((error = learn_zh(l, z, strlen(z))) < 0)
		return error;
	if (lx + 1 > l->cpcap) {
		UChar32 *p = tm__realloc(l->cps, (lx + 1) * sizeof(*p));

		if (!p)
			return TM_ENOMEM;
		l->cps = p;
		l->cpcap = lx + 1;
	}
	for (i = n = 0; i < lx; ) {
		UChar32 c;

		U8_NEXT(x, i, lx, c);
		l->cps[n++] = c < 0 ? 0xfffd : c;
	}
	if ((error = words(l->cps, n, learn_en_word, l)) < 0)
		return error;
	if (!l->nzs || !l->nes)
		return 0;
	l->units++;
	/* Word counts: grown with the vocabularies. */
	if (l->nzcount < l->nz) {
		uint32_t *p = tm__realloc(l->zcount, l->zcap * sizeof(*p));

		if (!p)
			return TM_ENOMEM;
		memset(p + l->nzcount, 0, (l->zcap - l->nzcount) * sizeof(*p));
		l->zcount = p;
		l->nzcount = l->zcap;
	}
	if (l->necount < l->ne) {
		uint32_t *p = tm__realloc(l->ecount, l->ecap * sizeof(*p));

		if (!p)
			return TM_ENOMEM;
		memset(p + l->necount, 0, (l->ecap - l->necount) * sizeof(*p));
		l->ecount = p;
		l->necount = l->ecap;
	}
	for (i = 0; i < l->nzs; i++)
		l->zcount[l->zs[i]]++;
	for (j = 0; j < l->nes; j++)
		l->ecount[l->es[j]]++;
	for (i = 0; i < l->nzs; i++)
		for (j = 0; j < l->nes; j++)
			if ((error = pair_count(l, l->zs[i], l->es[j])) < 0)
				return error;
	return 0;
}

struct cand {
	float dice;
	uint32_t e;
};

/* Turn the counts into entries: each CJK word's best English words. */
static int
learn_entries(tm_dict *d, struct learner *l, size_t *added)
{
	struct cand *best = NULL;
	size_t i, k, z;
	int error = 0;

	*added = 0;
	if (!l->nz)
		return 0;
	if (!(best = tm__calloc(l->nz * LEX_BEST, sizeof(*best))))
		return tm__error_nomem();
	for (i = 0; i < l->pcap; i++) {
		uint32_t zi, ei, c = l->pairs[i].n;
		struct cand *b;
		float dice;

		if (!l->pairs[i].key || c < MIN_COOC)
			continue;
		zi = (uint32_t)(l->pairs[i].key >> 32) - 1;
		ei = (uint32_t)(l->pairs[i].key & 0xffffffffu) - 1;
		dice = (float)(2.0 * c / ((double)l->zcount[zi] +
		    (double)l->ecount[ei]));
		if (dice < (float)MIN_DICE)
			continue;
		/* Insert into the word's best few, highest first. */
		b = best + (size_t)zi * LEX_BEST;
		for (k = LEX_BEST; k > 0 && b[k - 1].dice < dice; k--)
			if (k < LEX_BEST)
				b[k] = b[k - 1];
		if (k < LEX_BEST) {
			b[k].dice = dice;
			b[k].e = ei;
		}
	}
	for (z = 0; z < l->nz && error == 0; z++) {
		const char *w = l->zarena.ptr + l->zoff[z];
		struct cand *b = best + z * LEX_BEST;

		if (b[0].dice == 0)
			continue;
		if ((error = begin_entry(d, w, strlen(w))) < 0)
			break;
		for (k = 0; k < LEX_BEST && b[k].dice > 0 && error == 0; k++)
			error = add_tok(d, l->etok[b[k].e]);
		if (error == 0) {
			end_entry(d);
			(*added)++;
			if (strlen(w) <= 4)	/* one character */
				d->min_head = 1;
		}
	}
	free(best);
	return error < 0 ? tm__error_nomem() : 0;
}

static void
learner_release(struct learner *l)
{
	tm__idmap_release(&l->zmap);
	tm__idmap_release(&l->emap);
	tm__buf_release(&l->zarena);
	free(l->zoff);
	free(l->zcount);
	free(l->etok);
	free(l->ecount);
	free(l->pairs);
	free(l->zs);
	free(l->es);
	if (l->bi)
		ubrk_close(l->bi);
	free(l->u);
	free(l->cps);
}

/*
 * The learned lexicon is kept in the memory, in table align_lexicon, one
 * row per pair of languages (and bound on the units read), with the
 * memory's state when it was learned: the count and largest id of its
 * variants and the last import's id.  While these are unchanged the
 * lexicon is read back (milliseconds) instead of learned again
 * (seconds for a large memory).  The row is written only when the
 * memory is open for writing; failing to write it costs nothing but
 * time next run.  Its data: for each entry the headword, a NUL, a count
 * byte, then that many 32-bit little-endian tokens.
 */
static int
memory_stamp(tm_db *db, char *out, size_t size)
{
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, "SELECT (SELECT count(*) FROM tuv), "
	    "(SELECT coalesce(max(id), 0) FROM tuv), "
	    "(SELECT coalesce(max(id), 0) FROM import)")) < 0)
		return error;
	if (tm__step(st) != TM__ROW) {
		error = tm__error_db(db, "reading the memory's state");
	} else {
		snprintf(out, size, "%lld:%lld:%lld",
		    (long long)tm__column_int64(st, 0),
		    (long long)tm__column_int64(st, 1),
		    (long long)tm__column_int64(st, 2));
	}
	tm__finalize(st);
	return error;
}

/* Entries from a cached lexicon; 1 when the data is not well formed. */
static int
cache_read(tm_dict *d, const unsigned char *p, size_t len, size_t *added)
{
	size_t i = 0, k;
	int error;

	*added = 0;
	while (i < len) {
		const unsigned char *z = memchr(p + i, 0, len - i);
		size_t hl, nt;

		if (!z || z == p + i || (size_t)(z - p) + 2 > len)
			return 1;
		hl = (size_t)(z - (p + i));
		nt = z[1];
		if ((size_t)(z - p) + 2 + 4 * nt > len)
			return 1;
		if ((error = begin_entry(d, (const char *)p + i, hl)) < 0)
			return error;
		for (k = 0; k < nt; k++) {
			const unsigned char *t = z + 2 + 4 * k;

			if ((error = add_tok(d, (uint32_t)t[0] |
			    (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
			    (uint32_t)t[3] << 24)) < 0)
				return error;
		}
		end_entry(d);
		if (hl <= 4)
			d->min_head = 1;
		(*added)++;
		i = (size_t)(z - p) + 2 + 4 * nt;
	}
	return 0;
}

/* Look for a fresh cached lexicon: 1 found and read, 0 not, < 0 error. */
static int
cache_load(tm_dict *d, tm_db *db, const char *key, const char *stamp,
    size_t *added)
{
	tm__stmt *st = NULL;
	int error = 0, r;

	/* No table: nothing cached yet. */
	if (tm__prepare(db, &st, "SELECT data FROM align_lexicon "
	    "WHERE langs = ? AND stamp = ?") < 0) {
		tm_error_clear();
		return 0;
	}
	tm__bind_text(st, 1, key, -1);
	tm__bind_text(st, 2, stamp, -1);
	if ((r = tm__step(st)) == TM__ROW) {
		size_t n0 = d->n, nt0 = d->ntoks;

		error = cache_read(d, tm__column_blob(st, 0),
		    (size_t)tm__column_bytes(st, 0), added);
		if (error == 1) {
			/* Damaged: forget what was read, learn again. */
			d->n = n0;
			d->ntoks = nt0;
			*added = 0;
			error = 0;
		} else if (error == 0) {
			error = 1;
		}
	} else if (r != TM__DONE) {
		error = tm__error_db(db, "reading the cached lexicon");
	}
	tm__finalize(st);
	return error < 0 ? tm__error_nomem() : error;
}

/* Keep entries [first, d->n) as the lexicon for key; errors ignored. */
static void
cache_store(tm_dict *d, tm_db *db, const char *key, const char *stamp,
    size_t first)
{
	struct tm__buf b = { 0 };
	tm__stmt *st = NULL;
	size_t i, k;
	int error = 0;

	if (db->store->read_only(db))
		return;
	for (i = first; i < d->n && error == 0; i++) {
		const struct entry *e = &d->e[i];
		size_t nt = e->nt > 255 ? 255 : e->nt;

		error = tm__buf_adds(&b, d->arena.ptr + e->head);
		if (!error)
			error = tm__buf_addc(&b, '\0');
		if (!error)
			error = tm__buf_addc(&b, (char)nt);
		for (k = 0; k < nt && error == 0; k++) {
			uint32_t t = d->toks[e->t0 + k];
			char le[4] = { (char)(t & 0xff), (char)(t >> 8 & 0xff),
			    (char)(t >> 16 & 0xff), (char)(t >> 24) };

			error = tm__buf_add(&b, le, 4);
		}
	}
	if (error == 0 && tm__exec(db, "CREATE TABLE IF NOT EXISTS "
	    "align_lexicon (\n\tlangs TEXT PRIMARY KEY,\n\tstamp TEXT NOT "
	    "NULL,\n\tdata BLOB NOT NULL\n)") == 0 &&
	    tm__prepare(db, &st, "INSERT INTO align_lexicon VALUES (?, ?, ?) "
	    "ON CONFLICT (langs) DO UPDATE SET stamp = excluded.stamp, "
	    "data = excluded.data") == 0) {
		tm__bind_text(st, 1, key, -1);
		tm__bind_text(st, 2, stamp, -1);
		tm__bind_blob(st, 3, b.ptr ? b.ptr : "", (int)b.len);
		(void)tm__step(st);
	}
	tm__finalize(st);
	tm__buf_release(&b);
	tm_error_clear();
}

int
tm_dict_learn_memory(tm_dict *d, tm_db *db, const char *from,
    const char *to, size_t max_units, tm_dict_learn_stats *stats)
{
	struct learner l;
	tm__stmt *st = NULL;
	UErrorCode ust = U_ZERO_ERROR;
	bool zfrom;
	size_t added = 0, first;
	char key[200], stamp[80];
	int error = 0, rc = TM__DONE;

	if (!d || !db || !from || !to)
		return tm__error(TM_EINVAL, "dict: bad arguments");
	if (stats)
		memset(stats, 0, sizeof(*stats));
	/* The CJK side is the headwords' side; nothing to learn without. */
	zfrom = tm__lang_cjk(from);
	if (zfrom == tm__lang_cjk(to))
		return 0;
	snprintf(key, sizeof(key), "%s\t%s\t%zu", from, to, max_units);
	if ((error = memory_stamp(db, stamp, sizeof(stamp))) < 0)
		return error;
	if ((error = cache_load(d, db, key, stamp, &added)) < 0)
		return error;
	if (error == 1) {
		if (stats) {
			stats->entries = added;
			stats->cached = 1;
		}
		return finish(d);
	}
	first = d->n;
	memset(&l, 0, sizeof(l));
	l.bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &ust);
	if (U_FAILURE(ust)) {
		l.bi = NULL;
		return tm__error(TM_EINVAL, "dict: no word breaker: %s",
		    u_errorName(ust));
	}
	if ((error = tm__prepare(db, &st, "SELECT s.lang, coalesce(s.text, "
	    "s.seg), t.lang, coalesce(t.text, t.seg) FROM tuv s JOIN tuv t "
	    "ON t.tu_id = s.tu_id AND t.id <> s.id WHERE "
	    "length(coalesce(s.text, s.seg)) BETWEEN 2 AND 400 AND "
	    "length(coalesce(t.text, t.seg)) BETWEEN 2 AND 1600")) < 0)
		goto done;
	while ((max_units == 0 || l.units < max_units) &&
	    (rc = tm__step(st)) == TM__ROW) {
		const char *sl = (const char *)tm__column_text(st, 0);
		const char *sx = (const char *)tm__column_text(st, 1);
		const char *tl = (const char *)tm__column_text(st, 2);
		const char *tx = (const char *)tm__column_text(st, 3);

		if (!sl || !sx || !tl || !tx || !tm_lang_match(from, sl) ||
		    !tm_lang_match(to, tl))
			continue;
		if ((error = learn_unit(&l, zfrom ? sx : tx,
		    zfrom ? tx : sx)) < 0) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (max_units && l.units >= max_units)
		rc = TM__DONE;
	if (rc != TM__DONE) {
		error = tm__error_db(db, "reading the memory's units");
		goto done;
	}
	if ((error = learn_entries(d, &l, &added)) < 0)
		goto done;
	cache_store(d, db, key, stamp, first);
	if ((error = finish(d)) < 0)
		goto done;
	if (stats) {
		stats->units = l.units;
		stats->entries = added;
		stats->pair_slots = l.pcap;
	}
done:
	tm__finalize(st);
	learner_release(&l);
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
	size_t i = 0, l, k, pos, minl = d->min_head ? d->min_head : 2;
	int error;

	if (!cjk_side)
		return words(c, n, text_word, a);
	while (i < n) {
		const struct entry *e = NULL;

		for (l = n - i < MAX_HEAD ? n - i : MAX_HEAD; l >= minl; l--) {
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
