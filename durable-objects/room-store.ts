// A ConversationRoom's own SQLite: the conversation it owns and every message with every stored
// field. Every change and its outbox row (room-outbox-table.ts) are written in one local
// transaction, so nothing accepted can be lost between the two.
// Synchronous throughout: local SQLite needs no await, which is what keeps a send off the network.
import type { ReplyOutcome } from '../worker/chat/outcome.ts';
import type { Conversation, ConversationPatch, Message } from '../worker/db/conversations.ts';
import type { ReplyTimingMessage } from '../worker/usage/reply-timing.ts';
import type { UsageEventMessage } from '../worker/usage/usage-event.ts';
import type { MessageAttachment, SubjectType } from '../drizzle/schema.ts';
import { migrateSchema, type SchemaStep } from './sqlite-schema.ts';
import { type OutboxChange, OutboxTable } from './room-outbox-table.ts';
import { MessageTree } from './message-tree.ts';

export type OwnedConversation = Conversation & { deleted: boolean; ownerEmail: string | null };

/** The room's schema, version by version (sqlite-schema.ts): never edit a released step, add one. */
const SCHEMA: readonly SchemaStep[] = [
  // 1: the conversation, its messages, and the outbox to Postgres.
  (sql) => {
    sql.exec(`create table if not exists conversation (
      id text primary key, user_id text not null, owner_email text, title text, model text, system_prompt text,
      site_id text, visitor_id text, created_at integer not null, updated_at integer not null, deleted integer not null default 0)`);
    sql.exec(`create table if not exists messages (
      seq integer primary key autoincrement, id text not null unique, role text not null, content text not null,
      model text, provider text, status text not null, stop_reason text, error_code text,
      input_tokens integer not null default 0, output_tokens integer not null default 0, cached_tokens integer not null default 0,
      cost_usd text not null default '0', time_to_first_token_ms integer, duration_ms integer,
      created_at integer not null, completed_at integer)`);
    sql.exec(`create table if not exists outbox (
      seq integer primary key autoincrement, key text not null unique, change text not null, version integer not null default 1)`);
  },
  // 2: who pays for the reply in flight: kept with its placeholder, dropped when it is finished, so a
  // room restarted mid-reply can still bill what was streamed and free its quota reservation.
  (sql) => {
    sql.exec(`create table if not exists reply_charges (
      message_id text primary key, reservation_id text not null, user_id text not null,
      subject_type text not null, subject_id text not null, prompt_tokens integer not null)`);
  },
  // 3: messages form a tree (a regenerate or an edit adds a sibling), and the conversation
  // remembers the branch in view by its last message. Messages stored before were one line: each
  // follows the one stored before it (Postgres's migration 0010 reads them the same way), and the
  // writes still pending carry their parent behind.
  (sql) => {
    sql.exec('alter table messages add column parent_id text');
    sql.exec('alter table conversation add column leaf_id text');
    sql.exec(
      'update messages set parent_id = (select p.id from messages p where p.seq < messages.seq order by p.seq desc limit 1)',
    );
    sql.exec(`update outbox set change = json_set(change, '$.message.parentId',
      (select m.parent_id from messages m where m.id = json_extract(outbox.change, '$.message.id')))
      where json_extract(change, '$.kind') = 'message'`);
  },
  // 4: pins, and when the conversation was last active (its last message), which lists are sorted by.
  (sql) => {
    sql.exec('alter table conversation add column pinned_at integer');
    sql.exec('alter table conversation add column active_at integer');
    sql.exec('update conversation set active_at = coalesce((select max(created_at) from messages), created_at)');
  },
  // 5: sampling for every reply: the temperature and the longest reply (null: the model's default, the most allowed).
  (sql) => {
    sql.exec('alter table conversation add column temperature real');
    sql.exec('alter table conversation add column max_reply_tokens integer');
  },
  // 6: the model a reply was asked of, beside the model that answered it (another, when it fell back).
  // Unknown for replies stored before; a reply in flight was asked of the model its placeholder names.
  (sql) => {
    sql.exec('alter table messages add column requested_model text');
    sql.exec(`update messages set requested_model = model where status = 'streaming'`);
  },
  // 7: the files a user's message carries (issue 24), as JSON: [{id, name, mediaType, kind, size, url}]; null when none.
  (sql) => {
    sql.exec('alter table messages add column attachments text');
  },
];

/** Who pays for a reply, and what its Limiter reserved for it. */
export type ReplyCharge = {
  messageId: string;
  reservationId: string;
  userId: string;
  subject: { type: SubjectType; id: string };
  promptTokens: number;
};

type ConversationRow = {
  id: string;
  user_id: string;
  owner_email: string | null;
  title: string | null;
  model: string | null;
  system_prompt: string | null;
  temperature: number | null;
  max_reply_tokens: number | null;
  site_id: string | null;
  visitor_id: string | null;
  leaf_id: string | null;
  created_at: number;
  updated_at: number;
  pinned_at: number | null;
  active_at: number;
  deleted: number;
};
type MessageRow = {
  seq: number;
  id: string;
  parent_id: string | null;
  role: Message['role'];
  content: string;
  model: string | null;
  requested_model: string | null;
  provider: string | null;
  status: Message['status'];
  stop_reason: string | null;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: string;
  time_to_first_token_ms: number | null;
  duration_ms: number | null;
  created_at: number;
  completed_at: number | null;
  attachments: string | null;
};

export class RoomStore {
  private readonly storage: DurableObjectStorage;
  /** The conversation row as last read; nothing but this store writes it, so it is dropped on every write. */
  private cached: OwnedConversation | null | undefined;
  /** Changes still to be written behind, each written in the same local transaction as the change itself. */
  readonly outbox: OutboxTable;

  constructor(storage: DurableObjectStorage) {
    this.storage = storage;
    migrateSchema(storage, SCHEMA);
    this.outbox = new OutboxTable(storage.sql);
  }

  private get sql() {
    return this.storage.sql;
  }

  conversation(): OwnedConversation | undefined {
    if (this.cached === undefined) {
      const row = this.sql.exec<ConversationRow>('select * from conversation').toArray()[0];
      this.cached = row ? toConversation(row) : null;
    }
    return this.cached ?? undefined;
  }

  messages(): Message[] {
    const conversation = this.conversation();
    if (!conversation) return [];
    return this.sql
      .exec<MessageRow>('select * from messages order by seq')
      .toArray()
      .map((row) => toMessage(row, conversation));
  }

  /** Every message (every version of every turn) as a tree. */
  tree(): MessageTree<Message> {
    return new MessageTree(this.messages());
  }

  /** The messages of the branch in view, first to last. */
  branch(tree = this.tree()): Message[] {
    return tree.branch(this.conversation()?.branchLeafId ?? null);
  }

  /** A new conversation, made here: its id was minted at the edge. */
  create(conversation: Conversation, ownerEmail: string | null) {
    this.write(() => {
      this.insertConversation(conversation, ownerEmail);
      this.enqueue('conversation', { kind: 'conversation' });
    });
  }

  /**
   * What Postgres had for a conversation this room never held. A reply it shows as `streaming`
   * can never finish now (the room that ran it is gone): it is kept as interrupted, with its text
   * as last written behind. A conversation no room has written a branch for (`branchLeafId`
   * null: from before versions, or written straight to Postgres) is one line, oldest first: a
   * message without a parent follows the one before it, and Postgres hears of that parent behind.
   */
  adopt(conversation: Conversation, messages: Message[], now: number) {
    this.write(() => {
      if (this.conversation()) return;
      this.insertConversation(conversation, null);
      let previous: Message | undefined;
      for (const message of messages) {
        const orphaned = message.status === 'streaming';
        const unlinked = conversation.branchLeafId === null && previous !== undefined && message.parentId === null;
        let kept: Message = orphaned
          ? { ...message, status: 'error', errorCode: 'interrupted', completedAt: new Date(now) }
          : message;
        if (unlinked) kept = { ...kept, parentId: previous!.id };
        this.insertMessage(kept);
        if (orphaned || unlinked) this.enqueue(`message:${kept.id}`, { kind: 'message', message: kept });
        previous = kept;
      }
    });
  }

  /** A rename, a new model or prompt, a pin: `updated_at` moves, the activity time (the list's order) does not. */
  update(patch: ConversationPatch, now: number) {
    this.write(() => {
      const sets = Object.entries({
        title: patch.title,
        model: patch.model,
        system_prompt: patch.systemPrompt,
        temperature: patch.temperature,
        max_reply_tokens: patch.maxReplyTokens,
        pinned_at: patch.pinnedAt === undefined ? undefined : (patch.pinnedAt?.getTime() ?? null),
      }).filter(([, value]) => value !== undefined);
      for (const [column, value] of sets) this.sql.exec(`update conversation set ${column} = ?`, value);
      this.sql.exec('update conversation set updated_at = ?', now);
      this.enqueue('conversation', { kind: 'conversation' });
    });
  }

  /**
   * The user's message (a send's or an edit's; none for a regenerate) and the reply's placeholder
   * (`streaming`), the reply's branch now in view, the conversation's new activity time and title,
   * and their outbox rows: one transaction, before the vendor is called. Nothing is replaced.
   */
  startExchange(input: { userMessage?: Message; reply: Message; title?: string; charge: ReplyCharge }) {
    this.write(() => {
      if (input.userMessage) this.insertMessage(input.userMessage);
      this.insertMessage(input.reply);
      this.insertCharge(input.charge);
      this.markActive(input.reply.createdAt.getTime());
      this.sql.exec('update conversation set leaf_id = ?', input.reply.id);
      if (input.title) this.sql.exec('update conversation set title = ?', input.title);
      this.enqueue('conversation', { kind: 'conversation' });
      if (input.userMessage)
        this.enqueue(`message:${input.userMessage.id}`, { kind: 'message', message: input.userMessage });
      this.enqueue(`message:${input.reply.id}`, { kind: 'message', message: input.reply });
    });
  }

  /** Another branch in view, by its last message; not an activity, so the conversation keeps its place in lists. */
  selectBranch(leafId: string) {
    this.write(() => {
      this.sql.exec('update conversation set leaf_id = ?', leafId);
      this.enqueue('conversation', { kind: 'conversation' });
    });
  }

  /** The reply's text so far, kept for recovery should the object restart mid-reply. */
  checkpoint(messageId: string, text: string) {
    this.write(() => {
      this.sql.exec(`update messages set content = ? where id = ? and status = 'streaming'`, text, messageId);
      this.enqueueMessage(messageId);
    });
  }

  /** The reply as it ended, and its usage event when it used tokens. */
  finishReply(
    messageId: string,
    outcome: ReplyOutcome,
    completedAt: number,
    records: { usage?: UsageEventMessage | undefined; timing?: ReplyTimingMessage | undefined } = {},
  ) {
    const { usage, timing } = records;
    this.write(() => {
      this.sql.exec(
        `update messages set content = ?, status = ?, model = ?, provider = ?, stop_reason = ?, error_code = ?, input_tokens = ?,
          output_tokens = ?, cached_tokens = ?, cost_usd = ?, time_to_first_token_ms = ?, duration_ms = ?, completed_at = ? where id = ?`,
        outcome.content,
        outcome.status,
        outcome.model,
        outcome.provider,
        outcome.stopReason,
        outcome.errorCode,
        outcome.inputTokens,
        outcome.outputTokens,
        outcome.cachedTokens,
        outcome.costUsd,
        outcome.timeToFirstTokenMs,
        outcome.durationMs,
        completedAt,
        messageId,
      );
      this.enqueueMessage(messageId);
      if (usage) this.enqueue(`usage:${usage.id}`, { kind: 'usage', event: usage });
      // Kept with usage (`usage:` rows outlive a delete), published with it.
      if (timing) this.enqueue(`usage:timing:${timing.id}`, { kind: 'usage', event: timing });
      this.sql.exec('delete from reply_charges where message_id = ?', messageId);
    });
  }

  /** Replies left `streaming` (by an instance that is gone, when none runs here), with who pays for each where known. */
  orphanedReplies(): Array<{ message: Message; charge: ReplyCharge | undefined }> {
    const rows = this.sql.exec<MessageRow>(`select * from messages where status = 'streaming' order by seq`).toArray();
    const conversation = rows.length > 0 ? this.conversation() : undefined;
    if (!conversation) return [];
    return rows.map((row) => {
      const charge = this.sql
        .exec<{
          reservation_id: string;
          user_id: string;
          subject_type: SubjectType;
          subject_id: string;
          prompt_tokens: number;
        }>('select * from reply_charges where message_id = ?', row.id)
        .toArray()[0];
      return {
        message: toMessage(row, conversation),
        charge: charge && {
          messageId: row.id,
          reservationId: charge.reservation_id,
          userId: charge.user_id,
          subject: { type: charge.subject_type, id: charge.subject_id },
          promptTokens: charge.prompt_tokens,
        },
      };
    });
  }

  private insertCharge(charge: ReplyCharge) {
    this.sql.exec(
      'insert into reply_charges (message_id, reservation_id, user_id, subject_type, subject_id, prompt_tokens) values (?, ?, ?, ?, ?, ?)',
      charge.messageId,
      charge.reservationId,
      charge.userId,
      charge.subject.type,
      charge.subject.id,
      charge.promptTokens,
    );
  }

  /** Marks every reply still `streaming` as `error`/`interrupted`, text kept (and its charge dropped: nothing bills it). */
  markInterrupted(now: number): number {
    const orphans = this.sql.exec<{ id: string }>(`select id from messages where status = 'streaming'`).toArray();
    if (orphans.length === 0) return 0;
    this.write(() => {
      for (const { id } of orphans) {
        this.sql.exec(
          `update messages set status = 'error', error_code = 'interrupted', completed_at = ? where id = ?`,
          now,
          id,
        );
        this.sql.exec('delete from reply_charges where message_id = ?', id);
        this.enqueueMessage(id);
      }
    });
    return orphans.length;
  }

  /**
   * Deletes the messages and leaves a tombstone, so the room answers 404 without asking Postgres
   * and never reloads what Postgres may still hold. Pending writes other than usage (tokens were
   * spent, so they are billed) are dropped: they must never bring the conversation back.
   */
  delete(conversationId: string) {
    this.write(() => {
      const withFiles =
        this.sql.exec('select 1 from messages where attachments is not null limit 1').toArray().length > 0;
      const userId = this.conversation()?.userId;
      this.sql.exec('delete from messages');
      this.sql.exec('update conversation set deleted = 1, title = null, system_prompt = null, owner_email = null');
      this.outbox.dropAllButUsage();
      this.enqueue('delete', { kind: 'delete', conversationId });
      // Its files go with it (unless another conversation carries the same file): the owner's Limiter decides, behind.
      if (withFiles && userId) this.enqueue('files-release', { kind: 'files-release', conversationId, userId });
    });
  }

  /** Once Postgres has the deletion: nothing of the conversation stays here. */
  forget() {
    this.write(() => {
      this.sql.exec('delete from conversation');
      this.sql.exec('delete from messages');
    });
  }

  /**
   * Nothing of this room stays in its storage (every table dropped), then its empty schema again,
   * so this instance goes on answering as a room that never held anything (404). Only once the
   * deletion has landed in Postgres and nothing else is pending (see ConversationRoom.erase).
   */
  async wipe() {
    await this.storage.deleteAll();
    migrateSchema(this.storage, SCHEMA);
    this.outbox.load();
    this.cached = undefined;
  }

  /** Deletes the outbox rows that have landed (see OutboxTable.markLanded) now. */
  prune() {
    if (this.outbox.hasLanded()) this.write(() => {});
  }

  /** A message was just sent: the conversation is updated and active as of `at`. */
  private markActive(at: number) {
    this.sql.exec('update conversation set updated_at = ?, active_at = ?', at, at);
  }

  private enqueueMessage(messageId: string) {
    const conversation = this.conversation();
    const row = this.sql.exec<MessageRow>('select * from messages where id = ?', messageId).toArray()[0];
    if (conversation && row)
      this.enqueue(`message:${messageId}`, { kind: 'message', message: toMessage(row, conversation) });
  }

  /**
   * One local transaction, which also deletes the outbox rows that have landed since the last
   * one. The cached conversation row is read again afterwards; on a rollback the outbox in memory
   * is read again from its table.
   */
  private write(change: () => void) {
    try {
      let forgetLanded = () => {};
      this.storage.transactionSync(() => {
        forgetLanded = this.outbox.deleteLanded();
        change();
      });
      forgetLanded();
    } catch (error) {
      this.outbox.load();
      throw error;
    } finally {
      // Read again now, in the turn that wrote it: a first read in a later turn costs far more.
      this.cached = undefined;
      this.conversation();
    }
  }

  private enqueue(key: string, change: OutboxChange) {
    this.outbox.enqueue(key, change);
  }

  private insertConversation(c: Conversation, ownerEmail: string | null) {
    this.sql.exec(
      `insert into conversation (id, user_id, owner_email, title, model, system_prompt, temperature, max_reply_tokens,
        site_id, visitor_id, leaf_id, created_at, updated_at, pinned_at, active_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.id,
      c.userId,
      ownerEmail,
      c.title,
      c.model,
      c.systemPrompt,
      c.temperature,
      c.maxReplyTokens,
      c.siteId,
      c.visitorId,
      c.branchLeafId,
      c.createdAt.getTime(),
      c.updatedAt.getTime(),
      c.pinnedAt?.getTime() ?? null,
      c.activeAt.getTime(),
    );
  }

  private insertMessage(m: Message) {
    this.sql.exec(
      `insert into messages (id, parent_id, role, content, model, requested_model, provider, status, stop_reason, error_code,
        input_tokens, output_tokens, cached_tokens, cost_usd, time_to_first_token_ms, duration_ms, created_at, completed_at, attachments)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.id,
      m.parentId,
      m.role,
      m.content,
      m.model,
      m.requestedModel,
      m.provider,
      m.status,
      m.stopReason,
      m.errorCode,
      m.inputTokens,
      m.outputTokens,
      m.cachedTokens,
      m.costUsd,
      m.timeToFirstTokenMs,
      m.durationMs,
      m.createdAt.getTime(),
      m.completedAt?.getTime() ?? null,
      m.attachments?.length ? JSON.stringify(m.attachments) : null,
    );
  }
}

function toConversation(row: ConversationRow): OwnedConversation {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    model: row.model,
    systemPrompt: row.system_prompt,
    temperature: row.temperature,
    maxReplyTokens: row.max_reply_tokens,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    branchLeafId: row.leaf_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    pinnedAt: row.pinned_at === null ? null : new Date(row.pinned_at),
    activeAt: new Date(row.active_at),
    deleted: row.deleted === 1,
    ownerEmail: row.owner_email,
  };
}

function toMessage(row: MessageRow, conversation: Conversation): Message {
  return {
    id: row.id,
    conversationId: conversation.id,
    userId: conversation.userId,
    parentId: row.parent_id,
    role: row.role,
    content: row.content,
    model: row.model,
    requestedModel: row.requested_model,
    provider: row.provider,
    status: row.status,
    stopReason: row.stop_reason,
    errorCode: row.error_code,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedTokens: row.cached_tokens,
    costUsd: row.cost_usd,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    durationMs: row.duration_ms,
    createdAt: new Date(row.created_at),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    attachments: row.attachments ? (JSON.parse(row.attachments) as MessageAttachment[]) : null,
  };
}
