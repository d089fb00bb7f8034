/*
 * cmd-glossary.c: tm glossary import [--format F] [--json] FILE...
 *                 tm glossary lookup [--from LANG] [--to LANG] [--json] TEXT
 *                 tm glossary export [-o FILE] [--format tbx|csv|tsv]
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm glossary import [--format tbx|csv|tsv] [--json] FILE...\n"
    "       tm glossary lookup [--from LANG] [--to LANG] [--json] TEXT\n"
    "       tm glossary export [-o FILE] [--format tbx|csv|tsv]\n"
    "\n"
    "Keep terms in the memory's database and find them in text.\n"
    "\n"
    "import   read TBX (TBX-Basic, TBX 2 <martif>, TBX v3 <tbx>, as memoQ,\n"
    "         Trados MultiTerm and OmegaT export it; MultiTerm XML too) or\n"
    "         CSV/TSV whose header row names each column: a language tag\n"
    "         (zh-CN, en-US), note, pos or status; a cell may hold several\n"
    "         terms separated by ' | '.  Each file is one transaction.\n"
    "lookup   the glossary's terms found in TEXT, longest first, each with\n"
    "         its translations (preferred first, deprecated last)\n"
    "export   the whole glossary as TBX-Basic (default), CSV or TSV\n"
    "\n"
    "    --format F       tbx, csv or tsv (import: told by the content)\n"
    "    --from, --to     languages of TEXT and of the translations\n"
    "                     (default: any, and every other language)\n"
    "    -o, --output FILE\n"
    "                     write the export to FILE, not standard output\n"
    "    --json           one JSON document\n");

static int
do_import(int argc, char **argv, struct cli *cli, const char *format,
    bool json)
{
	int i, rc = 0;
	bool first = true;

	if (argc == 0)
		return cli_usage_error(cli, "give a glossary FILE to import");
	cli->flags |= CMD_WRITES;
	if (cli_open_db(cli))
		return 1;
	if (json)
		printf("[");
	for (i = 0; i < argc; i++) {
		tm_glossary_result res;
		char *doc = NULL;

		if (tm_glossary_import(&res, cli->db, argv[i], format) < 0) {
			rc = cli_tm_error(cli, NULL);
			continue;
		}
		if (json) {
			if (tm_glossary_result_json(&doc, argv[i], &res) < 0)
				rc = cli_tm_error(cli, NULL);
			else
				printf("%s\n%s", first ? "" : ",", doc);
			first = false;
			tm_free(doc);
		} else
			printf(_("%s: %zu entr%s, %zu term%s imported\n"),
			    argv[i],
			    res.entries, res.entries == 1 ? "y" : "ies",
			    res.terms, res.terms == 1 ? "" : "s");
	}
	if (json)
		printf("\n]\n");
	return rc;
}

static void
print_hits(const char *text, const tm_term_hits *h)
{
	size_t i, j, n = tm_term_hits_count(h);

	if (!n)
		printf(_("no term found in: %s\n"), text);
	for (i = 0; i < n; i++) {
		const tm_term_hit *x = tm_term_hits_get(h, i);

		printf("%.*s (%s)", (int)x->len, text + x->start,
		    x->source->lang);
		if (x->source->pos)
			printf(" %s", x->source->pos);
		printf(" →");
		for (j = 0; j < x->ntargets; j++)
			printf("%s %s (%s%s%s)", j ? ";" : "",
			    x->targets[j].text, x->targets[j].lang,
			    x->targets[j].status ? ", " : "",
			    x->targets[j].status ? x->targets[j].status : "");
		if (!x->ntargets)
			printf(_(" (no translation)"));
		printf("\n");
		if (x->source->note)
			printf(_("    note: %s\n"), x->source->note);
	}
}

int
cmd_glossary(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *from = NULL, *to = NULL, *format = NULL, *output = NULL;
	const char *sub;
	bool json = false;
	int c, rc = 0;

	/* The subcommand first, then its options. */
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0)) {
			fputs(_(usage_text), stdout);
			return 0;
		}
		return cli_usage_error(cli, "give import, lookup or export");
	}
	sub = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (format && strcmp(format, "tbx") && strcmp(format, "csv") &&
	    strcmp(format, "tsv"))
		return cli_usage_error(cli, "--format is tbx, csv or tsv");
	if (strcmp(sub, "import") == 0)
		return do_import(argc - optind, argv + optind, cli, format,
		    json);
	if (strcmp(sub, "lookup") == 0) {
		tm_term_hits *h = NULL;
		char *doc = NULL;

		if (optind + 1 != argc)
			return cli_usage_error(cli, "give one TEXT");
		if (cli_open_db(cli))
			return 1;
		if (tm_glossary_find(&h, cli->db, argv[optind], from, to) < 0)
			return cli_tm_error(cli, NULL);
		if (json) {
			if (tm_term_hits_json(&doc, argv[optind], h) < 0)
				rc = cli_tm_error(cli, NULL);
			else
				printf("%s\n", doc);
			tm_free(doc);
		} else {
			print_hits(argv[optind], h);
		}
		tm_term_hits_free(h);
		return rc;
	}
	if (strcmp(sub, "export") == 0) {
		char *doc = NULL;
		size_t len = 0;
		FILE *f = stdout;

		if (optind != argc)
			return cli_usage_error(cli, "export takes no argument");
		if (cli_open_db(cli))
			return 1;
		if (tm_glossary_export(&doc, &len, cli->db, format) < 0)
			return cli_tm_error(cli, NULL);
		if (output && !(f = fopen(output, "wb"))) {
			cli_error(cli, "cannot write '%s': %s", output,
			    strerror(errno));
			tm_free(doc);
			return 1;
		}
		if (fwrite(doc, 1, len, f) != len || fflush(f) != 0) {
			cli_error(cli, "cannot write '%s': %s", output ?
			    output : "standard output", strerror(errno));
			rc = 1;
		}
		if (output && fclose(f) != 0 && !rc) {
			cli_error(cli, "cannot write '%s': %s", output,
			    strerror(errno));
			rc = 1;
		}
		tm_free(doc);
		return rc;
	}
	return cli_usage_error(cli, "unknown subcommand '%s': import, lookup "
	    "or export", sub);
}
