import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { availableModels, defaultModel, findModel, offlineProviders } from '../providers/registry.ts';
import { describe } from '../openapi/describe.ts';
import { modelListSchema } from '../schemas/models.ts';
import { tiersIncluding } from '../usage/tiers.ts';

/** Models on offer here: only those whose provider has an API key; `offline` when it answers through the local fakes. Public: no sign-in needed. */
export const models = new Hono<AppEnv>().get(
  '/',
  describe({
    summary: 'Models on offer, with context window and price',
    tag: 'models',
    responses: { 200: { description: 'Models', schema: modelListSchema } },
  }),
  (c) => {
    const fallback = defaultModel(c.env)?.id;
    const offline = offlineProviders(c.env);
    return c.json({
      models: availableModels(c.env).map((m) => ({
        id: m.id,
        provider: m.provider,
        label: m.label,
        contextWindow: m.contextWindow,
        maxOutputTokens: m.maxOutputTokens,
        price: { inputPerMillionTokens: m.price.input, outputPerMillionTokens: m.price.output },
        default: m.id === fallback,
        fallbacks: (m.fallbacks ?? []).filter((id) => findModel(c.env, id)),
        plans: tiersIncluding(m.price.output),
        offline: offline.has(m.provider),
        reads: m.reads,
      })),
    });
  },
);
