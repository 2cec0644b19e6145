# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/bench.mk - what the benchmark needs, included by the top-level
# Makefile (`make bench` runs tests/bench/run.sh, which makes bench-build).
#
#   build-bench/runstat                wall and CPU time, peak RSS, page faults of a command
#   build-bench/gen/N/{ORIG,PATCHED}.o N generated functions (BENCH_SIZES),
#                                      compiled like kernel code
# Generated objects are cached: only a change of the generator or of the
# flags remakes them.

BENCH_BUILD  := build-bench
BENCH_SIZES  ?= 10000 50000
BENCH_CC     ?= gcc
BENCH_KFLAGS := -O2 -std=gnu11 -ffunction-sections -fdata-sections -pg -mfentry \
		-mrecord-mcount -mcmodel=kernel -fno-PIE -mno-red-zone -ffreestanding \
		-nostdinc -fno-stack-protector -fno-asynchronous-unwind-tables \
		-mno-sse -mno-mmx -mno-sse2 -fno-common -fno-strict-aliasing
BENCH_GEN    := tests/bench/gen-funcs.py
BENCH_OBJS   := $(foreach n,$(BENCH_SIZES),$(BENCH_BUILD)/gen/$(n)/ORIG.o $(BENCH_BUILD)/gen/$(n)/PATCHED.o)

.PHONY: bench-build bench-clean
bench-build: $(BENCH_BUILD)/runstat $(BENCH_OBJS)

bench-clean:
	rm -rf $(BENCH_BUILD)

# A self-ignoring build directory (no top-level .gitignore entry needed).
$(BENCH_BUILD)/.gitignore:
	@mkdir -p $(dir $@)
	@echo '*' >$@

$(BENCH_BUILD)/runstat: tests/bench/runstat.c | $(BENCH_BUILD)/.gitignore
	$(BENCH_CC) -O2 -std=gnu11 -D_GNU_SOURCE $(WARN) -o $@ $<

# The generated sources are kept, to be read and to rebuild the objects only.
.PRECIOUS: $(BENCH_BUILD)/gen/%/orig/bench.c $(BENCH_BUILD)/gen/%/patched/bench.c

# The generated sources: both compiled under the name bench.c, so the FILE
# symbol and every __FILE__ match between ORIG.o and PATCHED.o.
$(BENCH_BUILD)/gen/%/orig/bench.c: $(BENCH_GEN) | $(BENCH_BUILD)/.gitignore
	@mkdir -p $(dir $@)
	python3 $(BENCH_GEN) $* >$@.tmp && mv $@.tmp $@

$(BENCH_BUILD)/gen/%/patched/bench.c: $(BENCH_GEN) | $(BENCH_BUILD)/.gitignore
	@mkdir -p $(dir $@)
	python3 $(BENCH_GEN) $* --patched >$@.tmp && mv $@.tmp $@

$(BENCH_BUILD)/gen/%/ORIG.o: $(BENCH_BUILD)/gen/%/orig/bench.c tests/bench/bench.mk
	cd $(dir $<) && $(BENCH_CC) $(BENCH_KFLAGS) -c -o $(abspath $@).tmp bench.c
	mv $@.tmp $@

$(BENCH_BUILD)/gen/%/PATCHED.o: $(BENCH_BUILD)/gen/%/patched/bench.c tests/bench/bench.mk
	cd $(dir $<) && $(BENCH_CC) $(BENCH_KFLAGS) -c -o $(abspath $@).tmp bench.c
	mv $@.tmp $@
