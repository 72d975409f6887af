// The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`, authenticated by
// API key, errors in OpenAI's shape (middleware/errors.ts). Stateless: a completion is admitted,
// streamed and settled (reserve → run → settle) without a conversation and without a Postgres round trip.
import { Hono } from 'hono';
import { limitBody } from '../middleware/body-limit.ts';
import type { AppEnv } from '../env.ts';
import { apiKeyCredential, bearerToken, requireApiKey } from '../auth/index.ts';
import { SSE_HEADERS } from '../chat/events.ts';
import { availableModels } from '../providers/registry.ts';
import { chatCompletionBody, offeredModel, toCompletionRequest } from '../openai/request.ts';
import { chunkWriter, completionBody } from '../openai/response.ts';
import { answerCompletion } from '../chat/answer-completion.ts';
import { resumableCompletion } from '../chat/resumable.ts';
import { validate } from '../validation.ts';
import { describe, type ResponseDescription } from '../openapi/describe.ts';
import {
  chatCompletionChunkSchema,
  chatCompletionSchema,
  openAiErrorSchema,
  openAiModelListSchema,
} from '../schemas/openai.ts';

/** Prompts can be long (a million-token context is ~4 MB of text). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Models have no creation date in Parley's registry; OpenAI's list wants one. */
const LISTED_AT = Math.floor(Date.UTC(2026, 0, 1) / 1000);

const openAiApi = { tag: 'openai', security: ['apiKey'], errorSchema: openAiErrorSchema } as const;
const openAiError = (description: string, headers?: Record<string, string>): ResponseDescription => ({
  description,
  schema: openAiErrorSchema,
  ...(headers ? { headers } : {}),
});
const invalidKey = openAiError('Missing, malformed, unknown or revoked API key (invalid_api_key)');

export const v1 = new Hono<AppEnv>()
  .get(
    '/models',
    describe({
      ...openAiApi,
      summary: "Models on offer, in OpenAI's list format",
      responses: {
        200: { description: 'Models', schema: openAiModelListSchema },
        401: invalidKey,
        503: openAiError('The key cannot be checked right now (auth_unavailable)'),
      },
    }),
    requireApiKey,
    (c) =>
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
    describe({
      ...openAiApi,
      summary:
        'OpenAI Chat Completions: point an OpenAI SDK at /v1 with a Parley API key. Parameters that would change the answer and cannot be honoured on every model are refused by name, never ignored',
      responses: {
        200: {
          description:
            'A chat.completion; with `stream: true`, server-sent chat.completion.chunk events ending with `data: [DONE]` (a failure after the first token arrives as one `data: {"error": …}` event)',
          schema: chatCompletionSchema,
          eventStream: chatCompletionChunkSchema,
          headers: {
            'x-parley-cost-usd':
              "A completion not streamed: Parley's charge for it in US dollars (a stream has it in its usage chunk, `usage.cost`)",
          },
        },
        400: openAiError(
          'A bad or unsupported parameter, named in `param`; code context_length_exceeded when the messages do not fit the model',
        ),
        401: invalidKey,
        403: openAiError('The model is not in your plan (model_not_in_plan)'),
        404: openAiError('No such model: GET /v1/models lists them (model_not_found)'),
        413: openAiError('Request body over 10 MB (payload_too_large)'),
        429: openAiError(
          "Too many requests or streams for your plan, or what is left of the quota is held by replies in progress (type requests, code rate_limit_exceeded: retry after Retry-After); or too little of this month's quota is left for the request (insufficient_quota: do not retry)",
          {
            'Retry-After': 'Seconds until a request can pass (rate_limit_exceeded)',
            'x-should-retry': '"false" when the quota is used up, so OpenAI\'s SDKs do not retry',
          },
        ),
        502: openAiError("The model's provider failed (upstream_error)"),
        503: openAiError(
          'The model is busy at its provider, and its fallbacks too (upstream_overloaded); or the key or your limits cannot be checked right now (auth_unavailable, limits_unavailable)',
        ),
        504: openAiError('The model stopped responding (upstream_timeout)'),
      },
    }),
    // The key's form is checked first, so a request without one is told so before anything else.
    async (c, next) => {
      c.set('credential', await apiKeyCredential(bearerToken(c)));
      await next();
    },
    limitBody(MAX_BODY_BYTES),
    validate('json', chatCompletionBody),
    async (c) => {
      const body = c.req.valid('json');
      const model = offeredModel(c.env, body.model);
      const request = toCompletionRequest(body, model);
      const id = crypto.randomUUID();
      const created = Math.floor(Date.now() / 1000);
      const idempotencyKey = c.req.header('idempotency-key');
      if (request.stream && idempotencyKey !== undefined) {
        const resumed = await resumableCompletion(c.env, {
          idempotencyKey,
          lastEventId: c.req.header('last-event-id'),
          body,
          completion: { id, credential: c.var.credential, model, ...request },
          chunks: { created, includeUsage: request.includeUsage },
        });
        return new Response(resumed, { headers: { ...SSE_HEADERS, 'idempotency-key': idempotencyKey } });
      }
      return answerCompletion(
        c,
        { id, credential: c.var.credential, model, ...request },
        {
          writer: () => chunkWriter(id, created, model.id, request.includeUsage),
          body: (outcome) => completionBody(id, created, outcome),
        },
      );
    },
  );
