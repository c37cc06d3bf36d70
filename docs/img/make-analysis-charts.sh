#!/usr/bin/env bash
# Regenerates docs/img/analysis-charts.png: the analysis charts of the newest committed run, drawn by
# the project's own report (`latency-lab report --charts-only`) and photographed by headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:-$(ls -d data/runs/*/ | sort | tail -1)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node bin/latency-lab.cjs report "$run" --charts-only --out "$work/charts.html" >/dev/null
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --no-first-run --user-data-dir="$work/profile" --hide-scrollbars --virtual-time-budget=10000 \
  --window-size=1400,2060 --screenshot="docs/img/analysis-charts.png" "file://$work/charts.html" 2>/dev/null
echo "docs/img/analysis-charts.png from $run"
