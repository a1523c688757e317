/*
** handlers.c - the handler table compiled into the quote executable:
**
**	aslc quote.asl.json handlers.c pricing.c -o quote
*/
#include "pricing.h"

ASL_HANDLERS(
	{ "price", price_line },
	{ "total", sum_lines }
);
