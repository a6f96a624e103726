import { createProxy, type ProxyServer, Readiness, serveHttp } from '@org/proxy';
import { waitFor } from '@org/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson, workspaceTarget } from '../isolation/fixtures';

let proxy: ProxyServer | undefined;
let readiness: Readiness | undefined;
const fronts: Front[] = [];
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  readiness?.close();
  await proxy?.close();
  for (const stop of stops.splice(0)) await stop();
});

describe('Readiness', () => {
  it('goes unready when a required HTTP backend closes, and ready again when it is back', async () => {
    const backend = workspaceTarget('h');
    let http = await serveHttp(backend.server, { port: 0 });
    const port = http.port;
    stops.push(() => http.close());
    proxy = createProxy({
      mcpServers: { alpha: { url: http.url, required: true }, beta: { url: http.url } },
    });
    readiness = new Readiness(proxy, { probeIntervalMs: 100, probeTimeoutMs: 2000 });
    const first = await readiness.check();
    expect(first.status).toBe('ready');
    expect(first.backends.map((b) => [b.name, b.state, b.required])).toEqual([
      ['alpha', 'up', true],
      ['beta', 'up', false],
    ]);
    await http.close();
    await waitFor(async () => (await readiness!.check()).status === 'unready', {
      timeoutMs: 10_000,
      what: 'the proxy to be unready',
    });
    const down = readiness.report().backends.find((b) => b.name === 'alpha')!;
    expect(down.state).toBe('down');
    expect(down.lastError).toBeTruthy();
    http = await serveHttp(backend.server, { port });
    await waitFor(async () => (await readiness!.check()).status === 'ready', {
      timeoutMs: 15_000,
      what: 'the proxy to be ready again',
    });
  });

  it('reports a backend slow on its recent calls as degraded, still ready', async () => {
    proxy = createProxy(workspaceTarget('d').server);
    readiness = new Readiness(proxy, { minCalls: 3, slowMs: 80, probeIntervalMs: false });
    const [a, b] = await Promise.all([frontInMemory(proxy), frontInMemory(proxy)]);
    fronts.push(a!, b!);
    await callJson(a!.client, 'whoami');
    expect(readiness.report().backends[0]!.state).toBe('up');
    await Promise.all([
      callJson(a!.client, 'tick', { steps: 2, intervalMs: 60 }),
      callJson(b!.client, 'tick', { steps: 2, intervalMs: 60 }),
      callJson(b!.client, 'tick', { steps: 2, intervalMs: 60 }),
    ]);
    const report = readiness.report();
    expect(report.status).toBe('ready');
    expect(report.backends[0]!.state).toBe('degraded');
    expect(report.backends[0]!.reason).toMatch(/latency/);
  });

  it('reports a backend failing some of its recent calls as degraded, with its last error', async () => {
    proxy = createProxy(workspaceTarget('e').server);
    readiness = new Readiness(proxy, { minCalls: 4, errorRatio: 0.3, probeIntervalMs: false });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    const label = (await callJson<{ session: string }>(front.client, 'whoami')).session;
    for (const name of ['x', 'y', 'z']) {
      await expect(front.client.readResource({ uri: `note://${label}/${name}` })).rejects.toThrow();
    }
    const [backend] = readiness.report().backends;
    expect(backend!.errors).toBeGreaterThanOrEqual(3);
    expect(backend!.state).toBe('degraded');
    expect(backend!.lastError).toMatch(/not found/i);
    expect(readiness.report().status).toBe('ready');
  });
});
