/*
 * slug: turning titles, file names and category names into the lowercase
 * ASCII words of URLs, and permalink patterns into paths.
 */
#ifndef CRIER_SLUG_H
#define CRIER_SLUG_H

#include <stddef.h>
#include <time.h>

/*
 * The slug of n bytes of UTF-8 text: lowercase ASCII letters, digits and
 * single hyphens.  Latin letters with accents lose them ("Ü" gives "u"),
 * other characters become their code point ("u4e2d").  Returns a new
 * string, "" when nothing is left; the caller frees.
 */
char *slugify(const char *s, size_t n);

/* NULL if pattern is a usable permalink, else what is wrong with it. */
const char *permalink_check(const char *pattern);

/*
 * Expands pattern for a post (date broken down in the site's zone) into a
 * URL path that starts with '/'.  The caller frees.
 */
char *permalink_expand(const char *pattern, const struct tm *tm,
    const char *slug, const char *category);

#endif
