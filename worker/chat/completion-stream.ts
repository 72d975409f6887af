// The event stream of one streamed completion, for any API's wire format (OpenAI's chunks,
// Anthropic's events): text and tool-call parts as they come, a keepalive while the vendor is
// quiet, then the format's closing events (or its in-stream error). The response waits for the
// first token, so a failure before it still gets its own HTTP status.
import { KEEPALIVE, type StreamEvent } from './events.ts';
import { completionFailure } from './completion.ts';
import type { ReplyOutcome } from './outcome.ts';
import type { AppError } from '../errors.ts';

const KEEPALIVE_MS = 15_000;

/** What an API's format writes for each part of a reply. */
export type CompletionWriter = {
  text(text: string): Uint8Array;
  toolCall(part: { index: number; id?: string; name?: string; arguments: string }): Uint8Array;
  /** The closing events of a reply that ended (complete, stopped or cut). */
  end(outcome: ReplyOutcome): Uint8Array[];
  /** A failure after the first token: the format's in-stream error. */
  fail(error: AppError): Uint8Array;
};

export function completionStream(writer: CompletionWriter) {
  // A client that leaves cancels the stream, and the vendor call with it (nobody else would read it).
  const abort = new AbortController();
  let stream!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => void (stream = controller),
    cancel: () => abort.abort(),
  });
  const send = (bytes: Uint8Array) => {
    if (!abort.signal.aborted) stream.enqueue(bytes);
  };
  let sentText = false;
  let firstText!: () => void;
  const first = new Promise<void>((resolve) => (firstText = resolve));

  return {
    signal: abort.signal,

    /** Takes the reply's events as they come (the `emit` of startCompletion). */
    onEvent(event: StreamEvent) {
      if (event.event === 'delta') send(writer.text(event.data.text));
      else if (event.event === 'tool_call') send(writer.toolCall(event.data));
      else return;
      sentText = true;
      firstText();
    },

    /** The body to answer with, once the first token is out; throws the failure of a reply that failed before it. */
    async open(outcome: Promise<ReplyOutcome>): Promise<ReadableStream<Uint8Array>> {
      await Promise.race([first, outcome]);
      if (!sentText) {
        const ended = await outcome;
        if (ended.status === 'error') throw completionFailure(ended);
      }
      const keepalive = setInterval(() => send(KEEPALIVE), KEEPALIVE_MS);
      void outcome.then((ended) => {
        clearInterval(keepalive);
        if (abort.signal.aborted) return;
        if (ended.status === 'error') send(writer.fail(completionFailure(ended)));
        else writer.end(ended).forEach(send);
        stream.close();
      });
      return body;
    },
  };
}
