/*
** pricing.c - the Task handlers of quote.asl.json. A handler gets its
** Task's input and returns the result, or fails with an error name that the
** workflow's Retry and Catch match (see aslrt.h, "Task handlers").
*/
#include "pricing.h"

#include <string.h>

static const struct price prices[] = {
	{ "apple", 0.5 }, { "pear", 0.75 }, { "crate", 12.0 },
};
const struct price_list default_prices = { prices, 3 };

json_t *
price_line(asl_call *call, json_t *line)
{
	const struct price_list *list = asl_call_data(call);
	const char *sku = json_string_value(json_object_get(line, "sku"));
	json_int_t qty = json_integer_value(json_object_get(line, "qty"));
	int i;

	if (!list)
		list = &default_prices;
	if (!sku || qty <= 0)
		return asl_call_fail(call, "Pricing.BadLine", "a line needs a sku and a qty above 0");
	for (i = 0; i < list->n; i++)
		if (strcmp(list->prices[i].sku, sku) == 0)
			return json_pack("{s:s, s:I, s:f, s:f}", "sku", sku, "qty", qty,
					 "unit", list->prices[i].unit,
					 "amount", list->prices[i].unit * (double)qty);
	return asl_call_fail(call, "Pricing.UnknownSku", sku);
}

json_t *
sum_lines(asl_call *call, json_t *in)
{
	json_t *lines = json_object_get(in, "lines"), *line;
	double amount = 0;
	size_t i;

	if (!json_is_array(lines))
		return asl_call_fail(call, "Pricing.BadInput", "no lines");
	json_array_foreach(lines, i, line)
		amount += json_number_value(json_object_get(line, "amount"));
	return json_pack("{s:f, s:s}", "amount", amount, "currency", "EUR");
}
