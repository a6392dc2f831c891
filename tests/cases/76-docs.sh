#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Docs that cannot drift (issue 24): the man pages name every command,
# option and map the code has and none it lacks, vrouter.conf(5) every
# key of the file's parser (tests/man_check.py: from vrctl's own tables
# and include/vr_maps.h); vrctl.8's --version example is this version
# and ABI, its date not older than the release, the configuration file
# listed once; help describes neigh as it is; the benchmark's run date
# the same in bench/README.md, summary.md and run.json; LICENSE holds both
# licenses the files name; CHANGELOG.md has this version; the zsh
# completion offers the commands, options and values vrctl prints.
# Needs no namespace.
# plan: 21
. "$(dirname "$0")/../lib.sh"

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
"$PY" "$TOP/tests/man_check.py" "$VRCTL" "$TOP" || T_FAILED=1

VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
ABI=$(sed -n 's/^#define VR_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$TOP/include/vrouter.h")
check_eq "vrctl.8: the --version example is this release and ABI" "vrctl $VERSION (git 1a2b3c4, abi $ABI)" \
	"$(grep -o '"vrctl [0-9.]* (git [0-9a-f]*, abi [0-9]*)"' "$TOP/loader/vrctl.8" | tr -d '"')"
REL=$(date -u -d "$(sed -n 's/^ -- .*>  //p' "$TOP/debian/changelog" | head -1)" +%Y-%m)
for m in vrctl.8 vrouter.conf.5; do
	d=$(sed -n 's/^\.TH [^ ]* [0-9] "\([0-9-]*\)".*/\1/p' "$TOP/loader/$m")
	check "$m is dated $d, not before the release ($REL)" test "$d" '>' "$REL" -o "$d" = "$REL"
done
check_eq "vrctl.8 FILES: an entry for /etc/vrouter/vrouter.conf, one" 1 \
	"$(sed -n '/^\.SH FILES/,/^\.SH /p' "$TOP/loader/vrctl.8" | grep -A1 -x '\.TP' | grep -cx '\.I /etc/vrouter/vrouter.conf')"
check_eq "help: neigh as it is (sync mirrors neighbours now)" "" "$("$VRCTL" help | grep -i 'until sync')"

# the benchmark's committed run: one date
RUN=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["date"])' "$TOP/bench/results/run.json")
check "bench/results/summary.md: run $RUN" grep -q "^Run $RUN " "$TOP/bench/results/summary.md"
check "bench/README.md: the committed run is $RUN" grep -q "committed full run.*run $RUN" <(tr '\n' ' ' <"$TOP/bench/README.md")

# license and changelog
check "LICENSE: the BSD-2-Clause and GPL-2.0-only texts" sh -c "grep -q 'SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)' '$TOP/LICENSE' &&
	grep -q 'Redistributions in binary form must reproduce' '$TOP/LICENSE' &&
	grep -q 'GNU GENERAL PUBLIC LICENSE' '$TOP/LICENSE' && grep -q 'Version 2, June 1991' '$TOP/LICENSE'"
check_eq "every C, header, shell and Python file names that license" "" \
	"$(cd "$TOP" && git ls-files -- '*.c' '*.h' '*.sh' '*.py' 2>/dev/null | grep -v '^vmlinux.h$' |
	   xargs -r grep -L 'SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)')"
check "CHANGELOG.md: a section for $VERSION (debian/changelog's)" grep -q "^## $VERSION\b" "$TOP/CHANGELOG.md"

# zsh completion (dist/vrctl.zsh): compadd stubbed to print what it is offered
zc() {
	zsh -f -c 'compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }
		compset() { :; }; _files() { print FILES; }
		words=("${@:2}"); CURRENT=${#words}; source "$1"' _ "$TOP/dist/vrctl.zsh" "$@" | xargs
}
if command -v zsh >/dev/null; then
	check_eq "zsh: the commands" "$("$VRCTL" __complete | xargs)" "$(zc "$VRCTL" "")"
	check_eq "zsh: an abbreviated command's options" "$("$VRCTL" __complete set-router | grep '^--' | cut -d' ' -f1 | xargs)" \
		"$(zc "$VRCTL" set -)"
	check_eq "zsh: an option's values" "on off" "$(zc "$VRCTL" set-router x --fast-path "")"
	check_eq "zsh: neigh's verbs; a FILE" "add replace del show FILES" "$(zc "$VRCTL" neigh "") $(zc "$VRCTL" apply "")"
else
	for i in 1 2 3 4; do ok "zsh completion # SKIP zsh is not installed (make deps)"; done
fi
exit $T_FAILED
