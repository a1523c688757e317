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

/* A value: JSON, or undefined (j NULL); seq: a sequence, not an array. */
struct jn_v {
	json_t *j;		/* a reference the holder owns */
	bool seq;
};

/* An error, with the reference's code and message. */
struct jn_err {
	const char *code;	/* "T0410"; NULL: none */
	char message[512];
};

struct jn_cx;
typedef struct jn_v jn_impl(struct jn_cx *x, struct jn_v *argv, int argc);

/* A function of the library: its name without '$', signature, body. */
struct jn_builtin {
	const char *name;
	const char *signature;
	jn_impl *fn;
};

/* What a call sees: where its error goes, and the function's name. */
struct jn_cx {
	struct jn_err *err;
	const char *name;
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

/* v as $string() writes it (JSON.stringify, numbers to 15 digits; pretty: indent 2). */
ASLP_HIDDEN char *aslp_jn_stringify(const json_t *v, bool pretty);


#endif
