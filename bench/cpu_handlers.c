/*
** cpu_handlers.c - the CPU-bound Task handler of the cpu benchmark:
**
**	aslc cpu.asl.json cpu_handlers.c -o cpu
**
** Spin gets {"seed": S, "rounds": R} and mixes a 32-bit word R times
** (two multiplications and three shifts per round, each round depending
** on the one before), then returns {"seed": S, "h": "<8 hex digits>"}.
** It touches no memory and takes no lock, so n iterations of the Map can
** only go faster by running on more cores. bench/als.cjs has the same
** function in JavaScript, on 32-bit words, and gives the same h.
*/
#include "aslrt.h"

#include <stdint.h>
#include <stdio.h>

static uint32_t
spin(uint32_t seed, json_int_t rounds)
{
	uint32_t x = seed ^ 0x9e3779b9u;
	json_int_t r;

	for (r = 0; r < rounds; r++) {
		x ^= x >> 15;
		x *= 0x2c1b3c6du;
		x ^= x >> 12;
		x *= 0x297a2d39u;
		x ^= x >> 15;
		x += (uint32_t)r;
	}
	return x;
}

static json_t *
spin_task(asl_call *call, json_t *in)
{
	json_t *seed = json_object_get(in, "seed");
	json_t *rounds = json_object_get(in, "rounds");
	char h[9];

	if (!json_is_integer(seed) || !json_is_integer(rounds))
		return asl_call_fail(call, "Spin.BadInput", "seed and rounds must be integers");
	snprintf(h, sizeof h, "%08x",
		 (unsigned)spin((uint32_t)json_integer_value(seed), json_integer_value(rounds)));
	return json_pack("{s:O, s:s}", "seed", seed, "h", h);
}

ASL_HANDLERS(
	{ "Spin", spin_task }
);
