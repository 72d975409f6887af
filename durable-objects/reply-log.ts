// One in-flight reply's event log and its readers. Every event gets the next id and goes to
// every attached reader; a reader that joins late (or comes back with Last-Event-ID) gets what it
// missed first, then follows live. Readers come and go; the reply does not depend on them.
import { encodeEvent, KEEPALIVE, type LoggedEvent, type StreamEvent } from '../worker/chat/events.ts';

/** Silence longer than this gets a keepalive comment (proxies commonly cut idle streams at 30-100 s). */
const KEEPALIVE_MS = 10_000;
/**
 * A reader gets at most one chunk per this many milliseconds. Each chunk crosses the Durable
 * Object -> Worker -> client pipe on its own, so a burst of thousands of tiny deltas costs far
 * more as thousands of chunks than as a few hundred. An event after a quiet spell still leaves at once.
 */
const FLUSH_INTERVAL_MS = 4;

export class ReplyLog {
  readonly replyId: string;
  private readonly events: LoggedEvent[] = [];
  private readonly readers = new Set<Reader>();
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
    const reader = new Reader(writable.getWriter(), () => this.readers.delete(reader));
    for (const event of this.events.slice(afterSeq)) reader.send(encodeEvent(event));
    if (this.finished) reader.close();
    else this.readers.add(reader);
    return readable;
  }

  /** Ends the log: readers get end-of-stream after the events already sent. */
  finish() {
    this.finished = true;
    clearInterval(this.keepalive);
    for (const reader of this.readers) reader.close();
    this.readers.clear();
  }

  get readerCount() {
    return this.readers.size;
  }

  private broadcast(bytes: Uint8Array) {
    this.lastWriteAt = Date.now();
    for (const reader of this.readers) reader.send(bytes);
  }
}

/**
 * One reader's end of the log, never awaited by it: a slow reader must not hold up the reply or
 * the other readers. Events that arrive within FLUSH_INTERVAL_MS of the last chunk are sent
 * together. A write fails once the reader has gone, which is when it is dropped.
 */
class Reader {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly onGone: () => void;
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = 0;
  private closed = false;

  constructor(writer: WritableStreamDefaultWriter<Uint8Array>, onGone: () => void) {
    this.writer = writer;
    this.onGone = onGone;
  }

  send(bytes: Uint8Array) {
    if (this.closed) return;
    this.pending.push(bytes);
    if (this.timer !== undefined) return;
    const wait = this.lastFlushAt + FLUSH_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending, then ends the stream. */
  close() {
    this.flush();
    if (this.closed) return;
    this.closed = true;
    this.writer.close().catch(() => {});
  }

  private flush() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.pending.length === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0]! : concat(this.pending);
    this.pending = [];
    this.lastFlushAt = Date.now();
    this.writer.write(chunk).catch(() => {
      this.closed = true;
      this.pending = [];
      this.onGone();
    });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
