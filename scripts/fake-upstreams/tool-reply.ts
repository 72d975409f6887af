// What a fake model "says" when tools are in play, the same for every vendor: the arguments it
// writes for a call, and its answer once the tools have replied. Deterministic, so tests can
// predict both exactly.

type Schema = {
  type?: unknown;
  properties?: unknown;
  required?: unknown;
  enum?: unknown;
  const?: unknown;
  anyOf?: unknown;
};

/**
 * Arguments that satisfy a JSON Schema object: its required properties only, a string
 * `fake-<property>`, a number 1, a boolean true, an enum's first value, an array empty, an object
 * filled the same way.
 */
export function argumentsFor(schema: unknown): Record<string, unknown> {
  const value = valueFor(schema, 'value');
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function valueFor(schema: unknown, name: string): unknown {
  if (schema === null || typeof schema !== 'object') return `fake-${name}`;
  const s = schema as Schema;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return valueFor(s.anyOf[0], name);
  // A type list such as ["string", "null"]: the first type that carries a value.
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    case 'string':
      return `fake-${name}`;
    default: {
      if (type !== 'object' && s.properties === undefined) return `fake-${name}`;
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : [];
      return Object.fromEntries(required.map((key) => [key, valueFor(properties[key], key)]));
    }
  }
}

/** The reply to a turn that hands back tool results: each result, in order. */
export function toolResultText(results: string[]): string {
  return `The tool said: ${results.join(' | ')}`;
}
