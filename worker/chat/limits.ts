/** Replies are capped below the largest models' maximum, to keep a single answer's cost sane. */
export const MAX_REPLY_TOKENS = 32_000;

/** The most a reply may write: the model's limit and MAX_REPLY_TOKENS, and less when the conversation asks for less. */
export function replyLimit(model: { maxOutputTokens: number }, asked: number | null | undefined): number {
  const most = Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens);
  return asked == null ? most : Math.min(most, asked);
}
