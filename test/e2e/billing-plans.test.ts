// Issue 22: Billing never stated Pro's price and limits. Now Free and Pro stand side by side, the
// limits from the server's tiers and Pro's price read from the configured Stripe price.
import { describe, expect, it } from 'vitest';
import { prices } from '../../scripts/fake-stripe/catalogue.ts';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';

const browser = useBrowser();

describe('billing', () => {
  it("states Free's and Pro's limits side by side, and Pro's price from Stripe", async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/billing');
    const plans = page.getByRole('table', { name: /Plans/ });
    await plans.waitFor({ timeout: 10_000 });
    const row = async (name: RegExp) =>
      (await plans.getByRole('row', { name }).locator('th, td').allInnerTexts()).map((t) => t.trim());
    // The price the fake Stripe's Pro price holds (as a real account's would): $20 a month.
    const pro = prices.get('price_offline_pro')!;
    expect(pro.unit_amount).toBe(2000);
    await expect.poll(() => row(/^Price/)).toEqual(['Price', 'Free', expect.stringMatching(/^\$20(\.00)? a month/)]);
    expect((await row(/^Price/))[2]).toMatch(/\$0\.40 per million tokens/);
    const words = (n: number) => n.toLocaleString('en-US');
    expect(await row(/^Tokens a month/)).toEqual([
      'Tokens a month',
      words(TIER_LIMITS.free.monthlyTokens!),
      words(TIER_LIMITS.pro.monthlyTokens!),
    ]);
    expect(await row(/^Requests a minute/)).toEqual([
      'Requests a minute',
      String(TIER_LIMITS.free.requestsPerMinute),
      String(TIER_LIMITS.pro.requestsPerMinute),
    ]);
    expect(await row(/^Replies at once/)).toEqual([
      'Replies at once',
      String(TIER_LIMITS.free.concurrentStreams),
      String(TIER_LIMITS.pro.concurrentStreams),
    ]);
    const models = await row(/^Models/);
    expect(models[1]).toMatch(/Claude Sonnet 5\.5/);
    expect(models[1]).not.toMatch(/Claude Opus 4\.7/);
    expect(models[2]).toMatch(/Every model/);
    // The column of the reader's own plan says so.
    expect(await plans.getByRole('columnheader', { name: /Free/ }).innerText()).toMatch(/your plan/i);
    await screenshot(page, 'billing-plans');
    await expectAccessible(page);
    await page.close();
  });

  it('at phone size the comparison fits the screen', async () => {
    const page = await openPage(browser(), 'phone');
    await signInByEmail(page, '/billing');
    const plans = page.getByRole('table', { name: /Plans/ });
    await plans.getByText(/\$20/).waitFor({ timeout: 10_000 });
    const box = (await plans.getByText(/\$20/).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'billing-plans-phone');
    await expectAccessible(page);
    await page.close();
  });
});
