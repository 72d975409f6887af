// Issue 22: a 37-turn conversation used a whole free month unawares, since each message resends the
// history. Once the history each message sends is a real part of the month's tokens (or of what the
// model reads at once), the conversation says so above the composer.
import { describe, expect, it } from 'vitest';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();
const hint = 'p.context-hint';

describe('the context-size hint', () => {
  it('says nothing in a short conversation, then how much each message resends once it is long', async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await sendFromComposer(page, '[[fake tokens=3]] A short question');
    await waitForReplyEnd(page);
    expect(await page.locator(hint).count()).toBe(0);

    // About 6,000 tokens of text: 3% of a free month (200,000 tokens) for every message from now on.
    await page.locator('#composer-input').fill(`[[fake tokens=3]] ${'history '.repeat(3000)}`);
    await page.locator('#composer-input').press('Enter');
    await waitForReplyEnd(page);
    const words = await page.locator(hint).innerText();
    const sent = Number(/sends about ([\d,]+) tokens of history/.exec(words)?.[1]?.replace(/,/g, ''));
    expect(sent).toBeGreaterThan(5000);
    // The share of the month it states is what that count is of 200,000.
    const share = Number(/\(([\d.]+)% of your month's tokens/.exec(words)?.[1]);
    expect(share).toBeCloseTo((sent / 200_000) * 100, 0);
    expect(words).toMatch(/A new conversation costs less\.$/);
    expect(await page.getByRole('status').filter({ hasText: 'tokens of history' }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'context-hint');
    await page.close();
  });
});
