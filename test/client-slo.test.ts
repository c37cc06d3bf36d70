// SLO parsing/checking and the max-concurrency search decision on scripted per-level results.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../src/errors";
import { checkSlo, parseSlo, requestMeetsSlo, DEFAULT_SLO } from "../src/load/slo";
import { maxPassingConcurrency, nextConcurrency, type LevelOutcome } from "../src/load/slo-search";
import type { RequestMetrics } from "../src/types";

/** Runs the search against a scripted pass/fail oracle; returns the answer and the levels visited. */
function search(passes: (c: number) => boolean, limit: number): { answer: number; visited: number[] } {
  const levels: LevelOutcome[] = [];
  for (let c = nextConcurrency(levels, limit); c !== null; c = nextConcurrency(levels, limit)) {
    assert.ok(!levels.some((l) => l.concurrency === c), `level ${c} measured twice`);
    levels.push({ concurrency: c, pass: passes(c) });
  }
  return { answer: maxPassingConcurrency(levels), visited: levels.map((l) => l.concurrency) };
}

describe("parseSlo", () => {
  it("parses the default and normalises units", () => {
    const s = parseSlo(DEFAULT_SLO);
    assert.equal(s.text, "tpot:p95<=50ms");
    assert.deepEqual(s.clauses, [{ metric: "tpot", stat: "p95", op: "<=", thresholdMs: 50 }]);
    assert.match(s.definition, /p95 time per output token/);
    const m = parseSlo("ttft:p99<=1.5s, itl:mean<20ms,e2e:p99.9<=2s");
    assert.deepEqual(m.clauses.map((c) => [c.metric, c.stat, c.op, c.thresholdMs]), [["ttft", "p99", "<=", 1500], ["itl", "mean", "<", 20], ["e2e", "p99.9", "<=", 2000]]);
    assert.equal(m.text, "ttft:p99<=1500ms,itl:mean<20ms,e2e:p99.9<=2000ms");
  });

  for (const bad of ["", "tpot", "tpot:p95<=50", "latency:p95<=50ms", "tpot:p0<=5ms", "tpot:p101<=5ms", "tpot:median<=5ms", "tpot:p95>=5ms", "tpot:p95<=0ms", "tpot:p95<=50ms,"]) {
    it(`rejects ${JSON.stringify(bad)} with a UsageError naming the format`, () => {
      if (bad === "tpot:p95<=50ms,") {
        assert.equal(parseSlo(bad).clauses.length, 1, "a trailing comma is tolerated");
        return;
      }
      assert.throws(() => parseSlo(bad), (e: unknown) => e instanceof UsageError && /--slo/.test(e.shortMessage) && !e.shortMessage.includes("\n"));
    });
  }
});

function metrics(tpotMs: number, ttftMs = 100): RequestMetrics {
  return { ttftMs, ttfoMs: ttftMs, e2eMs: ttftMs + tpotMs * 9, tpotMs, itlMs: [tpotMs, tpotMs], outputTokens: 10, decodeTokensPerS: 1000 / tpotMs, articleTokensPerS: null, queueDelayMs: 0 };
}

describe("checkSlo", () => {
  it("uses the stated percentile over the requests", () => {
    const ms = Array.from({ length: 21 }, (_, i) => metrics(i < 20 ? 10 : 100));
    // 21 values: twenty 10 ms, one 100 ms → p95 at rank 19 = 10; p99 at rank 19.8 = 82
    const c = checkSlo(parseSlo("tpot:p95<=50ms"), ms);
    assert.equal(c.pass, true);
    assert.equal(c.clauses[0]?.valueMs, 10);
    assert.equal(checkSlo(parseSlo("tpot:p99<=50ms"), ms).pass, false, "p99 catches the outlier");
    assert.equal(checkSlo(parseSlo("tpot:mean<=14ms"), ms).pass, false, "mean ≈ 14.3");
    assert.equal(checkSlo(parseSlo("tpot:p95<=50ms"), []).pass, false, "no data never passes");
  });

  it("checks one request for goodput", () => {
    const slo = parseSlo("ttft:p99<=200ms,tpot:p95<=50ms");
    assert.equal(requestMeetsSlo(slo, metrics(20)), true);
    assert.equal(requestMeetsSlo(slo, metrics(60)), false);
    assert.equal(requestMeetsSlo(slo, metrics(20, 300)), false);
  });
});

describe("max-concurrency search (pure decision)", () => {
  for (const k of [0, 1, 2, 3, 5, 6, 8, 13, 100, 255, 256]) {
    it(`finds ${k} when every level ≤ ${k} passes (limit 256)`, () => {
      const { answer, visited } = search((c) => c <= k, 256);
      assert.equal(answer, k);
      assert.equal(visited[0], 1, "starts at 1");
      assert.ok(visited.length <= 2 * Math.log2(256) + 2, `few levels: ${visited.join(",")}`);
    });
  }

  it("doubles, then bisects: the article's 8 is reached via 1,2,4,8,16,12,10,9", () => {
    assert.deepEqual(search((c) => c <= 8, 256).visited, [1, 2, 4, 8, 16, 12, 10, 9]);
  });

  it("stops at the limit when everything passes", () => {
    assert.deepEqual(search(() => true, 20).visited, [1, 2, 4, 8, 16, 20]);
    assert.equal(search(() => true, 20).answer, 20);
  });

  it("reports the largest pass below the first fail when results are not monotone", () => {
    const scripted = new Map([[1, true], [2, true], [4, false], [3, true]]);
    const levels: LevelOutcome[] = [];
    for (let c = nextConcurrency(levels, 64); c !== null; c = nextConcurrency(levels, 64)) levels.push({ concurrency: c, pass: scripted.get(c) ?? false });
    assert.equal(maxPassingConcurrency(levels), 3);
    assert.equal(maxPassingConcurrency([{ concurrency: 1, pass: true }, { concurrency: 2, pass: false }, { concurrency: 4, pass: true }]), 1, "a pass above a fail is not the answer");
  });
});
