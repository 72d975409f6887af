// Issue 22, phone layouts (375 px, touch): the API keys table overflowed (Revoke out of sight), the
// Usage page's by-model table hid columns off its right edge, and the composer's placeholder spoke
// of Shift+Enter, which a touch keyboard does not have. And the conversation's bar (Settings, Share,
// Export) took a row of its own under the Conversations button.
import { describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { composer, expectNoHorizontalScroll, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { seedUsage, signInWithLimits } from './accounts.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();

/**
 * Whether any element the locator matches is on screen as it is, with nothing scrolled: of a
 * readable size, inside the viewport and not clipped by a scrolling or hiding ancestor.
 */
async function inSight(locator: Locator) {
  return locator.evaluateAll((elements) =>
    elements.some((element) => {
      const box = element.getBoundingClientRect();
      if (box.width < 4 || box.height < 4 || box.left < 0 || box.right > window.innerWidth) return false;
      for (let up = element.parentElement; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (style.overflowX === 'visible' && style.clipPath === 'none') continue;
        const clip = up.getBoundingClientRect();
        if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5 || clip.width < 4) return false;
      }
      return true;
    }),
  );
}

describe('phone layouts', () => {
  it('API keys: every key shows its Revoke button on screen, and it works, with no sideways scroll', async () => {
    const page = await openPage(browser(), 'phone');
    const email = `keys-${crypto.randomUUID()}@example.com`;
    const { accessToken } = await devSession(email);
    for (const name of ['Deploy bot for the staging cluster', 'Laptop']) {
      const res = await fetch(`${inject('e2eDevUrl')}/api/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      expect(res.status).toBe(201);
    }
    await signInByEmail(page, '/keys', email);
    const revoke = page.getByRole('button', { name: 'Revoke key “Deploy bot for the staging cluster”' });
    await revoke.waitFor();
    await expectNoHorizontalScroll(page);
    for (const name of ['Deploy bot for the staging cluster', 'Laptop'])
      expect(await inSight(page.getByRole('button', { name: `Revoke key “${name}”` }))).toBe(true);
    expect(await inSight(page.getByText('Deploy bot for the staging cluster'))).toBe(true);
    await screenshot(page, 'keys-phone');
    await expectAccessible(page);
    await revoke.tap();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).tap();
    await revoke.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Revoke key “Laptop”' }).count()).toBe(1);
    await page.close();
  });

  it("Usage: the by-model table shows every column's figures on screen", async () => {
    const page = await openPage(browser(), 'phone');
    const { userId } = await signInWithLimits(page, {}, '/usage');
    await seedUsage(userId, [
      {
        model: 'anthropic/claude-sonnet-5-5',
        requests: 1234,
        inputTokens: 9876543,
        outputTokens: 1234567,
        costUsd: '32.1',
      },
      { model: 'openai/gpt-4.1-mini', requests: 56, inputTokens: 45678, outputTokens: 7890, costUsd: '2.5' },
    ]);
    await page.reload();
    const table = page.getByRole('region', { name: 'Requests, tokens and cost by model' });
    await table.getByText('Claude Sonnet 5.5').waitFor();
    await expectNoHorizontalScroll(page);
    for (const figure of ['1,234', '9,876,543', '1,234,567', '$32.10', '45,678', '7,890', '$2.50']) {
      const cell = table.getByRole('cell', { name: figure, exact: true });
      expect(await inSight(cell), figure).toBe(true);
    }
    // Each figure says which column it is.
    for (const heading of ['Requests', 'Input tokens', 'Output tokens', 'Cost'])
      expect(await inSight(table.getByText(heading, { exact: true })), heading).toBe(true);
    await screenshot(page, 'usage-phone');
    await expectAccessible(page);
    await page.close();
  });

  it('the composer does not mention Shift+Enter on a touch screen (it still does with a mouse)', async () => {
    const phone = await openPage(browser(), 'phone');
    await signInByEmail(phone);
    const placeholder = (page: Page) => composer(page).getAttribute('placeholder');
    await composer(phone).waitFor();
    expect(await placeholder(phone)).toMatch(/Message Parley/);
    expect(await placeholder(phone)).not.toMatch(/Shift|Enter/);
    await phone.close();
    const desktop = await openPage(browser());
    await signInByEmail(desktop);
    expect(await placeholder(desktop)).toMatch(/Shift\+Enter/);
    await desktop.close();
  });

  it("the conversation's bar shares one row with the Conversations button, and each action works by keyboard", async () => {
    const page = await openPage(browser(), 'phone', { viewport: { width: 390, height: 844 } });
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] Plan a weekend in Porto');
    await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    await waitForReplyEnd(page);
    const toggle = page.getByRole('button', { name: 'Conversations', exact: true });
    const settings = page.getByRole('button', { name: 'Settings', exact: true });
    const share = page.getByRole('button', { name: 'Share', exact: true });
    const exportMenu = page.locator('summary', { hasText: 'Export' });
    const middle = async (locator: Locator) => {
      const box = (await locator.boundingBox())!;
      return { y: box.y + box.height / 2, right: box.x + box.width };
    };
    const row = (await middle(toggle)).y;
    for (const action of [settings, share, exportMenu]) {
      const place = await middle(action);
      expect(Math.abs(place.y - row)).toBeLessThan(6);
      expect(place.right).toBeLessThanOrEqual(390);
    }
    // The first message starts one row below the app's top bar.
    const chatTop = (await page.locator('header.topbar').boundingBox())!;
    const first = (await page.getByRole('article', { name: 'You' }).first().boundingBox())!;
    const gap = first.y - (chatTop.y + chatTop.height);
    console.log(`phone 390×844: first message at ${first.y} px, ${gap} px below the top bar`);
    await screenshot(page, 'conversation-bar-phone');
    // One row of buttons and the list's own padding: under 80 px (two rows took 107).
    expect(gap).toBeLessThan(80);
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);

    // By keyboard: Settings, Share and Export each in turn after the Conversations button.
    await toggle.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const settingsDialog = page.getByRole('dialog', { name: 'Conversation settings' });
    await settingsDialog.waitFor();
    await page.keyboard.press('Escape');
    await settingsDialog.waitFor({ state: 'hidden' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const shareDialog = page.getByRole('dialog', { name: 'Share this conversation' });
    await shareDialog.waitFor();
    await page.keyboard.press('Escape');
    await shareDialog.waitFor({ state: 'hidden' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Export as Markdown' }).waitFor();
    await page.keyboard.press('Tab');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    await page.close();
  });
});
