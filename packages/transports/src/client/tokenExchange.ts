import { createHash } from 'node:crypto';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import { basicAuthorization, makeRoom } from '../oauthClientAuth';

/** The grant type of OAuth 2.0 Token Exchange (RFC 8693). */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * How a backend's token is obtained for each caller by OAuth 2.0 Token Exchange (RFC 8693): the
 * caller's access token at the front (the subject token) is exchanged at the authorization
 * server for a token of the backend.
 */
export interface TokenExchangeOptions {
  /** The authorization server's token endpoint. */
  tokenEndpoint: string;
  /** The proxy's client id there. */
  clientId: string;
  /** Its client secret (sent with HTTP Basic). */
  clientSecret: string;
  /** The backend's resource indicator (RFC 8707): the audience of the token asked for. */
  resource?: string;
  /** A logical audience name, when the server wants one instead of (or beside) `resource`. */
  audience?: string;
  /** The scopes asked for. */
  scope?: string;
  /** How long the exchange may take. @default 10000 */
  timeoutMs?: number;
  /** How many exchanged tokens are kept (the least recently used dropped first). @default 10000 */
  maxCacheEntries?: number;
  /** A fetch implementation (defaults to the global one). */
  fetch?: FetchLike;
}

interface Cached {
  token: string;
  until: number;
}

/** Exchanged tokens are renewed this long before they expire. */
const RENEW_BEFORE_MS = 30_000;
/** How long an exchanged token without `expires_in` is kept. */
const DEFAULT_LIFETIME_MS = 300_000;

/**
 * Exchanges callers' front tokens for backend tokens (RFC 8693), caching each result until
 * shortly before it expires, keyed by a digest of the subject token (never the token), and
 * asking once for concurrent requests with the same subject token.
 */
export class TokenExchanger {
  readonly #options: TokenExchangeOptions;
  readonly #backend: string;
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<Cached>>();

  /**
   * @param options - the endpoint, the client and what to ask for
   * @param backend - the backend's name, for messages
   */
  constructor(options: TokenExchangeOptions, backend: string) {
    this.#options = options;
    this.#backend = backend;
  }

  /** A backend token for the caller whose front token is `subjectToken`. */
  async exchange(subjectToken: string): Promise<string> {
    const key = createHash('sha256').update(subjectToken).digest('base64url');
    const cached = this.#cache.get(key);
    if (cached && cached.until > Date.now()) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached.token;
    }
    this.#cache.delete(key);
    let asking = this.#pending.get(key);
    if (!asking) {
      asking = this.#ask(subjectToken).finally(() => this.#pending.delete(key));
      this.#pending.set(key, asking);
    }
    const answer = await asking;
    makeRoom(this.#cache, this.#options.maxCacheEntries ?? 10_000);
    this.#cache.set(key, answer);
    return answer.token;
  }

  #failure(why: string): ProxyError {
    return new ProxyError(
      ProxyErrorCode.BackendUnavailable,
      `Token exchange for backend ${this.#backend} failed: ${why}`,
    );
  }

  async #ask(subjectToken: string): Promise<Cached> {
    const { tokenEndpoint, clientId, clientSecret, resource, audience, scope } = this.#options;
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    if (resource !== undefined) body.set('resource', resource);
    if (audience !== undefined) body.set('audience', audience);
    if (scope !== undefined) body.set('scope', scope);
    let answer: Record<string, unknown>;
    let status: number;
    try {
      const res = await (this.#options.fetch ?? fetch)(tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: basicAuthorization(clientId, clientSecret),
        },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      status = res.status;
      answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    } catch (error) {
      throw this.#failure(
        `the token endpoint could not be reached (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (status < 200 || status >= 300 || typeof answer.access_token !== 'string') {
      const code = typeof answer.error === 'string' ? answer.error : `HTTP ${status}`;
      const detail =
        typeof answer.error_description === 'string' ? `: ${answer.error_description}` : '';
      throw this.#failure(`the authorization server answered ${code}${detail}`);
    }
    const lifetimeMs =
      typeof answer.expires_in === 'number' ? answer.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    return {
      token: answer.access_token,
      until: Date.now() + Math.max(0, lifetimeMs - RENEW_BEFORE_MS),
    };
  }
}
