// The models on offer, loaded once per visit (the list changes only when the server is reconfigured).
import { createResource } from 'solid-js';
import { api, type Model } from './api.ts';

const [resource] = createResource(async () => (await api.models()).models);

/** The models, or undefined while loading or after a failure (reading a failed resource would throw). */
export const models = () => (resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined);

export const defaultModelId = () => models()?.find((m) => m.default)?.id ?? models()?.[0]?.id;
export const modelById = (id: string | null | undefined) => (id ? models()?.find((m) => m.id === id) : undefined);

/** A model's name for people ("Claude Haiku 4.5"), or its id when this server does not offer it. */
export const modelLabel = (id: string) => modelById(id)?.label ?? id;

/** Text from the server with the model ids it names written as the models' names. */
export const modelNames = (text: string) =>
  // Longest first: openai/gpt-4.1 is the start of openai/gpt-4.1-mini.
  [...(models() ?? [])]
    .sort((a, b) => b.id.length - a.id.length)
    .reduce((words, m) => words.split(m.id).join(m.label), text);

/** Whether `answered` is one of the models that stand in for `asked` when it fails. */
export const isFallbackOf = (answered: string | null, asked: string | null | undefined) =>
  !!answered && !!asked && answered !== asked && !!modelById(asked)?.fallbacks.includes(answered);

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
