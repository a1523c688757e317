/*
** jsonata.h - JSONata expressions: the syntax tree the parser gives.
**
** The parser (jsonata.c) is a port of the reference implementation's,
** jsonata 2.0.6, the version AWS runs: the same tokens, the same Pratt
** parser, the same post-processing into location paths with steps,
** stages, groups and ancestry, and the same error codes and positions.
** Nodes live in the compiler's arena.
*/
#ifndef JSONATA_H
#define JSONATA_H

#include <stdbool.h>
#include <stddef.h>

/* The node types, as the reference implementation names them. */
#define JN_TYPES(X) \
	X(PATH, "path") X(BINARY, "binary") X(UNARY, "unary") X(NAME, "name") \
	X(STRING, "string") X(NUMBER, "number") X(VALUE, "value") \
	X(WILDCARD, "wildcard") X(DESCENDANT, "descendant") X(PARENT, "parent") \
	X(VARIABLE, "variable") X(REGEX, "regex") X(FUNCTION, "function") \
	X(PARTIAL, "partial") X(LAMBDA, "lambda") X(CONDITION, "condition") \
	X(TRANSFORM, "transform") X(BLOCK, "block") X(BIND, "bind") \
	X(APPLY, "apply") X(SORT, "sort") X(FILTER, "filter") X(INDEX, "index") \
	X(OPERATOR, "operator") X(END, "end") X(TERM, "term")

enum jn_type {
#define X(t, s) JN_##t,
	JN_TYPES(X)
#undef X
};

/* JN_VALUE's value. */
enum jn_const { JN_NULL, JN_TRUE, JN_FALSE };

/* Where a parent operator (%) finds its ancestor. */
struct jn_slot {
	const char *label;	/* "!0", "!1"... */
	int level;
	int index;
};

/* A list of nodes or of slots; slot lists are shared, as in the reference. */
struct jn_list {
	void **v;
	int n, cap;
};

struct jn_node {
	enum jn_type type;
	const char *id;		/* the parser's symbol: "+", "(name)", "(end)"... */
	int position;		/* the reference's: just past the token (bytes) */
	int start;		/* where the token starts (bytes) */

	/* Values: name, variable, string and operator text; numbers; regexes. */
	const char *str;
	size_t len;
	double num;
	enum jn_const konst;
	const char *flags;	/* regex: "i", "m", "im" */

	/* Children, each where the reference has it. */
	struct jn_node *lhs, *rhs;		/* binary, bind, apply */
	struct jn_node *expression;		/* unary -, filter's expr */
	struct jn_node *condition, *then, *else_;	/* condition */
	struct jn_node *pattern, *update, *delete_;	/* transform */
	struct jn_node *procedure, *body;	/* function, partial, lambda */
	struct jn_list expressions;		/* array constructor, block */
	struct jn_list arguments;		/* function, partial, lambda */
	struct jn_list steps;			/* path */
	struct jn_list pairs;			/* object constructor: key, value, ... */
	struct jn_list predicate, stages;	/* filters (and index stages) */
	struct jn_list terms;			/* sort: JN_TERM nodes */
	bool descending;			/* a JN_TERM: and its expression */
	struct jn_list group;			/* group-by pairs: key, value, ... */
	bool has_group;
	int group_position;

	bool keep_array, keep_singleton_array, consarray, tuple, thunk;
	const char *focus, *index;		/* @$v and #$v bindings */
	const char *next_function;
	const char *signature;			/* a lambda's, "<n-:n>" */

	struct jn_slot *slot;			/* parent */
	struct jn_slot *ancestor;		/* name or wildcard */
	struct jn_list *seeking_parent;		/* slots; NULL: none */
};

/* A syntax error, with the reference's code and position. */
struct jn_error {
	const char *code;	/* "S0202"; NULL: nested too deep for aslc */
	int position;		/* the reference's (bytes) */
	int start;		/* the offending token's start (bytes) */
	const char *token, *value;	/* as JSON text; NULL: none */
	char message[256];	/* the reference's message, filled in */
};

/*
** Parse src (len bytes, UTF-8) into a syntax tree, or return NULL and fill
** *err. Nodes and strings are in the compiler's arena.
*/
struct jn_node *jn_parse(const char *src, size_t len, struct jn_error *err);

/* The name of a node type, as the reference's ASTs have it. */
const char *jn_type_name(enum jn_type t);

/*
** Check a function signature ("<n-n?:n>") as the reference does when it
** reads one: NULL if good, else the error's code, with *off its offset.
*/
const char *jn_signature_check(const char *sig, int *off);

/*
** The tree as JSON, in the shape of the reference's jsonata(e).ast() with
** the fields the evaluator uses, for tests: positions in UTF-16 units of
** src, as the reference counts them.
*/
#include <jansson.h>
json_t *jn_dump(const struct jn_node *n, const char *src);

#endif
