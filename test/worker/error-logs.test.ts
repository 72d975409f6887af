import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppEnv } from '../../worker/env.ts';
import { createDb } from '../../worker/db/client.ts';
import { onError } from '../../worker/middleware/errors.ts';
import { errorFields } from '../../worker/log-error.ts';
import { BASE } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

const REPLY = 'A whole reply the person wrote, private';
const EMAIL = 'someone.private@example.com';

/** Every line written to the console while `run` runs. */
async function logged(run: () => Promise<unknown>) {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  vi.spyOn(console, 'error').mockImplementation(keep);
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
  await run();
  return lines;
}

describe('logs of failed queries (issue 11)', () => {
  it('log the error class and SQLSTATE of a failed query, never its parameters', async () => {
    // A query Postgres refuses, with content in its parameters: Drizzle's message quotes them,
    // and Postgres's own message quotes the value it could not read.
    const failing = new Hono<AppEnv>()
      .use(requestId())
      .get('/fail', async (c) =>
        c.json(await createDb(c.env).execute(sql`select ${REPLY}::text as reply, ${EMAIL}::uuid as id`)),
      );
    failing.onError(onError);
    let status = 0;
    const lines = await logged(async () => {
      const res = await failing.fetch(new Request(`${BASE}/fail`), env, createExecutionContext());
      status = res.status;
      await res.text();
    });
    expect(status).toBe(500);
    const line = lines.find((l) => l.includes('unhandled error'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      errorClass: 'DrizzleQueryError<NeonDbError',
      code: '22P02',
      requestId: expect.any(String),
    });
    for (const l of lines) {
      expect(l).not.toContain(REPLY);
      expect(l).not.toContain(EMAIL);
      expect(l).not.toContain('params');
    }
  });

  it('keep a query error that crossed a Durable Object boundary (message only) out of the log', () => {
    const crossed = new Error(`Failed query: insert into "messages" ("content") values ($1)\nparams: ${REPLY}`);
    expect(JSON.stringify(errorFields(crossed))).not.toContain(REPLY);
    expect(errorFields(crossed)).toEqual({ errorClass: 'Error' });
  });

  it('keep the message of an error from outside the database path', () => {
    expect(errorFields(new TypeError('Network connection lost'))).toEqual({
      errorClass: 'TypeError',
      message: 'Network connection lost',
    });
  });
});
