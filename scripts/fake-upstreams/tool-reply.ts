// What a fake model "decides" when it calls a function or reads a function's results: the same
// deterministic values for every vendor, so a test can predict them from the schema it sent.

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Arguments that satisfy `schema` (a JSON Schema object), filled in only where it requires: a
 * string is `fake-<property name>`, a number or integer 1, a boolean true, an enum its first
 * value, an array empty, an object the same again one level down.
 */
export function argumentsFor(schema: unknown): Record<string, unknown> {
  if (!isSchema(schema) || !isSchema(schema.properties)) return {};
  const properties = schema.properties;
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.fromEntries(
    required
      .filter((name): name is string => typeof name === 'string' && Object.hasOwn(properties, name))
      .map((name) => [name, valueFor(name, properties[name])]),
  );
}

/** The text of a reply that read function results, in the order the request sent them. */
export function toolResultText(results: string[]): string {
  return `The tool said: ${results.join(' | ')}`;
}

function valueFor(name: string, schema: unknown): unknown {
  if (!isSchema(schema)) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  // `["string", "null"]` is how strict schemas say optional: the first non-null type is meant.
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'string':
      return `fake-${name}`;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return argumentsFor(schema);
    case 'null':
      return null;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) return valueFor(name, alternatives[0]);
  return isSchema(schema.properties) ? argumentsFor(schema) : null;
}
