import { createProxy, serveInMemory } from '@org/proxy';
import { createEchoServer } from '../backends/echoServer';
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

function rows(direct: LoadStats, proxied: LoadStats): string[][] {
  const c = String(direct.concurrency);
  return [
    [c, 'direct', ...loadCells(direct), '', ''],
    [
      c,
      'through ProxyServer',
      ...loadCells(proxied),
      ratio(proxied.p50Ms / direct.p50Ms),
      ratio(proxied.callsPerSec.median / direct.callsPerSec.median),
    ],
  ];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const clients: BenchClient[] = [];
  const proxy = createProxy({ server: () => createEchoServer() }, { strategy: 'per-session' });
  try {
    const direct = await connectInMemory({ connect: (t) => createEchoServer().connect(t) });
    clients.push(direct);
    const connection = await serveInMemory(proxy);
    const proxied = await connectTransport(connection.clientTransport);
    clients.push(proxied);
    const contenders = [
      { name: 'direct', call: () => callEcho(direct.client) },
      { name: 'proxied', call: () => callEcho(proxied.client) },
    ];
    const results: LoadStats[][] = [];
    for (const [concurrency, sizes] of [
      [1, context.sizes.inMemory],
      [16, context.sizes.inMemory],
    ] as const) {
      context.log(`in-memory hop, concurrency ${concurrency}`);
      results.push(await compare(contenders, { concurrency, ...sizes }));
    }
    const [c1, c16] = results as [[LoadStats, LoadStats], [LoadStats, LoadStats]];
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
          rows: [...rows(...c1), ...rows(...c16)],
        },
      ],
      targets: [...checks(1, ...c1), ...checks(16, ...c16)],
      notes: [
        'An SDK client calls the `echo` tool of an in-process SDK low-level server, either directly over an in-memory transport pair or through a `ProxyServer` (`createProxy`, per-session strategy) served with `serveInMemory`, whose backend is the same echo server in process. Concurrency 16 means 16 requests in flight on one session.',
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
