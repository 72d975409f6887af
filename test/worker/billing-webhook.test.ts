// Stripe's webhook against the fake Stripe's own subscriptions and events (issue 18). Stripe
// delivers events late, twice and in any order; the plan must end where Stripe's subscription is,
// whatever arrives when. Unusable events are answered 2xx with a reason, and stay unprocessed.
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { invoices, profiles, stripeEvents, tierChanges } from '../../drizzle/schema.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { call, signIn, type ErrorEnvelope } from './helpers.ts';
import {
  changeSubscription,
  control,
  craftedEvent,
  customerUser,
  db,
  deliverEvent,
  deliverPayload,
  eventsOf,
  profileOf,
  type StripeEvent,
  stripeEnv,
  subscribedUser,
} from './stripe-support.ts';

const tierOf = async (userId: string) => ({
  postgres: (await profileOf(userId)).tier,
  limiter: (await userLimiter(env, userId).quota(userId)).tier,
});

/** Delivers each event in turn, expecting 2xx for all. */
async function deliverAll(events: StripeEvent[]) {
  for (const event of events) expect([event.type, (await deliverEvent(event)).status]).toEqual([event.type, 200]);
}

/** A deterministic shuffle (seeded), so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('webhook', () => {
  it("makes a paid checkout Pro in Postgres and in the user's Limiter at once", async () => {
    const user = await subscribedUser();
    // The Limiter seeds its tier once a month: seed it as free first, so only setTier can change it.
    expect(await userLimiter(env, user.userId).quota(user.userId)).toMatchObject({
      tier: 'free',
      limit: TIER_LIMITS.free.monthlyTokens,
    });
    const [completed] = (await eventsOf(user.customerId)).filter((e) => e.type === 'checkout.session.completed');
    expect(await deliverEvent(completed!)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await profileOf(user.userId)).toMatchObject({
      tier: 'pro',
      stripeSubscriptionId: user.subscriptionId,
      subscriptionStatus: 'active',
    });
    expect(await userLimiter(env, user.userId).quota(user.userId)).toMatchObject({
      tier: 'pro',
      limit: TIER_LIMITS.pro.monthlyTokens,
    });
  });

  it('refuses a forged or missing signature with 400 invalid_signature and changes nothing', async () => {
    const user = await subscribedUser();
    const [completed] = (await eventsOf(user.customerId)).filter((e) => e.type === 'checkout.session.completed');
    const payload = JSON.stringify(completed);
    const forged = await deliverPayload(payload, 'whsec_not_the_real_secret');
    expect(forged.status).toBe(400);
    expect((await forged.json<ErrorEnvelope>()).error.code).toBe('invalid_signature');
    const unsigned = await call('/api/billing/webhook', { method: 'POST', body: payload });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json<ErrorEnvelope>()).error.code).toBe('invalid_signature');

    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, completed!.id))).toHaveLength(0);
  });

  it('processes a replayed event once: the replay answers 200 and changes nothing', async () => {
    const user = await subscribedUser();
    const [completed] = (await eventsOf(user.customerId)).filter((e) => e.type === 'checkout.session.completed');
    await deliverEvent(completed!);
    const replay = await deliverEvent(completed!);
    expect(replay).toMatchObject({ status: 200, body: { outcome: 'replayed' } });
    const recorded = await db.select().from(stripeEvents).where(eq(stripeEvents.id, completed!.id));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.processedAt).not.toBeNull();
  });

  it('returns the user to free when the subscription is cancelled, in Postgres and the Limiter', async () => {
    const user = await subscribedUser();
    await deliverAll(await eventsOf(user.customerId));
    expect(await tierOf(user.userId)).toEqual({ postgres: 'pro', limiter: 'pro' });
    await changeSubscription(user.subscriptionId, { status: 'canceled' });
    const [deleted] = (await eventsOf(user.customerId)).filter((e) => e.type === 'customer.subscription.deleted');
    expect((await deliverEvent(deleted!)).status).toBe(200);
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', subscriptionStatus: 'canceled' });
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
  });
});

describe('subscription state follows Stripe, not arrival order (issue 18)', () => {
  it('keeps a cancelled plan cancelled when an older "active" update or paid invoice arrives late', async () => {
    const user = await subscribedUser();
    await changeSubscription(user.subscriptionId, { cancel_at_period_end: true });
    const before = await eventsOf(user.customerId); // created, invoice.paid, checkout completed, updated (active)
    await deliverAll(before);
    expect(await tierOf(user.userId)).toEqual({ postgres: 'pro', limiter: 'pro' });

    await changeSubscription(user.subscriptionId, { status: 'canceled' });
    const deleted = (await eventsOf(user.customerId)).filter((e) => e.type === 'customer.subscription.deleted');
    await deliverAll(deleted);
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });

    // Stripe retries the older events (new ids: a replay would be recognised by id alone).
    for (const late of before.filter((e) => ['customer.subscription.updated', 'invoice.paid'].includes(e.type))) {
      const redelivered = { ...late, id: `${late.id}_late` };
      expect(await deliverEvent(redelivered)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    }
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
    // The operators' view: the invoice paid, kept once though delivered twice, and the two tier changes.
    const [paid] = before.filter((e) => e.type === 'invoice.paid');
    const invoice = paid!.data.object as { id: string; amount_paid: number; currency: string };
    expect(await db.select().from(invoices).where(eq(invoices.customerId, user.customerId))).toEqual([
      {
        id: invoice.id,
        userId: user.userId,
        customerId: user.customerId,
        amountPaid: invoice.amount_paid,
        currency: invoice.currency,
        // The fake leaves out status_transitions, as Stripe may: the event's time stands in.
        paidAt: new Date(paid!.created * 1000),
        createdAt: expect.any(Date),
      },
    ]);
    const changes = await db
      .select({ from: tierChanges.fromTier, to: tierChanges.toTier })
      .from(tierChanges)
      .where(eq(tierChanges.userId, user.userId))
      .orderBy(tierChanges.changedAt);
    expect(changes).toEqual([
      { from: 'free', to: 'pro' },
      { from: 'pro', to: 'free' },
    ]);
  });

  it('leaves the user free when the cancellation arrives before the checkout it follows', async () => {
    const user = await subscribedUser();
    await changeSubscription(user.subscriptionId, { status: 'canceled' });
    const events = await eventsOf(user.customerId);
    const deleted = events.filter((e) => e.type === 'customer.subscription.deleted');
    await deliverAll([...deleted, ...events.filter((e) => e.type === 'checkout.session.completed')]);
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', subscriptionStatus: 'canceled' });
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
  });

  it.each([
    ['cancelled in the end', true, 'free'],
    ['still paying in the end', false, 'pro'],
  ])('converges to Stripe whatever the order and duplicates of a whole life: %s', async (_name, cancel, tier) => {
    const user = await subscribedUser();
    await control(`/subscriptions/${user.subscriptionId}/renew?paid=false`, { method: 'POST' }); // past_due
    await control(`/subscriptions/${user.subscriptionId}/renew?paid=true`, { method: 'POST' }); // active again
    await changeSubscription(user.subscriptionId, { cancel_at_period_end: true });
    await changeSubscription(user.subscriptionId, { cancel_at_period_end: false });
    if (cancel) await changeSubscription(user.subscriptionId, { status: 'canceled' });
    const events = await eventsOf(user.customerId);
    for (const seed of [1, 2, 3]) {
      const order = shuffled([...events, ...events.slice(0, 3)], seed * 7919);
      await deliverAll(order.map((e, i) => ({ ...e, id: `${e.id}_${seed}_${i}` })));
      expect([seed, await tierOf(user.userId)]).toEqual([seed, { postgres: tier, limiter: tier }]);
    }
  });

  it('keeps Pro while a renewal is past due and Stripe retries; free once Stripe gives up (unpaid)', async () => {
    const user = await subscribedUser();
    await deliverAll(await eventsOf(user.customerId));
    await control(`/subscriptions/${user.subscriptionId}/renew?paid=false`, { method: 'POST' });
    const failed = (await eventsOf(user.customerId)).filter((e) => e.type === 'invoice.payment_failed');
    await deliverAll(failed);
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'pro', subscriptionStatus: 'past_due' });

    await changeSubscription(user.subscriptionId, { status: 'unpaid' });
    await deliverAll((await eventsOf(user.customerId)).slice(-1));
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', subscriptionStatus: 'unpaid' });
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });

    await control(`/subscriptions/${user.subscriptionId}/renew?paid=true`, { method: 'POST' });
    await deliverAll((await eventsOf(user.customerId)).slice(-2));
    expect(await tierOf(user.userId)).toEqual({ postgres: 'pro', limiter: 'pro' });
  });

  it('is free once the plan is changed to a price other than Pro', async () => {
    const user = await subscribedUser();
    await deliverAll(await eventsOf(user.customerId));
    await changeSubscription(user.subscriptionId, { price: 'price_offline_pro' });
    await deliverAll((await eventsOf(user.customerId)).slice(-1));
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
  });

  it('keeps Pro when a subscription the user has since replaced is cancelled late', async () => {
    const user = await subscribedUser();
    const first = user.subscriptionId;
    await changeSubscription(first, { status: 'canceled' });
    const firstLife = await eventsOf(user.customerId);
    // A second subscription, bought after the first ended.
    await call('/api/billing/checkout', { method: 'POST', token: user.token });
    const sessions =
      await control<Array<{ id: string; client_reference_id: string; status: string }>>('/checkout-sessions');
    const open = sessions.find((s) => s.client_reference_id === user.userId && s.status === 'open')!;
    const second = (
      await control<{ subscription: string }>(`/checkout-sessions/${open.id}/complete`, { method: 'POST' })
    ).subscription;
    const secondLife = (await eventsOf(user.customerId)).slice(firstLife.length);
    await deliverAll(secondLife);
    await deliverAll(firstLife);
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'pro', stripeSubscriptionId: second });
  });

  it('drops to free and forgets the customer when it is deleted in Stripe; the next checkout makes a new one', async () => {
    const user = await subscribedUser();
    await deliverAll(await eventsOf(user.customerId));
    await control(`/customers/${user.customerId}`, { method: 'DELETE' });
    await deliverAll(await eventsOf(user.customerId));
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', stripeCustomerId: null });
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
    const again = await call('/api/billing/checkout', { method: 'POST', token: user.token });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ destination: 'checkout' });
    expect((await profileOf(user.userId)).stripeCustomerId).toMatch(/^cus_/);
  });
});

describe('a customer deleted in Stripe stays forgotten', () => {
  it('does not link the deleted customer again when an older subscription event arrives late', async () => {
    const user = await subscribedUser();
    const before = await eventsOf(user.customerId);
    await deliverAll(before);
    await control(`/customers/${user.customerId}`, { method: 'DELETE' });
    await deliverAll((await eventsOf(user.customerId)).slice(before.length));
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', stripeCustomerId: null });

    // Stripe retries an event from before the deletion (a new id): the subscription it names is over.
    const late = before.find(
      (e) => e.type === 'customer.subscription.updated' || e.type === 'customer.subscription.created',
    )!;
    expect(await deliverEvent({ ...late, id: `${late.id}_late` })).toMatchObject({ status: 200 });
    expect(await profileOf(user.userId)).toMatchObject({ tier: 'free', stripeCustomerId: null });
    expect(await tierOf(user.userId)).toEqual({ postgres: 'free', limiter: 'free' });
  });
});

describe('checkout for a user already subscribed (issue 18)', () => {
  it('sends them to the Billing Portal, not to a second Checkout', async () => {
    const user = await subscribedUser();
    await deliverAll(await eventsOf(user.customerId));
    const sessionsBefore = (await control<unknown[]>('/checkout-sessions')).length;
    const res = await call('/api/billing/checkout', { method: 'POST', token: user.token });
    expect(res.status).toBe(200);
    const body = await res.json<{ url: string; destination: string }>();
    expect(body).toMatchObject({ destination: 'portal' });
    expect(body.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect((await control<unknown[]>('/checkout-sessions')).length).toBe(sessionsBefore);
  });
});

describe('billing only with a session (issue 18)', () => {
  it('refuses an API key on checkout, the portal and the dev routes that act as the user (403)', async () => {
    const user = await customerUser();
    const created = await call('/api/keys', {
      method: 'POST',
      token: user.token,
      body: JSON.stringify({ name: 'ci' }),
    });
    const { key } = await created.json<{ key: string }>();
    for (const path of ['/api/billing/checkout', '/api/billing/portal', '/api/dev/crash']) {
      const res = await call(path, { method: 'POST', token: key });
      expect([path, res.status, (await res.json<ErrorEnvelope>()).error.code]).toEqual([path, 403, 'forbidden']);
    }
  });
});

describe('signed events Parley cannot use (issue 18)', () => {
  /** A subscription Stripe holds for a customer Parley never made: a Payment Link's, say. */
  async function strangersSubscription() {
    const stripeApi = (path: string, form: Record<string, string>) =>
      fetch(`${stripeEnv.STRIPE_API_BASE}/v1/${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stripeEnv.STRIPE_SECRET_KEY}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(form),
      }).then((r) => r.json<{ id: string }>());
    const customer = await stripeApi('customers', { email: 'stranger@example.com' });
    const session = await stripeApi('checkout/sessions', {
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'payment-link-42',
      'line_items[0][price]': stripeEnv.STRIPE_PRICE_PRO,
      'line_items[0][quantity]': '1',
      success_url: 'https://example.com/ok',
    });
    await control(`/checkout-sessions/${session.id}/complete`, { method: 'POST' });
    return eventsOf(customer.id);
  }

  it.each([
    ['data: null', () => craftedEvent('checkout.session.completed', null), /no object/],
    [
      'a checkout for a subscription Stripe does not know',
      () =>
        craftedEvent('checkout.session.completed', {
          id: 'cs_test_x',
          object: 'checkout.session',
          mode: 'subscription',
          subscription: 'sub_unknown',
          client_reference_id: crypto.randomUUID(),
        }),
      /does not know subscription sub_unknown/,
    ],
    [
      'an event type Parley does not use',
      () => craftedEvent('charge.refunded', { id: 'ch_1', object: 'charge' }),
      /changes nothing/,
    ],
  ])('answers 200, logs its id and why, and leaves it unprocessed: %s', async (_what, make, reason) => {
    const payload = make();
    const id = JSON.parse(payload).id as string;
    const lines: string[] = [];
    // A warning: written to console.warn (worker/log.ts).
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.push(String(line)));
    const res = await deliverPayload(payload);
    warn.mockRestore();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(reason) });
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.eventId === id);
    expect(logged).toMatchObject({ level: 'warn', outcome: 'ignored', reason: expect.stringMatching(reason) });
    const [row] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, id));
    expect(row?.processedAt ?? null).toBeNull();
  });

  it("answers 200 for a Payment Link's checkout (a client_reference_id that is no user), and drops nobody's plan", async () => {
    const bystander = await signIn();
    for (const event of await strangersSubscription()) {
      const res = await deliverEvent(event);
      expect([event.type, res.status]).toEqual([event.type, 200]);
      if (event.type === 'checkout.session.completed')
        expect(res.body).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/no Parley user/) });
    }
    const [profile] = await db.select().from(profiles).where(eq(profiles.id, bystander.userId));
    expect(profile?.tier ?? 'free').toBe('free');
  });
});
