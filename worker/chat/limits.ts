/** Replies are capped below the largest models' maximum, to keep a single answer's cost sane. */
export const MAX_REPLY_TOKENS = 32_000;
