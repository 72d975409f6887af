// Request and response schemas of the widget's routes, called by visitors from host pages: the
// routes validate with these and the OpenAPI document is generated from them.
import * as z from 'zod';
import { text } from './text.ts';
import { themeSchema } from './sites.ts';

export const MAX_VISITOR_CONTENT_CHARS = 4000;

export const widgetSessionBody = z.strictObject({
  siteKey: text().min(1).max(200).describe("The site's public key, pk_site_…"),
  visitorId: z
    .uuid()
    .optional()
    .describe("The visitor id from an earlier session (kept in the host page's localStorage); absent: a new visitor"),
});

export const widgetSessionSchema = z.object({
  token: z.string().describe('The visitor token: send it as Authorization: Bearer on /api/widget/conversations/*'),
  expiresAt: z.number().int().describe('Unix seconds (15 minutes): ask for a new session before then'),
  visitorId: z.uuid(),
  site: z.object({
    name: z.string(),
    greeting: z.string().nullable(),
    theme: themeSchema,
    model: z.object({ id: z.string(), label: z.string() }),
  }),
});

export const widgetConversationIdParam = z.object({ id: z.uuid() });

export const widgetSendBody = z.strictObject({
  // Length is checked by the route so an oversized message gets 413, as in the app.
  content: text()
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .describe(`1 to ${MAX_VISITOR_CONTENT_CHARS.toLocaleString('en')} characters`),
});

export const widgetConversationSchema = z.object({ id: z.uuid(), createdAt: z.iso.datetime() });

const widgetMessageSchema = z.object({
  id: z.uuid(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(['streaming', 'complete', 'stopped', 'error']),
  stopReason: z.string().nullable(),
  errorCode: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const widgetConversationWithMessagesSchema = z.object({ id: z.uuid(), messages: z.array(widgetMessageSchema) });
