#!/usr/bin/env bash
# Issue 5 stress sweep (see StressRun's javadoc): rollout + memory at N = 100, 300, 1000 prosumers,
# then one learner-update configuration per JVM (OP / OP-MH, batch 32 / 128), each under `timeout`
# so that a native OOM or a hang is reported instead of ending the sweep.
#   benchmarks/stress.sh [rollout|update|all=all] [seconds=40]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -DskipTests -pl benchmarks -am package || exit 1
what="${1:-all}"; seconds="${2:-40}"
run() {
  echo "== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): StressRun $*"
  # address-space cap: a native allocation beyond it fails inside PyTorch (reported by StressRun)
  # instead of pushing the shared box into the OOM killer
  ( ulimit -v "${STRESS_VMEM_KB:-16777216}"
  /usr/bin/time -f "   [%e s wall, %U+%S s CPU, max RSS %M kB, exit %x]" timeout 240 \
    java ${JOPTS:-} -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Xmx4g \
      -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)" \
      org.p2pgrid.benchmarks.scenario.StressRun "$@" 2>&1 | grep -v 'INFO\|WARN\|SLF4J\|AutoNonVariableTypeMode' )
}
if [[ "$what" == rollout || "$what" == all ]]; then
  for n in 100 300 1000; do run "$n" 2 64 "$seconds"; done
fi
if [[ "$what" == update || "$what" == all ]]; then
  for n in 100 300 1000; do
    for algo in OP OP-MH; do
      for b in 32 128; do run update "$n" "$algo" "$b" 64 3; done
    done
  done
fi
