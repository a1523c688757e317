/*
** bench/tasks.c - the benchmark's Task handlers, the same functions as
** makeHandlers() in bench/peers/harness.cjs: fixed JSON, ReserveInventory
** failing with InventoryBusy on the first two attempts of every execution.
**
** Compiled two ways: into bench/harness.c's process (tasks.h), and with
** -DTASK_PROGRAM as bench-task, a program that runs one of them for a
** binding (bench-task NAME < input; the attempt from ASL_RETRY_COUNT), to
** measure what a process per task costs.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tasks.h"

static json_t *
fail(struct task_error *e, const char *name, const char *cause)
{
	e->name = name;
	e->cause = cause;
	return NULL;
}

static const char *
str(json_t *in, const char *key)
{
	const char *s = json_string_value(json_object_get(in, key));

	return s ? s : "";
}

static json_t *
increment(json_t *in, int retry, struct task_error *e)
{
	(void)retry;
	(void)e;
	return json_pack("{s:I}", "value", json_integer_value(json_object_get(in, "value")) + 1);
}

static json_t *
validate_order(json_t *in, int retry, struct task_error *e)
{
	json_t *line;
	size_t i;
	double total = 0;

	(void)retry;
	(void)e;
	json_array_foreach(json_object_get(in, "lines"), i, line)
		total += json_number_value(json_object_get(line, "qty")) *
			 json_number_value(json_object_get(line, "price"));
	return json_pack("{s:b,s:f,s:s}", "valid", 1, "total", total, "checkedAt",
			 "2024-01-01T00:00:00Z");
}

static json_t *
reserve_inventory(json_t *in, int retry, struct task_error *e)
{
	if (retry < 2)
		return fail(e, "InventoryBusy", retry ? "busy (attempt 2)" : "busy (attempt 1)");
	return json_pack("{s:s+,s:I}", "reservationId", "r-", str(in, "orderId"), "lines",
			 (json_int_t)json_array_size(json_object_get(in, "lines")));
}

static json_t *
charge_payment(json_t *in, int retry, struct task_error *e)
{
	(void)retry;
	(void)e;
	return json_pack("{s:s+,s:O?,s:s}", "chargeId", "ch-", str(in, "orderId"), "amount",
			 json_object_get(in, "amount"), "status", "captured");
}

static json_t *
ship_order(json_t *in, int retry, struct task_error *e)
{
	(void)retry;
	if (strcmp(str(in, "scenario"), "shipFail") == 0)
		return fail(e, "ShippingUnavailable", "no carrier for zip");
	return json_pack("{s:s+,s:s}", "tracking", "1Z-", str(in, "orderId"), "carrier", "UPS");
}

static json_t *
refund_charge(json_t *in, int retry, struct task_error *e)
{
	(void)retry;
	(void)e;
	return json_pack("{s:s+,s:s}", "refundId", "rf-", str(in, "chargeId"), "status",
			 "refunded");
}

static json_t *
release_inventory(json_t *in, int retry, struct task_error *e)
{
	(void)retry;
	(void)e;
	return json_pack("{s:b,s:s}", "released", 1, "orderId", str(in, "orderId"));
}

const struct task tasks[] = {
	{ "Increment", increment },
	{ "ValidateOrder", validate_order },
	{ "ReserveInventory", reserve_inventory },
	{ "ChargePayment", charge_payment },
	{ "ShipOrder", ship_order },
	{ "RefundCharge", refund_charge },
	{ "ReleaseInventory", release_inventory },
	{ NULL, NULL }
};

const struct task *
task_named(const char *name)
{
	const struct task *t;

	for (t = tasks; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

#ifdef TASK_PROGRAM
/* bench-task NAME: a binding's program (docs/usage.md, "Task programs"). */
int
main(int argc, char **argv)
{
	const struct task *t = argc == 2 ? task_named(argv[1]) : NULL;
	const char *retry = getenv("ASL_RETRY_COUNT");
	struct task_error e = { NULL, NULL };
	json_error_t err;
	json_t *in, *out;

	if (!t) {
		fprintf(stderr, "usage: bench-task NAME < input.json (NAME: a bench task)\n");
		return 2;
	}
	in = json_loadf(stdin, JSON_DECODE_ANY, &err);
	if (!in) {
		fprintf(stderr, "bench-task: the input is not JSON: %s\n", err.text);
		return 2;
	}
	out = t->fn(in, retry ? atoi(retry) : 0, &e);
	if (!out) {
		out = json_pack("{s:s,s:s}", "errorType", e.name, "errorMessage", e.cause);
		json_dumpf(out, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
		return 1;
	}
	json_dumpf(out, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
	return 0;
}
#endif
