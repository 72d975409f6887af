// The providers' public face: one adapter per vendor, keyed by ProviderId, and the shared types.
import { anthropicAdapter } from './anthropic.ts';
import { googleAdapter } from './google.ts';
import { openaiCompatAdapter } from './openai-compat.ts';
import { openaiAdapter } from './openai.ts';
import type { ProviderAdapter, ProviderId } from './types.ts';

export const adapters: Record<ProviderId, ProviderAdapter> = {
  anthropic: anthropicAdapter,
  openai: openaiAdapter,
  google: googleAdapter,
  'openai-compat': openaiCompatAdapter,
};

export type * from './types.ts';
