// Issue 22 item 4: share links (a public, read-only snapshot at an unguessable URL, revocable,
// with an optional expiry, never indexed) and exports (one conversation as Markdown or JSON, the
// whole account as JSON), each only ever showing its owner's data.
import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conversations, messages, profiles, shares } from '../../drizzle/schema.ts';
import { asUser } from '../../worker/db/as-user.ts';
import { createDb } from '../../worker/db/client.ts';
import { call, createConversation, createKey, sendMessage, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';

type Share = { id: string; url: string; createdAt: string; expiresAt: string | null };
type Listed = Share & { conversationId: string; title: string | null; expired: boolean };

/** A conversation with one exchange (`content` and a finished reply). */
async function conversationWith(token: string, content: string, title?: string) {
  const id = await createConversation(token, title ? { title } : {});
  await collectEvents((await sendMessage(token, id, content)).body!);
  return id;
}

async function share(token: string, id: string, body?: object) {
  const res = await call(`/api/conversations/${id}/shares`, {
    method: 'POST',
    token,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return res;
}

async function created(token: string, id: string, body?: object): Promise<Share> {
  const res = await share(token, id, body);
  if (res.status !== 201) throw new Error(`share failed: ${res.status} ${await res.text()}`);
  return res.json<Share>();
}

/** The public page, as a visitor with no credentials fetches it. */
async function page(url: string) {
  const res = await call(new URL(url).pathname);
  return { res, html: await res.text() };
}

/** The page's reply (its one assistant message) and the person's message, as HTML. */
const assistantPart = (html: string) => html.split('<article class="message assistant"')[1]!.split('</article>')[0]!;
const userPart = (html: string) => html.split('<article class="message user"')[1]!.split('</article>')[0]!;

async function list(token: string) {
  const res = await call('/api/shares', { token });
  expect(res.status).toBe(200);
  return (await res.json<{ items: Listed[] }>()).items;
}

describe('share links', () => {
  it('creates a link at /s/<128-bit base64url token> that anyone can read without signing in', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'How do tides work? [[fake tokens=5]]', 'Tides');
    const link = await created(token, id);
    expect(link.url).toMatch(/^http:\/\/localhost\/s\/[A-Za-z0-9_-]{22}$/);
    expect(link.expiresAt).toBeNull();

    const { res, html } = await page(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain('<h1>Tides</h1>');
    expect(html).toContain('How do tides work? [[fake tokens=5]]');
    // The reply's text is there too, under its model's name.
    const conversation = await (await call(`/api/conversations/${id}`, { token })).json<any>();
    const reply = conversation.messages[1];
    expect(reply.content.length).toBeGreaterThan(0);
    expect(html).toContain(reply.content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#39;'));
  });

  it('two links get different tokens', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'hi [[fake tokens=2]]');
    const [a, b] = [await created(token, id), await created(token, id)];
    expect(a.url).not.toBe(b.url);
  });

  it('is never indexed and never cached: robots meta, X-Robots-Tag, no-store, no Referer, no script allowed', async () => {
    const { token } = await signIn();
    const link = await created(token, await conversationWith(token, 'hi [[fake tokens=2]]'));
    const { res, html } = await page(link.url);
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(html).not.toContain('<script');
  });

  it('has a preview card: title, the first message as description, the site name', async () => {
    const { token } = await signIn();
    const long = `Plan a three-day trip to Lisbon with "good food" & trams. ${'More detail here. '.repeat(20)}[[fake tokens=2]]`;
    const link = await created(token, await conversationWith(token, long, 'Lisbon <trip>'));
    const { html } = await page(link.url);
    expect(html).toContain('<meta property="og:title" content="Lisbon &lt;trip&gt; · Parley">');
    expect(html).toContain('<meta property="og:site_name" content="Parley">');
    expect(html).toContain(`<meta property="og:url" content="${link.url}">`);
    expect(html).toContain('<meta name="twitter:card" content="summary">');
    const description = html.match(/<meta property="og:description" content="([^"]*)">/)![1]!;
    expect(description.startsWith('Plan a three-day trip to Lisbon with &quot;good food&quot; &amp; trams.')).toBe(
      true,
    );
    expect(description.endsWith('…')).toBe(true);
    expect(description.length).toBeLessThan(200);
  });

  it('shows hostile text as text: a <script> in a message is escaped, never markup', async () => {
    const { token } = await signIn();
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" [[fake tokens=2]]';
    const link = await created(token, await conversationWith(token, hostile, '</title><script>alert(3)</script>'));
    const { html } = await page(link.url);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot;',
    );
    expect(html).toContain('<title>&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; · Parley</title>');
  });

  it("renders a reply's Markdown: headings, lists, a code block, a link, emphasis", async () => {
    const { token } = await signIn();
    const markdown = [
      '# Tides',
      '',
      '- spring tide',
      '- neap tide',
      '',
      '1. first',
      '2. second',
      '',
      '```python',
      'print("<hi>")',
      '```',
      '',
      'See [NOAA](https://oceanservice.noaa.gov/facts/tides.html) and **the moon**.',
    ].join('\n');
    const link = await created(token, await conversationWith(token, `[[fake echo=1]]\n${markdown}`, 'Markdown'));
    const { res, html } = await page(link.url);
    const reply = assistantPart(html);
    expect(reply).toContain('<h1>Tides</h1>');
    expect(reply).toContain('<ul>\n<li>spring tide</li>\n<li>neap tide</li>\n</ul>');
    expect(reply).toContain('<ol>\n<li>first</li>\n<li>second</li>\n</ol>');
    // No highlighting on this page: the code as text, in a block the keyboard can scroll.
    expect(reply).toContain('<pre tabindex="0"><code>print(&quot;&lt;hi&gt;&quot;)</code></pre>');
    expect(reply).toContain(
      '<a href="https://oceanservice.noaa.gov/facts/tides.html" rel="noopener noreferrer nofollow" target="_blank">NOAA</a>',
    );
    expect(reply).toContain('<strong>the moon</strong>');
    // The person's own message shows as written, as in the app.
    expect(userPart(html)).toContain('# Tides\n\n- spring tide');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('renders hostile Markdown in a reply inert: raw HTML as text, no javascript: or data: link, images never loaded', async () => {
    const { token } = await signIn();
    const hostile = [
      '<script>alert(1)</script>',
      '',
      '<img src=x onerror=alert(2)>',
      '',
      'Inline <b onmouseover=alert(3)>bold</b> and [click](javascript:alert(4)) and [data](data:text/html;base64,PHNjcmlwdD4=)',
      '',
      '![a chart](https://example.com/chart.png) ![bad](javascript:alert(5)) [x](JaVaScRiPt&#58;alert(6))',
    ].join('\n');
    const link = await created(token, await conversationWith(token, `[[fake echo=1]]\n${hostile}`, 'Hostile'));
    const { html } = await page(link.url);
    const reply = assistantPart(html);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b[\s>]/i);
    // No element anywhere carries an event handler (read tag by tag, attribute by attribute) or a script URL.
    expect(html).not.toMatch(/<[a-z][a-z0-9]*(\s+[a-z-]+(=("[^"]*"|[^\s">]*))?)*\s+on[a-z]+=/i);
    expect(html).not.toMatch(/href="\s*(javascript|data):/i);
    expect(reply).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reply).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(reply).toContain('&lt;b onmouseover=alert(3)&gt;bold&lt;/b&gt;');
    // A refused link keeps its words, without the link.
    expect(reply).toMatch(/and click and data/);
    // An image is a link to open, never an <img>.
    expect(reply).toContain(
      '<a class="image-link" href="https://example.com/chart.png" title="Image, not loaded: open in a new tab" rel="noopener noreferrer nofollow" target="_blank">Image: a chart</a>',
    );
  });

  it('is a snapshot: a message sent after sharing does not appear', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'first question [[fake tokens=2]]');
    const link = await created(token, id);
    await collectEvents((await sendMessage(token, id, 'a later question [[fake tokens=2]]')).body!);
    const { html } = await page(link.url);
    expect(html).toContain('first question');
    expect(html).not.toContain('a later question');
    expect(html).toContain('2 messages');
  });

  it('lists the owner’s links with the conversation’s title, and revoking one makes its page say so (410) with nothing of the conversation', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'secret plans [[fake tokens=2]]', 'Plans');
    const link = await created(token, id);
    expect(await list(token)).toEqual([{ ...link, conversationId: id, title: 'Plans', expired: false }]);

    const revoke = await call(`/api/shares/${link.id}`, { method: 'DELETE', token });
    expect(revoke.status).toBe(204);
    const { res, html } = await page(link.url);
    expect(res.status).toBe(410);
    expect(html).toContain('This link was revoked');
    expect(html).not.toContain('secret plans');
    expect(res.headers.get('x-robots-tag')).toContain('noindex');
    expect(await list(token)).toEqual([]);
    // Its copy of the conversation is gone from Postgres too.
    const [row] = await createDb(env).select().from(shares).where(eq(shares.id, link.id));
    expect(row!.messages).toBeNull();
    expect(row!.revokedAt).not.toBeNull();
    // Revoking again is harmless.
    expect((await call(`/api/shares/${link.id}`, { method: 'DELETE', token })).status).toBe(204);
  });

  it('expires: an expiry in the future is kept and listed; past it the page is 410 and says it expired', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'expiring [[fake tokens=2]]');
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const link = await created(token, id, { expiresAt });
    expect(link.expiresAt).toBe(expiresAt);
    expect((await page(link.url)).res.status).toBe(200);

    // Time passes: moved into the past in the database.
    await createDb(env)
      .update(shares)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(shares.id, link.id));
    const { res, html } = await page(link.url);
    expect(res.status).toBe(410);
    expect(html).toContain('This link has expired');
    expect(html).not.toContain('expiring');
    expect((await list(token))[0]).toMatchObject({ id: link.id, expired: true });
  });

  it('refuses an expiry in the past or more than a year ahead, and a malformed one, with 400', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'hi [[fake tokens=2]]');
    for (const expiresAt of [new Date(Date.now() - 1000).toISOString(), '2999-01-01T00:00:00Z', 'tomorrow']) {
      const res = await share(token, id, { expiresAt });
      expect(res.status).toBe(400);
      expect((await res.json<ErrorEnvelope>()).error).toMatchObject({
        code: 'invalid_request',
        message: expect.stringMatching(/expiresAt/),
      });
    }
    expect(await list(token)).toEqual([]);
  });

  it('answers an unknown token, or one of the wrong shape, with a 404 page', async () => {
    for (const path of ['/s/AAAAAAAAAAAAAAAAAAAAAA', '/s/not-a-token', '/s/%3Cscript%3E']) {
      const res = await call(path);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('This link does not exist');
      expect(html).not.toContain('<script');
      expect(res.headers.get('x-robots-tag')).toContain('noindex');
    }
  });

  it('another user can neither share, list nor revoke someone’s links (404, empty list)', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const id = await conversationWith(alice.token, 'mine [[fake tokens=2]]');
    const link = await created(alice.token, id);

    expect((await share(bob.token, id)).status).toBe(404);
    expect(await list(bob.token)).toEqual([]);
    const revoke = await call(`/api/shares/${link.id}`, { method: 'DELETE', token: bob.token });
    expect(revoke.status).toBe(404);
    expect((await page(link.url)).res.status).toBe(200);
    expect(await list(alice.token)).toHaveLength(1);
  });

  it('under RLS a user reads only their own links and can write none (42501)', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const link = await created(alice.token, await conversationWith(alice.token, 'rls [[fake tokens=2]]'));
    const db = createDb(env);
    const [own] = await asUser(db, { sub: alice.userId }, (q) => [q.select({ id: shares.id }).from(shares)]);
    expect(own).toEqual([{ id: link.id }]);
    const [others] = await asUser(db, { sub: bob.userId }, (q) => [q.select({ id: shares.id }).from(shares)]);
    expect(others).toEqual([]);
    await expect(
      asUser(db, { sub: alice.userId }, (q) => [
        q.update(shares).set({ revokedAt: null, expiresAt: null }).where(eq(shares.id, link.id)),
      ]),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('an API key cannot make or manage links (403): a leaked key must not publish conversations', async () => {
    const { token } = await signIn();
    const { key } = await createKey(token);
    const id = await conversationWith(token, 'hi [[fake tokens=2]]');
    const res = await share(key, id);
    expect(res.status).toBe(403);
    expect((await call('/api/shares', { token: key })).status).toBe(403);
  });

  it('refuses to share a conversation with no messages (409) and a link to a deleted conversation stops working', async () => {
    const { token } = await signIn();
    const empty = await createConversation(token);
    const res = await share(token, empty);
    expect(res.status).toBe(409);
    expect((await res.json<ErrorEnvelope>()).error.code).toBe('nothing_to_share');

    const id = await conversationWith(token, 'to be deleted [[fake tokens=2]]');
    const link = await created(token, id);
    expect((await call(`/api/conversations/${id}`, { method: 'DELETE', token })).status).toBe(204);
    // The room writes the deletion behind; the link goes with the conversation's row.
    let status = 0;
    for (let i = 0; i < 100 && status !== 404; i++) {
      status = (await page(link.url)).res.status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(404);
    expect(await list(token)).toEqual([]);
  });

  it('caps live links at 100 a person: the next is refused (409 share_limit_reached, naming the cap) until one is revoked or expires', async () => {
    const { token, userId } = await signIn();
    const id = await conversationWith(token, 'share me often [[fake tokens=2]]');
    const first = await created(token, id);
    // 98 more live links, and revoked and expired ones, which do not count.
    const db = createDb(env);
    const row = (extra: Partial<typeof shares.$inferInsert> = {}) => ({
      userId,
      conversationId: id,
      token: crypto.randomUUID().replace(/-/g, '').slice(0, 22),
      messages: [],
      ...extra,
    });
    await db
      .insert(shares)
      .values([
        ...Array.from({ length: 98 }, () => row()),
        ...Array.from({ length: 3 }, () => row({ revokedAt: new Date(), messages: null })),
        ...Array.from({ length: 2 }, () => row({ expiresAt: new Date(Date.now() - 1000) })),
      ]);
    const hundredth = await created(token, id, { expiresAt: new Date(Date.now() + 2000).toISOString() });

    const refused = await share(token, id);
    expect(refused.status).toBe(409);
    const { error } = await refused.json<ErrorEnvelope>();
    expect(error.code).toBe('share_limit_reached');
    expect(error.message).toMatch(/100 live share links.*revoke one/);
    expect(await list(token)).toHaveLength(100 + 2); // the expired ones are still listed

    // Revoking one makes room for one.
    expect((await call(`/api/shares/${first.id}`, { method: 'DELETE', token })).status).toBe(204);
    await created(token, id);
    expect((await share(token, id)).status).toBe(409);
    // So does one expiring.
    await new Promise((r) => setTimeout(r, Date.parse(hundredth.expiresAt!) - Date.now() + 50));
    await created(token, id);
    expect((await share(token, id)).status).toBe(409);
  });

  it('refuses a snapshot over 1 MB of message text (413 content_too_large, saying what to do), and stores nothing', async () => {
    const { token, userId, email } = await signIn();
    /** A conversation written straight into Postgres (its room adopts it on first use) with these messages. */
    const seeded = async (contents: string[]) => {
      const db = createDb(env);
      const id = crypto.randomUUID();
      const start = Date.now() - contents.length * 1000;
      await db.insert(profiles).values({ id: userId, email }).onConflictDoNothing();
      await db.insert(conversations).values({ id, userId, title: 'Long' });
      await db.insert(messages).values(
        contents.map((content, i) => ({
          conversationId: id,
          userId,
          role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
          content,
          status: 'complete' as const,
          createdAt: new Date(start + i * 1000),
        })),
      );
      return id;
    };
    // Ten messages of 50,000 'é' are 100,000 bytes each (two bytes in UTF-8): exactly 1 MB.
    const tenth = 'é'.repeat(50_000);
    const atCap = await seeded(Array.from({ length: 10 }, () => tenth));
    expect((await share(token, atCap)).status).toBe(201);

    const over = await seeded([...Array.from({ length: 10 }, () => tenth), 'and one more question']);
    const res = await share(token, over);
    expect(res.status).toBe(413);
    const { error } = await res.json<ErrorEnvelope>();
    expect(error.code).toBe('content_too_large');
    expect(error.message).toBe(
      'A share link holds at most 1 MB of message text, and this conversation has 1.1 MB: export it (Markdown or JSON) to pass it on instead',
    );
    expect((await list(token)).map((l) => l.conversationId)).toEqual([atCap]);
  });

  it('a link made right after the conversation was created (before its room wrote Postgres) works', async () => {
    const { token } = await signIn();
    const id = await createConversation(token, { title: 'Fresh' });
    await collectEvents((await sendMessage(token, id, 'fresh [[fake tokens=2]]')).body!);
    const link = await created(token, id);
    const { res, html } = await page(link.url);
    expect(res.status).toBe(200);
    expect(html).toContain('fresh');
    expect((await list(token))[0]!.title).toBe('Fresh');
  });
});

describe('export', () => {
  it('exports a conversation as Markdown, as an attachment named after its title', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'What is **bold**? [[fake tokens=4]]', 'Bold & brave: ünïcode');
    const res = await call(`/api/conversations/${id}/export?format=md`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="parley-bold-brave-unicode-${today}.md"`);
    const md = await res.text();
    const conversation = await (await call(`/api/conversations/${id}`, { token })).json<any>();
    expect(md.startsWith('# Bold & brave: ünïcode\n')).toBe(true);
    expect(md).toContain('### User · ');
    expect(md).toContain('What is **bold**? [[fake tokens=4]]');
    expect(md).toContain(conversation.messages[1].content);
  });

  it('exports a conversation as JSON in the API’s own shapes', async () => {
    const { token } = await signIn();
    const id = await conversationWith(token, 'json please [[fake tokens=3]]', 'As JSON');
    const res = await call(`/api/conversations/${id}/export?format=json`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="parley-as-json-\d{4}-\d\d-\d\d\.json"$/,
    );
    const body = await res.json<any>();
    const { messages, ...conversation } = await (await call(`/api/conversations/${id}`, { token })).json<any>();
    expect(body.conversation).toEqual(conversation);
    expect(body.messages).toEqual(messages);
  });

  it('refuses another user’s conversation (404) and an unknown format (400)', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const id = await conversationWith(alice.token, 'private [[fake tokens=2]]');
    expect((await call(`/api/conversations/${id}/export?format=md`, { token: bob.token })).status).toBe(404);
    expect((await call(`/api/conversations/${id}/export?format=pdf`, { token: alice.token })).status).toBe(400);
  });

  it('exports the whole account as JSON: profile, conversations with messages, keys without secrets, sites, links, usage; nothing of anyone else', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const aliceConversation = await conversationWith(alice.token, 'alice asks [[fake tokens=2]]', 'Alice’s');
    const bobConversation = await conversationWith(bob.token, 'bob asks [[fake tokens=2]]', 'Bob’s');
    const key = await createKey(alice.token, 'laptop');
    await createKey(bob.token, 'bob key');
    const site = await call('/api/sites', {
      method: 'POST',
      token: alice.token,
      body: JSON.stringify({ name: 'Alice site', allowedOrigins: ['https://alice.example'] }),
    });
    expect(site.status).toBe(201);
    const link = await created(alice.token, aliceConversation);
    await created(bob.token, bobConversation);

    // Conversations are read from Postgres, which the rooms write behind: wait until Alice's reply is there.
    let body: any;
    for (let i = 0; i < 100; i++) {
      const res = await call('/api/me/export', { token: alice.token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="parley-account-\d{4}-\d\d-\d\d\.json"$/,
      );
      body = await res.json<any>();
      if (body.conversations[0]?.messages.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body.profile).toMatchObject({ id: alice.userId, email: alice.email, tier: 'free' });
    expect(body.plan).toBeDefined();
    expect(body.quota).toMatchObject({ limit: expect.any(Number) });
    expect(body.conversations).toHaveLength(1);
    expect(body.conversations[0]).toMatchObject({ id: aliceConversation, title: 'Alice’s' });
    expect(body.conversations[0].messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    expect(body.conversations[0].messages[0].content).toBe('alice asks [[fake tokens=2]]');
    expect(body.apiKeys).toEqual([
      expect.objectContaining({ id: key.id, name: 'laptop', prefix: key.prefix, revokedAt: null }),
    ]);
    expect(body.sites).toEqual([expect.objectContaining({ name: 'Alice site' })]);
    expect(body.shareLinks).toEqual([expect.objectContaining({ id: link.id, url: link.url })]);
    expect(Array.isArray(body.usageByDay)).toBe(true);

    const text = JSON.stringify(body);
    expect(text).not.toContain(key.key);
    expect(text).not.toContain(key.key.slice(16));
    expect(text).not.toContain('keyHash');
    for (const other of [bob.userId, bob.email, 'bob asks', 'bob key', bobConversation])
      expect(text).not.toContain(other);
  });

  it('the account export needs a signed-in session, not an API key (403)', async () => {
    const { token } = await signIn();
    const { key } = await createKey(token);
    expect((await call('/api/me/export', { token: key })).status).toBe(403);
  });
});
