# reference: UDR's list-ranking loss re-stated in torch (lambda-MRR pairs over retriever order + in-batch CE)
import torch
def lambda_mrr(y_pred, y_true):
    y_pred_sorted, idx = y_pred.sort(descending=True, dim=-1, stable=True)
    t = torch.gather(y_true, 1, idx)
    diffs = t[:, :, None] - t[:, None, :]
    mask = diffs > 0
    inv = 1. / torch.arange(1, y_pred.shape[1] + 1, dtype=y_pred.dtype)
    w = torch.abs(inv.view(1, -1, 1) - inv.view(1, 1, -1))
    sd = (y_pred_sorted[:, :, None] - y_pred_sorted[:, None, :]).clamp(-50, 50)
    losses = torch.log(1. + torch.exp(-sd)) * w
    return losses[mask].mean()
torch.set_default_dtype(torch.float64)
scores = torch.tensor([[0.3, 1.2, -0.4, 0.9, 0.1, 0.0],
                       [0.5, -0.2, 0.8, 1.1, 0.4, -0.7]], requires_grad=True)
# feedback rows (candidate order): query 0: c1 best, then c2, then c0; query 1: c1 best (=rel 1), c2 second, c0 last
fb = [[0.1, 0.9, 0.5], [-3.0, -1.0, -2.0]]
def rel(f):
    order = sorted(range(len(f)), key=lambda i: -f[i])
    r = [0.0]*len(f)
    for pos, i in enumerate(order): r[i] = 1.0/(pos+1)
    return r
B, K = 2, 3
own = torch.stack([scores[b, b*K:(b+1)*K] for b in range(B)])
rank = lambda_mrr(own, torch.tensor([rel(f) for f in fb]))
target = torch.tensor([b*K + max(range(K), key=lambda j: fb[b][j]) for b in range(B)])
ce = torch.nn.functional.cross_entropy(scores, target)
total = 1.0 * rank + ce
total.backward()
print(repr(rank.item()), repr(ce.item()), repr(total.item()))
print(scores.grad.tolist())
