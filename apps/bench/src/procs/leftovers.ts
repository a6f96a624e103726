import { descendantsOf, groupAlive, processTable } from './procTable';

/** What existed when a scenario started, to tell afterwards what it left behind. */
export interface ProcessSnapshot {
  /** Processes of the runner's own group at the start. */
  ownGroup: Set<number>;
}

/** Process groups started detached during the current scenario. */
const startedGroups = new Set<number>();

/** Records a detached process group so that the leftover check covers it. */
export function trackGroup(pgid: number): void {
  startedGroups.add(pgid);
}

/** Notes the processes alive now. */
export function snapshotProcesses(): ProcessSnapshot {
  const own = process.pid;
  const pgid = processTable().find((entry) => entry.pid === own)?.pgid;
  const ownGroup = new Set(
    processTable()
      .filter((entry) => entry.pgid === pgid)
      .map((entry) => entry.pid),
  );
  return { ownGroup };
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Kills whatever the scenario left behind: descendants of the runner, new members of its
 * process group (orphaned grandchildren keep it), and detached groups it started. Returns the
 * pids found alive, so that the report can show them; empty when the scenario cleaned up.
 */
export function reapLeftovers(snapshot: ProcessSnapshot): number[] {
  const table = processTable();
  const own = table.find((entry) => entry.pid === process.pid);
  const found = new Set(descendantsOf(process.pid, table));
  for (const entry of table) {
    if (entry.pid === process.pid) continue;
    if (own && entry.pgid === own.pgid && !snapshot.ownGroup.has(entry.pid)) found.add(entry.pid);
    if (startedGroups.has(entry.pgid)) found.add(entry.pid);
  }
  for (const pid of found) kill(pid);
  for (const pgid of startedGroups) if (!groupAlive(pgid)) startedGroups.delete(pgid);
  return [...found];
}
