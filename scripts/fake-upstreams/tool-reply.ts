// What the fake models "decide" when they call a tool, answer a tool's result or write structured
// output: built from the request alone, the same for every vendor, so a test can predict it.

type Schema = { type?: unknown; properties?: unknown; required?: unknown; enum?: unknown };

function asSchema(value: unknown): Schema {
  return value && typeof value === 'object' ? (value as Schema) : {};
}

/**
 * Arguments (or a JSON reply) that satisfy a JSON Schema object, deterministically: its required
 * properties only; a string is `fake-<property name>`, a number or integer 1, a boolean true, an
 * enum its first value, an array empty, an object the same rule again.
 */
export function argumentsFor(schema: unknown): Record<string, unknown> {
  const { properties, required } = asSchema(schema);
  const props = asSchema(properties) as Record<string, unknown>;
  const names = Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
  return Object.fromEntries(names.map((name) => [name, valueFor(name, props[name])]));
}

function valueFor(name: string, schema: unknown): unknown {
  const s = asSchema(schema);
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  // `type` may be a list (`["string", "null"]`); Gemini's own schema dialect spells types in capitals.
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (String(type).toLowerCase()) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return argumentsFor(s);
    default:
      return `fake-${name}`;
  }
}

/** The reply to a turn of tool results, each given as the JSON text the fake received. */
export function toolResultText(results: string[]): string {
  return `The tool said: ${results.join(' | ')}`;
}
