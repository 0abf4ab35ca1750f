/*
 * text: the plain text of a post's HTML, for calendars and other places
 * that cannot show markup.  One pass over the HTML with no tree: the HTML
 * is cmark-gfm's or a theme author's, and a missing end tag costs at most
 * a line break.  White space is held back until the next character is
 * written, so that a line never ends or starts with a space and line ends
 * owed by several blocks at once come out as at most one blank line.
 */
#include "text.h"

#include <string.h>
#include <strings.h>

#include "buf.h"
#include "util.h"

/* What an element does to the text around it. */
enum kind {
	INLINE,		/* nothing: <a>, <em>, unknown elements */
	LINE,		/* starts and ends a line: <div>, <li>'s kin */
	PARA,		/* a blank line before and after: <p>, <h1> */
	PRE,		/* PARA, and white space kept inside */
	BREAK,		/* <br>: a line end, however many in a row */
	ITEM,		/* <li>: a line that starts with "- " */
	LIST,		/* <ul>, <ol>: nested ones indent their items */
	CELL,		/* <td>, <th>: a space between cells */
	SKIP		/* <script>, <style>: contents are no text */
};

static const struct {
	const char *name;
	enum kind kind;
} elements[] = {
	{ "address", PARA }, { "article", LINE }, { "aside", LINE }, { "blockquote", PARA },
	{ "br", BREAK }, { "caption", LINE }, { "dd", LINE }, { "details", PARA },
	{ "div", LINE }, { "dl", PARA }, { "dt", LINE }, { "figcaption", LINE },
	{ "figure", PARA }, { "footer", LINE }, { "h1", PARA }, { "h2", PARA },
	{ "h3", PARA }, { "h4", PARA }, { "h5", PARA }, { "h6", PARA },
	{ "header", LINE }, { "hr", PARA }, { "li", ITEM }, { "main", LINE },
	{ "nav", LINE }, { "ol", LIST }, { "p", PARA }, { "pre", PRE },
	{ "script", SKIP }, { "section", LINE }, { "style", SKIP }, { "summary", LINE },
	{ "table", PARA }, { "td", CELL }, { "th", CELL }, { "tr", LINE },
	{ "ul", LIST },
};

/*
 * Named references decoded; any other is kept as written.  cmark-gfm
 * writes only the first four, and decodes the others of a post itself;
 * the rest are the ones hand-written HTML uses most.
 */
static const struct {
	const char *name;
	unsigned long cp;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", 0xA0 }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "laquo", 0xAB }, { "raquo", 0xBB }, { "hellip", 0x2026 }, { "bull", 0x2022 },
	{ "middot", 0xB7 }, { "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 },
	{ "deg", 0xB0 }, { "times", 0xD7 }, { "euro", 0x20AC },
};

/* What HTML makes of &#128; to &#159;: windows-1252's characters. */
static const unsigned short cp1252[32] = {
	0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
	0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
};

struct text {
	struct buf out;		/* the text so far; never ends in white space */
	struct buf ws;		/* white space not written yet: one space, or <pre>'s own */
	int breaks;		/* line ends owed before the next character: 0, 1 or 2 */
	int item;		/* list depth of an <li> whose "- " is not written yet, or 0 */
	int lists;		/* <ul> and <ol> open */
	int pre;		/* <pre> open */
};

static int
is_space(unsigned long c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Asks for n line ends (1: a new line, 2: a blank line) before the next character. */
static void
need(struct text *t, int n)
{
	if (t->breaks < n)
		t->breaks = n;
	buf_reset(&t->ws);
}

static void
space(struct text *t, unsigned long c)
{
	if (!t->pre) {
		if (t->ws.len == 0)
			buf_putc(&t->ws, ' ');
	} else if (c == '\n') {
		/* Only <pre> makes blank lines out of line ends. */
		t->breaks = t->breaks < 2 ? t->breaks + 1 : 2;
		buf_reset(&t->ws);
	} else
		buf_putc(&t->ws, c == '\f' ? ' ' : (char)c);
}

/* Writes the n bytes of one character, after the line ends and white space owed. */
static void
put(struct text *t, const char *s, size_t n)
{
	int start;
	int i;

	if (t->out.len > 0)
		for (i = 0; i < t->breaks; i++)
			buf_putc(&t->out, '\n');
	t->breaks = 0;
	start = t->out.len == 0 || t->out.s[t->out.len - 1] == '\n';
	if (start && t->item > 0) {
		for (i = 1; i < t->item; i++)
			buf_puts(&t->out, "  ");
		buf_puts(&t->out, "- ");
		t->item = 0;
	} else if (!start || t->pre)
		buf_put(&t->out, t->ws.s, t->ws.len);
	buf_reset(&t->ws);
	buf_put(&t->out, s, n);
}

/* Writes code point c: white space is held back, control characters dropped. */
static void
put_cp(struct text *t, unsigned long c)
{
	char u[4];

	if (is_space(c)) {
		space(t, c == '\r' ? '\n' : c);
		return;
	}
	if (c < 0x20 || (c >= 0x7F && c < 0xA0))
		return;
	if (c < 0x80) {
		u[0] = (char)c;
		put(t, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3F));
		put(t, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		put(t, u, 3);
	} else {
		u[0] = (char)(0xF0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3F));
		u[2] = (char)(0x80 | (c >> 6 & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		put(t, u, 4);
	}
}

/*
 * The length of the character reference at s (at its '&'), with its code
 * point in *cp; 0 if there is none to decode there.  A numeric one may
 * lack its ';', as HTML allows; one that is no character becomes U+FFFD.
 */
static size_t
charref(const char *s, unsigned long *cp)
{
	const char *p = s + 1;
	unsigned long c = 0;
	size_t i, n;
	int hex, digits = 0;

	if (*p == '#') {
		p++;
		hex = *p == 'x' || *p == 'X';
		p += hex;
		for (;; p++, digits++) {
			int d;

			if (*p >= '0' && *p <= '9')
				d = *p - '0';
			else if (hex && *p >= 'a' && *p <= 'f')
				d = *p - 'a' + 10;
			else if (hex && *p >= 'A' && *p <= 'F')
				d = *p - 'A' + 10;
			else
				break;
			/* Past Unicode's end it stays past it, without overflowing. */
			if (c <= 0x10FFFF)
				c = c * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (digits == 0)
			return 0;
		p += *p == ';';
		if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			c = 0xFFFD;
		else if (c >= 0x80 && c <= 0x9F)
			c = cp1252[c - 0x80];
		*cp = c;
		return (size_t)(p - s);
	}
	for (n = 0; is_name(p[n]); n++)
		;
	if (n == 0 || p[n] != ';')
		return 0;
	for (i = 0; i < NELEM(entities); i++) {
		if (strlen(entities[i].name) == n && memcmp(entities[i].name, p, n) == 0) {
			*cp = entities[i].cp;
			return n + 2;
		}
	}
	return 0;
}

/* The first byte after the tag whose attributes start at p: after its '>'. */
static const char *
tag_end(const char *p)
{
	char q;

	while (*p && *p != '>') {
		if (*p != '=') {
			p++;
			continue;
		}
		/* Only a value may be quoted, and a quoted value may hold '>'. */
		for (p++; is_space((unsigned char)*p); p++)
			;
		if (*p == '"' || *p == '\'') {
			q = *p++;
			while (*p && *p != q)
				p++;
			if (*p)
				p++;
		}
	}
	return *p ? p + 1 : p;
}

/*
 * The first byte after the end tag that closes the <script> or <style>
 * (its name the n bytes at name) whose contents start at p.
 */
static const char *
skip_contents(const char *p, const char *name, size_t n)
{
	for (; (p = strchr(p, '<')) != NULL; p++)
		if (p[1] == '/' && strncasecmp(p + 2, name, n) == 0 && !is_name(p[2 + n]))
			return tag_end(p + 2 + n);
	return "";
}

static enum kind
element(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(elements); i++)
		if (strlen(elements[i].name) == n && strncasecmp(elements[i].name, name, n) == 0)
			return elements[i].kind;
	return INLINE;
}

static void
start_tag(struct text *t, enum kind k)
{
	switch (k) {
	case INLINE:
	case SKIP:
		break;
	case LINE:
		need(t, 1);
		break;
	case PRE:
		t->pre++;
		/* FALLTHROUGH */
	case PARA:
		need(t, 2);
		break;
	case BREAK:
		t->breaks = t->breaks < 2 ? t->breaks + 1 : 2;
		buf_reset(&t->ws);
		break;
	case ITEM:
		need(t, 1);
		t->item = t->lists > 0 ? t->lists : 1;
		break;
	case LIST:
		need(t, t->lists++ == 0 ? 2 : 1);
		break;
	case CELL:
		space(t, ' ');
		break;
	}
}

static void
end_tag(struct text *t, enum kind k)
{
	switch (k) {
	case INLINE:
	case SKIP:
		break;
	case LINE:
		need(t, 1);
		break;
	case PRE:
		if (t->pre > 0)
			t->pre--;
		/* FALLTHROUGH */
	case PARA:
		need(t, 2);
		break;
	case BREAK:
		/* </br> is a <br> to browsers. */
		start_tag(t, BREAK);
		break;
	case ITEM:
		need(t, 1);
		t->item = 0;
		break;
	case LIST:
		if (t->lists > 0)
			t->lists--;
		need(t, t->lists == 0 ? 2 : 1);
		break;
	case CELL:
		space(t, ' ');
		break;
	}
}

/*
 * Reads the markup at p (at its '<') into t; returns the first byte after
 * it.  A '<' that starts no tag is text, as it is to browsers.
 */
static const char *
markup(struct text *t, const char *p)
{
	const char *name, *end;
	enum kind k;
	size_t n;
	int closing;

	if (strncmp(p, "<!--", 4) == 0) {
		if (p[4] == '>')
			return p + 5;
		if (p[4] == '-' && p[5] == '>')
			return p + 6;
		end = strstr(p + 4, "-->");
		return end ? end + 3 : p + strlen(p);
	}
	if (p[1] == '!' || p[1] == '?' || (p[1] == '/' && !is_alpha(p[2])))
		return tag_end(p + 2);
	closing = p[1] == '/';
	name = p + 1 + closing;
	if (!is_alpha(*name)) {
		put(t, "<", 1);
		return p + 1;
	}
	for (n = 0; is_name(name[n]); n++)
		;
	k = element(name, n);
	end = tag_end(name + n);
	if (closing) {
		end_tag(t, k);
		return end;
	}
	start_tag(t, k);
	/* As to browsers, <script/> has contents all the same. */
	return k == SKIP ? skip_contents(end, name, n) : end;
}

/* Removes white space from both ends of b. */
static void
trim(struct buf *b)
{
	size_t i = 0;

	if (b->s == NULL)
		return;
	while (b->len > 0 && is_space((unsigned char)b->s[b->len - 1]))
		b->len--;
	while (i < b->len && is_space((unsigned char)b->s[i]))
		i++;
	memmove(b->s, b->s + i, b->len - i);
	b->len -= i;
	b->s[b->len] = '\0';
}

char *
html_text(const char *html, size_t max)
{
	struct text t;
	const char *p = html;
	unsigned long cp;
	size_t n;

	memset(&t, 0, sizeof(t));
	/* The text is only ever appended to, so once past max it is done. */
	while (*p && (max == 0 || t.out.len <= max)) {
		if (*p == '<') {
			p = markup(&t, p);
		} else if (*p == '\r' && p[1] == '\n') {
			p++;
		} else if (*p == '&' && (n = charref(p, &cp)) > 0) {
			put_cp(&t, cp);
			p += n;
		} else if ((unsigned char)*p < 0x80) {
			put_cp(&t, (unsigned char)*p++);
		} else {
			/* The bytes of a UTF-8 sequence, whole. */
			for (n = 1; ((unsigned char)p[n] & 0xC0) == 0x80; n++)
				;
			put(&t, p, n);
			p += n;
		}
	}
	if (max > 0 && t.out.len > max) {
		n = max;
		while (n > 0 && n + 3 > max && ((unsigned char)t.out.s[n] & 0xC0) == 0x80)
			n--;
		t.out.len = n;
		t.out.s[n] = '\0';
	}
	trim(&t.out);
	buf_free(&t.ws);
	return buf_detach(&t.out);
}
