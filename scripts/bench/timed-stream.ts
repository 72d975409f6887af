// One streamed request, timed the same way whichever server answers: from issuing the request to
// the first token, to the last token, and to the end of the body. A protocol says which events
// carry tokens and which end the reply.
import { sseEvents, type SseEvent } from './sse.ts';

export type StreamProtocol = {
  /** The token text an event carries, or undefined when it carries none. */
  text(event: SseEvent): string | undefined;
  /** The stop reason when the event ends the reply. */
  done(event: SseEvent): string | undefined;
  /** A description when the event reports a failure. */
  error(event: SseEvent): string | undefined;
  /** The id of the reply being streamed, when the event announces it. */
  replyId?(event: SseEvent): string | undefined;
};

export type StreamResult = {
  status: number;
  /** Request issued → first token event read. */
  ttftMs: number | undefined;
  /** Request issued → last token event read. */
  lastTokenMs: number | undefined;
  /** Request issued → end of the body. */
  totalMs: number;
  text: string;
  tokens: number;
  stopReason: string | undefined;
  error: string | undefined;
  /** The reply's id, when the protocol announces one. */
  replyId: string | undefined;
};

const REQUEST_TIMEOUT_MS = 120_000;

export async function timedStream(url: string, init: RequestInit, protocol: StreamProtocol): Promise<StreamResult> {
  const result: StreamResult = {
    status: 0,
    ttftMs: undefined,
    lastTokenMs: undefined,
    totalMs: 0,
    text: '',
    tokens: 0,
    stopReason: undefined,
    error: undefined,
    replyId: undefined,
  };
  const parts: string[] = [];
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    result.status = res.status;
    if (!res.ok || !res.body) {
      result.error = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } else {
      for await (const event of sseEvents(res.body)) {
        const text = protocol.text(event);
        if (text !== undefined) {
          result.ttftMs ??= event.at - started;
          result.lastTokenMs = event.at - started;
          parts.push(text);
          continue;
        }
        result.stopReason ??= protocol.done(event);
        result.error ??= protocol.error(event);
        result.replyId ??= protocol.replyId?.(event);
      }
    }
  } catch (error) {
    result.error = `${(error as Error).name}: ${(error as Error).message}`;
  }
  result.totalMs = performance.now() - started;
  result.text = parts.join('');
  result.tokens = parts.length;
  return result;
}
