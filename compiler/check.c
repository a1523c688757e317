/*
** check.c - the rules that need the whole machine.
**
** parse.c has checked each field on its own. Here every name that a
** transition uses ("StartAt", "Next", "Default", the "Next" of a rule or
** a catcher) is resolved to a state index, once, so no later pass
** compares names; a name that names no state is an error that suggests
** the nearest one. Then the graph is walked from StartAt: states it never
** reaches draw a warning (and are not compiled), and a machine that can
** never end is an error.
*/
#include "aslc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Edit distance, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, prev, d;

	if (la > 200 || lb > 200)
		return (size_t)-1;
	row = xmalloc((lb + 1) * sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev + (a[i - 1] != b[j - 1]);

			prev = row[j];
			d = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < d ? sub : d;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

/* Every state's name, for resolving transitions once. */
static void
names_build(struct strmap *nm, const struct machine *m)
{
	int i;

	for (i = 0; i < m->nstate; i++)
		strmap_put(nm, m->states[i]->name, i);
}

/*
** Resolve name (from the field at loc) among the states of m (nm); reports
** and returns -1 if unknown, saying so when it names a state of another
** machine (elsewhere: every state's name).
*/
static int
resolve(const struct strmap *nm, const struct strmap *elsewhere,
	const struct machine *m, const char *field, const char *name, struct loc loc)
{
	int i = strmap_get(nm, name), best = -1;
	size_t bestd = (size_t)-1, d;

	if (i >= 0)
		return i;
	if (strmap_get(elsewhere, name) >= 0) {
		diag_error(loc, "\"%s\" names state \"%s\" of another scope: a transition cannot enter or leave a Parallel branch or a Map iteration",
			   field, name);
		return -1;
	}
	/* Suggestions cost a pass over the states: only for shown errors. */
	for (i = 0; i < m->nstate && diag_errors() < DIAG_MAX_ERRORS; i++) {
		/* A name that differs only in case is the best guess there is. */
		d = strcasecmp(name, m->states[i]->name) == 0 ? 0 : distance(name, m->states[i]->name);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	if (best >= 0 && bestd <= 2 + strlen(name) / 4)
		diag_error(loc, "\"%s\" names unknown state \"%s\"; did you mean \"%s\"?",
			   field, name, m->states[best]->name);
	else
		diag_error(loc, "\"%s\" names unknown state \"%s\"", field, name);
	return -1;
}

/* Mark every state reachable from start (an explicit stack, not recursion). */
static void
visit(const struct machine *m, int start)
{
	int *stack = xmalloc(((size_t)m->nstate + 1) * sizeof *stack);
	int n = 0, r;

	stack[n++] = start;
	m->states[start]->reachable = true;
	while (n > 0) {
		struct state *st = m->states[stack[--n]];

#define PUSH(i) do { \
		int i_ = (i); \
		if (i_ >= 0 && !m->states[i_]->reachable) { \
			m->states[i_]->reachable = true; \
			stack[n++] = i_; \
		} \
	} while (0)
		PUSH(st->next);
		for (r = 0; r < st->ncatch; r++)
			PUSH(st->catch[r].next);
		if (st->kind == STATE_CHOICE) {
			for (r = 0; r < st->choice.nrule; r++)
				if (st->choice.rules[r])
					PUSH(st->choice.rules[r]->next);
			PUSH(st->choice.dflt);
		}
#undef PUSH
	}
	free(stack);
}

static bool
terminal(const struct state *st)
{
	return st->end || st->kind == STATE_SUCCEED || st->kind == STATE_FAIL;
}

/* Where m assigns name, or NULL. */
static const struct varref *
assignment(const struct machine *m, const char *name)
{
	int i;

	for (i = 0; i < m->nassigned; i++)
		if (strcmp(m->assigned[i].name, name) == 0)
			return &m->assigned[i];
	return NULL;
}

/*
** Variables and their scopes. A Parallel branch or a Map iteration reads
** the variables of the scopes around it, but may not assign a name that
** one of them assigns (the service refuses such a definition); a
** Distributed Map's iterations see no outer variable at all. A variable
** that no visible scope assigns fails every execution that reads it.
*/
static void
check_variables(const struct machine *m)
{
	const struct machine *o, *beyond;
	const struct varref *a;
	int i;

	if (!m->reachable)
		return;
	for (i = 0; m->parent && i < m->nassigned; i++) {
		for (o = m->parent; o; o = o->parent)
			if ((a = assignment(o, m->assigned[i].name)))
				break;
		if (o)
			diag_error(m->assigned[i].loc,
				   "the variable $%s is assigned in an outer scope (%s): a %s cannot assign it",
				   m->assigned[i].name, a->loc.ptr[0] ? a->loc.ptr : "/",
				   m->owner->kind == STATE_PARALLEL ? "Parallel branch" : "Map iteration");
	}
	for (i = 0; i < m->nref; i++) {
		const struct varref *r = &m->refs[i];

		if (!r->loc.ptr)
			continue;
		if (i > 0 && strcmp(m->refs[i - 1].name, r->name) == 0 &&
		    m->refs[i - 1].loc.ptr && strcmp(m->refs[i - 1].loc.ptr, r->loc.ptr) == 0)
			continue;	/* said already for this field */
		beyond = NULL;
		for (o = m; o; o = o->parent) {
			if (assignment(o, r->name))
				break;
			if (o->isolated && !beyond)
				beyond = o;
		}
		if (o && !beyond)
			continue;
		if (o)
			diag_error(r->loc, "the variable $%s is assigned outside this Distributed Map, whose iterations cannot read outer variables",
				   r->name);
		else
			diag_warn(W_UNASSIGNED_VARIABLE, r->loc,
				  "the variable $%s is read here, but no state assigns it", r->name);
	}
}

/* Resolve the transitions of m, within m. */
static void
resolve_all(struct machine *m, const struct strmap *all)
{
	struct strmap nm = { 0 };
	int i, r;

	names_build(&nm, m);
	if (m->start_name)
		m->start = resolve(&nm, all, m, "StartAt", m->start_name, m->start_loc);
	for (i = 0; i < m->nstate; i++) {
		struct state *st = m->states[i];

		if (st->next_name)
			st->next = resolve(&nm, all, m, "Next", st->next_name, st->next_loc);
		for (r = 0; r < st->ncatch; r++)
			st->catch[r].next = resolve(&nm, all, m, "Next", st->catch[r].next_name,
						    st->catch[r].next_loc);
		if (st->kind != STATE_CHOICE)
			continue;
		for (r = 0; r < st->choice.nrule; r++) {
			struct rule *rule = st->choice.rules[r];

			if (rule && rule->next_name)
				rule->next = resolve(&nm, all, m, "Next", rule->next_name, rule->next_loc);
		}
		if (st->choice.default_name)
			st->choice.dflt = resolve(&nm, all, m, "Default", st->choice.default_name,
						  st->choice.default_loc);
	}
	strmap_free(&nm);
}

/* The JSON Pointer of m's "States", for messages. */
static const char *
states_ptr(const struct machine *m)
{
	return m->loc.ptr[0] ? diag_ptr_member(m->loc.ptr, "States") : "/States";
}

/* Reachability, and a way to end, of a machine whose transitions resolved. */
static void
check_graph(struct machine *m)
{
	bool ends = false;
	int i;

	visit(m, m->start);
	for (i = 0; i < m->nstate; i++) {
		struct state *st = m->states[i];

		if (!st->reachable) {
			/* The service refuses it: MISSING_TRANSITION_TARGET. */
			if (m->reachable)
				diag_error(st->loc, "state \"%s\" is not reachable: no transition "
					   "from \"StartAt\" leads to it", st->name);
		} else if (terminal(st)) {
			ends = true;
		}
	}
	if (!ends)
		diag_error((struct loc){ states_ptr(m), false },
			   "no state ends the execution%s: reachable states need \"End\": true, a Succeed or a Fail state",
			   !m->parent ? "" : m->owner->kind == STATE_PARALLEL ? " of this branch" :
			   " of this iteration");
}

/* Map Labels name Map Runs: unique in the whole definition. */
static void
check_labels(const struct program *prog)
{
	struct strmap seen = { 0 };
	const struct state **first;
	int i, k, n = 0, j;

	for (i = 0; i < prog->nmachine; i++)
		n += prog->machines[i]->nstate;
	first = xmalloc(((size_t)n + 1) * sizeof *first);
	n = 0;
	for (i = 0; i < prog->nmachine; i++) {
		const struct machine *m = prog->machines[i];

		for (k = 0; k < m->nstate; k++) {
			const struct state *st = m->states[k];

			if (st->kind != STATE_MAP || !st->map.label)
				continue;
			if ((j = strmap_get(&seen, st->map.label)) >= 0) {
				diag_error(st->map.label_loc, "the Label \"%s\" is used twice (also by the Map state \"%s\"): Labels are unique in the whole state machine",
					   st->map.label, first[j]->name);
				continue;
			}
			first[n] = st;
			strmap_put(&seen, st->map.label, n++);
		}
	}
	strmap_free(&seen);
	free(first);
}

/*
** State names are unique in the whole definition, branches included;
** seen gets them all.
*/
static void
check_names(const struct program *prog, struct strmap *seen)
{
	const char **where;	/* the pointer of each name's first state */
	int i, k, n = 0, j;

	for (i = 0; i < prog->nmachine; i++)
		n += prog->machines[i]->nstate;
	where = xmalloc(((size_t)n + 1) * sizeof *where);
	n = 0;
	for (i = 0; i < prog->nmachine; i++) {
		const struct machine *m = prog->machines[i];

		for (k = 0; k < m->nstate; k++) {
			const struct state *st = m->states[k];

			if ((j = strmap_get(seen, st->name)) >= 0) {
				diag_error(st->loc, "the state name \"%s\" is used twice (also at %s): state names are unique in the whole state machine, branches and iterations included",
					   st->name, where[j]);
				continue;
			}
			where[n] = st->loc.ptr;
			strmap_put(seen, st->name, n++);
		}
	}
	free(where);
	check_labels(prog);
}

int
check_program(struct program *prog)
{
	int before = diag_errors(), i;
	struct strmap all = { 0 };

	check_names(prog, &all);
	for (i = 0; i < prog->nmachine; i++)
		if (prog->machines[i]->nstate > 0)	/* else "States" was wrong: reported */
			resolve_all(prog->machines[i], &all);
	strmap_free(&all);
	if (diag_errors() > 0)
		return diag_errors() - before;

	/*
	** Graph checks are about machines that make sense; after a field
	** error they would only repeat it. Parents come before the machines
	** inside them, whose reachability follows their owner's.
	*/
	for (i = 0; i < prog->nmachine; i++) {
		struct machine *m = prog->machines[i];

		m->reachable = !m->parent || (m->parent->reachable && m->owner->reachable);
		if (m->start >= 0)
			check_graph(m);
	}
	for (i = 0; i < prog->nmachine; i++)
		check_variables(prog->machines[i]);
	return diag_errors() - before;
}
