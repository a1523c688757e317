/*
** mock.c - mocked Task responses from a Step Functions Local
** MockConfigFile, the file teams already keep for their tests:
**
**	{"StateMachines": {"Order": {"TestCases": {"HappyPath": {
**	     "ChargePayment": "ChargeOk"}}}},
**	 "MockedResponses": {"ChargeOk": {
**	     "0": {"Throw": {"Error": "Gateway.Timeout", "Cause": "..."}},
**	     "1-2": {"Return": {"chargeId": "ch_1"}}}}}
**
** A test case maps Task state names to mocked responses; a response maps
** invocation numbers (0-based, "N" or an inclusive range "N-M") to what
** that invocation returns or throws. Each mapped state counts its
** invocations over the whole execution, retries included, as Step
** Functions Local does.
**
** The file is checked when the executable starts, before anything runs:
** an unknown state machine, test case, state or response, a malformed
** invocation key, or ranges that overlap or leave a gap are errors that
** name the place. An invocation past the last one mocked fails the
** execution with States.Runtime at that point, as Step Functions Local
** does.
*/
#include "aslrt_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One key of a mocked response: invocations from..to. */
struct range {
	int64_t from, to;
	json_t *ret;		/* Return (borrowed from the file), or NULL */
	json_t *thrw;		/* Throw */
};

/* A Task state of the test case, and its invocations so far. */
struct mocked {
	const char *state;	/* borrowed from the file */
	const char *response;
	struct range *ranges;	/* sorted */
	int nrange;
	int64_t calls;
};

struct aslp_mocks {
	json_t *doc;
	char *file;
	char *test;
	struct mocked *states;
	int nstate;
};

void
aslp_mocks_free(struct aslp_mocks *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < m->nstate; i++)
		free(m->states[i].ranges);
	free(m->states);
	json_decref(m->doc);
	free(m->file);
	free(m->test);
	free(m);
}

/* Report a problem with the file; returns NULL. */
static void *
bad(struct aslp_run *run, const char *file, const char *fmt, ...) ASLP_PRINTF(3, 4);

static void *
bad(struct aslp_run *run, const char *file, const char *fmt, ...)
{
	va_list ap;
	FILE *f = aslp_errf(run);

	fprintf(f, "%s: %s: ", run->progname, file);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return NULL;
}

/* The member names of obj, for "it has: a, b" (malloc'd). */
static char *
names(json_t *obj)
{
	struct aslp_buf b = { NULL, 0, 0, false };
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (b.len)
			aslp_buf_put(&b, ", ", 2);
		aslp_buf_put(&b, "\"", 1);
		aslp_buf_put(&b, key, strlen(key));
		aslp_buf_put(&b, "\"", 1);
	}
	if (!b.len)
		aslp_buf_put(&b, "none", 4);
	return b.s;
}

/* A decimal invocation number; false if s is not one. */
static bool
number(const char *s, size_t len, int64_t *out)
{
	int64_t n = 0;
	size_t i;

	if (len == 0 || len > 9)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (s[i] - '0');
	}
	*out = n;
	return true;
}

static int
by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* The invocation keys of response name, checked and sorted into ms. */
static bool
load_response(struct mocked *ms, json_t *resp, const char *name, const asl_task_desc *t,
	      struct aslp_run *run, const char *file)
{
	const char *key;
	json_t *v;
	int n = 0, i;

	if (!json_is_object(resp))
		return bad(run, file, "the mocked response \"%s\" must be an object of invocations such as \"0\" or \"1-2\"",
			   name), false;
	/* No invocations at all is allowed: the state must then not run. */
	ms->ranges = calloc(json_object_size(resp) + 1, sizeof *ms->ranges);
	if (!ms->ranges)
		return bad(run, file, "out of memory"), false;
	json_object_foreach(resp, key, v) {
		struct range *r = &ms->ranges[n];
		const char *dash = strchr(key, '-');
		json_t *ret = json_object_get(v, "Return"), *thrw = json_object_get(v, "Throw");
		json_t *e, *c;

		if (dash ? !number(key, (size_t)(dash - key), &r->from) ||
			   !number(dash + 1, strlen(dash + 1), &r->to) :
			   !number(key, strlen(key), &r->from))
			return bad(run, file, "in the mocked response \"%s\": \"%s\" is not an invocation number (\"0\") or range (\"1-2\")",
				   name, key), false;
		if (!dash)
			r->to = r->from;
		if (r->to < r->from)
			return bad(run, file, "in the mocked response \"%s\": the range \"%s\" ends before it starts",
				   name, key), false;
		if (!json_is_object(v) || json_object_size(v) != 1 || (!ret && !thrw))
			return bad(run, file, "in the mocked response \"%s\": \"%s\" must hold exactly one of \"Return\" or \"Throw\"",
				   name, key), false;
		if (thrw) {
			e = json_object_get(thrw, "Error");
			c = json_object_get(thrw, "Cause");
			if (!json_is_object(thrw) || !e ||
			    !(json_is_string(e) || json_is_null(e)) ||
			    (c && !(json_is_string(c) || json_is_null(c))))
				return bad(run, file, "in the mocked response \"%s\": \"%s\" must throw {\"Error\": \"...\", \"Cause\": \"...\"}",
					   name, key), false;
		}
		/* A Lambda function's response is the Invoke response. */
		if (ret && t->kind == ASL_RES_LAMBDA && t->pattern == ASL_PAT_REQUEST_RESPONSE &&
		    !json_object_get(ret, "Payload"))
			return bad(run, file, "in the mocked response \"%s\": \"%s\" must return the Lambda Invoke response, {\"StatusCode\": 200, \"Payload\": ...}, for the Lambda state \"%s\"",
				   name, key, t->state), false;
		r->ret = ret;
		r->thrw = thrw;
		n++;
	}
	ms->nrange = n;
	qsort(ms->ranges, (size_t)n, sizeof *ms->ranges, by_start);
	for (i = 0; i < n; i++) {
		int64_t expect = i ? ms->ranges[i - 1].to + 1 : 0;

		if (ms->ranges[i].from != expect)
			return bad(run, file, "in the mocked response \"%s\": invocation %lld %s; the invocations must be numbered 0, 1, 2... without gaps or overlaps",
				   name, (long long)(ms->ranges[i].from < expect ? ms->ranges[i].from : expect),
				   ms->ranges[i].from < expect ? "is mocked twice" : "is not mocked"), false;
	}
	return true;
}

/* The Task state named name, or NULL. */
static const asl_task_desc *
task_named(const asl_program *prog, const char *name)
{
	int i;

	for (i = 0; i < prog->ntask; i++)
		if (strcmp(prog->tasks[i]->state, name) == 0)
			return prog->tasks[i];
	return NULL;
}

struct aslp_mocks *
aslp_mocks_load(const char *file, const char *sm, const char *test,
		const asl_program *prog, struct aslp_run *run)
{
	struct aslp_mocks *m;
	json_error_t err;
	bool oom;
	json_t *machines, *responses, *machine, *cases, *tc, *v;
	const char *key;
	char *list;

	m = calloc(1, sizeof *m);
	if (!m)
		return bad(run, file, "out of memory");
	m->doc = aslp_load_file(file, JSON_REJECT_DUPLICATES, &err, &oom);
	m->file = strdup(file);
	m->test = strdup(test);
	if (oom || !m->file || !m->test) {
		bad(run, file, "out of memory");
		goto fail;
	}
	if (!m->doc) {
		if (err.line < 1)
			bad(run, file, "%s", err.text);
		else
			fprintf(aslp_errf(run), "%s: %s:%d:%d: %s\n", run->progname, file, err.line, err.column,
				err.text);
		goto fail;
	}
	machines = json_object_get(m->doc, "StateMachines");
	responses = json_object_get(m->doc, "MockedResponses");
	if (!json_is_object(m->doc) || !json_is_object(machines) || !json_is_object(responses)) {
		bad(run, file, "a mock configuration is an object with \"StateMachines\" and \"MockedResponses\" objects");
		goto fail;
	}
	machine = json_object_get(machines, sm);
	if (!machine) {
		list = names(machines);
		bad(run, file, "no state machine \"%s\" in \"StateMachines\" (it has %s); compile with aslc --name, or run with --state-machine NAME",
		    sm, list ? list : "?");
		free(list);
		goto fail;
	}
	cases = json_object_get(machine, "TestCases");
	if (!json_is_object(cases)) {
		bad(run, file, "the state machine \"%s\" needs a \"TestCases\" object", sm);
		goto fail;
	}
	tc = json_object_get(cases, test);
	if (!json_is_object(tc)) {
		list = names(cases);
		bad(run, file, tc ? "the test case \"%s\" of \"%s\" must be an object of state names" :
		    "no test case \"%s\" for the state machine \"%s\" (it has %s)", test, sm,
		    list ? list : "?");
		free(list);
		goto fail;
	}
	m->states = calloc(json_object_size(tc) + 1, sizeof *m->states);
	if (!m->states) {
		bad(run, file, "out of memory");
		goto fail;
	}
	json_object_foreach(tc, key, v) {
		struct mocked *ms = &m->states[m->nstate];
		const asl_task_desc *t = task_named(prog, key);
		json_t *resp;

		if (!t) {
			bad(run, file, "the test case \"%s\" mocks \"%s\", which is not a Task state that runs in \"%s\"",
			    test, key, sm);
			goto fail;
		}
		if (t->kind == ASL_RES_ACTIVITY) {
			bad(run, file, "the test case \"%s\" mocks the activity state \"%s\"; activity states cannot be mocked",
			    test, key);
			goto fail;
		}
		if (!json_is_string(v)) {
			bad(run, file, "in the test case \"%s\", \"%s\" must name a mocked response", test, key);
			goto fail;
		}
		resp = json_object_get(responses, json_string_value(v));
		if (!resp) {
			bad(run, file, "the test case \"%s\" maps \"%s\" to \"%s\", which is not in \"MockedResponses\"",
			    test, key, json_string_value(v));
			goto fail;
		}
		ms->state = key;
		ms->response = json_string_value(v);
		m->nstate++;
		if (!load_response(ms, resp, ms->response, t, run, file))
			goto fail;
	}
	return m;
fail:
	aslp_mocks_free(m);
	return NULL;
}

static struct mocked *
find(struct aslp_mocks *m, const char *state)
{
	int i;

	for (i = 0; m && i < m->nstate; i++)
		if (strcmp(m->states[i].state, state) == 0)
			return &m->states[i];
	return NULL;
}

bool
aslp_mocked(struct aslp_mocks *m, const char *state)
{
	return find(m, state) != NULL;
}

json_t *
aslp_mock_call(asl_ctx *ctx, const asl_task_desc *t)
{
	struct aslp_mocks *mocks = ctx->run->mocks;
	struct mocked *ms = find(mocks, t->state);
	int64_t call;
	json_t *e, *c;
	int i;

	if (!ms)		/* not reached: asl_task asked aslp_mocked */
		return (void)aslp_fail_state(ctx, "States.Runtime", "The state is not mocked."), NULL;
	/* Map iterations may call the same state at once: one count. */
	call = __atomic_fetch_add(&ms->calls, 1, __ATOMIC_RELAXED);
	for (i = 0; i < ms->nrange; i++) {
		const struct range *r = &ms->ranges[i];

		if (call < r->from || call > r->to)
			continue;
		if (r->ret) {
			/* The legacy Lambda form passes on the function's Payload. */
			if (t->kind == ASL_RES_LAMBDA && t->pattern == ASL_PAT_REQUEST_RESPONSE)
				return json_incref(json_object_get(r->ret, "Payload"));
			return json_incref(r->ret);
		}
		e = json_object_get(r->thrw, "Error");
		c = json_object_get(r->thrw, "Cause");
		aslp_fail(ctx, json_is_string(e) ? json_string_value(e) : NULL,
			  json_is_string(c) ? "%s" : NULL, json_string_value(c));
		return NULL;
	}
	aslp_fail_state(ctx, "States.Runtime",
			"The mocked response \"%s\" of the test case \"%s\" (%s) has no invocation %lld for this state.",
			ms->response, mocks->test, mocks->file, (long long)call);
	return NULL;
}
