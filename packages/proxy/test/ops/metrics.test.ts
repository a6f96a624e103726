import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createProxy, KNOWN_METHODS, ProxyMetrics, type ProxyServer } from '@org/proxy';
import { childPids, waitFor, workspaceStdioCommand } from '@org/test-utils';
import { register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, frontInMemory } from '../fixtures/fronts';
import { callJson, workspaceTarget } from '../isolation/fixtures';
import { metricTypes, parseExposition, type Sample, sampleValue, sumOf } from './metricsText';
import { twoBackendProxy } from './twoBackendProxy';

let proxy: ProxyServer | undefined;
let metrics: ProxyMetrics | undefined;
const fronts: Front[] = [];

afterEach(async () => {
  for (const front of fronts.splice(0)) await front.close();
  metrics?.close();
  metrics = undefined;
  await proxy?.close();
  proxy = undefined;
});

async function scrape(): Promise<Sample[]> {
  return parseExposition(await metrics!.metrics());
}

describe('ProxyMetrics', () => {
  it('counts the requests of two clients through two backends by method, server and outcome', async () => {
    proxy = twoBackendProxy();
    metrics = new ProxyMetrics(proxy);
    const [a, b] = await Promise.all([
      frontInMemory(proxy, {}, 'front-a'),
      frontInMemory(proxy, {}, 'front-b'),
    ]);
    fronts.push(a!, b!);
    await callJson(a!.client, 'alpha_whoami');
    await callJson(a!.client, 'alpha_whoami');
    await callJson(b!.client, 'beta_whoami');
    // Read a resource beta does not have: beta answers with a JSON-RPC error.
    await expect(b!.client.readResource({ uri: 'note://beta/b1/missing' })).rejects.toThrow();
    await b!.client.listTools();

    const samples = await scrape();
    const requests = 'mcp_proxy_requests_total';
    expect(
      sampleValue(samples, requests, { method: 'tools/call', server: 'alpha', outcome: 'ok' }),
    ).toBe(2);
    expect(
      sampleValue(samples, requests, { method: 'tools/call', server: 'beta', outcome: 'ok' }),
    ).toBe(1);
    expect(sumOf(samples, requests, { method: 'resources/read', outcome: 'error' })).toBe(1);
    // Lists are served by every backend: no one server.
    expect(
      sampleValue(samples, requests, { method: 'tools/list', server: '', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(samples, 'mcp_proxy_request_duration_seconds_count', {
        method: 'tools/call',
        server: 'alpha',
      }),
    ).toBe(2);
    // Each client session's backend call went to the backend, and was timed there.
    const backendCalls = 'mcp_proxy_backend_requests_total';
    expect(
      sampleValue(samples, backendCalls, { backend: 'alpha', method: 'tools/call', outcome: 'ok' }),
    ).toBe(2);
    expect(
      sampleValue(samples, backendCalls, { backend: 'beta', method: 'tools/call', outcome: 'ok' }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'mcp_proxy_backend_request_duration_seconds_count', {
        backend: 'beta',
        method: 'tools/call',
      }),
    ).toBe(1);
    const seconds = sampleValue(samples, 'mcp_proxy_backend_request_duration_seconds_sum', {
      backend: 'alpha',
      method: 'tools/call',
    })!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(30);
    // The bucket at +Inf holds every observation, a lower one fewer or as many.
    expect(
      sampleValue(samples, 'mcp_proxy_backend_request_duration_seconds_bucket', {
        backend: 'alpha',
        method: 'tools/call',
        le: '+Inf',
      }),
    ).toBe(2);
    // Two front sessions; per-session: each has its own session (and child) of each backend.
    expect(sampleValue(samples, 'mcp_proxy_front_sessions')).toBe(2);
    expect(sampleValue(samples, 'mcp_proxy_front_sessions_opened_total')).toBe(2);
    expect(sampleValue(samples, 'mcp_proxy_backend_sessions', { backend: 'alpha' })).toBe(2);
    expect(sampleValue(samples, 'mcp_proxy_backend_sessions', { backend: 'beta' })).toBe(2);
    expect(sampleValue(samples, 'mcp_proxy_stdio_children')).toBe(proxy.childLimit!.running);
    expect(sampleValue(samples, 'mcp_proxy_stdio_children')).toBeGreaterThanOrEqual(4);
    expect(sampleValue(samples, 'mcp_proxy_stdio_children_limit')).toBe(100);
    // The calls looked their tools up in the list cache: misses first, hits after.
    const cache = 'mcp_proxy_list_cache_lookups_total';
    expect(
      sampleValue(samples, cache, { backend: 'alpha', kind: 'tools', outcome: 'miss' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(samples, cache, { backend: 'alpha', kind: 'tools', outcome: 'hit' }),
    ).toBeGreaterThanOrEqual(1);
    // Nothing failed to connect or was lost.
    expect(
      sampleValue(samples, 'mcp_proxy_backend_errors_total', { backend: 'alpha', kind: 'connect' }),
    ).toBe(0);
    expect(sampleValue(samples, 'mcp_proxy_backend_restarts_total', { backend: 'alpha' })).toBe(0);
    // Process metrics come along, under the same prefix.
    expect(sampleValue(samples, 'mcp_proxy_process_resident_memory_bytes')).toBeGreaterThan(0);

    await a!.close();
    fronts.splice(0, 1);
    await waitFor(
      async () =>
        sampleValue(await scrape(), 'mcp_proxy_backend_sessions', { backend: 'alpha' }) === 1,
      {
        timeoutMs: 5000,
        what: "alpha's backend sessions to drop to 1",
      },
    );
    expect(sampleValue(await scrape(), 'mcp_proxy_front_sessions')).toBe(1);
  });

  it('never labels a series with a session id, a request id, a tool name or an argument', async () => {
    proxy = twoBackendProxy();
    metrics = new ProxyMetrics(proxy);
    const [a, b] = await Promise.all([frontInMemory(proxy), frontInMemory(proxy)]);
    fronts.push(a!, b!);
    const label = (await callJson<{ session: string }>(a!.client, 'alpha_whoami')).session;
    await a!.client.callTool({
      name: `alpha_only_${label}`,
      arguments: { secret: 'argument-value' },
    });
    await b!.client.callTool({
      name: 'beta_note_add',
      arguments: { name: 'n1', text: 'argument-text' },
    });
    // A method no MCP server serves: counted, if at all, as `other`.
    await a!.client
      .request({ method: 'made/up', params: {} }, CreateMessageRequestSchema)
      .catch(() => {});
    const sessionIds = proxy.sessions.map((s) => s.id);
    expect(sessionIds).toHaveLength(2);
    const samples = await scrape();
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    for (const id of sessionIds) expect(values.has(id)).toBe(false);
    for (const value of values) {
      expect(value).not.toMatch(/whoami|only_|note_add|argument-|made\/up/);
    }
    for (const s of samples) {
      if (s.labels.method !== undefined) {
        expect(KNOWN_METHODS.has(s.labels.method) || s.labels.method === 'other').toBe(true);
      }
      for (const key of ['server', 'backend'] as const) {
        if (s.labels[key] !== undefined) expect(['', 'alpha', 'beta']).toContain(s.labels[key]);
      }
    }
    // Names and types follow the conventions: counters end in _total, durations in _seconds.
    const types = metricTypes(await metrics.metrics());
    for (const [name, type] of types) {
      if (!name.startsWith('mcp_proxy_') || name.startsWith('mcp_proxy_process_')) continue;
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
    // Its own registry: prom-client's global one stays empty of it.
    expect(await globalRegistry.metrics()).not.toContain('mcp_proxy_');
  });

  it('counts forwarded requests by backend, kind and outcome', async () => {
    const alpha = workspaceTarget('s');
    proxy = createProxy(alpha.server);
    metrics = new ProxyMetrics(proxy, { processMetrics: false });
    const front = await frontInMemory(proxy, { capabilities: { sampling: {} } }, 'sampler');
    fronts.push(front);
    front.client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sampled' },
      model: 'test',
    }));
    await callJson(front.client, 'sample', { prompt: 'hi' });
    const name = proxy.backends[0]!.name;
    const samples = await scrape();
    expect(
      sampleValue(samples, 'mcp_proxy_forwarded_requests_total', {
        backend: name,
        kind: 'sampling',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'mcp_proxy_forwarded_request_duration_seconds_count', {
        backend: name,
        kind: 'sampling',
      }),
    ).toBe(1);
    expect(sampleValue(samples, 'mcp_proxy_process_resident_memory_bytes')).toBeUndefined();
  });

  it('counts a lost stdio child as a restart of its backend, and the next call reopens it', async () => {
    proxy = createProxy(workspaceStdioCommand('r'));
    metrics = new ProxyMetrics(proxy, { processMetrics: false });
    const front = await frontInMemory(proxy);
    fronts.push(front);
    await callJson(front.client, 'whoami');
    const name = proxy.backends[0]!.name;
    expect(sampleValue(await scrape(), 'mcp_proxy_stdio_children')).toBe(1);
    const [child] = childPids();
    expect(child).toBeDefined();
    process.kill(child!, 'SIGKILL');
    await waitFor(
      async () =>
        sampleValue(await scrape(), 'mcp_proxy_backend_restarts_total', { backend: name }) === 1,
      {
        timeoutMs: 5000,
        what: 'the restart to be counted',
      },
    );
    expect(sampleValue(await scrape(), 'mcp_proxy_backend_sessions', { backend: name })).toBe(0);
    await callJson(front.client, 'whoami');
    const after = await scrape();
    expect(sampleValue(after, 'mcp_proxy_backend_sessions', { backend: name })).toBe(1);
    expect(sampleValue(after, 'mcp_proxy_stdio_children')).toBe(1);
  });
});
