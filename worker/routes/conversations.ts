import { Hono } from 'hono';
import { limitBody } from '../middleware/body-limit.ts';
import * as z from 'zod';
import type { AppEnv } from '../env.ts';
import { requireSession, requireUser } from '../auth/index.ts';
import { AppError, badRequest } from '../errors.ts';
import { optionalJsonBody, validate } from '../validation.ts';
import { listConversationsForUser, type Conversation, type PageCursor } from '../db/conversations.ts';
import type { BranchMessage, ConversationRead } from '../chat/room-contract.ts';
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
  editMessageBody,
  listConversationsQuery,
  messageIdParam,
  regenerateBody,
  selectBranchBody,
  sendMessageBody,
  updateConversationBody,
} from '../schemas/conversations.ts';
import { createShareBody, exportQuery, MAX_SHARE_DAYS, shareSchema } from '../schemas/shares.ts';
import { createShare, MAX_LIVE_SHARES, MAX_SHARE_BYTES, shareUrl } from '../sharing/shares.ts';
import { attachment, conversationDownload } from '../sharing/export.ts';

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
      summary:
        'One conversation with the messages of the branch in view, each with its versions (siblings), a reply in flight included (answered by its room)',
      responses: {
        200: { description: 'Conversation', schema: conversationWithMessagesSchema },
        404: { description: 'Not found, or not yours' },
      },
    }),
    validate('param', conversationIdParam),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      return c.json(toConversationRead(roomAnswer(await conversationRoom(c.env, caller.conversationId).read(caller))));
    },
  )

  .patch(
    '/:id',
    describe({
      ...conversationsApi,
      summary:
        'Rename, change model, system prompt, temperature or longest reply (used by every later reply: send, edit, regenerate), pin or unpin (none of which moves it in the list)',
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
        'Send a message after the last message in view; the reply streams back as server-sent events (message.start, delta, usage, done, error)',
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
      const { content, model, attachments } = c.req.valid('json');
      assertLength(content);
      // The room checks the model (the request's, or else the conversation's) before anything is stored.
      const { subject } = c.var;
      const caller = roomCaller(c.req.valid('param').id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).send({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          content,
          model,
          attachments,
        }),
      );
      return replyResponse(reply);
    },
  )

  // A new version of a user's message: the room stores it beside the one edited and answers as a send does.
  .post(
    '/:id/messages/:messageId/edit',
    describe({
      ...chatApi,
      summary:
        "Edit one of your messages: the new text is stored as another version of it (the same parent; the message edited and what followed it stay, one version away), its branch is put in view, and the reply to it streams back exactly as a send's does (message.start, delta, usage, done, error), for the history up to it",
      responses: {
        200: {
          description: 'Event stream',
          eventStream: true,
          headers: { 'x-message-id': "The new reply's message id" },
        },
        400: {
          description:
            "The message is a reply, not yours (not_editable: regenerate it instead); the history up to it and the new text exceed the model's context window (context_length_exceeded); or a model not on offer (unknown_model)",
        },
        402: { description: "What is left of this month's quota is too little (quota_exceeded)" },
        403: readOnly,
        404: { description: 'No such conversation, or no such message in it (message_not_found)' },
        409: { description: 'A reply is in progress (reply_in_progress)' },
        413: { description: 'Message over 100,000 characters' },
        429: {
          description: 'As for a send (rate_limited, quota_in_use)',
          headers: { 'Retry-After': 'Seconds until an edit can pass' },
        },
      },
    }),
    validate('param', messageIdParam),
    validate('json', editMessageBody),
    async (c) => {
      const { content, model, attachments } = c.req.valid('json');
      assertLength(content);
      const { subject } = c.var;
      const { id, messageId } = c.req.valid('param');
      const caller = roomCaller(id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).edit({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          content,
          model,
          attachments,
          messageId: messageId.toLowerCase(),
        }),
      );
      return replyResponse(reply);
    },
  )

  // A reply again, for the same history: the room adds it beside the earlier one and answers as a send does.
  .post(
    '/:id/regenerate',
    describe({
      ...chatApi,
      summary:
        "Regenerate a reply (the last in view, or messageId): a new version is stored beside it for the same history (the earlier one stays, one version away, and stays billed), its branch is put in view, and it streams back as a send's reply does",
      responses: {
        200: {
          description: 'Event stream',
          eventStream: true,
          headers: { 'x-message-id': "The new reply's message id" },
        },
        400: { description: 'messageId is not a reply (not_a_reply), or a model not on offer (unknown_model)' },
        403: readOnly,
        404: { description: 'No such conversation, or no such message in it (message_not_found)' },
        409: {
          description:
            'A reply is in progress (reply_in_progress), or the last message in view is not a reply (nothing_to_regenerate)',
        },
      },
    }),
    validate('param', conversationIdParam),
    optionalJsonBody,
    validate('json', regenerateBody),
    async (c) => {
      const { model, messageId } = c.req.valid('json');
      const { subject } = c.var;
      const caller = roomCaller(c.req.valid('param').id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).regenerate({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          model,
          ...(messageId ? { messageId: messageId.toLowerCase() } : {}),
        }),
      );
      return replyResponse(reply);
    },
  )

  // Which version is in view is the room's to remember (and Postgres's, behind), so a reload shows it.
  .post(
    '/:id/branch',
    describe({
      ...conversationsApi,
      summary:
        'Switch versions: put the branch through messageId in view, down to its newest message (for ‹ 2/3 ›, a version from siblings.ids); answers the conversation as GET does. Nothing is deleted, and the conversation keeps its place in the list',
      responses: {
        200: { description: 'The conversation with the branch now in view', schema: conversationWithMessagesSchema },
        403: readOnly,
        404: { description: 'No such conversation, or no such message in it (message_not_found)' },
        409: { description: 'A reply is in progress (reply_in_progress): it stays in view until it ends' },
      },
    }),
    validate('param', conversationIdParam),
    validate('json', selectBranchBody),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const { messageId } = c.req.valid('json');
      return c.json(
        toConversationRead(
          roomAnswer(
            await conversationRoom(c.env, caller.conversationId).selectBranch(caller, messageId.toLowerCase()),
          ),
        ),
      );
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
  )

  // The snapshot is what the room answers now (as GET /:id does), stored in Postgres with the link.
  .post(
    '/:id/shares',
    describe({
      summary:
        'Share the conversation: a read-only public page of its messages as they are now (later ones do not appear), at an unguessable URL, until revoked or expired',
      tag: 'sharing',
      security: ['session'],
      responses: {
        201: { description: 'The link', schema: shareSchema },
        400: { description: 'expiresAt in the past or too far ahead (invalid_request)' },
        403: {
          description:
            "Called with an API key (forbidden), or a widget visitor's conversation, which is not yours to publish (read_only)",
        },
        404: { description: 'Not found, or not yours' },
        409: {
          description: `No messages yet (nothing_to_share), or you already have ${MAX_LIVE_SHARES} live links (share_limit_reached: revoke one)`,
        },
        413: {
          description: `The messages hold more than ${MAX_SHARE_BYTES / 1_000_000} MB of text (content_too_large): export the conversation instead`,
        },
        503: { description: 'The database cannot be reached (database_unavailable)' },
      },
    }),
    requireSession('Share links'),
    validate('param', conversationIdParam),
    optionalJsonBody,
    validate('json', createShareBody),
    async (c) => {
      const expiresAt = shareExpiry(c.req.valid('json').expiresAt);
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const found = roomAnswer(await conversationRoom(c.env, caller.conversationId).read(caller));
      const share = await createShare(c.var.db, c.var.subject.claims, found, expiresAt);
      return c.json(
        {
          id: share.id,
          url: shareUrl(new URL(c.req.url).origin, share.token),
          createdAt: share.createdAt.toISOString(),
          expiresAt: share.expiresAt?.toISOString() ?? null,
        },
        201,
      );
    },
  )

  .get(
    '/:id/export',
    describe({
      ...conversationsApi,
      summary:
        "Download the conversation as Markdown (format=md) or as JSON in this API's shapes (format=json), as an attachment",
      responses: {
        200: {
          description: 'The file (text/markdown or application/json)',
          headers: { 'Content-Disposition': 'attachment; filename="parley-<title>-<day>.md" (or .json)' },
        },
        404: { description: 'Not found, or not yours' },
      },
    }),
    validate('param', conversationIdParam),
    validate('query', exportQuery),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const found = roomAnswer(await conversationRoom(c.env, caller.conversationId).read(caller));
      const file = conversationDownload(c.req.valid('query').format, {
        conversation: toConversation(found.conversation),
        messages: found.messages.map(toMessage),
      });
      return c.body(file.body, 200, {
        'content-type': file.contentType,
        'content-disposition': attachment(file.filename),
      });
    },
  );

/** A link's expiry: in the future and within MAX_SHARE_DAYS; none when left out. */
function shareExpiry(expiresAt: string | null | undefined): Date | null {
  if (!expiresAt) return null;
  const at = new Date(expiresAt);
  const ms = at.getTime() - Date.now();
  if (ms <= 0) throw badRequest('expiresAt: must be in the future');
  if (ms > MAX_SHARE_DAYS * 86_400_000) throw badRequest(`expiresAt: at most ${MAX_SHARE_DAYS} days ahead`);
  return at;
}

function assertLength(content: string) {
  if (content.length > MAX_CONTENT_CHARS) {
    throw new AppError(
      413,
      'content_too_large',
      `A message is limited to ${MAX_CONTENT_CHARS.toLocaleString('en')} characters; this one has ${content.length.toLocaleString('en')}`,
    );
  }
}

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
  temperature: row.temperature,
  maxReplyTokens: row.maxReplyTokens,
  siteId: row.siteId,
  visitorId: row.visitorId,
  pinnedAt: row.pinnedAt?.toISOString() ?? null,
  activeAt: row.activeAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const toConversationRead = (read: ConversationRead) => ({
  ...toConversation(read.conversation),
  messages: read.messages.map(toMessage),
});

const toMessage = (row: BranchMessage) => ({
  id: row.id,
  attachments: row.attachments ?? [],
  parentId: row.parentId,
  role: row.role,
  content: row.content,
  model: row.model,
  requestedModel: row.requestedModel,
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
  siblings: { index: row.siblings.index, count: row.siblings.count, ids: row.siblings.ids },
});
