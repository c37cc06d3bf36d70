// Loaded with --import before every test file (see package.json "test"): gives the file, and every
// process it starts, its own TMPDIR, removed when the file's process exits. Server logs written to
// os.tmpdir() by default (the launcher keeps them for post-mortems) then never litter the machine.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const base = process.env.LATENCY_LAB_TEST_TMP_BASE ?? os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, "latency-lab-test-"));
process.env.TMPDIR = dir;
process.on("exit", () => {
  fs.rmSync(dir, { recursive: true, force: true });
});
