"""PyTorch reference runs for Descent's classifiers (float64, CPU, full batch).

Run:  python3 -m venv v && v/bin/pip install torch numpy
      v/bin/python generate_classifiers.py OUTDIR

Writes OUTDIR/classifiers/:
  <data>.csv          labelled points, header x1,x2,label
  <case>.csv          step,loss,theta_0..theta_n: parameters after k steps and
                      the full-data loss there (the loop of generate.py)
  manifest.json       data file, hidden widths, activation, optimizer kwargs,
                      the initial parameters (torch's nn.Linear init under
                      torch.manual_seed, flattened layer by layer as weight
                      row-major then bias, Descent's layout) and the chaos
                      horizon (first row that moves by 1e-9 when theta_0 is
                      nudged by one ulp).
Losses are F.binary_cross_entropy_with_logits (one output) or F.cross_entropy.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "classifiers")
os.makedirs(OUT, exist_ok=True)


def moons(n, noise, rng):
    outer = n - n // 2
    t_out = np.linspace(0, math.pi, outer)
    t_in = np.linspace(0, math.pi, n // 2)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(outer, int), np.ones(n // 2, int)])
    return x + noise * rng.standard_normal(x.shape), y


def blobs(n, k, spread, rng):
    labels = np.arange(n) % k
    angles = 2 * math.pi * labels / k
    centres = 2 * np.stack([np.cos(angles), np.sin(angles)], 1)
    return centres + spread * rng.standard_normal((n, 2)), labels


def spiral(n, k, noise, rng):
    per = n // k
    xs, ys = [], []
    for c in range(k):
        r = np.arange(per) / per
        t = c * 2 * math.pi / k + 4 * r + noise * rng.standard_normal(per)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(per, c))
    return np.concatenate(xs), np.concatenate(ys)


DATA = {
    "moons": lambda rng: moons(120, 0.15, rng),
    "blobs3": lambda rng: blobs(90, 3, 0.7, rng),
    "spiral3": lambda rng: spiral(150, 3, 0.2, rng),
}

ACT = {"Tanh": torch.tanh, "Relu": torch.relu, "Sigmoid": torch.sigmoid}

# (case, data, hidden, activation, optimizer class, kwargs, steps, init seed)
CASES = [
    ("logistic_moons_sgd", "moons", [], "Tanh", torch.optim.SGD, dict(lr=0.5), 200, 1),
    ("softmax_blobs3_sgd", "blobs3", [], "Tanh", torch.optim.SGD, dict(lr=0.2, momentum=0.9), 200, 2),
    ("softmax_blobs3_adam", "blobs3", [], "Tanh", torch.optim.Adam, dict(lr=0.05), 200, 3),
    ("mlp_moons_tanh_adam", "moons", [16, 16], "Tanh", torch.optim.Adam, dict(lr=0.01), 200, 4),
    ("mlp_spiral3_relu_sgd", "spiral3", [8], "Relu", torch.optim.SGD, dict(lr=0.1, momentum=0.9), 200, 5),
    ("mlp_moons_sigmoid_rmsprop", "moons", [6, 5, 4], "Sigmoid", torch.optim.RMSprop, dict(lr=0.005), 200, 6),
]


def write_data(name, x, y):
    with open(os.path.join(OUT, name + ".csv"), "w") as fh:
        fh.write("x1,x2,label\n")
        for (a, b), l in zip(x, y):
            fh.write(f"{float(a)!r},{float(b)!r},{int(l)}\n")


def init_params(sizes, seed):
    torch.manual_seed(seed)
    layers = [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in zip(sizes, sizes[1:])]
    flat = []
    for layer in layers:
        flat += layer.weight.detach().reshape(-1).tolist() + layer.bias.detach().tolist()
    return flat


def unflatten(theta, sizes):
    out, p = [], 0
    for a, b in zip(sizes, sizes[1:]):
        w = theta[p:p + a * b].view(b, a)
        p += a * b
        bias = theta[p:p + b]
        p += b
        out.append((w, bias))
    return out


def loss_fn(theta, sizes, act, x, y):
    h = x
    layers = unflatten(theta, sizes)
    for i, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if i + 1 < len(layers):
            h = act(h)
    if sizes[-1] == 1:
        return F.binary_cross_entropy_with_logits(h[:, 0], y.double())
    return F.cross_entropy(h, y)


def run(theta0, sizes, act, x, y, opt_cls, kw, steps):
    theta = torch.tensor(theta0, requires_grad=True)
    opt = opt_cls([theta], **kw)
    rows = []
    for k in range(steps):
        opt.zero_grad()
        loss = loss_fn(theta, sizes, act, x, y)
        rows.append([k, loss.item()] + theta.detach().tolist())
        loss.backward()
        opt.step()
    with torch.no_grad():
        loss = loss_fn(theta, sizes, act, x, y)
    rows.append([steps, loss.item()] + theta.detach().tolist())
    return rows


def main():
    arrays = {}
    for name, make in DATA.items():
        x, y = make(np.random.default_rng(7))
        write_data(name, x, y)
        arrays[name] = (torch.tensor(x), torch.tensor(y, dtype=torch.long))
    entries = []
    for case, data, hidden, act, opt_cls, kw, steps, seed in CASES:
        x, y = arrays[data]
        classes = int(y.max()) + 1
        sizes = [2] + hidden + [1 if classes == 2 else classes]
        theta0 = init_params(sizes, seed)
        rows = run(theta0, sizes, ACT[act], x, y, opt_cls, kw, steps)
        nudged0 = list(theta0)
        nudged0[0] = math.nextafter(nudged0[0], math.inf)
        nudged = run(nudged0, sizes, ACT[act], x, y, opt_cls, kw, steps)
        dev = [max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(r[1:], s[1:])) for r, s in zip(rows, nudged)]
        chaos = next((k for k, d in enumerate(dev) if not d <= 1e-9), None)
        with open(os.path.join(OUT, case + ".csv"), "w") as fh:
            fh.write(",".join(["step", "loss"] + [f"theta_{i}" for i in range(len(theta0))]) + "\n")
            for r in rows:
                fh.write(",".join([str(r[0])] + [repr(float(v)) for v in r[1:]]) + "\n")
        entries.append({"file": case + ".csv", "data": data + ".csv", "hidden": hidden, "activation": act,
                        "optimizer": opt_cls.__name__, "kwargs": kw, "N": steps, "start": theta0,
                        "chaos_horizon": chaos})
        print(case, "params", len(theta0), "final loss", rows[-1][1], "chaos", chaos)
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump({"torch_version": torch.__version__, "cases": entries}, fh, indent=1)


if __name__ == "__main__":
    main()
