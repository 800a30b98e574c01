#!/usr/bin/env bash
# PyTorch peer of LearnerUpdateBenchmark (a benchmark tool, not a project dependency; not run by CI):
#   benchmarks/pytorch.sh [op_update.py args, e.g. --algo OP-MH --warmup 10 --iters 40 --decision]
# Uses Debian's python3-torch with /usr/bin/python3 (PyPI is not reachable; the pyenv python3 on
# PATH has no torch). Installs it with apt-get if missing (run as root).
#
# BLAS trap: Debian's torch 1.13 is built with BLAS_INFO=generic and links libblas.so.3, which on a
# fresh system is the unoptimised reference BLAS (6x slower matmuls). We install OpenBLAS (OpenMP
# flavour, matching torch's libgomp) but put it on LD_LIBRARY_PATH for THIS process only and leave
# the system-wide libblas alternative as it was (other tools on the box must not change behaviour).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch
fi
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ ! -e "$OPENBLAS_DIR/libblas.so.3" ]; then
  blas_before=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu || true)
  lapack_before=$(readlink -f /etc/alternatives/liblapack.so.3-x86_64-linux-gnu || true)
  DEBIAN_FRONTEND=noninteractive apt-get install -y libopenblas0-openmp
  # installing registers OpenBLAS as the system default: put the previous choice back
  [ -n "$blas_before" ] && update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas_before" || true
  [ -n "$lapack_before" ] && update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lapack_before" || true
fi
# The default scenario's own action dims per agent (LearnerFixture.main prints them; must match Java).
DIMS="0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,4;0,1,2,4;0,1,2,4;0,1,2,4;1,2,3,4;1,2,3,4;1,2,3,4;1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4;0,1,2,3,4"
export LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
exec "$PY" benchmarks/pytorch/op_update.py --dims "$DIMS" "$@"
