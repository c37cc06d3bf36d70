// The simulated engine core: one timer per engine step (not per request). Each step's length
// is the roofline time of the work the scheduler picked; tokens are released when it ends.
import { nowMs } from "../util/sleep";
import { SimMetrics, type GaugeSnapshot } from "./metrics";
import { engineStepMs, type Dtype, type MemoryPlan } from "./physics";
import type { GpuProfile, ModelProfile } from "./profiles";
import { Scheduler, Sequence, type FinishReason, type ScheduledItem } from "./scheduler";

export interface EngineConfig {
  gpu: GpuProfile;
  model: ModelProfile;
  dtype: Dtype;
  plan: MemoryPlan;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  maxModelLen: number;
  enablePrefixCaching: boolean;
  gpuMemoryUtilization: number;
  /** Sim-only: the engine dies after this many finished requests (tests of /health 503). */
  failAfterRequests?: number | null;
  /** Clock and timers; tests inject a virtual clock. Default: real time. */
  timers?: EngineTimers;
}

export interface EngineTimers {
  nowMs(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

const REAL_TIMERS: EngineTimers = {
  nowMs,
  setTimeout: (fn, ms) => {
    if (ms <= 0) {
      const i = setImmediate(fn); // Node's setTimeout(0) waits ≥1 ms
      return { cancel: () => clearImmediate(i) };
    }
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

export interface SubmitOptions {
  id: string;
  promptTokens: number;
  targetTokens: number;
  reasonAtTarget: "stop" | "length";
  blockHashes?: number[];
}

export interface SequenceHandlers {
  /** A token was sampled; `index` counts from 0. */
  onToken(index: number): void;
  onFinish(reason: FinishReason): void;
  /** The engine died with this request in flight. */
  onError(message: string): void;
}

interface Live {
  seq: Sequence;
  handlers: SequenceHandlers;
  arrivalMs: number;
  firstScheduledMs: number | null;
  firstTokenMs: number | null;
  lastTokenMs: number;
}

export const ENGINE_DEAD_MESSAGE = "EngineCore encountered an issue. See stack trace (above) for the root cause.";

/** Chained FNV-1a hash of each full block of prompt token ids (vLLM hashes block contents + parent). */
export function promptBlockHashes(ids: readonly number[], blockSizeTokens: number): number[] {
  const hashes: number[] = [];
  let h = 0x811c9dc5;
  for (let end = blockSizeTokens; end <= ids.length; end += blockSizeTokens) {
    for (let i = end - blockSizeTokens; i < end; i++) h = Math.imul(h ^ (ids[i] as number), 0x01000193) >>> 0;
    hashes.push(h);
  }
  return hashes;
}

export class SimEngine {
  readonly scheduler: Scheduler;
  readonly metrics = new SimMetrics();
  dead = false;
  stepCount = 0;
  finishedCount = 0;
  private readonly live = new Map<Sequence, Live>();
  private inFlight: ScheduledItem[] | null = null;
  private timer: { cancel(): void } | null = null;
  private lastEndMs: number | null = null;
  private closed = false;
  private readonly timers: EngineTimers;

  constructor(readonly config: EngineConfig) {
    this.timers = config.timers ?? REAL_TIMERS;
    this.scheduler = new Scheduler({
      numBlocks: config.plan.numBlocks,
      blockSizeTokens: config.plan.blockSizeTokens,
      maxNumSeqs: config.maxNumSeqs,
      maxNumBatchedTokens: config.maxNumBatchedTokens,
      enablePrefixCaching: config.enablePrefixCaching,
    });
  }

  submit(opts: SubmitOptions, handlers: SequenceHandlers): Sequence {
    const seq = new Sequence(opts.id, opts.promptTokens, opts.targetTokens, opts.reasonAtTarget, opts.blockHashes ?? []);
    if (this.dead || this.closed) {
      queueMicrotask(() => handlers.onError(ENGINE_DEAD_MESSAGE));
      return seq;
    }
    this.live.set(seq, { seq, handlers, arrivalMs: this.timers.nowMs(), firstScheduledMs: null, firstTokenMs: null, lastTokenMs: 0 });
    this.scheduler.add(seq);
    this.kick();
    return seq;
  }

  /** The client went away: free its slot and blocks. */
  abort(seq: Sequence): void {
    if (!this.live.delete(seq)) return;
    this.scheduler.abort(seq);
    this.metrics.success.abort = (this.metrics.success.abort ?? 0) + 1;
  }

  /** Sim-only: make the engine die (as EngineDeadError does); in-flight requests get an error. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.stopTimers();
    const victims = [...this.live.values()];
    this.live.clear();
    for (const v of victims) v.handlers.onError(ENGINE_DEAD_MESSAGE);
  }

  close(): void {
    this.closed = true;
    this.stopTimers();
    for (const seq of [...this.live.keys()]) this.abort(seq);
  }

  snapshot(): GaugeSnapshot {
    const plan = this.config.plan;
    const used = this.scheduler.usedBlocks;
    return {
      running: this.scheduler.running.length,
      waiting: this.scheduler.waiting.length,
      kvCacheUsage: plan.numBlocks === 0 ? 0 : used / plan.numBlocks,
      gpuMemoryProcessBytes: Math.round(plan.weightBytes + plan.activationBytes + plan.nonTorchBytes + plan.cudaGraphBytes + plan.numBlocks * plan.blockBytes),
      gpuMemoryFootprintBytes: Math.round(plan.weightBytes + plan.activationBytes + used * plan.blockBytes),
      gpuMemoryTotalBytes: plan.totalBytes,
      prefixQueries: this.scheduler.prefixQueries,
      prefixHits: this.scheduler.prefixHits,
      preemptions: this.scheduler.preemptionsTotal,
      cacheConfig: {
        block_size: plan.blockSizeTokens,
        cache_dtype: "auto",
        enable_prefix_caching: this.config.enablePrefixCaching,
        gpu_memory_utilization: this.config.gpuMemoryUtilization,
        num_cpu_blocks: null,
        num_gpu_blocks: plan.numBlocks,
      },
    };
  }

  private stopTimers(): void {
    this.timer?.cancel();
    this.timer = null;
    this.inFlight = null;
  }

  /** Start stepping if idle; a 0 ms timer lets arrivals of the same tick share the first step. */
  private kick(): void {
    if (this.timer || this.inFlight) return;
    this.timer = this.timers.setTimeout(() => this.step(), 0);
  }

  private step(): void {
    this.timer = null;
    if (this.inFlight) this.finishStep(this.inFlight);
    this.inFlight = null;
    if (this.dead || this.closed) return;
    const items = this.scheduler.schedule();
    if (items.length === 0) {
      this.lastEndMs = null;
      return;
    }
    const now = this.timers.nowMs();
    for (const it of items) {
      const l = this.live.get(it.seq);
      if (l && l.firstScheduledMs === null) l.firstScheduledMs = now;
    }
    const ms = engineStepMs(this.config.gpu, this.config.model, this.config.dtype, items);
    // Drift compensation: a late timer does not push later steps back, so the mean rate holds.
    const start = this.lastEndMs !== null && now - this.lastEndMs < ms ? this.lastEndMs : now;
    this.lastEndMs = start + ms;
    this.inFlight = items;
    this.stepCount++;
    this.timer = this.timers.setTimeout(() => this.step(), Math.max(0, this.lastEndMs - now));
  }

  private finishStep(items: ScheduledItem[]): void {
    const now = this.timers.nowMs();
    const { sampled, finished } = this.scheduler.complete(items);
    const m = this.metrics;
    for (const seq of sampled) {
      const l = this.live.get(seq);
      if (!l) continue;
      if (l.firstTokenMs === null) {
        l.firstTokenMs = now;
        m.promptTokens += seq.promptTokens;
        m.ttft.observe((now - l.arrivalMs) / 1000);
        m.queue.observe(((l.firstScheduledMs ?? now) - l.arrivalMs) / 1000);
      } else m.itl.observe((now - l.lastTokenMs) / 1000);
      l.lastTokenMs = now;
      m.generationTokens++;
      l.handlers.onToken(seq.generated - 1);
    }
    for (const seq of finished) {
      const l = this.live.get(seq);
      if (!l) continue;
      this.live.delete(seq);
      m.e2e.observe((now - l.arrivalMs) / 1000);
      if (seq.generated > 1 && l.firstTokenMs !== null) m.tpot.observe((now - l.firstTokenMs) / 1000 / (seq.generated - 1));
      const reason = seq.finishReason ?? "stop";
      m.success[reason] = (m.success[reason] ?? 0) + 1;
      this.finishedCount++;
      l.handlers.onFinish(reason);
    }
    const limit = this.config.failAfterRequests;
    if (limit != null && this.finishedCount >= limit) this.kill();
  }
}
