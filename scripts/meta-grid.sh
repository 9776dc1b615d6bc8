#!/usr/bin/env bash
# Reproduces docs/results/meta.md's tables (BENCHMARKS="clinc150 banking77 fashion" by default, "" for none): every algorithm on the intent and Fashion-MNIST episode
# benchmarks, 1 and 5 shots, 600 held-out test tasks each. Prints one line per run; run records go to runs/.
set -euo pipefail
cd "$(dirname "$0")/.."
ITER_TEXT=${ITER_TEXT:-1000}
ITER_IMAGE=${ITER_IMAGE:-300}
for bench in ${BENCHMARKS-clinc150 banking77 fashion}; do
  ways=5; iters=$ITER_TEXT
  if [ "$bench" = fashion ]; then ways=4; iters=$ITER_IMAGE; fi
  for shots in 1 5; do
    for algo in protonet maml-fo reptile anil meta-sgd; do
      acc=$(./polymath meta train --algo "$algo" --benchmark "$bench" --ways "$ways" --shots "$shots" --iterations "$iters" 2>/dev/null \
            | grep "accuracy after adaptation" | sed 's/[│]//g' | awk '{print $4, $5, $6}' || true)
      echo "$bench $ways-way $shots-shot $algo $iters iterations: $acc"
    done
  done
done

# Sine regression (Finn et al. 2017): post-adaptation MSE on 600 held-out tasks, K = 5 and 10 support points,
# 1 and 10 inner steps at test time, 2000 meta-iterations (meta-batch 25) per algorithm.
if [ "${SINE:-1}" = 1 ]; then
  for shots in 5 10; do
    for steps in 1 10; do
      for algo in maml-fo reptile meta-sgd; do
        mse=$(./polymath meta train --algo "$algo" --benchmark sine --shots "$shots" --iterations 2000 --eval-steps "$steps" 2>/dev/null \
              | grep -E "mse (before|after) adaptation" | sed 's/[│]//g' | awk '{printf "%s %s=%s %s %s  ", $1, $2, $4, $5, $6}' || true)
        echo "sine K=$shots eval-steps=$steps $algo 2000 iterations: $mse"
      done
    done
  done
fi
