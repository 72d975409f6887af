import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { unwrap } from '../billing/contract.ts';
import { log } from '../log.ts';
import { describe } from '../openapi/describe.ts';
import { plansOnOffer } from '../billing/plans.ts';
import { applyPlanChange } from '../billing/plan-change.ts';

/**
 * Stripe: Checkout (or the Billing Portal for a user already subscribed) and the Billing Portal for
 * a signed-in session, never an API key (a portal can cancel the plan or change the card), and the
 * webhook Stripe calls (no user: its signature is the authentication). Stripe itself is the billing
 * Worker's (billing/), reached through the BILLING service binding; who may ask is decided here.
 */
const signedIn = [requireUser, requireSession('Billing and the subscription')] as const;

const forbidden = { description: 'An API key: billing is managed by signing in (forbidden)' };
const notConfigured = { description: 'Billing not configured (billing_not_configured)' };

const checkoutDescription = describe({
  summary:
    'Where to send the user for Pro {url, destination}: a Stripe Checkout URL, or the Billing Portal (destination portal) for a user who already holds a live subscription',
  tag: 'billing',
  security: ['session'],
  responses: {
    200: { description: '{url, destination: "checkout" | "portal"}' },
    403: forbidden,
    502: { description: 'Stripe refused, in its own words (billing_upstream_error)' },
    503: notConfigured,
  },
});

const portalDescription = describe({
  summary: 'A Stripe Billing Portal URL to manage your subscription {url}',
  tag: 'billing',
  security: ['session'],
  responses: {
    200: { description: '{url}' },
    403: forbidden,
    409: { description: 'No billing account yet: check out first (no_billing_account)' },
    503: notConfigured,
  },
});

const webhookDescription = describe({
  summary:
    "Stripe webhook (signed with Stripe-Signature; each event processed once, by retrieving the subscription's current state from Stripe)",
  tag: 'billing',
  responses: {
    200: {
      description:
        '{received, outcome: processed | replayed | ignored, reason?}: an event Parley cannot use is ignored with its reason, never retried',
    },
    400: { description: 'Missing or bad signature (invalid_signature)' },
    502: { description: 'Stripe could not be asked for the subscription: Stripe retries the event' },
    503: { description: 'The database cannot be reached: Stripe retries the event' },
  },
});

const plansDescription = describe({
  summary:
    "The plans side by side {free: {limits}, pro: {limits, price}}: each tier's limits, and Pro's price from the configured Stripe price (amounts in the currency's minor unit; price null when billing is off or Stripe cannot say). Public",
  tag: 'billing',
  responses: { 200: { description: 'Plans' } },
});

export const billing = new Hono<AppEnv>()
  .get('/plans', plansDescription, async (c) => c.json(await plansOnOffer(c.env)))
  .post('/checkout', checkoutDescription, ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    return c.json(unwrap(await c.env.BILLING.checkout({ userId, email }, new URL(c.req.url).origin)));
  })
  .post('/portal', portalDescription, ...signedIn, async (c) => {
    const { userId, email } = c.var.subject;
    return c.json(unwrap(await c.env.BILLING.portal({ userId, email }, new URL(c.req.url).origin)));
  })
  .post('/webhook', webhookDescription, async (c) => {
    // The body exactly as received: Stripe's signature is over these bytes. A new tier reaches the
    // user's Limiter and their sites through the callback, before the billing Worker marks the event processed.
    const origin = new URL(c.req.url).origin;
    const outcome = unwrap(
      await c.env.BILLING.webhook(await c.req.text(), c.req.header('stripe-signature'), (userId, tier) =>
        applyPlanChange(c.env, c.var.db, userId, tier, origin),
      ),
    );
    // An event Parley could not use is a warning: a payment may be left unlinked (its id says which).
    (outcome.outcome === 'ignored' ? log.warn : log.info)('stripe webhook', { ...outcome });
    return c.json({ received: true, outcome: outcome.outcome, ...(outcome.reason && { reason: outcome.reason }) });
  });
