# SPDX-License-Identifier: GPL-2.0-or-later
# hostdev - prepare Linux host devices for passthrough, without libvirt.
#
#   make            library (build/libhostdev.{so,a}) and CLI (build/hostdev)
#   make run        install what is missing, build, print this machine's device tree
#   make check      install, build, run every test (plain, ASan/UBSan, clang), fuzz briefly
#   make bench      scan-speed figures against a naive floor and lspci; prepare and check
#                   against list -J (doc/bench.md)
#   make stress     faults at scale under fake-kernel (tests/stress/; STRESS_SCALE=8)
#   make fuzz       every libFuzzer harness (tests/fuzz/) for FUZZ_SECONDS each
#   make install    PREFIX=/usr/local DESTDIR= (with bash and zsh completion)
#   make picture    doc/workstation-gpu.svg: the README's picture, from a fixture

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# udev, initramfs-tools and dracut read only their system directories (and /etc)
SYSPREFIX  := $(if $(filter /usr,$(PREFIX)),/usr,)
UDEVRULESDIR ?= $(if $(SYSPREFIX),/usr/lib/udev/rules.d,/etc/udev/rules.d)
INITRAMFSDIR ?= $(if $(SYSPREFIX),/usr/share/initramfs-tools,/etc/initramfs-tools)
DRACUTDIR  ?= /usr/lib/dracut/modules.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

# one source: HD_VERSION in the public header
VERSION := $(shell sed -n 's/^#define HD_VERSION "\(.*\)"$$/\1/p' include/hostdev.h)
SOVER   := 0

B       ?= build
CC      ?= cc
PKGS    := libpci libudev libcjson libkmod
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wmissing-prototypes
SANFLAGS ?=
# clang 14 writes DWARF 5 forms that Debian 12's valgrind cannot read
DWARF   := $(if $(findstring clang,$(CC)),-gdwarf-4)
CFLAGS_ALL = -std=gnu11 $(OPT) $(DWARF) $(WARN) $(SANFLAGS) -pthread -fPIC -fvisibility=hidden \
             -Iinclude -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDFLAGS_ALL = $(SANFLAGS) -pthread $(LDFLAGS)

LIB_SRC := $(sort $(wildcard src/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:src/cli/%.c=$(B)/obj/cli/%.o)
TEST_SRC := $(sort $(wildcard tests/test-*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(B)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

# libFuzzer: clang, the library, CLI and unit tests built with ASan and UBSan
# (float-cast-overflow included) in their own build dir; `make check` runs
# those unit tests (check-clang) and each harness briefly (check-fuzz)
FUZZ_B        ?= build-fuzz
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_CHECK_SECONDS ?= 2

.PHONY: install-completion picture all run check check-build test test-unit test-cli check-asan check-style install clean bench stress deps fixtures \
        fuzz fuzz-build fuzz-bins check-fuzz check-clang

all: $(B)/libhostdev.so $(B)/libhostdev.a $(B)/hostdev $(B)/hostdev.pc

$(B)/obj/%.o: src/%.c include/hostdev.h $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/obj/cli/%.o: src/cli/%.c include/hostdev.h $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/libhostdev.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libhostdev.so: $(LIB_OBJ) scripts/libhostdev.sym
	$(CC) -shared -Wl,-soname,libhostdev.so.$(SOVER) -Wl,--version-script=scripts/libhostdev.sym \
	  $(LDFLAGS_ALL) -o $@ $(LIB_OBJ) $(LIBS)

$(B)/hostdev: $(CLI_OBJ) $(B)/libhostdev.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(B)/libhostdev.a $(LIBS)

$(B)/tests/%: tests/%.c $(B)/libhostdev.a tests/testlib.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/libhostdev.a $(LIBS) $(shell pkg-config --libs cmocka) $(LDFLAGS_ALL)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/libhostdev.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(B)/libhostdev.a $(LIBS) $(LDFLAGS_ALL)

$(B)/hostdev.pc: scripts/hostdev.pc.in
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' $< > $@

deps:
	@scripts/install-deps

run: deps
	@$(MAKE) --no-print-directory all >/dev/null
	@if [ -d /sys/bus/pci/devices ] && [ -n "$$(ls -A /sys/bus/pci/devices 2>/dev/null)" ]; then \
	  $(B)/hostdev list --tree; \
	else \
	  echo "hostdev: this machine has no PCI sysfs; showing the bundled workstation fixture" >&2; \
	  rm -rf $(B)/run-fixture && \
	  $(B)/hostdev fixture load fixtures/workstation-gpu.umockdev $(B)/run-fixture >/dev/null && \
	  cp -a fixtures/workstation-gpu.extra/. $(B)/run-fixture/ && \
	  $(B)/hostdev --sysroot $(B)/run-fixture list --tree; \
	fi

check-build: all $(TEST_BIN)

test-unit: check-build
	@tests/run-unit.sh $(B)

test-cli: check-build
	@tests/run-cli.sh $(B)

test: test-unit test-cli

check-style:
	@tests/check-style.sh

check-asan:
	@$(MAKE) --no-print-directory B=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" test

fuzz-bins: $(FUZZ_BIN)

fuzz-build:
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" \
	  SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" fuzz-bins check-build

fuzz: deps fuzz-build
	@tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS)

check-fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_CHECK_SECONDS)

check-clang: fuzz-build
	@tests/run-unit.sh $(FUZZ_B)

check: deps
	@$(MAKE) --no-print-directory check-style
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-clang
	@$(MAKE) --no-print-directory check-fuzz
	@echo "make check: all suites passed"

bench: deps
	@scripts/bench

stress: check-build
	@HOSTDEV=$(CURDIR)/$(B)/hostdev TOP=$(CURDIR) tests/stress/scale-faults.sh

# the data files name the installed paths
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g; s|@UDEVRULESDIR@|$(UDEVRULESDIR)|g'

install: all install-completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	install -m 0755 $(B)/hostdev $(DESTDIR)$(BINDIR)/hostdev
	install -m 0755 $(B)/libhostdev.so $(DESTDIR)$(LIBDIR)/libhostdev.so.$(VERSION)
	ln -sf libhostdev.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libhostdev.so.$(SOVER)
	ln -sf libhostdev.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libhostdev.so
	install -m 0644 $(B)/libhostdev.a $(DESTDIR)$(LIBDIR)/libhostdev.a
	install -m 0644 include/hostdev.h $(DESTDIR)$(INCLUDEDIR)/hostdev.h
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	  scripts/hostdev.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/hostdev.pc
	install -m 0644 man/hostdev.8 $(DESTDIR)$(MANDIR)/man8/hostdev.8
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(INITRAMFSDIR)/hooks \
	  $(DESTDIR)$(DRACUTDIR)/90hostdev
	install -m 0644 man/hostdev.conf.5 $(DESTDIR)$(MANDIR)/man5/hostdev.conf.5
	for f in data/systemd/*.service data/systemd/*.timer; do \
	  $(SUBST) $$f > $(DESTDIR)$(UNITDIR)/$${f##*/} || exit 1; done
	$(SUBST) data/udev/05-hostdev.rules > $(DESTDIR)$(UDEVRULESDIR)/05-hostdev.rules
	$(SUBST) data/initramfs-tools/hooks/hostdev > $(DESTDIR)$(INITRAMFSDIR)/hooks/hostdev
	chmod 0755 $(DESTDIR)$(INITRAMFSDIR)/hooks/hostdev
	$(SUBST) data/dracut/90hostdev/module-setup.sh > $(DESTDIR)$(DRACUTDIR)/90hostdev/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUTDIR)/90hostdev/module-setup.sh
	install -d $(DESTDIR)$(PREFIX)/share/hostdev/prometheus
	install -m 0644 data/prometheus/hostdev.rules.yml $(DESTDIR)$(PREFIX)/share/hostdev/prometheus/hostdev.rules.yml

install-completion:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 completion/hostdev.bash $(DESTDIR)$(BASHCOMPDIR)/hostdev
	install -m 0644 completion/_hostdev $(DESTDIR)$(ZSHCOMPDIR)/_hostdev

# doc/workstation-gpu.svg (in README): the workstation fixture's tree and IOMMU groups
picture: all
	rm -rf $(B)/picture && $(B)/hostdev fixture load fixtures/workstation-gpu.umockdev $(B)/picture >/dev/null
	cp -a fixtures/workstation-gpu.extra/. $(B)/picture/
	HOSTDEV_PCI_IDS=tests/data/pci.ids HOSTDEV_USB_HWDB=0 $(B)/hostdev --sysroot $(B)/picture list --dot | dot -Tsvg > doc/workstation-gpu.svg
	HOSTDEV_PCI_IDS=tests/data/pci.ids HOSTDEV_USB_HWDB=0 $(B)/hostdev --sysroot $(B)/picture check --dot 01:00.0 | dot -Tsvg > doc/workstation-gpu-check.svg

clean:
	rm -rf build build-asan build-bench build-fuzz build-clang
