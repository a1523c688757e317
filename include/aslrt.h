/*
** aslrt.h - the aslc runtime library (libaslrt): the ABI that generated
** code compiles against.
**
** A workflow compiled by aslc is a small C file: one function per state
** machine, one label per state, and static tables that describe its paths,
** payload templates and constants. Everything those tables mean is
** implemented here, once. Generated code never touches a JSON value except
** through these functions, so it stays the same under gcc, clang and tcc.
**
** Ownership follows jansson's words. "New reference": the caller owns the
** result and must asl_decref it. "Borrowed": the caller must not release
** it. "Consumes": the function takes over the caller's reference. The
** steps of a state consume the value they are given and return a new
** reference, or NULL when they fail, so generated code holds its values
** in plain locals and never passes their addresses.
**
** Errors are ASL errors (a name such as "States.Runtime" and a cause),
** recorded in the asl_ctx; nothing in the library exits or longjmps. A
** program runs through asl_main, a generated executable's command line,
** or, inside another program, through asl_execute (see "Running a
** workflow inside a program" below, and docs/embedding.md).
**
** The library exports the functions declared here and nothing else
** (every other symbol of libaslrt is local to it).
*/
#ifndef ASLRT_H
#define ASLRT_H

#define ASLRT_VERSION "0.1.0"
#define ASLRT_VERSION_HEX 0x000100
/* Bumped whenever a descriptor layout or entry point changes. */
#define ASLRT_ABI 13

#include <stddef.h>
#include <stdint.h>

#ifdef __TINYC__
/*
** tcc has no __atomic builtins, which jansson.h uses in its inline
** reference counting. Route them to functions compiled by gcc in libaslrt.
*/
#ifndef __ATOMIC_RELAXED
#define __ATOMIC_RELAXED 0
#define __ATOMIC_ACQUIRE 2
#define __ATOMIC_RELEASE 3
#endif
size_t aslp_atomic_add_fetch(volatile size_t *p, size_t v);
size_t aslp_atomic_sub_fetch(volatile size_t *p, size_t v);
#define __atomic_add_fetch(p, v, order) aslp_atomic_add_fetch((p), (v))
#define __atomic_sub_fetch(p, v, order) aslp_atomic_sub_fetch((p), (v))
#endif

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One execution of a workflow: context object, clock, errors, history. */
typedef struct asl_ctx asl_ctx;

/* Return codes of the steps that return an int (the others return a value). */
#define ASL_OK 0
#define ASL_FAIL 1

/* The service's limit on inputs, results and outputs: 256 KiB. */
#define ASL_PAYLOAD_LIMIT 262144

/* ---- descriptors emitted by aslc (static data in generated code) ---- */

/* One step of a compiled JSONPath. */
enum asl_seg_kind {
	ASL_SEG_KEY,		/* ['name'] or .name */
	ASL_SEG_INDEX,		/* [n]; [(@.length-n)] is a = -n, b = 1 */
	ASL_SEG_WILDCARD,	/* [*] or .* */
	ASL_SEG_SLICE,		/* [from:to:step] */
	ASL_SEG_KEYS,		/* ['a','b'] */
	ASL_SEG_INDEXES,	/* [0,1] */
	ASL_SEG_SCAN,		/* .. (deep scan; applies the next step at every depth) */
	ASL_SEG_FILTER,		/* [?(expr)] */
	ASL_SEG_LENGTH		/* .length() */
};

/* Which document a path starts from. */
enum asl_path_root {
	ASL_ROOT_INPUT,		/* $ */
	ASL_ROOT_CONTEXT,	/* $$ */
	ASL_ROOT_CURRENT,	/* @ (inside a filter) */
	ASL_ROOT_VARIABLE	/* $name: a workflow variable */
};

/* Slice bounds that were not written. */
#define ASL_SLICE_NONE INT64_MIN

typedef struct asl_filter asl_filter;

typedef struct asl_seg {
	int kind;		/* enum asl_seg_kind */
	const char *key;	/* KEY */
	int64_t a, b;		/* INDEX a (b: from the end); SLICE a:b
				   (ASL_SLICE_NONE if absent) */
	const char *const *keys;	/* KEYS */
	const int64_t *indexes;	/* INDEXES */
	int n;			/* KEYS, INDEXES: count */
	const asl_filter *filter;	/* FILTER */
} asl_seg;

typedef struct asl_path {
	const char *text;	/* as written in the definition */
	int root;		/* enum asl_path_root */
	int definite;		/* selects at most one value */
	const asl_seg *segs;
	int nseg;
	const char *var;	/* ASL_ROOT_VARIABLE: the variable's name */
} asl_path;

/* Filter expressions: [?(@.price < 10 && @.tag)]. */
enum asl_filter_kind {
	ASL_F_AND, ASL_F_OR, ASL_F_NOT,	/* a, b (NOT: a only) */
	ASL_F_EXISTS,		/* path */
	ASL_F_CMP		/* path-or-constant op path-or-constant */
};
enum asl_filter_op {
	ASL_FOP_EQ, ASL_FOP_NE, ASL_FOP_LT, ASL_FOP_LE, ASL_FOP_GT, ASL_FOP_GE,
	ASL_FOP_REGEX, ASL_FOP_IN, ASL_FOP_NIN
};
typedef struct asl_operand {
	const asl_path *path;	/* or NULL: then konst */
	int konst;		/* index in the program's constants */
	const char *regex;	/* REGEX right operand: POSIX ERE */
	int icase;		/* regex /i flag */
} asl_operand;
struct asl_filter {
	int kind;		/* enum asl_filter_kind */
	int op;			/* enum asl_filter_op (CMP) */
	const asl_filter *a, *b;
	asl_operand l, r;	/* CMP: both; EXISTS: l.path */
};

/* The intrinsic functions, in the order of compiler/asl.def. */
enum asl_intrinsic_fn {
	ASL_FN_FORMAT, ASL_FN_STRING_TO_JSON, ASL_FN_JSON_TO_STRING, ASL_FN_ARRAY,
	ASL_FN_ARRAY_PARTITION, ASL_FN_ARRAY_CONTAINS, ASL_FN_ARRAY_RANGE,
	ASL_FN_ARRAY_GET_ITEM, ASL_FN_ARRAY_LENGTH, ASL_FN_ARRAY_UNIQUE,
	ASL_FN_BASE64_ENCODE, ASL_FN_BASE64_DECODE, ASL_FN_HASH, ASL_FN_JSON_MERGE,
	ASL_FN_MATH_RANDOM, ASL_FN_MATH_ADD, ASL_FN_STRING_SPLIT, ASL_FN_UUID
};
/* What an intrinsic's argument is. */
enum asl_iarg_kind {
	ASL_IA_CONST,		/* konst (a string keeps its text in raw) */
	ASL_IA_PATH,		/* path, read from the call's input */
	ASL_IA_CALL		/* call, another intrinsic */
};
typedef struct asl_intrinsic asl_intrinsic;
typedef struct asl_iarg {
	int kind;		/* enum asl_iarg_kind */
	int konst;
	const asl_path *path;
	const asl_intrinsic *call;
	const char *raw;	/* Format's constant template, as written */
} asl_iarg;
/* A call of a States. function, such as States.Format('{}', $.x). */
struct asl_intrinsic {
	int fn;			/* enum asl_intrinsic_fn */
	const char *text;	/* the field's whole expression, for causes */
	const asl_iarg *args;
	int nargs;
};

/*
** A payload template (Parameters, ResultSelector, Assign) as a preorder
** list of nodes. An OBJECT or ARRAY node is followed by its n children, each of
** them a whole subtree. Constant subtrees are single CONST nodes, shared
** between executions.
*/
enum asl_tnode_kind {
	ASL_T_OBJECT,		/* n members follow */
	ASL_T_ARRAY,		/* n elements follow */
	ASL_T_CONST,		/* konst */
	ASL_T_PATH,		/* path, evaluated against the template input */
	ASL_T_CALL,		/* call, an intrinsic function of that input */
	ASL_T_JSONATA		/* jsonata, a JSONata expression ("{% ... %}") */
};
/*
** A JSONata expression, parsed by aslc into a tree whose nodes are the
** reference implementation's (jsonata 2.0.6): the runtime evaluates the
** tree, never the text. Nodes refer to each other by index into the
** expression's nodes; lists (steps, arguments...) are runs of indexes in
** its lists. See docs/jsonata.md.
*/
enum asl_jn_type {
	ASL_JN_PATH, ASL_JN_BINARY, ASL_JN_UNARY, ASL_JN_NAME, ASL_JN_STRING,
	ASL_JN_NUMBER, ASL_JN_VALUE, ASL_JN_WILDCARD, ASL_JN_DESCENDANT,
	ASL_JN_PARENT, ASL_JN_VARIABLE, ASL_JN_REGEX, ASL_JN_FUNCTION,
	ASL_JN_PARTIAL, ASL_JN_LAMBDA, ASL_JN_CONDITION, ASL_JN_TRANSFORM,
	ASL_JN_BLOCK, ASL_JN_BIND, ASL_JN_APPLY, ASL_JN_SORT, ASL_JN_FILTER,
	ASL_JN_INDEX, ASL_JN_OPERATOR, ASL_JN_END, ASL_JN_TERM
};
/* asl_jnode.flags */
#define ASL_JN_KEEP_ARRAY 1		/* a step or value followed by [] */
#define ASL_JN_KEEP_SINGLETON 2		/* a path with a step that has [] */
#define ASL_JN_CONSARRAY 4		/* an array constructor */
#define ASL_JN_THUNK 8			/* a lambda made for a tail call */
#define ASL_JN_DESCENDING 16		/* a sort term: > */
#define ASL_JN_HAS_GROUP 32		/* group: the {...} of a step */
#define ASL_JN_TUPLE 64			/* a step or path of a tuple stream (@, #, %) */
#define ASL_JN_SIMPLE 128		/* a path of names after a first step, nothing else */
typedef struct asl_jnode {
	int type;		/* enum asl_jn_type */
	int flags;
	int position;		/* the reference's, for errors */
	/*
	** Children (-1: none): binary, bind and apply: lhs, rhs; unary -,
	** filter and term: x; condition: lhs ? rhs : x; function and
	** partial: x (the procedure); lambda: x (the body); transform:
	** | lhs | rhs, x | (x: the delete, or -1).
	*/
	int lhs, rhs, x;
	/*
	** list: a path's steps, an array constructor's or block's
	** expressions, arguments, a lambda's parameters, a sort's terms, an
	** object constructor's or group's key and value pairs (2n entries).
	*/
	int list, nlist;
	int stages, nstages;	/* a step's filters */
	int pred, npred;	/* another node's predicate filters */
	int group, ngroup;	/* a step's {...}: key and value pairs */
	int konst;		/* string, number, value: the constant; -1 */
	const char *str;	/* name, variable, operator; a regex's pattern;
				   a lambda's signature */
	const char *flags2;	/* a regex's flags */
	const char *focus;	/* a step's @$name */
	const char *index;	/* a step's #$name; an index stage's: str */
	const char *label;	/* the ancestor slot a step binds, or a parent reads */
} asl_jnode;
typedef struct asl_jexpr {
	const char *text;	/* as written, between {% and %} */
	const asl_jnode *nodes;
	const int *lists;
	int root;
} asl_jexpr;

typedef struct asl_tnode {
	int kind;		/* enum asl_tnode_kind */
	const char *key;	/* member name in the enclosing object, or NULL */
	const char *field;	/* as written, e.g. "value.$", for error causes */
	int n;			/* OBJECT, ARRAY */
	int konst;		/* CONST */
	const asl_path *path;	/* PATH */
	const asl_intrinsic *call;	/* CALL */
	const struct asl_jexpr *jsonata;	/* JSONATA; field: where it is, as
						   causes name it ("Output/result") */
} asl_tnode;

typedef struct asl_template {
	const asl_tnode *nodes;
	int nnode;
} asl_template;

/* The state types, in the order of their history event names. */
enum asl_state_type {
	ASL_STATE_TASK, ASL_STATE_PASS, ASL_STATE_CHOICE, ASL_STATE_WAIT,
	ASL_STATE_SUCCEED, ASL_STATE_FAIL, ASL_STATE_PARALLEL, ASL_STATE_MAP
};

/* What the runtime needs to know of each state. */
typedef struct asl_state_info {
	const char *name;	/* exact ASL name */
	int type;		/* enum asl_state_type */
	int retriable;		/* has $$.State.RetryCount (Task, Parallel, Map) */
	int token;		/* has $$.Task.Token (callback and activity) */
} asl_state_info;

/* A Task state's Resource and its options. */
enum asl_resource_kind {
	ASL_RES_LAMBDA,		/* arn:aws:lambda:REGION:ACCOUNT:function:NAME */
	ASL_RES_LAMBDA_INVOKE,	/* arn:aws:states:::lambda:invoke */
	ASL_RES_SERVICE,	/* arn:aws:states:::SERVICE:ACTION */
	ASL_RES_ACTIVITY,	/* arn:aws:states:REGION:ACCOUNT:activity:NAME */
	ASL_RES_OTHER
};
/* The integration pattern: the suffix of a service action. */
enum asl_pattern {
	ASL_PAT_REQUEST_RESPONSE,	/* none */
	ASL_PAT_SYNC,			/* .sync, .sync:2 */
	ASL_PAT_CALLBACK		/* .waitForTaskToken */
};
typedef struct asl_task_desc {
	const char *state;	/* the Task state's name */
	const char *resource;	/* as written */
	int kind;		/* enum asl_resource_kind */
	int pattern;		/* enum asl_pattern */
	const char *function;	/* lambda:invoke: a constant FunctionName */
	int64_t timeout;	/* TimeoutSeconds, 0 if none */
	const asl_path *timeout_path;	/* TimeoutSecondsPath */
	int64_t heartbeat;	/* HeartbeatSeconds, 0 if none */
	const asl_path *heartbeat_path;	/* HeartbeatSecondsPath */
	const asl_template *timeout_jn;	/* JSONata TimeoutSeconds, or NULL */
	const asl_template *heartbeat_jn;	/* JSONata HeartbeatSeconds, or NULL */
	const asl_template *credentials;	/* Credentials: {"RoleArn": ...}, or NULL */
	int jsonata;		/* credentials is a JSONata template */
	int index;		/* in asl_program.tasks */
} asl_task_desc;

/* One retrier of a Retry field, with the service's defaults filled in. */
typedef struct asl_retrier {
	const char *const *errors;	/* ErrorEquals */
	int nerror;
	int64_t interval;	/* IntervalSeconds */
	int64_t max_attempts;	/* MaxAttempts */
	double backoff;		/* BackoffRate */
	int64_t max_delay;	/* MaxDelaySeconds, 0 if none */
	int jitter;		/* JitterStrategy FULL */
} asl_retrier;

/* One catcher of a Catch field (its ResultPath and Next are code). */
typedef struct asl_catcher {
	const char *const *errors;	/* ErrorEquals */
	int nerror;
} asl_catcher;

/* The Retry and Catch of a state. */
typedef struct asl_recovery {
	const asl_retrier *retriers;
	int nretrier;
	const asl_catcher *catchers;
	int ncatcher;
} asl_recovery;

/* A Fail state's error and cause. */
typedef struct asl_fail_desc {
	const char *error;	/* Error, or NULL */
	const char *cause;	/* Cause, or NULL */
	const asl_path *error_path;	/* ErrorPath, or NULL */
	const asl_path *cause_path;	/* CausePath, or NULL */
	const asl_intrinsic *error_call;	/* ErrorPath as an intrinsic */
	const asl_intrinsic *cause_call;	/* CausePath as an intrinsic */
	const asl_template *error_jn;	/* JSONata Error, or NULL */
	const asl_template *cause_jn;	/* JSONata Cause, or NULL */
} asl_fail_desc;

/*
** A machine compiled to a function: the top level, a Parallel branch, or
** a Map's item processor. It runs on in (consumed) and returns the
** output, or NULL when it failed (the error is in ctx).
*/
typedef json_t *asl_machine_fn(asl_ctx *ctx, json_t *in);

/* A Parallel state's branches, in order. */
typedef struct asl_parallel_desc {
	asl_machine_fn *const *branches;
	int nbranch;
} asl_parallel_desc;

/*
** A Distributed Map's ItemReader: one S3 object (arn:aws:states:::
** s3:getObject), read from the local file its bucket is bound to; or the
** objects of a bucket (arn:aws:states:::s3:listObjectsV2), the files
** under the directories it is bound to, listed or (LOAD_AND_FLATTEN)
** each read.
*/
enum asl_input_type { ASL_INPUT_JSON, ASL_INPUT_JSONL, ASL_INPUT_CSV };
typedef struct asl_item_reader {
	int type;		/* enum asl_input_type */
	const asl_template *parameters;	/* Bucket, Key */
	int csv_given;		/* CSVHeaderLocation GIVEN (else FIRST_ROW) */
	const char *const *csv_headers;	/* CSVHeaders */
	int ncsv_header;
	int csv_delimiter;	/* CSVDelimiter, as a character */
	const char *items_pointer;	/* ItemsPointer, or NULL */
	int64_t max_items;	/* MaxItems; 0: all */
	const asl_path *max_items_path;
	const asl_template *arguments;	/* JSONata: Bucket, Key */
	const asl_template *max_items_jn;	/* JSONata MaxItems */
	int list;		/* s3:listObjectsV2: Bucket, Prefix */
	int flatten;		/* Transformation LOAD_AND_FLATTEN */
} asl_item_reader;

/* ItemBatcher. */
typedef struct asl_item_batcher {
	int64_t max_items;	/* MaxItemsPerBatch; 0: no limit */
	const asl_path *max_items_path;
	int64_t max_bytes;	/* MaxInputBytesPerBatch; 0: 256 KiB */
	const asl_path *max_bytes_path;
	const asl_template *batch_input;	/* BatchInput, or NULL */
	/* JSONata MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput */
	const asl_template *max_items_jn, *max_bytes_jn, *batch_input_jn;
} asl_item_batcher;

/* ResultWriter: the children's results, in files as the service writes them. */
enum asl_transformation { ASL_TRANSFORM_NONE, ASL_TRANSFORM_COMPACT, ASL_TRANSFORM_FLATTEN };
typedef struct asl_result_writer {
	const asl_template *parameters;	/* Bucket, Prefix; NULL: no files */
	int jsonl;		/* OutputType JSONL */
	int transformation;	/* enum asl_transformation */
	const asl_template *arguments;	/* JSONata: Bucket, Prefix */
} asl_result_writer;

/* A Map state's item processor and the fields that feed it. */
typedef struct asl_map_desc {
	asl_machine_fn *processor;	/* ItemProcessor (or Iterator) */
	const asl_path *items_path;	/* ItemsPath, or NULL for $ */
	const asl_template *selector;	/* ItemSelector (or Parameters) */
	int64_t max_concurrency;	/* MaxConcurrency; 0: no limit */
	const asl_path *max_concurrency_path;	/* MaxConcurrencyPath */
	int distributed;	/* ProcessorConfig.Mode DISTRIBUTED */
	int express;		/* ProcessorConfig.ExecutionType EXPRESS */
	int has_percentage;	/* ToleratedFailurePercentage */
	double percentage;
	const asl_path *percentage_path;	/* ToleratedFailurePercentagePath */
	int has_count;		/* ToleratedFailureCount */
	int64_t count;
	const asl_path *count_path;	/* ToleratedFailureCountPath */
	const char *label;	/* Label, or NULL */
	const asl_item_reader *reader;	/* ItemReader, or NULL */
	const asl_item_batcher *batcher;	/* ItemBatcher, or NULL */
	const asl_result_writer *writer;	/* ResultWriter, or NULL */
	int jsonata;		/* JSONata: selector's expressions see $states */
	const asl_template *items;	/* JSONata Items, or NULL (the input) */
	const asl_template *max_concurrency_jn;	/* JSONata MaxConcurrency */
	const asl_template *percentage_jn;	/* JSONata ToleratedFailurePercentage */
	const asl_template *count_jn;	/* JSONata ToleratedFailureCount */
} asl_map_desc;

/* A compiled timestamp: seconds since the epoch and nanoseconds. */
typedef struct asl_time {
	int64_t sec;
	int32_t nsec;
} asl_time;

/* The whole compiled workflow: generated code exports one of these. */
typedef struct asl_program {
	int abi;		/* ASLRT_ABI when generated */
	const char *source;	/* definition file, as given to aslc */
	const char *name;	/* state machine name */
	json_t *(*run)(asl_ctx *ctx, json_t *in);	/* the top machine:
							   consumes in,
							   returns the output
							   or NULL */
	const char *const *consts;	/* constant JSON texts */
	int nconst;
	json_t **kvals;		/* their values, parsed by asl_program_init */
	const asl_task_desc *const *tasks;	/* the Task states */
	int ntask;
	const struct asl_handler *handlers;	/* the C handlers linked in,
						   or NULL */
	int64_t timeout;	/* top-level TimeoutSeconds, 0 if none */
	int uses_context;	/* some path reads $$ */
	const char *const *s3;	/* the S3 objects (s3://bucket/key) and
				   buckets (s3://bucket) that ItemReaders
				   and ResultWriters name as constants:
				   an object must be bound, a bucket have
				   some binding */
	int ns3;
	/* Every machine by id (0: the top), for --test-state: NULL if unused. */
	asl_machine_fn *const *machines;
	const asl_state_info *const *machine_states;	/* each one's states,
							   by asl_start index */
	const int *machine_nstates;
	int nmachine;
	int ready;		/* its constants are parsed (asl_program_init) */
} asl_program;

/* ---- values ---- */

/* Release a reference; NULL is allowed. */
void asl_decref(json_t *v);
/* Return a new reference to v. */
json_t *asl_incref(json_t *v);

/* ---- executions ---- */

/*
** Parse every constant of prog, once per process (asl_execute and
** asl_main call it; it is safe from several threads). Returns 0, or -1
** with a message on stderr if prog was built for another runtime ABI or a
** constant does not parse (an aslc bug).
*/
int asl_program_init(asl_program *prog);
/*
** Release what asl_program_init built, when no execution of prog is
** running (a program that embeds workflows may call it before exiting, for
** leak checkers; the next asl_execute parses the constants again).
*/
void asl_program_fini(asl_program *prog);

/*
** The command line of a generated executable: reads the input, runs one
** execution, prints the output. Returns the process exit status: 0
** succeeded, 1 failed or timed out, 2 bad usage or input. See --help.
*/
int asl_main(int argc, char **argv, asl_program *prog);

/* ---- running a workflow inside a program ----
**
** aslc -c compiles a workflow to an object that exports two symbols, named
** after the definition (order.asl.json: order) or --prefix:
**
**	asl_program order_program;
**	int order_run(const char *input, const asl_options *opt,
**		      asl_result *res);
**
** and --header order.h declares them. order_run(input, opt, res) is
** asl_execute(&order_program, input, opt, res):
**
**	asl_options opt = { 0 };
**	asl_result res;
**
**	opt.handlers = my_handlers;	(an ASL_HANDLER_TABLE, below)
**	if (order_run("{\"id\": 7}", &opt, &res) == ASL_EXEC_SUCCEEDED)
**		puts(res.output);
**	else
**		fprintf(stderr, "%s: %s\n", res.error, res.cause);
**	asl_result_free(&res);
**
** One execution runs to its end in the calling thread (its Parallel
** branches and Map iterations on threads of their own); several may run at
** once, of one workflow or of several. Nothing is printed unless opt asks
** for a trace or a history on stderr; the process's signal dispositions
** are left alone (the executable's command line kills its task programs
** when it is interrupted; an embedding program that runs task programs and
** wants that must do it itself).
*/

/* How an execution ended: asl_execute's value and asl_result.status. */
enum asl_exec_status {
	ASL_EXEC_SUCCEEDED,	/* output and value hold its output */
	ASL_EXEC_FAILED,	/* error and cause say why, state where */
	ASL_EXEC_TIMED_OUT,	/* its TimeoutSeconds passed (error States.Timeout) */
	ASL_EXEC_REFUSED	/* it did not start: message says why (the input
				   is not JSON, an option is wrong, a Task has
				   nothing to run) */
};

/* The options of one execution; all zero is the default of each. */
typedef struct asl_options {
	/*
	** C handlers for Task states (ASL_HANDLER_TABLE), searched before
	** the table compiled in with the workflow, if any; data is given
	** to them by asl_call_data.
	*/
	const struct asl_handler *handlers;
	void *data;
	/* Task programs, as the executable's --bind NAME=COMMAND: NULL-ended. */
	const char *const *bind;
	/* A bindings file, as --bindings FILE. */
	const char *bindings;
	/* Wait states return at once; $$ times advance as if they waited. */
	int virtual_clock;
	/* Write the history here (JSON lines; "-" for stderr), at most history_max events (0: all). */
	const char *history;
	long history_max;
	/* A line per state on stderr, as --trace. */
	int trace;
	/* The execution's name (default: a random UUID), and the state
	   machine's in ARNs (default: the name aslc gave it). */
	const char *name;
	const char *state_machine;
	const char *region;	/* default us-east-1 */
	const char *account;	/* default 123456789012 */
	/* With seeded set, seed the random generator (names, UUIDs, jitter). */
	int seeded;
	uint64_t seed;
	/* Threads for Parallel and Map in all (0: 40). */
	int max_threads;
	/* Fail when a state is entered past this many history events
	   (0: the service's 25,000; -1: no limit). */
	long max_events;
	/* The limit on the input, a state's output and a result, in bytes
	   (0: the service's 256 KiB; -1: no limit). */
	long payload_limit;
	/* A Step Functions Local MockConfigFile and its test case to run. */
	const char *mock_config;
	const char *test_case;
	/* No output text: res->output stays NULL, the value alone is given. */
	int no_output_text;
	/*
	** res->value may share, by reference, what others hold too: what it
	** took unchanged from the input (asl_execute_value), and a part the
	** output holds in two places. The host then changes neither the
	** input nor the value in place (or copies first). The program's
	** constants are copied still.
	*/
	int share_input;
} asl_options;

/* What an execution gave; release it with asl_result_free. */
typedef struct asl_result {
	int status;		/* enum asl_exec_status */
	char *output;		/* SUCCEEDED: the output as compact JSON text
				   (NULL with no_output_text) */
	json_t *value;		/* SUCCEEDED: the same, as a value */
	char *error, *cause;	/* FAILED, TIMED_OUT: either may be NULL */
	char *state;		/* FAILED, TIMED_OUT: the state it ended in, or NULL */
	char *message;		/* REFUSED: why, one or more lines */
	char *name;		/* the execution's name (NULL if REFUSED early) */
} asl_result;

/*
** Run one execution of prog on input, JSON text (NULL or blank: {}), with
** opt (NULL: the defaults). Fills *res and returns res->status.
*/
int asl_execute(asl_program *prog, const char *input, const asl_options *opt,
		asl_result *res);
/* The same with the input as a value (borrowed). */
int asl_execute_value(asl_program *prog, json_t *input, const asl_options *opt,
		      asl_result *res);
/* Release what res holds (not res itself); it may be called twice. */
void asl_result_free(asl_result *res);
/*
** Parallel and Map run on helper threads that the process keeps between
** executions. Stop and join them (before unloading the code, or to end
** with no thread but the host's); later executions start them again.
** Returns 0, or -1 and stops none while an execution uses them or
** another call is stopping them.
*/
int asl_stop_threads(void);

/* ---- steps called by generated code ----
**
** A step consumes the value it is given and returns a new reference, or
** NULL when it fails (the error recorded in ctx). Generated code holds
** its values in plain locals (`v = asl_parameters(ctx, &tpl_0, v)`), never
** passing their addresses: that keeps the C simple for compilers to
** optimise (see docs/generated-code.md).
*/

/*
** Enter state s with input in (borrowed): its StateEntered event, the
** time and name for $$.State. Fails when the execution's time is up
** (TimeoutSeconds, or its year) or its history has reached the limit of
** events.
*/
int asl_enter(asl_ctx *ctx, const asl_state_info *s, json_t *in);
/*
** The state a machine starts at: start (its StartAt), or, for
** --test-state, the index of the state tested alone.
*/
int asl_start(asl_ctx *ctx, int start);
/* Leave the current state with output out (borrowed): its StateExited event. */
void asl_exit(asl_ctx *ctx, json_t *out);

/*
** The steps below consume v (and in) and return a new reference, or NULL
** with the error recorded.
*/

/* InputPath: path(v). A NULL path (InputPath null) gives {}. */
json_t *asl_input_path(asl_ctx *ctx, const asl_path *p, json_t *v);
/* OutputPath: path(v). A NULL path (OutputPath null) gives {}. */
json_t *asl_output_path(asl_ctx *ctx, const asl_path *p, json_t *v);
/* Parameters: the template t applied to v. */
json_t *asl_parameters(asl_ctx *ctx, const asl_template *t, json_t *v);
/* ResultSelector: the template t applied to v. */
json_t *asl_result_selector(asl_ctx *ctx, const asl_template *t, json_t *v);
/* Pass Result: drops v, returns constant k. */
json_t *asl_pass_result(asl_ctx *ctx, int k, json_t *v);
/*
** ResultPath: the raw input in with the result v merged at p, copying on
** write; consumes both. A NULL path (ResultPath null) keeps in.
*/
json_t *asl_result_path(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v);
/*
** The same in a state with catchers: the caller keeps a reference to in,
** the state's input for a catcher, and lets go of it when this succeeds.
** in may be written in place when no catchable failure can follow.
*/
json_t *asl_result_path_handled(asl_ctx *ctx, const asl_path *p, json_t *in, json_t *v);
/*
** Fail with States.DataLimitExceeded unless the state's result, whose
** serialized size the compiler computed, fits the service's limit.
*/
int asl_result_size(asl_ctx *ctx, size_t bytes);

/*
** TimeoutSecondsPath and HeartbeatSecondsPath of t, read from the
** effective input v (borrowed) for the task that follows.
*/
int asl_task_timeouts(asl_ctx *ctx, const asl_task_desc *t, json_t *v);
/* Task: the result of running t's Resource on v. */
json_t *asl_task(asl_ctx *ctx, const asl_task_desc *t, json_t *v);
/*
** Parallel: every branch of p runs on v, each on a thread of its own; the
** array of their outputs, in branch order. When a branch fails the others
** stop and the state fails with that branch's error.
*/
json_t *asl_parallel(asl_ctx *ctx, const asl_parallel_desc *p, json_t *v);
/*
** Map: m's item processor runs on every item of v (ItemsPath, then
** ItemSelector), at most MaxConcurrency at a time; the array of their
** outputs, in item order.
*/
json_t *asl_map(asl_ctx *ctx, const asl_map_desc *m, json_t *v);

/*
** Assign: the template t applied to v (borrowed), the value "$" stands
** for (a Pass or Task result, a Wait or Choice input). The variables take
** their new values when the state exits (asl_exit): the rest of the state
** still sees the old ones. Returns ASL_OK or ASL_FAIL.
*/
int asl_assign(asl_ctx *ctx, const asl_template *t, json_t *v);
/* A catcher's Assign, of the error output; it replaces the state's. */
int asl_catch_assign(asl_ctx *ctx, const asl_template *t);

/*
** The error handler of a state with Retry or Catch, after a step failed.
** Returns ASL_RETRY when a retrier matched and has attempts left (its
** back-off has been waited); the index of the first catcher that matched,
** whose error output asl_catch_result then places; or -1: the error ends
** the execution. States.Runtime and an execution's own timeout are never
** retried or caught.
*/
#define ASL_RETRY (-2)
int asl_recover(asl_ctx *ctx, const asl_recovery *r);
/*
** The caught error's output {"Error": ..., "Cause": ...} written into the
** state's raw input in at the catcher's ResultPath p (NULL: ResultPath
** null). Consumes in; returns the state's output, or NULL.
*/
json_t *asl_catch_result(asl_ctx *ctx, const asl_path *p, json_t *in);

/* Wait states: return ASL_OK or ASL_FAIL. v (borrowed) is the effective input. */
int asl_wait_seconds(asl_ctx *ctx, int64_t seconds);
int asl_wait_seconds_path(asl_ctx *ctx, const asl_path *p, json_t *v);
int asl_wait_timestamp(asl_ctx *ctx, const asl_time *t);
int asl_wait_timestamp_path(asl_ctx *ctx, const asl_path *p, json_t *v);

/*
** Fail state: records the error and cause, reading ErrorPath and CausePath
** from v (borrowed); always returns ASL_FAIL.
*/
int asl_fail_state(asl_ctx *ctx, const asl_fail_desc *f, json_t *v);

/* ---- JSONata states ----
**
** Their fields are templates whose "{% ... %}" strings are JSONata
** expressions; $states.input is the state's input, $states.result the
** result of its work, $states.errorOutput a caught error's output. An
** expression that fails, gives nothing or gives a function fails the state
** with States.QueryEvaluationError.
*/
/* Arguments: t applied to the state input v (consumed). */
json_t *asl_jn_arguments(asl_ctx *ctx, const asl_template *t, json_t *v);
/* Assign, with the state input in and result (NULL: none), borrowed. */
int asl_jn_assign(asl_ctx *ctx, const asl_template *t, json_t *in, json_t *result);
/*
** Output: t (NULL: result if there is one, else in) with the state input
** in and result (NULL: none); consumes both.
*/
json_t *asl_jn_output(asl_ctx *ctx, const asl_template *t, json_t *in, json_t *result);
/*
** A catcher's Assign a and Output o (NULL: none; its output is then the
** error output), with the state input in (consumed) and the caught error.
*/
json_t *asl_jn_catch(asl_ctx *ctx, const asl_template *a, const asl_template *o, json_t *in);
/* A Choice rule's Condition: 1, 0, or -1 when it failed. */
int asl_jn_condition(asl_ctx *ctx, const asl_template *t, json_t *in);
/* Wait: Seconds (or Timestamp, when timestamp) from t, of the state input. */
int asl_jn_wait(asl_ctx *ctx, const asl_template *t, int timestamp, json_t *in);

/* Choice with no match and no Default: always returns ASL_FAIL. */
int asl_no_choice(asl_ctx *ctx);

/* ---- Choice rules ----
**
** Each returns 1 or 0. They read the effective input v (borrowed). When a
** Variable or operand path cannot be read they record States.Runtime and
** return 0; once an error is recorded every later call returns 0 at once,
** so a rule compiles to one C expression followed by asl_failed().
*/
int asl_failed(asl_ctx *ctx);

enum asl_cmp {
	ASL_EQ, ASL_LT, ASL_GT, ASL_LE, ASL_GE
};
int asl_is_null(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_is_present(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_is_numeric(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_is_string(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_is_boolean(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_is_timestamp(asl_ctx *ctx, json_t *v, const asl_path *var);
int asl_string_cmp(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		   const char *s, size_t len);
int asl_numeric_cmp_int(asl_ctx *ctx, json_t *v, const asl_path *var,
			int cmp, int64_t k);
int asl_numeric_cmp_real(asl_ctx *ctx, json_t *v, const asl_path *var,
			 int cmp, double k);
int asl_boolean_eq(asl_ctx *ctx, json_t *v, const asl_path *var, int b);
int asl_timestamp_cmp(asl_ctx *ctx, json_t *v, const asl_path *var, int cmp,
		      const asl_time *t);
/* The ...Path forms: compare against the value at operand path p. */
int asl_string_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var,
			int cmp, const asl_path *p);
int asl_numeric_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var,
			 int cmp, const asl_path *p);
int asl_boolean_eq_path(asl_ctx *ctx, json_t *v, const asl_path *var,
			const asl_path *p);
int asl_timestamp_cmp_path(asl_ctx *ctx, json_t *v, const asl_path *var,
			   int cmp, const asl_path *p);
/* StringMatches; pattern as written: '*' any run, '\*' and '\\' literals. */
int asl_string_matches(asl_ctx *ctx, json_t *v, const asl_path *var,
		       const char *pattern, size_t len);

/* ---- Task handlers compiled into a workflow ----
**
** A C file given to aslc next to the definition,
**
**	aslc order.asl.json handlers.c -o order
**
** binds Task resources to C functions with a table:
**
**	static json_t *
**	charge(asl_call *call, json_t *input)
**	{
**		if (!json_is_object(input))
**			return asl_call_fail(call, "Payment.BadInput", "not an object");
**		return json_pack("{s:s}", "chargeId", "ch_1");
**	}
**
**	ASL_HANDLERS(
**		{ "ChargePayment", charge },
**		{ "RefundCharge", refund }
**	);
**
** A handler's key is what its Task's Resource names: the full ARN, a
** Lambda function's name (for arn:aws:lambda:...:function:NAME, and for
** lambda:invoke its FunctionName), an activity's name, or a service
** action without the arn:aws:states::: prefix ("dynamodb:putItem").
**
** A handler gets the task's input (borrowed) and returns its result (a new
** reference), or NULL after asl_call_fail. For lambda:invoke it gets the
** Payload and returns the function's response; the runtime wraps it in
** the service's envelope. Handlers run in the executable's process and
** must return: Timeout and HeartbeatSeconds are checked when they do, and
** asl_call_heartbeat tells a long handler whether it is still wanted.
*/

/* One invocation of a handler. */
typedef struct asl_call asl_call;

typedef json_t *(*asl_handler_fn)(asl_call *call, json_t *input);

typedef struct asl_handler {
	const char *name;	/* ARN, function, activity or service action */
	asl_handler_fn fn;
} asl_handler;

/*
** The handler table compiled in with a workflow (handler files given to
** aslc): ASL_HANDLERS({ "name", fn }, ...), no trailing comma.
*/
#define ASL_HANDLERS(...) \
	const asl_handler aslh_handlers[] = { __VA_ARGS__, { NULL, NULL } }
extern const asl_handler aslh_handlers[];
/*
** A table of any name, for asl_options.handlers:
** static ASL_HANDLER_TABLE(mine, { "name", fn }, ...);
*/
#define ASL_HANDLER_TABLE(table, ...) \
	const asl_handler table[] = { __VA_ARGS__, { NULL, NULL } }

/*
** Fail the task with this error name and cause (either may be NULL).
** Returns NULL, for `return asl_call_fail(...)`.
*/
json_t *asl_call_fail(asl_call *call, const char *error, const char *cause);
/* The context object $$ of the task (borrowed): Execution, State, Task. */
json_t *asl_call_context(asl_call *call);
/* asl_options.data of the execution (NULL for the executable's). */
void *asl_call_data(asl_call *call);
/* The attempt's retry count, $$.State.RetryCount: 0 on the first attempt. */
int asl_call_retry_count(asl_call *call);
/* The Task state's name, and its Resource as written. */
const char *asl_call_state(asl_call *call);
const char *asl_call_resource(asl_call *call);
/*
** Milliseconds left before the task times out (its TimeoutSeconds, the
** next heartbeat, or the machine's TimeoutSeconds), or -1 if nothing
** limits it.
*/
int64_t asl_call_remaining_ms(asl_call *call);
/*
** Report progress (SendTaskHeartbeat): restarts the HeartbeatSeconds
** clock. Returns ASL_OK, or ASL_FAIL when the task has already timed out
** and its result will be discarded.
*/
int asl_call_heartbeat(asl_call *call);

/* ---- helpers shared with tests and embedders ---- */

/*
** The value of the intrinsic call f, its paths read from input (borrowed):
** a new reference, or NULL with the error (States.Runtime) recorded.
*/
json_t *asl_intrinsic_eval(asl_ctx *ctx, const asl_intrinsic *f, json_t *input);

/*
** Parse an RFC 3339 timestamp as the service accepts it. Returns 0 and
** fills *t, or -1 if s is not one.
*/
int asl_parse_time(const char *s, size_t len, asl_time *t);

/*
** Serialize v as compact JSON, the way the service prints documents.
** Returns a malloc'd string (the caller frees it), or NULL on OOM.
*/
char *asl_dumps(const json_t *v);
/* The length asl_dumps(v) would have, without building it. */
size_t asl_dump_size(const json_t *v);

/*
** Evaluate path p against doc (borrowed; the context object for $$
** paths). Returns a new reference, or NULL if the path selects nothing
** (definite paths); then *why, if not NULL, gets a malloc'd message in
** Jayway's words. Indefinite paths always return an array.
*/
json_t *asl_path_eval(asl_ctx *ctx, const asl_path *p, json_t *doc,
		      char **why);

#ifdef __cplusplus
}
#endif
#endif
