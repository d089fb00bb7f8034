/*
 * cmd-mt.c: tm mt --provider NAME --from LANG --to LANG [--json]
 *                 [--no-cache] [--config FILE] TEXT|-
 *           tm mt --list [--json] [--config FILE]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm mt --provider NAME --from LANG --to LANG [--no-cache]\n"
    "             [--config FILE] [--json] TEXT|-\n"
    "       tm mt --list [--config FILE] [--json]\n"
    "\n"
    "Machine-translate TEXT, or with - each line of standard input (one\n"
    "line out a line in, in order; a failed line is left empty and named\n"
    "on standard error).  Translations are cached in the database: the\n"
    "same text again costs no request.\n"
    "\n"
    "    --provider NAME   a [provider NAME] of the config file\n"
    "    --from LANG       the source language (BCP 47, e.g. zh-CN)\n"
    "    --to LANG         the target language (e.g. en-US)\n"
    "    --no-cache        ask the provider even for cached texts (the\n"
    "                      fresh translation replaces the cached one)\n"
    "    --config FILE     the config file (default: $TM_CONFIG, else\n"
    "                      $XDG_CONFIG_HOME/tm/config, ~/.config/tm/config)\n"
    "    --list            the configured providers, and whether the\n"
    "                      variable holding each one's key is set\n"
    "    --json            one JSON document\n"
    "\n"
    "Exit status 1 when any segment failed.\n");

static int
list_providers(struct cli *cli, const tm_mt_config *cfg, const char *path,
    bool json)
{
	size_t i, n = tm_mt_config_count(cfg);
	tm_mt_provider_info p;
	char *doc = NULL;

	if (json) {
		if (tm_mt_config_json(&doc, cfg) < 0)
			return cli_tm_error(cli, NULL);
		printf("%s\n", doc);
		tm_free(doc);
		return 0;
	}
	if (!n)
		printf(_("no providers configured in '%s'\n"), path);
	for (i = 0; i < n; i++) {
		if (tm_mt_config_get(&p, cfg, i) < 0)
			return cli_tm_error(cli, NULL);
		printf("%-16s %-15s %s", p.name, p.type, p.url);
		if (p.key_env)
			printf(_("  key $%s %s"), p.key_env, p.key_set ?
			    _("set") : _("NOT SET"));
		else
			printf(_("  no key"));
		printf("\n");
	}
	return 0;
}

/* Standard input, one segment a line. */
static int
read_lines(char ***out, size_t *n)
{
	char **v = NULL, *line = NULL, **nv;
	size_t cap = 0, lcap = 0;
	ssize_t len;

	*n = 0;
	while ((len = getline(&line, &lcap, stdin)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(nv = realloc(v, cap * sizeof(*v))))
				goto nomem;
			v = nv;
		}
		if (!(v[*n] = strdup(line)))
			goto nomem;
		(*n)++;
	}
	free(line);
	*out = v;
	return ferror(stdin) ? -1 : 0;
nomem:
	free(line);
	while (*n > 0)
		free(v[--*n]);
	free(v);
	*out = NULL;
	return -1;
}

int
cmd_mt(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "provider", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_mt_options mo = TM_MT_OPTIONS_INIT;
	const char *provider = NULL, *config = NULL;
	tm_mt_config *cfg = NULL;
	tm_mt *mt = NULL;
	tm_mt_results *res = NULL;
	char **segs = NULL, *doc = NULL, *one[1];
	size_t n = 0, i;
	bool json = false, list = false, from_stdin = false;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			provider = optarg;
			break;
		case 'f':
			mo.from = optarg;
			break;
		case 't':
			mo.to = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'n':
			mo.flags |= TM_MT_NO_CACHE;
			break;
		case 'l':
			list = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (list) {
		if (optind != argc || provider)
			return cli_usage_error(cli, "--list takes no TEXT and no "
			    "--provider");
		if (tm_mt_config_load(&cfg, config) < 0)
			return cli_tm_error(cli, NULL);
		rc = list_providers(cli, cfg, config ? config : "the default "
		    "config file", json);
		tm_mt_config_free(cfg);
		return rc;
	}
	if (!provider || !mo.from || !mo.to)
		return cli_usage_error(cli, "--provider, --from and --to are "
		    "required");
	if (optind + 1 != argc)
		return cli_usage_error(cli, "give one TEXT, or - to read one "
		    "segment a line from standard input");

	if (tm_mt_config_load(&cfg, config) < 0)
		return cli_tm_error(cli, NULL);
	if (tm_mt_open(&mt, cfg, provider) < 0) {
		rc = cli_tm_error(cli, NULL);
		goto done;
	}
	from_stdin = strcmp(argv[optind], "-") == 0;
	if (from_stdin) {
		if (read_lines(&segs, &n) < 0) {
			cli_error(cli, "cannot read standard input");
			rc = 1;
			goto done;
		}
	} else {
		one[0] = argv[optind];
		n = 1;
	}
	if (cli_open_db(cli)) {
		rc = 1;
		goto done;
	}
	if (tm_mt_translate(&res, mt, cli->db, (const char *const *)
	    (from_stdin ? segs : one), n, &mo) < 0) {
		rc = cli_tm_error(cli, NULL);
		goto done;
	}
	for (i = 0; i < n; i++) {
		const tm_mt_result *r = tm_mt_results_get(res, i);

		if (!r->error)
			continue;
		if (from_stdin)
			cli_error(cli, "line %zu: %s", i + 1, r->error);
		else
			cli_error(cli, "%s", r->error);
	}
	if (tm_mt_results_cache_error(res))
		cli_error(cli, "warning: the translations were not cached: %s",
		    tm_mt_results_cache_error(res));
	if (json) {
		if (tm_mt_results_json(&doc, mt, &mo, (const char *const *)
		    (from_stdin ? segs : one), res) < 0)
			rc = cli_tm_error(cli, NULL);
		else
			printf("%s\n", doc);
		tm_free(doc);
	} else {
		for (i = 0; i < n; i++) {
			const tm_mt_result *r = tm_mt_results_get(res, i);
			const char *t = r->text ? r->text : "";

			if (!r->text && !from_stdin)
				continue;
			/* One line a segment, whatever the engine said. */
			for (; *t; t++)
				putchar(*t == '\n' && from_stdin ? ' ' : *t);
			putchar('\n');
		}
	}
	if (tm_mt_results_failed(res) > 0)
		rc = 1;
done:
	tm_mt_results_free(res);
	for (i = 0; from_stdin && segs && i < n; i++)
		free(segs[i]);
	free(segs);
	tm_mt_close(mt);
	tm_mt_config_free(cfg);
	return rc;
}
