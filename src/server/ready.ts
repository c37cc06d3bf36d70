// Readiness: GET /health returns 200. While vLLM loads, the port refuses connections; the log's
// "Application startup complete." is only a hint (it is logged before the socket listens).
import { sleep } from "../util/sleep";

export const HEALTH_POLL_MS = 100;

export type ReadyOutcome = { kind: "ready" } | { kind: "exited" } | { kind: "timeout" } | { kind: "aborted" };

async function healthOk(baseUrl: string, apiKey: string | undefined): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(2_000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false; // refused or reset: still loading
  }
}

/** Polls /health until 200, the process exits, the timeout passes or `signal` aborts. */
export async function waitForHealth(options: {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  exited: Promise<unknown>;
  signal?: AbortSignal;
}): Promise<ReadyOutcome> {
  let gone = false;
  void options.exited.then(() => (gone = true), () => (gone = true));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (gone) return { kind: "exited" };
    if (options.signal?.aborted) return { kind: "aborted" };
    if (await healthOk(options.baseUrl, options.apiKey)) return gone ? { kind: "exited" } : { kind: "ready" };
    if (Date.now() >= deadline) return { kind: "timeout" };
    await sleep(HEALTH_POLL_MS);
  }
}

/** One tiny chat completion; true when it succeeds (retrying every 200 ms for up to `timeoutMs`, while `alive()`). */
export async function probeCompletion(options: { baseUrl: string; model: string; apiKey?: string; timeoutMs: number; alive?: () => boolean }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && (options.alive?.() ?? true)) {
    try {
      const res = await fetch(`${options.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({ model: options.model, messages: [{ role: "user", content: "hi" }], max_tokens: 1 }),
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // retry until the deadline
    }
    await sleep(200);
  }
  return false;
}
