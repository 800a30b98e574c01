#!/usr/bin/env bash
# Builds the benchmarks (and what they depend on) and runs JMH with the given arguments, e.g.
#   benchmarks/run.sh PowerFlowBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
# The offline flags are set here for the JMH host JVM; forked JVMs get them through
# @Fork(jvmArgsAppend = ...) in each benchmark class.
# Extra Maven arguments for the build step go in BENCH_MAVEN_ARGS, e.g. BENCH_MAVEN_ARGS=-Ppowsybl-oracle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -DskipTests ${BENCH_MAVEN_ARGS:-} -pl benchmarks -am package
exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)" org.openjdk.jmh.Main "$@"
