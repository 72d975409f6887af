export {
  apiKeyCredential,
  apiKeySubject,
  apiKeyToken,
  bearerToken,
  requireApiKey,
  requireSession,
  requireUser,
} from './require-user.ts';
export { authConfig, verifyAccessToken } from './supabase-jwt.ts';
export { mintDevSession, devUserId } from './dev-session.ts';
export { createApiKey, noteKeyUsed, revokeApiKey } from './manage-keys.ts';
export type { ApiKeyCredential } from './api-keys.ts';
export type { Subject } from './subject.ts';
export { requireVisitor } from './require-visitor.ts';
export { signVisitorToken, verifyVisitorToken, widgetKey } from './visitor-token.ts';
export type { VisitorSubject } from './subject.ts';
