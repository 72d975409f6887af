// Issue 9: the chat in a real browser against the whole local stack (fake vendors, offline).
import { describe, expect, it } from 'vitest';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { composer, lastReply, replyText, sendFromComposer, shownText, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

describe('the chat', () => {
  it('signs in and comes back to where it was going', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/usage');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().innerText()).toMatch(/usage/i);
    await page.close();
  });

  it('starts a conversation and streams the reply as it arrives', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=60 tps=25]] Tell me something');
    await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    // Text grows while the reply streams: read twice before it ends.
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(5);
    const early = await replyText(page);
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(early.length);
    expect(await page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
    await waitForReplyEnd(page);
    expect(await replyText(page)).toBe(shownText(expectedReplyText('anthropic', 60)));
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    expect(await page.getByRole('complementary', { name: 'Conversations' }).getByRole('link', { name: 'Tell me something' }).count()).toBe(1);
    await lastReply(page).getByRole('button', { name: 'Details' }).click();
    expect(await lastReply(page).locator('.details').innerText()).toMatch(/60 out/);
    await screenshot(page, 'chat-desktop');
    await expectAccessible(page);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
