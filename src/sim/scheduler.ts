// Continuous batching as vLLM V1 does it, minus the GPU: a FIFO waiting queue, at most
// max-num-seqs running, KV cache in fixed-size blocks, chunked prefill under a token budget,
// recompute preemption when blocks run out, and prefix-cache hits on full prompt blocks.
// Pure and synchronous: the engine decides when a step ends.

export interface SchedulerConfig {
  numBlocks: number;
  blockSizeTokens: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  enablePrefixCaching: boolean;
}

export type FinishReason = "stop" | "length" | "abort";

export class Sequence {
  /** Tokens whose KV is in the cache. */
  computed = 0;
  /** Tokens sampled so far (the output). */
  generated = 0;
  blocks = 0;
  cachedTokens = 0;
  preemptions = 0;
  admitted = false;
  state: "waiting" | "running" | "finished" = "waiting";
  finishReason: FinishReason | null = null;

  constructor(
    readonly id: string,
    readonly promptTokens: number,
    /** Output length at which the sequence stops (EOS draw or max_tokens). */
    readonly targetTokens: number,
    /** Stop reason when targetTokens is reached: "stop" (EOS) or "length" (max_tokens). */
    readonly reasonAtTarget: "stop" | "length",
    /** Chained hashes of the prompt's full blocks, for prefix caching. */
    readonly blockHashes: readonly number[] = [],
  ) {}

  /** Prompt plus output: every token that must be in the KV cache before the next sample. */
  get knownTokens(): number {
    return this.promptTokens + this.generated;
  }
}

export interface ScheduledItem {
  seq: Sequence;
  newTokens: number;
  contextTokens: number;
}

export interface StepOutcome {
  /** Sequences that sampled a token this step (index = seq.generated - 1). */
  sampled: Sequence[];
  finished: Sequence[];
}

export class Scheduler {
  readonly waiting: Sequence[] = [];
  readonly running: Sequence[] = [];
  private freeBlocks: number;
  /** Prefix cache: block hash → present, in LRU order (Map keeps insertion order). */
  private readonly prefixCache = new Map<number, true>();
  prefixQueries = 0;
  prefixHits = 0;
  preemptionsTotal = 0;

  constructor(readonly config: SchedulerConfig) {
    this.freeBlocks = config.numBlocks;
  }

  get usedBlocks(): number {
    return this.config.numBlocks - this.freeBlocks;
  }

  add(seq: Sequence): void {
    this.waiting.push(seq);
  }

  /** Remove a sequence wherever it is (client went away). */
  abort(seq: Sequence): void {
    if (seq.state === "finished") return;
    const w = this.waiting.indexOf(seq);
    if (w >= 0) this.waiting.splice(w, 1);
    const r = this.running.indexOf(seq);
    if (r >= 0) this.running.splice(r, 1);
    this.release(seq);
    seq.state = "finished";
    seq.finishReason = "abort";
  }

  private blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.config.blockSizeTokens);
  }

  private release(seq: Sequence): void {
    this.freeBlocks += seq.blocks;
    seq.blocks = 0;
  }

  private preempt(seq: Sequence): void {
    this.running.splice(this.running.indexOf(seq), 1);
    this.release(seq);
    seq.computed = 0;
    seq.state = "waiting";
    seq.preemptions++;
    this.preemptionsTotal++;
    this.waiting.unshift(seq); // recompute later, ahead of newer arrivals
  }

  /** Leading full prompt blocks already cached; at least one prompt token is always recomputed. */
  private cachedPrefixTokens(seq: Sequence): number {
    if (!this.config.enablePrefixCaching) return 0;
    const bs = this.config.blockSizeTokens;
    let hits = 0;
    while (hits < seq.blockHashes.length && (hits + 1) * bs <= seq.promptTokens - 1 && this.prefixCache.has(seq.blockHashes[hits] as number)) hits++;
    for (let i = 0; i < hits; i++) this.touch(seq.blockHashes[i] as number);
    return hits * bs;
  }

  private touch(hash: number): void {
    this.prefixCache.delete(hash);
    this.prefixCache.set(hash, true);
    if (this.prefixCache.size > this.config.numBlocks) this.prefixCache.delete(this.prefixCache.keys().next().value as number);
  }

  /** Pick this step's work: running sequences first (in admission order), then FIFO admission. */
  schedule(): ScheduledItem[] {
    let budget = this.config.maxNumBatchedTokens;
    const items: ScheduledItem[] = [];
    let preempted = false;
    for (let i = 0; i < this.running.length && budget > 0; i++) {
      const seq = this.running[i] as Sequence;
      const newTokens = Math.min(seq.knownTokens - seq.computed, budget);
      let need = this.blocksFor(seq.computed + newTokens) - seq.blocks;
      // Out of blocks: preempt the most recently admitted sequence until this one fits.
      while (need > this.freeBlocks) {
        const victim = this.running[this.running.length - 1] as Sequence;
        this.preempt(victim);
        preempted = true;
        if (victim === seq) break;
      }
      if (seq.state !== "running") break;
      need = this.blocksFor(seq.computed + newTokens) - seq.blocks;
      this.freeBlocks -= need;
      seq.blocks += need;
      items.push({ seq, newTokens, contextTokens: seq.computed });
      budget -= newTokens;
    }
    // Like vLLM, admit nobody in a step that had to preempt; strict FIFO: a blocked head blocks the queue.
    while (!preempted && budget > 0 && this.waiting.length > 0 && this.running.length < this.config.maxNumSeqs) {
      const seq = this.waiting[0] as Sequence;
      const cached = seq.admitted || seq.computed > 0 ? 0 : this.cachedPrefixTokens(seq);
      const start = Math.max(seq.computed, cached);
      const newTokens = Math.min(seq.knownTokens - start, budget);
      const need = this.blocksFor(start + newTokens) - seq.blocks;
      if (need > this.freeBlocks) break;
      this.waiting.shift();
      if (!seq.admitted) {
        seq.admitted = true;
        seq.cachedTokens = cached;
        this.prefixQueries += seq.promptTokens;
        this.prefixHits += cached;
      }
      seq.computed = start;
      seq.state = "running";
      this.running.push(seq);
      this.freeBlocks -= need;
      seq.blocks += need;
      items.push({ seq, newTokens, contextTokens: start });
      budget -= newTokens;
    }
    return items;
  }

  /** Apply a finished step: advance KV, sample where a sequence caught up, retire finished ones. */
  complete(items: readonly ScheduledItem[]): StepOutcome {
    const sampled: Sequence[] = [];
    const finished: Sequence[] = [];
    for (const { seq, newTokens } of items) {
      if (seq.state !== "running") continue; // aborted while the step ran
      seq.computed += newTokens;
      if (seq.computed < seq.knownTokens) continue; // partial prefill chunk: nothing sampled
      if (seq.generated === 0 && this.config.enablePrefixCaching) for (const h of seq.blockHashes) this.touch(h);
      seq.generated++;
      sampled.push(seq);
      if (seq.generated >= seq.targetTokens) {
        this.running.splice(this.running.indexOf(seq), 1);
        this.release(seq);
        seq.state = "finished";
        seq.finishReason = seq.reasonAtTarget;
        finished.push(seq);
      }
    }
    return { sampled, finished };
  }
}
