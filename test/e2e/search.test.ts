// Issue 22: finding things. Search finds a word only a reply holds and opens the conversation at
// that reply; pins; date groups; full titles on hover; a rename does not move a conversation.
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const DAY = 86_400_000;
const LONG_TITLE = 'Comparing the long-term maintenance costs of heat pumps and gas boilers';

/** Conversations made long ago, straight into Postgres (their rooms adopt them when opened). */
async function seedOlder(userId: string) {
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  const db = drizzle(neon('postgresql://parley@127.0.0.1/parley'));
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  const now = Date.now();
  const made = [
    { title: LONG_TITLE, ago: 3 * DAY },
    { title: 'Sourdough starter', ago: 20 * DAY },
    { title: 'Tax return questions', ago: 80 * DAY },
  ];
  for (const { title, ago } of made) {
    const at = new Date(now - ago);
    const id = crypto.randomUUID();
    await db.insert(conversations).values({ id, userId, title, activeAt: at, createdAt: at, updatedAt: at });
    await db
      .insert(messages)
      .values({ conversationId: id, userId, role: 'user', content: `About ${title}`, createdAt: at });
  }
}

const sidebarOf = (page: Page) => page.getByRole('complementary', { name: 'Conversations' });
const groupLabels = (page: Page) => sidebarOf(page).locator('h2.group-label').allInnerTexts();

describe('finding conversations', () => {
  it('searches a word only a reply holds, opens the conversation at that reply and marks it', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    // The fake's reply says "… Parley's fake Anthropic upstream …"; the question never does.
    await sendFromComposer(page, '[[fake tokens=30]] Plan a weekend in Porto');
    await waitForReplyEnd(page);
    const replyUrl = page.url();
    await page.getByRole('button', { name: 'New conversation', exact: true }).click();
    await sendFromComposer(page, '[[fake tokens=3]] Something else entirely');
    await waitForReplyEnd(page);

    const sidebar = sidebarOf(page);
    const search = sidebar.getByRole('searchbox', { name: 'Search conversations' });
    await search.fill('upstream');
    const results = sidebar.getByRole('region', { name: 'Search results' });
    // Messages reach Postgres behind their room: the reply is found within seconds.
    await expect
      .poll(
        async () => {
          await search.fill('');
          await search.fill('upstream');
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
    const result = results.getByRole('link').first();
    expect(await result.locator('mark').allInnerTexts()).toEqual(['upstream']);
    expect(await result.innerText()).toMatch(/Plan a weekend in Porto/);
    await screenshot(page, 'search-results');
    await expectAccessible(page);

    await result.click();
    await page.waitForURL((url) => url.pathname === new URL(replyUrl).pathname && url.searchParams.has('message'));
    const opened = lastReply(page);
    await expect.poll(() => opened.getAttribute('class')).toContain('found');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-message-id'))).toBe(
      new URL(page.url()).searchParams.get('message'),
    );
    // Marked only for a moment.
    await expect.poll(() => opened.getAttribute('class'), { timeout: 5000 }).not.toContain('found');

    // A word nobody wrote finds nothing; emptying the box brings the list back.
    await search.fill('xylophone');
    await results.getByText('Nothing found.').waitFor();
    await search.fill('');
    await sidebar.getByRole('heading', { name: 'Today' }).waitFor();
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('groups by date, pins above the rest, shows full titles, and keeps a renamed conversation in place', async () => {
    const email = `groups-${crypto.randomUUID()}@example.com`;
    const { userId } = await devSession(email);
    await seedOlder(userId);
    const page = await openPage(browser());
    await signInByEmail(page, '/', email);
    await sendFromComposer(page, '[[fake tokens=3]] Fresh question');
    await waitForReplyEnd(page);
    const sidebar = sidebarOf(page);
    await expect
      .poll(() => groupLabels(page))
      .toEqual([
        'Today',
        'Previous 7 days',
        'Previous 30 days',
        new Date(Date.now() - 80 * DAY).toLocaleDateString('en-US', { month: 'long', year: 'numeric' }),
      ]);

    // The whole title on hover, and more of it than 20 characters when there is room.
    const long = sidebar.getByRole('link', { name: LONG_TITLE });
    expect(await long.getAttribute('title')).toBe(LONG_TITLE);
    // About 20 characters fitted before (the actions took their room even when hidden); a title now has the row.
    const shown = await long.evaluate((a) => ({ width: a.clientWidth, text: a.textContent }));
    expect(shown.text).toBe(LONG_TITLE);
    expect(shown.width).toBeGreaterThan(230);

    // Pinned: its own group at the top, still there after a reload (written behind through its room).
    await sidebar.getByRole('button', { name: 'Pin "Sourdough starter"' }).click();
    await expect.poll(() => groupLabels(page).then((labels) => labels[0])).toBe('Pinned');
    const pinnedGroup = sidebar.getByRole('rowgroup', { name: 'Pinned' });
    expect(await pinnedGroup.getByRole('link').allInnerTexts()).toEqual(['Sourdough starter']);
    await expect
      .poll(async () => {
        await page.reload();
        await sidebar.getByRole('heading', { name: 'Today' }).waitFor();
        return sidebar.getByRole('rowgroup', { name: 'Pinned' }).getByRole('link').allInnerTexts();
      })
      .toEqual(['Sourdough starter']);
    await screenshot(page, 'sidebar-groups');
    await expectAccessible(page);

    // A rename leaves the conversation in its place, now and after a reload.
    await sidebar.getByRole('button', { name: `Rename "${LONG_TITLE}"` }).click();
    await sidebar.getByLabel('New title').fill('Heat pumps');
    await sidebar.getByLabel('New title').press('Enter');
    const previousSeven = sidebar.getByRole('rowgroup', { name: 'Previous 7 days' });
    await previousSeven.getByRole('link', { name: 'Heat pumps' }).waitFor();
    await expect
      .poll(async () => {
        await page.reload();
        await sidebar.getByRole('heading', { name: 'Today' }).waitFor();
        return sidebar.getByRole('rowgroup', { name: 'Previous 7 days' }).getByRole('link').allInnerTexts();
      })
      .toEqual(['Heat pumps']);
    expect(await sidebar.getByRole('rowgroup', { name: 'Today' }).getByRole('link').allInnerTexts()).toEqual([
      '[[fake tokens=3]] Fresh question',
    ]);

    // Unpinned: back among the rest, by its activity.
    await sidebar.getByRole('button', { name: 'Unpin "Sourdough starter"' }).click();
    await sidebar
      .getByRole('rowgroup', { name: 'Previous 30 days' })
      .getByRole('link', { name: 'Sourdough starter' })
      .waitFor();
    expect(await sidebar.getByRole('rowgroup', { name: 'Pinned' }).count()).toBe(0);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('works on a phone: search in the drawer opens the conversation', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] Bicycle maintenance schedule');
    await waitForReplyEnd(page);
    await page.getByRole('button', { name: 'Conversations' }).click();
    const sidebar = sidebarOf(page);
    await sidebar.getByRole('searchbox', { name: 'Search conversations' }).fill('bicycle');
    const result = sidebar.getByRole('region', { name: 'Search results' }).getByRole('link').first();
    await expect.poll(() => result.innerText().catch(() => ''), { timeout: 20_000 }).toMatch(/Bicycle/);
    await screenshot(page, 'search-phone');
    await expectAccessible(page);
    await result.click();
    await lastReply(page).waitFor();
    await page.close();
  });
});
