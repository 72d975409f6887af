// The API's operations, each pointing at the zod schemas its route validates with. The OpenAPI
// document is generated from these, so it cannot drift from what the routes accept.
import type { ZodObject, ZodType } from 'zod';
import {
  conversationIdParam, conversationListSchema, conversationSchema, conversationWithMessagesSchema, createConversationBody,
  listConversationsQuery, modelListSchema, sendMessageBody, updateConversationBody,
} from '../schemas/conversations.ts';
import { usageQuery, usageSchema } from '../schemas/usage.ts';

export type Operation = {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth: boolean;
  params?: ZodObject;
  query?: ZodObject;
  body?: ZodType;
  responses: Record<number, { description: string; schema?: ZodType; eventStream?: boolean }>;
};

const conversationPath = '/api/conversations/{id}';

export const operations: Operation[] = [
  { method: 'get', path: '/api/health', summary: 'Liveness, with a real database query', tag: 'meta', auth: false, responses: { 200: { description: 'Healthy' }, 503: { description: 'Database down' } } },
  { method: 'get', path: '/api/models', summary: 'Models on offer, with context window and price', tag: 'models', auth: false, responses: { 200: { description: 'Models', schema: modelListSchema } } },
  { method: 'get', path: '/api/me', summary: 'Your profile, plan and monthly quota {limit, used, reserved, resetsAt}', tag: 'account', auth: true, responses: { 200: { description: 'Profile' }, 503: { description: 'The database cannot be reached (database_unavailable)' } } },
  { method: 'get', path: '/api/usage', summary: 'Your tokens, requests and cost by UTC day and model (rolled up hourly)', tag: 'account', auth: true, query: usageQuery, responses: { 200: { description: 'Usage', schema: usageSchema }, 400: { description: 'A bad or too long range' } } },
  { method: 'get', path: '/api/conversations', summary: 'Your conversations, newest first (from Postgres: may lag a change by one flush)', tag: 'conversations', auth: true, query: listConversationsQuery, responses: { 200: { description: 'One page', schema: conversationListSchema }, 503: { description: 'The database cannot be reached (database_unavailable)' } } },
  { method: 'post', path: '/api/conversations', summary: 'Start a conversation', tag: 'conversations', auth: true, body: createConversationBody, responses: { 201: { description: 'Created', schema: conversationSchema } } },
  { method: 'get', path: conversationPath, summary: 'One conversation with its messages, a reply in flight included (answered by its room)', tag: 'conversations', auth: true, params: conversationIdParam, responses: { 200: { description: 'Conversation', schema: conversationWithMessagesSchema }, 404: { description: 'Not found, or not yours' } } },
  { method: 'patch', path: conversationPath, summary: 'Rename, change model or system prompt', tag: 'conversations', auth: true, params: conversationIdParam, body: updateConversationBody, responses: { 200: { description: 'Updated', schema: conversationSchema } } },
  { method: 'delete', path: conversationPath, summary: 'Delete a conversation and its messages', tag: 'conversations', auth: true, params: conversationIdParam, responses: { 204: { description: 'Deleted' } } },
  {
    method: 'post', path: `${conversationPath}/messages`, tag: 'chat', auth: true, params: conversationIdParam, body: sendMessageBody,
    summary: 'Send a message; the reply streams back as server-sent events (message.start, delta, usage, done, error)',
    responses: { 200: { description: 'Event stream', eventStream: true }, 409: { description: 'A reply is already in progress' }, 413: { description: 'Message over 100,000 characters' } },
  },
  { method: 'get', path: `${conversationPath}/stream`, summary: 'Resume the in-flight reply after Last-Event-ID', tag: 'chat', auth: true, params: conversationIdParam, responses: { 200: { description: 'Event stream', eventStream: true }, 204: { description: 'Nothing in flight' } } },
  { method: 'post', path: `${conversationPath}/stop`, summary: 'Stop the in-flight reply (the vendor call is aborted)', tag: 'chat', auth: true, params: conversationIdParam, responses: { 200: { description: '{stopped}' } } },
  { method: 'post', path: '/api/billing/checkout', summary: 'A Stripe Checkout URL to subscribe to Pro {url}', tag: 'billing', auth: true, responses: { 200: { description: '{url}' }, 503: { description: 'Billing not configured (billing_not_configured)' } } },
  { method: 'post', path: '/api/billing/portal', summary: 'A Stripe Billing Portal URL to manage your subscription {url}', tag: 'billing', auth: true, responses: { 200: { description: '{url}' }, 409: { description: 'No billing account yet: check out first (no_billing_account)' }, 503: { description: 'Billing not configured (billing_not_configured)' } } },
  { method: 'post', path: '/api/billing/webhook', summary: 'Stripe webhook (signed with Stripe-Signature; each event processed once)', tag: 'billing', auth: false, responses: { 200: { description: '{received, outcome}' }, 400: { description: 'Missing or bad signature (invalid_signature)' } } },
];
