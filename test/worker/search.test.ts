// Issue 22: search over titles and message text (GET /api/search), pins, and the list's order.
import { describe, expect, it } from 'vitest';
import { call, createConversation, eventually, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';
import { searchResultsSchema } from '../../worker/schemas/search.ts';
import { conversationListSchema } from '../../worker/schemas/conversations.ts';

type Results = { items: Array<SearchItem> };
type SearchItem = {
  conversationId: string;
  title: Highlighted | null;
  pinnedAt: string | null;
  activeAt: string;
  message: { id: string; role: string; createdAt: string; snippet: Highlighted } | null;
};
type Highlighted = { text: string; highlights: Array<{ start: number; end: number }> };

async function search(token: string, q: string): Promise<Results> {
  const res = await call(`/api/search?q=${encodeURIComponent(q)}`, { token });
  expect(res.status).toBe(200);
  const body = await res.json<Results>();
  expect(searchResultsSchema.parse(body)).toEqual(body);
  return body;
}

/** The text of each marked range. */
const marked = (h: Highlighted | null | undefined) => h?.highlights.map((r) => h.text.slice(r.start, r.end)) ?? [];

/** Sends `content` and reads the reply to its end; the reply's message id. */
async function exchange(token: string, id: string, content: string) {
  const res = await sendMessage(token, id, content);
  expect(res.status).toBe(200);
  const events = await collectEvents(res.body!);
  expect(events.at(-1)?.event).toBe('done');
  return events.find((e) => e.event === 'message.start')!.data.messageId as string;
}

async function list(token: string, query = '') {
  const res = await call(`/api/conversations?limit=100${query}`, { token });
  expect(res.status).toBe(200);
  return conversationListSchema.parse(await res.json());
}

const patch = (token: string, id: string, body: Record<string, unknown>) =>
  call(`/api/conversations/${id}`, { method: 'PATCH', token, body: JSON.stringify(body) });

describe('GET /api/search', () => {
  it('finds a word in message text, a reply included once it is written behind, with a marked snippet and the message', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { title: 'Holiday plans' });
    const question = 'Where should we go [[fake tokens=30]] in the Dolomites this summer?';
    const replyId = await exchange(token, id, question);
    // The reply's own words ("upstream", from the fake's demo label) are found once the room's outbox has written it.
    const found = await eventually(
      () => search(token, 'upstream'),
      (r) => r.items.length === 1,
    );
    expect(found.items[0]).toMatchObject({ conversationId: id, message: { id: replyId, role: 'assistant' } });
    expect(marked(found.items[0]!.message!.snippet)).toEqual(['upstream']);
    // A word of the question finds the question; stemming finds "summers" in "summer".
    const asked = await search(token, 'dolomites summers');
    expect(asked.items).toHaveLength(1);
    expect(asked.items[0]!.message?.role).toBe('user');
    expect(marked(asked.items[0]!.message!.snippet)).toEqual(['Dolomites', 'summer']);
    expect(asked.items[0]!.message!.snippet.text).toContain('Where should we go');
    // The title is given whole, unmarked when it did not match.
    expect(asked.items[0]!.title).toEqual({ text: 'Holiday plans', highlights: [] });
  });

  it('finds titles by word and by part of a word, marks them, and puts the newest match first', async () => {
    const { token } = await signIn();
    const older = await createConversation(token, { title: 'Kubernetes deployment checklist' });
    const newer = await createConversation(token, { title: 'Deploying on a Friday' });
    await createConversation(token, { title: 'Bread recipes' });
    const found = await eventually(
      () => search(token, 'deploy'),
      (r) => r.items.length === 2,
    );
    expect(found.items.map((item) => item.conversationId)).toEqual([newer, older]);
    expect(found.items.map((item) => marked(item.title))).toEqual([['Deploying'], ['deployment']]);
    expect(found.items.every((item) => item.message === null)).toBe(true);
    const partial = await search(token, 'kuber');
    expect(partial.items.map((item) => [item.conversationId, marked(item.title)])).toEqual([[older, ['Kuber']]]);
    // Web search syntax: a word left out.
    expect((await search(token, 'deploy -friday')).items.map((item) => item.conversationId)).toEqual([older]);
  });

  it('never marks up a snippet: HTML in a message comes back as plain text with offsets', async () => {
    const { token } = await signIn();
    const id = await createConversation(token);
    await exchange(token, id, '[[fake tokens=2]] my <img src=x onerror=alert(1)> payload "quoted" & zebra');
    const found = await eventually(
      () => search(token, 'zebra'),
      (r) => r.items.length === 1,
    );
    const snippet = found.items[0]!.message!.snippet;
    expect(marked(snippet)).toEqual(['zebra']);
    expect(snippet.text).not.toMatch(/<mark|<b>/);
    expect(snippet.text).toContain('payload "quoted" & zebra');
  });

  it("never finds another user's titles or text", async () => {
    const alice = await signIn();
    const bob = await signIn();
    const id = await createConversation(bob.token, { title: 'Secret xylophone' });
    await exchange(bob.token, id, '[[fake tokens=2]] the xylophone lives in the attic');
    await eventually(
      () => search(bob.token, 'xylophone'),
      (r) => r.items.length === 1 && r.items[0]!.message !== null,
    );
    expect((await search(alice.token, 'xylophone')).items).toEqual([]);
    expect((await search(alice.token, 'xylo')).items).toEqual([]);
  });

  it('refuses no words, too many characters and a bad limit with a clear 400', async () => {
    const { token } = await signIn();
    const refusal = async (query: string) => {
      const res = await call(`/api/search${query}`, { token });
      return { status: res.status, ...(await res.json<ErrorEnvelope>()).error };
    };
    expect(await refusal('')).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'q: required: the words to search for',
    });
    expect(await refusal('?q=%20%20')).toMatchObject({
      status: 400,
      message: 'q: must not be empty: the words to search for',
    });
    expect(await refusal(`?q=${'x'.repeat(201)}`)).toMatchObject({ status: 400, message: 'q: at most 200 characters' });
    expect(await refusal('?q=a%00b')).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(await refusal('?q=a&limit=0')).toMatchObject({ status: 400, code: 'invalid_request' });
    // Query syntax Postgres would refuse from to_tsquery is only words to websearch_to_tsquery.
    for (const q of ['"', '!!', '(a & b', ':*', '-', 'or or', "it's"]) {
      expect((await call(`/api/search?q=${encodeURIComponent(q)}`, { token })).status).toBe(200);
    }
    expect((await call('/api/search?q=x')).status).toBe(401);
  });
});

describe('pins and the order of the list', () => {
  it('a rename or a pin does not move a conversation; a message does', async () => {
    const { token } = await signIn();
    const first = await createConversation(token, { title: 'first' });
    const second = await createConversation(token, { title: 'second' });
    const third = await createConversation(token, { title: 'third' });
    await eventually(
      async () => (await list(token)).items.length,
      (n) => n === 3,
    );
    expect((await patch(token, first, { title: 'first, renamed' })).status).toBe(200);
    const pinned = await patch(token, second, { pinned: true });
    expect(await pinned.json()).toMatchObject({ id: second, pinnedAt: expect.any(String) });
    // Written behind: wait for both to land, then the order is still that of activity.
    const after = await eventually(
      () => list(token),
      (l) => l.items.some((c) => c.title === 'first, renamed') && l.items.some((c) => c.pinnedAt !== null),
    );
    expect(after.items.map((c) => c.id)).toEqual([third, second, first]);
    expect(after.items[2]!.updatedAt > after.items[2]!.activeAt).toBe(true);

    await exchange(token, first, '[[fake tokens=2]] bump');
    const bumped = await eventually(
      () => list(token),
      (l) => l.items[0]?.id === first,
    );
    expect(bumped.items.map((c) => c.id)).toEqual([first, third, second]);
  });

  it('pins and unpins, keeps the first pin time, and lists pinned and unpinned apart', async () => {
    const { token } = await signIn();
    const a = await createConversation(token, { title: 'a' });
    const b = await createConversation(token, { title: 'b' });
    const pinnedAt = (await (await patch(token, a, { pinned: true })).json<{ pinnedAt: string }>()).pinnedAt;
    const again = await (await patch(token, a, { pinned: true })).json<{ pinnedAt: string }>();
    expect(again.pinnedAt).toBe(pinnedAt);
    // The room answers at once, before Postgres has it.
    expect(await (await call(`/api/conversations/${a}`, { token })).json()).toMatchObject({ pinnedAt });
    const pins = await eventually(
      () => list(token, '&pinned=true'),
      (l) => l.items.length === 1,
    );
    expect(pins.items.map((c) => c.id)).toEqual([a]);
    expect((await list(token, '&pinned=false')).items.map((c) => c.id)).toEqual([b]);
    const unpinned = await (await patch(token, a, { pinned: false })).json<{ pinnedAt: string | null }>();
    expect(unpinned.pinnedAt).toBeNull();
    await eventually(
      () => list(token, '&pinned=true'),
      (l) => l.items.length === 0,
    );
    expect((await patch(token, a, { pinned: 'yes' })).status).toBe(400);
    expect((await call('/api/conversations?pinned=maybe', { token })).status).toBe(400);
  });
});
