// Rendering: figures and tables as plain values (chart, table, report) and notebook display (notebook).
export * from "./chart";
export {
  formatNumber, escapeHtml, renderRowsHtml, renderRowsMarkdown, meanPm, table71Wide, renderTable71Html, renderTable71Markdown,
  summaryRows, renderSummaryHtml, type TableRow, type Cell,
} from "./table";
export { headerHtml, displayPath, type HeaderInfo } from "./header";
export { renderReport, writeReport, runGpuProfile, rooflineRows, type ReportOptions } from "./report";
export { show, showText, showTable, plot, plotAll, plotlyOnce, showHeader, showStream, showOutcome, notebookParams, PARAMS_ENV } from "./notebook";
export { chartHtml, plotlySource } from "./plotly-source";
export {
  renderServerHtml, renderBenchHtml, renderMaxConcurrencyHtml, renderSideBySideHtml, renderListHtml, loadTimeRow,
  type ServerView, type AnswerView,
} from "./views";
