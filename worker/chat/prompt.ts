import type { ChatMessage } from '../providers/types.ts';

/** A rough but safe token estimate for trimming: ~4 characters a token, plus per-message overhead. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4) + 4;

/** The estimate for a whole prompt: its messages and the system prompt. */
export function estimatePromptTokens(messages: ChatMessage[], system?: string): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content), system ? estimateTokens(system) : 0);
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
    const cost = estimateTokens(history[i]!.content);
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
