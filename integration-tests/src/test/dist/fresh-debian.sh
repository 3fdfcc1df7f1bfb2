#!/usr/bin/env bash
# The .deb on a fresh Debian 12 (bookworm): installs it with apt into a pristine debootstrapped minbase root and runs
# the acceptance commands there, with the chroot's own man, bash-completion and systemd:
#   handoff --help; man handoff; bash completion of `handoff pl<TAB>`; handoff estimate; handoff status --json;
#   handoff matrix --report DIR (JUnit XML, all pass); systemd-analyze verify of the units; dpkg -s handoff;
#   apt-get remove handoff (the conffile stays, the command goes).
# Each check's output is printed between markers:
#   ==== fresh-debian: BEGIN <step>: <command>
#   ==== fresh-debian: PASS <step>        or        ==== fresh-debian: FAIL <step>: <why>
# and the script exits 1 at the first failure ("==== fresh-debian: ALL PASSED" ends a good run).
#
# Usage (as root: debootstrap, chroot, mounts): fresh-debian.sh DEB WORKDIR
#   HANDOFF_TEST_KERNEL        an x86_64 bzImage (estimate, matrix)      required
#   HANDOFF_TEST_KERNEL_S390X  an s390x image (matrix)                   required
#   KEEP=1                     keep WORKDIR/root afterwards (it is always unmounted)
#   HANDOFF_CACHE              cache directory (default ~/.cache/handoff)
# The minbase root is debootstrapped once into $HANDOFF_CACHE/fresh-debian-bookworm.tar (rebuilt when missing) and
# unpacked afresh into WORKDIR/root on every run; downloaded .debs are kept in $HANDOFF_CACHE/fresh-debian-apt (apt
# checks them against the freshly updated index), so only the first run downloads the Java runtime.
set -euo pipefail

say() { echo "fresh-debian: $*" >&2; }
die() { say "ERROR: $*"; exit 2; }

[ $# -eq 2 ] || die "usage: fresh-debian.sh DEB WORKDIR"
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and mounts)"
deb=$(readlink -f "$1")
[ -f "$deb" ] || die "no package $1"
mkdir -p "$2"
work=$(readlink -f "$2")
[ "$work" != / ] || die "WORKDIR must not be /"
kernel=${HANDOFF_TEST_KERNEL:-}
kernel_s390x=${HANDOFF_TEST_KERNEL_S390X:-}
[ -n "$kernel" ] && [ -r "$kernel" ] || die "set HANDOFF_TEST_KERNEL to a readable x86_64 kernel image"
[ -n "$kernel_s390x" ] && [ -r "$kernel_s390x" ] || die "set HANDOFF_TEST_KERNEL_S390X to a readable s390x kernel image"

cache=${HANDOFF_CACHE:-$HOME/.cache/handoff}
tarball=$cache/fresh-debian-bookworm.tar
aptcache=$cache/fresh-debian-apt
mirror=http://deb.debian.org/debian
mkdir -p "$cache" "$aptcache"

# --- mounts: every mount below a directory, released deepest first; nothing is deleted while one remains ----------
mounts_under() { # DIR: the mount points at or below DIR, deepest first
    findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1' | sort -r
}
release_mounts() { # DIR
    local m
    for m in $(mounts_under "$1"); do
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    if [ -n "$(mounts_under "$1")" ]; then
        say "ERROR: still mounted below $1:"
        mounts_under "$1" >&2
        return 1
    fi
}
remove_tree() { # DIR: unmounted first, deleted without crossing into another file system
    [ -e "$1" ] || return 0
    release_mounts "$1" || { say "ERROR: NOT deleting $1: mounts remain"; return 1; }
    rm -rf --one-file-system "$1"
}

# --- the cached minbase root -----------------------------------------------------------------------------------
build=
build_tarball() {
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap with apt-get (it is missing)"
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
    fi
    build=$(mktemp -d "$cache/fresh-debian-build.XXXXXX")
    trap 'remove_tree "$build"' EXIT
    say "debootstrap --variant=minbase bookworm $mirror (once; cached in $tarball)"
    local start=$SECONDS
    if ! debootstrap --variant=minbase bookworm "$build/root" "$mirror" > "$build/debootstrap.log" 2>&1; then
        tail -n 30 "$build/debootstrap.log" >&2
        [ -f "$build/root/debootstrap/debootstrap.log" ] && tail -n 30 "$build/root/debootstrap/debootstrap.log" >&2
        die "debootstrap failed"
    fi
    release_mounts "$build" || die "debootstrap left mounts behind in $build"
    say "debootstrap took $((SECONDS - start))s"
    rm -f "$build"/root/var/cache/apt/archives/*.deb
    tar --numeric-owner --xattrs -cf "$build/root.tar" -C "$build/root" .
    mv "$build/root.tar" "$tarball"
    remove_tree "$build"
    trap - EXIT
}

exec 9> "$cache/fresh-debian-bookworm.lock"
flock 9 # one builder at a time; the others wait and use its tarball
if [ ! -s "$tarball" ]; then build_tarball; fi
flock -u 9

# --- a pristine root for this run ------------------------------------------------------------------------------
root=$work/root
cleanup() {
    local rc=$?
    release_mounts "$root" || rc=3
    if [ "${KEEP:-}" = 1 ]; then
        say "KEEP=1: the root stays in $root (unmounted)"
    elif [ -e "$root" ]; then
        remove_tree "$root" || rc=3
    fi
    say "$(( SECONDS - started ))s in all"
    exit $rc
}
started=$SECONDS
remove_tree "$root" || die "cannot clear $root"
mkdir -p "$root"
trap cleanup EXIT
trap 'exit 130' INT TERM
tar --numeric-owner --xattrs -xf "$tarball" -C "$root"
say "unpacked the minbase root into $root"

mount -t proc proc "$root/proc"
# a minimal /dev of its own (a tmpfs with the usual nodes), not the host's
mount -t tmpfs -o mode=755,nosuid devtmp "$root/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
    IFS=: read -r name major minor <<< "$node"
    mknod -m 666 "$root/dev/$name" c "$major" "$minor"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
# a private devpts instance (apt and dpkg log through a pty)
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
# apt resolves names with the host's resolver configuration
touch "$root/etc/resolv.conf"
mount --bind -o ro /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null \
    || { mount --bind /etc/resolv.conf "$root/etc/resolv.conf" && mount -o remount,bind,ro "$root/etc/resolv.conf"; }
mount --bind "$aptcache" "$root/var/cache/apt/archives"
# no service is started inside the chroot
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

cp "$deb" "$root/tmp/"
mkdir -p "$root/tmp/kernels"
cp "$kernel" "$root/tmp/kernels/vmlinuz-x86_64"
cp "$kernel_s390x" "$root/tmp/kernels/vmlinuz-s390x"
debname=$(basename "$deb")

in_root() {
    chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

# --- the checks ------------------------------------------------------------------------------------------------
# step NAME DESCRIPTION FUNCTION: runs FUNCTION (its output goes between the markers); FUNCTION returns non-zero
# and sets $why when the check fails
why=
step() {
    local name=$1 description=$2 fn=$3 t=$SECONDS
    echo "==== fresh-debian: BEGIN $name: $description"
    why=
    if "$fn"; then
        echo "==== fresh-debian: PASS $name ($((SECONDS - t))s)"
    else
        echo "==== fresh-debian: FAIL $name: ${why:-failed}"
        exit 1
    fi
}
out=
run() { # run COMMAND... in the root: its output is printed and kept in $out; returns its exit code
    local rc=0
    out=$(in_root "$@" 2>&1) || rc=$?
    [ -z "$out" ] || printf '%s\n' "$out"
    return $rc
}
expect() { # expect TEXT...: every TEXT occurs in $out
    local t
    for t in "$@"; do
        if [[ "$out" != *"$t"* ]]; then why="no \"$t\" in the output"; return 1; fi
    done
}

check_update() { run apt-get update || { why="apt-get update exited $?"; return 1; }; }
check_install() {
    run sh -c "cd /tmp && apt-get install -y --no-install-recommends ./$debname" \
        || { why="apt-get install exited $?"; return 1; }
    expect "Setting up handoff" || return 1
    # the postinst records a class-data sharing archive for this JVM (handoff works without it, slower to start)
    if [ -f "$root/usr/share/handoff/lib/handoff.jsa" ]; then echo "class-data archive: recorded by the postinst"
    else echo "class-data archive: none (the postinst could not record one; handoff starts slower)"; fi
}
check_tools() {
    run apt-get install -y --no-install-recommends man-db bash-completion systemd \
        || { why="apt-get install exited $?"; return 1; }
}
check_help() {
    run handoff --help || { why="exit $?"; return 1; }
    expect "Usage: handoff" "estimate" "matrix"
}
check_man() {
    run env MANPAGER=cat MANWIDTH=80 man handoff || { why="exit $?"; return 1; }
    expect "NAME" "EXIT STATUS"
}
check_completion() {
    # bash-completion's own loader finds the file in /usr/share/bash-completion/completions, as <TAB> does
    run bash -c 'source /usr/share/bash-completion/bash_completion
        __load_completion handoff || source /usr/share/bash-completion/completions/handoff
        complete -p handoff
        COMP_WORDS=(handoff pl); COMP_CWORD=1; COMP_LINE="handoff pl"; COMP_POINT=10
        _picocli_handoff
        echo "completion: ${COMPREPLY[*]}"' || { why="exit $?"; return 1; }
    expect "_complete_handoff handoff" "completion: platforms plan"
}
check_estimate() {
    run handoff estimate --platform x86_64 --root qemu-pc-x86_64-1g --kernel /tmp/kernels/vmlinuz-x86_64 \
        || { why="exit $?"; return 1; }
    expect "recommended:" "crashkernel="
}
check_status() {
    run handoff status --json || { why="exit $?"; return 1; }
    if in_root sh -c 'command -v python3' >/dev/null; then
        printf '%s' "$out" | in_root python3 -c 'import json, sys; json.load(sys.stdin)' \
            || { why="not valid JSON"; return 1; }
        echo "(valid JSON: python3)"
    else
        [[ "$out" == "{"* ]] || { why="does not start with {"; return 1; }
        echo "(starts with {: no python3 in the root to parse it)"
    fi
    expect '"schema": "handoff-status/1"'
}
check_matrix() {
    run handoff matrix --report /tmp/matrix --kernel x86_64=/tmp/kernels/vmlinuz-x86_64 \
        --kernel s390x=/tmp/kernels/vmlinuz-s390x || { why="exit $?"; return 1; }
    [ -f "$root/tmp/matrix/junit.xml" ] || { why="no /tmp/matrix/junit.xml"; return 1; }
    local suites
    suites=$(grep -m1 -o '<testsuites[^>]*>' "$root/tmp/matrix/junit.xml") || { why="no <testsuites> in junit.xml"; return 1; }
    echo "junit.xml: $suites"
    [[ "$suites" == *'failures="0"'* ]] || { why="junit.xml has failures: $suites"; return 1; }
    if grep -q '<failure\|<error' "$root/tmp/matrix/junit.xml"; then why="junit.xml has a <failure> or <error>"; return 1; fi
    expect "0 failed"
}
check_units() {
    # no extra flags are needed in a chroot: verify loads the units offline, checks every ExecStart= is an
    # executable and runs `man handoff(1)` for Documentation= (why man-db is installed first: without it verify
    # fails with "Command 'man handoff(1)' failed")
    run systemd-analyze verify /lib/systemd/system/handoff-kdump.service \
        /lib/systemd/system/handoff-kdump.path /lib/systemd/system/handoff-kdump-reload.service \
        || { why="exit $?"; return 1; }
    [ -z "$out" ] || { why="systemd-analyze verify printed something"; return 1; }
    echo "(no output: the units verify)"
}
check_dpkg() {
    run dpkg -s handoff || { why="exit $?"; return 1; }
    expect "Status: install ok installed"
}
check_remove() {
    run apt-get remove -y handoff || { why="apt-get remove exited $?"; return 1; }
    run sh -c 'dpkg -s handoff | grep "^Status:"; ls -l /etc/handoff/handoff.conf;
        if [ -e /usr/bin/handoff ] || [ -L /usr/bin/handoff ]; then echo "/usr/bin/handoff: still there"; else
        echo "/usr/bin/handoff: removed"; fi; [ -d /usr/share/handoff/lib ] && echo "/usr/share/handoff/lib: still there" || true' \
        || { why="exit $?"; return 1; }
    expect "Status: deinstall ok config-files" "/etc/handoff/handoff.conf" "/usr/bin/handoff: removed" || return 1
    [[ "$out" != *"still there"* ]] || { why="the package left files behind"; return 1; }
}

step apt-update "apt-get update" check_update
step install "apt-get install -y --no-install-recommends ./$debname" check_install
step help "handoff --help (with only the package's dependencies installed)" check_help
step tools "apt-get install -y --no-install-recommends man-db bash-completion systemd" check_tools
step man "MANPAGER=cat man handoff" check_man
step completion "bash completion of 'handoff pl<TAB>'" check_completion
step estimate "handoff estimate --platform x86_64 --root qemu-pc-x86_64-1g --kernel K" check_estimate
step status "handoff status --json" check_status
step matrix "handoff matrix --report /tmp/matrix --kernel x86_64=K --kernel s390x=K390" check_matrix
step systemd-analyze "systemd-analyze verify handoff-kdump.service handoff-kdump.path handoff-kdump-reload.service" check_units
step dpkg-status "dpkg -s handoff" check_dpkg
step remove "apt-get remove -y handoff (the conffile stays, /usr/bin/handoff goes)" check_remove
echo "==== fresh-debian: ALL PASSED"
