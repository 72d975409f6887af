// Issue 19 (item 5): Keys, Sites, Billing and Usage share one loading / error / empty block
// (frontend/src/components/PageState.tsx). Each page is held while it loads, then refused as the
// Worker refuses with Postgres away, then retried onto a new account's empty state.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible, openPage, screenshot, useBrowser } from './browser.ts';
import { signInByEmail } from './app.ts';

const browser = useBrowser();

// The Worker's own answer when Postgres cannot be reached (worker/middleware/errors.ts).
const DATABASE_AWAY = {
  error: {
    code: 'database_unavailable',
    message:
      'The database cannot be reached right now: try again shortly (sending and reading conversations keep working)',
  },
};

/**
 * Holds the page's next GET of `pathname` until `release()`, answers it 503 as the Worker does with
 * Postgres away, and lets every later request through.
 */
async function holdThenRefuse(page: Page, pathname: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let refused = false;
  await page.route(
    (url) => url.pathname === pathname,
    async (route) => {
      if (refused || route.request().method() !== 'GET') return route.fallback();
      refused = true;
      await released;
      await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(DATABASE_AWAY) });
    },
  );
  return release;
}

type PageCase = {
  name: string;
  path: string;
  api: string;
  what: string;
  loading: string;
  /** What a new account sees once it loads: its empty state, or the loaded page. */
  loaded: RegExp;
};

const PAGES: PageCase[] = [
  {
    name: 'keys',
    path: '/keys',
    api: '/api/keys',
    what: 'Your keys',
    loading: 'Loading your keys…',
    loaded: /You have no API keys yet/,
  },
  {
    name: 'sites',
    path: '/sites',
    api: '/api/sites',
    what: 'Your sites',
    loading: 'Loading your sites…',
    loaded: /No sites yet/,
  },
  {
    name: 'billing',
    path: '/billing',
    api: '/api/me',
    what: 'Your plan',
    loading: 'Loading your plan…',
    loaded: /Your plan: Free/,
  },
  {
    name: 'usage',
    path: '/usage',
    api: '/api/usage',
    what: 'Your usage',
    loading: 'Loading your usage…',
    loaded: /No usage yet/,
  },
];

describe('the settings pages while loading, failing and empty', () => {
  for (const state of PAGES) {
    it(`${state.name}: says it is loading, says why it failed with a Try again that works, then shows the empty page`, async () => {
      const page = await openPage(browser());
      await signInByEmail(page, state.path);
      // The first load done first: a request of it still in flight would be the one held, and the
      // reloaded page's own would pass (on a loaded machine, that is what happened).
      await page.getByText(state.loaded).first().waitFor();
      const release = await holdThenRefuse(page, state.api);
      await page.reload();

      const loading = page.getByRole('status').filter({ hasText: state.loading });
      await loading.waitFor();
      expect(await loading.getAttribute('aria-live')).toBe('polite');
      await screenshot(page, `${state.name}-loading`);

      release();
      const alert = page.getByRole('alert').filter({ hasText: `${state.what} could not be loaded` });
      await alert.waitFor();
      expect(await alert.innerText()).toContain('The database cannot be reached right now: try again shortly');
      expect(await loading.count()).toBe(0);
      await expectAccessible(page);
      await screenshot(page, `${state.name}-error`);

      await alert.getByRole('button', { name: 'Try again' }).click();
      await page.getByText(state.loaded).first().waitFor();
      expect(await alert.count()).toBe(0);
      await expectAccessible(page);
      await screenshot(page, `${state.name}-empty`);
      await page.close();
    });
  }
});
