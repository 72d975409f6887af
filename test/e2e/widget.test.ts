// Issue 10: the embeddable widget on a website of another origin, in a real browser against the
// whole stack: it opens and streams, the host's hostile CSS cannot touch it, an origin not on the
// list gets a clear message, a reply continues across pages, a strict CSP page works, axe finds
// nothing serious, and the owner sees the visitor's conversation (read-only) and usage.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';
import { startHostSite } from './host-site.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const SITE = 'Corner Shop';
let host: Awaited<ReturnType<typeof startHostSite>>;
let stranger: Awaited<ReturnType<typeof startHostSite>>;
let ownerEmail: string;

beforeAll(async () => {
  host = await startHostSite(inject('e2eDevUrl'));
  stranger = await startHostSite(inject('e2eDevUrl'));
  ownerEmail = `owner-${crypto.randomUUID()}@example.com`;
  const owner = await devSession(ownerEmail);
  const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: SITE,
      allowedOrigins: [host.url],
      greeting: 'Hi! Ask me anything about the shop.',
      model: 'anthropic/claude-haiku-4-5',
      // Every page here is a new visitor from this one machine's address: past the default 10
      // sessions a minute per address (the limit has tests of its own, test/worker/widget-limits.test.ts).
      sessionsPerIpPerMinute: 1000,
    }),
  });
  if (res.status !== 201) throw new Error(`creating the site failed: ${res.status} ${await res.text()}`);
  const site = (await res.json()) as { publicKey: string };
  host.useSiteKey(site.publicKey);
  stranger.useSiteKey(site.publicKey);
});

afterAll(async () => {
  await host?.close();
  await stranger?.close();
});

const panel = (page: Page) => page.getByRole('dialog', { name: SITE });
const replies = (page: Page) => panel(page).getByRole('article', { name: SITE });

async function openWidget(page: Page, path: string, site = host) {
  await page.goto(`${site.url}${path}`);
  await page.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  await panel(page).waitFor();
}

async function ask(page: Page, text: string) {
  const box = panel(page).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

const replyEnded = (page: Page) =>
  page.waitForFunction(
    () => !document.querySelector('parley-widget')?.shadowRoot?.querySelector('[role="dialog"][data-streaming]'),
    undefined,
    { timeout: 20_000 },
  );

describe('the widget on a host page', () => {
  it('opens from its bubble and streams a reply', async () => {
    const page = await openPage(browser());
    await openWidget(page, '/one.html');
    expect(await panel(page).innerText()).toContain('Hi! Ask me anything about the shop.');
    await ask(page, '[[fake tokens=30 tps=40]] When do you open?');
    await panel(page).getByRole('button', { name: 'Stop' }).waitFor();
    await replyEnded(page);
    expect((await replies(page).last().innerText()).replace(/\s+/g, ' ')).toContain(
      expectedReplyText('anthropic', 30).trim().replace(/\s+/g, ' '),
    );
    await screenshot(page, 'widget-open');
    await expectAccessible(page);
    // Nothing but its one namespace on window.
    expect(await page.evaluate(() => Object.getOwnPropertyNames(window).filter((k) => /parley/i.test(k)))).toEqual([
      'ParleyWidget',
    ]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('is busy from the moment a message is sent, before the server answers', async () => {
    const page = await openPage(browser());
    // The send's answer held back: the panel must not look ready for another message meanwhile.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/widget\/conversations\/[^/]+\/messages$/, async (route) => {
      await held;
      await route.continue();
    });
    await openWidget(page, '/one.html');
    await ask(page, '[[fake tokens=5]] Are you open on Sundays?');
    await panel(page).getByRole('button', { name: 'Stop' }).waitFor();
    const box = panel(page).getByRole('textbox', { name: 'Message' });
    expect(await box.getAttribute('aria-disabled')).toBe('true');
    expect(await box.getAttribute('placeholder')).toBe('Wait for the reply, or press Stop…');
    release();
    await expect
      .poll(async () => (await replies(page).last().innerText()).replace(/\s+/g, ' '))
      .toContain(expectedReplyText('anthropic', 5).trim().replace(/\s+/g, ' '));
    await replyEnded(page);
    expect(await panel(page).getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
    await page.close();
  });

  it("is untouched by the host page's aggressive global CSS", async () => {
    const styleOf = async (page: Page) =>
      page.getByRole('button', { name: 'Open chat' }).evaluate((button) => {
        const style = getComputedStyle(button);
        const box = button.getBoundingClientRect();
        return {
          display: style.display,
          fontSize: style.fontSize,
          background: style.backgroundColor,
          width: Math.round(box.width),
          height: Math.round(box.height),
        };
      });
    const plain = await openPage(browser());
    await plain.goto(`${host.url}/one.html`);
    await plain.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
    const expected = await styleOf(plain);
    await plain.close();

    const page = await openPage(browser());
    await page.goto(`${host.url}/hostile-css.html`);
    await page.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
    expect(await styleOf(page)).toEqual(expected);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await ask(page, '[[fake tokens=5]] Still there?');
    await expect.poll(() => replies(page).count()).toBe(1);
    await replyEnded(page);
    expect(await panel(page).evaluate((dialog) => getComputedStyle(dialog).fontSize)).not.toBe('40px');
    await screenshot(page, 'widget-hostile-css');
    await page.close();
  });

  it('says plainly that the chat is not available on an origin not on the list', async () => {
    const page = await openPage(browser());
    await page.goto(`${stranger.url}/one.html`);
    await page.locator('parley-widget[data-status="unavailable"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText("This chat isn't available on this website").waitFor();
    await screenshot(page, 'widget-unavailable');
    await page.close();
  });

  it('continues a reply on the next page of the site: shown once, complete', async () => {
    const page = await openPage(browser());
    await openWidget(page, '/one.html');
    await ask(page, '[[fake tokens=80 tps=20]] Tell me a long story');
    await expect.poll(async () => (await replies(page).last().innerText()).length).toBeGreaterThan(40);
    await page.getByRole('link', { name: 'Page two' }).click();
    await page.waitForURL(/\/two\.html$/);
    await panel(page).waitFor();
    await replyEnded(page);
    await expect
      .poll(async () => (await replies(page).last().innerText()).replace(/\s+/g, ' '))
      .toContain(expectedReplyText('anthropic', 80).trim().replace(/\s+/g, ' '));
    expect(await replies(page).count()).toBe(1);
    expect((await replies(page).last().innerText()).split('token-80').length).toBe(2);
    await page.close();
  });

  it('works on a page whose Content-Security-Policy allows only Parley for scripts and connections', async () => {
    const page = await openPage(browser());
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await openWidget(page, '/strict-csp.html');
    await ask(page, '[[fake tokens=12]] Hello under CSP');
    await expect
      .poll(async () =>
        (
          await replies(page)
            .last()
            .innerText()
            .catch(() => '')
        ).replace(/\s+/g, ' '),
      )
      .toContain(expectedReplyText('anthropic', 12).trim().replace(/\s+/g, ' '));
    expect(violations).toEqual([]);
    await page.close();
  });

  it("shows the site's owner the visitor's conversation, read-only, and its usage", async () => {
    const visitor = await openPage(browser());
    await openWidget(visitor, '/two.html');
    await ask(visitor, '[[fake tokens=9]] A question for the owner');
    // The whole reply, not just its placeholder: the panel marks itself streaming only once the
    // server has answered the send, so "no longer streaming" alone can pass before the send leaves.
    await expect
      .poll(async () =>
        (
          await replies(visitor)
            .last()
            .innerText()
            .catch(() => '')
        ).replace(/\s+/g, ' '),
      )
      .toContain(expectedReplyText('anthropic', 9).trim().replace(/\s+/g, ' '));
    await replyEnded(visitor);
    await visitor.close();

    const page = await openPage(browser());
    await signInByEmail(page, '/sites', ownerEmail);
    // Issue 22: a visitor's conversation is listed with its site, not among the owner's own chats.
    const site = page.getByRole('region', { name: SITE });
    await site.getByRole('link', { name: `Visitors, questions, costs and privacy of ${SITE}` }).click();
    await page.getByRole('heading', { name: `Visitors of ${SITE}` }).waitFor();
    await page.getByRole('button', { name: /A question for the owner/ }).click();
    // Issue 23: read in the site's own view, read-only (the question and its reply; nothing to send with).
    const transcript = page.getByRole('region', { name: /A question for the owner/ });
    await expect.poll(() => transcript.getByRole('listitem').count()).toBe(2);
    expect(await transcript.getByRole('listitem').first().innerText()).toContain('A question for the owner');
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('complementary', { name: 'Conversations' }).getByText('No conversations yet.').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await expect
      .poll(async () =>
        Number(await page.getByRole('meter', { name: 'Tokens used this month' }).getAttribute('aria-valuenow')),
      )
      .toBeGreaterThan(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: SITE }).waitFor();
    expect(await page.getByLabel(/Paste this into your pages/).inputValue()).toMatch(
      /^<script src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-site="pk_site_\w+" async><\/script>$/,
    );
    // The live preview runs the real widget in a page on Parley's own origin.
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.frameLocator(`iframe[title="Preview of the widget for ${SITE}"]`);
    await preview.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Hide preview' }).scrollIntoViewIfNeeded();
    await expectAccessible(page);
    await screenshot(page, 'sites-page');
    await page.close();
  });
});

// Issue 23: limits a site owner sets. A visitor past one reads why in the panel, in words for them.
describe("a site's limits", () => {
  it("tells the visitor politely, in the panel, that the site's tokens for today are spent", async () => {
    const limited = await startHostSite(inject('e2eDevUrl'));
    try {
      const owner = await devSession(`owner-${crypto.randomUUID()}@example.com`);
      const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: SITE,
          allowedOrigins: [limited.url],
          model: 'anthropic/claude-haiku-4-5',
          dailyTokenBudget: 1_000,
        }),
      });
      expect(res.status).toBe(201);
      limited.useSiteKey(((await res.json()) as { publicKey: string }).publicKey);

      const page = await openPage(browser());
      await openWidget(page, '/one.html', limited);
      await ask(page, '[[fake tokens=900]] Tell me everything');
      // The whole reply (the panel marks itself streaming only once the send is answered).
      await expect
        .poll(async () =>
          replies(page)
            .last()
            .innerText()
            .catch(() => ''),
        )
        .toContain('token-900');
      await replyEnded(page);
      await ask(page, '[[fake tokens=5]] And one more thing?');
      await panel(page).getByText('This chat has answered all it can for today: please come back tomorrow').waitFor();
      // Refused before anything was stored: no second reply, and the question is back in the box to send later.
      expect(await replies(page).count()).toBe(1);
      expect(await panel(page).getByRole('textbox', { name: 'Message' }).inputValue()).toBe(
        '[[fake tokens=5]] And one more thing?',
      );
      expect(await panel(page).innerText()).not.toMatch(/site_daily_budget_spent|Something went wrong|try again later/);
      await screenshot(page, 'widget-daily-budget-spent');
      await expectAccessible(page);
      await page.close();
    } finally {
      await limited.close();
    }
  });

  it('lets the owner set the limits on the Sites page, each labelled with what it does', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/sites');
    await page.getByText('No sites yet.').waitFor();
    await page.getByRole('button', { name: 'Add a site' }).click();
    await page.getByLabel('Name').fill('Limited shop');
    await page.getByLabel(/Allowed origins/).fill('https://limited.example');
    const limits = page.getByRole('group', { name: 'Limits for visitors' });
    expect(await limits.getByLabel(/Conversations an hour per visitor/).inputValue()).toBe('20');
    expect(await limits.getByLabel(/Chat sessions a minute per network address/).inputValue()).toBe('10');
    expect(await limits.getByLabel(/Tokens a day for the whole site/).inputValue()).toBe('200000');
    await limits.getByLabel(/Conversations an hour per visitor/).fill('5');
    await limits.getByLabel(/Tokens a day for the whole site/).fill('50000');
    await limits.scrollIntoViewIfNeeded();
    await screenshot(page, 'site-form-limits');
    await expectAccessible(page);
    // Saved from the keyboard (Enter in a field submits the form).
    await limits.getByLabel(/Tokens a day for the whole site/).press('Enter');
    const site = page.getByRole('region', { name: 'Limited shop' });
    await site.getByText(/5 conversations an hour per visitor/).waitFor();
    expect(await site.innerText()).toMatch(/50,000 tokens a day/);
    await screenshot(page, 'sites-page-limits');
    await expectAccessible(page);
    await page.close();
  });
});

// Issue 23: the visitor's identity is Parley's credential, kept per site in localStorage; a site
// may ask new visitors to pass Cloudflare Turnstile first (the stack's fake, as its test keys behave).
describe("the widget's visitor identity and Turnstile", () => {
  it("keeps the visitor's conversation across a reload (the credential is stored), loading nothing of Turnstile", async () => {
    const page = await openPage(browser());
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await openWidget(page, '/one.html');
    await ask(page, '[[fake tokens=8]] Remember me after a reload');
    await expect
      .poll(async () => (await replies(page).last().innerText()).replace(/\s+/g, ' '))
      .toContain(expectedReplyText('anthropic', 8).trim().replace(/\s+/g, ' '));
    await replyEnded(page);
    const saved = await page.evaluate(() =>
      Object.entries(localStorage)
        .filter(([key]) => key.startsWith('parley-widget:'))
        .map(([, value]) => JSON.parse(value) as Record<string, unknown>),
    );
    expect(saved).toEqual([expect.objectContaining({ credential: expect.stringMatching(/^ey/) })]);
    expect(saved[0]).not.toHaveProperty('visitorId');

    await page.reload();
    await panel(page).waitFor(); // it was open: it opens again
    await panel(page).getByText('Remember me after a reload').waitFor();
    await expect
      .poll(async () => (await replies(page).last().innerText()).replace(/\s+/g, ' '))
      .toContain(expectedReplyText('anthropic', 8).trim().replace(/\s+/g, ' '));
    expect(requested.filter((url) => /turnstile/.test(url))).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);

    // Another browser (no credential) is another visitor: the conversation is not theirs.
    const stranger = await openPage(browser());
    await openWidget(stranger, '/one.html');
    expect(await panel(stranger).innerText()).not.toContain('Remember me after a reload');
    await page.close();
    await stranger.close();
  });

  it('shows the Turnstile challenge to a new visitor on a site that turned it on, then chats', async () => {
    const guarded = await startHostSite(inject('e2eDevUrl'));
    try {
      const owner = await devSession(ownerEmail);
      const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: SITE,
          allowedOrigins: [guarded.url],
          greeting: 'Hi! Ask me anything about the shop.',
          model: 'anthropic/claude-haiku-4-5',
          // Cloudflare's documented test keys: the widget always passes, Siteverify always accepts.
          turnstile: { siteKey: '1x00000000000000000000AA', secretKey: '1x0000000000000000000000000000000AA' },
        }),
      });
      expect(res.status).toBe(201);
      guarded.useSiteKey(((await res.json()) as { publicKey: string }).publicKey);

      const page = await openPage(browser(), 'phone');
      await page.goto(`${guarded.url}/one.html`);
      await page.locator('parley-widget[data-status="challenge"]').waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Open chat' }).click();
      // Named "Chat" until a session names the site.
      const dialog = page.getByRole('dialog', { name: 'Chat' });
      await dialog.getByText("Please confirm you're a person to start chatting.").waitFor();
      await dialog.getByText('Verifying you are human…').waitFor();
      expect(await dialog.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
      await screenshot(page, 'widget-turnstile-challenge');
      await expectAccessible(page);

      await panel(page).getByText('Hi! Ask me anything about the shop.').waitFor();
      await page.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
      await ask(page, '[[fake tokens=6]] Hello after the check');
      await expect
        .poll(async () => (await replies(page).last().innerText()).replace(/\s+/g, ' '))
        .toContain(expectedReplyText('anthropic', 6).trim().replace(/\s+/g, ' '));
      await replyEnded(page);
      await screenshot(page, 'widget-turnstile-passed');
      // The 403 turnstile_required of the first session is the only refusal the browser saw.
      expect(consoleErrors(page).filter((e) => !/403/.test(e))).toEqual([]);

      // Back on the next page as the same visitor: no second challenge.
      await page.goto(`${guarded.url}/two.html`);
      await page.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
      await panel(page).getByText('Hello after the check').waitFor();
      await page.close();
    } finally {
      await guarded.close();
    }
  });
});

describe("the Sites page's Turnstile fields", () => {
  it('turn Turnstile on with a site key and secret, and never show the secret again', async () => {
    const owner = await devSession(ownerEmail);
    const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bakery', allowedOrigins: ['https://bakery.example'] }),
    });
    expect(res.status).toBe(201);
    const secret = '1x0000000000000000000000000000000AA';
    const page = await openPage(browser());
    await signInByEmail(page, '/sites', ownerEmail);
    await page.getByRole('button', { name: 'Edit Bakery' }).click();
    await page.getByRole('checkbox', { name: /Turnstile check/ }).check();
    await page.getByLabel('Turnstile site key').fill('1x00000000000000000000AA');
    await page.getByLabel(/Turnstile secret key/).fill(secret);
    await screenshot(page, 'sites-turnstile-form');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save site' }).click();
    const card = page.getByRole('region', { name: 'Bakery' });
    await card.getByText('Turnstile on').waitFor();

    await page.reload();
    await page.getByRole('button', { name: 'Edit Bakery' }).click();
    expect(await page.getByLabel('Turnstile site key').inputValue()).toBe('1x00000000000000000000AA');
    expect(await page.getByLabel(/Turnstile secret key/).inputValue()).toBe('');
    await page.getByText('stored and never shown').waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
