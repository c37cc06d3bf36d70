export { createRecordWriter, readRecords, type RecordWriter } from "./jsonl";
export { buildMetadata, gitRevision, redact, type RunMetadata, type ServerInfo } from "./meta";
