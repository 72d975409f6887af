// The README's and docs/architecture.md's screenshots (docs/chat.png, docs/chat-dark.png,
// docs/chat-phone.png), made on the current UI: versions (‹ 1 of 2 ›), the sidebar's pins and date
// groups, the Share/Export bar. Only with README_SCREENSHOTS=1 (they are pictures, not checks):
//   npm run build && README_SCREENSHOTS=1 npx vitest run --project e2e test/e2e/readme-screenshots.test.ts
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { expectAccessible, openPage, useBrowser } from './browser.ts';
import { lastReply, sendFromComposer, signInByEmail, waitForReplyEnd } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const DOCS = join(import.meta.dirname, '../../docs');
const DAY = 86_400_000;

/** Earlier conversations, straight into Postgres (their rooms adopt them when opened), for the date groups. */
async function seedEarlier(userId: string) {
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  const db = drizzle(neon('postgresql://parley@127.0.0.1/parley'));
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  const earlier = [
    { title: 'Sourdough starter schedule', ago: 0.2 * DAY },
    { title: 'Rust lifetimes, explained simply', ago: 1 * DAY },
    { title: 'Heat pump or gas boiler: ten-year costs', ago: 3 * DAY },
    { title: 'Cover letter for a data analyst role', ago: 5 * DAY },
    { title: 'SQL window functions cheat sheet', ago: 12 * DAY },
    { title: 'Marathon training plan, 16 weeks', ago: 24 * DAY },
  ];
  for (const { title, ago } of earlier) {
    const at = new Date(Date.now() - ago);
    const id = crypto.randomUUID();
    await db.insert(conversations).values({ id, userId, title, activeAt: at, createdAt: at, updatedAt: at });
    await db.insert(messages).values({ conversationId: id, userId, role: 'user', content: title, createdAt: at });
  }
}

/** A user with a conversation in two versions (regenerated with another model), one pinned and earlier ones. */
async function scene(page: Page, device: 'desktop' | 'phone') {
  const email = `readme-${crypto.randomUUID()}@example.com`;
  await seedEarlier((await devSession(email)).userId);
  await signInByEmail(page, '/', email);
  if (device === 'phone') await page.getByRole('button', { name: 'Conversations' }).click();
  await page
    .getByRole('complementary', { name: 'Conversations' })
    .getByRole('button', { name: 'Pin "Sourdough starter schedule"' })
    .click();
  if (device === 'phone') await page.getByRole('button', { name: 'Close conversations' }).click();
  await page.getByLabel('Model').selectOption('openai/gpt-4.1-mini');
  await sendFromComposer(page, 'Plan a weekend in Porto in spring');
  await waitForReplyEnd(page);
  await page.getByLabel('Model').selectOption('anthropic/claude-sonnet-5-5');
  await lastReply(page).getByRole('button', { name: 'Regenerate' }).click();
  await waitForReplyEnd(page);
  await lastReply(page).getByRole('group', { name: 'Versions' }).getByText('2 of 2').waitFor();
}

describe.runIf(process.env.README_SCREENSHOTS === '1')('the README screenshots', () => {
  it('docs/chat.png: versions, pins, date groups, Share and Export, a reply with its details', async () => {
    const page = await openPage(browser());
    await scene(page, 'desktop');
    await lastReply(page).getByRole('button', { name: 'Details' }).click();
    await page.mouse.move(0, 0);
    await expectAccessible(page);
    await page.screenshot({ path: join(DOCS, 'chat.png') });
    await page.close();
  });

  it('docs/chat-phone.png: the same on a phone', async () => {
    const page = await openPage(browser(), 'phone');
    await scene(page, 'phone');
    await expectAccessible(page);
    await page.screenshot({ path: join(DOCS, 'chat-phone.png') });
    await page.close();
  });

  it('docs/chat-dark.png: the dark theme, with a highlighted code block', async () => {
    const page = await openPage(browser(), 'desktop', { colorScheme: 'dark' });
    await scene(page, 'desktop');
    await sendFromComposer(
      page,
      '[[fake echo=1]] A retry with backoff:\n\n```ts\nasync function retry<T>(run: () => Promise<T>, tries = 3): Promise<T> {\n  for (let i = 1; ; i++) {\n    try {\n      return await run();\n    } catch (error) {\n      if (i >= tries) throw error;\n      await new Promise((r) => setTimeout(r, 2 ** i * 100));\n    }\n  }\n}\n```',
    );
    await waitForReplyEnd(page);
    expect(await lastReply(page).locator('pre code .hljs-keyword').count()).toBeGreaterThan(0);
    await page.mouse.move(0, 0);
    await expectAccessible(page);
    await page.screenshot({ path: join(DOCS, 'chat-dark.png') });
    await page.close();
  });
});
