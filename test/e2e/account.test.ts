// Issue 9: usage, API keys, billing, the phone layout and the dark theme, in a real browser.
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { expectNoHorizontalScroll, lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

const tokensUsed = async (page: Page) =>
  Number(await page.getByRole('meter', { name: 'Tokens used this month' }).getAttribute('aria-valuenow'));

describe('usage', () => {
  it('shows the quota rising after a reply', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/usage');
    await page.getByRole('meter', { name: 'Tokens used this month' }).waitFor();
    expect(await tokensUsed(page)).toBe(0); // a new account
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await sendFromComposer(page, '[[fake tokens=120]] Spend some tokens');
    await waitForReplyEnd(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    // 120 tokens out, and in the fake's count of the prompt, ceil(37 characters / 4) = 10.
    await expect.poll(() => tokensUsed(page)).toBe(130);
    await screenshot(page, 'usage-desktop');
    await expectAccessible(page);
    await page.close();
  });
});

describe('API keys', () => {
  it('creates a key shown once, which works at /v1 until it is revoked', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/keys');
    await page.getByLabel('Name').fill('e2e script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('Secret key').inputValue();
    expect(secret).toMatch(/^sk-parley-[0-9A-Za-z]{65}$/);
    expect(await page.getByText(/curl .*\/v1\/chat\/completions/).count()).toBeGreaterThan(0);
    await screenshot(page, 'keys-created');
    await expectAccessible(page);
    const models = () =>
      fetch(`${inject('e2eDevUrl')}/v1/models`, { headers: { authorization: `Bearer ${secret}` } }).then(
        (r) => r.status,
      );
    expect(await models()).toBe(200);

    await page.reload();
    expect(await page.getByLabel('Secret key').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: /Revoke key “e2e script”/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('button', { name: /Revoke key “e2e script”/ }).waitFor({ state: 'detached' });
    expect(await models()).toBe(401);
    await page.close();
  });
});

describe('billing', () => {
  it('shows the plan and its limits, and Upgrade leaves for Stripe Checkout', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/billing');
    await page.getByRole('heading', { name: 'Billing', level: 1 }).waitFor();
    await expect.poll(() => page.locator('main, #main').first().innerText()).toMatch(/free/i);
    await expectAccessible(page);
    await screenshot(page, 'billing');
    // The fake Stripe's Checkout URL is on checkout.stripe.com, unreachable offline: answer it here.
    await page.route('https://checkout.stripe.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Checkout</title><h1>Checkout</h1>' }),
    );
    await page.getByRole('button', { name: /Upgrade/ }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    await page.close();
  });
});

describe('the phone layout (375 px)', () => {
  it('fits the screen; the conversations open as a drawer', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=30]] Hello from a phone');
    await waitForReplyEnd(page);
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'chat-phone');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Conversations' }).click();
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await sidebar.getByRole('link', { name: /Hello from a phone/ }).waitFor();
    await screenshot(page, 'chat-phone-drawer');
    await sidebar.getByRole('link', { name: /Hello from a phone/ }).click();
    await lastReply(page).waitFor();
    for (const path of ['/usage', '/keys', '/billing']) {
      await page.goto(`${inject('e2eDevUrl')}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await expectNoHorizontalScroll(page);
      await expectAccessible(page);
    }
    await page.close();
  });
});

describe('the dark theme', () => {
  it('follows the system, and stays readable', async () => {
    const page = await openPage(browser(), 'desktop', { colorScheme: 'dark' });
    await signInByEmail(page);
    await sendFromComposer(
      page,
      '[[fake echo=1]] Here is code:\n\n```ts\nconst answer: number = 42;\n```\n\nAnd a **list**:\n\n- one\n- two',
    );
    await waitForReplyEnd(page);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 255, 255)');
    await screenshot(page, 'chat-dark');
    await expectAccessible(page);
    await page.close();
  });
});
