// Issue 24 with Postgres away: uploading, sending a message with files and reading it keep working
// (nothing on those paths waits on Postgres), and the files' rows and the message's attachments
// land once it is back. The database sits behind the outage suite's switch (see outage.test.ts).
import { env, exports } from 'cloudflare:workers';
import { runDurableObjectAlarm } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { files, messages } from '../../drizzle/schema.ts';
import { createDb } from '../../worker/db/client.ts';
import { conversationRoom } from '../../worker/chat/rooms.ts';
import { userLimiter } from '../../worker/usage/limiters.ts';
import { BASE, call, createConversation, eventually, signIn } from '../worker/helpers.ts';
import { collectEvents } from '../worker/sse.ts';

const faults = inject('dbFaultControlUrl');
const database = (change: { down: boolean }) => fetch(faults, { method: 'POST', body: JSON.stringify(change) });

afterEach(async () => {
  await database({ down: false });
});

const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type/Page>>endobj\n%%EOF\n');

async function upload(token: string, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.set('file', new File([bytes], name));
  const request = new Request(`${BASE}/api/files`, { method: 'POST', body: form });
  request.headers.set('authorization', `Bearer ${token}`);
  return exports.default.fetch(request);
}

describe('files while Postgres is down', () => {
  it('uploads, a send with attachments and its read all work; the rows land when Postgres is back', async () => {
    const { token, userId } = await signIn();
    await database({ down: true });
    // Postgres is away indeed: a list (which reads it) cannot be answered.
    expect((await call('/api/conversations', { token })).status).toBe(503);

    const png = await upload(token, PNG, 'dot.png');
    expect(png.status).toBe(201);
    const pdf = await upload(token, PDF, 'paper.pdf');
    expect(pdf.status).toBe(201);
    const ids = [(await png.json<{ id: string }>()).id, (await pdf.json<{ id: string }>()).id];

    const conversation = await createConversation(token);
    const res = await call(`/api/conversations/${conversation}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ content: 'What are these? [[fake ttft=0 tps=0]]', attachments: ids }),
    });
    expect(res.status).toBe(200);
    expect((await collectEvents(res.body!)).at(-1)?.event).toBe('done');
    const read = await (await call(`/api/conversations/${conversation}`, { token })).json<{
      messages: Array<{ attachments: Array<{ id: string }> }>;
    }>();
    expect(read.messages[0]!.attachments.map((a) => a.id)).toEqual(ids);
    const served = await call(`/api/files/${ids[0]}`, { token });
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG);

    await database({ down: false });
    // The retries a real outage would get later, now.
    await runDurableObjectAlarm(userLimiter(env, userId));
    await runDurableObjectAlarm(conversationRoom(env, conversation));
    const db = createDb(env);
    const rows = await eventually(
      () => db.select().from(files).where(eq(files.userId, userId)),
      (r) => r.length === 2 && r.every((f) => f.conversationId === conversation),
      15_000,
    );
    expect(rows.map((f) => f.name).sort()).toEqual(['dot.png', 'paper.pdf']);
    const stored = await eventually(
      () => db.select().from(messages).where(eq(messages.conversationId, conversation)),
      (m) => m.some((row) => row.role === 'user' && row.attachments?.length === 2),
      15_000,
    );
    expect(stored.find((m) => m.role === 'user')!.attachments!.map((a) => a.id)).toEqual(ids);
  });
});
