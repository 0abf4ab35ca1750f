/*
 * fuzz/frontmatter: post_parse on arbitrary bytes, as a post committed by
 * anyone would reach it.  Besides what the sanitizers catch, it checks
 * what the rest of crier relies on: a post that parses has a title and a
 * slug of [a-z0-9-] of at most 100 characters, and its categories' slugs
 * are made of the same letters, so no post can name a path outside the
 * output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "diag.h"
#include "post.h"
#include "slug.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config *cfg;

/* 1 if s is a slug: [a-z0-9-], no more than max characters. */
static int
is_slug(const char *s, size_t max)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return s[n] == '\0' && n <= max;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/*
	 * crier's diagnostics go to stderr, one a line, for every input.
	 * Pointing the stderr variable elsewhere quiets them, while libFuzzer
	 * (which keeps its own FILE pointer) and the sanitizers (which write
	 * to file descriptor 2) still report.
	 */
	stderr = fopen("/dev/null", "w");
	if (stderr == NULL)
		abort();
	setenv("TZ", "UTC", 1);
	cfg = config_new();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d = { 0, 0, 1 };
	struct arena *a = arena_new();
	struct post p;
	char *text = malloc(size + 1), *slug;
	size_t i;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';	/* post_parse wants the text NUL-terminated */
	memset(&p, 0, sizeof(p));
	if (post_parse(&p, "posts/2017-09-08-fuzz.md", text, size, cfg, a, &d) == 0) {
		if (p.title == NULL || *p.title == '\0' || p.slug == NULL ||
		    !is_slug(p.slug, 100) || *p.slug == '\0' || p.body > size)
			abort();
		for (i = 0; i < p.ncats; i++) {
			slug = slugify(p.cats[i], strlen(p.cats[i]));
			if (!is_slug(slug, 100))
				abort();
			free(slug);
		}
	} else if (d.errors == 0)
		abort();	/* a failure is always reported */
	post_clear(&p);
	arena_free(a);
	free(text);
	return 0;
}
