#!/usr/bin/env bash
# Run every benchmark from the repo root; pass --quick for a fast smoke run.
# Usage: bench/run_all.sh [--quick]   (results also land in bench/results/*.json)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PYTHONPATH=.
echo "machine: $(nproc) CPUs, $($PY -V), $(uname -sr), hyperfine: $(hyperfine --version 2>/dev/null || echo none)"
echo "relay_tui sources: sha256 $(find relay_tui -name '*.py' | sort | xargs cat | sha256sum | cut -c1-16), $(date -u +%FT%TZ)"
$PY bench/bench_envfile.py "$@"
$PY bench/bench_generate.py "$@"
$PY bench/bench_cli.py "$@"
$PY bench/bench_vault.py "$@"   # starts and stops its own OpenBao dev server
$PY bench/bench_tui.py "$@"   # needs tmux; the workbench vs a bare Textual DataTable app
$PY bench/bench_scan.py "$@"   # leak scanner vs git log -p and the peers (venv: bench/.peers)
