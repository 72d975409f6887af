// The Limiter's refusals, counted: one message per user, UTC day, reason and subject type, carrying
// the running total so far. Totals only grow within a day, so the consumer keeps the larger of what
// it has and what arrives: redelivered, late or reordered messages never count twice.
import * as z from 'zod';
import { SUBJECT_TYPES } from '../../drizzle/schema.ts';

/** Why the Limiter said no: the operators' refusal reasons. */
export const REFUSAL_REASONS = [
  'quota_exceeded',
  'quota_in_use',
  'requests_per_minute',
  'concurrent_streams',
  'model_not_in_plan',
  'invalid_api_key',
  // A widget visitor's (issue 23): the widget's own reply slots, and a site's daily token budget spent or held by replies in progress.
  'widget_concurrent_streams',
  'site_daily_budget_spent',
  'site_daily_budget_in_use',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export const refusalCountMessage = z.object({
  kind: z.literal('refusals'),
  userId: z.uuid(),
  day: z.iso.date(),
  reason: z.enum(REFUSAL_REASONS),
  subjectType: z.enum(SUBJECT_TYPES),
  count: z.number().int().positive().max(2_147_483_647),
});
export type RefusalCountMessage = z.infer<typeof refusalCountMessage>;
