// A far-away database as the edge sees it: the gateway answers every request this many
// milliseconds late. Zero (the default) is a database next door.

/** The latency itself, or a RangeError that says what a valid value is. */
export function checkLatencyMs(ms: number, name = 'latencyMs'): number {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds, 0 or more; got ${String(ms)}`);
  }
  return ms;
}

/** GATEWAY_LATENCY_MS as the environment spells it: unset or empty means 0. */
export function parseLatencyMs(value: string | undefined, name = 'GATEWAY_LATENCY_MS'): number {
  if (value === undefined || value.trim() === '') return 0;
  if (!/^\s*\d+\s*$/.test(value)) {
    throw new RangeError(`${name} must be a whole number of milliseconds, 0 or more (e.g. ${name}=50); got '${value}'`);
  }
  return checkLatencyMs(Number(value), name);
}
