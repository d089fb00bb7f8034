/*
 * serve.h: what the server's core (server.c) and its routes (routes.c)
 * share.  The core owns the daemon, the worker threads' database
 * handles, access control, limits and the access log; a route reads a
 * parsed request and answers through the helpers below.
 */
#ifndef TM_SERVE_H
#define TM_SERVE_H

#include "tm-int.h"
#include "i18n.h"

#include <pthread.h>

#include <jansson.h>

/* Bodies that are read whole (JSON, forms, documents) stop here. */
#define TM__SERVE_MAX_DOC ((size_t)32 << 20)
/* Query texts (lookup, concordance, tmserver, /translate) stop here. */
#define TM__SERVE_MAX_QUERY 10000

enum route_access {
	ROUTE_OPEN = 0,		/* anyone: the page, /healthz */
	ROUTE_READ = 1,
	ROUTE_WRITE = 2,
	/*
	 * Reads whose token may come in the body as api_key (a form or
	 * JSON, as LibreTranslate clients send it): checked once the body
	 * is in.
	 */
	ROUTE_READ_KEY_IN_BODY = 3
};

enum route_body {
	BODY_NONE = 0,		/* no body expected */
	BODY_WHOLE = 1,		/* read into memory (up to TM__SERVE_MAX_DOC) */
	BODY_STREAM = 2		/* handed to the route chunk by chunk */
};

struct tm__req;
struct tm__srv;

struct tm__route {
	const char *method;
	/*
	 * The path under the base path; "*" matches one segment and "**"
	 * the rest (each segment percent-decoded into req->seg[]).
	 */
	const char *path;
	int (*handler)(struct tm__req *req);
	int access;		/* enum route_access */
	int body;		/* enum route_body */
	const char *help;	/* for --help, translated when shown */
};

/* A query-string or form parameter, decoded. */
struct tm__param {
	char *name, *value;
};

/* A streamed body: called with each chunk, then once with len 0. */
typedef int (*tm__stream_fn)(struct tm__req *req, const char *data,
    size_t len);

struct tm__req {
	struct tm__srv *srv;
	tm_db *db;		/* the worker thread's handle */
	const struct tm__route *route;
	const char *method;
	char *uri;		/* as received, query included */
	char *seg[8];		/* decoded segments matched by * and ** */
	size_t nseg;
	struct tm__param *params;	/* query string, then a form body */
	size_t nparams, pcap;
	const char *content_type;
	struct tm__buf body;	/* BODY_WHOLE */
	uint64_t body_len;	/* bytes received so far */
	bool body_too_big;
	bool form_parsed;	/* a form body's fields are in params */
	int role;		/* enum tm_role of the caller's token */
	/* BODY_STREAM: the route's state and chunk handler. */
	void *state;
	tm__stream_fn stream;
	void (*state_free)(struct tm__req *req);
	/* The answer. */
	void *conn;		/* struct MHD_Connection */
	bool answered;
	const char *csp;	/* a Content-Security-Policy, or NULL */
	unsigned status;
	uint64_t bytes;
	double t0;
};

/* Answer with JSON text (owned by the caller), or an object (taken). */
int tm__serve_json_text(struct tm__req *req, unsigned status,
    const char *text);
int tm__serve_json(struct tm__req *req, unsigned status, json_t *obj);
/* {"error": {"code": code, "message": ...}} with `status`. */
int tm__serve_error(struct tm__req *req, unsigned status, const char *code,
    const char *fmt, ...) TM__PRINTF(4, 5);
/* The answer for the library's last error (its code picks the status). */
int tm__serve_tm_error(struct tm__req *req);
/* Any body: `data` is copied. */
int tm__serve_data(struct tm__req *req, unsigned status, const char *type,
    const void *data, size_t len);
/*
 * Stream the answer from `fd` (read until end of file, then closed);
 * `done` runs when the answer ends or the client went away.
 */
int tm__serve_fd(struct tm__req *req, unsigned status, const char *type,
    const char *disposition, int fd, void (*done)(void *payload),
    void *payload);

/* Add the parameters of a query string or form "a=b&c=d"; <0 if bad. */
int tm__req_parse_params(struct tm__req *req, const char *s, size_t len);
/* A parameter's value, or NULL. */
const char *tm__req_param(const struct tm__req *req, const char *name);
/* Percent-decode s[0..len) ('+' is a space when `plus`); NULL on bad %. */
char *tm__pct_decode(const char *s, size_t len, bool plus);

/* Server state the routes may read. */
const tm_serve_options *tm__srv_opts(const struct tm__srv *srv);
/* Writes one at a time, process-wide. */
void tm__srv_write_lock(struct tm__srv *srv);
void tm__srv_write_unlock(struct tm__srv *srv);
/* The machine-translation handle of this thread, or NULL (none set). */
int tm__srv_mt(struct tm__srv *srv, tm_mt **out);
/* Open a new handle of the memory, e.g. for an import or export thread. */
int tm__srv_open(struct tm__srv *srv, tm_db **out, bool writable);
/* The languages stored, cached for a while (a JSON array of strings). */
json_t *tm__srv_languages(struct tm__srv *srv, tm_db *db);
void tm__srv_languages_stale(struct tm__srv *srv);
/*
 * A lookup found units past the index: the indexer thread catches the
 * index up (writes, so never on a request's thread).
 */
void tm__srv_index_poke(struct tm__srv *srv);
/* Threads that long work runs on are counted, so that stop waits. */
void tm__srv_job_begin(struct tm__srv *srv);
void tm__srv_job_end(struct tm__srv *srv);

/* routes.c */
extern const struct tm__route tm__routes[];
extern const size_t tm__nroutes;

/* page.c (made from page.html at build time) */
extern const char tm__page_html[];
extern const size_t tm__page_html_len;

#endif /* TM_SERVE_H */
