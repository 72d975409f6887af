import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { AppError } from './errors.ts';

/** zValidator whose failures become the shared 400 error envelope, naming each bad field. */
export const validate = <Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) =>
  zValidator(target, schema, (result) => {
    if (result.success) return;
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || target}: ${issue.message}`);
    throw new AppError(400, 'invalid_request', problems.join('; '));
  });
