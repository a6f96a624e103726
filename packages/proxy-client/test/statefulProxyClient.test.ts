import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ProxyClient, StatefulProxyClient } from '@org/proxy-client';
import { waitFor } from '@org/test-utils';
import { ProxyErrorCode, serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { within } from './fixtures/deferred';
import { connectFront, type Front } from './fixtures/front';
import { failureText, firstText, relayCall } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

/** A backend served over HTTP, a stateful client to it, and a relay served over HTTP. */
async function statefulOverHttp(options: { fetch?: typeof fetch } = {}) {
  const backend = createBackend();
  const backendHttp = await serveHttp(backend.server, { port: 0 });
  cleanup.push(
    () => backend.server.close(),
    () => backendHttp.close(),
  );
  const stateful = new StatefulProxyClient(
    {
      url: backendHttp.url,
      name: 'http-backend',
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
    { requestTimeoutMs: 5000 },
  );
  cleanup.push(() => stateful.dispose());
  const relay = createRelay(() => stateful.newStateful());
  const relayHttp = await serveHttp(relay, { port: 0 });
  cleanup.push(
    () => relay.close(),
    () => relayHttp.close(),
  );
  const front = async (name = 'front'): Promise<Front> => {
    const connected = await connectFront(relayHttp.url, {
      name,
      elicitation: () => ({ action: 'accept', content: { name: 'Alice' } }),
    });
    cleanup.push(() => connected.close());
    return connected;
  };
  return { backend, backendHttp, stateful, relay, relayHttp, front };
}

/** Ends an HTTP front session the way a client does: DELETE, then close. */
async function endSession(front: Front): Promise<void> {
  await (front.client.transport as StreamableHTTPClientTransport).terminateSession();
  await front.close();
}

describe('StatefulProxyClient over streamable HTTP', () => {
  it('a tool that elicits, called twice in one front session, reaches the front both times (#3169)', async () => {
    const { front } = await statefulOverHttp();
    const f = await front();
    for (let call = 1; call <= 3; call++) {
      const result = await within(relayCall(f, 'greet'), 8000, `elicitation call ${call}`);
      expect(firstText(result)).toBe('Hello, Alice!');
    }
    expect(f.elicited).toHaveLength(3);
  });

  it('forwards in the right request for tool calls, resource reads, template reads and prompt renders alike', async () => {
    const { front } = await statefulOverHttp();
    const f = await front('kinds');
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['tool', () => relayCall(f, 'greet')],
      ['resource', () => f.client.readResource({ uri: 'relay://roots' })],
      ['template', () => f.client.readResource({ uri: 'relay://sample/word' })],
      ['prompt', () => f.client.getPrompt({ name: 'relay_prompt', arguments: { question: 'Q?' } })],
    ];
    // Twice round, so that every kind runs after another request used the backend session.
    for (let round = 0; round < 2; round++) {
      for (const [kind, step] of steps) await within(step(), 8000, `${kind} in round ${round}`);
    }
    expect(f.elicited).toHaveLength(4);
    expect(f.sampled).toHaveLength(2);
    expect(f.rootsAsked).toBe(2);
  });

  it('keeps backend state per front session (#959), and fronts do not share it', async () => {
    const { front, backend } = await statefulOverHttp();
    const a = await front('a');
    const b = await front('b');
    expect(firstText(await relayCall(a, 'get'))).toBe('Value not found');
    await relayCall(a, 'put', { value: 1 });
    expect(firstText(await relayCall(a, 'get'))).toBe('value 1');
    expect(firstText(await relayCall(b, 'get'))).toBe('Value not found');
    await relayCall(b, 'put', { value: 2 });
    expect(firstText(await relayCall(a, 'get'))).toBe('value 1');
    expect(firstText(await relayCall(b, 'get'))).toBe('value 2');
    expect(backend.probe.openSessions()).toBe(2);
  });

  it('closes the backend session when the front session ends', async () => {
    const { front, backend, stateful } = await statefulOverHttp();
    const a = await front('a');
    const b = await front('b');
    await relayCall(a, 'put', { value: 1 });
    await relayCall(b, 'put', { value: 2 });
    expect(stateful.size).toBe(2);
    await endSession(a);
    await waitFor(() => backend.probe.openSessions() === 1, {
      what: 'the backend session to close',
    });
    expect(stateful.size).toBe(1);
    expect(firstText(await relayCall(b, 'get'))).toBe('value 2');
  });

  it('clear() closes every backend session; the next call opens a new one', async () => {
    const { front, backend, stateful } = await statefulOverHttp();
    const a = await front('a');
    const b = await front('b');
    await relayCall(a, 'put', { value: 1 });
    await relayCall(b, 'put', { value: 2 });
    await stateful.clear();
    expect(stateful.size).toBe(0);
    await waitFor(() => backend.probe.openSessions() === 0, {
      what: 'the backend sessions to close',
    });
    expect(firstText(await relayCall(a, 'get'))).toBe('Value not found');
    expect(stateful.size).toBe(1);
  });

  it('recovers after the backend lost the session (HTTP 404): never stays broken (#4825)', async () => {
    const { front, backend } = await statefulOverHttp();
    const f = await front();
    await relayCall(f, 'put', { value: 7 });
    // The backend forgets the session, as after a restart.
    await backend.server.sessions[0]!.server.close();
    await waitFor(() => backend.probe.openSessions() === 0, { what: 'the backend session to end' });
    const failure = await failureText(relayCall(f, 'get'));
    expect(failure).toContain('http-backend');
    // The next call reconnects: a new backend session, so the old state is gone.
    expect(firstText(await relayCall(f, 'get'))).toBe('Value not found');
    expect(firstText(await relayCall(f, 'greet'))).toBe('Hello, Alice!');
  });

  it('recovers after an HTTP 500 from the backend', async () => {
    let failNext = false;
    const flaky: typeof fetch = async (input, init) => {
      if (failNext && init?.method === 'POST') {
        failNext = false;
        return new Response('upstream exploded', { status: 500 });
      }
      return fetch(input, init);
    };
    const { front } = await statefulOverHttp({ fetch: flaky });
    const f = await front();
    await relayCall(f, 'put', { value: 3 });
    failNext = true;
    const failure = await failureText(relayCall(f, 'get'));
    expect(failure).toContain('http-backend');
    expect(failure).toContain('500');
    expect(firstText(await relayCall(f, 'greet'))).toBe('Hello, Alice!');
  });

  it('recovers when connecting to the backend failed', async () => {
    let refuse = true;
    const flaky: typeof fetch = async (input, init) => {
      if (refuse) {
        refuse = false;
        return new Response('starting up', { status: 503 });
      }
      return fetch(input, init);
    };
    const { front } = await statefulOverHttp({ fetch: flaky });
    const f = await front();
    const failure = await failureText(relayCall(f, 'get'));
    expect(failure).toContain('Cannot connect to backend http-backend');
    expect(failure).toContain('503');
    expect(firstText(await relayCall(f, 'get'))).toBe('Value not found');
  });
});

describe('StatefulProxyClient basics', () => {
  it('newStateful() outside a front request fails clearly', () => {
    const { server } = createBackend();
    const stateful = new StatefulProxyClient({ server, name: 'b' });
    cleanup.push(
      () => stateful.dispose(),
      () => server.close(),
    );
    expect(() => stateful.newStateful()).toThrowError(
      expect.objectContaining({ code: ProxyErrorCode.NoContext }),
    );
  });

  it('gives each front session its own client, the same one for every request of it', async () => {
    const { server } = createBackend();
    const stateful = new StatefulProxyClient({ server, name: 'b' });
    cleanup.push(
      () => stateful.dispose(),
      () => server.close(),
    );
    const seen: ProxyClient[] = [];
    const relay = createRelay(() => {
      const client = stateful.newStateful();
      seen.push(client);
      return client;
    });
    cleanup.push(() => relay.close());
    const a = await connectFront(relay, { name: 'a' });
    const b = await connectFront(relay, { name: 'b' });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    await relayCall(a, 'get');
    await relayCall(a, 'get');
    await relayCall(b, 'get');
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(seen[0]).toBeInstanceOf(ProxyClient);
    expect(seen[0]!.session).toBe(relay.sessions.find((s) => s.clientInfo?.name === 'a'));
    expect(stateful.size).toBe(2);
  });

  it('new() makes a StatefulProxyClient, whose newStateful() works like the original’s', async () => {
    const { server } = createBackend();
    const stateful = new StatefulProxyClient(
      { server, name: 'b' },
      { requestTimeoutMs: 4321, closeWhenIdle: false },
    );
    const copy = stateful.new({ requestTimeoutMs: 1234 });
    cleanup.push(
      () => copy.dispose(),
      () => stateful.dispose(),
      () => server.close(),
    );
    expect(copy).toBeInstanceOf(StatefulProxyClient);
    expect(copy).not.toBe(stateful);
    expect(copy.connector).toBe(stateful.connector);
    expect(copy.options).toEqual({ requestTimeoutMs: 1234, closeWhenIdle: false });
    const perSession: ProxyClient[] = [];
    const relay = createRelay(() => {
      const client = copy.newStateful();
      perSession.push(client);
      return client;
    });
    cleanup.push(() => relay.close());
    const front = await connectFront(relay);
    cleanup.push(() => front.close());
    await relayCall(front, 'put', { value: 5 });
    expect(firstText(await relayCall(front, 'get'))).toBe('value 5');
    expect(copy.size).toBe(1);
    expect(stateful.size).toBe(0);
    expect(perSession[0]).toBe(perSession[1]);
    // The per-session client is a plain client: it keeps no sessions of its own.
    expect(perSession[0]).not.toBeInstanceOf(StatefulProxyClient);
    expect(perSession[0]!.requestTimeoutMs).toBe(1234);
  });

  it('forwards a backend request made between front requests to the session it belongs to', async () => {
    const { server } = createBackend();
    const stateful = new StatefulProxyClient({ server, name: 'b' });
    cleanup.push(
      () => stateful.dispose(),
      () => server.close(),
    );
    const relay = createRelay(() => stateful.newStateful());
    cleanup.push(() => relay.close());
    const front = await connectFront(relay, { roots: [{ uri: 'file:///bound', name: 'bound' }] });
    cleanup.push(() => front.close());
    await relayCall(front, 'get');
    // The backend asks for roots on its own, as servers do after initialize or list_changed.
    const { roots } = await server.sessions[0]!.server.listRoots();
    expect(roots).toEqual([{ uri: 'file:///bound', name: 'bound' }]);
    expect(front.rootsAsked).toBe(1);
  });

  it('a client bound to no session answers such a request with an error saying why', async () => {
    const { server } = createBackend();
    const shared = new ProxyClient({ server, name: 'shared-backend' });
    cleanup.push(
      () => shared.dispose(),
      () => server.close(),
    );
    const relay = createRelay(() => shared);
    cleanup.push(() => relay.close());
    const front = await connectFront(relay);
    cleanup.push(() => front.close());
    await relayCall(front, 'get');
    await expect(server.sessions[0]!.server.listRoots()).rejects.toThrow(
      /Cannot forward roots\/list from backend shared-backend: no client request is active/,
    );
    expect(front.rootsAsked).toBe(0);
  });
});
