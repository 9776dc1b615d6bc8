#!/usr/bin/env python3
"""How right a saved teacher's labels of CLINC150's unlabelled train utterances are, before and after label spreading
over a k-nearest-neighbour graph of its embeddings, for a grid of k and alpha (docs/results/fewshot.md, "Label
propagation"). The same rule as LabelPropagation.java, in NumPy/SciPy, reading embeddings that `polymath encode` wrote:

  ./polymath encode --model runs/clinc-bge-teacher/encoder --input clinc150/intent:SPLIT --output DIR/SPLIT.npy
  (SPLIT = train, train_10, validation)
  python3 scripts/label-propagation-grid.py runs/clinc-bge-teacher DIR

Pool accuracy reads the pool's hidden labels; the validation column joins the validation texts to the graph as more
unlabelled nodes and scores their spread labels, which is how a choice can be made without the pool's labels.
"""
import json
import os
import struct
import sys

import numpy as np
import scipy.sparse as sp

teacher, emb = sys.argv[1], sys.argv[2]
data = os.path.join(os.environ.get("POLYMATH_DATA", "../shared/data"), "clinc150")
full = json.load(open(os.path.join(data, "data_full.json")))
labels = json.load(open(os.path.join(teacher, "config.json")))["labels"]
index = {l: i for i, l in enumerate(labels)}
raw = open(os.path.join(teacher, "head.safetensors"), "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
meta = json.loads(raw[8:8 + n])["prototypes"]
lo, hi = meta["data_offsets"]
protos = np.frombuffer(raw[8 + n + lo:8 + n + hi], dtype=np.float32).reshape(meta["shape"])
protos = protos / np.linalg.norm(protos, axis=1, keepdims=True)
scale = json.load(open(os.path.join(teacher, "config.json")))["settings"]["scale"]

split = os.path.join(data, "dnnc_splits", "train_10")
sup_texts = open(os.path.join(split, "seq.in")).read().rstrip("\n").split("\n")
sup_y = np.array([index[l] for l in open(os.path.join(split, "label")).read().rstrip("\n").split("\n")])
in_support = set(sup_texts)
train = np.load(os.path.join(emb, "train.npy"))
keep = np.array([t not in in_support for t, _ in full["train"]])
pool, pool_y = train[keep], np.array([index[l] for _, l in full["train"]])[keep]
sup = np.load(os.path.join(emb, "train_10.npy"))
val, val_y = np.load(os.path.join(emb, "validation.npy")), np.array([index[l] for _, l in full["val"]])


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def spread(x, prior, k, alpha, iterations=60):
    g = x @ x.T
    near = np.argpartition(-g, k + 1, axis=1)[:, :k + 1]
    rows, cols = np.repeat(np.arange(len(x)), k + 1), near.ravel()
    w = np.maximum(g[rows, cols], 0) ** 3
    w[rows == cols] = 0
    w = sp.csr_matrix((w, (rows, cols)), shape=(len(x), len(x)))
    w = w + w.T
    d = sp.diags(1 / np.sqrt(np.asarray(w.sum(1)).ravel() + 1e-12))
    s = d @ w @ d
    f = prior.copy()
    for _ in range(iterations):
        f = alpha * (s @ f) + (1 - alpha) * prior
    return f


def top_per_class(f, y, per_class=100):
    """Accuracy of the labels a distillation keeps: the most confident 100 per predicted class."""
    lab, conf = f.argmax(1), f.max(1) / f.sum(1)
    kept = np.concatenate([np.where(lab == c)[0][np.argsort(-conf[lab == c])][:per_class] for c in range(f.shape[1])])
    return (lab[kept] == y[kept]).mean()


onehot = np.eye(len(labels))[sup_y]
q_pool, q_val = softmax(scale * pool @ protos.T), softmax(scale * val @ protos.T)
print(f"teacher: pool {100 * (q_pool.argmax(1) == pool_y).mean():.2f}, kept {100 * top_per_class(q_pool, pool_y):.2f}, "
      f"validation {100 * (q_val.argmax(1) == val_y).mean():.2f}")
print("| k | alpha | pool labels right | kept labels right | validation (joined to the graph) |")
print("|---:|---:|---:|---:|---:|")
for k in (5, 10, 20, 50):
    for alpha in (0.8, 0.9, 0.95, 0.99):
        f = spread(np.vstack([pool, sup]), np.vstack([q_pool, onehot]), k, alpha)[:len(pool)]
        fv = spread(np.vstack([pool, sup, val]), np.vstack([q_pool, onehot, q_val]), k, alpha)[-len(val):]
        print(f"| {k} | {alpha} | {100 * (f.argmax(1) == pool_y).mean():.2f} | {100 * top_per_class(f, pool_y):.2f} "
              f"| {100 * (fv.argmax(1) == val_y).mean():.2f} |", flush=True)
