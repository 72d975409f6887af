// The transport contract: every database module gives the same answers over both transports —
// Neon's HTTP driver (through the gateway in front of each backend) and node-postgres over a
// Hyperdrive binding (TCP) — on every backend this machine has (PGlite, server Postgres, the
// Supabase-shaped database). What differs between the drivers is how values come back (a
// timestamp as a Date or a string, a bigint or numeric as a number or a string, a batch's results)
// and how failures read; each case asserts on the values a caller uses, so a driver that answers
// differently fails here instead of in a route. The integration suites run on one transport; this
// one runs every module on all of them.
import { env } from 'cloudflare:workers';
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { cronRuns, profiles, siteUsageDaily, stripeEvents, usageDaily, usageEvents } from '../../drizzle/schema.ts';
import {
  deleteApiKey,
  findApiKey,
  insertApiKey,
  listApiKeys,
  markApiKeyRevoked,
  touchApiKey,
} from '../../worker/db/api-keys.ts';
import { createDb, closeDatabase, type DatabaseEnv, type Db, transaction } from '../../worker/db/client.ts';
import { searchConversations } from '../../worker/db/search.ts';
import { findShareByToken, insertShare, listShares, revokeShare } from '../../worker/db/shares.ts';
import { MATCH_END, MATCH_START } from '../../worker/search/highlight.ts';
import {
  type Conversation,
  deleteConversation,
  deleteMessage,
  listConversationsForUser,
  loadConversation,
  type Message,
  upsertConversation,
  upsertMessage,
} from '../../worker/db/conversations.ts';
import { isDatabaseUnavailable, postgresError } from '../../worker/db/errors.ts';
import { ensureProfile, getOwnProfile } from '../../worker/db/profiles.ts';
import {
  deleteSite,
  findSite,
  insertSite,
  listSites,
  loadSiteByKey,
  sitesOfOwner,
  switchSiteModel,
  updateSite,
} from '../../worker/db/sites.ts';
import {
  ingestDeadLetters,
  ingestQueueBatch,
  ingestUsageEvents,
  type UsageEventRecord,
} from '../../worker/db/usage-events.ts';
import { aggregateTimings } from '../../worker/jobs/aggregate-timings.ts';
import { opsPerformance } from '../../worker/ops/performance.ts';
import { opsRevenue } from '../../worker/ops/revenue.ts';
import { dailyUsageForUser } from '../../worker/db/usage.ts';
import { asOperator } from '../../worker/db/as-operator.ts';
import { opsMetrics } from '../../worker/ops/metrics.ts';
import { opsHealth } from '../../worker/ops/health.ts';
import { recordCronRun } from '../../worker/db/cron-runs.ts';
import { aggregateSiteUsage, aggregateUsage } from '../../worker/jobs/aggregate-usage.ts';
import { quotaSeed } from '../../worker/usage/quota.ts';
import {
  alreadyProcessed,
  applySubscription,
  claimCustomer,
  forgetCustomer,
  markProcessed,
  profileByCustomer,
} from '../../billing/store.ts';

const bindings = env as unknown as Record<string, { connectionString: string } | undefined>;
const httpEndpoints = inject('dbEndpoints');
const tcpUrls = inject('hyperdriveUrls');

/** Every backend over HTTP, and over Hyperdrive where this project binds one (HYPERDRIVE_<BACKEND>). */
const transports: [string, DatabaseEnv][] = [
  ...Object.entries(httpEndpoints).map(([backend, endpoint]): [string, DatabaseEnv] => [
    `${backend} over neon-http`,
    { DATABASE_URL: env.DATABASE_URL, DATABASE_HTTP_ENDPOINT: endpoint },
  ]),
  ...Object.keys(tcpUrls)
    .filter((backend) => bindings[`HYPERDRIVE_${backend.toUpperCase()}`])
    .map((backend): [string, DatabaseEnv] => [
      `${backend} over hyperdrive`,
      { DATABASE_URL: env.DATABASE_URL, HYPERDRIVE: bindings[`HYPERDRIVE_${backend.toUpperCase()}`] },
    ]),
];

it('runs on both transports', () => {
  const labels = transports.map(([label]) => label);
  expect(labels.some((label) => label.endsWith('neon-http'))).toBe(true);
  expect(labels.some((label) => label.endsWith('hyperdrive'))).toBe(true);
});

describe.each(transports)('database modules (%s)', (_transport, databaseEnv) => {
  let db: Db;
  const claims = () => ({ sub: crypto.randomUUID(), email: 'owner@example.com' });

  beforeAll(() => {
    db = createDb(databaseEnv);
    return () => closeDatabase(db);
  });

  it('profiles: created on first sight, read back under RLS with a Date and the free tier', async () => {
    const user = claims();
    await ensureProfile(db, user.sub, user.email);
    const profile = await getOwnProfile(db, user);
    expect(profile).toMatchObject({ id: user.sub, email: user.email, tier: 'free', limits: null });
    expect(profile?.createdAt).toBeInstanceOf(Date);
  });

  it('api keys: newest first, touched at most once a minute, revoked and deleted', async () => {
    const user = claims();
    await ensureProfile(db, user.sub, user.email);
    const first = await insertApiKey(db, user, { name: 'first', prefix: 'pk_1', hash: crypto.randomUUID() });
    const second = await insertApiKey(db, user, { name: 'second', prefix: 'pk_2', hash: crypto.randomUUID() });
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(first.lastUsedAt).toBeNull();
    expect((await listApiKeys(db, user)).map((key) => key.name)).toEqual(['second', 'first']);

    const now = new Date();
    await touchApiKey(db, first.id, now);
    await touchApiKey(db, first.id, new Date(now.getTime() + 30_000));
    const [, touched] = await listApiKeys(db, user);
    expect(touched?.lastUsedAt?.getTime()).toBe(now.getTime());

    await markApiKeyRevoked(db, user, first.id);
    expect((await findApiKey(db, user, first.id))?.revokedAt).toBeInstanceOf(Date);
    expect((await listApiKeys(db, user)).map((key) => key.name)).toEqual(['second']);
    await deleteApiKey(db, user, second.id);
    expect(await findApiKey(db, user, second.id)).toBeUndefined();
    expect(await findApiKey(db, claims(), first.id)).toBeUndefined();
  });

  it('conversations: upserts in one transaction land once, page by cursor, search titles and load in order', async () => {
    const user = claims();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
    const conversationsMade: Conversation[] = ['Plans for 100% of Q1', 'Plans_b', 'Lunch'].map((title, i) => ({
      id: crypto.randomUUID(),
      userId: user.sub,
      title,
      model: 'anthropic/claude-sonnet-4-5',
      systemPrompt: null,
      temperature: null,
      maxReplyTokens: null,
      siteId: null,
      visitorId: null,
      branchLeafId: null,
      pinnedAt: null,
      activeAt: at(i),
      createdAt: at(i),
      // Renamed later than the others were active: the list is in order of activity all the same.
      updatedAt: at(30 - i),
    }));
    const [conversation] = conversationsMade as [Conversation];
    const message = (
      role: 'user' | 'assistant',
      minute: number,
      content: string,
      parentId: string | null = null,
    ): Message => ({
      id: crypto.randomUUID(),
      attachments: null,
      conversationId: conversation.id,
      userId: user.sub,
      parentId,
      role,
      content,
      model: role === 'assistant' ? conversation.model : null,
      requestedModel: role === 'assistant' ? conversation.model : null,
      provider: role === 'assistant' ? 'anthropic' : null,
      status: 'complete',
      stopReason: null,
      errorCode: null,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      costUsd: '0',
      timeToFirstTokenMs: null,
      durationMs: null,
      createdAt: at(minute),
      completedAt: null,
    });
    const question = message('user', 10, 'hello');
    const answer = { ...message('assistant', 11, 'hi', question.id), outputTokens: 7, costUsd: '0.00010500' };
    const writeAll = () =>
      transaction(db, (q) => [
        ...upsertConversation(q, { ...conversation, branchLeafId: answer.id }, user.email),
        ...conversationsMade.slice(1).flatMap((c) => upsertConversation(q, c, user.email)),
        upsertMessage(q, question),
        upsertMessage(q, answer),
      ]);
    await writeAll();
    await writeAll(); // a flush repeated after a crash changes nothing

    const firstPage = await listConversationsForUser(db, user, { limit: 2 });
    expect(firstPage.hasMore).toBe(true);
    expect(firstPage.items.map((c) => c.title)).toEqual(['Lunch', 'Plans_b']);
    expect(firstPage.items[0]?.updatedAt).toBeInstanceOf(Date);
    expect(firstPage.items[0]?.activeAt).toBeInstanceOf(Date);
    const last = firstPage.items[1]!;
    const secondPage = await listConversationsForUser(db, user, {
      limit: 2,
      after: { activeAt: last.activeAt, id: last.id },
    });
    expect(secondPage).toMatchObject({ hasMore: false, items: [{ title: 'Plans for 100% of Q1' }] });
    // LIKE's wildcards are literal in a search: `_` finds only the title with an underscore.
    const underscored = await listConversationsForUser(db, user, { limit: 10, titleContains: 's_' });
    expect(underscored.items.map((c) => c.title)).toEqual(['Plans_b']);
    const percent = await listConversationsForUser(db, user, { limit: 10, titleContains: '100%' });
    expect(percent.items.map((c) => c.title)).toEqual(['Plans for 100% of Q1']);

    const loaded = await loadConversation(db, conversation.id);
    expect(loaded?.conversation).toMatchObject({
      id: conversation.id,
      title: conversation.title,
      branchLeafId: answer.id,
    });
    expect(
      loaded?.messages.map((m) => [m.role, m.content, m.outputTokens, m.costUsd, m.parentId, m.requestedModel]),
    ).toEqual([
      ['user', 'hello', 0, '0.00000000', null, null],
      ['assistant', 'hi', 7, '0.00010500', question.id, 'anthropic/claude-sonnet-4-5'],
    ]);
    expect(loaded?.messages[0]?.createdAt.getTime()).toBe(question.createdAt.getTime());

    await transaction(db, (q) => [
      deleteMessage(q, conversation.id, answer.id),
      deleteMessage(q, conversation.id, answer.id),
    ]);
    expect((await loadConversation(db, conversation.id))?.messages.map((m) => m.id)).toEqual([question.id]);
    await transaction(db, (q) => [deleteConversation(q, conversation.id)]);
    expect(await loadConversation(db, conversation.id)).toBeUndefined();
  });

  it('shares: a link stored with its snapshot while under the cap (times as Dates), none past it; found by its token', async () => {
    const user = claims();
    const now = new Date();
    const conversation: Conversation = {
      id: crypto.randomUUID(),
      userId: user.sub,
      title: 'Shared',
      model: null,
      systemPrompt: null,
      temperature: null,
      maxReplyTokens: null,
      siteId: null,
      visitorId: null,
      branchLeafId: null,
      pinnedAt: null,
      activeAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const snapshot = [{ role: 'user' as const, content: 'hello "there"', model: null, createdAt: now.toISOString() }];
    const expiresAt = new Date(Date.now() + 86_400_000);
    // Tokens are unique across every run and transport on the same database.
    const [a, b, c] = Array.from({ length: 3 }, () => crypto.randomUUID().replace(/-/g, '').slice(0, 22));
    const link = (token: string) => ({ conversation, token, messages: snapshot, expiresAt });
    const first = await insertShare(db, user, link(a!), 2);
    expect(first).toMatchObject({ conversationId: conversation.id, title: 'Shared', token: a });
    expect(first?.expiresAt?.getTime()).toBe(expiresAt.getTime());
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(await insertShare(db, user, { ...link(b!), expiresAt: null }, 2)).toBeDefined();
    expect(await insertShare(db, user, link(c!), 2)).toBeUndefined();
    expect((await listShares(db, user)).map((s) => s.token).sort()).toEqual([a, b].sort());
    expect(await findShareByToken(db, a!)).toMatchObject({ title: 'Shared', messages: snapshot });
    expect(await revokeShare(db, user, first!.id)).toBe(true);
    expect(await insertShare(db, user, link(c!), 2)).toBeDefined();
  });

  it('search: titles and message text under RLS, with marked snippets, times as ISO strings, pins and visitors apart', async () => {
    const user = claims();
    const stranger = claims();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 2, 12, minute));
    const conversation = (owner: typeof user, title: string, minute: number, extra: Partial<Conversation> = {}) => ({
      id: crypto.randomUUID(),
      userId: owner.sub,
      title,
      model: null,
      systemPrompt: null,
      temperature: null,
      maxReplyTokens: null,
      siteId: null,
      visitorId: null,
      branchLeafId: null,
      pinnedAt: null,
      activeAt: at(minute),
      createdAt: at(minute),
      updatedAt: at(minute),
      ...extra,
    });
    const message = (c: Conversation, minute: number, content: string): Message => ({
      id: crypto.randomUUID(),
      attachments: null,
      parentId: null,
      conversationId: c.id,
      userId: c.userId,
      role: 'assistant',
      content,
      model: null,
      requestedModel: null,
      provider: null,
      status: 'complete',
      stopReason: null,
      errorCode: null,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      costUsd: '0',
      timeToFirstTokenMs: null,
      durationMs: null,
      createdAt: at(minute),
      completedAt: null,
    });
    const trip = conversation(user, 'Trip to Lisbon', 1, { pinnedAt: at(40) });
    const garden = conversation(user, 'Garden', 2);
    const visitors = conversation(user, 'Lisbon questions', 3, { visitorId: 'v1' });
    const theirs = conversation(stranger, 'Lisbon too', 4);
    const tripReply = message(trip, 5, 'Pack light: the trams in Lisbon are small.');
    const gardenReply = message(garden, 6, 'Tomatoes want sun; <b>trams</b> do not.');
    const visitorReply = message(visitors, 7, 'Trams run until midnight.');
    const strangerReply = message(theirs, 8, 'Trams, trams, trams.');
    await transaction(db, (q) => [
      ...upsertConversation(q, trip, user.email),
      ...[garden, visitors].flatMap((c) => upsertConversation(q, c, user.email)),
      ...upsertConversation(q, theirs, stranger.email),
      ...[tripReply, gardenReply, visitorReply, strangerReply].map((m) => upsertMessage(q, m)),
    ]);

    const trams = await searchConversations(db, user, 'tram', 10);
    expect(trams.map((row) => [row.conversation_id, row.message_id])).toEqual([
      [garden.id, gardenReply.id],
      [trip.id, tripReply.id],
    ]);
    expect(trams[1]).toMatchObject({
      title: 'Trip to Lisbon',
      title_headline: null,
      pinned_at: '2026-01-02T12:40:00.000Z',
      active_at: '2026-01-02T12:01:00.000Z',
      message_role: 'assistant',
      message_created_at: '2026-01-02T12:05:00.000Z',
    });
    expect(trams[1]?.message_headline).toContain(`${MATCH_START}trams${MATCH_END}`);

    const lisbon = await searchConversations(db, user, 'lisbon', 10);
    expect(lisbon.map((row) => row.conversation_id)).toEqual([trip.id]);
    expect(lisbon[0]?.title_headline).toBe(`Trip to ${MATCH_START}Lisbon${MATCH_END}`);
    // A part of a word finds a title, not message text.
    expect((await searchConversations(db, user, 'gard', 10)).map((row) => row.message_id)).toEqual([null]);
    expect(await searchConversations(db, user, 'midnight', 10)).toEqual([]);
    expect(await searchConversations(db, claims(), 'trams', 10)).toEqual([]);

    expect((await listConversationsForUser(db, user, { limit: 10 })).items.map((c) => c.id)).toEqual([
      garden.id,
      trip.id,
    ]);
    expect((await listConversationsForUser(db, user, { limit: 10, pinned: true })).items.map((c) => c.id)).toEqual([
      trip.id,
    ]);
    const listedVisitors = await listConversationsForUser(db, user, { limit: 10, visitors: true });
    expect(listedVisitors.items.map((c) => c.id)).toEqual([visitors.id]);
  });

  it('sites: a theme change merges, updated_at moves forward, and the key finds the site', async () => {
    const user = claims();
    await ensureProfile(db, user.sub, user.email);
    const publicKey = `site_${crypto.randomUUID()}`;
    const site = await insertSite(db, user, {
      name: 'Docs',
      publicKey,
      allowedOrigins: ['https://docs.example'],
      model: 'anthropic/claude-sonnet-4-5',
      systemPrompt: null,
      greeting: 'Hi!',
      visitorRequestsPerMinute: 10,
      theme: { accent: '#0055ff' },
    });
    expect(site).toMatchObject({
      name: 'Docs',
      allowedOrigins: ['https://docs.example'],
      theme: { accent: '#0055ff' },
    });
    const once = await updateSite(db, user, site.id, { theme: { radius: '8px' } });
    const twice = await updateSite(db, user, site.id, { name: 'Docs 2' });
    expect(once?.theme).toEqual({ accent: '#0055ff', radius: '8px' });
    expect(twice!.updatedAt.getTime()).toBeGreaterThan(once!.updatedAt.getTime());
    expect(await updateSite(db, claims(), site.id, { name: 'stolen' })).toBeUndefined();

    expect((await listSites(db, user)).map((s) => s.name)).toEqual(['Docs 2']);
    expect((await findSite(db, user, site.id))?.publicKey).toBe(publicKey);
    expect((await loadSiteByKey(db, publicKey))?.id).toBe(site.id);
    // A plan change's switch: once, with its notice read back as an object; then nothing to switch.
    const notice = {
      from: 'anthropic/claude-sonnet-4-5',
      to: 'openai/gpt-4.1-mini',
      tier: 'free' as const,
      at: new Date().toISOString(),
    };
    const switched = await switchSiteModel(db, site.id, 'anthropic/claude-sonnet-4-5', 'openai/gpt-4.1-mini', notice);
    expect(switched).toMatchObject({ model: 'openai/gpt-4.1-mini', modelNotice: notice });
    expect(switched!.updatedAt.getTime()).toBeGreaterThan(twice!.updatedAt.getTime());
    expect(
      await switchSiteModel(db, site.id, 'anthropic/claude-sonnet-4-5', 'openai/gpt-4.1-mini', notice),
    ).toBeUndefined();
    expect((await sitesOfOwner(db, user.sub)).map((s) => [s.id, s.modelNotice])).toEqual([[site.id, notice]]);
    await deleteSite(db, user, site.id);
    expect(await loadSiteByKey(db, publicKey)).toBeUndefined();
  });

  it('usage: events land once, the quota seed and the daily roll-up count them as numbers', async () => {
    const user = claims();
    const now = new Date();
    const event = (inputTokens: number, outputTokens: number): UsageEventRecord => ({
      id: crypto.randomUUID(),
      userId: user.sub,
      subjectType: 'user',
      subjectId: user.sub,
      model: 'anthropic/claude-sonnet-4-5',
      provider: 'anthropic',
      inputTokens,
      outputTokens,
      costUsd: '0.00150000',
      occurredAt: now.toISOString(),
    });
    // Past 2^31 in total: Postgres sums integers as bigint, which drivers may hand back as strings.
    const events = [event(1_000, 200), event(1_500_000_000, 5), event(1_500_000_000, 0)];
    await ingestUsageEvents(db, events); // the owner has no profile yet: it is made first
    await ingestUsageEvents(db, events); // redelivered
    const landed = await db.select().from(usageEvents).where(eq(usageEvents.userId, user.sub));
    expect(landed).toHaveLength(3);
    expect(landed[0]?.occurredAt).toBeInstanceOf(Date);

    const seed = await quotaSeed(db, user.sub, now);
    // No custom instructions saved: none, and never saved (time 0), so any save is newer.
    expect(seed).toEqual({
      tier: 'free',
      overrides: null,
      used: 3_000_001_205,
      keys: [],
      instructions: { text: null, updatedAt: 0 },
    });

    await aggregateUsage(db);
    const day = now.toISOString().slice(0, 10);
    const daily = await dailyUsageForUser(db, user, { from: day, to: day });
    expect(daily).toEqual([
      expect.objectContaining({
        day,
        requests: 3,
        inputTokens: 3_000_001_000,
        outputTokens: 205,
        costUsd: '0.00450000',
      }),
    ]);
    // A rerun finds the same totals and writes nothing.
    const before = await db.select().from(usageDaily).where(eq(usageDaily.userId, user.sub));
    await aggregateUsage(db);
    const after = await db.select().from(usageDaily).where(eq(usageDaily.userId, user.sub));
    expect(after[0]?.updatedAt.getTime()).toBe(before[0]?.updatedAt.getTime());
  });

  it('dead letters: usage events and unreadable letters are each kept once', async () => {
    const user = claims();
    const letter = { messageId: crypto.randomUUID(), queue: 'usage-events-dlq', reason: 'unreadable', body: { v: 9 } };
    const record: UsageEventRecord = {
      id: crypto.randomUUID(),
      userId: user.sub,
      subjectType: 'api_key',
      subjectId: 'key-1',
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      inputTokens: 1,
      outputTokens: 2,
      occurredAt: new Date().toISOString(),
    };
    const batch = { usage: [record], timings: [], refusals: [] };
    await ingestDeadLetters(db, batch, [letter]);
    await ingestDeadLetters(db, batch, [letter]);
    const kept = await db.execute<{ body: unknown; n: number }>(
      sql`select body, count(*) over ()::int as n from dead_letters where message_id = ${letter.messageId}`,
    );
    expect(kept.rows).toEqual([{ body: { v: 9 }, n: 1 }]);
    expect(await db.select().from(usageEvents).where(eq(usageEvents.id, record.id))).toHaveLength(1);
  });

  it('billing: the first customer stays, a later Stripe state wins over an earlier one, events are processed once', async () => {
    const user = claims();
    await ensureProfile(db, user.sub, user.email);
    const customer = `cus_${crypto.randomUUID()}`;
    expect(await claimCustomer(db, user.sub, customer)).toBe(customer);
    expect(await claimCustomer(db, user.sub, 'cus_other')).toBe(customer);

    const change = { customerId: customer, subscriptionId: 'sub_1', status: 'active' };
    const later = new Date();
    const earlier = new Date(later.getTime() - 60_000);
    expect(await applySubscription(db, user.sub, { ...change, tier: 'pro', checkedAt: later })).toBe('pro');
    expect(await applySubscription(db, user.sub, { ...change, tier: 'free', checkedAt: earlier })).toBeUndefined();
    expect(await profileByCustomer(db, customer)).toMatchObject({
      id: user.sub,
      tier: 'pro',
      subscriptionStatus: 'active',
    });
    expect(await forgetCustomer(db, customer)).toEqual({ id: user.sub, tier: 'free' });
    expect(await profileByCustomer(db, customer)).toBeUndefined();

    const eventId = `evt_${crypto.randomUUID()}`;
    expect(await alreadyProcessed(db, eventId, 'customer.subscription.updated')).toBe(false);
    await markProcessed(db, eventId);
    expect(await alreadyProcessed(db, eventId, 'customer.subscription.updated')).toBe(true);
    const [stored] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
    expect(stored?.processedAt).toBeInstanceOf(Date);
  });

  it('operators: reads across users in a read-only transaction, figures as numbers and exact decimals', async () => {
    const refused = await asOperator(db, (q) => [q.insert(profiles).values({ id: crypto.randomUUID() })]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(postgresError(refused)?.code).toBe('25006'); // read_only_sql_transaction

    // A month of its own, far ahead, so no other writer (nor an earlier run) shares it.
    const year = 2200 + Math.floor(Math.random() * 7000);
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await db.insert(profiles).values([
      { id: a, email: 'a@example.com', tier: 'pro', createdAt: new Date(`${year}-05-02T12:00:00Z`) },
      { id: b, createdAt: new Date(`${year}-05-03T00:00:00Z`) },
    ]);
    await db.insert(usageDaily).values([
      {
        userId: a,
        day: `${year}-05-03`,
        model: 'anthropic/x',
        requests: 2,
        inputTokens: 3_000_000_000,
        outputTokens: 5,
        costUsd: '12.50000000',
      },
      {
        userId: b,
        day: `${year}-05-03`,
        model: 'openai/y',
        requests: 1,
        inputTokens: 10,
        outputTokens: 20,
        costUsd: '0.00000100',
      },
    ]);
    const metrics = await opsMetrics(db, { from: `${year}-05-01`, to: `${year}-05-31` });
    expect(metrics.signups).toEqual({
      total: 2,
      byDay: [
        { day: `${year}-05-02`, signups: 1 },
        { day: `${year}-05-03`, signups: 1 },
      ],
      tiersNow: { free: 1, pro: 1, enterprise: 0 },
    });
    expect(metrics.users.active).toEqual({
      byDay: [{ day: `${year}-05-03`, users: 2 }],
      daily: 0,
      weekly: 0,
      monthly: 2,
    });
    expect(metrics.usage.byProvider).toEqual([
      { provider: 'anthropic', requests: 2, inputTokens: 3_000_000_000, outputTokens: 5, costUsd: '12.50000000' },
      { provider: 'openai', requests: 1, inputTokens: 10, outputTokens: 20, costUsd: '0.00000100' },
    ]);
    expect(metrics.topSpenders.map((s) => [s.userId, s.tokens, s.costUsd])).toEqual([
      [a, 3_000_000_005, '12.50000000'],
      [b, 30, '0.00000100'],
    ]);
    await db.delete(profiles).where(inArray(profiles.id, [a, b]));
  });

  it("widget traffic: visitors' events rolled up per site and day, once, and listed for operators", async () => {
    const owner = claims();
    await ensureProfile(db, owner.sub, owner.email);
    const site = await insertSite(db, owner, {
      name: 'Traffic',
      publicKey: `site_${crypto.randomUUID()}`,
      allowedOrigins: ['https://shop.example'],
      model: null,
      systemPrompt: null,
      greeting: null,
      visitorRequestsPerMinute: 10,
      theme: {},
    });
    // On a day of its own, far ahead, so no other site's traffic (nor an earlier run's) shares it;
    // the roll-up finds the events by when they landed, which is now.
    const now = new Date(`${2300 + Math.floor(Math.random() * 7000)}-06-15T12:00:00.000Z`);
    const visit = (visitor: string, inputTokens: number): UsageEventRecord => ({
      id: crypto.randomUUID(),
      userId: owner.sub,
      subjectType: 'visitor',
      subjectId: `${site.id}:${visitor}`,
      model: 'anthropic/claude-haiku-4-5',
      provider: 'anthropic',
      inputTokens,
      outputTokens: 10,
      costUsd: '0.00100000',
      occurredAt: now.toISOString(),
    });
    await ingestUsageEvents(db, [visit('v1', 100), visit('v1', 200), visit('v2', 300)]);
    expect((await aggregateSiteUsage(db)).rowsUpserted).toBeGreaterThanOrEqual(1);
    const day = now.toISOString().slice(0, 10);
    const metrics = await opsMetrics(db, { from: day, to: day });
    expect(metrics.sites.find((s) => s.siteId === site.id)).toEqual({
      siteId: site.id,
      name: 'Traffic',
      owner: owner.email,
      visitors: 2,
      requests: 3,
      inputTokens: 600,
      outputTokens: 30,
      costUsd: '0.00300000',
    });
    // A rerun finds the same totals and writes nothing for this site.
    const [before] = await db.select().from(siteUsageDaily).where(eq(siteUsageDaily.siteId, site.id));
    await aggregateSiteUsage(db);
    const [after] = await db.select().from(siteUsageDaily).where(eq(siteUsageDaily.siteId, site.id));
    expect(after?.updatedAt.getTime()).toBe(before?.updatedAt.getTime());
    await db.delete(siteUsageDaily).where(eq(siteUsageDaily.siteId, site.id));
  });

  it("operators' speed, refusals, conversions and revenue: written once, rolled up, read with numbers and decimals", async () => {
    const owner = claims();
    await ensureProfile(db, owner.sub, owner.email);
    // A day of its own, far ahead (see above); a model of its own.
    const day = `${2300 + Math.floor(Math.random() * 7000)}-07-01`;
    const model = `contract/${crypto.randomUUID()}`;
    const timing = (ttftMs: number | null, status = 'complete') => ({
      id: crypto.randomUUID(),
      surface: 'chat' as const,
      model,
      answeredBy: model,
      status,
      errorCode: null,
      ttftMs,
      durationMs: 900,
      colo: null,
      version: 'contract',
      occurredAt: `${day}T10:00:00.000Z`,
    });
    const timings = [timing(100), timing(300), timing(200), timing(null, 'error')];
    const count = (n: number) => ({
      userId: owner.sub,
      day,
      reason: 'quota_exceeded',
      subjectType: 'user' as const,
      count: n,
    });
    // Redelivered, and a smaller (older) total after a larger one: each written once, the larger kept.
    await ingestQueueBatch(db, { usage: [], timings, refusals: [count(3), count(5)] });
    await ingestQueueBatch(db, { usage: [], timings, refusals: [count(4)] });
    await aggregateTimings(db);
    const performance = await opsPerformance(db, { from: day, to: day });
    expect(performance.byDay.filter((row) => row.model === model)).toEqual([
      {
        day,
        model,
        version: 'contract',
        replies: 4,
        errors: 1,
        stopped: 0,
        fallbacks: 0,
        errorRate: 0.25,
        fallbackRate: 0,
        ttftMs: { p50: 200, p95: 300, p99: 300 },
        durationMs: { p50: 900, p95: 900 },
      },
    ]);
    const metrics = await opsMetrics(db, { from: day, to: day });
    expect(metrics.refusals.byDay).toEqual([{ day, reason: 'quota_exceeded', count: 5 }]);
    // The trigger records a tier change whichever transport made it.
    await db.update(profiles).set({ tier: 'pro' }).where(eq(profiles.id, owner.sub));
    const today = new Date().toISOString().slice(0, 10);
    const changes = await opsMetrics(db, { from: today, to: today });
    expect(changes.tierChanges.conversions).toBeGreaterThanOrEqual(1);
    // Revenue in a decimal string, whatever the driver makes of numeric.
    const revenue = await opsRevenue(db, { from: day, to: day });
    expect(revenue.byTier.map((row) => row.tier)).toEqual(['free', 'pro', 'enterprise']);
    expect(revenue.unallocatedUsd).toEqual({ noUser: '0.00000000', noUsage: '0.00000000' });
  });

  it("operators' health: a cron run recorded (a later one wins), the dead letters counted with a Date", async () => {
    const job = `contract-${crypto.randomUUID()}`;
    const later = new Date();
    const run = { job, cron: '0 * * * *', durationMs: 12, ok: true, outcome: { rows: 3 } };
    await recordCronRun(db, { ...run, startedAt: later });
    await recordCronRun(db, {
      ...run,
      startedAt: new Date(later.getTime() - 60_000),
      ok: false,
      outcome: { error: 'x' },
    });
    await ingestDeadLetters(db, { usage: [], timings: [], refusals: [] }, [
      { messageId: crypto.randomUUID(), queue: 'q', reason: 'r', body: null },
    ]);
    const health = await opsHealth(db);
    expect(health.database).toBe('up');
    expect(health.crons.find((c) => c.job === job)).toEqual({ ...run, startedAt: later.toISOString() });
    expect(health.deadLetters!.count).toBeGreaterThanOrEqual(1);
    expect(health.deadLetters!.oldest).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await db.delete(cronRuns).where(eq(cronRuns.job, job));
  });

  it("errors: a constraint Postgres refuses surfaces as Postgres's own error, with its SQLSTATE", async () => {
    const user = claims();
    await ensureProfile(db, user.sub, user.email);
    const refused = await db
      .insert(profiles)
      .values({ id: user.sub })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(postgresError(refused)?.code).toBe('23505');
    // The same inside a transaction: the whole transaction is refused and nothing of it stays.
    const other = crypto.randomUUID();
    const inTransaction = await transaction(db, (q) => [
      q.insert(profiles).values({ id: other }),
      q.insert(profiles).values({ id: user.sub }),
    ]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(postgresError(inTransaction)?.code).toBe('23505');
    expect(await db.select().from(profiles).where(eq(profiles.id, other))).toEqual([]);
  });
});

// A database that cannot be reached reads the same on both transports: as unavailable (503
// database_unavailable to a request, a retry later to a flush), not as a query Postgres refused.
describe.each([
  [
    'neon-http',
    { DATABASE_URL: 'postgresql://parley@127.0.0.1/parley', DATABASE_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql' },
  ],
  ['hyperdrive', { HYPERDRIVE: { connectionString: 'postgresql://parley:parley@127.0.0.1:9/parley' } }],
] as [string, DatabaseEnv][])('an unreachable database (%s)', (_transport, databaseEnv) => {
  it('fails as unavailable, with no SQLSTATE', async () => {
    const db = createDb({ ...databaseEnv, DATABASE_TIMEOUT_MS: '2000' });
    const failure = await db
      .select()
      .from(profiles)
      .limit(1)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(postgresError(failure)).toBeUndefined();
    await closeDatabase(db);
  });
});
