// The fake Stripe from inside workerd: its account (control routes), and webhook deliveries of its
// own events, signed by the SDK's test helper as Stripe signs them. And the billing Worker of the
// suite: its settings, and one with other settings for the chat Worker's BILLING binding.
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { expect, inject } from 'vitest';
import { profiles } from '../../drizzle/schema.ts';
import { Billing } from '../../billing/index.ts';
import { createDb } from '../../worker/db/client.ts';
import { stripeBindings } from '../support/billing-worker.ts';
import { call, signIn } from './helpers.ts';

export const db = createDb(env);
export const fakeStripe = `${inject('fakeUpstreamUrl')}/stripe/__control`;

/** The billing Worker's Stripe settings in this suite (the chat Worker has none). */
export const stripeEnv = stripeBindings(inject('fakeUpstreamUrl'));

/** The billing Worker's environment in this suite: its Stripe settings, and the chat Worker's database. */
export function billingEnv(overrides: Partial<BillingEnv> = {}): BillingEnv {
  const { DATABASE_URL, DATABASE_HTTP_ENDPOINT, DATABASE_TIMEOUT_MS } = env;
  const hyperdrive = (env as { HYPERDRIVE?: Hyperdrive }).HYPERDRIVE;
  return {
    DATABASE_URL,
    DATABASE_HTTP_ENDPOINT,
    DATABASE_TIMEOUT_MS,
    ...(hyperdrive ? { HYPERDRIVE: hyperdrive } : {}),
    ...stripeEnv,
    ...overrides,
  };
}

/** A billing Worker with other settings, as the chat Worker's BILLING binding: `{ ...env, BILLING: billingWith({…}) }`. */
export function billingWith(overrides: Partial<BillingEnv>): Env['BILLING'] {
  return new Billing(createExecutionContext(), billingEnv(overrides)) as unknown as Env['BILLING'];
}

export type StripeEvent = { id: string; type: string; created: number; data: { object: Record<string, unknown> } };
export type Subscription = {
  id: string;
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  items: {
    data: Array<{ price: { id: string; recurring: { usage_type: string; meter: string | null } }; quantity?: number }>;
  };
};

export const control = async <T>(path: string, init?: RequestInit) =>
  (await fetch(`${fakeStripe}${path}`, init)).json<T>();

export const profileOf = async (userId: string) =>
  (await db.select().from(profiles).where(eq(profiles.id, userId)))[0]!;

/** Signs in and checks out once: the user now has a Stripe customer and an open Checkout Session. */
export async function customerUser() {
  const user = await signIn();
  const res = await call('/api/billing/checkout', { method: 'POST', token: user.token });
  expect(res.status).toBe(200);
  const customerId = (await profileOf(user.userId)).stripeCustomerId!;
  expect(customerId).toMatch(/^cus_/);
  return { ...user, customerId };
}

/** A user who checked out and paid: Stripe holds their active subscription (its events not yet delivered). */
export async function subscribedUser() {
  const user = await customerUser();
  const sessions =
    await control<Array<{ id: string; client_reference_id: string; status: string }>>('/checkout-sessions');
  const session = sessions.find((s) => s.client_reference_id === user.userId && s.status === 'open')!;
  const paid = await control<{ subscription: string }>(`/checkout-sessions/${session.id}/complete`, { method: 'POST' });
  return { ...user, subscriptionId: paid.subscription };
}

/** Every event Stripe made about the customer so far, oldest first. */
export const eventsOf = (customerId: string) => control<StripeEvent[]>(`/events?customer=${customerId}`);

/** A change on Stripe's side (the portal, the Dashboard, dunning): status, cancel_at_period_end or price. */
export const changeSubscription = (id: string, change: Record<string, unknown>) =>
  control<Subscription>(`/subscriptions/${id}`, { method: 'POST', body: JSON.stringify(change) });

/** A webhook delivery of `payload` as Stripe sends it, signed by the SDK's own test helper. */
export async function deliverPayload(payload: string, secret = stripeEnv.STRIPE_WEBHOOK_SECRET) {
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  return call('/api/billing/webhook', {
    method: 'POST',
    body: payload,
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
  });
}

/** Delivers one of the fake's events; its body says what Parley made of it. */
export async function deliverEvent(event: StripeEvent) {
  const res = await deliverPayload(JSON.stringify(event));
  return { status: res.status, body: await res.json<{ outcome?: string; reason?: string }>() };
}

/** A made-up event, for shapes Stripe's account here would not produce (a Payment Link's, `data: null`). */
export function craftedEvent(type: string, object: unknown, id = `evt_${crypto.randomUUID().replace(/-/g, '')}`) {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: object === null ? null : { object },
  });
}
