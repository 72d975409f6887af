// What Postgres itself holds, read through the database gateway with the same driver the Worker
// uses, as the database owner (no row-level security in the way). Only this proves a write
// behind landed: the API may answer from a Durable Object's own storage.
import { neon, neonConfig } from '@neondatabase/serverless';

export type StoredMessage = { id: string; conversationId: string; role: string; status: string; content: string };

// The driver checks the URL's shape; the gateway ignores its contents.
const CONNECTION_STRING = 'postgresql://bench@127.0.0.1/parley';

/** Every message of these conversations. */
export async function storedMessages(gatewayUrl: string, conversationIds: string[]): Promise<StoredMessage[]> {
  if (conversationIds.length === 0) return [];
  neonConfig.fetchEndpoint = gatewayUrl;
  const sql = neon(CONNECTION_STRING);
  const rows = await sql.query(
    `select id::text, conversation_id::text as "conversationId", role, status, content
       from messages where conversation_id = any($1::uuid[])`,
    [conversationIds],
  );
  return rows as StoredMessage[];
}

/** The bench user's plan: far above what any phase asks for. */
export const LIFTED_LIMITS = { monthlyTokens: null, requestsPerMinute: 1_000_000, concurrentStreams: 10_000 };

/**
 * Lifts the bench user's limits (an enterprise contract with overrides, as the Limiter reads them
 * from `profiles`): the bench sends hundreds of requests a minute and 200 streams at once, which
 * no plan allows, and measures the send path with its limit checks, not the limits themselves.
 * The plan's requests a minute fill every subject's bucket, the user's and each API key's, so
 * this covers the bench's key too. The Limiter reads the plan when it is first used: call this
 * before the user's first send or key.
 */
export async function liftLimits(gatewayUrl: string, userId: string) {
  neonConfig.fetchEndpoint = gatewayUrl;
  const sql = neon(CONNECTION_STRING);
  await sql.query(
    `insert into profiles (id, tier, limits) values ($1, 'enterprise', $2::jsonb)
       on conflict (id) do update set tier = excluded.tier, limits = excluded.limits`,
    [userId, JSON.stringify(LIFTED_LIMITS)],
  );
}
