// Request and response schemas of the operators' API (/api/ops): the route validates with them and
// the OpenAPI document is generated from them.
import * as z from 'zod';
import { TIERS } from '../../drizzle/schema.ts';
import { usageFigures, usageQuery } from './usage.ts';

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
});

export const opsHealthSchema = z.object({
  version: z.string().describe('The deployed VERSION: a deploy marker'),
  database: z.enum(['up', 'down']),
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
