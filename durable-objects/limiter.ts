// One per user: their quota, the rate limits of every subject they own (the user, each of their
// API keys, each visitor of their widget sites), and their live API keys. A decision is one synchronous turn over state held in
// memory (limiter-store.ts), so concurrent requests can never overrun a quota: the first that
// does not fit is refused. The state is seeded from Postgres once per period (the user's tier,
// what was already used, their live keys); after that no decision reads Postgres. An API key
// carries its owner's id, so the one call that reserves quota also verifies the key: a revoked
// key is refused from the moment its revocation reaches this object.
import { DurableObject } from 'cloudflare:workers';
import type { Tier } from '../drizzle/schema.ts';
import { withDatabase } from '../worker/db/client.ts';
import { outputBudget, refill, secondsUntilToken } from '../worker/usage/limits.ts';
import { estimateTokens, replyRoom } from '../worker/chat/prompt.ts';
import { quotaSeed } from '../worker/usage/quota.ts';
import { publishUsage } from '../worker/usage/publish.ts';
import type { SettleRecords } from '../worker/usage/limiters.ts';
import type { QueueMessage } from '../worker/usage/queue-message.ts';
import type { RefusalCountMessage, RefusalReason } from '../worker/usage/refusal-count.ts';
import type { SiteRefusalTotal } from '../worker/usage/site-refusal-count.ts';
import { planAllowsModel, planLimits, quotaPeriod, type TierLimits } from '../worker/usage/tiers.ts';
import { INVALID_KEY } from '../worker/auth/api-keys.ts';
import { LimiterStore, type RefusalTotal } from './limiter-store.ts';
import { log, withLogContext } from '../worker/log.ts';
import { BacklogReporter } from '../worker/ops/backlog.ts';
import type { Admission, Refusal, VisitorLimits } from '../worker/usage/admission.ts';
import { transaction } from '../worker/db/client.ts';
import { deleteFile, upsertFile } from '../worker/db/files.ts';
import { fileKey, type FileRefusal, type StorageState, type StoredFile } from '../worker/files/types.ts';
import { formatBytes } from '../worker/files/format.ts';

/** A reservation never settled (its reply or room was lost) stops holding quota after this. */
const RESERVATION_TTL_MS = 30 * 60_000;
const SEED_RETRY_MS = 30_000;
/** Usage events waiting to be published are retried with this backoff, doubling to the cap. */
const PUBLISH_RETRY_MS = [1000, 60_000] as const;
const PUBLISH_BATCH = 100;
/** A visitor's bucket unused this long is dropped (it would be full again long before), so visitors never pile up in memory. */
const VISITOR_IDLE_MS = 60 * 60_000;
const VISITOR_SWEEP_EVERY_MS = 5 * 60_000;
/**
 * Refusal totals and reply timings (the operators' figures, not the bill) are published at most
 * this often: many replies' timings, or a flood of refusals, go out as one batch.
 */
const OPERATOR_FIGURES_DELAY_MS = 1000;

export type ReserveInput = {
  /** The user whose quota pays: seeds this Limiter on first use. */
  userId: string;
  /** The request this reply serves: on the lines logged while deciding. */
  requestId?: string;
  reservationId: string;
  /** The prompt as estimated before the call. */
  promptTokens: number;
  /** The most the reply may produce if the quota allows. */
  maxOutputTokens: number;
  /** Apply this subject's rate limits too (false when they were checked in another subject's Limiter). */
  rateLimit: boolean;
  /** The model asked for: the plan may not include it. */
  model?: { id: string; outputPricePerMillion: number };
  /** The request came with this API key (its SHA-256): it must be one of the owner's live keys, and its own bucket applies. */
  apiKeyHash?: string;
  /**
   * A visitor of one of the owner's widget sites: their own bucket applies, at the site's rate,
   * instead of the user's; the widget's own reply slots, and the site's daily token budget.
   */
  visitor?: VisitorLimits;
  /**
   * The reply is the owner's own chat reply: their custom instructions go with it. They count in
   * the prompt, and the reply's room shrinks to what the model's context window leaves.
   */
  instructions?: { contextWindow: number };
};

export type { Admission, Refusal };
export type QuotaState = {
  tier: Tier;
  plan: TierLimits;
  limit: number | null;
  used: number;
  reserved: number;
  resetsAt: string;
};

export class Limiter extends DurableObject<Env> {
  private readonly store: LimiterStore;
  private seeding: Promise<void> | undefined;
  /** While Postgres is away, seeding is tried again at most this often, so decisions do not wait on it. */
  private seedRetryAt = 0;
  private publishing: Promise<void> | undefined;
  private publishDelayMs: number = PUBLISH_RETRY_MS[0];
  private sweptAt = 0;
  private publishScheduled = false;
  private flushingFiles: Promise<void> | undefined;
  private filesRetryMs: number = PUBLISH_RETRY_MS[0];
  /** Failing publishes, told to the operators' backlog. */
  private readonly backlog: BacklogReporter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new LimiterStore(ctx.storage);
    this.backlog = new BacklogReporter(
      () => this.env,
      () => ({ source: `limiter:${ctx.id.toString()}`, kind: 'limiter' }),
    );
  }

  /**
   * Before a vendor call: one request from the bucket, a stream slot, and the reply's tokens
   * reserved. A refusal is counted (per day, reason and subject) for the operators' view.
   */
  async reserve(input: ReserveInput): Promise<Admission | Refusal> {
    // The log context never throws, whatever a caller sent: the method's own checks report bad input.
    return withLogContext({ requestId: input?.requestId, userId: input?.userId }, async () => {
      await this.ready(input.userId);
      const added = this.withInstructions(input);
      if (!added.ok) return added;
      const decision = this.decide(added.input);
      if (decision.ok) return added.text === undefined ? decision : { ...decision, ...added.text };
      const { reason, ...refused } = decision;
      this.countRefusal(input, reason);
      return refused;
    });
  }

  /**
   * The owner's custom instructions added to a reply that asks for them: their tokens join the
   * prompt, and the reply's room is what the context window leaves (400 when not even the minimum).
   */
  private withInstructions(
    input: ReserveInput,
  ):
    | { ok: true; input: ReserveInput; text?: { instructions: string; instructionTokens: number } }
    | (Refusal & { ok: false }) {
    const text = input.instructions ? this.store.instructions?.text : undefined;
    if (!text) return { ok: true, input };
    const instructionTokens = estimateTokens(text);
    const promptTokens = input.promptTokens + instructionTokens;
    const room = replyRoom(promptTokens, input.instructions!.contextWindow, input.maxOutputTokens);
    if (room === undefined)
      return {
        ok: false,
        status: 400,
        code: 'context_length_exceeded',
        message: `This message and your custom instructions are too long for the model: about ${promptTokens.toLocaleString('en')} tokens. Shorten them, or choose a model with a larger context window`,
      };
    return {
      ok: true,
      input: { ...input, promptTokens, maxOutputTokens: room },
      text: { instructions: text, instructionTokens },
    };
  }

  /** The owner saved their custom instructions (null: cleared): the next reply uses them. Repeating it, or an older save arriving late, changes nothing. */
  async setInstructions(userId: string, text: string | null, updatedAt: number): Promise<void> {
    await this.ready(userId);
    this.store.setInstructions({ text, updatedAt });
  }

  /** The decision itself: one synchronous turn, nothing awaited, so the check and the reservation are one. */
  private decide(input: ReserveInput): Admission | ReasonedRefusal {
    // From here on nothing is awaited: the check and the reservation are one turn.
    const now = Date.now();
    this.store.expire(now);
    if (now - this.sweptAt >= VISITOR_SWEEP_EVERY_MS) {
      this.sweptAt = now;
      // A turn later, like the store's own writes: this decision's answer never waits on the sweep's write.
      setTimeout(() => this.store.dropIdleBuckets('visitor:', Date.now() - VISITOR_IDLE_MS), 0);
    }
    const account = this.store.account!;
    const keyId = input.apiKeyHash === undefined ? undefined : this.store.keys.get(input.apiKeyHash);
    if (input.apiKeyHash !== undefined && keyId === undefined)
      return refusal('invalid_api_key', 401, 'invalid_api_key', INVALID_KEY);
    const limits = planLimits(account.tier, account.overrides);
    // A visitor is told what they can act on, never the owner's plan.
    const { visitor } = input;
    if (input.model && !planAllowsModel(limits, input.model.outputPricePerMillion)) {
      return refusal(
        'model_not_in_plan',
        403,
        'model_not_in_plan',
        visitor
          ? "This chat is not available right now: the site's model is not included in its owner's plan"
          : `${input.model.id} is not included in the ${account.tier} plan: choose another model or upgrade`,
      );
    }
    let bucket: { subject: string; bucket: ReturnType<typeof refill> } | undefined;
    if (input.rateLimit) {
      const subject = visitor ? `visitor:${visitor.id}` : keyId === undefined ? 'user' : `api_key:${keyId}`;
      const perMinute = visitor ? visitor.requestsPerMinute : limits.requestsPerMinute;
      bucket = { subject, bucket: refill(this.store.buckets.get(subject), perMinute, now) };
      if (bucket.bucket.tokens < 1) {
        const retryAfter = secondsUntilToken(bucket.bucket, perMinute);
        const message = visitor
          ? `You are sending messages too quickly: this chat allows ${perMinute} a minute. Try again in ${retryAfter} s`
          : `Too many requests: ${keyId === undefined ? 'your plan allows' : 'your plan allows each API key'} ${perMinute} a minute`;
        return refusal('requests_per_minute', 429, 'rate_limited', message, retryAfter);
      }
      // Visitors' replies and the owner's own have separate slots: visitors never lock the owner out.
      const streaming = this.streaming(visitor !== undefined);
      if (visitor && streaming >= limits.widgetConcurrentStreams)
        return refusal(
          'widget_concurrent_streams',
          429,
          'widget_busy',
          'This chat is busy answering other visitors: please try again in a moment',
          WIDGET_BUSY_RETRY_SECONDS,
        );
      if (!visitor && streaming >= limits.concurrentStreams) {
        return refusal(
          'concurrent_streams',
          429,
          'rate_limited',
          `${streaming} replies are already streaming: your plan allows ${limits.concurrentStreams} at once`,
          1,
        );
      }
      bucket = { subject: bucket.subject, bucket: { ...bucket.bucket, tokens: bucket.bucket.tokens - 1 } };
    }
    // What is left of the month, and of that what replies in progress do not hold.
    const left = limits.monthlyTokens === null ? null : Math.max(0, limits.monthlyTokens - account.used);
    const reserved = this.reserved();
    const monthly = outputBudget(left === null ? null : left - reserved, input.promptTokens, input.maxOutputTokens);
    if (!monthly) return quotaRefusal(left!, reserved, input, limits.monthlyTokens!, now);
    const daily = visitor ? this.siteBudget(visitor, input, now) : undefined;
    if (daily && !daily.ok) return daily.refusal;
    const budget = daily && daily.budget.tokens < monthly.tokens ? daily.budget : monthly;
    this.store.openReservation(
      {
        id: input.reservationId,
        tokens: input.promptTokens + budget.tokens,
        expiresAt: now + RESERVATION_TTL_MS,
        ...(visitor ? { siteId: visitor.siteId } : {}),
      },
      bucket,
    );
    return {
      ok: true,
      outputTokens: budget.tokens,
      boundedByQuota: budget.bounded,
      ...(keyId === undefined ? {} : { keyId }),
    };
  }

  /** Counts a refusal (a visitor's for their site too); its total is published a moment later with any others. */
  private countRefusal(input: ReserveInput, reason: RefusalReason) {
    const day = new Date().toISOString().slice(0, 10);
    this.store.countRefusal({
      userId: input.userId,
      day,
      reason,
      subjectType: input.visitor ? 'visitor' : input.apiKeyHash === undefined ? 'user' : 'api_key',
    });
    // A visitor's subject is `<site id>:<visitor id>`.
    const siteId = input.visitor?.id.split(':')[0];
    if (siteId) this.store.countSiteRefusal({ userId: input.userId, siteId, day, reason });
    this.publishSoon();
  }

  /**
   * Counts a refusal of one of this user's sites' visitors that was decided elsewhere (the site's
   * object refusing an origin, or any other path: worker/sites/site-refusals.ts), for the site's
   * owner. Reads nothing remote: published a moment later with the other totals.
   */
  async countSiteRefusal(userId: string, siteId: string, reason: string): Promise<void> {
    this.store.countSiteRefusal({ userId, siteId, day: new Date().toISOString().slice(0, 10), reason });
    this.publishSoon();
  }

  /** Publishes what is kept from the alarm, a moment from now (a timer would outlive the call that set it, outside any request). */
  private publishSoon() {
    if (this.publishScheduled) return;
    this.publishScheduled = true;
    const at = Date.now() + OPERATOR_FIGURES_DELAY_MS;
    void this.ctx.storage.getAlarm().then((set) => {
      if (set === null || set > at) return this.ctx.storage.setAlarm(at);
    });
  }

  /**
   * After the reply: what it really used is counted, and the rest of its reservation released.
   * Repeating it changes nothing. A caller without a store of its own (the stateless
   * /v1 API) hands over the reply's usage event too, and every reply its timings: they are kept
   * here until they are published.
   */
  async settle(userId: string, reservationId: string, usedTokens: number, records: SettleRecords = {}): Promise<void> {
    await this.ready(userId);
    this.store.settle(reservationId, Math.max(0, Math.round(usedTokens)), utcDay(Date.now()));
    const { usage, timing } = records ?? {};
    if (usage) this.store.keepUsage(usage.id, JSON.stringify(usage));
    // Its own key: a conversation's reply has the same id as its usage event.
    if (timing) this.store.keepUsage(`timing:${timing.id}`, JSON.stringify(timing));
    // A usage event (the bill) goes out at once; timings wait to go out with others.
    if (usage) void this.publishUsage();
    else if (timing) this.publishSoon();
  }

  /** The key id of one of the owner's live keys, or null: for requests that reserve nothing (lists, reads). */
  async verifyKey(userId: string, hash: string): Promise<string | null> {
    await this.ready(userId);
    return this.store.keys.get(hash) ?? null;
  }

  /** A key just created: it works from the moment this returns. */
  async registerKey(userId: string, key: { id: string; hash: string }): Promise<void> {
    await this.ready(userId);
    this.store.addKeys([key]);
  }

  /** A key revoked: refused from the moment this returns. */
  async revokeKey(userId: string, hash: string): Promise<void> {
    await this.ready(userId);
    this.store.removeKey(hash);
  }

  /** Publishes refusal totals, and retries publishing usage events that could not be published yet (and file changes not written yet). */
  async alarm() {
    this.publishScheduled = false;
    await Promise.all([this.publishUsage(), this.flushFiles()]);
  }

  /** The plan's file limits and what the owner's storage holds now: an upload is checked against them before its bytes are read. */
  async storage(userId: string): Promise<StorageState & { fileMaxBytes: number; filesPerMessage: number }> {
    await this.ready(userId);
    const plan = this.plan();
    return {
      usedBytes: this.store.files.usedBytes,
      limitBytes: plan.storageBytes,
      files: this.store.files.files.size,
      fileMaxBytes: plan.fileMaxBytes,
      filesPerMessage: plan.filesPerMessage,
    };
  }

  /**
   * An upload, counted in one turn (exact under concurrency): the same bytes uploaded again are the
   * file already kept (nothing more counted); a file over the plan's size (413) or past its storage
   * (409) is refused. Its row in Postgres is written behind.
   */
  async addFile(
    userId: string,
    file: StoredFile,
  ): Promise<{ ok: true; file: StoredFile; created: boolean } | FileRefusal> {
    await this.ready(userId);
    const kept = this.store.files.files.get(file.id);
    if (kept) return { ok: true, file: kept, created: false };
    const plan = this.plan();
    if (file.size > plan.fileMaxBytes)
      return {
        ok: false,
        status: 413,
        code: 'file_too_large',
        message: `A file is at most ${formatBytes(plan.fileMaxBytes)} on your plan; this one is ${formatBytes(file.size)}`,
      };
    const used = this.store.files.usedBytes;
    if (used + file.size > plan.storageBytes)
      return {
        ok: false,
        status: 409,
        code: 'storage_full',
        message: `Your files may take ${formatBytes(plan.storageBytes)} on your plan and take ${formatBytes(used)} now: this one (${formatBytes(file.size)}) does not fit. Delete conversations with files, or upgrade your plan`,
      };
    this.store.files.add(userId, file);
    void this.flushFiles();
    return { ok: true, file, created: true };
  }

  /** An upload whose bytes did not reach R2: taken out again, unless a message refers to it meanwhile. */
  async dropUpload(userId: string, id: string): Promise<void> {
    await this.ready(userId);
    if ((this.store.files.refs.get(id)?.size ?? 0) > 0) return;
    this.store.files.remove(userId, id);
    void this.flushFiles();
  }

  /**
   * The files a message in `conversationId` carries, by id: each must be one of the owner's, and no
   * more than the plan allows per message. The conversation then refers to them (they are deleted
   * with it, unless another conversation still refers to the same file).
   */
  async attachFiles(
    userId: string,
    conversationId: string,
    ids: string[],
  ): Promise<{ ok: true; files: StoredFile[] } | (FileRefusal & { status: 400 })> {
    await this.ready(userId);
    const plan = this.plan();
    const unique = [...new Set(ids)];
    if (unique.length > plan.filesPerMessage)
      return {
        ok: false,
        status: 400,
        code: 'too_many_files',
        message: `A message may carry at most ${plan.filesPerMessage} files on your plan; this one has ${unique.length}`,
      };
    const found: StoredFile[] = [];
    for (const id of unique) {
      const file = this.store.files.files.get(id);
      if (!file)
        return {
          ok: false,
          status: 400,
          code: 'unknown_file',
          message: `attachments: no file ${id} among your uploads (upload it with POST /api/files first)`,
        };
      found.push(file);
    }
    this.store.files.refer(unique, conversationId);
    return { ok: true, files: found };
  }

  /** A send refused after its files were checked: its conversation does not carry `ids` after all (the room passes those no stored message carries). */
  async unreferFiles(userId: string, conversationId: string, ids: string[]): Promise<void> {
    await this.ready(userId);
    this.store.files.unrefer(ids, conversationId);
  }

  /** A conversation deleted: the files only it referred to are deleted (storage freed now; R2 and Postgres behind). Repeating it changes nothing. */
  async releaseConversation(userId: string, conversationId: string): Promise<void> {
    await this.ready(userId);
    for (const id of this.store.files.release(conversationId)) this.store.files.remove(userId, id);
    void this.flushFiles();
  }

  /** The orphan sweep: uploads never attached to a message, older than `before` (epoch ms), are deleted. How many. */
  async sweepFiles(userId: string, before: number): Promise<number> {
    await this.ready(userId);
    const stale = this.store.files.unattachedBefore(before);
    for (const id of stale) this.store.files.remove(userId, id);
    if (stale.length > 0) await this.flushFiles();
    return stale.length;
  }

  /** Which of `ids` are in the owner's catalogue: the sweep never deletes an object its owner still counts. */
  async knownFiles(userId: string, ids: string[]): Promise<string[]> {
    await this.ready(userId);
    return ids.filter((id) => this.store.files.files.has(id));
  }

  private plan(): TierLimits {
    const account = this.store.account!;
    return planLimits(account.tier, account.overrides);
  }

  /** Writes the file changes behind: deleted files' R2 objects, then the rows, one transaction; retried by the alarm on failure. */
  private flushFiles(): Promise<void> {
    return (this.flushingFiles ??= (async () => {
      try {
        for (let rows = this.store.files.pending(100); rows.length > 0; rows = this.store.files.pending(100)) {
          const deletes = rows.flatMap(({ change }) =>
            change.op === 'delete' ? [fileKey(change.userId, change.id)] : [],
          );
          if (deletes.length > 0) await this.env.FILES.delete(deletes);
          await withDatabase(this.env, (db) =>
            transaction(db, (q) => {
              const [first, ...rest] = rows.flatMap(({ change }) =>
                change.op === 'upsert'
                  ? upsertFile(q, change.userId, change.file)
                  : [deleteFile(q, change.userId, change.id)],
              );
              return [first!, ...rest];
            }),
          );
          this.store.files.landed(rows);
        }
        this.filesRetryMs = PUBLISH_RETRY_MS[0];
      } catch (error) {
        log.warn('limiter: file changes not written, retrying', { retryInMs: this.filesRetryMs }, error);
        await this.ctx.storage.setAlarm(Date.now() + this.filesRetryMs);
        this.filesRetryMs = Math.min(this.filesRetryMs * 2, PUBLISH_RETRY_MS[1]);
      }
    })().finally(() => (this.flushingFiles = undefined)));
  }

  /** A tier change (a Stripe webhook) takes effect at once. */
  async setTier(userId: string, tier: Tier): Promise<void> {
    await this.ready(userId);
    this.store.setTier(tier);
  }

  async quota(userId: string): Promise<QuotaState> {
    await this.ready(userId);
    this.store.expire(Date.now());
    const account = this.store.account!;
    const plan = planLimits(account.tier, account.overrides);
    return {
      tier: account.tier,
      plan,
      limit: plan.monthlyTokens,
      used: account.used,
      reserved: this.reserved(),
      resetsAt: quotaPeriod(new Date()).end.toISOString(),
    };
  }

  /**
   * Sends kept usage events and timings, and refusal totals that grew, to the queue (or straight to
   * Postgres); on failure the alarm tries again, backing off.
   */
  private publishUsage(): Promise<void> {
    return (this.publishing ??= (async () => {
      try {
        // Refusal totals go with the first batch only: totals that grow meanwhile wait for their own timer.
        let refusals = this.store.unpublishedRefusals();
        let siteRefusals = this.store.unpublishedSiteRefusals();
        for (
          let rows = this.store.pendingUsage(PUBLISH_BATCH);
          rows.length > 0 || refusals.length > 0 || siteRefusals.length > 0;
        ) {
          await publishUsage(this.env, [
            ...rows.map((row) => JSON.parse(row.body) as QueueMessage),
            ...refusals.map(refusalMessage),
            ...siteRefusals.map(siteRefusalMessage),
          ]);
          this.store.dropUsage(rows.map((row) => row.id));
          this.store.refusalsPublished(refusals);
          this.store.siteRefusalsPublished(siteRefusals);
          refusals = [];
          siteRefusals = [];
          rows = this.store.pendingUsage(PUBLISH_BATCH);
        }
        this.publishDelayMs = PUBLISH_RETRY_MS[0];
        this.backlog.landed();
      } catch (error) {
        log.warn('limiter: usage not published, retrying', { retryInMs: this.publishDelayMs }, error);
        this.backlog.failing(this.store.pendingUsageCount());
        await this.ctx.storage.setAlarm(Date.now() + this.publishDelayMs);
        this.publishDelayMs = Math.min(this.publishDelayMs * 2, PUBLISH_RETRY_MS[1]);
      }
    })().finally(() => (this.publishing = undefined)));
  }

  private reserved(siteId?: string): number {
    let sum = 0;
    for (const reservation of this.store.open.values())
      if (siteId === undefined || reservation.siteId === siteId) sum += reservation.tokens;
    return sum;
  }

  /** Replies streaming now: widget visitors' (`widget`), or the owner's own (app and API). */
  private streaming(widget: boolean): number {
    let count = 0;
    for (const reservation of this.store.open.values()) if ((reservation.siteId !== undefined) === widget) count++;
    return count;
  }

  /**
   * What the site's daily token budget leaves this visitor's reply: today's settled tokens and the
   * site's replies in progress count against it, so concurrent replies never overrun it. Spent:
   * refused until midnight UTC; held by replies in progress: busy, retry shortly.
   */
  private siteBudget(
    visitor: VisitorLimits,
    input: ReserveInput,
    now: number,
  ): { ok: true; budget: { tokens: number; bounded: boolean } } | { ok: false; refusal: ReasonedRefusal } {
    const left = Math.max(0, visitor.dailyTokenBudget - this.store.siteUsed(visitor.siteId, utcDay(now)));
    const budget = outputBudget(left - this.reserved(visitor.siteId), input.promptTokens, input.maxOutputTokens);
    if (budget) return { ok: true, budget };
    if (outputBudget(left, input.promptTokens, input.maxOutputTokens))
      return {
        ok: false,
        refusal: refusal(
          'site_daily_budget_in_use',
          429,
          'widget_busy',
          'This chat is busy answering other visitors: please try again in a moment',
          RESERVATION_RETRY_SECONDS,
        ),
      };
    const tomorrow = new Date(`${utcDay(now)}T00:00:00Z`).getTime() + 86_400_000;
    return {
      ok: false,
      refusal: refusal(
        'site_daily_budget_spent',
        429,
        'site_daily_budget_spent',
        'This chat has answered all it can for today: please come back tomorrow',
        Math.max(1, Math.ceil((tomorrow - now) / 1000)),
      ),
    };
  }

  /** Seeds the period from Postgres when it starts (once; concurrent callers wait for the same seed). */
  private async ready(userId: string) {
    const periodStart = quotaPeriod(new Date()).start.getTime();
    const account = this.store.account;
    // A Limiter from before instructions were kept (or never seeded) is seeded again, once: its
    // first reply waits on that one read, so it never answers without the owner's instructions.
    const known = account?.seeded === true && this.store.instructions !== undefined;
    if (account?.periodStart === periodStart && (known || Date.now() < this.seedRetryAt)) return;
    await (this.seeding ??= this.seed(userId, periodStart).finally(() => (this.seeding = undefined)));
  }

  private async seed(userId: string, periodStart: number) {
    const carried = this.store.account?.periodStart === periodStart ? this.store.account : undefined;
    try {
      const seed = await withDatabase(this.env, (db) => quotaSeed(db, userId, new Date(periodStart)));
      // Tokens settled here before the seed landed were recorded in Postgres too (or are on their way): the larger count wins.
      this.store.startPeriodKeeping(
        {
          tier: seed.tier,
          overrides: seed.overrides,
          periodStart,
          used: Math.max(seed.used, carried?.used ?? 0),
          seeded: true,
        },
        carried !== undefined,
      );
      // Added, never removed: a revocation reaches this object before Postgres (see keys.ts).
      this.store.addKeys(seed.keys);
      this.store.setInstructions(seed.instructions);
    } catch (error) {
      // Postgres is away: decide on what is known (the tier last seen, or free) and seed on a later call.
      log.warn('limiter: not seeded, deciding on what is known', {}, error);
      this.seedRetryAt = Date.now() + SEED_RETRY_MS;
      if (!carried)
        this.store.startPeriodKeeping(
          {
            tier: this.store.account?.tier ?? 'free',
            overrides: this.store.account?.overrides ?? null,
            periodStart,
            used: 0,
            seeded: false,
          },
          false,
        );
    }
  }
}

/** How long a reply in progress usually takes to settle and give back what it did not use. */
const RESERVATION_RETRY_SECONDS = 5;
/** A widget whose reply slots are all taken: a visitor's reply usually ends within seconds. */
const WIDGET_BUSY_RETRY_SECONDS = 5;

/** The UTC day of `now`, `YYYY-MM-DD`: a site's daily budget starts again at midnight UTC. */
const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

/**
 * Why a reply does not fit, told truthfully: tokens held by replies in progress come back when they
 * settle (429, retry shortly, with how much is left); otherwise what is left is too little for this
 * prompt and a useful reply (402, with the number), and "used up" only when nothing is left.
 */
function quotaRefusal(
  left: number,
  reserved: number,
  input: ReserveInput,
  limit: number,
  now: number,
): ReasonedRefusal {
  const tokens = (n: number) => n.toLocaleString('en');
  // A visitor is told what they can act on, never the owner's numbers.
  if (outputBudget(left, input.promptTokens, input.maxOutputTokens))
    return refusal(
      'quota_in_use',
      429,
      'quota_in_use',
      input.visitor
        ? 'This chat is busy answering others right now: try again in a moment'
        : `Replies in progress hold ${tokens(reserved)} of the ${tokens(left)} tokens left this month: try again in a few seconds, when they have finished`,
      RESERVATION_RETRY_SECONDS,
    );
  const resetsAt = quotaPeriod(new Date(now)).end.toISOString();
  return refusal(
    'quota_exceeded',
    402,
    'quota_exceeded',
    input.visitor
      ? 'This chat has reached its limit for this month and cannot answer right now: please try again later'
      : left === 0
        ? `This month's ${tokens(limit)} tokens are used up: the quota resets at ${resetsAt}, or upgrade your plan`
        : `Only ${tokens(left)} tokens are left this month, too few for this prompt (about ${tokens(input.promptTokens)}) and a reply: shorten it, wait until the quota resets at ${resetsAt}, or upgrade your plan`,
  );
}

/** A refusal, with the reason the operators' view counts it under (finer than its code). */
type ReasonedRefusal = Refusal & { reason: RefusalReason };

function refusal(
  reason: RefusalReason,
  status: Refusal['status'],
  code: Refusal['code'],
  message: string,
  retryAfterSeconds?: number,
): ReasonedRefusal {
  return {
    ok: false,
    reason,
    status,
    code,
    message,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

function refusalMessage({ published: _, ...total }: RefusalTotal): RefusalCountMessage {
  return { kind: 'refusals', ...total };
}

const siteRefusalMessage = (total: SiteRefusalTotal): QueueMessage => ({ kind: 'site-refusals', ...total });
