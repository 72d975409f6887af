// Everything Postgres holds of one user, read under RLS as that user in one transaction: what a
// person may ask for under GDPR (Art. 15 and 20). API keys without their hashes, share links
// without their snapshots (the conversations are there whole).
import { asc, eq } from 'drizzle-orm';
import {
  apiKeys,
  conversations,
  files,
  messages,
  notifications,
  profiles,
  shares,
  sites,
  usageDaily,
} from '../../drizzle/schema.ts';
import type { Db } from './client.ts';
import { asUser, type UserClaims } from './as-user.ts';
import { ownedSiteColumns } from './sites.ts';

export async function readAccount(db: Db, claims: UserClaims) {
  const mine = claims.sub;
  const [profile, ownConversations, ownMessages, keys, ownSites, usage, links, emails, ownFiles] = await asUser(
    db,
    claims,
    (q) => [
      q.select().from(profiles).where(eq(profiles.id, mine)).limit(1),
      q
        .select()
        .from(conversations)
        .where(eq(conversations.userId, mine))
        .orderBy(asc(conversations.createdAt), asc(conversations.id)),
      q
        .select()
        .from(messages)
        .where(eq(messages.userId, mine))
        .orderBy(asc(messages.conversationId), asc(messages.createdAt), asc(messages.id)),
      q
        .select({
          id: apiKeys.id,
          name: apiKeys.name,
          prefix: apiKeys.prefix,
          createdAt: apiKeys.createdAt,
          lastUsedAt: apiKeys.lastUsedAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .where(eq(apiKeys.userId, mine))
        .orderBy(asc(apiKeys.createdAt)),
      q.select(ownedSiteColumns).from(sites).where(eq(sites.userId, mine)).orderBy(asc(sites.createdAt)),
      q
        .select()
        .from(usageDaily)
        .where(eq(usageDaily.userId, mine))
        .orderBy(asc(usageDaily.day), asc(usageDaily.model)),
      q
        .select({
          id: shares.id,
          conversationId: shares.conversationId,
          token: shares.token,
          expiresAt: shares.expiresAt,
          revokedAt: shares.revokedAt,
          createdAt: shares.createdAt,
        })
        .from(shares)
        .where(eq(shares.userId, mine))
        .orderBy(asc(shares.createdAt)),
      q
        .select({ kind: notifications.kind, period: notifications.period, sentAt: notifications.sentAt })
        .from(notifications)
        .where(eq(notifications.userId, mine))
        .orderBy(asc(notifications.sentAt)),
      q.select().from(files).where(eq(files.userId, mine)).orderBy(asc(files.createdAt), asc(files.id)),
    ],
  );
  return {
    profile: profile[0],
    conversations: ownConversations,
    messages: ownMessages,
    apiKeys: keys,
    sites: ownSites,
    usageDaily: usage,
    shares: links,
    notifications: emails,
    files: ownFiles,
  };
}

export type AccountData = Awaited<ReturnType<typeof readAccount>>;
