// The models on offer, loaded once per visit (the list changes only when the server is reconfigured).
import { createResource } from 'solid-js';
import { api, type Model } from './api.ts';
import { signedInUser } from './auth.ts';

const [resource] = createResource(async () => (await api.models()).models);

// The signed-in user's plan: which models it includes. Asked again when another user signs in.
const [plan] = createResource(signedInUser, api.myPlan);

/** The models, or undefined while loading or after a failure (reading a failed resource would throw). */
export const models = () => (resource.state === 'ready' || resource.state === 'refreshing' ? resource() : undefined);

/** The plan's tokens a month: null when unlimited, undefined until the plan is known. */
export const monthlyTokens = () =>
  plan.state === 'ready' || plan.state === 'refreshing' ? plan()?.plan.monthlyTokens : undefined;

/** Whether the user's plan includes the model; true until the plan is known (a send the plan refuses still says why). */
export const inPlan = (id: string) => {
  const allowed = plan.state === 'ready' || plan.state === 'refreshing' ? plan()?.allowedModels : undefined;
  return !allowed || allowed.includes(id);
};

/** Why a model cannot be chosen: the plan that includes it, or that the user's does not. */
export const lockReason = (model: Model) =>
  plan.state === 'ready' && plan().tier === 'free' && model.plans.includes('pro')
    ? 'needs the Pro plan'
    : 'not in your plan';

/** The server's default model, or the first the user's plan includes when it leaves the default out. */
export const defaultModelId = () => {
  const offered = models();
  const preferred = offered?.find((m) => m.default) ?? offered?.[0];
  return preferred && inPlan(preferred.id) ? preferred.id : (offered?.find((m) => inPlan(m.id))?.id ?? preferred?.id);
};
export const modelById = (id: string | null | undefined) => (id ? models()?.find((m) => m.id === id) : undefined);

/** A model's name for people ("Claude Haiku 4.5"), or its id when this server does not offer it. */
export const modelLabel = (id: string) => modelById(id)?.label ?? id;

/** Text from the server with the model ids it names written as the models' names. */
export const modelNames = (text: string) =>
  // Longest first: openai/gpt-4.1 is the start of openai/gpt-4.1-mini.
  [...(models() ?? [])]
    .sort((a, b) => b.id.length - a.id.length)
    .reduce((words, m) => words.split(m.id).join(m.label), text);

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

const KIND_NAMES = { image: 'images', pdf: 'PDFs', gif: 'GIF images' } as const;

/**
 * Why the model cannot take the kinds of file attached ("Llama Test cannot read images"), or
 * undefined when it can. `kinds` holds `gif` beside `image` for a GIF (Gemini reads none). Text
 * files every model reads (sent as text).
 */
export function cannotReadWords(model: Model | undefined, kinds: ReadonlySet<string>): string | undefined {
  if (!model) return undefined;
  // A GIF is also an image: for a model that reads no image, "images" says it.
  const missing = (['image', 'pdf', 'gif'] as const).filter(
    (kind) => kinds.has(kind) && !model.reads[kind] && !(kind === 'gif' && !model.reads.image),
  );
  if (missing.length === 0) return undefined;
  return `${model.label} cannot read ${missing.map((kind) => KIND_NAMES[kind]).join(' or ')}`;
}
