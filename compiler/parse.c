/*
** parse.c - from the jansson tree to the IR, one field at a time.
**
** This is where a definition meets the language's rules: every field of
** every state is looked up in asl.def, so a field that does not belong to
** a state type is an error, never silently ignored; a field of the
** language that aslc does not implement yet is an error that says so.
** Values are checked for their type and range as they are read, and
** parsed once (paths, templates, Choice rules, timestamps) so that no
** later pass looks at a string again.
**
** Every IR node keeps the JSON Pointer of the field it came from, and the
** jansson tree is released as soon as this pass is done.
*/
#include "aslc.h"
#include "jsonata.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aslrt.h"

/* The state types each field is allowed in (asl.def letters). */
enum {
	T = 1 << STATE_TASK, P = 1 << STATE_PASS, C = 1 << STATE_CHOICE,
	W = 1 << STATE_WAIT, S = 1 << STATE_SUCCEED, F = 1 << STATE_FAIL,
	L = 1 << STATE_PARALLEL, M = 1 << STATE_MAP
};
enum support { OK, LATER, JSONATA };

static const struct {
	const char *name;
	unsigned where;
	enum support support;
} fields[] = {
#define FIELD(id, name, where, support) { name, where, support },
#include "asl.def"
};

static const bool state_supported[STATE_COUNT] = {
#define STATE(k, name, rt, ok) ok,
#include "asl.def"
};

const struct compare_info compare_info[CMP_COUNT] = {
#define COMPARE(id, name, type, cmp) { name, OPERAND_##type, #cmp },
#include "asl.def"
};

const char *const state_type_name[STATE_COUNT] = {
#define STATE(k, name, rt, ok) name,
#include "asl.def"
};

const char *const state_type_enum[STATE_COUNT] = {
#define STATE(k, name, rt, ok) #rt,
#include "asl.def"
};

#define STATE_NAME_MAX 80
#define SECONDS_MAX 99999999

static struct loc
at(const char *ptr)
{
	struct loc l = { ptr, false };

	return l;
}

static struct loc
key_at(const char *ptr)
{
	struct loc l = { ptr, true };

	return l;
}

/* key, a field of the JSONata query language, in a JSONPath state. */
static void
jsonata_field(const char *mptr, const char *key)
{
	diag_error(key_at(mptr), "\"%s\" belongs to the JSONata query language; this state uses JSONPath "
		   "(\"QueryLanguage\": \"JSONata\" changes that)", key);
}

/* key, a member of the JSONPath query language, in a JSONata state. */
static void
jsonpath_member(const char *mptr, const char *key)
{
	size_t n = strlen(key);

	if (n > 4 && strcmp(key + n - 4, "Path") == 0)
		diag_error(key_at(mptr), "\"%s\" belongs to the JSONPath query language; in a JSONata state, "
			   "\"%.*s\" takes an expression (\"{%% ... %%}\")", key, (int)(n - 4), key);
	else
		diag_error(key_at(mptr), "\"%s\" belongs to the JSONPath query language; a JSONata state "
			   "uses \"Arguments\" instead", key);
}

/* ---- variables: who assigns them, who reads them ---- */

void
note_varref(struct program *prog, const char *name)
{
	struct machine *m = prog->cur;

	if (!m)
		return;
	if (m->nref == m->refcap) {
		struct varref *old = m->refs;

		m->refcap = m->refcap ? m->refcap * 2 : 8;
		m->refs = arena_alloc((size_t)m->refcap * sizeof *m->refs);
		if (old)
			memcpy(m->refs, old, (size_t)m->nref * sizeof *old);
	}
	m->refs[m->nref].name = name;
	m->refs[m->nref].loc.ptr = NULL;
	m->nref++;
}

void
locate_varrefs(struct program *prog, int first, struct loc loc)
{
	struct machine *m = prog->cur;

	for (; m && first < m->nref; first++)
		if (!m->refs[first].loc.ptr)
			m->refs[first].loc = loc;
}

int
nref(const struct program *prog)
{
	return prog->cur ? prog->cur->nref : 0;
}

static void
note_assigned(struct program *prog, const char *name, struct loc loc)
{
	struct machine *m = prog->cur;
	int i;

	for (i = 0; i < m->nassigned; i++)
		if (strcmp(m->assigned[i].name, name) == 0)
			return;
	if (m->nassigned == m->assignedcap) {
		struct varref *old = m->assigned;

		m->assignedcap = m->assignedcap ? m->assignedcap * 2 : 8;
		m->assigned = arena_alloc((size_t)m->assignedcap * sizeof *m->assigned);
		if (old)
			memcpy(m->assigned, old, (size_t)m->nassigned * sizeof *old);
	}
	m->assigned[m->nassigned].name = arena_strdup(name);	/* name may be jansson's */
	m->assigned[m->nassigned++].loc = loc;
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Number of Unicode characters in a UTF-8 string. */
static size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *
want_string(json_t *v, const char *ptr, const char *name)
{
	if (json_is_string(v))
		return arena_strdup(json_string_value(v));
	diag_error(at(ptr), "\"%s\" must be a string, not %s", name, type_name(v));
	return NULL;
}

static bool
want_int(json_t *v, const char *ptr, const char *name, int64_t min,
	 int64_t max, int64_t *out)
{
	int64_t n;

	if (json_is_real(v)) {
		double d = json_real_value(v);

		/* The range first: only then is the conversion defined. */
		if (!(d >= (double)min && d <= (double)max)) {
			diag_error(at(ptr), "\"%s\" must be between %lld and %lld, not %g",
				   name, (long long)min, (long long)max, d);
			return false;
		}
		n = (int64_t)d;
		if ((double)n != d) {
			diag_error(at(ptr), "\"%s\" must be a whole number, not %g", name, d);
			return false;
		}
	} else if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else {
		diag_error(at(ptr), "\"%s\" must be an integer, not %s", name, type_name(v));
		return false;
	}
	if (n < min || n > max) {
		diag_error(at(ptr), "\"%s\" must be between %lld and %lld, not %lld",
			   name, (long long)min, (long long)max, (long long)n);
		return false;
	}
	*out = n;
	return true;
}

/* Where a path may appear; see "Paths" in the ASL specification. */
enum path_use {
	PATH_ANY,		/* InputPath, OutputPath, templates, Variable */
	PATH_REFERENCE,		/* only names and single indexes */
	PATH_RESULT		/* ResultPath: a reference path into $ */
};

static bool
is_intrinsic(const char *s)
{
	return strncmp(s, "States.", 7) == 0;
}

static struct path *
want_path(struct program *prog, json_t *v, const char *ptr, const char *name,
	  enum path_use use)
{
	const char *text, *err;
	struct path *p;
	int first;

	if (!json_is_string(v)) {
		diag_error(at(ptr), "\"%s\" must be a path string, not %s", name, type_name(v));
		return NULL;
	}
	text = json_string_value(v);
	if (is_intrinsic(text)) {
		diag_error(at(ptr), "\"%s\" must be a path: intrinsic functions (%.*s) are not allowed in it",
			   name, (int)strcspn(text, "("), text);
		return NULL;
	}
	first = nref(prog);
	p = path_parse(prog, text, &err);
	if (!p) {
		diag_error(at(ptr), "\"%s\" is not a valid path: %s", name, err);
		return NULL;
	}
	locate_varrefs(prog, first, at(ptr));
	if (p->root == ROOT_CONTEXT && use == PATH_RESULT) {
		diag_error(at(ptr), "\"%s\" cannot refer to the context object ($$)", name);
		return NULL;
	}
	if (p->root == ROOT_VARIABLE && use == PATH_RESULT) {
		diag_error(at(ptr), "\"%s\" cannot refer to a variable ($%s)", name, p->var);
		return NULL;
	}
	if (use != PATH_ANY && !p->reference) {
		diag_error(at(ptr), "\"%s\" must be a reference path (names and single indexes only): %s",
			   name, text);
		return NULL;
	}
	return p;
}

/* InputPath, OutputPath, ResultPath: a path or null. */
static void
path_field(struct program *prog, struct pathfield *pf, json_t *v,
	   const char *ptr, const char *name, enum path_use use)
{
	pf->present = true;
	pf->loc = at(ptr);
	if (json_is_null(v))
		return;
	pf->path = want_path(prog, v, ptr, name, use);
}

void
parse_free(struct program *prog)
{
	if (!prog)
		return;
	free(prog->consts);
	free(prog->tasks);
	strmap_free(&prog->const_index);
	prog->consts = NULL;
	prog->tasks = NULL;
}

int
parse_const(struct program *prog, const char *json)
{
	int i = strmap_get(&prog->const_index, json);

	if (i >= 0)
		return i;
	prog->consts = xrealloc(prog->consts, (size_t)(prog->nconst + 1) * sizeof *prog->consts);
	prog->consts[prog->nconst] = arena_strdup(json);
	strmap_put(&prog->const_index, prog->consts[prog->nconst], prog->nconst);
	return prog->nconst++;
}

/*
** The compact JSON text of v for the constant table, printed by the
** runtime's own printer (reals with the fewest digits, as the service
** prints them); *size is its length, the size the service counts.
*/
static char *
compact(json_t *v, size_t *size)
{
	char *s = asl_dumps(v);
	char *a;

	if (!s)
		fatal("out of memory");
	a = arena_strdup(s);
	if (size)
		*size = strlen(s);
	free(s);
	return a;
}

/* ---- payload templates ---- */

/* Does v hold a "key.$" member anywhere? */
static bool
dynamic(json_t *v)
{
	const char *key;
	json_t *m;
	size_t i, n;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m) {
			n = strlen(key);
			if ((n >= 2 && strcmp(key + n - 2, ".$") == 0) || dynamic(m))
				return true;
		}
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if (dynamic(json_array_get(v, i)))
				return true;
	}
	return false;
}

struct tbuild {
	struct tnode *nodes;
	int n, cap;
};

static struct tnode *
tnode_add(struct tbuild *tb)
{
	if (tb->n == tb->cap) {
		tb->cap = tb->cap ? tb->cap * 2 : 8;
		tb->nodes = xrealloc(tb->nodes, (size_t)tb->cap * sizeof *tb->nodes);
	}
	memset(&tb->nodes[tb->n], 0, sizeof tb->nodes[0]);
	return &tb->nodes[tb->n++];
}

static bool
template_value(struct program *prog, struct tbuild *tb, json_t *v,
	       const char *ptr, const char *key, const char *field)
{
	struct tnode *t = tnode_add(tb);
	bool ok = true;
	const char *k;
	json_t *m;
	size_t i;

	t->key = key;
	t->field = field;
	if (!dynamic(v)) {
		t->kind = TNODE_CONST;
		t->konst = parse_const(prog, compact(v, NULL));
		return true;
	}
	if (json_is_array(v)) {
		t->kind = TNODE_ARRAY;
		t->n = (int)json_array_size(v);
		for (i = 0; i < json_array_size(v); i++)
			ok &= template_value(prog, tb, json_array_get(v, i),
					     diag_ptr_index(ptr, i), NULL, NULL);
		return ok;
	}
	t->kind = TNODE_OBJECT;
	t->n = (int)json_object_size(v);
	json_object_foreach(v, k, m) {
		size_t n = strlen(k);
		const char *mptr = diag_ptr_member(ptr, k);

		if (n >= 2 && strcmp(k + n - 2, ".$") == 0) {
			const char *name = arena_strndup(k, n - 2);
			char *plain = arena_strndup(k, n - 2);
			struct tnode *pn;
			struct path *p;

			if (json_object_get(v, plain) && !(strlen(plain) >= 2 &&
			    strcmp(plain + strlen(plain) - 2, ".$") == 0)) {
				diag_error(key_at(mptr), "\"%s\" and \"%s\" would both set the field \"%s\"",
					   k, plain, plain);
				ok = false;
				continue;
			}
			if (json_is_string(m) && !is_intrinsic(json_string_value(m)) &&
			    json_string_value(m)[0] != '$') {
				diag_error(at(mptr), "the value for the field \"%s\" must be a valid JSONPath or a valid intrinsic function call, not \"%s\"",
					   k, json_string_value(m));
				ok = false;
				continue;
			}
			if (json_is_string(m) && is_intrinsic(json_string_value(m))) {
				const char *err;
				struct icall *c = intrinsic_parse(prog, json_string_value(m),
								  at(mptr), &err);

				if (!c) {
					diag_error(at(mptr), "the value for the field \"%s\" must be a valid JSONPath or a valid intrinsic function call: %s",
						   k, err);
					ok = false;
					continue;
				}
				pn = tnode_add(tb);
				pn->kind = TNODE_CALL;
				pn->key = name;
				pn->field = arena_strdup(k);
				pn->call = c;
				continue;
			}
			p = want_path(prog, m, mptr, k, PATH_ANY);
			if (!p) {
				ok = false;
				continue;
			}
			pn = tnode_add(tb);
			pn->kind = TNODE_PATH;
			pn->key = name;
			pn->field = arena_strdup(k);
			pn->path = p;
		} else {
			ok &= template_value(prog, tb, m, mptr, arena_strdup(k),
					     arena_strdup(k));
		}
	}
	return ok;
}

/* The template tb built (its nodes in the arena), or NULL if !ok. */
static struct template *
built(struct tbuild *tb, bool ok)
{
	struct template *t = NULL;

	if (ok) {
		t = arena_alloc(sizeof *t);
		t->nnode = tb->n;
		t->nodes = arena_alloc((size_t)tb->n * sizeof *tb->nodes);
		memcpy(t->nodes, tb->nodes, (size_t)tb->n * sizeof *tb->nodes);
		t->id = -1;
	}
	free(tb->nodes);
	return t;
}

static struct template *
parse_template(struct program *prog, json_t *v, const char *ptr, const char *name)
{
	struct tbuild tb = { NULL, 0, 0 };

	if (!json_is_object(v)) {
		diag_error(at(ptr), "\"%s\" must be an object, not %s", name, type_name(v));
		return NULL;
	}
	return built(&tb, template_value(prog, &tb, v, ptr, NULL, NULL));
}

/* ---- JSONata fields ---- */

/* Is s (n bytes) a whole "{% ... %}" expression? */
static bool
is_expression(const char *s, size_t n)
{
	return n >= 4 && memcmp(s, "{%", 2) == 0 && memcmp(s + n - 2, "%}", 2) == 0;
}

/* Does v hold an expression anywhere? */
static bool
has_expression(json_t *v)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_string(v))
		return is_expression(json_string_value(v), json_string_length(v));
	json_object_foreach(v, key, m)
		if (has_expression(m))
			return true;
	for (i = 0; i < json_array_size(v); i++)
		if (has_expression(json_array_get(v, i)))
			return true;
	return false;
}

/*
** Which of $states.result and $states.errorOutput the field being read may
** use: result in the Output and Assign of a Task, Map or Parallel state,
** errorOutput in a catcher's (and input and context everywhere).
*/
enum { ALLOW_RESULT = 1, ALLOW_ERROR_OUTPUT = 2 };
static int jn_allow;

/* $states.result or $states.errorOutput where the field has no such value. */
static void
check_states(const struct jexpr *x, const char *ptr)
{
	int i;

	for (i = 0; i < x->nnode; i++) {
		const asl_jnode *n = &x->nodes[i], *a, *b;

		if (n->type != ASL_JN_PATH || n->nlist < 2)
			continue;
		a = &x->nodes[x->lists[n->list]];
		b = &x->nodes[x->lists[n->list + 1]];
		if (a->type != ASL_JN_VARIABLE || !a->str || strcmp(a->str, "states") != 0 ||
		    b->type != ASL_JN_NAME)
			continue;
		if (strcmp(b->str, "result") == 0 && !(jn_allow & ALLOW_RESULT))
			diag_error(at(ptr), "$states.result is only in the Output and Assign of a Task, Map or Parallel state");
		else if (strcmp(b->str, "errorOutput") == 0 && !(jn_allow & ALLOW_ERROR_OUTPUT))
			diag_error(at(ptr), "$states.errorOutput is only in the Output and Assign of a catcher");
	}
}

/*
** The expression of the string v (a "{% ... %}"), lowered; NULL when it
** does not parse (check_jsonata reports that) or uses what aslc does not
** evaluate yet (reported here).
*/
static struct jexpr *
expression(struct program *prog, json_t *v, const char *ptr)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	struct jn_error err;
	struct jn_node *root = jn_parse(s + 2, n - 4, &err);
	const char *why = NULL, *b, *e;
	struct jexpr *x;

	if (!root)
		return NULL;
	/* Causes quote the expression without the blanks around it. */
	for (b = s + 2, e = s + n - 2; b < e && strchr(" \t\r\n", *b); b++)
		;
	while (e > b && strchr(" \t\r\n", e[-1]))
		e--;
	x = jexpr_lower(prog, root, arena_strndup(b, (size_t)(e - b)), &why);
	if (!x)
		diag_error(at(ptr), "%s", why);
	else
		check_states(x, ptr);
	return x;
}

/*
** A JSONata field's value as a template: strings that are "{% ... %}"
** become expressions, evaluated when the state runs; field names where
** each one is, as the service's causes do ("Output/result").
*/
static bool
jtemplate_value(struct program *prog, struct tbuild *tb, json_t *v, const char *ptr,
		const char *key, const char *field)
{
	struct tnode *t = tnode_add(tb);
	bool ok = true;
	const char *k;
	json_t *m;
	size_t i;

	t->key = key;
	t->field = field;
	if (json_is_string(v) && json_string_length(v) >= 2 &&
	    memcmp(json_string_value(v), "{%", 2) == 0 &&
	    !is_expression(json_string_value(v), json_string_length(v))) {
		diag_error(at(ptr), "a JSONata expression must end with \"%%}\"");
		return false;
	}
	if (!has_expression(v)) {
		t->kind = TNODE_CONST;
		t->konst = parse_const(prog, compact(v, NULL));
		return true;
	}
	if (json_is_string(v)) {
		struct jexpr *x = expression(prog, v, ptr);

		t = &tb->nodes[tb->n - 1];
		t->kind = TNODE_JSONATA;
		t->jx = x;
		return x != NULL;
	}
	if (json_is_array(v)) {
		t->kind = TNODE_ARRAY;
		t->n = (int)json_array_size(v);
		for (i = 0; i < json_array_size(v); i++)
			ok &= jtemplate_value(prog, tb, json_array_get(v, i), diag_ptr_index(ptr, i),
					      NULL, arena_printf("%s/%zu", field, i));
		return ok;
	}
	t->kind = TNODE_OBJECT;
	t->n = (int)json_object_size(v);
	json_object_foreach(v, k, m)
		ok &= jtemplate_value(prog, tb, m, diag_ptr_member(ptr, k), arena_strdup(k),
				      arena_printf("%s/%s", field, k));
	return ok;
}

/* A JSONata field (name, at ptr): any JSON value, expressions in it. */
static struct template *
parse_jtemplate(struct program *prog, json_t *v, const char *ptr, const char *name)
{
	struct tbuild tb = { NULL, 0, 0 };

	return built(&tb, jtemplate_value(prog, &tb, v, ptr, NULL, name));
}

/*
** Numeric fields of a JSONata state (names[i], what they must be) that may
** instead be an expression: a string is one, or an error, and is taken
** out of obj so that the reading of the number that follows sees none.
*/
static void
parse_jnumbers(struct program *prog, json_t *obj, const char *ptr, const char *const *names,
	       struct template **const *slots, size_t n, const char *what)
{
	json_t *v;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *mptr = diag_ptr_member(ptr, names[i]);

		if (!(v = json_object_get(obj, names[i])) || !json_is_string(v))
			continue;
		if (!is_expression(json_string_value(v), json_string_length(v)))
			diag_error(at(mptr), "\"%s\" must be %s or a JSONata expression (\"{%% ... %%}\")",
				   names[i], what);
		else
			*slots[i] = parse_jtemplate(prog, v, mptr, names[i]);
		json_object_del(obj, names[i]);
	}
}

/* ---- Assign ---- */

/* The service's limit on a variable's name. */
#define VARIABLE_NAME_MAX 80

/* Is name a variable's name: a letter or '_' and then letters, digits, '_'? */
static bool
variable_name(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	if (!*s || !(isalpha(*s) || *s == '_' || *s >= 0x80))
		return false;
	for (; *s; s++)
		if (!(isalnum(*s) || *s == '_' || *s >= 0x80))
			return false;
	return true;
}

/*
** Assign: an object whose members name variables. A value is a constant;
** "name.$" takes a path or an intrinsic function call, as in Parameters.
*/
static struct template *
parse_assign(struct program *prog, json_t *v, const char *ptr, bool jsonata)
{
	const char *key;
	json_t *m;
	bool ok = true;

	if (!json_is_object(v)) {
		diag_error(at(ptr), "\"Assign\" must be an object of variables, not %s", type_name(v));
		return NULL;
	}
	json_object_foreach(v, key, m) {
		size_t n = strlen(key);
		const char *name = n >= 2 && strcmp(key + n - 2, ".$") == 0 ?
			arena_strndup(key, n - 2) : key;

		if (jsonata && name != key) {
			diag_error(key_at(diag_ptr_member(ptr, key)),
				   "\"%s\": a JSONata state's Assign takes expressions (\"{%% ... %%}\"), not \".$\" fields",
				   key);
			ok = false;
		} else if (!variable_name(name)) {
			diag_error(key_at(diag_ptr_member(ptr, key)),
				   "\"%s\" is not a variable's name: a letter or '_' followed by letters, digits and '_'",
				   name);
			ok = false;
		} else if (strcmp(name, "states") == 0) {
			diag_error(key_at(diag_ptr_member(ptr, key)),
				   "\"states\" is reserved and cannot be a variable's name");
			ok = false;
		} else if (utf8_length(name) > VARIABLE_NAME_MAX) {
			diag_error(key_at(diag_ptr_member(ptr, key)),
				   "a variable's name has at most %d characters; \"%s\" has %zu",
				   VARIABLE_NAME_MAX, name, utf8_length(name));
			ok = false;
		} else {
			note_assigned(prog, name, key_at(diag_ptr_member(ptr, key)));
		}
	}
	if (!ok)
		return NULL;
	if (jsonata)
		return parse_jtemplate(prog, v, ptr, "Assign");
	return parse_template(prog, v, ptr, "Assign");
}

/* ---- Choice rules ---- */

/* An unpaired backslash in a StringMatches pattern is an error. */
static bool
pattern_ok(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\')
			continue;
		if (s[1] != '*' && s[1] != '\\')
			return false;
		s++;
	}
	return true;
}

/* And, Or and Not nest at most this deep (each level is a C parenthesis). */
#define MAX_RULE_DEPTH 32

static struct rule *parse_rule(struct program *prog, json_t *r, const char *ptr, int depth);

static bool
parse_rules(struct program *prog, struct rule *rule, json_t *v, const char *ptr,
	    const char *name, int depth)
{
	size_t i;
	bool ok = true;

	if (!json_is_array(v) || json_array_size(v) == 0) {
		diag_error(at(ptr), "\"%s\" must be a non-empty array of rules", name);
		return false;
	}
	rule->nkid = (int)json_array_size(v);
	rule->kids = arena_alloc((size_t)rule->nkid * sizeof *rule->kids);
	for (i = 0; i < json_array_size(v); i++) {
		rule->kids[i] = parse_rule(prog, json_array_get(v, i), diag_ptr_index(ptr, i), depth + 1);
		ok &= rule->kids[i] != NULL;
	}
	return ok;
}

static bool
comparison(struct program *prog, struct rule *rule, enum compare cmp, json_t *v,
	   const char *ptr)
{
	const char *name = compare_info[cmp].name;
	asl_time t;

	rule->kind = RULE_CMP;
	rule->cmp = cmp;
	switch (compare_info[cmp].type) {
	case OPERAND_STRING:
	case OPERAND_MATCHES:
		if (!json_is_string(v)) {
			diag_error(at(ptr), "\"%s\" must be a string, not %s", name, type_name(v));
			return false;
		}
		rule->str = arena_strndup(json_string_value(v), json_string_length(v));
		rule->len = json_string_length(v);
		if (compare_info[cmp].type == OPERAND_MATCHES && !pattern_ok(rule->str)) {
			diag_error(at(ptr), "a backslash in \"StringMatches\" must escape '*' or '\\'");
			return false;
		}
		return true;
	case OPERAND_NUMERIC:
		if (json_is_integer(v)) {
			rule->is_int = true;
			rule->i = json_integer_value(v);
		} else if (json_is_real(v)) {
			rule->d = json_real_value(v);
		} else {
			diag_error(at(ptr), "\"%s\" must be a number, not %s", name, type_name(v));
			return false;
		}
		rule->text = compact(v, NULL);
		return true;
	case OPERAND_TIMESTAMP:
		if (!json_is_string(v) ||
		    asl_parse_time(json_string_value(v), json_string_length(v), &t) != 0) {
			diag_error(at(ptr), "\"%s\" must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\"",
				   name);
			return false;
		}
		rule->tsec = t.sec;
		rule->tnsec = t.nsec;
		rule->text = arena_strdup(json_string_value(v));
		return true;
	case OPERAND_BOOLEAN:
	case OPERAND_IS_NULL:
	case OPERAND_IS_PRESENT:
	case OPERAND_IS_NUMERIC:
	case OPERAND_IS_STRING:
	case OPERAND_IS_BOOLEAN:
	case OPERAND_IS_TIMESTAMP:
		if (!json_is_boolean(v)) {
			diag_error(at(ptr), "\"%s\" must be true or false, not %s", name, type_name(v));
			return false;
		}
		rule->b = json_is_true(v);
		return true;
	default:	/* the ..._PATH forms */
		rule->operand = want_path(prog, v, ptr, name, PATH_ANY);
		return rule->operand != NULL;
	}
}

static struct rule *
parse_rule(struct program *prog, json_t *r, const char *ptr, int depth)
{
	struct rule *rule;
	const char *key, *op_key = NULL;
	json_t *v, *var = NULL;
	int nops = 0, i;
	bool ok = true, strange = false, top = depth == 0;

	if (depth > MAX_RULE_DEPTH) {
		diag_error(at(ptr), "Choice rules nest more than %d levels deep in And, Or and Not",
			   MAX_RULE_DEPTH);
		return NULL;
	}
	if (!json_is_object(r)) {
		diag_error(at(ptr), "a Choice rule must be an object, not %s", type_name(r));
		return NULL;
	}
	rule = arena_alloc(sizeof *rule);
	rule->loc = at(ptr);
	rule->next = -1;
	json_object_foreach(r, key, v) {
		const char *mptr = diag_ptr_member(ptr, key);

		if (strcmp(key, "Variable") == 0) {
			var = v;
		} else if (strcmp(key, "Next") == 0) {
			if (!top) {
				diag_error(key_at(mptr), "a rule inside And, Or or Not cannot have \"Next\"");
				ok = false;
				continue;
			}
			rule->next_name = want_string(v, mptr, "Next");
			rule->next_loc = at(mptr);
			ok &= rule->next_name != NULL;
		} else if (strcmp(key, "Comment") == 0) {
			ok &= want_string(v, mptr, "Comment") != NULL;
		} else if (strcmp(key, "And") == 0 || strcmp(key, "Or") == 0) {
			nops++;
			op_key = key;
			rule->kind = key[0] == 'A' ? RULE_AND : RULE_OR;
			ok &= parse_rules(prog, rule, v, mptr, key, depth);
		} else if (strcmp(key, "Not") == 0) {
			nops++;
			op_key = key;
			rule->kind = RULE_NOT;
			rule->nkid = 1;
			rule->kids = arena_alloc(sizeof *rule->kids);
			rule->kids[0] = parse_rule(prog, v, mptr, depth + 1);
			ok &= rule->kids[0] != NULL;
		} else if (strcmp(key, "Assign") == 0) {
			if (!top) {
				diag_error(key_at(mptr), "a rule inside And, Or or Not cannot have \"Assign\"");
				ok = false;
				continue;
			}
			rule->assign = parse_assign(prog, v, mptr, false);
			ok &= rule->assign != NULL;
		} else if (strcmp(key, "Condition") == 0 || strcmp(key, "Output") == 0) {
			jsonata_field(mptr, key);
			ok = false;
			strange = true;
		} else {
			for (i = 0; i < CMP_COUNT; i++)
				if (strcmp(key, compare_info[i].name) == 0)
					break;
			if (i == CMP_COUNT) {
				diag_error(key_at(mptr), "\"%s\" is not a field of a Choice rule", key);
				ok = false;
				strange = true;
				continue;
			}
			if (nops++ == 0)
				ok &= comparison(prog, rule, (enum compare)i, v, mptr);
			op_key = op_key ? op_key : key;
		}
	}
	/* A misspelt or JSONata operator has been reported: that is enough. */
	if (nops == 0 && strange)
		return NULL;
	if (nops == 0) {
		diag_error(at(ptr), "a Choice rule needs a comparison (such as \"StringEquals\") or \"And\", \"Or\", \"Not\"");
		return NULL;
	}
	if (nops > 1) {
		diag_error(at(ptr), "a Choice rule must have exactly one comparison operator or And, Or, Not; this one has %d",
			   nops);
		return NULL;
	}
	if (rule->kind == RULE_CMP) {
		if (!var) {
			diag_error(at(ptr), "the rule with \"%s\" needs a \"Variable\"", op_key);
			return NULL;
		}
		rule->var = want_path(prog, var, diag_ptr_member(ptr, "Variable"), "Variable", PATH_ANY);
		ok &= rule->var != NULL;
	} else if (var) {
		diag_error(key_at(diag_ptr_member(ptr, "Variable")), "a rule with \"%s\" cannot have a \"Variable\"", op_key);
		ok = false;
	}
	if (top && !rule->next_name && ok) {
		diag_error(at(ptr), "a Choice rule needs \"Next\"");
		return NULL;
	}
	return ok ? rule : NULL;
}

/* ---- Retry and Catch ---- */

static const char *const error_names[] = {
#define ERROR_NAME(s) s,
#include "asl.def"
};

/* Is name an error the service can raise and match by that name? */
static bool
known_error(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof error_names / sizeof error_names[0]; i++)
		if (strcmp(name, error_names[i]) == 0)
			return true;
	return false;
}

/*
** "ErrorEquals" of the retrier or catcher at ptr (obj): a non-empty array
** of error names, with "States.ALL" alone in it.
*/
static bool
parse_errors(struct errors *e, json_t *obj, const char *ptr)
{
	json_t *v = json_object_get(obj, "ErrorEquals");
	const char *eptr = diag_ptr_member(ptr, "ErrorEquals");
	size_t i, n;
	bool ok = true, all = false;

	if (!v) {
		diag_error(at(ptr), "a retrier or catcher needs \"ErrorEquals\"");
		return false;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		diag_error(at(eptr), "\"ErrorEquals\" must be a non-empty array of error names");
		return false;
	}
	n = json_array_size(v);
	e->names = arena_alloc(n * sizeof *e->names);
	e->n = 0;
	for (i = 0; i < n; i++) {
		json_t *x = json_array_get(v, i);
		const char *xptr = diag_ptr_index(eptr, i), *name;

		if (!json_is_string(x) || json_string_length(x) == 0) {
			diag_error(at(xptr), "an error name must be a non-empty string, not %s",
				   json_is_string(x) ? "\"\"" : type_name(x));
			ok = false;
			continue;
		}
		name = arena_strdup(json_string_value(x));
		if (strcmp(name, "States.ALL") == 0)
			all = true;
		else if (strcmp(name, "States.Runtime") == 0)
			diag_warn(W_UNMATCHED_ERROR, at(xptr),
				  "States.Runtime is never retried or caught: the service ends the execution");
		else if (strncmp(name, "States.", 7) == 0 && !known_error(name))
			diag_warn(W_UNMATCHED_ERROR, at(xptr),
				  "\"%s\" is not an error the service raises, so it never matches", name);
		e->names[e->n++] = name;
	}
	if (all && n > 1) {
		diag_error(at(eptr), "\"States.ALL\" must be the only name in its \"ErrorEquals\"");
		ok = false;
	}
	return ok;
}

/* Does ErrorEquals hold States.ALL? */
static bool
has_all(const struct errors *e)
{
	return e->n == 1 && strcmp(e->names[0], "States.ALL") == 0;
}

/* Check that every member of obj is one of the names (NULL-terminated). */
static bool
only_fields(json_t *obj, const char *ptr, const char *const *names, const char *what)
{
	const char *key;
	json_t *v;
	bool ok = true;
	int i;

	json_object_foreach(obj, key, v) {
		for (i = 0; names[i]; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (names[i])
			continue;
		if (strcmp(key, "Output") == 0)
			diag_error(key_at(diag_ptr_member(ptr, key)), "\"%s\" in a %s is not supported yet",
				   key, what);
		else
			diag_error(key_at(diag_ptr_member(ptr, key)), "\"%s\" is not a field of a %s",
				   key, what);
		ok = false;
	}
	return ok;
}

/* The service's bounds on the retrier fields. */
#define RETRY_MAX 99999999
#define MAX_DELAY_MAX 31622400

static void
parse_retry(struct state *st, json_t *v, const char *ptr)
{
	static const char *const names[] = {
		"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
		"MaxDelaySeconds", "JitterStrategy", "Comment", NULL
	};
	size_t i, n;

	if (!json_is_array(v)) {
		diag_error(at(ptr), "\"Retry\" must be an array of retriers, not %s", type_name(v));
		return;
	}
	n = json_array_size(v);
	st->retry = arena_alloc((n ? n : 1) * sizeof *st->retry);
	for (i = 0; i < n; i++) {
		json_t *r = json_array_get(v, i), *x;
		const char *rptr = diag_ptr_index(ptr, i);
		struct retrier *rt = &st->retry[st->nretry];

		memset(rt, 0, sizeof *rt);	/* a rejected one leaves its slot */
		if (!json_is_object(r)) {
			diag_error(at(rptr), "a retrier must be an object, not %s", type_name(r));
			continue;
		}
		if (!only_fields(r, rptr, names, "retrier") || !parse_errors(&rt->errors, r, rptr))
			continue;
		rt->loc = at(rptr);
		rt->interval = 1;
		rt->max_attempts = 3;
		rt->backoff = 2.0;
		if ((x = json_object_get(r, "IntervalSeconds")))
			want_int(x, diag_ptr_member(rptr, "IntervalSeconds"), "IntervalSeconds", 1,
				 RETRY_MAX, &rt->interval);
		if ((x = json_object_get(r, "MaxAttempts")))
			want_int(x, diag_ptr_member(rptr, "MaxAttempts"), "MaxAttempts", 0,
				 RETRY_MAX, &rt->max_attempts);
		if ((x = json_object_get(r, "MaxDelaySeconds")))
			want_int(x, diag_ptr_member(rptr, "MaxDelaySeconds"), "MaxDelaySeconds", 1,
				 MAX_DELAY_MAX, &rt->max_delay);
		if ((x = json_object_get(r, "BackoffRate"))) {
			if (!json_is_number(x))
				diag_error(at(diag_ptr_member(rptr, "BackoffRate")),
					   "\"BackoffRate\" must be a number, not %s", type_name(x));
			else if (!(json_number_value(x) >= 1.0 && json_number_value(x) <= RETRY_MAX))
				diag_error(at(diag_ptr_member(rptr, "BackoffRate")),
					   "\"BackoffRate\" must be between 1.0 and %d, not %g",
					   RETRY_MAX, json_number_value(x));
			else
				rt->backoff = json_number_value(x);
		}
		if ((x = json_object_get(r, "JitterStrategy"))) {
			const char *j = json_is_string(x) ? json_string_value(x) : "";

			if (strcmp(j, "FULL") == 0)
				rt->jitter = true;
			else if (strcmp(j, "NONE") != 0)
				diag_error(at(diag_ptr_member(rptr, "JitterStrategy")),
					   "\"JitterStrategy\" must be \"FULL\" or \"NONE\"");
		}
		if ((x = json_object_get(r, "Comment")))
			want_string(x, diag_ptr_member(rptr, "Comment"), "Comment");
		if (has_all(&rt->errors) && i != n - 1)
			diag_error(at(diag_ptr_member(rptr, "ErrorEquals")),
				   "the retrier with \"States.ALL\" must be the last one");
		else if (has_all(&rt->errors) && !json_object_get(r, "MaxAttempts"))
			diag_warn(W_RETRY_ALL_DEFAULT, rt->loc,
				  "a retrier on \"States.ALL\" without \"MaxAttempts\" retries every "
				  "error 3 times, the default; say how many attempts");
		st->nretry++;
	}
}

static void
parse_catch(struct program *prog, struct state *st, json_t *v, const char *ptr)
{
	static const char *const names[] = {
		"ErrorEquals", "Next", "ResultPath", "Comment", "Assign", NULL
	};
	static const char *const jnames[] = {
		"ErrorEquals", "Next", "Output", "Comment", "Assign", NULL
	};
	size_t i, n;

	if (!json_is_array(v)) {
		diag_error(at(ptr), "\"Catch\" must be an array of catchers, not %s", type_name(v));
		return;
	}
	n = json_array_size(v);
	st->catch = arena_alloc((n ? n : 1) * sizeof *st->catch);
	for (i = 0; i < n; i++) {
		json_t *c = json_array_get(v, i), *x;
		const char *cptr = diag_ptr_index(ptr, i);
		struct catcher *ct = &st->catch[st->ncatch];

		memset(ct, 0, sizeof *ct);	/* a rejected one leaves its slot */
		if (!json_is_object(c)) {
			diag_error(at(cptr), "a catcher must be an object, not %s", type_name(c));
			continue;
		}
		if (!only_fields(c, cptr, st->jsonata ? jnames : names, "catcher") ||
		    !parse_errors(&ct->errors, c, cptr))
			continue;
		ct->loc = at(cptr);
		ct->next = -1;
		if (!(x = json_object_get(c, "Next"))) {
			diag_error(at(cptr), "a catcher needs \"Next\"");
			continue;
		}
		ct->next_name = want_string(x, diag_ptr_member(cptr, "Next"), "Next");
		ct->next_loc = at(diag_ptr_member(cptr, "Next"));
		if (st->jsonata)
			;	/* Output, below */
		else if ((x = json_object_get(c, "ResultPath")))
			path_field(prog, &ct->result_path, x, diag_ptr_member(cptr, "ResultPath"),
				   "ResultPath", PATH_RESULT);
		else
			diag_warn(W_CATCH_DROPS_INPUT, ct->loc,
				  "a catcher without \"ResultPath\" replaces the state's input with "
				  "the error output; \"ResultPath\": \"$.error\" keeps both");
		jn_allow = ALLOW_ERROR_OUTPUT;
		if ((x = json_object_get(c, "Assign")))
			ct->assign = parse_assign(prog, x, diag_ptr_member(cptr, "Assign"), st->jsonata);
		if (st->jsonata && (x = json_object_get(c, "Output")))
			ct->output = parse_jtemplate(prog, x, diag_ptr_member(cptr, "Output"), "Output");
		jn_allow = 0;
		if ((x = json_object_get(c, "Comment")))
			want_string(x, diag_ptr_member(cptr, "Comment"), "Comment");
		if (has_all(&ct->errors) && i != n - 1)
			diag_error(at(diag_ptr_member(cptr, "ErrorEquals")),
				   "the catcher with \"States.ALL\" must be the last one");
		if (ct->next_name)
			st->ncatch++;
	}
}

/* ---- states ---- */

/*
** The integration pattern of an optimised integration, from the suffix
** of its action; NULL if the suffix is not one.
*/
static bool
pattern_of(const char *action, enum pattern *pat)
{
	const char *dot = strchr(action, '.');

	*pat = PAT_REQUEST_RESPONSE;
	if (!dot)
		return true;
	if (strcmp(dot, ".sync") == 0 || strcmp(dot, ".sync:2") == 0)
		*pat = PAT_SYNC;
	else if (strcmp(dot, ".waitForTaskToken") == 0)
		*pat = PAT_CALLBACK;
	else
		return false;
	return true;
}

static void
parse_task_resource(struct state *st, json_t *v, const char *ptr)
{
	const char *r = want_string(v, ptr, "Resource");

	if (!r)
		return;
	if (strncmp(r, "arn:", 4) != 0) {
		diag_error(at(ptr), "\"Resource\" must be an ARN (arn:...), not \"%s\"", r);
		return;
	}
	st->task.resource = r;
	if (strncmp(r, "arn:aws:states:::", 17) == 0) {
		const char *action = r + 17;

		st->task.kind = strncmp(action, "lambda:invoke", 13) == 0 &&
			(action[13] == '\0' || action[13] == '.') ? RES_LAMBDA_INVOKE : RES_SERVICE;
		action += strcspn(action, ":");
		if (*action)
			action++;
		if (strncmp(r + 17, "aws-sdk:", 8) == 0)	/* aws-sdk:SERVICE:ACTION */
			action += strcspn(action, ":") + (action[strcspn(action, ":")] != '\0');
		if (!*action || !pattern_of(action, &st->task.pattern))
			diag_error(at(ptr), "\"%s\" is not a service integration: it must be arn:aws:states:::SERVICE:ACTION, optionally with .sync, .sync:2 or .waitForTaskToken",
				   r);
		else if (st->task.pattern == PAT_SYNC && strncmp(r + 17, "aws-sdk:", 8) == 0)
			diag_error(at(ptr), "AWS SDK integrations do not support .sync");
	} else if (strstr(r, ":lambda:") && strstr(r, ":function:")) {
		st->task.kind = RES_LAMBDA;
	} else if (strstr(r, ":states:") && strstr(r, ":activity:")) {
		st->task.kind = RES_ACTIVITY;
	} else {
		st->task.kind = RES_OTHER;
	}
}

/* The number of nodes in the subtree of template node i. */
static int
tnode_span(const struct tnode *t, int i)
{
	int n = 1, k;

	if (t[i].kind == TNODE_OBJECT || t[i].kind == TNODE_ARRAY)
		for (k = 0; k < t[i].n; k++)
			n += tnode_span(t, i + n);
	return n;
}

/* The value of a template's top-level member key, if it is a constant string. */
static const char *
constant_member(struct program *prog, const struct template *tpl, const char *key)
{
	const struct tnode *t = tpl->nodes;
	const char *found = NULL;
	json_t *doc = NULL, *m;
	int i, k;

	if (t[0].kind == TNODE_CONST) {
		doc = json_loads(prog->consts[t[0].konst], JSON_DECODE_ANY, NULL);
		m = json_object_get(doc, key);
		if (json_is_string(m))
			found = arena_strdup(json_string_value(m));
		json_decref(doc);
		return found;
	}
	for (i = 1, k = 0; t[0].kind == TNODE_OBJECT && k < t[0].n; k++, i += tnode_span(t, i)) {
		if (!t[i].key || strcmp(t[i].key, key) != 0 || t[i].kind != TNODE_CONST)
			continue;
		doc = json_loads(prog->consts[t[i].konst], JSON_DECODE_ANY, NULL);
		if (json_is_string(doc))
			found = arena_strdup(json_string_value(doc));
		json_decref(doc);
	}
	return found;
}

/* Task fields besides Resource. */
static void
parse_task(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	json_t *v;
	const char *tptr = diag_ptr_member(ptr, "TimeoutSeconds");
	const char *hptr = diag_ptr_member(ptr, "HeartbeatSeconds");

	if (!(v = json_object_get(obj, "Resource")))
		diag_error(key_at(ptr), "a Task state needs \"Resource\"");
	else
		parse_task_resource(st, v, diag_ptr_member(ptr, "Resource"));
	if (!json_object_get(obj, "TimeoutSeconds") && !json_object_get(obj, "TimeoutSecondsPath"))
		diag_warn(W_TASK_NO_TIMEOUT, key_at(ptr),
			  "a Task state without \"TimeoutSeconds\" waits as long as its handler "
			  "takes (on AWS, up to 99999999 seconds)");
	if (st->jsonata) {
		static const char *const names[] = { "TimeoutSeconds", "HeartbeatSeconds" };
		struct template **const jn[] = { &st->task.timeout_jn, &st->task.heartbeat_jn };

		parse_jnumbers(prog, obj, ptr, names, jn, 2, "an integer");
	}
	if ((v = json_object_get(obj, "TimeoutSeconds")))
		want_int(v, tptr, "TimeoutSeconds", 1, SECONDS_MAX, &st->task.timeout);
	if ((v = json_object_get(obj, "TimeoutSecondsPath"))) {
		if (json_object_get(obj, "TimeoutSeconds"))
			diag_error(key_at(diag_ptr_member(ptr, "TimeoutSecondsPath")),
				   "a Task state cannot have both \"TimeoutSeconds\" and \"TimeoutSecondsPath\"");
		st->task.timeout_path = want_path(prog, v, diag_ptr_member(ptr, "TimeoutSecondsPath"),
						  "TimeoutSecondsPath", PATH_REFERENCE);
	}
	if ((v = json_object_get(obj, "HeartbeatSeconds")))
		want_int(v, hptr, "HeartbeatSeconds", 1, SECONDS_MAX, &st->task.heartbeat);
	if ((v = json_object_get(obj, "HeartbeatSecondsPath"))) {
		if (json_object_get(obj, "HeartbeatSeconds"))
			diag_error(key_at(diag_ptr_member(ptr, "HeartbeatSecondsPath")),
				   "a Task state cannot have both \"HeartbeatSeconds\" and \"HeartbeatSecondsPath\"");
		st->task.heartbeat_path = want_path(prog, v, diag_ptr_member(ptr, "HeartbeatSecondsPath"),
						    "HeartbeatSecondsPath", PATH_REFERENCE);
	}
	if (st->task.heartbeat && st->task.timeout && st->task.heartbeat >= st->task.timeout)
		diag_error(at(hptr), "\"HeartbeatSeconds\" (%lld) must be smaller than \"TimeoutSeconds\" (%lld)",
			   (long long)st->task.heartbeat, (long long)st->task.timeout);
	if ((v = json_object_get(obj, "Credentials"))) {
		const char *cptr = diag_ptr_member(ptr, "Credentials");
		static const char *const jp[] = { "RoleArn", "RoleArn.$", NULL };
		static const char *const ja[] = { "RoleArn", NULL };

		if (!json_is_object(v))
			diag_error(at(cptr), "\"Credentials\" must be an object with \"RoleArn\", not %s",
				   type_name(v));
		else if (!only_fields(v, cptr, st->jsonata ? ja : jp, "\"Credentials\" object"))
			;
		else if (json_object_size(v) != 1)
			diag_error(at(cptr), "\"Credentials\" needs \"RoleArn\"%s",
				   st->jsonata ? "" : " or \"RoleArn.$\", not both");
		else
			st->task.credentials = st->jsonata ?
				parse_jtemplate(prog, v, cptr, "Credentials") :
				parse_template(prog, v, cptr, "Credentials");
	}
	if ((v = json_object_get(obj, "Retry")))
		parse_retry(st, v, diag_ptr_member(ptr, "Retry"));
	if ((v = json_object_get(obj, "Catch")))
		parse_catch(prog, st, v, diag_ptr_member(ptr, "Catch"));
	/* A constant FunctionName can be checked for a binding at start-up. */
	if (st->task.kind == RES_LAMBDA_INVOKE && (st->parameters || st->arguments))
		st->task.function = constant_member(prog, st->parameters ? st->parameters :
						    st->arguments, "FunctionName");
}

static void
parse_wait(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	static const char *const names[] = { "Seconds", "SecondsPath", "Timestamp", "TimestampPath" };
	const char *which = NULL, *mptr = NULL;
	asl_time t;
	json_t *v = NULL;
	int i, n = 0;

	for (i = 0; i < 4; i++) {
		json_t *m = json_object_get(obj, names[i]);

		if (!m)
			continue;
		if (n++ == 0) {
			which = names[i];
			v = m;
			mptr = diag_ptr_member(ptr, names[i]);
			st->wait.kind = (enum wait_kind)i;
		}
	}
	if (n != 1) {
		diag_error(at(ptr), "a Wait state needs exactly one of \"Seconds\", \"SecondsPath\", \"Timestamp\" or \"TimestampPath\"");
		return;
	}
	st->wait_loc = at(mptr);
	if (st->jsonata && json_is_string(v) &&
	    is_expression(json_string_value(v), json_string_length(v))) {
		st->wait.jn = parse_jtemplate(prog, v, mptr, which);
		return;
	}
	if (st->jsonata && st->wait.kind == WAIT_SECONDS && json_is_string(v)) {
		diag_error(at(mptr), "\"Seconds\" must be an integer or a JSONata expression (\"{%% ... %%}\")");
		return;
	}
	switch (st->wait.kind) {
	case WAIT_SECONDS:
		want_int(v, mptr, which, 0, SECONDS_MAX, &st->wait.seconds);
		break;
	case WAIT_TIMESTAMP:
		if (!json_is_string(v) ||
		    asl_parse_time(json_string_value(v), json_string_length(v), &t) != 0) {
			diag_error(at(mptr), "\"Timestamp\" must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\"");
			return;
		}
		st->wait.tsec = t.sec;
		st->wait.tnsec = t.nsec;
		st->wait.text = arena_strdup(json_string_value(v));
		break;
	default:
		st->wait.path = want_path(prog, v, mptr, which, PATH_REFERENCE);
	}
}

/* ErrorPath, CausePath: a reference path, or an intrinsic function call. */
static void
fail_path(struct program *prog, json_t *v, const char *ptr, const char *name,
	  struct path **path, struct icall **call)
{
	const char *err;

	if (json_is_string(v) && is_intrinsic(json_string_value(v))) {
		*call = intrinsic_parse(prog, json_string_value(v), at(ptr), &err);
		if (!*call)
			diag_error(at(ptr), "the value for the field \"%s\" must be a valid JSONPath or a valid intrinsic function call: %s",
				   name, err);
		return;
	}
	*path = want_path(prog, v, ptr, name, PATH_REFERENCE);
}

static void
parse_fail(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	json_t *e = json_object_get(obj, "Error"), *ep = json_object_get(obj, "ErrorPath");
	json_t *c = json_object_get(obj, "Cause"), *cp = json_object_get(obj, "CausePath");

	if (e && ep)
		diag_error(key_at(diag_ptr_member(ptr, "ErrorPath")), "a Fail state cannot have both \"Error\" and \"ErrorPath\"");
	if (c && cp)
		diag_error(key_at(diag_ptr_member(ptr, "CausePath")), "a Fail state cannot have both \"Cause\" and \"CausePath\"");
	if (st->jsonata && e && json_is_string(e) && is_expression(json_string_value(e), json_string_length(e)))
		st->fail.error_jn = parse_jtemplate(prog, e, diag_ptr_member(ptr, "Error"), "Error");
	else if (e)
		st->fail.error = want_string(e, diag_ptr_member(ptr, "Error"), "Error");
	if (st->jsonata && c && json_is_string(c) && is_expression(json_string_value(c), json_string_length(c)))
		st->fail.cause_jn = parse_jtemplate(prog, c, diag_ptr_member(ptr, "Cause"), "Cause");
	else if (c)
		st->fail.cause = want_string(c, diag_ptr_member(ptr, "Cause"), "Cause");
	if (ep)
		fail_path(prog, ep, diag_ptr_member(ptr, "ErrorPath"), "ErrorPath",
			  &st->fail.error_path, &st->fail.error_call);
	if (cp)
		fail_path(prog, cp, diag_ptr_member(ptr, "CausePath"), "CausePath",
			  &st->fail.cause_path, &st->fail.cause_call);
}

/* A JSONata Choice rule: Condition, Next, and its own Output and Assign. */
static struct rule *
parse_jn_rule(struct program *prog, json_t *r, const char *ptr)
{
	static const char *const names[] = { "Condition", "Next", "Output", "Assign", "Comment", NULL };
	struct rule *rule = arena_alloc(sizeof *rule);
	json_t *v;

	rule->kind = RULE_CMP;
	rule->loc = at(ptr);
	rule->next = -1;
	if (!json_is_object(r)) {
		diag_error(at(ptr), "a Choice rule must be an object, not %s", type_name(r));
		return rule;
	}
	if (!only_fields(r, ptr, names, "JSONata Choice rule"))
		return rule;
	if (!(v = json_object_get(r, "Condition")))
		diag_error(at(ptr), "a JSONata Choice rule needs \"Condition\"");
	else if (!json_is_boolean(v) && !(json_is_string(v) &&
					  is_expression(json_string_value(v), json_string_length(v))))
		diag_error(at(diag_ptr_member(ptr, "Condition")),
			   "\"Condition\" must be true, false or a JSONata expression (\"{%% ... %%}\")");
	else
		rule->condition = parse_jtemplate(prog, v, diag_ptr_member(ptr, "Condition"), "Condition");
	if (!(v = json_object_get(r, "Next"))) {
		diag_error(at(ptr), "a Choice rule needs \"Next\"");
	} else {
		rule->next_name = want_string(v, diag_ptr_member(ptr, "Next"), "Next");
		rule->next_loc = at(diag_ptr_member(ptr, "Next"));
	}
	if ((v = json_object_get(r, "Output")))
		rule->output = parse_jtemplate(prog, v, diag_ptr_member(ptr, "Output"), "Output");
	if ((v = json_object_get(r, "Assign")))
		rule->assign = parse_assign(prog, v, diag_ptr_member(ptr, "Assign"), true);
	if ((v = json_object_get(r, "Comment")))
		want_string(v, diag_ptr_member(ptr, "Comment"), "Comment");
	return rule;
}

static void
parse_choices(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	json_t *v = json_object_get(obj, "Choices"), *d;
	const char *cptr = diag_ptr_member(ptr, "Choices");
	size_t i;

	st->choice.dflt = -1;
	if (!v) {
		diag_error(key_at(ptr), "a Choice state needs \"Choices\"");
		return;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		diag_error(at(cptr), "\"Choices\" must be a non-empty array of rules");
		return;
	}
	st->choice.nrule = (int)json_array_size(v);
	st->choice.rules = arena_alloc((size_t)st->choice.nrule * sizeof *st->choice.rules);
	for (i = 0; i < json_array_size(v); i++)
		st->choice.rules[i] = st->jsonata ?
			parse_jn_rule(prog, json_array_get(v, i), diag_ptr_index(cptr, i)) :
			parse_rule(prog, json_array_get(v, i), diag_ptr_index(cptr, i), 0);
	d = json_object_get(obj, "Default");
	if (d) {
		st->choice.default_name = want_string(d, diag_ptr_member(ptr, "Default"), "Default");
		st->choice.default_loc = at(diag_ptr_member(ptr, "Default"));
	}
}

static void query_language(json_t *v, const char *ptr);
static void parse_parallel(struct program *prog, struct state *st, json_t *obj, const char *ptr);
static void parse_map(struct program *prog, struct state *st, json_t *obj, const char *ptr);

static bool uses_jsonata(json_t *v, bool inherited);

/* A field that JSONata states do not have. */
static bool
jsonpath_only(int f)
{
	switch (f) {
	case F_INPUT_PATH: case F_OUTPUT_PATH: case F_PARAMETERS: case F_RESULT_SELECTOR:
	case F_RESULT_PATH: case F_RESULT: case F_TIMEOUT_SECONDS_PATH:
	case F_HEARTBEAT_SECONDS_PATH: case F_SECONDS_PATH: case F_TIMESTAMP_PATH:
	case F_ERROR_PATH: case F_CAUSE_PATH: case F_ITEMS_PATH: case F_MAX_CONCURRENCY_PATH:
	case F_TOLERATED_FAILURE_PERCENTAGE_PATH: case F_TOLERATED_FAILURE_COUNT_PATH:
		return true;
	default:
		return false;
	}
}

static struct state *
parse_state(struct program *prog, const char *name, json_t *obj, const char *ptr)
{
	struct state *st;
	json_t *type, *v;
	const char *key;
	int k, f, result_allowed;
	unsigned mask;
	bool supported = true;

	/*
	** A state whose type cannot be read stays in the machine, marked
	** broken, so that transitions to it do not cause more errors.
	*/
	st = arena_alloc(sizeof *st);
	st->kind = STATE_COUNT;
	st->name = arena_strdup(name);
	st->loc = key_at(ptr);
	st->next = -1;
	if (utf8_length(name) == 0 || utf8_length(name) > STATE_NAME_MAX)
		diag_error(key_at(ptr), "a state name must have 1 to %d characters; \"%s\" has %zu",
			   STATE_NAME_MAX, name, utf8_length(name));
	if (!json_is_object(obj)) {
		diag_error(at(ptr), "the state \"%s\" must be an object, not %s", name, type_name(obj));
		return st;
	}
	type = json_object_get(obj, "Type");
	if (!type) {
		diag_error(key_at(ptr), "the state \"%s\" has no \"Type\"", name);
		return st;
	}
	if (!json_is_string(type)) {
		diag_error(at(diag_ptr_member(ptr, "Type")), "\"Type\" must be a string, not %s", type_name(type));
		return st;
	}
	for (k = 0; k < STATE_COUNT; k++)
		if (strcmp(json_string_value(type), state_type_name[k]) == 0)
			break;
	if (k == STATE_COUNT) {
		diag_error(at(diag_ptr_member(ptr, "Type")),
			   "unknown state type \"%s\"; it must be one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map",
			   json_string_value(type));
		return st;
	}
	if (!state_supported[k]) {
		diag_error(at(diag_ptr_member(ptr, "Type")), "%s states are not supported yet", state_type_name[k]);
		return st;
	}
	st->kind = (enum state_kind)k;
	mask = 1u << k;
	st->jsonata = uses_jsonata(obj, prog->jsonata);

	/* Every member must be a field of this state type. */
	json_object_foreach(obj, key, v) {
		const char *mptr = diag_ptr_member(ptr, key);

		for (f = 0; f < F_COUNT; f++)
			if (strcmp(key, fields[f].name) == 0)
				break;
		if (f == F_COUNT) {
			diag_error(key_at(mptr), "\"%s\" is not a field of ASL states", key);
			supported = false;
		} else if (!(fields[f].where & mask)) {
			diag_error(key_at(mptr), "\"%s\" is not a field of a %s state", key, state_type_name[k]);
			supported = false;
		} else if (fields[f].support == LATER) {
			diag_error(key_at(mptr), "\"%s\" is not supported yet", key);
			supported = false;
		} else if (fields[f].support == JSONATA && !st->jsonata) {
			jsonata_field(mptr, key);
			supported = false;
		} else if (st->jsonata && jsonpath_only(f)) {
			diag_error(key_at(mptr), "\"%s\" belongs to the JSONPath query language; a JSONata state uses \"Arguments\", \"Output\" and \"Assign\" instead",
				   key);
			supported = false;
		}
	}
	if (!supported)
		return st;

	if ((v = json_object_get(obj, "Comment")))
		want_string(v, diag_ptr_member(ptr, "Comment"), "Comment");
	if ((v = json_object_get(obj, "QueryLanguage")))
		query_language(v, diag_ptr_member(ptr, "QueryLanguage"));

	/* Next or End, for the states that continue. */
	if (fields[F_NEXT].where & mask) {
		json_t *next = json_object_get(obj, "Next"), *end = json_object_get(obj, "End");

		if (end && !json_is_true(end))
			diag_error(at(diag_ptr_member(ptr, "End")), "\"End\" can only be true; use \"Next\" to continue");
		if (next && end)
			diag_error(key_at(diag_ptr_member(ptr, "End")), "the state \"%s\" has both \"Next\" and \"End\"", name);
		else if (!next && !end)
			diag_error(key_at(ptr), "the state \"%s\" needs \"Next\" or \"End\": true", name);
		if (next) {
			st->next_name = want_string(next, diag_ptr_member(ptr, "Next"), "Next");
			st->next_loc = at(diag_ptr_member(ptr, "Next"));
		}
		st->end = end && json_is_true(end) && !next;
	}

	if ((v = json_object_get(obj, "InputPath")))
		path_field(prog, &st->input_path, v, diag_ptr_member(ptr, "InputPath"), "InputPath", PATH_ANY);
	if ((v = json_object_get(obj, "OutputPath")))
		path_field(prog, &st->output_path, v, diag_ptr_member(ptr, "OutputPath"), "OutputPath", PATH_ANY);
	if ((v = json_object_get(obj, "ResultPath")))
		path_field(prog, &st->result_path, v, diag_ptr_member(ptr, "ResultPath"), "ResultPath", PATH_RESULT);
	if ((v = json_object_get(obj, "Parameters"))) {
		st->parameters_loc = at(diag_ptr_member(ptr, "Parameters"));
		st->parameters = parse_template(prog, v, st->parameters_loc.ptr, "Parameters");
	}
	if ((v = json_object_get(obj, "ResultSelector"))) {
		st->result_selector_loc = at(diag_ptr_member(ptr, "ResultSelector"));
		st->result_selector = parse_template(prog, v, st->result_selector_loc.ptr, "ResultSelector");
	}
	/* A Task's, Map's or Parallel's Output and Assign see its result. */
	jn_allow = st->kind == STATE_TASK || st->kind == STATE_MAP || st->kind == STATE_PARALLEL ?
		ALLOW_RESULT : 0;
	if ((v = json_object_get(obj, "Assign"))) {
		st->assign_loc = at(diag_ptr_member(ptr, "Assign"));
		st->assign = parse_assign(prog, v, st->assign_loc.ptr, st->jsonata);
	}
	result_allowed = jn_allow;
	jn_allow = 0;
	if ((v = json_object_get(obj, "Arguments"))) {
		st->arguments_loc = at(diag_ptr_member(ptr, "Arguments"));
		st->arguments = parse_jtemplate(prog, v, st->arguments_loc.ptr, "Arguments");
	}
	jn_allow = result_allowed;
	if ((v = json_object_get(obj, "Output"))) {
		st->output_loc = at(diag_ptr_member(ptr, "Output"));
		st->output = parse_jtemplate(prog, v, st->output_loc.ptr, "Output");
	}
	jn_allow = 0;
	if ((v = json_object_get(obj, "Result"))) {
		st->has_result = true;
		st->result_loc = at(diag_ptr_member(ptr, "Result"));
		st->result_konst = parse_const(prog, compact(v, &st->result_size));
	}

	switch (st->kind) {
	case STATE_TASK:
		parse_task(prog, st, obj, ptr);
		break;
	case STATE_CHOICE:
		parse_choices(prog, st, obj, ptr);
		break;
	case STATE_WAIT:
		parse_wait(prog, st, obj, ptr);
		break;
	case STATE_FAIL:
		parse_fail(prog, st, obj, ptr);
		break;
	case STATE_PARALLEL:
		parse_parallel(prog, st, obj, ptr);
		break;
	case STATE_MAP:
		parse_map(prog, st, obj, ptr);
		break;
	default:
		break;
	}
	return st;
}

/* ---- machines ---- */

static struct machine *
new_machine(struct program *prog, struct machine *parent, struct state *owner,
	    const char *ptr)
{
	struct machine *m = arena_alloc(sizeof *m);

	m->start = -1;
	m->parent = parent;
	m->owner = owner;
	m->loc = at(ptr);
	m->id = prog->nmachine;
	if ((prog->nmachine & (prog->nmachine - 1)) == 0) {	/* 0, 1, 2, 4, ...: grow */
		struct machine **old = prog->machines;

		prog->machines = arena_alloc((size_t)(prog->nmachine ? 2 * prog->nmachine : 1) *
					     sizeof *prog->machines);
		if (old)
			memcpy(prog->machines, old, (size_t)prog->nmachine * sizeof *old);
	}
	prog->machines[prog->nmachine++] = m;
	return m;
}

/*
** StartAt and States of obj (at ptr) into m. The states' fields are
** parsed with m as the current scope; a Parallel's or Map's own fields
** belong to m, their branches and processors to machines of their own.
*/
static void
parse_states(struct program *prog, struct machine *m, json_t *obj, const char *ptr,
	     const char *what)
{
	struct machine *outer = prog->cur;
	json_t *v, *states_obj;
	const char *key;

	if (!(v = json_object_get(obj, "StartAt"))) {
		diag_error(at(ptr), "%s has no \"StartAt\"", what);
	} else {
		m->start_name = want_string(v, diag_ptr_member(ptr, "StartAt"), "StartAt");
		m->start_loc = at(diag_ptr_member(ptr, "StartAt"));
	}
	states_obj = json_object_get(obj, "States");
	if (!states_obj) {
		diag_error(at(ptr), "%s has no \"States\"", what);
		return;
	}
	if (!json_is_object(states_obj) || json_object_size(states_obj) == 0) {
		diag_error(at(diag_ptr_member(ptr, "States")),
			   "\"States\" must be an object with at least one state");
		return;
	}
	prog->cur = m;
	m->states = arena_alloc(json_object_size(states_obj) * sizeof *m->states);
	json_object_foreach(states_obj, key, v) {
		struct state *st = parse_state(prog, key, v,
					       diag_ptr_member(diag_ptr_member(ptr, "States"), key));

		st->index = m->nstate;
		m->states[m->nstate++] = st;
	}
	prog->cur = outer;
}

/* QueryLanguage, of a machine or a state: JSONPath only, for now. */
static void
query_language(json_t *v, const char *ptr)
{
	const char *ql = want_string(v, ptr, "QueryLanguage");

	if (ql && strcmp(ql, "JSONPath") != 0 && strcmp(ql, "JSONata") != 0)
		diag_error(at(ptr), "\"QueryLanguage\" must be \"JSONPath\" or \"JSONata\"");
}

/*
** A Parallel branch or a Map's item processor: a machine inside st.
** allowed lists the members it may have besides StartAt and States.
*/
static struct machine *
parse_sub_machine(struct program *prog, struct state *st, json_t *obj, const char *ptr,
		  const char *what, const char *const *allowed, int nfield)
{
	struct machine *m;
	const char *key;
	json_t *v;
	int i;
	bool inherited;

	if (!json_is_object(obj)) {
		diag_error(at(ptr), "%s must be an object, not %s", what, type_name(obj));
		return NULL;
	}
	m = new_machine(prog, prog->cur, st, ptr);
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "StartAt") == 0 || strcmp(key, "States") == 0)
			continue;
		for (i = 0; i < nfield; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (i == nfield)
			diag_error(key_at(diag_ptr_member(ptr, key)), "\"%s\" is not a field of %s",
				   key, what);
	}
	if ((v = json_object_get(obj, "Comment")))
		want_string(v, diag_ptr_member(ptr, "Comment"), "Comment");
	if ((v = json_object_get(obj, "QueryLanguage")))
		query_language(v, diag_ptr_member(ptr, "QueryLanguage"));
	/* Its states inherit the query language of the state they are in. */
	inherited = prog->jsonata;
	prog->jsonata = uses_jsonata(obj, st->jsonata);
	parse_states(prog, m, obj, ptr, what);
	prog->jsonata = inherited;
	return m;
}

/* ---- Parallel ---- */

static const char *const branch_fields[] = { "Comment", "QueryLanguage" };

static void
parse_parallel(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	const char *bptr = diag_ptr_member(ptr, "Branches");
	json_t *v = json_object_get(obj, "Branches");
	size_t i;

	if (!v) {
		diag_error(key_at(ptr), "a Parallel state needs \"Branches\"");
	} else if (!json_is_array(v) || json_array_size(v) == 0) {
		diag_error(at(bptr), "\"Branches\" must be an array of at least one branch");
	} else {
		st->parallel.branches = arena_alloc(json_array_size(v) * sizeof *st->parallel.branches);
		for (i = 0; i < json_array_size(v); i++) {
			struct machine *b = parse_sub_machine(prog, st, json_array_get(v, i),
							      diag_ptr_index(bptr, i), "a branch",
							      branch_fields, 2);

			if (b)
				st->parallel.branches[st->parallel.nbranch++] = b;
		}
	}
	if ((v = json_object_get(obj, "Retry")))
		parse_retry(st, v, diag_ptr_member(ptr, "Retry"));
	if ((v = json_object_get(obj, "Catch")))
		parse_catch(prog, st, v, diag_ptr_member(ptr, "Catch"));
}

/* ---- Map ---- */

static const char *const processor_fields[] = { "Comment", "QueryLanguage", "ProcessorConfig" };

/* ProcessorConfig: Mode INLINE or DISTRIBUTED; ExecutionType with the latter. */
static void
processor_config(struct state *st, json_t *pc, const char *ptr)
{
	const char *key, *mode = NULL, *type = NULL;
	json_t *v;

	if (!json_is_object(pc)) {
		diag_error(at(ptr), "\"ProcessorConfig\" must be an object, not %s", type_name(pc));
		return;
	}
	json_object_foreach(pc, key, v) {
		const char *mptr = diag_ptr_member(ptr, key);

		if (strcmp(key, "Mode") == 0) {
			mode = want_string(v, mptr, "Mode");
			if (mode && strcmp(mode, "INLINE") != 0 && strcmp(mode, "DISTRIBUTED") != 0)
				diag_error(at(mptr), "\"Mode\" must be \"INLINE\" or \"DISTRIBUTED\", not \"%s\"", mode);
		} else if (strcmp(key, "ExecutionType") == 0) {
			type = want_string(v, mptr, "ExecutionType");
			if (type && strcmp(type, "STANDARD") != 0 && strcmp(type, "EXPRESS") != 0)
				diag_error(at(mptr), "\"ExecutionType\" must be \"STANDARD\" or \"EXPRESS\", not \"%s\"", type);
		} else {
			diag_error(key_at(mptr), "\"%s\" is not a field of \"ProcessorConfig\"", key);
		}
	}
	st->map.distributed = mode && strcmp(mode, "DISTRIBUTED") == 0;
	st->map.express = type && strcmp(type, "EXPRESS") == 0;
	if (st->map.distributed && !type)
		diag_error(at(ptr), "a DISTRIBUTED \"ProcessorConfig\" needs \"ExecutionType\" (STANDARD or EXPRESS)");
	else if (!st->map.distributed && type)
		diag_error(at(diag_ptr_member(ptr, "ExecutionType")),
			   "\"ExecutionType\" applies to a DISTRIBUTED \"ProcessorConfig\" only");
}

/* A number field that has a ...Path twin; both is an error. */
static bool
one_of(json_t *obj, const char *ptr, const char *name, const char *path_name)
{
	if (json_object_get(obj, name) && json_object_get(obj, path_name)) {
		diag_error(key_at(diag_ptr_member(ptr, path_name)),
			   "a Map state cannot have both \"%s\" and \"%s\"", name, path_name);
		return false;
	}
	return true;
}

/* The characters a Label cannot hold. */
static bool
label_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || strchr(" ?*<>{}[]:;,\\|^~$#%&`\"", *s))
			return false;
	return true;
}

/*
** The members of obj must be among names; those among later (NULL or
** NULL-terminated) are the service's but not implemented yet.
*/
static void
member_fields(json_t *obj, const char *ptr, const char *what, const char *const *names, int n,
	      const char *const *later, bool jsonata)
{
	/* The members one query language has and the other does not. */
	static const char *const jsonpath[] = {
		"Parameters", "MaxItemsPath", "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"
	};
	const char *key, *mptr;
	json_t *v;
	int i;

	json_object_foreach(obj, key, v) {
		mptr = diag_ptr_member(ptr, key);
		for (i = 0; i < n; i++)
			if (strcmp(key, names[i]) == 0)
				break;
		if (i < n) {
			size_t k;

			for (k = 0; jsonata && k < sizeof jsonpath / sizeof jsonpath[0]; k++)
				if (strcmp(key, jsonpath[k]) == 0)
					jsonpath_member(mptr, key);
			if (!jsonata && strcmp(key, "Arguments") == 0)
				jsonata_field(mptr, key);
			continue;
		}
		for (i = 0; later && later[i]; i++)
			if (strcmp(key, later[i]) == 0)
				break;
		if (later && later[i])
			diag_error(key_at(mptr), "\"%s\" in %s is not supported yet", key, what);
		else
			diag_error(key_at(mptr), "\"%s\" is not a field of %s", key, what);
	}
}

/* One of the words in names (n of them), as its index; -1 after an error. */
static int
want_word(json_t *v, const char *ptr, const char *name, const char *const *names, int n)
{
	const char *s = want_string(v, ptr, name);
	int i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	diag_error(at(ptr), "\"%s\" cannot be \"%s\"", name, s);
	return -1;
}

/* A positive integer field, or its ...Path twin (n: 0 when neither). */
static void
count_field(struct program *prog, json_t *obj, const char *ptr, const char *name,
	    const char *path_name, int64_t *n, struct path **path)
{
	json_t *v;

	if (json_object_get(obj, name) && json_object_get(obj, path_name)) {
		diag_error(key_at(diag_ptr_member(ptr, path_name)),
			   "\"%s\" and \"%s\" cannot both be given", name, path_name);
		return;
	}
	if ((v = json_object_get(obj, name)))
		want_int(v, diag_ptr_member(ptr, name), name, 0, INT32_MAX, n);
	if ((v = json_object_get(obj, path_name)))
		*path = want_path(prog, v, diag_ptr_member(ptr, path_name), path_name, PATH_REFERENCE);
}

/*
** The Parameters of S3 names (in JSONata, the Arguments): a template; its
** constant members noted.
*/
static struct template *
s3_parameters(struct program *prog, json_t *obj, const char *ptr, const char *what,
	      const char *key_name, bool jsonata, const char **bucket, const char **key)
{
	const char *field = jsonata ? "Arguments" : "Parameters";
	const char *pptr = diag_ptr_member(ptr, field);
	json_t *v = json_object_get(obj, field);
	struct template *t;

	if (!v && json_object_get(obj, jsonata ? "Parameters" : "Arguments"))
		return NULL;	/* reported: the other query language's */
	if (!v) {
		diag_error(key_at(ptr), "%s needs \"%s\" with \"Bucket\" and \"%s\"",
			   what, field, key_name);
		return NULL;
	}
	if (jsonata && json_is_string(v) && is_expression(json_string_value(v), json_string_length(v)))
		return parse_jtemplate(prog, v, pptr, field);	/* names known when it runs */
	if (!json_is_object(v) ||
	    (!json_object_get(v, "Bucket") && (jsonata || !json_object_get(v, "Bucket.$")))) {
		diag_error(at(pptr), "the \"%s\" of %s need \"Bucket\"", field, what);
		return NULL;
	}
	t = jsonata ? parse_jtemplate(prog, v, pptr, field) : parse_template(prog, v, pptr, field);
	if (t) {
		*bucket = constant_member(prog, t, "Bucket");
		if (key)
			*key = constant_member(prog, t, key_name);
	}
	return t;
}

static const char *const input_types[] = { "JSON", "JSONL", "CSV" };
static const char *const delimiters[] = { "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB" };
static const char delimiter_chars[] = { ',', '|', ';', ' ', '\t' };

/*
** A listing's Parameters (Arguments): Bucket and Prefix, and
** ExpectedBucketOwner, which local files have no use for. The rest of
** ListObjectsV2's (Delimiter, StartAfter, ...) would change what is
** listed: refused, not ignored.
*/
static void
listing_fields(json_t *v, const char *ptr, bool jsonata)
{
	static const char *const known[] = { "Bucket", "Prefix", "ExpectedBucketOwner" };
	const char *field = jsonata ? "Arguments" : "Parameters";
	const char *pptr = diag_ptr_member(ptr, field), *key;
	json_t *p = json_object_get(v, field), *m;
	size_t i, n;

	if (!json_is_object(p))
		return;
	json_object_foreach(p, key, m) {
		n = strlen(key);
		if (!jsonata && n > 2 && strcmp(key + n - 2, ".$") == 0)
			n -= 2;
		for (i = 0; i < 3; i++)
			if (strlen(known[i]) == n && strncmp(key, known[i], n) == 0)
				break;
		if (i == 3)
			diag_error(key_at(diag_ptr_member(pptr, key)),
				   "\"%.*s\" in the %s of a listing (s3:listObjectsV2) is not supported yet: aslc lists by \"Bucket\" and \"Prefix\"",
				   (int)n, key, field);
	}
}

static struct item_reader *
parse_item_reader(struct program *prog, json_t *v, const char *ptr, bool jsonata)
{
	static const char *const allowed[] = { "Resource", "Parameters", "Arguments", "ReaderConfig" };
	static const char *const config_fields[] = {
		"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems",
		"MaxItemsPath", "ItemsPointer", "Transformation"
	};
	static const char *const max_items[] = { "MaxItems" };
	static const char *const transformations[] = { "NONE", "LOAD_AND_FLATTEN" };
	/* For manifests, which aslc does not read yet. */
	static const char *const config_later[] = { "ManifestType", NULL };
	struct item_reader *r = arena_alloc(sizeof *r);
	const char *res, *cptr = diag_ptr_member(ptr, "ReaderConfig");
	struct template *names;
	json_t *c, *x;
	int k;

	r->csv_delimiter = ',';
	if (!json_is_object(v)) {
		diag_error(at(ptr), "\"ItemReader\" must be an object, not %s", type_name(v));
		return NULL;
	}
	member_fields(v, ptr, "\"ItemReader\"", allowed, 4, NULL, jsonata);
	if (!(x = json_object_get(v, "Resource"))) {
		diag_error(key_at(ptr), "\"ItemReader\" needs \"Resource\"");
		return NULL;
	}
	res = want_string(x, diag_ptr_member(ptr, "Resource"), "Resource");
	if (res && strcmp(res, "arn:aws:states:::s3:listObjectsV2") == 0) {
		r->list = true;
	} else if (res && strcmp(res, "arn:aws:states:::s3:getObject") != 0) {
		diag_error(at(diag_ptr_member(ptr, "Resource")),
			   "\"Resource\" of an \"ItemReader\" must be arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2, not \"%s\"",
			   res);
		return NULL;
	}
	if (r->list && !json_object_get(v, "Parameters") && !json_object_get(v, "Arguments")) {
		diag_error(key_at(ptr), "an \"ItemReader\" that lists objects needs \"%s\" with \"Bucket\" (and \"Prefix\", to list some)",
			   jsonata ? "Arguments" : "Parameters");
		return NULL;
	}
	names = s3_parameters(prog, v, ptr, r->list ? "a listing" : "an \"ItemReader\"",
			      r->list ? "Prefix" : "Key", jsonata, &r->bucket, &r->key);
	if (jsonata)
		r->arguments = names;
	else
		r->parameters = names;
	if (r->list)
		listing_fields(v, ptr, jsonata);
	c = json_object_get(v, "ReaderConfig");
	if (!c && r->list)
		return r;	/* each object listed is an item */
	if (!c) {
		diag_error(key_at(ptr), "\"ItemReader\" needs \"ReaderConfig\" with \"InputType\"");
		return NULL;
	}
	if (!json_is_object(c)) {
		diag_error(at(cptr), "\"ReaderConfig\" must be an object, not %s", type_name(c));
		return NULL;
	}
	member_fields(c, cptr, "\"ReaderConfig\"", config_fields, 8, config_later, jsonata);
	if ((x = json_object_get(c, "Transformation"))) {
		if (!r->list)
			diag_error(key_at(diag_ptr_member(cptr, "Transformation")),
				   "\"Transformation\" is for an \"ItemReader\" that lists objects (arn:aws:states:::s3:listObjectsV2)");
		else if ((k = want_word(x, diag_ptr_member(cptr, "Transformation"), "Transformation",
					transformations, 2)) < 0)
			return NULL;
		else
			r->flatten = k == 1;
	}
	if (!(x = json_object_get(c, "InputType"))) {
		if (r->flatten)
			diag_error(key_at(cptr), "The field 'InputType' is required: \"Transformation\": \"LOAD_AND_FLATTEN\" reads each object as JSON, JSONL or CSV");
		else if (!r->list)
			diag_error(key_at(cptr), "\"ReaderConfig\" needs \"InputType\" (JSON, JSONL or CSV)");
	} else {
		const char *t = want_string(x, diag_ptr_member(cptr, "InputType"), "InputType");

		/*
		** A listing reads no object unless it loads them: what the
		** service does with an InputType then is not known.
		*/
		if (t && r->list && !r->flatten)
			diag_error(key_at(diag_ptr_member(cptr, "InputType")),
				   "\"InputType\" of a listing (s3:listObjectsV2) goes with \"Transformation\": \"LOAD_AND_FLATTEN\"; without it, each object listed is an item");
		else if (t && (strcmp(t, "PARQUET") == 0 || strcmp(t, "MANIFEST") == 0))
			diag_error(at(diag_ptr_member(cptr, "InputType")),
				   "\"InputType\" %s is not supported yet: JSON, JSONL and CSV are", t);
		else if (t && (k = want_word(x, diag_ptr_member(cptr, "InputType"), "InputType",
					     input_types, 3)) >= 0)
			r->type = (enum input_type)k;
	}
	if ((x = json_object_get(c, "CSVHeaderLocation"))) {
		static const char *const locations[] = { "FIRST_ROW", "GIVEN" };

		if (r->type != INPUT_CSV)
			diag_error(key_at(diag_ptr_member(cptr, "CSVHeaderLocation")),
				   "\"CSVHeaderLocation\" is for an \"InputType\" of CSV");
		r->csv_given = want_word(x, diag_ptr_member(cptr, "CSVHeaderLocation"),
					 "CSVHeaderLocation", locations, 2) == 1;
	} else if (r->type == INPUT_CSV) {
		diag_error(key_at(cptr), "a CSV \"ReaderConfig\" needs \"CSVHeaderLocation\" (FIRST_ROW or GIVEN)");
	}
	if ((x = json_object_get(c, "CSVHeaders"))) {
		const char *hptr = diag_ptr_member(cptr, "CSVHeaders");
		size_t i;

		if (!r->csv_given) {
			diag_error(key_at(hptr), "\"CSVHeaders\" goes with \"CSVHeaderLocation\": \"GIVEN\"");
		} else if (!json_is_array(x) || json_array_size(x) == 0) {
			diag_error(at(hptr), "\"CSVHeaders\" must be an array of strings");
		} else {
			r->csv_headers = arena_alloc(json_array_size(x) * sizeof *r->csv_headers);
			for (i = 0; i < json_array_size(x); i++) {
				const char *h = want_string(json_array_get(x, i), diag_ptr_index(hptr, i),
							    "a CSV header");

				if (h)
					r->csv_headers[r->ncsv_header++] = h;
			}
		}
	} else if (r->csv_given) {
		diag_error(key_at(cptr), "\"CSVHeaderLocation\": \"GIVEN\" needs \"CSVHeaders\"");
	}
	if ((x = json_object_get(c, "CSVDelimiter")) && r->type != INPUT_CSV)
		diag_error(key_at(diag_ptr_member(cptr, "CSVDelimiter")),
			   "\"CSVDelimiter\" is for an \"InputType\" of CSV");
	else if (x && (k = want_word(x, diag_ptr_member(cptr, "CSVDelimiter"), "CSVDelimiter",
				     delimiters, 5)) >= 0)
		r->csv_delimiter = delimiter_chars[k];
	if ((x = json_object_get(c, "ItemsPointer"))) {
		const char *iptr = diag_ptr_member(cptr, "ItemsPointer");

		r->items_pointer = want_string(x, iptr, "ItemsPointer");
		if (r->list && !r->flatten)
			diag_error(key_at(iptr), "\"ItemsPointer\" of a listing (s3:listObjectsV2) goes with \"Transformation\": \"LOAD_AND_FLATTEN\" and an \"InputType\" of JSON");
		else if (r->type != INPUT_JSON)
			diag_error(key_at(iptr), "\"ItemsPointer\" is for an \"InputType\" of JSON");
		else if (r->items_pointer && r->items_pointer[0] != '/' && r->items_pointer[0])
			diag_error(at(iptr), "Invalid input: JSON Pointer expression must start with '/': \"%s\"",
				   r->items_pointer);
	}
	if (jsonata) {
		struct template **const jn[] = { &r->max_items_jn };

		parse_jnumbers(prog, c, cptr, max_items, jn, 1, "an integer");
	}
	count_field(prog, c, cptr, "MaxItems", "MaxItemsPath", &r->max_items, &r->max_items_path);
	if (r->max_items > 100000000)
		diag_error(at(diag_ptr_member(cptr, "MaxItems")), "\"MaxItems\" is at most 100000000");
	return r;
}

static struct item_batcher *
parse_item_batcher(struct program *prog, json_t *v, const char *ptr, bool jsonata)
{
	static const char *const allowed[] = {
		"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
		"MaxInputBytesPerBatchPath", "BatchInput"
	};
	struct item_batcher *b = arena_alloc(sizeof *b);
	json_t *x;

	if (!json_is_object(v)) {
		diag_error(at(ptr), "\"ItemBatcher\" must be an object, not %s", type_name(v));
		return NULL;
	}
	member_fields(v, ptr, "\"ItemBatcher\"", allowed, 5, NULL, jsonata);
	if (!json_object_get(v, "MaxItemsPerBatch") && !json_object_get(v, "MaxItemsPerBatchPath") &&
	    !json_object_get(v, "MaxInputBytesPerBatch") && !json_object_get(v, "MaxInputBytesPerBatchPath"))
		diag_error(at(ptr), "\"ItemBatcher\" needs \"MaxItemsPerBatch\" or \"MaxInputBytesPerBatch\" (or their Path forms)");
	if (jsonata) {
		struct template **const jn[] = { &b->max_items_jn, &b->max_bytes_jn };

		parse_jnumbers(prog, v, ptr, allowed + 0, jn, 1, "an integer");
		parse_jnumbers(prog, v, ptr, allowed + 2, jn + 1, 1, "an integer");
	}
	count_field(prog, v, ptr, "MaxItemsPerBatch", "MaxItemsPerBatchPath", &b->max_items,
		    &b->max_items_path);
	count_field(prog, v, ptr, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath",
		    &b->max_bytes, &b->max_bytes_path);
	if (b->max_bytes > ASL_PAYLOAD_LIMIT)
		diag_error(at(diag_ptr_member(ptr, "MaxInputBytesPerBatch")),
			   "\"MaxInputBytesPerBatch\" is at most %d (256 KiB)", ASL_PAYLOAD_LIMIT);
	if ((x = json_object_get(v, "BatchInput")) && jsonata)
		b->batch_input_jn = parse_jtemplate(prog, x, diag_ptr_member(ptr, "BatchInput"), "BatchInput");
	else if (x)
		b->batch_input = parse_template(prog, x, diag_ptr_member(ptr, "BatchInput"), "BatchInput");
	return b;
}

static struct result_writer *
parse_result_writer(struct program *prog, json_t *v, const char *ptr, bool jsonata)
{
	static const char *const allowed[] = { "Resource", "Parameters", "Arguments", "WriterConfig" };
	static const char *const config_fields[] = { "OutputType", "Transformation" };
	static const char *const output_types[] = { "JSON", "JSONL" };
	static const char *const transformations[] = { "NONE", "COMPACT", "FLATTEN" };
	struct result_writer *w = arena_alloc(sizeof *w);
	const char *cptr = diag_ptr_member(ptr, "WriterConfig");
	json_t *x, *c;
	int k;

	if (!json_is_object(v) || json_object_size(v) == 0) {
		diag_error(at(ptr), "\"ResultWriter\" must be an object with \"Resource\" or \"WriterConfig\"");
		return NULL;
	}
	member_fields(v, ptr, "\"ResultWriter\"", allowed, 4, NULL, jsonata);
	if ((x = json_object_get(v, "Resource"))) {
		const char *res = want_string(x, diag_ptr_member(ptr, "Resource"), "Resource");

		if (res && strcmp(res, "arn:aws:states:::s3:putObject") != 0)
			diag_error(at(diag_ptr_member(ptr, "Resource")),
				   "\"Resource\" of a \"ResultWriter\" must be arn:aws:states:::s3:putObject, not \"%s\"", res);
		struct template *names = s3_parameters(prog, v, ptr, "a \"ResultWriter\"", "Prefix",
						       jsonata, &w->bucket, NULL);

		if (jsonata)
			w->arguments = names;
		else
			w->parameters = names;
	} else if (json_object_get(v, jsonata ? "Arguments" : "Parameters")) {
		diag_error(key_at(diag_ptr_member(ptr, jsonata ? "Arguments" : "Parameters")),
			   "\"%s\" of a \"ResultWriter\" go with \"Resource\"",
			   jsonata ? "Arguments" : "Parameters");
	}
	if ((c = json_object_get(v, "WriterConfig"))) {
		if (!json_is_object(c)) {
			diag_error(at(cptr), "\"WriterConfig\" must be an object, not %s", type_name(c));
			return w;
		}
		member_fields(c, cptr, "\"WriterConfig\"", config_fields, 2, NULL, jsonata);
		if ((x = json_object_get(c, "OutputType")))
			w->jsonl = want_word(x, diag_ptr_member(cptr, "OutputType"), "OutputType",
					     output_types, 2) == 1;
		else
			diag_error(key_at(cptr), "\"WriterConfig\" needs \"OutputType\" (JSON or JSONL)");
		if ((x = json_object_get(c, "Transformation")) &&
		    (k = want_word(x, diag_ptr_member(cptr, "Transformation"), "Transformation",
				   transformations, 3)) >= 0)
			w->transformation = (enum transformation)k;
	} else if (!json_object_get(v, "Resource")) {
		diag_error(at(ptr), "\"ResultWriter\" needs \"Resource\" and \"Parameters\", or \"WriterConfig\"");
	}
	if (!c)
		w->transformation = TRANSFORM_NONE;	/* the files hold whole entries */
	return w;
}

static void
parse_map(struct program *prog, struct state *st, json_t *obj, const char *ptr)
{
	json_t *proc = json_object_get(obj, "ItemProcessor"), *iter = json_object_get(obj, "Iterator");
	const char *which = proc ? "ItemProcessor" : "Iterator";
	const char *pptr = diag_ptr_member(ptr, which);
	struct map *mp = &st->map;
	json_t *v;

	/* ProcessorConfig first: a Distributed Map's processor is isolated. */
	if (proc && iter) {
		diag_error(key_at(diag_ptr_member(ptr, "Iterator")),
			   "a Map state cannot have both \"ItemProcessor\" and \"Iterator\"");
	} else if (!proc && !iter) {
		diag_error(key_at(ptr), "a Map state needs \"ItemProcessor\"");
	} else {
		if (json_is_object(proc ? proc : iter) &&
		    (v = json_object_get(proc ? proc : iter, "ProcessorConfig")))
			processor_config(st, v, diag_ptr_member(pptr, "ProcessorConfig"));
		mp->processor = parse_sub_machine(prog, st, proc ? proc : iter, pptr,
						  proc ? "\"ItemProcessor\"" : "\"Iterator\"",
						  processor_fields, 3);
		if (mp->processor)
			mp->processor->isolated = mp->distributed;
	}
	if ((v = json_object_get(obj, "ItemsPath")))
		mp->items_path = want_path(prog, v, diag_ptr_member(ptr, "ItemsPath"), "ItemsPath",
					   PATH_REFERENCE);
	if ((v = json_object_get(obj, "ItemSelector"))) {
		if (st->parameters)
			diag_error(key_at(diag_ptr_member(ptr, "ItemSelector")),
				   "a Map state cannot have both \"ItemSelector\" and \"Parameters\"");
		mp->selector = st->jsonata ?
			parse_jtemplate(prog, v, diag_ptr_member(ptr, "ItemSelector"), "ItemSelector") :
			parse_template(prog, v, diag_ptr_member(ptr, "ItemSelector"), "ItemSelector");
	} else {
		mp->selector = st->parameters;	/* the older name of ItemSelector */
	}
	st->parameters = NULL;
	if ((v = json_object_get(obj, "Items")))
		mp->items = parse_jtemplate(prog, v, diag_ptr_member(ptr, "Items"), "Items");
	if (st->jsonata) {
		static const char *const names[] = {
			"MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"
		};
		struct template **const jn[] = { &mp->max_concurrency_jn, &mp->percentage_jn, &mp->count_jn };

		parse_jnumbers(prog, obj, ptr, names, jn, 3, "a number");
	}
	if (one_of(obj, ptr, "MaxConcurrency", "MaxConcurrencyPath")) {
		if ((v = json_object_get(obj, "MaxConcurrency")))
			want_int(v, diag_ptr_member(ptr, "MaxConcurrency"), "MaxConcurrency", 0,
				 INT32_MAX, &mp->max_concurrency);
		if ((v = json_object_get(obj, "MaxConcurrencyPath")))
			mp->max_concurrency_path = want_path(prog, v, diag_ptr_member(ptr, "MaxConcurrencyPath"),
							     "MaxConcurrencyPath", PATH_REFERENCE);
	}
	if (one_of(obj, ptr, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath")) {
		if ((v = json_object_get(obj, "ToleratedFailurePercentage"))) {
			const char *vptr = diag_ptr_member(ptr, "ToleratedFailurePercentage");

			mp->has_percentage = true;
			if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
				diag_error(at(vptr), "\"ToleratedFailurePercentage\" must be a number from 0 to 100");
			else
				mp->percentage = json_number_value(v);
		}
		if ((v = json_object_get(obj, "ToleratedFailurePercentagePath")))
			mp->percentage_path = want_path(prog, v,
							diag_ptr_member(ptr, "ToleratedFailurePercentagePath"),
							"ToleratedFailurePercentagePath", PATH_REFERENCE);
	}
	if (one_of(obj, ptr, "ToleratedFailureCount", "ToleratedFailureCountPath")) {
		if ((v = json_object_get(obj, "ToleratedFailureCount"))) {
			mp->has_count = true;
			want_int(v, diag_ptr_member(ptr, "ToleratedFailureCount"), "ToleratedFailureCount",
				 0, INT64_MAX, &mp->count);
		}
		if ((v = json_object_get(obj, "ToleratedFailureCountPath")))
			mp->count_path = want_path(prog, v, diag_ptr_member(ptr, "ToleratedFailureCountPath"),
						   "ToleratedFailureCountPath", PATH_REFERENCE);
	}
	if ((v = json_object_get(obj, "ItemReader")))
		mp->reader = parse_item_reader(prog, v, diag_ptr_member(ptr, "ItemReader"), st->jsonata);
	if ((v = json_object_get(obj, "ItemBatcher")))
		mp->batcher = parse_item_batcher(prog, v, diag_ptr_member(ptr, "ItemBatcher"), st->jsonata);
	if ((v = json_object_get(obj, "ResultWriter")))
		mp->writer = parse_result_writer(prog, v, diag_ptr_member(ptr, "ResultWriter"), st->jsonata);
	/* The service documents these for a Distributed Map only. */
	if (!mp->distributed) {
		static const char *const only[] = { "ItemReader", "ItemBatcher", "ResultWriter", "Label" };
		size_t i;

		for (i = 0; i < sizeof only / sizeof only[0]; i++)
			if (json_object_get(obj, only[i]))
				diag_error(key_at(diag_ptr_member(ptr, only[i])),
					   "\"%s\" is for a Distributed Map (\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\"})",
					   only[i]);
	}
	if ((v = json_object_get(obj, "Label"))) {
		const char *lptr = diag_ptr_member(ptr, "Label");

		mp->label = want_string(v, lptr, "Label");
		mp->label_loc = at(lptr);
		if (mp->label && (utf8_length(mp->label) == 0 || utf8_length(mp->label) > 40))
			diag_error(at(lptr), "\"Label\" must have 1 to 40 characters");
		else if (mp->label && !label_ok(mp->label))
			diag_error(at(lptr), "\"Label\" cannot hold blanks, control characters or any of ?*<>{}[]:;,\\|^~$#%%&`\"");
	}
	if ((v = json_object_get(obj, "Retry")))
		parse_retry(st, v, diag_ptr_member(ptr, "Retry"));
	if ((v = json_object_get(obj, "Catch")))
		parse_catch(prog, st, v, diag_ptr_member(ptr, "Catch"));
}

static const char *const top_fields[] = {
	"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"
};

/* ---- JSONata expressions: read for their syntax, not compiled yet ---- */

/* Does the state or machine v use JSONata, given what it inherits? */
static bool
uses_jsonata(json_t *v, bool inherited)
{
	json_t *ql = json_object_get(v, "QueryLanguage");

	return json_is_string(ql) ? strcmp(json_string_value(ql), "JSONata") == 0 : inherited;
}

/*
** Every "{% ... %}" string in v, at ptr, must hold an expression that
** parses: an error is reported at its line and column in the file.
*/
static void
check_expressions(json_t *v, const char *ptr)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		struct jn_error err;

		if (n >= 4 && memcmp(s, "{%", 2) == 0 && memcmp(s + n - 2, "%}", 2) == 0 &&
		    !jn_parse(s + 2, n - 4, &err)) {
			if (err.code)
				diag_error_in(at(ptr), 2 + (size_t)err.start,
					      "JSONata syntax error %s: %s", err.code, err.message);
			else
				diag_error_in(at(ptr), 2 + (size_t)err.start,
					      "this JSONata expression is beyond what aslc reads: %s",
					      err.message);
		}
		return;
	}
	json_object_foreach(v, key, m)
		check_expressions(m, diag_ptr_member(ptr, key));
	for (i = 0; i < json_array_size(v); i++)
		check_expressions(json_array_get(v, i), diag_ptr_index(ptr, i));
}

/* The states of machine (at ptr) and of the machines inside them. */
static void
check_jsonata(json_t *machine, const char *ptr, bool jsonata)
{
	json_t *states = json_object_get(machine, "States"), *st, *m;
	const char *name, *key;
	size_t i;

	json_object_foreach(states, name, st) {
		const char *sp = diag_ptr_member(diag_ptr_member(ptr, "States"), name);
		bool j = json_is_object(st) && uses_jsonata(st, jsonata);

		json_object_foreach(st, key, m) {
			const char *fp = diag_ptr_member(sp, key);

			if (strcmp(key, "Branches") == 0) {
				for (i = 0; i < json_array_size(m); i++)
					if (json_is_object(json_array_get(m, i)))
						check_jsonata(json_array_get(m, i),
							      diag_ptr_index(fp, i), j);
			} else if (strcmp(key, "ItemProcessor") == 0 || strcmp(key, "Iterator") == 0) {
				if (json_is_object(m))
					check_jsonata(m, fp, j);
			} else if (j && strcmp(key, "Comment") != 0) {
				check_expressions(m, fp);
			}
		}
	}
}

struct program *
parse_program(json_t *root, const char *file, const char *name)
{
	struct program *prog = arena_alloc(sizeof *prog);
	struct machine *m;
	json_t *v;
	const char *key;
	size_t i;

	prog->file = file;
	prog->name = name;
	m = new_machine(prog, NULL, NULL, "");
	prog->top = m;
	prog->cur = m;

	json_object_foreach(root, key, v) {
		for (i = 0; i < sizeof top_fields / sizeof top_fields[0]; i++)
			if (strcmp(key, top_fields[i]) == 0)
				break;
		if (i == sizeof top_fields / sizeof top_fields[0])
			diag_error(key_at(diag_ptr_member("", key)), "\"%s\" is not a field of a state machine", key);
	}
	if ((v = json_object_get(root, "Comment")))
		want_string(v, "/Comment", "Comment");
	if ((v = json_object_get(root, "Version"))) {
		if (!json_is_string(v) || strcmp(json_string_value(v), "1.0") != 0)
			diag_error(at("/Version"), "\"Version\" must be \"1.0\"");
	}
	if ((v = json_object_get(root, "TimeoutSeconds")))
		want_int(v, "/TimeoutSeconds", "TimeoutSeconds", 0, SECONDS_MAX, &prog->timeout);
	if ((v = json_object_get(root, "QueryLanguage")))
		query_language(v, "/QueryLanguage");
	prog->jsonata = uses_jsonata(root, false);
	parse_states(prog, m, root, "", "the state machine");
	check_jsonata(root, "", uses_jsonata(root, false));
	return prog;
}
