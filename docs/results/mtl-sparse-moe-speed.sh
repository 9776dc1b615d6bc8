#!/bin/bash
# sparse vs dense compute of sparse_moe, 1 epoch on 10,000 composites, k=2 (default) and k=1, 1 thread
for k in 2 1; do
for mode in sparse dense; do
  extra=(); [ $mode = dense ] && extra=(-O dense=true)
  echo "=== k=$k $mode"
  POLYMATH_THREADS=1 ./polymath mtl train --suite multi-fashion --arch sparse_moe -O k=$k "${extra[@]}" --train-size 10000 --validation-size 1000 --test-size 1000 --epochs 1 --batch 256 --lr 1e-3 --threads 1 2>&1 | grep -E "^epoch [0-9]|model:|Test|^L |^R "
done; done
