/*
 * align.h: what the aligner's modules share (anchor.c, dict.c, align.c,
 * segment.c).  Not API.
 */
#ifndef TM_ALIGN_H
#define TM_ALIGN_H

#include <unicode/umachine.h>

/* The kind of an anchor token: its top three bits. */
enum tm__anchor_kind {
	TM__ANCHOR_NUMBER = 0,
	TM__ANCHOR_WORD = 1,	/* a Latin-script word, case-folded */
	TM__ANCHOR_PUNCT = 2,	/* ? ! ( and opening quotes */
	TM__ANCHOR_MONTH = 3,
	TM__ANCHOR_WEEKDAY = 4,
	TM__ANCHOR_DICT = 5,	/* a word of a dictionary gloss */
	TM__ANCHOR_KINDS = 6
};
#define TM__ANCHOR_KIND(tok) ((tok) >> 29)

enum tm__anchor_flags {
	/*
	 * The text is Chinese, Japanese or Korean: Latin words in it are
	 * rare and telling, and English number words are not looked for.
	 */
	TM__ANCHOR_SIDE_CJK = 1 << 0
};

struct tm__anchors {
	uint32_t *tok;
	size_t n, cap;
};

/* Append the anchors of the code points c[0..n) to *a. */
int tm__anchors_scan(struct tm__anchors *a, const UChar32 *c, size_t n,
    unsigned flags);
void tm__anchors_release(struct tm__anchors *a);

/*
 * Append the dictionary's tokens for c[0..n): on the CJK side the gloss
 * words of every headword found in the text (longest match first), on
 * the other side the text's own words, so that a gloss word and an
 * English word give the same token.
 */
int tm__dict_scan(const tm_dict *d, struct tm__anchors *a, const UChar32 *c,
    size_t n, bool cjk_side);
/* The token of a Latin word c[0..n), case-folded. */
uint32_t tm__word_token(const UChar32 *c, size_t n, int kind);

/* segment.c: split text[0..len) into segments, appended to the callback. */
struct tm__seg_sink {
	int (*add)(void *payload, const char *s, size_t len, size_t para,
	    long line);
	void *payload;
};
int tm__segment(const tm_segmenter *sg, const char *text, size_t len,
    const struct tm__seg_sink *sink);

#endif /* TM_ALIGN_H */
