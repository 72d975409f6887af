// The sampling a chat request carried, in one shape whatever the vendor called its fields, so the
// request log can show what Parley sent (and the reply can honour the limit and stop sequences).

export interface Sampling {
  temperature?: number;
  topP?: number;
  stop?: string[];
  maxTokens?: number;
}

/**
 * Normalises the values a vendor file read from its own fields. A field the request left out, or
 * sent as null or the wrong type, stays absent; non-string entries of a stop list are dropped.
 */
export function sampling(wire: { temperature: unknown; topP: unknown; stop: unknown; maxTokens: unknown }): Sampling {
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const found: Sampling = {
    temperature: number(wire.temperature),
    topP: number(wire.topP),
    stop: Array.isArray(wire.stop) ? wire.stop.filter((s): s is string => typeof s === 'string') : undefined,
    maxTokens: number(wire.maxTokens),
  };
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined)) as Sampling;
}
