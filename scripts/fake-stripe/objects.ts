// Stripe's object shapes for the endpoints Parley uses, as the API reference documents them
// (customer, checkout.session, subscription, billing_portal.session, billing.meter_event). Only
// fields with a meaning here are filled; the rest are null as Stripe sends them for these requests.
import { randomBytes } from 'node:crypto';
import type { Price } from './catalogue.ts';

export const stripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
export const unixNow = () => Math.floor(Date.now() / 1000);

export function customer(params: { email?: string; name?: string; metadata: Record<string, string> }) {
  return {
    id: stripeId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: unixNow(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: params.email ?? null,
    invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: params.metadata,
    name: params.name ?? null,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

export function checkoutSession(params: {
  mode: string;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Record<string, string>;
}) {
  const id = stripeId('cs_test');
  const created = unixNow();
  return {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: null,
    amount_total: null,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancelUrl,
    client_reference_id: params.clientReferenceId,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created,
    currency: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer,
    customer_creation: params.customer ? null : 'always',
    customer_details: null,
    customer_email: params.customerEmail,
    expires_at: created + 24 * 3600,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: params.metadata,
    mode: params.mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: params.successUrl,
    total_details: null,
    ui_mode: 'hosted',
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
}

/**
 * An active subscription to `items`, as a completed Checkout Session makes one. Since API version
 * 2025-03-31 the billing period lives on each item, not on the subscription; a metered item has
 * no quantity.
 */
export function subscription(params: {
  customer: string;
  items: { price: Price; quantity?: number }[];
  metadata: Record<string, string>;
}) {
  const id = stripeId('sub');
  const start = unixNow();
  const end = start + 30 * 24 * 3600;
  return {
    id,
    object: 'subscription',
    application: null,
    billing_cycle_anchor: start,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    collection_method: 'charge_automatically',
    created: start,
    currency: 'usd',
    customer: params.customer,
    default_payment_method: null,
    description: null,
    ended_at: null,
    items: {
      object: 'list',
      data: params.items.map((item) => ({
        id: stripeId('si'),
        object: 'subscription_item',
        created: start,
        current_period_end: end,
        current_period_start: start,
        metadata: {},
        price: item.price,
        ...(item.quantity === undefined ? {} : { quantity: item.quantity }),
        subscription: id,
        tax_rates: [],
      })),
      has_more: false,
      total_count: params.items.length,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: params.metadata,
    start_date: start,
    status: 'active',
    trial_end: null,
    trial_start: null,
  };
}

export function portalSession(params: { customer: string; returnUrl: string | null }) {
  const id = stripeId('bps');
  return {
    id,
    object: 'billing_portal.session',
    configuration: stripeId('bpc'),
    created: unixNow(),
    customer: params.customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: params.returnUrl,
    url: `https://billing.stripe.com/p/session/test_${id.slice(4)}`,
  };
}

export function meterEvent(params: {
  eventName: string;
  identifier: string;
  payload: Record<string, string>;
  timestamp: number;
}) {
  return {
    object: 'billing.meter_event',
    created: unixNow(),
    event_name: params.eventName,
    identifier: params.identifier,
    livemode: false,
    payload: params.payload,
    timestamp: params.timestamp,
  };
}

/** Stripe's error envelope: `{error: {type, message, code?, param?}}`. */
export function stripeError(
  type: 'invalid_request_error' | 'api_error',
  message: string,
  extra: { code?: string; param?: string } = {},
) {
  return { error: { type, message, ...extra } };
}

/** An invoice for a subscription's period, as `invoice.paid` / `invoice.payment_failed` carry it (API 2025-03-31+: `parent`). */
export function invoice(params: {
  customer: string;
  subscription: string;
  paid: boolean;
  metadata: Record<string, string>;
}) {
  return {
    id: stripeId('in'),
    object: 'invoice',
    amount_due: 2000,
    amount_paid: params.paid ? 2000 : 0,
    amount_remaining: params.paid ? 0 : 2000,
    attempt_count: 1,
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: unixNow(),
    currency: 'usd',
    customer: params.customer,
    livemode: false,
    parent: {
      quote_details: null,
      subscription_details: { metadata: params.metadata, subscription: params.subscription },
      type: 'subscription_details',
    },
    status: params.paid ? 'paid' : 'open',
  };
}

/** A deleted customer, as `customer.deleted` carries it and as retrieving one answers. */
export function deletedCustomer(id: string) {
  return { id, object: 'customer', deleted: true };
}

/** An Event as Stripe delivers it to a webhook endpoint: the object as it was when the event happened. */
export function event(type: string, object: unknown, apiVersion: string) {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: apiVersion,
    created: unixNow(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}
