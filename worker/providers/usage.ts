// Vendors leave usage fields out whenever they have nothing new to say: Anthropic's documented
// message_delta carries only `output_tokens`, Gemini's interim chunks only `promptTokenCount`,
// OpenAI-compatible servers sometimes only `completion_tokens`. The SDK types call some of these
// required and others nullable; on the wire any of them can be missing. Adapters fold every report
// through here so a missing field keeps what was reported before and never becomes NaN or undefined.

/** A count Parley can add up and bill: a whole number >= 0, or undefined when the vendor gave none. */
function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Folds one usage report into the counts known so far. The adapter names each count it reads (the
 * value may be missing); a count the report carries replaces the earlier value (vendors report
 * running totals, never increments), one it leaves out or sends as null keeps the earlier value.
 */
export function foldCounts<K extends string>(
  known: Partial<Record<K, number>>,
  report: Record<K, unknown>,
): Partial<Record<K, number>> {
  const next = { ...known };
  for (const key of Object.keys(report) as K[]) {
    const count = tokenCount(report[key]);
    if (count !== undefined) next[key] = count;
  }
  return next;
}

/** Whether the vendor has reported any count yet: a usage event of zeros it never sent would be Parley's invention. */
export function anyCounts(counts: Partial<Record<string, number>>): boolean {
  return Object.keys(counts).length > 0;
}
