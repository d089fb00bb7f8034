/*
 * cmd-align.c: tm align --from LANG --to LANG [-o OUT.tmx] [--tsv FILE]
 * [--links FILE] [--import] [--dict FILE] [--lines] SRC TGT
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The memory's units read to learn a lexicon: enough, and bounded. */
#define LEARN_UNITS 200000

static const char usage_text[] =
    N_("usage: tm align --from LANG --to LANG [-o OUT.tmx] [--tsv FILE]\n"
    "                [--links FILE] [--json] [--import] [--dict FILE]\n"
    "                [--no-memory] [--lines] [--encoding NAME] [--srx FILE\n"
    "                [--srx-mode extend|replace]] SRC TGT\n"
    "\n"
    "Align a text with its translation: paragraphs, then sentences, by\n"
    "dynamic programming over 1-1, 1-2, 2-1, 2-2, 1-3, 3-1, 2-3, 3-2, 3-3,\n"
    "1-0 and 0-1 links (length ratio estimated per document, numbers,\n"
    "dates, Latin words, punctuation and dictionary words as anchors).\n"
    "Without an output option the links are printed as TSV.\n"
    "\n"
    "    --from LANG        the source text's language, e.g. zh-CN\n"
    "    --to LANG          the target text's language, e.g. en\n"
    "    -o, --output FILE  TMX 1.4b, one unit per link with both sides,\n"
    "                       props x-align-score, x-align-type, x-align-doc\n"
    "    --tsv FILE         score, type, source, target (- for stdout)\n"
    "    --links FILE       links as [0]:[0], [1,2]:[1], [3]:[] (0-based)\n"
    "    --json             print the links as JSON\n"
    "    --import           import the aligned units into the memory\n"
    "    --dict FILE        a bilingual dictionary (CC-CEDICT format)\n"
    "    --no-memory        no lexical evidence from the memory (by default,\n"
    "                       when it exists, its short units and a lexicon\n"
    "                       learned from its sentence pairs are dictionary\n"
    "                       entries)\n"
    "    --lines            each line is one segment (pre-segmented input;\n"
    "                       blank lines are skipped)\n"
    "    --encoding NAME    both files' encoding (default: UTF-8, else\n"
    "                       GB18030 detected)\n"
    "    --srx FILE         SRX 2.0 segmentation rules (see tm segment)\n"
    "    --srx-mode MODE    extend (default) or replace the built-in rules\n"
    "    -q, --quiet        no summary on stderr\n");

/*
 * Open the memory if there is one, no message if not: for writing when
 * it may be written (the learned lexicon is kept in it), else for
 * reading.
 */
static void
open_quietly(struct cli *cli)
{
	if (!cli->db_path && tm_db_default_path(&cli->default_path) == 0)
		cli->db_path = cli->default_path;
	if (cli->db_path && tm_db_open(&cli->db, cli->db_path, 0) < 0 &&
	    tm_db_open(&cli->db, cli->db_path, TM_DB_READONLY) < 0)
		cli->db = NULL;
	tm_error_clear();
}

int
cmd_align(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "tsv", required_argument, NULL, 'T' },
		{ "links", required_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "import", no_argument, NULL, 'I' },
		{ "dict", required_argument, NULL, 'd' },
		{ "lines", no_argument, NULL, 'l' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "srx", required_argument, NULL, 's' },
		{ "srx-mode", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-memory", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_align_options ao = TM_ALIGN_OPTIONS_INIT;
	const char *tmx = NULL, *tsv = NULL, *links = NULL, *dict = NULL;
	bool json = false, import = false, quiet = false, memory = true;
	tm_dict *d = NULL;
	tm_alignment *al = NULL;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': ao.from = optarg; break;
		case 't': ao.to = optarg; break;
		case 'o': tmx = optarg; break;
		case 'T': tsv = optarg; break;
		case 'L': links = optarg; break;
		case 'j': json = true; break;
		case 'I': import = true; break;
		case 'd': dict = optarg; break;
		case 'l': ao.flags |= TM_ALIGN_LINES; break;
		case 'e': ao.encoding = optarg; break;
		case 's': ao.srx = optarg; break;
		case 'q': quiet = true; break;
		case 'M': memory = false; break;
		case 'm':
			if (strcmp(optarg, "extend") == 0)
				ao.srx_mode = TM_SRX_EXTEND;
			else if (strcmp(optarg, "replace") == 0)
				ao.srx_mode = TM_SRX_REPLACE;
			else
				return cli_usage_error(cli, "--srx-mode is extend "
				    "or replace, not '%s'", optarg);
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (!ao.from || !ao.to)
		return cli_usage_error(cli, "--from and --to are required");
	if (optind != argc - 2)
		return cli_usage_error(cli, "two files to align: SRC TGT");
	if (dict) {
		if (tm_dict_load(&d, dict) < 0) {
			cli_tm_error(cli, NULL);
			goto done;
		}
	}
	/*
	 * The memory's short units (terms, names, titles) are anchors too,
	 * when the memory exists; it is opened for writing (and created)
	 * only once the alignment has succeeded.
	 */
	if (memory)
		open_quietly(cli);
	if (cli->db && memory) {
		if ((!d && tm_dict_new(&d) < 0) ||
		    tm_dict_add_memory(d, cli->db, ao.from, ao.to, 8) < 0 ||
		    tm_dict_learn_memory(d, cli->db, ao.from, ao.to,
		    LEARN_UNITS, NULL) < 0) {
			cli_tm_error(cli, "reading the memory");
			goto done;
		}
	}
	if (d && tm_dict_count(d) > 0)
		ao.dict = d;
	if (tm_align_files(&al, argv[optind], argv[optind + 1], &ao) < 0) {
		cli_tm_error(cli, NULL);
		goto done;
	}
	if ((tmx && tm_alignment_write(al, tmx, TM_ALIGN_TMX) < 0) ||
	    (tsv && tm_alignment_write(al, tsv, TM_ALIGN_TSV) < 0) ||
	    (links && tm_alignment_write(al, links, TM_ALIGN_LINKS) < 0) ||
	    (json && tm_alignment_write(al, "-", TM_ALIGN_JSON) < 0) ||
	    (!tmx && !tsv && !links && !json && !import &&
	    tm_alignment_write(al, "-", TM_ALIGN_TSV) < 0)) {
		cli_tm_error(cli, NULL);
		goto done;
	}
	if (import) {
		tm_import_options io = TM_IMPORT_OPTIONS_INIT;
		tm_import_result res;

		tm_db_close(cli->db);
		cli->db = NULL;
		cli->flags |= CMD_WRITES;
		if (cli_open_db(cli))
			goto done;
		if (tm_alignment_import(&res, cli->db, al, &io) < 0) {
			cli_tm_error(cli, "import");
			goto done;
		}
		if (!quiet)
			fprintf(stderr, _("tm: align: imported %llu unit%s "
			    "(%llu duplicate%s skipped)\n"),
			    (unsigned long long)res.imported,
			    res.imported == 1 ? "" : "s",
			    (unsigned long long)res.duplicates,
			    res.duplicates == 1 ? "" : "s");
	}
	rc = 0;
done:
	tm_alignment_free(al);
	tm_dict_free(d);
	return rc;
}
