import type { ChildProcess } from 'node:child_process';

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
 * Marks this module's signal listeners. Two copies of this module in one process (two versions
 * of the package installed) must not take each other's listener for the application's, or
 * neither would re-raise the signal and the process would not exit.
 */
const OWN_LISTENER = Symbol.for('@org/transports.liveChildren');

// Every live stdio child of this process.
const liveChildren = new Set<ChildProcess>();
const signalListeners = new Map<NodeJS.Signals, NodeJS.SignalsListener>();
let installed = false;

/**
 * Registers a running child: while any is alive, this process listens for `exit` and for
 * {@link OWNER_EXIT_SIGNALS} so that no child outlives it. Internal.
 */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (!installed) install();
}

/** Forgets a child that exited; the listeners go once no child is alive. Internal. */
export function untrackChild(child: ChildProcess): void {
  liveChildren.delete(child);
  if (liveChildren.size === 0) uninstall();
}

/**
 * Ends every live child at once, synchronously (this process is going away and cannot wait
 * for a grace period): SIGTERM, then SIGKILL for a child that ignores SIGTERM.
 */
function killAllLiveChildren(): void {
  const children = [...liveChildren];
  liveChildren.clear();
  uninstall();
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    for (const child of children) {
      try {
        child.kill(signal);
      } catch {
        // already gone
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
