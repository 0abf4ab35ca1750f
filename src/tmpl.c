/*
 * tmpl: crier's Mustache engine.  Each template is parsed once into a
 * tree of nodes whose strings all point into the template's own copy of
 * its source; rendering only reads that tree, so one set can be shared by
 * threads.  The whitespace rules (standalone lines, intrinsic indentation
 * of blocks) are settled while parsing; what depends on where a template
 * is expanded (the indentation of partials, parents and blocks) travels
 * through rendering as a string owed at the start of every line.
 */
#include "tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Nested partial, parent and argument expansions.  A template that
 * includes itself stops expanding here instead of exhausting the stack.
 */
#define TMPL_MAXDEPTH 32
#define TMPL_MAXOUT ((size_t)64 << 20)	/* bytes one render may write */
#define TMPL_MAXSTEPS ((size_t)16 << 20)	/* nodes one render may visit */

#define NOPOS ((size_t)-1)

enum ntype {
	N_TEXT,		/* literal text, at most one line */
	N_VAR,		/* {{name}}: HTML-escaped */
	N_RAW,		/* {{{name}}} or {{&name}} */
	N_SECTION,	/* {{#name}} */
	N_INVERTED,	/* {{^name}} */
	N_PARTIAL,	/* {{>name}} */
	N_PARENT,	/* {{<name}}: kids are its argument blocks */
	N_BLOCK		/* {{$name}}: kids are the default content */
};

struct node {
	enum ntype type;
	const char *s;		/* the text, or the tag's name */
	size_t len;
	const char *lead;	/* blanks cut from before the tag */
	size_t leadlen;
	const char *indent;	/* block: indentation of an argument here */
	size_t indentlen;
	int standalone;		/* partial, parent, block: lead indents */
	struct node *kids;	/* section, parent and block content */
	size_t nkids;
};

struct tmpl {
	char *name;
	size_t namelen;
	char *src;		/* the source; every node points into it */
	struct node *nodes;
	size_t nnodes;
};

struct tmpl_set {
	struct tmpl *v;		/* sorted by name, to find partials fast */
	size_t n;
	size_t cap;
	size_t max_out;		/* bytes one render may write */
	size_t max_steps;	/* nodes one render may visit */
};

/* A growing array of nodes. */
struct nlist {
	struct node *v;
	size_t n;
	size_t cap;
};

/* How a parameter block's opening tag sits on its line. */
enum {
	OPEN_INLINE,	/* after other text */
	OPEN_LEAD,	/* after blanks only, content follows on the line */
	OPEN_ALONE	/* alone on its line */
};

/* An element whose closing tag has not been seen yet. */
struct frame {
	struct node node;	/* the element; kids are set when it closes */
	struct nlist kids;	/* its content so far */
	int line;		/* of the opening tag, for errors */
	int arg;		/* block: an argument of the enclosing parent */
	const char *strip;	/* argument: intrinsic indentation to remove */
	size_t striplen;
	int open;		/* parameter block: OPEN_*; parent: lead */
	const char *intr;	/* OPEN_ALONE block: intrinsic indentation */
	size_t intrlen;
};

struct parser {
	const char *path;	/* names the template in errors */
	const char *src;
	size_t len;
	const char *otag;	/* current opening delimiter */
	size_t olen;
	const char *ctag;	/* current closing delimiter */
	size_t clen;
	size_t lpos;		/* line counting has reached this offset */
	int line;		/* the line lpos is on */
	struct frame *fr;	/* open elements; fr[0] is the template */
	size_t nfr;
	size_t capfr;
};

/* One tag, as read from the source. */
struct tag {
	char sigil;		/* # ^ / ! > < $ = & {, or 0 for a variable */
	const char *name;	/* the content, trimmed */
	size_t namelen;
	size_t start;		/* offset of the opening delimiter */
	size_t end;		/* offset just past the closing delimiter */
	size_t bol;		/* start of the blanks before the tag */
	size_t eol;		/* past the line end, when right is set */
	int left;		/* only blanks before the tag on its line */
	int right;		/* only blanks after the tag on its line */
	int line;
};

/* A parent tag being expanded: its arguments override blocks. */
struct scope {
	const struct node *parent;	/* the parent tag */
	const struct scope *up;		/* where that tag was expanded */
};

struct render {
	const struct tmpl_set *set;
	const struct tmpl_data *d;
	struct buf *out;
	const void **stack;	/* the context stack, bottom first */
	size_t nstack;
	size_t capstack;
	struct buf ind;		/* indentation owed at each line start */
	int bol;		/* at a line start: indentation is owed */
	int depth;		/* nested expansions */
	size_t start;		/* length of out before this render */
	size_t steps;		/* nodes visited */
	int toobig;		/* past the set's limits: stop */
};

static int perr(struct parser *, int, const char *, ...) CRIER_PRINTF(3, 4);
static void render_nodes(struct render *, const struct node *, size_t,
    const struct scope *);

static int
perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: error: ", p->path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int
isblank_c(char c)
{
	return c == ' ' || c == '\t';
}

static int
isspace_c(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

static void
nodes_free(struct node *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		nodes_free(v[i].kids, v[i].nkids);
	free(v);
}

/*
 * Offset of the first occurrence at or after from of delim, preceded by
 * the character pre unless pre is 0; NOPOS if there is none.
 */
static size_t
find(const char *s, size_t from, size_t len, char pre, const char *delim,
    size_t dlen)
{
	size_t need = dlen + (pre != 0);
	const char *q;
	char first = pre ? pre : delim[0];

	while (from + need <= len) {
		q = memchr(s + from, first, len - need - from + 1);
		if (q == NULL)
			break;
		if (memcmp(q + (pre != 0), delim, dlen) == 0)
			return (size_t)(q - s);
		from = (size_t)(q - s) + 1;
	}
	return NOPOS;
}

/* Line of offset pos; offsets only grow between calls. */
static int
line_at(struct parser *p, size_t pos)
{
	const char *nl;

	while (p->lpos < pos) {
		nl = memchr(p->src + p->lpos, '\n', pos - p->lpos);
		if (nl == NULL) {
			p->lpos = pos;
			break;
		}
		p->line++;
		p->lpos = (size_t)(nl - p->src) + 1;
	}
	return p->line;
}

/*
 * Skips, at line start pos, the intrinsic indentation of every argument
 * block being parsed, outermost first, so that an argument can be
 * re-indented wherever it is expanded.  Stops before end.
 */
static size_t
strip(const struct parser *p, size_t pos, size_t end)
{
	const struct frame *f;
	size_t i;

	for (i = 1; i < p->nfr; i++) {
		f = &p->fr[i];
		if (f->striplen == 0 || end - pos < f->striplen)
			continue;
		if (memcmp(p->src + pos, f->strip, f->striplen) == 0)
			pos += f->striplen;
	}
	return pos;
}

/* The blanks that begin the line at pos, past any stripped indentation. */
static void
line_indent(const struct parser *p, size_t pos, const char **s, size_t *n)
{
	size_t e;

	pos = strip(p, pos, p->len);
	for (e = pos; e < p->len && isblank_c(p->src[e]); e++)
		continue;
	*s = p->src + pos;
	*n = e - pos;
}

static int
in_parent(const struct parser *p)
{
	return p->nfr > 1 && p->fr[p->nfr - 1].node.type == N_PARENT;
}

static void
nl_add(struct nlist *l, const struct node *nd)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *nd;
}

/* Adds nd to the innermost open element; a parent keeps only blocks. */
static void
add(struct parser *p, const struct node *nd)
{
	if (in_parent(p) && nd->type != N_BLOCK) {
		nodes_free(nd->kids, nd->nkids);
		return;
	}
	nl_add(&p->fr[p->nfr - 1].kids, nd);
}

/*
 * Adds the text from a to z, one node per line so that indentation can
 * be inserted at line starts without scanning text at render time.
 */
static void
emit(struct parser *p, size_t a, size_t z)
{
	struct node nd;
	const char *nl;
	size_t e;

	if (in_parent(p))
		return;
	memset(&nd, 0, sizeof(nd));
	nd.type = N_TEXT;
	while (a < z) {
		if (a == 0 || p->src[a - 1] == '\n')
			a = strip(p, a, z);
		nl = memchr(p->src + a, '\n', z - a);
		e = nl ? (size_t)(nl - p->src) + 1 : z;
		if (e > a) {
			nd.s = p->src + a;
			nd.len = e - a;
			add(p, &nd);
		}
		a = e;
	}
}

/*
 * Emits the text before a tag that follows the ordinary standalone rule
 * and returns where text resumes: a tag alone on its line takes the
 * whole line with it.
 */
static size_t
plain(struct parser *p, size_t text, const struct tag *tg)
{
	if (tg->left && tg->right) {
		emit(p, text, tg->bol);
		return tg->eol;
	}
	emit(p, text, tg->start);
	return tg->end;
}

/* The blanks before tg, less the indentation of enclosing arguments. */
static void
lead(const struct parser *p, const struct tag *tg, struct node *nd)
{
	size_t b = strip(p, tg->bol, tg->start);

	nd->lead = p->src + b;
	nd->leadlen = tg->start - b;
}

static struct frame *
push(struct parser *p, enum ntype type, const struct tag *tg)
{
	struct frame *f;

	p->fr = xgrow(p->fr, &p->capfr, p->nfr + 1, sizeof(*p->fr));
	f = &p->fr[p->nfr++];
	memset(f, 0, sizeof(*f));
	f->node.type = type;
	f->node.s = tg->name;
	f->node.len = tg->namelen;
	f->line = tg->line;
	return f;
}

/* Closes the innermost element and adds it to the one around it. */
static void
pop(struct parser *p)
{
	struct frame *f = &p->fr[--p->nfr];

	f->node.kids = f->kids.v;
	f->node.nkids = f->kids.n;
	add(p, &f->node);
}

static const char *
kind_name(const struct frame *f)
{
	switch (f->node.type) {
	case N_SECTION:
		return "section";
	case N_INVERTED:
		return "inverted section";
	case N_PARENT:
		return "parent";
	default:
		return "block";
	}
}

/* Reads the tag whose opening delimiter is at t. */
static int
tag_read(struct parser *p, size_t t, struct tag *tg)
{
	const char *src = p->src;
	size_t s = t + p->olen, c, e, b;
	char pre = 0;

	memset(tg, 0, sizeof(*tg));
	tg->start = t;
	tg->line = line_at(p, t);
	if (s < p->len && src[s] != '\0' && strchr("#^/!><$=&{", src[s]))
		tg->sigil = src[s++];
	if (tg->sigil == '{')
		pre = '}';
	else if (tg->sigil == '=')
		pre = '=';
	c = find(src, s, p->len, pre, p->ctag, p->clen);
	if (c == NOPOS)
		return perr(p, tg->line, "unclosed tag, expected \"%s%.*s\"",
		    tg->sigil == '{' ? "}" : tg->sigil == '=' ? "=" : "",
		    (int)p->clen, p->ctag);
	tg->end = c + (pre != 0) + p->clen;
	while (s < c && isspace_c(src[s]))
		s++;
	while (c > s && isspace_c(src[c - 1]))
		c--;
	tg->name = src + s;
	tg->namelen = c - s;

	/*
	 * Delimiters never contain blanks, so scanning back over blanks
	 * stops at a line start or at something that is not whitespace.
	 */
	for (b = t; b > 0 && isblank_c(src[b - 1]); b--)
		continue;
	tg->bol = b;
	tg->left = b == 0 || src[b - 1] == '\n';
	for (e = tg->end; e < p->len && (isblank_c(src[e]) || src[e] == '\r');
	    e++)
		continue;
	if (e == p->len || src[e] == '\n') {
		tg->right = 1;
		tg->eol = e == p->len ? e : e + 1;
	}
	return 0;
}

static int
delims(struct parser *p, const struct tag *tg)
{
	const char *s = tg->name, *e = s + tg->namelen, *a, *b, *q;

	for (a = s; a < e && !isspace_c(*a); a++)
		continue;
	for (b = a; b < e && isspace_c(*b); b++)
		continue;
	for (q = b; q < e && !isspace_c(*q); q++)
		continue;
	if (a == s || b == e || q != e || memchr(s, '=', (size_t)(a - s)) ||
	    memchr(b, '=', (size_t)(e - b)))
		return perr(p, tg->line, "bad delimiters \"%.*s\": need two "
		    "delimiters without spaces or \"=\"", (int)tg->namelen,
		    tg->name);
	p->otag = s;
	p->olen = (size_t)(a - s);
	p->ctag = b;
	p->clen = (size_t)(e - b);
	return 0;
}

static int
close_tag(struct parser *p, const struct tag *tg, size_t *pos)
{
	struct frame *f = &p->fr[p->nfr - 1];

	if (p->nfr == 1)
		return perr(p, tg->line, "closing tag \"%.*s\" without an "
		    "opening tag", (int)tg->namelen, tg->name);
	if (f->node.len != tg->namelen ||
	    memcmp(f->node.s, tg->name, tg->namelen) != 0)
		return perr(p, tg->line, "closing tag \"%.*s\" does not match "
		    "%s \"%.*s\" on line %d", (int)tg->namelen, tg->name,
		    kind_name(f), (int)f->node.len, f->node.s, f->line);

	if (f->node.type == N_PARENT) {
		/*
		 * The text inside a parent is dropped, so the pair is
		 * standalone when it has only blanks around it as a whole.
		 */
		f->node.standalone = f->open && tg->right;
		*pos = tg->right && (f->open || tg->left) ? tg->eol : tg->end;
	} else if (f->node.type == N_BLOCK && f->arg) {
		/* The line end before the tag stays: it ends the last line. */
		emit(p, *pos, tg->left ? tg->bol : tg->start);
		*pos = tg->end;
	} else if (f->node.type == N_BLOCK) {
		*pos = plain(p, *pos, tg);
		/*
		 * A block with only blanks around it as a whole indents an
		 * argument put in its place; the line end after it stays
		 * unless the closing tag is alone on its line.
		 */
		if (f->open == OPEN_ALONE) {
			f->node.standalone = 1;
			if (tg->right) {
				f->node.indent = f->intr;
				f->node.indentlen = f->intrlen;
			}
		} else if (f->open == OPEN_LEAD && tg->right) {
			f->node.standalone = 1;
			f->node.indent = f->node.lead;
			f->node.indentlen = f->node.leadlen;
		}
	} else
		*pos = plain(p, *pos, tg);
	pop(p);
	return 0;
}

static int
block_tag(struct parser *p, const struct tag *tg, size_t *pos)
{
	struct frame *f;
	const char *s;
	size_t n = 0;

	if (in_parent(p)) {
		/*
		 * An argument is a template of its own: a line end right
		 * after its opening tag is part of the tag, and the blanks
		 * that begin its first line are removed from all its lines.
		 */
		s = p->src + tg->end;
		if (tg->right) {
			line_indent(p, tg->eol, &s, &n);
			*pos = tg->eol;
		} else
			*pos = tg->end;
		f = push(p, N_BLOCK, tg);
		f->arg = 1;
		f->strip = s;
		f->striplen = n;
		return 0;
	}
	if (tg->left && tg->right) {
		emit(p, *pos, tg->bol);
		*pos = tg->eol;
		f = push(p, N_BLOCK, tg);
		f->open = OPEN_ALONE;
		line_indent(p, tg->eol, &f->intr, &f->intrlen);
	} else if (tg->left) {
		emit(p, *pos, tg->bol);
		*pos = tg->end;
		f = push(p, N_BLOCK, tg);
		f->open = OPEN_LEAD;
		lead(p, tg, &f->node);
	} else {
		emit(p, *pos, tg->start);
		*pos = tg->end;
		f = push(p, N_BLOCK, tg);
		f->open = OPEN_INLINE;
	}
	return 0;
}

/* Handles one tag; *pos is where the pending text starts, then resumes. */
static int
tag_do(struct parser *p, const struct tag *tg, size_t *pos)
{
	struct frame *f;
	struct node nd;

	if (tg->namelen == 0 && tg->sigil != '!' && tg->sigil != '=')
		return perr(p, tg->line, "empty tag");
	switch (tg->sigil) {
	case '!':
		*pos = plain(p, *pos, tg);
		return 0;
	case '=':
		if (delims(p, tg) == -1)
			return -1;
		*pos = plain(p, *pos, tg);
		return 0;
	case '#':
	case '^':
		*pos = plain(p, *pos, tg);
		push(p, tg->sigil == '#' ? N_SECTION : N_INVERTED, tg);
		return 0;
	case '/':
		return close_tag(p, tg, pos);
	case '$':
		return block_tag(p, tg, pos);
	case '<':
		/*
		 * Whether the blanks before a parent are indentation is known
		 * only at its closing tag, so they are kept aside until then.
		 */
		if (tg->left)
			emit(p, *pos, tg->bol);
		else
			emit(p, *pos, tg->start);
		*pos = tg->end;
		f = push(p, N_PARENT, tg);
		f->open = tg->left;
		if (tg->left)
			lead(p, tg, &f->node);
		return 0;
	default:
		break;
	}

	memset(&nd, 0, sizeof(nd));
	nd.s = tg->name;
	nd.len = tg->namelen;
	if (tg->sigil == '>') {
		nd.type = N_PARTIAL;
		if (tg->left && tg->right) {
			emit(p, *pos, tg->bol);
			lead(p, tg, &nd);
			nd.standalone = 1;
			*pos = tg->eol;
		} else {
			emit(p, *pos, tg->start);
			*pos = tg->end;
		}
	} else {
		nd.type = tg->sigil == 0 ? N_VAR : N_RAW;
		emit(p, *pos, tg->start);
		*pos = tg->end;
	}
	add(p, &nd);
	return 0;
}

static int
parse(struct parser *p, struct nlist *out)
{
	struct frame *f;
	struct tag tg;
	size_t pos = 0, t;
	int rc = -1;

	p->otag = "{{";
	p->olen = 2;
	p->ctag = "}}";
	p->clen = 2;
	p->line = 1;
	p->fr = xgrow(NULL, &p->capfr, 1, sizeof(*p->fr));
	memset(p->fr, 0, sizeof(*p->fr));
	p->nfr = 1;

	for (;;) {
		t = find(p->src, pos, p->len, 0, p->otag, p->olen);
		if (t == NOPOS) {
			emit(p, pos, p->len);
			break;
		}
		if (tag_read(p, t, &tg) == -1 || tag_do(p, &tg, &pos) == -1)
			goto out;
	}
	if (p->nfr > 1) {
		f = &p->fr[p->nfr - 1];
		perr(p, f->line, "unclosed %s \"%.*s\"", kind_name(f),
		    (int)f->node.len, f->node.s);
		goto out;
	}
	*out = p->fr[0].kids;
	memset(&p->fr[0].kids, 0, sizeof(p->fr[0].kids));
	rc = 0;
out:
	while (p->nfr > 0) {
		p->nfr--;
		nodes_free(p->fr[p->nfr].kids.v, p->fr[p->nfr].kids.n);
	}
	free(p->fr);
	p->fr = NULL;
	return rc;
}

static int
namecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Index of the template called name, or where it would go. */
static size_t
set_index(const struct tmpl_set *set, const char *name, size_t len,
    int *found)
{
	size_t lo = 0, hi = set->n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = namecmp(name, len, set->v[mid].name, set->v[mid].namelen);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static const struct tmpl *
set_find(const struct tmpl_set *set, const char *name, size_t len)
{
	size_t i;
	int found;

	i = set_index(set, name, len, &found);
	return found ? &set->v[i] : NULL;
}

static void
tmpl_clear(struct tmpl *t)
{
	free(t->name);
	free(t->src);
	nodes_free(t->nodes, t->nnodes);
}

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set *set = xcalloc(1, sizeof(struct tmpl_set));

	set->max_out = TMPL_MAXOUT;
	set->max_steps = TMPL_MAXSTEPS;
	return set;
}

void
tmpl_set_limits(struct tmpl_set *set, size_t max_out, size_t max_steps)
{
	set->max_out = max_out;
	set->max_steps = max_steps;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tmpl_clear(&set->v[i]);
	free(set->v);
	free(set);
}

int
tmpl_set_add(struct tmpl_set *set, const char *name, const char *path,
    const char *src, size_t len)
{
	struct parser p;
	struct nlist nodes;
	struct tmpl t;
	size_t i;
	int found;

	memset(&p, 0, sizeof(p));
	memset(&nodes, 0, sizeof(nodes));
	memset(&t, 0, sizeof(t));
	t.src = xstrndup(src, len);
	p.path = path;
	p.src = t.src;
	p.len = len;
	if (parse(&p, &nodes) == -1) {
		free(t.src);
		return -1;
	}
	t.nodes = nodes.v;
	t.nnodes = nodes.n;
	t.name = xstrdup(name);
	t.namelen = strlen(name);

	i = set_index(set, t.name, t.namelen, &found);
	if (found) {
		tmpl_clear(&set->v[i]);
		set->v[i] = t;
		return 0;
	}
	set->v = xgrow(set->v, &set->cap, set->n + 1, sizeof(*set->v));
	memmove(&set->v[i + 1], &set->v[i], (set->n - i) * sizeof(*set->v));
	set->v[i] = t;
	set->n++;
	return 0;
}

int
tmpl_set_has(const struct tmpl_set *set, const char *name)
{
	return set_find(set, name, strlen(name)) != NULL;
}

static void
put_text(struct render *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (r->bol && r->ind.len > 0)
		buf_put(r->out, r->ind.s, r->ind.len);
	buf_put(r->out, s, n);
	r->bol = s[n - 1] == '\n';
}

/* Values are not indented: only lines of templates are. */
static void
put_value(struct render *r, const void *v, int escape)
{
	const char *s;
	size_t n;

	if (r->bol && r->ind.len > 0)
		buf_put(r->out, r->ind.s, r->ind.len);
	r->bol = 0;
	switch (r->d->kind(r->d->ud, v)) {
	case TMPL_STRING:
	case TMPL_TRUE:
	case TMPL_FALSE:
		r->d->text(r->d->ud, v, &s, &n);
		if (escape)
			buf_put_html(r->out, s, n);
		else
			buf_put(r->out, s, n);
		break;
	default:
		break;
	}
}

/* Adds s to the indentation; returns what to restore it to. */
static size_t
ind_push(struct render *r, const char *s, size_t n)
{
	size_t old = r->ind.len;

	buf_put(&r->ind, s, n);
	r->bol = 1;
	return old;
}

static void
ind_pop(struct render *r, size_t old)
{
	r->ind.len = old;
	if (r->ind.s != NULL)
		r->ind.s[old] = '\0';
}

static void
ctx_push(struct render *r, const void *v)
{
	r->stack = xgrow(r->stack, &r->capstack, r->nstack + 1,
	    sizeof(*r->stack));
	r->stack[r->nstack++] = v;
}

/*
 * Resolves name against the context stack.  Only the first part of a
 * dotted name is searched for down the stack: once it is found, a miss
 * in the later parts is a miss, as the spec requires.
 */
static const void *
lookup(const struct render *r, const char *name, size_t len)
{
	const struct tmpl_data *d = r->d;
	const char *seg, *end = name + len, *dot;
	const void *v = NULL;
	size_t i;

	if (len == 1 && name[0] == '.')
		return r->stack[r->nstack - 1];
	dot = memchr(name, '.', len);
	seg = dot ? dot : end;
	for (i = r->nstack; i > 0; i--) {
		if (d->kind(d->ud, r->stack[i - 1]) != TMPL_MAP)
			continue;
		v = d->get(d->ud, r->stack[i - 1], name, (size_t)(seg - name));
		if (v != NULL)
			break;
	}
	while (v != NULL && seg < end) {
		name = seg + 1;
		dot = memchr(name, '.', (size_t)(end - name));
		seg = dot ? dot : end;
		if (d->kind(d->ud, v) != TMPL_MAP)
			return NULL;
		v = d->get(d->ud, v, name, (size_t)(seg - name));
	}
	return v;
}

static void
section(struct render *r, const struct node *nd, const struct scope *sc)
{
	const struct tmpl_data *d = r->d;
	const void *v = lookup(r, nd->s, nd->len);
	size_t i, n;

	switch (d->kind(d->ud, v)) {
	case TMPL_LIST:
		n = d->len(d->ud, v);
		for (i = 0; i < n; i++) {
			ctx_push(r, d->at(d->ud, v, i));
			render_nodes(r, nd->kids, nd->nkids, sc);
			r->nstack--;
		}
		break;
	case TMPL_MAP:
	case TMPL_STRING:
	case TMPL_TRUE:
		ctx_push(r, v);
		render_nodes(r, nd->kids, nd->nkids, sc);
		r->nstack--;
		break;
	default:
		break;
	}
}

static void
inverted(struct render *r, const struct node *nd, const struct scope *sc)
{
	const struct tmpl_data *d = r->d;
	const void *v = lookup(r, nd->s, nd->len);

	switch (d->kind(d->ud, v)) {
	case TMPL_NULL:
	case TMPL_FALSE:
		break;
	case TMPL_LIST:
		if (d->len(d->ud, v) == 0)
			break;
		return;
	default:
		return;
	}
	render_nodes(r, nd->kids, nd->nkids, sc);
}

/* Expands a partial or a parent tag. */
static void
expand(struct render *r, const struct node *nd, const struct scope *sc)
{
	const struct tmpl *t;
	struct scope in;
	size_t old;

	if (!nd->standalone)
		put_text(r, nd->lead, nd->leadlen);
	t = set_find(r->set, nd->s, nd->len);
	if (t == NULL || r->depth >= TMPL_MAXDEPTH)
		return;
	if (nd->type == N_PARENT) {
		in.parent = nd;
		in.up = sc;
		sc = &in;
	}
	old = r->ind.len;
	if (nd->standalone)
		ind_push(r, nd->lead, nd->leadlen);
	r->depth++;
	render_nodes(r, t->nodes, t->nnodes, sc);
	r->depth--;
	ind_pop(r, old);
}

/*
 * Renders a block: the argument of that name given to the outermost
 * parent tag being expanded wins, so that the template the user asked
 * for overrides the layouts it inherits from.  The argument is rendered
 * in the context where the block stands, but with the overrides that
 * were in force where the argument was written, so a block cannot
 * resolve to itself.
 */
static void
block(struct render *r, const struct node *nd, const struct scope *sc)
{
	const struct node *arg = NULL, *a;
	const struct scope *s, *from = NULL;
	size_t i, old;

	for (s = sc; s != NULL; s = s->up) {
		for (i = 0; i < s->parent->nkids; i++) {
			a = &s->parent->kids[i];
			if (a->len == nd->len &&
			    memcmp(a->s, nd->s, nd->len) == 0) {
				arg = a;
				from = s;
			}
		}
	}
	if (arg == NULL) {
		put_text(r, nd->lead, nd->leadlen);
		render_nodes(r, nd->kids, nd->nkids, sc);
		return;
	}
	if (!nd->standalone)
		put_text(r, nd->lead, nd->leadlen);
	if (r->depth >= TMPL_MAXDEPTH)
		return;
	old = r->ind.len;
	if (nd->standalone)
		ind_push(r, nd->indent, nd->indentlen);
	r->depth++;
	render_nodes(r, arg->kids, arg->nkids, from->up);
	r->depth--;
	ind_pop(r, old);
}

static void
render_nodes(struct render *r, const struct node *v, size_t n,
    const struct scope *sc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/*
		 * The depth limit alone does not bound the output: a partial
		 * that includes itself once per item doubles it at each level.
		 */
		if (r->toobig || r->out->len - r->start > r->set->max_out ||
		    ++r->steps > r->set->max_steps) {
			r->toobig = 1;
			return;
		}
		switch (v[i].type) {
		case N_TEXT:
			put_text(r, v[i].s, v[i].len);
			break;
		case N_VAR:
		case N_RAW:
			put_value(r, lookup(r, v[i].s, v[i].len),
			    v[i].type == N_VAR);
			break;
		case N_SECTION:
			section(r, &v[i], sc);
			break;
		case N_INVERTED:
			inverted(r, &v[i], sc);
			break;
		case N_PARTIAL:
		case N_PARENT:
			expand(r, &v[i], sc);
			break;
		case N_BLOCK:
			block(r, &v[i], sc);
			break;
		}
	}
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct tmpl_data *data, const void *root, struct buf *out)
{
	const struct tmpl *t;
	struct render r;

	t = set_find(set, name, strlen(name));
	if (t == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.d = data;
	r.out = out;
	r.start = out->len;
	r.bol = 1;
	ctx_push(&r, root);
	render_nodes(&r, t->nodes, t->nnodes, NULL);
	free(r.stack);
	buf_free(&r.ind);
	if (r.toobig) {
		out->len = r.start;
		if (out->s)
			out->s[out->len] = '\0';
		return -2;
	}
	return 0;
}
