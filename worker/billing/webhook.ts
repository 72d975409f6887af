// Stripe's webhook: verify, process each event once, keep profiles.tier and the user's Limiter in step.
import type Stripe from 'stripe';
import type { Tier } from '../../drizzle/schema.ts';
import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import { userLimiter } from '../usage/limiters.ts';
import { billingNotConfigured, webhookCrypto, type BillingEnv, type StripeApi } from './client.ts';
import {
  alreadyProcessed,
  applySubscription,
  markProcessed,
  profileByCustomer,
  type SubscriptionChange,
} from './store.ts';

/** Statuses that keep Pro; anything else (past_due, unpaid, canceled, incomplete…) is the free tier. */
const PAYING = new Set(['active', 'trialing']);
export const tierForStatus = (status: string): Tier => (PAYING.has(status) ? 'pro' : 'free');

export type WebhookOutcome = {
  eventId: string;
  type: string;
  outcome: 'processed' | 'replayed' | 'ignored';
  userId?: string;
  tier?: Tier;
};

/** Verifies the signature (400 invalid_signature, nothing changes), then processes the event unless it already was. */
export async function handleWebhook(
  db: Db,
  stripe: StripeApi,
  env: BillingEnv & Pick<Env, 'LIMITER'>,
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

  if (await alreadyProcessed(db, event.id, event.type))
    return { eventId: event.id, type: event.type, outcome: 'replayed' };
  const target = await changeFor(db, event);
  let tier: Tier | undefined;
  if (target) {
    tier = await applySubscription(db, target.userId, target.change);
    // The Limiter seeds its tier from Postgres once a month: tell it now. A failure here leaves
    // the event unprocessed, so Stripe's retry applies it again (every step is idempotent).
    if (tier) await userLimiter(env, target.userId).setTier(target.userId, tier);
  }
  await markProcessed(db, event.id);
  return {
    eventId: event.id,
    type: event.type,
    outcome: target ? 'processed' : 'ignored',
    userId: target?.userId,
    tier,
  };
}

type Target = { userId: string; change: SubscriptionChange };

/** Which user an event is about and the subscription state it implies; undefined for events that change nothing. */
async function changeFor(db: Db, event: Stripe.Event): Promise<Target | undefined> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      if (session.mode !== 'subscription' || !session.client_reference_id) return undefined;
      const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
      return {
        userId: session.client_reference_id,
        change: {
          tier: paid ? 'pro' : 'free',
          customerId: idOf(session.customer),
          subscriptionId: idOf(session.subscription) ?? null,
          status: paid ? 'active' : 'incomplete',
        },
      };
    }
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      const customerId = idOf(subscription.customer);
      const profile = customerId ? await profileByCustomer(db, customerId) : undefined;
      const userId = profile?.id ?? subscription.metadata?.userId;
      if (!userId) return undefined;
      const status = event.type === 'customer.subscription.deleted' ? 'canceled' : subscription.status;
      // A late event about a subscription the user has since replaced must not take Pro away.
      if (profile?.stripeSubscriptionId && profile.stripeSubscriptionId !== subscription.id && !PAYING.has(status))
        return undefined;
      return { userId, change: { tier: tierForStatus(status), customerId, subscriptionId: subscription.id, status } };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription);
      if (!subscriptionId) return undefined; // a one-off invoice: no plan changes
      const userId = await userFor(db, idOf(invoice.customer), invoice.parent?.subscription_details?.metadata?.userId);
      if (!userId) return undefined;
      const status = event.type === 'invoice.paid' ? 'active' : 'past_due';
      return {
        userId,
        change: { tier: tierForStatus(status), customerId: idOf(invoice.customer), subscriptionId, status },
      };
    }
    default:
      return undefined;
  }
}

async function userFor(
  db: Db,
  customerId: string | undefined,
  metadataUserId: string | undefined,
): Promise<string | undefined> {
  if (customerId) {
    const profile = await profileByCustomer(db, customerId);
    if (profile) return profile.id;
  }
  return metadataUserId;
}

/** Stripe fields that are an id or, when expanded, the object. */
function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}
