/*
** load.c - read a definition and parse its JSON (or its YAML, yaml.c).
**
** Duplicate keys are rejected (the service would silently keep the last
** one, which is never what the author meant). jansson reports parse errors
** with a line and a character column, which become diagnostics.
*/
#include "aslc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read all of path (- for stdin); a fatal error on failure. */
char *
read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *buf;

	if (!f)
		fatal("cannot open %s: %s", path, strerror(errno));
	buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0)
			buf = xrealloc(buf, cap *= 2);
	}
	if (ferror(f))
		fatal("cannot read %s: %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
** jansson reports a duplicate key where the key ends; point at its
** opening quote instead (keys do not span lines).
*/
static int
key_column(const char *src, int end, int col)
{
	int i = end - 2;	/* the closing quote is at end - 1 */

	while (i > 0 && !(src[i] == '"' && src[i - 1] != '\\')) {
		if (((unsigned char)src[i] & 0xc0) != 0x80)
			col--;
		i--;
	}
	return col - 1;
}

/*
** The key in jansson's "duplicate object key near '"k"'", as ' "k"', or ""
** when jansson leaves it out (long keys).
*/
static const char *
quoted_key(const char *text)
{
	static char buf[160];
	const char *near = strstr(text, " near '");
	size_t n;

	if (!near)
		return "";
	near += strlen(" near '");
	n = strlen(near);
	if (n < 1 || n > sizeof buf - 2)
		return "";
	snprintf(buf, sizeof buf, " %.*s", (int)n - 1, near);
	return buf;
}

/* root if it is an object; else NULL after saying what it must be. */
static json_t *
check_root(json_t *root, const char *what)
{
	struct loc loc = { "", false };

	if (json_is_object(root))
		return root;
	diag_error(loc, "a state machine definition is %s", what);
	json_decref(root);
	return NULL;
}

json_t *
load_definition(const char *file, char **src, size_t *len)
{
	*src = read_file(file, len);
	return load_text(file, *src, *len);
}

json_t *
load_text(const char *file, const char *src, size_t len)
{
	json_error_t err;
	json_t *root;
	const char *dot = strrchr(file, '.');
	size_t bom;

	diag_init(file, src, len);
	if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)) {
		struct jsonloc *locs;

		root = load_yaml(src, len, &locs);
		if (!root)
			return NULL;
		diag_set_locs(locs);
		return check_root(root, "a mapping");
	}
	if (memchr(src, '\0', len)) {
		diag_error_at(0, 0, "the file contains a NUL byte; a definition is JSON text");
		return NULL;
	}
	/* A UTF-8 byte order mark is not part of the JSON text. */
	bom = len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	root = json_loadb(src + bom, len - bom, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (strncmp(err.text, "duplicate object key", 20) == 0)
			diag_error_at(err.line, key_column(src + bom, err.position, err.column),
				      "duplicate key%s: each key may appear once in an object",
				      quoted_key(err.text));
		else if (strstr(err.text, "JSON_ALLOW_NUL"))
			diag_error_at(err.line, err.column, "a string holds \\u0000 (NUL), which aslc does not accept in a definition");
		else if (strstr(err.text, "too big integer"))
			diag_error_at(err.line, err.column, "an integer too large for 64 bits");
		else if (strstr(err.text, "real number overflow"))
			diag_error_at(err.line, err.column, "a number too large for a double");
		else
			diag_error_at(err.line, err.column, "malformed JSON: %s", err.text);
		return NULL;
	}
	return check_root(root, "a JSON object");
}
