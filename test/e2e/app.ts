// Using Parley's web app as a person would: sign in through the page, send from the composer,
// read replies off the screen. Selectors are the app's roles and labels, not its CSS.
import type { Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/** Signs in by email on the dev Worker's sign-in page (from `path`, which the app returns to). */
export async function signInByEmail(
  page: Page,
  path = '/',
  email = `e2e-${crypto.randomUUID()}@example.com`,
  base = inject('e2eDevUrl'),
) {
  await page.goto(`${base}${path}`);
  await page.waitForURL(/\/signin\?next=/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path);
  return email;
}

export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

/** Types a message and sends it with Enter. */
export async function sendFromComposer(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The last assistant reply on screen. */
export const lastReply = (page: Page) => page.locator('article.message.assistant').last();

/** The reply's text as shown (rendered Markdown, read as text). */
export async function replyText(page: Page) {
  return ((await lastReply(page).locator('.bubble').innerText()) ?? '').trim();
}

/** Waits until no reply is streaming (the composer offers Send again). */
export async function waitForReplyEnd(page: Page, timeout = 20_000) {
  await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached', timeout });
  await lastReply(page)
    .getByRole('button', { name: /Details/ })
    .waitFor({ timeout });
}

/** The text a reply of `count` demo tokens shows: the fake's words, as the paragraph Markdown makes of them. */
export function shownText(text: string) {
  return text.trim().replace(/\s+/g, ' ');
}

export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}
