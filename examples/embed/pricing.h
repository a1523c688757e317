/*
** pricing.h - the price list and the two Task handlers of quote.asl.json,
** shared by the executable (handlers.c) and the embedding program (app.c).
*/
#ifndef PRICING_H
#define PRICING_H

#include <aslrt.h>

/* A price list: n entries of a SKU and its unit price. */
struct price {
	const char *sku;
	double unit;
};
struct price_list {
	const struct price *prices;
	int n;
};

/* The list the executable uses; a host may pass its own (asl_options.data). */
extern const struct price_list default_prices;

/* "price": {"sku", "qty"} -> the line with "unit" and "amount". */
json_t *price_line(asl_call *call, json_t *line);
/* "total": {"lines": [...]} -> {"amount": the sum, "currency": "EUR"}. */
json_t *sum_lines(asl_call *call, json_t *in);

#endif
