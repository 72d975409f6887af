// GET /api/config: what the front end reads before anyone signs in.
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app.ts';
import { publicConfigSchema } from '../../worker/schemas/config.ts';
import { BASE, call } from './helpers.ts';
import { billingWith, stripeEnv } from './stripe-support.ts';

async function configWith(overrides: Partial<Env>) {
  const res = await app.fetch(new Request(`${BASE}/api/config`), { ...env, ...overrides }, createExecutionContext());
  expect(res.status).toBe(200);
  return res.json<Record<string, unknown>>();
}

describe('GET /api/config', () => {
  it('answers without sign-in: dev sign-in, billing on offer, the version, and no Supabase project in dev mode', async () => {
    const res = await call('/api/config');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      authMode: 'dev',
      supabase: null,
      billing: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(publicConfigSchema.parse(body)).toEqual(body); // the documented schema, no more
  });

  it('gives the Supabase project to sign in with in supabase mode, and never a secret', async () => {
    const body = await configWith({
      AUTH_MODE: 'supabase',
      SUPABASE_URL: 'https://abc.supabase.co/',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_xyz',
    });
    expect(body).toMatchObject({
      authMode: 'supabase',
      supabase: { url: 'https://abc.supabase.co', publishableKey: 'sb_publishable_xyz' },
    });
    const text = JSON.stringify(body);
    for (const secret of [
      env.SUPABASE_JWT_SECRET,
      stripeEnv.STRIPE_SECRET_KEY,
      stripeEnv.STRIPE_WEBHOOK_SECRET,
      env.ANTHROPIC_API_KEY,
      env.RESEND_API_KEY,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('says supabase mode when AUTH_MODE is unset, with no project when its publishable key is missing', async () => {
    expect(
      await configWith({ AUTH_MODE: '', SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_PUBLISHABLE_KEY: '' }),
    ).toMatchObject({ authMode: 'supabase', supabase: null });
  });

  it('offers billing only when the billing Worker has both the Stripe key and the Pro price', async () => {
    expect(await configWith({ BILLING: billingWith({ STRIPE_PRICE_PRO: '' }) })).toMatchObject({ billing: false });
    expect(await configWith({ BILLING: billingWith({ STRIPE_SECRET_KEY: '' }) })).toMatchObject({ billing: false });
    expect(await configWith({ BILLING: billingWith({}) })).toMatchObject({ billing: true });
  });

  it('offers no billing, and still answers, when the billing Worker cannot be reached', async () => {
    const unreachable = {
      configured: () => Promise.reject(new Error('Service binding "BILLING" is not connected')),
    } as unknown as Env['BILLING'];
    expect(await configWith({ BILLING: unreachable })).toMatchObject({ billing: false, authMode: 'dev' });
  });

  it('is described in the OpenAPI document as public', async () => {
    const doc = await (await call('/api/openapi.json')).json<any>();
    const op = doc.paths['/api/config'].get;
    expect(op.security).toBeUndefined();
    expect(op.responses['200'].content['application/json'].schema.required).toEqual([
      'authMode',
      'supabase',
      'billing',
      'version',
    ]);
  });
});
