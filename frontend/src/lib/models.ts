// The models on offer, loaded once per visit (the list changes only when the server is reconfigured).
import { createResource } from 'solid-js';
import { api, type Model } from './api.ts';

const [resource] = createResource(async () => (await api.models()).models);

/** The models, or undefined while loading or after a failure (reading a failed resource would throw). */
export const models = () => (resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined);

export const defaultModelId = () => models()?.find((m) => m.default)?.id ?? models()?.[0]?.id;
export const modelById = (id: string | null | undefined) => (id ? models()?.find((m) => m.id === id) : undefined);

const PROVIDERS: Record<string, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  google: 'Google',
  'openai-compat': 'OpenAI-compatible',
};
export const providerName = (provider: string) => PROVIDERS[provider] ?? provider;

export function priceWords(model: Model) {
  return `$${model.price.inputPerMillionTokens} in / $${model.price.outputPerMillionTokens} out per M tokens`;
}
