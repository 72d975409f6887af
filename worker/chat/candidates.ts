import { adapters } from '../providers/index.ts';
import { findModel, providerConfig, type ModelInfo } from '../providers/registry.ts';
import type { Candidate } from './reliable-stream.ts';

/** The model, then its fallbacks whose provider is configured: what a reply tries, in order. */
export function modelCandidates(env: Env, model: ModelInfo): [Candidate, ...Candidate[]] {
  const chain = [
    model,
    ...(model.fallbacks ?? []).map((id) => findModel(env, id)).filter((m): m is ModelInfo => m !== undefined),
  ];
  const [first, ...rest] = chain.map((m) => ({
    model: m,
    adapter: adapters[m.provider],
    config: providerConfig(env, m.provider)!,
  }));
  return [first!, ...rest];
}
