// Stripe billing inside workerd, through Stripe's own client code against the fake Stripe
// (scripts/fake-stripe/): checkout, portal, usage billing and the monthly meter-event report
// (issue 7). The webhook's suite is billing-webhook.test.ts.
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { profiles, usageEvents, usageReports } from '../../drizzle/schema.ts';
import worker from '../../worker/index.ts';
import { app } from '../../worker/app.ts';
import billingWorker, { Billing } from '../../billing/index.ts';
import { meterUsage } from '../../billing/meter-usage.ts';
import { BASE, call, signIn, type ErrorEnvelope } from './helpers.ts';
import {
  billingEnv,
  billingWith,
  control,
  customerUser,
  db,
  deliverEvent,
  eventsOf,
  fakeStripe,
  profileOf,
  stripeEnv,
  type Subscription,
} from './stripe-support.ts';

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

  it('makes the customer again when Stripe no longer knows it, instead of failing from then on (issue 18)', async () => {
    const user = await customerUser();
    const lost = `cus_gone_${crypto.randomUUID().slice(0, 8)}`;
    await db.update(profiles).set({ stripeCustomerId: lost }).where(eq(profiles.id, user.userId));
    const portal = await call('/api/billing/portal', { method: 'POST', token: user.token });
    expect(portal.status).toBe(200);
    const replacement = (await profileOf(user.userId)).stripeCustomerId!;
    expect(replacement).toMatch(/^cus_/);
    expect([replacement === lost, replacement === user.customerId]).toEqual([false, false]);
    expect((await control<Customer[]>('/customers')).map((c) => c.id)).toContain(replacement);
    // Recorded: the next call uses it and makes no other.
    expect((await call('/api/billing/checkout', { method: 'POST', token: user.token })).status).toBe(200);
    expect((await profileOf(user.userId)).stripeCustomerId).toBe(replacement);
  });

  it("answers 502 with Stripe's own words when Stripe refuses (a price it does not know), keeping the customer", async () => {
    const user = await customerUser();
    const res = await worker.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, BILLING: billingWith({ STRIPE_PRICE_PRO: 'price_nope' }) },
      createExecutionContext(),
    );
    expect(res.status).toBe(502);
    const body = await res.json<ErrorEnvelope>();
    expect(body.error.code).toBe('billing_upstream_error');
    expect(body.error.message).toMatch(/No such price: 'price_nope'/);
    // The missing object was the price: the customer is still the one Stripe knows.
    expect((await profileOf(user.userId)).stripeCustomerId).toBe(user.customerId);
  });

  it('answers 503 billing_not_configured without STRIPE_SECRET_KEY, and 401 without a user', async () => {
    const user = await signIn();
    const res = await worker.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, BILLING: billingWith({ STRIPE_SECRET_KEY: '' }) },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('billing_not_configured');
    expect((await call('/api/billing/checkout', { method: 'POST' })).status).toBe(401);
  });

  it('answers 503 database_unavailable, not a 500, when the billing Worker cannot reach Postgres', async () => {
    const user = await signIn();
    // The billing Worker on a database that refuses connections (port 9), over HTTP whatever the project's transport.
    const { HYPERDRIVE: _, ...rest } = billingEnv() as BillingEnv & { HYPERDRIVE?: unknown };
    const away = new Billing(createExecutionContext(), { ...rest, DATABASE_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' });
    const res = await worker.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, BILLING: away as unknown as Env['BILLING'] },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('database_unavailable');
  });
});

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
      [stripeEnv.STRIPE_PRICE_PRO, 'licensed', 1],
      [stripeEnv.STRIPE_PRICE_USAGE, 'metered', undefined],
    ]);
    const meterId = items[1]!.price.recurring.meter;
    const meters = await control<Array<{ id: string; event_name: string }>>('/meters');
    expect(meters.find((m) => m.id === meterId)?.event_name).toBe(stripeEnv.STRIPE_METER_EVENT);

    const [checkoutCompleted] = (await eventsOf(user.customerId)).filter(
      (e) => e.type === 'checkout.session.completed',
    );
    expect((await deliverEvent(checkoutCompleted!)).status).toBe(200);
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
    await meterUsage(db, billingEnv());
    const sent = await control<MeterEvent[]>(`/meter-events?customer=${user.customerId}`);
    expect(sent.map((e) => [e.event_name, e.payload])).toEqual([
      [stripeEnv.STRIPE_METER_EVENT, { stripe_customer_id: subscription!.customer, value: '777' }],
    ]);
  });

  it('refuses to sell Pro without the metered price while usage is metered (503 billing_not_configured)', async () => {
    const user = await signIn();
    const res = await app.fetch(
      new Request(`${BASE}/api/billing/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}` },
      }),
      { ...env, BILLING: billingWith({ STRIPE_PRICE_USAGE: '' }) },
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

    const first = await meterUsage(db, billingEnv());
    expect(first).toMatchObject({ period, failed: 0 });
    expect(first.recorded).toBeGreaterThanOrEqual(1);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    // The second run is the cron itself, through the billing Worker's scheduled handler.
    await billingWorker.scheduled(
      createScheduledController({ cron: '30 0 1 * *', scheduledTime: Date.now() }),
      billingEnv(),
    );

    const sent = await control<MeterEvent[]>(`/meter-events?customer=${user.customerId}`);
    expect(sent).toEqual([
      expect.objectContaining({
        object: 'billing.meter_event',
        event_name: stripeEnv.STRIPE_METER_EVENT,
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
