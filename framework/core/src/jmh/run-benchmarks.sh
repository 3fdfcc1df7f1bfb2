#!/bin/bash
# Compile and run the JMH benchmarks of framework/core (src/jmh/java, built only with -Pbenchmarks).
# Usage: framework/core/src/jmh/run-benchmarks.sh [JMH ARGS...]   e.g. -p lines=100000 IomemScalingBenchmark.svg
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -Pbenchmarks -pl framework/core -am test-compile -Dmaven.test.skip.exec=true >/dev/null
mvn -B -q -Pbenchmarks -pl framework/core dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >/dev/null
# this checkout's framework-api first: the classpath Maven writes names the framework-api jar in ~/.m2, which may be
# another checkout's
exec java -cp "$here/target/jmh/test-classes:$here/target/jmh/classes:$repo/framework/api/target/classes:$(cat "$cp_file")" \
    org.openjdk.jmh.Main \
    "${@:-IomemScalingBenchmark}"
