import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process with this pid exists (and is not a zombie). */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], {
      encoding: 'utf8',
    }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * The pids of the live (non-zombie) children of a process. The `ps` this function runs is a
 * child of this process too while it runs: it is left out.
 */
export function childPids(parent: number = process.pid): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(parent)], {
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length >= 3 && !parts[1]!.startsWith('Z'))
      .filter((parts) => !(parent === process.pid && parts[2] === 'ps'))
      .map((parts) => Number(parts[0]));
  } catch {
    return [];
  }
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. @default 5000 */
  timeoutMs?: number;
  /** Check this often. @default 20 */
  intervalMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
}

/**
 * Polls a condition until it holds, for things that emit no event (a pid disappearing, a
 * port closing). Bounded in time: throws when `timeoutMs` passes.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The live (non-zombie) processes of process group `pgid`, read from /proc (Linux). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') {
      members.push(Number(entry));
    }
  }
  return members;
}
