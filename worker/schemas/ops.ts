// Request and response schemas of the operators' API (/api/ops): the route validates with them and
// the OpenAPI document is generated from them.
import * as z from 'zod';
import { TIERS } from '../../drizzle/schema.ts';
import { usageFigures, usageQuery } from './usage.ts';
import { REFUSAL_REASONS } from '../usage/refusal-count.ts';

/** Longest range one report may cover. */
export const MAX_OPS_DAYS = 366;

/** The same range as the usage report's: `from` and `to`, UTC days, both included. */
export const opsRangeQuery = usageQuery;
const figures = usageFigures;
const tierCounts = z.object(
  Object.fromEntries(TIERS.map((tier) => [tier, z.number().int()])) as Record<(typeof TIERS)[number], z.ZodNumber>,
);

export const opsMetricsSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  signups: z.object({
    total: z.number().int(),
    byDay: z.array(z.object({ day: z.iso.date(), signups: z.number().int() })),
    tiersNow: tierCounts.describe('Those who signed up in the range, by the tier they are on now'),
  }),
  users: z.object({
    tiers: tierCounts.describe('Every user, by tier'),
    active: z.object({
      byDay: z.array(z.object({ day: z.iso.date(), users: z.number().int() })),
      daily: z.number().int().describe('Users with usage on `to`'),
      weekly: z.number().int().describe('… in the 7 days ending on `to`'),
      monthly: z.number().int().describe('… in the 30 days ending on `to`'),
    }),
  }),
  usage: z.object({
    byDay: z.array(z.object({ day: z.iso.date(), provider: z.string(), model: z.string(), ...figures })),
    byProvider: z.array(z.object({ provider: z.string(), ...figures })),
  }),
  topSpenders: z.array(
    z.object({
      userId: z.uuid(),
      email: z.string().nullable(),
      tier: z.enum(TIERS),
      tokens: z.number().int(),
      ...figures,
    }),
  ),
  sites: z
    .array(
      z.object({
        siteId: z.uuid(),
        name: z.string().nullable(),
        owner: z.string().nullable().describe("The site owner's email"),
        visitors: z.number().int().describe('Visitors, counted once a day'),
        ...figures,
      }),
    )
    .describe('Widget sites with traffic in the range, busiest first (20 at most)'),
  tierChanges: z.object({
    conversions: z.number().int().describe('Changes from free to pro in the range'),
    byDay: z.array(z.object({ day: z.iso.date(), from: z.enum(TIERS), to: z.enum(TIERS), users: z.number().int() })),
  }),
  refusals: z
    .object({
      total: z.number().int(),
      byDay: z.array(
        z.object({
          day: z.iso.date(),
          reason: z.enum(REFUSAL_REASONS),
          count: z.number().int(),
        }),
      ),
    })
    .describe('Requests the Limiters refused (quota, rate, stream slots, plan, key), by day and reason'),
});

const backlogPart = z.object({ sources: z.number().int(), pending: z.number().int() });
export const opsHealthSchema = z.object({
  version: z.string().describe('The deployed VERSION: a deploy marker'),
  database: z.enum(['up', 'down']),
  outboxes: z
    .object({ rooms: backlogPart, limiters: backlogPart, since: z.iso.datetime().nullable() })
    .nullable()
    .describe(
      'Writes rooms and Limiters hold because Postgres or the usage queue refused them, and since when; null when it could not be read',
    ),
  deadLetters: z
    .object({ count: z.number().int(), oldest: z.iso.datetime().nullable() })
    .nullable()
    .describe('Letters no code could count (dead_letters); null when the database is down'),
  crons: z.array(
    z.object({
      job: z.string(),
      cron: z.string(),
      startedAt: z.iso.datetime(),
      durationMs: z.number().int(),
      ok: z.boolean(),
      outcome: z.record(z.string(), z.unknown()).nullable().describe('What the job did, or its error'),
    }),
  ),
});

export const opsPerformanceSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  byDay: z
    .array(
      z.object({
        day: z.iso.date(),
        model: z.string().describe('The model asked for (a fallback answering counts here, as a fallback)'),
        version: z.string().describe('The VERSION deployed when the replies were made'),
        replies: z.number().int().describe('Replies of any status: chat, widget and /v1'),
        errors: z.number().int(),
        stopped: z.number().int(),
        fallbacks: z.number().int().describe('Replies another model answered'),
        errorRate: z.number(),
        fallbackRate: z.number(),
        ttftMs: z
          .object({
            p50: z.number().int().nullable(),
            p95: z.number().int().nullable(),
            p99: z.number().int().nullable(),
          })
          .describe("Time to first token, from the reply's admission (null: no reply had a first token)"),
        durationMs: z.object({ p50: z.number().int(), p95: z.number().int() }),
      }),
    )
    .describe('Per UTC day, model and version, from the hourly roll-up of every reply'),
  versions: z
    .array(z.object({ version: z.string(), firstDay: z.iso.date() }))
    .describe('Each version in the range and the first day it answered: the deploy markers'),
});

const usdAmount = z.string().describe('US dollars, a decimal string');
const usdFigures = { revenueUsd: usdAmount, costUsd: usdAmount, marginUsd: usdAmount };
export const opsRevenueSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  paid: z
    .array(z.object({ currency: z.string(), amount: z.string(), invoices: z.number().int() }))
    .describe('Invoices paid in the range (Stripe invoice.paid), per currency'),
  byTier: z
    .array(z.object({ tier: z.enum(TIERS), ...usdFigures }))
    .describe('Revenue and vendor cost of the users on each tier now; margin = revenue - cost'),
  byModel: z
    .array(z.object({ model: z.string(), ...usdFigures }))
    .describe("Vendor cost per model, and revenue allocated to it: each paying user's split by their cost per model"),
  unallocatedUsd: z.object({
    noUser: usdAmount.describe('Paid by invoices of no known Parley user'),
    noUsage: usdAmount.describe('Paid by users with no usage in the range'),
  }),
});
