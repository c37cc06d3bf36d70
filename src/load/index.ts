export { planSendOffsetsMs } from "./arrivals";
export { checkServer } from "./server-check";
export { DEFAULT_SLO, parseSlo, checkSlo, requestMeetsSlo, type Slo, type SloClause, type SloCheck } from "./slo";
export {
  runBench, buildBenchDocument, validateRunOptions, METRIC_DEFINITIONS, DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT_S, CLIENT_OVERHEAD_WARN_MS,
  type RunBenchOptions, type RunBenchResult, type ClientOverhead,
} from "./run-bench";
export {
  findMaxConcurrency, nextConcurrency, maxPassingConcurrency, searchBracket, DEFAULT_MAX_CONCURRENCY_LIMIT,
  type FindMaxConcurrencyOptions, type LevelOutcome,
} from "./slo-search";
