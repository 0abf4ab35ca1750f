/*
 * tmpl_spec: runs the Mustache spec against tmpl and reports TAP.  The
 * required modules and ~inheritance are run (lambdas and dynamic names
 * are not implemented), followed by crier's own cases for what the spec
 * leaves out: parse errors, runaway recursion, repeated renders.
 *
 * Usage: tmpl_spec [spec-directory]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "tmpl.h"
#include "util.h"

#define DEFAULT_DIR "../shared/mustache-spec"

/* A YAML value, as the spec's data needs it. */
enum vkind {
	V_NULL,
	V_FALSE,
	V_TRUE,
	V_STRING,	/* strings, and numbers written canonically */
	V_LIST,
	V_MAP
};

struct val {
	enum vkind kind;
	char *text;		/* scalars: the interpolated text */
	size_t len;
	char **keys;		/* map: member names */
	size_t *keylens;
	struct val **items;	/* list items, or map members */
	size_t n;
};

/* One spec test. */
struct test {
	char *file;		/* e.g. "sections.yml" */
	char *name;
	char *tmpl;		/* the template, tmpllen bytes */
	size_t tmpllen;
	char *expected;
	size_t explen;
	struct val *data;
	char **pnames;		/* partials: names and sources */
	char **psrcs;
	size_t *plens;
	size_t np;
};

static const char *files[] = {
	"interpolation.yml",
	"sections.yml",
	"inverted.yml",
	"comments.yml",
	"partials.yml",
	"delimiters.yml",
	"~inheritance.yml"
};

static int counter;	/* TAP test number */
static int failed;

static void
val_free(struct val *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		val_free(v->items[i]);
	}
	free(v->keys);
	free(v->keylens);
	free(v->items);
	free(v->text);
	free(v);
}

/*
 * 1 if s is a YAML number: sign, digits, fraction, exponent.  Hex and
 * the .inf forms do not occur in the spec.
 */
static int
is_number(const char *s, size_t n, int *integer)
{
	size_t i = 0, digits = 0;

	*integer = 1;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.') {
		*integer = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	}
	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*integer = 0;
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static struct val *
scalar_val(const yaml_node_t *node)
{
	struct val *v = xcalloc(1, sizeof(*v));
	const char *s = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length;
	char *raw;
	int integer;

	v->kind = V_STRING;
	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		v->text = xstrndup(s, n);
		v->len = n;
		return v;
	}
	raw = xstrndup(s, n);
	if (strcmp(raw, "true") == 0 || strcmp(raw, "false") == 0) {
		v->kind = raw[0] == 't' ? V_TRUE : V_FALSE;
		v->text = raw;
	} else if (n == 0 || strcmp(raw, "null") == 0 ||
	    strcmp(raw, "~") == 0) {
		v->kind = V_NULL;
		free(raw);
		v->text = xstrdup("");
	} else if (is_number(raw, n, &integer)) {
		/* Numbers print as a YAML loader gives them: 1.210 is 1.21. */
		if (integer)
			v->text = xasprintf("%lld", strtoll(raw, NULL, 10));
		else
			v->text = xasprintf("%.15g", strtod(raw, NULL));
		free(raw);
	} else
		v->text = raw;
	v->len = strlen(v->text);
	return v;
}

static struct val *
to_val(yaml_document_t *doc, yaml_node_t *node, int depth)
{
	struct val *v;
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	yaml_node_t *k;
	size_t i;

	if (node == NULL || depth > 64)
		return xcalloc(1, sizeof(struct val));
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return scalar_val(node);
	case YAML_SEQUENCE_NODE:
		v = xcalloc(1, sizeof(*v));
		v->kind = V_LIST;
		v->n = (size_t)(node->data.sequence.items.top -
		    node->data.sequence.items.start);
		v->items = xcalloc(v->n, sizeof(*v->items));
		for (i = 0, it = node->data.sequence.items.start; i < v->n;
		    i++, it++)
			v->items[i] = to_val(doc,
			    yaml_document_get_node(doc, *it), depth + 1);
		return v;
	case YAML_MAPPING_NODE:
		v = xcalloc(1, sizeof(*v));
		v->kind = V_MAP;
		v->n = (size_t)(node->data.mapping.pairs.top -
		    node->data.mapping.pairs.start);
		v->keys = xcalloc(v->n, sizeof(*v->keys));
		v->keylens = xcalloc(v->n, sizeof(*v->keylens));
		v->items = xcalloc(v->n, sizeof(*v->items));
		for (i = 0, pr = node->data.mapping.pairs.start; i < v->n;
		    i++, pr++) {
			k = yaml_document_get_node(doc, pr->key);
			if (k != NULL && k->type == YAML_SCALAR_NODE) {
				v->keys[i] = xstrndup(
				    (const char *)k->data.scalar.value,
				    k->data.scalar.length);
				v->keylens[i] = k->data.scalar.length;
			} else
				v->keys[i] = xstrdup("");
			v->items[i] = to_val(doc,
			    yaml_document_get_node(doc, pr->value), depth + 1);
		}
		return v;
	default:
		return xcalloc(1, sizeof(struct val));
	}
}

/* The value of a YAML document given as a string, for crier's cases. */
static struct val *
yaml_val(const char *src)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct val *v;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src,
	    strlen(src));
	if (!yaml_parser_load(&parser, &doc))
		die("bad YAML in a test: %s", src);
	v = to_val(&doc, yaml_document_get_root_node(&doc), 0);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return v;
}

/* The member key of a YAML mapping node, or NULL. */
static yaml_node_t *
ymember(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(doc, pr->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == strlen(key) &&
		    memcmp(k->data.scalar.value, key, strlen(key)) == 0)
			return yaml_document_get_node(doc, pr->value);
	}
	return NULL;
}

/* A scalar's text, as written; "" for anything else. */
static char *
ystr(yaml_node_t *node, size_t *len)
{
	if (node == NULL || node->type != YAML_SCALAR_NODE) {
		*len = 0;
		return xstrdup("");
	}
	*len = node->data.scalar.length;
	return xstrndup((const char *)node->data.scalar.value, *len);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(fp)) {
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	*len = b.len;
	return buf_detach(&b);
}

/* Appends the tests of one spec file; returns 0 or -1. */
static int
load(const char *dir, const char *file, struct test **tests, size_t *n,
    size_t *cap)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *list, *node, *partials, *k;
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	struct test *t;
	char *path, *src;
	size_t len, i;
	int rc = -1;

	path = xasprintf("%s/%s", dir, file);
	if ((src = slurp(path, &len)) == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(path);
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src,
	    len);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%lu: %s\n", path,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		free(src);
		free(path);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	list = ymember(&doc, root, "tests");
	if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
		fprintf(stderr, "%s: no tests\n", path);
		goto out;
	}
	for (it = list->data.sequence.items.start;
	    it < list->data.sequence.items.top; it++) {
		node = yaml_document_get_node(&doc, *it);
		*tests = xgrow(*tests, cap, *n + 1, sizeof(**tests));
		t = &(*tests)[(*n)++];
		memset(t, 0, sizeof(*t));
		t->file = xstrdup(file);
		t->name = ystr(ymember(&doc, node, "name"), &len);
		t->tmpl = ystr(ymember(&doc, node, "template"), &t->tmpllen);
		t->expected = ystr(ymember(&doc, node, "expected"),
		    &t->explen);
		t->data = to_val(&doc, ymember(&doc, node, "data"), 0);
		partials = ymember(&doc, node, "partials");
		if (partials == NULL || partials->type != YAML_MAPPING_NODE)
			continue;
		t->np = (size_t)(partials->data.mapping.pairs.top -
		    partials->data.mapping.pairs.start);
		t->pnames = xcalloc(t->np, sizeof(*t->pnames));
		t->psrcs = xcalloc(t->np, sizeof(*t->psrcs));
		t->plens = xcalloc(t->np, sizeof(*t->plens));
		for (i = 0, pr = partials->data.mapping.pairs.start;
		    i < t->np; i++, pr++) {
			k = yaml_document_get_node(&doc, pr->key);
			t->pnames[i] = ystr(k, &len);
			t->psrcs[i] = ystr(yaml_document_get_node(&doc,
			    pr->value), &t->plens[i]);
		}
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(src);
	free(path);
	return rc;
}

static void
test_free(struct test *t)
{
	size_t i;

	for (i = 0; i < t->np; i++) {
		free(t->pnames[i]);
		free(t->psrcs[i]);
	}
	free(t->pnames);
	free(t->psrcs);
	free(t->plens);
	free(t->file);
	free(t->name);
	free(t->tmpl);
	free(t->expected);
	val_free(t->data);
}

static enum tmpl_kind
v_kind(void *ud, const void *p)
{
	const struct val *v = p;

	(void)ud;
	if (v == NULL)
		return TMPL_NULL;
	switch (v->kind) {
	case V_FALSE:
		return TMPL_FALSE;
	case V_TRUE:
		return TMPL_TRUE;
	case V_STRING:
		return TMPL_STRING;
	case V_LIST:
		return TMPL_LIST;
	case V_MAP:
		return TMPL_MAP;
	default:
		return TMPL_NULL;
	}
}

static const void *
v_get(void *ud, const void *p, const char *key, size_t keylen)
{
	const struct val *v = p;
	size_t i;

	(void)ud;
	if (v == NULL || v->kind != V_MAP)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (v->keylens[i] == keylen &&
		    memcmp(v->keys[i], key, keylen) == 0)
			return v->items[i];
	return NULL;
}

static size_t
v_len(void *ud, const void *p)
{
	const struct val *v = p;

	(void)ud;
	return v != NULL && v->kind == V_LIST ? v->n : 0;
}

static const void *
v_at(void *ud, const void *p, size_t i)
{
	const struct val *v = p;

	(void)ud;
	return v->items[i];
}

static void
v_text(void *ud, const void *p, const char **s, size_t *n)
{
	const struct val *v = p;

	(void)ud;
	*s = v->text ? v->text : "";
	*n = v->len;
}

static const struct tmpl_data vdata = {
	NULL, v_kind, v_get, v_len, v_at, v_text
};

/* Prints s as a TAP diagnostic on one line, with C escapes. */
static void
diag(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("#   %-9s \"", label);
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '"':
		case '\\':
			printf("\\%c", s[i]);
			break;
		default:
			putchar(s[i]);
		}
	}
	puts("\"");
}

static void
report(int ok, const char *file, const char *name)
{
	counter++;
	printf("%sok %d - %s: %s\n", ok ? "" : "not ", counter, file, name);
	if (!ok)
		failed++;
}

static void
run_spec(const struct test *t)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = BUF_INIT;
	char *path;
	size_t i;
	int ok = 1;

	path = xasprintf("%s: %s", t->file, t->name);
	if (tmpl_set_add(set, "main", path, t->tmpl, t->tmpllen) == -1)
		ok = 0;
	for (i = 0; ok && i < t->np; i++)
		if (tmpl_set_add(set, t->pnames[i], t->pnames[i], t->psrcs[i],
		    t->plens[i]) == -1)
			ok = 0;
	if (ok && tmpl_render(set, "main", &vdata, t->data, &out) == -1)
		ok = 0;
	if (ok)
		ok = out.len == t->explen &&
		    memcmp(buf_str(&out), t->expected, t->explen) == 0;
	report(ok, t->file, t->name);
	if (!ok) {
		diag("template:", t->tmpl, t->tmpllen);
		for (i = 0; i < t->np; i++)
			diag(t->pnames[i], t->psrcs[i], t->plens[i]);
		diag("expected:", t->expected, t->explen);
		diag("got:", buf_str(&out), out.len);
	}
	buf_free(&out);
	free(path);
	tmpl_set_free(set);
}

/*
 * Adds a template with stderr sent to a temporary file, whose contents
 * are appended to err.
 */
static int
add_captured(struct tmpl_set *set, const char *name, const char *src,
    struct buf *err)
{
	FILE *tmp;
	char chunk[512];
	size_t n;
	int saved, rc;

	if ((tmp = tmpfile()) == NULL)
		die("tmpfile failed");
	fflush(stderr);
	if ((saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(tmp), STDERR_FILENO) == -1)
		die("cannot redirect stderr");
	rc = tmpl_set_add(set, name, "t.mustache", src, strlen(src));
	fflush(stderr);
	if (dup2(saved, STDERR_FILENO) == -1)
		die("cannot restore stderr");
	close(saved);
	rewind(tmp);
	while ((n = fread(chunk, 1, sizeof(chunk), tmp)) > 0)
		buf_put(err, chunk, n);
	fclose(tmp);
	return rc;
}

/* A template that must fail to parse with exactly the message want. */
static void
check_error(const char *name, const char *src, const char *want)
{
	struct tmpl_set *set = tmpl_set_new();
	struct buf err = BUF_INIT;
	int rc, ok;

	rc = add_captured(set, "t", src, &err);
	ok = rc == -1 && strcmp(buf_str(&err), want) == 0 &&
	    !tmpl_set_has(set, "t");
	report(ok, "crier", name);
	if (!ok) {
		diag("template:", src, strlen(src));
		diag("expected:", want, strlen(want));
		diag("got:", buf_str(&err), err.len);
	}
	buf_free(&err);
	tmpl_set_free(set);
}

/*
 * Renders main from a set built of name/source pairs (NULL-terminated)
 * against an empty map and compares the output with want.
 */
static void
check_render(const char *label, const char *want, const char **tmpls)
{
	struct tmpl_set *set = tmpl_set_new();
	struct val root;
	struct buf out = BUF_INIT;
	int ok = 1;

	memset(&root, 0, sizeof(root));
	root.kind = V_MAP;
	for (; *tmpls != NULL; tmpls += 2)
		if (tmpl_set_add(set, tmpls[0], tmpls[0], tmpls[1],
		    strlen(tmpls[1])) == -1)
			ok = 0;
	if (ok && tmpl_render(set, "main", &vdata, &root, &out) == -1)
		ok = 0;
	ok = ok && strcmp(buf_str(&out), want) == 0;
	report(ok, "crier", label);
	if (!ok) {
		diag("expected:", want, strlen(want));
		diag("got:", buf_str(&out), out.len);
	}
	buf_free(&out);
	tmpl_set_free(set);
}

static size_t
count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

/*
 * Recursion without an end in the data stops at the depth limit (32), with
 * want "x" in the output.
 */
static void
check_recursion(const char *label, size_t want, const char **tmpls)
{
	struct tmpl_set *set = tmpl_set_new();
	struct val root;
	struct buf out = BUF_INIT;
	int ok = 1;

	memset(&root, 0, sizeof(root));
	root.kind = V_MAP;
	for (; *tmpls != NULL; tmpls += 2)
		if (tmpl_set_add(set, tmpls[0], tmpls[0], tmpls[1],
		    strlen(tmpls[1])) == -1)
			ok = 0;
	if (ok && tmpl_render(set, "main", &vdata, &root, &out) == -1)
		ok = 0;
	ok = ok && count_char(buf_str(&out), 'x') == want;
	report(ok, "crier", label);
	if (!ok)
		printf("#   got %zu x's\n", count_char(buf_str(&out), 'x'));
	buf_free(&out);
	tmpl_set_free(set);
}

/* The same set renders the same output twice: rendering mutates nothing. */
static void
check_twice(void)
{
	static const char *src[] = {
		"main", "<ul>\n  {{<layout}}\n  {{$body}}\n    {{#items}}\n"
		    "    {{>item}}\n    {{/items}}\n  {{/body}}\n"
		    "  {{/layout}}\n</ul>\n",
		"layout", "<div>\n  {{$body}}\n  none\n  {{/body}}\n</div>\n",
		"item", "<li>{{name}}</li>\n  {{#sub}}\n  {{>item}}\n"
		    "  {{/sub}}\n",
		NULL
	};
	const char *want = "<ul>\n  <div>\n    <li>a</li>\n      <li>b</li>\n"
	    "    <li>c</li>\n  </div>\n</ul>\n";
	struct tmpl_set *set = tmpl_set_new();
	struct val *root;
	struct buf one = BUF_INIT, two = BUF_INIT;
	const char **p;
	int ok = 1;

	/* b's own empty sub hides a's, which would recurse forever. */
	root = yaml_val("items: [ { name: a, sub: [ { name: b, sub: [] } ] },"
	    " { name: c } ]");
	for (p = src; *p != NULL; p += 2)
		if (tmpl_set_add(set, p[0], p[0], p[1], strlen(p[1])) == -1)
			ok = 0;
	if (ok && (tmpl_render(set, "main", &vdata, root, &one) == -1 ||
	    tmpl_render(set, "main", &vdata, root, &two) == -1))
		ok = 0;
	ok = ok && strcmp(buf_str(&one), want) == 0 &&
	    strcmp(buf_str(&two), want) == 0;
	report(ok, "crier", "a set renders the same output twice");
	if (!ok) {
		diag("expected:", want, strlen(want));
		diag("first:", buf_str(&one), one.len);
		diag("second:", buf_str(&two), two.len);
	}
	buf_free(&one);
	buf_free(&two);
	val_free(root);
	tmpl_set_free(set);
}

/* A failed add leaves the template it would have replaced. */
static void
check_failed_add(void)
{
	struct tmpl_set *set = tmpl_set_new();
	struct val root;
	struct buf out = BUF_INIT, err = BUF_INIT;
	int ok;

	memset(&root, 0, sizeof(root));
	root.kind = V_MAP;
	ok = tmpl_set_add(set, "t", "t", "old", 3) == 0 &&
	    add_captured(set, "t", "{{#a}}", &err) == -1 &&
	    tmpl_render(set, "t", &vdata, &root, &out) == 0 &&
	    strcmp(buf_str(&out), "old") == 0 &&
	    tmpl_render(set, "nonesuch", &vdata, &root, &out) == -1 &&
	    !tmpl_set_has(set, "nonesuch");
	report(ok, "crier", "a failed add keeps the old template; "
	    "a missing template is -1");
	buf_free(&out);
	buf_free(&err);
	tmpl_set_free(set);
}

static void
run_crier(void)
{
	static const char *self_partial[] = {
		"main", "x{{>main}}", NULL
	};
	static const char *self_parent[] = {
		"main", "x{{<main}}{{$a}}y{{/a}}{{/main}}", NULL
	};
	static const char *mutual[] = {
		"main", "{{>a}}", "a", "x{{<b}}{{/b}}", "b", "{{>a}}", NULL
	};
	static const char *nested_indent[] = {
		"main", "<body>\n  {{>outer}}\n</body>\n",
		"outer", "<div>\n  {{>inner}}\n</div>\n",
		"inner", "<p>\nhi\n</p>\n",
		NULL
	};
	static const char *self_arg[] = {
		"main", "{{<p}}{{$a}}({{$a}}inner{{/a}}){{/a}}{{/p}}",
		"p", "{{$a}}{{/a}}",
		NULL
	};
	static const char *inline_partial[] = {
		"main", "  {{>a}}\n",
		"a", "x {{>b}}|\n",
		"b", "1\n2",
		NULL
	};
	static const char *block_in_partial[] = {
		"main", "{{<page}}\n{{$body}}\n<p>\n  text\n</p>\n{{/body}}\n"
		    "{{/page}}\n",
		"page", "<html>\n  {{>frame}}\n</html>\n",
		"frame", "<main>\n  {{$body}}\n  {{/body}}\n</main>\n",
		NULL
	};

	check_error("unclosed section reports its opening line",
	    "a\nb {{#x}}\nc\n",
	    "t.mustache:2: error: unclosed section \"x\"\n");
	check_error("unclosed parent reports its opening line",
	    "{{<p}}\n\n{{$a}}{{/a}}\n",
	    "t.mustache:1: error: unclosed parent \"p\"\n");
	check_error("mismatched closing tag reports its line",
	    "{{#a}}\n{{^b}}\n\n{{/a}}\n",
	    "t.mustache:4: error: closing tag \"a\" does not match "
	    "inverted section \"b\" on line 2\n");
	check_error("stray closing tag",
	    "text\n\n{{/a}}",
	    "t.mustache:3: error: closing tag \"a\" without an opening tag\n");
	check_error("unclosed tag reports its line",
	    "one\ntwo {{name\nthree\n",
	    "t.mustache:2: error: unclosed tag, expected \"}}\"\n");
	check_error("unclosed triple mustache",
	    "{{{name}}",
	    "t.mustache:1: error: unclosed tag, expected \"}}}\"\n");
	check_error("unclosed tag after a delimiter change",
	    "{{=<% %>=}}\n\n<% name }}",
	    "t.mustache:3: error: unclosed tag, expected \"%>\"\n");
	check_error("bad delimiters report their line",
	    "a\n{{=<% =}}\n",
	    "t.mustache:2: error: bad delimiters \"<%\": need two "
	    "delimiters without spaces or \"=\"\n");
	check_error("delimiters may not contain \"=\"",
	    "{{=<= =>=}}",
	    "t.mustache:1: error: bad delimiters \"<= =>\": need two "
	    "delimiters without spaces or \"=\"\n");
	check_error("line numbers count lines inside multi-line tags",
	    "{{!\none\ntwo\n}}\n{{#s}}\n",
	    "t.mustache:5: error: unclosed section \"s\"\n");
	check_error("empty tag",
	    "\n{{ }}",
	    "t.mustache:2: error: empty tag\n");

	check_failed_add();
	/* One "x" for the template itself and one per nested expansion. */
	check_recursion("a partial including itself stops at the depth limit",
	    33, self_partial);
	check_recursion("a parent inheriting from itself stops at the depth "
	    "limit", 33, self_parent);
	/* Only every other expansion of the 100 is of "a". */
	check_recursion("partials and parents including each other stop", 16,
	    mutual);
	check_twice();
	check_render("nested standalone partials add up their indentation",
	    "<body>\n  <div>\n    <p>\n    hi\n    </p>\n  </div>\n</body>\n",
	    nested_indent);
	check_render("a block in a partial of a parent is overridden and "
	    "indented", "<html>\n  <main>\n    <p>\n      text\n    </p>\n"
	    "  </main>\n</html>\n", block_in_partial);
	/* Arguments see the overrides of where they were written. */
	check_render("an argument naming its own block renders the default "
	    "there", "(inner)", self_arg);
	/* Every template line of an indented partial is indented. */
	check_render("an inline partial in an indented partial is indented "
	    "after its first line", "  x 1\n  2|\n", inline_partial);
}

/* The number of cases run_crier reports. */
#define NCRIER 20

int
main(int argc, char *argv[])
{
	const char *dir = argc > 1 ? argv[1] : DEFAULT_DIR;
	struct test *tests = NULL;
	size_t ntests = 0, cap = 0, i;
	int spec_failed;

	for (i = 0; i < NELEM(files); i++)
		if (load(dir, files[i], &tests, &ntests, &cap) == -1)
			return 1;

	printf("1..%zu\n", ntests + NCRIER);
	for (i = 0; i < ntests; i++)
		run_spec(&tests[i]);
	spec_failed = failed;
	printf("# mustache spec: %zu passed, %d failed\n",
	    ntests - (size_t)spec_failed, spec_failed);
	run_crier();
	printf("# crier: %d passed, %d failed\n",
	    counter - (int)ntests - (failed - spec_failed),
	    failed - spec_failed);

	if ((size_t)counter != ntests + NCRIER) {
		printf("# ran %d tests, planned %zu\n", counter,
		    ntests + NCRIER);
		failed++;
	}
	for (i = 0; i < ntests; i++)
		test_free(&tests[i]);
	free(tests);
	return failed ? 1 : 0;
}
