/*
** lower.c - each state becomes the list of steps it runs, in order.
**
** The steps are those of the service's input and output processing:
**
**	Pass, Task:	enter, InputPath, (the task's timeouts), Parameters,
**			(Result | the task), Assign, ResultSelector,
**			ResultPath, OutputPath, next
**	Parallel:	enter, InputPath, Parameters, the branches, Assign,
**			ResultSelector, ResultPath, OutputPath, next
**	Map:		enter, InputPath, the iterations (ItemsPath and
**			ItemSelector are theirs), Assign, ResultSelector,
**			ResultPath, OutputPath, next
**	Choice:		enter, InputPath, the rules (each with its Assign
**			and OutputPath)
**	Wait:		enter, InputPath, Assign, the wait, OutputPath, next
**	Succeed:	enter, InputPath, OutputPath, succeed
**	Fail:		enter, fail
**
** Pass, Task, Parallel and Map keep their raw input for ResultPath, so InputPath and
** Parameters work on a second slot, v ("value" steps); the other states
** transform their input in place. Absent fields produce no step, except
** ResultPath, whose default "$" replaces the input with the result.
**
** Retry and Catch are not steps: emit_c.c writes them as the
** state's error handler, which every failing step jumps to.
*/
#include "aslc.h"

#include <stdio.h>
#include <string.h>

static const char *const op_names[] = {
#define OP(id, name) name,
#include "asl.def"
};

/* A state has at most one op per step above. */
#define MAX_OPS 12

struct lowering {
	struct op ops[MAX_OPS];
	int n;
};

static struct op *
add(struct lowering *lw, enum op_kind kind, struct loc loc)
{
	if (lw->n == MAX_OPS)
		die("more than %d steps in a state", MAX_OPS);
	memset(&lw->ops[lw->n], 0, sizeof lw->ops[0]);
	lw->ops[lw->n].kind = kind;
	lw->ops[lw->n].loc = loc;
	lw->ops[lw->n].next = -1;
	return &lw->ops[lw->n++];
}

static void
add_pathfield(struct lowering *lw, enum op_kind kind, const struct pathfield *pf,
	      bool value)
{
	struct op *op;

	if (!pf->present)
		return;
	op = add(lw, kind, pf->loc);
	op->path = pf->path;
	op->value = value;
}

/* The end of a state: the next one, or the end of the machine. */
static void
add_next(struct lowering *lw, const struct state *st)
{
	struct op *op;

	if (st->end) {
		add(lw, OP_SUCCEED, st->loc);
		return;
	}
	op = add(lw, OP_GOTO, st->next_loc);
	op->next = st->next;
}

/*
** A JSONata state: Arguments, the work, then Assign and Output, which both
** see $states.result (lower.c's header has the JSONPath order).
*/
static void
lower_jsonata(struct lowering *lw, struct state *st)
{
	bool work = st->kind == STATE_TASK || st->kind == STATE_PARALLEL || st->kind == STATE_MAP;
	struct op *op;

	switch (st->kind) {
	case STATE_PASS:
	case STATE_TASK:
	case STATE_PARALLEL:
	case STATE_MAP:
	case STATE_WAIT:
	case STATE_SUCCEED:
		/* The timeouts read the state input, before Arguments. */
		if (st->kind == STATE_TASK && (st->task.timeout_jn || st->task.heartbeat_jn ||
					       st->task.credentials)) {
			op = add(lw, OP_TIMEOUTS, st->loc);
			op->state = st;
			op->value = true;
		}
		if (st->arguments) {
			op = add(lw, OP_ARGUMENTS, st->arguments_loc);
			op->tpl = st->arguments;
			op->value = true;
		}
		if (work) {
			op = add(lw, st->kind == STATE_TASK ? OP_TASK : st->kind == STATE_PARALLEL ?
				 OP_PARALLEL : OP_MAP, st->loc);
			op->state = st;
		}
		if (st->assign) {
			op = add(lw, OP_JN_ASSIGN, st->assign_loc);
			op->tpl = st->assign;
			op->value = work;
		}
		if (st->kind == STATE_WAIT) {
			op = add(lw, OP_WAIT, st->wait_loc);
			op->state = st;
		}
		if (st->output || work) {
			op = add(lw, OP_JN_OUTPUT, st->output ? st->output_loc : st->loc);
			op->tpl = st->output;
			op->value = work;
		}
		if (st->kind == STATE_SUCCEED)
			add(lw, OP_SUCCEED, st->loc);
		else
			add_next(lw, st);
		break;
	case STATE_CHOICE:
		op = add(lw, OP_CHOICE, st->loc);
		op->state = st;
		break;
	case STATE_FAIL:
		op = add(lw, OP_FAIL, st->loc);
		op->state = st;
		break;
	default:
		die("lowering a state of unknown kind %d", st->kind);
	}
}

static void
lower_state(struct program *prog, struct state *st)
{
	struct lowering lw;
	struct op *op;
	const char *err;

	lw.n = 0;
	op = add(&lw, OP_ENTER, st->loc);
	op->state = st;
	if (st->jsonata) {
		lower_jsonata(&lw, st);
		goto done;
	}
	switch (st->kind) {
	case STATE_PASS:
	case STATE_TASK:
	case STATE_PARALLEL:
	case STATE_MAP:
		add_pathfield(&lw, OP_INPUT_PATH, &st->input_path, true);
		/* The timeouts read the effective input, before Parameters. */
		if (st->kind == STATE_TASK && (st->task.timeout_path || st->task.heartbeat_path ||
					       st->task.credentials)) {
			op = add(&lw, OP_TIMEOUTS, st->loc);
			op->state = st;
			op->value = true;
		}
		if (st->parameters) {
			op = add(&lw, OP_PARAMETERS, st->parameters_loc);
			op->tpl = st->parameters;
			op->value = true;
		}
		if (st->kind == STATE_PASS && st->has_result) {
			op = add(&lw, OP_PASS_RESULT, st->result_loc);
			op->konst = st->result_konst;
			op->size = st->result_size;
		}
		if (st->kind == STATE_TASK) {
			op = add(&lw, OP_TASK, st->loc);
			op->state = st;
		}
		if (st->kind == STATE_PARALLEL) {
			op = add(&lw, OP_PARALLEL, st->loc);
			op->state = st;
		}
		if (st->kind == STATE_MAP) {
			op = add(&lw, OP_MAP, st->loc);
			op->state = st;
		}
		/* Assign reads the result, before ResultSelector. */
		if (st->assign) {
			op = add(&lw, OP_ASSIGN, st->assign_loc);
			op->tpl = st->assign;
			op->value = true;
		}
		if (st->result_selector) {
			op = add(&lw, OP_RESULT_SELECTOR, st->result_selector_loc);
			op->tpl = st->result_selector;
			op->value = true;
		}
		if (st->result_path.present) {
			add_pathfield(&lw, OP_RESULT_PATH, &st->result_path, true);
		} else {
			op = add(&lw, OP_RESULT_PATH, st->loc);
			op->path = path_parse(prog, "$", &err);
		}
		add_pathfield(&lw, OP_OUTPUT_PATH, &st->output_path, false);
		add_next(&lw, st);
		break;
	case STATE_CHOICE:
		add_pathfield(&lw, OP_INPUT_PATH, &st->input_path, false);
		op = add(&lw, OP_CHOICE, st->loc);
		op->state = st;
		break;
	case STATE_WAIT:
		add_pathfield(&lw, OP_INPUT_PATH, &st->input_path, false);
		if (st->assign) {
			op = add(&lw, OP_ASSIGN, st->assign_loc);
			op->tpl = st->assign;
		}
		op = add(&lw, OP_WAIT, st->wait_loc);
		op->state = st;
		add_pathfield(&lw, OP_OUTPUT_PATH, &st->output_path, false);
		add_next(&lw, st);
		break;
	case STATE_SUCCEED:
		add_pathfield(&lw, OP_INPUT_PATH, &st->input_path, false);
		add_pathfield(&lw, OP_OUTPUT_PATH, &st->output_path, false);
		add(&lw, OP_SUCCEED, st->loc);
		break;
	case STATE_FAIL:
		op = add(&lw, OP_FAIL, st->loc);
		op->state = st;
		break;
	default:
		die("lowering a state of unknown kind %d", st->kind);
	}
done:
	st->ops = arena_alloc((size_t)lw.n * sizeof *st->ops);
	memcpy(st->ops, lw.ops, (size_t)lw.n * sizeof *st->ops);
	st->nop = lw.n;
}

/*
** The Task states the executable must find bindings for: those that can
** run (unreachable ones are not compiled).
*/
static void
add_task(struct program *prog, struct state *st)
{
	prog->tasks = xrealloc(prog->tasks, (size_t)(prog->ntask + 1) * sizeof *prog->tasks);
	st->task.index = prog->ntask;
	prog->tasks[prog->ntask++] = st;
}

static void
lower_machine(struct program *prog, struct machine *m)
{
	const char *err;
	int i, k;

	for (i = 0; i < m->nstate; i++) {
		struct state *st = m->states[i];

		if (!st->reachable)
			continue;
		lower_state(prog, st);
		if (st->kind == STATE_TASK)
			add_task(prog, st);
		/* A catcher's ResultPath defaults to "$": the error output. */
		for (k = 0; k < st->ncatch && !st->jsonata; k++) {
			struct pathfield *pf = &st->catch[k].result_path;

			if (!pf->present) {
				pf->present = true;
				pf->loc = st->catch[k].loc;
				pf->path = path_parse(prog, "$", &err);
			}
		}
	}
}

void
lower_program(struct program *prog)
{
	int i;

	for (i = 0; i < prog->nmachine; i++)
		if (prog->machines[i]->reachable)
			lower_machine(prog, prog->machines[i]);
}

/* ---- lower_print ---- */

static void
print_rule(FILE *f, const struct rule *r, int depth)
{
	int i;

	fprintf(f, "%*s", depth * 2, "");
	switch (r->kind) {
	case RULE_AND:
	case RULE_OR:
	case RULE_NOT:
		fprintf(f, "%s\n", r->kind == RULE_AND ? "and" : r->kind == RULE_OR ? "or" : "not");
		for (i = 0; i < r->nkid; i++)
			print_rule(f, r->kids[i], depth + 1);
		return;
	case RULE_CMP:
		fprintf(f, "cmp %d %s", (int)r->cmp, r->var->text);
		if (r->operand)
			fprintf(f, " %s", r->operand->text);
		else if (r->text)
			fprintf(f, " %s", r->text);
		else if (r->str)
			fprintf(f, " \"%s\"", r->str);
		else
			fprintf(f, " %s", r->b ? "true" : "false");
		fputc('\n', f);
	}
}

static void
print_errors(FILE *f, const struct errors *e)
{
	int i;

	for (i = 0; i < e->n; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : " [", e->names[i]);
	fprintf(f, "]");
}

static void
print_recovery(FILE *f, const struct state *st)
{
	int i;

	for (i = 0; i < st->nretry; i++) {
		const struct retrier *r = &st->retry[i];

		fprintf(f, "    retry");
		print_errors(f, &r->errors);
		fprintf(f, " interval %lld attempts %lld backoff %g max_delay %lld%s\n",
			(long long)r->interval, (long long)r->max_attempts, r->backoff,
			(long long)r->max_delay, r->jitter ? " jitter" : "");
	}
	for (i = 0; i < st->ncatch; i++) {
		const struct catcher *c = &st->catch[i];

		fprintf(f, "    catch");
		print_errors(f, &c->errors);
		fprintf(f, " result_path %s -> %d\n",
			c->result_path.path ? c->result_path.path->text : "null", c->next);
	}
}

static void
print_machine(const struct machine *m, FILE *f)
{
	int i, k, r;

	fprintf(f, "machine %d start %d", m->id, m->start);
	if (m->owner)
		fprintf(f, " in \"%s\" of machine %d%s", m->owner->name, m->parent->id,
			m->isolated ? " isolated" : "");
	fputc('\n', f);
	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];

		fprintf(f, "state %d \"%s\" %s%s\n", i, st->name,
			st->kind < STATE_COUNT ? state_type_name[st->kind] : "?",
			st->reachable ? "" : " unreachable");
		for (k = 0; k < st->nop; k++) {
			const struct op *op = &st->ops[k];

			fprintf(f, "  %s%s", op_names[op->kind], op->value ? " v" : "");
			switch (op->kind) {
			case OP_INPUT_PATH:
			case OP_OUTPUT_PATH:
			case OP_RESULT_PATH:
				fprintf(f, " %s", op->path ? op->path->text : "null");
				break;
			case OP_PARAMETERS:
			case OP_ASSIGN:
			case OP_RESULT_SELECTOR:
				fprintf(f, " (%d nodes)", op->tpl->nnode);
				break;
			case OP_PASS_RESULT:
				fprintf(f, " const %d", op->konst);
				break;
			case OP_TASK:
				fprintf(f, " %s", st->task.resource);
				break;
			case OP_GOTO:
				fprintf(f, " %d", op->next);
				break;
			default:
				break;
			}
			fputc('\n', f);
			if (op->kind == OP_TASK)
				print_recovery(f, st);
			if (op->kind == OP_CHOICE) {
				for (r = 0; r < st->choice.nrule; r++) {
					fprintf(f, "    rule -> %d\n", st->choice.rules[r]->next);
					print_rule(f, st->choice.rules[r], 3);
				}
				fprintf(f, "    default -> %d\n", st->choice.dflt);
			}
		}
	}
}

void
lower_print(const struct program *prog, FILE *f)
{
	int i;

	fprintf(f, "program \"%s\"\n", prog->name);
	for (i = 0; i < prog->nconst; i++)
		fprintf(f, "  const %d %s\n", i, prog->consts[i]);
	for (i = 0; i < prog->nmachine; i++)
		if (prog->machines[i]->reachable)
			print_machine(prog->machines[i], f);
}
