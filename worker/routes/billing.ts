import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { unwrap } from '../billing/contract.ts';
import { userLimiter } from '../usage/limiters.ts';

/**
 * Stripe: Checkout (or the Billing Portal for a user already subscribed) and the Billing Portal for
 * a signed-in session, never an API key (a portal can cancel the plan or change the card), and the
 * webhook Stripe calls (no user: its signature is the authentication). Stripe itself is the billing
 * Worker's (billing/), reached through the BILLING service binding; who may ask is decided here.
 */
const signedIn = [requireUser, requireSession('Billing and the subscription')] as const;

export const billing = new Hono<AppEnv>()
  .post('/checkout', ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    return c.json(unwrap(await c.env.BILLING.checkout({ userId, email }, new URL(c.req.url).origin)));
  })
  .post('/portal', ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    return c.json(unwrap(await c.env.BILLING.portal({ userId, email }, new URL(c.req.url).origin)));
  })
  .post('/webhook', async (c) => {
    // The body exactly as received: Stripe's signature is over these bytes. A new tier reaches the
    // user's Limiter through the callback, before the billing Worker marks the event processed.
    const outcome = unwrap(
      await c.env.BILLING.webhook(await c.req.text(), c.req.header('stripe-signature'), (userId, tier) =>
        userLimiter(c.env, userId).setTier(userId, tier),
      ),
    );
    // An event Parley could not use is a warning: a payment may be left unlinked (its id says which).
    const level = outcome.outcome === 'ignored' ? 'warn' : 'info';
    console.log(JSON.stringify({ level, msg: 'stripe webhook', requestId: c.var.requestId, ...outcome }));
    return c.json({ received: true, outcome: outcome.outcome, ...(outcome.reason && { reason: outcome.reason }) });
  });
