/*
** teststate.c - --test-state: one state run alone, as the service's
** TestState API runs it.
**
**	./order --test-state ChargePayment --input '{...}' \
**		--mock-error Gateway.Timeout --retry-count 1 --inspection-level DEBUG
**	{"error":"Gateway.Timeout","inspectionData":{...,"errorDetails":
**	 {"retryIndex":0,"retryBackoffIntervalSeconds":2}},"status":"RETRIABLE"}
**
** The machine that holds the state (the top level, a Parallel branch or
** a Map's item processor) starts at it (asl_start), and the run stops where
** the state ends: at the next state's entry, whose name is the nextState;
** at the machine's end; where a Fail state or an uncaught error ends it;
** or where a retrier would retry, which is not run but reported
** (RETRIABLE, with the back-off). A catcher's path is run to its Next
** (CAUGHT_ERROR). A mock stands for what a Task, Parallel or Map would
** return. Each step of the state records the value it made, for the
** inspection data of DEBUG and TRACE.
**
** The response has the fields of TestState's, in its shapes: output and
** the inspection data are JSON text, errorDetails an object.
*/
#include "aslrt_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { TEST_SUCCEEDED, TEST_FAILED, TEST_RETRIABLE, TEST_CAUGHT_ERROR };

/* The inspection data's keys, in the order of the steps. */
static const char *const step_names[ASLP_TS_NSTEP] = {
	"input", "afterInputPath", "afterParameters", "result",
	"afterResultSelector", "afterResultPath",
};

struct aslp_test {
	const struct aslp_test_options *o;
	asl_machine_fn *machine;	/* the machine (branch, item processor)
					   that holds the state */
	int start;		/* the state's index in it */
	const asl_state_info *state;

	/* What happened. */
	bool entered;		/* the state was entered */
	bool stopped;		/* ... and left, or a retry was reported */
	bool invalid;		/* a mock does not fit the state (exit 2) */
	int status;
	const char *next_state;	/* the state entered next, or NULL */
	json_t *output;
	json_t *steps[ASLP_TS_NSTEP];	/* the value after each step */
	int reached;		/* the last step the state got through */
	bool pass_result;	/* a Pass state's Result replaced the value */
	int retry_index;	/* the retrier that matched, or -1 */
	int catch_index;	/* the catcher that took the error, or -1 */
	int64_t backoff;	/* RETRIABLE: the retrier's back-off (s) */
	char *error, *cause;	/* of a retried or caught error, which ctx
				   forgets */
};

/* The state under test: found, and fit for the options. NULL on error. */
struct aslp_test *
aslp_test_new(const asl_program *prog, const struct aslp_test_options *o,
	      const char *progname)
{
	static const char *const types[] = {	/* enum asl_state_type */
		"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"
	};
	struct aslp_test *t;
	const asl_state_info *s = NULL;
	int i, m, type;

	/* State names are unique in the whole definition, branches included. */
	for (m = 0; m < prog->nmachine && !s; m++)
		for (i = 0; i < prog->machine_nstates[m] && !s; i++)
			if (strcmp(prog->machine_states[m][i].name, o->state) == 0)
				s = &prog->machine_states[m][i];
	if (!s) {
		fprintf(stderr, "%s: --test-state: State not found in definition: no state \"%s\"\n",
			progname, o->state);
		return NULL;
	}
	m--;
	type = s->type;
	if (o->mocked && type != ASL_STATE_TASK && type != ASL_STATE_PARALLEL &&
	    type != ASL_STATE_MAP) {
		fprintf(stderr, "%s: --test-state: State type '%s' is not supported when a mock is specified\n",
			progname, types[type]);
		return NULL;
	}
	if (!o->mocked && (type == ASL_STATE_PARALLEL || type == ASL_STATE_MAP)) {
		fprintf(stderr, "%s: --test-state: TestState API does not support Map or Parallel "
			"states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, "
			"Choice] (a Map or Parallel state is tested with --mock-result or "
			"--mock-error)\n", progname);
		return NULL;
	}
	t = calloc(1, sizeof *t);
	if (!t) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return NULL;
	}
	t->o = o;
	t->machine = prog->machines[m];
	t->start = (int)(s - prog->machine_states[m]);
	t->state = s;
	t->retry_index = t->catch_index = -1;
	return t;
}

void
aslp_test_free(struct aslp_test *t)
{
	int i;

	if (!t)
		return;
	json_decref(t->output);
	for (i = 0; i < ASLP_TS_NSTEP; i++)
		json_decref(t->steps[i]);
	free(t->error);
	free(t->cause);
	free(t);
}

json_t *
aslp_test_run(asl_ctx *ctx, json_t *in)
{
	return ctx->test->machine(ctx, in);
}

int
asl_start(asl_ctx *ctx, int start)
{
	struct aslp_test *t = ctx->test;

	if (!t || t->entered)
		return start;
	return t->start;
}

int
aslp_test_enter(asl_ctx *ctx, const asl_state_info *s, json_t *in)
{
	struct aslp_test *t = ctx->test;

	if (!t->entered) {
		t->entered = true;
		t->steps[ASLP_TS_INPUT] = json_incref(in);
		return 0;
	}
	/* The state is done: what it passes on is its output. */
	if (!t->stopped) {
		t->stopped = true;
		t->status = t->catch_index >= 0 ? TEST_CAUGHT_ERROR : TEST_SUCCEEDED;
		t->next_state = s->name;
		t->output = json_incref(in);
	}
	return 1;
}

void
aslp_test_reach(asl_ctx *ctx, int step)
{
	if (ctx->test->reached < step)
		ctx->test->reached = step;
}

void
aslp_test_step(asl_ctx *ctx, int step, json_t *v)
{
	struct aslp_test *t = ctx->test;

	if (!v || t->stopped)
		return;
	json_decref(t->steps[step]);
	t->steps[step] = json_incref(v);
	aslp_test_reach(ctx, step);
	if (step == ASLP_TS_RESULT && ctx->state && ctx->state->type == ASL_STATE_PASS)
		t->pass_result = true;
}

bool
aslp_test_mocked(asl_ctx *ctx)
{
	return ctx->test->o->mocked;
}

/*
** What the mock says the Task, Parallel or Map returned (v consumed), or
** NULL with its error. shape: -1 any value (a Task), -2 an object (a Map
** with a ResultWriter), -3 an array (a Map), n >= 0 an array of n items
** (a Parallel of n branches).
*/
json_t *
aslp_test_mock(asl_ctx *ctx, json_t *v, int shape)
{
	const struct aslp_test_options *o = ctx->test->o;
	json_t *r = o->mock_result;
	const char *bad = NULL;

	aslp_release(ctx, v);
	if (o->mock_error) {
		return aslp_fail(ctx, o->mock_error, o->mock_cause ? "%s" : NULL,
				 o->mock_cause), NULL;
	}
	if (shape == -2 && !json_is_object(r))
		bad = "Mocked result must be a JSON object.";
	else if (shape != -1 && shape != -2 && !json_is_array(r))
		bad = "Mocked result must be an array.";
	else if (shape >= 0 && json_array_size(r) != (size_t)shape)
		bad = "Mocked result must contain the same number of items as number of Parallel branches.";
	if (bad) {
		ctx->test->invalid = true;
		return aslp_fail(ctx, "States.Runtime", "%s", bad), NULL;
	}
	return json_incref(r);
}

bool
aslp_test_retriable(asl_ctx *ctx, const asl_retrier *r, int i)
{
	struct aslp_test *t = ctx->test;
	double s;

	t->retry_index = i;
	if (t->o->retry_count >= r->max_attempts)
		return false;	/* spent: the catchers are next */
	s = (double)r->interval * pow(r->backoff, (double)t->o->retry_count);
	if (r->max_delay > 0 && s > (double)r->max_delay)
		s = (double)r->max_delay;
	t->backoff = s < (double)ASLP_CENTURY ? (int64_t)s : ASLP_CENTURY;
	t->stopped = true;
	t->status = TEST_RETRIABLE;
	t->error = ctx->error ? strdup(ctx->error) : NULL;
	t->cause = ctx->cause ? strdup(ctx->cause) : NULL;
	return true;
}

void
aslp_test_caught(asl_ctx *ctx, int i)
{
	struct aslp_test *t = ctx->test;

	t->catch_index = i;
	t->error = ctx->error ? strdup(ctx->error) : NULL;
	t->cause = ctx->cause ? strdup(ctx->cause) : NULL;
}

/* v as TestState gives it: JSON text, the input exactly as it was sent. */
static json_t *
text(asl_ctx *ctx, json_t *v)
{
	char *s = aslp_render(ctx, v);
	json_t *j = s ? json_string(s) : NULL;

	free(s);
	return j;
}

/*
** Which steps the inspection data shows for the state's type, as the
** service shows them: a Pass with a Result has no InputPath or
** Parameters, and no result without one; the states that only move
** their input show what InputPath made of it.
*/
static bool
shown(const struct aslp_test *t, int step)
{
	switch (t->state->type) {
	case ASL_STATE_PASS:
		if (t->pass_result)
			return step != ASLP_TS_AFTER_INPUT_PATH && step != ASLP_TS_AFTER_PARAMETERS;
		return step != ASLP_TS_RESULT;
	case ASL_STATE_TASK:
	case ASL_STATE_PARALLEL:
	case ASL_STATE_MAP:
		return true;
	default:
		return step <= ASLP_TS_AFTER_INPUT_PATH;
	}
}

static json_t *
inspection_data(asl_ctx *ctx, const struct aslp_test *t)
{
	json_t *d = json_object(), *v = NULL, *e;
	int i;

	if (!d)
		return NULL;
	/* A step the state does not have passes its value on as it is. */
	for (i = 0; i < ASLP_TS_NSTEP && i <= t->reached; i++) {
		if (t->steps[i])
			v = t->steps[i];
		if (v && shown(t, i))
			json_object_set_new(d, step_names[i], text(ctx, v));
	}
	if (ctx->vars && json_object_size(ctx->vars))
		json_object_set_new(d, "variables", text(ctx, ctx->vars));
	if (t->retry_index >= 0 || t->catch_index >= 0) {
		e = json_object();
		if (t->catch_index >= 0)
			json_object_set_new(e, "catchIndex", json_integer(t->catch_index));
		if (t->retry_index >= 0)
			json_object_set_new(e, "retryIndex", json_integer(t->retry_index));
		if (t->status == TEST_RETRIABLE)
			json_object_set_new(e, "retryBackoffIntervalSeconds",
					    json_integer((json_int_t)t->backoff));
		json_object_set_new(d, "errorDetails", e);
	}
	return d;
}

/*
** The run is over (out: the machine's output, or NULL): the response,
** printed on stdout. Returns the exit status: 0, 1 when the state
** failed, 2 when a mock does not fit it.
*/
int
aslp_test_report(asl_ctx *ctx, json_t *out, const char *progname)
{
	static const char *const status[] = {
		"SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"
	};
	struct aslp_test *t = ctx->test;
	const char *error, *cause;
	json_t *r;
	char *s;

	if (t->invalid) {
		fprintf(stderr, "%s: --test-state: %s\n", progname, ctx->cause);
		return 2;
	}
	if (!t->stopped) {
		t->stopped = true;
		if (out) {	/* the state ended the machine */
			t->status = t->catch_index >= 0 ? TEST_CAUGHT_ERROR : TEST_SUCCEEDED;
			t->output = json_incref(out);
		} else {
			t->status = TEST_FAILED;
			if (ctx->state && ctx->state->type == ASL_STATE_FAIL)
				aslp_test_reach(ctx, ASLP_TS_AFTER_INPUT_PATH);
		}
	}
	if (t->status == TEST_SUCCEEDED)	/* through every step it has */
		aslp_test_reach(ctx, ASLP_TS_NSTEP - 1);
	error = t->status == TEST_FAILED ? ctx->error : t->error;
	cause = t->status == TEST_FAILED ? ctx->cause : t->cause;
	r = json_object();
	if (r && t->output)
		json_object_set_new(r, "output", text(ctx, t->output));
	if (r && error && t->status != TEST_SUCCEEDED)
		json_object_set_new(r, "error", json_string(error));
	if (r && cause && t->status != TEST_SUCCEEDED)
		json_object_set_new(r, "cause", json_string(cause));
	if (r && t->o->level > 0)
		json_object_set_new(r, "inspectionData", inspection_data(ctx, t));
	if (r && t->next_state)
		json_object_set_new(r, "nextState", json_string(t->next_state));
	if (r)
		json_object_set_new(r, "status", json_string(status[t->status]));
	s = r ? asl_dumps(r) : NULL;
	json_decref(r);
	if (!s) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 2;
	}
	printf("%s\n", s);
	free(s);
	return t->status == TEST_FAILED ? 1 : 0;
}
