/*
** pool.c - the helper threads of Parallel and Map as a host that runs
** many executions sees them (runtime/fanout.c): started once and reused
** by every execution after, at most max_threads at work for any one
** execution however many run at once, and started again in a child of
** fork() (where the child's executions draw their own names), and
** stopped by asl_stop_threads. Built by tests/cli.sh against the build tree with
** tests/embed/fan.asl.json compiled by aslc -c (prefix fan).
**
**	pool [nofork]	exit 0 when every check passed (nofork: under
**			ThreadSanitizer, which does not follow a fork)
*/
#define _GNU_SOURCE	/* gettid */
#include "fan.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "pool.c:%d: failed: %s\n", __LINE__, #cond); \
		failures++; \
	} \
} while (0)

/* What the calls of one host's executions saw: asl_call_data. */
struct host {
	int max_threads;
	int runs, ok;
	int inside, peak;	/* calls at once, and the most */
	bool try_stop;		/* each call on a helper tries asl_stop_threads ... */
	int stopped;		/* ... and counts the times it stopped them */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t tids[256];		/* the threads that ran a call */
static int ntid;

static json_t *
work(asl_call *call, json_t *input)
{
	struct host *h = asl_call_data(call);
	struct timespec ms5 = { 0, 5000000 };
	pid_t me = gettid();
	int i;

	pthread_mutex_lock(&lock);
	if (++h->inside > h->peak)
		h->peak = h->inside;
	for (i = 0; i < ntid && tids[i] != me; i++)
		;
	if (i == ntid && ntid < 256)
		tids[ntid++] = me;
	pthread_mutex_unlock(&lock);
	/* A helper at work cannot be stopped (the host runs on the main thread). */
	if (h->try_stop && me != getpid() && asl_stop_threads() == 0)
		__atomic_add_fetch(&h->stopped, 1, __ATOMIC_RELAXED);
	nanosleep(&ms5, NULL);
	pthread_mutex_lock(&lock);
	h->inside--;
	pthread_mutex_unlock(&lock);
	return json_incref(input);
}

static ASL_HANDLER_TABLE(handlers, { "work", work });

/* The threads of this process, from /proc. */
static int
threads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void *
host(void *arg)
{
	struct host *h = arg;
	asl_options opt;
	asl_result res;
	int i;

	memset(&opt, 0, sizeof opt);
	opt.handlers = handlers;
	opt.data = h;
	opt.max_threads = h->max_threads;
	for (i = 0; i < h->runs; i++) {
		if (fan_run("[1]", &opt, &res) == ASL_EXEC_SUCCEEDED && res.output &&
		    strcmp(res.output, "[[1],[1],[1],[1]]") == 0)
			h->ok++;
		asl_result_free(&res);
	}
	return NULL;
}

/* The name (a UUID) of one more execution into buf (64 bytes). */
static void
next_name(char *buf)
{
	struct host h = { 1, 1, 0, 0, 0, false, 0 };
	asl_options opt;
	asl_result res;

	memset(&opt, 0, sizeof opt);
	opt.handlers = handlers;
	opt.data = &h;
	opt.max_threads = 1;
	buf[0] = '\0';
	if (fan_run("[1]", &opt, &res) == ASL_EXEC_SUCCEEDED && res.name)
		snprintf(buf, 64, "%s", res.name);
	asl_result_free(&res);
}

int
main(int argc, char **argv)
{
	struct host serial = { 4, 10, 0, 0, 0, false, 0 };
	struct host a = { 4, 5, 0, 0, 0, false, 0 }, b = { 2, 5, 0, 0, 0, false, 0 };
	struct host c = { 4, 1, 0, 0, 0, false, 0 }, busy = { 4, 1, 0, 0, 0, true, 0 };
	pthread_t ta, tb;
	int before = threads(), after_one, status;
	pid_t child;

	/*
	** One execution after another: the helpers of the first are those
	** of every later one, three of them for a max_threads of 4.
	*/
	serial.runs = 1;
	host(&serial);
	after_one = threads();
	serial.runs = 10;
	host(&serial);
	CHECK(serial.ok == 11);
	CHECK(serial.peak > 1 && serial.peak <= 4);
	CHECK(after_one > before);	/* they stay for the next */
	CHECK(threads() == after_one);
	CHECK(ntid <= 4);
	host(&busy);
	CHECK(busy.ok == 1 && busy.stopped == 0 && busy.peak > 1);
	CHECK(threads() == after_one);

	/*
	** Two hosts at once, with 4 and 2 threads: each execution keeps to
	** its own number, from the one pool.
	*/
	pthread_create(&ta, NULL, host, &a);
	pthread_create(&tb, NULL, host, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK(a.ok == 5 && b.ok == 5);
	CHECK(a.peak > 1 && a.peak <= 4);
	CHECK(b.peak > 1 && b.peak <= 2);

	/*
	** A child of fork() has none of the helpers: it starts its own, and
	** its branches still run together.
	*/
	if (argc < 2 || strcmp(argv[1], "nofork") != 0) {
		char mine[64] = "", its[64] = "";
		int fd[2];

		CHECK(pipe(fd) == 0);
		fflush(NULL);
		child = fork();
		if (child == 0) {
			close(fd[0]);
			next_name(its);	/* the first after fork, as the parent's */
			if (write(fd[1], its, strlen(its)) < 0)
				_exit(1);
			host(&c);
			if (c.ok != 1 || c.peak < 2) {
				fprintf(stderr, "pool.c: in the child: ok %d, peak %d\n", c.ok, c.peak);
				_exit(1);
			}
			exit(0);
		}
		close(fd[1]);
		next_name(mine);
		CHECK(read(fd[0], its, sizeof its - 1) > 0);
		close(fd[0]);
		CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0);
		/* Their executions' names (UUIDs) differ: the child draws its own. */
		CHECK(*mine && strcmp(mine, its) != 0);
	}
	/*
	** asl_stop_threads ends the helpers; the next execution starts them
	** again, and the program ends with none.
	*/
	CHECK(asl_stop_threads() == 0);
	CHECK(threads() <= before + 1);	/* (a sanitizer may keep one) */
	c.runs = 1;
	c.ok = c.peak = 0;
	host(&c);
	CHECK(c.ok == 1 && c.peak > 1);
	CHECK(threads() > before);
	CHECK(asl_stop_threads() == 0);
	if (failures)
		fprintf(stderr, "pool.c: %d checks failed\n", failures);
	return failures ? 1 : 0;
}
