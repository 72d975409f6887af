// Issue 9: a conversation of 500 messages opens and scrolls without jank. The conversation is
// written straight into Postgres (as if made long ago); its room loads it from there once.
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { type Device, expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const MESSAGES = 500;

/** A reply with some Markdown and code, as real ones have. */
const reply = (n: number) =>
  `Answer ${n}: here is **something** to read, with a list:\n\n- first point\n- second point\n\n\`\`\`ts\nconst n: number = ${n};\nconsole.log(n * 2);\n\`\`\`\n\nAnd a closing paragraph that runs long enough to wrap onto a second line on a desktop screen.`;

async function seedLongConversation(userId: string, count = MESSAGES) {
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  const db = drizzle(neon('postgresql://parley@127.0.0.1/parley'));
  const id = crypto.randomUUID();
  const start = Date.now() - count * 60_000;
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  await db
    .insert(conversations)
    .values({ id, userId, title: 'Five hundred messages', model: 'anthropic/claude-sonnet-5-5' });
  const rows = Array.from({ length: count }, (_, i) => ({
    conversationId: id,
    userId,
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: i % 2 === 0 ? `Question ${i / 2 + 1}: what about this?` : reply((i + 1) / 2),
    model: i % 2 === 0 ? null : 'anthropic/claude-sonnet-5-5',
    provider: i % 2 === 0 ? null : 'anthropic',
    status: 'complete' as const,
    createdAt: new Date(start + i * 60_000),
  }));
  for (let i = 0; i < rows.length; i += 100) await db.insert(messages).values(rows.slice(i, i + 100));
  return id;
}

/** How far the last message's bottom is from the visible bottom of the message list, in px (≤ 0: in view). */
const lastMessageBelowView = (page: import('playwright-core').Page) =>
  page.evaluate(() => {
    const scroller = document.querySelector('.messages')!;
    const last = [...scroller.querySelectorAll('article.message')].at(-1)!;
    return Math.round(last.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom);
  });

describe('a long conversation', () => {
  // Issue 22: it opened about 2,500 px above its end, with no way back down but scrolling.
  for (const device of ['desktop', 'phone'] as Device[]) {
    it(`opens at its latest message, and offers "Jump to latest" once scrolled up (${device})`, async () => {
      const email = `end-${crypto.randomUUID()}@example.com`;
      const { userId } = await devSession(email);
      const id = await seedLongConversation(userId, 200);
      const page = await openPage(browser(), device);
      await signInByEmail(page, '/', email);
      await page.goto(`${inject('e2eDevUrl')}/c/${id}`);
      await page.locator('article.message').nth(199).waitFor();
      await page.locator('article.message.assistant').last().locator('.code-block').waitFor();
      // Settled at the end: the latest message in view, and still there a moment later.
      await expect.poll(() => lastMessageBelowView(page)).toBeLessThanOrEqual(0);
      await page.waitForTimeout(500);
      expect(await lastMessageBelowView(page)).toBeLessThanOrEqual(0);
      await expect.poll(() => lastMessageBelowView(page)).toBeGreaterThan(-200);
      const jump = page.getByRole('button', { name: 'Jump to latest' });
      expect(await jump.count()).toBe(0);

      await page.locator('.messages').evaluate((scroller) => scroller.scrollBy(0, -3000));
      await jump.waitFor();
      await screenshot(page, `jump-to-latest-${device}`);
      await expectAccessible(page);
      await jump.click();
      await expect.poll(() => lastMessageBelowView(page)).toBeLessThanOrEqual(0);
      await jump.waitFor({ state: 'detached' });
      await page.close();
    });
  }

  // Tried twice at most: the threshold stays, and jank the app makes shows in both runs. On a quiet
  // machine this scroll has no long task at all; in one full run of the suites on this 2-core VM a
  // single 109 ms task (frame p95 19.8 ms) appeared once, and did not on the next runs.
  it(`opens ${MESSAGES} messages promptly and scrolls through them without long frames`, { retry: 1 }, async () => {
    const email = `long-${crypto.randomUUID()}@example.com`;
    const { userId } = await devSession(email);
    const id = await seedLongConversation(userId);
    const page = await openPage(browser());
    await signInByEmail(page, '/', email);

    const started = Date.now();
    await page.goto(`${inject('e2eDevUrl')}/c/${id}`);
    await page
      .locator('article.message')
      .nth(MESSAGES - 1)
      .waitFor();
    await page.locator('article.message.assistant').last().locator('.code-block').waitFor();
    const openMs = Date.now() - started;

    // Scroll from the bottom to the top in steps, as a reader would, recording long tasks.
    const scroll = await page.evaluate(async () => {
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      });
      observer.observe({ type: 'longtask', buffered: false });
      const scroller = document.querySelector('.messages')!;
      const frames: number[] = [];
      let last = performance.now();
      while (scroller.scrollTop > 0) {
        scroller.scrollTop -= 600;
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        frames.push(now - last);
        last = now;
      }
      observer.disconnect();
      frames.sort((a, b) => a - b);
      return {
        steps: frames.length,
        longTasks,
        worstFrame: frames.at(-1)!,
        p95Frame: frames[Math.floor(frames.length * 0.95)]!,
      };
    });
    console.log(
      `long conversation: opened in ${openMs} ms; scroll ${scroll.steps} steps, frame p95 ${scroll.p95Frame.toFixed(1)} ms, worst ${scroll.worstFrame.toFixed(1)} ms, long tasks ${JSON.stringify(scroll.longTasks.map(Math.round))}`,
    );
    await screenshot(page, 'long-conversation');
    expect(await page.locator('article.message').count()).toBe(MESSAGES);
    expect(openMs).toBeLessThan(5000);
    expect(scroll.steps).toBeGreaterThan(10);
    // Smooth: no task blocks the page for more than a tenth of a second while scrolling.
    expect(Math.max(0, ...scroll.longTasks)).toBeLessThan(100);
    await page.close();
  });
});
