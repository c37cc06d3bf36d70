// The public API: what notebooks (`import * as lab from "./src/index"`) and library users import.
// Each area re-exports through its own index; this file only gathers them.
export * from "./types";
export * from "./errors";
export { summarize, percentileSorted, EMPTY_SUMMARY } from "./stats/summary";
export * from "./stats/metrics";
export { projectRoot, projectPath, toolVersion } from "./util/paths";

// Measurement: client, datasets, load generation, records, tokenizers.
export * from "./client/index";
export * from "./datasets/index";
export * from "./load/index";
export * from "./record/index";
export * from "./tokenize/index";

// Servers (vLLM or the simulator), GPU memory; the simulator's physics and in-process server.
export * from "./server/index";
export * from "./sim/index";

// Experiments as data, and the whole reproduction (its table 7.1 helpers are internal to it: the
// analysis module's buildTable71 / loadPublished are the public ones).
export * from "./config/index";
export { runReproduce, defaultRunDir, type ReproduceOptions, type ReproduceResult, type ReproduceEvent } from "./experiment/index";

// Analysis (danfojs stays behind these functions) and rendering.
export * from "./analysis/index";
export * from "./render/index";
