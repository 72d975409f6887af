import type { UserClaims } from '../db/as-user.ts';

/**
 * Who a request acts for: a signed-in user, or one of their API keys. Quotas and bills belong to
 * `userId`; rate limits apply per subject `id` (the user id, or the key id).
 */
export type Subject = {
  type: 'user' | 'api_key';
  id: string;
  userId: string;
  email?: string;
  claims: UserClaims;
};

/**
 * A visitor of one of `userId`'s widget sites (worker/auth/require-visitor.ts). Their quota and
 * bill are the site owner's; their rate limit is their own, per `id` (`<siteId>:<visitorId>`).
 * They carry no claims: nothing a visitor does runs as the owner under Row Level Security.
 */
export type VisitorSubject = {
  type: 'visitor';
  id: string;
  userId: string;
  siteId: string;
  visitorId: string;
  /** The origin the visitor's token is bound to. */
  origin: string;
};
