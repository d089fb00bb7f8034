/*
 * cmd-reindex.c: tm reindex [--fold-traditional=on|off]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm reindex [--fold-traditional=on|off]\n"
    "\n"
    "Recompute every matching key and rebuild the n-gram index: after an\n"
    "upgrade of tm changed the key rules, or to turn the folding of\n"
    "Traditional into Simplified Chinese on or off (a zh-TW memory then\n"
    "serves zh-CN queries).  The setting is kept in the database.\n");

int
cmd_reindex(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "fold-traditional", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, fold = -1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "on") == 0)
				fold = 1;
			else if (strcmp(optarg, "off") == 0)
				fold = 0;
			else
				return cli_usage_error(cli, "--fold-traditional "
				    "is on or off, not '%s'", optarg);
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'",
		    argv[optind]);
	if (cli_open_db(cli))
		return 1;
	if (tm_reindex(cli->db, fold) < 0)
		return cli_tm_error(cli, NULL);
	return 0;
}
