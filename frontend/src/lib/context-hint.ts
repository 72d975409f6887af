// The hint a long conversation earns: each message resends the whole branch as history, so once
// that history is a real part of the month's tokens or of the model's context, the reader is told
// (a 37-turn conversation once used a free month unawares).
import { count, percent } from './format.ts';

/** From this share of the month's tokens per message (1 in 50), the history is worth a word. */
const OF_MONTH = 0.02;
/** …or from half of what the model can read at once. */
const OF_CONTEXT = 0.5;

export function contextHint(input: {
  /** What the newest reply's prompt measured (the history it was sent, and its question). */
  promptTokens: number;
  modelName: string;
  contextWindow: number | undefined;
  /** The plan's tokens a month; null when unlimited, undefined while not known. */
  monthlyTokens: number | null | undefined;
}): string | undefined {
  const { promptTokens, contextWindow, monthlyTokens } = input;
  const ofMonth = monthlyTokens ? promptTokens / monthlyTokens : 0;
  const ofContext = contextWindow ? promptTokens / contextWindow : 0;
  if (promptTokens <= 0 || (ofMonth < OF_MONTH && ofContext < OF_CONTEXT)) return undefined;
  const shares = [
    ...(ofMonth >= OF_MONTH ? [`${percent(ofMonth)} of your month's tokens`] : []),
    ...(ofContext >= OF_CONTEXT ? [`${percent(ofContext)} of what ${input.modelName} can read at once`] : []),
  ];
  return `A long conversation: each message now sends about ${count(promptTokens)} tokens of history (${shares.join(', ')}). A new conversation costs less.`;
}
