/*
** test_jnlib.c - the JSONata standard library, one call at a time, for
** tests/jsonata/lib.sh to compare with the reference's results.
**
**	test_jnlib [--oom] < lines
**
** Each line is {"fn": NAME, "args": [ARG...]}, an ARG {"v": VALUE} or {}
** for undefined. The call runs with an undefined context, as JSONata in
** a state machine has no input document. Each output line is the result
** as the reference's evaluate() gives it (a sequence of one is its item,
** of none undefined): {"value": V}, {"undefined": true}, or {"error":
** {"code", "message"}}.
**
** With --oom, each call is made again with its first, second, third...
** allocation of a JSON value failing, until one makes fewer: each result
** must be the call's own or the error U1000 (out of memory), never a
** value short of an item. It prints how many calls and failures it ran.
*/
#include "jsonata.h"

#include "failalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The result of b(argv), as a line of text to free. */
static char *
call(const struct jn_builtin *b, struct jn_v *argv, int argc)
{
	struct jn_v r, none = { 0 };
	struct jn_err err;
	json_t *out;
	char *text;

	r = aslp_jn_call(b, argv, argc, none, &err);
	failalloc_arm(0);
	if (err.code) {
		out = json_pack("{s:{s:s, s:s}}", "error", "code", err.code, "message",
				err.message);
	} else {
		json_t *v = r.j;

		if (r.seq && json_array_size(v) == 0)
			v = NULL;
		else if (r.seq && json_array_size(v) == 1)
			v = json_array_get(v, 0);
		out = v ? json_pack("{s:O}", "value", v) : json_pack("{s:b}", "undefined", 1);
	}
	json_decref(r.j);
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

int
main(int argc, char **argv)
{
	static const char oom[] = "{\"error\":{\"code\":\"U1000\",\"message\":\"out of memory\"}}";
	bool oom_mode = argc > 1 && strcmp(argv[1], "--oom") == 0;
	long calls = 0, failures = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	json_set_alloc_funcs(failalloc_malloc, free);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *in = json_loadb(line, (size_t)n, 0, &je), *args;
		const struct jn_builtin *b;
		struct jn_v a[16];
		size_t i, na;
		long k;
		char *text;

		if (!in || !(b = aslp_jn_builtin(json_string_value(json_object_get(in, "fn"))))) {
			fprintf(stderr, "test_jnlib: a bad line: %s", line);
			return 2;
		}
		args = json_object_get(in, "args");
		na = json_array_size(args) < 16 ? json_array_size(args) : 16;
		memset(a, 0, sizeof a);
		for (i = 0; i < na; i++)
			a[i].j = json_object_get(json_array_get(args, i), "v");
		text = call(b, a, (int)na);
		if (!text) {
			fprintf(stderr, "test_jnlib: out of memory\n");
			return 2;
		}
		if (!oom_mode)
			puts(text);
		calls++;
		for (k = 1; oom_mode; k++) {
			char *got;

			failalloc_arm(k);
			got = call(b, a, (int)na);
			if (failalloc_count < k) {	/* the call made fewer: all have failed */
				free(got);
				break;
			}
			failures++;
			if (!got || (strcmp(got, text) != 0 && strcmp(got, oom) != 0)) {
				fprintf(stderr, "test_jnlib: with allocation %ld failing, %s"
					"gives %s, neither %s nor the error U1000\n",
					k, line, got ? got : "nothing", text);
				return 1;
			}
			free(got);
		}
		free(text);
		json_decref(in);
	}
	free(line);
	if (oom_mode)
		printf("%ld calls, %ld failed allocations\n", calls, failures);
	return 0;
}
