// The app's first screen must stay light (issue 22: at most 60 KB of JavaScript, gzip): the entry
// chunk and every chunk it imports statically, which the browser loads before anything shows.
// Chunks loaded on demand (Markdown, the other pages) are not counted. The build fails over budget,
// and `npm test` builds first.
import { gzipSync } from 'node:zlib';
import type { Plugin, Rolldown } from 'vite';

/** Bytes, in the kB (1,000 bytes) vite's build output prints. */
export const INITIAL_JS_BUDGET = 60_000;

/** The gzip bytes of the entry chunk and its static imports, all the way down. */
export function initialJs(bundle: Rolldown.OutputBundle): { bytes: number; files: string[] } {
  const chunks = Object.values(bundle).filter((f): f is Rolldown.OutputChunk => f.type === 'chunk');
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const files = new Set<string>();
  const visit = (chunk: Rolldown.OutputChunk) => {
    if (files.has(chunk.fileName)) return;
    files.add(chunk.fileName);
    for (const name of chunk.imports) {
      const imported = byName.get(name);
      if (imported) visit(imported);
    }
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  const bytes = [...files].reduce((sum, name) => sum + gzipSync(byName.get(name)!.code).length, 0);
  return { bytes, files: [...files] };
}

export function initialJsBudget(): Plugin {
  return {
    name: 'parley-initial-js-budget',
    apply: 'build',
    // After every plugin's generateBundle, so the code measured is the code written.
    writeBundle(_options, bundle) {
      const { bytes, files } = initialJs(bundle);
      const size = `${(bytes / 1000).toFixed(2)} kB gzip (${files.join(', ')})`;
      if (bytes > INITIAL_JS_BUDGET)
        this.error(`The app's initial JavaScript is ${size}, over its budget of ${INITIAL_JS_BUDGET / 1000} kB`);
      console.log(`app initial JS: ${size}, budget ${INITIAL_JS_BUDGET / 1000} kB`);
    },
  };
}
