// `node scripts/bench-table.ts`: writes bench/results.json's figures as the table in
// docs/benchmarks.md, between its marker comments (`npm run bench` does this after every run).
import { fileURLToPath } from 'node:url';
import { BENCHMARKS_DOC, RESULTS_PATH, writeBenchTable } from './bench/markdown.ts';

const changed = await writeBenchTable();
const doc = fileURLToPath(BENCHMARKS_DOC);
console.log(
  changed
    ? `bench-table: ${doc} now shows ${fileURLToPath(RESULTS_PATH)}.`
    : `bench-table: ${doc} already shows ${fileURLToPath(RESULTS_PATH)}.`,
);
