// The fake Stripe account's product catalogue, made as docs/deploy.md has a new user make theirs:
// a Billing Meter on the event `parley_tokens` (sum of `value`, mapped by `stripe_customer_id`), a
// Pro product with a licensed monthly price and a metered monthly price attached to that meter.
// The prices exist twice, under the ids the test suites (`price_test_…`) and `npm start`
// (`price_offline_…`) configure. Shapes as the API reference documents billing.meter and price.
import { unixNow } from './objects.ts';

export const METER_EVENT_NAME = 'parley_tokens';
const created = unixNow();

export const meter = {
  id: 'mtr_test_parley_tokens',
  object: 'billing.meter',
  created,
  customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
  default_aggregation: { formula: 'sum' },
  display_name: 'Parley tokens',
  event_name: METER_EVENT_NAME,
  event_time_window: null,
  livemode: false,
  status: 'active',
  status_transitions: { deactivated_at: null },
  updated: created,
  value_settings: { event_payload_key: 'value' },
};

function price(id: string, usage: 'licensed' | 'metered') {
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: usage === 'licensed' ? 'Pro' : 'Tokens',
    product: 'prod_test_parley_pro',
    recurring: {
      interval: 'month',
      interval_count: 1,
      meter: usage === 'metered' ? meter.id : null,
      trial_period_days: null,
      usage_type: usage,
    },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    // $20 a month; $0.40 per million tokens, in cents per token.
    unit_amount: usage === 'licensed' ? 2000 : null,
    unit_amount_decimal: usage === 'licensed' ? '2000' : '0.00004',
  };
}

export type Price = ReturnType<typeof price>;

export const prices = new Map<string, Price>(
  [
    price('price_test_pro', 'licensed'),
    price('price_test_tokens', 'metered'),
    price('price_offline_pro', 'licensed'),
    price('price_offline_tokens', 'metered'),
  ].map((p) => [p.id, p]),
);
