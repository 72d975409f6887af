// Refusals of one widget site's visitors, counted by the site owner's Limiter: one message per
// site, UTC day and reason, carrying the running total so far, which (as for the operators'
// refusal counts, refusal-count.ts) the consumer keeps the larger of: redelivered, late or
// reordered messages never count twice.
import * as z from 'zod';

/**
 * Why a visitor was refused, as the site's owner sees it counted: the Limiter's reasons
 * (refusal-count.ts), the site's own (origin_not_allowed), and any code a later refusal path
 * passes to countSiteRefusal (worker/sites/site-refusals.ts): a short snake_case word.
 */
export const siteRefusalReason = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a snake_case reason');

export const siteRefusalCountMessage = z.object({
  kind: z.literal('site-refusals'),
  userId: z.uuid(),
  siteId: z.uuid(),
  day: z.iso.date(),
  reason: siteRefusalReason,
  count: z.number().int().positive().max(2_147_483_647),
});
export type SiteRefusalCountMessage = z.infer<typeof siteRefusalCountMessage>;
/** One site refusal total: the owner, the site, the day, the reason and the count so far. */
export type SiteRefusalTotal = Omit<SiteRefusalCountMessage, 'kind'>;
