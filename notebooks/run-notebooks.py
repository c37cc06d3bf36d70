#!/usr/bin/python3
"""Execute the project's notebooks headless with the tslab kernel (nbclient), in place by default.

  /usr/bin/python3 notebooks/run-notebooks.py [NOTEBOOK ...] [--out-dir DIR] [--params JSON] [--html] [--timeout S]

Without NOTEBOOK arguments it runs every notebooks/*.ipynb in name order. The kernel spec is the
project's own (jupyter/kernels/tslab, found through JUPYTER_PATH; nothing is written to $HOME).
--params sets LATENCY_LAB_PARAMS, which each notebook's first cell merges into its parameters.
A failing cell's stderr and traceback are printed, the partial notebook is saved, the remaining
notebooks still run, and the exit status is 1. Exit 2: bad arguments or no Jupyter/kernel.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silence Python 3.11's frozen-modules debugger notice

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = "tslab"
# tslab 1.0.22's file watcher throws this when src/ files change on disk while a notebook runs;
# the notebook is not at fault, so it is run once more.
TSLAB_WATCH_RACE = "Unexpected pending rebuildTimer"


def fail(message):
    print(f"run-notebooks: {message}", file=sys.stderr)
    sys.exit(2)


try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as err:
    fail(f"{err}; install Jupyter's nbclient (setup/setup.sh, or apt-get install python3-nbclient) and run with /usr/bin/python3")


def cell_problems(cell):
    """Error outputs and stderr text of one executed cell."""
    lines = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            lines.append(f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": "))
            lines.extend(out.get("traceback", []))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            lines.append(out.get("text", "").rstrip())
    return [l for l in lines if l]


def export_html(nb, html_path):
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(body)


def run_one(path, out_path, timeout, html, retry_watch_race=True):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # start clean, so a partial notebook shows exactly the cells that ran
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, record_timing=False,
                            resources={"metadata": {"path": ROOT}})
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        error = err
    except RuntimeError as err:  # the kernel did not start (e.g. "Kernel died before replying to kernel_info")
        error = err
    # tslab reports a failure on the cell's stderr with an empty error message: look at every cell.
    failed = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    if error is not None and not failed:
        executed = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count")]
        failed = executed[-1:] if executed else []
    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    nbformat.write(nb, out_path)
    if html:
        export_html(nb, os.path.splitext(out_path)[0] + ".html")
    name = os.path.relpath(path, ROOT)
    seconds = time.monotonic() - started
    if error is None and not failed:
        print(f"ok    {name} ({seconds:.1f} s) -> {os.path.relpath(out_path, ROOT)}")
        return True
    problems = "\n".join(l for _, c in failed for l in cell_problems(c))
    if retry_watch_race and TSLAB_WATCH_RACE in problems:
        print(f"again {name}: tslab's file watcher fired (src/ changed on disk during the run); running it once more")
        return run_one(path, out_path, timeout, html, retry_watch_race=False)
    print(f"FAIL  {name} ({seconds:.1f} s); partial notebook saved to {os.path.relpath(out_path, ROOT)}", file=sys.stderr)
    for i, cell in failed:
        print(f"--- cell {i}:\n{cell.source}\n--- its stderr / traceback:", file=sys.stderr)
        print("\n".join(cell_problems(cell)) or str(error).strip() or "(no message)", file=sys.stderr)
    if error is not None and not isinstance(error, CellExecutionError):
        print(f"--- {type(error).__name__}: {str(error).strip()}", file=sys.stderr)
    return False


def main():
    parser = argparse.ArgumentParser(description="Execute notebooks with the tslab kernel.")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--out-dir", help="write executed notebooks here instead of in place")
    parser.add_argument("--params", help="JSON object overriding each notebook's first-cell parameters")
    parser.add_argument("--html", action="store_true", help="also export an HTML file beside each executed notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args()

    if args.params is not None:
        try:
            if not isinstance(json.loads(args.params), dict):
                raise ValueError("not an object")
        except ValueError as err:
            fail(f"--params must be a JSON object ({err}), e.g. '{{\"runs\": 2}}'")
        os.environ["LATENCY_LAB_PARAMS"] = args.params
    jupyter_dir = os.path.join(ROOT, "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in [jupyter_dir, os.environ.get("JUPYTER_PATH", "")] if p)
    if not os.path.exists(os.path.join(ROOT, "node_modules", "tslab")):
        fail("node_modules/tslab is missing; run `npm ci` first")

    nb_dir = os.path.join(ROOT, "notebooks")
    paths = [os.path.abspath(p) for p in args.notebooks] or sorted(
        os.path.join(nb_dir, f) for f in os.listdir(nb_dir) if f.endswith(".ipynb"))
    for p in paths:
        if not os.path.isfile(p):
            fail(f"no such notebook: {p}")
    ok = True
    for p in paths:
        out = os.path.join(os.path.abspath(args.out_dir), os.path.basename(p)) if args.out_dir else p
        ok = run_one(p, out, args.timeout, args.html) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
