import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { requireOperator } from '../auth/require-operator.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import {
  MAX_OPS_DAYS,
  opsHealthSchema,
  opsMetricsSchema,
  opsPerformanceSchema,
  opsRangeQuery,
  opsRevenueSchema,
} from '../schemas/ops.ts';
import { dayRange } from '../usage/day-range.ts';
import { opsMetrics } from '../ops/metrics.ts';
import { opsHealth } from '../ops/health.ts';
import { outboxBacklog } from '../ops/backlog.ts';
import { opsPerformance } from '../ops/performance.ts';
import { opsRevenue } from '../ops/revenue.ts';

const DEFAULT_DAYS = 30;
/** A report's range: the 30 days ending today unless the query names one, a year at most. */
const opsRange = (query: Parameters<typeof dayRange>[0]) =>
  dayRange(query, { defaultDays: DEFAULT_DAYS, maxDays: MAX_OPS_DAYS });
const opsApi = { tag: 'operators', security: ['session'] } as const;
const notOperator = { description: 'Not an operator, or an API key (not_operator, forbidden)' };

/** The operators' view of Parley as a whole (OPERATOR_EMAILS): signed-in operators only, every read logged. */
export const ops = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireOperator)
  .get(
    '/metrics',
    describe({
      ...opsApi,
      summary:
        'Signups, active users, tiers, tokens and cost per provider and model, and top spenders, by UTC day (operators only)',
      responses: {
        200: { description: 'Business metrics for the range', schema: opsMetricsSchema },
        400: { description: 'A bad or too long range' },
        403: notOperator,
      },
    }),
    validate('query', opsRangeQuery),
    async (c) => c.json(await opsMetrics(c.var.db, opsRange(c.req.valid('query')))),
  )
  .get(
    '/revenue',
    describe({
      ...opsApi,
      summary: 'Revenue from Stripe beside vendor cost: margin per tier and per model (operators only)',
      responses: {
        200: { description: 'Revenue, cost and margin for the range', schema: opsRevenueSchema },
        400: { description: 'A bad or too long range' },
        403: notOperator,
      },
    }),
    validate('query', opsRangeQuery),
    async (c) => c.json(await opsRevenue(c.var.db, opsRange(c.req.valid('query')))),
  )
  .get(
    '/performance',
    describe({
      ...opsApi,
      summary:
        'Time to first token (p50/p95/p99), total time, error and fallback rates per UTC day, model and deployed version (operators only)',
      responses: {
        200: { description: 'Speed for the range', schema: opsPerformanceSchema },
        400: { description: 'A bad or too long range' },
        403: notOperator,
      },
    }),
    validate('query', opsRangeQuery),
    async (c) => c.json(await opsPerformance(c.var.db, opsRange(c.req.valid('query')))),
  )
  .get(
    '/health',
    describe({
      ...opsApi,
      summary:
        "Health at a glance: the version deployed, whether Postgres answers, the outbox backlog across rooms and Limiters, the dead letters, each cron job's last run (operators only)",
      responses: {
        200: { description: 'Health (database down is an answer, not an error)', schema: opsHealthSchema },
        403: notOperator,
      },
    }),
    async (c) => {
      const [health, outboxes] = await Promise.all([opsHealth(c.var.db), outboxBacklog(c.env)]);
      return c.json({ ...health, outboxes });
    },
  );
