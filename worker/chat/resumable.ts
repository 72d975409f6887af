// A streamed /v1 completion sent with an Idempotency-Key runs in the key owner's ResumableReply
// object for that key (durable-objects/resumable-reply.ts): sent again after a dropped connection,
// with the same key and Last-Event-ID, the same request gets the rest of the same stream.
import { AppError } from '../errors.ts';
import type { CompletionInput } from './completion.ts';

/** Printable ASCII, as Stripe and the IETF draft take idempotency keys. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export async function resumableCompletion(
  env: Pick<Env, 'RESUMABLE_REPLY'>,
  input: {
    idempotencyKey: string;
    lastEventId: string | undefined;
    /** The request as validated: its hash tells a retry from another request under the same key. */
    body: unknown;
    completion: Omit<CompletionInput, 'signal'>;
    chunks: { created: number; includeUsage: boolean };
  },
): Promise<ReadableStream<Uint8Array>> {
  if (!KEY_PATTERN.test(input.idempotencyKey))
    throw new AppError(400, 'invalid_request', 'Idempotency-Key: 1 to 255 printable ASCII characters, no spaces', {
      param: 'Idempotency-Key',
    });
  const afterSeq = input.lastEventId === undefined ? 0 : Number(input.lastEventId);
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
    throw new AppError(400, 'invalid_request', 'Last-Event-ID: the id of the last event received, a whole number', {
      param: 'Last-Event-ID',
    });
  const { userId } = input.completion.credential;
  const stub = env.RESUMABLE_REPLY.get(env.RESUMABLE_REPLY.idFromName(`${userId}:${input.idempotencyKey}`));
  const result = await stub.start({
    fingerprint: await sha256(JSON.stringify(input.body)),
    completion: input.completion,
    chunks: input.chunks,
    afterSeq,
  });
  if (!result.ok)
    throw new AppError(result.status, result.code, result.message, {
      ...(result.headers ? { headers: result.headers } : {}),
      ...(result.param ? { param: result.param } : {}),
    });
  return result.stream;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
