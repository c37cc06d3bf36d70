// Load time (spawn → ready) per model, split into the phases the startup log states.
import { loadPhaseSegments } from "../../analysis/phases";
import type { StartupPhases } from "../../types";
import { baseLayout, shortModel, type Figure } from "./figure";

export interface LoadTimes {
  model: string;
  loadTimeS: number | null;
  phases: StartupPhases | null;
  publishedS?: number | null;
}

const PHASE_COLORS = ["#4c78a8", "#9ecae9", "#f58518", "#ffbf79", "#bab0ac"];

export function loadPhasesChart(models: LoadTimes[]): Figure {
  const names = models.map((m) => shortModel(m.model));
  const segments = models.map((m) => loadPhaseSegments(m.phases, m.loadTimeS));
  const data: Record<string, unknown>[] = (segments[0] ?? []).map((seg, k) => ({
    type: "bar", orientation: "h", name: seg.phase, y: names, x: segments.map((s) => s[k]?.seconds ?? 0),
    marker: { color: PHASE_COLORS[k % PHASE_COLORS.length] },
  }));
  if (models.some((m) => m.publishedS != null)) {
    data.push({
      type: "scatter", mode: "markers", name: "published load time", y: names, x: models.map((m) => m.publishedS ?? null),
      marker: { symbol: "diamond", size: 12, color: "#d62728" },
    });
  }
  return {
    data,
    layout: baseLayout("Model load time by phase (s)", { barmode: "stack", xaxis: { title: { text: "seconds from spawn to ready" } }, margin: { l: 220, r: 20, t: 60, b: 60 } }),
  };
}
