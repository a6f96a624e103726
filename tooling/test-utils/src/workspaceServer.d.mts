import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** Options of {@link createWorkspaceServer}. */
export interface WorkspaceServerOptions {
  /** What session labels start with. @default 'w' */
  prefix?: string;
  /**
   * A fixed label for every session (URIs such as `note://<label>/x` then survive a new
   * session, as they would on a backend whose resources outlive its sessions).
   */
  label?: string;
  /** Told each new session's label. */
  onSession?: (label: string) => void;
}

/**
 * A stateful backend: each connection is a backend session with its own label, notes
 * (resources), subscriptions, log level and a tool `only_<label>`; `whoami` answers the session,
 * the client's name and capabilities, the request's `authorization` / `x-user` headers and
 * the `subject` (`sub`) of a verified bearer token (`null` without one).
 * `ask`, `sample` and `roots` with `catch: true` answer a failed request to the client as
 * `{ session, error: { code, message } }` (the message as this backend's SDK has it); `ask`
 * with `cancelAfterMs` withdraws its elicitation after that long; `ask_url {id, url}` elicits in
 * URL mode and `complete_elicitation {id}` sends `notifications/elicitation/complete`; `tick
 * {steps, intervalMs}` reports progress and stops when cancelled, and `cancellations` lists the
 * reasons of what the client cancelled.
 */
export function createWorkspaceServer(options?: WorkspaceServerOptions): Server;
