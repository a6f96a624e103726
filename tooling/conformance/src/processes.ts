import { type ChildProcess, spawn } from 'node:child_process';
import { childPids, within } from '@org/test-utils';

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose stdout and stderr are collected. */
export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the process wrote to stdout so far. */
  stdout(): string;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects on exit or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Resolves when the process has exited; rejects after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<Exit>;
  /** Ends the process by its pid if it still runs: SIGTERM, then SIGKILL after a bound. */
  stop(): Promise<void>;
}

/** Starts `command args` with stdin ignored and stdout and stderr piped. */
export function startProc(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Proc {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  if (child.pid === undefined) throw new Error(`Could not start ${command} ${args.join(' ')}`);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForStderr = (pattern: RegExp, timeoutMs: number) => {
    const found = new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr);
        if (match) {
          listeners.delete(check);
          resolve(match);
        }
      };
      listeners.add(check);
      check();
      void exited.then(() => {
        if (!listeners.delete(check)) return;
        reject(new Error(`${command} exited before printing ${pattern}; stderr:\n${stderr}`));
      });
    });
    return within(found, timeoutMs, `stderr of ${command} matching ${pattern}; stderr:\n${stderr}`);
  };
  const waitForExit = (timeoutMs: number) => within(exited, timeoutMs, `exit of ${command}`);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    try {
      await waitForExit(5_000);
    } catch {
      child.kill('SIGKILL');
      await waitForExit(5_000);
    }
  };
  return {
    child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr,
    waitForExit,
    stop,
  };
}

/** The live descendants of a process (children, their children, ...), found with `ps`. */
export function descendantPids(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of childPids(queue.shift()!)) {
      if (!out.includes(child)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
