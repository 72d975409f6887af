// Issue 22: the app offered models the plan refuses (403 only on send). The server now says which
// plans include each model, and which models the caller's own plan includes (the same rule the
// Limiter applies on send).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { profiles } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { call, createConversation, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';

type Plan = { tier: string; plan: typeof TIER_LIMITS.free; allowedModels: string[] };
type ModelList = { models: Array<{ id: string; plans: string[]; price: { outputPerMillionTokens: number } }> };

/** A signed-in user whose profile carries limits of its own (a contract), set before their Limiter first seeds. */
async function userWithLimits(limits: Record<string, number | null>) {
  const user = await signIn();
  await createDb(env).insert(profiles).values({ id: user.userId, limits }).onConflictDoUpdate({
    target: profiles.id,
    set: { limits },
  });
  return user;
}

describe('which models a plan includes', () => {
  it('GET /api/models names the standard plans that include each model', async () => {
    const { models } = await (await call('/api/models')).json<ModelList>();
    const opus = models.find((m) => m.id === 'anthropic/claude-opus-4-7')!;
    const sonnet = models.find((m) => m.id === 'anthropic/claude-sonnet-5-5')!;
    expect(opus.plans).toEqual(['pro', 'enterprise']);
    expect(sonnet.plans).toEqual(['free', 'pro', 'enterprise']);
    for (const m of models)
      expect(m.plans.includes('free')).toBe(
        m.price.outputPerMillionTokens <= TIER_LIMITS.free.maxOutputPricePerMillion!,
      );
  });

  it("GET /api/me/plan lists the caller's allowed models: exactly those a send accepts", async () => {
    const { token } = await signIn();
    const res = await call('/api/me/plan', { token });
    expect(res.status).toBe(200);
    const mine = await res.json<Plan>();
    expect(mine).toMatchObject({ tier: 'free', plan: TIER_LIMITS.free });
    expect(mine.allowedModels).toContain('anthropic/claude-sonnet-5-5');
    expect(mine.allowedModels).not.toContain('anthropic/claude-opus-4-7');
    const { models } = await (await call('/api/models')).json<ModelList>();
    // The rule the Limiter applies: a model left out is refused on send, one listed is admitted.
    const id = await createConversation(token);
    const refused = await sendMessage(token, id, 'hello', 'anthropic/claude-opus-4-7');
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorEnvelope>()).error.code).toBe('model_not_in_plan');
    expect(models.filter((m) => !mine.allowedModels.includes(m.id)).map((m) => m.id)).toEqual([
      'anthropic/claude-opus-4-7',
    ]);
    // /api/me carries the same list.
    expect((await (await call('/api/me', { token })).json<Plan>()).allowedModels).toEqual(mine.allowedModels);
  });

  it("follows an account's own limits", async () => {
    const open = await userWithLimits({ maxOutputPricePerMillion: null });
    const all = (await (await call('/api/me/plan', { token: open.token })).json<Plan>()).allowedModels;
    expect(all).toContain('anthropic/claude-opus-4-7');
    const narrow = await userWithLimits({ maxOutputPricePerMillion: 2 });
    const few = (await (await call('/api/me/plan', { token: narrow.token })).json<Plan>()).allowedModels;
    expect(few).not.toContain('anthropic/claude-sonnet-5-5');
    expect(few).toContain('openai/gpt-4.1-mini');
  });

  it('asks for a sign-in', async () => {
    expect((await call('/api/me/plan')).status).toBe(401);
  });
});
