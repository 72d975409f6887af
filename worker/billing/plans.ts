// The plans one can be on, side by side: each standard tier's limits (worker/usage/tiers.ts) and
// Pro's price as the configured Stripe price holds it (through the billing Worker). Which models
// each plan includes is on GET /api/models (`plans`).
import { log } from '../log.ts';
import { TIER_LIMITS } from '../usage/tiers.ts';
import type { ProPrice } from './contract.ts';

export async function plansOnOffer(env: Pick<Env, 'BILLING'>) {
  return {
    free: { limits: TIER_LIMITS.free },
    pro: { limits: TIER_LIMITS.pro, price: await proPriceOrNull(env) },
  };
}

/** A billing Worker that cannot be reached leaves the price unsaid rather than failing the page. */
async function proPriceOrNull(env: Pick<Env, 'BILLING'>): Promise<ProPrice | null> {
  try {
    return await env.BILLING.proPrice();
  } catch (error) {
    log.error('billing worker unreachable', {}, error);
    return null;
  }
}
