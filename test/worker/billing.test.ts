// Stripe billing inside workerd, through the real `stripe` SDK against the fake Stripe
// (scripts/fake-stripe/): checkout, portal, signed webhooks pushing tiers to Postgres and the
// Limiter, and the monthly meter-event report (issue 7).
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { profiles, stripeEvents, usageEvents, usageReports } from '../../drizzle/schema.ts';
import worker from '../../worker/index.ts';
import { app } from '../../worker/app.ts';
import { createDb } from '../../worker/db/client.ts';
import { meterUsage } from '../../worker/jobs/meter-usage.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { BASE, call, signIn, type ErrorEnvelope } from './helpers.ts';

const db = createDb(env);
const fakeStripe = `${inject('fakeUpstreamUrl')}/stripe/__control`;

type Customer = { id: string; object: string; email: string | null; metadata: Record<string, string> };
type Session = {
  id: string;
  object: string;
  customer: string;
  client_reference_id: string;
  mode: string;
  success_url: string;
  cancel_url: string;
};
type MeterEvent = {
  object: string;
  event_name: string;
  identifier: string;
  payload: Record<string, string>;
  timestamp: number;
};
const control = async <T>(path: string) => (await fetch(`${fakeStripe}${path}`)).json<T>();

const profileOf = async (userId: string) => (await db.select().from(profiles).where(eq(profiles.id, userId)))[0]!;

/** Signs in and checks out once: the user now has a Stripe customer. */
async function customerUser() {
  const user = await signIn();
  const res = await call('/api/billing/checkout', { method: 'POST', token: user.token });
  expect(res.status).toBe(200);
  const customerId = (await profileOf(user.userId)).stripeCustomerId!;
  expect(customerId).toMatch(/^cus_/);
  return { ...user, customerId };
}

/** A webhook delivery as Stripe sends it, signed by the SDK's own test helper. */
async function deliver(
  event: { id?: string; type: string; object: Record<string, unknown> },
  secret = env.STRIPE_WEBHOOK_SECRET,
) {
  const payload = JSON.stringify({
    id: event.id ?? `evt_${crypto.randomUUID().replace(/-/g, '')}`,
    object: 'event',
    api_version: '2026-10-29.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: event.type,
    data: { object: event.object },
  });
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
  return {
    payload,
    res: await call('/api/billing/webhook', {
      method: 'POST',
      body: payload,
      headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
    }),
  };
}

const completedCheckout = (
  userId: string,
  customerId: string,
  subscriptionId = `sub_${crypto.randomUUID().slice(0, 8)}`,
) => ({
  type: 'checkout.session.completed',
  object: {
    id: `cs_test_${crypto.randomUUID().slice(0, 8)}`,
    object: 'checkout.session',
    mode: 'subscription',
    client_reference_id: userId,
    customer: customerId,
    subscription: subscriptionId,
    payment_status: 'paid',
    status: 'complete',
  },
});
const subscriptionEvent = (type: string, customerId: string, status: string, subscriptionId = 'sub_test') => ({
  type,
  object: { id: subscriptionId, object: 'subscription', customer: customerId, status, metadata: {} },
});

describe('checkout and portal', () => {
  it('returns a Checkout URL for the Pro price, creating the Stripe customer once and storing it', async () => {
    const user = await signIn();
    const first = await call('/api/billing/checkout', { method: 'POST', token: user.token });
    expect(first.status).toBe(200);
    expect((await first.json<{ url: string }>()).url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const customerId = (await profileOf(user.userId)).stripeCustomerId;
    const customers = await control<Customer[]>('/customers');
    expect(customers.filter((c) => c.metadata.userId === user.userId)).toEqual([
      expect.objectContaining({ id: customerId, object: 'customer', email: user.email }),
    ]);

    const second = await call('/api/billing/checkout', { method: 'POST', token: user.token });
    expect(second.status).toBe(200);
    const sessions = (await control<Session[]>('/checkout-sessions')).filter(
      (s) => s.client_reference_id === user.userId,
    );
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      expect(session).toMatchObject({ object: 'checkout.session', mode: 'subscription', customer: customerId });
      expect(session.success_url.startsWith(`${BASE}/`)).toBe(true);
      expect(session.cancel_url.startsWith(`${BASE}/`)).toBe(true);
    }
    expect((await control<Customer[]>('/customers')).filter((c) => c.metadata.userId === user.userId)).toHaveLength(1);
  });

  it('opens the Billing Portal for a customer, and answers 409 before there is one', async () => {
    const stranger = await signIn();
    const refused = await call('/api/billing/portal', { method: 'POST', token: stranger.token });
    expect(refused.status).toBe(409);
    expect((await refused.json<ErrorEnvelope>()).error.code).toBe('no_billing_account');

    const user = await customerUser();
    const res = await call('/api/billing/portal', { method: 'POST', token: user.token });
    expect(res.status).toBe(200);
    expect((await res.json<{ url: string }>()).url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
  });

  it("answers 502 with Stripe's own words when Stripe refuses (a customer it does not know)", async () => {
    const user = await customerUser();
    await db
      .update(profiles)
      .set({ stripeCustomerId: `cus_gone_${crypto.randomUUID().slice(0, 8)}` })
      .where(eq(profiles.id, user.userId));
    const res = await call('/api/billing/portal', { method: 'POST', token: user.token });
    expect(res.status).toBe(502);
    const body = await res.json<ErrorEnvelope>();
    expect(body.error.code).toBe('billing_upstream_error');
    expect(body.error.message).toMatch(/No such customer: 'cus_gone_/);
  });

  it('answers 503 billing_not_configured without STRIPE_SECRET_KEY, and 401 without a user', async () => {
    const user = await signIn();
    const res = await worker.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, STRIPE_SECRET_KEY: '' },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('billing_not_configured');
    expect((await call('/api/billing/checkout', { method: 'POST' })).status).toBe(401);
  });
});

describe('webhook', () => {
  it("makes a completed checkout Pro in Postgres and in the user's Limiter at once", async () => {
    const user = await customerUser();
    // The Limiter seeds its tier once a month: seed it as free first, so only setTier can change it.
    expect(await userLimiter(env, user.userId).quota(user.userId)).toMatchObject({
      tier: 'free',
      limit: TIER_LIMITS.free.monthlyTokens,
    });

    const { res } = await deliver(completedCheckout(user.userId, user.customerId, 'sub_pro1'));
    expect(res.status).toBe(200);
    expect(await profileOf(user.userId)).toMatchObject({
      tier: 'pro',
      stripeSubscriptionId: 'sub_pro1',
      subscriptionStatus: 'active',
    });
    expect(await userLimiter(env, user.userId).quota(user.userId)).toMatchObject({
      tier: 'pro',
      limit: TIER_LIMITS.pro.monthlyTokens,
    });
  });

  it('refuses a forged or missing signature with 400 invalid_signature and changes nothing', async () => {
    const user = await customerUser();
    const eventId = `evt_forged_${crypto.randomUUID().slice(0, 8)}`;
    const { res, payload } = await deliver(
      { id: eventId, ...completedCheckout(user.userId, user.customerId) },
      'whsec_not_the_real_secret',
    );
    expect(res.status).toBe(400);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('invalid_signature');
    const unsigned = await call('/api/billing/webhook', { method: 'POST', body: payload });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json<ErrorEnvelope>()).error.code).toBe('invalid_signature');

    expect((await profileOf(user.userId)).tier).toBe('free');
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId))).toHaveLength(0);
    expect((await userLimiter(env, user.userId).quota(user.userId)).tier).toBe('free');
  });

  it('processes a replayed event once: the replay answers 200 and changes nothing', async () => {
    const user = await customerUser();
    const pastDue = {
      id: `evt_${crypto.randomUUID().slice(0, 12)}`,
      ...subscriptionEvent('customer.subscription.updated', user.customerId, 'past_due'),
    };
    expect((await deliver(pastDue)).res.status).toBe(200);
    expect((await profileOf(user.userId)).subscriptionStatus).toBe('past_due');
    expect(
      (await deliver(subscriptionEvent('customer.subscription.updated', user.customerId, 'active'))).res.status,
    ).toBe(200);
    expect((await profileOf(user.userId)).tier).toBe('pro');

    // Stripe retries the first delivery: were it processed again, the user would drop to free.
    const replay = await deliver(pastDue);
    expect(replay.res.status).toBe(200);
    expect(await replay.res.json()).toMatchObject({ outcome: 'replayed' });
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'pro', subscriptionStatus: 'active' });
    const recorded = await db.select().from(stripeEvents).where(eq(stripeEvents.id, pastDue.id));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.processedAt).not.toBeNull();
  });

  it('returns the user to free when the subscription is deleted, in Postgres and the Limiter', async () => {
    const user = await customerUser();
    await deliver(completedCheckout(user.userId, user.customerId, 'sub_gone'));
    expect((await userLimiter(env, user.userId).quota(user.userId)).tier).toBe('pro');

    const { res } = await deliver(
      subscriptionEvent('customer.subscription.deleted', user.customerId, 'canceled', 'sub_gone'),
    );
    expect(res.status).toBe(200);
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', subscriptionStatus: 'canceled' });
    expect(await userLimiter(env, user.userId).quota(user.userId)).toMatchObject({
      tier: 'free',
      limit: TIER_LIMITS.free.monthlyTokens,
    });
  });

  it('keeps Pro when a subscription the user has since replaced is deleted late', async () => {
    const user = await customerUser();
    await deliver(completedCheckout(user.userId, user.customerId, 'sub_new'));
    await deliver(subscriptionEvent('customer.subscription.deleted', user.customerId, 'canceled', 'sub_old'));
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'pro', stripeSubscriptionId: 'sub_new' });
  });

  it('drops to free on a failed renewal and back to Pro when the invoice is paid', async () => {
    const user = await customerUser();
    const invoice = (type: string) => ({
      type,
      object: {
        id: `in_${crypto.randomUUID().slice(0, 8)}`,
        object: 'invoice',
        customer: user.customerId,
        parent: {
          type: 'subscription_details',
          quote_details: null,
          subscription_details: { subscription: 'sub_inv', metadata: {} },
        },
      },
    });
    await deliver(invoice('invoice.payment_failed'));
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', subscriptionStatus: 'past_due' });
    await deliver(invoice('invoice.paid'));
    expect(await profileOf(user.userId)).toMatchObject({
      tier: 'pro',
      subscriptionStatus: 'active',
      stripeSubscriptionId: 'sub_inv',
    });
    expect((await userLimiter(env, user.userId).quota(user.userId)).tier).toBe('pro');
  });
});

type Price = { id: string; recurring: { usage_type: string; meter: string | null } };
type Subscription = {
  id: string;
  customer: string;
  status: string;
  items: { data: Array<{ price: Price; quantity?: number }> };
};

describe('usage billing (issue 17)', () => {
  it("puts the metered price on every Pro subscription, and the monthly job meters that customer's tokens to its meter", async () => {
    const user = await customerUser();
    const [session] = (await control<Session[]>('/checkout-sessions')).filter(
      (s) => s.client_reference_id === user.userId,
    );
    // The customer pays: Stripe creates the subscription from the session's line items.
    const paid = await fetch(`${fakeStripe}/checkout-sessions/${session!.id}/complete`, { method: 'POST' });
    expect(paid.status).toBe(200);
    const completed = await paid.json<Record<string, unknown> & { subscription: string }>();
    const [subscription] = await control<Subscription[]>(`/subscriptions?customer=${user.customerId}`);
    expect(subscription).toMatchObject({ id: completed.subscription, customer: user.customerId, status: 'active' });
    const items = subscription!.items.data;
    expect(items.map((item) => [item.price.id, item.price.recurring.usage_type, item.quantity])).toEqual([
      [env.STRIPE_PRICE_PRO, 'licensed', 1],
      [env.STRIPE_PRICE_USAGE, 'metered', undefined],
    ]);
    const meterId = items[1]!.price.recurring.meter;
    const meters = await control<Array<{ id: string; event_name: string }>>('/meters');
    expect(meters.find((m) => m.id === meterId)?.event_name).toBe(env.STRIPE_METER_EVENT);

    expect((await deliver({ type: 'checkout.session.completed', object: completed })).res.status).toBe(200);
    expect((await profileOf(user.userId)).tier).toBe('pro');

    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 10));
    await db.insert(usageEvents).values({
      id: crypto.randomUUID(),
      userId: user.userId,
      subjectType: 'user',
      subjectId: user.userId,
      model: 'anthropic/claude-haiku-4-5',
      provider: 'anthropic',
      inputTokens: 700,
      outputTokens: 77,
      occurredAt: lastMonth,
    });
    await meterUsage(db, env);
    const sent = await control<MeterEvent[]>(`/meter-events?customer=${user.customerId}`);
    expect(sent.map((e) => [e.event_name, e.payload])).toEqual([
      [env.STRIPE_METER_EVENT, { stripe_customer_id: subscription!.customer, value: '777' }],
    ]);
  });

  it('refuses to sell Pro without the metered price while usage is metered (503 billing_not_configured)', async () => {
    const user = await signIn();
    const res = await app.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, STRIPE_PRICE_USAGE: '' },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('billing_not_configured');
  });
});

describe('monthly meter report', () => {
  it("sends each paying user's last-month tokens once, however often it runs", async () => {
    const user = await customerUser();
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const period = lastMonth.toISOString().slice(0, 7);
    const event = (occurredAt: Date, inputTokens: number, outputTokens: number) => ({
      id: crypto.randomUUID(),
      userId: user.userId,
      subjectType: 'user' as const,
      subjectId: user.userId,
      model: 'anthropic/claude-haiku-4-5',
      provider: 'anthropic',
      inputTokens,
      outputTokens,
      occurredAt,
    });
    await db.insert(usageEvents).values([
      event(lastMonth, 1000, 250),
      event(new Date(lastMonth.getTime() + 86_400_000), 40, 10),
      event(now, 99_999, 1), // this month: next month's report
    ]);

    const first = await meterUsage(db, env);
    expect(first).toMatchObject({ period, failed: 0 });
    expect(first.recorded).toBeGreaterThanOrEqual(1);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    // The second run is the cron itself, through the Worker's scheduled handler.
    await worker.scheduled(createScheduledController({ cron: '30 0 1 * *', scheduledTime: Date.now() }), env);

    const sent = await control<MeterEvent[]>(`/meter-events?customer=${user.customerId}`);
    expect(sent).toEqual([
      expect.objectContaining({
        object: 'billing.meter_event',
        event_name: env.STRIPE_METER_EVENT,
        identifier: `parley:${user.userId}:${period}`,
        payload: { stripe_customer_id: user.customerId, value: '1300' },
      }),
    ]);
    // Not merely deduplicated by the fake: the second run sent no request at all.
    expect(await control<unknown[]>(`/meter-event-requests?customer=${user.customerId}`)).toHaveLength(1);
    const reports = await db
      .select()
      .from(usageReports)
      .where(and(eq(usageReports.userId, user.userId)));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ tokens: 1300, identifier: `parley:${user.userId}:${period}` });
    expect(reports[0]!.reportedAt).not.toBeNull();
  });
});
