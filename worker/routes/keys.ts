import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { createApiKey, requireSession, requireUser, revokeApiKey } from '../auth/index.ts';
import { listApiKeys, type ApiKeyRow } from '../db/api-keys.ts';
import { validate } from '../validation.ts';
import { createdKeySchema, createKeyBody, keyIdParam, keyListSchema } from '../schemas/keys.ts';
import { describe } from '../openapi/describe.ts';

const keysApi = { tag: 'keys', security: ['session'] } as const;
const keyForbidden = { description: 'Called with an API key: keys are managed by signing in (forbidden)' };
const limitsUnavailable = { description: 'Keys cannot be changed right now (limits_unavailable)' };

/** API keys of the signed-in user. A key cannot manage keys: one leaked key must not mint others or outlive its revocation. */
export const keys = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireSession('API keys'))

  .get(
    '/',
    describe({
      ...keysApi,
      summary: 'Your live API keys (their prefixes, never their secrets)',
      responses: { 200: { description: 'Keys, newest first', schema: keyListSchema }, 403: keyForbidden },
    }),
    async (c) => c.json({ items: (await listApiKeys(c.var.db, c.var.subject.claims)).map(toKey) }),
  )

  .post(
    '/',
    describe({
      ...keysApi,
      summary:
        'Create an API key for the /v1 API. The secret (`key`) is shown in this answer once and never again: store it now',
      responses: {
        201: { description: 'Created, with its secret', schema: createdKeySchema },
        403: keyForbidden,
        503: limitsUnavailable,
      },
    }),
    validate('json', createKeyBody),
    async (c) => {
      const created = await createApiKey(c.env, c.var.db, c.var.subject, c.req.valid('json').name);
      return c.json({ ...toKey(created), key: created.secret }, 201);
    },
  )

  .delete(
    '/:id',
    describe({
      ...keysApi,
      summary: 'Revoke an API key: it stops working when this returns',
      responses: {
        204: { description: 'Revoked (again, if it already was)' },
        403: keyForbidden,
        404: { description: 'No such key, or not yours (not_found)' },
        503: limitsUnavailable,
      },
    }),
    validate('param', keyIdParam),
    async (c) => {
      await revokeApiKey(c.env, c.var.db, c.var.subject, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

const toKey = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});
