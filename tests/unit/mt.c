/*
 * Unit tests for mt.c, mt-providers.c and config.c: language codes per
 * provider, Baidu's MD5, URL encoding, key redaction, reply helpers and
 * the config file.  HTTP itself is tested end to end against real
 * servers (tests/cli/t003*-mt-*.sh).
 */
#include "mt.h"
#include "../tap.h"

#include <unistd.h>

#include <jansson.h>

static const char *
code(const char *type, const char *tag, bool target)
{
	static char out[32];
	char key[64];

	if (tm_lang_key(key, sizeof(key), tag) < 0 ||
	    tm__mt_type(type)->lang(out, sizeof(out), key, target) < 0) {
		tm_error_clear();
		return "(error)";
	}
	return out;
}

static char cfgdir[] = "/tmp/tm-unit-mt-XXXXXX";

static const char *
write_cfg(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cfgdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

int
main(void)
{
	char hex[33];
	struct tm__buf b = { 0 };
	struct tm__mt_reply rep = { 0 };
	tm_mt_config *cfg = NULL;
	tm_mt_provider_info info;
	tm_mt *mt = NULL;
	const char *p;

	/* Language codes: zh-CN -> ZH / ZH-HANS / zh-Hans / zh / zh-CN. */
	is_str(code("deepl", "zh-CN", false), "ZH", "deepl: zh-CN source ZH");
	is_str(code("deepl", "zh-CN", true), "ZH-HANS", "deepl: target ZH-HANS");
	is_str(code("deepl", "zh_TW", true), "ZH-HANT", "deepl: zh_TW ZH-HANT");
	is_str(code("deepl", "en-US", false), "EN", "deepl: en-US source EN");
	is_str(code("deepl", "en-US", true), "EN-US", "deepl: target EN-US");
	is_str(code("deepl", "en-GB", true), "EN-GB", "deepl: target EN-GB");
	is_str(code("deepl", "en", true), "EN-US", "deepl: bare en is EN-US");
	is_str(code("deepl", "pt-BR", true), "PT-BR", "deepl: PT-BR");
	is_str(code("google", "zh-Hans", false), "zh-CN", "google: zh-CN");
	is_str(code("google", "zh-HK", true), "zh-TW", "google: zh-HK as zh-TW");
	is_str(code("google", "en-US", true), "en", "google: en");
	is_str(code("microsoft", "zh-CN", false), "zh-Hans",
	    "microsoft: zh-Hans");
	is_str(code("microsoft", "zh-TW", true), "zh-Hant",
	    "microsoft: zh-Hant");
	is_str(code("libretranslate", "zh-CN", false), "zh",
	    "libretranslate: zh");
	is_str(code("apertium", "en-US", false), "eng", "apertium: eng");
	is_str(code("apertium", "es", true), "spa", "apertium: spa");
	is_str(code("apertium", "spa", true), "spa", "apertium: 639-3 kept");
	is_str(code("apertium", "zz", true), "(error)",
	    "apertium: unknown 639-1 refused");
	is_str(code("baidu", "zh-CN", false), "zh", "baidu: zh");
	is_str(code("baidu", "zh-TW", true), "cht", "baidu: cht");
	is_str(code("baidu", "ja", true), "jp", "baidu: jp");
	is_str(code("openai", "zh-CN", true), "zh-cn", "openai: the tag");
	is_str(code("google", "1x", true), "(error)", "a tag without language");

	/* Baidu's sign: MD5 (RFC 1321 test vectors). */
	ok(tm__mt_md5_hex(hex, "", 0) == 0, "md5 of nothing");
	is_str(hex, "d41d8cd98f00b204e9800998ecf8427e", "md5('')");
	tm__mt_md5_hex(hex, "abc", 3);
	is_str(hex, "900150983cd24fb0d6963f7d28e17f72", "md5('abc')");

	tm__mt_urlencode(&b, "a b/c&d=é");
	is_str(b.ptr, "a+b%2Fc%26d%3D%C3%A9", "form encoding");
	tm__buf_release(&b);

	/* Reply helpers. */
	rep.status = 200;
	ok(tm__mt_take_lines(&rep, "one\ntwo", 3) == TM_EPARSE && rep.split,
	    "wrong line count: split into single requests");
	tm__buf_release(&rep.msg);
	rep.split = false;
	ok(tm__mt_take_lines(&rep, "one\ntwo\n", 3) == 0 &&
	    strcmp(rep.texts[1], "two") == 0 && strcmp(rep.texts[2], "") == 0,
	    "lines taken in order");
	free(rep.texts[0]);
	free(rep.texts[1]);
	free(rep.texts[2]);
	free(rep.texts);
	rep.texts = NULL;
	ok(tm__mt_take_lines(&rep, "a\nb", 1) == 0 &&
	    strcmp(rep.texts[0], "a\nb") == 0, "a single segment keeps its newlines");
	free(rep.texts[0]);
	free(rep.texts);
	rep.body = "\xEF\xBB\xBF[1]";
	rep.len = strlen(rep.body);
	{
		struct json_t *j = tm__mt_json(&rep);

		ok(j != NULL, "a BOM before JSON is skipped");
		json_decref(j);
	}
	ok(tm__mt_status_retry(429) && tm__mt_status_retry(503) &&
	    !tm__mt_status_retry(401) && !tm__mt_status_retry(456),
	    "retry 429 and 5xx, not 401 or 456");

	/* The config file. */
	if (!mkdtemp(cfgdir))
		return 1;
	p = write_cfg("ok", "; comment\n[provider d]\ntype = deepl\n"
	    "key_env = TM_UNIT_KEY\ntimeout = 1.5\nbatch = 9999\n"
	    "[provider a]\ntype = apertium\nurl = http://127.0.0.1:1/\n");
	ok(tm_mt_config_load(&cfg, p) == 0, "a config loads");
	is_int(tm_mt_config_count(cfg), 2, "two providers");
	ok(tm_mt_config_get(&info, cfg, 0) == 0 && !info.key_set &&
	    strcmp(info.url, "https://api.deepl.com") == 0,
	    "the default URL; the key is not set");
	ok(tm_mt_open(&mt, cfg, "d") == TM_EINVAL, "open without the key fails");
	ok(strstr(tm_error_last()->message, "TM_UNIT_KEY") != NULL,
	    "naming the variable");
	tm_error_clear();
	setenv("TM_UNIT_KEY", "abc:fx", 1);
	ok(tm_mt_open(&mt, cfg, "d") == 0, "with the key it opens");
	is_str(mt->url, "https://api-free.deepl.com", "a :fx key uses DeepL Free");
	is_int(mt->timeout_ms, 1500, "timeout in seconds");
	is_int(mt->batch, 50, "batch capped at DeepL's 50");
	tm__buf_adds(&b, "bad key abc:fx and abc%3Afx here");
	tm__mt_redact(mt, &b);
	is_str(b.ptr, "bad key *** and *** here", "the key is redacted");
	tm__buf_release(&b);
	tm_mt_close(mt);
	mt = NULL;
	ok(tm_mt_open(&mt, cfg, "a") == 0, "apertium needs no key");
	is_str(mt->url, "http://127.0.0.1:1", "a trailing / is dropped");
	/* What a person at a terminal waits for a provider that hangs. */
	is_int(mt->timeout_ms, 30000, "default: a request 30 s");
	is_int(mt->connect_timeout_ms, 10000, "default: a connection 10 s");
	is_int(mt->batch_timeout_ms, 90000, "default: all tries of a batch 90 s");
	tm_mt_close(mt);
	tm_mt_config_free(cfg);
	cfg = NULL;

	p = write_cfg("secret", "[provider d]\ntype = deepl\n"
	    "api_key = s3cr3t-value\n");
	ok(tm_mt_config_load(&cfg, p) == TM_EPARSE, "a key in the file is refused");
	ok(strstr(tm_error_last()->message, "line 3") != NULL &&
	    strstr(tm_error_last()->message, "s3cr3t") == NULL,
	    "with its line, without its value");
	tm_error_clear();
	ok(tm_mt_config_load(&cfg, write_cfg("none", "")) == 0 &&
	    tm_mt_config_count(cfg) == 0, "an empty file: no providers");
	tm_mt_config_free(cfg);
	ok(tm_mt_config_load(&cfg, "/nonexistent/tm-config") == TM_ENOTFOUND,
	    "a named file that is missing");
	tm_error_clear();

	unlink(write_cfg("ok", ""));
	unlink(write_cfg("secret", ""));
	unlink(write_cfg("none", ""));
	rmdir(cfgdir);
	return done_testing();
}
