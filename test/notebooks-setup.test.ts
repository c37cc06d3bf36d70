// setup/check.sh: one line per item; the committed tslab kernel spec is found through JUPYTER_PATH.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");

test("check.sh prints one line per item and finds the tslab kernel; a missing GPU is fine", () => {
  const r = spawnSync("bash", [path.join(ROOT, "setup", "check.sh")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PYTHON: "/nonexistent/python" } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const items = r.stdout.trim().split("\n").map((l) => l.split(":")[0]);
  assert.deepEqual(items, ["Node", "npm deps", "Jupyter", "tslab kernel", "JupyterLab", "Chromium", "GPU", "vLLM"]);
  assert.match(r.stdout, new RegExp(`^Node: +${process.version.replace(/\./g, "\\.")} `, "m"));
  assert.match(r.stdout, new RegExp(`^tslab kernel: +listed \\(${path.join(ROOT, "jupyter", "kernels", "tslab")}\\)$`, "m"));
  assert.match(r.stdout, /^vLLM: +not importable from \/nonexistent\/python/m);
});

test("the kernel spec starts tslab from the project root with the project's own node_modules", () => {
  const spec = JSON.parse(fs.readFileSync(path.join(ROOT, "jupyter", "kernels", "tslab", "kernel.json"), "utf8"));
  assert.deepEqual(spec.argv, ["sh", "{resource_dir}/../../tslab-kernel.sh", "--config-path", "{connection_file}"]);
  const launcher = fs.readFileSync(path.join(ROOT, "jupyter", "tslab-kernel.sh"), "utf8");
  assert.match(launcher, /cd "\$root"/);
  assert.match(launcher, /"\$root\/node_modules\/tslab\/bin\/tslab" kernel "\$@"/);
});
