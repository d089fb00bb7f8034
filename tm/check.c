/*
 * check.c: QA of one translated segment (tm_check_segment): numbers,
 * dates and times read by quantity.c on both sides and compared by
 * value; glossary terms through glossary.c; then the mechanical checks
 * (empty, untranslated, same as source, tags, spaces, brackets,
 * quotes).  Each finding says what was expected.
 */
#include "tm-int.h"
#include "i18n.h"
#include "quantity.h"
#include "titles.h"

#include <math.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

struct tm_findings {
	tm_finding *f;
	size_t n, cap;
};


/*
 * A quantity's value as an int for dates, times and counts: values far
 * out of any such range (a number of 55 digits) become -1 rather than
 * overflow the conversion.
 */
static int
ival(double v)
{
	return v >= -1e9 && v <= 1e9 ? (int)v : -1;
}

/* A finding with its message in English and in the user's language. */
static int
add_texts(tm_findings *fs, const char *kind, size_t ss, size_t sl,
    size_t ts, size_t tl, const char *expected, char *msg, char *text)
{
	tm_finding *f;

	if (!msg || !text || (fs->n == fs->cap && tm__grow((void **)&fs->f,
	    &fs->cap, fs->n, sizeof(*fs->f)) < 0)) {
		free(msg);
		free(text);
		return tm__error_nomem();
	}
	f = &fs->f[fs->n];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->message = msg;
	f->text = text;
	if (expected && !(f->expected = tm__strdup(expected))) {
		free(msg);
		free(text);
		return tm__error_nomem();
	}
	f->src_start = ss;
	f->src_len = sl;
	f->tgt_start = ts;
	f->tgt_len = tl;
	fs->n++;
	return 0;
}

static char *
vformat(const char *fmt, va_list ap) TM__PRINTF(1, 0);

static char *
vformat(const char *fmt, va_list ap)
{
	struct tm__buf b = { 0 };

	if (tm__buf_vprintf(&b, fmt, ap) < 0) {
		tm__buf_release(&b);
		return NULL;
	}
	return tm__buf_detach(&b);
}

static char *
format(const char *fmt, ...) TM__PRINTF(1, 2);

static char *
format(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

/*
 * A finding whose message is fmt: in English for the machine formats
 * (JSON, XLIFF notes), in the user's language for people.
 */
static int
add(tm_findings *fs, const char *kind, size_t ss, size_t sl, size_t ts,
    size_t tl, const char *expected, const char *fmt, ...)
    TM__PRINTF(8, 9);

static int
add(tm_findings *fs, const char *kind, size_t ss, size_t sl, size_t ts,
    size_t tl, const char *expected, const char *fmt, ...)
{
	char *msg, *text;
	va_list ap;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	text = vformat(_(fmt), ap);
	va_end(ap);
	return add_texts(fs, kind, ss, sl, ts, tl, expected, msg, text);
}

/* 50000 as "50,000"; 1.5 as "1.5". */
static void
fmt_num(char *out, size_t size, double v)
{
	char raw[64], *p = raw;
	size_t n, i, o = 0;

	if (v != floor(v) || v > 1e15) {
		snprintf(out, size, "%g", v);
		return;
	}
	snprintf(raw, sizeof(raw), "%.0f", v);
	n = strlen(raw);
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	out[o] = '\0';
}

/* The expected English forms of a number. */
static void
expect_num(char *out, size_t size, double v, bool percent)
{
	char a[64];

	fmt_num(a, sizeof(a), v);
	if (percent)
		snprintf(out, size, "%s%% or %s percent", a, a);
	else if (v >= 1e9 && fmod(v, 1e7) == 0)
		snprintf(out, size, "%s or %g billion", a, v / 1e9);
	else if (v >= 1e6 && fmod(v, 1e4) == 0)
		snprintf(out, size, "%s or %g million", a, v / 1e6);
	else
		snprintf(out, size, "%s", a);
}

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const day_names[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};

static bool
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Whether text[0..end) ends with the UTF-8 string w. */
static bool
ends(const char *text, size_t end, const char *w)
{
	size_t n = strlen(w);

	return end >= n && memcmp(text + end - n, w, n) == 0;
}


static bool
ascii_alpha(char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool
in_spans(const size_t *sp, size_t nsp, size_t pos)
{
	size_t i;

	for (i = 0; i < nsp; i++)
		if (pos >= sp[2 * i] && pos < sp[2 * i + 1])
			return true;
	return false;
}

/*
 * Whether s[b..e) (between < and >) reads as markup: a name, then
 * nothing, '/' or attributes (name="value").  "<Annex 1>" in plain text
 * is text.
 */
static bool
markup(const char *s, size_t b, size_t e)
{
	size_t i = b;

	if (s[i] == '/')
		i++;
	while (i < e && (ascii_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') ||
	    s[i] == ':' || s[i] == '_' || s[i] == '-' || s[i] == '.'))
		i++;
	while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	if (i == e || (s[i] == '/' && i + 1 == e))
		return true;
	/* An attribute: a name and '='. */
	while (i < e && s[i] != '=' && s[i] != ' ')
		i++;
	return i < e && s[i] == '=';
}

/* Inline tags: <...> starting with a letter or '/'; 2 offsets each. */
static int
tag_spans(size_t **out, size_t *n, const char *s)
{
	size_t cap = 0, i, j;

	*out = NULL;
	*n = 0;
	for (i = 0; s[i]; i++) {
		if (s[i] != '<' || !(s[i + 1] == '/' ||
		    ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z')))
			continue;
		for (j = i + 1; s[j] && s[j] != '>' && s[j] != '<'; j++)
			;
		if (s[j] != '>' || !markup(s, i + 1, j))
			continue;
		if (*n * 2 + 2 > cap) {
			size_t *p = tm__realloc(*out, (cap ? cap * 2 : 8) *
			    sizeof(size_t));

			if (!p)
				return tm__error_nomem();
			*out = p;
			cap = cap ? cap * 2 : 8;
		}
		(*out)[2 * *n] = i;
		(*out)[2 * *n + 1] = j + 1;
		(*n)++;
		i = j;
	}
	return 0;
}

/*
 * The tag's name with its '/' and its id, for comparing: "g#1", "/g",
 * "x#2", "bx#3" (XLIFF codes pair up by id; a tag without one is its
 * name alone).
 */
static void
tag_name(char *out, size_t size, const char *s, size_t b, size_t e)
{
	size_t i = b + 1, o = 0;
	const char *id;

	if (s[i] == '/' && o + 1 < size)
		out[o++] = s[i++];
	while (i < e && o + 1 < size && s[i] != ' ' && s[i] != '>' &&
	    s[i] != '/')
		out[o++] = s[i++];
	out[o] = '\0';
	if (out[0] == '/')
		return;
	for (id = s + i; id + 5 < s + e; id++)
		if (strncmp(id, " id=", 4) == 0 && (id[4] == '"' ||
		    id[4] == '\''))
			break;
	if (id + 5 >= s + e || o + 2 >= size)
		return;
	out[o++] = '#';
	for (i = (size_t)(id + 5 - s); i < e && s[i] != id[4] && o + 1 < size;
	    i++)
		out[o++] = s[i];
	out[o] = '\0';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "g#1" as the tag it stands for: <g id="1">, <x id="2"/>. */
static int
add_tag_name(struct tm__buf *b, const char *name)
{
	const char *h = strchr(name, '#');

	if (!h)
		return tm__buf_printf(b, "<%s>", name);
	return tm__buf_printf(b, "<%.*s id=\"%s\"%s>", (int)(h - name), name,
	    h + 1, strncmp(name, "g#", 2) == 0 ? "" : "/");
}

/* The tags of a[] (sorted) not in b[] (sorted), as a list. */
static int
missing_tags(struct tm__buf *out, const char *what, char **a, size_t na,
    char **b, size_t nb)
{
	size_t i = 0, j = 0, n = 0;
	int error = 0, c;

	while (i < na && !error) {
		c = j < nb ? strcmp(a[i], b[j]) : -1;
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		if (a[i][0] != '/' && n++ < 5)
			error = tm__buf_adds(out, n == 1 ? what : ", ");
		if (!error && a[i][0] != '/' && n <= 5)
			error = add_tag_name(out, a[i]);
		i++;
	}
	if (!error && n > 5)
		error = tm__buf_printf(out, " and %zu more", n - 5);
	return error;
}

static int
check_tags(tm_findings *fs, const char *src, const size_t *ss, size_t ns,
    const char *tgt, const size_t *ts, size_t nt)
{
	char (*a)[32] = NULL, (*b)[32] = NULL;
	char **pa = NULL, **pb = NULL;
	struct tm__buf why = { 0 }, lwhy = { 0 };
	size_t i;
	int error = 0;
	bool differ = ns != nt;

	if ((ns && (!(a = tm__calloc(ns, sizeof(*a))) ||
	    !(pa = tm__calloc(ns, sizeof(*pa))))) ||
	    (nt && (!(b = tm__calloc(nt, sizeof(*b))) ||
	    !(pb = tm__calloc(nt, sizeof(*pb)))))) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < ns; i++) {
		tag_name(a[i], sizeof(a[i]), src, ss[2 * i], ss[2 * i + 1]);
		pa[i] = a[i];
	}
	for (i = 0; i < nt; i++) {
		tag_name(b[i], sizeof(b[i]), tgt, ts[2 * i], ts[2 * i + 1]);
		pb[i] = b[i];
	}
	if (ns)
		qsort(pa, ns, sizeof(*pa), cmp_str);
	if (nt)
		qsort(pb, nt, sizeof(*pb), cmp_str);
	for (i = 0; i < ns && !differ; i++)
		differ = strcmp(pa[i], pb[i]) != 0;
	if (!differ)
		goto done;
	if ((error = missing_tags(&why, "; not in the target: ", pa, ns, pb,
	    nt)) < 0 || (error = missing_tags(&why, "; not in the source: ",
	    pb, nt, pa, ns)) < 0 ||
	    (error = missing_tags(&lwhy, _("; not in the target: "), pa, ns,
	    pb, nt)) < 0 || (error = missing_tags(&lwhy,
	    _("; not in the source: "), pb, nt, pa, ns)) < 0) {
		error = tm__error_nomem();
		goto done;
	}
	error = add_texts(fs, "tags", 0, 0, 0, 0, NULL,
	    format("the source has %zu inline tag%s, the target %zu%s%s", ns,
	    ns == 1 ? "" : "s", nt, ns == nt && !why.len ? " of other kinds" :
	    "", tm__buf_str(&why)),
	    format(ns == nt && !why.len ?
	    P_("the source has %zu inline tag, the target %zu of other "
	    "kinds%s", "the source has %zu inline tags, the target %zu of "
	    "other kinds%s", ns) :
	    P_("the source has %zu inline tag, the target %zu%s",
	    "the source has %zu inline tags, the target %zu%s", ns), ns, nt,
	    tm__buf_str(&lwhy)));
done:
	tm__buf_release(&why);
	tm__buf_release(&lwhy);
	free(a);
	free(b);
	free(pa);
	free(pb);
	return error;
}

/* A target time: hour (24h) and minute, when one starts at q[k]. */
static bool
target_time(const char *t, const struct tm__qty_list *l, size_t k, int *h,
    int *m, size_t *end)
{
	const struct tm__qty *q = &l->q[k];
	double v = q->value;
	size_t e = q->end;
	bool colon = false;
	int hh, mm = 0;

	if (q->kind != TM__QTY_NUMBER || v < 0 || v >= 25)
		return false;
	hh = ival(floor(v));
	if (v != floor(v))
		mm = ival(round((v - hh) * 100));
	if (t[e] == ':' && k + 1 < l->n && l->q[k + 1].start == e + 1 &&
	    l->q[k + 1].kind == TM__QTY_NUMBER) {
		mm = ival(l->q[k + 1].value);
		e = l->q[k + 1].end;
		colon = true;
	}
	while (t[e] == ' ')
		e++;
	if (strncasecmp(t + e, "a.m.", 4) == 0 ||
	    (strncasecmp(t + e, "am", 2) == 0 && !((t[e + 2] | 0x20) >= 'a' &&
	    (t[e + 2] | 0x20) <= 'z'))) {
		if (hh == 12)
			hh = 0;
	} else if (strncasecmp(t + e, "p.m.", 4) == 0 ||
	    (strncasecmp(t + e, "pm", 2) == 0 && !((t[e + 2] | 0x20) >= 'a' &&
	    (t[e + 2] | 0x20) <= 'z'))) {
		if (hh < 12)
			hh += 12;
	} else if (strncasecmp(t + e, "noon", 4) == 0 && hh == 12) {
		;
	} else if (!colon) {
		return false;
	}
	*h = hh;
	*m = mm;
	*end = e;
	return true;
}

/*
 * English ordinal words of the target as numbers (第二次 = the second
 * time).  The aligner's anchors do not read them, so they are added here
 * rather than in quantity.c.
 */
static int
add_ordinals(struct tm__qty_list *t, const char *tgt)
{
	static const char *const words[] = {
		"first", "second", "third", "fourth", "fifth", "sixth",
		"seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
		"thirteenth", "fourteenth", "fifteenth", "sixteenth",
		"seventeenth", "eighteenth", "nineteenth", "twentieth"
	};
	size_t i = 0, b, k;

	while (tgt[i]) {
		if (!((tgt[i] | 0x20) >= 'a' && (tgt[i] | 0x20) <= 'z')) {
			i++;
			continue;
		}
		for (b = i; (tgt[i] | 0x20) >= 'a' && (tgt[i] | 0x20) <= 'z';
		    i++)
			;
		if (b > 0 && (unsigned char)tgt[b - 1] >= 0x80)
			continue;
		for (k = 0; k < TM__ARRAY_SIZE(words); k++) {
			if (strlen(words[k]) != i - b ||
			    strncasecmp(tgt + b, words[k], i - b) != 0)
				continue;
			if (t->n == t->cap && tm__grow((void **)&t->q, &t->cap,
			    t->n, sizeof(*t->q)) < 0)
				return tm__error_nomem();
			memset(&t->q[t->n], 0, sizeof(t->q[t->n]));
			t->q[t->n].kind = TM__QTY_NUMBER;
			t->q[t->n].value = (double)(k + 1);
			t->q[t->n].start = b;
			t->q[t->n].end = i;
			t->n++;
			break;
		}
	}
	return 0;
}

/*
 * Telephone numbers: 023-63856199, (023) 6385-6199, +86 23 6385 6199.
 * Their parts are not numbers to compare one by one; the whole is
 * compared by its digits, a country code and trunk zeros aside.
 */
struct phone {
	size_t b, e;		/* bytes */
	char d[24];		/* the digits, code and trunk zeros aside */
	bool matched;
};

static bool
adigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Only groups of three after the first: 80 000 000 is a number. */
static bool
grouped(const char *s, size_t b, size_t e)
{
	size_t i = b, run = 0, groups = 0;

	for (; i <= e; i++) {
		if (i < e && adigit(s[i])) {
			run++;
			continue;
		}
		if (i < e && s[i] != ' ')
			return false;
		if ((groups == 0 && (run < 1 || run > 3)) ||
		    (groups > 0 && run != 3))
			return false;
		groups++;
		run = 0;
	}
	return groups > 1;
}

static int
find_phones(struct phone **out, size_t *n, const char *s)
{
	size_t cap = 0, i, j, nd, run, maxrun, o, k;
	bool plus;

	*out = NULL;
	*n = 0;
	for (i = 0; s[i]; i++) {
		if (!(s[i] == '+' || s[i] == '(' || adigit(s[i])) ||
		    (i > 0 && (adigit(s[i - 1]) || ascii_alpha(s[i - 1]) ||
		    s[i - 1] == '.' || s[i - 1] == ',')))
			continue;
		plus = s[i] == '+';
		nd = run = maxrun = 0;
		for (j = i + plus; s[j]; j++) {
			if (adigit(s[j])) {
				nd++;
				if (++run > maxrun)
					maxrun = run;
			} else if (s[j] == '-' || s[j] == ' ' || s[j] == '(' ||
			    s[j] == ')') {
				run = 0;
			} else {
				break;
			}
		}
		while (j > i && !adigit(s[j - 1]))
			j--;
		if (nd < 7 || nd > 20 || (s[j] == '.' && adigit(s[j + 1])) ||
		    ascii_alpha(s[j]) || grouped(s, i, j) ||
		    !(plus || s[i] == '(' || s[i] == '0' || maxrun >= 7)) {
			while (s[i + 1] && (adigit(s[i + 1]) ||
			    s[i + 1] == '+'))
				i++;
			continue;
		}
		if (*n == cap && tm__grow((void **)out, &cap, *n,
		    sizeof(**out)) < 0) {
			free(*out);
			*out = NULL;
			return tm__error_nomem();
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		(*out)[*n].b = i;
		(*out)[*n].e = j;
		/* +86 23 ...: the country code goes, then trunk zeros. */
		k = i + plus;
		if (plus && strncmp(s + k, "86", 2) == 0)
			k += 2;
		else if (plus && s[k] == '1')
			k += 1;
		while (k < j && !adigit(s[k]))
			k++;
		for (o = 0; k < j && o + 1 < sizeof((*out)[*n].d); k++)
			if (adigit(s[k]) && (o > 0 || s[k] != '0'))
				(*out)[*n].d[o++] = s[k];
		(*n)++;
		i = j - 1;
	}
	return 0;
}

static bool
in_phone(const struct phone *p, size_t np, size_t pos)
{
	size_t k;

	for (k = 0; k < np; k++)
		if (pos >= p[k].b && pos < p[k].e)
			return true;
	return false;
}

/*
 * 80 000 as one number: a first group of one to three digits, then
 * groups of three after a space (or a no-break or thin space).
 */
static void
join_groups(struct tm__qty_list *l, const char *t)
{
	size_t k = 0, gap, d;
	struct tm__qty *a, *b;

	while (k + 1 < l->n) {
		a = &l->q[k];
		b = &l->q[k + 1];
		for (d = a->start; d < a->end && adigit(t[d]); d++)
			;
		gap = t[a->end] == ' ' ? 1 : starts(t + a->end, "\xc2\xa0") ?
		    2 : starts(t + a->end, "\xe2\x80\x89") ||
		    starts(t + a->end, "\xe2\x80\xaf") ? 3 : 0;
		if (a->kind != TM__QTY_NUMBER || b->kind != TM__QTY_NUMBER ||
		    d != a->end || d - a->start < 1 || d - a->start > 3 ||
		    !gap || b->start != a->end + gap ||
		    b->end != b->start + 3 || !adigit(t[b->start]) ||
		    !adigit(t[b->start + 1]) || !adigit(t[b->start + 2])) {
			k++;
			continue;
		}
		a->value = a->value * 1000 + b->value;
		a->end = b->end;
		memmove(b, b + 1, (l->n - k - 2) * sizeof(*b));
		l->n--;
	}
}

/* 2.6m, 3bn, 5k: the value with its short scale, or 0. */
static double
short_scale(const char *t, const struct tm__qty *q)
{
	const char *e = t + q->end;
	double f = 0;

	if (q->kind != TM__QTY_NUMBER || q->end == q->start ||
	    !adigit(t[q->end - 1]))
		return 0;
	if (e[0] == 'm' && !ascii_alpha(e[1]))
		f = 1e6;
	else if (e[0] == 'm' && e[1] == 'n' && !ascii_alpha(e[2]))
		f = 1e6;
	else if (e[0] == 'b' && e[1] == 'n' && !ascii_alpha(e[2]))
		f = 1e9;
	else if (e[0] == 'k' && !ascii_alpha(e[1]))
		f = 1e3;
	return f * q->value;
}

static int
push_qty(struct tm__qty_list *l, double v, size_t b, size_t e)
{
	if (l->n == l->cap && tm__grow((void **)&l->q, &l->cap, l->n,
	    sizeof(*l->q)) < 0)
		return tm__error_nomem();
	memset(&l->q[l->n], 0, sizeof(l->q[l->n]));
	l->q[l->n].kind = TM__QTY_NUMBER;
	l->q[l->n].value = v;
	l->q[l->n].start = b;
	l->q[l->n].end = e;
	l->n++;
	return 0;
}

/*
 * Levels: 一级 and Ⅱ级 in Chinese (the scan leaves a lone numeral
 * before 级 as a word), Level I to Level IV in English.
 */
static int
add_levels(struct tm__qty_list *l, const char *t, bool cjk)
{
	static const char *const han[] = {
		"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"
	};
	static const char *const roman_cjk[] = { "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ" };
	static const char *const roman[] = { "V", "IV", "III", "II", "I" };
	static const int rv[] = { 5, 4, 3, 2, 1 };
	const char *p;
	size_t k, at;
	int error = 0;

	if (cjk) {
		for (p = strstr(t, "级"); p && !error; p = strstr(p + 1,
		    "级")) {
			at = (size_t)(p - t);
			for (k = 0; k < TM__ARRAY_SIZE(han); k++)
				if (ends(t, at, han[k]))
					break;
			if (k < TM__ARRAY_SIZE(han)) {
				size_t b = at - strlen(han[k]), x;

				for (x = 0; x < TM__ARRAY_SIZE(han); x++)
					if (ends(t, b, han[x]))
						break;
				if (x == TM__ARRAY_SIZE(han) &&
				    !ends(t, b, "第"))
					error = push_qty(l, (double)(k + 1),
					    b, at + strlen("级"));
				continue;
			}
			for (k = 0; k < TM__ARRAY_SIZE(roman_cjk); k++)
				if (ends(t, at, roman_cjk[k]))
					error = push_qty(l, (double)(k + 1),
					    at - strlen(roman_cjk[k]),
					    at + strlen("级"));
		}
		return error;
	}
	for (p = t; (p = strstr(p, "evel ")) && !error; p++) {
		if (p == t || (p[-1] != 'L' && p[-1] != 'l'))
			continue;
		for (k = 0; k < TM__ARRAY_SIZE(roman); k++)
			if (starts(p + 5, roman[k]) &&
			    !ascii_alpha(p[5 + strlen(roman[k])]))
				break;
		if (k < TM__ARRAY_SIZE(roman))
			error = push_qty(l, (double)rv[k], (size_t)(p + 5 - t),
			    (size_t)(p + 5 - t) + strlen(roman[k]));
	}
	return error;
}

/*
 * A number of the target that stands for nothing in the source: not a
 * part of a name or code (COVID-19, G20), not a year beside a date
 * the source gives without one.
 */
static bool
may_be_extra(const char *t, const struct tm__qty_list *l, size_t j)
{
	const struct tm__qty *q = &l->q[j];
	size_t k;

	if (q->kind != TM__QTY_NUMBER || !adigit(t[q->start]))
		return false;
	if (q->start > 0 && (ascii_alpha(t[q->start - 1]) ||
	    (t[q->start - 1] == '-' && q->start > 1 &&
	    ascii_alpha(t[q->start - 2]))))
		return false;
	if (q->value >= 1900 && q->value <= 2100 && q->value == floor(q->value))
		for (k = 0; k < l->n; k++)
			if (l->q[k].kind == TM__QTY_MONTH)
				return false;
	return true;
}

/* Numbers, dates and times. */
static int
check_quantities(tm_findings *fs, const char *src, const char *tgt,
    bool src_cjk, bool tgt_cjk, const size_t *ss, size_t ns,
    const size_t *ts, size_t nt)
{
	struct tm__qty_list s, t;
	struct phone *sp = NULL, *tp = NULL;
	bool *used = NULL;
	double *alt = NULL;
	size_t i, j, nsp = 0, ntp = 0, nmiss = fs->n;
	int error;
	char exp[160], shown[160];

	if ((error = tm__qty_scan(&s, src, strlen(src), src_cjk)) < 0)
		return error;
	if ((error = tm__qty_scan(&t, tgt, strlen(tgt), tgt_cjk)) < 0) {
		tm__qty_list_release(&s);
		return error;
	}
	join_groups(&s, src);
	join_groups(&t, tgt);
	if ((!tgt_cjk && (error = add_ordinals(&t, tgt)) < 0) ||
	    (error = add_levels(&s, src, src_cjk)) < 0 ||
	    (error = add_levels(&t, tgt, tgt_cjk)) < 0 ||
	    (error = find_phones(&sp, &nsp, src)) < 0 ||
	    (error = find_phones(&tp, &ntp, tgt)) < 0)
		goto done;
	if (t.n && (!(used = tm__calloc(t.n, sizeof(*used))) ||
	    !(alt = tm__calloc(t.n, sizeof(*alt))))) {
		error = tm__error_nomem();
		goto done;
	}
	for (j = 0; j < t.n; j++) {
		alt[j] = short_scale(tgt, &t.q[j]);
		used[j] = in_phone(tp, ntp, t.q[j].start);
	}
	for (i = 0; i < nsp && !error; i++) {
		for (j = 0; j < ntp && !sp[i].matched; j++)
			if (!tp[j].matched && strcmp(sp[i].d, tp[j].d) == 0)
				sp[i].matched = tp[j].matched = true;
		if (!sp[i].matched && !in_spans(ss, ns, sp[i].b))
			error = add(fs, "number", sp[i].b, sp[i].e - sp[i].b,
			    0, 0, NULL, "%.*s is not in the target",
			    (int)(sp[i].e - sp[i].b), src + sp[i].b);
	}
	for (i = 0; i < s.n && !error; i++) {
		struct tm__qty *q = &s.q[i];
		size_t e = q->end, sb = q->start;
		bool found = false;

		if (in_spans(ss, ns, q->start) || in_phone(sp, nsp, q->start))
			continue;
		if (q->kind == TM__QTY_MONTH) {
			int m = ival(q->value), d = 0;

			/* 1月28日: the day follows 月. */
			if (i + 1 < s.n && s.q[i + 1].kind == TM__QTY_NUMBER &&
			    s.q[i + 1].start == e + 3 &&
			    (starts(src + s.q[i + 1].end, "日") ||
			    starts(src + s.q[i + 1].end, "号")) &&
			    s.q[i + 1].value >= 1 && s.q[i + 1].value <= 31) {
				d = ival(s.q[i + 1].value);
				e = s.q[i + 1].end + 3;
				i++;
			} else if (starts(src + e, "月")) {
				e += 3;
			}
			for (j = 0; j < t.n && !found; j++) {
				if (t.q[j].kind != TM__QTY_MONTH ||
				    ival(t.q[j].value) != m ||
				    in_spans(ts, nt, t.q[j].start))
					continue;
				if (d == 0) {
					found = true;
					break;
				}
				/* January 28, January 28th, 28 January. */
				if (j + 1 < t.n && t.q[j + 1].kind ==
				    TM__QTY_NUMBER && tm__qty_same(t.q[j + 1].value, d)
				    && t.q[j + 1].start <= t.q[j].end + 3)
					found = used[j + 1] = true;
				else if (j > 0 && t.q[j - 1].kind ==
				    TM__QTY_NUMBER && tm__qty_same(t.q[j - 1].value, d)
				    && t.q[j].start <= t.q[j - 1].end + 8)
					found = used[j - 1] = true;
			}
			if (!found) {
				if (d)
					snprintf(exp, sizeof(exp), "%s %d or %d %s",
					    month_names[m - 1], d, d,
					    month_names[m - 1]);
				else
					snprintf(exp, sizeof(exp), "%s",
					    month_names[m - 1]);
				error = add(fs, "date", sb, e - sb, 0, 0, exp,
				    "%.*s (%s) is not in the target",
				    (int)(e - sb), src + sb, exp);
			}
			continue;
		}
		if (q->kind == TM__QTY_WEEKDAY) {
			if (ends(src, sb, "周"))
				sb -= strlen("周");
			else if (ends(src, sb, "星期"))
				sb -= strlen("星期");
			for (j = 0; j < t.n && !found; j++)
				found = t.q[j].kind == TM__QTY_WEEKDAY &&
				    tm__qty_same(t.q[j].value, q->value);
			if (!found)
				error = add(fs, "date", sb, e - sb, 0, 0,
				    day_names[ival(q->value) - 1], "%.*s (%s) "
				    "is not in the target", (int)(e - sb),
				    src + sb, day_names[ival(q->value) - 1]);
			continue;
		}
		if (q->kind != TM__QTY_NUMBER)
			continue;
		if (src_cjk && (starts(src + e, "时") || starts(src + e, "点"))
		    && q->value >= 0 && q->value <= 24 &&
		    q->value == floor(q->value)) {
			/* 凌晨1时, 下午3点30分, 15时. */
			int h = ival(q->value), m = 0, th, tmin;
			static const char *const am[] = { "凌晨", "早上", "上午",
			    "早晨", "清晨" };
			static const char *const pm_words[] = { "下午", "晚上",
			    "傍晚", "夜间", "晚" };
			bool pm = false;
			size_t te, w;

			/* Show the part of day with the time. */
			for (w = 0; w < TM__ARRAY_SIZE(am); w++)
				if (ends(src, sb, am[w])) {
					sb -= strlen(am[w]);
					break;
				}
			for (w = 0; w < TM__ARRAY_SIZE(pm_words) && !pm; w++)
				if (ends(src, sb, pm_words[w])) {
					sb -= strlen(pm_words[w]);
					pm = true;
				}

			e += 3;
			if (i + 1 < s.n && s.q[i + 1].kind == TM__QTY_NUMBER &&
			    s.q[i + 1].start == e &&
			    starts(src + s.q[i + 1].end, "分")) {
				m = ival(s.q[i + 1].value);
				e = s.q[i + 1].end + 3;
				i++;
			} else if (starts(src + e, "半")) {
				m = 30;
				e += 3;
			}
			if (pm && h < 12)
				h += 12;
			for (j = 0; j < t.n && !found; j++)
				if (target_time(tgt, &t, j, &th, &tmin, &te) &&
				    th == h && tmin == m) {
					found = used[j] = true;
					/* 9:30: the minutes too. */
					if (j + 1 < t.n && t.q[j + 1].start ==
					    t.q[j].end + 1 &&
					    tgt[t.q[j].end] == ':')
						used[j + 1] = true;
				}
			if (!found) {
				int h12 = h % 12 == 0 ? 12 : h % 12;

				if (m)
					snprintf(exp, sizeof(exp), "%d:%02d %s "
					    "or %02d:%02d", h12, m, h < 12 ?
					    "a.m." : "p.m.", h, m);
				else
					snprintf(exp, sizeof(exp), "%d %s or "
					    "%02d:00", h12, h < 12 ? "a.m." :
					    "p.m.", h);
				error = add(fs, "time", sb, e - sb, 0, 0, exp,
				    "%.*s (%s) is not in the target",
				    (int)(e - sb), src + sb, exp);
			}
			continue;
		}
		/*
		 * A lone 一 is mostly "a" or "one" written as a word (前一日,
		 * 一名记者); the aligner counts it, the checker does not.
		 */
		if (src_cjk && e - sb == strlen("一") &&
		    starts(src + sb, "一"))
			continue;
		/* A plain number (a year too): by value, each used once. */
		for (j = 0; j < t.n && !found; j++)
			if (!used[j] && t.q[j].kind == TM__QTY_NUMBER &&
			    !in_spans(ts, nt, t.q[j].start) &&
			    (tm__qty_same(t.q[j].value, q->value) ||
			    (alt[j] && tm__qty_same(alt[j], q->value))))
				found = used[j] = true;
		if (!found) {
			bool year = starts(src + e, "年");

			expect_num(exp, sizeof(exp), q->value,
			    (q->flags & TM__QTY_PERCENT) != 0);
			if (year)
				e += 3;
			snprintf(shown, sizeof(shown), "%.*s", (int)(e - sb),
			    src + sb);
			error = add(fs, year ? "date" : "number", sb, e - sb,
			    0, 0, exp, "%s (%s) is not in the target", shown,
			    exp);
		}
	}
	/*
	 * What is left in the target: a number the source does not have,
	 * often from a fuzzy match's sentence.  One left over for each
	 * number found missing is taken as its wrong rendering, already
	 * reported.
	 */
	nmiss = fs->n - nmiss;
	for (j = 0; j < ntp && !error; j++)
		if (!tp[j].matched && !in_spans(ts, nt, tp[j].b)) {
			if (nmiss) {
				nmiss--;
				continue;
			}
			error = add(fs, "number", 0, 0, tp[j].b,
			    tp[j].e - tp[j].b, NULL, "%.*s in the target has "
			    "no counterpart in the source",
			    (int)(tp[j].e - tp[j].b), tgt + tp[j].b);
		}
	for (j = 0; j < t.n && !error; j++) {
		if (used[j] || in_spans(ts, nt, t.q[j].start) ||
		    !may_be_extra(tgt, &t, j))
			continue;
		if (nmiss) {
			nmiss--;
			continue;
		}
		error = add(fs, "number", 0, 0, t.q[j].start, t.q[j].end -
		    t.q[j].start, NULL, "%.*s in the target has no "
		    "counterpart in the source", (int)(t.q[j].end -
		    t.q[j].start), tgt + t.q[j].start);
	}
done:
	free(used);
	free(alt);
	free(sp);
	free(tp);
	tm__qty_list_release(&s);
	tm__qty_list_release(&t);
	return error;
}

/* The target's own glossary terms, read when first needed. */
struct tgt_terms {
	tm_db *db;
	const char *tgt, *from, *to;
	tm_term_hits *th;
	bool read;
};

/*
 * Where a term's translation is in the target, not counting one inside a
 * longer glossary term of the target (李明 in 李明德 when 李明德 is a
 * term itself): 1 with its span, 0, or an error.  In a Latin-script
 * target the word boundaries tell that already, and the target's terms
 * are not read: over a large glossary that costs far more than the rest
 * of the check.
 */
static int
target_has(struct tgt_terms *tt, const char *term, size_t *st, size_t *sl)
{
	const char *tgt = tt->tgt;
	size_t from = 0, i;
	int r, error;

	while ((r = tm__gloss_find_from(tgt, from, term, st, sl)) > 0) {
		bool inside = false;

		if (!tt->read && tt->to && tm__lang_cjk(tt->to)) {
			tt->read = true;
			if ((error = tm_glossary_find(&tt->th, tt->db, tgt,
			    tt->to, tt->from)) < 0)
				return error;
		}
		for (i = 0; i < tm_term_hits_count(tt->th) && !inside; i++) {
			const tm_term_hit *x = tm_term_hits_get(tt->th, i);
			size_t xb = x->start, xe = x->start + x->len;

			/* The hit's span may take in white space. */
			while (xb < xe && (tgt[xb] == ' ' || tgt[xb] == '\t'))
				xb++;
			while (xe > xb && (tgt[xe - 1] == ' ' ||
			    tgt[xe - 1] == '\t'))
				xe--;
			inside = xb <= *st && xe >= *st + *sl &&
			    xe - xb > *sl;
		}
		if (!inside)
			return 1;
		from = *st + 1;
	}
	return r;
}

static int
check_terms(tm_findings *fs, tm_db *db, const char *src, const char *tgt,
    const char *from, const char *to)
{
	tm_term_hits *h = NULL;
	struct tgt_terms tt = { db, tgt, from, to, NULL, false };
	struct tm__buf exp = { 0 };
	size_t i, j, st, sl;
	int error, r;

	if ((error = tm_glossary_find(&h, db, src, from, to)) < 0)
		return error;
	for (i = 0; i < tm_term_hits_count(h) && !error; i++) {
		const tm_term_hit *x = tm_term_hits_get(h, i);
		bool preferred = false, found = false;

		for (j = 0; j < x->ntargets; j++)
			preferred = preferred || (x->targets[j].status &&
			    strcmp(x->targets[j].status, "preferred") == 0);
		tm__buf_reset(&exp);
		for (j = 0; j < x->ntargets && !found && !error; j++) {
			const tm_term *t = &x->targets[j];
			bool ok = preferred ? t->status && strcmp(t->status,
			    "preferred") == 0 : !t->status ||
			    strcmp(t->status, "deprecated") != 0;

			if (!ok)
				continue;
			if ((r = target_has(&tt, t->text, &st, &sl)) < 0)
				error = r;
			found = r > 0;
			if (!error && exp.len)
				error = tm__buf_adds(&exp, " or ");
			if (!error)
				error = tm__buf_printf(&exp, "%s", t->text);
		}
		if (!error && !found && exp.len)
			error = add(fs, "term", x->start, x->len, 0, 0,
			    tm__buf_str(&exp), "%.*s: '%s' is not in the "
			    "target", (int)x->len, src + x->start,
			    tm__buf_str(&exp));
		for (j = 0; j < x->ntargets && !error; j++) {
			const tm_term *t = &x->targets[j];

			if (!t->status || strcmp(t->status, "deprecated") != 0)
				continue;
			if ((r = tm__gloss_contains(tgt, t->text, &st,
			    &sl)) < 0)
				error = r;
			/* "mask" deprecated inside a preferred "face mask". */
			if (r > 0 && !found)
				error = exp.len ? add(fs, "deprecated-term",
				    x->start, x->len, st, sl,
				    tm__buf_str(&exp), "%.*s: '%s' is "
				    "deprecated; use %s", (int)x->len,
				    src + x->start, t->text,
				    tm__buf_str(&exp)) : add(fs,
				    "deprecated-term", x->start, x->len, st,
				    sl, NULL, "%.*s: '%s' is deprecated",
				    (int)x->len, src + x->start, t->text);
		}
	}
	tm__buf_release(&exp);
	tm_term_hits_free(h);
	tm_term_hits_free(tt.th);
	return error;
}

/*
 * Units and currencies
 * ====================
 *
 * The unit after a source number (5万元, 48小时, 30公里) and the one
 * written with the same number in the target ("50,000 yuan", "US$5",
 * "48 hours") must be the same unit: 元 as "US dollars" or 公里 as
 * "miles" is a wrong figure.
 */

enum unit_id {
	U_CNY = 1, U_USD, U_JPY, U_EUR, U_GBP, U_HKD,
	U_HOUR, U_MINUTE, U_DAY, U_WEEK, U_MONTH,
	U_KM, U_METRE, U_CM, U_MILE, U_SQKM, U_SQM,
	U_KG, U_TONNE, U_GRAM, U_POUND
};
#define U_CURRENCY_LAST U_HKD

static const struct { const char *w; int u; } zh_units[] = {
	{ "人民币", U_CNY }, { "元", U_CNY }, { "美元", U_USD },
	{ "日元", U_JPY }, { "欧元", U_EUR }, { "英镑", U_GBP },
	{ "港元", U_HKD }, { "港币", U_HKD },
	{ "小时", U_HOUR }, { "个小时", U_HOUR }, { "分钟", U_MINUTE },
	{ "天", U_DAY }, { "日内", U_DAY }, { "周", U_WEEK },
	{ "个星期", U_WEEK }, { "星期", U_WEEK }, { "个月", U_MONTH },
	{ "公里", U_KM }, { "千米", U_KM }, { "米", U_METRE },
	{ "厘米", U_CM }, { "英里", U_MILE }, { "平方公里", U_SQKM },
	{ "平方米", U_SQM }, { "公斤", U_KG }, { "千克", U_KG },
	{ "吨", U_TONNE }, { "克", U_GRAM }, { "磅", U_POUND },
};

/* English units after a number, the longer spellings first. */
static const struct { const char *w; int u; } en_units[] = {
	{ "Hong Kong dollars", U_HKD }, { "Hong Kong dollar", U_HKD },
	{ "HK dollars", U_HKD }, { "HKD", U_HKD },
	{ "US dollars", U_USD }, { "U.S. dollars", U_USD },
	{ "US dollar", U_USD }, { "dollars", U_USD }, { "dollar", U_USD },
	{ "USD", U_USD }, { "yuan", U_CNY }, { "RMB", U_CNY },
	{ "renminbi", U_CNY }, { "CNY", U_CNY }, { "yen", U_JPY },
	{ "JPY", U_JPY }, { "euros", U_EUR }, { "euro", U_EUR },
	{ "EUR", U_EUR }, { "pounds sterling", U_GBP }, { "pounds", U_GBP },
	{ "pound", U_GBP }, { "GBP", U_GBP },
	{ "hours", U_HOUR }, { "hour", U_HOUR }, { "hrs", U_HOUR },
	{ "minutes", U_MINUTE }, { "minute", U_MINUTE }, { "mins", U_MINUTE },
	{ "days", U_DAY }, { "day", U_DAY }, { "weeks", U_WEEK },
	{ "week", U_WEEK }, { "months", U_MONTH }, { "month", U_MONTH },
	{ "square kilometres", U_SQKM }, { "square kilometers", U_SQKM },
	{ "sq km", U_SQKM }, { "km2", U_SQKM }, { "km²", U_SQKM },
	{ "square metres", U_SQM }, { "square meters", U_SQM },
	{ "sq m", U_SQM }, { "m2", U_SQM }, { "m²", U_SQM },
	{ "kilometres", U_KM }, { "kilometers", U_KM },
	{ "kilometre", U_KM }, { "kilometer", U_KM }, { "km", U_KM },
	{ "centimetres", U_CM }, { "centimeters", U_CM }, { "cm", U_CM },
	{ "metres", U_METRE }, { "meters", U_METRE }, { "metre", U_METRE },
	{ "meter", U_METRE }, { "miles", U_MILE }, { "mile", U_MILE },
	{ "kilograms", U_KG }, { "kilogram", U_KG }, { "kilos", U_KG },
	{ "kg", U_KG }, { "tonnes", U_TONNE }, { "tonne", U_TONNE },
	{ "tons", U_TONNE }, { "ton", U_TONNE }, { "grams", U_GRAM },
	{ "gram", U_GRAM }, { "lbs", U_POUND }, { "lb", U_POUND },
};

/* Currency signs before a number: "US$5", "¥50,000". */
static const struct { const char *w; int u; } en_signs[] = {
	{ "HK$", U_HKD }, { "US$", U_USD }, { "$", U_USD },
	{ "RMB", U_CNY }, { "CNY", U_CNY }, { "€", U_EUR }, { "£", U_GBP },
	{ "¥", 0 },	/* yuan or yen */
};

/* The unit after a source number at s[e]: its id and span, or 0. */
static int
zh_unit_at(const char *s, size_t e, size_t *ue)
{
	size_t k, best = TM__ARRAY_SIZE(zh_units), i = e;

	/* 5万多元, 300余公里 */
	if (starts(s + i, "多") || starts(s + i, "余"))
		i += strlen("多");
	for (k = 0; k < TM__ARRAY_SIZE(zh_units); k++)
		if (starts(s + i, zh_units[k].w) && (best ==
		    TM__ARRAY_SIZE(zh_units) || strlen(zh_units[k].w) >
		    strlen(zh_units[best].w)))
			best = k;
	if (best == TM__ARRAY_SIZE(zh_units))
		return 0;
	/* 元旦 (New Year's Day), 周年 (anniversary), 天津. */
	if ((zh_units[best].u == U_CNY && starts(s + i + strlen("元"),
	    "旦")) || (zh_units[best].u == U_WEEK && starts(s + i +
	    strlen("周"), "年")))
		return 0;
	*ue = i + strlen(zh_units[best].w);
	return zh_units[best].u;
}

/*
 * The unit written with a target number t[b..e): after it ("48 hours",
 * "48-hour") or as a sign before it ("US$5").  -1 when there is none;
 * 0 for ¥, which is yuan or yen.
 */
static int
en_unit_of(const char *t, size_t b, size_t e, size_t *ub, size_t *ue)
{
	size_t k, i = e, n;

	while (t[i] == ' ' || t[i] == '-')
		i++;
	for (k = 0; k < TM__ARRAY_SIZE(en_units); k++) {
		n = strlen(en_units[k].w);
		if (strncasecmp(t + i, en_units[k].w, n) == 0 &&
		    !ascii_alpha(t[i + n])) {
			*ub = i;
			*ue = i + n;
			return en_units[k].u;
		}
	}
	for (k = 0; k < TM__ARRAY_SIZE(en_signs); k++) {
		n = strlen(en_signs[k].w);
		i = b;
		if (i > 0 && t[i - 1] == ' ' && ascii_alpha(en_signs[k].w[0]))
			i--;
		if (ends(t, i, en_signs[k].w) && (i - n == 0 ||
		    !ascii_alpha(t[i - n - 1]))) {
			*ub = i - n;
			*ue = i;
			return en_signs[k].u;
		}
	}
	return -1;
}

static const char *
unit_name(int u)
{
	size_t k;

	for (k = 0; k < TM__ARRAY_SIZE(en_units); k++)
		if (en_units[k].u == u)
			return en_units[k].w;
	return "";
}

static int
check_units(tm_findings *fs, const char *src, const char *tgt,
    const size_t *ss, size_t ns)
{
	struct tm__qty_list s, t;
	size_t i, j, ue, te, wb = 0, we = 0;
	int error, u, tu;

	if ((error = tm__qty_scan(&s, src, strlen(src), true)) < 0)
		return error;
	if ((error = tm__qty_scan(&t, tgt, strlen(tgt), false)) < 0) {
		tm__qty_list_release(&s);
		return error;
	}
	join_groups(&t, tgt);
	for (i = 0; i < s.n && !error; i++) {
		bool right = false, wrong = false;

		if (s.q[i].kind != TM__QTY_NUMBER || in_spans(ss, ns,
		    s.q[i].start) || !(u = zh_unit_at(src, s.q[i].end, &ue)))
			continue;
		for (j = 0; j < t.n && !right; j++) {
			double a = short_scale(tgt, &t.q[j]);
			size_t b2, e2;

			if (t.q[j].kind != TM__QTY_NUMBER ||
			    !(tm__qty_same(t.q[j].value, s.q[i].value) ||
			    (a && tm__qty_same(a, s.q[i].value))))
				continue;
			te = t.q[j].end + (a ? (tgt[t.q[j].end + 1] == 'n' ?
			    2 : 1) : 0);
			tu = en_unit_of(tgt, t.q[j].start, te, &b2, &e2);
			if (tu < 0 || tu == u || (tu == 0 && (u == U_CNY ||
			    u == U_JPY)))
				right = true;
			else if (!wrong) {
				wrong = true;
				wb = b2;
				we = e2;
			}
		}
		if (right || !wrong)
			continue;
		error = add(fs, u <= U_CURRENCY_LAST ? "currency" : "unit",
		    s.q[i].start, ue - s.q[i].start, wb, we - wb,
		    unit_name(u), "%.*s is rendered with '%.*s' (%s)",
		    (int)(ue - s.q[i].start), src + s.q[i].start,
		    (int)(we - wb), tgt + wb, unit_name(u));
	}
	tm__qty_list_release(&s);
	tm__qty_list_release(&t);
	return error;
}

/*
 * Titles
 * ======
 *
 * A title is its rank (titles.c) and its qualifiers: 副主任 is Deputy
 * Director, 代理总领事 Acting Consul General.  A qualifier added or
 * dropped in the target changes the person's rank.
 */

enum qual {
	Q_DEPUTY = 1 << 0, Q_ACTING = 1 << 1, Q_FORMER = 1 << 2,
	Q_ASSISTANT = 1 << 3, Q_HONORARY = 1 << 4
};

static const struct { const char *w; unsigned q; } zh_quals[] = {
	{ "副", Q_DEPUTY }, { "代理", Q_ACTING }, { "署理", Q_ACTING },
	{ "前任", Q_FORMER }, { "前", Q_FORMER }, { "原任", Q_FORMER },
	{ "原", Q_FORMER }, { "助理", Q_ASSISTANT }, { "名誉", Q_HONORARY },
	{ "荣誉", Q_HONORARY },
	/* Kept out of the comparison: 常务副市长, 第一副主席. */
	{ "常务", 0 }, { "第一", 0 }, { "执行", 0 },
};
static const struct { const char *w; unsigned q; } en_quals[] = {
	{ "deputy", Q_DEPUTY }, { "vice", Q_DEPUTY }, { "acting", Q_ACTING },
	{ "former", Q_FORMER }, { "ex", Q_FORMER },
	{ "assistant", Q_ASSISTANT }, { "honorary", Q_HONORARY },
	{ "executive", 0 }, { "first", 0 },
};

/*
 * What a Chinese title is part of when it names a body, not a person:
 * 总领事馆 (consulate general), 大使馆, 书记处, 主席团, 主席台.
 */
static bool
zh_body_after(const char *s)
{
	static const char *const bodies[] = {
		"馆", "处", "团", "台", "级"
	};
	size_t k;

	for (k = 0; k < TM__ARRAY_SIZE(bodies); k++)
		if (starts(s, bodies[k]))
			return true;
	return false;
}

/*
 * The end of the English form f at t[b..], case aside, a space or
 * hyphen in f matching a space, a run of spaces or a hyphen; 0 when it
 * is not there or does not end a word.
 */
static size_t
en_form_at(const char *t, size_t b, const char *f)
{
	size_t i = b;

	if (b > 0 && ascii_alpha(t[b - 1]))
		return 0;
	for (; *f; f++) {
		if (*f == ' ' || *f == '-') {
			if (t[i] == '-')
				i++;
			else if (t[i] == ' ')
				while (t[i] == ' ')
					i++;
			else
				return 0;
		} else if (ascii_alpha(*f) ? (t[i] | 0x20) != (*f | 0x20) :
		    t[i] != *f) {
			return 0;
		} else {
			i++;
		}
	}
	return ascii_alpha(t[i]) ? 0 : i;
}

/* The qualifiers written before t[b]: "Acting Deputy Director". */
static unsigned
en_quals_before(const char *t, size_t b, size_t *qb)
{
	unsigned q = 0;
	size_t e = b, w, k;
	bool more = true;

	*qb = b;
	while (more) {
		more = false;
		while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '-'))
			e--;
		for (w = e; w > 0 && ascii_alpha(t[w - 1]); w--)
			;
		for (k = 0; k < TM__ARRAY_SIZE(en_quals) && w < e; k++)
			if (strlen(en_quals[k].w) == e - w &&
			    strncasecmp(t + w, en_quals[k].w, e - w) == 0) {
				q |= en_quals[k].q;
				*qb = e = w;
				more = true;
				break;
			}
	}
	return q;
}

static unsigned
zh_quals_before(const char *s, size_t b, size_t *qb)
{
	unsigned q = 0;
	size_t k;
	bool more = true;

	*qb = b;
	while (more) {
		more = false;
		for (k = 0; k < TM__ARRAY_SIZE(zh_quals); k++)
			if (ends(s, *qb, zh_quals[k].w)) {
				q |= zh_quals[k].q;
				*qb -= strlen(zh_quals[k].w);
				more = true;
				break;
			}
	}
	return q;
}

/* Whether a longer form of any title starts at t[b] than one ending at e. */
static bool
longer_title_at(const char *t, size_t b, size_t e,
    const struct tm__title *tl, size_t ntl)
{
	size_t k, x;

	for (k = 0; k < ntl; k++)
		if ((x = en_form_at(t, b, tl[k].en)) > e)
			return true;
	return false;
}

struct title_occ {
	size_t b, e, qb;	/* the title, its qualifiers from qb */
	unsigned q;
	size_t row;		/* the first row of its Chinese title */
	size_t tb, te;		/* the target's match, when found */
	int state;		/* 0 not found, 1 exact, 2 other qualifiers */
};

/* "Acting Deputy ", with "Vice " for "Deputy " when `vice`. */
static void
qual_words(char *out, size_t size, unsigned q, bool vice)
{
	static const char *const names[] = {
		"Deputy ", "Acting ", "Former ", "Assistant ", "Honorary "
	};
	size_t k, o = 0;

	out[0] = '\0';
	for (k = 0; k < TM__ARRAY_SIZE(names); k++) {
		const char *w = k == 0 && vice ? "Vice " : names[k];

		if (q & (1u << k) && o + strlen(w) < size) {
			memcpy(out + o, w, strlen(w) + 1);
			o += strlen(w);
		}
	}
}

/* The English of the title at o: "Deputy Director or Vice Director". */
static int
title_expected(struct tm__buf *b, const struct title_occ *o,
    const struct tm__title *tl, size_t ntl)
{
	char qw[80], vw[80];
	size_t k;
	int error = 0, n = 0;

	qual_words(qw, sizeof(qw), o->q, false);
	qual_words(vw, sizeof(vw), o->q, true);
	for (k = o->row; k < ntl && !error; k++) {
		if (strcmp(tl[k].zh, tl[o->row].zh) != 0)
			continue;
		if (n++)
			error = tm__buf_adds(b, " or ");
		if (!error)
			error = tm__buf_printf(b, "%s%s", qw, tl[k].en);
		if (!error && (o->q & Q_DEPUTY))
			error = tm__buf_printf(b, " or %s%s", vw, tl[k].en);
	}
	return error;
}

static int
check_titles(tm_findings *fs, const char *src, const char *tgt)
{
	const struct tm__title *tl;
	struct title_occ *occ = NULL;
	size_t ntl, nocc = 0, ocap = 0, i, k, e, x, best, tb, qb;
	size_t *taken = NULL, ntaken = 0, slen = strlen(src), tlen;
	struct tm__buf exp = { 0 };
	int error, pass;

	tlen = strlen(tgt);
	if ((error = tm__titles_acquire(&tl, &ntl)) < 0)
		return error;
	/* The source's titles, the longest first at each place. */
	for (i = 0; i < slen; i++) {
		best = ntl;
		for (k = 0; k < ntl; k++)
			if (starts(src + i, tl[k].zh) && (best == ntl ||
			    strlen(tl[k].zh) > strlen(tl[best].zh)))
				best = k;
		if (best == ntl)
			continue;
		e = i + strlen(tl[best].zh);
		if (zh_body_after(src + e)) {
			i = e - 1;
			continue;
		}
		if (nocc == ocap && tm__grow((void **)&occ, &ocap, nocc,
		    sizeof(*occ)) < 0) {
			error = tm__error_nomem();
			goto done;
		}
		memset(&occ[nocc], 0, sizeof(occ[nocc]));
		occ[nocc].b = i;
		occ[nocc].e = e;
		occ[nocc].row = best;
		for (k = 0; k < best; k++)
			if (strcmp(tl[k].zh, tl[best].zh) == 0) {
				occ[nocc].row = k;
				break;
			}
		occ[nocc].q = zh_quals_before(src, i, &occ[nocc].qb);
		nocc++;
		i = e - 1;
	}
	if (nocc && !(taken = tm__calloc(nocc, sizeof(*taken)))) {
		error = tm__error_nomem();
		goto done;
	}
	/* Same qualifiers first, then any other. */
	for (pass = 1; pass <= 2; pass++) {
		for (i = 0; i < nocc; i++) {
			struct title_occ *o = &occ[i];
			const char *zh = tl[o->row].zh;

			if (o->state)
				continue;
			for (tb = 0; tb < tlen && !o->state; tb++) {
				for (k = o->row; k < ntl && !o->state; k++) {
					unsigned q;
					size_t j;

					if (strcmp(tl[k].zh, zh) != 0 ||
					    !(x = en_form_at(tgt, tb, tl[k].en))
					    || longer_title_at(tgt, tb, x, tl,
					    ntl))
						continue;
					for (j = 0; j < ntaken && taken[j] !=
					    tb; j++)
						;
					if (j < ntaken)
						continue;
					q = en_quals_before(tgt, tb, &qb);
					if (pass == 1 && q != o->q)
						continue;
					o->state = pass;
					o->tb = qb;
					o->te = x;
					taken[ntaken++] = tb;
				}
			}
		}
	}
	for (i = 0; i < nocc && !error; i++) {
		struct title_occ *o = &occ[i];

		if (o->state == 1)
			continue;
		tm__buf_reset(&exp);
		if ((error = title_expected(&exp, o, tl, ntl)) < 0)
			break;
		if (o->state == 2)
			error = o->q ? add(fs, "title", o->qb, o->e - o->qb,
			    o->tb, o->te - o->tb, tm__buf_str(&exp),
			    "%.*s (%s) is rendered as '%.*s': a qualifier is "
			    "dropped or changed", (int)(o->e - o->qb),
			    src + o->qb, tm__buf_str(&exp),
			    (int)(o->te - o->tb), tgt + o->tb) : add(fs,
			    "title", o->qb, o->e - o->qb, o->tb,
			    o->te - o->tb, tm__buf_str(&exp),
			    "%.*s (%s) is rendered as '%.*s': a qualifier is "
			    "added", (int)(o->e - o->qb), src + o->qb,
			    tm__buf_str(&exp), (int)(o->te - o->tb),
			    tgt + o->tb);
		else
			error = add(fs, "title", o->qb, o->e - o->qb, 0, 0,
			    tm__buf_str(&exp), "%.*s (%s) is not in the "
			    "target", (int)(o->e - o->qb), src + o->qb,
			    tm__buf_str(&exp));
	}
done:
	tm__titles_release();
	tm__buf_release(&exp);
	free(occ);
	free(taken);
	return error;
}

/* Brackets and quotes of the target, outside tags. */
static int
check_marks(tm_findings *fs, const char *tgt, const size_t *ts, size_t nt)
{
	static const struct { UChar32 open, close; } pairs[] = {
		{ '(', ')' }, { '[', ']' }, { '{', '}' }, { 0xff08, 0xff09 },
		{ 0x3010, 0x3011 }, { 0x300a, 0x300b }, { 0x300c, 0x300d },
	};
	int depth[TM__ARRAY_SIZE(pairs)] = { 0 };
	bool bad[TM__ARRAY_SIZE(pairs)] = { false };
	size_t i = 0, len = strlen(tgt), k, straight = 0, lq = 0, rq = 0;
	int error = 0;

	while (i < len) {
		size_t at = i;
		UChar32 c;

		U8_NEXT(tgt, i, len, c);
		if (in_spans(ts, nt, at))
			continue;
		for (k = 0; k < TM__ARRAY_SIZE(pairs); k++) {
			if (c == pairs[k].open)
				depth[k]++;
			else if (c == pairs[k].close && --depth[k] < 0)
				bad[k] = true;
		}
		if (c == '"')
			straight++;
		else if (c == 0x201c)
			lq++;
		else if (c == 0x201d)
			rq++;
	}
	for (k = 0; k < TM__ARRAY_SIZE(pairs) && !error; k++)
		if (bad[k] || depth[k] != 0) {
			char o[8] = { 0 }, c[8] = { 0 };
			size_t n = 0;

			U8_APPEND_UNSAFE(o, n, pairs[k].open);
			n = 0;
			U8_APPEND_UNSAFE(c, n, pairs[k].close);
			error = add(fs, "brackets", 0, 0, 0, 0, NULL, "the "
			    "target's %s and %s do not pair up", o, c);
		}
	if (!error && (straight % 2 || lq != rq))
		error = add(fs, "quotes", 0, 0, 0, 0, NULL, "the target's "
		    "quotation marks do not pair up");
	return error;
}

int
tm_check_segment(tm_findings **out, tm_db *db, const char *source,
    const char *target, const char *from, const char *to)
{
	tm_findings *fs = NULL;
	size_t *ss = NULL, *ts = NULL, ns = 0, nt = 0, i, len, b, e;
	int error = 0;
	bool blank = true, has_text = false;

	if (out)
		*out = NULL;
	if (!out || !source || !target)
		return tm__error(TM_EINVAL, "check: no source or target");
	if (tm__utf8_valid(source, strlen(source)) != strlen(source) ||
	    tm__utf8_valid(target, strlen(target)) != strlen(target))
		return tm__error(TM_EUTF8, "check: the segment is not valid "
		    "UTF-8");
	if (!(fs = tm__calloc(1, sizeof(*fs))))
		return tm__error_nomem();
	for (i = 0; target[i] && blank; i++)
		blank = target[i] == ' ' || target[i] == '\t' ||
		    target[i] == '\n' || target[i] == '\r';
	if (blank) {
		for (i = 0; source[i] && !has_text; i++)
			has_text = !(source[i] == ' ' || source[i] == '\t' ||
			    source[i] == '\n' || source[i] == '\r');
		if (has_text)
			error = add(fs, "empty", 0, 0, 0, 0, NULL, "the target "
			    "is empty");
		goto done;
	}
	if ((error = tag_spans(&ss, &ns, source)) < 0 ||
	    (error = tag_spans(&ts, &nt, target)) < 0 ||
	    (error = check_tags(fs, source, ss, ns, target, ts, nt)) < 0)
		goto done;
	/* Same as the source, trimmed, when the source has words. */
	for (b = 0; source[b] == ' '; b++)
		;
	for (e = strlen(source); e > b && source[e - 1] == ' '; e--)
		;
	for (i = 0; target[i] == ' '; i++)
		;
	len = strlen(target + i);
	while (len > 0 && target[i + len - 1] == ' ')
		len--;
	if (len == e - b && memcmp(source + b, target + i, len) == 0) {
		size_t k = b;
		bool words = false;

		while (k < e && !words) {
			UChar32 c;

			U8_NEXT(source, k, e, c);
			words = c >= 0 && u_isalpha(c);
		}
		if (words && (!from || !to || !tm_lang_match(from, to))) {
			error = add(fs, "same-as-source", 0, 0, 0, 0, NULL,
			    "the target is the source unchanged");
			goto done;
		}
	}
	/* Chinese (Han) left in a target that is not CJK. */
	if (to && !tm__lang_cjk(to)) {
		size_t k = 0, n = strlen(target), hb = 0, he = 0;

		while (k < n) {
			size_t at = k;
			UChar32 c;

			U8_NEXT(target, k, n, c);
			if (c >= 0 && u_hasBinaryProperty(c,
			    UCHAR_IDEOGRAPHIC)) {
				if (he != at)
					hb = at;
				he = k;
				if (!in_spans(ts, nt, at))
					break;
			}
		}
		if (he > hb && (error = add(fs, "untranslated", 0, 0, hb,
		    he - hb, NULL, "the target still has Chinese text: "
		    "'%.*s'", (int)(he - hb), target + hb)) < 0)
			goto done;
	}
	if ((error = check_quantities(fs, source, target, from ?
	    tm__lang_cjk(from) : true, to ? tm__lang_cjk(to) : false, ss, ns, ts,
	    nt)) < 0)
		goto done;
	if (db && (error = check_terms(fs, db, source, target, from, to)) < 0)
		goto done;
	if ((!from || tm__lang_cjk(from)) && to && !tm__lang_cjk(to) &&
	    ((error = check_titles(fs, source, target)) < 0 ||
	    (error = check_units(fs, source, target, ss, ns)) < 0))
		goto done;
	{
		const char *p = strstr(target, "  ");

		if (p && !strstr(source, "  ") && (error = add(fs, "spaces",
		    0, 0, (size_t)(p - target), 2, NULL, "doubled space in "
		    "the target")) < 0)
			goto done;
	}
	error = check_marks(fs, target, ts, nt);
done:
	free(ss);
	free(ts);
	if (error) {
		tm_findings_free(fs);
		return error;
	}
	*out = fs;
	return 0;
}

size_t
tm_findings_count(const tm_findings *f)
{
	return f ? f->n : 0;
}

const tm_finding *
tm_findings_get(const tm_findings *f, size_t i)
{
	return f && i < f->n ? &f->f[i] : NULL;
}

void
tm_findings_free(tm_findings *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		free((char *)f->f[i].message);
		free((char *)f->f[i].text);
		free((char *)f->f[i].expected);
	}
	free(f->f);
	free(f);
}
