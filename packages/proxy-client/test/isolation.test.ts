import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ProxyClient, StatefulProxyClient } from '@org/proxy-client';
import { serveHttp } from '@org/transports';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from './fixtures/backendServer';
import { connectFront, type Front } from './fixtures/front';
import { relayCall, structured } from './fixtures/harness';
import { createRelay, type RelayFactory } from './fixtures/relayServer';

const FRONTS = 5;
const CALLS = 20;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const release of cleanup.splice(0).reverse()) await release();
});

/** Serves a relay over HTTP with `factory`, connects {@link FRONTS} HTTP fronts to it. */
async function frontsOverHttp(factory: RelayFactory): Promise<Front[]> {
  const relay = createRelay(factory);
  const http = await serveHttp(relay, { port: 0 });
  cleanup.push(
    () => relay.close(),
    () => http.close(),
  );
  const fronts = await Promise.all(
    Array.from({ length: FRONTS }, (_unused, i) =>
      connectFront(http.url, {
        name: `front-${i}`,
        sampling: (params) => ({
          role: 'assistant',
          model: `model-of-front-${i}`,
          content: {
            type: 'text',
            text: `front-${i} saw ${JSON.stringify(params.messages[0]?.content)}`,
          },
        }),
        elicitation: (params) => ({
          action: 'accept',
          content: { who: `front-${i} saw ${params.message}` },
        }),
      }),
    ),
  );
  for (const front of fronts) cleanup.push(() => front.close());
  return fronts;
}

/** Each front calls `ask` {@link CALLS} times, `parallel` at a time; all fronts at once. */
async function askEverywhere(fronts: Front[], parallel: number): Promise<void> {
  await Promise.all(
    fronts.map(async (front) => {
      for (let batch = 0; batch < CALLS / parallel; batch++) {
        const results = await Promise.all(
          Array.from({ length: parallel }, (_unused, j) =>
            relayCall(front, 'ask', { tag: `${front.name}/${batch * parallel + j}` }),
          ),
        );
        for (const result of results) expectOwnAnswers(front, result);
      }
    }),
  );
  for (const front of fronts) {
    // Every request that reached a front came from one of its own calls.
    expect(front.sampled).toHaveLength(CALLS);
    expect(front.elicited).toHaveLength(CALLS);
    for (const params of front.sampled) {
      expect(JSON.stringify(params.messages[0]?.content)).toContain(`"${front.name}/`);
    }
    for (const params of front.elicited)
      expect(params.message.startsWith(`${front.name}/`)).toBe(true);
  }
}

function expectOwnAnswers(front: Front, result: CallToolResult): void {
  const { tag, sampled, elicited } = structured(result) as Record<string, string>;
  expect(tag!.startsWith(`${front.name}/`)).toBe(true);
  expect(sampled).toBe(`${front.name} saw ${JSON.stringify({ type: 'text', text: tag })}`);
  expect(elicited).toBe(`${front.name} saw ${tag}`);
}

describe('isolation of concurrent front sessions over streamable HTTP', () => {
  it(`a stateful client: ${FRONTS} fronts × ${CALLS} sampling + ${CALLS} elicitation, none misrouted`, async () => {
    const { server: backend } = createBackend();
    const stateful = new StatefulProxyClient({ server: backend, name: 'backend' });
    cleanup.push(
      () => backend.close(),
      () => stateful.dispose(),
    );
    const fronts = await frontsOverHttp(() => stateful.newStateful());
    await askEverywhere(fronts, 1);
    expect(stateful.size).toBe(FRONTS);
  });

  it('a stateful client with an HTTP backend and concurrent calls within each front', async () => {
    const { server: backend } = createBackend();
    const backendHttp = await serveHttp(backend, { port: 0 });
    cleanup.push(
      () => backend.close(),
      () => backendHttp.close(),
    );
    const stateful = new StatefulProxyClient({ url: backendHttp.url, name: 'backend' });
    cleanup.push(() => stateful.dispose());
    const fronts = await frontsOverHttp(() => stateful.newStateful());
    await askEverywhere(fronts, 4);
    // Hundreds of HTTP round trips: on a loaded 2-core CI machine this has taken 21 s.
  }, 60_000);

  it('one shared connection used by the fronts in turn: each request reaches its own front', async () => {
    const { server: backend, probe } = createBackend();
    const shared = new ProxyClient({ server: backend, name: 'backend' });
    cleanup.push(
      () => backend.close(),
      () => shared.dispose(),
    );
    const fronts = await frontsOverHttp(() => shared);
    for (let round = 0; round < 4; round++) {
      for (const front of fronts) {
        expectOwnAnswers(front, await relayCall(front, 'ask', { tag: `${front.name}/${round}` }));
      }
    }
    // A single backend session, opened in the first front's request, served them all.
    expect(probe.openSessions()).toBe(1);
  });

  it('a fresh client per request (new() with closeWhenIdle)', async () => {
    const { server: backend, probe } = createBackend();
    const base = new ProxyClient({ server: backend, name: 'backend' });
    cleanup.push(
      () => backend.close(),
      () => base.dispose(),
    );
    const fronts = await frontsOverHttp(() => base.new({ closeWhenIdle: true }));
    await askEverywhere(fronts, 5);
    expect(probe.openSessions()).toBe(0);
  });
});
