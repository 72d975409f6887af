// Stripe's webhook: verify, then bring the user's plan to what Stripe holds now. Stripe delivers
// events late, twice and in any order, so an event is only a cue: the subscription it names is
// retrieved and its current state applied (newest read wins, store.ts), and any order of the same
// events ends in the same place. An event Parley cannot use is answered 2xx (a retry would not
// help) and left unprocessed with its reason; only a failure worth retrying answers 5xx.
import type { Tier } from '../drizzle/schema.ts';
import { AppError } from '../worker/errors.ts';
import type { Db } from '../worker/db/client.ts';
import type { SetTier, WebhookOutcome } from '../worker/billing/contract.ts';
import { isUuid } from '../worker/uuid.ts';
import {
  billingNotConfigured,
  isResourceMissing,
  viaStripe,
  webhookCrypto,
  type Stripe,
  type StripeEnv,
} from './stripe.ts';
import {
  alreadyProcessed,
  applySubscription,
  forgetCustomer,
  markProcessed,
  profileByCustomer,
  profileById,
  recordInvoice,
} from './store.ts';

/**
 * Statuses that keep Pro: paying, on trial, or past due while Stripe retries the payment (its
 * dunning ends in `unpaid` or `canceled`, which are free, as are incomplete and paused).
 */
const PAYING = new Set(['active', 'trialing', 'past_due']);

type Result = { userId: string; tier?: Tier } | { ignored: string } | { unchanged: string };

/**
 * Verifies the signature (400 invalid_signature, nothing changes), then processes the event unless
 * it already was. `setTier` tells the user's Limiter a new tier before the event is marked processed.
 */
export async function handleWebhook(
  db: Db,
  stripe: Stripe,
  env: StripeEnv,
  setTier: SetTier,
  rawBody: string,
  signature: string | undefined,
): Promise<WebhookOutcome> {
  if (!env.STRIPE_WEBHOOK_SECRET) throw billingNotConfigured();
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error('no Stripe-Signature header');
    event = await stripe.webhooks.constructEventAsync(
      rawBody,
      signature,
      env.STRIPE_WEBHOOK_SECRET,
      undefined,
      webhookCrypto(),
    );
  } catch (error) {
    throw new AppError(
      400,
      'invalid_signature',
      'The Stripe-Signature header is missing or does not match this payload',
      { cause: error },
    );
  }
  const seen = { eventId: event.id, type: event.type };
  if (await alreadyProcessed(db, event.id, event.type)) return { ...seen, outcome: 'replayed' };
  const result = await processEvent(db, stripe, env, setTier, event);
  if ('ignored' in result) return { ...seen, outcome: 'ignored', reason: result.ignored };
  await markProcessed(db, event.id);
  return 'unchanged' in result
    ? { ...seen, outcome: 'processed', reason: result.unchanged }
    : { ...seen, outcome: 'processed', ...result };
}

async function processEvent(
  db: Db,
  stripe: Stripe,
  env: StripeEnv,
  setTier: SetTier,
  event: Stripe.Event,
): Promise<Result> {
  // Signed but malformed (`data: null`, an object of another shape) is still Stripe's word: 2xx.
  const object: unknown = event.data?.object;
  if (!object || typeof object !== 'object') return { ignored: 'the event carries no object' };
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = object as Stripe.Checkout.Session;
      if (session.mode !== 'subscription') return { ignored: `a ${session.mode ?? 'non-subscription'} checkout` };
      const subscriptionId = idOf(session.subscription);
      if (!subscriptionId) return { ignored: 'the checkout made no subscription' };
      return syncSubscription(db, stripe, env, setTier, subscriptionId, session.client_reference_id);
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed': {
      const subscription = object as Stripe.Subscription;
      if (typeof subscription.id !== 'string') return { ignored: 'the subscription has no id' };
      return syncSubscription(db, stripe, env, setTier, subscription.id, subscription.metadata?.userId);
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = object as Stripe.Invoice;
      if (event.type === 'invoice.paid') await keepPaidInvoice(db, invoice, event.created);
      const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
      if (!subscriptionId) return { ignored: 'a one-off invoice: no plan changes' };
      return syncSubscription(
        db,
        stripe,
        env,
        setTier,
        subscriptionId,
        invoice.parent?.subscription_details?.metadata?.userId,
      );
    }
    case 'customer.deleted': {
      const customer = object as Stripe.Customer;
      if (typeof customer.id !== 'string') return { ignored: 'the customer has no id' };
      const profile = await forgetCustomer(db, customer.id);
      if (!profile) return { unchanged: `no Parley user holds customer ${customer.id}` };
      await setTier(profile.id, profile.tier);
      return { userId: profile.id, tier: profile.tier };
    }
    default:
      return { ignored: `${event.type} changes nothing in Parley` };
  }
}

/** Reads the subscription from Stripe and applies its current state to its user. */
async function syncSubscription(
  db: Db,
  stripe: Stripe,
  env: StripeEnv,
  setTier: SetTier,
  subscriptionId: string,
  userHint: string | null | undefined,
): Promise<Result> {
  const checkedAt = new Date();
  let subscription: Stripe.Subscription;
  try {
    subscription = await viaStripe('read the subscription', stripe.subscriptions.retrieve(subscriptionId));
  } catch (error) {
    // Not in this account (another mode's event, a deleted test object): a retry would not find it either.
    if (isResourceMissing(error)) return { ignored: `Stripe does not know subscription ${subscriptionId}` };
    throw error;
  }
  const customerId = idOf(subscription.customer);
  if (!customerId) return { ignored: `subscription ${subscriptionId} has no customer` };
  const profile =
    (await profileByCustomer(db, customerId)) ??
    (await knownUser(db, subscription.metadata?.userId)) ??
    (await knownUser(db, userHint));
  if (!profile) return { ignored: `no Parley user for customer ${customerId} (a Payment Link, or another app)` };

  const paying =
    PAYING.has(subscription.status) &&
    (!env.STRIPE_PRICE_PRO || subscription.items?.data?.some((item) => item.price?.id === env.STRIPE_PRICE_PRO));
  // A subscription the user has since replaced ending must not take away the one they pay for.
  if (profile.stripeSubscriptionId && profile.stripeSubscriptionId !== subscription.id && !paying)
    return { unchanged: `subscription ${subscription.id} was replaced by ${profile.stripeSubscriptionId}` };
  const tier = await applySubscription(db, profile.id, {
    tier: paying ? 'pro' : 'free',
    customerId,
    subscriptionId: subscription.id,
    status: subscription.status,
    checkedAt,
  });
  if (!tier) return { unchanged: 'a newer read of the subscription is already applied' };
  // The Limiter seeds its tier from Postgres once a month: tell it now. A failure here leaves the
  // event unprocessed, so Stripe's retry applies it again (every step is idempotent).
  await setTier(profile.id, tier);
  return { userId: profile.id, tier };
}

/**
 * A paid invoice, kept for the operators' revenue: what was paid, in which currency and when
 * (`status_transitions.paid_at`, or the event's time when Stripe leaves it out), and whose it is
 * (the customer's profile, else the subscription's userId). An invoice with no id is not kept.
 */
async function keepPaidInvoice(db: Db, invoice: Stripe.Invoice, eventCreated: number) {
  if (typeof invoice.id !== 'string' || typeof invoice.amount_paid !== 'number' || !invoice.currency) return;
  const customerId = idOf(invoice.customer) ?? null;
  const profile =
    (customerId ? await profileByCustomer(db, customerId) : undefined) ??
    (await knownUser(db, invoice.parent?.subscription_details?.metadata?.userId));
  const paidAt = invoice.status_transitions?.paid_at ?? eventCreated;
  await recordInvoice(db, {
    id: invoice.id,
    userId: profile?.id ?? null,
    customerId,
    amountPaid: invoice.amount_paid,
    currency: invoice.currency,
    paidAt: new Date(paidAt * 1000),
  });
}

/** The profile of a user id taken from Stripe's data, if it is one of Parley's users. */
async function knownUser(db: Db, userId: string | null | undefined) {
  return isUuid(userId) ? profileById(db, userId) : undefined;
}

/** Stripe fields that are an id or, when expanded, the object. */
function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}
