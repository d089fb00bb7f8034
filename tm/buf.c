/*
 * buf.c: growable byte buffers (git's strbuf), used for every string the
 * library builds: serialised segments, keys, SQL, messages.
 */
/* O_TMPFILE (Linux) is a GNU extension of fcntl.h. */
#define _GNU_SOURCE 1
#include "tm-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
tm__buf_grow(struct tm__buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return tm__error_nomem();
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (!(p = tm__realloc(b->ptr, cap)))
		return tm__error_nomem();
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int
tm__buf_add(struct tm__buf *b, const void *data, size_t len)
{
	int error;

	if ((error = tm__buf_grow(b, len)) < 0)
		return error;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int
tm__buf_adds(struct tm__buf *b, const char *s)
{
	return tm__buf_add(b, s, strlen(s));
}

int
tm__buf_addc(struct tm__buf *b, char c)
{
	return tm__buf_add(b, &c, 1);
}

int
tm__buf_vprintf(struct tm__buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n, error;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return tm__error(TM_ERROR, "cannot format text");
	if ((error = tm__buf_grow(b, (size_t)n)) < 0)
		return error;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
tm__buf_printf(struct tm__buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = tm__buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

/* Bytes that XML text (1) or attribute values (2) must escape. */
static const unsigned char xml_special[256] = {
	['<'] = 3, ['>'] = 3, ['&'] = 3, ['\r'] = 3,
	['"'] = 2, ['\n'] = 2, ['\t'] = 2,
};

int
tm__buf_add_xml(struct tm__buf *b, const char *s, size_t len, bool quote)
{
	unsigned char mask = quote ? 2 : 1;
	size_t i = 0, start = 0;
	const char *rep;
	int error;

	for (;;) {
		while (i < len && !(xml_special[(unsigned char)s[i]] & mask))
			i++;
		if (i == len)
			break;
		switch (s[i]) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		/* Keep these in attributes: a parser would normalise them away. */
		case '\n': rep = "&#10;"; break;
		case '\t': rep = "&#9;"; break;
		default: rep = "&#13;"; break;
		}
		if ((error = tm__buf_add(b, s + start, i - start)) < 0 ||
		    (error = tm__buf_adds(b, rep)) < 0)
			return error;
		start = ++i;
	}
	return tm__buf_add(b, s + start, len - start);
}

/* XML 1.0 holds no control character but tab, LF and CR. */
int
tm__buf_xmln(struct tm__buf *b, const char *s, size_t len, bool quote)
{
	size_t i = 0, start = 0;
	int error;

	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			continue;
		if ((error = tm__buf_add_xml(b, s + start, i - start,
		    quote)) < 0 ||
		    (error = tm__buf_adds(b, "\xef\xbf\xbd")) < 0)
			return error;
		start = i + 1;
	}
	return tm__buf_add_xml(b, s + start, len - start, quote);
}

int
tm__buf_xml(struct tm__buf *b, const char *s, bool quote)
{
	return tm__buf_xmln(b, s, strlen(s), quote);
}

void
tm__buf_reset(struct tm__buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void
tm__buf_release(struct tm__buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *
tm__buf_detach(struct tm__buf *b)
{
	char *s = b->ptr;

	if (!s)
		s = tm__strdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return s;
}

int
tm__buf_read_file(struct tm__buf *b, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int error = 0;

	if (!f)
		return tm__error(TM_EIO, "cannot open '%s': %s", path,
		    tm__strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((error = tm__buf_add(b, chunk, n)) < 0) {
			error = tm__error_nomem();
			break;
		}
	if (error == 0 && ferror(f))
		error = tm__error(TM_EIO, "cannot read '%s': %s", path,
		    tm__strerror(errno));
	if (f != stdin)
		fclose(f);
	return error;
}

int
tm__output_open(const char *path, char **tmp, int *fd)
{
	struct tm__buf b = { 0 };
	struct stat st;

	*tmp = NULL;
	*fd = -1;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((*fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
			return tm__error(TM_EIO, "cannot write '%s': %s", path,
			    tm__strerror(errno));
		return 0;
	}
#ifdef O_TMPFILE
	/*
	 * An unnamed file in the target's folder: a process killed while
	 * writing leaves nothing behind.  It gets a name (and replaces the
	 * target) only in tm__output_close, through /proc's link to it.
	 */
	if (access("/proc/self/fd", X_OK) == 0) {
		const char *slash = strrchr(path, '/');
		char *dir = slash ? tm__strndup(path, slash == path ? 1 :
		    (size_t)(slash - path)) : tm__strdup(".");
		int t = dir ? open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC,
		    0644) : -1, keep = -1;

		free(dir);
		if (t >= 0 && (keep = fcntl(t, F_DUPFD_CLOEXEC, 0)) >= 0 &&
		    tm__buf_printf(&b, "/proc/self/fd/%d", keep) == 0) {
			*fd = t;
			*tmp = tm__buf_detach(&b);
			return 0;
		}
		if (keep >= 0)
			close(keep);
		if (t >= 0)
			close(t);
		tm__buf_release(&b);
	}
#endif
	if (tm__buf_printf(&b, "%s.tmp-XXXXXX", path) < 0)
		return tm__error_nomem();
	if ((*fd = mkstemp(b.ptr)) < 0) {
		tm__buf_release(&b);
		return tm__error(TM_EIO, "cannot write '%s': %s", path,
		    tm__strerror(errno));
	}
	/* mkstemp makes it 0600; an output is as readable as any file. */
	(void)fchmod(*fd, 0644);
	*tmp = tm__buf_detach(&b);
	return 0;
}

/*
 * Give the unnamed file behind /proc/self/fd/N the name `path`: linked
 * under a fresh name beside it, then renamed over it.  Closes N.
 */
static int
name_tmpfile(const char *path, const char *proc, int error)
{
	struct tm__buf b = { 0 };
	long keep = strtol(proc + 14, NULL, 10);
	unsigned i;

	for (i = 0; !error; i++) {
		tm__buf_reset(&b);
		if (tm__buf_printf(&b, "%s.tmp-%ld-%u", path, (long)getpid(),
		    i) < 0) {
			error = tm__error_nomem();
			break;
		}
		if (linkat(AT_FDCWD, proc, AT_FDCWD, b.ptr,
		    AT_SYMLINK_FOLLOW) == 0) {
			if (rename(b.ptr, path) != 0) {
				error = tm__error(TM_EIO, "cannot write '%s': "
				    "%s", path, tm__strerror(errno));
				unlink(b.ptr);
			}
			break;
		}
		if (errno != EEXIST || i > 1000)
			error = tm__error(TM_EIO, "cannot write '%s': %s",
			    path, tm__strerror(errno));
	}
	tm__buf_release(&b);
	close((int)keep);
	return error;
}

int
tm__output_close(const char *path, char **tmp, int error)
{
	if (!*tmp)
		return error;
	if (strncmp(*tmp, "/proc/self/fd/", 14) == 0) {
		error = name_tmpfile(path, *tmp, error);
		free(*tmp);
		*tmp = NULL;
		return error;
	}
	if (!error && rename(*tmp, path) != 0)
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    tm__strerror(errno));
	if (error)
		unlink(*tmp);
	free(*tmp);
	*tmp = NULL;
	return error;
}

int
tm__write_file(const char *path, const struct tm__buf *b)
{
	char *tmp;
	FILE *f;
	int error, fd;

	if (!path || strcmp(path, "-") == 0) {
		if (b->len && fwrite(b->ptr, 1, b->len, stdout) != b->len)
			return tm__error(TM_EIO, "cannot write to standard "
			    "output: %s", tm__strerror(errno));
		return 0;
	}
	if ((error = tm__output_open(path, &tmp, &fd)) < 0)
		return error;
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		error = tm__error(TM_EIO, "cannot write '%s': %s", path,
		    tm__strerror(errno));
	} else {
		/* Close whether the write failed or not. */
		bool bad = b->len && fwrite(b->ptr, 1, b->len, f) != b->len;

		if (fclose(f) != 0)
			bad = true;
		if (bad)
			error = tm__error(TM_EIO, "cannot write '%s': %s",
			    path, tm__strerror(errno));
	}
	return tm__output_close(path, &tmp, error);
}
