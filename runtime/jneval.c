/*
** jneval.c - evaluating JSONata expressions, as jsonata 2.0.6 does.
**
** aslc parses every expression when it compiles the workflow and emits its
** tree as static tables (asl_jexpr); this file walks such a tree. It is a
** port of the reference's evaluator (jsonata.js: evaluate and the
** functions it calls), with the same sequence and singleton rules, the
** same errors and codes, and tail calls run in a loop as there.
**
** Values are jansson's with the reference's array flags beside them
** (struct jn_v). Functions (lambdas, the library's, partial applications)
** live as long as the evaluation: they and the frames they close over are
** released when it ends, so recursive definitions, whose frame holds the
** function that holds the frame, leak nothing. A frame no function closed
** over is released as soon as its scope ends.
**
** What aslc does not do yet is refused when it compiles: the parent
** operator %, the @ and # bindings, and the transform |...|.
**
** The original is (c) Copyright IBM Corp. 2016, 2018, project JSONata,
** under the MIT License (see jsonata.c).
*/
#include "jsonata.h"
#include "jsregex.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The deepest evaluation: beyond it, "Stack overflow error". */
#define MAX_DEPTH 1000
/* The service gives an expression one second. */
#define TIME_LIMIT_NS 1000000000LL

struct binding {
	const char *name;
	struct jn_v v;
	char *own;		/* name, when the frame owns it (a tuple's member) */
};

struct jn_frame {
	struct jn_frame *parent;
	struct binding *b;
	int n, cap;
	bool captured;		/* a function closes over it: kept to the end */
	struct jn_frame *next;	/* in the evaluation's list, once captured */
};

enum fn_kind { FN_LAMBDA, FN_BUILTIN, FN_PARTIAL_NATIVE, FN_CHAIN, FN_REGEX, FN_NEXT, FN_TRANSFORM };

struct jn_fn {
	enum fn_kind kind;
	struct jn_fn *next;	/* the evaluation's functions */
	/* FN_LAMBDA; FN_TRANSFORM: its node, and env */
	int body;		/* node */
	int *params;		/* variable nodes */
	int nparams;
	const char *signature;
	bool thunk;
	struct jn_frame *env;
	struct jn_v input;
	/* FN_BUILTIN, FN_PARTIAL_NATIVE */
	const struct jn_builtin *b;
	struct jn_v *bound;	/* FN_PARTIAL_NATIVE: arguments, holes undefined */
	bool *hole;
	int nbound;
	/* FN_CHAIN: g(f(x)) */
	struct jn_fn *f, *g;
	/* FN_REGEX; FN_NEXT: the match after one, of f->f's regex in string */
	struct aslp_re *re;
	json_t *string;
	size_t from;
	/* In an array or object: an empty object standing for it (see box) */
	json_t *box;
};

struct jn_ev {
	const asl_jexpr *x;
	json_t *const *kvals;
	const struct jn_scope *scope;
	struct jn_err *err;
	json_t *states;		/* $states, built when first read */
	struct jn_frame *frames;	/* captured frames */
	struct jn_fn *fns;
	int depth;
	unsigned long steps;
	int64_t deadline;
	int64_t now_ms;		/* $now and $millis: when the evaluation began */
	int npattern, nlibrary;
	struct jn_fn **boxed;	/* the functions stored in arrays or objects */
	int nboxed, boxcap;
	uint64_t rng;		/* without a ctx (tests): $random's state */
	/* Caches, valid up to npattern and nlibrary (not zeroed: see aslp_jn_eval). */
	struct {
		int node;
		struct jn_fn *fn;
	} patterns[16];		/* the regular expressions compiled so far */
	struct jn_fn *library[128];	/* the library's functions read so far */
};

/* The matches of a regex over a string, one by one, as the reference's closure gives them. */
struct rx {
	struct jn_ev *E;
	const struct aslp_re *re;
	const char *s;
	size_t len;
	long *caps;		/* 2 * (groups + 1) */
	bool started, done;
};

static const struct jn_builtin *builtin(const char *name);
static struct jn_v eval_transform(struct jn_ev *E, const asl_jnode *n, struct jn_frame *env);
static bool rx_open(struct jn_ev *E, struct rx *x, const struct jn_fn *f, json_t *str);
static int rx_next(struct rx *x);
static json_t *rx_object(struct rx *x, bool index);

/* ---- values ---- */

static struct jn_v
und(void)
{
	struct jn_v v = { 0 };

	return v;
}

static struct jn_v
val(json_t *j)
{
	struct jn_v v = { 0 };

	v.j = j;
	return v;
}

static struct jn_v
fnval(struct jn_fn *f)
{
	struct jn_v v = { 0 };

	v.fn = f;
	return v;
}

struct jn_v
aslp_jn_ref(struct jn_v v)
{
	json_incref(v.j);
	return v;
}

/* Double the stack of aslp_jn_unref, off its local array at first. */
static bool
grow(json_t ***stack, json_t **local, size_t *cap)
{
	json_t **ns = malloc(2 * *cap * sizeof *ns);

	if (!ns)
		return false;
	memcpy(ns, *stack, *cap * sizeof *ns);
	if (*stack != local)
		free(*stack);
	*stack = ns;
	*cap *= 2;
	return true;
}

/*
** Release v. A value an expression built may nest deeper than jansson's
** recursive free can go ($reduce wrapping an object 100,000 times), so a
** container whose last reference this is comes apart level by level: its
** containers are held, it is freed, then they are.
*/
void
aslp_jn_unref(struct jn_v v)
{
	json_t *local[64], **stack = local, *x, *m;
	size_t n = 0, cap = 64, i;
	const char *k;

	if (!v.j)
		return;
	if (v.j->refcount != 1 || (!json_is_array(v.j) && !json_is_object(v.j))) {
		json_decref(v.j);
		return;
	}
	stack[n++] = v.j;
	while (n > 0) {
		x = stack[--n];
		if (x->refcount == 1) {
			json_object_foreach(x, k, m)
				if ((json_is_array(m) || json_is_object(m)) && m->refcount == 1)
					goto push;
			for (i = 0; i < json_array_size(x); i++)
				if ((m = json_array_get(x, i)) && (json_is_array(m) || json_is_object(m)) &&
				    m->refcount == 1)
					goto push;
		}
		json_decref(x);
		continue;
push:
		/* Hold the children that would go with x, free x, then them. */
		json_object_foreach(x, k, m)
			if ((json_is_array(m) || json_is_object(m)) && m->refcount == 1) {
				if (n == cap && !grow(&stack, local, &cap))
					break;
				stack[n++] = json_incref(m);
			}
		for (i = 0; i < json_array_size(x); i++)
			if ((m = json_array_get(x, i)) && (json_is_array(m) || json_is_object(m)) &&
			    m->refcount == 1) {
				if (n == cap && !grow(&stack, local, &cap))
					break;
				stack[n++] = json_incref(m);
			}
		json_decref(x);
	}
	if (stack != local)
		free(stack);
}

#define ref aslp_jn_ref
#define unref aslp_jn_unref

static bool
defined(struct jn_v v)
{
	return v.j || v.fn;
}

static bool
is_array(struct jn_v v)
{
	return json_is_array(v.j);
}

static bool
is_number(struct jn_v v)
{
	return json_is_number(v.j);
}

static double
num(const json_t *j)
{
	return json_number_value(j);
}

/* ---- errors ---- */

static bool
failed(struct jn_ev *E)
{
	return E->err->code != NULL;
}

/* A value as the reference's messages show it: JSON.stringify. */
static void
show(char *buf, size_t size, struct jn_v v)
{
	char *s;

	if (!defined(v) || v.fn) {
		snprintf(buf, size, "%s", v.fn ? "{}" : "undefined");
		return;
	}
	s = aslp_jn_stringify(v.j, false);
	snprintf(buf, size, "%s", s ? s : "?");
	free(s);
}

static struct jn_v ASLP_PRINTF(3, 4)
fail(struct jn_ev *E, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (failed(E))
		return und();
	E->err->code = code;
	va_start(ap, fmt);
	vsnprintf(E->err->message, sizeof E->err->message, fmt, ap);
	va_end(ap);
	return und();
}

static struct jn_v
oom(struct jn_ev *E)
{
	return fail(E, "U1000", "out of memory");
}

/* j, just made: the value, or nothing if it could not be. */
static struct jn_v
made(struct jn_ev *E, json_t *j)
{
	return j ? val(j) : oom(E);
}

/* ---- sequences ---- */

/* A growing list of values, each owned. */
struct vec {
	struct jn_v *v;
	size_t n, cap;
};

static bool
vpush(struct vec *s, struct jn_v v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct jn_v *nv = realloc(s->v, cap * sizeof *nv);

		if (!nv) {
			unref(v);
			return false;
		}
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return true;
}

static void
vfree(struct vec *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		unref(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static struct jn_v
new_seq(struct jn_ev *E)
{
	struct jn_v v = val(json_array());

	if (!v.j)
		return oom(E);
	v.seq = true;
	return v;
}

/*
** A function kept in an array or object is an empty object made for it, a
** box, which the evaluation knows: taken out of the container, it is the
** function again (unbox, when evaluate returns). A result may not hold one.
*/
static json_t *
box(struct jn_ev *E, struct jn_fn *f)
{
	if (!f->box) {
		if (E->nboxed == E->boxcap) {
			int cap = E->boxcap ? 2 * E->boxcap : 8;
			struct jn_fn **nb = realloc(E->boxed, (size_t)cap * sizeof *nb);

			if (!nb)
				return NULL;
			E->boxed = nb;
			E->boxcap = cap;
		}
		if (!(f->box = json_object()))
			return NULL;
		E->boxed[E->nboxed++] = f;
	}
	return json_incref(f->box);
}

static struct jn_fn *
boxed(const struct jn_ev *E, const json_t *j)
{
	int i;

	if (!E->nboxed || !json_is_object(j) || json_object_size(j) != 0)
		return NULL;
	for (i = 0; i < E->nboxed; i++)
		if (E->boxed[i]->box == j)
			return E->boxed[i];
	return NULL;
}

/* v, or the function it is the box of (consumes v). */
static struct jn_v
unbox(struct jn_ev *E, struct jn_v v)
{
	struct jn_fn *f = boxed(E, v.j);

	if (!f)
		return v;
	json_decref(v.j);
	return fnval(f);
}

/* A value as a container holds it: a function's box. NULL j: out of memory. */
static struct jn_v
boxing(struct jn_ev *E, struct jn_v v)
{
	if (v.fn) {
		v.j = box(E, v.fn);
		v.fn = NULL;
		if (!v.j)
			oom(E);
	}
	return v;
}

/* Does v hold a box anywhere? */
static bool
holds_box(const struct jn_ev *E, const json_t *v, int depth)
{
	const char *k;
	json_t *m;
	size_t i;

	if (depth > 10000 || boxed(E, v))
		return true;
	json_object_foreach((json_t *)v, k, m)
		if (holds_box(E, m, depth + 1))
			return true;
	for (i = 0; i < json_array_size(v); i++)
		if (holds_box(E, json_array_get(v, i), depth + 1))
			return true;
	return false;
}

/* Append item (consumed) to array a; a function goes in as its box. */
static bool
append_to(struct jn_ev *E, json_t *a, struct jn_v item)
{
	if (item.fn) {
		item = boxing(E, item);
		if (!item.j)
			return false;
	}
	if (!item.j)
		return true;
	if (json_array_append_new(a, item.j)) {
		oom(E);
		return false;
	}
	return true;
}

/* v (consumed) as an array: itself, or a new array of it. */
static struct jn_v
as_array(struct jn_ev *E, struct jn_v v)
{
	struct jn_v one;

	if (is_array(v))
		return v;
	if (!(one = made(E, json_array())).j) {
		unref(v);
		return und();
	}
	if (!append_to(E, one.j, v)) {
		unref(one);
		return und();
	}
	return one;
}

/* fn.append(a, b): consumes both. */
static struct jn_v
append(struct jn_ev *E, struct jn_v a, struct jn_v b)
{
	struct jn_v r;

	if (!defined(a))
		return b;
	if (!defined(b))
		return a;
	r = val(json_array());
	if (!r.j)
		goto out;
	/* arg1.concat(arg2): a new plain array, an existing sequence's flag lost. */
	if (is_array(a)) {
		if (json_array_extend(r.j, a.j))
			goto out;
	} else if (!append_to(E, r.j, ref(a))) {
		goto fail;
	}
	if (is_array(b)) {
		if (json_array_extend(r.j, b.j))
			goto out;
	} else if (!append_to(E, r.j, ref(b))) {
		goto fail;
	}
	unref(a);
	unref(b);
	return r;
out:
	oom(E);
fail:
	unref(r);
	unref(a);
	unref(b);
	return und();
}

/* ---- frames ---- */

static struct jn_frame *
frame_new(struct jn_ev *E, struct jn_frame *parent)
{
	struct jn_frame *f = calloc(1, sizeof *f);

	if (!f)
		oom(E);
	else
		f->parent = parent;
	return f;
}

static void
frame_free(struct jn_frame *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		unref(f->b[i].v);
		free(f->b[i].own);
	}
	free(f->b);
	free(f);
}

/* The end of a scope: its frame goes unless a function closed over it. */
static void
frame_done(struct jn_frame *f)
{
	if (f && !f->captured)
		frame_free(f);
}

/* A function closes over f: keep it and its parents to the end. */
static void
capture(struct jn_ev *E, struct jn_frame *f)
{
	for (; f && !f->captured; f = f->parent) {
		f->captured = true;
		f->next = E->frames;
		E->frames = f;
	}
}

/* Bind name to v (consumed) in f. */
static bool
bind(struct jn_ev *E, struct jn_frame *f, const char *name, struct jn_v v)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->b[i].name, name) == 0) {
			unref(f->b[i].v);
			f->b[i].v = v;
			return true;
		}
	if (f->n == f->cap) {
		int cap = f->cap ? 2 * f->cap : 4;
		struct binding *nb = realloc(f->b, cap * sizeof *nb);

		if (!nb) {
			unref(v);
			oom(E);
			return false;
		}
		f->b = nb;
		f->cap = cap;
	}
	f->b[f->n].name = name;
	f->b[f->n].own = NULL;
	f->b[f->n++].v = v;
	return true;
}

static struct jn_fn *
fn_new(struct jn_ev *E, enum fn_kind kind)
{
	struct jn_fn *f = calloc(1, sizeof *f);

	if (!f) {
		oom(E);
		return NULL;
	}
	f->kind = kind;
	f->next = E->fns;
	E->fns = f;
	return f;
}

/* $states: input, result, errorOutput and context, as the state has them. */
static struct jn_v
states(struct jn_ev *E)
{
	const struct jn_scope *s = E->scope;
	json_t *o;

	if (E->states)
		return ref(val(E->states));
	if (!s->ctx && !s->input && !s->context)
		return und();	/* tests: an expression on its own */
	o = json_object();
	if (!o)
		return oom(E);
	if ((s->input && json_object_set(o, "input", s->input)) ||
	    (s->result && json_object_set(o, "result", s->result)) ||
	    (s->error_output && json_object_set(o, "errorOutput", s->error_output))) {
		json_decref(o);
		return oom(E);
	}
	if (s->ctx) {
		json_t *c = aslp_context(s->ctx);

		if (!c || json_object_set(o, "context", c)) {
			json_decref(o);
			return oom(E);
		}
	} else if (s->context && json_object_set(o, "context", s->context)) {
		json_decref(o);
		return oom(E);
	}
	E->states = o;
	return ref(val(o));
}

/* Does a frame of env bind name (a block's := or a lambda's parameter)? */
static bool
frame_binds(const struct jn_frame *env, const char *name)
{
	int i;

	for (; env; env = env->parent)
		for (i = 0; i < env->n; i++)
			if (strcmp(env->b[i].name, name) == 0)
				return true;
	return false;
}

/* environment.lookup(name): a new reference. */
static struct jn_v
lookup_var(struct jn_ev *E, struct jn_frame *env, const char *name)
{
	const struct jn_builtin *b;
	struct jn_fn *f;
	json_t *v;
	int i;

	for (; env; env = env->parent)
		for (i = env->n - 1; i >= 0; i--)
			if (strcmp(env->b[i].name, name) == 0)
				return ref(env->b[i].v);
	if (strcmp(name, "states") == 0)
		return states(E);
	if (E->scope->ctx && (v = aslp_variable(E->scope->ctx, name)))
		return ref(val(v));
	if (E->scope->vars && (v = json_object_get(E->scope->vars, name)))
		return ref(val(v));
	if ((b = builtin(name))) {
		/* one function value per library function, however often it is read */
		for (i = 0; i < E->nlibrary; i++)
			if (E->library[i]->b == b)
				return fnval(E->library[i]);
		if (!(f = fn_new(E, FN_BUILTIN)))
			return und();
		f->b = b;
		if (E->nlibrary < 128)
			E->library[E->nlibrary++] = f;
		return fnval(f);
	}
	return und();
}

/* ---- the evaluator ---- */

#define NODE(i) (&E->x->nodes[i])
#define LIST(n, k) (E->x->lists[(n)->list + (k)])

static struct jn_v evaluate(struct jn_ev *E, int node, struct jn_v input, struct jn_frame *env);
static struct jn_v apply(struct jn_ev *E, struct jn_v proc, struct jn_v *args, int nargs,
			 struct jn_v input, struct jn_frame *env);
static struct jn_v filter(struct jn_ev *E, int pred, struct jn_v input, struct jn_frame *env);
static struct jn_v group(struct jn_ev *E, int pairs, int npairs, struct jn_v input,
			 struct jn_frame *env);
static struct jn_v sort_by(struct jn_ev *E, const asl_jnode *n, struct jn_v input,
			   struct jn_frame *env);
static json_t *reduce_tuples(struct jn_ev *E, struct jn_v data);

/* An array's items as a list of new references (a JS quirk: not an array, none). */
static bool
items(struct jn_ev *E, struct jn_v v, struct vec *out)
{
	size_t i;

	if (!is_array(v))
		return true;
	for (i = 0; i < json_array_size(v.j); i++)
		if (!vpush(out, ref(val(json_array_get(v.j, i))))) {
			oom(E);
			return false;
		}
	return true;
}

/* What a step or predicate works on: an array's items (when spread), else the value alone. */
static bool
inputs(struct jn_ev *E, struct jn_v v, bool spread, struct vec *out)
{
	if (spread && is_array(v))
		return items(E, v, out);
	if (vpush(out, ref(v)))
		return true;
	oom(E);
	return false;
}

/* evaluateStep: step over every item of in. */
static struct jn_v
eval_step(struct jn_ev *E, int si, struct vec *in, struct jn_frame *env, bool last)
{
	const asl_jnode *st = NODE(si);
	struct vec res = { 0 };
	struct jn_v r, out;
	size_t i, k;
	int s;

	if (st->type == ASL_JN_SORT) {
		struct jn_v seq = new_seq(E);

		for (i = 0; seq.j && i < in->n; i++)
			if (!append_to(E, seq.j, ref(in->v[i])))
				break;
		if (failed(E)) {
			unref(seq);
			return und();
		}
		r = sort_by(E, st, seq, env);
		unref(seq);
		for (s = 0; s < st->nstages && !failed(E); s++) {
			struct jn_v f = filter(E, NODE(E->x->lists[st->stages + s])->x, r, env);

			unref(r);
			r = f;
		}
		return r;
	}
	for (i = 0; i < in->n; i++) {
		r = evaluate(E, si, in->v[i], env);
		for (s = 0; s < st->nstages && !failed(E); s++) {
			struct jn_v f = filter(E, NODE(E->x->lists[st->stages + s])->x, r, env);

			unref(r);
			r = f;
		}
		if (failed(E)) {
			unref(r);
			vfree(&res);
			return und();
		}
		if (defined(r) && !vpush(&res, r)) {
			vfree(&res);
			return oom(E);
		}
	}
	if (last && res.n == 1 && is_array(res.v[0]) && !res.v[0].seq) {
		out = res.v[0];
		free(res.v);
		return out;
	}
	out = new_seq(E);
	for (i = 0; out.j && i < res.n; i++) {
		struct jn_v v = res.v[i];

		if (!is_array(v) || v.cons) {
			if (!append_to(E, out.j, ref(v)))
				break;
		} else {
			for (k = 0; k < json_array_size(v.j); k++)
				if (json_array_append(out.j, json_array_get(v.j, k))) {
					oom(E);
					break;
				}
		}
	}
	vfree(&res);
	if (failed(E)) {
		unref(out);
		return und();
	}
	return out;
}

/* ---- tuple streams: the @, # and % of a path ---- */

/* A tuple's member (a new reference; functions come out of their boxes). */
static struct jn_v
tuple_get(struct jn_ev *E, json_t *t, const char *name)
{
	return unbox(E, ref(val(json_object_get(t, name))));
}

/* createFrameFromTuple: a frame binding each member of tuple t but "@". */
static struct jn_frame *
tuple_frame(struct jn_ev *E, struct jn_frame *env, json_t *t)
{
	struct jn_frame *f = frame_new(E, env);
	const char *k;
	json_t *m;

	if (!f)
		return NULL;
	json_object_foreach(t, k, m) {
		/* The tuple may go before the frame does (a lambda keeps it): copy the name. */
		char *name = strdup(k);

		if (!name || !bind(E, f, name, unbox(E, ref(val(m))))) {
			free(name);
			frame_free(f);
			return NULL;
		}
		f->b[f->n - 1].own = name;
	}
	return f;
}

/* t's copy, to change (tuples are shared between streams). */
static json_t *
tuple_copy(struct jn_ev *E, json_t *t)
{
	json_t *c = aslp_json_copy(t);

	if (!c)
		oom(E);
	return c;
}

/* Set t[name] to v (consumed); false when out of memory. */
static bool
tuple_set(struct jn_ev *E, json_t *t, const char *name, struct jn_v v)
{
	v = boxing(E, v);
	if (!v.j) {		/* undefined, or out of memory */
		json_object_del(t, name);
		return !failed(E);
	}
	if (json_object_set_new(t, name, v.j)) {
		oom(E);
		return false;
	}
	return true;
}

/* A new, empty tuple at the end of the stream; NULL when out of memory. */
static json_t *
new_tuple(struct jn_ev *E, json_t *stream)
{
	json_t *t = json_object();

	if (!t || json_array_append_new(stream, t)) {
		oom(E);
		return NULL;
	}
	return t;
}

static struct jn_v
new_tuples(struct jn_ev *E)
{
	struct jn_v v = new_seq(E);

	v.tuple = true;
	return v;
}

/* evaluateStages: filters, and index stages that number the tuples. */
static struct jn_v
stages(struct jn_ev *E, const asl_jnode *st, struct jn_v r, struct jn_frame *env)
{
	int s;

	for (s = 0; s < st->nstages && !failed(E); s++) {
		const asl_jnode *stage = NODE(E->x->lists[st->stages + s]);

		if (stage->type == ASL_JN_INDEX) {
			size_t i;

			for (i = 0; is_array(r) && i < json_array_size(r.j); i++) {
				json_t *t = tuple_copy(E, json_array_get(r.j, i));

				if (!t || json_array_set_new(r.j, i, t) ||
				    !tuple_set(E, t, stage->str, made(E, json_integer((json_int_t)i))))
					break;
			}
		} else {
			struct jn_v f = filter(E, stage->x, r, env);

			unref(r);
			r = f;
		}
	}
	return r;
}

/* evaluateTupleStep: the step over the tuples (or, first, the items of in). */
static struct jn_v
eval_tuple_step(struct jn_ev *E, int si, struct vec *in, struct jn_v tuples,
		struct jn_frame *env)
{
	const asl_jnode *st = NODE(si);
	struct jn_v result, bindings;
	size_t e, b;

	if (st->type == ASL_JN_SORT) {
		if (defined(tuples)) {
			result = sort_by(E, st, tuples, env);
		} else {
			struct jn_v seq = new_seq(E), sorted;

			for (e = 0; seq.j && e < in->n; e++)
				if (!append_to(E, seq.j, ref(in->v[e])))
					break;
			sorted = failed(E) ? und() : sort_by(E, st, seq, env);
			unref(seq);
			result = new_tuples(E);
			for (e = 0; result.j && !failed(E) && is_array(sorted) &&
			     e < json_array_size(sorted.j); e++) {
				json_t *t = new_tuple(E, result.j);

				if (!t || !tuple_set(E, t, "@", ref(val(json_array_get(sorted.j, e)))) ||
				    (st->index && !tuple_set(E, t, st->index, made(E, json_integer((json_int_t)e)))))
					break;
			}
			unref(sorted);
		}
		if (failed(E)) {
			unref(result);
			return und();
		}
		return stages(E, st, result, env);
	}
	result = new_tuples(E);
	if (!result.j)
		return und();
	if (defined(tuples)) {
		bindings = ref(tuples);
	} else {
		bindings = new_tuples(E);
		for (e = 0; bindings.j && e < in->n; e++) {
			json_t *t = new_tuple(E, bindings.j);
			struct jn_v item = in->v[e];

			/* The input's wrapper cannot be kept in a tuple: its one item is. */
			if (item.outer && json_array_size(item.j) > 0)
				item = val(json_array_get(item.j, 0));
			if (!t || !tuple_set(E, t, "@", ref(item)))
				break;
		}
	}
	for (e = 0; !failed(E) && is_array(bindings) && e < json_array_size(bindings.j); e++) {
		json_t *tb = json_array_get(bindings.j, e);
		struct jn_frame *fr = tuple_frame(E, env, tb);
		struct jn_v at, res;

		if (!fr)
			break;
		at = tuple_get(E, tb, "@");
		res = evaluate(E, si, at, fr);
		frame_done(fr);
		if (failed(E) || !defined(res)) {
			unref(at);
			unref(res);
			continue;
		}
		if (!(res = as_array(E, res)).j) {
			unref(at);
			break;
		}
		for (b = 0; b < json_array_size(res.j); b++) {
			json_t *t = tuple_copy(E, tb);
			bool ok = t && !json_array_append_new(result.j, t);

			if (ok && res.tuple) {
				ok = !json_object_update(t, json_array_get(res.j, b));
			} else if (ok) {
				if (st->focus)
					ok = tuple_set(E, t, st->focus, ref(val(json_array_get(res.j, b)))) &&
					     tuple_set(E, t, "@", ref(at));
				else
					ok = tuple_set(E, t, "@", ref(val(json_array_get(res.j, b))));
				if (ok && st->index)
					ok = tuple_set(E, t, st->index, made(E, json_integer((json_int_t)b)));
				if (ok && st->label)
					ok = tuple_set(E, t, st->label, ref(at));
			}
			if (!ok) {
				if (!failed(E))
					oom(E);
				break;
			}
		}
		unref(at);
		unref(res);
	}
	unref(bindings);
	if (failed(E)) {
		unref(result);
		return und();
	}
	return stages(E, st, result, env);
}

/* evaluatePath */
static struct jn_v
eval_path(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct vec in = { 0 };
	struct jn_v r = und(), tuples = und();
	bool tuple_stream = false;
	int k;

	if (!inputs(E, input, NODE(LIST(n, 0))->type != ASL_JN_VARIABLE, &in))
		goto fail;
	for (k = 0; k < n->nlist; k++) {
		int si = LIST(n, k);

		if (NODE(si)->flags & ASL_JN_TUPLE)
			tuple_stream = true;
		if (k == 0 && (NODE(si)->flags & ASL_JN_CONSARRAY)) {
			struct jn_v seq = new_seq(E);
			size_t i;

			unref(r);
			/* [undefined], which a JSON array cannot be, stands as undefined. */
			if (in.n == 1 && !defined(in.v[0])) {
				unref(seq);
				seq = und();
			}
			for (i = 0; seq.j && i < in.n; i++)
				if (!append_to(E, seq.j, ref(in.v[i])))
					break;
			r = failed(E) ? und() : evaluate(E, si, seq, env);
			unref(seq);
		} else if (tuple_stream) {
			struct jn_v t = eval_tuple_step(E, si, &in, tuples, env);

			unref(tuples);
			tuples = t;
		} else {
			unref(r);
			r = eval_step(E, si, &in, env, k == n->nlist - 1);
		}
		if (failed(E))
			goto fail;
		if (!tuple_stream && (!defined(r) || (is_array(r) && json_array_size(r.j) == 0)))
			break;
		if (!NODE(si)->focus && !tuple_stream) {
			vfree(&in);
			if (!items(E, r, &in))
				goto fail;
		}
	}
	vfree(&in);
	if (tuple_stream && (n->flags & ASL_JN_HAS_GROUP)) {
		/* The group sees the tuples, and their bindings. */
		unref(r);
		r = group(E, n->group, n->ngroup, tuples, env);
		unref(tuples);
		return r;
	}
	if (tuple_stream) {
		unref(r);
		if (n->flags & ASL_JN_TUPLE) {
			r = tuples;	/* the ancestry goes on: keep the stream */
		} else {
			size_t i;

			r = new_seq(E);
			for (i = 0; r.j && is_array(tuples) && i < json_array_size(tuples.j); i++)
				if (!append_to(E, r.j, tuple_get(E, json_array_get(tuples.j, i), "@")))
					break;
			unref(tuples);
			if (failed(E)) {
				unref(r);
				return und();
			}
		}
		tuples = und();
	}
	if (n->flags & ASL_JN_KEEP_SINGLETON) {
		if (is_array(r) && r.cons && !r.seq) {
			struct jn_v s = new_seq(E);

			if (!s.j || !append_to(E, s.j, r)) {
				unref(s);
				return und();
			}
			r = s;
		}
		r.keep = true;
	}
	if (n->flags & ASL_JN_HAS_GROUP) {
		struct jn_v g = group(E, n->group, n->ngroup, r, env);

		unref(r);
		r = g;
	}
	return r;
fail:
	vfree(&in);
	unref(r);
	unref(tuples);
	return und();
}

static bool
numeric(struct jn_ev *E, struct jn_v v)
{
	if (!is_number(v))
		return false;
	if (!isfinite(num(v.j))) {
		char b[64];

		show(b, sizeof b, v);
		fail(E, "D1001", "Number out of range: %s", b);
		return false;
	}
	return true;
}

/* JavaScript's % (fmod) and the rest of the arithmetic. */
static struct jn_v
arith(struct jn_ev *E, const char *op, struct jn_v l, struct jn_v r)
{
	double a, b, x;

	if (defined(l) && !numeric(E, l)) {
		if (!failed(E))
			fail(E, "T2001", "The left side of the \"%s\" operator must evaluate to a number", op);
		return und();
	}
	if (defined(r) && !numeric(E, r)) {
		if (!failed(E))
			fail(E, "T2002", "The right side of the \"%s\" operator must evaluate to a number", op);
		return und();
	}
	if (!defined(l) || !defined(r))
		return und();
	a = num(l.j);
	b = num(r.j);
	switch (op[0]) {
	case '+': x = a + b; break;
	case '-': x = a - b; break;
	case '*': x = a * b; break;
	case '/': x = a / b; break;
	default: x = fmod(a, b); break;
	}
	if (!isfinite(x)) {
		/* The result is checked where it is used: keep it for the error. */
		return fail(E, "D1001", "Number out of range: null");
	}
	return made(E, aslp_jn_number(x));
}

static int
compare_values(struct jn_ev *E, const char *op, struct jn_v l, struct jn_v r, bool *undef)
{
	bool ls = json_is_string(l.j), rs = json_is_string(r.j);
	bool ln = is_number(l), rn = is_number(r);
	char b1[256], b2[256];

	*undef = false;
	if ((defined(l) && !ls && !ln) || (defined(r) && !rs && !rn)) {
		show(b1, sizeof b1, (defined(l) && !ls && !ln) ? l : r);
		fail(E, "T2010", "The expressions either side of operator \"%s\" must evaluate to numeric or string values", op);
		return 0;
	}
	if (!defined(l) || !defined(r)) {
		*undef = true;
		return 0;
	}
	if (ls != rs) {
		show(b1, sizeof b1, l);
		show(b2, sizeof b2, r);
		fail(E, "T2009", "The values %s and %s either side of operator \"%s\" must be of the same data type",
		     b1, b2, op);
		return 0;
	}
	if (ln)
		return num(l.j) < num(r.j) ? -1 : num(l.j) > num(r.j);
	return aslp_string_compare(json_string_value(l.j), json_string_length(l.j),
				   json_string_value(r.j), json_string_length(r.j));
}

/* rhs[i] === lhs: scalars by value, arrays and objects by identity. */
static bool
strict_equal(const json_t *a, const json_t *b)
{
	if (a == b)
		return true;
	if (json_is_number(a) && json_is_number(b))
		return num(a) == num(b);
	if (json_is_string(a) && json_is_string(b))
		return aslp_jn_equal(a, b);
	return false;
}

static struct jn_v
eval_binary(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	const char *op = n->str;
	struct jn_v l, r, res = und();
	bool undef;
	int c;
	size_t i;

	l = evaluate(E, n->lhs, input, env);
	if (failed(E))
		return und();
	if ((op[0] == 'a' && op[1] == 'n') || (op[0] == 'o' && op[1] == 'r')) {	/* and, or */
		bool lb = aslp_jn_truthy(l), rb;

		unref(l);
		if (op[0] == 'a' ? !lb : lb)
			return val(json_boolean(lb));
		r = evaluate(E, n->rhs, input, env);
		rb = aslp_jn_truthy(r);
		unref(r);
		return failed(E) ? und() : val(json_boolean(rb));
	}
	r = evaluate(E, n->rhs, input, env);
	if (failed(E)) {
		unref(l);
		return und();
	}
	switch (op[0]) {
	case '+': case '-': case '*': case '/': case '%':
		res = arith(E, op, l, r);
		break;
	case '=':
		res = val(json_boolean(defined(l) && defined(r) && !l.fn && !r.fn &&
				       aslp_jn_equal(l.j, r.j)));
		break;
	case '!':
		if (op[1] == '=') {
			res = val(json_boolean(defined(l) && defined(r) &&
					       !(l.fn || r.fn ? l.fn == r.fn : aslp_jn_equal(l.j, r.j))));
			break;
		}
		break;
	case '<': case '>':
		c = compare_values(E, op, l, r, &undef);
		if (failed(E) || undef)
			break;
		res = val(json_boolean(op[0] == '<' ? (op[1] ? c <= 0 : c < 0) :
				       (op[1] ? c >= 0 : c > 0)));
		break;
	case '&': {
		json_t *ls = NULL, *rs = NULL, *s;
		struct jn_err *err = E->err;

		if (l.j && !(ls = aslp_jn_string(l.j, err)))
			goto concat_fail;
		if (r.j && !(rs = aslp_jn_string(r.j, err)))
			goto concat_fail;
		s = json_stringn_nocheck("", 0);
		if (s && (ls || rs)) {
			size_t ll = ls ? json_string_length(ls) : 0, rl = rs ? json_string_length(rs) : 0;
			char *buf = malloc(ll + rl + 1);

			json_decref(s);
			s = NULL;
			if (buf) {
				if (ll)
					memcpy(buf, json_string_value(ls), ll);
				if (rl)
					memcpy(buf + ll, json_string_value(rs), rl);
				s = json_stringn_nocheck(buf, ll + rl);
				free(buf);
			}
		}
		if (!s)
			oom(E);
		res = val(s);
concat_fail:
		if (!failed(E) && ((l.j && !ls) || (r.j && !rs)))
			oom(E);
		json_decref(ls);
		json_decref(rs);
		break;
	}
	case '.': {	/* .. */
		double a, b;
		char buf[64];

		if (defined(l) && (!is_number(l) || num(l.j) != floor(num(l.j)))) {
			fail(E, "T2003", "The left side of the range operator (..) must evaluate to an integer");
			break;
		}
		if (defined(r) && (!is_number(r) || num(r.j) != floor(num(r.j)))) {
			fail(E, "T2004", "The right side of the range operator (..) must evaluate to an integer");
			break;
		}
		if (!defined(l) || !defined(r))
			break;
		a = num(l.j);
		b = num(r.j);
		if (a > b)
			break;
		if (b - a + 1 > 1e7) {
			snprintf(buf, sizeof buf, "%.17g", b - a + 1);
			fail(E, "D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e6.  Attempted to allocate %s.", buf);
			break;
		}
		res = new_seq(E);
		{
			double count = b - a + 1, step;

			for (step = 0; res.j && step < count; step++)
				if (json_array_append_new(res.j, aslp_jn_number(a + step))) {
					unref(res);
					res = oom(E);
				}
		}
		break;
	}
	case 'i':	/* in */
		if (!defined(l) || !defined(r) || l.fn) {
			res = val(json_false());
			break;
		}
		if (!is_array(r)) {
			res = val(json_boolean(!r.fn && strict_equal(r.j, l.j)));
			break;
		}
		for (i = 0; i < json_array_size(r.j); i++)
			if (strict_equal(json_array_get(r.j, i), l.j))
				break;
		res = val(json_boolean(i < json_array_size(r.j)));
		break;
	}
	unref(l);
	unref(r);
	return res;
}

static struct jn_v
eval_unary(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_v r, v;
	int k;

	switch (n->str[0]) {
	case '-':
		r = evaluate(E, n->x, input, env);
		if (!defined(r) || failed(E))
			return r;
		if (numeric(E, r)) {
			v = made(E, aslp_jn_number(-num(r.j)));
			unref(r);
			return v;
		}
		if (!failed(E)) {
			char b[256];

			show(b, sizeof b, r);
			fail(E, "D1002", "Cannot negate a non-numeric value: %s", b);
		}
		unref(r);
		return und();
	case '[':
		r = val(json_array());
		if (!r.j)
			return oom(E);
		for (k = 0; k < n->nlist; k++) {
			int item = LIST(n, k);
			const asl_jnode *in = NODE(item);

			v = evaluate(E, item, input, env);
			if (failed(E)) {
				unref(r);
				return und();
			}
			if (!defined(v))
				continue;
			if (in->type == ASL_JN_UNARY && in->str[0] == '[') {
				if (!append_to(E, r.j, v)) {
					unref(r);
					return und();
				}
			} else {
				r = append(E, r, v);
				if (failed(E))
					return und();
			}
		}
		r.seq = false;
		if (n->flags & ASL_JN_CONSARRAY)
			r.cons = true;
		return r;
	default:	/* { */
		return group(E, n->list, n->nlist, input, env);
	}
}

/* evaluateGroupExpression: the pairs key, value, key, value... at lists[pairs]. */
static struct jn_v
group(struct jn_ev *E, int pairs, int npairs, struct jn_v input, struct jn_frame *env)
{
	struct grp {
		json_t *key;
		struct jn_v data;
		int pair;
	} *g = NULL;
	size_t ng = 0, cap = 0, i, j;
	struct vec in = { 0 };
	struct jn_v result = und();
	int p;

	if (!inputs(E, input, true, &in))
		goto out;
	if (in.n == 0 && !vpush(&in, und())) {
		oom(E);
		goto out;
	}
	for (i = 0; i < in.n; i++) {
		for (p = 0; p < npairs / 2; p++) {
			struct jn_v key;

			if (input.tuple) {	/* a tuple: its @, in the frame of its bindings */
				struct jn_frame *fr = tuple_frame(E, env, in.v[i].j);
				struct jn_v at = fr ? tuple_get(E, in.v[i].j, "@") : und();

				key = fr ? evaluate(E, E->x->lists[pairs + 2 * p], at, fr) : und();
				unref(at);
				frame_done(fr);
			} else {
				key = evaluate(E, E->x->lists[pairs + 2 * p], in.v[i], env);
			}

			if (failed(E))
				goto out;
			if (defined(key) && !json_is_string(key.j)) {
				char b[256];

				show(b, sizeof b, key);
				unref(key);
				fail(E, "T1003", "Key in object structure must evaluate to a string; got: %s", b);
				goto out;
			}
			if (!defined(key))
				continue;
			for (j = 0; j < ng; j++)
				if (aslp_jn_equal(g[j].key, key.j))
					break;
			if (j < ng) {
				if (g[j].pair != p) {
					char b[256];

					show(b, sizeof b, key);
					unref(key);
					fail(E, "D1009", "Multiple key definitions evaluate to same key: %s", b);
					goto out;
				}
				unref(key);
				g[j].data = append(E, g[j].data, ref(in.v[i]));
				if (failed(E))
					goto out;
				continue;
			}
			if (ng == cap) {
				size_t nc = cap ? 2 * cap : 4;
				struct grp *ngp = realloc(g, nc * sizeof *ngp);

				if (!ngp) {
					unref(key);
					oom(E);
					goto out;
				}
				g = ngp;
				cap = nc;
			}
			g[ng].key = key.j;
			g[ng].data = ref(in.v[i]);
			g[ng].pair = p;
			ng++;
		}
	}
	result = val(json_object());
	if (!result.j) {
		oom(E);
		goto out;
	}
	for (j = 0; j < ng; j++) {
		struct jn_v v;

		if (input.tuple) {
			/* reduceTupleStream: the group's tuples as one, their bindings appended */
			json_t *t = reduce_tuples(E, g[j].data);
			struct jn_frame *fr = NULL;
			struct jn_v at = und();

			if (t) {
				at = tuple_get(E, t, "@");
				json_object_del(t, "@");
				fr = tuple_frame(E, env, t);
			}
			v = fr ? evaluate(E, E->x->lists[pairs + 2 * g[j].pair + 1], at, fr) : und();
			frame_done(fr);
			unref(at);
			json_decref(t);
		} else {
			v = evaluate(E, E->x->lists[pairs + 2 * g[j].pair + 1], g[j].data, env);
		}

		if (failed(E))
			goto out;
		if (v.fn && !(v = boxing(E, v)).j)
			goto out;
		if (v.j && json_object_set_new(result.j, json_string_value(g[j].key), v.j)) {
			oom(E);
			goto out;
		}
	}
out:
	for (j = 0; j < ng; j++) {
		json_decref(g[j].key);
		unref(g[j].data);
	}
	free(g);
	vfree(&in);
	if (failed(E)) {
		unref(result);
		return und();
	}
	return result;
}

/* reduceTupleStream: one tuple, or the members of several appended (a new object). */
static json_t *
reduce_tuples(struct jn_ev *E, struct jn_v data)
{
	json_t *r;
	size_t i;

	if (!is_array(data))
		return tuple_copy(E, data.j);
	if (!(r = tuple_copy(E, json_array_get(data.j, 0))))
		return NULL;
	for (i = 1; i < json_array_size(data.j); i++) {
		json_t *t = json_array_get(data.j, i), *m;
		const char *k;

		json_object_foreach(t, k, m) {
			struct jn_v a = append(E, ref(val(json_object_get(r, k))), ref(val(m)));

			if (failed(E) || json_object_set_new(r, k, a.j)) {
				json_decref(r);
				if (!failed(E))
					oom(E);
				return NULL;
			}
		}
	}
	return r;
}

static bool
array_of_numbers(const json_t *a)
{
	size_t i;

	if (!json_is_array(a))
		return false;
	for (i = 0; i < json_array_size(a); i++)
		if (!json_is_number(json_array_get(a, i)))
			return false;
	return true;
}

/* evaluateFilter */
static struct jn_v
filter(struct jn_ev *E, int pi, struct jn_v input, struct jn_frame *env)
{
	const asl_jnode *pred = NODE(pi);
	struct jn_v results = new_seq(E);
	struct vec in = { 0 };
	size_t i, k;

	if (!results.j)
		return und();
	results.tuple = input.tuple;
	if (!inputs(E, input, true, &in))
		goto fail;
	if (pred->type == ASL_JN_NUMBER) {
		double d = floor(num(E->kvals[pred->konst]));
		struct jn_v item;

		if (d < 0)
			d += (double)in.n;
		if (d >= 0 && d < (double)in.n && defined(item = in.v[(size_t)d])) {
			if (is_array(item)) {
				unref(results);
				results = ref(item);
			} else if (!append_to(E, results.j, ref(item))) {
				goto fail;
			}
		}
		vfree(&in);
		return results;
	}
	for (i = 0; i < in.n; i++) {
		struct jn_v item = in.v[i], res;
		bool take = false;

		if (input.tuple) {	/* each tuple: its @ in the frame of its bindings */
			struct jn_frame *fr = tuple_frame(E, env, item.j);
			struct jn_v at = fr ? tuple_get(E, item.j, "@") : und();

			res = fr ? evaluate(E, pi, at, fr) : und();
			unref(at);
			frame_done(fr);
		} else {
			res = evaluate(E, pi, item, env);
		}
		if (failed(E))
			goto fail;
		if (is_number(res) || array_of_numbers(res.j)) {
			size_t cnt = is_number(res) ? 1 : json_array_size(res.j);

			for (k = 0; k < cnt; k++) {
				const json_t *e = is_number(res) ? res.j : json_array_get(res.j, k);
				double d;

				if (!isfinite(num(e))) {
					unref(res);
					fail(E, "D1001", "Number out of range: null");
					goto fail;
				}
				d = floor(num(e));
				if (d < 0)
					d += (double)in.n;
				if (d == (double)i && defined(item) &&
				    !append_to(E, results.j, ref(item))) {
					unref(res);
					goto fail;
				}
			}
		} else {
			take = aslp_jn_truthy(res);
		}
		unref(res);
		if (take && defined(item) && !append_to(E, results.j, ref(item)))
			goto fail;
	}
	vfree(&in);
	return results;
fail:
	vfree(&in);
	unref(results);
	return und();
}

/* ---- functions ---- */

/* Is node v inside the tree t (the same json_t, not an equal one)? */
static bool
inside(const json_t *t, const json_t *v, int depth)
{
	const char *k;
	json_t *m;
	size_t i;

	if (t == v)
		return true;
	if (depth > 10000)
		return false;
	json_object_foreach((json_t *)t, k, m)
		if (inside(m, v, depth + 1))
			return true;
	for (i = 0; i < json_array_size(t); i++)
		if (inside(json_array_get(t, i), v, depth + 1))
			return true;
	return false;
}

/*
** The transform |pattern|update, delete| applied to obj: a copy of obj
** whose parts the pattern selects are merged with update's object and
** lose delete's members (evaluateTransformExpression).
*/
static struct jn_v
transform(struct jn_ev *E, struct jn_fn *f, struct jn_v obj)
{
	const asl_jnode *n = NODE(f->body);
	struct jn_v result, matches;
	size_t i, k;

	if (!defined(obj))
		return und();
	result = val(json_deep_copy(obj.j));
	if (!result.j)
		return oom(E);
	matches = evaluate(E, n->lhs, result, f->env);
	if (failed(E))
		goto fail;
	if (defined(matches) && !(matches = as_array(E, matches)).j)
		goto fail;
	for (i = 0; is_array(matches) && i < json_array_size(matches.j); i++) {
		json_t *match = json_array_get(matches.j, i);
		struct jn_v update;

		/* The reference changes the object wherever it is: aslc, only its copy. */
		if (json_is_object(match) && !inside(result.j, match, 0)) {
			fail(E, "U1011", "aslc transforms only what the pattern selects in the transformed value");
			break;
		}
		update = evaluate(E, n->rhs, val(match), f->env);
		if (failed(E))
			break;
		if (defined(update)) {
			if (!json_is_object(update.j)) {
				char b[256];

				show(b, sizeof b, update);
				unref(update);
				fail(E, "T2011", "The insert/update clause of the transform expression must evaluate to an object: %s", b);
				break;
			}
			/* An update that holds the match itself would make a cycle: copy it. */
			if (json_is_object(match) && inside(update.j, match, 0)) {
				json_t *copy = json_deep_copy(update.j);

				unref(update);
				update = val(copy);
				if (!copy) {
					oom(E);
					break;
				}
			}
			if (json_is_object(match) && json_object_update(match, update.j)) {
				unref(update);
				oom(E);
				break;
			}
			unref(update);
		}
		if (n->x >= 0) {
			struct jn_v del = evaluate(E, n->x, val(match), f->env);
			bool strings = true;

			if (failed(E))
				break;
			if (!defined(del))
				continue;
			if (is_array(del)) {
				for (k = 0; k < json_array_size(del.j); k++)
					strings = strings && json_is_string(json_array_get(del.j, k));
			} else {
				strings = json_is_string(del.j);
			}
			if (!strings) {
				char b[256];

				show(b, sizeof b, del);
				unref(del);
				fail(E, "T2012", "The delete clause of the transform expression must evaluate to a string or array of strings: %s", b);
				break;
			}
			if (json_is_object(match)) {
				if (is_array(del))
					for (k = 0; k < json_array_size(del.j); k++)
						json_object_del(match, json_string_value(json_array_get(del.j, k)));
				else
					json_object_del(match, json_string_value(del.j));
			}
			unref(del);
		}
	}
	unref(matches);
	if (failed(E))
		goto fail;
	return result;
fail:
	unref(result);
	return und();
}

static struct jn_v
eval_transform(struct jn_ev *E, const asl_jnode *n, struct jn_frame *env)
{
	struct jn_fn *f = fn_new(E, FN_TRANSFORM);

	if (!f)
		return und();
	f->body = (int)(n - E->x->nodes);
	f->env = env;
	capture(E, env);
	return fnval(f);
}

bool
aslp_jn_fn_truthy(const struct jn_fn *f)
{
	return f->kind != FN_REGEX && f->kind != FN_NEXT;
}

static int
arity(struct jn_fn *f)
{
	switch (f->kind) {
	case FN_LAMBDA:
		return f->nparams;
	case FN_BUILTIN:
		return aslp_jn_arity(f->b);
	case FN_PARTIAL_NATIVE: {
		int i, n = 0;

		for (i = 0; i < f->nbound; i++)
			n += f->hole[i];
		return n;
	}
	default:
		return 1;
	}
}

static struct jn_v
eval_lambda(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_fn *f = fn_new(E, FN_LAMBDA);
	int k;

	if (!f)
		return und();
	f->body = n->x;
	f->nparams = n->nlist;
	f->params = malloc(sizeof *f->params * (n->nlist + 1));
	if (!f->params)
		return oom(E);
	for (k = 0; k < n->nlist; k++)
		f->params[k] = LIST(n, k);
	f->signature = n->str;
	f->thunk = (n->flags & ASL_JN_THUNK) != 0;
	f->env = env;
	capture(E, env);
	f->input = ref(input);
	return fnval(f);
}

/* The value a tail-call thunk's body (a function call) stands for, applied. */
static struct jn_v apply_body(struct jn_ev *E, struct jn_fn *f, struct jn_v *args, int nargs,
			      struct jn_v input, struct jn_frame *env);

static struct jn_v
apply_inner(struct jn_ev *E, struct jn_v proc, struct jn_v *args, int nargs, struct jn_v input,
	    struct jn_frame *env)
{
	struct jn_fn *f = proc.fn;
	struct jn_v r;

	if (!f) {
		return fail(E, "T1006", "Attempted to invoke a non-function");
	}
	if (nargs > 16)
		return fail(E, "U1012", "aslc calls a function with at most 16 arguments");
	/* A call from the library ($map's function) recurses in C too: count it. */
	if (++E->depth > MAX_DEPTH) {
		E->depth--;
		return fail(E, "U1002", "Stack overflow error");
	}
	r = apply_body(E, f, args, nargs, input, env);
	E->depth--;
	return r;
}

static struct jn_v
apply_body(struct jn_ev *E, struct jn_fn *f, struct jn_v *args, int nargs, struct jn_v input,
	   struct jn_frame *env)
{
	struct jn_v validated[16], r = und();
	int n = nargs, k;

	if (f->kind == FN_BUILTIN || (f->kind == FN_LAMBDA && f->signature) ||
	    f->kind == FN_TRANSFORM) {
		n = aslp_jn_validate(f->kind == FN_BUILTIN ? f->b->signature :
				     f->kind == FN_TRANSFORM ? "<(oa):o>" : f->signature,
				     f->kind == FN_BUILTIN ? f->b->name : "lambda",
				     args, nargs, input, validated, E->err);
		if (n < 0)
			return und();
	} else {
		for (k = 0; k < nargs; k++)
			validated[k] = ref(args[k]);
	}
	switch (f->kind) {
	case FN_LAMBDA: {
		struct jn_frame *fr = frame_new(E, f->env);

		if (!fr)
			break;
		for (k = 0; k < f->nparams; k++)
			if (!bind(E, fr, NODE(f->params[k])->str, k < n ? ref(validated[k]) : und()))
				break;
		if (!failed(E))
			r = evaluate(E, f->body, f->input, fr);
		frame_done(fr);
		break;
	}
	case FN_BUILTIN: {
		struct jn_cx x = { E->err, f->b->name, E, input };

		r = f->b->fn(&x, validated, n);
		break;
	}
	case FN_PARTIAL_NATIVE: {
		struct jn_v all[16];
		int a = 0, i;

		for (i = 0; i < f->nbound && i < 16; i++)
			all[i] = f->hole[i] ? (a < n ? validated[a++] : und()) : f->bound[i];
		r = apply_inner(E, fnval(f->g ? f->g : NULL), all, i, input, env);
		break;
	}
	case FN_REGEX:
	case FN_NEXT: {
		/* A pattern called on a string, or a match's next(): the match object. */
		json_t *str = f->kind == FN_NEXT ? f->string : n > 0 ? validated[0].j : NULL;
		struct jn_fn *re = f->kind == FN_NEXT ? f->f : f;
		struct rx it;
		int m;

		if (!json_is_string(str) || !rx_open(E, &it, re, str))
			break;
		if (f->kind == FN_NEXT) {	/* as the reference's closure resumes */
			it.started = true;
			it.caps[1] = (long)f->from;
		}
		if ((m = rx_next(&it)) > 0 && (r = val(rx_object(&it, false))).j) {
			struct jn_fn *next = fn_new(E, FN_NEXT);
			json_t *b;

			if (!next || !(b = box(E, next))) {
				unref(r);
				r = oom(E);
			} else {
				next->f = re;
				next->string = json_incref(str);
				next->from = (size_t)it.caps[1];
				if (json_object_set_new(r.j, "next", b)) {
					unref(r);
					r = oom(E);
				}
			}
		}
		free(it.caps);
		break;
	}
	case FN_TRANSFORM:
		r = transform(E, f, n > 0 ? validated[0] : und());
		break;
	case FN_CHAIN: {
		struct jn_v mid = apply(E, fnval(f->f), validated, n, input, env);

		if (!failed(E))
			r = apply(E, fnval(f->g), &mid, 1, input, env);
		unref(mid);
		break;
	}
	}
	if (failed(E)) {	/* a failed call has no result, whatever made it */
		unref(r);
		r = und();
	}
	for (k = 0; k < n; k++)
		unref(validated[k]);
	return r;
}

static struct jn_v
eval_call_args(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env,
	       struct jn_v *args, int *nargs)
{
	int k;

	if (n->nlist + *nargs > 16)
		return fail(E, "U1012", "aslc calls a function with at most 16 arguments");
	for (k = 0; k < n->nlist; k++) {
		args[*nargs] = evaluate(E, LIST(n, k), input, env);
		(*nargs)++;
		if (failed(E))
			return und();
	}
	return und();
}

/* apply, with the reference's trampoline for tail calls. */
static struct jn_v
apply(struct jn_ev *E, struct jn_v proc, struct jn_v *args, int nargs, struct jn_v input,
      struct jn_frame *env)
{
	struct jn_v r = apply_inner(E, proc, args, nargs, input, env);

	while (!failed(E) && r.fn && r.fn->kind == FN_LAMBDA && r.fn->thunk) {
		struct jn_fn *t = r.fn;
		const asl_jnode *call = NODE(t->body);
		struct jn_frame *tenv = t->env;
		struct jn_v next, targs[16];
		int tn = 0, k;

		/* A thunk's body is a function call: evaluate it in the thunk's frame. */
		next = evaluate(E, call->x, t->input, tenv);
		if (!failed(E))
			eval_call_args(E, call, t->input, tenv, targs, &tn);
		if (!failed(E))
			r = apply_inner(E, next, targs, tn, input, env);
		else
			r = und();
		for (k = 0; k < tn; k++)
			unref(targs[k]);
		unref(next);
	}
	return r;
}

static struct jn_v
eval_function(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env,
	      const struct jn_v *applyto)
{
	struct jn_v proc, args[16], r = und();
	int nargs = 0, k;
	const asl_jnode *pn = NODE(n->x);

	proc = evaluate(E, n->x, input, env);
	if (failed(E))
		return und();
	if (!defined(proc) && pn->type == ASL_JN_PATH) {
		struct jn_v v = lookup_var(E, env, NODE(E->x->lists[pn->list])->str ?
					   NODE(E->x->lists[pn->list])->str : "");

		if (defined(v)) {
			unref(v);
			return fail(E, "T1005", "Attempted to invoke a non-function. Did you mean $%s?",
				    NODE(E->x->lists[pn->list])->str);
		}
	}
	if (applyto)
		args[nargs++] = ref(*applyto);
	eval_call_args(E, n, input, env, args, &nargs);
	if (!failed(E))
		r = apply(E, proc, args, nargs, input, env);
	for (k = 0; k < nargs; k++)
		unref(args[k]);
	unref(proc);
	return r;
}

static struct jn_v
eval_partial(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_v proc, args[16];
	bool hole[16];
	int nargs = 0, k;
	struct jn_fn *f = NULL;

	for (k = 0; k < n->nlist && k < 16; k++) {
		const asl_jnode *a = NODE(LIST(n, k));

		hole[k] = a->type == ASL_JN_OPERATOR;
		args[k] = hole[k] ? und() : evaluate(E, LIST(n, k), input, env);
		nargs++;
		if (failed(E))
			goto out;
	}
	proc = evaluate(E, n->x, input, env);
	if (failed(E))
		goto out;
	if (!proc.fn) {
		const asl_jnode *pn = NODE(n->x);
		const char *name = pn->type == ASL_JN_PATH ? NODE(E->x->lists[pn->list])->str :
			pn->str;
		struct jn_v v = pn->type == ASL_JN_PATH && !defined(proc) && name ?
			lookup_var(E, env, name) : und();

		unref(proc);
		if (defined(v)) {
			unref(v);
			fail(E, "T1007", "Attempted to partially apply a non-function. Did you mean $%s?", name);
		} else {
			fail(E, "T1008", "Attempted to partially apply a non-function");
		}
		goto out;
	}
	if (proc.fn->kind == FN_LAMBDA) {
		struct jn_frame *fr = frame_new(E, proc.fn->env);
		int u = 0;

		struct jn_fn *link;

		if (!fr || !(f = fn_new(E, FN_LAMBDA))) {
			if (fr)
				frame_free(fr);
			goto out;
		}
		link = f->next;
		*f = *proc.fn;
		f->next = link;
		f->box = NULL;		/* its own, not the original's */
		f->string = NULL;
		f->re = NULL;
		f->params = malloc(sizeof *f->params * (proc.fn->nparams + 1));
		f->signature = NULL;
		f->thunk = false;
		f->input = ref(proc.fn->input);
		f->env = fr;
		capture(E, fr);
		if (!f->params) {
			oom(E);
			goto out;
		}
		for (k = 0; k < proc.fn->nparams; k++) {
			if (k < nargs && !hole[k]) {
				if (!bind(E, fr, NODE(proc.fn->params[k])->str, ref(args[k])))
					break;
			} else if (k < nargs) {
				f->params[u++] = proc.fn->params[k];
			} else if (!bind(E, fr, NODE(proc.fn->params[k])->str, und())) {
				break;
			}
		}
		f->nparams = u;
	} else if (proc.fn->kind == FN_BUILTIN && strcmp(proc.fn->b->name, "string") == 0) {
		/*
		** The reference makes a lambda of a native's parameters, read from
		** its JavaScript text: string(arg, prettify = false) gives one it
		** cannot parse. jsonata 2.0.6, and so AWS, fail this way.
		*/
		fail(E, "S0208", "Parameter 2 of function definition must be a variable name (start with $)");
		goto out;
	} else {
		/* A native (or a partial one): its parameters, some bound. */
		int np = arity(proc.fn);

		if (!(f = fn_new(E, FN_PARTIAL_NATIVE)))
			goto out;
		f->nbound = np;
		f->bound = calloc((size_t)np + 1, sizeof *f->bound);
		f->hole = calloc((size_t)np + 1, sizeof *f->hole);
		if (!f->bound || !f->hole) {
			oom(E);
			goto out;
		}
		for (k = 0; k < np; k++) {
			f->hole[k] = k < nargs && hole[k];
			f->bound[k] = k < nargs && !hole[k] ? ref(args[k]) : und();
		}
		f->g = proc.fn;
	}
out:
	for (k = 0; k < nargs; k++)
		unref(args[k]);
	return failed(E) ? und() : fnval(f);
}

static struct jn_v
eval_apply(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_v l = evaluate(E, n->lhs, input, env), f, r = und();
	struct jn_fn *c;

	if (failed(E))
		return und();
	if (NODE(n->rhs)->type == ASL_JN_FUNCTION) {
		r = eval_function(E, NODE(n->rhs), input, env, &l);
		unref(l);
		return r;
	}
	f = evaluate(E, n->rhs, input, env);
	if (failed(E)) {
		unref(l);
		return und();
	}
	if (!f.fn) {
		unref(l);
		unref(f);
		return fail(E, "T2006", "The right side of the function application operator ~> must be a function");
	}
	if (l.fn) {
		if ((c = fn_new(E, FN_CHAIN))) {
			c->f = l.fn;
			c->g = f.fn;
			r = fnval(c);
		}
	} else {
		r = apply(E, f, &l, 1, und(), env);
	}
	unref(l);
	return r;
}

static struct jn_v
eval_block(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_frame *fr = frame_new(E, env);
	struct jn_v r = und();
	int k;

	if (!fr)
		return und();
	for (k = 0; k < n->nlist && !failed(E); k++) {
		unref(r);
		r = evaluate(E, LIST(n, k), input, fr);
	}
	frame_done(fr);
	return r;
}

/* The frame a := binds in: blocks make one; the top has its own. */
static struct jn_v
eval_bind(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_v v = evaluate(E, n->rhs, input, env);

	if (failed(E))
		return und();
	if (!bind(E, env, NODE(n->lhs)->str, ref(v))) {
		unref(v);
		return und();
	}
	return v;
}

/* The items of a, arrays flattened all the way down, appended to out. */
static bool
flatten_into(json_t *a, json_t *out)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);

		if (json_is_array(v) ? !flatten_into(v, out) : json_array_append(out, v) != 0)
			return false;
	}
	return true;
}

static struct jn_v
eval_wildcard(struct jn_ev *E, struct jn_v input)
{
	struct jn_v r = new_seq(E);
	const char **keys;
	size_t n, i;
	json_t *in = input.j;

	if (!r.j)
		return und();
	if (is_array(input) && input.outer && json_array_size(in) > 0)
		in = json_array_get(in, 0);
	if (json_is_array(in)) {
		/* Object.keys of an array: its indexes. */
		for (i = 0; i < json_array_size(in); i++) {
			json_t *v = json_array_get(in, i);

			if (json_is_array(v) ? !flatten_into(v, r.j) : json_array_append(r.j, v) != 0) {
				unref(r);
				return oom(E);
			}
		}
		return r;
	}
	if (!json_is_object(in))
		return r;
	if (!(keys = aslp_jn_keys(in, &n))) {
		unref(r);
		return oom(E);
	}
	for (i = 0; i < n; i++) {
		json_t *v = json_object_get(in, keys[i]);

		if (json_is_array(v) ? !flatten_into(v, r.j) : json_array_append(r.j, v) != 0) {
			free(keys);
			unref(r);
			return oom(E);
		}
	}
	free(keys);
	return r;
}

/* v and all it holds into out: false when out of memory, or *deep too deep. */
static bool
descend(json_t *v, json_t *out, int depth, bool *deep)
{
	const char **keys;
	size_t n, i;
	bool ok = true;

	if (depth > 10000)
		return !(*deep = true);
	if (!json_is_array(v) && json_array_append(out, v))
		return false;
	if (json_is_array(v)) {
		for (i = 0; ok && i < json_array_size(v); i++)
			ok = descend(json_array_get(v, i), out, depth + 1, deep);
	} else if (json_is_object(v)) {
		if (!(keys = aslp_jn_keys(v, &n)))
			return false;
		for (i = 0; ok && i < n; i++)
			ok = descend(json_object_get(v, keys[i]), out, depth + 1, deep);
		free(keys);
	}
	return ok;
}

static struct jn_v
eval_descendants(struct jn_ev *E, struct jn_v input)
{
	struct jn_v r;
	bool deep = false;

	if (!input.j)
		return und();
	if (!(r = new_seq(E)).j)
		return und();
	if (!descend(input.j, r.j, 0, &deep)) {
		unref(r);
		return deep ? fail(E, "U1016", "aslc cannot walk a value nested this deep") : oom(E);
	}
	if (json_array_size(r.j) == 1) {
		struct jn_v one = ref(val(json_array_get(r.j, 0)));

		unref(r);
		return one;
	}
	return r;
}

/* evaluateSortExpression: input sorted by the terms, stable (merge sort). */
struct sorter {
	struct jn_ev *E;
	const asl_jnode *n;
	struct jn_frame *env;
	bool tuple;		/* sorting a tuple stream */
};

/* A sort term of tuple t: its @ in the frame of its bindings. */
static struct jn_v
term_in_tuple(struct jn_ev *E, int node, json_t *t, struct jn_frame *env)
{
	struct jn_frame *fr = tuple_frame(E, env, t);
	struct jn_v at, r;

	if (!fr)
		return und();
	at = tuple_get(E, t, "@");
	r = evaluate(E, node, at, fr);
	unref(at);
	frame_done(fr);
	return r;
}

static int
sort_greater(struct sorter *s, json_t *a, json_t *b)
{
	struct jn_ev *E = s->E;
	int t, comp = 0;

	for (t = 0; comp == 0 && t < s->n->nlist; t++) {
		const asl_jnode *term = NODE(E->x->lists[s->n->list + t]);
		struct jn_v aa = s->tuple ? term_in_tuple(E, term->x, a, s->env) :
			evaluate(E, term->x, val(a), s->env), bb;
		bool as, an, bs, bn;

		if (failed(E))
			return -1;
		bb = s->tuple ? term_in_tuple(E, term->x, b, s->env) : evaluate(E, term->x, val(b), s->env);
		if (failed(E)) {
			unref(aa);
			return -1;
		}
		if (!defined(aa)) {
			comp = defined(bb) ? 1 : 0;
			unref(bb);
			continue;
		}
		if (!defined(bb)) {
			comp = -1;
			unref(aa);
			continue;
		}
		as = json_is_string(aa.j);
		an = is_number(aa);
		bs = json_is_string(bb.j);
		bn = is_number(bb);
		if (!(as || an) || !(bs || bn)) {
			char b1[256];

			show(b1, sizeof b1, !(as || an) ? aa : bb);
			unref(aa);
			unref(bb);
			fail(E, "T2008", "The expressions within an order-by clause must evaluate to numeric or string values");
			return -1;
		}
		if (as != bs) {
			char b1[256], b2[256];

			show(b1, sizeof b1, aa);
			show(b2, sizeof b2, bb);
			unref(aa);
			unref(bb);
			fail(E, "T2007", "Type mismatch when comparing values %s and %s in order-by clause",
			     b1, b2);
			return -1;
		}
		if (an)
			comp = num(aa.j) < num(bb.j) ? -1 : num(aa.j) > num(bb.j);
		else
			comp = aslp_string_compare(json_string_value(aa.j), json_string_length(aa.j),
						   json_string_value(bb.j), json_string_length(bb.j));
		comp = comp < 0 ? -1 : comp > 0;
		if (comp && (term->flags & ASL_JN_DESCENDING))
			comp = -comp;
		unref(aa);
		unref(bb);
	}
	return comp == 1;
}

/* A comparator: 1 to swap (a after b), 0 not, -1 failed. */
typedef int greater_fn(void *data, json_t *a, json_t *b);

static bool
msort(json_t **v, json_t **tmp, size_t n, greater_fn *gt, void *data)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;
	int g;

	if (n <= 1)
		return true;
	if (!msort(v, tmp, mid, gt, data) || !msort(v + mid, tmp, n - mid, gt, data))
		return false;
	while (i < mid && j < n) {
		if ((g = gt(data, v[i], v[j])) < 0)
			return false;
		tmp[k++] = g ? v[j++] : v[i++];
	}
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
	return true;
}

/* Sort array a (borrowed) into a new sequence with gt. */
static struct jn_v
sort_array(struct jn_ev *E, json_t *a, greater_fn *gt, void *data)
{
	size_t n = json_array_size(a), i;
	json_t **v = malloc((n + 1) * sizeof *v), **tmp = malloc((n + 1) * sizeof *tmp);
	struct jn_v r = und();

	if (!v || !tmp) {
		oom(E);
		goto out;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	if (!msort(v, tmp, n, gt, data))
		goto out;
	r = new_seq(E);
	for (i = 0; r.j && i < n; i++)
		if (json_array_append(r.j, v[i])) {
			unref(r);
			r = oom(E);
		}
out:
	free(v);
	free(tmp);
	return r;
}

static int
term_greater(void *data, json_t *a, json_t *b)
{
	return sort_greater(data, a, b);
}

static struct jn_v
sort_by(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct sorter s = { E, n, env, input.tuple };

	if (!defined(input))
		return und();
	if (!is_array(input))
		return ref(input);
	if (json_array_size(input.j) <= 1)
		return ref(input);
	return sort_array(E, input.j, term_greater, &s);
}

static struct jn_v
eval_condition(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env)
{
	struct jn_v c = evaluate(E, n->lhs, input, env);
	bool t = aslp_jn_truthy(c);

	unref(c);
	if (failed(E))
		return und();
	if (t)
		return evaluate(E, n->rhs, input, env);
	if (n->x >= 0)
		return evaluate(E, n->x, input, env);
	return und();
}

/* fn.lookup over the items of array a, into out. */
static bool
lookup_in(json_t *a, const char *key, json_t *out)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++) {
		json_t *e = json_array_get(a, i), *v;

		if (json_is_array(e)) {
			json_t *sub = json_array();

			if (!sub || !lookup_in(e, key, sub) || json_array_extend(out, sub)) {
				json_decref(sub);
				return false;
			}
			json_decref(sub);
		} else if (json_is_object(e) && (v = json_object_get(e, key))) {
			if (json_is_array(v) ? json_array_extend(out, v) : json_array_append(out, v))
				return false;
		}
	}
	return true;
}

/*
** A path of names whose values are objects all the way ($states.input.a.b):
** read member by member, as evaluatePath would, with no sequence made.
** false (nothing done) when a value on the way is an array, or the first
** step is not a variable; the general evaluation then does it.
*/
static bool
simple_path(struct jn_ev *E, const asl_jnode *n, struct jn_v input, struct jn_frame *env,
	    struct jn_v *r)
{
	const asl_jnode *first = NODE(LIST(n, 0));
	const struct jn_scope *s = E->scope;
	json_t *v;
	int k = 1;

	if (first->type != ASL_JN_VARIABLE || !first->str || !first->str[0])
		return false;
	(void)input;
	/* $states.input and its siblings, without building $states. */
	if (strcmp(first->str, "states") == 0 && s->input && !frame_binds(env, "states")) {
		const char *m = NODE(LIST(n, 1))->str;

		v = strcmp(m, "input") == 0 ? s->input : strcmp(m, "result") == 0 ? s->result :
			strcmp(m, "errorOutput") == 0 ? s->error_output : NULL;
		if (!v && strcmp(m, "context") != 0)
			return false;
		if (!v)
			v = s->ctx ? aslp_context(s->ctx) : s->context;
		if (!v)
			return false;
		k = 2;
	} else {
		struct jn_v head = lookup_var(E, env, first->str);

		if (head.fn || !json_is_object(head.j)) {
			unref(head);
			return false;
		}
		v = head.j;
		json_decref(head.j);	/* borrowed from the binding, which keeps it */
	}
	for (; k < n->nlist; k++) {
		if (!json_is_object(v))
			return json_is_array(v) ? false : (*r = und(), true);
		v = json_object_get(v, NODE(LIST(n, k))->str);
		if (!v) {
			*r = und();
			return true;
		}
	}
	if (json_is_array(v) || boxed(E, v))
		return false;	/* a sequence's rules apply: the general way */
	*r = ref(val(v));
	return true;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct jn_v
evaluate(struct jn_ev *E, int ni, struct jn_v input, struct jn_frame *env)
{
	const asl_jnode *n = NODE(ni);
	struct jn_v r = und();
	int k;

	if (failed(E))
		return und();
	if (++E->depth > MAX_DEPTH) {
		E->depth--;
		return fail(E, "U1002", "Stack overflow error");
	}
	if ((++E->steps & 1023) == 0) {
		if (E->deadline < 0) {
			E->deadline = now_ns() + TIME_LIMIT_NS;
		} else if (now_ns() > E->deadline) {
			E->depth--;
			return fail(E, "U1003", "Expression evaluation timeout");
		}
	}
	switch (n->type) {
	case ASL_JN_PATH:
		if ((n->flags & ASL_JN_SIMPLE) && simple_path(E, n, input, env, &r))
			break;
		r = eval_path(E, n, input, env);
		break;
	case ASL_JN_BINARY:
		r = eval_binary(E, n, input, env);
		break;
	case ASL_JN_UNARY:
		r = eval_unary(E, n, input, env);
		break;
	case ASL_JN_NAME:
		if (is_array(input)) {
			r = new_seq(E);
			if (r.j && !lookup_in(input.j, n->str, r.j)) {
				unref(r);
				r = oom(E);
			}
		} else if (json_is_object(input.j)) {
			r = ref(val(json_object_get(input.j, n->str)));
		}
		break;
	case ASL_JN_STRING:
	case ASL_JN_NUMBER:
	case ASL_JN_VALUE:
		r = ref(val(E->kvals[n->konst]));
		break;
	case ASL_JN_WILDCARD:
		r = eval_wildcard(E, input);
		break;
	case ASL_JN_DESCENDANT:
		r = eval_descendants(E, input);
		break;
	case ASL_JN_CONDITION:
		r = eval_condition(E, n, input, env);
		break;
	case ASL_JN_BLOCK:
		r = eval_block(E, n, input, env);
		break;
	case ASL_JN_BIND:
		r = eval_bind(E, n, input, env);
		break;
	case ASL_JN_FUNCTION:
		r = eval_function(E, n, input, env, NULL);
		break;
	case ASL_JN_VARIABLE:
		if (!n->str || !n->str[0]) {
			r = is_array(input) && input.outer ?
				ref(val(json_array_get(input.j, 0))) : ref(input);
			r.outer = false;
		} else {
			r = lookup_var(E, env, n->str);
		}
		break;
	case ASL_JN_LAMBDA:
		r = eval_lambda(E, n, input, env);
		break;
	case ASL_JN_PARTIAL:
		r = eval_partial(E, n, input, env);
		break;
	case ASL_JN_APPLY:
		r = eval_apply(E, n, input, env);
		break;
	case ASL_JN_SORT:
		r = sort_by(E, n, input, env);
		break;
	case ASL_JN_PARENT:
		r = lookup_var(E, env, n->label);
		break;
	case ASL_JN_TRANSFORM:
		r = eval_transform(E, n, env);
		break;
	case ASL_JN_REGEX: {
		/* Compiled once per evaluation, however often ($map over a list) it is met. */
		struct jn_fn *f;
		const char *why;
		int pk;

		for (pk = 0; pk < E->npattern; pk++)
			if (E->patterns[pk].node == ni)
				break;
		if (pk < E->npattern) {
			r = fnval(E->patterns[pk].fn);
			break;
		}
		if (!(f = fn_new(E, FN_REGEX)))
			break;
		if (!(f->re = aslp_re_compile(n->str, strlen(n->str), n->flags2, &why))) {
			r = fail(E, "U1005", "the regular expression cannot be used: %s", why);
			break;
		}
		if (E->npattern < 16) {
			E->patterns[E->npattern].node = ni;
			E->patterns[E->npattern++].fn = f;
		}
		r = fnval(f);
		break;
	}
	default:
		r = fail(E, "U1004", "aslc cannot evaluate a %d node", n->type);
		break;
	}
	for (k = 0; k < n->npred && !failed(E); k++) {
		struct jn_v f = filter(E, NODE(E->x->lists[n->pred + k])->x, r, env);

		unref(r);
		r = f;
	}
	if (n->type != ASL_JN_PATH && (n->flags & ASL_JN_HAS_GROUP) && !failed(E)) {
		struct jn_v g = group(E, n->group, n->ngroup, r, env);

		unref(r);
		r = g;
	}
	E->depth--;
	if (failed(E)) {
		unref(r);
		return und();
	}
	if (E->nboxed && !r.fn)
		r = unbox(E, r);
	if (r.seq && !r.tuple && is_array(r)) {
		if (n->flags & ASL_JN_KEEP_ARRAY)
			r.keep = true;
		if (json_array_size(r.j) == 0) {
			unref(r);
			r = und();
		} else if (json_array_size(r.j) == 1 && !r.keep) {
			struct jn_v one = ref(val(json_array_get(r.j, 0)));

			unref(r);
			r = E->nboxed ? unbox(E, one) : one;
		}
	}
	return r;
}

/* ---- the functions that call functions ---- */

#define EV (x->ev)

static struct jn_v
call1(struct jn_cx *x, struct jn_v f, struct jn_v a, struct jn_v b, struct jn_v c)
{
	struct jn_v args[3] = { a, b, c };
	int n = arity(f.fn);

	return apply(EV, f, args, n >= 3 ? 3 : n >= 2 ? 2 : 1, und(), NULL);
}

/* f(a[i], i, a), as $map, $filter and $single call it. */
static struct jn_v
call_at(struct jn_cx *x, struct jn_v f, struct jn_v a, size_t i)
{
	struct jn_v idx = made(EV, json_integer((json_int_t)i));
	struct jn_v r = call1(x, f, val(json_array_get(a.j, i)), idx, a);

	unref(idx);
	return r;
}

static struct jn_v
hof_map(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r;
	size_t i;

	if (argc < 1 || !defined(argv[0]))
		return und();
	r = new_seq(EV);
	for (i = 0; r.j && i < json_array_size(argv[0].j); i++) {
		struct jn_v res = call_at(x, argv[1], argv[0], i);

		if (failed(EV) || !append_to(EV, r.j, res)) {
			unref(r);
			return und();
		}
	}
	return r;
}

static struct jn_v
hof_filter(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r;
	size_t i;

	if (argc < 1 || !defined(argv[0]))
		return und();
	r = new_seq(EV);
	for (i = 0; r.j && i < json_array_size(argv[0].j); i++) {
		json_t *e = json_array_get(argv[0].j, i);
		struct jn_v res = call_at(x, argv[1], argv[0], i);
		bool t = aslp_jn_truthy(res);

		unref(res);
		if (failed(EV) || (t && json_array_append(r.j, e))) {
			unref(r);
			return failed(EV) ? und() : oom(EV);
		}
	}
	return r;
}

static struct jn_v
hof_single(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r = und();
	size_t i;

	if (argc < 1 || !defined(argv[0]))
		return und();
	for (i = 0; i < json_array_size(argv[0].j); i++) {
		json_t *e = json_array_get(argv[0].j, i);
		bool t = true;

		if (argc > 1 && defined(argv[1])) {
			struct jn_v res = call_at(x, argv[1], argv[0], i);

			t = aslp_jn_truthy(res);
			unref(res);
			if (failed(EV)) {
				unref(r);
				return und();
			}
		}
		if (t) {
			if (defined(r)) {
				unref(r);
				return fail(EV, "D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more.");
			}
			r = ref(val(e));
		}
	}
	if (!defined(r))
		return fail(EV, "D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0.");
	return r;
}

static struct jn_v
hof_reduce(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v acc;
	size_t i = 0, n;
	int ar;

	if (argc < 1 || !defined(argv[0]))
		return und();
	ar = arity(argv[1].fn);
	if (ar < 2)
		return fail(EV, "D3050", "The second argument of reduce function must be a function with at least two arguments");
	n = json_array_size(argv[0].j);
	if ((argc < 3 || !defined(argv[2])) && n > 0) {
		acc = ref(val(json_array_get(argv[0].j, 0)));
		i = 1;
	} else {
		acc = argc > 2 ? ref(argv[2]) : und();
	}
	for (; i < n; i++) {
		struct jn_v args[4], res;
		struct jn_v idx = made(EV, json_integer((json_int_t)i));

		args[0] = acc;
		args[1] = val(json_array_get(argv[0].j, i));
		args[2] = idx;
		args[3] = argv[0];
		res = apply(EV, argv[1], args, ar >= 4 ? 4 : ar, und(), NULL);
		unref(idx);
		unref(acc);
		acc = res;
		if (failed(EV)) {
			unref(acc);
			return und();
		}
	}
	return acc;
}

static struct jn_v
hof_each(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r = new_seq(EV);
	const char **keys;
	size_t n, i;

	if (!r.j)
		return und();
	if (argc < 1 || !json_is_object(argv[0].j))
		return r;
	if (!(keys = aslp_jn_keys(argv[0].j, &n))) {
		unref(r);
		return oom(EV);
	}
	for (i = 0; i < n; i++) {
		struct jn_v k = made(EV, json_string(keys[i]));
		struct jn_v res = call1(x, argv[1], val(json_object_get(argv[0].j, keys[i])), k, argv[0]);

		unref(k);
		if (failed(EV) || !append_to(EV, r.j, res)) {
			unref(r);
			r = und();
			break;
		}
	}
	free(keys);
	return r;
}

static struct jn_v
hof_sift(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r = val(json_object());
	const char **keys;
	size_t n, i;

	if (!r.j)
		return oom(EV);
	if (argc < 1 || !json_is_object(argv[0].j)) {
		unref(r);
		return und();
	}
	if (argc < 2 || !argv[1].fn) {
		unref(r);
		return fail(EV, "T0410", "Argument 2 of function \"sift\" does not match function signature");
	}
	if (!(keys = aslp_jn_keys(argv[0].j, &n))) {
		unref(r);
		return oom(EV);
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_object_get(argv[0].j, keys[i]);
		struct jn_v k = made(EV, json_string(keys[i]));
		struct jn_v res = call1(x, argv[1], val(e), k, argv[0]);
		bool t = aslp_jn_truthy(res);

		unref(k);
		unref(res);
		if (failed(EV)) {
			unref(r);
			r = und();
			break;
		}
		if (t && json_object_set(r.j, keys[i], e)) {
			unref(r);
			r = oom(EV);
			break;
		}
	}
	free(keys);
	if (r.j && json_object_size(r.j) == 0) {
		unref(r);
		r = und();
	}
	return r;
}

struct fn_sorter {
	struct jn_cx *x;
	struct jn_v f;
};

static int
fn_greater(void *data, json_t *a, json_t *b)
{
	struct fn_sorter *s = data;
	struct jn_v args[2] = { val(a), val(b) }, r;
	int t;

	r = apply(s->x->ev, s->f, args, 2, und(), NULL);
	if (failed(s->x->ev))
		return -1;
	t = json_is_true(r.j);	/* the reference tests the value as a condition */
	if (!t && defined(r) && !json_is_false(r.j))
		t = aslp_jn_truthy(r);
	unref(r);
	return t;
}

static int
default_greater(void *data, json_t *a, json_t *b)
{
	(void)data;
	if (json_is_number(a))
		return num(a) > num(b);
	return aslp_string_compare(json_string_value(a), json_string_length(a),
				   json_string_value(b), json_string_length(b)) > 0;
}

static struct jn_v
hof_sort(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct fn_sorter s = { x, argc > 1 ? argv[1] : und() };
	size_t i, n;
	bool nums = true, strs = true;

	if (argc < 1 || !defined(argv[0]))
		return und();
	n = json_array_size(argv[0].j);
	if (n <= 1)
		return ref(argv[0]);
	if (!defined(s.f)) {
		for (i = 0; i < n; i++) {
			json_t *e = json_array_get(argv[0].j, i);

			nums = nums && json_is_number(e);
			strs = strs && json_is_string(e);
		}
		if (!nums && !strs)
			return fail(EV, "D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function");
		return sort_array(EV, argv[0].j, default_greater, NULL);
	}
	return sort_array(EV, argv[0].j, fn_greater, &s);
}

static struct jn_v
fn_error(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return fail(EV, "D3137", "%s", argc > 0 && json_is_string(argv[0].j) ?
		    json_string_value(argv[0].j) : "$error() function evaluated");
}

static struct jn_v
fn_assert(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (argc > 0 && json_is_true(argv[0].j))
		return und();
	return fail(EV, "D3141", "%s", argc > 1 && json_is_string(argv[1].j) ?
		    json_string_value(argv[1].j) : "$assert() statement failed");
}

/* ---- regular expressions ---- */

static bool
rx_open(struct jn_ev *E, struct rx *x, const struct jn_fn *f, json_t *str)
{
	memset(x, 0, sizeof *x);
	x->E = E;
	x->re = f->re;
	x->s = json_string_value(str);
	x->len = json_string_length(str);
	x->caps = malloc(sizeof *x->caps * 2 * (size_t)(aslp_re_groups(f->re) + 1));
	if (!x->caps)
		oom(E);
	return x->caps != NULL;
}

/* The next match: 1 (caps set), 0 none, -1 failed (E has the error). */
static int
rx_next(struct rx *x)
{
	size_t from = 0;
	int r;

	if (x->done)
		return 0;
	if (x->started) {
		from = (size_t)x->caps[1];
		if (from >= x->len) {
			x->done = true;
			return 0;
		}
	}
	r = aslp_re_exec(x->re, x->s, x->len, from, x->caps);
	if (r < 0) {
		fail(x->E, "U1006", "the regular expression is too complex for this string");
		return -1;
	}
	if (r == 0) {
		x->done = true;
		return 0;
	}
	if (x->started && x->caps[0] == x->caps[1]) {
		fail(x->E, "D1004", "Regular expression matches zero length string");
		return -1;
	}
	x->started = true;
	return 1;
}

/* A byte offset of s as UTF-16 units, as JavaScript counts. */
static size_t
utf16_units(const char *s, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* The match as the reference's object: match, start/end or index, groups. */
static json_t *
rx_object(struct rx *x, bool index)
{
	json_t *o, *groups;
	int g;

	groups = json_array();
	for (g = 1; groups && g <= aslp_re_groups(x->re); g++) {
		json_t *v = x->caps[2 * g] < 0 ? json_null() :
			json_stringn(x->s + x->caps[2 * g], (size_t)(x->caps[2 * g + 1] - x->caps[2 * g]));

		if (!v || json_array_append_new(groups, v)) {
			json_decref(groups);
			groups = NULL;
		}
	}
	o = json_pack("{s:s%,s:I,s:o}", "match", x->s + x->caps[0], (size_t)(x->caps[1] - x->caps[0]),
		      index ? "index" : "start", (json_int_t)utf16_units(x->s, (size_t)x->caps[0]),
		      "groups", groups);
	if (o && !index &&
	    json_object_set_new(o, "end", json_integer((json_int_t)utf16_units(x->s, (size_t)x->caps[1])))) {
		json_decref(o);
		o = NULL;
	}
	if (!o)
		oom(x->E);
	return o;
}

static bool
is_regex(struct jn_v v)
{
	return v.fn && v.fn->kind == FN_REGEX;
}

/* The library's function name, for the string forms. */
static struct jn_v
library(struct jn_cx *x, const char *name, struct jn_v *argv, int argc)
{
	const struct jn_builtin *b = aslp_jn_builtin(name);
	struct jn_cx y = *x;

	y.name = name;
	return b->fn(&y, argv, argc);
}

static struct jn_v
fn_match(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r;
	struct rx it;
	double limit = argc > 2 && defined(argv[2]) ? num(argv[2].j) : -1;
	int m;
	long count = 0;

	if (argc < 1 || !defined(argv[0]))
		return und();
	if (argc > 2 && defined(argv[2]) && limit < 0)
		return fail(EV, "D3040", "Third argument of match function must evaluate to a positive number");
	if (!is_regex(argv[1]))
		return fail(EV, "U1007", "aslc matches with regular expressions only, not other functions");
	r = new_seq(EV);
	if (!r.j || !rx_open(EV, &it, argv[1].fn, argv[0].j)) {
		unref(r);
		return und();
	}
	while ((limit < 0 || count < limit) && (m = rx_next(&it)) > 0) {
		json_t *o = rx_object(&it, true);

		if (!o || json_array_append_new(r.j, o))
			break;
		count++;
	}
	free(it.caps);
	if (failed(EV)) {
		unref(r);
		return und();
	}
	return r;
}

static struct jn_v
fn_contains_re(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct rx it;
	int m;

	if (argc < 2 || !is_regex(argv[1]))
		return argc > 1 && argv[1].fn ?
			fail(EV, "U1007", "aslc matches with regular expressions only, not other functions") :
			library(x, "contains", argv, argc);
	if (!defined(argv[0]))
		return und();
	if (!rx_open(EV, &it, argv[1].fn, argv[0].j))
		return und();
	m = rx_next(&it);
	free(it.caps);
	return m < 0 ? und() : val(json_boolean(m > 0));
}

static struct jn_v
fn_split_re(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r;
	struct rx it;
	double limit = argc > 2 && defined(argv[2]) ? num(argv[2].j) : -1;
	size_t start = 0;
	long count = 0;
	int m;

	if (argc < 2 || !is_regex(argv[1]))
		return argc > 1 && argv[1].fn ?
			fail(EV, "U1007", "aslc matches with regular expressions only, not other functions") :
			library(x, "split", argv, argc);
	if (!defined(argv[0]))
		return und();
	if (argc > 2 && defined(argv[2]) && limit < 0)
		return fail(EV, "D3020", "Third argument of split function must evaluate to a positive number");
	r = val(json_array());
	if (!r.j || !rx_open(EV, &it, argv[1].fn, argv[0].j)) {
		unref(r);
		return r.j ? und() : oom(EV);
	}
	while ((limit < 0 || count < limit) && (m = rx_next(&it)) > 0) {
		if (json_array_append_new(r.j, json_stringn(it.s + start, (size_t)it.caps[0] - start))) {
			oom(EV);
			break;
		}
		start = (size_t)it.caps[1];
		count++;
	}
	if (!failed(EV) && (limit < 0 || count < limit) &&
	    json_array_append_new(r.j, json_stringn(it.s + start, it.len - start)))
		oom(EV);
	free(it.caps);
	if (failed(EV)) {
		unref(r);
		return und();
	}
	return r;
}

/* A replacement string's $0, $1..., $$ for the match in it. */
static void
substitute(struct aslp_buf *b, struct rx *it, const char *rep, size_t rlen)
{
	int ngroup = aslp_re_groups(it->re);
	size_t pos = 0;

	while (pos < rlen) {
		const char *d = memchr(rep + pos, '$', rlen - pos);
		size_t at;

		if (!d) {
			aslp_buf_put(b, rep + pos, rlen - pos);
			break;
		}
		at = (size_t)(d - rep);
		aslp_buf_put(b, rep + pos, at - pos);
		pos = at + 1;
		if (pos < rlen && rep[pos] == '$') {
			aslp_buf_put(b, "$", 1);
			pos++;
		} else if (pos < rlen && rep[pos] == '0') {
			aslp_buf_put(b, it->s + it->caps[0], (size_t)(it->caps[1] - it->caps[0]));
			pos++;
		} else {
			int digits = ngroup == 0 ? 1 : (int)floor(log10((double)ngroup)) + 1, k, index = -1;
			char num_text[16];

			for (k = 0; k < digits && pos + (size_t)k < rlen && k < 15 &&
			     rep[pos + k] >= '0' && rep[pos + k] <= '9'; k++)
				num_text[k] = rep[pos + k];
			num_text[k] = '\0';
			if (k > 0) {
				index = atoi(num_text);
				if (digits > 1 && index > ngroup && k > 1) {
					num_text[k - 1] = '\0';
					index = atoi(num_text);
				}
			}
			if (index >= 0) {
				if (ngroup > 0 && index >= 1 && index <= ngroup && it->caps[2 * index] >= 0)
					aslp_buf_put(b, it->s + it->caps[2 * index],
						     (size_t)(it->caps[2 * index + 1] - it->caps[2 * index]));
				snprintf(num_text, sizeof num_text, "%d", index);
				pos += strlen(num_text);
			} else {
				aslp_buf_put(b, "$", 1);
			}
		}
	}
}

static struct jn_v
fn_replace_re(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct aslp_buf b = { 0 };
	struct rx it;
	double limit = argc > 3 && defined(argv[3]) ? num(argv[3].j) : -1;
	size_t pos = 0;
	long count = 0;
	int m;
	json_t *out;

	if (argc < 3 || (!argv[1].fn && !argv[2].fn))
		return library(x, "replace", argv, argc);
	if (argv[1].fn && !is_regex(argv[1]))
		return fail(EV, "U1007", "aslc matches with regular expressions only, not other functions");
	if (!defined(argv[0]))
		return und();
	if (json_is_string(argv[1].j) && json_string_length(argv[1].j) == 0)
		return fail(EV, "D3010", "Second argument of replace function cannot be an empty string");
	if (argc > 3 && defined(argv[3]) && limit < 0)
		return fail(EV, "D3011", "Fourth argument of replace function must evaluate to a positive number");
	if (!argv[1].fn)
		return fail(EV, "U1007", "aslc replaces with a function only what a regular expression matched");
	if (!rx_open(EV, &it, argv[1].fn, argv[0].j))
		return und();
	while ((limit < 0 || count < limit) && (m = rx_next(&it)) > 0) {
		aslp_buf_put(&b, it.s + pos, (size_t)it.caps[0] - pos);
		if (argv[2].fn) {
			json_t *o = rx_object(&it, false);
			struct jn_v arg = val(o), r;

			if (!o)
				break;
			r = apply(EV, argv[2], &arg, 1, und(), NULL);
			json_decref(o);
			if (failed(EV))
				break;
			if (!json_is_string(r.j)) {
				unref(r);
				fail(EV, "D3012", "Attempted to replace a matched string with a non-string value");
				break;
			}
			aslp_buf_put(&b, json_string_value(r.j), json_string_length(r.j));
			unref(r);
		} else {
			substitute(&b, &it, json_string_value(argv[2].j), json_string_length(argv[2].j));
		}
		pos = (size_t)it.caps[1];
		count++;
	}
	free(it.caps);
	if (failed(EV)) {
		free(b.s);
		return und();
	}
	aslp_buf_put(&b, it.s + pos, it.len - pos);
	out = b.s ? json_stringn(b.s, b.len) : json_string("");
	free(b.s);
	return out ? val(out) : oom(EV);
}

/* ---- time ---- */

/* The instant of the evaluation, in ms: read once, on the execution's clock. */
static int64_t
now_ms(struct jn_ev *E)
{
	if (E->now_ms < 0) {
		if (E->scope->ctx) {
			E->now_ms = aslp_now_ns(E->scope->ctx) / 1000000;
		} else {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			E->now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		}
	}
	return E->now_ms;
}

static const char iso8601[] =
	"^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?$";


/*
** Date.parse of an ISO 8601 text as V8 reads the forms the reference lets
** through: a date, a date and time, milliseconds, Z or an offset (a time
** without one is UTC, the service's local time). false: NaN.
*/
static bool
parse_iso(const char *s, double *ms)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, n, oh = 0, om = 0, sign = 1;
	double frac = 0;
	const char *p = s;

	if (sscanf(p, "%4d%n", &y, &n) != 1 || n != 4)
		return false;
	p += 4;
	if (*p == '-') {
		if (sscanf(p, "-%2d%n", &mo, &n) != 1 || n != 3)
			return false;
		p += 3;
		if (*p == '-') {
			if (sscanf(p, "-%2d%n", &d, &n) != 1 || n != 3)
				return false;
			p += 3;
		}
	}
	if (*p == 'T') {
		if (sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 9)
			return false;
		p += 9;
		if (*p == '.') {
			double scale = 0.1;

			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
				if (scale >= 0.001)
					frac += (*p - '0') * scale;
		}
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
				p += 6;
			else
				return false;
		}
	} else if (*p) {
		return false;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59 ||
	    (h == 24 && (mi || sec || frac)))
		return false;
	*ms = ((double)aslp_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60)) * 1000 + floor(frac * 1000 + 0.5);
	return true;
}


static struct jn_v
fn_millis(struct jn_cx *x, struct jn_v *argv, int argc)
{
	(void)argv, (void)argc;
	return made(EV, json_integer(now_ms(EV)));
}

/* formatDateTime of ms, with the picture and time zone of argv[pic], argv[pic + 1]. */
static struct jn_v
format_datetime(struct jn_cx *x, double ms, struct jn_v *argv, int argc, int pic)
{
	bool has_pic = argc > pic && defined(argv[pic]);
	json_t *r = aslp_jn_format_datetime(ms, has_pic ? json_string_value(argv[pic].j) : NULL,
					    has_pic ? json_string_length(argv[pic].j) : 0,
					    argc > pic + 1 && defined(argv[pic + 1]) ?
					    json_string_value(argv[pic + 1].j) : NULL, EV->err);

	return r ? val(r) : und();
}

static struct jn_v
fn_now(struct jn_cx *x, struct jn_v *argv, int argc)
{
	return format_datetime(x, (double)now_ms(EV), argv, argc, 0);
}

static struct jn_v
fn_from_millis(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (argc < 1 || !defined(argv[0]))
		return und();
	return format_datetime(x, num(argv[0].j), argv, argc, 1);
}

static struct jn_v
fn_to_millis(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct aslp_re *re;
	long caps[2 * 8];
	const char *why;
	double ms;
	int m;

	if (argc < 1 || !defined(argv[0]))
		return und();
	if (argc > 1 && defined(argv[1])) {
		bool undef;

		if (!aslp_jn_parse_datetime(json_string_value(argv[0].j), json_string_length(argv[0].j),
					    json_string_value(argv[1].j), json_string_length(argv[1].j),
					    (double)now_ms(EV), &ms, &undef, EV->err))
			return und();
		if (undef)
			return und();
		/* NaN, which JSON writes null */
		return made(EV, isnan(ms) ? json_null() : aslp_jn_number(ms));
	}
	if (!(re = aslp_re_compile(iso8601, strlen(iso8601), "", &why)))
		return oom(EV);
	m = aslp_re_exec(re, json_string_value(argv[0].j), json_string_length(argv[0].j), 0, caps);
	aslp_re_free(re);
	if (m != 1) {
		char b[256];

		show(b, sizeof b, argv[0]);
		return fail(EV, "D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given %s", b);
	}
	if (!parse_iso(json_string_value(argv[0].j), &ms))
		return val(json_null());	/* Date.parse's NaN, which JSON writes null */
	return made(EV, aslp_jn_number(ms));
}

/* ---- randomness ---- */

static uint64_t
next_random(struct jn_ev *E)
{
	return E->scope->ctx ? aslp_random(E->scope->ctx) : aslp_splitmix64(&E->rng);
}

/* A number in [0, 1) from 53 random bits. */
static double
unit(uint64_t r)
{
	return (double)(r >> 11) / 9007199254740992.0;
}

static struct jn_v
fn_random(struct jn_cx *x, struct jn_v *argv, int argc)
{
	if (argc > 0 && defined(argv[0])) {
		/* AWS's seeded form: the same seed, the same number (splitmix64 of it). */
		double seed = num(argv[0].j);
		uint64_t state;

		memcpy(&state, &seed, sizeof state);	/* the seed's bits: any number will do */
		return made(EV, json_real(unit(aslp_splitmix64(&state))));
	}
	return made(EV, json_real(unit(next_random(EV))));
}

static struct jn_v
fn_uuid(struct jn_cx *x, struct jn_v *argv, int argc)
{
	char s[37];

	(void)argv, (void)argc;
	aslp_uuid_text(next_random(EV), next_random(EV), s);
	return made(EV, json_string(s));
}

static struct jn_v
fn_shuffle(struct jn_cx *x, struct jn_v *argv, int argc)
{
	size_t n, i, j;
	json_t **v, *r;

	if (argc < 1 || !defined(argv[0]))
		return und();
	n = json_array_size(argv[0].j);
	if (n <= 1)
		return ref(argv[0]);
	if (!(v = calloc(n, sizeof *v)))
		return oom(EV);
	/* The reference's inside-out Fisher-Yates. */
	for (i = 0; i < n; i++) {
		j = (size_t)floor(unit(next_random(EV)) * (double)(i + 1));
		if (i != j)
			v[i] = v[j];
		v[j] = json_array_get(argv[0].j, i);
	}
	r = json_array();
	for (i = 0; r && i < n; i++)
		if (json_array_append(r, v[i])) {
			json_decref(r);
			r = NULL;
		}
	free(v);
	return r ? val(r) : oom(EV);
}

static struct jn_v
fn_clone(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_t *c;

	if (argc < 1 || !defined(argv[0]))
		return und();
	if (!(c = json_deep_copy(argv[0].j)))
		return oom(EV);
	return val(c);
}

static struct jn_v
fn_hash(struct jn_cx *x, struct jn_v *argv, int argc)
{
	char out[129];

	if (argc < 1 || !defined(argv[0]))
		return und();
	if (!aslp_hash(argc > 1 && defined(argv[1]) ? json_string_value(argv[1].j) : "SHA-256",
		       json_string_value(argv[0].j), json_string_length(argv[0].j), out))
		return fail(EV, "U1010", "The algorithm of $hash must be one of MD5, SHA-1, SHA-256, SHA-384 and SHA-512");
	return made(EV, json_string(out));
}

static struct jn_v
fn_parse_integer(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double v;

	if (argc < 1 || !defined(argv[0]))
		return und();
	if (!aslp_jn_parse_integer(json_string_value(argv[0].j), json_string_length(argv[0].j),
				   json_string_value(argv[1].j), json_string_length(argv[1].j), &v, EV->err))
		return und();
	return made(EV, isnan(v) ? json_null() : aslp_jn_number(v));	/* NaN: null in JSON */
}

/* ---- the functions AWS adds ---- */

static struct jn_v
fn_partition(struct jn_cx *x, struct jn_v *argv, int argc)
{
	struct jn_v r;
	size_t i, n, size;
	json_t *chunk = NULL;

	if (argc < 2 || !defined(argv[0]) || !defined(argv[1]))
		return und();
	if (!(num(argv[1].j) >= 1))
		return fail(EV, "D3050", "The size of a partition must be a positive integer");
	n = json_array_size(argv[0].j);
	size = num(argv[1].j) >= (double)n ? (n ? n : 1) : (size_t)floor(num(argv[1].j));
	if (!(r = made(EV, json_array())).j)
		return und();
	for (i = 0; i < n; i++) {
		if (i % size == 0) {
			chunk = json_array();
			if (!chunk || json_array_append_new(r.j, chunk)) {
				unref(r);
				return oom(EV);
			}
		}
		if (json_array_append(chunk, json_array_get(argv[0].j, i))) {
			unref(r);
			return oom(EV);
		}
	}
	return r;
}

static struct jn_v
fn_range(struct jn_cx *x, struct jn_v *argv, int argc)
{
	double a, b, step = 1;
	struct jn_v r;
	size_t count = 0;

	if (argc < 2 || !defined(argv[0]) || !defined(argv[1]))
		return und();
	a = floor(num(argv[0].j));
	b = floor(num(argv[1].j));
	if (argc > 2 && defined(argv[2]))
		step = floor(num(argv[2].j));
	r = val(json_array());
	if (!r.j)
		return oom(EV);
	if (step == 0)
		return r;
	for (; step > 0 ? a <= b : a >= b; a += step) {
		if (++count > 1000000) {
			unref(r);
			return fail(EV, "D2014", "The size of the sequence allocated by $range must not exceed 1e6.");
		}
		if (json_array_append_new(r.j, aslp_jn_number(a))) {
			unref(r);
			return oom(EV);
		}
	}
	return r;
}

static struct jn_v
fn_parse(struct jn_cx *x, struct jn_v *argv, int argc)
{
	json_error_t je = { 0 };	/* jansson may fail before it writes here */
	json_t *v;
	bool no_memory;

	if (argc < 1 || !defined(argv[0]))
		return und();
	v = aslp_loadb(json_string_value(argv[0].j), json_string_length(argv[0].j),
		       JSON_DECODE_ANY | JSON_ALLOW_NUL, &je, &no_memory);
	/* jansson says little of a failed allocation: a code, or no text. */
	if (no_memory || (!v && !je.text[0]))
		return oom(EV);
	if (!v)
		return fail(EV, "D3140", "The argument of $parse is not JSON: %s", je.text);
	return val(v);
}

static const struct jn_builtin hofs[] = {
	{ "millis", "<:n>", fn_millis },
	{ "now", "<s?s?:s>", fn_now },
	{ "fromMillis", "<n-s?s?:s>", fn_from_millis },
	{ "toMillis", "<s-s?:n>", fn_to_millis },
	{ "random", "<n?:n>", fn_random },
	{ "uuid", "<:s>", fn_uuid },
	{ "shuffle", "<a:a>", fn_shuffle },
	{ "clone", "<(oa)-:o>", fn_clone },
	{ "hash", "<s-s?:s>", fn_hash },
	{ "parseInteger", "<s-s:n>", fn_parse_integer },
	{ "match", "<s-f<s:o>n?:a<o>>", fn_match },
	{ "contains", "<s-(sf):b>", fn_contains_re },
	{ "split", "<s-(sf)n?:a<s>>", fn_split_re },
	{ "replace", "<s-(sf)(sf)n?:s>", fn_replace_re },
	{ "partition", "<an:a>", fn_partition },
	{ "range", "<nnn?:a>", fn_range },
	{ "parse", "<s-:j>", fn_parse },
	{ "error", "<s?:x>", fn_error },
	{ "assert", "<bs?:x>", fn_assert },
	{ "map", "<af>", hof_map },
	{ "filter", "<af>", hof_filter },
	{ "single", "<af?>", hof_single },
	{ "reduce", "<afj?:j>", hof_reduce },
	{ "each", "<o-f:a>", hof_each },
	{ "sift", "<o-f?:o>", hof_sift },
	{ "sort", "<af?:a>", hof_sort },
};

/* The library's function called name: first this file's, then jsonata.c's. */
static const struct jn_builtin *
builtin(const char *name)
{
	size_t i;

	/* Every name of the library starts with a lower-case letter. */
	if (name[0] < 'a' || name[0] > 'z')
		return NULL;
	for (i = 0; i < sizeof hofs / sizeof hofs[0]; i++)
		if (hofs[i].name[0] == name[0] && strcmp(hofs[i].name, name) == 0)
			return &hofs[i];
	return aslp_jn_builtin(name);
}

/* ---- an evaluation ---- */

struct jn_v
aslp_jn_eval(const asl_jexpr *x, json_t *const *kvals, const struct jn_scope *scope,
	     struct jn_err *err)
{
	struct jn_ev E;
	struct jn_frame *top;
	struct jn_v r;

	err->code = NULL;	/* the message is written only with a code */
	err->message[0] = '\0';
	err->function = false;
	memset(&E, 0, offsetof(struct jn_ev, patterns));	/* the caches start empty */
	E.x = x;
	E.kvals = kvals;
	E.scope = scope;
	E.err = err;
	E.now_ms = -1;		/* read when $now or $millis first wants it */
	E.deadline = -1;	/* set at the first check, 1,024 steps in */
	if (!scope->ctx) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		E.rng = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20);
	}
	top = frame_new(&E, NULL);
	r = und();
	/* $$ is the input document, unwrapped. */
	if (top && scope->focus)
		bind(&E, top, "$", ref(val(scope->focus)));
	if (top && scope->focus && json_is_array(scope->focus)) {
		/* An array given as the input is one item: wrapped, as the reference does. */
		struct jn_v in = new_seq(&E);

		if (in.j && !json_array_append(in.j, scope->focus)) {
			in.outer = true;
			r = evaluate(&E, x->root, in, top);
		}
		unref(in);
	} else if (top) {
		r = evaluate(&E, x->root, val(scope->focus), top);
	}
	if (top)
		frame_done(top);
	while (E.frames) {
		struct jn_frame *f = E.frames;

		E.frames = f->next;
		frame_free(f);
	}
	if (r.fn && !failed(&E)) {
		/* The caller reports it: a function is no JSON value. */
	}
	if (!failed(&E) && r.j && aslp_depth(r.j, ASLP_MAX_DEPTH) > ASLP_MAX_DEPTH) {
		unref(r);
		r = und();
		fail(&E, "U1016", "The value is nested deeper than aslc writes (2048 levels)");
	}
	if (!failed(&E) && r.j && E.nboxed && holds_box(&E, r.j, 0)) {
		unref(r);
		r = und();
		err->function = true;	/* a function inside the result */
	}
	while (E.fns) {
		struct jn_fn *f = E.fns;
		int i;

		E.fns = f->next;
		json_decref(f->box);
		json_decref(f->string);
		if (f->kind == FN_LAMBDA)
			unref(f->input);
		for (i = 0; f->bound && i < f->nbound; i++)
			unref(f->bound[i]);
		free(f->bound);
		free(f->hole);
		free(f->params);
		aslp_re_free(f->re);
		free(f);
	}
	json_decref(E.states);
	free(E.boxed);
	if (failed(&E)) {
		unref(r);
		return und();
	}
	if (r.fn) {
		r.fn = NULL;	/* freed above: the caller sees fn != NULL only as a flag */
		r.j = NULL;
		err->function = true;
	}
	return r;
}
