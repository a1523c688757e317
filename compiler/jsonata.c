/*
** jsonata.c - the JSONata parser: tokens, a Pratt parser, and the
** post-processing that turns '.' and '[' into location paths.
**
** A port of parser.js and signature.js of jsonata 2.0.6 (MIT licence),
** the version AWS Step Functions runs. The structure follows the
** original, function for function, so that a difference can be found by
** reading the two side by side: tokenizer() is next_token(), the symbol
** table's nud and led functions are nud() and led(), processAST() is
** process(). Positions are byte offsets where the original's are UTF-16
** offsets; the tree is otherwise the one the original builds.
**
** Errors stop the parse with longjmp: nodes are in the arena, so nothing
** needs freeing on the way out.
**
** The original is (c) Copyright IBM Corp. 2016, 2018, project JSONata,
** under the MIT License:
**
**   Permission is hereby granted, free of charge, to any person obtaining a
**   copy of this software and associated documentation files (the
**   "Software"), to deal in the Software without restriction, including
**   without limitation the rights to use, copy, modify, merge, publish,
**   distribute, sublicense, and/or sell copies of the Software, and to
**   permit persons to whom the Software is furnished to do so, subject to
**   the following conditions:
**
**   The above copyright notice and this permission notice shall be
**   included in all copies or substantial portions of the Software.
**
**   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
**   OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
**   MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
**   IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
**   CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
**   TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
**   SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/
#include "aslc.h"
#include "jsonata.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *src;
	size_t len;
	size_t pos;		/* the tokenizer's */
	struct jn_node *node;	/* the current token */
	struct jn_error *err;
	jmp_buf fail;
	int depth;		/* of expression() calls, and of process() */
	int ancestor_label, ancestor_index;
	struct jn_list ancestry;	/* parent nodes, by slot index */
};

static const char *jn_signature_value;

static const char *const type_names[] = {
#define X(t, s) s,
	JN_TYPES(X)
#undef X
};

const char *
jn_type_name(enum jn_type t)
{
	return type_names[t];
}

/* ---- errors ---- */

/* The reference's messages; {{token}} and {{value}} are JSON text there. */
static const struct {
	const char *code, *text;
} messages[] = {
	{ "S0101", "String literal must be terminated by a matching quote" },
	{ "S0102", "Number out of range: {{token}}" },
	{ "S0103", "Unsupported escape sequence: \\{{token}}" },
	{ "S0104", "The escape sequence \\u must be followed by 4 hex digits" },
	{ "S0105", "Quoted property name must be terminated with a backquote (`)" },
	{ "S0106", "Comment has no closing tag" },
	{ "S0201", "Syntax error: {{token}}" },
	{ "S0202", "Expected {{value}}, got {{token}}" },
	{ "S0203", "Expected {{value}} before end of expression" },
	{ "S0204", "Unknown operator: {{token}}" },
	{ "S0205", "Unexpected token: {{token}}" },
	{ "S0206", "Unknown expression type: {{token}}" },
	{ "S0207", "Unexpected end of expression" },
	{ "S0208", "Parameter {{value}} of function definition must be a variable name (start with $)" },
	{ "S0209", "A predicate cannot follow a grouping expression in a step" },
	{ "S0210", "Each step can only have one grouping expression" },
	{ "S0211", "The symbol {{token}} cannot be used as a unary operator" },
	{ "S0212", "The left side of := must be a variable name (start with $)" },
	{ "S0213", "The literal value {{value}} cannot be used as a step within a path expression" },
	{ "S0214", "The right side of {{token}} must be a variable name (start with $)" },
	{ "S0215", "A context variable binding must precede any predicates on a step" },
	{ "S0216", "A context variable binding must precede the 'order-by' clause on a step" },
	{ "S0217", "The object representing the 'parent' cannot be derived from this expression" },
	{ "S0301", "Empty regular expressions are not allowed" },
	{ "S0302", "No terminating / in regular expression" },
	{ "S0401", "Type parameters can only be applied to functions and arrays" },
	{ "S0402", "Choice groups containing parameterized types are not supported" },
};

static void
fill_message(struct jn_error *e)
{
	const char *t = NULL, *p;
	size_t i;

	e->message[0] = '\0';
	for (i = 0; i < sizeof messages / sizeof messages[0]; i++)
		if (strcmp(messages[i].code, e->code) == 0)
			t = messages[i].text;
	if (!t)
		return;
	for (p = t; *p;) {
		size_t n = strlen(e->message);

		if (strncmp(p, "{{token}}", 9) == 0 || strncmp(p, "{{value}}", 9) == 0) {
			const char *v = p[2] == 't' ? e->token : e->value;

			v = v ? v : "undefined";
			if (n + strlen(v) < sizeof e->message)
				strcat(e->message, v);
			p += 9;
		} else if (n + 1 < sizeof e->message) {
			e->message[n] = *p++;
			e->message[n + 1] = '\0';
		} else {
			break;
		}
	}
}

/*
** How deep an expression may nest, and its tree may grow (a long chain of
** a left-associative operator is a deep tree): the reference's limit is
** JavaScript's stack; ours is the compiler's and the generated code's.
*/
#define JN_MAX_NESTING 500
#define JN_MAX_TREE 10000

static void
fail(struct parser *P, const char *code, int position, int start, const char *token,
     const char *value)
{
	struct jn_error *e = P->err;

	e->code = code;
	e->position = position;
	e->start = start;
	e->token = token;
	e->value = value;
	if (code)
		fill_message(e);
	else if (P->depth > JN_MAX_TREE)
		snprintf(e->message, sizeof e->message,
			 "The expression's tree is more than %d levels deep (a chain of operators that long)",
			 JN_MAX_TREE);
	else
		snprintf(e->message, sizeof e->message,
			 "The expression nests more than %d levels deep", JN_MAX_NESTING);
	longjmp(P->fail, 1);
}

/* s as a JSON string, for the messages (jansson escapes as JSON.stringify). */
static const char *
quoted(const char *s)
{
	json_t *j = json_stringn_nocheck(s, strlen(s));
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	const char *r = arena_strdup(t ? t : "\"\"");

	free(t);
	json_decref(j);
	return r;
}

/* ---- lists and nodes ---- */

static void
push(struct jn_list *l, void *v)
{
	if (l->n == l->cap) {
		void **nv = arena_alloc(sizeof *nv * (size_t)(l->cap ? l->cap * 2 : 4));

		if (l->n)
			memcpy(nv, l->v, sizeof *nv * (size_t)l->n);
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 4;
	}
	l->v[l->n++] = v;
}

static struct jn_node *
new_node(enum jn_type type, int position)
{
	struct jn_node *n = arena_alloc(sizeof *n);

	memset(n, 0, sizeof *n);
	n->type = type;
	n->position = n->start = position;
	return n;
}

#define NODE(l, i) ((struct jn_node *)(l).v[i])

/* ---- the tokenizer ---- */

/* The operators, and the binding power each has as an infix operator. */
static const struct {
	const char *op;
	int bp;
} operators[] = {
	{ ".", 75 }, { "[", 80 }, { "]", 0 }, { "{", 70 }, { "}", 0 }, { "(", 80 },
	{ ")", 0 }, { ",", 0 }, { "@", 80 }, { "#", 80 }, { ";", 80 }, { ":", 80 },
	{ "?", 20 }, { "+", 50 }, { "-", 50 }, { "*", 60 }, { "/", 60 }, { "%", 60 },
	{ "|", 20 }, { "=", 40 }, { "<", 40 }, { ">", 40 }, { "^", 40 }, { "**", 60 },
	{ "..", 20 }, { ":=", 10 }, { "!=", 40 }, { "<=", 40 }, { ">=", 40 },
	{ "~>", 40 }, { "and", 30 }, { "or", 25 }, { "in", 40 }, { "&", 50 },
	{ "!", 0 }, { "~", 0 },
};

/* A character that ends a name: an operator of one character, or a blank. */
static bool
stops_name(char c)
{
	return c != '\0' && strchr(" \t\n\r\v.[]{}(),@#;:?+-*/%|=<>^&!~", c) != NULL;
}

static bool
is_blank(char c)
{
	return c != '\0' && strchr(" \t\n\r\v", c) != NULL;
}

static char
at(const struct parser *P, size_t i)
{
	return i < P->len ? P->src[i] : '\0';
}

static struct jn_node *
token(struct parser *P, enum jn_type type, size_t start)
{
	struct jn_node *t = new_node(type, (int)P->pos);

	t->start = (int)start;
	return t;
}

static struct jn_node *
op_token(struct parser *P, const char *op, size_t start)
{
	struct jn_node *t = token(P, JN_OPERATOR, start);

	t->str = op;
	t->len = strlen(op);
	return t;
}

/* UTF-8 of code point c (a lone surrogate becomes U+FFFD) into out. */
static size_t
utf8(unsigned c, char *out)
{
	if (c >= 0xd800 && c <= 0xdfff)
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
** The \u escape's digits at i: four, or fewer where the text ends (the
** reference accepts those too). -1 if none or not hex.
*/
static int
hex4(const struct parser *P, size_t i)
{
	unsigned v = 0;
	int k;

	if (i >= P->len)
		return -1;
	for (k = 0; k < 4 && i + (size_t)k < P->len; k++) {
		char c = at(P, i + (size_t)k);

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return (int)v;
}

/* A string literal; P->pos is on its opening quote. */
static struct jn_node *
string_token(struct parser *P)
{
	char quote = P->src[P->pos], *buf = arena_alloc(P->len * 3 + 1), c;
	size_t start = P->pos, n = 0;
	int cp, lo;

	P->pos++;
	while (P->pos < P->len) {
		c = P->src[P->pos];
		if (c == '\\') {
			c = at(P, ++P->pos);
			switch (c) {
			case '"': case '\\': case '/': buf[n++] = c; break;
			case 'b': buf[n++] = '\b'; break;
			case 'f': buf[n++] = '\f'; break;
			case 'n': buf[n++] = '\n'; break;
			case 'r': buf[n++] = '\r'; break;
			case 't': buf[n++] = '\t'; break;
			case 'u':
				if ((cp = hex4(P, P->pos + 1)) < 0)
					fail(P, "S0104", (int)P->pos, (int)P->pos - 1, NULL, NULL);
				P->pos += 4;
				/* A surrogate pair is one character, as in JavaScript. */
				if (cp >= 0xd800 && cp <= 0xdbff && at(P, P->pos + 1) == '\\' &&
				    at(P, P->pos + 2) == 'u' && (lo = hex4(P, P->pos + 3)) >= 0xdc00 &&
				    lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					P->pos += 6;
				}
				n += utf8((unsigned)cp, buf + n);
				break;
			default: {
				char *t = arena_strndup(P->src + P->pos, P->pos < P->len);

				fail(P, "S0103", (int)P->pos, (int)P->pos - 1, quoted(t), NULL);
			}
			}
		} else if (c == quote) {
			struct jn_node *t;

			P->pos++;
			t = token(P, JN_STRING, start);
			buf[n] = '\0';
			t->str = buf;
			t->len = n;
			return t;
		} else {
			buf[n++] = c;
		}
		P->pos++;
	}
	fail(P, "S0101", (int)P->pos, (int)start, NULL, NULL);
	return NULL;
}

/* The length of the number at s (JSON's syntax, no sign), or 0. */
static size_t
number_length(const char *s, size_t max)
{
	size_t i = 0, j;

	if (i < max && s[i] == '0') {
		i++;
	} else if (i < max && s[i] >= '1' && s[i] <= '9') {
		while (i < max && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i + 1 < max && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i += 2;
		while (i < max && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < max && (s[i] == 'e' || s[i] == 'E')) {
		j = i + 1;
		if (j < max && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < max && s[j] >= '0' && s[j] <= '9') {
			while (j < max && s[j] >= '0' && s[j] <= '9')
				j++;
			i = j;
		}
	}
	return i;
}

/*
** A regular expression; P->pos is just past its opening '/'. A '/' ends
** it outside brackets unless an odd number of backslashes precede it.
*/
static struct jn_node *
regex_token(struct parser *P, size_t open)
{
	size_t start = P->pos, end, k;
	int depth = 0;
	struct jn_node *t;

	while (P->pos < P->len) {
		char c = P->src[P->pos];

		if (c == '/' && depth == 0) {
			for (k = 0; P->pos - k > start && P->src[P->pos - k - 1] == '\\'; k++)
				;
			if (k % 2 == 0) {
				end = P->pos;
				if (end == start)
					fail(P, "S0301", (int)P->pos, (int)open, NULL, NULL);
				P->pos++;
				k = P->pos;
				while (at(P, P->pos) == 'i' || at(P, P->pos) == 'm')
					P->pos++;
				t = token(P, JN_REGEX, open);
				t->str = arena_strndup(P->src + start, end - start);
				t->len = end - start;
				t->flags = arena_strndup(P->src + k, P->pos - k);
				return t;
			}
		}
		if ((c == '(' || c == '[' || c == '{') && at(P, P->pos - 1) != '\\')
			depth++;
		if ((c == ')' || c == ']' || c == '}') && at(P, P->pos - 1) != '\\')
			depth--;
		P->pos++;
	}
	fail(P, "S0302", (int)P->pos, (int)open, NULL, NULL);
	return NULL;
}

/*
** The next token, or NULL at the end. after_operand: the token follows
** an operand, where '/' divides; elsewhere it starts a regex.
*/
static struct jn_node *
next_token(struct parser *P, bool after_operand)
{
	static const char *const pairs[] = { "..", ":=", "!=", ">=", "<=", "**", "~>" };
	size_t start, i, n;
	char c;
	struct jn_node *t;

	for (;;) {
		if (P->pos >= P->len)
			return NULL;
		while (P->pos < P->len && is_blank(P->src[P->pos]))
			P->pos++;
		if (at(P, P->pos) == '/' && at(P, P->pos + 1) == '*') {
			size_t comment = P->pos;

			P->pos += 2;
			while (!(at(P, P->pos) == '*' && at(P, P->pos + 1) == '/')) {
				if (++P->pos >= P->len)
					fail(P, "S0106", (int)comment, (int)comment, NULL, NULL);
			}
			P->pos += 2;
			continue;
		}
		break;
	}
	start = P->pos;
	c = at(P, P->pos);
	if (!after_operand && c == '/') {
		P->pos++;
		return regex_token(P, start);
	}
	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (c == pairs[i][0] && at(P, P->pos + 1) == pairs[i][1]) {
			P->pos += 2;
			return op_token(P, pairs[i], start);
		}
	if (c != '\0' && strchr(".[]{}(),@#;:?+-*/%|=<>^&!~", c)) {
		for (i = 0; i < sizeof operators / sizeof operators[0]; i++)
			if (operators[i].op[0] == c && operators[i].op[1] == '\0')
				break;
		P->pos++;
		return op_token(P, operators[i].op, start);
	}
	if (c == '"' || c == '\'')
		return string_token(P);
	if ((n = number_length(P->src + P->pos, P->len - P->pos)) > 0) {
		char *text = arena_strndup(P->src + P->pos, n);
		double d = strtod(text, NULL);

		if (!isfinite(d))
			fail(P, "S0102", (int)P->pos, (int)start, quoted(text), NULL);
		P->pos += n;
		t = token(P, JN_NUMBER, start);
		t->num = d;
		return t;
	}
	if (c == '`') {
		const char *end = memchr(P->src + P->pos + 1, '`', P->len - P->pos - 1);

		if (!end) {
			P->pos = P->len;
			fail(P, "S0105", (int)P->pos, (int)start, NULL, NULL);
		}
		P->pos = (size_t)(end - P->src) + 1;
		t = token(P, JN_NAME, start);
		t->str = arena_strndup(P->src + start + 1, (size_t)(end - P->src) - start - 1);
		t->len = (size_t)(end - P->src) - start - 1;
		return t;
	}
	for (i = P->pos; i < P->len && !stops_name(P->src[i]); i++)
		;
	if (c == '$') {
		t = new_node(JN_VARIABLE, (int)i);
		t->start = (int)start;
		t->str = arena_strndup(P->src + start + 1, i - start - 1);
		t->len = i - start - 1;
		P->pos = i;
		return t;
	}
	n = i - start;
	P->pos = i;
	if ((n == 2 && memcmp(P->src + start, "or", 2) == 0) ||
	    (n == 2 && memcmp(P->src + start, "in", 2) == 0) ||
	    (n == 3 && memcmp(P->src + start, "and", 3) == 0))
		return op_token(P, n == 3 ? "and" : P->src[start] == 'o' ? "or" : "in", start);
	if ((n == 4 && memcmp(P->src + start, "true", 4) == 0) ||
	    (n == 5 && memcmp(P->src + start, "false", 5) == 0) ||
	    (n == 4 && memcmp(P->src + start, "null", 4) == 0)) {
		t = token(P, JN_VALUE, start);
		t->konst = n == 5 ? JN_FALSE : P->src[start] == 't' ? JN_TRUE : JN_NULL;
		return t;
	}
	if (P->pos == P->len && n == 0)
		return NULL;	/* blanks at the end */
	t = token(P, JN_NAME, start);
	t->str = arena_strndup(P->src + start, n);
	t->len = n;
	return t;
}

/* ---- the Pratt parser ---- */

/* The symbol a token is: operators by their text, the rest by kind. */
static const char *
symbol_of(struct parser *P, struct jn_node *t)
{
	static const char *const known[] = {
		":", ";", ",", ")", "]", "}", "..", ".", "+", "-", "*", "/", "%", "=",
		"<", ">", "!=", "<=", ">=", "&", "and", "or", "in", "~>", "**", "(",
		"[", "^", "{", ":=", "@", "#", "?", "|"
	};
	size_t i;

	switch (t->type) {
	case JN_NAME:
	case JN_VARIABLE:
		return "(name)";
	case JN_STRING:
	case JN_NUMBER:
	case JN_VALUE:
		return "(literal)";
	case JN_REGEX:
		return "(regex)";
	default:
		break;
	}
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i], t->str) == 0)
			return known[i];
	fail(P, "S0204", t->position, t->start, quoted(t->str), NULL);
	return NULL;
}

/* The left binding power of the symbol id. */
static int
lbp(const char *id)
{
	static const struct {
		const char *id;
		int bp;
	} powers[] = {
		{ ".", 75 }, { "+", 50 }, { "-", 50 }, { "*", 60 }, { "/", 60 }, { "%", 60 },
		{ "=", 40 }, { "<", 40 }, { ">", 40 }, { "!=", 40 }, { "<=", 40 }, { ">=", 40 },
		{ "&", 50 }, { "and", 30 }, { "or", 25 }, { "in", 40 }, { "~>", 40 },
		{ "(", 80 }, { "[", 80 }, { "^", 40 }, { "{", 70 }, { ":=", 10 }, { "@", 80 },
		{ "#", 80 }, { "?", 20 },
	};
	size_t i;

	for (i = 0; i < sizeof powers / sizeof powers[0]; i++)
		if (strcmp(powers[i].id, id) == 0)
			return powers[i].bp;
	return 0;
}

static bool
is(const struct parser *P, const char *id)
{
	return strcmp(P->node->id, id) == 0;
}

/* runtime/value.c: d as JavaScript writes it; buf >= 32. */
void aslp_js_number(double d, char *buf);

static const char *
number_text(double d)
{
	char buf[32];

	aslp_js_number(d, buf);
	return arena_strdup(buf);
}

/* A token's value as JSON text, as the reference's messages show it. */
static const char *
json_text(const struct jn_node *t)
{
	if (t->type == JN_END)
		return "\"(end)\"";
	if (t->type == JN_NUMBER)
		return number_text(t->num);
	if (t->type == JN_VALUE)
		return t->konst == JN_TRUE ? "true" : t->konst == JN_FALSE ? "false" : "null";
	if (t->type == JN_REGEX)
		return "{}";
	return quoted(t->str);
}

/* The text of a token in a lambda's signature. */
static const char *
shown(const struct jn_node *t)
{
	if (t->type == JN_END)
		return NULL;
	if (t->type == JN_NUMBER)
		return number_text(t->num);
	if (t->type == JN_VALUE)
		return t->konst == JN_TRUE ? "true" : t->konst == JN_FALSE ? "false" : "null";
	return t->str;
}

/* Move to the next token, checking that the current one is id (if any). */
static struct jn_node *
advance(struct parser *P, const char *id, bool after_operand)
{
	struct jn_node *t;

	if (id && !is(P, id)) {
		if (P->node->type == JN_END)
			fail(P, "S0203", P->node->position, P->node->start, json_text(P->node),
			     quoted(id));
		fail(P, "S0202", P->node->position, P->node->start, json_text(P->node),
		     quoted(id));
	}
	t = next_token(P, after_operand);
	if (!t) {
		t = new_node(JN_END, (int)P->len);
		t->id = "(end)";
		P->node = t;
		return t;
	}
	t->id = symbol_of(P, t);
	P->node = t;
	return t;
}

static struct jn_node *expression(struct parser *P, int rbp);
static struct jn_node *nud(struct parser *P, struct jn_node *t);
static struct jn_node *led(struct parser *P, struct jn_node *t, struct jn_node *left);

static struct jn_node *
expression(struct parser *P, int rbp)
{
	struct jn_node *t = P->node, *left;

	if (++P->depth > JN_MAX_NESTING)
		fail(P, NULL, t->position, t->start, NULL, NULL);
	advance(P, NULL, true);
	left = nud(P, t);
	while (rbp < lbp(P->node->id)) {
		t = P->node;
		advance(P, NULL, false);
		left = led(P, t, left);
	}
	P->depth--;
	return left;
}

/* { key: value, ... } after the '{': pairs into l. */
static void
object_pairs(struct parser *P, struct jn_list *l)
{
	if (!is(P, "}")) {
		for (;;) {
			struct jn_node *k = expression(P, 0), *v;

			advance(P, ":", false);
			v = expression(P, 0);
			push(l, k);
			push(l, v);
			if (!is(P, ","))
				break;
			advance(P, ",", false);
		}
	}
	advance(P, "}", true);
}

/* A token as a prefix: terminals, unary operators, constructors. */
static struct jn_node *
nud(struct parser *P, struct jn_node *t)
{
	const char *id = t->id;

	if (strcmp(id, "(name)") == 0 || strcmp(id, "(literal)") == 0 ||
	    strcmp(id, "(regex)") == 0 || strcmp(id, "(end)") == 0 ||
	    strcmp(id, "and") == 0 || strcmp(id, "or") == 0 || strcmp(id, "in") == 0)
		return t;
	if (strcmp(id, "-") == 0) {
		t->expression = expression(P, 70);
		t->type = JN_UNARY;
		return t;
	}
	if (strcmp(id, "*") == 0) {
		t->type = JN_WILDCARD;
		return t;
	}
	if (strcmp(id, "**") == 0) {
		t->type = JN_DESCENDANT;
		return t;
	}
	if (strcmp(id, "%") == 0) {
		t->type = JN_PARENT;
		return t;
	}
	if (strcmp(id, "(") == 0) {	/* a block */
		while (!is(P, ")")) {
			push(&t->expressions, expression(P, 0));
			if (!is(P, ";"))
				break;
			advance(P, ";", false);
		}
		advance(P, ")", true);
		t->type = JN_BLOCK;
		return t;
	}
	if (strcmp(id, "[") == 0) {	/* an array constructor */
		if (!is(P, "]")) {
			for (;;) {
				struct jn_node *item = expression(P, 0);

				if (is(P, "..")) {
					struct jn_node *range = new_node(JN_BINARY, P->node->position);

					range->start = P->node->start;
					range->str = "..";
					range->len = 2;
					range->lhs = item;
					advance(P, "..", false);
					range->rhs = expression(P, 0);
					item = range;
				}
				push(&t->expressions, item);
				if (!is(P, ","))
					break;
				advance(P, ",", false);
			}
		}
		advance(P, "]", true);
		t->type = JN_UNARY;
		return t;
	}
	if (strcmp(id, "{") == 0) {	/* an object constructor */
		object_pairs(P, &t->pairs);
		t->type = JN_UNARY;
		return t;
	}
	if (strcmp(id, "|") == 0) {	/* a transform */
		t->type = JN_TRANSFORM;
		t->pattern = expression(P, 0);
		advance(P, "|", false);
		t->update = expression(P, 0);
		if (is(P, ",")) {
			advance(P, ",", false);
			t->delete_ = expression(P, 0);
		}
		advance(P, "|", false);
		return t;
	}
	fail(P, "S0211", t->position, t->start, json_text(t), NULL);
	return NULL;
}

/* A lambda's signature, "<...>": the tokens' text up to the matching '>'. */
static const char *
lambda_signature(struct parser *P)
{
	struct strbuf sig = { 0 };
	int depth = 1, sig_pos = P->node->position;
	const char *text, *why;
	int off;

	sb_putc(&sig, '<');
	while (depth > 0 && !is(P, "{") && !is(P, "(end)")) {
		struct jn_node *tok = advance(P, NULL, false);

		if (strcmp(tok->id, ">") == 0)
			depth--;
		else if (strcmp(tok->id, "<") == 0)
			depth++;
		if (tok->type != JN_END)
			sb_puts(&sig, shown(tok));
	}
	advance(P, ">", false);
	text = arena_strdup(sig.s ? sig.s : "<");
	sb_free(&sig);
	if ((why = jn_signature_check(text, &off)) != NULL)
		fail(P, why, sig_pos + off, sig_pos - 1 + off, NULL, jn_signature_value);
	return text;
}

/* A token as an infix operator, with left its left operand. */
static struct jn_node *
led(struct parser *P, struct jn_node *t, struct jn_node *left)
{
	const char *id = t->id;
	int i;

	if (strcmp(id, "(") == 0) {	/* a function call */
		t->procedure = left;
		t->type = JN_FUNCTION;
		if (!is(P, ")")) {
			for (;;) {
				if (P->node->type == JN_OPERATOR && is(P, "?")) {
					t->type = JN_PARTIAL;
					push(&t->arguments, P->node);
					advance(P, "?", false);
				} else {
					push(&t->arguments, expression(P, 0));
				}
				if (!is(P, ","))
					break;
				advance(P, ",", false);
			}
		}
		advance(P, ")", true);
		if (left->type == JN_NAME && (strcmp(left->str, "function") == 0 ||
					      strcmp(left->str, "\xce\xbb") == 0)) {
			for (i = 0; i < t->arguments.n; i++) {
				struct jn_node *a = NODE(t->arguments, i);

				if (a->type != JN_VARIABLE)
					fail(P, "S0208", a->position, a->start, json_text(a),
					     arena_printf("%d", i + 1));
			}
			t->type = JN_LAMBDA;
			if (is(P, "<"))
				t->signature = lambda_signature(P);
			advance(P, "{", false);
			t->body = expression(P, 0);
			advance(P, "}", false);
		}
		return t;
	}
	if (strcmp(id, "[") == 0) {	/* a filter, or [] */
		if (is(P, "]")) {
			struct jn_node *step = left;

			while (step && step->type == JN_BINARY && strcmp(step->str, "[") == 0)
				step = step->lhs;
			step->keep_array = true;
			advance(P, "]", false);
			return left;
		}
		t->lhs = left;
		t->rhs = expression(P, 0);
		t->type = JN_BINARY;
		advance(P, "]", true);
		return t;
	}
	if (strcmp(id, "^") == 0) {	/* order-by */
		advance(P, "(", false);
		for (;;) {
			struct jn_node *term = new_node(JN_TERM, P->node->position);

			if (is(P, "<")) {
				advance(P, "<", false);
			} else if (is(P, ">")) {
				term->descending = true;
				advance(P, ">", false);
			}
			term->expression = expression(P, 0);
			push(&t->terms, term);
			if (!is(P, ","))
				break;
			advance(P, ",", false);
		}
		advance(P, ")", false);
		t->lhs = left;
		t->type = JN_BINARY;
		return t;
	}
	if (strcmp(id, "{") == 0) {	/* group-by */
		object_pairs(P, &t->pairs);
		t->lhs = left;
		t->type = JN_BINARY;
		return t;
	}
	if (strcmp(id, ":=") == 0) {
		if (left->type != JN_VARIABLE)
			fail(P, "S0212", left->position, left->start, json_text(left), NULL);
		t->lhs = left;
		t->rhs = expression(P, 10 - 1);	/* right associative */
		t->type = JN_BINARY;
		return t;
	}
	if (strcmp(id, "@") == 0 || strcmp(id, "#") == 0) {
		t->lhs = left;
		t->rhs = expression(P, 80);
		if (t->rhs->type != JN_VARIABLE)
			fail(P, "S0214", t->rhs->position, t->rhs->start, quoted(id), NULL);
		t->type = JN_BINARY;
		return t;
	}
	if (strcmp(id, "?") == 0) {
		t->type = JN_CONDITION;
		t->condition = left;
		t->then = expression(P, 0);
		if (is(P, ":")) {
			advance(P, ":", false);
			t->else_ = expression(P, 0);
		}
		return t;
	}
	/* The rest are binary operators, left associative. */
	t->lhs = left;
	t->rhs = expression(P, lbp(id));
	t->type = JN_BINARY;
	return t;
}

/* ---- post-processing ---- */

/* The reference's position of n: paths and parents have none (-1). */
static int
position_of(const struct jn_node *n)
{
	return n->type == JN_PATH || n->type == JN_PARENT ? -1 : n->position;
}

/* A tail call in a lambda's body becomes a thunk (a trampoline's). */
static struct jn_node *
tail_call(struct jn_node *e)
{
	if (e->type == JN_FUNCTION && e->predicate.n == 0) {
		struct jn_node *thunk = new_node(JN_LAMBDA, e->position);

		thunk->thunk = true;
		thunk->body = e;
		return thunk;
	}
	if (e->type == JN_CONDITION) {
		e->then = tail_call(e->then);
		if (e->else_)
			e->else_ = tail_call(e->else_);
	} else if (e->type == JN_BLOCK && e->expressions.n > 0) {
		e->expressions.v[e->expressions.n - 1] =
			tail_call(NODE(e->expressions, e->expressions.n - 1));
	}
	return e;
}

static struct jn_slot *
seek_parent(struct parser *P, struct jn_node *n, struct jn_slot *slot)
{
	int i;

	switch (n->type) {
	case JN_NAME:
	case JN_WILDCARD:
		if (--slot->level == 0) {
			if (n->ancestor) {
				((struct jn_node *)P->ancestry.v[slot->index])->slot->label =
					n->ancestor->label;
			}
			n->ancestor = slot;
			n->tuple = true;
		}
		break;
	case JN_PARENT:
		slot->level++;
		break;
	case JN_BLOCK:
		if (n->expressions.n > 0) {
			n->tuple = true;
			slot = seek_parent(P, NODE(n->expressions, n->expressions.n - 1), slot);
		}
		break;
	case JN_PATH:
		n->tuple = true;
		i = n->steps.n - 1;
		slot = seek_parent(P, NODE(n->steps, i--), slot);
		while (slot->level > 0 && i >= 0)
			slot = seek_parent(P, NODE(n->steps, i--), slot);
		break;
	default:
		fail(P, "S0217", position_of(n), n->start, quoted(jn_type_name(n->type)), NULL);
	}
	return slot;
}

/* result inherits what value seeks: its slots, and itself if a parent. */
static void
push_ancestry(struct jn_node *result, struct jn_node *value)
{
	struct jn_list *slots;
	int i;

	if (!value->seeking_parent && value->type != JN_PARENT)
		return;
	slots = value->seeking_parent;
	if (!slots) {
		slots = arena_alloc(sizeof *slots);
		memset(slots, 0, sizeof *slots);
	}
	if (value->type == JN_PARENT)
		push(slots, value->slot);
	if (!result->seeking_parent) {
		result->seeking_parent = slots;	/* shared, as in the reference */
	} else {
		int n = slots->n;	/* slots may be result's own list */

		for (i = 0; i < n; i++)
			push(result->seeking_parent, slots->v[i]);
	}
}

static void
resolve_ancestry(struct parser *P, struct jn_node *path)
{
	int index = path->steps.n - 1, is;
	struct jn_node *last = NODE(path->steps, index);
	struct jn_list *slots = last->seeking_parent;

	if (!slots) {
		slots = arena_alloc(sizeof *slots);
		memset(slots, 0, sizeof *slots);
	}
	if (last->type == JN_PARENT)
		push(slots, last->slot);
	for (is = 0; is < slots->n; is++) {
		struct jn_slot *slot = slots->v[is];

		index = path->steps.n - 2;
		while (slot->level > 0) {
			struct jn_node *step;

			if (index < 0) {
				if (!path->seeking_parent) {
					path->seeking_parent = arena_alloc(sizeof *path->seeking_parent);
					memset(path->seeking_parent, 0, sizeof *path->seeking_parent);
				}
				push(path->seeking_parent, slot);
				break;
			}
			step = NODE(path->steps, index--);
			while (index >= 0 && step->focus && NODE(path->steps, index)->focus)
				step = NODE(path->steps, index--);
			slot = seek_parent(P, step, slot);
		}
	}
}

static struct jn_node *process(struct parser *P, struct jn_node *e);

static struct jn_node *
copy_head(const struct jn_node *e)
{
	struct jn_node *r = new_node(e->type, e->position);

	r->start = e->start;
	r->id = e->id;
	r->str = e->str;
	r->len = e->len;
	return r;
}

static struct jn_node *
path_of(struct jn_node *step)
{
	struct jn_node *r = new_node(JN_PATH, step->position);

	r->start = step->start;
	push(&r->steps, step);
	return r;
}

static struct jn_node *
process_binary(struct parser *P, struct jn_node *e)
{
	struct jn_node *result, *step, *rest, *last;
	const char *op = e->str;
	int i;

	if (strcmp(op, ".") == 0) {
		struct jn_node *lstep = process(P, e->lhs);

		result = lstep->type == JN_PATH ? lstep : path_of(lstep);
		if (lstep->type == JN_PARENT) {
			result->seeking_parent = arena_alloc(sizeof *result->seeking_parent);
			memset(result->seeking_parent, 0, sizeof *result->seeking_parent);
			push(result->seeking_parent, lstep->slot);
		}
		rest = process(P, e->rhs);
		last = NODE(result->steps, result->steps.n - 1);
		if (rest->type == JN_FUNCTION && rest->procedure->type == JN_PATH &&
		    rest->procedure->steps.n == 1 &&
		    NODE(rest->procedure->steps, 0)->type == JN_NAME && last->type == JN_FUNCTION)
			last->next_function = NODE(rest->procedure->steps, 0)->str;
		if (rest->type == JN_PATH) {
			for (i = 0; i < rest->steps.n; i++)
				push(&result->steps, rest->steps.v[i]);
		} else {
			if (rest->predicate.n) {
				rest->stages = rest->predicate;
				memset(&rest->predicate, 0, sizeof rest->predicate);
			}
			push(&result->steps, rest);
		}
		for (i = 0; i < result->steps.n; i++) {
			step = NODE(result->steps, i);
			if (step->type == JN_NUMBER || step->type == JN_VALUE)
				fail(P, "S0213", step->position, step->start, NULL, json_text(step));
		}
		for (i = 0; i < result->steps.n; i++) {
			step = NODE(result->steps, i);
			if (step->type == JN_STRING)
				step->type = JN_NAME;
			if (step->keep_array)
				result->keep_singleton_array = true;
		}
		step = NODE(result->steps, 0);
		if (step->type == JN_UNARY && strcmp(step->str, "[") == 0)
			step->consarray = true;
		step = NODE(result->steps, result->steps.n - 1);
		if (step->type == JN_UNARY && strcmp(step->str, "[") == 0)
			step->consarray = true;
		resolve_ancestry(P, result);
		return result;
	}
	if (strcmp(op, "[") == 0) {
		struct jn_node *pred, *filter;
		struct jn_list *list;

		result = process(P, e->lhs);
		step = result;
		list = &step->predicate;
		if (result->type == JN_PATH) {
			step = NODE(result->steps, result->steps.n - 1);
			list = &step->stages;
		}
		if (step->has_group)
			fail(P, "S0209", e->position, e->start, NULL, NULL);
		pred = process(P, e->rhs);
		if (pred->seeking_parent) {
			for (i = 0; i < pred->seeking_parent->n; i++) {
				struct jn_slot *slot = pred->seeking_parent->v[i];

				if (slot->level == 1)
					seek_parent(P, step, slot);
				else
					slot->level--;
			}
			push_ancestry(step, pred);
		}
		filter = new_node(JN_FILTER, e->position);
		filter->start = e->start;
		filter->expression = pred;
		push(list, filter);
		return result;
	}
	if (strcmp(op, "{") == 0) {
		result = process(P, e->lhs);
		if (result->has_group)
			fail(P, "S0210", e->position, e->start, NULL, NULL);
		result->has_group = true;
		result->group_position = e->position;
		for (i = 0; i < e->pairs.n; i++)
			push(&result->group, process(P, NODE(e->pairs, i)));
		return result;
	}
	if (strcmp(op, "^") == 0) {
		struct jn_node *sort = new_node(JN_SORT, e->position);

		sort->start = e->start;
		result = process(P, e->lhs);
		if (result->type != JN_PATH)
			result = path_of(result);
		for (i = 0; i < e->terms.n; i++) {
			struct jn_node *term = NODE(e->terms, i), *x = process(P, term->expression);
			struct jn_node *t = new_node(JN_TERM, term->position);

			push_ancestry(sort, x);
			t->descending = term->descending;
			t->expression = x;
			push(&sort->terms, t);
		}
		push(&result->steps, sort);
		resolve_ancestry(P, result);
		return result;
	}
	if (strcmp(op, ":=") == 0) {
		result = copy_head(e);
		result->type = JN_BIND;
		result->lhs = process(P, e->lhs);
		result->rhs = process(P, e->rhs);
		push_ancestry(result, result->rhs);
		return result;
	}
	if (strcmp(op, "@") == 0) {
		result = process(P, e->lhs);
		step = result->type == JN_PATH ? NODE(result->steps, result->steps.n - 1) : result;
		if (step->stages.n || step->predicate.n)
			fail(P, "S0215", e->position, e->start, NULL, NULL);
		if (step->type == JN_SORT)
			fail(P, "S0216", e->position, e->start, NULL, NULL);
		if (e->keep_array)
			step->keep_array = true;
		step->focus = e->rhs->str;
		step->tuple = true;
		return result;
	}
	if (strcmp(op, "#") == 0) {
		result = process(P, e->lhs);
		step = result;
		if (result->type == JN_PATH) {
			step = NODE(result->steps, result->steps.n - 1);
		} else {
			result = path_of(result);
			if (step->predicate.n) {
				step->stages = step->predicate;
				memset(&step->predicate, 0, sizeof step->predicate);
			}
		}
		if (step->stages.n == 0) {
			step->index = e->rhs->str;
		} else {
			struct jn_node *ix = new_node(JN_INDEX, e->position);

			ix->start = e->start;
			ix->str = e->rhs->str;
			ix->len = e->rhs->len;
			push(&step->stages, ix);
		}
		step->tuple = true;
		return result;
	}
	if (strcmp(op, "~>") == 0) {
		result = copy_head(e);
		result->type = JN_APPLY;
		result->lhs = process(P, e->lhs);
		result->rhs = process(P, e->rhs);
		result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
		return result;
	}
	result = copy_head(e);
	result->lhs = process(P, e->lhs);
	result->rhs = process(P, e->rhs);
	push_ancestry(result, result->lhs);
	push_ancestry(result, result->rhs);
	return result;
}

/* The reference's processAST: location paths, stages, ancestry. */
static struct jn_node *
process(struct parser *P, struct jn_node *e)
{
	struct jn_node *result, *x;
	int i;

	if (++P->depth > JN_MAX_TREE)
		fail(P, NULL, e->position, e->start, NULL, NULL);
	switch (e->type) {
	case JN_BINARY:
		result = process_binary(P, e);
		break;
	case JN_UNARY:
		result = copy_head(e);
		if (strcmp(e->str, "[") == 0) {
			for (i = 0; i < e->expressions.n; i++) {
				x = process(P, NODE(e->expressions, i));
				push_ancestry(result, x);
				push(&result->expressions, x);
			}
		} else if (strcmp(e->str, "{") == 0) {
			for (i = 0; i < e->pairs.n; i++) {
				x = process(P, NODE(e->pairs, i));
				push_ancestry(result, x);
				push(&result->pairs, x);
			}
		} else {
			result->expression = process(P, e->expression);
			if (strcmp(e->str, "-") == 0 && result->expression->type == JN_NUMBER) {
				result = result->expression;
				result->num = -result->num;
			} else {
				push_ancestry(result, result->expression);
			}
		}
		break;
	case JN_FUNCTION:
	case JN_PARTIAL:
		result = copy_head(e);
		for (i = 0; i < e->arguments.n; i++) {
			x = process(P, NODE(e->arguments, i));
			push_ancestry(result, x);
			push(&result->arguments, x);
		}
		result->procedure = process(P, e->procedure);
		break;
	case JN_LAMBDA:
		result = copy_head(e);
		result->arguments = e->arguments;
		result->signature = e->signature;
		result->body = tail_call(process(P, e->body));
		break;
	case JN_CONDITION:
		result = copy_head(e);
		result->condition = process(P, e->condition);
		push_ancestry(result, result->condition);
		result->then = process(P, e->then);
		push_ancestry(result, result->then);
		if (e->else_) {
			result->else_ = process(P, e->else_);
			push_ancestry(result, result->else_);
		}
		break;
	case JN_TRANSFORM:
		result = copy_head(e);
		result->pattern = process(P, e->pattern);
		result->update = process(P, e->update);
		if (e->delete_)
			result->delete_ = process(P, e->delete_);
		break;
	case JN_BLOCK:
		result = copy_head(e);
		for (i = 0; i < e->expressions.n; i++) {
			x = process(P, NODE(e->expressions, i));
			push_ancestry(result, x);
			if (x->consarray || (x->type == JN_PATH && NODE(x->steps, 0)->consarray))
				result->consarray = true;
			push(&result->expressions, x);
		}
		break;
	case JN_NAME:
		result = path_of(e);
		if (e->keep_array)
			result->keep_singleton_array = true;
		break;
	case JN_PARENT:
		result = copy_head(e);
		result->slot = arena_alloc(sizeof *result->slot);
		result->slot->label = arena_printf("!%d", P->ancestor_label++);
		result->slot->level = 1;
		result->slot->index = P->ancestor_index++;
		push(&P->ancestry, result);
		break;
	case JN_STRING:
	case JN_NUMBER:
	case JN_VALUE:
	case JN_WILDCARD:
	case JN_DESCENDANT:
	case JN_VARIABLE:
	case JN_REGEX:
		result = e;
		break;
	case JN_OPERATOR:
		if (strcmp(e->str, "and") == 0 || strcmp(e->str, "or") == 0 ||
		    strcmp(e->str, "in") == 0) {
			e->type = JN_NAME;
			result = process(P, e);
		} else if (strcmp(e->str, "?") == 0) {
			result = e;	/* a partial application's placeholder */
		} else {
			fail(P, "S0201", e->position, e->start, quoted(e->str), NULL);
			return NULL;
		}
		break;
	default:
		fail(P, e->type == JN_END ? "S0207" : "S0206", e->position, e->start, json_text(e),
		     NULL);
		return NULL;
	}
	if (e->keep_array)
		result->keep_array = true;
	P->depth--;
	return result;
}

struct jn_node *
jn_parse(const char *src, size_t len, struct jn_error *err)
{
	struct parser P;
	struct jn_node *e;

	memset(&P, 0, sizeof P);
	memset(err, 0, sizeof *err);
	P.src = src;
	P.len = len;
	P.err = err;
	if (setjmp(P.fail))
		return NULL;
	advance(&P, NULL, false);
	e = expression(&P, 0);
	if (P.node->type != JN_END)
		fail(&P, "S0201", P.node->position, P.node->start, json_text(P.node), NULL);
	P.depth = 0;
	e = process(&P, e);
	if (e->type == JN_PARENT || e->seeking_parent)
		fail(&P, "S0217", position_of(e), e->start, quoted(jn_type_name(e->type)), NULL);
	return e;
}

/* ---- function signatures ---- */

/*
** Check a signature, "<...>", as the reference's parseSignature does when
** it builds its validator: NULL if good, else the error's code with *off
** its offset in sig.
*/
const char *
jn_signature_check(const char *sig, int *off)
{
	size_t n = strlen(sig), pos, end, group = 0;
	int depth;
	char prev = 0;

	for (pos = 1; pos < n; pos++) {
		char c = sig[pos];

		if (c == ':')
			break;
		switch (c) {
		case 's': case 'n': case 'b': case 'l': case 'o': case 'a': case 'f':
		case 'j': case 'x':
			prev = c;
			break;
		case '(':
			for (depth = 1, end = pos; end < n;) {
				end++;
				if (sig[end] == ')') {
					if (--depth == 0)
						break;
				} else if (sig[end] == '(') {
					depth++;
				}
			}
			if (memchr(sig + pos + 1, '<', end > pos + 1 ? end - pos - 1 : 0)) {
				*off = (int)pos;
				jn_signature_value = quoted(arena_strndup(sig + pos + 1, end - pos - 1));
				return "S0402";
			}
			group = pos;
			pos = end;
			prev = '(';
			break;
		case '<':
			if (prev != 'a' && prev != 'f') {
				*off = (int)pos;
				jn_signature_value = !prev ? NULL : prev == '(' ?
					quoted(arena_strndup(sig + group, pos - group)) :
					quoted(arena_strndup(&prev, 1));
				return "S0401";
			}
			for (depth = 1, end = pos; end < n;) {
				end++;
				if (sig[end] == '>') {
					if (--depth == 0)
						break;
				} else if (sig[end] == '<') {
					depth++;
				}
			}
			pos = end;
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* ---- the tree as JSON, for tests ---- */

/* Byte offset off of src in UTF-16 units, as JavaScript counts. */
static int
utf16(const char *src, int off)
{
	int i, n = 0, len = (int)strlen(src);

	for (i = 0; i < off && i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n + (off > len ? off - len : 0);
}

static json_t *dump(const struct jn_node *n, const char *src);

static json_t *
dump_list(const struct jn_list *l, const char *src)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, dump(l->v[i], src));
	return a;
}

static json_t *
dump_pairs(const struct jn_list *l, const char *src)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i + 1 < l->n; i += 2)
		json_array_append_new(a, json_pack("[oo]", dump(l->v[i], src),
						   dump(l->v[i + 1], src)));
	return a;
}

static json_t *
dump_slot(const struct jn_slot *s)
{
	return json_pack("{s:s, s:i, s:i}", "label", s->label, "level", s->level, "index",
			 s->index);
}

/* A regex's source as JavaScript's RegExp.prototype.source shows it. */
static json_t *
regex_source(const char *p)
{
	struct strbuf b = { 0 };
	json_t *r;
	int k = 0;
	bool in_class = false;

	for (; *p; p++) {
		bool escaped = k % 2 == 1;

		if (*p == '/' && !escaped && !in_class)
			sb_putc(&b, '\\');
		if (*p == '[' && !escaped)
			in_class = true;
		else if (*p == ']' && !escaped)
			in_class = false;
		if (*p == '\n')
			sb_puts(&b, "\\n");
		else
			sb_putc(&b, *p);
		k = *p == '\\' ? k + 1 : 0;
	}
	r = json_string(b.s ? b.s : "");
	sb_free(&b);
	return r;
}

static json_t *
dump(const struct jn_node *n, const char *src)
{
	json_t *o = json_object(), *v = NULL;
	int i;

	if (n->type != JN_TERM)
		json_object_set_new(o, "type", json_string(jn_type_name(n->type)));
	switch (n->type) {
	case JN_NUMBER:
		v = json_real(n->num);
		break;
	case JN_VALUE:
		v = n->konst == JN_TRUE ? json_true() : n->konst == JN_FALSE ? json_false() :
			json_null();
		break;
	case JN_REGEX: {
		char flags[8] = "g";

		if (strchr(n->flags, 'i'))
			strcat(flags, "i");
		if (strchr(n->flags, 'm'))
			strcat(flags, "m");
		v = json_pack("{s:o, s:s}", "pattern", regex_source(n->str), "flags", flags);
		break;
	}
	case JN_PATH:
	case JN_SORT:
	case JN_TERM:
	case JN_FILTER:
	case JN_LAMBDA:
	case JN_CONDITION:
	case JN_TRANSFORM:
	case JN_BLOCK:
	case JN_PARENT:
		break;
	default:
		if (n->str)
			v = json_stringn_nocheck(n->str, n->len);
	}
	if (v)
		json_object_set_new(o, "value", v);
	if (n->type != JN_PATH && n->type != JN_TERM && n->type != JN_PARENT)
		json_object_set_new(o, "position", json_integer(utf16(src, n->position)));
	if (n->lhs)
		json_object_set_new(o, "lhs", dump(n->lhs, src));
	if (n->rhs)
		json_object_set_new(o, "rhs", dump(n->rhs, src));
	if (n->type == JN_UNARY && n->pairs.n + (strcmp(n->str, "{") == 0))
		json_object_set_new(o, "lhs", dump_pairs(&n->pairs, src));
	if (n->expression)
		json_object_set_new(o, n->type == JN_FILTER ? "expr" : "expression",
				    dump(n->expression, src));
	if (n->type == JN_TERM)
		json_object_set_new(o, "descending", json_boolean(n->descending));
	if (n->expressions.n || n->type == JN_BLOCK ||
	    (n->type == JN_UNARY && strcmp(n->str, "[") == 0))
		json_object_set_new(o, "expressions", dump_list(&n->expressions, src));
	if (n->type == JN_PATH)
		json_object_set_new(o, "steps", dump_list(&n->steps, src));
	if (n->type == JN_FUNCTION || n->type == JN_PARTIAL || (n->type == JN_LAMBDA && !n->thunk))
		json_object_set_new(o, "arguments", dump_list(&n->arguments, src));
	if (n->type == JN_LAMBDA && n->thunk)
		json_object_set_new(o, "arguments", json_array());
	if (n->procedure)
		json_object_set_new(o, "procedure", dump(n->procedure, src));
	if (n->body)
		json_object_set_new(o, "body", dump(n->body, src));
	if (n->signature)
		json_object_set_new(o, "signature", json_pack("{s:s}", "definition", n->signature));
	if (n->condition)
		json_object_set_new(o, "condition", dump(n->condition, src));
	if (n->then)
		json_object_set_new(o, "then", dump(n->then, src));
	if (n->else_)
		json_object_set_new(o, "else", dump(n->else_, src));
	if (n->pattern)
		json_object_set_new(o, "pattern", dump(n->pattern, src));
	if (n->update)
		json_object_set_new(o, "update", dump(n->update, src));
	if (n->delete_)
		json_object_set_new(o, "delete", dump(n->delete_, src));
	if (n->predicate.n)
		json_object_set_new(o, "predicate", dump_list(&n->predicate, src));
	if (n->stages.n)
		json_object_set_new(o, "stages", dump_list(&n->stages, src));
	if (n->type == JN_SORT)
		json_object_set_new(o, "terms", dump_list(&n->terms, src));
	if (n->has_group)
		json_object_set_new(o, "group", json_pack("{s:o, s:i}", "lhs",
							  dump_pairs(&n->group, src), "position",
							  utf16(src, n->group_position)));
	if (n->keep_array)
		json_object_set_new(o, "keepArray", json_true());
	if (n->keep_singleton_array)
		json_object_set_new(o, "keepSingletonArray", json_true());
	if (n->consarray)
		json_object_set_new(o, "consarray", json_true());
	if (n->tuple)
		json_object_set_new(o, "tuple", json_true());
	if (n->thunk)
		json_object_set_new(o, "thunk", json_true());
	if (n->focus)
		json_object_set_new(o, "focus", json_string(n->focus));
	if (n->index && n->type != JN_INDEX)
		json_object_set_new(o, "index", json_string(n->index));
	if (n->next_function)
		json_object_set_new(o, "nextFunction", json_string(n->next_function));
	if (n->slot)
		json_object_set_new(o, "slot", dump_slot(n->slot));
	if (n->ancestor)
		json_object_set_new(o, "ancestor", dump_slot(n->ancestor));
	if (n->seeking_parent) {
		json_t *a = json_array();

		for (i = 0; i < n->seeking_parent->n; i++)
			json_array_append_new(a, dump_slot(n->seeking_parent->v[i]));
		json_object_set_new(o, "seekingParent", a);
	}
	return o;
}

json_t *
jn_dump(const struct jn_node *n, const char *src)
{
	return dump(n, src);
}
