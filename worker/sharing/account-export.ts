// The whole account as one JSON document, from what Postgres holds (readAccount) and what the
// owner's Limiter says of this month: the answer to a GDPR access or portability request.
import type { AccountData } from '../db/account-export.ts';
import { shareUrl } from './shares.ts';
import { fileUrl } from '../files/types.ts';
import { exportFilename, type Download } from './export.ts';

/** Bumped when the document's shape changes in a way a reader of older exports must know. */
export const ACCOUNT_EXPORT_VERSION = 1;

export function accountDownload(
  data: AccountData,
  live: { plan: unknown; quota: unknown; origin: string },
  at = new Date(),
): Download {
  const byConversation = new Map<string, AccountData['messages']>();
  for (const message of data.messages) {
    const list = byConversation.get(message.conversationId);
    if (list) list.push(message);
    else byConversation.set(message.conversationId, [message]);
  }
  const document = {
    format: 'parley.account',
    version: ACCOUNT_EXPORT_VERSION,
    exportedAt: at.toISOString(),
    note: 'Conversations are as Postgres holds them: a reply finished in the last few seconds may not be here yet.',
    profile: data.profile ?? null,
    plan: live.plan,
    quota: live.quota,
    conversations: data.conversations.map(({ userId: _user, ...conversation }) => ({
      ...conversation,
      messages: (byConversation.get(conversation.id) ?? []).map(
        ({ userId: _u, conversationId: _c, ...message }) => message,
      ),
    })),
    apiKeys: data.apiKeys,
    sites: data.sites.map(({ userId: _user, ...site }) => site),
    shareLinks: data.shares.map(({ token, ...share }) => ({ ...share, url: shareUrl(live.origin, token) })),
    usageByDay: data.usageDaily.map(({ userId: _user, updatedAt: _at, ...day }) => day),
    emailsSent: data.notifications,
    // Each uploaded file with its link (the owner's, signed in: GET it with the same session).
    files: data.files.map(({ userId: _user, ...file }) => ({ ...file, url: `${live.origin}${fileUrl(file.id)}` })),
  };
  return {
    body: `${JSON.stringify(document, null, 2)}\n`,
    contentType: 'application/json; charset=utf-8',
    filename: exportFilename('account', at, 'json'),
  };
}
