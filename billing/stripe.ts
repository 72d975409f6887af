// The Stripe client as it runs on Workers, from the `stripe` package's public entry: fetch for HTTP,
// SubtleCrypto for webhook signatures. Only the billing Worker imports it.
import Stripe from 'stripe';
import { AppError } from '../worker/errors.ts';

export type StripeEnv = Pick<
  BillingEnv,
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'STRIPE_PRICE_PRO'
  | 'STRIPE_PRICE_USAGE'
  | 'STRIPE_METER_EVENT'
  | 'STRIPE_API_BASE'
>;
export type { Stripe };

export const billingNotConfigured = () =>
  new AppError(
    503,
    'billing_not_configured',
    'Billing is not configured on this server: set STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_PRO, STRIPE_PRICE_USAGE, STRIPE_METER_EVENT) on the billing Worker',
  );

/** Billing is on offer: a Stripe key and the Pro price to subscribe to are both set. */
export function billingConfigured(env: Pick<StripeEnv, 'STRIPE_SECRET_KEY' | 'STRIPE_PRICE_PRO'>): boolean {
  return Boolean(env.STRIPE_SECRET_KEY?.trim() && env.STRIPE_PRICE_PRO?.trim());
}

/**
 * A Stripe client, pointed at STRIPE_API_BASE when set (a proxy, or the local fake under `/stripe`);
 * 503 when billing is not configured. The SDK takes a host, port and protocol; a base with a path
 * has it put in front of each request's path by the fetch the SDK is given.
 */
export function stripeClient(env: StripeEnv): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw billingNotConfigured();
  const base = new URL(env.STRIPE_API_BASE || 'https://api.stripe.com');
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  const prefix = base.pathname.replace(/\/+$/, '');
  const viaBase: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    url.pathname = prefix + url.pathname;
    return fetch(url, init);
  };
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(prefix ? viaBase : undefined),
    host: base.hostname,
    port: Number(base.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 2,
    timeout: 30_000,
    telemetry: false,
  });
}

export const webhookCrypto = () => Stripe.createSubtleCryptoProvider();

/**
 * Stripe answered that the object asked for does not exist (`resource_missing`), as a 502 from
 * viaStripe or the SDK's own error; with `param`, only when that request field named it (a missing
 * customer, not a missing price).
 */
export function isResourceMissing(error: unknown, param?: string): boolean {
  const cause = error instanceof AppError ? error.cause : error;
  return (
    cause instanceof Stripe.errors.StripeError &&
    cause.code === 'resource_missing' &&
    (param === undefined || cause.param === param)
  );
}

/** A Stripe call whose refusal or absence becomes a 502 saying what Stripe said (its request id included, for their support). */
export async function viaStripe<T>(what: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const requestId = error.requestId ? ` (Stripe request ${error.requestId})` : '';
    throw new AppError(502, 'billing_upstream_error', `Stripe could not ${what}: ${error.message}${requestId}`, {
      cause: error,
    });
  }
}
