/*
** test_jneval.c - JSONata expressions evaluated as a workflow does, for
** tests/jsonata/eval.sh to compare with the reference's results.
**
**	test_jneval [--oom] < lines
**
** Each line is {"expr": TEXT, "data": VALUE, "bindings": {NAME: VALUE}};
** data (optional) is the input document ($), which a workflow's
** expressions do not have but the reference's tests do; bindings stand
** for the workflow's variables. The expression is parsed by aslc's parser
** and lowered to the tables aslc emits (jnlower.c), then evaluated by the
** runtime (jneval.c). Each output line is {"value": V}, {"undefined":
** true}, {"function": true}, {"error": {"code"}}, or
** {"refused": WHY} when aslc does not compile the expression.
**
** With --oom, each expression is evaluated again with its first, second,
** third... allocation of a JSON value failing, until one makes fewer:
** each result must be the expression's own or an error, never another
** value. The error is U1000 (out of memory) but where jansson's parser
** ($parse) does not say that an allocation failed: it prints how many
** expressions and failures it ran, and how many of those gave another.
*/
#include "../../compiler/aslc.h"
#include "../../compiler/jsonata.h"
#include "../../runtime/jsonata.h"

#include "failalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long others;		/* failures reported as errors other than U1000 */

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

/* out as a line of text to free; out is released. */
static char *
dumped(json_t *out)
{
	char *text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(out);
	if (!text)
		die("out of memory");
	return text;
}

/* The result of x on in's data, as a line of text to free. */
static char *
eval(const asl_jexpr *x, json_t *in)
{
	struct jn_scope scope;
	struct jn_err err;
	struct jn_v r;
	json_t *out;

	memset(&scope, 0, sizeof scope);
	scope.focus = json_object_get(in, "data");
	scope.vars = json_object_get(in, "bindings");
	r = aslp_jn_eval(x, kvals, &scope, &err);
	failalloc_arm(0);
	if (err.code)
		out = json_pack("{s:{s:s}}", "error", "code", err.code);
	else if (err.function)
		out = json_pack("{s:b}", "function", 1);
	else if (r.j)
		out = json_pack("{s:O}", "value", r.j);
	else
		out = json_pack("{s:b}", "undefined", 1);
	aslp_jn_unref(r);
	return dumped(out);
}

/* The line's result; with oom, the failures tried are added to *failures. */
static char *
run(json_t *in, bool oom, long *failures)
{
	static const char nomem[] = "{\"error\":{\"code\":\"U1000\"}}";
	static const char error[] = "{\"error\":";
	json_t *e = json_object_get(in, "expr");
	const char *src = json_string_value(e), *why = NULL;
	struct jn_error perr;
	struct jn_node *root;
	struct jexpr *jx;
	asl_jexpr x;
	char *text;
	long k;

	if (!src)
		die("a line without \"expr\"");
	root = jn_parse(src, json_string_length(e), &perr);
	if (!root)
		return dumped(json_pack("{s:{s:s?}}", "error", "code", perr.code));
	jx = jexpr_lower(NULL, root, arena_strndup(src, json_string_length(e)), &why);
	if (!jx)
		return dumped(json_pack("{s:s}", "refused", why));
	x.text = jx->text;
	x.nodes = jx->nodes;
	x.lists = jx->lists;
	x.root = jx->root;
	text = eval(&x, in);
	for (k = 1; oom; k++) {
		char *got;

		failalloc_arm(k);
		got = eval(&x, in);
		if (failalloc_count < k) {	/* the evaluation made fewer: all have failed */
			free(got);
			break;
		}
		++*failures;
		if (strcmp(got, text) != 0 && strcmp(got, nomem) != 0) {
			if (strncmp(got, error, sizeof error - 1) != 0) {
				fprintf(stderr, "test_jneval: with allocation %ld failing, %s gives %s, "
					"neither %s nor an error\n", k, src, got, text);
				exit(1);
			}
			others++;
		}
		free(got);
	}
	return text;
}

int
main(int argc, char **argv)
{
	bool oom = argc > 1 && strcmp(argv[1], "--oom") == 0;
	long lines = 0, failures = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	json_set_alloc_funcs(failalloc_malloc, free);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *in = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &je);
		char *text;
		int i;

		if (!in) {
			fprintf(stderr, "test_jneval: a bad line: %s", line);
			free(line);
			return 2;
		}
		text = run(in, oom, &failures);
		if (!oom)
			puts(text);
		lines++;
		free(text);
		json_decref(in);
		for (i = 0; i < nkval; i++)
			json_decref(kvals[i]);
		nkval = 0;
		arena_free();
	}
	free(kvals);
	free(line);
	if (oom)
		printf("%ld expressions, %ld failed allocations, %ld of them other errors than U1000\n",
		       lines, failures, others);
	return 0;
}
