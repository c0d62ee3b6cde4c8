#!/usr/bin/env bash
# Score the pipeline on our own evaluation corpus (samples/corpus: packaging / food-service / hygiene trade),
# laid out like shared/corpus. Extra arguments go to score.py (e.g. --json, --formats scan, --require ...).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCORE="${SCORE:-$ROOT/../shared/bench/score.py}"
[ -f "$SCORE" ] || SCORE=/work/shared/bench/score.py
exec python3 "$SCORE" --corpus "$ROOT/samples/corpus" --run "$ROOT/.venv/bin/orderintake extract" "$@"
