/*
** path.c - the JSONPath parser.
**
** The service evaluates paths with Jayway JsonPath, in an old version
** (about 2.2): dot names run to the next '.' or '[' and may hold '-' or
** ':'; bracket names are quoted with ' or " and keep their backslashes;
** there are no negative indexes ([-1] selects nothing) but
** [(@.length-1)] works; slices have no step; a list of names
** ['a','b'] may only end a path, where it selects an object.
**
** Each path is parsed once, here, into steps that the runtime follows
** (asl_seg); a filter [?(...)] becomes a small expression tree whose
** constants join the program's constant table.
*/
#include "aslc.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct program *prog;
	const char *s;		/* cursor */
	const char *err;	/* first error, or NULL */
	bool in_filter;		/* paths end at operators and spaces */
	bool in_call;		/* paths end at ',', ')' and spaces */
	int depth;		/* of nested filters and parentheses */
};

/* Filters nest within filters and parentheses; a path is not a program. */
#define MAX_FILTER_DEPTH 32

static bool
fail(struct parser *ps, const char *fmt, ...) ASLC_PRINTF(2, 3);

static bool
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	struct strbuf b = { 0 };
	char buf[512];

	if (ps->err)
		return false;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sb_puts(&b, buf);
	ps->err = arena_strdup(b.s);
	sb_free(&b);
	return false;
}

static struct seg *
add_seg(struct path *p, enum seg_kind kind)
{
	if (p->nseg == p->segcap) {
		struct seg *old = p->segs;

		p->segcap = p->segcap ? p->segcap * 2 : 4;
		p->segs = arena_alloc((size_t)p->segcap * sizeof *p->segs);
		if (old)
			memcpy(p->segs, old, (size_t)p->nseg * sizeof *old);
	}
	p->segs[p->nseg].kind = kind;
	return &p->segs[p->nseg++];
}

static void
skip_spaces(struct parser *ps)
{
	while (*ps->s == ' ')
		ps->s++;
}

/* Does a dot name end at c? */
static bool
name_end(const struct parser *ps, char c)
{
	if (c == '\0' || c == '.' || c == '[' || c == '(')
		return true;
	if (ps->in_call && !ps->in_filter && strchr(" \t\n\r,)", c))
		return true;
	return ps->in_filter && strchr(" )=!<>&|,", c);
}

static bool
parse_int(struct parser *ps, int64_t *v)
{
	char *end;
	long long n;

	if (!*ps->s)
		return fail(ps, "the path ends inside '[...]'");
	if (!(isdigit((unsigned char)*ps->s) ||
	      (*ps->s == '-' && isdigit((unsigned char)ps->s[1]))))
		return fail(ps, "expected a number, a quoted name, '*' or '?(' at '%s'", ps->s);
	errno = 0;
	n = strtoll(ps->s, &end, 10);
	if (errno == ERANGE || n > INT32_MAX || n < INT32_MIN)
		return fail(ps, "index %.*s is out of range", (int)(end - ps->s), ps->s);
	*v = n;
	ps->s = end;
	return true;
}

static bool parse_filter(struct parser *ps, struct filter **out);

/* After '[': a filter, names, indexes, a slice or a wildcard, and ']'. */
static bool
parse_bracket(struct parser *ps, struct path *p)
{
	struct seg *sg;

	skip_spaces(ps);
	if (*ps->s == '?') {
		ps->s++;
		skip_spaces(ps);
		if (*ps->s != '(')
			return fail(ps, "expected '(' after '[?'");
		ps->s++;
		sg = add_seg(p, SEG_FILTER);
		if (!parse_filter(ps, &sg->filter))
			return false;
		skip_spaces(ps);
		if (*ps->s != ')')
			return fail(ps, "expected ')' to close the filter at '%s'", ps->s);
		ps->s++;
	} else if (*ps->s == '(') {
		/* [(@.length-N)]: the Nth element from the end. */
		const char *form = "(@.length-";
		int64_t n;

		if (strncmp(ps->s, form, strlen(form)) != 0)
			return fail(ps, "only the script [(@.length-N)] is supported in brackets");
		ps->s += strlen(form);
		if (!parse_int(ps, &n) || n < 1)
			return fail(ps, "expected a positive number in (@.length-N)");
		if (*ps->s != ')')
			return fail(ps, "expected ')' after (@.length-N");
		ps->s++;
		sg = add_seg(p, SEG_INDEX);
		sg->a = -n;
		sg->b = 1;
	} else if (*ps->s == '\'' || *ps->s == '"') {
		const char **keys = NULL;
		int n = 0;

		for (;;) {
			char q = *ps->s;
			const char *start = ++ps->s;

			/* A backslash protects the next character; both stay. */
			while (*ps->s && *ps->s != q) {
				if (*ps->s == '\\' && ps->s[1])
					ps->s++;
				ps->s++;
			}
			if (!*ps->s) {
				free(keys);
				return fail(ps, "the name %c%s is not closed with %c", q, start, q);
			}
			keys = xrealloc(keys, (size_t)(n + 1) * sizeof *keys);
			keys[n++] = arena_strndup(start, (size_t)(ps->s - start));
			ps->s++;
			skip_spaces(ps);
			if (*ps->s != ',')
				break;
			ps->s++;
			skip_spaces(ps);
			if (*ps->s != '\'' && *ps->s != '"') {
				free(keys);
				return fail(ps, "expected a quoted name after ','");
			}
		}
		if (n == 1) {
			sg = add_seg(p, SEG_KEY);
			sg->key = keys[0];
		} else {
			sg = add_seg(p, SEG_KEYS);
			sg->keys = arena_alloc((size_t)n * sizeof *sg->keys);
			memcpy(sg->keys, keys, (size_t)n * sizeof *keys);
			sg->n = n;
		}
		free(keys);
	} else if (*ps->s == '*') {
		ps->s++;
		add_seg(p, SEG_WILDCARD);
	} else {
		int64_t a = SLICE_NONE, b = SLICE_NONE;

		if (*ps->s != ':' && !parse_int(ps, &a))
			return false;
		skip_spaces(ps);
		if (*ps->s == ':') {
			ps->s++;
			skip_spaces(ps);
			if (*ps->s != ']' && !parse_int(ps, &b))
				return false;
			skip_spaces(ps);
			if (*ps->s == ':')
				return fail(ps, "array slices with a step are not supported by the service's JSONPath");
			sg = add_seg(p, SEG_SLICE);
			sg->a = a;
			sg->b = b;
		} else if (*ps->s == ',') {
			int64_t *idx = xmalloc(sizeof *idx);
			int n = 1;

			idx[0] = a;
			while (*ps->s == ',') {
				ps->s++;
				skip_spaces(ps);
				idx = xrealloc(idx, (size_t)(n + 1) * sizeof *idx);
				if (!parse_int(ps, &idx[n++])) {
					free(idx);
					return false;
				}
				skip_spaces(ps);
			}
			sg = add_seg(p, SEG_INDEXES);
			sg->indexes = arena_alloc((size_t)n * sizeof *idx);
			memcpy(sg->indexes, idx, (size_t)n * sizeof *idx);
			sg->n = n;
			free(idx);
		} else {
			sg = add_seg(p, SEG_INDEX);
			sg->a = a;
		}
	}
	skip_spaces(ps);
	if (*ps->s != ']')
		return fail(ps, "expected ']' at '%s'", *ps->s ? ps->s : "the end");
	ps->s++;
	return true;
}

/* A dot name, or a function call such as length(). */
static bool
parse_name(struct parser *ps, struct path *p)
{
	const char *start = ps->s;
	struct seg *sg;

	while (!name_end(ps, *ps->s)) {
		if (*ps->s == ' ')
			return fail(ps, "use bracket notation ['my name'] for a name with a space");
		ps->s++;
	}
	if (ps->s == start)
		return fail(ps, "expected a name after '.'");
	if (*ps->s == '(') {
		if ((size_t)(ps->s - start) == 6 && strncmp(start, "length", 6) == 0 &&
		    ps->s[1] == ')') {
			ps->s += 2;
			add_seg(p, SEG_LENGTH);
			return true;
		}
		return fail(ps, "the function %.*s() is not supported",
			    (int)(ps->s - start), start);
	}
	sg = add_seg(p, SEG_KEY);
	sg->key = arena_strndup(start, (size_t)(ps->s - start));
	return true;
}

/* Can c start a variable's name? Letters, '_', and any non-ASCII byte. */
static bool
is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool
at_path_end(const struct parser *ps)
{
	return *ps->s == '\0' || (ps->in_filter && strchr(" )=!<>&|,", *ps->s)) ||
	       (ps->in_call && !ps->in_filter && strchr(" \t\n\r,)", *ps->s));
}

static struct path *
parse_path(struct parser *ps, bool current_ok)
{
	struct path *p = arena_alloc(sizeof *p);
	const char *start = ps->s;
	int i;

	p->id = -1;
	if (ps->s[0] == '$' && ps->s[1] == '$') {
		p->root = ROOT_CONTEXT;
		ps->prog->uses_context = true;
		ps->s += 2;
	} else if (ps->s[0] == '$') {
		p->root = ROOT_INPUT;
		ps->s++;
		if (is_name_start(*ps->s)) {	/* $name: a variable */
			const char *name = ps->s;

			while (*ps->s && (is_name_start(*ps->s) || isdigit((unsigned char)*ps->s)))
				ps->s++;
			p->root = ROOT_VARIABLE;
			p->var = arena_strndup(name, (size_t)(ps->s - name));
			if (strcmp(p->var, "states") == 0) {
				fail(ps, "$states is reserved: it is not a variable in JSONPath");
				return NULL;
			}
			note_varref(ps->prog, p->var);
		}
	} else if (ps->s[0] == '@' && current_ok) {
		p->root = ROOT_CURRENT;
		ps->s++;
	} else {
		fail(ps, "a path starts with '$'");
		return NULL;
	}
	while (!at_path_end(ps)) {
		if (ps->s[0] == '.' && ps->s[1] == '.') {
			ps->s += 2;
			add_seg(p, SEG_SCAN);
			if (*ps->s == '[') {
				ps->s++;
				if (!parse_bracket(ps, p))
					return NULL;
			} else if (*ps->s == '*') {
				ps->s++;
				add_seg(p, SEG_WILDCARD);
			} else if (!parse_name(ps, p)) {
				return NULL;
			}
		} else if (*ps->s == '.') {
			ps->s++;
			if (*ps->s == '*') {
				ps->s++;
				add_seg(p, SEG_WILDCARD);
			} else if (*ps->s == '[') {	/* Jayway takes $.['a'] */
				ps->s++;
				if (!parse_bracket(ps, p))
					return NULL;
			} else if (!parse_name(ps, p)) {
				return NULL;
			}
		} else if (*ps->s == '[') {
			ps->s++;
			if (!parse_bracket(ps, p))
				return NULL;
		} else {
			fail(ps, "unexpected '%c' in the path", *ps->s);
			return NULL;
		}
	}
	p->text = arena_strndup(start, (size_t)(ps->s - start));
	p->definite = p->reference = true;
	for (i = 0; i < p->nseg; i++) {
		const struct seg *sg = &p->segs[i];
		bool last = i == p->nseg - 1;

		switch (sg->kind) {
		case SEG_KEY:
			break;
		case SEG_INDEX:
			if (sg->b)
				p->reference = false;
			break;
		case SEG_KEYS:
			if (!last) {
				fail(ps, "a list of names ['a','b'] can only end a path (Multi properties can only be used as path leafs)");
				return NULL;
			}
			p->reference = false;
			break;
		case SEG_LENGTH:
			if (!last) {
				fail(ps, "length() can only end a path");
				return NULL;
			}
			p->reference = false;
			break;
		default:
			p->definite = p->reference = false;
		}
	}
	return p;
}

/* ---- filters ---- */

/*
** A constant in a filter: a quoted string ('...' or "...", a backslash
** protecting the next character), a list of constants [a, b], or a JSON
** number, true, false or null. Returns a new reference, or NULL.
*/
static json_t *
parse_value(struct parser *ps)
{
	json_t *v, *item;
	json_error_t err;
	const char *start = ps->s;

	if (*ps->s == '\'' || *ps->s == '"') {
		char q = *ps->s++;
		struct strbuf b = { 0 };

		while (*ps->s && *ps->s != q) {
			if (*ps->s == '\\' && ps->s[1])
				ps->s++;
			sb_putc(&b, *ps->s++);
		}
		if (!*ps->s) {
			sb_free(&b);
			fail(ps, "the string at %s is not closed", start);
			return NULL;
		}
		ps->s++;
		v = json_string(b.s ? b.s : "");
		sb_free(&b);
		if (!v)
			fail(ps, "the string at %s is not valid UTF-8", start);
		return v;
	}
	if (*ps->s == '[') {
		v = json_array();
		ps->s++;
		skip_spaces(ps);
		while (*ps->s != ']') {
			if (!(item = parse_value(ps))) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, item);
			skip_spaces(ps);
			if (*ps->s == ',') {
				ps->s++;
				skip_spaces(ps);
			} else if (*ps->s != ']') {
				json_decref(v);
				fail(ps, "expected ',' or ']' in the list at %s", start);
				return NULL;
			}
		}
		ps->s++;
		return v;
	}
	while (*ps->s && !strchr(" )=!<>&|,]", *ps->s))
		ps->s++;
	v = json_loads(arena_strndup(start, (size_t)(ps->s - start)), JSON_DECODE_ANY, &err);
	if (!v || json_is_object(v) || json_is_array(v)) {
		json_decref(v);
		if (ps->s == start)
			fail(ps, "expected a value in the filter");
		else
			fail(ps, "cannot read the value %.*s in the filter", (int)(ps->s - start), start);
		return NULL;
	}
	return v;
}

/* A constant operand, added to the program's constants. */
static bool
parse_constant(struct parser *ps, struct operand *o)
{
	json_t *v = parse_value(ps);
	char *text;

	if (!v)
		return false;
	text = asl_dumps(v);
	json_decref(v);
	if (!text)
		fatal("out of memory");
	o->konst = parse_const(ps->prog, text);
	free(text);
	return true;
}

/*
** Java regular expressions (what the service's filters use) to POSIX
** extended ones. Outside brackets: \d \D \w \W \s \S become classes, an
** escaped punctuation character stays escaped, \t \n \r become the
** character, and '.' does not match a newline (as in Java). Inside
** brackets, where POSIX has no escapes, \d \w \s become classes and an
** escaped character is placed where POSIX reads it literally. Anything
** else Java has and POSIX has not (groups with '?', possessive
** quantifiers, \b, nested classes) is refused rather than approximated.
*/
static bool
regex_bracket(struct parser *ps, struct strbuf *b)
{
	struct strbuf rest = { 0 };
	bool neg = false, rbracket = false, dash = false, caret = false, first = true;

	if (*ps->s == '^') {
		neg = true;
		ps->s++;
	}
	for (; *ps->s && (*ps->s != ']' || first); first = false) {
		char c = *ps->s;

		if (c == ']') {		/* ']' first is literal */
			rbracket = true;
			ps->s++;
		} else if (c == '[' || (c == '&' && ps->s[1] == '&')) {
			sb_free(&rest);
			return fail(ps, "nested character classes are not supported in filter regular expressions");
		} else if (c == '\\' && ps->s[1]) {
			char e = ps->s[1];

			ps->s += 2;
			if (e == 'd')
				sb_puts(&rest, "0-9");
			else if (e == 'w')
				sb_puts(&rest, "[:alnum:]_");
			else if (e == 's')
				sb_puts(&rest, "[:space:]");
			else if (e == 't')
				sb_putc(&rest, '\t');
			else if (e == 'n')
				sb_putc(&rest, '\n');
			else if (e == 'r')
				sb_putc(&rest, '\r');
			else if (e == ']')
				rbracket = true;
			else if (e == '-')
				dash = true;
			else if (e == '^')
				caret = true;
			else if (!isalnum((unsigned char)e))
				sb_putc(&rest, e);
			else {
				sb_free(&rest);
				return fail(ps, "the escape \\%c inside [...] is not supported in filter regular expressions", e);
			}
		} else if (c == '^') {
			caret = true;
			ps->s++;
		} else {
			sb_putc(&rest, c);
			ps->s++;
		}
	}
	if (*ps->s != ']') {
		sb_free(&rest);
		return fail(ps, "a [ in the regular expression is not closed");
	}
	ps->s++;
	sb_puts(b, neg ? "[^" : "[");
	if (rbracket)
		sb_putc(b, ']');
	sb_puts(b, rest.s ? rest.s : "");
	if (caret)
		sb_putc(b, '^');
	if (dash)
		sb_putc(b, '-');
	sb_putc(b, ']');
	sb_free(&rest);
	return true;
}

static bool
parse_regex(struct parser *ps, struct operand *o)
{
	struct strbuf b = { 0 };
	regex_t re;
	const char *start = ++ps->s;
	int parens = 0;

	while (*ps->s && *ps->s != '/') {
		char c = *ps->s;

		if (c == '\\' && ps->s[1]) {
			char e = ps->s[1];

			ps->s += 2;
			switch (e) {
			case 'd': sb_puts(&b, "[0-9]"); break;
			case 'D': sb_puts(&b, "[^0-9]"); break;
			case 'w': sb_puts(&b, "[[:alnum:]_]"); break;
			case 'W': sb_puts(&b, "[^[:alnum:]_]"); break;
			case 's': sb_puts(&b, "[[:space:]]"); break;
			case 'S': sb_puts(&b, "[^[:space:]]"); break;
			case 't': sb_putc(&b, '\t'); break;
			case 'n': sb_putc(&b, '\n'); break;
			case 'r': sb_putc(&b, '\r'); break;
			default:
				if (isalnum((unsigned char)e)) {
					sb_free(&b);
					return fail(ps, "the regular expression escape \\%c is not supported", e);
				}
				sb_putc(&b, '\\');
				sb_putc(&b, e);
			}
			continue;
		}
		if (c == '[') {
			ps->s++;
			if (!regex_bracket(ps, &b)) {
				sb_free(&b);
				return false;
			}
			continue;
		}
		if ((c == '(' && ps->s[1] == '?') ||
		    (strchr("*+?}", c) && ps->s[1] == '+')) {
			sb_free(&b);
			return fail(ps, "'%.2s' in a regular expression is not supported", ps->s);
		}
		if (c == '(')
			parens++;
		if (c == ')' && --parens < 0) {
			sb_free(&b);
			return fail(ps, "the regular expression has a ')' without '('");
		}
		if (c == '.')
			sb_puts(&b, "[^\n]");
		else
			sb_putc(&b, c);
		ps->s++;
	}
	if (*ps->s != '/') {
		sb_free(&b);
		return fail(ps, "the regular expression /%s is not closed", start);
	}
	if (parens) {
		sb_free(&b);
		return fail(ps, "the regular expression has a '(' without ')'");
	}
	ps->s++;
	while (isalpha((unsigned char)*ps->s)) {
		if (*ps->s != 'i') {
			sb_free(&b);
			return fail(ps, "the regular expression flag '%c' is not supported", *ps->s);
		}
		o->icase = true;
		ps->s++;
	}
	o->regex = arena_strdup(b.s ? b.s : "");
	sb_free(&b);
	if (regcomp(&re, o->regex, REG_EXTENDED | REG_NOSUB) != 0)
		return fail(ps, "the regular expression /%.*s/ is not valid",
			    (int)(ps->s - start - 1), start);
	regfree(&re);
	return true;
}

static bool
parse_operand(struct parser *ps, struct operand *o)
{
	skip_spaces(ps);
	if (*ps->s == '@' || *ps->s == '$') {
		o->path = parse_path(ps, true);
		return o->path != NULL;
	}
	return parse_constant(ps, o);
}

static bool parse_or(struct parser *ps, struct filter **out);

static bool
parse_comparison(struct parser *ps, struct filter **out)
{
	static const struct {
		const char *text;
		enum filter_op op;
	} ops[] = {
		{ "==", FOP_EQ }, { "!=", FOP_NE }, { "<=", FOP_LE },
		{ ">=", FOP_GE }, { "=~", FOP_REGEX }, { "<", FOP_LT },
		{ ">", FOP_GT }, { "nin ", FOP_NIN }, { "in ", FOP_IN },
	};
	struct filter *f = arena_alloc(sizeof *f);
	size_t i;

	f->id = -1;
	skip_spaces(ps);
	if (*ps->s == '!' || *ps->s == '(') {
		bool ok, not = *ps->s == '!';

		if (++ps->depth > MAX_FILTER_DEPTH)
			return fail(ps, "the filter is nested more than %d levels deep", MAX_FILTER_DEPTH);
		ps->s++;
		if (not) {
			f->kind = FILTER_NOT;
			*out = f;
			ok = parse_comparison(ps, &f->a);
		} else {
			ok = parse_or(ps, out);
			skip_spaces(ps);
			if (ok && *ps->s != ')')
				ok = fail(ps, "expected ')' at '%s'", ps->s);
			ps->s += ok;
		}
		ps->depth--;
		return ok;
	}
	if (!parse_operand(ps, &f->l))
		return false;
	skip_spaces(ps);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strncmp(ps->s, ops[i].text, strlen(ops[i].text)) == 0)
			break;
	if (i == sizeof ops / sizeof ops[0]) {
		if (!f->l.path)
			return fail(ps, "a filter needs a comparison or a path to test");
		f->kind = FILTER_EXISTS;
		*out = f;
		return true;
	}
	ps->s += strlen(ops[i].text);
	f->kind = FILTER_CMP;
	f->op = ops[i].op;
	skip_spaces(ps);
	if (f->op == FOP_REGEX) {
		if (*ps->s != '/')
			return fail(ps, "expected /regular expression/ after =~");
		if (!parse_regex(ps, &f->r))
			return false;
	} else if (!parse_operand(ps, &f->r)) {
		return false;
	}
	*out = f;
	return true;
}

static bool
parse_and(struct parser *ps, struct filter **out)
{
	if (!parse_comparison(ps, out))
		return false;
	for (;;) {
		struct filter *f;

		skip_spaces(ps);
		if (strncmp(ps->s, "&&", 2) != 0)
			return true;
		ps->s += 2;
		f = arena_alloc(sizeof *f);
		f->id = -1;
		f->kind = FILTER_AND;
		f->a = *out;
		if (!parse_comparison(ps, &f->b))
			return false;
		*out = f;
	}
}

static bool
parse_or(struct parser *ps, struct filter **out)
{
	if (!parse_and(ps, out))
		return false;
	for (;;) {
		struct filter *f;

		skip_spaces(ps);
		if (strncmp(ps->s, "||", 2) != 0)
			return true;
		ps->s += 2;
		f = arena_alloc(sizeof *f);
		f->id = -1;
		f->kind = FILTER_OR;
		f->a = *out;
		if (!parse_and(ps, &f->b))
			return false;
		*out = f;
	}
}

static bool
parse_filter(struct parser *ps, struct filter **out)
{
	bool was = ps->in_filter;
	bool ok;

	if (++ps->depth > MAX_FILTER_DEPTH)
		return fail(ps, "filters are nested more than %d levels deep", MAX_FILTER_DEPTH);
	ps->in_filter = true;
	ok = parse_or(ps, out);
	ps->in_filter = was;
	ps->depth--;
	return ok;
}

/* Parse the path at text; *end is where it stops. */
static struct path *
parse_at(struct program *prog, const char *text, bool in_call, const char **end,
	 const char **err)
{
	struct parser ps;
	struct path *p;

	ps.prog = prog;
	ps.s = text;
	ps.err = NULL;
	ps.in_filter = false;
	ps.in_call = in_call;
	ps.depth = 0;
	p = parse_path(&ps, false);
	if (p && !in_call && *ps.s)
		fail(&ps, "unexpected '%s' after the path", ps.s);
	*end = ps.s;
	*err = ps.err;
	return ps.err ? NULL : p;
}

struct path *
path_parse(struct program *prog, const char *text, const char **err)
{
	const char *end;

	return parse_at(prog, text, false, &end, err);
}

struct path *
path_parse_arg(struct program *prog, const char *text, const char **end,
	       const char **err)
{
	return parse_at(prog, text, true, end, err);
}
