"""Reference trajectories for Descent's convention switch (float64).

Run:  python3 -m venv v && v/bin/pip install torch numpy jax optax
      v/bin/python generate_conventions.py OUTDIR

Writes OUTDIR/conventions/<case>.csv (step,x,y,loss, the loop of generate.py)
and OUTDIR/conventions/manifest.json. Each case names a torch config
(class + kwargs), the convention Descent applies to it, and extra flags:

  optax     the real optax optimizer with its defaults (jax, x64);
  textbook  the paper forms written out below: Sutskever et al. (2013)
            momentum and look-ahead Nesterov, and Goodfellow et al. (2016)
            Algorithms 8.4 (AdaGrad) and 8.5 (RMSProp). Gradients come from
            torch autograd.
"""
import json
import math
import os
import sys

import jax
import jax.numpy as jnp
import optax
import torch

jax.config.update("jax_enable_x64", True)
torch.set_default_dtype(torch.float64)
OUT = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(os.path.join(OUT, "conventions"), exist_ok=True)

START = (-1.5, 2.0)
STEPS = 300


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def fmt(v):
    return repr(float(v))


def optax_run(make, x0):
    opt = make()
    params = jnp.array(x0, dtype=jnp.float64)
    state = opt.init(params)
    f = lambda p: rosenbrock(p[0], p[1])
    vg = jax.value_and_grad(f)
    rows = []
    for k in range(STEPS):
        loss, g = vg(params)
        rows.append((k, float(params[0]), float(params[1]), float(loss)))
        updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
    rows.append((STEPS, float(params[0]), float(params[1]), float(f(params))))
    return rows


def torch_grad(p):
    t = torch.tensor(p, requires_grad=True)
    loss = rosenbrock(t[0], t[1])
    loss.backward()
    return loss.item(), [t.grad[0].item(), t.grad[1].item()]


def step_lr(lr, k, step_size, gamma):
    return lr * gamma ** (k // step_size)


def textbook_run(rule, x0):
    p = list(x0)
    state = {}
    rows = []
    for k in range(STEPS):
        loss, _ = torch_grad(p)
        rows.append((k, p[0], p[1], loss))
        rule(p, state, k)
    loss, _ = torch_grad(p)
    rows.append((STEPS, p[0], p[1], loss))
    return rows


def momentum_lr_inside(lr, mu, sched=None):
    """v <- mu*v - lr_k*g ; theta <- theta + v (Sutskever et al. 2013, eq. 1-2)."""
    def rule(p, s, k):
        lr_k = step_lr(lr, k, *sched) if sched else lr
        _, g = torch_grad(p)
        v = s.get("v")
        v = [-lr_k * gi for gi in g] if v is None else [mu * vi - lr_k * gi for vi, gi in zip(v, g)]
        s["v"] = v
        for i in range(2):
            p[i] += v[i]
    return rule


def nesterov_look_ahead(lr, mu):
    """v <- mu*v - lr*grad(theta + mu*v) ; theta <- theta + v (eq. 3-4)."""
    def rule(p, s, k):
        v = s.get("v", [0.0, 0.0])
        _, g = torch_grad([p[0] + mu * v[0], p[1] + mu * v[1]])
        v = [mu * vi - lr * gi for vi, gi in zip(v, g)]
        s["v"] = v
        for i in range(2):
            p[i] += v[i]
    return rule


def rmsprop_book(lr, rho, delta):
    """r <- rho*r + (1-rho)*g^2 ; theta <- theta - lr*g/sqrt(delta + r) (Alg. 8.5)."""
    def rule(p, s, k):
        _, g = torch_grad(p)
        r = s.get("r", [0.0, 0.0])
        r = [rho * ri + (1 - rho) * gi * gi for ri, gi in zip(r, g)]
        s["r"] = r
        for i in range(2):
            p[i] -= lr * g[i] / math.sqrt(delta + r[i])
    return rule


def adagrad_book(lr, delta):
    """r <- r + g^2 ; theta <- theta - lr*g/(delta + sqrt(r)) (Alg. 8.4)."""
    def rule(p, s, k):
        _, g = torch_grad(p)
        r = s.get("r", [0.0, 0.0])
        r = [ri + gi * gi for ri, gi in zip(r, g)]
        s["r"] = r
        for i in range(2):
            p[i] -= lr * g[i] / (delta + math.sqrt(r[i]))
    return rule


# (case, run(x0) -> rows, torch class, torch kwargs, convention, flags, schedule)
CASES = [
    ("optax_adagrad", lambda x0: optax_run(lambda: optax.adagrad(0.05), x0),
     "Adagrad", dict(lr=0.05), "optax", {}, None),
    ("optax_rmsprop", lambda x0: optax_run(lambda: optax.rmsprop(1e-3), x0),
     "RMSprop", dict(lr=1e-3), "optax", {}, None),
    ("optax_rmsprop_momentum", lambda x0: optax_run(lambda: optax.rmsprop(1e-3, momentum=0.9), x0),
     "RMSprop", dict(lr=1e-3, momentum=0.9), "optax", {}, None),
    ("optax_sgd_momentum", lambda x0: optax_run(lambda: optax.sgd(5e-4, momentum=0.9), x0),
     "SGD", dict(lr=5e-4, momentum=0.9), "optax", {}, None),
    ("optax_sgd_nesterov", lambda x0: optax_run(lambda: optax.sgd(5e-4, momentum=0.9, nesterov=True), x0),
     "SGD", dict(lr=5e-4, momentum=0.9, nesterov=True), "optax", {}, None),
    ("optax_adam", lambda x0: optax_run(lambda: optax.adam(1e-2), x0),
     "Adam", dict(lr=1e-2), "optax", {}, None),
    ("optax_adam_eps_root", lambda x0: optax_run(lambda: optax.adam(1e-2, eps=0.0, eps_root=1.0), x0),
     "Adam", dict(lr=1e-2, eps=1.0), "optax", {"eps_in_sqrt": True}, None),
    ("textbook_momentum_step_lr", lambda x0: textbook_run(momentum_lr_inside(5e-4, 0.9, (100, 0.1)), x0),
     "SGD", dict(lr=5e-4, momentum=0.9), "textbook", {}, {"StepLR": {"step_size": 100, "gamma": 0.1}}),
    ("textbook_nesterov", lambda x0: textbook_run(nesterov_look_ahead(5e-4, 0.9), x0),
     "SGD", dict(lr=5e-4, momentum=0.9, nesterov=True), "textbook", {}, None),
    ("textbook_rmsprop", lambda x0: textbook_run(rmsprop_book(1e-3, 0.9, 1e-6), x0),
     "RMSprop", dict(lr=1e-3), "textbook", {}, None),
    ("textbook_adagrad", lambda x0: textbook_run(adagrad_book(0.05, 1e-7), x0),
     "Adagrad", dict(lr=0.05), "textbook", {}, None),
]


def main():
    entries = []
    for case, run, cls, kw, convention, flags, schedule in CASES:
        rows = run(START)
        nudged = run((math.nextafter(START[0], math.inf), START[1]))
        dev = [max(abs(a[1] - b[1]) / max(1.0, abs(a[1])), abs(a[2] - b[2]) / max(1.0, abs(a[2])))
               for a, b in zip(rows, nudged)]
        chaos = next((k for k, d in enumerate(dev) if not d <= 1e-9), None)
        name = f"{case}.csv"
        with open(os.path.join(OUT, "conventions", name), "w") as fh:
            fh.write("step,x,y,loss\n")
            for r in rows:
                fh.write(",".join([str(r[0])] + [fmt(v) for v in r[1:]]) + "\n")
        entries.append({"file": name, "function": "rosenbrock", "start": list(START), "N": STEPS,
                        "torch_class": cls, "torch_kwargs": kw, "convention": convention,
                        "flags": flags, "schedule": schedule,
                        "sensitivity_start_x_plus_1ulp": {"first_step_dev_over_1e-9": chaos}})
        print(name, "chaos", chaos)
    manifest = {"optax_version": optax.__version__, "jax_version": jax.__version__,
                "torch_version": torch.__version__, "cases": entries}
    with open(os.path.join(OUT, "conventions", "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)


if __name__ == "__main__":
    main()
