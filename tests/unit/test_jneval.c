/*
** test_jneval.c - JSONata expressions evaluated as a workflow does, for
** tests/jsonata/eval.sh to compare with the reference's results.
**
**	test_jneval < lines
**
** Each line is {"expr": TEXT, "data": VALUE, "bindings": {NAME: VALUE}};
** data (optional) is the input document ($), which a workflow's
** expressions do not have but the reference's tests do; bindings stand
** for the workflow's variables. The expression is parsed by aslc's parser
** and lowered to the tables aslc emits (jnlower.c), then evaluated by the
** runtime (jneval.c). Each output line is {"value": V}, {"undefined":
** true}, {"function": true}, {"error": {"code"}}, or
** {"refused": WHY} when aslc does not compile the expression.
*/
#include "../../compiler/aslc.h"
#include "../../compiler/jsonata.h"
#include "../../runtime/jsonata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The program's constants, as parse.c keeps them; one table per line. */
static json_t **kvals;
static int nkval, kcap;

int
parse_const(struct program *prog, const char *json)
{
	json_error_t je;

	(void)prog;
	if (nkval == kcap) {
		kcap = kcap ? 2 * kcap : 16;
		kvals = xrealloc(kvals, (size_t)kcap * sizeof *kvals);
	}
	kvals[nkval] = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!kvals[nkval])
		die("constant %s: %s", json, je.text);
	return nkval++;
}

static json_t *
run(json_t *in)
{
	json_t *e = json_object_get(in, "expr");
	const char *text = json_string_value(e), *why = NULL;
	struct jn_error perr;
	struct jn_node *root;
	struct jexpr *jx;
	asl_jexpr x;
	struct jn_scope scope;
	struct jn_err err;
	struct jn_v r;
	json_t *out;

	if (!text)
		die("a line without \"expr\"");
	root = jn_parse(text, json_string_length(e), &perr);
	if (!root)
		return json_pack("{s:{s:s?}}", "error", "code", perr.code);
	jx = jexpr_lower(NULL, root, arena_strndup(text, json_string_length(e)), &why);
	if (!jx)
		return json_pack("{s:s}", "refused", why);
	x.text = jx->text;
	x.nodes = jx->nodes;
	x.lists = jx->lists;
	x.root = jx->root;
	memset(&scope, 0, sizeof scope);
	scope.focus = json_object_get(in, "data");
	scope.vars = json_object_get(in, "bindings");
	r = aslp_jn_eval(&x, kvals, &scope, &err);
	if (err.code)
		out = json_pack("{s:{s:s}}", "error", "code", err.code);
	else if (err.function)
		out = json_pack("{s:b}", "function", 1);
	else if (r.j)
		out = json_pack("{s:O}", "value", r.j);
	else
		out = json_pack("{s:b}", "undefined", 1);
	aslp_jn_unref(r);
	return out;
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *in = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &je), *out;
		char *text;
		int i;

		if (!in) {
			fprintf(stderr, "test_jneval: a bad line: %s", line);
			free(line);
			return 2;
		}
		out = run(in);
		text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
		puts(text);
		free(text);
		json_decref(out);
		json_decref(in);
		for (i = 0; i < nkval; i++)
			json_decref(kvals[i]);
		nkval = 0;
		arena_free();
	}
	free(kvals);
	free(line);
	return 0;
}
