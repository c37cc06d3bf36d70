export { monotonicClock, sharedWallClock, type Clock } from "./clock";
export { apiUrls, fetchJson } from "./http-agent";
export { SseAccumulator, errorMessageOf, type StreamOutcome } from "./sse-accumulator";
export { streamRequest, buildRecord, chatBody, DEFAULT_TIMEOUT_MS, type ChatMessage, type StreamRequestOptions } from "./stream-request";
export {
  LLMClient, toApiError, DEFAULT_BASE_URL, DEFAULT_TEMPERATURE, DEFAULT_CHAT_MAX_TOKENS,
  type LLMClientOptions, type ChatOptions, type ChatResult, type StreamDelta,
} from "./llm-client";
export {
  r1Messages, continuationBody, isR1Model, R1_DEFAULT_TEMPERATURE, R1_MATH_INSTRUCTION, R1_THINK_PREFIX, CONTINUE_FINAL_MESSAGE_BODY,
  type R1MessageOptions,
} from "./r1";
