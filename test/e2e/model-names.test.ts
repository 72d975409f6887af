// Issue 22: model ids were shown raw (`anthropic/claude-haiku-4-5`) where people read model names,
// e.g. on the Sites page's card for each site.
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();

describe('model names, not ids', () => {
  it("the Sites page names each site's model", async () => {
    const email = `sites-${crypto.randomUUID()}@example.com`;
    const { accessToken } = await devSession(email);
    const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Bakery',
        allowedOrigins: ['https://bakery.example'],
        model: 'openai/gpt-4.1-mini',
      }),
    });
    expect(res.status).toBe(201);
    const page = await openPage(browser());
    await signInByEmail(page, '/sites', email);
    const card = page.getByRole('region', { name: 'Bakery' });
    await card.waitFor();
    await expect.poll(() => card.innerText()).toMatch(/GPT-4\.1 mini/);
    expect(await card.innerText()).not.toMatch(/openai\/gpt-4\.1-mini/);
    await expectAccessible(page);
    await page.close();
  });
});
