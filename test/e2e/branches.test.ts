// Issue 22, item 1: versions and branches in the browser. Regenerate keeps the earlier reply one
// version away (‹ 1 of 2 ›), a user message is edited inline and answered anew, and the version
// in view is what a reload shows; at desktop and phone sizes, by mouse and by keyboard.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser, type Device } from './browser.ts';
import {
  expectNoHorizontalScroll,
  lastReply,
  replyText,
  sendFromComposer,
  shownText,
  signInByEmail,
  waitForReplyEnd,
} from './app.ts';

const browser = useBrowser();

const userMessage = (page: Page) => page.getByRole('article', { name: 'You' }).first();
const versionsOf = (message: ReturnType<Page['locator']>) => message.getByRole('group', { name: 'Versions' });

/** Presses a version button and waits for the count it leads to. */
async function showVersion(
  message: ReturnType<Page['locator']>,
  which: 'Previous version' | 'Next version',
  shown: string,
) {
  await versionsOf(message).getByRole('button', { name: which }).click();
  await versionsOf(message).getByText(shown).waitFor();
}

for (const device of ['desktop', 'phone'] as Device[]) {
  describe(`versions and branches (${device})`, () => {
    it('regenerate keeps the first reply a version away; an edit answers anew; the branch chosen survives a reload', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);
      await page.getByLabel('Model').selectOption('openai/gpt-4.1-mini');
      await sendFromComposer(page, '[[fake tokens=9]] Where should I go in spring?');
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
      await waitForReplyEnd(page);
      const first = shownText(expectedReplyText('openai', 9));
      await expect.poll(() => replyText(page)).toBe(first);
      // One version only: no ‹ › yet.
      expect(await versionsOf(lastReply(page)).count()).toBe(0);

      // Regenerate with another model: a second version, shown as 2 of 2.
      await page.getByLabel('Model').selectOption('google/gemini-2.5-flash');
      await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
      await waitForReplyEnd(page);
      await versionsOf(lastReply(page)).getByText('2 of 2').waitFor();
      const second = shownText(expectedReplyText('gemini', 9));
      await expect.poll(() => replyText(page)).toBe(second);
      expect(await page.locator('article.message.assistant').count()).toBe(1);
      await expectNoHorizontalScroll(page);
      await screenshot(page, `versions-reply-${device}`);

      // ‹ shows the first reply again, › the second.
      await showVersion(lastReply(page), 'Previous version', '1 of 2');
      await expect.poll(() => replyText(page)).toBe(first);
      expect(await versionsOf(lastReply(page)).getByRole('button', { name: 'Previous version' }).isDisabled()).toBe(
        true,
      );
      await showVersion(lastReply(page), 'Next version', '2 of 2');
      await expect.poll(() => replyText(page)).toBe(second);

      // Edit the question: Esc leaves it as it was, Save & send answers the new text.
      await userMessage(page).getByRole('button', { name: 'Edit' }).click();
      const editor = page.getByRole('textbox', { name: 'Edit your message' });
      await editor.fill('never sent');
      await editor.press('Escape');
      await editor.waitFor({ state: 'detached' });
      expect(await userMessage(page).innerText()).toContain('Where should I go in spring?');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Edit');

      await userMessage(page).getByRole('button', { name: 'Edit' }).click();
      await expectAccessible(page);
      await screenshot(page, `versions-editing-${device}`);
      await editor.fill('[[fake tokens=12]] Where should I go in autumn?');
      await page.getByRole('button', { name: 'Save & send' }).click();
      await waitForReplyEnd(page);
      expect(await userMessage(page).locator('.bubble').innerText()).toBe(
        '[[fake tokens=12]] Where should I go in autumn?',
      );
      await versionsOf(userMessage(page)).getByText('2 of 2').waitFor();
      const edited = shownText(expectedReplyText('gemini', 12));
      await expect.poll(() => replyText(page)).toBe(edited);
      expect(await versionsOf(lastReply(page)).count()).toBe(0);

      // Back to the first question: its branch as last seen (the regenerated reply, 2 of 2).
      await showVersion(userMessage(page), 'Previous version', '1 of 2');
      expect(await userMessage(page).locator('.bubble').innerText()).toBe(
        '[[fake tokens=9]] Where should I go in spring?',
      );
      await versionsOf(lastReply(page)).getByText('2 of 2').waitFor();
      await expect.poll(() => replyText(page)).toBe(second);
      // And the first reply under it, chosen by keyboard.
      await versionsOf(lastReply(page)).getByRole('button', { name: 'Previous version' }).focus();
      await page.keyboard.press('Enter');
      await versionsOf(lastReply(page)).getByText('1 of 2').waitFor();
      await expect.poll(() => replyText(page)).toBe(first);

      // A reload shows the branch chosen.
      await page.reload();
      await versionsOf(lastReply(page)).getByText('1 of 2').waitFor();
      await expect.poll(() => replyText(page)).toBe(first);
      expect(await userMessage(page).locator('.bubble').innerText()).toBe(
        '[[fake tokens=9]] Where should I go in spring?',
      );
      await versionsOf(userMessage(page)).getByText('1 of 2').waitFor();
      await expectAccessible(page);
      await screenshot(page, `versions-reloaded-${device}`);
      expect(consoleErrors(page)).toEqual([]);
      await page.close();
    });
  });
}

describe('switching versions', () => {
  it('never shows the reply empty, not even for a moment (a MutationObserver and every frame watch it)', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=40]] Where should I go in spring?');
    await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    await waitForReplyEnd(page);
    await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
    await waitForReplyEnd(page);
    await versionsOf(lastReply(page)).getByText('2 of 2').waitFor();

    // From here on, the last reply's text is read after every change to the list and on every frame.
    await page.evaluate(() => {
      const seen = { checks: 0, empty: [] as string[] };
      (window as unknown as { replySeen: typeof seen }).replySeen = seen;
      const check = (when: string) => {
        const replies = document.querySelectorAll<HTMLElement>('article.message.assistant');
        const bubble = replies[replies.length - 1]?.querySelector<HTMLElement>('.bubble');
        seen.checks++;
        if (!bubble?.textContent?.trim()) seen.empty.push(`${when}: no text in the DOM`);
        else if (when === 'frame' && !bubble.innerText.trim()) seen.empty.push('frame: no text rendered');
      };
      new MutationObserver(() => check('mutation')).observe(document.querySelector('.message-list')!, {
        childList: true,
        subtree: true,
        characterData: true,
      });
      const frame = () => {
        check('frame');
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    for (let round = 0; round < 3; round++) {
      await showVersion(lastReply(page), 'Previous version', '1 of 2');
      await showVersion(lastReply(page), 'Next version', '2 of 2');
    }
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const seen = await page.evaluate(
      () => (window as unknown as { replySeen: { checks: number; empty: string[] } }).replySeen,
    );
    expect(seen.checks).toBeGreaterThan(6);
    expect(seen.empty).toEqual([]);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
