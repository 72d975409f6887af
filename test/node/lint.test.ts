// `npm test` runs `npm run lint` before any suite: these tests show that the lint script, on a copy
// of the tree, passes as the tree is and fails on a deliberate violation of each kind it guards.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'parley-lint-'));
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const path of tracked) {
    try {
      cpSync(join(root, path), join(copy, path));
    } catch (error) {
      // A tracked file deleted in the working tree and not yet committed.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
});

afterEach(() => rmSync(copy, { recursive: true, force: true }));

/** Runs the package's own `lint` script in the copy, with this checkout's tools on the PATH. */
function lint() {
  const result = spawnSync('sh', ['-c', scripts.lint ?? 'false'], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function write(path: string, text: string) {
  mkdirSync(join(copy, dirname(path)), { recursive: true });
  writeFileSync(join(copy, path), text);
}

describe('npm run lint', () => {
  it('is part of npm test, before the suites run', () => {
    expect(scripts.test).toMatch(/npm run lint &&.*vitest run/);
  });

  it('passes on the tree as it is', () => {
    const { status, output } = lint();
    expect(output).not.toMatch(/error|warning/i);
    expect(status).toBe(0);
  });

  it('fails on an explicit any in the Worker, naming the file and the rule', () => {
    write('worker/probe.ts', 'export function echo(value: any) {\n  return value;\n}\n');
    const { status, output } = lint();
    expect(status).not.toBe(0);
    expect(output).toContain('worker/probe.ts');
    expect(output).toContain('lint/suspicious/noExplicitAny');
  });

  it('fails on destructured props in a Solid component (they lose reactivity)', () => {
    write(
      'frontend/src/components/Probe.tsx',
      "import type { JSX } from 'solid-js';\n\nexport function Probe({ name }: { name: string }): JSX.Element {\n  return <p>{name}</p>;\n}\n",
    );
    const { status, output } = lint();
    expect(status).not.toBe(0);
    expect(output).toContain('frontend/src/components/Probe.tsx');
    expect(output).toContain('lint/correctness/noSolidDestructuredProps');
  });

  it('fails on code that is not formatted', () => {
    write('scripts/probe.ts', 'export const greeting = "hello"\n');
    const { status, output } = lint();
    expect(status).not.toBe(0);
    expect(output).toContain('scripts/probe.ts');
    expect(output).toMatch(/format/i);
  });
});
