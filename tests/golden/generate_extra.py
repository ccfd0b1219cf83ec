"""More PyTorch reference data for Descent's golden tests (float64, CPU).

Run:  python3 -m venv v && v/bin/pip install torch numpy lion-pytorch
      v/bin/python generate_extra.py OUTDIR

Writes, under OUTDIR:
  extra/<function>__<case>.csv   step,x,y,loss trajectories (same loop and row
                                 convention as generate.py) for optimizer options
                                 the shared set does not cover, and for
                                 optimizers driven by every scheduler;
  extra/manifest.json            every case's optimizer kwargs and scheduler args;
  schedules/<case>.csv           step,lr,momentum: the lr (and momentum/beta1)
                                 torch uses at each step for every scheduler.
"""
import json
import math
import os
import sys

import torch
from lion_pytorch import Lion

torch.set_default_dtype(torch.float64)
OUT = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(os.path.join(OUT, "extra"), exist_ok=True)
os.makedirs(os.path.join(OUT, "schedules"), exist_ok=True)
S = torch.optim.lr_scheduler


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def quadratic(x, y):
    return 0.5 * (x ** 2 + 10 * y ** 2)


def fmt(v):
    return repr(float(v))


FUNCS = {"rosenbrock": (rosenbrock, (-1.5, 2.0)), "quadratic": (quadratic, (-4.0, 2.0))}

# (function, case, optimizer class, kwargs, scheduler class or None, scheduler kwargs, steps)
CASES = [
    ("rosenbrock", "lion", Lion, dict(lr=1e-3), None, None, 500),
    ("rosenbrock", "lion_wd", Lion, dict(lr=1e-3, betas=(0.95, 0.98), weight_decay=0.5), None, None, 500),
    ("rosenbrock", "nadam_decoupled", torch.optim.NAdam,
     dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True), None, None, 500),
    ("rosenbrock", "nadam_l2", torch.optim.NAdam, dict(lr=1e-2, weight_decay=0.1, momentum_decay=0.01), None, None, 500),
    ("rosenbrock", "adamax_wd", torch.optim.Adamax, dict(lr=1e-2, weight_decay=0.05), None, None, 500),
    ("rosenbrock", "adadelta_wd", torch.optim.Adadelta, dict(lr=0.5, rho=0.95, weight_decay=0.01), None, None, 500),
    ("rosenbrock", "adagrad_wd", torch.optim.Adagrad, dict(lr=0.05, weight_decay=0.01, eps=1e-6), None, None, 500),
    ("rosenbrock", "rmsprop_momentum", torch.optim.RMSprop, dict(lr=1e-3, momentum=0.9), None, None, 500),
    ("rosenbrock", "rmsprop_centered", torch.optim.RMSprop, dict(lr=1e-3, centered=True, weight_decay=0.01), None, None, 500),
    ("rosenbrock", "sgd_nesterov_wd", torch.optim.SGD,
     dict(lr=5e-4, momentum=0.8, nesterov=True, weight_decay=0.1), None, None, 500),
    ("rosenbrock", "adamw_amsgrad", torch.optim.AdamW, dict(lr=1e-2, amsgrad=True), None, None, 500),
    ("quadratic", "sgd_maximize", torch.optim.SGD, dict(lr=1e-2, maximize=True), None, None, 100),
    ("quadratic", "adam_maximize", torch.optim.Adam, dict(lr=1e-1, maximize=True), None, None, 100),
    # Optimizers driven by schedulers.
    ("rosenbrock", "sgd_onecycle", torch.optim.SGD, dict(lr=1e-3, momentum=0.9),
     S.OneCycleLR, dict(max_lr=2e-3, total_steps=500), 500),
    ("rosenbrock", "adam_onecycle_linear", torch.optim.Adam, dict(lr=1e-2),
     S.OneCycleLR, dict(max_lr=5e-2, total_steps=500, anneal_strategy="linear", three_phase=True), 500),
    ("rosenbrock", "adam_plateau", torch.optim.Adam, dict(lr=5e-2),
     S.ReduceLROnPlateau, dict(factor=0.5, patience=5, cooldown=3), 500),
    ("rosenbrock", "rmsprop_warm_restarts", torch.optim.RMSprop, dict(lr=1e-2),
     S.CosineAnnealingWarmRestarts, dict(T_0=50, T_mult=2, eta_min=1e-4), 500),
    ("rosenbrock", "adam_linear_warmup", torch.optim.Adam, dict(lr=2e-2),
     S.LinearLR, dict(start_factor=0.1, total_iters=50), 500),
]

# Scheduler lr sequences: (case, class, kwargs, optimizer class, optimizer kwargs, steps, metric fn)
SCHEDULES = [
    ("constant_lr", S.ConstantLR, dict(factor=0.5, total_iters=40), torch.optim.SGD, dict(lr=0.1), 120),
    ("step_lr", S.StepLR, dict(step_size=30, gamma=0.5), torch.optim.SGD, dict(lr=0.1), 200),
    ("multistep_lr", S.MultiStepLR, dict(milestones=[20, 50, 50, 120], gamma=0.3), torch.optim.SGD, dict(lr=0.1), 200),
    ("exponential_lr", S.ExponentialLR, dict(gamma=0.97), torch.optim.SGD, dict(lr=0.1), 300),
    ("cosine_annealing_lr", S.CosineAnnealingLR, dict(T_max=70, eta_min=1e-3), torch.optim.SGD, dict(lr=0.1), 300),
    ("cosine_warm_restarts", S.CosineAnnealingWarmRestarts, dict(T_0=20, T_mult=2, eta_min=1e-4),
     torch.optim.SGD, dict(lr=0.1), 300),
    ("cosine_warm_restarts_mult1", S.CosineAnnealingWarmRestarts, dict(T_0=33), torch.optim.SGD, dict(lr=0.1), 300),
    ("linear_lr", S.LinearLR, dict(start_factor=0.25, end_factor=0.9, total_iters=60), torch.optim.SGD, dict(lr=0.1), 120),
    ("polynomial_lr", S.PolynomialLR, dict(total_iters=90, power=2.0), torch.optim.SGD, dict(lr=0.1), 120),
    ("onecycle_cos_sgd", S.OneCycleLR, dict(max_lr=0.5, total_steps=300), torch.optim.SGD,
     dict(lr=0.1, momentum=0.9), 300),
    ("onecycle_linear_adam", S.OneCycleLR, dict(max_lr=0.01, total_steps=250, pct_start=0.4,
                                                anneal_strategy="linear", div_factor=10.0,
                                                final_div_factor=100.0), torch.optim.Adam, dict(lr=0.1), 250),
    ("onecycle_three_phase", S.OneCycleLR, dict(max_lr=1.0, total_steps=200, three_phase=True,
                                                cycle_momentum=False), torch.optim.Adagrad, dict(lr=0.1), 200),
    ("plateau", S.ReduceLROnPlateau, dict(factor=0.5, patience=4, threshold=0.01, cooldown=2, min_lr=1e-3),
     torch.optim.SGD, dict(lr=0.1), 300),
    ("plateau_abs_max", S.ReduceLROnPlateau, dict(mode="max", factor=0.2, patience=3, threshold=0.05,
                                                  threshold_mode="abs"), torch.optim.SGD, dict(lr=0.1), 300),
]


def plateau_metric(k):
    """A deterministic metric with improvements and plateaus."""
    return 1.0 / (1.0 + (k // 15)) + 0.001 * math.sin(k)


def jsonable(v):
    if isinstance(v, tuple):
        return [jsonable(u) for u in v]
    return v


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum", float("nan"))


def schedules():
    entries = []
    for case, cls, kw, opt_cls, opt_kw, steps in SCHEDULES:
        p = torch.zeros(1, requires_grad=True)
        opt = opt_cls([p], **opt_kw)
        sched = cls(opt, **kw)
        rows = []
        for k in range(steps):
            g = opt.param_groups[0]
            rows.append((k, g["lr"], momentum_of(g)))
            opt.step()  # no gradient: parameters stay put, counters advance
            if cls is S.ReduceLROnPlateau:
                sched.step(plateau_metric(k))
            else:
                sched.step()
        with open(os.path.join(OUT, "schedules", case + ".csv"), "w") as fh:
            fh.write("step,lr,momentum\n")
            for k, lr, m in rows:
                fh.write(f"{k},{fmt(lr)},{fmt(m)}\n")
        entries.append({"case": case, "scheduler": cls.__name__, "kwargs": jsonable(kw),
                        "optimizer": opt_cls.__name__, "optimizer_kwargs": jsonable(opt_kw),
                        "steps": steps,
                        "metric": "1/(1 + k//15) + 0.001*sin(k) for step k" if cls is S.ReduceLROnPlateau else None})
    return entries


def trajectories():
    entries = []
    for fn, case, opt_cls, kw, sched_cls, sched_kw, steps in CASES:
        f, start = FUNCS[fn]

        def run(x0):
            p = torch.tensor(x0, requires_grad=True)
            opt = opt_cls([p], **kw)
            sched = sched_cls(opt, **sched_kw) if sched_cls else None
            rows = []
            for k in range(steps):
                opt.zero_grad()
                loss = f(p[0], p[1])
                rows.append((k, p[0].item(), p[1].item(), loss.item()))
                loss.backward()
                opt.step()
                if sched is not None:
                    if sched_cls is S.ReduceLROnPlateau:
                        sched.step(loss.item())
                    else:
                        sched.step()
            with torch.no_grad():
                loss = f(p[0], p[1])
            rows.append((steps, p[0].item(), p[1].item(), loss.item()))
            return rows

        rows = run(start)
        nudged = run((math.nextafter(start[0], math.inf), start[1]))
        dev = [max(abs(a[1] - b[1]) / max(1.0, abs(a[1])), abs(a[2] - b[2]) / max(1.0, abs(a[2])))
               for a, b in zip(rows, nudged)]
        chaos = next((k for k, d in enumerate(dev) if not d <= 1e-9), None)
        name = f"{fn}__{case}.csv"
        with open(os.path.join(OUT, "extra", name), "w") as fh:
            fh.write("step,x,y,loss\n")
            for r in rows:
                fh.write(",".join([str(r[0])] + [fmt(v) for v in r[1:]]) + "\n")
        entries.append({
            "file": name, "function": fn, "start": list(start), "case": case,
            "optimizer": opt_cls.__module__ + "." + opt_cls.__name__, "kwargs": jsonable(kw),
            "scheduler": sched_cls.__name__ if sched_cls else None,
            "scheduler_kwargs": jsonable(sched_kw) if sched_kw else None,
            "scheduler_metric": "loss.item() of the step's forward pass" if sched_cls is S.ReduceLROnPlateau else None,
            "N": steps, "sensitivity_start_x_plus_1ulp": {"first_step_dev_over_1e-9": chaos},
            "all_finite": all(math.isfinite(v) for r in rows for v in r[1:]),
        })
    return entries


# Optimizer state per step, for the step inspector: (case, class, kwargs, state keys)
STATE_CASES = [
    ("adam", torch.optim.Adam, dict(lr=1e-2), ["exp_avg", "exp_avg_sq"]),
    ("adam_amsgrad", torch.optim.Adam, dict(lr=1e-2, amsgrad=True), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
    ("sgd_momentum", torch.optim.SGD, dict(lr=1e-3, momentum=0.9), ["momentum_buffer"]),
]


def states():
    """Row k: parameters after k steps, the loss there, the gradient step k
    consumed (at row k-1) and the optimizer state after step k."""
    entries = []
    for case, opt_cls, kw, keys in STATE_CASES:
        p = torch.tensor((-1.5, 2.0), requires_grad=True)
        opt = opt_cls([p], **kw)
        steps = 200
        rows = []
        grad = [float("nan"), float("nan")]
        for k in range(steps + 1):
            loss = rosenbrock(p[0], p[1])
            st = opt.state.get(p, {})
            vals = []
            for key in keys:
                t = st.get(key)
                vals += [float("nan"), float("nan")] if t is None else [t[0].item(), t[1].item()]
            rows.append([k, p[0].item(), p[1].item(), loss.item()] + grad + vals)
            if k == steps:
                break
            opt.zero_grad()
            loss.backward()
            grad = [p.grad[0].item(), p.grad[1].item()]
            opt.step()
        name = f"rosenbrock__{case}_state.csv"
        header = ["step", "x", "y", "loss", "grad_x", "grad_y"] + [f"{k}_{c}" for k in keys for c in "xy"]
        with open(os.path.join(OUT, "extra", name), "w") as fh:
            fh.write(",".join(header) + "\n")
            for r in rows:
                fh.write(",".join([str(r[0])] + [fmt(v) for v in r[1:]]) + "\n")
        entries.append({"file": name, "optimizer": opt_cls.__name__, "kwargs": kw, "state": keys,
                        "start": [-1.5, 2.0], "N": steps})
    return entries


def main():
    manifest = {"torch_version": torch.__version__,
                "loop": "as generate.py; schedulers stepped right after optimizer.step(); "
                        "ReduceLROnPlateau gets loss.item() of the same iteration",
                "trajectories": trajectories(), "schedules": schedules(), "states": states()}
    with open(os.path.join(OUT, "extra", "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    for e in manifest["trajectories"]:
        print(e["file"], "chaos", e["sensitivity_start_x_plus_1ulp"], "finite", e["all_finite"])


if __name__ == "__main__":
    main()
