// A user's tier as Stripe now has it, applied on the chat Worker's side: the billing Worker's
// webhook calls this (its setTier) before it marks the event processed, so a failure here has
// Stripe deliver the event again, and every step is safe to repeat.
import type { Tier } from '../../drizzle/schema.ts';
import type { Db } from '../db/client.ts';
import { enforcePlanOnSites } from '../sites/plan-change.ts';
import { userLimiter } from '../usage/limiters.ts';

/** The Limiter first (replies follow the new plan at once), then the owner's sites (their models within it). */
export async function applyPlanChange(env: Env, db: Db, userId: string, tier: Tier, appOrigin: string): Promise<void> {
  await userLimiter(env, userId).setTier(userId, tier);
  await enforcePlanOnSites(env, db, userId, appOrigin);
}
