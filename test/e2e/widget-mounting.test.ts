// Issue 23 item 5: the widget mounts where the host page's CSS cannot move, shrink, clip or cover
// it. On pages that transform, filter, contain or zoom their html or body, reset every element,
// clip the body or cover the corner with z-index 2147483647, the launcher sits in the configured
// corner of the viewport and takes the click, the panel opens whole within the viewport, keyboard
// behaviour holds, and a message gets its reply; at desktop and phone sizes. The page's own menu,
// toast and modal dialog still work beside it. Without the Popover API (older browsers) the
// widget still escapes whatever the page does to its body.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { consoleErrors, type Device, openPage, screenshot, useBrowser } from './browser.ts';
import { startHostSite } from './host-site.ts';
import { HOSTILE_STYLES, type HostileStyle } from './hostile-pages.ts';
import { devSession } from './sign-in.ts';

const browser = useBrowser();
const SITE = 'Hardware Store';
let host: Awaited<ReturnType<typeof startHostSite>>;

beforeAll(async () => {
  host = await startHostSite(inject('e2eDevUrl'));
  const owner = await devSession();
  const res = await fetch(`${inject('e2eDevUrl')}/api/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: SITE,
      allowedOrigins: [host.url],
      greeting: 'Hello from the store.',
      // Every page here is a new visitor from this one machine's address: past the default 10
      // sessions a minute per address (the limit has tests of its own, test/worker/widget-limits.test.ts).
      sessionsPerIpPerMinute: 1000,
    }),
  });
  if (res.status !== 201) throw new Error(`creating the site failed: ${res.status} ${await res.text()}`);
  host.useSiteKey(((await res.json()) as { publicKey: string }).publicKey);
});

afterAll(() => host?.close());

const panel = (page: Page) => page.getByRole('dialog', { name: SITE });
const launcher = (page: Page) => page.getByRole('button', { name: /^(Open|Close) chat$/ }).last();

/** A box in the page's viewport coordinates, with the viewport's size. */
type Placement = {
  viewport: { width: number; height: number };
  box: { left: number; top: number; right: number; bottom: number; width: number; height: number };
  /** What the page finds at the box's centre is the widget, and inside it the element measured. */
  onTop: boolean;
};

/** Where the widget's element matching `selector` is, and whether it is what a click at its centre reaches. */
function place(page: Page, selector: string): Promise<Placement> {
  return page.evaluate((selector) => {
    const widget = document.querySelector('parley-widget');
    const element = widget?.shadowRoot?.querySelector(selector);
    if (!widget?.shadowRoot || !element) throw new Error(`no ${selector} in the widget`);
    const r = element.getBoundingClientRect();
    const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
    const inner = widget.shadowRoot.elementFromPoint(x, y);
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight },
      box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height },
      onTop: document.elementFromPoint(x, y) === widget && !!inner && element.contains(inner),
    };
  }, selector);
}

/** The launcher in the bottom-right corner (the default theme), 56 px, 20 px from both edges, taking clicks. */
async function expectLauncherInCorner(page: Page) {
  const { viewport, box, onTop } = await place(page, '.launcher');
  expect({ width: Math.round(box.width), height: Math.round(box.height) }).toEqual({ width: 56, height: 56 });
  expect(Math.round(viewport.width - box.right)).toBe(20);
  expect(Math.round(viewport.height - box.bottom)).toBe(20);
  expect(onTop).toBe(true);
}

/** The panel whole within the viewport, of a usable size, on top, its text unaffected by the page's. */
async function expectPanelInView(page: Page) {
  const { viewport, box, onTop } = await place(page, '.panel');
  expect(box.left).toBeGreaterThanOrEqual(0);
  expect(box.top).toBeGreaterThanOrEqual(0);
  expect(box.right).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box.bottom).toBeLessThanOrEqual(viewport.height + 0.5);
  expect(box.width).toBeGreaterThanOrEqual(Math.min(335, viewport.width));
  expect(box.height).toBeGreaterThanOrEqual(300);
  expect(onTop).toBe(true);
  const text = await panel(page).evaluate((dialog) => {
    const heading = getComputedStyle(dialog.querySelector('h2')!);
    return {
      direction: getComputedStyle(dialog).direction,
      fontSize: heading.fontSize,
      lineHeight: heading.lineHeight,
    };
  });
  expect(text).toEqual({ direction: 'ltr', fontSize: '16px', lineHeight: '20.8px' });
}

/** Sends `text` and waits for the fake's whole reply of `tokens` tokens. */
async function askAndRead(page: Page, text: string, tokens: number) {
  const box = panel(page).getByRole('textbox', { name: 'Message' });
  await box.fill(`[[fake tokens=${tokens}]] ${text}`);
  await box.press('Enter');
  await expect
    .poll(async () =>
      (
        await panel(page)
          .getByRole('article', { name: SITE })
          .last()
          .innerText()
          .catch(() => '')
      ).replace(/\s+/g, ' '),
    )
    .toContain(expectedReplyText('anthropic', tokens).trim().replace(/\s+/g, ' '));
}

const focusedInWidget = (page: Page) =>
  page.evaluate(() => {
    const active = document.querySelector('parley-widget')?.shadowRoot?.activeElement;
    return active ? `${active.tagName.toLowerCase()}${active.className ? `.${active.className}` : ''}` : null;
  });

async function openReady(page: Page, path: string) {
  await page.goto(`${host.url}${path}`);
  await page.locator('parley-widget[data-status="ready"]').waitFor({ state: 'attached' });
}

/** Everything a visitor does on a page: find the launcher (by eye and by Tab), open, chat, close with Escape. */
async function useWidget(page: Page, name: string) {
  await expectLauncherInCorner(page);
  // The launcher comes after the page in the Tab order, as it did inside <body>.
  await page.getByRole('link', { name: 'Page two' }).focus();
  await page.keyboard.press('Tab');
  expect(await focusedInWidget(page)).toBe('button.launcher');
  await launcher(page).click();
  await panel(page).waitFor();
  await expectPanelInView(page);
  expect(await focusedInWidget(page)).toBe('textarea');
  await askAndRead(page, `Hello from ${name}`, 6);
  await page.keyboard.press('Escape');
  await panel(page).waitFor({ state: 'hidden' });
  expect(await focusedInWidget(page)).toBe('button.launcher');
  // Off the launcher, which grows a little under the pointer.
  await page.mouse.move(1, 1);
  await page.waitForTimeout(200);
  await expectLauncherInCorner(page);
}

const devices: Device[] = ['desktop', 'phone'];
const styles = Object.keys(HOSTILE_STYLES) as HostileStyle[];

describe.each(devices)('on hostile host pages, %s', (device) => {
  it.each(styles)('%s: the launcher sits in the corner, the panel opens in view, and chat works', async (style) => {
    const page = await openPage(browser(), device);
    await openReady(page, `/hostile/${style}.html`);
    await useWidget(page, style);
    if (style === 'transform' || style === 'zoom-html') {
      await launcher(page).click();
      await panel(page).waitFor();
      await screenshot(page, `widget-hostile-${style}-${device}`);
    }
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });
});

describe("beside the page's own top-layer elements", () => {
  const isOpen = (page: Page, id: string) =>
    page.evaluate((id) => document.getElementById(id)!.matches(':popover-open, :modal'), id);

  /** The colour a visitor sees at (x, y): the page's screenshot, read back in a blank page. */
  const pixel = async (page: Page, x: number, y: number) => {
    const png = (await page.screenshot({ clip: { x, y, width: 1, height: 1 } })).toString('base64');
    const reader = await browser().newPage();
    const rgb = await reader.evaluate(async (png) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const context = new OffscreenCanvas(1, 1).getContext('2d')!;
      context.drawImage(image, 0, 0);
      return [...context.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    }, png);
    await reader.close();
    return rgb;
  };

  it("leaves the page's menu, toast and modal dialog working, and stays on top of a toast opened after it", async () => {
    const page = await openPage(browser());
    await openReady(page, '/top-layer.html');
    // The page's rule for its dialog's backdrop does not dim the page behind the widget.
    expect(await pixel(page, 400, 400)).toEqual([255, 255, 255]);
    await launcher(page).click();
    await panel(page).waitFor();
    const box = panel(page).getByRole('textbox', { name: 'Message' });
    await box.fill('Half-written');

    // The page's menu opens and stays open: the widget, a manual popover, does not dismiss it.
    await page.evaluate(() => document.getElementById('menu')!.showPopover());
    await page.waitForTimeout(300);
    expect(await isOpen(page, 'menu')).toBe(true);

    // The page's toast covers the widget's corner: the widget comes back on top, keeping the
    // visitor's focus and text.
    await page.evaluate(() => document.getElementById('toast')!.showPopover());
    await expect.poll(async () => (await place(page, '.launcher')).onTop).toBe(true);
    expect((await place(page, '.panel')).onTop).toBe(true);
    expect(await isOpen(page, 'toast')).toBe(true);
    expect(await isOpen(page, 'menu')).toBe(true);
    expect(await focusedInWidget(page)).toBe('textarea');
    await page.keyboard.type(' message');
    expect(await box.inputValue()).toBe('Half-written message');
    await screenshot(page, 'widget-beside-page-toast');

    // The page's modal dialog is on top of everything, the widget included, and Escape closes the
    // dialog (not the panel); focus returns to where it was.
    await page.evaluate(() => (document.getElementById('dialog') as HTMLDialogElement).showModal());
    expect(await isOpen(page, 'dialog')).toBe(true);
    const covered = await page.evaluate(() => {
      const dialog = document.getElementById('dialog')!.getBoundingClientRect();
      return document
        .elementFromPoint(dialog.left + dialog.width / 2, dialog.top + dialog.height / 2)
        ?.closest('dialog')?.id;
    });
    expect(covered).toBe('dialog');
    const [dimmed] = await pixel(page, 400, 400);
    expect(dimmed).toBeLessThan(200); // the page's backdrop, behind its dialog
    await page.keyboard.press('Escape');
    await expect.poll(() => isOpen(page, 'dialog')).toBe(false);
    expect(await panel(page).isVisible()).toBe(true);
    expect(await focusedInWidget(page)).toBe('textarea');

    await box.fill('');
    await askAndRead(page, 'Still answering beside the page’s own layers?', 7);
    expect(consoleErrors(page)).toEqual([]);
    await page.close();
  });

  it('takes one turn, not turns forever, with another element that keeps itself on top the same way', async () => {
    const page = await openPage(browser());
    await openReady(page, '/top-layer.html');
    const rivalShows = await page.evaluate(async () => {
      // Another vendor's widget: shows itself again whenever another manual popover opens.
      const rival = document.getElementById('toast')!;
      let shows = 0;
      document.addEventListener(
        'toggle',
        (event) => {
          const layer = event.target as HTMLElement;
          if (layer === rival || layer.popover !== 'manual' || !layer.matches(':popover-open')) return;
          shows++;
          rival.hidePopover();
          rival.showPopover();
        },
        true,
      );
      rival.showPopover();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return shows;
    });
    expect(rivalShows).toBe(1);
    await page.close();
  });
});

describe("when the page's zoom changes with the window's width", () => {
  it('keeps the launcher its size, in the corner', async () => {
    const page = await openPage(browser());
    await openReady(page, '/hostile/zoom-narrow.html');
    await expectLauncherInCorner(page);
    await page.setViewportSize({ width: 600, height: 800 });
    expect(await page.evaluate(() => document.documentElement.currentCSSZoom)).toBe(2);
    // The browser runs resize handlers with the next frame it renders: the launcher is right from then on.
    await expect.poll(async () => Math.round((await place(page, '.launcher')).box.width)).toBe(56);
    await expectLauncherInCorner(page);
    await page.close();
  });
});

describe('without the Popover API', () => {
  // An older browser: the widget's element goes on <html>, outside whatever the page does to <body>.
  it.each(['transform', 'contain-paint', 'zoom-body', 'z-index'] as const)(
    '%s on the body: the launcher still sits in the corner and chat works',
    async (style) => {
      const page = await openPage(browser());
      await page.addInitScript(() => {
        delete (HTMLElement.prototype as Partial<HTMLElement>).showPopover;
      });
      await openReady(page, `/hostile/${style}.html`);
      expect(await page.evaluate(() => document.querySelector('parley-widget')?.parentElement?.tagName)).toBe('HTML');
      await useWidget(page, style);
      expect(consoleErrors(page)).toEqual([]);
      await page.close();
    },
  );
});
