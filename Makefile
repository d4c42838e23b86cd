# chokepoint - one non-recursive Makefile.  `make help` lists the targets.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
SCENARIO ?= scenarios/three-tier.yaml

PKGS := gsl libcyaml yaml-0.1 jansson sqlite3
# Recursive (=) so the flags are read after `deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT ?= -O2 -g
SAN ?=
ifeq ($(SAN),1)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
endif
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS += -std=c11 $(WARN) $(OPT)

LIB_SRC := $(wildcard sim/engine/*.c) $(wildcard models/*.c) $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libchokepoint.a
BIN := $(BUILD)/chokepoint
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BUILD)/bench/bench $(BUILD)/bench/ref_mm1

.PHONY: all run test check asan bench golden same-results fuzz memcheck mpi mpi-test install uninstall clean help deps docs format-check format browser-test docs-img docs-img-check

all: $(BIN)

help:
	@echo "make            build $(BIN)"
	@echo "make run        install missing Debian packages, build, run $(SCENARIO)"
	@echo "make test       install missing packages, build, run every test (alias: check)"
	@echo "make asan       the test suite under AddressSanitizer + UBSan (in build/asan)"
	@echo "make bench      benchmarks: events/s, customers/s, ratio to a bare reference loop"
	@echo "make fuzz       fuzz the scenario loader and the results reader, FUZZ_SECONDS each (60)"
	@echo "make memcheck   a representative run under valgrind memcheck"
	@echo "make browser-test  report.html in headless chromium (installed if missing); screenshots in build/artifacts"
	@echo "make docs-img   docs/img/: the tutorial's pictures, made by its commands (docs-img-check: unchanged)"
	@echo "make mpi        also build chokepoint-mpi (MPI=1); make mpi-test runs it on 2 ranks"
	@echo "make same-results BASE=C  a refactor's proof: results byte-identical to commit C's"
	@echo "make golden     rewrite tests/golden/ (the byte-for-byte results make test compares) and say what changed"
	@echo "make docs       regenerate docs/kinds.md and docs/results.md's metric reference from the tables"
	@echo "make format-check  check the sources against .clang-format"
	@echo "make install    install to \$$DESTDIR\$$PREFIX/bin (PREFIX=$(PREFIX))"
	@echo "make clean      remove build/ and results/"

deps:
	@sh tools/install-deps.sh

FUZZ_SECONDS ?= 60
FUZZ_BIN := $(BUILD)/fuzz/fuzz_scenario $(BUILD)/fuzz/fuzz_partial

fuzz: deps
	@sh tools/install-deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory all $(FUZZ_BIN)
	@sh fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

# The fuzzers are built with clang in one step, sanitizers on, from the sources.
$(BUILD)/fuzz/%: fuzz/%.c $(LIB_SRC) $(wildcard sim/*/*.h models/*.h cli/*.h)
	@mkdir -p $(@D)
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
		$(PKG_CFLAGS) -o $@ $< $(LIB_SRC) $(PKG_LIBS)

# MPI=1: also build chokepoint-mpi (Open MPI from Debian).  mpi-test runs
# it on 2 ranks and checks its results equal a single run's, byte for byte.
MPI ?= 0
ifeq ($(MPI),1)
all: $(BUILD)/chokepoint-mpi
endif

mpi:
	@sh tools/install-deps.sh libopenmpi-dev openmpi-bin
	@$(MAKE) --no-print-directory MPI=1 all

$(BUILD)/chokepoint-mpi: mpi/chokepoint_mpi.c $(LIB)
	mpicc $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

browser-test: all
	@sh tests/browser.sh $(BUILD)

# docs/tutorial.md's pictures, made by the commands it shows.
docs-img: all
	@sh tools/docs-img.sh $(BUILD) docs/img

docs-img-check: all
	@rm -rf $(BUILD)/docs-img && sh tools/docs-img.sh $(BUILD) $(BUILD)/docs-img >/dev/null && \
	for f in docs/img/*.png; do cmp -s "$$f" "$(BUILD)/docs-img/$${f##*/}" || { echo "docs-img-check: $$f is not what 'make docs-img' makes"; exit 1; }; done && \
	[ "$$(ls docs/img | wc -l)" -eq "$$(ls $(BUILD)/docs-img | wc -l)" ] && echo "docs-img-check: docs/img is what the tutorial's commands make"

mpi-test: mpi
	@sh tests/mpi.sh $(BUILD)

# valgrind's memcheck on a representative run: no leak, no invalid access.
memcheck: all
	@command -v valgrind >/dev/null || sh tools/install-deps.sh valgrind
	valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		$(BIN) run tests/memcheck.yaml -o $(BUILD)/memcheck --force -q -j 2

run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run $(SCENARIO) --force

test check: deps
	@sh tools/install-deps.sh libxml2-utils
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	@sh tests/run.sh $(BUILD)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 all $(TEST_BIN:$(BUILD)/%=build/asan/%)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh build/asan

bench: deps
	@$(MAKE) --no-print-directory OPT="-O2 -g -DNDEBUG" all $(BENCH_BIN)
	@sh bench/run.sh $(BUILD) $(BENCH_ARGS)

BASE ?= HEAD~1
same-results:
	@sh tests/same-results.sh $(BASE)

golden: $(BIN)
	@sh tests/golden.sh $(BUILD) --update

docs: $(BIN)
	@{ echo "# Component kinds"; echo; \
	   echo "Generated by \`chokepoint kinds --markdown\` from the parameter tables in models/; do not edit."; echo; \
	   $(BIN) kinds --markdown; } > docs/kinds.md
	@$(BIN) metrics --markdown > $(BUILD)/metrics.md
	@awk -v gen=$(BUILD)/metrics.md '/^<!-- metrics: begin/ { print; while ((getline l < gen) > 0) print l; skip = 1; next } \
	     /^<!-- metrics: end/ { skip = 0 } !skip' docs/results.md > $(BUILD)/results.md && mv $(BUILD)/results.md docs/results.md
	@echo "wrote docs/kinds.md and the metric reference of docs/results.md"

$(BIN): $(BUILD)/cli/main.o $(LIB)
	$(CC) $(LDSAN) -o $@ $^ $(PKG_LIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(LDSAN) -o $@ $< $(LIB) $(CMOCKA_LIBS) $(PKG_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/chokepoint
	install -d $(DESTDIR)$(PREFIX)/share/chokepoint/plots
	install -m 644 plots/*.gp $(DESTDIR)$(PREFIX)/share/chokepoint/plots

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/chokepoint
	rm -rf $(DESTDIR)$(PREFIX)/share/chokepoint

FORMAT_SRC = $(wildcard sim/*/*.[ch] cli/*.[ch] models/*.[ch] tests/*.[ch] bench/*.c fuzz/*.c mpi/*.c)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

format:
	clang-format -i $(FORMAT_SRC)

clean:
	rm -rf build results fuzz-out

-include $(LIB_OBJ:.o=.d) $(BUILD)/cli/main.d
