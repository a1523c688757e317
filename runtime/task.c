/*
** task.c - Task states: what a Resource is bound to, and one invocation.
**
** A Task's Resource is served, in this order, by a mocked response of the
** MockConfigFile test case (if the state is mapped in it), by a program
** bound on the command line or in a bindings file (program.c), or by a C
** handler compiled in. A binding is found by the names the Resource has:
**
**	arn:aws:lambda:R:A:function:F	the ARN, then F
**	arn:aws:states:::lambda:invoke	the FunctionName (as given, then the
**					function's name), then the ARN, then
**					lambda:invoke
**	arn:aws:states:::sqs:send.X	the ARN, then sqs:send.X, then sqs:send
**	arn:aws:states:R:A:activity:N	the ARN, then N
**
** For lambda:invoke the handler gets the Payload and its result is wrapped
** in the Invoke response the service returns; a mocked response is that
** whole response already.
*/
#include "aslrt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names and bindings ---- */

/* The names a binding may have for t, most specific first. */
struct names {
	const char *v[5];
	size_t len[5];
	int n;
};

static void
add_name(struct names *nm, const char *s, size_t len)
{
	int i;

	if (!len)
		return;
	for (i = 0; i < nm->n; i++)
		if (nm->len[i] == len && strncmp(nm->v[i], s, len) == 0)
			return;
	nm->v[nm->n] = s;
	nm->len[nm->n++] = len;
}

/*
** The function name in a FunctionName or Lambda ARN: "f" in
** "arn:aws:lambda:R:A:function:f:alias", "A:function:f" and "f:alias".
*/
const char *
aslp_function_name(const char *s, size_t *len)
{
	const char *p = strstr(s, ":function:");

	p = p ? p + strlen(":function:") : s;
	*len = strcspn(p, ":");
	return p;
}

static void
names_of(const asl_task_desc *t, const char *function, struct names *nm)
{
	const char *r = t->resource, *svc = "arn:aws:states:::", *p;
	size_t len;

	nm->n = 0;
	if (function) {
		add_name(nm, function, strlen(function));
		p = aslp_function_name(function, &len);
		add_name(nm, p, len);
	}
	add_name(nm, r, strlen(r));
	switch (t->kind) {
	case ASL_RES_LAMBDA:
		p = aslp_function_name(r, &len);
		add_name(nm, p, len);
		break;
	case ASL_RES_ACTIVITY:
		p = strstr(r, ":activity:") + strlen(":activity:");
		add_name(nm, p, strlen(p));
		break;
	case ASL_RES_LAMBDA_INVOKE:
	case ASL_RES_SERVICE:
		p = r + strlen(svc);
		add_name(nm, p, strlen(p));
		add_name(nm, p, strcspn(p, "."));	/* without .sync or the like */
		break;
	default:
		break;
	}
}

static bool
is_name(const char *key, const struct names *nm, int i)
{
	return strlen(key) == nm->len[i] && strncmp(key, nm->v[i], nm->len[i]) == 0;
}

/*
** The handler of table hs for the first of nm's names that one has (the
** first such handler), or NULL.
*/
static const asl_handler *
handler_for(const asl_handler *hs, const struct names *nm)
{
	const asl_handler *h, *best = NULL;
	int i, first = nm->n;
	size_t len;

	for (h = hs; h && h->name; h++) {
		if (!h->fn)
			continue;
		len = strlen(h->name);
		for (i = 0; i < first; i++)
			if (len == nm->len[i] && memcmp(h->name, nm->v[i], len) == 0) {
				first = i;
				best = h;
				break;
			}
	}
	return best;
}

const struct aslp_binding *
aslp_find_binding(asl_ctx *ctx, const asl_task_desc *t, const char *function,
		  struct aslp_binding *tmp)
{
	const asl_handler *h;
	struct names nm;
	int i, k;

	names_of(t, function, &nm);
	/* The command line overrides the handlers compiled in; the last wins. */
	for (i = 0; i < nm.n; i++)
		for (k = ctx->run->nbinding - 1; k >= 0; k--)
			if (!ctx->run->bindings[k].s3 && is_name(ctx->run->bindings[k].name, &nm, i))
				return &ctx->run->bindings[k];
	/* Then the host program's handlers (asl_options), then those compiled in. */
	h = handler_for(ctx->run->handlers, &nm);
	if (!h)
		h = handler_for(ctx->run->prog->handlers, &nm);
	if (!h)
		return NULL;
	memset(tmp, 0, sizeof *tmp);
	tmp->name = (char *)h->name;
	tmp->fn = h->fn;
	return tmp;
}

const struct aslp_binding *
aslp_task_binding(asl_ctx *ctx, const asl_task_desc *t, const char *function,
		  struct aslp_binding *tmp)
{
	const struct aslp_run *run = ctx->run;

	/* lambda:invoke's FunctionName may come from the input. */
	if (run->bound && t->kind != ASL_RES_LAMBDA_INVOKE && t->index >= 0 &&
	    t->index < run->prog->ntask && run->prog->tasks[t->index] == t &&
	    run->bound[t->index])
		return run->bound[t->index];
	return aslp_find_binding(ctx, t, function, tmp);
}

/* ---- task tokens ---- */

void
aslp_new_token(asl_ctx *ctx)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char buf[129];
	int i;

	for (i = 0; i < 128; i++)
		buf[i] = digits[aslp_random(ctx) & 63];
	buf[128] = '\0';
	free(ctx->task_token);
	ctx->task_token = aslp_printf("AQB%s", buf);
	ctx->context_serial = -1;	/* $$.Task.Token changed */
}

/* ---- TimeoutSecondsPath and HeartbeatSecondsPath ---- */

static int
read_seconds(asl_ctx *ctx, const asl_path *p, const char *field, json_t *v,
	     int64_t *out)
{
	char *why = NULL, *text;
	json_t *x = aslp_path_get(ctx, p, v, &why);

	if (!x) {
		if (why)
			aslp_fail_state(ctx, "States.Runtime", "Invalid path '%s' : %s", p->text, why);
		else if (!ctx->failed)
			aslp_oom(ctx);
		free(why);
		return ASL_FAIL;
	}
	/* The service's range for TimeoutSeconds and HeartbeatSeconds. */
	if (json_is_integer(x) && json_integer_value(x) > 0 &&
	    json_integer_value(x) <= 99999999) {
		*out = json_integer_value(x);
		json_decref(x);
		return ASL_OK;
	}
	text = asl_dumps(x);
	json_decref(x);
	if (!text)
		return aslp_oom(ctx);
	aslp_fail_state(ctx, "States.Runtime",
			"The %s parameter does not reference an integer from 1 to 99999999: %s == %s",
			field, p->text, text);
	free(text);
	return ASL_FAIL;
}

/* A JSONata TimeoutSeconds or HeartbeatSeconds, of the state input v. */
static int
jn_seconds(asl_ctx *ctx, const asl_template *tpl, json_t *v, int64_t *out)
{
	json_t *x = aslp_jn_template(ctx, tpl, v, NULL, NULL);
	double d;

	if (!x)
		return ASL_FAIL;
	d = json_number_value(x);
	if (!json_is_number(x) || d != (double)(int64_t)d || d < 1 || d > 99999999) {
		aslp_jn_unexpected(ctx, tpl, "integer from 1 to 99999999", x);
		json_decref(x);
		return ASL_FAIL;
	}
	*out = (int64_t)d;
	json_decref(x);
	return ASL_OK;
}

/* Credentials: the RoleArn the service would assume, of the state input v. */
static int
credentials(asl_ctx *ctx, const asl_task_desc *t, json_t *v)
{
	json_t *c = t->jsonata ? aslp_jn_template(ctx, t->credentials, v, NULL, NULL) :
		asl_parameters(ctx, t->credentials, json_incref(v)), *arn;

	if (!c)
		return ASL_FAIL;
	arn = json_object_get(c, "RoleArn");
	if (!json_is_string(arn) || json_string_length(arn) == 0) {
		char *text = aslp_render(ctx, arn ? arn : c);

		aslp_fail_state(ctx, t->jsonata ? "States.QueryEvaluationError" : "States.Runtime",
				"The RoleArn of the field 'Credentials' must be a non-empty string, but was: %s",
				text ? text : "");
		if (t->jsonata)
			aslp_jn_evaluation_failed(ctx, "Credentials/RoleArn");
		free(text);
		json_decref(c);
		return ASL_FAIL;
	}
	ctx->role_arn = strdup(json_string_value(arn));
	json_decref(c);
	return ctx->role_arn ? ASL_OK : aslp_oom(ctx);
}

int
asl_task_timeouts(asl_ctx *ctx, const asl_task_desc *t, json_t *v)
{
	ctx->path_timeout = 0;
	ctx->path_heartbeat = 0;
	free(ctx->role_arn);
	ctx->role_arn = NULL;
	if (t->credentials && credentials(ctx, t, v))
		return ASL_FAIL;
	if (t->timeout_jn && jn_seconds(ctx, t->timeout_jn, v, &ctx->path_timeout))
		return ASL_FAIL;
	if (t->heartbeat_jn && jn_seconds(ctx, t->heartbeat_jn, v, &ctx->path_heartbeat))
		return ASL_FAIL;
	if (t->timeout_path &&
	    read_seconds(ctx, t->timeout_path, "TimeoutSecondsPath", v, &ctx->path_timeout))
		return ASL_FAIL;
	if (t->heartbeat_path &&
	    read_seconds(ctx, t->heartbeat_path, "HeartbeatSecondsPath", v, &ctx->path_heartbeat))
		return ASL_FAIL;
	return ASL_OK;
}

/* ---- C handlers ---- */

struct asl_call {
	asl_ctx *ctx;
	const struct aslp_invoke *inv;
	int64_t start;		/* real clock, ns */
	int64_t last_beat;
	int64_t exec_end;	/* the execution's end on the real clock, or 0 */
	bool failed;
	char *error, *cause;
};

void *
asl_call_data(asl_call *call)
{
	return call->ctx->run->data;
}

json_t *
asl_call_fail(asl_call *call, const char *error, const char *cause)
{
	if (!call->failed) {
		call->failed = true;
		call->error = error ? strdup(error) : NULL;
		call->cause = cause ? strdup(cause) : NULL;
	}
	return NULL;
}

json_t *
asl_call_context(asl_call *call)
{
	return aslp_context(call->ctx);
}

int
asl_call_retry_count(asl_call *call)
{
	return call->ctx->retry_count;
}

const char *
asl_call_state(asl_call *call)
{
	return call->inv->t->state;
}

const char *
asl_call_resource(asl_call *call)
{
	return call->inv->t->resource;
}

/* The first of the call's deadlines (real clock), or 0. */
static int64_t
call_deadline(const asl_call *call)
{
	int64_t d = call->exec_end, t;

	t = call->inv->timeout_ns ? call->start + call->inv->timeout_ns : 0;
	if (t && (!d || t < d))
		d = t;
	t = call->inv->heartbeat_ns ? call->last_beat + call->inv->heartbeat_ns : 0;
	if (t && (!d || t < d))
		d = t;
	return d;
}

int64_t
asl_call_remaining_ms(asl_call *call)
{
	int64_t d = call_deadline(call), left;

	if (!d)
		return -1;
	left = d - aslp_real_ns();
	return left > 0 ? left / 1000000 : 0;
}

int
asl_call_heartbeat(asl_call *call)
{
	int64_t now = aslp_real_ns(), d = call_deadline(call);

	if (d && now >= d)
		return ASL_FAIL;	/* too late: the task has timed out */
	call->last_beat = now;
	return ASL_OK;
}

static json_t *
run_handler(asl_ctx *ctx, const struct aslp_invoke *inv, const struct aslp_binding *b)
{
	asl_call call;
	json_t *out, *in = NULL;
	int64_t d;

	memset(&call, 0, sizeof call);
	call.ctx = ctx;
	call.inv = inv;
	/*
	** The execution's deadline binds a handler when the machine has a
	** TimeoutSeconds; the year every execution has at most is checked
	** only between states, as asl_enter does.
	*/
	if (ctx->run->prog->timeout > 0 && ctx->run->deadline_ns)
		call.exec_end = ctx->run->deadline_ns - ctx->skipped_ns;
	if (inv->timeout_ns || inv->heartbeat_ns || call.exec_end)
		call.start = call.last_beat = aslp_real_ns();
	/*
	** A constant input (Parameters with no path) is copied: the handler
	** may keep a reference, and constants go at asl_program_fini.
	*/
	if (aslp_immortal(inv->input)) {
		in = json_deep_copy(inv->input);
		if (!in)
			return (void)aslp_oom(ctx), NULL;
	}
	out = b->fn(&call, in ? in : inv->input);
	json_decref(in);
	/* A handler runs to its end; its deadlines are checked when it returns. */
	d = call_deadline(&call);
	if (d && aslp_real_ns() >= d) {
		json_decref(out);
		out = NULL;
		if (call.exec_end && d == call.exec_end)
			aslp_timed_out(ctx);
		else
			aslp_fail(ctx, "States.Timeout", NULL);
	} else if (call.failed) {
		json_decref(out);
		out = NULL;
		aslp_fail(ctx, call.error, call.cause ? "%s" : NULL, call.cause);
	} else if (!out) {
		aslp_fail(ctx, "States.TaskFailed",
			  "The C handler '%s' returned NULL without calling asl_call_fail.", b->name);
	}
	free(call.error);
	free(call.cause);
	return out;
}

/* ---- lambda:invoke ---- */

/* The date as HTTP headers write it: "Mon, 29 Dec 2025 01:19:15 GMT". */
static char *
http_date(int64_t ns)
{
	static const char *const days[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	char iso[64];
	int64_t sec = ns / 1000000000, day = sec / 86400;
	int y, m, d, hh, mm, ss;

	/* aslp_format_time gives 2025-12-29T01:19:15.000Z: take it apart. */
	aslp_format_time(iso, sizeof iso, ns);
	if (sscanf(iso, "%d-%d-%dT%d:%d:%d", &y, &m, &d, &hh, &mm, &ss) != 6 || m < 1 || m > 12)
		return aslp_printf("%s", iso);
	return aslp_printf("%s, %02d %s %04d %02d:%02d:%02d GMT",
			   days[((day % 7) + 7) % 7], d, months[m - 1], y, hh, mm, ss);
}

/*
** The Invoke response around payload (consumed), as the service returns
** it from lambda:invoke. NULL on OOM.
*/
static json_t *
envelope(asl_ctx *ctx, const char *request_id, json_t *payload)
{
	char *date = http_date(aslp_now_ns(ctx));
	char *length = aslp_printf("%zu", asl_dump_size(payload));
	char *trace = aslp_printf("Root=1-%08llx-%012llx%012llx;Parent=%016llx;Sampled=0;Lineage=1:%08llx:0",
				  (unsigned long long)(aslp_now_ns(ctx) / 1000000000),
				  (unsigned long long)(aslp_random(ctx) & 0xffffffffffffULL),
				  (unsigned long long)(aslp_random(ctx) & 0xffffffffffffULL),
				  (unsigned long long)aslp_random(ctx),
				  (unsigned long long)(aslp_random(ctx) & 0xffffffffULL));
	json_t *all = NULL, *headers = NULL, *out = NULL;

	if (date && length && trace && payload) {
		all = json_pack("{s:[s], s:[s], s:[s], s:[s], s:[s], s:[s], s:[s], s:[s]}",
				"X-Amz-Executed-Version", "$LATEST",
				"x-amzn-Remapped-Content-Length", "0",
				"Connection", "keep-alive",
				"x-amzn-RequestId", request_id,
				"Content-Length", length,
				"Date", date,
				"X-Amzn-Trace-Id", trace,
				"Content-Type", "application/json");
		headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
				    "Connection", "keep-alive",
				    "Content-Length", length,
				    "Content-Type", "application/json",
				    "Date", date,
				    "X-Amz-Executed-Version", "$LATEST",
				    "x-amzn-Remapped-Content-Length", "0",
				    "x-amzn-RequestId", request_id,
				    "X-Amzn-Trace-Id", trace);
	}
	if (all && headers)
		out = json_pack("{s:s, s:O, s:{s:o, s:o, s:i}, s:{s:s}, s:i}",
				"ExecutedVersion", "$LATEST",
				"Payload", payload,
				"SdkHttpMetadata", "AllHttpHeaders", all, "HttpHeaders", headers,
				"HttpStatusCode", 200,
				"SdkResponseMetadata", "RequestId", request_id,
				"StatusCode", 200);
	else {
		json_decref(all);
		json_decref(headers);
	}
	json_decref(payload);
	free(date);
	free(length);
	free(trace);
	return out;
}

/*
** Read FunctionName and Payload from the lambda:invoke parameters v: the
** function's input as a new reference in inv->input, or NULL with
** States.Runtime recorded.
*/
static bool
invoke_parameters(asl_ctx *ctx, json_t *v, struct aslp_invoke *inv)
{
	json_t *fn = json_object_get(v, "FunctionName");
	json_t *payload = json_object_get(v, "Payload");
	json_t *type = json_object_get(v, "InvocationType");
	json_error_t err;
	bool oom = false;
	char *text;

	if (!json_is_string(fn) || !json_string_length(fn) ||
	    (type && !(json_is_string(type) &&
		       strcmp(json_string_value(type), "RequestResponse") == 0))) {
		text = aslp_render(ctx, v);
		if (!text)
			return aslp_oom(ctx), false;
		if (!json_is_string(fn) || !json_string_length(fn))
			aslp_fail_state(ctx, "States.Runtime",
					"The Parameters '%s' could not be used to start the Task: [The field 'FunctionName' is required and must be a non-empty string]",
					text);
		else
			aslp_fail_state(ctx, "States.Runtime",
					"The Parameters '%s' could not be used to start the Task: [aslc runs only the InvocationType 'RequestResponse']",
					text);
		free(text);
		return false;
	}
	inv->function = json_string_value(fn);
	/*
	** No Payload sends {}; a string is sent as it is, so a string of JSON
	** arrives as that JSON, and any other string as a JSON string.
	*/
	if (!payload || json_is_null(payload))
		inv->input = json_object();
	else if (json_is_string(payload) &&
		 (inv->input = aslp_loadb(json_string_value(payload), json_string_length(payload),
					  JSON_DECODE_ANY, &err, &oom)))
		;
	else if (!oom)
		inv->input = json_incref(payload);
	if (!inv->input)
		return aslp_oom(ctx), false;
	return true;
}

/* Lambda's error for a function that does not exist. */
static void
no_function(asl_ctx *ctx, const char *function, const char *request_id)
{
	size_t len;
	const char *name = aslp_function_name(function, &len);

	aslp_fail(ctx, "Lambda.ResourceNotFoundException",
		  "Function not found: arn:aws:lambda:%s:%s:function:%.*s (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: %s; Proxy: null)",
		  ctx->run->region, ctx->run->account, (int)len, name, request_id ? request_id : "");
}

/* ---- a task ---- */

int
aslp_task_too_big(asl_ctx *ctx, const asl_task_desc *t)
{
	const char *r = t->resource, *svc = "arn:aws:states:::";
	size_t n;

	/*
	** The service names a task by its function ARN (legacy Lambda), its
	** service ("lambda", "aws-sdk:s3"), or its Resource.
	*/
	if (strncmp(r, svc, strlen(svc)) != 0) {
		n = strlen(r);
	} else {
		r += strlen(svc);
		n = strcspn(r, ":");
		if (strncmp(r, "aws-sdk:", 8) == 0)
			n = 8 + strcspn(r + 8, ":");
	}
	return aslp_fail(ctx, "States.DataLimitExceeded",
			 "The state/task '%.*s' returned a result with a size exceeding the maximum number of bytes service limit.",
			 (int)n, r);
}

/* ---- its history events ---- */

/*
** Which family of events a Task writes: a Lambda function named by its
** ARN (the legacy integration) LambdaFunction*, an activity Activity*,
** every other resource Task*.
*/
static const char *
family(const asl_task_desc *t)
{
	return t->kind == ASL_RES_LAMBDA ? "LambdaFunction" :
		t->kind == ASL_RES_ACTIVITY ? "Activity" : "Task";
}

/*
** The details every Task* event starts with: the Resource split as the
** service splits it, arn:aws:states:::lambda:invoke into resourceType
** "lambda" and resource "invoke" (aws-sdk:s3:listBuckets: "aws-sdk:s3"
** and "listBuckets").
*/
static json_t *
task_details(const asl_task_desc *t)
{
	const char *r = t->resource, *svc = "arn:aws:states:::";
	size_t n;

	if (strncmp(r, svc, strlen(svc)) != 0)
		return json_pack("{s:s, s:s}", "resourceType", "", "resource", r);
	r += strlen(svc);
	n = strcspn(r, ":");
	if (strncmp(r, "aws-sdk:", 8) == 0)
		n = 8 + strcspn(r + 8, ":");
	return json_pack("{s:s%, s:s}", "resourceType", r, n, "resource",
			 r[n] ? r + n + 1 : "");
}

/* The Scheduled event of t, with the input v and the attempt's timeouts. */
static void
scheduled(asl_ctx *ctx, const asl_task_desc *t, json_t *v, int64_t timeout,
	  int64_t heartbeat)
{
	char type[40] = "";
	json_t *d = NULL;

	if (aslp_recording(ctx)) {
		snprintf(type, sizeof type, "%sScheduled", family(t));
		if (t->kind == ASL_RES_LAMBDA || t->kind == ASL_RES_ACTIVITY) {
			d = aslp_event_data(ctx, "input", v);
			json_object_set_new(d, "resource", json_string(t->resource));
		} else {
			d = task_details(t);
			json_object_set_new(d, "region", json_string(ctx->run->region));
			json_object_set_new(d, "parameters", aslp_event_text(ctx, v));
		}
		if (timeout)
			json_object_set_new(d, "timeoutInSeconds", json_integer(timeout));
		if (heartbeat)
			json_object_set_new(d, "heartbeatInSeconds", json_integer(heartbeat));
		if (t->credentials && ctx->role_arn)
			json_object_set_new(d, "taskCredentials",
					    json_pack("{s:s}", "roleArn", ctx->role_arn));
	}
	aslp_event(ctx, type, d);
}

/* The Started event of t. */
static void
started(asl_ctx *ctx, const asl_task_desc *t)
{
	char type[40] = "";

	if (aslp_recording(ctx))	/* the name is written only then */
		snprintf(type, sizeof type, "%sStarted", family(t));
	aslp_event(ctx, type, !aslp_recording(ctx) || t->kind == ASL_RES_LAMBDA ? NULL :
		   t->kind == ASL_RES_ACTIVITY ? json_pack("{s:s}", "workerName", "aslc") :
		   task_details(t));
}

/*
** How the attempt ended: Submitted (a callback's or .sync's request went
** out) then Succeeded with output out, or Failed or TimedOut with the
** error recorded in ctx.
*/
static void
ended(asl_ctx *ctx, const asl_task_desc *t, json_t *out, const char *how)
{
	char type[40];
	json_t *d = NULL;
	bool timed_out = !out && ctx->error && (strcmp(ctx->error, "States.Timeout") == 0 ||
					       strcmp(ctx->error, "States.HeartbeatTimeout") == 0);

	if (!how)
		how = out ? "Succeeded" : timed_out ? "TimedOut" : "Failed";
	type[0] = '\0';
	if (aslp_recording(ctx)) {
		snprintf(type, sizeof type, "%s%s", family(t), how);
		d = t->kind == ASL_RES_LAMBDA || t->kind == ASL_RES_ACTIVITY ? json_object() :
			task_details(t);
		if (out && strcmp(how, "Submitted") == 0) {
			/* The request's own response is not modelled: no output. */
		} else if (out) {
			aslp_event_add(d, aslp_event_data(ctx, "output", out));
		} else {
			aslp_event_add(d, aslp_error_details(ctx));
		}
	}
	aslp_event(ctx, type, d);
}

static json_t *
task(asl_ctx *ctx, const asl_task_desc *t, json_t *v)
{
	struct aslp_invoke inv;
	struct aslp_binding tmp;
	const struct aslp_binding *b;
	json_t *out = NULL;
	int64_t timeout = t->timeout_path || t->timeout_jn ? ctx->path_timeout : t->timeout;
	int64_t heartbeat = t->heartbeat_path || t->heartbeat_jn ? ctx->path_heartbeat : t->heartbeat;
	size_t len;
	int depth;

	memset(&inv, 0, sizeof inv);
	inv.t = t;
	inv.timeout_ns = timeout * 1000000000;
	/* The heartbeat clock runs only while a token or activity is out. */
	if (t->pattern == ASL_PAT_CALLBACK || t->kind == ASL_RES_ACTIVITY)
		inv.heartbeat_ns = heartbeat * 1000000000;
	scheduled(ctx, t, v, timeout, inv.heartbeat_ns / 1000000000);
	if (ctx->run->mocks && aslp_mocked(ctx->run->mocks, t->state)) {
		started(ctx, t);
		out = aslp_mock_call(ctx, t);
		goto done;
	}
	if (t->kind == ASL_RES_LAMBDA_INVOKE) {
		if (!invoke_parameters(ctx, v, &inv))
			goto done;
	} else {
		inv.input = json_incref(v);
		if (t->kind == ASL_RES_LAMBDA)	/* its name is the ARN's */
			inv.function = t->resource;
	}
	started(ctx, t);
	b = aslp_task_binding(ctx, t, t->kind == ASL_RES_LAMBDA_INVOKE ? inv.function : NULL,
			      &tmp);
	/* A C handler has no request ID but the lambda:invoke envelope's. */
	if ((!b || !b->fn || t->kind == ASL_RES_LAMBDA_INVOKE) &&
	    !(inv.request_id = aslp_uuid(ctx))) {
		aslp_oom(ctx);
		goto done;
	}
	if (!b) {
		/* Only a FunctionName read from the input can be unbound here. */
		if (inv.function && t->kind == ASL_RES_LAMBDA_INVOKE)
			no_function(ctx, inv.function, inv.request_id);
		else
			aslp_fail_state(ctx, "States.Runtime",
					"The state is not mocked by the test case, and nothing is bound to its resource '%s'.",
					t->resource);
		goto done;
	}
	out = b->fn ? run_handler(ctx, &inv, b) : aslp_run_program(ctx, &inv, b);
	if (out && t->kind == ASL_RES_LAMBDA_INVOKE && t->pattern == ASL_PAT_REQUEST_RESPONSE) {
		out = envelope(ctx, inv.request_id, out);
		if (!out)
			aslp_oom(ctx);
	}
done:
	if (out && t->pattern != ASL_PAT_REQUEST_RESPONSE)
		ended(ctx, t, out, "Submitted");
	ended(ctx, t, out, NULL);
	json_decref(inv.input);
	free(inv.request_id);
	aslp_release(ctx, v);
	if (!out)
		return NULL;
	/* The result as the service measures it: compact JSON. */
	if (ctx->run->payload_limit == SIZE_MAX)
		return out;
	len = aslp_measure(out, ctx->run->payload_limit, ASLP_MAX_DEPTH, &depth);
	if (len > ctx->run->payload_limit) {
		json_decref(out);
		aslp_task_too_big(ctx, t);
		return NULL;
	}
	return out;
}

json_t *
asl_task(asl_ctx *ctx, const asl_task_desc *t, json_t *v)
{
	json_t *out;

	if (!ctx->test)
		return task(ctx, t, v);
	aslp_test_reach(ctx, ASLP_TS_AFTER_PARAMETERS);
	out = aslp_test_mocked(ctx) ? aslp_test_mock(ctx, v, -1) : task(ctx, t, v);
	aslp_test_step(ctx, ASLP_TS_RESULT, out);
	return out;
}
