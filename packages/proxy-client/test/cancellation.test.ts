import { StatefulProxyClient } from '@org/proxy-client';
import { serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { within } from './fixtures/deferred';
import { connectFront } from './fixtures/front';
import { firstText, type Harness, harness, relayCall } from './fixtures/harness';
import { createRelay } from './fixtures/relayServer';

let h: Harness | undefined;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const release of cleanup.splice(0).reverse()) await release();
});

describe('cancellation', () => {
  it('a front’s notifications/cancelled aborts the backend request it caused', async () => {
    h = await harness();
    const controller = new AbortController();
    const call = relayCall(h.front, 'wait', {}, { signal: controller.signal });
    const backendContext = await within(h.probe.waitStarted, 5000, 'the backend tool to start');
    expect(backendContext.signal.aborted).toBe(false);
    controller.abort('user gave up');
    await expect(call).rejects.toThrow();
    // The backend received notifications/cancelled, with the front's reason.
    expect(await within(h.probe.waitAborted, 5000, 'the backend to see the abort')).toBe(
      'user gave up',
    );
    expect(backendContext.signal.aborted).toBe(true);
    // The backend connection is still usable.
    expect(firstText(await relayCall(h.front, 'get'))).toBe('Value not found');
  });

  it('works through a stateful client over streamable HTTP on both sides', async () => {
    const { server: backend, probe } = createBackend();
    const backendHttp = await serveHttp(backend, { port: 0 });
    cleanup.push(
      () => backend.close(),
      () => backendHttp.close(),
    );
    const stateful = new StatefulProxyClient(backendHttp.url, { name: 'http-backend' });
    cleanup.push(() => stateful.dispose());
    const relay = createRelay(() => stateful.newStateful());
    const relayHttp = await serveHttp(relay, { port: 0 });
    cleanup.push(
      () => relay.close(),
      () => relayHttp.close(),
    );
    const front = await connectFront(relayHttp.url);
    cleanup.push(() => front.close());

    const controller = new AbortController();
    const call = relayCall(front, 'wait', {}, { signal: controller.signal });
    await within(probe.waitStarted, 5000, 'the backend tool to start');
    controller.abort('stop now');
    await expect(call).rejects.toThrow();
    expect(await within(probe.waitAborted, 5000, 'the backend to see the abort')).toBe('stop now');
    expect(firstText(await relayCall(front, 'get'))).toBe('Value not found');
  });
});
