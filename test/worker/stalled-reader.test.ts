// Issue 6, part 7: a client that stops reading its reply stream costs the room bounded memory and
// does not hold the reply up. Through the Worker, the ConversationRoom and the fake upstream.
import { afterEach, expect, it, vi } from 'vitest';
import { expectedReplyText } from '../../scripts/fake-upstreams/reply.ts';
import { call, createConversation, eventually, sendMessage, signIn } from './helpers.ts';

type StoredMessage = { role: string; status: string; content: string };

afterEach(() => vi.restoreAllMocks());

async function assistantMessage(token: string, conversationId: string) {
  const res = await call(`/api/conversations/${conversationId}`, { token });
  return (await res.json<{ messages: StoredMessage[] }>()).messages.find((m) => m.role === 'assistant');
}

it('finishes and saves a 20,000-token reply whose sender never reads the stream, dropping that reader', async () => {
  const warn = vi.spyOn(console, 'warn');
  const { token } = await signIn();
  const id = await createConversation(token, { model: 'anthropic/claude-haiku-4-5' });
  const res = await sendMessage(token, id, '[[fake tokens=20000 tps=0]] a very long answer');
  expect(res.status).toBe(200);

  const reply = await eventually(
    () => assistantMessage(token, id),
    (m) => m !== undefined && m.status !== 'streaming',
    20_000,
  );
  expect(reply).toMatchObject({ status: 'complete', content: expectedReplyText('anthropic', 20_000) });
  const drops = warn.mock.calls
    .map(([line]) => String(line))
    .filter((line) => line.includes('reader dropped: not reading'));
  // Logged inside the room, behind the request: with that request's id and the conversation (issue 19).
  expect(drops.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({
      level: 'warn',
      replyId: res.headers.get('x-message-id'),
      requestId: res.headers.get('x-request-id'),
      conversationId: id,
    }),
  ]);
  await expect(res.text()).rejects.toThrow();
});
