import { childPids, type ProcessExit, startWatched, type WatchedProcess } from '@org/test-utils';

/** How a process ended. */
export type Exit = ProcessExit;

/** A child process whose stdout and stderr are collected. */
export type Proc = WatchedProcess;

/** Starts `command args` with stdin ignored and stdout and stderr piped. */
export function startProc(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Proc {
  return startWatched(command, args, options);
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
