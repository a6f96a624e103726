import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The playground's directory. */
export const APP_DIR = path.resolve(import.meta.dirname, '..');

/** The built playground (the test task runs after the build). */
export const MAIN_SCRIPT = path.join(APP_DIR, 'dist', 'main.js');

/** How a playground run ended. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running playground process and what it printed so far. */
export interface Playground {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  exited: Promise<Finished>;
}

/** Starts `node dist/main.js ...args` (or another `script`). */
export function startPlayground(args: string[], script = MAIN_SCRIPT): Playground {
  if (!existsSync(script)) throw new Error(`Build the playground first: ${script}`);
  const child = spawn(process.execPath, [script, ...args], {
    cwd: APP_DIR,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  const exited = new Promise<Finished>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, output, exited };
}

/** Runs the playground to its end, killing it after `timeoutMs`. */
export async function runPlayground(
  args: string[],
  timeoutMs: number,
  script = MAIN_SCRIPT,
): Promise<Finished> {
  const playground = startPlayground(args, script);
  const timer = setTimeout(() => playground.child.kill('SIGKILL'), timeoutMs);
  try {
    return await playground.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the first match of `pattern` in the process's stdout. */
export function waitForOutput(
  playground: Playground,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const stdout = playground.child.stdout!;
    const onData = (): void => {
      const match = pattern.exec(playground.output.stdout);
      if (match) done(() => resolve(match));
    };
    const onExit = (): void => done(() => reject(new Error(`Exited before printing ${pattern}`)));
    const timer = setTimeout(
      () => done(() => reject(new Error(`Nothing matched ${pattern} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      stdout.off('data', onData);
      playground.child.off('exit', onExit);
      settle();
    };
    stdout.on('data', onData);
    playground.child.once('exit', onExit);
    onData();
  });
}
