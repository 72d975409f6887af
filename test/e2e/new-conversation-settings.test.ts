// Issue 22 leftovers: a conversation's settings (system prompt, temperature, longest reply) were
// offered only once it existed; now the new-conversation screen offers them and the first send makes
// the conversation with them. And the line above the composer that says what applies appeared only
// when /api/me had answered, moving the composer by a line: now it holds its line from the first paint.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser, type Device } from './browser.ts';
import { composer, expectNoHorizontalScroll, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

type LoggedRequest = { prompt?: string; sampling?: { temperature?: number; maxTokens?: number } };

async function vendorRequests(key: string) {
  return (await (await fetch(`${inject('e2eUpstreamUrl')}/__control/requests?key=${key}`)).json()) as LoggedRequest[];
}

const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Conversation settings' });
/** The line above the composer; its name is "Conversation settings: <what applies>". */
const summary = (page: Page, applies: string) =>
  page.getByRole('button', { name: `Conversation settings: ${applies}`, exact: true });

for (const device of ['desktop', 'phone'] as Device[]) {
  describe(`settings on the new-conversation screen (${device})`, () => {
    it('are chosen before the first message, and the conversation the first send makes has them', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);
      await page.getByLabel('Model').selectOption('anthropic/claude-haiku-4-5');
      await summary(page, 'No instructions · model defaults').waitFor();

      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const dialog = settingsDialog(page);
      await dialog.waitFor();
      await dialog.getByLabel('System prompt').fill('You are a ship pilot.');
      await dialog.getByLabel('Model default').uncheck();
      await dialog.getByLabel('Temperature, 0 to 2').fill('0.3');
      await dialog.getByLabel('Max reply length (tokens)').fill('900');
      await expectAccessible(page);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Settings');
      const applies = 'System prompt · Temperature 0.3 · Up to 900 tokens';
      await summary(page, applies).waitFor();
      await expectNoHorizontalScroll(page);
      await screenshot(page, `new-conversation-settings-${device}`);

      // The first send makes the conversation with them: its first reply is asked with them.
      const key = crypto.randomUUID();
      await sendFromComposer(page, `[[fake tokens=3 prompt=1 key=${key}]] Where are we?`);
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
      await waitForReplyEnd(page);
      const [request] = await vendorRequests(key);
      expect(request?.prompt?.startsWith('You are a ship pilot.')).toBe(true);
      expect(request?.sampling).toMatchObject({ temperature: 0.3, maxTokens: 900 });

      // The conversation shows them as its own, after a reload too.
      await page.reload();
      await waitForReplyEnd(page);
      await summary(page, applies).click();
      await dialog.waitFor();
      expect(await dialog.getByLabel('System prompt').inputValue()).toBe('You are a ship pilot.');
      expect(await dialog.getByLabel('Temperature, 0 to 2').inputValue()).toBe('0.3');
      expect(await dialog.getByLabel('Max reply length (tokens)').inputValue()).toBe('900');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(consoleErrors(page)).toEqual([]);
      await page.close();
    });
  });
}

/** Where the composer's parts are: the model picker and the message field (page coordinates). */
async function composerPlace(page: Page) {
  const picker = await page.getByLabel('Model').boundingBox();
  const field = await composer(page).boundingBox();
  return { picker: picker?.y, field: field?.y, height: field?.height };
}

describe('the line above the composer', () => {
  it('does not move the composer when /api/me answers after the first paint (a conversation, and a new one)', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/account');
    await page.getByRole('textbox', { name: /What should Parley know about you/ }).fill('Call me Ada.');
    await page.getByRole('button', { name: 'Save instructions' }).click();
    await page.getByRole('status').getByText('Custom instructions saved.').waitFor();
    await page.goto(`${inject('e2eDevUrl')}/`);
    await sendFromComposer(page, '[[fake tokens=3]] Hello');
    await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    await waitForReplyEnd(page);
    const conversationUrl = page.url();

    for (const url of [conversationUrl, `${inject('e2eDevUrl')}/`]) {
      // /api/me (where the custom instructions come from) held back until the page is drawn.
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route(
        (u) => u.pathname === '/api/me',
        async (route) => {
          await held;
          await route.continue();
        },
      );
      await page.goto(url);
      await composer(page).waitFor();
      if (url === conversationUrl) await waitForReplyEnd(page);
      await page.waitForTimeout(300);
      const before = await composerPlace(page);
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/me');
      release();
      await answered;
      await summary(page, 'Custom instructions').waitFor();
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      expect(await composerPlace(page), `composer moved on ${url}`).toEqual(before);
      await page.unrouteAll();
    }
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
