/**
 * Vendor SDK clients, one per configuration for the isolate's life. A client holds settings only
 * (no connection: every call is its own fetch), and building one per call cost a measurable part
 * of Parley's own time to first token.
 */
const clients = new Map<string, unknown>();
const MAX_CLIENTS = 32;

export function cachedClient<T>(key: string, make: () => T): T {
  let client = clients.get(key) as T | undefined;
  if (client === undefined) {
    if (clients.size >= MAX_CLIENTS) clients.clear();
    clients.set(key, (client = make()));
  }
  return client;
}

/** The global fetch as it is at call time, not as it was when a cached client was built (tests replace it). */
export const currentFetch: typeof fetch = (input, init) => fetch(input, init);
