// Request and response schemas of the owner's site routes: the routes validate with these and the
// OpenAPI document is generated from them.
import * as z from 'zod';
import { text } from './text.ts';
import { parseAllowedOrigin } from '../sites/origins.ts';
import { THEME_POSITIONS, THEME_SCHEMES } from '../sites/site-config.ts';

const MAX_ALLOWED_ORIGINS = 20;

const allowedOrigin = text()
  .max(300)
  .transform((entry, ctx) => {
    const parsed = parseAllowedOrigin(entry);
    if (parsed.ok) return parsed.origin;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

const allowedOrigins = z
  .array(allowedOrigin)
  .min(1)
  .max(MAX_ALLOWED_ORIGINS)
  .transform((origins) => [...new Set(origins)])
  .describe(
    'Exact origins (https://example.com, http://localhost:8080: scheme, host, optional port, no path) or https://*.example.com for every subdomain (not the apex); stored normalised',
  );

const themeInput = z
  .strictObject({
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb')
      .transform((color) => color.toLowerCase())
      .optional(),
    position: z.enum(THEME_POSITIONS).optional(),
    scheme: z.enum(THEME_SCHEMES).optional(),
  })
  .describe('Any of its fields; the others keep their value (on create: #3547d8, bottom-right, auto)');

const siteFields = {
  name: text().trim().min(1).max(100),
  allowedOrigins,
  model: text()
    .min(3)
    .max(200)
    .nullable()
    .describe("A model id from GET /api/models; null or absent: the server's default model when a reply starts"),
  systemPrompt: text().max(20_000).nullable(),
  greeting: text().trim().max(1000).nullable().describe("Shown by the widget before the visitor's first message"),
  theme: themeInput,
  visitorRequestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(600)
    .describe('Messages a minute each visitor may send (default 10)'),
  turnstile: z
    .strictObject({
      siteKey: text().trim().min(1).max(100).describe("The Turnstile widget's site key (public)"),
      secretKey: text()
        .trim()
        .min(1)
        .max(200)
        .optional()
        .describe(
          "The Turnstile widget's secret key: required to turn Turnstile on; absent on a change: the one stored stays. Never returned",
        ),
    })
    .nullable()
    .describe(
      "Cloudflare Turnstile before a new visitor's first session (a widget from the Cloudflare dashboard, its domains the site's); null: off",
    ),
};

export const createSiteBody = z.strictObject({
  name: siteFields.name,
  allowedOrigins: siteFields.allowedOrigins,
  model: siteFields.model.optional(),
  systemPrompt: siteFields.systemPrompt.optional(),
  greeting: siteFields.greeting.optional(),
  theme: siteFields.theme.optional(),
  visitorRequestsPerMinute: siteFields.visitorRequestsPerMinute.optional(),
  turnstile: siteFields.turnstile.optional(),
});

export const updateSiteBody = createSiteBody
  .partial()
  .refine(
    (body) => Object.keys(body).length > 0,
    'nothing to change: send any of name, allowedOrigins, model, systemPrompt, greeting, theme, visitorRequestsPerMinute, turnstile',
  );

export const siteIdParam = z.object({ id: z.uuid() });

export const themeSchema = z.object({
  color: z.string(),
  position: z.enum(THEME_POSITIONS),
  scheme: z.enum(THEME_SCHEMES),
});

export const siteSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  publicKey: z.string().describe("pk_site_…: goes in the host page's script tag (public)"),
  allowedOrigins: z.array(z.string()),
  model: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  greeting: z.string().nullable(),
  theme: themeSchema,
  visitorRequestsPerMinute: z.number().int(),
  turnstile: z
    .object({ siteKey: z.string() })
    .nullable()
    .describe(
      "Cloudflare Turnstile before a new visitor's first session, with the site key in use (its secret is stored, never returned); null: off",
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const siteListSchema = z.object({ items: z.array(siteSchema) });
