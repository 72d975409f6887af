// A Stripe client for the calls Parley makes, on the SDK's own pieces (see stripe-sdk.ts):
// form-encoded POSTs and GETs with Bearer auth, the SDK's API version, an Idempotency-Key kept across
// a POST's retries, retries as Stripe asks (Stripe-Should-Retry, 409, 429, 5xx, network errors), and
// errors raised as the SDK's StripeError classes. Call sites read as they would with `new Stripe()`.
import type Stripe from 'stripe';
import {
  ApiVersion,
  StripeConnectionError,
  StripeError,
  createFetchHttpClient,
  queryStringifyRequestData,
  stripeWebhooks,
} from './stripe-sdk.ts';

export type StripeApiConfig = {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  basePath: string;
  maxNetworkRetries: number;
  timeoutMs: number;
};
type RequestOptions = { idempotencyKey?: string };

export class StripeApi {
  readonly webhooks = stripeWebhooks;
  readonly customers = {
    create: (params: Stripe.CustomerCreateParams, options?: RequestOptions) =>
      this.#post<Stripe.Customer>('/v1/customers', params, options),
  };
  readonly checkout = {
    sessions: {
      create: (params: Stripe.Checkout.SessionCreateParams, options?: RequestOptions) =>
        this.#post<Stripe.Checkout.Session>('/v1/checkout/sessions', params, options),
    },
  };
  readonly subscriptions = {
    retrieve: (id: string) =>
      this.#request<Stripe.Subscription>('GET', `/v1/subscriptions/${encodeURIComponent(id)}`, {}),
  };
  readonly billingPortal = {
    sessions: {
      create: (params: Stripe.BillingPortal.SessionCreateParams, options?: RequestOptions) =>
        this.#post<Stripe.BillingPortal.Session>('/v1/billing_portal/sessions', params, options),
    },
  };
  readonly billing = {
    meterEvents: {
      create: (params: Stripe.Billing.MeterEventCreateParams, options?: RequestOptions) =>
        this.#post<Stripe.Billing.MeterEvent>('/v1/billing/meter_events', params, options),
    },
  };

  readonly #key: string;
  readonly #config: StripeApiConfig;
  readonly #http = createFetchHttpClient();

  constructor(key: string, config: StripeApiConfig) {
    this.#key = key;
    this.#config = config;
  }

  #post<T>(path: string, params: object, options: RequestOptions = {}): Promise<T> {
    return this.#request<T>('POST', path, params, options);
  }

  async #request<T>(method: 'GET' | 'POST', path: string, params: object, options: RequestOptions = {}): Promise<T> {
    const { host, port, protocol, basePath, maxNetworkRetries, timeoutMs } = this.#config;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#key}`,
      'Stripe-Version': ApiVersion,
      ...(method === 'POST' && {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': options.idempotencyKey ?? `parley-${crypto.randomUUID()}`,
      }),
    };
    const body =
      method === 'POST' ? queryStringifyRequestData(params as Parameters<typeof queryStringifyRequestData>[0]) : '';
    for (let attempt = 0; ; attempt++) {
      let response: Awaited<ReturnType<ReturnType<typeof createFetchHttpClient>['makeRequest']>>;
      try {
        response = await this.#http.makeRequest(
          host,
          String(port),
          `${basePath}${path}`,
          method,
          headers,
          body,
          protocol,
          timeoutMs,
        );
      } catch (error) {
        if (attempt < maxNetworkRetries) {
          await backoff(attempt);
          continue;
        }
        throw new StripeConnectionError({
          message: `Could not reach Stripe (${path}): ${String(error)}`,
          detail: error instanceof Error ? error : String(error),
        });
      }
      const status = response.getStatusCode();
      const responseHeaders = response.getHeaders();
      const json = await response.toJSON().catch(() => ({
        error: { type: 'api_error', message: `Stripe answered ${status} with a body that is not JSON` },
      }));
      if (status < 400) return json as T;
      const shouldRetry = responseHeaders['stripe-should-retry'];
      if (
        attempt < maxNetworkRetries &&
        (shouldRetry === 'true' || (shouldRetry !== 'false' && (status === 409 || status === 429 || status >= 500)))
      ) {
        await backoff(attempt);
        continue;
      }
      throw StripeError.generate({
        ...json.error,
        statusCode: status,
        headers: responseHeaders,
        requestId: responseHeaders['request-id'],
      });
    }
  }
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 4000) * (0.5 + Math.random() / 2)));
