// Issue 24: files people attach to messages. Uploads (type read from the bytes, content-addressed in
// R2 under the owner, refused by type, size and storage per plan), reads by the owner only, and
// attachments on a send: stored with the message, shown on reads, and sent to the vendor as the
// parts its API takes (what the SDK sent is read from its fetch, as the vendor received it).
import { env, exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { files, messages, profiles } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { BASE, call, createConversation, useUpFreeQuota, eventually, signIn, type ErrorEnvelope } from './helpers.ts';
import { collectEvents } from './sse.ts';
import { sweepFiles } from '../../worker/jobs/file-sweep.ts';

afterEach(() => vi.restoreAllMocks());

const b64 = (data: string) => Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
/** Tiny real files of each type. */
const PNG = b64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==');
const GIF = b64('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7');
const JPEG = b64(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
);
const WEBP = b64('UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA');
const PDF = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 3 3]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const TEXT = new TextEncoder().encode('# Notes\n\nThe launch is on **Tuesday**.\n');
const ELF = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]);

type Uploaded = { id: string; name: string; mediaType: string; kind: string; size: number; url: string };

function upload(token: string, bytes: Uint8Array, name: string, type = 'application/octet-stream') {
  const form = new FormData();
  form.set('file', new File([bytes], name, { type }));
  // Built as a browser's FormData request is: the multipart boundary in its content type.
  const request = new Request(`${BASE}/api/files`, { method: 'POST', body: form });
  request.headers.set('authorization', `Bearer ${token}`);
  return exports.default.fetch(request);
}

async function sha256(bytes: Uint8Array) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function keysOf(userId: string) {
  const listed = await env.FILES.list({ prefix: `users/${userId}/` });
  return listed.objects.map((o) => o.key);
}

/** A user whose plan's file limits are `limits` (set before their Limiter first sees them). */
async function userWithLimits(limits: Record<string, number>) {
  const user = await signIn();
  await createDb(env).insert(profiles).values({ id: user.userId, limits }).onConflictDoUpdate({
    target: profiles.id,
    set: { limits },
  });
  return user;
}

describe('uploads', () => {
  it.each([
    ['image.png', PNG, 'image/png', 'image'],
    ['image.jpg', JPEG, 'image/jpeg', 'image'],
    ['image.webp', WEBP, 'image/webp', 'image'],
    ['image.gif', GIF, 'image/gif', 'image'],
    ['paper.pdf', PDF, 'application/pdf', 'pdf'],
    ['notes.md', TEXT, 'text/markdown', 'text'],
  ] as const)(
    'stores %s with the type read from its bytes, under its SHA-256 in R2',
    async (name, bytes, mediaType, kind) => {
      const { token, userId } = await signIn();
      const res = await upload(token, bytes, name);
      expect(res.status).toBe(201);
      const file = await res.json<Uploaded>();
      const id = await sha256(bytes);
      expect(file).toEqual({ id, name, mediaType, kind, size: bytes.length, url: `/api/files/${id}` });
      expect(await keysOf(userId)).toEqual([`users/${userId}/${id}`]);

      const read = await call(file.url, { token });
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe(mediaType);
      expect(read.headers.get('x-content-type-options')).toBe('nosniff');
      expect(read.headers.get('cache-control')).toMatch(/^private/);
      expect(read.headers.get('content-disposition')).toMatch(kind === 'image' ? /^inline/ : /^attachment/);
      expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes);
    },
  );

  it('reads the type from the bytes, not the name or the type the client claims', async () => {
    const { token } = await signIn();
    const res = await upload(token, PNG, 'holiday.pdf', 'application/pdf');
    expect(res.status).toBe(201);
    expect(await res.json<Uploaded>()).toMatchObject({ name: 'holiday.pdf', mediaType: 'image/png', kind: 'image' });
  });

  it.each([
    ['an executable', ELF, 'setup.txt'],
    ['a zip', ZIP, 'notes.zip'],
  ])('refuses %s with 415 and says what it reads', async (_, bytes, name) => {
    const { token, userId } = await signIn();
    const res = await upload(token, bytes, name, 'text/plain');
    expect(res.status).toBe(415);
    const body = await res.json<ErrorEnvelope>();
    expect(body.error.code).toBe('unsupported_file_type');
    expect(body.error.message).toMatch(/PNG, JPEG, WebP, GIF.*PDF/);
    expect(await keysOf(userId)).toEqual([]);
  });

  it('the same bytes uploaded twice are one file, counted once', async () => {
    const { token, userId } = await signIn();
    const first = await (await upload(token, PDF, 'a.pdf')).json<Uploaded>();
    const second = await (await upload(token, PDF, 'b.pdf')).json<Uploaded>();
    expect(second.id).toBe(first.id);
    expect(await keysOf(userId)).toHaveLength(1);
    const usage = await (await call('/api/usage', { token })).json<{ storage: { usedBytes: number; files: number } }>();
    expect(usage.storage).toMatchObject({ usedBytes: PDF.length, files: 1 });
  });

  it("refuses a file over the plan's size with 413 naming the limit", async () => {
    const { token, userId } = await userWithLimits({ fileMaxBytes: 100 });
    const res = await upload(token, new TextEncoder().encode('x'.repeat(101)), 'long.txt');
    expect(res.status).toBe(413);
    const body = await res.json<ErrorEnvelope>();
    expect(body.error.code).toBe('file_too_large');
    expect(body.error.message).toContain('100 bytes');
    expect(await keysOf(userId)).toEqual([]);
  });

  it('refuses a body far over the limit before reading it whole', async () => {
    const { token } = await signIn();
    // Free: 5 MB a file. 6 MB of text, streamed.
    const res = await upload(token, new TextEncoder().encode('y'.repeat(6 * 1024 * 1024)), 'big.txt');
    expect(res.status).toBe(413);
    expect((await res.json<ErrorEnvelope>()).error.message).toContain('5 MB');
  });

  it("refuses an upload past the plan's storage with 409, exact when uploads race", async () => {
    const { token, userId } = await userWithLimits({ storageBytes: 250 });
    const bodies = Array.from({ length: 5 }, (_, i) => new TextEncoder().encode(`${i}`.repeat(100)));
    const results = await Promise.all(bodies.map((bytes, i) => upload(token, bytes, `${i}.txt`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 409, 409, 409]);
    const refused = await results.find((r) => r.status === 409)!.json<ErrorEnvelope>();
    expect(refused.error.code).toBe('storage_full');
    expect(refused.error.message).toContain('250 bytes');
    expect(await keysOf(userId)).toHaveLength(2);
  });

  it("another user's file is 404, as is an id that is no file", async () => {
    const owner = await signIn();
    const other = await signIn();
    const file = await (await upload(owner.token, PNG, 'mine.png')).json<Uploaded>();
    expect((await call(file.url, { token: other.token })).status).toBe(404);
    expect((await call('/api/files/not-a-file', { token: owner.token })).status).toBe(404);
    expect((await call(file.url)).status).toBe(401);
  });

  it('writes the row behind to Postgres', async () => {
    const { token, userId } = await signIn();
    const file = await (await upload(token, PNG, 'row.png')).json<Uploaded>();
    const db = createDb(env);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 1,
    );
    expect(rows[0]).toMatchObject({
      id: file.id,
      name: 'row.png',
      mediaType: 'image/png',
      kind: 'image',
      size: PNG.length,
    });
  });
});

describe('attachments on a send', () => {
  it('sends image, PDF and text files to the vendor as its parts, and shows them on reads', async () => {
    const { token, userId } = await userWithLimits({ filesPerMessage: 5 });
    const png = await (await upload(token, PNG, 'dot.png')).json<Uploaded>();
    const pdf = await (await upload(token, PDF, 'paper.pdf')).json<Uploaded>();
    const md = await (await upload(token, TEXT, 'notes.md')).json<Uploaded>();
    const id = await createConversation(token, { model: 'anthropic/claude-sonnet-5-5' });
    const spy = vi.spyOn(globalThis, 'fetch');
    const res = await call(`/api/conversations/${id}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: 'What are these? [[fake ttft=0 tps=0]]', attachments: [png.id, pdf.id, md.id] }),
    });
    expect(res.status).toBe(200);
    const events = await collectEvents(res.body!);
    expect(events.at(-1)?.event).toBe('done');

    const sent = spy.mock.calls
      .filter(([input]) => String(input instanceof Request ? input.url : input).includes('/anthropic'))
      .map(([, init]) => JSON.parse(String(init?.body)) as { messages: Array<{ content: unknown }> });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: btoa(String.fromCharCode(...PNG)) } },
      {
        type: 'document',
        title: 'paper.pdf',
        source: { type: 'base64', media_type: 'application/pdf', data: btoa(String.fromCharCode(...PDF)) },
      },
      { type: 'text', text: `notes.md\n\`\`\`\n${new TextDecoder().decode(TEXT)}\n\`\`\`` },
      { type: 'text', text: 'What are these? [[fake ttft=0 tps=0]]' },
    ]);

    const read = await (await call(`/api/conversations/${id}`, { token })).json<{
      messages: Array<{ role: string; attachments: Uploaded[] }>;
    }>();
    expect(read.messages[0]!.attachments).toEqual([png, pdf, md]);
    expect(read.messages[1]!.attachments).toEqual([]);

    // Behind: the message's attachments and the files' conversation in Postgres.
    const db = createDb(env);
    const stored = await eventually(
      () => db.select().from(messages).where(eq(messages.conversationId, id)),
      (rows) => rows.some((m) => m.role === 'user' && (m.attachments?.length ?? 0) === 3),
    );
    expect(stored.find((m) => m.role === 'user')!.attachments).toEqual([png, pdf, md]);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 3 && r.every((f) => f.conversationId === id),
    );
    expect(rows).toHaveLength(3);
  });

  it('refuses an id that is not one of your files (400 unknown_file), and more files than the plan allows', async () => {
    const owner = await signIn();
    const other = await signIn();
    const theirs = await (await upload(other.token, PNG, 'theirs.png')).json<Uploaded>();
    const id = await createConversation(owner.token);
    const send = (attachments: string[]) =>
      call(`/api/conversations/${id}/messages`, {
        method: 'POST',
        token: owner.token,
        body: JSON.stringify({ content: 'Look', attachments }),
      });
    for (const id of [theirs.id, 'no-such-file']) {
      const unknown = await send([id]);
      expect(unknown.status).toBe(400);
      expect((await unknown.json<ErrorEnvelope>()).error.code).toBe('unknown_file');
    }

    const mine = await Promise.all(
      ['a', 'b', 'c', 'd'].map(
        async (c) => (await (await upload(owner.token, new TextEncoder().encode(c), `${c}.txt`)).json<Uploaded>()).id,
      ),
    );
    const tooMany = await send(mine);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json<ErrorEnvelope>()).error.message).toContain('at most 3 files');
  });

  it('refuses, at the send, a file the chosen model cannot take: a GIF to Gemini (which reads none)', async () => {
    const owner = await signIn();
    const gif = await (await upload(owner.token, GIF, 'wave.gif')).json<Uploaded>();
    const id = await createConversation(owner.token);
    const send = (model: string) =>
      call(`/api/conversations/${id}/messages`, {
        method: 'POST',
        token: owner.token,
        body: JSON.stringify({ content: 'What is this? [[fake ttft=0 tps=0]]', attachments: [gif.id], model }),
      });
    const refused = await send('google/gemini-2.5-flash');
    expect(refused.status).toBe(400);
    expect((await refused.json<ErrorEnvelope>()).error).toMatchObject({
      code: 'model_cannot_read_file',
      message: expect.stringContaining('google/gemini-2.5-flash does not read GIF images (wave.gif)'),
    });
    // Nothing was stored: the same message to a Claude model is answered.
    const answered = await send('anthropic/claude-haiku-4-5');
    expect(answered.status).toBe(200);
    expect((await collectEvents(answered.body!)).at(-1)?.event).toBe('done');
  });
});

/** Sends `content` with `attachments` and reads the reply to its end. */
async function sendWith(token: string, conversationId: string, content: string, attachments: string[]) {
  const res = await call(`/api/conversations/${conversationId}/messages`, {
    method: 'POST',
    token,
    body: JSON.stringify({ content: `${content} [[fake ttft=0 tps=0]]`, attachments }),
  });
  expect(res.status).toBe(200);
  const events = await collectEvents(res.body!);
  expect(events.at(-1)?.event).toBe('done');
}

describe('lifecycle', () => {
  it('deleting a conversation deletes its files (R2 and rows) but not one another conversation still carries', async () => {
    const { token, userId } = await signIn();
    const only = await (await upload(token, PNG, 'only.png')).json<Uploaded>();
    const shared = await (await upload(token, PDF, 'shared.pdf')).json<Uploaded>();
    const doomed = await createConversation(token);
    const kept = await createConversation(token);
    await sendWith(token, doomed, 'Both', [only.id, shared.id]);
    await sendWith(token, kept, 'Again', [shared.id]);
    const db = createDb(env);
    await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (rows) => rows.length === 2 && rows.every((f) => f.conversationId !== null),
    );

    expect((await call(`/api/conversations/${doomed}`, { method: 'DELETE', token })).status).toBe(204);
    const left = await eventually(
      () => keysOf(userId),
      (keys) => keys.length === 1,
    );
    expect(left).toEqual([`users/${userId}/${shared.id}`]);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 1,
    );
    expect(rows[0]!.id).toBe(shared.id);
    expect((await call(only.url, { token })).status).toBe(404);
    expect((await call(shared.url, { token })).status).toBe(200);
    const usage = await (await call('/api/usage', { token })).json<{ storage: { usedBytes: number; files: number } }>();
    expect(usage.storage).toMatchObject({ usedBytes: PDF.length, files: 1 });

    // The last conversation carrying it goes: the file goes too.
    expect((await call(`/api/conversations/${kept}`, { method: 'DELETE', token })).status).toBe(204);
    expect(
      await eventually(
        () => keysOf(userId),
        (keys) => keys.length === 0,
      ),
    ).toEqual([]);
  });

  it('the orphan sweep deletes uploads never attached after a day, and objects nothing knows', async () => {
    const { token, userId } = await signIn();
    const unattached = await (await upload(token, GIF, 'never.gif')).json<Uploaded>();
    const attached = await (await upload(token, PNG, 'used.png')).json<Uploaded>();
    const conversation = await createConversation(token);
    await sendWith(token, conversation, 'Look', [attached.id]);
    const stray = 'f'.repeat(64);
    await env.FILES.put(`users/${userId}/${stray}`, PNG);
    const db = createDb(env);
    await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (rows) => rows.length === 2 && rows.some((f) => f.conversationId === conversation),
    );

    // An hour on, nothing is old enough.
    await sweepFiles(env, db, new Date(Date.now() + 60 * 60_000));
    expect(await keysOf(userId)).toHaveLength(3);

    const swept = await sweepFiles(env, db, new Date(Date.now() + 25 * 60 * 60_000));
    expect(swept.strays).toBeGreaterThanOrEqual(1);
    expect(
      await eventually(
        () => keysOf(userId),
        (keys) => keys.length === 1,
      ),
    ).toEqual([`users/${userId}/${attached.id}`]);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 1,
    );
    expect(rows[0]!.id).toBe(attached.id);
    expect((await call(unattached.url, { token })).status).toBe(404);
  });

  it('a send refused (quota) leaves its files unattached, so the sweep takes them', async () => {
    const { token, userId } = await signIn();
    await useUpFreeQuota(userId);
    const file = await (await upload(token, PNG, 'late.png')).json<Uploaded>();
    const conversation = await createConversation(token);
    const refused = await call(`/api/conversations/${conversation}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: 'Look', attachments: [file.id] }),
    });
    expect(refused.status).toBe(402);
    const db = createDb(env);
    await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (rows) => rows.length === 1,
    );
    await sweepFiles(env, db, new Date(Date.now() + 25 * 60 * 60_000));
    expect(
      await eventually(
        () => keysOf(userId),
        (keys) => keys.length === 0,
      ),
    ).toEqual([]);
  });

  it('the account export lists each file with its link', async () => {
    const { token, userId } = await signIn();
    const file = await (await upload(token, TEXT, 'notes.md')).json<Uploaded>();
    const db = createDb(env);
    await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (rows) => rows.length === 1,
    );
    const res = await call('/api/me/export', { token });
    expect(res.status).toBe(200);
    const exported = await res.json<{ files: Array<Record<string, unknown>> }>();
    expect(exported.files).toEqual([
      expect.objectContaining({ id: file.id, name: 'notes.md', kind: 'text', url: `${BASE}/api/files/${file.id}` }),
    ]);
  });
});
