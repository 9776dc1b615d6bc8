#!/usr/bin/env bash
# Smoke-scale Multi-Fashion run of every multi-task architecture with equal weighting (EW), one seed, and the
# Markdown table of docs/results/mtl.md ("Architectures, smoke scale"). Run from the repository root:
#   flock /tmp/polymath-cpu.lock nice -n 5 docs/results/mtl-arch-smoke.sh
set -euo pipefail
runs=${RUNS:-/tmp/polymath-mtl-arch-runs}
archs=${ARCHS:-hps mmoe cgc ple dselect_k sparse_moe cross_stitch dtrn}
echo "| arch | parameters (shared) | test acc L | test acc R | mean | s/epoch |"
echo "|---|---:|---:|---:|---:|---:|"
for a in $archs; do
  ./polymath mtl train --suite multi-fashion --arch "$a" --weighting ew --epochs 2 --train-size 30000 \
      --validation-size 5000 --test-size 10000 --threads 1 --seed 0 --runs "$runs" 2>&1 |
    awk -v arch="$a" '
      /^model:/ { for (i = 1; i <= NF; i++) { if ($i == "parameters") p = $(i - 1); if ($i == "shared);") s = substr($(i - 1), 2) } }
      /^epoch / { secs += $NF; n++ }
      /│ L / { l = $4 }
      /│ R / { r = $4 }
      END { printf "| %s | %s (%s) | %.4f | %.4f | %.4f | %.1f |\n", arch, p, s, l, r, (l + r) / 2, secs / n }'
done
