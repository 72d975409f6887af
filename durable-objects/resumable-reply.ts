// A /v1 streamed completion that survives the connection: one per API key owner and
// Idempotency-Key. It runs the reply (reserve → run → settle, as any completion) and keeps every
// frame it sent, numbered with SSE `id:` lines, so a client whose connection dropped sends the
// same request again with the same Idempotency-Key and `Last-Event-ID`, and gets the rest: no
// token lost or repeated, and no second vendor call. A client leaving does not stop the reply
// (it may come back). While the reply runs its frames are in memory (the object is busy with the
// vendor call); once it ends they are written to the object's SQLite in one transaction, so a
// resume within ten minutes finds them even if the object was evicted meanwhile.
import { DurableObject } from 'cloudflare:workers';
import { completionFailure, startCompletion, type CompletionInput } from '../worker/chat/completion.ts';
import type { ReplyOutcome } from '../worker/chat/outcome.ts';
import { AppError } from '../worker/errors.ts';
import { chunkWriter } from '../worker/openai/response.ts';
import { log } from '../worker/log.ts';
import { ReplyLog } from './reply-log.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';
import { concatBytes } from '../worker/bytes.ts';

/** How long a finished stream can still be resumed. */
const KEPT_AFTER_END_MS = 10 * 60_000;

export type ResumableStart = {
  /** The request's body, hashed: the same key with another request is refused. */
  fingerprint: string;
  /** The completion to run, without its abort signal (a client leaving does not stop it). */
  completion: Omit<CompletionInput, 'signal'>;
  /** How OpenAI's chunks are written for it. */
  chunks: { created: number; includeUsage: boolean };
  /** The last event the client saw (Last-Event-ID), 0 for none. */
  afterSeq: number;
};
export type ResumableResult =
  | { ok: true; stream: ReadableStream<Uint8Array>; resumed: boolean }
  | {
      ok: false;
      status: 400 | 401 | 402 | 403 | 404 | 409 | 429 | 502 | 503 | 504;
      code: string;
      message: string;
      param?: string;
      headers?: Record<string, string>;
    };

type Live = { fingerprint: string; keyHash: string; log: ReplyLog };

const SCHEMA: readonly SchemaStep[] = [
  // 1: a finished reply: who asked what (request hash, key hash) and when it ended; its frames in order.
  (sql) => {
    sql.exec(`create table finished (id integer primary key check (id = 1), fingerprint text not null,
      key_hash text not null, ended_at integer not null)`);
    sql.exec('create table frames (seq integer primary key, bytes blob not null)');
  },
];

const encoder = new TextEncoder();

export class ResumableReply extends DurableObject<Env> {
  private live: Live | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrateSchema(ctx.storage, SCHEMA);
  }

  /** Starts the reply, or resumes it after `afterSeq` when it is this same request again. */
  async start(input: ResumableStart): Promise<ResumableResult> {
    const live = this.live ?? this.kept();
    if (live) {
      if (live.keyHash !== input.completion.credential.hash || live.fingerprint !== input.fingerprint)
        return {
          ok: false,
          status: 409,
          code: 'idempotency_key_reused',
          message: 'This Idempotency-Key was used for another request: use a new key for a new request',
        };
      return { ok: true, stream: live.log.attach(Math.min(input.afterSeq, live.log.length)), resumed: true };
    }
    if (input.afterSeq > 0)
      return {
        ok: false,
        status: 404,
        code: 'stream_not_found',
        message: `No stream to resume under this Idempotency-Key: it ended more than ${KEPT_AFTER_END_MS / 60_000} minutes ago, or never started. Send the request without Last-Event-ID to start it again`,
      };
    return this.run(input);
  }

  /** Forgets a finished stream once its time to be resumed is over. */
  async alarm() {
    if (this.live && !this.live.log.finished) return;
    this.live = undefined;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec('delete from frames');
      this.ctx.storage.sql.exec('delete from finished');
    });
  }

  /** A finished reply this object wrote before it was evicted, as a finished log; undefined if none (or too old). */
  private kept(): Live | undefined {
    const { sql } = this.ctx.storage;
    const row = sql
      .exec<{ fingerprint: string; key_hash: string; ended_at: number }>('select * from finished')
      .toArray()[0];
    if (!row || Date.now() - row.ended_at > KEPT_AFTER_END_MS) return undefined;
    const replyLog = new ReplyLog(crypto.randomUUID());
    for (const frame of sql.exec<{ bytes: ArrayBuffer }>('select bytes from frames order by seq'))
      replyLog.appendFrame(new Uint8Array(frame.bytes));
    replyLog.finish();
    this.live = { fingerprint: row.fingerprint, keyHash: row.key_hash, log: replyLog };
    return this.live;
  }

  private async run(input: ResumableStart): Promise<ResumableResult> {
    const { completion: spec } = input;
    const writer = chunkWriter(spec.id, input.chunks.created, spec.model.id, input.chunks.includeUsage);
    const replyLog = new ReplyLog(spec.id);
    const frame = (bytes: Uint8Array) => appendNumbered(replyLog, bytes);
    let firstFrame!: () => void;
    const first = new Promise<void>((resolve) => (firstFrame = resolve));
    let completion: Awaited<ReturnType<typeof startCompletion>>;
    try {
      completion = await startCompletion(this.env, { ...spec, signal: new AbortController().signal }, (event) => {
        if (event.event === 'delta') frame(writer.text(event.data.text));
        else if (event.event === 'tool_call') frame(writer.toolCall(event.data));
        else return;
        firstFrame();
      });
    } catch (error) {
      if (error instanceof AppError) return refusal(error);
      throw error;
    }
    this.ctx.waitUntil(completion.billed);
    // Held until the first token, so a failure before it still gets its own status.
    await Promise.race([first, completion.outcome]);
    if (replyLog.length === 0) {
      const ended = await completion.outcome;
      if (ended.status === 'error') return refusal(completionFailure(ended));
    }
    const live = { fingerprint: input.fingerprint, keyHash: spec.credential.hash, log: replyLog };
    this.live = live;
    void completion.outcome.then((ended) => this.finish(live, writer, ended));
    return { ok: true, stream: replyLog.attach(0), resumed: false };
  }

  private async finish(live: Live, writer: ReturnType<typeof chunkWriter>, ended: ReplyOutcome) {
    const replyLog = live.log;
    const frames = ended.status === 'error' ? [writer.fail(completionFailure(ended))] : writer.end(ended);
    for (const bytes of frames) appendNumbered(replyLog, bytes);
    replyLog.finish();
    // Kept for a resume after this object is evicted: one transaction, behind the reply.
    const { sql } = this.ctx.storage;
    this.ctx.storage.transactionSync(() => {
      sql.exec('delete from frames');
      for (const [i, bytes] of replyLog.all().entries())
        sql.exec('insert into frames (seq, bytes) values (?, ?)', i + 1, bytes.slice().buffer);
      sql.exec(
        'insert or replace into finished (id, fingerprint, key_hash, ended_at) values (1, ?, ?, ?)',
        live.fingerprint,
        live.keyHash,
        Date.now(),
      );
    });
    await this.ctx.storage.setAlarm(Date.now() + KEPT_AFTER_END_MS).catch((error: unknown) => {
      log.warn('resumable reply: expiry not set', {}, error);
    });
  }
}

function refusal(error: AppError): ResumableResult {
  return {
    ok: false,
    status: error.status as Extract<ResumableResult, { ok: false }>['status'],
    code: error.code,
    message: error.message,
    ...(error.param ? { param: error.param } : {}),
    headers: error.headers,
  };
}

/** A frame with its SSE id (its position in the log), which a client sends back as Last-Event-ID. */
function appendNumbered(replyLog: ReplyLog, bytes: Uint8Array) {
  replyLog.appendFrame(concatBytes([encoder.encode(`id: ${replyLog.length + 1}\n`), bytes]));
}
