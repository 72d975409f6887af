import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import { search as searchConversations } from '../search/results.ts';
import { searchQuery, searchResultsSchema } from '../schemas/search.ts';

/**
 * Full-text search over the caller's own conversations (titles and message text), read from
 * Postgres under RLS: a reply is found once its room has written it behind, seconds after it ends.
 */
export const search = new Hono<AppEnv>().use(requireUser).get(
  '/',
  describe({
    summary:
      'Search your conversations: titles and message text, newest match first, each with a snippet and the message to open',
    tag: 'conversations',
    security: ['session', 'apiKey'],
    responses: {
      200: { description: 'Conversations found (at most `limit`)', schema: searchResultsSchema },
      400: { description: 'No words, or more than 200 characters (invalid_request)' },
      503: { description: 'The database cannot be reached (database_unavailable)' },
    },
  }),
  validate('query', searchQuery),
  async (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ items: await searchConversations(c.var.db, c.var.subject.claims, q, limit) });
  },
);
