import type { UserClaims } from '../db/as-user.ts';

/** Who a request acts for. Quotas and bills belong to `userId`; rate limits apply per subject `id`. */
export type Subject = {
  type: 'user';
  id: string;
  userId: string;
  email?: string;
  claims: UserClaims;
};
