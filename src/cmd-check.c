/*
 * cmd-check.c: tm check [--json] [--no-glossary] [--titles FILE] FILE.xlf...
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm check [--json] [--no-glossary] [--titles FILE] FILE.xlf...\n"
    "\n"
    "Check the translations of an XLIFF 1.2 file (a draft from 'tm\n"
    "pretranslate', or the file a reviewer saved): every number of the\n"
    "source in the target in an equivalent form (5万 = 50,000; 百分之五 =\n"
    "5%), dates and times (1月28日 = January 28; 凌晨1时 = 1 a.m.), the\n"
    "glossary's preferred terms used and deprecated ones avoided, official\n"
    "titles with their qualifiers (副主任 = Deputy Director), units and\n"
    "currencies (元 = yuan), numbers in the target that the source lacks,\n"
    "empty or untranslated targets, targets the same as the source,\n"
    "inline tags, doubled spaces, unbalanced brackets and quotes.  Each\n"
    "finding names the trans-unit (id and line) and what was expected.\n"
    "Exit 1 when anything is found.\n"
    "\n"
    "    --no-glossary   no term checks (and no database needed)\n"
    "    --titles FILE   more titles: lines of Chinese, a tab, English\n"
    "                    (besides ~/.config/tm/titles.tsv and the built-in)\n"
    "    --json          one JSON document per file\n");

static int
check_file(struct cli *cli, const char *path, bool json, size_t *nfound)
{
	tm_xliff *x = NULL;
	size_t i, j;
	int rc = 0;

	if (tm_xliff_read(&x, path) < 0)
		return cli_tm_error(cli, NULL);
	if (json) {
		char *doc = NULL;
		size_t n = 0;

		if (tm_xliff_check_json(&doc, &n, cli->db, x, path) < 0)
			rc = cli_tm_error(cli, NULL);
		else
			printf("%s\n", doc);
		*nfound += n;
		tm_free(doc);
		tm_xliff_free(x);
		return rc;
	}
	for (i = 0; i < tm_xliff_count(x) && !rc; i++) {
		const tm_xliff_unit *u = tm_xliff_get(x, i);
		tm_findings *f = NULL;

		if (tm_check_segment(&f, cli->db, u->source, u->target ?
		    u->target : "", u->source_lang, u->target_lang) < 0) {
			rc = cli_tm_error(cli, NULL);
			break;
		}
		for (j = 0; j < tm_findings_count(f); j++) {
			const tm_finding *k = tm_findings_get(f, j);

			printf("%s:%ld: trans-unit %s: %s: %s\n", path, u->line,
			    u->id, k->kind, k->text);
			(*nfound)++;
		}
		tm_findings_free(f);
	}
	tm_xliff_free(x);
	return rc;
}

int
cmd_check(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-glossary", no_argument, NULL, 'n' },
		{ "titles", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool json = false, glossary = true;
	size_t nfound = 0;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			glossary = false;
			break;
		case 't':
			if (tm_check_titles_load(optarg) < 0)
				return cli_tm_error(cli, NULL);
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "give an XLIFF FILE to check");
	if (glossary && cli_open_db(cli))
		return 1;
	for (i = optind; i < argc; i++)
		if (check_file(cli, argv[i], json, &nfound))
			rc = 1;
	if (!json && !rc)
		fprintf(stderr, _("%zu finding%s\n"), nfound, nfound == 1 ? "" :
		    "s");
	return rc || nfound ? 1 : 0;
}
