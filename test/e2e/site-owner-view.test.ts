// Issue 23 items 6 and 7 in the browser: a site's owner opens the site's own view from the Sites
// page and finds its visitors' conversations (read-only, searchable), the questions asked most,
// tokens and cost per day, refusals by reason, the retention setting, and deletes one visitor's
// data; at desktop and phone sizes, axe clean. Visitors talk through the widget's API.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { expectNoHorizontalScroll, signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const base = () => inject('e2eDevUrl');
const SITE = 'Parcel Shop';

type Visitor = { token: string; visitorId: string };

/** A widget session from Parley's own origin (always allowed: the owner's preview) or `origin`. */
function session(siteKey: string, origin = new URL(base()).origin, visitorId?: string) {
  return fetch(`${base()}/api/widget/session`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify(visitorId ? { siteKey, visitorId } : { siteKey }),
  });
}

/** A visitor's conversation with one question, its reply read to the end. */
async function ask(siteKey: string, visitor: Visitor | undefined, question: string): Promise<Visitor> {
  const me = visitor ?? ((await (await session(siteKey)).json()) as { token: string; visitorId: string });
  const headers = {
    authorization: `Bearer ${me.token}`,
    origin: new URL(base()).origin,
    'content-type': 'application/json',
  };
  const created = await fetch(`${base()}/api/widget/conversations`, { method: 'POST', headers });
  const { id } = (await created.json()) as { id: string };
  const reply = await fetch(`${base()}/api/widget/conversations/${id}/messages`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ content: question }),
  });
  expect(reply.status).toBe(200);
  await reply.text();
  return { token: me.token, visitorId: me.visitorId };
}

let ownerEmail: string;
let ada: Visitor;
let bob: Visitor;

beforeAll(async () => {
  ownerEmail = `site-owner-${crypto.randomUUID()}@example.com`;
  const owner = await devSession(ownerEmail);
  const auth = { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' };
  const res = await fetch(`${base()}/api/sites`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: SITE, allowedOrigins: ['https://parcels.example'] }),
  });
  const site = (await res.json()) as { id: string; publicKey: string };
  ada = await ask(site.publicKey, undefined, 'Do you ship to Canada?');
  await ask(site.publicKey, ada, 'Where is my parcel?');
  bob = await ask(site.publicKey, undefined, 'where is my parcel');
  // A page on an origin the site does not allow: refused, and counted for the owner.
  expect((await session(site.publicKey, 'https://copycat.example')).status).toBe(403);
  // Everything has landed (rows written behind, the refusal published) before the page reads it.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const insights = (await (await fetch(`${base()}/api/sites/${site.id}/insights`, { headers: auth })).json()) as {
      topQuestions: unknown[];
      refusals: unknown[];
      usage: unknown[];
    };
    if (insights.topQuestions.length === 2 && insights.refusals.length === 1 && insights.usage.length === 1) break;
    if (Date.now() > deadline) throw new Error(`the site's figures never landed: ${JSON.stringify(insights)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

async function openSiteView(page: Page) {
  await signInByEmail(page, '/sites', ownerEmail);
  await page
    .getByRole('region', { name: SITE })
    .getByRole('link', { name: `Visitors, questions, costs and privacy of ${SITE}` })
    .click();
  await page.getByRole('heading', { name: `Visitors of ${SITE}` }).waitFor();
}

const conversationList = (page: Page) => page.getByRole('region', { name: 'Conversations' }).locator('ul > li');

describe("a site's owner view", () => {
  it('shows the conversations (searchable), top questions, cost per day and refusals, and saves a retention', async () => {
    const page = await openPage(browser());
    await openSiteView(page);
    await expect.poll(() => conversationList(page).count()).toBe(3);

    const questions = page.getByRole('region', { name: 'Questions asked most' }).getByRole('listitem');
    expect(await questions.allInnerTexts()).toEqual(['where is my parcel 2 times', 'do you ship to canada 1 time']);

    const usage = page.getByRole('region', { name: 'Tokens and cost per day' });
    const today = new Date().toLocaleDateString('en', {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    const row = usage.getByRole('row', { name: new RegExp(today) });
    expect((await row.getByRole('cell').allInnerTexts())[0]).toBe('3');
    expect(Number((await row.getByRole('cell').nth(2).innerText()).replace(/,/g, ''))).toBeGreaterThan(0);

    const refusals = page.getByRole('region', { name: 'Refused requests' });
    expect(await refusals.getByRole('row', { name: new RegExp(today) }).innerText()).toMatch(
      /Page on an origin not allowed\s+1/,
    );

    // Search finds the conversation that mentions Canada, with the word marked, and nothing else.
    await page.getByRole('searchbox', { name: "Search this site's conversations" }).fill('canada');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('1 found for “canada”.').waitFor();
    expect(await conversationList(page).count()).toBe(1);
    expect(await conversationList(page).locator('mark').first().innerText()).toBe('Canada');
    await page.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(() => conversationList(page).count()).toBe(3);

    await page.getByLabel("Visitors' conversations").selectOption({ label: 'Delete after 90 days without activity' });
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Saved: delete after 90 days without activity.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: `Visitors of ${SITE}` }).waitFor();
    expect(await page.getByLabel("Visitors' conversations").inputValue()).toBe('90');
    await page.getByRole('heading', { name: 'Questions asked most' }).waitFor();
    await expect.poll(() => conversationList(page).count()).toBe(3);

    await screenshot(page, 'site-owner-view-desktop');
    await expectAccessible(page);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it("deletes one visitor's data after confirming, leaving the other visitor's (phone size)", async () => {
    const page = await openPage(browser(), 'phone');
    await openSiteView(page);
    await expect.poll(() => conversationList(page).count()).toBe(3);
    await expectNoHorizontalScroll(page);

    await conversationList(page).filter({ hasText: ada.visitorId }).first().getByRole('button').click();
    const transcript = page.locator('#site-transcript');
    await expect.poll(() => transcript.getByRole('listitem').count()).toBe(2);
    // Read-only: nothing to answer with, no rename or delete of the conversation itself.
    expect(await page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Rename|Delete conversation/ }).count()).toBe(0);

    await transcript.getByRole('button', { name: "Delete this visitor's data" }).click();
    const dialog = page.getByRole('dialog', { name: `Delete visitor ${ada.visitorId}'s data?` });
    await dialog.waitFor();
    await expectAccessible(page);
    await screenshot(page, 'site-owner-view-phone-confirm');
    await dialog.getByRole('button', { name: 'Delete their data' }).click();
    await page.getByText(`Deleted 2 conversations of visitor ${ada.visitorId}.`).waitFor();
    await expect.poll(() => conversationList(page).count()).toBe(1);
    expect(await conversationList(page).first().innerText()).toContain(bob.visitorId);
    // Their question is gone from the questions asked most.
    await expect
      .poll(() => page.getByRole('region', { name: 'Questions asked most' }).getByRole('listitem').allInnerTexts())
      .toEqual(['where is my parcel 1 time']);

    await screenshot(page, 'site-owner-view-phone');
    await expectNoHorizontalScroll(page);
    await expectAccessible(page);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});
