// A site's model against its owner's plan (issue 23): visitors' replies are refused when the plan
// leaves the site's model out (the Limiter's rule, model_not_in_plan), so saving such a site is
// refused too, and a plan change that leaves it out switches the site to one the plan includes
// (plan-change.ts). The plan is the owner's Limiter's, as every send reads it.
import type { Tier } from '../../drizzle/schema.ts';
import { AppError } from '../errors.ts';
import { defaultModel, findModel, type ModelInfo } from '../providers/registry.ts';
import { userLimiter } from '../usage/limiters.ts';
import { modelsInPlan } from '../usage/plan-models.ts';

type ModelEnv = Parameters<typeof modelsInPlan>[0];

/** An owner's plan as a site needs it: the tier, and the ids of the models on offer it includes. */
export type OwnerPlan = { tier: Tier; allowedModels: string[] };

/** The owner's plan, from their Limiter; 503 limits_unavailable when it cannot be asked. */
export async function ownerPlan(env: ModelEnv & Pick<Env, 'LIMITER'>, userId: string): Promise<OwnerPlan> {
  const { tier, plan } = await userLimiter(env, userId)
    .quota(userId)
    .catch((cause: unknown) => {
      throw new AppError(503, 'limits_unavailable', 'Your plan could not be read right now: try again shortly', {
        cause,
      });
    });
  return { tier, allowedModels: modelsInPlan(env, plan) };
}

/** The model a site's visitors get: the one it names, or the server's default when it names none. */
export function siteModelId(env: ModelEnv, model: string | null | undefined): string | undefined {
  return model ?? defaultModel(env)?.id;
}

/**
 * Whether the plan refuses the site's model. A model the server does not offer is not the plan's
 * business (it is refused on save as unknown_model, and a stored one fails its replies either way).
 */
export function planRefusesModel(env: ModelEnv, plan: OwnerPlan, model: string | null | undefined): boolean {
  const id = siteModelId(env, model);
  return !!id && !!findModel(env, id) && !plan.allowedModels.includes(id);
}

/** 403 model_not_in_plan, naming the plan and the models it includes, when the plan refuses the site's model. */
export function assertModelInPlan(env: ModelEnv, plan: OwnerPlan, model: string | null | undefined): void {
  if (!planRefusesModel(env, plan, model)) return;
  const id = siteModelId(env, model)!;
  const what = model ? id : `The default model, ${id},`;
  const includes = plan.allowedModels.length
    ? `it includes ${plan.allowedModels.join(', ')}. Choose one of those for this site, or upgrade your plan`
    : 'it includes no model on offer here. Upgrade your plan';
  throw new AppError(403, 'model_not_in_plan', `${what} is not included in your ${plan.tier} plan: ${includes}`, {
    param: 'model',
  });
}

/** The model a plan switches a site to: the server's default when the plan includes it, else the first it includes. */
export function planDefaultModel(env: ModelEnv, plan: OwnerPlan): ModelInfo | undefined {
  const preferred = defaultModel(env);
  if (preferred && plan.allowedModels.includes(preferred.id)) return preferred;
  const first = plan.allowedModels[0];
  return first === undefined ? undefined : findModel(env, first);
}
