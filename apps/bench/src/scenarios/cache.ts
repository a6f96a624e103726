import { createProxy, type ProxyServer, serveInMemory } from '@org/proxy';
import { BackendCounts, countingEchoBackend } from '../backends/countingServer';
import { createEchoServer } from '../backends/echoServer';
import {
  type BenchClient,
  callEcho,
  closeAll,
  connectInMemory,
  connectTransport,
} from '../clients';
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

function targets(
  coldList: LoadStats,
  warmList: LoadStats,
  warmListCounts: Record<string, number>,
  warmCallCounts: Record<string, number>,
): TargetCheck[] {
  const zero = (name: string, counts: Record<string, number>, method: string): TargetCheck => {
    const n = counts[method] ?? 0;
    return {
      name,
      target: '0',
      actual: String(Number(n.toFixed(3))),
      met: n === 0,
      ...(n === 0 ? {} : { miss: `missed by ${n.toFixed(3)} requests` }),
    };
  };
  return [
    zero('backend requests per warm tools/list', warmListCounts, 'tools/list'),
    atMost('p50 warm / cold tools/list', warmList.p50Ms / coldList.p50Ms, 0.5),
    zero(
      'backend tools/list per warm tools/call (lookup served by the cache)',
      warmCallCounts,
      'tools/list',
    ),
  ];
}

function lookup(target: Setup): () => Promise<unknown> {
  const provider = target.proxy.proxyProviders[0]!;
  return async () => {
    if (!(await provider.getTool('echo'))) throw new Error('Lookup found no tool: echo');
  };
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const setups: Setup[] = [];
  const extra: BenchClient[] = [];
  const { countedCalls, ...sizes } = context.sizes.cache;
  const options = { concurrency: 1, ...sizes };
  try {
    const cold = await setup(0);
    setups.push(cold);
    const warm = await setup(undefined);
    setups.push(warm);
    const direct = await connectInMemory({ connect: (t) => createEchoServer().connect(t) });
    extra.push(direct);
    const callCold = () => callEcho(cold.client.client);
    const callWarm = () => callEcho(warm.client.client);
    const listProxied = () => warm.client.client.listTools();
    const listCold = () => cold.client.client.listTools();
    context.log('cache, cold against warm lists and lookups');
    const [coldList, warmList] = (await compare(
      [
        { name: 'tools/list, cold (cacheTtlMs: 0)', call: listCold },
        { name: 'tools/list, warm (cache hit)', call: listProxied },
      ],
      options,
    )) as [LoadStats, LoadStats];
    const [coldCall, warmCall] = (await compare(
      [
        { name: 'tools/call, cold lookup (cacheTtlMs: 0)', call: callCold },
        { name: 'tools/call, warm lookup (cache hit)', call: callWarm },
      ],
      options,
    )) as [LoadStats, LoadStats];
    const [coldLookup, warmLookup] = (await compare(
      [
        { name: 'lookup alone (getTool), cold', call: lookup(cold) },
        { name: 'lookup alone (getTool), warm', call: lookup(warm) },
      ],
      options,
    )) as [LoadStats, LoadStats];
    const [proxiedList, directList] = (await compare(
      [
        { name: 'tools/list through the proxy', call: listProxied },
        { name: 'tools/list direct', call: () => direct.client.listTools() },
      ],
      options,
    )) as [LoadStats, LoadStats];
    const counts = {
      coldCall: await countPer(cold, callCold, countedCalls),
      warmCall: await countPer(warm, callWarm, countedCalls),
      coldLookup: await countPer(cold, lookup(cold), countedCalls),
      warmLookup: await countPer(warm, lookup(warm), countedCalls),
      list: await countPer(warm, listProxied, countedCalls),
      coldList: await countPer(cold, listCold, countedCalls),
    };
    const row = (stats: LoadStats, perOp: Record<string, number> | undefined, vs: string) => [
      stats.name,
      perOp ? describe(perOp) : '(no proxy)',
      ...loadCells(stats),
      vs,
    ];
    const ofCold = (warmStats: LoadStats, coldStats: LoadStats) =>
      `${ratio(warmStats.p50Ms / coldStats.p50Ms)} of cold`;
    return {
      title: 'Cache: lists and lookups, cold and warm',
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
            row(coldList, counts.coldList, ''),
            row(warmList, counts.list, ofCold(warmList, coldList)),
            row(coldCall, counts.coldCall, ''),
            row(warmCall, counts.warmCall, ofCold(warmCall, coldCall)),
            row(coldLookup, counts.coldLookup, ''),
            row(warmLookup, counts.warmLookup, ofCold(warmLookup, coldLookup)),
            row(
              proxiedList,
              counts.list,
              `${ratio(proxiedList.p50Ms / directList.p50Ms)} of direct`,
            ),
            row(directList, undefined, ''),
          ],
        },
      ],
      targets: [
        ...targets(coldList, warmList, counts.list, counts.warmCall),
        atMost('p50 warm / cold tools/call', warmCall.p50Ms / coldCall.p50Ms, 0.5),
        atMost('p50 warm / cold lookup alone (getTool)', warmLookup.p50Ms / coldLookup.p50Ms, 0.5),
      ],
      notes: [
        '"Cold" is a per-session proxy with `cacheTtlMs: 0`: every list and every lookup asks the backend. "Warm" is the default proxy (300 s TTL): a client `tools/list` within the TTL is served from the cache, and so is the lookup a `tools/call` makes to find its tool. Both front an in-process echo backend reached in memory, one operation at a time, cold and warm in alternating rounds. Backend requests are counted over further operations after the timed rounds.',
        'A warm `tools/call` still makes its one backend request, the call itself; a cold one lists first. With a list costing about what a call costs, warm / cold for a whole `tools/call` cannot go below about 0.5x whatever the cache does. The "lookup alone" rows time `ProxyProvider.getTool()` to show the cache\'s own effect. `tools/list direct` (no proxy) is the floor.',
      ],
      data: {
        coldCall: { ...coldCall, backendPerCall: counts.coldCall },
        warmCall: { ...warmCall, backendPerCall: counts.warmCall },
        coldLookup: { ...coldLookup, backendPerCall: counts.coldLookup },
        warmLookup: { ...warmLookup, backendPerCall: counts.warmLookup },
        toolsListProxied: { ...proxiedList, backendPerCall: counts.list },
        toolsListCold: { ...coldList, backendPerCall: counts.coldList },
        toolsListWarm: { ...warmList, backendPerCall: counts.list },
        toolsListDirect: directList,
      },
    };
  } finally {
    await closeAll([...setups.map((entry) => entry.client), ...extra]);
    await Promise.allSettled(setups.map((entry) => entry.proxy.close()));
  }
}

/** Scenario 4: what the component list cache saves on lists and on a `tools/call`. */
export const cache: Scenario = { id: 'cache', number: 4, run };
