/*
 * cmd-serve.c: tm serve [--listen ADDR:PORT] [--threads N] ... : the
 * memory over HTTP until SIGTERM or SIGINT.  The server is libtm's
 * (tm_server_start); this only reads options, prints the access log
 * and waits for the signal.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"

static const char usage_text[] =
    N_("usage: tm serve [--listen ADDR:PORT] [--threads N] [--read-only]\n"
    "                [--public-read] [--insecure] [--base-path PATH]\n"
    "                [--max-body SIZE] [--max-connections N] [--timeout S]\n"
    "                [--tls-cert FILE --tls-key FILE] [--mt PROVIDER]\n"
    "                [--mt-config FILE] [--memory-min N] [--log-queries]\n"
    "                [--port-file FILE] [--quiet]\n"
    "\n"
    "Serve the memory over HTTP: the web page at /, a JSON API under\n"
    "/api/v1/, the tmserver API of Weblate and Virtaal, and LibreTranslate's\n"
    "/translate.  Stops on SIGTERM or SIGINT, letting requests finish.\n"
    "\n"
    "    --listen ADDR:PORT   where to listen (default 127.0.0.1:8765; port\n"
    "                         0 picks a free one, printed on stderr)\n"
    "    --threads N          worker threads (default: one a processor)\n"
    "    --read-only          refuse every write\n"
    "    --public-read        reads need no token (writes always need a\n"
    "                         write token; 'tm token add')\n"
    "    --insecure           listen beyond this machine without any token\n"
    "    --base-path PATH     serve under a prefix, e.g. /tm\n"
    "    --max-body SIZE      largest request body (default 1G; K, M, G)\n"
    "    --max-connections N  connections at once (default 10000)\n"
    "    --timeout S          seconds a connection may stay idle (30)\n"
    "    --tls-cert FILE      HTTPS with this PEM certificate (chain)\n"
    "    --tls-key FILE       and this PEM key\n"
    "    --mt PROVIDER        machine translation for /translate and\n"
    "                         pre-translation when the memory has nothing\n"
    "    --mt-config FILE     the MT config file (default as 'tm mt')\n"
    "    --memory-min N       lowest memory score /translate takes (default:\n"
    "                         exact and context matches, and 99s whose\n"
    "                         numbers come from the query)\n"
    "    --log-queries        the access log shows URLs, query text included\n"
    "    --port-file FILE     write the port number there once listening\n"
    "    --quiet              no access log\n"
    "\n"
    "Without a token in the memory, a server on 127.0.0.1 answers reads\n"
    "from anyone on this machine.\n"
    "\n"
    "Routes:\n");

static void
print_usage(void)
{
	const char *const *r;

	fputs(_(usage_text), stdout);
	for (r = tm_server_routes(); *r; r++)
		printf("    %s\n", *r);
}

static void
log_line(const char *line, void *payload)
{
	(void)payload;
	fprintf(stderr, "%s\n", line);
}

static int
parse_size(struct cli *cli, const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		goto bad;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10, end++;
		break;
	case 'm': case 'M':
		v <<= 20, end++;
		break;
	case 'g': case 'G':
		v <<= 30, end++;
		break;
	}
	if (*end || v == 0)
		goto bad;
	*out = v;
	return 0;
bad:
	return cli_usage_error(cli, "--max-body wants a size such as 512M, "
	    "not '%s'", s);
}

/* Room for many connections: the soft limit on files up to the hard. */
static void
raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
cmd_serve(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "public-read", no_argument, NULL, 'p' },
		{ "insecure", no_argument, NULL, 'I' },
		{ "base-path", required_argument, NULL, 'b' },
		{ "max-body", required_argument, NULL, 'B' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "mt", required_argument, NULL, 'm' },
		{ "mt-config", required_argument, NULL, 'M' },
		{ "memory-min", required_argument, NULL, 'n' },
		{ "log-queries", no_argument, NULL, 'q' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	tm_serve_options so = TM_SERVE_OPTIONS_INIT;
	const char *port_file = NULL;
	tm_server *srv = NULL;
	sigset_t set;
	bool quiet = false;
	long v;
	int c, sig = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			so.listen = optarg;
			break;
		case 't':
			if (cli_parse_num(cli, "--threads", optarg, 1, 256, &v))
				return 2;
			so.threads = (unsigned)v;
			break;
		case 'r':
			so.flags |= TM_SERVE_READ_ONLY;
			break;
		case 'p':
			so.flags |= TM_SERVE_PUBLIC_READ;
			break;
		case 'I':
			so.flags |= TM_SERVE_INSECURE;
			break;
		case 'b':
			so.base_path = optarg;
			break;
		case 'B':
			if (parse_size(cli, optarg, &so.max_body))
				return 2;
			break;
		case 'c':
			if (cli_parse_num(cli, "--max-connections", optarg, 1,
			    1000000, &v))
				return 2;
			so.max_connections = (unsigned)v;
			break;
		case 'T':
			if (cli_parse_num(cli, "--timeout", optarg, 1, 86400,
			    &v))
				return 2;
			so.timeout = (unsigned)v;
			break;
		case 'C':
			so.tls_cert = optarg;
			break;
		case 'K':
			so.tls_key = optarg;
			break;
		case 'm':
			so.mt_provider = optarg;
			break;
		case 'M':
			so.mt_config = optarg;
			break;
		case 'n':
			if (cli_parse_num(cli, "--memory-min", optarg, 1, 101,
			    &v))
				return 2;
			so.memory_min = (int)v;
			break;
		case 'q':
			so.flags |= TM_SERVE_LOG_QUERIES;
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'Q':
			quiet = true;
			break;
		case 'h':
			print_usage();
			return 0;
		default:
			return cli_other_option(cli, c, argv, usage_text);
		}
	}
	if (optind != argc)
		return cli_usage_error(cli, "unexpected argument '%s'",
		    argv[optind]);
	if ((so.tls_cert == NULL) != (so.tls_key == NULL))
		return cli_usage_error(cli, "--tls-cert and --tls-key go "
		    "together");
	if (so.mt_config && !so.mt_provider)
		return cli_usage_error(cli, "--mt-config needs --mt PROVIDER");

	/* A writable server makes the memory if it does not exist yet. */
	if (!(so.flags & TM_SERVE_READ_ONLY))
		cli->flags |= CMD_WRITES;
	if (cli_open_db(cli))
		return 1;
	tm_db_close(cli->db);
	cli->db = NULL;
	so.db_path = cli->db_path;
	if (!quiet)
		so.log = log_line;

	/*
	 * The signals are taken by sigwait() below: blocked before any
	 * thread starts, so that every thread inherits the mask.  A client
	 * that goes away must not kill the server with SIGPIPE.
	 */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise_file_limit();
	if (tm_global_init() < 0 || tm_server_start(&srv, &so) < 0) {
		cli_tm_error(cli, NULL);
		tm_global_cleanup();
		return 1;
	}
	fprintf(stderr, _("tm: serve: %s on http%s://%s%s%s:%u%s/ (database "
	    "'%s')\n"), so.flags & TM_SERVE_READ_ONLY ? _("reading") :
	    _("serving"),
	    so.tls_cert ? "s" : "", "", "", "127.0.0.1", tm_server_port(srv),
	    so.base_path ? so.base_path : "", so.db_path);
	if (port_file) {
		FILE *f = fopen(port_file, "w");

		if (!f || fprintf(f, "%u\n", tm_server_port(srv)) < 0 ||
		    fclose(f) != 0) {
			cli_error(cli, "cannot write '%s': %s", port_file,
			    strerror(errno));
			tm_server_stop(srv, 0);
			return 1;
		}
	}
	fflush(stderr);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, _("tm: serve: %s: stopping\n"), sig == SIGINT ?
	    "SIGINT" : "SIGTERM");
	tm_server_stop(srv, 5.0);
	tm_global_cleanup();
	fprintf(stderr, _("tm: serve: stopped\n"));
	return 0;
}
