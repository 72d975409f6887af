// The widget's server side, called by visitors from host pages on other origins (CORS: see
// middleware/cors.ts). A session checks the page's Origin against the site's allowed origins and
// returns a visitor token bound to that origin; the visitor's conversations then live in their
// ConversationRooms like any other, owned by the site's owner. Nothing here waits on Postgres:
// the site's Durable Object, the room and the owner's Limiter answer from what they hold.
import { Hono } from 'hono';
import { limitBody } from '../middleware/body-limit.ts';
import type { AppEnv, WidgetEnv } from '../env.ts';
import { requireVisitor, signVisitorToken, widgetKey } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { validate } from '../validation.ts';
import { conversationRoom, replyResponse, resumeResponse, roomAnswer, roomCaller, stopReply } from '../chat/rooms.ts';
import type { Message } from '../db/conversations.ts';
import { defaultModel, findModel } from '../providers/registry.ts';
import { requestOrigin } from '../sites/origins.ts';
import { isSiteKey } from '../sites/public-key.ts';
import { admitVisitor, countConversation, countSession } from '../sites/site-objects.ts';
import { identifyVisitor } from '../sites/visitor-identity.ts';
import { SITE_NOT_FOUND } from '../sites/site-config.ts';
import {
  MAX_VISITOR_CONTENT_CHARS,
  widgetConversationIdParam,
  widgetConversationSchema,
  widgetConversationWithMessagesSchema,
  widgetSendBody,
  widgetSessionBody,
  widgetSessionSchema,
} from '../schemas/widget.ts';
import { describe } from '../openapi/describe.ts';

const MAX_BODY_BYTES = 64 * 1024;

const visitorApi = { tag: 'widget', security: ['visitor'] } as const;
/** What requireVisitor and a room answer a visitor on every conversation route. */
const visitorErrors = {
  401: {
    description:
      'No, an invalid or an expired visitor token (visitor_token_invalid, visitor_token_expired): ask POST /api/widget/session for a new one',
  },
  403: {
    description:
      "The request's Origin is not the token's (origin_mismatch), or the site no longer allows it (origin_not_allowed)",
  },
  404: {
    description:
      'No such conversation for this visitor (not_found, never a hint it exists), or the site was deleted (site_not_found)',
  },
};

export const widgetSession = new Hono<AppEnv>().post(
  '/',
  describe({
    summary:
      "A visitor session for a site, from a page on one of its allowed origins (the browser's Origin header): a 15-minute visitor token bound to the site, the visitor and that origin, the visitor's 30-day credential, and what the widget shows. The visitor is the one the credential names, else a new one minted by Parley (a body visitorId is ignored)",
    tag: 'widget',
    responses: {
      200: { description: 'Session', schema: widgetSessionSchema },
      401: {
        description:
          "A visitor credential issued for another site (visitor_credential_wrong_site): send none, or this site's",
      },
      403: {
        description:
          "No Origin, or an origin the site does not allow (origin_not_allowed); the site's Turnstile check is due and no turnstileToken was sent (turnstile_required, with error.turnstile {siteKey, script}), or Siteverify refused it (turnstile_failed)",
      },
      404: { description: 'No site has this key (site_not_found)' },
      429: {
        description:
          "More sessions from this IP address (CF-Connecting-IP) in the last minute than the site's sessionsPerIpPerMinute (site_session_rate_limited)",
        headers: { 'Retry-After': 'Seconds until a session can pass' },
      },
      503: {
        description:
          'WIDGET_TOKEN_SECRET is not set (widget_not_configured), the site cannot be reached (widget_unavailable, database_unavailable), or Siteverify cannot (turnstile_unavailable)',
      },
    },
  }),
  validate('json', widgetSessionBody),
  async (c) => {
    const key = await widgetKey(c.env, c.req.url);
    const { siteKey, credential, turnstileToken } = c.req.valid('json');
    const origin = requestOrigin(c.req.header('origin'));
    if (!origin) {
      throw new AppError(
        403,
        'origin_not_allowed',
        "The request has no Origin: the widget works only on a web page served from one of the site's allowed origins",
      );
    }
    if (!isSiteKey(siteKey)) throw new AppError(404, 'site_not_found', SITE_NOT_FOUND);
    const site = await admitVisitor(c.env, siteKey, origin, new URL(c.req.url).origin);
    await countSession(c.env, siteKey, c.req.header('cf-connecting-ip'));
    const visitor = await identifyVisitor(c.env, key, site, {
      credential,
      turnstileToken,
      remoteIp: c.req.header('cf-connecting-ip'),
    });
    const { token, expiresAt } = await signVisitorToken(key, {
      visitorId: visitor.visitorId,
      siteId: site.id,
      siteKey,
      origin,
    });
    return c.json({
      token,
      expiresAt,
      visitorId: visitor.visitorId,
      credential: visitor.credential,
      credentialExpiresAt: visitor.credentialExpiresAt,
      returning: visitor.returning,
      site: { name: site.name, greeting: site.greeting, theme: site.theme, model: siteModel(c.env, site.model) },
    });
  },
);

export const widgetConversations = new Hono<WidgetEnv>()
  .use(requireVisitor)
  .use(limitBody(MAX_BODY_BYTES))

  // Made at the edge, as in the app; owned by the site's owner, reachable by this visitor only.
  .post(
    '/',
    describe({
      ...visitorApi,
      summary: "Start a visitor conversation (the site's owner owns it and may read it)",
      responses: {
        201: { description: 'Created', schema: widgetConversationSchema },
        ...visitorErrors,
        429: {
          description:
            "This visitor started the site's conversationsPerVisitorPerHour in the last hour (visitor_conversation_limit)",
          headers: { 'Retry-After': 'Seconds until a conversation can start' },
        },
      },
    }),
    async (c) => {
      await countConversation(c.env, c.var.site.publicKey, c.var.subject.visitorId);
      const caller = roomCaller(crypto.randomUUID(), c.var.subject);
      const { conversation } = roomAnswer(await conversationRoom(c.env, caller.conversationId).create(caller));
      return c.json({ id: conversation.id, createdAt: conversation.createdAt.toISOString() }, 201);
    },
  )

  .get(
    '/:id',
    describe({
      ...visitorApi,
      summary: "The visitor's conversation with its messages, a reply in flight included",
      responses: {
        200: { description: 'Conversation', schema: widgetConversationWithMessagesSchema },
        ...visitorErrors,
      },
    }),
    validate('param', widgetConversationIdParam),
    async (c) => {
      const caller = roomCaller(c.req.valid('param').id, c.var.subject);
      const found = roomAnswer(await conversationRoom(c.env, caller.conversationId).read(caller));
      return c.json({ id: found.conversation.id, messages: found.messages.map(toMessage) });
    },
  )

  // The site's model and system prompt, as the site is now: a visitor cannot choose them.
  .post(
    '/:id/messages',
    describe({
      ...visitorApi,
      summary:
        "Send a message with the site's model and system prompt; the reply streams as in the app (message.start, delta, usage, done, error)",
      responses: {
        200: { description: 'Event stream', eventStream: true, headers: { 'x-message-id': "The reply's message id" } },
        ...visitorErrors,
        402: { description: "The site owner's monthly quota is used up (quota_exceeded)" },
        409: { description: 'A reply is already in progress (reply_in_progress)' },
        413: { description: 'Message over 4,000 characters (content_too_large)' },
        429: {
          description:
            "This visitor sent more than the site's visitorRequestsPerMinute (rate_limited); the widget's own reply slots are taken, or what is left of the site's day is held by replies in progress (widget_busy); the site's dailyTokenBudget is spent until midnight UTC (site_daily_budget_spent); or what is left of the owner's quota is held by replies in progress (quota_in_use)",
          headers: { 'Retry-After': 'Seconds until a message can pass' },
        },
      },
    }),
    validate('param', widgetConversationIdParam),
    validate('json', widgetSendBody),
    async (c) => {
      const { content } = c.req.valid('json');
      if (content.length > MAX_VISITOR_CONTENT_CHARS) {
        throw new AppError(
          413,
          'content_too_large',
          `A message is limited to ${MAX_VISITOR_CONTENT_CHARS.toLocaleString('en')} characters; this one has ${content.length.toLocaleString('en')}`,
        );
      }
      const { subject, site } = c.var;
      const caller = roomCaller(c.req.valid('param').id, subject);
      const reply = roomAnswer(
        await conversationRoom(c.env, caller.conversationId).send({
          ...caller,
          subject: { type: subject.type, id: subject.id },
          content,
          site: {
            model: site.model,
            systemPrompt: site.systemPrompt,
            visitorRequestsPerMinute: site.visitorRequestsPerMinute,
            dailyTokenBudget: site.dailyTokenBudget,
          },
        }),
      );
      return replyResponse(reply);
    },
  )

  .get(
    '/:id/stream',
    describe({
      ...visitorApi,
      summary: 'Resume the in-flight reply after Last-Event-ID',
      responses: {
        200: { description: 'Event stream', eventStream: true },
        204: { description: 'Nothing in flight' },
        ...visitorErrors,
      },
    }),
    validate('param', widgetConversationIdParam),
    (c) => resumeResponse(c.env, roomCaller(c.req.valid('param').id, c.var.subject), c.req.header('last-event-id')),
  )

  .post(
    '/:id/stop',
    describe({
      ...visitorApi,
      summary: 'Stop the in-flight reply',
      responses: { 200: { description: '{stopped}' }, ...visitorErrors },
    }),
    validate('param', widgetConversationIdParam),
    async (c) => c.json(await stopReply(c.env, roomCaller(c.req.valid('param').id, c.var.subject))),
  );

/** The model the widget names: the site's, or the server's default; 503 when no provider is configured at all. */
function siteModel(env: Env, id: string | null) {
  const model = id ? findModel(env, id) : defaultModel(env);
  if (model) return { id: model.id, label: model.label };
  // A model the server no longer offers: the owner must choose another; its replies fail until then.
  if (id) return { id, label: id };
  throw new AppError(503, 'no_models', 'This chat is not available right now: no model is configured on the server');
}

const toMessage = (m: Message) => ({
  id: m.id,
  role: m.role,
  content: m.content,
  status: m.status,
  stopReason: m.stopReason,
  errorCode: m.errorCode,
  createdAt: m.createdAt.toISOString(),
});
