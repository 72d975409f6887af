// Issue 9: the chat in a real browser against the whole local stack (fake vendors, offline).
import { describe, expect, inject, it } from 'vitest';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { startCutProxy } from './cut-proxy.ts';
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
    // Layout shifts while the text streams (none expected: the list scrolls on its own).
    await page.evaluate(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__shift += (e as unknown as { value: number }).value;
      }).observe({ type: 'layout-shift' });
    });
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    // Text grows while the reply streams: read twice before it ends.
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(5);
    const early = await replyText(page);
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(early.length);
    expect(await page.getByRole('button', { name: 'Stop' }).isVisible()).toBe(true);
    await waitForReplyEnd(page);
    expect(await replyText(page)).toBe(shownText(expectedReplyText('anthropic', 60)));
    expect(await page.evaluate(() => (window as unknown as { __shift: number }).__shift)).toBe(0);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await expect
      .poll(() =>
        page
          .getByRole('complementary', { name: 'Conversations' })
          .getByRole('link', { name: /Tell me something$/ })
          .count(),
      )
      .toBe(1);
    await lastReply(page).getByRole('button', { name: 'Details' }).click();
    expect(await lastReply(page).locator('.details').innerText()).toMatch(/60 out/);
    await screenshot(page, 'chat-desktop');
    await expectAccessible(page);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('stops a reply midway: the text so far stays, marked Stopped', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=400 tps=20]] A long story please');
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Stop' }).click();
    await lastReply(page).getByText('Stopped').waitFor();
    const kept = await replyText(page);
    expect(kept.length).toBeGreaterThan(20);
    expect(shownText(expectedReplyText('anthropic', 400)).startsWith(kept)).toBe(true);
    expect(kept.length).toBeLessThan(shownText(expectedReplyText('anthropic', 400)).length);
    await expect.poll(() => composer(page).isEditable()).toBe(true);
    await page.close();
  });

  it('reloading during a reply picks it up where it was: it completes once, nothing doubled or missing', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=80 tps=20]] Reload me');
    await page.waitForURL(/\/c\//);
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(20);
    await page.reload();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await waitForReplyEnd(page);
    expect(await replyText(page)).toBe(shownText(expectedReplyText('anthropic', 80)));
    expect(await page.locator('article.message.assistant').count()).toBe(1);
    await page.close();
  });

  it('reconnects by itself when the network drops mid-reply', async () => {
    const proxy = await startCutProxy(inject('e2eDevUrl'));
    const page = await openPage(browser());
    await signInByEmail(page, '/', undefined, proxy.url);
    const resumes: Array<string | undefined> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/stream')) resumes.push(request.headers()['last-event-id']);
    });
    await sendFromComposer(page, '[[fake tokens=80 tps=20]] Through a tunnel');
    await expect.poll(() => replyText(page).then((t) => t.length)).toBeGreaterThan(20);
    proxy.cut();
    await waitForReplyEnd(page, 30_000);
    expect(await replyText(page)).toBe(shownText(expectedReplyText('anthropic', 80)));
    // It came back through the resume route, from the last event it had seen.
    expect(resumes.some((id) => /^[0-9a-f-]{36}:\d+$/.test(id ?? ''))).toBe(true);
    await page.close();
    await proxy.close();
  });

  it('switches models: the next reply comes from the model picked, and says so', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=5]] First');
    await waitForReplyEnd(page);
    await page.getByLabel('Model').selectOption('openai/gpt-4.1-mini');
    await sendFromComposer(page, '[[fake tokens=7]] Second');
    await expect.poll(() => page.locator('article.message.assistant').count()).toBe(2);
    await waitForReplyEnd(page);
    expect(await lastReply(page).locator('.model').innerText()).toBe('GPT-4.1 mini');
    expect(await replyText(page)).toBe(shownText(expectedReplyText('openai', 7)));
    // Regenerate shows a new version of the last reply, with the model now picked (branches.test.ts has the versions).
    await page.getByLabel('Model').selectOption('google/gemini-2.5-flash');
    await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
    await page
      .getByRole('button', { name: 'Stop' })
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await waitForReplyEnd(page);
    expect(await page.locator('article.message.assistant').count()).toBe(2);
    expect(await lastReply(page).locator('.model').innerText()).toBe('Gemini 2.5 Flash');
    await page.close();
  });

  it('renames a conversation, and deletes it after a confirmation', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] Original title');
    await waitForReplyEnd(page);
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await sidebar.getByRole('button', { name: /^Rename/ }).click();
    await sidebar.getByLabel('New title').fill('Trip to Lisbon');
    await sidebar.getByLabel('New title').press('Enter');
    await sidebar.getByRole('link', { name: 'Trip to Lisbon' }).waitFor();
    await page.reload();
    await sidebar.getByRole('link', { name: 'Trip to Lisbon' }).waitFor();

    await sidebar.getByRole('button', { name: 'Delete "Trip to Lisbon"' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await sidebar.getByRole('link', { name: 'Trip to Lisbon' }).count()).toBe(1);
    await sidebar.getByRole('button', { name: 'Delete "Trip to Lisbon"' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await sidebar.getByRole('link', { name: 'Trip to Lisbon' }).waitFor({ state: 'detached' });
    await page.reload();
    await sidebar.getByText('No conversations yet.').waitFor();
    await page.close();
  });

  it('renders HTML and script in any message as inert text, and Markdown as Markdown', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    const payload =
      '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) **bold**';
    await sendFromComposer(page, `[[fake echo=1]] ${payload}`);
    await waitForReplyEnd(page);
    const messages = page.locator('.messages');
    expect(await messages.locator('img, script, iframe').count()).toBe(0);
    expect(await messages.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await lastReply(page).locator('strong').innerText()).toBe('bold');
    expect(await page.locator('article.message.user .bubble').innerText()).toContain(
      '<img src=x onerror="window.__xss=1">',
    );
    expect(await lastReply(page).locator('.bubble').innerText()).toContain('<script>window.__xss=2</script>');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
  });

  it('works from the keyboard alone: the composer has focus, Enter sends, Tab reaches the reply actions', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id))
      .toBe('composer-input');
    await page.keyboard.type('[[fake tokens=4]] Line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    await page.keyboard.press('Enter');
    await waitForReplyEnd(page);
    expect(await page.locator('article.message.user .bubble').innerText()).toBe('[[fake tokens=4]] Line one\nline two');
    await lastReply(page).getByRole('button', { name: 'Details' }).focus();
    await page.keyboard.press('Enter');
    await lastReply(page).locator('.details').waitFor();
    await page.close();
  });
});
