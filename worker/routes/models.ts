import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { availableModels, defaultModel } from '../providers/registry.ts';

/** Models on offer here: only those whose provider has an API key. Public: no sign-in needed. */
export const models = new Hono<AppEnv>().get('/', (c) => {
  const fallback = defaultModel(c.env)?.id;
  return c.json({
    models: availableModels(c.env).map((m) => ({
      id: m.id, provider: m.provider, label: m.label, contextWindow: m.contextWindow, maxOutputTokens: m.maxOutputTokens,
      price: { inputPerMillionTokens: m.price.input, outputPerMillionTokens: m.price.output }, default: m.id === fallback,
    })),
  });
});
