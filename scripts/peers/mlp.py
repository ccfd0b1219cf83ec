"""The MLP workload of benches/steps.rs in torch (eager) and JAX (jit + lax.scan).

2-16-16-1 tanh, binary cross-entropy with logits, 1 000 points, mini-batches of
32, Adam lr 0.01, float64, the full-data loss recorded after every step.
Prints one line per framework: `<name> <steps/s>` (best of three runs).
"""

import sys
import time

import numpy as np

STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
POINTS, BATCH, SIZES = 1000, 32, [2, 16, 16, 1]


def moons(n, noise=0.1, seed=0):
    """Two interleaved half circles, as scikit-learn draws them."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t_out = np.linspace(0.0, np.pi, half)
    t_in = np.linspace(0.0, np.pi, n - half)
    x = np.concatenate([np.cos(t_out), 1.0 - np.cos(t_in)])
    y = np.concatenate([np.sin(t_out), 0.5 - np.sin(t_in)])
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    labels = np.concatenate([np.zeros(half), np.ones(n - half)])
    return points, labels


def batches(steps, seed=0):
    """Each epoch a fresh permutation, cut into batches of 32 (the last one short is dropped)."""
    rng = np.random.default_rng(seed)
    per_epoch = POINTS // BATCH
    epochs = -(-steps // per_epoch)
    rows = [rng.permutation(POINTS)[: per_epoch * BATCH].reshape(per_epoch, BATCH) for _ in range(epochs)]
    return np.concatenate(rows)[:steps]


def best_of_three(run):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return STEPS / min(times)


def torch_rate(points, labels, idx):
    import torch

    torch.set_num_threads(1)
    x = torch.tensor(points, dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    idx = torch.tensor(idx)

    def run():
        torch.manual_seed(0)
        layers = []
        for a, b in zip(SIZES, SIZES[1:]):
            layers += [torch.nn.Linear(a, b, dtype=torch.float64), torch.nn.Tanh()]
        model = torch.nn.Sequential(*layers[:-1])
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        losses = torch.empty(STEPS, dtype=torch.float64)
        for k in range(STEPS):
            batch = idx[k]
            opt.zero_grad()
            loss_fn(model(x[batch])[:, 0], y[batch]).backward()
            opt.step()
            with torch.no_grad():
                losses[k] = loss_fn(model(x)[:, 0], y)
        return losses

    return best_of_three(run)


def jax_rate(points, labels, idx):
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)
    x, y, idx = jnp.asarray(points), jnp.asarray(labels), jnp.asarray(idx)
    key = jax.random.PRNGKey(0)
    params = []
    for a, b in zip(SIZES, SIZES[1:]):
        key, kw, kb = jax.random.split(key, 3)
        bound = 1.0 / np.sqrt(a)
        params.append((jax.random.uniform(kw, (b, a), minval=-bound, maxval=bound),
                       jax.random.uniform(kb, (b,), minval=-bound, maxval=bound)))

    def logits(p, xs):
        h = xs
        for w, b in p[:-1]:
            h = jnp.tanh(h @ w.T + b)
        w, b = p[-1]
        return (h @ w.T + b)[:, 0]

    def loss(p, xs, ys):
        return optax.sigmoid_binary_cross_entropy(logits(p, xs), ys).mean()

    opt = optax.adam(0.01)

    def step(carry, batch):
        p, state = carry
        g = jax.grad(loss)(p, x[batch], y[batch])
        updates, state = opt.update(g, state, p)
        p = optax.apply_updates(p, updates)
        return (p, state), loss(p, x, y)

    @jax.jit
    def train(p):
        return jax.lax.scan(step, (p, opt.init(p)), idx)[1]

    train(params).block_until_ready()  # compile once, outside the timing
    return best_of_three(lambda: train(params).block_until_ready())


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    pts, lab = moons(POINTS)
    ix = batches(STEPS)
    if which in ("torch", "both"):
        print(f"torch {torch_rate(pts, lab, ix):.0f}")
    if which in ("jax", "both"):
        print(f"jax {jax_rate(pts, lab, ix):.0f}")
