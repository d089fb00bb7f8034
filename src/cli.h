/*
 * cli.h: what the commands of the tm program share.  The program only
 * parses arguments and prints; every capability is libtm's (tm.h).
 */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "tm.h"

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/*
 * Messages in the user's language: _("text") from the "tm" catalogue,
 * the library's (main binds it); N_("text") marks a text translated
 * where it is shown; P_(one, many, n) for counts.  cli_error and
 * cli_usage_error translate their format themselves.  Results (JSON,
 * TMX, XLIFF, TSV) are never translated.
 */
#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) dgettext(PACKAGE, s)
#define P_(one, many, n) dngettext(PACKAGE, one, many, n)
#else
#define _(s) ((const char *)(s))
#define P_(one, many, n) ((n) == 1 ? (const char *)(one) : (const char *)(many))
#endif
#define N_(s) s

enum cmd_flags {
	CMD_NEEDS_DB = 1 << 0,	/* open the database before running */
	CMD_WRITES = 1 << 1	/* ... for writing, creating it if needed */
};

struct cli {
	const char *db_path;	/* --db, $TM_DB or the default */
	char *default_path;	/* owned, when db_path came from the default */
	tm_db *db;		/* open once the command called cli_open_db */
	const char *cmd;	/* the command's name, for messages */
	unsigned flags;		/* the command's enum cmd_flags */
	bool created;		/* cli_open_db made the database file */
};

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv, struct cli *cli);
	unsigned flags;
	const char *help;
};

/*
 * The options every command shares, for the default of its switch:
 * -h/--help prints `usage` and gives 0; anything else is a usage error
 * and gives 2.
 */
int cli_other_option(struct cli *cli, int c, char **argv, const char *usage);
/* A number option from lo to hi into *out; 0, or 2 after saying why. */
int cli_parse_num(struct cli *cli, const char *opt, const char *s, long lo,
    long hi, long *out);

/* Seconds on the monotonic clock. */
double cli_now(void);
/* Remove a SQLite memory's file and its -wal, -shm and -journal. */
void cli_remove_db_files(const char *path);

/* Open cli->db (read-only unless the command writes); 0 or 1. */
int cli_open_db(struct cli *cli);

/* "tm: CMD: message" on stderr. */
void cli_error(const struct cli *cli, const char *fmt, ...) CLI_PRINTF(2, 3);
/*
 * Report the library's last error with an optional context (a literal
 * context is translated); returns 1.
 */
int cli_tm_error(const struct cli *cli, const char *context);
/* A usage error: message, then "see 'tm CMD --help'"; returns 2. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    CLI_PRINTF(2, 3);

/* Progress on a terminal: a line on stderr, redrawn at most 10 times a second. */
struct cli_progress {
	bool on;
	const char *label;
	double last;
};
void cli_progress_init(struct cli_progress *p, const char *label, bool want);
void cli_progress_update(uint64_t done, uint64_t total, void *payload);
void cli_progress_end(struct cli_progress *p);

int cmd_import(int argc, char **argv, struct cli *cli);
int cmd_export(int argc, char **argv, struct cli *cli);
int cmd_stats(int argc, char **argv, struct cli *cli);
int cmd_lookup(int argc, char **argv, struct cli *cli);
int cmd_concordance(int argc, char **argv, struct cli *cli);
int cmd_reindex(int argc, char **argv, struct cli *cli);
int cmd_copy(int argc, char **argv, struct cli *cli);
/* Segmentation and alignment. */
int cmd_segment(int argc, char **argv, struct cli *cli);
int cmd_align(int argc, char **argv, struct cli *cli);
int cmd_mt(int argc, char **argv, struct cli *cli);
/* Issue 6: glossary, checks, reviewed XLIFF back into the memory. */
int cmd_glossary(int argc, char **argv, struct cli *cli);
int cmd_check(int argc, char **argv, struct cli *cli);
int cmd_import_xliff(int argc, char **argv, struct cli *cli);
int cmd_history(int argc, char **argv, struct cli *cli);
/* Pre-translation. */
int cmd_pretranslate(int argc, char **argv, struct cli *cli);
/* The server and its tokens. */
int cmd_serve(int argc, char **argv, struct cli *cli);
int cmd_token(int argc, char **argv, struct cli *cli);

#endif /* TM_CLI_H */
