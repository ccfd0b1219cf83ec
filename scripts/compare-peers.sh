#!/usr/bin/env bash
# Runs the same workloads in Descent, torch (eager, one thread) and JAX (jit +
# lax.scan, float64) and prints steps/s with Descent's ratios. Never part of
# .ci/run. Needs a Python with torch, jax and optax:
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch jax optax
#   PYTHON=/tmp/venv/bin/python scripts/compare-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
STEPS=4000

cargo build --release --quiet
descent="${CARGO_TARGET_DIR:-target}/release/descent"
preset=benches/presets/mlp-moons-adam.ron

# Descent: the whole process (start-up, data, 4 000 steps, the CSV), best of three.
best=""
for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$descent" run "$preset" --steps "$STEPS" --csv /dev/null
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
ours=$(echo "$STEPS / $best" | bc -l)

peers=$("$PYTHON" scripts/peers/mlp.py both "$STEPS")
torch=$(awk '$1 == "torch" {print $2}' <<< "$peers")
jax=$(awk '$1 == "jax" {print $2}' <<< "$peers")

printf '%-44s %12s %12s %12s %10s %10s\n' "workload (steps/s)" Descent torch JAX "×torch" "×JAX"
printf '%-44s %12.0f %12.0f %12.0f %10.1f %10.2f\n' \
    "MLP 2-16-16-1, 1000 points, batch 32, Adam" "$ours" "$torch" "$jax" \
    "$(echo "$ours / $torch" | bc -l)" "$(echo "$ours / $jax" | bc -l)"
