// The API key format: `sk-parley-` + 43 base62 characters of secret (32 random bytes) + 22 of the
// owner's user id. Carrying the owner means the owner's Limiter, which holds their live keys and
// verifies them, is found without a lookup; only the SHA-256 of the whole key is ever stored.

const API_KEY_PREFIX = 'sk-parley-';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_BYTES = 32;
const SECRET_CHARS = 43; // ceil(256 / log2(62))
const OWNER_CHARS = 22; // ceil(128 / log2(62))
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}([0-9A-Za-z]{${SECRET_CHARS}})([0-9A-Za-z]{${OWNER_CHARS}})$`);
/** Shown in lists so people can tell their keys apart: the prefix and the secret's first characters. */
const DISPLAY_CHARS = API_KEY_PREFIX.length + 6;

/** The same words for a key that never existed, was revoked, or is malformed: no hint which. */
export const INVALID_KEY =
  'Incorrect API key provided: create a key at /api/keys and send it as "Authorization: Bearer <key>"';

export type NewApiKey = { secret: string; hash: string; prefix: string };
/** A key as presented, parsed but not yet verified: whose it claims to be, and its hash to check. */
export type ApiKeyCredential = { userId: string; hash: string };

export async function generateApiKey(userId: string): Promise<NewApiKey> {
  const secret = `${API_KEY_PREFIX}${toBase62(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)), SECRET_CHARS)}${toBase62(uuidBytes(userId), OWNER_CHARS)}`;
  return { secret, hash: await hashApiKey(secret), prefix: secret.slice(0, DISPLAY_CHARS) };
}

/** Whether a bearer token is meant as an API key (rather than a session token). */
export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** The owner and hash of a well-formed key; undefined for anything else. */
export async function parseApiKey(token: string): Promise<ApiKeyCredential | undefined> {
  const match = KEY_PATTERN.exec(token);
  const owner = match ? fromBase62(match[2]!, 16) : undefined;
  if (!owner) return undefined;
  return { userId: bytesToUuid(owner), hash: await hashApiKey(token) };
}

export async function hashApiKey(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase62(bytes: Uint8Array, width: number): string {
  let value = bytes.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(value % 62n)]! + out;
    value /= 62n;
  }
  return out;
}

/** `length` bytes, or undefined when the text encodes a larger number than they can hold. */
function fromBase62(text: string, length: number): Uint8Array | undefined {
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(ALPHABET.indexOf(char));
  if (value >> BigInt(length * 8) !== 0n) return undefined;
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '');
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function bytesToUuid(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
