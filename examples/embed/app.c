/*
** app.c - a C program that embeds two workflows, compiled by aslc -c:
**
**	quote.asl.json     prices an order with handlers registered here
**	shipping.asl.json  chooses a carrier for the priced quote
**
** It reads an order on stdin, runs quote on it and shipping on the quote's
** output, and prints {"quote": ..., "shipping": ...}; when a workflow
** fails it prints its error and cause on stderr and exits 1.
**
**	./app --prices=sale < order.json	half prices: another price list,
**					given to the handlers as asl_options.data
*/
#include "quote.h"
#include "shipping.h"
#include "pricing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct price sale_prices[] = {
	{ "apple", 0.25 }, { "pear", 0.375 }, { "crate", 6.0 },
};
static const struct price_list sale = { sale_prices, 3 };

/* The Task handlers, by the names the Resources give (function:price). */
static ASL_HANDLER_TABLE(handlers,
	{ "price", price_line },
	{ "total", sum_lines }
);

static char *
read_stdin(void)
{
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);

	while (buf && (got = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *more = realloc(buf, cap *= 2);

			if (!more) {
				free(buf);
				return NULL;
			}
			buf = more;
		}
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* Say why a workflow did not succeed; returns the exit status, 1. */
static int
report(const char *workflow, const asl_result *res)
{
	if (res->status == ASL_EXEC_REFUSED)
		fprintf(stderr, "%s did not start: %s\n", workflow, res->message);
	else
		fprintf(stderr, "%s %s in state %s: %s: %s\n", workflow,
			res->status == ASL_EXEC_TIMED_OUT ? "timed out" : "failed",
			res->state ? res->state : "?", res->error ? res->error : "",
			res->cause ? res->cause : "");
	return 1;
}

int
main(int argc, char **argv)
{
	asl_options opt;
	asl_result quote, shipping;
	char *input = read_stdin();
	int status = 0;

	memset(&opt, 0, sizeof opt);
	opt.handlers = handlers;
	opt.data = (void *)&default_prices;
	if (argc > 1 && strcmp(argv[1], "--prices=sale") == 0)
		opt.data = (void *)&sale;
	opt.virtual_clock = 1;	/* a retry's back-off takes no time */

	if (quote_run(input, &opt, &quote) != ASL_EXEC_SUCCEEDED) {
		status = report("quote", &quote);
	} else if (shipping_run(quote.output, NULL, &shipping) != ASL_EXEC_SUCCEEDED) {
		status = report("shipping", &shipping);
		asl_result_free(&shipping);
	} else {
		/* The outputs as values, to build one document. */
		json_t *both = json_pack("{s:O, s:O}", "quote", quote.value,
					 "shipping", shipping.value);
		char *text = asl_dumps(both);

		puts(text);
		free(text);
		json_decref(both);
		asl_result_free(&shipping);
	}
	asl_result_free(&quote);
	free(input);
	/* For leak checkers: the workflows' constants. */
	asl_program_fini(&quote_program);
	asl_program_fini(&shipping_program);
	return status;
}
