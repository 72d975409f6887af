// Driving Debian's Chromium (/usr/bin/chromium, installed by apt, never downloaded by playwright)
// through playwright-core: pages at desktop and phone size, screenshots under test/e2e/screenshots/,
// the console errors a page logged, and axe-core's accessibility check.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

export type Device = 'desktop' | 'phone';
const DEVICES: Record<Device, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** CSP violations any page reported since the last test ended: every test fails on one (useBrowser). */
const cspViolations: string[] = [];

/** For a test that provokes a violation on purpose, once it has asserted it. */
export function clearCspViolations(): void {
  cspViolations.length = 0;
}

/** One browser for the file: launched before its tests, closed after them; a test in which any page broke the app's CSP fails. Call at the top of a test file. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(() => {
    const violations = cspViolations.splice(0);
    if (violations.length) throw new Error(`Content-Security-Policy violations:\n${violations.join('\n')}`);
  });
  afterAll(() => browser?.close());
  return () => {
    if (!browser) throw new Error('useBrowser(): the browser is launched in beforeAll; use it inside a test or hook');
    return browser;
  };
}

const errorsByPage = new WeakMap<Page, string[]>();

/** A page in a fresh context (its own cookies and storage) of the given size, recording console errors. */
export async function openPage(
  browser: Browser,
  device: Device = 'desktop',
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ ...DEVICES[device], ...options });
  // A Content-Security-Policy violation is reported in the page (and in every frame, the Sites
  // page's srcdoc preview included) as an error, whether or not Chromium also logs it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  errorsByPage.set(page, errors);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    errors.push(`console.error: ${message.text()} (${message.location().url})`);
    if (message.text().startsWith('CSP violation:')) cspViolations.push(`${message.text()} on ${page.url()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => {
    // A request the page itself gave up on (a navigation away, an aborted stream) is not a failure.
    const reason = request.failure()?.errorText;
    if (reason !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  page.on('close', () => void context.close().catch(() => undefined));
  return page;
}

/** What the page logged as errors so far: console.error, uncaught exceptions, failed requests, CSP violations. */
export function consoleErrors(page: Page): string[] {
  return [...(errorsByPage.get(page) ?? [])];
}

/** A full-page PNG at test/e2e/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export type AccessibilityOptions = {
  /** Limit the check to this part of the page (a CSS selector); default the whole document. */
  include?: string;
  /** axe rule ids to skip, each with a reason in the test. */
  disableRules?: string[];
};

/** Runs axe-core on the page as it is now and fails listing every serious or critical violation. */
export async function expectAccessible(page: Page, options: AccessibilityOptions = {}): Promise<void> {
  // evaluate goes through the DevTools protocol, so a Content-Security-Policy cannot block it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const results = await page.evaluate(({ include, disableRules }) => {
    const rules = Object.fromEntries((disableRules ?? []).map((id) => [id, { enabled: false }]));
    return (window as unknown as { axe: typeof axe }).axe.run(include ?? document, {
      resultTypes: ['violations'],
      rules,
    });
  }, options);
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.impact} ${violation.id}: ${violation.help} (${violation.helpUrl}) at ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`,
      ),
    );
  if (serious.length)
    throw new Error(
      `axe found ${serious.length} serious or critical violation(s) on ${page.url()}:\n- ${serious.join('\n- ')}`,
    );
}
