import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ProcessExit, startWatched, type WatchedProcess } from '@org/test-utils';

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
export type CliExit = ProcessExit;

/** A CLI child process whose stdout and stderr are collected (stdin is a pipe). */
export type CliProcess = WatchedProcess;

/** Starts `node dist/cli.js ...args` with piped stdio. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliProcess {
  return startWatched(process.execPath, [requireBuiltCli(), ...args], {
    env,
    stdin: 'pipe',
    collectStdout: false,
  });
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
