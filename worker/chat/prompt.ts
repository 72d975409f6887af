import type { ChatMessage, Tools } from '../providers/types.ts';
import { MIN_OUTPUT_TOKENS } from '../usage/limits.ts';
import { IMAGE_TOKEN_ESTIMATE } from './images.ts';
import { PDF_PAGE_TOKEN_ESTIMATE, pdfPages } from './pdf.ts';

/**
 * A token estimate that real tokenizers should not exceed, plus per-message overhead: it reserves
 * quota and trims context before any vendor has counted. ASCII at four characters a token (English
 * and code run at 3.5 to 5), everything else at two UTF-8 bytes a token: 1.5 a CJK character and 2
 * an emoji, where vendors count about one CJK character a token (the rough guide of four characters
 * a token would undercount such text up to four times, and a reply could then overrun the quota).
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) ascii++;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdfff)
      bytes += 2; // half of a 4-byte character
    else bytes += 3;
  }
  return Math.ceil(ascii / 4) + Math.ceil(bytes / 2) + 4;
}

/**
 * The estimate for a whole prompt: its messages (tool calls and results included, images and PDFs
 * counted by fileTokens), the system prompt and the tools offered.
 */
export function estimatePromptTokens(messages: ChatMessage[], system?: string, tools?: Tools): number {
  const offered = tools ? estimateTokens(JSON.stringify(tools.definitions)) : 0;
  return messages.reduce(
    (sum, m) => sum + estimateTokens(messageText(m)) + fileTokens(m),
    offered + (system ? estimateTokens(system) : 0),
  );
}

/**
 * What a turn's images and PDFs are counted as before the vendor has counted them: IMAGE_TOKEN_ESTIMATE
 * an image, PDF_PAGE_TOKEN_ESTIMATE a page of a PDF (its `/Type /Page` objects; see pdf.ts).
 */
export function fileTokens(m: ChatMessage): number {
  if (m.role !== 'user' || !m.parts) return 0;
  return m.parts.reduce((sum, part) => {
    if (part.type === 'image') return sum + IMAGE_TOKEN_ESTIMATE;
    if (part.type === 'document') return sum + pdfPages(part) * PDF_PAGE_TOKEN_ESTIMATE;
    return sum;
  }, 0);
}

/** Everything a turn sends: its text (a user turn's text parts, its text files' included), and a reply's tool calls (names and arguments). */
function messageText(m: ChatMessage): string {
  if (m.role === 'user' && m.parts) return m.parts.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  if (m.role !== 'assistant' || !m.toolCalls?.length) return m.content;
  return m.content + m.toolCalls.map((call) => call.name + call.arguments).join('');
}

/**
 * How many tokens the reply may have in the model's context window after a prompt of
 * `promptTokens`: `wanted`, or the room left when that is less; undefined when the prompt leaves
 * not even MIN_OUTPUT_TOKENS (the request is then `400 context_length_exceeded`, before anything
 * is reserved: no retry, no quota, can make it fit).
 */
export function replyRoom(promptTokens: number, contextWindow: number, wanted: number): number | undefined {
  const room = contextWindow - promptTokens;
  if (room < Math.min(MIN_OUTPUT_TOKENS, wanted)) return undefined;
  return Math.min(room, wanted);
}

/**
 * The newest history that fits the model's context window after room for the reply, always
 * keeping the latest message. Older turns are dropped whole, oldest first, and the result
 * starts with a user turn as every vendor requires.
 */
export function fitToContext(
  history: ChatMessage[],
  options: { system?: string; contextWindow: number; maxOutputTokens: number },
): ChatMessage[] {
  let budget = options.contextWindow - options.maxOutputTokens - (options.system ? estimateTokens(options.system) : 0);
  const kept: ChatMessage[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    // Files count as the reservation counts them: the history is trimmed with them, like text.
    const cost = estimatePromptTokens([history[i]!]);
    if (kept.length > 0 && cost > budget) break;
    kept.unshift(history[i]!);
    budget -= cost;
  }
  while (kept.length > 1 && kept[0]!.role !== 'user') kept.shift();
  return kept;
}

/** A conversation title from its first message: the first line, cut at a word near 60 characters. */
export function titleFrom(content: string): string {
  const line = content.trim().split(/\r?\n/, 1)[0]!.replace(/\s+/g, ' ');
  if (line.length <= 60) return line || 'New conversation';
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
