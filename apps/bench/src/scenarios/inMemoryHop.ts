import { createProxy, serveInMemory } from '@org/proxy';
import { createEchoServer } from '../backends/echoServer';
import { createSdkRelay } from '../backends/sdkRelay';
import {
  type BenchClient,
  callEcho,
  closeAll,
  connectInMemory,
  connectTransport,
} from '../clients';
import { compare, type LoadStats } from '../measure/compare';
import { atLeast, atMost, loadCells, ratio } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';

const DIRECT = 'direct';
const RELAY = 'minimal SDK relay (reference)';
const PROXY = 'through ProxyServer';

function checks(concurrency: number, direct: LoadStats, proxied: LoadStats): TargetCheck[] {
  return [
    atMost(`p50 proxied / direct, concurrency ${concurrency}`, proxied.p50Ms / direct.p50Ms, 2),
    atLeast(
      `calls/s proxied / direct, concurrency ${concurrency}`,
      proxied.callsPerSec.median / direct.callsPerSec.median,
      0.5,
    ),
  ];
}

function rows(stats: readonly LoadStats[]): string[][] {
  const direct = stats[0]!;
  return stats.map((entry) => [
    String(entry.concurrency),
    entry.name,
    ...loadCells(entry),
    entry === direct ? '' : ratio(entry.p50Ms / direct.p50Ms),
    entry === direct ? '' : ratio(entry.callsPerSec.median / direct.callsPerSec.median),
  ]);
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const clients: BenchClient[] = [];
  const proxy = createProxy({ server: () => createEchoServer() }, { strategy: 'per-session' });
  try {
    const direct = await connectInMemory({ connect: (t) => createEchoServer().connect(t) });
    clients.push(direct);
    const relayBackend = await connectInMemory({ connect: (t) => createEchoServer().connect(t) });
    clients.push(relayBackend);
    const relay = await connectInMemory(createSdkRelay(relayBackend.client));
    clients.push(relay);
    const connection = await serveInMemory(proxy);
    const proxied = await connectTransport(connection.clientTransport);
    clients.push(proxied);
    const contenders = [
      { name: DIRECT, call: () => callEcho(direct.client) },
      { name: RELAY, call: () => callEcho(relay.client) },
      { name: PROXY, call: () => callEcho(proxied.client) },
    ];
    const results: LoadStats[][] = [];
    for (const concurrency of [1, 16]) {
      context.log(`in-memory hop, concurrency ${concurrency}`);
      results.push(await compare(contenders, { concurrency, ...context.sizes.inMemory }));
    }
    const [c1, c16] = results as [LoadStats[], LoadStats[]];
    const pick = (stats: LoadStats[], name: string) => stats.find((s) => s.name === name)!;
    return {
      title: 'In-memory hop cost',
      tables: [
        {
          headers: [
            'concurrency',
            'path',
            'p50 ms',
            'p99 ms',
            'calls/s (round min–max)',
            'p50 vs direct',
            'calls/s vs direct',
          ],
          rows: [...rows(c1), ...rows(c16)],
        },
      ],
      targets: [
        ...checks(1, pick(c1, DIRECT), pick(c1, PROXY)),
        ...checks(16, pick(c16, DIRECT), pick(c16, PROXY)),
      ],
      notes: [
        'An SDK client calls the `echo` tool of an in-process SDK low-level server, either directly over an in-memory transport pair or through a `ProxyServer` (`createProxy`, per-session strategy) served with `serveInMemory`, whose backend is the same echo server in process. Concurrency 16 means 16 requests in flight on one session.',
        'The "minimal SDK relay" is a reference, not a product: an SDK `Server` whose handlers pass `tools/list` and `tools/call` to an SDK `Client` of the echo server, nothing else. It shows what the second SDK hop alone costs (each hop validates every message with zod on both ends), so the gap between it and `ProxyServer` is the framework\'s own cost (lookup, request context, cancellation and progress plumbing, telemetry).',
      ],
      data: { concurrency1: c1, concurrency16: c16 },
    };
  } finally {
    await closeAll(clients);
    await proxy.close();
  }
}

/** Scenario 1: what the proxy hop costs, with no transport cost to hide it. */
export const inMemoryHop: Scenario = { id: 'inMemoryHop', number: 1, run };
