// Issue 22: the web app from the keyboard. Opening a conversation dropped focus to <body>, the skip
// link's target held the sidebar, there were no shortcuts, and code blocks failed axe's serious
// scrollable-region-focusable (a long one's Copy button also scrolled away with its code).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { composer, lastReply, replyText, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

/** What has focus, described by its id, accessible name or tag. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.id || el.getAttribute('aria-label') || el.tagName.toLowerCase();
  });

describe('the keyboard', () => {
  it('opening a conversation from the sidebar puts focus in its composer', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] First one');
    await waitForReplyEnd(page);
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await sendFromComposer(page, '[[fake tokens=3]] Second one');
    await waitForReplyEnd(page);
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await sidebar.getByRole('link', { name: /First one$/ }).focus();
    await page.keyboard.press('Enter');
    await lastReply(page).getByRole('button', { name: 'Details' }).waitFor();
    await page.waitForURL(/\/c\//);
    await expect.poll(() => focused(page)).toBe('composer-input');
    await page.close();
  });

  it('on a phone, opening a conversation from the drawer puts focus on the conversation (no keyboard popping up)', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] Phone one');
    await waitForReplyEnd(page);
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page
      .getByRole('complementary', { name: 'Conversations' })
      .getByRole('link', { name: /Phone one$/ })
      .click();
    await lastReply(page).getByRole('button', { name: 'Details' }).waitFor();
    await expect.poll(() => focused(page)).toMatch(/Phone one$/);
    await page.close();
  });

  it('the skip link lands in the conversation, not the sidebar: the composer is the next stops away', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    const target = await page.evaluate(() => {
      const el = document.activeElement!;
      return {
        holdsSidebar: !!el.querySelector('aside'),
        holdsComposer: !!el.querySelector('#composer-input'),
      };
    });
    expect(target).toEqual({ holdsSidebar: false, holdsComposer: true });
    // The new conversation's Settings, the line saying what applies, the model picker, Attach files
    // (left of the text, as it is seen), then the composer.
    const stops: Array<{ name: string; inSidebar: boolean }> = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      stops.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          return {
            name: el.id || el.getAttribute('aria-label') || el.tagName.toLowerCase(),
            inSidebar: !!el.closest('aside'),
          };
        }),
      );
    }
    expect(stops.map((stop) => stop.inSidebar)).toEqual([false, false, false, false, false]);
    expect(stops.map((stop) => stop.name)).toEqual(['button', 'button', 'select', 'Attach files', 'composer-input']);
    await page.close();
  });

  it('shortcuts: Ctrl+Shift+O starts a new chat, Ctrl+K focuses search, Esc stops a reply, ? lists them', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=400 tps=20]] A long story please');
    await page.waitForURL(/\/c\//);
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(20);
    await page.keyboard.press('Escape');
    await lastReply(page).getByText('Stopped').waitFor();

    await page.keyboard.press('Control+k');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type))
      .toBe('search');

    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('heading', { name: 'New conversation' }).waitFor();
    await expect.poll(() => focused(page)).toBe('composer-input');

    // Typed in the composer, ? is a character; elsewhere it opens the help.
    await composer(page).press('?');
    expect(await composer(page).inputValue()).toBe('?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await composer(page).fill('');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const text = await help.innerText();
    for (const words of ['Ctrl+Shift+O', 'Ctrl+K', 'Esc', 'Enter', 'Shift+Enter', '?']) expect(text).toContain(words);
    await screenshot(page, 'keyboard-help');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' }).catch(async () => expect(await help.isVisible()).toBe(false));
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('a code block can be scrolled from the keyboard, and a long one keeps its Copy button in view', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    const lines = Array.from(
      { length: 80 },
      (_, i) => `const line${i} = "a line long enough to need scrolling sideways on a phone screen";`,
    );
    await composer(page).fill(`[[fake echo=1]]\n\n\`\`\`js\n${lines.join('\n')}\n\`\`\``);
    await composer(page).press('Enter');
    await waitForReplyEnd(page);
    const pre = lastReply(page).locator('pre');
    expect(await pre.getAttribute('tabindex')).toBe('0');
    await expectAccessible(page);

    // Scroll the list so the middle of the code is in view: its Copy button is still on screen.
    const copy = lastReply(page).getByRole('button', { name: 'Copy js code' });
    await page.evaluate(() => {
      const scroller = document.querySelector('.messages')!;
      const pre = [...document.querySelectorAll('article.message.assistant pre')].at(-1)!;
      scroller.scrollTop += pre.getBoundingClientRect().top - scroller.getBoundingClientRect().top + 600;
    });
    const visible = await copy.evaluate((button) => {
      const scroller = document.querySelector('.messages')!.getBoundingClientRect();
      const box = button.getBoundingClientRect();
      return box.top >= scroller.top && box.bottom <= scroller.bottom;
    });
    await screenshot(page, 'code-block-sticky-copy-phone');
    expect(visible).toBe(true);
    await page.close();
  });
});
