import { createProxy, type ProxyServer, serveInMemory } from '@org/proxy';
import { BackendCounts, countingEchoBackend } from '../backends/countingServer';
import { createEchoServer } from '../backends/echoServer';
import { type BenchClient, callEcho, closeAll, connectInMemory, connectTransport } from '../clients';
import { compare, type LoadStats } from '../measure/compare';
import { runCalls } from '../measure/load';
import { atMost, loadCells, ratio } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';

/** One proxy of the comparison, its counting backend and a connected client. */
interface Setup {
  counts: BackendCounts;
  proxy: ProxyServer;
  client: BenchClient;
}

async function setup(cacheTtlMs: number | undefined): Promise<Setup> {
  const counts = new BackendCounts();
  const proxy = createProxy(
    { server: countingEchoBackend(counts) },
    { strategy: 'per-session', ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }) },
  );
  const connection = await serveInMemory(proxy);
  const client = await connectTransport(connection.clientTransport);
  return {
    counts,
    proxy,
    client: {
      client: client.client,
      close: async () => {
        await client.close();
        await connection.close();
      },
    },
  };
}

/** Backend messages per operation by method, over `calls` further operations. */
async function countPer(
  target: Setup,
  operation: () => Promise<unknown>,
  calls: number,
): Promise<Record<string, number>> {
  target.counts.reset();
  await runCalls(operation, calls);
  return Object.fromEntries(
    [...target.counts.byMethod]
      .filter(([method]) => !method.startsWith('notifications/'))
      .map(([method, n]) => [method, n / calls]),
  );
}

function describe(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return 'none';
  return entries.map(([method, n]) => `${method} ${Number(n.toFixed(3))}`).join(', ');
}

function targets(cold: LoadStats, warm: LoadStats, warmCounts: Record<string, number>) {
  const lists = warmCounts['tools/list'] ?? 0;
  const listCheck: TargetCheck = {
    name: 'backend tools/list per warm tools/call (lookup served by the cache)',
    target: '0',
    actual: String(Number(lists.toFixed(3))),
    met: lists === 0,
    ...(lists === 0 ? {} : { miss: `missed by ${lists.toFixed(3)} requests` }),
  };
  return [listCheck, atMost('p50 warm / cold tools/call', warm.p50Ms / cold.p50Ms, 0.5)];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const setups: Setup[] = [];
  const extra: BenchClient[] = [];
  try {
    const cold = await setup(0);
    setups.push(cold);
    const warm = await setup(undefined);
    setups.push(warm);
    const direct = await connectInMemory({ connect: (t) => createEchoServer().connect(t) });
    extra.push(direct);
    context.log('cache, cold against warm lookups');
    const calls = await compare(
      [
        { name: 'tools/call, cold lookup (cacheTtlMs: 0)', call: () => callEcho(cold.client.client) },
        { name: 'tools/call, warm lookup (cache hit)', call: () => callEcho(warm.client.client) },
      ],
      { concurrency: 1, ...context.sizes.cache },
    );
    const lists = await compare(
      [
        { name: 'tools/list through the proxy', call: () => warm.client.client.listTools() },
        { name: 'tools/list direct', call: () => direct.client.listTools() },
      ],
      { concurrency: 1, ...context.sizes.cache },
    );
    const countCalls = context.sizes.cache.countedCalls;
    const coldCounts = await countPer(cold, () => callEcho(cold.client.client), countCalls);
    const warmCounts = await countPer(warm, () => callEcho(warm.client.client), countCalls);
    const listCounts = await countPer(warm, () => warm.client.client.listTools(), countCalls);
    const [coldStats, warmStats] = calls as [LoadStats, LoadStats];
    const [proxiedList, directList] = lists as [LoadStats, LoadStats];
    const row = (stats: LoadStats, counts: Record<string, number> | undefined, vs: string) => [
      stats.name,
      counts ? describe(counts) : '(no backend)',
      ...loadCells(stats),
      vs,
    ];
    return {
      title: 'Cache: tools/call lookups, cold and warm',
      tables: [
        {
          headers: [
            'operation',
            'backend requests / operation',
            'p50 ms',
            'p99 ms',
            'calls/s (round min–max)',
            'p50 ratio',
          ],
          rows: [
            row(coldStats, coldCounts, ''),
            row(warmStats, warmCounts, `${ratio(warmStats.p50Ms / coldStats.p50Ms)} of cold`),
            row(proxiedList, listCounts, `${ratio(proxiedList.p50Ms / directList.p50Ms)} of direct`),
            row(directList, undefined, ''),
          ],
        },
      ],
      targets: targets(coldStats, warmStats, warmCounts),
      notes: [
        'An explicit `tools/list` always asks the backend (and refreshes the cache) by design, so it is shown for reference only. What the cache serves is the lookup a `tools/call` makes to find the tool: "cold" is a proxy with `cacheTtlMs: 0`, whose every lookup lists the backend; "warm" is the default proxy, whose lookups hit the cache. Both are per-session proxies of an in-process echo backend, reached in memory, one call at a time, measured in alternating rounds.',
        'A warm `tools/call` still makes its one backend request (the call itself); the target counts backend `tools/list` requests. Backend requests are counted over further calls after the timed rounds.',
      ],
      data: {
        cold: { ...coldStats, backendPerCall: coldCounts },
        warm: { ...warmStats, backendPerCall: warmCounts },
        toolsListProxied: { ...proxiedList, backendPerCall: listCounts },
        toolsListDirect: directList,
      },
    };
  } finally {
    await closeAll([...setups.map((entry) => entry.client), ...extra]);
    await Promise.allSettled(setups.map((entry) => entry.proxy.close()));
  }
}

/** Scenario 4: what the component list cache saves on a `tools/call`. */
export const cache: Scenario = { id: 'cache', number: 4, run };
