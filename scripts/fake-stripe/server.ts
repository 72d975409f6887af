// A fake Stripe for the endpoints Parley calls, on Stripe's wire protocol: form-encoded POSTs
// under /v1 with `Authorization: Bearer sk_…`, JSON objects back, Stripe's error envelope, and
// `Idempotency-Key` replays. Its catalogue (catalogue.ts) holds the prices Checkout may sell.
// What happens on the account makes Events as Stripe makes them (the object as it was then), kept
// for a test to deliver late, twice or out of order (GET /__control/events); GET
// /v1/subscriptions/:id always answers the subscription as it is now. Control routes play what
// Stripe's side does: a customer paying for a Checkout Session, a renewal paid or failed, a
// subscription changed or cancelled, a customer deleted. With `persistTo(file)` the account
// survives restarts, as the rest of the local stack's state does.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../fake-upstreams/http.ts';
import { dict, parseForm, str, type Form } from './form.ts';
import { meter, prices } from './catalogue.ts';
import {
  checkoutSession,
  customer,
  deletedCustomer,
  event,
  invoice,
  meterEvent,
  portalSession,
  stripeError,
  subscription,
  unixNow,
} from './objects.ts';

type Reply = { status: number; body: unknown };
type Customer = ReturnType<typeof customer>;
type MeterEvent = ReturnType<typeof meterEvent>;
type Session = ReturnType<typeof checkoutSession>;
type Subscription = ReturnType<typeof subscription>;
type LineItem = { price: string; quantity?: number };
type StripeEvent = ReturnType<typeof event>;
type Order = { lineItems: LineItem[]; subscriptionMetadata: Record<string, string> };

/** The API version events are rendered in: the one the `stripe` package Parley pins speaks. */
const API_VERSION = '2026-10-28.endive';
/** A subscription change a test asks for: what Stripe's Dashboard, the portal or dunning would do. */
type SubscriptionChange = { status?: string; cancel_at_period_end?: boolean; price?: string };

const METER_EVENT_MAX_AGE_S = 35 * 24 * 3600;

export class FakeStripe {
  readonly customers = new Map<string, Customer>();
  readonly checkoutSessions: Session[] = [];
  readonly subscriptions = new Map<string, Subscription>();
  /** What each session sells and puts on its subscription (Stripe returns line_items only when expanded). */
  readonly #sessionOrders = new Map<string, Order>();
  /** Every event the account made, oldest first. */
  readonly events: StripeEvent[] = [];
  #stateFile: string | undefined;
  readonly meterEvents = new Map<string, MeterEvent>();
  /** Every meter event request that passed validation, duplicates included: how tests see a resend. */
  readonly meterEventRequests: { identifier: string; payload: Record<string, string>; duplicate: boolean }[] = [];
  readonly #idempotent = new Map<string, Reply>();

  /** Keeps the account in `file`: loads it now if it exists, and writes it after every change. */
  persistTo(file: string): void {
    this.#stateFile = file;
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    for (const c of saved.customers ?? []) this.customers.set(c.id, c);
    for (const s of saved.subscriptions ?? []) this.subscriptions.set(s.id, s);
    for (const e of saved.meterEvents ?? []) this.meterEvents.set(e.identifier, e);
    for (const [id, order] of saved.sessionOrders ?? []) this.#sessionOrders.set(id, order);
    this.checkoutSessions.push(...(saved.checkoutSessions ?? []));
    this.events.push(...(saved.events ?? []));
  }

  #save(): void {
    if (!this.#stateFile) return;
    writeFileSync(
      this.#stateFile,
      JSON.stringify({
        customers: [...this.customers.values()],
        subscriptions: [...this.subscriptions.values()],
        meterEvents: [...this.meterEvents.values()],
        sessionOrders: [...this.#sessionOrders],
        checkoutSessions: this.checkoutSessions,
        events: this.events,
      }),
    );
  }

  #emit(type: string, object: unknown): void {
    this.events.push(event(type, object, API_VERSION));
  }

  /** Serves one request; `path` is what follows the mount prefix (`/v1/customers`, `/__control/meter-events`). */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    if (path.startsWith('/__control/')) {
      const body = method === 'POST' ? await readBody(req) : '';
      this.#control(method, path, query, body ? JSON.parse(body) : {}, res);
      // Only what changes the account is written; the control reads are not.
      if (method !== 'GET') this.#save();
      return;
    }

    const auth = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!auth) {
      return sendJson(
        res,
        401,
        stripeError(
          'invalid_request_error',
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
      );
    }
    if (!/^(sk|rk)_(test|live)_/.test(auth)) {
      return sendJson(
        res,
        401,
        stripeError(
          'invalid_request_error',
          `Invalid API Key provided: ${auth.slice(0, 8)}${'*'.repeat(Math.max(0, auth.length - 12))}${auth.slice(-4)}`,
          { code: 'api_key_invalid' },
        ),
      );
    }

    const form = parseForm(method === 'POST' ? await readBody(req) : query.toString());
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const replayKey = typeof key === 'string' ? `${auth}:${key}` : undefined;
    const replay = replayKey ? this.#idempotent.get(replayKey) : undefined;
    if (replay)
      return sendJson(res, replay.status, replay.body, { 'idempotent-replayed': 'true', 'request-id': requestId() });

    const reply = this.#route(method, path, form);
    // Stripe keeps the result of a request by its key, errors from validation excepted.
    if (replayKey && reply.status < 500) this.#idempotent.set(replayKey, reply);
    if (method === 'POST') this.#save();
    sendJson(res, reply.status, reply.body, { 'request-id': requestId() });
  }

  #route(method: string, path: string, form: Form): Reply {
    const route = `${method} ${path}`;
    if (route === 'POST /v1/customers') {
      const created = customer({
        email: str(form, 'email'),
        name: str(form, 'name'),
        metadata: dict(form, 'metadata'),
      });
      this.customers.set(created.id, created);
      this.#emit('customer.created', created);
      return { status: 200, body: created };
    }
    if (route === 'POST /v1/checkout/sessions') return this.#createCheckout(form);
    if (route === 'POST /v1/billing_portal/sessions') {
      const id = str(form, 'customer');
      if (!id) return missing('customer');
      if (!this.customers.has(id)) return noSuch('customer', id, 'customer');
      return { status: 200, body: portalSession({ customer: id, returnUrl: str(form, 'return_url') ?? null }) };
    }
    if (route === 'POST /v1/billing/meter_events') return this.#createMeterEvent(form);
    const subscriptionId = path.match(/^\/v1\/subscriptions\/([^/]+)$/)?.[1];
    if (method === 'GET' && subscriptionId) {
      const found = this.subscriptions.get(subscriptionId);
      return found ? { status: 200, body: found } : { ...noSuch('subscription', subscriptionId, 'id'), status: 404 };
    }
    // Retrieve a price: what the Billing page reads Pro's price from.
    const priceId = path.match(/^\/v1\/prices\/([^/]+)$/)?.[1];
    if (method === 'GET' && priceId) {
      const found = prices.get(priceId);
      return found ? { status: 200, body: found } : { ...noSuch('price', priceId, 'id'), status: 404 };
    }
    return {
      status: 404,
      body: stripeError(
        'invalid_request_error',
        `Unrecognized request URL (${method}: ${path}). The fake Stripe serves POST /v1/customers, /v1/checkout/sessions, /v1/billing_portal/sessions, /v1/billing/meter_events and GET /v1/subscriptions/:id, /v1/prices/:id.`,
      ),
    };
  }

  #createCheckout(form: Form): Reply {
    const mode = str(form, 'mode');
    if (!mode) return missing('mode');
    if (!['payment', 'setup', 'subscription'].includes(mode))
      return invalid('mode', `Invalid mode: must be one of payment, setup, or subscription`);
    const customerId = str(form, 'customer') ?? null;
    if (customerId && !this.customers.has(customerId)) return noSuch('customer', customerId, 'customer');
    const lineItems = lineItemsOf(form);
    if (mode !== 'setup' && lineItems.length === 0) return missing('line_items');
    for (const [i, item] of lineItems.entries()) {
      const refusal = refuseLineItem(item, i);
      if (refusal) return refusal;
    }
    if (!str(form, 'success_url') && str(form, 'ui_mode') !== 'embedded') return missing('success_url');
    const session = checkoutSession({
      mode,
      customer: customerId,
      customerEmail: str(form, 'customer_email') ?? null,
      clientReferenceId: str(form, 'client_reference_id') ?? null,
      successUrl: str(form, 'success_url') ?? null,
      cancelUrl: str(form, 'cancel_url') ?? null,
      metadata: dict(form, 'metadata'),
    });
    this.checkoutSessions.push(session);
    const subscriptionData = form.subscription_data;
    this.#sessionOrders.set(session.id, {
      lineItems: lineItems.map((item) => ({ price: str(item, 'price')!, quantity: quantityOf(item) })),
      subscriptionMetadata:
        subscriptionData && typeof subscriptionData === 'object' && !Array.isArray(subscriptionData)
          ? dict(subscriptionData, 'metadata')
          : {},
    });
    return { status: 200, body: session };
  }

  /** The customer pays: the session completes and its subscription is created with an item per line item. */
  #completeCheckout(sessionId: string): Reply {
    const session = this.checkoutSessions.find((s) => s.id === sessionId);
    const order = this.#sessionOrders.get(sessionId);
    if (!session || !order) return { ...noSuch('checkout.session', sessionId, 'id'), status: 404 };
    if (session.status !== 'open' || !session.customer)
      return invalid('id', `Checkout Session ${sessionId} is ${session.status}, or has no customer`);
    const created = subscription({
      customer: session.customer,
      items: order.lineItems.map((item) => ({ price: prices.get(item.price)!, quantity: item.quantity })),
      metadata: order.subscriptionMetadata,
    });
    this.subscriptions.set(created.id, created);
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: created.id });
    // In the order Stripe makes them; it delivers them in any order.
    this.#emit('customer.subscription.created', created);
    this.#emit('invoice.paid', this.#invoiceFor(created, true));
    this.#emit('checkout.session.completed', session);
    return { status: 200, body: session };
  }

  #invoiceFor(sub: Subscription, paid: boolean) {
    return invoice({ customer: sub.customer, subscription: sub.id, paid, metadata: sub.metadata });
  }

  /** A renewal: paid keeps the subscription active; failed makes it past_due, as Stripe's dunning does first. */
  #renew(id: string, paid: boolean): Reply {
    const sub = this.subscriptions.get(id);
    if (!sub) return { ...noSuch('subscription', id, 'id'), status: 404 };
    this.#emit(paid ? 'invoice.paid' : 'invoice.payment_failed', this.#invoiceFor(sub, paid));
    const status = paid ? 'active' : 'past_due';
    if (sub.status !== status && sub.status !== 'canceled') this.#changeSubscription(sub, { status });
    return { status: 200, body: sub };
  }

  /** A change made on Stripe's side; `status: 'canceled'` ends the subscription (customer.subscription.deleted). */
  #changeSubscription(sub: Subscription, change: SubscriptionChange): Reply {
    if (sub.status === 'canceled') return invalid('id', `Subscription ${sub.id} is canceled and cannot be changed`);
    if (change.price) {
      const price = prices.get(change.price);
      if (!price) return noSuch('price', change.price, 'price');
      sub.items.data[0]!.price = price;
    }
    if (change.cancel_at_period_end !== undefined) {
      sub.cancel_at_period_end = change.cancel_at_period_end;
      (sub as { cancel_at: number | null }).cancel_at = change.cancel_at_period_end
        ? sub.items.data[0]!.current_period_end
        : null;
    }
    if (change.status) (sub as { status: string }).status = change.status;
    if (sub.status === 'canceled') {
      const now = unixNow();
      Object.assign(sub, { canceled_at: now, ended_at: now });
      this.#emit('customer.subscription.deleted', sub);
    } else this.#emit('customer.subscription.updated', sub);
    return { status: 200, body: sub };
  }

  /** Deleting a customer cancels their subscriptions at once, then the customer is gone. */
  #deleteCustomer(id: string): Reply {
    const gone = this.customers.get(id);
    if (!gone) return { ...noSuch('customer', id, 'id'), status: 404 };
    for (const sub of this.subscriptions.values())
      if (sub.customer === id && sub.status !== 'canceled') this.#changeSubscription(sub, { status: 'canceled' });
    this.customers.delete(id);
    // The event carries the customer as it was; retrieving it now answers the deleted stub.
    this.#emit('customer.deleted', gone);
    return { status: 200, body: deletedCustomer(id) };
  }

  #createMeterEvent(form: Form): Reply {
    const eventName = str(form, 'event_name');
    if (!eventName) return missing('event_name');
    const payload = dict(form, 'payload');
    if (!payload.stripe_customer_id) return invalid('payload', 'Missing required param: payload[stripe_customer_id].');
    if (payload.value === undefined || !Number.isFinite(Number(payload.value)))
      return invalid('payload', 'Missing or non-numeric param: payload[value].');
    const now = unixNow();
    const timestamp = str(form, 'timestamp') ? Number(str(form, 'timestamp')) : now;
    if (timestamp < now - METER_EVENT_MAX_AGE_S || timestamp > now + 300) {
      return invalid(
        'timestamp',
        'Timestamp must be within the past 35 calendar days and no more than 5 minutes in the future.',
      );
    }
    const identifier = str(form, 'identifier') ?? crypto.randomUUID();
    // Stripe enforces unique identifiers: a resend is not counted again.
    const existing = this.meterEvents.get(identifier);
    this.meterEventRequests.push({ identifier, payload, duplicate: existing !== undefined });
    if (existing) return { status: 200, body: existing };
    const event = meterEvent({ eventName, identifier, payload, timestamp });
    this.meterEvents.set(identifier, event);
    return { status: 200, body: event };
  }

  #control(method: string, path: string, query: URLSearchParams, body: SubscriptionChange, res: ServerResponse): void {
    const route = `${method} ${path}`;
    const send = (reply: Reply) => sendJson(res, reply.status, reply.body);
    if (route === 'GET /__control/events') {
      const customerId = query.get('customer');
      sendJson(res, 200, customerId ? this.events.filter((e) => eventCustomer(e) === customerId) : this.events);
      return;
    }
    const renewal = route.match(/^POST \/__control\/subscriptions\/([^/]+)\/renew$/)?.[1];
    if (renewal) {
      send(this.#renew(renewal, query.get('paid') !== 'false'));
      return;
    }
    const changing = route.match(/^POST \/__control\/subscriptions\/([^/]+)$/)?.[1];
    if (changing) {
      const sub = this.subscriptions.get(changing);
      send(sub ? this.#changeSubscription(sub, body) : { ...noSuch('subscription', changing, 'id'), status: 404 });
      return;
    }
    const deleting = route.match(/^DELETE \/__control\/customers\/([^/]+)$/)?.[1];
    if (deleting) {
      send(this.#deleteCustomer(deleting));
      return;
    }
    if (route === 'GET /__control/meter-events') {
      const customerId = query.get('customer');
      sendJson(
        res,
        200,
        [...this.meterEvents.values()].filter((e) => !customerId || e.payload.stripe_customer_id === customerId),
      );
      return;
    }
    if (route === 'GET /__control/meter-event-requests') {
      const customerId = query.get('customer');
      sendJson(
        res,
        200,
        this.meterEventRequests.filter((r) => !customerId || r.payload.stripe_customer_id === customerId),
      );
      return;
    }
    const completing = route.match(/^POST \/__control\/checkout-sessions\/([^/]+)\/complete$/)?.[1];
    if (completing) {
      send(this.#completeCheckout(completing));
      return;
    }
    if (route === 'GET /__control/customers') sendJson(res, 200, [...this.customers.values()]);
    else if (route === 'GET /__control/meters') sendJson(res, 200, [meter]);
    else if (route === 'GET /__control/subscriptions') {
      const customerId = query.get('customer');
      sendJson(
        res,
        200,
        [...this.subscriptions.values()].filter((s) => !customerId || s.customer === customerId),
      );
    } else if (route === 'GET /__control/checkout-sessions') sendJson(res, 200, this.checkoutSessions);
    else sendJson(res, 404, { error: `no fake Stripe control route ${route}` });
  }
}

/** The customer an event is about, whatever its object. */
function eventCustomer(e: StripeEvent): string | undefined {
  const object = e.data.object as { object?: string; id?: string; customer?: string | null };
  return object.object === 'customer' ? object.id : (object.customer ?? undefined);
}

/** `line_items[0]…`, `line_items[1]…` in order. */
function lineItemsOf(form: Form): Form[] {
  const items = form.line_items;
  if (!items || typeof items !== 'object' || Array.isArray(items)) return [];
  return Object.keys(items)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => items[key])
    .filter((item): item is Form => Boolean(item) && typeof item === 'object' && !Array.isArray(item));
}

const quantityOf = (item: Form) => (str(item, 'quantity') === undefined ? undefined : Number(str(item, 'quantity')));

/** Stripe's refusal of a subscription line item: an unknown price, or a quantity where the price needs none or one. */
function refuseLineItem(item: Form, i: number): Reply | undefined {
  const priceId = str(item, 'price');
  if (!priceId) return missing(`line_items[${i}][price]`);
  const price = prices.get(priceId);
  if (!price) return noSuch('price', priceId, `line_items[${i}][price]`);
  const quantity = quantityOf(item);
  if (price.recurring.usage_type === 'metered' && quantity !== undefined)
    return invalid(
      `line_items[${i}][quantity]`,
      `Quantity should not be specified where usage_type is \`metered\`. Remove quantity from \`line_items[${i}]\`.`,
    );
  if (price.recurring.usage_type === 'licensed' && quantity === undefined) return missing(`line_items[${i}][quantity]`);
  return undefined;
}

const requestId = () => `req_${crypto.randomUUID().replace(/-/g, '').slice(0, 14)}`;
const missing = (param: string): Reply => ({
  status: 400,
  body: stripeError('invalid_request_error', `Missing required param: ${param}.`, { code: 'parameter_missing', param }),
});
const invalid = (param: string, message: string): Reply => ({
  status: 400,
  body: stripeError('invalid_request_error', message, { code: 'parameter_invalid_string', param }),
});
const noSuch = (kind: string, id: string, param: string): Reply => ({
  status: 400,
  body: stripeError('invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param }),
});
