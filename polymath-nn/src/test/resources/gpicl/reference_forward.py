"""Independent numpy forward pass of Polymath's GPICL transformer, for IclTransformerTest.

usage: reference_forward.py MODEL_DIR INPUT_JSON  -> prints {"logits": [...]} (flat, [B, T, labels])
MODEL_DIR holds config.json and model.safetensors (float32); INPUT_JSON has x [B*T*D], labels [B][T].
"""
import json, math, struct, sys
import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(t["shape"]).astype(np.float64)
    return out


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def main():
    model_dir, input_json = sys.argv[1], sys.argv[2]
    cfg = json.load(open(model_dir + "/config.json"))
    p = read_safetensors(model_dir + "/model.safetensors")
    inp = json.load(open(input_json))
    labels = np.array(inp["labels"])
    B, T = labels.shape
    D, L, d, H = cfg["input_dim"], cfg["labels"], cfg["d_model"], cfg["heads"]
    x = np.array(inp["x"], dtype=np.float64).reshape(B, T, D)
    prev = np.zeros((B, T, L))
    for b in range(B):
        for t in range(1, T):
            prev[b, t, labels[b, t - 1]] = 1.0
    tok = np.concatenate([x, prev], axis=2)
    h = tok @ p["embed.weight"].T + p["embed.bias"] + p["pos"][:T]
    dh = d // H
    causal = np.triu(np.ones((T, T), dtype=bool), 1)
    for l in range(cfg["layers"]):
        q = f"blocks.{l}."
        a = layer_norm(h, p[q + "ln1.weight"], p[q + "ln1.bias"])
        qkv = a @ p[q + "attn.qkv.weight"].T + p[q + "attn.qkv.bias"]
        split = lambda m: m.reshape(B, T, H, dh).transpose(0, 2, 1, 3)
        Q, K, V = split(qkv[..., :d]), split(qkv[..., d:2 * d]), split(qkv[..., 2 * d:])
        s = Q @ K.transpose(0, 1, 3, 2) / math.sqrt(dh)
        s[:, :, causal] = -np.inf
        o = (softmax(s) @ V).transpose(0, 2, 1, 3).reshape(B, T, d)
        h = h + o @ p[q + "attn.out.weight"].T + p[q + "attn.out.bias"]
        m = layer_norm(h, p[q + "ln2.weight"], p[q + "ln2.bias"])
        f = gelu(m @ p[q + "mlp.fc1.weight"].T + p[q + "mlp.fc1.bias"])
        h = h + f @ p[q + "mlp.fc2.weight"].T + p[q + "mlp.fc2.bias"]
    out = layer_norm(h, p["ln_f.weight"], p["ln_f.bias"]) @ p["head.weight"].T + p["head.bias"]
    print(json.dumps({"logits": out.reshape(-1).tolist()}))


if __name__ == "__main__":
    main()
