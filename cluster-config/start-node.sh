#!/usr/bin/env bash
# Starts one p2pgrid cluster node (org.p2pgrid.actors.cluster.ClusterNode).
# Usage: cluster-config/start-node.sh [--aeron|--tls] ROLE PORT [SEED...] [--run-dir DIR] [--episodes N]
#          [--worlds W] [--scenario default|synthetic:B:P:S|FILE] [--training FILE] [--no-train]
#          [--label-cache DIR] [--expert-workers N]
#   ROLE  learner | rollout | expert      PORT  Artery port of this node
#   SEED  host:port of a seed node; none = this node founds the cluster
#   --run-dir DIR  train into DIR (shared by all learner nodes; a restart resumes); same options on every node
#   expert nodes label for the learner: --label-cache DIR (this node's own label cache), --expert-workers N
#   (./p2pgrid node ROLE PORT ... takes the same arguments)
# Environment: P2PGRID_HOST / P2PGRID_BIND_HOST (default 127.0.0.1), P2PGRID_RUN_DIR (checkpoints the
# learner singleton restores), P2PGRID_TLS_DIR + P2PGRID_TLS_PASSWORD (--tls), P2PGRID_JAVA_OPTS,
# P2PGRID_EXTRA_CP (e.g. the aeron-driver, aeron-client and agrona jars for --aeron).
# Example (3 nodes on one machine):
#   cluster-config/start-node.sh learner 2551 &
#   cluster-config/start-node.sh learner 2552 127.0.0.1:2551 &
#   cluster-config/start-node.sh rollout 2553 127.0.0.1:2551 &
#   cluster-config/start-node.sh expert 2554 127.0.0.1:2551 &     # optional: labels off the learner's node
#   (training: append the same --run-dir DIR [--episodes N ...] to each line)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conf="$here/cluster-config/cluster-tcp.conf"
extra=()
case "${1:-}" in
  --aeron)
    shift; conf="$here/cluster-config/cluster-aeron.conf"
    extra+=(--add-opens java.base/sun.nio.ch=ALL-UNNAMED -Daeron.term.buffer.length=2097152)
    # Aeron is not a dependency of the build: take the jars from the local Maven repository
    if [ -z "${P2PGRID_EXTRA_CP:-}" ]; then
      m2="${MAVEN_REPO:-$HOME/.m2/repository}"
      for j in io/aeron/aeron-driver/1.45.2/aeron-driver-1.45.2.jar io/aeron/aeron-client/1.45.2/aeron-client-1.45.2.jar \
               org/agrona/agrona/1.22.0/agrona-1.22.0.jar; do
        if [ ! -f "$m2/$j" ]; then
          echo "start-node.sh --aeron: $m2/$j missing; fetch once with" >&2
          echo "  ./mvnw dependency:get -Dtransitive=false -Dartifact=io.aeron:aeron-driver:1.45.2 (and io.aeron:aeron-client:1.45.2, org.agrona:agrona:1.22.0)" >&2
          exit 2
        fi
        P2PGRID_EXTRA_CP="${P2PGRID_EXTRA_CP:+$P2PGRID_EXTRA_CP:}$m2/$j"
      done
    fi
    # embedded media driver directories of killed nodes stay in /dev/shm (~57 MB each at this term
    # buffer length): remove ours (aeron-p2pgrid-PORT, written by ClusterNode) whose owner pid is dead
    for d in /dev/shm/aeron-p2pgrid-*; do
      [ -d "$d" ] || continue
      pid="$(cat "$d/p2pgrid.pid" 2>/dev/null || true)"
      # no pid yet: maybe a node starting right now; leave it unless it is older than 2 minutes
      if [ -z "$pid" ] && [ -n "$(find "$d" -maxdepth 0 -mmin -2)" ]; then continue; fi
      if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -rf "$d"; fi
    done
    ;;
  --tls)
    shift; conf="$here/cluster-config/cluster-tls.conf"
    : "${P2PGRID_TLS_DIR:?--tls needs P2PGRID_TLS_DIR (see cluster-config/gen-tls-keys.sh)}"
    : "${P2PGRID_TLS_PASSWORD:?--tls needs P2PGRID_TLS_PASSWORD}"
    ;;
esac
[ $# -ge 2 ] || { sed -n '2,19p' "${BASH_SOURCE[0]}" >&2; exit 2; }
jar="$here/actors/target/p2pgrid-actors-0.1.0-SNAPSHOT.jar"
cp_file="$here/actors/target/launcher.classpath"
if [ ! -f "$jar" ] || [ ! -f "$cp_file" ]; then
  echo "start-node.sh: building (./mvnw -DskipTests -pl actors -am package) ..." >&2
  (cd "$here" && ./mvnw -B -q -DskipTests -pl actors -am package) >&2
fi
cp="$jar:$(cat "$cp_file")${P2PGRID_EXTRA_CP:+:$P2PGRID_EXTRA_CP}"
# Offline flags: DJL must never download or call home (see ../shared/DEPENDENCY-NOTES.md).
exec java ${P2PGRID_JAVA_OPTS:-} "${extra[@]}" -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -Dconfig.file="$conf" -cp "$cp" org.p2pgrid.actors.cluster.ClusterNode "$@"
