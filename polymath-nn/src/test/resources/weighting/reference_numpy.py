#!/usr/bin/env python3
"""Reference values for Polymath's weighting methods, computed independently with numpy/scipy from the
papers' formulas (not from any library's code). Writes reference_numpy.json next to this script.

Run: python3 reference_numpy.py   (needs numpy and scipy)
"""
import itertools
import json
import os

import numpy as np
from scipy.optimize import minimize, root

rng = np.random.default_rng(20240611)


def grads(t, p, scale=1.0):
    # float32 values, so the Java side sees exactly the same numbers
    return (rng.standard_normal((t, p)) * scale).astype(np.float32)


def aligned_mtl(g):
    g = g.astype(np.float64)
    m = g @ g.T
    lam, v = np.linalg.eigh(m)
    tol = lam.max() * m.shape[0] * np.finfo(np.float32).eps
    keep = lam > tol
    lam, v = lam[keep], v[:, keep]
    order = np.argsort(-lam)
    lam, v = lam[order], v[:, order]
    b = np.sqrt(lam[-1]) * v @ np.diag(1 / np.sqrt(lam)) @ v.T
    alpha = b.sum(axis=0)
    return alpha, alpha @ g


def imtl(g):
    g = g.astype(np.float64)
    u = g / np.linalg.norm(g, axis=1, keepdims=True)
    d = g[0] - g[1:]
    uu = u[0] - u[1:]
    a = g[0] @ uu.T @ np.linalg.inv(d @ uu.T)
    alpha = np.concatenate([[1 - a.sum()], a])
    return alpha, alpha @ g


def cagrad(g, calpha=0.5, rescale=1):
    g = g.astype(np.float64)
    t = g.shape[0]
    gg = g @ g.T
    g0 = np.sqrt(gg.mean() + 1e-8)
    c = calpha * g0 + 1e-8
    b = np.ones(t) / t

    def f(x):
        return x @ gg @ b + c * np.sqrt(x @ gg @ x + 1e-8)

    best = None
    for start in [b] + [np.eye(t)[i] * 0.9 + 0.1 / t for i in range(t)]:
        r = minimize(f, start, bounds=[(0, 1)] * t, constraints=({'type': 'eq', 'fun': lambda x: 1 - x.sum()},),
                     method='SLSQP', options={'ftol': 1e-15, 'maxiter': 10000})
        if best is None or r.fun < best.fun:
            best = r
    w = best.x
    gw = w @ g
    lam = c / (np.linalg.norm(gw) + 1e-8)
    s = {0: 1.0, 1: 1 + calpha ** 2, 2: 1 + calpha}[rescale]
    coef = (b + lam * w) / s
    return coef, coef @ g, float(best.fun)


def min_norm_exact(gram):
    """Exact min-norm point of the convex hull: enumerate supports, solve the KKT system on each."""
    t = gram.shape[0]
    best, best_val = None, np.inf
    for k in range(1, t + 1):
        for s in itertools.combinations(range(t), k):
            s = list(s)
            m = np.zeros((k + 1, k + 1))
            m[:k, :k] = gram[np.ix_(s, s)]
            m[:k, k] = 1
            m[k, :k] = 1
            rhs = np.zeros(k + 1)
            rhs[k] = 1
            try:
                sol = np.linalg.solve(m, rhs)
            except np.linalg.LinAlgError:
                continue
            a = np.zeros(t)
            a[s] = sol[:k]
            if (a < -1e-12).any():
                continue
            val = a @ gram @ a
            if val < best_val - 1e-15:
                best, best_val = a, val
    return best, best_val


def mgda(g, losses, norm):
    g = g.astype(np.float64)
    l2 = np.linalg.norm(g, axis=1)
    n = {'none': np.ones(len(g)), 'l2': l2, 'loss': np.asarray(losses), 'loss+': np.asarray(losses) * l2}[norm]
    gn = g / n[:, None]
    alpha, val = min_norm_exact(gn @ gn.T)
    w = alpha / n
    return alpha, w, w @ g, float(val)


def nash(g):
    g = g.astype(np.float64)
    gtg = g @ g.T
    gtg = gtg / np.linalg.norm(gtg)
    t = len(g)
    # solve G a = 1/a in log space: a = exp(y)
    sol = root(lambda y: gtg @ np.exp(y) - np.exp(-y), np.zeros(t), method='hybr', tol=1e-14)
    a = np.exp(sol.x)
    assert np.linalg.norm(gtg @ a - 1 / a) < 1e-9, sol
    return a


def pcgrad2(g):
    # two tasks: order does not matter
    g = g.astype(np.float64)
    out = []
    for i in range(2):
        p = g[i].copy()
        j = 1 - i
        d = p @ g[j]
        if d < 0:
            p = p - d * g[j] / (g[j] @ g[j] + 1e-8)
        out.append(p)
    return np.sum(out, axis=0)


def gradvac2(steps, beta=0.5):
    # two tasks, whole model: each task i sees only the other task j
    phi = np.zeros((2, 2))
    results = []
    for g in steps:
        g = g.astype(np.float64)
        pc = g.copy()
        for i in range(2):
            j = 1 - i
            rho = pc[i] @ g[j] / (np.linalg.norm(pc[i]) * np.linalg.norm(g[j]) + 1e-8)
            if rho < phi[i, j]:
                w = np.linalg.norm(pc[i]) * (phi[i, j] * np.sqrt(1 - rho ** 2) - rho * np.sqrt(1 - phi[i, j] ** 2)) \
                    / (np.linalg.norm(g[j]) * np.sqrt(1 - phi[i, j] ** 2) + 1e-8)
                pc[i] = pc[i] + w * g[j]
            phi[i, j] = (1 - beta) * phi[i, j] + beta * rho
        results.append(pc.sum(axis=0))
    return results


def dwa(history, temperature=2.0):
    """history: list of (epoch, losses). Returns the weights the method gives at each step."""
    t = len(history[0][1])
    sums, counts, out = {}, {}, []
    for epoch, losses in history:
        if epoch > 1 and (epoch - 1) in sums and (epoch - 2) in sums:
            last = sums[epoch - 1] / counts[epoch - 1]
            before = sums[epoch - 2] / counts[epoch - 2]
            r = last / before / temperature
            e = np.exp(r - r.max())
            out.append(t * e / e.sum())
        else:
            out.append(np.ones(t))
        sums[epoch] = sums.get(epoch, 0) + np.asarray(losses, dtype=np.float64)
        counts[epoch] = counts.get(epoch, 0) + 1
    return out


def tolist(a):
    return [float(x) for x in np.asarray(a).ravel()]


cases = []

for t, p in [(3, 9), (4, 7)]:
    g = grads(t, p)
    alpha, shared = aligned_mtl(g)
    cases.append({'method': 'aligned_mtl', 'gradients': g.tolist(), 'weights': tolist(alpha), 'shared': tolist(shared)})
# rank-deficient: g3 = g1 + g2
g = grads(2, 6)
g = np.vstack([g, (g[0].astype(np.float64) + g[1]).astype(np.float32)])
alpha, shared = aligned_mtl(g)
cases.append({'method': 'aligned_mtl', 'gradients': g.tolist(), 'weights': tolist(alpha), 'shared': tolist(shared)})

for t, p in [(2, 5), (3, 8), (5, 12)]:
    g = grads(t, p)
    alpha, shared = imtl(g)
    cases.append({'method': 'imtl', 'gradients': g.tolist(), 'weights': tolist(alpha), 'shared': tolist(shared)})

for t, p, calpha, rescale in [(2, 6, 0.5, 1), (3, 8, 0.5, 1), (4, 10, 0.4, 0), (5, 9, 0.8, 2)]:
    g = grads(t, p)
    coef, shared, obj = cagrad(g, calpha, rescale)
    cases.append({'method': 'cagrad', 'calpha': calpha, 'rescale': rescale, 'gradients': g.tolist(),
                  'weights': tolist(coef), 'shared': tolist(shared), 'objective': obj})

for t, p, norm in [(3, 6, 'none'), (4, 5, 'l2'), (4, 9, 'loss'), (5, 7, 'loss+'), (6, 4, 'none')]:
    g = grads(t, p)
    losses = rng.uniform(0.5, 3.0, t)
    alpha, w, shared, val = mgda(g, losses, norm)
    cases.append({'method': 'mgda', 'normalization': norm, 'gradients': g.tolist(), 'losses': tolist(losses),
                  'alpha': tolist(alpha), 'weights': tolist(w), 'shared': tolist(shared), 'minNorm': val})

for t, p in [(2, 6), (3, 10), (5, 12)]:
    g = grads(t, p)
    cases.append({'method': 'nash_mtl', 'gradients': g.tolist(), 'weights': tolist(nash(g))})

for _ in range(3):
    g = grads(2, 7)
    cases.append({'method': 'pcgrad', 'gradients': g.tolist(), 'shared': tolist(pcgrad2(g))})

steps = [grads(2, 6) for _ in range(4)]
steps[1][1] = -steps[1][0] * np.float32(0.5) + steps[1][1] * np.float32(0.1)  # a conflicting step
cases.append({'method': 'gradvac', 'steps': [s.tolist() for s in steps],
              'shared': [tolist(s) for s in gradvac2(steps)]})

history = []
for epoch in range(5):
    for _ in range(3):
        history.append((epoch, tolist(rng.uniform(0.2, 2.0, 3) / (1 + epoch))))
cases.append({'method': 'dwa', 'epochs': [h[0] for h in history], 'losses': [h[1] for h in history],
              'weights': [tolist(w) for w in dwa(history)]})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference_numpy.json')
with open(out, 'w') as f:
    json.dump({'generator': 'reference_numpy.py', 'cases': cases}, f, indent=1)
print('wrote', out, len(cases), 'cases')
