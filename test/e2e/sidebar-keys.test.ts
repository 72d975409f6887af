// Issue 22: the sidebar's conversations are one Tab stop (a grid with a roving tabindex) instead of
// four per row; arrow keys move between conversations and their Pin, Rename and Delete; Enter opens,
// F2 renames, Delete (or Backspace, a Mac's delete key) asks to delete. The search results are one
// Tab stop the same way. And a search result on another branch opens with that branch in view.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { lastReply, replyText, sendFromComposer, shownText, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

const sidebarOf = (page: Page) => page.getByRole('complementary', { name: 'Conversations' });

/** What has focus: its accessible name (aria-label, else its text), and whether it is in the conversation grid. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: 'body', inGrid: false };
    return {
      name:
        el.getAttribute('aria-label') ||
        el.id ||
        (el as HTMLSelectElement).labels?.[0]?.innerText ||
        el.innerText.trim() ||
        el.tagName.toLowerCase(),
      inGrid: !!el.closest('[role="grid"]'),
    };
  });
const focusedName = (page: Page) => focused(page).then((f) => f.name);

/** Presses Tab until `until` has focus (at most `max` times): the names of the stops on the way, the last included. */
async function tabStops(page: Page, until: string, max = 60) {
  const stops: Array<{ name: string; inGrid: boolean }> = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    stops.push(now);
    if (now.name === until) return stops;
  }
  throw new Error(`${until} never had focus; stops: ${stops.map((s) => s.name).join(', ')}`);
}

/** Three conversations, made in order, so the list shows Third, Second, First; the third is open (on a phone, the drawer too). */
async function threeConversations(page: Page, phone = false) {
  for (const [i, title] of ['First', 'Second', 'Third'].entries()) {
    if (i > 0 && phone) await page.getByRole('button', { name: 'Conversations' }).click();
    if (i > 0) await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await sendFromComposer(page, `[[fake tokens=3]] ${title} topic`);
    await waitForReplyEnd(page);
  }
  if (phone) await page.getByRole('button', { name: 'Conversations' }).click();
  const sidebar = sidebarOf(page);
  await expect
    .poll(() => sidebar.getByRole('grid').getByRole('link').allInnerTexts())
    .toEqual(['[[fake tokens=3]] Third topic', '[[fake tokens=3]] Second topic', '[[fake tokens=3]] First topic']);
}

describe('the sidebar from the keyboard', () => {
  it('is one Tab stop; arrows, Home and End move; Right and Left reach Pin, Rename and Delete; F2 renames; Delete asks', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await threeConversations(page);
    const sidebar = sidebarOf(page);
    const third = '[[fake tokens=3]] Third topic';
    const second = '[[fake tokens=3]] Second topic';
    const first = '[[fake tokens=3]] First topic';

    // From the search box: one stop in the list (on the open conversation), then out of it.
    await sidebar.getByRole('searchbox', { name: 'Search conversations' }).focus();
    const stops = await tabStops(page, 'composer-input');
    expect(stops.filter((s) => s.inGrid)).toEqual([{ name: third, inGrid: true }]);
    expect(stops[0]).toEqual({ name: third, inGrid: true });
    // Back into the list with Shift+Tab from what follows it: the same conversation.
    await sidebar.getByRole('searchbox', { name: 'Search conversations' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await focused(page)).inGrid).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toEqual({ name: third, inGrid: true });

    // From the skip link's target to the composer: no stop in the sidebar.
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    const fromSkip = await tabStops(page, 'composer-input');
    expect(fromSkip.filter((s) => s.inGrid)).toEqual([]);
    console.log(`Tab stops from the skip link's target to the composer: ${fromSkip.map((s) => s.name).join(' → ')}`);

    // Up and Down between conversations, Home and End to the ends.
    await sidebar.getByRole('link', { name: third }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe(second);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe(first);
    await page.keyboard.press('Home');
    expect(await focusedName(page)).toBe(third);
    await page.keyboard.press('End');
    expect(await focusedName(page)).toBe(first);

    // Right and Left through the row's actions; Up keeps the column.
    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe(`Pin "${first}"`);
    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe(`Rename "${first}"`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await focusedName(page)).toBe(`Delete "${first}"`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    expect(await focusedName(page)).toBe(`Rename "${second}"`);
    // The actions show while they have focus.
    expect(
      await sidebar
        .getByRole('button', { name: `Rename "${second}"` })
        .evaluate((b) => getComputedStyle(b.parentElement!).opacity),
    ).toBe('1');
    // The list remembers where it was: Tab out and back lands here, still one stop.
    await page.keyboard.press('Tab');
    expect((await focused(page)).inGrid).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName(page)).toBe(`Rename "${second}"`);
    await screenshot(page, 'sidebar-keys');
    await expectAccessible(page);

    // Enter on Pin pins it; focus stays on its button, now in Pinned.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await sidebar.getByRole('rowgroup', { name: 'Pinned' }).getByRole('link', { name: second }).waitFor();
    await expect.poll(() => focusedName(page)).toBe(`Unpin "${second}"`);

    // F2 renames from anywhere in the row; Enter saves and focus goes back to the title.
    await page.keyboard.press('F2');
    const field = sidebar.getByLabel('New title');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Renamed by keyboard');
    await page.keyboard.press('Enter');
    await sidebar.getByRole('link', { name: 'Renamed by keyboard' }).waitFor();
    await expect.poll(() => focusedName(page)).toBe('Renamed by keyboard');

    // Delete asks; Cancel leaves it and focus where it was.
    await page.keyboard.press('ArrowDown'); // Third (the first after Pinned)
    expect(await focusedName(page)).toBe(third);
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe(first);
    await page.keyboard.press('Delete');
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(first);
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedName(page)).toBe(first);
    // Confirmed: the row goes and focus lands on the row now in its place (the last one left).
    await page.keyboard.press('Delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => sidebar.getByRole('grid').getByRole('link').allInnerTexts())
      .toEqual(['Renamed by keyboard', third]);
    await expect.poll(() => focusedName(page)).toBe(third);

    // Enter opens the conversation.
    await page.keyboard.press('ArrowUp');
    expect(await focusedName(page)).toBe('Renamed by keyboard');
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'You' }).getByText('Second topic').waitFor();
    await expectAccessible(page);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('on a phone, the drawer holds the same single stop and arrow keys', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    await threeConversations(page, true);
    const sidebar = sidebarOf(page);
    await sidebar.getByRole('searchbox', { name: 'Search conversations' }).focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({ name: '[[fake tokens=3]] Third topic', inGrid: true });
    await page.keyboard.press('ArrowDown');
    expect(await focusedName(page)).toBe('[[fake tokens=3]] Second topic');
    await page.keyboard.press('Tab');
    expect((await focused(page)).inGrid).toBe(false);
    await screenshot(page, 'sidebar-keys-phone');
    await expectAccessible(page);
    await page.close();
  });
});

describe('search results from the keyboard', () => {
  it('are one Tab stop; Up, Down, Home and End move between results; Enter opens one', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await threeConversations(page);
    const sidebar = sidebarOf(page);
    const search = sidebar.getByRole('searchbox', { name: 'Search conversations' });
    const results = sidebar.getByRole('region', { name: 'Search results' });
    // Every title says "topic"; messages reach Postgres behind their rooms, so within seconds.
    await expect
      .poll(
        async () => {
          await search.fill('');
          await search.fill('topic');
          await results
            .getByRole('link')
            .nth(2)
            .waitFor({ timeout: 3000 })
            .catch(() => undefined);
          return results.getByRole('link').count();
        },
        { timeout: 20_000 },
      )
      .toBe(3);
    const titles = (await results.getByRole('link').allInnerTexts()).map((text) => text.split('\n')[0]!.trim());
    expect([...titles].sort()).toEqual(
      ['[[fake tokens=3]] First topic', '[[fake tokens=3]] Second topic', '[[fake tokens=3]] Third topic'].sort(),
    );
    const nameAt = (i: number) => titles[i]!;
    const focusedTitle = async () => (await focusedName(page)).split('\n')[0]!.trim();

    // From the search box: one stop among the results (the open conversation's), then out of them.
    await search.focus();
    const stops = await tabStops(page, 'composer-input');
    const inResults = stops.filter((s) => s.inGrid);
    expect(inResults).toHaveLength(1);
    expect(inResults[0]!.name.split('\n')[0]!.trim()).toBe('[[fake tokens=3]] Third topic');

    // Arrows, Home and End move focus between results; Tab leaves; Shift+Tab comes back to the last reached.
    await results.getByRole('link').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await focusedTitle()).toBe(nameAt(1));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedTitle()).toBe(nameAt(2));
    await page.keyboard.press('Home');
    expect(await focusedTitle()).toBe(nameAt(0));
    await page.keyboard.press('End');
    expect(await focusedTitle()).toBe(nameAt(2));
    await page.keyboard.press('ArrowUp');
    expect(await focusedTitle()).toBe(nameAt(1));
    await page.keyboard.press('Tab');
    expect((await focused(page)).inGrid).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focusedTitle()).toBe(nameAt(1));
    await screenshot(page, 'search-results-keys');
    await expectAccessible(page);

    // Enter opens the result's conversation.
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'You' }).getByText(nameAt(1).replace('[[fake tokens=3]] ', '')).waitFor();
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it("Backspace (a Mac's delete key) asks to delete the conversation in the list, as Delete does", async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await threeConversations(page);
    const sidebar = sidebarOf(page);
    const second = '[[fake tokens=3]] Second topic';
    await sidebar.getByRole('grid').getByRole('link', { name: second }).focus();
    await page.keyboard.press('Backspace');
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(second);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => sidebar.getByRole('grid').getByRole('link').allInnerTexts())
      .toEqual(['[[fake tokens=3]] Third topic', '[[fake tokens=3]] First topic']);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});

describe('a search result on another branch', () => {
  it('opens the conversation with that version in view', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await page.getByLabel('Model').selectOption('openai/gpt-4.1-mini');
    await sendFromComposer(page, '[[fake tokens=9]] Where should I go in spring?');
    await waitForReplyEnd(page);
    const firstVersion = shownText(expectedReplyText('openai', 9));
    await page.getByLabel('Model').selectOption('google/gemini-2.5-flash');
    await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
    await waitForReplyEnd(page);
    await lastReply(page).getByRole('group', { name: 'Versions' }).getByText('2 of 2').waitFor();
    expect(await replyText(page)).toBe(shownText(expectedReplyText('gemini', 9)));
    // Elsewhere, so that opening the result loads the conversation afresh.
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();

    // Only the first version says "OpenAI".
    const sidebar = sidebarOf(page);
    const search = sidebar.getByRole('searchbox', { name: 'Search conversations' });
    const results = sidebar.getByRole('region', { name: 'Search results' });
    await expect
      .poll(
        async () => {
          await search.fill('');
          await search.fill('OpenAI');
          await results
            .getByRole('link')
            .first()
            .waitFor({ timeout: 3000 })
            .catch(() => undefined);
          return results.getByRole('link').count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await results.getByRole('link').first().click();
    await page.waitForURL((url) => url.searchParams.has('message'));
    const messageId = new URL(page.url()).searchParams.get('message');
    await lastReply(page).getByRole('group', { name: 'Versions' }).getByText('1 of 2').waitFor();
    expect(await replyText(page)).toBe(firstVersion);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-message-id')))
      .toBe(messageId);
    await expect.poll(() => lastReply(page).getAttribute('class')).toContain('found');
    await screenshot(page, 'search-other-branch');
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
