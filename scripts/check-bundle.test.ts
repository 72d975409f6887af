import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGETS, bundledPackages } from './check-bundle.ts';

describe('the bundle check', () => {
  it("names the packages esbuild bundled, scoped ones included, from the metafile's inputs", () => {
    const metafile = join(mkdtempSync(join(tmpdir(), 'parley-bundle-')), 'meta.json');
    const inputs = {
      'worker/index.ts': {},
      'node_modules/stripe/esm/stripe.core.js': {},
      'node_modules/@sentry/cloudflare/build/esm/prod/index.js': {},
      'node_modules/.pnpm/x/node_modules/openai/client.mjs': {},
    };
    writeFileSync(metafile, JSON.stringify({ inputs, outputs: {} }));
    expect([...bundledPackages(metafile)].sort()).toEqual(['@sentry/cloudflare', 'openai', 'stripe']);
  });

  it('keeps Stripe out of the chat Worker and the model SDKs out of the billing Worker', () => {
    expect(BUDGETS.find((b) => b.name === 'chat')?.forbidden).toContain('stripe');
    expect(BUDGETS.find((b) => b.name === 'billing')?.forbidden).toEqual(
      expect.arrayContaining(['openai', '@anthropic-ai/sdk', '@google/genai']),
    );
  });
});
