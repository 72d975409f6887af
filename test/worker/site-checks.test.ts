// Issue 23, items 3 and 4: a site's allowed origins against the Public Suffix List (anyone can host
// a page under github.io, so *.github.io admits everyone), and a site's model against its owner's
// plan, when the site is saved and again when the plan changes through Stripe's webhook.
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { describe, expect, inject, it } from 'vitest';
import { profiles, sites, stripeEvents } from '../../drizzle/schema.ts';
import { app } from '../../worker/app.ts';
import type { RecordedEmail } from '../../scripts/fake-resend.ts';
import { BASE, call, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';
import {
  changeSubscription,
  db,
  deliverEvent,
  eventsOf,
  profileOf,
  type StripeEvent,
  stripeEnv,
  subscribedUser,
} from './stripe-support.ts';
import { createSite, visit, visitorConversation, visitorSend, type SiteJson } from './widget-support.ts';

const OPUS = 'anthropic/claude-opus-4-7'; // Pro only: its output price is over the free plan's
const SONNET = 'anthropic/claude-sonnet-5-5'; // the server's default, in every plan
const MINI = 'openai/gpt-4.1-mini';

type Site = SiteJson & {
  modelNotice: { from: string; to: string; tier: string; at: string } | null;
  publicSuffixOrigins: string[];
};

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
}

const postSite = (token: string, body: Record<string, unknown>) =>
  call('/api/sites', { method: 'POST', token, body: JSON.stringify({ name: 'Shop', ...body }) });
const patchSite = (token: string, id: string, body: Record<string, unknown>) =>
  call(`/api/sites/${id}`, { method: 'PATCH', token, body: JSON.stringify(body) });
const listSites = async (token: string) =>
  (await (await call('/api/sites', { token })).json<{ items: Site[] }>()).items;

const fake = inject('fakeUpstreamUrl');
/** The model id the fake vendor was asked for, by the request's key. */
const upstreamModel = async (key: string) =>
  (await (await fetch(`${fake}/__control/requests?key=${key}`)).json<Array<{ model: string }>>())[0]?.model;

async function emailsTo(address: string): Promise<RecordedEmail[]> {
  const res = await fetch(`${env.RESEND_BASE_URL}/__control/emails?to=${encodeURIComponent(address)}`);
  return res.json<RecordedEmail[]>();
}

/** A visitor's message on the site; the model its reply started with, and the model the vendor was asked for. */
async function visitorReply(visitor: Awaited<ReturnType<typeof visit>>, conversationId: string) {
  const key = `site-checks-${crypto.randomUUID()}`;
  const res = await visitorSend(visitor, conversationId, `[[fake tokens=5 key=${key}]] Hello?`);
  if (res.status !== 200) return { status: res.status, error: (await res.json<ErrorEnvelope>()).error };
  const events = await collectEvents(res.body!);
  return {
    status: res.status,
    model: events.find((e) => e.event === 'message.start')?.data.model as string,
    upstream: await upstreamModel(key),
    done: events.at(-1)?.event,
  };
}

/** A signed-in owner on the given tier (set before their Limiter first reads it). */
async function ownerOn(tier: 'free' | 'pro', limits: Record<string, number | null> | null = null) {
  const user = await signIn();
  await db
    .insert(profiles)
    .values({ id: user.userId, email: user.email, tier, limits })
    .onConflictDoUpdate({ target: profiles.id, set: { tier, limits } });
  return user;
}

describe('allowed origins against the Public Suffix List', () => {
  it.each([
    ['https://*.github.io', 'github.io'],
    ['https://*.co.uk', 'co.uk'],
    ['https://*.com', 'com'],
    ['https://*.workers.dev', 'workers.dev'],
    ['https://*.pages.dev', 'pages.dev'],
  ])('refuses the wildcard %s with a 400 that names it and says who it would let in', async (origin, suffix) => {
    const { token } = await signIn();
    const res = await postSite(token, { allowedOrigins: ['https://mine.example', origin] });
    expect(await errorOf(res)).toEqual({
      status: 400,
      code: 'invalid_request',
      message: `allowedOrigins[1]: '${origin}' is too wide: ${suffix} is a public suffix, so *.${suffix} would let anyone with a ${suffix} page use your widget. Name your own domain, like https://*.yourname.${suffix}`,
    });
    expect(await listSites(token)).toEqual([]);
  });

  it.each(['https://co.uk', 'https://github.io', 'https://workers.dev'])(
    'refuses the bare public suffix %s as an origin',
    async (origin) => {
      const { token } = await signIn();
      const error = await errorOf(await postSite(token, { allowedOrigins: [origin] }));
      expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(error.message).toMatch(new RegExp(`^allowedOrigins\\[0\\]: '${origin}' is a public suffix, not a site`));
    },
  );

  it("accepts one's own domain, and one's own name under a public suffix", async () => {
    const { token } = await signIn();
    const allowedOrigins = [
      'https://*.example.com',
      'https://*.mycompany.github.io',
      'https://mycompany.github.io',
      'https://*.shop.co.uk',
      'https://my-app.workers.dev',
      'http://localhost:8080',
    ];
    const res = await postSite(token, { allowedOrigins });
    expect(res.status).toBe(201);
    expect(await res.json<Site>()).toMatchObject({ allowedOrigins, publicSuffixOrigins: [] });
  });

  it('refuses such a wildcard on a change too, and leaves the site as it was', async () => {
    const { token } = await signIn();
    const site = await createSite(token);
    const error = await errorOf(await patchSite(token, site.id, { allowedOrigins: ['https://*.pages.dev'] }));
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(error.message).toContain('*.pages.dev would let anyone with a pages.dev page use your widget');
    expect((await listSites(token))[0]!.allowedOrigins).toEqual(site.allowedOrigins);
  });

  it('keeps serving a site saved with one before the check, flags it, and refuses it again on the next change of origins', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    // As a site saved before this check holds it.
    await db
      .update(sites)
      .set({ allowedOrigins: ['https://shop.example', 'https://*.github.io'] })
      .where(eq(sites.id, site.id));
    const [listed] = await listSites(owner.token);
    expect(listed!.publicSuffixOrigins).toEqual(['https://*.github.io']);
    // The owner can still change anything else; the widget works on the origins stored.
    expect((await patchSite(owner.token, site.id, { name: 'Shop 2' })).status).toBe(200);
    await visit(site.publicKey, 'https://someone.github.io');
    // Saving the origins again is refused until the wildcard goes.
    const again = await errorOf(await patchSite(owner.token, site.id, { allowedOrigins: listed!.allowedOrigins }));
    expect(again).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(again.message).toContain("allowedOrigins[1]: 'https://*.github.io' is too wide");
    const fixed = await patchSite(owner.token, site.id, { allowedOrigins: ['https://shop.example'] });
    expect(await fixed.json<Site>()).toMatchObject({ publicSuffixOrigins: [] });
  });
});

describe("a site's model against its owner's plan, when saved", () => {
  it('refuses to create a site with a model the plan leaves out (403 model_not_in_plan, naming the plan and its models)', async () => {
    const { token } = await signIn();
    const res = await postSite(token, { allowedOrigins: ['https://shop.example'], model: OPUS });
    const error = await errorOf(res);
    expect(error).toMatchObject({ status: 403, code: 'model_not_in_plan' });
    expect(error.message).toMatch(new RegExp(`^${OPUS} is not included in your free plan: it includes `));
    expect(error.message).toContain(SONNET);
    expect(error.message).not.toMatch(new RegExp(`includes.*${OPUS}`));
    expect(await listSites(token)).toEqual([]);
  });

  it('refuses to change a site to such a model, and leaves it as it was', async () => {
    const { token } = await signIn();
    const site = await createSite(token, { model: MINI });
    expect(await errorOf(await patchSite(token, site.id, { model: OPUS }))).toMatchObject({
      status: 403,
      code: 'model_not_in_plan',
    });
    expect((await listSites(token))[0]!.model).toBe(MINI);
  });

  it("checks the server's default model when the site names none", async () => {
    const owner = await ownerOn('free', { maxOutputPricePerMillion: 2 });
    const error = await errorOf(await postSite(owner.token, { allowedOrigins: ['https://shop.example'] }));
    expect(error).toMatchObject({ status: 403, code: 'model_not_in_plan' });
    expect(error.message).toMatch(new RegExp(`^The default model, ${SONNET}, is not included in your free plan`));
    expect(error.message).toContain(MINI);
  });

  it('accepts the model on a plan that includes it', async () => {
    const owner = await ownerOn('pro');
    expect((await postSite(owner.token, { allowedOrigins: ['https://shop.example'], model: OPUS })).status).toBe(201);
  });
});

describe("a downgrade through Stripe's webhook", () => {
  /** A Pro owner (through Stripe) with a site on Opus, one on GPT-4.1 mini and one on the default, and a visitor on the first. */
  async function proOwnerWithSites() {
    const user = await subscribedUser();
    for (const event of await eventsOf(user.customerId)) expect((await deliverEvent(event)).status).toBe(200);
    expect((await profileOf(user.userId)).tier).toBe('pro');
    const opus = await createSite(user.token, { name: 'Opus shop', model: OPUS });
    const mini = await createSite(user.token, { name: 'Mini shop', model: MINI });
    const plain = await createSite(user.token, { name: 'Plain shop' });
    const visitor = await visit(opus.publicKey);
    const conversation = await visitorConversation(visitor);
    return { user, opus, mini, plain, visitor, conversation };
  }

  async function cancel(user: { customerId: string }, subscriptionId: string) {
    await changeSubscription(subscriptionId, { status: 'canceled' });
    const deleted = (await eventsOf(user.customerId)).filter((e) => e.type === 'customer.subscription.deleted');
    expect(deleted).toHaveLength(1);
    expect(await deliverEvent(deleted[0]!)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    return deleted[0]!;
  }

  it("switches a site whose model the plan leaves out to the plan's default, visitors get replies, the owner is told once", async () => {
    const { user, opus, mini, plain, visitor, conversation } = await proOwnerWithSites();
    expect(await visitorReply(visitor, conversation)).toMatchObject({
      status: 200,
      model: OPUS,
      upstream: 'claude-opus-4-7',
    });

    const before: StripeEvent[] = await eventsOf(user.customerId);
    const deleted = await cancel(user, user.subscriptionId);
    expect((await profileOf(user.userId)).tier).toBe('free');

    // Postgres, as the Sites page reads it: only the site on Opus changed, and it says why.
    const listed = new Map((await listSites(user.token)).map((s) => [s.id, s]));
    expect(listed.get(opus.id)).toMatchObject({
      model: SONNET,
      modelNotice: { from: OPUS, to: SONNET, tier: 'free', at: expect.any(String) },
    });
    expect(listed.get(mini.id)).toMatchObject({ model: MINI, modelNotice: null });
    expect(listed.get(plain.id)).toMatchObject({ model: null, modelNotice: null });

    // The site's object: the same visitor, the same conversation, now answered by the allowed model (not 403).
    expect(await visitorReply(visitor, conversation)).toMatchObject({
      status: 200,
      model: SONNET,
      upstream: 'claude-sonnet-5-5',
      done: 'done',
    });
    const session = await (
      await call('/api/widget/session', {
        method: 'POST',
        headers: { origin: 'https://shop.example' },
        body: JSON.stringify({ siteKey: opus.publicKey }),
      })
    ).json<{ site: { model: { id: string; label: string } } }>();
    expect(session.site.model).toEqual({ id: SONNET, label: 'Claude Sonnet 5.5' });

    // One email, naming the site and both models.
    const sent = await emailsTo(user.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('The chat on your site “Opus shop” now uses Claude Sonnet 5.5');
    expect(sent[0]!.text).toContain('Opus shop: Claude Sonnet 5.5 (was Claude Opus 4.7)');
    expect(sent[0]!.text).toContain('http://localhost/sites');

    // Stripe again: the same event (a replay), the same state under a new id, and the older "active"
    // events arriving late. No second email, and the model is not switched back.
    expect(await deliverEvent(deleted)).toMatchObject({ status: 200, body: { outcome: 'replayed' } });
    expect(await deliverEvent({ ...deleted, id: `${deleted.id}_again` })).toMatchObject({
      status: 200,
      body: { outcome: 'processed' },
    });
    for (const late of before.filter((e) => e.type === 'customer.subscription.updated' || e.type === 'invoice.paid'))
      expect((await deliverEvent({ ...late, id: `${late.id}_late` })).status).toBe(200);
    expect((await profileOf(user.userId)).tier).toBe('free');
    expect(await emailsTo(user.email)).toHaveLength(1);
    const after = (await listSites(user.token)).find((s) => s.id === opus.id)!;
    expect(after).toMatchObject({ model: SONNET, modelNotice: listed.get(opus.id)!.modelNotice });

    // The owner chooses a model: the notice is over.
    const chosen = await patchSite(user.token, opus.id, { model: MINI });
    expect(await chosen.json<Site>()).toMatchObject({ model: MINI, modelNotice: null });
  });

  it('changes nothing and sends nothing when the plan still includes the model', async () => {
    const { user, opus } = await proOwnerWithSites();
    // Stripe's own event of the upgrade again, under a new id: Pro still includes Opus.
    const [completed] = (await eventsOf(user.customerId)).filter((e) => e.type === 'checkout.session.completed');
    expect((await deliverEvent({ ...completed!, id: `${completed!.id}_again` })).status).toBe(200);
    const listed = (await listSites(user.token)).find((s) => s.id === opus.id)!;
    expect(listed).toMatchObject({ model: OPUS, modelNotice: null });
    expect(await emailsTo(user.email)).toEqual([]);
  });

  it('fails the event while the email cannot be sent, so Stripe delivers it again, and then sends it once', async () => {
    const { user, opus } = await proOwnerWithSites();
    await changeSubscription(user.subscriptionId, { status: 'canceled' });
    const [deleted] = (await eventsOf(user.customerId)).filter((e) => e.type === 'customer.subscription.deleted');
    const payload = JSON.stringify(deleted);
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: stripeEnv.STRIPE_WEBHOOK_SECRET,
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    // Resend away (nothing listens on port 9): the webhook answers 5xx and the event stays unprocessed.
    const failed = await app.fetch(
      new Request(`${BASE}/api/billing/webhook`, {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      }),
      { ...env, RESEND_BASE_URL: 'http://127.0.0.1:9' },
      createExecutionContext(),
    );
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const [recorded] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, deleted!.id));
    expect(recorded?.processedAt ?? null).toBeNull();
    expect(await emailsTo(user.email)).toEqual([]);
    // What was done is kept: visitors already get the allowed model.
    expect((await listSites(user.token)).find((s) => s.id === opus.id)).toMatchObject({ model: SONNET });

    // Stripe's retry, with Resend back: processed, and the email goes out once.
    expect(await deliverEvent(deleted!)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await deliverEvent(deleted!)).toMatchObject({ status: 200, body: { outcome: 'replayed' } });
    const sent = await emailsTo(user.email);
    expect(sent.map((e) => e.subject)).toEqual(['The chat on your site “Opus shop” now uses Claude Sonnet 5.5']);
  });
});
