// A request that failed because the server died is a `server-exit` failure, not a generic
// disconnect. By the time the client sees the socket close, the dead server is a zombie or gone.
import type { ServerHandle } from "../server/launch";
import { processGone } from "../server/stop";
import type { RequestRecord } from "../types";

const KINDS_A_DEAD_SERVER_CAUSES = new Set(["connect", "disconnect", "malformed-sse", "stall", "timeout", "http"]);

/** Relabels (in place) a failed record as `server-exit` when the server process is gone. */
export function markServerExit(record: RequestRecord, server: ServerHandle): RequestRecord {
  if (record.ok || record.errorKind === "server-exit" || !KINDS_A_DEAD_SERVER_CAUSES.has(record.errorKind ?? "")) return record;
  if (!server.hasExited() && !processGone(server.pid)) return record;
  record.error = `the server (pid ${server.pid}) exited during the request; ${record.errorKind}: ${record.error ?? ""}`.trim();
  record.errorKind = "server-exit";
  return record;
}
