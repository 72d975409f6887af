import * as z from 'zod';

/** A file as stored, and as each user message that carries it shows it. */
export const attachmentSchema = z.object({
  id: z.string().describe("The file's id: the SHA-256 of its bytes (hex)"),
  name: z.string().describe('Its name as uploaded'),
  mediaType: z.string().describe('The type read from its bytes, e.g. image/png, application/pdf, text/markdown'),
  kind: z.enum(['image', 'pdf', 'text']),
  size: z.number().int().describe('Bytes'),
  url: z.string().describe('GET it here (yours only)'),
});

export const storageSchema = z
  .object({
    usedBytes: z.number().int(),
    limitBytes: z.number().int().describe("Your plan's storage for files"),
    files: z.number().int(),
  })
  .describe('What your uploaded files take');
