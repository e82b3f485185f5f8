#!/usr/bin/env bash
# The shipped artefacts as a user gets them: `make install` into a staging root and back
# out, the installed binaries run with the Swift toolchain hidden, the completions loaded
# by their shells, the .deb built, linted, installed with apt and removed.
#
# Run from the project's root, as root (CI does): bash tests/packaging/install-test.sh
# Needs a release build (make builds it when missing). Installs lintian, zsh and fish when
# missing. Not root: the apt install/removal part is skipped, and says so.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
ok() { passed=$((passed+1)); echo "ok   $1"; }
fail() { failed=$((failed+1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<< "$2"; }
check() { local label=$1; shift; local out; if out=$("$@" 2>&1); then ok "$label"; else fail "$label" "$out"; fi; }

root=$([ "$(id -u)" = 0 ] && echo yes || echo no)
if [ "$root" = yes ]; then
  missing=()
  for p in lintian zsh fish; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install-test: installing ${missing[*]}"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >/dev/null 2>&1
  fi
fi

version=$(make -s version)
make -s all 2>&1 | grep -v "warning: the use of .mktemp" | grep -E "error|warning" && fail "make: no errors or warnings"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")  # /opt/swift

# --- make install / uninstall into a staging root -------------------------------------------
stage=$tmp/stage; prefix=/usr/local
mkdir -p "$stage$prefix/bin" "$stage$prefix/share/man/man1"
echo keep > "$stage$prefix/bin/someone-elses-tool"        # uninstall must leave this alone
echo keep > "$stage$prefix/share/man/man1/other.1"
before=$(cd "$stage" && find . | sort)
check "make install PREFIX=$prefix DESTDIR=..." make -s install PREFIX=$prefix DESTDIR="$stage"
expected="bin/amiscript bin/amisim share/man/man1/amiscript.1 share/man/man1/amisim.1
share/bash-completion/completions/amiscript share/bash-completion/completions/amisim
share/zsh/site-functions/_amiscript share/zsh/site-functions/_amisim
share/fish/vendor_completions.d/amiscript.fish share/fish/vendor_completions.d/amisim.fish
share/doc/amiscript/README.md share/doc/amiscript/docs/language.md share/doc/amiscript/docs/fleet.md
share/doc/amiscript/examples/vmcount.ami share/doc/amiscript/examples/fleet/fleet.sh"
missing_files=""
for f in $expected; do [ -e "$stage$prefix/$f" ] || missing_files+="$f "; done
[ -z "$missing_files" ] && ok "install puts every file in place" || fail "install puts every file in place" "missing: $missing_files"
[ -x "$stage$prefix/share/doc/amiscript/examples/vmcount.ami" ] && ok "examples stay executable" || fail "examples stay executable"

bin=$stage$prefix/bin
if ldd "$bin/amiscript" "$bin/amisim" | grep -q libswift; then
  fail "ldd shows no libswift*" "$(ldd "$bin/amiscript" | grep swift)"
else ok "ldd shows no libswift*"; fi
for p in amiscript amisim; do
  if nm "$bin/$p" 2>&1 | grep -q "no symbols"; then ok "$p is stripped"; else fail "$p is stripped"; fi
done

# The installed binaries with the toolchain folder hidden under an empty tmpfs.
# (The mount is a line of its own: `mount && cmd &` would put both in one background
# subshell, and $! would be the subshell's, not the command's.)
hidden() { unshare -m sh -c "mount -t tmpfs none '$toolchain' || exit 1
$*"; }
if ! unshare -m true 2>/dev/null; then
  fail "unshare -m works here (needs root or user namespaces)"
else
  out=$(hidden "[ ! -e '$toolchain/usr/bin/swift' ] && '$bin/amiscript' --sim '$stage$prefix/share/doc/amiscript/examples/vmcount.ami' 200@default" 2>&1)
  [ "$out" = "$(printf 'Mailbox: 200@default\nConnected.\nLogged in.\nNew messages: 3\nOld messages: 2')" ] \
    && ok "vmcount runs with $toolchain hidden" || fail "vmcount runs with $toolchain hidden" "$out"
  out=$(hidden "'$bin/amiscript' --version; '$bin/amisim' --version" 2>&1)
  [ "$out" = "$(printf 'amiscript %s\namisim %s' "$version" "$version")" ] \
    && ok "--version of both is $version with $toolchain hidden" || fail "--version of both is $version" "$out"
  out=$(hidden "'$bin/amisim' --port 0 > '$tmp/sim.out' & pid=\$!
    for i in $(seq -s ' ' 50); do grep -qs listening '$tmp/sim.out' && break; sleep 0.1; done
    AMI_PORT=\$(sed -n 's/^amisim listening on .*://p' '$tmp/sim.out') '$bin/amiscript' -e 'connect; login admin secret5; action Ping; print \$response.Ping'
    kill \$pid" 2>&1)
  [ "$out" = "Pong" ] && ok "installed amisim serves the installed amiscript, toolchain hidden" \
    || fail "installed amisim serves the installed amiscript, toolchain hidden" "$out"
  # The installed (statically linked) amiscript runs its tasks on NIO's one event-loop
  # thread: while a script waits in expect, the process has two threads (main and the loop).
  # Before NIOGlobalExecutor it had four: SwiftNIO's own install of the global executor fails
  # in a static binary, and Dispatch's threads ran every task (docs/performance.md).
  out=$(hidden "'$bin/amisim' --port 0 > '$tmp/sim2.out' & pid=\$!
    for i in $(seq -s ' ' 50); do grep -qs listening '$tmp/sim2.out' && break; sleep 0.1; done
    AMI_PORT=\$(sed -n 's/^amisim listening on .*://p' '$tmp/sim2.out') '$bin/amiscript' -e 'connect; login admin secret5; expect -timeout 1.5 { /never/ { } timeout { print \"waited\" } }' & script=\$!
    sleep 0.8; ls /proc/\$script/task | wc -l; wait \$script; kill \$pid" 2>&1)
  [ "$out" = "$(printf '2\nwaited')" ] && ok "installed amiscript: 2 threads while a script waits" \
    || fail "installed amiscript: 2 threads while a script waits" "$out"
fi

# Completions: bash offers the options; zsh and fish read theirs without a syntax error.
out=$(bash -c "source '$stage$prefix/share/bash-completion/completions/amiscript'
  COMP_WORDS=(amiscript --s); COMP_CWORD=1; COMP_LINE='amiscript --s'; COMP_POINT=\${#COMP_LINE}
  \$(complete -p amiscript | sed -E 's/.*-F ([^ ]+).*/\\1/') amiscript --s amiscript; printf '%s\n' \"\${COMPREPLY[@]}\"" 2>&1)
grep -qx -- "--sim" <<< "$out" && ok "bash completes amiscript --s to --sim" || fail "bash completes amiscript --s to --sim" "$out"
head -1 "$stage$prefix/share/bash-completion/completions/amiscript" | grep -q '^#!' \
  && fail "bash completion has no #! line (lintian)" || ok "bash completion has no #! line (lintian)"
if command -v zsh >/dev/null; then
  check "zsh reads _amiscript and _amisim" zsh -n "$stage$prefix/share/zsh/site-functions/_amiscript" "$stage$prefix/share/zsh/site-functions/_amisim"
  out=$(zsh -fc "fpath=('$stage$prefix/share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -d '$tmp/zcomp'; print -r -- \${_comps[amiscript]} \${_comps[amisim]}" 2>&1)
  [ "$out" = "_amiscript _amisim" ] && ok "zsh compinit finds both completions" || fail "zsh compinit finds both completions" "$out"
else fail "zsh installed for the completion check (apt-get install zsh)"; fi
if command -v fish >/dev/null; then
  out=$(fish -c "source '$stage$prefix/share/fish/vendor_completions.d/amiscript.fish'; complete -C 'amiscript --si'" 2>&1)
  grep -q -- "^--sim" <<< "$out" && ok "fish completes amiscript --si to --sim" || fail "fish completes amiscript --si to --sim" "$out"
else fail "fish installed for the completion check (apt-get install fish)"; fi

out=$(MANWIDTH=80 man -P cat -l "$stage$prefix/share/man/man1/amiscript.1" 2>&1)
grep -q "amiscript $version" <<< "$out" && ok "installed man page renders with version $version" || fail "installed man page renders" "$out"

check "make uninstall PREFIX=$prefix DESTDIR=..." make -s uninstall PREFIX=$prefix DESTDIR="$stage"
after=$(cd "$stage" && find . | sort)
[ "$before" = "$after" ] && ok "uninstall removes exactly what install put there" \
  || fail "uninstall removes exactly what install put there" "$(diff <(echo "$before") <(echo "$after"))"

# --- the Debian package -----------------------------------------------------------------------
deb=build/amiscript_${version}_$(dpkg --print-architecture).deb
check "make deb builds $deb" make -s deb
info=$(dpkg-deb -f "$deb" Package Version Depends 2>&1)
grep -q "^Version: $version$" <<< "$info" && grep -q "libpcre2-8-0" <<< "$info" && grep -q "libedit2" <<< "$info" \
  && ! grep -q swift <<< "$info" && ok "control: version $version, Depends on libpcre2-8-0 and libedit2" \
  || fail "control: version $version, Depends on libpcre2-8-0 and libedit2" "$info"
# RELR relocations (the release link packs them) need glibc 2.36's loader.
if readelf -V build/bin/amiscript | grep -q GLIBC_ABI_DT_RELR; then
  grep -Eq "libc6 \(>= 2\.(3[6-9]|[4-9][0-9])" <<< "$info" && ok "RELR binaries: Depends on libc6 (>= 2.36)" \
    || fail "RELR binaries: Depends on libc6 (>= 2.36)" "$info"
fi
listing=$(dpkg-deb -c "$deb")
grep -q "usr/share/man/man1/amiscript.1.gz" <<< "$listing" && grep -q "usr/share/doc/amiscript/copyright" <<< "$listing" \
  && grep -q "usr/share/zsh/vendor-completions/_amiscript" <<< "$listing" \
  && ok "the package holds gzipped man pages, copyright, vendor completions" \
  || fail "the package holds gzipped man pages, copyright, vendor completions" "$listing"
if command -v lintian >/dev/null; then
  check "lintian finds nothing (pedantic; overrides explained)" make -s lintian
else fail "lintian installed (apt-get install lintian)"; fi

if [ "$root" != yes ]; then
  echo "skip apt install/remove of the package: not root"
elif dpkg-query -W -f='${Status}' amiscript 2>/dev/null | grep -q "install ok installed"; then
  echo "skip apt install/remove: amiscript is already installed from a package on this machine"
else
  out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./$deb" 2>&1)
  [ $? = 0 ] && ok "apt install ./$deb" || fail "apt install ./$deb" "$out"
  out=$(hidden "/usr/bin/amiscript --sim /usr/share/doc/amiscript/examples/vmcount.ami 123@default | tail -1" 2>&1)
  [ "$out" = "Old messages: 0" ] && ok "the packaged amiscript runs vmcount, toolchain hidden" || fail "the packaged amiscript runs vmcount" "$out"
  [ "$(man -w amiscript 2>&1)" = /usr/share/man/man1/amiscript.1.gz ] && ok "man amiscript finds the page" || fail "man amiscript finds the page" "$(man -w amiscript 2>&1)"
  files=$(dpkg -L amiscript | while read -r f; do [ -f "$f" ] && echo "$f"; done)
  out=$(DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -q amiscript 2>&1)
  [ $? = 0 ] && ok "apt remove --purge amiscript" || fail "apt remove --purge amiscript" "$out"
  left=$(for f in $files; do [ -e "$f" ] && echo "$f"; done; [ -d /usr/share/doc/amiscript ] && echo /usr/share/doc/amiscript)
  [ -z "$left" ] && ok "removal leaves none of the package's $(wc -w <<< "$files") files" || fail "removal leaves nothing" "$left"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
