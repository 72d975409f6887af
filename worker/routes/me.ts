import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { readAccount } from '../db/account-export.ts';
import { accountDownload } from '../sharing/account-export.ts';
import { attachment } from '../sharing/export.ts';
import { ensureProfile, getOwnProfile } from '../db/profiles.ts';
import { AppError, notFound } from '../errors.ts';
import { userLimiter } from '../usage/limiters.ts';
import { describe } from '../openapi/describe.ts';
import { isOperator } from '../auth/require-operator.ts';
import { validate } from '../validation.ts';
import { customInstructionsSchema, updateMeBody } from '../schemas/me.ts';
import { setCustomInstructions } from '../account/instructions.ts';
import { modelsInPlan } from '../usage/plan-models.ts';

/** The signed-in user's profile, plan and this month's quota, as their Limiter counts it (settled replies at once, reservations apart). */
export const me = new Hono<AppEnv>()
  .use(requireUser)
  .get(
    '/',
    describe({
      summary: 'Your profile, custom instructions, plan and monthly quota {limit, used, reserved, resetsAt}',
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
        customInstructions: profile.customInstructions,
        plan,
        allowedModels: modelsInPlan(c.env, plan),
        quota: { limit, used, reserved, resetsAt },
      });
    },
  )
  // Only what a person sets about themselves: the tier and Stripe fields are the service's.
  .patch(
    '/',
    describe({
      summary:
        "Set your custom instructions {customInstructions}: put before every reply of your own conversations, ahead of the conversation's system prompt (not widget visitors' replies, not /v1)",
      tag: 'account',
      security: ['session', 'apiKey'],
      responses: {
        200: { description: 'As saved (null when cleared)', schema: customInstructionsSchema },
        400: { description: 'Longer than 4,000 characters, or not a string or null (invalid_request)' },
        503: { description: 'The database or your Limiter cannot be reached: save again' },
      },
    }),
    validate('json', updateMeBody),
    async (c) => {
      const { userId, email } = c.var.subject;
      await ensureProfile(c.var.db, userId, email);
      const customInstructions = await setCustomInstructions(
        c.env,
        c.var.db,
        userId,
        c.req.valid('json').customInstructions,
      );
      return c.json({ customInstructions });
    },
  )
  // The plan and the models it includes, from the Limiter alone (no database): the model picker
  // locks the others, so the chat screen never waits on Postgres for it.
  .get(
    '/plan',
    describe({
      summary:
        'Your plan {tier, plan, allowedModels}: its limits and the ids of the models on offer it includes (a send with another is refused, model_not_in_plan)',
      tag: 'account',
      security: ['session', 'apiKey'],
      responses: {
        200: { description: 'The plan' },
        503: { description: 'Your limits could not be read (limits_unavailable)' },
      },
    }),
    async (c) => {
      const { userId } = c.var.subject;
      const { tier, plan } = await userLimiter(c.env, userId)
        .quota(userId)
        .catch((cause: unknown) => {
          throw new AppError(503, 'limits_unavailable', 'Your plan could not be read right now: try again shortly', {
            cause,
          });
        });
      return c.json({ tier, plan, allowedModels: modelsInPlan(c.env, plan) });
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
  )
  // Everything Parley holds of you, as one JSON file: what a GDPR access or portability request asks for.
  .get(
    '/export',
    describe({
      summary:
        'Download all your data as one JSON file: profile, plan and quota, conversations with their messages, API keys (never their secrets), sites, share links, usage by day, emails sent',
      tag: 'account',
      security: ['session'],
      responses: {
        200: {
          description: 'The file (application/json)',
          headers: { 'Content-Disposition': 'attachment; filename="parley-account-<day>.json"' },
        },
        403: { description: 'Called with an API key: your whole account is exported by signing in (forbidden)' },
        503: { description: 'The database cannot be reached (database_unavailable)' },
      },
    }),
    requireSession('Account exports'),
    async (c) => {
      const { claims, userId, email } = c.var.subject;
      await ensureProfile(c.var.db, userId, email);
      const [data, { plan, limit, used, reserved, resetsAt }] = await Promise.all([
        readAccount(c.var.db, claims),
        userLimiter(c.env, userId).quota(userId),
      ]);
      const file = accountDownload(data, {
        plan,
        quota: { limit, used, reserved, resetsAt },
        origin: new URL(c.req.url).origin,
      });
      return c.body(file.body, 200, {
        'content-type': file.contentType,
        'content-disposition': attachment(file.filename),
      });
    },
  );
