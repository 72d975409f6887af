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
