import { ProxyClient, ProxyServer } from '@org/proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingBackend } from './fixtures/countingBackend';
import { demoBackend } from './fixtures/demoBackend';
import { type Front, frontInMemory } from './fixtures/fronts';

const fronts: Front[] = [];
let proxy: ProxyServer | undefined;

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  await proxy?.close();
  proxy = undefined;
});

describe('the client factory', () => {
  it('runs once per client request: the lookup and the call share one backend client', async () => {
    const backend = new CountingBackend(demoBackend());
    const made: ProxyClient[] = [];
    const base = new ProxyClient(backend);
    // A fresh backend client per call of the factory: two calls per request would open two
    // backend sessions for one tools/call.
    proxy = new ProxyServer({
      clientFactory: () => {
        const client = base.new({ closeWhenIdle: true });
        made.push(client);
        return client;
      },
      cacheTtlMs: 0,
    });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    const before = made.length;
    await front.client.callTool({ name: 'greet', arguments: { name: 'once' } });
    expect(made.length - before).toBe(1);
    await front.client.readResource({ uri: 'resource://wave' });
    expect(made.length - before).toBe(2);
    await base.dispose();
  });

  it("puts the provider's listener on a client once, however many requests use it", async () => {
    const backend = new CountingBackend(demoBackend());
    const client = new ProxyClient(backend);
    let added = 0;
    const onEvent = client.onEvent.bind(client);
    client.onEvent = (listener) => {
      added += 1;
      return onEvent(listener);
    };
    proxy = new ProxyServer({ clientFactory: () => client });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    for (let i = 0; i < 5; i++) {
      await front.client.callTool({ name: 'greet', arguments: { name: String(i) } });
    }
    expect(added).toBe(1);
    await client.dispose();
  });
});
