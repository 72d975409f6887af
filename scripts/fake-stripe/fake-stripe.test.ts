// The fake Stripe is only useful if the official SDK cannot tell it from Stripe: every check here
// goes through the full `stripe` client (its own request sender, encoding and error classes).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstreams, type FakeUpstreams } from '../fake-upstreams.ts';
import { FakeStripe } from './server.ts';

let fakes: FakeUpstreams;
let stripe: Stripe;

/** The SDK takes no base path: put the fake's `/stripe` mount in front of each request. */
const client = (key: string) =>
  new Stripe(key, {
    host: '127.0.0.1',
    port: Number(new URL(fakes.url).port),
    protocol: 'http',
    maxNetworkRetries: 0,
    httpClient: Stripe.createFetchHttpClient((input, init) => {
      const url = new URL(String(input));
      url.pathname = `/stripe${url.pathname}`;
      return fetch(url, init);
    }),
  });

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  stripe = client('sk_test_fake');
});
afterAll(() => fakes?.close());

describe('fake Stripe through the official SDK', () => {
  it('retrieves a price of its catalogue, and refuses one it does not have as Stripe does', async () => {
    const price = await stripe.prices.retrieve('price_test_pro');
    expect(price).toMatchObject({
      object: 'price',
      id: 'price_test_pro',
      currency: 'usd',
      unit_amount: 2000,
      recurring: { interval: 'month', usage_type: 'licensed' },
    });
    const refused = await stripe.prices.retrieve('price_nope').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({ code: 'resource_missing', statusCode: 404 });
  });

  it("creates a customer, a subscription Checkout Session and a Billing Portal session in Stripe's shapes", async () => {
    const customer = await stripe.customers.create({ email: 'a@example.com', metadata: { userId: 'u1' } });
    expect(customer).toMatchObject({
      object: 'customer',
      email: 'a@example.com',
      metadata: { userId: 'u1' },
      livemode: false,
    });
    expect(customer.id).toMatch(/^cus_/);

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'u1',
      line_items: [{ price: 'price_test_pro', quantity: 1 }, { price: 'price_test_tokens' }],
      success_url: 'http://localhost/ok',
      cancel_url: 'http://localhost/no',
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'u1',
      status: 'open',
      success_url: 'http://localhost/ok',
    });
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);

    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://localhost/',
    });
    expect(portal).toMatchObject({
      object: 'billing_portal.session',
      customer: customer.id,
      return_url: 'http://localhost/',
    });
  });

  it('refuses line items as Stripe does: an unknown price, a quantity on a metered price, none on a licensed one', async () => {
    const customer = await stripe.customers.create({ metadata: {} });
    const attempt = (line_items: Array<{ price: string; quantity?: number }>) =>
      stripe.checkout.sessions
        .create({ mode: 'subscription', customer: customer.id, line_items, success_url: 'http://localhost/ok' })
        .catch((e: unknown) => e);
    expect(await attempt([{ price: 'price_nope', quantity: 1 }])).toMatchObject({
      code: 'resource_missing',
      param: 'line_items[0][price]',
    });
    expect(
      await attempt([
        { price: 'price_test_pro', quantity: 1 },
        { price: 'price_test_tokens', quantity: 1 },
      ]),
    ).toMatchObject({
      statusCode: 400,
      param: 'line_items[1][quantity]',
    });
    expect(await attempt([{ price: 'price_test_pro' }])).toMatchObject({ code: 'parameter_missing' });
  });

  it('retrieves the subscription a paid Checkout Session created, with an item per line item', async () => {
    const customer = await stripe.customers.create({ metadata: {} });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_test_pro', quantity: 1 }, { price: 'price_test_tokens' }],
      subscription_data: { metadata: { userId: 'u2' } },
      success_url: 'http://localhost/ok',
    });
    const paid = await fetch(`${fakes.url}/stripe/__control/checkout-sessions/${session.id}/complete`, {
      method: 'POST',
    });
    const { subscription: id } = (await paid.json()) as { subscription: string };
    const subscription = await stripe.subscriptions.retrieve(id);
    expect(subscription).toMatchObject({ object: 'subscription', customer: customer.id, status: 'active' });
    expect(subscription.metadata).toEqual({ userId: 'u2' });
    expect(subscription.items.data.map((item) => [item.price.id, item.price.recurring?.usage_type])).toEqual([
      ['price_test_pro', 'licensed'],
      ['price_test_tokens', 'metered'],
    ]);
    const missing = await stripe.subscriptions.retrieve('sub_nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'resource_missing', statusCode: 404 });
  });

  it("answers with Stripe's error envelope, which the SDK raises as its own error classes", async () => {
    const missing = await stripe.billingPortal.sessions.create({ customer: 'cus_nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      param: 'customer',
      statusCode: 400,
    });

    const badKey = await client('not-a-key')
      .customers.create({})
      .catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((badKey as Error).message).toContain('Invalid API Key provided');
  });

  it('replays a request sent again with the same Idempotency-Key', async () => {
    const first = await stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'same-key' });
    const again = await stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'same-key' });
    expect(again.id).toBe(first.id);
  });

  it('records a meter event once per identifier and shows every request on /__control', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 3600;
    const params = {
      event_name: 'parley_tokens',
      payload: { stripe_customer_id: 'cus_meter', value: '1300' },
      identifier: 'parley:u:2026-10',
      timestamp,
    };
    const event = await stripe.billing.meterEvents.create(params);
    expect(event).toEqual({
      object: 'billing.meter_event',
      created: expect.any(Number),
      event_name: 'parley_tokens',
      identifier: 'parley:u:2026-10',
      livemode: false,
      payload: params.payload,
      timestamp,
    });
    await stripe.billing.meterEvents.create(params);

    const control = `${fakes.url}/stripe/__control`;
    expect(await (await fetch(`${control}/meter-events?customer=cus_meter`)).json()).toHaveLength(1);
    expect(await (await fetch(`${control}/meter-event-requests?customer=cus_meter`)).json()).toMatchObject([
      { duplicate: false },
      { duplicate: true },
    ]);

    const stale = await stripe.billing.meterEvents
      .create({ ...params, identifier: 'old', timestamp: timestamp - 40 * 86_400 })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ type: 'StripeInvalidRequestError', param: 'timestamp' });
  });
});

describe('fake Stripe state across restarts (issue 18)', () => {
  it('keeps its customers, subscriptions and events in its state file, as Stripe keeps them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fake-stripe-'));
    const file = join(dir, 'nested', 'fake-stripe.json');
    const serve = async (fake: FakeStripe) => {
      const server = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        void fake.handle(req, res, url.pathname, url.searchParams);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    const post = (base: string, path: string, form: Record<string, string>) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_x', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      }).then((r) => r.json() as Promise<{ id: string; subscription?: string }>);

    const first = new FakeStripe();
    first.persistTo(file);
    const running = await serve(first);
    const customer = await post(running.base, '/v1/customers', { email: 'a@example.com' });
    const session = await post(running.base, '/v1/checkout/sessions', {
      mode: 'subscription',
      customer: customer.id,
      'line_items[0][price]': 'price_test_pro',
      'line_items[0][quantity]': '1',
      success_url: 'http://localhost/ok',
    });
    const paid = await fetch(`${running.base}/__control/checkout-sessions/${session.id}/complete`, { method: 'POST' });
    const { subscription } = (await paid.json()) as { subscription: string };
    running.server.close();

    const restarted = new FakeStripe();
    restarted.persistTo(file);
    expect(restarted.customers.get(customer.id)).toMatchObject({ email: 'a@example.com' });
    expect(restarted.subscriptions.get(subscription)).toMatchObject({ customer: customer.id, status: 'active' });
    expect(restarted.events.map((e) => e.type)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.paid',
      'checkout.session.completed',
    ]);
    const again = await serve(restarted);
    const portal = await post(again.base, '/v1/billing_portal/sessions', { customer: customer.id });
    expect(portal.id).toMatch(/^bps_/);
    again.server.close();
    await rm(dir, { recursive: true, force: true });
  });
});
