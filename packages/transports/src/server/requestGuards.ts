import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ResolvedHttpOptions } from './httpOptions';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;
const BEARER_PREFIX = 'bearer ';

/** Formats a host for a URL or a Host header: IPv6 addresses go in brackets. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The Host part without its port (`[::1]:80` gives `[::1]`, `example.com:8080` gives `example.com`). */
function hostName(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * The checks every HTTP request passes before it reaches a session: DNS rebinding protection
 * (Host and Origin), bearer auth and CORS. Built once the port is known; all per-request work
 * is a few set lookups.
 */
export class RequestGuards {
  readonly #options: ResolvedHttpOptions;
  /** Exact Host values accepted: the loopback names and the bound host, bare or with the port. */
  readonly #exactHosts: Set<string>;
  /** A key of this server alone: tokens are compared as HMACs under it (see {@link authorized}). */
  readonly #tokenKey = randomBytes(32);
  /** The HMAC of the expected token, when auth is on. */
  readonly #expectedDigest: Buffer | undefined;

  /**
   * @param options - the resolved serve options
   * @param port - the bound port
   */
  constructor(options: ResolvedHttpOptions, port: number) {
    this.#options = options;
    this.#exactHosts = new Set();
    const token = options.authToken;
    this.#expectedDigest = token === undefined ? undefined : this.#digest(token);
    const bound = formatHost(options.host.toLowerCase());
    const names = [...LOOPBACK_NAMES];
    if (bound !== '0.0.0.0' && bound !== '[::]') names.push(bound);
    for (const name of names) {
      this.#exactHosts.add(name);
      this.#exactHosts.add(`${name}:${port}`);
    }
  }

  /** Whether the Host header is acceptable (always true when the check is disabled). */
  hostAllowed(host: string | undefined): boolean {
    if (!this.#options.hostCheck) return true;
    if (host === undefined) return false;
    if (this.#exactHosts.has(host)) return true;
    const lower = host.toLowerCase();
    if (this.#exactHosts.has(lower)) return true;
    const allowed = this.#options.allowedHosts;
    return allowed.size > 0 && (allowed.has(lower) || allowed.has(hostName(lower)));
  }

  /** Whether an Origin header is acceptable: absent, a loopback origin, or an allowed one. */
  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined || !this.#options.hostCheck) return true;
    if (LOOPBACK_ORIGIN.test(origin)) return true;
    return this.#options.allowedOrigins.has(origin.toLowerCase());
  }

  /** Whether CORS headers are due for this (already accepted) origin. */
  corsAllowed(origin: string | undefined): origin is string {
    const cors = this.#options.cors;
    if (origin === undefined || cors === false) return false;
    if (cors === true) return this.originAllowed(origin);
    return cors.has(origin.toLowerCase());
  }

  /**
   * Whether the request carries the expected bearer token (always true without `authToken`).
   * The given and the expected token are compared as HMAC-SHA256 digests under a random key,
   * with `timingSafeEqual`: the time taken depends neither on where they differ nor on their
   * lengths, so it reveals nothing about the token, its length included.
   */
  authorized(req: IncomingMessage): boolean {
    const expected = this.#expectedDigest;
    if (expected === undefined) return true;
    const header = req.headers.authorization;
    const bearer =
      header !== undefined &&
      header.length > BEARER_PREFIX.length &&
      header.slice(0, BEARER_PREFIX.length).toLowerCase() === BEARER_PREFIX;
    const given = bearer ? header.slice(BEARER_PREFIX.length).trim() : '';
    // Node reads header bytes as latin1: that gives back the bytes the client sent (UTF-8 for
    // a non-ASCII token), to compare with the token's UTF-8 bytes.
    const match = timingSafeEqual(this.#digest(Buffer.from(given, 'latin1')), expected);
    return bearer && given.length > 0 && match;
  }

  #digest(token: Buffer): Buffer {
    return createHmac('sha256', this.#tokenKey).update(token).digest();
  }
}
