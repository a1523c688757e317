/*
** yaml.c - a definition written in YAML, read into the JSON it stands for.
**
** libyaml's event parser gives nodes in document order with their marks;
** this file builds the jansson tree from them and, at the same time,
** records where each value and each member name starts, by JSON Pointer,
** in a struct jsonloc (diagnostics then point into the YAML text exactly
** as jsonloc.c does for JSON).
**
** Scalars follow the YAML 1.2 core schema: plain true/false (any of the
** three casings), null, ~ and empty are booleans and null; decimal, 0o and
** 0x integers; decimal floats. Everything else, and every quoted or block
** scalar, is a string. The core schema's tags (!!str, !!int, !!float,
** !!bool, !!null, !!map, !!seq) are honoured; any other tag, such as
** CloudFormation's !Ref and !Sub, is an error, since the service only ever
** sees JSON. So are .inf and .nan (JSON has no such numbers), integers
** beyond 64 bits, duplicate keys, merge keys (<<, a YAML 1.1 feature),
** collections as keys and a second document. A scalar key that is not a
** string becomes its text (1, true, null), as JSON.stringify and Python's
** json module do with YAML loaded by js-yaml or PyYAML.
**
** Aliases are expanded: the value is copied, and so are the locations
** recorded under its anchor, so an error inside an alias points at the
** anchored text. A budget on the expanded size stops alias bombs.
*/
#include "aslc.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/*
** The expanded document may weigh this much (a value weighs one plus the
** bytes of its member name and of its text): twice the 1 MiB the service
** accepts in a definition, so no real definition comes near it.
*/
#define MAX_WEIGHT (2u << 20)
/* Nesting deeper than jansson's own limit is refused. */
#define MAX_DEPTH 2048

#define CORE "tag:yaml.org,2002:"

/* A recorded location, kept until the end to copy them for aliases. */
struct rec {
	char *ptr;		/* JSON Pointer, malloc'd */
	int line, col;		/* the value */
	int kline, kcol;	/* its member name, or 0 */
	size_t weight;
};

struct anchor {
	char *name;
	json_t *value;		/* a reference */
	char *ptr;		/* where it was defined */
	size_t first, end;	/* its records: recs[first..end) */
	size_t weight;
};

/* A mapping or sequence being built. */
struct frame {
	json_t *value;		/* borrowed: already in its parent */
	size_t base;		/* length of its pointer */
	char *key;		/* a mapping's key waiting for its value */
	int kline, kcol;
	char *anchor;		/* to define when it ends, or NULL */
	size_t first;		/* its first record */
};

struct yaml {
	json_t *root;
	struct strbuf ptr;	/* pointer of the node being read */
	struct frame *stack;
	size_t depth, cap;
	struct rec *recs;
	size_t nrec, reccap;
	struct anchor *anchors;
	size_t nanchor, anchorcap;
	struct strmap anchor_index;	/* name -> its latest definition */
	size_t weight;		/* of everything recorded so far */
	bool failed;
};

static void
fail(struct yaml *y, yaml_mark_t m, const char *fmt, ...) ASLC_PRINTF(3, 4);

static void
fail(struct yaml *y, yaml_mark_t m, const char *fmt, ...)
{
	struct strbuf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_error_at((int)m.line + 1, (int)m.column + 1, "%s", b.s);
	sb_free(&b);
	y->failed = true;
}

/* A tag as written: the core schema's with "!!". */
static const char *
tag_name(const char *tag)
{
	static char buf[128];

	if (strncmp(tag, CORE, strlen(CORE)) == 0) {
		snprintf(buf, sizeof buf, "!!%s", tag + strlen(CORE));
		return buf;
	}
	return tag;
}

static bool
is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static const char *const null_words[] = {
	"null", "Null", "NULL", "~", "", NULL
};
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
static const char *const inf_nan_words[] = {
	".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
	"-.INF", ".nan", ".NaN", ".NAN", NULL
};

static bool
all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* The core schema's integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+. */
static bool
is_int(const char *s)
{
	if (s[0] == '0' && s[1] == 'o')
		return all_of(s + 2, "01234567");
	if (s[0] == '0' && s[1] == 'x')
		return all_of(s + 2, "0123456789abcdefABCDEF");
	if (*s == '-' || *s == '+')
		s++;
	return all_of(s, "0123456789");
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
is_float(const char *s)
{
	size_t n;

	if (*s == '-' || *s == '+')
		s++;
	n = strspn(s, "0123456789");
	s += n;
	if (*s == '.') {
		size_t m = strspn(s + 1, "0123456789");

		if (!n && !m)
			return false;
		s += 1 + m;
	} else if (!n) {
		return false;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!all_of(s, "0123456789"))
			return false;
		s += strlen(s);
	}
	return *s == '\0';
}

/* An integer that is_int() accepted; NULL after an error. */
static json_t *
int_value(struct yaml *y, yaml_mark_t m, const char *s)
{
	uintmax_t u;
	int base = 10;
	bool neg = false;
	const char *digits = s;

	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		digits = s + 2;
	} else if (*s == '-' || *s == '+') {
		neg = *s == '-';
		digits = s + 1;
	}
	errno = 0;
	u = strtoumax(digits, NULL, base);
	if (errno == ERANGE || u > (uintmax_t)INT64_MAX + neg) {
		fail(y, m, "an integer too large for 64 bits");
		return NULL;
	}
	if (neg)
		return json_integer(u == (uintmax_t)INT64_MAX + 1 ? INT64_MIN
								  : -(json_int_t)u);
	return json_integer((json_int_t)u);
}

static json_t *
float_value(struct yaml *y, yaml_mark_t m, const char *s)
{
	double d;

	if (is_one_of(s, inf_nan_words)) {
		fail(y, m, "%s: JSON has no infinity or NaN, so a definition "
		     "cannot hold one", s);
		return NULL;
	}
	d = strtod(s, NULL);
	if (isinf(d)) {
		fail(y, m, "a number too large for a double");
		return NULL;
	}
	return json_real(d);
}

static json_t *
string_value(struct yaml *y, yaml_mark_t m, const char *s, size_t len)
{
	json_t *v;

	if (memchr(s, '\0', len)) {
		fail(y, m, "a string holds \\0 (NUL), which aslc does not accept "
		     "in a definition");
		return NULL;
	}
	v = json_stringn(s, len);
	if (!v)
		fail(y, m, "a string is not valid UTF-8");
	return v;
}

/*
** The value of a scalar: by its tag if it has one, else by the core
** schema when plain, else a string. NULL after an error.
*/
static json_t *
scalar_value(struct yaml *y, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	yaml_mark_t m = ev->start_mark;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	if (!tag || strcmp(tag, "!") == 0) {
		if (!plain || tag)
			return string_value(y, m, s, len);
		if (is_one_of(s, null_words))
			return json_null();
		if (is_one_of(s, true_words))
			return json_true();
		if (is_one_of(s, false_words))
			return json_false();
		if (is_int(s))
			return int_value(y, m, s);
		if (is_float(s) || is_one_of(s, inf_nan_words))
			return float_value(y, m, s);
		return string_value(y, m, s, len);
	}
	if (strcmp(tag, CORE "str") == 0)
		return string_value(y, m, s, len);
	if (strcmp(tag, CORE "null") == 0 && is_one_of(s, null_words))
		return json_null();
	if (strcmp(tag, CORE "bool") == 0 && is_one_of(s, true_words))
		return json_true();
	if (strcmp(tag, CORE "bool") == 0 && is_one_of(s, false_words))
		return json_false();
	if (strcmp(tag, CORE "int") == 0 && is_int(s))
		return int_value(y, m, s);
	if (strcmp(tag, CORE "float") == 0 && is_int(s) && s[0] == '0' &&
	    (s[1] == 'o' || s[1] == 'x')) {
		json_t *i = int_value(y, m, s);
		json_t *v = i ? json_real((double)json_integer_value(i)) : NULL;

		json_decref(i);
		return v;
	}
	if (strcmp(tag, CORE "float") == 0 &&
	    (is_int(s) || is_float(s) || is_one_of(s, inf_nan_words)))
		return float_value(y, m, s);
	if (strcmp(tag, CORE "null") == 0 || strcmp(tag, CORE "bool") == 0 ||
	    strcmp(tag, CORE "int") == 0 || strcmp(tag, CORE "float") == 0) {
		struct strbuf b = { 0 };

		sb_putn(&b, s, strnlen(s, len));
		fail(y, m, "\"%s\" is not a valid %s", b.s ? b.s : "", tag_name(tag));
		sb_free(&b);
		return NULL;
	}
	fail(y, m, "YAML tag %s is not supported: a definition is plain data "
	     "(tags of the core schema only: !!str, !!int, !!float, !!bool, !!null)",
	     tag_name(tag));
	return NULL;
}

/* Check a mapping's or sequence's tag against what it is. */
static bool
collection_tag(struct yaml *y, const yaml_event_t *ev, const char *tag,
	       const char *want)
{
	if (!tag || strcmp(tag, "!") == 0 || strcmp(tag, want) == 0)
		return true;
	fail(y, ev->start_mark, "YAML tag %s is not supported on a %s", tag_name(tag),
	     strcmp(want, CORE "map") == 0 ? "mapping" : "sequence");
	return false;
}

/*
** The text of a mapping key: strings as they are, other scalars as
** JSON.stringify writes them; NULL after an error.
*/
static char *
key_text(struct yaml *y, yaml_mark_t m, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_INTEGER: {
		char buf[32];

		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return xstrdup(buf);
	}
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_NULL:
		return xstrdup("null");
	case JSON_REAL:
		fail(y, m, "a mapping key is a floating-point number; quote it "
		     "to make it a string");
		return NULL;
	default:
		fail(y, m, "a mapping key must be a scalar: JSON object keys are strings");
		return NULL;
	}
}

static void
add_rec(struct yaml *y, const char *ptr, int line, int col, int kline, int kcol,
	size_t weight)
{
	struct rec *r;

	if (y->nrec == y->reccap) {
		y->reccap = y->reccap ? 2 * y->reccap : 256;
		y->recs = xrealloc(y->recs, y->reccap * sizeof *y->recs);
	}
	r = &y->recs[y->nrec++];
	r->ptr = xstrdup(ptr);
	r->line = line;
	r->col = col;
	r->kline = kline;
	r->kcol = kcol;
	r->weight = weight;
	y->weight += weight;
}

static void
define_anchor(struct yaml *y, const char *name, json_t *value, const char *ptr,
	      size_t first)
{
	struct anchor *a;
	size_t i;

	if (y->nanchor == y->anchorcap) {
		y->anchorcap = y->anchorcap ? 2 * y->anchorcap : 16;
		y->anchors = xrealloc(y->anchors, y->anchorcap * sizeof *y->anchors);
	}
	a = &y->anchors[y->nanchor++];
	a->name = xstrdup(name);
	a->value = json_incref(value);
	a->ptr = xstrdup(ptr);
	a->first = first;
	a->end = y->nrec;
	a->weight = 0;
	for (i = first; i < y->nrec; i++)
		a->weight += y->recs[i].weight;
	strmap_put(&y->anchor_index, a->name, (int)(y->nanchor - 1));
}

/* The latest anchor of that name (YAML lets a name be defined again). */
static const struct anchor *
find_anchor(const struct yaml *y, const char *name)
{
	int i = strmap_get(&y->anchor_index, name);

	return i < 0 ? NULL : &y->anchors[i];
}

/* Cut the pointer being built back to n bytes. */
static void
ptr_cut(struct yaml *y, size_t n)
{
	y->ptr.len = n;
	if (y->ptr.s)
		y->ptr.s[n] = '\0';
}

/* The weight of the name of the member being read, if any. */
static size_t
key_weight(const struct yaml *y)
{
	const struct frame *f = y->depth ? &y->stack[y->depth - 1] : NULL;

	return f && f->key ? strlen(f->key) : 0;
}

static const char *
cur_ptr(const struct yaml *y)
{
	return y->ptr.s ? y->ptr.s : "";
}

/* Put v (a new reference) in the current mapping or sequence, or as root. */
static void
attach(struct yaml *y, json_t *v)
{
	struct frame *f;

	if (!y->depth) {
		y->root = v;
		return;
	}
	f = &y->stack[y->depth - 1];
	if (json_is_array(f->value)) {
		json_array_append_new(f->value, v);
	} else {
		json_object_set_new(f->value, f->key, v);
		free(f->key);
		f->key = NULL;
	}
}

/*
** Set y->ptr to the pointer of the next value in the current collection;
** *kline, *kcol to its member name, if it has one.
*/
static void
next_pointer(struct yaml *y, int *kline, int *kcol)
{
	struct frame *f;
	const char *k;

	*kline = *kcol = 0;
	if (!y->depth) {
		ptr_cut(y, 0);
		return;
	}
	f = &y->stack[y->depth - 1];
	ptr_cut(y, f->base);
	if (json_is_array(f->value)) {
		sb_printf(&y->ptr, "/%zu", json_array_size(f->value));
		return;
	}
	*kline = f->kline;
	*kcol = f->kcol;
	sb_putc(&y->ptr, '/');
	for (k = f->key; *k; k++) {
		if (*k == '~')
			sb_puts(&y->ptr, "~0");
		else if (*k == '/')
			sb_puts(&y->ptr, "~1");
		else
			sb_putc(&y->ptr, *k);
	}
}

/* True if the next node is a key of the current mapping. */
static bool
expecting_key(const struct yaml *y)
{
	return y->depth && json_is_object(y->stack[y->depth - 1].value) &&
	       !y->stack[y->depth - 1].key;
}

/* A key was read: check it and keep it until its value comes. */
static void
take_key(struct yaml *y, yaml_mark_t m, const json_t *v, bool plain)
{
	struct frame *f = &y->stack[y->depth - 1];
	char *k = key_text(y, m, v);

	if (!k)
		return;
	if (plain && strcmp(k, "<<") == 0) {
		fail(y, m, "merge keys (<<) are not supported: they are YAML 1.1, "
		     "not the YAML 1.2 core schema; write the members out");
		free(k);
		return;
	}
	if (json_object_get(f->value, k)) {
		fail(y, m, "duplicate key \"%s\": each key may appear once in an object", k);
		free(k);
		return;
	}
	f->key = k;
	f->kline = (int)m.line + 1;
	f->kcol = (int)m.column + 1;
}

static void
on_scalar(struct yaml *y, const yaml_event_t *ev)
{
	json_t *v = scalar_value(y, ev);
	int kline, kcol;

	if (!v)
		return;
	if (expecting_key(y)) {
		take_key(y, ev->start_mark, v,
			 ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			 !ev->data.scalar.tag);
		if (ev->data.scalar.anchor)
			define_anchor(y, (const char *)ev->data.scalar.anchor, v, "", y->nrec);
		json_decref(v);
		return;
	}
	next_pointer(y, &kline, &kcol);
	add_rec(y, cur_ptr(y), (int)ev->start_mark.line + 1,
		(int)ev->start_mark.column + 1, kline, kcol,
		1 + ev->data.scalar.length + key_weight(y));
	if (ev->data.scalar.anchor)
		define_anchor(y, (const char *)ev->data.scalar.anchor, v, cur_ptr(y),
			      y->nrec - 1);
	attach(y, v);
}

static void
on_alias(struct yaml *y, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a = find_anchor(y, name);
	yaml_mark_t m = ev->start_mark;
	int kline, kcol;
	size_t i, alen, base;
	json_t *v;

	if (!a) {
		fail(y, m, "alias *%s names no anchor defined before it "
		     "(or it is inside its own anchor)", name);
		return;
	}
	if (expecting_key(y)) {
		take_key(y, m, a->value, false);
		return;
	}
	if (y->weight + a->weight > MAX_WEIGHT) {
		fail(y, m, "alias *%s makes the definition too large once aliases "
		     "are expanded (more than %u MiB); is it an alias bomb?", name,
		     MAX_WEIGHT >> 20);
		return;
	}
	next_pointer(y, &kline, &kcol);
	add_rec(y, cur_ptr(y), (int)m.line + 1, (int)m.column + 1, kline, kcol,
		a->weight);
	/* The anchored value's own records, moved under this pointer. */
	base = y->ptr.len;
	alen = strlen(a->ptr);
	for (i = a->first; i < a->end; i++) {
		struct rec r = y->recs[i];

		if (strlen(r.ptr) == alen)
			continue;
		ptr_cut(y, base);
		sb_puts(&y->ptr, r.ptr + alen);
		add_rec(y, cur_ptr(y), r.line, r.col, r.kline, r.kcol, 0);
	}
	v = json_deep_copy(a->value);
	if (!v)
		fatal("out of memory");
	attach(y, v);
}

static void
on_start(struct yaml *y, const yaml_event_t *ev, bool mapping)
{
	const char *tag = (const char *)(mapping ? ev->data.mapping_start.tag
						 : ev->data.sequence_start.tag);
	const char *anchor = (const char *)(mapping ? ev->data.mapping_start.anchor
						    : ev->data.sequence_start.anchor);
	json_t *v;
	struct frame *f;
	int kline, kcol;

	if (expecting_key(y)) {
		fail(y, ev->start_mark, "a mapping key must be a scalar: JSON object "
		     "keys are strings");
		return;
	}
	if (!collection_tag(y, ev, tag, mapping ? CORE "map" : CORE "seq"))
		return;
	if (y->depth == MAX_DEPTH) {
		fail(y, ev->start_mark, "nesting deeper than %d levels", MAX_DEPTH);
		return;
	}
	next_pointer(y, &kline, &kcol);
	add_rec(y, cur_ptr(y), (int)ev->start_mark.line + 1,
		(int)ev->start_mark.column + 1, kline, kcol,
		1 + key_weight(y));
	v = mapping ? json_object() : json_array();
	if (!v)
		fatal("out of memory");
	attach(y, v);
	if (y->depth == y->cap) {
		y->cap = y->cap ? 2 * y->cap : 16;
		y->stack = xrealloc(y->stack, y->cap * sizeof *y->stack);
	}
	f = &y->stack[y->depth++];
	f->value = v;
	f->base = y->ptr.len;
	f->key = NULL;
	f->kline = f->kcol = 0;
	f->anchor = anchor ? xstrdup(anchor) : NULL;
	f->first = y->nrec - 1;
}

static void
on_end(struct yaml *y)
{
	struct frame *f = &y->stack[--y->depth];

	if (f->anchor) {
		const char *ptr = y->recs[f->first].ptr;

		define_anchor(y, f->anchor, f->value, ptr, f->first);
		free(f->anchor);
	}
}

/* A libyaml error, with its mark when it has one. */
static void
parse_error(const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		fatal("out of memory");
	if (p->error == YAML_READER_ERROR)
		diag_error_at(0, 0, "malformed YAML: %s (at byte %zu)",
			      p->problem ? p->problem : "unreadable", p->problem_offset);
	else
		diag_error_at((int)p->problem_mark.line + 1,
			      (int)p->problem_mark.column + 1, "malformed YAML: %s",
			      p->problem ? p->problem : "unknown error");
}

static void
yaml_free(struct yaml *y)
{
	size_t i;

	for (i = 0; i < y->depth; i++) {
		free(y->stack[i].key);
		free(y->stack[i].anchor);
	}
	free(y->stack);
	for (i = 0; i < y->nrec; i++)
		free(y->recs[i].ptr);
	free(y->recs);
	for (i = 0; i < y->nanchor; i++) {
		free(y->anchors[i].name);
		free(y->anchors[i].ptr);
		json_decref(y->anchors[i].value);
	}
	free(y->anchors);
	strmap_free(&y->anchor_index);
	sb_free(&y->ptr);
}

json_t *
load_yaml(const char *src, size_t len, struct jsonloc **locs)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct yaml y = { 0 };
	int docs = 0;
	bool done = false;
	size_t i;

	*locs = NULL;
	if (!yaml_parser_initialize(&p))
		fatal("out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)src, len);
	while (!done && !y.failed) {
		if (!yaml_parser_parse(&p, &ev)) {
			parse_error(&p);
			y.failed = true;
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				fail(&y, ev.start_mark, "a second YAML document: "
				     "a file holds one definition");
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&y, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&y, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			on_start(&y, &ev, ev.type == YAML_MAPPING_START_EVENT);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			on_end(&y);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!y.failed && !y.root) {
		diag_error_at(0, 0, "the file holds no YAML document");
		y.failed = true;
	}
	if (y.failed) {
		json_decref(y.root);
		yaml_free(&y);
		return NULL;
	}
	*locs = jsonloc_new();
	for (i = 0; i < y.nrec; i++)
		jsonloc_add(*locs, y.recs[i].ptr, y.recs[i].line, y.recs[i].col,
			    y.recs[i].kline, y.recs[i].kcol);
	yaml_free(&y);
	return y.root;
}
