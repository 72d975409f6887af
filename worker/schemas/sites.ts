// Request and response schemas of the owner's site routes: the routes validate with these and the
// OpenAPI document is generated from them.
import * as z from 'zod';
import { text } from './text.ts';
import { parseAllowedOrigin } from '../sites/origins.ts';
import {
  DEFAULT_SITE_LIMITS,
  SITE_LIMIT_RANGES,
  THEME_POSITIONS,
  THEME_SCHEMES,
  type SiteLimits,
} from '../sites/site-config.ts';

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
  visitorRequestsPerMinute: limit('visitorRequestsPerMinute', 'Messages a minute each visitor may send'),
  sessionsPerIpPerMinute: limit(
    'sessionsPerIpPerMinute',
    'Widget sessions a minute from one IP address (any 60 seconds); past it: 429 site_session_rate_limited',
  ),
  conversationsPerVisitorPerHour: limit(
    'conversationsPerVisitorPerHour',
    'Conversations each visitor may start in any hour; past it: 429 visitor_conversation_limit',
  ),
  dailyTokenBudget: limit(
    'dailyTokenBudget',
    'Tokens (input and output) all visitors together may use a UTC day; once spent, visitors get 429 site_daily_budget_spent until midnight UTC',
  ),
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .nullable()
    .describe(
      "Visitors' conversations with no activity for this many days are deleted (hourly, from their rooms and the database); null (the default): kept until deleted",
    ),
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

/** One of a site's limits: a whole number in its range, described with its default. */
function limit(name: keyof SiteLimits, description: string) {
  const { min, max } = SITE_LIMIT_RANGES[name];
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .describe(
      `${description} (${min.toLocaleString('en')} to ${max.toLocaleString('en')}; default ${DEFAULT_SITE_LIMITS[name].toLocaleString('en')})`,
    );
}

export const createSiteBody = z.strictObject({
  name: siteFields.name,
  allowedOrigins: siteFields.allowedOrigins,
  model: siteFields.model.optional(),
  systemPrompt: siteFields.systemPrompt.optional(),
  greeting: siteFields.greeting.optional(),
  theme: siteFields.theme.optional(),
  visitorRequestsPerMinute: siteFields.visitorRequestsPerMinute.optional(),
  retentionDays: siteFields.retentionDays.optional(),
  sessionsPerIpPerMinute: siteFields.sessionsPerIpPerMinute.optional(),
  conversationsPerVisitorPerHour: siteFields.conversationsPerVisitorPerHour.optional(),
  dailyTokenBudget: siteFields.dailyTokenBudget.optional(),
  turnstile: siteFields.turnstile.optional(),
});

export const updateSiteBody = createSiteBody
  .partial()
  .refine(
    (body) => Object.keys(body).length > 0,
    'nothing to change: send any of name, allowedOrigins, model, systemPrompt, greeting, theme, visitorRequestsPerMinute, sessionsPerIpPerMinute, conversationsPerVisitorPerHour, dailyTokenBudget, retentionDays, turnstile',
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
  retentionDays: z
    .number()
    .int()
    .nullable()
    .describe("Days of inactivity after which visitors' conversations are deleted; null: never"),
  modelNotice: z
    .object({ from: z.string(), to: z.string(), tier: z.string(), at: z.iso.datetime() })
    .nullable()
    .describe(
      "Set when a plan change switched the site's model to one the plan includes (from, to, the tier, when); null again once you set the model",
    ),
  publicSuffixOrigins: z
    .array(z.string())
    .describe(
      'Allowed origins saved before public suffixes were refused (a wildcard like https://*.github.io): still served, but anyone with a page there can use the widget. Remove them',
    ),
  sessionsPerIpPerMinute: z.number().int(),
  conversationsPerVisitorPerHour: z.number().int(),
  dailyTokenBudget: z.number().int(),
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
