// Issue 9: "Continue with GitHub / Google" through Supabase Auth's OAuth flow with PKCE, in the
// browser, against the fake Supabase Auth (scripts/fake-supabase-auth.ts); the Worker verifies the
// tokens by the project's JWKS. The session is refreshed before it expires, and sign-out ends it.
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { setAccessTokenLifetime } from './sign-in.ts';

const browser = useBrowser();

describe('sign-in with Supabase Auth (PKCE)', () => {
  it('signs in with GitHub, returns to the page asked for, and the Worker accepts the session', async () => {
    const page = await openPage(browser());
    await page.goto(`${inject('e2eSupabaseUrl')}/keys`);
    await page.waitForURL(/\/signin\?next=%2Fkeys/);
    await screenshot(page, 'signin-supabase');
    await expectAccessible(page);
    const exchanges: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/auth/v1/token'))
        exchanges.push(`${new URL(request.url()).searchParams.get('grant_type')} ${request.postData()}`);
    });
    await page.getByRole('button', { name: 'Continue with GitHub' }).click();
    await page.waitForURL((url) => url.pathname === '/keys');
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    expect(await page.getByText('github-user@example.com').count()).toBe(1);
    // The code went back with its verifier (PKCE), not a secret.
    expect(exchanges).toEqual([
      expect.stringMatching(/^pkce \{"auth_code":"[^"]+","code_verifier":"[A-Za-z0-9_-]{43}"\}$/),
    ]);
    // The page's calls to the Worker carry the Supabase session, verified by JWKS: the key list loaded.
    await page.getByText('You have no API keys yet').waitFor();
    await page.close();
  });

  it('refreshes the session before it expires, and sign-out ends it', async () => {
    await setAccessTokenLifetime(62);
    try {
      const page = await openPage(browser());
      await page.goto(`${inject('e2eSupabaseUrl')}/signin`);
      const refreshed = page.waitForRequest((request) => request.url().includes('grant_type=refresh_token'), {
        timeout: 15_000,
      });
      await page.getByRole('button', { name: 'Continue with Google' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await refreshed;
      await expect
        .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('parley.session') ?? 'null')?.refreshToken))
        .toBeTruthy();
      // Still signed in with the new tokens: the Worker answers the page's calls.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
      await page.getByRole('meter', { name: 'Tokens used this month' }).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/signin/);
      expect(await page.evaluate(() => localStorage.getItem('parley.session'))).toBeNull();
      await page.goto(`${inject('e2eSupabaseUrl')}/usage`);
      await page.waitForURL(/\/signin\?next=%2Fusage/);
      await page.close();
    } finally {
      await setAccessTokenLifetime(3600);
    }
  });
});
