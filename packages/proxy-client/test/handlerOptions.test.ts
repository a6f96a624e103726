import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Context, currentContext } from '@org/core';
import {
  defaultForwardingHandlers,
  defaultProxyElicitationHandler,
  defaultProxyLogHandler,
  defaultProxyProgressHandler,
  defaultProxyRootsHandler,
  defaultProxySamplingHandler,
  mirrorCapabilities,
  ProxyClient,
} from '@org/proxy-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { FULL_FRONT } from './fixtures/front';
import {
  failureText,
  firstText,
  type Harness,
  harness,
  recordingLogger,
  relayCall,
  structured,
} from './fixtures/harness';

const SAMPLE = {
  request: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 1 },
};

let h: Harness | undefined;
const extra: Array<{ dispose(): Promise<void> } | { close(): Promise<void> }> = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const item of extra.splice(0)) {
    if ('dispose' in item) await item.dispose();
    else await item.close();
  }
});

function backendCapabilities(harnessed: Harness) {
  return harnessed.backend.sessions[0]?.clientCapabilities;
}

describe('default handlers', () => {
  it('are exported, and installed unless replaced', () => {
    expect(defaultForwardingHandlers).toEqual({
      roots: defaultProxyRootsHandler,
      sampling: defaultProxySamplingHandler,
      elicitation: defaultProxyElicitationHandler,
      log: defaultProxyLogHandler,
      progress: defaultProxyProgressHandler,
    });
    expect(Object.isFrozen(defaultForwardingHandlers)).toBe(true);
  });

  it('can be replaced per client', async () => {
    h = await harness(
      {},
      {
        handlers: {
          sampling: async (params, target) => ({
            role: 'assistant',
            model: `local for ${target.backend}`,
            content: { type: 'text', text: `echo ${params.maxTokens}` },
          }),
        },
      },
    );
    const result = structured(await relayCall(h.front, 'sample', SAMPLE)).result;
    expect(result).toMatchObject({ model: 'local for backend', content: { text: 'echo 1' } });
    expect(h.front.sampled).toHaveLength(0);
  });

  it('can be turned off per client: the capability is no longer announced', async () => {
    h = await harness({}, { handlers: { sampling: null, roots: null } });
    const text = await failureText(relayCall(h.front, 'sample', SAMPLE));
    expect(text).toMatch(/sampling/i);
    expect(h.front.sampled).toHaveLength(0);
    expect(backendCapabilities(h)).toEqual({ elicitation: FULL_FRONT.elicitation });
    // Elicitation is still forwarded.
    expect(firstText(await relayCall(h.front, 'greet'))).toMatch(/^Hello/);
  });

  it('log and progress forwarding can be turned off', async () => {
    h = await harness({}, { handlers: { log: null, progress: null } });
    const progress: unknown[] = [];
    await relayCall(h.front, 'log', { entries: [{ level: 'error', data: 'kept back' }] });
    await relayCall(h.front, 'progress', { steps: 2 }, { onprogress: (p) => progress.push(p) });
    // Forwarded notifications reach the front before the result does, so none is on its way.
    expect(h.front.logs).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('refuses URL-mode elicitation for a front without it, even when announced to the backend', async () => {
    h = await harness(
      { capabilities: { elicitation: { form: {} } } },
      { capabilities: FULL_FRONT },
    );
    const text = await failureText(
      relayCall(h.front, 'elicit', {
        request: { mode: 'url', message: 'm', url: 'https://example.com/', elicitationId: 'e' },
      }),
    );
    expect(text).toContain(
      'Cannot forward elicitation/create from backend backend: client "front" does not support elicitation.url',
    );
    expect(h.front.elicited).toEqual([]);
  });

  it('a replaced log handler receives every message with the forwarding target', async () => {
    const received: string[] = [];
    h = await harness(
      {},
      {
        handlers: {
          log: async (message, target) => {
            received.push(`${target.backend}:${message.level}:${String(message.data)}`);
          },
        },
      },
    );
    await relayCall(h.front, 'log', { entries: [{ level: 'info', data: 'one' }] });
    await relayCall(h.front, 'roots');
    expect(received).toEqual(['backend:info:one']);
    expect(h.front.logs).toEqual([]);
  });
});

describe('the context forwarding handlers run in', () => {
  it('is the front request each backend request serves, for every component kind', async () => {
    const seen: Array<{ method: string; id: unknown; ambient: boolean; relaySession: boolean }> =
      [];
    h = await harness(
      {},
      {
        handlers: {
          roots: async (params, target) => {
            const ambient = currentContext();
            seen.push({
              method: target.front!.method,
              id: target.front!.requestId,
              ambient: ambient === target.front,
              relaySession: h!.relay.sessions.includes(ambient!.session),
            });
            return defaultProxyRootsHandler(params, target);
          },
        },
      },
    );
    await relayCall(h.front, 'roots');
    await relayCall(h.front, 'roots');
    await h.front.client.readResource({ uri: 'relay://roots' });
    expect(seen.map((s) => s.method)).toEqual(['tools/call', 'tools/call', 'resources/read']);
    expect(new Set(seen.map((s) => s.id)).size).toBe(3);
    // Not the backend's own context (an in-process backend runs in this process too).
    expect(seen.every((s) => s.ambient && s.relaySession)).toBe(true);
  });

  it('forwardingTarget() names the running front request, and none between requests', async () => {
    let client: ProxyClient | undefined;
    let during: Context | undefined;
    h = await harness(
      {},
      {
        handlers: {
          roots: async (params, target) => {
            during = client?.forwardingTarget().front;
            return defaultProxyRootsHandler(params, target);
          },
        },
      },
    );
    client = h.client;
    expect(client.forwardingTarget()).toMatchObject({ front: undefined, backend: 'backend' });
    await relayCall(h.front, 'roots');
    expect(during?.method).toBe('tools/call');
    expect(during?.active).toBe(false);
    expect(client.forwardingTarget().front).toBeUndefined();
  });
});

describe('capability mirroring', () => {
  it('announces to the backend exactly what the front declares', async () => {
    h = await harness({ capabilities: { roots: {}, elicitation: { form: {} } } });
    await relayCall(h.front, 'roots');
    expect(backendCapabilities(h)).toEqual({ roots: {}, elicitation: { form: {} } });
    expect(h.client.announcedCapabilities()).toEqual({ roots: {}, elicitation: { form: {} } });
  });

  it('announces sampling with tools, and elicitation with both modes, when the front has them', async () => {
    h = await harness();
    await relayCall(h.front, 'roots');
    expect(backendCapabilities(h)).toEqual(FULL_FRONT);
  });

  it('announces nothing for a front without capabilities, so the backend knows not to ask', async () => {
    h = await harness({ capabilities: {} });
    const text = await failureText(relayCall(h.front, 'sample', SAMPLE));
    expect(text).toMatch(/sampling/i);
    expect(backendCapabilities(h)).toEqual({});
  });

  it('mirrorCapabilities keeps only what has a handler', () => {
    const handlers = { ...defaultForwardingHandlers, elicitation: null };
    expect(mirrorCapabilities(FULL_FRONT, handlers)).toEqual({
      sampling: FULL_FRONT.sampling,
      roots: FULL_FRONT.roots,
    });
    expect(mirrorCapabilities(undefined, handlers)).toEqual({});
  });
});

describe('without a front request', () => {
  async function bareClient() {
    const { server } = createBackend();
    const logger = recordingLogger();
    const client = new ProxyClient(
      { server, name: 'lonely' },
      { capabilities: FULL_FRONT, logger },
    );
    extra.push(client, server);
    return { client, logger };
  }

  it.each([
    ['sample', SAMPLE, 'sampling/createMessage'],
    [
      'elicit',
      { request: { message: 'm', requestedSchema: { type: 'object', properties: {} } } },
      'elicitation/create',
    ],
    ['roots', {}, 'roots/list'],
  ])('answers the backend’s %s with a JSON-RPC error saying why', async (tool, args, method) => {
    const { client } = await bareClient();
    const text = await failureText(client.callTool(tool, args) as Promise<CallToolResult>);
    expect(text).toContain(`Cannot forward ${method} from backend lonely`);
    expect(text).toContain('no client request is active');
  });
});

describe('new()', () => {
  it('returns a fresh, disconnected copy with the same configuration', async () => {
    h = await harness({}, { requestTimeoutMs: 12_345 });
    await relayCall(h.front, 'roots');
    expect(h.client.connected).toBe(true);
    const copy = h.client.new();
    extra.push(copy);
    expect(copy).not.toBe(h.client);
    expect(copy).toBeInstanceOf(ProxyClient);
    expect(copy.connected).toBe(false);
    expect(copy.options).toEqual(h.client.options);
    expect(copy.requestTimeoutMs).toBe(12_345);
    expect(copy.name).toBe('backend');
    expect(copy.connector).toBe(h.client.connector);
    // The copy opens its own backend session; closing it leaves the original connected.
    await copy.listTools();
    expect(h.backend.sessions).toHaveLength(2);
    await copy.close();
    expect(copy.connected).toBe(false);
    expect(h.client.connected).toBe(true);
    expect(firstText(await relayCall(h.front, 'get'))).toBe('Value not found');
  });

  it('takes option overrides', () => {
    const { server } = createBackend();
    const base = new ProxyClient({ server, name: 'b' }, { requestTimeoutMs: 1000 });
    extra.push(base, server);
    const copy = base.new({ closeWhenIdle: true });
    expect(copy.options).toEqual({ requestTimeoutMs: 1000, closeWhenIdle: true });
    expect(base.options).toEqual({ requestTimeoutMs: 1000 });
  });
});
