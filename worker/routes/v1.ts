// The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`, authenticated by
// API key, errors in OpenAI's shape (middleware/errors.ts). Stateless: a completion is admitted,
// streamed and settled (reserve → run → settle) without a conversation and without a Postgres round trip.
import { Hono } from 'hono';
import { limitBody } from '../middleware/body-limit.ts';
import type { AppEnv } from '../env.ts';
import { apiKeyCredential, bearerToken, noteKeyUsed, requireApiKey } from '../auth/index.ts';
import { completionFailure, startCompletion } from '../chat/completion.ts';
import { SSE_HEADERS } from '../chat/events.ts';
import { AppError } from '../errors.ts';
import { availableModels, findModel } from '../providers/registry.ts';
import { chatCompletionBody, toCompletionRequest } from '../openai/request.ts';
import { chunkWriter, completionBody } from '../openai/response.ts';
import { completionStream } from '../openai/stream.ts';
import { validate } from '../validation.ts';

/** Prompts can be long (a million-token context is ~4 MB of text). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Models have no creation date in Parley's registry; OpenAI's list wants one. */
const LISTED_AT = Math.floor(Date.UTC(2026, 0, 1) / 1000);

export const v1 = new Hono<AppEnv>()
  .get('/models', requireApiKey, (c) =>
    c.json({
      object: 'list' as const,
      data: availableModels(c.env).map((m) => ({
        id: m.id,
        object: 'model' as const,
        created: LISTED_AT,
        owned_by: m.provider,
      })),
    }),
  )

  .post(
    '/chat/completions',
    // The key's form is checked first, so a request without one is told so before anything else.
    async (c, next) => {
      c.set('credential', await apiKeyCredential(bearerToken(c)));
      await next();
    },
    limitBody(MAX_BODY_BYTES),
    validate('json', chatCompletionBody),
    async (c) => {
      const body = c.req.valid('json');
      const model = findModel(c.env, body.model);
      if (!model)
        throw new AppError(
          404,
          'model_not_found',
          `The model '${body.model}' does not exist or is not offered here: GET /v1/models lists them`,
          { param: 'model' },
        );
      const request = toCompletionRequest(body, model);
      const id = crypto.randomUUID();
      const created = Math.floor(Date.now() / 1000);
      const stream = request.stream
        ? completionStream(chunkWriter(id, created, model.id, request.includeUsage))
        : undefined;

      const completion = await startCompletion(
        c.env,
        { id, credential: c.var.credential, model, ...request, signal: stream?.signal ?? new AbortController().signal },
        (event) => stream?.onEvent(event),
      );
      c.executionCtx.waitUntil(completion.billed);
      noteKeyUsed(c.var.db, completion.keyId, (p) => c.executionCtx.waitUntil(p));

      if (stream) return new Response(await stream.open(completion.outcome), { headers: SSE_HEADERS });
      const outcome = await completion.outcome;
      if (outcome.status === 'error') throw completionFailure(outcome);
      return c.json(completionBody(id, created, outcome));
    },
  );
