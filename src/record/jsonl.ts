// requests.jsonl: one record per line, appended the moment a request finishes. Writes are
// batched per event-loop turn (setImmediate) so the streaming hot path never waits on disk,
// and each batch is one write(2) to an O_APPEND fd: the bytes are in the OS once it returns.
import * as fs from "node:fs";
import * as path from "node:path";
import type { RequestRecord } from "../types";

export interface RecordWriter {
  readonly path: string;
  /** Queues one record; it reaches the file within the current event-loop turn. */
  append(record: RequestRecord): void;
  /** Resolves once everything queued so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Flushes synchronously (for a process about to exit). */
  flushSync(): void;
}

export function createRecordWriter(file: string): RecordWriter {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "a");
  let queue: string[] = [];
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const writeBatch = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const data = queue.join("");
    queue = [];
    writing = writing.then(() => new Promise<void>((resolve, reject) => {
      fs.write(fd, data, null, "utf8", (err) => (err ? reject(err) : resolve()));
    }));
  };

  return {
    path: file,
    append(record) {
      if (closed) throw new Error(`record writer for ${file} is closed`);
      queue.push(`${JSON.stringify(record)}\n`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(writeBatch);
      }
    },
    async flush() {
      writeBatch();
      await writing;
    },
    async close() {
      if (closed) return;
      writeBatch();
      await writing;
      closed = true;
      fs.closeSync(fd);
    },
    flushSync() {
      if (closed || queue.length === 0) return;
      const data = queue.join("");
      queue = [];
      fs.writeSync(fd, data);
    },
  };
}

/** Reads every record back; a torn last line (a killed process) is skipped, anything else throws. */
export function readRecords(file: string): RequestRecord[] {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const out: RequestRecord[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as RequestRecord);
    } catch (err) {
      if (i === lines.length - 1) return;
      throw new Error(`${file}:${i + 1}: not a JSON record (${(err as Error).message})`);
    }
  });
  return out;
}
