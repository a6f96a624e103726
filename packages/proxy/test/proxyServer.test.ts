import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  createProxy,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  ProviderServer,
  ProxyClient,
  ProxyErrorCode,
  ProxyServer,
  serveHttp,
} from '@org/proxy';
import { childPids, closedPort } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory, textOf } from './fixtures/fronts';
import { recordingLogger } from './fixtures/recordingLogger';

let proxy: ProxyServer | undefined;
const fronts: Front[] = [];
const cleanups: Array<() => Promise<void>> = [];

async function frontOf(made: ProxyServer): Promise<Front> {
  proxy = made;
  const front = await frontInMemory(made);
  fronts.push(front);
  return front;
}

function toolsOnly(): McpServer {
  const server = new McpServer({ name: 'tools-only', version: '1.0.0' });
  server.registerTool('only', { description: 'The only tool' }, async () => ({ content: [] }));
  return server;
}

function completingBackend(): ProviderServer {
  const server = new ProviderServer({ name: 'completing' });
  const cities = ['Paris', 'Perth', 'Prague', 'Rome'];
  const complete = { city: (value: string) => cities.filter((c) => c.startsWith(value)) };
  server.add(
    definePrompt({
      name: 'trip',
      args: z.object({ city: z.string() }),
      complete,
      render: ({ city }) => `Go to ${city}`,
    }),
    defineResourceTemplate({
      uriTemplate: 'weather://{city}',
      name: 'weather',
      complete,
      read: () => 'sunny',
    }),
  );
  return server;
}

afterEach(async () => {
  await Promise.all(fronts.splice(0).map((front) => front.close()));
  await proxy?.close();
  proxy = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('ProxyServer', () => {
  it('local components beside the proxied ones win on name clashes, listed and executed', async () => {
    const backend = new CountingBackend(demoBackend());
    const made = createProxy(backend);
    made.add(
      defineTool({
        name: 'greet',
        input: z.object({ name: z.string(), extra: z.string().optional() }),
        handler: ({ name }) => `Local hello, ${name}`,
      }),
      defineResource({ uri: 'resource://wave', name: 'local_wave', read: () => 'local wave' }),
      defineResourceTemplate({
        uriTemplate: 'data://user/{user_id}',
        name: 'local_user',
        read: ({ user_id }) => `local ${user_id}`,
      }),
      definePrompt({
        name: 'welcome',
        args: z.object({ name: z.string(), extra: z.string().optional() }),
        render: ({ name }) => `Local welcome, ${name}`,
      }),
    );
    const front = await frontOf(made);
    const tools = (await front.client.listTools()).tools.filter((t) => t.name === 'greet');
    expect(tools).toHaveLength(1);
    expect(tools[0]?.inputSchema.properties).toHaveProperty('extra');
    expect(
      (await front.client.callTool({ name: 'greet', arguments: { name: 'A' } })).content,
    ).toEqual([{ type: 'text', text: 'Local hello, A' }]);
    const waves = (await front.client.listResources()).resources.filter(
      (r) => r.uri === 'resource://wave',
    );
    expect(waves.map((r) => r.name)).toEqual(['local_wave']);
    expect(textOf((await front.client.readResource({ uri: 'resource://wave' })).contents[0])).toBe(
      'local wave',
    );
    const templates = (await front.client.listResourceTemplates()).resourceTemplates;
    expect(
      templates.filter((t) => t.uriTemplate === 'data://user/{user_id}').map((t) => t.name),
    ).toEqual(['local_user']);
    expect(textOf((await front.client.readResource({ uri: 'data://user/1' })).contents[0])).toBe(
      'local 1',
    );
    const prompts = (await front.client.listPrompts()).prompts.filter((p) => p.name === 'welcome');
    expect(prompts[0]?.arguments?.map((a) => a.name)).toEqual(['name', 'extra']);
    const rendered = await front.client.getPrompt({ name: 'welcome', arguments: { name: 'B' } });
    expect(rendered.messages[0]?.content).toEqual({ type: 'text', text: 'Local welcome, B' });
    expect(
      backend.count('tools/call') + backend.count('resources/read') + backend.count('prompts/get'),
    ).toBe(0);
    // The other proxied components are still there.
    expect(
      (await front.client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).structuredContent,
    ).toEqual({ sum: 2 });
  });

  it('advertises only what the backend offers, plus what local components need', async () => {
    const direct = await frontInMemory(toolsOnly());
    cleanups.push(() => direct.close());
    const front = await frontOf(createProxy({ server: () => toolsOnly() }));
    expect(front.client.getServerCapabilities()).toEqual(direct.client.getServerCapabilities());
    expect(front.client.getServerCapabilities()?.prompts).toBeUndefined();
    const withLocal = createProxy({ server: () => toolsOnly() });
    withLocal.add(definePrompt({ name: 'local', render: () => 'x' }));
    const second = await frontInMemory(withLocal);
    cleanups.push(async () => {
      await second.close();
      await withLocal.close();
    });
    expect(second.client.getServerCapabilities()?.prompts).toEqual({ listChanged: true });
    expect(second.client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
  });

  it('forwards completion requests by the backend names of prompts and templates', async () => {
    const backend = new CountingBackend(completingBackend());
    const handle = await serveHttp(backend, { port: 0 });
    cleanups.push(() => handle.close());
    const other = await serveHttp(completingBackend(), { port: 0 });
    cleanups.push(() => other.close());
    const front = await frontOf(
      createProxy({ mcpServers: { geo: { url: handle.url }, other: { url: other.url } } }),
    );
    const prompt = await front.client.complete({
      ref: { type: 'ref/prompt', name: 'geo_trip' },
      argument: { name: 'city', value: 'P' },
    });
    expect(prompt.completion.values).toEqual(['Paris', 'Perth', 'Prague']);
    const template = await front.client.complete({
      ref: { type: 'ref/resource', uri: 'weather://geo/{city}' },
      argument: { name: 'city', value: 'R' },
    });
    expect(template.completion.values).toEqual(['Rome']);
    const sent = backend.requests
      .filter((r) => r.method === 'completion/complete')
      .map((r) => r.params?.ref);
    expect(sent).toEqual([
      { type: 'ref/prompt', name: 'trip' },
      { type: 'ref/resource', uri: 'weather://{city}' },
    ]);
  });

  it('answers a concurrent burst of lists of every kind', async () => {
    const front = await frontOf(createProxy(demoBackend()));
    const [tools, resources, prompts, templates] = await Promise.all([
      front.client.listTools(),
      front.client.listResources(),
      front.client.listPrompts(),
      front.client.listResourceTemplates(),
    ]);
    expect(tools.tools.map((t) => t.name)).toContain('greet');
    expect(resources.resources.map((r) => r.uri)).toContain('resource://wave');
    expect(prompts.prompts.map((p) => p.name)).toContain('welcome');
    expect(templates.resourceTemplates.map((t) => t.name)).toContain('get_user');
  });

  it('serves programmatic lists outside any client request', async () => {
    const made = createProxy(demoBackend());
    proxy = made;
    const tools = await made.providers.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['greet', 'add', 'error_tool', 'tool_without_description']),
    );
  });

  it('closes every backend session it opened when closed', async () => {
    const backend = new CountingBackend(demoBackend());
    const made = createProxy(backend);
    await frontOf(made);
    await frontOf(made);
    await made.providers.listTools();
    expect(backend.opened).toBe(3);
    await Promise.all(fronts.splice(0).map((front) => front.close()));
    await made.close();
    await backend.waitForClosed(3);
  });

  it('needs a backend', () => {
    expect(() => new ProxyServer({})).toThrow(
      expect.objectContaining({
        code: ProxyErrorCode.InvalidConfig,
        message: expect.stringMatching(/at least one backend/),
      }),
    );
  });
});

describe('createProxy', () => {
  it('never contacts the backend', async () => {
    const backend = new CountingBackend(demoBackend());
    const before = childPids();
    const made = [
      createProxy(backend),
      createProxy({ command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] }),
      createProxy(`http://127.0.0.1:${await closedPort()}/mcp`),
      createProxy({
        mcpServers: {
          a: { command: 'definitely-not-a-command' },
          b: { url: 'http://127.0.0.1:9/mcp' },
        },
      }),
    ];
    expect(backend.opened).toBe(0);
    expect(childPids()).toEqual(before);
    await Promise.all(made.map((p) => p.close()));
  });
});

describe('composition', () => {
  it('a proxy mounted under a namespace serves the backend, and the link is live', async () => {
    const backendServer = demoBackend();
    const backend = new CountingBackend(backendServer);
    const inner = createProxy(backend);
    cleanups.push(() => inner.close());
    const parent = new ProviderServer({ name: 'parent' });
    parent.mount(inner, { namespace: 'proxy' });
    const front = await frontInMemory(parent);
    cleanups.push(() => front.close());
    const result = await front.client.callTool({ name: 'proxy_add', arguments: { a: 2, b: 5 } });
    expect(result.structuredContent).toEqual({ sum: 7 });
    const wave = await front.client.readResource({ uri: 'resource://proxy/wave' });
    expect(wave.contents[0]).toMatchObject({ uri: 'resource://proxy/wave', text: '👋' });
    backendServer.add(defineTool({ name: 'dynamic_data', handler: () => 'dynamic' }));
    expect((await front.client.listTools()).tools.map((t) => t.name)).toContain(
      'proxy_dynamic_data',
    );
    const dynamic = await front.client.callTool({ name: 'proxy_dynamic_data', arguments: {} });
    expect(dynamic.content).toEqual([{ type: 'text', text: 'dynamic' }]);
    expect(
      backend.requests.filter((r) => r.method === 'tools/call').map((r) => r.params?.name),
    ).toEqual(['add', 'dynamic_data']);
  });

  it('a parent that warns keeps serving its own components beside an unreachable proxy', async () => {
    const logger = recordingLogger();
    const dead = createProxy(`http://127.0.0.1:${await closedPort()}/mcp`);
    cleanups.push(() => dead.close());
    const parent = new ProviderServer({ name: 'parent', onProviderError: 'warn', logger });
    parent.add(defineTool({ name: 'local', handler: () => 'still here' }));
    parent.mount(dead, { namespace: 'dead' });
    const front = await frontInMemory(parent);
    cleanups.push(() => front.close());
    expect((await front.client.listTools()).tools.map((t) => t.name)).toEqual(['local']);
    expect((await front.client.callTool({ name: 'local', arguments: {} })).content).toEqual([
      { type: 'text', text: 'still here' },
    ]);
    expect(logger.at('warn').some((message) => message.includes('Cannot connect to backend'))).toBe(
      true,
    );
  });

  it('takes a client factory returning a promise, awaited for every operation', async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend, { name: 'awaited' });
    cleanups.push(() => client.dispose());
    let made = 0;
    const clientFactory = async (): Promise<ProxyClient> => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      made += 1;
      return client;
    };
    const front = await frontOf(new ProxyServer({ clientFactory }));
    expect(proxy!.clientFactory).toBe(clientFactory);
    const added = await front.client.callTool({ name: 'add', arguments: { a: 2, b: 5 } });
    expect(added.structuredContent).toEqual({ sum: 7 });
    const wave = await front.client.readResource({ uri: 'resource://wave' });
    expect(textOf(wave.contents[0])).toBe('👋');
    expect(made).toBeGreaterThanOrEqual(3);
    expect(backend.opened).toBe(1);
  });

  it('createProxy takes a ProxyClient as it is, and a URL verbatim', async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend, { name: 'mine' });
    const viaClient = await frontOf(createProxy(client, { strategy: 'shared' }));
    await viaClient.client.callTool({ name: 'greet', arguments: { name: 'c' } });
    expect(client.connected).toBe(true);
    expect(backend.opened).toBe(1);
    const byUrl = createProxy('http://example.com/mcp/');
    cleanups.push(() => byUrl.close());
    const made = await byUrl.clientFactory();
    expect(made.connector.describe()).toContain('http://example.com/mcp/');
    expect(made.connected).toBe(false);
  });
});

describe('an unreachable backend', () => {
  it('gives the front an error naming the HTTP backend', async () => {
    const port = await closedPort();
    const made = createProxy(`http://127.0.0.1:${port}/mcp`);
    proxy = made;
    await expect(frontInMemory(made)).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('fails a programmatic listTools() with an error naming the backend and why', async () => {
    const port = await closedPort();
    const made = createProxy(`http://127.0.0.1:${port}/mcp`);
    proxy = made;
    const failure = made.providers.listTools();
    await expect(failure).rejects.toMatchObject({ code: ProxyErrorCode.BackendUnavailable });
    await expect(failure).rejects.toThrow(
      new RegExp(`^Cannot connect to backend 127\\.0\\.0\\.1:${port} .*ECONNREFUSED`),
    );
    await expect(made.proxyProviders[0]!.listTools()).rejects.toThrow(
      `Cannot connect to backend 127.0.0.1:${port}`,
    );
  });

  it('gives the front an error naming the command that does not start', async () => {
    const made = createProxy({ command: 'definitely-not-a-command-xyz', stderr: 'ignore' });
    proxy = made;
    await expect(frontInMemory(made)).rejects.toThrow(/definitely-not-a-command-xyz/);
  });

  it('gives the front an error naming the backend when the URL path is wrong', async () => {
    const handle = await serveHttp(demoBackend(), { port: 0 });
    cleanups.push(() => handle.close());
    const wrong = handle.url.replace(/\/mcp$/, '/nope');
    const made = createProxy(wrong);
    proxy = made;
    await expect(frontInMemory(made)).rejects.toThrow(/127\.0\.0\.1/);
  });
});
