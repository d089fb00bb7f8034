/*
 * check.c: QA of one translated segment (tm_check_segment): numbers,
 * dates and times read by quantity.c on both sides and compared by
 * value; glossary terms through glossary.c; then the mechanical checks
 * (empty, untranslated, same as source, tags, spaces, brackets,
 * quotes).  Each finding says what was expected.
 */
#include "tm-int.h"
#include "quantity.h"

#include <math.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

struct tm_findings {
	tm_finding *f;
	size_t n, cap;
};

static int
add(tm_findings *fs, const char *kind, size_t ss, size_t sl, size_t ts,
    size_t tl, const char *expected, const char *fmt, ...)
    TM__PRINTF(8, 9);

static int
add(tm_findings *fs, const char *kind, size_t ss, size_t sl, size_t ts,
    size_t tl, const char *expected, const char *fmt, ...)
{
	struct tm__buf b = { 0 };
	tm_finding *f;
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || tm__buf_grow(&b, (size_t)n + 1) < 0)
		return tm__error_nomem();
	va_start(ap, fmt);
	vsnprintf(b.ptr, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	msg = tm__buf_detach(&b);
	if (fs->n == fs->cap && tm__grow((void **)&fs->f, &fs->cap, fs->n,
	    sizeof(*fs->f)) < 0) {
		free(msg);
		return tm__error_nomem();
	}
	f = &fs->f[fs->n];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->message = msg;
	if (expected && !(f->expected = tm__strdup(expected))) {
		free(msg);
		return tm__error_nomem();
	}
	f->src_start = ss;
	f->src_len = sl;
	f->tgt_start = ts;
	f->tgt_len = tl;
	fs->n++;
	return 0;
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
in_spans(const size_t *sp, size_t nsp, size_t pos)
{
	size_t i;

	for (i = 0; i < nsp; i++)
		if (pos >= sp[2 * i] && pos < sp[2 * i + 1])
			return true;
	return false;
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
		if (s[j] != '>')
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
	struct tm__buf why = { 0 };
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
	    pb, nt, pa, ns)) < 0) {
		error = tm__error_nomem();
		goto done;
	}
	error = add(fs, "tags", 0, 0, 0, 0, NULL, "the source has %zu "
	    "inline tag%s, the target %zu%s%s", ns, ns == 1 ? "" : "s", nt,
	    ns == nt && !why.len ? " of other kinds" : "", tm__buf_str(&why));
done:
	tm__buf_release(&why);
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
	hh = (int)floor(v);
	if (v != floor(v))
		mm = (int)lround((v - hh) * 100);
	if (t[e] == ':' && k + 1 < l->n && l->q[k + 1].start == e + 1 &&
	    l->q[k + 1].kind == TM__QTY_NUMBER) {
		mm = (int)l->q[k + 1].value;
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

/* Numbers, dates and times. */
static int
check_quantities(tm_findings *fs, const char *src, const char *tgt,
    bool src_cjk, bool tgt_cjk, const size_t *ss, size_t ns,
    const size_t *ts, size_t nt)
{
	struct tm__qty_list s, t;
	bool *used = NULL;
	size_t i, j;
	int error;
	char exp[160], shown[160];

	if ((error = tm__qty_scan(&s, src, strlen(src), src_cjk)) < 0)
		return error;
	if ((error = tm__qty_scan(&t, tgt, strlen(tgt), tgt_cjk)) < 0) {
		tm__qty_list_release(&s);
		return error;
	}
	if (!tgt_cjk && (error = add_ordinals(&t, tgt)) < 0)
		goto done;
	if (t.n && !(used = tm__calloc(t.n, sizeof(*used)))) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < s.n && !error; i++) {
		struct tm__qty *q = &s.q[i];
		size_t e = q->end, sb = q->start;
		bool found = false;

		if (in_spans(ss, ns, q->start))
			continue;
		if (q->kind == TM__QTY_MONTH) {
			int m = (int)q->value, d = 0;

			/* 1月28日: the day follows 月. */
			if (i + 1 < s.n && s.q[i + 1].kind == TM__QTY_NUMBER &&
			    s.q[i + 1].start == e + 3 &&
			    (starts(src + s.q[i + 1].end, "日") ||
			    starts(src + s.q[i + 1].end, "号")) &&
			    s.q[i + 1].value >= 1 && s.q[i + 1].value <= 31) {
				d = (int)s.q[i + 1].value;
				e = s.q[i + 1].end + 3;
				i++;
			} else if (starts(src + e, "月")) {
				e += 3;
			}
			for (j = 0; j < t.n && !found; j++) {
				if (t.q[j].kind != TM__QTY_MONTH ||
				    (int)t.q[j].value != m ||
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
				    day_names[(int)q->value - 1], "%.*s (%s) "
				    "is not in the target", (int)(e - sb),
				    src + sb, day_names[(int)q->value - 1]);
			continue;
		}
		if (q->kind != TM__QTY_NUMBER)
			continue;
		if (src_cjk && (starts(src + e, "时") || starts(src + e, "点"))
		    && q->value >= 0 && q->value <= 24 &&
		    q->value == floor(q->value)) {
			/* 凌晨1时, 下午3点30分, 15时. */
			int h = (int)q->value, m = 0, th, tmin;
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
				m = (int)s.q[i + 1].value;
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
				    th == h && tmin == m)
					found = used[j] = true;
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
			    tm__qty_same(t.q[j].value, q->value))
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
done:
	free(used);
	tm__qty_list_release(&s);
	tm__qty_list_release(&t);
	return error;
}

static int
check_terms(tm_findings *fs, tm_db *db, const char *src, const char *tgt,
    const char *from, const char *to)
{
	tm_term_hits *h = NULL;
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
			if ((r = tm__gloss_contains(tgt, t->text, &st, &sl)) < 0)
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
				error = add(fs, "deprecated-term", x->start,
				    x->len, st, sl, exp.len ?
				    tm__buf_str(&exp) : NULL, "%.*s: '%s' is "
				    "deprecated%s%s", (int)x->len,
				    src + x->start, t->text, exp.len ?
				    "; use " : "", tm__buf_str(&exp));
		}
	}
	tm__buf_release(&exp);
	tm_term_hits_free(h);
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
		free((char *)f->f[i].expected);
	}
	free(f->f);
	free(f);
}
