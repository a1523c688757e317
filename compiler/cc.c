/*
** cc.c - from generated C to an executable, with the system C compiler.
**
** The runtime is found next to aslc itself, so a build tree and an
** installed tree (DESTDIR included) both work without configuration:
**
**	build tree:  build/aslc   build/libaslrt.a   include/aslrt.h
**	installed:   bin/aslc     lib/libaslrt.a     include/aslrt.h
**
** ASLC_RUNTIME_DIR overrides the library directory and ASLC_INCLUDE_DIR
** the header directory. An aslc built with sanitizers passes the same
** flags on (ASLC_RUNTIME_FLAGS), since its runtime needs them to link.
**
** A C compiler error on generated code is an aslc bug, never the user's:
** the compiler's output is kept and shown under a message that says so.
** C handler files given with the definition are compiled on their own
** first, so that their errors are shown as theirs.
*/
#include "aslc.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef ASLC_RUNTIME_FLAGS
#define ASLC_RUNTIME_FLAGS ""
#endif
#ifndef ASLC_JANSSON_LIBS
#define ASLC_JANSSON_LIBS "-ljansson"
#endif

extern char **environ;

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static char libdir[PATH_MAX + 32], incdir[PATH_MAX + 32];

const char *
cc_runtime_dir(const char **inc)
{
	char self[PATH_MAX], probe[PATH_MAX + 32];
	const char *env;
	ssize_t n;
	char *slash;

	*inc = NULL;
	if ((env = getenv("ASLC_INCLUDE_DIR")) && *env)
		snprintf(incdir, sizeof incdir, "%s", env);
	if ((env = getenv("ASLC_RUNTIME_DIR")) && *env)
		snprintf(libdir, sizeof libdir, "%s", env);
	if (!*libdir || !*incdir) {
		n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n < 0)
			return NULL;
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		if (!*libdir) {
			snprintf(probe, sizeof probe, "%s/libaslrt.a", self);
			if (exists(probe))
				snprintf(libdir, sizeof libdir, "%s", self);
			else
				snprintf(libdir, sizeof libdir, "%s/../lib", self);
		}
		if (!*incdir)
			snprintf(incdir, sizeof incdir, "%s/../include", self);
	}
	*inc = incdir;
	return libdir;
}

static void
add_arg(const char ***argv, int *argc, const char *a)
{
	*argv = xrealloc((void *)*argv, (size_t)(*argc + 2) * sizeof **argv);
	(*argv)[(*argc)++] = a;
	(*argv)[*argc] = NULL;
}

/* Add the space-separated words of s (compiler commands and flags). */
static void
add_words(const char ***argv, int *argc, const char *s)
{
	while (*s) {
		size_t n;

		while (*s == ' ')
			s++;
		n = strcspn(s, " ");
		if (!n)
			break;
		add_arg(argv, argc, arena_strndup(s, n));
		s += n;
	}
}

/* The C compiler's command: --cc, else $CC, else cc. */
static void
cc_command(const char ***argv, int *argc, const struct cc_options *opt)
{
	const char *cc = opt->cc ? opt->cc : getenv("CC");

	add_words(argv, argc, cc && cc[strspn(cc, " ")] ? cc : "cc");
}

/* The compiler and the flags every compilation gets. */
static void
common_args(const char ***argv, int *argc, const struct cc_options *opt,
	    const char *inc)
{
	int i;

	cc_command(argv, argc, opt);
	add_arg(argv, argc, "-std=c11");
	add_arg(argv, argc, opt->opt ? opt->opt : "-O2");
	if (opt->debug)
		add_arg(argv, argc, "-g");
	add_arg(argv, argc, arena_printf("-I%s", inc));
	add_words(argv, argc, ASLC_RUNTIME_FLAGS);
	if (getenv("ASLC_CFLAGS"))
		add_words(argv, argc, getenv("ASLC_CFLAGS"));
	for (i = 0; i < opt->nextra; i++)
		add_arg(argv, argc, opt->extra[i]);
}

/*
** Run the compiler command argv. On failure, print what failed (`what`;
** NULL for the generated code, which is then an aslc bug) and the
** compiler's output, and return -1.
*/
/* Another tool than the C compiler that run_cc runs (objcopy), for messages. */
static const char *what_tool;

static int
run_cc(const char **argv, const struct cc_options *opt, const char *what,
       const char *out)
{
	char errfile[4096];
	posix_spawn_file_actions_t fa;
	int status, fd, i, r;
	pid_t pid;

	temp_template(errfile, sizeof errfile, "");
	if (opt->verbose) {
		for (i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	fd = mkstemp(errfile);
	if (fd < 0)
		fatal("cannot create a temporary file: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		close(fd);
		unlink(errfile);
		fatal("cannot run %s%s'%s': %s", what_tool ? "" : "the C compiler", what_tool ? "" : " ",
		      argv[0], strerror(r));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char buf[4096];
		ssize_t n;
		struct strbuf said = { 0 };

		lseek(fd, 0, SEEK_SET);
		while ((n = read(fd, buf, sizeof buf)) > 0)
			sb_putn(&said, buf, (size_t)n);
		cc_report(arena_printf(what_tool ? "%s" : "the C compiler '%s'",
				       what_tool ? what_tool : argv[0]),
			  arena_printf(" (%s %d)", WIFEXITED(status) ? "exit status" : "signal",
				       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)),
			  what, out, &said, opt);
		sb_free(&said);
	}
	close(fd);
	unlink(errfile);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
** Show what a failed build said, under a line that says whose fault it
** is: the file what (a handler file: the user's), the handler table (the
** user's), or the generated code (aslc's). tool is the compiler, how the
** way it ended, out the output being written (or NULL).
*/
void
cc_report(const char *tool, const char *how, const char *what, const char *out,
	  const struct strbuf *said, const struct cc_options *opt)
{
	if (what)
		fprintf(stderr, "aslc: %s failed on %s%s:\n", tool, what, how);
	else if (opt->ninput && said->s && strstr(said->s, "aslh_handlers"))
		fprintf(stderr, "aslc: linking the handlers failed: the handler files must define "
			"the table once, with ASL_HANDLERS({ \"Name\", function }, ...) (see "
			"aslrt.h); %s said:\n", tool);
	else
		fprintf(stderr, "aslc: %s failed on the generated code%s. aslc's C should always "
			"compile: unless that compiler, its options, the files given with the "
			"definition or the output location%s%s are at fault, this is an aslc bug; "
			"please report it with the definition. It said:\n", tool, how,
			out ? " " : "", out ? out : "");
	if (said->s)
		fwrite(said->s, 1, said->len, stderr);
}

/* Where libaslrt.a (returned) and aslrt.h (*inc) are; a fatal error if not. */
const char *
cc_runtime(const char **inc)
{
	const char *lib = cc_runtime_dir(inc);

	if (!lib)
		fatal("cannot find where aslc is installed (/proc/self/exe)");
	if (!exists(arena_printf("%s/libaslrt.a", lib)))
		fatal("cannot find the runtime library %s/libaslrt.a (set ASLC_RUNTIME_DIR)", lib);
	if (!exists(arena_printf("%s/aslrt.h", *inc)))
		fatal("cannot find the runtime header %s/aslrt.h (set ASLC_INCLUDE_DIR)", *inc);
	return lib;
}

/* A temporary file name ending in suffix, created empty; arena memory. */
static char *
temp_file(const char *suffix)
{
	char *name = arena_alloc(4096);
	int fd;

	temp_template(name, 4096, suffix);
	fd = mkstemps(name, (int)strlen(suffix));
	if (fd < 0)
		fatal("cannot create a temporary file: %s", strerror(errno));
	close(fd);
	return name;
}

/*
** Compile the handler sources (.c) each on its own, into temporary
** objects: objs[i] for inputs[i], NULL for the .o and .a given as they
** are. Returns 0, or -1 after the compiler's messages.
*/
static int
compile_handlers(const struct cc_options *opt, const char *inc, const char *out, char **objs)
{
	const char **argv = NULL;
	int argc, i, status = 0;

	for (i = 0; i < opt->ninput; i++) {
		objs[i] = NULL;
		if (access(opt->inputs[i], R_OK) != 0)
			fatal("cannot read %s: %s", opt->inputs[i], strerror(errno));
	}
	for (i = 0; i < opt->ninput && status == 0; i++) {
		if (!ends_with(opt->inputs[i], ".c"))
			continue;
		objs[i] = temp_file(".o");
		argc = 0;
		common_args(&argv, &argc, opt, inc);
		/* Handlers are C11 with POSIX: nanosleep, getenv, ... */
		add_arg(&argv, &argc, "-D_POSIX_C_SOURCE=200809L");
		add_arg(&argv, &argc, "-c");
		add_arg(&argv, &argc, "-o");
		add_arg(&argv, &argc, objs[i]);
		add_arg(&argv, &argc, opt->inputs[i]);
		status = run_cc(argv, opt, opt->inputs[i], out);
	}
	free((void *)argv);
	return status;
}

static void
remove_objects(const struct cc_options *opt, char **objs)
{
	int i;

	for (i = 0; i < opt->ninput; i++)
		if (objs[i])
			unlink(objs[i]);
	free(objs);
}

int
cc_build(const char *c_file, const char *out, const struct cc_options *opt)
{
	const char **argv = NULL, *inc, *lib;
	char **objs;
	int argc = 0, i, status;

	lib = cc_runtime(&inc);

	/* Handler sources first, each on its own: their errors are theirs. */
	objs = xmalloc(((size_t)opt->ninput + 1) * sizeof *objs);
	status = compile_handlers(opt, inc, out, objs);
	if (status == 0) {
		argc = 0;
		common_args(&argv, &argc, opt, inc);
		add_arg(&argv, &argc, "-o");
		add_arg(&argv, &argc, out);
		add_arg(&argv, &argc, c_file);
		for (i = 0; i < opt->ninput; i++)
			add_arg(&argv, &argc, objs[i] ? objs[i] : opt->inputs[i]);
		/* -L and -l: the handlers' libraries, after the handlers. */
		for (i = 0; i < opt->nldargs; i++)
			add_arg(&argv, &argc, opt->ldargs[i]);
		add_arg(&argv, &argc, arena_printf("%s/libaslrt.a", lib));
		add_words(&argv, &argc, ASLC_JANSSON_LIBS);
		status = run_cc(argv, opt, NULL, out);
	}
	remove_objects(opt, objs);
	free((void *)argv);
	return status;
}

/*
** Make every global symbol of the object obj local but PREFIX_program and
** PREFIX_run (objcopy, or $OBJCOPY); tcc's objects also get the note that
** their stack need not be executable, which GNU ld otherwise warns about.
*/
int
cc_localize(const char *obj, const char *prefix, bool stack_note, const struct cc_options *opt)
{
	const char **argv = NULL, *tool = getenv("OBJCOPY");
	int argc = 0, status;

	add_words(&argv, &argc, tool && *tool ? tool : "objcopy");
	add_arg(&argv, &argc, arena_printf("--keep-global-symbol=%s_program", prefix));
	add_arg(&argv, &argc, arena_printf("--keep-global-symbol=%s_run", prefix));
	if (stack_note) {
		add_arg(&argv, &argc, "--add-section");
		add_arg(&argv, &argc, ".note.GNU-stack=/dev/null");
		add_arg(&argv, &argc, "--set-section-flags");
		add_arg(&argv, &argc, ".note.GNU-stack=contents,readonly");
	}
	add_arg(&argv, &argc, obj);
	what_tool = arena_printf("'%s'", argv[0]);
	status = run_cc(argv, opt, obj, obj);
	what_tool = NULL;
	free((void *)argv);
	/* Half made, the object would export what it must not: no object. */
	if (status != 0)
		unlink(obj);
	return status;
}

int
cc_object(const char *input, bool is_c, const char *out, const char *prefix,
	  const struct cc_options *opt)
{
	const char **argv = NULL, *inc, *gen = input;
	char **objs;
	int argc = 0, i, status = 0;

	cc_runtime(&inc);
	objs = xmalloc(((size_t)opt->ninput + 1) * sizeof *objs);
	status = compile_handlers(opt, inc, out, objs);
	if (status == 0 && is_c) {
		/* Alone, the generated C compiles straight to the output. */
		gen = opt->ninput ? temp_file(".o") : out;
		common_args(&argv, &argc, opt, inc);
		add_arg(&argv, &argc, "-c");
		add_arg(&argv, &argc, "-o");
		add_arg(&argv, &argc, gen);
		add_arg(&argv, &argc, input);
		status = run_cc(argv, opt, NULL, out);
	}
	if (status == 0 && opt->ninput) {
		/* One relocatable object: the workflow and its handlers. */
		argc = 0;
		cc_command(&argv, &argc, opt);
		add_arg(&argv, &argc, "-r");
		add_arg(&argv, &argc, "-nostdlib");
		add_arg(&argv, &argc, "-o");
		add_arg(&argv, &argc, out);
		add_arg(&argv, &argc, gen);
		for (i = 0; i < opt->ninput; i++)
			add_arg(&argv, &argc, objs[i] ? objs[i] : opt->inputs[i]);
		status = run_cc(argv, opt, NULL, out);
		if (status == 0)
			status = cc_localize(out, prefix, false, opt);
		else
			unlink(out);
	}
	if (gen != input && gen != out)
		unlink(gen);
	remove_objects(opt, objs);
	free((void *)argv);
	return status;
}

int
cc_depends(const struct cc_options *opt, bool system, struct strbuf *deps)
{
	const char **argv = NULL, *inc;
	int argc, i, status = 0;

	cc_runtime_dir(&inc);
	for (i = 0; i < opt->ninput && status == 0; i++) {
		char *d, *p, *text;
		size_t n;

		if (!ends_with(opt->inputs[i], ".c"))
			continue;
		d = temp_file(".d");
		argc = 0;
		common_args(&argv, &argc, opt, inc ? inc : ".");
		add_arg(&argv, &argc, "-D_POSIX_C_SOURCE=200809L");
		add_arg(&argv, &argc, system ? "-M" : "-MM");
		add_arg(&argv, &argc, "-MF");
		add_arg(&argv, &argc, d);
		add_arg(&argv, &argc, "-MT");
		add_arg(&argv, &argc, "x");
		add_arg(&argv, &argc, opt->inputs[i]);
		status = run_cc(argv, opt, opt->inputs[i], NULL);
		text = status == 0 ? read_file(d, &n) : NULL;
		unlink(d);
		if (!text)
			continue;
		/* "x: a.c b.h \<newline> c.h": the words after the colon. */
		for (p = text; *p; p++)
			if (p[0] == '\\' && p[1] == '\n')
				p[0] = p[1] = ' ';
		p = strchr(text, ':');
		if (p) {
			p++;
			for (;;) {
				size_t k;

				p += strspn(p, " \t\n");
				if (!*p)
					break;
				/* A word; "\ " is a space inside it. */
				for (k = 0; p[k] && !strchr(" \t\n", p[k]); k++)
					if (p[k] == '\\' && p[k + 1])
						k++;
				sb_putn(deps, p, k);
				sb_putc(deps, '\n');
				p += k;
			}
		}
		free(text);
	}
	free((void *)argv);
	return status;
}
