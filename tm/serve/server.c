/*
 * server.c: the core of tm serve, on libmicrohttpd.
 *
 * A pool of worker threads (epoll) takes the connections; each thread
 * opens its own database handle on first use and keeps it, as tm.h
 * asks.  A request goes through: the raw URI (kept as received: paths
 * and queries are decoded here, not by libmicrohttpd, so that an
 * encoded '/' in a tmserver text stays inside its segment), routing by
 * the table in routes.c, access control (tokens), body limits, the
 * route's handler, and one access-log line when it ends.  Writes take
 * a process-wide lock so that they run one at a time; reads never
 * wait for them (SQLite's WAL lets readers go on).
 *
 * Stopping quiesces the daemon (no new connection), waits for the
 * requests and jobs in flight for a grace period, then closes what is
 * left: an import cut short sees its input end early and rolls back.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

struct worker {
	tm_db *db;
	tm_mt *mt;
	int mt_error;
};

struct tm__srv {
	tm_serve_options opts;
	char *db_path, *base, *mt_config, *mt_provider;
	struct MHD_Daemon *d;
	unsigned port;
	bool loopback;
	pthread_key_t key;
	pthread_mutex_t wlock;
	pthread_mutex_t lock;	/* what follows */
	pthread_cond_t idle;
	int active;		/* requests and jobs in flight */
	json_t *langs;
	double langs_at;
	tm_mt_config *mtcfg;
	char *cert, *tlskey;
	/* The indexer: catches a lagging index up, poked by lookups. */
	pthread_t indexer;
	bool have_indexer, index_wanted, stopping;
	pthread_cond_t poke;
};

static double
now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Threads and handles
 * ===================
 */

static void
worker_free(void *p)
{
	struct worker *w = p;

	if (!w)
		return;
	tm_mt_close(w->mt);
	tm_db_close(w->db);
	free(w);
}

static struct worker *
worker_get(struct tm__srv *srv)
{
	struct worker *w = pthread_getspecific(srv->key);

	if (!w && (w = tm__calloc(1, sizeof(*w))) != NULL &&
	    pthread_setspecific(srv->key, w) != 0) {
		free(w);
		w = NULL;
	}
	return w;
}

int
tm__srv_open(struct tm__srv *srv, tm_db **out, bool writable)
{
	return tm_db_open(out, srv->db_path, writable &&
	    !(srv->opts.flags & TM_SERVE_READ_ONLY) ? 0 : TM_DB_READONLY);
}

static int
worker_db(struct tm__srv *srv, tm_db **out)
{
	struct worker *w = worker_get(srv);
	int error;

	*out = NULL;
	if (!w)
		return tm__error_nomem();
	if (!w->db && (error = tm__srv_open(srv, &w->db, true)) < 0)
		return error;
	*out = w->db;
	return 0;
}

int
tm__srv_mt(struct tm__srv *srv, tm_mt **out)
{
	struct worker *w = worker_get(srv);
	int error;

	*out = NULL;
	if (!srv->mtcfg)
		return 0;
	if (!w)
		return tm__error_nomem();
	if (!w->mt && (error = tm_mt_open(&w->mt, srv->mtcfg,
	    srv->mt_provider)) < 0)
		return error;
	*out = w->mt;
	return 0;
}

const tm_serve_options *
tm__srv_opts(const struct tm__srv *srv)
{
	return &srv->opts;
}

void
tm__srv_write_lock(struct tm__srv *srv)
{
	pthread_mutex_lock(&srv->wlock);
}

void
tm__srv_write_unlock(struct tm__srv *srv)
{
	pthread_mutex_unlock(&srv->wlock);
}

static void
active_add(struct tm__srv *srv, int n)
{
	pthread_mutex_lock(&srv->lock);
	srv->active += n;
	if (srv->active == 0)
		pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->lock);
}

void
tm__srv_job_begin(struct tm__srv *srv)
{
	active_add(srv, 1);
}

void
tm__srv_job_end(struct tm__srv *srv)
{
	active_add(srv, -1);
}

void
tm__srv_index_poke(struct tm__srv *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->index_wanted = true;
	pthread_cond_signal(&srv->poke);
	pthread_mutex_unlock(&srv->lock);
}

/*
 * An import killed in its index phase, or one made by another process
 * whose index failed, leaves units that lookups must score one by one.
 * The server catches the index up on this thread, once at the start and
 * whenever a lookup reports such units, one write at a time like every
 * other write.
 */
static void *
indexer_main(void *p)
{
	struct tm__srv *srv = p;
	tm_db *db = NULL;

	pthread_mutex_lock(&srv->lock);
	for (;;) {
		while (!srv->index_wanted && !srv->stopping)
			pthread_cond_wait(&srv->poke, &srv->lock);
		if (srv->stopping)
			break;
		srv->index_wanted = false;
		pthread_mutex_unlock(&srv->lock);
		if (db || tm__srv_open(srv, &db, true) == 0) {
			tm__srv_write_lock(srv);
			tm_index_catch_up(db);
			tm__srv_write_unlock(srv);
		}
		tm_error_clear();
		pthread_mutex_lock(&srv->lock);
	}
	pthread_mutex_unlock(&srv->lock);
	tm_db_close(db);
	return NULL;
}

/*
 * The stored languages change only with imports: a copy is kept for a
 * minute, or until a write says it is stale.
 */
json_t *
tm__srv_languages(struct tm__srv *srv, tm_db *db)
{
	json_t *langs = NULL;
	tm_stats *st = NULL;
	double t = now_mono();
	size_t i;

	pthread_mutex_lock(&srv->lock);
	if (srv->langs && t - srv->langs_at < 60)
		langs = json_incref(srv->langs);
	pthread_mutex_unlock(&srv->lock);
	if (langs)
		return langs;
	if (tm_stats_get(&st, db) < 0)
		return NULL;
	if ((langs = json_array()) != NULL)
		for (i = 0; i < st->nlangs; i++)
			json_array_append_new(langs,
			    json_string(st->langs[i].lang));
	tm_stats_free(st);
	pthread_mutex_lock(&srv->lock);
	json_decref(srv->langs);
	srv->langs = json_incref(langs);
	srv->langs_at = t;
	pthread_mutex_unlock(&srv->lock);
	return langs;
}

void
tm__srv_languages_stale(struct tm__srv *srv)
{
	pthread_mutex_lock(&srv->lock);
	json_decref(srv->langs);
	srv->langs = NULL;
	pthread_mutex_unlock(&srv->lock);
}

/*
 * Requests: parsing
 * =================
 */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
tm__pct_decode(const char *s, size_t len, bool plus)
{
	char *out = tm__malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				free(out);
				return NULL;
			}
			hi = hexval((unsigned char)s[i + 1]);
			lo = hi < 0 ? -1 : hexval((unsigned char)s[i + 2]);
			if (lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	if (!tm__utf8_valid(out, (size_t)(o - out))) {
		free(out);
		return NULL;
	}
	return out;
}

const char *
tm__req_param(const struct tm__req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

/* Add a parameter, taking both strings (freed on failure): 0 or -2. */
static int
add_param(struct tm__req *req, char *name, char *value)
{
	if (!name || !value || (req->nparams == req->pcap &&
	    tm__grow((void **)&req->params, &req->pcap, req->nparams,
	    sizeof(*req->params)) < 0)) {
		free(name);
		free(value);
		return -2;
	}
	req->params[req->nparams].name = name;
	req->params[req->nparams++].value = value;
	return 0;
}

/* -1 on bad encoding, -2 on memory. */
int
tm__req_parse_params(struct tm__req *req, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i, eq;
		char *name, *value;

		while (j < len && s[j] != '&')
			j++;
		for (eq = i; eq < j && s[eq] != '='; eq++)
			;
		if (j > i) {
			name = tm__pct_decode(s + i, eq - i, true);
			value = tm__pct_decode(eq < j ? s + eq + 1 : "",
			    eq < j ? j - eq - 1 : 0, true);
			if (!name || !value) {
				free(name);
				free(value);
				return -1;
			}
			if (add_param(req, name, value) < 0)
				return -2;
		}
		i = j + 1;
	}
	return 0;
}

/* Whether pattern segment list `pat` matches the path; fills req->seg. */
static int
match_path(struct tm__req *req, const char *pat, const char *path,
    size_t plen, bool *bad)
{
	size_t pi = 0, i = 0;

	req->nseg = 0;
	for (;;) {
		size_t pe = pi, e = i;

		while (pat[pe] && pat[pe] != '/')
			pe++;
		while (e < plen && path[e] != '/')
			e++;
		if (pe - pi == 2 && strncmp(pat + pi, "**", 2) == 0)
			e = plen;
		if (pe - pi <= 2 && pat[pi] == '*') {
			if (req->nseg == TM__ARRAY_SIZE(req->seg))
				return 0;
			if (!(req->seg[req->nseg] = tm__pct_decode(path + i,
			    e - i, false))) {
				*bad = true;
				return 0;
			}
			req->nseg++;
		} else if (pe - pi != e - i || strncmp(pat + pi, path + i,
		    pe - pi) != 0) {
			return 0;
		}
		if (!pat[pe] && e >= plen)
			return 1;
		if (!pat[pe] || e >= plen)
			return 0;
		pi = pe + 1;
		i = e + 1;
	}
}

static void
free_segs(struct tm__req *req)
{
	size_t i;

	for (i = 0; i < req->nseg; i++) {
		free(req->seg[i]);
		req->seg[i] = NULL;
	}
	req->nseg = 0;
}

/*
 * Answers
 * =======
 */

static void
add_common_headers(struct tm__req *req, struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", req->csp ?
	    req->csp : "default-src 'none'; frame-ancestors 'none'");
	/* LibreTranslate and tmserver clients may run in a browser. */
	if (req->route && req->route->handler != NULL &&
	    strncmp(req->route->path, "api/", 4) != 0 &&
	    strcmp(req->route->path, "") != 0 &&
	    strcmp(req->route->path, "index.html") != 0)
		MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
}

static int
queue(struct tm__req *req, unsigned status, struct MHD_Response *r,
    uint64_t bytes)
{
	enum MHD_Result ok;

	if (!r)
		return tm__error_nomem();
	add_common_headers(req, r);
	ok = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	req->answered = true;
	req->status = status;
	req->bytes = bytes;
	return ok == MHD_YES ? 0 : TM_ERROR;
}

int
tm__serve_data(struct tm__req *req, unsigned status, const char *type,
    const void *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len,
	    (void *)data, MHD_RESPMEM_MUST_COPY);

	if (r && type)
		MHD_add_response_header(r, "Content-Type", type);
	return queue(req, status, r, len);
}

int
tm__serve_json_text(struct tm__req *req, unsigned status, const char *text)
{
	struct MHD_Response *r;
	size_t len = strlen(text);
	char *copy = tm__malloc(len + 1);

	if (!copy)
		return tm__error_nomem();
	memcpy(copy, text, len);
	copy[len] = '\n';
	r = MHD_create_response_from_buffer(len + 1, copy,
	    MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(copy);
	else
		MHD_add_response_header(r, "Content-Type",
		    "application/json; charset=utf-8");
	return queue(req, status, r, len + 1);
}

int
tm__serve_json(struct tm__req *req, unsigned status, json_t *obj)
{
	char *text = obj ? json_dumps(obj, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER) : NULL;
	int error;

	json_decref(obj);
	if (!text)
		return tm__error_nomem();
	error = tm__serve_json_text(req, status, text);
	free(text);
	return error;
}

int
tm__serve_error(struct tm__req *req, unsigned status, const char *code,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tm__serve_json(req, status, json_pack("{s:{s:s, s:s}}",
	    "error", "code", code, "message", msg));
}

int
tm__serve_tm_error(struct tm__req *req)
{
	const tm_error *e = tm_error_last();
	const char *msg = e && e->message ? tm__error_neutral(e) :
	    "unknown error";
	unsigned status = 500;
	const char *code = "internal";
	int c = e ? e->code : TM_ERROR;

	switch (c) {
	case TM_ENOTFOUND:
		status = 404, code = "not_found";
		break;
	case TM_EINVAL:
		status = 400, code = "invalid";
		break;
	case TM_EPARSE:
		status = 400, code = "parse";
		break;
	case TM_EUTF8:
		status = 400, code = "utf8";
		break;
	case TM_ENOMEM:
		status = 503, code = "no_memory";
		break;
	case TM_EDB:
		status = 503, code = "database";
		break;
	case TM_EIO:
		status = 500, code = "io";
		break;
	case TM_ENET:
		status = 502, code = "network";
		break;
	}
	c = tm__serve_error(req, status, code, "%s", msg);
	tm_error_clear();
	return c;
}

struct fd_stream {
	int fd;
	void (*done)(void *);
	void *payload;
	struct tm__req *req;
	uint64_t bytes;
};

static ssize_t
fd_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct fd_stream *fs = cls;
	ssize_t n;

	(void)pos;
	do
		n = read(fs->fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	fs->bytes += (uint64_t)n;
	if (fs->req)
		fs->req->bytes = fs->bytes;
	return n;
}

static void
fd_free(void *cls)
{
	struct fd_stream *fs = cls;

	close(fs->fd);
	if (fs->done)
		fs->done(fs->payload);
	free(fs);
}

int
tm__serve_fd(struct tm__req *req, unsigned status, const char *type,
    const char *disposition, int fd, void (*done)(void *payload),
    void *payload)
{
	struct fd_stream *fs = tm__calloc(1, sizeof(*fs));
	struct MHD_Response *r;
	int error;

	if (!fs) {
		close(fd);
		if (done)
			done(payload);
		return tm__error_nomem();
	}
	fs->fd = fd;
	fs->done = done;
	fs->payload = payload;
	fs->req = req;
	if (!(r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
	    64 * 1024, fd_read, fs, fd_free))) {
		fd_free(fs);
		return tm__error_nomem();
	}
	MHD_add_response_header(r, "Content-Type", type);
	if (disposition)
		MHD_add_response_header(r, "Content-Disposition",
		    disposition);
	error = queue(req, status, r, 0);
	return error;
}

/*
 * The request's life
 * ==================
 */

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct tm__srv *srv = cls;
	struct tm__req *req = tm__calloc(1, sizeof(*req));

	(void)conn;
	if (!req)
		return NULL;
	req->srv = srv;
	req->t0 = now_mono();
	req->uri = tm__strdup(uri ? uri : "");
	active_add(srv, 1);
	return req;
}

static size_t
on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	return strlen(s);
}

static void
log_line(struct tm__req *req)
{
	const tm_serve_options *o = &req->srv->opts;
	char line[600], when[32];
	struct tm tmv;
	time_t t = time(NULL);
	const char *route = req->route ? req->route->path : "-";
	size_t n;

	if (!o->log)
		return;
	gmtime_r(&t, &tmv);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tmv);
	n = (size_t)snprintf(line, sizeof(line), "%s %s %s%s %u %llu %.1fms",
	    when, req->method ? req->method : "-", req->route ? "/" : "",
	    route, req->status, (unsigned long long)req->bytes,
	    (now_mono() - req->t0) * 1000);
	if ((o->flags & TM_SERVE_LOG_QUERIES) && req->uri && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " %.400s", req->uri);
	o->log(line, o->payload);
}

static void
req_free(struct tm__req *req)
{
	size_t i;

	if (req->state_free)
		req->state_free(req);
	free_segs(req);
	for (i = 0; i < req->nparams; i++) {
		free(req->params[i].name);
		free(req->params[i].value);
	}
	free(req->params);
	tm__buf_release(&req->body);
	free(req->uri);
	free(req);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct tm__srv *srv = cls;
	struct tm__req *req = *con_cls;

	(void)conn;
	if (!req)
		return;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && req->stream) {
		/* The client went away or the server stops: cut it short. */
		req->stream(req, NULL, 0);
	}
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !req->status)
		req->status = 499;
	log_line(req);
	req_free(req);
	*con_cls = NULL;
	active_add(srv, -1);
}

/* Whether reads are open without a token. */
static bool
reads_open(struct tm__srv *srv, tm_db *db)
{
	size_t n = 0;

	if (srv->opts.flags & TM_SERVE_PUBLIC_READ)
		return true;
	/* With no token at all, a loopback (or --insecure) server is open. */
	if (!(srv->loopback || (srv->opts.flags & TM_SERVE_INSECURE)))
		return false;
	if (tm_token_count(&n, db) < 0) {
		tm_error_clear();
		return false;
	}
	return n == 0;
}

static int
check_access(struct tm__req *req)
{
	struct MHD_Connection *conn = req->conn;
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *secret = NULL;
	int need = req->route->access;

	if (need == ROUTE_READ_KEY_IN_BODY)
		need = ROUTE_READ;
	if (need == ROUTE_OPEN)
		return 0;
	if (need == ROUTE_WRITE && (req->srv->opts.flags & TM_SERVE_READ_ONLY))
		return tm__serve_error(req, 403, "read_only", "this server "
		    "is read-only");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		secret = auth + 7;
	else if (auth)
		return tm__serve_error(req, 401, "unauthorized", "the "
		    "Authorization header takes 'Bearer TOKEN'");
	else
		secret = tm__req_param(req, "api_key");
	if (secret && *secret) {
		if (tm_token_check(&req->role, req->db, secret) < 0)
			return tm__serve_tm_error(req);
		if (req->role == TM_ROLE_NONE)
			return tm__serve_error(req, 401, "unauthorized",
			    "unknown token");
	}
	if (need == ROUTE_READ && (req->role >= TM_ROLE_READ ||
	    reads_open(req->srv, req->db)))
		return 0;
	if (need == ROUTE_WRITE && req->role >= TM_ROLE_WRITE)
		return 0;
	if (req->role == TM_ROLE_NONE)
		return tm__serve_error(req, 401, "unauthorized", "this needs "
		    "a token with the %s role", need == ROUTE_WRITE ? "write" :
		    "read");
	return tm__serve_error(req, 403, "forbidden", "the token's role "
	    "(%s) may not do this", tm_role_name(req->role));
}

/* Route the request: 0 with req->route set, else answered. */
static int
route(struct tm__req *req)
{
	struct tm__srv *srv = req->srv;
	const char *path = req->uri, *q = strchr(req->uri, '?');
	size_t plen = q ? (size_t)(q - path) : strlen(path), blen, i;
	bool bad = false, path_known = false;
	char allow[64] = "";

	if (q && tm__req_parse_params(req, q + 1, strlen(q + 1)) < 0)
		return tm__serve_error(req, 400, "bad_request", "the query "
		    "string is not percent-encoded UTF-8");
	blen = srv->base ? strlen(srv->base) : 0;
	if (blen && (plen < blen || strncmp(path, srv->base, blen) != 0 ||
	    (plen > blen && path[blen] != '/')))
		return tm__serve_error(req, 404, "not_found", "no such page");
	path += blen;
	plen -= blen;
	if (plen && *path == '/')
		path++, plen--;
	for (i = 0; i < tm__nroutes; i++) {
		const struct tm__route *r = &tm__routes[i];

		free_segs(req);
		if (!match_path(req, r->path, path, plen, &bad)) {
			if (bad)
				return tm__serve_error(req, 400, "bad_request",
				    "the path is not percent-encoded UTF-8");
			continue;
		}
		path_known = true;
		if (strcmp(r->method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 &&
		    strcmp(r->method, "GET") == 0)) {
			req->route = r;
			return 0;
		}
		if (strlen(allow) + strlen(r->method) + 3 < sizeof(allow))
			snprintf(allow + strlen(allow), sizeof(allow) -
			    strlen(allow), "%s%s", *allow ? ", " : "",
			    r->method);
	}
	free_segs(req);
	if (path_known && strcmp(req->method, "OPTIONS") == 0) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0,
		    (void *)"", MHD_RESPMEM_PERSISTENT);

		if (r) {
			MHD_add_response_header(r, "Allow", allow);
			MHD_add_response_header(r,
			    "Access-Control-Allow-Methods", allow);
			MHD_add_response_header(r,
			    "Access-Control-Allow-Headers",
			    "Authorization, Content-Type");
		}
		return queue(req, 204, r, 0);
	}
	if (path_known) {
		int error = tm__serve_error(req, 405, "method_not_allowed",
		    "%s is not allowed here (allowed: %s)", req->method,
		    allow);

		return error;
	}
	return tm__serve_error(req, 404, "not_found", "no such page");
}

static int
start_request(struct tm__req *req)
{
	const tm_serve_options *o = &req->srv->opts;
	const char *cl;
	int error;

	if ((error = route(req)) < 0 || req->answered)
		return error;
	if ((error = worker_db(req->srv, &req->db)) < 0)
		return tm__serve_tm_error(req);
	if (req->route->access != ROUTE_READ_KEY_IN_BODY &&
	    ((error = check_access(req)) < 0 || req->answered))
		return error;
	req->content_type = MHD_lookup_connection_value(req->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		unsigned long long n = strtoull(cl, NULL, 10);

		if ((req->route->body == BODY_WHOLE && n > TM__SERVE_MAX_DOC) ||
		    n > o->max_body)
			return tm__serve_error(req, 413, "too_large", "the "
			    "body is %llu bytes; at most %llu are taken", n,
			    (unsigned long long)(req->route->body ==
			    BODY_WHOLE && TM__SERVE_MAX_DOC < o->max_body ?
			    TM__SERVE_MAX_DOC : o->max_body));
	}
	return 0;
}

static int
take_body(struct tm__req *req, const char *data, size_t len)
{
	const tm_serve_options *o = &req->srv->opts;
	uint64_t limit = o->max_body;

	if (req->route->body == BODY_WHOLE && limit > TM__SERVE_MAX_DOC)
		limit = TM__SERVE_MAX_DOC;
	req->body_len += len;
	if (req->body_len > limit) {
		req->body_too_big = true;
		if (req->stream) {
			req->stream(req, NULL, 0);
			if (req->state_free)
				req->state_free(req);
			req->state_free = NULL;
			req->stream = NULL;
		}
		return 0;
	}
	switch (req->route->body) {
	case BODY_WHOLE:
		return tm__buf_add(&req->body, data, len);
	case BODY_STREAM:
		if (req->stream)
			return req->stream(req, data, len);
		return 0;
	default:
		return 0;	/* a body where none is expected: ignored */
	}
}

/*
 * The api_key of a form or JSON body into the parameters, unless the
 * Authorization header or the query string gave a token already.
 */
static int
body_key(struct tm__req *req)
{
	const char *ct = req->content_type;
	json_t *j, *k;

	if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) ==
	    0) {
		req->form_parsed = true;
		if (tm__req_parse_params(req, req->body.ptr, req->body.len) < 0)
			return tm__serve_json(req, 400, json_pack("{s:s}",
			    "error", "the form is not percent-encoded UTF-8"));
		return 0;
	}
	if (tm__req_param(req, "api_key") || !ct ||
	    strncasecmp(ct, "application/json", 16) != 0)
		return 0;
	j = json_loadb(req->body.ptr, req->body.len, 0, NULL);
	k = json_object_get(j, "api_key");
	if (json_is_string(k) && add_param(req, tm__strdup("api_key"),
	    tm__strdup(json_string_value(k))) < 0) {
		json_decref(j);
		return tm__error_nomem();
	}
	json_decref(j);
	return 0;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct tm__req *req = *con_cls;
	int error = 0;

	(void)cls;
	(void)url;
	(void)version;
	if (!req)
		return MHD_NO;
	req->conn = conn;
	if (!req->method) {
		req->method = method;
		if (!req->uri)
			return MHD_NO;
		error = start_request(req);
		if (req->answered)
			return error < 0 && !req->status ? MHD_NO : MHD_YES;
		/*
		 * No body expected: answered on the next call, once the
		 * request is whole.  A response queued before that makes
		 * libmicrohttpd close the connection after it, and every
		 * request of a keep-alive client would pay a new one.
		 */
		if (!error && req->route->body == BODY_NONE)
			return MHD_YES;
		/* A streamed body: the handler sets up what takes it. */
		if (!error && req->route->body == BODY_STREAM &&
		    req->route->handler(req) < 0 && !req->answered)
			tm__serve_tm_error(req);
		return error < 0 && !req->answered ? MHD_NO : MHD_YES;
	}
	if (req->answered) {
		*upload_data_size = 0;	/* answered already: drop the rest */
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->body_too_big && take_body(req, upload_data,
		    *upload_data_size) < 0 && !req->answered)
			tm__serve_tm_error(req);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->body_too_big) {
		tm__serve_error(req, 413, "too_large", "the body is over the "
		    "limit");
		return MHD_YES;
	}
	if (req->route->body == BODY_WHOLE && tm__buf_add(&req->body, "", 0) <
	    0)
		error = tm__error_nomem();
	if (!error && req->route->access == ROUTE_READ_KEY_IN_BODY) {
		error = body_key(req);
		if (!error && !req->answered)
			error = check_access(req);
		if (req->answered)
			return MHD_YES;
	}
	if (!error)
		error = req->route->handler(req);
	if (error < 0 && !req->answered)
		tm__serve_tm_error(req);
	return req->answered ? MHD_YES : MHD_NO;
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
	/* The library prints nothing; failures surface as answers. */
}

/*
 * Start and stop
 * ==============
 */

static int
read_pem(const char *path, char **out)
{
	struct tm__buf b = { 0 };
	int error;

	if ((error = tm__buf_read_file(&b, path)) < 0) {
		tm__buf_release(&b);
		return error;
	}
	*out = tm__buf_detach(&b);
	return 0;
}

/* Parse ADDR:PORT, [V6]:PORT or PORT into `ss`. */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
    bool *loopback)
{
	char host[256] = "127.0.0.1";
	const char *port = spec, *colon;
	struct addrinfo hints, *ai = NULL;
	char *end;
	long p;
	int rc;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':' || (size_t)(close - spec - 1) >=
		    sizeof(host))
			return tm__error(TM_EINVAL, "cannot read the address "
			    "'%s': want [ADDR]:PORT", spec);
		memcpy(host, spec + 1, (size_t)(close - spec - 1));
		host[close - spec - 1] = '\0';
		port = close + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if ((size_t)(colon - spec) >= sizeof(host) || colon == spec)
			return tm__error(TM_EINVAL, "cannot read the address "
			    "'%s': want ADDR:PORT", spec);
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno || end == port || *end || p < 0 || p > 65535)
		return tm__error(TM_EINVAL, "'%s' is not a port number (0 to "
		    "65535)", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0 || !ai)
		return tm__error(TM_EINVAL, "cannot use the address '%s': %s",
		    host, gai_strerror(rc));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	} else {
		*loopback = false;
	}
	return 0;
}

static void
srv_free(struct tm__srv *srv)
{
	if (!srv)
		return;
	json_decref(srv->langs);
	tm_mt_config_free(srv->mtcfg);
	free(srv->db_path);
	free(srv->base);
	free(srv->mt_config);
	free(srv->mt_provider);
	free(srv->cert);
	free(srv->tlskey);
	if (srv->have_indexer) {
		pthread_mutex_lock(&srv->lock);
		srv->stopping = true;
		pthread_cond_signal(&srv->poke);
		pthread_mutex_unlock(&srv->lock);
		pthread_join(srv->indexer, NULL);
	}
	pthread_mutex_destroy(&srv->wlock);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->idle);
	pthread_cond_destroy(&srv->poke);
	pthread_key_delete(srv->key);
	free(srv);
}

static char *
dup_or_null(const char *s, int *error)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = tm__strdup(s)))
		*error = tm__error_nomem();
	return d;
}

int
tm_server_start(tm_server **out, const tm_serve_options *opts)
{
	struct tm__srv *srv = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC;
	tm_db *db = NULL;
	size_t ntokens = 0;
	int error = 0;

	*out = NULL;
	if (!opts || opts->version != TM_SERVE_OPTIONS_VERSION ||
	    !opts->db_path)
		return tm__error(TM_EINVAL, "bad server options");
	if ((opts->tls_cert == NULL) != (opts->tls_key == NULL))
		return tm__error(TM_EINVAL, "HTTPS needs both a certificate "
		    "and a key");
	if (opts->base_path && *opts->base_path && (opts->base_path[0] != '/'
	    || strchr(opts->base_path, '?') || strchr(opts->base_path, '%')))
		return tm__error(TM_EINVAL, "the base path must start with "
		    "'/' and hold no '?' or '%%'");
	if (!(srv = tm__calloc(1, sizeof(*srv))))
		return tm__error_nomem();
	srv->opts = *opts;
	pthread_mutex_init(&srv->wlock, NULL);
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->idle, NULL);
	pthread_cond_init(&srv->poke, NULL);
	if (pthread_key_create(&srv->key, worker_free) != 0) {
		free(srv);
		return tm__error_nomem();
	}
	srv->db_path = dup_or_null(opts->db_path, &error);
	srv->mt_config = dup_or_null(opts->mt_config, &error);
	srv->mt_provider = dup_or_null(opts->mt_provider, &error);
	if (!error && opts->base_path && *opts->base_path) {
		size_t n = strlen(opts->base_path);

		srv->base = tm__strndup(opts->base_path, n);
		while (srv->base && n > 1 && srv->base[n - 1] == '/')
			srv->base[--n] = '\0';
		if (!srv->base)
			error = tm__error_nomem();
		else if (strcmp(srv->base, "/") == 0)
			srv->base[0] = '\0';
	}
	if (error)
		goto done;
	srv->opts.db_path = srv->db_path;
	srv->opts.mt_config = srv->mt_config;
	srv->opts.mt_provider = srv->mt_provider;
	srv->opts.base_path = srv->base;
	if (!srv->opts.max_body)
		srv->opts.max_body = (uint64_t)1 << 30;
	if (!srv->opts.max_connections)
		srv->opts.max_connections = 10000;
	if (!srv->opts.timeout)
		srv->opts.timeout = 30;
	if (!srv->opts.threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		srv->opts.threads = n > 0 && n < 256 ? (unsigned)n : 2;
	}
	if ((error = parse_listen(opts->listen ? opts->listen :
	    "127.0.0.1:8765", &ss, &sslen, &srv->loopback)) < 0)
		goto done;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	/* The memory must exist and open; its tokens decide the address. */
	if ((error = tm_db_open(&db, srv->db_path, TM_DB_READONLY)) < 0) {
		if (error == TM_ENOTFOUND)
			tm__error(TM_ENOTFOUND, "no memory at '%s'",
			    srv->db_path);
		goto done;
	}
	error = tm_token_count(&ntokens, db);
	tm_db_close(db);
	if (error < 0)
		goto done;
	if (!srv->loopback && !ntokens && !(opts->flags & TM_SERVE_INSECURE)) {
		error = tm__error(TM_EINVAL, "refusing to listen on '%s' "
		    "beyond this machine while the memory has no token: add "
		    "one with 'tm token add NAME --role write', or give "
		    "--insecure", opts->listen);
		goto done;
	}
	if (opts->mt_provider) {
		char *path = NULL;

		if (!opts->mt_config && (error =
		    tm_mt_config_default_path(&path)) < 0)
			goto done;
		error = tm_mt_config_load(&srv->mtcfg, opts->mt_config ?
		    opts->mt_config : path);
		tm_free(path);
		if (error < 0)
			goto done;
	}
	if (opts->tls_cert) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			error = tm__error(TM_EINVAL, "this libmicrohttpd has "
			    "no HTTPS");
			goto done;
		}
		if ((error = read_pem(opts->tls_cert, &srv->cert)) < 0 ||
		    (error = read_pem(opts->tls_key, &srv->tlskey)) < 0)
			goto done;
		flags |= MHD_USE_TLS;
	}
	{
		struct MHD_OptionItem tls[] = {
			{ MHD_OPTION_HTTPS_MEM_CERT, 0, srv->cert },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tlskey },
			{ MHD_OPTION_END, 0, NULL }
		};

		srv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request,
		    srv,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		    MHD_OPTION_THREAD_POOL_SIZE, srv->opts.threads,
		    MHD_OPTION_CONNECTION_LIMIT, srv->opts.max_connections,
		    MHD_OPTION_CONNECTION_TIMEOUT, srv->opts.timeout,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		    MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, srv,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
		    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024,
		    MHD_OPTION_ARRAY, opts->tls_cert ? tls : tls + 2,
		    MHD_OPTION_END);
	}
	if (!srv->d) {
		error = tm__error(TM_EIO, "cannot listen on '%s': %s",
		    opts->listen ? opts->listen : "127.0.0.1:8765",
		    tm__strerror(errno ? errno : EADDRINUSE));
		goto done;
	}
	info = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	if (!(opts->flags & TM_SERVE_READ_ONLY)) {
		srv->index_wanted = true;	/* a first look at the start */
		srv->have_indexer = pthread_create(&srv->indexer, NULL,
		    indexer_main, srv) == 0;
	}
done:
	if (error) {
		srv_free(srv);
		return error;
	}
	*out = (tm_server *)srv;
	return 0;
}

unsigned
tm_server_port(const tm_server *s)
{
	return s ? ((const struct tm__srv *)s)->port : 0;
}

void
tm_server_stop(tm_server *s, double grace)
{
	struct tm__srv *srv = (struct tm__srv *)s;
	struct timespec until;
	MHD_socket fd;

	if (!srv)
		return;
	fd = MHD_quiesce_daemon(srv->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)grace;
	until.tv_nsec += (long)((grace - (double)(time_t)grace) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&srv->lock);
	while (srv->active > 0 &&
	    pthread_cond_timedwait(&srv->idle, &srv->lock, &until) == 0)
		;
	pthread_mutex_unlock(&srv->lock);
	MHD_stop_daemon(srv->d);
	/* Jobs (imports, exports) end once their connection is gone. */
	pthread_mutex_lock(&srv->lock);
	while (srv->active > 0)
		pthread_cond_wait(&srv->idle, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	srv_free(srv);
}

static const char *route_lines[64];
static char route_buf[64][160];

static void
make_route_lines(void)
{
	size_t i;

	for (i = 0; i < tm__nroutes && i + 1 < TM__ARRAY_SIZE(route_lines);
	    i++) {
		snprintf(route_buf[i], sizeof(route_buf[i]), "%-6s /%-30s %s",
		    tm__routes[i].method, tm__routes[i].path,
		    _(tm__routes[i].help));
		route_lines[i] = route_buf[i];
	}
	route_lines[i] = NULL;
}

const char *const *
tm_server_routes(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_route_lines);
	return route_lines;
}
