// Issue 22: errors land in view, in words. A quota refusal or a failure mid-reply showed only a
// "Failed" badge in view (the words below the fold), times as raw ISO ("resets at
// 2027-01-01T00:00:00.000Z"), models as raw ids, and a fallback reply no word of why.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { seedConversation, signInWithLimits } from './accounts.ts';

const browser = useBrowser();

/** Whether the element is wholly inside the message list's visible part. */
const inView = (page: Page, selector: string) =>
  page.evaluate((selector) => {
    const scroller = document.querySelector('.messages')!.getBoundingClientRect();
    const box = [...document.querySelectorAll(selector)].at(-1)?.getBoundingClientRect();
    return !!box && box.height > 0 && box.top >= scroller.top - 1 && box.bottom <= scroller.bottom + 1;
  }, selector);

describe('errors in view, in words', () => {
  it('a quota refusal in a long conversation is shown in view, its reset time in the reader’s locale', async () => {
    const page = await openPage(browser(), 'desktop', { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const { userId } = await signInWithLimits(page, { monthlyTokens: 0 });
    const id = await seedConversation(userId, 40);
    await page.goto(`${inject('e2eDevUrl')}/c/${id}`);
    await page.locator('article.message').nth(39).waitFor();
    await sendFromComposer(page, 'One more question');
    const notice = page.locator('.messages [role="alert"]');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toMatch(/used up/);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const local = new Intl.DateTimeFormat('de-DE', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    }).format(reset);
    expect(text).toContain(local);
    await expect.poll(() => inView(page, '.messages [role="alert"]')).toBe(true);
    await screenshot(page, 'quota-refusal-in-view');
    await expectAccessible(page);
    await page.close();
  });

  it('a reply that fails midway says why, in view, and still says so after a reload', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=300]] Something long first');
    await waitForReplyEnd(page);
    await sendFromComposer(page, '[[fake tokens=40 fail=500 failafter=10]] Then this');
    await lastReply(page).getByText('Failed', { exact: true }).waitFor();
    const why = lastReply(page).locator('.reply-problem');
    await why.waitFor();
    expect(await why.innerText()).toMatch(/provider failed while replying/);
    await expect.poll(() => inView(page, 'article.message.assistant .reply-problem')).toBe(true);
    await screenshot(page, 'reply-failed-in-view-phone');
    await page.reload();
    await why.waitFor();
    expect(await why.innerText()).toMatch(/provider failed while replying/);
    await page.close();
  });

  it('a fallback reply says which model answered instead, and why', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    // Claude Sonnet 5.5 fails three times (its attempts); its fallback, Claude Haiku 4.5, answers.
    await sendFromComposer(page, `[[fake tokens=5 fail=503 failcount=3 key=${crypto.randomUUID()}]] Anyone there?`);
    await waitForReplyEnd(page, 30_000);
    expect(await lastReply(page).locator('.model').innerText()).toBe('Claude Haiku 4.5');
    const note = lastReply(page).locator('.fallback-note');
    const words = 'Answered by Claude Haiku 4.5: Claude Sonnet 5.5 was unavailable (its provider failed or was busy).';
    expect(await note.innerText()).toBe(words);
    // The server recorded the model asked: the note is the same read back.
    await page.reload();
    await note.waitFor();
    expect(await note.innerText()).toBe(words);
    await screenshot(page, 'fallback-note');
    await expectAccessible(page);
    await page.close();
  });

  it('a reply asked of a fallback model directly says nothing of a fallback', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] First, on Claude Sonnet 5.5');
    await waitForReplyEnd(page);
    // Claude Haiku 4.5 stands in for Sonnet when it fails; here it is chosen, then Sonnet again.
    const picked = (model: string) =>
      Promise.all([
        page.waitForResponse((r) => r.request().method() === 'PATCH' && r.ok()),
        page.getByLabel('Model').selectOption(model),
      ]);
    await picked('anthropic/claude-haiku-4-5');
    await sendFromComposer(page, '[[fake tokens=3]] Then on Claude Haiku 4.5');
    await waitForReplyEnd(page);
    await picked('anthropic/claude-sonnet-5-5');
    await page.reload();
    await page
      .locator('article.message.assistant')
      .nth(1)
      .getByRole('button', { name: /Details/ })
      .waitFor();
    expect(await lastReply(page).locator('.model').innerText()).toBe('Claude Haiku 4.5');
    expect(await page.locator('.fallback-note').count()).toBe(0);
    await page.close();
  });

  it('a refusal names the model by its name, not its id', async () => {
    const page = await openPage(browser());
    const { userId } = await signInWithLimits(page, {});
    // A conversation kept on a model the free plan does not include (chosen before a downgrade).
    const id = await seedConversation(userId, 2, 'anthropic/claude-opus-4-7');
    await page.goto(`${inject('e2eDevUrl')}/c/${id}`);
    await page.locator('article.message').nth(1).waitFor();
    expect(await lastReply(page).locator('.model').innerText()).toBe('Claude Opus 4.7');
    await sendFromComposer(page, 'Hello again');
    const notice = page.locator('.messages [role="alert"]');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Claude Opus 4\.7 is not included/);
    expect(await notice.innerText()).not.toContain('anthropic/');
    await page.close();
  });
});
