// Neon's proxy passes every parameter to Postgres as text. The driver already sends strings, but
// any JSON value is accepted; this converts the others exactly as Neon does (proxy json.rs).

/** One JSON parameter as Postgres text: strings as-is, null as NULL, arrays as array literals. */
export function toPgTextParam(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return toPgArrayLiteral(value);
  return JSON.stringify(value);
}

// Inside an array literal, strings are quoted and escaped (JSON escaping matches Postgres's for
// quotes and backslashes), nested objects become quoted JSON text, null becomes NULL.
function toPgArrayLiteral(items: unknown[]): string {
  return `{${items.map(toPgArrayElement).join(',')}}`;
}

function toPgArrayElement(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return toPgArrayLiteral(value);
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value));
  return JSON.stringify(value);
}
