#!/usr/bin/env bash
# Short fuzzing session for developers (not part of .ci/run): each target runs
# for SECONDS seconds (default 60) from the committed seeds, then any crash
# input is left in fuzz/artifacts/<target>/. Needs the nightly toolchain and
# cargo-fuzz (`rustup toolchain install nightly && cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh            # every target, 60 s each
#   scripts/fuzz.sh 600 csv    # one target, 10 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(preset expression csv)
fi
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    # Inputs that once crashed a target must keep passing.
    if [ -d "fuzz/regressions/$target" ]; then
        cp -n fuzz/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
    fi
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=4096
done
