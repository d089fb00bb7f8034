/*
 * cmd-import-xliff.c: tm import-xliff [--reviewer NAME] [--json] FILE.xlf...
 *                     tm history [--from LANG] [--json] [TEXT]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm import-xliff [--reviewer NAME] [--json] FILE.xlf...\n"
    "\n"
    "Put the reviewed segments of an XLIFF 1.2 file (target state\n"
    "translated, final or signed-off) into the memory, each with its\n"
    "context (the <context> x-context-pre/x-context-post, kept as props)\n"
    "and its reviewer and date (the trans-unit's <phase> contact-name and\n"
    "date, else --reviewer and now) as changeid and changedate.  A stored\n"
    "unit with the same source and context gets the new translation; the\n"
    "old one is kept in its history ('tm history').  Other states are\n"
    "skipped.  Each file is one transaction.\n"
    "\n"
    "    --reviewer NAME   who reviewed (default: $USER)\n"
    "    --json            one JSON document per file\n");

static const char history_usage[] =
    N_("usage: tm history [--from LANG] [--json] [TEXT]\n"
    "\n"
    "The translations that 'tm import-xliff' replaced, newest first: of\n"
    "the units whose source (in --from) is TEXT, or of all units.\n"
    "\n"
    "    --from LANG   the language of TEXT\n"
    "    --json        one JSON document\n");

int
cmd_import_xliff(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "reviewer", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *reviewer = getenv("USER");
	bool json = false;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reviewer = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "give an XLIFF FILE to import");
	if (cli_open_db(cli))
		return 1;
	for (i = optind; i < argc; i++) {
		tm_xliff *x = NULL;
		tm_xliff_import_result res;
		char *doc = NULL;

		if (tm_xliff_read(&x, argv[i]) < 0 ||
		    tm_xliff_import(&res, cli->db, x, argv[i], reviewer) < 0) {
			rc = cli_tm_error(cli, i == optind ? NULL : argv[i]);
			tm_xliff_free(x);
			continue;
		}
		tm_xliff_free(x);
		if (json) {
			if (tm_xliff_import_result_json(&doc, argv[i],
			    &res) < 0)
				rc = cli_tm_error(cli, NULL);
			else
				printf("%s\n", doc);
			tm_free(doc);
		} else {
			printf(_("%s: %zu units: %zu new, %zu updated, %zu "
			    "unchanged, %zu not reviewed\n"), argv[i],
			    res.units,
			    res.imported, res.updated, res.unchanged,
			    res.skipped);
		}
	}
	return rc;
}

int
cmd_history(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *text = NULL;
	tm_history *h = NULL;
	bool json = false;
	size_t i;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, history_usage);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(cli, "give at most one TEXT");
	if (optind < argc)
		text = argv[optind];
	if (cli_open_db(cli))
		return 1;
	if (tm_history_get(&h, cli->db, text, from) < 0)
		return cli_tm_error(cli, NULL);
	if (json) {
		char *doc = NULL;

		if (tm_history_json(&doc, h) < 0)
			rc = cli_tm_error(cli, NULL);
		else
			printf("%s\n", doc);
		tm_free(doc);
	} else {
		if (!tm_history_count(h))
			printf(_("no replaced translation\n"));
		for (i = 0; i < tm_history_count(h); i++) {
			const tm_history_entry *e = tm_history_at(h, i);

			printf(_("unit %lld: %s\n  %s: %s\n  (%s%s%s; replaced "
			    "%s%s%s)\n"), (long long)e->unit_id, e->source,
			    e->lang, e->seg, e->changeid ? e->changeid : "?",
			    e->changedate ? " " : "", e->changedate ?
			    e->changedate : "", e->replaced, e->replaced_by ?
			    _(" by ") : "", e->replaced_by ? e->replaced_by :
			    "");
		}
	}
	tm_history_free(h);
	return rc;
}
