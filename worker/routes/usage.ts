import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { validate } from '../validation.ts';
import { dailyUsageForUser } from '../db/usage.ts';
import { MAX_USAGE_DAYS, usageQuery, usageSchema } from '../schemas/usage.ts';
import { sumUsd } from '../usage/money.ts';
import { dayRange } from '../usage/day-range.ts';
import { describe } from '../openapi/describe.ts';
import { userLimiter } from '../usage/limiters.ts';

const DEFAULT_DAYS = 30;

/**
 * Tokens, requests and cost by UTC day and model, from `usage_daily` (rolled up hourly from the
 * usage events), for the caller only.
 */
export const usage = new Hono<AppEnv>().use(requireUser).get(
  '/',
  describe({
    summary: 'Your tokens, requests and cost by UTC day and model (rolled up hourly)',
    tag: 'account',
    security: ['session', 'apiKey'],
    responses: { 200: { description: 'Usage', schema: usageSchema }, 400: { description: 'A bad or too long range' } },
  }),
  validate('query', usageQuery),
  async (c) => {
    const { from, to } = dayRange(c.req.valid('query'), { defaultDays: DEFAULT_DAYS, maxDays: MAX_USAGE_DAYS });

    const userId = c.var.subject.userId;
    // What the files take is the owner's Limiter's count (exact, and current), read beside the days.
    const [rows, held] = await Promise.all([
      dailyUsageForUser(c.var.db, c.var.subject.claims, { from, to }),
      userLimiter(c.env, userId).storage(userId),
    ]);
    const items = rows.map((r) => ({
      day: r.day,
      model: r.model,
      requests: r.requests,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      costUsd: r.costUsd,
    }));
    const totals = items.reduce(
      (sum, r) => ({
        requests: sum.requests + r.requests,
        inputTokens: sum.inputTokens + r.inputTokens,
        outputTokens: sum.outputTokens + r.outputTokens,
      }),
      { requests: 0, inputTokens: 0, outputTokens: 0 },
    );
    return c.json({
      from,
      to,
      days: items,
      totals: {
        requests: totals.requests,
        inputTokens: totals.inputTokens,
        outputTokens: totals.outputTokens,
        costUsd: sumUsd(items.map((r) => r.costUsd)),
      },
      storage: { usedBytes: held.usedBytes, limitBytes: held.limitBytes, files: held.files },
    });
  },
);
