// Prompt sets: named JSON files in data/prompts/, a JSON file path, or a synthetic set with exact
// token lengths ("synthetic:IN:OUT[:COUNT]"). A SampleRequest is what one request sends.
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { projectPath } from "../util/paths";
import type { ChatMessage } from "../client/stream-request";
import { syntheticPromptSet, SYNTHETIC_PATTERN } from "./synthetic";

export interface SampleRequest {
  /** Prompt class, used as the record's group ("short", "medium", "long", "in128-out128"). */
  id: string;
  messages: ChatMessage[];
  /** Per-prompt output length (synthetic sets); overrides the run's maxTokens. */
  maxTokens?: number;
  ignoreEos?: boolean;
  /** Token count of the prompt text for the target model (no chat template), when known. */
  inputTokens?: number;
}

export interface PromptSet {
  name: string;
  description: string;
  prompts: SampleRequest[];
}

interface PromptFileEntry {
  id?: unknown;
  prompt?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  ignore_eos?: unknown;
}

export function promptSetDir(): string {
  return projectPath("data", "prompts");
}

/** Names of the bundled prompt sets (files in data/prompts/) plus the synthetic pattern. */
export function availablePromptSets(): string[] {
  const dir = promptSetDir();
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : [];
  return [...names.sort(), "synthetic:IN:OUT[:COUNT]"];
}

/** One prompt text as a set of one ("--prompt TEXT"). */
export function singlePromptSet(text: string, id = "prompt"): PromptSet {
  return { name: id, description: "a single prompt from the command line", prompts: [{ id, messages: [{ role: "user", content: text }] }] };
}

/**
 * Loads a set by name ("article"), file path, or "synthetic:IN:OUT[:COUNT]" (needs `model` for
 * the tokenizer). Unknown names throw a UsageError listing what exists.
 */
export function loadPromptSet(nameOrFile: string, opts: { model?: string; seed?: number } = {}): PromptSet {
  if (SYNTHETIC_PATTERN.test(nameOrFile)) return syntheticPromptSet(nameOrFile, opts.model ?? "", opts.seed ?? 0);
  const bundled = path.join(promptSetDir(), `${nameOrFile}.json`);
  const file = /^[\w.-]+$/.test(nameOrFile) && fs.existsSync(bundled) ? bundled : nameOrFile;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UsageError(`unknown prompt set ${JSON.stringify(nameOrFile)}; use one of: ${availablePromptSets().join(", ")}, or a JSON file path`);
  }
  return parsePromptFile(file);
}

function parsePromptFile(file: string): PromptSet {
  let raw: { name?: unknown; description?: unknown; prompts?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`prompt set ${file} is not valid JSON (${(err as Error).message}); fix the file`);
  }
  if (!Array.isArray(raw.prompts) || raw.prompts.length === 0) {
    throw new UsageError(`prompt set ${file}: "prompts" must be a non-empty array of {id, prompt} or {id, messages}`);
  }
  const prompts = (raw.prompts as PromptFileEntry[]).map((p, i): SampleRequest => {
    const where = `prompt set ${file}: prompts[${i}]`;
    const id = typeof p.id === "string" && p.id ? p.id : `p${i}`;
    let messages: ChatMessage[];
    if (typeof p.prompt === "string" && p.prompt) messages = [{ role: "user", content: p.prompt }];
    else if (Array.isArray(p.messages) && p.messages.every((m) => m && typeof m.content === "string" && ["system", "user", "assistant"].includes(m.role))) messages = p.messages as ChatMessage[];
    else throw new UsageError(`${where} needs "prompt" (a non-empty string) or "messages" ([{role, content}])`);
    if (p.max_tokens !== undefined && !(Number.isInteger(p.max_tokens) && (p.max_tokens as number) > 0)) {
      throw new UsageError(`${where}.max_tokens must be a positive integer, got ${JSON.stringify(p.max_tokens)}`);
    }
    return {
      id, messages,
      ...(p.max_tokens !== undefined ? { maxTokens: p.max_tokens as number } : {}),
      ...(p.ignore_eos === true ? { ignoreEos: true } : {}),
    };
  });
  const name = typeof raw.name === "string" ? raw.name : path.basename(file, ".json");
  return { name, description: typeof raw.description === "string" ? raw.description : "", prompts };
}
