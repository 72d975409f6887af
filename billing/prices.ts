// What Pro costs, read from Stripe: the configured Pro price (STRIPE_PRICE_PRO) and the metered
// price on tokens (STRIPE_PRICE_USAGE), so the Billing page states what Checkout will charge and
// never a number written into the app. Kept for a while per isolate: prices rarely change, and the
// page should not wait on Stripe each time.
import type { ProPrice } from '../worker/billing/contract.ts';
import { log } from '../worker/log.ts';
import { billingConfigured, stripeClient, type Stripe, type StripeEnv } from './stripe.ts';

const KEEP_MS = 10 * 60_000;
/** After Stripe failed to answer, ask again no sooner than this. */
const RETRY_MS = 30_000;

let kept: { key: string; price: ProPrice | null; until: number } | undefined;

/** Pro's price as Stripe holds it; null when billing is off or Stripe cannot tell (the page then says the price is shown at checkout). */
export async function proPrice(env: StripeEnv, now = Date.now()): Promise<ProPrice | null> {
  if (!billingConfigured(env)) return null;
  const key = `${env.STRIPE_API_BASE}|${env.STRIPE_PRICE_PRO}|${env.STRIPE_PRICE_USAGE}`;
  if (kept?.key === key && kept.until > now) return kept.price;
  let price: ProPrice | null = null;
  try {
    price = await readProPrice(stripeClient(env), env);
  } catch (error) {
    log.warn('stripe price unavailable', { price: env.STRIPE_PRICE_PRO }, error);
  }
  kept = { key, price, until: now + (price ? KEEP_MS : RETRY_MS) };
  return price;
}

async function readProPrice(stripe: Stripe, env: StripeEnv): Promise<ProPrice | null> {
  const [pro, usage] = await Promise.all([
    stripe.prices.retrieve(env.STRIPE_PRICE_PRO),
    env.STRIPE_PRICE_USAGE ? stripe.prices.retrieve(env.STRIPE_PRICE_USAGE) : Promise.resolve(null),
  ]);
  // A flat recurring amount is what the page can state; anything else (tiers, pay what you want) is left to Checkout.
  if (pro.unit_amount === null || pro.billing_scheme !== 'per_unit') return null;
  return {
    currency: pro.currency,
    unitAmount: pro.unit_amount,
    interval: pro.recurring?.interval ?? null,
    perMillionTokens: usage ? perMillion(usage) : null,
  };
}

/** A metered per-unit price (one unit a token, as the meter counts) per million tokens, in the currency's minor unit; null when not a flat per-unit price. */
function perMillion(price: Stripe.Price): number | null {
  if (price.billing_scheme !== 'per_unit' || price.transform_quantity) return null;
  const perToken = price.unit_amount_decimal === null ? price.unit_amount : Number(price.unit_amount_decimal);
  return perToken === null || !Number.isFinite(perToken) ? null : Math.round(perToken * 1_000_000 * 1e6) / 1e6;
}
