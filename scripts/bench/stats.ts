// Summary statistics for timing samples.

/** Nearest-rank percentile (p in 0–100) of the samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Rounded to `digits` decimals, for reports. */
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Parley's samples beside the direct ones: p50 and p99 of each, and overhead = Parley percentile − direct percentile. */
export type Comparison = {
  samples: number;
  parleyP50: number;
  parleyP99: number;
  directP50: number;
  directP99: number;
  overheadP50: number;
  overheadP99: number;
};

export function compare(parley: number[], direct: number[]): Comparison {
  const summary = {
    samples: parley.length,
    parleyP50: percentile(parley, 50),
    parleyP99: percentile(parley, 99),
    directP50: percentile(direct, 50),
    directP99: percentile(direct, 99),
  };
  return {
    ...summary,
    overheadP50: summary.parleyP50 - summary.directP50,
    overheadP99: summary.parleyP99 - summary.directP99,
  };
}
