/*
** jnlower.c - a JSONata syntax tree as the runtime's tables.
**
** The parser (jsonata.c) gives the reference implementation's tree; the
** runtime (runtime/jneval.c) walks the same tree, emitted as static
** tables: each node an asl_jnode whose children are indexes into the
** expression's nodes, each list a run of indexes. Literals become
** constants of the program, so strings keep any byte they hold.
**
** What the evaluator does not do yet is refused here, so a definition
** that uses it is a compile error rather than a different result: the
** parent operator %, the @ and # bindings (tuple streams), the transform
** |...| and regular expressions.
*/
#include "aslc.h"
#include "jsonata.h"
#include "../runtime/jsregex.h"

#include <stdio.h>
#include <string.h>

struct lowering {
	struct program *prog;
	asl_jnode *nodes;
	int n, cap;
	int *lists;
	int nl, lcap;
	const char *why;
};

static int
new_node(struct lowering *lw)
{
	if (lw->n == lw->cap) {
		lw->cap = lw->cap ? 2 * lw->cap : 16;
		lw->nodes = xrealloc(lw->nodes, (size_t)lw->cap * sizeof *lw->nodes);
	}
	memset(&lw->nodes[lw->n], 0, sizeof lw->nodes[0]);
	lw->nodes[lw->n].lhs = lw->nodes[lw->n].rhs = lw->nodes[lw->n].x = -1;
	lw->nodes[lw->n].konst = -1;
	return lw->n++;
}

static int lower(struct lowering *lw, const struct jn_node *n);

/* Reserve k list entries; returns where they start. */
static int
reserve(struct lowering *lw, int k)
{
	int at = lw->nl;

	if (lw->nl + k > lw->lcap) {
		while (lw->nl + k > lw->lcap)
			lw->lcap = lw->lcap ? 2 * lw->lcap : 16;
		lw->lists = xrealloc(lw->lists, (size_t)lw->lcap * sizeof *lw->lists);
	}
	lw->nl += k;
	return at;
}

/* The nodes of l, lowered, as a list: *count gets its length. */
static int
list(struct lowering *lw, const struct jn_list *l, int *count)
{
	int at = reserve(lw, l->n), i;

	for (i = 0; i < l->n; i++) {
		int k = lower(lw, l->v[i]);

		lw->lists[at + i] = k;
	}
	*count = l->n;
	return at;
}

static int
konst(struct lowering *lw, json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	int k;

	json_decref(v);
	if (!s)
		fatal("out of memory");
	k = parse_const(lw->prog, arena_strdup(s));
	free(s);
	return k;
}

static const char *
name(struct lowering *lw, const struct jn_node *n)
{
	if (n->str && memchr(n->str, '\0', n->len)) {
		lw->why = "a JSONata name cannot hold a NUL character here";
		return "";
	}
	return n->str ? arena_strndup(n->str, n->len) : NULL;
}

static int
lower(struct lowering *lw, const struct jn_node *n)
{
	int k = new_node(lw), c;
	asl_jnode *d;

	lw->nodes[k].type = (int)n->type;
	lw->nodes[k].position = n->position;
	c = 0;
	if (n->keep_array)
		c |= ASL_JN_KEEP_ARRAY;
	if (n->keep_singleton_array)
		c |= ASL_JN_KEEP_SINGLETON;
	if (n->consarray)
		c |= ASL_JN_CONSARRAY;
	if (n->thunk)
		c |= ASL_JN_THUNK;
	if (n->descending)
		c |= ASL_JN_DESCENDING;
	if (n->has_group)
		c |= ASL_JN_HAS_GROUP;
	if (n->tuple)
		c |= ASL_JN_TUPLE;
	lw->nodes[k].flags = c;
	lw->nodes[k].focus = n->focus ? arena_strdup(n->focus) : NULL;
	if (n->index && n->type != JN_INDEX)
		lw->nodes[k].index = arena_strdup(n->index);
	if (n->ancestor)
		lw->nodes[k].label = arena_strdup(n->ancestor->label);
	else if (n->type == JN_PARENT && n->slot)
		lw->nodes[k].label = arena_strdup(n->slot->label);

	switch (n->type) {
	case JN_STRING:
		lw->nodes[k].konst = konst(lw, json_stringn_nocheck(n->str, n->len));
		break;
	case JN_NUMBER: {
		char buf[40];

		snprintf(buf, sizeof buf, "%.17g", n->num);
		lw->nodes[k].konst = parse_const(lw->prog, arena_strdup(buf));
		break;
	}
	case JN_VALUE:
		lw->nodes[k].konst = konst(lw, n->konst == JN_TRUE ? json_true() :
					   n->konst == JN_FALSE ? json_false() : json_null());
		break;
	case JN_INDEX:
	case JN_NAME:
	case JN_VARIABLE:
	case JN_BINARY:
	case JN_UNARY:
	case JN_OPERATOR:
	case JN_APPLY:
	case JN_BIND:
		lw->nodes[k].str = name(lw, n);
		break;
	case JN_LAMBDA:
		lw->nodes[k].str = n->signature ? arena_strdup(n->signature) : NULL;
		break;
	case JN_REGEX: {
		const char *err;
		struct aslp_re *re = aslp_re_compile(n->str, strlen(n->str), n->flags, &err);

		if (!re)
			lw->why = arena_printf("the regular expression /%s/ cannot be used: %s", n->str, err);
		aslp_re_free(re);
		lw->nodes[k].str = arena_strdup(n->str);
		lw->nodes[k].flags2 = arena_strdup(n->flags ? n->flags : "");
		break;
	}
	default:
		break;
	}
	/* Children; the table may move as they are added: index it anew. */
	switch (n->type) {
	case JN_BINARY:
	case JN_BIND:
	case JN_APPLY:
		c = lower(lw, n->lhs);
		lw->nodes[k].lhs = c;
		c = lower(lw, n->rhs);
		lw->nodes[k].rhs = c;
		break;
	case JN_UNARY:
		if (n->str[0] == '-') {
			c = lower(lw, n->expression);
			lw->nodes[k].x = c;
		} else if (n->str[0] == '[') {
			int cnt, at = list(lw, &n->expressions, &cnt);

			lw->nodes[k].list = at;
			lw->nodes[k].nlist = cnt;
		} else {
			int cnt, at = list(lw, &n->pairs, &cnt);

			lw->nodes[k].list = at;
			lw->nodes[k].nlist = cnt;
		}
		break;
	case JN_PATH: {
		int cnt, at = list(lw, &n->steps, &cnt);

		lw->nodes[k].list = at;
		lw->nodes[k].nlist = cnt;
		break;
	}
	case JN_FILTER:
	case JN_TERM:
		c = lower(lw, n->expression);
		lw->nodes[k].x = c;
		break;
	case JN_FUNCTION:
	case JN_PARTIAL: {
		int cnt, at;

		c = lower(lw, n->procedure);
		lw->nodes[k].x = c;
		at = list(lw, &n->arguments, &cnt);
		lw->nodes[k].list = at;
		lw->nodes[k].nlist = cnt;
		break;
	}
	case JN_LAMBDA: {
		int cnt = 0, at = 0;

		if (!n->thunk)
			at = list(lw, &n->arguments, &cnt);
		lw->nodes[k].list = at;
		lw->nodes[k].nlist = cnt;
		c = lower(lw, n->body);
		lw->nodes[k].x = c;
		break;
	}
	case JN_CONDITION:
		c = lower(lw, n->condition);
		lw->nodes[k].lhs = c;
		c = lower(lw, n->then);
		lw->nodes[k].rhs = c;
		if (n->else_) {
			c = lower(lw, n->else_);
			lw->nodes[k].x = c;
		}
		break;
	case JN_TRANSFORM:
		c = lower(lw, n->pattern);
		lw->nodes[k].lhs = c;
		c = lower(lw, n->update);
		lw->nodes[k].rhs = c;
		if (n->delete_) {
			c = lower(lw, n->delete_);
			lw->nodes[k].x = c;
		}
		break;
	case JN_BLOCK: {
		int cnt, at = list(lw, &n->expressions, &cnt);

		lw->nodes[k].list = at;
		lw->nodes[k].nlist = cnt;
		break;
	}
	case JN_SORT: {
		int cnt, at = list(lw, &n->terms, &cnt);

		lw->nodes[k].list = at;
		lw->nodes[k].nlist = cnt;
		break;
	}
	default:
		break;
	}
	if (n->stages.n) {
		int cnt, at = list(lw, &n->stages, &cnt);

		lw->nodes[k].stages = at;
		lw->nodes[k].nstages = cnt;
	}
	if (n->predicate.n) {
		int cnt, at = list(lw, &n->predicate, &cnt);

		lw->nodes[k].pred = at;
		lw->nodes[k].npred = cnt;
	}
	if (n->has_group) {
		int cnt, at = list(lw, &n->group, &cnt);

		lw->nodes[k].group = at;
		lw->nodes[k].ngroup = cnt;
	}
	/*
	** A path of plain names after its first step ($states.input.order.id)
	** can be read member by member while the values are objects.
	*/
	d = &lw->nodes[k];
	if (n->type == JN_PATH && n->steps.n >= 2 && !n->keep_singleton_array && !n->has_group &&
	    !n->tuple) {
		int i;
		bool simple = true;

		for (i = 0; i < n->steps.n && simple; i++) {
			const asl_jnode *s = &lw->nodes[lw->lists[d->list + i]];

			simple = (i > 0 ? s->type == ASL_JN_NAME : true) && !s->nstages && !s->npred &&
				 !s->ngroup && !s->flags && !s->focus && !s->index && !s->label;
		}
		if (simple)
			d->flags |= ASL_JN_SIMPLE;
	}
	return k;
}

struct jexpr *
jexpr_lower(struct program *prog, const struct jn_node *root, const char *text, const char **why)
{
	struct lowering lw = { 0 };
	struct jexpr *x;

	lw.prog = prog;
	x = arena_alloc(sizeof *x);
	x->root = lower(&lw, root);
	x->text = arena_strdup(text);
	x->nnode = lw.n;
	x->nodes = arena_alloc((size_t)lw.n * sizeof *x->nodes);
	memcpy(x->nodes, lw.nodes, (size_t)lw.n * sizeof *x->nodes);
	x->nlist = lw.nl;
	x->lists = arena_alloc((size_t)(lw.nl + 1) * sizeof *x->lists);
	if (lw.nl)
		memcpy(x->lists, lw.lists, (size_t)lw.nl * sizeof *x->lists);
	x->id = -1;
	free(lw.nodes);
	free(lw.lists);
	if (lw.why) {
		*why = lw.why;
		return NULL;
	}
	return x;
}
