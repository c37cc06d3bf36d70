// Deterministic output text: seeded choice of sentences, cut into token-sized pieces, Chinese
// for Chinese prompts and English otherwise. One piece is one simulated token.
import type { Rng } from "../util/random";

export type Language = "zh" | "en";
export type PieceKind = "reasoning" | "content" | "think-end";

const THINK_EN = [
  "Okay, so I need to figure out what the user is really asking here.",
  "Let me start by recalling the basic definitions involved.",
  "Hmm, wait, I should double-check that step before moving on.",
  "First, I'll break the problem into smaller parts and look at each one.",
  "That seems right, but let me consider a simple example to make sure.",
  "Another way to see it is to compare the two cases side by side.",
  "So the key point is how the parts depend on each other.",
  "I think I have enough to write a clear answer now.",
];
const ANSWER_EN = [
  "Here is a short explanation of the main idea.",
  "In practice, the result depends on the size of the input and the available memory.",
  "The first step is to identify the parts that matter most.",
  "For example, doubling the input roughly doubles the work in the simple case.",
  "This approach is easy to test and keeps the code readable.",
  "To summarise, the method is correct and runs in linear time.",
  "You can improve it further by caching results that are used more than once.",
  "Each step builds on the previous one, so the order matters.",
];
const THINK_ZH = [
  "嗯，用户问的是这个问题，我需要先理清楚它的核心概念。",
  "首先，我应该回忆一下相关的基本定义。",
  "等等，这一步我需要再检查一下，确保没有遗漏。",
  "我可以把问题拆成几个小部分，分别分析。",
  "举一个简单的例子来验证这个想法是否正确。",
  "另外，从另一个角度比较这两种情况也会更清楚。",
  "所以关键在于各个部分之间的关系。",
  "好的，现在我可以组织一个清晰的回答了。",
];
const ANSWER_ZH = [
  "下面简要介绍一下主要的思路。",
  "在实际应用中，结果取决于输入的规模和可用的内存。",
  "第一步是找出其中最重要的部分。",
  "例如，在简单的情况下，输入加倍，计算量大约也会加倍。",
  "这种方法容易测试，代码也清晰易读。",
  "总结来说，这个方法是正确的，并且时间复杂度是线性的。",
  "如果把重复使用的结果缓存起来，还可以进一步优化。",
  "每一步都建立在前一步的基础上，因此顺序很重要。",
];

const CJK = /[\u3400-\u9fff]/;
const PUNCT_ZH = /[，。、；：？！“”（）]/;

/** English: one word with its leading space; Chinese: two characters, punctuation alone. */
function toPieces(sentence: string, language: Language): string[] {
  if (language === "en") return sentence.match(/\s*\S+/g) ?? [];
  const pieces: string[] = [];
  let buf = "";
  for (const ch of sentence) {
    if (PUNCT_ZH.test(ch)) {
      if (buf) pieces.push(buf);
      pieces.push(ch);
      buf = "";
    } else if (buf.length === 1) {
      pieces.push(buf + ch);
      buf = "";
    } else buf = ch;
  }
  if (buf) pieces.push(buf);
  return pieces;
}

// Split once at load: the per-request cost is a few rng draws per sentence.
const BANK: Record<Language, { think: string[][]; answer: string[][] }> = {
  en: { think: THINK_EN.map((s) => toPieces(" " + s, "en")), answer: ANSWER_EN.map((s) => toPieces(" " + s, "en")) },
  zh: { think: THINK_ZH.map((s) => toPieces(s, "zh")), answer: ANSWER_ZH.map((s) => toPieces(s, "zh")) },
};

export function detectLanguage(prompt: string): Language {
  return CJK.test(prompt) ? "zh" : "en";
}

export const THINK_END = "</think>";

/** Endless seeded token stream: `thinkTokens` reasoning pieces, then `</think>`, then the answer. */
export class TextStream {
  private index = 0;
  private sentence: string[] = [];
  private pos = 0;
  private sentencesInParagraph = 0;
  private phase: "think" | "answer";
  private last: string[] | null = null;

  constructor(
    private readonly rng: Rng,
    private readonly language: Language,
    private readonly thinkTokens: number | null,
  ) {
    this.phase = thinkTokens === null ? "answer" : "think";
  }

  /** The next piece and what it is. */
  next(): { text: string; kind: PieceKind } {
    const i = this.index++;
    if (this.thinkTokens !== null && i === this.thinkTokens) {
      this.phase = "answer";
      this.sentence = ["\n\n"];
      this.pos = 0;
      this.sentencesInParagraph = 0;
      return { text: THINK_END, kind: "think-end" };
    }
    if (this.pos >= this.sentence.length) this.refill();
    const text = this.sentence[this.pos++] as string;
    return { text, kind: this.phase === "think" ? "reasoning" : "content" };
  }

  private refill(): void {
    const bank = BANK[this.language][this.phase];
    this.pos = 0;
    // A paragraph break every 3-5 sentences makes the text look like text.
    if (this.sentencesInParagraph >= 3 + this.rng.int(0, 2)) {
      this.sentencesInParagraph = 0;
      this.sentence = ["\n\n"];
      return;
    }
    this.sentencesInParagraph++;
    let s = this.rng.pick(bank);
    if (s === this.last) s = bank[(bank.indexOf(s) + 1) % bank.length] as string[]; // no sentence twice in a row
    this.last = s;
    this.sentence = this.language === "en" && this.sentencesInParagraph === 1 ? [s[0]!.trimStart(), ...s.slice(1)] : s;
  }
}
