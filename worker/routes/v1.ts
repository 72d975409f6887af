// The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`, authenticated by
// API key, errors in OpenAI's shape (middleware/errors.ts). Stateless: a completion is admitted,
// streamed and settled without a conversation and without a Postgres round trip.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.ts';
import { apiKeyCredential, bearerToken, noteKeyUsed, requireApiKey } from '../auth/index.ts';
import { completionFailure, startCompletion } from '../chat/completion.ts';
import { KEEPALIVE, SSE_HEADERS } from '../chat/events.ts';
import { AppError } from '../errors.ts';
import { availableModels, findModel } from '../providers/registry.ts';
import { openAiError } from '../openai/errors.ts';
import { chatCompletionBody, toCompletionRequest } from '../openai/request.ts';
import { DONE, chunkWriter, completionBody } from '../openai/response.ts';
import { validate } from '../validation.ts';

/** Prompts can be long (a million-token context is ~4 MB of text). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const KEEPALIVE_MS = 15_000;
/** Models have no creation date in Parley's registry; OpenAI's list wants one. */
const LISTED_AT = Math.floor(Date.UTC(2026, 0, 1) / 1000);

export const v1 = new Hono<AppEnv>()
  .get('/models', requireApiKey, (c) => c.json({
    object: 'list' as const,
    data: availableModels(c.env).map((m) => ({ id: m.id, object: 'model' as const, created: LISTED_AT, owned_by: m.provider })),
  }))

  .post(
    '/chat/completions',
    // The key's form is checked first, so a request without one is told so before anything else.
    async (c, next) => {
      c.set('credential', await apiKeyCredential(bearerToken(c)));
      await next();
    },
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new AppError(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`); } }),
    validate('json', chatCompletionBody),
    async (c) => {
      const body = c.req.valid('json');
      const model = findModel(c.env, body.model);
      if (!model) throw new AppError(404, 'model_not_found', `The model '${body.model}' does not exist or is not offered here: GET /v1/models lists them`, { param: 'model' });
      const request = toCompletionRequest(body, model);
      const id = crypto.randomUUID();
      const created = Math.floor(Date.now() / 1000);
      const abort = new AbortController();
      const writer = chunkWriter(id, created, model.id, request.includeUsage);

      let stream!: ReadableStreamDefaultController<Uint8Array>;
      // A client that leaves cancels the stream, and the vendor call with it (nobody else would read it).
      const events = new ReadableStream<Uint8Array>({ start: (controller) => void (stream = controller), cancel: () => abort.abort() });
      const send = (bytes: Uint8Array) => {
        if (!abort.signal.aborted) stream.enqueue(bytes);
      };
      let sentText = false;
      let firstText!: () => void;
      const first = new Promise<void>((resolve) => (firstText = resolve));

      const completion = await startCompletion(c.env, { id, credential: c.var.credential, model, ...request, signal: abort.signal }, (event) => {
        if (event.event !== 'delta' || !request.stream) return;
        send(writer.text(event.data.text));
        sentText = true;
        firstText();
      });
      c.executionCtx.waitUntil(completion.settled);
      noteKeyUsed(c.var.db, completion.keyId, (p) => c.executionCtx.waitUntil(p));

      if (!request.stream) {
        const outcome = await completion.outcome;
        if (outcome.status === 'error') throw completionFailure(outcome);
        return c.json(completionBody(id, created, outcome));
      }

      // Headers wait for the first token, so a failure before it still gets its own status.
      await Promise.race([first, completion.outcome]);
      if (!sentText) {
        const outcome = await completion.outcome;
        if (outcome.status === 'error') throw completionFailure(outcome);
      }
      const keepalive = setInterval(() => send(KEEPALIVE), KEEPALIVE_MS);
      void completion.outcome.then((outcome) => {
        clearInterval(keepalive);
        if (abort.signal.aborted) return;
        // A failure after text has been sent: OpenAI's in-stream error event, which the SDKs raise.
        if (outcome.status === 'error') send(writer.error(openAiError(completionFailure(outcome)).body));
        else [...writer.end(outcome), DONE].forEach(send);
        stream.close();
      });
      return new Response(events, { headers: SSE_HEADERS });
    },
  );
