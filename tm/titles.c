/*
 * titles.c: the official titles the checker knows (主任 = Director,
 * 总领事 = Consul General), one row per English form.  The common ones
 * ship here, compiled in so that no data file has to be found at run
 * time; a user adds rows from a TSV file (tm_check_titles_load, and the
 * user's $XDG_CONFIG_HOME/tm/titles.tsv read once on first use).  The
 * list only grows, under a lock, and lives as long as the process.
 */
#include "tm-int.h"
#include "titles.h"

#include <errno.h>
#include <pthread.h>

/*
 * A title without its qualifier: 副主任 is 副 + 主任, read as Deputy +
 * Director, so only the bare rank is listed.  Where one Chinese title
 * has several English forms, each is a row.
 */
static const struct tm__title shipped[] = {
	{ "主席", "President" }, { "主席", "Chairman" },
	{ "主席", "Chairwoman" }, { "主席", "Chair" },
	{ "总统", "President" },
	{ "总理", "Premier" },
	{ "首相", "Prime Minister" },
	{ "部长", "Minister" },
	{ "大使", "Ambassador" },
	{ "总领事", "Consul General" },
	{ "领事", "Consul" },
	{ "公使", "Minister" },
	{ "参赞", "Counsellor" }, { "参赞", "Counselor" },
	{ "一等秘书", "First Secretary" },
	{ "二等秘书", "Second Secretary" },
	{ "三等秘书", "Third Secretary" },
	{ "随员", "Attaché" }, { "随员", "Attache" },
	{ "秘书长", "Secretary-General" },
	{ "书记", "Party Secretary" }, { "书记", "Secretary" },
	{ "市长", "Mayor" },
	{ "省长", "Governor" },
	{ "州长", "Governor" },
	{ "县长", "County Magistrate" }, { "县长", "County Head" },
	{ "区长", "District Mayor" }, { "区长", "District Head" },
	{ "主任", "Director" },
	{ "司长", "Director-General" },
	{ "局长", "Director-General" }, { "局长", "Director" },
	{ "厅长", "Director-General" }, { "厅长", "Director" },
	{ "处长", "Division Director" }, { "处长", "Division Chief" },
	{ "处长", "Director" },
	{ "科长", "Section Chief" },
	{ "发言人", "Spokesperson" }, { "发言人", "Spokesman" },
	{ "发言人", "Spokeswoman" },
	{ "委员长", "Chairman" },
	{ "董事长", "Chairman" }, { "董事长", "Chair" },
	{ "总经理", "General Manager" },
	{ "总干事", "Director-General" },
	{ "会长", "President" }, { "会长", "Chairman" },
	{ "理事长", "President" }, { "理事长", "Chairman" },
	{ "校长", "President" }, { "校长", "Principal" },
	{ "院长", "President" }, { "院长", "Dean" },
	{ "行长", "Governor" }, { "行长", "President" },
	{ "议长", "Speaker" }, { "议长", "President" },
	{ "特使", "Special Envoy" }, { "特使", "Envoy" },
	{ "常驻代表", "Permanent Representative" },
	{ "专员", "Commissioner" },
	{ "检察长", "Procurator-General" }, { "检察长", "Chief Procurator" },
	{ "审计长", "Auditor-General" },
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tm__title *all;	/* shipped, then the user's rows */
static size_t nall, cap;
static bool loaded;		/* the user's default file was read */

static int
add_row(const char *zh, size_t zl, const char *en, size_t el)
{
	char *z, *e;

	if (nall == cap && tm__grow((void **)&all, &cap, nall,
	    sizeof(*all)) < 0)
		return tm__error_nomem();
	if (!(z = tm__malloc(zl + 1)))
		return tm__error_nomem();
	if (!(e = tm__malloc(el + 1))) {
		free(z);
		return tm__error_nomem();
	}
	memcpy(z, zh, zl);
	z[zl] = '\0';
	memcpy(e, en, el);
	e[el] = '\0';
	all[nall].zh = z;
	all[nall].en = e;
	nall++;
	return 0;
}

static int
load_shipped(void)
{
	size_t i;
	int error = 0;

	if (nall)
		return 0;
	for (i = 0; i < TM__ARRAY_SIZE(shipped) && !error; i++)
		error = add_row(shipped[i].zh, strlen(shipped[i].zh),
		    shipped[i].en, strlen(shipped[i].en));
	return error;
}

/* One line "zh<TAB>English[<TAB>English...]"; '#' starts a comment. */
static int
parse_line(const char *path, long lineno, char *line)
{
	char *tab, *f, *next;
	size_t n = strlen(line);
	int error = 0;

	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    line[n - 1] == ' '))
		line[--n] = '\0';
	if (!n || line[0] == '#')
		return 0;
	if (tm__utf8_valid(line, n) != n)
		return tm__error(TM_EUTF8, "'%s': line %ld: not UTF-8", path,
		    lineno);
	if (!(tab = strchr(line, '\t')) || tab == line || !tab[1])
		return tm__error(TM_EPARSE, "'%s': line %ld: want a Chinese "
		    "title, a tab and its English form", path, lineno);
	for (f = tab + 1; f && !error; f = next) {
		next = strchr(f, '\t');
		n = next ? (size_t)(next - f) : strlen(f);
		if (next)
			next++;
		if (n)
			error = add_row(line, (size_t)(tab - line), f, n);
	}
	return error;
}

static int
load_file(const char *path, bool missing_ok)
{
	FILE *fp;
	char *line = NULL;
	size_t lcap = 0;
	long lineno = 0;
	int error = 0;

	if (!(fp = fopen(path, "r"))) {
		if (missing_ok && errno == ENOENT)
			return 0;
		return tm__error(TM_EIO, "'%s': cannot read it: %s", path,
		    strerror(errno));
	}
	while (!error && getline(&line, &lcap, fp) >= 0)
		error = parse_line(path, ++lineno, line);
	if (!error && ferror(fp))
		error = tm__error(TM_EIO, "'%s': cannot read it", path);
	free(line);
	fclose(fp);
	return error;
}

/* $XDG_CONFIG_HOME/tm/titles.tsv, else ~/.config/tm/titles.tsv. */
static int
load_default(void)
{
	struct tm__buf b = { 0 };
	const char *env;
	int error = 0;

	if ((env = getenv("XDG_CONFIG_HOME")) && *env == '/')
		error = tm__buf_printf(&b, "%s/tm/titles.tsv", env);
	else if ((env = getenv("HOME")) && *env)
		error = tm__buf_printf(&b, "%s/.config/tm/titles.tsv", env);
	else
		return 0;
	if (!error)
		error = load_file(tm__buf_str(&b), true);
	tm__buf_release(&b);
	return error;
}

int
tm__titles_acquire(const struct tm__title **out, size_t *n)
{
	int error;

	pthread_mutex_lock(&lock);
	if ((error = load_shipped()) < 0 ||
	    (!loaded && (error = load_default()) < 0)) {
		pthread_mutex_unlock(&lock);
		return error;
	}
	loaded = true;
	*out = all;
	*n = nall;
	return 0;
}

void
tm__titles_release(void)
{
	pthread_mutex_unlock(&lock);
}

int
tm_check_titles_load(const char *path)
{
	int error;

	if (!path)
		return tm__error(TM_EINVAL, "titles: no file");
	pthread_mutex_lock(&lock);
	if ((error = load_shipped()) == 0)
		error = load_file(path, false);
	pthread_mutex_unlock(&lock);
	return error;
}
