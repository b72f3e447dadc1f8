#!/usr/bin/env bash
# newsstream benchmarks: bench/run.sh [storm|shared|fanout|all]...   (default: all)
#
# Builds what it needs (the WAR, Payara Micro's jar, the test classes with the fixture feed server),
# compiles bench/src against them into target/bench-classes and runs the benchmark JVM, which starts
# the real WAR through docker/start.sh on a free port and always stops it again. Not part of mvn verify.
#
# Environment:
#   BENCH_SERVER_JAVA_OPTS  the server's JAVA_OPTS   (default: -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError)
#   BENCH_STALLED_JAVA_OPTS the stalled scenario's server JAVA_OPTS (default: -Xms3g -Xmx3g -XX:+ExitOnOutOfMemoryError)
#   BENCH_JAVA_OPTS         extra options for the benchmark JVM, e.g. -Dbench.fanout.sizes=1000
#   BENCH_SKIP_BUILD=1      reuse target/ as it is (after a first full run)
set -euo pipefail
cd "$(dirname "$0")/.."

# Both JVMs (this one and the server it starts) inherit this: 10,000 live clients need >10,000 sockets
# on each side. Raise the hard limit if we may (CAP_SYS_RESOURCE), else go as high as it allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "bench: open-files limit $(ulimit -n)"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "bench: building (mvn package test-compile, tests skipped)"
    mvn -q -B -ntp -DskipTests package test-compile
    mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt
fi
for f in target/newsstream.war target/payara-micro.jar target/test-classes target/bench-classpath.txt; do
    [ -e "$f" ] || { echo "bench: $f is missing; run without BENCH_SKIP_BUILD" >&2; exit 1; }
done

CP="target/test-classes:$(cat target/bench-classpath.txt)"
rm -rf target/bench-classes
mkdir -p target/bench-classes
find bench/src -name '*.java' > target/bench-sources.txt
javac --release 17 -encoding UTF-8 -d target/bench-classes -cp "$CP" @target/bench-sources.txt

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src bench 2>/dev/null || echo '+dirty')"
# shellcheck disable=SC2086
exec java -Xms256m -Xmx1g -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-} \
    -Dbench.basedir="$PWD" -Dbench.commit="$COMMIT" \
    ${BENCH_SERVER_JAVA_OPTS:+"-Dbench.javaOpts=$BENCH_SERVER_JAVA_OPTS"} \
    ${BENCH_STALLED_JAVA_OPTS:+"-Dbench.stalled.javaOpts=$BENCH_STALLED_JAVA_OPTS"} \
    -cp "target/bench-classes:$CP" dev.newsstream.bench.Bench "$@"
