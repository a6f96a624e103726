import fs from 'node:fs';

/** One live process as `/proc` shows it. */
export interface ProcEntry {
  /** Its id. */
  pid: number;
  /** Its parent's id. */
  ppid: number;
  /** Its process group. */
  pgid: number;
  /** Its state letter (`Z` for a zombie). */
  state: string;
}

function readEntry(pid: number): ProcEntry | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Every live (non-zombie) process of the machine, or none when `/proc` is missing. */
export function processTable(): ProcEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const entries: ProcEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(Number(name));
    if (entry && entry.state !== 'Z') entries.push(entry);
  }
  return entries;
}

/** The ids of every descendant of `root` in `table`. */
export function descendantsOf(root: number, table: readonly ProcEntry[]): number[] {
  const found: number[] = [];
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const entry of table) {
      if (entry.ppid === next && !found.includes(entry.pid)) {
        found.push(entry.pid);
        queue.push(entry.pid);
      }
    }
  }
  return found;
}

/** Whether any process of group `pgid` is alive (zombies aside). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  return processTable().some((entry) => entry.pgid === pgid);
}
