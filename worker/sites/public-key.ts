// A site's public key: `pk_site_` + 24 base62 characters (about 143 random bits). It sits in host
// pages, so it is an address, not a secret: the allowed origins are what guard a site.

const SITE_KEY_PREFIX = 'pk_site_';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_CHARS = 24;
const SITE_KEY = new RegExp(`^${SITE_KEY_PREFIX}[0-9A-Za-z]{${KEY_CHARS}}$`);

export function generateSiteKey(): string {
  let out = '';
  while (out.length < KEY_CHARS) {
    // 248 = 4 × 62: bytes at or above it are dropped, so every character is equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(KEY_CHARS * 2))) {
      if (byte < 248 && out.length < KEY_CHARS) out += ALPHABET[byte % 62];
    }
  }
  return `${SITE_KEY_PREFIX}${out}`;
}

/** Whether a text has the shape of a site key (anything else is no site, without asking anyone). */
export const isSiteKey = (text: string) => SITE_KEY.test(text);
