// The fake Anthropic upstream's tool use and structured outputs, read by @anthropic-ai/sdk's own
// helpers (the streaming accumulator and the plain JSON reply) rather than by Parley's adapter, so
// the fake is shown to speak the protocol and not only what Parley happens to read.
import Anthropic from '@anthropic-ai/sdk';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { startFakeUpstreams } from '../../scripts/fake-upstreams.ts';
import { argumentsFor } from '../../scripts/fake-upstreams/tool-reply.ts';

let fakes: FakeUpstreams;
let anthropic: Anthropic;

beforeAll(async () => {
  fakes = await startFakeUpstreams({ port: 0 });
  anthropic = new Anthropic({ apiKey: 'test-key', baseURL: `${fakes.url}/anthropic`, maxRetries: 0 });
});

afterAll(() => fakes?.close());

const weather = {
  name: 'get_weather',
  input_schema: {
    type: 'object' as const,
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['location', 'unit'],
  },
};
const params = (text: string) => ({
  model: 'claude-test',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: `${text} [[fake ttft=0 tps=0]]` }],
});

describe('fake Anthropic tool use', () => {
  it("streams calls the SDK's accumulator turns into tool_use blocks whose input follows the schema", async () => {
    const message = await anthropic.messages
      .stream({ ...params('Weather? [[fake tools=2]]'), tools: [weather] })
      .finalMessage();
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01\w{22}$/),
        name: 'get_weather',
        input: argumentsFor(weather.input_schema),
      },
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01\w{22}$/),
        name: 'get_weather',
        input: argumentsFor(weather.input_schema),
      },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('answers without streaming with tool_use blocks, and one call when parallel use is disabled', async () => {
    const message = await anthropic.messages.create({
      ...params('Weather? [[fake tools=2]]'),
      tools: [weather],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.any(String),
        name: 'get_weather',
        input: { location: 'fake-location', unit: 'celsius' },
      },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('answers a structured-output request with the JSON text of its schema', async () => {
    const message = await anthropic.messages.create({
      ...params('As JSON'),
      output_config: { format: { type: 'json_schema', schema: weather.input_schema } },
    });
    expect(message.content).toEqual([{ type: 'text', text: '{"location":"fake-location","unit":"celsius"}' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('replays the documented tool-use stream byte for byte for documented=1 when the request offers tools', async () => {
    const fixture = await readFile(
      new URL('../../scripts/fake-upstreams/documented/anthropic-tools.sse', import.meta.url),
    );
    const response = await fetch(`${fakes.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ ...params('[[fake documented=1]]'), tools: [weather], stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(Buffer.from(await response.arrayBuffer()).equals(fixture)).toBe(true);
  });
});
