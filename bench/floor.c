/*
** bench/floor.c - the floor under any engine whose values are jansson's:
** the work of map.asl.json and order.asl.json written by hand in C, with
** no engine at all (harness --floor).
**
** Each does what the definition asks and nothing else: the templates'
** objects built, the documents shared, written in place at a ResultPath
** when no one else holds them and their top object copied when someone
** does (copy on write, as aslc does), the same handlers called, the
** retries and the compensation run. What an engine adds is left out: no
** $$, no names or ARNs, no history, no limits checked, no state looked
** up, no error matched by name but the saga's own. The time these take
** is what jansson alone costs for the workload, so an engine built on
** jansson cannot be faster.
*/
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "floor.h"
#include "tasks.h"

/*
** ResultPath "$.key": written in place when no one else holds the
** document, else into a copy of its top object that shares its members.
*/
static json_t *
put(json_t *doc, const char *key, json_t *v)
{
	json_t *c = doc;

	if (doc->refcount != 1) {
		c = json_copy(doc);
		json_decref(doc);
	}
	json_object_set_new(c, key, v);
	return c;
}

static json_t *
get(json_t *doc, const char *key)
{
	return json_object_get(doc, key);
}

/* Parameters of two or three "key.$": "$.key" fields. */
static json_t *
params(json_t *doc, const char *a, const char *b, const char *c)
{
	json_t *p = json_object();

	json_object_set(p, a, get(doc, a));
	if (b)
		json_object_set(p, b, get(doc, b));
	if (c)
		json_object_set(p, c, get(doc, c));
	return p;
}

static json_t *
call(const char *name, json_t *in, int retry, struct task_error *e)
{
	json_t *out = task_named(name)->fn(in, retry, e);

	json_decref(in);
	return out;
}

static json_t *
caught(json_t *doc, const struct task_error *e)
{
	return put(doc, "error", json_pack("{s:s,s:s}", "Error", e->name, "Cause", e->cause));
}

json_t *
floor_order(json_t *doc, struct floor_counts *n)
{
	struct task_error e;
	json_t *r, *p, *sel;
	char msg[256];
	int attempt;

	json_incref(doc);
	/* ValidateOrder, with its ResultSelector. */
	r = call("ValidateOrder", params(doc, "orderId", "lines", NULL), 0, &e);
	sel = json_object();
	json_object_set(sel, "valid", get(r, "valid"));
	json_object_set(sel, "total", get(r, "total"));
	json_decref(r);
	doc = put(doc, "validation", sel);
	/* ReserveInventory: InventoryBusy retried, at most 3 times. */
	for (attempt = 0;; attempt++) {
		r = call("ReserveInventory", params(doc, "orderId", "lines", NULL), attempt, &e);
		if (r)
			break;
		if (strcmp(e.name, "InventoryBusy") != 0 || attempt == 3) {
			json_decref(caught(doc, &e));	/* OrderFailed */
			return NULL;
		}
		n->retries++;
	}
	doc = put(doc, "reservation", r);
	/* ChargePayment. */
	p = params(doc, "orderId", "card", NULL);
	json_object_set(p, "amount", get(get(doc, "validation"), "total"));
	r = call("ChargePayment", p, 0, &e);
	doc = put(doc, "payment", r);
	/* ShipOrder; a failure is compensated. */
	r = call("ShipOrder", params(doc, "orderId", "address", "scenario"), 0, &e);
	if (!r) {
		doc = caught(doc, &e);
		p = json_object();
		json_object_set(p, "chargeId", get(get(doc, "payment"), "chargeId"));
		doc = put(doc, "refund", call("RefundCharge", p, 0, &e));
		n->refunds++;
		doc = put(doc, "release",
			  call("ReleaseInventory", params(doc, "orderId", NULL, NULL), 0, &e));
		n->releases++;
		json_decref(doc);	/* OrderFailed */
		return NULL;
	}
	doc = put(doc, "shipment", r);
	/* NotifyCustomer: States.Format. */
	snprintf(msg, sizeof msg, "Order %s shipped with tracking %s",
		 json_string_value(get(doc, "orderId")),
		 json_string_value(get(get(doc, "shipment"), "tracking")));
	return put(doc, "notification", json_pack("{s:s}", "message", msg));
}

json_t *
floor_map(json_t *doc)
{
	json_t *items = get(doc, "items"), *batch = get(doc, "batch"), *results, *item, *sel, *out;
	char label[256];
	size_t i;

	results = json_array();
	json_array_foreach(items, i, item) {
		/* ItemSelector. */
		sel = json_object();
		json_object_set(sel, "item", item);
		json_object_set_new(sel, "index", json_integer((json_int_t)i));
		json_object_set(sel, "batch", batch);
		/* The Pass's Parameters, with States.Format. */
		out = json_object();
		json_object_set(out, "id", get(get(sel, "item"), "id"));
		snprintf(label, sizeof label, "%s-%s-%lld", json_string_value(get(sel, "batch")),
			 json_string_value(get(get(sel, "item"), "sku")),
			 (long long)json_integer_value(get(sel, "index")));
		json_object_set_new(out, "label", json_string(label));
		json_object_set(out, "qty", get(get(sel, "item"), "qty"));
		json_decref(sel);
		json_array_append_new(results, out);
	}
	return put(json_incref(doc), "results", results);
}
