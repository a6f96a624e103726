import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  defineResource,
  defineTool,
  Observer,
  ProviderServer,
  type RequestEvent,
  type SessionEvent,
} from '@org/core';
import { serveHttp } from '@org/transports';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectInMemory, deferred } from './helpers';

/** A server whose `count` tool counts per session and whose `fail` tool reports an error. */
function countingServer(observer?: Observer) {
  return new ProviderServer({ name: 'observed', ...(observer ? { observer } : {}) })
    .add(
      defineTool({
        name: 'count',
        input: z.object({ by: z.number() }),
        handler: ({ by }, context) => {
          const seen = ((context!.session.state.get('n') as number | undefined) ?? 0) + by;
          context!.session.state.set('n', seen);
          return String(seen);
        },
      }),
    )
    .add(
      defineTool({
        name: 'fail',
        handler: () => {
          throw new Error('nope');
        },
      }),
    )
    .add(defineResource({ uri: 'memo://a', name: 'a', read: () => 'A' }));
}

describe('Observer', () => {
  it('delivers to each listener until it is removed, and survives a listener that throws', () => {
    const observer = new Observer();
    expect(observer.wants('session')).toBe(false);
    const seen: string[] = [];
    const stopThrowing = observer.on('session', () => {
      throw new Error('listener bug');
    });
    const stop = observer.on('session', (event) => seen.push(`${event.type}:${event.sessionId}`));
    expect(observer.wants('session')).toBe(true);
    observer.emit('session', { type: 'opened', sessionId: 'a' });
    stop();
    observer.emit('session', { type: 'closed', sessionId: 'a' });
    stopThrowing();
    expect(observer.wants('session')).toBe(false);
    expect(seen).toEqual(['opened:a']);
  });

  it('reports each request of two sessions with its own session, name, outcome and duration', async () => {
    const server = countingServer();
    const requests: RequestEvent[] = [];
    const sessions: SessionEvent[] = [];
    server.observer.on('request', (event) => requests.push(event));
    server.observer.on('session', (event) => sessions.push(event));
    const a = await connectInMemory(server, {}, 'a');
    const b = await connectInMemory(server, {}, 'b');
    await Promise.all([
      a.client.callTool({ name: 'count', arguments: { by: 1 } }),
      b.client.callTool({ name: 'count', arguments: { by: 5 } }),
    ]);
    const failed = await a.client.callTool({ name: 'fail', arguments: {} });
    expect(failed.isError).toBe(true);
    await b.client.readResource({ uri: 'memo://a' });
    const [sessionA, sessionB] = server.sessions.map((s) => s.id);
    expect(sessionA).not.toBe(sessionB);
    const calls = requests.filter((r) => r.method === 'tools/call');
    const counted = calls.filter((r) => r.name === 'count');
    expect(counted.map((r) => [r.sessionId, r.arguments]).sort()).toEqual(
      [
        [sessionA, { by: 1 }],
        [sessionB, { by: 5 }],
      ].sort(),
    );
    expect(counted.every((r) => r.outcome === 'ok' && r.durationMs >= 0)).toBe(true);
    const fail = calls.find((r) => r.name === 'fail');
    expect(fail).toMatchObject({ sessionId: sessionA, outcome: 'error' });
    expect(fail?.error).toContain('nope');
    expect(requests.find((r) => r.method === 'resources/read')).toMatchObject({
      sessionId: sessionB,
      name: 'memo://a',
      outcome: 'ok',
    });
    // Initialize is a request too; no principal without auth, no server for local components.
    expect(requests.filter((r) => r.method === 'initialize')).toHaveLength(2);
    expect(requests.every((r) => r.principal === undefined && r.server === undefined)).toBe(true);
    const closed = deferred();
    server.observer.on('session', (event) => {
      if (event.type === 'closed' && event.sessionId === sessionA) closed.resolve();
    });
    await a.close();
    await closed.promise;
    expect(sessions.filter((s) => s.type === 'opened')).toHaveLength(2);
    await b.close();
  });

  it('reports a cancelled request as cancelled', async () => {
    const started = deferred();
    const server = new ProviderServer({ name: 'slow' }).add(
      defineTool({
        name: 'wait',
        handler: async (_args, context) => {
          started.resolve();
          await new Promise((resolve) => context!.signal.addEventListener('abort', resolve));
          return 'stopped';
        },
      }),
    );
    const ended = deferred<RequestEvent>();
    server.observer.on('request', (event) => {
      if (event.method === 'tools/call') ended.resolve(event);
    });
    const { client, close } = await connectInMemory(server);
    const abort = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: abort.signal,
    });
    await started.promise;
    abort.abort('enough');
    await expect(call).rejects.toThrow();
    expect((await ended.promise).outcome).toBe('cancelled');
    await close();
  });

  it('names the principal of an authenticated HTTP front, never its token', async () => {
    const observer = new Observer();
    const requests: RequestEvent[] = [];
    observer.on('request', (event) => requests.push(event));
    const server = countingServer(observer);
    const http = await serveHttp(server, { authToken: 'secret-token-123' });
    const client = new Client({ name: 'http', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: 'Bearer secret-token-123' } },
      }),
    );
    try {
      await client.callTool({ name: 'count', arguments: { by: 2 } });
      const call = requests.find((r) => r.method === 'tools/call');
      expect(call?.principal).toEqual({ subject: 'bearer', scopes: [] });
      expect(JSON.stringify(requests)).not.toContain('secret-token-123');
    } finally {
      await client.close();
      await http.close();
    }
  });
});
