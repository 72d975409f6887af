// One per conversation. It serialises sends, owns the in-flight reply (which keeps generating
// when every reader has left), lets readers resume with Last-Event-ID, and stops the vendor call
// on request. The reply is saved to Postgres when it ends, whatever way it ends.
import { DurableObject } from 'cloudflare:workers';
import { createDb, type Db } from '../worker/db/client.ts';
import {
  finishReply, loadConversation, markInterrupted, startExchange, type Conversation, type ReplyOutcome,
} from '../worker/db/conversations.ts';
import type { ChatMessage } from '../worker/providers/types.ts';
import { fitToContext, titleFrom } from '../worker/chat/prompt.ts';
import { runReply } from '../worker/chat/run-reply.ts';
import { MAX_REPLY_TOKENS } from '../worker/chat/limits.ts';
import { parseEventId } from '../worker/chat/events.ts';
import type { Candidate } from '../worker/chat/reliable-stream.ts';
import { adapters } from '../worker/providers/index.ts';
import { defaultModel, findModel, providerConfig, type ModelInfo } from '../worker/providers/registry.ts';
import { publishUsage } from '../worker/usage/publish.ts';
import type { SubjectType } from '../drizzle/schema.ts';
import { ReplyLog } from './reply-log.ts';

/** While a reply runs, an alarm this often keeps the object resident and detects lost replies. */
const HEARTBEAT_MS = 30_000;

export type SendInput = {
  conversationId: string;
  userId: string;
  subject: { type: SubjectType; id: string };
  content: string;
  model?: string;
};
export type RoomFailure = { ok: false; status: 400 | 404 | 409 | 503; code: string; message: string };
export type SendResult = { ok: true; messageId: string; model: string; stream: ReadableStream<Uint8Array> } | RoomFailure;

type InFlight = { log: ReplyLog; userId: string; abort: AbortController; settled: Promise<void> };

export class ConversationRoom extends DurableObject<Env> {
  private inFlight: InFlight | undefined;
  /**
   * The conversation and its history as last loaded or written. Every message is written through
   * this object, and the routes tell it about renames and deletion, so after the first load a
   * send needs no database read.
   */
  private known: { conversation: Conversation; history: ChatMessage[] } | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      // The reply being generated, so a restart can mark it interrupted instead of leaving it `streaming`.
      ctx.storage.sql.exec(`create table if not exists inflight (message_id text primary key, started_at integer not null, text text not null default '')`);
    });
  }

  async send(input: SendInput): Promise<SendResult> {
    if (this.inFlight) return failure(409, 'reply_in_progress', 'A reply is still being generated in this conversation: wait for it or stop it first');
    const abort = new AbortController();
    const messageId = crypto.randomUUID();
    let settle!: () => void;
    // Claimed before the first await, so a concurrent send sees it.
    const inFlight: InFlight = { log: new ReplyLog(messageId), userId: input.userId, abort, settled: new Promise((r) => (settle = r)) };
    this.inFlight = inFlight;
    try {
      const db = createDb(this.env);
      const known = this.known ?? await this.load(db, input.conversationId).catch(databaseDown);
      if (known && 'ok' in known) return this.release(known);
      if (!known || known.conversation.userId !== input.userId) return this.release(failure(404, 'not_found', 'Conversation not found'));
      const { conversation, history } = known;
      const modelId = input.model ?? conversation.model ?? defaultModel(this.env)?.id;
      const model = modelId ? findModel(this.env, modelId) : undefined;
      if (!model) {
        return this.release(modelId
          ? failure(400, 'unknown_model', `Model '${modelId}' is not available here: GET /api/models lists the models on offer`)
          : failure(503, 'no_models', 'No model provider is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY'));
      }
      const candidates = this.candidates(model);
      const maxOutputTokens = Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens);
      const messages = fitToContext([...history, { role: 'user', content: input.content }], {
        system: conversation.systemPrompt ?? undefined, contextWindow: model.contextWindow, maxOutputTokens,
      });

      const title = conversation.title ? undefined : titleFrom(input.content);
      const notSaved = await startExchange(db, {
        conversation, userMessageId: crypto.randomUUID(), assistantMessageId: messageId, content: input.content,
        model: model.id, provider: model.provider, title,
      }).catch(databaseDown);
      if (notSaved) return this.release(notSaved);
      history.push({ role: 'user', content: input.content });
      if (title) conversation.title = title;
      this.ctx.storage.sql.exec('insert into inflight (message_id, started_at) values (?, ?)', messageId, Date.now());
      await this.ctx.storage.setAlarm(Date.now() + HEARTBEAT_MS);

      inFlight.log.append({ event: 'message.start', data: { conversationId: conversation.id, messageId, model: model.id } });
      const stream = inFlight.log.attach();
      const checkpoint = this.checkpointer(messageId);
      const reply = runReply({ candidates, system: conversation.systemPrompt ?? undefined, messages, maxOutputTokens, signal: abort.signal },
        (event) => {
          inFlight.log.append(event);
          if (event.event === 'delta') checkpoint(event.data.text);
        });
      void this.complete(inFlight, reply, input).finally(settle);
      return { ok: true, messageId, model: model.id, stream };
    } catch (error) {
      this.release(undefined);
      throw error;
    } finally {
      if (this.inFlight !== inFlight) settle();
    }
  }

  /** A conversation just created: no history to load on its first send. Ignored once loaded. */
  async remember(conversation: Conversation): Promise<void> {
    this.known ??= { conversation, history: [] };
  }

  /** The conversation after a rename or a change of model or system prompt. */
  async update(conversation: Conversation): Promise<void> {
    if (this.known) this.known.conversation = conversation;
  }

  /** The conversation was deleted. */
  async forget(): Promise<void> {
    this.known = undefined;
  }

  /** The in-flight reply's events after `lastEventId` (all of them without one), then live; null when idle. */
  async resume(userId: string, lastEventId?: string | null): Promise<ReadableStream<Uint8Array> | null> {
    const current = this.inFlight;
    if (!current || current.userId !== userId || current.log.finished) return null;
    const position = parseEventId(lastEventId);
    return current.log.attach(position?.replyId === current.log.replyId ? position.seq : 0);
  }

  /** Aborts the vendor call; resolves once the partial reply is saved as `stopped`. */
  async stop(userId: string): Promise<{ stopped: boolean }> {
    const current = this.inFlight;
    if (!current || current.userId !== userId) return { stopped: false };
    current.abort.abort();
    await current.settled;
    return { stopped: true };
  }

  async alarm() {
    if (this.inFlight) {
      await this.ctx.storage.setAlarm(Date.now() + HEARTBEAT_MS);
      return;
    }
    // The object restarted mid-reply: the vendor stream is gone, so record the reply as interrupted.
    const db = createDb(this.env);
    for (const row of this.ctx.storage.sql.exec<{ message_id: string; started_at: number; text: string }>('select * from inflight').toArray()) {
      await markInterrupted(db, row.message_id, row.text);
      this.ctx.storage.sql.exec('delete from inflight where message_id = ?', row.message_id);
    }
  }

  private async complete(inFlight: InFlight, reply: Promise<ReplyOutcome>, input: SendInput) {
    const { log } = inFlight;
    let outcome: ReplyOutcome | undefined;
    try {
      outcome = await reply;
      await finishReply(createDb(this.env), log.replyId, outcome);
      if (outcome.content) this.known?.history.push({ role: 'assistant', content: outcome.content });
      if (outcome.inputTokens || outcome.outputTokens) {
        await publishUsage(this.env, { messageId: log.replyId, conversationId: input.conversationId, userId: input.userId, subject: input.subject, outcome });
      }
      log.append(outcome.status === 'error'
        ? { event: 'error', data: { code: outcome.errorCode ?? 'upstream', message: 'The model failed while replying; the partial reply was saved' } }
        : { event: 'done', data: { stopReason: outcome.stopReason ?? 'end_turn', model: outcome.model } });
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', msg: 'reply not saved', messageId: log.replyId, error: String(error) }));
      log.append({ event: 'error', data: { code: 'internal_error', message: 'The reply could not be saved' } });
    } finally {
      log.finish();
      this.ctx.storage.sql.exec('delete from inflight where message_id = ?', log.replyId);
      if (this.inFlight === inFlight) this.inFlight = undefined;
      await this.ctx.storage.deleteAlarm();
    }
  }

  private async load(db: Db, conversationId: string) {
    const loaded = await loadConversation(db, conversationId);
    if (!loaded) return undefined;
    const history = loaded.history.filter((m) => m.content !== '').map((m): ChatMessage => ({ role: m.role, content: m.content }));
    // A send in flight elsewhere cannot have changed it: sends are serialised here.
    return (this.known = { conversation: loaded.conversation, history });
  }

  /** The model, then its fallbacks whose provider is configured. */
  private candidates(model: ModelInfo): [Candidate, ...Candidate[]] {
    const chain = [model, ...(model.fallbacks ?? []).map((id) => findModel(this.env, id)).filter((m): m is ModelInfo => m !== undefined)];
    const [first, ...rest] = chain.map((m) => ({ model: m, adapter: adapters[m.provider], config: providerConfig(this.env, m.provider)! }));
    return [first!, ...rest];
  }

  /** Saves the text so far to the object's own storage at most every 2 s, for recovery after a restart. */
  private checkpointer(messageId: string) {
    let text = '';
    let savedAt = Date.now();
    return (delta: string) => {
      text += delta;
      if (Date.now() - savedAt < 2000) return;
      savedAt = Date.now();
      this.ctx.storage.sql.exec('update inflight set text = ? where message_id = ?', text, messageId);
    };
  }

  private release<T>(result: T): T {
    this.inFlight?.log.finish();
    this.inFlight = undefined;
    return result;
  }
}

function failure(status: RoomFailure['status'], code: string, message: string): RoomFailure {
  return { ok: false, status, code, message };
}

/** Nothing was saved and nothing sent to the model, so the caller can simply try again. */
const DATABASE_DOWN = failure(503, 'database_unavailable', 'Your message could not be saved, so it was not sent to the model: try again shortly');

function databaseDown(error: unknown): typeof DATABASE_DOWN {
  console.error(JSON.stringify({ level: 'error', msg: 'send: database unavailable', error: String(error) }));
  return DATABASE_DOWN;
}
