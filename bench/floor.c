/*
 * floor: the benchmark kit's floor (../shared/bench/README.md) on this
 * machine.  For each post file of a corpus's posts folder it reads the
 * file, renders the Markdown after the front matter with one cmark-gfm
 * run (crier's extensions and options), and writes the HTML to
 * OUT/YYYY/MM/DD/slug/index.html, on one thread.  No front matter is
 * read, no template, list, feed, history or git: this is what a
 * generator of the benchmark's page set does at the least.
 *
 *	floor POSTS_DIR OUT_DIR
 *
 * bench/floor.sh builds and times it.
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
fail(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s: %s: %s\n", path, what, strerror(errno));
	exit(1);
}

/* Makes path and the folders above it. */
static void
make_dirs(char *path)
{
	char *s;

	for (s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			fail("cannot make", path);
		*s = '/';
	}
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		fail("cannot make", path);
}

/* The whole file at path, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	char *s;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		fail("cannot read", path);
	if ((s = malloc((size_t)st.st_size + 1)) == NULL)
		fail("out of memory", path);
	while (got < (size_t)st.st_size && (n = read(fd, s + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	s[got] = '\0';
	*len = got;
	return s;
}

/* Where the body starts: after a "---" front matter block, if any. */
static size_t
body(const char *s)
{
	const char *end;

	if (strncmp(s, "---\n", 4) != 0 || (end = strstr(s + 4, "\n---\n")) == NULL)
		return 0;
	return (size_t)(end + 5 - s);
}

int
main(int argc, char **argv)
{
	static const char *const exts[] = {
		"table", "strikethrough", "autolink", "tasklist", "tagfilter",
	};
	const int opts = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8;
	char in[4096], out[4096], *text, *html;
	struct dirent *e;
	cmark_parser *p;
	cmark_node *doc;
	size_t len, at, n = 0, i, namelen;
	ssize_t w;
	DIR *dir;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: floor POSTS_DIR OUT_DIR\n");
		return 2;
	}
	cmark_gfm_core_extensions_ensure_registered();
	if ((dir = opendir(argv[1])) == NULL)
		fail("cannot open", argv[1]);
	while ((e = readdir(dir)) != NULL) {
		namelen = strlen(e->d_name);
		/* YYYY-MM-DD-slug.md */
		if (namelen < 15 || strcmp(e->d_name + namelen - 3, ".md") != 0)
			continue;
		snprintf(in, sizeof(in), "%s/%s", argv[1], e->d_name);
		text = slurp(in, &len);
		at = body(text);
		p = cmark_parser_new(opts);
		for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
			cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(exts[i]));
		cmark_parser_feed(p, text + at, len - at);
		doc = cmark_parser_finish(p);
		html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
		snprintf(out, sizeof(out), "%s/%.4s/%.2s/%.2s/%.*s", argv[2], e->d_name,
		    e->d_name + 5, e->d_name + 8, (int)(namelen - 14), e->d_name + 11);
		make_dirs(out);
		strncat(out, "/index.html", sizeof(out) - strlen(out) - 1);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0)
			fail("cannot write", out);
		len = strlen(html);
		for (at = 0; at < len; at += (size_t)w)
			if ((w = write(fd, html + at, len - at)) < 0)
				fail("cannot write", out);
		if (close(fd) < 0)
			fail("cannot write", out);
		free(html);
		cmark_node_free(doc);
		cmark_parser_free(p);
		free(text);
		n++;
	}
	closedir(dir);
	printf("%zu posts\n", n);
	return 0;
}
