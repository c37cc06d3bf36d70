// One generation request end to end: plan the output, submit to the engine, and write vLLM's
// SSE chunks (one per decode step) or the full body when it finishes.
import * as crypto from "node:crypto";
import type * as http from "node:http";
import { promptBlockHashes } from "./engine";
import { planOutput, requestSeed } from "./generation";
import { begin, errorJson, sendError, sendJson, type Ctx } from "./http-reply";
import type { ApiFailure, NormalizedRequest } from "./requests";

interface Collected {
  reasoning: string;
  content: string;
}

export function serveGeneration(ctx: Ctx, req: http.IncomingMessage, res: http.ServerResponse, r: NormalizedRequest): void {
  const { boot, o } = ctx;
  const plan = planOutput(r, boot.model, requestSeed(o.seed, ctx.arrivals++, r));
  const headerId = req.headers["x-request-id"];
  const rid = typeof headerId === "string" && headerId ? headerId : crypto.randomBytes(8).toString("hex");
  const id = r.kind === "chat" ? `chatcmpl-${rid}` : `cmpl-${rid}`;
  const created = Math.floor(Date.now() / 1000);
  const modelName = boot.servedNames[0] as string;
  const parser = o.reasoningParser !== null && boot.model.reasoning && r.kind === "chat";
  const reasoningKey = o.legacyReasoningField ? "reasoning_content" : "reasoning";
  const object = r.kind === "chat" ? "chat.completion.chunk" : "text_completion";
  const head = `data: {"id":${JSON.stringify(id)},"object":"${object}","created":${created},"model":${JSON.stringify(modelName)},"choices":[`;
  const usage = (n: number): string => `{"prompt_tokens":${r.promptTokens},"total_tokens":${r.promptTokens + n},"completion_tokens":${n}}`;
  const tail = (n: number): string => (r.continuousUsage ? `],"usage":${usage(n)}}\n\n` : `]}\n\n`);
  const collected: Collected = { reasoning: "", content: "" };
  let finished = false;

  /** The delta for one token, or null when vLLM's reasoning parser swallows it (a lone `</think>`). */
  const deltaFor = (text: string, kind: "reasoning" | "content" | "think-end"): { reasoning?: string; content?: string } | null => {
    if (parser && kind === "think-end") return null;
    if (parser && kind === "reasoning") {
      if (r.includeReasoning) collected.reasoning += text;
      return r.includeReasoning ? { reasoning: text } : null;
    }
    collected.content += text;
    return { content: text };
  };
  const deltaJson = (d: { reasoning?: string; content?: string }): string =>
    d.reasoning !== undefined ? `{"${reasoningKey}":${JSON.stringify(d.reasoning)}}` : `{"content":${JSON.stringify(d.content ?? "")}}`;

  if (r.stream) begin(ctx, req, res, 200, "text/event-stream; charset=utf-8");

  const seq = ctx.engine.submit(
    {
      id,
      promptTokens: r.promptTokens,
      targetTokens: plan.targetTokens,
      reasonAtTarget: plan.reasonAtTarget,
      blockHashes: boot.options.enablePrefixCaching ? promptBlockHashes(r.promptIds, boot.plan.blockSizeTokens) : [],
    },
    {
      onToken: (index) => {
        const last = index === plan.targetTokens - 1;
        const eos = last && plan.reasonAtTarget === "stop";
        const piece = eos ? { text: "", kind: "content" as const } : plan.text.next();
        const delta = eos ? { content: "" } : deltaFor(piece.text, piece.kind);
        if (!r.stream) return;
        const n = index + 1;
        if (r.kind === "chat") {
          if (index === 0) {
            const roleUsage = r.continuousUsage ? `,"usage":${usage(0)}` : "";
            res.write(`${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"prompt_token_ids":null,"prompt_text":null${roleUsage}}\n\n`);
          }
          if (last) res.write(`${head}{"index":0,"delta":${deltaJson(delta ?? { content: "" })},"logprobs":null,"finish_reason":"${plan.reasonAtTarget}","stop_reason":null,"token_ids":null}${tail(n)}`);
          else if (delta) res.write(`${head}{"index":0,"delta":${deltaJson(delta)},"logprobs":null,"finish_reason":null,"token_ids":null}${tail(n)}`);
        } else {
          const fr = last ? `"${plan.reasonAtTarget}"` : "null";
          res.write(`${head}{"index":0,"text":${JSON.stringify(delta?.content ?? "")},"logprobs":null,"finish_reason":${fr},"stop_reason":null,"prompt_token_ids":null,"token_ids":null}${tail(n)}`);
        }
      },
      onFinish: (reason) => {
        finished = true;
        const n = seq.generated;
        if (r.stream) {
          if (r.includeUsage) {
            const fp = r.kind === "chat" ? `,"system_fingerprint":"${ctx.fingerprint}"` : "";
            res.write(`${head}],"usage":${usage(n)}${fp}}\n\n`);
          }
          res.end("data: [DONE]\n\n");
          return;
        }
        sendJson(ctx, req, res, 200, fullBody(ctx, r, { id, created, modelName, reason, n, collected, parser, reasoningKey }));
      },
      onError: (message) => {
        finished = true;
        const f: ApiFailure = { status: 500, type: "InternalServerError", message, param: null };
        if (r.stream) res.end(`data: ${JSON.stringify(errorJson(ctx, f))}\n\ndata: [DONE]\n\n`);
        else sendError(ctx, req, res, f);
      },
    },
  );
  res.on("close", () => {
    if (!finished) ctx.engine.abort(seq);
  });
}

function fullBody(
  ctx: Ctx,
  r: NormalizedRequest,
  x: { id: string; created: number; modelName: string; reason: string; n: number; collected: Collected; parser: boolean; reasoningKey: string },
): unknown {
  const usage = { prompt_tokens: r.promptTokens, total_tokens: r.promptTokens + x.n, completion_tokens: x.n, prompt_tokens_details: null };
  if (r.kind === "completion") {
    return {
      id: x.id, object: "text_completion", created: x.created, model: x.modelName,
      choices: [{ index: 0, text: x.collected.content, logprobs: null, finish_reason: x.reason, stop_reason: null, prompt_logprobs: null, prompt_token_ids: null, token_ids: null }],
      service_tier: null, system_fingerprint: ctx.fingerprint, usage, kv_transfer_params: null,
    };
  }
  const reasoning = x.parser && x.collected.reasoning ? x.collected.reasoning : null;
  const content = x.parser ? x.collected.content || null : x.collected.content;
  return {
    id: x.id, object: "chat.completion", created: x.created, model: x.modelName,
    choices: [{
      index: 0,
      message: { role: "assistant", content, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], [x.reasoningKey]: reasoning },
      logprobs: null, finish_reason: x.reason, stop_reason: null, token_ids: null,
    }],
    service_tier: null, system_fingerprint: ctx.fingerprint, usage, prompt_logprobs: null, prompt_token_ids: null, prompt_text: null, kv_transfer_params: null,
  };
}

