// Prometheus text exposition with vLLM's metric names, labels and buckets (vllm-surface.md §4),
// plus the simulator's GPU memory gauges (vllm_sim:*).

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

/** Python's float repr as prometheus_client writes it: 1 → "1.0", 0.25 → "0.25". */
function num(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= (this.buckets[i] as number)) this.counts[i]!++;
  }
  render(labels: string): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => out.push(`${this.name}_bucket{engine="0",le="${num(b)}",${labels}} ${num(this.counts[i] as number)}`));
    out.push(`${this.name}_bucket{engine="0",le="+Inf",${labels}} ${num(this.count)}`);
    out.push(`${this.name}_count{engine="0",${labels}} ${num(this.count)}`, `${this.name}_sum{engine="0",${labels}} ${num(this.sum)}`);
    return out;
  }
}

/** Numbers the engine reports at scrape time. */
export interface GaugeSnapshot {
  running: number;
  waiting: number;
  kvCacheUsage: number;
  gpuMemoryProcessBytes: number;
  gpuMemoryFootprintBytes: number;
  gpuMemoryTotalBytes: number;
  prefixQueries: number;
  prefixHits: number;
  preemptions: number;
  cacheConfig: Record<string, string | number | boolean | null>;
}

export class SimMetrics {
  readonly ttft = new Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS);
  readonly itl = new Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS);
  readonly tpot = new Histogram("vllm:request_time_per_output_token_seconds", "Histogram of time_per_output_token_seconds per request.", ITL_BUCKETS);
  readonly e2e = new Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", E2E_BUCKETS);
  readonly queue = new Histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", E2E_BUCKETS);
  promptTokens = 0;
  generationTokens = 0;
  readonly success: Record<string, number> = { stop: 0, length: 0, abort: 0, error: 0, repetition: 0 };

  render(modelName: string, g: GaugeSnapshot): string {
    const labels = `model_name="${modelName.replace(/["\\]/g, "\\$&")}"`;
    const l = `{engine="0",${labels}}`;
    const gauge = (name: string, help: string, value: number, lab = l): string[] => [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${lab} ${num(value)}`];
    const counter = (name: string, help: string, value: number): string[] => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name}_total${l} ${num(value)}`];
    // prometheus_client sorts labels by name, engine and model_name included.
    const info = Object.entries({ ...g.cacheConfig, engine: "0", model_name: modelName })
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}="${v === null ? "None" : typeof v === "boolean" ? (v ? "True" : "False") : String(v).replace(/["\\]/g, "\\$&")}"`)
      .join(",");
    const lines = [
      `# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig`,
      `# TYPE vllm:cache_config_info gauge`,
      `vllm:cache_config_info{${info}} 1.0`,
      ...gauge("vllm:num_requests_running", "Number of requests in model execution batches.", g.running),
      ...gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", g.waiting),
      ...gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", g.kvCacheUsage),
      ...counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", g.preemptions),
      ...counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", g.prefixQueries),
      ...counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", g.prefixHits),
      ...counter("vllm:prompt_tokens", "Number of prefill tokens processed.", this.promptTokens),
      ...counter("vllm:generation_tokens", "Number of generation tokens processed.", this.generationTokens),
      `# HELP vllm:request_success Count of successfully processed requests.`,
      `# TYPE vllm:request_success counter`,
      ...Object.entries(this.success).map(([reason, n]) => `vllm:request_success_total{engine="0",finished_reason="${reason}",${labels}} ${num(n)}`),
      ...this.ttft.render(labels),
      ...this.itl.render(labels),
      ...this.tpot.render(labels),
      ...this.e2e.render(labels),
      ...this.queue.render(labels),
      ...gauge("vllm_sim:gpu_memory_process_bytes", "Simulated GPU memory nvidia-smi would show for the server process (weights + activations + whole KV pool + overhead).", g.gpuMemoryProcessBytes, `{${labels}}`),
      ...gauge("vllm_sim:gpu_memory_footprint_bytes", "Simulated GPU memory in use: weights + activation reserve + KV blocks in use.", g.gpuMemoryFootprintBytes, `{${labels}}`),
      ...gauge("vllm_sim:gpu_memory_total_bytes", "Simulated GPU total memory.", g.gpuMemoryTotalBytes, `{${labels}}`),
    ];
    return lines.join("\n") + "\n";
  }
}
