// Parley's error envelope, as every /api route answers a refusal (OpenAI's shape under /v1 is in openai.ts).
import * as z from 'zod';

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
