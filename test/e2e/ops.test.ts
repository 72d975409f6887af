// Issue 20 (item 4): the operators' page in a real browser. An operator finds it in the navigation
// and reads the metrics, the speed of the reply they just sent (rolled up by the hourly cron, fired
// through wrangler's --test-scheduled route), refusals, conversions and revenue; anyone else is not
// shown the link and is told no on the page.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();
/** In the e2e stack's OPERATOR_EMAILS (global-setup.ts). */
const OPERATOR = 'ops@e2e.example';
const today = new Date().toISOString().slice(0, 10);
/** The hourly cron's expression in wrangler.toml: the usage and timing roll-ups. */
const HOURLY = '0 * * * *';

/**
 * Fires the hourly roll-up and shows the range again until the Speed table has this model's row
 * for today: the reply's timing reaches Postgres through the usage queue (3 s batch timeout).
 */
async function rollUpUntilSpeedShows(page: Page, model: string) {
  const row = page
    .getByRole('region', { name: 'Speed by day and model' })
    .getByRole('row')
    .filter({ hasText: today })
    .filter({ hasText: model });
  await expect
    .poll(
      async () => {
        const fired = await fetch(`${inject('e2eDevUrl')}/__scheduled?cron=${encodeURIComponent(HOURLY)}`);
        expect(fired.status).toBe(200);
        await page.getByRole('button', { name: 'Show' }).click();
        await page.getByRole('heading', { name: 'Speed', level: 2 }).waitFor();
        return row.count();
      },
      { timeout: 20_000, interval: 750 },
    )
    .toBe(1);
  return row;
}

describe("the operators' page", () => {
  it("shows an operator today's signups, the speed of their reply, refusals and revenue, accessibly", async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/', OPERATOR);
    const picker = page.getByLabel('Model');
    await expect.poll(() => picker.inputValue()).not.toBe('');
    // The operators' tables name models as people read them (the picker's option, before its price).
    const model = (await picker.locator('option:checked').innerText()).split(/ \(| ·/)[0]!;
    await sendFromComposer(page, '[[fake tokens=3 tps=200 ttft=20]] Time this reply');
    await waitForReplyEnd(page);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
    await page.getByRole('heading', { name: 'Operators', level: 1 }).waitFor();
    const signups = page.getByRole('region', { name: 'Signups by day' });
    await signups.waitFor();
    // At least this operator signed up today.
    const todayRow = signups.getByRole('row', { name: new RegExp(today) });
    expect(Number((await todayRow.getByRole('cell').innerText()).replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
    expect(await page.getByText('Every user by tier').count()).toBe(1);
    const health = page.getByRole('region', { name: 'Health' });
    await health.getByText('Up', { exact: true }).waitFor();
    await health.getByText('None: every write has landed').waitFor();

    const speedRow = await rollUpUntilSpeedShows(page, model);
    const cells = await speedRow.getByRole('cell').allInnerTexts();
    // Model, version, replies, TTFT p50 (a time, not "—"), p95, p99, errors, fallbacks.
    expect(Number(cells[2])).toBeGreaterThanOrEqual(1);
    expect(cells[3]).toMatch(/^\d+(\.\d)? m?s$/);
    // Errors and fallbacks, as rates. Not 0% here: the browser suites share one stack, and others make
    // replies fail or fall back on the same model today (test/worker/ops.test.ts checks the rates
    // themselves against its own count over known rows).
    for (const rate of cells.slice(-2)) expect(rate).toMatch(/^\d+(\.\d{1,2})?%$/);
    // A fresh stack: its one version first answered today, and says so beside the day.
    const speed = page.getByRole('region', { name: 'Speed by day and model' });
    expect(await speed.getByText(/^v?.+ deployed$/).count()).toBe(1);
    const versions = page.getByRole('region', { name: 'Versions and the first day each answered' });
    expect(await versions.getByRole('row', { name: new RegExp(today) }).count()).toBe(1);

    for (const name of ['Refusals', 'Conversions', 'Revenue and margin'])
      await page.getByRole('heading', { name, level: 2 }).waitFor();
    expect(await page.getByRole('region', { name: 'Margin by tier' }).getByRole('row').count()).toBe(4);
    await screenshot(page, 'ops');
    await expectAccessible(page);
    await page.close();
  });

  it('is not offered to someone else, and tells them why', async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/usage');
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Operators' }).count()).toBe(0);
    await page.goto(page.url().replace('/usage', '/ops'));
    const alert = page.getByRole('alert').filter({ hasText: 'The metrics could not be loaded' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain("not one of Parley's operators");
    await expectAccessible(page);
    await page.close();
  });
});
