// Issue 22, small breakages: rename sent its PATCH twice (Enter, then the blur as the field went);
// a refused first send left an empty "New conversation" behind; the Sites form showed the API's
// errors (`allowedOrigins[0]: …`) at the bottom instead of next to the field, in plain words.
import { describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { composer, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { signInWithLimits } from './accounts.ts';

const browser = useBrowser();

describe('small breakages', () => {
  it('renaming with Enter sends one PATCH', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] Rename me');
    await waitForReplyEnd(page);
    const patches: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches.push(request.postData() ?? '');
    });
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await sidebar.getByRole('button', { name: /^Rename/ }).click();
    await sidebar.getByLabel('New title').fill('Renamed once');
    await sidebar.getByLabel('New title').press('Enter');
    await sidebar.getByRole('link', { name: 'Renamed once' }).waitFor();
    await page.waitForTimeout(500);
    expect(patches).toEqual([JSON.stringify({ title: 'Renamed once' })]);
    await page.close();
  });

  it('a title being renamed keeps its field and its text when the list refreshes (a reply ending)', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] First');
    await waitForReplyEnd(page);
    // A slow second reply: its end refreshes the list while the title is being renamed.
    await sendFromComposer(page, '[[fake tokens=20 tps=10]] Second');
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await sidebar.getByRole('button', { name: /^Rename/ }).click();
    const field = sidebar.getByLabel('New title');
    await field.fill('Half typed');
    await waitForReplyEnd(page);
    await page.waitForTimeout(500);
    expect(await field.inputValue()).toBe('Half typed');
    expect(await field.evaluate((input) => input === document.activeElement)).toBe(true);
    await field.press('Enter');
    await sidebar.getByRole('link', { name: 'Half typed' }).waitFor();
    await page.close();
  });

  it('a first message refused (the month used up) leaves no empty conversation, and keeps the text', async () => {
    const page = await openPage(browser());
    await signInWithLimits(page, { monthlyTokens: 0 });
    await sendFromComposer(page, '[[fake tokens=3]] Will be refused');
    // Back on the new-conversation screen with the text to send again, and why it was refused.
    await expect.poll(() => composer(page).inputValue()).toBe('[[fake tokens=3]] Will be refused');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('alert').innerText()).toMatch(/used up/);
    await screenshot(page, 'first-send-refused');
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });
    await page.reload();
    await sidebar.getByText('No conversations yet.').waitFor();
    await page.close();
  });

  it('a site form error shows next to its field, in plain words', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/sites');
    await page.getByRole('button', { name: 'Add a site' }).click();
    await page.getByLabel('Name').fill('Shop');
    await page.getByLabel(/Allowed origins/).fill('example.com/shop');
    await page.getByRole('button', { name: 'Save site' }).click();
    const field = page.getByLabel(/Allowed origins/);
    await expect.poll(() => field.getAttribute('aria-describedby').then((ids) => ids ?? '')).not.toBe('');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const ids = (await field.getAttribute('aria-describedby'))!.split(/\s+/);
    const words = (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()))).join(' ');
    expect(words).toMatch(/example\.com\/shop.*is not an http\(s\) origin/);
    expect(words).not.toMatch(/allowedOrigins|\[0\]/);
    expect(await page.getByText(/allowedOrigins/).count()).toBe(0);
    await screenshot(page, 'site-form-error');
    await expectAccessible(page);
    await page.close();
  });
});
