/*
 * main.c: the tm program.  Global options, then dispatch to one
 * cmd_<name>() per command (git's commands[]); `tm help` is built from
 * the same table.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static int cmd_help(int argc, char **argv, struct cli *cli);
static int cmd_version(int argc, char **argv, struct cli *cli);

static const struct cmd commands[] = {
	{ "import", cmd_import, CMD_NEEDS_DB | CMD_WRITES,
	    N_("import TMX files into the memory") },
	{ "export", cmd_export, CMD_NEEDS_DB,
	    N_("write the memory as TMX 1.4b") },
	{ "stats", cmd_stats, CMD_NEEDS_DB,
	    N_("show what the memory holds") },
	{ "lookup", cmd_lookup, CMD_NEEDS_DB,
	    N_("find exact and fuzzy matches for a sentence") },
	{ "concordance", cmd_concordance, CMD_NEEDS_DB,
	    N_("find a term in context") },
	{ "reindex", cmd_reindex, CMD_NEEDS_DB | CMD_WRITES,
	    N_("recompute matching keys and the n-gram index") },
	{ "copy", cmd_copy, 0,
	    N_("copy a memory into a new one, SQLite or PostgreSQL") },
	{ "segment", cmd_segment, 0,
	    N_("split a text into sentences") },
	{ "align", cmd_align, 0,
	    N_("align a text with its translation into TMX") },
	{ "mt", cmd_mt, CMD_WRITES,
	    N_("machine-translate text (with a cache)") },
	{ "glossary", cmd_glossary, 0,
	    N_("import, look up and export terms") },
	{ "check", cmd_check, 0,
	    N_("check numbers, dates, terms and more in an XLIFF file") },
	{ "import-xliff", cmd_import_xliff, CMD_NEEDS_DB | CMD_WRITES,
	    N_("put reviewed XLIFF segments into the memory") },
	{ "history", cmd_history, CMD_NEEDS_DB,
	    N_("show translations that a review replaced") },
	{ "pretranslate", cmd_pretranslate, 0,
	    N_("pre-translate documents: XLIFF, review page, draft, "
	    "analysis") },
	{ "serve", cmd_serve, 0,
	    N_("serve the memory over HTTP: web page, JSON, tmserver, "
	    "LibreTranslate") },
	{ "token", cmd_token, 0,
	    N_("add, list and revoke the server's access tokens") },
	{ "help", cmd_help, 0, N_("show the commands") },
	{ "version", cmd_version, 0, N_("show the version") },
};

void
cli_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tm: ");
	if (cli && cli->cmd)
		fprintf(stderr, "%s: ", cli->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_tm_error(const struct cli *cli, const char *context)
{
	const tm_error *e = tm_error_last();
	const char *msg = e ? e->message : _("unknown error");

	if (context)
		cli_error(cli, "%s: %s", *context ? _(context) : context, msg);
	else
		cli_error(cli, "%s", msg);
	tm_error_clear();
	return 1;
}

int
cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tm: ");
	if (cli->cmd)
		fprintf(stderr, "%s: ", cli->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("see 'tm %s%s--help'\n"), cli->cmd ? cli->cmd : "",
	    cli->cmd ? " " : "");
	return 2;
}

int
cli_other_option(struct cli *cli, int c, char **argv, const char *usage)
{
	if (c == 'h') {
		fputs(_(usage), stdout);
		return 0;
	}
	return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
}

int
cli_parse_num(struct cli *cli, const char *opt, const char *s, long lo,
    long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	if (errno || end == s || *end || *out < lo || *out > hi)
		return cli_usage_error(cli, "%s wants a number from %ld to %ld, "
		    "not '%s'", opt, lo, hi, s);
	return 0;
}

double
cli_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void
cli_progress_init(struct cli_progress *p, const char *label, bool want)
{
	/* On a terminal only, and quiet when the output goes elsewhere. */
	p->on = want && isatty(2) && isatty(1);
	p->label = label;
	p->last = 0;
}

void
cli_progress_update(uint64_t done, uint64_t total, void *payload)
{
	struct cli_progress *p = payload;
	double t;

	if (!p || !p->on)
		return;
	t = cli_now();
	if (t - p->last < 0.1 && done != total)
		return;
	p->last = t;
	fputc('\r', stderr);
	if (total > 0)
		fprintf(stderr, _("%s %3d%% (%.1f of %.1f MB)"), p->label,
		    (int)(done * 100 / (total ? total : 1)), (double)done / 1e6,
		    (double)total / 1e6);
	else
		fprintf(stderr, _("%s %.1f MB"), p->label, (double)done / 1e6);
	fflush(stderr);
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->on && p->last > 0)
		fprintf(stderr, "\r\033[K");
}

static void
usage(FILE *f)
{
	size_t i;

	fputs(_("usage: tm [--db FILE] COMMAND [OPTIONS] [ARGS]\n\n"
	    "The database is --db FILE, else $TM_DB, else "
	    "$XDG_DATA_HOME/tm/tm.db.\nFILE may also be a PostgreSQL database: "
	    "postgresql://user@host/dbname\nor a libpq string "
	    "('host=/run/postgresql dbname=tm').\n\nCommands:\n"), f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "   %-12s %s\n", commands[i].name,
		    _(commands[i].help));
	fputs(_("\nSee 'tm COMMAND --help' for a command's options.\n"), f);
}

static int
cmd_help(int argc, char **argv, struct cli *cli)
{
	(void)cli;
	if (argc > 1) {
		char *args[] = { argv[1], (char *)"--help", NULL };
		size_t i;

		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(commands[i].name, argv[1]) == 0 &&
			    commands[i].run != cmd_help) {
				cli->cmd = commands[i].name;
				return commands[i].run(2, args, cli);
			}
		fprintf(stderr,
		    _("tm: '%s' is not a tm command; see 'tm help'\n"),
		    argv[1]);
		return 2;
	}
	usage(stdout);
	return 0;
}

static int
cmd_version(int argc, char **argv, struct cli *cli)
{
	(void)argc; (void)argv; (void)cli;
	printf("tm %s\n", tm_version());
	return 0;
}

/*
 * Open the database for a command, once its options are parsed (so that
 * a usage error never creates a file).  Returns 0, or 1 after saying why.
 */
int
cli_open_db(struct cli *cli)
{
	if (!cli->db_path) {
		if (tm_db_default_path(&cli->default_path) < 0)
			return cli_tm_error(cli, NULL);
		cli->db_path = cli->default_path;
	}
	cli->created = (cli->flags & CMD_WRITES) &&
	    !tm_db_is_postgres(cli->db_path) &&
	    access(cli->db_path, F_OK) != 0;
	if (tm_db_open(&cli->db, cli->db_path, (cli->flags & CMD_WRITES) ?
	    TM_DB_CREATE : TM_DB_READONLY) < 0) {
		const tm_error *e = tm_error_last();

		/* Reading a memory that does not exist yet: say so. */
		if (e && e->code == TM_ENOTFOUND)
			cli_error(cli, "no memory at '%s' yet: 'tm import FILE' "
			    "creates it", cli->db_path);
		else
			cli_tm_error(cli, NULL);
		tm_error_clear();
		return 1;
	}
	return 0;
}

/*
 * A command that failed leaves no database it created and put nothing
 * into (a refused import into a new path leaves no empty memory).
 */
static void
forget_new_database(struct cli *cli)
{
	tm_stats *st = NULL;
	bool empty;

	if (!cli->created || !cli->db || tm_stats_get(&st, cli->db) < 0) {
		tm_error_clear();
		return;
	}
	empty = st->units == 0 && st->nimports == 0;
	tm_stats_free(st);
	if (!empty)
		return;
	tm_db_close(cli->db);
	cli->db = NULL;
	cli_remove_db_files(cli->db_path);
}

void
cli_remove_db_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char name[4096];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		if ((size_t)snprintf(name, sizeof(name), "%s%s", path,
		    suffix[i]) < sizeof(name))
			unlink(name);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = { 0 };
	const struct cmd *cmd = NULL;
	size_t i;
	int c, rc;

	/*
	 * Messages in the language LANGUAGE / LC_ALL / LC_MESSAGES choose.
	 * Only LC_MESSAGES: numbers, dates and character classes stay the
	 * C locale's, so that JSON, TMX, XLIFF and TSV come out the same in
	 * every locale ("0.953", never "0,953").  Catalogues are read as
	 * UTF-8, the program's only encoding, libc's too (strerror).
	 */
	setlocale(LC_MESSAGES, "");
#ifdef ENABLE_NLS
	{
		const char *dir = getenv("TM_LOCALEDIR");

		bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
		bind_textdomain_codeset(PACKAGE, "UTF-8");
		bind_textdomain_codeset("libc", "UTF-8");
		textdomain(PACKAGE);
	}
#endif

	/* Global options stop at the command name ('+'). */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cli.db_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tm %s\n", tm_version());
			return 0;
		default:
			fprintf(stderr, _("tm: unknown option '%s'\n"),
			    argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[optind]) == 0)
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr,
		    _("tm: '%s' is not a tm command; see 'tm help'\n"),
		    argv[optind]);
		return 2;
	}
	cli.cmd = cmd->name;
	argc -= optind;
	argv += optind;
	optind = 0;	/* let the command's getopt_long start afresh */

	cli.flags = cmd->flags;
	rc = cmd->run(argc, argv, &cli);
	if (rc != 0)
		forget_new_database(&cli);
	tm_db_close(cli.db);
	tm_free(cli.default_path);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error(&cli, "cannot write to standard output");
		rc = 1;
	}
	return rc;
}
