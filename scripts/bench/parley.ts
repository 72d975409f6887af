// Parley's public API as the bench uses it: dev sign-in, conversations, and the timed send.
import { setTimeout as delay } from 'node:timers/promises';
import type { SseEvent } from './sse.ts';
import { timedStream, type StreamProtocol, type StreamResult } from './timed-stream.ts';

const BUSY_RETRY_MS = 5;
const BUSY_RETRIES_MAX = 400;

/** Parley's chat events (worker/chat/events.ts). */
const parleyProtocol: StreamProtocol = {
  text: (event) => (event.event === 'delta' ? (JSON.parse(event.data) as { text: string }).text : undefined),
  done: (event) => (event.event === 'done' ? (JSON.parse(event.data) as { stopReason: string }).stopReason : undefined),
  error: (event: SseEvent) => (event.event === 'error' ? event.data : undefined),
  replyId: (event) =>
    event.event === 'message.start' ? (JSON.parse(event.data) as { messageId: string }).messageId : undefined,
};

export type Parley = { url: string; token: string; userId: string };

/** Signs in through AUTH_MODE=dev's POST /api/dev/session. */
export async function signIn(url: string, email: string): Promise<Parley> {
  const res = await fetch(`${url}/api/dev/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (!res.ok) throw new Error(`dev sign-in failed: HTTP ${res.status} ${await res.text()}`);
  const { accessToken, user } = (await res.json()) as { accessToken: string; user: { id: string } };
  return { url, token: accessToken, userId: user.id };
}

export async function createConversation(parley: Parley): Promise<string> {
  const res = await fetch(`${parley.url}/api/conversations`, { method: 'POST', headers: headers(parley), body: '{}' });
  if (res.status !== 201) throw new Error(`creating a conversation failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Conversations made `limit` at a time, so setting up does not flood the stack. */
export async function createConversations(parley: Parley, count: number, limit = 8): Promise<string[]> {
  const ids: string[] = [];
  const worker = async () => {
    while (ids.length < count) {
      ids.push(''); // claim a slot before awaiting
      const slot = ids.length - 1;
      ids[slot] = await createConversation(parley);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return ids;
}

/** POST /api/conversations/:id/messages (with the ids of files uploaded before, if any), read to the end. */
export function sendMessage(
  parley: Parley,
  conversationId: string,
  content: string,
  attachments?: string[],
): Promise<StreamResult> {
  return timedStream(
    `${parley.url}/api/conversations/${conversationId}/messages`,
    {
      method: 'POST',
      headers: headers(parley),
      body: JSON.stringify(attachments?.length ? { content, attachments } : { content }),
    },
    parleyProtocol,
  );
}

/**
 * A send that waits its turn: a room refuses a send (409 reply_in_progress) until it has
 * finished with the previous reply, which may be a moment after that reply's last event reached
 * the client. Only the accepted attempt is timed; `busyRetries` counts the refusals.
 */
export async function sendWhenIdle(
  parley: Parley,
  conversationId: string,
  content: string,
): Promise<StreamResult & { busyRetries: number }> {
  for (let busyRetries = 0; ; busyRetries++) {
    const result = await sendMessage(parley, conversationId, content);
    if (result.status !== 409 || busyRetries >= BUSY_RETRIES_MAX) return { ...result, busyRetries };
    await delay(BUSY_RETRY_MS);
  }
}

/** POST /api/files: one file uploaded as the browser's FormData sends it; its id. */
export async function uploadFile(
  parley: Parley,
  name: string,
  type: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${parley.url}/api/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${parley.token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`uploading ${name} failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Milliseconds for the cheapest Worker response there is: an unknown /api path (404, no database, no Durable Object). */
export async function timeWorkerFloor(parley: Parley): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${parley.url}/api/__bench-floor`, { headers: headers(parley) });
  await res.arrayBuffer();
  if (res.status !== 404) throw new Error(`GET /api/__bench-floor answered ${res.status}, expected 404`);
  return performance.now() - started;
}

function headers(parley: Parley) {
  return { 'content-type': 'application/json', authorization: `Bearer ${parley.token}` };
}
