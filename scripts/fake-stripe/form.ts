// Stripe's request encoding: application/x-www-form-urlencoded with bracketed keys
// (`line_items[0][price]=…`, `metadata[userId]=…`), as the SDK writes it.
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Form = { [key: string]: FormValue };

export function parseForm(body: string): Form {
  const root: Form = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]$/).filter((part, i) => i === 0 || part !== '');
    let node: Record<string, FormValue> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (typeof next !== 'object') node[part] = {};
      node = node[part] as Record<string, FormValue>;
    });
  }
  return root;
}

/** A string field, or undefined when absent or not a string. */
export const str = (form: Form | FormValue | undefined, key: string): string | undefined => {
  if (!form || typeof form !== 'object' || Array.isArray(form)) return undefined;
  const value = form[key];
  return typeof value === 'string' ? value : undefined;
};

/** A nested object of strings (metadata, payload). */
export const dict = (form: Form, key: string): Record<string, string> => {
  const value = form[key];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
};
