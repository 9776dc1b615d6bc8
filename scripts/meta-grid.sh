#!/usr/bin/env bash
# Reproduces docs/results/meta.md's tables. One line per run on stdout; run records go to $RUNS (default runs/).
#
#   ./scripts/meta-grid.sh                                   # everything (about an hour on one core)
#   GRID=intent WAYS="5 10" ALGOS="maml" ./scripts/meta-grid.sh   # a slice: any of the variables below
#
# GRID: "intent fashion sine" (default all three); INTENTS: "clinc150 banking77"; WAYS: intent ways ("5 10"),
# FASHION_WAYS ("2 4"); SHOTS ("1 5"); ALGOS (all six); ITER_TEXT (1000), ITER_IMAGE (500), ITER_SINE (20000);
# POLYMATH: the launcher (./polymath). Every run uses one native thread and seed 0, and tests on 600 tasks.
set -euo pipefail
cd "$(dirname "$0")/.."
POLYMATH=${POLYMATH:-./polymath}
RUNS=${RUNS:-runs}
GRID=${GRID:-intent fashion sine}
ALGOS=${ALGOS:-protonet maml-fo maml reptile anil meta-sgd}
SHOTS=${SHOTS:-1 5}
ITER_TEXT=${ITER_TEXT:-1000}
ITER_IMAGE=${ITER_IMAGE:-500}
ITER_SINE=${ITER_SINE:-20000}
common=(--threads 1 --seed 0 --test-tasks 600 --runs "$RUNS")

# prints "<mean> ± <half-width>" of a table row of the test table
figure() { grep "$1" | sed 's/[│]//g' | awk '{print $(NF-2), $(NF-1), $NF}' || true; }

for g in $GRID; do
  case $g in
    intent|fashion)
      benches=${INTENTS:-clinc150 banking77}; ways_list=${WAYS:-5 10}; iters=$ITER_TEXT; extra=()
      if [ "$g" = fashion ]; then benches=fashion; ways_list=${FASHION_WAYS:-2 4}; iters=$ITER_IMAGE; extra=(--validation-tasks 25); fi
      for bench in $benches; do
        for ways in $ways_list; do
          for shots in $SHOTS; do
            for algo in $ALGOS; do
              out=$("$POLYMATH" meta train --algo "$algo" --benchmark "$bench" --ways "$ways" --shots "$shots" \
                    --iterations "$iters" "${extra[@]}" "${common[@]}" 2>&1) || true
              acc=$(echo "$out" | figure "accuracy after adaptation")
              [ -n "$acc" ] || acc="FAILED: $(echo "$out" | grep -m1 'polymath' || echo "$out" | tail -1)"
              speed=$(echo "$out" | grep 'meta-iterations in' | grep -o '([0-9.]* it/s)' || true)
              echo "$bench $ways-way $shots-shot $algo $iters iterations: $acc $speed"
            done
          done
        done
      done ;;
    sine)
      # Finn et al. (2017): K = 5 and 10 support points; meta-trained with 1 inner step (Reptile: 5, step 0.3),
      # then the checkpoint is evaluated after 1 and after 10 inner SGD steps (lr 0.01) on 600 held-out tasks.
      for shots in 5 10; do
        for algo in ${SINE_ALGOS:-maml-fo reptile meta-sgd}; do
          opts=(); [ "$algo" = reptile ] && opts=(--inner-steps 5 --reptile-step 0.3)
          out=$("$POLYMATH" meta train --algo "$algo" --benchmark sine --shots "$shots" --iterations "$ITER_SINE" \
                --eval-steps 1 "${opts[@]}" "${common[@]}" 2>&1) || true
          run=$(echo "$out" | sed -n 's/^run record: //p')
          line="sine K=$shots $algo $ITER_SINE iterations: before $(echo "$out" | figure 'mse before adaptation')"
          line+="; 1 step $(echo "$out" | figure 'mse after adaptation')"
          if [ -n "$run" ]; then
            out10=$("$POLYMATH" meta eval --algo "$algo" --benchmark sine --shots "$shots" --eval-steps 10 \
                    --checkpoint "$run/checkpoint.safetensors" "${common[@]}" 2>&1) || true
            m10=$(echo "$out10" | figure 'mse after adaptation')
            [ -n "$m10" ] || m10="FAILED: $(echo "$out10" | grep -m1 'polymath' || echo "$out10" | tail -1)"
            line+="; 10 steps $m10"
          else
            line+=" FAILED: $(echo "$out" | tail -1)"
          fi
          echo "$line"
        done
      done ;;
    *) echo "unknown grid '$g' (intent, fashion, sine)" >&2; exit 1 ;;
  esac
done
