// Which of the models on offer a plan includes: the rule the Limiter applies on every send
// (planAllowsModel), said ahead of time so the app can lock what a send would refuse.
import { availableModels } from '../providers/registry.ts';
import { planAllowsModel, type TierLimits } from './tiers.ts';

/** The ids of this server's models that `limits` (a user's plan, overrides included) allows. */
export function modelsInPlan(env: Parameters<typeof availableModels>[0], limits: TierLimits): string[] {
  return availableModels(env)
    .filter((m) => planAllowsModel(limits, m.price.output))
    .map((m) => m.id);
}
