/*
 * serve: `crier serve`, a preview server for authors.  The main thread
 * builds the work tree and watches it; libmicrohttpd's threads (one per
 * connection, so that an event stream may wait for the next build) serve
 * the last good build on 127.0.0.1.
 *
 * Builds go to one folder below a temporary folder, published the way
 * crier build publishes: the folder is replaced whole when a build
 * succeeds, and the caches beside it (the parsed posts, the walk of the
 * history, the pages and what they were made of) make a rebuild redo
 * only what changed.  A request resolves its path and opens its file by
 * name, so it gets the file of the build before a swap or of the build
 * after, never half of one (an open file outlives its folder).  Where
 * the two folders cannot be swapped in one step (no RENAME_EXCHANGE),
 * the folder is missing for the moment between two renames, and a
 * request then is answered 404.  A failed build changes nothing served:
 * its messages go to the terminal, to /__crier/error and down the event
 * stream, which the pages listen to through a small script added before
 * </body>.
 *
 * The work tree is watched by polling the times and sizes of its files
 * every half second, which works on every file system and needs nothing
 * of the kernel.  SIGINT and SIGTERM stop the server and remove every
 * temporary folder.
 */
#define _XOPEN_SOURCE 700	/* realpath */
#include "serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "buf.h"
#include "build.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "output.h"
#include "repo.h"
#include "util.h"

#if MHD_VERSION >= 0x00097002
typedef enum MHD_Result mhd_result;
#else
typedef int mhd_result;
#endif

#ifndef MHD_SONAME
#define MHD_SONAME "libmicrohttpd.so"
#endif

/*
 * libmicrohttpd is loaded by crier serve alone (dlopen), not linked:
 * with gnutls and the libraries it brings, loading it took two
 * milliseconds of every crier's start, a fifth of a build with nothing
 * to do.  These are the functions serve calls.
 */
static struct {
	struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback,
	    void *, MHD_AccessHandlerCallback, void *, ...);
	void (*stop_daemon)(struct MHD_Daemon *);
	const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind,
	    const char *);
	mhd_result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
	struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t,
	    MHD_ContentReaderCallback, void *, MHD_ContentReaderFreeCallback);
	struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
	    enum MHD_ResponseMemoryMode);
	struct MHD_Response *(*create_response_from_fd64)(uint64_t, int);
	void (*destroy_response)(struct MHD_Response *);
	mhd_result (*add_response_header)(struct MHD_Response *, const char *, const char *);
} mhd;

/*
 * The header's declarations and the table's must agree: a conditional
 * between the two is an error otherwise.  Not evaluated, so nothing is
 * linked.
 */
#define SAME_TYPE(f, g) ((void)sizeof(0 ? (f) : (g)))

/* Loads libmicrohttpd into mhd; -1 after saying why it cannot be. */
static int
mhd_load(void)
{
	const struct {
		const char *name;
		void **slot;
	} fns[] = {
		{ "MHD_start_daemon", (void **)&mhd.start_daemon },
		{ "MHD_stop_daemon", (void **)&mhd.stop_daemon },
		{ "MHD_lookup_connection_value", (void **)&mhd.lookup_connection_value },
		{ "MHD_queue_response", (void **)&mhd.queue_response },
		{ "MHD_create_response_from_callback", (void **)&mhd.create_response_from_callback },
		{ "MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer },
		{ "MHD_create_response_from_fd64", (void **)&mhd.create_response_from_fd64 },
		{ "MHD_destroy_response", (void **)&mhd.destroy_response },
		{ "MHD_add_response_header", (void **)&mhd.add_response_header },
	};
	void *lib;
	size_t i;

	SAME_TYPE(mhd.start_daemon, &MHD_start_daemon);
	SAME_TYPE(mhd.stop_daemon, &MHD_stop_daemon);
	SAME_TYPE(mhd.lookup_connection_value, &MHD_lookup_connection_value);
	SAME_TYPE(mhd.queue_response, &MHD_queue_response);
	SAME_TYPE(mhd.create_response_from_callback, &MHD_create_response_from_callback);
	SAME_TYPE(mhd.create_response_from_buffer, &MHD_create_response_from_buffer);
	SAME_TYPE(mhd.create_response_from_fd64, &MHD_create_response_from_fd64);
	SAME_TYPE(mhd.destroy_response, &MHD_destroy_response);
	SAME_TYPE(mhd.add_response_header, &MHD_add_response_header);
	if ((lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "crier: error: serve needs libmicrohttpd (%s): %s\n", MHD_SONAME,
		    dlerror());
		return -1;
	}
	for (i = 0; i < NELEM(fns); i++)
		if ((*fns[i].slot = dlsym(lib, fns[i].name)) == NULL) {
			fprintf(stderr, "crier: error: %s has no %s\n", MHD_SONAME, fns[i].name);
			dlclose(lib);
			return -1;
		}
	return 0;
}

#define POLL_MS 500		/* how often the work tree is looked at */
#define KEEPALIVE_S 15		/* a comment down idle event streams this often */
#define MAX_ERROR (64 * 1024)	/* of a failed build's messages, what the browser gets */

static const char usage[] =
    "usage: crier serve [--drafts] [--future] [--port port] [-C dir]\n";

/* Set by SIGINT, SIGTERM and SIGHUP; the main loop then stops. */
static volatile sig_atomic_t stop_signal;

struct server {
	pthread_mutex_t lock;	/* guards everything below */
	pthread_cond_t changed;	/* broadcast when gen or stopping changes */
	char *site;		/* the last good build's folder (a realpath), or NULL */
	char *base;		/* the site's path, "/" or "/blog/" */
	char *error;		/* the last build's messages if it failed, else NULL */
	unsigned long gen;	/* builds done, good or not */
	unsigned long good;	/* gen of the build in site */
	char nonce[32];		/* tells this run's builds from an earlier run's; set once */
	int stopping;		/* the server is shutting down */
};

/* One event stream: what it has told its page. */
struct stream {
	struct server *s;
	char *since;		/* the build the page came from, as the page said */
	unsigned long seen;	/* the last gen told about */
	int started;		/* the first bytes have been sent */
	struct buf out;		/* bytes not yet handed to libmicrohttpd */
	size_t off;		/* how many of them were handed */
};

/* ---- Content --------------------------------------------------------- */

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".htm", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".svg", "image/svg+xml" },
	{ ".webp", "image/webp" },
	{ ".avif", "image/avif" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".atom", "application/atom+xml" },
	{ ".rss", "application/rss+xml" },
	{ ".xml", "application/xml" },
	{ ".ics", "text/calendar; charset=utf-8" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".md", "text/plain; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".woff", "font/woff" },
	{ ".woff2", "font/woff2" },
	{ ".ttf", "font/ttf" },
	{ ".otf", "font/otf" },
	{ ".mp3", "audio/mpeg" },
	{ ".mp4", "video/mp4" },
	{ ".webm", "video/webm" },
	{ ".wasm", "application/wasm" },
};

/*
 * The media type of the file at path, open as fd.  An .xml file is an
 * Atom or RSS feed if its first element says so, as readers decide.
 */
static const char *
content_type(const char *path, int fd)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	char head[1024];
	ssize_t n;
	size_t i;

	if (dot == NULL || (slash != NULL && dot < slash))
		return "application/octet-stream";
	if (!strcasecmp(dot, ".xml")) {
		n = pread(fd, head, sizeof(head) - 1, 0);
		head[n > 0 ? n : 0] = '\0';
		if (strstr(head, "<feed") != NULL && strstr(head, "http://www.w3.org/2005/Atom") != NULL)
			return "application/atom+xml";
		if (strstr(head, "<rss") != NULL)
			return "application/rss+xml";
		return "application/xml";
	}
	for (i = 0; i < NELEM(types); i++)
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/*
 * The script every served page gets: it listens to the event stream and
 * reloads on "reload", or shows the build's errors over the page.  since
 * names what the page shows: "GOOD-NONCE" for a page of the good build
 * GOOD, "gGEN-NONCE" for crier's error page of build GEN, which reloads
 * on any event since it shows the build's state itself.
 */
static void
put_script(struct buf *b, const char *since)
{
	buf_printf(b, "<script>/* crier serve */(function(){"
	    "var es=new EventSource(\"/__crier/events?since=%s\");"
	    "es.addEventListener(\"reload\",function(){location.reload();});"
	    "es.addEventListener(\"build-error\",function(e){"
	    "if(%d){location.reload();return;}"
	    "var d=document.getElementById(\"crier-build-error\");"
	    "if(!d){d=document.createElement(\"pre\");d.id=\"crier-build-error\";"
	    "d.style.cssText=\"position:fixed;inset:0;margin:0;z-index:2147483647;overflow:auto;"
	    "background:rgba(40,0,0,.94);color:#fee;padding:2em;font:14px/1.5 monospace;"
	    "white-space:pre-wrap\";document.body.appendChild(d);}"
	    "d.textContent=\"crier: the build failed; the page below is the last good build.\\n\\n\"+e.data;"
	    "});})();</script>\n", since, since[0] == 'g');
}

/* html (n bytes) of build good with the script put before its last </body>. */
static char *
inject(unsigned long good, const char *nonce, const char *html, size_t n, size_t *len)
{
	struct buf b = BUF_INIT;
	size_t at = n, i;
	char since[64];

	for (i = n >= 6 ? n - 6 + 1 : 0; i-- > 0;)
		if (html[i] == '<' && !strncasecmp(html + i, "</body", 6)) {
			at = i;
			break;
		}
	buf_put(&b, html, at);
	snprintf(since, sizeof(since), "%lu-%s", good, nonce);
	put_script(&b, since);
	buf_put(&b, html + at, n - at);
	*len = b.len;
	return buf_detach(&b);
}

/*
 * A page of crier's own: a title, a message in HTML, and the script
 * (told whether the page shows the build's errors itself).
 */
static char *
own_page(const struct server *s, const char *title, const char *body, int errors, size_t *len)
{
	struct buf b = BUF_INIT;
	char since[64];

	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	buf_put_html(&b, title, strlen(title));
	buf_puts(&b, "</title>\n<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60em;"
	    "margin:2em auto;padding:0 1em}pre{background:#fee;padding:1em;overflow:auto;"
	    "white-space:pre-wrap}</style>\n</head>\n<body>\n<h1>");
	buf_put_html(&b, title, strlen(title));
	buf_puts(&b, "</h1>\n");
	buf_puts(&b, body);
	if (errors)
		snprintf(since, sizeof(since), "g%lu-%s", s->gen, s->nonce);
	else
		snprintf(since, sizeof(since), "%lu-%s", s->good, s->nonce);
	put_script(&b, since);
	buf_puts(&b, "</body>\n</html>\n");
	*len = b.len;
	return buf_detach(&b);
}

/* The error page, from the last build's messages; the lock is held. */
static char *
error_page(const struct server *s, size_t *len)
{
	struct buf body = BUF_INIT;
	char *page;

	if (s->error == NULL) {
		buf_puts(&body, "<p>The last build succeeded. <a href=\"");
		buf_put_html(&body, s->base, strlen(s->base));
		buf_puts(&body, "\">See the site.</a></p>\n");
		page = own_page(s, "crier: no build error", buf_str(&body), 1, len);
	} else {
		buf_puts(&body, "<pre>");
		buf_put_html(&body, s->error, strlen(s->error));
		buf_puts(&body, "</pre>\n<p>");
		buf_puts(&body, s->site != NULL ? "crier keeps serving the last good build. " :
		    "There is no good build to serve yet. ");
		buf_puts(&body, "Fix the errors and this page reloads itself.</p>\n");
		page = own_page(s, "crier: the build failed", buf_str(&body), 1, len);
	}
	buf_free(&body);
	return page;
}

/* ---- Responses ------------------------------------------------------- */

static mhd_result
send_buffer(struct MHD_Connection *conn, unsigned int status, const char *type, char *data,
    size_t len)
{
	struct MHD_Response *r;
	mhd_result ret;

	r = mhd.create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(data);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

/* Percent-encodes what a Location header cannot hold as it is. */
static void
put_url(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("/-._~!$&'()*+,;=:@", ch) != NULL)
			buf_putc(b, (char)ch);
		else
			buf_printf(b, "%%%02X", ch);
	}
}

static mhd_result
send_redirect(struct MHD_Connection *conn, const char *to)
{
	struct MHD_Response *r;
	struct buf loc = BUF_INIT;
	mhd_result ret;

	put_url(&loc, to);
	r = mhd.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		buf_free(&loc);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_LOCATION, buf_str(&loc));
	mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	/* 302, not 301: browsers keep a 301, and a preview changes. */
	ret = mhd.queue_response(conn, MHD_HTTP_FOUND, r);
	mhd.destroy_response(r);
	buf_free(&loc);
	return ret;
}

/* Reads what is left of fd into memory; NULL on error.  Closes fd. */
static char *
read_fd(int fd, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			buf_free(&b);
			return NULL;
		}
		buf_put(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	return buf_detach(&b);
}

/* 1 if rel (a decoded path below the site) may be looked up. */
static int
path_ok(const char *rel)
{
	const char *seg;
	size_t n;

	for (seg = rel; *seg; seg += n + (seg[n] == '/')) {
		n = strcspn(seg, "/");
		/* No "." or "..", no hidden files such as the manifest. */
		if (n > 0 && seg[0] == '.')
			return 0;
	}
	for (seg = rel; *seg; seg++)
		if ((unsigned char)*seg < 0x20 || *seg == '\\' || *seg == 0x7f)
			return 0;
	return 1;
}

/*
 * Opens the file of the last good build for rel, under the lock: its
 * index.html for a folder.  Returns an fd, or -1 (not found), or -2 when
 * rel is a folder asked for without its slash.  *path is the file's path
 * (the caller frees).
 */
static int
open_file(const struct server *s, const char *rel, char **path)
{
	char *full = xasprintf("%s/%s", s->site, rel), *real = realpath(full, NULL), *idx;
	size_t n = strlen(s->site);
	struct stat st;
	int fd = -1;

	*path = NULL;
	free(full);
	/* Whatever the name says, the file must be in the build's folder. */
	if (real == NULL || strncmp(real, s->site, n) != 0 || (real[n] != '/' && real[n] != '\0'))
		goto out;
	if (stat(real, &st) < 0)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		if (*rel != '\0' && rel[strlen(rel) - 1] != '/') {
			fd = -2;
			goto out;
		}
		idx = xasprintf("%s/index.html", real);
		free(real);
		real = idx;
		if (stat(real, &st) < 0)
			goto out;
	}
	if (!S_ISREG(st.st_mode))
		goto out;
	fd = open(real, O_RDONLY | O_NOFOLLOW);
	if (fd >= 0) {
		*path = real;
		real = NULL;
	}
out:
	free(real);
	return fd;
}

/* The not-found page: the site's 404.html, or crier's own.  The lock is held. */
static mhd_result
send_not_found(struct MHD_Connection *conn, const struct server *s, const char *url)
{
	struct buf body = BUF_INIT;
	char *path = NULL, *page, *html;
	size_t len;
	int fd = s->site != NULL ? open_file(s, "404.html", &path) : -1;

	free(path);
	if (fd >= 0 && (html = read_fd(fd, &len)) != NULL) {
		page = inject(s->good, s->nonce, html, len, &len);
		free(html);
		return send_buffer(conn, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", page, len);
	}
	buf_puts(&body, "<p>There is no page at <code>");
	buf_put_html(&body, url, strlen(url));
	buf_puts(&body, "</code> in this build. <a href=\"");
	buf_put_html(&body, s->base, strlen(s->base));
	buf_puts(&body, "\">Go to the home page.</a></p>\n");
	page = own_page(s, "Not found", buf_str(&body), 0, &len);
	buf_free(&body);
	return send_buffer(conn, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", page, len);
}

static mhd_result
send_file(struct MHD_Connection *conn, struct server *s, const char *url)
{
	struct MHD_Response *r;
	struct stat st;
	const char *type, *rel;
	char *path = NULL, *page, *html, *to;
	size_t len, nbase;
	unsigned long good;
	mhd_result ret;
	int fd;

	pthread_mutex_lock(&s->lock);
	if (s->site == NULL) {
		/* Nothing built yet: the error, which reloads itself when fixed. */
		page = error_page(s, &len);
		pthread_mutex_unlock(&s->lock);
		return send_buffer(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/html; charset=utf-8", page,
		    len);
	}
	nbase = strlen(s->base);
	if (strncmp(url, s->base, nbase) != 0) {
		/* "/blog" for "/blog/", and "/" for a site below a path. */
		if ((strlen(url) + 1 == nbase && !strncmp(url, s->base, nbase - 1)) || !strcmp(url, "/")) {
			to = xstrdup(s->base);
			pthread_mutex_unlock(&s->lock);
			ret = send_redirect(conn, to);
			free(to);
			return ret;
		}
		ret = send_not_found(conn, s, url);
		pthread_mutex_unlock(&s->lock);
		return ret;
	}
	rel = url + nbase;
	fd = path_ok(rel) ? open_file(s, rel, &path) : -1;
	if (fd == -2) {
		pthread_mutex_unlock(&s->lock);
		to = xasprintf("%s/", url);
		ret = send_redirect(conn, to);
		free(to);
		return ret;
	}
	if (fd < 0) {
		ret = send_not_found(conn, s, url);
		pthread_mutex_unlock(&s->lock);
		return ret;
	}
	good = s->good;	/* the build the file is of */
	pthread_mutex_unlock(&s->lock);
	type = content_type(path, fd);
	if (str_prefix(type, "text/html")) {
		if ((html = read_fd(fd, &len)) == NULL) {
			free(path);
			return MHD_NO;
		}
		page = inject(good, s->nonce, html, len, &len);
		free(html);
		free(path);
		return send_buffer(conn, MHD_HTTP_OK, type, page, len);
	}
	free(path);
	if (fstat(fd, &st) < 0 || (r = mhd.create_response_from_fd64((uint64_t)st.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = mhd.queue_response(conn, MHD_HTTP_OK, r);
	mhd.destroy_response(r);
	return ret;
}

/* ---- The event stream ---------------------------------------------- */

/* Appends an event whose data is text, one "data:" line per line. */
static void
put_event(struct buf *b, const char *event, const char *text)
{
	const char *p = text, *e;

	buf_printf(b, "event: %s\n", event);
	do {
		e = p + strcspn(p, "\r\n");
		buf_puts(b, "data: ");
		buf_put(b, p, (size_t)(e - p));
		buf_putc(b, '\n');
		p = *e == '\r' && e[1] == '\n' ? e + 2 : *e ? e + 1 : e;
	} while (*p);
	buf_putc(b, '\n');
}

/* What the stream's page should hear about the state of s; the lock is held. */
static void
put_state(struct stream *st, const struct server *s)
{
	if (s->error != NULL)
		put_event(&st->out, "build-error", s->error);
	else
		put_event(&st->out, "reload", "");
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct stream *st = cls;
	struct server *s = st->s;
	struct timespec until;
	char token[64];
	size_t n;
	int rc = 0;

	(void)pos;
	if (st->off == st->out.len) {
		buf_reset(&st->out);
		st->off = 0;
		pthread_mutex_lock(&s->lock);
		if (!st->started) {
			/* Reconnect soon after a restart of the server. */
			buf_puts(&st->out, "retry: 1000\n\n");
			if (st->since != NULL && st->since[0] == 'g') {
				/* crier's error page: reload when it is out of date. */
				snprintf(token, sizeof(token), "g%lu-%s", s->gen, s->nonce);
				if (strcmp(st->since, token) != 0)
					put_event(&st->out, "reload", "");
			} else {
				/* A page of an older build reloads at once. */
				snprintf(token, sizeof(token), "%lu-%s", s->good, s->nonce);
				if (s->site != NULL && (st->since == NULL || strcmp(st->since, token) != 0))
					put_event(&st->out, "reload", "");
				else if (s->error != NULL)
					put_event(&st->out, "build-error", s->error);
			}
			st->seen = s->gen;
			st->started = 1;
		} else {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += KEEPALIVE_S;
			while (!s->stopping && s->gen == st->seen && rc != ETIMEDOUT)
				rc = pthread_cond_timedwait(&s->changed, &s->lock, &until);
			if (s->stopping) {
				pthread_mutex_unlock(&s->lock);
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
			if (s->gen != st->seen) {
				st->seen = s->gen;
				put_state(st, s);
			} else
				buf_puts(&st->out, ": still here\n\n");
		}
		pthread_mutex_unlock(&s->lock);
	}
	n = st->out.len - st->off;
	if (n > max)
		n = max;
	memcpy(out, st->out.s + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void
stream_free(void *cls)
{
	struct stream *st = cls;

	free(st->since);
	buf_free(&st->out);
	free(st);
}

static mhd_result
send_events(struct MHD_Connection *conn, struct server *s)
{
	const char *since = mhd.lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
	struct stream *st = xcalloc(1, sizeof(*st));
	struct MHD_Response *r;
	mhd_result ret;

	st->s = s;
	st->since = since ? xstrdup(since) : NULL;
	r = mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
	if (r == NULL) {
		stream_free(st);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = mhd.queue_response(conn, MHD_HTTP_OK, r);
	mhd.destroy_response(r);
	return ret;
}

static mhd_result
answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct MHD_Response *r;
	mhd_result ret;
	char *page;
	size_t len;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		if (*upload_size != 0) {
			*upload_size = 0;	/* a body is read and dropped */
			return MHD_YES;
		}
		r = mhd.create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		ret = mhd.queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		mhd.destroy_response(r);
		return ret;
	}
	if (!strcmp(url, "/__crier/events"))
		return send_events(conn, s);
	if (!strcmp(url, "/__crier/error")) {
		pthread_mutex_lock(&s->lock);
		page = error_page(s, &len);
		pthread_mutex_unlock(&s->lock);
		return send_buffer(conn, MHD_HTTP_OK, "text/html; charset=utf-8", page, len);
	}
	return send_file(conn, s, url);
}

/* ---- Building and watching ----------------------------------------- */

struct watch {
	char *workdir;		/* the top of the work tree, with a trailing '/' */
	char *gitdir;		/* the git folder, with a trailing '/' */
	char *root;		/* the temporary folder the builds and their caches go to */
	char *posts;		/* the posts folder of site.ini */
};

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Runs fn(arg) with standard error sent to fd. */
static int
with_stderr(int fd, int (*fn)(void *), void *arg)
{
	int saved, rc;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		return fn(arg);
	}
	rc = fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	return rc;
}

struct config_job {
	const char *path;	/* site.ini */
	struct config *cfg;	/* read into */
};

static int
config_job(void *arg)
{
	struct config_job *j = arg;
	struct diag d = { 0 };
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(j->path, "rb");
	int rc;

	if (fp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	fclose(fp);
	rc = config_parse(j->cfg, "site.ini", buf_str(&b), b.len, &d);
	buf_free(&b);
	return rc;
}

/*
 * The work tree's site.ini, for the posts folder to watch and the site's
 * path; its errors are the build's to report, so they are not shown.
 */
static struct config *
read_config(const struct watch *w)
{
	struct config_job j;
	int null = open("/dev/null", O_WRONLY);

	j.path = xasprintf("%ssite.ini", w->workdir);
	j.cfg = config_new();
	if (null >= 0) {
		with_stderr(null, config_job, &j);
		close(null);
	}
	free((char *)j.path);
	return j.cfg;
}

static int
build_job(void *arg)
{
	return build_run(arg);
}

/* Reads the file at path whole, at most max bytes of it; "" when unreadable. */
static char *
read_log(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY);
	size_t len;
	char *s;

	if (fd < 0 || (s = read_fd(fd, &len)) == NULL)
		return xstrdup("");
	if (len > max)
		s[max] = '\0';
	return s;
}

/* Builds the work tree, and serves the build if it is good. */
static void
rebuild(struct server *s, struct watch *w, const struct build_opts *base_opts)
{
	struct build_opts o = *base_opts;
	struct config *cfg;
	char *dir = xasprintf("%s/site", w->root);
	char *log = xasprintf("%s/build.log", w->root), *text, *old = NULL, *real = NULL;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc;

	o.out = dir;
	if (fd < 0) {
		rc = build_run(&o);
		text = xstrdup("");
	} else {
		rc = with_stderr(fd, build_job, &o);
		close(fd);
		text = read_log(log, MAX_ERROR);
		fputs(text, stderr);
	}
	cfg = read_config(w);
	free(w->posts);
	w->posts = xstrdup(cfg->posts);
	if (rc == 0 && (real = realpath(dir, NULL)) == NULL)
		rc = 1;
	pthread_mutex_lock(&s->lock);
	s->gen++;
	free(s->error);
	s->error = NULL;
	if (rc == 0) {
		old = s->site;
		s->site = real;
		s->good = s->gen;
		free(s->base);
		s->base = xstrdup(cfg->base);
	} else
		s->error = xstrdup(*text ? text : "the build failed\n");
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	/* A build that failed left the folder as it was. */
	if (rc != 0)
		fprintf(stderr, "crier: the build failed; still serving the last good build\n");
	free(old);
	free(dir);
	free(log);
	free(text);
	config_free(cfg);
}

/* Mixes n bytes into a 64-bit FNV-1a hash. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Adds what path is (and, for a folder, all below it) to *sum: names,
 * sizes, times and inode numbers.  Editors' scratch files (hidden, or
 * ending in '~') are left out so that they cause no rebuild.
 */
static void
scan(const char *path, uint64_t *sum, int depth)
{
	struct stat st;
	struct dirent *de;
	DIR *dp;
	uint64_t h = 14695981039346656037ULL;
	char *sub;
	long long v[5];

	h = fnv(h, path, strlen(path));
	if (lstat(path, &st) < 0) {
		*sum += fnv(h, "-", 1);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth > 32 || (dp = opendir(path)) == NULL)
			return;
		while ((de = readdir(dp)) != NULL) {
			if (de->d_name[0] == '.' || str_suffix(de->d_name, "~"))
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			scan(sub, sum, depth + 1);
			free(sub);
		}
		closedir(dp);
		return;
	}
	v[0] = (long long)st.st_mtim.tv_sec;
	v[1] = (long long)st.st_mtim.tv_nsec;
	v[2] = (long long)st.st_size;
	v[3] = (long long)st.st_ino;
	v[4] = (long long)st.st_mode;
	/* A sum, so that the order readdir gives does not matter. */
	*sum += fnv(h, v, sizeof(v));
}

/* A number that changes when anything a build reads changes. */
static uint64_t
fingerprint(const struct watch *w)
{
	const char *git[] = { "HEAD", "refs", "packed-refs" };
	uint64_t sum = 0;
	char *p;
	size_t i;

	p = xasprintf("%ssite.ini", w->workdir);
	scan(p, &sum, 0);
	free(p);
	p = xasprintf("%s%s", w->workdir, w->posts);
	scan(p, &sum, 0);
	free(p);
	p = xasprintf("%sthemes", w->workdir);
	scan(p, &sum, 0);
	free(p);
	/* Commits and checkouts date posts and change what is built. */
	for (i = 0; i < NELEM(git); i++) {
		p = xasprintf("%s%s", w->gitdir, git[i]);
		scan(p, &sum, 0);
		free(p);
	}
	return sum;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);	/* a signal ends it early, as it should */
}

/* Makes the listening socket on 127.0.0.1:port; -1 after saying why. */
static int
listen_on(int port, int *bound)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0) {
		fprintf(stderr, "crier: error: cannot make a socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "crier: error: cannot listen on 127.0.0.1:%d: %s%s\n", port,
		    strerror(errno), errno == EADDRINUSE ? " (choose another --port, or 0 for any)" : "");
		close(fd);
		return -1;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* Opens the repository around the current folder for its two folders. */
static int
find_repo(struct watch *w, const char *name)
{
	struct diag d = { 0 };
	struct repo *r = NULL;

	if (repo_open(&r, ".", name, "HEAD", &d) < 0)
		return -1;
	if (repo_workdir(r) == NULL) {
		diag_error(&d, name, 0, "the repository is bare: crier serve needs a work tree");
		repo_free(r);
		return -1;
	}
	w->workdir = xstrdup(repo_workdir(r));
	w->gitdir = xstrdup(repo_gitdir(r));
	repo_free(r);
	return 0;
}

int
serve_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "drafts", no_argument, NULL, 'D' },
		{ "future", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct server s;
	struct watch w;
	struct build_opts o;
	struct MHD_Daemon *daemon = NULL;
	struct sigaction sa;
	pthread_condattr_t ca;
	sigset_t block, old;
	const char *tmp = getenv("TMPDIR");
	uint64_t seen, now;
	long port = 8000;
	char *end, *posts;
	int ch, i, lfd = -1, bound = 0, rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hC:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'C':
			o.dir = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 || port < 0 || port > 65535) {
				fprintf(stderr, "crier: --port wants a port number from 0 (any free port) to 65535\n");
				return 2;
			}
			break;
		case 'D':
			o.drafts = 1;
			break;
		case 'F':
			o.future = 1;
			break;
		default:
			return cli_bad_option(ch, argv, usage);
		}
	}
	if (optind != argc)
		return cli_extra(argv[optind], usage);
	if (cli_chdir(o.dir) < 0 || mhd_load() < 0)
		return 1;
#ifdef BUILD_HAS_WORKTREE
	o.worktree = 1;
#endif
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (find_repo(&w, o.dir ? o.dir : ".") < 0)
		return 1;

	pthread_mutex_init(&s.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.changed, &ca);
	pthread_condattr_destroy(&ca);
	s.base = xstrdup("/");
	snprintf(s.nonce, sizeof(s.nonce), "%lx%lx", (unsigned long)time(NULL), (unsigned long)getpid());

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	w.root = xasprintf("%s/crier-serve.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(w.root) == NULL) {
		fprintf(stderr, "%s: error: cannot make a temporary folder: %s\n", w.root, strerror(errno));
		free(w.root);
		w.root = NULL;
		goto out;
	}
	if ((lfd = listen_on((int)port, &bound)) < 0)
		goto out;
	rebuild(&s, &w, &o);
	seen = fingerprint(&w);

	/* The server's threads leave the signals to this one. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	daemon = mhd.start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
	    0, NULL, NULL, answer, &s,
	    MHD_OPTION_LISTEN_SOCKET, lfd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(4 * KEEPALIVE_S),
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (daemon == NULL) {
		fprintf(stderr, "crier: error: cannot start the web server on 127.0.0.1:%d\n", bound);
		goto out;
	}
	lfd = -1;	/* the daemon's now */
	pthread_mutex_lock(&s.lock);
	printf("Serving http://127.0.0.1:%d%s (Ctrl-C to stop)\n", bound, s.base);
	pthread_mutex_unlock(&s.lock);

	while (!stop_signal) {
		sleep_ms(POLL_MS);
		if (stop_signal || (now = fingerprint(&w)) == seen)
			continue;
		/* Let a save, a checkout or a commit finish first. */
		for (i = 0; i < 20 && !stop_signal; i++) {
			sleep_ms(100);
			seen = now;
			if ((now = fingerprint(&w)) == seen)
				break;
		}
		if (stop_signal)
			break;
		seen = now;
		posts = xstrdup(w.posts);
		fprintf(stderr, "crier: a change in the work tree; rebuilding\n");
		rebuild(&s, &w, &o);
		/* A new posts folder in site.ini is watched from now on. */
		if (strcmp(posts, w.posts) != 0)
			seen = fingerprint(&w);
		free(posts);
	}
	fprintf(stderr, "crier: stopping\n");
	rc = 0;
out:
	pthread_mutex_lock(&s.lock);
	s.stopping = 1;
	pthread_cond_broadcast(&s.changed);
	pthread_mutex_unlock(&s.lock);
	if (daemon != NULL)
		mhd.stop_daemon(daemon);
	if (lfd >= 0)
		close(lfd);
	if (w.root != NULL && output_remove_tree(w.root) < 0)
		fprintf(stderr, "%s: error: cannot remove the temporary folder: %s\n", w.root,
		    strerror(errno));
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	free(s.site);
	free(s.base);
	free(s.error);
	free(w.workdir);
	free(w.gitdir);
	free(w.root);
	free(w.posts);
	return rc;
}
