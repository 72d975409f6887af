import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { findSite, listSites } from '../db/sites.ts';
import { notFound } from '../errors.ts';
import { validate } from '../validation.ts';
import { createSite, deleteSite, updateSite } from '../sites/manage-sites.ts';
import { themeOf, type SiteRow } from '../sites/site-config.ts';
import { createSiteBody, siteIdParam, updateSiteBody } from '../schemas/sites.ts';

/** The signed-in user's widget sites. An API key cannot manage them, as it cannot manage keys. */
export const sites = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireSession('Sites'))

  .get('/', async (c) => c.json({ items: (await listSites(c.var.db, c.var.subject.claims)).map(toSite) }))

  .post('/', validate('json', createSiteBody), async (c) => {
    const row = await createSite(c.env, c.var.db, c.var.subject, c.req.valid('json'));
    return c.json(toSite(row), 201);
  })

  .get('/:id', validate('param', siteIdParam), async (c) => {
    const row = await findSite(c.var.db, c.var.subject.claims, c.req.valid('param').id);
    if (!row) throw notFound('Site not found');
    return c.json(toSite(row));
  })

  .patch('/:id', validate('param', siteIdParam), validate('json', updateSiteBody), async (c) => {
    const row = await updateSite(c.env, c.var.db, c.var.subject, c.req.valid('param').id, c.req.valid('json'));
    return c.json(toSite(row));
  })

  // The widget stops working when this returns; its visitors' conversations stay the owner's.
  .delete('/:id', validate('param', siteIdParam), async (c) => {
    await deleteSite(c.env, c.var.db, c.var.subject, c.req.valid('param').id);
    return c.body(null, 204);
  });

const toSite = (row: SiteRow) => ({
  id: row.id,
  name: row.name,
  publicKey: row.publicKey,
  allowedOrigins: row.allowedOrigins,
  model: row.model,
  systemPrompt: row.systemPrompt,
  greeting: row.greeting,
  theme: themeOf(row.theme),
  visitorRequestsPerMinute: row.visitorRequestsPerMinute,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
