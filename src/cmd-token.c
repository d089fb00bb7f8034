/*
 * cmd-token.c: tm token add NAME --role read|write|admin, tm token list
 * [--json], tm token revoke NAME: the access tokens of tm serve.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm token add NAME --role read|write|admin\n"
    "       tm token list [--json]\n"
    "       tm token revoke NAME\n"
    "\n"
    "Tokens let the clients of 'tm serve' read or write.  'add' prints\n"
    "the new token once, on standard output: keep it, the memory holds\n"
    "only its hash.  Roles: read (look up, search, export), write (also\n"
    "add, correct, delete, import), admin (everything).\n");

static int
print_list(struct cli *cli, bool json)
{
	char *doc = NULL;
	json_t *root, *t;
	size_t i;

	if (tm_token_list_json(&doc, cli->db) < 0)
		return cli_tm_error(cli, NULL);
	if (json) {
		printf("%s\n", doc);
		tm_free(doc);
		return 0;
	}
	root = json_loads(doc, 0, NULL);
	tm_free(doc);
	json_array_foreach(json_object_get(root, "tokens"), i, t)
		printf("%-24s %-6s %s\n",
		    json_string_value(json_object_get(t, "name")),
		    json_string_value(json_object_get(t, "role")),
		    json_string_value(json_object_get(t, "created")));
	if (!json_array_size(json_object_get(root, "tokens")))
		printf(_("no token: 'tm token add NAME --role write' makes "
		    "one\n"));
	json_decref(root);
	return 0;
}

int
cmd_token(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *role_name = NULL, *verb;
	bool json = false;
	char *secret = NULL;
	int c, role;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			role_name = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cli, "say add, list or revoke");
	verb = argv[optind++];
	if (strcmp(verb, "list") == 0) {
		if (optind != argc || role_name)
			return cli_usage_error(cli, "list takes no argument");
		if (cli_open_db(cli))
			return 1;
		return print_list(cli, json);
	}
	if (strcmp(verb, "add") != 0 && strcmp(verb, "revoke") != 0)
		return cli_usage_error(cli, "'%s' is not add, list or revoke",
		    verb);
	if (optind + 1 != argc)
		return cli_usage_error(cli, "%s takes one NAME", verb);
	if (json)
		return cli_usage_error(cli, "--json goes with list");
	if (strcmp(verb, "add") == 0) {
		if (!role_name)
			return cli_usage_error(cli, "add needs --role read, "
			    "write or admin");
		if ((role = tm_role_parse(role_name)) == TM_ROLE_NONE)
			return cli_usage_error(cli, "--role is read, write or "
			    "admin, not '%s'", role_name);
		cli->flags |= CMD_WRITES;
		if (cli_open_db(cli))
			return 1;
		if (tm_token_add(&secret, cli->db, argv[optind], role) < 0)
			return cli_tm_error(cli, NULL);
		printf("%s\n", secret);
		tm_free(secret);
		return 0;
	}
	if (role_name)
		return cli_usage_error(cli, "--role goes with add");
	cli->flags |= CMD_WRITES;
	if (cli_open_db(cli))
		return 1;
	if (tm_token_revoke(cli->db, argv[optind]) < 0)
		return cli_tm_error(cli, NULL);
	return 0;
}
