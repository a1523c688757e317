/*
** jsoneq.c - compare two JSON documents for the test suite.
**
**	jsoneq EXPECTED ACTUAL		exit 0 if equal, 1 if not (with the
**					first difference on stderr), 2 on error
**	jsoneq --lines EXPECTED ACTUAL	ACTUAL is JSON lines (a history),
**					compared as the array of its lines
**	jsoneq --present K1,K2 E A	the top-level keys K1, K2 must be in
**					A; compared only where E has them
**	jsoneq --text E A		a string of A that holds JSON text
**					matches where E has what it holds
**					(TestState's fields are JSON text)
**
** Object key order is ignored, numbers compare by value (1 == 1.0, but
** true != 1), strings exactly. In EXPECTED, the string "<any>" matches any
** value and "<timestamp>" any string shaped like 2024-01-02T03:04:05.678Z,
** for values that change from run to run; inside a string, "<uuid>"
** matches any UUID (request ids in causes).
*/
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool text_mode;	/* --text */

static bool
timestamp_like(const char *s)
{
	const char *shape = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (strlen(s) != strlen(shape))
		return false;
	for (; *s; s++, shape++)
		if (*shape == 'd' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return false;
	return true;
}

/* Does a match e, where "<uuid>" in e stands for any UUID? */
static bool
string_match(const char *e, const char *a)
{
	const char *shape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	while (*e) {
		if (strncmp(e, "<uuid>", 6) == 0) {
			for (i = 0; shape[i]; i++, a++)
				if (shape[i] == '-' ? *a != '-' :
				    !((*a >= '0' && *a <= '9') || (*a >= 'a' && *a <= 'f')))
					return false;
			e += 6;
		} else if (*e++ != *a++) {
			return false;
		}
	}
	return *a == '\0';
}

static bool
equal(json_t *e, json_t *a, char *where, size_t size)
{
	size_t len = strlen(where), i;
	const char *key;
	json_t *ev;

	if (json_is_string(e) && strcmp(json_string_value(e), "<any>") == 0)
		return true;
	if (json_is_string(e) && strcmp(json_string_value(e), "<timestamp>") == 0)
		return json_is_string(a) && timestamp_like(json_string_value(a));
	if (json_is_string(e) && json_is_string(a) && strstr(json_string_value(e), "<uuid>"))
		return string_match(json_string_value(e), json_string_value(a));
	if (json_is_number(e) && json_is_number(a))
		return json_number_value(e) == json_number_value(a);
	if (text_mode && json_is_string(a) && !json_is_string(e)) {
		json_t *held = json_loads(json_string_value(a), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		bool ok = held && equal(e, held, where, size);

		json_decref(held);
		return ok;
	}
	if (json_typeof(e) != json_typeof(a))
		return false;
	switch (json_typeof(e)) {
	case JSON_OBJECT:
		if (json_object_size(e) != json_object_size(a))
			return false;
		json_object_foreach(e, key, ev) {
			json_t *av = json_object_get(a, key);

			snprintf(where + len, size - len, ".%s", key);
			if (!av || !equal(ev, av, where, size))
				return false;
		}
		where[len] = '\0';
		return true;
	case JSON_ARRAY:
		if (json_array_size(e) != json_array_size(a))
			return false;
		for (i = 0; i < json_array_size(e); i++) {
			snprintf(where + len, size - len, "[%zu]", i);
			if (!equal(json_array_get(e, i), json_array_get(a, i), where, size))
				return false;
		}
		where[len] = '\0';
		return true;
	default:
		return json_equal(e, a);
	}
}

/* The JSON lines of file as an array; NULL (with err) if one is not JSON. */
static json_t *
load_lines(const char *file, json_error_t *err)
{
	FILE *f = fopen(file, "r");
	json_t *a = json_array(), *v;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	if (!f) {
		snprintf(err->text, sizeof err->text, "cannot open it");
		json_decref(a);
		return NULL;
	}
	while (getline(&line, &cap, f) > 0) {
		n++;
		v = json_loads(line, JSON_DECODE_ANY | JSON_ALLOW_NUL, err);
		if (!v) {
			snprintf(err->text, sizeof err->text, "line %d is not JSON", n);
			json_decref(a);
			a = NULL;
			break;
		}
		json_array_append_new(a, v);
	}
	free(line);
	fclose(f);
	return a;
}

/*
** --present KEYS: each top-level key of the comma-separated list must be
** in the actual object; it is compared only where EXPECTED has it too.
*/
static bool
present(json_t *e, json_t *a, const char *keys, char *where, size_t size)
{
	char key[256];
	size_t n;

	while (*keys) {
		n = strcspn(keys, ",");
		snprintf(key, sizeof key, "%.*s", (int)n, keys);
		keys += n + (keys[n] == ',');
		if (!json_is_object(a) || !json_object_get(a, key)) {
			snprintf(where, size, "$.%s (missing)", key);
			return false;
		}
		if (!json_object_get(e, key))
			json_object_del(a, key);
	}
	return true;
}

int
main(int argc, char **argv)
{
	json_error_t err;
	json_t *e, *a;
	char where[4096] = "$";
	const char *keys = NULL;
	bool ok, lines = false;

	for (; argc > 3 && argv[1][0] == '-'; argc--, argv++) {
		if (strcmp(argv[1], "--lines") == 0) {
			lines = true;
		} else if (strcmp(argv[1], "--text") == 0) {
			text_mode = true;
		} else if (strcmp(argv[1], "--present") == 0 && argc > 4) {
			keys = argv[2];
			argc--, argv++;
		} else {
			break;
		}
	}
	if (argc != 3) {
		fputs("usage: jsoneq [--lines] [--text] [--present KEY,...] EXPECTED ACTUAL\n", stderr);
		return 2;
	}
	e = json_load_file(argv[1], JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!e) {
		fprintf(stderr, "jsoneq: %s: %s\n", argv[1], err.text);
		return 2;
	}
	a = lines ? load_lines(argv[2], &err) :
		json_load_file(argv[2], JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!a) {
		fprintf(stderr, "jsoneq: %s is not JSON: %s\n", argv[2], err.text);
		json_decref(e);
		return 1;
	}
	ok = (!keys || present(e, a, keys, where, sizeof where)) &&
	     equal(e, a, where, sizeof where);
	if (!ok)
		fprintf(stderr, "jsoneq: documents differ at %s\n", where);
	json_decref(e);
	json_decref(a);
	return ok ? 0 : 1;
}
