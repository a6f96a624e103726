import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { definePrompt, PromptError, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, mcpError } from './helpers';

function promptServer(options: ConstructorParameters<typeof ProviderServer>[0] = {}) {
  return new ProviderServer({ name: 'prompts', ...options }).add(
    definePrompt({
      name: 'greet',
      title: 'Greeting',
      description: 'Says hello',
      icons: [{ src: 'https://example.com/wave.png' }],
      args: z.object({ name: z.string().describe('who to greet'), mood: z.string().optional() }),
      render: ({ name, mood }) => `Say hello to ${name}${mood ? ` in a ${mood} mood` : ''}`,
    }),
    definePrompt({
      name: 'dialogue',
      render: () => [
        { role: 'user', content: { type: 'text', text: 'Hi' } },
        { role: 'assistant', content: { type: 'text', text: 'Hello!' } },
      ],
    }),
    definePrompt({
      name: 'full',
      render: () => ({ description: 'rendered', messages: [], _meta: { k: 1 } }),
    }),
    definePrompt({
      name: 'refuses',
      render: () => {
        throw new PromptError('Not today');
      },
    }),
    definePrompt({
      name: 'crashes',
      render: () => {
        throw new Error('secret token abc');
      },
    }),
  );
}

describe('prompts through a ProviderServer', () => {
  it('lists prompts with their arguments', async () => {
    await using c = await connectInMemory(promptServer({ declare: {} }));
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['greet', 'dialogue', 'full', 'refuses', 'crashes']);
    expect(prompts[0]).toEqual({
      name: 'greet',
      title: 'Greeting',
      description: 'Says hello',
      icons: [{ src: 'https://example.com/wave.png' }],
      arguments: [
        { name: 'name', description: 'who to greet', required: true },
        { name: 'mood', required: false },
      ],
    });
    expect(prompts[1]).toEqual({ name: 'dialogue' });
    expect(c.client.getServerCapabilities()).toEqual({
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    });
  });

  it('renders a string as one user message, messages and full results as they are', async () => {
    await using c = await connectInMemory(promptServer());
    expect(
      await c.client.getPrompt({ name: 'greet', arguments: { name: 'Ada', mood: 'sunny' } }),
    ).toEqual({
      messages: [
        { role: 'user', content: { type: 'text', text: 'Say hello to Ada in a sunny mood' } },
      ],
    });
    const dialogue = await c.client.getPrompt({ name: 'dialogue' });
    expect(dialogue.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(await c.client.getPrompt({ name: 'full' })).toEqual({
      description: 'rendered',
      messages: [],
      _meta: { k: 1 },
    });
  });

  it('rejects missing or wrong arguments with -32602 naming the argument', async () => {
    await using c = await connectInMemory(promptServer());
    const error = await mcpError(
      c.client.getPrompt({ name: 'greet', arguments: { mood: 'grim' } }),
    );
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('Invalid arguments for prompt greet: name: expected string');
  });

  it('answers an unknown prompt with -32602 naming it', async () => {
    await using c = await connectInMemory(promptServer());
    const error = await mcpError(c.client.getPrompt({ name: 'nope' }));
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('Unknown prompt: nope');
  });

  it('passes a PromptError message through and masks other failures when asked', async () => {
    await using c = await connectInMemory(promptServer({ maskErrorDetails: true }));
    const refused = await mcpError(c.client.getPrompt({ name: 'refuses' }));
    expect(refused.code).toBe(ErrorCode.InternalError);
    expect(refused.message).toContain('Not today');
    const crashed = await mcpError(c.client.getPrompt({ name: 'crashes' }));
    expect(crashed.message).toContain('Error rendering prompt crashes');
    expect(crashed.message).not.toContain('secret');
  });
});
