// The built front end the e2e Workers serve: a copy of frontend/dist taken when the run starts, so
// a rebuild during the run (`npm start`, another `npm test` in the same checkout: vite empties the
// folder first) cannot change or remove files under a test. A copy is kept only once every file
// that index.html and the chunks name is in it; a build caught halfway is waited out.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const DIST = 'frontend/dist';
const ATTEMPTS = 30;

/** Builds the front end if it was never built, then copies it to `dest`. */
export async function snapshotFrontend(dest: string): Promise<void> {
  if (!existsSync(join(DIST, 'index.html'))) {
    execFileSync(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'],
      { stdio: 'inherit' },
    );
  }
  for (let attempt = 1; ; attempt++) {
    await rm(dest, { recursive: true, force: true });
    const missing = await copyOf(dest);
    if (missing.length === 0) return;
    if (attempt === ATTEMPTS)
      throw new Error(
        `${DIST} stayed incomplete for ${ATTEMPTS} s (missing ${missing.join(', ')}): is a build failing?`,
      );
    await delay(1000);
  }
}

/** Copies the folder; what the copy lacks of the files its pages and chunks refer to. */
async function copyOf(dest: string): Promise<string[]> {
  try {
    await cp(DIST, dest, { recursive: true });
  } catch {
    return [DIST]; // emptied while copying
  }
  if (!existsSync(join(dest, 'index.html'))) return ['index.html'];
  // The widget's loader is written last, after its chunks (frontend/widget/build.ts).
  if (!existsSync(join(dest, 'widget.js'))) return ['widget.js'];
  const assets = existsSync(join(dest, 'assets')) ? readdirSync(join(dest, 'assets')) : [];
  const texts = [
    readFileSync(join(dest, 'index.html'), 'utf8'),
    ...assets.filter((name) => name.endsWith('.js')).map((name) => readFileSync(join(dest, 'assets', name), 'utf8')),
  ];
  // Vite's hashed file names, as index.html and the preload map of the chunks spell them.
  const named = new Set(
    texts.flatMap((text) => [...text.matchAll(/assets\/([\w.-]+-[\w-]{8}\.(?:js|css))/g)].map((match) => match[1]!)),
  );
  return [...named].filter((name) => !assets.includes(name));
}
