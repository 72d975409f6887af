// Issue 22 item 4 in a real browser: share a conversation, read the link signed out in a fresh
// browser, revoke it and see it gone; the owner's list of links; export a conversation as Markdown
// and the whole account as JSON, reading what was downloaded.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { expectNoHorizontalScroll, lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

const QUESTION = 'Is <script>alert("x")</script> safe here? [[fake tokens=12]]';

/** Signs in and starts a conversation with one finished exchange; the reply's text as shown. */
async function conversationWithReply(page: Page) {
  await signInByEmail(page, '/');
  await sendFromComposer(page, QUESTION);
  await page.waitForURL(/\/c\//);
  await waitForReplyEnd(page);
  return (await lastReply(page).locator('.bubble').innerText()).trim();
}

/** The text a download saved. */
async function downloaded(page: Page, start: () => Promise<void>) {
  const [download] = await Promise.all([page.waitForEvent('download'), start()]);
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
}

describe('share links', () => {
  it('shares a conversation, is read signed out in a fresh browser, then revoked and gone', async () => {
    const owner = await openPage(browser());
    const reply = await conversationWithReply(owner);

    await owner.getByRole('button', { name: 'Share' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Share this conversation' });
    await dialog.getByLabel('Link expires').selectOption({ label: 'In 7 days' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const linkField = dialog.getByLabel('Share link 1');
    await linkField.waitFor();
    const url = await linkField.inputValue();
    expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{22}$/);
    await expect.poll(() => dialog.getByText(/^Expires /).count()).toBe(1);
    await screenshot(owner, 'share-dialog');
    await expectAccessible(owner);

    // Someone else, signed out, in a browser context of their own.
    const reader = await openPage(browser());
    const response = await reader.goto(url);
    expect(response!.status()).toBe(200);
    // The conversation's title, made from the first message, as text.
    expect(await reader.getByRole('heading', { level: 1 }).innerText()).toBe(QUESTION);
    const user = reader.getByRole('article', { name: 'User' });
    expect((await user.innerText()).trim()).toContain(QUESTION);
    const shownReply = (await reader.locator('article.message.assistant .text').innerText()).trim();
    expect(shownReply.replace(/\s+/g, ' ')).toBe(reply.replace(/\s+/g, ' '));
    // The hostile text is text: no script element, no dialog, nothing run.
    expect(await reader.locator('main script').count()).toBe(0);
    expect(await reader.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
    expect(response!.headers()['x-robots-tag']).toContain('noindex');
    await screenshot(reader, 'share-page-desktop');
    await expectAccessible(reader);
    expect(consoleErrors(reader)).toEqual([]);

    // At phone size, the same page reads without sideways scrolling.
    const phone = await openPage(browser(), 'phone');
    await phone.goto(url);
    await phone.getByRole('article', { name: 'User' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await screenshot(phone, 'share-page-phone');
    await expectAccessible(phone);

    // The owner revokes it; the reader's next load says so and shows nothing of the conversation.
    await dialog.getByRole('button', { name: 'Revoke link 1' }).click();
    await linkField.waitFor({ state: 'detached' });
    const gone = await reader.reload();
    expect(gone!.status()).toBe(410);
    await reader.getByRole('heading', { name: 'This link was revoked' }).waitFor();
    expect(await reader.content()).not.toContain('safe here');
    await screenshot(reader, 'share-page-revoked');
    await expectAccessible(reader);
    await Promise.all([owner.close(), reader.close(), phone.close()]);
  });

  it("renders a reply's Markdown on the page: a list and a code block, with nothing overflowing on a phone", async () => {
    const owner = await openPage(browser());
    await signInByEmail(owner, '/');
    const code = `const tides = ['spring', 'neap']; // ${'a long line that must scroll, not widen the page '.repeat(3)}`;
    await sendFromComposer(
      owner,
      `[[fake echo=1]]\nTwo kinds:\n\n- spring tide\n- neap tide\n\n\`\`\`js\n${code}\n\`\`\``,
    );
    await owner.waitForURL(/\/c\//);
    await waitForReplyEnd(owner);
    await owner.getByRole('button', { name: 'Share' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Share this conversation' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const url = await dialog.getByLabel('Share link 1').inputValue();

    for (const device of ['desktop', 'phone'] as const) {
      const reader = await openPage(browser(), device);
      await reader.goto(url);
      const reply = reader.getByRole('article', { name: 'Claude Sonnet 5.5' });
      expect(await reply.getByRole('listitem').allInnerTexts()).toEqual(['spring tide', 'neap tide']);
      expect(await reply.locator('pre code').innerText()).toBe(code);
      // The person's own message shows as they wrote it, Markdown and all.
      expect(await reader.getByRole('article', { name: 'User' }).innerText()).toContain('- spring tide');
      // A code block wider than the page scrolls on its own, and can be scrolled from the keyboard.
      await expectNoHorizontalScroll(reader);
      await reader.keyboard.press('Tab'); // Parley
      await reader.keyboard.press('Tab');
      expect(await reader.evaluate(() => document.activeElement?.tagName)).toBe('PRE');
      await screenshot(reader, `share-page-markdown-${device}`);
      await expectAccessible(reader);
      expect(consoleErrors(reader)).toEqual([]);
      await reader.close();
    }
    await owner.close();
  });

  it('lists the owner’s links on the Account page, where one can be revoked', async () => {
    const owner = await openPage(browser(), 'phone');
    await conversationWithReply(owner);
    await owner.getByRole('button', { name: 'Share' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Share this conversation' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const url = await dialog.getByLabel('Share link 1').inputValue();
    await expectAccessible(owner);
    await dialog.getByRole('button', { name: 'Done' }).click();

    await owner.goto(new URL('/account', url).href);
    await owner.getByRole('heading', { name: 'Shared links' }).waitFor();
    await owner.getByRole('link', { name: url }).waitFor();
    expect(await owner.getByText('Never expires').count()).toBe(1);
    await expectNoHorizontalScroll(owner);
    await screenshot(owner, 'account-shared-links-phone');
    await expectAccessible(owner);

    await owner.getByRole('button', { name: /^Revoke link to/ }).click();
    await owner.getByText('You have not shared any conversation.').waitFor();
    const reader = await openPage(browser());
    expect((await reader.goto(url))!.status()).toBe(410);
    await Promise.all([owner.close(), reader.close()]);
  });
});

describe('export', () => {
  it('exports a conversation as Markdown: the file holds the question and the reply', async () => {
    const page = await openPage(browser(), 'desktop', { acceptDownloads: true });
    const reply = await conversationWithReply(page);
    await page.getByText('Export', { exact: true }).click();
    const file = await downloaded(page, () => page.getByRole('button', { name: 'Export as Markdown' }).click());
    expect(file.name).toMatch(/^parley-.*-\d{4}-\d\d-\d\d\.md$/);
    expect(file.text).toMatch(/^# /);
    expect(file.text).toContain('### User · ');
    expect(file.text).toContain(QUESTION);
    expect(file.text.replace(/\s+/g, ' ')).toContain(reply.replace(/\s+/g, ' '));
    await page.close();
  });

  it('exports the whole account as JSON from the Account page', async () => {
    const page = await openPage(browser(), 'desktop', { acceptDownloads: true });
    const email = await signInByEmail(page, '/');
    await sendFromComposer(page, 'Remember this for the export [[fake tokens=4]]');
    await page.waitForURL(/\/c\//);
    await waitForReplyEnd(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your data' }).waitFor();
    await screenshot(page, 'account-desktop');
    await expectAccessible(page);
    // Postgres hears of the conversation behind its room; the export reads Postgres.
    await expect
      .poll(
        async () => {
          const file = await downloaded(page, () => page.getByRole('button', { name: 'Export all data' }).click());
          return JSON.parse(file.text).conversations?.[0]?.messages?.length ?? 0;
        },
        { timeout: 10_000 },
      )
      .toBe(2);
    const file = await downloaded(page, () => page.getByRole('button', { name: 'Export all data' }).click());
    expect(file.name).toMatch(/^parley-account-\d{4}-\d\d-\d\d\.json$/);
    const data = JSON.parse(file.text);
    expect(data.profile.email).toBe(email);
    expect(data.conversations[0].messages[0].content).toBe('Remember this for the export [[fake tokens=4]]');
    await page.getByText('Your data was downloaded as a JSON file.').waitFor();
    await page.close();
  });
});
