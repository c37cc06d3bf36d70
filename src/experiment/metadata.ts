// metadata.json of a reproduce run: GPU (nvidia-smi, or the simulator's profile), engine version,
// every server's command line (API key masked), tool version, git revision, host, start and end.
import * as os from "node:os";
import type { Experiment } from "../config/schema";
import { gitRevision } from "../record/meta";
import type { ServerConfig } from "../server/config";
import { listGpus } from "../server/nvidia-smi";
import { buildVllmArgv, renderCommandLine } from "../server/vllm-args";
import { SIM_VLLM_VERSION } from "../sim/boot";
import { getGpuProfile } from "../sim/profiles";
import { toolVersion } from "../util/paths";
import { execaModule } from "../util/execa";

async function vllmVersion(python: string): Promise<string | null> {
  const { execa } = await execaModule();
  const r = await execa(python, ["-c", "import vllm, sys; sys.stdout.write(vllm.__version__)"], { reject: false, timeout: 120_000 });
  return r.exitCode === 0 && typeof r.stdout === "string" ? r.stdout.trim() : null;
}

export async function buildRunMetadata(input: { exp: Experiment; engine: "sim" | "vllm"; configs: ServerConfig[]; startedAt: string }): Promise<Record<string, unknown>> {
  const { exp, engine, configs } = input;
  let gpu: Record<string, unknown>;
  let engineVersion: string | null;
  if (engine === "sim") {
    const profile = getGpuProfile(configs[0]?.gpu ?? exp.gpu);
    gpu = { source: "simulator profile", name: profile.name, driver_version: null, memory_total_mib: profile.memory_mib };
    engineVersion = `latency-sim ${toolVersion()} (emulates vLLM ${SIM_VLLM_VERSION})`;
  } else {
    const gpus = await listGpus();
    gpu = { source: "nvidia-smi", gpus: gpus?.map((g) => ({ name: g.name, driver_version: g.driverVersion, memory_total_mib: g.memoryTotalMiB })) ?? null };
    engineVersion = await vllmVersion(configs[0]?.python ?? exp.python);
  }
  const cpus = os.cpus();
  return {
    schema: "latency-lab/metadata@1",
    command: "reproduce",
    experiment: exp.name,
    engine,
    engine_version: engineVersion,
    gpu,
    servers: configs.map((c) => ({ model: c.model, command_line: renderCommandLine(buildVllmArgv(c)), api_key: c.apiKey ? "(set, not recorded)" : null })),
    tool: { name: "llm-latency-lab", version: toolVersion(), git_revision: gitRevision() },
    host: { hostname: os.hostname(), platform: os.platform(), arch: os.arch(), cpus: cpus.length, cpu_model: cpus[0]?.model ?? "unknown", node: process.version },
    started_at: input.startedAt,
    ended_at: null,
  };
}
