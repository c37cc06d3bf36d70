#!/usr/bin/env bash
# One line per item the notebooks and tests need. Exit 1 if a required item is missing; an absent
# GPU or vLLM is fine (the simulator is the default engine). PYTHON: the Python that has vLLM.
cd "$(dirname "$0")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python3}"
status=0
line() { printf '%-14s %s\n' "$1:" "$2"; }
need() { line "$1" "MISSING: $2"; status=1; }

if command -v node >/dev/null; then line "Node" "$(node --version) ($(command -v node))"; else need "Node" "install Node >= 20.19"; fi
if [ -f node_modules/tslab/package.json ]; then
  line "npm deps" "installed (tslab $(node -p 'require("./node_modules/tslab/package.json").version'), danfojs-node $(node -p 'require("./node_modules/danfojs-node/package.json").version'))"
else need "npm deps" "run npm ci"; fi
if [ -x /usr/bin/jupyter ]; then
  line "Jupyter" "$(/usr/bin/python3 -c 'import nbclient, nbconvert; print(f"nbclient {nbclient.__version__}, nbconvert {nbconvert.__version__}")' 2>/dev/null || echo 'nbclient/nbconvert missing')"
else need "Jupyter" "apt-get install python3-nbclient jupyter-nbconvert jupyter-notebook (or bash setup/setup.sh)"; fi
if JUPYTER_PATH="$ROOT/jupyter" /usr/bin/jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  line "tslab kernel" "listed ($(JUPYTER_PATH="$ROOT/jupyter" /usr/bin/jupyter kernelspec list 2>/dev/null | awk '$1=="tslab"{print $2}'))"
else need "tslab kernel" "not listed with JUPYTER_PATH=$ROOT/jupyter"; fi
if [ -x .venv-jupyter/bin/jupyter-lab ]; then line "JupyterLab" "in .venv-jupyter ($(.venv-jupyter/bin/jupyter-lab --version 2>/dev/null))"; else line "JupyterLab" "not installed (Debian's jupyter-notebook works)"; fi
if [ -x /usr/bin/chromium ]; then line "Chromium" "$(/usr/bin/chromium --version 2>/dev/null | head -1)"; else line "Chromium" "not installed (report test and screenshots need it)"; status=1; fi
if command -v nvidia-smi >/dev/null && gpu="$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)" && [ -n "$gpu" ]; then
  line "GPU" "$gpu"
else line "GPU" "none (fine: the simulator is the default engine)"; fi
if v="$("$PYTHON" -c 'import vllm; print(vllm.__version__)' 2>/dev/null)"; then line "vLLM" "$v ($PYTHON)"; else line "vLLM" "not importable from $PYTHON (fine without a GPU; set PYTHON=/path/to/venv/bin/python)"; fi
exit $status
