// Issue 9: a conversation of 500 messages opens and scrolls without jank. The conversation is
// written straight into Postgres (as if made long ago); its room loads it from there once.
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { describe, expect, inject, it } from 'vitest';
import { conversations, messages, profiles } from '../../drizzle/schema.ts';
import { openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const MESSAGES = 500;

/** A reply with some Markdown and code, as real ones have. */
const reply = (n: number) =>
  `Answer ${n}: here is **something** to read, with a list:\n\n- first point\n- second point\n\n\`\`\`ts\nconst n: number = ${n};\nconsole.log(n * 2);\n\`\`\`\n\nAnd a closing paragraph that runs long enough to wrap onto a second line on a desktop screen.`;

async function seedLongConversation(userId: string) {
  neonConfig.fetchEndpoint = inject('e2eGatewayUrl');
  const db = drizzle(neon('postgresql://parley@127.0.0.1/parley'));
  const id = crypto.randomUUID();
  const start = Date.now() - MESSAGES * 60_000;
  await db.insert(profiles).values({ id: userId }).onConflictDoNothing();
  await db
    .insert(conversations)
    .values({ id, userId, title: 'Five hundred messages', model: 'anthropic/claude-sonnet-5-5' });
  const rows = Array.from({ length: MESSAGES }, (_, i) => ({
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

describe('a long conversation', () => {
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
