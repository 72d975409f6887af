// Every model Parley offers. Adding a model is one line; a model is on offer only when its
// provider is configured (API key set). Prices are the vendors' list prices (USD per million
// tokens) as of 2026-11; check them against the vendors' pricing pages when adding a model.
import type { ProviderConfig, ProviderId } from './types.ts';
import { unitsPerMillion, unitsToUsd } from '../usage/money.ts';

export type ModelInfo = {
  /** Parley's id: `<provider>/<vendor model>`. */
  id: string;
  provider: ProviderId;
  /** The vendor's own model name. */
  vendorModel: string;
  label: string;
  contextWindow: number;
  maxOutputTokens: number;
  /** USD per million tokens. */
  price: { input: number; output: number };
  /** Tried in order when this model keeps failing before its first token. */
  fallbacks?: string[];
  /**
   * The kinds of file it reads in user turns (text files are sent as text, which every model reads).
   * Every listed vendor model reads both: Claude's vision and PDF support guides cover Claude 3.5 and
   * later; OpenAI's file inputs guide, models with vision (GPT-4o, 4.1 and later); Gemini's document
   * processing guide, Gemini 2.x and later. An OpenAI-compatible server's models are not known: none.
   * GIF apart: Gemini reads PNG, JPEG, WebP, HEIC and HEIF images (its image understanding guide), no GIF.
   */
  reads: ModelReads;
};

/** Which kinds of attachment a model reads; a model is not offered for a kind it cannot read. */
export type ModelReads = { image: boolean; pdf: boolean; gif: boolean };
export type FileKind = keyof ModelReads;

const model = (
  id: string,
  label: string,
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  fallbacks?: string[],
): ModelInfo => {
  const [provider, ...rest] = id.split('/');
  return {
    id,
    provider: provider as ProviderId,
    vendorModel: rest.join('/'),
    label,
    contextWindow,
    maxOutputTokens,
    price: { input, output },
    fallbacks,
    reads: { image: true, pdf: true, gif: provider !== 'google' },
  };
};

export const MODELS: ModelInfo[] = [
  model('anthropic/claude-sonnet-5-5', 'Claude Sonnet 5.5', 1_000_000, 128_000, 2, 10, ['anthropic/claude-haiku-4-5']),
  model('anthropic/claude-haiku-4-5', 'Claude Haiku 4.5', 200_000, 64_000, 1, 5),
  model('anthropic/claude-opus-4-7', 'Claude Opus 4.7', 1_000_000, 128_000, 5, 25, ['anthropic/claude-sonnet-5-5']),
  model('openai/gpt-4.1', 'GPT-4.1', 1_047_576, 32_768, 2, 8, ['openai/gpt-4.1-mini']),
  model('openai/gpt-4.1-mini', 'GPT-4.1 mini', 1_047_576, 32_768, 0.4, 1.6),
  model('openai/gpt-4o-mini', 'GPT-4o mini', 128_000, 16_384, 0.15, 0.6),
  model('google/gemini-2.5-pro', 'Gemini 2.5 Pro', 1_048_576, 65_536, 1.25, 10, ['google/gemini-2.5-flash']),
  model('google/gemini-2.5-flash', 'Gemini 2.5 Flash', 1_048_576, 65_536, 0.3, 2.5),
  model('google/gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 1_048_576, 65_536, 0.1, 0.4),
];

/** Models on an OpenAI-compatible server: unknown limits and price, so conservative defaults. */
const COMPAT_CONTEXT_WINDOW = 32_768;
const COMPAT_MAX_OUTPUT = 8_192;
const DEFAULT_ORDER = ['anthropic/claude-sonnet-5-5', 'openai/gpt-4.1-mini', 'google/gemini-2.5-flash'];

type ProviderEnv = Pick<
  Env,
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_BASE_URL'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'GEMINI_API_KEY'
  | 'GEMINI_BASE_URL'
  | 'OPENAI_COMPAT_BASE_URL'
  | 'OPENAI_COMPAT_API_KEY'
  | 'OPENAI_COMPAT_MODELS'
>;

/** The provider's key and base URL, or undefined when it is not configured. */
export function providerConfig(env: ProviderEnv, provider: ProviderId): ProviderConfig | undefined {
  const clean = (value: string | undefined) => value?.trim() || undefined;
  switch (provider) {
    case 'anthropic':
      return clean(env.ANTHROPIC_API_KEY)
        ? { apiKey: env.ANTHROPIC_API_KEY.trim(), baseURL: clean(env.ANTHROPIC_BASE_URL) }
        : undefined;
    case 'openai':
      return clean(env.OPENAI_API_KEY)
        ? { apiKey: env.OPENAI_API_KEY.trim(), baseURL: clean(env.OPENAI_BASE_URL) }
        : undefined;
    case 'google':
      return clean(env.GEMINI_API_KEY)
        ? { apiKey: env.GEMINI_API_KEY.trim(), baseURL: clean(env.GEMINI_BASE_URL) }
        : undefined;
    case 'openai-compat':
      // Local servers (Ollama, vLLM) often need no key; the SDK still wants a non-empty one.
      return clean(env.OPENAI_COMPAT_BASE_URL)
        ? { apiKey: clean(env.OPENAI_COMPAT_API_KEY) ?? 'none', baseURL: env.OPENAI_COMPAT_BASE_URL.trim() }
        : undefined;
  }
}

function compatModels(env: ProviderEnv): ModelInfo[] {
  if (!providerConfig(env, 'openai-compat')) return [];
  return (env.OPENAI_COMPAT_MODELS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => ({
      ...model(`openai-compat/${name}`, name, COMPAT_CONTEXT_WINDOW, COMPAT_MAX_OUTPUT, 0, 0),
      reads: { image: false, pdf: false, gif: false },
    }));
}

/** Models whose provider is configured, in display order. */
export function availableModels(env: ProviderEnv): ModelInfo[] {
  return [...MODELS.filter((m) => providerConfig(env, m.provider)), ...compatModels(env)];
}

/** OFFLINE_PROVIDERS names vendors as their key variables do (`gemini`); provider ids are accepted too. */
const OFFLINE_NAMES: Record<string, ProviderId> = {
  anthropic: 'anthropic',
  openai: 'openai',
  gemini: 'google',
  google: 'google',
  'openai-compat': 'openai-compat',
};

/** Providers answering through the local fake upstreams (`npm start` without their keys): their replies are offline demos. */
export function offlineProviders(env: Pick<Env, 'OFFLINE_PROVIDERS'>): Set<ProviderId> {
  const names = (env.OFFLINE_PROVIDERS ?? '').split(',').map((name) => name.trim().toLowerCase());
  return new Set(names.flatMap((name) => (OFFLINE_NAMES[name] ? [OFFLINE_NAMES[name]] : [])));
}

/** The model with this id if it is on offer here, else undefined. */
export function findModel(env: ProviderEnv, id: string): ModelInfo | undefined {
  return availableModels(env).find((m) => m.id === id);
}

/** What every refusal of a model id says (a conversation's, a send's, a site's), wherever it is checked. */
export function modelNotAvailable(id: string): string {
  return `Model '${id}' is not available here: GET /api/models lists the models on offer`;
}

/** What every refusal of an attachment says when the model cannot read its kind (400 model_cannot_read_file). */
export function modelCannotRead(model: Pick<ModelInfo, 'id'>, kind: FileKind): string {
  const what = kind === 'pdf' ? 'PDF files' : kind === 'gif' ? 'GIF images' : 'images';
  return `${model.id} does not read ${what}: choose a model that does (GET /api/models says what each reads)`;
}

/** The model used when a conversation names none. */
export function defaultModel(env: ProviderEnv): ModelInfo | undefined {
  const available = availableModels(env);
  return DEFAULT_ORDER.map((id) => available.find((m) => m.id === id)).find(Boolean) ?? available[0];
}

/** Cost in USD of one reply, as a decimal string with 8 places (the column's scale). */
export function replyCost(info: ModelInfo, usage: { inputTokens: number; outputTokens: number }): string {
  return unitsToUsd(
    (BigInt(usage.inputTokens) * unitsPerMillion(info.price.input) +
      BigInt(usage.outputTokens) * unitsPerMillion(info.price.output)) /
      1_000_000n,
  );
}
