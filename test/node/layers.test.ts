// Layers read top-down (CONVENTIONS.md): entry -> routes, middleware and jobs -> Durable Objects ->
// domain -> db, with no arrow back up. This walks every import (type-only ones included) of the
// Worker and its objects and fails on one that runs up a layer, naming it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * A file's layer, by where it lives (the first pattern that matches): the higher may import the
 * lower, never the other way. worker/env.ts (AppEnv) is types only, made of domain and db types,
 * so it sits in the domain layer, below the routes and the auth middleware that use it.
 */
const LAYERS: [RegExp, number, string][] = [
  [/^worker\/db\/|^drizzle\//, 1, 'db'],
  [/^worker\/(index|bench\/entry)\.ts$|^billing\/index\.ts$/, 5, 'entry'],
  [/^worker\/(app|validation)\.ts$|^worker\/(routes|middleware|openapi|jobs|bench)\//, 4, 'routes'],
  [/^durable-objects\//, 3, 'durable objects'],
  [/^worker\/|^billing\//, 2, 'domain'],
];

function layerOf(path: string): [number, string] {
  const [, rank, name] = LAYERS.find(([pattern]) => pattern.test(path)) ?? [undefined, 0, 'outside'];
  return [rank, name];
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

/** Every relative import and re-export in a file, as repository paths. */
function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((spec) => relative(root, resolve(root, dirname(path), spec)));
}

describe('layers', () => {
  const files = [...sources('worker'), ...sources('durable-objects'), ...sources('drizzle'), ...sources('billing')];

  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(layerOf('worker/routes/v1.ts')[1]).toBe('routes');
    expect(layerOf('worker/db/client.ts')[1]).toBe('db');
    expect(layerOf('worker/chat/completion.ts')[1]).toBe('domain');
  });

  it('no import runs up a layer', () => {
    const upward = files.flatMap((file) => {
      const [rank, layer] = layerOf(file);
      return importsOf(file)
        .filter((target) => /^(worker|durable-objects|drizzle|billing)\//.test(target))
        .filter((target) => layerOf(target)[0] > rank)
        .map((target) => `${file} (${layer}) imports ${target} (${layerOf(target)[1]})`);
    });
    expect(upward).toEqual([]);
  });

  it('the chat Worker bundles nothing of the billing Worker (its Env names the entrypoint as a type only)', () => {
    const reaching = files
      .filter((file) => !file.startsWith('billing/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith('billing/'))
          .map((t) => `${file} -> ${t}`),
      );
    expect(reaching).toEqual([]);
  });
});
