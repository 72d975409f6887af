// Request and response schemas of the conversation API: the routes validate with these and the
// OpenAPI document is generated from them.
import * as z from 'zod';
import { attachmentSchema } from './files.ts';
import { text } from './text.ts';
import { MAX_REPLY_TOKENS } from '../chat/limits.ts';

export const MAX_CONTENT_CHARS = 100_000;

export const conversationIdParam = z.object({ id: z.uuid() });
export const messageIdParam = z.object({ id: z.uuid(), messageId: z.uuid() });

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  pinned: flag.optional().describe('true: only pinned conversations; false: only those not pinned'),
  visitors: flag
    .optional()
    .describe("true: your widget sites' visitors' conversations instead of your own (which never include them)"),
  siteId: z.uuid().optional().describe("Only this widget site's visitors' conversations (implies visitors=true)"),
  cursor: z.string().max(200).optional().describe('nextCursor from the previous page'),
  q: text()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Only conversations whose title contains this text (case-insensitive; % and _ match themselves)'),
});

const modelId = text().min(3).max(200).describe('A model id from GET /api/models, e.g. anthropic/claude-sonnet-5-5');
const systemPrompt = text().max(20_000);
const temperature = z
  .number()
  .min(0)
  .max(2)
  .nullable()
  .describe("Sampling temperature for every reply, 0 to 2; null: the model's default");
const maxReplyTokens = z
  .number()
  .int()
  .min(1)
  .max(MAX_REPLY_TOKENS)
  .nullable()
  .describe(
    `The longest reply, in tokens: at most ${MAX_REPLY_TOKENS.toLocaleString('en')} and the model's own limit; null: as long as they allow`,
  );

export const createConversationBody = z.strictObject({
  title: text().trim().min(1).max(200).optional(),
  model: modelId.optional(),
  systemPrompt: systemPrompt.optional(),
  temperature: temperature.optional(),
  maxReplyTokens: maxReplyTokens.optional(),
});

export const updateConversationBody = z
  .strictObject({
    title: text().trim().min(1).max(200).optional(),
    model: modelId.optional(),
    systemPrompt: systemPrompt.nullable().optional(),
    temperature: temperature.optional(),
    maxReplyTokens: maxReplyTokens.optional(),
    pinned: z.boolean().optional().describe('Pin it above the others in your list, or unpin it'),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'nothing to change: send title, model, systemPrompt, temperature, maxReplyTokens or pinned',
  );

export const sendMessageBody = z.strictObject({
  // Length is checked by the route so an oversized message gets 413, not 400.
  content: text().refine((s) => s.trim().length > 0, 'must not be empty'),
  model: modelId.optional(),
  attachments: z
    .array(z.string().min(1).max(128))
    .max(100)
    .optional()
    .describe("Files the message carries, by their ids from POST /api/files: at most your plan's files per message"),
});

/** The body of an edit: the user message's new text, and the model to answer it with (else the conversation's). */
export const editMessageBody = sendMessageBody;

/** The body of a regenerate, which may be left out: the reply to answer again (else the last in view) and the model to answer with this time (else the conversation's). */
export const regenerateBody = z.strictObject({
  messageId: z
    .uuid()
    .optional()
    .describe('The reply to regenerate; the last reply of the branch in view when left out'),
  model: modelId.optional(),
});

/** The body of a branch switch. */
export const selectBranchBody = z.strictObject({
  messageId: z
    .uuid()
    .describe(
      'Any message: the branch through it, down to its newest message, is put in view (a version from `siblings.ids`)',
    ),
});

export const conversationSchema = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  model: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  temperature: z.number().nullable().describe("Sampling temperature of every reply; null: the model's default"),
  maxReplyTokens: z
    .number()
    .int()
    .nullable()
    .describe('The longest reply, in tokens; null: as long as the model and Parley allow'),
  siteId: z
    .uuid()
    .nullable()
    .describe(
      'Set when a visitor of one of your widget sites started it (read-only to you; null again if the site was deleted)',
    ),
  visitorId: z.string().nullable().describe('The widget visitor who started it'),
  pinnedAt: z.iso.datetime().nullable().describe('When you pinned it; null when not pinned'),
  activeAt: z.iso
    .datetime()
    .describe('When its last message was sent (when it was made, until then): lists are in this order'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().describe('When anything about it last changed (a rename or a pin too)'),
});

const siblingsSchema = z
  .object({
    index: z.number().int().describe("This message's place among its versions, from 0 (shown as index + 1 of count)"),
    count: z.number().int().describe('How many versions there are: 1 for a message never regenerated or edited'),
    ids: z.array(z.uuid()).describe('Every version, oldest first: POST …/branch with one of them to see it'),
  })
  .describe('The versions of this message: the messages with the same parent');

const messageSchema = z.object({
  id: z.uuid(),
  attachments: z.array(attachmentSchema).describe('The files a user message carries (empty for none)'),
  parentId: z.uuid().nullable().describe('The message this one follows; null for a first message'),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  model: z.string().nullable().describe('The model that wrote the reply; null for your own messages'),
  requestedModel: z
    .string()
    .nullable()
    .describe(
      'The model the reply was asked of. When it differs from model, it failed (its provider errored or was busy) and its fallback answered instead. Null for your own messages and for replies stored before it was recorded',
    ),
  provider: z.string().nullable(),
  status: z.enum(['streaming', 'complete', 'stopped', 'error']),
  stopReason: z.string().nullable(),
  errorCode: z.string().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cachedTokens: z.number().int(),
  costUsd: z.string().describe('USD, decimal string'),
  timeToFirstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  siblings: siblingsSchema,
});

export const conversationListSchema = z.object({
  items: z.array(conversationSchema),
  nextCursor: z.string().nullable(),
});
export const conversationWithMessagesSchema = conversationSchema.extend({
  messages: z.array(messageSchema).describe('The branch in view, first message first'),
});
