import { type BenchClient, callEcho, closeAll, connectHttp } from '../clients';
import { atMost, kb, mb } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';
import { MemoryHost } from './memoryHost';
import type { MemoryReading } from './memoryProtocol';

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

/** Reads until the child has `expected` sessions (closing is asynchronous), at most 10 s. */
async function settledReading(host: MemoryHost, expected: number): Promise<MemoryReading> {
  const deadline = performance.now() + 10_000;
  let reading = await host.measure();
  while (reading.sessions !== expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    reading = await host.measure();
  }
  if (reading.sessions !== expected) {
    throw new Error(`Proxy still has ${reading.sessions} sessions, expected: ${expected}`);
  }
  return reading;
}

async function cycle(host: MemoryHost, n: number): Promise<{ open: MemoryReading; closed: MemoryReading }> {
  const clients = await openSessions(host.url, n);
  let open: MemoryReading;
  try {
    open = await settledReading(host, n);
  } finally {
    await closeAll(clients);
  }
  return { open, closed: await settledReading(host, 0) };
}

function readingRow(label: string, reading: MemoryReading, base: MemoryReading, n: number) {
  const rss = reading.rss - base.rss;
  const heap = reading.heapUsed - base.heapUsed;
  return [
    label,
    String(reading.sessions),
    mb(reading.rss),
    mb(reading.heapUsed),
    label === 'baseline' ? '' : `${mb(rss)} (${kb(rss / n)}/session)`,
    label === 'baseline' ? '' : `${mb(heap)} (${kb(heap / n)}/session)`,
  ];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const n = context.sizes.memorySessions;
  const host = await MemoryHost.start(context.paths.memoryChild);
  try {
    context.log(`memory, ${n} sessions`);
    await cycle(host, WARM_SESSIONS);
    const baseline = await settledReading(host, 0);
    const first = await cycle(host, n);
    const second = await cycle(host, n);
    const perSession = (reading: MemoryReading) => (reading.rss - baseline.rss) / n;
    const heapPerSession = (reading: MemoryReading) => (reading.heapUsed - baseline.heapUsed) / n;
    const targets: TargetCheck[] = [
      atMost('RSS growth per idle session', perSession(first.open), 100 * 1024, kb),
      atMost(
        'heap left per session after closing (first cycle)',
        Math.max(0, heapPerSession(first.closed)),
        1024,
        kb,
      ),
      atMost(
        'RSS left per session after a second open-and-close cycle',
        Math.max(0, (second.closed.rss - first.closed.rss) / n),
        1024,
        kb,
      ),
    ];
    return {
      title: 'Memory per idle session (streamable HTTP, per-session strategy)',
      tables: [
        {
          headers: ['moment', 'sessions', 'RSS', 'heap used', 'RSS vs baseline', 'heap vs baseline'],
          rows: [
            readingRow('baseline', baseline, baseline, n),
            readingRow(`${n} sessions open`, first.open, baseline, n),
            readingRow('all closed', first.closed, baseline, n),
            readingRow(`${n} sessions open again`, second.open, baseline, n),
            readingRow('all closed again', second.closed, baseline, n),
          ],
        },
      ],
      targets,
      notes: [
        `The proxy (\`createProxy\` of an in-process echo backend, per-session strategy, \`serveHttp\`) runs in a child process started with \`--expose-gc\`; every reading follows \`gc()\`. The runner opens ${n} streamable HTTP sessions (${OPEN_PARALLEL} at a time), each making one \`tools/call\` so that its backend session exists, then leaves them idle (each keeps its standalone SSE stream open), reads, then closes them all (DELETE) and reads again once the proxy reports 0 sessions; then does it all a second time. The baseline follows a warm-up cycle of ${WARM_SESSIONS} sessions.`,
        'After closing, V8 and the allocator keep some of the pages they grew into, so RSS does not fall back to the baseline at once; what matters is that heap in use returns and that a second cycle does not leave more behind than the first (no accumulation).',
      ],
      data: { sessions: n, baseline, first, second },
    };
  } finally {
    await host.stop();
  }
}

/** Scenario 5: what an idle front session costs in memory, and that closing gives it back. */
export const memory: Scenario = { id: 'memory', number: 5, run };
