/*
 * cmd-copy.c: tm copy [--json] SRC DST
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm copy [--json] SRC DST\n"
    "\n"
    "Copy the memory SRC into DST, a new memory: SQLite to PostgreSQL,\n"
    "PostgreSQL to SQLite, or the same kind.  Each is a file path or a\n"
    "PostgreSQL database (postgresql://user@host/dbname, postgres://...,\n"
    "or a libpq string such as 'host=/run/pg dbname=tm').  Everything is\n"
    "copied: imports and their headers, units with their notes and\n"
    "properties, the glossary, replaced translations, the machine-\n"
    "translation cache and the server's tokens; DST's index is then built.\n"
    "An export of DST equals an export of SRC.  DST must hold nothing;\n"
    "the copy lands whole or not at all.\n"
    "\n"
    "  --json  print {\"source\", \"destination\" (each \"sqlite\" or\n"
    "          \"postgresql\"), \"units\", \"seconds\"}\n");

int
cmd_copy(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_db *src = NULL, *dst = NULL;
	const char *from, *to;
	uint64_t units = 0;
	double t0;
	bool json = false, created;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(cli, "wants a source and a destination");
	from = argv[optind];
	to = argv[optind + 1];
	t0 = cli_now();
	if (tm_db_open(&src, from, TM_DB_READONLY) < 0)
		return cli_tm_error(cli, NULL);
	created = !tm_db_is_postgres(to) && access(to, F_OK) != 0;
	if (tm_db_open(&dst, to, TM_DB_CREATE) < 0) {
		rc = cli_tm_error(cli, NULL);
		goto done;
	}
	if (tm_db_copy(src, dst, &units) < 0) {
		rc = cli_tm_error(cli, NULL);
		/* A file made for the copy goes with it. */
		if (created) {
			tm_db_close(dst);
			dst = NULL;
			cli_remove_db_files(to);
		}
		goto done;
	}
	if (json)
		printf("{\"source\": \"%s\", \"destination\": \"%s\", "
		    "\"units\": %llu, \"seconds\": %.2f}\n",
		    tm_db_is_postgres(from) ? "postgresql" : "sqlite",
		    tm_db_is_postgres(to) ? "postgresql" : "sqlite",
		    (unsigned long long)units, cli_now() - t0);
	else
		printf(P_("%llu unit copied in %.2f s\n",
		    "%llu units copied in %.2f s\n", units),
		    (unsigned long long)units, cli_now() - t0);
done:
	tm_db_close(dst);
	tm_db_close(src);
	return rc;
}
