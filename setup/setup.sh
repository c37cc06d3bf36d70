#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine for the notebooks and tests. Idempotent: run it again any
# time; it only installs what is missing. Needs Node >= 20.19 already on PATH (Debian's nodejs is
# older; use nodesource or nvm). Nothing is written to $HOME: the tslab kernel spec is committed in
# jupyter/kernels/tslab and found through JUPYTER_PATH=$PWD/jupyter.
#
#   bash setup/setup.sh          then   bash setup/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# 1. Node (not installed here: the distributions' packages are too old).
command -v node >/dev/null || die "node is not on PATH; install Node >= 20.19 (https://nodejs.org or nodesource) and re-run"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "node $(node --version) is too old; install Node >= 20.19 and re-run"
say "node $(node --version)"

# 2. Debian packages: Jupyter (nbclient runs the notebooks headless), ipykernel, Chromium (report tests, screenshots).
APT_PACKAGES=(python3-nbclient jupyter-nbconvert python3-ipykernel jupyter-client jupyter-notebook chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "Debian packages already installed (${APT_PACKAGES[*]})"
fi

# 3. npm dependencies from the lockfile (tslab, danfojs-node, plotly.js-dist-min, …); skipped when
#    node_modules already holds every locked version (npm's own record: node_modules/.package-lock.json).
if [ -f node_modules/.package-lock.json ] && node -e '
  const want = require("./package-lock.json").packages, have = require("./node_modules/.package-lock.json").packages;
  const stale = Object.entries(want).filter(([k, v]) => k !== "" && !v.optional && (!have[k] || have[k].version !== v.version));
  process.exit(stale.length ? 1 : 0);'; then
  say "node_modules matches package-lock.json"
else
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# 4. JupyterLab, only where pip can reach its index: into a project-local venv (.venv-jupyter, ignored by git).
if [ -x .venv-jupyter/bin/jupyter-lab ]; then
  say "JupyterLab already in .venv-jupyter"
elif /usr/bin/python3 - <<'PY' 2>/dev/null
import os, sys, urllib.request
index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
urllib.request.urlopen(f"{index}/jupyterlab/", timeout=8)
PY
then
  say "PyPI reachable: installing JupyterLab into .venv-jupyter"
  dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q "install ok installed" \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends python3-venv; }
  /usr/bin/python3 -m venv --system-site-packages .venv-jupyter
  .venv-jupyter/bin/pip install --quiet jupyterlab
else
  say "PyPI not reachable: no JupyterLab; Debian's jupyter-notebook opens the notebooks (see notebooks/README.md)"
fi

# 5. The committed tslab kernel spec (no `jupyter kernelspec install`, nothing in $HOME).
chmod +x jupyter/tslab-kernel.sh notebooks/run-notebooks.py
JUPYTER_PATH="$ROOT/jupyter" /usr/bin/jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab ' \
  || die "the tslab kernel spec in jupyter/kernels/tslab is not listed by jupyter; is the checkout complete?"
say "tslab kernel spec found through JUPYTER_PATH=$ROOT/jupyter"
say "done; run: bash setup/check.sh"
