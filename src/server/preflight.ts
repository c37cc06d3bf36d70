// Checks made before anything is spawned: the port is free; for vLLM the Python imports vllm and
// nvidia-smi sees a GPU; servers sharing one GPU ask for ≤ 100% of it; awq/gptq only on a
// quantized checkpoint. Returns the reasons to refuse (empty = go) and, separately, warnings.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { findModelProfile } from "../sim/profiles";
import { DEFAULT_HOST, DEFAULT_PORT, type ServerConfig } from "./config";
import { listGpus } from "./nvidia-smi";

/** vLLM's --gpu-memory-utilization default before 2026-04 (and the article's value). */
const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
const QUANTIZED_METHODS = new Set(["awq", "gptq", "awq_marlin", "gptq_marlin"]);

export interface PreflightOptions {
  /** The servers run at the same time on one GPU (an experiment's `parallel: true`). */
  parallel?: boolean;
  /** Hugging Face hub cache (default HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub). */
  hfCacheDir?: string;
  /** Skip the port check (e.g. a port that a previous model in the same run just released). */
  skipPortCheck?: boolean;
}

export function hfCacheDir(): string {
  if (process.env.HF_HUB_CACHE) return process.env.HF_HUB_CACHE;
  if (process.env.HF_HOME) return path.join(process.env.HF_HOME, "hub");
  const xdg = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(xdg, "huggingface", "hub");
}

/**
 * The checkpoint's quantization method from its config.json: a string, null when it has none,
 * undefined when the config is not available locally (we cannot tell).
 */
export function checkpointQuantization(config: ServerConfig, cacheDir = hfCacheDir()): string | null | undefined {
  if (config.engine === "sim") {
    const profile = findModelProfile(config.model);
    return profile ? profile.quantization : undefined;
  }
  const candidates = [path.join(config.model, "config.json")];
  const snapshots = path.join(cacheDir, `models--${config.model.replace(/\//g, "--")}`, "snapshots");
  if (fs.existsSync(snapshots)) for (const s of fs.readdirSync(snapshots)) candidates.push(path.join(snapshots, s, "config.json"));
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { quantization_config?: { quant_method?: string } };
    return json.quantization_config ? json.quantization_config.quant_method ?? "unknown" : null;
  }
  return undefined;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE"));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/** `python -c "import vllm"`: null when it works, else why not (naming the Python). */
export function vllmImportProblem(python: string): string | null {
  const r = spawnSync(python, ["-c", "import vllm, sys; sys.stdout.write(vllm.__version__)"], { encoding: "utf8", timeout: 120_000 });
  if (r.error) return `Python \`${python}\` cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); pass --python with the path of the Python that has vLLM`;
  if (r.status !== 0) {
    const last = (r.stderr || "").trim().split("\n").pop() ?? "";
    return `Python \`${python}\` cannot import vllm (${last || `exit ${r.status}`}); install vLLM there or pass --python with the venv's Python`;
  }
  return null;
}

/** Reasons to refuse these server configs (empty when they may start). */
export async function preflight(configs: ServerConfig[], options: PreflightOptions = {}): Promise<string[]> {
  const reasons: string[] = [];
  if (options.parallel && configs.length > 1) {
    const shares = configs.map((c) => c.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION);
    const total = shares.reduce((a, b) => a + b, 0);
    if (total > 1 + 1e-9) {
      reasons.push(`servers sharing one GPU ask for ${Math.round(total * 100)}% of it in total (${configs.map((c, i) => `${c.model} ${shares[i]}`).join(" + ")}); each vLLM preallocates its share, so run the models one after another (parallel: false) or split --gpu-memory-utilization to sum ≤ 1`);
    }
    const ports = configs.map((c) => `${c.host ?? DEFAULT_HOST}:${c.port ?? DEFAULT_PORT}`).filter((p) => !p.endsWith(":0"));
    const dup = ports.find((p, i) => ports.indexOf(p) !== i);
    if (dup) reasons.push(`two servers running at once both want ${dup}; give each its own --port`);
  }
  for (const c of configs) {
    const q = c.quantization?.toLowerCase();
    if (q && QUANTIZED_METHODS.has(q)) {
      const has = checkpointQuantization(c, options.hfCacheDir);
      if (has === null) reasons.push(`${c.model}: --quantization ${q} needs an ${q.toUpperCase()}-quantized checkpoint, but ${c.engine === "sim" ? "the simulator profile says" : "its config.json says"} it is unquantized (no quantization_config) (vLLM would fail with "Cannot find the config file for ${q}"); drop --quantization or use a quantized checkpoint`);
      else if (has !== undefined && !has.startsWith(q.replace(/_marlin$/, ""))) reasons.push(`${c.model}: --quantization ${q} does not match the checkpoint's ${has}; drop --quantization or pass ${has}`);
    }
  }
  const checked = new Set<string>();
  for (const c of configs) {
    if (c.engine !== "vllm" || c.entrypoint === "serve") continue;
    const python = c.python ?? "python";
    if (checked.has(python)) continue;
    checked.add(python);
    const problem = vllmImportProblem(python);
    if (problem) reasons.push(problem);
  }
  if (!options.skipPortCheck) {
    for (const c of configs) {
      const host = c.host ?? DEFAULT_HOST;
      const port = c.port ?? DEFAULT_PORT;
      if (port !== 0 && (await portInUse(host, port))) reasons.push(`${c.model}: port ${port} on ${host} is already in use; pass another --port or stop the process that holds it`);
    }
  }
  return reasons;
}

/** Things worth saying that do not stop the start. */
export async function preflightWarnings(configs: ServerConfig[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const c of configs) {
    const host = c.host ?? DEFAULT_HOST;
    if ((host === "0.0.0.0" || host === "::" || host === "") && !c.apiKey) {
      warnings.push(`${c.model}: binding ${host || "all interfaces"} without --api-key exposes an unauthenticated model server to the network; use --host 127.0.0.1 or pass --api-key`);
    }
  }
  if (configs.some((c) => c.engine === "vllm")) {
    const gpus = await listGpus();
    if (gpus === null || gpus.length === 0) warnings.push("nvidia-smi sees no GPU; vLLM needs CUDA unless it was built for CPU or another backend");
  }
  return warnings;
}
