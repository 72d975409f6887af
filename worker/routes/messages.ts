// Anthropic's Messages API at /v1/messages: @anthropic-ai/sdk and the tools built on it (Claude
// Code with ANTHROPIC_BASE_URL) work unmodified with a Parley API key, sent as `x-api-key` or a
// Bearer token. Claude models answer, and so do the others, translated. The same stateless
// reserve → run → settle as /v1/chat/completions; errors in Anthropic's shape (middleware/errors.ts).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { apiKeyCredential, apiKeyToken, requireApiKey } from '../auth/index.ts';
import { answerCompletion } from '../chat/answer-completion.ts';
import { estimatePromptTokens } from '../chat/prompt.ts';
import { AppError } from '../errors.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { findModel, type ModelInfo } from '../providers/registry.ts';
import { messagesBody, toMessagesRequest } from '../anthropic-api/request.ts';
import { eventWriter, messageBody } from '../anthropic-api/response.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import { anthropicErrorSchema, anthropicMessageSchema, countTokensSchema } from '../schemas/anthropic.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const messagesApi = { tag: 'anthropic', security: ['apiKey'], errorSchema: anthropicErrorSchema } as const;
const error = (description: string) => ({ description, schema: anthropicErrorSchema });

/** The API version every Anthropic client sends, required as Anthropic requires it. */
function checkVersion(c: Context<AppEnv>) {
  if (!c.req.header('anthropic-version'))
    throw new AppError(400, 'invalid_request', 'anthropic-version: header is required');
}

/** A Parley model id, or a vendor's own name for one of its models (`claude-sonnet-5-5`), as Anthropic's clients send it. */
function modelFor(c: Context<AppEnv>, name: string): ModelInfo {
  const model =
    findModel(c.env, name) ??
    findModel(c.env, `anthropic/${name}`) ??
    ['openai', 'google'].map((vendor) => findModel(c.env, `${vendor}/${name}`)).find(Boolean);
  if (!model) throw new AppError(404, 'model_not_found', `model: ${name} (GET /v1/models lists the models on offer)`);
  return model;
}

export const messages = new Hono<AppEnv>()
  .post(
    '/',
    describe({
      ...messagesApi,
      summary:
        "Anthropic Messages: point @anthropic-ai/sdk or Claude Code (ANTHROPIC_BASE_URL) at Parley with a Parley API key; every model answers, Claude's natively",
      responses: {
        200: {
          description:
            'A message; with `stream: true`, server-sent events message_start … message_stop (a failure after the first token arrives as an `error` event)',
          schema: anthropicMessageSchema,
          eventStream: true,
          headers: { 'x-parley-cost-usd': "A message not streamed: Parley's charge for it in US dollars" },
        },
        400: error('A bad or unsupported parameter (invalid_request_error)'),
        401: error('Missing or unknown API key (authentication_error)'),
        402: error("This month's quota is used up (billing_error)"),
        403: error('The model is not in your plan (permission_error)'),
        404: error('No such model (not_found_error)'),
        429: error('Too many requests or streams for your plan (rate_limit_error; retry after Retry-After)'),
        529: error('The model is busy at its provider, and its fallbacks too (overloaded_error)'),
      },
    }),
    // The key's form first (its owner's Limiter verifies it when the reply is reserved), then the version.
    async (c, next) => {
      c.set('credential', await apiKeyCredential(apiKeyToken(c)));
      checkVersion(c);
      await next();
    },
    limitBody(MAX_BODY_BYTES),
    validate('json', messagesBody),
    async (c) => {
      const body = c.req.valid('json');
      const model = modelFor(c, body.model);
      const request = toMessagesRequest(body, model);
      const id = crypto.randomUUID();
      return answerCompletion(
        c,
        { id, credential: c.var.credential, model, ...request },
        {
          writer: () =>
            eventWriter(id, body.model, estimatePromptTokens(request.messages, request.system, request.tools)),
          body: (outcome) => messageBody(id, body.model, outcome),
        },
      );
    },
  )
  .post(
    '/count_tokens',
    describe({
      ...messagesApi,
      summary: "Anthropic's token count for a Messages request: Parley's estimate, the one quotas reserve with",
      responses: { 200: { description: 'The estimate', schema: countTokensSchema }, 400: error('A bad request') },
    }),
    requireApiKey,
    async (c, next) => {
      checkVersion(c);
      await next();
    },
    validate(
      'json',
      messagesBody.omit({ max_tokens: true }).extend({ max_tokens: messagesBody.shape.max_tokens.optional() }),
    ),
    (c) => {
      const body = c.req.valid('json');
      const model = modelFor(c, body.model);
      const request = toMessagesRequest({ ...body, max_tokens: body.max_tokens ?? 1 }, model);
      return c.json({ input_tokens: estimatePromptTokens(request.messages, request.system, request.tools) });
    },
  );
