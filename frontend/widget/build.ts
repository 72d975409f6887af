// Builds the embeddable widget into frontend/dist, after the web app (a Vite plugin of
// frontend/vite.config.ts, so every `vite build` of the app also builds the widget):
// 1. the Turnstile chunk (loaded by the panel only for sites with Turnstile on), then the panel and
//    Markdown chunks: ES modules with hashed names in dist/widget/, and dist/widget/chunks.json
//    naming the last two;
// 2. the loader, dist/widget.js: a classic script (IIFE) told their paths, written last, so a
//    widget.js on disk always finds its chunks.
// Then it checks what was emitted: nothing a strict Content-Security-Policy refuses (eval,
// new Function, injected <style>/<link>), no import.meta or static import in the loader, and the
// loader within its 20 KB gzip budget.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin, type Rolldown } from 'vite';

const ROOT = import.meta.dirname;
const LOADER_BUDGET = 20 * 1024;

/** The Vite plugin: builds the widget once the app's bundle is written to `outDir`. */
export function widget(): Plugin {
  let outDir = '';
  return {
    name: 'parley-widget',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    async writeBundle() {
      await buildWidget(outDir);
    },
  };
}

export async function buildWidget(outDir: string): Promise<void> {
  rmSync(join(outDir, 'widget'), { recursive: true, force: true });
  // Turnstile's chunk first, on its own: the panel imports it by this name, relative to itself,
  // only for sites with Turnstile on (a dynamic import Vite bundled would bring its preload helper).
  const turnstile = outputOf(
    await build({
      configFile: false,
      root: ROOT,
      publicDir: false,
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: false,
        modulePreload: false,
        copyPublicDir: false,
        rolldownOptions: {
          input: { turnstile: join(ROOT, 'turnstile.ts') },
          preserveEntrySignatures: 'strict',
          output: { format: 'es', entryFileNames: 'widget/[name]-[hash].js' },
        },
      },
    }),
  );
  const turnstileFile = turnstile.find((c) => c.type === 'chunk' && c.isEntry)!.fileName;
  const chunks = outputOf(
    await build({
      configFile: false,
      root: ROOT,
      publicDir: false,
      logLevel: 'warn',
      define: { __PARLEY_TURNSTILE_CHUNK__: JSON.stringify(`./${turnstileFile.slice('widget/'.length)}`) },
      build: {
        outDir,
        emptyOutDir: false,
        modulePreload: false,
        copyPublicDir: false,
        rolldownOptions: {
          input: { panel: join(ROOT, 'panel/index.ts'), markdown: join(ROOT, 'markdown.ts') },
          preserveEntrySignatures: 'strict',
          output: {
            format: 'es',
            entryFileNames: 'widget/[name]-[hash].js',
            chunkFileNames: 'widget/[name]-[hash].js',
          },
        },
      },
    }),
  );
  const entry = (name: string) => chunks.find((c) => c.type === 'chunk' && c.isEntry && c.name === name)!.fileName;
  // Today's chunk for each name, for loaders from an earlier deploy (worker/routes/widget-script.ts).
  writeFileSync(
    join(outDir, 'widget/chunks.json'),
    JSON.stringify({
      panel: entry('panel').slice('widget/'.length),
      markdown: entry('markdown').slice('widget/'.length),
    }),
  );
  const loader = outputOf(
    await build({
      configFile: false,
      root: ROOT,
      publicDir: false,
      logLevel: 'warn',
      define: {
        __PARLEY_PANEL_CHUNK__: JSON.stringify(`./${entry('panel')}`),
        __PARLEY_MARKDOWN_CHUNK__: JSON.stringify(`./${entry('markdown')}`),
      },
      build: {
        outDir,
        emptyOutDir: false,
        modulePreload: false,
        copyPublicDir: false,
        rolldownOptions: {
          input: join(ROOT, 'loader/index.ts'),
          output: { format: 'iife', entryFileNames: 'widget.js' },
        },
      },
    }),
  );
  check(loader, [...chunks, ...turnstile]);
}

function outputOf(result: Awaited<ReturnType<typeof build>>): (Rolldown.OutputChunk | Rolldown.OutputAsset)[] {
  return (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
}

function check(
  loader: (Rolldown.OutputChunk | Rolldown.OutputAsset)[],
  chunks: (Rolldown.OutputChunk | Rolldown.OutputAsset)[],
) {
  const problems: string[] = [];
  const all = [...loader, ...chunks];
  for (const file of all) {
    // The Turnstile chunk (frontend/widget/turnstile.ts) adds Cloudflare's script to the page, for
    // sites that turn Turnstile on: the one script the widget may inject, and only there.
    const injected = file.type === 'chunk' && file.name === 'turnstile' ? 'style|link' : 'style|link|script';
    if (file.type === 'asset') problems.push(`${file.fileName}: an asset file (styles must be imported with ?inline)`);
    else if (
      new RegExp(`\\beval\\(|\\bnew Function\\b|createElement\\(["'](?:${injected})["']\\)|modulepreload`).test(
        file.code,
      )
    )
      problems.push(
        `${file.fileName}: code a strict CSP refuses or a host page would see (eval, new Function, injected style/link/script)`,
      );
  }
  const main = loader.find((f): f is Rolldown.OutputChunk => f.type === 'chunk' && f.fileName === 'widget.js');
  if (!main || loader.length !== 1) problems.push('the loader must be the one file widget.js');
  else if (/\bimport\.meta\b|^\s*(?:import|export)\b/m.test(main.code))
    problems.push('widget.js must be a classic script: no import.meta, import or export statements');
  const sizes = all.flatMap((f) =>
    f.type === 'chunk' ? [`${f.fileName} ${(gzipSync(f.code).length / 1024).toFixed(1)} KB`] : [],
  );
  const loaderSize = main ? gzipSync(main.code).length : 0;
  if (loaderSize > LOADER_BUDGET)
    problems.push(`widget.js is ${loaderSize} bytes gzip, over its ${LOADER_BUDGET}-byte budget`);
  if (problems.length) throw new Error(`The widget build is not fit to ship:\n- ${problems.join('\n- ')}`);
  console.log(`widget (gzip): ${sizes.join(', ')}`);
}
