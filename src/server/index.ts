// Public API of the server module: start, watch and stop vLLM or the simulator.
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_READY_TIMEOUT_MS, servedModel } from "./config";
export type { Engine, ServerConfig } from "./config";
export { buildVllmArgv, renderCommandLine } from "./vllm-args";
export type { Argv } from "./vllm-args";
export { startServer, stopServer, readLogTail } from "./launch";
export { findFreePort } from "../util/net";
export type { ServerHandle, ExitInfo, StartOptions } from "./launch";
export { waitForHealth, probeCompletion } from "./ready";
export { stopProcessGroup, listGroupPids, liveGroupIds, processGone, DEFAULT_STOP_GRACE_MS } from "./stop";
export { parseStartupLog, classifyStartFailure, emptyPhases } from "./startup-log";
export type { StartFailure } from "./startup-log";
export { preflight, preflightWarnings, checkpointQuantization, vllmImportProblem, hfCacheDir } from "./preflight";
export type { PreflightOptions } from "./preflight";
export { startMemorySampler, timelinePeaks, metricValue, DEFAULT_SAMPLE_INTERVAL_MS } from "./gpu-memory";
export type { MemorySampler, MemoryTimeline, SamplerOptions } from "./gpu-memory";
export { listGpus, queryNvidiaSmi, nvidiaSmiPath } from "./nvidia-smi";
export type { GpuInfo } from "./nvidia-smi";
