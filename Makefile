# SPDX-License-Identifier: GPL-2.0
#
# Top-level build.  Binaries go to $(BUILD)/ (default build/); the sanitizer
# build (ASan + UBSan) to build-asan/.  `make check` is the one test command.

CC       ?= gcc
BUILD    ?= build
PREFIX   ?= /usr/local
VERSION  := 0.1.0
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wno-missing-field-initializers
CPPFLAGS += -std=gnu11 -D_GNU_SOURCE -iquote lib -iquote templates -DKP_VERSION=\"$(VERSION)\"
# libdw, libelf and what they need are linked statically when their .a files
# are installed (Debian's libdw-dev, libelf-dev, zlib1g-dev, liblzma-dev,
# libbz2-dev): a run of the differ then loads one shared library, libc,
# instead of six, which was a third of its page faults.  Otherwise shared.
STATIC_LIBS := dw elf z lzma bz2
ifeq ($(strip $(foreach l,$(STATIC_LIBS),$(filter-out /%,$(shell $(CC) -print-file-name=lib$(l).a)))),)
LDLIBS   += -Wl,--as-needed -Wl,-O1 -Wl,-Bstatic $(STATIC_LIBS:%=-l%) -Wl,-Bdynamic
else
LDLIBS   += -Wl,--as-needed -Wl,-O1 -lelf -ldw -lz
endif

LIB_SRC  := $(wildcard lib/*.c)
CDO_SRC  := $(wildcard create-diff-object/*.c)
CKM_SRC  := kpatch-build/create-klp-module.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CDO_OBJ  := $(CDO_SRC:%.c=$(BUILD)/obj/%.o)
CKM_OBJ  := $(CKM_SRC:%.c=$(BUILD)/obj/%.o)
# One-file helpers of kpatch-build (distro mode): kpatch-build/<name>.c
HELPERS  := kpatch-lines kpatch-match kpatch-scan
HEADERS  := $(wildcard lib/*.h create-diff-object/*.h kpatch-build/*.h)

BINS     := $(BUILD)/create-diff-object $(BUILD)/create-klp-module \
	    $(HELPERS:%=$(BUILD)/%)

.PHONY: all deps check unit integration scenarios distro realworld asan bench fuzz demo install clean
all: $(BINS)

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libkpatch.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/create-diff-object: $(CDO_OBJ) $(BUILD)/libkpatch.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/create-klp-module: $(CKM_OBJ) $(BUILD)/libkpatch.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(HELPERS:%=$(BUILD)/%): $(BUILD)/%: $(BUILD)/obj/kpatch-build/%.o $(BUILD)/libkpatch.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The same tools under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" all

# Install the packages the build and the tests need (Debian).
deps:
	scripts/install-deps.sh

# The README's test command: everything, ending with "N passed, N failed".
check:
	tests/run-all.sh

unit: all asan
	tests/unit/run-golden.sh
	tests/unit/run-golden.sh build-asan/create-diff-object
	tests/unit/run-badinput.sh build-asan/create-diff-object
	tests/unit/run-klp-module.sh build-asan
	tests/unit/run-match.sh build-asan
	tests/unit/run-scan.sh build-asan
	tests/unit/run-lines.sh build-asan

integration: all
	tests/integration/run.sh

scenarios: all
	tests/integration/run-scenarios.sh

# Distro mode against Debian's own kernel (downloads ~2.3 GB once, cached).
distro: all
	tests/distro/run.sh

# The real-world corpus: Debian's stable fixes (6.1.187-1 -> 6.1.190-1), one
# patch per changed .c, built against 6.1.0-53-amd64 and loaded under qemu;
# rewrites tests/realworld/RESULTS.md (hours on 2 cores; results are kept).
realworld: all
	tests/realworld/run.sh

bench: all
	tests/bench/run.sh

fuzz:
	tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

# The README's first command: build a kernel, a patch module, boot, show it.
demo:
	scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/kpatch \
		$(DESTDIR)$(PREFIX)/share/kpatch/templates $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BINS) kpatch-build/kpatch-cc $(DESTDIR)$(PREFIX)/libexec/kpatch/
	install -m 0644 kpatch-build/distro.sh $(DESTDIR)$(PREFIX)/libexec/kpatch/
	install -d $(DESTDIR)$(PREFIX)/libexec/kpatch/guest
	install -m 0755 kpatch-build/guest/*.sh $(DESTDIR)$(PREFIX)/libexec/kpatch/guest/
	install -m 0755 kpatch-build/kpatch-build $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 templates/* $(DESTDIR)$(PREFIX)/share/kpatch/templates/
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)/lib/systemd/system
	install -m 0755 kpatch/kpatch $(DESTDIR)$(PREFIX)/sbin/
	sed 's|/usr/local/sbin|$(PREFIX)/sbin|' kpatch/kpatch.service > $(DESTDIR)/lib/systemd/system/kpatch.service

clean:
	rm -rf build build-asan build-fuzz build-bench

# Unit test programs of the library (tests/unit/test-*.c).
$(BUILD)/tests/test-%: tests/unit/test-%.c tests/unit/test-util.h $(BUILD)/libkpatch.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libkpatch.a $(LDLIBS)
build-asan/tests/test-%: FORCE
	$(MAKE) BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" build-asan/tests/test-$*
FORCE:

# Suites that bring their own rules (fuzz targets, benchmark generators).
-include tests/fuzz/fuzz.mk tests/bench/bench.mk
