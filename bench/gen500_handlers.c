/*
** gen500_handlers.c - the Score handler of the generated 500-state
** benchmark (bench/gen500.py), for bench/backends.sh:
**
**	aslc gen500.asl.json gen500_handlers.c -o gen500
**
** Score gets {"n": N, "k": K, "sum": S} and returns {"v": 0..99, "n": N},
** v a hash of the three. Deterministic failures walk the Retry and Catch
** paths: Gen.Declined (caught) when (N * 7 + K) % 13 == 0, and
** Gen.Transient (retried, then succeeds) on every 9th call. The call
** counter is only touched by the main chain (the Parallel and Map of the
** workflow run Pass states only).
*/
#include "aslrt.h"

#include <stdint.h>

static unsigned calls;

static json_t *
score(asl_call *call, json_t *in)
{
	json_t *n = json_object_get(in, "n"), *k = json_object_get(in, "k");
	json_t *sum = json_object_get(in, "sum");
	uint32_t x;

	if (!json_is_integer(n) || !json_is_integer(k) || !json_is_integer(sum))
		return asl_call_fail(call, "Gen.BadInput", "n, k and sum must be integers");
	if (++calls % 9 == 0)
		return asl_call_fail(call, "Gen.Transient", "try again");
	if ((json_integer_value(n) * 7 + json_integer_value(k)) % 13 == 0)
		return asl_call_fail(call, "Gen.Declined", "declined");
	x = (uint32_t)json_integer_value(n) * 2654435761u ^ (uint32_t)json_integer_value(k) * 40503u ^
	    (uint32_t)json_integer_value(sum);
	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return json_pack("{s:I, s:O}", "v", (json_int_t)(x % 100), "n", n);
}

ASL_HANDLERS(
	{ "Score", score }
);
