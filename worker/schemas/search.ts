// The search API's query and answer: the route validates with these and the OpenAPI document is
// generated from them.
import * as z from 'zod';

export const MAX_SEARCH_CHARS = 200;

const highlighted = z
  .object({
    text: z.string().describe('Plain text: show it as text, never as HTML'),
    highlights: z
      .array(z.object({ start: z.number().int(), end: z.number().int() }))
      .describe('The ranges of `text` that matched (UTF-16 offsets, end exclusive), in order'),
  })
  .describe('Text with its matches as offsets: mark them when showing it (no markup is ever sent)');

export const searchQuery = z.object({
  q: z
    .string({ error: (issue) => (issue.input === undefined ? 'required: the words to search for' : 'must be text') })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
    .regex(/^[^\u0000]*$/, 'must not contain NUL characters (\\u0000)')
    .trim()
    .min(1, 'must not be empty: the words to search for')
    .max(MAX_SEARCH_CHARS, `at most ${MAX_SEARCH_CHARS} characters`)
    .describe(
      'Words to find in titles and message text (web search syntax: "a phrase", -excluded, or); a title also matches on part of a word',
    ),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const searchResultSchema = z.object({
  conversationId: z.uuid(),
  title: highlighted.nullable().describe('null for an untitled conversation'),
  pinnedAt: z.iso.datetime().nullable(),
  activeAt: z.iso.datetime().describe('When its last message was sent'),
  message: z
    .object({
      id: z.uuid().describe('Open the conversation at this message'),
      role: z.enum(['user', 'assistant']),
      createdAt: z.iso.datetime(),
      snippet: highlighted,
    })
    .nullable()
    .describe('The newest message that matched; null when only the title did'),
});

export const searchResultsSchema = z.object({ items: z.array(searchResultSchema) });
