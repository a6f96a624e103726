/**
 * What a server and a proxy report about their work, as plain records: each a finished piece
 * of work (a request, a backend request, a forwarded request) or a change of state (a session
 * opened or closed, a backend session lost). Metrics, structured logs, the audit log and the
 * dashboard are listeners of these events; none of them is built into the request path.
 */

/** How a piece of work ended: answered, failed, or cancelled by the party that asked. */
export type Outcome = 'ok' | 'error' | 'cancelled';

/** Who made a request, as the front's authentication established it. */
export interface Principal {
  /** The subject: a user or client id (a token's `sub`, or its client id). */
  subject: string;
  /** The scopes granted. */
  scopes: readonly string[];
  /** Further claims, when the token had them. */
  claims?: Readonly<Record<string, unknown>>;
}

/** A client request to the server, answered. */
export interface RequestEvent {
  /** The front session's id. */
  sessionId: string;
  /** The JSON-RPC id of the request, as a string. */
  requestId: string;
  /** Its method, such as `tools/call`. */
  method: string;
  /** The tool or prompt name, or the resource URI, the request was about (as the client named it). */
  name?: string;
  /** The backend that served it, when a proxied component did. */
  server?: string;
  /** The caller, when the front authenticated one. */
  principal?: Principal;
  /** Wall time from the handler's start to its answer, in milliseconds. */
  durationMs: number;
  /** How it ended. */
  outcome: Outcome;
  /** The error's message, when it failed. */
  error?: string;
  /** The tool call's arguments (only kept for listeners that ask for them). */
  arguments?: Readonly<Record<string, unknown>>;
  /** The W3C `traceparent` of the request's span, when tracing is on. */
  traceparent?: string;
}

/** A client session opened or closed. */
export interface SessionEvent {
  /** `opened` when the session connected, `closed` when it ended. */
  type: 'opened' | 'closed';
  /** Its id. */
  sessionId: string;
}

/** One request the proxy sent to a backend, answered or failed. */
export interface BackendRequestEvent {
  /** The backend's name. */
  backend: string;
  /** The method, such as `tools/call`. */
  method: string;
  /** What the request was about (tool, prompt, URI), when it names one. */
  name?: string;
  /** The front session the request served, if any. */
  sessionId?: string;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** How it ended. */
  outcome: Outcome;
  /** The error's message, when it failed. */
  error?: string;
}

/** A request a backend sent through the proxy to a client (sampling, elicitation, roots). */
export interface ForwardedRequestEvent {
  /** The backend that asked. */
  backend: string;
  /** What it asked for. */
  kind: 'sampling' | 'elicitation' | 'roots' | 'other';
  /** The front session that answered, if one did. */
  sessionId?: string;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** How it ended. */
  outcome: Outcome;
}

/** A backend session opened, closed, lost, or a backend failed to start. */
export interface BackendSessionEvent {
  /** The backend's name. */
  backend: string;
  /**
   * `opened`: a backend session is initialized; `closed`: the proxy closed one; `lost`: the
   * backend or its transport ended one the proxy did not close (the next `opened` replaces it);
   * `failed`: opening one failed.
   */
  type: 'opened' | 'closed' | 'lost' | 'failed';
  /** Why, for `lost` and `failed`. */
  error?: string;
}

/** A lookup in a proxy's list cache. */
export interface CacheEvent {
  /** The backend's name. */
  backend: string;
  /** What list: `tools`, `resources`, `templates` or `prompts`. */
  kind: string;
  /** `hit`: answered from the cache; `miss`: the backend was asked. */
  outcome: 'hit' | 'miss';
}

/** A new configuration applied to a proxy, or refused (`ProxyServer.reconfigure`, the CLI's reload). */
export interface ReloadEvent {
  /** `ok`: serving the new configuration; `rejected`: still serving the previous one. */
  outcome: 'ok' | 'rejected';
  /** Servers added (0 when rejected). */
  added: number;
  /** Servers removed (0 when rejected). */
  removed: number;
  /** Servers restarted because their connection changed (0 when rejected). */
  restarted: number;
  /** Why it was rejected. */
  error?: string;
}

/** A call refused by a rate limit, or a tool seen with a definition other than its pin's. */
export interface PolicyEvent {
  /** `rateLimited`: a tools/call refused by a rate limit; `toolChanged`: a changed tool, once per new definition. */
  type: 'rateLimited' | 'toolChanged';
  /** The server (backend) of the tool. */
  server: string;
  /** The tool's name on that server. */
  tool: string;
  /** The caller, for `rateLimited`, when the front authenticated one. */
  principal?: Principal;
  /** For `toolChanged`: whether the tool is withheld or served with a warning. */
  action?: 'withhold' | 'warn';
}

/** Every event, by name. */
export interface ObservedEvents {
  /** A client request answered. */
  request: RequestEvent;
  /** A client session opened or closed. */
  session: SessionEvent;
  /** A backend request answered or failed. */
  backendRequest: BackendRequestEvent;
  /** A server-to-client request forwarded for a backend. */
  forwardedRequest: ForwardedRequestEvent;
  /** A backend session changed state. */
  backendSession: BackendSessionEvent;
  /** A list-cache lookup. */
  cache: CacheEvent;
  /** A configuration reload applied or rejected. */
  reload: ReloadEvent;
  /** A rate-limited call or a changed tool definition. */
  policy: PolicyEvent;
}

/** The name of an event. */
export type ObservedEventName = keyof ObservedEvents;
