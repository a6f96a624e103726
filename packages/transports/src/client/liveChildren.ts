import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * The signals that end Node without firing `exit` when nobody listens for them: what a
 * terminal, a service manager or a container runtime sends to stop a process.
 */
export const OWNER_EXIT_SIGNALS: readonly NodeJS.Signals[] = Object.freeze([
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
]);

/**
 * Whether stdio children run in a process group of their own (POSIX). Then ending a child
 * means signalling its whole group: a wrapper (`npx`, `uvx`, `sh -c`) and the server it
 * started alike. On Windows there are no process groups: only the child itself is signalled.
 */
export const CHILDREN_IN_OWN_GROUP = process.platform !== 'win32';

/**
 * Marks this module's signal listeners. Two copies of this module in one process (two versions
 * of the package installed) must not take each other's listener for the application's, or
 * neither would re-raise the signal and the process would not exit.
 */
const OWN_LISTENER = Symbol.for('@org/transports.liveChildren');

/**
 * A child (and, in its own group, everything it started) that may still run: tracked from its
 * spawn until its whole group is gone. Internal.
 */
export interface LiveChild {
  /** The child process (the group leader when `grouped`). */
  readonly process: ChildProcess;
  /** Whether the child leads a process group of its own (spawned `detached` on POSIX). */
  readonly grouped: boolean;
}

// Every live stdio child (or process group) of this process.
const liveChildren = new Set<LiveChild>();
const signalListeners = new Map<NodeJS.Signals, NodeJS.SignalsListener>();
let installed = false;

/**
 * Registers a running child: while any is alive (or any process of its group), this process
 * listens for `exit` and for {@link OWNER_EXIT_SIGNALS} so that no child outlives it. Internal.
 */
export function trackChild(child: LiveChild): void {
  liveChildren.add(child);
  if (!installed) install();
}

/** Forgets a child whose group is gone; the listeners go once nothing is alive. Internal. */
export function untrackChild(child: LiveChild): void {
  liveChildren.delete(child);
  if (liveChildren.size === 0) uninstall();
}

/**
 * Sends `signal` to a child's process group (or to the child alone when it has none).
 * Returns false when there was nothing left to signal. Internal.
 * @throws the `kill` error for anything but "no such process"
 */
export function signalChild(child: LiveChild, signal: NodeJS.Signals): boolean {
  const pid = child.process.pid;
  if (pid === undefined) return false;
  if (!child.grouped) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return false;
    return child.process.kill(signal);
  }
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Whether any process of the child's group still runs (zombies waiting to be reaped do not
 * count); for an ungrouped child, whether the child itself does. Internal.
 */
export function childGroupAlive(child: LiveChild): boolean {
  const pid = child.process.pid;
  if (pid === undefined) return false;
  if (!child.grouped) return child.process.exitCode === null && child.process.signalCode === null;
  try {
    process.kill(-pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Signal 0 succeeds for a group of zombies too (an orphan's reaper may take its time).
  return process.platform === 'linux' ? linuxGroupHasLiveMember(pid) : true;
}

/** Whether /proc lists a process in group `pgid` that is not a zombie. */
function linuxGroupHasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/**
 * Ends every live child and its group at once, synchronously (this process is going away and
 * cannot wait for a grace period): SIGTERM, then SIGKILL for whatever ignores SIGTERM.
 */
function killAllLiveChildren(): void {
  const children = [...liveChildren];
  liveChildren.clear();
  uninstall();
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    for (const child of children) {
      try {
        signalChild(child, signal);
      } catch {
        // not ours to signal any more
      }
    }
  }
}

/**
 * What `signal-exit` does: when nobody else listens for the signal, Node's default action
 * (ending the process) would have happened had this module not listened. So end the children,
 * stop listening and raise the signal again: the process then ends as it would have, by the
 * signal. When the application listens too, the signal is its business (it may shut down
 * gracefully, closing its connectors, or not end at all): leave the children to it; the `exit`
 * listener still ends them if it calls `process.exit()`.
 */
function onSignal(signal: NodeJS.Signals): void {
  const others = process.listeners(signal).filter((listener) => !(OWN_LISTENER in listener));
  if (others.length > 0) return;
  killAllLiveChildren();
  process.kill(process.pid, signal);
}

function install(): void {
  installed = true;
  process.on('exit', killAllLiveChildren);
  for (const signal of OWNER_EXIT_SIGNALS) {
    const listener = Object.assign(() => onSignal(signal), { [OWN_LISTENER]: true });
    signalListeners.set(signal, listener);
    // First in line, so that it still sees the application's `once` listeners (Node removes one
    // before calling it) and does not take their signal for an unhandled one.
    process.prependListener(signal, listener);
  }
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', killAllLiveChildren);
  for (const [signal, listener] of signalListeners) process.removeListener(signal, listener);
  signalListeners.clear();
}
