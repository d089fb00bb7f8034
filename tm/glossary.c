/*
 * glossary.c: terms in the store (gloss_entry, gloss_term: schema 6),
 * found in a text, imported from TBX or CSV/TSV and exported again.
 *
 * A term's matching key is made code point by code point with the
 * memory's key rules (norm.c), and so is the text searched: a match of
 * keys then maps back onto a span of the text's bytes.  Case, width and
 * Chinese punctuation fold away; white space inside a term is dropped
 * from its key.
 */
#include "tm-int.h"

#include <errno.h>
#include <csv.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "quantity.h"

/*
 * Keys
 * ====
 */

/* The key of text[0..len) code point by code point; kstart[i] is where
 * code point i's key starts in *out, cps[i] its byte offset in text. */
struct cpkey {
	struct tm__buf key;
	size_t *kstart;		/* ncp + 1 */
	size_t *off;		/* ncp + 1 */
	UChar32 *cp;
	size_t ncp;
};

static void
cpkey_release(struct cpkey *k)
{
	tm__buf_release(&k->key);
	free(k->kstart);
	free(k->off);
	free(k->cp);
	memset(k, 0, sizeof(*k));
}

static int
cpkey_make(struct cpkey *k, const char *text, size_t len)
{
	size_t i = 0, prev;
	int error = 0;

	memset(k, 0, sizeof(*k));
	if (!(k->kstart = tm__malloc(sizeof(size_t) * (len + 1))) ||
	    !(k->off = tm__malloc(sizeof(size_t) * (len + 1))) ||
	    !(k->cp = tm__malloc(sizeof(UChar32) * (len + 1)))) {
		cpkey_release(k);
		return tm__error_nomem();
	}
	while (i < len && !error) {
		UChar32 c;

		prev = i;
		U8_NEXT(text, i, len, c);
		k->off[k->ncp] = prev;
		k->kstart[k->ncp] = k->key.len;
		k->cp[k->ncp++] = c;
		if (c < 0 || u_isspace(c))
			continue;
		error = tm__text_key(&k->key, text + prev, i - prev, 0);
	}
	k->off[k->ncp] = len;
	k->kstart[k->ncp] = k->key.len;
	if (!error && !k->key.ptr)
		error = tm__buf_adds(&k->key, "");
	if (error)
		cpkey_release(k);
	return error;
}

/* Bytes of the first character of a key (0 for an empty key). */
static size_t
head_len(const char *key)
{
	size_t i = 0, n = strnlen(key, U8_MAX_LENGTH);	/* not the rest */
	UChar32 c;

	if (!n)
		return 0;
	U8_NEXT(key, i, n, c);
	(void)c;
	return i;
}

/* The per-code-point key of a term, for the store. */
static int
term_key(char **out, const char *text)
{
	struct cpkey k;
	int error;

	*out = NULL;
	if ((error = cpkey_make(&k, text, strlen(text))) < 0)
		return error;
	*out = tm__buf_detach(&k.key);
	cpkey_release(&k);
	return *out ? 0 : tm__error_nomem();
}

/*
 * Finding
 * =======
 */

struct tm_term_hits {
	tm_term_hit *hits;
	size_t n, cap;
	tm_term *terms;
	size_t nterms, tcap;
	/* Before the fix-up: the index of each hit's source and targets. */
	size_t *src_ix, *tgt_ix;
	char **strs;
	size_t nstrs, scap;
};

struct cand {
	size_t b, e;		/* code points */
	int64_t term_id, entry_id;
	char lang[64];
};

static int
keep_str(tm_term_hits *h, const char **dst, const unsigned char *s)
{
	char *d;

	*dst = NULL;
	if (!s)
		return 0;
	if (!(d = tm__strdup((const char *)s)))
		return tm__error_nomem();
	if (h->nstrs == h->scap && tm__grow((void **)&h->strs, &h->scap,
	    h->nstrs, sizeof(*h->strs)) < 0) {
		free(d);
		return tm__error_nomem();
	}
	h->strs[h->nstrs++] = d;
	*dst = d;
	return 0;
}

/* Append a term from the row of `st` (text, lang, status, pos, note). */
static int
add_term(tm_term_hits *h, tm__stmt *st)
{
	tm_term *t;
	int error;

	if (h->nterms == h->tcap && tm__grow((void **)&h->terms, &h->tcap,
	    h->nterms, sizeof(*h->terms)) < 0)
		return tm__error_nomem();
	t = &h->terms[h->nterms];
	memset(t, 0, sizeof(*t));
	if ((error = keep_str(h, &t->text, tm__column_text(st, 0))) < 0 ||
	    (error = keep_str(h, &t->lang, tm__column_text(st, 1))) < 0 ||
	    (error = keep_str(h, &t->status, tm__column_text(st, 2))) < 0 ||
	    (error = keep_str(h, &t->pos, tm__column_text(st, 3))) < 0 ||
	    (error = keep_str(h, &t->note, tm__column_text(st, 4))) < 0)
		return error;
	h->nterms++;
	return 0;
}

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	size_t lx = x->e - x->b, ly = y->e - y->b;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return (x->term_id > y->term_id) - (x->term_id < y->term_id);
}

static int
cmp_hit(const void *a, const void *b)
{
	const tm_term_hit *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* Whether a code point index is at a cpkey boundary position. */
static bool
find_cp(const struct cpkey *k, size_t koff, size_t *cp)
{
	size_t lo = 0, hi = k->ncp + 1;

	/* kstart is non-decreasing: the first cp whose key starts at koff
	 * and that has a key of its own. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (k->kstart[mid] < koff)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > k->ncp || k->kstart[lo] != koff)
		return false;
	*cp = lo;
	return true;
}

static bool
latin(UChar32 c)
{
	return c >= 0 && (tm__qty_is_letter(c) || u_isdigit(c));
}

/* A character of a key, NUL-terminated. */
struct head {
	char c[8];
};

static int
cmp_head(const void *a, const void *b)
{
	return strcmp(((const struct head *)a)->c,
	    ((const struct head *)b)->c);
}

/*
 * The distinct first characters of the keys of the text's code points:
 * a term found in the text starts with one of them.
 */
static int
text_heads(struct head **out, size_t *n, const struct cpkey *k)
{
	const char *key = tm__buf_str(&k->key);
	size_t i, j = 0, l;

	*n = 0;
	if (!(*out = tm__calloc(k->ncp + 1, sizeof(**out))))
		return tm__error_nomem();
	for (i = 0; i < k->ncp; i++) {
		if (k->kstart[i] == k->kstart[i + 1])
			continue;
		l = head_len(key + k->kstart[i]);
		if (l >= sizeof((*out)[j].c))
			continue;
		memcpy((*out)[j].c, key + k->kstart[i], l);
		(*out)[j++].c[l] = '\0';
	}
	qsort(*out, j, sizeof(**out), cmp_head);
	for (i = 0; i < j; i++)
		if (*n == 0 || strcmp((*out)[*n - 1].c, (*out)[i].c) != 0)
			(*out)[(*n)++] = (*out)[i];
	return 0;
}

/* Where the term of the row of `st` occurs in the text: candidates. */
static int
add_cands(struct cand **cands, size_t *n, size_t *cap, const struct cpkey *k,
    tm__stmt *st, const char *from)
{
	const char *lang = (const char *)tm__column_text(st, 2);
	const char *key = (const char *)tm__column_text(st, 3);
	const char *p, *hay = tm__buf_str(&k->key);
	size_t klen, b, e;

	if (!key || !*key || (from && !tm_lang_match(from, lang)))
		return 0;
	klen = strlen(key);
	for (p = strstr(hay, key); p; p = strstr(p + 1, key)) {
		if (!find_cp(k, (size_t)(p - hay), &b) ||
		    !find_cp(k, (size_t)(p - hay) + klen, &e) || e <= b)
			continue;
		/* Skip white space the key did not count. */
		while (e > b && k->kstart[e - 1] == k->kstart[e])
			e--;
		if ((latin(k->cp[b]) && b > 0 && latin(k->cp[b - 1])) ||
		    (latin(k->cp[e - 1]) && e < k->ncp && latin(k->cp[e])))
			continue;
		if (*n == *cap && tm__grow((void **)cands, cap, *n,
		    sizeof(**cands)) < 0)
			return tm__error_nomem();
		(*cands)[*n].b = b;
		(*cands)[*n].e = e;
		(*cands)[*n].term_id = tm__column_int64(st, 0);
		(*cands)[*n].entry_id = tm__column_int64(st, 1);
		snprintf((*cands)[*n].lang, sizeof((*cands)[*n].lang), "%s",
		    lang ? lang : "");
		(*n)++;
	}
	return 0;
}

int
tm_glossary_find(tm_term_hits **out, tm_db *db, const char *text,
    const char *from, const char *to)
{
	tm_term_hits *h = NULL;
	struct cpkey k;
	struct cand *cands = NULL;
	size_t ncands = 0, ccap = 0, i, j;
	bool *used = NULL;
	tm__stmt *st = NULL, *tst = NULL;
	struct head *heads = NULL;
	size_t nheads = 0, hi;
	int error = 0, rc;
	bool have_key = false;

	if (out)
		*out = NULL;
	if (!out || !db || !text)
		return tm__error(TM_EINVAL, "glossary: no text or database");
	if (tm__utf8_valid(text, strlen(text)) != strlen(text))
		return tm__error(TM_EUTF8, "glossary: the text is not valid "
		    "UTF-8");
	if (!(h = tm__calloc(1, sizeof(*h))))
		return tm__error_nomem();
	if ((error = cpkey_make(&k, text, strlen(text))) < 0)
		goto done;
	have_key = true;
	if ((error = tm__prepare(db, &st, "SELECT id, entry_id, lang, key "
	    "FROM gloss_term WHERE head = ?")) < 0 ||
	    (error = text_heads(&heads, &nheads, &k)) < 0)
		goto done;
	rc = TM__DONE;
	for (hi = 0; hi < nheads && rc == TM__DONE && !error; hi++) {
		tm__reset(st);
		tm__bind_text(st, 1, heads[hi].c, -1);
		while (!error && (rc = tm__step(st)) == TM__ROW)
			error = add_cands(&cands, &ncands, &ccap, &k, st, from);
	}
	if (error)
		goto done;
	if (rc != TM__DONE) {
		error = tm__error_db(db, "glossary");
		goto done;
	}
	if (ncands == 0)
		goto done;
	qsort(cands, ncands, sizeof(*cands), cmp_cand);
	if (!(used = tm__calloc(k.ncp + 1, sizeof(*used)))) {
		error = tm__error_nomem();
		goto done;
	}
	tm__finalize(st);
	st = NULL;
	if ((error = tm__prepare(db, &st, "SELECT text, lang, status, pos, "
	    "note FROM gloss_term WHERE id = ?")) < 0 ||
	    (error = tm__prepare(db, &tst, "SELECT text, lang, status, pos, "
	    "note FROM gloss_term WHERE entry_id = ? ORDER BY CASE status "
	    "WHEN 'preferred' THEN 0 WHEN 'deprecated' THEN 2 ELSE 1 END, "
	    "ord")) < 0)
		goto done;
	for (i = 0; i < ncands; i++) {
		struct cand *c = &cands[i];
		tm_term_hit *hit;
		size_t t0;

		for (j = c->b; j < c->e && !used[j]; j++)
			;
		if (j < c->e)
			continue;
		for (j = c->b; j < c->e; j++)
			used[j] = true;
		if (h->n == h->cap && (tm__grow((void **)&h->hits, &h->cap,
		    h->n, sizeof(*h->hits)) < 0 ||
		    !(h->src_ix = tm__realloc(h->src_ix, h->cap *
		    sizeof(size_t))) || !(h->tgt_ix = tm__realloc(h->tgt_ix,
		    h->cap * sizeof(size_t))))) {
			error = tm__error_nomem();
			goto done;
		}
		hit = &h->hits[h->n];
		memset(hit, 0, sizeof(*hit));
		hit->start = k.off[c->b];
		hit->len = k.off[c->e] - k.off[c->b];
		hit->entry_id = c->entry_id;
		h->src_ix[h->n] = h->nterms;
		tm__bind_int64(st, 1, c->term_id);
		if (tm__step(st) != TM__ROW) {
			error = tm__error_db(db, "glossary");
			goto done;
		}
		error = add_term(h, st);
		tm__reset(st);
		if (error)
			goto done;
		t0 = h->nterms;
		tm__bind_int64(tst, 1, c->entry_id);
		while ((rc = tm__step(tst)) == TM__ROW) {
			const char *lang = (const char *)
			    tm__column_text(tst, 1);

			if (to ? !tm_lang_match(to, lang) :
			    tm_lang_match(c->lang, lang))
				continue;
			if ((error = add_term(h, tst)) < 0)
				break;
		}
		tm__reset(tst);
		if (error)
			goto done;
		if (rc != TM__DONE) {
			error = tm__error_db(db, "glossary");
			goto done;
		}
		h->tgt_ix[h->n] = t0;
		hit->ntargets = h->nterms - t0;
		h->n++;
	}
	/* The terms array is final: point into it. */
	for (i = 0; i < h->n; i++) {
		h->hits[i].source = &h->terms[h->src_ix[i]];
		h->hits[i].targets = h->hits[i].ntargets ?
		    &h->terms[h->tgt_ix[i]] : NULL;
	}
	if (h->n > 1)
		qsort(h->hits, h->n, sizeof(*h->hits), cmp_hit);
done:
	tm__finalize(st);
	tm__finalize(tst);
	if (have_key)
		cpkey_release(&k);
	free(cands);
	free(used);
	free(heads);
	if (error) {
		tm_term_hits_free(h);
		return error;
	}
	*out = h;
	return 0;
}

size_t
tm_term_hits_count(const tm_term_hits *h)
{
	return h ? h->n : 0;
}

const tm_term_hit *
tm_term_hits_get(const tm_term_hits *h, size_t i)
{
	return h && i < h->n ? &h->hits[i] : NULL;
}

void
tm_term_hits_free(tm_term_hits *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nstrs; i++)
		free(h->strs[i]);
	free(h->strs);
	free(h->hits);
	free(h->terms);
	free(h->src_ix);
	free(h->tgt_ix);
	free(h);
}

static json_t *
term_json(const tm_term *t)
{
	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "text", t->text,
	    "lang", t->lang, "status", t->status, "pos", t->pos, "note",
	    t->note);
}

int
tm_term_hits_json(char **out, const char *text, const tm_term_hits *h)
{
	json_t *root, *arr, *o, *tg;
	size_t i, j;

	*out = NULL;
	if (!(root = json_pack("{s:s, s:[]}", "text", text ? text : "",
	    "hits")))
		return tm__error_nomem();
	arr = json_object_get(root, "hits");
	for (i = 0; i < tm_term_hits_count(h); i++) {
		const tm_term_hit *x = &h->hits[i];

		if (!(tg = json_array()))
			goto nomem;
		for (j = 0; j < x->ntargets; j++)
			if (json_array_append_new(tg,
			    term_json(&x->targets[j])) < 0)
				goto nomem_tg;
		o = json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:I, "
		    "s:o}", "start", (json_int_t)x->start, "len",
		    (json_int_t)x->len, "term", x->source->text, "lang",
		    x->source->lang, "status", x->source->status, "pos",
		    x->source->pos, "note", x->source->note, "entry",
		    (json_int_t)x->entry_id, "targets", tg);
		if (!o || json_array_append_new(arr, o) < 0)
			goto nomem;
	}
	*out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return *out ? 0 : tm__error_nomem();
nomem_tg:
	json_decref(tg);
nomem:
	json_decref(root);
	return tm__error_nomem();
}

/*
 * Importing
 * =========
 */

struct gterm {
	char *lang, *text, *status, *pos, *note, *created, *modified;
};

struct gentry {
	struct gterm *terms;
	size_t n, cap;
	char *note, *created, *modified, *ext_id;
	long line;
};

struct gimport {
	tm_db *db;
	const char *file;
	tm__stmt *ins_entry, *ins_term;
	tm_glossary_result res;
};

static void
gterm_release(struct gterm *t)
{
	free(t->lang);
	free(t->text);
	free(t->status);
	free(t->pos);
	free(t->note);
	free(t->created);
	free(t->modified);
	memset(t, 0, sizeof(*t));
}

static void
gentry_reset(struct gentry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		gterm_release(&e->terms[i]);
	free(e->terms);
	free(e->note);
	free(e->created);
	free(e->modified);
	free(e->ext_id);
	memset(e, 0, sizeof(*e));
}

/* Set *dst to a copy of s, or append "; s" to what is there. */
static int
set_or_append(char **dst, const char *s)
{
	char *n;
	size_t a, b;

	if (!s || !*s)
		return 0;
	if (!*dst)
		return (*dst = tm__strdup(s)) ? 0 : tm__error_nomem();
	a = strlen(*dst);
	b = strlen(s);
	if (!(n = tm__realloc(*dst, a + b + 3)))
		return tm__error_nomem();
	memcpy(n + a, "; ", 2);
	memcpy(n + a + 2, s, b + 1);
	*dst = n;
	return 0;
}

/* TBX, MultiTerm and our own spellings of a status, or NULL. */
static const char *
status_norm(const char *s)
{
	static const struct { const char *in, *out; } map[] = {
		{ "preferredTerm-admn-sts", "preferred" },
		{ "preferredTerm", "preferred" },
		{ "preferred", "preferred" },
		{ "standardizedTerm", "preferred" },
		{ "admittedTerm-admn-sts", "admitted" },
		{ "admittedTerm", "admitted" },
		{ "admitted", "admitted" },
		{ "legalTerm", "admitted" },
		{ "regulatedTerm", "admitted" },
		{ "deprecatedTerm-admn-sts", "deprecated" },
		{ "deprecatedTerm", "deprecated" },
		{ "deprecated", "deprecated" },
		{ "supersededTerm-admn-sts", "deprecated" },
		{ "supersededTerm", "deprecated" },
		{ "forbidden", "deprecated" },
	};
	size_t i;

	for (i = 0; s && i < TM__ARRAY_SIZE(map); i++)
		if (strcasecmp(s, map[i].in) == 0)
			return map[i].out;
	return NULL;
}

static int
gentry_store(struct gimport *gi, struct gentry *e)
{
	tm__stmt *st = gi->ins_entry;
	int64_t id;
	size_t i, nt = 0;
	int error = 0;

	for (i = 0; i < e->n; i++)
		if (e->terms[i].text && *e->terms[i].text)
			nt++;
	if (nt == 0)
		return 0;
	tm__bind_text(st, 1, gi->file, -1);
	tm__bind_text(st, 2, e->ext_id, -1);
	tm__bind_text(st, 3, e->note, -1);
	tm__bind_text(st, 4, e->created, -1);
	tm__bind_text(st, 5, e->modified, -1);
	if ((error = tm__step_done(gi->db, st, "cannot store a glossary "
	    "entry")) < 0)
		return error;
	tm__clear_bindings(st);
	id = gi->db->store->last_insert_id(gi->db);
	st = gi->ins_term;
	for (i = 0; i < e->n && !error; i++) {
		struct gterm *t = &e->terms[i];
		char lk[64], *key = NULL;

		if (!t->text || !*t->text)
			continue;
		if (tm_lang_key(lk, sizeof(lk), t->lang) < 0) {
			tm_error_clear();
			return tm__error(TM_EPARSE, "line %ld: '%s' is not a "
			    "language tag", e->line, t->lang);
		}
		if ((error = term_key(&key, t->text)) < 0)
			return error;
		tm__bind_int64(st, 1, id);
		tm__bind_int64(st, 2, (int64_t)i);
		tm__bind_text(st, 3, t->lang, -1);
		tm__bind_text(st, 4, lk, -1);
		tm__bind_text(st, 5, t->text, -1);
		tm__bind_text(st, 6, key, -1);
		tm__bind_text(st, 7, t->status, -1);
		tm__bind_text(st, 8, t->pos, -1);
		tm__bind_text(st, 9, t->note, -1);
		tm__bind_text(st, 10, t->created, -1);
		tm__bind_text(st, 11, t->modified, -1);
		tm__bind_text(st, 12, key, (int)head_len(key));
		error = tm__step_done(gi->db, st, "cannot store a term");
		tm__clear_bindings(st);
		free(key);
		gi->res.terms++;
	}
	if (!error)
		gi->res.entries++;
	return error;
}

/* TBX and MultiTerm XML, walked as a tree. */
struct tbx {
	struct gimport *gi;
	struct gentry e;
	bool in_entry;
	char *lang;		/* the language section's */
	struct gterm *term;	/* the term being read, or NULL */
	struct gterm cur;
	int error;
};

static const char *
lname(xmlNode *n)
{
	return (const char *)n->name;
}

static char *
content(xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s;
	size_t b, e;

	if (!c)
		return tm__strdup("");
	for (b = 0; c[b] == ' ' || c[b] == '\t' || c[b] == '\n' ||
	    c[b] == '\r'; b++)
		;
	for (e = strlen((char *)c); e > b && (c[e - 1] == ' ' ||
	    c[e - 1] == '\t' || c[e - 1] == '\n' || c[e - 1] == '\r'); e--)
		;
	s = tm__strndup((char *)c + b, e - b);
	xmlFree(c);
	return s;
}

static char *
attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = tm__strdup((char *)v);
	xmlFree(v);
	return s;
}

static char *
xml_lang(xmlNode *n)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"lang",
	    XML_XML_NAMESPACE);
	char *s;

	if (!v)
		v = xmlGetProp(n, (const xmlChar *)"lang");
	if (!v)
		return NULL;
	s = tm__strdup((char *)v);
	xmlFree(v);
	return s;
}

static int tbx_walk(struct tbx *t, xmlNode *n);

static int
tbx_children(struct tbx *t, xmlNode *n)
{
	xmlNode *c;
	int error = 0;

	for (c = n->children; c && !error; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			error = tbx_walk(t, c);
	return error;
}

/* transacGrp: <transac type="origination|modification"> and <date>. */
static int
tbx_transac(struct tbx *t, xmlNode *n)
{
	xmlNode *c;
	char *type = NULL, *date = NULL;
	char **created, **modified;
	int error = 0;

	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(lname(c), "transac") == 0 && !type)
			type = attr(c, "type");
		else if (strcmp(lname(c), "date") == 0 && !date)
			date = content(c);
	}
	created = t->term ? &t->term->created : &t->e.created;
	modified = t->term ? &t->term->modified : &t->e.modified;
	if (date && type && strcmp(type, "origination") == 0 && !*created)
		*created = date, date = NULL;
	else if (date && type && strcmp(type, "modification") == 0)
		free(*modified), *modified = date, date = NULL;
	free(type);
	free(date);
	return error;
}

static int
tbx_term_open(struct tbx *t, xmlNode *n)
{
	struct gentry *e = &t->e;
	int error;

	if (!t->lang)
		return tm__error(TM_EPARSE, "line %ld: a term outside a "
		    "language section (langSet, langSec or languageGrp "
		    "with xml:lang)", (long)xmlGetLineNo(n));
	if (e->n == e->cap && tm__grow((void **)&e->terms, &e->cap, e->n,
	    sizeof(*e->terms)) < 0)
		return tm__error_nomem();
	memset(&e->terms[e->n], 0, sizeof(e->terms[e->n]));
	if (!(e->terms[e->n].lang = tm__strdup(t->lang)))
		return tm__error_nomem();
	t->term = &e->terms[e->n++];
	error = tbx_children(t, n);
	if (!error && (!t->term->text || !*t->term->text))
		error = tm__error(TM_EPARSE, "line %ld: a term section "
		    "without a term", (long)xmlGetLineNo(n));
	t->term = NULL;
	return error;
}

static int
tbx_walk(struct tbx *t, xmlNode *n)
{
	const char *name = lname(n);
	int error = 0;

	if (strcmp(name, "martifHeader") == 0 ||
	    strcmp(name, "tbxHeader") == 0 || strcmp(name, "back") == 0)
		return 0;
	if (strcmp(name, "termEntry") == 0 ||
	    strcmp(name, "conceptEntry") == 0 ||
	    strcmp(name, "conceptGrp") == 0) {
		if (t->in_entry)
			return tm__error(TM_EPARSE, "line %ld: <%s> inside an "
			    "entry", (long)xmlGetLineNo(n), name);
		gentry_reset(&t->e);
		t->in_entry = true;
		t->e.line = xmlGetLineNo(n);
		t->e.ext_id = attr(n, "id");
		error = tbx_children(t, n);
		if (!error)
			error = gentry_store(t->gi, &t->e);
		gentry_reset(&t->e);
		t->in_entry = false;
		return error;
	}
	if (!t->in_entry)
		return tbx_children(t, n);
	if (strcmp(name, "langSet") == 0 || strcmp(name, "langSec") == 0) {
		char *saved = t->lang;

		if (!(t->lang = xml_lang(n))) {
			t->lang = saved;
			return tm__error(TM_EPARSE, "line %ld: <%s> without "
			    "xml:lang", (long)xmlGetLineNo(n), name);
		}
		error = tbx_children(t, n);
		free(t->lang);
		t->lang = saved;
		return error;
	}
	if (strcmp(name, "languageGrp") == 0) {
		/* MultiTerm: <language type="English" lang="EN-US"/>. */
		char *saved = t->lang;
		xmlNode *c;

		t->lang = NULL;
		for (c = n->children; c && !t->lang; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcmp(lname(c), "language") == 0)
				t->lang = attr(c, "lang");
		error = tbx_children(t, n);
		free(t->lang);
		t->lang = saved;
		return error;
	}
	if (strcmp(name, "tig") == 0 || strcmp(name, "ntig") == 0 ||
	    strcmp(name, "termSec") == 0 || (strcmp(name, "termGrp") == 0 &&
	    !t->term))
		return t->term ? tbx_children(t, n) : tbx_term_open(t, n);
	if (strcmp(name, "term") == 0) {
		if (!t->term)
			return tm__error(TM_EPARSE, "line %ld: <term> outside "
			    "tig, ntig or termSec", (long)xmlGetLineNo(n));
		free(t->term->text);
		if (!(t->term->text = content(n)))
			return tm__error_nomem();
		return 0;
	}
	if (strcmp(name, "termNote") == 0 || strcmp(name, "descrip") == 0 ||
	    strcmp(name, "note") == 0) {
		char *type = attr(n, "type"), *v = content(n);

		if (!v) {
			free(type);
			return tm__error_nomem();
		}
		if (type && strcmp(type, "partOfSpeech") == 0) {
			if (t->term)
				error = set_or_append(&t->term->pos, v);
		} else if (type && (strcmp(type, "administrativeStatus") == 0 ||
		    strcmp(type, "normativeAuthorization") == 0 ||
		    strcmp(type, "usageStatus") == 0)) {
			if (t->term && status_norm(v)) {
				free(t->term->status);
				if (!(t->term->status =
				    tm__strdup(status_norm(v))))
					error = tm__error_nomem();
			}
		} else if (strcmp(name, "termNote") != 0 || !type) {
			error = set_or_append(t->term ? &t->term->note :
			    &t->e.note, v);
		}
		free(type);
		free(v);
		return error;
	}
	if (strcmp(name, "transacGrp") == 0)
		return tbx_transac(t, n);
	return tbx_children(t, n);
}

/* The first error is the one to report: later ones follow from it. */
struct first_error {
	int code, line;
	char msg[256];
	bool set;
};

static void
on_first_error(void *ctx, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct first_error *fe = ctxt ? ctxt->_private : NULL;

	if (!fe || fe->set || !err || err->level < XML_ERR_ERROR)
		return;
	fe->set = true;
	fe->code = err->code;
	fe->line = err->line;
	snprintf(fe->msg, sizeof(fe->msg), "%s", err->message ? err->message :
	    "not well-formed XML");
}

/*
 * Parse a small XML file into a tree with no network, no DTD loaded and
 * no entity declared: a glossary or XLIFF file has no use for them.
 */
int
tm__xml_read_doc(xmlDoc **out, const char *path)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	struct tm__xml_errors quiet;
	int error = 0;

	*out = NULL;
	xmlInitParser();
	tm__xml_quiet(&quiet);
	struct first_error fe;

	memset(&fe, 0, sizeof(fe));
	if (!(ctxt = xmlNewParserCtxt())) {
		tm__xml_loud(&quiet);
		return tm__error_nomem();
	}
	ctxt->_private = &fe;
	ctxt->sax->serror = on_first_error;
	doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[256];
		size_t n;

		if (e && e->code == XML_IO_LOAD_ERROR) {
			error = tm__error(TM_EIO, "cannot read it: %s",
			    tm__strerror(errno ? errno : ENOENT));
		} else {
			if (fe.set)
				e = NULL;
			snprintf(msg, sizeof(msg), "%s", fe.set ? fe.msg :
			    e && e->message ? e->message :
			    "not well-formed XML");
			n = strlen(msg);
			while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
				msg[--n] = '\0';
			for (n = 0; msg[n]; n++)
				if (msg[n] == '\n')
					msg[n] = ' ';
			error = tm__error(TM_EPARSE, "line %d: %s", fe.set ?
			    fe.line : e ? e->line : 0, msg);
		}
	} else if (doc->intSubset && (doc->intSubset->entities ||
	    doc->intSubset->pentities)) {
		error = tm__error(TM_EPARSE, "line %ld: entity declarations "
		    "are refused (tm never expands or fetches entities)",
		    (long)xmlGetLineNo((xmlNode *)doc->intSubset));
	}
	xmlFreeParserCtxt(ctxt);
	tm__xml_loud(&quiet);
	if (error) {
		xmlFreeDoc(doc);
		return error;
	}
	*out = doc;
	return 0;
}

static int
import_tbx(struct gimport *gi, const char *path)
{
	xmlDoc *doc = NULL;
	xmlNode *root;
	struct tbx t;
	int error;

	memset(&t, 0, sizeof(t));
	t.gi = gi;
	if ((error = tm__xml_read_doc(&doc, path)) < 0)
		return error;
	root = xmlDocGetRootElement(doc);
	if (!root || (strcmp(lname(root), "martif") != 0 &&
	    strcmp(lname(root), "tbx") != 0 &&
	    strcmp(lname(root), "mtf") != 0)) {
		error = tm__error(TM_EPARSE, "line %ld: <%s> is not a TBX "
		    "document (martif, tbx) or a MultiTerm export (mtf)",
		    root ? (long)xmlGetLineNo(root) : 1L,
		    root ? lname(root) : "");
		goto done;
	}
	error = tbx_walk(&t, root);
done:
	gentry_reset(&t.e);
	free(t.lang);
	xmlFreeDoc(doc);
	return error;
}

/* CSV and TSV through libcsv, fed a line at a time for line numbers. */
enum col_kind { COL_LANG, COL_NOTE, COL_POS, COL_STATUS };

struct csvin {
	struct gimport *gi;
	long line;
	size_t row, field;
	char **header;
	int *kinds;
	size_t ncols, hcap;
	struct gentry e;
	int error;
};

static int
csv_add_terms(struct csvin *c, const char *lang, const char *cell)
{
	struct gentry *e = &c->e;
	const char *p = cell, *bar;

	while (*p) {
		size_t b = 0, len;

		bar = strstr(p, " | ");
		len = bar ? (size_t)(bar - p) : strlen(p);
		while (b < len && p[b] == ' ')
			b++;
		while (len > b && p[len - 1] == ' ')
			len--;
		if (len > b) {
			if (e->n == e->cap && tm__grow((void **)&e->terms,
			    &e->cap, e->n, sizeof(*e->terms)) < 0)
				return tm__error_nomem();
			memset(&e->terms[e->n], 0, sizeof(e->terms[e->n]));
			if (!(e->terms[e->n].lang = tm__strdup(lang)) ||
			    !(e->terms[e->n].text = tm__strndup(p + b,
			    len - b))) {
				e->n++;
				return tm__error_nomem();
			}
			e->n++;
		}
		p = bar ? bar + 3 : p + strlen(p);
	}
	return 0;
}

static void
on_csv_field(void *s, size_t len, void *payload)
{
	struct csvin *c = payload;
	const char *f = s ? s : "";
	size_t col = c->field++;

	if (c->error)
		return;
	if (tm__utf8_valid(f, len) != len) {
		c->error = tm__error(TM_EUTF8, "line %ld: field %zu is not "
		    "valid UTF-8", c->line, col + 1);
		return;
	}
	if (c->row == 0 && col == 0 && len >= 3 &&
	    memcmp(f, "\xef\xbb\xbf", 3) == 0) {
		f += 3;
		len -= 3;
	}
	if (c->row == 0) {
		char lk[64], *name;
		int kind = COL_LANG;

		if (c->ncols == c->hcap && (tm__grow((void **)&c->header,
		    &c->hcap, c->ncols, sizeof(*c->header)) < 0 ||
		    !(c->kinds = tm__realloc(c->kinds, c->hcap *
		    sizeof(*c->kinds))))) {
			c->error = tm__error_nomem();
			return;
		}
		if (!(name = tm__strndup(f, len))) {
			c->error = tm__error_nomem();
			return;
		}
		c->header[c->ncols] = name;
		if (strcasecmp(name, "note") == 0 ||
		    strcasecmp(name, "notes") == 0 ||
		    strcasecmp(name, "comment") == 0 ||
		    strcasecmp(name, "definition") == 0)
			kind = COL_NOTE;
		else if (strcasecmp(name, "pos") == 0 ||
		    strcasecmp(name, "part of speech") == 0)
			kind = COL_POS;
		else if (strcasecmp(name, "status") == 0)
			kind = COL_STATUS;
		else if (!*name || len > 35 || strspn(name, "abcdefghijklmnop"
		    "qrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") < 2 ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ") > 3 || tm_lang_key(lk, sizeof(lk), name) < 0) {
			tm_error_clear();
			c->error = tm__error(TM_EPARSE, "line %ld: column %zu "
			    "'%s' is neither a language tag nor note, pos or "
			    "status", c->line, col + 1, name);
		}
		c->kinds[c->ncols++] = kind;
		return;
	}
	if (col >= c->ncols) {
		c->error = tm__error(TM_EPARSE, "line %ld: %zu fields, but the "
		    "header names %zu columns", c->line, col + 1, c->ncols);
		return;
	}
	{
		char *v = tm__strndup(f, len);
		size_t i;

		if (!v) {
			c->error = tm__error_nomem();
			return;
		}
		switch (c->kinds[col]) {
		case COL_LANG:
			c->error = csv_add_terms(c, c->header[col], v);
			break;
		case COL_NOTE:
			c->error = set_or_append(&c->e.note, v);
			break;
		case COL_POS:
		case COL_STATUS:
			if (c->kinds[col] == COL_STATUS && *v &&
			    !status_norm(v)) {
				c->error = tm__error(TM_EPARSE, "line %ld: "
				    "status '%s' is not preferred, admitted "
				    "or deprecated", c->line, v);
				break;
			}
			/* Applies to the terms of the row read so far. */
			for (i = 0; i < c->e.n && *v; i++) {
				char **dst = c->kinds[col] == COL_POS ?
				    &c->e.terms[i].pos : &c->e.terms[i].status;

				free(*dst);
				if (!(*dst = tm__strdup(c->kinds[col] ==
				    COL_POS ? v : status_norm(v)))) {
					c->error = tm__error_nomem();
					break;
				}
			}
			break;
		}
		free(v);
	}
}

static void
on_csv_row(int ch, void *payload)
{
	struct csvin *c = payload;
	size_t i;
	bool lang = false;

	(void)ch;
	if (!c->error && c->row == 0) {
		for (i = 0; i < c->ncols; i++)
			lang = lang || c->kinds[i] == COL_LANG;
		if (!lang)
			c->error = tm__error(TM_EPARSE, "line %ld: the header "
			    "names no language", c->line);
	} else if (!c->error) {
		c->e.line = c->line;
		c->error = gentry_store(c->gi, &c->e);
	}
	gentry_reset(&c->e);
	c->row++;
	c->field = 0;
}

static int
import_csv(struct gimport *gi, const char *path, bool tsv)
{
	struct csv_parser p;
	struct csvin c;
	FILE *f;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int error = 0;

	memset(&c, 0, sizeof(c));
	c.gi = gi;
	if (!(f = fopen(path, "rb")))
		return tm__error(TM_EIO, "cannot read it: %s",
		    tm__strerror(errno));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL |
	    CSV_EMPTY_IS_NULL)
	    != 0) {
		fclose(f);
		return tm__error_nomem();
	}
	if (tsv) {
		/* TSV (OmegaT's) has no quoting. */
		csv_set_delim(&p, '\t');
		csv_set_quote(&p, '\0');
	}
	while (!c.error && (n = getline(&line, &cap, f)) >= 0) {
		c.line++;
		if (memchr(line, '\0', (size_t)n)) {
			c.error = tm__error(TM_EPARSE, "line %ld: a NUL byte: "
			    "not a text file", c.line);
			break;
		}
		if (csv_parse(&p, line, (size_t)n, on_csv_field, on_csv_row,
		    &c) != (size_t)n && !c.error)
			c.error = tm__error(TM_EPARSE, "line %ld: %s", c.line,
			    csv_strerror(csv_error(&p)));
	}
	if (!c.error && ferror(f))
		c.error = tm__error(TM_EIO, "cannot read it: %s",
		    tm__strerror(errno));
	if (!c.error && csv_fini(&p, on_csv_field, on_csv_row, &c) != 0)
		c.error = tm__error(TM_EPARSE, "line %ld: %s (an unclosed "
		    "quote?)", c.line, csv_strerror(csv_error(&p)));
	if (!c.error && c.row == 0)
		c.error = tm__error(TM_EPARSE, "line 1: empty: no header row "
		    "naming the languages");
	error = c.error;
	csv_free(&p);
	free(line);
	fclose(f);
	gentry_reset(&c.e);
	for (i = 0; i < c.ncols; i++)
		free(c.header[i]);
	free(c.header);
	free(c.kinds);
	return error;
}

/* By the content: '<' first: XML; a tab in the first line: TSV. */
static int
sniff(const char *path, const char **format)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t n, i = 0;

	if (!f)
		return tm__error(TM_EIO, "cannot read it: %s",
		    tm__strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' ||
	    buf[i] == '\t'))
		i++;
	if (i < n && buf[i] == '<') {
		*format = "tbx";
		return 0;
	}
	*format = "csv";
	for (; i < n && buf[i] != '\n'; i++)
		if (buf[i] == '\t') {
			*format = "tsv";
			break;
		}
	return 0;
}

int
tm_glossary_import(tm_glossary_result *out, tm_db *db, const char *path,
    const char *format)
{
	struct gimport gi;
	int error = 0;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!db || !path)
		return tm__error(TM_EINVAL, "glossary import: no file");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	if (format && strcmp(format, "tbx") != 0 && strcmp(format, "csv") &&
	    strcmp(format, "tsv"))
		return tm__error(TM_EINVAL, "unknown glossary format '%s': "
		    "tbx, csv or tsv", format);
	memset(&gi, 0, sizeof(gi));
	gi.db = db;
	gi.file = path;
	if (!format && (error = sniff(path, &format)) < 0)
		goto done;
	if ((error = tm__begin_write(db)) < 0)
		goto done;
	/* A file imported again replaces what it brought before. */
	{
		tm__stmt *del = NULL;

		if ((error = tm__prepare(db, &del, "DELETE FROM gloss_entry "
		    "WHERE file = ?")) < 0)
			goto rollback;
		tm__bind_text(del, 1, path, -1);
		error = tm__step_done(db, del, "cannot replace the file's "
		    "entries");
		tm__finalize(del);
		if (error)
			goto rollback;
	}
	if ((error = tm__prepare(db, &gi.ins_entry, "INSERT INTO gloss_entry "
	    "(file, ext_id, note, created, modified) VALUES (?,?,?,?,?)")) < 0 ||
	    (error = tm__prepare(db, &gi.ins_term, "INSERT INTO gloss_term "
	    "(entry_id, ord, lang, lang_key, text, key, status, pos, note, "
	    "created, modified, head) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) < 0)
		goto rollback;
	if (strcmp(format, "tbx") == 0)
		error = import_tbx(&gi, path);
	else
		error = import_csv(&gi, path, strcmp(format, "tsv") == 0);
	tm__finalize(gi.ins_entry);
	tm__finalize(gi.ins_term);
	gi.ins_entry = gi.ins_term = NULL;
	if (!error)
		error = tm__exec(db, "COMMIT");
rollback:
	tm__finalize(gi.ins_entry);
	tm__finalize(gi.ins_term);
	if (error)
		tm__exec_quiet(db, "ROLLBACK");
done:
	if (error) {
		tm__error_prefix("'%s'", path);
		return error;
	}
	if (out)
		*out = gi.res;
	return 0;
}

/*
 * Exporting
 * =========
 */

static const char *
tbx_status(const char *s)
{
	if (!s)
		return NULL;
	if (strcmp(s, "preferred") == 0)
		return "preferredTerm-admn-sts";
	if (strcmp(s, "admitted") == 0)
		return "admittedTerm-admn-sts";
	if (strcmp(s, "deprecated") == 0)
		return "deprecatedTerm-admn-sts";
	return NULL;
}

static int
xml_el(struct tm__buf *b, const char *indent, const char *open,
    const char *value, const char *close)
{
	int error;

	if (!value)
		return 0;
	if ((error = tm__buf_printf(b, "%s%s", indent, open)) < 0 ||
	    (error = tm__buf_add_xml(b, value, strlen(value), false)) < 0)
		return error;
	return tm__buf_printf(b, "%s\n", close);
}

static int
export_tbx(struct tm__buf *b, tm_db *db)
{
	tm__stmt *e = NULL, *t = NULL;
	int error, rc;

	if ((error = tm__buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<martif type=\"TBX-Basic\" xml:lang=\"en\">\n"
	    "  <martifHeader>\n    <fileDesc>\n      <sourceDesc>\n"
	    "        <p>exported by tm</p>\n      </sourceDesc>\n"
	    "    </fileDesc>\n  </martifHeader>\n  <text>\n    <body>\n")) < 0)
		return error;
	if ((error = tm__prepare(db, &e, "SELECT id, note FROM gloss_entry "
	    "ORDER BY id")) < 0 ||
	    (error = tm__prepare(db, &t, "SELECT lang, text, status, pos, "
	    "note, created, modified FROM gloss_term WHERE entry_id = ? "
	    "ORDER BY lang_key, ord")) < 0)
		goto done;
	while (!error && (rc = tm__step(e)) == TM__ROW) {
		char prev[128] = "";

		error = tm__buf_printf(b, "      <termEntry id=\"e%lld\">\n",
		    (long long)tm__column_int64(e, 0));
		if (!error)
			error = xml_el(b, "        ",
			    "<descrip type=\"definition\">",
			    (const char *)tm__column_text(e, 1),
			    "</descrip>");
		tm__bind_int64(t, 1, tm__column_int64(e, 0));
		while (!error && (rc = tm__step(t)) == TM__ROW) {
			const char *lang = (const char *)
			    tm__column_text(t, 0);
			const char *st = tbx_status((const char *)
			    tm__column_text(t, 2));

			if (strcmp(prev, lang) != 0) {
				if (*prev)
					error = tm__buf_adds(b,
					    "        </langSet>\n");
				if (!error)
					error = tm__buf_adds(b,
					    "        <langSet xml:lang=\"");
				if (!error)
					error = tm__buf_add_xml(b, lang,
					    strlen(lang), true);
				if (!error)
					error = tm__buf_adds(b, "\">\n");
				snprintf(prev, sizeof(prev), "%s", lang);
			}
			if (!error)
				error = tm__buf_adds(b, "          <tig>\n");
			if (!error)
				error = xml_el(b, "            ", "<term>",
				    (const char *)tm__column_text(t, 1),
				    "</term>");
			if (!error)
				error = xml_el(b, "            ",
				    "<termNote type=\"partOfSpeech\">",
				    (const char *)tm__column_text(t, 3),
				    "</termNote>");
			if (!error)
				error = xml_el(b, "            ",
				    "<termNote type=\"administrativeStatus\">",
				    st, "</termNote>");
			if (!error)
				error = xml_el(b, "            ", "<note>",
				    (const char *)tm__column_text(t, 4),
				    "</note>");
			if (!error && tm__column_text(t, 5))
				error = xml_el(b, "            ",
				    "<transacGrp><transac type=\"origination\">"
				    "tm</transac><date>",
				    (const char *)tm__column_text(t, 5),
				    "</date></transacGrp>");
			if (!error && tm__column_text(t, 6))
				error = xml_el(b, "            ",
				    "<transacGrp><transac type=\"modification\">"
				    "tm</transac><date>",
				    (const char *)tm__column_text(t, 6),
				    "</date></transacGrp>");
			if (!error)
				error = tm__buf_adds(b, "          </tig>\n");
		}
		tm__reset(t);
		if (!error && *prev)
			error = tm__buf_adds(b, "        </langSet>\n");
		if (!error)
			error = tm__buf_adds(b, "      </termEntry>\n");
	}
	if (!error && rc != TM__DONE)
		error = tm__error_db(db, "glossary export");
	if (!error)
		error = tm__buf_adds(b, "    </body>\n  </text>\n</martif>\n");
done:
	tm__finalize(e);
	tm__finalize(t);
	return error;
}

static int
csv_cell(struct tm__buf *b, const char *s, bool tsv, bool first)
{
	size_t n = s ? strlen(s) : 0, need = n * 2 + 3;
	int error;

	if (!first && (error = tm__buf_addc(b, tsv ? '\t' : ',')) < 0)
		return error;
	if (!s)
		return 0;
	if ((error = tm__buf_grow(b, need + 1)) < 0)
		return error;
	if (tsv) {
		size_t i;

		/* TSV has no quoting: tabs and newlines become spaces. */
		for (i = 0; i < n && !error; i++)
			error = tm__buf_addc(b, s[i] == '\t' || s[i] == '\n' ||
			    s[i] == '\r' ? ' ' : s[i]);
		return error;
	}
	/* Quoted only when it must be, as spreadsheets write it. */
	if (n && !strpbrk(s, ",\"\r\n") && s[0] != ' ' && s[n - 1] != ' ')
		return tm__buf_add(b, s, n);
	b->len += csv_write(b->ptr + b->len, need, s, n);
	b->ptr[b->len] = '\0';
	return 0;
}

static int
export_csv(struct tm__buf *b, tm_db *db, bool tsv)
{
	tm__stmt *l = NULL, *e = NULL, *t = NULL;
	char **langs = NULL;
	struct tm__buf cell = { 0 };
	size_t nl = 0, lcap = 0, i;
	int error, rc;

	if ((error = tm__prepare(db, &l, "SELECT lang FROM gloss_term "
	    "GROUP BY lang ORDER BY min(id)")) < 0)
		goto done;
	while ((rc = tm__step(l)) == TM__ROW) {
		if (nl == lcap && tm__grow((void **)&langs, &lcap, nl,
		    sizeof(*langs)) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		if (!(langs[nl++] = tm__strdup((const char *)
		    tm__column_text(l, 0)))) {
			error = tm__error_nomem();
			goto done;
		}
	}
	for (i = 0; i < nl && !error; i++)
		error = csv_cell(b, langs[i], tsv, i == 0);
	if (!error)
		error = csv_cell(b, "note", tsv, nl == 0);
	if (!error)
		error = tm__buf_adds(b, "\n");
	if (error || (error = tm__prepare(db, &e, "SELECT id, note FROM "
	    "gloss_entry ORDER BY id")) < 0 ||
	    (error = tm__prepare(db, &t, "SELECT text FROM gloss_term WHERE "
	    "entry_id = ? AND lang = ? ORDER BY ord")) < 0)
		goto done;
	while (!error && (rc = tm__step(e)) == TM__ROW) {
		for (i = 0; i < nl && !error; i++) {
			tm__buf_reset(&cell);
			tm__bind_int64(t, 1, tm__column_int64(e, 0));
			tm__bind_text(t, 2, langs[i], -1);
			while (!error && tm__step(t) == TM__ROW) {
				if (cell.len)
					error = tm__buf_adds(&cell, " | ");
				if (!error)
					error = tm__buf_adds(&cell, (const char *)
					    tm__column_text(t, 0));
			}
			tm__reset(t);
			if (!error)
				error = csv_cell(b, tm__buf_str(&cell), tsv,
				    i == 0);
		}
		if (!error)
			error = csv_cell(b, (const char *)
			    tm__column_text(e, 1), tsv, nl == 0);
		if (!error)
			error = tm__buf_adds(b, "\n");
	}
done:
	for (i = 0; i < nl; i++)
		free(langs[i]);
	free(langs);
	tm__buf_release(&cell);
	tm__finalize(l);
	tm__finalize(e);
	tm__finalize(t);
	return error;
}

int
tm_glossary_export(char **out, size_t *len, tm_db *db, const char *format)
{
	struct tm__buf b = { 0 };
	int error;

	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (!out || !db)
		return tm__error(TM_EINVAL, "glossary export: no database");
	if (!format || strcmp(format, "tbx") == 0)
		error = export_tbx(&b, db);
	else if (strcmp(format, "csv") == 0 || strcmp(format, "tsv") == 0)
		error = export_csv(&b, db, strcmp(format, "tsv") == 0);
	else
		error = tm__error(TM_EINVAL, "unknown glossary format '%s': "
		    "tbx, csv or tsv", format);
	if (!error && !b.ptr)
		error = tm__buf_adds(&b, "");
	if (error) {
		tm__buf_release(&b);
		return error;
	}
	if (len)
		*len = b.len;
	*out = tm__buf_detach(&b);
	return 0;
}

/* Whether the Latin word that a term ends at cp e ends there or in -s. */
static bool
plural_end(const struct cpkey *k, size_t e)
{
	size_t n = 0;

	while (e + n < k->ncp && latin(k->cp[e + n]))
		n++;
	if (n == 0)
		return true;
	if (n == 1)
		return k->cp[e] == 's' || k->cp[e] == 'S';
	return n == 2 && (k->cp[e] == 'e' || k->cp[e] == 'E') &&
	    (k->cp[e + 1] == 's' || k->cp[e + 1] == 'S');
}

int
tm__gloss_contains(const char *text, const char *term, size_t *start,
    size_t *len)
{
	return tm__gloss_find_from(text, 0, term, start, len);
}

int
tm__gloss_find_from(const char *text, size_t from, const char *term,
    size_t *start, size_t *len)
{
	struct cpkey k;
	char *key = NULL;
	const char *hay, *p;
	size_t b, e;
	int error, found = 0;

	if ((error = term_key(&key, term)) < 0)
		return error;
	if (!*key) {
		free(key);
		return 0;
	}
	if ((error = cpkey_make(&k, text, strlen(text))) < 0) {
		free(key);
		return error;
	}
	hay = tm__buf_str(&k.key);
	for (p = strstr(hay, key); p && !found; p = strstr(p + 1, key)) {
		if (!find_cp(&k, (size_t)(p - hay), &b) ||
		    !find_cp(&k, (size_t)(p - hay) + strlen(key), &e) ||
		    e <= b)
			continue;
		while (e > b && k.kstart[e - 1] == k.kstart[e])
			e--;
		/* Nor white space before it. */
		while (b < e && k.kstart[b] == k.kstart[b + 1])
			b++;
		/*
		 * "Li Ming" is not in "Ali Ming" nor in "Li Mingde"; "mask"
		 * is in "masks".
		 */
		if (k.off[b] < from || (latin(k.cp[b]) && b > 0 && latin(k.cp[b - 1])) ||
		    (latin(k.cp[e - 1]) && !plural_end(&k, e)))
			continue;
		found = 1;
		*start = k.off[b];
		*len = k.off[e] - k.off[b];
	}
	cpkey_release(&k);
	free(key);
	return found;
}

int
tm_glossary_result_json(char **out, const char *file,
    const tm_glossary_result *r)
{
	json_t *o = json_pack("{s:s, s:I, s:I}", "file", file ? file : "",
	    "entries", (json_int_t)r->entries, "terms", (json_int_t)r->terms);

	*out = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	return *out ? 0 : tm__error_nomem();
}
