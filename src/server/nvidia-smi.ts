// nvidia-smi CSV queries (what the article eyeballed), for the memory sampler and run metadata.
import { execaModule } from "../util/execa";

/** The nvidia-smi to run: LATENCY_LAB_NVIDIA_SMI, else the one on PATH. */
export function nvidiaSmiPath(): string {
  return process.env.LATENCY_LAB_NVIDIA_SMI ?? "nvidia-smi";
}

/** Rows of `nvidia-smi --query-…=fields --format=csv,noheader,nounits`; null when nvidia-smi cannot run. */
export async function queryNvidiaSmi(kind: "gpu" | "compute-apps", fields: string[], nvidiaSmi = nvidiaSmiPath()): Promise<string[][] | null> {
  const { execa } = await execaModule();
  const r = await execa(nvidiaSmi, [`--query-${kind}=${fields.join(",")}`, "--format=csv,noheader,nounits"], { reject: false, timeout: 5_000 });
  if (r.exitCode !== 0 || typeof r.stdout !== "string") return null;
  return r.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => l.split(",").map((f) => f.trim()));
}

export interface GpuInfo {
  name: string;
  driverVersion: string;
  memoryTotalMiB: number;
}

/** The GPUs nvidia-smi sees ([] when none, null when nvidia-smi is missing or fails). */
export async function listGpus(nvidiaSmi = nvidiaSmiPath()): Promise<GpuInfo[] | null> {
  const rows = await queryNvidiaSmi("gpu", ["name", "driver_version", "memory.total"], nvidiaSmi);
  return rows?.map((r) => ({ name: r[0] ?? "", driverVersion: r[1] ?? "", memoryTotalMiB: Number(r[2]) })) ?? null;
}
