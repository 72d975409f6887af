// Sending a signed-in user to Stripe: Checkout to subscribe, the Billing Portal to manage it.
import { conflict } from '../errors.ts';
import type { Db } from '../db/client.ts';
import { ensureProfile } from '../db/profiles.ts';
import type { BillingEnv, StripeApi } from './client.ts';
import { billingNotConfigured, viaStripe } from './client.ts';
import { claimCustomer, profileById } from './store.ts';

export type BillingUser = { userId: string; email: string | undefined };

/** The user's Stripe customer, created (once, however many checkouts race) and stored on first use. */
async function customerFor(db: Db, stripe: StripeApi, user: BillingUser): Promise<string> {
  await ensureProfile(db, user.userId, user.email);
  const profile = await profileById(db, user.userId);
  if (profile?.stripeCustomerId) return profile.stripeCustomerId;
  // The idempotency key makes concurrent first checkouts get the same customer from Stripe.
  const customer = await viaStripe(
    'create your customer',
    stripe.customers.create(
      { email: user.email ?? profile?.email ?? undefined, metadata: { userId: user.userId } },
      { idempotencyKey: `parley-customer-${user.userId}` },
    ),
  );
  return claimCustomer(db, user.userId, customer.id);
}

/**
 * What a Pro subscription is made of: the monthly Pro price, and the metered price on the Billing
 * Meter the monthly job reports tokens to (metered prices take no quantity), so that usage is
 * invoiced. Without the metered price, meter events would be recorded and never charged: refused.
 */
function proLineItems(env: BillingEnv) {
  if (!env.STRIPE_PRICE_PRO) throw billingNotConfigured();
  if (env.STRIPE_METER_EVENT && !env.STRIPE_PRICE_USAGE) throw billingNotConfigured();
  return [
    { price: env.STRIPE_PRICE_PRO, quantity: 1 },
    ...(env.STRIPE_PRICE_USAGE ? [{ price: env.STRIPE_PRICE_USAGE }] : []),
  ];
}

/** A Checkout Session subscribing the user to Pro; its URL is where to send them. */
export async function startCheckout(
  db: Db,
  stripe: StripeApi,
  env: BillingEnv,
  user: BillingUser,
  origin: string,
): Promise<string> {
  const lineItems = proLineItems(env);
  const customer = await customerFor(db, stripe, user);
  const session = await viaStripe(
    'start checkout',
    stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: user.userId,
      line_items: lineItems,
      subscription_data: { metadata: { userId: user.userId } },
      success_url: `${origin}/?billing=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${origin}/?billing=cancelled`,
    }),
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return session.url;
}

/** A Billing Portal session for the user's customer; 409 when they have never checked out. */
export async function openPortal(db: Db, stripe: StripeApi, user: BillingUser, origin: string): Promise<string> {
  const profile = await profileById(db, user.userId);
  if (!profile?.stripeCustomerId) {
    throw conflict(
      'You have no billing account yet: subscribe first (POST /api/billing/checkout)',
      'no_billing_account',
    );
  }
  const session = await viaStripe(
    'open the billing portal',
    stripe.billingPortal.sessions.create({ customer: profile.stripeCustomerId, return_url: `${origin}/` }),
  );
  return session.url;
}
