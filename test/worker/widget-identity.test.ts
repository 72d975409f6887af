// Issue 23 (item 2, and Turnstile from item 1): a widget visitor is who Parley says, never who a
// request body says. A session mints the visitor and a 30-day credential bound to the site; a
// returning visitor presents it and keeps their conversations; it is renewed in the second half of
// its life. A site may ask new visitors to pass Cloudflare Turnstile first (Siteverify, faked as
// Cloudflare's documented test keys behave).
import { env } from 'cloudflare:workers';
import { decodeJwt } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { sites } from '../../drizzle/schema.ts';
import { asUser } from '../../worker/db/as-user.ts';
import { createDb } from '../../worker/db/client.ts';
import { widgetKey } from '../../worker/auth/visitor-token.ts';
import { signVisitorCredential, VISITOR_CREDENTIAL_SECONDS } from '../../worker/auth/visitor-credential.ts';
import { TURNSTILE_DUMMY_TOKEN, TURNSTILE_TEST_KEYS, type Verification } from '../../scripts/fake-turnstile.ts';
import { BASE, call, signIn, type ErrorEnvelope } from './helpers.ts';
import { HOST, createSite, requestSession, visit, visitorConversation, widgetCall } from './widget-support.ts';

const fake = inject('fakeUpstreamUrl');
const DAY = 24 * 60 * 60;
const now = () => Math.floor(Date.now() / 1000);

async function errorOf(res: Response) {
  return { status: res.status, ...(await res.json<ErrorEnvelope & { error: Record<string, unknown> }>()).error };
}

/** The Siteverify calls the fake has seen for this token. */
async function verificationsOf(token: string) {
  const all = await (await fetch(`${fake}/turnstile/__control/verifications`)).json<Verification[]>();
  return all.filter((v) => v.response === token);
}

async function readConversation(visitor: { token: string; origin: string }, id: string) {
  return widgetCall(visitor, `conversations/${id}`);
}

describe('visitor identity', () => {
  it("ignores a visitorId in the body: its sender is a new visitor, who cannot read that visitor's conversations", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const victim = await visit(site.publicKey);
    const id = await visitorConversation(victim);
    const claimant = await visit(site.publicKey, HOST, { visitorId: victim.visitorId });
    expect(claimant.visitorId).not.toBe(victim.visitorId);
    expect(claimant.returning).toBe(false);
    expect(decodeJwt(claimant.token).sub).toBe(claimant.visitorId);
    expect(await errorOf(await readConversation(claimant, id))).toMatchObject({ status: 404, code: 'not_found' });
    // The victim still reads it.
    expect((await readConversation(victim, id)).status).toBe(200);
  });

  it('keeps a returning visitor who presents the credential: same visitor, their conversation readable', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const first = await visit(site.publicKey);
    expect(first.credentialExpiresAt - now()).toBeGreaterThan(VISITOR_CREDENTIAL_SECONDS - 60);
    // The credential is not a visitor token: another audience, and no origin in it.
    expect(decodeJwt(first.credential)).toMatchObject({
      sub: first.visitorId,
      site: site.id,
      aud: 'parley-widget-visitor',
    });
    expect(decodeJwt(first.credential)).not.toHaveProperty('origin');
    expect(
      await errorOf(await widgetCall({ token: first.credential, origin: HOST }, 'conversations', { method: 'POST' })),
    ).toMatchObject({
      status: 401,
      code: 'visitor_token_invalid',
    });
    const id = await visitorConversation(first);

    const again = await visit(site.publicKey, HOST, { credential: first.credential });
    expect(again).toMatchObject({ visitorId: first.visitorId, returning: true, credential: first.credential });
    const read = await readConversation(again, id);
    expect(read.status).toBe(200);
    expect((await read.json<{ id: string }>()).id).toBe(id);
  });

  it("refuses a credential another site issued (401 visitor_credential_wrong_site), even one of the same owner's", async () => {
    const owner = await signIn();
    const a = await createSite(owner.token, { name: 'A' });
    const b = await createSite(owner.token, { name: 'B' });
    const onA = await visit(a.publicKey);
    expect(await errorOf(await requestSession(b.publicKey, HOST, { credential: onA.credential }))).toMatchObject({
      status: 401,
      code: 'visitor_credential_wrong_site',
    });
  });

  it('renews a credential with less than half its life left, keeping the visitor; one with more is returned as it is', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const key = await widgetKey(env, BASE);
    const visitorId = crypto.randomUUID();
    const young = await signVisitorCredential(key, { visitorId, siteId: site.id, turnstile: false }, now() - 14 * DAY);
    const kept = await visit(site.publicKey, HOST, { credential: young.credential });
    expect(kept).toMatchObject({
      visitorId,
      returning: true,
      credential: young.credential,
      credentialExpiresAt: young.expiresAt,
    });

    const old = await signVisitorCredential(key, { visitorId, siteId: site.id, turnstile: false }, now() - 16 * DAY);
    const renewed = await visit(site.publicKey, HOST, { credential: old.credential });
    expect(renewed).toMatchObject({ visitorId, returning: true });
    expect(renewed.credential).not.toBe(old.credential);
    expect(renewed.credentialExpiresAt).toBeGreaterThanOrEqual(now() + VISITOR_CREDENTIAL_SECONDS - 60);
    // The renewed one names the same visitor next time.
    expect((await visit(site.publicKey, HOST, { credential: renewed.credential })).visitorId).toBe(visitorId);
  });

  it('makes the holder of a tampered, expired or foreign-signed credential (or a visitor token) a new visitor, without access to the old conversations', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const first = await visit(site.publicKey);
    const id = await visitorConversation(first);
    const [header, payload, signature] = first.credential.split('.') as [string, string, string];
    const forged = btoa(JSON.stringify({ ...decodeJwt(first.credential), sub: crypto.randomUUID() }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    const expired = await signVisitorCredential(
      await widgetKey(env, BASE),
      { visitorId: first.visitorId, siteId: site.id, turnstile: false },
      now() - VISITOR_CREDENTIAL_SECONDS - 1,
    );
    const otherSecret = await signVisitorCredential(
      await widgetKey({ AUTH_MODE: 'supabase', WIDGET_TOKEN_SECRET: 'y'.repeat(40) }, BASE),
      { visitorId: first.visitorId, siteId: site.id, turnstile: false },
    );
    for (const credential of [
      `${header}.${forged}.${signature}`,
      `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`,
      expired.credential,
      otherSecret.credential,
      first.token,
      'not a credential',
    ]) {
      const fresh = await visit(site.publicKey, HOST, { credential });
      expect(fresh.returning, credential).toBe(false);
      expect(fresh.visitorId).not.toBe(first.visitorId);
      expect(fresh.credential).not.toBe(credential);
      expect(await errorOf(await readConversation(fresh, id))).toMatchObject({ status: 404 });
    }
  });
});

describe('Turnstile', () => {
  const on = (secretKey: string = TURNSTILE_TEST_KEYS.passingSecret) => ({
    turnstile: { siteKey: TURNSTILE_TEST_KEYS.passingSiteKey, secretKey },
  });

  it('refuses a new visitor without a token (403 turnstile_required, naming the site key and the script)', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, on());
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      status: 403,
      code: 'turnstile_required',
      turnstile: { siteKey: TURNSTILE_TEST_KEYS.passingSiteKey, script: `${fake}/turnstile/v0/api.js?render=explicit` },
    });
  });

  it('refuses a token Siteverify fails (403 turnstile_failed): the failing test secret, a forged token', async () => {
    const owner = await signIn();
    const failing = await createSite(owner.token, on(TURNSTILE_TEST_KEYS.failingSecret));
    const passing = await createSite(owner.token, on());
    expect(
      await errorOf(await requestSession(failing.publicKey, HOST, { turnstileToken: TURNSTILE_DUMMY_TOKEN })),
    ).toMatchObject({
      status: 403,
      code: 'turnstile_failed',
      message: expect.stringContaining('invalid-input-response'),
    });
    const forged = `forged-${crypto.randomUUID()}`;
    expect(await errorOf(await requestSession(passing.publicKey, HOST, { turnstileToken: forged }))).toMatchObject({
      status: 403,
      code: 'turnstile_failed',
    });
    expect(await verificationsOf(forged)).toEqual([
      { secret: TURNSTILE_TEST_KEYS.passingSecret, response: forged, remoteip: null, success: false },
    ]);
  });

  it("admits a visitor whose token passes, sends Siteverify the visitor's IP, and does not ask a returning visitor again", async () => {
    const owner = await signIn();
    const site = await createSite(owner.token, on());
    const before = (await verificationsOf(TURNSTILE_DUMMY_TOKEN)).length;
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const res = await requestSession(
      site.publicKey,
      HOST,
      { turnstileToken: TURNSTILE_DUMMY_TOKEN },
      { 'cf-connecting-ip': ip },
    );
    expect(res.status).toBe(200);
    const first = await res.json<{ credential: string; visitorId: string }>();
    const seen = await verificationsOf(TURNSTILE_DUMMY_TOKEN);
    expect(seen.length).toBe(before + 1);
    expect(seen.some((v) => v.remoteip === ip && v.success)).toBe(true);
    // Renewals (every 15 minutes in the widget) need no new challenge while the credential lasts.
    const again = await visit(site.publicKey, HOST, { credential: first.credential });
    expect(again).toMatchObject({ visitorId: first.visitorId, returning: true });
    expect((await verificationsOf(TURNSTILE_DUMMY_TOKEN)).length).toBe(before + 1);
  });

  it('asks a returning visitor whose credential predates Turnstile to pass it, then keeps them', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const first = await visit(site.publicKey);
    const changed = await call(`/api/sites/${site.id}`, {
      method: 'PATCH',
      token: owner.token,
      body: JSON.stringify(on()),
    });
    expect(changed.status).toBe(200);
    expect(await errorOf(await requestSession(site.publicKey, HOST, { credential: first.credential }))).toMatchObject({
      status: 403,
      code: 'turnstile_required',
    });
    const passed = await visit(site.publicKey, HOST, {
      credential: first.credential,
      turnstileToken: TURNSTILE_DUMMY_TOKEN,
    });
    expect(passed).toMatchObject({ visitorId: first.visitorId, returning: true });
    expect(passed.credential).not.toBe(first.credential);
    expect((await visit(site.publicKey, HOST, { credential: passed.credential })).visitorId).toBe(first.visitorId);
  });

  it('makes no Siteverify call when the site has Turnstile off, even when a token is sent', async () => {
    const owner = await signIn();
    const site = await createSite(owner.token);
    const token = `unused-${crypto.randomUUID()}`;
    expect((await requestSession(site.publicKey, HOST, { turnstileToken: token })).status).toBe(200);
    expect(await verificationsOf(token)).toEqual([]);
  });
});

describe("a site's Turnstile setting", () => {
  it('is saved with its secret, which no response and no read as the owner returns', async () => {
    const owner = await signIn();
    const secretKey = TURNSTILE_TEST_KEYS.passingSecret;
    const created = await call('/api/sites', {
      method: 'POST',
      token: owner.token,
      body: JSON.stringify({
        name: 'Shop',
        allowedOrigins: [HOST],
        turnstile: { siteKey: '0x4AAAAAAAtest', secretKey },
      }),
    });
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).not.toContain(secretKey);
    const site = JSON.parse(text) as { id: string; turnstile: unknown };
    expect(site.turnstile).toEqual({ siteKey: '0x4AAAAAAAtest' });
    for (const path of ['/api/sites', `/api/sites/${site.id}`]) {
      const body = await (await call(path, { token: owner.token })).text();
      expect(body).toContain('0x4AAAAAAAtest');
      expect(body).not.toContain(secretKey);
    }
    // Nor can the owner's own JWT select it (Supabase's Data API runs as the same role).
    await expect(
      asUser(createDb(env), { sub: owner.userId, email: owner.email }, (q) => [
        q.select({ secret: sites.turnstileSecret }).from(sites),
      ]),
    ).rejects.toThrow(/permission denied/);
  });

  it('needs a secret to turn on (400 turnstile_secret_required), keeps the stored one when only the site key changes, and turns off with null', async () => {
    const owner = await signIn();
    const refused = await call('/api/sites', {
      method: 'POST',
      token: owner.token,
      body: JSON.stringify({ name: 'Shop', allowedOrigins: [HOST], turnstile: { siteKey: 'abc' } }),
    });
    expect(await errorOf(refused)).toMatchObject({ status: 400, code: 'turnstile_secret_required' });
    const site = await createSite(owner.token);
    const patch = (body: unknown) =>
      call(`/api/sites/${site.id}`, { method: 'PATCH', token: owner.token, body: JSON.stringify(body) });
    expect(await errorOf(await patch({ turnstile: { siteKey: 'abc' } }))).toMatchObject({
      status: 400,
      code: 'turnstile_secret_required',
    });
    expect(
      (await patch({ turnstile: { siteKey: 'first', secretKey: TURNSTILE_TEST_KEYS.passingSecret } })).status,
    ).toBe(200);
    const renamed = await patch({ turnstile: { siteKey: TURNSTILE_TEST_KEYS.passingSiteKey } });
    expect((await renamed.json<{ turnstile: unknown }>()).turnstile).toEqual({
      siteKey: TURNSTILE_TEST_KEYS.passingSiteKey,
    });
    // The stored (passing) secret still checks visitors, under the new site key.
    expect(await errorOf(await requestSession(site.publicKey, HOST))).toMatchObject({
      turnstile: { siteKey: TURNSTILE_TEST_KEYS.passingSiteKey },
    });
    expect((await requestSession(site.publicKey, HOST, { turnstileToken: TURNSTILE_DUMMY_TOKEN })).status).toBe(200);
    const off = await patch({ turnstile: null });
    expect((await off.json<{ turnstile: unknown }>()).turnstile).toBeNull();
    expect((await requestSession(site.publicKey, HOST)).status).toBe(200);
  });
});
