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

/**
 * Reads until the child has `expected` sessions (closing is asynchronous; a session not closed
 * within 10 s is an error) and, with none expected, until keep-alive sockets are gone too (at
 * most 10 s: clients and server drop idle connections after about 5 s).
 */
async function settledReading(host: MemoryHost, expected: number): Promise<MemoryReading> {
  const deadline = performance.now() + 10_000;
  const settled = (r: MemoryReading) =>
    r.sessions === expected && (expected > 0 || r.sockets === 0);
  let reading = await host.measure();
  while (!settled(reading) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    reading = await host.measure();
  }
  if (reading.sessions !== expected) {
    throw new Error(`Server still has ${reading.sessions} sessions, expected: ${expected}`);
  }
  return reading;
}

/** The readings of one child: baseline, then two cycles of opening and closing sessions. */
interface Cycles {
  baseline: MemoryReading;
  first: { open: MemoryReading; closed: MemoryReading };
  second: { open: MemoryReading; closed: MemoryReading };
}

async function cycle(host: MemoryHost, n: number): Promise<Cycles['first']> {
  const clients = await openSessions(host.url, n);
  let open: MemoryReading;
  try {
    open = await settledReading(host, n);
  } finally {
    await closeAll(clients);
  }
  return { open, closed: await settledReading(host, 0) };
}

async function measureTarget(script: string, target: MemoryTarget, n: number): Promise<Cycles> {
  const host = await MemoryHost.start(script, target);
  try {
    await cycle(host, WARM_SESSIONS);
    const baseline = await settledReading(host, 0);
    const first = await cycle(host, n);
    const second = await cycle(host, n);
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
  const perSession = (bytes: number) => Math.max(0, bytes / n);
  return [
    atMost(
      'proxy RSS growth per idle session',
      (first.open.rss - baseline.rss) / n,
      100 * 1024,
      kb,
    ),
    atMost(
      'proxy RSS left per session by a second open-and-close cycle over the first',
      perSession(second.closed.rss - first.closed.rss),
      1024,
      kb,
    ),
    atMost(
      'proxy heap left per session by a second open-and-close cycle over the first',
      perSession(second.closed.heapUsed - first.closed.heapUsed),
      1024,
      kb,
    ),
  ];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const n = context.sizes.memorySessions;
  const script = context.paths.memoryChild;
  context.log(`memory, ${n} sessions, proxy`);
  const proxy = await measureTarget(script, 'proxy', n);
  context.log(`memory, ${n} sessions, echo server alone`);
  const plain = await measureTarget(script, 'plain', n);
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
      `The runner opens ${n} streamable HTTP sessions (${OPEN_PARALLEL} at a time), each making one \`tools/call\`, then leaves them idle (each keeps its standalone SSE stream, one socket, open) and reads; then closes them all (DELETE) and reads once the server reports 0 sessions and 0 sockets (idle keep-alive connections expire after about 5 s); then does it all a second time. The baseline follows a warm-up cycle of ${WARM_SESSIONS} sessions.`,
      share,
      'After closing, RSS and heap come back down but not quite to the baseline: V8 and the allocator keep some pages and table capacity they grew into (the echo server alone shows the same one-time residue). A leak would grow with every cycle, so "no growth left" is checked as a second open-and-close cycle leaving nothing over the first.',
    ],
    data: { sessions: n, proxy, plain },
  };
}

/** Scenario 5: what an idle front session costs in memory, and that closing gives it back. */
export const memory: Scenario = { id: 'memory', number: 5, run };
