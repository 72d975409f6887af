// Issue 20 (item 4, first part): the operators' page in a real browser. An operator finds it in the
// navigation and reads the metrics; anyone else is not shown the link and is told no on the page.
import { describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';

const browser = useBrowser();
/** In the e2e stack's OPERATOR_EMAILS (global-setup.ts). */
const OPERATOR = 'ops@e2e.example';
const today = new Date().toISOString().slice(0, 10);

describe("the operators' page", () => {
  it("shows an operator today's signups and the tables behind them, accessibly", async () => {
    const page = await openPage(browser());
    await signInByEmail(page, '/', OPERATOR);
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
