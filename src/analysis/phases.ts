// Splits a server's load time (spawn → ready) into the phases its startup log states, for the
// load-time chart. Sub-phases are nested in vLLM's log (weights ⊂ model load; graph capture ⊂
// engine init), so each segment is the part not already counted; what the log does not explain
// is "other" (process start, imports, API server). Negative leftovers clamp to 0.
import type { StartupPhases } from "../types";

export interface PhaseSegment {
  phase: string;
  seconds: number;
}

const pos = (x: number) => Math.max(0, x);

export function loadPhaseSegments(phases: StartupPhases | null, loadTimeS: number | null): PhaseSegment[] {
  const p = phases;
  const weights = p?.weights_load_s ?? 0;
  const modelLoad = Math.max(p?.model_load_s ?? 0, weights);
  const capture = p?.graph_capture_s ?? 0;
  const engineInit = Math.max(p?.engine_init_s ?? 0, capture);
  const explained = modelLoad + engineInit;
  return [
    { phase: "weights load", seconds: weights },
    { phase: "model load (other)", seconds: pos(modelLoad - weights) },
    { phase: "CUDA graph capture", seconds: capture },
    { phase: "engine init (profile, KV cache)", seconds: pos(engineInit - capture) },
    { phase: "other (process start, API server)", seconds: loadTimeS === null ? 0 : pos(loadTimeS - explained) },
  ];
}
