/*
** emit_llvm.c - the IR as LLVM IR, built with the LLVM-C API (--backend=llvm,
** --emit-llvm), then optimised and written as a native object that cc.c
** links with the runtime. No C is written or compiled for the definition.
**
** The code is the same code emit_c.c writes, built directly: one function
** per machine, one basic block per state, a call per field of the state,
** a Retry a branch back to the state's try block, a Catch a branch to the
** catcher's block. `in` and `v` live in two stack slots that the
** optimiser promotes to registers. A Choice rule becomes branches, as a
** C compiler would build its && and ||.
**
** The tables (paths, templates, tasks, the program descriptor) are the
** structures of include/aslrt.h. Rather than describe each of them again
** in LLVM types, which could drift from the header without anyone
** noticing, every table is built as a packed LLVM structure whose fields
** sit at the offsetof() and have the sizeof() that the C compiler that
** built aslc gives, with zero bytes in the gaps: the layout is the C
** layout by construction, and every field's size is checked against the
** target's data layout as it is placed. The runtime functions are
** declared from a table whose C types are checked against aslrt.h when
** aslc is compiled.
**
** Strings from the definition are LLVM constant arrays and value names
** are printed quoted by LLVM: nothing from the definition can become
** code.
**
** Without LLVM (ASLC_LLVM undefined: llvm-config-15 was not found when
** aslc was built) the backend says it is unavailable.
*/
#include "aslc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ASLC_LLVM

bool
llvm_available(void)
{
	return false;
}

int
llvm_build(const struct program *prog, const struct llvm_options *lo, const char *out,
	   const struct cc_options *opt)
{
	(void)prog, (void)lo, (void)out, (void)opt;
	die("llvm_build without LLVM: main.c checks llvm_available first");
}

#else

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

/*
** The runtime functions the code calls: name, LLVM signature (return
** type, ':', parameter types; v void, i int, l int64_t, z size_t, d
** double, p a pointer), and the C type, which the compiler checks
** against aslrt.h below.
*/
#define RUNTIME_FUNCTIONS \
	X(asl_enter, "i:ppp", int (asl_ctx *, const asl_state_info *, json_t *)) \
	X(asl_exit, "v:pp", void (asl_ctx *, json_t *)) \
	X(asl_start, "i:pi", int (asl_ctx *, int)) \
	X(asl_incref, "p:p", json_t *(json_t *)) \
	X(asl_decref, "v:p", void (json_t *)) \
	X(asl_input_path, "p:ppp", json_t *(asl_ctx *, const asl_path *, json_t *)) \
	X(asl_output_path, "p:ppp", json_t *(asl_ctx *, const asl_path *, json_t *)) \
	X(asl_parameters, "p:ppp", json_t *(asl_ctx *, const asl_template *, json_t *)) \
	X(asl_result_selector, "p:ppp", json_t *(asl_ctx *, const asl_template *, json_t *)) \
	X(asl_pass_result, "p:pip", json_t *(asl_ctx *, int, json_t *)) \
	X(asl_result_path, "p:pppp", json_t *(asl_ctx *, const asl_path *, json_t *, json_t *)) \
	X(asl_result_path_handled, "p:pppp", json_t *(asl_ctx *, const asl_path *, json_t *, json_t *)) \
	X(asl_result_size, "i:pz", int (asl_ctx *, size_t)) \
	X(asl_task_timeouts, "i:ppp", int (asl_ctx *, const asl_task_desc *, json_t *)) \
	X(asl_task, "p:ppp", json_t *(asl_ctx *, const asl_task_desc *, json_t *)) \
	X(asl_parallel, "p:ppp", json_t *(asl_ctx *, const asl_parallel_desc *, json_t *)) \
	X(asl_map, "p:ppp", json_t *(asl_ctx *, const asl_map_desc *, json_t *)) \
	X(asl_assign, "i:ppp", int (asl_ctx *, const asl_template *, json_t *)) \
	X(asl_catch_assign, "i:pp", int (asl_ctx *, const asl_template *)) \
	X(asl_recover, "i:pp", int (asl_ctx *, const asl_recovery *)) \
	X(asl_catch_result, "p:ppp", json_t *(asl_ctx *, const asl_path *, json_t *)) \
	X(asl_wait_seconds, "i:pl", int (asl_ctx *, int64_t)) \
	X(asl_wait_seconds_path, "i:ppp", int (asl_ctx *, const asl_path *, json_t *)) \
	X(asl_wait_timestamp, "i:pp", int (asl_ctx *, const asl_time *)) \
	X(asl_wait_timestamp_path, "i:ppp", int (asl_ctx *, const asl_path *, json_t *)) \
	X(asl_fail_state, "i:ppp", int (asl_ctx *, const asl_fail_desc *, json_t *)) \
	X(asl_no_choice, "i:p", int (asl_ctx *)) \
	X(asl_jn_arguments, "p:ppp", json_t *(asl_ctx *, const asl_template *, json_t *)) \
	X(asl_jn_assign, "i:pppp", int (asl_ctx *, const asl_template *, json_t *, json_t *)) \
	X(asl_jn_output, "p:pppp", json_t *(asl_ctx *, const asl_template *, json_t *, json_t *)) \
	X(asl_jn_catch, "p:pppp", \
	  json_t *(asl_ctx *, const asl_template *, const asl_template *, json_t *)) \
	X(asl_jn_condition, "i:ppp", int (asl_ctx *, const asl_template *, json_t *)) \
	X(asl_jn_wait, "i:ppip", int (asl_ctx *, const asl_template *, int, json_t *)) \
	X(asl_failed, "i:p", int (asl_ctx *)) \
	X(asl_is_null, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_is_present, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_is_numeric, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_is_string, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_is_boolean, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_is_timestamp, "i:ppp", int (asl_ctx *, json_t *, const asl_path *)) \
	X(asl_string_cmp, "i:pppipz", \
	  int (asl_ctx *, json_t *, const asl_path *, int, const char *, size_t)) \
	X(asl_numeric_cmp_int, "i:pppil", int (asl_ctx *, json_t *, const asl_path *, int, int64_t)) \
	X(asl_numeric_cmp_real, "i:pppid", int (asl_ctx *, json_t *, const asl_path *, int, double)) \
	X(asl_boolean_eq, "i:pppi", int (asl_ctx *, json_t *, const asl_path *, int)) \
	X(asl_timestamp_cmp, "i:pppip", \
	  int (asl_ctx *, json_t *, const asl_path *, int, const asl_time *)) \
	X(asl_string_cmp_path, "i:pppip", \
	  int (asl_ctx *, json_t *, const asl_path *, int, const asl_path *)) \
	X(asl_numeric_cmp_path, "i:pppip", \
	  int (asl_ctx *, json_t *, const asl_path *, int, const asl_path *)) \
	X(asl_boolean_eq_path, "i:pppp", int (asl_ctx *, json_t *, const asl_path *, const asl_path *)) \
	X(asl_timestamp_cmp_path, "i:pppip", \
	  int (asl_ctx *, json_t *, const asl_path *, int, const asl_path *)) \
	X(asl_string_matches, "i:ppppz", \
	  int (asl_ctx *, json_t *, const asl_path *, const char *, size_t)) \
	X(asl_main, "i:ipp", int (int, char **, asl_program *)) \
	X(asl_execute, "i:pppp", \
	  int (asl_program *, const char *, const asl_options *, asl_result *))

#if defined(__GNUC__)
#define X(name, sig, type) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(name), type), \
		       #name " in aslrt.h is not " #type);
RUNTIME_FUNCTIONS
#undef X
#endif

enum rt {
#define X(name, sig, type) RT_##name,
	RUNTIME_FUNCTIONS
#undef X
	RT_COUNT
};

static const struct {
	const char *name, *sig;
} rt_info[RT_COUNT] = {
#define X(name, sig, type) { #name, sig },
	RUNTIME_FUNCTIONS
#undef X
};

/* The runtime's values of the IR's kinds, from asl.def. */
static const int state_type_value[] = {
#define STATE(k, name, rt, ok) rt,
#include "asl.def"
};
static const int compare_value[] = {
#define COMPARE(id, name, type, cmp) cmp,
#include "asl.def"
};
static const int seg_value[] = {
#define SEG(x) ASL_SEG_##x,
#include "asl.def"
};
static const int root_value[] = {
#define ROOT(x) ASL_ROOT_##x,
#include "asl.def"
};
static const int filter_kind_value[] = {
#define FILTER_KIND(x) ASL_F_##x,
#include "asl.def"
};
static const int filter_op_value[] = {
#define FILTER_OP(x) ASL_FOP_##x,
#include "asl.def"
};
static const int tnode_value[] = {
#define TNODE(x) ASL_T_##x,
#include "asl.def"
};
static const int resource_kind_value[] = {
	ASL_RES_LAMBDA, ASL_RES_LAMBDA_INVOKE, ASL_RES_SERVICE, ASL_RES_ACTIVITY, ASL_RES_OTHER
};
static const int pattern_value[] = {
	ASL_PAT_REQUEST_RESPONSE, ASL_PAT_SYNC, ASL_PAT_CALLBACK
};
static const int intrinsic_value[] = {
#define INTRINSIC(id, name, min, max) ASL_FN_##id,
#include "asl.def"
};

/* A map from IR nodes to the globals built for them. */
struct ptrmap {
	const void **keys;
	LLVMValueRef *vals;
	size_t size, n;
};

static LLVMValueRef
ptrmap_get(const struct ptrmap *m, const void *key)
{
	size_t i;

	if (!m->size)
		return NULL;
	for (i = ((uintptr_t)key >> 4) & (m->size - 1); m->keys[i]; i = (i + 1) & (m->size - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NULL;
}

static void
ptrmap_put(struct ptrmap *m, const void *key, LLVMValueRef val)
{
	size_t i;

	if (2 * (m->n + 1) > m->size) {
		struct ptrmap old = *m;

		m->size = m->size ? 2 * m->size : 64;
		m->keys = xmalloc(m->size * sizeof *m->keys);
		m->vals = xmalloc(m->size * sizeof *m->vals);
		memset(m->keys, 0, m->size * sizeof *m->keys);
		m->n = 0;
		for (i = 0; i < old.size; i++)
			if (old.keys[i])
				ptrmap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	for (i = ((uintptr_t)key >> 4) & (m->size - 1); m->keys[i]; i = (i + 1) & (m->size - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

struct lx {
	const struct program *prog;
	LLVMContextRef C;
	LLVMModuleRef M;
	LLVMBuilderRef B;
	LLVMTargetDataRef td;
	LLVMTypeRef ptr, i8, i32, i64, f64, voidt;
	LLVMTypeRef rt_type[RT_COUNT];
	LLVMValueRef rt_fn[RT_COUNT];

	struct ptrmap done;	/* IR node -> its global */
	struct strmap strings;	/* string constants by text (NUL-free ones) */
	LLVMValueRef *strv;
	int nstr, strcap;
	struct strmap path_ids;	/* paths by text: equal texts share one */
	LLVMValueRef *pathv;
	int npath, pathcap;
	int ntpl, ncall, nfilter, ntime, ntask, nfail, nrecovery, npar, nmap, njx;
	LLVMValueRef *machines;	/* sm_<id> */
	LLVMValueRef kvals;

	/* the function being built */
	const struct machine *m;
	int *part;		/* each state's part (machine_parts) */
	bool *entry;		/* entered from outside its part */
	int cur_part;		/* the part being built */
	bool split;		/* the machine has several parts */
	LLVMValueRef nextp;	/* a part's int *next: the state to enter */
	LLVMValueRef fn, ctx, in, v;	/* in and v: stack slots */
	LLVMBasicBlockRef *blocks;	/* each state's block */
	LLVMBasicBlockRef succeeded, failed;
	LLVMBasicBlockRef fail;		/* where a failing step goes */
	LLVMValueRef sd;		/* the machine's asl_state_info table */
	LLVMValueRef *sds;		/* every machine's, by id (--test-state) */
};

/* ---- constants ---- */

static LLVMValueRef
cint(struct lx *x, size_t size, long long v)
{
	return LLVMConstInt(LLVMIntTypeInContext(x->C, (unsigned)(8 * size)),
			    (unsigned long long)v, 1);
}

/* One field of a table: its offset and size in the C structure, its value. */
struct cfield {
	size_t off, size;
	LLVMValueRef v;
};

#define SIZEOF_MEMBER(T, m) sizeof(((T *)0)->m)
#define FI(T, m, val) ((struct cfield){ offsetof(T, m), SIZEOF_MEMBER(T, m), cint(x, SIZEOF_MEMBER(T, m), (val)) })
#define FP(T, m, val) ((struct cfield){ offsetof(T, m), SIZEOF_MEMBER(T, m), (val) })
#define FD(T, m, val) ((struct cfield){ offsetof(T, m), SIZEOF_MEMBER(T, m), LLVMConstReal(x->f64, (val)) })

/*
** A constant with the layout of a C structure of size bytes: the n fields
** (in order of offset, NULL values left out) at their offsets, zeros in
** between. A field whose LLVM size is not its C size is an aslc bug.
*/
static LLVMValueRef
cstruct(struct lx *x, size_t size, const struct cfield *f, int n)
{
	LLVMValueRef *vals = xmalloc((2 * (size_t)n + 1) * sizeof *vals), s;
	size_t at = 0;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!f[i].v)
			continue;
		if (f[i].off < at || LLVMABISizeOfType(x->td, LLVMTypeOf(f[i].v)) != f[i].size)
			die("table field at offset %zu (size %zu) does not fit", f[i].off, f[i].size);
		if (f[i].off > at)
			vals[k++] = LLVMConstNull(LLVMArrayType(x->i8, (unsigned)(f[i].off - at)));
		vals[k++] = f[i].v;
		at = f[i].off + f[i].size;
	}
	if (at > size)
		die("table larger than its structure");
	if (at < size)
		vals[k++] = LLVMConstNull(LLVMArrayType(x->i8, (unsigned)(size - at)));
	s = LLVMConstStructInContext(x->C, vals, (unsigned)k, 1);
	free(vals);
	return s;
}

/* A private constant global holding init, aligned for a C type. */
static LLVMValueRef
global(struct lx *x, const char *name, LLVMValueRef init, size_t align)
{
	LLVMValueRef g = LLVMAddGlobal(x->M, LLVMTypeOf(init), name);

	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetLinkage(g, LLVMPrivateLinkage);
	LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
	LLVMSetAlignment(g, (unsigned)align);
	return g;
}

/* An array of n C structures (each built by cstruct): their concatenation. */
static LLVMValueRef
carray(struct lx *x, LLVMValueRef *elems, int n)
{
	return LLVMConstStructInContext(x->C, elems, (unsigned)n, 1);
}

/* &table[i] for an array of structures of size bytes. */
static LLVMValueRef
element(struct lx *x, LLVMValueRef table, size_t size, int i)
{
	LLVMValueRef off = LLVMConstInt(x->i64, (unsigned long long)i * size, 0);

	return i ? LLVMConstGEP2(x->i8, table, &off, 1) : table;
}

/* A NUL-terminated string constant of len bytes; equal texts share one. */
static LLVMValueRef
cstring(struct lx *x, const char *s, size_t len)
{
	bool plain = strlen(s) == len;
	LLVMValueRef g;
	int id;

	if (plain && (id = strmap_get(&x->strings, s)) >= 0)
		return x->strv[id];
	g = global(x, "str", LLVMConstStringInContext(x->C, s, (unsigned)len, 0), 1);
	if (plain) {
		if (x->nstr == x->strcap) {
			x->strcap = x->strcap ? 2 * x->strcap : 64;
			x->strv = xrealloc(x->strv, (size_t)x->strcap * sizeof *x->strv);
		}
		x->strv[x->nstr] = g;
		strmap_put(&x->strings, arena_strdup(s), x->nstr++);
	}
	return g;
}

static LLVMValueRef
str(struct lx *x, const char *s)
{
	return s ? cstring(x, s, strlen(s)) : NULL;
}

/* An array of pointers. */
static LLVMValueRef
ptr_array(struct lx *x, const char *name, LLVMValueRef *p, int n)
{
	return global(x, name, LLVMConstArray(x->ptr, p, (unsigned)n), _Alignof(void *));
}

static LLVMValueRef
string_array(struct lx *x, const char *name, const char *const *s, int n)
{
	LLVMValueRef *p = xmalloc((size_t)n * sizeof *p), g;
	int i;

	for (i = 0; i < n; i++)
		p[i] = str(x, s[i]);
	g = ptr_array(x, name, p, n);
	free(p);
	return g;
}

/* ---- the tables ---- */

static LLVMValueRef path_ref(struct lx *x, const struct path *p);

static LLVMValueRef
operand(struct lx *x, const struct operand *o)
{
	struct cfield f[4];
	int n = 0;

	if (o->path) {
		f[n++] = FP(asl_operand, path, path_ref(x, o->path));
	} else if (o->regex) {
		f[n++] = FP(asl_operand, regex, str(x, o->regex));
		f[n++] = FI(asl_operand, icase, o->icase);
	} else {
		f[n++] = FI(asl_operand, konst, o->konst);
	}
	return cstruct(x, sizeof(asl_operand), f, n);
}

static LLVMValueRef
filter_ref(struct lx *x, const struct filter *fl)
{
	LLVMValueRef g = ptrmap_get(&x->done, fl);
	struct cfield f[6];
	int n = 0;

	if (g)
		return g;
	f[n++] = FI(asl_filter, kind, filter_kind_value[fl->kind]);
	if (fl->kind == FILTER_CMP)
		f[n++] = FI(asl_filter, op, filter_op_value[fl->op]);
	if (fl->a)
		f[n++] = FP(asl_filter, a, filter_ref(x, fl->a));
	if (fl->b)
		f[n++] = FP(asl_filter, b, filter_ref(x, fl->b));
	if (fl->kind == FILTER_CMP || fl->kind == FILTER_EXISTS)
		f[n++] = FP(asl_filter, l, operand(x, &fl->l));
	if (fl->kind == FILTER_CMP)
		f[n++] = FP(asl_filter, r, operand(x, &fl->r));
	g = global(x, arena_printf("filter_%d", x->nfilter++), cstruct(x, sizeof(asl_filter), f, n),
		   _Alignof(asl_filter));
	ptrmap_put(&x->done, fl, g);
	return g;
}

static LLVMValueRef
seg(struct lx *x, int id, int i, const struct seg *sg)
{
	struct cfield f[4];
	LLVMValueRef *v;
	int n = 0, k;

	f[n++] = FI(asl_seg, kind, seg_value[sg->kind]);
	switch (sg->kind) {
	case SEG_KEY:
		f[n++] = FP(asl_seg, key, str(x, sg->key));
		break;
	case SEG_INDEX:
		f[n++] = FI(asl_seg, a, sg->a);
		f[n++] = FI(asl_seg, b, sg->b ? 1 : 0);
		break;
	case SEG_SLICE:
		f[n++] = FI(asl_seg, a, sg->a == SLICE_NONE ? ASL_SLICE_NONE : sg->a);
		f[n++] = FI(asl_seg, b, sg->b == SLICE_NONE ? ASL_SLICE_NONE : sg->b);
		break;
	case SEG_KEYS:
		f[n++] = FP(asl_seg, keys, string_array(x, arena_printf("path_%d_keys_%d", id, i),
							sg->keys, sg->n));
		f[n++] = FI(asl_seg, n, sg->n);
		break;
	case SEG_INDEXES:
		v = xmalloc((size_t)sg->n * sizeof *v);
		for (k = 0; k < sg->n; k++)
			v[k] = LLVMConstInt(x->i64, (unsigned long long)sg->indexes[k], 1);
		f[n++] = FP(asl_seg, indexes,
			    global(x, arena_printf("path_%d_indexes_%d", id, i),
				   LLVMConstArray(x->i64, v, (unsigned)sg->n), _Alignof(int64_t)));
		f[n++] = FI(asl_seg, n, sg->n);
		free(v);
		break;
	case SEG_FILTER:
		f[n++] = FP(asl_seg, filter, filter_ref(x, sg->filter));
		break;
	default:
		break;
	}
	return cstruct(x, sizeof(asl_seg), f, n);
}

/* A path's asl_path; paths with equal texts share one. */
static LLVMValueRef
path_ref(struct lx *x, const struct path *p)
{
	LLVMValueRef g = ptrmap_get(&x->done, p), *segs;
	struct cfield f[6];
	int id, i, n = 0;

	if (g)
		return g;
	if ((id = strmap_get(&x->path_ids, p->text)) >= 0) {
		ptrmap_put(&x->done, p, x->pathv[id]);
		return x->pathv[id];
	}
	id = x->npath++;
	f[n++] = FP(asl_path, text, str(x, p->text));
	f[n++] = FI(asl_path, root, root_value[p->root]);
	f[n++] = FI(asl_path, definite, p->definite);
	if (p->nseg) {
		segs = xmalloc((size_t)p->nseg * sizeof *segs);
		for (i = 0; i < p->nseg; i++)
			segs[i] = seg(x, id, i, &p->segs[i]);
		f[n++] = FP(asl_path, segs, global(x, arena_printf("path_%d_segs", id),
						  carray(x, segs, p->nseg), _Alignof(asl_seg)));
		f[n++] = FI(asl_path, nseg, p->nseg);
		free(segs);
	}
	f[n++] = FP(asl_path, var, str(x, p->var));
	g = global(x, arena_printf("path_%d", id), cstruct(x, sizeof(asl_path), f, n),
		   _Alignof(asl_path));
	if (x->npath > x->pathcap) {
		x->pathcap = x->pathcap ? 2 * x->pathcap : 64;
		x->pathv = xrealloc(x->pathv, (size_t)x->pathcap * sizeof *x->pathv);
	}
	x->pathv[id] = g;
	strmap_put(&x->path_ids, p->text, id);
	ptrmap_put(&x->done, p, g);
	return g;
}

/* A path, or a null pointer for the null form of a path field. */
static LLVMValueRef
path_or_null(struct lx *x, const struct path *p)
{
	return p ? path_ref(x, p) : LLVMConstNull(x->ptr);
}

static LLVMValueRef
call_ref(struct lx *x, const struct icall *c)
{
	LLVMValueRef g = ptrmap_get(&x->done, c), *args;
	struct cfield f[4], af[5];
	int i, n = 0, id;

	if (g)
		return g;
	id = x->ncall++;
	f[n++] = FI(asl_intrinsic, fn, intrinsic_value[c->fn]);
	f[n++] = FP(asl_intrinsic, text, str(x, c->text));
	if (c->nargs) {
		args = xmalloc((size_t)c->nargs * sizeof *args);
		for (i = 0; i < c->nargs; i++) {
			const struct iarg *a = &c->args[i];
			int k = 0;

			switch (a->kind) {
			case IARG_CONST:
				af[k++] = FI(asl_iarg, kind, ASL_IA_CONST);
				af[k++] = FI(asl_iarg, konst, a->konst);
				/* Format's template keeps its escapes: \{ is no placeholder. */
				if (c->fn == FN_FORMAT && i == 0 && a->raw)
					af[k++] = FP(asl_iarg, raw, str(x, a->raw));
				break;
			case IARG_PATH:
				af[k++] = FI(asl_iarg, kind, ASL_IA_PATH);
				af[k++] = FP(asl_iarg, path, path_ref(x, a->path));
				break;
			case IARG_CALL:
				af[k++] = FI(asl_iarg, kind, ASL_IA_CALL);
				af[k++] = FP(asl_iarg, call, call_ref(x, a->call));
				break;
			}
			args[i] = cstruct(x, sizeof(asl_iarg), af, k);
		}
		f[n++] = FP(asl_intrinsic, args, global(x, arena_printf("call_%d_args", id),
						       carray(x, args, c->nargs), _Alignof(asl_iarg)));
		f[n++] = FI(asl_intrinsic, nargs, c->nargs);
		free(args);
	}
	g = global(x, arena_printf("call_%d", id), cstruct(x, sizeof(asl_intrinsic), f, n),
		   _Alignof(asl_intrinsic));
	ptrmap_put(&x->done, c, g);
	return g;
}

static LLVMValueRef i32(struct lx *x, long long v);

/* A JSONata expression's tables (asl_jexpr): its nodes and lists. */
static LLVMValueRef
jexpr_ref(struct lx *x, const struct jexpr *jx)
{
	LLVMValueRef g = ptrmap_get(&x->done, jx), *v;
	struct cfield f[4], nf[20];
	int i, id;

	if (g)
		return g;
	id = x->njx++;
	v = xmalloc((size_t)(jx->nnode > jx->nlist ? jx->nnode : jx->nlist + 1) * sizeof *v);
	for (i = 0; i < jx->nnode; i++) {
		const asl_jnode *n = &jx->nodes[i];
		int k = 0;

		nf[k++] = FI(asl_jnode, type, n->type);
		nf[k++] = FI(asl_jnode, flags, n->flags);
		nf[k++] = FI(asl_jnode, position, n->position);
		nf[k++] = FI(asl_jnode, lhs, n->lhs);
		nf[k++] = FI(asl_jnode, rhs, n->rhs);
		nf[k++] = FI(asl_jnode, x, n->x);
		nf[k++] = FI(asl_jnode, list, n->list);
		nf[k++] = FI(asl_jnode, nlist, n->nlist);
		nf[k++] = FI(asl_jnode, stages, n->stages);
		nf[k++] = FI(asl_jnode, nstages, n->nstages);
		nf[k++] = FI(asl_jnode, pred, n->pred);
		nf[k++] = FI(asl_jnode, npred, n->npred);
		nf[k++] = FI(asl_jnode, group, n->group);
		nf[k++] = FI(asl_jnode, ngroup, n->ngroup);
		nf[k++] = FI(asl_jnode, konst, n->konst);
		nf[k++] = FP(asl_jnode, str, str(x, n->str));
		nf[k++] = FP(asl_jnode, flags2, str(x, n->flags2));
		nf[k++] = FP(asl_jnode, focus, str(x, n->focus));
		nf[k++] = FP(asl_jnode, index, str(x, n->index));
		nf[k++] = FP(asl_jnode, label, str(x, n->label));
		v[i] = cstruct(x, sizeof(asl_jnode), nf, k);
	}
	f[0] = FP(asl_jexpr, text, str(x, jx->text));
	f[1] = FP(asl_jexpr, nodes, global(x, arena_printf("jx_%d_nodes", id),
					   carray(x, v, jx->nnode), _Alignof(asl_jnode)));
	if (jx->nlist) {
		for (i = 0; i < jx->nlist; i++)
			v[i] = i32(x, jx->lists[i]);
		f[2] = FP(asl_jexpr, lists, global(x, arena_printf("jx_%d_lists", id),
						   LLVMConstArray(x->i32, v, (unsigned)jx->nlist),
						   _Alignof(int)));
	} else {
		f[2] = FP(asl_jexpr, lists, NULL);
	}
	f[3] = FI(asl_jexpr, root, jx->root);
	free(v);
	g = global(x, arena_printf("jx_%d", id), cstruct(x, sizeof(asl_jexpr), f, 4),
		   _Alignof(asl_jexpr));
	ptrmap_put(&x->done, jx, g);
	return g;
}

static LLVMValueRef
template_ref(struct lx *x, const struct template *t)
{
	LLVMValueRef g = ptrmap_get(&x->done, t), *nodes;
	struct cfield f[2], nf[7];
	int i, id;

	if (g)
		return g;
	id = x->ntpl++;
	nodes = xmalloc((size_t)t->nnode * sizeof *nodes);
	for (i = 0; i < t->nnode; i++) {
		const struct tnode *nd = &t->nodes[i];
		int k = 0;

		nf[k++] = FI(asl_tnode, kind, tnode_value[nd->kind]);
		nf[k++] = FP(asl_tnode, key, str(x, nd->key));
		switch (nd->kind) {
		case TNODE_JSONATA:
			nf[k++] = FP(asl_tnode, field, str(x, nd->field));
			nf[k++] = FP(asl_tnode, jsonata, jexpr_ref(x, nd->jx));
			break;
		case TNODE_OBJECT:
		case TNODE_ARRAY:
			nf[k++] = FI(asl_tnode, n, nd->n);
			break;
		case TNODE_CONST:
			nf[k++] = FI(asl_tnode, konst, nd->konst);
			break;
		case TNODE_PATH:
			nf[k++] = FP(asl_tnode, field, str(x, nd->field));
			nf[k++] = FP(asl_tnode, path, path_ref(x, nd->path));
			break;
		case TNODE_CALL:
			nf[k++] = FP(asl_tnode, field, str(x, nd->field));
			nf[k++] = FP(asl_tnode, call, call_ref(x, nd->call));
			break;
		}
		nodes[i] = cstruct(x, sizeof(asl_tnode), nf, k);
	}
	f[0] = FP(asl_template, nodes, global(x, arena_printf("tpl_%d_nodes", id),
					     carray(x, nodes, t->nnode), _Alignof(asl_tnode)));
	f[1] = FI(asl_template, nnode, t->nnode);
	free(nodes);
	g = global(x, arena_printf("tpl_%d", id), cstruct(x, sizeof(asl_template), f, 2),
		   _Alignof(asl_template));
	ptrmap_put(&x->done, t, g);
	return g;
}

static LLVMValueRef
time_ref(struct lx *x, int64_t sec, int32_t nsec)
{
	struct cfield f[2];

	f[0] = FI(asl_time, sec, sec);
	f[1] = FI(asl_time, nsec, nsec);
	return global(x, arena_printf("time_%d", x->ntime++), cstruct(x, sizeof(asl_time), f, 2),
		      _Alignof(asl_time));
}

static LLVMValueRef
task_ref(struct lx *x, const struct state *st)
{
	const struct task *t = &st->task;
	LLVMValueRef g = ptrmap_get(&x->done, t);
	struct cfield f[14];
	int n = 0;

	if (g)
		return g;
	f[n++] = FP(asl_task_desc, state, str(x, st->name));
	f[n++] = FP(asl_task_desc, resource, str(x, t->resource));
	f[n++] = FI(asl_task_desc, kind, resource_kind_value[t->kind]);
	f[n++] = FI(asl_task_desc, pattern, pattern_value[t->pattern]);
	f[n++] = FP(asl_task_desc, function, str(x, t->function));
	f[n++] = FI(asl_task_desc, timeout, t->timeout);
	if (t->timeout_path)
		f[n++] = FP(asl_task_desc, timeout_path, path_ref(x, t->timeout_path));
	f[n++] = FI(asl_task_desc, heartbeat, t->heartbeat);
	if (t->heartbeat_path)
		f[n++] = FP(asl_task_desc, heartbeat_path, path_ref(x, t->heartbeat_path));
	if (t->timeout_jn)
		f[n++] = FP(asl_task_desc, timeout_jn, template_ref(x, t->timeout_jn));
	if (t->heartbeat_jn)
		f[n++] = FP(asl_task_desc, heartbeat_jn, template_ref(x, t->heartbeat_jn));
	if (t->credentials) {
		f[n++] = FP(asl_task_desc, credentials, template_ref(x, t->credentials));
		f[n++] = FI(asl_task_desc, jsonata, st->jsonata);
	}
	f[n++] = FI(asl_task_desc, index, t->index);
	g = global(x, arena_printf("task_%d", x->ntask++), cstruct(x, sizeof(asl_task_desc), f, n),
		   _Alignof(asl_task_desc));
	ptrmap_put(&x->done, t, g);
	return g;
}

static LLVMValueRef
errors_ref(struct lx *x, const struct errors *er)
{
	return string_array(x, "errors", er->names, er->n);
}

static LLVMValueRef
recovery_ref(struct lx *x, const struct state *st)
{
	LLVMValueRef g = ptrmap_get(&x->done, &st->retry), *v;
	struct cfield f[7];
	int i, n = 0, id;

	if (g)
		return g;
	id = x->nrecovery++;
	if (st->nretry) {
		v = xmalloc((size_t)st->nretry * sizeof *v);
		for (i = 0; i < st->nretry; i++) {
			const struct retrier *r = &st->retry[i];
			struct cfield rf[7];

			rf[0] = FP(asl_retrier, errors, errors_ref(x, &r->errors));
			rf[1] = FI(asl_retrier, nerror, r->errors.n);
			rf[2] = FI(asl_retrier, interval, r->interval);
			rf[3] = FI(asl_retrier, max_attempts, r->max_attempts);
			rf[4] = FD(asl_retrier, backoff, r->backoff);
			rf[5] = FI(asl_retrier, max_delay, r->max_delay);
			rf[6] = FI(asl_retrier, jitter, r->jitter);
			v[i] = cstruct(x, sizeof(asl_retrier), rf, 7);
		}
		f[n++] = FP(asl_recovery, retriers, global(x, arena_printf("retriers_%d", id),
							  carray(x, v, st->nretry),
							  _Alignof(asl_retrier)));
		f[n++] = FI(asl_recovery, nretrier, st->nretry);
		free(v);
	}
	if (st->ncatch) {
		v = xmalloc((size_t)st->ncatch * sizeof *v);
		for (i = 0; i < st->ncatch; i++) {
			struct cfield cf[2];

			cf[0] = FP(asl_catcher, errors, errors_ref(x, &st->catch[i].errors));
			cf[1] = FI(asl_catcher, nerror, st->catch[i].errors.n);
			v[i] = cstruct(x, sizeof(asl_catcher), cf, 2);
		}
		f[n++] = FP(asl_recovery, catchers, global(x, arena_printf("catchers_%d", id),
							  carray(x, v, st->ncatch),
							  _Alignof(asl_catcher)));
		f[n++] = FI(asl_recovery, ncatcher, st->ncatch);
		free(v);
	}
	g = global(x, arena_printf("recovery_%d", id), cstruct(x, sizeof(asl_recovery), f, n),
		   _Alignof(asl_recovery));
	ptrmap_put(&x->done, &st->retry, g);
	return g;
}

static LLVMValueRef
fail_ref(struct lx *x, const struct state *st)
{
	const struct fail *fl = &st->fail;
	struct cfield f[8];
	int n = 0;

	f[n++] = FP(asl_fail_desc, error, str(x, fl->error));
	f[n++] = FP(asl_fail_desc, cause, str(x, fl->cause));
	if (fl->error_path)
		f[n++] = FP(asl_fail_desc, error_path, path_ref(x, fl->error_path));
	if (fl->cause_path)
		f[n++] = FP(asl_fail_desc, cause_path, path_ref(x, fl->cause_path));
	if (fl->error_call)
		f[n++] = FP(asl_fail_desc, error_call, call_ref(x, fl->error_call));
	if (fl->cause_call)
		f[n++] = FP(asl_fail_desc, cause_call, call_ref(x, fl->cause_call));
	if (fl->error_jn)
		f[n++] = FP(asl_fail_desc, error_jn, template_ref(x, fl->error_jn));
	if (fl->cause_jn)
		f[n++] = FP(asl_fail_desc, cause_jn, template_ref(x, fl->cause_jn));
	return global(x, arena_printf("fail_%d", x->nfail++), cstruct(x, sizeof(asl_fail_desc), f, n),
		      _Alignof(asl_fail_desc));
}

static LLVMValueRef
parallel_ref(struct lx *x, const struct state *st)
{
	const struct parallel *p = &st->parallel;
	LLVMValueRef *fns = xmalloc((size_t)p->nbranch * sizeof *fns);
	struct cfield f[2];
	int i, id = x->npar++;

	for (i = 0; i < p->nbranch; i++)
		fns[i] = x->machines[p->branches[i]->id];
	f[0] = FP(asl_parallel_desc, branches,
		  ptr_array(x, arena_printf("par_%d_branches", id), fns, p->nbranch));
	f[1] = FI(asl_parallel_desc, nbranch, p->nbranch);
	free(fns);
	return global(x, arena_printf("par_%d", id), cstruct(x, sizeof(asl_parallel_desc), f, 2),
		      _Alignof(asl_parallel_desc));
}

static LLVMValueRef
reader_ref(struct lx *x, const struct item_reader *r, int id)
{
	struct cfield f[13];
	int n = 0;

	f[n++] = FI(asl_item_reader, type, r->type == INPUT_JSON ? ASL_INPUT_JSON :
		    r->type == INPUT_JSONL ? ASL_INPUT_JSONL : ASL_INPUT_CSV);
	if (r->parameters)
		f[n++] = FP(asl_item_reader, parameters, template_ref(x, r->parameters));
	if (r->type == INPUT_CSV)
		f[n++] = FI(asl_item_reader, csv_given, r->csv_given);
	if (r->ncsv_header)
		f[n++] = FP(asl_item_reader, csv_headers,
			    string_array(x, arena_printf("map_%d_headers", id), r->csv_headers,
					 r->ncsv_header));
	f[n++] = FI(asl_item_reader, ncsv_header, r->ncsv_header);
	if (r->type == INPUT_CSV)
		f[n++] = FI(asl_item_reader, csv_delimiter, (unsigned char)r->csv_delimiter);
	f[n++] = FP(asl_item_reader, items_pointer, str(x, r->items_pointer));
	f[n++] = FI(asl_item_reader, max_items, r->max_items);
	if (r->max_items_path)
		f[n++] = FP(asl_item_reader, max_items_path, path_ref(x, r->max_items_path));
	if (r->arguments)
		f[n++] = FP(asl_item_reader, arguments, template_ref(x, r->arguments));
	if (r->max_items_jn)
		f[n++] = FP(asl_item_reader, max_items_jn, template_ref(x, r->max_items_jn));
	f[n++] = FI(asl_item_reader, list, r->list);
	f[n++] = FI(asl_item_reader, flatten, r->flatten);
	return global(x, arena_printf("map_%d_reader", id), cstruct(x, sizeof(asl_item_reader), f, n),
		      _Alignof(asl_item_reader));
}

static LLVMValueRef
batcher_ref(struct lx *x, const struct item_batcher *b, int id)
{
	struct cfield f[8];
	int n = 0;

	f[n++] = FI(asl_item_batcher, max_items, b->max_items);
	if (b->max_items_path)
		f[n++] = FP(asl_item_batcher, max_items_path, path_ref(x, b->max_items_path));
	f[n++] = FI(asl_item_batcher, max_bytes, b->max_bytes);
	if (b->max_bytes_path)
		f[n++] = FP(asl_item_batcher, max_bytes_path, path_ref(x, b->max_bytes_path));
	if (b->batch_input)
		f[n++] = FP(asl_item_batcher, batch_input, template_ref(x, b->batch_input));
	if (b->max_items_jn)
		f[n++] = FP(asl_item_batcher, max_items_jn, template_ref(x, b->max_items_jn));
	if (b->max_bytes_jn)
		f[n++] = FP(asl_item_batcher, max_bytes_jn, template_ref(x, b->max_bytes_jn));
	if (b->batch_input_jn)
		f[n++] = FP(asl_item_batcher, batch_input_jn, template_ref(x, b->batch_input_jn));
	return global(x, arena_printf("map_%d_batcher", id),
		      cstruct(x, sizeof(asl_item_batcher), f, n), _Alignof(asl_item_batcher));
}

static LLVMValueRef
writer_ref(struct lx *x, const struct result_writer *w, int id)
{
	struct cfield f[4];
	int n = 0;

	if (w->parameters)
		f[n++] = FP(asl_result_writer, parameters, template_ref(x, w->parameters));
	f[n++] = FI(asl_result_writer, jsonl, w->jsonl);
	f[n++] = FI(asl_result_writer, transformation,
		    w->transformation == TRANSFORM_NONE ? ASL_TRANSFORM_NONE :
		    w->transformation == TRANSFORM_COMPACT ? ASL_TRANSFORM_COMPACT :
		    ASL_TRANSFORM_FLATTEN);
	if (w->arguments)
		f[n++] = FP(asl_result_writer, arguments, template_ref(x, w->arguments));
	return global(x, arena_printf("map_%d_writer", id),
		      cstruct(x, sizeof(asl_result_writer), f, n), _Alignof(asl_result_writer));
}

static LLVMValueRef
map_ref(struct lx *x, const struct state *st)
{
	const struct map *m = &st->map;
	struct cfield f[23];
	int n = 0, id = x->nmap++;

	f[n++] = FP(asl_map_desc, processor, x->machines[m->processor->id]);
	if (m->items_path)
		f[n++] = FP(asl_map_desc, items_path, path_ref(x, m->items_path));
	if (m->selector)
		f[n++] = FP(asl_map_desc, selector, template_ref(x, m->selector));
	f[n++] = FI(asl_map_desc, max_concurrency, m->max_concurrency);
	if (m->max_concurrency_path)
		f[n++] = FP(asl_map_desc, max_concurrency_path, path_ref(x, m->max_concurrency_path));
	f[n++] = FI(asl_map_desc, distributed, m->distributed);
	f[n++] = FI(asl_map_desc, express, m->distributed && m->express);
	f[n++] = FI(asl_map_desc, has_percentage, m->has_percentage);
	if (m->has_percentage)
		f[n++] = FD(asl_map_desc, percentage, m->percentage);
	if (m->percentage_path)
		f[n++] = FP(asl_map_desc, percentage_path, path_ref(x, m->percentage_path));
	f[n++] = FI(asl_map_desc, has_count, m->has_count);
	if (m->has_count)
		f[n++] = FI(asl_map_desc, count, m->count);
	if (m->count_path)
		f[n++] = FP(asl_map_desc, count_path, path_ref(x, m->count_path));
	f[n++] = FP(asl_map_desc, label, str(x, m->label));
	if (m->reader)
		f[n++] = FP(asl_map_desc, reader, reader_ref(x, m->reader, id));
	if (m->batcher)
		f[n++] = FP(asl_map_desc, batcher, batcher_ref(x, m->batcher, id));
	if (m->writer)
		f[n++] = FP(asl_map_desc, writer, writer_ref(x, m->writer, id));
	f[n++] = FI(asl_map_desc, jsonata, st->jsonata);
	if (m->items)
		f[n++] = FP(asl_map_desc, items, template_ref(x, m->items));
	if (m->max_concurrency_jn)
		f[n++] = FP(asl_map_desc, max_concurrency_jn, template_ref(x, m->max_concurrency_jn));
	if (m->percentage_jn)
		f[n++] = FP(asl_map_desc, percentage_jn, template_ref(x, m->percentage_jn));
	if (m->count_jn)
		f[n++] = FP(asl_map_desc, count_jn, template_ref(x, m->count_jn));
	return global(x, arena_printf("map_%d", id), cstruct(x, sizeof(asl_map_desc), f, n),
		      _Alignof(asl_map_desc));
}

/* ---- code ---- */

static void
declare_runtime(struct lx *x)
{
	int i;

	for (i = 0; i < RT_COUNT; i++) {
		const char *s = rt_info[i].sig;
		LLVMTypeRef ret = NULL, params[8];
		unsigned n = 0;

		for (; *s; s++) {
			LLVMTypeRef t;

			switch (*s) {
			case ':':
				continue;
			case 'v':
				t = x->voidt;
				break;
			case 'i':
				t = x->i32;
				break;
			case 'l':
			case 'z':
				t = x->i64;
				break;
			case 'd':
				t = x->f64;
				break;
			default:
				t = x->ptr;
				break;
			}
			if (!ret)
				ret = t;
			else
				params[n++] = t;
		}
		x->rt_type[i] = LLVMFunctionType(ret, params, n, 0);
		x->rt_fn[i] = LLVMAddFunction(x->M, rt_info[i].name, x->rt_type[i]);
	}
}

static LLVMValueRef
rt_call(struct lx *x, enum rt fn, LLVMValueRef *args, unsigned n)
{
	return LLVMBuildCall2(x->B, x->rt_type[fn], x->rt_fn[fn], args, n, "");
}

static LLVMValueRef
i32(struct lx *x, long long v)
{
	return LLVMConstInt(x->i32, (unsigned long long)v, 1);
}

static LLVMValueRef
load(struct lx *x, LLVMValueRef slot)
{
	return LLVMBuildLoad2(x->B, x->ptr, slot, slot == x->in ? "in" : "v");
}

static void
store(struct lx *x, LLVMValueRef slot, LLVMValueRef val)
{
	LLVMBuildStore(x->B, val, slot);
}

static LLVMBasicBlockRef
block(struct lx *x, const char *name)
{
	return LLVMAppendBasicBlockInContext(x->C, x->fn, name);
}

/* Go on in a new block when cond holds, else to target. */
static void
branch_unless(struct lx *x, LLVMValueRef cond, LLVMBasicBlockRef target)
{
	LLVMBasicBlockRef next = block(x, "");

	LLVMBuildCondBr(x->B, cond, next, target);
	LLVMPositionBuilderAtEnd(x->B, next);
}

/* `slot = value; if (!slot) goto target;` */
static void
step(struct lx *x, LLVMValueRef slot, LLVMValueRef value, LLVMBasicBlockRef target)
{
	store(x, slot, value);
	branch_unless(x, LLVMBuildIsNotNull(x->B, value, ""), target);
}

/* `if (status) goto target;` for a call returning int. */
static void
check(struct lx *x, LLVMValueRef status, LLVMBasicBlockRef target)
{
	branch_unless(x, LLVMBuildICmp(x->B, LLVMIntEQ, status, i32(x, 0), ""), target);
}

/*
** Leave the state for state next, or succeed when next < 0: a branch
** within the function, or a return to the dispatcher for another part.
*/
static void
leave(struct lx *x, int next)
{
	LLVMValueRef a[2] = { x->ctx, load(x, x->in) };

	rt_call(x, RT_asl_exit, a, 2);
	if (next >= 0 && x->split && x->part[next] != x->cur_part) {
		store(x, x->nextp, i32(x, next));
		LLVMBuildRet(x->B, load(x, x->in));
		return;
	}
	LLVMBuildBr(x->B, next < 0 ? x->succeeded : x->blocks[next]);
}

/* `slot = fn(ctx, path, slot)` for InputPath and OutputPath. */
static void
path_step(struct lx *x, enum rt fn, const struct path *p, LLVMValueRef slot)
{
	LLVMValueRef a[3] = { x->ctx, path_or_null(x, p), load(x, slot) };

	step(x, slot, rt_call(x, fn, a, 3), x->fail);
}

/* Branch to t when the rule holds, else to f; as C's && || ! would. */
static void
condition(struct lx *x, const struct rule *r, LLVMBasicBlockRef t, LLVMBasicBlockRef f)
{
	static const enum rt is[] = {
		RT_asl_is_null, RT_asl_is_present, RT_asl_is_numeric, RT_asl_is_string,
		RT_asl_is_boolean, RT_asl_is_timestamp
	};
	LLVMValueRef a[6], res;
	int i, type;
	unsigned n = 3;
	enum rt fn;

	switch (r->kind) {
	case RULE_NOT:
		condition(x, r->kids[0], f, t);
		return;
	case RULE_AND:
	case RULE_OR:
		for (i = 0; i < r->nkid; i++) {
			LLVMBasicBlockRef more = i + 1 < r->nkid ? block(x, "") : NULL;

			if (r->kind == RULE_AND)
				condition(x, r->kids[i], more ? more : t, f);
			else
				condition(x, r->kids[i], t, more ? more : f);
			if (more)
				LLVMPositionBuilderAtEnd(x->B, more);
		}
		return;
	case RULE_CMP:
		break;
	}
	a[0] = x->ctx;
	a[1] = load(x, x->in);
	a[2] = path_ref(x, r->var);
	type = compare_info[r->cmp].type;
	switch (type) {
	case OPERAND_STRING:
		fn = RT_asl_string_cmp;
		a[n++] = i32(x, compare_value[r->cmp]);
		a[n++] = cstring(x, r->str, r->len);
		a[n++] = LLVMConstInt(x->i64, r->len, 0);
		break;
	case OPERAND_MATCHES:
		fn = RT_asl_string_matches;
		a[n++] = cstring(x, r->str, r->len);
		a[n++] = LLVMConstInt(x->i64, r->len, 0);
		break;
	case OPERAND_NUMERIC:
		fn = r->is_int ? RT_asl_numeric_cmp_int : RT_asl_numeric_cmp_real;
		a[n++] = i32(x, compare_value[r->cmp]);
		a[n++] = r->is_int ? LLVMConstInt(x->i64, (unsigned long long)r->i, 1) :
			LLVMConstReal(x->f64, r->d);
		break;
	case OPERAND_BOOLEAN:
		fn = RT_asl_boolean_eq;
		a[n++] = i32(x, r->b);
		break;
	case OPERAND_TIMESTAMP:
		fn = RT_asl_timestamp_cmp;
		a[n++] = i32(x, compare_value[r->cmp]);
		a[n++] = time_ref(x, r->tsec, r->tnsec);
		break;
	case OPERAND_STRING_PATH:
	case OPERAND_NUMERIC_PATH:
	case OPERAND_TIMESTAMP_PATH:
		fn = type == OPERAND_STRING_PATH ? RT_asl_string_cmp_path :
			type == OPERAND_NUMERIC_PATH ? RT_asl_numeric_cmp_path :
			RT_asl_timestamp_cmp_path;
		a[n++] = i32(x, compare_value[r->cmp]);
		a[n++] = path_ref(x, r->operand);
		break;
	case OPERAND_BOOLEAN_PATH:
		fn = RT_asl_boolean_eq_path;
		a[n++] = path_ref(x, r->operand);
		break;
	default:
		fn = is[type - OPERAND_IS_NULL];
		if (!r->b) {	/* IsNull false: the negation */
			LLVMBasicBlockRef swap = t;

			t = f;
			f = swap;
		}
		break;
	}
	res = rt_call(x, fn, a, n);
	LLVMBuildCondBr(x->B, LLVMBuildICmp(x->B, LLVMIntNE, res, i32(x, 0), ""), t, f);
}

/* Assign of a Choice rule or its Default, then its OutputPath. */
static void
choice_exit(struct lx *x, const struct state *st, const struct template *assign, int next)
{
	if (assign) {
		LLVMValueRef a[3] = { x->ctx, template_ref(x, assign), load(x, x->in) };

		check(x, rt_call(x, RT_asl_assign, a, 3), x->failed);
	}
	if (st->output_path.present)
		path_step(x, RT_asl_output_path, st->output_path.path, x->in);
	leave(x, next);
}

/* The template t, or a null pointer. */
static LLVMValueRef
template_or_null(struct lx *x, const struct template *t)
{
	return t ? template_ref(x, t) : LLVMConstNull(x->ptr);
}

/* Assign and Output of a JSONata Choice rule or its Default, then leave. */
static void
jn_choice_exit(struct lx *x, const struct template *assign, const struct template *output,
	       int next)
{
	LLVMValueRef a[4];

	a[0] = x->ctx;
	if (assign) {
		a[1] = template_ref(x, assign);
		a[2] = load(x, x->in);
		a[3] = LLVMConstNull(x->ptr);
		check(x, rt_call(x, RT_asl_jn_assign, a, 4), x->failed);
	}
	if (output) {
		a[1] = template_ref(x, output);
		a[2] = load(x, x->in);
		a[3] = LLVMConstNull(x->ptr);
		step(x, x->in, rt_call(x, RT_asl_jn_output, a, 4), x->failed);
	}
	leave(x, next);
}

/* A JSONata Choice: each Condition in turn (-1 failed, 0 no, 1 yes). */
static void
jn_choice(struct lx *x, const struct state *st)
{
	LLVMValueRef a[3], c;
	int r;

	for (r = 0; r < st->choice.nrule; r++) {
		const struct rule *rule = st->choice.rules[r];
		LLVMBasicBlockRef yes = block(x, arena_printf("choice_%d_%d", st->index, r));
		LLVMBasicBlockRef no = block(x, "");

		a[0] = x->ctx;
		a[1] = template_ref(x, rule->condition);
		a[2] = load(x, x->in);
		c = rt_call(x, RT_asl_jn_condition, a, 3);
		branch_unless(x, LLVMBuildICmp(x->B, LLVMIntSGE, c, i32(x, 0), ""), x->failed);
		LLVMBuildCondBr(x->B, LLVMBuildICmp(x->B, LLVMIntNE, c, i32(x, 0), ""), yes, no);
		LLVMPositionBuilderAtEnd(x->B, yes);
		jn_choice_exit(x, rule->assign, rule->output ? rule->output : st->output, rule->next);
		LLVMPositionBuilderAtEnd(x->B, no);
	}
	if (st->choice.dflt < 0) {
		rt_call(x, RT_asl_no_choice, &x->ctx, 1);
		LLVMBuildBr(x->B, x->failed);
		return;
	}
	jn_choice_exit(x, st->assign, st->output, st->choice.dflt);
}

static void
choice(struct lx *x, const struct state *st)
{
	LLVMValueRef failed;
	int r;

	if (st->jsonata) {
		jn_choice(x, st);
		return;
	}

	for (r = 0; r < st->choice.nrule; r++) {
		const struct rule *rule = st->choice.rules[r];
		LLVMBasicBlockRef yes = block(x, arena_printf("choice_%d_%d", st->index, r));
		LLVMBasicBlockRef no = block(x, "");
		LLVMBasicBlockRef body = yes, here = LLVMGetInsertBlock(x->B);

		if (rule_negates(rule)) {	/* && !asl_failed(ctx) */
			body = block(x, "");
			LLVMPositionBuilderAtEnd(x->B, yes);
			failed = rt_call(x, RT_asl_failed, &x->ctx, 1);
			LLVMBuildCondBr(x->B, LLVMBuildICmp(x->B, LLVMIntEQ, failed, i32(x, 0), ""),
					body, no);
			LLVMPositionBuilderAtEnd(x->B, here);
		}
		condition(x, rule, yes, no);
		LLVMPositionBuilderAtEnd(x->B, body);
		choice_exit(x, st, rule->assign, rule->next);
		LLVMPositionBuilderAtEnd(x->B, no);
	}
	failed = rt_call(x, RT_asl_failed, &x->ctx, 1);
	check(x, failed, x->failed);
	if (st->choice.dflt < 0) {
		rt_call(x, RT_asl_no_choice, &x->ctx, 1);
		LLVMBuildBr(x->B, x->failed);
		return;
	}
	choice_exit(x, st, st->assign, st->choice.dflt);
}

/*
** The error handler of a state with Retry or Catch: every failing step
** of the state branches here. A retry goes back to the state's try block;
** a catcher writes the error output and leaves for its Next.
*/
static void
recovery(struct lx *x, const struct state *st, LLVMBasicBlockRef handler,
	 LLVMBasicBlockRef try)
{
	LLVMValueRef a[3] = { x->ctx, recovery_ref(x, st) }, sw;
	int i;

	LLVMPositionBuilderAtEnd(x->B, handler);
	sw = LLVMBuildSwitch(x->B, rt_call(x, RT_asl_recover, a, 2), x->failed,
			     (unsigned)(st->ncatch + 1));
	if (st->nretry)
		LLVMAddCase(sw, i32(x, ASL_RETRY), try);
	for (i = 0; i < st->ncatch; i++) {
		const struct catcher *c = &st->catch[i];
		LLVMBasicBlockRef b = block(x, arena_printf("catch_%d_%d", st->index, i));

		LLVMAddCase(sw, i32(x, i), b);
		LLVMPositionBuilderAtEnd(x->B, b);
		if (st->jsonata) {
			LLVMValueRef j[4] = { x->ctx, template_or_null(x, c->assign),
					      template_or_null(x, c->output), load(x, x->in) };

			step(x, x->in, rt_call(x, RT_asl_jn_catch, j, 4), x->failed);
			leave(x, c->next);
			continue;
		}
		if (c->assign) {
			a[1] = template_ref(x, c->assign);
			check(x, rt_call(x, RT_asl_catch_assign, a, 2), x->failed);
		}
		a[1] = path_or_null(x, c->result_path.path);
		a[2] = load(x, x->in);
		step(x, x->in, rt_call(x, RT_asl_catch_result, a, 3), x->failed);
		leave(x, c->next);
	}
}

static void
state(struct lx *x, const struct state *st)
{
	bool handled = st->nretry > 0 || st->ncatch > 0;
	LLVMBasicBlockRef handler = NULL, try = NULL;
	LLVMValueRef a[4];
	int k;

	LLVMPositionBuilderAtEnd(x->B, x->blocks[st->index]);
	if (handled)
		handler = block(x, arena_printf("error_%d", st->index));
	x->fail = handled ? handler : x->failed;
	a[0] = x->ctx;
	for (k = 0; k < st->nop; k++) {
		const struct op *op = &st->ops[k];
		LLVMValueRef slot = op->value ? x->v : x->in;

		switch (op->kind) {
		case OP_ARGUMENTS:
			a[1] = template_ref(x, op->tpl);
			a[2] = load(x, x->v);
			step(x, x->v, rt_call(x, RT_asl_jn_arguments, a, 3), x->fail);
			break;
		case OP_JN_ASSIGN:
			a[1] = template_ref(x, op->tpl);
			a[2] = load(x, x->in);
			a[3] = op->value ? load(x, x->v) : LLVMConstNull(x->ptr);
			check(x, rt_call(x, RT_asl_jn_assign, a, 4), x->fail);
			break;
		case OP_JN_OUTPUT:
			a[1] = template_or_null(x, op->tpl);
			if (handled) {
				/* The input stays whole until the state succeeds. */
				LLVMValueRef in = load(x, x->in);

				a[2] = rt_call(x, RT_asl_incref, &in, 1);
				a[3] = op->value ? load(x, x->v) : LLVMConstNull(x->ptr);
				step(x, x->v, rt_call(x, RT_asl_jn_output, a, 4), x->fail);
				in = load(x, x->in);
				rt_call(x, RT_asl_decref, &in, 1);
				store(x, x->in, load(x, x->v));
				store(x, x->v, LLVMConstNull(x->ptr));
				x->fail = x->failed;
				break;
			}
			a[2] = load(x, x->in);
			a[3] = op->value ? load(x, x->v) : LLVMConstNull(x->ptr);
			a[2] = rt_call(x, RT_asl_jn_output, a, 4);
			store(x, x->in, a[2]);
			if (op->value)
				store(x, x->v, LLVMConstNull(x->ptr));
			branch_unless(x, LLVMBuildIsNotNull(x->B, a[2], ""), x->failed);
			break;
		case OP_ENTER:
			a[1] = element(x, x->sd, sizeof(asl_state_info), st->index);
			a[2] = load(x, x->in);
			check(x, rt_call(x, RT_asl_enter, a, 3), x->failed);
			if (st->nretry) {
				try = block(x, arena_printf("try_%d", st->index));
				LLVMBuildBr(x->B, try);
				LLVMPositionBuilderAtEnd(x->B, try);
			}
			/* The value starts as the input, unless a Result replaces it. */
			if (st->kind != STATE_CHOICE && st->kind != STATE_WAIT &&
			    st->kind != STATE_SUCCEED && st->kind != STATE_FAIL &&
			    !(st->jsonata && st->kind == STATE_PASS) &&
			    !(k + 1 < st->nop && st->ops[k + 1].kind == OP_PASS_RESULT)) {
				a[1] = load(x, x->in);
				store(x, x->v, rt_call(x, RT_asl_incref, a + 1, 1));
			}
			break;
		case OP_INPUT_PATH:
			path_step(x, RT_asl_input_path, op->path, slot);
			break;
		case OP_TIMEOUTS:
			/* Only States.Runtime can come of it: never retried or caught. */
			a[1] = task_ref(x, st);
			a[2] = load(x, x->v);
			check(x, rt_call(x, RT_asl_task_timeouts, a, 3), x->failed);
			break;
		case OP_OUTPUT_PATH:
			path_step(x, RT_asl_output_path, op->path, slot);
			break;
		case OP_PARAMETERS:
		case OP_RESULT_SELECTOR:
			a[1] = template_ref(x, op->tpl);
			a[2] = load(x, x->v);
			step(x, x->v, rt_call(x, op->kind == OP_PARAMETERS ? RT_asl_parameters :
					      RT_asl_result_selector, a, 3), x->fail);
			break;
		case OP_ASSIGN:
			a[1] = template_ref(x, op->tpl);
			a[2] = load(x, slot);
			check(x, rt_call(x, RT_asl_assign, a, 3), x->fail);
			break;
		case OP_PASS_RESULT:
			if (op->size > ASL_PAYLOAD_LIMIT) {
				a[1] = LLVMConstInt(x->i64, op->size, 0);
				check(x, rt_call(x, RT_asl_result_size, a, 2), x->failed);
			}
			a[1] = i32(x, op->konst);
			a[2] = k > 0 && st->ops[k - 1].kind == OP_ENTER ? LLVMConstNull(x->ptr) :
				load(x, x->v);
			store(x, x->v, rt_call(x, RT_asl_pass_result, a, 3));
			break;
		case OP_TASK:
		case OP_PARALLEL:
		case OP_MAP:
			a[1] = op->kind == OP_TASK ? task_ref(x, st) :
				op->kind == OP_PARALLEL ? parallel_ref(x, st) : map_ref(x, st);
			a[2] = load(x, x->v);
			step(x, x->v, rt_call(x, op->kind == OP_TASK ? RT_asl_task :
					      op->kind == OP_PARALLEL ? RT_asl_parallel : RT_asl_map,
					      a, 3), x->fail);
			break;
		case OP_RESULT_PATH:
			a[1] = path_or_null(x, op->path);
			if (handled) {
				/* The input stays whole until the state succeeds. */
				LLVMValueRef in = load(x, x->in);

				a[2] = rt_call(x, RT_asl_incref, &in, 1);
				a[3] = load(x, x->v);
				step(x, x->v, rt_call(x, RT_asl_result_path_handled, a, 4), x->fail);
				in = load(x, x->in);
				rt_call(x, RT_asl_decref, &in, 1);
				store(x, x->in, load(x, x->v));
				store(x, x->v, LLVMConstNull(x->ptr));
				x->fail = x->failed;	/* later steps raise States.Runtime only */
				break;
			}
			/* Both values are consumed: v is gone, failure or not. */
			a[2] = load(x, x->in);
			a[3] = load(x, x->v);
			a[2] = rt_call(x, RT_asl_result_path, a, 4);
			store(x, x->in, a[2]);
			store(x, x->v, LLVMConstNull(x->ptr));
			branch_unless(x, LLVMBuildIsNotNull(x->B, a[2], ""), x->failed);
			break;
		case OP_WAIT:
			if (st->wait.jn) {
				a[1] = template_ref(x, st->wait.jn);
				a[2] = i32(x, st->wait.kind == WAIT_TIMESTAMP);
				a[3] = load(x, x->in);
				check(x, rt_call(x, RT_asl_jn_wait, a, 4), x->failed);
				break;
			}
			switch (st->wait.kind) {
			case WAIT_SECONDS:
				a[1] = LLVMConstInt(x->i64, (unsigned long long)st->wait.seconds, 1);
				check(x, rt_call(x, RT_asl_wait_seconds, a, 2), x->failed);
				break;
			case WAIT_TIMESTAMP:
				a[1] = time_ref(x, st->wait.tsec, st->wait.tnsec);
				check(x, rt_call(x, RT_asl_wait_timestamp, a, 2), x->failed);
				break;
			case WAIT_SECONDS_PATH:
			case WAIT_TIMESTAMP_PATH:
				a[1] = path_ref(x, st->wait.path);
				a[2] = load(x, x->in);
				check(x, rt_call(x, st->wait.kind == WAIT_SECONDS_PATH ?
						 RT_asl_wait_seconds_path : RT_asl_wait_timestamp_path,
						 a, 3), x->failed);
				break;
			}
			break;
		case OP_CHOICE:
			choice(x, st);
			break;
		case OP_FAIL:
			a[1] = fail_ref(x, st);
			a[2] = load(x, x->in);
			rt_call(x, RT_asl_fail_state, a, 3);
			LLVMBuildBr(x->B, x->failed);
			break;
		case OP_SUCCEED:
			leave(x, -1);
			break;
		case OP_GOTO:
			leave(x, op->next);
			break;
		case OP_COUNT:
			die("bad op");
		}
	}
	if (handled)
		recovery(x, st, handler, try);
}

/* The asl_state_info table of machine m. */
static LLVMValueRef
state_infos(struct lx *x, const struct machine *m)
{
	LLVMValueRef *v = xmalloc((size_t)m->nstate * sizeof *v), g;
	int i;

	for (i = 0; i < m->nstate; i++) {
		const struct state *st = m->states[i];
		struct cfield f[4];

		f[0] = FP(asl_state_info, name, str(x, st->name));
		f[1] = FI(asl_state_info, type, state_type_value[st->kind]);
		f[2] = FI(asl_state_info, retriable, st->kind == STATE_TASK ||
			  st->kind == STATE_PARALLEL || st->kind == STATE_MAP);
		f[3] = FI(asl_state_info, token, st->kind == STATE_TASK &&
			  (st->task.pattern == PAT_CALLBACK || st->task.kind == RES_ACTIVITY));
		v[i] = cstruct(x, sizeof(asl_state_info), f, 4);
	}
	g = global(x, arena_printf("sd_%d", m->id), carray(x, v, m->nstate),
		   _Alignof(asl_state_info));
	free(v);
	return g;
}

/*
** The states of part x->cur_part of machine m as function fn: sm_<id>(ctx,
** in) when the machine is one part, else sm_<id>_part_<k>(ctx, in, next),
** which runs from state *next until the machine ends (*next = -1) or
** leaves the part (*next = the state to enter). Both consume in and return
** the value, or NULL when the execution failed.
*/
static void
body(struct lx *x, const struct machine *m, LLVMValueRef fn)
{
	LLVMBasicBlockRef entry, bad;
	LLVMValueRef a[2], sw;
	int i;

	x->fn = fn;
	x->ctx = LLVMGetParam(fn, 0);
	LLVMSetValueName2(x->ctx, "ctx", 3);
	LLVMSetValueName2(LLVMGetParam(fn, 1), "input", 5);
	if (x->split) {
		x->nextp = LLVMGetParam(fn, 2);
		LLVMSetValueName2(x->nextp, "next", 4);
	}
	entry = block(x, "entry");
	x->blocks = arena_alloc((size_t)m->nstate * sizeof *x->blocks);
	for (i = 0; i < m->nstate; i++)
		if (x->part[i] == x->cur_part)
			x->blocks[i] = block(x, state_label(m->states[i]));
	x->succeeded = block(x, "succeeded");
	x->failed = block(x, "failed");

	LLVMPositionBuilderAtEnd(x->B, entry);
	x->in = LLVMBuildAlloca(x->B, x->ptr, "in.slot");
	x->v = LLVMBuildAlloca(x->B, x->ptr, "v.slot");
	store(x, x->in, LLVMGetParam(fn, 1));
	store(x, x->v, LLVMConstNull(x->ptr));
	if (!x->split) {
		/* StartAt, or the state --test-state runs alone. */
		a[0] = x->ctx;
		a[1] = i32(x, m->start);
		sw = LLVMBuildSwitch(x->B, rt_call(x, RT_asl_start, a, 2), x->blocks[m->start], 0);
		for (i = 0; i < m->nstate; i++)
			if (m->states[i]->reachable && i != m->start)
				LLVMAddCase(sw, i32(x, i), x->blocks[i]);
	} else {
		bad = block(x, "bad_entry");	/* not reached: the dispatcher enters entries only */
		sw = LLVMBuildSwitch(x->B, LLVMBuildLoad2(x->B, x->i32, x->nextp, ""), bad, 0);
		for (i = 0; i < m->nstate; i++)
			if (x->part[i] == x->cur_part && x->entry[i])
				LLVMAddCase(sw, i32(x, i), x->blocks[i]);
		LLVMPositionBuilderAtEnd(x->B, bad);
		a[0] = load(x, x->in);
		rt_call(x, RT_asl_decref, a, 1);
		LLVMBuildRet(x->B, LLVMConstNull(x->ptr));
	}

	for (i = 0; i < m->nstate; i++)
		if (x->part[i] == x->cur_part)
			state(x, m->states[i]);

	LLVMPositionBuilderAtEnd(x->B, x->succeeded);
	if (x->split)
		store(x, x->nextp, i32(x, -1));
	LLVMBuildRet(x->B, load(x, x->in));
	LLVMPositionBuilderAtEnd(x->B, x->failed);
	a[0] = load(x, x->v);
	rt_call(x, RT_asl_decref, a, 1);
	a[0] = load(x, x->in);
	rt_call(x, RT_asl_decref, a, 1);
	LLVMBuildRet(x->B, LLVMConstNull(x->ptr));
}

/*
** The dispatcher of a machine split into nparts parts fns: while the
** execution goes on, call the part that holds the next state.
*/
static void
dispatcher(struct lx *x, const struct machine *m, LLVMValueRef *fns, LLVMTypeRef part_type,
	   int nparts)
{
	LLVMValueRef fn = x->machines[m->id], *v, table, in, next, more, sw, a[3];
	LLVMBasicBlockRef entry, loop, dispatch, done, bad;
	int i;

	v = xmalloc((size_t)m->nstate * sizeof *v);
	for (i = 0; i < m->nstate; i++)
		v[i] = i32(x, x->part[i]);
	table = global(x, arena_printf("sm_%d_part", m->id),
		       LLVMConstArray(x->i32, v, (unsigned)m->nstate), _Alignof(int));
	free(v);
	x->fn = fn;
	entry = block(x, "entry");
	loop = block(x, "loop");
	dispatch = block(x, "dispatch");
	done = block(x, "done");
	bad = block(x, "bad_state");	/* not reached: only reachable states are entered */

	LLVMPositionBuilderAtEnd(x->B, entry);
	x->in = LLVMBuildAlloca(x->B, x->ptr, "in.slot");
	x->nextp = LLVMBuildAlloca(x->B, x->i32, "next");
	store(x, x->in, LLVMGetParam(fn, 1));
	/* StartAt, or the state --test-state runs alone */
	a[0] = LLVMGetParam(fn, 0);
	a[1] = i32(x, m->start);
	store(x, x->nextp, rt_call(x, RT_asl_start, a, 2));
	LLVMBuildBr(x->B, loop);

	LLVMPositionBuilderAtEnd(x->B, loop);
	in = load(x, x->in);
	next = LLVMBuildLoad2(x->B, x->i32, x->nextp, "");
	more = LLVMBuildAnd(x->B, LLVMBuildIsNotNull(x->B, in, ""),
			    LLVMBuildICmp(x->B, LLVMIntSGE, next, i32(x, 0), ""), "");
	LLVMBuildCondBr(x->B, more, dispatch, done);

	LLVMPositionBuilderAtEnd(x->B, dispatch);
	a[0] = LLVMBuildSExt(x->B, next, x->i64, "");
	a[0] = LLVMBuildInBoundsGEP2(x->B, x->i32, table, a, 1, "");
	sw = LLVMBuildSwitch(x->B, LLVMBuildLoad2(x->B, x->i32, a[0], "part"), bad,
			     (unsigned)nparts);
	for (i = 0; i < nparts; i++) {
		LLVMBasicBlockRef call = block(x, arena_printf("part_%d", i));

		LLVMAddCase(sw, i32(x, i), call);
		LLVMPositionBuilderAtEnd(x->B, call);
		a[0] = LLVMGetParam(fn, 0);
		a[1] = load(x, x->in);
		a[2] = x->nextp;
		store(x, x->in, LLVMBuildCall2(x->B, part_type, fns[i], a, 3, ""));
		LLVMBuildBr(x->B, loop);
	}

	LLVMPositionBuilderAtEnd(x->B, bad);
	a[0] = load(x, x->in);
	rt_call(x, RT_asl_decref, a, 1);
	LLVMBuildRet(x->B, LLVMConstNull(x->ptr));
	LLVMPositionBuilderAtEnd(x->B, done);
	LLVMBuildRet(x->B, load(x, x->in));
}

/*
** Machine m: sm_<id>(ctx, in), which consumes in and returns the output;
** a machine of more than PART_STATES states is split into parts.
*/
static void
machine(struct lx *x, const struct machine *m)
{
	LLVMTypeRef params[3], part_type;
	LLVMValueRef *fns;
	int k, nparts;

	x->m = m;
	nparts = machine_parts(m, &x->part, &x->entry);
	x->sd = state_infos(x, m);
	x->sds[m->id] = x->sd;
	x->cur_part = 0;
	x->split = nparts > 1;
	if (!x->split) {
		body(x, m, x->machines[m->id]);
		return;
	}
	params[0] = params[1] = params[2] = x->ptr;
	part_type = LLVMFunctionType(x->ptr, params, 3, 0);
	fns = xmalloc((size_t)nparts * sizeof *fns);
	for (k = 0; k < nparts; k++) {
		fns[k] = LLVMAddFunction(x->M, arena_printf("sm_%d_part_%d", m->id, k), part_type);
		LLVMSetLinkage(fns[k], LLVMInternalLinkage);
	}
	for (x->cur_part = 0; x->cur_part < nparts; x->cur_part++)
		body(x, m, fns[x->cur_part]);
	dispatcher(x, m, fns, part_type, nparts);
	free(fns);
}

/* The program descriptor aslg_program, and main. */
static void
program(struct lx *x, const struct llvm_options *lo)
{
	const struct program *prog = x->prog;
	LLVMValueRef *v, consts, tasks = NULL, s3 = NULL, g, fn, a[3];
	LLVMValueRef machines, sds, nstates;
	LLVMTypeRef params[2], main_type;
	const char **names;
	struct cfield f[18];
	int i, n = 0, ns3;

	v = xmalloc(((size_t)prog->nconst + 1) * sizeof *v);
	for (i = 0; i < prog->nconst; i++)
		v[i] = str(x, prog->consts[i]);
	if (!prog->nconst)
		v[0] = LLVMConstNull(x->ptr);
	consts = ptr_array(x, "consts", v, prog->nconst ? prog->nconst : 1);
	free(v);
	x->kvals = LLVMAddGlobal(x->M, LLVMArrayType(x->ptr, (unsigned)(prog->nconst ? prog->nconst : 1)),
				 "kvals");
	LLVMSetInitializer(x->kvals, LLVMConstNull(LLVMGlobalGetValueType(x->kvals)));
	LLVMSetLinkage(x->kvals, LLVMInternalLinkage);
	LLVMSetAlignment(x->kvals, _Alignof(json_t *));

	if (prog->ntask) {
		v = xmalloc((size_t)prog->ntask * sizeof *v);
		for (i = 0; i < prog->ntask; i++)
			v[i] = task_ref(x, prog->tasks[i]);
		tasks = ptr_array(x, "tasks", v, prog->ntask);
		free(v);
	}
	/* The machines and their states, for --test-state. */
	v = xmalloc((size_t)prog->nmachine * sizeof *v);
	for (i = 0; i < prog->nmachine; i++)
		v[i] = prog->machines[i]->reachable ? x->machines[i] : LLVMConstNull(x->ptr);
	machines = ptr_array(x, "machines", v, prog->nmachine);
	for (i = 0; i < prog->nmachine; i++)
		v[i] = prog->machines[i]->reachable ? x->sds[i] : LLVMConstNull(x->ptr);
	sds = ptr_array(x, "machine_states", v, prog->nmachine);
	for (i = 0; i < prog->nmachine; i++)
		v[i] = i32(x, prog->machines[i]->reachable ? prog->machines[i]->nstate : 0);
	nstates = global(x, "machine_nstates",
			 LLVMConstArray(x->i32, v, (unsigned)prog->nmachine), _Alignof(int));
	free(v);
	names = s3_names(prog, &ns3);
	if (ns3)
		s3 = string_array(x, "s3_names", names, ns3);

	f[n++] = FI(asl_program, abi, ASLRT_ABI);
	f[n++] = FP(asl_program, source, str(x, prog->file));
	f[n++] = FP(asl_program, name, str(x, prog->name));
	f[n++] = FP(asl_program, run, x->machines[0]);
	f[n++] = FP(asl_program, consts, consts);
	f[n++] = FI(asl_program, nconst, prog->nconst);
	f[n++] = FP(asl_program, kvals, x->kvals);
	f[n++] = FP(asl_program, tasks, tasks);
	f[n++] = FI(asl_program, ntask, prog->ntask);
	if (lo->handlers) {
		g = LLVMAddGlobal(x->M, x->i8, "aslh_handlers");	/* the C handlers linked in */
		LLVMSetGlobalConstant(g, 1);
		f[n++] = FP(asl_program, handlers, g);
	}
	f[n++] = FI(asl_program, timeout, prog->timeout);
	f[n++] = FI(asl_program, uses_context, prog->uses_context);
	f[n++] = FP(asl_program, s3, s3);
	f[n++] = FI(asl_program, ns3, ns3);
	f[n++] = FP(asl_program, machines, machines);
	f[n++] = FP(asl_program, machine_states, sds);
	f[n++] = FP(asl_program, machine_nstates, nstates);
	f[n++] = FI(asl_program, nmachine, prog->nmachine);
	g = global(x, lo->prefix ? arena_printf("%s_program", lo->prefix) : "aslg_program",
		   cstruct(x, sizeof(asl_program), f, n), _Alignof(asl_program));
	LLVMSetGlobalConstant(g, 0);
	LLVMSetLinkage(g, LLVMExternalLinkage);
	LLVMSetUnnamedAddress(g, LLVMNoUnnamedAddr);

	if (lo->prefix) {
		/*
		** int PREFIX_run(const char *input, const asl_options *opt,
		**	asl_result *res) { return asl_execute(&PREFIX_program, ...); }
		*/
		LLVMValueRef b[4];
		LLVMTypeRef ps[3] = { x->ptr, x->ptr, x->ptr };

		fn = LLVMAddFunction(x->M, arena_printf("%s_run", lo->prefix),
				     LLVMFunctionType(x->i32, ps, 3, 0));
		LLVMPositionBuilderAtEnd(x->B, LLVMAppendBasicBlockInContext(x->C, fn, "entry"));
		b[0] = g;
		for (i = 0; i < 3; i++)
			b[i + 1] = LLVMGetParam(fn, (unsigned)i);
		LLVMBuildRet(x->B, rt_call(x, RT_asl_execute, b, 4));
		return;
	}

	/* int main(int argc, char **argv) { return asl_main(argc, argv, &aslg_program); } */
	params[0] = x->i32;
	params[1] = x->ptr;
	main_type = LLVMFunctionType(x->i32, params, 2, 0);
	fn = LLVMAddFunction(x->M, "main", main_type);
	LLVMPositionBuilderAtEnd(x->B, LLVMAppendBasicBlockInContext(x->C, fn, "entry"));
	a[0] = LLVMGetParam(fn, 0);
	a[1] = LLVMGetParam(fn, 1);
	a[2] = g;
	LLVMBuildRet(x->B, rt_call(x, RT_asl_main, a, 3));
}

/* Build the module of prog in x. */
static void
build_module(struct lx *x, const struct program *prog, const struct llvm_options *lo)
{
	LLVMTypeRef params[2], sm_type;
	int i;

	x->prog = prog;
	x->B = LLVMCreateBuilderInContext(x->C);
	x->ptr = LLVMPointerTypeInContext(x->C, 0);
	x->i8 = LLVMInt8TypeInContext(x->C);
	x->i32 = LLVMInt32TypeInContext(x->C);
	x->i64 = LLVMInt64TypeInContext(x->C);
	x->f64 = LLVMDoubleTypeInContext(x->C);
	x->voidt = LLVMVoidTypeInContext(x->C);
	declare_runtime(x);

	params[0] = params[1] = x->ptr;
	sm_type = LLVMFunctionType(x->ptr, params, 2, 0);
	x->machines = arena_alloc((size_t)prog->nmachine * sizeof *x->machines);
	x->sds = arena_alloc((size_t)prog->nmachine * sizeof *x->sds);
	for (i = 0; i < prog->nmachine; i++) {
		if (!prog->machines[i]->reachable)
			continue;
		x->machines[i] = LLVMAddFunction(x->M, arena_printf("sm_%d", i), sm_type);
		LLVMSetLinkage(x->machines[i], LLVMInternalLinkage);
	}
	for (i = 0; i < prog->nmachine; i++)
		if (prog->machines[i]->reachable)
			machine(x, prog->machines[i]);
	program(x, lo);
	LLVMDisposeBuilder(x->B);
}

/* The object being linked, removed however aslc exits. */
static char temp_obj[4096];

static void
remove_obj(void)
{
	if (*temp_obj)
		unlink(temp_obj);
	*temp_obj = '\0';
}

static const char *
opt_level(const char *opt)
{
	if (!opt || strcmp(opt, "-O") == 0)
		return opt ? "1" : "2";
	return opt + 2;	/* "0", "1", "2", "3", "s" */
}

bool
llvm_available(void)
{
	return true;
}

/*
** Build prog as an LLVM module, check and optimise it, then write the .ll
** (lo->ll) or a native object linked into executable out by cc.c.
*/
int
llvm_build(const struct program *prog, const struct llvm_options *lo, const char *out,
	   const struct cc_options *opt)
{
	struct lx x;
	char *triple, *err = NULL;
	const char *level = opt_level(opt->opt);
	LLVMTargetRef target;
	LLVMTargetMachineRef tm;
	LLVMPassBuilderOptionsRef pbo;
	LLVMErrorRef perr;
	LLVMCodeGenOptLevel cg;
	int status = 0, fd;

	memset(&x, 0, sizeof x);
	LLVMInitializeNativeTarget();
	LLVMInitializeNativeAsmPrinter();
	x.C = LLVMContextCreate();
	x.M = LLVMModuleCreateWithNameInContext(prog->file, x.C);
	LLVMSetSourceFileName(x.M, prog->file, strlen(prog->file));
	triple = LLVMGetDefaultTargetTriple();
	if (LLVMGetTargetFromTriple(triple, &target, &err))
		fatal("LLVM has no target for %s: %s", triple, err);
	cg = *level == '0' ? LLVMCodeGenLevelNone : *level == '1' ? LLVMCodeGenLevelLess :
		*level == '3' ? LLVMCodeGenLevelAggressive : LLVMCodeGenLevelDefault;
	/* PIC: Debian links executables as PIE. */
	tm = LLVMCreateTargetMachine(target, triple, "", "", cg, LLVMRelocPIC,
				     LLVMCodeModelDefault);
	x.td = LLVMCreateTargetDataLayout(tm);
	LLVMSetTarget(x.M, triple);
	LLVMSetModuleDataLayout(x.M, x.td);

	build_module(&x, prog, lo);

	if (LLVMVerifyModule(x.M, LLVMReturnStatusAction, &err)) {
		fprintf(stderr, "aslc: the LLVM module built for %s does not verify; this is an "
			"aslc bug, please report it with the definition. LLVM said:\n%s\n",
			prog->file, err);
		status = -1;
		goto done;
	}
	LLVMDisposeMessage(err);
	err = NULL;
	pbo = LLVMCreatePassBuilderOptions();
	perr = LLVMRunPasses(x.M, arena_printf("default<O%s>", level), tm, pbo);
	LLVMDisposePassBuilderOptions(pbo);
	if (perr) {
		char *msg = LLVMGetErrorMessage(perr);

		fprintf(stderr, "aslc: optimising the LLVM module failed; this is an aslc bug: %s\n",
			msg);
		LLVMDisposeErrorMessage(msg);
		status = -1;
		goto done;
	}
	if (lo->ll) {
		char *text = LLVMPrintModuleToString(x.M);
		FILE *f = strcmp(lo->ll, "-") == 0 ? stdout : fopen(lo->ll, "w");

		if (!f)
			fatal("cannot create %s: %s", lo->ll, strerror(errno));
		fputs(text, f);
		LLVMDisposeMessage(text);
		if (fflush(f) != 0 || ferror(f))
			fatal("cannot write %s: %s", lo->ll, strerror(errno));
		if (f != stdout)
			fclose(f);
		goto done;
	}
	if (lo->prefix && !opt->ninput) {
		/* -c, no handlers: the object is the output. */
		if (LLVMTargetMachineEmitToFile(tm, x.M, (char *)out, LLVMObjectFile, &err)) {
			fprintf(stderr, "aslc: LLVM could not write the object %s: %s\n", out, err);
			status = -1;
		}
		goto done;
	}
	temp_template(temp_obj, sizeof temp_obj, ".o");
	fd = mkstemps(temp_obj, 2);
	if (fd < 0)
		fatal("cannot create a temporary file: %s", strerror(errno));
	close(fd);
	atexit(remove_obj);	/* cc_build exits when it cannot run the linker */
	if (LLVMTargetMachineEmitToFile(tm, x.M, temp_obj, LLVMObjectFile, &err)) {
		fprintf(stderr, "aslc: LLVM could not write the object %s: %s\n", temp_obj, err);
		status = -1;
	} else if (lo->prefix) {
		status = cc_object(temp_obj, false, out, lo->prefix, opt);
	} else {
		status = cc_build(temp_obj, out, opt);
	}
	remove_obj();
done:
	LLVMDisposeMessage(err);
	LLVMDisposeMessage(triple);
	LLVMDisposeModule(x.M);
	LLVMDisposeTargetData(x.td);
	LLVMDisposeTargetMachine(tm);
	LLVMContextDispose(x.C);
	free(x.done.keys);
	free(x.done.vals);
	free(x.strv);
	free(x.pathv);
	strmap_free(&x.strings);
	strmap_free(&x.path_ids);
	return status;
}

#endif
