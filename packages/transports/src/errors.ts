/**
 * Stable codes for {@link ProxyError}. Branch on the code, never on the message text.
 */
export enum ProxyErrorCode {
  /** A target (URL, command spec, server) could not be turned into a transport. */
  InvalidTarget = 'INVALID_TARGET',
  /** A configuration file or object is wrong; the message names the file, server and field. */
  InvalidConfig = 'INVALID_CONFIG',
  /** A backend could not be reached, or its connection failed. */
  BackendUnavailable = 'BACKEND_UNAVAILABLE',
  /**
   * A backend needs an OAuth sign-in first (no grant is stored, the grant was refused, or the
   * backend asks for more scope); the message and `data.login` say what to run.
   */
  AuthorizationRequired = 'AUTHORIZATION_REQUIRED',
  /** A backend did not answer in time. */
  BackendTimeout = 'BACKEND_TIMEOUT',
  /** A backend process exited or its connection closed while a request was in flight. */
  BackendClosed = 'BACKEND_CLOSED',
  /** A component (tool, resource, template, prompt) is not known. */
  NotFound = 'NOT_FOUND',
  /** Arguments or parameters did not validate. */
  InvalidArguments = 'INVALID_ARGUMENTS',
  /** The operation needs a request context and there is none. */
  NoContext = 'NO_CONTEXT',
  /** The operation is not supported here (for example task-augmented execution). */
  Unsupported = 'UNSUPPORTED',
  /** Two components would be exposed under the same name. */
  NameCollision = 'NAME_COLLISION',
  /** A server, transport or connector was used after it was closed. */
  Closed = 'CLOSED',
  /** Anything else. */
  Internal = 'INTERNAL',
}

/** Options for {@link ProxyError}. */
export interface ProxyErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Structured detail, safe to show to a client. */
  data?: unknown;
}

/**
 * The one error class of the framework's own (local) errors. Protocol errors on the wire stay
 * the SDK's `McpError`; this class is for failures the framework detects itself.
 *
 * @example
 * ```ts
 * try {
 *   await connector.connect();
 * } catch (error) {
 *   if (error instanceof ProxyError && error.code === ProxyErrorCode.BackendUnavailable) retry();
 * }
 * ```
 */
export class ProxyError extends Error {
  /** The stable code of this error. */
  readonly code: ProxyErrorCode;
  /** Structured detail, safe to show to a client. */
  readonly data: unknown;

  /**
   * @param code - the stable code
   * @param message - subject first, the offending value last after a colon
   * @param options - cause and data
   */
  constructor(code: ProxyErrorCode, message: string, options: ProxyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.data = options.data;
  }
}

/**
 * The message of anything thrown: an `Error`'s message, else its string form.
 *
 * @example
 * ```ts
 * errorMessage(new Error('boom')); // => 'boom'
 * errorMessage('plain'); // => 'plain'
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns anything thrown into a {@link ProxyError}, keeping one that already is. */
export function toProxyError(
  error: unknown,
  code: ProxyErrorCode = ProxyErrorCode.Internal,
): ProxyError {
  if (error instanceof ProxyError) return error;
  return new ProxyError(code, errorMessage(error), { cause: error });
}
