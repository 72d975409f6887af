// The Neon HTTP transport: Drizzle over Neon's SQL-over-HTTP protocol (@neondatabase/serverless).
// Every query, or every batch as one transaction, is one HTTP request: nothing to open or close.
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';

/**
 * The driver (1.2) takes its HTTP endpoint only from the global `neonConfig.fetchEndpoint`, but it
 * hands each client's `fetchOptions` to the fetch it makes. So the endpoint travels with the client
 * as this option, and one fetch function, set once and the same for every client, sends each query
 * where its client says (or to Neon's own endpoint when it says nothing).
 */
const ENDPOINT_OPTION = 'parleyEndpoint';
/** The same way, the deadline: a database that accepts the request and never answers fails after it (DatabaseUnavailableError, 503). */
const TIMEOUT_OPTION = 'parleyTimeoutMs';
type EndpointInit = RequestInit & { [ENDPOINT_OPTION]?: string; [TIMEOUT_OPTION]?: number };
neonConfig.fetchFunction = (
  url: string,
  { [ENDPOINT_OPTION]: endpoint, [TIMEOUT_OPTION]: timeoutMs, ...init }: EndpointInit,
) => {
  const deadline = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  const signal = init.signal && deadline ? AbortSignal.any([init.signal, deadline]) : (deadline ?? init.signal);
  return fetch(endpoint ?? url, { ...init, signal });
};

// No relational schema: Parley uses the SQL-like builder only, and building the relational config
// walks the whole schema on every handle (CPU and bundle bytes for nothing).
const connect = (databaseUrl: string, endpoint: string | undefined, timeoutMs: number) =>
  drizzle(
    neon(databaseUrl, {
      fetchOptions: { [TIMEOUT_OPTION]: timeoutMs, ...(endpoint && { [ENDPOINT_OPTION]: endpoint }) },
    }),
  );

export type NeonHttpDb = ReturnType<typeof connect>;

// A handle holds no connection or other I/O (every query is its own HTTP request), so one per
// connection string and endpoint serves every request in the isolate.
const handles = new Map<string, NeonHttpDb>();

/** The isolate's handle for this connection string and endpoint (Neon's own when `endpoint` is unset), each query given `timeoutMs`. */
export function neonHttpDb(databaseUrl: string, endpoint: string | undefined, timeoutMs: number): NeonHttpDb {
  const key = `${databaseUrl}\n${endpoint ?? ''}\n${timeoutMs}`;
  let db = handles.get(key);
  if (!db) handles.set(key, (db = connect(databaseUrl, endpoint, timeoutMs)));
  return db;
}
