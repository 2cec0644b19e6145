# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/fuzz.mk - the libFuzzer targets, included by the top-level Makefile.
#
#   make fuzz-build     build-fuzz/fuzz-elf and build-fuzz/fuzz-diff
#   make fuzz           tests/fuzz/run.sh (build, replay crashes/, fuzz)
#
# Both targets are built by clang from the same sources as the tools
# (lib/*.c and create-diff-object/*.c but cli.c, which holds only main()),
# with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer.  The
# golden ORIG.o objects are embedded in fuzz-diff (build-fuzz/origs.S,
# written by tests/fuzz/gen-origs.sh), so a reproducer needs nothing else.
# Warnings are not errors here: the gcc build enforces them, and a clang-only
# warning must not stop the fuzzing.

FUZZ_BUILD    := build-fuzz
FUZZ_CC       := $(shell command -v clang-14 || command -v clang || echo clang)
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := -O1 -gline-tables-only -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_CPPFLAGS := -std=gnu11 -D_GNU_SOURCE -iquote lib -iquote templates \
		 -iquote create-diff-object -DKP_VERSION=\"fuzz\"
FUZZ_WARN     := -Wall -Wextra -Wno-missing-field-initializers
FUZZ_LDFLAGS  := $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_LDLIBS   := -lelf -ldw -lbsd -lz

FUZZ_SRC      := $(wildcard lib/*.c) \
		 $(filter-out create-diff-object/cli.c,$(wildcard create-diff-object/*.c))
FUZZ_OBJ      := $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_HEADERS  := $(wildcard lib/*.h create-diff-object/*.h templates/*.h) tests/fuzz/fuzz-common.h
FUZZ_ORIGS    := $(wildcard test-objects/*/ORIG.o test-objects/common/Module.symvers)
FUZZ_TARGETS  := $(FUZZ_BUILD)/fuzz-elf $(FUZZ_BUILD)/fuzz-diff

.PHONY: fuzz-build fuzz-clean
fuzz-build: $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

# A self-ignoring build directory: git status stays clean without a
# top-level .gitignore entry.
$(FUZZ_BUILD)/.gitignore:
	@mkdir -p $(dir $@)
	@echo '*' >$@

$(FUZZ_BUILD)/obj/%.o: %.c $(FUZZ_HEADERS) | $(FUZZ_BUILD)/.gitignore
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_WARN) -c -o $@ $<

# Regenerated on every build but rewritten only when the list of cases
# changes; the .incbin'ed files themselves are prerequisites of the object.
$(FUZZ_BUILD)/origs.S: tests/fuzz/gen-origs.sh FUZZ_FORCE | $(FUZZ_BUILD)/.gitignore
	@tests/fuzz/gen-origs.sh test-objects >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(FUZZ_BUILD)/obj/origs.o: $(FUZZ_BUILD)/origs.S $(FUZZ_ORIGS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -c -o $@ $<

$(FUZZ_BUILD)/fuzz-elf: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz-elf.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(FUZZ_LDLIBS)

$(FUZZ_BUILD)/fuzz-diff: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz-diff.o \
			 $(FUZZ_BUILD)/obj/origs.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(FUZZ_LDLIBS)

.PHONY: FUZZ_FORCE
FUZZ_FORCE:
