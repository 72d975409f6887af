// OpenAI's Responses API at /v1/responses, stateless: the `openai` SDK's `responses.create`,
// `responses.stream` and `responses.parse` work unmodified with a Parley API key, on every model.
// The same reserve → run → settle as /v1/chat/completions; errors in OpenAI's shape.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { apiKeyCredential, apiKeyToken } from '../auth/index.ts';
import { answerCompletion } from '../chat/answer-completion.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { offeredModel } from '../openai/request.ts';
import { responsesBody, toResponsesRequest } from '../openai/responses-request.ts';
import { requestEcho, responseBody, responseEventWriter } from '../openai/responses-response.ts';
import { validate } from '../validation.ts';
import { describe } from '../openapi/describe.ts';
import { openAiErrorSchema, responseObjectSchema } from '../schemas/openai.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const error = (description: string) => ({ description, schema: openAiErrorSchema });

export const responses = new Hono<AppEnv>().post(
  '/',
  describe({
    tag: 'openai',
    security: ['apiKey'],
    errorSchema: openAiErrorSchema,
    summary:
      'OpenAI Responses, stateless (store: false): text, function tools, images and structured output on every model; previous_response_id is refused (Parley keeps no response)',
    responses: {
      200: {
        description:
          'A response; with `stream: true`, server-sent events response.created … response.completed (a failure after the first token arrives as an `error` event)',
        schema: responseObjectSchema,
        eventStream: true,
        headers: { 'x-parley-cost-usd': "A response not streamed: Parley's charge for it in US dollars" },
      },
      400: error('A bad or unsupported parameter, named in `param`'),
      401: error('Missing or unknown API key (invalid_api_key)'),
      403: error('The model is not in your plan (model_not_in_plan)'),
      404: error('No such model (model_not_found)'),
      429: error('Too many requests, or the quota is used up (insufficient_quota)'),
      502: error("The model's provider failed (upstream_error)"),
    },
  }),
  async (c, next) => {
    c.set('credential', await apiKeyCredential(apiKeyToken(c)));
    await next();
  },
  limitBody(MAX_BODY_BYTES),
  validate('json', responsesBody),
  async (c) => {
    const body = c.req.valid('json');
    const model = offeredModel(c.env, body.model);
    const request = toResponsesRequest(body, model);
    const id = crypto.randomUUID();
    const created = Math.floor(Date.now() / 1000);
    const echo = requestEcho(body);
    return answerCompletion(
      c,
      { id, credential: c.var.credential, model, ...request },
      {
        writer: () => responseEventWriter(id, created, model.id, echo),
        body: (outcome) => responseBody(id, created, model.id, echo, outcome),
      },
    );
  },
);
