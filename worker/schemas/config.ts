// The public configuration the front end reads before sign-in (GET /api/config).
import * as z from 'zod';

export const publicConfigSchema = z.object({
  authMode: z
    .enum(['dev', 'supabase'])
    .describe('dev: sign in with POST /api/dev/session; supabase: with the Supabase project below'),
  supabase: z
    .object({ url: z.string(), publishableKey: z.string() })
    .nullable()
    .describe(
      'The Supabase project to sign in with; null unless authMode is supabase and both SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY are set',
    ),
  billing: z
    .boolean()
    .describe('Stripe is configured (STRIPE_SECRET_KEY and STRIPE_PRICE_PRO): upgrading to Pro is on offer'),
  version: z.string(),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;
