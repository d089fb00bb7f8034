/*
 * cmd-concordance.c: tm concordance [--lang LANG] [--in source|target|both]
 *                    [--limit N] [--json] TERM
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm concordance [--lang LANG] [--in source|target|both]\n"
    "                      [--limit N] [--json] TERM\n"
    "\n"
    "Every unit holding TERM (case, width and punctuation do not matter),\n"
    "newest first, the hit marked and the translation beside it.\n"
    "\n"
    "    --lang LANG   the language of the source side (default: any)\n"
    "    --in WHERE    look in the source side (default), in the target\n"
    "                  side (the other languages), or both\n"
    "    --limit N     most units shown (default 20)\n"
    "    --json        one JSON document\n");

int
cmd_concordance(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'L' },
		{ "in", required_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	tm_hits *h = NULL;
	bool json = false, color = isatty(1);
	long v;
	size_t i;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'L':
			co.lang = optarg;
			break;
		case 'i':
			if (strcmp(optarg, "source") == 0)
				co.in = TM_IN_SOURCE;
			else if (strcmp(optarg, "target") == 0)
				co.in = TM_IN_TARGET;
			else if (strcmp(optarg, "both") == 0)
				co.in = TM_IN_BOTH;
			else
				return cli_usage_error(cli, "--in is source, "
				    "target or both, not '%s'", optarg);
			break;
		case 'l':
			if (cli_parse_num(cli, "--limit", optarg, 1, 100000,
			    &v))
				return 2;
			co.limit = (size_t)v;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cli, "give one TERM");
	if (cli_open_db(cli))
		return 1;
	if (tm_concordance(&h, cli->db, argv[optind], &co) < 0)
		return cli_tm_error(cli, NULL);
	if (tm_hits_unindexed(h))
		cli_error(cli, "the index is %llu unit%s behind; %s searched "
		    "one by one (run 'tm reindex')",
		    (unsigned long long)tm_hits_unindexed(h),
		    tm_hits_unindexed(h) == 1 ? "" : "s",
		    tm_hits_unindexed(h) == 1 ? "it was" : "they were");
	if (json) {
		char *doc = NULL;

		if (tm_hits_json(&doc, argv[optind], h) < 0)
			rc = cli_tm_error(cli, NULL);
		else
			printf("%s\n", doc);
		tm_free(doc);
		tm_hits_free(h);
		return rc;
	}
	if (!tm_hits_count(h))
		printf(_("no unit holds '%s'\n"), argv[optind]);
	for (i = 0; i < tm_hits_count(h); i++) {
		const tm_hit *x = tm_hits_get(h, i);

		/* The hit between >>> and <<<, or in bold on a terminal. */
		printf("%-6s %.*s%s%.*s%s%s\n", x->lang, (int)x->start, x->text,
		    x->len ? (color ? "\033[1;31m" : ">>>") : "",
		    (int)x->len, x->text + x->start,
		    x->len ? (color ? "\033[0m" : "<<<") : "",
		    x->text + x->start + x->len);
		if (x->other)
			printf("%-6s %s\n", x->other_lang, x->other);
		if (i + 1 < tm_hits_count(h))
			printf("\n");
	}
	tm_hits_free(h);
	return rc;
}
