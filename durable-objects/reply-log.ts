// One in-flight reply's event log and its readers. Every event gets the next id and goes to
// every attached reader; a reader that joins late (or comes back with Last-Event-ID) gets what it
// missed first, then follows live. Readers come and go; the reply does not depend on them. The log
// keeps events as the bytes readers get: Parley's chat events (`append`), or any API's own frames
// (`appendFrame`: a resumable /v1 stream).
import { encodeEvent, KEEPALIVE, type LoggedEvent, type StreamEvent } from '../worker/chat/events.ts';
import { log } from '../worker/log.ts';
import { concatBytes } from '../worker/bytes.ts';

/** Silence longer than this gets a keepalive comment (proxies commonly cut idle streams at 30-100 s). */
const KEEPALIVE_MS = 10_000;
/**
 * A reader gets at most one chunk per this many milliseconds. Each chunk crosses the Durable
 * Object -> Worker -> client pipe on its own, so a burst of thousands of tiny deltas costs far
 * more as thousands of chunks than as a few hundred. An event after a quiet spell still leaves at once.
 */
const FLUSH_INTERVAL_MS = 4;
/**
 * A reader with more than this sent but not yet taken by its client is dropped. Without a bound a
 * stalled client (a paused tab, a dead connection TCP has not noticed) makes the room hold the
 * whole reply once more per such reader. A reader that keeps up has one chunk in flight (a few
 * KiB); 256 KiB is thousands of tokens of slack for a slow network, and a room can hold hundreds
 * of stalled readers inside the isolate's 128 MB. Being dropped loses nothing: the client comes
 * back with Last-Event-ID and gets the rest from the log.
 */
/**
 * The first chunks are never held back: `message.start` and then the first text usually arrive
 * within a few milliseconds of each other, and time to first token is what a person feels.
 */
const UNHELD_CHUNKS = 2;
export const MAX_UNREAD_BYTES = 256 * 1024;

export class ReplyLog {
  readonly replyId: string;
  /** Every event as sent, in order: event n is frames[n - 1]. */
  private readonly frames: Uint8Array[] = [];
  private readonly readers = new Set<Reader>();
  private lastWriteAt = Date.now();
  private readonly keepalive: ReturnType<typeof setInterval>;
  finished = false;

  constructor(replyId: string) {
    this.replyId = replyId;
    this.keepalive = setInterval(() => {
      if (Date.now() - this.lastWriteAt < KEEPALIVE_MS) return;
      this.lastWriteAt = Date.now();
      // A keepalive queued behind unread bytes would reach no proxy sooner, and over a long silent
      // reply it would grow a stalled reader's queue without end.
      for (const reader of this.readers) if (reader.caughtUp) reader.send(KEEPALIVE);
    }, KEEPALIVE_MS / 2);
  }

  append(event: StreamEvent) {
    this.appendFrame(encodeEvent({ ...event, id: `${this.replyId}:${this.frames.length + 1}` } as LoggedEvent));
  }

  /** The next event, already encoded by its API (its `id:` line included, if it has one). */
  appendFrame(bytes: Uint8Array) {
    this.frames.push(bytes);
    this.lastWriteAt = Date.now();
    for (const reader of this.readers) reader.send(bytes);
  }

  /** Every event as sent, in order (a copy): what a finished reply keeps. */
  all(): Uint8Array[] {
    return [...this.frames];
  }

  /** How many events the log holds: the next one's position is this plus one. */
  get length(): number {
    return this.frames.length;
  }

  /** A stream of this reply's events after position `afterSeq` (0 = from the start), then live ones. */
  attach(afterSeq = 0): ReadableStream<Uint8Array> {
    const reader = new Reader(this.replyId, () => this.readers.delete(reader));
    reader.replay(this.frames.slice(afterSeq));
    if (this.finished) reader.close();
    else this.readers.add(reader);
    return reader.readable;
  }

  /** Ends the log: readers get end-of-stream after the events already sent. */
  finish() {
    this.finished = true;
    clearInterval(this.keepalive);
    for (const reader of this.readers) reader.close();
    this.readers.clear();
  }
}

/**
 * One reader's end of the log, never awaited by it: a slow reader must not hold up the reply or
 * the other readers. Events that arrive within FLUSH_INTERVAL_MS of the last chunk are sent
 * together. A write resolves only once the client has taken its chunk (the readable side has no
 * queue of its own), so the writes still pending are what this reader costs; past
 * MAX_UNREAD_BYTES it is dropped. A write fails once the reader has gone, which also drops it.
 */
class Reader {
  readonly readable: ReadableStream<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly controller: TransformStreamDefaultController<Uint8Array>;
  private readonly replyId: string;
  private readonly onGone: () => void;
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = 0;
  private chunks = 0;
  private unreadBytes = 0;
  private ended = false;

  constructor(replyId: string, onGone: () => void) {
    let controller!: TransformStreamDefaultController<Uint8Array>;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    this.readable = readable;
    this.writer = writable.getWriter();
    this.controller = controller;
    this.replyId = replyId;
    this.onGone = onGone;
  }

  get caughtUp() {
    return this.unreadBytes === 0 && this.pending.length === 0;
  }

  /**
   * What the reader missed, in one chunk. It is not counted against the cap: it is what the client
   * came back for, it is bounded by the reply's length, and it may well still be untaken when the
   * next live chunk is due, since the stream only starts flowing once the response is on its way.
   */
  replay(events: Uint8Array[]) {
    if (events.length === 0) return;
    this.lastFlushAt = Date.now();
    this.write(concatBytes(events), false);
  }

  send(bytes: Uint8Array) {
    if (this.ended) return;
    this.pending.push(bytes);
    if (this.timer !== undefined) return;
    const wait = this.lastFlushAt + FLUSH_INTERVAL_MS - Date.now();
    if (wait <= 0 || this.chunks < UNHELD_CHUNKS) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is pending (a reader over the cap is dropped instead, as for any chunk), then ends the stream. */
  close() {
    this.flush();
    if (this.ended) return;
    this.end();
    this.writer.close().catch(() => {});
  }

  private flush() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ended || this.pending.length === 0) return;
    if (this.unreadBytes > MAX_UNREAD_BYTES) return this.drop();
    const chunk = this.pending.length === 1 ? this.pending[0]! : concatBytes(this.pending);
    this.pending = [];
    this.lastFlushAt = Date.now();
    this.write(chunk, true);
  }

  private write(chunk: Uint8Array, counted: boolean) {
    this.chunks++;
    const bytes = counted ? chunk.byteLength : 0;
    this.unreadBytes += bytes;
    this.writer.write(chunk).then(
      () => {
        this.unreadBytes -= bytes;
      },
      () => this.end(),
    );
  }

  /**
   * Errors the stream rather than closing it: a close waits behind the unread chunks, and so does
   * `writer.abort()` while the client is not pulling, whereas erroring the readable side discards
   * them at once. The client sees its stream fail and can come back with Last-Event-ID.
   */
  private drop() {
    log.warn('reader dropped: not reading', { replyId: this.replyId, queuedBytes: this.unreadBytes });
    this.end();
    this.controller.error(new Error('Reader dropped: it stopped reading. Reconnect with Last-Event-ID to resume'));
  }

  private end() {
    if (this.ended) return;
    this.ended = true;
    this.pending = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.onGone();
  }
}
