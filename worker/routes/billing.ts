import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { handleWebhook, openPortal, startCheckout, stripeClient } from '../billing/index.ts';

/**
 * Stripe: Checkout (or the Billing Portal for a user already subscribed) and the Billing Portal for
 * a signed-in session, never an API key (a portal can cancel the plan or change the card), and the
 * webhook Stripe calls (no user: its signature is the authentication).
 */
const signedIn = [requireUser, requireSession('Billing and the subscription')] as const;

export const billing = new Hono<AppEnv>()
  .post('/checkout', ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    const target = await startCheckout(
      c.var.db,
      stripeClient(c.env),
      c.env,
      { userId, email },
      new URL(c.req.url).origin,
    );
    return c.json(target);
  })
  .post('/portal', ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    const url = await openPortal(c.var.db, stripeClient(c.env), { userId, email }, new URL(c.req.url).origin);
    return c.json({ url });
  })
  .post('/webhook', async (c) => {
    const outcome = await handleWebhook(
      c.var.db,
      stripeClient(c.env),
      c.env,
      await c.req.text(),
      c.req.header('stripe-signature'),
    );
    // An event Parley could not use is a warning: a payment may be left unlinked (its id says which).
    const level = outcome.outcome === 'ignored' ? 'warn' : 'info';
    console.log(JSON.stringify({ level, msg: 'stripe webhook', requestId: c.var.requestId, ...outcome }));
    return c.json({ received: true, outcome: outcome.outcome, ...(outcome.reason && { reason: outcome.reason }) });
  });
