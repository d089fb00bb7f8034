/*
 * cmd-stats.c: tm stats [--json]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm stats [--json]\n"
    "\n"
    "Show the units, the variants per language, the language pairs and\n"
    "the imports of the memory.\n");

int
cmd_stats(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_stats *st = NULL;
	bool json = false;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
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
	if (tm_stats_get(&st, cli->db) < 0)
		return cli_tm_error(cli, NULL);
	if (json) {
		char *doc = NULL;

		if (tm_stats_json(&doc, st) < 0) {
			tm_stats_free(st);
			return cli_tm_error(cli, NULL);
		}
		printf("%s\n", doc);
		tm_free(doc);
		tm_stats_free(st);
		return 0;
	}
	printf(_("database   %s (schema %d)\n"), st->path, st->schema_version);
	printf(_("units      %llu\n"), (unsigned long long)st->units);
	printf(_("variants   %llu\n"), (unsigned long long)st->variants);
	if (st->index_behind)
		printf(_("index      %llu unit%s not yet indexed (run 'tm "
		    "reindex')\n"), (unsigned long long)st->index_behind,
		    st->index_behind == 1 ? "" : "s");
	else
		printf(_("index      up to date\n"));
	if (st->nlangs) {
		printf(_("\nlanguages\n"));
		for (i = 0; i < st->nlangs; i++)
			printf("  %-12s %10llu\n", st->langs[i].lang,
			    (unsigned long long)st->langs[i].variants);
	}
	if (st->npairs) {
		printf(_("\npairs\n"));
		for (i = 0; i < st->npairs; i++)
			printf("  %-12s %-12s %10llu\n", st->pairs[i].a,
			    st->pairs[i].b,
			    (unsigned long long)st->pairs[i].units);
	}
	if (st->nimports) {
		printf(_("\nimports\n"));
		for (i = 0; i < st->nimports; i++) {
			const tm_stats_import *m = &st->imports[i];

			printf(_("  #%lld %s %s: %llu read, %llu imported, "
			    "%llu duplicates, %llu updated, %llu skipped, "
			    "%.2f s\n"), (long long)m->id, m->date, m->file,
			    (unsigned long long)m->units_read,
			    (unsigned long long)m->imported,
			    (unsigned long long)m->duplicates,
			    (unsigned long long)m->updated,
			    (unsigned long long)m->skipped, m->seconds);
		}
	}
	tm_stats_free(st);
	return 0;
}
