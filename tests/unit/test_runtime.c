/*
** test_runtime.c - unit tests of libaslrt: timestamps, number and string
** printing, JSONPath evaluation and its messages, copies whole or none
** when memory runs out, ResultPath copy on write, Choice comparisons,
** Retry back-off and Catch matching.
*/
#include "aslrt_int.h"

#include <stdlib.h>

#include "failalloc.h"
#include "test.h"

static json_t *kvals[4];
static const char *const consts[] = { "0", "\"a\"", "[1,2]", "null" };
static asl_program prog = {
	.abi = ASLRT_ABI, .source = "test", .name = "test",
	.consts = consts, .nconst = 4, .kvals = kvals,
};

/* The one execution the tests run in; freed by free_exec at the end. */
static struct aslp_run test_run;
static struct aslp_exec test_exec;

static void
init_ctx(asl_ctx *ctx)
{
	static const asl_state_info st = { "S", ASL_STATE_PASS, 0, 0 };

	if (!test_exec.name) {
		test_run.prog = &prog;
		pthread_mutex_init(&test_run.lock, NULL);
		test_run.payload_limit = ASLP_PAYLOAD_LIMIT;
		test_exec.run = &test_run;
		test_exec.name = strdup("exec");
		test_exec.arn = strdup("arn:aws:states:us-east-1:123456789012:execution:test:exec");
		test_exec.sm_name = strdup("test");
		test_exec.sm_arn = strdup("arn:aws:states:us-east-1:123456789012:stateMachine:test");
		test_exec.role_arn = strdup("arn:aws:iam::123456789012:role/r");
		test_exec.input = json_object();
		if (!aslp_exec_context(&test_exec))
			abort();
	}
	test_run.virtual_clock = false;
	memset(ctx, 0, sizeof *ctx);
	ctx->run = &test_run;
	ctx->exec = &test_exec;
	ctx->state = &st;
	ctx->entered_event = 2;
}

static void
free_exec(void)
{
	aslp_exec_free(&test_exec);
	aslp_run_free(&test_run);
}

static json_t *
J(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (!v) {
		fprintf(stderr, "bad test JSON %s: %s\n", text, err.text);
		exit(2);
	}
	return v;
}

/* The compact text of v, for comparisons; frees v. */
static char text_buf[4096];
static const char *
T(json_t *v)
{
	char *s;

	if (!v)
		return "(none)";
	s = asl_dumps(v);
	snprintf(text_buf, sizeof text_buf, "%s", s);
	free(s);
	json_decref(v);
	return text_buf;
}

static void
test_timestamps(void)
{
	asl_time t;

	CHECK_INT(0, asl_parse_time("2016-03-14T01:59:00Z", 20, &t));
	CHECK_INT(1457920740, t.sec);
	CHECK_INT(0, t.nsec);
	CHECK_INT(0, asl_parse_time("2016-03-14T01:59:00.243167252Z", 30, &t));
	CHECK_INT(243167252, t.nsec);
	CHECK_INT(0, asl_parse_time("2016-03-14T02:59:00+01:00", 25, &t));
	CHECK_INT(1457920740, t.sec);
	CHECK_INT(0, asl_parse_time("2016-03-13T23:59:00-02:00", 25, &t));
	CHECK_INT(1457920740, t.sec);
	CHECK_INT(0, asl_parse_time("2016-03-14t01:59z", 17, &t));	/* seconds optional */
	CHECK_INT(1457920740, t.sec);
	CHECK_INT(0, asl_parse_time("2016-03-14T01:59:00.5+0100", 26, &t));
	CHECK_INT(1457917140, t.sec);
	CHECK_INT(500000000, t.nsec);
	CHECK_INT(0, asl_parse_time("1969-12-31T23:59:59Z", 20, &t));
	CHECK_INT(-1, t.sec);
	CHECK_INT(0, asl_parse_time("2016-02-29T00:00:00Z", 20, &t));
#define BAD(s) CHECK_INT(-1, asl_parse_time(s, strlen(s), &t))
	BAD("2012-10-09T19:00:55");		/* no zone */
	BAD("2016-12-05 21:29:29Z");		/* space */
	BAD("05-12-2016T21:29:29Z");
	BAD("2016-13-05T21:29:29Z");
	BAD("2016-12-05T25:29:29Z");
	BAD("2015-02-29T00:00:00Z");		/* not a leap year */
	BAD("2016-12-05T21:29:60Z");		/* no leap seconds */
	BAD("2016-12-05T21:29:29.1234567890Z");	/* ten digits */
	BAD("2016-12-05T21:29:29.Z");
	BAD("2023-02-24");
	BAD("");
	BAD("2016-12-05T21:29:29Zx");
#undef BAD
}

static void
test_format(void)
{
	char buf[64];

	aslp_format_double(buf, sizeof buf, 2.22);
	CHECK_STR("2.22", buf);
	aslp_format_double(buf, sizeof buf, 1.0);
	CHECK_STR("1.0", buf);
	aslp_format_double(buf, sizeof buf, 0.1 + 0.2);
	CHECK_STR("0.30000000000000004", buf);
	aslp_format_double(buf, sizeof buf, 1e21);
	CHECK_STR("1.0E21", buf);
	aslp_format_double(buf, sizeof buf, 100.0);
	CHECK_STR("100.0", buf);
	aslp_format_double(buf, sizeof buf, 1e7);
	CHECK_STR("1.0E7", buf);
	aslp_format_double(buf, sizeof buf, 9999999.5);
	CHECK_STR("9999999.5", buf);
	aslp_format_double(buf, sizeof buf, 0.001);
	CHECK_STR("0.001", buf);
	aslp_format_double(buf, sizeof buf, 0.00025);
	CHECK_STR("2.5E-4", buf);
	aslp_format_double(buf, sizeof buf, -123.456e5);
	CHECK_STR("-1.23456E7", buf);
	/* The quick digits, from 10^-3 to 10^7 with at most nine decimals... */
	aslp_format_double(buf, sizeof buf, 45.25);
	CHECK_STR("45.25", buf);
	aslp_format_double(buf, sizeof buf, -2.5);
	CHECK_STR("-2.5", buf);
	aslp_format_double(buf, sizeof buf, 1200.0);
	CHECK_STR("1200.0", buf);
	aslp_format_double(buf, sizeof buf, 0.3);
	CHECK_STR("0.3", buf);
	aslp_format_double(buf, sizeof buf, -0.001);
	CHECK_STR("-0.001", buf);
	aslp_format_double(buf, sizeof buf, 0.001234567);
	CHECK_STR("0.001234567", buf);
	/* ...and the search where two sixteen-digit decimals read back: the nearest. */
	aslp_format_double(buf, sizeof buf, 8893687.240264233);
	CHECK_STR("8893687.240264233", buf);
	aslp_format_double(buf, sizeof buf, 0.1234567891);
	CHECK_STR("0.1234567891", buf);
	aslp_format_double(buf, sizeof buf, -0.0);
	CHECK_STR("-0.0", buf);
	{
		/* Thousandths below 10,000 (every seventh) read back as themselves. */
		int k, bad = 0;

		for (k = 0; k < 10000000; k += 7) {
			double d = k / 1000.0;

			aslp_format_double(buf, sizeof buf, d);
			bad += strtod(buf, NULL) != d;
		}
		CHECK(bad == 0);
	}
	aslp_format_time(buf, sizeof buf, INT64_C(1457920740) * 1000000000);
	CHECK_STR("2016-03-14T01:59:00.000Z", buf);
	aslp_format_time(buf, sizeof buf, INT64_C(1457920740123456789));
	CHECK_STR("2016-03-14T01:59:00.123Z", buf);
}

static void
test_dumps(void)
{
	json_t *v = J("{\"a\":[1,2.5,true,null],\"q\":\"x\\\"\\\\\\n\\u0001\\u00e9/\"}");
	char *s = asl_dumps(v);

	CHECK_STR("{\"a\":[1,2.5,true,null],\"q\":\"x\\\"\\\\\\n\\u0001\303\251/\"}", s);
	CHECK_INT(strlen(s), asl_dump_size(v));
	free(s);
	json_decref(v);
}

static void
test_equal(void)
{
	json_t *a = J("{\"x\":[1,{\"y\":2.0}]}"), *b = J("{\"x\":[1.0,{\"y\":2}]}");
	json_t *c = J("{\"x\":[1,{\"y\":3}]}"), *t = J("true"), *one = J("1");

	CHECK(aslp_json_equal(a, b));
	CHECK(!aslp_json_equal(a, c));
	CHECK(!aslp_json_equal(t, one));
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(t);
	json_decref(one);
}

/* ---- paths ---- */

static const asl_seg seg_a[] = { { .kind = ASL_SEG_KEY, .key = "a" } };
static const asl_seg seg_a_b[] = {
	{ .kind = ASL_SEG_KEY, .key = "a" }, { .kind = ASL_SEG_KEY, .key = "b" }
};
static const asl_seg seg_items_0[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_INDEX, .a = 0 }
};
static const asl_seg seg_items_5[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_INDEX, .a = 5 }
};
static const asl_seg seg_items_neg[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_INDEX, .a = -1 }
};
static const asl_seg seg_items_last[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_INDEX, .a = -1, .b = 1 }
};
static const asl_seg seg_items_all_x[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_WILDCARD },
	{ .kind = ASL_SEG_KEY, .key = "x" }
};
static const asl_seg seg_items_slice[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" },
	{ .kind = ASL_SEG_SLICE, .a = -2, .b = ASL_SLICE_NONE }
};
static const asl_seg seg_scan_x[] = {
	{ .kind = ASL_SEG_SCAN }, { .kind = ASL_SEG_KEY, .key = "x" }
};
static const char *const keys_ab[] = { "a", "b" };
static const asl_seg seg_keys[] = { { .kind = ASL_SEG_KEYS, .keys = keys_ab, .n = 2 } };
static const asl_seg seg_len[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_LENGTH }
};
static const asl_seg seg_at_x[] = { { .kind = ASL_SEG_KEY, .key = "x" } };
static const asl_path at_x = { "@.x", ASL_ROOT_CURRENT, 1, seg_at_x, 1, NULL };
static const asl_filter f_x_gt_1 = { ASL_F_CMP, ASL_FOP_GT, NULL, NULL,
				     { .path = &at_x }, { .konst = 0 } };
static const asl_seg seg_filter[] = {
	{ .kind = ASL_SEG_KEY, .key = "items" }, { .kind = ASL_SEG_FILTER, .filter = &f_x_gt_1 }
};

#define PATH(text, segs, definite) \
	{ text, ASL_ROOT_INPUT, definite, segs, (int)(sizeof segs / sizeof segs[0]), NULL }

static const char *
eval(asl_ctx *ctx, const asl_path *p, const char *doc, char **why)
{
	json_t *d = J(doc);
	json_t *v = asl_path_eval(ctx, p, d, why);

	json_decref(d);
	return T(v);
}

/* A copy is whole or none, however many allocations succeed first. */
static void
test_copy(void)
{
	json_t *o = J("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9}");
	json_t *a = J("[1,2,3,4,5,6,7,8,9]");
	long k;
	int whole = 0, none = 0;

	json_set_alloc_funcs(failalloc_malloc, free);
	for (k = 1; k <= 40; k++) {
		json_t *c, *d;

		failalloc_arm(k);
		c = aslp_json_copy(o);
		failalloc_arm(k);
		d = aslp_json_copy(a);
		failalloc_arm(0);
		CHECK(!c || json_equal(c, o));
		CHECK(!d || json_equal(d, a));
		whole += c && d;
		none += !c || !d;
		json_decref(c);
		json_decref(d);
	}
	json_set_alloc_funcs(malloc, free);
	CHECK(whole > 0 && none > 0);	/* both ends were reached */
	json_decref(o);
	json_decref(a);
}

static void
test_paths(void)
{
	static const asl_path root = { "$", ASL_ROOT_INPUT, 1, NULL, 0, NULL };
	static const asl_path a = PATH("$.a", seg_a, 1);
	static const asl_path a_b = PATH("$.a.b", seg_a_b, 1);
	static const asl_path items_0 = PATH("$.items[0]", seg_items_0, 1);
	static const asl_path items_5 = PATH("$.items[5]", seg_items_5, 1);
	static const asl_path items_neg = PATH("$.items[-1]", seg_items_neg, 1);
	static const asl_path items_last = PATH("$.items[(@.length-1)]", seg_items_last, 1);
	static const asl_path items_all_x = PATH("$.items[*].x", seg_items_all_x, 0);
	static const asl_path items_slice = PATH("$.items[-2:]", seg_items_slice, 0);
	static const asl_path scan_x = PATH("$..x", seg_scan_x, 0);
	static const asl_path keys = PATH("$['a','b']", seg_keys, 1);
	static const asl_path len = PATH("$.items.length()", seg_len, 1);
	static const asl_path filter = PATH("$.items[?(@.x > 0)]", seg_filter, 0);
	asl_ctx ctx;
	char *why = NULL;
	const char *items = "{\"items\":[{\"x\":1},{\"y\":2},{\"x\":3}]}";

	init_ctx(&ctx);
	asl_program_init(&prog);
	CHECK_STR("{\"a\":1}", eval(&ctx, &root, "{\"a\":1}", NULL));
	CHECK_STR("1", eval(&ctx, &a, "{\"a\":1}", NULL));
	CHECK_STR("{\"x\":1}", eval(&ctx, &items_0, items, NULL));
	CHECK_STR("{\"x\":3}", eval(&ctx, &items_last, items, NULL));
	CHECK_STR("[1,3]", eval(&ctx, &items_all_x, items, NULL));
	CHECK_STR("[{\"y\":2},{\"x\":3}]", eval(&ctx, &items_slice, items, NULL));
	CHECK_STR("[1,3]", eval(&ctx, &scan_x, items, NULL));
	CHECK_STR("[{\"x\":1},{\"x\":3}]", eval(&ctx, &filter, items, NULL));
	CHECK_STR("3", eval(&ctx, &len, items, NULL));
	CHECK_STR("{\"a\":1}", eval(&ctx, &keys, "{\"a\":1,\"c\":2}", NULL));
	/* Indefinite paths never fail: nothing matched is []. */
	CHECK_STR("[]", eval(&ctx, &items_all_x, "{}", NULL));
	CHECK_STR("[]", eval(&ctx, &items_slice, "{}", NULL));

	/* Definite paths fail with Jayway's words. */
	CHECK_STR("(none)", eval(&ctx, &a, "{}", &why));
	CHECK_STR("No results for path: $['a']", why);
	free(why);
	CHECK_STR("(none)", eval(&ctx, &a_b, "{}", &why));
	CHECK_STR("Missing property in path $['a']", why);
	free(why);
	CHECK_STR("(none)", eval(&ctx, &a_b, "{\"a\":{}}", &why));
	CHECK_STR("No results for path: $['a']['b']", why);
	free(why);
	CHECK_STR("(none)", eval(&ctx, &a_b, "{\"a\":\"s\"}", &why));
	CHECK(why && strncmp(why, "Expected to find an object with property ['b'] in path $['a'] but found", 71) == 0);
	free(why);
	CHECK_STR("(none)", eval(&ctx, &items_5, items, &why));
	CHECK_STR("Index out of bounds when evaluating path $['items'][5]", why);
	free(why);
	/* The service's Jayway has no negative indexes. */
	CHECK_STR("(none)", eval(&ctx, &items_neg, items, &why));
	free(why);
	asl_program_fini(&prog);
	aslp_ctx_free(&ctx);
}

/* ResultPath copies every shared container it modifies, and nothing else. */
static void
test_result_path(void)
{
	static const asl_path a_b = PATH("$.a.b", seg_a_b, 1);
	static const asl_path a = PATH("$.a", seg_a, 1);
	asl_ctx ctx;
	json_t *in = J("{\"a\":{\"b\":1,\"c\":[1]},\"d\":{}}");
	json_t *shared = json_incref(in);	/* e.g. $$.Execution.Input */
	json_t *c = json_incref(json_object_get(json_object_get(in, "a"), "c"));
	json_t *v = J("2");

	init_ctx(&ctx);
	in = asl_result_path(&ctx, &a_b, in, v);
	CHECK(in != NULL);
	CHECK(in != shared);
	CHECK_STR("{\"a\":{\"b\":1,\"c\":[1]},\"d\":{}}", T(json_incref(shared)));
	CHECK_STR("{\"a\":{\"b\":2,\"c\":[1]},\"d\":{}}", T(json_incref(in)));
	/* Untouched subtrees are still shared, not copied. */
	CHECK(json_object_get(json_object_get(in, "a"), "c") == c);
	CHECK(json_object_get(in, "d") == json_object_get(shared, "d"));

	/* Missing objects are created; a non-object input is a conflict. */
	json_decref(in);
	in = asl_result_path(&ctx, &a_b, J("{}"), J("true"));
	CHECK_STR("{\"a\":{\"b\":true}}", T(in));
	CHECK(asl_result_path(&ctx, &a, J("\"foo\""), J("1")) == NULL);
	CHECK_STR("States.ReferencePathConflict", ctx.error);
	CHECK_STR("Unable to apply ReferencePath $.a to input \"foo\"", ctx.cause);
	json_decref(shared);
	json_decref(c);
	aslp_ctx_free(&ctx);
}

/*
** ResultPath keeps the size of the document it changes up to date without
** reading it again: after each kind of write, the size it knows equals a
** full measurement.
*/
static void
test_output_size(void)
{
	static const asl_seg seg_x[] = { { .kind = ASL_SEG_KEY, .key = "x" } };
	static const asl_seg seg_new_deep[] = {
		{ .kind = ASL_SEG_KEY, .key = "n\"ew" }, { .kind = ASL_SEG_KEY, .key = "deep" },
		{ .kind = ASL_SEG_KEY, .key = "er" }
	};
	static const asl_seg seg_nul_a[] = {
		{ .kind = ASL_SEG_KEY, .key = "nul" }, { .kind = ASL_SEG_KEY, .key = "a" }
	};
	static const asl_seg seg_arr_1[] = {
		{ .kind = ASL_SEG_KEY, .key = "arr" }, { .kind = ASL_SEG_INDEX, .a = 1 }
	};
	static const asl_path paths[] = {
		PATH("$.x", seg_x, 1), PATH("$.a", seg_a, 1), PATH("$['n\"ew'].deep.er", seg_new_deep, 1),
		PATH("$.nul.a", seg_nul_a, 1), PATH("$.arr[1]", seg_arr_1, 1), PATH("$.x", seg_x, 1),
	};
	static const char *const values[] = {
		"\"replaced \\\" value\"", "{\"k\":[1,2,3]}", "[true]", "2.5", "{\"x\":null}", "\"\\u0001\""
	};
	asl_ctx ctx;
	json_t *in = J("{\"x\":\"old\",\"nul\":null,\"arr\":[1,2,3]}");
	size_t i;
	int depth;

	init_ctx(&ctx);
	ctx.measured = in;
	ctx.measured_size = aslp_measure(in, (size_t)-1, 1000, &ctx.measured_depth);
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		in = asl_result_path(&ctx, &paths[i], in, J(values[i]));
		CHECK(in != NULL && ctx.measured == in);
		if (!in)
			break;
		CHECK_INT(aslp_measure(in, (size_t)-1, 1000, &depth), ctx.measured_size);
		CHECK_INT(asl_dump_size(in), ctx.measured_size);
		CHECK(ctx.measured_depth >= depth);
	}
	json_decref(in);
	aslp_ctx_free(&ctx);

	/* The limit is exact: 262,144 bytes pass, one more does not. */
	{
		char *big = malloc(262144);
		json_t *a, *b;

		memset(big, 'a', 262144);
		a = json_stringn(big, 262142);	/* "aaa...": 262,144 bytes */
		b = json_stringn(big, 262143);
		CHECK_INT(262144, aslp_measure(a, 262144, 10, &depth));
		CHECK(aslp_measure(b, 262144, 10, &depth) > 262144);
		json_decref(a);
		json_decref(b);
		free(big);
	}
}

static void
test_choice(void)
{
	static const asl_path a = PATH("$.a", seg_a, 1);
	asl_ctx ctx;
	json_t *d;
	asl_time t;

	init_ctx(&ctx);
	d = J("{\"a\":\"\\ud83d\\ude00\"}");	/* U+1F600: sorts as a surrogate */
	CHECK(asl_string_cmp(&ctx, d, &a, ASL_LT, "\357\277\277", 3));	/* U+FFFF */
	json_decref(d);
	d = J("{\"a\":\"a*b\\\\c\"}");
	CHECK(asl_string_matches(&ctx, d, &a, "a\\*b\\\\c", 7));
	CHECK(asl_string_matches(&ctx, d, &a, "a*c", 3));
	CHECK(asl_string_matches(&ctx, d, &a, "*", 1));
	CHECK(!asl_string_matches(&ctx, d, &a, "a\\*", 3));
	CHECK(!asl_string_matches(&ctx, d, &a, "*b", 2));
	json_decref(d);
	d = J("{\"a\":1}");
	CHECK(asl_numeric_cmp_real(&ctx, d, &a, ASL_EQ, 1.0));
	CHECK(asl_numeric_cmp_int(&ctx, d, &a, ASL_LE, 1));
	CHECK(!asl_string_cmp(&ctx, d, &a, ASL_EQ, "1", 1));
	CHECK(!asl_failed(&ctx));
	json_decref(d);
	d = J("{\"a\":\"2016-03-14T02:59:00+01:00\"}");
	asl_parse_time("2016-03-14T01:59:00Z", 20, &t);
	CHECK(asl_timestamp_cmp(&ctx, d, &a, ASL_EQ, &t));
	CHECK(asl_is_timestamp(&ctx, d, &a));
	json_decref(d);
	/* A missing Variable is an error, except for IsPresent; it sticks. */
	d = J("{}");
	CHECK(!asl_is_present(&ctx, d, &a));
	CHECK(!asl_failed(&ctx));
	CHECK(!asl_is_null(&ctx, d, &a));
	CHECK(asl_failed(&ctx));
	CHECK_STR("States.Runtime", ctx.error);
	CHECK_STR("An error occurred while executing the state 'S' (entered at the event id #2). Invalid path '$.a': The choice state's condition path references an invalid value.",
		  ctx.cause);
	json_decref(d);
	d = J("{\"a\":null}");
	CHECK(!asl_is_null(&ctx, d, &a));	/* sticky */
	json_decref(d);
	aslp_ctx_free(&ctx);
}

/* Record error (cause) as a failing step would, and recover with r. */
static int
fail_and_recover(asl_ctx *ctx, const asl_recovery *r, const char *error, const char *cause)
{
	if (cause)
		aslp_fail(ctx, error, "%s", cause);
	else
		aslp_fail(ctx, error, NULL);
	return asl_recover(ctx, r);
}

#define SEC INT64_C(1000000000)

static void
test_retry(void)
{
	static const char *const ab[] = { "ErrorA", "ErrorB" }, *const c[] = { "ErrorC" };
	static const char *const all[] = { "States.ALL" }, *const tf[] = { "States.TaskFailed" };
	static const char *const timeout[] = { "States.Timeout" };
	static const asl_state_info task = { "T", ASL_STATE_TASK, 1, 0 };
	asl_ctx ctx;
	int64_t before;
	json_t *out;

	/* The specification's "complex retry scenario": A, B, C, B. */
	{
		static const asl_retrier rs[] = {
			{ ab, 2, 1, 2, 2.0, 0, 0 },
			{ c, 1, 5, 3, 2.0, 0, 0 },
		};
		static const asl_catcher cs[] = { { all, 1 } };
		static const asl_recovery r = { rs, 2, cs, 1 };

		init_ctx(&ctx);
		ctx.run->virtual_clock = true;
		ctx.state = &task;
		ctx.state_serial = 1;
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "ErrorA", "a"));
		CHECK_INT(1 * SEC, ctx.skipped_ns);
		CHECK(!ctx.failed);
		CHECK_INT(1, ctx.retry_count);
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "ErrorB", "b"));
		CHECK_INT(3 * SEC, ctx.skipped_ns);
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "ErrorC", "c"));
		CHECK_INT(8 * SEC, ctx.skipped_ns);
		/* The first retrier has spent its two: the catcher takes it. */
		CHECK_INT(0, fail_and_recover(&ctx, &r, "ErrorB", "b again"));
		CHECK_INT(8 * SEC, ctx.skipped_ns);
		CHECK_INT(3, ctx.retry_count);
		out = asl_catch_result(&ctx, NULL, J("{\"x\":1}"));
		CHECK_STR("{\"x\":1}", T(out));
		/* A new visit of the state starts the counts again. */
		ctx.state_serial++;
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "ErrorB", "b"));
		CHECK_INT(9 * SEC, ctx.skipped_ns);
		aslp_ctx_free(&ctx);
	}

	/* MaxDelaySeconds caps the back-off; MaxAttempts 0 never retries. */
	{
		static const asl_retrier rs[] = {
			{ timeout, 1, 1, 0, 2.0, 0, 0 },
			{ all, 1, 3, 3, 2.0, 5, 0 },
		};
		static const asl_catcher cs[] = { { tf, 1 }, { timeout, 1 } };
		static const asl_recovery r = { rs, 2, cs, 2 };

		init_ctx(&ctx);
		ctx.run->virtual_clock = true;
		ctx.state = &task;
		ctx.state_serial = 1;
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "Exception", "x"));
		CHECK_INT(3 * SEC, ctx.skipped_ns);
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "Exception", "x"));
		CHECK_INT(8 * SEC, ctx.skipped_ns);
		CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "Exception", "x"));
		CHECK_INT(13 * SEC, ctx.skipped_ns);
		/* Spent: States.TaskFailed catches an error of the function. */
		CHECK_INT(0, fail_and_recover(&ctx, &r, "Exception", "x"));
		out = asl_catch_result(&ctx, NULL, J("{}"));
		json_decref(out);
		/* A timeout: not retried (MaxAttempts 0), not States.TaskFailed. */
		ctx.state_serial++;
		before = ctx.skipped_ns;
		CHECK_INT(1, fail_and_recover(&ctx, &r, "States.Timeout", NULL));
		CHECK_INT(before, ctx.skipped_ns);
		out = asl_catch_result(&ctx, NULL, J("\"raw\""));
		CHECK_STR("\"raw\"", T(out));
		aslp_ctx_free(&ctx);
	}

	/* States.Runtime is never retried or caught, even by States.ALL. */
	{
		static const asl_retrier rs[] = { { all, 1, 1, 3, 2.0, 0, 0 } };
		static const asl_catcher cs[] = { { all, 1 } };
		static const asl_recovery r = { rs, 1, cs, 1 };

		init_ctx(&ctx);
		ctx.run->virtual_clock = true;
		ctx.state = &task;
		CHECK_INT(-1, fail_and_recover(&ctx, &r, "States.Runtime", "bad path"));
		CHECK(ctx.failed);
		CHECK_STR("States.Runtime", ctx.error);
		CHECK_INT(0, ctx.skipped_ns);
		aslp_ctx_free(&ctx);
	}

	/* The error output: a timeout's missing cause is "", a null error null. */
	{
		static const asl_catcher cs[] = { { all, 1 } };
		static const asl_recovery r = { NULL, 0, cs, 1 };
		static const asl_seg seg = { ASL_SEG_KEY, "e", 0, 0, NULL, NULL, 0, NULL };
		static const asl_path p = { "$.e", ASL_ROOT_INPUT, 1, &seg, 1, NULL };

		init_ctx(&ctx);
		ctx.state = &task;
		CHECK_INT(0, fail_and_recover(&ctx, &r, "States.Timeout", NULL));
		out = asl_catch_result(&ctx, &p, J("{\"a\":1}"));
		CHECK_STR("{\"a\":1,\"e\":{\"Error\":\"States.Timeout\",\"Cause\":\"\"}}", T(out));
		CHECK_INT(0, fail_and_recover(&ctx, &r, NULL, NULL));
		out = asl_catch_result(&ctx, NULL, J("1"));
		json_decref(out);
		CHECK_INT(0, fail_and_recover(&ctx, &r, NULL, NULL));
		out = asl_catch_result(&ctx, &p, J("{}"));
		CHECK_STR("{\"e\":{\"Error\":null,\"Cause\":null}}", T(out));
		aslp_ctx_free(&ctx);
	}
}

static void
test_jitter(void)
{
	static const char *const all[] = { "States.ALL" };
	static const asl_state_info task = { "T", ASL_STATE_TASK, 1, 0 };
	static const asl_retrier rs[] = { { all, 1, 4, 20, 2.0, 30, 1 } };
	static const asl_recovery r = { rs, 1, NULL, 0 };
	int64_t waits[2][20], bound, before;
	int run, i;
	bool some_below = false;
	asl_ctx ctx;

	/* FULL jitter: each wait is between none and all of the back-off. */
	for (run = 0; run < 2; run++) {
		init_ctx(&ctx);
		ctx.run->virtual_clock = true;
		ctx.state = &task;
		ctx.rng = 42;
		bound = 4 * SEC;
		for (i = 0; i < 20; i++) {
			before = ctx.skipped_ns;
			CHECK_INT(ASL_RETRY, fail_and_recover(&ctx, &r, "E", "e"));
			waits[run][i] = ctx.skipped_ns - before;
			CHECK(waits[run][i] >= 0 && waits[run][i] <= (bound < 30 * SEC ? bound : 30 * SEC));
			if (waits[run][i] < bound / 2)
				some_below = true;
			bound *= 2;
		}
		aslp_ctx_free(&ctx);
	}
	CHECK(some_below);
	/* One seed, one sequence of waits. */
	for (i = 0; i < 20; i++)
		CHECK_INT(waits[0][i], waits[1][i]);
}

int
main(void)
{
	test_timestamps();
	test_format();
	test_dumps();
	test_equal();
	test_copy();
	test_paths();
	test_result_path();
	test_output_size();
	test_choice();
	test_retry();
	test_jitter();
	free_exec();
	printf("%d checks, %d failed\n", test_checks, test_failures);
	return test_failures != 0;
}
