/*
 * cmd-segment.c: tm segment --lang LANG [--srx FILE] [--json] FILE|-
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm segment --lang LANG [--srx FILE "
    "[--srx-mode extend|replace]]\n"
    "                  [--encoding NAME] [--json] FILE|-\n"
    "\n"
    "Split a text into sentences, one a line (blank line between\n"
    "paragraphs).  Input is UTF-8 (with or without BOM); GB18030/GBK is\n"
    "detected, or named with --encoding.\n"
    "\n"
    "    --lang LANG        the text's language (BCP 47), e.g. zh-CN, en\n"
    "    --srx FILE         SRX 2.0 rules for LANG\n"
    "    --srx-mode MODE    extend: the file's rules first, then the\n"
    "                       built-in ones (default); replace: the file's only\n"
    "    --encoding NAME    the file's encoding (ICU name, e.g. GB18030)\n"
    "    --json             {\"lang\", \"segments\": [{\"text\", \"para\",\n"
    "                       \"line\"}]}\n");

int
cmd_segment(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "srx", required_argument, NULL, 's' },
		{ "srx-mode", required_argument, NULL, 'm' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *lang = NULL, *srx = NULL, *enc = NULL;
	int mode = TM_SRX_EXTEND, c, rc = 1;
	bool json = false;
	tm_segmenter *sg = NULL;
	tm_segments *segs = NULL;
	char *text = NULL, *doc = NULL;
	size_t len, i, para = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			lang = optarg;
			break;
		case 's':
			srx = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "extend") == 0)
				mode = TM_SRX_EXTEND;
			else if (strcmp(optarg, "replace") == 0)
				mode = TM_SRX_REPLACE;
			else
				return cli_usage_error(cli, "--srx-mode is extend "
				    "or replace, not '%s'", optarg);
			break;
		case 'e':
			enc = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (!lang)
		return cli_usage_error(cli, "--lang is required");
	if (optind != argc - 1)
		return cli_usage_error(cli, "one file to segment, or - for "
		    "standard input");
	if (tm_segmenter_new(&sg, lang, srx, mode) < 0 ||
	    tm_text_read(&text, &len, argv[optind], enc) < 0 ||
	    tm_segment_text(&segs, sg, text, len) < 0) {
		cli_tm_error(cli, NULL);
		goto done;
	}
	if (json) {
		if (tm_segments_json(&doc, lang, segs) < 0) {
			cli_tm_error(cli, NULL);
			goto done;
		}
		printf("%s\n", doc);
	} else {
		for (i = 0; i < tm_segments_count(segs); i++) {
			const tm_segment *s = tm_segments_get(segs, i);

			if (i > 0 && s->para != para)
				putchar('\n');
			para = s->para;
			printf("%s\n", s->text);
		}
	}
	rc = 0;
done:
	tm_free(doc);
	tm_free(text);
	tm_segments_free(segs);
	tm_segmenter_free(sg);
	return rc;
}
