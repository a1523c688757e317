/*
** template.c - payload templates: Parameters and ResultSelector.
**
** aslc flattens a template into a preorder list of nodes. Only the
** objects and arrays on the way to a "key.$" field are built per
** execution; every constant subtree is one CONST node whose value was
** parsed once, at program start, and is shared by reference.
*/
#include "aslrt_int.h"
#include "jsonata.h"

#include <stdlib.h>
#include <string.h>

struct build {
	asl_ctx *ctx;
	const asl_tnode *nodes;
	int i;			/* next node */
	json_t *input;		/* the template's input, borrowed */
	const struct jn_scope *jn;	/* JSONata: what $states holds */
};

/*
** The service's EvaluationFailed event: the error just recorded, where it
** arose (the field, "Output/result") and the state's name.
*/
void
aslp_jn_evaluation_failed(asl_ctx *ctx, const char *field)
{
	json_t *d = NULL;

	if (aslp_recording(ctx)) {
		d = aslp_error_details(ctx);
		if (d) {
			json_object_set_new(d, "location", json_string(field));
			if (ctx->state)
				json_object_set_new(d, "state", json_string(ctx->state->name));
		}
	}
	aslp_event(ctx, "EvaluationFailed", d);
}

/*
** A JSONata field's value, or NULL with States.QueryEvaluationError
** recorded, its cause as the service words it.
*/
static json_t *
jsonata_value(asl_ctx *ctx, const asl_jexpr *x, const char *field, const struct jn_scope *s)
{
	struct jn_err err;
	struct jn_v r = aslp_jn_eval(x, ctx->run->prog->kvals, s, &err);

	if (r.j)
		return r.j;
	if (err.code && strcmp(err.code, "U1000") == 0) {
		aslp_oom(ctx);
		return NULL;
	}
	if (err.code)
		aslp_fail_state(ctx, "States.QueryEvaluationError",
				"The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %s: %s",
				x->text, field, err.code, err.message);
	else
		aslp_fail_state(ctx, "States.QueryEvaluationError",
				err.function ? "The JSONata expression '%s' specified for the field '%s' returned an unsupported result type." :
				"The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).",
				x->text, field);
	aslp_jn_evaluation_failed(ctx, field);
	return NULL;
}

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
	case ASL_T_JSONATA:
		return jsonata_value(b->ctx, n->jsonata, n->field, b->jn);
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
	b.jn = NULL;
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

static int assign_values(asl_ctx *ctx, json_t *vals);

int
asl_assign(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	return assign_values(ctx, apply(ctx, t, json_incref(v)));
}

/* Set the variables of vals (consumed) from the next state on. */
static int
assign_values(asl_ctx *ctx, json_t *vals)
{
	json_t *next, *val, *old;
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
	next = ctx->next_vars ? ctx->next_vars : ctx->vars ? aslp_json_copy(ctx->vars) : json_object();
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

/* ---- JSONata ---- */

json_t *
aslp_jn_template(asl_ctx *ctx, const asl_template *t, json_t *input, json_t *result,
		 json_t *error_output)
{
	struct jn_scope s;
	struct build b;

	memset(&s, 0, sizeof s);
	s.input = input;
	s.result = result;
	s.error_output = error_output;
	s.ctx = ctx;
	b.ctx = ctx;
	b.nodes = t->nodes;
	b.i = 0;
	b.input = input;
	b.jn = &s;
	return build(&b);
}

json_t *
asl_jn_arguments(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	json_t *out;

	if (ctx->test)
		aslp_test_reach(ctx, ASLP_TS_AFTER_PARAMETERS - 1);
	out = aslp_jn_template(ctx, t, v, NULL, NULL);
	if (ctx->test)
		aslp_test_step(ctx, ASLP_TS_AFTER_PARAMETERS, out);
	aslp_release(ctx, v);
	return out;
}

int
asl_jn_assign(asl_ctx *ctx, const asl_template *t, json_t *in, json_t *result)
{
	json_t *vals = aslp_jn_template(ctx, t, in, result, NULL);

	return vals ? assign_values(ctx, vals) : ASL_FAIL;
}

json_t *
asl_jn_output(asl_ctx *ctx, const asl_template *t, json_t *in, json_t *result)
{
	json_t *out;

	if (!t) {
		if (!result)
			return in;
		aslp_release(ctx, in);
		return result;
	}
	out = aslp_jn_template(ctx, t, in, result, NULL);
	aslp_release(ctx, in);
	aslp_release(ctx, result);
	return out;
}

json_t *
asl_jn_catch(asl_ctx *ctx, const asl_template *assign, const asl_template *output, json_t *in)
{
	json_t *err = ctx->caught, *out;

	ctx->caught = NULL;
	if (!err) {		/* not reached: asl_recover made it */
		aslp_release(ctx, in);
		aslp_fail(ctx, "States.Runtime", "internal error: no error output");
		return NULL;
	}
	if (assign) {
		json_t *vals = aslp_jn_template(ctx, assign, in, NULL, err);

		if (!vals || assign_values(ctx, vals)) {
			aslp_release(ctx, in);
			json_decref(err);
			return NULL;
		}
	}
	if (!output) {
		aslp_release(ctx, in);
		return err;
	}
	out = aslp_jn_template(ctx, output, in, NULL, err);
	aslp_release(ctx, in);
	json_decref(err);
	return out;
}

/* What the service calls a value's type in its causes. */
static const char *
type_word(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER:
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

static int jn_unexpected(asl_ctx *ctx, const asl_template *t, const char *want, json_t *v);

int
aslp_jn_unexpected(asl_ctx *ctx, const asl_template *t, const char *want, json_t *v)
{
	int r = jn_unexpected(ctx, t, want, v);

	aslp_jn_evaluation_failed(ctx, t->nodes[0].field ? t->nodes[0].field : "");
	return r;
}

static int
jn_unexpected(asl_ctx *ctx, const asl_template *t, const char *want, json_t *v)
{
	char *text = aslp_render(ctx, v);
	const asl_tnode *n = &t->nodes[0];

	if (n->kind == ASL_T_JSONATA)
		aslp_fail_state(ctx, "States.QueryEvaluationError",
				"The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected '%s', but was '%s' for value: %s",
				n->jsonata->text, n->field, want, type_word(v), text ? text : "");
	else
		aslp_fail_state(ctx, "States.QueryEvaluationError",
				"The field '%s' has an unexpected type. Expected '%s', but was '%s' for value: %s",
				n->field ? n->field : "?", want, type_word(v), text ? text : "");
	free(text);
	return ASL_FAIL;
}

int
asl_jn_condition(asl_ctx *ctx, const asl_template *t, json_t *in)
{
	json_t *v = aslp_jn_template(ctx, t, in, NULL, NULL);
	int r;

	if (!v)
		return -1;
	if (!json_is_boolean(v)) {
		aslp_jn_unexpected(ctx, t, "boolean", v);
		json_decref(v);
		return -1;
	}
	r = json_is_true(v);
	json_decref(v);
	return r;
}
