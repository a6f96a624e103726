import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import {
  completionFromValues,
  definePrompt,
  defineResourceTemplate,
  ProviderServer,
} from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, mcpError } from './helpers';

const CITIES = ['Paris', 'Parma', 'Porto', 'Prague'];

function completionServer() {
  return new ProviderServer({ name: 'complete' }).add(
    definePrompt({
      name: 'trip',
      args: z.object({ from: z.string(), to: z.string() }),
      complete: {
        to: (value, request) =>
          CITIES.filter((c) => c.startsWith(value) && c !== request.arguments?.from),
      },
      render: ({ from, to }) => `${from} to ${to}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'weather://{city}/{day}',
      name: 'weather',
      complete: {
        city: (value) => CITIES.filter((c) => c.toLowerCase().startsWith(value.toLowerCase())),
        day: () => Array.from({ length: 150 }, (_, i) => `day${i}`),
      },
      read: ({ city }) => city ?? '',
    }),
  );
}

describe('completion through a ProviderServer', () => {
  it('completes a prompt argument, seeing the arguments already given', async () => {
    await using c = await connectInMemory(completionServer());
    const result = await c.client.complete({
      ref: { type: 'ref/prompt', name: 'trip' },
      argument: { name: 'to', value: 'Pa' },
      context: { arguments: { from: 'Paris' } },
    });
    expect(result.completion).toEqual({ values: ['Parma'], total: 1, hasMore: false });
  });

  it('completes a template variable', async () => {
    await using c = await connectInMemory(completionServer());
    const result = await c.client.complete({
      ref: { type: 'ref/resource', uri: 'weather://{city}/{day}' },
      argument: { name: 'city', value: 'p' },
    });
    expect(result.completion.values).toEqual(CITIES);
  });

  it('keeps at most 100 values and says there are more', async () => {
    await using c = await connectInMemory(completionServer());
    const { completion } = await c.client.complete({
      ref: { type: 'ref/resource', uri: 'weather://{city}/{day}' },
      argument: { name: 'day', value: '' },
    });
    expect(completion.values).toHaveLength(100);
    expect(completion).toMatchObject({ total: 150, hasMore: true });
    expect(completionFromValues(['a'])).toEqual({ values: ['a'], total: 1, hasMore: false });
  });

  it('suggests nothing for an argument without a completer', async () => {
    await using c = await connectInMemory(completionServer());
    const result = await c.client.complete({
      ref: { type: 'ref/prompt', name: 'trip' },
      argument: { name: 'from', value: 'x' },
    });
    expect(result.completion).toEqual({ values: [] });
  });

  it('answers an unknown prompt or template with -32602 naming it', async () => {
    await using c = await connectInMemory(completionServer());
    const prompt = await mcpError(
      c.client.complete({
        ref: { type: 'ref/prompt', name: 'nope' },
        argument: { name: 'a', value: '' },
      }),
    );
    expect(prompt.code).toBe(ErrorCode.InvalidParams);
    expect(prompt.message).toContain('Unknown prompt: nope');
    const template = await mcpError(
      c.client.complete({
        ref: { type: 'ref/resource', uri: 'weather://{city}' },
        argument: { name: 'city', value: '' },
      }),
    );
    expect(template.code).toBe(ErrorCode.InvalidParams);
    expect(template.message).toContain('Unknown resource template: weather://{city}');
  });
});
