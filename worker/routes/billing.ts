import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { handleWebhook, openPortal, startCheckout, stripeClient } from '../billing/index.ts';

/**
 * Stripe: Checkout and the Billing Portal for the signed-in user, and the webhook Stripe calls
 * (no user: its signature is the authentication).
 */
export const billing = new Hono<AppEnv>()
  .post('/checkout', requireUser, async (c) => {
    const { userId, email } = c.var.subject;
    const url = await startCheckout(c.var.db, stripeClient(c.env), c.env, { userId, email }, new URL(c.req.url).origin);
    return c.json({ url });
  })
  .post('/portal', requireUser, async (c) => {
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
    console.log(JSON.stringify({ level: 'info', msg: 'stripe webhook', requestId: c.var.requestId, ...outcome }));
    return c.json({ received: true, outcome: outcome.outcome });
  });
