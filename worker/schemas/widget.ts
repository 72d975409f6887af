// Request and response schemas of the widget's routes, called by visitors from host pages: the
// routes validate with these and the OpenAPI document is generated from them.
import * as z from 'zod';
import { text } from './text.ts';
import { themeSchema } from './sites.ts';

export const MAX_VISITOR_CONTENT_CHARS = 4000;

export const widgetSessionBody = z.strictObject({
  siteKey: text().min(1).max(200).describe("The site's public key, pk_site_…"),
  credential: text()
    .max(2000)
    .optional()
    .describe(
      "The visitor credential from an earlier session of this site (the widget keeps it in the host page's localStorage): the same visitor, with their conversations. Absent, expired or not valid: a new visitor. Another site's: 401 visitor_credential_wrong_site",
    ),
  turnstileToken: text()
    .max(2048)
    .optional()
    .describe(
      "The token of the site's Cloudflare Turnstile challenge, when the site has Turnstile on and answered 403 turnstile_required",
    ),
  visitorId: z
    .string()
    .max(200)
    .optional()
    .describe(
      'Ignored (sent by widgets from before visitor credentials): a visitor id is never taken from a request, so its sender is a new visitor',
    ),
});

export const widgetSessionSchema = z.object({
  token: z.string().describe('The visitor token: send it as Authorization: Bearer on /api/widget/conversations/*'),
  expiresAt: z.number().int().describe('Unix seconds (15 minutes): ask for a new session before then'),
  visitorId: z.uuid().describe('Minted by Parley, bound to the site; named by the credential'),
  credential: z
    .string()
    .describe(
      'The visitor credential (30 days): keep it and send it with the next session to stay this visitor. The one sent while it has more than half its life left, else a new one',
    ),
  credentialExpiresAt: z.number().int().describe("Unix seconds: the credential's expiry"),
  returning: z.boolean().describe('True when the credential sent named this visitor; false for a new visitor'),
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
