import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { findSite, listSites } from '../db/sites.ts';
import { notFound } from '../errors.ts';
import { validate } from '../validation.ts';
import { createSite, deleteSite, updateSite } from '../sites/manage-sites.ts';
import { themeOf } from '../sites/site-config.ts';
import type { OwnedSite } from '../db/sites.ts';
import { publicSuffixOrigins } from '../sites/origins.ts';
import { createSiteBody, siteIdParam, siteListSchema, siteSchema, updateSiteBody } from '../schemas/sites.ts';
import { describe } from '../openapi/describe.ts';
import { siteView } from './site-view.ts';

const sitesApi = { tag: 'sites', security: ['session'] } as const;
const siteForbidden = { description: 'Called with an API key: sites are managed by signing in (forbidden)' };
const modelForbidden = {
  description:
    'Called with an API key (forbidden), or the model (or, with none, the default model) is not in your plan: model_not_in_plan names the plan and the models it includes',
};
const siteNotFound = { description: 'No such site, or not yours' };
const sitesUnavailable = {
  description:
    "The site's Durable Object could not be reached: nothing is left half done, try again (sites_unavailable)",
};

/** The signed-in user's widget sites. An API key cannot manage them, as it cannot manage keys. */
export const sites = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireSession('Sites'))

  .get(
    '/',
    describe({
      ...sitesApi,
      summary: 'Your widget sites, newest first',
      responses: { 200: { description: 'Sites', schema: siteListSchema }, 403: siteForbidden },
    }),
    async (c) => c.json({ items: (await listSites(c.var.db, c.var.subject.claims)).map(toSite) }),
  )

  .post(
    '/',
    describe({
      ...sitesApi,
      summary: 'Create a widget site: its public key goes in the script tag of the pages on its allowed origins',
      responses: {
        201: { description: 'Created', schema: siteSchema },
        400: {
          description:
            'A bad field, named (an allowed origin that is not one, or is a public suffix or a wildcard over one, is quoted), or unknown_model',
        },
        403: modelForbidden,
        503: sitesUnavailable,
      },
    }),
    validate('json', createSiteBody),
    async (c) => {
      const row = await createSite(c.env, c.var.db, c.var.subject, c.req.valid('json'));
      return c.json(toSite(row), 201);
    },
  )

  .get(
    '/:id',
    describe({
      ...sitesApi,
      summary: 'One of your sites',
      responses: { 200: { description: 'Site', schema: siteSchema }, 403: siteForbidden, 404: siteNotFound },
    }),
    validate('param', siteIdParam),
    async (c) => {
      const row = await findSite(c.var.db, c.var.subject.claims, c.req.valid('param').id);
      if (!row) throw notFound('Site not found');
      return c.json(toSite(row));
    },
  )

  .patch(
    '/:id',
    describe({
      ...sitesApi,
      summary: "Change a site (any of its fields; theme fields merge): visitors' next requests use the change",
      responses: {
        200: { description: 'Updated', schema: siteSchema },
        400: { description: 'A bad field, named, or unknown_model' },
        403: modelForbidden,
        404: siteNotFound,
        503: sitesUnavailable,
      },
    }),
    validate('param', siteIdParam),
    validate('json', updateSiteBody),
    async (c) => {
      const row = await updateSite(c.env, c.var.db, c.var.subject, c.req.valid('param').id, c.req.valid('json'));
      return c.json(toSite(row));
    },
  )

  // The widget stops working when this returns; its visitors' conversations stay the owner's.
  .delete(
    '/:id',
    describe({
      ...sitesApi,
      summary:
        "Delete a site: its widget stops working when this returns (its visitors' conversations stay yours, read-only)",
      responses: { 204: { description: 'Deleted' }, 403: siteForbidden, 404: siteNotFound, 503: sitesUnavailable },
    }),
    validate('param', siteIdParam),
    async (c) => {
      await deleteSite(c.env, c.var.db, c.var.subject, c.req.valid('param').id);
      return c.body(null, 204);
    },
  )

  // One site's owner view: its visitors' conversations, insights, and a visitor's data deleted.
  .route('/', siteView);

const toSite = (row: OwnedSite) => ({
  id: row.id,
  name: row.name,
  publicKey: row.publicKey,
  allowedOrigins: row.allowedOrigins,
  model: row.model,
  systemPrompt: row.systemPrompt,
  greeting: row.greeting,
  theme: themeOf(row.theme),
  visitorRequestsPerMinute: row.visitorRequestsPerMinute,
  retentionDays: row.retentionDays,
  modelNotice: row.modelNotice ?? null,
  publicSuffixOrigins: publicSuffixOrigins(row.allowedOrigins),
  sessionsPerIpPerMinute: row.sessionsPerIpPerMinute,
  conversationsPerVisitorPerHour: row.conversationsPerVisitorPerHour,
  dailyTokenBudget: row.dailyTokenBudget,
  // The secret is never returned (the owner's reads cannot select it); a site key means one is stored.
  turnstile: row.turnstileSiteKey ? { siteKey: row.turnstileSiteKey } : null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
