// The deterministic reply: a labelled demo sentence, then numbered words up to the asked length.
// Each entry is one token and one text delta, so tests can predict the exact text and count.
import type { StopKind, VendorName } from './types.ts';

const UPSTREAMS: Record<VendorName, { name: string; setting: string }> = {
  anthropic: { name: 'Anthropic', setting: 'ANTHROPIC_API_KEY' },
  openai: { name: 'OpenAI', setting: 'OPENAI_API_KEY' },
  compat: { name: 'OpenAI-compatible', setting: 'OPENAI_COMPAT_BASE_URL' },
  gemini: { name: 'Gemini', setting: 'GEMINI_API_KEY' },
};

export function demoLabel(vendor: VendorName): string {
  const { name, setting } = UPSTREAMS[vendor];
  return `(Offline demo reply from Parley's fake ${name} upstream — set ${setting} for real answers.)`;
}

/**
 * The `count` tokens of a full reply: the label's words first, then ` token-N` where N is the
 * token's 1-based position, so the last word of a complete reply names its length.
 */
export function replyTokens(vendor: VendorName, count: number): string[] {
  const tokens = demoLabel(vendor)
    .split(' ')
    .map((word, i) => (i === 0 ? word : ` ${word}`))
    .slice(0, count);
  for (let n = tokens.length + 1; n <= count; n++) tokens.push(` token-${n}`);
  return tokens;
}

/** The tokens of an echoed reply: the text without its directive blocks, a word (with the whitespace before it) per token. */
export function echoTokens(text: string): string[] {
  return text.replace(/\[\[fake\b[^\]]*\]\]\s*/gi, '').match(/\s*\S+|\s+$/g) ?? [];
}

/** The text a client should receive for a reply of `count` tokens cut at `maxTokens`. */
export function expectedReplyText(vendor: VendorName, count: number, maxTokens?: number): string {
  return planReply(replyTokens(vendor, count), maxTokens, []).tokens.join('');
}

export interface ReplyPlan {
  tokens: string[];
  stop: StopKind;
  stopSequence: string | null;
}

/** Cuts the reply where the model would stop: at `maxTokens`, or just before the first stop sequence. */
export function planReply(tokens: string[], maxTokens: number | undefined, stopSequences: string[]): ReplyPlan {
  const limited = maxTokens !== undefined && maxTokens < tokens.length ? tokens.slice(0, maxTokens) : tokens;
  const hit = earliestStop(limited.join(''), stopSequences);
  if (hit) return { tokens: cutAt(limited, hit.index), stop: 'stop_sequence', stopSequence: hit.sequence };
  return { tokens: limited, stop: limited === tokens ? 'end' : 'max_tokens', stopSequence: null };
}

/** The tokens that make up the first `chars` characters, the last one shortened if need be. */
function cutAt(tokens: string[], chars: number): string[] {
  const kept: string[] = [];
  let length = 0;
  for (const token of tokens) {
    if (length + token.length >= chars) {
      if (chars > length) kept.push(token.slice(0, chars - length));
      break;
    }
    kept.push(token);
    length += token.length;
  }
  return kept;
}

function earliestStop(text: string, sequences: string[]): { index: number; sequence: string } | null {
  let best: { index: number; sequence: string } | null = null;
  for (const sequence of sequences) {
    if (!sequence) continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (!best || index < best.index)) best = { index, sequence };
  }
  return best;
}

/**
 * A stand-in tokenizer: about four characters a token, as vendors' rough guides say. With `cjk`
 * (the `[[fake cjk=1]]` directive), as real tokenizers count scripts outside ASCII: a token for
 * each such character (two for one beyond the Basic Multilingual Plane, an emoji), which is up to
 * four times the rough guide for Chinese, Japanese or Korean text.
 */
export function estimateTokens(text: string, cjk = false): number {
  if (!cjk) return Math.ceil(text.length / 4);
  let ascii = 0;
  let wide = 0;
  for (const char of text) {
    if (char.length > 1) wide += 2;
    else if (char.charCodeAt(0) < 0x80) ascii++;
    else wide++;
  }
  return Math.ceil(ascii / 4) + wide;
}
