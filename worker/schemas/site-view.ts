// Request and response schemas of a site's owner view (routes/site-view.ts): the routes validate
// with these and the OpenAPI document is generated from them.
import * as z from 'zod';
import { searchQuery, searchResultSchema } from './search.ts';

export const siteVisitorParam = z.object({
  id: z.uuid(),
  visitorId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'a visitor id as shown with their conversations'),
});

export const siteConversationsQuery = z.object({
  q: searchQuery.shape.q
    .optional()
    .describe(
      "Words to find in this site's visitors' conversations (titles and message text, web search syntax); absent: the newest conversations",
    ),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const siteConversationSchema = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  visitorId: z.string().nullable().describe("The visitor's id on this site: delete their data with it"),
  activeAt: z.iso.datetime().describe('When its last message was sent'),
  match: searchResultSchema.shape.message.describe(
    'With q: the newest message that matched, with its snippet (null when only the title did); without q: null',
  ),
});
export const siteConversationsSchema = z.object({
  items: z.array(siteConversationSchema),
  hasMore: z.boolean().describe('More than `limit` matched: search to narrow, or page GET /api/conversations?siteId='),
});

export const siteInsightsSchema = z.object({
  from: z.iso.date().describe('First UTC day covered (29 days before `to`)'),
  to: z.iso.date().describe('Last UTC day covered: today'),
  topQuestions: z
    .array(z.object({ question: z.string(), count: z.number().int() }))
    .describe(
      "The most frequent first visitor messages of conversations started in the window: each conversation's first visitor message, lowercased, white space collapsed, punctuation trimmed at both ends; most asked first (at most 10)",
    ),
  usage: z
    .array(
      z.object({
        day: z.iso.date(),
        requests: z.number().int().describe('Replies'),
        inputTokens: z.number().int(),
        outputTokens: z.number().int(),
        costUsd: z.string().describe('Decimal USD'),
      }),
    )
    .describe('Per UTC day with any reply, oldest first, from the usage recorded for this site (as billed)'),
  refusals: z
    .array(z.object({ day: z.iso.date(), reason: z.string(), count: z.number().int() }))
    .describe(
      "Visitors' requests refused, per UTC day and reason (requests_per_minute, concurrent_streams, quota_exceeded, quota_in_use, model_not_in_plan, origin_not_allowed, and any other refusal code), oldest first; published within seconds",
    ),
});

export const visitorDeletedSchema = z.object({
  deleted: z.number().int().describe("The visitor's conversations deleted (0 when there were none left)"),
});
