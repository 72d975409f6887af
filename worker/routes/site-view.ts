// A site's owner view (the Sites page, one site at a time): its visitors' conversations, read-only
// and searchable, the questions they ask most, tokens and cost per day, refusals per day and
// reason, and deleting one visitor's data. Mounted inside the sites routes (routes/sites.ts), so
// the owner's session is checked there; every read runs as the owner under RLS.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { listConversationsForUser } from '../db/conversations.ts';
import { findSite } from '../db/sites.ts';
import { siteRefusalsByDay, siteUsageByDay, topQuestions, windowStart } from '../db/site-insights.ts';
import { notFound } from '../errors.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import { searchSite } from '../search/results.ts';
import { eraseVisitor } from '../sites/visitor-data.ts';
import { siteIdParam } from '../schemas/sites.ts';
import {
  siteConversationsQuery,
  siteConversationsSchema,
  siteInsightsSchema,
  siteVisitorParam,
  visitorDeletedSchema,
} from '../schemas/site-view.ts';
import type { Db } from '../db/client.ts';
import type { UserClaims } from '../db/as-user.ts';

const siteApi = { tag: 'sites', security: ['session'] } as const;
const siteForbidden = { description: 'Called with an API key: sites are managed by signing in (forbidden)' };
const siteNotFound = { description: 'No such site, or not yours (not_found)' };

export const siteView = new Hono<AppEnv>()
  .get(
    '/:id/conversations',
    describe({
      ...siteApi,
      summary:
        "The site's visitors' conversations, newest activity first, or those matching q (full-text, newest match first): read them with GET /api/conversations/:id",
      responses: {
        200: { description: 'Conversations', schema: siteConversationsSchema },
        400: { description: 'A bad query (invalid_request)' },
        403: siteForbidden,
        404: siteNotFound,
      },
    }),
    validate('param', siteIdParam),
    validate('query', siteConversationsQuery),
    async (c) => {
      const { id } = c.req.valid('param');
      const { q, limit } = c.req.valid('query');
      const { claims } = c.var.subject;
      await ownSite(c.var.db, claims, id);
      if (q !== undefined) {
        const found = await searchSite(c.var.db, claims, id, q, limit + 1);
        return c.json({
          items: found.slice(0, limit).map((row) => ({
            id: row.conversationId,
            title: row.title?.text ?? null,
            visitorId: row.visitorId,
            activeAt: row.activeAt,
            match: row.message,
          })),
          hasMore: found.length > limit,
        });
      }
      const page = await listConversationsForUser(c.var.db, claims, { limit, siteId: id });
      return c.json({
        items: page.items.map((row) => ({
          id: row.id,
          title: row.title,
          visitorId: row.visitorId,
          activeAt: row.activeAt.toISOString(),
          match: null,
        })),
        hasMore: page.hasMore,
      });
    },
  )

  .get(
    '/:id/insights',
    describe({
      ...siteApi,
      summary:
        "What the site's visitors ask most, its tokens and cost per day, and its visitors' refusals per day and reason, over the last 30 UTC days",
      responses: {
        200: { description: 'Insights', schema: siteInsightsSchema },
        403: siteForbidden,
        404: siteNotFound,
      },
    }),
    validate('param', siteIdParam),
    async (c) => {
      const { id } = c.req.valid('param');
      const { claims } = c.var.subject;
      await ownSite(c.var.db, claims, id);
      const now = new Date();
      const [questions, usage, refusals] = await Promise.all([
        topQuestions(c.var.db, claims, id, now),
        siteUsageByDay(c.var.db, claims, id, now),
        siteRefusalsByDay(c.var.db, claims, id, now),
      ]);
      return c.json({
        from: windowStart(now),
        to: now.toISOString().slice(0, 10),
        topQuestions: questions,
        usage,
        refusals,
      });
    },
  )

  .delete(
    '/:id/visitors/:visitorId',
    describe({
      ...siteApi,
      summary:
        "Delete one visitor's data on request: every conversation of theirs on this site, from its room and from Postgres (usage records, which hold no text, stay for billing)",
      responses: {
        200: { description: 'Deleted', schema: visitorDeletedSchema },
        403: siteForbidden,
        404: siteNotFound,
        503: {
          description:
            'Some conversations could not be deleted now (database_unavailable): those deleted stay deleted; repeat the request',
        },
      },
    }),
    validate('param', siteVisitorParam),
    async (c) => {
      const { id, visitorId } = c.req.valid('param');
      const { userId, claims } = c.var.subject;
      return c.json(await eraseVisitor(c.env, c.var.db, { userId, claims }, id, visitorId));
    },
  );

/** 404 unless the site is the caller's (RLS would show nothing of another's anyway: this says so). */
async function ownSite(db: Db, claims: UserClaims, id: string) {
  if (!(await findSite(db, claims, id))) throw notFound('Site not found');
}
