// Request and response schemas of the usage API (the route validates with them; OpenAPI is generated from them).
import * as z from 'zod';
import { storageSchema } from './files.ts';

/** Longest range one request may ask for. */
export const MAX_USAGE_DAYS = 366;

export const usageQuery = z.object({
  from: z.iso.date().optional().describe('First UTC day, YYYY-MM-DD (default: 30 days before `to`)'),
  to: z.iso.date().optional().describe('Last UTC day, YYYY-MM-DD, included (default: today)'),
});

/** Requests, tokens and cost: the figures every usage report gives. */
export const usageFigures = {
  requests: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.string().describe('USD, exact decimal'),
};

export const usageSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.array(z.object({ day: z.iso.date(), model: z.string(), ...usageFigures })),
  totals: z.object(usageFigures),
  storage: storageSchema,
});
