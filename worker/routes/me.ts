import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { ensureProfile, getOwnProfile } from '../db/profiles.ts';
import { notFound } from '../errors.ts';
import { userLimiter } from '../usage/limiters.ts';
import { describe } from '../openapi/describe.ts';
import { isOperator } from '../auth/require-operator.ts';

/** The signed-in user's profile, plan and this month's quota, as their Limiter counts it (settled replies at once, reservations apart). */
export const me = new Hono<AppEnv>()
  .use(requireUser)
  .get(
    '/',
    describe({
      summary: 'Your profile, plan and monthly quota {limit, used, reserved, resetsAt}',
      tag: 'account',
      security: ['session', 'apiKey'],
      responses: {
        200: { description: 'Profile' },
        503: { description: 'The database cannot be reached (database_unavailable)' },
      },
    }),
    async (c) => {
      const { claims, userId, email } = c.var.subject;
      await ensureProfile(c.var.db, userId, email);
      const profile = await getOwnProfile(c.var.db, claims);
      if (!profile) throw notFound('Profile not found');
      const { plan, limit, used, reserved, resetsAt } = await userLimiter(c.env, userId).quota(userId);
      return c.json({
        id: profile.id,
        email: profile.email,
        displayName: profile.displayName,
        tier: profile.tier,
        createdAt: profile.createdAt.toISOString(),
        plan,
        quota: { limit, used, reserved, resetsAt },
      });
    },
  )
  // Whether to offer the operators' page: read from the token alone, so an app load asks no database.
  .get(
    '/operator',
    describe({
      summary: "Whether you are one of Parley's operators {operator} (a signed-in session in OPERATOR_EMAILS)",
      tag: 'account',
      security: ['session', 'apiKey'],
      responses: { 200: { description: '{operator: boolean}' } },
    }),
    (c) => c.json({ operator: isOperator(c.env, c.var.subject) }),
  );
