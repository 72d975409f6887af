// Parley's one logger: one JSON object per line, with the request id (and whatever else the
// context names: a conversation, a queue, a cron) on every line written while that request is
// served, however deep the call and across Durable Object calls too (each object method that
// receives a caller's request id runs inside it: withLogContext). Never a secret, a token, a
// prompt or a query's parameters: errors are described by errorFields (log-error.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { errorFields } from './log-error.ts';

export type LogFields = Record<string, unknown>;
type Level = 'info' | 'warn' | 'error';

const context = new AsyncLocalStorage<LogFields>();

/** Runs `work` with these fields on every line it logs (added to those of the context it runs in). */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** The id of the request this runs for, if any: to hand to a Durable Object call, whose lines then carry it too. */
export function contextRequestId(): string | undefined {
  const id = context.getStore()?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** The Cloudflare data centre (colo) the request came in at, if known: recorded with each reply's timings. */
export function contextColo(): string | undefined {
  const colo = context.getStore()?.colo;
  return typeof colo === 'string' ? colo : undefined;
}

function write(level: Level, msg: string, fields: LogFields | undefined, error?: unknown) {
  const line = JSON.stringify({
    level,
    msg,
    ...context.getStore(),
    ...fields,
    ...(error === undefined ? {} : errorFields(error)),
  });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const log = {
  info: (msg: string, fields?: LogFields) => write('info', msg, fields),
  /** Something went wrong and was handled (a retry, a fallback); `error` is described, never quoted whole. */
  warn: (msg: string, fields?: LogFields, error?: unknown) => write('warn', msg, fields, error),
  error: (msg: string, fields?: LogFields, error?: unknown) => write('error', msg, fields, error),
};
