import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { ensureProfile, getOwnProfile } from '../db/profiles.ts';
import { notFound } from '../errors.ts';
import { monthlyQuota } from '../usage/quota.ts';

/** The signed-in user's profile, tier and this month's quota. */
export const me = new Hono<AppEnv>().use(requireUser).get('/', async (c) => {
  const { claims, userId, email } = c.var.subject;
  await ensureProfile(c.var.db, userId, email);
  const profile = await getOwnProfile(c.var.db, claims);
  if (!profile) throw notFound('Profile not found');
  const quota = await monthlyQuota(c.var.db, claims, profile.tier);
  return c.json({
    id: profile.id,
    email: profile.email,
    displayName: profile.displayName,
    tier: profile.tier,
    createdAt: profile.createdAt.toISOString(),
    quota,
  });
});
