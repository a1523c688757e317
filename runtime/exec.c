/*
** exec.c - one execution: its errors, history counter, clock, context
** object, and the steps that generated code calls for each state field.
**
** Generated code holds two values: `in`, the raw input of the current
** state (which becomes its output), and `v`, the value being worked on
** (effective input, then result). Each step consumes the value it is
** given and returns a new reference, or NULL when it fails, so nothing
** leaks and nothing is copied unless it is about to be modified.
**
** History events are counted, and written when asked (history.c): the
** service's causes name the event id at which a state was entered, and
** that number must be right whether or not anyone asked for the history.
*/
#include "aslrt_int.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the program ---- */

/* Guards every program's constants while they are parsed or released. */
static pthread_mutex_t programs_lock = PTHREAD_MUTEX_INITIALIZER;

/*
** A constant's nodes are made immortal, as jansson's true, false and null
** are (reference count (size_t)-1): executions on any number of threads
** share them without touching a count, and never change them (a value
** held by another is copied before it is changed). A host is handed a
** copy instead (aslp_immortal: a C handler's input, $$.Execution.Input,
** the result), as asl_program_fini gives them back their counts, 1 each,
** held by their parents, and frees them.
*/
static void
set_counts(json_t *v, size_t count)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_true(v) || json_is_false(v) || json_is_null(v))
		return;
	v->refcount = count;
	json_object_foreach(v, key, m)
		set_counts(m, count);
	for (i = 0; i < json_array_size(v); i++)
		set_counts(json_array_get(v, i), count);
}

int
asl_program_init(asl_program *prog)
{
	json_error_t err;
	bool oom;
	int i, r = 0;

	if (prog->abi != ASLRT_ABI) {
		fprintf(stderr, "aslrt: program built for runtime ABI %d, this runtime is ABI %d; rebuild it with this aslc\n",
			prog->abi, ASLRT_ABI);
		return -1;
	}
	if (__atomic_load_n(&prog->ready, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&programs_lock);
	for (i = 0; i < prog->nconst && !prog->ready; i++) {
		if (prog->kvals[i])
			continue;
		prog->kvals[i] = aslp_loadb(prog->consts[i], strlen(prog->consts[i]),
					    JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
		if (!prog->kvals[i]) {
			if (oom)
				fprintf(stderr, "aslrt: out of memory\n");
			else
				fprintf(stderr, "aslrt: constant %d does not parse: %s (an aslc bug)\n",
					i, err.text);
			r = -1;
			break;
		}
		set_counts(prog->kvals[i], (size_t)-1);
	}
	if (r == 0)
		__atomic_store_n(&prog->ready, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&programs_lock);
	return r;
}

void
asl_program_fini(asl_program *prog)
{
	int i;

	if (prog->abi != ASLRT_ABI)
		return;
	pthread_mutex_lock(&programs_lock);
	__atomic_store_n(&prog->ready, 0, __ATOMIC_RELEASE);
	for (i = 0; i < prog->nconst; i++) {
		if (prog->kvals[i]) {
			set_counts(prog->kvals[i], 1);
			json_decref(prog->kvals[i]);
		}
		prog->kvals[i] = NULL;
	}
	pthread_mutex_unlock(&programs_lock);
}

void
aslp_ctx_free(asl_ctx *ctx)
{
	free(ctx->retriers);
	json_decref(ctx->caught);
	json_decref(ctx->vars);
	json_decref(ctx->next_vars);
	json_decref(ctx->assigned);
	free(ctx->trace_caught);
	json_decref(ctx->map_item);
	json_decref(ctx->map_index_json);
	json_decref(ctx->context);
	free(ctx->task_token);
	free(ctx->role_arn);
	free(ctx->error);
	free(ctx->cause);
}

void
aslp_run_free(struct aslp_run *run)
{
	while (run->regexes) {
		struct aslp_regex *r = run->regexes;

		run->regexes = r->next;
		if (r->ok)
			regfree(&r->re);
		free(r);
	}
	aslp_mocks_free(run->mocks);
	free(run->bound);
	free(run->bound_handler);
	free(run->region);
	free(run->account);
	pthread_mutex_destroy(&run->lock);
}

void
aslp_exec_free(struct aslp_exec *exec)
{
	json_decref(exec->input);
	free(exec->input_text);
	json_decref(exec->context);
	free(exec->name);
	free(exec->arn);
	free(exec->sm_name);
	free(exec->sm_arn);
	free(exec->role_arn);
}

/* ---- errors ---- */

static int
fail_with(asl_ctx *ctx, const char *error, char *cause)
{
	if (ctx->failed) {	/* keep the first error */
		free(cause);
		return ASL_FAIL;
	}
	ctx->failed = true;
	ctx->status = ASLP_FAILED;
	/* Errors and causes are printed as JSON strings: keep them UTF-8. */
	ctx->error = error ? aslp_utf8_clean(strdup(error)) : NULL;
	ctx->cause = cause ? aslp_utf8_clean(cause) : NULL;
	if (error && !ctx->error) {	/* out of memory: no error without its name */
		free(ctx->cause);
		ctx->cause = NULL;
		ctx->terminal = true;
	}
	return ASL_FAIL;
}

int
aslp_fail_taken(asl_ctx *ctx, char *error, char *cause)
{
	int r = fail_with(ctx, error, cause);

	free(error);
	return r;
}

int
aslp_fail(asl_ctx *ctx, const char *error, const char *fmt, ...)
{
	va_list ap;
	char *cause = NULL;

	if (fmt) {
		va_start(ap, fmt);
		cause = aslp_vprintf(fmt, ap);
		va_end(ap);
		if (!cause)	/* no error without its cause: out of memory */
			return aslp_oom(ctx);
	}
	return fail_with(ctx, error, cause);
}

int
aslp_fail_state(asl_ctx *ctx, const char *error, const char *fmt, ...)
{
	va_list ap;
	char *detail, *cause;

	va_start(ap, fmt);
	detail = aslp_vprintf(fmt, ap);
	va_end(ap);
	cause = aslp_printf("An error occurred while executing the state '%s' (entered at the event id #%ld). %s",
			    ctx->state ? ctx->state->name : "",
			    ctx->entered_event, detail ? detail : "");
	if (!detail || !cause) {
		free(detail);
		free(cause);
		return aslp_oom(ctx);
	}
	free(detail);
	return fail_with(ctx, error, cause);
}

char *
aslp_render(asl_ctx *ctx, json_t *v)
{
	if (v && v == ctx->exec->input && ctx->exec->input_text)
		return aslp_printf("%s", ctx->exec->input_text);
	return v ? asl_dumps(v) : NULL;
}

int
aslp_oom(asl_ctx *ctx)
{
	int r;

	/* Out of memory ends the execution as itself, whatever came first. */
	if (ctx->failed) {
		free(ctx->error);
		free(ctx->cause);
		ctx->error = ctx->cause = NULL;
		ctx->failed = false;
	}
	r = fail_with(ctx, "States.Runtime", strdup("out of memory"));
	/* Even when the name could not be kept. */
	ctx->terminal = true;
	return r;
}

void
aslp_release(asl_ctx *ctx, json_t *v)
{
	/* Freeing the measured document: its address may come back. */
	if (v && v == ctx->measured && aslp_sole(v))
		ctx->measured = NULL;
	json_decref(v);
}

/* ---- time ---- */

int64_t
aslp_now_ns(asl_ctx *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ctx->skipped_ns;
}

void
aslp_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* n in exactly width decimal digits. */
static void
put_digits(char *p, int n, int width)
{
	while (width-- > 0) {
		p[width] = (char)('0' + n % 10);
		n /= 10;
	}
}

void
aslp_format_time(char *buf, size_t size, int64_t ns)
{
	int64_t sec = ns / 1000000000, days, y;
	int64_t rem = ns % 1000000000;
	int m, d, s, ms;

	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	days = sec / 86400;
	s = (int)(sec % 86400);
	if (s < 0) {
		s += 86400;
		days--;
	}
	aslp_civil_from_days(days, &y, &m, &d);
	/* Always milliseconds and Z: "2023-11-21T06:27:31.545Z". */
	ms = (int)(rem / 1000000);
	if (y < 0 || y > 9999) {	/* not the common case */
		snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
			 (long long)y, m, d, s / 3600, s / 60 % 60, s % 60, ms);
		return;
	}
	/* By hand: every history event has one, and snprintf shows. */
	put_digits(buf, (int)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, s / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, s / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, s % 60, 2);
	buf[19] = '.';
	put_digits(buf + 20, ms, 3);
	memcpy(buf + 23, "Z", 2);
}

uint64_t
aslp_random(asl_ctx *ctx)
{
	return aslp_splitmix64(&ctx->rng);
}

uint64_t
aslp_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
aslp_uuid_text(uint64_t a, uint64_t b, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	int i, k = 0;

	a = (a & ~0xf000ULL) | 0x4000ULL;		/* version 4 */
	b = (b & ~(3ULL << 62)) | (2ULL << 62);		/* variant 10 */
	/* 8-4-4-4-12 hex digits: a's 16, then b's 16. */
	for (i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? a : b;

		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[k++] = '-';
		out[k++] = hex[(w >> (60 - 4 * (i % 16))) & 0xf];
	}
	out[k] = '\0';
}

char *
aslp_uuid(asl_ctx *ctx)
{
	uint64_t a = aslp_random(ctx), b = aslp_random(ctx);
	char *s = malloc(37);

	if (s)
		aslp_uuid_text(a, b, s);
	return s;
}

/* ---- the context object ---- */

/* A time as the service writes it, 2025-02-04T01:49:50.099Z, as a JSON string. */
json_t *
aslp_time_json(int64_t ns)
{
	char buf[64];

	aslp_format_time(buf, sizeof buf, ns);
	return json_string(buf);
}

static json_t *
build_state(asl_ctx *ctx)
{
	json_t *st = json_object();

	if (!st)
		return NULL;
	if (json_object_set_new(st, "Name", json_string(ctx->state ? ctx->state->name : "")) ||
	    json_object_set_new(st, "EnteredTime",
				aslp_time_json(ctx->entered.sec * 1000000000 + ctx->entered.nsec)) ||
	    (ctx->state && ctx->state->retriable &&
	     json_object_set_new(st, "RetryCount", json_integer(ctx->retry_count)))) {
		json_decref(st);
		return NULL;
	}
	return st;
}

/* Guards the first build of an execution's part of $$. */
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;

json_t *
aslp_exec_context(struct aslp_exec *exec)
{
	json_t *c = __atomic_load_n(&exec->context, __ATOMIC_ACQUIRE), *ex, *sm;

	if (c)
		return c;
	pthread_mutex_lock(&context_lock);
	if ((c = exec->context) != NULL) {
		pthread_mutex_unlock(&context_lock);
		return c;
	}

	/* A constant input (a Distributed Map's item) is copied: handlers see $$. */
	ex = json_pack("{s:s, s:o, s:o, s:s, s:s, s:i}",
		       "Id", exec->arn,
		       "Input", aslp_immortal(exec->input) ? json_deep_copy(exec->input) :
				json_incref(exec->input),
		       "StartTime", aslp_time_json(exec->start.sec * 1000000000 + exec->start.nsec),
		       "Name", exec->name,
		       "RoleArn", exec->role_arn,
		       "RedriveCount", 0);
	sm = json_pack("{s:s, s:s}", "Id", exec->sm_arn, "Name", exec->sm_name);
	if (ex && sm) {	/* json_pack takes both, even when it fails */
		c = json_pack("{s:o, s:o}", "Execution", ex, "StateMachine", sm);
	} else {
		json_decref(ex);
		json_decref(sm);
	}
	__atomic_store_n(&exec->context, c, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&context_lock);
	return c;
}

json_t *
aslp_map_item(asl_ctx *ctx)
{
	if (!ctx->map_item)
		ctx->map_item = json_pack("{s:I, s:O, s:s}", "Index", (json_int_t)ctx->map_index,
					  "Value", ctx->map_value, "Source",
					  ctx->map_source ? ctx->map_source : "STATE_DATA");
	return ctx->map_item;
}

json_t *
aslp_map_index(asl_ctx *ctx)
{
	if (!ctx->map_index_json)
		ctx->map_index_json = json_integer((json_int_t)ctx->map_index);
	return ctx->map_index_json;
}

json_t *
aslp_context(asl_ctx *ctx)
{
	json_t *st;

	if (!ctx->context) {
		/* Execution and StateMachine are shared, never modified. */
		json_t *ec = aslp_exec_context(ctx->exec);

		ctx->context = ec ? aslp_json_copy(ec) : NULL;
		if (!ctx->context || (ctx->map_value &&
				      (!aslp_map_item(ctx) ||
				       json_object_set_new(ctx->context, "Map",
							   json_pack("{s:O}", "Item",
								     ctx->map_item))))) {
			aslp_oom(ctx);
			return NULL;
		}
		ctx->context_serial = -1;
	}
	if (ctx->context_serial != ctx->state_serial) {
		bool token = ctx->state && ctx->state->token && ctx->task_token;

		/* A previous $$ may live on in some output: copy on write. */
		st = build_state(ctx);
		if (!st || !aslp_own(&ctx->context)) {
			json_decref(st);
			aslp_oom(ctx);
			return NULL;
		}
		if (json_object_set_new(ctx->context, "State", st) ||
		    (token && json_object_set_new(ctx->context, "Task",
						  json_pack("{s:s}", "Token", ctx->task_token))) ||
		    (!token && json_object_get(ctx->context, "Task") &&
		     json_object_del(ctx->context, "Task"))) {
			aslp_oom(ctx);
			return NULL;
		}
		ctx->context_serial = ctx->state_serial;
	}
	return ctx->context;
}

/* ---- variables ---- */

json_t *
aslp_variable(asl_ctx *ctx, const char *name)
{
	json_t *v;

	/*
	** A branch or an iteration sees its own variables, then those of the
	** scopes around it: their threads wait in the Parallel or Map state,
	** so their values cannot change meanwhile.
	*/
	for (; ctx; ctx = ctx->outer)
		if (ctx->vars && (v = json_object_get(ctx->vars, name)))
			return v;
	return NULL;
}

/* ---- entering and leaving states ---- */

int
aslp_history_full(asl_ctx *ctx)
{
	return aslp_fail(ctx, "States.Runtime",
			 "The execution reached the maximum number of history events (%ld).",
			 ctx->run->max_events);
}

int
aslp_timed_out(asl_ctx *ctx)
{
	fail_with(ctx, "States.Timeout", NULL);
	ctx->status = ASLP_TIMED_OUT;
	return ASL_FAIL;
}

int
asl_enter(asl_ctx *ctx, const asl_state_info *s, json_t *in)
{
	json_t *details;

	if (ctx->group && aslp_aborted(ctx))	/* another branch failed */
		return aslp_abort(ctx);
	if (ctx->test && aslp_test_enter(ctx, s, in))
		return ASL_FAIL;	/* the state tested alone is done */
	ctx->state = s;
	ctx->state_serial++;
	ctx->retry_count = 0;
	ctx->fan_failed = false;
	if (s->token)		/* a callback or activity: a token per attempt */
		aslp_new_token(ctx);
	json_decref(ctx->assigned);
	ctx->assigned = NULL;
	if (ctx->run->trace) {
		ctx->trace_start = aslp_now_ns(ctx);
		free(ctx->trace_caught);
		ctx->trace_caught = NULL;
	}
	if (aslp_recording(ctx)) {
		char type[32];

		snprintf(type, sizeof type, "%sStateEntered", aslp_state_type(s));
		details = json_pack("{s:s}", "name", s->name);
		aslp_event_add(details, aslp_event_data(ctx, "input", in));
		ctx->entered_event = aslp_event(ctx, type, details);
	} else {
		ctx->entered_event = aslp_event(ctx, NULL, NULL);
	}
	if (ctx->run->max_events && ctx->entered_event > ctx->run->max_events)
		return aslp_history_full(ctx);
	if (ctx->run->need_time) {
		int64_t now = aslp_now_ns(ctx);

		ctx->entered.sec = now / 1000000000;
		ctx->entered.nsec = (int32_t)(now % 1000000000);
		if (ctx->run->deadline_ns && now >= ctx->run->deadline_ns)
			return aslp_timed_out(ctx);
	}
	return ASL_OK;
}

void
asl_exit(asl_ctx *ctx, json_t *out)
{
	/* The state's Assign takes effect now, for the states that follow. */
	if (ctx->next_vars) {
		json_decref(ctx->vars);
		ctx->vars = ctx->next_vars;
		ctx->vars_size = ctx->next_vars_size;
		ctx->next_vars = NULL;
	}
	/*
	** The measured document stays known only while it is the one that
	** flows on; then no one can free it before the next ResultPath.
	*/
	if (out != ctx->measured)
		ctx->measured = NULL;
	if (ctx->run->trace)
		aslp_trace(ctx, true);
	if (aslp_recording(ctx)) {
		char type[32];
		json_t *details = json_pack("{s:s}", "name", ctx->state->name), *vars;
		const char *name;
		json_t *val;

		snprintf(type, sizeof type, "%sStateExited", aslp_state_type(ctx->state));
		aslp_event_add(details, aslp_event_data(ctx, "output", out));
		if (ctx->assigned) {
			vars = json_object();
			json_object_foreach(ctx->assigned, name, val)
				json_object_set_new(vars, name, aslp_event_text(ctx, val));
			json_object_set_new(details, "assignedVariables", vars);
			json_object_set_new(details, "assignedVariablesDetails",
					    json_pack("{s:b}", "truncated", 0));
			json_decref(ctx->assigned);
			ctx->assigned = NULL;
		}
		aslp_event(ctx, type, details);
	} else {
		aslp_event(ctx, NULL, NULL);
	}
}

/* ---- InputPath, OutputPath, Result, ResultPath ---- */

/* path(v), consuming v; for InputPath and OutputPath. */
static json_t *
select_path(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	json_t *out;
	char *why;

	if (!p) {
		out = json_object();
		if (!out)
			aslp_oom(ctx);
	} else {
		out = aslp_path_get(ctx, p, v, &why);
		if (!out && why) {
			aslp_fail_state(ctx, "States.Runtime",
					"Invalid path '%s' : %s", p->text, why);
			free(why);
		} else if (!out && !ctx->failed) {
			aslp_oom(ctx);
		}
	}
	aslp_release(ctx, v);
	return out;
}

json_t *
asl_input_path(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	json_t *out = select_path(ctx, p, v);

	if (ctx->test)
		aslp_test_step(ctx, ASLP_TS_AFTER_INPUT_PATH, out);
	return out;
}

json_t *
asl_output_path(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	return select_path(ctx, p, v);
}

json_t *
asl_pass_result(asl_ctx *ctx, int k, json_t *v)
{
	aslp_release(ctx, v);
	if (ctx->test)
		aslp_test_step(ctx, ASLP_TS_RESULT, ctx->run->prog->kvals[k]);
	return json_incref(ctx->run->prog->kvals[k]);
}

int
asl_result_size(asl_ctx *ctx, size_t bytes)
{
	if (bytes <= ctx->run->payload_limit)
		return ASL_OK;
	return aslp_fail(ctx, "States.DataLimitExceeded",
			 "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.",
			 ctx->state ? ctx->state->name : "");
}

/*
** The service's ReferencePathConflict causes: the whole input when it is
** not a container, else the step that could not be applied.
*/
static int
result_path_failure(asl_ctx *ctx, const asl_path *p, const asl_seg *s,
		    json_t *at)
{
	char *text = aslp_render(ctx, at);

	if (!text)
		return aslp_oom(ctx);
	if (!s)
		aslp_fail(ctx, "States.ReferencePathConflict",
			  "Unable to apply ReferencePath %s to input %s", p->text, text);
	else if (s->kind == ASL_SEG_KEY)
		aslp_fail(ctx, "States.ReferencePathConflict",
			  "Unable to apply step \"%s\" to input %s", s->key, text);
	else
		aslp_fail(ctx, "States.ReferencePathConflict",
			  "Unable to apply step \"[%lld]\" to input %s",
			  (long long)s->a, text);
	free(text);
	return ASL_FAIL;
}

/*
** The output of a Pass or Task state must fit the service's limits; this
** is where outputs grow. size and depth are the output's (see
** asl_result_path). Consumes v; returns it (now the measured document),
** or NULL.
*/
static json_t *
check_output(asl_ctx *ctx, json_t *v, size_t size, int depth)
{
	if (depth > ASLP_MAX_DEPTH) {
		aslp_fail_state(ctx, "States.Runtime",
				"The state output is nested more than %d levels deep.",
				ASLP_MAX_DEPTH);
	} else if (size > ctx->run->payload_limit) {
		/* A state output over the limit ends the execution: no Catch takes it. */
		asl_result_size(ctx, size);
		ctx->terminal = true;
	} else {
		ctx->measured = v;
		ctx->measured_size = size;
		ctx->measured_depth = depth;
		return v;
	}
	json_decref(v);
	return NULL;
}

/*
** The size of v against the payload limit, and its depth. With no limit
** (--payload-limit 0) only the depth is found, and the size is 0.
*/
static size_t
measure(const asl_ctx *ctx, const json_t *v, int *depth)
{
	if (ctx->run->payload_limit == SIZE_MAX) {
		*depth = aslp_depth(v, ASLP_MAX_DEPTH);
		return 0;
	}
	return aslp_measure(v, ctx->run->payload_limit, ASLP_MAX_DEPTH, depth);
}

static json_t *
measure_output(asl_ctx *ctx, json_t *v)
{
	int depth;
	size_t size = measure(ctx, v, &depth);

	return check_output(ctx, v, size, depth);
}

/* Put v at step s of cur (an object or array we own); consumes v. */
static bool
put(asl_ctx *ctx, json_t *cur, const asl_seg *s, int64_t idx, json_t *v)
{
	int r = s->kind == ASL_SEG_KEY ? json_object_set_new_nocheck(cur, s->key, v) :
		json_array_set_new(cur, (size_t)idx, v);

	if (r)
		aslp_oom(ctx);
	return r == 0;
}

/* The bytes a new member "key":<value> adds to an object, but the value. */
static size_t
member_size(const json_t *obj, const char *key)
{
	return aslp_string_size(key, strlen(key)) + 1 + (json_object_size(obj) > 0);
}

/*
** Write v into in at reference path p, creating missing objects on the
** way and copying every shared container it modifies. Consumes both.
**
** held is the references to in that the caller keeps and lets go of when
** the write succeeds (asl_result_path_handled): 1 or 0. A document no one
** else holds is written in place, though the caller holds it too, when no
** failure a catcher could take can follow the write: the catcher reads the
** state's input as it was.
**
** The output's size is checked against the service's limit. When in is
** the document the last check measured (it flows from state to state
** unchanged until here), its size is known, and only what this write
** removes and adds is measured: a loop over a large document does not
** read the document at every state.
*/
static json_t *
result_path(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v, int held)
{
	json_t *cur, *child;
	bool known = in == ctx->measured;
	bool sized = ctx->run->payload_limit != SIZE_MAX;	/* else 0 */
	size_t size = ctx->measured_size, vsize;
	int i, depth = ctx->measured_depth, vdepth;

	if (!p) {		/* ResultPath null: keep the input */
		aslp_release(ctx, v);
		return known ? in : measure_output(ctx, in);
	}
	if (p->nseg == 0) {	/* "$": the result is the output */
		if (known && v == in) {	/* a Pass without fields */
			json_decref(v);
			return in;
		}
		aslp_release(ctx, in);
		ctx->measured = NULL;
		return measure_output(ctx, v);
	}
	ctx->measured = NULL;
	if (!json_is_object(in) && !json_is_array(in)) {
		result_path_failure(ctx, p, NULL, in);
		goto fail;
	}
	/*
	** With one step, every failure a catcher takes comes before the
	** write; after it, only States.Runtime (out of memory, too deep) and
	** the payload limit, which end the execution.
	*/
	if (held && p->nseg == 1 &&
	    __atomic_load_n(&in->refcount, __ATOMIC_ACQUIRE) == (size_t)1 + (size_t)held)
		;
	else if (!aslp_own(&in)) {
		aslp_oom(ctx);
		goto fail;
	}
	cur = in;
	for (i = 0; i < p->nseg; i++) {
		const asl_seg *s = &p->segs[i];
		bool last = i == p->nseg - 1;
		int64_t idx = 0;

		if (s->kind == ASL_SEG_KEY) {
			if (!json_is_object(cur)) {
				result_path_failure(ctx, p, s, cur);
				goto fail;
			}
			child = json_object_get(cur, s->key);
		} else {	/* ASL_SEG_INDEX */
			int64_t n;

			if (!json_is_array(cur)) {
				result_path_failure(ctx, p, s, cur);
				goto fail;
			}
			n = (int64_t)json_array_size(cur);
			idx = s->a;
			if (idx < 0 && s->b)	/* [(@.length-N)] */
				idx += n;
			if (idx < 0 || idx >= n) {
				result_path_failure(ctx, p, s, cur);
				goto fail;
			}
			child = json_array_get(cur, (size_t)idx);
		}
		if (last) {
			if (known) {
				int d;

				vsize = measure(ctx, v, &vdepth);
				if (!sized)
					;
				else if (child)
					size -= aslp_measure(child, (size_t)-1, ASLP_MAX_DEPTH, &d);
				else
					size += member_size(cur, s->key);
				size += vsize;
				/* Deeper, or as deep as before (an upper bound is enough). */
				if (p->nseg + vdepth > depth)
					depth = p->nseg + vdepth;
			}
			if (!put(ctx, cur, s, idx, v)) {
				json_decref(in);	/* not measured: cleared above */
				return NULL;
			}
			return known ? check_output(ctx, in, size, depth) : measure_output(ctx, in);
		}
		if (!child || json_is_null(child)) {
			if (s->kind == ASL_SEG_INDEX) {
				result_path_failure(ctx, p, s + 1, child);
				goto fail;
			}
			/* A missing object is created: "key":{} (null was 4 bytes). */
			if (!sized)
				;
			else if (child)
				size -= 2;
			else
				size += member_size(cur, s->key) + 2;
			child = json_object();
		} else if (!json_is_object(child) && !json_is_array(child)) {
			result_path_failure(ctx, p, s + 1, child);
			goto fail;
		} else if (!aslp_sole(child)) {
			child = aslp_json_copy(child);	/* shared: copy on write */
		} else {
			cur = child;
			continue;
		}
		if (!child || !put(ctx, cur, s, idx, child)) {
			if (!child)
				aslp_oom(ctx);
			goto fail;
		}
		cur = child;
	}
	return in;	/* not reached: the last step returns */
fail:
	json_decref(in);
	json_decref(v);
	return NULL;
}

static json_t *
result_path_step(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v, int held)
{
	json_t *out;

	if (!ctx->test)
		return result_path(ctx, p, in, v, held);
	aslp_test_reach(ctx, ASLP_TS_AFTER_RESULT_SELECTOR);
	out = result_path(ctx, p, in, v, held);
	aslp_test_step(ctx, ASLP_TS_AFTER_RESULT_PATH, out);
	return out;
}

json_t *
asl_result_path(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v)
{
	return result_path_step(ctx, p, in, v, 0);
}

json_t *
asl_result_path_handled(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v)
{
	return result_path_step(ctx, p, in, v, 1);
}

/* ---- Wait ---- */

/* Checks for an abort this often while waiting on the real clock. */
#define ABORT_POLL_NS 50000000

int
aslp_wait_until(asl_ctx *ctx, int64_t until)
{
	int64_t now = aslp_now_ns(ctx), deadline = ctx->run->deadline_ns;
	bool late = false;

	if (deadline && until > deadline) {
		until = deadline;
		late = true;
	}
	if (until > now) {
		if (ctx->run->virtual_clock) {
			ctx->skipped_ns += until - now;
		} else {
			while (now < until) {
				struct timespec ts;
				int64_t d = until - now;

				/* A branch that waits must notice when another fails. */
				if (ctx->group && aslp_aborted(ctx))
					return aslp_abort(ctx);
				if (ctx->group && d > ABORT_POLL_NS)
					d = ABORT_POLL_NS;
				ts.tv_sec = (time_t)(d / 1000000000);
				ts.tv_nsec = (long)(d % 1000000000);
				if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
					break;
				now = aslp_now_ns(ctx);
			}
		}
	}
	return late ? aslp_timed_out(ctx) : ASL_OK;
}

int
aslp_sleep(asl_ctx *ctx, int64_t ns)
{
	int64_t now = aslp_now_ns(ctx);

	/* The virtual clock moves by exactly ns, not ns less the time to get here. */
	if (ctx->run->virtual_clock &&
	    !(ctx->run->deadline_ns && now + ns > ctx->run->deadline_ns)) {
		ctx->skipped_ns += ns;
		return ASL_OK;
	}
	return aslp_wait_until(ctx, now + ns);
}

int
asl_wait_seconds(asl_ctx *ctx, int64_t seconds)
{
	/* Beyond a century the execution's one-year limit ends it anyway. */
	if (seconds > ASLP_CENTURY)
		seconds = ASLP_CENTURY;
	return aslp_sleep(ctx, seconds * 1000000000);
}

/* The text Java's asText() gives a value, for the Wait causes. */
static char *
as_text(const json_t *v)
{
	if (json_is_string(v))
		return aslp_printf("%s", json_string_value(v));
	if (json_is_object(v) || json_is_array(v))
		return aslp_printf("%s", "");
	return asl_dumps(v);
}

/* Java's Long.parseLong: optional sign, decimal digits, in range. */
static bool
parse_long(const char *s, int64_t *out)
{
	char *end;
	long long n;

	if (!*s || strchr(" \t\n\r\f\v", *s))
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end || errno == ERANGE)
		return false;
	*out = n;
	return true;
}

int
asl_wait_seconds_path(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	json_t *x = aslp_path_get(ctx, p, v, NULL);
	int64_t secs;
	char *text;
	bool ok;

	if (!x)
		return ctx->failed ? ASL_FAIL : aslp_fail_state(ctx, "States.Runtime",
			"The SecondsPath parameter does not reference an input value: %s",
			p->text);
	if (json_is_integer(x)) {
		secs = json_integer_value(x);
		ok = true;
	} else {
		text = json_is_string(x) ? NULL : as_text(x);
		ok = parse_long(text ? text : json_string_value(x), &secs);
		free(text);
	}
	text = as_text(x);
	json_decref(x);
	if (!text)
		return aslp_oom(ctx);
	if (!ok)
		aslp_fail_state(ctx, "States.Runtime",
				"The SecondsPath parameter cannot be parsed as a long value: %s == %s",
				p->text, text);
	else if (secs < 0)
		aslp_fail_state(ctx, "States.Runtime",
				"The SecondsPath parameter references a negative value: %s == %s",
				p->text, text);
	free(text);
	if (!ok || secs < 0)
		return ASL_FAIL;
	return asl_wait_seconds(ctx, secs);
}

int
asl_wait_timestamp(asl_ctx *ctx, const asl_time *t)
{
	int64_t now = aslp_now_ns(ctx) / 1000000000;

	/* Whole seconds, as the service waits; far times saturate. */
	if (t->sec > now + ASLP_CENTURY)
		return asl_wait_seconds(ctx, ASLP_CENTURY);
	if (t->sec < now)
		return ASL_OK;
	return aslp_wait_until(ctx, t->sec * 1000000000);
}

int
asl_wait_timestamp_path(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	json_t *x = aslp_path_get(ctx, p, v, NULL);
	asl_time t;
	char *text;

	if (!x)
		return ctx->failed ? ASL_FAIL : aslp_fail_state(ctx, "States.Runtime",
			"The TimestampPath parameter does not reference an input value: %s",
			p->text);
	if (aslp_is_timestamp(x, &t)) {
		json_decref(x);
		return asl_wait_timestamp(ctx, &t);
	}
	text = as_text(x);
	json_decref(x);
	if (!text)
		return aslp_oom(ctx);
	aslp_fail_state(ctx, "States.Runtime",
			"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s",
			p->text, text);
	free(text);
	return ASL_FAIL;
}

/* A JSONata Seconds or Timestamp (timestamp), of the state input v. */
int
asl_jn_wait(asl_ctx *ctx, const asl_template *t, int timestamp, json_t *v)
{
	json_t *x = aslp_jn_template(ctx, t, v, NULL, NULL);
	asl_time tm;
	int64_t secs;

	if (!x)
		return ASL_FAIL;
	if (timestamp) {
		if (!json_is_string(x)) {
			aslp_jn_unexpected(ctx, t, "string", x);
			json_decref(x);
			return ASL_FAIL;
		}
		if (!aslp_is_timestamp(x, &tm)) {
			aslp_fail_state(ctx, "States.QueryEvaluationError",
					"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: %s",
					json_string_value(x));
			aslp_jn_evaluation_failed(ctx, "Timestamp");
			json_decref(x);
			return ASL_FAIL;
		}
		json_decref(x);
		return asl_wait_timestamp(ctx, &tm);
	}
	if (!json_is_number(x) || json_number_value(x) != floor(json_number_value(x)) ||
	    json_number_value(x) < 0 || json_number_value(x) > 99999999) {
		char *text = aslp_render(ctx, x);

		aslp_fail_state(ctx, "States.QueryEvaluationError",
				"The Seconds field must be an integer from 0 to 99999999, but was: %s",
				text ? text : "");
		aslp_jn_evaluation_failed(ctx, "Seconds");
		free(text);
		json_decref(x);
		return ASL_FAIL;
	}
	secs = (int64_t)json_number_value(x);
	json_decref(x);
	return asl_wait_seconds(ctx, secs);
}

/* ---- Fail, and Choice without a match ---- */

/* The string at ErrorPath or CausePath, as a new malloc'd string. */
static char *
fail_field(asl_ctx *ctx, const asl_path *p, const char *field, json_t *v)
{
	json_t *x = aslp_path_get(ctx, p, v, NULL);
	char *s, *text;

	if (!x) {
		if (ctx->failed)
			return NULL;
		text = aslp_render(ctx, p->root == ASL_ROOT_CONTEXT ? aslp_context(ctx) : v);
		if (!text)
			return (void)aslp_oom(ctx), NULL;
		aslp_fail_state(ctx, "States.Runtime",
				"The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
				p->text, field, text);
		free(text);
		return NULL;
	}
	s = json_is_string(x) ? aslp_printf("%s", json_string_value(x)) : asl_dumps(x);
	json_decref(x);
	if (!s)
		aslp_oom(ctx);
	return s;
}

/* The value of an intrinsic ErrorPath or CausePath, as text; malloc'd. */
static char *
call_text(asl_ctx *ctx, const asl_intrinsic *c, json_t *v)
{
	json_t *x = aslp_call(ctx, c, v);
	char *s;

	if (!x)
		return NULL;
	s = json_is_string(x) ? aslp_printf("%s", json_string_value(x)) : asl_dumps(x);
	json_decref(x);
	if (!s)
		aslp_oom(ctx);
	return s;
}

/* A JSONata Error or Cause: the string t makes of the state input v. */
static char *
fail_jsonata(asl_ctx *ctx, const asl_template *t, json_t *v)
{
	json_t *x = aslp_jn_template(ctx, t, v, NULL, NULL);
	char *s;

	if (!x)
		return NULL;
	if (!json_is_string(x)) {
		aslp_jn_unexpected(ctx, t, "string", x);
		json_decref(x);
		return NULL;
	}
	s = aslp_printf("%s", json_string_value(x));
	json_decref(x);
	return s;
}

int
asl_fail_state(asl_ctx *ctx, const asl_fail_desc *f, json_t *v)
{
	char *error = NULL, *cause = NULL;

	if (f->error_jn || f->cause_jn) {
		if (f->error_jn && !(error = fail_jsonata(ctx, f->error_jn, v)))
			return ASL_FAIL;
		if (f->cause_jn && !(cause = fail_jsonata(ctx, f->cause_jn, v))) {
			free(error);
			return ASL_FAIL;
		}
		if (!f->error_jn && f->error)
			error = aslp_printf("%s", f->error);
		if (!f->cause_jn && f->cause)
			cause = aslp_printf("%s", f->cause);
		fail_with(ctx, error, cause);	/* takes cause */
		free(error);
		return ASL_FAIL;
	}

	if (f->error_call) {
		error = call_text(ctx, f->error_call, v);
		if (!error)
			return ASL_FAIL;
	} else if (f->error_path) {
		error = fail_field(ctx, f->error_path, "ErrorPath", v);
		if (!error)
			return ASL_FAIL;
	} else if (f->error) {
		error = aslp_printf("%s", f->error);
	}
	if (f->cause_call) {
		cause = call_text(ctx, f->cause_call, v);
		if (!cause) {
			free(error);
			return ASL_FAIL;
		}
	} else if (f->cause_path) {
		cause = fail_field(ctx, f->cause_path, "CausePath", v);
		if (!cause) {
			free(error);
			return ASL_FAIL;
		}
	} else if (f->cause) {
		cause = aslp_printf("%s", f->cause);
	}
	fail_with(ctx, error, cause);
	free(error);
	return ASL_FAIL;
}

int
asl_no_choice(asl_ctx *ctx)
{
	/* The service reports States.Runtime here, not States.NoChoiceMatched. */
	return aslp_fail_state(ctx, "States.Runtime",
			       "Failed to transition out of the state. The state does not point to a next state.");
}

/* ---- Retry and Catch ---- */

/* Forget the recorded error: a retrier or catcher has taken it. */
static void
clear_error(asl_ctx *ctx)
{
	free(ctx->error);
	free(ctx->cause);
	ctx->error = NULL;
	ctx->cause = NULL;
	ctx->failed = false;
	ctx->terminal = false;
	ctx->status = ASLP_RUNNING;
}

/*
** Does ErrorEquals name match error (NULL: a failure without a name)?
** States.ALL matches everything that reaches here; States.TaskFailed
** everything but a timeout, as the service documents it.
*/
static bool
matches(const char *const *names, int n, const char *error)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "States.ALL") == 0)
			return true;
		if (strcmp(names[i], "States.TaskFailed") == 0 &&
		    !(error && strcmp(error, "States.Timeout") == 0))
			return true;
		if (error && strcmp(names[i], error) == 0)
			return true;
	}
	return false;
}

/*
** The back-off before rt's next retry, in nanoseconds: IntervalSeconds
** times BackoffRate for each retry it granted before, at most
** MaxDelaySeconds, and with FULL jitter a uniform part of that.
*/
static int64_t
backoff_ns(asl_ctx *ctx, const asl_retrier *r, struct aslp_retrying *rt)
{
	double s = rt->delay;

	/* Kept below a century, the product never overflows. */
	if (rt->delay < (double)ASLP_CENTURY)
		rt->delay *= r->backoff;
	if (r->max_delay > 0 && s > (double)r->max_delay)
		s = (double)r->max_delay;
	if (s > (double)ASLP_CENTURY)
		s = (double)ASLP_CENTURY;
	if (r->jitter)		/* FULL: uniform between none and all of it */
		s *= (double)(aslp_random(ctx) >> 11) * (1.0 / 9007199254740992.0);
	return (int64_t)(s * 1e9);
}

/* {"Error": ..., "Cause": ...} for the recorded error; NULL on OOM. */
static json_t *
error_output(asl_ctx *ctx)
{
	json_t *out = json_object();
	json_t *err = ctx->error ? json_string(ctx->error) : json_null();
	json_t *cause;

	/* A timeout has no cause; the service shows it as "". */
	if (ctx->cause)
		cause = json_string(ctx->cause);
	else if (ctx->error && strcmp(ctx->error, "States.Timeout") == 0)
		cause = json_string("");
	else
		cause = json_null();
	if (!out || !err || !cause || json_object_set_new(out, "Error", err) ||
	    json_object_set_new(out, "Cause", cause)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int recover(asl_ctx *ctx, const asl_recovery *r);

int
asl_recover(asl_ctx *ctx, const asl_recovery *r)
{
	int i;

	if (!ctx->failed || ctx->terminal || ctx->status == ASLP_TIMED_OUT ||
	    (ctx->error && strcmp(ctx->error, "States.Runtime") == 0))
		return -1;
	/* Each retrier counts its attempts within one visit of the state. */
	if (ctx->retriers_serial != ctx->state_serial || ctx->nretriers < r->nretrier) {
		struct aslp_retrying *a = realloc(ctx->retriers,
						  (size_t)(r->nretrier + 1) * sizeof *a);

		if (!a)
			return aslp_oom(ctx), -1;
		ctx->retriers = a;
		ctx->nretriers = r->nretrier;
		ctx->retriers_serial = ctx->state_serial;
		for (i = 0; i < r->nretrier; i++) {
			a[i].attempts = 0;
			a[i].delay = (double)r->retriers[i].interval;
		}
	}
	/* The state's own Assign is undone: a retry or a catcher replaces it. */
	json_decref(ctx->next_vars);
	ctx->next_vars = NULL;
	json_decref(ctx->assigned);
	ctx->assigned = NULL;
	i = recover(ctx, r);
	/* A Parallel's or Map's Failed event: only when it is not retried. */
	if (ctx->fan_failed && i != ASL_RETRY)
		aslp_event(ctx, ctx->state && ctx->state->type == ASL_STATE_MAP ?
			   "MapStateFailed" : "ParallelStateFailed", NULL);
	ctx->fan_failed = false;
	return i;
}

/* asl_recover, once the retriers count this visit. */
static int
recover(asl_ctx *ctx, const asl_recovery *r)
{
	int i;

	for (i = 0; i < r->nretrier; i++) {
		const asl_retrier *rt = &r->retriers[i];
		int64_t delay;

		if (!matches(rt->errors, rt->nerror, ctx->error))
			continue;
		if (ctx->test) {	/* --test-state: the decision, not the retry */
			if (aslp_test_retriable(ctx, rt, i))
				return -1;
			break;
		}
		if (ctx->retriers[i].attempts >= rt->max_attempts)
			break;	/* spent: no later retrier is tried */
		/* Each attempt adds to the history: it has a limit too. */
		if (ctx->run->max_events &&
		    __atomic_load_n(&ctx->exec->events, __ATOMIC_RELAXED) >= ctx->run->max_events) {
			clear_error(ctx);
			return aslp_history_full(ctx), -1;
		}
		delay = backoff_ns(ctx, rt, &ctx->retriers[i]);
		ctx->retriers[i].attempts++;
		ctx->retry_count++;
		ctx->context_serial = -1;	/* $$.State.RetryCount changed */
		if (ctx->state && ctx->state->token)
			aslp_new_token(ctx);
		clear_error(ctx);
		if (aslp_sleep(ctx, delay) != ASL_OK)
			return -1;	/* the execution's time ran out */
		return ASL_RETRY;
	}
	for (i = 0; i < r->ncatcher; i++) {
		if (!matches(r->catchers[i].errors, r->catchers[i].nerror, ctx->error))
			continue;
		json_decref(ctx->caught);
		ctx->caught = error_output(ctx);
		if (!ctx->caught)
			return aslp_oom(ctx), -1;
		if (ctx->test)
			aslp_test_caught(ctx, i);
		if (ctx->run->trace) {
			free(ctx->trace_caught);
			ctx->trace_caught = ctx->error ? strdup(ctx->error) : NULL;
		}
		clear_error(ctx);
		return i;
	}
	return -1;
}

json_t *
asl_catch_result(asl_ctx *ctx, const asl_path *p, json_t *in)
{
	json_t *v = ctx->caught;

	ctx->caught = NULL;
	if (!v) {		/* not reached: asl_recover made it */
		aslp_release(ctx, in);
		aslp_fail(ctx, "States.Runtime", "internal error: no error output");
		return NULL;
	}
	return result_path(ctx, p, in, v, 0);
}
