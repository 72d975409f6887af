import { zValidator } from '@hono/zod-validator';
import { createMiddleware } from 'hono/factory';
import type { ValidationTargets } from 'hono';
import type { ZodType, core } from 'zod';
import { AppError } from './errors.ts';
import { documents } from './openapi/describe.ts';

/**
 * zValidator whose failures become the shared 400 error envelope, naming each bad field (the first as
 * `param`). The OpenAPI document describes the route's params, query or body from the same schema.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) =>
  documents(
    zValidator(target, schema, (result) => {
      if (result.success) return;
      const issues = result.error.issues;
      const problems = issues.map((issue) => `${fieldOf(issue) ?? target}: ${describe(issue)}`);
      throw new AppError(400, 'invalid_request', problems.join('; '), { param: fieldOf(issues[0]!) });
    }),
    { kind: 'request', target, schema },
  );

/**
 * For a JSON body that may be left out: no body, or an empty one (even sent as
 * `content-type: application/json`), reads as `{}` for the `validate('json', …)` after it.
 */
export const optionalJsonBody = documents(
  createMiddleware(async (c, next) => {
    if ((await c.req.raw.clone().text()).trim() === '') c.req.raw = new Request(c.req.raw, { body: '{}' });
    await next();
  }),
  { kind: 'optionalBody' },
);

/** `messages[0].content`, or the unknown field's own name. */
function fieldOf(issue: core.$ZodIssue): string | undefined {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return field || undefined;
}

function describe(issue: core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys'
    ? `unrecognized request argument${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
    : issue.message;
}
