// GPU memory sampler: nvidia-smi every ~100 ms in the background (the server's processes and the
// whole GPU), or for the simulator its /metrics gauges. Gives a timeline and peaks in MiB.
// "Process peak" is what nvidia-smi shows (≈ utilization × total under vLLM, which preallocates);
// "model footprint" is weights + activations + KV blocks actually used.
import type { MemorySample, StartupPhases } from "../types";
import { nowMs, sleep } from "../util/sleep";
import { nvidiaSmiPath, queryNvidiaSmi } from "./nvidia-smi";

export const DEFAULT_SAMPLE_INTERVAL_MS = 100;
const MIB = 2 ** 20;

export interface MemoryTimeline {
  samples: MemorySample[];
  peakProcessMiB: number | null;
  peakGpuUsedMiB: number | null;
  peakFootprintMiB: number | null;
  /** Why sampling failed, if every attempt did (e.g. nvidia-smi missing). */
  error: string | null;
}

export interface MemorySampler {
  /** Samples so far (the array grows while sampling). */
  samples: MemorySample[];
  stop(): Promise<MemoryTimeline>;
}

export interface SamplerOptions {
  /** nvidia-smi: the server's process-group pids (vLLM); sim-metrics: the simulator's gauges. */
  source: "nvidia-smi" | "sim-metrics";
  /** Pids counted as the server's (called each tick: vLLM forks EngineCore later). Empty → every compute app. */
  pids?: () => number[];
  /** Server base URL: required for sim-metrics; for vLLM it gives the KV usage for the footprint. */
  baseUrl?: string;
  apiKey?: string;
  /** vLLM startup phases: weights + graph memory and the KV pool size, for the footprint. */
  phases?: StartupPhases;
  nvidiaSmi?: string;
  intervalMs?: number;
  /** Called with each sample as it is taken (e.g. to append it to memory.jsonl). */
  onSample?: (sample: MemorySample) => void;
}

/** The value of a Prometheus series (first match, labels ignored). */
export function metricValue(text: string, name: string): number | null {
  const re = new RegExp(`^${name.replace(/[:.]/g, (c) => `\\${c}`)}(?:\\{[^}]*\\})? ([^\\s]+)`, "m");
  const m = text.match(re);
  return m ? Number(m[1]) : null;
}

async function fetchMetrics(baseUrl: string, apiKey?: string): Promise<string | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

async function simSample(o: SamplerOptions, tMs: number): Promise<MemorySample | null> {
  const text = await fetchMetrics(o.baseUrl as string, o.apiKey);
  if (text === null) return null;
  const proc = metricValue(text, "vllm_sim:gpu_memory_process_bytes");
  const foot = metricValue(text, "vllm_sim:gpu_memory_footprint_bytes");
  // The simulated GPU holds only this server, so whole-GPU use equals the process's.
  return { tMs, processMiB: proc === null ? null : proc / MIB, gpuUsedMiB: proc === null ? null : proc / MIB, footprintMiB: foot === null ? null : foot / MIB };
}

async function vllmFootprintMiB(o: SamplerOptions): Promise<number | null> {
  const p = o.phases;
  if (!p || p.model_memory_gib === null) return null;
  let kvUsed = 0;
  if (o.baseUrl && p.kv_cache_memory_gib !== null) {
    const text = await fetchMetrics(o.baseUrl, o.apiKey);
    const usage = text === null ? null : metricValue(text, "vllm:kv_cache_usage_perc") ?? metricValue(text, "vllm:gpu_cache_usage_perc");
    kvUsed = (usage ?? 0) * p.kv_cache_memory_gib;
  }
  return (p.model_memory_gib + (p.graph_capture_gib ?? 0) + kvUsed) * 1024;
}

async function smiSample(o: SamplerOptions, tMs: number): Promise<MemorySample | null> {
  const smi = o.nvidiaSmi ?? nvidiaSmiPath();
  const [gpu, apps, footprintMiB] = await Promise.all([
    queryNvidiaSmi("gpu", ["memory.used"], smi),
    queryNvidiaSmi("compute-apps", ["pid", "used_memory"], smi),
    vllmFootprintMiB(o),
  ]);
  if (gpu === null && apps === null) return null;
  const gpuUsedMiB = gpu ? gpu.reduce((s, r) => s + Number(r[0]), 0) : null;
  let processMiB: number | null = null;
  if (apps) {
    const mine = new Set(o.pids?.() ?? []);
    const rows = mine.size === 0 ? apps : apps.filter((r) => mine.has(Number(r[0])));
    // None of ours listed (a container's PID namespace hides them): unknown, not zero.
    processMiB = rows.length === 0 ? null : rows.reduce((s, r) => s + (Number(r[1]) || 0), 0);
  }
  return { tMs, processMiB, gpuUsedMiB, footprintMiB };
}

const maxOf = (xs: Array<number | null>): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};

export function timelinePeaks(samples: MemorySample[], error: string | null = null): MemoryTimeline {
  return {
    samples,
    peakProcessMiB: maxOf(samples.map((s) => s.processMiB)),
    peakGpuUsedMiB: maxOf(samples.map((s) => s.gpuUsedMiB)),
    peakFootprintMiB: maxOf(samples.map((s) => s.footprintMiB)),
    error,
  };
}

/** Starts sampling in the background; `stop()` takes a last sample and returns the timeline. */
export function startMemorySampler(options: SamplerOptions): MemorySampler {
  if (options.source === "sim-metrics" && !options.baseUrl) throw new TypeError("startMemorySampler: sim-metrics needs baseUrl");
  const interval = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const samples: MemorySample[] = [];
  const t0 = nowMs();
  let failures = 0;
  let running = true;
  const take = async (): Promise<void> => {
    const tMs = nowMs() - t0;
    const s = options.source === "sim-metrics" ? await simSample(options, tMs) : await smiSample(options, tMs);
    if (s === null) return void failures++;
    samples.push(s);
    options.onSample?.(s);
  };
  const loop = (async () => {
    while (running) {
      const started = nowMs();
      await take();
      if (running) await sleep(Math.max(0, interval - (nowMs() - started)));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
      await take();
      const error = samples.length === 0 && failures > 0
        ? options.source === "sim-metrics" ? `no memory gauges from ${options.baseUrl}/metrics` : `${options.nvidiaSmi ?? nvidiaSmiPath()} gave no memory readings`
        : null;
      return timelinePeaks(samples, error);
    },
  };
}
