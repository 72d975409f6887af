// Sending a signed-in user to Stripe: Checkout to subscribe, the Billing Portal to manage it.
import { conflict } from '../worker/errors.ts';
import type { Db } from '../worker/db/client.ts';
import { ensureProfile } from '../worker/db/profiles.ts';
import type { BillingUser, CheckoutTarget } from '../worker/billing/contract.ts';
import { billingNotConfigured, isResourceMissing, viaStripe, type Stripe, type StripeEnv } from './stripe.ts';
import { claimCustomer, forgetCustomer, profileById, type BillingProfile } from './store.ts';

/** Subscription statuses that are a live plan: a user holding one manages it in the portal instead of buying another. */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);

/**
 * The user's Stripe customer, created (once, however many checkouts race) and stored on first use.
 * `replacing`: the customer Stripe no longer knows, which this one replaces.
 */
async function customerFor(
  db: Db,
  stripe: Stripe,
  user: BillingUser,
  profile: BillingProfile | undefined,
  replacing?: string,
) {
  if (profile?.stripeCustomerId) return profile.stripeCustomerId;
  // The idempotency key makes concurrent checkouts get the same customer from Stripe; a replacement
  // needs a key of its own, or Stripe would replay the lost customer's creation.
  const key = `parley-customer-${user.userId}${replacing ? `-after-${replacing}` : ''}`;
  const customer = await viaStripe(
    'create your customer',
    stripe.customers.create(
      { email: user.email ?? profile?.email ?? undefined, metadata: { userId: user.userId } },
      { idempotencyKey: key },
    ),
  );
  return claimCustomer(db, user.userId, customer.id);
}

/**
 * Runs `call` for the user's customer (`profile`: the user's, as just read). A customer Stripe
 * answers `resource_missing` for (deleted in Stripe, or the account's keys changed) is forgotten and
 * made again, once, instead of failing every time from then on.
 */
async function withCustomer<T>(
  db: Db,
  stripe: Stripe,
  user: BillingUser,
  profile: BillingProfile | undefined,
  call: (customer: string) => Promise<T>,
): Promise<T> {
  const customer = await customerFor(db, stripe, user, profile);
  try {
    return await call(customer);
  } catch (error) {
    if (!isResourceMissing(error, 'customer')) throw error;
    await forgetCustomer(db, customer);
    return call(await customerFor(db, stripe, user, await profileById(db, user.userId), customer));
  }
}

/**
 * What a Pro subscription is made of: the monthly Pro price, and the metered price on the Billing
 * Meter the monthly job reports tokens to (metered prices take no quantity), so that usage is
 * invoiced. Without the metered price, meter events would be recorded and never charged: refused.
 */
function proLineItems(env: StripeEnv) {
  if (!env.STRIPE_PRICE_PRO) throw billingNotConfigured();
  if (env.STRIPE_METER_EVENT && !env.STRIPE_PRICE_USAGE) throw billingNotConfigured();
  return [
    { price: env.STRIPE_PRICE_PRO, quantity: 1 },
    ...(env.STRIPE_PRICE_USAGE ? [{ price: env.STRIPE_PRICE_USAGE }] : []),
  ];
}

/**
 * Where to send a user who wants Pro: a Checkout Session subscribing them, or, when they already
 * hold a live subscription, the Billing Portal (a second Checkout would bill them twice).
 */
export async function startCheckout(
  db: Db,
  stripe: Stripe,
  env: StripeEnv,
  user: BillingUser,
  origin: string,
): Promise<CheckoutTarget> {
  const lineItems = proLineItems(env);
  await ensureProfile(db, user.userId, user.email);
  const profile = await profileById(db, user.userId);
  if (profile?.stripeSubscriptionId && LIVE.has(profile.subscriptionStatus ?? ''))
    return { url: await portalFor(db, stripe, user, profile, origin), destination: 'portal' };
  const session = await withCustomer(db, stripe, user, profile, (customer) =>
    viaStripe(
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
    ),
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  return { url: session.url, destination: 'checkout' };
}

/** A Billing Portal session for the user's customer; 409 when they have never checked out. */
export async function openPortal(db: Db, stripe: Stripe, user: BillingUser, origin: string): Promise<string> {
  return portalFor(db, stripe, user, await profileById(db, user.userId), origin);
}

async function portalFor(
  db: Db,
  stripe: Stripe,
  user: BillingUser,
  profile: BillingProfile | undefined,
  origin: string,
): Promise<string> {
  if (!profile?.stripeCustomerId) {
    throw conflict(
      'You have no billing account yet: subscribe first (POST /api/billing/checkout)',
      'no_billing_account',
    );
  }
  const session = await withCustomer(db, stripe, user, profile, (customer) =>
    viaStripe('open the billing portal', stripe.billingPortal.sessions.create({ customer, return_url: `${origin}/` })),
  );
  return session.url;
}
