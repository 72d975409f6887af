// Request schemas of the account routes (the routes validate with them; OpenAPI is generated from them).
import * as z from 'zod';
import { text } from './text.ts';

/** Custom instructions longer than this are refused (about 1,000 tokens of English). */
export const MAX_CUSTOM_INSTRUCTIONS_CHARS = 4_000;

export const updateMeBody = z.strictObject({
  customInstructions: text()
    .max(MAX_CUSTOM_INSTRUCTIONS_CHARS)
    .nullable()
    .describe(
      `Put before every reply of your own conversations (not your widget visitors', not /v1), up to ${MAX_CUSTOM_INSTRUCTIONS_CHARS.toLocaleString('en')} characters; null or blank clears them`,
    ),
});

export const customInstructionsSchema = z.object({
  customInstructions: z.string().nullable().describe('As saved; null when there are none'),
});
