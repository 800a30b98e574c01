#!/usr/bin/env bash
# Runs a scenario/stress benchmark (a main class in org.p2pgrid.benchmarks.scenario), e.g.
#   benchmarks/scenario.sh LabellingRun 3 0.02
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -DskipTests -pl benchmarks -am package
class="$1"; shift
exec java ${JOPTS:-} -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx4g \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)" "org.p2pgrid.benchmarks.scenario.$class" "$@"
