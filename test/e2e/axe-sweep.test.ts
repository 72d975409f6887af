// Issue 22, "done when": axe over every screen of the app in one sweep, at desktop and phone sizes.
// Each screen is visited as a person reaches it (sign-in, the chat empty and with messages, each
// dialog open, every page of the navigation, a site's visitors' conversations, the operators' page,
// a public share page and the 404 page); every serious or critical violation on any of them is
// listed together, so one run shows them all.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser, type Device } from './browser.ts';
import { composer, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const base = () => inject('e2eDevUrl');
/** In the e2e stack's OPERATOR_EMAILS (global-setup.ts). */
const OPERATOR = 'ops@e2e.example';
const SHOP = 'https://shop.example';

/** Runs axe on the page as it is and keeps what it found under the screen's name (with a screenshot to look at). */
function sweep(device: Device) {
  const found: string[] = [];
  const screens: string[] = [];
  return {
    found,
    screens,
    check: async (page: Page, screen: string) => {
      screens.push(screen);
      await screenshot(page, `axe-${device}-${screen}`);
      await expectAccessible(page).catch((error: Error) => found.push(`${screen}: ${error.message}`));
    },
  };
}

async function json<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${base()}${path}`, { ...rest, headers });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** An owner with a widget site whose visitor has asked something (read from Postgres by the Sites page, so waited for). */
async function ownerWithVisitor() {
  const owner = await devSession(`axe-owner-${crypto.randomUUID()}@example.com`);
  const site = await json<{ id: string; publicKey: string }>('/api/sites', {
    method: 'POST',
    token: owner.accessToken,
    body: JSON.stringify({ name: 'Harbour shop', allowedOrigins: [SHOP] }),
  });
  const visitor = await json<{ token: string }>('/api/widget/session', {
    method: 'POST',
    headers: { origin: SHOP },
    body: JSON.stringify({ siteKey: site.publicKey }),
  });
  const asVisitor = { token: visitor.token, headers: { origin: SHOP } };
  const conversation = await json<{ id: string }>('/api/widget/conversations', { method: 'POST', ...asVisitor });
  const res = await fetch(`${base()}/api/widget/conversations/${conversation.id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${visitor.token}`, origin: SHOP, 'content-type': 'application/json' },
    body: JSON.stringify({ content: '[[fake tokens=5]] Do you ship to Porto?' }),
  });
  if (!res.ok) throw new Error(`the visitor's message: ${res.status} ${await res.text()}`);
  await res.text();
  await expect
    .poll(
      async () =>
        (await json<{ items: unknown[] }>(`/api/conversations?siteId=${site.id}`, { token: owner.accessToken })).items
          .length,
      { timeout: 20_000 },
    )
    .toBe(1);
  return { email: owner.email, conversationId: conversation.id };
}

/** A dialog opened, checked, and closed with Esc. */
async function withDialog(page: Page, name: string, open: () => Promise<void>, check: () => Promise<void>) {
  await open();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await check();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
}

async function sweepApp(b: Browser, device: Device) {
  const { found, screens, check } = sweep(device);
  const page = await openPage(b, device);

  // Signed out: the sign-in page, and a share link that does not exist (the 404 page).
  await page.goto(`${base()}/signin`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await check(page, 'sign-in');
  const missing = await page.goto(`${base()}/s/${'x'.repeat(32)}`);
  expect(missing?.status()).toBe(404);
  await check(page, 'not-found');

  // The chat, empty: the new-conversation screen, its settings and the shortcuts' help.
  await signInByEmail(page);
  await composer(page).waitFor();
  await check(page, 'chat-new');
  await withDialog(
    page,
    'Conversation settings',
    () => page.getByRole('button', { name: 'Settings', exact: true }).click(),
    () => check(page, 'chat-new-settings'),
  );
  await withDialog(
    page,
    'Keyboard shortcuts',
    async () => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('?');
    },
    () => check(page, 'shortcuts'),
  );

  // The chat with messages, its settings, share (with a link made) and export.
  await sendFromComposer(page, '[[fake tokens=30]] Plan a weekend in Porto');
  await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
  await waitForReplyEnd(page);
  await check(page, 'chat-messages');
  await withDialog(
    page,
    'Conversation settings',
    () => page.getByRole('button', { name: 'Settings', exact: true }).click(),
    () => check(page, 'chat-settings'),
  );
  let shareUrl = '';
  await withDialog(
    page,
    'Share this conversation',
    () => page.getByRole('button', { name: 'Share', exact: true }).click(),
    async () => {
      await page.getByRole('button', { name: 'Create link' }).click();
      const link = page.getByRole('textbox', { name: 'Share link 1' });
      await link.waitFor();
      shareUrl = await link.inputValue();
      await check(page, 'chat-share');
    },
  );
  await page.locator('summary', { hasText: 'Export' }).click();
  await page.getByRole('button', { name: 'Export as Markdown' }).waitFor();
  await check(page, 'chat-export');
  await page.locator('summary', { hasText: 'Export' }).click();
  if (device === 'phone') {
    await page.getByRole('button', { name: 'Conversations', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search conversations' }).waitFor();
    await check(page, 'chat-drawer');
    await page.getByRole('button', { name: 'Close conversations' }).click();
  }

  // Every page of the navigation.
  const pages: Array<[string, string]> = [
    ['/account', 'Account'],
    ['/usage', 'Usage'],
    ['/billing', 'Billing'],
    ['/keys', 'API keys'],
  ];
  for (const [path, heading] of pages) {
    await page.goto(`${base()}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForLoadState('networkidle');
    await check(page, path.slice(1));
  }
  await page.getByRole('textbox', { name: 'Name' }).fill('Laptop');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('heading', { name: /Your new key/ }).waitFor();
  await check(page, 'keys-secret');
  await page.close();

  // Sites, and a site's own view with a visitor's conversation opened as its owner reads it.
  const owner = await ownerWithVisitor();
  const sites = await openPage(b, device);
  await signInByEmail(sites, '/sites', owner.email);
  await sites.getByRole('heading', { level: 2, name: 'Harbour shop' }).waitFor();
  await check(sites, 'sites');
  await sites
    .getByRole('region', { name: 'Harbour shop' })
    .getByRole('link', { name: 'Visitors, questions, costs and privacy of Harbour shop' })
    .click();
  await sites.getByRole('heading', { name: 'Visitors of Harbour shop' }).waitFor();
  const visitorConversation = sites
    .getByRole('region', { name: 'Conversations' })
    .locator('ul > li')
    .filter({ hasText: /Do you ship to Porto/ });
  await visitorConversation.waitFor();
  await sites.getByRole('heading', { name: 'Questions asked most' }).waitFor();
  await check(sites, 'site-view');
  await visitorConversation.getByRole('button').first().click();
  await sites.locator('#site-transcript').getByRole('listitem').first().waitFor();
  await check(sites, 'visitor-conversation');
  await sites.close();

  // The operators' page.
  const ops = await openPage(b, device);
  await signInByEmail(ops, '/ops', OPERATOR);
  await ops.getByRole('heading', { level: 1, name: 'Operators' }).waitFor();
  await ops.getByRole('heading', { name: 'Health' }).waitFor();
  await ops.waitForLoadState('networkidle');
  await check(ops, 'ops');
  await ops.close();

  // The public share page, signed out.
  const reader = await openPage(b, device);
  await reader.goto(shareUrl);
  await reader.getByText('Plan a weekend in Porto').first().waitFor();
  await check(reader, 'share-page');
  await reader.close();

  return { found, screens };
}

for (const device of ['desktop', 'phone'] as Device[]) {
  describe(`axe over every screen (${device})`, () => {
    it('finds no serious or critical violation on any of them', async () => {
      const { found, screens } = await sweepApp(browser(), device);
      console.log(`axe (${device}) swept ${screens.length} screens: ${screens.join(', ')}`);
      expect(found).toEqual([]);
    }, 120_000);
  });
}
