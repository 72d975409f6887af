/**
 * What a log line may say about an error. A failed query's message carries its SQL parameters
 * (Drizzle: "Failed query: … params: <a whole reply>, <an email>") and Postgres quotes values in
 * its own messages ("invalid input syntax for type uuid: \"…\""), so anything from the database
 * path is logged by class and SQLSTATE only; other errors keep a short message.
 */
import { DrizzleQueryError } from 'drizzle-orm/errors';

export type ErrorFields = { errorClass: string; code?: string; message?: string };

const DATABASE_ERRORS = new Set(['DrizzleQueryError', 'NeonDbError', 'DatabaseError']);
// An error that crossed a Durable Object's RPC boundary keeps its message but not its class.
const QUERY_TEXT = /failed query|params:|\bsql\b|syntax for type|violates/i;

/** Whether an error of this class with this message may quote query data (parameters, values): if so, say only its class. */
export function mayQuoteQueryData(name: string, message: string): boolean {
  return DATABASE_ERRORS.has(name) || QUERY_TEXT.test(message);
}

export function errorFields(error: unknown): ErrorFields {
  const classes: string[] = [];
  let code: string | undefined;
  let fromDatabase = false;
  let message: string | undefined;
  for (let e: unknown = error, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof Error)) {
      classes.push(typeof e);
      break;
    }
    // Drizzle's DrizzleQueryError keeps the name "Error" (and the bundle is minified).
    const name = e instanceof DrizzleQueryError ? 'DrizzleQueryError' : e.name;
    classes.push(name);
    if (mayQuoteQueryData(name, e.message)) fromDatabase = true;
    const sqlstate = (e as { code?: unknown }).code;
    if (code === undefined && typeof sqlstate === 'string' && /^[0-9A-Z]{5}$/.test(sqlstate)) code = sqlstate;
    message ??= e.message;
  }
  const fields: ErrorFields = { errorClass: classes.join('<') || 'unknown' };
  if (code) fields.code = code;
  if (!fromDatabase && message) fields.message = message.slice(0, 200);
  return fields;
}

/** The stack's frames without its first line, which repeats the message. */
export function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  const frames = error.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length ? frames.join('\n') : undefined;
}
