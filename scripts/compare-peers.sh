#!/usr/bin/env bash
# Runs the workloads of issue #17 in Descent, torch (eager, one thread) and
# JAX (jit + lax.scan, float64) or matplotlib, and prints each side's figure
# with Descent's ratios. Descent is timed as a whole process (start-up, the
# preset, the run, the output), best of three. Never part of .ci/run. Needs
# a Python with torch, jax, optax and matplotlib:
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch jax optax matplotlib
#   PYTHON=/tmp/venv/bin/python scripts/compare-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
MLP_STEPS=4000
SURFACE_STEPS=5000000

cargo build --release --quiet
descent="${CARGO_TARGET_DIR:-target}/release/descent"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Best of three wall-clock seconds of a command.
best_of_three() {
    local best="" start end t
    for _ in 1 2 3; do
        start=$(date +%s.%N)
        "$@" > /dev/null
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}

mlp_s=$(best_of_three "$descent" run benches/presets/mlp-moons-adam.ron --steps "$MLP_STEPS")
mlp=$(echo "$MLP_STEPS / $mlp_s" | bc -l)
peers=$("$PYTHON" scripts/peers/mlp.py both "$MLP_STEPS")
mlp_torch=$(awk '$1 == "torch" {print $2}' <<< "$peers")
mlp_jax=$(awk '$1 == "jax" {print $2}' <<< "$peers")

surface_s=$(best_of_three "$descent" run benches/presets/rosenbrock-adam.ron --steps "$SURFACE_STEPS")
surface=$(echo "$SURFACE_STEPS / $surface_s" | bc -l)
peers=$("$PYTHON" scripts/peers/surface.py both "$SURFACE_STEPS")
surface_torch=$(awk '$1 == "torch" {print $2}' <<< "$peers")
surface_jax=$(awk '$1 == "jax" {print $2}' <<< "$peers")

figure=$(best_of_three "$descent" export benches/presets/rosenbrock-8-adam.ron --png "$out/descent.png")
matplotlib=$("$PYTHON" scripts/peers/figure.py "$out/matplotlib.png" | awk '{print $2}')

printf '%-52s %14s %14s %14s %9s %9s\n' "workload" Descent torch "JAX/matplotlib" "×torch" "×peer"
printf '%-52s %14.0f %14.0f %14.0f %9.1f %9.2f\n' \
    "MLP 2-16-16-1, 1000 points, batch 32, Adam (steps/s)" "$mlp" "$mlp_torch" "$mlp_jax" \
    "$(echo "$mlp / $mlp_torch" | bc -l)" "$(echo "$mlp / $mlp_jax" | bc -l)"
printf '%-52s %14.0f %14.0f %14.0f %9.0f %9.2f\n' \
    "Rosenbrock, Adam, 5e6 steps, path kept (steps/s)" "$surface" "$surface_torch" "$surface_jax" \
    "$(echo "$surface / $surface_torch" | bc -l)" "$(echo "$surface / $surface_jax" | bc -l)"
printf '%-52s %14.3f %14s %14.3f %9s %9.2f\n' \
    "1600x1200 PNG, 8 Adam runs x 1e4 steps (seconds)" "$figure" "—" "$matplotlib" "—" \
    "$(echo "$figure / $matplotlib" | bc -l)"
echo "goals: MLP ≥ 2× JAX and ≥ 10× torch; surface ≥ 1.25× JAX; figure ≤ 0.2× matplotlib's time"
