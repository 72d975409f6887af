// What the front end needs before anyone signs in: how to sign in, whether billing is on offer,
// and the server's version. Only values meant for browsers (the Supabase URL and its publishable
// key); never a secret.
import { log } from './log.ts';
import type { PublicConfig } from './schemas/config.ts';
import { VERSION } from './version.ts';

type ConfigEnv = Pick<Env, 'AUTH_MODE' | 'SUPABASE_URL' | 'SUPABASE_PUBLISHABLE_KEY' | 'BILLING'>;

export async function publicConfig(env: ConfigEnv): Promise<PublicConfig> {
  const authMode = env.AUTH_MODE === 'dev' ? 'dev' : 'supabase';
  const url = env.SUPABASE_URL?.trim().replace(/\/+$/, '');
  const publishableKey = env.SUPABASE_PUBLISHABLE_KEY?.trim();
  return {
    authMode,
    supabase: authMode === 'supabase' && url && publishableKey ? { url, publishableKey } : null,
    billing: await billingOffered(env),
    version: VERSION,
  };
}

/** Whether the billing Worker has Stripe configured; a billing Worker that cannot be reached offers nothing. */
async function billingOffered(env: Pick<Env, 'BILLING'>): Promise<boolean> {
  try {
    return await env.BILLING.configured();
  } catch (error) {
    log.error('billing worker unreachable', {}, error);
    return false;
  }
}
