/*
** template.c - payload templates: Parameters and ResultSelector.
**
** aslc flattens a template into a preorder list of nodes. Only the
** objects and arrays on the way to a "key.$" field are built per
** execution; every constant subtree is one CONST node whose value was
** parsed once, at program start, and is shared by reference.
*/
#include "aslrt_int.h"

#include <stdlib.h>

struct build {
	asl_ctx *ctx;
	const asl_tnode *nodes;
	int i;			/* next node */
	json_t *input;		/* the template's input, borrowed */
};

static json_t *
oom(asl_ctx *ctx)
{
	aslp_oom(ctx);
	return NULL;
}

/*
** Build the subtree at b->i; returns a new reference or NULL with the
** error recorded.
*/
static json_t *
build(struct build *b)
{
	const asl_tnode *n = &b->nodes[b->i++];
	json_t *v, *c;
	char *why, *text;
	int k;

	switch (n->kind) {
	case ASL_T_CONST:
		return json_incref(b->ctx->run->prog->kvals[n->konst]);
	case ASL_T_CALL:
		return aslp_call(b->ctx, n->call, b->input);
	case ASL_T_PATH:
		v = aslp_path_get(b->ctx, n->path, b->input, &why);
		if (v)
			return v;
		if (!why)
			return oom(b->ctx);
		free(why);
		text = aslp_render(b->ctx, n->path->root == ASL_ROOT_CONTEXT ?
				   aslp_context(b->ctx) : b->input);
		if (!text)
			return oom(b->ctx);
		aslp_fail_state(b->ctx, "States.Runtime",
				"The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
				n->path->text, n->field, text);
		free(text);
		return NULL;
	case ASL_T_OBJECT:
		v = json_object();
		if (!v)
			return oom(b->ctx);
		for (k = 0; k < n->n; k++) {
			const char *key = b->nodes[b->i].key;

			c = build(b);
			/* Keys come from the definition: UTF-8, checked by aslc. */
			if (!c || json_object_set_new_nocheck(v, key, c)) {
				json_decref(v);
				return c ? oom(b->ctx) : NULL;
			}
		}
		return v;
	case ASL_T_ARRAY:
		v = json_array();
		if (!v)
			return oom(b->ctx);
		for (k = 0; k < n->n; k++) {
			c = build(b);
			if (!c || json_array_append_new(v, c)) {
				json_decref(v);
				return c ? oom(b->ctx) : NULL;
			}
		}
		return v;
	}
	return NULL;
}

/* The template t applied to v; consumes v. */
static json_t *
apply(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	struct build b;
	json_t *out;

	b.ctx = ctx;
	b.nodes = t->nodes;
	b.i = 0;
	b.input = v;
	out = build(&b);
	aslp_release(ctx, v);
	return out;
}

/* apply, recording for --test-state what the state made of v. */
static json_t *
apply_step(asl_ctx *ctx, const asl_template *t, json_t *v, int step)
{
	json_t *out;

	if (!ctx->test)
		return apply(ctx, t, v);
	aslp_test_reach(ctx, step - 1);
	out = apply(ctx, t, v);
	aslp_test_step(ctx, step, out);
	return out;
}

json_t *
asl_parameters(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	return apply_step(ctx, t, v, ASLP_TS_AFTER_PARAMETERS);
}

json_t *
asl_result_selector(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	return apply_step(ctx, t, v, ASLP_TS_AFTER_RESULT_SELECTOR);
}

/* The service's limits on variables. */
#define VARIABLE_MAX ASLP_PAYLOAD_LIMIT		/* one variable */
#define ASSIGN_MAX ASLP_PAYLOAD_LIMIT		/* one Assign, all values */
#define VARIABLES_MAX (10 * 1024 * 1024)	/* an execution's variables */

int
asl_assign(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	json_t *vals = apply(ctx, t, json_incref(v)), *next, *val, *old;
	const char *name;
	size_t total = 0, size, all;
	int depth;

	if (!vals)
		return ASL_FAIL;
	all = ctx->next_vars ? ctx->next_vars_size : ctx->vars_size;
	json_object_foreach(vals, name, val) {
		size = aslp_measure(val, VARIABLE_MAX, ASLP_MAX_DEPTH, &depth);
		if (size > VARIABLE_MAX) {
			aslp_fail_state(ctx, "States.DataLimitExceeded",
					"The value assigned to the variable '%s' exceeds the maximum size of %d bytes.",
					name, VARIABLE_MAX);
			json_decref(vals);	/* name is one of its keys */
			ctx->terminal = true;
			return ASL_FAIL;
		}
		total += size;
		old = ctx->next_vars ? json_object_get(ctx->next_vars, name) : aslp_variable(ctx, name);
		all += size - (old ? aslp_measure(old, (size_t)-1, ASLP_MAX_DEPTH, &depth) : 0);
	}
	if (total > ASSIGN_MAX || all > VARIABLES_MAX) {
		json_decref(vals);
		aslp_fail_state(ctx, "States.DataLimitExceeded",
				total > ASSIGN_MAX ?
				"The values assigned by the state exceed the maximum size of %d bytes." :
				"The variables of the execution exceed the maximum size of %d bytes.",
				total > ASSIGN_MAX ? ASSIGN_MAX : VARIABLES_MAX);
		ctx->terminal = true;
		return ASL_FAIL;
	}
	/* The values the state's successors see, kept until it exits. */
	next = ctx->next_vars ? ctx->next_vars : ctx->vars ? json_copy(ctx->vars) : json_object();
	if (!next || json_object_update(next, vals)) {
		if (next != ctx->next_vars)
			json_decref(next);
		json_decref(vals);
		return aslp_oom(ctx);
	}
	/* The history shows what the state assigned, at its exit. */
	if (aslp_recording(ctx) &&
	    (ctx->assigned || (ctx->assigned = json_object())))
		json_object_update(ctx->assigned, vals);
	json_decref(vals);
	ctx->next_vars = next;
	ctx->next_vars_size = all;
	return ASL_OK;
}

int
asl_catch_assign(asl_ctx *ctx, const asl_template *t)
{
	return asl_assign(ctx, t, ctx->caught);
}
