/*
 * mt.c: machine translation.  Opens a provider from the config, looks
 * segments up in the cache (table mt_cache), sends the rest in batches
 * within the provider's limits over a curl multi handle (several
 * requests at once, the order kept by index), retries with exponential
 * backoff and jitter on rate limits, server errors and broken
 * connections (honouring Retry-After, with a cap), splits a batch whose
 * reply has the wrong number of segments into single requests, and
 * reports every failure against its segments with the provider's words.
 * What each provider's requests and replies look like is in
 * mt-providers.c.
 */
#include "mt.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

/* A reply larger than this is refused (a hostile or broken server). */
#define MAX_REPLY (16u << 20)
/*
 * The longest translation believed, in bytes: TEXT_SLACK plus TEXT_RATIO
 * a byte of the source.  One Chinese character (3 bytes) may become an
 * English word of a dozen letters; nothing becomes 16 times its size.
 */
#define TEXT_SLACK 256
#define TEXT_RATIO 16

/*
 * curl_global_init and curl_global_cleanup are reference counted so
 * that a program that closes its last provider leaves nothing behind
 * (valgrind) and one that opens several initialises curl once.
 * tm_global_init() holds one reference of its own (curl_pinned) until
 * tm_global_cleanup(), so that in a threaded program closing a provider
 * never runs curl_global_cleanup, which is not thread-safe.
 */
static pthread_mutex_t curl_lock = PTHREAD_MUTEX_INITIALIZER;
static long curl_users;
static bool curl_pinned;

static int
curl_acquire(void)
{
	int error = 0;

	pthread_mutex_lock(&curl_lock);
	if (curl_users == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		error = tm__error(TM_ENET, "cannot initialise libcurl");
	else
		curl_users++;
	pthread_mutex_unlock(&curl_lock);
	return error;
}

static void
curl_release(void)
{
	pthread_mutex_lock(&curl_lock);
	if (curl_users > 0 && --curl_users == 0)
		curl_global_cleanup();
	pthread_mutex_unlock(&curl_lock);
}

int
tm__curl_pin(void)
{
	int error = 0;

	pthread_mutex_lock(&curl_lock);
	if (!curl_pinned) {
		if (curl_users == 0 &&
		    curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			error = tm__error(TM_ENET, "cannot initialise libcurl");
		} else {
			curl_users++;
			curl_pinned = true;
		}
	}
	pthread_mutex_unlock(&curl_lock);
	return error;
}

void
tm__curl_unpin(void)
{
	bool held;

	pthread_mutex_lock(&curl_lock);
	held = curl_pinned;
	curl_pinned = false;
	pthread_mutex_unlock(&curl_lock);
	if (held)
		curl_release();
}

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Wipe a secret before its memory goes back to the allocator. */
static void
wipe(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = '\0';
}

void
tm__mt_redact(const tm_mt *mt, struct tm__buf *msg)
{
	const char *keys[2];
	size_t k, klen;
	char *hit;

	if (!mt || !msg->ptr)
		return;
	keys[0] = mt->key;
	keys[1] = mt->key_escaped;
	for (k = 0; k < 2; k++) {
		if (!keys[k] || !(klen = strlen(keys[k])))
			continue;
		while ((hit = strstr(msg->ptr, keys[k])) != NULL) {
			/* "***" is never longer than a key of 3+ bytes. */
			size_t pos = (size_t)(hit - msg->ptr);
			size_t rep = klen < 3 ? klen : 3;

			memset(hit, '*', rep);
			memmove(hit + rep, hit + klen, msg->len - pos - klen + 1);
			msg->len -= klen - rep;
		}
	}
}

static char *
fingerprint(const tm_mt *mt)
{
	struct tm__buf b = { 0 };

	if (tm__buf_printf(&b, "type=%s", mt->ops->type) < 0 ||
	    (mt->model && tm__buf_printf(&b, ";model=%s", mt->model) < 0) ||
	    (mt->prompt && tm__buf_printf(&b, ";prompt=%016llx",
	    (unsigned long long)tm__hash(TM__HASH_INIT, mt->prompt,
	    strlen(mt->prompt))) < 0)) {
		tm__buf_release(&b);
		return NULL;
	}
	return tm__buf_detach(&b);
}

static long
pick(long configured, long dflt)
{
	return configured >= 0 ? configured : dflt;
}

static int
dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (s && !(*out = tm__strdup(s)))
		return tm__error_nomem();
	return 0;
}

int
tm_mt_open(tm_mt **out, const tm_mt_config *cfg, const char *name)
{
	const struct tm__mt_provider *p = NULL;
	struct tm__buf esc = { 0 };
	tm_mt *mt = NULL;
	const char *key = NULL, *appid;
	size_t i;
	int error = 0;
	bool curl_held = false;

	if (!out || !cfg || !name)
		return tm__error(TM_EINVAL, "no provider");
	*out = NULL;
	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->p[i].name, name) == 0)
			p = &cfg->p[i];
	if (!p)
		return tm__error(TM_ENOTFOUND, "no provider '%s' in '%s'%s",
		    name, cfg->path, cfg->n ? "" : " (no providers "
		    "configured)");
	if (p->key_env && (key = getenv(p->key_env)) && !*key)
		key = NULL;
	if (p->ops->needs_key && !key)
		return tm__error(TM_EINVAL, "provider '%s' needs its key in "
		    "$%s, which is not set", name, p->key_env);
	if ((error = curl_acquire()) < 0)
		return error;
	curl_held = true;
	if (!(mt = tm__calloc(1, sizeof(*mt)))) {
		error = tm__error_nomem();
		goto done;
	}
	mt->ops = p->ops;
	/* Jitter differs from process to process (rand() is the caller's). */
	mt->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^
	    (unsigned)(uintptr_t)mt;
	if ((error = dup_opt(&mt->name, p->name)) < 0 ||
	    (error = dup_opt(&mt->model, p->model)) < 0 ||
	    (error = dup_opt(&mt->prompt, p->prompt)) < 0 ||
	    (error = dup_opt(&mt->region, p->region)) < 0 ||
	    (error = dup_opt(&mt->key, key)) < 0)
		goto done;
	appid = p->appid;
	if (!appid && p->appid_env && (appid = getenv(p->appid_env)) && !*appid)
		appid = NULL;
	if ((error = dup_opt(&mt->appid, appid)) < 0)
		goto done;
	if (strcmp(p->ops->type, "baidu") == 0 && !mt->appid) {
		error = tm__error(TM_EINVAL, "provider '%s' needs appid (or "
		    "appid_env naming the variable that holds it)", name);
		goto done;
	}
	/* DeepL Free keys end in ":fx" and have their own host. */
	if (!p->url && strcmp(p->ops->type, "deepl") == 0 && key &&
	    strlen(key) > 3 && strcmp(key + strlen(key) - 3, ":fx") == 0)
		error = dup_opt(&mt->url, "https://api-free.deepl.com");
	else
		error = dup_opt(&mt->url, p->url ? p->url : p->ops->default_url);
	if (error < 0)
		goto done;
	/* A base URL ending in '/' would double it in front of the path. */
	for (i = strlen(mt->url); i > 8 && mt->url[i - 1] == '/'; i--)
		mt->url[i - 1] = '\0';
	if (mt->key) {
		if ((error = tm__mt_urlencode(&esc, mt->key)) < 0)
			goto done;
		mt->key_escaped = tm__buf_detach(&esc);
		if (!mt->key_escaped) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (!(mt->fingerprint = fingerprint(mt))) {
		error = tm__error_nomem();
		goto done;
	}
	/*
	 * What a person at a terminal waits for: a provider that never
	 * answers costs a batch 90 s at most, not five tries of a minute.
	 */
	mt->timeout_ms = pick(p->timeout_ms, 30000);
	mt->connect_timeout_ms = pick(p->connect_timeout_ms, 10000);
	mt->batch_timeout_ms = pick(p->batch_timeout_ms, 90000);
	mt->concurrency = pick(p->concurrency, p->ops->concurrency);
	mt->batch = pick(p->batch, (long)p->ops->max_batch);
	if (mt->batch > (long)p->ops->max_batch)
		mt->batch = (long)p->ops->max_batch;
	mt->batch_bytes = pick(p->batch_bytes, (long)p->ops->max_bytes);
	if (mt->batch_bytes > (long)p->ops->max_bytes)
		mt->batch_bytes = (long)p->ops->max_bytes;
	mt->retries = pick(p->retries, 4);
	mt->retry_base_ms = pick(p->retry_base_ms, 500);
	mt->retry_cap_ms = pick(p->retry_cap_ms, 30000);
	mt->retry_after_max_ms = pick(p->retry_after_max_ms, 120000);
done:
	tm__buf_release(&esc);
	if (error < 0) {
		if (mt)
			tm_mt_close(mt);
		else if (curl_held)
			curl_release();
		return error;
	}
	*out = mt;
	return 0;
}

void
tm_mt_close(tm_mt *mt)
{
	if (!mt)
		return;
	wipe(mt->key);
	wipe(mt->key_escaped);
	free(mt->key);
	free(mt->key_escaped);
	free(mt->name);
	free(mt->url);
	free(mt->model);
	free(mt->prompt);
	free(mt->region);
	free(mt->appid);
	free(mt->fingerprint);
	free(mt);
	curl_release();
}

/*
 * The results
 * -----------
 */

struct tm_mt_results {
	tm_mt_result *r;
	size_t n, failed, requests;
	char *cache_error;	/* why the translations were not cached */
};

size_t
tm_mt_results_count(const tm_mt_results *r)
{
	return r ? r->n : 0;
}

const tm_mt_result *
tm_mt_results_get(const tm_mt_results *r, size_t i)
{
	return r && i < r->n ? &r->r[i] : NULL;
}

size_t
tm_mt_results_failed(const tm_mt_results *r)
{
	return r ? r->failed : 0;
}

size_t
tm_mt_results_requests(const tm_mt_results *r)
{
	return r ? r->requests : 0;
}

const char *
tm_mt_results_cache_error(const tm_mt_results *r)
{
	return r ? r->cache_error : NULL;
}

void
tm_mt_results_free(tm_mt_results *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free((char *)r->r[i].text);
		free((char *)r->r[i].error);
	}
	free(r->r);
	free(r->cache_error);
	free(r);
}

/* Segment i failed with `code` and `msg` (already redacted). */
static int
seg_fail(tm_mt_results *res, size_t i, int code, const char *name,
    const char *msg)
{
	struct tm__buf b = { 0 };

	if (tm__buf_printf(&b, "%s: %s", name, msg) < 0)
		return TM_ENOMEM;
	free((char *)res->r[i].error);
	free((char *)res->r[i].text);
	res->r[i].text = NULL;
	res->r[i].error = tm__buf_detach(&b);
	res->r[i].code = code;
	return res->r[i].error ? 0 : TM_ENOMEM;
}

/*
 * The cache
 * ---------
 */

static int
cache_lookup(tm_db *db, const tm_mt *mt, const char *const *segs,
    tm_mt_results *res, bool *todo)
{
	tm__stmt *st = NULL;
	size_t i;
	int error, rc;

	if ((error = tm__prepare(db, &st, "SELECT target FROM mt_cache "
	    "WHERE provider = ?1 AND fingerprint = ?2 AND src_lang = ?3 "
	    "AND tgt_lang = ?4 AND source = ?5")) < 0)
		return error;
	tm__bind_text(st, 1, mt->name, -1);
	tm__bind_text(st, 2, mt->fingerprint, -1);
	tm__bind_text(st, 3, mt->from, -1);
	tm__bind_text(st, 4, mt->to, -1);
	for (i = 0; i < res->n && !error; i++) {
		if (!todo[i])
			continue;
		tm__bind_text(st, 5, segs[i], -1);
		rc = tm__step(st);
		if (rc == TM__ROW) {
			const char *t = (const char *)tm__column_text(st, 0);

			if (!(res->r[i].text = tm__strdup(t ? t : "")))
				error = tm__error_nomem();
			res->r[i].cached = 1;
			todo[i] = false;
		} else if (rc != TM__DONE) {
			error = tm__error_db(db, "cannot read the MT "
			    "cache");
		}
		tm__reset(st);
	}
	tm__finalize(st);
	return error;
}

static int
cache_store(tm_db *db, const tm_mt *mt, const char *const *segs,
    const tm_mt_results *res, const bool *sent)
{
	tm__stmt *st = NULL;
	char date[21];
	size_t i;
	int error;

	if ((error = tm__begin_write(db)) < 0)
		return error;
	if ((error = tm__prepare(db, &st, "INSERT INTO mt_cache "
	    "(provider, fingerprint, src_lang, tgt_lang, source, target, date) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, fingerprint, "
	    "src_lang, tgt_lang, source) DO UPDATE SET target = "
	    "excluded.target, date = excluded.date")) < 0)
		goto done;
	tm__now_iso(date);
	tm__bind_text(st, 1, mt->name, -1);
	tm__bind_text(st, 2, mt->fingerprint, -1);
	tm__bind_text(st, 3, mt->from, -1);
	tm__bind_text(st, 4, mt->to, -1);
	tm__bind_text(st, 7, date, -1);
	for (i = 0; i < res->n && !error; i++) {
		if (!sent[i] || !res->r[i].text)
			continue;
		tm__bind_text(st, 5, segs[i], -1);
		tm__bind_text(st, 6, res->r[i].text, -1);
		error = tm__step_done(db, st, "cannot write the MT cache");
	}
done:
	tm__finalize(st);
	if (!error)
		error = tm__exec(db, "COMMIT");
	if (error)
		tm__exec_quiet(db, "ROLLBACK");
	return error;
}

/*
 * Requests
 * --------
 */

struct job {
	size_t *idx;		/* the segments it carries */
	size_t n;
	int attempt;		/* requests made so far */
	double due;		/* when it may (re)start, now_ms() scale */
	/* When its batch must be done, retries and all; 0: not started. */
	double deadline;
	bool running, done;
	CURL *easy;
	struct tm__mt_req req;
	struct tm__buf in;	/* the reply's body */
	bool too_big;
	long retry_after_ms;	/* -1: the reply had no Retry-After */
	char errbuf[CURL_ERROR_SIZE];
};

struct engine {
	tm_mt *mt;
	const char *const *segs;
	tm_mt_results *res;
	struct job **jobs;
	size_t njobs, cap;
	CURLM *multi;
	long running;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *payload)
{
	struct job *job = payload;
	size_t n = size * nmemb;

	if (job->in.len + n > MAX_REPLY) {
		job->too_big = true;
		return 0;
	}
	if (tm__buf_add(&job->in, data, n) < 0)
		return 0;
	return n;
}

/* Retry-After: seconds, or an HTTP date. */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *payload)
{
	struct job *job = payload;
	size_t n = size * nmemb, i;
	char val[128];

	if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		for (i = 12; i < n && (data[i] == ' ' || data[i] == '\t'); i++)
			;
		snprintf(val, sizeof(val), "%.*s", (int)(n - i), data + i);
		val[strcspn(val, "\r\n")] = '\0';
		if (val[0] >= '0' && val[0] <= '9') {
			char *end;
			double s = strtod(val, &end);

			if (end != val && s >= 0 && s < 1e7)
				job->retry_after_ms = (long)(s * 1000);
		} else {
			time_t t = curl_getdate(val, NULL);

			if (t > 0)
				job->retry_after_ms = t > time(NULL) ?
				    (long)(t - time(NULL)) * 1000 : 0;
		}
	}
	return n;
}

static void
job_reset(struct job *job)
{
	if (job->easy)
		curl_easy_cleanup(job->easy);
	job->easy = NULL;
	curl_slist_free_all(job->req.headers);
	job->req.headers = NULL;
	tm__buf_release(&job->req.url);
	tm__buf_release(&job->req.body);
	tm__buf_release(&job->in);
	job->too_big = false;
	job->retry_after_ms = -1;
	job->errbuf[0] = '\0';
}

static void
job_free(struct job *job)
{
	if (!job)
		return;
	job_reset(job);
	free(job->idx);
	free(job);
}

static int
add_job(struct engine *e, const size_t *idx, size_t n, double deadline)
{
	struct job *job;

	if (tm__grow((void **)&e->jobs, &e->cap, e->njobs, sizeof(*e->jobs)) < 0)
		return TM_ENOMEM;
	if (!(job = tm__calloc(1, sizeof(*job))) ||
	    !(job->idx = tm__malloc(n * sizeof(*idx)))) {
		free(job);
		return tm__error_nomem();
	}
	memcpy(job->idx, idx, n * sizeof(*idx));
	job->n = n;
	job->retry_after_ms = -1;
	job->deadline = deadline;
	e->jobs[e->njobs++] = job;
	return 0;
}

/* Every segment of the job fails with the (redacted) message. */
static int
job_fail(struct engine *e, struct job *job, int code, struct tm__buf *msg)
{
	size_t i;
	int error = 0;

	tm__mt_redact(e->mt, msg);
	for (i = 0; i < job->n && !error; i++)
		error = seg_fail(e->res, job->idx[i], code, e->mt->name,
		    tm__buf_str(msg));
	job->done = true;
	return error ? tm__error_nomem() : 0;
}

/* A try's time: the request timeout, or what is left of the batch's. */
static long
try_timeout_ms(const tm_mt *mt, struct job *job)
{
	double t = now_ms(), left;

	if (!job->deadline)
		job->deadline = t + (double)mt->batch_timeout_ms;
	left = job->deadline - t;
	if (left < 1)
		left = 1;
	return left < (double)mt->timeout_ms ? (long)left : mt->timeout_ms;
}

static int
job_start(struct engine *e, struct job *job)
{
	const char **texts = NULL;
	size_t i;
	int error = 0;

	job_reset(job);
	if (!(texts = tm__malloc(job->n * sizeof(*texts))))
		return tm__error_nomem();
	for (i = 0; i < job->n; i++)
		texts[i] = e->segs[job->idx[i]];
	error = e->mt->ops->request(&job->req, e->mt, texts, job->n);
	free(texts);
	if (error == TM_ENOMEM)
		return error;
	if (error < 0) {
		struct tm__buf msg = { 0 };
		const tm_error *le = tm_error_last();

		tm__buf_adds(&msg, le ? le->message : "cannot build request");
		tm_error_clear();
		error = job_fail(e, job, error, &msg);
		tm__buf_release(&msg);
		return error;
	}
	/* curl adds "Expect: 100-continue" to large bodies; no need. */
	if ((error = tm__mt_header(&job->req, "Expect:")) < 0)
		return error;
	if (!(job->easy = curl_easy_init()))
		return tm__error_nomem();
	curl_easy_setopt(job->easy, CURLOPT_URL, job->req.url.ptr);
	curl_easy_setopt(job->easy, CURLOPT_HTTPHEADER, job->req.headers);
	if (job->req.body.ptr) {
		curl_easy_setopt(job->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)job->req.body.len);
		curl_easy_setopt(job->easy, CURLOPT_POSTFIELDS,
		    job->req.body.ptr);
	}
	curl_easy_setopt(job->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(job->easy, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(job->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(job->easy, CURLOPT_HEADERDATA, job);
	curl_easy_setopt(job->easy, CURLOPT_ERRORBUFFER, job->errbuf);
	curl_easy_setopt(job->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(job->easy, CURLOPT_TIMEOUT_MS, try_timeout_ms(e->mt,
	    job));
	curl_easy_setopt(job->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    e->mt->connect_timeout_ms);
	/* Never follow a redirect: it could carry a key to another host. */
	curl_easy_setopt(job->easy, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(job->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(job->easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(job->easy, CURLOPT_USERAGENT, "tm/" PACKAGE_VERSION);
	curl_easy_setopt(job->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(job->easy, CURLOPT_PRIVATE, job);
	if (curl_multi_add_handle(e->multi, job->easy) != CURLM_OK)
		return tm__error(TM_ENET, "cannot start a transfer");
	job->running = true;
	job->attempt++;
	e->running++;
	e->res->requests++;
	return 0;
}

static bool
curl_retry(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* The delay before attempt number `attempt` + 1. */
static double
backoff_ms(tm_mt *mt, const struct job *job)
{
	double d;
	int k;

	if (job->retry_after_ms >= 0)
		return (double)(job->retry_after_ms < mt->retry_after_max_ms ?
		    job->retry_after_ms : mt->retry_after_max_ms);
	d = (double)mt->retry_base_ms;
	for (k = 1; k < job->attempt && d < (double)mt->retry_cap_ms; k++)
		d *= 2;
	if (d > (double)mt->retry_cap_ms)
		d = (double)mt->retry_cap_ms;
	/* Jitter: somewhere in the upper half, so that clients spread. */
	return d / 2 + d / 2 * ((double)rand_r(&mt->seed) / RAND_MAX);
}

static bool
valid_utf8(const char *s)
{
	size_t n = strlen(s);

	return tm__utf8_valid(s, n) == n;
}

/*
 * Why `text` cannot be a translation of `src`, into msg, or 0 when it
 * can: an empty text (a provider that dropped the segment; *retry set,
 * the next try may bring it) or one far longer than any translation of
 * the source (a runaway model, a broken server).
 */
static int
implausible(const char *src, const char *text, struct tm__buf *msg,
    bool *retry)
{
	size_t n = strlen(text), max = TEXT_SLACK + TEXT_RATIO * strlen(src);

	*retry = false;
	tm__buf_reset(msg);
	if (!n) {
		*retry = true;
		return tm__buf_adds(msg, "an empty translation") < 0 ?
		    TM_ENOMEM : TM_EPARSE;
	}
	if (n > max)
		return tm__buf_printf(msg, "a translation of %zu bytes for a "
		    "text of %zu (at most %zu believed)", n, strlen(src),
		    max) < 0 ? TM_ENOMEM : TM_EPARSE;
	return 0;
}

/*
 * Take the translations of a reply that parsed: each plausible one goes
 * to its segment; the others are tried again, alone, while tries and
 * time are left, else fail with the reason.
 */
static int
job_accept(struct engine *e, struct job *job, struct tm__mt_reply *rep)
{
	tm_mt *mt = e->mt;
	struct tm__buf msg = { 0 };
	struct job *again;
	size_t i, s;
	double delay = -1;
	bool retry;
	int error = 0, code;

	for (i = 0; i < job->n && error != TM_ENOMEM; i++) {
		s = job->idx[i];
		code = implausible(e->segs[s], rep->texts[i], &msg, &retry);
		if (code == TM_ENOMEM) {
			error = code;
			break;
		}
		if (code == 0) {
			free((char *)e->res->r[s].error);
			e->res->r[s].error = NULL;
			e->res->r[s].code = 0;
			e->res->r[s].text = rep->texts[i];
			rep->texts[i] = NULL;
			continue;
		}
		if (retry && job->attempt <= mt->retries) {
			if (delay < 0)
				delay = backoff_ms(mt, job);
			if (now_ms() + delay < job->deadline) {
				if ((error = add_job(e, &s, 1, job->deadline)) < 0)
					break;
				again = e->jobs[e->njobs - 1];
				again->attempt = job->attempt;
				again->due = now_ms() + delay;
				continue;
			}
		}
		if (job->attempt > 1 && tm__buf_printf(&msg, " (after %d "
		    "attempts)", job->attempt) < 0) {
			error = TM_ENOMEM;
			break;
		}
		tm__mt_redact(mt, &msg);
		error = seg_fail(e->res, s, code, mt->name, tm__buf_str(&msg));
	}
	job->done = true;
	tm__buf_release(&msg);
	return error;
}

static int
job_finish(struct engine *e, struct job *job, CURLcode rc)
{
	struct tm__mt_reply rep = { 0 };
	tm_mt *mt = e->mt;
	size_t i;
	int error = 0, code;

	job->running = false;
	e->running--;
	if (rc != CURLE_OK) {
		code = TM_ENET;
		if (job->too_big)
			tm__buf_printf(&rep.msg, "reply larger than %u MiB",
			    MAX_REPLY >> 20);
		else
			tm__buf_printf(&rep.msg, "%s", job->errbuf[0] ?
			    job->errbuf : curl_easy_strerror(rc));
		rep.retry = curl_retry(rc);
	} else {
		curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE,
		    &rep.status);
		rep.body = tm__buf_str(&job->in);
		rep.len = job->in.len;
		code = mt->ops->parse(&rep, mt, job->n);
		if (code == TM_ENOMEM)
			goto done;
		for (i = 0; code == 0 && i < job->n; i++)
			if (!valid_utf8(rep.texts[i])) {
				code = TM_EUTF8;
				tm__buf_printf(&rep.msg, "the reply is not valid "
				    "UTF-8");
			}
		if (code == 0) {
			error = job_accept(e, job, &rep);
			goto done;
		}
		if (!rep.msg.len)
			tm__buf_printf(&rep.msg, "HTTP %ld: unexpected reply",
			    rep.status);
	}
	if (rep.retry && job->attempt <= mt->retries) {
		double delay = backoff_ms(mt, job);

		if (now_ms() + delay < job->deadline) {
			job->due = now_ms() + delay;
			goto done;
		}
		tm__buf_printf(&rep.msg, " (gave up: the batch's %.3g s are "
		    "spent)", (double)mt->batch_timeout_ms / 1000);
	}
	if (rep.split && job->n > 1 && now_ms() < job->deadline) {
		/* One request a segment from here on. */
		for (i = 0; i < job->n && !error; i++)
			error = add_job(e, &job->idx[i], 1, job->deadline);
		job->done = true;
		goto done;
	}
	if (job->attempt > 1)
		tm__buf_printf(&rep.msg, " (after %d attempts)", job->attempt);
	error = job_fail(e, job, code, &rep.msg);
done:
	if (rep.texts) {
		for (i = 0; i < job->n; i++)
			free(rep.texts[i]);
		free(rep.texts);
	}
	tm__buf_release(&rep.msg);
	curl_multi_remove_handle(e->multi, job->easy);
	curl_easy_cleanup(job->easy);
	job->easy = NULL;
	return error == TM_ENOMEM || code == TM_ENOMEM ?
	    tm__error_nomem() : error;
}

static int
run_jobs(struct engine *e)
{
	CURLMsg *m;
	int error = 0, still, left;
	size_t i;

	for (;;) {
		double t = now_ms();

		for (i = 0; i < e->njobs && !error; i++) {
			struct job *job = e->jobs[i];

			if (!job->done && !job->running && job->due <= t &&
			    e->running < e->mt->concurrency)
				error = job_start(e, job);
		}
		if (error)
			break;
		if (curl_multi_perform(e->multi, &still) != CURLM_OK) {
			error = tm__error(TM_ENET, "curl multi failed");
			break;
		}
		while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
			struct job *job = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&job);
			if ((error = job_finish(e, job, m->data.result)) < 0)
				break;
		}
		if (error)
			break;
		/* Sleep until a reply comes or the next retry is due. */
		{
			int wait = -1;

			t = now_ms();
			for (i = 0; i < e->njobs; i++) {
				struct job *job = e->jobs[i];
				double d;

				if (job->done || job->running)
					continue;
				d = job->due - t;
				if (d <= 0 && e->running >= e->mt->concurrency)
					continue;	/* waits for a slot */
				d = d < 0 ? 0 : d + 1;
				if (wait < 0 || d < wait)
					wait = (int)d;
			}
			if (wait < 0 && e->running == 0)
				break;
			if (wait < 0 || wait > 1000)
				wait = 1000;
			if (wait > 0 && curl_multi_poll(e->multi, NULL, 0, wait,
			    NULL) != CURLM_OK) {
				error = tm__error(TM_ENET, "curl multi failed");
				break;
			}
		}
	}
	return error;
}

/* Make the jobs: runs of segments within the provider's limits. */
static int
plan_jobs(struct engine *e, const bool *todo)
{
	size_t *idx = NULL, n = 0, bytes = 0, i, max = (size_t)e->mt->batch;
	size_t max_bytes = (size_t)e->mt->batch_bytes;
	int error = 0;

	if (!(idx = tm__malloc((max ? max : 1) * sizeof(*idx))))
		return tm__error_nomem();
	for (i = 0; i < e->res->n && !error; i++) {
		size_t len;
		bool alone;

		if (!todo[i])
			continue;
		len = strlen(e->segs[i]);
		alone = e->mt->ops->joins_lines && strchr(e->segs[i], '\n');
		if (n > 0 && (n >= max || bytes + len > max_bytes || alone)) {
			error = add_job(e, idx, n, 0);
			n = bytes = 0;
		}
		if (error)
			break;
		idx[n++] = i;
		bytes += len;
		if (alone) {
			error = add_job(e, idx, n, 0);
			n = bytes = 0;
		}
	}
	if (!error && n > 0)
		error = add_job(e, idx, n, 0);
	free(idx);
	return error;
}

/* The provider's codes for the call's languages. */
static int
map_langs(tm_mt *mt, const tm_mt_options *opts)
{
	char key[64];
	int error;

	if ((error = tm_lang_key(key, sizeof(key), opts->from)) < 0 ||
	    (error = mt->ops->lang(mt->from, sizeof(mt->from), key, false)) < 0)
		return tm__error_prefix("provider '%s'", mt->name);
	if ((error = tm_lang_key(key, sizeof(key), opts->to)) < 0 ||
	    (error = mt->ops->lang(mt->to, sizeof(mt->to), key, true)) < 0)
		return tm__error_prefix("provider '%s'", mt->name);
	mt->from_tag = opts->from;
	mt->to_tag = opts->to;
	return 0;
}

int
tm_mt_translate(tm_mt_results **out, tm_mt *mt, tm_db *db,
    const char *const *segs, size_t n, const tm_mt_options *opts)
{
	struct engine e = { 0 };
	tm_mt_results *res = NULL;
	bool *todo = NULL, *sent = NULL;
	size_t i;
	int error = 0;

	if (!out || !mt || (!segs && n) || !opts ||
	    opts->version != TM_MT_OPTIONS_VERSION)
		return tm__error(TM_EINVAL, "bad arguments to tm_mt_translate");
	*out = NULL;
	if (!opts->from || !opts->to)
		return tm__error(TM_EINVAL, "the source and target languages "
		    "are required");
	if ((error = map_langs(mt, opts)) < 0)
		return error;
	if (!(res = tm__calloc(1, sizeof(*res))) ||
	    !(res->r = tm__calloc(n ? n : 1, sizeof(*res->r))) ||
	    !(todo = tm__calloc(n ? n : 1, sizeof(*todo))) ||
	    !(sent = tm__calloc(n ? n : 1, sizeof(*sent)))) {
		error = tm__error_nomem();
		goto done;
	}
	res->n = n;
	for (i = 0; i < n && !error; i++) {
		if (!segs[i] || !valid_utf8(segs[i])) {
			error = seg_fail(res, i, TM_EUTF8, mt->name,
			    "the text is not valid UTF-8");
		} else if (!segs[i][0]) {
			/* Nothing to translate: no request. */
			if (!(res->r[i].text = tm__strdup("")))
				error = TM_ENOMEM;
		} else if (strlen(segs[i]) > (size_t)mt->batch_bytes) {
			/* It could only be cut short (APy, say, drops the rest). */
			char msg[160];

			snprintf(msg, sizeof(msg), "the text is %zu bytes, more "
			    "than the %ld a request may carry", strlen(segs[i]),
			    mt->batch_bytes);
			error = seg_fail(res, i, TM_EINVAL, mt->name, msg);
		} else {
			todo[i] = true;
		}
	}
	if (error) {
		error = tm__error_nomem();
		goto done;
	}
	if (db && !(opts->flags & TM_MT_NO_CACHE) &&
	    (error = cache_lookup(db, mt, segs, res, todo)) < 0)
		goto done;
	memcpy(sent, todo, n * sizeof(*todo));
	e.mt = mt;
	e.segs = segs;
	e.res = res;
	if ((error = plan_jobs(&e, todo)) < 0)
		goto done;
	if (e.njobs) {
		if (!(e.multi = curl_multi_init())) {
			error = tm__error_nomem();
			goto done;
		}
		curl_multi_setopt(e.multi, CURLMOPT_MAX_HOST_CONNECTIONS,
		    mt->concurrency);
		if ((error = run_jobs(&e)) < 0)
			goto done;
	}
	/*
	 * Keep what arrived, even when other segments failed.  A cache that
	 * cannot be written (a busy or read-only file) loses no translation:
	 * the caller gets them, and the reason.
	 */
	if (db && !(db->flags & TM_DB_READONLY) && e.njobs &&
	    cache_store(db, mt, segs, res, sent) < 0) {
		const tm_error *le = tm_error_last();

		if (le && le->code == TM_ENOMEM) {
			error = TM_ENOMEM;
			goto done;
		}
		res->cache_error = tm__strdup(le ? le->message : "unknown error");
		tm_error_clear();
		if (!res->cache_error) {
			error = tm__error_nomem();
			goto done;
		}
	}
	for (i = 0; i < n; i++)
		if (!res->r[i].text)
			res->failed++;
done:
	for (i = 0; i < e.njobs; i++) {
		if (e.jobs[i]->easy)
			curl_multi_remove_handle(e.multi, e.jobs[i]->easy);
		job_free(e.jobs[i]);
	}
	free(e.jobs);
	if (e.multi)
		curl_multi_cleanup(e.multi);
	free(todo);
	free(sent);
	mt->from_tag = mt->to_tag = NULL;
	if (error < 0) {
		tm_mt_results_free(res);
		return error;
	}
	*out = res;
	return 0;
}

int
tm_mt_results_json(char **out, const tm_mt *mt, const tm_mt_options *opts,
    const char *const *segs, const tm_mt_results *r)
{
	json_t *doc = NULL, *arr;
	size_t i;
	int error = 0;

	*out = NULL;
	if (!(doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}",
	    "provider", mt->name, "type", mt->ops->type,
	    "from", opts->from ? opts->from : "",
	    "to", opts->to ? opts->to : "",
	    "requests", (json_int_t)r->requests,
	    "failed", (json_int_t)r->failed)) ||
	    !(arr = json_array()) ||
	    json_object_set_new(doc, "segments", arr) < 0) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < r->n; i++) {
		const tm_mt_result *x = &r->r[i];
		json_t *o = json_pack("{s:I, s:s?, s:s?, s:b, s:s?}",
		    "line", (json_int_t)(i + 1),
		    "source", valid_utf8(segs[i]) ? segs[i] : NULL,
		    "text", x->text, "cached", x->cached, "error", x->error);

		if (!o || json_array_append_new(arr, o) < 0) {
			error = tm__error_nomem();
			goto done;
		}
	}
	if (!(*out = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER)))
		error = tm__error_nomem();
done:
	json_decref(doc);
	return error;
}
