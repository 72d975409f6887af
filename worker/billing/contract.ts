// What the chat Worker and the billing Worker (billing/) say to each other over the BILLING service
// binding. Stripe, its secrets and the `stripe` package live only in the billing Worker; the chat
// Worker sends it who is asking and gets back URLs and outcomes. Errors lose their fields (status,
// code, cause) crossing RPC, so a refusal travels as data and becomes an error again here.
import type { Tier } from '../../drizzle/schema.ts';
import { AppError } from '../errors.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/errors.ts';

export type BillingUser = { userId: string; email: string | undefined };

export type CheckoutTarget = { url: string; destination: 'checkout' | 'portal' };

export type WebhookOutcome = {
  eventId: string;
  type: string;
  /** processed: acted on (or found nothing to change) and marked; replayed: marked before; ignored: unusable, not marked. */
  outcome: 'processed' | 'replayed' | 'ignored';
  reason?: string;
  userId?: string;
  tier?: Tier;
};

/**
 * Pro's price as Stripe holds it, amounts in the currency's minor unit (cents): `unitAmount` a
 * month (`interval`), and `perMillionTokens` for the metered tokens on top (null: none, or not a
 * flat per-unit price).
 */
export type ProPrice = {
  currency: string;
  unitAmount: number;
  interval: string | null;
  perMillionTokens: number | null;
};

/** Tells the user's Limiter their new tier: the chat Worker's, handed to the webhook (an RPC stub there). */
export type SetTier = (userId: string, tier: Tier) => Promise<void>;

/** A refusal the caller can act on (an AppError's status, code and words), or the database being away. */
type Failure = { status: AppError['status']; code: string; message: string } | { databaseUnavailable: string };

export type BillingReply<T> = { ok: T } | { failure: Failure };

/** The billing Worker's answer: the value, or a refusal as data; anything else is thrown on (a 500 where it lands). */
export async function reply<T>(run: () => Promise<T>): Promise<BillingReply<T>> {
  try {
    return { ok: await run() };
  } catch (error) {
    if (error instanceof AppError)
      return { failure: { status: error.status, code: error.code, message: error.message } };
    if (isDatabaseUnavailable(error)) return { failure: { databaseUnavailable: String(error) } };
    throw error;
  }
}

/** The chat Worker's side: the value, or the refusal thrown again as the error app.onError renders. */
export function unwrap<T>(answer: BillingReply<T>): T {
  if ('ok' in answer) return answer.ok;
  const { failure } = answer;
  if ('databaseUnavailable' in failure)
    throw new DatabaseUnavailableError(new Error(`billing: ${failure.databaseUnavailable}`));
  throw new AppError(failure.status, failure.code, failure.message);
}
