// Ctrl-C during `latency-lab reproduce`: exit non-zero, every completed record on disk (whole JSON
// lines), the summary written as interrupted, and no server process left.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listGroupPids, processGone } from "../src/server/stop";
import type { RequestRecord } from "../src/types";

const ROOT = path.join(__dirname, "..");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "reproduce-int-"));
after(() => fs.rmSync(out, { recursive: true, force: true }));

const lines = (file: string): string[] => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

test("SIGINT keeps every completed record, stops the server and exits non-zero", async () => {
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "latency-lab.cjs"), "reproduce", "--experiment", path.join(__dirname, "fixtures", "experiment-long.json"), "--out", out, "--json"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  try {
    const file = path.join(out, "phi-3-mini-4k-instruct", "requests-short.jsonl");
    while (lines(file).length < 3) {
      assert.equal(child.exitCode, null, `reproduce ended early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGINT");
    const code = await done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /latency-lab reproduce: interrupted; every completed record is in /);
    const records = lines(file).map((l) => JSON.parse(l) as RequestRecord);
    assert.ok(records.length >= 3 && records.length < 200, `some, not all, records: ${records.length}`);
    assert.ok(records.every((r) => r.ok), "only completed requests: the one in flight was allowed to finish");
    const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(summary.interrupted, true);
    assert.equal(JSON.parse(stdout).schema, "latency-lab/reproduce@1", "still one document on stdout");
    const bench = JSON.parse(fs.readFileSync(path.join(out, "phi-3-mini-4k-instruct", "bench-short.json"), "utf8"));
    assert.equal(bench.requests.completed, records.length, "the summary counts what is on disk");
    const { pid } = JSON.parse(fs.readFileSync(path.join(out, "phi-3-mini-4k-instruct", "phases.json"), "utf8"));
    assert.equal(processGone(pid), true, "server process gone");
    assert.deepEqual(listGroupPids(pid), [], "nothing of its group left");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
