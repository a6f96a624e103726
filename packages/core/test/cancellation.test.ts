import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { type Context, defineTool, ProviderServer } from '@org/core';
import { describe, expect, it } from 'vitest';
import { connectFront, connectInMemory, deferred } from './helpers';

function whenAborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

function waitingServer() {
  const started = deferred<Context>();
  const aborted = deferred<unknown>();
  const server = new ProviderServer({ name: 'waits' }).add(
    defineTool({
      name: 'wait',
      handler: async (_args, context) => {
        started.resolve(context!);
        aborted.resolve(await whenAborted(context!.signal));
        return 'stopped';
      },
    }),
    defineTool({
      name: 'sampleForever',
      handler: async (_args, context) => {
        started.resolve(context!);
        await context!.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
          maxTokens: 1,
        });
        return 'sampled';
      },
    }),
  );
  return { server, started: started.promise, aborted: aborted.promise };
}

describe('cancellation', () => {
  it('aborts the tool’s context signal when the client aborts the call', async () => {
    const { server, started, aborted } = waitingServer();
    await using c = await connectInMemory(server);
    const controller = new AbortController();
    const call = c.client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    const context = await started;
    expect(context.active).toBe(true);
    controller.abort('user gave up');
    await expect(call).rejects.toThrow();
    expect(await aborted).toBe('user gave up');
    expect(context.signal.aborted).toBe(true);
    expect(context.active).toBe(false);
    // The session is still usable.
    await c.client.ping();
  });

  it('cancels the sampling request a cancelled tool was waiting on', async () => {
    const { server, started } = waitingServer();
    await using c = await connectFront(server);
    const samplingAborted = deferred<unknown>();
    const samplingStarted = deferred();
    c.client.setRequestHandler(CreateMessageRequestSchema, async (_request, extra) => {
      samplingStarted.resolve();
      samplingAborted.resolve(await whenAborted(extra.signal));
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'late' } };
    });
    const controller = new AbortController();
    const call = c.client.callTool({ name: 'sampleForever', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await started;
    await samplingStarted.promise;
    controller.abort('stop');
    await expect(call).rejects.toThrow();
    expect(await samplingAborted.promise).toBeDefined();
  });

  it('aborts in-flight requests when the session closes', async () => {
    const { server, started, aborted } = waitingServer();
    const c = await connectInMemory(server);
    const call = c.client
      .callTool({ name: 'wait', arguments: {} })
      .catch((error: unknown) => error);
    const context = await started;
    await c.close();
    await aborted;
    expect(context.signal.aborted).toBe(true);
    expect(context.session.closed).toBe(true);
    expect(await call).toBeInstanceOf(Error);
  });
});
