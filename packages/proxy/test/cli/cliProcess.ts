import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { within } from '@org/test-utils';

/** The built CLI; the test task runs after the package build. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Fails with a clear message when the package has not been built. */
export function requireBuiltCli(): string {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`Missing ${CLI_PATH}: run \`pnpm run build\` in packages/proxy first`);
  }
  return CLI_PATH;
}

/** How a CLI process ended. */
export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A CLI child process whose stderr is collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stderr line matching `pattern`; rejects on timeout or exit. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process exits, rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<CliExit>;
  /** Ends the process if it still runs (SIGTERM, then SIGKILL after a bound). */
  stop(): Promise<void>;
}

/** Starts `node dist/cli.js ...args` with piped stdio. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliProcess {
  const child = spawn(process.execPath, [requireBuiltCli(), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<CliExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 15_000) => {
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
        listeners.delete(check);
        reject(new Error(`CLI exited before printing ${pattern}; stderr:\n${stderr}`));
      });
    });
    return within(found, timeoutMs, `stderr matching ${pattern}; stderr:\n${stderr}`);
  };
  const waitForExit = (timeoutMs = 15_000) => within(exited, timeoutMs, 'CLI exit');
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
  return { child, pid: child.pid!, stderr: () => stderr, waitForStderr, waitForExit, stop };
}

/** Runs the CLI to its end (bounded) and returns its exit and output. */
export async function runCliToEnd(
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<CliExit & { stdout: string; stderr: string }> {
  const cli = startCli(args);
  let stdout = '';
  cli.child.stdout!.setEncoding('utf8');
  cli.child.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
  });
  cli.child.stdin!.end();
  try {
    const exit = await cli.waitForExit(timeoutMs);
    return { ...exit, stdout, stderr: cli.stderr() };
  } finally {
    await cli.stop();
  }
}

/** Whether text holds a stack trace line (`    at fn (file:1:2)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s/m.test(text);
}
