/*
** execute.c - one execution, from its options to its end: what the
** executable's command line (main.c) and a program that embeds a workflow
** (asl_execute) share.
**
**	aslp_prepare	the program's constants, mocks, test, bindings checked
**	aslp_begin	the execution's identity, clock and history
**	aslp_run_top	its events and its machine, to the end
**	aslp_end	everything released
**
** Messages about the options (a bindings file that does not parse, a Task
** with nothing to run) go to run.errf: stderr for the executable, a
** buffer that becomes asl_result.message for asl_execute. (Not a
** thread-local: tcc cannot link thread-local storage.)
*/
#include "aslrt_int.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool
aslp_add_binding(struct aslp_binding **bs, int *n, const char *name, size_t len,
		 const char *command, const char *dir, int64_t timeout)
{
	struct aslp_binding *b = realloc(*bs, (size_t)(*n + 1) * sizeof *b);

	if (!b)
		return false;
	*bs = b;
	b += (*n)++;
	memset(b, 0, sizeof *b);
	b->name = aslp_printf("%.*s", (int)len, name);
	b->command = strdup(command);
	b->dir = dir ? strdup(dir) : NULL;
	b->timeout = timeout;
	b->s3 = b->name && aslp_is_s3_name(b->name);
	return b->name != NULL && b->command != NULL && (!dir || b->dir);
}

void
aslp_free_bindings(struct aslp_binding *bs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(bs[i].name);
		free(bs[i].command);
		free(bs[i].dir);
	}
	free(bs);
}

/* --bindings FILE: {"NAME": "COMMAND" or {"Command": ..., "Timeout": N}}. */
int
aslp_load_bindings(struct aslp_binding **bs, int *nb, const char *file, const char *progname,
		   FILE *f)
{
	json_error_t err;
	bool oom;
	json_t *doc = aslp_load_file(file, JSON_REJECT_DUPLICATES, &err, &oom), *v;
	const char *key, *slash = strrchr(file, '/');
	char *dir = slash ? aslp_printf("%.*s", (int)(slash - file + 1), file) : NULL;
	int status = 0;

	if (!doc) {
		if (oom)
			fprintf(f, "%s: %s: out of memory\n", progname, file);
		else if (err.line < 1)	/* not a parse error: the file itself */
			fprintf(f, "%s: %s: %s\n", progname, file, err.text);
		else
			fprintf(f, "%s: %s:%d:%d: %s\n", progname, file, err.line,
				err.column, err.text);
		free(dir);
		return 2;
	}
	if (!json_is_object(doc)) {
		fprintf(f, "%s: %s: bindings are an object, {\"NAME\": \"COMMAND\", ...}\n",
			progname, file);
		status = 2;
	}
	json_object_foreach(doc, key, v) {
		json_t *cmd = json_is_object(v) ? json_object_get(v, "Command") : v;
		json_t *t = json_is_object(v) ? json_object_get(v, "Timeout") : NULL;
		const char *k2;
		json_t *m;

		if (status)
			break;
		if (json_is_object(v))
			json_object_foreach(v, k2, m)
				if (strcmp(k2, "Command") != 0 && strcmp(k2, "Timeout") != 0) {
					fprintf(f, "%s: %s: \"%s\": \"%s\" is not a field of a binding (Command, Timeout)\n",
						progname, file, key, k2);
					status = 2;
				}
		if (!*key || !json_is_string(cmd) || !json_string_length(cmd) ||
		    (t && !(json_is_integer(t) && json_integer_value(t) > 0 &&
			    json_integer_value(t) <= 99999999))) {
			fprintf(f, "%s: %s: \"%s\" must be a command, or {\"Command\": \"...\", \"Timeout\": SECONDS}\n",
				progname, file, key);
			status = 2;
		}
		if (!status && !aslp_add_binding(bs, nb, key, strlen(key), json_string_value(cmd),
						  dir ? dir : "./", t ? json_integer_value(t) : 0)) {
			fprintf(f, "%s: out of memory\n", progname);
			status = 2;
		}
	}
	json_decref(doc);
	free(dir);
	return status;
}

/*
** An unseeded execution's seed: /dev/urandom is read once per process
** (mixed with the time and the process id), and each execution takes
** the next of a counter mixed with it, through splitmix64: distinct for
** every execution, without a system call each time. A child that
** asl_execute's fork hooks see reads again (aslp_entropy_forked).
*/
static uint64_t entropy_base, entropy_count;	/* atomic; base 0 until read */

static uint64_t
entropy(void)
{
	uint64_t b = __atomic_load_n(&entropy_base, __ATOMIC_RELAXED), z;

	if (!b) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		b = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)getpid() << 32);
		if (fd >= 0) {
			uint64_t r;

			if (read(fd, &r, sizeof r) == (ssize_t)sizeof r)
				b ^= r;
			close(fd);
		}
		b |= 1;
		__atomic_store_n(&entropy_base, b, __ATOMIC_RELAXED);
	}
	z = b + __atomic_add_fetch(&entropy_count, 1, __ATOMIC_RELAXED) * 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
aslp_entropy_forked(void)
{
	__atomic_store_n(&entropy_base, 0, __ATOMIC_RELAXED);
}

/*
** Every Task state must have something to run before anything runs: a
** mocked response, a program, or a C handler.
*/
static bool
check_bindings(asl_ctx *ctx, const struct aslp_test_options *test)
{
	const asl_program *prog = ctx->run->prog;
	struct aslp_mocks *mocks = ctx->run->mocks;
	const char *progname = ctx->run->progname;
	struct aslp_run *run = ctx->run;
	const struct aslp_binding *b;
	FILE *f = NULL;
	int i, missing = 0, s3_missing = 0;

	/* What each task runs is found once, here (aslp_task_binding). */
	if (prog->ntask) {
		run->bound = calloc((size_t)prog->ntask, sizeof *run->bound);
		run->bound_handler = calloc((size_t)prog->ntask, sizeof *run->bound_handler);
		if (!run->bound || !run->bound_handler) {
			fprintf(aslp_errf(run), "%s: out of memory\n", progname);
			return false;
		}
	}
	for (i = 0; i < prog->ntask; i++) {
		const asl_task_desc *t = prog->tasks[i];

		if (mocks && aslp_mocked(mocks, t->state))
			continue;
		/* --test-state runs one state: its Task, unless mocked. */
		if (test && (test->mocked || strcmp(t->state, test->state) != 0))
			continue;
		if ((b = aslp_find_binding(ctx, t, t->function, &run->bound_handler[i])) != NULL) {
			run->bound[i] = b;
			continue;
		}
		/*
		** A FunctionName read from the input is known only when the
		** task runs: any binding may be the one it names.
		*/
		if (t->kind == ASL_RES_LAMBDA_INVOKE && !t->function &&
		    (ctx->run->nbinding || (prog->handlers && prog->handlers[0].name) ||
		     (ctx->run->handlers && ctx->run->handlers[0].name)))
			continue;
		if (!missing++)
			fprintf(f = aslp_errf(ctx->run), mocks ?
				"%s: note: the test case does not mock these Task states and nothing is bound to them; the execution fails if it reaches one:\n" :
				"%s: these Task states have nothing to run:\n", progname);
		fprintf(f, "  \"%s\": %s", t->state, t->resource);
		if (t->function)
			fprintf(f, " (FunctionName %s)", t->function);
		else if (t->kind == ASL_RES_LAMBDA_INVOKE)
			fprintf(f, " (FunctionName from the input)");
		fputc('\n', f);
	}
	/* The S3 objects and buckets of Distributed Maps: local files. */
	for (i = 0; i < prog->ns3 && !test; i++) {
		if (aslp_s3_bound(ctx->run, prog->s3[i]))
			continue;
		fprintf(aslp_errf(ctx->run), "%s: nothing is bound to %s (an ItemReader or ResultWriter reads or writes it); bind it to a file or directory with --bind %s=PATH\n",
			progname, prog->s3[i], prog->s3[i]);
		s3_missing++;
	}
	if (s3_missing)
		return false;
	/*
	** A test case mocks the states its path runs, as with Step Functions
	** Local; the others need not be bound.
	*/
	if (missing && !mocks)
		fprintf(f, "%s: bind each with --bind NAME=COMMAND or --bindings FILE, compile in a C handler, or mock it with --mock-config FILE --test-case NAME\n",
			progname);
	return missing == 0 || mocks;
}

FILE *
aslp_errf(struct aslp_run *run)
{
	if (!run->errf)
		run->errf = open_memstream(&run->errbuf, &run->errlen);
	if (!run->errf)
		run->errf = stderr;
	return run->errf;
}

void
aslp_init(struct aslp_execution *e)
{
	memset(e, 0, sizeof *e);
	pthread_mutex_init(&e->run.lock, NULL);
	e->ctx.run = &e->run;
	e->ctx.exec = &e->exec;
	e->exec.run = &e->run;
	e->run.errf = stderr;
	e->run.payload_limit = ASLP_PAYLOAD_LIMIT;
}

int
aslp_prepare(struct aslp_execution *e, asl_program *prog, const struct aslp_start *s)
{
	const asl_options *o = s->opt;

	e->run.progname = s->progname;
	/* Task programs start with the signal mask the process has now. */
	if (s->nbinding)
		pthread_sigmask(SIG_SETMASK, NULL, &e->run.sigmask);
	e->run.bindings = s->bindings;
	e->run.nbinding = s->nbinding;
	e->run.handlers = o->handlers;
	e->run.data = o->data;
	e->run.payload_limit = aslp_payload_limit(o);
	if (asl_program_init(prog) != 0)
		return 2;
	e->run.prog = prog;
	if (s->test && s->test->state &&
	    !(e->test = aslp_test_new(prog, s->test, s->progname)))
		return 2;
	e->exec.sm_name = strdup(o->state_machine ? o->state_machine : prog->name);
	if (!e->exec.sm_name) {
		fprintf(aslp_errf(&e->run), "%s: out of memory\n", s->progname);
		return 2;
	}
	if (o->test_case) {
		const char *file = o->mock_config ? o->mock_config : getenv("SFN_MOCK_CONFIG");

		e->run.mocks = aslp_mocks_load(file && *file ? file : "MockConfigFile.json",
					       e->exec.sm_name, o->test_case, prog, &e->run);
		if (!e->run.mocks)
			return 2;
	}
	if (!check_bindings(&e->ctx, e->test ? s->test : NULL))
		return 2;
	return 0;
}

int
aslp_begin(struct aslp_execution *e, json_t *input, char *input_text, const asl_options *o)
{
	struct aslp_run *run = &e->run;
	struct aslp_exec *exec = &e->exec;
	const asl_program *prog = run->prog;
	int64_t now;

	exec->input = input;
	exec->input_text = input_text;
	e->ctx.rng = o->seeded ? o->seed : entropy();
	run->virtual_clock = o->virtual_clock || e->test;	/* a test waits for nothing */
	run->need_time = prog->uses_context || prog->timeout > 0;
	run->max_threads = o->max_threads > 0 ? o->max_threads : ASLP_DEFAULT_THREADS;
	if (run->max_threads > ASLP_MAX_THREADS)
		run->max_threads = ASLP_MAX_THREADS;
	run->max_events = o->max_events > 0 ? o->max_events : o->max_events < 0 ? 0 :
		ASLP_MAX_EVENTS;
	now = aslp_now_ns(&e->ctx);
	exec->start.sec = now / 1000000000;
	exec->start.nsec = (int32_t)(now % 1000000000 / 1000000 * 1000000);
	/* TimeoutSeconds, within the service's one-year limit. */
	run->deadline_ns = now + (prog->timeout > 0 && prog->timeout < ASLP_MAX_DURATION ?
				  prog->timeout : ASLP_MAX_DURATION) * 1000000000;
	run->region = strdup(o->region ? o->region : "us-east-1");
	run->account = strdup(o->account ? o->account : "123456789012");
	exec->name = o->name ? strdup(o->name) : aslp_uuid(&e->ctx);
	if (!run->region || !run->account || !exec->name)
		goto oom;
	{
		const char *sm[] = { "arn:aws:states:", run->region, ":", run->account,
				     ":stateMachine:", exec->sm_name };
		const char *ex[] = { "arn:aws:states:", run->region, ":", run->account,
				     ":execution:", exec->sm_name, ":", exec->name };
		const char *role[] = { "arn:aws:iam::", run->account,
				       ":role/service-role/StepFunctions-", exec->sm_name, "-role" };

		exec->sm_arn = aslp_concat(sm, 6);
		exec->arn = aslp_concat(ex, 8);
		exec->role_arn = aslp_concat(role, 5);
	}
	if (!exec->sm_arn || !exec->arn || !exec->role_arn)
		goto oom;
	if (o->history) {
		if (aslp_history_open(&e->history, o->history, o->history_max, run->progname,
				      aslp_errf(run)) != 0)
			return 2;
		e->history.exec = exec;
		run->history = &e->history;
	}
	run->trace = o->trace;
	run->trace_color = o->trace && isatty(2) && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	e->ctx.status = ASLP_RUNNING;
	return 0;
oom:
	fprintf(aslp_errf(run), "%s: out of memory\n", run->progname);
	return 2;
}

/* The execution's last event: Succeeded with its output, or how it failed. */
static void
execution_ended(asl_ctx *ctx, json_t *output)
{
	json_t *d = NULL;

	if (aslp_recording(ctx)) {
		if (ctx->status == ASLP_SUCCEEDED)
			d = aslp_event_data(ctx, "output", output);
		else
			d = aslp_error_details(ctx);
	}
	aslp_event(ctx, ctx->status == ASLP_SUCCEEDED ? "ExecutionSucceeded" :
		   ctx->status == ASLP_TIMED_OUT ? "ExecutionTimedOut" : "ExecutionFailed", d);
}

json_t *
aslp_run_top(struct aslp_execution *e)
{
	asl_ctx *ctx = &e->ctx;
	struct aslp_exec *exec = &e->exec;
	json_t *io;

	if (aslp_recording(ctx)) {
		/* The input as the client sent it. */
		json_t *d = json_pack("{s:o, s:{s:b}, s:s}", "input", exec->input_text ?
				      json_string(exec->input_text) :
				      aslp_event_text(ctx, exec->input),
				      "inputDetails", "truncated", 0, "roleArn", exec->role_arn);

		aslp_event(ctx, "ExecutionStarted", d);
	} else {
		aslp_event(ctx, "ExecutionStarted", NULL);
	}
	ctx->last_event = 0;	/* the first state follows no event */
	io = e->run.prog->run(ctx, json_incref(exec->input));
	if (io) {
		ctx->status = ASLP_SUCCEEDED;
	} else if (ctx->status == ASLP_RUNNING) {	/* an error without a record */
		aslp_fail(ctx, "States.Runtime", "internal error");
	}
	if (!io && e->run.trace)
		aslp_trace(ctx, false);
	execution_ended(ctx, io);
	return io;
}

void
aslp_end(struct aslp_execution *e)
{
	aslp_ctx_free(&e->ctx);
	aslp_test_free(e->test);
	aslp_exec_free(&e->exec);
	aslp_run_free(&e->run);
}

/* ---- asl_execute ---- */

/* The text of *buf, trimmed of its last newline, or a copy of dflt. */
static char *
message(char *buf, const char *dflt)
{
	size_t n = buf ? strlen(buf) : 0;

	if (!n) {
		free(buf);
		return strdup(dflt);
	}
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

/*
** Make what v holds the host's own, in place: v is held by the host alone
** (its reference count is 1). A member is copied when something else
** holds it too: a constant of the program (immortal: see exec.c) always;
** anything else (the host's input, a part the output holds twice) unless
** share allows it. What only v holds is kept, so an output the execution
** built is not copied again. Returns false on OOM.
*/
static bool own_members(json_t *v, bool share);

/*
** Member m of a value being made the host's: NULL if it may stay (the
** members it holds made the host's too), else its copy in *c. false on OOM.
*/
static bool
own_member(json_t *m, json_t **c, bool share)
{
	*c = NULL;
	if (json_is_true(m) || json_is_false(m) || json_is_null(m))
		return true;
	if (m->refcount == 1 || (share && m->refcount != (size_t)-1))
		return own_members(m, share);
	return (*c = json_deep_copy(m)) != NULL;
}

static bool
own_members(json_t *v, bool share)
{
	json_t *c;
	void *it;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return true;
	for (it = json_object_iter(v); it; it = json_object_iter_next(v, it))
		if (!own_member(json_object_iter_value(it), &c, share) ||
		    (c && json_object_iter_set_new(v, it, c)))
			return false;
	for (i = 0; i < json_array_size(v); i++)	/* none unless v is an array */
		if (!own_member(json_array_get(v, i), &c, share) ||
		    (c && json_array_set_new(v, i, c)))
			return false;
	return true;
}

/*
** The host's own value of v (consumed), or NULL on OOM. With share, it
** may hold what others hold too, constants excepted (a shared part of
** the host's input has no constant in it, as the execution changes
** nothing it shares; a part the output holds twice may).
*/
static json_t *
own_value(json_t *v, bool share)
{
	json_t *c;

	if (json_is_true(v) || json_is_false(v) || json_is_null(v))
		return v;
	if (v->refcount != 1 && !(share && v->refcount != (size_t)-1)) {
		c = json_deep_copy(v);
		json_decref(v);
		return c;
	}
	if (!own_members(v, share)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static int
refused(asl_result *res, char *buf, const char *dflt)
{
	res->status = ASL_EXEC_REFUSED;
	res->message = message(buf, dflt);
	return res->status;
}

/* What is wrong with opt, as the command line would refuse it, or NULL. */
static const char *
bad_option(const asl_options *o)
{
	const char *const names[] = { o->name, o->state_machine, o->region, o->account,
				      o->mock_config, o->test_case };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i] && (!*names[i] || !aslp_utf8_valid(names[i])))
			return "the names of asl_options (name, state_machine, region, account, "
				"mock_config, test_case) must be non-empty UTF-8 text";
	if (o->mock_config && !o->test_case)
		return "asl_options: mock_config needs test_case, the test case to run";
	if (o->history_max < 0 || o->max_threads < 0 || o->max_threads > ASLP_MAX_THREADS)
		return "asl_options: history_max must be 0 or more, and max_threads from 0 to "
			ASLP_STR(ASLP_MAX_THREADS);
	return NULL;
}

/*
** A task program that ends is waited for: a host that lets the kernel
** reap its children (SIGCHLD ignored) would lose their exit status.
*/
static bool
children_reaped(void)
{
	struct sigaction sa;

	return sigaction(SIGCHLD, NULL, &sa) == 0 &&
		(sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT));
}

/*
** Run prog on input (consumed); input_text (owned, or NULL) is its text as
** the host sent it. size and depth are the input's as aslp_measure finds
** them against the payload limit, when depth is not -1.
*/
static int
execute(asl_program *prog, json_t *input, char *input_text, size_t size, int depth,
	const asl_options *opt, asl_result *res)
{
	static const asl_options defaults;
	struct aslp_execution e;
	struct aslp_start s;
	struct aslp_binding *bs = NULL;
	int nb = 0, status = 0, i;
	char *buf;
	json_t *out;
	const char *msg;

	if (!opt)
		opt = &defaults;
	aslp_pool_fork_safe();
	if ((msg = bad_option(opt)) != NULL) {
		json_decref(input);
		free(input_text);
		return refused(res, strdup(msg), msg);
	}
	if (prog->abi != ASLRT_ABI) {
		json_decref(input);
		free(input_text);
		return refused(res, aslp_printf("the workflow was compiled for runtime ABI %d, and "
						"this runtime is ABI %d: compile it again with this "
						"aslc", prog->abi, ASLRT_ABI), "wrong runtime ABI");
	}
	/*
	** Set-up messages go to a buffer, opened when the first comes
	** (aslp_errf), and the host gets them as res->message.
	*/
	aslp_init(&e);
	e.run.errf = NULL;
	for (i = 0; opt->bind && opt->bind[i] && !status; i++) {
		const char *b = opt->bind[i], *eq = strchr(b, '=');

		if (!eq || eq == b || !eq[1]) {
			fprintf(aslp_errf(&e.run), "%s: a binding is NAME=COMMAND, not '%s'\n",
				prog->name, b);
			status = 2;
		} else if (!aslp_add_binding(&bs, &nb, b, (size_t)(eq - b), eq + 1, NULL, 0)) {
			fprintf(aslp_errf(&e.run), "%s: out of memory\n", prog->name);
			status = 2;
		}
	}
	if (!status && opt->bindings)
		status = aslp_load_bindings(&bs, &nb, opt->bindings, prog->name,
					    aslp_errf(&e.run));
	if (!status && nb && children_reaped()) {
		fprintf(aslp_errf(&e.run), "%s: SIGCHLD is ignored in this process, so the exit "
			"status of a task program would be lost: restore it (signal(SIGCHLD, "
			"SIG_DFL)) before running a workflow with bindings\n", prog->name);
		status = 2;
	}
	memset(&s, 0, sizeof s);
	s.opt = opt;
	s.bindings = bs;
	s.nbinding = nb;
	s.progname = prog->name;
	if (!status)
		status = aslp_prepare(&e, prog, &s);
	if (!status) {
		status = aslp_begin(&e, input, input_text, opt);
		input = NULL;
		input_text = NULL;
	}
	if (e.run.errf && e.run.errf != stderr)
		fclose(e.run.errf);
	buf = e.run.errbuf;
	e.run.errbuf = NULL;
	e.run.errf = stderr;
	json_decref(input);
	free(input_text);
	if (status) {
		aslp_end(&e);
		aslp_free_bindings(bs, nb);
		return refused(res, buf, "the execution could not start");
	}
	free(buf);
	if (depth >= 0) {	/* the first state's input is measured */
		e.ctx.measured = e.exec.input;
		e.ctx.measured_size = size;
		e.ctx.measured_depth = depth;
	}
	out = aslp_run_top(&e);
	res->name = strdup(e.exec.name);
	if (out) {
		res->status = ASL_EXEC_SUCCEEDED;
		res->output = opt->no_output_text ? NULL : asl_dumps(out);
	} else {
		res->status = e.ctx.status == ASLP_TIMED_OUT ? ASL_EXEC_TIMED_OUT : ASL_EXEC_FAILED;
		res->error = e.ctx.error ? strdup(e.ctx.error) : NULL;
		res->cause = e.ctx.cause ? strdup(e.ctx.cause) : NULL;
		res->state = e.ctx.state ? strdup(e.ctx.state->name) : NULL;
	}
	if (e.run.history && aslp_history_close(&e.history, prog->name) != 0)
		res->message = strdup("the history could not be written (see stderr)");
	aslp_end(&e);
	aslp_free_bindings(bs, nb);
	if (out) {
		/*
		** The host's own value, now that the execution has let go of
		** its references: the output may share values with the
		** program's constants, the host's input and other executions.
		*/
		res->value = own_value(out, opt->share_input);
		if ((!res->output && !opt->no_output_text) || !res->value) {
			res->status = ASL_EXEC_FAILED;
			res->error = strdup("States.Runtime");
			res->cause = strdup("out of memory");
			free(res->output);
			json_decref(res->value);
			res->output = NULL;
			res->value = NULL;
		}
	}
	return res->status;
}

int
asl_execute(asl_program *prog, const char *input, const asl_options *opt, asl_result *res)
{
	static const asl_options none;
	json_error_t err;
	bool oom;
	size_t n, start, limit;
	json_t *v;

	memset(res, 0, sizeof *res);
	if (!input)
		input = "";
	n = strlen(input);
	/* As the executable reads it: no byte order mark, no blanks around. */
	start = n >= 3 && memcmp(input, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	start += strspn(input + start, " \t\r\n");
	while (n > start && strchr(" \t\r\n", input[n - 1]))
		n--;
	if (n == start)
		return execute(prog, json_object(), NULL, 0, -1, opt, res);
	if (n - start > (limit = aslp_payload_limit(opt ? opt : &none))) {
		char *m = aslp_printf("the input is %zu bytes, more than %s of %zu bytes",
				      n - start, aslp_limit_owner(limit), limit);

		return refused(res, m, "the input is too large");
	}
	v = aslp_loadb(input + start, n - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err, &oom);
	if (oom)
		return refused(res, NULL, "out of memory");
	if (!v)
		return refused(res, aslp_printf("the input is not JSON: %s at line %d, column %d",
						err.text, err.line, err.column), "the input is not JSON");
	return execute(prog, v, aslp_printf("%.*s", (int)(n - start), input + start), 0, -1, opt,
		       res);
}

int
asl_execute_value(asl_program *prog, json_t *input, const asl_options *opt, asl_result *res)
{
	static const asl_options none;
	size_t size, limit;
	int depth;

	memset(res, 0, sizeof *res);
	if (!input)
		return execute(prog, json_object(), NULL, 0, -1, opt, res);
	limit = aslp_payload_limit(opt ? opt : &none);
	if (limit == SIZE_MAX)
		size = 0, depth = aslp_depth(input, ASLP_MAX_DEPTH);
	else
		size = aslp_measure(input, limit + 1, ASLP_MAX_DEPTH, &depth);
	if (depth > ASLP_MAX_DEPTH)
		return refused(res, aslp_printf("the input is nested more than %d levels deep",
						ASLP_MAX_DEPTH), "the input is nested too deep");
	if (size > limit)
		return refused(res, aslp_printf("the input is %zu bytes, more than %s of %zu bytes",
						size, aslp_limit_owner(limit), limit),
			       "the input is too large");
	/*
	** Shared, not copied: the execution changes no value that another
	** holds (it copies what it changes unless its reference is the
	** only one), and the host's reference is one.
	*/
	return execute(prog, json_incref(input), NULL, size, depth, opt, res);
}

void
asl_result_free(asl_result *res)
{
	if (!res)
		return;
	free(res->output);
	json_decref(res->value);
	free(res->error);
	free(res->cause);
	free(res->state);
	free(res->message);
	free(res->name);
	memset(res, 0, sizeof *res);
}
