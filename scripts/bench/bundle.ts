// (d) The Worker's upload size as `wrangler deploy --dry-run` reports it (minified per wrangler.toml).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { wranglerEnv } from '../lib/processes.ts';

export type BundleSize = { totalKib: number; gzipKib: number };

export async function workerBundleSize(outdir: string): Promise<BundleSize> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir],
    { env: wranglerEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  const match = `${stdout}\n${stderr}`.match(/Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/);
  if (!match)
    throw new Error(`wrangler deploy --dry-run printed no "Total Upload: … / gzip: …" line:\n${stdout}\n${stderr}`);
  return { totalKib: Number(match[1]), gzipKib: Number(match[2]) };
}
