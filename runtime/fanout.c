/*
** fanout.c - Parallel and Map: branches and iterations on threads.
**
** A Parallel state runs each branch, a Map state its item processor on
** each item, as a child line of control (an asl_ctx of its own) that
** shares the execution: the history counter, the bindings, the clock's
** deadline. The children of one state form a group. The calling thread
** and helpers from the process's pool, at most MaxConcurrency of them,
** take the children in order from a shared counter; each child's
** output goes to its own slot of the result, so the result is in branch
** or item order whatever the order the children end in.
**
** Nothing a child can reach is written by another thread: the input is
** shared read-only (every step copies before it modifies a value that
** has another reference), the parent's variables cannot change while the
** parent waits in the state, and what children report goes through the
** group's lock.
**
** The first child that fails stops the group: the others stop at their
** next state, wait or retry (their status is ABORTED, and their errors
** are not reported), no new child starts, and the state fails with the
** failed child's error and cause, as the service reports them.
*/
#include "aslrt_int.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The stack of a worker thread: deep documents recurse in jansson. */
#define WORKER_STACK (8 * 1024 * 1024)

struct aslp_group {
	struct aslp_group *outer;	/* the group the parent runs in */
	int stop;		/* atomic: a child failed, the rest stop */
	pthread_mutex_t lock;	/* guards the fields below */
	bool failed;		/* the first failure: */
	char *error, *cause;
	bool terminal;
	int status;		/* ASLP_FAILED or ASLP_TIMED_OUT */
	int64_t skipped_ns;	/* the virtual clock: the furthest a child got */
	/*
	** The history's chain (see fanout.c's header): the last event of any
	** child, the failed child's last event before its end, and the last
	** inner event of the iteration that ended last.
	*/
	long last_event, fail_event, prev_inner;
};

/* ---- aborting ---- */

bool
aslp_aborted(asl_ctx *ctx)
{
	struct aslp_group *g;

	for (g = ctx->group; g; g = g->outer)
		if (__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

int
aslp_abort(asl_ctx *ctx)
{
	aslp_fail(ctx, "States.Aborted", NULL);
	ctx->status = ASLP_ABORTED;
	ctx->terminal = true;	/* neither retried nor caught */
	return ASL_FAIL;
}

/* ---- the children ---- */

/* A child of parent in group g, on the parent's state, with its own generator. */
static void
child_init(asl_ctx *c, asl_ctx *parent, struct aslp_group *g, uint64_t seed)
{
	memset(c, 0, sizeof *c);
	c->run = parent->run;
	c->exec = parent->exec;
	c->outer = parent;
	c->group = g;
	/* Until it enters a state, a child works for the parent's state. */
	c->state = parent->state;
	c->entered_event = parent->entered_event;
	c->last_event = parent->last_event;	/* its events follow the start */
	c->inner_event = parent->last_event;
	c->entered = parent->entered;
	c->retry_count = parent->retry_count;
	c->skipped_ns = parent->skipped_ns;
	c->status = ASLP_RUNNING;
	c->rng = seed;
}

/* What a finished child reports to its group; frees the child. */
static void
child_done(asl_ctx *c, struct aslp_group *g, json_t *out)
{
	pthread_mutex_lock(&g->lock);
	if (c->skipped_ns > g->skipped_ns)
		g->skipped_ns = c->skipped_ns;
	if (c->last_event > g->last_event)
		g->last_event = c->last_event;
	if (!out && c->status != ASLP_ABORTED) {
		if (c->status == ASLP_RUNNING)		/* not reached: no error */
			aslp_fail(c, "States.Runtime", "internal error");
		if (!g->failed) {
			g->failed = true;
			g->fail_event = c->inner_event;
			g->error = c->error;
			g->cause = c->cause;
			c->error = c->cause = NULL;
			g->terminal = c->terminal;
			g->status = c->status;
		}
		__atomic_store_n(&g->stop, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&g->lock);
	if (!out && c->run->trace && c->status != ASLP_ABORTED && c->state != c->outer->state)
		aslp_trace(c, false);	/* the state where the child failed */
	aslp_ctx_free(c);
}

/*
** After the children: the parent takes on the virtual clock's progress
** and the first failure. Returns ASL_OK or ASL_FAIL.
*/
static int
group_end(asl_ctx *parent, struct aslp_group *g)
{
	int r = ASL_OK;

	if (g->skipped_ns > parent->skipped_ns)
		parent->skipped_ns = g->skipped_ns;
	/*
	** The state's next event follows the failed child's last event, or
	** the last event of all (a Map's: its last iteration's end).
	*/
	if (g->failed)
		parent->last_event = g->fail_event;
	else if (g->last_event)
		parent->last_event = g->last_event;
	if (g->failed) {
		if (g->status == ASLP_TIMED_OUT)
			aslp_timed_out(parent);
		else
			aslp_fail_taken(parent, g->error, g->cause);
		g->error = g->cause = NULL;
		parent->terminal = g->terminal;
		r = ASL_FAIL;
	} else if (parent->group && aslp_aborted(parent)) {
		r = aslp_abort(parent);	/* stopped from further out */
	}
	free(g->error);
	free(g->cause);
	pthread_mutex_destroy(&g->lock);
	return r;
}

/* ---- workers ---- */

/* One run of a Parallel or Map state: n children, taken in order. */
struct fan {
	struct aslp_group g;
	asl_ctx *parent;
	size_t n;
	size_t next;		/* atomic: the next child to start */
	json_t **results;	/* one slot per child */
	uint64_t seed;		/* the children's generators derive from it */
	json_t *input;		/* Parallel: the branches' input; Map: the
				   effective input, ItemSelector's $ */
	const asl_parallel_desc *par;
	const asl_map_desc *map;
	json_t *items;		/* Map: the items */
	json_t *sources;	/* an ItemReader's $$.Map.Item.Source: one for all
				   items (a string), or one each (an array) */
	/* Distributed Map: child executions and their tolerance. */
	char *run_name;		/* "<state machine>/<Label or id>" */
	char *run_id;		/* the Map Run's id */
	bool batched;		/* items are batches (ItemBatcher) */
	size_t total;		/* items (of all batches) */
	size_t failures;	/* items failed so far (g.lock) */
	int64_t tolerated_count;	/* 0: not set */
	double tolerated_percentage;	/* 0: not set */
	json_t **records;	/* ResultWriter: each child's entry */
	/* The pool's (its lock): */
	struct fan *next_open;	/* the next fan that wants helpers */
	bool listed;		/* on the pool's open list */
	size_t want;		/* helpers it can use */
	size_t helpers;		/* helpers running its children */
};

/* The generator of child i: splitmix64 of the state's draw and i. */
static uint64_t
child_seed(const struct fan *f, size_t i)
{
	uint64_t state = f->seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL;

	return aslp_splitmix64(&state);
}

/*
** The input of item i: the item, or what ItemSelector makes of the Map's
** effective input with $$.Map.Item set. c works for the Map state, in
** its scope; $$.Map goes away after, as the iteration's states do not
** see it.
*/
static json_t *
item_input(asl_ctx *c, const struct fan *f, size_t i)
{
	json_t *item = json_array_get(f->items, i), *in;

	if (!f->map->selector)
		return json_incref(item);
	c->map_value = item;
	c->map_index = i;
	c->map_source = !f->sources ? "STATE_DATA" : json_is_array(f->sources) ?
		json_string_value(json_array_get(f->sources, i)) : json_string_value(f->sources);
	if (f->map->jsonata)
		in = aslp_jn_template(c, f->map->selector, f->input, NULL, NULL);
	else
		in = asl_parameters(c, f->map->selector, json_incref(f->input));
	json_decref(c->map_item);
	json_decref(c->map_index_json);
	json_decref(c->context);
	c->map_value = c->map_item = c->map_index_json = c->context = NULL;
	c->map_source = NULL;
	return in;
}

/*
** Has a Distributed Map failed past its tolerance with f->failures of
** f->n children failed? A threshold of 0 is no threshold; the service
** compares strictly.
*/
static bool
beyond_tolerance(const struct fan *f)
{
	if (f->tolerated_count == 0 && f->tolerated_percentage == 0)
		return f->failures > 0;
	return (f->tolerated_count > 0 && (int64_t)f->failures > f->tolerated_count) ||
	       (f->tolerated_percentage > 0 &&
		(double)f->failures * 100 > f->tolerated_percentage * (double)f->total);
}

/*
** A child execution of a Distributed Map failed: a tolerated failure
** takes its place in the result; one too many fails the Map.
*/
static json_t *
child_failed(struct fan *f, size_t i, asl_ctx *c)
{
	json_t *r;

	pthread_mutex_lock(&f->g.lock);
	/* A failed batch counts each of its items. */
	f->failures += f->batched ? json_array_size(json_object_get(json_array_get(f->items, i),
								      "Items")) : 1;
	if (!f->g.failed && beyond_tolerance(f)) {
		f->g.failed = true;
		f->g.error = aslp_printf("States.ExceedToleratedFailureThreshold");
		f->g.cause = aslp_printf("The specified tolerated failure threshold was exceeded");
		f->g.status = ASLP_FAILED;
		__atomic_store_n(&f->g.stop, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&f->g.lock);
	r = json_pack("{s:s}", "Status", "FAILED");
	if (r && c->error)
		json_object_set_new(r, "Error", json_string(c->error));
	if (r && c->cause)
		json_object_set_new(r, "Cause", json_string(c->cause));
	return r;
}

/*
** The entry of a child execution in a ResultWriter's files, with the
** fields (and their order) of the service's: Input and Output as JSON
** text; Error and Cause for a failure, with no Output.
*/
static json_t *
record(const struct aslp_exec *ex, const asl_ctx *x, json_t *out, int64_t stop_ns)
{
	bool ok = out != NULL;
	char *in = asl_dumps(ex->input), *text = ok ? asl_dumps(out) : NULL;
	json_t *r = json_object();

	if (!r || !in || (ok && !text))
		goto oom;
	if (!ok && ((x->cause && json_object_set_new(r, "Cause", json_string(x->cause))) ||
		    (x->error && json_object_set_new(r, "Error", json_string(x->error)))))
		goto oom;
	if (json_object_set_new(r, "ExecutionArn", json_string(ex->arn)) ||
	    json_object_set_new(r, "Input", json_string(in)) ||
	    json_object_set_new(r, "InputDetails", json_pack("{s:b}", "Included", 1)) ||
	    json_object_set_new(r, "Name", json_string(ex->name)) ||
	    (ok && json_object_set_new(r, "Output", json_string(text))) ||
	    json_object_set_new(r, "OutputDetails", json_pack("{s:b}", "Included", 1)) ||
	    json_object_set_new(r, "RedriveCount", json_integer(0)) ||
	    json_object_set_new(r, "RedriveStatus",
				json_string(ok ? "NOT_REDRIVABLE" : "REDRIVABLE_BY_MAP_RUN")) ||
	    (ok && json_object_set_new(r, "RedriveStatusReason",
				       json_string("Execution is SUCCEEDED and cannot be redriven"))) ||
	    json_object_set_new(r, "StartDate",
				aslp_time_json(ex->start.sec * 1000000000 + ex->start.nsec)) ||
	    json_object_set_new(r, "StateMachineArn", json_string(ex->sm_arn)) ||
	    json_object_set_new(r, "Status", json_string(ok ? "SUCCEEDED" : "FAILED")) ||
	    json_object_set_new(r, "StopDate", aslp_time_json(stop_ns)))
		goto oom;
	free(in);
	free(text);
	return r;
oom:
	free(in);
	free(text);
	json_decref(r);
	return NULL;
}

/* Branch i of a Parallel. */
static json_t *
run_branch(struct fan *f, size_t i, asl_ctx *c)
{
	json_t *out = f->par->branches[i](c, json_incref(f->input));

	c->inner_event = c->last_event;
	return out;
}

/* Iteration i of an inline Map, in the parent's history. */
static json_t *
run_iteration(struct fan *f, size_t i, asl_ctx *c)
{
	json_t *in, *out = NULL;
	const char *name = c->state ? c->state->name : "";
	bool rec = aslp_recording(c);

	/* An iteration starts after the last inner event of the one before. */
	pthread_mutex_lock(&f->g.lock);
	if (f->g.prev_inner)
		c->last_event = f->g.prev_inner;
	pthread_mutex_unlock(&f->g.lock);
	aslp_event(c, "MapIterationStarted",
		   rec ? json_pack("{s:s, s:I}", "name", name, "index", (json_int_t)i) : NULL);
	in = item_input(c, f, i);
	if (in)
		out = f->map->processor(c, in);
	c->inner_event = c->last_event;
	aslp_event(c, out ? "MapIterationSucceeded" : c->status == ASLP_ABORTED ?
		   "MapIterationAborted" : "MapIterationFailed",
		   rec ? json_pack("{s:s, s:I}", "name", name, "index", (json_int_t)i) : NULL);
	pthread_mutex_lock(&f->g.lock);
	f->g.prev_inner = c->inner_event;
	pthread_mutex_unlock(&f->g.lock);
	return out;
}

/*
** Item i of a Distributed Map: an execution of its own, with its own
** name, history and $$, that sees no variable of the parent's.
*/
static json_t *
run_child_execution(struct fan *f, size_t i, asl_ctx *c)
{
	struct aslp_run *run = c->run;
	struct aslp_exec ex;
	asl_ctx x;
	json_t *in, *out = NULL;
	int64_t now;

	/* In the Map's scope: the item, its ItemSelector, or a batch of them. */
	in = f->batched ? json_incref(json_array_get(f->items, i)) : item_input(c, f, i);
	if (!in)
		return NULL;
	memset(&ex, 0, sizeof ex);
	ex.run = run;
	ex.input = in;
	ex.name = aslp_uuid(c);
	ex.sm_name = aslp_printf("%s", f->run_name);
	ex.sm_arn = aslp_printf("arn:aws:states:%s:%s:stateMachine:%s", run->region,
				run->account, f->run_name);
	ex.arn = aslp_printf("arn:aws:states:%s:%s:execution:%s:%s", run->region,
			     run->account, f->run_name, ex.name ? ex.name : "");
	ex.role_arn = aslp_printf("%s", c->exec->role_arn);
	now = aslp_now_ns(c);
	ex.start.sec = now / 1000000000;
	ex.start.nsec = (int32_t)(now % 1000000000 / 1000000 * 1000000);
	child_init(&x, c, c->group, aslp_random(c));
	x.exec = &ex;
	x.outer = NULL;		/* no outer variables */
	x.state = NULL;
	x.entered_event = 0;
	if (!ex.name || !ex.sm_name || !ex.sm_arn || !ex.arn || !ex.role_arn) {
		aslp_oom(c);
		goto done;
	}
	/* Its history is its own: counted, not written. */
	x.last_event = 0;
	aslp_event(&x, "ExecutionStarted", NULL);
	out = f->map->processor(&x, json_incref(in));
	aslp_event(&x, "ExecutionSucceeded", NULL);	/* or Failed, TimedOut */
	if (f->records && x.status != ASLP_ABORTED && x.status != ASLP_TIMED_OUT &&
	    !(f->records[i] = record(&ex, &x, out, aslp_now_ns(&x)))) {
		json_decref(out);
		out = NULL;
		aslp_oom(c);
		goto done;
	}
	if (!out && x.status != ASLP_ABORTED) {
		if (x.status == ASLP_TIMED_OUT) {	/* the whole execution's time */
			aslp_timed_out(c);
		} else {
			out = child_failed(f, i, &x);
			if (!out)
				aslp_oom(c);
		}
	} else if (!out) {
		aslp_abort(c);
	}
done:
	if (x.skipped_ns > c->skipped_ns)
		c->skipped_ns = x.skipped_ns;
	aslp_ctx_free(&x);
	aslp_exec_free(&ex);
	return out;
}

static void
run_child(struct fan *f, size_t i)
{
	asl_ctx c;
	json_t *out;

	child_init(&c, f->parent, &f->g, child_seed(f, i));
	if (f->par)
		out = run_branch(f, i, &c);
	else if (f->map->distributed)
		out = run_child_execution(f, i, &c);
	else
		out = run_iteration(f, i, &c);
	f->results[i] = out;
	child_done(&c, &f->g, out);
}

/* Run children of f until none is left to start or the group stops. */
static void
take_children(struct fan *f)
{
	size_t i;

	while (!__atomic_load_n(&f->g.stop, __ATOMIC_ACQUIRE) &&
	       (i = __atomic_fetch_add(&f->next, 1, __ATOMIC_RELAXED)) < f->n)
		run_child(f, i);
}

/* ---- the thread pool ---- */

/*
** The threads of a process are one pool of helpers, started when first
** wanted and kept until the process ends, shared by every execution in
** it: a host that runs executions one after another (asl_execute) pays
** for its threads once, not at every Parallel of every execution. An
** execution uses at most its --max-threads - 1 of them at once (its
** run's helpers), and the pool holds no more than the largest of these
** it has been asked for.
**
** A state that fans out runs its children on its own thread and posts
** itself as open, wanting up to width - 1 helpers; an idle helper takes
** the oldest open fan whose execution may have another and runs
** children of it until none is left. The posting thread never waits for
** a helper to come: it starts children itself, so a nested Parallel or
** Map makes progress whatever the pool is busy with, and the threads
** that work for one execution stay within its --max-threads (with its
** own thread) however deep the nesting.
*/
static struct {
	pthread_mutex_t lock;	/* guards the fields below and the fans' */
	pthread_cond_t work;	/* a fan was posted, or the pool closes */
	pthread_cond_t left;	/* a helper left a fan */
	struct fan *open;	/* fans that want helpers, oldest first */
	pthread_t *threads;	/* started so far: nthread of cap */
	int nthread, cap;
	/* Helpers waiting for work: idle + pending + woken. */
	int idle;		/* not counted on */
	int pending;		/* counted on by a post, not yet woken */
	int woken;		/* signalled by wake_next, not yet awake */
	int busy;		/* in a fan */
	bool closing;		/* the process ends */
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.left = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void unlist(struct fan *f);

/*
** Wake the next of the helpers posts have counted on. A post counts idle
** helpers out for its fan but wakes only one, and each helper that joins
** a fan wakes the next: the posting thread, which starts children at
** once, makes one call to the kernel, and the wake-ups that follow are
** made where they cost no one time.
*/
static void
wake_next(void)
{
	if (pool.pending > 0) {
		pool.pending--;
		pool.woken++;
		pthread_cond_signal(&pool.work);
	}
}

/* The oldest open fan whose execution may have another helper. */
static struct fan *
open_fan(void)
{
	struct fan *f;

	for (f = pool.open; f; f = f->next_open)
		if (f->parent->run->helpers < f->parent->run->max_threads - 1)
			return f;
	return NULL;
}

static void *
helper(void *arg)
{
	struct aslp_run *run;
	struct fan *f;

	(void)arg;
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (!pool.closing && !(f = open_fan())) {
			/* No fan wants a helper: none counted on is needed. */
			pool.idle += pool.pending + 1;
			pool.pending = 0;
			pthread_cond_wait(&pool.work, &pool.lock);
			if (pool.woken > 0)	/* wake_next counted it out */
				pool.woken--;
			else if (pool.idle > 0)
				pool.idle--;
			else
				pool.pending--;
		}
		if (pool.closing)
			break;
		if (++f->helpers == f->want)
			unlist(f);
		wake_next();
		run = f->parent->run;
		run->helpers++;
		pool.busy++;
		pthread_mutex_unlock(&pool.lock);
		take_children(f);
		pthread_mutex_lock(&pool.lock);
		unlist(f);	/* nothing left to start in it */
		run->helpers--;
		pool.busy--;
		if (--f->helpers == 0)
			pthread_cond_broadcast(&pool.left);
	}
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

static void
unlist(struct fan *f)
{
	struct fan **q;

	if (!f->listed)
		return;
	for (q = &pool.open; *q != f; q = &(*q)->next_open)
		;
	*q = f->next_open;
	f->listed = false;
}

/*
** Stop the helpers and join them, when none is working: the pool is
** empty again, and a later fan starts threads anew. The executable
** (asl_main) stops them before it returns, as its code may go with it
** (aslc run's in-memory image); a host, with asl_stop_threads.
*/
int
asl_stop_threads(void)
{
	int k, n;

	pthread_mutex_lock(&pool.lock);
	if (pool.closing || pool.busy > 0 || pool.open) {
		pthread_mutex_unlock(&pool.lock);
		return -1;
	}
	pool.closing = true;
	pthread_cond_broadcast(&pool.work);
	n = pool.nthread;
	pthread_mutex_unlock(&pool.lock);
	for (k = 0; k < n; k++)
		pthread_join(pool.threads[k], NULL);
	pthread_mutex_lock(&pool.lock);
	free(pool.threads);
	pool.threads = NULL;
	pool.nthread = pool.cap = pool.idle = pool.pending = pool.woken = 0;
	pool.closing = false;
	pthread_mutex_unlock(&pool.lock);
	return 0;
}

/*
** A child of fork() has none of its parent's helpers, and its lock as
** the forking thread left it: the pool starts again empty. (A child
** cannot go on with an execution that was running when it forked: its
** state fans wait for helpers the child does not have.)
*/
static void
fork_prepare(void)
{
	pthread_mutex_lock(&pool.lock);
}

static void
fork_parent(void)
{
	pthread_mutex_unlock(&pool.lock);
}

static void
fork_child(void)
{
	struct fan *f;

	pthread_mutex_unlock(&pool.lock);
	for (f = pool.open; f; f = f->next_open)
		f->listed = false;
	pool.open = NULL;
	pool.closing = false;
	pool.nthread = pool.idle = pool.pending = pool.woken = pool.busy = 0;
	pthread_cond_init(&pool.work, NULL);
	pthread_cond_init(&pool.left, NULL);
	aslp_entropy_forked();	/* the child's executions differ from the parent's */
}

static void
fork_hooks(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/*
** A host's executions (asl_execute) keep the pool across fork(). The
** executable does not register the hooks: its code may be gone before
** the process ends (aslc run), and it starts task programs with
** posix_spawn, which runs none.
*/
void
aslp_pool_fork_safe(void)
{
	pthread_once(&pool_once, fork_hooks);
}

/* Room in pool.threads for max threads, or false. */
static bool
room_for(int max)
{
	pthread_t *t;

	if (pool.cap >= max)
		return true;
	t = realloc(pool.threads, (size_t)max * sizeof *t);
	if (!t)
		return false;
	pool.threads = t;
	pool.cap = max;
	return true;
}

/*
** Offer f to the pool for up to want helpers: count on idle ones, and
** start threads for the rest while the pool has fewer than the
** execution may use. Idle helpers counted on leave the idle count at
** once, so a post right after this one does not count on them. A thread
** that cannot be started leaves its share to the others. Helpers are
** born with the fatal signals blocked: the main thread takes them, and
** program.c's hold_signals() then keeps its promise.
*/
static void
post(struct fan *f, size_t want)
{
	struct aslp_run *run = f->parent->run;
	int max = run->max_threads - 1;
	struct fan **q;
	pthread_attr_t attr;
	sigset_t set, old;
	size_t start;
	int i, room;

	/*
	** Before any helper can take a fan of the run, its history counter
	** becomes atomic (history.c); later posts only read the flag.
	*/
	if (!run->threaded)
		run->threaded = true;
	pthread_mutex_lock(&pool.lock);
	if (pool.closing) {
		pthread_mutex_unlock(&pool.lock);
		return;
	}
	f->want = want;
	f->next_open = NULL;
	for (q = &pool.open; *q; q = &(*q)->next_open)
		;
	*q = f;
	f->listed = true;
	/*
	** Idle helpers are counted on, and threads started for the rest, as
	** many as the execution may still have; wake_next wakes the first.
	*/
	room = max > run->helpers ? max - run->helpers : 0;
	if (want > (size_t)room)
		want = (size_t)room;
	start = want < (size_t)pool.idle ? want : (size_t)pool.idle;
	pool.idle -= (int)start;
	pool.pending += (int)start;
	start = want - start;
	wake_next();
	if (start > 0 && pool.nthread < max && room_for(max)) {
		sigemptyset(&set);
		for (i = 0; i < aslp_nfatal_signals; i++)
			sigaddset(&set, aslp_fatal_signals[i]);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, WORKER_STACK);
		for (; start > 0 && pool.nthread < max; start--) {
			if (pthread_create(&pool.threads[pool.nthread], &attr, helper, NULL) != 0)
				break;
			pool.nthread++;
		}
		pthread_attr_destroy(&attr);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_mutex_unlock(&pool.lock);
}

/* Take f back from the pool and wait for its helpers to leave it. */
static void
retire(struct fan *f)
{
	pthread_mutex_lock(&pool.lock);
	unlist(f);
	while (f->helpers > 0)
		pthread_cond_wait(&pool.left, &pool.lock);
	pthread_mutex_unlock(&pool.lock);
}

/*
** Run the n children of f, at most width at once: the calling thread
** and up to width - 1 helpers of the pool.
*/
static void
run_fan(struct fan *f, size_t width)
{
	if (width > f->n)
		width = f->n;
	if (width > 1)
		post(f, width - 1);
	take_children(f);
	if (width > 1)
		retire(f);
}

/* Set up f for parent: the group, the result slots, the seed. */
static bool
fan_init(struct fan *f, asl_ctx *parent, size_t n)
{
	memset(f, 0, sizeof *f);
	f->parent = parent;
	f->n = n;
	f->g.outer = parent->group;
	pthread_mutex_init(&f->g.lock, NULL);
	f->seed = aslp_random(parent);
	f->results = calloc(n ? n : 1, sizeof *f->results);
	if (!f->results) {
		pthread_mutex_destroy(&f->g.lock);
		aslp_oom(parent);
		return false;
	}
	return true;
}

/*
** The children's outputs as an array, or NULL on failure. A failure here
** leaves the state's Failed event to asl_recover: the service writes none
** before a retry.
*/
static json_t *
fan_end(struct fan *f)
{
	json_t *out = NULL;
	size_t i;

	if (group_end(f->parent, &f->g) == ASL_OK) {
		out = json_array();
		for (i = 0; out && i < f->n; i++)
			if (json_array_append_new(out, f->results[i])) {
				json_decref(out);
				out = NULL;
			}
		if (!out)
			aslp_oom(f->parent);
		else
			i = f->n;
		for (; i < f->n; i++)	/* what was not appended */
			json_decref(f->results[i]);
	} else {
		for (i = 0; i < f->n; i++)
			json_decref(f->results[i]);
		f->parent->fan_failed = true;
	}
	free(f->results);
	return out;
}

/* ---- Parallel ---- */

json_t *
asl_parallel(asl_ctx *ctx, const asl_parallel_desc *p, json_t *v)
{
	struct fan f;
	json_t *out;

	if (ctx->test) {	/* --test-state: a mock, one result per branch */
		aslp_test_reach(ctx, ASLP_TS_AFTER_PARAMETERS);
		out = aslp_test_mock(ctx, v, p->nbranch);
		aslp_test_step(ctx, ASLP_TS_RESULT, out);
		return out;
	}
	aslp_event(ctx, "ParallelStateStarted", NULL);
	if (!fan_init(&f, ctx, (size_t)p->nbranch)) {
		aslp_release(ctx, v);
		return NULL;
	}
	f.par = p;
	f.input = v;
	run_fan(&f, (size_t)ctx->run->max_threads);
	out = fan_end(&f);
	aslp_release(ctx, v);
	if (out)
		aslp_event_aside(ctx, "ParallelStateSucceeded", NULL);
	return out;
}

/* ---- Map ---- */

/* What the service shows of a bad ...Path value: a string as it is. */
static char *
shown(const json_t *v)
{
	return json_is_string(v) ? aslp_printf("%s", json_string_value(v)) : asl_dumps(v);
}

/* The value at a Map's ...Path field: a new reference, or NULL with the error. */
static json_t *
path_value(asl_ctx *ctx, const asl_path *p, json_t *v)
{
	char *why;
	json_t *x = aslp_path_get(ctx, p, v, &why);

	if (!x && why) {
		aslp_fail_state(ctx, "States.Runtime", "Invalid path '%s' : %s", p->text, why);
		free(why);
	} else if (!x && !ctx->failed) {
		aslp_oom(ctx);
	}
	return x;
}

/* "The <field> field refers to value "<x>" which is not a valid <what>: <path>" */
static bool
not_valid(asl_ctx *ctx, const char *field, const json_t *x, const char *what,
	  const asl_path *p)
{
	char *text = shown(x);

	aslp_fail_state(ctx, "States.Runtime",
			"The %s field refers to value \"%s\" which is not a valid %s: %s",
			field, text ? text : "", what, p->text);
	free(text);
	return false;
}

/* A ...Path integer: a JSON integer, or a string that is one, in Java's int. */
static bool
integer_value(const json_t *x, int64_t *n)
{
	char *end;
	long long l;

	if (json_is_integer(x)) {
		*n = json_integer_value(x);
		return *n >= INT32_MIN && *n <= INT32_MAX;
	}
	if (!json_is_string(x) || !json_string_value(x)[0])
		return false;
	errno = 0;
	l = strtoll(json_string_value(x), &end, 10);
	if (*end || errno || l < INT32_MIN || l > INT32_MAX)
		return false;
	*n = l;
	return true;
}

/* A ...Path float: a JSON number, or a string that is one. */
static bool
float_value(const json_t *x, double *d)
{
	const char *s;
	char *end;

	if (json_is_number(x)) {
		*d = json_number_value(x);
		return true;
	}
	if (!json_is_string(x) || !*(s = json_string_value(x)))
		return false;
	errno = 0;
	*d = strtod(s, &end);
	return !*end && !errno && *d == *d;
}

/*
** A count of a JSONata state (MaxConcurrency, MaxItems...): what t makes
** of the state's input v, an integer from 0 to 2^31 - 1, or fail.
*/
static bool
jn_count(asl_ctx *ctx, const asl_template *t, json_t *v, const char *want, int64_t *n)
{
	json_t *x = aslp_jn_template(ctx, t, v, NULL, NULL);
	bool ok;

	if (!x)
		return false;
	ok = json_is_number(x) && json_number_value(x) >= 0 && json_number_value(x) <= INT32_MAX &&
	     json_number_value(x) == floor(json_number_value(x));
	if (ok)
		*n = (int64_t)json_number_value(x);
	else
		aslp_jn_unexpected(ctx, t, want, x);
	json_decref(x);
	return ok;
}

/* MaxConcurrency, or the integer at MaxConcurrencyPath; 0 is no limit. */
static bool
max_concurrency(asl_ctx *ctx, const asl_map_desc *m, json_t *v, int64_t *n)
{
	json_t *x;
	bool ok;

	*n = m->max_concurrency;
	if (m->max_concurrency_jn)
		return jn_count(ctx, m->max_concurrency_jn, v, "integer", n);
	if (!m->max_concurrency_path)
		return true;
	if (!(x = path_value(ctx, m->max_concurrency_path, v)))
		return false;
	ok = (integer_value(x, n) && *n >= 0) ||
	     not_valid(ctx, "MaxConcurrencyPath", x, "integer", m->max_concurrency_path);
	json_decref(x);
	return ok;
}

/* ToleratedFailurePercentage and ToleratedFailureCount, literal or at their paths. */
static bool
tolerance(asl_ctx *ctx, const asl_map_desc *m, json_t *v, struct fan *f)
{
	json_t *x;
	bool ok = true;

	f->tolerated_percentage = m->has_percentage ? m->percentage : 0;
	f->tolerated_count = m->has_count ? m->count : 0;
	if (m->percentage_jn) {
		if (!(x = aslp_jn_template(ctx, m->percentage_jn, v, NULL, NULL)))
			return false;
		if (!json_is_number(x) || json_number_value(x) < 0 || json_number_value(x) > 100)
			ok = aslp_jn_unexpected(ctx, m->percentage_jn, "number from 0 to 100", x) == ASL_OK;
		else
			f->tolerated_percentage = json_number_value(x);
		json_decref(x);
	}
	if (ok && m->count_jn)
		ok = jn_count(ctx, m->count_jn, v, "non-negative integer", &f->tolerated_count);
	if (m->percentage_path) {
		if (!(x = path_value(ctx, m->percentage_path, v)))
			return false;
		if (!float_value(x, &f->tolerated_percentage))
			ok = not_valid(ctx, "ToleratedFailurePercentagePath", x, "float",
				       m->percentage_path);
		else if (f->tolerated_percentage < 0 || f->tolerated_percentage > 100)
			ok = aslp_fail_state(ctx, "States.Runtime",
					     "ToleratedFailurePercentage must be between 0 and 100.") == ASL_OK;
		json_decref(x);
	}
	if (ok && m->count_path) {
		if (!(x = path_value(ctx, m->count_path, v)))
			return false;
		if (!integer_value(x, &f->tolerated_count))
			ok = not_valid(ctx, "ToleratedFailureCountPath", x, "integer", m->count_path);
		else if (f->tolerated_count < 0)
			ok = aslp_fail_state(ctx, "States.Runtime",
					     "ToleratedFailureCount cannot be negative.") == ASL_OK;
		json_decref(x);
	}
	return ok;
}

/* The items the Map iterates: ItemsPath of its effective input. */
static json_t *
map_items(asl_ctx *ctx, const asl_map_desc *m, json_t *v)
{
	json_t *items;
	char *text;

	if (m->items) {
		items = aslp_jn_template(ctx, m->items, v, NULL, NULL);
		if (items && !json_is_array(items)) {
			aslp_jn_unexpected(ctx, m->items, "array", items);
			json_decref(items);
			items = NULL;
		}
		return items;
	}
	items = m->items_path ? path_value(ctx, m->items_path, v) : json_incref(v);
	if (items && !json_is_array(items)) {
		text = aslp_render(ctx, items);
		aslp_fail_state(ctx, m->jsonata ? "States.QueryEvaluationError" : "States.Runtime",
				"Map state input must be an array but was: %s", text ? text : "");
		free(text);
		json_decref(items);
		items = NULL;
	}
	return items;
}

/* A positive integer at a ...Path (ItemReader's, ItemBatcher's), or fail. */
static bool
path_count(asl_ctx *ctx, const asl_path *p, json_t *v, const char *field, int64_t *n)
{
	json_t *x;
	bool ok;

	if (!(x = path_value(ctx, p, v)))
		return false;
	ok = integer_value(x, n) || not_valid(ctx, field, x, "integer", p);
	json_decref(x);
	return ok;
}

/*
** A Distributed Map's items as batches: ItemSelector applied to each
** item first, in the Map's scope, then ItemBatcher's grouping.
*/
static json_t *
batches(asl_ctx *ctx, struct fan *f, json_t *v)
{
	const asl_item_batcher *b = f->map->batcher;
	json_t *selected, *input = NULL, *out = NULL;
	int64_t max_items = b->max_items, max_bytes = b->max_bytes;
	asl_ctx c;
	size_t i;

	if ((b->max_items_path && !path_count(ctx, b->max_items_path, v, "MaxItemsPerBatchPath",
					      &max_items)) ||
	    (b->max_bytes_path && !path_count(ctx, b->max_bytes_path, v, "MaxInputBytesPerBatchPath",
					      &max_bytes)) ||
	    (b->max_items_jn && !jn_count(ctx, b->max_items_jn, v, "integer", &max_items)) ||
	    (b->max_bytes_jn && !jn_count(ctx, b->max_bytes_jn, v, "integer", &max_bytes)))
		return NULL;
	if (max_items < 0 || max_bytes < 0) {
		aslp_fail_state(ctx, "States.Runtime", "%s must be positive.",
				max_items < 0 ? "MaxItemsPerBatch" : "MaxInputBytesPerBatch");
		return NULL;
	}
	if (b->batch_input && !(input = asl_parameters(ctx, b->batch_input, json_incref(v))))
		return NULL;
	if (b->batch_input_jn && !(input = aslp_jn_template(ctx, b->batch_input_jn, v, NULL, NULL)))
		return NULL;
	selected = json_array();
	child_init(&c, ctx, NULL, 0);
	for (i = 0; selected && i < json_array_size(f->items); i++) {
		json_t *in = item_input(&c, f, i);

		if (!in || json_array_append_new(selected, in)) {
			json_decref(selected);
			selected = NULL;
		}
	}
	if (!selected) {
		if (c.failed)
			aslp_fail_taken(ctx, c.error, c.cause);
		else
			aslp_oom(ctx);
		c.error = c.cause = NULL;
	} else {
		out = aslp_batch_items(ctx, input, selected, max_items, max_bytes);
	}
	aslp_ctx_free(&c);
	json_decref(selected);
	json_decref(input);
	return out;
}

/*
** What a ResultWriter makes of the children's results: the result files
** (and the state's result names them), or with WriterConfig only, the
** result itself transformed.
*/
static json_t *
write_results(asl_ctx *ctx, struct fan *f, json_t *v, json_t *outputs)
{
	const asl_result_writer *w = f->map->writer;
	json_t *succeeded = json_array(), *failed = json_array(), *all = json_array(), *out = NULL;
	char *arn = NULL;
	size_t i, k;

	if (!succeeded || !failed || !all)
		goto oom;
	for (i = 0; i < f->n; i++) {
		json_t *r = f->records[i], *o = json_array_get(outputs, i), *e;
		bool ok = r && strcmp(json_string_value(json_object_get(r, "Status")), "SUCCEEDED") == 0;

		if (!r)
			continue;	/* never ran: the run stopped */
		if (!ok || w->transformation == ASL_TRANSFORM_NONE)
			e = json_incref(r);
		else
			e = json_incref(o);
		/* FLATTEN: a child's array output gives its elements. */
		if (ok && w->transformation == ASL_TRANSFORM_FLATTEN && json_is_array(o)) {
			for (k = 0; k < json_array_size(o); k++)
				if (json_array_append(ok ? succeeded : failed, json_array_get(o, k)) ||
				    json_array_append(all, json_array_get(o, k)))
					goto oom_e;
			json_decref(e);
			continue;
		}
		if (json_array_append(ok ? succeeded : failed, e) || json_array_append(all, e))
			goto oom_e;
		json_decref(e);
		continue;
oom_e:
		json_decref(e);
		goto oom;
	}
	if (!w->parameters && !w->arguments) {
		out = json_incref(all);
		goto done;
	}
	arn = aslp_printf("arn:aws:states:%s:%s:mapRun:%s:%s", ctx->run->region, ctx->run->account,
			  f->run_name, f->run_id);
	if (!arn)
		goto oom;
	out = aslp_write_results(ctx, w, v, arn, f->run_id, succeeded, failed);
	goto done;
oom:
	aslp_oom(ctx);
done:
	free(arn);
	json_decref(succeeded);
	json_decref(failed);
	json_decref(all);
	return out;
}

/* The ARN of a Distributed Map's run, for its history events. */
static json_t *
run_started(asl_ctx *ctx, const struct fan *f)
{
	char *arn;
	json_t *d;

	if (!aslp_recording(ctx))
		return NULL;
	arn = aslp_printf("arn:aws:states:%s:%s:mapRun:%s:%s", ctx->run->region,
			  ctx->run->account, f->run_name, f->run_id);
	d = json_pack("{s:s?}", "mapRunArn", arn);
	free(arn);
	return d;
}

/* MapRunFailed's details, when the history is written. */
static json_t *
run_failed(asl_ctx *ctx)
{
	if (!aslp_recording(ctx))
		return NULL;
	return aslp_error_details(ctx);
}

/* A Distributed Map's run: its name and id, and the items of its reader and batcher. */
static bool
start_run(asl_ctx *ctx, struct fan *f, json_t *v, int64_t max_items)
{
	const asl_map_desc *m = f->map;
	json_t *items, *sources;

	f->run_id = aslp_uuid(ctx);
	f->run_name = !f->run_id ? NULL : m->label ?
		aslp_printf("%s/%s", ctx->exec->sm_name, m->label) :
		aslp_printf("%s/%s", ctx->exec->sm_name, f->run_id);
	if (!f->run_name)
		return aslp_oom(ctx) == ASL_OK;
	aslp_event(ctx, "MapRunStarted", run_started(ctx, f));
	if (m->reader) {
		if (max_items < 0) {
			aslp_fail(ctx, "States.ItemReaderFailed", "field MaxItems must be positive");
			return false;
		}
		if (!(items = aslp_read_items(ctx, m->reader, v, max_items, &sources)))
			return false;
		json_decref(f->items);
		json_decref(f->sources);
		f->items = items;
		f->sources = sources;
	}
	f->total = json_array_size(f->items);
	if (m->batcher) {
		if (!(items = batches(ctx, f, v)))
			return false;
		json_decref(f->items);
		f->items = items;
		f->batched = true;
	}
	f->n = json_array_size(f->items);
	free(f->results);
	f->results = calloc(f->n ? f->n : 1, sizeof *f->results);
	if (m->writer)
		f->records = calloc(f->n ? f->n : 1, sizeof *f->records);
	if (!f->results || (m->writer && !f->records))
		return aslp_oom(ctx) == ASL_OK;
	return true;
}

json_t *
asl_map(asl_ctx *ctx, const asl_map_desc *m, json_t *v)
{
	struct fan f;
	json_t *items, *out = NULL;
	int64_t width, max_items = 0;
	bool ready;
	size_t i;

	if (ctx->test) {	/* --test-state: a mock, the results of all items */
		aslp_test_reach(ctx, ASLP_TS_AFTER_PARAMETERS);
		out = aslp_test_mock(ctx, v, m->writer ? -2 : -3);
		aslp_test_step(ctx, ASLP_TS_RESULT, out);
		return out;
	}
	/* MaxConcurrencyPath is read before the Map starts; the rest after. */
	if (!max_concurrency(ctx, m, v, &width)) {
		aslp_release(ctx, v);
		return NULL;
	}
	/* An ItemReader's items come once the run starts; ItemsPath is not read. */
	items = m->reader ? json_array() : map_items(ctx, m, v);
	if (!items) {
		if (!ctx->failed)
			aslp_oom(ctx);
		aslp_release(ctx, v);
		return NULL;
	}
	aslp_event(ctx, "MapStateStarted", aslp_recording(ctx) ?
		   json_pack("{s:I}", "length", (json_int_t)json_array_size(items)) : NULL);
	if (!fan_init(&f, ctx, json_array_size(items))) {
		json_decref(items);
		aslp_release(ctx, v);
		return NULL;
	}
	f.map = m;
	f.input = v;
	f.items = items;
	f.total = f.n;
	ready = tolerance(ctx, m, v, &f);
	if (ready && m->reader) {
		max_items = m->reader->max_items;
		if (m->reader->max_items_path)
			ready = path_count(ctx, m->reader->max_items_path, v, "MaxItemsPath", &max_items);
		if (m->reader->max_items_jn)
			ready = jn_count(ctx, m->reader->max_items_jn, v, "integer", &max_items);
	}
	if (ready && m->distributed) {
		ready = start_run(ctx, &f, v, max_items);
		if (!ready && !ctx->failed)
			aslp_oom(ctx);
		if (!ready && f.run_name)	/* the run failed: its events */
			aslp_event(ctx, "MapRunFailed", run_failed(ctx));
	}
	if (width == 0 || width > ctx->run->max_threads)
		width = ctx->run->max_threads;
	if (ready)
		run_fan(&f, (size_t)width);
	else
		f.n = 0;	/* nothing ran; the error is recorded */
	out = fan_end(&f);
	if (!ready) {
		json_decref(out);
		out = NULL;
		/* A configuration error has no Failed event; a failed run has one. */
		ctx->fan_failed = m->distributed && f.run_name;
	} else if (out && m->writer) {
		/* The children's results go to the writer, not into the output. */
		json_t *outputs = out;

		out = write_results(ctx, &f, v, outputs);
		json_decref(outputs);
		ctx->fan_failed = !out;
	}
	if (ready && m->distributed)
		aslp_event(ctx, out ? "MapRunSucceeded" : "MapRunFailed",
			   out ? NULL : run_failed(ctx));
	if (out)
		aslp_event_aside(ctx, "MapStateSucceeded", NULL);
	if (f.records)
		for (i = 0; i < f.n; i++)
			json_decref(f.records[i]);
	free(f.records);
	free(f.run_name);
	free(f.run_id);
	json_decref(f.items);
	json_decref(f.sources);
	aslp_release(ctx, v);
	return out;
}
