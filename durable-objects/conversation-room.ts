// One per conversation, and the conversation's owner: its settings and messages live in this
// object's SQLite (room-store.ts) while it is used, and Postgres is written behind through an
// outbox (room-outbox.ts). A send writes locally and calls the vendor without waiting on anything
// remote; reads, ownership checks (room-access.ts), renames and deletes are answered here. Messages
// form a tree (message-tree.ts): a regenerate or an edit adds a version beside another, nothing is
// replaced, and the room remembers the branch in view. The room also serialises sends (edits and
// regenerates), owns the reply running (room-reply.ts), which keeps
// generating when every reader has left, lets readers resume with Last-Event-ID, and stops the
// vendor call on request. A reply goes through the same reserve → run → settle pipeline as a /v1
// completion (worker/chat/reply-pipeline.ts); every refusal is worded in room-failures.ts.
import { DurableObject } from 'cloudflare:workers';
import { withDatabase } from '../worker/db/client.ts';
import type { ReplyOutcome } from '../worker/chat/outcome.ts';
import { loadConversation, type Conversation, type Message } from '../worker/db/conversations.ts';
import { isDatabaseUnavailable } from '../worker/db/errors.ts';
import { fitToContext, titleFrom } from '../worker/chat/prompt.ts';
import {
  replyUsage,
  reserveReply,
  reservedReplyTiming,
  runReservedReply,
  settleReply,
  tokensUsed,
} from '../worker/chat/reply-pipeline.ts';
import { replyTiming } from '../worker/usage/reply-timing.ts';
import { replyLimit } from '../worker/chat/limits.ts';
import { parseEventId } from '../worker/chat/events.ts';
import { defaultModel, findModel } from '../worker/providers/registry.ts';
import type { ChatMessage } from '../worker/providers/types.ts';
import { OutboxWriter } from './room-outbox.ts';
import type { MessageAttachment } from '../drizzle/schema.ts';
import { readableTurns, turnsWithFiles, unsendableFile } from '../worker/files/parts.ts';
import { toAttachment } from '../worker/files/types.ts';
import { userLimiter } from '../worker/usage/limiters.ts';
import { RoomStore, type OwnedConversation, type ReplyCharge } from './room-store.ts';
import { checkAccess, publicConversation, sameVisitor } from './room-access.ts';
import { filesOf, interruptedOutcome, LiveReply, newMessage } from './room-reply.ts';
import type { MessageTree } from './message-tree.ts';
import {
  conversationUnavailable,
  failure,
  messageNotFound,
  noModels,
  notAReply,
  notEditable,
  notFound,
  nothingToRegenerate,
  refused,
  replyErrorMessage,
  replyInProgress,
  replyLimitRefusal,
  unknownModel,
} from './room-failures.ts';
import { log, withLogContext } from '../worker/log.ts';
import type {
  BranchMessage,
  Caller,
  ConversationRead,
  CreateInput,
  EditInput,
  RegenerateInput,
  ReplyRequest,
  RoomFailure,
  RoomResult,
  SendInput,
  SendResult,
  SiteReplySettings,
  UpdateInput,
} from '../worker/chat/room-contract.ts';

/**
 * While a reply runs, an alarm this often keeps the object resident and detects lost replies: after
 * a restart mid-reply, the alarm wakes the room within this long (a request to it, at once) to bill
 * what streamed and free the reply's quota reservation and stream slot.
 */
const HEARTBEAT_MS = 30_000;
/** Pending changes are retried by the alarm after this even when no flush has failed yet (the object may be evicted). */
const FLUSH_BACKSTOP_MS = 5000;

export type {
  Caller,
  ConversationRead,
  CreateInput,
  EditInput,
  RegenerateInput,
  ReplyRequest,
  RoomFailure,
  RoomResult,
  SendInput,
  SendResult,
  SiteReplySettings,
  UpdateInput,
};

/** What differs between a send, an edit and a regenerate: the turns the model answers, the reply's parent, and what is stored with the reply. */
type ReplyPlan = {
  turns: ChatMessage[];
  /** The files of the message answered: the model must read each kind (the history's it cannot read are left out). */
  files: MessageAttachment[];
  /** The user message the reply answers. */
  parentId: string;
  /**
   * Stores the reply's placeholder, with whatever goes with it, in one local transaction (called
   * once the Limiter has reserved the reply; `now` is a millisecond before the placeholder's time).
   * A failure when the conversation no longer allows it: nothing is stored then.
   */
  store: (conversation: OwnedConversation, reply: Message, now: number, charge: ReplyCharge) => RoomFailure | undefined;
};

export class ConversationRoom extends DurableObject<Env> {
  private readonly store: RoomStore;
  /** The reply running now, if any. */
  private live: LiveReply | undefined;
  private loading: Promise<RoomFailure | undefined> | undefined;
  private readonly outbox: OutboxWriter;
  /** Set while a send waits for its Limiter's decision: the room is claimed, but nothing is stored yet. */
  private starting = false;
  /** The owner's custom instructions' size at the last reply: room kept for them when the next reply's history is fitted. */
  private instructionTokens = 0;
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
      const usage = replyUsage({
        id: message.id,
        messageId: message.id,
        conversationId: message.conversationId,
        userId: charge.userId,
        subject: charge.subject,
        outcome,
        occurredAt: new Date(now),
      });
      // Counted as the failure it was; where its request came in is not kept.
      const timing = replyTiming({
        id: message.id,
        surface: charge.subject.type === 'visitor' ? 'widget' : 'chat',
        model: outcome.model,
        admissionMs: 0,
        outcome,
        occurredAt: new Date(now),
      });
      this.store.finishReply(message.id, outcome, now, { usage, timing });
      void settleReply(
        this.env,
        { reservationId: charge.reservationId, spec: { userId: charge.userId } },
        tokensUsed(outcome),
      );
    }
    // Those from before charges were recorded: marked only.
    this.store.markInterrupted(now);
    void this.outbox.flush();
    return orphans.length;
  }

  /** A new conversation; its id was minted by the caller (lower-case UUID). */
  async create(input: CreateInput): Promise<RoomResult<{ conversation: Conversation }>> {
    return this.serve(input, async () => {
      const existing = this.store.conversation();
      if (existing) {
        // The same create repeated (a retried request) gets the same answer; anything else is a collision.
        return existing.userId === input.userId && !existing.deleted && sameVisitor(existing, input)
          ? { ok: true, conversation: publicConversation(existing) }
          : failure(409, 'conflict', 'A conversation with this id already exists');
      }
      const tooLong = replyLimitRefusal(this.env, input, { model: null });
      if (tooLong) return tooLong;
      const now = new Date();
      const conversation: Conversation = {
        id: input.conversationId,
        userId: input.userId,
        title: input.title ?? null,
        model: input.model ?? null,
        temperature: input.temperature ?? null,
        maxReplyTokens: input.maxReplyTokens ?? null,
        systemPrompt: input.systemPrompt ?? null,
        siteId: input.visitor?.siteId ?? null,
        visitorId: input.visitor?.visitorId ?? null,
        branchLeafId: null,
        pinnedAt: null,
        activeAt: now,
        createdAt: now,
        updatedAt: now,
      };
      this.store.create(conversation, input.email ?? null);
      void this.outbox.flush();
      return { ok: true, conversation };
    });
  }

  /** Stores the user's message after the branch in view and answers it: the reply streams from the vendor and is stored as it ends. */
  async send(input: SendInput): Promise<SendResult> {
    return this.serve(input, async () => {
      const owned = await this.ownedAndIdle(input);
      if (!owned.ok) return owned;
      const plan = await this.claimed(() => this.userTurn(input, this.store.branch()));
      return 'turns' in plan ? this.withFilesKept(input, await this.startReply(input, owned.conversation, plan)) : plan;
    });
  }

  /**
   * A new version of one of the user's messages: stored beside it (same parent), then answered
   * exactly as a send is, for the history up to it. The message edited, and whatever followed it,
   * stays as it was, one version away.
   */
  async edit(input: EditInput): Promise<SendResult> {
    return this.serve(input, async () => {
      const owned = await this.ownedAndIdle(input);
      if (!owned.ok) return owned;
      const tree = this.store.tree();
      const edited = tree.get(input.messageId);
      if (!edited) return messageNotFound();
      if (edited.role !== 'user') return notEditable();
      const plan = await this.claimed(() => this.userTurn(input, tree.pathTo(edited.parentId)));
      return 'turns' in plan ? this.withFilesKept(input, await this.startReply(input, owned.conversation, plan)) : plan;
    });
  }

  /**
   * A new version of a reply (`messageId`, else the last reply in view) for the same history,
   * stored beside it and streamed exactly as after a send. The earlier version stays, one version
   * away, and stays billed.
   */
  async regenerate(input: RegenerateInput): Promise<SendResult> {
    return this.serve(input, async () => {
      const owned = await this.ownedAndIdle(input);
      if (!owned.ok) return owned;
      const tree = this.store.tree();
      const target = input.messageId ? tree.get(input.messageId) : this.store.branch(tree).at(-1);
      if (input.messageId && !target) return messageNotFound();
      if (target?.role !== 'assistant') return input.messageId ? notAReply() : nothingToRegenerate();
      const before = tree.pathTo(target.parentId);
      const question = before.at(-1);
      if (!question) return nothingToRegenerate();
      const turns = await this.claimed(() => turnsWithFiles(this.env, input.userId, before));
      return this.startReply(input, owned.conversation, {
        turns,
        files: question.attachments ?? [],
        parentId: question.id,
        store: (_conversation, reply, _now, charge) => {
          this.store.startExchange({ reply, charge });
          return undefined;
        },
      });
    });
  }

  /** The conversation with the messages of the branch in view, a reply in flight included with its text so far. */
  async read(caller: Caller): Promise<RoomResult<ConversationRead>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller);
      if (!owned.ok) return owned;
      return { ok: true, ...this.conversationRead(owned.conversation) };
    });
  }

  /**
   * Puts the branch through `messageId` in view, down to its newest message (a version picked with
   * ‹ ›, and whatever was last said after it), and answers as a read does. Refused while a reply
   * runs: the reply in flight is always in view.
   */
  async selectBranch(caller: Caller, messageId: string): Promise<RoomResult<ConversationRead>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller, { write: true });
      if (!owned.ok) return owned;
      if (this.live || this.starting) return replyInProgress();
      const tree = this.store.tree();
      const leaf = tree.latestUnder(messageId);
      if (!leaf) return messageNotFound();
      if (leaf.id !== this.store.branch(tree).at(-1)?.id) {
        this.store.selectBranch(leaf.id);
        void this.outbox.flush();
      }
      return { ok: true, ...this.conversationRead(this.store.conversation()!) };
    });
  }

  /** The branch in view with each message's versions; a reply in flight with its text so far. */
  private conversationRead(conversation: OwnedConversation): ConversationRead {
    const live = this.live;
    const tree: MessageTree<Message> = this.store.tree();
    const messages: BranchMessage[] = this.store.branch(tree).map((m) => ({
      ...(live && m.id === live.id && m.status === 'streaming' ? { ...m, content: live.text } : m),
      siblings: tree.siblings(m.id),
    }));
    return { conversation: publicConversation(conversation), messages };
  }

  /**
   * A send refused after its files were checked (the model, the quota…) stored nothing: the
   * conversation no longer refers to the files no stored message carries, so they stay uploads
   * the sweep may take, not files deleted only with this conversation.
   */
  private withFilesKept(input: SendInput, result: SendResult): SendResult {
    if (result.ok || !input.attachments?.length) return result;
    const carried = new Set(filesOf(this.store.messages()).map((file) => file.id));
    const unstored = input.attachments.filter((id) => !carried.has(id));
    if (unstored.length > 0)
      userLimiter(this.env, input.userId)
        .unreferFiles(input.userId, input.conversationId, unstored)
        .catch((error: unknown) => log.warn('room: file references not dropped', {}, error));
    return result;
  }

  /**
   * Runs what a send must wait for before its reply is reserved (the owner's Limiter for its files,
   * R2 for their bytes) with the room claimed, so no other send starts meanwhile.
   */
  private async claimed<T>(work: () => Promise<T>): Promise<T> {
    this.starting = true;
    try {
      return await work();
    } finally {
      this.starting = false;
    }
  }

  /**
   * A new user message after `before` (the branch it continues, first to last) and the reply to it.
   * Its files must be the owner's uploads, no more than the plan allows per message (their Limiter
   * says); the history's files are read from R2.
   */
  private async userTurn(input: SendInput, before: Message[]): Promise<ReplyPlan | RoomFailure> {
    const { content } = input;
    let attachments: MessageAttachment[] | null = null;
    if (input.attachments?.length) {
      const found = await userLimiter(this.env, input.userId).attachFiles(
        input.userId,
        input.conversationId,
        input.attachments,
      );
      if (!found.ok) return failure(found.status, found.code, found.message);
      attachments = found.files.map(toAttachment);
    }
    const userMessageId = crypto.randomUUID();
    return {
      turns: await turnsWithFiles(this.env, input.userId, [...before, { role: 'user', content, attachments }]),
      files: attachments ?? [],
      parentId: userMessageId,
      store: (conversation, reply, now, charge) => {
        const userMessage = newMessage(conversation, {
          id: userMessageId,
          parentId: before.at(-1)?.id ?? null,
          role: 'user',
          content,
          status: 'complete',
          createdAt: new Date(now),
          attachments,
        });
        this.store.startExchange({
          userMessage,
          reply,
          title: conversation.title ? undefined : titleFrom(content),
          charge,
        });
        return undefined;
      },
    };
  }

  /** Rename, change the model, the system prompt, the temperature or the longest reply (the next reply uses them), pin or unpin. */
  async update(caller: Caller, change: UpdateInput): Promise<RoomResult<{ conversation: Conversation }>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller, { write: true });
      if (!owned.ok) return owned;
      const tooLong = replyLimitRefusal(this.env, change, owned.conversation);
      if (tooLong) return tooLong;
      const now = Date.now();
      const { pinned, ...patch } = change;
      // Pinning again keeps the first pin's time (pins are ordered by it).
      const pinnedAt =
        pinned === undefined ? undefined : pinned ? (owned.conversation.pinnedAt ?? new Date(now)) : null;
      this.store.update({ ...patch, ...(pinnedAt === undefined ? {} : { pinnedAt }) }, now);
      void this.outbox.flush();
      return { ok: true, conversation: publicConversation(this.store.conversation()!) };
    });
  }

  /** Stops a reply in flight (saved as `stopped`, and billed), then deletes the conversation here and, behind, in Postgres. */
  async delete(caller: Caller): Promise<RoomResult<object>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller);
      if (!owned.ok) return owned;
      while (this.live) await this.live.stop();
      this.store.delete(owned.conversation.id);
      void this.outbox.flush();
      return { ok: true };
    });
  }

  /**
   * Erases a widget visitor's conversation for the site's owner (`caller`): a deletion the owner
   * asked for, or the site's retention. A reply in flight is stopped (and billed); the
   * conversation is deleted here and in Postgres, waited for this time, and then this room's whole
   * storage. Only a visitor's conversation (404 for the owner's own). Repeating it changes nothing;
   * when Postgres cannot be reached (503) the deletion stands and lands behind, and a repeat
   * finishes it.
   */
  async erase(caller: Caller): Promise<RoomResult<{ erased: boolean }>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller);
      if (!owned.ok && owned.status !== 404) return owned;
      const held = this.store.conversation();
      if (held && (held.userId !== caller.userId || held.visitorId === null)) return notFound();
      if (held && !held.deleted) {
        while (this.live) await this.live.stop();
        this.store.delete(held.id);
      }
      await this.outbox.flush();
      if (this.store.outbox.hasPending()) return conversationUnavailable();
      await this.store.wipe();
      await this.ctx.storage.deleteAlarm();
      this.alarmAt = null;
      return { ok: true, erased: held !== undefined };
    });
  }

  /** The in-flight reply's events after `lastEventId` (all of them without one), then live; `stream: null` when idle. */
  async resume(
    caller: Caller,
    lastEventId?: string | null,
  ): Promise<RoomResult<{ stream: ReadableStream<Uint8Array> | null }>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller);
      if (!owned.ok) return owned;
      const live = this.live;
      if (!live || live.log.finished) return { ok: true, stream: null };
      const position = parseEventId(lastEventId);
      return { ok: true, stream: live.log.attach(position?.replyId === live.id ? position.seq : 0) };
    });
  }

  /** Aborts the vendor call; resolves once the partial reply is saved as `stopped`. */
  async stop(caller: Caller): Promise<RoomResult<{ stopped: boolean }>> {
    return this.serve(caller, async () => {
      const owned = await this.owned(caller, { write: true });
      if (!owned.ok) return owned;
      const live = this.live;
      if (!live) return { ok: true, stopped: false };
      await live.stop();
      return { ok: true, stopped: true };
    });
  }

  /** Runs a caller's request with its request id and this conversation on every line logged, the reply's included. */
  private serve<T>(caller: Caller, work: () => Promise<T>): Promise<T> {
    return withLogContext({ requestId: caller.requestId, conversationId: caller.conversationId }, work);
  }

  /** Heartbeat while a reply runs, recovery after a restart, and flush retries while Postgres is away. */
  async alarm() {
    this.alarmAt = null;
    if (!this.live) this.recoverInterrupted();
    if (this.store.outbox.hasPending()) await this.outbox.flush({ retry: true });
    this.store.prune();
    await this.armAlarm();
  }

  /**
   * What a send, an edit and a regenerate share once they know what to answer: the model, the reply
   * reserved with the owner's Limiter, the reply's placeholder stored locally (with what
   * `plan.store` adds), then the vendor call, whose events every reader follows from the reply's log.
   */
  private async startReply(input: ReplyRequest, conversation: OwnedConversation, plan: ReplyPlan): Promise<SendResult> {
    // A visitor's reply follows the site as it is now; anyone else's, the request and the conversation.
    const modelId = (input.site ? input.site.model : (input.model ?? conversation.model)) ?? defaultModel(this.env)?.id;
    const model = modelId ? findModel(this.env, modelId) : undefined;
    if (!model) return modelId ? unknownModel(modelId) : noModels();
    const unsendable = unsendableFile(model, plan.files);
    if (unsendable) return failure(unsendable.status, unsendable.code, unsendable.message);
    const system = (input.site ? input.site.systemPrompt : conversation.systemPrompt) ?? undefined;
    const maxOutputTokens = replyLimit(model, input.site ? null : conversation.maxReplyTokens);
    // The owner's custom instructions are added by their Limiter: room is kept for them at the size last seen.
    const messages = fitToContext(readableTurns(model, plan.turns), {
      system,
      contextWindow: model.contextWindow - (input.site ? 0 : this.instructionTokens),
      maxOutputTokens,
    });
    const temperature = input.site ? null : conversation.temperature;

    // The owner's Limiter decides before anything is stored or sent; the room is claimed meanwhile.
    this.starting = true;
    const reserved = await reserveReply(this.env, {
      userId: input.userId,
      model,
      system,
      messages,
      maxOutputTokens,
      ...(temperature === null ? {} : { sampling: { temperature } }),
      customInstructions: !input.site,
      ...(input.visitor && input.site
        ? {
            visitor: {
              ...input.visitor,
              requestsPerMinute: input.site.visitorRequestsPerMinute,
              dailyTokenBudget: input.site.dailyTokenBudget,
            },
          }
        : {}),
      surface: input.visitor ? 'widget' : 'chat',
      colo: input.colo,
    }).finally(() => (this.starting = false));
    if (!reserved.ok) return refused(reserved);
    if (!input.site) this.instructionTokens = reserved.instructionTokens;
    const current = this.store.conversation();
    const now = Date.now();
    // A millisecond after what is stored with it, so history order never depends on the id.
    const reply = newMessage(conversation, {
      parentId: plan.parentId,
      role: 'assistant',
      content: '',
      // The model that answers may change (a fallback, as the reply ends); the one asked stays.
      model: model.id,
      requestedModel: model.id,
      provider: model.provider,
      status: 'streaming',
      createdAt: new Date(now + 1),
    });
    const charge: ReplyCharge = {
      messageId: reply.id,
      reservationId: reserved.reservationId,
      userId: input.userId,
      subject: input.subject,
      promptTokens: reserved.promptTokens,
    };
    const refusal = !current || current.deleted ? notFound() : plan.store(current, reply, now, charge);
    if (refusal) {
      void settleReply(this.env, reserved, 0);
      return refusal;
    }

    const live = new LiveReply(reply.id, reserved);
    this.live = live;
    live.log.append({
      event: 'message.start',
      data: { conversationId: conversation.id, messageId: reply.id, model: model.id },
    });
    const stream = live.log.attach();
    const outcome = runReservedReply(this.env, reserved, live.abort.signal, (event) => {
      live.log.append(event);
      if (event.event !== 'delta') return;
      // The first token is out: the reply is under way, and Postgres may hear of it now, without
      // its round trip (or its CPU) ever standing between the person and that token.
      if (live.text === '') void this.outbox.flush();
      if (live.addText(event.data.text)) this.store.checkpoint(live.id, live.text);
    });
    void this.finishReply(live, outcome, input);
    // The heartbeat is set behind the reply: nothing the person waits for waits on it.
    this.armAlarm().catch((error: unknown) => log.error('room: alarm not set', {}, error));
    return { ok: true, messageId: reply.id, model: model.id, stream };
  }

  /** Stores the reply as it ended (and its usage event), tells its readers, and settles its reservation. */
  private async finishReply(live: LiveReply, reply: Promise<ReplyOutcome>, input: ReplyRequest) {
    let used = 0;
    try {
      const outcome = await reply;
      used = tokensUsed(outcome);
      const completedAt = new Date();
      const usage = replyUsage({
        id: live.id,
        messageId: live.id,
        conversationId: input.conversationId,
        userId: input.userId,
        subject: input.subject,
        outcome,
        occurredAt: completedAt,
      });
      // The reply's timings go out with its usage, from the outbox, in the same local write.
      const timing = reservedReplyTiming(live.id, live.reserved, outcome);
      this.store.finishReply(live.id, outcome, completedAt.getTime(), { usage, timing });
      // The client hears how the reply ended now; Postgres hears it behind, from the outbox.
      live.log.append(
        outcome.status === 'error'
          ? {
              event: 'error',
              data: { code: outcome.errorCode ?? 'upstream', message: replyErrorMessage(outcome.errorCode) },
            }
          : { event: 'done', data: { stopReason: outcome.stopReason ?? 'end_turn', model: outcome.model } },
      );
    } catch (error) {
      // Never expected (runReply does not throw); the text so far is kept all the same.
      log.error('reply failed unexpectedly', { messageId: live.id }, error);
      this.store.checkpoint(live.id, live.text);
      this.store.markInterrupted(Date.now());
      live.log.append({
        event: 'error',
        data: { code: 'internal_error', message: 'The reply failed on our side; the partial reply was saved' },
      });
    } finally {
      if (this.live === live) this.live = undefined;
      void this.outbox.flush();
      void settleReply(this.env, live.reserved, used);
      live.end();
    }
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
    return this.live || this.starting ? replyInProgress() : owned;
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
    return checkAccess(conversation, caller, options);
  }

  private async load(conversationId: string): Promise<RoomFailure | undefined> {
    try {
      const loaded = await withDatabase(this.env, (db) => loadConversation(db, conversationId));
      if (loaded) this.store.adopt(loaded.conversation, loaded.messages, Date.now());
    } catch (error) {
      log.error('room: conversation not loaded', { conversationId }, error);
      if (!isDatabaseUnavailable(error)) throw error;
      return conversationUnavailable();
    }
    if (this.store.outbox.hasPending()) void this.outbox.flush();
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
    if (this.live) due.push(now + HEARTBEAT_MS);
    if (this.store.outbox.hasPending()) due.push(this.outbox.retryAt ?? now + FLUSH_BACKSTOP_MS);
    if (due.length === 0) return;
    const wanted = Math.min(...due);
    if (typeof this.alarmAt === 'number' && this.alarmAt > now && this.alarmAt <= wanted) return;
    await this.ctx.storage.setAlarm(wanted);
    this.alarmAt = wanted;
  }
}
