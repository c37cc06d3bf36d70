// Public API of the whole-experiment runner.
export { runReproduce, defaultRunDir } from "./reproduce";
export type { ReproduceOptions, ReproduceResult, ReproduceEvent } from "./reproduce";
export { renderTable71 } from "./table";
export { markServerExit } from "./server-exit";
export { buildRunMetadata } from "./metadata";
