/*
** graph.c - aslc graph: the state machine drawn as a Graphviz DOT digraph
** or a Mermaid flowchart, with an execution's history laid over it.
**
** The drawing is made from the checked IR, not from the JSON, so that it
** shows what the compiler understood: resolved transitions, Choice rules
** as parsed, the Retry and Catch of each state. It is built in two steps.
** First every edge of every machine goes into one list (struct gedge);
** the history, if any, then marks states entered or failed and edges
** taken. Then the nodes are written machine by machine, each Parallel
** branch and Map item processor as a cluster (a subgraph) inside the
** cluster of its parent, and the edges last, at the top level: an edge
** written inside a subgraph would pull its nodes into it.
**
** Nodes have generated ids, m<machine>_s<state>, m<machine>_start and
** m<machine>_end; the names of the definition only ever appear inside
** quoted labels, escaped for the output language (dot_string and
** mm_string), so that no state name can change the structure of the
** graph.
**
** A history is what GetExecutionHistory returns, one HistoryEvent per
** line (JSON lines). Only state entries and exits and the execution's
** end are read; names that are not states of the definition are ignored.
*/
#include "aslc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Labels longer than this (in characters) are cut, the whole in a tooltip. */
#define LABEL_MAX 48

/* Colours of the history overlay (light fills, dark strokes). */
#define COLOR_ENTERED "#c8e6c9"
#define COLOR_ENTERED_STROKE "#2e7d32"
#define COLOR_FAILED "#ffcdd2"
#define COLOR_FAILED_STROKE "#c62828"
#define COLOR_TAKEN "#2e7d32"

/* The node indexes of a machine's markers, beside its states' 0, 1, ... */
#define NODE_START (-1)
#define NODE_END (-2)

enum edge_kind {
	E_START,	/* start marker -> StartAt */
	E_NEXT,		/* Next */
	E_END,		/* End, Succeed or Fail -> end marker */
	E_RULE,		/* a Choice rule's Next */
	E_DEFAULT,	/* a Choice's Default */
	E_CATCH,	/* a catcher's Next */
	E_RETRY,	/* the state's Retry, as a loop on itself */
	E_CHILD		/* Parallel or Map -> a branch's start marker */
};

struct gedge {
	enum edge_kind kind;
	const struct machine *m;	/* the machine of the edge's source */
	int from, to;		/* node indexes in m */
	const struct machine *child;	/* E_CHILD: the branch; to is its start */
	const char *label;	/* raw text or NULL; escaped when written */
	const char *tooltip;	/* the whole label when it was cut, or NULL */
	bool fail;		/* E_END from a Fail state */
	bool taken;		/* the history went this way */
};

/* One event of a history that the overlay reads. */
enum hkind { H_ENTERED, H_EXITED, H_FAIL_STATE, H_EXEC_FAILED };
struct hevent {
	enum hkind kind;
	const char *name;	/* the state's name (not H_EXEC_FAILED) */
};

struct history {
	struct hevent *ev;
	int n, cap;
};

struct graph {
	const struct program *prog;
	enum graph_format fmt;
	FILE *f;
	struct gedge *edges;
	int nedge, edgecap;
	bool **entered, **failed;	/* [machine id][state index] */
	bool *has_end;		/* [machine id]: some edge reaches the end */
};

/* ---- labels ---- */

static const char *
cmp_symbol(enum compare cmp)
{
	const char *c = compare_info[cmp].cmp;

	if (strcmp(c, "ASL_LT") == 0)
		return "<";
	if (strcmp(c, "ASL_GT") == 0)
		return ">";
	if (strcmp(c, "ASL_LE") == 0)
		return "<=";
	if (strcmp(c, "ASL_GE") == 0)
		return ">=";
	return "==";
}

/* A string constant as JSON writes it: quoted, escapes visible. */
static void
quoted(struct strbuf *b, const char *s, size_t len)
{
	json_t *j = json_stringn(s, len);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	sb_puts(b, t ? t : "\"?\"");
	free(t);
	json_decref(j);
}

/* A Choice rule as a short condition: $.total > 100, And(..., ...). */
static void
rule_text(struct strbuf *b, const struct rule *r)
{
	static const char *const is[] = {
		"null", "present", "numeric", "string", "boolean", "timestamp"
	};
	enum operand_type type;
	int i;

	switch (r->kind) {
	case RULE_AND:
	case RULE_OR:
	case RULE_NOT:
		sb_puts(b, r->kind == RULE_AND ? "And(" :
			r->kind == RULE_OR ? "Or(" : "Not(");
		for (i = 0; i < r->nkid; i++) {
			if (i)
				sb_puts(b, ", ");
			rule_text(b, r->kids[i]);
		}
		sb_putc(b, ')');
		return;
	case RULE_CMP:
		break;
	}
	type = compare_info[r->cmp].type;
	sb_puts(b, r->var ? r->var->text : "$");
	switch (type) {
	case OPERAND_STRING:
		sb_printf(b, " %s ", cmp_symbol(r->cmp));
		quoted(b, r->str, r->len);
		break;
	case OPERAND_MATCHES:
		sb_puts(b, " matches ");
		quoted(b, r->str, r->len);
		break;
	case OPERAND_NUMERIC:
	case OPERAND_TIMESTAMP:
		sb_printf(b, " %s %s", cmp_symbol(r->cmp), r->text ? r->text : "?");
		break;
	case OPERAND_BOOLEAN:
		sb_printf(b, " == %s", r->b ? "true" : "false");
		break;
	case OPERAND_STRING_PATH:
	case OPERAND_NUMERIC_PATH:
	case OPERAND_TIMESTAMP_PATH:
	case OPERAND_BOOLEAN_PATH:
		sb_printf(b, " %s %s", cmp_symbol(r->cmp),
			  r->operand ? r->operand->text : "?");
		break;
	default:
		sb_printf(b, " is %s%s", r->b ? "" : "not ", is[type - OPERAND_IS_NULL]);
	}
}

static void
join_errors(struct strbuf *b, const struct errors *e)
{
	int i;

	for (i = 0; i < e->n; i++) {
		if (i)
			sb_puts(b, ", ");
		sb_puts(b, e->names[i]);
	}
}

/*
** Add an edge whose label is b's text (taken over; NULL for none). A long
** label is cut at a character boundary, and kept whole as the tooltip.
*/
static struct gedge *
add_edge(struct graph *g, enum edge_kind kind, const struct machine *m, int from,
	 int to, struct strbuf *b)
{
	struct gedge *e;

	if (g->nedge == g->edgecap) {
		g->edgecap = g->edgecap ? 2 * g->edgecap : 64;
		g->edges = xrealloc(g->edges, (size_t)g->edgecap * sizeof *g->edges);
	}
	e = &g->edges[g->nedge++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->m = m;
	e->from = from;
	e->to = to;
	if (to == NODE_END)
		g->has_end[m->id] = true;
	if (b && b->s) {
		const unsigned char *u = (const unsigned char *)b->s;
		size_t i, chars = 0;

		e->label = arena_strdup(b->s);
		for (i = 0; u[i]; i++)	/* count UTF-8 lead bytes */
			if ((u[i] & 0xc0) != 0x80 && chars++ == LABEL_MAX)
				break;
		if (b->s[i]) {
			e->tooltip = e->label;
			e->label = arena_printf("%s\xe2\x80\xa6", arena_strndup(b->s, i));
		}
	}
	if (b)
		sb_free(b);
	return e;
}

/* The machines a Parallel (its branches) or Map (its processor) runs. */
static struct machine *const *
children(const struct state *st, int *n)
{
	*n = 0;
	if (st->kind == STATE_PARALLEL) {
		*n = st->parallel.nbranch;
		return st->parallel.branches;
	}
	if (st->kind == STATE_MAP && st->map.processor) {
		*n = 1;
		return &st->map.processor;
	}
	return NULL;
}

/* The title of st's i-th child machine's cluster. */
static const char *
child_title(const struct state *st, int i)
{
	if (st->kind == STATE_MAP)
		return arena_printf("%s: items", st->name);
	return arena_printf("%s: branch %d", st->name, i + 1);
}

/* Every edge of m, then of its branches (machines come parents first). */
static void
machine_edges(struct graph *g, const struct machine *m)
{
	struct machine *const *kids;
	int i, j, nkid;

	add_edge(g, E_START, m, NODE_START, m->start, NULL);
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];
		struct strbuf b = { 0 };

		if (st->kind == STATE_CHOICE) {
			for (j = 0; j < st->choice.nrule; j++) {
				const struct rule *r = st->choice.rules[j];

				rule_text(&b, r);
				if (r->next >= 0)
					add_edge(g, E_RULE, m, i, r->next, &b);
				sb_free(&b);
			}
			if (st->choice.dflt >= 0) {
				sb_puts(&b, "Default");
				add_edge(g, E_DEFAULT, m, i, st->choice.dflt, &b);
			}
		} else if (st->next >= 0) {
			add_edge(g, E_NEXT, m, i, st->next, NULL);
		}
		if (st->end || st->kind == STATE_SUCCEED || st->kind == STATE_FAIL) {
			struct gedge *e = add_edge(g, E_END, m, i, NODE_END, NULL);

			e->fail = st->kind == STATE_FAIL;
		}
		for (j = 0; j < st->nretry; j++) {
			const struct retrier *rt = &st->retry[j];

			if (j)
				sb_putc(&b, '\n');
			sb_puts(&b, "Retry ");
			join_errors(&b, &rt->errors);
			sb_printf(&b, " \xc3\x97%lld", (long long)rt->max_attempts);
		}
		if (st->nretry)
			add_edge(g, E_RETRY, m, i, i, &b);
		for (j = 0; j < st->ncatch; j++) {
			const struct catcher *c = &st->catch[j];

			sb_puts(&b, "Catch ");
			join_errors(&b, &c->errors);
			if (c->next >= 0)
				add_edge(g, E_CATCH, m, i, c->next, &b);
			sb_free(&b);
		}
		kids = children(st, &nkid);
		for (j = 0; j < nkid; j++)
			add_edge(g, E_CHILD, m, i, NODE_START, NULL)->child = kids[j];
	}
}

/* ---- the history ---- */

static void
add_event(struct history *h, enum hkind kind, const char *name)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->ev = xrealloc(h->ev, (size_t)h->cap * sizeof *h->ev);
	}
	h->ev[h->n].kind = kind;
	h->ev[h->n].name = name ? arena_strdup(name) : NULL;
	h->n++;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* details.name of event ev, or NULL. */
static const char *
detail_name(json_t *ev, const char *details)
{
	json_t *name = json_object_get(json_object_get(ev, details), "name");

	return json_string_value(name);
}

struct history *
history_read(const char *file)
{
	FILE *f = fopen(file, "r");
	struct history *h = arena_alloc(sizeof *h);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;

	if (!f)
		fatal("cannot open %s: %s", file, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t err;
		json_t *ev;
		const char *type, *name;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		ev = json_loadb(line, (size_t)len, 0, &err);
		if (!ev)
			fatal("%s:%d: not a JSON line (one HistoryEvent per line): %s",
			      file, lineno, err.text);
		if (!json_is_object(ev))
			fatal("%s:%d: a history event must be a JSON object", file,
			      lineno);
		type = json_string_value(json_object_get(ev, "type"));
		if (!type)
			fatal("%s:%d: a history event needs a \"type\" string", file,
			      lineno);
		if (ends_with(type, "StateEntered") &&
		    (name = detail_name(ev, "stateEnteredEventDetails"))) {
			add_event(h, H_ENTERED, name);
			if (strcmp(type, "FailStateEntered") == 0)
				add_event(h, H_FAIL_STATE, name);
		} else if (ends_with(type, "StateExited") &&
			   (name = detail_name(ev, "stateExitedEventDetails"))) {
			add_event(h, H_EXITED, name);
		} else if (strcmp(type, "ExecutionFailed") == 0 ||
			   strcmp(type, "ExecutionTimedOut") == 0 ||
			   strcmp(type, "ExecutionAborted") == 0) {
			add_event(h, H_EXEC_FAILED, NULL);
		}
		json_decref(ev);
	}
	if (ferror(f))
		fatal("cannot read %s: %s", file, strerror(errno));
	free(line);
	fclose(f);
	/* Kept in the arena with the rest; the event array is malloc'd. */
	if (h->n) {
		struct hevent *ev = arena_alloc((size_t)h->n * sizeof *ev);

		memcpy(ev, h->ev, (size_t)h->n * sizeof *ev);
		free(h->ev);
		h->ev = ev;
	}
	return h;
}

/* Mark the edges of kind from..to of m taken (any kind when kind < 0). */
static void
take(struct graph *g, const struct machine *m, int from, int to, int kind)
{
	int i;

	for (i = 0; i < g->nedge; i++) {
		struct gedge *e = &g->edges[i];

		if (e->m == m && e->from == from && e->to == to && e->kind != E_RETRY &&
		    (kind < 0 || (int)e->kind == kind))
			e->taken = true;
	}
}

/* The edge from m's Parallel or Map state to m's start marker. */
static void
take_child(struct graph *g, const struct machine *m)
{
	int i;

	for (i = 0; i < g->nedge; i++)
		if (g->edges[i].child == m)
			g->edges[i].taken = true;
}

/*
** Lay the history over the graph. An edge is taken when two states of one
** machine are entered one after the other; each machine remembers its last
** state entered (last), forgotten when its owner starts it again. A name
** that more than one machine holds (Map iterations, branches that reuse a
** name) counts for each.
*/
static void
overlay(struct graph *g, const struct history *h)
{
	const struct program *prog = g->prog;
	int *last = xmalloc((size_t)prog->nmachine * sizeof *last);
	/* The states entered by the latest entry event: (machine, state) pairs. */
	int *recent = xmalloc(2 * (size_t)prog->nmachine * sizeof *recent);
	int nrecent = 0, i, k, j, c, from;
	bool any_failed = false;

	for (k = 0; k < prog->nmachine; k++)
		last[k] = -1;
	for (i = 0; i < h->n; i++) {
		const struct hevent *ev = &h->ev[i];

		if (ev->kind == H_EXEC_FAILED) {
			for (j = 0; !any_failed && j < nrecent; j++)
				g->failed[recent[2 * j]][recent[2 * j + 1]] = true;
			continue;
		}
		if (ev->kind == H_ENTERED)
			nrecent = 0;
		for (k = 0; k < prog->nmachine; k++) {
			const struct machine *m = prog->machines[k];

			for (j = 0; j < m->nstate; j++) {
				const struct state *st = m->states[j];

				if (strcmp(st->name, ev->name) != 0)
					continue;
				switch (ev->kind) {
				case H_ENTERED:
					g->entered[k][j] = true;
					from = last[k] < 0 ? NODE_START : last[k];
					take(g, m, from, j, -1);
					if (last[k] < 0 && j == m->start)
						take_child(g, m);
					last[k] = j;
					if (nrecent < prog->nmachine) {
						recent[2 * nrecent] = k;
						recent[2 * nrecent + 1] = j;
						nrecent++;
					}
					/* Its branches start again. */
					for (c = 0; c < prog->nmachine; c++)
						if (prog->machines[c]->owner == st)
							last[c] = -1;
					break;
				case H_EXITED:
					take(g, m, j, NODE_END, E_END);
					break;
				case H_FAIL_STATE:
					g->failed[k][j] = true;
					any_failed = true;
					take(g, m, j, NODE_END, E_END);
					break;
				case H_EXEC_FAILED:
					break;
				}
			}
		}
	}
	free(last);
	free(recent);
}

/* ---- DOT ---- */

/*
** A DOT quoted string. Inside quotes only '"' and '\\' are special; a
** backslash would also start a label escape (\N, \G, \l), so it is doubled.
** Newlines become line breaks (\n) and other control characters spaces.
*/
static void
dot_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
indent(FILE *f, int depth)
{
	while (depth-- > 0)
		fputc('\t', f);
}

static const char *
node_id(const struct machine *m, int node)
{
	if (node == NODE_START)
		return arena_printf("m%d_start", m->id);
	if (node == NODE_END)
		return arena_printf("m%d_end", m->id);
	return arena_printf("m%d_s%d", m->id, node);
}

/* Shape and style of each kind of state. */
static const struct {
	const char *shape, *style;	/* DOT */
	const char *open, *close;	/* Mermaid */
	const char *cls;		/* Mermaid classDef */
} look[STATE_COUNT] = {
	[STATE_TASK] = { "box", "rounded", "[", "]", "task" },
	[STATE_PASS] = { "ellipse", "solid", "(", ")", "pass" },
	[STATE_CHOICE] = { "diamond", "solid", "{", "}", "choice" },
	[STATE_WAIT] = { "parallelogram", "solid", "[/", "/]", "wait" },
	[STATE_SUCCEED] = { "box", "rounded,bold", "([", "])", "succeed" },
	[STATE_FAIL] = { "octagon", "bold", "{{", "}}", "fail" },
	[STATE_PARALLEL] = { "box3d", "solid", "[[", "]]", "parallel" },
	[STATE_MAP] = { "component", "solid", "[(", ")]", "map" },
};

static void dot_machine(struct graph *g, const struct machine *m, int depth);

/* The clusters of st's branches, inside the current one. */
static void
dot_children(struct graph *g, const struct state *st, int depth)
{
	FILE *f = g->f;
	int n, i;
	struct machine *const *kids = children(st, &n);

	for (i = 0; i < n; i++) {
		indent(f, depth);
		fprintf(f, "subgraph cluster_m%d {\n", kids[i]->id);
		indent(f, depth + 1);
		fputs("label=", f);
		dot_string(f, child_title(st, i));
		fputs(";\n", f);
		indent(f, depth + 1);
		fputs("style=\"rounded,dashed\"; color=gray50; fontcolor=gray30;\n", f);
		dot_machine(g, kids[i], depth + 1);
		indent(f, depth);
		fputs("}\n", f);
	}
}

static void
dot_machine(struct graph *g, const struct machine *m, int depth)
{
	FILE *f = g->f;
	int i;

	indent(f, depth);
	fprintf(f, "%s [shape=circle, style=filled, fillcolor=black, label=\"\", "
		"width=0.18, tooltip=\"start\"];\n", node_id(m, NODE_START));
	if (g->has_end[m->id]) {
		indent(f, depth);
		fprintf(f, "%s [shape=doublecircle, style=filled, fillcolor=black, "
			"label=\"\", width=0.12, tooltip=\"end\"];\n",
			node_id(m, NODE_END));
	}
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];
		bool entered = g->entered[m->id][i], failed = g->failed[m->id][i];

		indent(f, depth);
		fprintf(f, "%s [label=", node_id(m, i));
		dot_string(f, st->name);
		fprintf(f, ", tooltip=\"%s\", shape=%s, style=\"%s%s\"",
			state_type_name[st->kind], look[st->kind].shape,
			look[st->kind].style, entered || failed ? ",filled" : "");
		if (failed)
			fprintf(f, ", fillcolor=\"%s\", color=\"%s\", penwidth=2",
				COLOR_FAILED, COLOR_FAILED_STROKE);
		else if (entered)
			fprintf(f, ", fillcolor=\"%s\", color=\"%s\"", COLOR_ENTERED,
				COLOR_ENTERED_STROKE);
		else if (st->kind == STATE_FAIL)
			fputs(", color=red3", f);
		else if (st->kind == STATE_SUCCEED)
			fputs(", color=darkgreen", f);
		fputs("];\n", f);
	}
	for (i = 0; i < m->nstate; i++)
		dot_children(g, m->states[i], depth);
}

/* Where e leads: a node of its machine, or a branch's start marker. */
static const char *
edge_target(const struct gedge *e)
{
	return e->child ? node_id(e->child, NODE_START) : node_id(e->m, e->to);
}

static void
dot_edge(struct graph *g, const struct gedge *e)
{
	FILE *f = g->f;
	const char *to = edge_target(e);
	const char *style = "solid", *color = "black";

	switch (e->kind) {
	case E_CATCH:
		style = "dashed";
		color = "darkorange3";
		break;
	case E_RETRY:
		style = "dotted";
		color = "gray40";
		break;
	case E_CHILD:
		style = "dotted";
		color = "gray50";
		break;
	case E_END:
		color = e->fail ? "red3" : "black";
		break;
	default:
		break;
	}
	/* A taken edge keeps its style (a Catch stays dashed) in the overlay's colour. */
	fprintf(f, "\t%s -> %s [style=%s, color=\"%s\", fontcolor=\"%s\"%s",
		node_id(e->m, e->from), to, style, e->taken ? COLOR_TAKEN : color, color,
		e->taken ? ", penwidth=2.5" : "");
	if (e->kind == E_CHILD)
		fputs(", arrowhead=none", f);
	if (e->label) {
		fputs(", label=", f);
		dot_string(f, e->label);
	}
	if (e->tooltip) {
		fputs(", tooltip=", f);
		dot_string(f, e->tooltip);
	}
	fputs("];\n", f);
}

static void
dot_graph(struct graph *g)
{
	int i;

	fputs("digraph aslc {\n\tlabel=", g->f);
	dot_string(g->f, g->prog->name);
	fputs(";\n\tlabelloc=t; fontname=\"Helvetica\";\n"
	      "\tnode [fontname=\"Helvetica\", fontsize=11];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=9];\n", g->f);
	dot_machine(g, g->prog->top, 1);
	for (i = 0; i < g->nedge; i++)
		dot_edge(g, &g->edges[i]);
	fputs("}\n", g->f);
}

/* ---- Mermaid ---- */

/*
** A Mermaid quoted string. Mermaid has no backslash escapes: a character
** that could end the string or mean something to its parsers (quotes,
** brackets, %% comments and directives, HTML, Markdown) is written as an
** entity, #<decimal>;, which Mermaid decodes, '#' included so that none is
** read as one. Newlines become <br>. Letters, digits, a few harmless signs
** and UTF-8 stay, except the characters JavaScript takes as line ends.
*/
/*
** The length of the UTF-8 character at s if JavaScript could take it as a
** line end (U+0085, U+2028, U+2029) or it is the invisible U+FEFF, else 0.
*/
static size_t
line_end(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == 0xc2 && u[1] == 0x85)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	if (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

static void
mm_string(FILE *f, const char *s)
{
	fputc('"', f);
	while (*s) {
		unsigned char c = (unsigned char)*s;

		size_t skip;

		if (c >= 0x80) {
			if ((skip = line_end(s)) > 0) {
				fputc(' ', f);
				s += skip;
				continue;
			}
			fputc(c, f);
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || strchr(" .,:()/$_+=?!@'^*-", c)) {
			fputc(c, f);
		} else if (c == '\n') {
			fputs("<br>", f);
		} else if (c < 0x20 || c == 0x7f) {
			fputc(' ', f);
		} else {
			fprintf(f, "#%d;", c);
		}
		s++;
	}
	fputc('"', f);
}

static void mm_machine(struct graph *g, const struct machine *m, int depth);

static void
mm_children(struct graph *g, const struct state *st, int depth)
{
	int n, i;
	struct machine *const *kids = children(st, &n);

	for (i = 0; i < n; i++) {
		fprintf(g->f, "%*ssubgraph m%d [", 4 * depth, "", kids[i]->id);
		mm_string(g->f, child_title(st, i));
		fprintf(g->f, "]\n%*sdirection TB\n", 4 * depth + 4, "");
		mm_machine(g, kids[i], depth + 1);
		fprintf(g->f, "%*send\n", 4 * depth, "");
	}
}

static void
mm_machine(struct graph *g, const struct machine *m, int depth)
{
	FILE *f = g->f;
	int i;

	fprintf(f, "%*s%s((\" \"))\n", 4 * depth, "", node_id(m, NODE_START));
	if (g->has_end[m->id])
		fprintf(f, "%*s%s(((\" \")))\n", 4 * depth, "", node_id(m, NODE_END));
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		fprintf(f, "%*s%s%s", 4 * depth, "", node_id(m, i), look[st->kind].open);
		mm_string(f, st->name);
		fprintf(f, "%s:::%s\n", look[st->kind].close, look[st->kind].cls);
	}
	for (i = 0; i < m->nstate; i++)
		mm_children(g, m->states[i], depth);
}

static void
mm_graph(struct graph *g)
{
	FILE *f = g->f;
	int i, k, j, link = 0;

	fputs("flowchart TB\n", f);
	fputs("    classDef marker fill:#000,stroke:#000\n"
	      "    classDef task fill:#fff,stroke:#333\n"
	      "    classDef pass fill:#fff,stroke:#333\n"
	      "    classDef choice fill:#fff,stroke:#333\n"
	      "    classDef wait fill:#fff,stroke:#333\n"
	      "    classDef succeed fill:#fff,stroke:#1b5e20,stroke-width:2px\n"
	      "    classDef fail fill:#fff,stroke:#b71c1c,stroke-width:2px\n"
	      "    classDef parallel fill:#fff,stroke:#333\n"
	      "    classDef map fill:#fff,stroke:#333\n", f);
	mm_machine(g, g->prog->top, 1);
	for (k = 0; k < g->prog->nmachine; k++) {
		const struct machine *m = g->prog->machines[k];

		fprintf(f, "    class %s", node_id(m, NODE_START));
		if (g->has_end[m->id])
			fprintf(f, ",%s", node_id(m, NODE_END));
		fputs(" marker\n", f);
	}
	for (i = 0; i < g->nedge; i++) {
		const struct gedge *e = &g->edges[i];
		const char *to = edge_target(e);
		const char *arrow = e->kind == E_CATCH || e->kind == E_RETRY ? "-.->"
			: e->kind == E_CHILD ? "-.-" : "-->";

		fprintf(f, "    %s %s", node_id(e->m, e->from), arrow);
		if (e->label) {
			fputc('|', f);
			mm_string(f, e->label);
			fputc('|', f);
		}
		fprintf(f, " %s\n", to);
	}
	/* The overlay, as inline styles: they win over the classes. */
	for (k = 0; k < g->prog->nmachine; k++) {
		const struct machine *m = g->prog->machines[k];

		for (j = 0; j < m->nstate; j++) {
			if (g->failed[k][j])
				fprintf(f, "    style %s fill:%s,stroke:%s,"
					"stroke-width:3px\n", node_id(m, j), COLOR_FAILED,
					COLOR_FAILED_STROKE);
			else if (g->entered[k][j])
				fprintf(f, "    style %s fill:%s,stroke:%s\n",
					node_id(m, j), COLOR_ENTERED, COLOR_ENTERED_STROKE);
		}
	}
	for (i = 0; i < g->nedge; i++, link++)
		if (g->edges[i].taken)
			fprintf(f, "    linkStyle %d stroke:%s,stroke-width:3px\n", link,
				COLOR_TAKEN);
}

/* ---- the entry ---- */

void
graph_write(const struct program *prog, enum graph_format fmt,
	    const struct history *h, FILE *f)
{
	struct graph g;
	int k;

	memset(&g, 0, sizeof g);
	g.prog = prog;
	g.fmt = fmt;
	g.f = f;
	g.entered = arena_alloc((size_t)prog->nmachine * sizeof *g.entered);
	g.failed = arena_alloc((size_t)prog->nmachine * sizeof *g.failed);
	g.has_end = arena_alloc((size_t)prog->nmachine * sizeof *g.has_end);
	for (k = 0; k < prog->nmachine; k++) {
		size_t n = (size_t)prog->machines[k]->nstate + 1;

		g.entered[k] = arena_alloc(n * sizeof **g.entered);
		g.failed[k] = arena_alloc(n * sizeof **g.failed);
	}
	for (k = 0; k < prog->nmachine; k++)
		machine_edges(&g, prog->machines[k]);
	if (h)
		overlay(&g, h);
	if (fmt == GRAPH_MERMAID)
		mm_graph(&g);
	else
		dot_graph(&g);
	free(g.edges);
}
