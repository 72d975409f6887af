// What the operators' page shows beyond signups and spending, for the seeded community
// (community.ts): a widget site with a month of visitors, every reply's timings (across a deploy,
// with a few failures and fallbacks), the Limiters' refusals, the pro users' conversions and the
// invoices they paid. Ids are fixed by name (ids.ts), so a rerun writes nothing.
import type { invoices, refusalsDaily, replyTimings, sites, tierChanges, usageEvents } from '../../drizzle/schema.ts';
import { MODELS } from '../../worker/providers/registry.ts';
import { VERSION } from '../../worker/version.ts';
import type { CommunityRows } from './community.ts';
import { seedFraction, seedId } from './ids.ts';
import { EARLIER_REPLY_MODELS, seedUsageEvent } from './rows.ts';

const DAY_MS = 86_400_000;
/** The release before this one: replies older than the deploy day carry it, so the page shows a deploy marker. */
export const SEED_PREVIOUS_VERSION = '0.0.9';
const DEPLOYED_DAYS_AGO = 9;
/** Typical time to first token by provider, as the demo conversations use (rows.ts). */
const FIRST_TOKEN_MS: Record<string, number> = { anthropic: 700, openai: 450, google: 550 };
const PRO_PRICE_CENTS = 2000;
const ENTERPRISE_MONTH_CENTS = 150_000;

export type OperationsRows = {
  site: typeof sites.$inferInsert;
  visitorEvents: Array<typeof usageEvents.$inferInsert>;
  timings: Array<typeof replyTimings.$inferInsert>;
  refusals: Array<typeof refusalsDaily.$inferInsert>;
  tierChanges: Array<typeof tierChanges.$inferInsert>;
  invoices: Array<typeof invoices.$inferInsert>;
};

export function operationsRows(community: CommunityRows, now: Date): OperationsRows {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dayOf = (daysAgo: number) => new Date(today - daysAgo * DAY_MS).toISOString().slice(0, 10);
  const [enterprise, ...rest] = community.profiles;
  const pro = rest.filter((p) => p.tier === 'pro');
  const free = rest.filter((p) => p.tier === 'free');

  // A bakery's help widget, run by the first pro user: a few visitors most days.
  const owner = pro[0]!;
  const site = {
    id: seedId('community-site:bakery'),
    userId: owner.id,
    name: 'Crumb & Co. help',
    publicKey: 'pk_site_seedcrumbandco0000000',
    allowedOrigins: ['https://crumb.example'],
    model: 'anthropic/claude-haiku-4-5',
    greeting: 'Hello! Ask me about opening hours, orders and allergens.',
  } satisfies typeof sites.$inferInsert;
  const haiku = MODELS.find((m) => m.id === site.model)!;
  const visitorEvents: OperationsRows['visitorEvents'] = [];
  for (let daysAgo = 27; daysAgo >= 0; daysAgo--) {
    const visits = Math.floor(seedFraction(`bakery:${daysAgo}:visits`) * 6);
    for (let n = 0; n < visits; n++) {
      const key = `bakery:${daysAgo}:${n}`;
      const visitor = `visitor-${Math.floor(seedFraction(`${key}:who`) * 40)}`;
      const occurredAt = new Date(
        Math.min(today - daysAgo * DAY_MS + seedFraction(`${key}:at`) * DAY_MS, now.getTime() - 60_000),
      );
      visitorEvents.push({
        ...seedUsageEvent({
          id: seedId(key),
          userId: owner.id,
          conversationId: seedId(`bakery-conversation:${visitor}:${daysAgo}`),
          model: haiku,
          inputTokens: 300 + Math.round(seedFraction(`${key}:in`) * 500),
          outputTokens: 60 + Math.round(seedFraction(`${key}:out`) * 200),
          occurredAt,
        }),
        subjectType: 'visitor',
        subjectId: `${site.id}:${visitor}`,
      });
    }
  }

  // Every reply's timings: the community's chat replies and the visitors'; about 3% fail before a
  // first token, about 2% are answered by a fallback; the deploy 9 days ago made first tokens a little faster.
  const timings: OperationsRows['timings'] = [];
  for (const event of [...community.usageEvents, ...visitorEvents]) {
    const id = event.id!;
    const occurredAt = event.occurredAt as Date;
    const deployed = occurredAt.getTime() >= today - DEPLOYED_DAYS_AGO * DAY_MS;
    const failed = seedFraction(`${id}:failed`) < 0.03;
    const fellBack = !failed && seedFraction(`${id}:fallback`) < 0.02;
    const ttftMs = failed
      ? null
      : Math.round(
          (FIRST_TOKEN_MS[event.provider] ?? 500) *
            (deployed ? 0.85 : 1) *
            (0.6 + 1.2 * seedFraction(`${id}:ttft`) ** 2),
        );
    const surface = event.subjectType === 'visitor' ? 'widget' : seedFraction(`${id}:surface`) < 0.25 ? 'v1' : 'chat';
    timings.push({
      id,
      surface,
      model: event.model,
      answeredBy: fellBack
        ? (EARLIER_REPLY_MODELS.find((m) => m.startsWith(event.provider) && m !== event.model) ?? event.model)
        : event.model,
      status: failed ? 'error' : 'complete',
      errorCode: failed ? 'overloaded' : null,
      ttftMs,
      durationMs: (ttftMs ?? 900) + Math.round(event.outputTokens * (11 + 6 * seedFraction(`${id}:speed`))),
      colo: ['AMS', 'FRA', 'IAD', 'SJC', 'NRT'][Math.floor(seedFraction(`${id}:colo`) * 5)]!,
      version: deployed ? VERSION : SEED_PREVIOUS_VERSION,
      occurredAt,
      createdAt: occurredAt,
    });
  }

  // Refusals: free users hitting their monthly quota and rate, a few streams too many, the bakery's visitors too fast.
  const refusals: OperationsRows['refusals'] = [];
  for (let daysAgo = 29; daysAgo >= 0; daysAgo--) {
    const day = dayOf(daysAgo);
    for (const user of free) {
      const key = `refusals:${user.id}:${daysAgo}`;
      const quota =
        daysAgo < 8 && seedFraction(`${key}:quota`) < 0.3 ? 1 + Math.floor(seedFraction(`${key}:q`) * 6) : 0;
      const rate = seedFraction(`${key}:rate`) < 0.15 ? 1 + Math.floor(seedFraction(`${key}:r`) * 12) : 0;
      if (quota) refusals.push({ userId: user.id!, day, reason: 'quota_exceeded', subjectType: 'user', count: quota });
      if (rate)
        refusals.push({ userId: user.id!, day, reason: 'requests_per_minute', subjectType: 'api_key', count: rate });
    }
    if (seedFraction(`refusals:bakery:${daysAgo}`) < 0.2)
      refusals.push({
        userId: owner.id!,
        day,
        reason: 'requests_per_minute',
        subjectType: 'visitor',
        count: 2 + Math.floor(seedFraction(`refusals:bakery:${daysAgo}:n`) * 9),
      });
    if (seedFraction(`refusals:streams:${daysAgo}`) < 0.25)
      refusals.push({
        userId: pro[1]!.id!,
        day,
        reason: 'concurrent_streams',
        subjectType: 'api_key',
        count: 1 + Math.floor(seedFraction(`refusals:streams:${daysAgo}:n`) * 4),
      });
  }

  // The pro users converted a few days after they joined, and paid; the enterprise contract is invoiced monthly.
  const tierChangeRows: OperationsRows['tierChanges'] = [];
  const invoiceRows: OperationsRows['invoices'] = [];
  for (const user of pro) {
    const joined = (user.createdAt as Date).getTime();
    const converted = new Date(
      Math.min(joined + (1 + seedFraction(`converted:${user.id}`) * 4) * DAY_MS, now.getTime() - 30_000),
    );
    tierChangeRows.push({
      id: seedId(`converted:${user.id}`),
      userId: user.id!,
      fromTier: 'free',
      toTier: 'pro',
      changedAt: converted,
    });
    invoiceRows.push({
      id: `in_seed_${user.id!.slice(0, 8)}`,
      userId: user.id!,
      customerId: `cus_seed_${user.id!.slice(0, 8)}`,
      amountPaid: PRO_PRICE_CENTS,
      currency: 'usd',
      paidAt: converted,
    });
  }
  invoiceRows.push({
    id: `in_seed_${enterprise!.id!.slice(0, 8)}`,
    userId: enterprise!.id!,
    customerId: `cus_seed_${enterprise!.id!.slice(0, 8)}`,
    amountPaid: ENTERPRISE_MONTH_CENTS,
    currency: 'usd',
    paidAt: new Date(Math.max((enterprise!.createdAt as Date).getTime(), today - 3 * DAY_MS)),
  });
  return { site, visitorEvents, timings, refusals, tierChanges: tierChangeRows, invoices: invoiceRows };
}
