// AUTH_MODE=dev signs user and visitor tokens with fixed secrets written below, so a local stack runs
// with no configuration. Anyone can read them here, so they are good only where nobody else can
// reach the Worker: a loopback host. Off loopback they are never used, and a secret configured to
// one of them is refused too, whatever AUTH_MODE says: a deploy left in dev mode lets no one in.

export const DEV_JWT_SECRET = 'parley-local-development-secret-not-for-production';
export const DEV_WIDGET_SECRET = 'parley-local-widget-secret-not-for-production';
const SOURCE_SECRETS = new Set([DEV_JWT_SECRET, DEV_WIDGET_SECRET]);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The request came to a loopback host: a development machine, not a deploy (Cloudflare routes by host name). */
export function isLoopbackRequest(requestUrl: string): boolean {
  return LOOPBACK_HOSTS.has(new URL(requestUrl).hostname);
}

/**
 * The signing secret to use: the configured one, or in AUTH_MODE=dev on a loopback host the fixed
 * development one. Undefined when there is none to use, including a configured secret copied from
 * this source on a public host.
 */
export function signingSecret(
  configured: string | undefined,
  devSecret: string,
  where: { authMode: string | undefined; loopback: boolean },
): string | undefined {
  if (configured) return where.loopback || !SOURCE_SECRETS.has(configured) ? configured : undefined;
  return where.authMode === 'dev' && where.loopback ? devSecret : undefined;
}
