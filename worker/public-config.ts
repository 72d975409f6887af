// What the front end needs before anyone signs in: how to sign in, whether billing is on offer,
// and the server's version. Only values meant for browsers (the Supabase URL and its publishable
// key); never a secret.
import { billingConfigured } from './billing/client.ts';
import type { PublicConfig } from './schemas/config.ts';
import { VERSION } from './version.ts';

type ConfigEnv = Pick<
  Env,
  'AUTH_MODE' | 'SUPABASE_URL' | 'SUPABASE_PUBLISHABLE_KEY' | 'STRIPE_SECRET_KEY' | 'STRIPE_PRICE_PRO'
>;

export function publicConfig(env: ConfigEnv): PublicConfig {
  const authMode = env.AUTH_MODE === 'dev' ? 'dev' : 'supabase';
  const url = env.SUPABASE_URL?.trim().replace(/\/+$/, '');
  const publishableKey = env.SUPABASE_PUBLISHABLE_KEY?.trim();
  return {
    authMode,
    supabase: authMode === 'supabase' && url && publishableKey ? { url, publishableKey } : null,
    billing: billingConfigured(env),
    version: VERSION,
  };
}
