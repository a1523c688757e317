/*
** path.c - evaluation of compiled JSONPath, with the semantics of Jayway
** JsonPath, the library the service uses.
**
** aslc parses every path at compile time into a list of steps (asl_seg).
** A definite path (only names and single indexes) is a loop of direct
** lookups that yields one value or fails with Jayway's message. Any other
** path collects every match into an array, in document order, and never
** fails: a branch that does not match simply contributes nothing.
*/
#include "aslrt_int.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Java class Jayway names when a step finds the wrong kind of value. */
static const char *
jackson_class(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "com.fasterxml.jackson.databind.node.ObjectNode";
	case JSON_ARRAY: return "com.fasterxml.jackson.databind.node.ArrayNode";
	case JSON_STRING: return "com.fasterxml.jackson.databind.node.TextNode";
	case JSON_INTEGER: return "com.fasterxml.jackson.databind.node.IntNode";
	case JSON_REAL: return "com.fasterxml.jackson.databind.node.DoubleNode";
	case JSON_TRUE:
	case JSON_FALSE: return "com.fasterxml.jackson.databind.node.BooleanNode";
	default: return "com.fasterxml.jackson.databind.node.NullNode";
	}
}

/* Append the normalized form of s to buf (Jayway's PathToken toString). */
static void
norm_seg(char **buf, const asl_seg *s)
{
	char *old = *buf, *add = NULL;
	int i;

	switch (s->kind) {
	case ASL_SEG_KEY:
		add = aslp_printf("['%s']", s->key);
		break;
	case ASL_SEG_INDEX:
		if (s->a < 0 && s->b)
			add = aslp_printf("[(@.length%lld)]", (long long)s->a);
		else
			add = aslp_printf("[%lld]", (long long)s->a);
		break;
	case ASL_SEG_WILDCARD:
		add = aslp_printf("[*]");
		break;
	case ASL_SEG_SLICE:
		if (s->a == ASL_SLICE_NONE)
			add = aslp_printf("[:%lld]", (long long)s->b);
		else if (s->b == ASL_SLICE_NONE)
			add = aslp_printf("[%lld:]", (long long)s->a);
		else
			add = aslp_printf("[%lld:%lld]", (long long)s->a,
					  (long long)s->b);
		break;
	case ASL_SEG_KEYS:
	case ASL_SEG_INDEXES:
		add = aslp_printf("[");
		for (i = 0; add && i < s->n; i++) {
			char *t = s->kind == ASL_SEG_KEYS ?
				aslp_printf("%s%s'%s'", add, i ? "," : "",
					    s->keys[i]) :
				aslp_printf("%s%s%lld", add, i ? "," : "",
					    (long long)s->indexes[i]);
			free(add);
			add = t;
		}
		if (add) {
			char *t = aslp_printf("%s]", add);

			free(add);
			add = t;
		}
		break;
	case ASL_SEG_SCAN:
		add = aslp_printf("..");
		break;
	case ASL_SEG_FILTER:
		add = aslp_printf("[?]");
		break;
	case ASL_SEG_LENGTH:
		add = aslp_printf(".length()");
		break;
	}
	*buf = old && add ? aslp_printf("%s%s", old, add) : NULL;
	free(old);
	free(add);
}

/* The normalized form of the first n steps of p: "$['a'][0]". */
static char *
norm_prefix(const asl_path *p, int n)
{
	char *buf = aslp_printf("%s", p->root == ASL_ROOT_CURRENT ? "@" : "$");
	int i;

	for (i = 0; i < n && buf; i++)
		norm_seg(&buf, &p->segs[i]);
	return buf;
}

/* Jayway's message when step i of p meets something that is not an object. */
static char *
not_object(const asl_path *p, int i, const json_t *cur)
{
	char *at = norm_prefix(p, i), *frag = aslp_printf("%s", ""), *msg = NULL;

	norm_seg(&frag, &p->segs[i]);
	if (at && frag)
		msg = aslp_printf("Expected to find an object with property %s in path %s but found '%s'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider'.",
				  frag, at, jackson_class(cur));
	free(at);
	free(frag);
	return msg;
}

static int64_t
length_of(const json_t *v, bool *ok)
{
	*ok = true;
	if (json_is_array(v))
		return (int64_t)json_array_size(v);
	if (json_is_object(v))
		return (int64_t)json_object_size(v);
	if (json_is_string(v))
		return (int64_t)json_string_length(v);
	*ok = false;
	return 0;
}

/*
** A definite path: direct lookups. Returns a borrowed value, or a new one
** (*made set) for KEYS and length(); NULL if nothing is selected.
*/
static json_t *
get_definite(const asl_path *p, int from, json_t *cur, bool *made, char **why)
{
	int i;

	*made = false;
	for (i = from; i < p->nseg; i++) {
		const asl_seg *s = &p->segs[i];
		bool leaf = i == p->nseg - 1;
		json_t *next;

		switch (s->kind) {
		case ASL_SEG_KEY:
			if (!json_is_object(cur)) {
				if (why)
					*why = not_object(p, i, cur);
				return NULL;
			}
			next = json_object_get(cur, s->key);
			if (!next) {
				if (why) {
					char *at = norm_prefix(p, leaf ? p->nseg : i + 1);

					*why = at ? aslp_printf("%s%s", leaf ?
						"No results for path: " :
						"Missing property in path ", at) : NULL;
					free(at);
				}
				return NULL;
			}
			cur = next;
			break;
		case ASL_SEG_INDEX: {
			int64_t idx = s->a;

			if (!json_is_array(cur)) {
				if (why) {
					char *text = asl_dumps(cur);

					*why = text ? aslp_printf(
						"Filter: [%lld] can only be applied to arrays. Current context is: %s",
						(long long)idx, text) : NULL;
					free(text);
				}
				return NULL;
			}
			/*
			** The service's Jayway has no negative indexes: [-1]
			** selects nothing. [(@.length-1)] counts from the end.
			*/
			if (idx < 0 && s->b)
				idx += (int64_t)json_array_size(cur);
			if (idx < 0 || idx >= (int64_t)json_array_size(cur)) {
				if (why) {
					char *at = norm_prefix(p, i + 1);

					*why = at ? aslp_printf("Index out of bounds when evaluating path %s", at) : NULL;
					free(at);
				}
				return NULL;
			}
			cur = json_array_get(cur, (size_t)idx);
			break;
		}
		case ASL_SEG_KEYS: {
			/* Only definite at the end: an object of the keys found. */
			json_t *o = json_object();
			int k;

			if (!o)
				return NULL;
			if (!json_is_object(cur)) {
				json_decref(o);
				if (why)
					*why = not_object(p, i, cur);
				return NULL;
			}
			for (k = 0; k < s->n; k++) {
				json_t *m = json_object_get(cur, s->keys[k]);

				if (m && json_object_set(o, s->keys[k], m)) {
					json_decref(o);
					return NULL;
				}
			}
			*made = true;
			return o;
		}
		case ASL_SEG_LENGTH: {
			bool ok;
			int64_t n = length_of(cur, &ok);

			if (!ok) {
				if (why)
					*why = aslp_printf("Aggregation function attempted to calculate value using empty array");
				return NULL;
			}
			*made = true;
			return json_integer(n);
		}
		default:
			/* aslc marks paths with other steps indefinite. */
			return NULL;
		}
	}
	return cur;
}

struct walk {
	asl_ctx *ctx;
	const asl_path *p;
	json_t *root;		/* for $ inside filters */
	json_t *out;		/* the array of matches */
	bool oom;
};

static void walk(struct walk *w, int i, json_t *cur);
static bool filter_match(struct walk *w, const asl_filter *f, json_t *cur);

static void
emit(struct walk *w, json_t *v)
{
	if (json_array_append(w->out, v))
		w->oom = true;
}

static void
scan(struct walk *w, int i, json_t *cur)
{
	const char *key;
	json_t *m;
	size_t k;

	walk(w, i, cur);
	if (json_is_object(cur)) {
		json_object_foreach(cur, key, m)
			scan(w, i, m);
	} else if (json_is_array(cur)) {
		for (k = 0; k < json_array_size(cur); k++)
			scan(w, i, json_array_get(cur, k));
	}
}

static void
walk(struct walk *w, int i, json_t *cur)
{
	const asl_seg *s;
	const char *key;
	json_t *m;
	size_t k, n;
	int j;

	if (w->oom)
		return;
	if (i == w->p->nseg) {
		emit(w, cur);
		return;
	}
	s = &w->p->segs[i];
	switch (s->kind) {
	case ASL_SEG_KEY:
		if (json_is_object(cur) && (m = json_object_get(cur, s->key)))
			walk(w, i + 1, m);
		break;
	case ASL_SEG_KEYS:
		if (!json_is_object(cur))
			break;
		if (i == w->p->nseg - 1) {
			json_t *o = json_object();

			if (!o) {
				w->oom = true;
				break;
			}
			for (j = 0; j < s->n; j++)
				if ((m = json_object_get(cur, s->keys[j])) &&
				    json_object_set(o, s->keys[j], m))
					w->oom = true;
			emit(w, o);
			json_decref(o);
			break;
		}
		for (j = 0; j < s->n; j++)
			if ((m = json_object_get(cur, s->keys[j])))
				walk(w, i + 1, m);
		break;
	case ASL_SEG_INDEX:
	case ASL_SEG_INDEXES:
		if (!json_is_array(cur))
			break;
		n = json_array_size(cur);
		for (j = 0; j < (s->kind == ASL_SEG_INDEX ? 1 : s->n); j++) {
			int64_t idx = s->kind == ASL_SEG_INDEX ? s->a : s->indexes[j];

			if (idx < 0 && s->kind == ASL_SEG_INDEX && s->b)
				idx += (int64_t)n;
			if (idx >= 0 && idx < (int64_t)n)
				walk(w, i + 1, json_array_get(cur, (size_t)idx));
		}
		break;
	case ASL_SEG_WILDCARD:
		if (json_is_object(cur)) {
			json_object_foreach(cur, key, m)
				walk(w, i + 1, m);
		} else if (json_is_array(cur)) {
			for (k = 0; k < json_array_size(cur); k++)
				walk(w, i + 1, json_array_get(cur, k));
		}
		break;
	case ASL_SEG_SLICE: {
		int64_t len, from, to;

		if (!json_is_array(cur))
			break;
		len = (int64_t)json_array_size(cur);
		from = s->a == ASL_SLICE_NONE ? 0 : s->a;
		to = s->b == ASL_SLICE_NONE ? len : s->b;
		if (from < 0)
			from += len;
		if (to < 0)
			to += len;
		if (from < 0)
			from = 0;
		if (to > len)
			to = len;
		for (; from < to; from++)
			walk(w, i + 1, json_array_get(cur, (size_t)from));
		break;
	}
	case ASL_SEG_SCAN:
		scan(w, i + 1, cur);
		break;
	case ASL_SEG_FILTER:
		if (json_is_array(cur)) {
			for (k = 0; k < json_array_size(cur); k++) {
				m = json_array_get(cur, k);
				if (filter_match(w, s->filter, m))
					walk(w, i + 1, m);
			}
		} else if (json_is_object(cur) && filter_match(w, s->filter, cur)) {
			walk(w, i + 1, cur);
		}
		break;
	case ASL_SEG_LENGTH: {
		bool ok;
		int64_t len = length_of(cur, &ok);

		if (ok) {
			m = json_integer(len);
			if (!m)
				w->oom = true;
			else
				emit(w, m);
			json_decref(m);
		}
		break;
	}
	}
}

/*
** Where a definite $$ path starts, and at which of its steps: $$.Execution
** and $$.StateMachine in the execution's part of $$, built once;
** $$.Map.Item.Value... in the iteration's item, $$.Map.Item.Index in its
** index, $$.Map.Item... in the two; the rest in the whole $$, built for
** the current state. The steps are the same, and so are the causes
** when one fails.
*/
static json_t *
context_root(asl_ctx *ctx, const asl_path *p, int *from)
{
	const asl_seg *s = p->segs;

	*from = 0;
	if (p->definite && p->nseg >= 1 && s[0].kind == ASL_SEG_KEY) {
		if (strcmp(s[0].key, "Execution") == 0 ||
		    strcmp(s[0].key, "StateMachine") == 0) {
			json_t *c = aslp_exec_context(ctx->exec);

			if (!c)
				aslp_oom(ctx);
			return c;
		}
		if (ctx->map_value && p->nseg >= 2 && s[1].kind == ASL_SEG_KEY &&
		    strcmp(s[0].key, "Map") == 0 && strcmp(s[1].key, "Item") == 0) {
			if (p->nseg >= 3 && s[2].kind == ASL_SEG_KEY &&
			    strcmp(s[2].key, "Value") == 0) {
				*from = 3;
				return ctx->map_value;
			}
			json_t *c;

			if (p->nseg >= 3 && s[2].kind == ASL_SEG_KEY &&
			    strcmp(s[2].key, "Index") == 0) {
				*from = 3;
				c = aslp_map_index(ctx);
			} else {
				*from = 2;
				c = aslp_map_item(ctx);
			}
			if (!c)
				aslp_oom(ctx);
			return c;
		}
	}
	return aslp_context(ctx);
}

/* ---- filters ---- */

/* The value of an operand: a new reference, or NULL when undefined. */
static json_t *
operand(struct walk *w, const asl_operand *o, json_t *cur)
{
	bool made;
	json_t *v, *doc;
	int from = 0;

	if (!o->path)
		return json_incref(w->ctx->run->prog->kvals[o->konst]);
	switch (o->path->root) {
	case ASL_ROOT_CURRENT:
		doc = cur;
		break;
	case ASL_ROOT_CONTEXT:
		doc = context_root(w->ctx, o->path, &from);
		if (!doc)
			return NULL;
		break;
	case ASL_ROOT_VARIABLE:
		doc = aslp_variable(w->ctx, o->path->var);
		if (!doc)
			return NULL;
		break;
	default:
		doc = w->root;
	}
	if (o->path->definite) {
		v = get_definite(o->path, from, doc, &made, NULL);
		return made ? v : json_incref(v);
	}
	return aslp_path_get(w->ctx, o->path, doc, NULL);
}

/* Jayway's equality: a number meets a numeric string; JSON otherwise. */
static bool
filter_equal(const json_t *l, const json_t *r)
{
	if (json_is_number(l) && json_is_string(r)) {
		char *end;
		const char *s = json_string_value(r);
		double d = strtod(s, &end);

		return *s && !*end && d == aslp_number(l);
	}
	if (json_is_string(l) && json_is_number(r)) {
		char *t = asl_dumps(r);
		bool eq = t && strcmp(t, json_string_value(l)) == 0;

		free(t);
		return eq;
	}
	return aslp_json_equal(l, r);
}

/* The compiled expression of a =~ operand, from the execution's cache. */
static const regex_t *
compiled(asl_ctx *ctx, const asl_operand *o)
{
	struct aslp_run *run = ctx->run;
	struct aslp_regex *r;
	char *anchored;

	/* Threads share the cache; a compiled regex_t is only read by regexec. */
	pthread_mutex_lock(&run->lock);
	for (r = run->regexes; r; r = r->next)
		if (r->operand == o)
			goto out;
	r = calloc(1, sizeof *r);
	if (!r)
		goto out;
	/* Java's matches(): the whole string. */
	anchored = aslp_printf("^(%s)$", o->regex);
	r->operand = o;
	r->ok = anchored && regcomp(&r->re, anchored,
				    REG_EXTENDED | REG_NOSUB | (o->icase ? REG_ICASE : 0)) == 0;
	free(anchored);
	r->next = run->regexes;
	run->regexes = r;
out:
	pthread_mutex_unlock(&run->lock);
	return r && r->ok ? &r->re : NULL;
}

/* Jayway's =~: the value as text (strings as they are) must match. */
static bool
filter_regex(asl_ctx *ctx, const asl_operand *o, const json_t *l)
{
	const regex_t *re = compiled(ctx, o);
	char *text;
	bool ok;

	if (!re)
		return false;
	if (json_is_string(l))
		return regexec(re, json_string_value(l), 0, NULL, 0) == 0;
	text = json_is_number(l) || json_is_boolean(l) ? asl_dumps(l) : NULL;
	ok = regexec(re, text ? text : "", 0, NULL, 0) == 0;
	free(text);
	return ok;
}

static bool
filter_compare(asl_ctx *ctx, const asl_filter *f, const json_t *l, const json_t *r)
{
	int c;

	switch (f->op) {
	case ASL_FOP_EQ:
		return l && r && filter_equal(l, r);
	case ASL_FOP_NE:
		return !(l && r && filter_equal(l, r));
	case ASL_FOP_REGEX:
		return l && filter_regex(ctx, &f->r, l);
	case ASL_FOP_IN:
	case ASL_FOP_NIN: {
		bool in = false;
		size_t i;

		if (l && json_is_array(r))
			for (i = 0; i < json_array_size(r) && !in; i++)
				in = filter_equal(l, json_array_get(r, i));
		return f->op == ASL_FOP_IN ? in : !in;
	}
	default:
		break;
	}
	if (!l || !r)
		return false;
	if (json_is_number(l) && json_is_number(r)) {
		double a = aslp_number(l), b = aslp_number(r);

		c = a < b ? -1 : a > b;
	} else if (json_is_string(l) && json_is_string(r)) {
		c = aslp_string_compare(json_string_value(l), json_string_length(l),
					json_string_value(r), json_string_length(r));
	} else {
		return false;
	}
	switch (f->op) {
	case ASL_FOP_LT: return c < 0;
	case ASL_FOP_LE: return c <= 0;
	case ASL_FOP_GT: return c > 0;
	case ASL_FOP_GE: return c >= 0;
	}
	return false;
}

static bool
filter_match(struct walk *w, const asl_filter *f, json_t *cur)
{
	json_t *l, *r;
	bool ok;

	switch (f->kind) {
	case ASL_F_AND:
		return filter_match(w, f->a, cur) && filter_match(w, f->b, cur);
	case ASL_F_OR:
		return filter_match(w, f->a, cur) || filter_match(w, f->b, cur);
	case ASL_F_NOT:
		return !filter_match(w, f->a, cur);
	case ASL_F_EXISTS:
		l = operand(w, &f->l, cur);
		ok = l && !(json_is_array(l) && !f->l.path->definite &&
			    json_array_size(l) == 0);
		json_decref(l);
		return ok;
	default:
		l = operand(w, &f->l, cur);
		r = f->op == ASL_FOP_REGEX ? NULL : operand(w, &f->r, cur);
		ok = filter_compare(w->ctx, f, l, r);
		json_decref(l);
		json_decref(r);
		return ok;
	}
}

json_t *
aslp_path_get(asl_ctx *ctx, const asl_path *p, json_t *doc, char **why)
{
	struct walk w;
	bool made;
	json_t *v;
	int from = 0;

	if (why)
		*why = NULL;
	if (p->root == ASL_ROOT_CONTEXT) {
		doc = context_root(ctx, p, &from);
		if (!doc)
			return NULL;
	} else if (p->root == ASL_ROOT_VARIABLE) {
		doc = aslp_variable(ctx, p->var);
		if (!doc) {
			if (why)
				*why = aslp_printf("The variable '$%s' has not been assigned", p->var);
			return NULL;
		}
	}
	if (p->definite) {
		v = get_definite(p, from, doc, &made, why);
		return made ? v : json_incref(v);
	}
	w.ctx = ctx;
	w.p = p;
	w.root = doc;
	w.out = json_array();
	w.oom = false;
	if (!w.out)
		return NULL;
	walk(&w, 0, doc);
	if (w.oom) {
		json_decref(w.out);
		return NULL;
	}
	return w.out;
}

json_t *
asl_path_eval(asl_ctx *ctx, const asl_path *p, json_t *doc, char **why)
{
	return aslp_path_get(ctx, p, doc, why);
}
