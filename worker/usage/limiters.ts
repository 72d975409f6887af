import type { Admission, Refusal, VisitorLimits } from './admission.ts';
import type { ModelInfo } from '../providers/registry.ts';
import type { UsageEventMessage } from './usage-event.ts';
import type { ReplyTimingMessage } from './reply-timing.ts';
import { contextRequestId, log } from '../log.ts';

/** The Limiter of a user: their quota, and the rate limits of every subject they own. */
export function userLimiter(env: Pick<Env, 'LIMITER'>, userId: string) {
  return env.LIMITER.get(env.LIMITER.idFromName(`user:${userId}`));
}

export type QuotaDecision =
  | (Admission & { reservationId: string })
  | Refusal
  | { ok: false; status: 503; code: 'limits_unavailable'; message: string; retryAfterSeconds?: undefined };

/** Asks the owner's Limiter for the rate limits, a stream slot and room in the quota for one reply (and checks the API key it came with). */
export async function reserveQuota(
  env: Pick<Env, 'LIMITER'>,
  input: {
    userId: string;
    model: ModelInfo;
    promptTokens: number;
    maxOutputTokens: number;
    apiKeyHash?: string;
    /** A widget visitor, rate-limited at their site's rate instead of the user's bucket, within the site's daily budget. */
    visitor?: VisitorLimits;
    /** The user's own chat reply: the Limiter adds their custom instructions, within this context window. */
    instructions?: { contextWindow: number };
  },
): Promise<QuotaDecision> {
  const reservationId = crypto.randomUUID();
  try {
    const decision = await userLimiter(env, input.userId).reserve({
      userId: input.userId,
      requestId: contextRequestId(),
      reservationId,
      promptTokens: input.promptTokens,
      maxOutputTokens: input.maxOutputTokens,
      rateLimit: true,
      model: { id: input.model.id, outputPricePerMillion: input.model.price.output },
      ...(input.apiKeyHash === undefined ? {} : { apiKeyHash: input.apiKeyHash }),
      ...(input.visitor === undefined ? {} : { visitor: input.visitor }),
      ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
    });
    return decision.ok ? { ...decision, reservationId } : decision;
  } catch (error) {
    log.error('limiter unavailable', {}, error);
    return {
      ok: false,
      status: 503,
      code: 'limits_unavailable',
      message: 'Your usage limits could not be checked, so the request was not sent: try again shortly',
    };
  }
}

const SETTLE_ATTEMPTS = 3;
const SETTLE_RETRY_MS = 500;

/** What a settle hands the Limiter to publish: the reply's usage event (when the caller keeps none) and its timings. */
export type SettleRecords = { usage?: UsageEventMessage | undefined; timing?: ReplyTimingMessage | undefined };

/**
 * Tells the user's Limiter what a reply used (and hands it the reply's usage event and timings, if any).
 * Tried a few times; a settle that never lands expires with its reservation, logged.
 */
export async function settleQuota(
  env: Pick<Env, 'LIMITER'>,
  userId: string,
  reservationId: string,
  used: number,
  records: SettleRecords = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await userLimiter(env, userId).settle(userId, reservationId, used, records);
      return;
    } catch (error) {
      if (attempt === SETTLE_ATTEMPTS) {
        log.error('quota not settled', { reservationId, used, usageEvent: records.usage?.id }, error);
        return;
      }
      await new Promise((r) => setTimeout(r, SETTLE_RETRY_MS));
    }
  }
}

/**
 * Hands the user's newly saved custom instructions to their Limiter, which replies read them from.
 * Postgres has them already; a Limiter that misses this loads them from there on its next seed.
 */
export async function shareInstructions(
  env: Pick<Env, 'LIMITER'>,
  userId: string,
  instructions: { text: string | null; updatedAt: Date },
): Promise<void> {
  await userLimiter(env, userId).setInstructions(userId, instructions.text, instructions.updatedAt.getTime());
}
