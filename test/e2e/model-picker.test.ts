// Issue 22: the model picker offered models the plan refuses (a 403 only on send). Now it offers the
// plan's models and shows the others locked, with why, as the server says (GET /api/me/plan).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { signInWithLimits } from './accounts.ts';

const browser = useBrowser();

const picker = (page: Page) => page.getByLabel('Model');
/** Each option of the picker: its value, its words, and whether it can be chosen. */
const options = (page: Page) =>
  picker(page)
    .locator('option')
    .evaluateAll((list) =>
      (list as HTMLOptionElement[]).map((o) => ({ id: o.value, text: o.textContent ?? '', disabled: o.disabled })),
    );

describe('the model picker', () => {
  it("offers a free account only its plan's models: the others are locked, saying they come with Pro", async () => {
    const page = await openPage(browser());
    await signInByEmail(page);
    await expect.poll(() => options(page).then((o) => o.filter((x) => x.disabled).length)).toBeGreaterThan(0);
    const all = await options(page);
    // The free tier is kept off models above its output price cap; those come with Pro.
    const cap = TIER_LIMITS.free.maxOutputPricePerMillion!;
    const opus = all.find((o) => o.id === 'anthropic/claude-opus-4-7')!;
    expect(opus).toMatchObject({ disabled: true });
    expect(opus.text).toMatch(/Pro plan/);
    const sonnet = all.find((o) => o.id === 'anthropic/claude-sonnet-5-5')!;
    expect(sonnet).toMatchObject({ disabled: false });
    expect(sonnet.text).not.toMatch(/plan/i);
    expect(cap).toBe(10); // Opus costs $25 per million output tokens, Sonnet $10
    // A locked model cannot be chosen: the browser refuses to select it.
    await expect(picker(page).selectOption('anthropic/claude-opus-4-7', { timeout: 1000 })).rejects.toThrow();
    expect(await picker(page).inputValue()).not.toBe('anthropic/claude-opus-4-7');
    await screenshot(page, 'picker-locked');
    await expectAccessible(page);
    // The models it offers answer.
    await picker(page).selectOption('openai/gpt-4.1-mini');
    await sendFromComposer(page, '[[fake tokens=4]] Allowed model');
    await waitForReplyEnd(page);
    expect(await lastReply(page).locator('.model').innerText()).toBe('GPT-4.1 mini');
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it("follows the account's own limits: a plan with no price cap may choose every model", async () => {
    const page = await openPage(browser());
    await signInWithLimits(page, { maxOutputPricePerMillion: null });
    // Loaded: the picker lists the models (none locked for this account).
    await expect.poll(() => options(page).then((o) => o.length)).toBeGreaterThan(3);
    await page.waitForLoadState('networkidle');
    expect((await options(page)).filter((o) => o.disabled)).toEqual([]);
    await picker(page).selectOption('anthropic/claude-opus-4-7');
    await page.close();
  });

  it('a plan whose cap leaves out the default model starts a new chat on a model it includes', async () => {
    const page = await openPage(browser());
    await signInWithLimits(page, { maxOutputPricePerMillion: 2 });
    await expect.poll(() => options(page).then((o) => o.filter((x) => x.disabled).length)).toBeGreaterThan(0);
    const chosen = await picker(page).inputValue();
    const option = (await options(page)).find((o) => o.id === chosen)!;
    expect(option.disabled).toBe(false);
    await sendFromComposer(page, '[[fake tokens=3]] On an allowed model');
    await waitForReplyEnd(page);
    expect(
      await lastReply(page)
        .getByText(/not included/)
        .count(),
    ).toBe(0);
    await page.close();
  });
});
