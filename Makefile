# aslc - an ahead-of-time compiler for the Amazon States Language.
#
#   make            build build/aslc and build/libaslrt.a
#   make demo       compile examples/hello and run it
#   make test       the whole test suite (SANITIZE=1: ASan+UBSan build,
#                   SANITIZE=thread: ThreadSanitizer build, VALGRIND=1:
#                   generated programs under valgrind)
#   make bench      aslc against the peer engines (docs/performance.md)
#   make bench-fanout    threads: Map, Parallel, CPU-bound handlers (bench/results.md)
#   make bench-backends  the cc, tcc and llvm backends compared (bench/backends.md)
#   make conformance  score against ../shared/conformance (AWS recordings)
#   make fuzz       the libFuzzer target build-fuzz/fuzz_compile (clang)
#   make fuzz-run   fuzz the compiler for FUZZ_TIME seconds (default 60)
#   make fuzz-yaml-run  the same with every input read as YAML
#   make fuzz-check the C of every fuzz input aslc accepts compiles cleanly
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages aslc needs (apt-get)
#
# Project flags live in ASLC_CFLAGS, apart from CFLAGS, so that
# `make CFLAGS=-O0` keeps every warning.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
CMAKEDIR ?= $(LIBDIR)/cmake/aslc

CC ?= cc
CFLAGS ?= -O2 -g
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lm -lpthread
# libyaml reads YAML definitions: the compiler needs it, generated programs
# and the runtime do not.
YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else ifeq ($(SANITIZE),thread)
BUILD ?= build-tsan
SAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS =
endif

ASLC_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude $(JANSSON_CFLAGS) $(SAN_FLAGS)

VERSION := $(shell sed -n 's/^\#define ASLRT_VERSION "\(.*\)"/\1/p' include/aslrt.h)

COMPILER_SRC = compiler/main.c compiler/util.c compiler/diag.c compiler/jsonloc.c \
	compiler/load.c compiler/path.c compiler/parse.c compiler/check.c \
	compiler/lower.c compiler/emit_c.c compiler/cc.c compiler/intrinsic.c \
	compiler/yaml.c compiler/tcc.c compiler/emit_llvm.c compiler/graph.c \
	compiler/jsonata.c compiler/jnlower.c
RUNTIME_SRC = runtime/value.c runtime/path.c runtime/template.c runtime/choice.c \
	runtime/timeparse.c runtime/exec.c runtime/task.c runtime/program.c \
	runtime/mock.c runtime/hash.c runtime/jackson.c runtime/intrinsic.c \
	runtime/fanout.c runtime/itemio.c runtime/history.c runtime/teststate.c \
	runtime/execute.c runtime/jsonata.c runtime/jneval.c runtime/jsregex.c runtime/jndatetime.c \
	runtime/main.c

COMPILER_OBJ = $(COMPILER_SRC:%.c=$(BUILD)/%.o)
RUNTIME_OBJ = $(RUNTIME_SRC:%.c=$(BUILD)/%.o)

all: $(BUILD)/aslc $(BUILD)/libaslrt.a

$(BUILD)/compiler/%.o: compiler/%.c compiler/aslc.h compiler/asl.def include/aslrt.h
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/compiler/jsonata.o $(BUILD)/compiler/jnlower.o $(BUILD)/compiler/parse.o: compiler/jsonata.h

# aslc passes the sanitizer flags and jansson's libraries on to the builds
# of generated programs.
$(BUILD)/compiler/cc.o: compiler/cc.c compiler/aslc.h compiler/asl.def include/aslrt.h
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(CFLAGS) -DASLC_RUNTIME_FLAGS='"$(SAN_FLAGS)"' \
		-DASLC_JANSSON_LIBS='"$(JANSSON_LIBS)"' -c -o $@ $<

# libtcc (Debian libtcc-dev: a static libtcc.a) for --backend=tcc and aslc run.
TCC_LIBS = -ltcc -ldl

$(BUILD)/compiler/tcc.o: compiler/tcc.c compiler/aslc.h compiler/asl.def include/aslrt.h
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(CFLAGS) -DASLC_RUNTIME_FLAGS='"$(SAN_FLAGS)"' -c -o $@ $<

# LLVM-C 15 for --backend=llvm, when llvm-config-15 is there (`make deps`
# installs llvm-15-dev); without it aslc builds and says the backend is
# unavailable. LLVM=0 builds without it even when it is installed.
LLVM_CONFIG ?= llvm-config-15
ifneq ($(LLVM),0)
LLVM_VERSION := $(shell $(LLVM_CONFIG) --version 2>/dev/null)
endif
ifneq ($(LLVM_VERSION),)
LLVM_CFLAGS := -DASLC_LLVM $(shell $(LLVM_CONFIG) --cppflags)
LLVM_LIBS := $(shell $(LLVM_CONFIG) --ldflags --libs core target native passes)
endif

$(BUILD)/compiler/emit_llvm.o: compiler/emit_llvm.c compiler/aslc.h compiler/asl.def include/aslrt.h \
		$(BUILD)/llvm-flags
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(LLVM_CFLAGS) $(CFLAGS) -c -o $@ $<

# Rebuild emit_llvm.o when LLVM appears or goes.
$(BUILD)/llvm-flags: FORCE
	@mkdir -p $(@D)
	@echo '$(LLVM_CFLAGS)' | cmp -s - $@ || echo '$(LLVM_CFLAGS)' > $@

FORCE:

$(BUILD)/compiler/yaml.o: compiler/yaml.c compiler/aslc.h compiler/asl.def include/aslrt.h
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(YAML_CFLAGS) $(CFLAGS) -c -o $@ $<

# -fPIC: libtcc loads `aslc run` code far from libc, and reaches data such
# as stderr only through the GOT (-fPIE code would use 32-bit offsets).
$(BUILD)/runtime/%.o: runtime/%.c runtime/aslrt_int.h include/aslrt.h Makefile
	@mkdir -p $(@D)
	$(CC) $(ASLC_CFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(BUILD)/runtime/jsonata.o $(BUILD)/runtime/jneval.o $(BUILD)/runtime/jndatetime.o $(BUILD)/runtime/template.o: runtime/jsonata.h
$(BUILD)/runtime/jsregex.o $(BUILD)/runtime/jneval.o $(BUILD)/compiler/jnlower.o: runtime/jsregex.h

# The compiler shares two runtime files: timestamps are checked, and
# constants printed and measured, exactly as the runtime does it.
$(BUILD)/aslc: $(COMPILER_OBJ) $(BUILD)/runtime/timeparse.o $(BUILD)/runtime/value.o \
		$(BUILD)/runtime/jsregex.o
	$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(YAML_LIBS) $(TCC_LIBS) $(LLVM_LIBS) \
		$(JANSSON_LIBS)

# The library is one object: the runtime's files linked together (ld -r),
# then every symbol the header does not declare made local (the internal
# ones are ASLP_HIDDEN), so that a program embedding workflows can have
# functions of any name but asl_*.
LD ?= ld
OBJCOPY ?= objcopy
$(BUILD)/libaslrt.a: $(RUNTIME_OBJ)
	rm -f $@ $(BUILD)/aslrt.o
	$(LD) -r -o $(BUILD)/aslrt.o $^
	$(OBJCOPY) --localize-hidden $(BUILD)/aslrt.o
	ar rcs $@ $(BUILD)/aslrt.o

# Test helpers, built against the runtime.
$(BUILD)/jsoneq: tests/jsoneq.c
	$(CC) $(ASLC_CFLAGS) $(CFLAGS) -o $@ $< $(JANSSON_LIBS)

# The unit tests call the runtime's internals: its objects, not the library.
$(BUILD)/test_runtime: tests/unit/test_runtime.c tests/unit/test.h $(RUNTIME_OBJ)
	$(CC) $(ASLC_CFLAGS) -Iruntime $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(JANSSON_LIBS)

# The JSONata parser, against the reference's trees (tests/jsonata).
$(BUILD)/test_jsonata: tests/unit/test_jsonata.c $(BUILD)/compiler/jsonata.o $(BUILD)/compiler/util.o \
		$(BUILD)/runtime/value.o
	$(CC) $(ASLC_CFLAGS) -Icompiler $(CFLAGS) -o $@ $^ $(JANSSON_LIBS)

# The JSONata standard library, against the reference's results.
$(BUILD)/test_jnlib: tests/unit/test_jnlib.c $(RUNTIME_OBJ)
	$(CC) $(ASLC_CFLAGS) -Iruntime $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(JANSSON_LIBS)

# The JSONata evaluator: expressions parsed and lowered as aslc does, run on
# data, against the reference's results (tests/jsonata/eval.*).
$(BUILD)/test_jneval: tests/unit/test_jneval.c $(BUILD)/compiler/jsonata.o \
		$(BUILD)/compiler/jnlower.o $(BUILD)/compiler/util.o $(RUNTIME_OBJ)
	$(CC) $(ASLC_CFLAGS) -Icompiler -Iruntime $(CFLAGS) -o $@ $^ $(JANSSON_LIBS)

$(BUILD)/test_jackson: tests/unit/test_jackson.c $(RUNTIME_OBJ)
	$(CC) $(ASLC_CFLAGS) -Iruntime $(CFLAGS) -o $@ $< $(RUNTIME_OBJ) $(JANSSON_LIBS)

# Install the Debian packages when something is missing, then build.
deps-check:
	@scripts/deps.sh --check >/dev/null 2>&1 || scripts/deps.sh

deps:
	scripts/deps.sh

demo: deps-check
	@$(MAKE) --no-print-directory all
	$(BUILD)/aslc examples/hello/hello.asl.json -o $(BUILD)/hello
	echo '{"name": "world"}' | $(BUILD)/hello

test: deps-check
	@$(MAKE) --no-print-directory all $(BUILD)/jsoneq $(BUILD)/test_runtime $(BUILD)/test_jackson \
		$(BUILD)/test_jsonata $(BUILD)/test_jnlib $(BUILD)/test_jneval
	BUILD=$(BUILD) VALGRIND=$(VALGRIND) SAN_FLAGS="$(SAN_FLAGS)" tests/runtests

check: test

CONFORMANCE ?= ../shared/conformance
# Every category, the executions with tasks and the definitions the service
# rejects; tests/conformance-engine.sh runs each case.
conformance: all
	python3 $(CONFORMANCE)/run.py -j 4 --include-with-tasks --include-validation \
		$(CONFORMANCE_ARGS) --engine 'sh $(CURDIR)/tests/conformance-engine.sh \
		$(CURDIR)/$(BUILD) {definition} {input} {workdir} {task_mocks}'

# aslc against aws-local-stepfunctions and @wmfs/statebox (installed from
# npm into $ASLC_PEERS_DIR) on bench/workloads, in one run: the tables go
# to $OUT/report.md and stdout. See docs/performance.md.
bench: all
	bench/compare.sh

# Threads: fan-out workloads against aws-local-stepfunctions; writes
# bench/results.md. See bench/README.md.
bench-fanout: all
	bench/run.sh

# The cc, tcc and llvm backends: compile latency, run time, aslc run against the
# peer; writes bench/backends.md. See bench/README.md.
bench-backends: all
	bench/backends.sh

# The fuzz target (fuzz/fuzz_compile.c): the compiler's passes without
# main.c, cc.c and tcc.c, built with clang's libFuzzer, ASan and UBSan. Inputs the
# fuzzer keeps go to build-fuzz/corpus; crashes to build-fuzz/crash-*.
# See docs/testing.md, "Fuzzing".
FUZZ_CC ?= clang
FUZZ_BUILD = build-fuzz
FUZZ_TIME ?= 60
FUZZ_ARGS ?=
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_SRC = $(filter-out compiler/main.c compiler/cc.c compiler/tcc.c compiler/emit_llvm.c,$(COMPILER_SRC)) \
	runtime/timeparse.c runtime/value.c
FUZZ_OBJ = $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/%.o)

$(FUZZ_BUILD)/compiler/%.o: compiler/%.c compiler/aslc.h compiler/asl.def include/aslrt.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ASLC_CFLAGS) -O1 -g $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_BUILD)/runtime/%.o: runtime/%.c runtime/aslrt_int.h include/aslrt.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ASLC_CFLAGS) -O1 -g $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_compile: fuzz/fuzz_compile.c $(FUZZ_OBJ) compiler/aslc.h
	$(FUZZ_CC) $(ASLC_CFLAGS) -Icompiler -O1 -g $(FUZZ_FLAGS) -fsanitize=fuzzer \
		-o $@ fuzz/fuzz_compile.c $(FUZZ_OBJ) $(YAML_LIBS) $(JANSSON_LIBS)

# The same target reading each input as a YAML definition.
$(FUZZ_BUILD)/fuzz_yaml: fuzz/fuzz_compile.c $(FUZZ_OBJ) compiler/aslc.h
	$(FUZZ_CC) $(ASLC_CFLAGS) -Icompiler -O1 -g $(FUZZ_FLAGS) -fsanitize=fuzzer \
		-DFUZZ_FILE='"fuzz.asl.yaml"' -o $@ fuzz/fuzz_compile.c $(FUZZ_OBJ) \
		$(YAML_LIBS) $(JANSSON_LIBS)

fuzz: $(FUZZ_BUILD)/fuzz_compile $(FUZZ_BUILD)/fuzz_yaml

fuzz-run: fuzz
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_compile -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-dict=fuzz/asl.dict -max_len=8192 -timeout=10 -artifact_prefix=$(FUZZ_BUILD)/ \
		$(FUZZ_ARGS) $(FUZZ_BUILD)/corpus tests/fuzz/corpus

fuzz-yaml-run: fuzz
	@mkdir -p $(FUZZ_BUILD)/yaml-corpus
	$(FUZZ_BUILD)/fuzz_yaml -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		-dict=fuzz/asl.dict -max_len=8192 -timeout=10 -artifact_prefix=$(FUZZ_BUILD)/yaml- \
		$(FUZZ_ARGS) $(FUZZ_BUILD)/yaml-corpus tests/yaml tests/fuzz/corpus

fuzz-check: all
	fuzz/check-accepted.sh tests/fuzz/corpus $(wildcard $(FUZZ_BUILD)/corpus)

# The pkg-config and CMake files find the rest relative to themselves, so
# an installed tree works wherever it is moved (DESTDIR included).
rel = $(shell realpath -m --relative-to=$(1) $(2))
INSTALL_SUBST = -e 's|@VERSION@|$(VERSION)|' \
	-e 's|@BIN_REL@|$(call rel,$(PREFIX),$(BINDIR))|' \
	-e 's|@LIB_REL@|$(call rel,$(PREFIX),$(LIBDIR))|' \
	-e 's|@INCLUDE_REL@|$(call rel,$(PREFIX),$(INCLUDEDIR))|' \
	-e 's|@PC_TO_PREFIX@|$(call rel,$(PKGCONFIGDIR),$(PREFIX))|' \
	-e 's|@CMAKE_TO_PREFIX@|$(call rel,$(CMAKEDIR),$(PREFIX))|'

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(CMAKEDIR)
	cp $(BUILD)/aslc $(DESTDIR)$(BINDIR)/aslc
	cp $(BUILD)/libaslrt.a $(DESTDIR)$(LIBDIR)/libaslrt.a
	cp include/aslrt.h $(DESTDIR)$(INCLUDEDIR)/aslrt.h
	cp docs/aslc.1 $(DESTDIR)$(MANDIR)/man1/aslc.1
	sed $(INSTALL_SUBST) aslrt.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/aslrt.pc
	sed $(INSTALL_SUBST) cmake/aslcConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/aslcConfig.cmake
	sed $(INSTALL_SUBST) cmake/aslcConfigVersion.cmake.in \
		> $(DESTDIR)$(CMAKEDIR)/aslcConfigVersion.cmake

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aslc $(DESTDIR)$(LIBDIR)/libaslrt.a \
		$(DESTDIR)$(INCLUDEDIR)/aslrt.h $(DESTDIR)$(PKGCONFIGDIR)/aslrt.pc \
		$(DESTDIR)$(MANDIR)/man1/aslc.1 $(DESTDIR)$(CMAKEDIR)/aslcConfig.cmake \
		$(DESTDIR)$(CMAKEDIR)/aslcConfigVersion.cmake
	-rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null

clean:
	rm -rf build build-san build-tsan build-fuzz

.PHONY: FORCE all deps deps-check demo test check conformance bench bench-fanout bench-backends fuzz fuzz-run fuzz-yaml-run fuzz-check install uninstall clean
