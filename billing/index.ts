// The billing Worker: everything that speaks to Stripe (Checkout, the Billing Portal, the webhook and
// the monthly meter report), with Stripe's secrets and the `stripe` package, apart from the chat
// Worker, which reaches it only through its BILLING service binding (worker/billing/contract.ts).
// It has no public route (workers_dev = false): the chat Worker authenticates people, forwards
// Stripe's webhook as received, and renders what comes back.
import { WorkerEntrypoint } from 'cloudflare:workers';
import {
  reply,
  type BillingReply,
  type BillingUser,
  type CheckoutTarget,
  type ProPrice,
  type SetTier,
  type WebhookOutcome,
} from '../worker/billing/contract.ts';
import { withDatabase } from '../worker/db/client.ts';
import { runCron, type CronJob } from '../worker/jobs/cron.ts';
import { openPortal, startCheckout } from './checkout.ts';
import { meterUsage } from './meter-usage.ts';
import { proPrice } from './prices.ts';
import { billingConfigured, stripeClient } from './stripe.ts';
import { handleWebhook } from './webhook.ts';

/** The calls the chat Worker makes. A refusal comes back as data (see contract.ts), never as a thrown error. */
export class Billing extends WorkerEntrypoint<BillingEnv> {
  /** Billing is on offer: a Stripe key and the Pro price are set. */
  configured(): boolean {
    return billingConfigured(this.env);
  }

  /** What Pro costs, from the configured Stripe prices; null when billing is off or Stripe cannot say. */
  proPrice(): Promise<ProPrice | null> {
    return proPrice(this.env);
  }

  /** Where to send a user who wants Pro: Checkout, or the portal when they already pay (`origin`: the app's, for the return URLs). */
  checkout(user: BillingUser, origin: string): Promise<BillingReply<CheckoutTarget>> {
    return reply(() =>
      withDatabase(this.env, (db) => startCheckout(db, stripeClient(this.env), this.env, user, origin)),
    );
  }

  /** A Billing Portal URL for the user's customer. */
  portal(user: BillingUser, origin: string): Promise<BillingReply<{ url: string }>> {
    return reply(() =>
      withDatabase(this.env, async (db) => ({ url: await openPortal(db, stripeClient(this.env), user, origin) })),
    );
  }

  /** A webhook delivery exactly as Stripe sent it (the signature is over these bytes). */
  webhook(rawBody: string, signature: string | undefined, setTier: SetTier): Promise<BillingReply<WebhookOutcome>> {
    return reply(() =>
      withDatabase(this.env, (db) => handleWebhook(db, stripeClient(this.env), this.env, setTier, rawBody, signature)),
    );
  }
}

// Keyed by the expressions in billing/wrangler.toml's [triggers].
const JOBS: Record<string, CronJob<BillingEnv>[]> = {
  '30 0 1 * *': [{ name: 'meter-usage', run: (env) => withDatabase(env, (db) => meterUsage(db, env)) }],
};

export default {
  scheduled: (controller, env) => runCron(JOBS, controller, env),
} satisfies ExportedHandler<BillingEnv>;
