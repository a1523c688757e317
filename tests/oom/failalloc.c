/*
** failalloc.c - an LD_PRELOAD library for tests/cli.sh: allocation
** number FAIL_ALLOC (from 0) of the process fails, as malloc fails when
** memory runs out (NULL, errno ENOMEM), and FAIL_ALLOC_MARK, a file, is
** created when it did: the sweep stops at the first number that no
** allocation reaches.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static long countdown = -2;	/* -2: not read yet; -1: none fails */

static int
fail(void)
{
	const char *s;
	int fd;

	if (countdown == -2) {
		s = getenv("FAIL_ALLOC");
		countdown = s ? atol(s) : -1;
	}
	if (countdown < 0 || countdown-- != 0)
		return 0;
	if ((s = getenv("FAIL_ALLOC_MARK")) && (fd = open(s, O_WRONLY | O_CREAT, 0644)) >= 0)
		close(fd);
	errno = ENOMEM;
	return 1;
}

void *
malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	return fail() ? NULL : __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}
