// One per subject (a user, an API key, a widget site or visitor). Rate limits are kept in the
// subject's own Limiter; quotas always in the owning user's. A decision is one synchronous turn
// over state held in memory (limiter-store.ts), so concurrent requests can never overrun a quota:
// the first that does not fit is refused. The state is seeded from Postgres once per period
// (the user's tier and what was already used); after that no decision reads Postgres.
import { DurableObject } from 'cloudflare:workers';
import type { Tier } from '../drizzle/schema.ts';
import { createDb } from '../worker/db/client.ts';
import { outputBudget, refill, secondsUntilToken } from '../worker/usage/limits.ts';
import { quotaSeed } from '../worker/usage/quota.ts';
import { planAllowsModel, planLimits, quotaPeriod, type TierLimits } from '../worker/usage/tiers.ts';
import { LimiterStore } from './limiter-store.ts';

/** A reservation never settled (its reply or room was lost) stops holding quota after this. */
const RESERVATION_TTL_MS = 30 * 60_000;
const SEED_RETRY_MS = 30_000;

export type ReserveInput = {
  /** The user whose quota pays: seeds this Limiter on first use. */
  userId: string;
  reservationId: string;
  /** The prompt as estimated before the call. */
  promptTokens: number;
  /** The most the reply may produce if the quota allows. */
  maxOutputTokens: number;
  /** Apply this subject's rate limits too (false when they were checked in another subject's Limiter). */
  rateLimit: boolean;
  /** The model asked for: the plan may not include it. */
  model?: { id: string; outputPricePerMillion: number };
};

export type Refusal = { ok: false; status: 402 | 403 | 429; code: 'quota_exceeded' | 'rate_limited' | 'model_not_in_plan'; message: string; retryAfterSeconds?: number };
export type Admission = { ok: true; outputTokens: number; boundedByQuota: boolean };
export type QuotaState = { tier: Tier; plan: TierLimits; limit: number | null; used: number; reserved: number; resetsAt: string };

export class Limiter extends DurableObject<Env> {
  private readonly store: LimiterStore;
  private seeding: Promise<void> | undefined;
  /** While Postgres is away, seeding is tried again at most this often, so decisions do not wait on it. */
  private seedRetryAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LimiterStore(ctx.storage);
  }

  /** Before a vendor call: one request from the bucket, a stream slot, and the reply's tokens reserved. */
  async reserve(input: ReserveInput): Promise<Admission | Refusal> {
    await this.ready(input.userId);
    // From here on nothing is awaited: the check and the reservation are one turn.
    const now = Date.now();
    this.store.expire(now);
    const account = this.store.account!;
    const limits = planLimits(account.tier, account.overrides);
    if (input.model && !planAllowsModel(limits, input.model.outputPricePerMillion)) {
      return refusal(403, 'model_not_in_plan', `${input.model.id} is not included in the ${account.tier} plan: choose another model or upgrade`);
    }
    let bucket;
    if (input.rateLimit) {
      bucket = refill(this.store.bucket, limits.requestsPerMinute, now);
      if (bucket.tokens < 1) {
        return refusal(429, 'rate_limited', `Too many requests: your plan allows ${limits.requestsPerMinute} a minute`, secondsUntilToken(bucket, limits.requestsPerMinute));
      }
      if (this.store.open.size >= limits.concurrentStreams) {
        return refusal(429, 'rate_limited', `${this.store.open.size} replies are already streaming: your plan allows ${limits.concurrentStreams} at once`, 1);
      }
      bucket = { ...bucket, tokens: bucket.tokens - 1 };
    }
    const available = limits.monthlyTokens === null ? null : limits.monthlyTokens - account.used - this.reserved();
    const budget = outputBudget(available, input.promptTokens, input.maxOutputTokens);
    if (!budget) {
      const resetsAt = quotaPeriod(new Date(now)).end.toISOString();
      return refusal(402, 'quota_exceeded', `This month's ${limits.monthlyTokens?.toLocaleString('en')} tokens are used up: the quota resets at ${resetsAt}, or upgrade your plan`);
    }
    this.store.admit({ id: input.reservationId, tokens: input.promptTokens + budget.tokens, expiresAt: now + RESERVATION_TTL_MS }, bucket);
    return { ok: true, outputTokens: budget.tokens, boundedByQuota: budget.bounded };
  }

  /** After the reply: what it really used is counted, and the rest of its reservation released. Repeating it changes nothing. */
  async settle(userId: string, reservationId: string, usedTokens: number): Promise<void> {
    await this.ready(userId);
    this.store.settle(reservationId, Math.max(0, Math.round(usedTokens)));
  }

  /** A tier change (a Stripe webhook) takes effect at once. */
  async setTier(userId: string, tier: Tier): Promise<void> {
    await this.ready(userId);
    this.store.setTier(tier);
  }

  async quota(userId: string): Promise<QuotaState> {
    await this.ready(userId);
    this.store.expire(Date.now());
    const account = this.store.account!;
    const plan = planLimits(account.tier, account.overrides);
    return {
      tier: account.tier, plan, limit: plan.monthlyTokens, used: account.used, reserved: this.reserved(),
      resetsAt: quotaPeriod(new Date()).end.toISOString(),
    };
  }

  private reserved(): number {
    let sum = 0;
    for (const reservation of this.store.open.values()) sum += reservation.tokens;
    return sum;
  }

  /** Seeds the period from Postgres when it starts (once; concurrent callers wait for the same seed). */
  private async ready(userId: string) {
    const periodStart = quotaPeriod(new Date()).start.getTime();
    const account = this.store.account;
    if (account?.periodStart === periodStart && (account.seeded || Date.now() < this.seedRetryAt)) return;
    await (this.seeding ??= this.seed(userId, periodStart).finally(() => (this.seeding = undefined)));
  }

  private async seed(userId: string, periodStart: number) {
    const carried = this.store.account?.periodStart === periodStart ? this.store.account : undefined;
    try {
      const seed = await quotaSeed(createDb(this.env), userId, new Date(periodStart));
      // Tokens settled here before the seed landed were recorded in Postgres too (or are on their way): the larger count wins.
      this.store.startPeriodKeeping({ tier: seed.tier, overrides: seed.overrides, periodStart, used: Math.max(seed.used, carried?.used ?? 0), seeded: true }, carried !== undefined);
    } catch (error) {
      // Postgres is away: decide on what is known (the tier last seen, or free) and seed on a later call.
      console.error(JSON.stringify({ level: 'warn', msg: 'limiter: not seeded, deciding on what is known', error: String(error) }));
      this.seedRetryAt = Date.now() + SEED_RETRY_MS;
      if (!carried) this.store.startPeriodKeeping({ tier: this.store.account?.tier ?? 'free', overrides: this.store.account?.overrides ?? null, periodStart, used: 0, seeded: false }, false);
    }
  }
}

function refusal(status: Refusal['status'], code: Refusal['code'], message: string, retryAfterSeconds?: number): Refusal {
  return { ok: false, status, code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}
