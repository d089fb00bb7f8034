/*
 * routes.c: what tm serve answers, one handler per route, the table at
 * the end (the source of `tm serve --help` and of the README's list).
 *
 * A handler reads the request's parameters into the option struct the
 * program fills for the same command, calls the library and answers
 * with the library's JSON: the server adds no logic of its own.  Three
 * families: the JSON API (/api/v1/...), the tmserver API that Weblate
 * and Virtaal speak ({source}/{target}/unit/{text}, languages/), and
 * LibreTranslate's (/translate, /languages).
 */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <unicode/uloc.h>

/*
 * Helpers
 * =======
 */

/* A whole-number parameter from lo to hi: 0, or answered (1). */
static int
param_num(struct tm__req *req, const char *name, long lo, long hi,
    long *out)
{
	const char *s = tm__req_param(req, name);
	char *end;
	long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		tm__serve_error(req, 400, "invalid", "'%s' takes a number from "
		    "%ld to %ld, not '%.40s'", name, lo, hi, s);
		return 1;
	}
	*out = v;
	return 0;
}

/* A required text parameter: it, or NULL once answered. */
static const char *
param_text(struct tm__req *req, const char *name)
{
	const char *s = tm__req_param(req, name);

	if (!s || !*s) {
		tm__serve_error(req, 400, "invalid", "'%s' is required", name);
		return NULL;
	}
	if (strlen(s) > TM__SERVE_MAX_QUERY) {
		tm__serve_error(req, 414, "too_long", "'%s' is over %d bytes",
		    name, TM__SERVE_MAX_QUERY);
		return NULL;
	}
	return s;
}

/* The body as a JSON object, or NULL once answered. */
static json_t *
body_json(struct tm__req *req)
{
	json_error_t je;
	json_t *j;

	if (!req->body.len) {
		tm__serve_error(req, 400, "invalid_json", "the body is empty; "
		    "a JSON object is expected");
		return NULL;
	}
	j = json_loadb(req->body.ptr, req->body.len, JSON_REJECT_DUPLICATES,
	    &je);
	if (!j) {
		tm__serve_error(req, 400, "invalid_json", "line %d, column %d: "
		    "%s", je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		tm__serve_error(req, 400, "invalid_json", "a JSON object is "
		    "expected");
		return NULL;
	}
	return j;
}

/* A string member, or NULL (absent or null); *bad when not a string. */
static const char *
member_str(json_t *obj, const char *name, bool *bad)
{
	json_t *v = json_object_get(obj, name);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

static bool
is_form(const struct tm__req *req)
{
	return req->content_type && strncasecmp(req->content_type,
	    "application/x-www-form-urlencoded", 33) == 0;
}

static bool
is_json(const struct tm__req *req)
{
	return req->content_type && strncasecmp(req->content_type,
	    "application/json", 16) == 0;
}

/* A temporary folder for documents; `dir` gets its path. */
static int
temp_dir(char dir[256])
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, 256, "%s/tm-serve-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return tm__error(TM_EIO, "cannot make a temporary folder: %s",
		    tm__strerror(errno));
	return 0;
}

static int
write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return tm__error(TM_EIO, "cannot write a temporary file: %s",
		    tm__strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return tm__error(TM_EIO, "cannot write a temporary "
			    "file: %s", tm__strerror(errno));
		}
		done += (size_t)n;
	}
	return close(fd) == 0 ? 0 : tm__error(TM_EIO, "cannot write a "
	    "temporary file: %s", tm__strerror(errno));
}

/* A pipe whose ends are not inherited by programs tm may start. */
static int
make_pipe(int fds[2])
{
	if (pipe(fds) < 0)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* A document's name as given (?name=), reduced to a safe file name. */
static void
safe_name(char out[128], const char *name, const char *fallback)
{
	const char *base = name && *name ? name : fallback;
	const char *slash = strrchr(base, '/');
	size_t i, n = 0;

	if (slash && slash[1])
		base = slash + 1;
	for (i = 0; base[i] && n + 1 < 128; i++) {
		unsigned char c = (unsigned char)base[i];

		out[n++] = (c == '/' || c == '\\' || c < ' ' || c == 0x7f) ?
		    '_' : (char)c;
	}
	out[n] = '\0';
	if (!n || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		snprintf(out, 128, "%s", fallback);
}

/* Answer 200 with the library's JSON `doc`, which this frees. */
static int
answer_doc(struct tm__req *req, char *doc)
{
	int error = tm__serve_json_text(req, 200, doc);

	tm_free(doc);
	return error;
}

/*
 * The page and health
 * ===================
 */

static int
route_page(struct tm__req *req)
{
	/* The page talks to this server only; nothing else loads. */
	req->csp = "default-src 'none'; script-src 'unsafe-inline'; "
	    "style-src 'unsafe-inline'; img-src 'self' data: blob:; "
	    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'";
	return tm__serve_data(req, 200, "text/html; charset=utf-8",
	    tm__page_html, tm__page_html_len);
}

static int
route_healthz(struct tm__req *req)
{
	return tm__serve_json(req, 200, json_pack("{s:s, s:s}", "status",
	    "ok", "version", tm_version()));
}

/*
 * Lookup, concordance, glossary, units
 * ====================================
 */

static int
lookup_opts(struct tm__req *req, tm_lookup_options *lo)
{
	long v;

	lo->from = tm__req_param(req, "from");
	lo->to = tm__req_param(req, "to");
	if (!lo->from || !*lo->from || !lo->to || !*lo->to) {
		tm__serve_error(req, 400, "invalid", "'from' and 'to' are "
		    "required");
		return 1;
	}
	v = lo->min;
	if (param_num(req, "min", 0, 101, &v))
		return 1;
	lo->min = (int)v;
	v = (long)lo->limit;
	if (param_num(req, "limit", 1, 1000, &v))
		return 1;
	lo->limit = (size_t)v;
	lo->context_before = tm__req_param(req, "before");
	lo->context_after = tm__req_param(req, "after");
	return 0;
}

static int
route_lookup(struct tm__req *req)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	const char *q;
	char *doc = NULL;
	int error;

	if (!(q = param_text(req, "q")) || lookup_opts(req, &lo))
		return 0;
	if ((error = tm_lookup(&m, req->db, q, &lo)) < 0 ||
	    (error = tm_matches_json(&doc, q, m)) < 0) {
		tm_matches_free(m);
		return error;
	}
	if (tm_matches_unindexed(m))
		tm__srv_index_poke(req->srv);
	tm_matches_free(m);
	return answer_doc(req, doc);
}

/* POST: {"from", "to", "min", "limit", "queries": [TEXT | {"text",
 * "before", "after"}]} answered with {"results": [tm_matches_json]}. */
static int
route_lookup_batch(struct tm__req *req)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	json_t *in, *qs, *res = NULL, *arr;
	bool bad = false;
	size_t i;
	int error = 0;

	if (!(in = body_json(req)))
		return 0;
	lo.from = member_str(in, "from", &bad);
	lo.to = member_str(in, "to", &bad);
	qs = json_object_get(in, "queries");
	if (bad || !lo.from || !lo.to || !json_is_array(qs)) {
		json_decref(in);
		return tm__serve_error(req, 400, "invalid", "want {\"from\": "
		    "LANG, \"to\": LANG, \"queries\": [TEXT, ...]}");
	}
	if (json_object_get(in, "min")) {
		json_int_t v = json_integer_value(json_object_get(in, "min"));

		if (!json_is_integer(json_object_get(in, "min")) || v < 0 ||
		    v > 101) {
			json_decref(in);
			return tm__serve_error(req, 400, "invalid", "'min' "
			    "takes a number from 0 to 101");
		}
		lo.min = (int)v;
	}
	if (json_object_get(in, "limit")) {
		json_int_t v = json_integer_value(json_object_get(in,
		    "limit"));

		if (!json_is_integer(json_object_get(in, "limit")) || v < 1 ||
		    v > 1000) {
			json_decref(in);
			return tm__serve_error(req, 400, "invalid", "'limit' "
			    "takes a number from 1 to 1000");
		}
		lo.limit = (size_t)v;
	}
	if (json_array_size(qs) > 10000) {
		json_decref(in);
		return tm__serve_error(req, 413, "too_large", "at most 10000 "
		    "queries a request");
	}
	if (!(res = json_pack("{s:[]}", "results"))) {
		json_decref(in);
		return tm__error_nomem();
	}
	arr = json_object_get(res, "results");
	for (i = 0; i < json_array_size(qs) && !error; i++) {
		json_t *q = json_array_get(qs, i), *one;
		tm_lookup_options o = lo;
		const char *text = NULL;
		tm_matches *m = NULL;
		char *doc = NULL;

		if (json_is_string(q)) {
			text = json_string_value(q);
		} else if (json_is_object(q)) {
			text = member_str(q, "text", &bad);
			o.context_before = member_str(q, "before", &bad);
			o.context_after = member_str(q, "after", &bad);
		}
		if (bad || !text || !*text) {
			json_decref(in);
			json_decref(res);
			return tm__serve_error(req, 400, "invalid", "query %zu "
			    "is not a text or {\"text\": ...}", i + 1);
		}
		if ((error = tm_lookup(&m, req->db, text, &o)) < 0 ||
		    (error = tm_matches_json(&doc, text, m)) < 0) {
			tm_matches_free(m);
			break;
		}
		if (tm_matches_unindexed(m))
			tm__srv_index_poke(req->srv);
		tm_matches_free(m);
		one = json_loads(doc, 0, NULL);
		tm_free(doc);
		if (!one || json_array_append_new(arr, one) < 0)
			error = tm__error_nomem();
	}
	json_decref(in);
	if (error) {
		json_decref(res);
		return error;
	}
	return tm__serve_json(req, 200, res);
}

static int
route_concordance(struct tm__req *req)
{
	tm_concordance_options co = TM_CONCORDANCE_OPTIONS_INIT;
	const char *q, *in;
	tm_hits *h = NULL;
	char *doc = NULL;
	long v = (long)co.limit;
	int error;

	if (!(q = param_text(req, "q")) ||
	    param_num(req, "limit", 1, 1000, &v))
		return 0;
	co.limit = (size_t)v;
	co.lang = tm__req_param(req, "lang");
	if (co.lang && !*co.lang)
		co.lang = NULL;
	if ((in = tm__req_param(req, "in")) != NULL && *in) {
		if (strcmp(in, "source") == 0)
			co.in = TM_IN_SOURCE;
		else if (strcmp(in, "target") == 0)
			co.in = TM_IN_TARGET;
		else if (strcmp(in, "both") == 0)
			co.in = TM_IN_BOTH;
		else
			return tm__serve_error(req, 400, "invalid", "'in' is "
			    "source, target or both");
	}
	if ((error = tm_concordance(&h, req->db, q, &co)) < 0 ||
	    (error = tm_hits_json(&doc, q, h)) < 0) {
		tm_hits_free(h);
		return error;
	}
	if (tm_hits_unindexed(h))
		tm__srv_index_poke(req->srv);
	tm_hits_free(h);
	return answer_doc(req, doc);
}

static int
route_glossary(struct tm__req *req)
{
	const char *q, *from, *to;
	tm_term_hits *h = NULL;
	char *doc = NULL;
	int error;

	if (!(q = param_text(req, "q")))
		return 0;
	from = tm__req_param(req, "from");
	to = tm__req_param(req, "to");
	if ((error = tm_glossary_find(&h, req->db, q, from && *from ? from :
	    NULL, to && *to ? to : NULL)) < 0 ||
	    (error = tm_term_hits_json(&doc, q, h)) < 0) {
		tm_term_hits_free(h);
		return error;
	}
	tm_term_hits_free(h);
	return answer_doc(req, doc);
}

static int
route_history(struct tm__req *req)
{
	const char *q = tm__req_param(req, "q"), *from;
	tm_history *h = NULL;
	char *doc = NULL;
	int error;

	from = tm__req_param(req, "from");
	if ((error = tm_history_get(&h, req->db, q && *q ? q : NULL,
	    from && *from ? from : NULL)) < 0 ||
	    (error = tm_history_json(&doc, h)) < 0) {
		tm_history_free(h);
		return error;
	}
	tm_history_free(h);
	return answer_doc(req, doc);
}

static int
route_stats(struct tm__req *req)
{
	tm_stats *st = NULL;
	char *doc = NULL;
	int error;

	if ((error = tm_stats_get(&st, req->db)) < 0 ||
	    (error = tm_stats_json(&doc, st)) < 0) {
		tm_stats_free(st);
		return error;
	}
	tm_stats_free(st);
	return answer_doc(req, doc);
}

static int
unit_id(struct tm__req *req, int64_t *out)
{
	const char *s = req->seg[0];
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0) {
		tm__serve_error(req, 400, "invalid", "a unit id is a positive "
		    "number");
		return 1;
	}
	*out = v;
	return 0;
}

static int
route_unit_get(struct tm__req *req)
{
	char *doc = NULL;
	int64_t id;
	int error;

	if (unit_id(req, &id))
		return 0;
	if ((error = tm_unit_json(&doc, req->db, id)) < 0)
		return error;
	return answer_doc(req, doc);
}

static int
route_unit_delete(struct tm__req *req)
{
	int64_t id;
	int error;

	if (unit_id(req, &id))
		return 0;
	tm__srv_write_lock(req->srv);
	error = tm_unit_delete(req->db, id);
	tm__srv_write_unlock(req->srv);
	if (error < 0)
		return error;
	tm__srv_languages_stale(req->srv);
	return tm__serve_json(req, 200, json_pack("{s:I}", "deleted",
	    (json_int_t)id));
}

/* POST {"source", "target", "from", "to", "author", "context_before",
 * "context_after"}: stored as a reviewed target is. */
static int
route_translation(struct tm__req *req)
{
	static const char *const actions[] = { "unchanged", "added",
	    "updated" };
	tm_translation t = TM_TRANSLATION_INIT;
	json_t *in;
	bool bad = false;
	int64_t id = 0;
	int action = 0, error;

	if (!(in = body_json(req)))
		return 0;
	t.source = member_str(in, "source", &bad);
	t.target = member_str(in, "target", &bad);
	t.from = member_str(in, "from", &bad);
	t.to = member_str(in, "to", &bad);
	t.author = member_str(in, "author", &bad);
	t.context_before = member_str(in, "context_before", &bad);
	t.context_after = member_str(in, "context_after", &bad);
	if (bad) {
		json_decref(in);
		return tm__serve_error(req, 400, "invalid", "every field is a "
		    "string");
	}
	tm__srv_write_lock(req->srv);
	error = tm_translation_put(&id, &action, req->db, &t);
	tm__srv_write_unlock(req->srv);
	json_decref(in);
	if (error < 0)
		return error;
	tm__srv_languages_stale(req->srv);
	return tm__serve_json(req, action == TM_TRANSLATION_ADDED ? 201 : 200,
	    json_pack("{s:I, s:s}", "unit_id", (json_int_t)id, "action",
	    actions[action]));
}

/*
 * Import: the body streamed into the importer
 * ===========================================
 *
 * The importer runs on a thread of its own and reads a pipe; each chunk
 * of the body is written into it as it arrives.  When the client goes
 * away (or the server stops) the pipe ends early, the TMX is cut off,
 * and the import rolls back: nothing of it lands.
 */

struct import_job {
	struct tm__srv *srv;
	int rfd, wfd;
	pthread_t th;
	bool started, ended;
	tm_import_options io;
	tm_import_result res;
	int error;
	tm_error err;
	char *msg;
	char name[128];
};

static void *
import_main(void *p)
{
	struct import_job *j = p;
	tm_db *db = NULL;

	if ((j->error = tm__srv_open(j->srv, &db, true)) == 0) {
		tm__srv_write_lock(j->srv);
		j->error = tm_import_tmx_fd(&j->res, db, j->rfd, &j->io);
		tm__srv_write_unlock(j->srv);
	}
	if (j->error) {
		const tm_error *e = tm_error_last();

		j->msg = tm__strdup(e && e->message ? tm__error_neutral(e) :
		    "failed");
		j->err.code = j->error;
		j->err.message = j->msg;
	}
	tm_db_close(db);
	tm_error_clear();
	/* Whatever the client still sends finds the pipe closed. */
	close(j->rfd);
	j->rfd = -1;
	return NULL;
}

static void
import_close_input(struct import_job *j)
{
	if (j->wfd >= 0) {
		close(j->wfd);
		j->wfd = -1;
	}
}

static void
import_wait(struct import_job *j)
{
	import_close_input(j);
	if (j->started) {
		pthread_join(j->th, NULL);
		j->started = false;
		tm__srv_job_end(j->srv);
	}
}

static void
import_free(struct tm__req *req)
{
	struct import_job *j = req->state;

	if (!j)
		return;
	import_wait(j);
	if (j->rfd >= 0)
		close(j->rfd);
	free(j->msg);
	free(j);
	req->state = NULL;
}

static int
import_chunk(struct tm__req *req, const char *data, size_t len)
{
	struct import_job *j = req->state;
	size_t done = 0;

	if (!data) {
		/* Cut short: the importer sees the end of a truncated file. */
		import_wait(j);
		return 0;
	}
	while (done < len && !j->ended) {
		ssize_t n = write(j->wfd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			j->ended = true;	/* the importer stopped early */
			break;
		}
		done += (size_t)n;
	}
	return 0;
}

static int
route_import(struct tm__req *req)
{
	struct import_job *j = req->state;
	const char *dup;
	char *doc = NULL;
	int fds[2], error;

	if (j) {
		/* The body is in: wait for the import and answer. */
		import_wait(j);
		tm__srv_languages_stale(req->srv);
		if ((error = tm_import_result_json(&doc, j->name, &j->res,
		    j->error ? &j->err : NULL)) < 0)
			return error;
		error = tm__serve_json_text(req, j->error == 0 ? 200 :
		    j->error == TM_EPARSE || j->error == TM_EUTF8 ||
		    j->error == TM_EINVAL ? 400 : j->error == TM_EDB ? 503 :
		    500, doc);
		tm_free(doc);
		return error;
	}
	if (!(j = tm__calloc(1, sizeof(*j))))
		return tm__error_nomem();
	j->srv = req->srv;
	j->rfd = j->wfd = -1;
	req->state = j;
	req->state_free = import_free;
	j->io = (tm_import_options)TM_IMPORT_OPTIONS_INIT;
	safe_name(j->name, tm__req_param(req, "name"), "upload.tmx");
	j->io.name = j->name;
	if ((dup = tm__req_param(req, "duplicates")) != NULL && *dup) {
		if (strcmp(dup, "skip") == 0)
			j->io.duplicates = TM_DUP_SKIP;
		else if (strcmp(dup, "keep") == 0)
			j->io.duplicates = TM_DUP_KEEP;
		else if (strcmp(dup, "update") == 0)
			j->io.duplicates = TM_DUP_UPDATE;
		else
			return tm__serve_error(req, 400, "invalid",
			    "'duplicates' is skip, keep or update");
	}
	if ((dup = tm__req_param(req, "skip_invalid")) != NULL &&
	    strcmp(dup, "1") == 0)
		j->io.flags |= TM_IMPORT_SKIP_INVALID;
	if (make_pipe(fds) < 0)
		return tm__error(TM_EIO, "cannot make a pipe: %s",
		    tm__strerror(errno));
	j->rfd = fds[0];
	j->wfd = fds[1];
	tm__srv_job_begin(req->srv);
	if (pthread_create(&j->th, NULL, import_main, j) != 0) {
		tm__srv_job_end(req->srv);
		return tm__error(TM_ERROR, "cannot start the import");
	}
	j->started = true;
	req->stream = import_chunk;
	return 0;
}

/*
 * Export: the TMX streamed out of a thread of its own
 * ===================================================
 */

struct export_job {
	struct tm__srv *srv;
	int rfd, wfd;
	pthread_t th;
	tm_export_options eo;
	char *langs, *since;
	int error;
	char *msg;
	pthread_mutex_t lock;
	bool finished;
};

static void *
export_main(void *p)
{
	struct export_job *j = p;
	tm_db *db = NULL;
	sigset_t pipe_set;

	/* A client that goes away makes the write fail, not the process. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	if ((j->error = tm__srv_open(j->srv, &db, false)) == 0)
		j->error = tm_export_tmx_fd(NULL, db, j->wfd, &j->eo);
	if (j->error) {
		const tm_error *e = tm_error_last();

		j->msg = tm__strdup(e && e->message ? tm__error_neutral(e) :
		    "failed");
	}
	tm_db_close(db);
	tm_error_clear();
	pthread_mutex_lock(&j->lock);
	j->finished = true;
	pthread_mutex_unlock(&j->lock);
	close(j->wfd);
	return NULL;
}

static void
export_done(void *p)
{
	struct export_job *j = p;

	pthread_join(j->th, NULL);
	tm__srv_job_end(j->srv);
	pthread_mutex_destroy(&j->lock);
	free(j->langs);
	free(j->since);
	free(j->msg);
	free(j);
}

static int
route_export(struct tm__req *req)
{
	struct export_job *j = tm__calloc(1, sizeof(*j));
	struct pollfd pfd;
	const char *langs = tm__req_param(req, "langs");
	const char *since = tm__req_param(req, "changed_since");
	int fds[2], error = 0;
	bool failed;

	if (!j)
		return tm__error_nomem();
	j->srv = req->srv;
	j->eo = (tm_export_options)TM_EXPORT_OPTIONS_INIT;
	pthread_mutex_init(&j->lock, NULL);
	if ((langs && *langs && !(j->langs = tm__strdup(langs))) ||
	    (since && *since && !(j->since = tm__strdup(since)))) {
		free(j->langs);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return tm__error_nomem();
	}
	j->eo.langs = j->langs;
	j->eo.changed_since = j->since;
	if (make_pipe(fds) < 0) {
		free(j->langs);
		free(j->since);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return tm__error(TM_EIO, "cannot make a pipe: %s",
		    tm__strerror(errno));
	}
	j->rfd = fds[0];
	j->wfd = fds[1];
	tm__srv_job_begin(req->srv);
	if (pthread_create(&j->th, NULL, export_main, j) != 0) {
		close(fds[0]);
		close(fds[1]);
		tm__srv_job_end(req->srv);
		free(j->langs);
		free(j->since);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return tm__error(TM_ERROR, "cannot start the export");
	}
	/*
	 * Wait for the first bytes, or the end: a bad language list or
	 * date fails before anything is written, and deserves a 400.
	 */
	pfd.fd = j->rfd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&j->lock);
	failed = j->finished && j->error;
	pthread_mutex_unlock(&j->lock);
	if (failed) {
		char buf[1];

		if (read(j->rfd, buf, 1) == 0) {
			unsigned status = j->error == TM_EINVAL ? 400 : 500;

			error = tm__serve_error(req, status, status == 400 ?
			    "invalid" : "io", "%s", j->msg ? j->msg :
			    "export failed");
			close(j->rfd);
			export_done(j);
			return error;
		}
	}
	return tm__serve_fd(req, 200, "application/x-tmx+xml; charset=utf-8",
	    "attachment; filename=\"tm-export.tmx\"", j->rfd, export_done, j);
}

/*
 * Check and pre-translation: documents in a temporary folder
 * ==========================================================
 */

/*
 * The last error's answer, its message without the temporary folder
 * (a message names the document by its path there): the client sees
 * the name it gave.
 */
static int
scrubbed_error(const char *dir)
{
	const tm_error *e = tm_error_last();
	struct tm__buf b = { 0 };
	size_t dl = strlen(dir);
	const char *m, *hit;
	int error;

	if (!e || !e->message || !strstr(tm__error_neutral(e), dir))
		return e ? e->code : TM_ERROR;
	for (m = tm__error_neutral(e); (hit = strstr(m, dir)) != NULL;
	    m = hit + dl + (hit[dl] == '/'))
		tm__buf_add(&b, m, (size_t)(hit - m));
	tm__buf_adds(&b, m);
	error = e->code;
	tm__error(error, "%s", b.ptr ? b.ptr : "failed");
	tm__buf_release(&b);
	return error;
}

static int
route_check(struct tm__req *req)
{
	char dir[256], path[400], name[128];
	tm_xliff *x = NULL;
	char *doc = NULL;
	size_t n = 0;
	int error;

	if (!req->body.len)
		return tm__serve_error(req, 400, "invalid", "the body is empty; "
		    "an XLIFF file is expected");
	safe_name(name, tm__req_param(req, "name"), "check.xlf");
	if ((error = temp_dir(dir)) < 0)
		return error;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((error = write_file(path, req->body.ptr, req->body.len)) == 0 &&
	    (error = tm_xliff_read(&x, path)) == 0)
		error = tm_xliff_check_json(&doc, &n, req->db, x, name);
	tm_xliff_free(x);
	unlink(path);
	rmdir(dir);
	if (error < 0)
		return scrubbed_error(dir);
	return answer_doc(req, doc);
}

/*
 * The file at `path` as the member `key` of obj, or, when it is not
 * text (a DOCX or ODT draft), base64 as `key`_base64.
 */
static int
slurp(const char *path, json_t *obj, const char *key)
{
	struct tm__buf b = { 0 };
	unsigned char *enc = NULL;
	char name[64];
	json_t *v;
	int error;

	if ((error = tm__buf_read_file(&b, path)) < 0 ||
	    (error = tm__buf_add(&b, "", 0)) < 0) {
		tm__buf_release(&b);
		return error;
	}
	if (tm__utf8_valid(b.ptr ? b.ptr : "", b.len) && !memchr(b.ptr ?
	    b.ptr : "", '\0', b.len)) {
		v = json_stringn(b.ptr ? b.ptr : "", b.len);
		snprintf(name, sizeof(name), "%s", key);
	} else if (b.len > INT32_MAX / 2 ||
	    !(enc = tm__malloc(b.len / 3 * 4 + 8))) {
		tm__buf_release(&b);
		return tm__error_nomem();
	} else {
		int n = EVP_EncodeBlock(enc, (const unsigned char *)b.ptr,
		    (int)b.len);

		v = json_stringn((const char *)enc, n > 0 ? (size_t)n : 0);
		snprintf(name, sizeof(name), "%s_base64", key);
	}
	error = json_object_set_new(obj, name, v) < 0 ? tm__error_nomem() : 0;
	free(enc);
	tm__buf_release(&b);
	return error;
}

static int
route_pretranslate(struct tm__req *req)
{
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	char dir[256], name[128], in[400], xlf[400], draft[400], review[400];
	char stem[128], *dot, *analysis = NULL;
	const char *fmt, *mt = tm__req_param(req, "mt");
	tm_pretranslation *p = NULL;
	json_t *res = NULL;
	long v = po.min;
	int error;

	po.from = tm__req_param(req, "from");
	po.to = tm__req_param(req, "to");
	if (!po.from || !*po.from || !po.to || !*po.to)
		return tm__serve_error(req, 400, "invalid", "'from' and 'to' "
		    "are required");
	if (param_num(req, "min", 0, 100, &v))
		return 0;
	po.min = (int)v;
	if (!req->body.len)
		return tm__serve_error(req, 400, "invalid", "the body is empty; "
		    "a document is expected");
	safe_name(name, tm__req_param(req, "name"), "bulletin.txt");
	if ((fmt = tm__req_param(req, "format")) != NULL && *fmt) {
		if (strcmp(fmt, "text") == 0 || strcmp(fmt, "txt") == 0)
			po.format = TM_FORMAT_TEXT;
		else if (strcmp(fmt, "html") == 0)
			po.format = TM_FORMAT_HTML;
		else if (strcmp(fmt, "md") == 0 || strcmp(fmt, "markdown") ==
		    0)
			po.format = TM_FORMAT_MARKDOWN;
		else if (strcmp(fmt, "docx") == 0)
			po.format = TM_FORMAT_DOCX;
		else if (strcmp(fmt, "odt") == 0)
			po.format = TM_FORMAT_ODT;
		else
			return tm__serve_error(req, 400, "invalid", "'format' "
			    "is text, html, md, docx or odt");
	}
	if (!mt || strcmp(mt, "0") != 0) {
		if ((error = tm__srv_mt(req->srv, &po.mt)) < 0)
			return error;
		po.mt_name = tm__srv_opts(req->srv)->mt_provider;
	}
	snprintf(stem, sizeof(stem), "%s", name);
	if ((dot = strrchr(stem, '.')) != NULL && dot != stem)
		*dot = '\0';
	if ((error = temp_dir(dir)) < 0)
		return error;
	snprintf(in, sizeof(in), "%s/%s", dir, name);
	snprintf(xlf, sizeof(xlf), "%s/%s.xlf", dir, stem);
	snprintf(draft, sizeof(draft), "%s/%s.draft%s", dir, stem,
	    dot ? name + (dot - stem) : ".txt");
	snprintf(review, sizeof(review), "%s/%s.review.html", dir, stem);
	if ((error = write_file(in, req->body.ptr, req->body.len)) < 0 ||
	    (error = tm_pretranslate_file(&p, req->db, in, &po)) < 0 ||
	    (error = tm_pretranslation_write_xliff(p, xlf)) < 0 ||
	    (error = tm_pretranslation_write_draft(p, draft)) < 0 ||
	    (error = tm_pretranslation_write_review(p, review)) < 0 ||
	    (error = tm_pretranslation_analysis(&analysis, p,
	    TM_ANALYSIS_JSON)) < 0)
		goto done;
	if (!(res = json_pack("{s:s, s:s, s:s, s:I}", "name", name,
	    "xliff_name", strrchr(xlf, '/') + 1, "draft_name",
	    strrchr(draft, '/') + 1, "segments",
	    (json_int_t)tm_pretranslation_count(p)))) {
		error = tm__error_nomem();
		goto done;
	}
	json_object_set_new(res, "analysis", json_loads(analysis, 0, NULL));
	if ((error = slurp(xlf, res, "xliff")) < 0 ||
	    (error = slurp(draft, res, "draft")) < 0 ||
	    (error = slurp(review, res, "review")) < 0)
		goto done;
done:
	tm_free(analysis);
	tm_pretranslation_free(p);
	unlink(in);
	unlink(xlf);
	unlink(draft);
	unlink(review);
	rmdir(dir);
	if (error < 0) {
		json_decref(res);
		return scrubbed_error(dir);
	}
	return tm__serve_json(req, 200, res);
}

/*
 * The tmserver API (Weblate, Virtaal, amaGama clients)
 * ====================================================
 */

static int
route_tmserver_unit(struct tm__req *req)
{
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	json_t *arr;
	long v;
	size_t i;
	int error;

	lo.from = req->seg[0];
	lo.to = req->seg[1];
	lo.min = 75;
	lo.limit = 10;
	if (strlen(req->seg[2]) > TM__SERVE_MAX_QUERY)
		return tm__serve_error(req, 414, "too_long", "the text is over "
		    "%d bytes", TM__SERVE_MAX_QUERY);
	v = lo.min;
	if (param_num(req, "min_similarity", 0, 100, &v))
		return 0;
	lo.min = (int)v;
	v = (long)lo.limit;
	if (param_num(req, "max_candidates", 1, 100, &v))
		return 0;
	lo.limit = (size_t)v;
	if (!*req->seg[2])
		return tm__serve_json(req, 200, json_array());
	if ((error = tm_lookup(&m, req->db, req->seg[2], &lo)) < 0)
		return error;
	if (tm_matches_unindexed(m))
		tm__srv_index_poke(req->srv);
	if (!(arr = json_array())) {
		tm_matches_free(m);
		return tm__error_nomem();
	}
	for (i = 0; i < tm_matches_count(m); i++) {
		const tm_match *x = tm_matches_get(m, i);
		double q = x->score > 100 ? 100 : x->score;

		json_array_append_new(arr, json_pack("{s:s, s:s, s:f, s:f}",
		    "source", x->source, "target", x->target, "quality", q,
		    "rank", q));
	}
	tm_matches_free(m);
	return tm__serve_json(req, 200, arr);
}

/* A stored tag in the forms clients send: as stored, zh_cn, zh. */
static void
add_forms(json_t *set, const char *tag)
{
	char low[64], base[64];
	size_t i, n = strlen(tag);

	if (n >= sizeof(low))
		return;
	for (i = 0; i <= n; i++) {
		char c = tag[i];

		low[i] = c == '-' ? '_' : (c >= 'A' && c <= 'Z') ?
		    (char)(c + 32) : c;
	}
	memcpy(base, low, n + 1);
	base[strcspn(base, "_")] = '\0';
	json_object_set_new(set, tag, json_true());
	json_object_set_new(set, low, json_true());
	json_object_set_new(set, base, json_true());
}

static int
route_tmserver_languages(struct tm__req *req)
{
	json_t *langs = tm__srv_languages(req->srv, req->db), *set, *arr, *v;
	const char *k;
	size_t i;

	if (!langs)
		return tm_error_last() ? TM_ERROR : tm__error_nomem();
	if (!(set = json_object()) || !(arr = json_array())) {
		json_decref(set);
		json_decref(langs);
		return tm__error_nomem();
	}
	for (i = 0; i < json_array_size(langs); i++)
		add_forms(set, json_string_value(json_array_get(langs, i)));
	json_decref(langs);
	json_object_foreach(set, k, v)
		json_array_append_new(arr, json_string(k));
	json_decref(set);
	return tm__serve_json(req, 200, json_pack("{s:O, s:o}",
	    "sourceLanguages", arr, "targetLanguages", arr));
}

/*
 * LibreTranslate
 * ==============
 */

/* LibreTranslate's own error shape: {"error": "message"}. */
static int
lt_error(struct tm__req *req, unsigned status, const char *msg)
{
	return tm__serve_json(req, status, json_pack("{s:s}", "error", msg));
}

/* "auto": Chinese when the text has a Han character, else English. */
static const char *
guess_lang(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;

	for (; *s; s++)
		if (s[0] >= 0xe4 && s[0] <= 0xe9)
			return "zh";
	return "en";
}

/*
 * The memory's translation of `text`, taken when it reaches the
 * threshold; else the MT provider's; else NULL (*out).  0 or an error.
 */
static int
lt_translate(struct tm__req *req, const char *text, const char *from,
    const char *to, char **out)
{
	const tm_serve_options *o = tm__srv_opts(req->srv);
	tm_lookup_options lo = TM_LOOKUP_OPTIONS_INIT;
	tm_matches *m = NULL;
	tm_mt *mt = NULL;
	int error;

	*out = NULL;
	lo.from = from;
	lo.to = to;
	lo.min = o->memory_min ? o->memory_min : 99;
	lo.limit = 1;
	if ((error = tm_lookup(&m, req->db, text, &lo)) < 0)
		return error;
	if (tm_matches_count(m)) {
		const tm_match *x = tm_matches_get(m, 0);

		if (o->memory_min ? x->score >= o->memory_min :
		    x->score >= 100 || x->numbers_replaced)
			*out = tm__strdup(x->target);
	}
	tm_matches_free(m);
	if (*out)
		return 0;
	if ((error = tm__srv_mt(req->srv, &mt)) < 0)
		return error;
	if (mt) {
		tm_mt_options mo = TM_MT_OPTIONS_INIT;
		tm_mt_results *r = NULL;
		const tm_mt_result *x;

		mo.from = from;
		mo.to = to;
		if ((error = tm_mt_translate(&r, mt, req->db, &text, 1, &mo)) <
		    0)
			return error;
		x = tm_mt_results_get(r, 0);
		if (x && x->text)
			*out = tm__strdup(x->text);
		tm_mt_results_free(r);
	}
	return 0;
}

/*
 * HTML: pre-translated as a page is (its inline elements placed in the
 * translation as the draft places them), taken when every sentence has
 * a translation from the memory at or above the threshold (99 by
 * default: exact, context, and only numbers, case or punctuation
 * differing) or from machine translation; else NULL (*out).  A
 * fragment comes back as a fragment.
 */
static int
lt_translate_html(struct tm__req *req, const char *text, const char *from,
    const char *to, char **out)
{
	const tm_serve_options *o = tm__srv_opts(req->srv);
	tm_pretranslate_options po = TM_PRETRANSLATE_OPTIONS_INIT;
	char dir[256], in[300], draft[300];
	tm_pretranslation *p = NULL;
	struct tm__buf b = { 0 };
	size_t i, n;
	int error;

	*out = NULL;
	po.from = from;
	po.to = to;
	po.min = o->memory_min ? (o->memory_min > 100 ? 100 : o->memory_min) :
	    99;
	po.format = TM_FORMAT_HTML;
	if ((error = tm__srv_mt(req->srv, &po.mt)) < 0)
		return error;
	po.mt_name = o->mt_provider;
	if ((error = temp_dir(dir)) < 0)
		return error;
	snprintf(in, sizeof(in), "%s/q.html", dir);
	snprintf(draft, sizeof(draft), "%s/q.draft.html", dir);
	if ((error = write_file(in, text, strlen(text))) == 0 &&
	    (error = tm_pretranslate_file(&p, req->db, in, &po)) == 0) {
		n = tm_pretranslation_count(p);
		for (i = 0; i < n; i++)
			if (tm_pretranslation_get(p, i)->origin ==
			    TM_ORIGIN_NONE)
				break;
		if (n && i == n &&
		    (error = tm_pretranslation_write_draft(p, draft)) == 0 &&
		    (error = tm__buf_read_file(&b, draft)) == 0 &&
		    (error = tm__buf_add(&b, "", 0)) == 0) {
			const char *body = strstr(b.ptr, "<body>");
			const char *end = strstr(b.ptr, "</body>");

			/* A fragment in, a fragment out. */
			if (!strstr(text, "<body") && !strstr(text, "<html") &&
			    body && end && end > body)
				*out = tm__strndup(body + 6, (size_t)(end -
				    body - 6));
			else
				*out = tm__strdup(b.ptr);
			if (!*out)
				error = tm__error_nomem();
		}
	}
	if (error == TM_EPARSE && !p) {
		tm_error_clear();	/* nothing to translate in it */
		error = 0;
	}
	tm__buf_release(&b);
	tm_pretranslation_free(p);
	unlink(in);
	unlink(draft);
	rmdir(dir);
	return error < 0 ? scrubbed_error(dir) : 0;
}

static int
route_translate(struct tm__req *req)
{
	json_t *in = NULL, *q = NULL, *texts, *outs = NULL;
	const char *source, *target, *format;
	bool bad = false, list, auto_src = false, html;
	size_t i, missing = 0;
	int error = 0;

	if (is_json(req)) {
		if (!(in = body_json(req)))
			return 0;
		q = json_object_get(in, "q");
		source = member_str(in, "source", &bad);
		target = member_str(in, "target", &bad);
		format = member_str(in, "format", &bad);
	} else if (is_form(req) || !req->body.len) {
		if (!req->form_parsed && tm__req_parse_params(req,
		    req->body.ptr, req->body.len) < 0)
			return lt_error(req, 400, "the form is not "
			    "percent-encoded UTF-8");
		if (tm__req_param(req, "q") &&
		    !(q = json_string(tm__req_param(req, "q"))))
			return lt_error(req, 400, "'q' is not valid UTF-8");
		source = tm__req_param(req, "source");
		target = tm__req_param(req, "target");
		format = tm__req_param(req, "format");
		in = q;
	} else {
		return lt_error(req, 415, "send the request as JSON or as an "
		    "URL-encoded form");
	}
	if (bad || !q || !source || !*source || !target || !*target) {
		json_decref(in);
		return lt_error(req, 400, "Invalid request: missing q, source "
		    "or target parameter");
	}
	if (format && strcmp(format, "text") != 0 && strcmp(format, "html"))
		bad = true;
	list = json_is_array(q);
	texts = list ? q : NULL;
	if (!list && !json_is_string(q))
		bad = true;
	for (i = 0; list && i < json_array_size(q); i++)
		if (!json_is_string(json_array_get(q, i)))
			bad = true;
	if (bad) {
		json_decref(in);
		return lt_error(req, 400, "Invalid request: q is a text or a "
		    "list of texts; format is text or html");
	}
	html = format && strcmp(format, "html") == 0;
	if (strcmp(source, "auto") == 0) {
		auto_src = true;
		source = guess_lang(list ? (json_array_size(q) ?
		    json_string_value(json_array_get(q, 0)) : "") :
		    json_string_value(q));
	}
	if (!(outs = json_array())) {
		json_decref(in);
		return tm__error_nomem();
	}
	for (i = 0; i < (list ? json_array_size(texts) : 1) && !error; i++) {
		const char *text = json_string_value(list ?
		    json_array_get(texts, i) : q);
		char *t = NULL;

		if (strlen(text) > TM__SERVE_MAX_QUERY) {
			json_decref(outs);
			json_decref(in);
			return lt_error(req, 414, "a text is too long");
		}
		if (!*text) {
			json_array_append_new(outs, json_string(""));
			continue;
		}
		if ((error = (html && strchr(text, '<') ? lt_translate_html :
		    lt_translate)(req, text, source, target, &t)) < 0)
			break;
		if (!t)
			missing++;
		json_array_append_new(outs, t ? json_string(t) : json_null());
		free(t);
	}
	if (error) {
		json_decref(outs);
		json_decref(in);
		return error;
	}
	if (missing) {
		char msg[160];

		snprintf(msg, sizeof(msg), "no translation found for %zu of "
		    "%zu text%s (the memory has none good enough%s)", missing,
		    json_array_size(outs), json_array_size(outs) == 1 ? "" :
		    "s", tm__srv_opts(req->srv)->mt_provider ? " and machine "
		    "translation gave none" : ", and no machine translation "
		    "is set up");
		json_decref(outs);
		json_decref(in);
		return lt_error(req, 404, msg);
	}
	{
		json_t *res = json_pack("{s:O}", "translatedText", list ? outs :
		    json_array_get(outs, 0));

		if (res && auto_src)
			json_object_set_new(res, "detectedLanguage", json_pack(
			    "{s:i, s:s}", "confidence", 50, "language",
			    source));
		json_decref(outs);
		json_decref(in);
		return tm__serve_json(req, 200, res);
	}
}

static int
route_lt_languages(struct tm__req *req)
{
	json_t *langs = tm__srv_languages(req->srv, req->db), *codes, *arr,
	    *v, *w;
	const char *k, *k2;
	size_t i;

	if (!langs)
		return tm_error_last() ? TM_ERROR : tm__error_nomem();
	if (!(codes = json_object()) || !(arr = json_array())) {
		json_decref(codes);
		json_decref(langs);
		return tm__error_nomem();
	}
	for (i = 0; i < json_array_size(langs); i++) {
		char base[16];
		const char *tag = json_string_value(json_array_get(langs, i));
		size_t n = strcspn(tag, "-_"), j;

		if (n == 0 || n >= sizeof(base))
			continue;
		for (j = 0; j < n; j++)
			base[j] = (char)((tag[j] >= 'A' && tag[j] <= 'Z') ?
			    tag[j] + 32 : tag[j]);
		base[n] = '\0';
		json_object_set_new(codes, base, json_true());
	}
	json_decref(langs);
	json_object_foreach(codes, k, v) {
		UChar uname[64];
		char name[128];
		UErrorCode ue = U_ZERO_ERROR;
		int32_t n = uloc_getDisplayLanguage(k, "en", uname, 64, &ue);
		json_t *targets = json_array();

		name[0] = '\0';
		if (U_SUCCESS(ue) && n > 0) {
			int32_t j, o = 0;

			/* Language names in English are ASCII or Latin-1. */
			for (j = 0; j < n && o + 3 < (int32_t)sizeof(name);
			    j++) {
				UChar c = uname[j];

				if (c < 0x80) {
					name[o++] = (char)c;
				} else if (c < 0x800) {
					name[o++] = (char)(0xc0 | c >> 6);
					name[o++] = (char)(0x80 | (c & 0x3f));
				}
			}
			name[o] = '\0';
		}
		json_object_foreach(codes, k2, w)
			if (strcmp(k, k2) != 0)
				json_array_append_new(targets, json_string(k2));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "code",
		    k, "name", *name ? name : k, "targets", targets));
	}
	json_decref(codes);
	return tm__serve_json(req, 200, arr);
}

/*
 * The table
 * =========
 */

const struct tm__route tm__routes[] = {
	{ "GET", "", route_page, ROUTE_OPEN, BODY_NONE,
	    N_("the web page") },
	{ "GET", "index.html", route_page, ROUTE_OPEN, BODY_NONE,
	    N_("the web page") },
	{ "GET", "healthz", route_healthz, ROUTE_OPEN, BODY_NONE,
	    N_("health: {\"status\": \"ok\"}") },
	{ "GET", "api/v1/lookup", route_lookup, ROUTE_READ, BODY_NONE,
	    N_("matches: ?q=&from=&to=[&min=&limit=&before=&after=]") },
	{ "POST", "api/v1/lookup", route_lookup_batch, ROUTE_READ, BODY_WHOLE,
	    N_("matches for many queries: {from, to, queries: [...]}") },
	{ "GET", "api/v1/concordance", route_concordance, ROUTE_READ,
	    BODY_NONE, N_("a term in context: ?q=[&lang=&in=&limit=]") },
	{ "GET", "api/v1/glossary", route_glossary, ROUTE_READ, BODY_NONE,
	    N_("glossary terms in a text: ?q=[&from=&to=]") },
	{ "GET", "api/v1/units/*", route_unit_get, ROUTE_READ, BODY_NONE,
	    N_("a unit by id") },
	{ "DELETE", "api/v1/units/*", route_unit_delete, ROUTE_WRITE,
	    BODY_NONE, N_("delete a unit") },
	{ "POST", "api/v1/translations", route_translation, ROUTE_WRITE,
	    BODY_WHOLE,
	    N_("add or correct: {source, target, from, to, author}") },
	{ "GET", "api/v1/history", route_history, ROUTE_READ, BODY_NONE,
	    N_("translations replaced: [?q=&from=]") },
	{ "POST", "api/v1/import", route_import, ROUTE_WRITE, BODY_STREAM,
	    N_("import the TMX body: [?name=&duplicates=&skip_invalid=1]") },
	{ "GET", "api/v1/export", route_export, ROUTE_READ, BODY_NONE,
	    N_("the memory as TMX: [?langs=&changed_since=]") },
	{ "GET", "api/v1/stats", route_stats, ROUTE_READ, BODY_NONE,
	    N_("what the memory holds") },
	{ "POST", "api/v1/check", route_check, ROUTE_READ, BODY_WHOLE,
	    N_("check the XLIFF body: findings") },
	{ "POST", "api/v1/pretranslate", route_pretranslate, ROUTE_READ,
	    BODY_WHOLE,
	    N_("pre-translate the body: ?from=&to=[&name=&format=]") },
	{ "POST", "translate", route_translate, ROUTE_READ_KEY_IN_BODY,
	    BODY_WHOLE, N_("LibreTranslate: {q, source, target[, format]}") },
	{ "GET", "languages", route_lt_languages, ROUTE_READ, BODY_NONE,
	    N_("LibreTranslate: the languages") },
	{ "POST", "languages", route_lt_languages, ROUTE_READ_KEY_IN_BODY,
	    BODY_WHOLE, N_("LibreTranslate: the languages") },
	{ "GET", "languages/", route_tmserver_languages, ROUTE_READ,
	    BODY_NONE, N_("tmserver: the languages") },
	{ "GET", "*/*/unit/**", route_tmserver_unit, ROUTE_READ, BODY_NONE,
	    N_("tmserver: matches for {source}/{target}/unit/{text}") },
};

const size_t tm__nroutes = TM__ARRAY_SIZE(tm__routes);
