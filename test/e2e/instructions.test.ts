// Issue 22, item 2: instructions and parameters in the browser. Custom instructions set on the
// Account page, a conversation's system prompt, temperature and longest reply set in its settings
// dialog; the vendor receives them (read from the fake upstream's request log), the line above the
// composer says what applies, and a reload keeps them; at desktop and phone sizes.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser, type Device } from './browser.ts';
import { expectNoHorizontalScroll, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

type LoggedRequest = { prompt?: string; sampling?: { temperature?: number; maxTokens?: number } };

async function vendorRequests(key: string) {
  return (await (await fetch(`${inject('e2eUpstreamUrl')}/__control/requests?key=${key}`)).json()) as LoggedRequest[];
}

const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Conversation settings' });

for (const device of ['desktop', 'phone'] as Device[]) {
  describe(`instructions and parameters (${device})`, () => {
    it('custom instructions from the Account page and a conversation’s settings reach the vendor, are shown above the composer and survive a reload', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page, '/account');

      // The Account page: Custom instructions with a character count.
      const instructions = page.getByRole('textbox', { name: /What should Parley know about you/ });
      await instructions.fill('Call me Ada.');
      await page.getByText('12 / 4,000 characters').waitFor();
      await page.getByRole('button', { name: 'Save instructions' }).click();
      await page.getByRole('status').getByText('Custom instructions saved.').waitFor();
      await expectNoHorizontalScroll(page);
      await expectAccessible(page);
      await screenshot(page, `instructions-account-${device}`);

      // A new conversation; its settings from the conversation's bar.
      await page.goto(`${inject('e2eDevUrl')}/`);
      await page.getByLabel('Model').selectOption('anthropic/claude-haiku-4-5');
      await sendFromComposer(page, '[[fake tokens=3]] Hello');
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
      await waitForReplyEnd(page);
      // The line above the composer says what applies; its name is "Conversation settings: <what applies>".
      const summary = (applies: string) =>
        page.getByRole('button', { name: `Conversation settings: ${applies}`, exact: true });
      const all = 'Custom instructions · System prompt · Temperature 0.3 · Up to 1,000 tokens';
      await summary('Custom instructions').waitFor();

      const opener = page.getByRole('button', { name: 'Settings', exact: true });
      await opener.click();
      const dialog = settingsDialog(page);
      await dialog.waitFor();
      await dialog.getByLabel('System prompt').fill('You are a ship pilot.');
      expect(await dialog.getByLabel('Temperature, 0 to 2').isDisabled()).toBe(true);
      await dialog.getByLabel('Model default').uncheck();
      await dialog.getByLabel('Temperature, 0 to 2').fill('0.3');
      await dialog.getByText('0.3', { exact: true }).waitFor();
      await dialog.getByLabel('Max reply length (tokens)').fill('1000');
      await expectAccessible(page);
      await screenshot(page, `instructions-settings-${device}`);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // Focus goes back to the button that opened the dialog.
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Settings');
      await summary(all).waitFor();

      // The next reply is sent with them all.
      const key = crypto.randomUUID();
      await sendFromComposer(page, `[[fake tokens=3 prompt=1 key=${key}]] Where are we?`);
      await waitForReplyEnd(page);
      const [request] = await vendorRequests(key);
      expect(request?.prompt?.startsWith('Call me Ada.\n\nYou are a ship pilot.\n')).toBe(true);
      expect(request?.sampling).toMatchObject({ temperature: 0.3, maxTokens: 1000 });
      await expectNoHorizontalScroll(page);
      await screenshot(page, `instructions-summary-${device}`);

      // A reload keeps them; the line above the composer opens the settings as they were saved.
      await page.reload();
      await waitForReplyEnd(page);
      await summary(all).click();
      await dialog.waitFor();
      expect(await dialog.getByLabel('System prompt').inputValue()).toBe('You are a ship pilot.');
      expect(await dialog.getByLabel('Model default').isChecked()).toBe(false);
      expect(await dialog.getByLabel('Temperature, 0 to 2').inputValue()).toBe('0.3');
      expect(await dialog.getByLabel('Max reply length (tokens)').inputValue()).toBe('1000');
      // Esc closes it without saving.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(consoleErrors(page)).toEqual([]);
      await page.close();
    });
  });
}

describe('custom instructions and who is signed in', () => {
  it('another person signing in on the same page never sees the first one’s instructions', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/account');
    const instructions = page.getByRole('textbox', { name: /What should Parley know about you/ });
    await instructions.fill('Call me Ada.');
    await page.getByRole('button', { name: 'Save instructions' }).click();
    await page.getByRole('status').getByText('Custom instructions saved.').waitFor();

    // Signed out and in as someone else, without the page loading again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await page.getByLabel('Email').fill(`e2e-${crypto.randomUUID()}@example.com`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await expect.poll(() => instructions.isEnabled()).toBe(true);
    expect(await instructions.inputValue()).toBe('');
    await page.close();
  });
});
