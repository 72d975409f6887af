// The app's initial-JavaScript budget (issue 22: at most 60 kB gzip): what the build counts, and
// that it refuses a bundle over it.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET, initialJs, initialJsBudget } from '../../frontend/initial-js.ts';

const chunk = (fileName: string, code: string, imports: string[] = [], isEntry = false) =>
  ({ type: 'chunk', fileName, code, imports, isEntry, dynamicImports: [] }) as unknown as Rolldown.OutputChunk;

/** Code that gzip cannot shrink much: `bytes` random bytes as hex. */
const incompressible = (bytes: number) => `export const x = "${randomBytes(bytes).toString('hex')}";`;

function bundleOf(...chunks: Rolldown.OutputChunk[]): Rolldown.OutputBundle {
  return Object.fromEntries(chunks.map((c) => [c.fileName, c]));
}

describe('the initial JavaScript budget', () => {
  it('counts the entry and what it imports statically, all the way down, but not chunks loaded on demand', () => {
    const entry = chunk('index.js', incompressible(1000), ['shared.js'], true);
    const shared = chunk('shared.js', incompressible(2000), ['deep.js']);
    const deep = chunk('deep.js', incompressible(500));
    const markdown = chunk('markdown.js', incompressible(40_000), ['shared.js']);
    const { bytes, files } = initialJs(bundleOf(entry, shared, deep, markdown));
    expect(files.sort()).toEqual(['deep.js', 'index.js', 'shared.js']);
    expect(bytes).toBe([entry, shared, deep].reduce((sum, c) => sum + gzipSync(c.code).length, 0));
  });

  it('fails the build over 60 kB gzip and passes it under', () => {
    const plugin = initialJsBudget();
    const context = {
      error: (message: string) => {
        throw new Error(message);
      },
    };
    const write = (bundle: Rolldown.OutputBundle) =>
      (plugin.writeBundle as (this: typeof context, options: unknown, bundle: Rolldown.OutputBundle) => void).call(
        context,
        {},
        bundle,
      );
    expect(INITIAL_JS_BUDGET).toBe(60_000);
    // 31 kB of random bytes is about 62 kB of hex, which gzip brings to about 33 kB: twice that passes 60.
    const heavy = bundleOf(
      chunk('index.js', incompressible(31_000), ['vendor.js'], true),
      chunk('vendor.js', incompressible(31_000)),
    );
    expect(() => write(heavy)).toThrow(/initial JavaScript is 6\d\.\d\d kB gzip .* over its budget of 60 kB/);
    const light = bundleOf(
      chunk('index.js', incompressible(31_000), [], true),
      chunk('lazy.js', incompressible(31_000)),
    );
    expect(() => write(light)).not.toThrow();
  });
});
