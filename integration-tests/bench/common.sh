# Shared by the benchmark scripts of integration-tests/bench (sourced, not run): the checkout, the distribution,
# the kernel, a work directory removed at exit, the measure helper, and median/ratio arithmetic.
top=$(cd "$bench/../.." && pwd)
dist=$top/framework/launcher/target/handoff
# the checkout launcher builds the distribution when it is missing or stale, so no measured run pays for Maven
"$top/handoff" --version >/dev/null
handoff=${HANDOFF:-$dist/bin/handoff}
kernel=${HANDOFF_TEST_KERNEL:-$(bash "$top/framework/launcher/src/dist/libexec/debian-kernel.sh")}
command -v gcc >/dev/null || { echo "$0: gcc not found (apt-get install gcc)" >&2; exit 3; }
work=$(mktemp -d "${TMPDIR:-/tmp}/handoff-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
measure=$work/measure
gcc -O2 -Wall -o "$measure" "$bench/measure.c"

# median FIELD FILE: the median of a column of numbers (1: wall ms, 2: peak RSS KiB)
median() {
    awk -v f="$1" '{print $f}' "$2" | sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print m}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib_of() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
machine_line() {
    echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), $(uname -r)"
}
