"""The figure workload in matplotlib: eight Adam runs (lr 0.001 to 0.128) of
10 000 steps from (-1.5, 2) on Rosenbrock, simulated with numpy (all eight
side by side), drawn over a 512² heat map with isolines and above the loss
curves, and saved as a 1600×1200 PNG. Prints `matplotlib <seconds>` (best of
three, after the first has imported matplotlib: simulation, drawing and encoding).
"""

import sys
import time

STEPS, RUNS = 10_000, 8


def simulate(np):
    lr = 0.001 * 2.0 ** np.arange(RUNS)
    p = np.tile(np.array([-1.5, 2.0]), (RUNS, 1))
    m, v = np.zeros_like(p), np.zeros_like(p)
    path = np.empty((STEPS + 1, RUNS, 2))
    loss = np.empty((STEPS + 1, RUNS))
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(STEPS + 1):
        x, y = p[:, 0], p[:, 1]
        path[t] = p
        loss[t] = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        if t == STEPS:
            break
        g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        k = t + 1
        p = p - (lr / (1 - b1**k))[:, None] * m / (np.sqrt(v) / np.sqrt(1 - b2**k) + eps)
    return path, loss


def figure(out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    path, loss = simulate(np)
    xs, ys = np.linspace(-4.35, 4.35, 512), np.linspace(-1.0, 3.0, 512)
    gx, gy = np.meshgrid(xs, ys)
    field = np.log10((1 - gx) ** 2 + 100 * (gy - gx * gx) ** 2 + 1e-12)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(16, 12), dpi=100, height_ratios=[2, 1])
    top.imshow(field, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), aspect="auto", cmap="viridis")
    top.contour(gx, gy, field, levels=24, colors="white", linewidths=0.5)
    for r in range(RUNS):
        top.plot(path[:, r, 0], path[:, r, 1], linewidth=1.2, label=f"lr {0.001 * 2**r:g}")
        bottom.plot(np.log10(loss[:, r] + 1e-300), linewidth=1.0)
    top.legend(loc="upper right")
    top.set_title("Eight Adam runs on Rosenbrock")
    bottom.set_xlabel("step")
    bottom.set_ylabel("log10 loss")
    fig.savefig(out)
    plt.close(fig)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/peer-figure.png"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        figure(out)
        times.append(time.perf_counter() - start)
    print(f"matplotlib {min(times):.3f}")
