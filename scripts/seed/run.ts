// `npm run seed`'s work, callable from a test: sample data for the demo user on a running stack.
// Postgres first (conversations, messages, usage and its daily roll-up, and a community of other
// users with a widget site, refusals, timings and invoices for the operators' page), then the Worker (keys,
// site), so the owner's Limiter, first woken by a key, counts the seeded month's tokens.
import { SEED_CONVERSATIONS } from './content.ts';
import { connectSeedDb, writeSeedRows, type DatabaseResult } from './database.ts';
import { seedRows } from './rows.ts';
import { communityRows } from './community.ts';
import { operationsRows } from './operations.ts';
import { ParleyApi, SeedError } from './worker-api.ts';

export const DEMO_EMAIL = 'demo@parley.local';
export const DEFAULT_PARLEY_URL = 'http://127.0.0.1:8787';
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4444/sql';

export type SeedOptions = { parleyUrl: string; gatewayUrl: string; now?: Date };
export type SeedResult = DatabaseResult & { userId: string; keysCreated: number; sitesCreated: number };

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const api = new ParleyApi(options.parleyUrl.replace(/\/+$/, ''));
  await api.checkHealth();
  const db = connectSeedDb(options.gatewayUrl);
  try {
    await db.execute('select 1');
  } catch (error) {
    throw new SeedError(
      `The database gateway at ${options.gatewayUrl} does not answer (${(error as Error).message}). \`npm start\` prints its URL ("database … via"); set DATABASE_HTTP_ENDPOINT to it if it is not the default.`,
    );
  }
  const userId = await api.signIn(DEMO_EMAIL);
  const community = communityRows(now);
  const written = await writeSeedRows(
    db,
    { id: userId, email: DEMO_EMAIL },
    seedRows(userId, SEED_CONVERSATIONS, now),
    community,
    operationsRows(community, now),
    now,
  );
  const keysCreated = await api.ensureKeys();
  const sitesCreated = await api.ensureSite();
  return { userId, ...written, keysCreated, sitesCreated };
}
