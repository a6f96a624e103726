import type { CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, relayCall, structured } from './fixtures/harness';

const PNG = Buffer.from('fake png bytes').toString('base64');
const WAV = Buffer.from('fake wav bytes').toString('base64');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function sampleWith(
  answer: CreateMessageResult,
  request: Record<string, unknown> = {
    messages: [{ role: 'user', content: { type: 'text', text: 'Hello, world!' } }],
    maxTokens: 10,
  },
) {
  h = await harness({ sampling: () => answer });
  const result = await relayCall(h.front, 'sample', { request });
  return structured(result).result as CreateMessageResult;
}

describe('sampling forwarding', () => {
  it('passes every request field to the front, one by one', async () => {
    h = await harness();
    const request = {
      messages: [
        { role: 'user', content: { type: 'text', text: 'Hello, world!' } },
        { role: 'assistant', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'audio', data: WAV, mimeType: 'audio/wav' } },
      ],
      systemPrompt: 'You are terse.',
      temperature: 0.5,
      maxTokens: 100,
      stopSequences: ['\n\n', 'END'],
      modelPreferences: {
        hints: [{ name: 'gpt-4o' }, { name: 'claude' }],
        costPriority: 0.2,
        speedPriority: 0.3,
        intelligencePriority: 0.9,
      },
      includeContext: 'thisServer',
      metadata: { trace: 'abc-123', nested: { depth: 2, list: [1, 2] } },
    };
    await relayCall(h.front, 'sample', { request });
    expect(h.front.sampled).toHaveLength(1);
    const got = h.front.sampled[0]!;
    expect(got.messages).toEqual(request.messages);
    expect(got.systemPrompt).toBe('You are terse.');
    expect(got.temperature).toBe(0.5);
    expect(got.maxTokens).toBe(100);
    expect(got.stopSequences).toEqual(['\n\n', 'END']);
    expect(got.modelPreferences).toEqual(request.modelPreferences);
    expect(got.includeContext).toBe('thisServer');
    expect(got.metadata).toEqual({ trace: 'abc-123', nested: { depth: 2, list: [1, 2] } });
    expect(got.tools).toBeUndefined();
    expect(got._meta?.progressToken).toBeUndefined();
  });

  it('passes tools and toolChoice to a front declaring sampling.tools, and its tool use back', async () => {
    const answer: CreateMessageResult = {
      role: 'assistant',
      model: 'tool-model-7',
      stopReason: 'toolUse',
      content: [
        { type: 'text', text: 'Let me look that up.' },
        { type: 'tool_use', id: 'call-1', name: 'lookup', input: { city: 'Paris' } },
      ] as unknown as CreateMessageResult['content'],
    };
    h = await harness({ sampling: () => answer });
    const tools = [
      {
        name: 'lookup',
        description: 'Looks a city up',
        inputSchema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ];
    const request = {
      messages: [{ role: 'user', content: { type: 'text', text: 'Weather in Paris?' } }],
      maxTokens: 50,
      tools,
      toolChoice: { mode: 'required' },
    };
    const result = structured(await relayCall(h.front, 'sample', { request }))
      .result as CreateMessageResult;
    const got = h.front.sampled[0]!;
    expect(got.tools).toEqual(tools);
    expect(got.toolChoice).toEqual({ mode: 'required' });
    expect(result.model).toBe('tool-model-7');
    expect(result.stopReason).toBe('toolUse');
    expect(result.content).toEqual(answer.content);
  });

  it('passes tool_use and tool_result content blocks of the conversation to the front unchanged', async () => {
    h = await harness();
    const messages = [
      { role: 'user', content: { type: 'text', text: 'Weather in Paris?' } },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look that up.' },
          {
            type: 'tool_use',
            id: 'call-1',
            name: 'lookup',
            input: { city: 'Paris', units: { temperature: 'C' } },
            _meta: { 'example.com/latency': 12 },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolUseId: 'call-1',
            content: [
              { type: 'text', text: '18°C, sunny' },
              { type: 'image', data: PNG, mimeType: 'image/png' },
            ],
            structuredContent: { temperature: 18, sky: 'sunny' },
            isError: false,
          },
        ],
      },
    ];
    const tools = [
      {
        name: 'lookup',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const request = { messages, maxTokens: 50, tools, toolChoice: { mode: 'auto' } };
    await relayCall(h.front, 'sample', { request });
    expect(h.front.sampled).toHaveLength(1);
    const got = h.front.sampled[0]!;
    expect(got.messages).toEqual(messages);
    expect(got.tools).toEqual(tools);
    expect(got.toolChoice).toEqual({ mode: 'auto' });
  });

  it('returns the front’s model and stop reason unchanged', async () => {
    const result = await sampleWith({
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      stopReason: 'stopSequence',
      content: { type: 'text', text: 'I love proxies' },
    });
    expect(result.model).toBe('claude-sonnet-4-5-20250929');
    expect(result.stopReason).toBe('stopSequence');
    expect(result.role).toBe('assistant');
    expect(result.content).toEqual({ type: 'text', text: 'I love proxies' });
  });

  it('returns a provider-specific stop reason and the result’s _meta', async () => {
    const result = await sampleWith({
      role: 'assistant',
      model: 'm',
      stopReason: 'content_filter',
      content: { type: 'text', text: '' },
      _meta: { 'example.com/usage': { tokens: 12 } },
    });
    expect(result.stopReason).toBe('content_filter');
    expect(result._meta).toEqual({ 'example.com/usage': { tokens: 12 } });
  });

  it('returns image content unchanged', async () => {
    const result = await sampleWith({
      role: 'assistant',
      model: 'painter',
      stopReason: 'endTurn',
      content: { type: 'image', data: PNG, mimeType: 'image/png' },
    });
    expect(result.content).toEqual({ type: 'image', data: PNG, mimeType: 'image/png' });
    expect(result.model).toBe('painter');
  });

  it('returns audio content unchanged', async () => {
    const result = await sampleWith({
      role: 'assistant',
      model: 'singer',
      stopReason: 'maxTokens',
      content: { type: 'audio', data: WAV, mimeType: 'audio/wav' },
    });
    expect(result.content).toEqual({ type: 'audio', data: WAV, mimeType: 'audio/wav' });
    expect(result.stopReason).toBe('maxTokens');
  });

  it('passes the front’s refusal back to the backend as an error', async () => {
    h = await harness({
      sampling: () => {
        throw new Error('User rejected sampling');
      },
    });
    const call = relayCall(h.front, 'sample', {
      request: { messages: [{ role: 'user', content: { type: 'text', text: 'x' } }], maxTokens: 1 },
    });
    // The backend tool fails with the front's JSON-RPC error, which passes back unchanged.
    await expect(call).rejects.toThrow(/User rejected sampling/);
    expect(h.front.sampled).toHaveLength(1);
  });
});
