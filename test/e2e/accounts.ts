// Accounts in a given state for the browser tests, written straight into Postgres before the user's
// first sign-in (the Limiter reads the profile's limits when it first wakes, on the first request).
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { profiles } from '../../drizzle/schema.ts';
import { signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

/** A new user whose own limits replace the free tier's (e.g. `{ monthlyTokens: 0 }`: the month used up), signed in on `page` at `path`. */
export async function signInWithLimits(page: Page, limits: Record<string, number | null>, path = '/') {
  const email = `limits-${crypto.randomUUID()}@example.com`;
  const { userId } = await devSession(email);
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  const db = drizzle(neon('postgresql://parley@127.0.0.1/parley'));
  await db.insert(profiles).values({ id: userId, email, limits }).onConflictDoUpdate({
    target: profiles.id,
    set: { limits },
  });
  await signInByEmail(page, path, email);
  return { email, userId };
}
