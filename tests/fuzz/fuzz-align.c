/*
 * fuzz-align: arbitrary bytes as a Chinese text and its English
 * translation (split at the first NUL byte, else the same bytes on both
 * sides), segmented and aligned in both modes, every output rendered.
 * Nothing may crash, leak or trip a sanitizer, whatever the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_align_options o = TM_ALIGN_OPTIONS_INIT;
	const char *a = (const char *)data, *b = a;
	const uint8_t *nul = memchr(data, 0, size);
	size_t na = size, nb = size;
	tm_segmenter *sg = NULL;
	tm_segments *segs = NULL;
	tm_alignment *al = NULL;
	char *json = NULL;
	int mode;

	if (nul) {
		na = (size_t)(nul - data);
		b = (const char *)nul + 1;
		nb = size - na - 1;
	}
	if (tm_segmenter_new(&sg, "zh-CN", NULL, TM_SRX_EXTEND) == 0 &&
	    tm_segment_text(&segs, sg, a, na) == 0)
		tm_segments_json(&json, "zh-CN", segs);
	tm_free(json);
	tm_segments_free(segs);
	tm_segmenter_free(sg);
	o.from = "zh-CN";
	o.to = "en";
	for (mode = 0; mode < 2; mode++) {
		o.flags = mode ? TM_ALIGN_LINES : 0;
		if (tm_align_texts(&al, a, na, b, nb, &o) == 0) {
			tm_alignment_write(al, "/dev/null", TM_ALIGN_TMX);
			tm_alignment_write(al, "/dev/null", TM_ALIGN_TSV);
			tm_alignment_write(al, "/dev/null", TM_ALIGN_LINKS);
			tm_alignment_write(al, "/dev/null", TM_ALIGN_JSON);
		}
		tm_alignment_free(al);
		al = NULL;
	}
	tm_error_clear();
	return 0;
}
