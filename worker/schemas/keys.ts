// Request and response schemas of the API key routes (the routes validate with them; OpenAPI is generated from them).
import * as z from 'zod';
import { text } from './text.ts';

export const createKeyBody = z.strictObject({
  name: text().trim().min(1).max(100).describe('What the key is for, e.g. "CI" or "mobile app"'),
});

export const keyIdParam = z.object({ id: z.uuid() });

const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('Recorded to the minute'),
});

export const createdKeySchema = apiKeySchema.extend({
  key: z.string().describe('The secret: shown this once, never again'),
});

export const keyListSchema = z.object({ items: z.array(apiKeySchema) });
