/*
 * fuzz/siteini: config_parse on arbitrary bytes, as site.ini.  A site.ini
 * that is accepted must keep every folder inside the repository and give
 * a permalink whose pages, for any slug and category slug, are written
 * below the output: that is checked here with output_safe_path, the test
 * the output module itself applies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "diag.h"
#include "output.h"
#include "slug.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Quiet crier's diagnostics; see fuzz/frontmatter.c. */
	stderr = fopen("/dev/null", "w");
	if (stderr == NULL)
		abort();
	return 0;
}

/* The file a page of URL path url is written to, as render does it. */
static void
check_url(const char *url)
{
	size_t n = strlen(url);
	char *file;

	if (url[0] != '/')
		abort();
	if (n > 0 && url[n - 1] == '/') {
		file = malloc(n + sizeof("index.html"));
		if (file == NULL)
			abort();
		memcpy(file, url + 1, n - 1);
		memcpy(file + n - 1, "index.html", sizeof("index.html"));
	} else
		file = strdup(url + 1);
	if (file == NULL || !output_safe_path(file))
		abort();
	free(file);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = config_new();
	struct diag d = { 0, 0, 1 };
	struct tm tm;
	char *text = malloc(size + 1), *url;
	time_t t = 1504926120;	/* 2017-09-09 03:02:00 UTC */
	size_t n;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse(c, "site.ini", text, size, &d) == 0) {
		if (d.errors != 0 || c->per_page < 1 || c->feed_items < 1)
			abort();
		n = strlen(c->url);
		if (n > 0 && (c->url[n - 1] != '/' || c->base[0] != '/'))
			abort();
		if (permalink_check(c->permalink) != NULL)
			abort();
		gmtime_r(&t, &tm);
		url = permalink_expand(c->permalink, &tm, "hurricane-irma", "alerts");
		check_url(url);
		free(url);
		url = permalink_expand(c->permalink, &tm, "a", NULL);
		check_url(url);
		free(url);
	} else if (d.errors == 0)
		abort();
	config_free(c);
	free(text);
	return 0;
}
