// Every call the front end makes to the Worker, through Hono's client typed by the Worker's own
// routes (AppType): paths, params, queries and bodies are checked against the routes' validators,
// and what comes back is what the handlers return. Errors arrive as the API's envelope and are
// thrown as ApiError, so components can say what happened in words. The access token comes from
// auth.ts, refreshed first when it is about to expire.
import { type ClientResponse, hc, type InferRequestType, type InferResponseType } from 'hono/client';
// Types only: nothing of the Worker reaches the bundle.
import type { AppType } from '../../../worker/app.ts';
import { accessToken, sessionExpired } from './auth.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The client's fetch: an answer other than 2xx is thrown as ApiError (a 401 ends the session first). */
async function send(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  if (res.status === 401) sessionExpired();
  return new ApiError(
    res.status,
    body?.error?.code ?? 'http_error',
    body?.error?.message ?? `The server answered ${res.status}`,
    retryAfter,
  );
}

const client = hc<AppType>('/', {
  fetch: send,
  headers: async (): Promise<Record<string, string>> => {
    const token = await accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
}).api;

/** A JSON answer's body, typed by its route. */
async function read<T>(pending: Promise<ClientResponse<T, number, 'json'>>): Promise<T> {
  return (await pending).json();
}

/** A 204 answer: nothing to read. */
async function done(pending: Promise<unknown>): Promise<null> {
  await pending;
  return null;
}

/** An attachment answer: its bytes and the filename its Content-Disposition gives. */
async function download(res: {
  headers: Headers;
  blob: () => Promise<Blob>;
}): Promise<{ blob: Blob; filename: string }> {
  const filename = res.headers.get('content-disposition')?.match(/filename="([^"]+)"/)?.[1] ?? 'parley-export';
  return { blob: await res.blob(), filename };
}

type Item<List extends { items: unknown[] }> = List['items'][number];

export type Config = InferResponseType<typeof client.config.$get>;
export type Me = InferResponseType<typeof client.me.$get>;
export type Plan = Me['plan'];
export type Plans = InferResponseType<typeof client.billing.plans.$get>;
export type Model = InferResponseType<typeof client.models.$get>['models'][number];
export type Conversation = Item<InferResponseType<typeof client.conversations.$get>>;
export type Message = InferResponseType<(typeof client.conversations)[':id']['$get']>['messages'][number];
export type SearchResult = Item<InferResponseType<typeof client.search.$get>>;
/** Plain text and the ranges of it that matched a search. */
export type Highlighted = NonNullable<SearchResult['title']>;
export type Usage = InferResponseType<typeof client.usage.$get>;
export type Site = Item<InferResponseType<typeof client.sites.$get>>;
export type SiteInput = InferRequestType<typeof client.sites.$post>['json'];
export type SitePatch = InferRequestType<(typeof client.sites)[':id']['$patch']>['json'];
export type SiteConversation = Item<InferResponseType<(typeof client.sites)[':id']['conversations']['$get']>>;
export type SiteInsights = InferResponseType<(typeof client.sites)[':id']['insights']['$get']>;
export type ApiKey = Item<InferResponseType<typeof client.keys.$get>>;
export type ShareLink = Item<InferResponseType<typeof client.shares.$get>>;
export type OpsMetrics = InferResponseType<typeof client.ops.metrics.$get>;
export type OpsHealth = InferResponseType<typeof client.ops.health.$get>;
export type OpsPerformance = InferResponseType<typeof client.ops.performance.$get>;
export type OpsRevenue = InferResponseType<typeof client.ops.revenue.$get>;
/**
 * A reply's event stream as it arrives. The SSE routes answer a raw Response (no `c.json`), so the
 * client knows no more of it than a response: its status, headers and body.
 */
export type EventStream = ClientResponse<unknown>;

const conversation = client.conversations[':id'];

export const api = {
  config: () => read(client.config.$get()),
  devSignIn: (email: string) => read(client.dev.session.$post({ json: { email } })),
  me: () => read(client.me.$get()),
  /** Saves the account's custom instructions (null or blank clears them); what was saved. */
  setCustomInstructions: (customInstructions: string | null) =>
    read(client.me.$patch({ json: { customInstructions } })),
  /** The plan and the models it includes, from the Limiter (no database). */
  myPlan: () => read(client.me.plan.$get()),
  models: () => read(client.models.$get()),

  conversations: (
    query: { q?: string; cursor?: string | null; limit?: number; pinned?: boolean; siteId?: string } = {},
  ) =>
    read(
      client.conversations.$get({
        query: {
          q: query.q || undefined,
          cursor: query.cursor ?? undefined,
          limit: String(query.limit ?? 30),
          pinned: query.pinned === undefined ? undefined : query.pinned ? 'true' : 'false',
          siteId: query.siteId,
        },
      }),
    ),
  /** Titles and message text, newest match first. */
  search: (q: string, limit = 20) => read(client.search.$get({ query: { q, limit: String(limit) } })),
  /** A new conversation; its settings (system prompt, temperature, longest reply) may come with it. */
  createConversation: (
    body: { model?: string; systemPrompt?: string; temperature?: number | null; maxReplyTokens?: number | null } = {},
  ) => read(client.conversations.$post({ json: body })),
  conversation: (id: string) => read(conversation.$get({ param: { id } })),
  updateConversation: (
    id: string,
    patch: {
      title?: string;
      model?: string;
      pinned?: boolean;
      systemPrompt?: string | null;
      temperature?: number | null;
      maxReplyTokens?: number | null;
    },
  ) => read(conversation.$patch({ param: { id }, json: patch })),
  deleteConversation: (id: string) => done(conversation.$delete({ param: { id } })),
  /** The reply's event stream. */
  sendMessage: (
    id: string,
    content: string,
    model?: string,
    attachments: { id: string }[] = [],
  ): Promise<EventStream> =>
    conversation.messages.$post({
      param: { id },
      json: { content, model, ...(attachments.length ? { attachments: attachments.map((a) => a.id) } : {}) },
    }),
  regenerate: (id: string, model?: string): Promise<EventStream> =>
    conversation.regenerate.$post({ param: { id }, json: model ? { model } : {} }),
  /** Another version of the user's message `messageId`: the reply's event stream, as for a send. */
  editMessage: (
    id: string,
    messageId: string,
    content: string,
    model?: string,
    attachments: { id: string }[] = [],
  ): Promise<EventStream> =>
    conversation.messages[':messageId'].edit.$post({
      param: { id, messageId },
      json: { content, model, ...(attachments.length ? { attachments: attachments.map((a) => a.id) } : {}) },
    }),
  /** Puts the branch through `messageId` in view; the conversation as it reads now. */
  selectBranch: (id: string, messageId: string) =>
    read(conversation.branch.$post({ param: { id }, json: { messageId } })),
  /** The in-flight reply after `lastEventId` (all of it without one); 204 when none is running. */
  resume: (id: string, lastEventId?: string): Promise<EventStream> =>
    conversation.stream.$get({ param: { id } }, lastEventId ? { headers: { 'last-event-id': lastEventId } } : {}),
  stop: (id: string) => read(conversation.stop.$post({ param: { id } })),
  /** A read-only public link to the conversation as it is now; `expiresAt` null: it never expires. */
  shareConversation: (id: string, expiresAt: string | null) =>
    read(conversation.shares.$post({ param: { id }, json: { expiresAt } })),
  exportConversation: async (id: string, format: 'md' | 'json') =>
    download(await conversation.export.$get({ param: { id }, query: { format } })),

  shares: () => read(client.shares.$get()),
  revokeShare: (id: string) => done(client.shares[':id'].$delete({ param: { id } })),
  exportAccount: async () => download(await client.me.export.$get()),

  usage: (from: string, to: string) => read(client.usage.$get({ query: { from, to } })),
  plans: () => read(client.billing.plans.$get()),
  checkout: () => read(client.billing.checkout.$post()),
  portal: () => read(client.billing.portal.$post()),

  keys: () => read(client.keys.$get()),
  createKey: (name: string) => read(client.keys.$post({ json: { name } })),
  revokeKey: (id: string) => done(client.keys[':id'].$delete({ param: { id } })),

  sites: () => read(client.sites.$get()),
  site: (id: string) => read(client.sites[':id'].$get({ param: { id } })),
  createSite: (site: SiteInput) => read(client.sites.$post({ json: site })),
  updateSite: (id: string, patch: SitePatch) => read(client.sites[':id'].$patch({ param: { id }, json: patch })),
  deleteSite: (id: string) => done(client.sites[':id'].$delete({ param: { id } })),
  /** One site's visitors' conversations, newest first, or those matching `q`. */
  siteConversations: (id: string, q?: string) =>
    read(client.sites[':id'].conversations.$get({ param: { id }, query: { q: q || undefined, limit: '50' } })),
  /** A site's top questions, tokens and cost per day, and refusals per day, over the last 30 days. */
  siteInsights: (id: string) => read(client.sites[':id'].insights.$get({ param: { id } })),
  /** Deletes every conversation of one visitor of a site; how many there were. */
  deleteVisitor: (id: string, visitorId: string) =>
    read(client.sites[':id'].visitors[':visitorId'].$delete({ param: { id, visitorId } })),

  /** Whether the signed-in user is an operator (from the token alone: no database). */
  isOperator: () => read(client.me.operator.$get()).then((answer) => answer.operator),
  opsMetrics: (from: string, to: string) => read(client.ops.metrics.$get({ query: { from, to } })),
  opsHealth: () => read(client.ops.health.$get()),
  opsPerformance: (from: string, to: string) => read(client.ops.performance.$get({ query: { from, to } })),
  opsRevenue: (from: string, to: string) => read(client.ops.revenue.$get({ query: { from, to } })),
};
