// Benchmark of the served simulator from a real HTTP client (not a test): decode tokens/s and
// TTFT per article prompt class on the simulated T4, beside the timing model, the article's
// table 7.1 and the roofline bound. Prints medians; exits 1 if served decode speed is off the
// timing model by more than 5 %.
import { spawn } from "node:child_process";
import * as http from "node:http";
import {
  decodeBoundTokensPerS, engineStepMs, getGpuProfile, getModelProfile, memoryPlan, modelledLoadTimeS, prefillMs,
  resolveDtype, weightBytes, bytesReadPerDecodeToken, defaultBatchLimits, DEFAULT_GPU_MEMORY_UTILIZATION,
} from "../src/sim";
import { summarize } from "../src/stats/summary";
import { findFreePort } from "../src/util/net";
import { projectPath } from "../src/util/paths";
import { nowMs } from "../src/util/sleep";

const REPS = 5;
const DECODE_TOKENS = 200;
const TOLERANCE = 0.05;
const PROMPTS = {
  short: "什么是量子计算？",
  medium: "请解释牛顿三大定律，并举例说明",
  long: "给定一段代码，请分析其时间复杂度并优化：\ndef find_pairs(nums, target):\n    result = []\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                result.append((nums[i], nums[j]))\n    return result",
};
// Article table 7.1 (T4): load s, TTFT ms by class, tokens/s, VRAM GB.
const ARTICLE: Record<string, { load: number; ttft: Record<keyof typeof PROMPTS, number>; tps: number; vram: number }> = {
  "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B": { load: 18.3, ttft: { short: 124, medium: 136, long: 158 }, tps: 89.3, vram: 4.1 },
  "microsoft/Phi-3-mini-4k-instruct": { load: 21.7, ttft: { short: 148, medium: 162, long: 189 }, tps: 76.5, vram: 4.6 },
};

interface Timed {
  ttftMs: number;
  tokenMs: number[];
  promptTokens: number;
  completionTokens: number;
}

/** One streamed chat request; times every SSE event carrying choices. */
function streamChat(port: number, model: string, content: string, maxTokens: number): Promise<Timed> {
  const body = JSON.stringify({ model, messages: [{ role: "user", content }], max_tokens: maxTokens, ignore_eos: true, stream: true, stream_options: { include_usage: true } });
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const times: number[] = [];
    let buf = "";
    let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
    const req = http.request({ host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const t = nowMs() - t0;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const ev = buf.slice(6, i);
          buf = buf.slice(i + 2);
          if (ev === "[DONE]") continue;
          const j = JSON.parse(ev);
          if (j.usage) usage = j.usage;
          if (j.choices?.length) times.push(t);
        }
      });
      res.on("end", () => {
        if (!usage || times.length < 2) return reject(new Error(`no usage or tokens (status ${res.statusCode})`));
        // times[0] is the role chunk, sent with the first token.
        resolve({ ttftMs: times[0] as number, tokenMs: times.slice(1), promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function launch(model: string, port: number): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [projectPath("bin", "latency-sim.cjs"), "--model", model, "--gpu", "t4", "--port", String(port), "--fast-start", "--max-model-len", "4096"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
      if (err.includes("Application startup complete.")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`simulator exited ${code}: ${err.trim().split("\n").pop()}`)));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

const med = (xs: number[]): number => summarize(xs).p50 as number;
const f = (x: number, d = 1): string => x.toFixed(d);

async function benchModel(modelId: string): Promise<boolean> {
  const gpu = getGpuProfile("t4");
  const model = getModelProfile(modelId);
  const dtype = resolveDtype(gpu, model, "auto");
  const port = await findFreePort();
  const server = await launch(modelId, port);
  const a = ARTICLE[modelId]!;
  const rows: string[][] = [];
  let ok = true;
  try {
    await streamChat(port, modelId, "warm up", 4);
    for (const [cls, prompt] of Object.entries(PROMPTS) as Array<[keyof typeof PROMPTS, string]>) {
      const runs: Timed[] = [];
      for (let i = 0; i < REPS; i++) runs.push(await streamChat(port, modelId, prompt, cls === "short" ? DECODE_TOKENS : 8));
      const p = runs[0]!.promptTokens;
      const modelTtft = prefillMs(gpu, model, { promptTokens: p, dtype });
      const boundTtft = (bytesReadPerDecodeToken(model, dtype) / (gpu.memory_bandwidth_gbps * 1e9)) * 1000;
      rows.push([`TTFT ${cls} (${p} prompt tokens), ms`, f(a.ttft[cls]), f(med(runs.map((r) => r.ttftMs))), f(modelTtft), `≥ ${f(boundTtft)}`]);
      if (cls !== "short") continue;
      // Decode speed: tokens after the first over the time they took (first to last token).
      const served = med(runs.map((r) => (r.tokenMs.length - 1) / (((r.tokenMs.at(-1) as number) - (r.tokenMs[0] as number)) / 1000)));
      let stepsMs = 0;
      for (let k = 1; k < DECODE_TOKENS; k++) stepsMs += engineStepMs(gpu, model, dtype, [{ newTokens: 1, contextTokens: p + k - 1 }]);
      const modelled = (DECODE_TOKENS - 1) / (stepsMs / 1000);
      const ratio = served / modelled;
      ok = Math.abs(ratio - 1) <= TOLERANCE;
      rows.push(["decode tokens/s (batch 1)", f(a.tps), f(served), f(modelled), `≤ ${f(decodeBoundTokensPerS(gpu, model, dtype))}`]);
      rows.push(["  served ÷ model", "", f(ratio, 3), ok ? "within 5 %" : "OUT OF RANGE", ""]);
    }
  } finally {
    await server.stop();
  }
  const limits = defaultBatchLimits(gpu);
  const plan = memoryPlan(gpu, model, { dtype, gpuMemoryUtilization: 0.9, maxNumBatchedTokens: limits.maxNumBatchedTokens, maxNumSeqs: limits.maxNumSeqs });
  rows.push(["model load time, s (modelled; served with --fast-start)", f(a.load), "", f(modelledLoadTimeS(gpu, model)), ""]);
  rows.push(["VRAM nvidia-smi at util 0.9, GB", f(a.vram), "", f(plan.budgetBytes / 1e9), `weights alone ${f(weightBytes(model, dtype) / 1e9, 2)}`]);
  console.log(`\n${modelId} on simulated ${gpu.name} (${dtype}; default --gpu-memory-utilization is ${DEFAULT_GPU_MEMORY_UTILIZATION}); medians of ${REPS}`);
  const head = ["metric", "article 7.1", "sim served", "timing model", "roofline bound"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => (c ?? "").padEnd(widths[i] as number)).join("  "));
  return ok;
}

async function main(): Promise<void> {
  let ok = true;
  for (const id of Object.keys(ARTICLE)) ok = (await benchModel(id)) && ok;
  if (!ok) {
    console.error("bench:sim: served decode speed is more than 5 % off the timing model; look at timer lateness in src/sim/engine.ts");
    process.exitCode = 1;
  }
}

void main().catch((err: unknown) => {
  console.error(`bench:sim: ${(err as Error).message}`);
  process.exitCode = 1;
});
