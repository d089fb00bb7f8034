/*
 * pretranslate.h: the pre-translation of one document, shared by
 * pretranslate.c (reading, matching, draft, analysis), xliff-write.c and
 * review.c.  Internal; tm.h has the API.
 */
#ifndef TM_PRETRANSLATE_H
#define TM_PRETRANSLATE_H

#include "tm-int.h"

#include <libxml/HTMLparser.h>

/* A match of the memory kept for alt-trans and the review page. */
struct tm__pt_match {
	int score;
	char *source, *target, *diff;
	int64_t unit_id;
};

/* A glossary term found in the source, with its translations. */
struct tm__pt_term {
	size_t start, len;	/* its span in the source */
	char *note;		/* "口罩 → mask (preferred)" */
};

/* A QA finding of tm_check_segment on the draft's target. */
struct tm__pt_qa {
	char *kind, *message;	/* message: English, for the XLIFF */
	char *text;		/* the message for people (review page) */
};

/*
 * A Markdown inline span's markup (pt-markdown.c), as the source had
 * it: "**" and "**" around strong text, "[" and "](url \"title\")"
 * around a link's, "`` " and " ``" around code; an empty code (an
 * image, an autolink, inline HTML, a hard break) has all of it in
 * `open`.  A document's are a list owned by its tm_pretranslation.
 */
struct tm__pt_md {
	const char *ctype;	/* XLIFF 1.2: bold, italic, link, x-md-code... */
	char *open, *close;
	bool verbatim;		/* code: its text is written back unescaped */
	struct tm__pt_md *next;
};

/*
 * An inline code of a segment (XLIFF <g> or <x/>): its id is its index
 * in the segment's codes plus one.  HTML: `node` is the original element
 * in tm_pretranslation.html (name, attributes; for <x/> the whole
 * element, a script with its text), from which the draft rebuilds it.
 * Markdown: `node` is NULL and `md` its markup.
 */
struct tm__pt_code;

/*
 * What a format's reader says of its own codes, where the HTML path's
 * reading of the node would be wrong (DOCX and ODT runs).
 */
struct tm__pt_code_ops {
	/* A code with nothing to see: a bookmark, a field's instruction. */
	bool (*invisible)(const struct tm__pt_code *c);
	/* Its XLIFF 1.2 ctype: bold, italic, underlined, link, lb, x-... */
	const char *(*ctype)(const struct tm__pt_code *c);
	/* Its description for the review page's badge. */
	int (*describe)(struct tm__buf *b, const struct tm__pt_code *c);
};

struct tm__pt_code {
	xmlNodePtr node;
	const struct tm__pt_md *md;
	const struct tm__pt_code_ops *ops;	/* NULL: HTML or Markdown */
	bool paired;		/* <g>: an element around text; else <x/> */
};

enum tm__pt_tag_kind {
	TM__TAG_OPEN = 'o',	/* <g id="N"> */
	TM__TAG_CLOSE = 'c',	/* </g> */
	TM__TAG_EMPTY = 'e'	/* <x id="N"/> */
};

/* A tag at byte offset `pos` of a segment's (plain) text. */
struct tm__pt_tag {
	size_t pos;
	unsigned id;
	char kind;		/* enum tm__pt_tag_kind */
};

struct tm__pt_seg {
	tm_pt_segment pub;	/* its strings point into the fields below */
	char *source, *target, *diff, *match_source, *mt_error;
	struct tm__pt_match *m;	/* the memory's matches, best first */
	size_t nm;
	size_t para;		/* paragraph within its block (a line break) */
	struct tm__pt_term *terms;
	size_t nterms;
	struct tm__pt_qa *qa;
	size_t nqa;
	/* Inline codes (HTML): the source's tags and the target's. */
	struct tm__pt_code *codes;
	size_t ncodes;
	struct tm__pt_tag *stags, *ttags;
	size_t nstags, nttags;
	char *target_seg;	/* the exact match's target as TMX <seg> XML */
	/* Markdown: offsets of the source's characters written \-escaped. */
	size_t *esc;
	size_t nesc;
};

/*
 * A piece of the document: text kept as is (`literal`), or a block of
 * segments [first, first + n) written after `prefix` (text, Markdown),
 * or the nth text block of the HTML tree.
 */
struct tm__pt_block {
	char *literal;
	char *prefix;
	size_t first, n;
	char *raw;		/* text, Markdown: the block after prefix */
	/*
	 * DOCX, ODT: the paragraph, in part `part` of the package, and a
	 * run (span) of it with its most common properties, which its text
	 * outside codes takes (NULL: none).
	 */
	xmlNodePtr node, base;
	size_t part;
};

struct tm_pretranslation {
	int format;
	char *name;		/* the file's base name */
	char *from, *to, *mt_name;
	struct tm__pt_seg *segs;
	size_t nsegs, capsegs;
	struct tm__pt_block *blocks;
	size_t nblocks, capblocks;
	htmlDocPtr html;	/* the parsed HTML (TM_FORMAT_HTML) */
	struct tm__pt_md *md;	/* the Markdown codes' markup */
	struct tm__pt_office *office;	/* the DOCX or ODT package */
	int mark;		/* enum tm_pt_mark */
	char *note;		/* for the analysis: what the reader changed */
};

/* Call fn on each text block of the HTML tree, in document order. */
int tm__pt_html_blocks(htmlDocPtr doc,
    int (*fn)(void *arg, xmlNodePtr node), void *arg);

/*
 * Inline codes (pt-inline.c)
 * ==========================
 */

/* Segment text[0..len) as the segments of block b. */
int tm__pt_segment_block(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line);

/*
 * Segment the HTML text block `node` as block `b` (after its last
 * segment so far): its inline elements become the segments' codes.
 */
int tm__pt_html_segment(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, xmlNodePtr node);

/*
 * Give segment g's target the source's codes (rules a-d of issue 6):
 * the memory's own codes (g->target_seg), else codes around the whole
 * segment, else around text found once in the target (or the
 * translation of a glossary term of `hits`, tm_glossary_find on the
 * source, which may be NULL, or the same numbers and dates read in the
 * languages `from` and `to`); the rest are left out.  0 or TM_ENOMEM.
 */
int tm__pt_place_codes(struct tm__pt_seg *g, const tm_term_hits *hits,
    const char *from, const char *to);

/*
 * Text with its tags as the XLIFF reader writes them back (<g id="1">,
 * </g>, <x id="2"/>; text not escaped), what tm_check_segment compares.
 */
int tm__pt_tagged(char **out, const char *text, const struct tm__pt_tag *t,
    size_t n);

/* Text with its tags as XLIFF 1.2 inline content (escaped, with ctype). */
int tm__pt_add_xliff(struct tm__buf *b, const char *text,
    const struct tm__pt_tag *t, size_t n, const struct tm__pt_code *codes);

/*
 * The review page's view of text[from..to): escaped, each tag whose
 * position is in [from, to) (and at `to` when `to` is the end) a small
 * badge; *ti is the next tag, advanced.
 */
int tm__pt_add_badges(struct tm__buf *b, const char *text, size_t from,
    size_t to, const struct tm__pt_tag *t, size_t n,
    const struct tm__pt_code *codes, size_t *ti);

/*
 * Replace the children of `node` (in `doc`) by block k's draft, its
 * sentences joined by a space when `space`.
 */
int tm__pt_html_rebuild(xmlDocPtr doc, xmlNodePtr node,
    const tm_pretranslation *p, const struct tm__pt_block *k, bool space);

/*
 * An inline code's start or end, or an empty one, at `pos` of a block's
 * plain text, before the block is segmented: `code` has its node or
 * markup (paired unset).
 */
struct tm__pt_event {
	size_t pos;
	struct tm__pt_code code;
	char kind;		/* enum tm__pt_tag_kind */
};

/*
 * Share a block's events out among its segments, which stand at
 * [s[k], e[k]) of the block's text; map (NULL: identity from s[k]) is
 * each block offset's offset in its segment.  0 or TM_ENOMEM.
 */
int tm__pt_share_events(tm_pretranslation *p, struct tm__pt_block *b,
    const struct tm__pt_event *ev, size_t nev, const size_t *s,
    const size_t *e, const size_t *map);

/*
 * Segment a block's plain text text[0..len) (NUL-terminated) with its
 * inline codes' events: each segment is found in the text in turn and
 * gets the events that fall to it.  *starts (when not NULL) gets each
 * segment's offset in text, to be freed with tm_free.  0 or an error.
 */
int tm__pt_segment_coded(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line,
    const struct tm__pt_event *ev, size_t nev, size_t **starts);

/*
 * DOCX and ODT (pt-office.c)
 * ==========================
 */

/* Read the package at `path`: its paragraphs as blocks, runs as codes. */
int tm__pt_office_read(tm_pretranslation *p, const tm_segmenter *sg,
    const char *path);
/* The draft: the package again with the translated parts rewritten. */
int tm__pt_office_write(const tm_pretranslation *p, const char *path);
void tm__pt_office_free(struct tm__pt_office *o);

/*
 * Markdown inline markup (pt-markdown.c)
 * ======================================
 */

/* A block's inline Markdown read: its plain text and codes. */
struct tm__pt_mdscan {
	struct tm__buf text;	/* the plain text (NUL-terminated) */
	struct tm__pt_event *ev;
	size_t nev, capev;
	size_t *esc;		/* offsets in text of \-escaped characters */
	size_t nesc, capesc;
};

/*
 * Read the inline Markdown s[0..len) (a block's lines joined by \n):
 * strong and emphasis, code spans, inline links, images, autolinks,
 * inline HTML, hard breaks and backslash escapes as CommonMark 0.30
 * reads them.  New markup goes to the front of *list.  0 or TM_ENOMEM.
 */
int tm__pt_md_scan(struct tm__pt_mdscan *m, struct tm__pt_md **list,
    const char *s, size_t len);
void tm__pt_mdscan_release(struct tm__pt_mdscan *m);
void tm__pt_md_free(struct tm__pt_md *list);

/* Segment the Markdown block text[0..len) as block b, with its codes. */
int tm__pt_md_segment(tm_pretranslation *p, const tm_segmenter *sg,
    struct tm__pt_block *b, const char *text, size_t len, long line);

/*
 * Append text with its tags as Markdown: the source (the characters at
 * esc[0..nesc) escaped again, nothing else) or a target (every character
 * Markdown could read as markup escaped, but inside code; at the start
 * of a line, `bol`, what would start a block too).  A hard break ends
 * its line.  0 or TM_ENOMEM.
 */
int tm__pt_md_write(struct tm__buf *b, const char *text,
    const struct tm__pt_tag *t, size_t n, const struct tm__pt_code *codes,
    bool source, const size_t *esc, size_t nesc, bool bol);

/* The <seg> XML of unit_id's first variant in `to`, or NULL. */
int tm__pt_target_seg(char **out, tm_db *db, int64_t unit_id,
    const char *to);

/* Free the inline-code fields of g. */
void tm__pt_codes_release(struct tm__pt_seg *g);

/* Origins as words: "none", "context", "exact", "fuzzy", "mt". */
const char *tm__pt_origin_name(int origin);

#endif /* TM_PRETRANSLATE_H */
