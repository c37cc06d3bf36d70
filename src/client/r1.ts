// DeepSeek-R1 usage practice from the article's §8 (and DeepSeek's model card): temperature 0.6,
// no system prompt (fold it into the user turn), the \boxed{} instruction for maths, and an
// optional forced "<think>\n" start (sent as a partial assistant turn that the server continues).
import type { ChatMessage } from "./stream-request";

export const R1_DEFAULT_TEMPERATURE = 0.6;
/** "Please reason step by step, and put your final answer within \boxed{}." (the article's Chinese). */
export const R1_MATH_INSTRUCTION = "请逐步推理，并将最终答案放在\\boxed{}内。";
export const R1_THINK_PREFIX = "<think>\n";
/** vLLM request fields that make the server continue a final assistant message instead of starting a new one. */
export const CONTINUE_FINAL_MESSAGE_BODY = { continue_final_message: true, add_generation_prompt: false } as const;

/** Whether a model id is an R1-style reasoning model (R1 or an R1 distill). */
export function isR1Model(model: string): boolean {
  return /deepseek-r1|r1-distill/i.test(model);
}

export interface R1MessageOptions {
  system?: string;
  math?: boolean;
  forceThink?: boolean;
}

export function r1Messages(user: string, opts: R1MessageOptions = {}): ChatMessage[] {
  const parts = [opts.system, user, opts.math ? R1_MATH_INSTRUCTION : undefined].filter((p): p is string => !!p);
  const messages: ChatMessage[] = [{ role: "user", content: parts.join("\n\n") }];
  if (opts.forceThink) messages.push({ role: "assistant", content: R1_THINK_PREFIX });
  return messages;
}

/** Extra request body needed by these messages (continue a forced "<think>\n" turn). */
export function continuationBody(messages: readonly ChatMessage[]): Record<string, unknown> {
  return messages[messages.length - 1]?.role === "assistant" ? { ...CONTINUE_FINAL_MESSAGE_BODY } : {};
}
