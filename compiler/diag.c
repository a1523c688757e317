/*
** diag.c - diagnostics in the form compilers use:
**
**	order.asl.json:14:15: error: "Next" names unknown state "Chrage" [/States/Validate/Next]
**	aslc: 1 error
**
** Every message names a place in the user's file: the line and column of
** the value (or of the member name), found through jsonloc.c, and the JSON
** Pointer, which is exact even where lines are ambiguous.
*/
#include "aslc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *file = "<input>";
static const char *src;
static size_t srclen;
static struct jsonloc *locs;
static int nerror, nwarn;
static bool werror;

static struct {
	const char *name;
	bool on;
} warnings[] = {
#define WARNING(id, name, on, help) { name, on },
#include "asl.def"
};

void
diag_init(const char *f, const char *s, size_t len)
{
	file = f;
	src = s;
	srclen = len;
}

static bool
locate(struct loc loc, int *line, int *col)
{
	if (!loc.ptr || !src)
		return false;
	if (!locs)
		locs = jsonloc_build(src, srclen);
	return jsonloc_find(locs, loc.ptr, loc.key, line, col);
}

int
diag_line(const char *ptr)
{
	struct loc loc = { ptr, false };
	int line, col;

	return locate(loc, &line, &col) ? line : 0;
}

/*
** Write s with control characters escaped: names in messages come from
** the definition, and must not move the cursor or ring the terminal.
*/
static void
put_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\t')
			fputs("\\t", stderr);
		else if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

static void
vreport(const char *kind, struct loc loc, const char *suffix,
	const char *fmt, va_list ap)
{
	int line, col;
	char *msg;
	va_list aq;
	int n;

	if (locate(loc, &line, &col))
		fprintf(stderr, "%s:%d:%d: %s: ", file, line, col, kind);
	else
		fprintf(stderr, "%s: %s: ", file, kind);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	put_escaped(msg);
	free(msg);
	if (loc.ptr) {
		fputs(" [", stderr);
		put_escaped(*loc.ptr ? loc.ptr : "/");
		fputc(']', stderr);
	}
	if (suffix)
		fprintf(stderr, " [%s]", suffix);
	fputc('\n', stderr);
}

void
diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (++nerror > DIAG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vreport("error", loc, NULL, fmt, ap);
	va_end(ap);
	if (nerror == DIAG_MAX_ERRORS)
		fprintf(stderr, "%s: error: too many errors, the rest are not shown\n", file);
}

void
diag_error_at(int line, int col, const char *fmt, ...)
{
	va_list ap;

	nerror++;
	if (line > 0)
		fprintf(stderr, "%s:%d:%d: error: ", file, line, col);
	else
		fprintf(stderr, "%s: error: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
diag_warn(enum warning w, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	char opt[64];

	if (!warnings[w].on)
		return;
	snprintf(opt, sizeof opt, "-W%s%s", werror ? "error=" : "", warnings[w].name);
	va_start(ap, fmt);
	if (werror) {
		nerror++;
		vreport("error", loc, opt, fmt, ap);
	} else {
		nwarn++;
		vreport("warning", loc, opt, fmt, ap);
	}
	va_end(ap);
}

bool
diag_option(const char *arg)
{
	bool on = true;
	size_t i;

	if (strcmp(arg, "error") == 0) {
		werror = true;
		return true;
	}
	if (strncmp(arg, "no-", 3) == 0) {
		on = false;
		arg += 3;
	}
	for (i = 0; i < sizeof warnings / sizeof warnings[0]; i++) {
		if (strcmp(arg, warnings[i].name) == 0) {
			warnings[i].on = on;
			return true;
		}
	}
	return false;
}

int
diag_errors(void)
{
	return nerror;
}

void
diag_summary(void)
{
	if (!nerror && !nwarn)
		return;
	fprintf(stderr, "aslc: ");
	if (nerror)
		fprintf(stderr, "%d error%s", nerror, nerror == 1 ? "" : "s");
	if (nerror && nwarn)
		fprintf(stderr, ", ");
	if (nwarn)
		fprintf(stderr, "%d warning%s", nwarn, nwarn == 1 ? "" : "s");
	fputc('\n', stderr);
}

void
diag_free(void)
{
	jsonloc_free(locs);
	locs = NULL;
}

void
diag_reset(void)
{
	diag_free();
	file = "<input>";
	src = NULL;
	srclen = 0;
	nerror = nwarn = 0;
}

/* ---- building pointers ---- */

const char *
diag_ptr_member(const char *parent, const char *key)
{
	struct strbuf b = { 0 };
	char *p;

	sb_puts(&b, parent);
	sb_putc(&b, '/');
	for (; *key; key++) {
		if (*key == '~')
			sb_puts(&b, "~0");
		else if (*key == '/')
			sb_puts(&b, "~1");
		else
			sb_putc(&b, *key);
	}
	p = arena_strdup(b.s);
	sb_free(&b);
	return p;
}

const char *
diag_ptr_index(const char *parent, size_t i)
{
	return arena_printf("%s/%zu", parent, i);
}
