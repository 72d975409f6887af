// The harness works end to end: the dev Worker serves the built app to Chromium, which runs it
// without errors and with nothing axe calls serious; the supabase Worker accepts a token that the
// fake Supabase Auth issued through the real PKCE exchange (the in-browser sign-in comes with the UI's sign-in page).
import { describe, expect, inject, it } from 'vitest';
import { FAKE_IDENTITIES } from '../../scripts/fake-supabase-auth.ts';
import { clearCspViolations, consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { devSession, supabaseSession } from './sign-in.ts';

const browser = useBrowser();

describe('the dev Worker serves the app', () => {
  it('answers / with the HTML page and its module script', async () => {
    const res = await fetch(`${inject('e2eDevUrl')}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).toMatch(/<script type="module"[^>]*src="\/assets\/[^"]+\.js"/);
  });

  for (const device of ['desktop', 'phone'] as const) {
    it(`runs in Chromium (${device}): its scripts load, it renders, nothing is logged as an error, axe finds nothing serious`, async () => {
      const page = await openPage(browser(), device);
      const scripts: string[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script')
          scripts.push(`${response.status()} ${new URL(response.url()).pathname}`);
      });
      const res = await page.goto(inject('e2eDevUrl'), { waitUntil: 'networkidle' });
      expect(res?.status()).toBe(200);
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((line) => !line.startsWith('200 '))).toEqual([]);
      // Solid has mounted something into #root.
      await page.waitForFunction(() => (document.getElementById('root')?.childElementCount ?? 0) > 0, undefined, {
        timeout: 10_000,
      });
      expect(consoleErrors(page)).toEqual([]);
      await screenshot(page, `smoke-${device}`);
      await expectAccessible(page);
      await page.close();
    });
  }
});

describe('the harness', () => {
  it('expectAccessible fails listing each serious violation, and consoleErrors has what the page logged', async () => {
    const page = await openPage(browser());
    await page.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><button></button><script>console.error("boom")</script></main></html>',
    );
    const failure = await expectAccessible(page).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toContain('critical button-name: Buttons must have discernible text');
    expect(consoleErrors(page)).toEqual([expect.stringContaining('console.error: boom')]);
    await page.close();
  });
});

describe("the app's Content-Security-Policy", () => {
  it('is sent with the page, and a violation is reported as an error', async () => {
    const page = await openPage(browser());
    const res = await page.goto(inject('e2eDevUrl'), { waitUntil: 'networkidle' });
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    // What an injected inline script would be: refused by the policy, and the refusal is seen.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    await expect
      .poll(() => consoleErrors(page).filter((line) => line.includes('CSP violation: script-src')))
      .toHaveLength(1);
    expect(await page.evaluate(() => 'injected' in window)).toBe(false);
    await page.close();
    // The violation was deliberate: take it off the list every test is checked against.
    clearCspViolations();
  });
});

describe('the supabase Worker', () => {
  it("accepts an access token from the fake Supabase Auth's PKCE exchange: GET /api/me is 200", async () => {
    const session = await supabaseSession('google');
    const res = await fetch(`${inject('e2eSupabaseUrl')}/api/me`, {
      headers: { authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: FAKE_IDENTITIES.google.userId,
      email: 'google-user@example.com',
      tier: 'free',
    });
  });

  it('refuses a dev-mode token: only tokens its JWKS verifies are accepted', async () => {
    const dev = await devSession();
    const res = await fetch(`${inject('e2eSupabaseUrl')}/api/me`, {
      headers: { authorization: `Bearer ${dev.accessToken}` },
    });
    expect(res.status).toBe(401);
  });
});
