// Share links: a snapshot of what a conversation shows now, stored with an unguessable token, read
// back by anyone holding the link until it is revoked or expires.
import type { SharedMessage } from '../../drizzle/schema.ts';
import type { UserClaims } from '../db/as-user.ts';
import type { Conversation, Message } from '../db/conversations.ts';
import { findShareByToken, insertShare, type PublicShare } from '../db/shares.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';

/** Live links (not revoked, not expired) a person may have at once. */
export const MAX_LIVE_SHARES = 100;
/** The most message text a link's snapshot holds, in bytes of UTF-8 (1 MB). */
export const MAX_SHARE_BYTES = 1_000_000;

/** A token is 16 random bytes (128 bits) in base64url: 22 characters, no padding. */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{22}$/;

export function newShareToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Where a link's page is, on the host the owner reached Parley at. */
export const shareUrl = (origin: string, token: string) => `${origin}/s/${token}`;

/**
 * What a reader of the link sees: every message the conversation shows, as it is now. A reply
 * still streaming is left out (it is not finished), as is a reply that failed before any text.
 */
export function snapshotOf(messages: Message[]): SharedMessage[] {
  return messages
    .filter((m) => m.status !== 'streaming' && m.content.trim() !== '')
    .map((m) => ({ role: m.role, content: m.content, model: m.model, createdAt: m.createdAt.toISOString() }));
}

/**
 * Shares a conversation as the room has just answered it. A widget visitor's conversation is not
 * the owner's words to publish; an empty one has nothing to show.
 */
export async function createShare(
  db: Db,
  claims: UserClaims,
  found: { conversation: Conversation; messages: Message[] },
  expiresAt: Date | null,
) {
  if (found.conversation.visitorId !== null)
    throw new AppError(403, 'read_only', "A widget visitor's conversation cannot be shared");
  const messages = snapshotOf(found.messages);
  if (messages.length === 0)
    throw new AppError(409, 'nothing_to_share', 'This conversation has no messages yet: send one, then share it');
  const encoder = new TextEncoder();
  const bytes = messages.reduce((sum, m) => sum + encoder.encode(m.content).byteLength, 0);
  if (bytes > MAX_SHARE_BYTES)
    throw new AppError(
      413,
      'content_too_large',
      `A share link holds at most ${megabytes(MAX_SHARE_BYTES)} of message text, and this conversation has ${megabytes(bytes)}: export it (Markdown or JSON) to pass it on instead`,
    );
  const share = await insertShare(
    db,
    claims,
    { conversation: found.conversation, token: newShareToken(), messages, expiresAt },
    MAX_LIVE_SHARES,
  );
  if (!share)
    throw new AppError(
      409,
      'share_limit_reached',
      `You have ${MAX_LIVE_SHARES} live share links, the most allowed: revoke one you no longer need (Account, Shared links), then share this conversation`,
    );
  return share;
}

/** Bytes as megabytes in words, rounded up to a tenth (so a size over the cap never reads as the cap): 1 MB, 1.3 MB. */
const megabytes = (bytes: number) => `${Math.ceil(bytes / 100_000) / 10} MB`;

export type ShareView =
  | { state: 'live'; title: string | null; messages: SharedMessage[]; createdAt: Date }
  | { state: 'gone'; reason: 'revoked' | 'expired' }
  | { state: 'missing' };

/** What the page at /s/<token> shows at `now`. */
export async function viewShare(db: Db, token: string, now = new Date()): Promise<ShareView> {
  if (!SHARE_TOKEN.test(token)) return { state: 'missing' };
  const share: PublicShare | undefined = await findShareByToken(db, token);
  if (!share) return { state: 'missing' };
  if (share.revokedAt) return { state: 'gone', reason: 'revoked' };
  if (share.expiresAt && share.expiresAt.getTime() <= now.getTime()) return { state: 'gone', reason: 'expired' };
  return { state: 'live', title: share.title, messages: share.messages ?? [], createdAt: share.createdAt };
}
