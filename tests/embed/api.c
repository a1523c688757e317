/*
** api.c - asl_execute, as a program that embeds workflows calls it: the
** options (handlers and their data, bindings, history, names, clock,
** max events), the results (output, error, cause, state, message), and
** several executions at once from threads of the host. Built by
** tests/cli.sh against the build tree with two workflows compiled by
** aslc -c: tests/embed/greet.asl.json (prefix greet) and
** examples/order/order.asl.json (prefix order, its handlers.c in it).
**
**	api TMPDIR ORDER-INPUT MOCK-CONFIG	exit 0 when every check passed
*/
#include "greet.h"
#include "order.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "api.c:%d: failed: %s\n", __LINE__, #cond); \
		failures++; \
	} \
} while (0)

static int calls;

static json_t *
shout(asl_call *call, json_t *input)
{
	const char *suffix = asl_call_data(call);
	const char *name = json_string_value(json_object_get(input, "name"));

	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (!name)
		return asl_call_fail(call, "Greet.NoName", "who?");
	return json_pack("{s:s++}", "text", "Hello, ", name, suffix ? suffix : "");
}

static ASL_HANDLER_TABLE(greeters, { "shout", shout });

/* The names of run_many's executions, by thread: each must be its own. */
static char names[4][50][64];

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *
run_many(void *arg)
{
	asl_options opt;
	asl_result res;
	char input[64];
	int i, ok = 1;

	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	opt.data = "!";
	for (i = 0; i < 50; i++) {
		snprintf(input, sizeof input, "{\"name\": \"t%d-%d\"}", *(int *)arg, i);
		if (greet_run(input, &opt, &res) != ASL_EXEC_SUCCEEDED || !strstr(res.output, "-"))
			ok = 0;
		snprintf(names[*(int *)arg][i], sizeof names[0][0], "%s", res.name ? res.name : "");
		asl_result_free(&res);
	}
	return ok ? arg : NULL;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	asl_options opt;
	asl_result res;
	const char *binds[3];
	char history[4096], *text;
	json_t *v;
	pthread_t th[4];
	int ids[4], i;

	if (argc < 4)
		return 2;
	memset(&opt, 0, sizeof opt);

	/* Handlers from the host, with their data. */
	opt.handlers = greeters;
	opt.data = "!";
	opt.name = "first";
	CHECK(greet_run("{\"name\": \"Ada\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.status == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strcmp(res.output, "{\"name\":\"Ada\",\"greeting\":{\"text\":\"Hello, Ada!\"},\"tag\":{\"by\":\"aslc\"}}") == 0);
	CHECK(json_is_object(res.value));
	/* The value is the host's: changing it changes no later execution. */
	json_object_set_new(json_object_get(res.value, "tag"), "by", json_string("host"));
	CHECK(res.name && strcmp(res.name, "first") == 0);
	CHECK(!res.error && !res.cause && !res.message);
	asl_result_free(&res);
	asl_result_free(&res);	/* twice is allowed */

	opt.name = NULL;
	CHECK(greet_run("\xef\xbb\xbf {\"name\": \"Ada\"}\n", &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strstr(res.output, "\"tag\":{\"by\":\"aslc\"}"));
	asl_result_free(&res);

	/* Options the command line would refuse. */
	opt.name = "";
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "non-empty UTF-8"));
	asl_result_free(&res);
	opt.name = NULL;

	/* A handler's error, caught by nothing: FAILED, with the state. */
	CHECK(greet_run("{}", &opt, &res) == ASL_EXEC_FAILED);
	CHECK(res.error && strcmp(res.error, "Greet.NoName") == 0);
	CHECK(res.cause && strcmp(res.cause, "who?") == 0);
	CHECK(res.state && strcmp(res.state, "Shout") == 0);
	CHECK(!res.output && !res.value);
	asl_result_free(&res);

	/* No handler and no binding: refused, and why. */
	CHECK(greet_run("{\"name\": \"x\"}", NULL, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "\"Shout\"") &&
	      strstr(res.message, "have nothing to run"));
	asl_result_free(&res);

	/* Input that is not JSON, and input over the service's limit. */
	CHECK(greet_run("{\"name\": ", &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "the input is not JSON"));
	asl_result_free(&res);
	text = malloc(300000);
	memset(text, ' ', 300000);
	text[0] = '"';
	text[299998] = '"';
	text[299999] = '\0';
	CHECK(greet_run(text, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "more than the service's limit"));
	asl_result_free(&res);
	/* payload_limit lifts it (-1) or moves it, for the input and outputs. */
	memcpy(text, "{\"name\":\"", 9);
	memset(text + 9, 'n', 299988 - 9);
	memcpy(text + 299988, "\"}", 3);
	opt.payload_limit = -1;
	CHECK(greet_run(text, &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strlen(res.output) > 299988);
	asl_result_free(&res);
	v = json_pack("{s:s}", "name", "0123456789");
	opt.payload_limit = 10;
	CHECK(asl_execute_value(&greet_program, v, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "more than the payload limit of 10 bytes"));
	asl_result_free(&res);
	opt.payload_limit = 30;
	CHECK(asl_execute_value(&greet_program, v, &opt, &res) == ASL_EXEC_FAILED);
	CHECK(res.error && strcmp(res.error, "States.DataLimitExceeded") == 0);
	asl_result_free(&res);
	json_decref(v);
	opt.payload_limit = 0;
	free(text);

	/* A binding to a program, as --bind; a bad one is refused. */
	memset(&opt, 0, sizeof opt);
	binds[0] = "shout=echo '{\"text\": \"from a program\"}'";
	binds[1] = NULL;
	opt.bind = binds;
	CHECK(greet_run("{\"name\": \"B\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strstr(res.output, "from a program"));
	asl_result_free(&res);
	binds[0] = "no-equals-sign";
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "NAME=COMMAND"));
	asl_result_free(&res);
	/* A program that does not read its input and exits: no SIGPIPE kills us. */
	binds[0] = "shout=exec 0<&-; echo '{\"text\": \"closed\"}'";
	text = malloc(200000);
	memset(text, 'a', 200000);
	memcpy(text, "{\"name\": \"", 10);
	memcpy(text + 199998, "\"}", 2);
	text[199999] = '\0';
	text[199998] = '"';
	text[199999] = '}';
	text = realloc(text, 200001);
	text[200000] = '\0';
	CHECK(greet_run(text, &opt, &res) == ASL_EXEC_SUCCEEDED);
	asl_result_free(&res);
	free(text);

	/* A host that lets the kernel reap its children cannot run programs. */
	binds[0] = "shout=exit 3";
	signal(SIGCHLD, SIG_IGN);
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "SIGCHLD is ignored"));
	asl_result_free(&res);
	signal(SIGCHLD, SIG_DFL);
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_FAILED);
	CHECK(res.error && strcmp(res.error, "Runtime.ExitError") == 0);
	asl_result_free(&res);

	/* A bindings file, and a mock configuration with its test case. */
	memset(&opt, 0, sizeof opt);
	snprintf(history, sizeof history, "%s/bindings.json", argv[1]);
	{
		FILE *f = fopen(history, "w");

		CHECK(f != NULL);
		if (f) {
			fputs("{\"shout\": \"echo '{\\\"text\\\": \\\"from a file\\\"}'\"}", f);
			fclose(f);
		}
	}
	opt.bindings = history;
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strstr(res.output, "from a file"));
	asl_result_free(&res);
	opt.bindings = "/nonexistent/bindings.json";
	CHECK(greet_run(NULL, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "/nonexistent/bindings.json"));
	asl_result_free(&res);
	memset(&opt, 0, sizeof opt);
	opt.mock_config = argv[3];
	CHECK(order_run(NULL, &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "mock_config needs test_case"));
	asl_result_free(&res);
	opt.test_case = "PaymentDeclined";
	opt.virtual_clock = 1;
	{
		json_error_t err;
		json_t *in = json_load_file(argv[2], 0, &err);

		/* The mocked payment is declined: the saga compensates, then fails. */
		CHECK(asl_execute_value(&order_program, in, &opt, &res) == ASL_EXEC_FAILED);
		CHECK(res.error && strcmp(res.error, "OrderFailed") == 0);
		asl_result_free(&res);
		opt.test_case = "NoSuchCase";
		CHECK(asl_execute_value(&order_program, in, &opt, &res) == ASL_EXEC_REFUSED);
		CHECK(res.message && strstr(res.message, "no test case \"NoSuchCase\""));
		asl_result_free(&res);
		json_decref(in);
	}

	/* The history, with a virtual clock and a seed. */
	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	snprintf(history, sizeof history, "%s/history.jsonl", argv[1]);
	opt.history = history;
	opt.virtual_clock = 1;
	opt.seeded = 1;
	opt.seed = 7;
	CHECK(greet_run("{\"name\": \"H\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
	text = slurp(history);
	CHECK(text && strstr(text, "\"ExecutionStarted\"") && strstr(text, "\"ExecutionSucceeded\""));
	CHECK(res.name && strlen(res.name) == 36);	/* a UUID */
	asl_result_free(&res);
	opt.history = "/nonexistent-dir/h.jsonl";
	CHECK(greet_run("{\"name\": \"H\"}", &opt, &res) == ASL_EXEC_REFUSED);
	CHECK(res.message && strstr(res.message, "cannot write the history"));
	asl_result_free(&res);

	/* max_events: the execution fails as the service's would. */
	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	opt.max_events = 1;
	CHECK(greet_run("{\"name\": \"E\"}", &opt, &res) == ASL_EXEC_FAILED);
	CHECK(res.error && strcmp(res.error, "States.Runtime") == 0);
	asl_result_free(&res);

	/* The input as a value, and the order saga with its compiled-in handlers. */
	memset(&opt, 0, sizeof opt);
	opt.virtual_clock = 1;
	{
		json_error_t err;
		json_t *in = json_load_file(argv[2], 0, &err);

		CHECK(in != NULL);
		CHECK(asl_execute_value(&order_program, in, &opt, &res) == ASL_EXEC_SUCCEEDED);
		CHECK(res.output && strstr(res.output, "\"orderId\":\"o-1001\""));
		asl_result_free(&res);
		json_decref(in);
	}

	/*
	** The input is shared with the execution, not copied, but the
	** result's value is the host's alone: what it took from the input
	** is a copy, so changing one leaves the other as it was.
	*/
	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	{
		json_t *in = json_pack("{s:s,s:{s:i}}", "name", "Ada", "meta", "k", 1), *meta;

		CHECK(asl_execute_value(&greet_program, in, &opt, &res) == ASL_EXEC_SUCCEEDED);
		CHECK(in->refcount == 1);
		meta = json_object_get(res.value, "meta");
		CHECK(meta && meta != json_object_get(in, "meta") && meta->refcount == 1);
		json_object_set_new(meta, "k", json_integer(2));
		CHECK(json_integer_value(json_object_get(json_object_get(in, "meta"), "k")) == 1);
		json_object_set_new(in, "name", json_string("Bea"));
		CHECK(strcmp(json_string_value(json_object_get(res.value, "name")), "Ada") == 0);
		CHECK(json_is_object(json_object_get(res.value, "greeting")) &&
		      json_object_get(res.value, "greeting")->refcount == 1);
		asl_result_free(&res);
		json_decref(in);
	}

	/*
	** For hosts that want speed: no output text, and a value that
	** shares what it took from the input. The program's constants are
	** still copied: the host may change its value without changing
	** what the next execution sees.
	*/
	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	opt.no_output_text = 1;
	opt.share_input = 1;
	{
		json_t *in = json_pack("{s:s,s:{s:i}}", "name", "Ada", "meta", "k", 1), *tag;

		CHECK(asl_execute_value(&greet_program, in, &opt, &res) == ASL_EXEC_SUCCEEDED);
		CHECK(res.output == NULL && json_is_object(res.value));
		CHECK(json_object_get(res.value, "meta") == json_object_get(in, "meta"));
		tag = json_object_get(res.value, "tag");
		CHECK(tag && tag->refcount == 1 && json_object_size(tag) == 1);
		json_object_set_new(tag, "by", json_string("the host"));
		asl_result_free(&res);
		CHECK(asl_execute_value(&greet_program, in, &opt, &res) == ASL_EXEC_SUCCEEDED);
		tag = json_object_get(res.value, "tag");
		CHECK(strcmp(json_string_value(json_object_get(tag, "by")), "aslc") == 0);
		asl_result_free(&res);
		/* The text input has no value of the host's to share. */
		CHECK(greet_run("{\"name\": \"Bo\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
		CHECK(res.output == NULL && json_object_get(res.value, "greeting"));
		asl_result_free(&res);
		json_decref(in);
	}
	/* The default copies a constant too. */
	memset(&opt, 0, sizeof opt);
	opt.handlers = greeters;
	CHECK(greet_run("{\"name\": \"Cy\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && json_object_get(res.value, "tag")->refcount == 1);
	json_object_set_new(json_object_get(res.value, "tag"), "by", json_string("the host"));
	asl_result_free(&res);
	CHECK(greet_run("{\"name\": \"Cy\"}", &opt, &res) == ASL_EXEC_SUCCEEDED);
	CHECK(res.output && strstr(res.output, "\"tag\":{\"by\":\"aslc\"}"));
	asl_result_free(&res);

	/* A value nested deeper than the service allows is refused at once. */
	{
		json_t *deep = json_object(), *v = deep;

		for (i = 0; i < 3000; i++) {
			json_t *inner = json_object();

			json_object_set_new(v, "a", inner);
			v = inner;
		}
		CHECK(asl_execute_value(&greet_program, deep, &opt, &res) == ASL_EXEC_REFUSED);
		CHECK(res.message && strstr(res.message, "nested more than 2048 levels"));
		asl_result_free(&res);
		json_decref(deep);
	}

	/* Executions at once, from threads of the host. */
	calls = 0;
	for (i = 0; i < 4; i++) {
		ids[i] = i;
		CHECK(pthread_create(&th[i], NULL, run_many, &ids[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		void *r;

		pthread_join(th[i], &r);
		CHECK(r == &ids[i]);
	}
	CHECK(calls == 200);
	/* Unnamed executions get UUIDs, all different, from any thread. */
	{
		char *all[200];
		int k;

		for (k = 0; k < 200; k++)
			all[k] = names[k / 50][k % 50];
		qsort(all, 200, sizeof all[0], by_name);
		for (k = 0; k < 200; k++) {
			CHECK(strlen(all[k]) == 36 && all[k][14] == '4');
			CHECK(k == 0 || strcmp(all[k - 1], all[k]) != 0);
		}
	}

	asl_program_fini(&greet_program);
	asl_program_fini(&order_program);
	if (failures)
		fprintf(stderr, "%d checks failed\n", failures);
	return failures != 0;
}
