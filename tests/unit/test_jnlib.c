/*
** test_jnlib.c - the JSONata standard library, one call at a time, for
** tests/jsonata/lib.sh to compare with the reference's results.
**
**	test_jnlib < lines
**
** Each line is {"fn": NAME, "args": [ARG...]}, an ARG {"v": VALUE} or {}
** for undefined. The call runs with an undefined context, as JSONata in
** a state machine has no input document. Each output line is the result
** as the reference's evaluate() gives it (a sequence of one is its item,
** of none undefined): {"value": V}, {"undefined": true}, or {"error":
** {"code", "message"}}.
*/
#include "jsonata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *in = json_loadb(line, (size_t)n, 0, &je), *args, *out;
		const struct jn_builtin *b;
		struct jn_v argv[16], r, none = { 0 };
		struct jn_err err;
		size_t i, argc;
		char *text;

		if (!in || !(b = aslp_jn_builtin(json_string_value(json_object_get(in, "fn"))))) {
			fprintf(stderr, "test_jnlib: a bad line: %s", line);
			return 2;
		}
		args = json_object_get(in, "args");
		argc = json_array_size(args) < 16 ? json_array_size(args) : 16;
		memset(argv, 0, sizeof argv);
		for (i = 0; i < argc; i++) {
			argv[i].j = json_object_get(json_array_get(args, i), "v");
			argv[i].seq = false;
		}
		r = aslp_jn_call(b, argv, (int)argc, none, &err);
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
		puts(text);
		free(text);
		json_decref(out);
		json_decref(in);
	}
	free(line);
	return 0;
}
