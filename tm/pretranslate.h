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
	char *kind, *message;
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
};

/* Call fn on each text block of the HTML tree, in document order. */
int tm__pt_html_blocks(htmlDocPtr doc,
    int (*fn)(void *arg, xmlNodePtr node), void *arg);

/* Origins as words: "none", "context", "exact", "fuzzy", "mt". */
const char *tm__pt_origin_name(int origin);

/*
 * Append s escaped for XML or HTML text (quote: attribute values too);
 * control characters XML 1.0 cannot hold become U+FFFD.  0 or TM_ENOMEM.
 */
int tm__pt_add_xml(struct tm__buf *b, const char *s, bool quote);

#endif /* TM_PRETRANSLATE_H */
