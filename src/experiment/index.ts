// Public API of the whole-experiment runner.
export { runReproduce, defaultRunDir } from "./reproduce";
export type { ReproduceOptions, ReproduceResult, ReproduceEvent } from "./reproduce";
export { buildTable71, renderTable71 } from "./table";
export type { TableRow, TableCell } from "./table";
export { loadPublished, parsePublishedCsv, publishedValue } from "./published";
export { markServerExit } from "./server-exit";
export { buildRunMetadata } from "./metadata";
