/*
** test_jsonata.c - the JSONata parser's trees and errors, one expression
** at a time, for tests/jsonata/parse.sh to compare with the reference's.
**
**	test_jsonata < lines	each line a JSON string, an expression
**
** For each it prints one line: {"ast": TREE} (jn_dump) or {"error":
** {"code", "position", "token", "value", "message"}}, positions in UTF-16
** units as the reference counts them.
*/
#include "aslc.h"
#include "jsonata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Byte offset in UTF-16 units (as jn_dump counts). */
static int
units(const char *s, size_t len, int off)
{
	int n = 0;
	size_t i;

	for (i = 0; i < (size_t)off && i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n += (unsigned char)s[i] >= 0xf0 ? 2 : 1;
	return n + (off > (int)len ? off - (int)len : 0);
}

static json_t *
text_value(const char *t)
{
	json_error_t e;

	return t ? json_loads(t, JSON_DECODE_ANY, &e) : json_null();
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_error_t je;
		json_t *s = json_loadb(line, (size_t)n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je), *out;
		struct jn_error err;
		struct jn_node *tree;
		const char *src;
		size_t len;
		char *text;

		if (!json_is_string(s)) {
			fprintf(stderr, "test_jsonata: not a JSON string: %s", line);
			return 2;
		}
		src = json_string_value(s);
		len = json_string_length(s);
		tree = jn_parse(src, len, &err);
		if (tree)
			out = json_pack("{s:o}", "ast", jn_dump(tree, src));
		else
			out = json_pack("{s:{s:s?, s:o, s:o, s:o, s:s}}", "error", "code", err.code,
					"position", err.position < 0 ? json_null() :
					json_integer(units(src, len, err.position)), "token",
					text_value(err.token), "value", text_value(err.value),
					"message", err.message);
		if (!tree && err.position < 0)	/* the reference has none */
			json_object_del(json_object_get(out, "error"), "position");
		text = json_dumps(out, JSON_COMPACT | JSON_ENCODE_ANY);
		puts(text);
		free(text);
		json_decref(out);
		json_decref(s);
		arena_free();
	}
	free(line);
	return 0;
}
