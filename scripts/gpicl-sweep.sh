#!/usr/bin/env bash
# The GPICL memorization-to-generalization transition (docs/results/meta.md): one in-context learner per
# training-task count, each point trained under the shared CPU lock in its own sitting (<= ~7 min each on one
# thread), kept in $SWEEP_DIR so an interrupted sweep resumes; the last command prints the table and writes the
# run record with the transition plot (charts/*.svg) from the stored points without training anything.
set -euo pipefail
cd "$(dirname "$0")/.."
SWEEP_DIR=${SWEEP_DIR:-runs/gpicl-sweep-6000}
STEPS=${STEPS:-6000}
POINTS=${POINTS:-"2^16 2^4 2^12 2^8 2^10 2^14 2^6"}
LOCK=${LOCK:-/tmp/polymath-cpu.lock}
for n in $POINTS; do
  flock "$LOCK" nice -n 5 ./polymath meta icl --tasks "$n" --steps "$STEPS" --threads 1 --sweep-dir "$SWEEP_DIR"
done
./polymath meta icl --sweep 2^4..2^16 --sweep-every 2 --steps "$STEPS" --threads 1 --sweep-dir "$SWEEP_DIR" --max-new-points 0
