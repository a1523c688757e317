/*
** program.c - Task handlers that are programs, with the contract of an
** AWS Lambda handler.
**
** Each invocation runs the command with /bin/sh -c in a process group of
** its own, writes the task input to its stdin as JSON and reads its stdout:
**
**	exit 0			stdout is the result (nothing: null)
**	exit 0, not JSON	Runtime.MarshalError, as a Lambda runtime
**				reports a result it cannot serialize
**	exit != 0		stdout may hold the error payload,
**				{"errorType": ..., "errorMessage": ...}: Error is
**				its errorType (Lambda.Unknown without one)
**	exit != 0, no payload	Runtime.ExitError ("exit status 1",
**	or a signal		"signal: killed"), as Lambda reports a
**				runtime that died
**
** For a Lambda resource the Cause is the payload, as the service shows it:
** verbatim for arn:aws:lambda:...:function:F, compact JSON for lambda:invoke.
** For other resources it is the payload's errorMessage. stderr passes
** through.
**
** Both pipes are pumped together with poll(), so a program that writes a
** large result before reading all its input cannot deadlock us. A program
** of a callback or activity task can report progress by writing to the
** descriptor in ASL_HEARTBEAT_FD. The deadlines (TimeoutSeconds, the next
** heartbeat, the function's own timeout, the execution's end) are checked
** between polls; when one passes, the process group is killed.
*/
#define _GNU_SOURCE	/* pipe2, posix_spawn_file_actions_addchdir_np */
#include "aslrt_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/*
** The process groups of the task programs running now, one slot each
** (0: free; -1: a program is being started), so that asl_main's signal
** handler can end them when the executable is interrupted. Branches and
** iterations run programs at once on several threads.
*/
#define TASK_SLOTS 1024
static volatile pid_t running[TASK_SLOTS];

/* A free slot, now marked "starting"; -1 if all are taken. */
static int
claim_slot(void)
{
	int i;

	for (i = 0; i < TASK_SLOTS; i++) {
		pid_t free_slot = 0;

		if (__atomic_compare_exchange_n(&running[i], &free_slot, -1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return i;
	}
	return -1;
}

static void
set_slot(int i, pid_t pid)
{
	if (i >= 0)
		__atomic_store_n(&running[i], pid, __ATOMIC_RELEASE);
}

void
aslp_kill_tasks(void)
{
	struct timespec ms = { 0, 1000000 };
	int i, tries;
	pid_t pid;

	/* Async-signal-safe: atomic loads, nanosleep and kill only. */
	for (i = 0; i < TASK_SLOTS; i++) {
		/* A program being started on another thread: give it 100 ms. */
		for (tries = 0; (pid = __atomic_load_n(&running[i], __ATOMIC_ACQUIRE)) == -1 &&
		     tries < 100; tries++)
			nanosleep(&ms, NULL);
		if (pid > 0)
			kill(-pid, SIGKILL);
	}
}

/* The descriptor a program writes heartbeats to. */
#define HEARTBEAT_FD 3


int64_t
aslp_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the environment ---- */

/* Append "NAME=value" to env at *k; false on OOM. */
static bool
env_add(char **env, size_t *k, const char *name, const char *value)
{
	if (!value)
		return true;
	env[*k] = aslp_printf("%s=%s", name, value);
	return env[(*k)++] != NULL;
}

/* How many variables task_environ adds at most. */
#define TASK_VARS 9

/*
** The environment of a task program: ours, without the ASL_ variables of
** our own environment, then those that describe the task (allocated, at
** the end, from index *inherited). NULL on OOM.
*/
static char **
task_environ(asl_ctx *ctx, const struct aslp_invoke *inv, bool heartbeat,
	     size_t *inherited)
{
	size_t n = 0, k = 0, i;
	char **env;
	bool ok = true;

	while (environ[n])
		n++;
	env = calloc(n + TASK_VARS + 1, sizeof *env);
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "ASL_", 4) != 0)
			env[k++] = environ[i];
	*inherited = k;
	ok &= env_add(env, &k, "ASL_RESOURCE", inv->t->resource);
	ok &= env_add(env, &k, "ASL_STATE_NAME", inv->t->state);
	ok &= env_add(env, &k, "ASL_EXECUTION_NAME", ctx->exec->name);
	ok &= env_add(env, &k, "ASL_EXECUTION_ARN", ctx->exec->arn);
	if (inv->function) {
		size_t len;
		const char *name = aslp_function_name(inv->function, &len);

		env[k] = aslp_printf("ASL_FUNCTION_NAME=%.*s", (int)len, name);
		ok &= env[k++] != NULL;
	}
	ok &= env_add(env, &k, "ASL_REQUEST_ID", inv->request_id);
	env[k] = aslp_printf("ASL_RETRY_COUNT=%d", ctx->retry_count);
	ok &= env[k++] != NULL;
	if (inv->t->pattern == ASL_PAT_CALLBACK || inv->t->kind == ASL_RES_ACTIVITY)
		ok &= env_add(env, &k, "ASL_TASK_TOKEN", ctx->task_token);
	if (heartbeat)
		ok &= env_add(env, &k, "ASL_HEARTBEAT_FD", "3");
	if (!ok) {
		while (k > *inherited)
			free(env[--k]);
		free(env);
		return NULL;
	}
	return env;
}

static void
free_environ(char **env, size_t inherited)
{
	size_t i;

	if (!env)
		return;
	for (i = inherited; env[i]; i++)
		free(env[i]);
	free(env);
}

/* ---- running ---- */

/*
** Hold the signals on which the executable ends its task (old gets the
** mask to restore): between spawning a program and recording it, or
** reaping it and forgetting it, a signal would miss it.
*/
static void
hold_signals(sigset_t *old)
{
	sigset_t set;
	int i;

	sigemptyset(&set);
	for (i = 0; i < aslp_nfatal_signals; i++)
		sigaddset(&set, aslp_fatal_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* The deadlines of one run, on the real clock (ns); 0 for none. */
struct limits {
	int64_t task;		/* TimeoutSeconds */
	int64_t exec;		/* the execution's end */
	int64_t func;		/* the function's own timeout (bindings file) */
	int64_t beat;		/* HeartbeatSeconds, as an interval */
	asl_ctx *ctx;		/* a branch or iteration that may be stopped */
	size_t cap;		/* output beyond this is not read */
};

/*
** write(), without the SIGPIPE of a program that closed its input: the
** executable ignores SIGPIPE, but a program embedding a workflow may not.
** The signal is blocked in this thread and, if the write raised it,
** taken back before the mask is restored.
*/
static ssize_t
write_quietly(int fd, const void *buf, size_t n)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	bool was_pending;
	ssize_t w;
	int saved;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	w = write(fd, buf, n);
	saved = errno;
	if (w < 0 && errno == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return w;
}

/* While a branch's program runs, a stop is looked for this often (ms). */
#define ABORT_POLL_MS 50

/* How a program run ended. */
enum run_end {
	RUN_EXITED,		/* status is valid */
	RUN_TASK_TIMEOUT,	/* TimeoutSeconds passed; the group was killed */
	RUN_HEARTBEAT,		/* no heartbeat for HeartbeatSeconds */
	RUN_EXEC_TIMEOUT,	/* the execution's time is up */
	RUN_FUNC_TIMEOUT,	/* the function's own timeout */
	RUN_TOO_BIG,		/* it printed more than limits.cap */
	RUN_IO_ERROR,		/* poll or read failed */
	RUN_ABORTED		/* another branch failed: the group was killed */
};

/* A file descriptor that becomes readable when pid exits, or -1. */
static int
exit_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* The first deadline of l, given the last heartbeat; *which says whose. */
static int64_t
next_deadline(const struct limits *l, int64_t last_beat, enum run_end *which)
{
	int64_t d = 0;

#define EARLIER(t, w) do { \
		if ((t) && (!d || (t) < d)) { \
			d = (t); \
			*which = (w); \
		} \
	} while (0)
	EARLIER(l->exec, RUN_EXEC_TIMEOUT);
	EARLIER(l->task, RUN_TASK_TIMEOUT);
	EARLIER(l->func, RUN_FUNC_TIMEOUT);
	EARLIER(l->beat ? last_beat + l->beat : 0, RUN_HEARTBEAT);
#undef EARLIER
	return d;
}

/*
** Read what is there on fd into out (NULL: throw it away). Returns 1 if
** the pipe is still open, 0 at its end, -1 on an error (in *err).
*/
static int
drain(int fd, struct aslp_buf *out, int *err)
{
	char buf[65536];
	ssize_t got = read(fd, buf, sizeof buf);

	if (got > 0) {
		if (out)
			aslp_buf_put(out, buf, (size_t)got);
		return 1;
	}
	if (got == 0)
		return 0;
	if (errno == EINTR || errno == EAGAIN)
		return 1;
	*err = errno;
	return -1;
}

/*
** Feed input to the program's stdin and collect its stdout until it
** exits or a limit is reached. The program's exit is watched with a
** pidfd, so one that closes its stdout and goes on running still meets
** its deadline, and one that leaves a child holding stdout open does not
** hold the task. fd_beat, if not -1, reads its heartbeats. Returns how the
** run ended; *status is the wait status when RUN_EXITED.
*/
static enum run_end
pump(pid_t pid, int slot, int fd_in, int fd_out, int fd_beat, const char *input,
     size_t inlen, struct aslp_buf *out, const struct limits *lim, int *status,
     int *err)
{
	int pfd = exit_fd(pid);
	size_t off = 0;
	enum run_end end = RUN_EXITED;
	int64_t last_beat = aslp_real_ns();
	bool exited = false;
	sigset_t old;

	/* No pipe may block us: the deadlines are checked between polls. */
	fcntl(fd_out, F_SETFL, O_NONBLOCK);
	fcntl(fd_in, F_SETFL, O_NONBLOCK);
	if (fd_beat >= 0)
		fcntl(fd_beat, F_SETFL, O_NONBLOCK);
	while (!exited) {
		struct pollfd pf[4];
		int n = 0, timeout = -1, r, i_out = -1, i_in = -1, i_exit = -1, i_beat = -1;
		enum run_end which = RUN_EXITED;
		int64_t deadline = next_deadline(lim, last_beat, &which);

		if (fd_out >= 0) {
			pf[n].fd = fd_out;
			pf[n].events = POLLIN;
			i_out = n++;
		}
		if (fd_in >= 0) {
			pf[n].fd = fd_in;
			pf[n].events = POLLOUT;
			i_in = n++;
		}
		if (fd_beat >= 0) {
			pf[n].fd = fd_beat;
			pf[n].events = POLLIN;
			i_beat = n++;
		}
		if (pfd >= 0) {
			pf[n].fd = pfd;
			pf[n].events = POLLIN;
			i_exit = n++;
		} else {
			timeout = 10;	/* no pidfd: look at the child now and then */
		}
		if (deadline) {
			int64_t left = deadline - aslp_real_ns();

			if (left <= 0) {
				end = which;
				break;
			}
			left = left / 1000000 + 1;
			if (left > 60000)
				left = 60000;	/* poll's timeout is an int */
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		if (lim->ctx) {
			if (aslp_aborted(lim->ctx)) {
				end = RUN_ABORTED;
				break;
			}
			if (timeout < 0 || timeout > ABORT_POLL_MS)
				timeout = ABORT_POLL_MS;
		}
		r = poll(pf, (nfds_t)n, timeout);
		if (r < 0 && errno != EINTR) {
			*err = errno;
			end = RUN_IO_ERROR;
			break;
		}
		if (r <= 0)	/* timed out or interrupted: nothing to read or write */
			i_in = i_beat = i_out = -1;
		if (i_in >= 0 && pf[i_in].revents) {
			ssize_t w = pf[i_in].revents & POLLOUT ?
				write_quietly(fd_in, input + off, inlen - off) : -1;

			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == inlen) {
				/* done, or it closed its stdin */
				close(fd_in);
				fd_in = -1;
			}
		}
		if (i_beat >= 0 && pf[i_beat].revents) {
			int beat_err = 0;

			if (drain(fd_beat, NULL, &beat_err) > 0) {
				last_beat = aslp_real_ns();
			} else {	/* closed: no more heartbeats */
				close(fd_beat);
				fd_beat = -1;
			}
		}
		if (i_out >= 0 && pf[i_out].revents) {
			int d = drain(fd_out, out, err);

			if (d < 0) {
				end = RUN_IO_ERROR;
				break;
			}
			if (d == 0) {
				close(fd_out);
				fd_out = -1;
			}
			if (out->oom) {
				*err = ENOMEM;
				end = RUN_IO_ERROR;
				break;
			}
			if (out->len > lim->cap) {
				end = RUN_TOO_BIG;
				break;
			}
		}
		if ((i_exit >= 0 && r > 0 && pf[i_exit].revents) || pfd < 0 || fd_out < 0) {
			siginfo_t info;

			/* Exited, but not reaped: its group id stays ours to kill. */
			info.si_pid = 0;
			if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0)
				exited = info.si_pid == pid;
			else if (errno == ECHILD)
				exited = true;	/* reaped behind our back */
		}
	}
	if (exited && fd_out >= 0) {	/* what it wrote before exiting */
		char buf[65536];
		ssize_t got;

		while (out->len <= lim->cap && (got = read(fd_out, buf, sizeof buf)) > 0)
			aslp_buf_put(out, buf, (size_t)got);
	}
	/*
	** Whatever is left of its process group goes, now or on failure, and
	** the program itself if it left the group.
	*/
	hold_signals(&old);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	set_slot(slot, 0);	/* before its pid can be reused */
	*status = 0;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	if (fd_beat >= 0)
		close(fd_beat);
	if (pfd >= 0)
		close(pfd);
	return end;
}

/*
** A pipe whose two ends are at descriptor 10 or above and close on exec:
** then no end can be one of 0 to 3, which the child gets by dup2.
*/
static int
pipe_high(int fds[2])
{
	int p[2], i;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fds[i] = fcntl(p[i], F_DUPFD_CLOEXEC, 10);
		close(p[i]);
	}
	if (fds[0] < 0 || fds[1] < 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -1;
	}
	return 0;
}

/* What a run gave. */
struct run {
	enum run_end end;
	int status;		/* wait status, when RUN_EXITED */
	int err;		/* errno, when RUN_IO_ERROR */
	struct aslp_buf out;	/* its stdout */
};

/* Start the program of binding b on text and wait for it. 0, or an errno. */
static int
run(asl_ctx *ctx, const struct aslp_invoke *inv, const struct aslp_binding *b,
    const char *text, const struct limits *lim, struct run *rn)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl, old;
	int to_child[2], from_child[2], beat[2] = { -1, -1 }, r, slot;
	char *argv[4], **env;
	size_t inherited = 0;
	pid_t pid;

	if (pipe_high(to_child) < 0)
		return errno;
	if (pipe_high(from_child) < 0) {
		r = errno;
		close(to_child[0]);
		close(to_child[1]);
		return r;
	}
	if (lim->beat && pipe_high(beat) < 0) {
		r = errno;
		close(to_child[0]);
		close(to_child[1]);
		close(from_child[0]);
		close(from_child[1]);
		return r;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
	if (beat[1] >= 0)
		posix_spawn_file_actions_adddup2(&fa, beat[1], HEARTBEAT_FD);
	r = 0;
	if (b->dir) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 29)
		r = posix_spawn_file_actions_addchdir_np(&fa, b->dir);
#else
		r = ENOSYS;
#endif
	}
	/*
	** Its own process group, so that a timeout ends its children too;
	** SIGPIPE back to the default, which this process ignores.
	*/
	posix_spawnattr_init(&attr);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	hold_signals(&old);
	slot = claim_slot();	/* more programs than slots: this one goes unlisted */
	/* The program gets the process's mask, not this thread's. */
	posix_spawnattr_setsigmask(&attr, &ctx->run->sigmask);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETSIGMASK);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = b->command;
	argv[3] = NULL;
	env = r ? NULL : task_environ(ctx, inv, beat[1] >= 0, &inherited);
	if (!r)
		r = env ? posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env) : ENOMEM;
	set_slot(slot, r ? 0 : pid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free_environ(env, inherited);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(to_child[0]);
	close(from_child[1]);
	if (beat[1] >= 0)
		close(beat[1]);
	if (r != 0) {
		close(to_child[1]);
		close(from_child[0]);
		if (beat[0] >= 0)
			close(beat[0]);
		return r;
	}
	rn->end = pump(pid, slot, to_child[1], from_child[0], beat[0], text, strlen(text),
		       &rn->out, lim, &rn->status, &rn->err);
	return 0;
}

/* ---- the Lambda contract ---- */

/*
** The failure a handler reported with this error payload (len bytes):
** Error is its errorType; the Cause, for a Lambda, the payload as the
** service shows it, for other resources its errorMessage.
*/
static void
payload_error(asl_ctx *ctx, const struct aslp_invoke *inv, const char *payload,
	      size_t len)
{
	json_error_t err;
	bool oom;
	json_t *doc = aslp_loadb(payload, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
	json_t *type = json_object_get(doc, "errorType");
	json_t *msg = json_object_get(doc, "errorMessage");
	int kind = inv->t->kind;
	char *compact;

	if (oom) {
		aslp_oom(ctx);
		return;
	}
	if (kind != ASL_RES_LAMBDA && kind != ASL_RES_LAMBDA_INVOKE) {
		if (json_is_string(msg))
			aslp_fail(ctx, json_is_string(type) ? json_string_value(type) : "States.TaskFailed",
				  "%s", json_string_value(msg));
		else
			aslp_fail(ctx, json_is_string(type) ? json_string_value(type) : "States.TaskFailed",
				  "%.*s", (int)len, payload);
	} else if (!json_is_string(type)) {
		aslp_fail(ctx, "Lambda.Unknown",
			  "The cause could not be determined because Lambda did not return an error type. Returned payload: %.*s",
			  (int)len, payload);
	} else if (kind == ASL_RES_LAMBDA_INVOKE && (compact = asl_dumps(doc))) {
		/* lambda:invoke re-serializes the payload; the legacy form does not. */
		aslp_fail(ctx, json_string_value(type), "%s", compact);
		free(compact);
	} else {
		aslp_fail(ctx, json_string_value(type), "%.*s", (int)len, payload);
	}
	json_decref(doc);
}

/* A failure of the Lambda runtime itself, with Lambda's payload. */
static void
runtime_error(asl_ctx *ctx, const struct aslp_invoke *inv, const char *type,
	      const char *fmt, ...) ASLP_PRINTF(4, 5);

static void
runtime_error(asl_ctx *ctx, const struct aslp_invoke *inv, const char *type,
	      const char *fmt, ...)
{
	va_list ap;
	char *msg, *payload = NULL;
	json_t *doc;

	va_start(ap, fmt);
	msg = aslp_vprintf(fmt, ap);
	va_end(ap);
	doc = msg ? json_pack("{s:s, s:s}", "errorType", type, "errorMessage", msg) : NULL;
	if (doc)
		payload = asl_dumps(doc);
	if (payload)
		payload_error(ctx, inv, payload, strlen(payload));
	else
		aslp_oom(ctx);
	free(payload);
	json_decref(doc);
	free(msg);
}

/* The signal's name as Go prints it, in Lambda's "signal: killed". */
static char *
signal_name(int sig)
{
	char *s = aslp_printf("%s", strsignal(sig));

	if (s && s[0] >= 'A' && s[0] <= 'Z')
		s[0] = (char)(s[0] - 'A' + 'a');
	return s;
}

/*
** Is the output of a failed program an error payload? (Out of memory:
** yes, and payload_error says so.)
*/
static bool
is_error_payload(const char *s, size_t len)
{
	json_error_t err;
	bool oom;
	json_t *doc = aslp_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
	bool yes = oom || (json_is_object(doc) && (json_object_get(doc, "errorType") ||
						   json_object_get(doc, "errorMessage")));

	json_decref(doc);
	return yes;
}

/* s without the blanks around it: *len is updated. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len && strchr(" \t\r\n", s[0])) {
		s++;
		(*len)--;
	}
	while (*len && strchr(" \t\r\n", s[*len - 1]))
		(*len)--;
	return s;
}

json_t *
aslp_run_program(asl_ctx *ctx, const struct aslp_invoke *inv,
		 const struct aslp_binding *b)
{
	struct run rn;
	struct limits lim;
	json_t *result = NULL;
	json_error_t jerr;
	bool oom;
	const char *s;
	size_t len;
	char *text, *sig;
	int64_t now = aslp_real_ns();
	int r;

	memset(&rn, 0, sizeof rn);
	memset(&lim, 0, sizeof lim);
	text = asl_dumps(inv->input);
	if (!text)
		return (void)aslp_oom(ctx), NULL;
	lim.task = inv->timeout_ns ? now + inv->timeout_ns : 0;
	lim.beat = inv->heartbeat_ns;
	lim.func = b->timeout > 0 ? now + b->timeout * 1000000000 : 0;
	if (ctx->run->deadline_ns)	/* the execution's end, on the real clock */
		lim.exec = ctx->run->deadline_ns - ctx->skipped_ns;
	lim.ctx = ctx->group ? ctx : NULL;
	lim.cap = aslp_read_cap(ctx->run->payload_limit);
	r = run(ctx, inv, b, text, &lim, &rn);
	free(text);
	if (r) {
		aslp_fail_state(ctx, "States.Runtime", "Cannot run the task program '%s': %s",
				b->command, strerror(r));
		free(rn.out.s);
		return NULL;
	}
	len = rn.out.len;
	s = trim(rn.out.s ? rn.out.s : "", &len);
	switch (rn.end) {
	case RUN_EXEC_TIMEOUT:
		aslp_timed_out(ctx);
		break;
	case RUN_ABORTED:
		aslp_abort(ctx);
		break;
	case RUN_TASK_TIMEOUT:
	case RUN_HEARTBEAT:
		aslp_fail(ctx, "States.Timeout", NULL);
		break;
	case RUN_FUNC_TIMEOUT:
		runtime_error(ctx, inv, "Sandbox.Timedout",
			      "RequestId: %s Error: Task timed out after %lld.00 seconds",
			      inv->request_id, (long long)b->timeout);
		break;
	case RUN_TOO_BIG:
		aslp_task_too_big(ctx, inv->t);
		break;
	case RUN_IO_ERROR:
		aslp_fail_state(ctx, "States.Runtime", "Reading from the task program '%s' failed: %s",
				b->command, strerror(rn.err));
		break;
	case RUN_EXITED:
		if (WIFSIGNALED(rn.status)) {
			sig = signal_name(WTERMSIG(rn.status));
			runtime_error(ctx, inv, "Runtime.ExitError",
				      "RequestId: %s Error: Runtime exited with error: signal: %s",
				      inv->request_id, sig ? sig : "killed");
			free(sig);
		} else if (WEXITSTATUS(rn.status) != 0) {
			if (len && is_error_payload(s, len))
				payload_error(ctx, inv, s, len);
			else
				runtime_error(ctx, inv, "Runtime.ExitError",
					      "RequestId: %s Error: Runtime exited with error: exit status %d",
					      inv->request_id, WEXITSTATUS(rn.status));
		} else if (!len) {
			result = json_null();	/* the handler returned nothing */
		} else {
			result = aslp_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr, &oom);
			if (oom)
				aslp_oom(ctx);
			else if (!result)
				runtime_error(ctx, inv, "Runtime.MarshalError",
					      "Unable to marshal response: %s at line %d, column %d",
					      jerr.text, jerr.line, jerr.column);
		}
		break;
	}
	free(rn.out.s);
	return result;
}
