/*
 * cmd-lookup.c: tm lookup --from LANG --to LANG [--min N] [--limit N]
 *               [--context-before TEXT --context-after TEXT] [--json] TEXT|-
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm lookup --from LANG --to LANG [--min 50] [--limit 5]\n"
    "                 [--context-before TEXT] [--context-after TEXT]\n"
    "                 [--json] TEXT|-\n"
    "\n"
    "Find the stored units closest to TEXT (in --from) with a translation\n"
    "in --to, best first.  With -, read one query a line from standard\n"
    "input and answer each.\n"
    "\n"
    "    --from LANG, --to LANG  languages ('zh' takes zh-CN, zh-Hans...)\n"
    "    --min N                 lowest score shown (default 50)\n"
    "    --limit N               most matches a query (default 5)\n"
    "    --context-before TEXT   the source segment before the query and\n"
    "    --context-after TEXT    the one after: a unit stored with the same\n"
    "                            neighbours scores 101\n"
    "    --json                  one JSON document\n"
    "\n"
    "Scores: 100 the same text; 99 when only case, width, white space or\n"
    "punctuation differ, or only numbers (then taken from the query); else\n"
    "100 x (1 - edit distance / longer length) over characters (Chinese,\n"
    "Japanese, Korean) and words, less a point a differing inline tag.\n"
    "In the source line, [-x-] is only in the stored unit, {+x+} only in\n"
    "the query.\n");

/*
 * Units past the index were searched one by one (slower as they grow):
 * say so once, and how to end it.
 */
static void
note_unindexed(const struct cli *cli, const tm_matches *m, bool *said)
{
	uint64_t n = tm_matches_unindexed(m);

	if (!n || *said)
		return;
	cli_error(cli, "the index is %llu unit%s behind; %s searched one by "
	    "one (run 'tm reindex')", (unsigned long long)n, n == 1 ? "" :
	    "s", n == 1 ? "it was" : "they were");
	*said = true;
}

static void
print_text(const char *query, const tm_matches *m)
{
	size_t i, n = tm_matches_count(m);

	printf(_("query: %s\n"), query);
	if (!n)
		printf(_("  no match\n"));
	for (i = 0; i < n; i++) {
		const tm_match *x = tm_matches_get(m, i);

		printf("  %3d%%  %s -> %s", x->score, x->source_lang,
		    x->target_lang);
		if (x->tuid)
			printf("  tuid %s", x->tuid);
		if (x->changedate || x->creationdate)
			printf("  %s", x->changedate ? x->changedate :
			    x->creationdate);
		if (x->changeid || x->creationid)
			printf("  %s", x->changeid ? x->changeid :
			    x->creationid);
		if (x->import_file)
			printf("  (%s)", x->import_file);
		printf("%s%s\n", x->numbers_replaced ?
		    _("  numbers from the query") : "", x->script_differs ?
		    _("  Traditional/Simplified script differs") : "");
		printf(_("        source: %s\n"), x->diff);
		printf(_("        target: %s\n"), x->target);
	}
}

int
cmd_lookup(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "min", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ "context-before", required_argument, NULL, 'b' },
		{ "context-after", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	bool json = false, first = true, said = false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long v;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			lo.from = optarg;
			break;
		case 't':
			lo.to = optarg;
			break;
		case 'm':
			if (cli_parse_num(cli, "--min", optarg, 0, 101, &v))
				return 2;
			lo.min = (int)v;
			break;
		case 'l':
			if (cli_parse_num(cli, "--limit", optarg, 1, 1000, &v))
				return 2;
			lo.limit = (size_t)v;
			break;
		case 'b':
			lo.context_before = optarg;
			break;
		case 'a':
			lo.context_after = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (!lo.from || !lo.to)
		return cli_usage_error(cli, "--from and --to are required");
	if (optind + 1 != argc)
		return cli_usage_error(cli, "give one TEXT, or - to read queries "
		    "from standard input");

	if (cli_open_db(cli))
		return 1;
	if (strcmp(argv[optind], "-") != 0) {
		tm_matches *m = NULL;
		char *doc = NULL;

		if (tm_lookup(&m, cli->db, argv[optind], &lo) < 0)
			return cli_tm_error(cli, NULL);
		note_unindexed(cli, m, &said);
		if (json) {
			if (tm_matches_json(&doc, argv[optind], m) < 0)
				rc = cli_tm_error(cli, NULL);
			else
				printf("%s\n", doc);
			tm_free(doc);
		} else {
			print_text(argv[optind], m);
		}
		tm_matches_free(m);
		return rc;
	}

	/* Batch: a query a line; one JSON array for --json. */
	if (json)
		printf("[");
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		tm_matches *m = NULL;
		char *doc = NULL;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len)
			continue;
		if (tm_lookup(&m, cli->db, line, &lo) < 0) {
			rc = cli_tm_error(cli, NULL);
			continue;
		}
		note_unindexed(cli, m, &said);
		if (json) {
			if (tm_matches_json(&doc, line, m) < 0) {
				rc = cli_tm_error(cli, NULL);
			} else {
				printf("%s\n%s", first ? "" : ",", doc);
				first = false;
			}
			tm_free(doc);
		} else {
			print_text(line, m);
		}
		tm_matches_free(m);
	}
	if (json)
		printf("\n]\n");
	free(line);
	if (ferror(stdin)) {
		cli_error(cli, "cannot read standard input");
		rc = 1;
	}
	return rc;
}
