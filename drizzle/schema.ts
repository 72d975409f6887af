// The whole data model. Every user table has Row Level Security: a signed-in user (role
// `authenticated`) reads their own rows through auth.uid() and writes nothing, since Supabase's Data
// API hands that same role to anyone holding the user's JWT (migration 0004 grants it SELECT only).
// Every write is the Worker's, as the owner role, which RLS does not restrict (worker/db).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgPolicy,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { authenticatedRole, authUid } from 'drizzle-orm/supabase';

const id = () => uuid('id').primaryKey().defaultRandom();
const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow();
const cost = (name: string) => numeric(name, { precision: 16, scale: 8 }).notNull().default('0');
/**
 * Postgres's text search document. Only the search columns below have this type: each is generated
 * by Postgres from the row's text (never written), and read only inside search queries (worker/db/search.ts).
 */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** The text search configuration of every search column and query: English stemming ("replies" finds "reply"). */
export const SEARCH_CONFIG = 'english';
const ownedBy = (column: { name: string }) => sql`${sql.identifier(column.name)} = ${authUid}`;

/** A table's one policy: its owner (through `user_id`) reads their own rows. */
const ownerReads = (table: string, owner: { name: string }) =>
  pgPolicy(`${table}_owner_select`, { for: 'select', to: authenticatedRole, using: ownedBy(owner) });

export const TIERS = ['free', 'pro', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

export const profiles = pgTable(
  'profiles',
  {
    id: uuid('id').primaryKey(),
    email: text('email'),
    displayName: text('display_name'),
    tier: text('tier', { enum: TIERS }).notNull().default('free'),
    // Per-user limits that replace the tier's (an enterprise contract): any of monthlyTokens,
    // requestsPerMinute, concurrentStreams, maxOutputPricePerMillion. Written by the service role only.
    limits: jsonb('limits').$type<Record<string, number | null>>(),
    // The user's custom instructions, put before every reply of their own chats (never a widget
    // visitor's or the API's). Their Limiter keeps a copy, so a reply never reads them here.
    customInstructions: text('custom_instructions'),
    customInstructionsUpdatedAt: timestamp('custom_instructions_updated_at', { withTimezone: true, precision: 3 }),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    subscriptionStatus: text('subscription_status'),
    // When the subscription fields were last read from Stripe: a webhook applies Stripe's state only
    // if it read it later than what is stored, so two deliveries racing cannot put back an older one.
    subscriptionCheckedAt: timestamp('subscription_checked_at', { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('profiles_stripe_customer_idx').on(t.stripeCustomerId),
    check('profiles_tier_check', sql`${t.tier} in ('free', 'pro', 'enterprise')`),
    // Read-only to its owner: the tier and Stripe fields are written by the service role only.
    pgPolicy('profiles_owner_select', { for: 'select', to: authenticatedRole, using: sql`${t.id} = ${authUid}` }),
  ],
).enableRLS();

/** Why a site's model was changed for its owner (sites.model_notice). */
export type SiteModelNotice = { from: string; to: string; tier: Tier; at: string };

export const sites = pgTable(
  'sites',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    publicKey: text('public_key').notNull(),
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    model: text('model'),
    systemPrompt: text('system_prompt'),
    // Shown by the widget before the visitor's first message; null: none.
    greeting: text('greeting'),
    theme: jsonb('theme').$type<Record<string, string>>().notNull().default({}),
    // Each visitor's own rate limit; replies at once and the quota stay the owner's.
    visitorRequestsPerMinute: integer('visitor_requests_per_minute').notNull().default(10),
    // Visitors' conversations inactive this many days are deleted (room and rows) by the hourly
    // retention job (worker/jobs/visitor-retention.ts); null: kept until deleted by hand.
    retentionDays: integer('retention_days'),
    // Set when a plan change switched the site's model to one the new plan includes (migration
    // 0018): what it was, what it is now, the tier and when. Shown on the Sites page until the owner
    // chooses a model; the owner's email about it is claimed in `notifications`.
    modelNotice: jsonb('model_notice').$type<SiteModelNotice>(),
    // Abuse limits the owner sets (issue 23): widget sessions a minute from one IP address,
    // conversations an hour per visitor, and tokens a UTC day for the whole site.
    sessionsPerIpPerMinute: integer('sessions_per_ip_per_minute').notNull().default(10),
    conversationsPerVisitorPerHour: integer('conversations_per_visitor_per_hour').notNull().default(20),
    dailyTokenBudget: integer('daily_token_budget').notNull().default(200_000),
    // Cloudflare Turnstile before a visitor's first session (migration 0016): both set, or neither.
    // The secret is never returned by Parley's API nor readable by the owner's JWT (column grants).
    turnstileSiteKey: text('turnstile_site_key'),
    turnstileSecret: text('turnstile_secret'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sites_public_key_idx').on(t.publicKey),
    index('sites_user_idx').on(t.userId, t.createdAt),
    check('sites_visitor_rate_check', sql`${t.visitorRequestsPerMinute} between 1 and 600`),
    check('sites_retention_days_check', sql`${t.retentionDays} between 1 and 3650`),
    check('sites_sessions_per_ip_check', sql`${t.sessionsPerIpPerMinute} between 1 and 1000`),
    check('sites_conversations_per_visitor_check', sql`${t.conversationsPerVisitorPerHour} between 1 and 1000`),
    check('sites_daily_token_budget_check', sql`${t.dailyTokenBudget} between 1000 and 1000000000`),
    check('sites_turnstile_check', sql`(${t.turnstileSiteKey} is null) = (${t.turnstileSecret} is null)`),
    ownerReads('sites', t.userId),
  ],
).enableRLS();

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    title: text('title'),
    model: text('model'),
    systemPrompt: text('system_prompt'),
    // Sampling for every reply of the conversation; null: the model's default (temperature) or the
    // most the model and Parley allow (max_reply_tokens).
    temperature: real('temperature'),
    maxReplyTokens: integer('max_reply_tokens'),
    // Set for conversations started by a widget visitor on one of the owner's sites. A deleted site
    // leaves its conversations to the owner (site_id null, visitor_id kept): their rooms still hold
    // them and write them behind, which a cascade would fight and a foreign key would refuse.
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    visitorId: text('visitor_id'),
    // The last message of the branch in view (messages form a tree: see messages.parent_id); null
    // reads as the newest message's branch. No foreign key: the room writes the conversation before
    // its messages in each flush, and the message it names may land in the same batch.
    branchLeafId: uuid('branch_leaf_id'),
    // Pinned by its owner (shown above the rest); null when not pinned.
    pinnedAt: timestamp('pinned_at', { withTimezone: true, precision: 3 }),
    // When its last message was sent (its creation until then): lists are in this order, so a
    // rename or a pin, which change updated_at, never move a conversation.
    activeAt: timestamp('active_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    // The title as a text search document (migration 0011).
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('english'::regconfig, coalesce(title, ''))`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The owner's own list, newest activity first (visitors' conversations are listed per site).
    index('conversations_user_active_idx').on(t.userId, t.activeAt.desc(), t.id.desc()).where(sql`visitor_id is null`),
    index('conversations_site_visitor_idx').on(t.siteId, t.visitorId),
    // A site's visitors' conversations, newest activity first: the owner's site view, its top
    // questions (the last 30 days) and the retention job (the oldest) read this (migration 0017).
    index('conversations_site_active_idx')
      .on(t.siteId, t.activeAt.desc(), t.id.desc())
      .where(sql`visitor_id is not null`),
    index('conversations_search_idx').using('gin', t.search),
    ownerReads('conversations', t.userId),
  ],
).enableRLS();

export const MESSAGE_ROLES = ['user', 'assistant'] as const;
export const MESSAGE_STATUSES = ['streaming', 'complete', 'stopped', 'error'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    // Denormalised owner so RLS is one comparison, not a join per row.
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    // The message this one follows (null for a first message): a regenerate adds a reply beside
    // another with the same parent, an edit a user message beside the one edited. No foreign key,
    // so the write-behind never stalls on the order rows land in; the room keeps the tree whole.
    parentId: uuid('parent_id'),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull(),
    // The model that answered, and the model the reply was asked of (another when the first failed
    // and a fallback answered; null for a user's message and for replies stored before migration 0014).
    model: text('model'),
    requestedModel: text('requested_model'),
    provider: text('provider'),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    stopReason: text('stop_reason'),
    errorCode: text('error_code'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    costUsd: cost('cost_usd'),
    timeToFirstTokenMs: integer('time_to_first_token_ms'),
    durationMs: integer('duration_ms'),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    // The files a user's message carries (issue 24, migration 0019): [{id, name, mediaType, kind, size, url}]; null when none.
    attachments: jsonb('attachments').$type<MessageAttachment[]>(),
    // The text as a text search document (migration 0011).
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('english'::regconfig, content)`),
  },
  (t) => [
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt, t.id),
    // A user's messages newest first: what a search for a common word reads until it has enough (migration 0011).
    index('messages_user_created_idx').on(t.userId, t.createdAt.desc()),
    index('messages_search_idx').using('gin', t.search),
    check('messages_role_check', sql`${t.role} in ('user', 'assistant')`),
    check('messages_status_check', sql`${t.status} in ('streaming', 'complete', 'stopped', 'error')`),
    ownerReads('messages', t.userId),
  ],
).enableRLS();

/** A file on a user's message, as the API shows it (worker/files/types.ts). */
export type MessageAttachment = {
  id: string;
  name: string;
  mediaType: string;
  kind: 'image' | 'pdf' | 'text';
  size: number;
  url: string;
};

// A user's uploaded files (issue 24, migration 0019): a copy of their Limiter's catalogue, written
// behind. The bytes are in R2 under users/<user_id>/<id>; `id` is their SHA-256, so the same bytes
// uploaded twice are one row. `conversation_id` is the conversation the file was first attached in
// (null: never attached, which the orphan sweep deletes after a day). No foreign key to it: rows
// land behind, in whatever order, and a conversation's deletion deletes its files explicitly.
export const files = pgTable(
  'files',
  {
    id: text('id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    kind: text('kind', { enum: ['image', 'pdf', 'text'] }).notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    conversationId: uuid('conversation_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.id] }),
    index('files_unattached_idx').on(t.createdAt).where(sql`conversation_id is null`),
    index('files_conversation_idx').on(t.conversationId),
    ownerReads('files', t.userId),
  ],
).enableRLS();

export const SUBJECT_TYPES = ['user', 'api_key', 'visitor'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // First characters of the secret, shown in lists so people can tell keys apart.
    prefix: text('prefix').notNull(),
    // SHA-256 of the secret; the secret itself is shown once and never stored.
    keyHash: text('key_hash').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_keys_hash_idx').on(t.keyHash),
    index('api_keys_user_idx').on(t.userId, t.createdAt),
    ownerReads('api_keys', t.userId),
  ],
).enableRLS();

/** One row per billable reply. `id` is minted by the producer, so a redelivered queue message is a no-op. */
export const usageEvents = pgTable(
  'usage_events',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    subjectType: text('subject_type', { enum: SUBJECT_TYPES }).notNull(),
    subjectId: text('subject_id').notNull(),
    conversationId: uuid('conversation_id'),
    messageId: uuid('message_id'),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    costUsd: cost('cost_usd'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    // The widget site of a visitor's event (its subject is `<site id>:<visitor id>`), null for any
    // other: generated by Postgres, so every producer's event carries it (migration 0017).
    siteId: uuid('site_id').generatedAlwaysAs(
      sql`case when subject_type = 'visitor' and subject_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:' then split_part(subject_id, ':', 1)::uuid end`,
    ),
  },
  (t) => [
    index('usage_events_user_occurred_idx').on(t.userId, t.occurredAt),
    // A site's usage by day, for its owner (migration 0017).
    index('usage_events_site_occurred_idx').on(t.siteId, t.occurredAt).where(sql`site_id is not null`),
    index('usage_events_occurred_idx').on(t.occurredAt),
    // The hourly roll-up finds what arrived since its last look by arrival time (jobs/aggregate-usage.ts).
    index('usage_events_created_idx').on(t.createdAt),
    check('usage_events_subject_check', sql`${t.subjectType} in ('user', 'api_key', 'visitor')`),
    ownerReads('usage_events', t.userId),
  ],
).enableRLS();

export const usageDaily = pgTable(
  'usage_daily',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    day: date('day').notNull(),
    model: text('model').notNull(),
    requests: integer('requests').notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: cost('cost_usd'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.model] }), ownerReads('usage_daily', t.userId)],
).enableRLS();

/** Stripe webhook events already handled; Stripe retries, so each is processed once. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
}).enableRLS();

/** Usage reported to Stripe's meter, one row per user and period; `identifier` makes Stripe dedupe resends. */
export const usageReports = pgTable(
  'usage_reports',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    tokens: bigint('tokens', { mode: 'number' }).notNull(),
    costUsd: cost('cost_usd'),
    identifier: text('identifier').notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('usage_reports_user_period_idx').on(t.userId, t.periodStart),
    uniqueIndex('usage_reports_identifier_idx').on(t.identifier),
    ownerReads('usage_reports', t.userId),
  ],
).enableRLS();

/** Emails sent (quota warnings), one per user, kind and period, so a rerun never sends twice. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    period: text('period').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notifications_user_kind_period_idx').on(t.userId, t.kind, t.period),
    ownerReads('notifications', t.userId),
  ],
).enableRLS();

/**
 * Messages of the usage dead-letter queue that are no usage event Parley can read, even now (a
 * producer's bug): kept here, keyed by queue message id, so nothing outlives the queue's retention
 * unseen. Read by operators with the owner role; the API roles see nothing (migration 0006).
 */
export const deadLetters = pgTable('dead_letters', {
  messageId: text('message_id').primaryKey(),
  queue: text('queue').notNull(),
  reason: text('reason').notNull(),
  body: jsonb('body'),
  receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
}).enableRLS();

/** Each cron job's last run, one row per job (worker/jobs/cron.ts writes it): the operators' health view reads it. */
export const cronRuns = pgTable('cron_runs', {
  job: text('job').primaryKey(),
  cron: text('cron').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
  durationMs: integer('duration_ms').notNull(),
  ok: boolean('ok').notNull(),
  /** What the job said it did, or the error's class and code. */
  outcome: jsonb('outcome').$type<Record<string, unknown>>(),
}).enableRLS();

/**
 * Widget traffic per site and UTC day, rolled up hourly from visitors' usage events with the
 * per-user roll-up (worker/jobs/aggregate-usage.ts): the operators' view reads it. No foreign key:
 * a deleted site's traffic stays counted.
 */
export const siteUsageDaily = pgTable(
  'site_usage_daily',
  {
    siteId: uuid('site_id').notNull(),
    day: date('day').notNull(),
    requests: integer('requests').notNull().default(0),
    visitors: integer('visitors').notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: cost('cost_usd'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.day] })],
).enableRLS();

export const REPLY_SURFACES = ['chat', 'widget', 'v1'] as const;
export type ReplySurface = (typeof REPLY_SURFACES)[number];

/**
 * One row per reply (any status) from every surface: how long it took, how it ended, and where.
 * Written behind through the usage queue (worker/usage/reply-timing.ts) and rolled up hourly into
 * reply_timing_daily, which the operators' view reads. No user: speed is about Parley, not a person.
 */
export const replyTimings = pgTable(
  'reply_timings',
  {
    id: uuid('id').primaryKey(),
    surface: text('surface', { enum: REPLY_SURFACES }).notNull(),
    /** The model asked for; `answeredBy` differs when a fallback answered. */
    model: text('model').notNull(),
    answeredBy: text('answered_by').notNull(),
    status: text('status').notNull(),
    errorCode: text('error_code'),
    /** From the reply's admission to its first token; null when none came. */
    ttftMs: integer('ttft_ms'),
    durationMs: integer('duration_ms').notNull(),
    colo: text('colo'),
    version: text('version').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('reply_timings_created_idx').on(t.createdAt), index('reply_timings_occurred_idx').on(t.occurredAt)],
).enableRLS();

/** Replies per UTC day, model and deployed version: counts, and exact percentiles of their timings. */
export const replyTimingDaily = pgTable(
  'reply_timing_daily',
  {
    day: date('day').notNull(),
    model: text('model').notNull(),
    version: text('version').notNull(),
    replies: integer('replies').notNull(),
    errors: integer('errors').notNull(),
    stopped: integer('stopped').notNull(),
    fallbacks: integer('fallbacks').notNull(),
    ttftP50: integer('ttft_p50'),
    ttftP95: integer('ttft_p95'),
    ttftP99: integer('ttft_p99'),
    durationP50: integer('duration_p50').notNull(),
    durationP95: integer('duration_p95').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.day, t.model, t.version] })],
).enableRLS();

/**
 * Requests the Limiter refused, per user, UTC day, reason and subject type: running totals the
 * Limiter publishes (a later total replaces an earlier one, never adds to it). No foreign key: a
 * refusal may be counted before its user's profile exists.
 */
export const refusalsDaily = pgTable(
  'refusals_daily',
  {
    userId: uuid('user_id').notNull(),
    day: date('day').notNull(),
    reason: text('reason').notNull(),
    subjectType: text('subject_type', { enum: SUBJECT_TYPES }).notNull(),
    count: integer('count').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.reason, t.subjectType] })],
).enableRLS();

/**
 * Refusals of one widget site's visitors, per UTC day and reason (the Limiter's reasons, the site's
 * own such as origin_not_allowed, and any a later refusal path counts): running totals the owner's
 * Limiter publishes (worker/sites/site-refusals.ts), the larger kept. Its owner reads them (the site
 * view); no foreign key, so a deleted site's figures stay, as in site_usage_daily.
 */
export const siteRefusalsDaily = pgTable(
  'site_refusals_daily',
  {
    userId: uuid('user_id').notNull(),
    siteId: uuid('site_id').notNull(),
    day: date('day').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.day, t.reason] }), ownerReads('site_refusals_daily', t.userId)],
).enableRLS();

/** Invoices Stripe says were paid (invoice.paid), once each: the operators' revenue. Amounts in the currency's minor unit. */
export const invoices = pgTable('invoices', {
  id: text('id').primaryKey(),
  userId: uuid('user_id'),
  customerId: text('customer_id'),
  amountPaid: bigint('amount_paid', { mode: 'number' }).notNull(),
  currency: text('currency').notNull(),
  paidAt: timestamp('paid_at', { withTimezone: true, precision: 3 }).notNull(),
  createdAt: createdAt(),
}).enableRLS();

/** Every change of a profile's tier, recorded by a trigger on profiles (migration 0009): conversions. */
export const tierChanges = pgTable(
  'tier_changes',
  {
    id: id(),
    userId: uuid('user_id').notNull(),
    fromTier: text('from_tier', { enum: TIERS }).notNull(),
    toTier: text('to_tier', { enum: TIERS }).notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('tier_changes_changed_idx').on(t.changedAt)],
).enableRLS();

/** A message as a share link shows it: what a reader sees, nothing of tokens, cost or ids. */
export type SharedMessage = {
  role: (typeof MESSAGE_ROLES)[number];
  content: string;
  model: string | null;
  createdAt: string;
};

/**
 * Share links: a read-only public page of a conversation as it was when shared (a snapshot, not a
 * live view), at /s/<token>. The owner reads their own rows (and so their links); the public page
 * reads by token as the Worker. Revoking keeps the row (its page then says so) but drops the
 * snapshot; deleting the conversation deletes its links.
 */
export const shares = pgTable(
  'shares',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => profiles.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    // 128 random bits, base64url: the link's only secret.
    token: text('token').notNull(),
    title: text('title'),
    // Null once revoked: nothing of the conversation outlives its link.
    messages: jsonb('messages').$type<SharedMessage[]>(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('shares_token_idx').on(t.token),
    index('shares_user_created_idx').on(t.userId, t.createdAt),
    index('shares_conversation_idx').on(t.conversationId),
    ownerReads('shares', t.userId),
  ],
).enableRLS();
