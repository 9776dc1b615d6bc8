#!/usr/bin/env python3
"""Peer of `polymath bench encoder-train`: the same BERT (all-MiniLM-L6-v2 weights saved by Polymath as
model.safetensors + config.json), the same token ids, the same cosine-pair loss, dropout, AdamW settings and
timing protocol, in plain PyTorch (Debian's python3-torch), written for this benchmark. Prints one JSON line."""
import argparse, json, math, resource, struct, time

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit("only F32 tensors are supported, %s is %s" % (name, info["dtype"]))
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").copy().reshape(info["shape"]))
    return out


class Bert(torch.nn.Module):
    def __init__(self, weights, cfg):
        super().__init__()
        self.cfg = cfg
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in weights.items()})
        self.lora = torch.nn.ParameterDict()
        self.scale = 0.0

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def enable_lora(self, rank, alpha, seed):
        g = torch.Generator().manual_seed(seed)
        for prm in self.p.values():
            prm.requires_grad_(False)
        for l in range(self.cfg["num_hidden_layers"]):
            for m in ("attention.self.query", "attention.self.key", "attention.self.value",
                      "attention.output.dense", "intermediate.dense", "output.dense"):
                name = "encoder.layer.%d.%s" % (l, m)
                out_f, in_f = self.w(name + ".weight").shape
                bound = 1.0 / math.sqrt(in_f)
                a = (torch.rand(rank, in_f, generator=g) * 2 - 1) * bound
                self.lora[name.replace(".", "__") + "__A"] = torch.nn.Parameter(a)
                self.lora[name.replace(".", "__") + "__B"] = torch.nn.Parameter(torch.zeros(out_f, rank))
        self.scale = alpha / rank

    def linear(self, x, name):
        y = F.linear(x, self.w(name + ".weight"), self.w(name + ".bias"))
        key = name.replace(".", "__")
        if key + "__A" in self.lora:
            y = y + F.linear(F.linear(x, self.lora[key + "__A"]), self.lora[key + "__B"]) * self.scale
        return y

    def forward(self, ids, mask, training):
        c = self.cfg
        h, heads = c["hidden_size"], c["num_attention_heads"]
        d = h // heads
        eps = c["layer_norm_eps"]
        pd, ad = (c["hidden_dropout_prob"], c["attention_probs_dropout_prob"]) if training else (0.0, 0.0)
        b, s = ids.shape
        x = F.embedding(ids, self.w("embeddings.word_embeddings.weight"))
        x = x + self.w("embeddings.position_embeddings.weight")[:s] + self.w("embeddings.token_type_embeddings.weight")[0]
        x = F.layer_norm(x, (h,), self.w("embeddings.LayerNorm.weight"), self.w("embeddings.LayerNorm.bias"), eps)
        x = F.dropout(x, pd, training)
        bias = ((mask - 1.0) * 1e9).view(b, 1, 1, s)
        for l in range(c["num_hidden_layers"]):
            p = "encoder.layer.%d." % l
            q = self.linear(x, p + "attention.self.query").view(b, s, heads, d).transpose(1, 2)
            k = self.linear(x, p + "attention.self.key").view(b, s, heads, d).permute(0, 2, 3, 1)
            v = self.linear(x, p + "attention.self.value").view(b, s, heads, d).transpose(1, 2)
            probs = F.dropout(torch.softmax(q.matmul(k) * (1.0 / math.sqrt(d)) + bias, -1), ad, training)
            ctx = probs.matmul(v).transpose(1, 2).reshape(b, s, h)
            a = F.dropout(self.linear(ctx, p + "attention.output.dense"), pd, training)
            x = F.layer_norm(a + x, (h,), self.w(p + "attention.output.LayerNorm.weight"), self.w(p + "attention.output.LayerNorm.bias"), eps)
            o = F.dropout(self.linear(F.gelu(self.linear(x, p + "intermediate.dense")), p + "output.dense"), pd, training)
            x = F.layer_norm(o + x, (h,), self.w(p + "output.LayerNorm.weight"), self.w(p + "output.LayerNorm.bias"), eps)
        pooled = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
        return F.normalize(pooled, 2, 1, 1e-12)


def optimizer(model, lr):
    decay, no_decay = [], []
    for name, prm in list(model.p.items()) + list(model.lora.items()):
        if not prm.requires_grad:
            continue
        (no_decay if name.endswith("__bias") or "LayerNorm" in name else decay).append(prm)
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-6)


def train_rate(model, opt, ids, mask, y, warmup, steps):
    n = ids.shape[0] // 2
    params = [p for g in opt.param_groups for p in g["params"]]

    def step():
        emb = model(ids, mask, True)
        loss = ((F.cosine_similarity(emb[:n], emb[n:], dim=1, eps=1e-8) - y) ** 2).mean()
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return ids.shape[0] * steps / (time.perf_counter() - t0)


def peak_rss():
    # VmHWM is this process's own high-water mark; ru_maxrss can carry the launching JVM's over fork+exec.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--ids", required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    with open(a.model + "/config.json") as f:
        cfg = json.load(f)
    with open(a.ids) as f:
        rows = json.load(f)
    ids = torch.tensor(rows, dtype=torch.long)
    mask = torch.ones(ids.shape, dtype=torch.float32)
    y = torch.tensor([float(i % 2) for i in range(ids.shape[0] // 2)])
    model = Bert(load_safetensors(a.model + "/model.safetensors"), cfg)

    with torch.no_grad():
        for _ in range(a.warmup):
            model(ids, mask, False)
        t0 = time.perf_counter()
        for _ in range(a.steps):
            model(ids, mask, False)
        fwd = ids.shape[0] * a.steps / (time.perf_counter() - t0)
    full = train_rate(model, optimizer(model, 2e-5), ids, mask, y, a.warmup, a.steps)
    model.enable_lora(8, 16.0, 7)
    lora = train_rate(model, optimizer(model, 1e-4), ids, mask, y, a.warmup, a.steps)
    peak = peak_rss()
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "forward_examples_per_second": fwd, "full_train_examples_per_second": full,
                      "lora_train_examples_per_second": lora, "peak_rss_mb": peak / 1e6}))


if __name__ == "__main__":
    main()
