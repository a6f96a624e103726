import { type ChildProcess, spawn } from 'node:child_process';
import { within } from './within';

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose stdout and stderr are collected, with bounded waits on them. */
export interface WatchedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the process wrote to stdout so far (empty when not collected). */
  stdout(): string;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects on exit or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process has exited; rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<ProcessExit>;
  /** Ends the process if it still runs: SIGTERM, then SIGKILL after a bound. */
  stop(): Promise<void>;
}

/** Options of {@link startWatched}. */
export interface StartWatchedOptions {
  /** The child's environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Its working directory. */
  cwd?: string;
  /** Whether its stdin is a pipe the test writes to. @default 'ignore' */
  stdin?: 'pipe' | 'ignore';
  /**
   * Whether stdout is collected (`stdout()`); off, the test reads `child.stdout` itself (an
   * MCP client transport on a stdio front, say). @default true
   */
  collectStdout?: boolean;
}

const DEFAULT_WAIT_MS = 15_000;

/** Starts `command args` with stdout and stderr piped and collected. */
export function startWatched(
  command: string,
  args: readonly string[],
  options: StartWatchedOptions = {},
): WatchedProcess {
  const child = spawn(command, [...args], {
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  if (child.pid === undefined) throw new Error(`Could not start ${command} ${args.join(' ')}`);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  if (options.collectStdout !== false) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
    });
  }
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = DEFAULT_WAIT_MS) => {
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
  const waitForExit = (timeoutMs = DEFAULT_WAIT_MS) =>
    within(exited, timeoutMs, `exit of ${command}`);
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
