import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import { type Logger, noopLogger } from '../logger';
import {
  DEFAULT_EVENT_STORE_MAX_BYTES,
  DEFAULT_EVENT_STORE_MAX_EVENTS,
  type EventStore,
  InMemoryEventStore,
} from './eventStore';
import type { OAuthFrontOptions } from './oauthFront';
import { DEFAULT_MAX_SSE_QUEUE_BYTES } from './sseStream';
import type { HttpRoute, HttpServeOptions } from './types';

/** The largest request body accepted by default: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Sessions idle this long are closed by default: 30 minutes. */
export const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** The default interval of SSE `: ping` comment lines. */
export const DEFAULT_SSE_KEEP_ALIVE_MS = 15_000;
/** The most client sessions (streamable HTTP and legacy SSE together) open at once by default. */
export const DEFAULT_MAX_SESSIONS = 1000;

/** A POST unanswered this long switches to SSE with a priming event by default: 1 s. */
export const DEFAULT_SSE_PRIME_AFTER_MS = 1000;
/**
 * A session whose GET stream dropped and whose client sent nothing since is closed after this
 * long by default: 60 s.
 */
export const DEFAULT_CLIENT_GONE_GRACE_MS = 60_000;
export { DEFAULT_MAX_SSE_QUEUE_BYTES };

/** {@link HttpServeOptions} with every default applied and every derived value computed once. */
export interface ResolvedHttpOptions {
  host: string;
  port: number;
  path: string;
  sse: boolean;
  ssePath: string;
  messagesPath: string;
  stateless: boolean;
  /** The expected bearer token as bytes, when auth is on. */
  authToken: Buffer | undefined;
  /** The `authInfo` handed to handlers once the token was validated. */
  authInfo: AuthInfo | undefined;
  /** The OAuth front, when on. */
  oauth: OAuthFrontOptions | undefined;
  hostCheck: boolean;
  /** Allowed Host values (lowercase), matched with or without their port. */
  allowedHosts: ReadonlySet<string>;
  /** Allowed Origin values (lowercase, no trailing slash) besides the loopback origins. */
  allowedOrigins: ReadonlySet<string>;
  /** CORS off, on for every accepted origin (`true`), or on for the named origins. */
  cors: boolean | ReadonlySet<string>;
  maxBodyBytes: number;
  sessionIdleTimeoutMs: number;
  /** The most open sessions (streamable HTTP and SSE together); `Infinity` for no limit. */
  maxSessions: number;
  sseKeepAliveMs: number;
  /** The event store of streamable HTTP sessions; undefined when resumability is off. */
  eventStore: EventStore | undefined;
  /** How long an unanswered POST waits before it switches to SSE with a priming event. */
  ssePrimeAfterMs: number;
  /** The most bytes queued for one SSE stream. */
  maxSseQueueBytes: number;
  /** Close a session this long after its GET stream dropped and its client fell silent; 0: never. */
  clientGoneGraceMs: number;
  healthPath: string;
  /** The extra endpoints. */
  routes: readonly HttpRoute[];
  logger: Logger;
}

const normaliseOrigin = (origin: string): string => origin.trim().toLowerCase().replace(/\/+$/, '');

function invalid(field: string, value: unknown): ProxyError {
  return new ProxyError(
    ProxyErrorCode.InvalidConfig,
    `Invalid serveHttp option ${field}: ${String(value)}`,
  );
}

function checkPath(field: string, value: string): string {
  if (!value.startsWith('/') || value.includes('?')) throw invalid(field, value);
  return value;
}

function checkCount(field: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) throw invalid(field, value);
  return value;
}

/** `maxSessions`: a whole number, `0` (or `Infinity`) for no limit. */
function sessionLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_SESSIONS;
  if (value === Number.POSITIVE_INFINITY || value === 0) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(value) || value < 0) throw invalid('maxSessions', value);
  return value;
}

/** The event store of the options: the given one, none (`false`), or a bounded in-memory one. */
function eventStoreOf(options: HttpServeOptions): EventStore | undefined {
  if (options.eventStore === false || options.stateless === true) return undefined;
  if (options.eventStore !== undefined) return options.eventStore;
  const maxEvents = options.eventStoreMaxEvents ?? DEFAULT_EVENT_STORE_MAX_EVENTS;
  const maxBytes = options.eventStoreMaxBytes ?? DEFAULT_EVENT_STORE_MAX_BYTES;
  if (!Number.isSafeInteger(maxEvents) || maxEvents < 1)
    throw invalid('eventStoreMaxEvents', maxEvents);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw invalid('eventStoreMaxBytes', maxBytes);
  return new InMemoryEventStore({ maxEvents, maxBytes });
}

/**
 * Applies the defaults of {@link HttpServeOptions} and validates them.
 * @throws ProxyError with code `INVALID_CONFIG` naming the offending option
 */
export function resolveHttpOptions(options: HttpServeOptions): ResolvedHttpOptions {
  const corsOrigins = Array.isArray(options.cors) ? options.cors.map(normaliseOrigin) : [];
  const token = options.authToken;
  if (token !== undefined && token.length === 0) throw invalid('authToken', '(empty)');
  if (token !== undefined && options.oauth !== undefined)
    throw invalid('authToken and oauth', 'they are mutually exclusive');
  if (options.oauth !== undefined && options.oauth.authorizationServers.length === 0)
    throw invalid('oauth.authorizationServers', '(empty)');
  const introspection = options.oauth?.introspection;
  if (introspection !== undefined) {
    if (!/^https?:\/\//.test(introspection.endpoint))
      throw invalid('oauth.introspection.endpoint', introspection.endpoint || '(empty)');
    if (introspection.clientId === '') throw invalid('oauth.introspection.clientId', '(empty)');
    if (introspection.clientSecret === '')
      throw invalid('oauth.introspection.clientSecret', '(empty)');
  }
  const resolved: ResolvedHttpOptions = {
    host: options.host ?? '127.0.0.1',
    port: checkCount('port', options.port ?? 0, 0),
    path: checkPath('path', options.path ?? '/mcp'),
    sse: options.sse !== false,
    ssePath: checkPath('ssePath', options.ssePath ?? '/sse'),
    messagesPath: checkPath('messagesPath', options.messagesPath ?? '/messages'),
    stateless: options.stateless === true,
    authToken: token === undefined ? undefined : Buffer.from(token, 'utf8'),
    authInfo:
      token === undefined ? undefined : Object.freeze({ token, clientId: 'bearer', scopes: [] }),
    oauth: options.oauth,
    hostCheck: options.disableHostCheck !== true,
    allowedHosts: new Set((options.allowedHosts ?? []).map((h) => h.trim().toLowerCase())),
    allowedOrigins: new Set([
      ...(options.allowedOrigins ?? []).map(normaliseOrigin),
      ...corsOrigins,
    ]),
    cors: Array.isArray(options.cors) ? new Set(corsOrigins) : options.cors === true,
    maxBodyBytes: checkCount('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 1),
    sessionIdleTimeoutMs: checkCount(
      'sessionIdleTimeoutMs',
      options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
      0,
    ),
    maxSessions: sessionLimit(options.maxSessions),
    sseKeepAliveMs: checkCount(
      'sseKeepAliveMs',
      options.sseKeepAliveMs ?? DEFAULT_SSE_KEEP_ALIVE_MS,
      0,
    ),
    eventStore: eventStoreOf(options),
    ssePrimeAfterMs: checkCount(
      'ssePrimeAfterMs',
      options.ssePrimeAfterMs ?? DEFAULT_SSE_PRIME_AFTER_MS,
      0,
    ),
    maxSseQueueBytes: checkCount(
      'maxSseQueueBytes',
      options.maxSseQueueBytes ?? DEFAULT_MAX_SSE_QUEUE_BYTES,
      1,
    ),
    clientGoneGraceMs: checkCount(
      'clientGoneGraceMs',
      options.clientGoneGraceMs ?? DEFAULT_CLIENT_GONE_GRACE_MS,
      0,
    ),
    healthPath: checkPath('healthPath', options.healthPath ?? '/health'),
    routes: [...(options.routes ?? [])],
    logger: options.logger ?? noopLogger,
  };
  const paths = [resolved.path, resolved.healthPath];
  if (resolved.sse) paths.push(resolved.ssePath, resolved.messagesPath);
  for (const [index, route] of resolved.routes.entries()) {
    paths.push(checkPath(`routes[${index}].path`, route.path));
  }
  if (new Set(paths).size !== paths.length) throw invalid('paths', paths.join(', '));
  return resolved;
}
