# crier — see README.md.  The user's CFLAGS, CPPFLAGS and LDFLAGS are
# kept and added to, never replaced.

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/crier
DESTDIR ?=

PKG_CONFIG ?= pkg-config
PKGS = libgit2 libcmark-gfm inih yaml-0.1 jansson libdeflate
# OpenSSL's libcrypto, if pkg-config finds it, tells a checkout's bytes
# (repo.c) with a SHA-1 2.5 times as fast as libgit2's; without it, libgit2's.
PKGS += $(if $(shell $(PKG_CONFIG) --exists libcrypto 2>/dev/null && echo y),libcrypto)
# Loaded by crier itself (dlopen) when first used, not linked: libxml2 and
# libical (src/lazy.c), with the ICU, libstdc++ and liblzma they bring, were
# a third of every start; crier serve's libmicrohttpd and gnutls two
# milliseconds of it.  Their headers are still needed, and their sonames,
# read here, are what crier loads.
PKGS_DLOPEN = libxml-2.0 libical libmicrohttpd

CC ?= cc
CFLAGS ?= -O2 -g
# The build folder; `make asan` uses another, so both can coexist.
B ?= build
# Where the crier binary goes: the top level for the ordinary build.
CRIER ?= ./crier

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(PKGS_DLOPEN) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 libical 2>/dev/null)
# soname PACKAGE LIB: the soname of LIB.so in PACKAGE's library folder.
soname = $(shell readelf -d "$$($(PKG_CONFIG) --variable=libdir $(1) 2>/dev/null)/$(2).so" \
	2>/dev/null | sed -n 's/.*soname: \[\(.*\)\].*/\1/p')
MHD_SONAME := $(call soname,libmicrohttpd,libmicrohttpd)
XML_SONAME := $(call soname,libxml-2.0,libxml2)
ICAL_SONAME := $(call soname,libical,libical)
# Without both sonames (no readelf, or libraries without one, as on
# OpenBSD), libxml2 and libical are linked as any library is.
LAZY_LINKED := $(if $(and $(XML_SONAME),$(ICAL_SONAME)),,y)
PKG_LIBS += $(if $(LAZY_LINKED),$(TEST_LIBS))

CRIER_CPPFLAGS = -Isrc -D_POSIX_C_SOURCE=200809L $(if $(filter libcrypto,$(PKGS)),-DCRIER_LIBCRYPTO) -DCRIER_VERSION='"$(VERSION)"' \
	-DCRIER_DATADIR='"$(DATADIR)"' $(if $(MHD_SONAME),-DMHD_SONAME='"$(MHD_SONAME)"') \
	$(if $(LAZY_LINKED),-DCRIER_LAZY_LINKED,-DXML_SONAME='"$(XML_SONAME)"' -DICAL_SONAME='"$(ICAL_SONAME)"')
CRIER_CFLAGS = -std=c11 -pthread -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
ALL_CFLAGS = $(CRIER_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(CRIER_CFLAGS) $(CFLAGS)
# dlsym (markdown.c) and dlopen (serve.c): in libdl before glibc 2.34, in libc on the BSDs.
LIBDL := $(if $(filter Linux,$(shell uname -s)),-ldl)
ALL_LIBS = $(LDFLAGS) $(PKG_LIBS) -pthread $(LIBDL) $(LIBS)

SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:src/%.c=$(B)/%.o)
LIBOBJS = $(filter-out $(B)/main.o,$(OBJS))

TESTS_C = $(wildcard tests/*.c)
TESTBINS = $(TESTS_C:tests/%.c=$(B)/tests/%)

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all site deps FORCE fuzz fuzz-bins check test-bins asan valgrind install uninstall clean lint

all: $(CRIER)

$(CRIER): $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(ALL_LIBS)

$(B)/%.o: src/%.c $(wildcard src/*.h) Makefile $(B)/flags | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Rebuilds everything when the flags or the install folders change, since
# DATADIR is compiled in.
$(B)/flags: FORCE | $(B)
	@echo "$(CC) $(CFLAGS) $(CPPFLAGS) $(DATADIR) $(VERSION)" | cmp -s - $@ || \
		echo "$(CC) $(CFLAGS) $(CPPFLAGS) $(DATADIR) $(VERSION)" > $@

FORCE:

# The test programs call libxml2 and libical themselves, so they link them.
$(B)/tests/%: tests/%.c tests/tap.h $(LIBOBJS) $(wildcard src/*.h) | $(B)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBOBJS) $(ALL_LIBS) $(TEST_LIBS)

# A crier outside the top level finds the source themes through a link.
$(B):
	mkdir -p $(B)/tests
	[ "$(dir $(CRIER))" = "./" ] || ln -sfn ../themes $(dir $(CRIER))themes

# Installs the Debian packages crier needs, or says which to install.
deps:
	@sh tools/deps.sh

# The quick start: dependencies, crier, and this repository's own site.
site: deps
	@$(MAKE) --no-print-directory all
	$(CRIER) build
	@echo "The site is in $(CURDIR)/output/. Its links start at /, so serve it:"
	@echo "  python3 -m http.server --directory output 8000"
	@echo "and open http://localhost:8000/ in a browser."

test-bins: $(CRIER) $(TESTBINS)

check: test-bins
	@CRIER=$(abspath $(CRIER)) TESTBIN=$(abspath $(B)/tests) \
		prove --exec '' $(PROVE_FLAGS) tests/*.t

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@$(MAKE) --no-print-directory check B=build-asan CRIER=build-asan/crier \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"

# The same tests under valgrind's memcheck.
valgrind: test-bins
	@CRIER=$(abspath $(CRIER)) TESTBIN=$(abspath $(B)/tests) \
		CRIER_WRAP="valgrind -q --leak-check=full --error-exitcode=99" \
		prove --exec '' $(PROVE_FLAGS) tests/*.t

# libFuzzer targets (fuzz/*.c), built with clang and the sanitizers, each
# run for FUZZ_SECONDS from its seed corpus in fuzz/corpus/NAME/.  What a
# run finds is written to a scratch folder, never into the repository.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
FUZZ_SRCS = $(wildcard fuzz/*.c)
FUZZ_BINS = $(FUZZ_SRCS:fuzz/%.c=$(B)/fuzz/%)

$(B)/fuzz/%: fuzz/%.c $(LIBOBJS) $(wildcard src/*.h) | $(B)
	@mkdir -p $(B)/fuzz
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBOBJS) $(ALL_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz:
	@$(MAKE) --no-print-directory fuzz-bins B=build-fuzz CC=clang CRIER=build-fuzz/crier \
		CFLAGS="$(FUZZ_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
	@set -e; for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); scratch=$$(mktemp -d); \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		build-fuzz/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=0 \
			-artifact_prefix=$$scratch/ $$scratch fuzz/corpus/$$n 2>$$scratch.log || \
			{ tail -50 $$scratch.log; echo "fuzz: $$n found a crash, saved in $$scratch"; exit 1; }; \
		tail -1 $$scratch.log; rm -rf $$scratch $$scratch.log; \
	done

lint:
	mandoc -Tlint -W warning crier.1

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(CRIER) $(DESTDIR)$(BINDIR)/crier
	install -m 644 crier.1 $(DESTDIR)$(MANDIR)/man1/crier.1
	cp -R themes/default $(DESTDIR)$(DATADIR)/themes/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/themes/default

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/crier $(DESTDIR)$(MANDIR)/man1/crier.1
	rm -rf $(DESTDIR)$(DATADIR)/themes/default
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz crier output .output.crier-stage .output.crier-old \
		.output.crier-lock .crier-cache
