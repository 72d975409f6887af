// Parley's chat stream events (ARCHITECTURE.md "Chat stream events") and their SSE framing.

export type StreamEvent =
  | { event: 'message.start'; data: { conversationId: string; messageId: string; model: string } }
  | { event: 'delta'; data: { text: string } }
  /** Part of a tool call (only /v1 offers tools): the first part of an index has its id and name. */
  | { event: 'tool_call'; data: { index: number; id?: string; name?: string; arguments: string } }
  | { event: 'usage'; data: { inputTokens: number; outputTokens: number; cachedTokens: number } }
  | { event: 'done'; data: { stopReason: string; model: string } }
  | { event: 'error'; data: { code: string; message: string } };

/** An event as kept in a reply's log: ids are `<assistant message id>:<n>`, unique forever. */
export type LoggedEvent = StreamEvent & { id: string };

const encoder = new TextEncoder();

export function encodeEvent(event: LoggedEvent): Uint8Array {
  return encoder.encode(`id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/** A comment line: ignored by EventSource, but it keeps proxies from closing an idle stream. */
export const KEEPALIVE = encoder.encode(': keepalive\n\n');

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/** Splits a Last-Event-ID into the reply it belongs to and the position within it. */
export function parseEventId(id: string | undefined | null): { replyId: string; seq: number } | undefined {
  const match = id?.match(/^([0-9a-f-]{36}):(\d+)$/i);
  return match ? { replyId: match[1]!, seq: Number(match[2]) } : undefined;
}
