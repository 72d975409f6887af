// The response schema of GET /api/models (the route answers it; OpenAPI is generated from it).
import * as z from 'zod';
import { TIERS } from '../../drizzle/schema.ts';

const modelSchema = z.object({
  id: z.string(),
  provider: z.string(),
  label: z.string(),
  contextWindow: z.number().int(),
  maxOutputTokens: z.number().int(),
  price: z.object({ inputPerMillionTokens: z.number(), outputPerMillionTokens: z.number() }),
  default: z.boolean(),
  fallbacks: z
    .array(z.string())
    .describe(
      'The models that answer instead, in order, when this one fails before its first token (those on offer here)',
    ),
  plans: z
    .array(z.enum(TIERS))
    .describe('The standard plans that include this model (an account with limits of its own: GET /api/me/plan)'),
  offline: z
    .boolean()
    .describe(
      'Its provider answers through the local fake upstreams (npm start without its API key): an offline demo, not the real model',
    ),
  reads: z
    .object({
      image: z.boolean(),
      pdf: z.boolean(),
      gif: z.boolean().describe('Reads GIF images too (Gemini reads none)'),
    })
    .describe(
      'The kinds of attachment it reads (text files always, as text): a send with a kind it cannot read is refused, 400 model_cannot_read_file',
    ),
});
export const modelListSchema = z.object({ models: z.array(modelSchema) });
