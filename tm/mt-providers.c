/*
 * mt-providers.c: the contract of each machine-translation provider:
 * its language codes, its batch limits, its authentication, the shape of
 * its requests and replies, and its errors, including those sent with
 * HTTP 200 (Baidu) and replies that start with a BOM (Microsoft).  The
 * engine that batches, sends and retries is mt.c.
 */
#include "mt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

/*
 * Helpers
 * -------
 */

bool
tm__mt_status_retry(long status)
{
	return status == 408 || status == 425 || status == 429 ||
	    (status >= 500 && status <= 599) || status == 0;
}

int
tm__mt_fail(struct tm__mt_reply *rep, const char *fmt, ...)
{
	va_list ap;
	int n;

	tm__buf_reset(&rep->msg);
	rep->retry = tm__mt_status_retry(rep->status);
	if (tm__buf_printf(&rep->msg, "HTTP %ld: ", rep->status) < 0)
		return TM_ENET;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || tm__buf_grow(&rep->msg, (size_t)n) < 0)
		return TM_ENET;
	va_start(ap, fmt);
	vsnprintf(rep->msg.ptr + rep->msg.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rep->msg.len += (size_t)n;
	return TM_ENET;
}

json_t *
tm__mt_json(const struct tm__mt_reply *rep)
{
	const char *p = rep->body;
	size_t len = rep->len;

	/* Microsoft starts its replies with a UTF-8 BOM. */
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	return json_loadb(p, len, JSON_REJECT_DUPLICATES, NULL);
}

int
tm__mt_urlencode(struct tm__buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (; *s && !error; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			error = tm__buf_addc(b, (char)c);
		else if (c == ' ')
			error = tm__buf_addc(b, '+');
		else
			error = tm__buf_printf(b, "%%%c%c", hex[c >> 4],
			    hex[c & 15]);
	}
	return error;
}

int
tm__mt_header(struct tm__mt_req *req, const char *fmt, ...)
{
	struct tm__buf b = { 0 };
	struct curl_slist *l;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || tm__buf_grow(&b, (size_t)n) < 0)
		return tm__error_nomem();
	va_start(ap, fmt);
	vsnprintf(b.ptr, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	l = curl_slist_append(req->headers, b.ptr);
	/* The header may hold a key: wipe the copy we made. */
	memset(b.ptr, 0, b.len);
	tm__buf_release(&b);
	if (!l)
		return tm__error_nomem();
	req->headers = l;
	return 0;
}

int
tm__mt_md5_hex(char out[33], const char *s, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!EVP_Digest(s, len, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return tm__error(TM_ERROR, "cannot compute MD5");
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int
tm__mt_take_texts(struct tm__mt_reply *rep, json_t *arr, const char *field,
    size_t n)
{
	size_t i;

	if (!json_is_array(arr)) {
		tm__buf_printf(&rep->msg, "HTTP %ld: the reply has no list of "
		    "translations", rep->status);
		return TM_EPARSE;
	}
	if (json_array_size(arr) != n) {
		tm__buf_printf(&rep->msg, "HTTP %ld: the reply has %zu "
		    "translations for %zu segments", rep->status,
		    json_array_size(arr), n);
		rep->split = true;
		return TM_EPARSE;
	}
	if (!(rep->texts = tm__calloc(n ? n : 1, sizeof(*rep->texts))))
		return tm__error_nomem();
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		const char *s;

		if (field)
			v = json_object_get(v, field);
		if (!(s = json_string_value(v))) {
			tm__buf_printf(&rep->msg, "HTTP %ld: translation %zu of "
			    "the reply is not a string", rep->status, i + 1);
			return TM_EPARSE;
		}
		if (!(rep->texts[i] = tm__strdup(s)))
			return tm__error_nomem();
	}
	return 0;
}

int
tm__mt_take_lines(struct tm__mt_reply *rep, const char *text, size_t n)
{
	const char *p, *nl;
	size_t count = 1, i;

	if (n != 1)
		for (p = text; (p = strchr(p, '\n')) != NULL; p++)
			count++;
	if (count != n) {
		tm__buf_printf(&rep->msg, "HTTP %ld: the reply has %zu lines "
		    "for %zu segments", rep->status, count, n);
		rep->split = true;
		return TM_EPARSE;
	}
	if (!(rep->texts = tm__calloc(n, sizeof(*rep->texts))))
		return tm__error_nomem();
	for (i = 0, p = text; i < n; i++) {
		nl = n == 1 ? NULL : strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (!(rep->texts[i] = tm__strndup(p, (size_t)(nl - p))))
			return tm__error_nomem();
		p = *nl ? nl + 1 : nl;
	}
	return 0;
}

/* Serialise `doc` as the request body (takes the reference). */
static int
json_body(struct tm__mt_req *req, json_t *doc)
{
	char *s;
	int error;

	if (!doc)
		return tm__error_nomem();
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!s)
		return tm__error_nomem();
	error = tm__buf_adds(&req->body, s);
	free(s);
	if (!error)
		error = tm__mt_header(req, "Content-Type: application/json");
	return error;
}

static json_t *
string_array(const char *const *segs, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(segs[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The segments as lines of one text. */
static int
join_lines(struct tm__buf *b, const char *const *segs, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && !error; i++)
		if ((error = tm__buf_adds(b, segs[i])) == 0 && i + 1 < n)
			error = tm__buf_addc(b, '\n');
	return error;
}

/* A message from a JSON error body: obj[k1][k2] or obj[k1] as string. */
static const char *
json_msg(json_t *doc, const char *k1, const char *k2)
{
	json_t *v = json_object_get(doc, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_string_value(v);
}

/* The body as a message when it is no JSON the provider would send. */
static int
fail_body(struct tm__mt_reply *rep)
{
	size_t n = rep->len < 200 ? rep->len : 200;
	size_t ok = tm__utf8_valid(rep->body, n);
	char buf[256];
	size_t i;

	for (i = 0; i < ok; i++)
		buf[i] = (rep->body[i] == '\n' || rep->body[i] == '\r') ?
		    ' ' : rep->body[i];
	buf[ok] = '\0';
	if (rep->status == 200)
		return tm__mt_fail(rep, "the reply is not the JSON expected%s%s",
		    ok ? ": " : "", buf);
	return tm__mt_fail(rep, "%s", ok ? buf : "no message");
}

/*
 * Languages
 * ---------
 * Each provider's code for a tm_lang_key() key ("zh-cn", "en-us").
 */

static int
primary(char *out, size_t size, const char *key)
{
	size_t n = strcspn(key, "-"), i;

	if (n < 2 || n > 3 || n >= size)
		return tm__error(TM_EINVAL, "'%s' has no ISO 639 language", key);
	for (i = 0; i < n; i++) {
		if (!isalpha((unsigned char)key[i]))
			return tm__error(TM_EINVAL, "'%s' has no ISO 639 "
			    "language", key);
		out[i] = key[i];
	}
	out[n] = '\0';
	return 0;
}

/* 's': Simplified Chinese, 't': Traditional, 0: not Chinese. */
static char
chinese(const char *key)
{
	if (strncmp(key, "zh", 2) != 0 || (key[2] && key[2] != '-'))
		return 0;
	return tm_lang_match("zh-Hant", key) ? 't' : 's';
}

static void
upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static int
copy_code(char *out, size_t size, const char *code)
{
	if (strlen(code) >= size)
		return tm__error(TM_EINVAL, "language code too long");
	memcpy(out, code, strlen(code) + 1);
	return 0;
}

static int
lang_deepl(char *out, size_t size, const char *key, bool target)
{
	char zh = chinese(key);
	int error;

	if ((error = primary(out, size, key)) < 0)
		return error;
	if (target && zh)
		return copy_code(out, size, zh == 't' ? "ZH-HANT" : "ZH-HANS");
	if (target && strcmp(out, "en") == 0)
		return copy_code(out, size, strncmp(key, "en-gb", 5) == 0 ?
		    "EN-GB" : "EN-US");
	if (target && strcmp(out, "pt") == 0)
		return copy_code(out, size, strncmp(key, "pt-br", 5) == 0 ?
		    "PT-BR" : "PT-PT");
	upper(out);
	return 0;
}

static int
lang_google(char *out, size_t size, const char *key, bool target)
{
	char zh = chinese(key);

	(void)target;
	if (zh)
		return copy_code(out, size, zh == 't' ? "zh-TW" : "zh-CN");
	return primary(out, size, key);
}

static int
lang_microsoft(char *out, size_t size, const char *key, bool target)
{
	char zh = chinese(key);

	(void)target;
	if (zh)
		return copy_code(out, size, zh == 't' ? "zh-Hant" : "zh-Hans");
	return primary(out, size, key);
}

static int
lang_libre(char *out, size_t size, const char *key, bool target)
{
	char zh = chinese(key);

	(void)target;
	/* "zh" is Simplified on every LibreTranslate, old and new. */
	if (zh)
		return copy_code(out, size, zh == 't' ? "zh-Hant" : "zh");
	return primary(out, size, key);
}

/* ISO 639-1 to 639-3 for Apertium, which names its pairs in 639-3. */
static const char *const iso639[][2] = {
	{ "af", "afr" }, { "an", "arg" }, { "ar", "ara" }, { "ast", "ast" },
	{ "be", "bel" }, { "bg", "bul" }, { "br", "bre" }, { "ca", "cat" },
	{ "cs", "ces" }, { "cy", "cym" }, { "da", "dan" }, { "de", "deu" },
	{ "el", "ell" }, { "en", "eng" }, { "eo", "epo" }, { "es", "spa" },
	{ "et", "est" }, { "eu", "eus" }, { "fa", "fas" }, { "fi", "fin" },
	{ "fr", "fra" }, { "ga", "gle" }, { "gl", "glg" }, { "he", "heb" },
	{ "hi", "hin" }, { "hr", "hrv" }, { "hu", "hun" }, { "id", "ind" },
	{ "is", "isl" }, { "it", "ita" }, { "ja", "jpn" }, { "kk", "kaz" },
	{ "ko", "kor" }, { "lt", "lit" }, { "lv", "lav" }, { "mk", "mkd" },
	{ "ms", "msa" }, { "mt", "mlt" }, { "nb", "nob" }, { "nl", "nld" },
	{ "nn", "nno" }, { "no", "nor" }, { "oc", "oci" }, { "pl", "pol" },
	{ "pt", "por" }, { "ro", "ron" }, { "ru", "rus" }, { "sc", "srd" },
	{ "se", "sme" }, { "sk", "slk" }, { "sl", "slv" }, { "sq", "sqi" },
	{ "sr", "srp" }, { "sv", "swe" }, { "tr", "tur" }, { "tt", "tat" },
	{ "uk", "ukr" }, { "ur", "urd" }, { "uz", "uzb" }, { "vi", "vie" },
	{ "zh", "zho" },
};

static int
lang_apertium(char *out, size_t size, const char *key, bool target)
{
	size_t i;
	int error;

	(void)target;
	if ((error = primary(out, size, key)) < 0)
		return error;
	if (strlen(out) == 3)
		return 0;
	for (i = 0; i < TM__ARRAY_SIZE(iso639); i++)
		if (strcmp(iso639[i][0], out) == 0)
			return copy_code(out, size, iso639[i][1]);
	return tm__error(TM_EINVAL, "no ISO 639-3 code known for '%s'", key);
}

static int
lang_openai(char *out, size_t size, const char *key, bool target)
{
	(void)target;
	return copy_code(out, size, key);
}

static int
lang_baidu(char *out, size_t size, const char *key, bool target)
{
	static const char *const map[][2] = {
		{ "ja", "jp" }, { "ko", "kor" }, { "fr", "fra" },
		{ "es", "spa" }, { "ar", "ara" }, { "vi", "vie" },
		{ "sv", "swe" }, { "da", "dan" }, { "fi", "fin" },
		{ "bg", "bul" }, { "et", "est" }, { "ro", "rom" },
		{ "sl", "slo" },
	};
	char zh = chinese(key);
	size_t i;
	int error;

	(void)target;
	if (zh)
		return copy_code(out, size, zh == 't' ? "cht" : "zh");
	if ((error = primary(out, size, key)) < 0)
		return error;
	for (i = 0; i < TM__ARRAY_SIZE(map); i++)
		if (strcmp(map[i][0], out) == 0)
			return copy_code(out, size, map[i][1]);
	return 0;
}

/*
 * DeepL v2
 * --------
 */

static int
req_deepl(struct tm__mt_req *req, tm_mt *mt, const char *const *segs,
    size_t n)
{
	int error;

	if ((error = tm__buf_printf(&req->url, "%s/v2/translate", mt->url)) < 0 ||
	    (error = tm__mt_header(req, "Authorization: DeepL-Auth-Key %s",
	    mt->key)) < 0)
		return error;
	return json_body(req, json_pack("{s:o, s:s, s:s}",
	    "text", string_array(segs, n), "source_lang", mt->from,
	    "target_lang", mt->to));
}

static int
parse_deepl(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep);
	const char *m;
	int error;

	(void)mt;
	if (rep->status == 200 && doc)
		error = tm__mt_take_texts(rep, json_object_get(doc,
		    "translations"), "text", n);
	else if (!doc)
		error = fail_body(rep);
	else if ((m = json_msg(doc, "message", NULL)) != NULL)
		error = tm__mt_fail(rep, "%s%s", m, rep->status == 456 ?
		    " (quota exceeded)" : "");
	else
		error = fail_body(rep);
	json_decref(doc);
	return error;
}

/*
 * Google Cloud Translation v2
 * ---------------------------
 */

static int
req_google(struct tm__mt_req *req, tm_mt *mt, const char *const *segs,
    size_t n)
{
	size_t i;
	int error = 0;

	if ((error = tm__buf_printf(&req->url,
	    "%s/language/translate/v2?key=", mt->url)) < 0 ||
	    (error = tm__mt_urlencode(&req->url, mt->key)) < 0)
		return error;
	for (i = 0; i < n && !error; i++)
		if ((error = tm__buf_adds(&req->body, i ? "&q=" : "q=")) == 0)
			error = tm__mt_urlencode(&req->body, segs[i]);
	if (!error)
		error = tm__buf_printf(&req->body, "&source=%s&target=%s"
		    "&format=text", mt->from, mt->to);
	if (!error)
		error = tm__mt_header(req, "Content-Type: "
		    "application/x-www-form-urlencoded");
	return error;
}

static int
parse_google(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep), *errs;
	const char *m, *reason = NULL;
	int error;

	(void)mt;
	if (rep->status == 200 && doc) {
		error = tm__mt_take_texts(rep, json_object_get(json_object_get(
		    doc, "data"), "translations"), "translatedText", n);
	} else if (doc && (m = json_msg(doc, "error", "message")) != NULL) {
		errs = json_object_get(json_object_get(doc, "error"), "errors");
		reason = json_string_value(json_object_get(
		    json_array_get(errs, 0), "reason"));
		error = tm__mt_fail(rep, "%s%s%s%s", m, reason ? " (" : "",
		    reason ? reason : "", reason ? ")" : "");
		/* A rate limit passes; a daily limit or a bad key does not. */
		if (reason && (strcmp(reason, "userRateLimitExceeded") == 0 ||
		    strcmp(reason, "rateLimitExceeded") == 0))
			rep->retry = true;
		else if (reason && (strcmp(reason, "dailyLimitExceeded") == 0 ||
		    strcmp(reason, "keyInvalid") == 0 ||
		    strcmp(reason, "quotaExceeded") == 0))
			rep->retry = false;
	} else {
		error = fail_body(rep);
	}
	json_decref(doc);
	return error;
}

/*
 * Microsoft Translator v3
 * -----------------------
 */

static int
req_microsoft(struct tm__mt_req *req, tm_mt *mt,
    const char *const *segs, size_t n)
{
	json_t *arr = json_array();
	size_t i;
	int error;

	if (!arr)
		return tm__error_nomem();
	for (i = 0; i < n; i++)
		if (json_array_append_new(arr, json_pack("{s:s}", "Text",
		    segs[i])) < 0) {
			json_decref(arr);
			return tm__error_nomem();
		}
	if ((error = tm__buf_printf(&req->url, "%s/translate?api-version=3.0"
	    "&from=%s&to=%s", mt->url, mt->from, mt->to)) < 0 ||
	    (error = tm__mt_header(req, "Ocp-Apim-Subscription-Key: %s",
	    mt->key)) < 0 ||
	    (mt->region && (error = tm__mt_header(req,
	    "Ocp-Apim-Subscription-Region: %s", mt->region)) < 0)) {
		json_decref(arr);
		return error;
	}
	return json_body(req, arr);
}

static int
parse_microsoft(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep), *flat = NULL, *e;
	const char *m;
	size_t i;
	int error;

	(void)mt;
	if (rep->status == 200 && json_is_array(doc)) {
		/* [{"translations": [{"text": ..}]}, ...] */
		if (!(flat = json_array())) {
			json_decref(doc);
			return tm__error_nomem();
		}
		json_array_foreach(doc, i, e)
			json_array_append(flat, json_array_get(
			    json_object_get(e, "translations"), 0));
		error = tm__mt_take_texts(rep, flat, "text", n);
		json_decref(flat);
	} else if (doc && (m = json_msg(doc, "error", "message")) != NULL) {
		json_int_t code = json_integer_value(json_object_get(
		    json_object_get(doc, "error"), "code"));

		error = tm__mt_fail(rep, "%s (%" JSON_INTEGER_FORMAT ")", m,
		    code);
	} else {
		error = fail_body(rep);
	}
	json_decref(doc);
	return error;
}

/*
 * LibreTranslate
 * --------------
 */

static int
req_libre(struct tm__mt_req *req, tm_mt *mt, const char *const *segs,
    size_t n)
{
	json_t *doc;
	int error;

	if ((error = tm__buf_printf(&req->url, "%s/translate", mt->url)) < 0)
		return error;
	doc = json_pack("{s:o, s:s, s:s, s:s}", "q", string_array(segs, n),
	    "source", mt->from, "target", mt->to, "format", "text");
	if (doc && mt->key &&
	    json_object_set_new(doc, "api_key", json_string(mt->key)) < 0) {
		json_decref(doc);
		return tm__error_nomem();
	}
	return json_body(req, doc);
}

static int
parse_libre(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep), *t, *one = NULL;
	const char *m;
	int error;

	(void)mt;
	if (rep->status == 200 && doc) {
		t = json_object_get(doc, "translatedText");
		if (json_is_string(t)) {
			one = json_array();
			json_array_append(one, t);
			t = one;
		}
		error = tm__mt_take_texts(rep, t, NULL, n);
		json_decref(one);
	} else if (doc && (m = json_msg(doc, "error", NULL)) != NULL) {
		error = tm__mt_fail(rep, "%s", m);
	} else {
		error = fail_body(rep);
	}
	json_decref(doc);
	return error;
}

/*
 * Apertium APy
 * ------------
 */

static int
req_apertium(struct tm__mt_req *req, tm_mt *mt,
    const char *const *segs, size_t n)
{
	struct tm__buf q = { 0 };
	int error;

	if ((error = tm__buf_printf(&req->url, "%s/translate", mt->url)) < 0 ||
	    (error = join_lines(&q, segs, n)) < 0 ||
	    (error = tm__buf_adds(&req->body, "q=")) < 0 ||
	    (error = tm__mt_urlencode(&req->body, tm__buf_str(&q))) < 0 ||
	    (error = tm__buf_printf(&req->body, "&langpair=%s%%7C%s"
	    "&markUnknown=no&format=txt", mt->from, mt->to)) < 0)
		goto done;
	if (mt->key)
		error = tm__mt_header(req, "Authorization: Bearer %s", mt->key);
done:
	tm__buf_release(&q);
	return error;
}

static int
parse_apertium(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep);
	const char *t, *m;
	int error;

	(void)mt;
	if (rep->status == 200 && doc && (t = json_msg(doc, "responseData",
	    "translatedText")) != NULL) {
		error = tm__mt_take_lines(rep, t, n);
	} else if (doc && (m = json_msg(doc, "explanation", NULL)) != NULL) {
		error = tm__mt_fail(rep, "%s", m);
	} else if (doc && (m = json_msg(doc, "message", NULL)) != NULL) {
		error = tm__mt_fail(rep, "%s", m);
	} else {
		error = fail_body(rep);
	}
	json_decref(doc);
	return error;
}

/*
 * OpenAI-compatible chat completions
 * ----------------------------------
 */

static const char default_prompt[] =
    "You are a professional translator. Translate the text the user sends "
    "faithfully: keep its meaning, names, numbers, dates and formatting; "
    "add no explanation, note, quotation marks or commentary, and leave "
    "nothing out. Reply with the translation only.";

/* "Chinese (China) [zh-CN]" for a BCP 47 tag, in English (ICU). */
static int
lang_name(struct tm__buf *b, const char *tag)
{
	char loc[ULOC_FULLNAME_CAPACITY], name[256];
	UChar uname[128];
	UErrorCode st = U_ZERO_ERROR;
	int32_t len;

	uloc_forLanguageTag(tag, loc, sizeof(loc), NULL, &st);
	if (U_SUCCESS(st))
		len = uloc_getDisplayName(loc, "en", uname,
		    TM__ARRAY_SIZE(uname), &st);
	if (U_SUCCESS(st))
		u_strToUTF8(name, sizeof(name), NULL, uname, len, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return tm__buf_printf(b, "[%s]", tag);
	return tm__buf_printf(b, "%s [%s]", name, tag);
}

static int
req_openai(struct tm__mt_req *req, tm_mt *mt, const char *const *segs,
    size_t n)
{
	struct tm__buf sys = { 0 };
	json_t *user = NULL;
	char *user_s = NULL;
	size_t len = strlen(mt->url);
	int error;

	/* The base may or may not end in /v1 (both are common). */
	if ((error = tm__buf_printf(&req->url, "%s%s/chat/completions",
	    mt->url, len >= 3 && strcmp(mt->url + len - 3, "/v1") == 0 ?
	    "" : "/v1")) < 0)
		return error;
	if (mt->key && (error = tm__mt_header(req, "Authorization: Bearer %s",
	    mt->key)) < 0)
		return error;
	if ((error = tm__buf_adds(&sys, mt->prompt ? mt->prompt :
	    default_prompt)) < 0 ||
	    (error = tm__buf_adds(&sys, "\nSource language: ")) < 0 ||
	    (error = lang_name(&sys, mt->from_tag)) < 0 ||
	    (error = tm__buf_adds(&sys, ". Target language: ")) < 0 ||
	    (error = lang_name(&sys, mt->to_tag)) < 0 ||
	    (error = tm__buf_adds(&sys, ".")) < 0)
		goto done;
	if (n > 1) {
		if ((error = tm__buf_printf(&sys, "\nThe user sends a JSON "
		    "array of %zu strings. Reply with a JSON array of exactly "
		    "%zu strings and nothing else: the translation of each "
		    "string, in the same order.", n, n)) < 0)
			goto done;
		if (!(user = string_array(segs, n)) ||
		    !(user_s = json_dumps(user, JSON_COMPACT))) {
			error = tm__error_nomem();
			goto done;
		}
	}
	error = json_body(req, json_pack("{s:s, s:i, s:[{s:s, s:s}, "
	    "{s:s, s:s}]}", "model", mt->model ? mt->model : "gpt-4o-mini",
	    "temperature", 0, "messages", "role", "system", "content", sys.ptr,
	    "role", "user", "content", n > 1 ? user_s : segs[0]));
done:
	json_decref(user);
	free(user_s);
	tm__buf_release(&sys);
	return error;
}

static int
parse_openai(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep), *choice, *arr = NULL;
	const char *content, *finish, *m, *code;
	size_t len;
	int error;

	(void)mt;
	if (!doc) {
		error = fail_body(rep);
		goto done;
	}
	if (rep->status != 200 || json_object_get(doc, "error")) {
		if (!(m = json_msg(doc, "error", "message")) &&
		    !(m = json_msg(doc, "error", NULL))) {
			error = fail_body(rep);
			goto done;
		}
		code = json_msg(doc, "error", "code");
		if (!code)
			code = json_msg(doc, "error", "type");
		error = tm__mt_fail(rep, "%s%s%s%s", m, code ? " (" : "",
		    code ? code : "", code ? ")" : "");
		/* Out of credit: waiting will not help. */
		if (code && strcmp(code, "insufficient_quota") == 0)
			rep->retry = false;
		goto done;
	}
	choice = json_array_get(json_object_get(doc, "choices"), 0);
	content = json_msg(json_object_get(choice, "message"), "content", NULL);
	finish = json_string_value(json_object_get(choice, "finish_reason"));
	if (!content) {
		error = fail_body(rep);
		goto done;
	}
	if (finish && strcmp(finish, "length") == 0) {
		error = tm__mt_fail(rep, "the reply was cut short "
		    "(finish_reason length)");
		rep->split = true;
		goto done;
	}
	if (n == 1) {
		len = strlen(content);
		while (len && (content[len - 1] == '\n' || content[len - 1] == ' '))
			len--;
		if (!(rep->texts = tm__calloc(1, sizeof(*rep->texts))) ||
		    !(rep->texts[0] = tm__strndup(content, len)))
			error = tm__error_nomem();
		else
			error = 0;
		goto done;
	}
	/* A model may wrap the array in a ``` fence. */
	{
		const char *a = strchr(content, '['), *z = strrchr(content, ']');

		if (a && z && z > a)
			arr = json_loadb(a, (size_t)(z - a + 1), 0, NULL);
	}
	if (!json_is_array(arr)) {
		error = tm__mt_fail(rep, "the model did not reply with a JSON "
		    "array");
		rep->split = true;
		goto done;
	}
	error = tm__mt_take_texts(rep, arr, NULL, n);
done:
	json_decref(arr);
	json_decref(doc);
	return error;
}

/*
 * Baidu Fanyi
 * -----------
 */

static int
req_baidu(struct tm__mt_req *req, tm_mt *mt, const char *const *segs,
    size_t n)
{
	struct tm__buf q = { 0 }, s = { 0 };
	char salt[24], sign[33];
	int error;

	snprintf(salt, sizeof(salt), "%d",
	    rand_r(&mt->seed) % 1000000000 + 1);
	if ((error = join_lines(&q, segs, n)) < 0 ||
	    (error = tm__buf_printf(&s, "%s%s%s%s", mt->appid,
	    tm__buf_str(&q), salt, mt->key)) < 0 ||
	    (error = tm__mt_md5_hex(sign, s.ptr, s.len)) < 0)
		goto done;
	if ((error = tm__buf_printf(&req->url, "%s/api/trans/vip/translate",
	    mt->url)) < 0 ||
	    (error = tm__buf_adds(&req->body, "q=")) < 0 ||
	    (error = tm__mt_urlencode(&req->body, tm__buf_str(&q))) < 0 ||
	    (error = tm__buf_printf(&req->body, "&from=%s&to=%s&appid=",
	    mt->from, mt->to)) < 0 ||
	    (error = tm__mt_urlencode(&req->body, mt->appid)) < 0 ||
	    (error = tm__buf_printf(&req->body, "&salt=%s&sign=%s", salt,
	    sign)) < 0)
		goto done;
	error = tm__mt_header(req, "Content-Type: "
	    "application/x-www-form-urlencoded");
done:
	if (s.ptr)
		memset(s.ptr, 0, s.len);
	tm__buf_release(&s);
	tm__buf_release(&q);
	return error;
}

static int
parse_baidu(struct tm__mt_reply *rep, const tm_mt *mt, size_t n)
{
	json_t *doc = tm__mt_json(rep), *e, *res;
	struct tm__buf joined = { 0 };
	const char *code, *m;
	char num[32];
	size_t i;
	int error = 0;

	(void)mt;
	if (!doc) {
		error = fail_body(rep);
		goto done;
	}
	/* Errors come with HTTP 200; error_code is a string or a number. */
	e = json_object_get(doc, "error_code");
	code = json_string_value(e);
	if (json_is_integer(e)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(e));
		code = num;
	}
	if ((code && strcmp(code, "52000") != 0) || rep->status != 200) {
		m = json_msg(doc, "error_msg", NULL);
		tm__mt_fail(rep, "error %s: %s", code ? code : "?",
		    m ? m : "no message");
		/* 52001 timeout, 52002 system error, 54003 rate: try again. */
		rep->retry = tm__mt_status_retry(rep->status) || (code &&
		    (strcmp(code, "52001") == 0 || strcmp(code, "52002") == 0 ||
		    strcmp(code, "54003") == 0 || strcmp(code, "54005") == 0));
		error = TM_ENET;
		goto done;
	}
	res = json_object_get(doc, "trans_result");
	if (n == 1 && json_is_array(res)) {
		/* A segment with newlines comes back as several lines. */
		json_array_foreach(res, i, e) {
			const char *d = json_msg(e, "dst", NULL);

			if (!d) {
				error = fail_body(rep);
				goto done;
			}
			if ((i && (error = tm__buf_addc(&joined, '\n')) < 0) ||
			    (error = tm__buf_adds(&joined, d)) < 0)
				goto done;
		}
		error = tm__mt_take_lines(rep, tm__buf_str(&joined), 1);
		goto done;
	}
	error = tm__mt_take_texts(rep, res, "dst", n);
done:
	tm__buf_release(&joined);
	json_decref(doc);
	return error;
}

/*
 * The table
 * ---------
 */

static const struct tm__mt_ops deepl = {
	"deepl", "https://api.deepl.com", 50, 120000, 4, true, false,
	lang_deepl, req_deepl, parse_deepl,
};
static const struct tm__mt_ops google = {
	"google", "https://translation.googleapis.com", 128, 30000, 4, true,
	false, lang_google, req_google, parse_google,
};
static const struct tm__mt_ops microsoft = {
	"microsoft", "https://api.cognitive.microsofttranslator.com", 1000,
	50000, 4, true, false, lang_microsoft, req_microsoft, parse_microsoft,
};
static const struct tm__mt_ops libre = {
	"libretranslate", "https://libretranslate.com", 50, 30000, 2, false,
	false, lang_libre, req_libre, parse_libre,
};
/*
 * APy cuts a request into at most 10 pieces of PIPE_BUF (4096) bytes, or
 * of 500 to 1000 characters when more than two clients share its
 * pipeline, and silently drops the rest: 4000 bytes a request is the
 * most that always comes back whole.
 */
static const struct tm__mt_ops apertium = {
	"apertium", "https://apertium.org/apy", 1000, 4000, 2, false, true,
	lang_apertium, req_apertium, parse_apertium,
};
static const struct tm__mt_ops openai = {
	"openai", "https://api.openai.com", 20, 8000, 2, false, false,
	lang_openai, req_openai, parse_openai,
};
static const struct tm__mt_ops baidu = {
	"baidu", "https://fanyi-api.baidu.com", 100, 6000, 1, true, true,
	lang_baidu, req_baidu, parse_baidu,
};

const struct tm__mt_ops *const tm__mt_types[] = {
	&deepl, &google, &microsoft, &libre, &apertium, &openai, &baidu, NULL
};

const struct tm__mt_ops *
tm__mt_type(const char *name)
{
	size_t i;

	for (i = 0; tm__mt_types[i]; i++)
		if (strcmp(tm__mt_types[i]->type, name) == 0)
			return tm__mt_types[i];
	return NULL;
}
