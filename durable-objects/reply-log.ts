// One in-flight reply's event log and its readers. Every event gets the next id and goes to
// every attached reader; a reader that joins late (or comes back with Last-Event-ID) gets what it
// missed first, then follows live. Readers come and go; the reply does not depend on them.
import { encodeEvent, KEEPALIVE, type LoggedEvent, type StreamEvent } from '../worker/chat/events.ts';

/** Silence longer than this gets a keepalive comment (proxies commonly cut idle streams at 30-100 s). */
const KEEPALIVE_MS = 10_000;

export class ReplyLog {
  readonly replyId: string;
  private readonly events: LoggedEvent[] = [];
  private readonly readers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private lastWriteAt = Date.now();
  private readonly keepalive: ReturnType<typeof setInterval>;
  finished = false;

  constructor(replyId: string) {
    this.replyId = replyId;
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastWriteAt >= KEEPALIVE_MS) this.broadcast(KEEPALIVE);
    }, KEEPALIVE_MS / 2);
  }

  append(event: StreamEvent) {
    const logged = { ...event, id: `${this.replyId}:${this.events.length + 1}` } as LoggedEvent;
    this.events.push(logged);
    this.broadcast(encodeEvent(logged));
  }

  /** A stream of this reply's events after position `afterSeq` (0 = from the start), then live ones. */
  attach(afterSeq = 0): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    for (const event of this.events.slice(afterSeq)) this.write(writer, encodeEvent(event));
    if (this.finished) void writer.close().catch(() => {});
    else this.readers.add(writer);
    return readable;
  }

  /** Ends the log: readers get end-of-stream after the events already sent. */
  finish() {
    this.finished = true;
    clearInterval(this.keepalive);
    for (const writer of this.readers) void writer.close().catch(() => {});
    this.readers.clear();
  }

  get readerCount() {
    return this.readers.size;
  }

  private broadcast(bytes: Uint8Array) {
    this.lastWriteAt = Date.now();
    for (const writer of this.readers) this.write(writer, bytes);
  }

  // Not awaited: a slow reader must not hold up the reply or the other readers. A write fails
  // once its reader has gone, which is when the reader is dropped.
  private write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array) {
    writer.write(bytes).catch(() => this.readers.delete(writer));
  }
}
