// Analysis of run dirs: plain records in, plain rows (or danfojs DataFrames, for notebooks) out.
export { loadRun, listRuns, latestRun, readJsonl, summaryTable71, DEFAULT_RUNS_DIR, type RunData, type ModelRun } from "./run-dir";
export { loadPublished, TABLE_71_METRICS, PUBLISHED_TABLE_PATH, type PublishedValue, type Table71Metric } from "./published";
export {
  buildTable71, measuredValue, table71Notes, table71Row, TABLE_71_LABELS, TABLE_71_ROWS, TABLE_71_UNITS, type Table71Notes, type Table71Row,
  type Table71RowMetric,
} from "./table-71";
export { requestRows, requestRow, valuesOf, measuredValues, type RequestRow } from "./requests";
export { toFrame, frameRows, frameCsv, requestFrame, groupStats, table71Frame, type DataFrame } from "./frame";
export {
  rooflineChecks, rooflineCheck, decodeBounds, prefillBoundMs, maxBatchUnderTpot, ARTICLE_PROMPT_TOKENS,
  type RooflineCheck, type RooflineOptions, type Verdict,
} from "./roofline";
export { loadPhaseSegments, type PhaseSegment } from "./phases";
export { measureMultiTurn, summarizeTurns, turnRows, type MultiTurnOptions, type TurnResult, type TurnSummary } from "./multi-turn";
