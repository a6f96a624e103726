import path from 'node:path';
import {
  CallToolResultSchema,
  GetPromptResultSchema,
  McpError,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  createProxy,
  definePrompt,
  defineResource,
  defineTool,
  type ProviderServer,
  type ProxyServer,
  serveHttp,
} from '@org/proxy';
import { isPidAlive, waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CountingBackend } from './fixtures/countingBackend';
import { CUSTOM_ERROR_CODE, demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

const PID_SERVER = path.join(import.meta.dirname, 'fixtures', 'pidServer.mjs');

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];

async function setup(server: ProviderServer = demoBackend(), options = {}) {
  const backend = new CountingBackend(server);
  proxy = createProxy(backend, options);
  const front = await frontInMemory(proxy);
  const direct = await frontInMemory(server, {}, 'direct');
  fronts.push(front, direct);
  return { backend, front, direct };
}

async function failure(
  run: () => Promise<unknown>,
): Promise<{ code?: number; message?: string; data?: unknown }> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(McpError);
    const { code, message, data } = error as McpError;
    return { code, message, data };
  }
  throw new Error('Expected a JSON-RPC error');
}

function erroringBackend(): ProviderServer {
  const server = demoBackend();
  server.add(
    defineResource({
      uri: 'data://broken',
      name: 'broken',
      read: () => {
        throw new McpError(CUSTOM_ERROR_CODE, 'Broken resource', { reason: 'r' });
      },
    }),
    definePrompt({
      name: 'broken_prompt',
      args: z.object({ n: z.string().regex(/^\d+$/) }),
      render: () => {
        throw new McpError(-32099, 'Prompt exploded');
      },
    }),
    defineTool({
      name: 'slow',
      handler: (_args, context) =>
        new Promise<string>((resolve) =>
          context?.signal.addEventListener('abort', () => resolve('aborted')),
        ),
    }),
  );
  return server;
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
});

describe('backend errors reach the front', () => {
  it('a JSON-RPC error of a tool keeps its code, message and data', async () => {
    const { front, direct } = await setup();
    const call = (f: Front) => () => f.client.callTool({ name: 'rpc_error', arguments: {} });
    const proxied = await failure(call(front));
    expect(proxied).toEqual({
      code: CUSTOM_ERROR_CODE,
      message: `MCP error ${CUSTOM_ERROR_CODE}: Custom failure`,
      data: { detail: 'x' },
    });
    expect(proxied).toEqual(await failure(call(direct)));
  });

  it('JSON-RPC errors of resources and prompts keep their code and message', async () => {
    const { front, direct } = await setup(erroringBackend());
    const read = (f: Front) => () => f.client.readResource({ uri: 'data://broken' });
    expect(await failure(read(front))).toEqual(await failure(read(direct)));
    expect((await failure(read(front))).code).toBe(CUSTOM_ERROR_CODE);
    const render = (f: Front, n: string) => () =>
      f.client.getPrompt({ name: 'broken_prompt', arguments: { n } });
    expect(await failure(render(front, '1'))).toEqual(await failure(render(direct, '1')));
    const invalid = await failure(render(front, 'x'));
    expect(invalid).toEqual(await failure(render(direct, 'x')));
    expect(invalid.code).toBe(-32602);
    expect(invalid.message).toMatch(/Invalid arguments for prompt broken_prompt/);
  });

  it('a tool result the backend marks as an error passes through as it is', async () => {
    const { front, direct } = await setup();
    const call = (f: Front) => f.client.callTool({ name: 'add', arguments: { a: 'one', b: 2 } });
    const proxied = await call(front);
    expect(proxied.isError).toBe(true);
    expect(proxied).toEqual(await call(direct));
  });

  it('a backend that does not answer in time gives an error naming it and the call', async () => {
    const { front } = await setup(erroringBackend(), { requestTimeoutMs: 100 });
    const result = await front.client.callTool({ name: 'slow', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(/^Backend .+ did not answer tools\/call slow within 100 ms$/),
      },
    ]);
  });
});

describe('a backend that goes away', () => {
  it('makes ping and lists fail with errors naming it', async () => {
    const handle = await serveHttp(demoBackend(), { port: 0 });
    proxy = createProxy(handle.url, { name: 'front-proxy' });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    await front.client.ping();
    await handle.close();
    const named = new RegExp(`127\\.0\\.0\\.1:${handle.port}`);
    const ping = await failure(() => front.client.ping());
    expect(ping.message).toMatch(named);
    const list = await failure(() => front.client.listTools());
    expect(list.message).toMatch(named);
  });
});

describe('names the backend does not have', () => {
  it('go to the backend after one refresh of the list, and fail exactly as they do directly', async () => {
    const { backend, front, direct } = await setup();
    await front.client.listTools();
    await front.client.listResources();
    await front.client.listResourceTemplates();
    await front.client.listPrompts();
    backend.reset();
    const call = (f: Front) => failure(() => f.client.callTool({ name: 'nope', arguments: {} }));
    const read = (f: Front) =>
      failure(() => f.client.readResource({ uri: 'resource://nonexistent' }));
    const render = (f: Front) => failure(() => f.client.getPrompt({ name: 'nope' }));
    expect(await call(front)).toEqual(await call(direct));
    expect(await read(front)).toEqual(await read(direct));
    expect(await render(front)).toEqual(await render(direct));
    expect(await call(front)).toMatchObject({ code: -32602 });
    expect(backend.methods()).toEqual([
      'tools/list',
      'tools/call',
      'resources/list',
      'resources/templates/list',
      'resources/read',
      'prompts/list',
      'prompts/get',
      'tools/list',
      'tools/call',
    ]);
  });

  it('are unknown here with forwardUnknown off, without a backend call beyond the refresh', async () => {
    const { backend, front } = await setup(demoBackend(), { forwardUnknown: false });
    await front.client.listTools();
    backend.reset();
    expect(
      await failure(() => front.client.callTool({ name: 'nope', arguments: {} })),
    ).toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: nope') });
    expect(backend.methods()).toEqual(['tools/list']);
  });
});

describe('task-augmented execution', () => {
  it('of a tool is refused with METHOD_NOT_FOUND naming the tool, without reaching the backend', async () => {
    const { backend, front } = await setup();
    backend.reset();
    const tool = await failure(() =>
      front.client.request(
        {
          method: 'tools/call',
          params: { name: 'greet', arguments: { name: 'a' }, task: { ttl: 60_000 } },
        },
        CallToolResultSchema,
      ),
    );
    expect(tool).toEqual({
      code: -32601,
      message: 'MCP error -32601: Tool greet does not support task-augmented execution',
      data: undefined,
    });
    expect(backend.methods()).toEqual([]);
    const ran = await front.client.callTool({ name: 'greet', arguments: { name: 'a' } });
    expect(ran.content).toEqual([{ type: 'text', text: 'Hello, a!' }]);
  });

  it('is not defined for reads and renders: a task field there is ignored, as MCP 2025-11-25 says', async () => {
    const { front } = await setup();
    const task = { ttl: 60_000 };
    const read = await front.client.request(
      { method: 'resources/read', params: { uri: 'resource://wave', task } },
      ReadResourceResultSchema,
    );
    expect(read.contents[0]).toMatchObject({ text: '👋' });
    const prompt = await front.client.request(
      { method: 'prompts/get', params: { name: 'welcome', arguments: { name: 'a' }, task } },
      GetPromptResultSchema,
    );
    expect(prompt.messages).toHaveLength(1);
  });
});

describe('a stdio backend that crashes', () => {
  it('is restarted on the next use, and failures on the way name it', async () => {
    const made = createProxy({
      command: process.execPath,
      args: [PID_SERVER],
      stderr: 'ignore',
      name: 'pids',
    });
    proxy = made;
    const front = await frontInMemory(made);
    fronts.push(front);
    const pid = async () => {
      const result = await front.client.callTool({ name: 'pid', arguments: {} });
      return (result.content as Array<{ text: string }>)[0]!.text;
    };
    const first = Number(await pid());
    expect(isPidAlive(first)).toBe(true);
    process.kill(first, 'SIGKILL');
    await waitFor(() => !isPidAlive(first), { what: 'the backend to die' });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        front.client.callTool({ name: 'pid', arguments: {} }).then(
          (result) =>
            result.isError
              ? `error: ${JSON.stringify(result.content)}`
              : (result.content as Array<{ text: string }>)[0]!.text,
          (error: Error) => `error: ${error.message}`,
        ),
      ),
    );
    for (const outcome of outcomes) {
      if (outcome.startsWith('error')) expect(outcome).toMatch(/pids/);
      else expect(Number(outcome)).not.toBe(first);
    }
    const next = Number(await pid());
    expect(next).not.toBe(first);
    expect(isPidAlive(next)).toBe(true);
    await front.close();
    fronts.splice(fronts.indexOf(front), 1);
    await made.close();
    proxy = undefined;
    await waitFor(() => !isPidAlive(next), { what: 'the restarted backend to exit' });
  });
});
