import fs from 'node:fs';
import path from 'node:path';
import { ProxyError, ProxyErrorCode } from '../errors';
import type {
  BackendTarget,
  ConnectableServer,
  HttpTarget,
  InProcessTarget,
  StdioTarget,
} from './targets';

/**
 * A {@link BackendTarget} resolved to one of the three connection kinds, with the wire
 * protocol of an HTTP target settled.
 */
export type ResolvedTarget =
  | {
      /** A child process over stdio. */
      kind: 'stdio';
      /** The command spec. */
      target: StdioTarget;
    }
  | {
      /** A remote server over streamable HTTP or legacy SSE. */
      kind: 'streamable-http' | 'sse';
      /** The HTTP target. */
      target: HttpTarget;
    }
  | {
      /** A server in this process. */
      kind: 'in-memory';
      /** The in-process target. */
      target: InProcessTarget;
    };

const SSE_PATH = /\/sse(\/|\?|&|$)/;
const HTTP_PREFIX = /^https?:\/\//i;
const NODE_SCRIPT = /\.(?:js|mjs|cjs)$/i;
const PYTHON_SCRIPT = /\.py$/i;

/**
 * Which HTTP wire protocol a URL implies: a path matching `/sse` (followed by `/`, `?`, `&` or
 * the end) means the legacy HTTP+SSE transport, anything else streamable HTTP. Only the path is
 * examined, never the host or the query.
 *
 * @throws {@link ProxyError} `InvalidTarget` when the URL is not an `http:` or `https:` URL.
 * @example
 * ```ts
 * inferTransportKind('https://example.com/api/sse'); // 'sse'
 * inferTransportKind('https://example.com/mcp/'); // 'streamable-http'
 * ```
 */
export function inferTransportKind(url: string | URL): 'sse' | 'streamable-http' {
  const parsed = parseHttpUrl(url);
  return SSE_PATH.test(parsed.pathname) ? 'sse' : 'streamable-http';
}

/** Whether a target is a {@link StdioTarget} (an object with a `command`). */
export function isStdioTarget(target: unknown): target is StdioTarget {
  return isObject(target) && 'command' in target;
}

/** Whether a target is an {@link HttpTarget} (an object with a `url`). */
export function isHttpTarget(target: unknown): target is HttpTarget {
  return isObject(target) && !(target instanceof URL) && 'url' in target;
}

/**
 * Whether a target is an {@link InProcessTarget} (an object with a `server` and no `connect`
 * function: an SDK `McpServer` has a `server` field but is a {@link ConnectableServer}).
 */
export function isInProcessTarget(target: unknown): target is InProcessTarget {
  return isObject(target) && 'server' in target && !isConnectableServer(target);
}

/** Whether a target is a {@link ConnectableServer} (an object with a `connect` function). */
export function isConnectableServer(target: unknown): target is ConnectableServer {
  return isObject(target) && typeof (target as { connect?: unknown }).connect === 'function';
}

/**
 * Turns any {@link BackendTarget} into a {@link ResolvedTarget}.
 *
 * - A string or `URL` starting with `http://` or `https://` is an HTTP target, kept verbatim;
 *   its kind comes from {@link inferTransportKind}.
 * - A string naming an existing `.js`, `.mjs` or `.cjs` file runs it with this Node binary
 *   (`process.execPath`) over stdio; a `.py` file runs with `python3`. The target is named after
 *   the file.
 * - An object with `command` or `url` is a stdio or HTTP target; an object with a `connect`
 *   function is a server reached in process; an object with `server` is an in-process target.
 *   An HTTP target's `transport` overrides inference.
 *
 * @throws {@link ProxyError} `InvalidTarget` for anything else.
 */
export function resolveTarget(target: BackendTarget): ResolvedTarget {
  if (typeof target === 'string') return resolveString(target);
  if (target instanceof URL) return resolveHttp({ url: target });
  if (isStdioTarget(target)) return resolveStdio(target);
  if (isHttpTarget(target)) return resolveHttp(target);
  // Before `server`: an SDK McpServer has a `server` field of its own.
  if (isConnectableServer(target)) return { kind: 'in-memory', target: { server: target } };
  if (isInProcessTarget(target)) return resolveInProcess(target);
  throw invalid(`Not a backend target: ${describeValue(target)}`);
}

/** Strips userinfo, query and fragment from a URL so that it is safe to show. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url));
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return redactText(String(url));
  }
}

function resolveString(value: string): ResolvedTarget {
  if (HTTP_PREFIX.test(value)) return resolveHttp({ url: value });
  const file = path.resolve(value);
  if (isFile(file)) {
    const name = path.basename(file);
    if (NODE_SCRIPT.test(file)) {
      return { kind: 'stdio', target: { command: process.execPath, args: [file], name } };
    }
    if (PYTHON_SCRIPT.test(file)) {
      return { kind: 'stdio', target: { command: 'python3', args: [file], name } };
    }
  }
  throw invalid(`Not a URL or a script file: ${redactText(value)}`);
}

function resolveStdio(target: StdioTarget): ResolvedTarget {
  if (typeof target.command !== 'string' || target.command.trim() === '') {
    throw invalid(`Stdio target needs a non-empty command: ${describeValue(target.command)}`);
  }
  return { kind: 'stdio', target };
}

function resolveHttp(target: HttpTarget): ResolvedTarget {
  const parsed = parseHttpUrl(target.url);
  switch (target.transport) {
    case undefined:
      return { kind: SSE_PATH.test(parsed.pathname) ? 'sse' : 'streamable-http', target };
    case 'sse':
      return { kind: 'sse', target };
    case 'http':
    case 'streamable-http':
      return { kind: 'streamable-http', target };
    default:
      throw invalid(`Unknown HTTP transport: ${String(target.transport)}`);
  }
}

function resolveInProcess(target: InProcessTarget): ResolvedTarget {
  const server = target.server;
  if (typeof server !== 'function' && !isConnectableServer(server)) {
    throw invalid(`In-process target needs a server or a server factory: ${describeValue(server)}`);
  }
  return { kind: 'in-memory', target };
}

function parseHttpUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = url instanceof URL ? url : new URL(url);
  } catch (error) {
    throw invalid(`Invalid URL: ${redactText(String(url))}`, error);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`Not an HTTP URL: ${redactUrl(parsed)}`);
  }
  return parsed;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Names what a value is without showing its content (which may hold secrets). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length ? `object with keys ${keys.join(', ')}` : 'empty object';
  }
  if (typeof value === 'string') return value === '' ? 'empty string' : 'string';
  return typeof value;
}

/** Drops `user:password@` from anything that looks like a URL with credentials. */
function redactText(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}

function invalid(message: string, cause?: unknown): ProxyError {
  return new ProxyError(ProxyErrorCode.InvalidTarget, message, { cause });
}
