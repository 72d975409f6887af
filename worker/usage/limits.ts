// The arithmetic of limits, pure: a token bucket for requests per minute, and how much of a reply
// fits in what is left of a quota. The Limiter Durable Object applies these to its state.

export type Bucket = { tokens: number; updatedAt: number };

/** The bucket refilled to `now`: `perMinute` requests a minute, holding at most `perMinute`. */
export function refill(bucket: Bucket | undefined, perMinute: number, now: number): Bucket {
  if (!bucket) return { tokens: perMinute, updatedAt: now };
  const tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.updatedAt) * perMinute) / 60_000);
  return { tokens, updatedAt: now };
}

/** Whole seconds until the bucket holds one request again. */
export function secondsUntilToken(bucket: Bucket, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60_000) / perMinute / 1000));
}

/** A reply is refused rather than given less room than this for its answer. */
export const MIN_OUTPUT_TOKENS = 256;

/**
 * How many output tokens a reply may have: what it asked for, or what is left of the quota after
 * its prompt, whichever is less; undefined when not even MIN_OUTPUT_TOKENS fit. `bounded` says
 * the quota, not the request, set the limit (the reply is then cut off at the quota).
 */
export function outputBudget(
  available: number | null,
  promptTokens: number,
  maxOutputTokens: number,
): { tokens: number; bounded: boolean } | undefined {
  if (available === null) return { tokens: maxOutputTokens, bounded: false };
  const room = available - promptTokens;
  if (room < Math.min(MIN_OUTPUT_TOKENS, maxOutputTokens)) return undefined;
  return room < maxOutputTokens ? { tokens: room, bounded: true } : { tokens: maxOutputTokens, bounded: false };
}
