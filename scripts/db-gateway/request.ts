// Reads one Neon HTTP SQL request (headers + JSON body) into what the executor needs, refusing
// anything malformed with a status and a message that names the problem.
import type { IncomingHttpHeaders } from 'node:http';
import { toPgTextParam } from './pg-text-params.ts';

export type Statement = { query: string; params: (string | null)[]; arrayMode: boolean };

export type TransactionOptions = { isolationLevel?: string; readOnly: boolean; deferrable: boolean };

export type SqlRequest =
  | { kind: 'single'; statement: Statement }
  | { kind: 'batch'; statements: Statement[]; transaction: TransactionOptions };

/** A request the gateway refuses before it reaches Postgres. */
export class RequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

// Header values as the driver sends them (Neon's proxy accepts exactly these).
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/** Validates headers and body; the body is the raw request text. */
export function parseSqlRequest(headers: IncomingHttpHeaders, body: string): SqlRequest {
  if (!header(headers, 'neon-connection-string')) {
    throw new RequestError(400, 'Missing Neon-Connection-String header (the driver always sends it)');
  }
  const defaultArrayMode = header(headers, 'neon-array-mode') === 'true';
  const payload = parseJson(body);

  if ('query' in payload) {
    return { kind: 'single', statement: parseStatement(payload, 'body', defaultArrayMode) };
  }
  if ('queries' in payload) {
    const { queries } = payload;
    if (!Array.isArray(queries)) throw new RequestError(400, '`queries` must be an array of {query, params}');
    return {
      kind: 'batch',
      statements: queries.map((item, i) => parseStatement(item, `queries[${i}]`, defaultArrayMode)),
      transaction: parseTransactionOptions(headers),
    };
  }
  throw new RequestError(400, 'Request body must have `query` (one statement) or `queries` (a batch)');
}

function parseJson(body: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (error) {
    throw new RequestError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(payload)) throw new RequestError(400, 'Request body must be a JSON object');
  return payload;
}

function parseStatement(value: unknown, where: string, defaultArrayMode: boolean): Statement {
  if (!isObject(value)) throw new RequestError(400, `${where} must be an object with \`query\``);
  const { query, params = [], arrayMode = defaultArrayMode } = value;
  if (typeof query !== 'string') throw new RequestError(400, `${where}.query must be a string`);
  if (!Array.isArray(params)) throw new RequestError(400, `${where}.params must be an array`);
  if (typeof arrayMode !== 'boolean') throw new RequestError(400, `${where}.arrayMode must be a boolean`);
  return { query, params: params.map(toPgTextParam), arrayMode };
}

function parseTransactionOptions(headers: IncomingHttpHeaders): TransactionOptions {
  const level = header(headers, 'neon-batch-isolation-level');
  const isolationLevel = level === undefined ? undefined : ISOLATION_LEVELS[level];
  if (level !== undefined && !isolationLevel) {
    const allowed = Object.keys(ISOLATION_LEVELS).join(', ');
    throw new RequestError(400, `Invalid Neon-Batch-Isolation-Level '${level}': use one of ${allowed}`);
  }
  return {
    isolationLevel,
    readOnly: header(headers, 'neon-batch-read-only') === 'true',
    deferrable: header(headers, 'neon-batch-deferrable') === 'true',
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
