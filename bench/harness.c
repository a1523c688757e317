/*
** bench/harness.c - the aslc side of bench/peers/harness.cjs: the same
** workloads, inputs, handlers, output checks and JSON line, with the
** workflows compiled by aslc -c and run in this process by asl_execute.
**
**	harness WORKLOAD SIZE [--tasks c|program] [--task-program PATH]
**	        [--max-threads N] [--payload ITEMS] [--history FILE] [--text]
**	        [--floor]
**
** WORKLOAD and SIZE are harness.cjs's: trivial, loop, loop-big (SIZE
** iterations with a payload of --payload items, default 1000), loop-task,
** map, map-c8 (SIZE items), parallel, order-ok, order-fail (SIZE
** executions), intrinsics (SIZE iterations). Tasks run as C handlers of
** this process (c, the default), or as a program per task (program: the
** bench-task executable, through bindings). As with the peers, "exec_ms"
** times the executions alone, not the building of their inputs nor the
** checking of the last output; max_rss_kb is the process's peak.
**
** The output is given as the peers give theirs, as a value that shares
** what it took from the input (asl_options.no_output_text and
** share_input); --text asks for asl_execute_value's default, the output
** as text too and a value with nothing shared.
**
** --floor (map, map-c8, order-ok, order-fail) runs no engine but the
** workload's work written by hand with jansson (floor.c): what jansson
** alone costs, the floor under any engine whose values are jansson's.
**
** Every execution runs with the service's semantics but three limits
** lifted, as the peers have none: the history's 25,000 events, the
** 256 KiB payload, and real Retry intervals (a virtual clock, as the peers'
** retryIntervalOverrides of 0 ms).
*/
#define _POSIX_C_SOURCE 200809L
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <aslrt.h>

#include "floor.h"
#include "tasks.h"

extern asl_program bench_trivial_program, bench_loop_program, bench_loop_task_program,
	bench_map_program, bench_map_c8_program, bench_parallel_program, bench_order_program,
	bench_intrinsics_program;

static int retries, refunds, releases;

/* One C handler per task of tasks.c, by its index. */
static json_t *
run_task(asl_call *call, json_t *in, const struct task *t)
{
	struct task_error e = { NULL, NULL };
	json_t *out;
	int retry = strcmp(t->name, "ReserveInventory") == 0 ? asl_call_retry_count(call) : 0;

	out = t->fn(in, retry, &e);
	if (!out && strcmp(e.name, "InventoryBusy") == 0)
		retries++;
	if (out && strcmp(t->name, "RefundCharge") == 0)
		refunds++;
	if (out && strcmp(t->name, "ReleaseInventory") == 0)
		releases++;
	return out ? out : asl_call_fail(call, e.name, e.cause);
}

#define HANDLER(i) \
	static json_t *h##i(asl_call *c, json_t *in) { return run_task(c, in, &tasks[i]); }
HANDLER(0) HANDLER(1) HANDLER(2) HANDLER(3) HANDLER(4) HANDLER(5) HANDLER(6)

static ASL_HANDLER_TABLE(handlers,
	{ "Increment", h0 }, { "ValidateOrder", h1 }, { "ReserveInventory", h2 },
	{ "ChargePayment", h3 }, { "ShipOrder", h4 }, { "RefundCharge", h5 },
	{ "ReleaseInventory", h6 });

/* ---- inputs, as harness.cjs builds them ---- */

static json_t *
items(int k)
{
	json_t *a = json_array();
	char sku[32];
	int i;

	for (i = 0; i < k; i++) {
		snprintf(sku, sizeof sku, "SKU-%d", i % 97);
		json_array_append_new(a, json_pack("{s:i,s:s,s:i,s:f}", "id", i, "sku", sku, "qty",
						   i % 5 + 1, "price", i % 13 + 0.5));
	}
	return a;
}

static json_t *
data(void)
{
	return json_pack("{s:s,s:[sss],s:f,s:{s:i,s:[iii]}}", "customer", "c-42", "tags", "a",
			 "b", "c", "amount", 12.5, "nested", "x", 1, "y", 1, 2, 3);
}

static json_t *
order(int r, const char *scenario)
{
	json_t *o = json_object();
	char id[32];

	snprintf(id, sizeof id, "o-%d", r);
	json_object_set_new(o, "orderId", json_string(id));
	if (scenario)
		json_object_set_new(o, "scenario", json_string(scenario));
	json_object_update_new(o, json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},"
					    "s:[{s:s,s:i,s:f},{s:s,s:i,s:i},{s:s,s:i,s:f}],s:s}",
					    "customer", "id", "c-42", "name", "Ada", "tier", "gold",
					    "address", "street", "1 Main St", "city", "Springfield",
					    "zip", "12345",
					    "lines", "sku", "SKU-1", "qty", 2, "price", 9.5,
					    "sku", "SKU-2", "qty", 1, "price", 20,
					    "sku", "SKU-3", "qty", 5, "price", 1.25,
					    "card", "visa-4242"));
	return o;
}

static json_t *
intrinsics_src(void)
{
	return json_pack("{s:s,s:{s:i,s:{s:i}},s:{s:{s:i},s:i},s:[iiiiiiiiiiii],s:[iiiiii],"
			 "s:s,s:s,s:s}",
			 "text", "hello world from aslc",
			 "base", "a", 1, "b", "c", 2,
			 "patch", "b", "d", 3, "e", 4,
			 "list", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
			 "dups", 1, 1, 2, 3, 3, 4,
			 "csv", "a,b,c,d,e", "b64", "aGVsbG8gd29ybGQ=", "jsonText", "{\"k\":[1,2,3]}");
}

struct workload {
	const char *name;
	asl_program *prog;
	int runs;		/* executions */
	long states;		/* states entered, analytically */
	int expect_fail;
};

static json_t *
input(const char *w, int n, int r, int payload)
{
	if (strcmp(w, "trivial") == 0)
		return json_pack("{s:i}", "a", 1);
	if (strcmp(w, "loop") == 0 || strcmp(w, "loop-task") == 0)
		return json_pack("{s:{s:i},s:i,s:o}", "counter", "value", 0, "n", n, "data", data());
	if (strcmp(w, "loop-big") == 0)
		return json_pack("{s:{s:i},s:i,s:{s:s,s:o}}", "counter", "value", 0, "n", n, "data",
				 "customer", "c-42", "items", items(payload));
	if (strncmp(w, "map", 3) == 0)
		return json_pack("{s:s,s:o}", "batch", "b7", "items", items(n));
	if (strcmp(w, "parallel") == 0)
		return order(r, NULL);
	if (strcmp(w, "order-ok") == 0)
		return order(r, "ok");
	if (strcmp(w, "order-fail") == 0)
		return order(r, "shipFail");
	return json_pack("{s:i,s:i,s:o}", "i", 0, "n", n, "src", intrinsics_src());
}

static int
spec(const char *w, long n, struct workload *s)
{
	memset(s, 0, sizeof *s);
	s->name = w;
	s->runs = 1;
	if (strcmp(w, "trivial") == 0) {
		s->prog = &bench_trivial_program, s->runs = (int)n, s->states = n;
	} else if (strcmp(w, "loop") == 0 || strcmp(w, "loop-big") == 0) {
		s->prog = &bench_loop_program, s->states = 2 * n + 1;
	} else if (strcmp(w, "loop-task") == 0) {
		s->prog = &bench_loop_task_program, s->states = 2 * n + 1;
	} else if (strcmp(w, "map") == 0) {
		s->prog = &bench_map_program, s->states = n + 2;
	} else if (strcmp(w, "map-c8") == 0) {
		s->prog = &bench_map_c8_program, s->states = n + 2;
	} else if (strcmp(w, "parallel") == 0) {
		s->prog = &bench_parallel_program, s->runs = (int)n, s->states = 14 * n;
	} else if (strcmp(w, "order-ok") == 0) {
		s->prog = &bench_order_program, s->runs = (int)n, s->states = 6 * n;
	} else if (strcmp(w, "order-fail") == 0) {
		s->prog = &bench_order_program, s->runs = (int)n, s->states = 7 * n;
		s->expect_fail = 1;
	} else if (strcmp(w, "intrinsics") == 0) {
		s->prog = &bench_intrinsics_program, s->states = 2 * n + 1;
	} else {
		return -1;
	}
	return 0;
}

/* ---- output checks, as harness.cjs's validate() ---- */

static json_t *
at(json_t *v, const char *path)	/* "a.b" */
{
	char key[64];
	const char *dot;

	while (v && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
		v = json_object_get(v, key);
		path = dot + 1;
	}
	return v ? json_object_get(v, path) : NULL;
}

static int
streq(json_t *v, const char *s)
{
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

static int
matches(const char *s, const char *re)
{
	regex_t r;
	int ok;

	if (!s || regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return ok;
}

static const char *
validate(const char *w, long n, json_t *out)
{
	static char why[128];

	if (!json_is_object(out))
		return "no output object";
	if (strcmp(w, "trivial") == 0) {
		if (json_integer_value(at(out, "a")) != 1)
			return "a != 1";
	} else if (strncmp(w, "loop", 4) == 0) {
		if (json_integer_value(at(out, "counter.value")) != n)
			return "counter.value != n";
		if (!streq(at(out, "data.customer"), "c-42"))
			return "data lost";
	} else if (strncmp(w, "map", 3) == 0) {
		json_t *res = at(out, "results"), *last;

		if (!json_is_array(res) || (long)json_array_size(res) != n)
			return "results length";
		last = json_array_get(res, (size_t)n - 1);
		snprintf(why, sizeof why, "b7-SKU-%ld-%ld", (n - 1) % 97, n - 1);
		if (!streq(json_object_get(last, "label"), why))
			return "label";
	} else if (strcmp(w, "parallel") == 0) {
		json_t *b = at(out, "branches"), *b3 = json_array_get(b, 3);

		if (!json_is_array(b) || json_array_size(b) != 4)
			return "branches";
		if (json_integer_value(at(b3, "weight")) != 40 ||
		    !json_is_true(at(b3, "status.ok")))
			return "branch output";
	} else if (strcmp(w, "order-ok") == 0) {
		if (!matches(json_string_value(at(out, "notification.message")),
			     "^Order o-[0-9]+ shipped with tracking 1Z-o-"))
			return "notification";
	} else if (strcmp(w, "intrinsics") == 0) {
		if (json_integer_value(at(out, "i")) != n ||
		    !matches(json_string_value(at(out, "hash")), "^[0-9a-f]{64}$") ||
		    !streq(at(out, "b64"), "aGVsbG8gd29ybGQgZnJvbSBhc2xj"))
			return "intrinsic results";
	}
	return NULL;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
usage(void)
{
	fprintf(stderr, "usage: harness WORKLOAD SIZE [--tasks c|program] [--task-program PATH]\n"
			"               [--max-threads N] [--payload ITEMS] [--history FILE] [--text]\n"
			"               [--floor]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *w, *program = "bench-task", *check = "ok";
	char *bind[8];
	json_t *in, *out = NULL;
	struct workload s;
	asl_options opt;
	asl_result res;
	struct rusage ru;
	double t0, exec_ms = 0, t_start = now_ms();
	int i, failed = 0, ok, programs = 0, payload = 1000, hand = 0;
	struct floor_counts counts = { 0, 0, 0 };
	long n;

	if (argc < 3 || spec(argv[1], n = atol(argv[2]), &s) != 0 || n < 1)
		return usage();
	w = argv[1];
	memset(&opt, 0, sizeof opt);
	opt.max_events = -1;
	opt.payload_limit = -1;
	opt.virtual_clock = 1;
	opt.handlers = handlers;
	/* As the peers give it: the output as a value, sharing the input. */
	opt.no_output_text = 1;
	opt.share_input = 1;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--tasks") == 0 && i + 1 < argc)
			programs = strcmp(argv[++i], "program") == 0;
		else if (strcmp(argv[i], "--task-program") == 0 && i + 1 < argc)
			program = argv[++i];
		else if (strcmp(argv[i], "--max-threads") == 0 && i + 1 < argc)
			opt.max_threads = atoi(argv[++i]);
		else if (strcmp(argv[i], "--payload") == 0 && i + 1 < argc)
			payload = atoi(argv[++i]);
		else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
			opt.history = argv[++i];
		else if (strcmp(argv[i], "--text") == 0)
			opt.no_output_text = opt.share_input = 0;
		else if (strcmp(argv[i], "--floor") == 0 && (strncmp(w, "map", 3) == 0 ||
							      strncmp(w, "order", 5) == 0))
			hand = 1;
		else
			return usage();
	}
	if (hand && (programs || opt.history))
		return usage();	/* the floor has no tasks to bind, no history */
	if (programs) {
		for (i = 0; tasks[i].name; i++) {
			size_t len = strlen(tasks[i].name) * 2 + strlen(program) + 3;

			bind[i] = malloc(len);
			snprintf(bind[i], len, "%s=%s %s", tasks[i].name, program, tasks[i].name);
		}
		bind[i] = NULL;
		opt.bind = (const char *const *)bind;
		opt.handlers = NULL;
	}

	/*
	** Each input is built just before its execution and released after
	** it, outside the time taken: 10,000 order documents held at once
	** would take 50 MB of jansson objects and hide what the runtime uses.
	*/
	for (i = 0; i < s.runs; i++) {
		in = input(w, (int)n, i, payload);
		if (hand) {	/* no engine: the work by hand */
			json_t *v;

			t0 = now_ms();
			v = s.prog == &bench_order_program ? floor_order(in, &counts) : floor_map(in);
			exec_ms += now_ms() - t0;
			memset(&res, 0, sizeof res);
			res.status = v ? ASL_EXEC_SUCCEEDED : ASL_EXEC_FAILED;
			res.value = v;
		} else {
			t0 = now_ms();
			asl_execute_value(s.prog, in, &opt, &res);
			exec_ms += now_ms() - t0;
		}
		json_decref(in);
		if (res.status == ASL_EXEC_REFUSED) {
			fprintf(stderr, "harness: %s\n", res.message ? res.message : "refused");
			return 2;
		}
		if (res.status != ASL_EXEC_SUCCEEDED)
			failed++;
		if (i == s.runs - 1 && res.status == ASL_EXEC_SUCCEEDED)
			out = json_incref(res.value);
		asl_result_free(&res);
	}

	retries += counts.retries;
	refunds += counts.refunds;
	releases += counts.releases;
	ok = s.expect_fail ? failed == s.runs : failed == 0;
	if (!ok)
		check = "unexpected failures";
	else if (!s.expect_fail && (check = validate(w, n, out)) != NULL)
		ok = 0;
	else if (s.expect_fail && !programs && (refunds != s.runs || releases != s.runs))
		ok = 0, check = "compensation did not run";
	if (ok)
		check = "ok";
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"peer\":\"aslc%s\",\"workload\":\"%s\",\"size\":%ld,\"runs\":%d,\"ok\":%s,"
	       "\"check\":\"%s\",\"states\":%ld,\"exec_ms\":%.3f,\"states_per_s\":%.0f,"
	       "\"total_in_process_ms\":%.2f,\"max_rss_kb\":%ld,\"task_retries\":%d,"
	       "\"threads\":%d,\"payload\":%d,\"text\":%s}\n",
	       programs ? "-program" : hand ? "-floor" : "", w, n, s.runs, ok ? "true" : "false", check, s.states,
	       exec_ms, s.states / (exec_ms / 1e3), now_ms() - t_start, ru.ru_maxrss,
	       retries, opt.max_threads ? opt.max_threads : 40,
	       strcmp(w, "loop-big") == 0 ? payload : 0, opt.no_output_text ? "false" : "true");
	json_decref(out);
	if (programs)
		for (i = 0; tasks[i].name; i++)
			free(bind[i]);
	return ok ? 0 : 3;
}
