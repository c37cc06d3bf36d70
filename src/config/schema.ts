// The experiment file's schema (zod). Field names follow ServerConfig; every number has its bound
// and unit, so a validation error can say what is allowed.
import { z } from "zod";

const dtype = z.enum(["auto", "half", "float16", "bfloat16", "float", "float32"]);

export const serverSchema = z.object({
  /** Folder name for this model's files in the run directory. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, '.', '_' or '-'"),
  model: z.string().min(1),
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port at start. */
  port: z.number().int().min(0).max(65535).default(0),
  tensorParallelSize: z.number().int().min(1).default(1),
  dtype: dtype.default("auto"),
  quantization: z.string().min(1).nullable().default(null),
  gpuMemoryUtilization: z.number().gt(0).max(1).default(0.9),
  maxModelLen: z.number().int().min(16).default(4096),
  tokenizer: z.string().min(1).optional(),
  servedModelName: z.string().min(1).optional(),
  enablePrefixCaching: z.boolean().optional(),
  reasoningParser: z.string().min(1).optional(),
  extraArgs: z.array(z.string()).default([]),
  /** Sampling temperature the client sends (R1 models: 0.6 per DeepSeek's advice). */
  temperature: z.number().min(0).max(2).optional(),
}).strict();

export const maxConcurrencySchema = z.object({
  slo: z.string().min(1).default("tpot:p95<=50ms"),
  /** Prompt class used for the search. */
  promptClass: z.string().min(1).default("short"),
  maxTokens: z.number().int().min(2).default(16),
  /** Highest concurrency tried. */
  limit: z.number().int().min(1).max(4096).default(128),
  /** Completed requests per level; null: max(32, 2 × concurrency). */
  requestsPerLevel: z.number().int().min(1).nullable().default(null),
}).strict();

export const experimentSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(""),
  /** Engine when the command line names none. */
  engine: z.enum(["sim", "vllm"]).default("sim"),
  /** Simulator GPU profile. */
  gpu: z.string().min(1).default("t4"),
  /** Start every server at once on the one GPU (refused when they ask for more than 100% of it). */
  parallel: z.boolean().default(false),
  python: z.string().min(1).default("python"),
  entrypoint: z.enum(["api_server", "serve"]).default("api_server"),
  /** Simulator only: skip the modelled load delay (tests). */
  fastStart: z.boolean().default(false),
  seed: z.number().int().min(0).default(0),
  servers: z.array(serverSchema).min(1),
  promptSet: z.string().min(1).default("article"),
  promptClasses: z.array(z.string().min(1)).min(1).default(["short", "medium", "long"]),
  /** Measured runs per prompt class (the article: 10). */
  runs: z.number().int().min(1).max(10_000).default(10),
  warmup: z.number().int().min(0).max(100).default(1),
  /** Output tokens per request in the prompt-class runs. */
  maxTokens: z.number().int().min(2).default(32),
  requestTimeoutS: z.number().positive().default(120),
  readyTimeoutS: z.number().positive().default(600),
  memorySampleIntervalMs: z.number().int().min(10).default(100),
  maxConcurrency: maxConcurrencySchema.nullable().default({}),
  /** Path (relative to the project) of the published table CSV; null: data/published/seed-table-7.1.csv. */
  publishedCsv: z.string().min(1).nullable().default(null),
}).strict();

export type ServerEntry = z.infer<typeof serverSchema>;
export type Experiment = z.infer<typeof experimentSchema>;
