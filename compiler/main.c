/*
** main.c - the aslc command line and the pass list.
**
**	aslc order.asl.json -o order	compile to an executable
**	aslc -S order.asl.json		write the generated C (order.c)
**	aslc --check order.asl.json	diagnostics only
**	aslc run order.asl.json -- --input in.json
**					compile in memory with libtcc and run
**	aslc graph order.asl.json --format=svg -o order.svg
**					draw the machine (graph.c)
**
** Passes run in one place, in order: load, parse, check, lower, emit,
** cc (cc.c; tcc.c for --backend=tcc and aslc run; emit_llvm.c, which builds
** LLVM IR in place of C, for --backend=llvm and --emit-llvm). The
** compiler stops after any pass that reported errors. Exit
** status: 0 success, 1 errors in the definition, 2 bad usage or a failure
** of the environment (a file, the C compiler).
*/
#include "aslc.h"
#include "aslrt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
usage(FILE *f)
{
	fputs(
"usage: aslc [options] FILE.asl.json [HANDLERS.c ...]\n"
"       aslc -c [--prefix NAME] [--header FILE.h] FILE.asl.json [HANDLERS.c ...]\n"
"       aslc run [options] FILE.asl.json [HANDLERS.c ...] [-- PROGRAM-OPTIONS]\n"
"       aslc graph FILE.asl.json [--format=dot|mermaid|svg] [-o OUT]\n"
"                  [--history HISTORY.jsonl]\n"
"Compile an Amazon States Language state machine to a native executable.\n"
"A definition named *.yaml or *.yml is read as YAML.\n"
"C files (.c, .o, .a) after the definition hold Task handlers compiled\n"
"in, in a table ASL_HANDLERS(...) (see aslrt.h).\n"
"aslc run compiles in memory with libtcc and runs the program at once, as\n"
"the executable would run with PROGRAM-OPTIONS; it exits with its status.\n"
"aslc graph draws the machine (default DOT, on stdout; svg runs Graphviz's\n"
"dot), with an execution's history (JSON lines of HistoryEvents) laid over.\n"
"\n"
"  -o FILE        write the output to FILE (default: the definition's name\n"
"                 without .asl.json (.asl.yaml), with .c for -S, .o for -c)\n"
"  -S             write the generated C instead of an executable\n"
"  -c             compile to an object to link into a C program: it exports\n"
"                 PREFIX_program and PREFIX_run(input, options, result)\n"
"                 (aslrt.h, asl_execute), and nothing else\n"
"  --prefix NAME  with -c: the exported names' prefix (default: the file's\n"
"                 name, with _ for what C refuses: order-routing_run)\n"
"  --header FILE  with -c: write a header declaring the object's symbols\n"
"  -MD, -MMD      write a make rule of what the output depends on (the\n"
"                 definition, the handler files, their headers; -MMD leaves\n"
"                 system headers out) to OUT.d, as gcc does\n"
"  -MF FILE       ... to FILE instead\n"
"  -MT TARGET     ... with TARGET as the rule's target (default: the output)\n"
"  -MP            ... and an empty rule for each prerequisite\n"
"  -I DIR, -D NAME[=VALUE]\n"
"                 passed to the C compiler for the handler files\n"
"  -L DIR, -l LIB passed to the link, after the handler files\n"
"  --check        check the definition only; report every problem\n"
"  --name NAME    the state machine name in ARNs and $$ (default: the file's)\n"
"  -O0 -O1 -O2 -O3 -Os\n"
"                 optimisation level for the C compiler (default -O2)\n"
"  -g             debug information; #line directives map the executable\n"
"                 back to lines of the definition, and the C is kept as\n"
"                 OUT.aslc.c\n"
"  --cc CMD       the C compiler (default $CC, else cc)\n"
"  --backend=cc|tcc|llvm\n"
"                 cc (default): write the C and run the C compiler;\n"
"                 tcc: compile in memory with libtcc, much faster, slower code;\n"
"                 llvm: build LLVM IR with LLVM-C and emit an object, no C\n"
"  --emit-llvm    write the LLVM IR (.ll) instead of an executable\n"
"  -Wname, -Wno-name, -Werror, -Werror=name, -Wno-error=name, -Wall, -Wextra\n"
"                 warnings (docs/usage.md lists them): unmatched-error,\n"
"                 intrinsic, unassigned-variable, catch-drops-input,\n"
"                 retry-all-default; with -Wextra also task-no-timeout\n"
"  --diagnostics-format=text|json\n"
"                 json: one JSON document of every diagnostic on stderr\n"
"  -fdiagnostics-show-caret, -fno-diagnostics-show-caret\n"
"                 the source line and a caret under each diagnostic\n"
"                 (default: when stderr is a terminal)\n"
"  -fdiagnostics-color[=auto|always|never]\n"
"                 colour (default auto: a terminal, and NO_COLOR unset)\n"
"  --no-version   leave the aslc version out of generated C\n"
"  -d             print the IR on stderr\n"
"  -v             print the C compiler command\n"
"  --help         this text\n"
"  --version      the versions of aslc and of its runtime library\n"
"\n"
"Environment: CC (the C compiler), ASLC_CFLAGS (more flags for it), OBJCOPY\n"
"(for -c with handler files), TMPDIR, ASLC_RUNTIME_DIR and ASLC_INCLUDE_DIR\n"
"(where libaslrt.a and aslrt.h are), ASLC_TCC_DIR, NO_COLOR.\n"
"\n"
"Exit status: 0 success, 1 errors in the definition, 2 usage or system error.\n",
	      f);
}

/*
** The definition's base name without .asl.json, .json or .asl (or their
** YAML forms): the default machine name and output file.
*/
static const char *
default_name(const char *file)
{
	const char *base = strrchr(file, '/');
	static const char *const suffixes[] = {
		".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml", ".asl"
	};
	size_t n, i;

	base = base ? base + 1 : file;
	n = strlen(base);
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(base + n - k, suffixes[i]) == 0) {
			n -= k;
			break;
		}
	}
	if (strcmp(file, "-") == 0 || n == 0)
		return "stdin";
	return arena_strndup(base, n);
}

struct options {
	const char *file;
	const char *out;
	const char *name;
	bool emit_c, check, dump, no_version;
	enum { BACKEND_CC, BACKEND_TCC, BACKEND_LLVM } backend;
	bool emit_llvm;		/* --emit-llvm */
	bool run;		/* aslc run */
	bool graph;		/* aslc graph */
	enum { FORMAT_DOT, FORMAT_MERMAID, FORMAT_SVG } format;	/* aslc graph */
	const char *history;	/* aslc graph --history */
	int nrun;		/* the program's options, after -- */
	char **run_args;
	bool object;		/* -c */
	const char *prefix;	/* --prefix, or NULL: from the file's name */
	const char *header;	/* --header FILE */
	bool deps, deps_system, deps_phony;	/* -MD (-MMD: no system headers), -MP */
	const char *dep_file;	/* -MF */
	const char **dep_targets;	/* -MT, in order */
	int ndep_target;
	struct cc_options cc;
};

/* Append a to the list *v of *n strings. */
static void
push(const char ***v, int *n, const char *a)
{
	*v = xrealloc((void *)*v, (size_t)(*n + 1) * sizeof **v);
	(*v)[(*n)++] = a;
}

/*
** The value of option name at argv[*i]: attached (-Idir, --prefix=P) or
** the next argument. NULL if argv[*i] is not that option; a usage error
** if its value is missing.
*/
static const char *
value_of(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '\0') {
		if (*i + 1 >= argc) {
			fprintf(stderr, "aslc: %s needs an argument\n", a);
			exit(2);
		}
		return argv[++*i];
	}
	if (name[1] == '-') {	/* --long=value */
		if (a[n] != '=')
			return NULL;
		return a + n + 1;
	}
	return a + n;
}

/* Is s a C identifier that is not the runtime's (asl_, aslp_ ...)? */
static bool
valid_prefix(const char *s)
{
	const char *p;

	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (p = s; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return strncmp(s, "asl", 3) != 0 || !(s[3] == '\0' || s[3] == '_' ||
					     ((s[3] == 'p' || s[3] == 'g' || s[3] == 'h') &&
					      (s[4] == '\0' || s[4] == '_')));
}

/* The default --prefix: the file's base name with _ for what C refuses. */
static const char *
prefix_of(const char *base)
{
	char *p = arena_printf("%s%s", *base >= '0' && *base <= '9' ? "_" : "", base);
	char *q;

	for (q = p; *q; q++)
		if (!(*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		      (*q >= '0' && *q <= '9')))
			*q = '_';
	return p;
}

/* A file for the C compiler rather than a definition: handlers. */
static bool
is_c_input(const char *a)
{
	size_t n = strlen(a);

	return n > 2 && a[n - 2] == '.' && (a[n - 1] == 'c' || a[n - 1] == 'o' || a[n - 1] == 'a');
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "run") == 0) {
		o->run = true;
		o->backend = BACKEND_TCC;
		i = 2;
	} else if (argc > 1 && strcmp(argv[1], "graph") == 0) {
		o->graph = true;
		i = 2;
	}
	for (; i < argc; i++) {
		const char *a = argv[i], *v;

		if (o->run && strcmp(a, "--") == 0) {
			o->run_args = argv + i + 1;
			o->nrun = argc - i - 1;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--version") == 0) {
			printf("aslc %s (runtime libaslrt %s, ABI %d)\n", ASLC_VERSION, ASLRT_VERSION,
			       ASLRT_ABI);
			exit(0);
		} else if (strcmp(a, "-c") == 0) {
			o->object = true;
		} else if ((v = value_of("--prefix", argc, argv, &i))) {
			o->prefix = v;
		} else if ((v = value_of("--header", argc, argv, &i))) {
			o->header = v;
		} else if (strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0) {
			o->deps = true;
			o->deps_system = a[2] == 'D';
		} else if (strcmp(a, "-MP") == 0) {
			o->deps_phony = true;
		} else if ((v = value_of("-MF", argc, argv, &i))) {
			o->dep_file = v;
		} else if ((v = value_of("-MT", argc, argv, &i))) {
			push(&o->dep_targets, &o->ndep_target, v);
		} else if ((v = value_of("-I", argc, argv, &i))) {
			push(&o->cc.extra, &o->cc.nextra, arena_printf("-I%s", v));
		} else if ((v = value_of("-D", argc, argv, &i))) {
			push(&o->cc.extra, &o->cc.nextra, arena_printf("-D%s", v));
		} else if ((v = value_of("-L", argc, argv, &i))) {
			push(&o->cc.ldargs, &o->cc.nldargs, arena_printf("-L%s", v));
		} else if ((v = value_of("-l", argc, argv, &i))) {
			push(&o->cc.ldargs, &o->cc.nldargs, arena_printf("-l%s", v));
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--name") == 0 ||
			   strcmp(a, "--cc") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "aslc: %s needs an argument\n", a);
				return 2;
			}
			if (a[1] == 'o')
				o->out = argv[++i];
			else if (a[2] == 'n')
				o->name = argv[++i];
			else
				o->cc.cc = argv[++i];
		} else if (strncmp(a, "-o", 2) == 0) {
			o->out = a + 2;
		} else if (o->graph && strncmp(a, "--format=", 9) == 0) {
			if (strcmp(a + 9, "dot") == 0) {
				o->format = FORMAT_DOT;
			} else if (strcmp(a + 9, "mermaid") == 0) {
				o->format = FORMAT_MERMAID;
			} else if (strcmp(a + 9, "svg") == 0) {
				o->format = FORMAT_SVG;
			} else {
				fprintf(stderr, "aslc: unknown graph format %s (dot, mermaid or svg)\n",
					a + 9);
				return 2;
			}
		} else if (o->graph && strcmp(a, "--history") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "aslc: %s needs an argument\n", a);
				return 2;
			}
			o->history = argv[++i];
		} else if (o->graph && strncmp(a, "--history=", 10) == 0) {
			o->history = a + 10;
		} else if (strncmp(a, "--backend=", 10) == 0) {
			if (strcmp(a + 10, "tcc") == 0) {
				o->backend = BACKEND_TCC;
			} else if (strcmp(a + 10, "cc") == 0 && !o->run) {
				o->backend = BACKEND_CC;
			} else if (strcmp(a + 10, "llvm") == 0 && !o->run) {
				o->backend = BACKEND_LLVM;
			} else {
				fprintf(stderr, "aslc: unknown backend %s%s (cc, tcc or llvm)\n", a + 10,
					o->run ? " for aslc run, which needs tcc" : "");
				return 2;
			}
		} else if (strcmp(a, "--emit-llvm") == 0) {
			o->emit_llvm = true;
		} else if (strcmp(a, "-S") == 0) {
			o->emit_c = true;
		} else if (strcmp(a, "--check") == 0) {
			o->check = true;
		} else if (strcmp(a, "-d") == 0) {
			o->dump = true;
		} else if (strcmp(a, "-g") == 0) {
			o->cc.debug = true;
		} else if (strcmp(a, "-v") == 0) {
			o->cc.verbose = true;
		} else if (strcmp(a, "--no-version") == 0) {
			o->no_version = true;
		} else if (strcmp(a, "-O0") == 0 || strcmp(a, "-O1") == 0 ||
			   strcmp(a, "-O2") == 0 || strcmp(a, "-O3") == 0 ||
			   strcmp(a, "-Os") == 0 || strcmp(a, "-O") == 0) {
			o->cc.opt = a;
		} else if (diag_look(a)) {
			/* the look of diagnostics */
		} else if (strncmp(a, "-W", 2) == 0) {
			if (!diag_option(a + 2)) {
				fprintf(stderr, "aslc: unknown warning option %s\n", a);
				return 2;
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "aslc: unknown option %s (try --help)\n", a);
			return 2;
		} else if (is_c_input(a)) {
			push(&o->cc.inputs, &o->cc.ninput, a);
		} else if (o->file) {
			fprintf(stderr, "aslc: one definition at a time: %s and %s\n", o->file, a);
			return 2;
		} else {
			o->file = a;
		}
	}
	if (!o->file) {
		fprintf(stderr, "aslc: no definition given (try --help)\n");
		return 2;
	}
	if (o->run && (o->out || o->emit_c || o->check || o->emit_llvm)) {
		fprintf(stderr, "aslc: aslc run writes no file: -o, -S, --emit-llvm and --check "
			"do not apply\n");
		return 2;
	}
	if (o->graph && (o->emit_c || o->check || o->emit_llvm || o->cc.ninput ||
			 o->backend != BACKEND_CC || o->cc.debug)) {
		fprintf(stderr, "aslc: aslc graph draws the definition: -S, --check, -g, "
			"--emit-llvm, --backend and handler files do not apply\n");
		return 2;
	}
	if ((o->run || o->graph || o->check) && (o->object || o->header || o->prefix || o->deps)) {
		fprintf(stderr, "aslc: -c, --header, --prefix and -MD write files of a build: "
			"they do not apply to %s\n", o->run ? "aslc run" : o->graph ? "aslc graph" :
			"--check");
		return 2;
	}
	if ((o->header || o->prefix) && !o->object) {
		fprintf(stderr, "aslc: %s goes with -c: it names what the object exports\n",
			o->header ? "--header" : "--prefix");
		return 2;
	}
	if (o->prefix && !valid_prefix(o->prefix)) {
		fprintf(stderr, "aslc: --prefix %s: a prefix is a C identifier, and asl, aslp, "
			"aslg and aslh (with _ after them) are the runtime's\n", o->prefix);
		return 2;
	}
	if (o->object && o->cc.nldargs) {
		fprintf(stderr, "aslc: -L and -l go to a link, and -c makes an object: link "
			"those libraries with the program\n");
		return 2;
	}
	if ((o->dep_file || o->ndep_target || o->deps_phony) && !o->deps) {
		fprintf(stderr, "aslc: -MF, -MT and -MP go with -MD or -MMD\n");
		return 2;
	}
	if (o->emit_c && o->emit_llvm) {
		fprintf(stderr, "aslc: -S writes C and --emit-llvm LLVM IR: choose one\n");
		return 2;
	}
	if (o->emit_llvm)
		o->backend = BACKEND_LLVM;
	if (o->backend == BACKEND_LLVM && o->cc.debug) {
		fprintf(stderr, "aslc: -g is not supported by the llvm backend (no debug "
			"information yet); use --backend=cc or tcc\n");
		return 2;
	}
	if (o->backend == BACKEND_LLVM && !llvm_available()) {
		fprintf(stderr, "aslc: the llvm backend is not available: this aslc was built "
			"without LLVM (install llvm-15-dev, e.g. with `make deps`, and rebuild)\n");
		return 2;
	}
	return 0;
}

/* The emitter's options for the C written as c_name (for #line). */
static struct emit_options
emit_options_of(const struct options *o, const char *c_name)
{
	struct emit_options eo;

	memset(&eo, 0, sizeof eo);
	eo.line_directives = o->cc.debug;
	eo.no_version = o->no_version;
	eo.handlers = o->cc.ninput > 0;
	eo.c_name = c_name;
	eo.prefix = o->prefix;
	return eo;
}

/* The C in memory, for libtcc; c_name names it in #line. */
static char *
c_text(const struct program *prog, const struct options *o, const char *c_name)
{
	struct emit_options eo = emit_options_of(o, c_name);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		fatal("out of memory");
	emitc_program(prog, &eo, f);
	if (fclose(f) != 0)
		fatal("out of memory");
	return text;
}

/* Write the C to path (or stdout for "-"). */
static void
write_c(const struct program *prog, const struct options *o, const char *path)
{
	struct emit_options eo = emit_options_of(o, path);
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");

	if (!f)
		fatal("cannot create %s: %s", path, strerror(errno));
	emitc_program(prog, &eo, f);
	if (fflush(f) != 0 || ferror(f))
		fatal("cannot write %s: %s", path, strerror(errno));
	if (f != stdout)
		fclose(f);
}

/*
** --header: the declarations of -c's object. An unchanged header is not
** written again, so that make does not recompile what includes it.
*/
static void
write_header(const struct program *prog, const struct options *o)
{
	struct emit_options eo;
	char *text = NULL, *old;
	size_t len = 0, n;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		fatal("out of memory");
	eo = emit_options_of(o, o->header);
	emitc_header(prog, &eo, f);
	if (fclose(f) != 0)
		fatal("out of memory");
	if (strcmp(o->header, "-") != 0 && access(o->header, R_OK) == 0) {
		old = read_file(o->header, &n);
		if (n == len && memcmp(old, text, len) == 0) {
			free(old);
			free(text);
			return;
		}
		free(old);
	}
	f = strcmp(o->header, "-") == 0 ? stdout : fopen(o->header, "w");
	if (!f)
		fatal("cannot create %s: %s", o->header, strerror(errno));
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0 || ferror(f))
		fatal("cannot write %s: %s", o->header, strerror(errno));
	if (f != stdout)
		fclose(f);
	free(text);
}

/* A file name as make reads it: blanks, $ and # escaped. */
static void
make_quote(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '#')
			sb_putc(b, '\\');
		else if (*s == '$')
			sb_putc(b, '$');
		sb_putc(b, *s);
	}
}

/*
** -MD: a make rule, as gcc writes one, saying that the outputs depend on
** the definition, the handler files and the headers those include; with
** -MP, an empty rule for each of them, so that make does not stop when
** one is deleted. Written to -MF, else the output with .d for its suffix.
*/
static void
write_deps(const struct options *o, const char *out)
{
	struct strbuf rule = { 0 }, extra = { 0 };
	const char *file = o->dep_file, *slash, *dot, *p, **prereq = NULL;
	size_t col;
	int i, nprereq = 0;
	FILE *f;

	if (!file) {
		const char *base = strcmp(out, "-") == 0 ? default_name(o->file) : out;

		slash = strrchr(base, '/');
		dot = strrchr(slash ? slash : base, '.');
		file = dot && dot != (slash ? slash + 1 : base) ?
			arena_printf("%.*s.d", (int)(dot - base), base) : arena_printf("%s.d", base);
	}
	if (o->ndep_target) {
		for (i = 0; i < o->ndep_target; i++)
			sb_printf(&rule, "%s%s", i ? " " : "", o->dep_targets[i]);
	} else {
		make_quote(&rule, out);
	}
	sb_putc(&rule, ':');
	/* The definition, the handler files, then their headers. */
	sb_putc(&extra, '\n');
	make_quote(&extra, o->file);
	sb_putc(&extra, '\n');
	for (i = 0; i < o->cc.ninput; i++) {
		make_quote(&extra, o->cc.inputs[i]);
		sb_putc(&extra, '\n');
	}
	if (cc_depends(&o->cc, o->deps_system, &extra) != 0)
		exit(2);
	/* Each prerequisite once: the handlers' headers repeat. */
	for (p = extra.s + 1; *p; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "\n");

		for (i = 0; i < nprereq; i++)
			if (strlen(prereq[i]) == n && strncmp(prereq[i], p, n) == 0)
				break;
		if (i == nprereq)
			push(&prereq, &nprereq, arena_strndup(p, n));
	}
	col = rule.len;
	for (i = 0; i < nprereq; i++) {
		size_t n = strlen(prereq[i]);

		if (col + n + 1 > 78) {
			sb_puts(&rule, " \\\n ");
			col = 1;
		}
		sb_putc(&rule, ' ');
		sb_puts(&rule, prereq[i]);
		col += n + 1;
	}
	sb_putc(&rule, '\n');
	/* -MP: each prerequisite but the definition, as gcc's does. */
	for (i = 1; o->deps_phony && i < nprereq; i++)
		sb_printf(&rule, "\n%s:\n", prereq[i]);
	f = fopen(file, "w");
	if (!f || fwrite(rule.s, 1, rule.len, f) != rule.len || fclose(f) != 0)
		fatal("cannot write %s: %s", file, strerror(errno));
	sb_free(&rule);
	sb_free(&extra);
	free((void *)prereq);
}

/* The temporary C file of a build, removed however aslc exits. */
static char temp_c[4096];

static void
remove_temp(void)
{
	if (*temp_c)
		unlink(temp_c);
}

static bool
valid_utf8(const char *s)
{
	json_t *j = json_string(s);	/* jansson checks the encoding */

	json_decref(j);
	return j != NULL;
}

/* Refuse an output that would replace the definition itself. */
static void
check_output(const char *in, const char *out)
{
	struct stat a, b;

	if (strcmp(out, "-") != 0 && stat(in, &a) == 0 && stat(out, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		fatal("the output %s is the definition itself; choose another with -o", out);
	if (stat(out, &b) == 0 && S_ISDIR(b.st_mode))
		fatal("the output %s is a directory", out);
	if (strcmp(out, "-") != 0) {
		const char *slash = strrchr(out, '/');
		const char *dir = slash ? (slash == out ? "/" : arena_strndup(out, (size_t)(slash - out))) : ".";

		if (access(dir, W_OK) != 0)
			fatal("cannot write %s: %s", out, strerror(errno));
	}
}

/* The first executable file named name in a directory of $PATH, or NULL. */
static const char *
find_program(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	for (p = path ? path : ""; *p; p = *end ? end + 1 : end) {
		const char *dir, *file;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		dir = end == p ? "." : arena_strndup(p, (size_t)(end - p));
		file = arena_printf("%s/%s", dir, name);
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode) && access(file, X_OK) == 0)
			return file;
	}
	return NULL;
}

/*
** --format=svg: the DOT through Graphviz's dot, which writes the SVG to out
** (opened here, so that the messages about it are aslc's).
*/
static int
draw_svg(const struct program *prog, const struct history *h, const char *out)
{
	const char *dot = find_program("dot");
	int fds[2], fd = 1, st;
	pid_t pid;
	FILE *f;

	if (!dot)
		fatal("--format=svg needs Graphviz, and its dot is not on PATH: install it "
		      "(apt-get install graphviz), or write --format=dot and render that");
	if (strcmp(out, "-") != 0 && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0)
		fatal("cannot create %s: %s", out, strerror(errno));
	if (pipe(fds) != 0)
		fatal("cannot make a pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fatal("cannot run %s: %s", dot, strerror(errno));
	if (pid == 0) {
		dup2(fds[0], 0);
		dup2(fd, 1);
		close(fds[0]);
		close(fds[1]);
		execl(dot, "dot", "-Tsvg", (char *)NULL);
		fprintf(stderr, "aslc: cannot run %s: %s\n", dot, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	if (fd != 1)
		close(fd);
	/* If dot dies early, its exit status tells; not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	f = fdopen(fds[1], "w");
	if (!f)
		fatal("cannot write to %s: %s", dot, strerror(errno));
	graph_write(prog, GRAPH_DOT, h, f);
	fclose(f);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fatal("cannot wait for %s: %s", dot, strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fatal("Graphviz's dot failed (%s %d)", WIFEXITED(st) ? "exit status" : "signal",
		      WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

/* aslc graph: DOT or Mermaid to -o (default stdout), or SVG. */
static int
draw(const struct program *prog, const struct options *o)
{
	const struct history *h = o->history ? history_read(o->history) : NULL;
	const char *out = o->out ? o->out : "-";
	FILE *f;

	check_output(o->file, out);
	if (o->format == FORMAT_SVG)
		return draw_svg(prog, h, out);
	f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	if (!f)
		fatal("cannot create %s: %s", out, strerror(errno));
	graph_write(prog, o->format == FORMAT_MERMAID ? GRAPH_MERMAID : GRAPH_DOT, h, f);
	if (fflush(f) != 0 || ferror(f))
		fatal("cannot write %s: %s", out, strerror(errno));
	if (f != stdout)
		fclose(f);
	return 0;
}

/*
** The C of prog in a file for the C compiler: under -g kept as
** OUT.aslc.c, which a debugger shows where no #line points at the
** definition; else in the temporary temp_c, which drop_c removes.
*/
static const char *
c_file(const struct program *prog, const struct options *o, const char *out)
{
	int fd;

	if (o->cc.debug) {
		const char *c = arena_printf("%s.aslc.c", out);

		write_c(prog, o, c);
		return c;
	}
	temp_template(temp_c, sizeof temp_c, ".c");
	fd = mkstemps(temp_c, 2);
	if (fd < 0)
		fatal("cannot create a temporary file: %s", strerror(errno));
	close(fd);
	write_c(prog, o, temp_c);
	return temp_c;
}

static void
drop_c(void)
{
	remove_temp();
	*temp_c = '\0';
}

/* -c: the object out, with whichever backend. */
static int
build_object(const struct program *prog, const struct options *o, const char *out)
{
	int status;

	if (o->backend == BACKEND_LLVM) {
		struct llvm_options lo = { .handlers = o->cc.ninput > 0 };

		lo.prefix = o->prefix;
		return llvm_build(prog, &lo, out, &o->cc) != 0 ? 2 : 0;
	}
	if (o->backend == BACKEND_TCC) {
		char *code = c_text(prog, o, arena_printf("%s.aslc.c", out));

		if (o->cc.debug)
			write_c(prog, o, arena_printf("%s.aslc.c", out));
		status = ltcc_object(code, out, o->prefix, &o->cc) != 0 ? 2 : 0;
		free(code);
		return status;
	}
	status = cc_object(c_file(prog, o, out), true, out, o->prefix, &o->cc) != 0 ? 2 : 0;
	drop_c();
	return status;
}

static int
compile(struct options *o)
{
	json_t *root;
	char *src = NULL;
	size_t len;
	struct program *prog = NULL;
	const char *name, *base = default_name(o->file), *out = NULL;
	int status = 0;

	name = o->name ? o->name : base;
	if (o->object && !o->prefix)
		o->prefix = prefix_of(base);
	if (!*name || !valid_utf8(name))
		fatal("the state machine name must be non-empty UTF-8 text; use --name");
	root = load_definition(o->file, &src, &len);
	if (!root)
		goto errors;
	prog = parse_program(root, o->file, name);
	json_decref(root);
	check_program(prog);
	if (diag_errors())
		goto errors;
	lower_program(prog);
	if (o->dump)
		lower_print(prog, stderr);
	diag_summary();
	if (o->graph) {
		status = draw(prog, o);
		goto done;
	}
	if (o->check)
		goto done;
	if (o->run) {
		char *code = c_text(prog, o, arena_printf("%s.c", base));
		char **argv = xmalloc(((size_t)o->nrun + 2) * sizeof *argv);

		argv[0] = (char *)base;
		if (o->nrun)
			memcpy(argv + 1, o->run_args, (size_t)o->nrun * sizeof *argv);
		argv[o->nrun + 1] = NULL;
		if (ltcc_run(code, o->nrun + 1, argv, &o->cc, &status) != 0)
			status = 2;
		free(argv);
		free(code);
	} else if (o->emit_c) {
		out = o->out ? o->out : arena_printf("%s.c", base);
		check_output(o->file, out);
		write_c(prog, o, out);
	} else if (o->emit_llvm) {
		struct llvm_options lo = { .handlers = o->cc.ninput > 0 };

		lo.ll = out = o->out ? o->out : arena_printf("%s.ll", base);
		lo.prefix = o->prefix;
		check_output(o->file, out);
		if (llvm_build(prog, &lo, NULL, &o->cc) != 0)
			status = 2;
	} else if (o->object) {
		out = o->out ? o->out : arena_printf("%s.o", base);
		if (strcmp(out, "-") == 0)
			fatal("an object cannot be written to stdout; use -S for C");
		check_output(o->file, out);
		status = build_object(prog, o, out);
	} else {
		struct stat st;

		out = o->out ? o->out : base;
		if (strcmp(out, "-") == 0)
			fatal("an executable cannot be written to stdout; use -S for C");
		/* The linker unlinks its output first: -o /dev/null would replace it. */
		if (stat(out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			fatal("the output %s is not a regular file; the linker would replace it", out);
		check_output(o->file, out);
		if (o->backend == BACKEND_LLVM) {
			struct llvm_options lo = { .handlers = o->cc.ninput > 0 };

			if (llvm_build(prog, &lo, out, &o->cc) != 0)
				status = 2;
		} else if (o->backend == BACKEND_TCC) {
			/* With -g the C is kept too, for the debugger, as with cc. */
			const char *c = arena_printf("%s.aslc.c", out);
			char *code = c_text(prog, o, c);

			if (o->cc.debug)
				write_c(prog, o, c);
			if (ltcc_build(code, out, &o->cc) != 0)
				status = 2;
			free(code);
		} else {
			if (cc_build(c_file(prog, o, out), out, &o->cc) != 0)
				status = 2;
			drop_c();
		}
	}
	if (status == 0 && out) {
		/* Neither may replace the definition. */
		if (o->header)
			check_output(o->file, o->header);
		if (o->deps && o->dep_file)
			check_output(o->file, o->dep_file);
		if (o->header)
			write_header(prog, o);
		if (o->deps)
			write_deps(o, out);
	}
done:
	parse_free(prog);
	free(src);
	return status;
errors:
	diag_summary();
	parse_free(prog);
	free(src);
	return 1;
}

int
main(int argc, char **argv)
{
	struct options o;
	int status;

	memset(&o, 0, sizeof o);
	atexit(remove_temp);
	status = parse_args(argc, argv, &o);
	if (status == 0)
		status = compile(&o);
	diag_free();
	arena_free();
	free((void *)o.cc.inputs);
	free((void *)o.cc.extra);
	free((void *)o.cc.ldargs);
	free((void *)o.dep_targets);
	return status;
}
