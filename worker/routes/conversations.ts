import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.ts';
import { requireUser } from '../auth/index.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { validate } from '../validation.ts';
import {
  createConversationForUser, deleteConversationForUser, getConversationForUser, getConversationWithMessagesForUser,
  listConversationsForUser, updateConversationForUser, type Conversation, type Message, type PageCursor,
} from '../db/conversations.ts';
import { conversationRoom } from '../chat/rooms.ts';
import { SSE_HEADERS } from '../chat/events.ts';
import { findModel } from '../providers/registry.ts';
import {
  MAX_CONTENT_CHARS, conversationIdParam, createConversationBody, listConversationsQuery, sendMessageBody, updateConversationBody,
} from '../schemas/conversations.ts';

/** Bodies beyond this are refused before parsing (a message is at most 100,000 characters). */
const MAX_BODY_BYTES = 1024 * 1024;

export const conversations = new Hono<AppEnv>()
  .use(requireUser)
  .use(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`); } }))

  .get('/', validate('query', listConversationsQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listConversationsForUser(c.var.db, c.var.subject.claims, { limit, after: cursor ? decodeCursor(cursor) : undefined });
    const last = page.items.at(-1);
    return c.json({ items: page.items.map(toConversation), nextCursor: page.hasMore && last ? encodeCursor(last) : null });
  })

  .post('/', validate('json', createConversationBody), async (c) => {
    const body = c.req.valid('json');
    if (body.model) assertModel(c.env, body.model);
    const created = await createConversationForUser(c.var.db, c.var.subject.claims, body);
    // Warms the conversation's room so the first send needs no database read; harmless if it fails.
    c.executionCtx.waitUntil(conversationRoom(c.env, created.id).remember(created).catch(() => {}));
    return c.json(toConversation(created), 201);
  })

  .get('/:id', validate('param', conversationIdParam), async (c) => {
    const found = await getConversationWithMessagesForUser(c.var.db, c.var.subject.claims, c.req.valid('param').id);
    if (!found) throw notFound('Conversation not found');
    return c.json({ ...toConversation(found.conversation), messages: found.messages.map(toMessage) });
  })

  .patch('/:id', validate('param', conversationIdParam), validate('json', updateConversationBody), async (c) => {
    const body = c.req.valid('json');
    if (body.model) assertModel(c.env, body.model);
    const updated = await updateConversationForUser(c.var.db, c.var.subject.claims, c.req.valid('param').id, body);
    if (!updated) throw notFound('Conversation not found');
    await conversationRoom(c.env, updated.id).update(updated);
    return c.json(toConversation(updated));
  })

  .delete('/:id', validate('param', conversationIdParam), async (c) => {
    const { id } = c.req.valid('param');
    const { claims, userId } = c.var.subject;
    if (!(await getConversationForUser(c.var.db, claims, id))) throw notFound('Conversation not found');
    // Stop a reply in flight first, so it is not saved into a conversation that no longer exists.
    await conversationRoom(c.env, id).stop(userId);
    await deleteConversationForUser(c.var.db, claims, id);
    await conversationRoom(c.env, id).forget();
    return c.body(null, 204);
  })

  // The hot path: ownership is checked by the room against the conversation it loads anyway,
  // which saves a database round trip before the first token.
  .post('/:id/messages', validate('param', conversationIdParam), validate('json', sendMessageBody), async (c) => {
    const { id } = c.req.valid('param');
    const { content, model } = c.req.valid('json');
    if (content.length > MAX_CONTENT_CHARS) {
      throw new AppError(413, 'content_too_large', `A message is limited to ${MAX_CONTENT_CHARS.toLocaleString('en')} characters; this one has ${content.length.toLocaleString('en')}`);
    }
    if (model) assertModel(c.env, model);
    const { subject } = c.var;
    const result = await conversationRoom(c.env, id).send({
      conversationId: id, userId: subject.userId, subject: { type: subject.type, id: subject.id }, content, model,
    });
    if (!result.ok) throw new AppError(result.status, result.code, result.message);
    return new Response(result.stream, { headers: { ...SSE_HEADERS, 'x-message-id': result.messageId } });
  })

  .get('/:id/stream', validate('param', conversationIdParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getConversationForUser(c.var.db, c.var.subject.claims, id))) throw notFound('Conversation not found');
    const stream = await conversationRoom(c.env, id).resume(c.var.subject.userId, c.req.header('last-event-id'));
    if (!stream) return c.body(null, 204);
    return new Response(stream, { headers: SSE_HEADERS });
  })

  .post('/:id/stop', validate('param', conversationIdParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getConversationForUser(c.var.db, c.var.subject.claims, id))) throw notFound('Conversation not found');
    return c.json(await conversationRoom(c.env, id).stop(c.var.subject.userId));
  });

function assertModel(env: Env, model: string) {
  if (!findModel(env, model)) throw badRequest(`Model '${model}' is not available here: GET /api/models lists the models on offer`, 'unknown_model');
}

function encodeCursor(row: Conversation) {
  return btoa(`${row.updatedAt.toISOString()}|${row.id}`).replace(/=+$/, '');
}

function decodeCursor(cursor: string): PageCursor {
  try {
    const [updatedAt, id] = atob(cursor).split('|');
    const date = new Date(updatedAt!);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) throw new Error('bad cursor');
    return { updatedAt: date, id: id! };
  } catch {
    throw badRequest('cursor: not a cursor from this API (use nextCursor from the previous page)');
  }
}

const toConversation = (row: Conversation) => ({
  id: row.id, title: row.title, model: row.model, systemPrompt: row.systemPrompt,
  createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
});

const toMessage = (row: Message) => ({
  id: row.id, role: row.role, content: row.content, model: row.model, provider: row.provider, status: row.status,
  stopReason: row.stopReason, errorCode: row.errorCode, inputTokens: row.inputTokens, outputTokens: row.outputTokens,
  cachedTokens: row.cachedTokens, costUsd: row.costUsd, timeToFirstTokenMs: row.timeToFirstTokenMs, durationMs: row.durationMs,
  createdAt: row.createdAt.toISOString(), completedAt: row.completedAt?.toISOString() ?? null,
});
