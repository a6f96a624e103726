import { type BenchClient, connectHttp, connectStdio } from '../clients';
import { type Spread, spreadOf } from '../measure/stats';
import type { BenchPaths } from '../paths';
import { ChildGroup } from '../procs/childProcess';
import { freePort, waitForPort } from '../procs/ports';
import { echoCommand, mcpProxyArgs, ourHttpArgs } from '../procs/proxies';
import { atMost, ms, ratio } from '../report/format';
import type { BenchContext, Scenario, ScenarioOutput } from '../scenario';

/** One way of starting a server and getting its tool list. */
interface Starter {
  name: string;
  front: string;
  /** Starts, lists the tools, and returns the elapsed milliseconds and a way to clean up. */
  once(): Promise<{ elapsedMs: number; cleanup(): Promise<void> }>;
}

async function timedStdio(command: string, args: string[]) {
  const t0 = performance.now();
  let client: BenchClient | undefined;
  try {
    client = await connectStdio(command, args);
    await client.client.listTools();
  } catch (error) {
    await client?.close();
    throw error;
  }
  const elapsedMs = performance.now() - t0;
  const opened = client;
  return { elapsedMs, cleanup: () => opened.close() };
}

async function timedHttp(args: (port: number) => string[], path: string) {
  const port = await freePort();
  const t0 = performance.now();
  const group = await ChildGroup.start(process.execPath, args(port));
  let client: BenchClient | undefined;
  try {
    await waitForPort(port, 15_000);
    client = await connectHttp(`http://127.0.0.1:${port}${path}`);
    await client.client.listTools();
  } catch (error) {
    await client?.close();
    await group.stop();
    throw new Error(`${(error as Error).message}: ${group.output()}`);
  }
  const elapsedMs = performance.now() - t0;
  const opened = client;
  return {
    elapsedMs,
    cleanup: async () => {
      await opened.close();
      await group.stop();
    },
  };
}

const OURS_STDIO = 'org-mcp-proxy, stdio front';
const OURS_HTTP = 'org-mcp-proxy, HTTP front';
const PEER = 'mcp-proxy, HTTP front';

function starters(paths: BenchPaths): Starter[] {
  const echo = echoCommand(paths);
  const [node, ...echoArgs] = echo as [string, ...string[]];
  return [
    { name: 'echo backend alone (floor)', front: 'stdio', once: () => timedStdio(node, echoArgs) },
    {
      name: OURS_STDIO,
      front: 'stdio',
      once: () => timedStdio(node, [paths.ourCli, '--', ...echo]),
    },
    {
      name: OURS_HTTP,
      front: 'streamable HTTP',
      once: () =>
        timedHttp((port) => ourHttpArgs(paths, { port, strategy: 'per-session' }), '/mcp'),
    },
    {
      name: PEER,
      front: 'streamable HTTP',
      once: () => timedHttp((port) => mcpProxyArgs(paths, port), '/mcp'),
    },
  ];
}

async function run(context: BenchContext): Promise<ScenarioOutput> {
  const list = starters(context.paths);
  const times = list.map((): number[] => []);
  context.log(`start-up, ${context.sizes.startups} times each`);
  for (let round = 0; round < context.sizes.startups; round += 1) {
    const order = list.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const { elapsedMs, cleanup } = await list[i]!.once();
      times[i]!.push(elapsedMs);
      await cleanup();
    }
  }
  const spreads: Spread[] = times.map((values) => spreadOf(values));
  const median = (name: string): number => spreads[list.findIndex((s) => s.name === name)]!.median;
  const peer = median(PEER);
  return {
    title: 'Start-up: spawn to first answered tools/list',
    tables: [
      {
        headers: ['program', 'front', 'median ms', 'min ms', 'max ms', 'vs mcp-proxy'],
        rows: list.map((starter, i) => [
          starter.name,
          starter.front,
          ms(spreads[i]!.median),
          ms(spreads[i]!.min),
          ms(spreads[i]!.max),
          starter.name === PEER ? '' : ratio(spreads[i]!.median / peer),
        ]),
      },
    ],
    targets: [
      atMost('start-up ours (stdio front) / mcp-proxy', median(OURS_STDIO) / peer, 1),
      atMost('start-up ours (HTTP front) / mcp-proxy', median(OURS_HTTP) / peer, 1),
    ],
    notes: [
      `Each program is spawned with \`node <script>\` (no shell, no npx) in front of the stdio echo backend, ${context.sizes.startups} times each in alternating order; the time runs from the spawn to the answer of the first \`tools/list\` of a fresh SDK client, initialize included. \`mcp-proxy\` serves only HTTP (streamable HTTP and SSE), not a stdio front, so ours is measured with its stdio front (the client spawns it) and with its HTTP front; both HTTP fronts are given a free port and polled with TCP connects every 2 ms until they accept, then the client connects to \`/mcp\`.`,
      '`mcp-proxy` starts its backend child before listening; ours starts it on the first request that needs it. Either way the measured time includes the backend start.',
    ],
    data: Object.fromEntries(
      list.map((starter, i) => [starter.name, { ...spreads[i], runs: times[i] }]),
    ),
  };
}

/** Scenario 6: how long it takes from spawning a proxy to its first answered list. */
export const startup: Scenario = { id: 'startup', number: 6, run };
