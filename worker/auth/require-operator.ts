// The people who run Parley: signed-in users whose email is in OPERATOR_EMAILS (a secret, so the
// list changes without a deploy). Only a session counts: an API key or a widget visitor token never
// reaches an operator route, whoever owns it. Every operator request is logged with who made it.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { AppError } from '../errors.ts';
import { log } from '../log.ts';
import type { Subject } from './subject.ts';

/** The operators' emails, lower case; none when OPERATOR_EMAILS is unset (no one is an operator). */
export function operatorEmails(env: Pick<Env, 'OPERATOR_EMAILS'>): Set<string> {
  return new Set(
    (env.OPERATOR_EMAILS ?? '')
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Whether this caller is a signed-in operator (a session, never an API key, whose email is listed). */
export function isOperator(env: Pick<Env, 'OPERATOR_EMAILS'>, subject: Subject): boolean {
  const email = subject.email?.toLowerCase();
  return subject.type === 'user' && email !== undefined && operatorEmails(env).has(email);
}

/** After requireUser: 403 unless the caller is a signed-in operator; logs the read it lets through. */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const { subject } = c.var;
  if (subject.type !== 'user')
    throw new AppError(403, 'forbidden', "The operator's view is for a signed-in operator, not an API key");
  if (!isOperator(c.env, subject))
    throw new AppError(403, 'not_operator', "This account is not one of Parley's operators (OPERATOR_EMAILS)");
  log.info('operator read', { operator: subject.userId, path: c.req.path, query: new URL(c.req.url).search });
  await next();
});
