#!/bin/sh
# Re-runs the merging experiment of docs/results/merging.md and prints its tables.
# Heavy work runs on one CPU slot ($CPU_SLOT, default /work/wt/cpu-slot: one core of the shared VM; plain nice when absent) in slices of at most
# ~13 minutes (plus the unit in flight, at most ~4 minutes), one native thread; everything is cached under WORK, so an
# interrupted run continues where it stopped.
#   scripts/merge-experiment.sh [WORK] [OPTIONS...]   (default WORK: ../merge-learned-work; OPTIONS go to
#   'polymath merge experiment', e.g. --tasks clinc150/by-domain/banking,... --epochs 1 --max-train 1500)
set -e
cd "$(dirname "$0")/.."
WORK=${1:-../merge-learned-work}
[ $# -gt 0 ] && shift
export POLYMATH_DATA=${POLYMATH_DATA:-../shared/data}
export POLYMATH_THREADS=1
mkdir -p "$WORK"
flock /tmp/polymath-build.lock ./polymath --version > /dev/null   # build outside the CPU slot
SLOT=${CPU_SLOT:-/work/wt/cpu-slot}
[ -x "$SLOT" ] || SLOT="nice -n 5"
while :; do
  out=$($SLOT ./polymath merge experiment --work "$WORK" --phase all --budget-minutes 13 "$@")
  case "$out" in
    *"not complete yet"*) echo "$out" | grep -v '^|' >&2; echo "slice done; continuing" >&2 ;;
    *) break ;;
  esac
done
./polymath merge experiment --work "$WORK" --phase report "$@"
