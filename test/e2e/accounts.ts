// Accounts in a given state for the browser tests, written straight into Postgres before the user's
// first sign-in (the Limiter reads the profile's limits when it first wakes, on the first request).
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { conversations, messages, profiles, sites, usageDaily } from '../../drizzle/schema.ts';
import { signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

/** A new user whose own limits replace the free tier's (e.g. `{ monthlyTokens: 0 }`: the month used up), signed in on `page` at `path`. */
export async function signInWithLimits(page: Page, limits: Record<string, number | null>, path = '/') {
  const email = `limits-${crypto.randomUUID()}@example.com`;
  const { userId } = await devSession(email);
  await database().insert(profiles).values({ id: userId, email, limits }).onConflictDoUpdate({
    target: profiles.id,
    set: { limits },
  });
  await signInByEmail(page, path, email);
  return { email, userId };
}

function database() {
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  return drizzle(neon('postgresql://parley@127.0.0.1/parley'));
}

/** A conversation of `count` messages (questions and plain replies, long enough to fill a screen) made long ago, straight in Postgres; its id. */
export async function seedConversation(userId: string, count: number, model = 'anthropic/claude-sonnet-5-5') {
  const db = database();
  const id = crypto.randomUUID();
  const start = Date.now() - count * 60_000;
  await db.insert(conversations).values({ id, userId, title: 'Seeded', model });
  await db.insert(messages).values(
    Array.from({ length: count }, (_, i) => ({
      conversationId: id,
      userId,
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content:
        i % 2 === 0 ? `Question ${i}` : `Answer ${i}: a paragraph long enough to take a few lines.\n\n`.repeat(3),
      model: i % 2 === 0 ? null : model,
      provider: i % 2 === 0 ? null : model.split('/')[0]!,
      status: 'complete' as const,
      createdAt: new Date(start + i * 60_000),
    })),
  );
  return id;
}

/** Rows of the hourly usage roll-up for `userId` today (what the Usage page reads), straight in Postgres. */
export async function seedUsage(
  userId: string,
  rows: Array<{ model: string; requests: number; inputTokens: number; outputTokens: number; costUsd: string }>,
) {
  const day = new Date().toISOString().slice(0, 10);
  await database()
    .insert(usageDaily)
    .values(rows.map((row) => ({ userId, day, ...row })));
}

/** A site of `userId` written straight into Postgres, as one saved before today's checks holds it; its id. */
export async function seedSite(
  userId: string,
  fields: Partial<Pick<typeof sites.$inferInsert, 'name' | 'allowedOrigins' | 'model' | 'modelNotice'>>,
) {
  const db = database();
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  const [row] = await db
    .insert(sites)
    .values({
      userId,
      name: 'Seeded site',
      publicKey: `pk_site_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`,
      allowedOrigins: ['https://shop.example'],
      ...fields,
    })
    .returning({ id: sites.id });
  return row!.id;
}
