import { ProxyClient, StatefulProxyClient } from '@org/proxy-client';
import { serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackendProbe, createBackend } from './fixtures/backendServer';
import { within } from './fixtures/deferred';
import { connectFront, type Front, type FrontOptions } from './fixtures/front';
import { failureText, firstText, relayCall } from './fixtures/harness';
import { createRelay, type RelayFactory } from './fixtures/relayServer';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

/** A fresh backend, served over streamable HTTP when `http`, else reached in memory. */
async function backend(http: boolean) {
  const { server, probe } = createBackend();
  cleanup.push(() => server.close());
  if (!http) return { target: { server, name: 'backend' }, probe };
  const served = await serveHttp(server, { port: 0 });
  cleanup.push(() => served.close());
  return { target: { url: served.url, name: 'backend' }, probe };
}

/** A relay over `factory` and in-memory fronts to it. */
function relayFor(factory: RelayFactory) {
  const relay = createRelay(factory);
  cleanup.push(() => relay.close());
  return async (options: FrontOptions): Promise<Front> => {
    const front = await connectFront(relay, options);
    cleanup.push(() => front.close());
    return front;
  };
}

/**
 * Starts call A (`wait_then_elicit`), then, once it runs on the backend, call B (`wait`, which
 * runs until cancelled) on the same backend session: A's elicitation comes while B, the later
 * one, is in flight.
 */
async function overlap(a: Front, b: Front, probe: BackendProbe, cancelB: AbortController) {
  const first = relayCall(a, 'wait_then_elicit', { tag: 'asked during A' });
  await within(probe.waitThenElicitStarted, 5000, 'call A to start on the backend');
  const second = relayCall(b, 'wait', {}, { signal: cancelB.signal });
  second.catch(() => {});
  return { first, second };
}

describe('a backend request made while several client requests are in flight', () => {
  it('over streamable HTTP, goes to the request it serves: cancelling the later call does not abort it', async () => {
    const { target, probe } = await backend(true);
    const stateful = new StatefulProxyClient(target, { requestTimeoutMs: 8000 });
    cleanup.push(() => stateful.dispose());
    const connect = relayFor(() => stateful.newStateful());
    const cancelB = new AbortController();
    const front = await connect({
      name: 'front',
      elicitation: async () => {
        // Cancel B, and answer only once the backend saw it: if the elicitation had been sent
        // in B's context, the cancellation would have withdrawn it by now.
        cancelB.abort('the user gave up on B');
        await probe.waitAborted;
        return { action: 'accept', content: { who: 'front' } };
      },
    });
    const { first, second } = await overlap(front, front, probe, cancelB);
    const result = await within(first, 8000, 'call A');
    expect(result.isError).toBeFalsy();
    expect(firstText(result)).toBe('accept by front');
    await expect(second).rejects.toThrow();
    expect(front.elicited.map((params) => params.message)).toEqual(['asked during A']);
  });

  it('over streamable HTTP, reaches the right one of two client sessions sharing a backend session', async () => {
    const { target, probe } = await backend(true);
    const shared = new ProxyClient(target, { requestTimeoutMs: 8000 });
    cleanup.push(() => shared.dispose());
    const connect = relayFor(() => shared);
    const a = await connect({ name: 'a' });
    const b = await connect({ name: 'b' });
    const cancelB = new AbortController();
    const { first } = await overlap(a, b, probe, cancelB);
    const result = await within(first, 8000, 'call A');
    cancelB.abort();
    expect(firstText(result)).toBe('accept by a');
    expect(a.elicited).toHaveLength(1);
    expect(b.elicited).toHaveLength(0);
  });

  it('over a wire that does not say (in memory), is refused rather than guessed across client sessions', async () => {
    const { target, probe } = await backend(false);
    const shared = new ProxyClient(target, { requestTimeoutMs: 8000 });
    cleanup.push(() => shared.dispose());
    const connect = relayFor(() => shared);
    const a = await connect({ name: 'a' });
    const b = await connect({ name: 'b' });
    const cancelB = new AbortController();
    const { first } = await overlap(a, b, probe, cancelB);
    const text = await within(failureText(first), 8000, 'call A to fail');
    cancelB.abort();
    expect(text).toContain(
      'Cannot forward elicitation/create from backend backend: requests of 2 client sessions are in flight on one backend session and nothing tells which one it serves',
    );
    expect(a.elicited).toHaveLength(0);
    expect(b.elicited).toHaveLength(0);
  });
});
