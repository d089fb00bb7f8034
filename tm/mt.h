/*
 * mt.h: internals of machine translation, shared by config.c (the config
 * file), mt.c (batching, HTTP, retries, cache) and mt-providers.c (what
 * each provider's requests and replies look like).
 */
#ifndef TM_MT_H
#define TM_MT_H

#include "tm-int.h"

#include <curl/curl.h>

struct tm__mt_req;
struct tm__mt_reply;

/*
 * A provider type: its contract.  request() builds the HTTP request for
 * segs[0..n) (a POST when body is set), parse() reads the reply.
 */
struct tm__mt_ops {
	const char *type;
	const char *default_url;
	size_t max_batch;	/* segments a request */
	size_t max_bytes;	/* bytes of text a request */
	long concurrency;	/* requests at once by default */
	bool needs_key;
	/*
	 * The batch travels as the lines of one text (Apertium, Baidu): a
	 * segment holding a newline goes alone.
	 */
	bool joins_lines;
	/*
	 * The provider's code for the BCP 47 key `key` (tm_lang_key form)
	 * as a source (target = false) or target language, into out[size].
	 * Returns 0 or TM_EINVAL.
	 */
	int (*lang)(char *out, size_t size, const char *key, bool target);
	int (*request)(struct tm__mt_req *req, tm_mt *mt,
	    const char *const *segs, size_t n);
	int (*parse)(struct tm__mt_reply *rep, const tm_mt *mt, size_t n);
};

/* The provider types, NULL-terminated; and one by name. */
extern const struct tm__mt_ops *const tm__mt_types[];
const struct tm__mt_ops *tm__mt_type(const char *name);

/* One [provider NAME] section of the config file. */
struct tm__mt_provider {
	char *name, *type, *url, *key_env, *model, *prompt, *region;
	char *appid, *appid_env;
	const struct tm__mt_ops *ops;
	long timeout_ms, connect_timeout_ms, batch_timeout_ms;
	long concurrency, batch, batch_bytes, retries;
	long retry_base_ms, retry_cap_ms, retry_after_max_ms;
	int line;		/* of the section header */
};

struct tm_mt_config {
	char *path;
	struct tm__mt_provider *p;
	size_t n, cap;
};

struct tm_mt {
	const struct tm__mt_ops *ops;
	char *name, *url, *model, *prompt, *region, *appid;
	char *key;		/* the secret; wiped on close */
	char *key_escaped;	/* the key URL-encoded, to redact it too */
	char *fingerprint;	/* what, besides the name, the cache keys on */
	/*
	 * A request, a connection, and all tries of one batch (retries and
	 * the single requests of a split batch included).
	 */
	long timeout_ms, connect_timeout_ms, batch_timeout_ms;
	long concurrency, batch, batch_bytes, retries;
	long retry_base_ms, retry_cap_ms, retry_after_max_ms;
	unsigned seed;		/* for the jitter and Baidu's salt */
	/* The call in progress: the provider's codes and the BCP 47 tags. */
	char from[32], to[32];
	const char *from_tag, *to_tag;
};

/* An HTTP request as a provider builds it. */
struct tm__mt_req {
	struct tm__buf url;
	struct tm__buf body;		/* empty: a GET */
	struct curl_slist *headers;
};

/*
 * A reply to read.  On success parse() fills texts[0..n) (allocated
 * strings, freed by the caller) and returns 0.  On failure it returns a
 * negative code and sets `msg` (the provider's own words), `retry` when
 * the same request may succeed later, and `split` when the segments may
 * succeed one by one (a batch reply with the wrong number of lines).
 */
struct tm__mt_reply {
	long status;		/* HTTP status */
	const char *body;
	size_t len;
	char **texts;
	struct tm__buf msg;
	bool retry, split;
};

/* The failure of an HTTP status: retry on 408, 425, 429 and 5xx. */
bool tm__mt_status_retry(long status);
/*
 * Set rep->msg to "HTTP STATUS: what" (what: printf), and retry from
 * the status; returns TM_ENET.
 */
int tm__mt_fail(struct tm__mt_reply *rep, const char *fmt, ...)
    TM__PRINTF(2, 3);
/* Parse rep->body as JSON (a leading UTF-8 BOM skipped); NULL if not. */
struct json_t *tm__mt_json(const struct tm__mt_reply *rep);
/* Append `s` URL-encoded (application/x-www-form-urlencoded). */
int tm__mt_urlencode(struct tm__buf *b, const char *s);
/* Add a header line "Name: value" to req. */
int tm__mt_header(struct tm__mt_req *req, const char *fmt, ...)
    TM__PRINTF(2, 3);
/* Lowercase hex MD5 of s into out[33] (Baidu's sign). */
int tm__mt_md5_hex(char out[33], const char *s, size_t len);
/*
 * Take n translations out of the JSON array `arr`, each at `field` of an
 * object (or the string itself when field is NULL), into rep->texts.
 */
int tm__mt_take_texts(struct tm__mt_reply *rep, struct json_t *arr,
    const char *field, size_t n);
/* Split `text` at newlines into rep->texts; the count must be n. */
int tm__mt_take_lines(struct tm__mt_reply *rep, const char *text, size_t n);

/* Remove the key (plain or URL-encoded) from a message, in place. */
void tm__mt_redact(const tm_mt *mt, struct tm__buf *msg);

#endif /* TM_MT_H */
