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
