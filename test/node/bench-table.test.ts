// docs/benchmarks.md's table is bench/results.json's, never typed by hand (issue 19, item 6).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BENCHMARKS_DOC,
  markdownTable,
  readResults,
  TABLE_END,
  TABLE_START,
  withBenchTable,
} from '../../scripts/bench/markdown.ts';

const doc = () => readFileSync(BENCHMARKS_DOC, 'utf8');

describe('the benchmarks table in docs/benchmarks.md', () => {
  it('is the one bench/results.json makes (node scripts/bench-table.ts writes it)', async () => {
    expect(doc()).toBe(withBenchTable(doc(), await readResults()));
  });

  it('changes with a figure of the run, and says when and where the run was taken', async () => {
    const results = await readResults();
    const slower = { ...results, ttft_own_ms_p50: results.ttft_own_ms_p50 + 10 };
    expect(withBenchTable(doc(), slower)).not.toBe(doc());
    const block = doc().slice(doc().indexOf(TABLE_START), doc().indexOf(TABLE_END));
    expect(block).toContain(`${results.machine.cpus} × ${results.machine.cpu_model}`);
    expect(block).toContain(results.timestamp.slice(0, 10));
  });

  it('has a row for every target, each saying whether it was met', async () => {
    const results = await readResults();
    const table = markdownTable(results);
    const judged = table.split('\n').filter((row) => / (met|\*\*missed\*\*) \|$/.test(row));
    expect(judged).toHaveLength(Object.keys(results.targets).length);
  });

  it("shows an image message's time to first token beside a text message's once a run has taken it (issue 24)", async () => {
    const results = await readResults();
    const withImages = {
      ...results,
      ttft_image_samples: 100,
      ttft_image_bytes: 196_992,
      ttft_image_ms_p50: 50.2,
      ttft_image_ms_p99: 113.7,
      ttft_image_text_ms_p50: 30.2,
      ttft_image_text_ms_p99: 143.6,
      ttft_image_delta_ms_p50: 20,
    };
    const row = markdownTable(withImages)
      .split('\n')
      .find((line) => line.includes('an image message vs a text message (100 each)'));
    expect(row).toMatch(/50\.2 ms \| +30\.2 ms \| +\+20\.0 ms \|/);
  });

  it('refuses a document without its markers rather than writing the table somewhere', async () => {
    expect(() => withBenchTable('# Benchmarks\n', {} as never)).toThrow(/needs the two markers/);
  });
});
