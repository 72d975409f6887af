export { requireUser } from './require-user.ts';
export { authConfig, verifyAccessToken } from './supabase-jwt.ts';
export { mintDevSession, devUserId } from './dev-session.ts';
export type { Subject } from './subject.ts';
