// One per conversation, and the conversation's owner: its settings and messages live in this
// object's SQLite (room-store.ts) while it is used, and Postgres is written behind through an
// outbox (room-outbox.ts). A send writes locally and calls the vendor without waiting on anything
// remote; reads, ownership checks, renames and deletes are answered here. The room also
// serialises sends (and regenerates), owns the in-flight reply (which keeps generating when every
// reader has left), lets readers resume with Last-Event-ID, and stops the vendor call on request.
import { DurableObject } from 'cloudflare:workers';
import { withDatabase } from '../worker/db/client.ts';
import type { ReplyOutcome } from '../worker/chat/outcome.ts';
import {
  loadConversation,
  type Conversation,
  type ConversationPatch,
  type Message,
} from '../worker/db/conversations.ts';
import { isDatabaseUnavailable } from '../worker/db/errors.ts';
import { estimatePromptTokens, fitToContext, replyRoom, titleFrom } from '../worker/chat/prompt.ts';
import { runReply } from '../worker/chat/run-reply.ts';
import { MAX_REPLY_TOKENS } from '../worker/chat/limits.ts';
import { parseEventId } from '../worker/chat/events.ts';
import { modelCandidates } from '../worker/chat/candidates.ts';
import { defaultModel, findModel, modelNotAvailable, replyCost, type ModelInfo } from '../worker/providers/registry.ts';
import { usageEvent } from '../worker/usage/usage-event.ts';
import { reserveReply, settleReply } from '../worker/usage/limiters.ts';
import type { ChatMessage } from '../worker/providers/types.ts';
import { ReplyLog } from './reply-log.ts';
import { OutboxWriter } from './room-outbox.ts';
import { RoomStore, type OwnedConversation, type ReplyCharge } from './room-store.ts';
import { errorFields } from '../worker/log-error.ts';
import type {
  Caller,
  CreateInput,
  ReplyRequest,
  RoomFailure,
  RoomResult,
  SendInput,
  SendResult,
  SiteReplySettings,
} from '../worker/chat/room-contract.ts';

/**
 * While a reply runs, an alarm this often keeps the object resident and detects lost replies: after
 * a restart mid-reply, the alarm wakes the room within this long (a request to it, at once) to bill
 * what streamed and free the reply's quota reservation and stream slot.
 */
const HEARTBEAT_MS = 30_000;
/** The text of a reply in flight is checkpointed locally this often, for recovery after a restart. */
const CHECKPOINT_MS = 2000;
/** Pending changes are retried by the alarm after this even when no flush has failed yet (the object may be evicted). */
const FLUSH_BACKSTOP_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export type { Caller, CreateInput, ReplyRequest, RoomFailure, RoomResult, SendInput, SendResult, SiteReplySettings };

type InFlight = {
  log: ReplyLog;
  abort: AbortController;
  text: string;
  settled: Promise<void>;
  /** The owner's quota reservation, settled when the reply ends. */
  reservationId: string;
  boundedByQuota: boolean;
};

/** What differs between a send and a regenerate: the turns the model answers, and what is stored with the reply. */
type ReplyPlan = {
  turns: ChatMessage[];
  /**
   * Stores the reply's placeholder, with whatever goes with it, in one local transaction (called
   * once the Limiter has admitted the reply; `now` is a millisecond before the placeholder's time).
   * A failure when the conversation no longer allows it: nothing is stored then.
   */
  store: (conversation: OwnedConversation, reply: Message, now: number, charge: ReplyCharge) => RoomFailure | undefined;
};

export class ConversationRoom extends DurableObject<Env> {
  private readonly store: RoomStore;
  private inFlight: InFlight | undefined;
  private loading: Promise<RoomFailure | undefined> | undefined;
  private readonly outbox: OutboxWriter;
  /** Set while a send waits for its Limiter's decision: the room is claimed, but nothing is stored yet. */
  private starting = false;
  /** When the alarm is set for, as far as this instance knows (undefined: not known since it started). */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage);
    this.outbox = new OutboxWriter(
      this.store,
      () => this.env,
      () => this.armAlarm(),
    );
    // A reply left `streaming` by a previous instance can never finish: keep its text, bill it, mark it interrupted.
    if (this.recoverInterrupted() > 0) {
      this.alarmAt = Date.now();
      void ctx.storage.setAlarm(this.alarmAt);
    }
  }

  /**
   * Ends every reply a previous instance left `streaming` (its runtime restarted mid-reply) as
   * `error`/`interrupted` with the text checkpointed: what streamed becomes a usage event (billed,
   * once: keyed by the reply's id), and the reply's reservation is settled with it, which frees its
   * quota and its stream slot. A reply from before charges were recorded is only marked.
   */
  private recoverInterrupted(): number {
    const orphans = this.store.orphanedReplies();
    if (orphans.length === 0) return 0;
    const now = Date.now();
    for (const { message, charge } of orphans) {
      if (!charge) continue;
      const outcome = interruptedOutcome(this.env, message, charge, now);
      const used = outcome.inputTokens + outcome.outputTokens;
      const usage = used
        ? usageEvent({
            id: message.id,
            messageId: message.id,
            conversationId: message.conversationId,
            userId: charge.userId,
            subject: charge.subject,
            outcome,
            occurredAt: new Date(now),
          })
        : undefined;
      this.store.finishReply(message.id, outcome, now, usage);
      this.settleQuota(charge.userId, charge.reservationId, used);
    }
    // Those from before charges were recorded: marked only.
    this.store.markInterrupted(now);
    void this.outbox.flush();
    return orphans.length;
  }

  /** A new conversation; its id was minted by the caller (lower-case UUID). */
  async create(input: CreateInput): Promise<RoomResult<{ conversation: Conversation }>> {
    const existing = this.store.conversation();
    if (existing) {
      // The same create repeated (a retried request) gets the same answer; anything else is a collision.
      return existing.userId === input.userId && !existing.deleted && sameVisitor(existing, input)
        ? { ok: true, conversation: publicConversation(existing) }
        : failure(409, 'conflict', 'A conversation with this id already exists');
    }
    const now = new Date();
    const conversation: Conversation = {
      id: input.conversationId,
      userId: input.userId,
      title: input.title ?? null,
      model: input.model ?? null,
      systemPrompt: input.systemPrompt ?? null,
      siteId: input.visitor?.siteId ?? null,
      visitorId: input.visitor?.visitorId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.store.create(conversation, input.email ?? null);
    void this.outbox.flush();
    return { ok: true, conversation };
  }

  /** Stores the user's message and answers it: the reply streams from the vendor and is stored as it ends. */
  async send(input: SendInput): Promise<SendResult> {
    const owned = await this.ownedAndIdle(input);
    if (!owned.ok) return owned;
    return this.startReply(input, owned.conversation, {
      turns: [...this.store.history(), { role: 'user', content: input.content }],
      store: (conversation, reply, now, charge) => {
        const userMessage = newMessage(conversation, {
          role: 'user',
          content: input.content,
          status: 'complete',
          createdAt: new Date(now),
        });
        this.store.startExchange({
          userMessage,
          reply,
          title: conversation.title ? undefined : titleFrom(input.content),
          charge,
        });
        return undefined;
      },
    });
  }

  /**
   * Answers the last user message again: the last reply is removed (here, and in Postgres behind)
   * and a new one runs for the same history, exactly as after a send. The replaced reply's usage
   * stays billed: its usage event is already recorded.
   */
  async regenerate(input: ReplyRequest): Promise<SendResult> {
    const owned = await this.ownedAndIdle(input);
    if (!owned.ok) return owned;
    const replaced = this.store.lastMessage();
    if (replaced?.role !== 'assistant') return nothingToRegenerate();
    return this.startReply(input, owned.conversation, {
      turns: this.store.history({ except: replaced.id }),
      store: (_conversation, reply, _now, charge) => {
        // Nothing else can write messages while the room is claimed; checked all the same, as it is cheap.
        if (this.store.lastMessage()?.id !== replaced.id) return nothingToRegenerate();
        this.store.replaceReply(replaced.id, reply, charge);
        return undefined;
      },
    });
  }

  /** The conversation with every message, a reply in flight included with its text so far. */
  async read(caller: Caller): Promise<RoomResult<{ conversation: Conversation; messages: Message[] }>> {
    const owned = await this.owned(caller);
    if (!owned.ok) return owned;
    const current = this.inFlight;
    const messages = this.store
      .messages()
      .map((m) =>
        current && m.id === current.log.replyId && m.status === 'streaming' ? { ...m, content: current.text } : m,
      );
    return { ok: true, conversation: publicConversation(owned.conversation), messages };
  }

  /** Rename, change the model or the system prompt; the next send uses them. */
  async update(caller: Caller, patch: ConversationPatch): Promise<RoomResult<{ conversation: Conversation }>> {
    const owned = await this.owned(caller, { write: true });
    if (!owned.ok) return owned;
    this.store.update(patch, Date.now());
    void this.outbox.flush();
    return { ok: true, conversation: publicConversation(this.store.conversation()!) };
  }

  /** Stops a reply in flight (saved as `stopped`, and billed), then deletes the conversation here and, behind, in Postgres. */
  async delete(caller: Caller): Promise<RoomResult<object>> {
    const owned = await this.owned(caller);
    if (!owned.ok) return owned;
    while (this.inFlight) {
      this.inFlight.abort.abort();
      await this.inFlight.settled;
    }
    this.store.delete(owned.conversation.id);
    void this.outbox.flush();
    return { ok: true };
  }

  /** The in-flight reply's events after `lastEventId` (all of them without one), then live; `stream: null` when idle. */
  async resume(
    caller: Caller,
    lastEventId?: string | null,
  ): Promise<RoomResult<{ stream: ReadableStream<Uint8Array> | null }>> {
    const owned = await this.owned(caller);
    if (!owned.ok) return owned;
    const current = this.inFlight;
    if (!current || current.log.finished) return { ok: true, stream: null };
    const position = parseEventId(lastEventId);
    return { ok: true, stream: current.log.attach(position?.replyId === current.log.replyId ? position.seq : 0) };
  }

  /** Aborts the vendor call; resolves once the partial reply is saved as `stopped`. */
  async stop(caller: Caller): Promise<RoomResult<{ stopped: boolean }>> {
    const owned = await this.owned(caller, { write: true });
    if (!owned.ok) return owned;
    const current = this.inFlight;
    if (!current) return { ok: true, stopped: false };
    current.abort.abort();
    await current.settled;
    return { ok: true, stopped: true };
  }

  /** Heartbeat while a reply runs, recovery after a restart, and flush retries while Postgres is away. */
  async alarm() {
    this.alarmAt = null;
    if (!this.inFlight) this.recoverInterrupted();
    if (this.store.hasPendingChanges()) await this.outbox.flush({ retry: true });
    this.store.prune();
    await this.armAlarm();
  }

  /**
   * What a send and a regenerate share once they know what to answer: the model, the Limiter's
   * admission, the reply's placeholder stored locally (with what `plan.store` adds), then the
   * vendor call, whose events every reader follows from the reply's log.
   */
  private async startReply(input: ReplyRequest, conversation: OwnedConversation, plan: ReplyPlan): Promise<SendResult> {
    // A visitor's reply follows the site as it is now; anyone else's, the request and the conversation.
    const modelId = (input.site ? input.site.model : (input.model ?? conversation.model)) ?? defaultModel(this.env)?.id;
    const model = modelId ? findModel(this.env, modelId) : undefined;
    if (!model) {
      return modelId
        ? unknownModel(modelId)
        : failure(
            503,
            'no_models',
            'No model provider is configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY',
          );
    }
    const system = (input.site ? input.site.systemPrompt : conversation.systemPrompt) ?? undefined;
    const replyCap = Math.min(MAX_REPLY_TOKENS, model.maxOutputTokens);
    const messages = fitToContext(plan.turns, {
      system,
      contextWindow: model.contextWindow,
      maxOutputTokens: replyCap,
    });

    // The owner's Limiter decides before anything is stored or sent; the room is claimed meanwhile.
    const promptTokens = estimatePromptTokens(messages, system);
    const room = replyRoom(promptTokens, model.contextWindow, replyCap);
    if (room === undefined) return contextTooLong(model, promptTokens);

    this.starting = true;
    const admission = await this.admit(input, model, promptTokens, room).finally(() => (this.starting = false));
    if (!admission.ok) return admission;
    const current = this.store.conversation();
    const now = Date.now();
    // A millisecond after what is stored with it, so history order never depends on the id.
    const reply = newMessage(conversation, {
      role: 'assistant',
      content: '',
      model: model.id,
      provider: model.provider,
      status: 'streaming',
      createdAt: new Date(now + 1),
    });
    const charge: ReplyCharge = {
      messageId: reply.id,
      reservationId: admission.reservationId,
      userId: input.userId,
      subject: input.subject,
      promptTokens,
    };
    const refused =
      !current || current.deleted
        ? failure(404, 'not_found', 'Conversation not found')
        : plan.store(current, reply, now, charge);
    if (refused) {
      this.settleQuota(input.userId, admission.reservationId, 0);
      return refused;
    }
    const messageId = reply.id;

    const abort = new AbortController();
    let settle!: () => void;
    const inFlight: InFlight = {
      log: new ReplyLog(messageId),
      abort,
      text: '',
      settled: new Promise((r) => (settle = r)),
      reservationId: admission.reservationId,
      boundedByQuota: admission.boundedByQuota,
    };
    this.inFlight = inFlight;
    const maxOutputTokens = admission.outputTokens;

    inFlight.log.append({
      event: 'message.start',
      data: { conversationId: conversation.id, messageId, model: model.id },
    });
    const stream = inFlight.log.attach();
    const checkpoint = this.checkpointer(inFlight, messageId);
    const outcome = runReply(
      {
        candidates: modelCandidates(this.env, model),
        system,
        messages,
        maxOutputTokens,
        signal: abort.signal,
        idleTimeoutMs: Number(this.env.UPSTREAM_IDLE_TIMEOUT_MS) || DEFAULT_IDLE_TIMEOUT_MS,
      },
      (event) => {
        inFlight.log.append(event);
        if (event.event !== 'delta') return;
        // The first token is out: the reply is under way, and Postgres may hear of it now, without
        // its round trip (or its CPU) ever standing between the person and that token.
        if (inFlight.text === '') void this.outbox.flush();
        checkpoint(event.data.text);
      },
    );
    void this.complete(inFlight, outcome, input).finally(settle);
    // The heartbeat is set behind the reply: nothing the person waits for waits on it.
    this.armAlarm().catch((error: unknown) =>
      console.error(JSON.stringify({ level: 'error', msg: 'room: alarm not set', ...errorFields(error) })),
    );
    return { ok: true, messageId, model: model.id, stream };
  }

  private async complete(inFlight: InFlight, reply: Promise<ReplyOutcome>, input: ReplyRequest) {
    const { log } = inFlight;
    let used = 0;
    try {
      const outcome = quotaStop(await reply, inFlight.boundedByQuota);
      used = outcome.inputTokens + outcome.outputTokens;
      const completedAt = new Date();
      const usage =
        outcome.inputTokens || outcome.outputTokens
          ? usageEvent({
              id: log.replyId,
              messageId: log.replyId,
              conversationId: input.conversationId,
              userId: input.userId,
              subject: input.subject,
              outcome,
              occurredAt: completedAt,
            })
          : undefined;
      this.store.finishReply(log.replyId, outcome, completedAt.getTime(), usage);
      // The client hears how the reply ended now; Postgres hears it behind, from the outbox.
      log.append(
        outcome.status === 'error'
          ? {
              event: 'error',
              data: { code: outcome.errorCode ?? 'upstream', message: errorMessage(outcome.errorCode) },
            }
          : { event: 'done', data: { stopReason: outcome.stopReason ?? 'end_turn', model: outcome.model } },
      );
    } catch (error) {
      // Never expected (runReply does not throw); the text so far is kept all the same.
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'reply failed unexpectedly',
          conversationId: input.conversationId,
          messageId: log.replyId,
          ...errorFields(error),
        }),
      );
      this.store.checkpoint(log.replyId, inFlight.text);
      this.store.markInterrupted(Date.now());
      log.append({
        event: 'error',
        data: { code: 'internal_error', message: 'The reply failed on our side; the partial reply was saved' },
      });
    } finally {
      log.finish();
      if (this.inFlight === inFlight) this.inFlight = undefined;
      void this.outbox.flush();
      this.settleQuota(input.userId, inFlight.reservationId, used);
    }
  }

  /** Asks the owner's Limiter for the rate limits, a stream slot and room in the quota for this reply. */
  private async admit(input: ReplyRequest, model: ModelInfo, promptTokens: number, maxOutputTokens: number) {
    const visitor =
      input.visitor && input.site
        ? {
            id: `${input.visitor.siteId}:${input.visitor.visitorId}`,
            requestsPerMinute: input.site.visitorRequestsPerMinute,
          }
        : undefined;
    const decision = await reserveReply(this.env, {
      userId: input.userId,
      model,
      promptTokens,
      maxOutputTokens,
      visitor,
    });
    return decision.ok
      ? decision
      : failure(decision.status, decision.code, decision.message, decision.retryAfterSeconds);
  }

  /** What the reply used goes to the Limiter (released if unused), behind. */
  private settleQuota(userId: string, reservationId: string, used: number) {
    void settleReply(this.env, userId, reservationId, used);
  }

  /**
   * The conversation, if `input`'s caller owns it and may write to it, the model it names (if any)
   * is on offer, and no reply runs (or waits for its admission) in it. The one check of a send's or
   * regenerate's model: the route leaves it here.
   */
  private async ownedAndIdle(input: ReplyRequest): Promise<RoomResult<{ conversation: OwnedConversation }>> {
    const owned = await this.owned(input, { write: true });
    if (!owned.ok) return owned;
    if (input.model && !findModel(this.env, input.model)) return unknownModel(input.model);
    if (!this.inFlight && !this.starting) return owned;
    return failure(
      409,
      'reply_in_progress',
      'A reply is still being generated in this conversation: wait for it or stop it first',
    );
  }

  /**
   * The conversation, if `caller` owns it (404 otherwise, whatever the reason: no hint it exists);
   * with `write`, 403 read_only for the owner of a visitor's conversation. Loads it from Postgres
   * once when this room has never held it.
   */
  private async owned(
    caller: Caller,
    options: { write?: boolean } = {},
  ): Promise<RoomResult<{ conversation: OwnedConversation }>> {
    let conversation = this.store.conversation();
    if (!conversation) {
      const failed = await (this.loading ??= this.load(caller.conversationId).finally(
        () => (this.loading = undefined),
      ));
      if (failed) return failed;
      conversation = this.store.conversation();
    }
    if (!conversation || conversation.deleted || conversation.userId !== caller.userId)
      return failure(404, 'not_found', 'Conversation not found');
    if (caller.visitor && !sameVisitor(conversation, caller))
      return failure(404, 'not_found', 'Conversation not found');
    if (options.write && !caller.visitor && conversation.visitorId !== null) {
      return failure(
        403,
        'read_only',
        'Visitor conversations are read-only: you can read or delete this conversation, not send to it or change it',
      );
    }
    return { ok: true, conversation };
  }

  private async load(conversationId: string): Promise<RoomFailure | undefined> {
    try {
      const loaded = await withDatabase(this.env, (db) => loadConversation(db, conversationId));
      if (loaded) this.store.adopt(loaded.conversation, loaded.messages, Date.now());
    } catch (error) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'room: conversation not loaded', conversationId, ...errorFields(error) }),
      );
      if (!isDatabaseUnavailable(error)) throw error;
      return failure(
        503,
        'database_unavailable',
        'This conversation is not available right now (the database cannot be reached): try again shortly',
      );
    }
    if (this.store.hasPendingChanges()) void this.outbox.flush();
    return undefined;
  }

  /**
   * One alarm serves the heartbeat of a reply in flight and the retry of pending writes: the
   * earlier wins. An alarm already set earlier than needed is left alone (when it fires, it
   * re-arms), and one no longer needed is left to fire and find nothing to do, so the common case
   * costs no storage write.
   */
  private async armAlarm() {
    const now = Date.now();
    const due: number[] = [];
    if (this.inFlight) due.push(now + HEARTBEAT_MS);
    if (this.store.hasPendingChanges()) due.push(this.outbox.retryAt ?? now + FLUSH_BACKSTOP_MS);
    if (due.length === 0) return;
    const wanted = Math.min(...due);
    if (typeof this.alarmAt === 'number' && this.alarmAt > now && this.alarmAt <= wanted) return;
    await this.ctx.storage.setAlarm(wanted);
    this.alarmAt = wanted;
  }

  /** Keeps the reply's text so far in memory (reads see it) and checkpoints it locally every few seconds. */
  private checkpointer(inFlight: InFlight, messageId: string) {
    let savedAt = Date.now();
    return (delta: string) => {
      inFlight.text += delta;
      if (Date.now() - savedAt < CHECKPOINT_MS) return;
      savedAt = Date.now();
      this.store.checkpoint(messageId, inFlight.text);
    };
  }
}

/** Whether a conversation is this caller's as a visitor (their site, their visitor id), or as nobody's visitor when the caller is none. */
function sameVisitor(conversation: Conversation, caller: Caller): boolean {
  return (
    conversation.siteId === (caller.visitor?.siteId ?? null) &&
    conversation.visitorId === (caller.visitor?.visitorId ?? null)
  );
}

/** The newest message alone is more than the model can read: no quota is reserved, nothing is stored. */
const contextTooLong = (model: ModelInfo, promptTokens: number) =>
  failure(
    400,
    'context_length_exceeded',
    `This message is too long for ${model.id}: about ${promptTokens.toLocaleString('en')} tokens, and it reads ${model.contextWindow.toLocaleString('en')} with room for a reply. Shorten it, or choose a model with a larger context window`,
  );

/** A model no provider configured here offers: the request's, the conversation's or the site's. */
const unknownModel = (id: string) => failure(400, 'unknown_model', modelNotAvailable(id));

function failure(
  status: RoomFailure['status'],
  code: string,
  message: string,
  retryAfterSeconds?: number,
): RoomFailure {
  return { ok: false, status, code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

/** A reply the quota cut short (the vendor stopped at the budget the Limiter gave it) is kept as stopped, reason `quota`. */
function quotaStop(outcome: ReplyOutcome, boundedByQuota: boolean): ReplyOutcome {
  return boundedByQuota && outcome.status === 'complete' && outcome.stopReason === 'max_tokens'
    ? { ...outcome, status: 'stopped', stopReason: 'quota' }
    : outcome;
}

function nothingToRegenerate(): RoomFailure {
  return failure(
    409,
    'nothing_to_regenerate',
    'The last message in this conversation is not a reply: send a message instead',
  );
}

/** A new message of this conversation: a user's message as sent, or a reply's placeholder (`streaming`) before the vendor is called. */
function newMessage(
  conversation: Conversation,
  fields: Pick<Message, 'role' | 'content' | 'status' | 'createdAt'> & Partial<Pick<Message, 'model' | 'provider'>>,
): Message {
  return {
    id: crypto.randomUUID(),
    conversationId: conversation.id,
    userId: conversation.userId,
    model: null,
    provider: null,
    stopReason: null,
    errorCode: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    costUsd: '0',
    timeToFirstTokenMs: null,
    durationMs: null,
    completedAt: null,
    ...fields,
  };
}

function publicConversation(conversation: OwnedConversation): Conversation {
  const { deleted: _deleted, ownerEmail: _email, ...rest } = conversation;
  return rest;
}

function errorMessage(code: string | null): string {
  if (code === 'upstream_timeout') return 'The model stopped sending and was given up on; the partial reply was saved';
  return 'The model failed while replying; the partial reply was saved';
}

/**
 * What a reply cut by a restart used, as runReply estimates a stream cut short: the prompt as
 * reserved and the checkpointed text, once there was text (no text, no vendor work to bill).
 */
function interruptedOutcome(env: Env, message: Message, charge: ReplyCharge, now: number): ReplyOutcome {
  const usage = message.content
    ? { inputTokens: charge.promptTokens, outputTokens: Math.ceil(message.content.length / 4), cachedTokens: 0 }
    : { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
  const model = message.model ? findModel(env, message.model) : undefined;
  return {
    content: message.content,
    status: 'error',
    model: message.model ?? 'unknown',
    provider: message.provider ?? 'unknown',
    stopReason: null,
    errorCode: 'interrupted',
    ...usage,
    costUsd: model ? replyCost(model, usage) : '0',
    timeToFirstTokenMs: null,
    durationMs: now - message.createdAt.getTime(),
  };
}
