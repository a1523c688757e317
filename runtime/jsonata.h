/*
** jsonata.h - the JSONata runtime: values and the standard library.
**
** The first part of the runtime that compiled JSONata expressions will
** call (docs/jsonata.md): the functions of the standard library, with the
** reference implementation's argument checking (signatures), results and
** errors. Values are jansson's, with NULL for JSONata's undefined and a
** flag for the sequences the reference marks on its arrays.
*/
#ifndef ASLP_JSONATA_H
#define ASLP_JSONATA_H

#include "aslrt_int.h"

struct jn_fn;

/*
** A value: JSON, a function, or undefined (both NULL). The flags are those
** the reference sets on its arrays: seq, a sequence, not an array; cons,
** made by an array constructor; keep, a sequence kept as an array even
** with one item; outer, the array given to $eval-like focus.
*/
struct jn_v {
	json_t *j;		/* a reference the holder owns */
	bool seq;
	bool cons, keep, outer;
	bool tuple;		/* a tuple stream: objects of "@" and bindings */
	struct jn_fn *fn;	/* a function (j NULL): a reference */
};

/* An error, with the reference's code and message. */
struct jn_err {
	const char *code;	/* "T0410"; NULL: none */
	char message[512];
	bool function;		/* aslp_jn_eval: the result was a function */
};

struct jn_cx;
typedef struct jn_v jn_impl(struct jn_cx *x, struct jn_v *argv, int argc);

/* A function of the library: its name without '$', signature, body. */
struct jn_builtin {
	const char *name;
	const char *signature;
	jn_impl *fn;
};

/*
** What a call sees: where its error goes, the function's name, and for
** the functions that call functions, the evaluation and its input.
*/
struct jn_ev;
struct jn_cx {
	struct jn_err *err;
	const char *name;
	struct jn_ev *ev;
	struct jn_v input;
};

/* The library's function called name, or NULL. */
ASLP_HIDDEN const struct jn_builtin *aslp_jn_builtin(const char *name);

/*
** Call b on argc arguments (borrowed) with context (the value a '-' in
** the signature stands for when its argument is left out): its
** arguments are checked against its signature first. Returns the
** result (owned), undefined with err->code set on error.
*/
ASLP_HIDDEN struct jn_v aslp_jn_call(const struct jn_builtin *b, const struct jn_v *argv,
				     int argc, struct jn_v context, struct jn_err *err);
/*
** Check argv against signature sig as the reference does, for a call of
** name: on success *out (up to 16) gets the arguments the function takes
** (new references; context for a '-' left out) and the count is
** returned; on failure -1, with err set.
*/
ASLP_HIDDEN int aslp_jn_validate(const char *sig, const char *name, const struct jn_v *argv,
				 int argc, struct jn_v context, struct jn_v *out,
				 struct jn_err *err);
/* The number of parameters of b's implementation, as the reference counts. */
ASLP_HIDDEN int aslp_jn_arity(const struct jn_builtin *b);
/* A new reference to v, and its release (functions too). */
ASLP_HIDDEN struct jn_v aslp_jn_ref(struct jn_v v);
ASLP_HIDDEN void aslp_jn_unref(struct jn_v v);
/*
** JSONata's truthiness (fn.boolean): undefined is false; a function is
** true, as the reference's function objects are, but for a regular
** expression (a JavaScript closure there).
*/
ASLP_HIDDEN bool aslp_jn_truthy(struct jn_v v);
/* The truthiness of a function value (jneval.c). */
ASLP_HIDDEN bool aslp_jn_fn_truthy(const struct jn_fn *f);
/* A number as a JSON value: an integer when it is one. */
ASLP_HIDDEN json_t *aslp_jn_number(double d);
/* fn.string of v: a new string value, or NULL (out of memory, or D3001 in err). */
ASLP_HIDDEN json_t *aslp_jn_string(const json_t *v, struct jn_err *err);
/* The member names of o in JavaScript's order (free the array); NULL: out of memory. */
ASLP_HIDDEN const char **aslp_jn_keys(const json_t *o, size_t *n);
/* Deep equality, numbers by value (isDeepEqual). */
ASLP_HIDDEN bool aslp_jn_equal(const json_t *a, const json_t *b);

/*
** What an expression in a state reads: $states.input, .result and
** .errorOutput where the state has them (NULL: absent), $states.context
** and the workflow's variables from ctx. Without ctx (tests), context
** and vars stand for them.
*/
struct jn_scope {
	json_t *input, *result, *error_output;
	asl_ctx *ctx;
	json_t *context, *vars;
	json_t *focus;		/* tests: the input document ($), else NULL */
};
/*
** Evaluate x with its constants kvals in scope: a new reference,
** undefined (NULL) if it gives nothing, or undefined with err->code set
** on error. A function as the result is undefined with err->function set.
*/
ASLP_HIDDEN struct jn_v aslp_jn_eval(const asl_jexpr *x, json_t *const *kvals,
				     const struct jn_scope *scope, struct jn_err *err);

/*
** $formatInteger of value with picture (len bytes), and formatDateTime of
** millis with picture (NULL: ISO 8601) at time zone tz ("+hhmm"; NULL:
** UTC) (jndatetime.c): a new string, or NULL with err set.
*/
ASLP_HIDDEN json_t *aslp_jn_format_integer(double value, const char *picture, size_t len,
					   struct jn_err *err);
ASLP_HIDDEN json_t *aslp_jn_format_datetime(double millis, const char *picture, size_t len,
					    const char *tz, struct jn_err *err);
/*
** $parseInteger of value by picture into *out (NAN: the reference's NaN),
** and parseDateTime of ts by picture with the evaluation's instant now_ms
** (*undef: it does not match). false with err set on error.
*/
ASLP_HIDDEN bool aslp_jn_parse_integer(const char *value, size_t vlen, const char *picture,
				       size_t plen, double *out, struct jn_err *err);
ASLP_HIDDEN bool aslp_jn_parse_datetime(const char *ts, size_t tlen, const char *picture,
					size_t plen, double now_ms, double *out, bool *undef,
					struct jn_err *err);

/* v as $string() writes it (JSON.stringify, numbers to 15 digits; pretty: indent 2). */
ASLP_HIDDEN char *aslp_jn_stringify(const json_t *v, bool pretty);


#endif
