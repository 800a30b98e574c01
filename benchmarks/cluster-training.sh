#!/usr/bin/env bash
# Cluster training throughput on 127.0.0.1: one learner node + R rollout nodes (ClusterNode JVMs),
# a tiny run (synthetic 33-bus feeder, 3 prosumers, hidden 16, rule-based labels), W worlds.
# Usage: benchmarks/cluster-training.sh ROLLOUT_NODES [WORLDS] [EPISODES] [LEARNER_LAG_EPISODES]
#   LEARNER_LAG_EPISODES: p2pgrid.runtime.learner-lag-episodes (2: worlds wait for the learner as in the
#   tests; 1000: worlds never wait, i.e. rollout throughput)
# Prints: episodes/s between the first and the last committed episode (JVM/DJL start-up excluded).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rollouts="${1:?ROLLOUT_NODES}"; worlds="${2:-4}"; episodes="${3:-16}"; lag="${4:-2}"
jar="$here/actors/target/p2pgrid-actors-0.1.0-SNAPSHOT.jar"
[ -f "$jar" ] || (cd "$here" && ./mvnw -B -q -DskipTests -pl actors -am package)
cp="$jar:$(cat "$here/actors/target/launcher.classpath")"
work="$(mktemp -d)"; trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/training.conf" <<CONF
p2pgrid.training {
  algo = op, episodes = $episodes, seed = 5, warmup-transitions = 64, validation-every = 0,
  checkpoint-every = 0, keep-checkpoints = 1, validation-days = "0"
  labels { teacher = rule-based, every-steps = 4 }
  learner { batch-size = 32 }
  network { hidden = 16, embed-dim = 16, heads = 2, head-dim = 8 }
  replay { normal-capacity = 4000, violation-capacity = 4000 }
}
p2pgrid.runtime { worlds = $worlds, expert-workers = 1, learner-lag-episodes = $lag }
CONF
java_cmd=(java -Xmx256m -XX:+UseSerialGC -Dai.djl.offline=true -DOPT_OUT_TRACKING=true
  -Dp2pgrid.cluster.min-rollout-nodes="$rollouts"
  -Dconfig.file="$here/cluster-config/cluster-tcp.conf" -cp "$cp" org.p2pgrid.actors.cluster.ClusterNode)
opts=(--run-dir "$work/run" --training "$work/training.conf" --scenario synthetic:33:3:7)
base=$((26000 + RANDOM % 1000))
"${java_cmd[@]}" learner $base "${opts[@]}" > "$work/learner.log" 2>&1 &
for i in $(seq 1 "$rollouts"); do
  "${java_cmd[@]}" rollout $((base + i)) 127.0.0.1:$base "${opts[@]}" > "$work/rollout-$i.log" 2>&1 &
done
until grep -q "EPISODE-COMMITTED" "$work/learner.log"; do sleep 0.2; done
t0=$(date +%s.%N)
until [ "$(grep -c "EPISODE-COMMITTED" "$work/learner.log")" -ge "$episodes" ]; do sleep 0.2; done
t1=$(date +%s.%N)
n=$(grep -c "EPISODE-COMMITTED" "$work/learner.log")
for i in $(seq 1 "$rollouts"); do echo "rollout-$i worlds: $(grep -c WORLD-STARTED "$work/rollout-$i.log")"; done
awk -v a="$t0" -v b="$t1" -v n="$n" -v r="$rollouts" -v w="$worlds" -v lag="$lag" 'BEGIN {
  printf "rollout nodes %d, worlds %d, learner-lag %s: %d episodes after the first in %.1f s = %.3f episodes/s (%.0f env steps/s)\n",
         r, w, lag, n - 1, b - a, (n - 1) / (b - a), (n - 1) * 96 / (b - a) }'
uptime
