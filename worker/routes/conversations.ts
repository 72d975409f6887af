import { Hono } from 'hono';
import { limitBody } from '../middleware/body-limit.ts';
import * as z from 'zod';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { AppError, badRequest } from '../errors.ts';
import { optionalJsonBody, validate } from '../validation.ts';
import { listConversationsForUser, type Conversation, type Message, type PageCursor } from '../db/conversations.ts';
import { conversationRoom, replyResponse, resumeResponse, roomAnswer, roomCaller, stopReply } from '../chat/rooms.ts';
import { findModel, modelNotAvailable } from '../providers/registry.ts';
import { describe } from '../openapi/describe.ts';
import {
  MAX_CONTENT_CHARS,
  conversationIdParam,
  conversationListSchema,
  conversationSchema,
  conversationWithMessagesSchema,
  createConversationBody,
  listConversationsQuery,
  regenerateBody,
  sendMessageBody,
  updateConversationBody,
} from '../schemas/conversations.ts';

/** Bodies beyond this are refused before parsing (a message is at most 100,000 characters). */
const MAX_BODY_BYTES = 1024 * 1024;

// requireUser takes a session or an API key.
const conversationsApi = { tag: 'conversations', security: ['session', 'apiKey'] } as const;
const chatApi = { ...conversationsApi, tag: 'chat' } as const;
const readOnly = {
  description: "A widget visitor's conversation: you can read and delete it, not change or send to it (read_only)",
};

export const conversations = new Hono<AppEnv>()
  .use(requireUser)
  .use(limitBody(MAX_BODY_BYTES))

  .get(
    '/',
    describe({
      ...conversationsApi,
      summary:
        "Your conversations, most recently active first (from Postgres: may lag a change by one flush); widget visitors' conversations only when asked for",
      responses: {
        200: { description: 'One page', schema: conversationListSchema },
        503: { description: 'The database cannot be reached (database_unavailable)' },
      },
    }),
    validate('query', listConversationsQuery),
    async (c) => {
      const { limit, cursor, q, pinned, visitors, siteId } = c.req.valid('query');
      const page = await listConversationsForUser(c.var.db, c.var.subject.claims, {
        limit,
        after: cursor ? decodeCursor(cursor) : undefined,
        titleContains: q,
        pinned,
        visitors,
        siteId,
      });
      const last = page.items.at(-1);
      return c.json({
        items: page.items.map(toConversation),
        nextCursor: page.hasMore && last ? encodeCursor(last) : null,
      });
    },
  )

  // Made at the edge: the room is where the conversation lives; Postgres hears of it behind.
  .post(
    '/',
    describe({
      ...conversationsApi,
      summary: 'Start a conversation',
      responses: { 201: { description: 'Created', schema: conversationSchema } },
    }),
    validate('json', createConversationBody),
    async (c) => {
      const body = c.req.valid('json');
      if (body.model) assertModel(c.env, body.model);
      const caller = roomCaller(crypto.randomUUID(), c.var.subject);
      const { conversation } = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).create({ ...caller, ...body }),
      );
      return c.json(toConversation(conversation), 201);
    },
  )

  // Answered by the room, so a read right after a write sees it (a reply in flight included).
  .get(
    '/:id',
    describe({
      ...conversationsApi,
      summary: 'One conversation with its messages, a reply in flight included (answered by its room)',
      responses: {
        200: { description: 'Conversation', schema: conversationWithMessagesSchema },
        404: { description: 'Not found, or not yours' },
      },
    }),
    validate('param', conversationIdParam),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const found = roomAnswer(await conversationRoom(c.env, caller.conversationId).read(caller));
      return c.json({ ...toConversation(found.conversation), messages: found.messages.map(toMessage) });
    },
  )

  .patch(
    '/:id',
    describe({
      ...conversationsApi,
      summary: 'Rename, change model or system prompt, pin or unpin (none of which moves it in the list)',
      responses: { 200: { description: 'Updated', schema: conversationSchema }, 403: readOnly },
    }),
    validate('param', conversationIdParam),
    validate('json', updateConversationBody),
    async (c) => {
      const body = c.req.valid('json');
      if (body.model) assertModel(c.env, body.model);
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const { conversation } = roomAnswer(await conversationRoom(c.env, caller.conversationId).update(caller, body));
      return c.json(toConversation(conversation));
    },
  )

  // A reply in flight is stopped first, so it is never saved into a conversation that no longer exists.
  .delete(
    '/:id',
    describe({
      ...conversationsApi,
      summary: 'Delete a conversation and its messages',
      responses: { 204: { description: 'Deleted' } },
    }),
    validate('param', conversationIdParam),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      roomAnswer(await conversationRoom(c.env, caller.conversationId).delete(caller));
      return c.body(null, 204);
    },
  )

  // The hot path: the room checks ownership, stores both messages locally and calls the vendor;
  // nothing here or there waits on Postgres.
  .post(
    '/:id/messages',
    describe({
      ...chatApi,
      summary:
        'Send a message; the reply streams back as server-sent events (message.start, delta, usage, done, error)',
      responses: {
        200: { description: 'Event stream', eventStream: true, headers: { 'x-message-id': "The reply's message id" } },
        400: {
          description:
            "The message is longer than the model's context window (context_length_exceeded), checked before anything is reserved; or a model not on offer (unknown_model)",
        },
        402: {
          description:
            "What is left of this month's quota is too little for this prompt and a reply, or nothing is left (quota_exceeded); says when it resets",
        },
        403: readOnly,
        409: { description: 'A reply is already in progress' },
        413: { description: 'Message over 100,000 characters' },
        429: {
          description:
            'Too many requests or replies at once for your plan (rate_limited), or what is left of the quota is held by replies in progress (quota_in_use: retry shortly)',
          headers: { 'Retry-After': 'Seconds until a send can pass' },
        },
      },
    }),
    validate('param', conversationIdParam),
    validate('json', sendMessageBody),
    async (c) => {
      const { content, model } = c.req.valid('json');
      if (content.length > MAX_CONTENT_CHARS) {
        throw new AppError(
          413,
          'content_too_large',
          `A message is limited to ${MAX_CONTENT_CHARS.toLocaleString('en')} characters; this one has ${content.length.toLocaleString('en')}`,
        );
      }
      // The room checks the model (the request's, or else the conversation's) before anything is stored.
      const { subject } = c.var;
      const caller = roomCaller(c.req.valid('param').id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).send({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          content,
          model,
        }),
      );
      return replyResponse(reply);
    },
  )

  // The last reply again, for the same history: the room replaces it and answers as a send does.
  .post(
    '/:id/regenerate',
    describe({
      ...chatApi,
      summary:
        "Regenerate the last reply: it is replaced (its usage stays billed) by a new one for the same history, streamed back as a send's reply is",
      responses: {
        200: {
          description: 'Event stream',
          eventStream: true,
          headers: { 'x-message-id': "The new reply's message id" },
        },
        403: readOnly,
        409: {
          description:
            'A reply is in progress (reply_in_progress), or the last message is not a reply (nothing_to_regenerate)',
        },
      },
    }),
    validate('param', conversationIdParam),
    optionalJsonBody,
    validate('json', regenerateBody),
    async (c) => {
      const { model } = c.req.valid('json');
      const { subject } = c.var;
      const caller = roomCaller(c.req.valid('param').id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).regenerate({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          model,
        }),
      );
      return replyResponse(reply);
    },
  )

  .get(
    '/:id/stream',
    describe({
      ...chatApi,
      summary: 'Resume the in-flight reply after Last-Event-ID',
      responses: { 200: { description: 'Event stream', eventStream: true }, 204: { description: 'Nothing in flight' } },
    }),
    validate('param', conversationIdParam),
    (c) => resumeResponse(c.env, roomCaller(c.req.valid('param').id, c.var.subject), c.req.header('last-event-id')),
  )

  .post(
    '/:id/stop',
    describe({
      ...chatApi,
      summary: 'Stop the in-flight reply (the vendor call is aborted)',
      responses: { 200: { description: '{stopped}' }, 403: readOnly },
    }),
    validate('param', conversationIdParam),
    async (c) => c.json(await stopReply(c.env, roomCaller(c.req.valid('param').id, c.var.subject))),
  );

function assertModel(env: Env, model: string) {
  if (!findModel(env, model)) throw badRequest(modelNotAvailable(model), 'unknown_model');
}

function encodeCursor(row: Conversation) {
  return btoa(`${row.activeAt.toISOString()}|${row.id}`).replace(/=+$/, '');
}

function decodeCursor(cursor: string): PageCursor {
  try {
    const [activeAt, id] = atob(cursor).split('|');
    const date = new Date(activeAt!);
    // Exactly what encodeCursor wrote: a real UUID and a timestamp Postgres can compare (a year
    // out of its range, or 36 dashes as the id, once reached the query and answered 500).
    if (
      Number.isNaN(date.getTime()) ||
      date.toISOString() !== activeAt ||
      date.getUTCFullYear() < 1970 ||
      date.getUTCFullYear() > 9999
    )
      throw new Error('bad cursor');
    if (!z.uuid().safeParse(id).success) throw new Error('bad cursor');
    return { activeAt: date, id: id! };
  } catch {
    throw badRequest('cursor: not a cursor from this API (use nextCursor from the previous page)');
  }
}

const toConversation = (row: Conversation) => ({
  id: row.id,
  title: row.title,
  model: row.model,
  systemPrompt: row.systemPrompt,
  siteId: row.siteId,
  visitorId: row.visitorId,
  pinnedAt: row.pinnedAt?.toISOString() ?? null,
  activeAt: row.activeAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const toMessage = (row: Message) => ({
  id: row.id,
  role: row.role,
  content: row.content,
  model: row.model,
  provider: row.provider,
  status: row.status,
  stopReason: row.stopReason,
  errorCode: row.errorCode,
  inputTokens: row.inputTokens,
  outputTokens: row.outputTokens,
  cachedTokens: row.cachedTokens,
  costUsd: row.costUsd,
  timeToFirstTokenMs: row.timeToFirstTokenMs,
  durationMs: row.durationMs,
  createdAt: row.createdAt.toISOString(),
  completedAt: row.completedAt?.toISOString() ?? null,
});
