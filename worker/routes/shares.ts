import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { listShares, revokeShare } from '../db/shares.ts';
import { notFound } from '../errors.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import { shareIdParam, shareListSchema } from '../schemas/shares.ts';
import { shareUrl } from '../sharing/shares.ts';

const sharesApi = { tag: 'sharing', security: ['session'] } as const;
const keyForbidden = { description: 'Called with an API key: share links are managed by signing in (forbidden)' };

/** The signed-in user's share links (made with POST /api/conversations/:id/shares). */
export const shares = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireSession('Share links'))

  .get(
    '/',
    describe({
      ...sharesApi,
      summary: 'Your share links that are not revoked (expired ones included, marked), newest first',
      responses: { 200: { description: 'Links', schema: shareListSchema }, 403: keyForbidden },
    }),
    async (c) => {
      const origin = new URL(c.req.url).origin;
      const now = Date.now();
      const rows = await listShares(c.var.db, c.var.subject.claims);
      return c.json({
        items: rows.map((row) => ({
          id: row.id,
          conversationId: row.conversationId,
          title: row.conversationTitle ?? row.title,
          url: shareUrl(origin, row.token),
          createdAt: row.createdAt.toISOString(),
          expiresAt: row.expiresAt?.toISOString() ?? null,
          expired: row.expiresAt !== null && row.expiresAt.getTime() <= now,
        })),
      });
    },
  )

  .delete(
    '/:id',
    describe({
      ...sharesApi,
      summary: 'Revoke a share link: its page says so from now on, and its copy of the conversation is deleted',
      responses: {
        204: { description: 'Revoked (again, if it already was)' },
        403: keyForbidden,
        404: { description: 'No such link, or not yours (not_found)' },
      },
    }),
    validate('param', shareIdParam),
    async (c) => {
      if (!(await revokeShare(c.var.db, c.var.subject.claims, c.req.valid('param').id)))
        throw notFound('No such share link');
      return c.body(null, 204);
    },
  );
