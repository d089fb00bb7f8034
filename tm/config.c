/*
 * config.c: the config file that names the machine-translation providers
 * ($TM_CONFIG, else $XDG_CONFIG_HOME/tm/config, else ~/.config/tm/config).
 * It is an INI file read by inih; each [provider NAME] section gives a
 * type and options.  Keys are never written in it: a provider names the
 * environment variable that holds its key (key_env), and an option that
 * looks like a secret is refused without repeating its value.
 */
#include "mt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <jansson.h>

struct parse_state {
	tm_mt_config *cfg;
	struct tm__buf err;	/* the first problem, without the line */
	int nomem;
};

/* Options whose value would be a secret. */
static const char *const secret_names[] = {
	"key", "api_key", "apikey", "auth_key", "secret", "secret_key",
	"token", "password", "subscription_key", "appkey", "app_secret",
};

static struct tm__mt_provider *
find_provider(tm_mt_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		if (strcmp(cfg->p[i].name, name) == 0)
			return &cfg->p[i];
	return NULL;
}

static struct tm__mt_provider *
add_provider(tm_mt_config *cfg, const char *name)
{
	struct tm__mt_provider *p;

	if (tm__grow((void **)&cfg->p, &cfg->cap, cfg->n, sizeof(*p)) < 0)
		return NULL;
	p = &cfg->p[cfg->n];
	memset(p, 0, sizeof(*p));
	if (!(p->name = tm__strdup(name)))
		return NULL;
	p->timeout_ms = p->connect_timeout_ms = p->batch_timeout_ms = -1;
	p->concurrency = p->batch = p->batch_bytes = p->retries = -1;
	p->retry_base_ms = p->retry_cap_ms = p->retry_after_max_ms = -1;
	cfg->n++;
	return p;
}

/* A count option: a whole number from lo to hi. */
static bool
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && end != s && !*end && *out >= lo && *out <= hi;
}

/* Seconds, perhaps with a fraction, into milliseconds. */
static bool
parse_seconds(const char *s, long *out_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400)
		return false;
	*out_ms = (long)(v * 1000 + 0.5);
	if (*out_ms < 1)
		*out_ms = 1;
	return true;
}

static int
set_string(char **field, const char *value)
{
	char *s = tm__strdup(value);

	if (!s)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	struct tm__mt_provider *p;
	const char *pname;
	size_t i;
	long *num = NULL, lo = 0, hi = 0;
	char **str = NULL;

	if (ps->err.len || ps->nomem)
		return 0;
	for (i = 0; i < TM__ARRAY_SIZE(secret_names); i++)
		if (strcmp(name, secret_names[i]) == 0) {
			tm__buf_printf(&ps->err, "'%s' looks like a secret: "
			    "keys are read from the environment only; put it "
			    "in a variable and name that with key_env", name);
			return 0;
		}
	if (strncmp(section, "provider", 8) != 0 ||
	    (section[8] != ' ' && section[8] != '\t')) {
		tm__buf_printf(&ps->err, "unknown section [%s]: expected "
		    "[provider NAME]", section);
		return 0;
	}
	for (pname = section + 8; *pname == ' ' || *pname == '\t'; pname++)
		;
	if (!*pname || strpbrk(pname, " \t")) {
		tm__buf_printf(&ps->err, "[%s]: a provider's name is one word",
		    section);
		return 0;
	}
	if (!(p = find_provider(ps->cfg, pname)) &&
	    !(p = add_provider(ps->cfg, pname))) {
		ps->nomem = 1;
		return 0;
	}

	if (strcmp(name, "type") == 0) {
		if (!(p->ops = tm__mt_type(value))) {
			tm__buf_printf(&ps->err, "[provider %s]: unknown type "
			    "'%s' (deepl, google, microsoft, libretranslate, "
			    "apertium, openai, baidu)", pname, value);
			return 0;
		}
		str = &p->type;
	} else if (strcmp(name, "url") == 0) {
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0) {
			tm__buf_printf(&ps->err, "[provider %s]: url must "
			    "start with https:// or http://", pname);
			return 0;
		}
		str = &p->url;
	} else if (strcmp(name, "key_env") == 0) {
		str = &p->key_env;
	} else if (strcmp(name, "model") == 0) {
		str = &p->model;
	} else if (strcmp(name, "prompt") == 0) {
		str = &p->prompt;
	} else if (strcmp(name, "region") == 0) {
		str = &p->region;
	} else if (strcmp(name, "appid") == 0) {
		str = &p->appid;
	} else if (strcmp(name, "appid_env") == 0) {
		str = &p->appid_env;
	} else if (strcmp(name, "timeout") == 0 ||
	    strcmp(name, "connect_timeout") == 0 ||
	    strcmp(name, "batch_timeout") == 0 ||
	    strcmp(name, "retry_after_max") == 0) {
		long *ms = name[0] == 't' ? &p->timeout_ms :
		    name[0] == 'c' ? &p->connect_timeout_ms :
		    name[0] == 'b' ? &p->batch_timeout_ms :
		    &p->retry_after_max_ms;

		if (!parse_seconds(value, ms)) {
			tm__buf_printf(&ps->err, "[provider %s]: %s wants "
			    "seconds (e.g. 30 or 1.5), not '%s'", pname, name,
			    value);
			return 0;
		}
		return 1;
	} else if (strcmp(name, "concurrency") == 0) {
		num = &p->concurrency, lo = 1, hi = 64;
	} else if (strcmp(name, "batch") == 0) {
		num = &p->batch, lo = 1, hi = 10000;
	} else if (strcmp(name, "batch_bytes") == 0) {
		num = &p->batch_bytes, lo = 1, hi = 16 << 20;
	} else if (strcmp(name, "retries") == 0) {
		num = &p->retries, lo = 0, hi = 20;
	} else if (strcmp(name, "retry_base_ms") == 0) {
		num = &p->retry_base_ms, lo = 0, hi = 600000;
	} else if (strcmp(name, "retry_cap_ms") == 0) {
		num = &p->retry_cap_ms, lo = 0, hi = 3600000;
	} else {
		tm__buf_printf(&ps->err, "[provider %s]: unknown option '%s'",
		    pname, name);
		return 0;
	}
	if (num) {
		if (!parse_long(value, lo, hi, num)) {
			tm__buf_printf(&ps->err, "[provider %s]: %s wants a "
			    "number from %ld to %ld, not '%s'", pname, name, lo,
			    hi, value);
			return 0;
		}
		return 1;
	}
	if (set_string(str, value) < 0) {
		ps->nomem = 1;
		return 0;
	}
	return 1;
}

int
tm_mt_config_default_path(char **out)
{
	const char *env;
	struct tm__buf b = { 0 };
	int error;

	*out = NULL;
	if ((env = getenv("TM_CONFIG")) && *env)
		error = tm__buf_adds(&b, env);
	else if ((env = getenv("XDG_CONFIG_HOME")) && *env == '/')
		error = tm__buf_printf(&b, "%s/tm/config", env);
	else if ((env = getenv("HOME")) && *env)
		error = tm__buf_printf(&b, "%s/.config/tm/config", env);
	else
		return tm__error(TM_ENOTFOUND, "no config file: set TM_CONFIG "
		    "or HOME");
	if (error < 0) {
		tm__buf_release(&b);
		return error;
	}
	*out = tm__buf_detach(&b);
	return *out ? 0 : tm__error_nomem();
}

int
tm_mt_config_load(tm_mt_config **out, const char *path)
{
	struct parse_state ps = { 0 };
	tm_mt_config *cfg = NULL;
	char *dflt = NULL;
	const char *env;
	FILE *f = NULL;
	int error = 0, rc;
	size_t i;
	bool named = path != NULL;

	*out = NULL;
	if (!path) {
		if ((error = tm_mt_config_default_path(&dflt)) < 0)
			return error;
		path = dflt;
		named = (env = getenv("TM_CONFIG")) && *env;
	}
	if (!(cfg = tm__calloc(1, sizeof(*cfg))) ||
	    !(cfg->path = tm__strdup(path))) {
		error = tm__error_nomem();
		goto done;
	}
	if (!(f = fopen(path, "r"))) {
		if (errno == ENOENT && !named)
			goto done;	/* no file: no providers */
		error = tm__error(errno == ENOENT ? TM_ENOTFOUND : TM_EIO,
		    "cannot read config file '%s': %s", path,
		    tm__strerror(errno));
		goto done;
	}
	ps.cfg = cfg;
	rc = ini_parse_file(f, handler, &ps);
	if (ps.nomem) {
		error = tm__error_nomem();
		goto done;
	}
	if (rc != 0) {
		error = tm__error(TM_EPARSE, "config file '%s': line %d: %s",
		    path, rc, ps.err.len ? ps.err.ptr : "not a name = value "
		    "line nor a [section]");
		goto done;
	}
	for (i = 0; i < cfg->n; i++) {
		struct tm__mt_provider *p = &cfg->p[i];

		if (!p->ops) {
			error = tm__error(TM_EPARSE, "config file '%s': "
			    "[provider %s] has no type", path, p->name);
			goto done;
		}
		if (p->ops->needs_key && !p->key_env) {
			error = tm__error(TM_EPARSE, "config file '%s': "
			    "[provider %s] needs key_env, the environment "
			    "variable that holds its key", path, p->name);
			goto done;
		}
	}
done:
	if (f)
		fclose(f);
	tm__buf_release(&ps.err);
	free(dflt);
	if (error < 0) {
		tm_mt_config_free(cfg);
		return error;
	}
	*out = cfg;
	return 0;
}

void
tm_mt_config_free(tm_mt_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n; i++) {
		struct tm__mt_provider *p = &cfg->p[i];

		free(p->name);
		free(p->type);
		free(p->url);
		free(p->key_env);
		free(p->model);
		free(p->prompt);
		free(p->region);
		free(p->appid);
		free(p->appid_env);
	}
	free(cfg->p);
	free(cfg->path);
	free(cfg);
}

size_t
tm_mt_config_count(const tm_mt_config *cfg)
{
	return cfg ? cfg->n : 0;
}

int
tm_mt_config_get(tm_mt_provider_info *out, const tm_mt_config *cfg,
    size_t i)
{
	const struct tm__mt_provider *p;
	const char *v;

	if (!out || !cfg || i >= cfg->n)
		return tm__error(TM_EINVAL, "no provider %zu", i);
	p = &cfg->p[i];
	out->name = p->name;
	out->type = p->ops->type;
	out->url = p->url ? p->url : p->ops->default_url;
	out->model = p->model;
	out->key_env = p->key_env;
	out->key_set = p->key_env && (v = getenv(p->key_env)) && *v;
	out->key_needed = p->ops->needs_key;
	return 0;
}

int
tm_mt_config_json(char **out, const tm_mt_config *cfg)
{
	json_t *doc, *arr = NULL;
	tm_mt_provider_info p;
	size_t i;
	int error = 0;

	*out = NULL;
	if (!(doc = json_pack("{s:s}", "config", cfg->path)) ||
	    !(arr = json_array()) ||
	    json_object_set_new(doc, "providers", arr) < 0) {
		error = tm__error_nomem();
		goto done;
	}
	for (i = 0; i < cfg->n; i++) {
		json_t *o;

		tm_mt_config_get(&p, cfg, i);
		o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:b, s:b}",
		    "name", p.name, "type", p.type, "url", p.url,
		    "model", p.model, "key_env", p.key_env,
		    "key_set", p.key_set, "key_needed", p.key_needed);
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
