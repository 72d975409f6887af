import { dirname } from 'node:path';

// The billing Worker (billing/) as the workerd suites run it: beside the chat Worker under test, as
// the auxiliary Worker its BILLING service binding names, built by test/global-setup.ts the way a
// deploy builds it. Its Stripe settings point at the fake Stripe; its database is the suite's.

/** The billing Worker's Stripe bindings in the suites (the fake Stripe of the fake upstreams). */
export function stripeBindings(fakeUpstreamUrl: string) {
  return {
    STRIPE_SECRET_KEY: 'sk_test_parley',
    STRIPE_WEBHOOK_SECRET: 'whsec_test_parley',
    STRIPE_PRICE_PRO: 'price_test_pro',
    STRIPE_PRICE_USAGE: 'price_test_tokens',
    STRIPE_METER_EVENT: 'parley_tokens',
    STRIPE_API_BASE: `${fakeUpstreamUrl}/stripe`,
  };
}

/** Miniflare's options for the billing Worker: its bundle, its flags, and the same database as the chat Worker's. */
export function billingWorkerOptions(options: {
  bundle: string;
  fakeUpstreamUrl: string;
  database: { DATABASE_URL: string; DATABASE_HTTP_ENDPOINT: string; DATABASE_TIMEOUT_MS?: string };
  hyperdrive?: string;
}) {
  return {
    name: 'parley-billing',
    modules: true,
    scriptPath: options.bundle,
    // Module names are relative to this folder: the bundle lives outside the project.
    modulesRoot: dirname(options.bundle),
    compatibilityDate: '2026-11-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: { ...options.database, ...stripeBindings(options.fakeUpstreamUrl) },
    ...(options.hyperdrive ? { hyperdrives: { HYPERDRIVE: options.hyperdrive } } : {}),
  };
}
