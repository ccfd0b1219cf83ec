"""Reference trajectories for the optimizers added after the first nine: the rest
of torch.optim (RAdam, Rprop, ASGD, Adafactor) and the research optimizers from
their own packages (prodigyopt.Prodigy; schedulefree.AdamWScheduleFree and
SGDScheduleFree, in train mode, so the parameter holds y; their x, the point to
evaluate, goes to a sidecar <case>.x.csv, computed as eval() does;
pytorch_optimizer's ADOPT, AdaBelief, Yogi, MADGRAD, Adan, AdEMAMix, Lamb and MARS with foreach=False, the
per-parameter path, after checking that the default foreach path agrees, and its SOAP; torch.optim.Muon, which
takes only matrices: a surface's point is a [1, 2] tensor and the MLP's biases are [1, out] rows,
as Descent reads vectors for Muon, and its cases marked "convention": "textbook" run torch's Muon
with the Newton-Schulz iteration in float64 instead of bfloat16); and parameter groups on the MLP,
one torch optimizer per group stepped together, as Muon's authors pair Muon with AdamW).

Run:  python3 -m venv v && v/bin/pip install torch numpy prodigyopt==1.1.2 \
          schedulefree==1.4.1 pytorch-optimizer==4.1.0
      v/bin/python generate_optimizers.py [OUTDIR]     (default: this folder)

Writes OUTDIR/optimizers/:
  <function>__<case>.csv   step,x,y,loss on the 2-D surfaces of generate.py
  mlp_moons__<case>.csv    step,loss,theta_0..: an MLP 2-8-1 (tanh) on
                           classifiers/moons.csv, full batch, BCE with logits.
                           The parameters are torch tensors of their real
                           shapes (weight [out, in], bias [out]), so optimizers
                           that work per tensor (Adafactor) see matrices; the
                           CSV flattens them in Descent's order.
  manifest.json            every case: optimizer class, the kwargs given (the
                           rest are torch's defaults, which Descent must share),
                           scheduler, start and chaos horizon (the first row
                           that moves by 1e-9 when the start is nudged by one ulp).
Row k holds the parameters after k steps and the loss there, as in generate.py.
"""
import importlib.metadata
import json
import math
import os
import sys

import numpy as np
import prodigyopt
import pytorch_optimizer
import schedulefree
import torch
import torch.nn.functional as F
import torch.optim._muon as muon_module

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else HERE, "optimizers")
os.makedirs(OUT, exist_ok=True)
N = 500


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def beale(p):
    x, y = p[0], p[1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def himmelblau(p):
    x, y = p[0], p[1]
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


def quadratic(p):
    return 0.5 * (p[0] ** 2 + 10 * p[1] ** 2)


def saddle(p):
    return 0.5 * p[0] ** 2 - 0.5 * p[1] ** 2 + 0.25 * p[1] ** 4


SURFACES = {
    "rosenbrock": (rosenbrock, [-1.5, 2.0]),
    "beale": (beale, [1.0, 1.5]),
    "himmelblau": (himmelblau, [-0.5, -0.5]),
    "quadratic": (quadratic, [-4.0, 2.0]),
    "saddle": (saddle, [2.0, 1e-3]),
}
ALL = list(SURFACES)

O = torch.optim
S = torch.optim.lr_scheduler
P = prodigyopt.Prodigy
SFA = schedulefree.AdamWScheduleFree
SFS = schedulefree.SGDScheduleFree


def per_param(cls):
    """A pytorch_optimizer class pinned to its per-parameter path (foreach=False)."""
    class PerParam(cls):
        def __init__(self, params, **kw):
            super().__init__(params, foreach=False, **kw)
    PerParam.__name__ = cls.__name__
    PerParam.foreach_twin = cls
    return PerParam


ADOPT = per_param(pytorch_optimizer.ADOPT)
ADABELIEF = per_param(pytorch_optimizer.AdaBelief)
YOGI = per_param(pytorch_optimizer.Yogi)
MADGRAD = per_param(pytorch_optimizer.MADGRAD)
ADAN = per_param(pytorch_optimizer.Adan)
ADEMAMIX = per_param(pytorch_optimizer.AdEMAMix)
LAMB = per_param(pytorch_optimizer.Lamb)
MARS = per_param(pytorch_optimizer.MARS)
# SOAP has no foreach path.
SOAP = pytorch_optimizer.SOAP


def newton_schulz_f64(grad, ns_coefficients, ns_steps, eps):
    """torch's _zeropower_via_newtonschulz with float64 in place of bfloat16."""
    a, b, c = ns_coefficients
    x = grad.to(dtype=torch.float64, copy=True)
    tall = grad.size(0) > grad.size(1)
    if tall:
        x = x.T
    x.div_(x.norm().clamp(min=eps))
    for _ in range(ns_steps):
        gram = x @ x.T
        x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x.T if tall else x


class MuonF64(O.Muon):
    """torch.optim.Muon stepping with newton_schulz_f64 (Descent's textbook reading)."""
    convention = "textbook"

    def step(self, closure=None):
        saved = muon_module._zeropower_via_newtonschulz
        muon_module._zeropower_via_newtonschulz = newton_schulz_f64
        try:
            return super().step(closure)
        finally:
            muon_module._zeropower_via_newtonschulz = saved


MuonF64.__name__ = "Muon"
MATRIX_ONLY = (O.Muon, MuonF64)
# (case, class, kwargs, scheduler (class, kwargs) or None, surfaces)
SURFACE_CASES = [
    ("radam", O.RAdam, dict(lr=1e-2), None, ALL),
    ("radam_l2", O.RAdam, dict(lr=1e-2, weight_decay=0.1), None, ["quadratic", "rosenbrock"]),
    ("radam_decoupled", O.RAdam, dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True), None,
     ["quadratic", "himmelblau"]),
    ("radam_beta2_099", O.RAdam, dict(lr=5e-3, betas=(0.8, 0.99), eps=1e-6), None, ["rosenbrock"]),
    ("radam_steplr", O.RAdam, dict(lr=2e-2), (S.StepLR, dict(step_size=100, gamma=0.5)), ["beale"]),
    ("rprop", O.Rprop, dict(lr=1e-2), None, ALL),
    ("rprop_etas", O.Rprop, dict(lr=1e-3, etas=(0.3, 1.5), step_sizes=(1e-4, 0.5)), None,
     ["rosenbrock", "himmelblau"]),
    ("rprop_maximize", O.Rprop, dict(lr=1e-2, maximize=True), None, ["saddle"]),
    ("rprop_linearlr", O.Rprop, dict(lr=1e-2), (S.LinearLR, dict(start_factor=0.25, total_iters=50)),
     ["quadratic"]),
    ("asgd", O.ASGD, dict(lr=1e-3), None, ALL),
    ("asgd_t0", O.ASGD, dict(lr=1e-2, lambd=1e-3, alpha=0.6, t0=100.0), None, ["quadratic", "himmelblau"]),
    ("asgd_weight_decay", O.ASGD, dict(lr=1e-3, weight_decay=0.05, t0=20.0), None, ["rosenbrock"]),
    ("asgd_exponentiallr", O.ASGD, dict(lr=2e-2, t0=50.0), (S.ExponentialLR, dict(gamma=0.995)),
     ["quadratic"]),
    ("adafactor", O.Adafactor, dict(lr=1e-2), None, ALL),
    ("adafactor_options", O.Adafactor,
     dict(lr=5e-2, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=2.0, weight_decay=0.01), None,
     ["rosenbrock", "beale"]),
    ("adafactor_cosine", O.Adafactor, dict(lr=3e-2), (S.CosineAnnealingLR, dict(T_max=500)),
     ["himmelblau"]),
    ("prodigy", P, dict(), None, ALL),
    ("prodigy_decay", P, dict(weight_decay=0.01), None, ["rosenbrock", "quadratic"]),
    ("prodigy_coupled", P, dict(weight_decay=0.01, decouple=False), None, ["himmelblau"]),
    ("prodigy_options", P, dict(lr=0.5, betas=(0.8, 0.99), beta3=0.95, use_bias_correction=True,
                                safeguard_warmup=True, d0=1e-5, d_coef=0.5, growth_rate=1.05), None,
     ["rosenbrock", "beale"]),
    ("prodigy_no_momentum", P, dict(betas=(0.0, 0.999)), None, ["quadratic"]),
    ("prodigy_cosine", P, dict(), (S.CosineAnnealingLR, dict(T_max=500)), ["beale"]),
    ("sf_adamw", SFA, dict(lr=0.05), None, ALL),
    ("sf_adamw_options", SFA, dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01,
                                   warmup_steps=50, r=1.0, weight_lr_power=1.0), None,
     ["rosenbrock", "himmelblau"]),
    ("sf_sgd", SFS, dict(lr=1e-2), None, ["himmelblau", "quadratic", "saddle"]),
    ("sf_sgd_slow", SFS, dict(lr=1e-3), None, ["rosenbrock", "beale"]),
    ("sf_sgd_options", SFS, dict(lr=5e-3, momentum=0.8, weight_decay=0.01, warmup_steps=20, r=0.5),
     None, ["quadratic"]),
    ("adopt", ADOPT, dict(lr=1e-2), None, ALL),
    ("adopt_options", ADOPT, dict(lr=2e-2, betas=(0.8, 0.99), weight_decay=0.01, eps=1e-4), None,
     ["rosenbrock", "himmelblau"]),
    ("adopt_coupled_decay", ADOPT, dict(lr=1e-2, weight_decay=0.05, weight_decouple=False), None,
     ["quadratic"]),
    ("adabelief", ADABELIEF, dict(lr=1e-2), None, ALL),
    ("adabelief_rectify", ADABELIEF, dict(lr=1e-2, rectify=True), None, ["rosenbrock", "beale"]),
    ("adabelief_ams", ADABELIEF, dict(lr=1e-2, ams_bound=True, weight_decay=0.01), None, ["himmelblau"]),
    ("adabelief_no_sgd", ADABELIEF, dict(lr=1e-2, rectify=True, degenerated_to_sgd=False), None,
     ["quadratic"]),
    ("yogi", YOGI, dict(), None, ALL),
    ("yogi_options", YOGI, dict(lr=5e-2, betas=(0.8, 0.99), initial_accumulator=1e-3, weight_decay=0.01,
                                fixed_decay=True, eps=1e-4), None, ["rosenbrock", "beale"]),
    ("madgrad", MADGRAD, dict(lr=1e-2), None, ALL),
    ("madgrad_no_momentum", MADGRAD, dict(lr=1e-2, momentum=0.0), None, ["quadratic", "himmelblau"]),
    ("madgrad_decay", MADGRAD, dict(lr=1e-2, weight_decay=0.01), None, ["rosenbrock"]),
    ("madgrad_decoupled", MADGRAD, dict(lr=1e-2, weight_decay=0.01, weight_decouple=True), None, ["beale"]),
    ("adan", ADAN, dict(lr=1e-2), None, ALL),
    ("adan_decay", ADAN, dict(lr=1e-2, weight_decay=0.02), None, ["rosenbrock", "quadratic"]),
    ("adan_decoupled", ADAN, dict(lr=1e-2, betas=(0.9, 0.9, 0.999), weight_decay=0.02, weight_decouple=True),
     None, ["himmelblau"]),
    ("ademamix", ADEMAMIX, dict(lr=1e-2), None, ALL),
    ("ademamix_warmup", ADEMAMIX, dict(lr=1e-2, alpha=8.0, betas=(0.9, 0.999, 0.999), t_alpha_beta3=200.0),
     None, ["rosenbrock", "beale"]),
    ("ademamix_decay", ADEMAMIX, dict(lr=1e-2, weight_decay=0.01, weight_decouple=True), None, ["quadratic"]),
    ("lamb", LAMB, dict(lr=1e-2), None, ALL),
    ("lamb_coupled", LAMB, dict(lr=1e-2, weight_decay=0.01, weight_decouple=False), None, ["rosenbrock"]),
    ("lamb_rectify", LAMB, dict(lr=1e-2, rectify=True, degenerated_to_sgd=True), None, ["beale", "himmelblau"]),
    ("lamb_adam_sum", LAMB, dict(lr=1e-3, adam=True, grad_averaging=False), None, ["quadratic"]),
    ("lbfgs", O.LBFGS, dict(lr=1e-2, max_iter=5), None, ALL),
    ("lbfgs_wolfe", O.LBFGS, dict(line_search_fn="strong_wolfe"), None, ALL),
    ("mars", MARS, dict(lr=1e-2), None, ALL),
    ("mars_matrix_path", MARS, dict(lr=1e-2, optimize_1d=True), None, ALL),
    ("mars_lion", MARS, dict(lr=1e-2, optimize_1d=True, mars_type="lion"), None, ["rosenbrock", "quadratic"]),
    ("mars_options", MARS, dict(lr=5e-3, optimize_1d=True, ams_bound=True, cautious=True, weight_decay=0.01,
                                weight_decouple=False), None, ["beale", "himmelblau"]),
    ("muon", O.Muon, dict(lr=1e-2), None, ALL),
    ("muon_heavy_ball", O.Muon, dict(lr=2e-2, nesterov=False, momentum=0.9, weight_decay=0.0), None,
     ["rosenbrock", "quadratic"]),
    ("muon_rms", O.Muon, dict(lr=1e-2, adjust_lr_fn="match_rms_adamw", ns_steps=3), None, ["beale"]),
    ("muon_f64", MuonF64, dict(lr=1e-2), None, ALL),
    ("muon_f64_cosine", MuonF64, dict(lr=5e-2, weight_decay=0.0),
     (S.CosineAnnealingLR, dict(T_max=500)), ["himmelblau"]),
    ("soap", SOAP, dict(lr=1e-2), None, ALL),
    ("soap_1d", SOAP, dict(lr=1e-2, precondition_1d=True), None, ALL),
    ("soap_options", SOAP, dict(lr=2e-2, betas=(0.9, 0.99), shampoo_beta=0.8, weight_decay=0.0,
                                precondition_frequency=3, precondition_1d=True, normalize_gradient=True,
                                correct_bias=False), None, ["rosenbrock", "himmelblau"]),
    ("soap_maximize", SOAP, dict(lr=1e-2, precondition_1d=True, maximize=True), None, ["himmelblau"]),
    ("soap_cosine", SOAP, dict(lr=5e-2, precondition_1d=True), (S.CosineAnnealingLR, dict(T_max=500)),
     ["beale", "quadratic"]),
    ("lbfgs_history", O.LBFGS, dict(lr=0.5, max_iter=3, history_size=2, line_search_fn="strong_wolfe"),
     None, ["rosenbrock", "beale"]),
]
MODEL_CASES = [
    ("radam", O.RAdam, dict(lr=1e-2), None),
    ("rprop", O.Rprop, dict(lr=1e-2), None),
    ("asgd", O.ASGD, dict(lr=0.2, t0=50.0), None),
    ("adafactor", O.Adafactor, dict(lr=1e-2), None),
    ("adafactor_decay", O.Adafactor, dict(lr=2e-2, weight_decay=0.05), None),
    # lr 0.5 had a chaos horizon at row 90, which a last-bit change of tanh crossed.
    ("prodigy", P, dict(lr=0.3), None),
    ("sf_adamw", SFA, dict(lr=0.02), None),
    ("sf_sgd", SFS, dict(lr=0.5), None),
    ("adopt", ADOPT, dict(lr=1e-2), None),
    ("adabelief", ADABELIEF, dict(lr=1e-2), None),
    ("yogi", YOGI, dict(lr=1e-2), None),
    ("madgrad", MADGRAD, dict(lr=1e-2), None),
    ("adan", ADAN, dict(lr=1e-2), None),
    ("ademamix", ADEMAMIX, dict(lr=1e-2), None),
    ("lamb", LAMB, dict(lr=1e-2), None),
    ("lbfgs", O.LBFGS, dict(line_search_fn="strong_wolfe", max_iter=4), None),
    ("muon", O.Muon, dict(lr=2e-2), None),
    ("mars", MARS, dict(lr=1e-2), None),
    ("mars_lion", MARS, dict(lr=1e-3, mars_type="lion"), None),
    ("muon_f64", MuonF64, dict(lr=2e-2), None),
    # Only axes of at most 2 are rotated: an 8-long axis's L has rank 2 at the
    # first step, and LAPACK's choice of basis for its zero eigenvalues is its own.
    ("soap", SOAP, dict(lr=1e-2, max_precondition_dim=2), None),
    ("soap_fast_refresh", SOAP, dict(lr=2e-2, max_precondition_dim=2, precondition_frequency=2,
                                     shampoo_beta=0.9), None),
]
# Parameter groups on the MLP: (case, (class, kwargs) of the run's own
# optimizer, [(selector, class, kwargs)] stepping the selected tensors,
# scheduler (one per optimizer, as torch users attach them) or None).
GROUP_CASES = [
    ("groups_muon_adamw", (O.AdamW, dict(lr=1e-2)), [("Matrices", O.Muon, dict(lr=2e-2))], None),
    ("groups_bias_no_decay", (O.AdamW, dict(lr=1e-2, weight_decay=0.1)),
     [("Biases", O.AdamW, dict(lr=2e-2, weight_decay=0.0))], None),
    ("groups_muon_adamw_steplr", (O.AdamW, dict(lr=1e-2)), [("Matrices", O.Muon, dict(lr=5e-2))],
     (S.StepLR, dict(step_size=50, gamma=0.5))),
]
MODEL_STEPS = 200
HIDDEN = 8
INIT_SEED = 11


def jsonable(v):
    if isinstance(v, tuple):
        return [jsonable(u) for u in v]
    return v


def horizon(rows, nudged):
    dev = [max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(r[1:], s[1:])) for r, s in zip(rows, nudged)]
    return next((k for k, d in enumerate(dev) if not d <= 1e-9), None)


def eval_point(opt, p):
    """Schedule-Free's x, as opt.eval() computes it, without leaving train mode."""
    state = opt.state[p]
    if "z" not in state:
        return p.detach().clone()
    beta = opt.param_groups[0]["betas"][0] if "betas" in opt.param_groups[0] else opt.param_groups[0]["momentum"]
    return torch.lerp(p.detach(), state["z"], 1 - 1 / beta)


def closure_for(opt, loss_of):
    """torch's usual L-BFGS closure: zero the gradient, evaluate, backward."""
    def closure():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        return loss
    return closure


def surface_run(f, start, cls, kw, sched, xs=None, evals=None):
    matrix = cls in MATRIX_ONLY
    p = torch.tensor([start] if matrix else start, requires_grad=True)
    at = (lambda: p[0]) if matrix else (lambda: p)
    opt = cls([p], **kw)
    if hasattr(opt, "train"):
        opt.train()
    scheduler = sched[0](opt, **sched[1]) if sched else None
    rows = []
    for k in range(N):
        opt.zero_grad()
        loss = f(at())
        rows.append([k, at()[0].item(), at()[1].item(), loss.item()])
        if xs is not None:
            xs.append([k] + eval_point(opt, p).tolist())
        loss.backward()
        if cls is O.LBFGS:
            before = opt.state[p].get("func_evals", 0)
            opt.step(closure_for(opt, lambda: f(at())))
            if evals is not None:
                evals.append([k, opt.state[p]["func_evals"] - before])
        else:
            opt.step()
        if scheduler is not None:
            scheduler.step()
    with torch.no_grad():
        rows.append([N, at()[0].item(), at()[1].item(), f(at()).item()])
    if xs is not None:
        xs.append([N] + eval_point(opt, p).tolist())
    return rows


def moons():
    data = np.loadtxt(os.path.join(HERE, "classifiers", "moons.csv"), delimiter=",", skiprows=1)
    return torch.tensor(data[:, :2]), torch.tensor(data[:, 2])


def model_start():
    torch.manual_seed(INIT_SEED)
    layers = [torch.nn.Linear(2, HIDDEN), torch.nn.Linear(HIDDEN, 1)]
    flat = []
    for layer in layers:
        flat += layer.weight.detach().reshape(-1).tolist() + layer.bias.detach().tolist()
    return flat


def tensors_of(flat, bias_rows=False):
    """weight [out, in] and bias [out] (or [1, out] rows) per layer, as leaf tensors."""
    shapes = [(HIDDEN, 2), (1, HIDDEN) if bias_rows else (HIDDEN,), (1, HIDDEN), (1, 1) if bias_rows else (1,)]
    out, at = [], 0
    for shape in shapes:
        n = math.prod(shape)
        out.append(torch.tensor(flat[at:at + n]).reshape(shape).requires_grad_(True))
        at += n
    return out


def model_loss(params, x, y):
    w1, b1, w2, b2 = params
    h = torch.tanh(x @ w1.T + b1)
    return F.binary_cross_entropy_with_logits((h @ w2.T + b2)[:, 0], y)


def model_run(start, cls, kw, sched, x, y):
    params = tensors_of(start, bias_rows=cls in MATRIX_ONLY)
    opt = cls(params, **kw)
    if hasattr(opt, "train"):
        opt.train()
    scheduler = sched[0](opt, **sched[1]) if sched else None
    flat = lambda: [v for p in params for v in p.detach().reshape(-1).tolist()]
    rows = []
    for k in range(MODEL_STEPS):
        opt.zero_grad()
        loss = model_loss(params, x, y)
        rows.append([k, loss.item()] + flat())
        loss.backward()
        if cls is O.LBFGS:
            opt.step(closure_for(opt, lambda: model_loss(params, x, y)))
        else:
            opt.step()
        if scheduler is not None:
            scheduler.step()
    with torch.no_grad():
        rows.append([MODEL_STEPS, model_loss(params, x, y).item()] + flat())
    return rows


def selected(selector, params):
    """Indices of the tensors a Descent selector picks among (w1, b1, w2, b2)."""
    return {"Matrices": [0, 2], "Biases": [1, 3]}[selector]


def group_run(start, main, groups, sched, x, y):
    """One torch optimizer per group plus one for the rest, stepped together."""
    params = tensors_of(start)
    taken = set()
    optimizers = []
    for selector, cls, kw in groups:
        mine = [i for i in selected(selector, params) if i not in taken]
        taken.update(mine)
        optimizers.append(cls([params[i] for i in mine], **kw))
    rest = [p for i, p in enumerate(params) if i not in taken]
    optimizers.insert(0, main[0](rest, **main[1]))
    schedulers = [sched[0](o, **sched[1]) for o in optimizers] if sched else []
    flat = lambda: [v for p in params for v in p.detach().reshape(-1).tolist()]
    rows = []
    for k in range(MODEL_STEPS):
        for o in optimizers:
            o.zero_grad()
        loss = model_loss(params, x, y)
        rows.append([k, loss.item()] + flat())
        loss.backward()
        for o in optimizers:
            o.step()
        for s in schedulers:
            s.step()
    with torch.no_grad():
        rows.append([MODEL_STEPS, model_loss(params, x, y).item()] + flat())
    return rows


def write(path, header, rows):
    with open(path, "w") as fh:
        fh.write(",".join(header) + "\n")
        for r in rows:
            fh.write(",".join([str(r[0])] + [repr(float(v)) for v in r[1:]]) + "\n")


def scheduler_entry(sched):
    if sched is None:
        return None, None
    return sched[0].__name__, {k: jsonable(v) for k, v in sched[1].items()}


def foreach_agreement():
    """The default (foreach) path of each pytorch_optimizer class against the
    per-parameter one we reproduce: the largest relative gap over the first
    100 rows on every surface (later rows of a chaotic run amplify last-bit
    differences, such as Lamb's foreach path multiplying by a reciprocal)."""
    worst = {}
    for case, cls, kw, sched, surfaces in SURFACE_CASES:
        twin = getattr(cls, "foreach_twin", None)
        if twin is None:
            continue
        for name in surfaces:
            f, start = SURFACES[name]
            a = surface_run(f, start, cls, kw, sched)
            b = surface_run(f, start, twin, kw, sched)
            gap = max(abs(x - y) / max(1.0, abs(y)) for r, q in zip(a[:100], b[:100]) for x, y in zip(r[1:], q[1:]))
            worst[cls.__name__] = max(worst.get(cls.__name__, 0.0), gap)
    return worst


def model_entry(case, run, start, cls, kw, sched, extra=None):
    """Runs an MLP case from the start and from a nudged start, writes its
    CSV and returns its manifest entry (`extra` adds fields, e.g. groups)."""
    rows = run(start)
    nudged_start = list(start)
    nudged_start[0] = math.nextafter(nudged_start[0], math.inf)
    nudged = run(nudged_start)
    file = f"mlp_moons__{case}.csv"
    write(os.path.join(OUT, file), ["step", "loss"] + [f"theta_{i}" for i in range(len(start))], rows)
    sname, skw = scheduler_entry(sched)
    entry = {"file": file, "problem": "mlp_moons", "data": "moons.csv", "hidden": [HIDDEN],
             "activation": "Tanh", "optimizer": cls.__name__,
             "kwargs": {k: jsonable(v) for k, v in kw.items()}, "scheduler": sname,
             "convention": getattr(cls, "convention", "torch"),
             "scheduler_kwargs": skw, "N": MODEL_STEPS, "start": start,
             "chaos_horizon": horizon(rows, nudged), **(extra or {})}
    print(file, "final loss", rows[-1][1], "horizon", entry["chaos_horizon"])
    return entry


def main():
    print("foreach path vs per-parameter path, max relative gap:", foreach_agreement())
    entries = []
    for case, cls, kw, sched, surfaces in SURFACE_CASES:
        for name in surfaces:
            f, start = SURFACES[name]
            xs = [] if cls in (SFA, SFS) else None
            evals = [] if cls is O.LBFGS else None
            rows = surface_run(f, start, cls, kw, sched, xs, evals)
            nudged = surface_run(f, [math.nextafter(start[0], math.inf), start[1]], cls, kw, sched)
            file = f"{name}__{case}.csv"
            write(os.path.join(OUT, file), ["step", "x", "y", "loss"], rows)
            if xs is not None:
                write(os.path.join(OUT, file.replace(".csv", ".x.csv")), ["step", "x", "y"], xs)
            if evals is not None:
                with open(os.path.join(OUT, file.replace(".csv", ".evals.csv")), "w") as fh:
                    fh.write("step,func_evals\n" + "".join(f"{k},{e}\n" for k, e in evals))
            sname, skw = scheduler_entry(sched)
            entries.append({"file": file, "problem": name, "optimizer": cls.__name__,
                            "kwargs": {k: jsonable(v) for k, v in kw.items()}, "scheduler": sname,
                            "convention": getattr(cls, "convention", "torch"),
                            "scheduler_kwargs": skw, "N": N, "start": start,
                            "chaos_horizon": horizon(rows, nudged)})
            print(file, "final", rows[-1][1:], "horizon", entries[-1]["chaos_horizon"])
    x, y = moons()
    start = model_start()
    for case, cls, kw, sched in MODEL_CASES:
        entries.append(model_entry(case, lambda st: model_run(st, cls, kw, sched, x, y), start, cls, kw, sched))
    for case, main, groups, sched in GROUP_CASES:
        groups_entry = [{"params": sel, "optimizer": cls.__name__,
                         "kwargs": {k: jsonable(v) for k, v in kw.items()}} for sel, cls, kw in groups]
        entries.append(model_entry(case, lambda st: group_run(st, main, groups, sched, x, y), start, main[0],
                                   main[1], sched, {"groups": groups_entry}))
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump({"torch_version": torch.__version__,
                   "prodigyopt_version": importlib.metadata.version("prodigyopt"),
                   "schedulefree_version": importlib.metadata.version("schedulefree"),
                   "pytorch_optimizer_version": importlib.metadata.version("pytorch-optimizer"),
                   "cases": entries}, fh, indent=1)


if __name__ == "__main__":
    main()
