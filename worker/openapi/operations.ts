// The API's operations, each pointing at the zod schemas its route validates with. The OpenAPI
// document is generated from these, so it cannot drift from what the routes accept.
import type { ZodObject, ZodType } from 'zod';
import {
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
import { modelListSchema } from '../schemas/models.ts';
import { usageQuery, usageSchema } from '../schemas/usage.ts';
import { publicConfigSchema } from '../schemas/config.ts';
import { createdKeySchema, createKeyBody, keyIdParam, keyListSchema } from '../schemas/keys.ts';
import { createSiteBody, siteIdParam, siteListSchema, siteSchema, updateSiteBody } from '../schemas/sites.ts';
import {
  widgetConversationIdParam,
  widgetConversationSchema,
  widgetConversationWithMessagesSchema,
  widgetSendBody,
  widgetSessionBody,
  widgetSessionSchema,
} from '../schemas/widget.ts';
import {
  chatCompletionChunkSchema,
  chatCompletionSchema,
  openAiErrorSchema,
  openAiModelListSchema,
} from '../schemas/openai.ts';
import { chatCompletionBody } from '../openai/request.ts';

export type Operation = {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  /** Only this credential is accepted; otherwise an operation with auth takes a session or an API key. */
  credentials?: 'session' | 'apiKey' | 'visitor';
  params?: ZodObject;
  query?: ZodObject;
  body?: ZodType;
  /** The body may be left out. */
  bodyOptional?: true;
  responses: Record<number, OperationResponse>;
  /** The body of every error, when it is not Parley's envelope (the /v1 API answers in OpenAI's shape). */
  errorSchema?: ZodType;
};

type OperationResponse = {
  description: string;
  /** The JSON body. */
  schema?: ZodType;
  /** Server-sent events; a schema describes the JSON in each event's `data:`. */
  eventStream?: true | ZodType;
  /** Response headers worth knowing, by name, with what they mean. */
  headers?: Record<string, string>;
};

const conversationPath = '/api/conversations/{id}';
const readOnly = {
  description: "A widget visitor's conversation: you can read and delete it, not change or send to it (read_only)",
};
const keyForbidden = { description: 'Called with an API key: keys are managed by signing in (forbidden)' };
const sitePath = '/api/sites/{id}';
const siteForbidden = { description: 'Called with an API key: sites are managed by signing in (forbidden)' };
const sitesUnavailable = {
  description:
    "The site's Durable Object could not be reached: nothing is left half done, try again (sites_unavailable)",
};
const widgetPath = '/api/widget/conversations/{id}';
const visitorErrors: Record<number, OperationResponse> = {
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
const openAiError = (description: string, headers?: Record<string, string>): OperationResponse => ({
  description,
  schema: openAiErrorSchema,
  ...(headers ? { headers } : {}),
});

export const operations: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'Liveness, with a real database query, and the transport reaching the database (hyperdrive or neon-http)',
    tag: 'meta',
    auth: false,
    responses: { 200: { description: 'Healthy' }, 503: { description: 'Database down' } },
  },
  {
    method: 'get',
    path: '/api/config',
    summary:
      'What the app needs before sign-in: how to sign in, whether billing is on offer, the version (never a secret)',
    tag: 'meta',
    auth: false,
    responses: { 200: { description: 'Public configuration', schema: publicConfigSchema } },
  },
  {
    method: 'get',
    path: '/api/models',
    summary: 'Models on offer, with context window and price',
    tag: 'models',
    auth: false,
    responses: { 200: { description: 'Models', schema: modelListSchema } },
  },
  {
    method: 'get',
    path: '/api/me',
    summary: 'Your profile, plan and monthly quota {limit, used, reserved, resetsAt}',
    tag: 'account',
    auth: true,
    responses: {
      200: { description: 'Profile' },
      503: { description: 'The database cannot be reached (database_unavailable)' },
    },
  },
  {
    method: 'get',
    path: '/api/usage',
    summary: 'Your tokens, requests and cost by UTC day and model (rolled up hourly)',
    tag: 'account',
    auth: true,
    query: usageQuery,
    responses: { 200: { description: 'Usage', schema: usageSchema }, 400: { description: 'A bad or too long range' } },
  },
  {
    method: 'get',
    path: '/api/conversations',
    summary: 'Your conversations, newest first (from Postgres: may lag a change by one flush)',
    tag: 'conversations',
    auth: true,
    query: listConversationsQuery,
    responses: {
      200: { description: 'One page', schema: conversationListSchema },
      503: { description: 'The database cannot be reached (database_unavailable)' },
    },
  },
  {
    method: 'post',
    path: '/api/conversations',
    summary: 'Start a conversation',
    tag: 'conversations',
    auth: true,
    body: createConversationBody,
    responses: { 201: { description: 'Created', schema: conversationSchema } },
  },
  {
    method: 'get',
    path: conversationPath,
    summary: 'One conversation with its messages, a reply in flight included (answered by its room)',
    tag: 'conversations',
    auth: true,
    params: conversationIdParam,
    responses: {
      200: { description: 'Conversation', schema: conversationWithMessagesSchema },
      404: { description: 'Not found, or not yours' },
    },
  },
  {
    method: 'patch',
    path: conversationPath,
    summary: 'Rename, change model or system prompt',
    tag: 'conversations',
    auth: true,
    params: conversationIdParam,
    body: updateConversationBody,
    responses: { 200: { description: 'Updated', schema: conversationSchema }, 403: readOnly },
  },
  {
    method: 'delete',
    path: conversationPath,
    summary: 'Delete a conversation and its messages',
    tag: 'conversations',
    auth: true,
    params: conversationIdParam,
    responses: { 204: { description: 'Deleted' } },
  },
  {
    method: 'post',
    path: `${conversationPath}/messages`,
    tag: 'chat',
    auth: true,
    params: conversationIdParam,
    body: sendMessageBody,
    summary: 'Send a message; the reply streams back as server-sent events (message.start, delta, usage, done, error)',
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
  },
  {
    method: 'post',
    path: `${conversationPath}/regenerate`,
    tag: 'chat',
    auth: true,
    params: conversationIdParam,
    body: regenerateBody,
    bodyOptional: true,
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
  },
  {
    method: 'get',
    path: `${conversationPath}/stream`,
    summary: 'Resume the in-flight reply after Last-Event-ID',
    tag: 'chat',
    auth: true,
    params: conversationIdParam,
    responses: { 200: { description: 'Event stream', eventStream: true }, 204: { description: 'Nothing in flight' } },
  },
  {
    method: 'post',
    path: `${conversationPath}/stop`,
    summary: 'Stop the in-flight reply (the vendor call is aborted)',
    tag: 'chat',
    auth: true,
    params: conversationIdParam,
    responses: { 200: { description: '{stopped}' }, 403: readOnly },
  },
  {
    method: 'post',
    path: '/api/billing/checkout',
    summary:
      'Where to send the user for Pro {url, destination}: a Stripe Checkout URL, or the Billing Portal (destination portal) for a user who already holds a live subscription',
    tag: 'billing',
    auth: true,
    responses: {
      200: { description: '{url, destination: "checkout" | "portal"}' },
      403: { description: 'An API key: billing is managed by signing in (forbidden)' },
      502: { description: 'Stripe refused, in its own words (billing_upstream_error)' },
      503: { description: 'Billing not configured (billing_not_configured)' },
    },
  },
  {
    method: 'post',
    path: '/api/billing/portal',
    summary: 'A Stripe Billing Portal URL to manage your subscription {url}',
    tag: 'billing',
    auth: true,
    responses: {
      200: { description: '{url}' },
      403: { description: 'An API key: billing is managed by signing in (forbidden)' },
      409: { description: 'No billing account yet: check out first (no_billing_account)' },
      503: { description: 'Billing not configured (billing_not_configured)' },
    },
  },
  {
    method: 'post',
    path: '/api/billing/webhook',
    summary:
      "Stripe webhook (signed with Stripe-Signature; each event processed once, by retrieving the subscription's current state from Stripe)",
    tag: 'billing',
    auth: false,
    responses: {
      200: {
        description:
          '{received, outcome: processed | replayed | ignored, reason?}: an event Parley cannot use is ignored with its reason, never retried',
      },
      400: { description: 'Missing or bad signature (invalid_signature)' },
      502: { description: 'Stripe could not be asked for the subscription: Stripe retries the event' },
      503: { description: 'The database cannot be reached: Stripe retries the event' },
    },
  },
  {
    method: 'get',
    path: '/api/keys',
    summary: 'Your live API keys (their prefixes, never their secrets)',
    tag: 'keys',
    auth: true,
    credentials: 'session',
    responses: { 200: { description: 'Keys, newest first', schema: keyListSchema }, 403: keyForbidden },
  },
  {
    method: 'post',
    path: '/api/keys',
    tag: 'keys',
    auth: true,
    credentials: 'session',
    body: createKeyBody,
    summary:
      'Create an API key for the /v1 API. The secret (`key`) is shown in this answer once and never again: store it now',
    responses: {
      201: { description: 'Created, with its secret', schema: createdKeySchema },
      403: keyForbidden,
      503: { description: 'Keys cannot be changed right now (limits_unavailable)' },
    },
  },
  {
    method: 'delete',
    path: '/api/keys/{id}',
    summary: 'Revoke an API key: it stops working when this returns',
    tag: 'keys',
    auth: true,
    credentials: 'session',
    params: keyIdParam,
    responses: {
      204: { description: 'Revoked (again, if it already was)' },
      403: keyForbidden,
      404: { description: 'No such key, or not yours (not_found)' },
      503: { description: 'Keys cannot be changed right now (limits_unavailable)' },
    },
  },
  {
    method: 'get',
    path: '/api/sites',
    summary: 'Your widget sites, newest first',
    tag: 'sites',
    auth: true,
    credentials: 'session',
    responses: { 200: { description: 'Sites', schema: siteListSchema }, 403: siteForbidden },
  },
  {
    method: 'post',
    path: '/api/sites',
    tag: 'sites',
    auth: true,
    credentials: 'session',
    body: createSiteBody,
    summary: 'Create a widget site: its public key goes in the script tag of the pages on its allowed origins',
    responses: {
      201: { description: 'Created', schema: siteSchema },
      400: { description: 'A bad field, named (an allowed origin that is not one is quoted), or unknown_model' },
      403: siteForbidden,
      503: sitesUnavailable,
    },
  },
  {
    method: 'get',
    path: sitePath,
    summary: 'One of your sites',
    tag: 'sites',
    auth: true,
    credentials: 'session',
    params: siteIdParam,
    responses: {
      200: { description: 'Site', schema: siteSchema },
      403: siteForbidden,
      404: { description: 'No such site, or not yours' },
    },
  },
  {
    method: 'patch',
    path: sitePath,
    tag: 'sites',
    auth: true,
    credentials: 'session',
    params: siteIdParam,
    body: updateSiteBody,
    summary: "Change a site (any of its fields; theme fields merge): visitors' next requests use the change",
    responses: {
      200: { description: 'Updated', schema: siteSchema },
      400: { description: 'A bad field, named, or unknown_model' },
      403: siteForbidden,
      404: { description: 'No such site, or not yours' },
      503: sitesUnavailable,
    },
  },
  {
    method: 'delete',
    path: sitePath,
    tag: 'sites',
    auth: true,
    credentials: 'session',
    params: siteIdParam,
    summary:
      "Delete a site: its widget stops working when this returns (its visitors' conversations stay yours, read-only)",
    responses: {
      204: { description: 'Deleted' },
      403: siteForbidden,
      404: { description: 'No such site, or not yours' },
      503: sitesUnavailable,
    },
  },
  {
    method: 'post',
    path: '/api/widget/session',
    tag: 'widget',
    auth: false,
    body: widgetSessionBody,
    summary:
      "A visitor session for a site, from a page on one of its allowed origins (the browser's Origin header): a 15-minute visitor token bound to the site, the visitor and that origin, and what the widget shows",
    responses: {
      200: { description: 'Session', schema: widgetSessionSchema },
      403: { description: 'No Origin, or an origin the site does not allow (origin_not_allowed)' },
      404: { description: 'No site has this key (site_not_found)' },
      503: {
        description:
          'WIDGET_TOKEN_SECRET is not set (widget_not_configured), or the site cannot be reached (widget_unavailable, database_unavailable)',
      },
    },
  },
  {
    method: 'post',
    path: '/api/widget/conversations',
    summary: "Start a visitor conversation (the site's owner owns it and may read it)",
    tag: 'widget',
    auth: true,
    credentials: 'visitor',
    responses: { 201: { description: 'Created', schema: widgetConversationSchema }, ...visitorErrors },
  },
  {
    method: 'get',
    path: widgetPath,
    summary: "The visitor's conversation with its messages, a reply in flight included",
    tag: 'widget',
    auth: true,
    credentials: 'visitor',
    params: widgetConversationIdParam,
    responses: { 200: { description: 'Conversation', schema: widgetConversationWithMessagesSchema }, ...visitorErrors },
  },
  {
    method: 'post',
    path: `${widgetPath}/messages`,
    tag: 'widget',
    auth: true,
    credentials: 'visitor',
    params: widgetConversationIdParam,
    body: widgetSendBody,
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
          "This visitor sent more than the site's visitorRequestsPerMinute, or too many replies stream for the owner at once (rate_limited), or what is left of the owner's quota is held by replies in progress (quota_in_use)",
        headers: { 'Retry-After': 'Seconds until a message can pass' },
      },
    },
  },
  {
    method: 'get',
    path: `${widgetPath}/stream`,
    summary: 'Resume the in-flight reply after Last-Event-ID',
    tag: 'widget',
    auth: true,
    credentials: 'visitor',
    params: widgetConversationIdParam,
    responses: {
      200: { description: 'Event stream', eventStream: true },
      204: { description: 'Nothing in flight' },
      ...visitorErrors,
    },
  },
  {
    method: 'post',
    path: `${widgetPath}/stop`,
    summary: 'Stop the in-flight reply',
    tag: 'widget',
    auth: true,
    credentials: 'visitor',
    params: widgetConversationIdParam,
    responses: { 200: { description: '{stopped}' }, ...visitorErrors },
  },
  {
    method: 'get',
    path: '/v1/models',
    summary: "Models on offer, in OpenAI's list format",
    tag: 'openai',
    auth: true,
    credentials: 'apiKey',
    errorSchema: openAiErrorSchema,
    responses: {
      200: { description: 'Models', schema: openAiModelListSchema },
      401: openAiError('Missing, malformed, unknown or revoked API key (invalid_api_key)'),
      503: openAiError('The key cannot be checked right now (auth_unavailable)'),
    },
  },
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'openai',
    auth: true,
    credentials: 'apiKey',
    body: chatCompletionBody,
    errorSchema: openAiErrorSchema,
    summary:
      'OpenAI Chat Completions: point an OpenAI SDK at /v1 with a Parley API key. Parameters that would change the answer and cannot be honoured on every model are refused by name, never ignored',
    responses: {
      200: {
        description:
          'A chat.completion; with `stream: true`, server-sent chat.completion.chunk events ending with `data: [DONE]` (a failure after the first token arrives as one `data: {"error": …}` event)',
        schema: chatCompletionSchema,
        eventStream: chatCompletionChunkSchema,
      },
      400: openAiError(
        'A bad or unsupported parameter, named in `param`; code context_length_exceeded when the messages do not fit the model',
      ),
      401: openAiError('Missing, malformed, unknown or revoked API key (invalid_api_key)'),
      403: openAiError('The model is not in your plan (model_not_in_plan)'),
      404: openAiError('No such model: GET /v1/models lists them (model_not_found)'),
      413: openAiError('Request body over 10 MB (payload_too_large)'),
      429: openAiError(
        "Too many requests or streams for your plan, or what is left of the quota is held by replies in progress (type requests, code rate_limit_exceeded: retry after Retry-After); or too little of this month's quota is left for the request (insufficient_quota: do not retry)",
        {
          'Retry-After': 'Seconds until a request can pass (rate_limit_exceeded)',
          'x-should-retry': '"false" when the quota is used up, so OpenAI\'s SDKs do not retry',
        },
      ),
      502: openAiError("The model's provider failed (upstream_error)"),
      503: openAiError(
        'The model is busy at its provider, and its fallbacks too (upstream_overloaded); or the key or your limits cannot be checked right now (auth_unavailable, limits_unavailable)',
      ),
      504: openAiError('The model stopped responding (upstream_timeout)'),
    },
  },
];
