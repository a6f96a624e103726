import { type BenchClient, callEcho, closeAll, connectHttp } from '../clients';
import { atMost, kb, mb } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';
import { MemoryHost } from './memoryHost';
import type { MemoryReading, MemoryTarget } from './memoryProtocol';

const OPEN_PARALLEL = 8;
const WARM_SESSIONS = 20;

/** Opens `n` sessions, each answering one call (so its backend session exists), then idle. */
async function openSessions(url: string, n: number): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  try {
    while (clients.length < n) {
      const batch = Math.min(OPEN_PARALLEL, n - clients.length);
      const opened = await Promise.all(
        Array.from({ length: batch }, async () => {
          const entry = await connectHttp(url);
          await callEcho(entry.client);
          return entry;
        }),
      );
      clients.push(...opened);
    }
    return clients;
  } catch (error) {
    await closeAll(clients);
    throw error;
  }
}

const MB = 1024 * 1024;

/** How long to wait, at most, for sessions to close, sockets to go and memory to settle. */
const SETTLE_LIMIT_MS = 15_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until the child has `expected` sessions (closing is asynchronous; a session not closed
 * in time is an error). With none expected and `settle`, it also waits until the keep-alive
 * sockets are gone (clients and server drop idle connections after about 5 s) and then until
 * RSS stops falling (V8 gives heap pages back a few seconds after they empty): until 3 s pass
 * without RSS dropping by more than 0.5 MB. Everything is bounded by 15 s.
 */
async function settledReading(
  host: MemoryHost,
  expected: number,
  settle: boolean,
): Promise<MemoryReading> {
  const deadline = performance.now() + SETTLE_LIMIT_MS;
  let reading = await host.measure();
  const waiting = (r: MemoryReading) =>
    r.sessions !== expected || (expected === 0 && settle && r.sockets > 0);
  while (waiting(reading) && performance.now() < deadline) {
    await pause(100);
    reading = await host.measure();
  }
  if (reading.sessions !== expected) {
    throw new Error(`Server still has ${reading.sessions} sessions, expected: ${expected}`);
  }
  if (expected > 0 || !settle) return reading;
  let lowest = reading;
  let since = performance.now();
  while (performance.now() - since < 3_000 && performance.now() < deadline) {
    await pause(500);
    reading = await host.measure();
    if (reading.rss < lowest.rss - MB / 2) since = performance.now();
    if (reading.rss < lowest.rss) lowest = reading;
  }
  return lowest;
}

/** The readings of one child: baseline, then two cycles of opening and closing sessions. */
interface Cycles {
  baseline: MemoryReading;
  first: { open: MemoryReading; closed: MemoryReading };
  second: { open: MemoryReading; closed: MemoryReading };
}

/** How many sessions to open, and whether closed readings wait for memory to settle. */
interface CycleOptions {
  sessions: number;
  settle: boolean;
}

async function cycle(host: MemoryHost, options: CycleOptions): Promise<Cycles['first']> {
  const clients = await openSessions(host.url, options.sessions);
  let open: MemoryReading;
  try {
    open = await settledReading(host, options.sessions, options.settle);
  } finally {
    await closeAll(clients);
  }
  return { open, closed: await settledReading(host, 0, options.settle) };
}

async function measureTarget(
  script: string,
  target: MemoryTarget,
  options: CycleOptions,
): Promise<Cycles> {
  const host = await MemoryHost.start(script, target);
  try {
    await cycle(host, { ...options, sessions: WARM_SESSIONS });
    const baseline = await settledReading(host, 0, options.settle);
    const first = await cycle(host, options);
    const second = await cycle(host, options);
    return { baseline, first, second };
  } finally {
    await host.stop();
  }
}

function readingRow(label: string, reading: MemoryReading, base: MemoryReading, n: number) {
  const rss = reading.rss - base.rss;
  const heap = reading.heapUsed - base.heapUsed;
  const vs = (bytes: number) => (reading === base ? '' : `${mb(bytes)} (${kb(bytes / n)}/session)`);
  return [
    label,
    String(reading.sessions),
    String(reading.sockets),
    mb(reading.rss),
    mb(reading.heapUsed),
    vs(rss),
    vs(heap),
  ];
}

function cycleRows(name: string, cycles: Cycles, n: number): string[][] {
  const { baseline, first, second } = cycles;
  return [
    readingRow(`${name}: baseline`, baseline, baseline, n),
    readingRow(`${name}: ${n} sessions open`, first.open, baseline, n),
    readingRow(`${name}: all closed`, first.closed, baseline, n),
    readingRow(`${name}: ${n} open again`, second.open, baseline, n),
    readingRow(`${name}: all closed again`, second.closed, baseline, n),
  ];
}

function memoryTargets(proxy: Cycles, n: number): TargetCheck[] {
  const { baseline, first, second } = proxy;
  const leftShare = (c: Cycles['first']) =>
    (c.closed.rss - baseline.rss) / (c.open.rss - baseline.rss);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    atMost(
      'proxy RSS growth per idle session',
      (first.open.rss - baseline.rss) / n,
      100 * 1024,
      kb,
    ),
    atMost(
      'proxy RSS left after closing, share of what the sessions added (worse cycle)',
      Math.max(0, leftShare(first), leftShare(second)),
      0.1,
      percent,
    ),
    atMost(
      'proxy heap left per session by a second open-and-close cycle over the first',
      Math.max(0, (second.closed.heapUsed - first.closed.heapUsed) / n),
      1024,
      kb,
    ),
  ];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const n = context.sizes.memorySessions;
  const script = context.paths.memoryChild;
  context.log(`memory, ${n} sessions, proxy`);
  // Quick mode does not wait for sockets and memory to settle (5 to 10 s per reading).
  const options = { sessions: n, settle: !context.quick };
  const proxy = await measureTarget(script, 'proxy', options);
  context.log(`memory, ${n} sessions, echo server alone`);
  const plain = await measureTarget(script, 'plain', options);
  const growth = (cycles: Cycles, key: 'rss' | 'heapUsed') =>
    (cycles.first.open[key] - cycles.baseline[key]) / n;
  const share = `The proxy's own share per session (proxy minus echo alone, first cycle): ${kb(growth(proxy, 'rss') - growth(plain, 'rss'))} RSS, ${kb(growth(proxy, 'heapUsed') - growth(plain, 'heapUsed'))} heap; the rest is what any SDK server session served over streamable HTTP costs.`;
  return {
    title: 'Memory per idle session (streamable HTTP, per-session strategy)',
    tables: [
      {
        headers: [
          'server: moment',
          'sessions',
          'sockets',
          'RSS',
          'heap used',
          'RSS vs baseline',
          'heap vs baseline',
        ],
        rows: [...cycleRows('proxy', proxy, n), ...cycleRows('echo alone', plain, n)],
      },
    ],
    targets: memoryTargets(proxy, n),
    notes: [
      `"proxy": \`createProxy\` of an in-process echo backend (per-session strategy, so each front session has its own backend session, whose SDK server lives in the same process and is counted too) served with \`serveHttp\`. "echo alone": the echo server itself served with \`serveHttp\`, no proxy, for reference: the difference is the proxy's own share. Each runs in a child process started with \`--expose-gc\`; every reading follows \`gc()\`.`,
      `The runner opens ${n} streamable HTTP sessions (${OPEN_PARALLEL} at a time), each making one \`tools/call\`, then leaves them idle (each keeps its standalone SSE stream, one socket, open) and reads; then closes them all (DELETE) and reads once the server reports 0 sessions and 0 sockets (idle keep-alive connections expire after about 5 s) and RSS has stopped falling for 3 s (V8 returns emptied heap pages a few seconds later); then does it all a second time. The baseline follows a warm-up cycle of ${WARM_SESSIONS} sessions.`,
      share,
      'Closing must give the memory back: RSS after closing must have shed at least 90% of what the open sessions added (the small residue is one-time: table capacity and compiled code grown into; the echo server alone shows it too), and a leak, which would grow with every cycle, is checked as the heap in use after a second open-and-close cycle against the first.',
      "The echo servers of the process share one JSON Schema validator: by default every SDK `Server` (and `Client`) makes its own Ajv instance, about 18 KB of heap, which would count the in-process backend's weight as the proxy's. The proxy's own front server and backend client share one validator too (`sharedJsonSchemaValidator` in `@org/core`): they compile nothing on the proxy's paths.",
    ],
    data: { sessions: n, proxy, plain },
  };
}

/** Scenario 5: what an idle front session costs in memory, and that closing gives it back. */
export const memory: Scenario = { id: 'memory', number: 5, run };
