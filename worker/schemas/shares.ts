// Request and response schemas of share links and exports (the routes validate with them; OpenAPI is generated from them).
import * as z from 'zod';

/** A link may be set to expire at most this far ahead (or never, by leaving expiresAt out). */
export const MAX_SHARE_DAYS = 366;

export const createShareBody = z.strictObject({
  expiresAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .describe(
      `When the link stops working (ISO 8601, in the future, at most ${MAX_SHARE_DAYS} days ahead); left out or null: never`,
    ),
});

export const shareIdParam = z.object({ id: z.uuid() });

export const shareSchema = z.object({
  id: z.uuid(),
  url: z.url().describe('The public, read-only page: anyone with it can read the conversation as it was when shared'),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
});

export const shareListSchema = z.object({
  items: z.array(
    shareSchema.extend({
      conversationId: z.uuid(),
      title: z.string().nullable().describe("The conversation's title now"),
      expired: z.boolean(),
    }),
  ),
});

export const exportQuery = z.object({
  format: z.enum(['md', 'json']).default('md').describe("md: Markdown to read; json: the API's own shapes"),
});
