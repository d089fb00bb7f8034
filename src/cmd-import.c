/*
 * cmd-import.c: tm import [--skip-invalid] [--duplicates=MODE] FILE...
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm import [--skip-invalid] [--duplicates=skip|keep|update]\n"
    "                 [--json] [--quiet] FILE...\n"
    "\n"
    "Import TMX files (1.1 to 1.4b, any encoding, .tmx.gz; - for standard\n"
    "input).  Each file is one transaction: it lands whole or not at all.\n"
    "\n"
    "    --skip-invalid     import the valid units of a file whose other\n"
    "                       units break the TMX DTD, listing each one\n"
    "    --duplicates=MODE  a unit with the same languages and segments as\n"
    "                       a stored one is skipped (default), kept as well,\n"
    "                       or updated when its changedate is newer\n"
    "    --json             print the summary as JSON\n"
    "    -q, --quiet        print nothing but errors\n");

struct issue_ctx {
	struct cli *cli;
};

static void
on_issue(const tm_import_issue *issue, void *payload)
{
	struct cli_progress *p = payload;

	if (p->on)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, _("tm: import: '%s': line %ld: %s%s\n"), issue->file,
	    issue->line, issue->reason, issue->skipped ? _(" (skipped)") : "");
}

static void
print_summary(const char *file, const tm_import_result *r, int mode)
{
	static const char *const modes[] = { N_("skipped"), N_("kept"),
	    N_("updated") };

	printf(_("%s: %llu unit%s read, %llu imported, %llu duplicate%s"),
	    file, (unsigned long long)r->units_read, r->units_read == 1 ?
	    "" : "s", (unsigned long long)r->imported,
	    (unsigned long long)r->duplicates, r->duplicates == 1 ? "" : "s");
	if (r->duplicates) {
		if (mode == TM_DUP_UPDATE)
			printf(_(" (%llu updated)"),
			    (unsigned long long)r->updated);
		else
			printf(" (%s)", _(modes[mode]));
	}
	printf(_(", %llu invalid skipped, %.2f s (index %.2f s)\n"),
	    (unsigned long long)r->skipped, r->seconds, r->index_seconds);
	if (r->index_stale)
		fprintf(stderr, _("tm: import: '%s': the units are in, but the "
		    "n-gram index could not be updated: run 'tm reindex'\n"),
		    file);
}

int
cmd_import(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "skip-invalid", no_argument, NULL, 's' },
		{ "duplicates", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_import_options io = TM_IMPORT_OPTIONS_INIT;
	struct cli_progress progress;
	bool json = false, quiet = false, first = true;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			io.flags |= TM_IMPORT_SKIP_INVALID;
			break;
		case 'D':
			if (strcmp(optarg, "skip") == 0)
				io.duplicates = TM_DUP_SKIP;
			else if (strcmp(optarg, "keep") == 0)
				io.duplicates = TM_DUP_KEEP;
			else if (strcmp(optarg, "update") == 0)
				io.duplicates = TM_DUP_UPDATE;
			else
				return cli_usage_error(cli, "--duplicates is "
				    "skip, keep or update, not '%s'", optarg);
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
	if (optind >= argc)
		return cli_usage_error(cli, "no file to import");
	if (cli_open_db(cli))
		return 1;

	io.progress = cli_progress_update;
	io.issue = on_issue;
	io.payload = &progress;
	if (json)
		printf("[");
	for (i = optind; i < argc; i++) {
		tm_import_result res;
		char *doc = NULL;
		int error;

		cli_progress_init(&progress, argv[i], !quiet && !json);
		error = tm_import_tmx(&res, cli->db, argv[i], &io);
		cli_progress_end(&progress);
		if (error < 0 && !json) {
			cli_tm_error(cli, NULL);
			rc = 1;
			continue;
		}
		if (error < 0)
			rc = 1;
		if (json) {
			/* A failed file is an object with "error" in the list. */
			if (tm_import_result_json(&doc, argv[i], &res,
			    error < 0 ? tm_error_last() : NULL) < 0) {
				rc = cli_tm_error(cli, NULL);
				continue;
			}
			printf("%s\n%s", first ? "" : ",", doc);
			first = false;
			tm_free(doc);
			if (error < 0)
				cli_tm_error(cli, NULL);
		} else if (!quiet) {
			print_summary(argv[i], &res, io.duplicates);
		}
	}
	if (json)
		printf("\n]\n");
	return rc;
}
