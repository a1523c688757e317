/*
** tcc.c - from generated C to an executable, or to code run in memory,
** with libtcc (--backend=tcc, aslc run).
**
** The generated C never touches the disk: it is compiled from a string
** (tcc_compile_string), then linked, as cc.c does it, with the handler
** files, libaslrt.a, jansson, pthreads and libm. The runtime and header
** are found by cc_runtime; tcc's own directory (libtcc1.a and its
** stddef.h) is ASLC_TCC_DIR, else the one Debian's libtcc was built with.
**
** Errors are collected from tcc (tcc_set_error_func) and shown like
** cc.c's: under the handler file's name when one of those failed (the
** user's error), otherwise as an aslc bug. Handler .c files are compiled
** first, by the same TCCState, so that their errors are seen as theirs.
**
** An aslc built with sanitizers has a runtime that needs the sanitizer
** libraries, which tcc cannot link: that build refuses the tcc backend.
*/
#include "aslc.h"

#include <errno.h>
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ASLC_RUNTIME_FLAGS
#define ASLC_RUNTIME_FLAGS ""
#endif
#ifndef ASLC_TCC_DIR
#define ASLC_TCC_DIR "/usr/lib/x86_64-linux-gnu/tcc"
#endif

/* What tcc said, for the message of a failed compilation. */
static struct strbuf said;

static void
on_error(void *opaque, const char *msg)
{
	(void)opaque;
	sb_puts(&said, msg);
	sb_putc(&said, '\n');
}

/*
** tcc's linker ends the process (exit(1)) on some errors, such as a
** relocation it does not know in an object given with the definition
** (thread-local storage): while it links, an exit handler says what it
** said, and ends aslc with the status of a failed build.
*/
static bool linking;

static void
linker_exited(void)
{
	if (!linking)
		return;
	linking = false;
	fprintf(stderr, "aslc: tcc stopped while linking (an object it cannot link, such as "
		"one with thread-local storage, given with the definition?). It said:\n");
	if (said.s)
		fwrite(said.s, 1, said.len, stderr);
	fflush(stderr);
	_exit(2);
}

static void
arm_linker(bool on)
{
	static bool registered;

	if (on && !registered)
		registered = atexit(linker_exited) == 0;
	linking = on;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Show what tcc said after a failure on what (NULL: the generated code). */
static void
report(const char *what, const char *out, const struct cc_options *opt)
{
	cc_report("tcc", "", what, out, &said, opt);
	sb_free(&said);
}

bool
ltcc_available(void)
{
	return !*ASLC_RUNTIME_FLAGS;
}

/*
** A TCCState holding the compiled and linked program, or NULL after an
** error (reported). type is TCC_OUTPUT_EXE or TCC_OUTPUT_MEMORY.
*/
static TCCState *
build(const char *code, int type, const struct cc_options *opt)
{
	const char *inc, *lib, *env, *what = NULL;
	TCCState *s;
	int i;

	if (!ltcc_available())
		fatal("the tcc backend is not available in a sanitizer build of aslc (its runtime "
		      "needs the sanitizer libraries, which tcc cannot link); use --backend=cc");
	lib = cc_runtime(&inc);
	for (i = 0; i < opt->ninput; i++)
		if (access(opt->inputs[i], R_OK) != 0)
			fatal("cannot read %s: %s", opt->inputs[i], strerror(errno));

	s = tcc_new();
	if (!s)
		fatal("cannot start libtcc");
	tcc_set_error_func(s, NULL, on_error);
	env = getenv("ASLC_TCC_DIR");
	tcc_set_lib_path(s, env && *env ? env : ASLC_TCC_DIR);
	tcc_set_output_type(s, type);
	/* -I and -D first: they are searched before the runtime's header. */
	for (i = 0; i < opt->nextra; i++) {
		const char *a = opt->extra[i];

		if (a[1] == 'I') {
			tcc_add_include_path(s, a + 2);
		} else if (a[1] == 'D') {
			const char *eq = strchr(a + 2, '=');

			tcc_define_symbol(s, eq ? arena_strndup(a + 2, (size_t)(eq - a - 2)) : a + 2,
					  eq ? eq + 1 : NULL);
		}
	}
	tcc_add_include_path(s, inc);
	if (opt->debug)
		tcc_set_options(s, "-g");
	if (opt->verbose)
		fprintf(stderr, "libtcc: -I%s%s, handlers, generated C, %s/libaslrt.a -ljansson "
			"-lpthread -lm\n", inc, opt->debug ? " -g" : "", lib);

	/* Handler sources first, with POSIX: their errors are theirs. */
	tcc_define_symbol(s, "_POSIX_C_SOURCE", "200809L");
	for (i = 0; i < opt->ninput; i++) {
		if (!ends_with(opt->inputs[i], ".c"))
			continue;
		if (tcc_add_file(s, opt->inputs[i]) < 0) {
			what = opt->inputs[i];
			goto fail;
		}
	}
	tcc_undefine_symbol(s, "_POSIX_C_SOURCE");

	/* The generated code: an implicit declaration is an error. */
	tcc_set_options(s, "-Werror");
	if (tcc_compile_string(s, code) < 0)
		goto fail;
	for (i = 0; i < opt->ninput; i++)
		if (!ends_with(opt->inputs[i], ".c") && tcc_add_file(s, opt->inputs[i]) < 0) {
			what = opt->inputs[i];
			goto fail;
		}
	if (type == TCC_OUTPUT_OBJ) {	/* -c: no libraries in an object */
		sb_free(&said);
		return s;
	}
	for (i = 0; i < opt->nldargs; i++) {
		const char *a = opt->ldargs[i];

		if ((a[1] == 'L' ? tcc_add_library_path(s, a + 2) :
		     tcc_add_library(s, a + 2)) < 0)
			goto fail;
	}
	if (tcc_add_file(s, arena_printf("%s/libaslrt.a", lib)) < 0 ||
	    tcc_add_library(s, "jansson") < 0 || tcc_add_library(s, "pthread") < 0 ||
	    tcc_add_library(s, "m") < 0)
		goto fail;
	/* Whatever tcc said without failing (warnings) is not shown. */
	sb_free(&said);
	return s;
fail:
	report(what, NULL, opt);
	tcc_delete(s);
	return NULL;
}

/* Write what s holds to out (an executable or an object); 0 on success. */
static int
output(TCCState *s, const char *out, const struct cc_options *opt)
{
	int status;

	if (!s)
		return -1;
	/* Unresolved symbols are found when the executable is written. */
	arm_linker(true);
	status = tcc_output_file(s, out) < 0 ? -1 : 0;
	arm_linker(false);
	if (status)
		report(NULL, out, opt);
	tcc_delete(s);
	return status;
}

int
ltcc_build(const char *code, const char *out, const struct cc_options *opt)
{
	return output(build(code, TCC_OUTPUT_EXE, opt), out, opt);
}

int
ltcc_object(const char *code, const char *out, const char *prefix, const struct cc_options *opt)
{
	/* Only the workflow's two symbols stay global, as with cc. */
	if (output(build(code, TCC_OUTPUT_OBJ, opt), out, opt) != 0)
		return -1;
	return cc_localize(out, prefix, true, opt);
}

int
ltcc_run(const char *code, int argc, char **argv, const struct cc_options *opt, int *exit_status)
{
	TCCState *s = build(code, TCC_OUTPUT_MEMORY, opt);
	int (*entry)(int, char **);
	void *sym;
	int i;

	if (!s)
		return -1;
	arm_linker(true);
	i = tcc_relocate(s, TCC_RELOCATE_AUTO);
	arm_linker(false);
	if (i < 0) {
		report(NULL, NULL, opt);
		tcc_delete(s);
		return -1;
	}
	sym = tcc_get_symbol(s, "main");
	if (!sym) {
		sb_puts(&said, "no main in the generated code\n");
		report(NULL, NULL, opt);
		tcc_delete(s);
		return -1;
	}
	memcpy(&entry, &sym, sizeof entry);	/* ISO C has no object-to-function cast */
	*exit_status = entry(argc, argv);
	fflush(NULL);
	tcc_delete(s);
	return 0;
}
