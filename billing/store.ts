// Billing's reads and writes on Postgres, all as the service role (webhooks and jobs act for Stripe, not a user).
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { invoices, profiles, stripeEvents, type Tier } from '../drizzle/schema.ts';
import type { Db } from '../worker/db/client.ts';

export type BillingProfile = {
  id: string;
  email: string | null;
  tier: Tier;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  subscriptionStatus: string | null;
};

const billingColumns = {
  id: profiles.id,
  email: profiles.email,
  tier: profiles.tier,
  stripeCustomerId: profiles.stripeCustomerId,
  stripeSubscriptionId: profiles.stripeSubscriptionId,
  subscriptionStatus: profiles.subscriptionStatus,
};

export async function profileById(db: Db, userId: string): Promise<BillingProfile | undefined> {
  const [row] = await db.select(billingColumns).from(profiles).where(eq(profiles.id, userId)).limit(1);
  return row;
}

export async function profileByCustomer(db: Db, customerId: string): Promise<BillingProfile | undefined> {
  const [row] = await db
    .select(billingColumns)
    .from(profiles)
    .where(eq(profiles.stripeCustomerId, customerId))
    .limit(1);
  return row;
}

/** Stores the user's Stripe customer unless one is already stored; returns the one that is. */
export async function claimCustomer(db: Db, userId: string, customerId: string): Promise<string> {
  const [claimed] = await db
    .update(profiles)
    .set({ stripeCustomerId: customerId, updatedAt: sql`now()` })
    .where(and(eq(profiles.id, userId), isNull(profiles.stripeCustomerId)))
    .returning({ customerId: profiles.stripeCustomerId });
  if (claimed?.customerId) return claimed.customerId;
  const existing = await profileById(db, userId);
  if (!existing?.stripeCustomerId) throw new Error(`profile ${userId} vanished while storing its Stripe customer`);
  return existing.stripeCustomerId;
}

export type SubscriptionChange = {
  tier: Tier;
  customerId: string;
  subscriptionId: string;
  status: string;
  /** When this state was read from Stripe. */
  checkedAt: Date;
};

/**
 * Writes a subscription's state, as Stripe answered it at `checkedAt`, onto the profile, unless a
 * state read later is already there (two deliveries racing). An enterprise tier (set by hand) is
 * never touched by Stripe. Returns the tier now, or undefined when nothing was written.
 */
export async function applySubscription(db: Db, userId: string, change: SubscriptionChange): Promise<Tier | undefined> {
  const checkedAt = change.checkedAt.toISOString();
  const [row] = await db
    .update(profiles)
    .set({
      tier: sql`case when ${profiles.tier} = 'enterprise' then ${profiles.tier} else ${change.tier} end`,
      stripeSubscriptionId: change.subscriptionId,
      subscriptionStatus: change.status,
      subscriptionCheckedAt: change.checkedAt,
      // Only a live subscription links its customer to a profile that has none: a late event about
      // one that is over must not bring back a customer forgotten since (deleted in Stripe).
      stripeCustomerId:
        change.tier === 'pro'
          ? sql`coalesce(${profiles.stripeCustomerId}, ${change.customerId})`
          : profiles.stripeCustomerId,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(profiles.id, userId),
        or(isNull(profiles.subscriptionCheckedAt), lt(profiles.subscriptionCheckedAt, sql`${checkedAt}::timestamptz`)),
      ),
    )
    .returning({ tier: profiles.tier });
  return row?.tier;
}

/**
 * Forgets a Stripe customer that no longer exists (deleted in Stripe, or unknown to the account's
 * keys): the profile drops to free with no subscription, and the next checkout makes a new customer.
 * Returns the profile's id and tier now, or undefined when no profile held that customer.
 */
export async function forgetCustomer(db: Db, customerId: string): Promise<{ id: string; tier: Tier } | undefined> {
  const [row] = await db
    .update(profiles)
    .set({
      tier: sql`case when ${profiles.tier} = 'enterprise' then ${profiles.tier} else 'free' end`,
      stripeCustomerId: null,
      stripeSubscriptionId: null,
      subscriptionStatus: null,
      subscriptionCheckedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(profiles.stripeCustomerId, customerId))
    .returning({ id: profiles.id, tier: profiles.tier });
  return row;
}

/** Notes the event as received; true when it was already processed (a replay: do nothing). */
export async function alreadyProcessed(db: Db, eventId: string, type: string): Promise<boolean> {
  await db.insert(stripeEvents).values({ id: eventId, type }).onConflictDoNothing();
  const [row] = await db
    .select({ processedAt: stripeEvents.processedAt })
    .from(stripeEvents)
    .where(eq(stripeEvents.id, eventId))
    .limit(1);
  return row?.processedAt != null;
}

export async function markProcessed(db: Db, eventId: string): Promise<void> {
  await db
    .update(stripeEvents)
    .set({ processedAt: sql`now()` })
    .where(and(eq(stripeEvents.id, eventId), isNull(stripeEvents.processedAt)));
}

export type PaidInvoice = {
  id: string;
  userId: string | null;
  customerId: string | null;
  /** In the currency's minor unit, as Stripe counts it. */
  amountPaid: number;
  currency: string;
  paidAt: Date;
};

/** Keeps a paid invoice for the operators' revenue, once (Stripe delivers events twice). */
export async function recordInvoice(db: Db, invoice: PaidInvoice): Promise<void> {
  await db.insert(invoices).values(invoice).onConflictDoNothing({ target: invoices.id });
}
