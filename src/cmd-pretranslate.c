/*
 * cmd-pretranslate.c: tm pretranslate --from LANG --to LANG [--mt NAME]
 *                     [--min N] [-o DIR] [--mark HOW] [--json] FILE...
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm pretranslate --from LANG --to LANG [--mt PROVIDER]\n"
    "                       [--min N] [-o DIR] [--format FMT]\n"
    "                       [--encoding NAME] [--config FILE]\n"
    "                       [--mark highlight|comment|none] [--json]\n"
    "                       FILE...\n"
    "\n"
    "Pre-translate documents from the memory: for every sentence a context\n"
    "(101) or exact match, else the best fuzzy match at or above --min\n"
    "(numbers taken from the sentence), else machine translation with\n"
    "--mt, else nothing.  A repeated sentence is translated once.  The\n"
    "memory is only read (with --mt, the MT cache is written).\n"
    "\n"
    "Input: UTF-8 text, Markdown (.md), HTML (.html, .htm), GB18030/GBK\n"
    "text (detected), Word (.docx), OpenDocument text (.odt).  For each FILE, with NAME its name without extension,\n"
    "DIR holds:\n"
    "    NAME.xlf             XLIFF 1.2 for OmegaT, Trados, memoQ, and for\n"
    "                         'tm import-xliff' once reviewed\n"
    "    NAME.review.html     the bilingual review page (one HTML file)\n"
    "    NAME.draft.EXT       the draft, in the input's format (EXT: the\n"
    "                         input's extension, txt when it has none)\n"
    "    NAME.analysis.txt    the analysis: segments, CJK characters and\n"
    "    NAME.analysis.json   words per match band (context, 100, 95-99,\n"
    "    NAME.analysis.csv    85-94, 75-84, 50-74, no match, repetitions, MT)\n"
    "\n"
    "    --from LANG        the documents' language, e.g. zh-CN\n"
    "    --to LANG          the draft's language, e.g. en-US\n"
    "    --mt PROVIDER      machine-translate what the memory does not give\n"
    "                       (a [provider NAME] of the config file)\n"
    "    --config FILE      the MT config file (see 'tm mt --help')\n"
    "    --min N            lowest fuzzy score used, 0-100 (default 75)\n"
    "    -o, --output DIR   where the outputs go (default: .)\n"
    "    --format FMT       text, markdown, html, docx or odt (default: from\n"
    "                       the name)\n"
    "    --encoding NAME    the files' encoding (default: UTF-8, else\n"
    "                       GB18030 detected)\n"
    "    --mark HOW         DOCX, ODT: how the draft marks text left in the\n"
    "                       source language: highlight (default), comment\n"
    "                       or none\n"
    "    --json             print {\"files\": [{\"file\", \"outputs\", \"bands\",\n"
    "                       \"segments\": [...]}]} instead of the analysis\n"
    "\n"
    "Exit status: 0 done, 1 a file could not be done, 2 usage error, 3 the\n"
    "files were written but MT failed for some sentences (each named on\n"
    "standard error; they are left untranslated).\n");

/* The outputs are written, but sentences lost their MT. */
#define EXIT_MT_FAILED 3
/* Failed sentences named one by one, at most; then counted. */
#define MT_FAILURES_SHOWN 10

/* DIR/NAME.SUFFIX with NAME the file's base name without extension. */
static char *
output_path(const char *dir, const char *file, const char *suffix)
{
	const char *base = strrchr(file, '/'), *dot;
	size_t n;
	char *out;

	base = base ? base + 1 : file;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	out = malloc(strlen(dir) + n + strlen(suffix) + 3);
	if (out) {
		memcpy(out, dir, strlen(dir));
		out[strlen(dir)] = '/';
		memcpy(out + strlen(dir) + 1, base, n);
		memcpy(out + strlen(dir) + 1 + n, suffix, strlen(suffix) + 1);
	}
	return out;
}

enum { OUT_XLF, OUT_REVIEW, OUT_DRAFT, OUT_TXT, OUT_JSON, OUT_CSV, NOUT };

/*
 * Name on standard error the sentences whose MT failed (a repetition
 * goes with its first occurrence) and return how many failed.
 */
static size_t
report_mt_failures(const struct cli *cli, const char *file,
    const tm_pretranslation *p)
{
	size_t i, n = tm_pretranslation_count(p), failed = 0, total = 0;

	for (i = 0; i < n; i++) {
		const tm_pt_segment *g = tm_pretranslation_get(p, i);

		if (g->repetition_of)
			continue;
		total += g->origin != TM_ORIGIN_CONTEXT &&
		    g->origin != TM_ORIGIN_EXACT &&
		    g->origin != TM_ORIGIN_FUZZY;
		if (!g->mt_error)
			continue;
		if (failed++ < MT_FAILURES_SHOWN)
			cli_error(cli, "%s: line %ld: no MT: %s", file, g->line,
			    g->mt_error);
	}
	if (failed > MT_FAILURES_SHOWN)
		cli_error(cli, "%s: ... and %zu more", file,
		    failed - MT_FAILURES_SHOWN);
	if (failed)
		cli_error(cli, "%s: MT failed for %zu of the %zu sentences "
		    "sent to it; they are left untranslated", file, failed,
		    total);
	return failed;
}

static int
one_file(struct cli *cli, const char *file, const char *dir,
    const tm_pretranslate_options *po, bool json, size_t *printed)
{
	static const char *const kinds[NOUT] = { "xliff", "review", "draft",
	    "analysis-text", "analysis-json", "analysis-csv" };
	const char *ext = strrchr(file, '.'), *slash = strrchr(file, '/');
	char *paths[NOUT] = { NULL }, *draft_suffix = NULL;
	char *an = NULL, *doc = NULL;
	const char *pairs[2 * NOUT + 1];
	tm_pretranslation *p = NULL;
	int rc = 1, i;
	size_t mt_failed;

	if (!ext || (slash && ext < slash) || ext == (slash ? slash + 1 : file))
		ext = ".txt";
	if (!(draft_suffix = malloc(strlen(ext) + 8))) {
		cli_error(cli, "out of memory");
		return 1;
	}
	memcpy(draft_suffix, ".draft", 6);
	memcpy(draft_suffix + 6, ext, strlen(ext) + 1);
	paths[OUT_XLF] = output_path(dir, file, ".xlf");
	paths[OUT_REVIEW] = output_path(dir, file, ".review.html");
	paths[OUT_DRAFT] = output_path(dir, file, draft_suffix);
	paths[OUT_TXT] = output_path(dir, file, ".analysis.txt");
	paths[OUT_JSON] = output_path(dir, file, ".analysis.json");
	paths[OUT_CSV] = output_path(dir, file, ".analysis.csv");
	for (i = 0; i < NOUT; i++)
		if (!paths[i]) {
			cli_error(cli, "out of memory");
			goto done;
		}
	/*
	 * The draft first: a Word package can still be refused while its
	 * draft is made (a hostile comments part), and then nothing at
	 * all is written.
	 */
	if (tm_pretranslate_file(&p, cli->db, file, po) < 0 ||
	    tm_pretranslation_analysis(&an, p, TM_ANALYSIS_TEXT) < 0 ||
	    tm_pretranslation_write_draft(p, paths[OUT_DRAFT]) < 0 ||
	    tm_pretranslation_write_xliff(p, paths[OUT_XLF]) < 0 ||
	    tm_pretranslation_write_review(p, paths[OUT_REVIEW]) < 0 ||
	    tm_pretranslation_write_analysis(p, paths[OUT_TXT],
	    TM_ANALYSIS_TEXT) < 0 ||
	    tm_pretranslation_write_analysis(p, paths[OUT_JSON],
	    TM_ANALYSIS_JSON) < 0 ||
	    tm_pretranslation_write_analysis(p, paths[OUT_CSV],
	    TM_ANALYSIS_CSV) < 0) {
		cli_tm_error(cli, NULL);
		goto done;
	}
	if (json) {
		for (i = 0; i < NOUT; i++) {
			pairs[2 * i] = kinds[i];
			pairs[2 * i + 1] = paths[i];
		}
		pairs[2 * NOUT] = NULL;
		if (tm_pretranslation_json(&doc, p, pairs) < 0) {
			cli_tm_error(cli, NULL);
			goto done;
		}
		printf("%s%s", *printed ? ",\n" : "", doc);
		(*printed)++;
	} else {
		printf("%s\n", an);
		printf(_("review page: %s\nXLIFF:       %s\ndraft:       %s\n"
		    "analysis:    %s (.json, .csv)\n\n"), paths[OUT_REVIEW],
		    paths[OUT_XLF], paths[OUT_DRAFT], paths[OUT_TXT]);
	}
	fflush(stdout);
	mt_failed = report_mt_failures(cli, file, p);
	rc = mt_failed ? EXIT_MT_FAILED : 0;
done:
	for (i = 0; i < NOUT; i++)
		free(paths[i]);
	tm_free(an);
	tm_free(doc);
	free(draft_suffix);
	tm_pretranslation_free(p);
	return rc;
}

int
cmd_pretranslate(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "mt", required_argument, NULL, 'm' },
		{ "config", required_argument, NULL, 'c' },
		{ "min", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "mark", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	const char *dir = ".", *config = NULL;
	tm_mt_config *cfg = NULL;
	tm_mt *mt = NULL;
	bool json = false;
	struct stat st;
	size_t printed = 0;
	long min;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			po.from = optarg;
			break;
		case 't':
			po.to = optarg;
			break;
		case 'm':
			po.mt_name = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'n':
			if ((rc = cli_parse_num(cli, "--min", optarg, 0, 100,
			    &min)))
				return rc;
			po.min = (int)min;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				po.format = TM_FORMAT_TEXT;
			else if (strcmp(optarg, "markdown") == 0)
				po.format = TM_FORMAT_MARKDOWN;
			else if (strcmp(optarg, "html") == 0)
				po.format = TM_FORMAT_HTML;
			else if (strcmp(optarg, "docx") == 0)
				po.format = TM_FORMAT_DOCX;
			else if (strcmp(optarg, "odt") == 0)
				po.format = TM_FORMAT_ODT;
			else
				return cli_usage_error(cli, "--format is text, "
				    "markdown, html, docx or odt, not '%s'",
				    optarg);
			break;
		case 'M':
			if (strcmp(optarg, "highlight") == 0)
				po.mark = TM_MARK_HIGHLIGHT;
			else if (strcmp(optarg, "comment") == 0)
				po.mark = TM_MARK_COMMENT;
			else if (strcmp(optarg, "none") == 0)
				po.mark = TM_MARK_NONE;
			else
				return cli_usage_error(cli, "--mark is "
				    "highlight, comment or none, not '%s'",
				    optarg);
			break;
		case 'e':
			po.encoding = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (!po.from || !po.to)
		return cli_usage_error(cli, "--from and --to are required");
	if (optind >= argc)
		return cli_usage_error(cli, "no file to pre-translate");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (mkdir(dir, 0777) != 0) {
			cli_error(cli, "cannot make the output folder '%s': %s",
			    dir, strerror(errno));
			return 1;
		}
	}
	if (po.mt_name) {
		if (tm_mt_config_load(&cfg, config) < 0 ||
		    tm_mt_open(&mt, cfg, po.mt_name) < 0) {
			rc = cli_tm_error(cli, NULL);
			goto done;
		}
		po.mt = mt;
		/* The MT cache lives in the database. */
		cli->flags |= CMD_WRITES;
	}
	if (cli_open_db(cli)) {
		rc = 1;
		goto done;
	}
	if (json)
		printf("{\"files\": [");
	for (i = optind; i < argc; i++) {
		int r = one_file(cli, argv[i], dir, &po, json, &printed);

		/* A file not done (1) outweighs MT lost in another (3). */
		if (r && rc != 1)
			rc = r;
	}
	if (json)
		printf("]}\n");
done:
	tm_mt_close(mt);
	tm_mt_config_free(cfg);
	return rc;
}
