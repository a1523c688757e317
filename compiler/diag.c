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
#include <unistd.h>


static const char *file = "<input>";
static const char *src;
static size_t srclen;
static struct jsonloc *locs;
static int nerror, nwarn;
static bool werror;

/* How diagnostics look: -fdiagnostics-*, --diagnostics-format. */
enum { AUTO = -1, OFF, ON };
static int caret = AUTO, color = AUTO;
static bool json_format;
static json_t *records;		/* --diagnostics-format=json: so far */

static struct {
	const char *name;
	bool on;
	bool error;		/* -Werror=name */
	bool extra;		/* off by default; -Wextra turns it on */
} warnings[] = {
#define WARNING(id, name, on, help) { name, on, false, !(on) },
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

void
diag_set_locs(struct jsonloc *jl)
{
	jsonloc_free(locs);
	locs = jl;
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
put_escaped(const char *s, const char *end)
{
	for (; s < end && *s; s++) {
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

static bool
use_color(void)
{
	if (color == AUTO) {
		const char *term = getenv("TERM");

		color = isatty(2) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
	}
	return color == ON;
}

static void
paint(const char *sgr)
{
	if (use_color())
		fprintf(stderr, "\033[%sm", sgr);
}

/* Lines longer than this show a window around the column. */
#define SHOW_WIDTH 100

/*
** Print (if print) the source text s..e starting at display column x,
** and return the column after it: tabs go to the next multiple of 8,
** control characters show as \xNN, a UTF-8 character is one column.
*/
static int
show(const char *s, const char *e, int x, bool print)
{
	for (; s < e; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t') {
			do {
				if (print)
					fputc(' ', stderr);
			} while (++x % 8);
		} else if (c < 0x20 || c == 0x7f) {
			if (print)
				fprintf(stderr, "\\x%02x", c);
			x += 4;
		} else {
			if (print)
				fputc(c, stderr);
			x += (c & 0xc0) != 0x80;
		}
	}
	return x;
}

/* s advanced by n characters, not beyond e */
static const char *
chars(const char *s, const char *e, int n)
{
	for (; s < e && n > 0; n--)
		for (s++; s < e && ((unsigned char)*s & 0xc0) == 0x80; s++)
			;
	return s;
}

/*
** The source line and a caret under the column, as gcc prints them:
**
**	   14 |       "Next": "Chrage"
**	      |               ^
*/
static void
show_caret(int line, int col)
{
	const char *p = src, *end = src + srclen, *q, *from, *at, *stop;
	int n, skip, x;

	if (!src || col < 1)
		return;
	for (n = 1; p < end && n < line; p++)
		if (*p == '\n')
			n++;
	if (n != line)
		return;
	for (q = p; q < end && *q != '\n' && *q != '\r'; q++)
		;
	skip = col > SHOW_WIDTH / 2 + 10 ? col - 1 - SHOW_WIDTH / 2 : 0;
	from = chars(p, q, skip);
	at = chars(from, q, col - 1 - skip);
	stop = chars(from, q, SHOW_WIDTH);
	fprintf(stderr, "%5d | %s", line, skip ? "..." : "");
	show(from, stop, 0, true);
	fputs(stop < q ? "...\n" : "\n", stderr);
	fprintf(stderr, "      | %s", skip ? "   " : "");
	for (x = show(from, at, 0, false); x > 0; x--)
		fputc(' ', stderr);
	paint("1;32");
	fputc('^', stderr);
	paint("");
	fputc('\n', stderr);
}

/*
** Report one diagnostic: kind "error" or "warning", at line:col (0 when
** unknown), with the JSON Pointer ptr and the warning option opt (or
** NULL), as a line of text or a record of --diagnostics-format=json.
*/
static void
emit(const char *kind, int line, int col, const char *ptr, const char *opt,
     const char *msg)
{
	if (json_format) {
		json_t *r;

		if (!records)
			records = json_array();
		r = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o}",
			      "severity", kind, "file", file,
			      "line", line > 0 ? json_integer(line) : json_null(),
			      "column", line > 0 ? json_integer(col) : json_null(),
			      "pointer", ptr ? json_string(ptr) : json_null(),
			      "message", msg,
			      "option", opt ? json_string(opt) : json_null());
		if (!r)		/* msg or a name that is not UTF-8 */
			r = json_pack("{s:s, s:s, s:s}", "severity", kind, "file", "?",
				      "message", "(a diagnostic that is not UTF-8 text)");
		json_array_append_new(records, r);
		return;
	}
	paint("1");
	if (line > 0)
		fprintf(stderr, "%s:%d:%d:", file, line, col);
	else
		fprintf(stderr, "%s:", file);
	paint("");
	fputc(' ', stderr);
	paint(*kind == 'e' ? "1;31" : "1;35");
	fprintf(stderr, "%s:", kind);
	paint("");
	fputc(' ', stderr);
	put_escaped(msg, msg + strlen(msg));
	if (ptr) {
		fputs(" [", stderr);
		put_escaped(*ptr ? ptr : "/", (*ptr ? ptr : "/") + strlen(*ptr ? ptr : "/"));
		fputc(']', stderr);
	}
	if (opt) {
		fputs(" [", stderr);
		paint(*kind == 'e' ? "1;31" : "1;35");
		fputs(opt, stderr);
		paint("");
		fputc(']', stderr);
	}
	fputc('\n', stderr);
	if (line > 0 && (caret == ON || (caret == AUTO && isatty(2))))
		show_caret(line, col);
}

static char *
vformat(const char *fmt, va_list ap)
{
	va_list aq;
	char *msg;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	return msg;
}

static void
vreport(const char *kind, struct loc loc, const char *opt, const char *fmt, va_list ap)
{
	int line = 0, col = 0;
	char *msg = vformat(fmt, ap);

	if (!locate(loc, &line, &col))
		line = col = 0;
	emit(kind, line, col, loc.ptr ? (*loc.ptr ? loc.ptr : "/") : NULL, opt, msg);
	free(msg);
}

static bool
counted_error(void)
{
	if (++nerror > DIAG_MAX_ERRORS)
		return false;
	if (nerror == DIAG_MAX_ERRORS && !json_format)
		fprintf(stderr, "%s: error: too many errors, the rest are not shown\n", file);
	return true;
}

void
diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (!counted_error())
		return;
	va_start(ap, fmt);
	vreport("error", loc, NULL, fmt, ap);
	va_end(ap);
}

/* Where line:col (1-based, columns in characters) is in the source, or NULL. */
static const char *
source_at(int line, int col)
{
	const char *p = src, *end = src + srclen;

	while (--line > 0 && p < end) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	for (; p < end && col > 1; col--) {
		p++;
		while (p < end && ((unsigned char)*p & 0xc0) == 0x80)
			p++;
	}
	return p < end ? p : NULL;
}

/*
** Move line:col from the opening quote of a JSON string to its decoded
** byte offset, reading the escapes on the way (a double-quoted YAML
** string is read the same way); false if the source there is no quoted
** string (a plain or single-quoted YAML scalar): line:col stay at it.
*/
static bool
into_string(int *line, int *col, size_t offset)
{
	const char *p = source_at(*line, *col), *end = src + srclen;
	size_t k = 0;
	int c = *col;

	if (!p || *p != '"')
		return false;
	p++, c++;
	while (p < end && *p != '"' && k < offset) {
		size_t raw = 1, dec = 1;

		if (*p == '\\' && p + 1 < end) {
			raw = 2;
			if (p[1] == 'u' && end - p >= 6) {
				char hex[5] = { p[2], p[3], p[4], p[5], 0 };
				unsigned long v = strtoul(hex, NULL, 16);

				raw = 6;
				dec = v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
				/* A surrogate pair: one character, four bytes. */
				if (v >= 0xd800 && v <= 0xdbff && end - p >= 12 && p[6] == '\\' &&
				    p[7] == 'u')
					raw = 12, dec = 4;
			}
			c += (int)raw;	/* the escape's characters, all ASCII */
		} else {
			while (raw < 4 && p + raw < end && ((unsigned char)p[raw] & 0xc0) == 0x80)
				raw++;
			dec = raw;
			c++;
		}
		p += raw;
		k += dec;
	}
	*col = c;
	return true;
}

/* An error at line:col (0: unknown), with the pointer ptr (or NULL). */
static void
verror_at(int line, int col, const char *ptr, const char *fmt, va_list ap)
{
	char *msg;

	if (!counted_error())
		return;
	msg = vformat(fmt, ap);
	emit("error", line, col, ptr, NULL, msg);
	free(msg);
}

void
diag_error_in(struct loc loc, size_t offset, const char *fmt, ...)
{
	va_list ap;
	int line = 0, col = 0;

	if (!locate(loc, &line, &col))
		line = col = 0;
	else if (!loc.key)
		into_string(&line, &col, offset);
	va_start(ap, fmt);
	verror_at(line, col, loc.ptr ? (*loc.ptr ? loc.ptr : "/") : NULL, fmt, ap);
	va_end(ap);
}

void
diag_error_at(int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(line, col, NULL, fmt, ap);
	va_end(ap);
}

void
diag_warn(enum warning w, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	char opt[64];
	bool error = werror || warnings[w].error;

	if (!warnings[w].on)
		return;
	snprintf(opt, sizeof opt, "-W%s%s", error ? "error=" : "", warnings[w].name);
	if (error && !counted_error())
		return;
	if (!error)
		nwarn++;
	va_start(ap, fmt);
	vreport(error ? "error" : "warning", loc, opt, fmt, ap);
	va_end(ap);
}

/*
** -Wname, -Wno-name, -Werror, -Werror=name, -Wno-error=name, -Wall (the
** warnings on by default), -Wextra (all of them).
*/
bool
diag_option(const char *arg)
{
	bool on = true, error = false;
	size_t i;

	if (strcmp(arg, "error") == 0) {
		werror = true;
		return true;
	}
	if (strcmp(arg, "all") == 0 || strcmp(arg, "extra") == 0) {
		for (i = 0; i < sizeof warnings / sizeof warnings[0]; i++)
			if (arg[0] == 'e' || !warnings[i].extra)
				warnings[i].on = true;
		return true;
	}
	if (strncmp(arg, "no-", 3) == 0) {
		on = false;
		arg += 3;
	}
	if (strncmp(arg, "error=", 6) == 0) {
		error = true;
		arg += 6;
	}
	for (i = 0; i < sizeof warnings / sizeof warnings[0]; i++) {
		if (strcmp(arg, warnings[i].name) == 0) {
			if (error) {
				warnings[i].error = on;
				if (on)
					warnings[i].on = true;
			} else {
				warnings[i].on = on;
			}
			return true;
		}
	}
	return false;
}

/*
** The look of diagnostics: --diagnostics-format=text|json,
** -f[no-]diagnostics-show-caret, -fdiagnostics-color[=auto|always|never],
** -fno-diagnostics-color. Returns false for anything else.
*/
bool
diag_look(const char *arg)
{
	if (strcmp(arg, "--diagnostics-format=text") == 0 ||
	    strcmp(arg, "-fdiagnostics-format=text") == 0)
		json_format = false;
	else if (strcmp(arg, "--diagnostics-format=json") == 0 ||
		 strcmp(arg, "-fdiagnostics-format=json") == 0)
		json_format = true;
	else if (strcmp(arg, "-fdiagnostics-show-caret") == 0)
		caret = ON;
	else if (strcmp(arg, "-fno-diagnostics-show-caret") == 0)
		caret = OFF;
	else if (strcmp(arg, "-fdiagnostics-color") == 0 ||
		 strcmp(arg, "-fdiagnostics-color=always") == 0)
		color = ON;
	else if (strcmp(arg, "-fno-diagnostics-color") == 0 ||
		 strcmp(arg, "-fdiagnostics-color=never") == 0)
		color = OFF;
	else if (strcmp(arg, "-fdiagnostics-color=auto") == 0)
		color = AUTO;
	else
		return false;
	return true;
}

int
diag_errors(void)
{
	return nerror;
}

/*
** Print "aslc: N errors, M warnings" if there were any; under
** --diagnostics-format=json, the one JSON document of the run:
** {"file", "diagnostics": [...], "errors", "warnings"}.
*/
void
diag_summary(void)
{
	if (json_format) {
		json_t *doc = json_pack("{s:s, s:o, s:i, s:i}", "file", file,
					"diagnostics", records ? records : json_array(),
					"errors", nerror, "warnings", nwarn);
		char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

		records = NULL;
		fprintf(stderr, "%s\n", text ? text : "{\"diagnostics\": null}");
		free(text);
		json_decref(doc);
		return;
	}
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
	json_decref(records);
	records = NULL;
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
