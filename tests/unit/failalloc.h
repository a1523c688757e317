/*
** failalloc.h - a jansson allocator for the unit tests that fails one
** allocation on purpose, to see what the code under test makes of it.
**
**	json_set_alloc_funcs(failalloc_malloc, free);
**	failalloc_arm(k);	the k-th JSON allocation from now fails
**	...			the code under test
**	failalloc_arm(0);	none fails; failalloc_count says how many were made
*/
#ifndef FAILALLOC_H
#define FAILALLOC_H

#include <stdlib.h>

static long failalloc_count;	/* JSON allocations since armed */
static long failalloc_at;	/* the one that fails; 0: none */

static inline void *
failalloc_malloc(size_t n)
{
	if (failalloc_at && ++failalloc_count == failalloc_at)
		return NULL;
	return malloc(n);
}

static inline void
failalloc_arm(long k)
{
	if (k)
		failalloc_count = 0;
	failalloc_at = k;
}

#endif
