/*
** fuzz_compile.c - a libFuzzer target: arbitrary bytes through the
** compiler's passes.
**
** Each input is a definition. It goes through everything `aslc -S` does:
** load (jansson), parse, check, lower and the C emitter, then the drawings
** of aslc graph (DOT and Mermaid); the output is thrown away and no C
** compiler runs. Crashes, sanitizer reports, leaks and
** exits (fatal, die) are what the fuzzer looks for.
**
** The passes keep state between calls that a single aslc run never has to
** clear: diag.c's counts, source and location table (diag_reset) and the
** arena (arena_free). Both are reset after each input.
**
** Diagnostics would cost most of the time in writes to stderr, so the
** stdio stream stderr goes to /dev/null, fully buffered (glibc lets a
** program assign stderr). File descriptor 2 stays open: libFuzzer and the
** sanitizers write their reports there. Set ASLC_FUZZ_VERBOSE=1 to see
** the diagnostics, e.g. when reproducing one input.
**
**	make fuzz && build-fuzz/fuzz_compile crash-...
*/
#include "aslc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input's file name: its extension chooses JSON or YAML. */
#ifndef FUZZ_FILE
#define FUZZ_FILE "fuzz.asl.json"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("/dev/null");
		abort();
	}
	setvbuf(devnull, NULL, _IOFBF, 1 << 16);
	if (!getenv("ASLC_FUZZ_VERBOSE")) {
		FILE *quiet = fopen("/dev/null", "w");

		if (quiet) {
			setvbuf(quiet, NULL, _IOFBF, 1 << 16);
			stderr = quiet;
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emit_options eo = { false, true, false, "fuzz.c" };
	struct program *prog = NULL;
	json_t *root;
	char *src;

	/* load_text wants the text NUL-terminated, as read_file leaves it. */
	src = xmalloc(size + 1);
	memcpy(src, data, size);
	src[size] = '\0';
	root = load_text(FUZZ_FILE, src, size);
	if (!root)
		goto out;
	prog = parse_program(root, FUZZ_FILE, "fuzz");
	json_decref(root);
	check_program(prog);
	if (diag_errors())
		goto out;
	lower_program(prog);
	diag_summary();
	emitc_program(prog, &eo, devnull);
	/* aslc graph: every name goes through both escapers. */
	graph_write(prog, GRAPH_DOT, NULL, devnull);
	graph_write(prog, GRAPH_MERMAID, NULL, devnull);
	fflush(devnull);
out:
	parse_free(prog);
	diag_reset();
	arena_free();
	free(src);
	return 0;
}
