// The fake Sentry ingest stands for sentry.io in the sentry suite, so it must read envelopes as
// Sentry's documentation defines them (develop.sentry.dev, "Envelopes") and answer as Sentry does.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSentry } from '../../scripts/fake-sentry.ts';

let sentry: Awaited<ReturnType<typeof startFakeSentry>>;

beforeAll(async () => {
  sentry = await startFakeSentry();
});
afterAll(() => sentry?.close());
beforeEach(() => fetch(`${sentry.url}/__control/envelopes`, { method: 'DELETE' }));

const dsn = () => new URL(sentry.dsn);
const endpoint = (query = `?sentry_version=7&sentry_key=${dsn().username}`) =>
  `${sentry.url}/api${dsn().pathname}/envelope/${query}`;

const eventId = '9ec79c33ec9942ab8353589fcb2e04dc';
// The documentation's example: an event item without a length (to the newline), then an
// attachment with one, whose payload contains a newline of its own.
const attachment = '\xef\xbb\xbfHello\r\n';
const envelopeText = (header: Record<string, unknown> = { event_id: eventId }) =>
  [
    JSON.stringify(header),
    JSON.stringify({ type: 'event' }),
    JSON.stringify({ event_id: eventId, message: 'hello', level: 'error' }),
    JSON.stringify({ type: 'attachment', length: Buffer.byteLength(attachment), filename: 'hello.txt' }),
    attachment,
  ].join('\n');
const envelope = envelopeText();

describe('fake Sentry ingest', () => {
  it('accepts an envelope with items with and without a length, and answers {id}', async () => {
    const res = await fetch(endpoint(), { method: 'POST', body: envelope });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: eventId });
    const [received] = sentry.envelopes();
    expect(received!.header.event_id).toBe(eventId);
    expect(received!.items.map((i) => i.header.type)).toEqual(['event', 'attachment']);
    expect(received!.items[1]!.payload).toBe(attachment);
    expect(sentry.events()).toEqual([{ event_id: eventId, message: 'hello', level: 'error' }]);
  });

  it("takes the key from the envelope header's dsn when nothing else carries it", async () => {
    const res = await fetch(endpoint(''), {
      method: 'POST',
      body: envelopeText({ event_id: eventId, dsn: sentry.dsn }),
    });
    expect(res.status).toBe(200);
  });

  it('reads a gzip-encoded body, and the key from X-Sentry-Auth', async () => {
    const res = await fetch(endpoint(''), {
      method: 'POST',
      body: gzipSync(envelope),
      headers: {
        'content-encoding': 'gzip',
        'x-sentry-auth': `Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=${dsn().username}`,
      },
    });
    expect(res.status).toBe(200);
    expect(sentry.envelopes()).toHaveLength(1);
  });

  it('refuses a wrong key, a missing key, another project and a malformed envelope', async () => {
    expect((await fetch(endpoint('?sentry_key=wrong'), { method: 'POST', body: envelope })).status).toBe(403);
    expect((await fetch(endpoint(''), { method: 'POST', body: envelope })).status).toBe(401);
    const other = `${sentry.url}/api/999/envelope/?sentry_key=${dsn().username}`;
    expect((await fetch(other, { method: 'POST', body: envelope })).status).toBe(404);
    const bad = await fetch(endpoint(), { method: 'POST', body: '{"event_id":"x"}\n{"length":2}\nxx' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ detail: expect.stringContaining('invalid envelope') });
    expect(sentry.envelopes()).toHaveLength(0);
  });
});
