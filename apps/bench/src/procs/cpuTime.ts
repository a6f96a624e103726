import fs from 'node:fs';
import { descendantsOf, processTable } from './procTable';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The CPU time (user + system) `pid` has used so far, in microseconds; 0 once it is gone. */
export function processCpuUs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1_000_000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The CPU time used by `pid` itself and by its descendants alive now, in microseconds. */
export function treeCpuUs(pid: number): { own: number; descendants: number } {
  const descendants = descendantsOf(pid, processTable());
  return {
    own: processCpuUs(pid),
    descendants: descendants.reduce((sum, child) => sum + processCpuUs(child), 0),
  };
}

/** The CPU time this process has used so far, in microseconds. */
export function ownCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
