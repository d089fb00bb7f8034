/*
 * pt-markdown.c: the inline markup of Markdown documents through
 * pre-translation (issue 6): **strong**, *emphasis*, `code`, [links](u),
 * ![images](u), <autolinks>, inline HTML and hard breaks become the
 * same codes as HTML's elements (pt-inline.c places them in targets,
 * writes them to XLIFF and the review page); the segmenter, the matcher
 * and MT see the plain text; the draft writes each sentence back as
 * Markdown.
 *
 * Why a scanner of our own rather than libcmark (Debian 12 has
 * libcmark-dev 0.30.2): the draft must write an untranslated sentence
 * back byte for byte and a translated one with the source's own
 * markup (`__` or `**`, the link's destination and title as written,
 * the code span's backtick run), so each span's exact source bytes
 * are needed.  libcmark's tree has the meaning but not those bytes:
 * its text nodes are unescaped and entity-decoded, a strong node does
 * not say which delimiter made it, and its source positions are
 * documented for blocks, not for each inline delimiter.  The blocks
 * themselves are already read by pretranslate.c.  So this file follows
 * the inline part of the CommonMark 0.30 spec (section 6: the
 * delimiter-run rules and the "process emphasis" algorithm with its
 * openers_bottom, the bracket stack for links and images) on the
 * block's bytes, and tests/unit/markdown.c checks it against the spec's
 * examples.  Deliberate limits, each leaving the bytes as text:
 * reference links ([a][b], [a]) and entities (&amp;) are not resolved;
 * a link's destination and title longer than LINK_MAX bytes and code
 * spans opened by more than CODE_RUN_MAX backticks are text (both keep
 * the scan linear on hostile input).
 */
#include "pretranslate.h"

#include <ctype.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define NONE SIZE_MAX
#define LINK_MAX 1000		/* bytes of "(destination "title")" */
#define CODE_RUN_MAX 64		/* backticks opening a code span */

enum item_type { IT_TEXT, IT_ESC, IT_DELIM, IT_BRACKET, IT_MARK };

/* A piece of the block in order: a doubly linked list in an array. */
struct item {
	size_t a, b;		/* its bytes of the source */
	size_t prev, next;
	size_t left;		/* IT_DELIM: delimiters not used as markup */
	struct tm__pt_md *md;	/* IT_MARK */
	char type;		/* enum item_type */
	char kind;		/* IT_MARK: enum tm__pt_tag_kind */
};

/* The delimiter stack: runs of * and _, and [ and ![. */
struct delim {
	size_t item;
	size_t prev, next;
	size_t orig;		/* the run's length */
	size_t level;		/* [ and ![: index in the bracket stack */
	char c;			/* '*', '_', '[' or '!' */
	bool can_open, can_close, active;
};

struct memo {
	size_t from, found;	/* the first c at or after `from` is at found */
};

struct scan {
	const char *s;
	size_t len;
	struct item *it;
	size_t nit, capit, head, tail;
	struct delim *d;
	size_t nd, capd, dtop;
	size_t *br;		/* the bracket stack (delimiter indices) */
	size_t nbr, capbr;
	size_t inactive_below;	/* [ openers below this level are inactive */
	size_t last_tick[CODE_RUN_MAX + 1];	/* last run of each length */
	bool ticks_scanned;
	struct memo memo[3];	/* the next ", ' and --> */
	struct tm__pt_md **list;
};

static bool
ascii_punct(unsigned char c)
{
	return c < 0x80 && ispunct(c);
}

/* Unicode white space and punctuation as the flanking rules read them. */
static UChar32
char_before(const char *s, size_t i)
{
	int32_t at = (int32_t)i;
	UChar32 c;

	if (!i)
		return ' ';
	U8_PREV(s, 0, at, c);
	return c < 0 ? 0xfffd : c;
}

static UChar32
char_at(const char *s, size_t len, size_t i)
{
	int32_t at = (int32_t)i;
	UChar32 c;

	if (i >= len)
		return ' ';
	U8_NEXT(s, at, (int32_t)len, c);
	return c < 0 ? 0xfffd : c;
}

static bool
uspace(UChar32 c)
{
	if (c < 0x80)
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f';
	return u_charType(c) == U_SPACE_SEPARATOR;
}

static bool
upunct(UChar32 c)
{
	if (c < 0x80)
		return ascii_punct((unsigned char)c);
	return u_ispunct(c);
}

/*
 * Items
 * =====
 */

static int
new_item(struct scan *c, char type, size_t a, size_t b)
{
	struct item *t;

	if (tm__grow((void **)&c->it, &c->capit, c->nit, sizeof(*c->it)) < 0)
		return TM_ENOMEM;
	t = &c->it[c->nit];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->a = a;
	t->b = b;
	t->prev = t->next = NONE;
	c->nit++;
	return 0;
}

/* Append an item to the list; text touching the last text grows it. */
static int
append(struct scan *c, char type, size_t a, size_t b)
{
	int error;

	if (type == IT_TEXT && c->tail != NONE &&
	    c->it[c->tail].type == IT_TEXT && c->it[c->tail].b == a) {
		c->it[c->tail].b = b;
		return 0;
	}
	if ((error = new_item(c, type, a, b)) < 0)
		return error;
	c->it[c->nit - 1].prev = c->tail;
	if (c->tail != NONE)
		c->it[c->tail].next = c->nit - 1;
	else
		c->head = c->nit - 1;
	c->tail = c->nit - 1;
	return 0;
}

/* A new item after (before: false, before) item `at`. */
static int
insert(struct scan *c, size_t at, bool after, struct tm__pt_md *md,
    char kind)
{
	size_t n = c->nit;
	struct item *t;
	int error;

	if ((error = new_item(c, IT_MARK, 0, 0)) < 0)
		return error;
	t = &c->it[n];
	t->md = md;
	t->kind = kind;
	if (after) {
		t->prev = at;
		t->next = c->it[at].next;
		c->it[at].next = n;
		if (t->next != NONE)
			c->it[t->next].prev = n;
		else
			c->tail = n;
	} else {
		t->next = at;
		t->prev = c->it[at].prev;
		c->it[at].prev = n;
		if (t->prev != NONE)
			c->it[t->prev].next = n;
		else
			c->head = n;
	}
	return 0;
}

/* New markup, owned by the document's list. */
static struct tm__pt_md *
new_md(struct scan *c, const char *ctype, const char *open, size_t olen,
    const char *close, size_t clen)
{
	struct tm__pt_md *md = tm__calloc(1, sizeof(*md));

	if (!md)
		return NULL;
	md->ctype = ctype;
	if (!(md->open = tm__strndup(open, olen)) ||
	    !(md->close = tm__strndup(close ? close : "", clen))) {
		tm_free(md->open);
		tm_free(md);
		return NULL;
	}
	md->next = *c->list;
	*c->list = md;
	return md;
}

/* An empty code for s[a, b) at the end of the list. */
static int
append_empty(struct scan *c, const char *ctype, size_t a, size_t b)
{
	struct tm__pt_md *md = new_md(c, ctype, c->s + a, b - a, NULL, 0);
	int error;

	if (!md || (error = append(c, IT_MARK, a, a)) < 0)
		return TM_ENOMEM;
	c->it[c->tail].md = md;
	c->it[c->tail].kind = TM__TAG_EMPTY;
	return 0;
}

/*
 * The delimiter stack
 * ===================
 */

static int
push_delim(struct scan *c, char ch, size_t orig, bool can_open,
    bool can_close)
{
	struct delim *d;

	if (tm__grow((void **)&c->d, &c->capd, c->nd, sizeof(*c->d)) < 0)
		return TM_ENOMEM;
	d = &c->d[c->nd];
	memset(d, 0, sizeof(*d));
	d->item = c->tail;
	d->c = ch;
	d->orig = orig;
	d->can_open = can_open;
	d->can_close = can_close;
	d->active = true;
	d->prev = c->dtop;
	d->next = NONE;
	if (c->dtop != NONE)
		c->d[c->dtop].next = c->nd;
	c->dtop = c->nd++;
	return 0;
}

static void
remove_delim(struct scan *c, size_t k)
{
	struct delim *d = &c->d[k];

	if (d->prev != NONE)
		c->d[d->prev].next = d->next;
	if (d->next != NONE)
		c->d[d->next].prev = d->prev;
	else
		c->dtop = d->prev;
	d->prev = d->next = NONE;
}

/* Whether run a (opener) and b (closer) may match: the rule of 3. */
static bool
may_match(const struct delim *a, const struct delim *b)
{
	if (!(a->can_close || b->can_open))
		return true;
	return (a->orig + b->orig) % 3 != 0 ||
	    (a->orig % 3 == 0 && b->orig % 3 == 0);
}

/*
 * CommonMark's "process emphasis" on the delimiters above `bottom`
 * (NONE: all), which are all removed after.
 */
static int
process_emphasis(struct scan *c, size_t bottom)
{
	size_t openers_bottom[2][3][2], closer, k, m;
	int error;

	for (k = 0; k < 3; k++)
		for (m = 0; m < 2; m++)
			openers_bottom[0][k][m] = openers_bottom[1][k][m] =
			    bottom;
	closer = bottom == NONE ? NONE : c->d[bottom].next;
	if (bottom == NONE)
		for (k = c->dtop; k != NONE; k = c->d[k].prev)
			closer = k;
	while (closer != NONE) {
		struct delim *cd = &c->d[closer];
		size_t *ob, opener, use;
		struct tm__pt_md *md;
		bool found = false;

		if ((cd->c != '*' && cd->c != '_') || !cd->can_close) {
			closer = cd->next;
			continue;
		}
		ob = &openers_bottom[cd->c == '_'][cd->orig % 3][cd->can_open];
		for (opener = cd->prev; opener != NONE && opener != bottom &&
		    opener != *ob; opener = c->d[opener].prev) {
			const struct delim *od = &c->d[opener];

			if (od->c == cd->c && od->can_open && may_match(od, cd)) {
				found = true;
				break;
			}
		}
		if (!found) {
			size_t next = cd->next;

			*ob = cd->prev;
			if (!cd->can_open)
				remove_delim(c, closer);
			closer = next;
			continue;
		}
		use = c->it[c->d[opener].item].left >= 2 &&
		    c->it[cd->item].left >= 2 ? 2 : 1;
		c->it[c->d[opener].item].left -= use;
		c->it[cd->item].left -= use;
		if (!(md = new_md(c, use == 2 ? "bold" : "italic",
		    c->s + c->it[cd->item].a, use, c->s + c->it[cd->item].a,
		    use)))
			return TM_ENOMEM;
		if ((error = insert(c, c->d[opener].item, true, md,
		    TM__TAG_OPEN)) < 0 || (error = insert(c, cd->item, false,
		    md, TM__TAG_CLOSE)) < 0)
			return error;
		while (cd->prev != opener)
			remove_delim(c, cd->prev);
		if (!c->it[c->d[opener].item].left)
			remove_delim(c, opener);
		if (!c->it[cd->item].left) {
			size_t next = cd->next;

			remove_delim(c, closer);
			closer = next;
		}
	}
	while (c->dtop != NONE && c->dtop != bottom)
		remove_delim(c, c->dtop);
	return 0;
}

/*
 * Scanning
 * ========
 */

/* The first byte ch at or after `from`, or len; memo m makes it linear. */
static size_t
next_byte(struct scan *c, struct memo *m, char ch, size_t from)
{
	const char *f;

	if (m->from <= from && m->found >= from && m->found != NONE)
		return m->found;
	f = memchr(c->s + from, ch, c->len - from);
	m->from = from;
	m->found = f ? (size_t)(f - c->s) : c->len;
	return m->found;
}

/* "-->" at or after `from`: its offset, or len. */
static size_t
next_comment_end(struct scan *c, size_t from)
{
	struct memo *m = &c->memo[2];
	size_t i = from;

	if (m->from <= from && m->found >= from && m->found != NONE)
		return m->found;
	for (;;) {
		const char *f = memchr(c->s + i, '-', c->len - i);

		if (!f || (size_t)(f - c->s) + 3 > c->len) {
			i = c->len;
			break;
		}
		i = (size_t)(f - c->s);
		if (f[1] == '-' && f[2] == '>')
			break;
		i++;
	}
	m->from = from;
	m->found = i;
	return i;
}

static bool
tag_name_char(unsigned char ch)
{
	return ch < 0x80 && (isalnum(ch) || ch == '-');
}

static size_t
skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	return i;
}

/* An autolink or inline HTML at s[i] == '<': its end, or 0. */
static size_t
scan_angle(struct scan *c, size_t i, const char **ctype)
{
	const char *s = c->s;
	size_t len = c->len, j = i + 1, k;

	*ctype = "x-md-autolink";
	/* <scheme:...> */
	for (k = j; k < len && k - j < 32 && s[k] < 0x7f && s[k] > ' ' &&
	    (isalnum((unsigned char)s[k]) || (k > j && strchr("+.-",
	    s[k]))); k++)
		;
	if (k < len && s[k] == ':' && k - j >= 2 &&
	    isalpha((unsigned char)s[j])) {
		for (k++; k < len && (unsigned char)s[k] > ' ' && s[k] != '<' &&
		    s[k] != '>' && s[k] != 0x7f; k++)
			;
		if (k < len && s[k] == '>')
			return k + 1;
	}
	/* <user@example.org> */
	for (k = j; k < len && ((unsigned char)s[k] < 0x80 &&
	    (isalnum((unsigned char)s[k]) || strchr(".!#$%&'*+/=?^_`{|}~-",
	    s[k]))); k++)
		;
	if (k > j && k < len && s[k] == '@') {
		size_t at = ++k;

		while (k < len && (unsigned char)s[k] < 0x80 &&
		    (isalnum((unsigned char)s[k]) || s[k] == '.' || s[k] == '-'))
			k++;
		if (k > at && k < len && s[k] == '>' &&
		    isalnum((unsigned char)s[at]))
			return k + 1;
	}
	*ctype = "x-md-html";
	/* <!-- comment --> */
	if (len - j >= 3 && strncmp(s + j, "!--", 3) == 0) {
		k = next_comment_end(c, j + 3);
		return k < len ? k + 3 : 0;
	}
	/* </name > */
	if (j < len && s[j] == '/') {
		if (++j >= len || !isalpha((unsigned char)s[j]))
			return 0;
		while (j < len && tag_name_char((unsigned char)s[j]))
			j++;
		j = skip_space(s, len, j);
		return j < len && s[j] == '>' ? j + 1 : 0;
	}
	/* <name attr="value" ... /> */
	if (j >= len || !isalpha((unsigned char)s[j]))
		return 0;
	while (j < len && tag_name_char((unsigned char)s[j]))
		j++;
	for (;;) {
		k = skip_space(s, len, j);
		if (k < len && s[k] == '>')
			return k + 1;
		if (k + 1 < len && s[k] == '/' && s[k + 1] == '>')
			return k + 2;
		if (k == j || k >= len || !(isalpha((unsigned char)s[k]) ||
		    s[k] == '_' || s[k] == ':'))
			return 0;
		while (k < len && (isalnum((unsigned char)s[k]) ||
		    strchr("_.:-", s[k])) && s[k])
			k++;
		j = skip_space(s, len, k);
		if (j >= len || s[j] != '=') {
			j = k;
			continue;
		}
		j = skip_space(s, len, j + 1);
		if (j < len && (s[j] == '"' || s[j] == '\'')) {
			k = next_byte(c, &c->memo[s[j] == '\''], s[j], j + 1);
			if (k >= len)
				return 0;
			j = k + 1;
		} else {
			for (k = j; k < len && !strchr(" \t\n\"'=<>`", s[k]);
			    k++)
				;
			if (k == j)
				return 0;
			j = k;
		}
	}
}

/*
 * An inline link's "(destination "title")" at s[i] == '(': the offset
 * after its ")", or 0.
 */
static size_t
scan_link_tail(const char *s, size_t len, size_t i)
{
	size_t j = skip_space(s, len, i + 1), end, depth = 0;

	if (len - i > LINK_MAX)
		len = i + LINK_MAX;
	if (j < len && s[j] == '<') {
		for (j++; j < len && s[j] != '>' && s[j] != '\n' &&
		    s[j] != '<'; j++)
			if (s[j] == '\\' && j + 1 < len &&
			    ascii_punct((unsigned char)s[j + 1]))
				j++;
		if (j >= len || s[j] != '>')
			return 0;
		j++;
	} else {
		for (; j < len && (unsigned char)s[j] > ' ' && s[j] != 0x7f;
		    j++) {
			if (s[j] == '\\' && j + 1 < len &&
			    ascii_punct((unsigned char)s[j + 1]))
				j++;
			else if (s[j] == '(' && ++depth > 32)
				return 0;
			else if (s[j] == ')' && depth-- == 0) {
				depth = 0;
				break;
			}
		}
		if (depth)
			return 0;
	}
	end = skip_space(s, len, j);
	if (end > j && end < len && (s[end] == '"' || s[end] == '\'' ||
	    s[end] == '(')) {
		char close = s[end] == '(' ? ')' : s[end];

		for (j = end + 1; j < len && s[j] != close; j++) {
			if (s[j] == '\\' && j + 1 < len)
				j++;
			else if (close == ')' && s[j] == '(')
				return 0;
		}
		if (j >= len)
			return 0;
		end = skip_space(s, len, j + 1);
	}
	return end < len && s[end] == ')' ? end + 1 : 0;
}

/* The bracket on top of the stack, popped. */
static void
pop_bracket(struct scan *c)
{
	c->nbr--;
	if (c->inactive_below > c->nbr)
		c->inactive_below = c->nbr;
}

/* "]" at s[i]: a link or image closes, or it is text; *i after it. */
static int
close_bracket(struct scan *c, size_t *i)
{
	size_t op, q;
	struct delim *d;
	struct tm__pt_md *md;
	struct item *t;
	int error;

	if (!c->nbr) {
		*i += 1;
		return append(c, IT_TEXT, *i - 1, *i);
	}
	op = c->br[c->nbr - 1];
	d = &c->d[op];
	q = *i + 1 < c->len && c->s[*i + 1] == '(' ? scan_link_tail(c->s,
	    c->len, *i + 1) : 0;
	if (!q || (d->c == '[' && d->level < c->inactive_below)) {
		pop_bracket(c);
		remove_delim(c, op);
		*i += 1;
		return append(c, IT_TEXT, *i - 1, *i);
	}
	t = &c->it[d->item];
	if (d->c == '!') {
		/* The image, alt text and all, is one empty code. */
		if (!(md = new_md(c, "image", c->s + t->a, q - t->a, NULL, 0)))
			return TM_ENOMEM;
		t->next = NONE;
		c->tail = d->item;
		while (c->dtop != NONE && c->dtop != op)
			remove_delim(c, c->dtop);
		t->kind = TM__TAG_EMPTY;
	} else {
		if (!(md = new_md(c, "link", "[", 1, c->s + *i, q - *i)) ||
		    (error = process_emphasis(c, op)) < 0 ||
		    (error = append(c, IT_MARK, *i, *i)) < 0)
			return TM_ENOMEM;
		c->it[c->tail].md = md;
		c->it[c->tail].kind = TM__TAG_CLOSE;
		t = &c->it[c->d[op].item];
		t->kind = TM__TAG_OPEN;
		/* No link inside a link: the [ below are text now. */
		c->inactive_below = c->nbr - 1;
	}
	t->type = IT_MARK;
	t->md = md;
	remove_delim(c, op);
	pop_bracket(c);
	*i = q;
	return 0;
}

/* A backtick run s[i, j): a code span, or text. */
static int
code_span(struct scan *c, size_t i, size_t j, size_t *end)
{
	const char *s = c->s;
	size_t n = j - i, k, q, a, b;
	struct tm__pt_md *md;
	int error;

	*end = j;
	if (!c->ticks_scanned) {
		for (k = 0; k < c->len; k = q) {
			if (s[k] != '`') {
				const char *f = memchr(s + k, '`', c->len - k);

				q = f ? (size_t)(f - s) : c->len;
				continue;
			}
			for (q = k; q < c->len && s[q] == '`'; q++)
				;
			if (q - k <= CODE_RUN_MAX)
				c->last_tick[q - k] = k + 1;
		}
		c->ticks_scanned = true;
	}
	if (n > CODE_RUN_MAX || c->last_tick[n] <= j)
		return append(c, IT_TEXT, i, j);
	for (k = j;; k = q) {
		const char *f = memchr(s + k, '`', c->len - k);

		k = (size_t)(f - s);	/* found: last_tick says so */
		for (q = k; q < c->len && s[q] == '`'; q++)
			;
		if (q - k == n)
			break;
	}
	/* The content, one space each side stripped when both are. */
	a = j;
	b = k;
	if (b - a >= 2 && s[a] == ' ' && s[b - 1] == ' ') {
		for (q = a; q < b && s[q] == ' '; q++)
			;
		if (q < b) {
			a++;
			b--;
		}
	}
	if (!(md = new_md(c, "x-md-code", s + i, a - i, s + b, k + n - b)))
		return TM_ENOMEM;
	md->verbatim = true;
	if ((error = append(c, IT_MARK, i, i)) < 0)
		return error;
	c->it[c->tail].md = md;
	c->it[c->tail].kind = TM__TAG_OPEN;
	if (b > a && (error = append(c, IT_TEXT, a, b)) < 0)
		return error;
	if ((error = append(c, IT_MARK, b, b)) < 0)
		return error;
	c->it[c->tail].md = md;
	c->it[c->tail].kind = TM__TAG_CLOSE;
	*end = k + n;
	return 0;
}

/* A run of * or _ at s[i, j). */
static int
delim_run(struct scan *c, size_t i, size_t j)
{
	UChar32 before = char_before(c->s, i), after = char_at(c->s, c->len, j);
	bool left = !uspace(after) && (!upunct(after) || uspace(before) ||
	    upunct(before));
	bool right = !uspace(before) && (!upunct(before) || uspace(after) ||
	    upunct(after));
	bool open = left, close = right;
	int error;

	if (c->s[i] == '_') {
		open = left && (!right || upunct(before));
		close = right && (!left || upunct(after));
	}
	if ((error = append(c, IT_DELIM, i, j)) < 0)
		return error;
	c->it[c->tail].left = j - i;
	if (!open && !close)
		return 0;
	return push_delim(c, c->s[i], j - i, open, close);
}

/* "[" or "![" at s[i, i + n): on the delimiter and bracket stacks. */
static int
open_bracket(struct scan *c, size_t i, size_t n)
{
	int error;

	if ((error = append(c, IT_BRACKET, i, i + n)) < 0 ||
	    (error = push_delim(c, c->s[i], n, false, false)) < 0)
		return error;
	if (tm__grow((void **)&c->br, &c->capbr, c->nbr, sizeof(*c->br)) < 0)
		return TM_ENOMEM;
	c->d[c->dtop].level = c->nbr;
	c->br[c->nbr++] = c->dtop;
	return 0;
}

static int
scan(struct scan *c)
{
	const char *s = c->s;
	size_t len = c->len, i = 0, j;
	int error = 0;

	while (i < len && !error) {
		const char *ctype;

		switch (s[i]) {
		case '\\':
			if (i + 1 < len && ascii_punct((unsigned char)s[i + 1])) {
				error = append(c, IT_ESC, i + 1, i + 2);
				i += 2;
			} else if (i + 1 < len && s[i + 1] == '\n') {
				error = append_empty(c, "lb", i, i + 1);
				i++;
			} else {
				error = append(c, IT_TEXT, i, i + 1);
				i++;
			}
			break;
		case '`':
			for (j = i; j < len && s[j] == '`'; j++)
				;
			error = code_span(c, i, j, &i);
			break;
		case '*':
		case '_':
			for (j = i; j < len && s[j] == s[i]; j++)
				;
			error = delim_run(c, i, j);
			i = j;
			break;
		case '!':
			if (i + 1 < len && s[i + 1] == '[') {
				error = open_bracket(c, i, 2);
				i += 2;
			} else {
				error = append(c, IT_TEXT, i, i + 1);
				i++;
			}
			break;
		case '[':
			error = open_bracket(c, i++, 1);
			break;
		case ']':
			error = close_bracket(c, &i);
			break;
		case '<':
			j = scan_angle(c, i, &ctype);
			if (j) {
				error = append_empty(c, ctype, i, j);
				i = j;
			} else {
				error = append(c, IT_TEXT, i, i + 1);
				i++;
			}
			break;
		case ' ':
			for (j = i; j < len && s[j] == ' '; j++)
				;
			/* Two spaces or more before a line break: a hard one. */
			if (j - i >= 2 && j < len && s[j] == '\n')
				error = append_empty(c, "lb", i, j);
			else
				error = append(c, IT_TEXT, i, j);
			i = j;
			break;
		default:
			for (j = i + 1; j < len && !strchr("\\`*_![]< ", s[j]);
			    j++)
				;
			error = append(c, IT_TEXT, i, j);
			i = j;
			break;
		}
	}
	if (!error)
		error = process_emphasis(c, NONE);
	return error;
}

static int
add_event(struct tm__pt_mdscan *m, struct tm__pt_md *md, char kind)
{
	struct tm__pt_event *v;

	if (tm__grow((void **)&m->ev, &m->capev, m->nev, sizeof(*m->ev)) < 0)
		return TM_ENOMEM;
	v = &m->ev[m->nev++];
	memset(v, 0, sizeof(*v));
	v->pos = m->text.len;
	v->code.md = md;
	v->code.paired = kind != TM__TAG_EMPTY;
	v->kind = kind;
	return 0;
}

/* The list as plain text and events. */
static int
flatten(struct scan *c, struct tm__pt_mdscan *m)
{
	size_t k;
	int error = 0;

	for (k = c->head; k != NONE && !error; k = c->it[k].next) {
		const struct item *t = &c->it[k];
		size_t n;

		switch (t->type) {
		case IT_ESC:
			if (tm__grow((void **)&m->esc, &m->capesc, m->nesc,
			    sizeof(*m->esc)) < 0) {
				error = TM_ENOMEM;
				break;
			}
			m->esc[m->nesc++] = m->text.len;
			/* FALLTHROUGH */
		case IT_TEXT:
		case IT_BRACKET:
			error = tm__buf_add(&m->text, c->s + t->a, t->b - t->a);
			break;
		case IT_DELIM:
			for (n = 0; n < t->left && !error; n++)
				error = tm__buf_addc(&m->text, c->s[t->a]);
			break;
		default:
			error = add_event(m, t->md, t->kind);
			break;
		}
	}
	if (!error)
		error = tm__buf_adds(&m->text, "");
	return error;
}

int
tm__pt_md_scan(struct tm__pt_mdscan *m, struct tm__pt_md **list,
    const char *s, size_t len)
{
	struct scan c;
	size_t k;
	int error;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.len = len;
	c.head = c.tail = c.dtop = NONE;
	c.list = list;
	for (k = 0; k < TM__ARRAY_SIZE(c.memo); k++)
		c.memo[k].found = NONE;
	if ((error = scan(&c)) == 0)
		error = flatten(&c, m);
	tm_free(c.it);
	tm_free(c.d);
	tm_free(c.br);
	return error < 0 ? tm__error_nomem() : 0;
}

void
tm__pt_mdscan_release(struct tm__pt_mdscan *m)
{
	tm__buf_release(&m->text);
	tm_free(m->ev);
	tm_free(m->esc);
	memset(m, 0, sizeof(*m));
}

void
tm__pt_md_free(struct tm__pt_md *list)
{
	while (list) {
		struct tm__pt_md *next = list->next;

		tm_free(list->open);
		tm_free(list->close);
		tm_free(list);
		list = next;
	}
}

/*
 * Segmenting
 * ==========
 */

/* White space the segmenter trims or joins lines with (U+3000 too). */
static size_t
ws_len(const char *s, size_t i, size_t len)
{
	if (i < len && strchr(" \t\n\r\f\v", s[i]) && s[i])
		return 1;
	if (i + 3 <= len && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/*
 * Find segment `seg` in text from *at on, white space aside (the
 * segmenter trims lines and joins them with a space or, between CJK
 * ones, nothing): its start and end, map[] of each offset in [start,
 * end) set to its offset in seg (the next segment may start at end).
 * False when not found.
 */
static bool
locate(const char *text, size_t len, const char *seg, size_t *at,
    size_t *start, size_t *map)
{
	size_t i = *at, j = 0, n = strlen(seg), w;

	while ((w = ws_len(text, i, len)))
		i += w;
	*start = i;
	while (j < n) {
		if ((w = ws_len(text, i, len))) {
			while ((w = ws_len(text, i, len)))
				while (w--)
					map[i++] = j;
			while ((w = ws_len(seg, j, n)))
				j += w;
		} else if (i < len && text[i] == seg[j]) {
			map[i++] = j++;
		} else {
			return false;
		}
	}
	map[i] = n;
	*at = i;
	return true;
}

int
tm__pt_md_segment(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line)
{
	struct tm__pt_mdscan m;
	size_t *s = NULL, *e = NULL, *map = NULL, k, at = 0, x = 0;
	int error;

	memset(&m, 0, sizeof(m));
	if ((error = tm__pt_md_scan(&m, &p->md, text, len)) < 0 ||
	    (error = tm__pt_segment_block(p, sg, b, m.text.ptr, m.text.len,
	    line)) < 0 || !b->n || (!m.nev && !m.nesc))
		goto done;
	if (!(s = tm__calloc(b->n, sizeof(*s))) ||
	    !(e = tm__calloc(b->n, sizeof(*e))) ||
	    !(map = tm__calloc(m.text.len + 1, sizeof(*map)))) {
		error = tm__error_nomem();
		goto done;
	}
	for (k = 0; k < b->n; k++)
		if (!locate(m.text.ptr, m.text.len, p->segs[b->first + k].source,
		    &at, &s[k], map))
			goto done;	/* not expected: no codes, text kept */
		else
			e[k] = at;
	/* The escaped characters of each segment. */
	for (k = 0; k < b->n && !error; k++) {
		struct tm__pt_seg *g = &p->segs[b->first + k];
		size_t cap = 0;

		for (; x < m.nesc && m.esc[x] < e[k]; x++) {
			if (m.esc[x] < s[k])
				continue;
			if (tm__grow((void **)&g->esc, &cap, g->nesc,
			    sizeof(*g->esc)) < 0) {
				error = tm__error_nomem();
				break;
			}
			g->esc[g->nesc++] = map[m.esc[x]];
		}
	}
	if (!error)
		error = tm__pt_share_events(p, b, m.ev, m.nev, s, e, map);
done:
	tm_free(s);
	tm_free(e);
	tm_free(map);
	tm__pt_mdscan_release(&m);
	return error;
}

/*
 * Writing
 * =======
 */

/* Characters Markdown could read as markup in a translation. */
static bool
special(char ch)
{
	return ch && strchr("\\`*_[]<", ch) != NULL;
}

/*
 * At the start of a line, what would start a block: # > + - = or a
 * number and . or ) ("1. The talks" would be a list): the offset of the
 * character to escape, or NONE.
 */
static size_t
block_marker(const char *text, size_t at)
{
	size_t d = 0;

	if (text[at] && strchr("#>+-=", text[at]))
		return at;
	while (d < 10 && isdigit((unsigned char)text[at + d]))
		d++;
	return d && d < 10 && (text[at + d] == '.' || text[at + d] == ')') ?
	    at + d : NONE;
}

int
tm__pt_md_write(struct tm__buf *b, const char *text,
    const struct tm__pt_tag *t, size_t n, const struct tm__pt_code *codes,
    bool source, const size_t *esc, size_t nesc, bool bol)
{
	size_t at = 0, i = 0, x = 0, len = strlen(text), verbatim = 0;
	size_t marker = NONE;
	bool skip_space = false;
	int error = 0;

	while (!error && (at < len || i < n)) {
		size_t upto = i < n ? (t[i].pos > len ? len : t[i].pos) : len;

		/* The text up to the next tag. */
		for (; at < upto && !error; at++) {
			char ch = text[at];

			if (skip_space && (ch == ' ' || ch == '\n')) {
				skip_space = false;
				continue;
			}
			skip_space = false;
			if (bol && !source && !verbatim && ch != ' ')
				marker = block_marker(text, at);
			bol = false;
			while (x < nesc && esc[x] < at)
				x++;
			if (source ? x < nesc && esc[x] == at : !verbatim &&
			    (special(ch) || at == marker))
				error = tm__buf_addc(b, '\\');
			if (!error)
				error = tm__buf_addc(b, ch);
		}
		if (i >= n || error)
			break;
		{
			const struct tm__pt_code *c = &codes[t[i].id - 1];
			const struct tm__pt_md *md = c->md;

			if (!md) {
				i++;
				continue;
			}
			if (t[i].kind == TM__TAG_OPEN) {
				error = tm__buf_adds(b, md->open);
				verbatim += md->verbatim;
			} else if (t[i].kind == TM__TAG_CLOSE) {
				error = tm__buf_adds(b, md->close);
				verbatim -= md->verbatim && verbatim;
			} else {
				error = tm__buf_adds(b, md->open);
				/* A hard break ends its line. */
				if (!error && strcmp(md->ctype, "lb") == 0) {
					error = tm__buf_addc(b, '\n');
					skip_space = bol = true;
				}
			}
			i++;
		}
	}
	return error < 0 ? tm__error_nomem() : 0;
}
