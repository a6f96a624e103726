import { type BenchClient, callEcho, closeAll, connectHttp, connectStdio } from '../clients';
import { type CompareOptions, type Contender, compare, type LoadStats } from '../measure/compare';
import { processCpuUs, treeCpuUs } from '../procs/cpuTime';
import { echoCommand, type RunningProxy, startMcpProxy, startOurHttpProxy } from '../procs/proxies';
import { atLeast, count, loadCells, ratio } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput, TargetCheck } from '../scenario';

/** A way to reach the echo backend: directly over stdio, or through an HTTP proxy. */
interface Route {
  name: string;
  connect(): Promise<BenchClient>;
  /** CPU time so far of the processes serving `clients`, by role. */
  cpu(clients: readonly BenchClient[]): Record<string, number>;
}

/** CPU of a proxy process (`proxy`) and of its children (`backend`). */
function proxyCpu(proxy: RunningProxy): () => Record<string, number> {
  return () => {
    const { own, descendants } = treeCpuUs(proxy.group.pid);
    return { proxy: own, backend: descendants };
  };
}

/** CPU of the stdio children of direct clients (`backend`). */
function directCpu(clients: readonly BenchClient[]): Record<string, number> {
  return { backend: clients.reduce((sum, c) => sum + (c.pid ? processCpuUs(c.pid) : 0), 0) };
}

/** How the calls of one measurement are spread. */
interface Mode {
  label: string;
  concurrency: number;
  sessions: number;
  sizes: Omit<CompareOptions, 'concurrency'>;
}

async function measureMode(routes: readonly Route[], mode: Mode): Promise<LoadStats[]> {
  const opened: BenchClient[] = [];
  try {
    const contenders: Contender[] = [];
    for (const route of routes) {
      const clients: BenchClient[] = [];
      const connecting = Array.from({ length: mode.sessions }, () =>
        route.connect().then((client) => {
          clients.push(client);
          opened.push(client);
        }),
      );
      await Promise.all(connecting);
      contenders.push({
        name: route.name,
        sessions: mode.sessions,
        call: (worker) => callEcho(clients[worker % clients.length]!.client),
        cpu: () => route.cpu(clients),
      });
    }
    return await compare(contenders, { concurrency: mode.concurrency, ...mode.sizes });
  } finally {
    await closeAll(opened);
  }
}

const OURS = 'org-mcp-proxy (per-session, default)';
const OURS_SHARED = 'org-mcp-proxy (--strategy shared)';
const PEER = 'mcp-proxy';
const DIRECT = 'direct stdio (floor)';

function byName(stats: readonly LoadStats[], name: string): LoadStats {
  const found = stats.find((entry) => entry.name === name);
  if (!found) throw new Error(`No measurement named: ${name}`);
  return found;
}

function modeRows(mode: Mode, stats: readonly LoadStats[]): string[][] {
  const peer = byName(stats, PEER);
  const cpu = (entry: LoadStats, role: string) => {
    const us = entry.cpuUsPerCall?.[role];
    return us === undefined ? '–' : count(us);
  };
  return stats.map((entry) => [
    mode.label,
    entry.name,
    ...loadCells(entry),
    entry.name === PEER ? '' : ratio(entry.callsPerSec.median / peer.callsPerSec.median),
    cpu(entry, 'client'),
    cpu(entry, 'proxy'),
    cpu(entry, 'backend'),
  ]);
}

function modeTargets(mode: Mode, stats: readonly LoadStats[]): TargetCheck[] {
  const floor = mode.concurrency === 1 ? 1 : 1.5;
  const peer = byName(stats, PEER).callsPerSec.median;
  return [OURS, OURS_SHARED].map((name) =>
    atLeast(
      `calls/s ${name} / mcp-proxy, ${mode.label}`,
      byName(stats, name).callsPerSec.median / peer,
      floor,
    ),
  );
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const { paths, sizes } = context;
  const proxies: RunningProxy[] = [];
  try {
    const ours = await startOurHttpProxy(paths, 'per-session');
    proxies.push(ours);
    const oursShared = await startOurHttpProxy(paths, 'shared');
    proxies.push(oursShared);
    const peer = await startMcpProxy(paths);
    proxies.push(peer);
    const [node, ...args] = echoCommand(paths) as [string, ...string[]];
    const routes: Route[] = [
      { name: DIRECT, connect: () => connectStdio(node, args), cpu: directCpu },
      { name: OURS, connect: () => connectHttp(ours.url), cpu: proxyCpu(ours) },
      { name: OURS_SHARED, connect: () => connectHttp(oursShared.url), cpu: proxyCpu(oursShared) },
      { name: PEER, connect: () => connectHttp(peer.url), cpu: proxyCpu(peer) },
    ];
    const c = sizes.httpConcurrency;
    const modes: Mode[] = [
      { label: 'c=1, 1 session', concurrency: 1, sessions: 1, sizes: sizes.http },
      { label: `c=${c}, 1 session`, concurrency: c, sessions: 1, sizes: sizes.http },
      { label: `c=${c}, ${c} sessions`, concurrency: c, sessions: c, sizes: sizes.http },
    ];
    const measured: { mode: Mode; stats: LoadStats[] }[] = [];
    for (const mode of modes) {
      context.log(`HTTP front, ${mode.label}`);
      measured.push({ mode, stats: await measureMode(routes, mode) });
    }
    return {
      title: 'HTTP front, stdio backend, against mcp-proxy',
      tables: [
        {
          headers: [
            'load',
            'path',
            'p50 ms',
            'p99 ms',
            'calls/s (round min–max)',
            'calls/s vs mcp-proxy',
            'CPU µs/call: client',
            'proxy',
            'backend',
          ],
          rows: measured.flatMap(({ mode, stats }) => modeRows(mode, stats)),
        },
      ],
      targets: measured.flatMap(({ mode, stats }) => modeTargets(mode, stats)),
      notes: [
        `The same SDK client (streamable HTTP) calls \`echo\` on the stdio echo backend through our CLI (\`org-mcp-proxy --transport http -- node echoBackend.js\`) and through \`mcp-proxy\` ${paths.mcpProxyVersion} (\`mcp-proxy --host 127.0.0.1 --port N -- node echoBackend.js\`, its streamable HTTP endpoint \`/mcp\`), both with default settings otherwise. "direct stdio" is an SDK client talking to the echo backend over stdio with no proxy: the floor.`,
        '`mcp-proxy` runs one backend child shared by every client session; our default `per-session` strategy runs one backend child per client session (16 children with 16 sessions), `--strategy shared` one for all, as `mcp-proxy` does. The targets are checked for both.',
        "Client, proxy and backend share the 2 cores, so calls/s is bounded by their sum. The CPU columns say where the time goes: CPU time per call (user + system, from `/proc` and `process.cpuUsage()` over the measured rounds) of the benchmark process (the SDK client), of the proxy process, and of the backend child(ren). The proxy column is the proxy's own cost.",
        'c=16, 1 session: 16 requests in flight on one session. c=16, 16 sessions: 16 sessions with one request in flight each.',
      ],
      data: Object.fromEntries(measured.map(({ mode, stats }) => [mode.label, stats])),
    };
  } finally {
    await Promise.allSettled(proxies.map((proxy) => proxy.group.stop()));
  }
}

/** Scenario 2: our CLI's HTTP front against `mcp-proxy`, both in front of a stdio backend. */
export const httpFront: Scenario = { id: 'httpFront', number: 2, run };
