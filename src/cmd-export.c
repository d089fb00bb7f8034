/*
 * cmd-export.c: tm export [-o FILE] [--langs LIST] [--changed-since DATE]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm export [-o FILE] [--langs zh-CN,en-US] "
    "[--changed-since DATE]\n"
    "                 [--json] [--quiet]\n"
    "\n"
    "Write the memory as TMX 1.4b, to standard output or FILE (FILE.gz is\n"
    "compressed).  FILE is replaced only when the export succeeds.\n"
    "\n"
    "    -o, --output FILE      write to FILE\n"
    "    --langs LIST           only these languages ('zh' takes every\n"
    "                           Chinese variant); with two or more, only\n"
    "                           units that keep at least two variants\n"
    "    --changed-since DATE   only units changed (else created) on or\n"
    "                           after DATE: 2020-01-28 or 20200128T093000Z\n"
    "    --json                 print the summary as JSON (with -o)\n"
    "    -q, --quiet            print nothing but errors\n");

int
cmd_export(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "langs", required_argument, NULL, 'l' },
		{ "changed-since", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_export_options eo = TM_EXPORT_OPTIONS_INIT;
	tm_export_result res;
	struct cli_progress progress;
	const char *output = NULL;
	bool json = false, quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'l':
			eo.langs = optarg;
			break;
		case 'c':
			eo.changed_since = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'",
		    argv[optind]);
	if (output && strcmp(output, "-") == 0)
		output = NULL;
	if (cli_open_db(cli))
		return 1;

	cli_progress_init(&progress, _("exporting"), output && !quiet && !json);
	eo.progress = cli_progress_update;
	eo.payload = &progress;
	if (tm_export_tmx(&res, cli->db, output, &eo) < 0) {
		const tm_error *e = tm_error_last();
		bool usage = e && e->code == TM_EINVAL;

		cli_progress_end(&progress);
		/* A bad --langs or --changed-since is a usage error. */
		cli_tm_error(cli, NULL);
		return usage ? 2 : 1;
	}
	cli_progress_end(&progress);
	if (!output || quiet)
		return 0;
	if (json) {
		char *doc = NULL;

		if (tm_export_result_json(&doc, output, &res) < 0)
			return cli_tm_error(cli, NULL);
		printf("%s\n", doc);
		tm_free(doc);
	} else {
		printf(_("%s: %llu unit%s, %llu variant%s, %.2f s\n"), output,
		    (unsigned long long)res.units, res.units == 1 ? "" : "s",
		    (unsigned long long)res.variants,
		    res.variants == 1 ? "" : "s", res.seconds);
	}
	return 0;
}
