import type { BenchPaths } from '../paths';
import { ChildGroup } from './childProcess';
import { freePort, waitForPort } from './ports';

/** A proxy program serving HTTP, and its streamable HTTP endpoint. */
export interface RunningProxy {
  /** The streamable HTTP endpoint. */
  url: string;
  /** The program's process group. */
  group: ChildGroup;
}

/** The arguments that make a program run the echo backend as its stdio child. */
export function echoCommand(paths: BenchPaths): string[] {
  return [process.execPath, paths.echoBackend];
}

/** Arguments of our CLI serving streamable HTTP on `port` in front of the echo backend. */
export function ourHttpArgs(paths: BenchPaths, options: { port: number; strategy: string }) {
  return [
    paths.ourCli,
    '--transport',
    'http',
    '--port',
    String(options.port),
    '--strategy',
    options.strategy,
    '--',
    ...echoCommand(paths),
  ];
}

/** Arguments of `mcp-proxy` serving HTTP on 127.0.0.1:`port` in front of the echo backend. */
export function mcpProxyArgs(paths: BenchPaths, port: number): string[] {
  return [
    paths.mcpProxyCli,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--',
    ...echoCommand(paths),
  ];
}

/** Starts our CLI with an HTTP front and waits for its `Proxy listening on <url>` line. */
export async function startOurHttpProxy(
  paths: BenchPaths,
  strategy: string,
): Promise<RunningProxy> {
  const group = await ChildGroup.start(process.execPath, ourHttpArgs(paths, { port: 0, strategy }));
  try {
    const match = await group.waitForOutput(/Proxy listening on (http\S+)/, 15_000);
    return { url: match[1]!, group };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** Starts `mcp-proxy` on a free port and waits until the port accepts connections. */
export async function startMcpProxy(paths: BenchPaths): Promise<RunningProxy> {
  const port = await freePort();
  const group = await ChildGroup.start(process.execPath, mcpProxyArgs(paths, port));
  try {
    await waitForPort(port, 15_000);
    return { url: `http://127.0.0.1:${port}/mcp`, group };
  } catch (error) {
    await group.stop();
    throw new Error(`${(error as Error).message}: ${group.output()}`);
  }
}
