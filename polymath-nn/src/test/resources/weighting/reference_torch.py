#!/usr/bin/env python3
"""Reference trajectories for Polymath's stateful weighting methods (UW, GradNorm, IMTL, FAMO), computed with
torch autograd and torch.optim.Adam on the methods' own parameters, from the papers' objectives as LibMTL
sets them up (written for Polymath, not copied). Writes reference_torch.json next to this script.

Run: python3 reference_torch.py   (needs torch)
"""
import json
import os

import torch

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)
T, P, STEPS = 3, 8, 6


def f32(x):
    return x.to(torch.float32).to(torch.float64)


losses = [f32(torch.rand(T) * 2 + 0.3) for _ in range(STEPS)]
after = [f32(l * (0.7 + 0.5 * torch.rand(T))) for l in losses]
gradients = [f32(torch.randn(T, P)) for _ in range(STEPS)]
epochs = [0, 0, 0, 1, 1, 1]
LR, WD = 1e-2, 1e-3  # larger than LibMTL's defaults so the trajectory moves measurably


def adam(params, lr=LR, wd=WD):
    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)


def uw():
    s = torch.full((T,), -0.5, requires_grad=True)
    opt = adam([s])
    ws = []
    for l in losses:
        opt.zero_grad()
        obj = (l / (2 * s.exp()) + s / 2).sum()
        obj.backward()
        ws.append((1 / (2 * s.exp())).detach().tolist())
        opt.step()
    return ws


def gradnorm(alpha=1.5):
    s = torch.ones(T, requires_grad=True)
    opt = adam([s])
    ws, shared = [], []
    first = torch.stack([l for l, e in zip(losses, epochs) if e == 0]).mean(0)
    for l, g, e in zip(losses, gradients, epochs):
        if e == 0:
            ws.append([1.0] * T)
            shared.append(None)
            continue
        opt.zero_grad()
        w = T * torch.softmax(s, -1)
        gper = torch.norm(w.unsqueeze(1) * g, dim=-1)
        gbar = gper.mean()
        li = l / first
        r = li / li.mean()
        target = (gbar * r ** alpha).detach()
        (gper - target).abs().sum().backward()
        wd = w.detach()
        ws.append(wd.tolist())
        shared.append((wd.unsqueeze(1) * g).sum(0).tolist())
        opt.step()
    return ws, shared


def imtl():
    s = torch.zeros(T, requires_grad=True)
    opt = adam([s])
    ws, shared = [], []
    for l, g in zip(losses, gradients):
        opt.zero_grad()
        scaled_losses = s.exp() * l - s
        scaled_losses.sum().backward()  # each scaled loss back-propagated once, unweighted
        gs = s.detach().exp().unsqueeze(1) * g
        u = gs / gs.norm(dim=1, keepdim=True)
        d = gs[0:1] - gs[1:]
        uu = u[0:1] - u[1:]
        a = gs[0] @ uu.T @ torch.inverse(d @ uu.T)
        a = torch.cat([1 - a.sum().unsqueeze(0), a])
        eff = a * s.detach().exp()
        ws.append(eff.tolist())
        shared.append((a.unsqueeze(1) * gs).sum(0).tolist())
        opt.step()
    return ws, shared


def famo(lr=0.025, gamma=1e-3):
    xi = torch.zeros(T, requires_grad=True)
    opt = adam([xi], lr=lr, wd=gamma)
    ws = []
    for l, la in zip(losses, after):
        # weights of the step: gradient of sum_t z_t log(D_t) / c with respect to the losses
        lt = l.clone().requires_grad_(True)
        z = torch.softmax(xi, -1).detach()
        d = lt + 1e-8
        c = (z / d).sum().detach()
        (d.log() * z / c).sum().backward()
        ws.append(lt.grad.tolist())
        # logit update from the re-evaluated losses
        delta = (l + 1e-8).log() - (la + 1e-8).log()
        opt.zero_grad()
        grad = torch.autograd.grad(torch.softmax(xi, -1), xi, grad_outputs=delta)[0]
        xi.grad = grad
        opt.step()
    return ws


gn_w, gn_s = gradnorm()
im_w, im_s = imtl()
out = {
    'generator': 'reference_torch.py',
    'lr': LR, 'weightDecay': WD,
    'epochs': epochs,
    'losses': [l.tolist() for l in losses],
    'lossesAfter': [l.tolist() for l in after],
    'gradients': [g.tolist() for g in gradients],
    'uw': uw(),
    'gradnorm': {'weights': gn_w, 'shared': gn_s},
    'imtl': {'weights': im_w, 'shared': im_s},
    'famo': famo(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference_torch.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print('wrote', path)
