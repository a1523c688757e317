/*
** aslc.h - the one internal header of the compiler, one section per file.
**
** The pipeline (main.c) is: load the definition (load.c), parse it into
** the IR while checking every field (parse.c, path.c), resolve and check
** transitions (check.c), lower each state to its steps (lower.c), and
** emit C (emit_c.c), which cc.c or tcc.c builds into an executable, or
** LLVM IR (emit_llvm.c), which cc.c links.
*/
#ifndef ASLC_H
#define ASLC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "aslrt.h"

#define ASLC_VERSION ASLRT_VERSION	/* one version for compiler and runtime */

#if defined(__GNUC__)
#define ASLC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ASLC_NORETURN __attribute__((noreturn))
#else
#define ASLC_PRINTF(f, a)
#define ASLC_NORETURN
#endif

/* ---- util.c ---- */

/* Allocation that never fails: on OOM the compiler dies with a message. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/*
** The compilation's arena: zeroed memory for the IR and its strings,
** released all at once by arena_free().
*/
void *arena_alloc(size_t n);
char *arena_strdup(const char *s);
char *arena_strndup(const char *s, size_t n);
char *arena_printf(const char *fmt, ...) ASLC_PRINTF(1, 2);
/* A mkstemps template in $TMPDIR (else /tmp): aslc-XXXXXX then suffix. */
void temp_template(char *buf, size_t size, const char *suffix);
void arena_free(void);

/* A growable string. */
struct strbuf {
	char *s;		/* NUL-terminated, or NULL when empty */
	size_t len;
	size_t cap;
};
void sb_putc(struct strbuf *b, char c);
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...) ASLC_PRINTF(2, 3);
void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap);
void sb_free(struct strbuf *b);

/*
** A map from strings to ints (open addressing). Keys are not copied: they
** must live as long as the map (arena strings do).
*/
struct strmap {
	const char **keys;
	int *vals;
	size_t size, n;
};
int strmap_get(const struct strmap *m, const char *key);	/* -1 if absent */
size_t hash_string(const char *s);	/* djb2, for the maps */
void strmap_put(struct strmap *m, const char *key, int val);
void strmap_free(struct strmap *m);

/* The environment failed (file, process): message and exit 2. */
void fatal(const char *fmt, ...) ASLC_PRINTF(1, 2) ASLC_NORETURN;
/* An aslc bug: message with file and line, then abort. */
#define die(...) die_at(__FILE__, __LINE__, __VA_ARGS__)
void die_at(const char *file, int line, const char *fmt, ...)
	ASLC_PRINTF(3, 4) ASLC_NORETURN;

/* ---- diag.c: diagnostics, located by JSON Pointer ---- */

/*
** A place in the definition: the RFC 6901 pointer of a value, and whether
** the diagnostic is about its member name rather than the value.
*/
struct loc {
	const char *ptr;	/* "/States/Charge~1Card/Next" */
	bool key;		/* point at the name of the member */
};

enum warning {
#define WARNING(id, name, on, help) W_##id,
#include "asl.def"
	W_COUNT
};

/* Errors shown before the rest are only counted. */
#define DIAG_MAX_ERRORS 20

/* The source being compiled; diagnostics read it to find lines. */
void diag_init(const char *file, const char *src, size_t len);
/* An error in the user's definition. */
void diag_error(struct loc loc, const char *fmt, ...) ASLC_PRINTF(2, 3);
/*
** An error at byte offset of the string value at loc (once decoded): the
** line and column are those of that byte in the file, when it is JSON.
*/
void diag_error_in(struct loc loc, size_t offset, const char *fmt, ...) ASLC_PRINTF(3, 4);
/* An error at a known line and column (parse errors from jansson). */
void diag_error_at(int line, int col, const char *fmt, ...) ASLC_PRINTF(3, 4);
/* A named warning, if enabled (an error under -Werror). */
void diag_warn(enum warning w, struct loc loc, const char *fmt, ...)
	ASLC_PRINTF(3, 4);
/* -Wname, -Wno-name, -Werror[=name], -Wall, -Wextra; false if unknown. */
bool diag_option(const char *arg);
/* --diagnostics-format=, -f[no-]diagnostics-*; false if not one of them. */
bool diag_look(const char *arg);
int diag_errors(void);
/* Print "aslc: N errors, M warnings" if there were any. */
void diag_summary(void);
/* Line of the value at ptr (for #line), or 0 if unknown. */
int diag_line(const char *ptr);
void diag_free(void);
/*
** Locate diagnostics with jl (it is taken over) instead of scanning the
** source as JSON: for definitions that are not JSON text.
*/
struct jsonloc;
void diag_set_locs(struct jsonloc *jl);
/*
** Forget the source, the counts and the location table, as if no
** definition had been read (the fuzz target compiles many in one process).
** Warning options stay.
*/
void diag_reset(void);

/* Build the pointer of member key (escaped) or element i under parent. */
const char *diag_ptr_member(const char *parent, const char *key);
const char *diag_ptr_index(const char *parent, size_t i);

/* ---- jsonloc.c: JSON Pointer -> line:column ---- */

struct jsonloc;
/* Scan src (valid JSON) once, recording every value and member name. */
struct jsonloc *jsonloc_build(const char *src, size_t len);
/* Find ptr; false if it is not in the document. Columns count characters. */
bool jsonloc_find(const struct jsonloc *jl, const char *ptr, bool key,
		  int *line, int *col);
void jsonloc_free(struct jsonloc *jl);
/* An empty table, for a source that is not JSON text (yaml.c fills one). */
struct jsonloc *jsonloc_new(void);
/*
** Record that the value at ptr starts at line:col, and its member name at
** kline:kcol (0 when it has none). Lines and columns count from 1.
*/
void jsonloc_add(struct jsonloc *jl, const char *ptr, int line, int col,
		 int kline, int kcol);

/* ---- yaml.c: YAML definitions ---- */

/*
** Parse src, a YAML document, into the JSON value it stands for (a new
** reference), with the line and column of each value and member name in
** *locs (the caller owns it). Scalars are read by the YAML 1.2 core schema.
** NULL after reporting errors; *locs is then NULL.
*/
json_t *load_yaml(const char *src, size_t len, struct jsonloc **locs);

/* ---- the IR ---- */

enum state_kind {
#define STATE(k, name, rt, ok) STATE_##k,
#include "asl.def"
	STATE_COUNT
};

enum field {
#define FIELD(id, name, where, support) F_##id,
#include "asl.def"
	F_COUNT
};

enum compare {
#define COMPARE(id, name, type, cmp) CMP_##id,
#include "asl.def"
	CMP_COUNT
};

enum op_kind {
#define OP(id, name) OP_##id,
#include "asl.def"
	OP_COUNT
};

/* What a Choice comparison compares the Variable with. */
enum operand_type {
#define OPERAND(x) OPERAND_##x,
#include "asl.def"
};

/* The spellings and kinds of the comparisons, from asl.def (parse.c). */
struct compare_info {
	const char *name;		/* "StringEquals" */
	enum operand_type type;
	const char *cmp;		/* the runtime's ASL_EQ, ASL_LT, ... */
};
extern const struct compare_info compare_info[CMP_COUNT];

/* The Type spellings and runtime constants of the states (parse.c). */
extern const char *const state_type_name[STATE_COUNT];
extern const char *const state_type_enum[STATE_COUNT];

/* A step of a path; mirrors asl_seg in include/aslrt.h. */
enum seg_kind {
#define SEG(x) SEG_##x,
#include "asl.def"
};
#define SLICE_NONE INT64_MIN

struct filter;

struct seg {
	enum seg_kind kind;
	const char *key;	/* KEY */
	int64_t a, b;		/* INDEX a (b: from the end); SLICE a:b */
	const char **keys;	/* KEYS */
	int64_t *indexes;	/* INDEXES */
	int n;			/* KEYS, INDEXES */
	struct filter *filter;	/* FILTER */
};

enum path_root {
#define ROOT(x) ROOT_##x,
#include "asl.def"
};

/* A JSONPath, parsed. */
struct path {
	const char *text;	/* as written */
	enum path_root root;
	const char *var;	/* ROOT_VARIABLE: the variable's name */
	bool definite;		/* selects at most one value */
	bool reference;		/* only names and single indexes */
	struct seg *segs;
	int nseg, segcap;
	int id;			/* emit_c: index of its descriptor, or -1 */
};

enum filter_kind {
#define FILTER_KIND(x) FILTER_##x,
#include "asl.def"
};
enum filter_op {
#define FILTER_OP(x) FOP_##x,
#include "asl.def"
};

struct operand {
	struct path *path;	/* or NULL: then konst */
	int konst;		/* constant index */
	const char *regex;	/* FOP_REGEX: POSIX ERE */
	bool icase;
};

struct filter {
	enum filter_kind kind;
	enum filter_op op;
	struct filter *a, *b;
	struct operand l, r;
	int id;			/* emit_c */
};

/* An intrinsic function call: see asl_intrinsic in include/aslrt.h. */
enum intrinsic {
#define INTRINSIC(id, name, min, max) FN_##id,
#include "asl.def"
	FN_COUNT
};
extern const struct intrinsic_info {
	const char *name;	/* "States.Format" */
	int min, max;		/* argument counts; max -1: any */
} intrinsic_info[FN_COUNT];

enum iarg_kind { IARG_CONST, IARG_PATH, IARG_CALL };
struct icall;
struct iarg {
	enum iarg_kind kind;
	int konst;		/* CONST: a constant's index */
	json_type type;		/* CONST: its JSON type */
	const char *raw;	/* CONST string: as written, escapes kept */
	struct path *path;	/* PATH */
	struct icall *call;	/* CALL */
};
struct icall {
	enum intrinsic fn;
	const char *text;	/* the whole field's expression, for causes */
	struct iarg *args;
	int nargs;
	int id;			/* emit_c */
};

/*
** A JSONata expression as the runtime's tables (asl_jexpr): nodes that
** refer to each other by index, and the lists they use (jnlower.c).
*/
struct jexpr {
	const char *text;	/* between {% and %} */
	asl_jnode *nodes;
	int nnode;
	int *lists;
	int nlist;
	int root;
	int id;			/* emit_c */
};

/* A payload template node: see asl_tnode in include/aslrt.h. */
enum tnode_kind {
#define TNODE(x) TNODE_##x,
#include "asl.def"
};
struct tnode {
	enum tnode_kind kind;
	const char *key;	/* member name (".$" removed), or NULL */
	const char *field;	/* member name as written */
	int n;			/* OBJECT, ARRAY: children */
	int konst;		/* CONST */
	struct path *path;	/* PATH */
	struct icall *call;	/* CALL */
	struct jexpr *jx;	/* JSONATA; field: "Output/result" */
};
struct template {
	struct tnode *nodes;
	int nnode;
	int id;			/* emit_c */
};

/* A Choice rule: a comparison, or And/Or/Not of rules. */
enum rule_kind { RULE_CMP, RULE_AND, RULE_OR, RULE_NOT };
struct rule {
	enum rule_kind kind;
	struct loc loc;		/* the rule object */
	enum compare cmp;	/* RULE_CMP */
	struct path *var;	/* Variable */
	struct path *operand;	/* ..._PATH comparisons */
	const char *str;	/* STRING, MATCHES constant */
	size_t len;
	bool is_int;		/* NUMERIC constant */
	int64_t i;
	double d;
	bool b;			/* BOOLEAN and IS_ constants */
	int64_t tsec;		/* TIMESTAMP constant */
	int32_t tnsec;
	int time_id;		/* emit_c: its asl_time descriptor */
	const char *text;	/* the constant as written (comments) */
	struct rule **kids;	/* AND, OR, NOT */
	int nkid;
	const char *next_name;	/* top-level rules: Next */
	struct loc next_loc;
	int next;		/* resolved by check.c */
	struct template *assign;	/* top-level rules: Assign */
	struct template *condition;	/* JSONata: Condition */
	struct template *output;	/* JSONata: Output */
};

struct choice {
	struct rule **rules;
	int nrule;
	const char *default_name;	/* or NULL */
	struct loc default_loc;
	int dflt;		/* resolved, or -1 */
};

enum wait_kind { WAIT_SECONDS, WAIT_SECONDS_PATH, WAIT_TIMESTAMP, WAIT_TIMESTAMP_PATH };
struct wait {
	enum wait_kind kind;
	int64_t seconds;
	struct path *path;
	int64_t tsec;
	int32_t tnsec;
	const char *text;	/* Timestamp as written */
	struct template *jn;	/* JSONata Seconds or Timestamp (kind says which) */
};

struct fail {
	const char *error, *cause;
	struct path *error_path, *cause_path;
	struct icall *error_call, *cause_call;	/* ErrorPath, CausePath */
	struct template *error_jn, *cause_jn;	/* JSONata Error, Cause */
};

/* A path-valued field that may also be null (InputPath, ResultPath, ...). */
struct pathfield {
	bool present;		/* written in the definition */
	struct path *path;	/* NULL when the value is null */
	struct loc loc;
};

/* Resource kinds and patterns: see include/aslrt.h. */
enum resource_kind { RES_LAMBDA, RES_LAMBDA_INVOKE, RES_SERVICE, RES_ACTIVITY, RES_OTHER };
enum pattern { PAT_REQUEST_RESPONSE, PAT_SYNC, PAT_CALLBACK };
struct task {
	const char *resource;
	enum resource_kind kind;
	enum pattern pattern;
	const char *function;	/* lambda:invoke: a constant FunctionName */
	int64_t timeout;	/* TimeoutSeconds; 0: none */
	struct path *timeout_path;	/* TimeoutSecondsPath */
	int64_t heartbeat;	/* HeartbeatSeconds; 0: none */
	struct path *heartbeat_path;	/* HeartbeatSecondsPath */
	struct template *timeout_jn, *heartbeat_jn;	/* JSONata */
	struct template *credentials;	/* Credentials */
	int id;			/* emit_c: index of its descriptor */
	int index;		/* in program.tasks (asl_task_desc.index) */
};

/* A Retry or Catch entry's ErrorEquals. */
struct errors {
	const char **names;
	int n;
};

/* One retrier of a Retry field. */
struct retrier {
	struct loc loc;
	struct errors errors;
	int64_t interval;	/* IntervalSeconds (default 1) */
	int64_t max_attempts;	/* MaxAttempts (default 3) */
	double backoff;		/* BackoffRate (default 2.0) */
	int64_t max_delay;	/* MaxDelaySeconds; 0: no cap */
	bool jitter;		/* JitterStrategy FULL */
};

/* One catcher of a Catch field. */
struct catcher {
	struct loc loc;
	struct errors errors;
	const char *next_name;
	struct loc next_loc;
	int next;		/* resolved by check.c */
	struct pathfield result_path;	/* default "$" */
	struct template *assign;	/* Assign, instead of the state's */
	struct template *output;	/* JSONata: Output */
};


struct machine;

/* Parallel: the branches, each a machine of its own. */
struct parallel {
	struct machine **branches;
	int nbranch;
	int id;			/* emit_c: its descriptor */
};

/* A Distributed Map's ItemReader: an S3 object read from a local file. */
enum input_type { INPUT_JSON, INPUT_JSONL, INPUT_CSV };
struct item_reader {
	enum input_type type;	/* ReaderConfig.InputType */
	bool list;		/* s3:listObjectsV2 (else s3:getObject) */
	bool flatten;		/* Transformation LOAD_AND_FLATTEN: read each object listed */
	struct template *parameters;	/* Bucket, Key (a listing: Bucket, Prefix) */
	struct template *arguments;	/* the same, in JSONata */
	const char *bucket, *key;	/* when constant: checked at start-up */
	bool csv_given;		/* CSVHeaderLocation GIVEN (else FIRST_ROW) */
	const char **csv_headers;	/* CSVHeaders */
	int ncsv_header;
	char csv_delimiter;	/* CSVDelimiter */
	const char *items_pointer;	/* ItemsPointer (JSON), or NULL */
	int64_t max_items;	/* MaxItems; 0: all */
	struct path *max_items_path;
	struct template *max_items_jn;	/* JSONata MaxItems */
};

/* ItemBatcher: items go to children in batches. */
struct item_batcher {
	int64_t max_items;	/* MaxItemsPerBatch; 0: no limit */
	struct path *max_items_path;
	int64_t max_bytes;	/* MaxInputBytesPerBatch; 0: 256 KiB */
	struct path *max_bytes_path;
	struct template *batch_input;	/* BatchInput */
	/* JSONata MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput */
	struct template *max_items_jn, *max_bytes_jn, *batch_input_jn;
};

/* ResultWriter: the children's results in files, as the service writes them. */
enum transformation { TRANSFORM_NONE, TRANSFORM_COMPACT, TRANSFORM_FLATTEN };
struct result_writer {
	struct template *parameters;	/* Bucket, Prefix; NULL: WriterConfig only */
	struct template *arguments;	/* the same, in JSONata */
	const char *bucket;	/* when constant */
	bool jsonl;		/* WriterConfig.OutputType JSONL */
	enum transformation transformation;
};

/* Map: the item processor and the fields that feed it. */
struct map {
	struct machine *processor;	/* ItemProcessor or Iterator */
	bool distributed;	/* ProcessorConfig.Mode DISTRIBUTED */
	bool express;		/* ProcessorConfig.ExecutionType EXPRESS */
	struct path *items_path;	/* ItemsPath, or NULL for $ */
	struct template *selector;	/* ItemSelector (or Parameters) */
	int64_t max_concurrency;	/* 0: no limit */
	struct path *max_concurrency_path;
	bool has_percentage;	/* ToleratedFailurePercentage */
	double percentage;
	struct path *percentage_path;
	bool has_count;		/* ToleratedFailureCount */
	int64_t count;
	struct path *count_path;
	const char *label;	/* Label, or NULL */
	struct loc label_loc;
	struct template *items;	/* JSONata Items, or NULL */
	struct template *max_concurrency_jn, *percentage_jn, *count_jn;	/* JSONata */
	struct item_reader *reader;	/* ItemReader, or NULL */
	struct item_batcher *batcher;	/* ItemBatcher, or NULL */
	struct result_writer *writer;	/* ResultWriter, or NULL */
	int id;			/* emit_c: its descriptor */
};

/* One lowered step. */
struct op {
	enum op_kind kind;
	struct loc loc;		/* the field it implements */
	bool value;		/* works on v (else on in): see emit_c.c */
	struct path *path;	/* *_PATH ops (NULL: the null form) */
	struct template *tpl;	/* PARAMETERS, RESULT_SELECTOR */
	int konst;		/* PASS_RESULT */
	size_t size;		/* PASS_RESULT: serialized size */
	int next;		/* GOTO: state index */
	const struct state *state;	/* CHOICE, WAIT, FAIL, TASK: its fields */
};

struct state {
	enum state_kind kind;
	const char *name;	/* exact ASL spelling */
	struct loc loc;		/* the member under "States" */
	int index;		/* in machine.states */
	bool reachable;		/* check.c */

	const char *next_name;	/* Next, or NULL */
	struct loc next_loc;
	bool end;
	int next;		/* resolved Next, or -1 */

	struct pathfield input_path, output_path, result_path;
	struct template *parameters, *result_selector;
	struct loc parameters_loc, result_selector_loc;
	struct template *assign;	/* Assign */
	struct loc assign_loc;
	bool has_result;	/* Pass Result */
	int result_konst;
	size_t result_size;
	struct loc result_loc;

	struct task task;
	struct retrier *retry;	/* Retry (Task, Parallel, Map) */
	int nretry;
	struct catcher *catch;	/* Catch (Task, Parallel, Map) */
	int ncatch;
	int recovery_id;	/* emit_c: its asl_recovery descriptor */
	struct choice choice;
	struct wait wait;
	struct loc wait_loc;
	struct fail fail;
	struct parallel parallel;
	struct map map;

	bool jsonata;		/* QueryLanguage JSONata (its own or inherited) */
	struct template *arguments, *output;	/* JSONata: Arguments, Output */
	struct loc arguments_loc, output_loc;

	struct op *ops;		/* lower.c */
	int nop;
};

/* A variable that a path or an intrinsic's argument reads, or an Assign sets. */
struct varref {
	const char *name;
	struct loc loc;		/* the field that reads it, or the member */
};

/*
** A machine: the top level, a Parallel branch, or a Map's item processor.
** Each is a scope of variables and becomes one C function.
*/
struct machine {
	struct state **states;	/* in source order */
	int nstate;
	const char *start_name;
	struct loc start_loc;
	int start;		/* index of StartAt */
	int id;			/* in program.machines; sm_<id> in C */
	struct loc loc;		/* the machine's object */
	struct machine *parent;	/* the enclosing machine, or NULL */
	struct state *owner;	/* the Parallel or Map state, or NULL */
	bool isolated;		/* a Distributed Map's: no outer variables */
	bool reachable;		/* its owner is (check.c) */
	struct varref *assigned;	/* the variables its states assign */
	int nassigned, assignedcap;
	struct varref *refs;	/* the variables its fields read */
	int nref, refcap;
};

struct program {
	const char *file;	/* the definition, as given */
	const char *name;	/* state machine name */
	struct machine *top;	/* machines[0] */
	struct machine **machines;	/* every machine, parents first */
	int nmachine;
	struct machine *cur;	/* parse.c: the machine being parsed */
	const char **consts;	/* compact JSON texts, deduplicated */
	int nconst;
	struct strmap const_index;	/* text -> index in consts */
	const struct state **tasks;	/* the reachable Task states (lower.c) */
	int ntask;
	int64_t timeout;	/* TimeoutSeconds, 0 if none */
	bool uses_context;	/* some path starts with $$ */
	bool jsonata;		/* parse.c: what the states being parsed inherit */
};

/* ---- load.c ---- */

/*
** Read and parse file. Returns the document (a new reference) and the
** source text in *src (malloc'd), or NULL after reporting errors.
*/
json_t *load_definition(const char *file, char **src, size_t *len);
/* All of path (- for stdin), NUL-terminated; a fatal error if unreadable. */
char *read_file(const char *path, size_t *len);
/*
** The same for text already in memory: src holds len bytes followed by a
** NUL, and must outlive the diagnostics (diag.c keeps it). file names the
** definition in messages.
*/
json_t *load_text(const char *file, const char *src, size_t len);

/* ---- path.c ---- */

/*
** Parse text as a JSONPath ($, $$, $name, or @ in filters). On error
** returns NULL and sets *err to a message. Constants in filters are added
** to prog.
*/
struct path *path_parse(struct program *prog, const char *text,
			const char **err);
/*
** Parse the path at the start of text, an intrinsic's argument: it ends
** at a ',', ')' or blank outside brackets. *end gets where it ended.
*/
struct path *path_parse_arg(struct program *prog, const char *text,
			    const char **end, const char **err);

/* ---- intrinsic.c ---- */

/*
** Parse text, a "key.$" value that starts with "States.", as an intrinsic
** call. On error returns NULL and sets *err. Warnings about the call (a
** count or type that fails when it runs) are reported at loc.
*/
struct icall *intrinsic_parse(struct program *prog, const char *text,
			      struct loc loc, const char **err);

/* ---- jnlower.c ---- */

struct jn_node;
/*
** The tables of the expression text (between {% and %}) whose tree is
** root; constants go to prog. NULL with *why set if the tree uses what
** aslc does not evaluate yet.
*/
struct jexpr *jexpr_lower(struct program *prog, const struct jn_node *root, const char *text,
			  const char **why);

/* ---- parse.c ---- */

/* Build the program from the definition; reports errors. */
struct program *parse_program(json_t *root, const char *file, const char *name);
/* Release what the arena does not hold (the growable tables). */
void parse_free(struct program *prog);
/*
** Note that the machine being parsed reads variable name (path.c); nref
** counts the notes, and locate_varrefs gives those from the first-th on,
** which a field's parse added, the field's location.
*/
void note_varref(struct program *prog, const char *name);
int nref(const struct program *prog);
void locate_varrefs(struct program *prog, int first, struct loc loc);
/* The index of the constant with this compact JSON text. */
int parse_const(struct program *prog, const char *json);

/* ---- check.c ---- */

/* Resolve transitions and check the graph; returns the number of errors. */
int check_program(struct program *prog);

/* ---- lower.c ---- */

/* Lower every state to its list of steps. */
void lower_program(struct program *prog);
/* Print the IR (aslc -d). */
void lower_print(const struct program *prog, FILE *f);

/* ---- emit_c.c ---- */

struct emit_options {
	bool line_directives;	/* #line pointing into the definition */
	bool no_version;	/* leave the aslc version out (golden files) */
	bool handlers;		/* C handlers are linked in (aslh_handlers) */
	const char *c_name;	/* the file being written, for #line */
	const char *prefix;	/* -c: PREFIX_program and PREFIX_run, no main */
};
/* Write the C translation of prog to f. */
void emitc_program(const struct program *prog, const struct emit_options *opt, FILE *f);
/* The header of -c's object (--header): PREFIX_program and PREFIX_run. */
void emitc_header(const struct program *prog, const struct emit_options *opt, FILE *f);
/*
** The most states in one function. Compilers, C or LLVM, slow down faster
** than linearly on one huge function, so a machine of more states is
** split into parts, each a function, and a dispatcher that calls the part
** holding the next state.
*/
#define PART_STATES 256
/*
** The part of each state of m (*part; -1 if unreachable), and which are
** entered from outside their part (*entry: StartAt and the targets of
** transitions that cross parts). Returns the number of parts.
*/
int machine_parts(const struct machine *m, int **part, bool **entry);
/*
** Can an error make this Choice rule true (a Not, or an Is... false)?
** Then its branch must also check that no error was raised.
*/
bool rule_negates(const struct rule *r);
/* A state's label in the code: st_<index>_<slug of its name>. */
const char *state_label(const struct state *st);
/*
** The S3 objects (s3://bucket/key) and buckets (s3://bucket) that
** ItemReaders and ResultWriters name as constants; *n gets their number.
*/
const char **s3_names(const struct program *prog, int *n);

/* ---- graph.c: aslc graph ---- */

enum graph_format { GRAPH_DOT, GRAPH_MERMAID };
struct history;
/*
** Read an execution's history: JSON lines, one AWS HistoryEvent each
** (GetExecutionHistory). A line that is not a JSON object is fatal.
*/
struct history *history_read(const char *file);
/* Draw prog as DOT or Mermaid on f, with history h (or NULL) laid over it. */
void graph_write(const struct program *prog, enum graph_format fmt,
		 const struct history *h, FILE *f);

/* ---- cc.c ---- */

struct cc_options {
	const char *cc;		/* C compiler command, or NULL for $CC or cc */
	const char *opt;	/* -O level, e.g. "-O2" */
	bool debug;		/* -g */
	const char **extra;	/* -I and -D, for every compilation */
	int nextra;
	const char **ldargs;	/* -L and -l, for the link after the handlers */
	int nldargs;
	const char **inputs;	/* handler files: .c, .o, .a */
	int ninput;
	bool verbose;
};
/* The directory that holds aslrt.h and libaslrt.a, or NULL. */
const char *cc_runtime_dir(const char **incdir);
/* Show a failed build's output (said), saying whose fault it is. */
void cc_report(const char *tool, const char *how, const char *what, const char *out,
	       const struct strbuf *said, const struct cc_options *opt);
/* The same, checked: a fatal error when the library or header is missing. */
const char *cc_runtime(const char **incdir);
/* Compile the C file c_file into executable out; returns 0 on success. */
int cc_build(const char *c_file, const char *out, const struct cc_options *opt);
/*
** -c: the object out from input (the generated C when is_c, else an
** object LLVM or tcc made) and the handler files, as one relocatable
** object whose only global symbols are PREFIX_program and PREFIX_run.
** 0 on success.
*/
int cc_object(const char *input, bool is_c, const char *out, const char *prefix,
	      const struct cc_options *opt);
/*
** Localize every global symbol of obj but PREFIX_program and PREFIX_run
** (objcopy); stack_note adds .note.GNU-stack (tcc's objects lack it).
*/
int cc_localize(const char *obj, const char *prefix, bool stack_note,
		const struct cc_options *opt);
/*
** The prerequisites of the handler sources (their headers) as the C
** compiler finds them (-M, or -MM when system is false), appended to
** *deps, already quoted for make. 0 on success.
*/
int cc_depends(const struct cc_options *opt, bool system, struct strbuf *deps);

/* ---- tcc.c ---- */

/* Whether this aslc can use libtcc (not in a sanitizer build). */
bool ltcc_available(void);
/* Compile the C text code into executable out with libtcc; 0 on success. */
int ltcc_build(const char *code, const char *out, const struct cc_options *opt);
/* -c with tcc: code and the handler files into one object out; 0 on success. */
int ltcc_object(const char *code, const char *out, const char *prefix,
		const struct cc_options *opt);
/*
** Compile code in memory and call its main(argc, argv); its return value
** goes to *exit_status. Returns 0, or -1 if the build failed (reported).
*/
int ltcc_run(const char *code, int argc, char **argv, const struct cc_options *opt,
	     int *exit_status);

/* ---- emit_llvm.c ---- */

struct llvm_options {
	const char *ll;		/* write the LLVM IR here ("-": stdout), no executable */
	bool handlers;		/* C handlers are linked in (aslh_handlers) */
	const char *prefix;	/* -c: PREFIX_program and PREFIX_run, no main;
				   out is then an object */
};
/* Whether this aslc was built with LLVM. */
bool llvm_available(void);
/*
** Build prog with LLVM, optimised at opt->opt, into executable out (linked
** by cc.c with opt's handler files), or only its IR to lo->ll. 0 on success.
*/
int llvm_build(const struct program *prog, const struct llvm_options *lo, const char *out,
	       const struct cc_options *opt);

#endif
