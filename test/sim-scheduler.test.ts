// Scheduler invariants under a seeded random workload: capacity limits, FIFO admission,
// token budget, preemption and prefix-cache hits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Scheduler, Sequence } from "../src/sim";
import { createRng } from "../src/util/random";

function drive(s: Scheduler, arrivals: Sequence[][], check: (items: ReturnType<Scheduler["schedule"]>) => void): number {
  let steps = 0;
  for (let t = 0; steps < 100_000; t++) {
    for (const seq of arrivals[t] ?? []) s.add(seq);
    const items = s.schedule();
    check(items);
    s.complete(items);
    steps++;
    if (t >= arrivals.length && s.running.length === 0 && s.waiting.length === 0) break;
  }
  return steps;
}

describe("scheduler", () => {
  it("never runs more than max-num-seqs or the KV capacity, admits FIFO and keeps the token budget", () => {
    const cfg = { numBlocks: 120, blockSizeTokens: 16, maxNumSeqs: 8, maxNumBatchedTokens: 256, enablePrefixCaching: false };
    const s = new Scheduler(cfg);
    const rng = createRng(42);
    const all: Sequence[] = [];
    const arrivals = Array.from({ length: 60 }, (_, t) =>
      Array.from({ length: rng.int(0, 3) }, (_, k) => {
        const seq = new Sequence(`r${t}-${k}`, rng.int(1, 400), rng.int(1, 120), "stop");
        all.push(seq);
        return seq;
      }),
    );
    const admitted: Sequence[] = [];
    drive(s, arrivals, (items) => {
      assert.ok(s.running.length <= cfg.maxNumSeqs);
      assert.ok(s.usedBlocks <= cfg.numBlocks);
      assert.equal(s.running.reduce((n, q) => n + q.blocks, 0), s.usedBlocks);
      assert.ok(items.reduce((n, i) => n + i.newTokens, 0) <= cfg.maxNumBatchedTokens);
      for (const i of items) if (!admitted.includes(i.seq)) admitted.push(i.seq);
    });
    assert.deepEqual(admitted.map((q) => q.id), all.map((q) => q.id), "first admission follows arrival order");
    for (const q of all) {
      assert.equal(q.state, "finished");
      assert.equal(q.generated, q.targetTokens);
    }
    assert.equal(s.usedBlocks, 0);
    assert.ok(s.preemptionsTotal > 0, "the workload is sized to force preemptions");
  });

  it("chunks a long prompt across steps and samples only when prefill completes", () => {
    const s = new Scheduler({ numBlocks: 100, blockSizeTokens: 16, maxNumSeqs: 4, maxNumBatchedTokens: 100, enablePrefixCaching: false });
    const seq = new Sequence("long", 250, 2, "length");
    s.add(seq);
    const chunks: number[] = [];
    for (let i = 0; i < 3; i++) {
      const items = s.schedule();
      chunks.push(items[0]!.newTokens);
      const out = s.complete(items);
      assert.equal(out.sampled.length, i === 2 ? 1 : 0);
    }
    assert.deepEqual(chunks, [100, 100, 50]);
  });

  it("skips prefill of cached prompt blocks when prefix caching is on", () => {
    const hashes = Array.from({ length: 10 }, (_, i) => 1000 + i);
    for (const enable of [true, false]) {
      const s = new Scheduler({ numBlocks: 100, blockSizeTokens: 16, maxNumSeqs: 4, maxNumBatchedTokens: 1000, enablePrefixCaching: enable });
      const first = new Sequence("a", 165, 1, "stop", hashes);
      s.add(first);
      s.complete(s.schedule());
      const second = new Sequence("b", 165, 1, "stop", hashes);
      s.add(second);
      const items = s.schedule();
      assert.equal(items[0]!.newTokens, enable ? 165 - 160 : 165);
      assert.equal(second.cachedTokens, enable ? 160 : 0);
    }
  });

  it("a blocked head of the queue blocks later, smaller requests (strict FIFO)", () => {
    const s = new Scheduler({ numBlocks: 10, blockSizeTokens: 16, maxNumSeqs: 4, maxNumBatchedTokens: 1000, enablePrefixCaching: false });
    const big = new Sequence("big", 150, 50, "stop"); // 10 blocks
    s.add(big);
    s.complete(s.schedule());
    const head = new Sequence("head", 100, 1, "stop");
    const small = new Sequence("small", 5, 1, "stop");
    s.add(head);
    s.add(small);
    const ids = s.schedule().map((i) => i.seq.id);
    assert.ok(!ids.includes("small") && !ids.includes("head"));
  });
});
