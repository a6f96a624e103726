import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Context,
  currentContext,
  definePrompt,
  defineResource,
  defineResourceTemplate,
  defineTool,
  ProviderServer,
  requireContext,
  runWithContext,
} from '@org/core';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { connectFront, connectInMemory, deferred } from './helpers';

/** A server whose components report the context they ran in. */
function contextServer(seen: Context[]) {
  const keep = (context: Context | undefined) => {
    expect(context).toBeDefined();
    expect(currentContext()).toBe(context);
    expect(requireContext()).toBe(context);
    seen.push(context!);
    return context!;
  };
  return new ProviderServer({ name: 'ctx' }).add(
    defineTool({
      name: 'whoami',
      handler: (_args, context) => {
        const c = keep(context);
        return {
          session: c.session.id,
          requestId: c.requestId,
          method: c.method,
          meta: c.meta ?? null,
        };
      },
    }),
    defineTool({
      name: 'progress',
      handler: async (_args, context) => {
        await context!.reportProgress(1, 2, 'half way');
        await context!.reportProgress(2, 2);
        return 'done';
      },
    }),
    defineTool({
      name: 'ask',
      handler: async (_args, context) => {
        const sampled = await context!.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'What is 2+2?' } }],
          maxTokens: 10,
        });
        const elicited = await context!.elicit({
          mode: 'form',
          message: 'Your name?',
          requestedSchema: {
            type: 'object',
            properties: { name: { type: 'string' } },
            required: ['name'],
          },
        });
        const { roots } = await context!.listRoots();
        return { sampled: sampled.content, model: sampled.model, elicited, roots };
      },
    }),
    defineResource({ uri: 'ctx://static', read: (_uri, context) => keep(context).method }),
    defineResourceTemplate({
      uriTemplate: 'ctx://t/{x}',
      name: 't',
      read: (_params, context) => keep(context).method,
    }),
    definePrompt({ name: 'p', render: (_args, context) => keep(context).method }),
  );
}

function answerFrontRequests(client: import('@modelcontextprotocol/sdk/client/index.js').Client) {
  client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
    role: 'assistant',
    model: 'front-model-1',
    stopReason: 'endTurn',
    content: {
      type: 'text',
      text: `answer to ${(request.params.messages[0]!.content as { text: string }).text}`,
    },
  }));
  client.setRequestHandler(ElicitRequestSchema, (request) => ({
    action: 'accept',
    content: { name: `Ada (${request.params.message})` },
  }));
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: 'file:///work', name: 'work' }],
  }));
}

describe('the request context', () => {
  it('carries the session, request id, method and _meta of each request', async () => {
    const seen: Context[] = [];
    const server = contextServer(seen);
    await using c = await connectInMemory(server);
    const first = await c.client.callTool({
      name: 'whoami',
      arguments: {},
      _meta: { trace: 'abc' },
    });
    const second = await c.client.callTool({ name: 'whoami', arguments: {} });
    const [a, b] = [first.structuredContent, second.structuredContent] as Array<
      Record<string, unknown>
    >;
    expect(a).toMatchObject({
      session: server.sessions[0]!.id,
      method: 'tools/call',
      meta: { trace: 'abc' },
    });
    expect(b).toMatchObject({ session: server.sessions[0]!.id, meta: null });
    expect(a!.requestId).not.toBe(b!.requestId);
    expect(seen[0]!.session).toBe(server.sessions[0]);
    expect(seen[0]!.session.clientInfo).toMatchObject({ name: 'test-client' });
    expect(seen[0]!.httpHeaders).toBeUndefined();
    // Once answered, a context is no longer active.
    expect(seen[0]!.active).toBe(false);
  });

  it('is current while reading resources, templates and rendering prompts', async () => {
    const seen: Context[] = [];
    await using c = await connectInMemory(contextServer(seen));
    expect((await c.client.readResource({ uri: 'ctx://static' })).contents[0]).toMatchObject({
      text: 'resources/read',
    });
    expect((await c.client.readResource({ uri: 'ctx://t/1' })).contents[0]).toMatchObject({
      text: 'resources/read',
    });
    const prompt = await c.client.getPrompt({ name: 'p' });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'prompts/get' });
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('reports progress under the request’s own progress token', async () => {
    await using c = await connectInMemory(contextServer([]));
    const updates: Progress[] = [];
    const all = deferred();
    await c.client.callTool({ name: 'progress', arguments: {} }, undefined, {
      onprogress: (progress) => {
        updates.push(progress);
        if (updates.length === 2) all.resolve();
      },
    });
    await all.promise;
    expect(updates).toEqual([
      { progress: 1, total: 2, message: 'half way' },
      { progress: 2, total: 2 },
    ]);
    // Without a token, reporting progress does nothing (and does not fail).
    expect((await c.client.callTool({ name: 'progress', arguments: {} })).isError).toBeFalsy();
  });

  it('samples, elicits and lists roots on the client that sent the request', async () => {
    await using c = await connectFront(contextServer([]));
    answerFrontRequests(c.client);
    const result = await c.client.callTool({ name: 'ask', arguments: {} });
    expect(result.structuredContent).toEqual({
      sampled: { type: 'text', text: 'answer to What is 2+2?' },
      model: 'front-model-1',
      elicited: { action: 'accept', content: { name: 'Ada (Your name?)' } },
      roots: [{ uri: 'file:///work', name: 'work' }],
    });
  });

  it('names the capability the client lacks instead of sending the request', async () => {
    await using none = await connectInMemory(contextServer([]));
    expect(await none.client.callTool({ name: 'ask', arguments: {} })).toEqual({
      content: [{ type: 'text', text: 'Client capability missing: sampling' }],
      isError: true,
    });
    await using samplingOnly = await connectInMemory(contextServer([]), {
      capabilities: { sampling: {} },
    });
    samplingOnly.client.setRequestHandler(CreateMessageRequestSchema, () => ({
      role: 'assistant',
      model: 'm',
      content: { type: 'text', text: '4' },
    }));
    expect(await samplingOnly.client.callTool({ name: 'ask', arguments: {} })).toEqual({
      content: [{ type: 'text', text: 'Client capability missing: elicitation' }],
      isError: true,
    });
  });
});

describe('currentContext and requireContext', () => {
  it('have no context outside a request', () => {
    expect(currentContext()).toBeUndefined();
    let error: unknown;
    try {
      requireContext('Sampling');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).code).toBe(ProxyErrorCode.NoContext);
    expect((error as ProxyError).message).toBe(
      'Sampling needs a client request context, and none is active (it ran outside a request handler)',
    );
    expect(() => requireContext()).toThrow(/^This operation needs a client request context/);
  });

  it('keep the context across awaits and let runWithContext set or clear it', async () => {
    const got = deferred<Context>();
    const server = new ProviderServer().add(
      defineTool({
        name: 'capture',
        handler: async (_args, context) => {
          await new Promise((resolve) => setImmediate(resolve));
          expect(currentContext()).toBe(context);
          runWithContext(undefined, () => expect(currentContext()).toBeUndefined());
          got.resolve(context!);
          return 'ok';
        },
      }),
    );
    await using c = await connectInMemory(server);
    await c.client.callTool({ name: 'capture', arguments: {} });
    const context = await got.promise;
    expect(currentContext()).toBeUndefined();
    expect(runWithContext(context, () => currentContext())).toBe(context);
    expect(currentContext()).toBeUndefined();
  });
});

describe('the front session', () => {
  it('knows the client’s capabilities and runs its close callbacks when it ends', async () => {
    const server = contextServer([]);
    const c = await connectFront(server);
    const session = server.sessions[0]!;
    expect(session.clientCapabilities).toMatchObject({
      sampling: {},
      elicitation: { form: {} },
      roots: {},
    });
    expect(session.initialized).toBe(true);
    session.state.set('k', 'v');
    const closed = deferred<string>();
    session.onClose(() => closed.resolve('released'));
    await c.close();
    expect(await closed.promise).toBe('released');
    expect(session.closed).toBe(true);
    expect(session.state.size).toBe(0);
    expect(server.sessions).toEqual([]);
  });
});
