#!/usr/bin/env bash
# Start-up: `handoff --version` against `java -version` (the same JVM), ROUNDS alternating pairs, medians and the
# ratio; then where one `handoff plan --crash` (1 MiB initrd) spends its time: the launcher's phase profile
# (-Dhandoff.profile=true: JVM, CLI, config, plugins, plan, write, digests) and the classes it loads by source
# (the CDS archive, the JDK's modules, each jar).
#
# Usage: integration-tests/bench/startup.sh        (ROUNDS=11)
set -euo pipefail
rounds=${ROUNDS:-11}
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$bench/common.sh"
java_bin=${JAVA:-java}

echo "machine: $(machine_line)"
: > "$work/v" ; : > "$work/j"
"$measure" "$handoff" --version >/dev/null
for ((i = 0; i < rounds; i++)); do
    "$measure" "$handoff" --version >> "$work/v"
    "$measure" "$java_bin" -version >> "$work/j"
done
v=$(median 1 "$work/v"); j=$(median 1 "$work/j")
printf '\n| command | median wall | peak RSS |\n|---|---|---|\n'
printf '| handoff --version | %s ms | %s MiB |\n' "$v" "$(mib_of "$(median 2 "$work/v")")"
printf '| java -version | %s ms | %s MiB |\n' "$j" "$(mib_of "$(median 2 "$work/j")")"
printf 'ratio handoff --version / java -version: %s (%s rounds)\n' "$(ratio "$v" "$j")" "$rounds"

head -c $((1024 * 1024)) /dev/urandom > "$work/initrd"
plan() {
    rm -rf "$work/bundle"
    "$handoff" plan --platform x86_64 --root "$dist/profiles/qemu-pc-x86_64-1g" --kernel "$kernel" \
        --initrd "$work/initrd" --append "console=ttyS0" --crash --out "$work/bundle" >/dev/null
}
plan 2>/dev/null
echo
echo "startup profile of handoff plan --crash (1 MiB initrd), three runs:"
for i in 1 2 3; do
    HANDOFF_JAVA_OPTS="-Dhandoff.profile=true" plan 2>&1 | grep 'profile:' | sed 's/^handoff: profile: /  /'
done
HANDOFF_JAVA_OPTS="-Xlog:class+load=info:file=$work/classes.log" plan 2>/dev/null
echo
echo "classes loaded by that plan, by source:"
sed -n 's/.*source: //p' "$work/classes.log" | awk '
    /^shared objects file \(top\)/ { print "CDS-archive:handoff.jsa"; next }
    /^shared objects file/ { print "CDS-archive:JDK"; next }
    /^jrt:\// { sub(/^jrt:\//, "JDK-module:"); sub(/\/.*/, ""); print; next }
    /\.jar$/ { n = split($0, p, "/"); print "jar:" p[n]; next }
    { print "generated-at-run-time" }' | sort | uniq -c | sort -rn | awk '{printf "  %6d  %s\n", $1, $2}'
echo "  $(grep -c ' source: ' "$work/classes.log") in all"
