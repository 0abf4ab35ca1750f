/*
 * slug: URL words.  Slugs are made only of [a-z0-9-], so they can never
 * name a path outside the output, whatever the post says.
 */
#include "slug.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "util.h"

/* ASCII for U+00C0..U+017F, the Latin-1 and Latin Extended-A letters. */
static const char *const latin[] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* 140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Decodes one UTF-8 sequence at s; returns its length, or 1 for a bad byte (cp = 0xFFFD). */
static size_t
utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

char *
slugify(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = BUF_INIT;
	unsigned long cp;
	size_t i = 0, len;
	int hyphen = 0;		/* a separator is pending */
	char hex[24];
	const char *word;

	while (i < n) {
		len = utf8_next(p + i, n - i, &cp);
		i += len;
		word = NULL;
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			hex[0] = (char)cp;
			hex[1] = '\0';
			word = hex;
		} else if (cp >= 'A' && cp <= 'Z') {
			hex[0] = (char)(cp - 'A' + 'a');
			hex[1] = '\0';
			word = hex;
		} else if (cp == '\'' || cp == 0x2019) {
			/* "Don't" reads better as "dont" than "don-t". */
			continue;
		} else if (cp >= 0xC0 && cp <= 0x17F) {
			word = latin[cp - 0xC0];
			if (*word == '\0')
				word = NULL;
		} else if (cp > 0x7F && cp != 0xFFFD && !(cp >= 0x2000 && cp <= 0x206F) &&
		    cp != 0xA0 && cp != 0x3000 && cp != 0xFEFF) {
			/* Letters of other scripts stay apart and stable. */
			snprintf(hex, sizeof(hex), "u%04lx", cp);
			word = hex;
			hyphen = b.len > 0;
		}
		if (word == NULL) {
			hyphen = b.len > 0;
			continue;
		}
		if (hyphen)
			buf_putc(&b, '-');
		hyphen = word == hex && cp > 0x17F;
		buf_puts(&b, word);
	}
	/* Overlong names are cut at a hyphen where one is near. */
	if (b.len > 100) {
		b.len = 100;
		while (b.len > 60 && b.s[b.len] != '-')
			b.len--;
		if (b.s[b.len] != '-')
			b.len = 100;
		while (b.len > 0 && b.s[b.len - 1] == '-')
			b.len--;
		b.s[b.len] = '\0';
	}
	return buf_detach(&b);
}

static const char *const tokens[] = {
	":year", ":month", ":day", ":hour", ":minute", ":second", ":slug",
	":title", ":category",
};

/* The token at p, longest first, or NULL. */
static const char *
token_at(const char *p)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; i < NELEM(tokens); i++)
		if (str_prefix(p, tokens[i]) &&
		    (best == NULL || strlen(tokens[i]) > strlen(best)))
			best = tokens[i];
	/* ":years" is no ":year" followed by "s". */
	if (best != NULL && ((p[strlen(best)] >= 'a' && p[strlen(best)] <= 'z') ||
	    p[strlen(best)] == '_'))
		return NULL;
	return best;
}

const char *
permalink_check(const char *pat)
{
	static _Thread_local char msg[96];
	const char *p, *seg;
	unsigned long cp;
	int slug = 0;
	size_t n;

	if (*pat != '/')
		return "must start with \"/\"";
	/*
	 * Printable ASCII only: a server that normalises Unicode would read a
	 * look-alike slash (U+2215, U+FF0F) as "/".
	 */
	for (p = pat; *p; p++)
		if ((unsigned char)*p >= 0x7f) {
			utf8_next((const unsigned char *)p, strlen(p), &cp);
			snprintf(msg, sizeof(msg),
			    "may only hold printable ASCII characters (found U+%04lX)", cp);
			return msg;
		}
	for (p = pat; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == '?' || *p == '#' || *p == '%')
			return "may not hold control characters, \"\\\", \"?\", \"#\" or \"%\"";
		if (*p == ':' && token_at(p) == NULL)
			return "unknown placeholder (known: :year :month :day :hour :minute :second :slug :title :category)";
		if (str_prefix(p, ":slug") || str_prefix(p, ":title"))
			slug = 1;
	}
	for (seg = pat + 1; *seg; seg += n + (seg[n] == '/')) {
		n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "may not hold \".\" or \"..\" segments";
		if (n == 0 && seg[0] == '/')
			return "may not hold empty segments (\"//\")";
	}
	if (!slug)
		return "must hold :slug (or :title) so that posts get URLs of their own";
	return NULL;
}

/* Appends v (not negative) in at least width digits, as %0*d would, without printf's cost. */
static void
put_digits(struct buf *b, int v, int width)
{
	int n, w;

	for (n = 1, w = v; w >= 10; w /= 10)
		n++;
	while (width-- > n)
		buf_putc(b, '0');
	buf_put_dec(b, v);
}

char *
permalink_expand(const char *pat, const struct tm *tm, const char *slug,
    const char *category)
{
	struct buf b = BUF_INIT;
	const char *p = pat, *tok;

	while (*p) {
		tok = *p == ':' ? token_at(p) : NULL;
		if (tok == NULL) {
			buf_putc(&b, *p++);
			continue;
		}
		p += strlen(tok);
		if (!strcmp(tok, ":year"))
			put_digits(&b, tm->tm_year + 1900, 4);
		else if (!strcmp(tok, ":month"))
			put_digits(&b, tm->tm_mon + 1, 2);
		else if (!strcmp(tok, ":day"))
			put_digits(&b, tm->tm_mday, 2);
		else if (!strcmp(tok, ":hour"))
			put_digits(&b, tm->tm_hour, 2);
		else if (!strcmp(tok, ":minute"))
			put_digits(&b, tm->tm_min, 2);
		else if (!strcmp(tok, ":second"))
			put_digits(&b, tm->tm_sec, 2);
		else if (!strcmp(tok, ":slug") || !strcmp(tok, ":title"))
			buf_puts(&b, slug);
		else
			buf_puts(&b, category && *category ? category : "uncategorized");
	}
	return buf_detach(&b);
}
