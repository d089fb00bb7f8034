/*
 * fuzz-srx: arbitrary bytes as an SRX 2.0 rules file, extending and
 * replacing the built-in rules, then used to segment a Chinese and an
 * English text.  Nothing may crash, leak or trip a sanitizer; a bad
 * file or rule is an error.
 */
#include "fuzz-util.h"
#include "tm.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "经济下滑。“这是难免的。”他说。The U.N. "
	    "Security Council met at 5 p.m. on Monday. It voted.";
	static const char *const langs[] = { "zh-CN", "en" };
	char path[64], *json = NULL;
	tm_segmenter *sg = NULL;
	tm_segments *s = NULL;
	int mode, l;

	if (fuzz_file(path, ".srx", data, size) < 0)
		return 0;
	for (mode = 0; mode < 2; mode++)
		for (l = 0; l < 2; l++) {
			if (tm_segmenter_new(&sg, langs[l], path, mode ?
			    TM_SRX_REPLACE : TM_SRX_EXTEND) == 0 &&
			    tm_segment_text(&s, sg, text, sizeof(text) - 1) ==
			    0 && tm_segments_json(&json, langs[l], s) == 0)
				tm_free(json);
			tm_segments_free(s);
			tm_segmenter_free(sg);
			s = NULL;
			sg = NULL;
		}
	tm_error_clear();
	unlink(path);
	return 0;
}
