// docs/benchmarks.md carries the last run's table between two marker comments. It is written
// from bench/results.json, never by hand: `npm run bench` rewrites it after each run, and
// `node scripts/bench-table.ts` does it alone; test/node/bench-table.test.ts fails when the two differ.
import { readFile, writeFile } from 'node:fs/promises';
import type { Results } from './results.ts';
import { rows } from './table.ts';

export const RESULTS_PATH = new URL('../../bench/results.json', import.meta.url);
export const BENCHMARKS_DOC = new URL('../../docs/benchmarks.md', import.meta.url);

export const TABLE_START =
  '<!-- bench-table:start: written from bench/results.json by scripts/bench-table.ts (npm run bench runs it); do not edit by hand -->';
export const TABLE_END = '<!-- bench-table:end -->';

const VERDICTS: Record<string, string> = { pass: 'met', MISS: '**missed**', info: '' };
const cell = (text: string) => text.replaceAll('|', '\\|');

/** The run's figures as a Markdown table, each column padded so the source reads as a table too. */
export function markdownTable(r: Results): string {
  const [header, ...body] = rows(r).map(([metric, parley, baseline, delta, target, verdict], index) =>
    [metric, parley, baseline, delta, target, index === 0 ? verdict : (VERDICTS[verdict] ?? verdict)].map(cell),
  );
  const all = [header!, ...body];
  const widths = header!.map((_, col) => Math.max(3, ...all.map((row) => row[col]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((text, col) => (col === 0 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, col) => (col === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header!), rule, ...body.map(line)].join('\n');
}

/** When and where the run was taken, from the record itself. */
export function runContext(r: Results): string {
  const when = r.timestamp.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const { cpus, cpu_model, node, os } = r.machine;
  return `Run of ${when} (${r.duration_s} s) on ${cpus} × ${cpu_model}, ${os}, Node ${node}; the Worker run \`${r.method.runtime}\`.`;
}

/** The document with the block between the markers replaced by this run's context and table. */
export function withBenchTable(doc: string, r: Results): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`docs/benchmarks.md needs the two markers, in order:\n${TABLE_START}\n${TABLE_END}`);
  const block = `${runContext(r)}\n\n${markdownTable(r)}`;
  return `${doc.slice(0, start + TABLE_START.length)}\n\n${block}\n\n${doc.slice(end)}`;
}

export async function readResults(path: URL = RESULTS_PATH): Promise<Results> {
  return JSON.parse(await readFile(path, 'utf8')) as Results;
}

/** Rewrites docs/benchmarks.md's table from bench/results.json; true when it changed. */
export async function writeBenchTable(resultsPath: URL = RESULTS_PATH, docPath: URL = BENCHMARKS_DOC) {
  const doc = await readFile(docPath, 'utf8');
  const updated = withBenchTable(doc, await readResults(resultsPath));
  if (updated === doc) return false;
  await writeFile(docPath, updated);
  return true;
}
