/*
 * fuzz-http: arbitrary bytes sent as a raw HTTP request to a tm server
 * running in this process on 127.0.0.1 (a port of its own) over a small
 * memory: request lines, headers, paths and queries, bodies for every
 * route.  "@TOKEN@" in the input becomes a write token, so that the
 * write routes are reached too.  Nothing may crash, leak, hang or trip
 * a sanitizer, and the server must answer the next request.
 */
#include "fuzz-util.h"
#include "tm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

static const char memory_tmx[] =
    "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header creationtool=\"f\" "
    "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"f\" "
    "adminlang=\"en\" srclang=\"zh-CN\" datatype=\"plaintext\"/><body>"
    "<tu><tuv xml:lang=\"zh-CN\"><seg>1月28日，市外办主任会见了日本驻沪总领事一行。"
    "</seg></tuv><tuv xml:lang=\"en-US\"><seg>On January 28, the Director "
    "met the Consul General of Japan.</seg></tuv></tu></body></tmx>";

static tm_server *srv;
static unsigned port;
static char *token;

static int
start(void)
{
	tm_serve_options so = TM_SERVE_OPTIONS_INIT;
	static char db_path[64];
	char tmx[64];
	tm_db *db = NULL;
	int ok;

	if (fuzz_file(db_path, ".db", (const uint8_t *)"", 0) < 0 ||
	    fuzz_file(tmx, ".tmx", (const uint8_t *)memory_tmx,
	    sizeof(memory_tmx) - 1) < 0)
		return -1;
	ok = tm_db_open(&db, db_path, TM_DB_CREATE) == 0 &&
	    tm_import_tmx(NULL, db, tmx, NULL) == 0 &&
	    tm_token_add(&token, db, "fuzz", TM_ROLE_WRITE) == 0;
	tm_db_close(db);
	unlink(tmx);
	if (!ok)
		return -1;
	so.db_path = db_path;
	so.listen = "127.0.0.1:0";
	so.threads = 2;
	so.timeout = 2;
	so.max_body = 1 << 20;
	so.flags = TM_SERVE_PUBLIC_READ;
	if (tm_server_start(&srv, &so) != 0)
		return -1;
	port = tm_server_port(srv);
	return 0;
}

/* Send `len` bytes as one connection's request, read the answer. */
static void
exchange(const char *req, size_t len)
{
	struct sockaddr_in a;
	struct timeval tv = { 2, 0 };
	char buf[4096];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t done = 0;

	if (fd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		while (done < len) {
			ssize_t n = send(fd, req + done, len - done,
			    MSG_NOSIGNAL);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		/*
		 * The answer: once it has begun, a pause ends it (a kept-alive
		 * connection is not closed by the server at once).
		 */
		if (recv(fd, buf, sizeof(buf), 0) > 0) {
			tv.tv_sec = 0;
			tv.tv_usec = 100000;
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
			    sizeof(tv));
			while (recv(fd, buf, sizeof(buf), 0) > 0)
				;
		}
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char health[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n";
	struct { char *p; size_t n, cap; } r = { NULL, 0, 0 };
	size_t i, tl;

	if (!srv && start() < 0)
		return 0;
	tl = strlen(token);
	r.cap = size + 1;
	for (i = 0; i + 7 <= size; i++)
		if (memcmp(data + i, "@TOKEN@", 7) == 0)
			r.cap += tl;
	if (!(r.p = malloc(r.cap)))
		return 0;
	for (i = 0; i < size; i++) {
		if (i + 7 <= size && memcmp(data + i, "@TOKEN@", 7) == 0) {
			memcpy(r.p + r.n, token, tl);
			r.n += tl;
			i += 6;
		} else {
			r.p[r.n++] = (char)data[i];
		}
	}
	exchange(r.p, r.n);
	exchange(health, sizeof(health) - 1);
	free(r.p);
	tm_error_clear();
	return 0;
}
