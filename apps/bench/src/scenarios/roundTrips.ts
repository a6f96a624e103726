import { createProxy, serveInMemory } from '@org/proxy';
import { BackendCounts, countingEchoBackend } from '../backends/countingServer';
import { callEcho, connectTransport } from '../clients';
import { runCalls } from '../measure/load';
import { percentile, sortedCopy } from '../measure/stats';
import { count, ms } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';

type Strategy = 'per-session' | 'per-request' | 'shared';

/** What the backend received per warm `tools/call` under one strategy. */
interface StrategyCounts {
  strategy: Strategy;
  calls: number;
  /** Backend requests of every method, per call. */
  requestsPerCall: number;
  /** Backend messages per call, by method (notifications included). */
  perCallByMethod: Record<string, number>;
  /** Backend sessions opened per call. */
  connectionsPerCall: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSec: number;
}

async function measureStrategy(
  strategy: Strategy,
  sizes: { warmup: number; calls: number },
): Promise<StrategyCounts> {
  const counts = new BackendCounts();
  const proxy = createProxy({ server: countingEchoBackend(counts) }, { strategy });
  try {
    const connection = await serveInMemory(proxy);
    const { client, close } = await connectTransport(connection.clientTransport);
    try {
      const call = () => callEcho(client);
      await runCalls(call, sizes.warmup);
      counts.reset();
      const run = await runCalls(call, sizes.calls);
      const sorted = sortedCopy(run.latencies);
      const perCall = (n: number): number => n / sizes.calls;
      return {
        strategy,
        calls: sizes.calls,
        requestsPerCall: perCall(counts.requests()),
        perCallByMethod: Object.fromEntries(
          [...counts.byMethod].map(([method, n]) => [method, perCall(n)]),
        ),
        connectionsPerCall: perCall(counts.connections),
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        callsPerSec: (sizes.calls * 1000) / run.elapsedMs,
      };
    } finally {
      await close();
      await connection.close();
    }
  } finally {
    await proxy.close();
  }
}

function perMethod(entry: StrategyCounts): string {
  return Object.entries(entry.perCallByMethod)
    .map(([method, n]) => `${method} ${Number(n.toFixed(3))}`)
    .join(', ');
}

function exactlyOne(entry: StrategyCounts): TargetCheck {
  const met = entry.requestsPerCall === 1;
  return {
    name: `backend requests per warm tools/call, ${entry.strategy}`,
    target: 'exactly 1',
    actual: String(Number(entry.requestsPerCall.toFixed(3))),
    met,
    ...(met ? {} : { miss: `missed by ${(entry.requestsPerCall - 1).toFixed(3)} requests` }),
  };
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const results: StrategyCounts[] = [];
  for (const strategy of ['per-session', 'shared', 'per-request'] as const) {
    context.log(`round trips, ${strategy}`);
    results.push(await measureStrategy(strategy, context.sizes.roundTrips));
  }
  return {
    title: 'Backend round trips per call',
    tables: [
      {
        headers: [
          'strategy',
          'backend requests / call',
          'backend sessions / call',
          'backend messages / call, by method',
          'p50 ms',
          'p99 ms',
          'calls/s',
        ],
        rows: results.map((entry) => [
          entry.strategy,
          String(Number(entry.requestsPerCall.toFixed(3))),
          String(Number(entry.connectionsPerCall.toFixed(3))),
          perMethod(entry),
          ms(entry.p50Ms),
          ms(entry.p99Ms),
          count(entry.callsPerSec),
        ]),
      },
    ],
    targets: results.filter((entry) => entry.strategy !== 'per-request').map(exactlyOne),
    notes: [
      `Counted at the backend (an in-process echo server behind a counting transport) over ${context.sizes.roundTrips.calls} warm \`tools/call\`s per strategy, one at a time, after ${context.sizes.roundTrips.warmup} warm-up calls; the client reaches the proxy in memory. "Requests" excludes notifications (\`notifications/initialized\` of each new backend session shows in the by-method column). Timings are for reference: each strategy runs on its own here, not interleaved.`,
    ],
    data: results,
  };
}

/** Scenario 3: how many backend requests a warm call costs under each session strategy. */
export const roundTrips: Scenario = { id: 'roundTrips', number: 3, run };
