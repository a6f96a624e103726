import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { within } from './within';

/** The script serving the stateful workspace backend over stdio or HTTP. */
export function workspaceServerScript(): string {
  return fileURLToPath(new URL('../bin/workspaceServer.mjs', import.meta.url));
}

/** A stdio command spec that starts the workspace backend with this Node binary. */
export function workspaceStdioCommand(prefix?: string): {
  command: string;
  args: string[];
  env: Record<string, string>;
} {
  return {
    command: process.execPath,
    args: [workspaceServerScript(), 'stdio'],
    env: prefix === undefined ? {} : { WORKSPACE_PREFIX: prefix },
  };
}

/** A workspace backend served over streamable HTTP by a child process. */
export interface WorkspaceHttp extends AsyncDisposable {
  /** Its endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** The child's PID. */
  pid: number;
  /** Stops the child (SIGTERM, then SIGKILL) and waits for its exit. */
  stop(): Promise<void>;
}

/** Starts the workspace backend over streamable HTTP on a free loopback port. */
export async function startWorkspaceHttp(prefix = 'h'): Promise<WorkspaceHttp> {
  const child = spawn(process.execPath, [workspaceServerScript(), 'http', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, WORKSPACE_PREFIX: prefix },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  const url = await within(
    new Promise<string>((resolve, reject) => {
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        stderr += chunk;
        const match = /listening (\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`workspace server exited: ${stderr}`)));
    }),
    15_000,
    'the workspace HTTP backend to listen',
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    try {
      await within(exited, 5_000, 'workspace backend exit');
    } catch {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return { url, pid: child.pid!, stop, [Symbol.asyncDispose]: stop };
}
