import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  type Progress,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Context,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  ProviderServer,
} from '@org/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, FRONT_CAPABILITIES, inbox, mcpError } from './helpers';

/** Serves `server` over stateful streamable HTTP on 127.0.0.1 with the SDK's own transport. */
async function serveOverHttp(server: ProviderServer): Promise<{ url: URL; http: HttpServer }> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    void (async () => {
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId !== undefined || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        const fresh = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => {
            transports.set(id, fresh);
          },
        });
        fresh.onclose = () => {
          if (fresh.sessionId) transports.delete(fresh.sessionId);
        };
        await server.connect(fresh);
        transport = fresh;
      }
      await transport.handleRequest(req, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), http };
}

function httpServer(seen: Context[], waiting: { resolve: (context: Context) => void }) {
  const server = new ProviderServer({ name: 'over-http', pageSize: 2 });
  server.add(
    defineTool({ name: 'one', handler: () => '1' }),
    defineTool({ name: 'two', handler: () => '2' }),
    defineTool({
      name: 'converse',
      input: z.object({ topic: z.string() }),
      handler: async ({ topic }, context) => {
        seen.push(context!);
        await context!.log('info', `talking about ${topic}`);
        await context!.reportProgress(1, 3, 'sampling');
        const sampled = await context!.sample({
          messages: [{ role: 'user', content: { type: 'text', text: topic } }],
          maxTokens: 5,
        });
        await context!.reportProgress(2, 3, 'eliciting');
        const elicited = await context!.elicit({
          mode: 'form',
          message: 'Sure?',
          requestedSchema: { type: 'object', properties: { sure: { type: 'boolean' } } },
        });
        const { roots } = await context!.listRoots();
        return {
          sampled: (sampled.content as { text: string }).text,
          elicited: elicited.content,
          roots: roots.length,
        };
      },
    }),
    defineTool({
      name: 'wait',
      handler: async (_args, context) => {
        const aborted = new Promise((resolve) =>
          context!.signal.addEventListener('abort', resolve, { once: true }),
        );
        waiting.resolve(context!);
        await aborted;
        return 'aborted';
      },
    }),
    defineResource({ uri: 'docs://readme', mimeType: 'text/plain', read: () => 'hello over http' }),
    defineResourceTemplate({
      uriTemplate: 'files://{path*}{?rev}',
      name: 'file',
      complete: { path: (value) => ['src/a.ts', 'src/b.ts'].filter((p) => p.startsWith(value)) },
      read: ({ path, rev }) => `${path}@${rev ?? 'head'}`,
    }),
    definePrompt({
      name: 'greet',
      args: z.object({ name: z.string() }),
      render: ({ name }) => `Hello ${name}`,
    }),
  );
  return server;
}

describe('a ProviderServer over streamable HTTP', () => {
  let server: ProviderServer;
  let http: HttpServer;
  let client: Client;
  let seen: Context[];
  let waiting: ReturnType<typeof deferred<Context>>;

  beforeEach(async () => {
    seen = [];
    waiting = deferred<Context>();
    server = httpServer(seen, waiting);
    const served = await serveOverHttp(server);
    http = served.http;
    client = new Client(
      { name: 'http-front', version: '1.0.0' },
      { capabilities: FRONT_CAPABILITIES },
    );
    client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
      role: 'assistant',
      model: 'm',
      content: {
        type: 'text',
        text: `about ${(request.params.messages[0]!.content as { text: string }).text}`,
      },
    }));
    client.setRequestHandler(ElicitRequestSchema, () => ({
      action: 'accept',
      content: { sure: true },
    }));
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///r' }] }));
    await client.connect(new StreamableHTTPClientTransport(served.url));
  });

  afterEach(async () => {
    try {
      await client.close();
      await server.close();
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('initializes, answers ping and lists every kind with pagination', async () => {
    expect(client.getServerCapabilities()).toEqual({
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    });
    expect(await client.ping()).toEqual({});
    const first = await client.listTools();
    expect(first.tools.map((t) => t.name)).toEqual(['one', 'two']);
    const second = await client.listTools({ cursor: first.nextCursor! });
    expect(second.tools.map((t) => t.name)).toEqual(['converse', 'wait']);
    expect(second.nextCursor).toBeUndefined();
    expect((await mcpError(client.listTools({ cursor: 'bad' }))).code).toBe(-32602);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['docs://readme']);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.name)).toEqual([
      'file',
    ]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['greet']);
  });

  it('calls a tool that logs, reports progress, samples, elicits and lists roots on its own request', async () => {
    const logs = inbox(client, LoggingMessageNotificationSchema);
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: 'converse', arguments: { topic: 'rain' } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    );
    expect(result.structuredContent).toEqual({
      sampled: 'about rain',
      elicited: { sure: true },
      roots: 1,
    });
    expect((await logs.next()).params).toEqual({ level: 'info', data: 'talking about rain' });
    expect(progress.map((p) => p.message)).toEqual(['sampling', 'eliciting']);
    const context = seen[0]!;
    expect(context.httpHeaders?.['mcp-session-id']).toBe(
      server.sessions[0]!.server.transport?.sessionId,
    );
  });

  it('reads resources and templates, renders prompts and completes', async () => {
    expect((await client.readResource({ uri: 'docs://readme' })).contents).toEqual([
      { uri: 'docs://readme', mimeType: 'text/plain', text: 'hello over http' },
    ]);
    const file = await client.readResource({ uri: 'files://src/a%20b.ts?rev=v%2F1' });
    expect(file.contents[0]).toMatchObject({ text: 'src/a b.ts@v/1' });
    expect((await mcpError(client.readResource({ uri: 'nothing://x' }))).code).toBe(-32002);
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Hello Ada' });
    const completion = await client.complete({
      ref: { type: 'ref/resource', uri: 'files://{path*}{?rev}' },
      argument: { name: 'path', value: 'src/b' },
    });
    expect(completion.completion.values).toEqual(['src/b.ts']);
  });

  it('delivers subscriptions, filtered logs and list_changed notifications', async () => {
    const updates = inbox(client, ResourceUpdatedNotificationSchema);
    const changes = inbox(client, ToolListChangedNotificationSchema);
    const logs = inbox(client, LoggingMessageNotificationSchema);
    await client.subscribeResource({ uri: 'docs://readme' });
    server.local.notifyResourceUpdated('docs://readme');
    expect((await updates.next()).params.uri).toBe('docs://readme');
    await client.unsubscribeResource({ uri: 'docs://readme' });

    await client.setLoggingLevel('error');
    await client.callTool({ name: 'converse', arguments: { topic: 'quiet' } });
    server.add(defineTool({ name: 'three', handler: () => '3' }));
    await changes.next();
    expect(logs.received).toEqual([]);
  });

  it('aborts the tool’s signal when the client cancels the call', async () => {
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    const context = await waiting.promise;
    controller.abort('enough');
    await expect(call).rejects.toThrow();
    await new Promise((resolve) =>
      context.signal.aborted
        ? resolve(undefined)
        : context.signal.addEventListener('abort', resolve, { once: true }),
    );
    expect(context.signal.reason).toBe('enough');
  });
});
