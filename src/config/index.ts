// Public API of experiment configs.
export { loadExperiment, validateExperiment, serverConfigOf, listExperiments, describeIssue, DEFAULT_EXPERIMENT } from "./experiment";
export { experimentSchema, serverSchema, maxConcurrencySchema } from "./schema";
export type { Experiment, ServerEntry } from "./schema";
