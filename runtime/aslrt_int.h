/*
** aslrt_int.h - internals of libaslrt, shared by its source files only.
**
** Everything here is prefixed aslp_ and hidden from the dynamic symbol
** table; the public surface is include/aslrt.h.
*/
#ifndef ASLRT_INT_H
#define ASLRT_INT_H

#include "aslrt.h"

#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#if defined(__GNUC__) && !defined(__TINYC__)
#define ASLP_HIDDEN __attribute__((visibility("hidden")))
#define ASLP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ASLP_HIDDEN
#define ASLP_PRINTF(f, a)
#endif

#define ASLP_PAYLOAD_LIMIT ASL_PAYLOAD_LIMIT

/* A Standard execution fails when its history reaches this many events. */
#define ASLP_MAX_EVENTS 25000

/* asl_options.payload_limit in bytes: 0 is the service's, -1 none. */
#define aslp_payload_limit(o) ((o)->payload_limit > 0 ? (size_t)(o)->payload_limit : \
			       (o)->payload_limit < 0 ? SIZE_MAX : (size_t)ASLP_PAYLOAD_LIMIT)
/*
** How much of an input or a task program's output is read: what goes 16
** times past the payload limit cannot be within it, blanks or not.
*/
#define aslp_read_cap(limit) ((limit) > SIZE_MAX / 16 ? SIZE_MAX - 1 : 16 * (limit))
/* Who sets a limit: the service's, or the user's. */
#define aslp_limit_owner(n) ((n) == ASLP_PAYLOAD_LIMIT ? "the service's limit" : "the payload limit")

/* The deepest a document may nest: what jansson can read back. */
#define ASLP_MAX_DEPTH 2048

/* A Standard execution runs for at most a year, then times out. */
#define ASLP_MAX_DURATION (INT64_C(365) * 86400)

/*
** Threads of one Parallel or Map: by default as many as an inline Map
** runs at once on the service; --max-threads changes it up to the most.
*/
#define ASLP_DEFAULT_THREADS 40
#define ASLP_MAX_THREADS 4096
#define ASLP_STR_(x) #x
#define ASLP_STR(x) ASLP_STR_(x)

/* Waits longer than this are cut to it (the year ends them first). */
#define ASLP_CENTURY (INT64_C(100) * 365 * 86400)

/*
** What a Task runs: a program (--bind, --bindings) or a C handler
** compiled in. Its name is what the Resource names: the full ARN, a
** function's or activity's name, or a service action ("sqs:sendMessage").
*/
struct aslp_binding {
	char *name;
	char *command;		/* run with /bin/sh -c; NULL: fn */
	char *dir;		/* the program's working directory, or NULL */
	int64_t timeout;	/* the function's own timeout (s), 0 for none */
	asl_handler_fn fn;	/* a C handler */
	bool s3;		/* an S3 name: command is a file or directory */
};

/* One invocation of a Task's binding, as task.c prepares it. */
struct aslp_invoke {
	const asl_task_desc *t;
	const char *function;	/* the Lambda function's name, or NULL */
	char *request_id;	/* a UUID, for Lambda's messages */
	json_t *input;		/* what the handler gets (borrowed) */
	int64_t timeout_ns;	/* TimeoutSeconds, 0 for none */
	int64_t heartbeat_ns;	/* HeartbeatSeconds where it applies, or 0 */
};

struct aslp_mocks;

/* A filter's regular expression, compiled once per execution. */
struct aslp_regex {
	const asl_operand *operand;	/* its descriptor, the key */
	bool ok;			/* it compiled */
	regex_t re;
	struct aslp_regex *next;
};

/* A retrier's state within one visit of its state. */
struct aslp_retrying {
	int64_t attempts;	/* retries it has granted */
	double delay;		/* its next back-off, in seconds, uncapped */
};

/*
** Execution status, as DescribeExecution reports it; ABORTED also for a
** branch or iteration stopped because another failed.
*/
enum aslp_status {
	ASLP_RUNNING, ASLP_SUCCEEDED, ASLP_FAILED, ASLP_TIMED_OUT, ASLP_ABORTED
};

/* A growable byte buffer. */
struct aslp_buf {
	char *s;		/* NUL-terminated when not NULL */
	size_t len, cap;
	bool oom;		/* an append failed; later ones are ignored */
};

/* The history written with --history (history.c). */
struct aslp_history {
	FILE *f;		/* the file, or stderr */
	bool owned;		/* aslc opened f */
	const struct aslp_exec *exec;	/* the execution it is of */
	pthread_mutex_t lock;	/* ids are taken and lines written under it */
	long max;		/* --history-max: lines at most, 0 for all */
	long written, dropped;	/* lines written, and left out past max */
	bool failed;		/* a line could not be built */
	struct aslp_buf line, scratch;	/* aslp_event_line's, reused */
};

/*
** What every execution of this process shares, set up once by asl_main:
** read-only while executions run, except what lock guards.
*/
struct aslp_run {
	asl_program *prog;
	struct aslp_binding *bindings;	/* --bind and --bindings, in order */
	int nbinding;
	/*
	** What each of prog->tasks runs, found when the bindings are
	** checked (NULL: look again, with the FunctionName it is given):
	** into bindings, or bound_handler's entry of the same index.
	*/
	const struct aslp_binding **bound;
	struct aslp_binding *bound_handler;
	struct aslp_mocks *mocks;	/* --mock-config, or NULL (lock) */
	char *region, *account;	/* of the ARNs */
	bool virtual_clock;	/* Wait states return at once */
	bool need_time;		/* someone reads EnteredTime or deadlines */
	long max_events;	/* the service's 25,000 (Standard); 0: none */
	size_t payload_limit;	/* of inputs, outputs, results: the service's
				   256 KiB, or what asl_options set (SIZE_MAX: none) */
	int64_t deadline_ns;	/* the top execution's end (real clock) */
	int max_threads;	/* of one Parallel or Map (--max-threads) */
	pthread_mutex_t lock;	/* guards regexes and mocks */
	struct aslp_regex *regexes;	/* filter regexes, compiled on first use */
	/*
	** The pool's helpers (fanout.c) working for it: at most
	** max_threads - 1 (the pool's lock).
	*/
	int helpers;
	bool threaded;	/* it has posted to the pool: set by its thread
			   before any helper can take its work, read
			   without a lock */
	struct aslp_history *history;	/* --history, or NULL */
	bool trace;		/* --trace: a line per state on stderr */
	bool trace_color;	/* ... in colour (a terminal, no NO_COLOR) */
	const char *progname;	/* the executable's name, for messages */
	sigset_t sigmask;	/* the process's at start: task programs get it */
	const asl_handler *handlers;	/* asl_options.handlers, or NULL */
	void *data;		/* asl_options.data, for asl_call_data */
	FILE *errf;		/* set-up messages: stderr, asl_execute's
				   buffer, or NULL until one is written
				   (aslp_errf) */
	char *errbuf;		/* that buffer's text (open_memstream) */
	size_t errlen;
};

/* One execution: the top one, or a child of a Distributed Map. */
struct aslp_exec {
	struct aslp_run *run;
	json_t *input;		/* execution input */
	char *input_text;	/* as the client sent it, for causes */
	char *name, *arn;	/* $$.Execution.Name, Id */
	char *sm_name, *sm_arn;	/* $$.StateMachine.Name, Id */
	char *role_arn;
	asl_time start;		/* StartTime */
	long events;		/* id of the last history event (atomic) */
	json_t *context;	/* {"Execution", "StateMachine"}, built once when
				   first read (aslp_exec_context; atomic) */
};

/*
** One line of control: the top machine of an execution, or one branch or
** iteration of a Parallel or Map, each on its own thread.
*/
struct asl_ctx {
	struct aslp_run *run;
	struct aslp_exec *exec;
	asl_ctx *outer;		/* whose variables this one also sees, or NULL */
	struct aslp_group *group;	/* the Parallel or Map this runs under */
	/*
	** $$.Map.Item of an iteration, while its ItemSelector runs: the
	** item (borrowed; NULL outside one), its index and its source
	** (STATE_DATA, or the S3 URI it was read from), and these as JSON,
	** built when first read (aslp_map_item).
	*/
	json_t *map_value;
	size_t map_index;
	const char *map_source;
	json_t *map_item, *map_index_json;

	json_t *context;	/* $$ as last built, or NULL */
	long context_serial;	/* state_serial it was built for */

	/* The current state. */
	const asl_state_info *state;
	long state_serial;	/* counts state entries */
	long entered_event;	/* id of its StateEntered event */
	long last_event;	/* the last event of this line of control:
				   the next one's previousEventId */
	long inner_event;	/* a branch's or iteration's last event
				   before its own end (fanout.c) */
	int64_t trace_start;	/* --trace: when the state was entered */
	char *trace_caught;	/* --trace: the error a catcher took */
	json_t *assigned;	/* what the state's Assign set, when the
				   history is written (its exit shows it) */
	asl_time entered;	/* EnteredTime */
	int retry_count;	/* $$.State.RetryCount */

	/* Retry and Catch of the current state. */
	struct aslp_retrying *retriers;	/* per retrier, in this visit */
	int nretriers;
	long retriers_serial;	/* the state_serial they count for */
	json_t *caught;		/* the error output for asl_catch_result */
	bool fan_failed;	/* a Parallel's or Map's children failed: its
				   Failed event comes unless it is retried */
	bool terminal;		/* the recorded error is never retried or
				   caught (a state output over the limit) */

	/*
	** The last Pass or Task output that was measured, while it is still
	** the document flowing between states: its size and depth, so the
	** next ResultPath measures only what it changes.
	*/
	json_t *measured;	/* not a reference: forgotten when freed
				   (aslp_release) or left behind (asl_exit) */
	size_t measured_size;
	int measured_depth;

	/* The outcome. */
	int status;		/* enum aslp_status */
	bool failed;		/* an error is recorded (sticky) */
	char *error;		/* error name, or NULL for none */
	char *cause;		/* cause, or NULL for none */

	/* Time: the virtual clock's skips, as this line of control saw them. */
	int64_t skipped_ns;

	/* Workflow variables. */
	json_t *vars;		/* name -> value, as the current state sees them */
	size_t vars_size;	/* their serialized size, for the 10 MiB limit */
	json_t *next_vars;	/* with the current state's Assign, from its exit */
	size_t next_vars_size;

	/* Tasks. */
	char *task_token;	/* $$.Task.Token of the current attempt */
	int64_t path_timeout;	/* TimeoutSecondsPath, read this attempt */
	int64_t path_heartbeat;	/* HeartbeatSecondsPath */
	char *role_arn;		/* Credentials.RoleArn, read this attempt */

	/* Randomness: names, tokens, jitter, intrinsics; --seed fixes it. */
	uint64_t rng;

	/* --test-state: the top line of control of the test, else NULL. */
	struct aslp_test *test;
};

/* ---- teststate.c: --test-state ---- */

/* What the command line asks of the test. */
struct aslp_test_options {
	const char *state;	/* --test-state NAME */
	bool mocked;		/* --mock-result or --mock-error */
	json_t *mock_result;	/* --mock-result JSON */
	const char *mock_error, *mock_cause;	/* --mock-error, --mock-cause */
	int64_t retry_count;	/* --retry-count: retries already made */
	int level;		/* --inspection-level: 0 INFO, 1 DEBUG, 2 TRACE */
};

/* The steps whose values the inspection data shows, in order. */
enum {
	ASLP_TS_INPUT, ASLP_TS_AFTER_INPUT_PATH, ASLP_TS_AFTER_PARAMETERS,
	ASLP_TS_RESULT, ASLP_TS_AFTER_RESULT_SELECTOR, ASLP_TS_AFTER_RESULT_PATH,
	ASLP_TS_NSTEP
};

struct aslp_test;
/* The test of o->state; NULL, with a message, if it cannot run. */
ASLP_HIDDEN struct aslp_test *aslp_test_new(const asl_program *prog,
					    const struct aslp_test_options *o,
					    const char *progname);
ASLP_HIDDEN void aslp_test_free(struct aslp_test *t);
/* Run the test: the state's machine, from the state, on in (consumed). */
ASLP_HIDDEN json_t *aslp_test_run(asl_ctx *ctx, json_t *in);
/* asl_enter's: 1 when the tested state is done and the run stops. */
ASLP_HIDDEN int aslp_test_enter(asl_ctx *ctx, const asl_state_info *s, json_t *in);
/* The state got through step (the steps before it passed their value on). */
ASLP_HIDDEN void aslp_test_reach(asl_ctx *ctx, int step);
/* Step made v (borrowed; NULL: it failed). */
ASLP_HIDDEN void aslp_test_step(asl_ctx *ctx, int step, json_t *v);
ASLP_HIDDEN bool aslp_test_mocked(asl_ctx *ctx);
ASLP_HIDDEN json_t *aslp_test_mock(asl_ctx *ctx, json_t *v, int shape);
/*
** Retrier i of the state matched: true when it would retry, which the
** test reports (RETRIABLE) instead of running.
*/
ASLP_HIDDEN bool aslp_test_retriable(asl_ctx *ctx, const asl_retrier *r, int i);
/* Catcher i takes the recorded error. */
ASLP_HIDDEN void aslp_test_caught(asl_ctx *ctx, int i);
/* Print the response; returns the exit status. */
ASLP_HIDDEN int aslp_test_report(asl_ctx *ctx, json_t *out, const char *progname);

/* ---- value.c ---- */

/* Append n bytes; on OOM sets b->oom. */
ASLP_HIDDEN void aslp_buf_put(struct aslp_buf *b, const char *s, size_t n);
/*
** One line of the history (history.c), built in line, with scratch for
** the JSON text of inputs and outputs: a member ASLP_TEXT_KEY alone in an
** object of details stands for its value as JSON text. Returns line's
** text (*len bytes, ending in a newline), or NULL on OOM.
*/
#define ASLP_TEXT_KEY "\001text"
ASLP_HIDDEN const char *aslp_event_line(struct aslp_buf *line, struct aslp_buf *scratch,
					const char *timestamp, const char *type, long id,
					long prev, const char *key, const json_t *details,
					size_t *len);
/* Is s valid UTF-8? */
ASLP_HIDDEN bool aslp_utf8_valid(const char *s);
/* The code point at *p (valid UTF-8, as jansson's strings are); moves *p past it. */
ASLP_HIDDEN unsigned aslp_utf8_next(const unsigned char **p);
/* Append code point c as UTF-8. */
ASLP_HIDDEN void aslp_utf8_put(struct aslp_buf *b, unsigned c);
/*
** s (malloc'd, taken over) with invalid bytes replaced by U+FFFD; NULL on
** OOM.
*/
ASLP_HIDDEN char *aslp_utf8_clean(char *s);
ASLP_HIDDEN char *aslp_utf8_clean_n(const char *s, size_t n, size_t *len);

/*
** jackson.c: the message Jackson's ObjectMapper.readTree gives for the n
** bytes of UTF-8 at s (malloc'ed, its length in *end), or NULL when
** Jackson accepts the text: *end is then the offset just after the first
** value (0 for blank text), or SIZE_MAX when memory ran out.
*/
ASLP_HIDDEN char *aslp_jackson_error(const char *s, size_t n, size_t *end);

/* The reference counting jansson.h needs when tcc compiles it (aslrt.h). */
size_t aslp_atomic_add_fetch(volatile size_t *p, size_t v);
size_t aslp_atomic_sub_fetch(volatile size_t *p, size_t v);

/*
** json_loadb and json_load_file, refusing what they parsed through a
** failed allocation when the executable counts them
** (aslp_note_alloc_failures): NULL with *oom true when memory ran out.
** Every parse of the runtime goes through these.
*/
ASLP_HIDDEN void aslp_note_alloc_failures(void);
ASLP_HIDDEN json_t *aslp_loadb(const char *s, size_t n, size_t flags, json_error_t *err,
			       bool *oom);
ASLP_HIDDEN json_t *aslp_load_file(const char *path, size_t flags, json_error_t *err,
				   bool *oom);
/* The n (at most 16) strings parts end to end, as a new string; NULL on OOM. */
ASLP_HIDDEN char *aslp_concat(const char *const *parts, int n);
/* printf into a new malloc'd string; NULL on OOM. */
ASLP_HIDDEN char *aslp_printf(const char *fmt, ...) ASLP_PRINTF(1, 2);
ASLP_HIDDEN char *aslp_vprintf(const char *fmt, va_list ap);
/* d as Java's Double.toString prints it: 100.0, 1.0E7, 2.5E-4. */
ASLP_HIDDEN void aslp_format_double(char *buf, size_t size, double d);
/* The size of a string as a JSON string: quotes and escapes included. */
ASLP_HIDDEN size_t aslp_string_size(const char *s, size_t len);
/*
** Compact JSON size and nesting depth of v, stopping early once past
** limit or max_depth.
*/
ASLP_HIDDEN size_t aslp_measure(const json_t *v, size_t limit, int max_depth,
				int *depth);
/* The depth alone, as aslp_measure finds it, stopping past max_depth. */
ASLP_HIDDEN int aslp_depth(const json_t *v, int max_depth);
/*
** Is v one of a program's constants (immortal: see exec.c)? What a host
** is handed (a handler's input, $$, the result) is never one: a copy is.
*/
#define aslp_immortal(v) ((v) && (v)->refcount == (size_t)-1 && !json_is_true(v) && \
			  !json_is_false(v) && !json_is_null(v))
/* d as JavaScript writes it (Number.prototype.toString); buf >= 32. */
ASLP_HIDDEN void aslp_js_number(double d, char *buf);
/* JSON equality, numbers by value (1 == 1.0). */
ASLP_HIDDEN bool aslp_json_equal(const json_t *a, const json_t *b);
/* A shallow copy, or NULL: never one short of a member (see value.c). */
ASLP_HIDDEN json_t *aslp_json_copy(json_t *v);
/* A number as a double; v must be a number. */
ASLP_HIDDEN double aslp_number(const json_t *v);
/*
** Is ours the only reference to v? Then no other thread can see it, and
** it may be changed in place. (Other threads change counts atomically.)
*/
static inline bool
aslp_sole(const json_t *v)
{
	return __atomic_load_n(&v->refcount, __ATOMIC_ACQUIRE) == 1;
}
/*
** Make *slot safe to modify: if someone else holds a reference, replace it
** by a shallow copy. Returns false on OOM.
*/
ASLP_HIDDEN bool aslp_own(json_t **slot);

/* ---- exec.c ---- */

/* Release what a line of control holds (not ctx itself). */
ASLP_HIDDEN void aslp_ctx_free(asl_ctx *ctx);
/* Release what the process's executions shared (not run itself). */
ASLP_HIDDEN void aslp_pool_fork_safe(void);
/* After fork: the child reads /dev/urandom again for its executions' seeds. */
ASLP_HIDDEN void aslp_entropy_forked(void);
ASLP_HIDDEN void aslp_run_free(struct aslp_run *run);
/* Release what an execution holds (not exec itself). */
ASLP_HIDDEN void aslp_exec_free(struct aslp_exec *exec);
/*
** exec->context, the part of $$ that never changes: built when first
** read, from any thread, and kept. NULL on OOM.
*/
ASLP_HIDDEN json_t *aslp_exec_context(struct aslp_exec *exec);

/* Record an error with this cause (printf format). Returns ASL_FAIL. */
ASLP_HIDDEN int aslp_fail(asl_ctx *ctx, const char *error, const char *fmt, ...)
	ASLP_PRINTF(3, 4);
/*
** Record an error raised by the service while executing the current state:
** the cause starts "An error occurred while executing the state 'S'
** (entered at the event id #N). ". Returns ASL_FAIL.
*/
ASLP_HIDDEN int aslp_fail_state(asl_ctx *ctx, const char *error,
				const char *fmt, ...) ASLP_PRINTF(3, 4);
/*
** v as the service shows it in a cause: the execution input exactly as it
** was sent, anything else as compact JSON. Returns a malloc'd string.
*/
ASLP_HIDDEN char *aslp_render(asl_ctx *ctx, json_t *v);
/*
** The JSONata template t with $states.input, .result and .errorOutput
** (NULL: absent): a new reference, or NULL with the error recorded.
*/
ASLP_HIDDEN json_t *aslp_jn_template(asl_ctx *ctx, const asl_template *t, json_t *input,
				     json_t *result, json_t *error_output);
/* The EvaluationFailed event of the error just recorded, at field. */
ASLP_HIDDEN void aslp_jn_evaluation_failed(asl_ctx *ctx, const char *field);
/* Fail: t's value v is not of the type want (its first node names the field). */
ASLP_HIDDEN int aslp_jn_unexpected(asl_ctx *ctx, const asl_template *t, const char *want,
				   json_t *v);
/*
** Record an error whose name and cause were made elsewhere (a branch's):
** takes both (malloc'd, either may be NULL). Returns ASL_FAIL.
*/
ASLP_HIDDEN int aslp_fail_taken(asl_ctx *ctx, char *error, char *cause);
/* States.Runtime "out of memory". Returns ASL_FAIL. */
ASLP_HIDDEN int aslp_oom(asl_ctx *ctx);
/*
** Drop a reference that a step consumes. If that frees the document whose
** size is known (ctx->measured), forget it: its address may be reused.
*/
ASLP_HIDDEN void aslp_release(asl_ctx *ctx, json_t *v);
/* States.Runtime: the history has reached run->max_events. Returns ASL_FAIL. */
ASLP_HIDDEN int aslp_history_full(asl_ctx *ctx);
/* The execution ran out of time: States.Timeout, status TIMED_OUT. */
ASLP_HIDDEN int aslp_timed_out(asl_ctx *ctx);
/* ---- history.c ---- */

/*
** The next event of the history, of type ("TaskScheduled"), with details
** (consumed; NULL for none) when the history is written. Returns its id.
*/
ASLP_HIDDEN long aslp_event(asl_ctx *ctx, const char *type, json_t *details);
/*
** The same for an event the next one does not follow: a Parallel's or
** Map's Succeeded, whose Exited follows the event before it, as on the
** service.
*/
ASLP_HIDDEN long aslp_event_aside(asl_ctx *ctx, const char *type, json_t *details);
/* Is this execution's history written? Build details only then. */
#define aslp_recording(ctx) \
	((ctx)->run->history && (ctx)->exec == (ctx)->run->history->exec)
/* v as the JSON text the history shows for an input or output (a string). */
ASLP_HIDDEN json_t *aslp_event_text(asl_ctx *ctx, json_t *v);
/* {member: text of v, memberDetails: {truncated: false}} (input, output). */
ASLP_HIDDEN json_t *aslp_event_data(asl_ctx *ctx, const char *member, json_t *v);
/*
** --trace: the line of the current state, which ended (ended true: its
** output went on, or a catcher took its error) or failed the execution.
*/
ASLP_HIDDEN void aslp_trace(asl_ctx *ctx, bool ended);
/* {error, cause} of the error recorded in ctx, each only if there is one. */
ASLP_HIDDEN json_t *aslp_error_details(asl_ctx *ctx);
/* Add the members of more (consumed) to details. */
ASLP_HIDDEN void aslp_event_add(json_t *details, json_t *more);
/* The service's name of a state's type: "Task", "Pass", ... */
ASLP_HIDDEN const char *aslp_state_type(const asl_state_info *s);
/* Open file ("-": stderr) for the history; -1 after a message. */
ASLP_HIDDEN int aslp_history_open(struct aslp_history *h, const char *file, long max,
				  const char *progname, FILE *errf);
/* Flush and close it; -1 after a message if it could not be written. */
ASLP_HIDDEN int aslp_history_close(struct aslp_history *h, const char *progname);
/* The context object $$ for the current state (borrowed). NULL on OOM. */
ASLP_HIDDEN json_t *aslp_context(asl_ctx *ctx);
/* $$.Map.Item, or its Index (borrowed), when ctx->map_value is set. NULL on OOM. */
ASLP_HIDDEN json_t *aslp_map_item(asl_ctx *ctx);
ASLP_HIDDEN json_t *aslp_map_index(asl_ctx *ctx);
/* Nanoseconds since the epoch on the execution's clock. */
ASLP_HIDDEN int64_t aslp_now_ns(asl_ctx *ctx);
/* Days since 1970-01-01 of a proleptic Gregorian date (timeparse.c), and back (exec.c). */
ASLP_HIDDEN int64_t aslp_days_from_civil(int64_t y, int m, int d);
ASLP_HIDDEN void aslp_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Format t as the service does: 2024-01-02T03:04:05.678Z; size >= 25. */
ASLP_HIDDEN void aslp_format_time(char *buf, size_t size, int64_t ns);
ASLP_HIDDEN json_t *aslp_time_json(int64_t ns);
/* A random 64-bit number from the execution's generator. */
ASLP_HIDDEN uint64_t aslp_random(asl_ctx *ctx);
/* splitmix64: the next number of the generator whose state is *state. */
ASLP_HIDDEN uint64_t aslp_splitmix64(uint64_t *state);
/* A version 4 UUID's text (36 characters and a NUL) from 128 random bits. */
ASLP_HIDDEN void aslp_uuid_text(uint64_t a, uint64_t b, char out[37]);
/* A random version 4 UUID, malloc'd; NULL on OOM. */
ASLP_HIDDEN char *aslp_uuid(asl_ctx *ctx);

/*
** Wait until the execution's clock reads until (ns): at once on the
** virtual clock. Fails with a timeout if the execution ends first.
*/
ASLP_HIDDEN int aslp_wait_until(asl_ctx *ctx, int64_t until);
/* Wait ns nanoseconds of the execution's clock (see aslp_wait_until). */
ASLP_HIDDEN int aslp_sleep(asl_ctx *ctx, int64_t ns);

/* ---- fanout.c ---- */

/* Has the group of ctx, or one it runs in, been told to stop? */
ASLP_HIDDEN bool aslp_aborted(asl_ctx *ctx);
/* ctx stops: another branch failed. Never retried nor caught; ASL_FAIL. */
ASLP_HIDDEN int aslp_abort(asl_ctx *ctx);

/* ---- itemio.c ---- */

/* Is name an S3 name, s3://bucket[/key] or arn:aws:s3:::bucket[/key]? */
ASLP_HIDDEN bool aslp_is_s3_name(const char *name);
/*
** The local file of s3://bucket/key: from the binding with the longest
** name that covers it. NULL with *why (malloc'd) when none does, or the
** key would leave the bound directory.
*/
ASLP_HIDDEN char *aslp_s3_path(const struct aslp_run *run, const char *bucket,
			       const char *key, char **why);
/* Is the S3 name (an object, or a bucket) bound? */
ASLP_HIDDEN bool aslp_s3_bound(const struct aslp_run *run, const char *name);
/*
** The items r reads for the Map's effective input v (borrowed), at most
** max_items (0: all), and in *sources their $$.Map.Item.Source: a
** string for all, or (LOAD_AND_FLATTEN) an array of one each; NULL with
** States.ItemReaderFailed (or out of memory) recorded.
*/
ASLP_HIDDEN json_t *aslp_read_items(asl_ctx *ctx, const asl_item_reader *r, json_t *v,
				    int64_t max_items, json_t **sources);
/*
** items (borrowed) in batches {"BatchInput", "Items"} of at most max_items
** (0: any number) and max_bytes of JSON (0: 256 KiB); each has one item
** at least.
*/
ASLP_HIDDEN json_t *aslp_batch_items(asl_ctx *ctx, json_t *batch_input, json_t *items,
				     int64_t max_items, int64_t max_bytes);
/*
** Write a Map Run's results as the service writes them to S3: the
** manifest and SUCCEEDED_0.json, FAILED_0.json (entries as arrays). The
** state's result {"MapRunArn", "ResultWriterDetails"}; NULL with
** States.ResultWriterFailed recorded.
*/
ASLP_HIDDEN json_t *aslp_write_results(asl_ctx *ctx, const asl_result_writer *w, json_t *v,
				       const char *map_run_arn, const char *run_id,
				       json_t *succeeded, json_t *failed);

/* ---- intrinsic.c ---- */

/*
** The value of the intrinsic call f, with its paths read from input
** (borrowed): a new reference, or NULL with States.Runtime recorded.
*/
ASLP_HIDDEN json_t *aslp_call(asl_ctx *ctx, const asl_intrinsic *f, json_t *input);

/* ---- hash.c ---- */

/*
** The digest alg ("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512") of the
** len bytes at data, as lower-case hex into out (at least 129 bytes).
** False if alg is none of these.
*/
ASLP_HIDDEN bool aslp_hash(const char *alg, const char *data, size_t len, char *out);
/* The MD5 of what is left to read in f, hex into out (33 bytes); false on a read error. */
ASLP_HIDDEN bool aslp_md5_file(FILE *f, char *out);
/* Base64 of len bytes, malloc'd; NULL on OOM. */
ASLP_HIDDEN char *aslp_base64_encode(const unsigned char *s, size_t len);
/*
** Decode Base64 (padded, without line breaks) into *out (malloc'd, NUL
** added) and *outlen. Returns 0, -1 if s is not Base64, -2 on OOM.
*/
ASLP_HIDDEN int aslp_base64_decode(const char *s, size_t len, unsigned char **out,
				   size_t *outlen);

/* The value of the variable name as the current state sees it, or NULL. */
ASLP_HIDDEN json_t *aslp_variable(asl_ctx *ctx, const char *name);

/* ---- path.c ---- */

/*
** Evaluate p against doc (borrowed) and return a new reference, or NULL:
** *why then holds a malloc'd Jayway message, or stays NULL on OOM.
*/
ASLP_HIDDEN json_t *aslp_path_get(asl_ctx *ctx, const asl_path *p, json_t *doc,
				  char **why);

/* ---- choice.c ---- */

/* Compare UTF-8 strings as java.lang.String.compareTo does (UTF-16). */
ASLP_HIDDEN int aslp_string_compare(const char *a, size_t alen, const char *b,
				    size_t blen);
/* The service's check for ISO-8601 timestamps in Wait and Choice. */
ASLP_HIDDEN bool aslp_is_timestamp(const json_t *v, asl_time *t);

/* ---- task.c ---- */

/*
** The binding that serves t (the task's FunctionName for lambda:invoke:
** function), or NULL. Command-line bindings come before C handlers; the
** full ARN before shorter names.
*/
ASLP_HIDDEN const struct aslp_binding *aslp_find_binding(asl_ctx *ctx,
	const asl_task_desc *t, const char *function, struct aslp_binding *tmp);
/* The same, as the bindings check found it when it could (run->bound). */
ASLP_HIDDEN const struct aslp_binding *aslp_task_binding(asl_ctx *ctx,
	const asl_task_desc *t, const char *function, struct aslp_binding *tmp);
/*
** The function's name in a FunctionName or Lambda ARN: "f" in
** "arn:aws:lambda:R:A:function:f:alias", "A:function:f" and "f:alias".
*/
ASLP_HIDDEN const char *aslp_function_name(const char *s, size_t *len);
/* A new task token for $$.Task.Token, for a callback or activity attempt. */
ASLP_HIDDEN void aslp_new_token(asl_ctx *ctx);
/* States.DataLimitExceeded for a result too big, naming the task as the
** service does. Returns ASL_FAIL. */
ASLP_HIDDEN int aslp_task_too_big(asl_ctx *ctx, const asl_task_desc *t);

/* ---- program.c ---- */

/* End every task program running now (async-signal-safe, for signals). */
ASLP_HIDDEN void aslp_kill_tasks(void);
/* The signals on which the executable ends its task program and dies. */
ASLP_HIDDEN extern const int aslp_fatal_signals[];
ASLP_HIDDEN extern const int aslp_nfatal_signals;

/* The real clock, in nanoseconds since the epoch. */
ASLP_HIDDEN int64_t aslp_real_ns(void);

/*
** Run the program of binding b for inv, with the contract of a Lambda
** handler. Returns the result (a new reference), or NULL with the error
** recorded in ctx.
*/
ASLP_HIDDEN json_t *aslp_run_program(asl_ctx *ctx, const struct aslp_invoke *inv,
				     const struct aslp_binding *b);

/* ---- execute.c ---- */

/* One execution and all it holds (aslp_init, then aslp_prepare ...). */
struct aslp_execution {
	struct aslp_run run;
	struct aslp_exec exec;
	asl_ctx ctx;
	struct aslp_history history;
	struct aslp_test *test;	/* --test-state, or NULL */
};
/* How an execution is asked for: by the command line or asl_execute. */
struct aslp_start {
	const asl_options *opt;
	struct aslp_binding *bindings;	/* in order: the last one wins */
	int nbinding;
	const struct aslp_test_options *test;	/* --test-state, or NULL */
	const char *progname;	/* for messages */
};
ASLP_HIDDEN bool aslp_add_binding(struct aslp_binding **bs, int *n, const char *name,
				  size_t len, const char *command, const char *dir,
				  int64_t timeout);
ASLP_HIDDEN int aslp_load_bindings(struct aslp_binding **bs, int *n, const char *file,
				   const char *progname, FILE *errf);
ASLP_HIDDEN void aslp_free_bindings(struct aslp_binding *bs, int n);
ASLP_HIDDEN void aslp_init(struct aslp_execution *e);
/*
** Where a set-up message goes: run->errf, opened as a buffer when it is
** NULL (asl_execute opens none until a message comes), or stderr if that
** fails.
*/
ASLP_HIDDEN FILE *aslp_errf(struct aslp_run *run);
/*
** The program's constants, the mocks, the test and the bindings checked;
** 0, or 2 after a message (aslp_errf).
*/
ASLP_HIDDEN int aslp_prepare(struct aslp_execution *e, asl_program *prog,
			     const struct aslp_start *s);
/*
** The execution on input (consumed) and its text (owned, or NULL): its
** name, ARNs, clock, history. 0, or 2 after a message.
*/
ASLP_HIDDEN int aslp_begin(struct aslp_execution *e, json_t *input, char *input_text,
			   const asl_options *o);
/* Run it to its end, with its events: the output, or NULL (ctx's error). */
ASLP_HIDDEN json_t *aslp_run_top(struct aslp_execution *e);
/* Release it all (the history must have been closed). */
ASLP_HIDDEN void aslp_end(struct aslp_execution *e);

/* ---- mock.c ---- */

/*
** Load the test case of a Step Functions Local mock configuration for the
** state machine sm. Returns NULL with a message on stderr if the file or
** the test case is wrong.
*/
ASLP_HIDDEN struct aslp_mocks *aslp_mocks_load(const char *file, const char *sm,
					       const char *test, const asl_program *prog,
					       struct aslp_run *run);
ASLP_HIDDEN void aslp_mocks_free(struct aslp_mocks *m);
/* Does the test case mock the Task state named state? */
ASLP_HIDDEN bool aslp_mocked(struct aslp_mocks *m, const char *state);
/*
** The next mocked response of state: its result, or NULL with its error
** (or a States.Runtime for an invocation the test case does not cover).
*/
ASLP_HIDDEN json_t *aslp_mock_call(asl_ctx *ctx, const asl_task_desc *t);

#endif
