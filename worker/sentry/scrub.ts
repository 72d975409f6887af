/**
 * What may leave for Sentry. The SDK is told to collect nothing about people or payloads
 * (options.ts); this is the last pass over every event and breadcrumb, so that a secret reaching
 * one by another road (an error message, a log line, a URL) is still cut out: access tokens, API
 * keys, Authorization and Cookie headers, request bodies, query strings and email addresses. An
 * error message that may quote query data keeps only its class, as in the logs (log-error.ts).
 */
import type { Breadcrumb, ErrorEvent } from '@sentry/cloudflare';
import { mayQuoteQueryData } from '../log-error.ts';

const FILTERED = '[Filtered]';

// Values that are secrets wherever they appear. Order matters: a Bearer header before the JWT it carries.
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/\bBearer\s+\S+/gi, `Bearer ${FILTERED}`],
  [/\bsk-parley-[\w-]+/g, '[api key]'],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]'],
  // Vendor secrets: Anthropic and OpenAI keys (sk-…), Stripe (sk_live_…, whsec_…), Resend (re_…).
  [/\bsk-[\w-]{16,}/g, '[api key]'],
  [/\b(?:sk|rk)_(?:live|test)_\w+/g, '[api key]'],
  [/\bwhsec_\w+/g, '[api key]'],
  [/\bre_\w{16,}/g, '[api key]'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[email]'],
];

// Keys whose value is a secret or a payload whatever it looks like.
const SECRET_KEY =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|apikey|credential|dsn|^content$|^body$/i;

// The only request headers an event keeps: none of them names or authenticates anyone.
const SAFE_HEADERS = new Set(['content-type', 'content-length', 'user-agent']);

const MAX_STRING = 500;

/** A string with every secret it contains replaced, and query strings dropped from URLs. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  out = out.replace(/(\bhttps?:\/\/[^\s?#"']+)\?[^\s#"']*/gi, '$1');
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
}

/** Any JSON-like value with its strings scrubbed and the values under secret-looking keys filtered. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && item != null && typeof item !== 'boolean' ? FILTERED : scrubValue(item, depth + 1);
  }
  return out;
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** The event as it may be sent: no person, no body, no query, no secret header, no quoted data. */
export function scrubEvent<E extends ErrorEvent>(event: E): E {
  const copy = { ...event };
  delete copy.user;
  delete copy.server_name;
  if (copy.request) {
    const { method, url, headers } = copy.request;
    copy.request = {
      ...(method ? { method } : {}),
      ...(url ? { url: withoutQuery(url) } : {}),
      headers: Object.fromEntries(
        Object.entries(headers ?? {}).filter(([name]) => SAFE_HEADERS.has(name.toLowerCase())),
      ),
    };
  }
  if (copy.exception?.values) {
    copy.exception = {
      ...copy.exception,
      values: copy.exception.values.map((exception) =>
        exception.value && mayQuoteQueryData(exception.type ?? '', exception.value)
          ? { ...exception, value: `${exception.type ?? 'Error'} (message withheld: it may quote query data)` }
          : exception,
      ),
    };
  }
  if (copy.breadcrumbs) copy.breadcrumbs = copy.breadcrumbs.map(scrubBreadcrumb);
  return scrubValue(copy) as E;
}

/** A breadcrumb as it may be kept: its URL without query, its message and data scrubbed. */
export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const data = breadcrumb.data ? { ...breadcrumb.data } : undefined;
  if (data && typeof data.url === 'string') data.url = withoutQuery(data.url);
  // A console breadcrumb repeats its arguments: the message says the same, scrubbed.
  if (data) delete data.arguments;
  return scrubValue({ ...breadcrumb, ...(data ? { data } : {}) }) as Breadcrumb;
}
