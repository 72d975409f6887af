// Issue 23, items 3 and 4, on the Sites page: an allowed origin over a public suffix is refused
// next to its field, in words; the model picker offers the plan's models and shows the others
// locked; a model the plan refuses is refused next to the model field; a site whose model a plan
// change switched says so until the owner dismisses it; a site saved with a wildcard over a public
// suffix before the check is flagged.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';
import { seedSite } from './accounts.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();

const OPUS = 'anthropic/claude-opus-4-7';
const SONNET = 'anthropic/claude-sonnet-5-5';

/** The words of the problems a field points at (aria-describedby), once it has some. */
async function problemsOf(page: Page, label: RegExp | string) {
  const field = page.getByLabel(label, { exact: typeof label === 'string' });
  await expect.poll(() => field.getAttribute('aria-describedby').then((ids) => ids ?? '')).not.toBe('');
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const ids = (await field.getAttribute('aria-describedby'))!.split(/\s+/);
  return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).innerText()))).join(' ');
}

/** A free owner signed in on the Sites page (a session made first, so sites can be seeded for them). */
async function ownerOnSites(page: Page, seed?: (userId: string) => Promise<unknown>) {
  const email = `site-checks-${crypto.randomUUID()}@example.com`;
  const { userId } = await devSession(email);
  await seed?.(userId);
  await signInByEmail(page, '/sites', email);
  return userId;
}

describe('the Sites page: origins and models the checks refuse', () => {
  it('refuses a wildcard over a public suffix next to the origins field, saying who it would let in', async () => {
    const page = await openPage(browser());
    await ownerOnSites(page);
    await page.getByRole('button', { name: 'Add a site' }).click();
    await page.getByLabel('Name').fill('Docs');
    await page.getByLabel(/Allowed origins/).fill('https://docs.example.com\nhttps://*.github.io');
    await page.getByRole('button', { name: 'Save site' }).click();
    const words = await problemsOf(page, /Allowed origins/);
    expect(words).toContain(
      "'https://*.github.io' is too wide: github.io is a public suffix, so *.github.io would let anyone with a github.io page use your widget",
    );
    expect(words).not.toMatch(/allowedOrigins|\[1\]/);
    await screenshot(page, 'site-form-public-suffix');
    await expectAccessible(page);
    // One's own name under the suffix is accepted.
    await page.getByLabel(/Allowed origins/).fill('https://docs.example.com\nhttps://*.docs.github.io');
    await page.getByRole('button', { name: 'Save site' }).click();
    await page.getByRole('heading', { name: 'Docs', level: 2 }).waitFor();
    expect(await page.getByText('https://*.docs.github.io').count()).toBeGreaterThan(0);
    expect(consoleErrors(page).filter((e) => !e.includes('400'))).toEqual([]);
    await page.close();
  });

  it("offers the plan's models and shows the others locked; a model the plan refuses is refused next to the model field", async () => {
    const page = await openPage(browser());
    // A site saved on Opus before the plan check (a free plan does not include it).
    await ownerOnSites(page, (userId) => seedSite(userId, { name: 'Old shop', model: OPUS }));
    await page.getByRole('heading', { name: 'Old shop', level: 2 }).waitFor();

    await page.getByRole('button', { name: 'Add a site' }).click();
    const picker = page.getByLabel('Model', { exact: true });
    await expect.poll(() => picker.locator('option').count()).toBeGreaterThan(3);
    const opus = picker.locator(`option[value="${OPUS}"]`);
    await expect.poll(() => opus.isDisabled()).toBe(true);
    expect(await opus.innerText()).toMatch(/needs the Pro plan/);
    expect(await picker.locator(`option[value="${SONNET}"]`).isDisabled()).toBe(false);
    await expect(picker.selectOption(OPUS, { timeout: 1000 })).rejects.toThrow();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Editing the old site: its own model stays shown, but saving it is refused, in words, by the field.
    await page.getByRole('button', { name: 'Edit Old shop' }).click();
    await expect.poll(() => picker.inputValue()).toBe(OPUS);
    await page.getByRole('button', { name: 'Save site' }).click();
    const words = await problemsOf(page, 'Model');
    expect(words).toMatch(/^Claude Opus 4\.7 is not included in your free plan: it includes Claude Sonnet 5\.5/);
    expect(words).not.toContain(OPUS);
    await screenshot(page, 'site-form-model-not-in-plan');
    await expectAccessible(page);
    // Choosing a model the plan includes saves.
    await picker.selectOption(SONNET);
    await page.getByRole('button', { name: 'Save site' }).click();
    await page.getByText('Site “Old shop” saved.').waitFor({ state: 'attached' });
    await page.close();
  });

  it("says when a plan change switched a site's model, until dismissed; flags a wildcard over a public suffix saved before the check", async () => {
    for (const device of ['desktop', 'phone'] as const) {
      const page = await openPage(browser(), device);
      await ownerOnSites(page, async (userId) => {
        await seedSite(userId, {
          name: 'Switched shop',
          model: SONNET,
          modelNotice: { from: OPUS, to: SONNET, tier: 'free', at: new Date().toISOString() },
        });
        await seedSite(userId, { name: 'Wide shop', allowedOrigins: ['https://shop.example', 'https://*.github.io'] });
      });
      const switched = page.getByRole('region', { name: 'Switched shop' });
      const notice = switched.getByText(
        'Model changed to Claude Sonnet 5.5 because your plan no longer includes Claude Opus 4.7',
      );
      await notice.waitFor();
      const wide = page.getByRole('region', { name: 'Wide shop' });
      await wide.getByText('https://*.github.io lets anyone with a github.io page use this widget').waitFor();
      expect(await switched.getByText(/public suffix/).count()).toBe(0);
      expect(await wide.getByText(/Model changed/).count()).toBe(0);
      await screenshot(page, `sites-notices-${device}`);
      await expectAccessible(page);

      await switched.getByRole('button', { name: 'Dismiss the model change notice for Switched shop' }).click();
      await notice.waitFor({ state: 'detached' });
      await page.reload();
      await switched.getByRole('heading', { name: 'Switched shop' }).waitFor();
      expect(await switched.getByText(/Model changed/).count()).toBe(0);
      expect(await switched.getByText('Claude Sonnet 5.5').count()).toBeGreaterThan(0);
      expect(consoleErrors(page)).toEqual([]);
      await page.close();
    }
  });
});
