# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Build: bpf/*.bpf.c -> .output/*.bpf.o -> .output/*.skel.h -> vrctl and the
# test programs, each with the object embedded (nothing is looked up on disk
# at run time).  `make V=1` shows the commands.

OUTPUT    := .output
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

# vmlinux.h contract: the BPF side includes only vmlinux.h (generated from
# this kernel's BTF, committed, `make vmlinux` regenerates it) and libbpf's
# bpf_*.h, never <linux/*.h>; include/ headers test __VMLINUX_H__.
INCLUDES  := -I$(OUTPUT) -Iinclude -I.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Wno-compare-distinct-pointer-types
# clang -target bpf does not search the host's arch include directories.
CLANG_SYS_INCLUDES = $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

WARNINGS  := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	     -Wold-style-definition -Wformat=2 -Wno-unused-parameter
CFLAGS    ?= -g -O2
CFLAGS    += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE
# vrctl --version: the release, and the git revision built ("unknown"
# outside a git checkout, e.g. a source package).
# The release is debian/changelog's first entry (one place for it).
VERSION   := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
GIT_REV   := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
LIBS       = $(shell pkg-config --libs libxdp libbpf libmnl jansson libmicrohttpd gnutls libcrypt libpcap yaml-0.1 libcap libsystemd) -lelf -lz

BPF_OBJS  := $(OUTPUT)/vrouter.bpf.o
SKELS     := $(BPF_OBJS:.bpf.o=.skel.h)
# loader/: lib (no vrouter knowledge) <- nl (netlink, namespaces) <- core
# (state, maps, routers, data path) <- sync (the mirror engine) <- config
# (the configuration file of vrctl apply/save) <- cli (vrctl's commands).  Everything but cli is libvrouter.a, which the tests
# and the bench link too.
LAYERS     := lib nl core sync config
CORE_SRCS  := $(foreach l,$(LAYERS),$(wildcard loader/$(l)/*.c))
CORE_OBJS  := $(CORE_SRCS:loader/%.c=$(OUTPUT)/loader/%.o)
CLI_SRCS   := $(wildcard loader/cli/*.c)
CLI_OBJS   := $(CLI_SRCS:loader/%.c=$(OUTPUT)/loader/%.o)
LIBVROUTER := $(OUTPUT)/libvrouter.a
LOADER_HDRS := $(wildcard loader/*/*.h)
TEST_PROGS := $(OUTPUT)/tests/test_dataplane $(OUTPUT)/tests/vr_testmap
# Unit tests of the loader's libraries (tests/cases/05-units.sh).
TEST_PROGS += $(OUTPUT)/tests/test_htab $(OUTPUT)/tests/test_sched $(OUTPUT)/tests/test_connguard
# k/M/G numbers of loader/lib/parse, lib/abbrev (tests/cases/72-cli.sh).
TEST_PROGS += $(OUTPUT)/tests/test_parse
# The data-plane fuzzer (tests/fuzz): its fixed-seed runner is a test program.
TEST_PROGS += $(OUTPUT)/tests/fuzz_dataplane
# The migration engine on CONV rows (tests/cases/92-upgrade.sh).
TEST_PROGS += $(OUTPUT)/tests/test_migrate
# Load and latency of the follower under a flood (tests/cases/83-follow-fair.sh).
TEST_PROGS += $(OUTPUT)/tests/follow_load
# The benchmark (bench/): its own BPF objects and programs, in .output/bench.
BENCH_SKELS := $(patsubst bench/%.bpf.c,$(OUTPUT)/bench/%.skel.h,$(wildcard bench/*.bpf.c))
BENCH_PROGS := $(OUTPUT)/bench/trafficgen $(OUTPUT)/bench/benchctl

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all clean vmlinux deps test check demo bench bench-quick bench-progs
all: $(OUTPUT)/vrctl $(OUTPUT)/vrctl-init vrctl $(TEST_PROGS) $(BENCH_PROGS)

$(OUTPUT) $(OUTPUT)/tests:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/vrouter.h vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(INCLUDES) $(CLANG_SYS_INCLUDES) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(OUTPUT)/loader/%.o: loader/%.c $(LOADER_HDRS) $(wildcard include/*.h) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(INCLUDES) -Iloader -c $< -o $@

# Rebuilt when the revision changes: the stamp is rewritten only then.
$(OUTPUT)/git-rev: FORCE | $(OUTPUT)
	$(Q)echo '$(VERSION) $(GIT_REV)' | cmp -s - $@ || echo '$(VERSION) $(GIT_REV)' > $@
$(OUTPUT)/loader/cli/version.o: $(OUTPUT)/git-rev
$(OUTPUT)/loader/cli/version.o: CFLAGS += -DVR_VERSION='"$(VERSION)"'
.PHONY: FORCE
# The revision vr_abi records and --version prints (core/migrate.c).
$(OUTPUT)/loader/core/migrate.o: $(OUTPUT)/git-rev
$(OUTPUT)/loader/core/migrate.o: CFLAGS += -DVR_REVISION='"$(GIT_REV)"'

$(LIBVROUTER): $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/vrctl: $(CLI_OBJS) $(LIBVROUTER)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

# A VR's init (loader/core/tenant_init.c): a program of its own, on libc
# alone (one runs per VR), in LIBEXECDIR (vrctl looks next to itself,
# then in ../lib/vrouter).
$(OUTPUT)/vrctl-init: loader/init/vrctl_init.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

vrctl: $(OUTPUT)/vrctl $(OUTPUT)/vrctl-init
	$(Q)ln -sf $< $@

$(OUTPUT)/tests/%: tests/%.c $(wildcard tests/*.h) $(wildcard include/*.h) $(SKELS) $(LIBVROUTER) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -Iloader -Itests $< $(LIBVROUTER) $(LIBS) -o $@

# Data-plane fuzzer, one source (tests/fuzz/fuzz_dataplane.c), two builds:
# the fixed-seed runner (tests/cases/15-fuzz.sh) and a libFuzzer target
# built with clang; `make fuzz` runs the latter for FUZZ_SECONDS in its
# namespace (corpus in .output/fuzz-corpus, crashes in .output/fuzz-artifacts).
FUZZ_SRC  := tests/fuzz/fuzz_dataplane.c
FUZZ_DEPS := $(FUZZ_SRC) $(wildcard tests/fuzz/*.h) tests/frame.h include/vrouter.h $(SKELS) $(LIBVROUTER)
FUZZ_SECONDS ?= 600
FUZZ_LF_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		  -DFZ_LIBFUZZER -std=gnu11 $(WARNINGS) -D_GNU_SOURCE

$(OUTPUT)/tests/fuzz_dataplane: $(FUZZ_DEPS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -Iloader -Itests -Itests/fuzz $(FUZZ_SRC) $(LIBVROUTER) $(LIBS) -o $@

$(OUTPUT)/tests/fuzz_dataplane_lf: $(FUZZ_DEPS) | $(OUTPUT)/tests
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_LF_CFLAGS) $(INCLUDES) -Iloader -Itests -Itests/fuzz $(FUZZ_SRC) \
		$(LIBVROUTER) $(LIBS) -o $@

.PHONY: fuzz
fuzz: $(OUTPUT)/tests/fuzz_dataplane $(OUTPUT)/tests/fuzz_dataplane_lf
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run-libfuzzer.sh

$(OUTPUT)/bench:
	$(Q)mkdir -p $@

$(OUTPUT)/bench/%.bpf.o: bench/%.bpf.c bench/bench.h $(wildcard bpf/*.h) include/vrouter.h vmlinux.h | $(OUTPUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(INCLUDES) -Ibench -Ibpf $(CLANG_SYS_INCLUDES) -c $< -o $@

$(OUTPUT)/bench/%.skel.h: $(OUTPUT)/bench/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(OUTPUT)/bench/%: bench/%.c $(wildcard bench/*.h) include/vrouter.h $(SKELS) $(BENCH_SKELS) $(LIBVROUTER) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -Iloader -Ibench $< $(LIBVROUTER) $(LIBS) -o $@

# trafficgen: the command and its backends (bench/tg.h), one file each.
TG_SRCS := bench/trafficgen.c $(wildcard bench/tg_*.c)
$(OUTPUT)/bench/trafficgen: $(TG_SRCS) $(wildcard bench/*.h) include/vrouter.h $(BENCH_SKELS) $(LIBVROUTER) | $(OUTPUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) -Iloader -Ibench $(TG_SRCS) $(LIBVROUTER) $(LIBS) -o $@

bench-progs: $(BENCH_PROGS)

# The benchmark of bench/README.md: *.csv, *.png and summary.md in a new
# dated folder bench/results/<YYYY-MM-DDTHHMM>/ (the committed run in
# bench/results/ stays). Sets kernel.sched_rt_runtime_us to -1 while it runs.
# bench-quick: fig4, ipv6 and gencmp (minutes); bench: every scenario (~35 minutes).
bench-quick: bench-progs
	/usr/bin/python3 bench/bench.py --quick

bench: bench-progs
	/usr/bin/python3 bench/bench.py --full

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

# Everything the build, the tests and the demo use, from Debian's packages.
DEB_PKGS := make gcc libc6-dev clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev \
	    libmnl-dev libjansson-dev pkg-config iproute2 ethtool iputils-ping tcpdump \
	    python3 python3-scapy util-linux procps bird2 frr \
	    python3-matplotlib libmicrohttpd-dev libpcap-dev prometheus curl openssl apache2-utils \
	    libyaml-dev libgnutls28-dev libcrypt-dev iperf3 python3-jsonschema python3-yaml zsh \
	    libcap-dev libsystemd-dev debhelper dpkg-dev lintian fakeroot
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

test check: all
	tests/run.sh

demo: all
	tests/demo.sh

# Not part of `make test`: traffic through VRs for SOAK_MINUTES while VRs
# come and go and routes change; every frame accounted for (tests/soak.sh).
SOAK_MINUTES ?= 5
.PHONY: soak
soak: all
	SOAK_MINUTES=$(SOAK_MINUTES) tests/soak.sh

# vrctl (and vrctl-init, in LIBEXECDIR), its man pages (vrctl(8),
# vrouter.conf(5)), the systemd units (dist/*.service.in, their paths
# filled in here), the bash and zsh completions, the examples (the
# configuration, the Prometheus alert rules, the Grafana dashboard) and
# /etc/vrouter.  `make uninstall`
# removes exactly these (the directory /etc/vrouter only if empty: the
# operator's vrouter.conf stays).  The package (debian/rules) sets
# PREFIX=/usr UNITDIR=/lib/systemd/system.
PREFIX      ?= /usr/local
DESTDIR     ?=
SBINDIR     ?= $(PREFIX)/sbin
LIBEXECDIR  ?= $(PREFIX)/lib/vrouter
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# zsh's own fpath: vendor-completions for /usr (Debian), site-functions elsewhere
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
DOCDIR      ?= $(PREFIX)/share/doc/vrouter
SYSCONFDIR  ?= /etc
UNITS       := $(patsubst dist/%.in,%,$(wildcard dist/*.service.in))
# dist/FILE -> $(DOCDIR)/examples/NAME
EXAMPLES    := vrouter.conf.example:vrouter.conf vrouter-alerts.yml:vrouter-alerts.yml \
	       grafana-vrouter.json:grafana-vrouter.json
INSTALLED   := $(SBINDIR)/vrctl $(LIBEXECDIR)/vrctl-init $(MANDIR)/man8/vrctl.8 \
	       $(MANDIR)/man5/vrouter.conf.5 $(BASHCOMPDIR)/vrctl $(ZSHCOMPDIR)/_vrctl \
	       $(addprefix $(UNITDIR)/,$(UNITS)) \
	       $(foreach e,$(EXAMPLES),$(DOCDIR)/examples/$(lastword $(subst :, ,$(e))))
.PHONY: install uninstall deb
install: $(OUTPUT)/vrctl $(OUTPUT)/vrctl-init
	install -D -m 755 $(OUTPUT)/vrctl $(DESTDIR)$(SBINDIR)/vrctl
	install -D -m 755 $(OUTPUT)/vrctl-init $(DESTDIR)$(LIBEXECDIR)/vrctl-init
	install -D -m 644 loader/vrctl.8 $(DESTDIR)$(MANDIR)/man8/vrctl.8
	install -D -m 644 loader/vrouter.conf.5 $(DESTDIR)$(MANDIR)/man5/vrouter.conf.5
	install -D -m 644 dist/vrctl.bash $(DESTDIR)$(BASHCOMPDIR)/vrctl
	install -D -m 644 dist/vrctl.zsh $(DESTDIR)$(ZSHCOMPDIR)/_vrctl
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/vrouter
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
			dist/$$u.in > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	for e in $(EXAMPLES); do \
		install -D -m 644 dist/$${e%%:*} $(DESTDIR)$(DOCDIR)/examples/$${e#*:} || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(SYSCONFDIR)/vrouter $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)

# The Debian package (debian/), unsigned, in the parent directory:
# ../vrouter_<version>_<arch>.deb.
deb:
	dpkg-buildpackage -us -uc -b

# The vrctl of an older revision (tests/cases/92-upgrade.sh, the bench's
# upgrade scenario): `git archive` of UPGRADE_FROM built in
# .output/old/REV/, kept; default: the last commit of ABI 1.
UPGRADE_FROM ?= 7f67b40
.PHONY: old-vrctl
old-vrctl: $(OUTPUT)/old/$(UPGRADE_FROM)/vrctl
$(OUTPUT)/old/%/vrctl:
	$(call msg,OLD,$@)
	$(Q)rm -rf $(OUTPUT)/old/$*.tmp && mkdir -p $(OUTPUT)/old/$*.tmp
	$(Q)git archive --format=tar $* | tar -x -C $(OUTPUT)/old/$*.tmp
	$(Q)$(MAKE) -s -C $(OUTPUT)/old/$*.tmp .output/vrctl
	$(Q)mkdir -p $(@D) && cp $(OUTPUT)/old/$*.tmp/.output/vrctl $@ && rm -rf $(OUTPUT)/old/$*.tmp

# Mutation testing: each mutant of tests/mutants/mutants.txt (a small
# plausible bug) planted in a copy of the tree, rebuilt there, and the
# test cases named for it run; ends with "N of M mutants killed".
# MUTANTS=PATTERN runs only the mutants whose name contains it.
.PHONY: mutate
mutate: all
	tests/mutants/run.py $(MUTANTS)

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT) vrctl

.DELETE_ON_ERROR:
.SECONDARY:
