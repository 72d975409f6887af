// Issue 22: Billing could not state Pro's price. GET /api/billing/plans gives each tier's limits and
// Pro's price as the configured Stripe prices hold it, read by the billing Worker.
import { describe, expect, it } from 'vitest';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { call } from './helpers.ts';
import { billingWith } from './stripe-support.ts';

describe('GET /api/billing/plans', () => {
  it("states Free's and Pro's limits and Pro's price from the configured Stripe prices, signed out too", async () => {
    const res = await call('/api/billing/plans');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      free: { limits: TIER_LIMITS.free },
      // The fake Stripe's price_test_pro: 2000 cents a month; price_test_tokens: 0.00004 cents a token.
      pro: {
        limits: TIER_LIMITS.pro,
        price: { currency: 'usd', unitAmount: 2000, interval: 'month', perMillionTokens: 40 },
      },
    });
  });

  it('leaves the price unsaid (null) when Stripe has no such price, or billing is off', async () => {
    expect(await billingWith({ STRIPE_PRICE_PRO: 'price_gone' }).proPrice()).toBeNull();
    expect(await billingWith({ STRIPE_SECRET_KEY: '' }).proPrice()).toBeNull();
    expect(await billingWith({ STRIPE_PRICE_USAGE: '' }).proPrice()).toEqual({
      currency: 'usd',
      unitAmount: 2000,
      interval: 'month',
      perMillionTokens: null,
    });
  });
});
