// A Worker's upload size as `wrangler deploy --dry-run` reports it (minified per its wrangler.toml),
// with the bundle left in `outdir`: the bench's figure (d), the budget check (scripts/check-bundle.ts),
// and the billing Worker the test suites run beside the chat Worker.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { wranglerEnv } from '../lib/processes.ts';

export type BundleSize = { totalKib: number; gzipKib: number };

/**
 * Builds the Worker of `config` (default wrangler.toml) into `outdir` (`outdir/index.js`) and
 * returns its size. Both paths are made absolute: wrangler reads a relative --outdir from the
 * configuration file's folder. `extraArgs` go to `wrangler deploy` as they are (absolute paths).
 */
export async function workerBundleSize(
  outdir: string,
  config = 'wrangler.toml',
  extraArgs: string[] = [],
): Promise<BundleSize> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      'node_modules/wrangler/bin/wrangler.js',
      'deploy',
      '--dry-run',
      '--outdir',
      resolve(outdir),
      '--config',
      resolve(config),
      ...extraArgs,
    ],
    { env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  const match = `${stdout}\n${stderr}`.match(/Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/);
  if (!match)
    throw new Error(`wrangler deploy --dry-run printed no "Total Upload: … / gzip: …" line:\n${stdout}\n${stderr}`);
  return { totalKib: Number(match[1]), gzipKib: Number(match[2]) };
}
