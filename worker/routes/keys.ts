import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { createApiKey, requireSession, requireUser, revokeApiKey } from '../auth/index.ts';
import { listApiKeys, type ApiKeyRow } from '../db/api-keys.ts';
import { validate } from '../validation.ts';
import { createKeyBody, keyIdParam } from '../schemas/keys.ts';

/** API keys of the signed-in user. A key cannot manage keys: one leaked key must not mint others or outlive its revocation. */
export const keys = new Hono<AppEnv>()
  .use(requireUser)
  .use(requireSession('API keys'))

  .get('/', async (c) => c.json({ items: (await listApiKeys(c.var.db, c.var.subject.claims)).map(toKey) }))

  .post('/', validate('json', createKeyBody), async (c) => {
    const created = await createApiKey(c.env, c.var.db, c.var.subject, c.req.valid('json').name);
    return c.json({ ...toKey(created), key: created.secret }, 201);
  })

  .delete('/:id', validate('param', keyIdParam), async (c) => {
    await revokeApiKey(c.env, c.var.db, c.var.subject, c.req.valid('param').id);
    return c.body(null, 204);
  });

const toKey = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});
