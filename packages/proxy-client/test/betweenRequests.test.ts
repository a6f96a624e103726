import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { StatefulProxyClient } from '@org/proxy-client';
import { serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { deferred, within } from './fixtures/deferred';
import { connectFront } from './fixtures/front';
import { relayCall } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

const SAMPLING = {
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'on my own' } }],
  maxTokens: 5,
};

/**
 * A backend reached in memory by a stateful client, behind a relay served over streamable HTTP,
 * and one HTTP front using `fetch`. Returns the backend's side of the front's backend session
 * once a first call bound it.
 */
async function boundBackendSession(fetchOfFront: typeof fetch) {
  const backend = createBackend();
  const stateful = new StatefulProxyClient({ server: backend.server, name: 'bound-backend' });
  const relay = createRelay(() => stateful.newStateful());
  const http = await serveHttp(relay, { port: 0 });
  cleanup.push(
    () => backend.server.close(),
    () => stateful.dispose(),
    () => relay.close(),
    () => http.close(),
  );
  const front = await connectFront(http.url, { name: 'http-front', fetch: fetchOfFront });
  cleanup.push(() => front.close());
  await relayCall(front, 'get');
  const session = backend.server.sessions[0];
  if (!session) throw new Error('The backend session did not open');
  return { front, backendServer: session.server };
}

describe('a backend request between front requests, over a streamable HTTP front', () => {
  it('fails at once with a JSON-RPC error when the front has no GET stream open', async () => {
    // A front whose server refuses the standalone stream: nothing can reach it between requests.
    const noGet: typeof fetch = async (input, init) =>
      init?.method === 'GET' ? new Response(null, { status: 405 }) : fetch(input, init);
    const { front, backendServer } = await boundBackendSession(noGet);
    const started = Date.now();
    // The timeout only bounds the test: without the refusal the request would wait for it.
    const failure = await backendServer.createMessage(SAMPLING, { timeout: 8000 }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; message?: string },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failure?.code).toBe(ErrorCode.InvalidRequest);
    expect(failure?.message).toMatch(
      /Cannot forward sampling\/createMessage from backend bound-backend: Cannot send sampling\/createMessage to the client \(session [^)]+\): it relates to no client request and the client has no standalone SSE stream \(GET\) open/,
    );
    expect(front.sampled).toHaveLength(0);
  });

  it('reaches the front on its GET stream when one is open', async () => {
    const streamOpen = deferred();
    const watching: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'GET' && response.ok) streamOpen.resolve();
      return response;
    };
    const { front, backendServer } = await boundBackendSession(watching);
    await within(streamOpen.promise, 5000, 'the front to open its GET stream');
    const answer = await within(
      backendServer.createMessage(SAMPLING, { timeout: 8000 }),
      8000,
      'the answer of a sampling request sent between front requests',
    );
    expect(answer).toMatchObject({ model: 'http-front', content: { text: 'http-front' } });
    expect(front.sampled).toEqual([SAMPLING]);
  });
});
