"""The surface workload: Adam (lr 0.001) on Rosenbrock from (-1.5, 2), float64,
the path (x, y) and the loss recorded at every step.

JAX runs it as one jitted `lax.scan` over 5 000 000 steps; torch's eager loop
is timed over 20 000 steps. Prints `<name> <steps/s>` (best of three).
"""

import sys
import time

JAX_STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
TORCH_STEPS = 20_000
START, LR = (-1.5, 2.0), 0.001


def best_of_three(run, steps):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return steps / min(times)


def rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def torch_rate():
    import torch

    torch.set_num_threads(1)

    def run():
        p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=LR)
        path = torch.empty((TORCH_STEPS, 3), dtype=torch.float64)
        for k in range(TORCH_STEPS):
            opt.zero_grad()
            loss = rosenbrock(p[0], p[1])
            loss.backward()
            opt.step()
            with torch.no_grad():
                path[k, :2] = p
                path[k, 2] = rosenbrock(p[0], p[1])
        return path

    return best_of_three(run, TORCH_STEPS)


def jax_rate():
    import jax
    import jax.numpy as jnp
    import optax

    jax.config.update("jax_enable_x64", True)
    opt = optax.adam(LR)
    loss = lambda p: rosenbrock(p[0], p[1])

    def step(carry, _):
        p, state = carry
        g = jax.grad(loss)(p)
        updates, state = opt.update(g, state, p)
        p = optax.apply_updates(p, updates)
        return (p, state), jnp.stack([p[0], p[1], loss(p)])

    @jax.jit
    def train(p):
        return jax.lax.scan(step, (p, opt.init(p)), None, length=JAX_STEPS)[1]

    p0 = jnp.asarray(START, dtype=jnp.float64)
    train(p0).block_until_ready()  # compile once, outside the timing
    return best_of_three(lambda: train(p0).block_until_ready(), JAX_STEPS)


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    if which in ("torch", "both"):
        print(f"torch {torch_rate():.0f}")
    if which in ("jax", "both"):
        print(f"jax {jax_rate():.0f}")
