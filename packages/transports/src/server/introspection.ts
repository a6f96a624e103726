import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { basicAuthorization, makeRoom } from '../oauthClientAuth';

/** Token introspection (RFC 7662) for opaque access tokens, as the OAuth front uses it. */
export interface IntrospectionOptions {
  /** The authorization server's introspection endpoint. */
  endpoint: string;
  /** The client id this proxy authenticates to the endpoint with (HTTP Basic). */
  clientId: string;
  /** Its client secret. */
  clientSecret: string;
  /** How long an answer is kept, in seconds, never past the token's `exp`. @default 60 */
  cacheTtlSec?: number;
  /** The most answers kept (the oldest go first). @default 10000 */
  maxCacheEntries?: number;
  /** How long one introspection may take, in milliseconds. @default 5000 */
  timeoutMs?: number;
}

/** What introspecting a token gave: its claims, why it is not valid, or why nobody could say. */
export type IntrospectionResult =
  | { ok: true; payload: JWTPayload }
  | { ok: false; invalid: string }
  | { ok: false; unavailable: string };

interface Cached {
  result: IntrospectionResult;
  until: number;
}

/**
 * Asks the introspection endpoint about tokens and keeps the answers (keyed by the token's
 * SHA-256, never the token) within their lifetime. A token is valid when the endpoint says
 * `active`, its `aud` names `resource`, its `iss` (when given) is an accepted issuer, and it is
 * within `exp`/`nbf` (with the skew). A failing endpoint is `unavailable`, never valid. @internal
 */
export class TokenIntrospector {
  readonly #options: IntrospectionOptions;
  readonly #resource: string;
  readonly #issuers: readonly string[];
  readonly #skewSec: number;
  readonly #cache = new Map<string, Cached>();
  /** Lookups in flight, by token digest: concurrent first requests with one token ask once. */
  readonly #pending = new Map<string, Promise<IntrospectionResult>>();

  constructor(
    options: IntrospectionOptions,
    resource: string,
    issuers: readonly string[],
    skewSec: number,
  ) {
    this.#options = options;
    this.#resource = resource;
    this.#issuers = issuers;
    this.#skewSec = skewSec;
  }

  /** Introspects `token`, from the cache when a fresh answer is there. */
  async check(token: string): Promise<IntrospectionResult> {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return this.#judge(cached.result);
    this.#cache.delete(key);
    let asking = this.#pending.get(key);
    if (!asking) {
      asking = this.#ask(token).finally(() => this.#pending.delete(key));
      this.#pending.set(key, asking);
    }
    const result = await asking;
    if ('unavailable' in result) return result;
    const ttlMs = (this.#options.cacheTtlSec ?? 60) * 1000;
    const exp =
      result.ok && typeof result.payload.exp === 'number' ? result.payload.exp * 1000 : Infinity;
    const until = Math.min(now + ttlMs, exp + this.#skewSec * 1000);
    if (until > now) {
      makeRoom(this.#cache, this.#options.maxCacheEntries ?? 10_000);
      this.#cache.set(key, { result, until });
    }
    return this.#judge(result);
  }

  /** The time claims again (a cached answer may have expired since). */
  #judge(result: IntrospectionResult): IntrospectionResult {
    if (!result.ok) return result;
    const now = Date.now() / 1000;
    const { exp, nbf } = result.payload;
    if (typeof exp === 'number' && exp + this.#skewSec < now)
      return { ok: false, invalid: 'token expired' };
    if (typeof nbf === 'number' && nbf - this.#skewSec > now) {
      return { ok: false, invalid: 'claim nbf invalid' };
    }
    return result;
  }

  async #ask(token: string): Promise<IntrospectionResult> {
    const { endpoint, clientId, clientSecret } = this.#options;
    let body: Record<string, unknown>;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: basicAuthorization(clientId, clientSecret),
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5000),
      });
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, unavailable: `the introspection endpoint answered ${res.status}` };
      }
      body = (await res.json()) as Record<string, unknown>;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, unavailable: `the introspection endpoint failed (${why})` };
    }
    if (body.active !== true) return { ok: false, invalid: 'token not active' };
    const aud = body.aud;
    const audiences = Array.isArray(aud) ? aud : typeof aud === 'string' ? [aud] : [];
    if (!audiences.includes(this.#resource)) return { ok: false, invalid: 'claim aud invalid' };
    if (typeof body.iss === 'string' && !this.#issuers.includes(body.iss)) {
      return { ok: false, invalid: 'claim iss invalid' };
    }
    return { ok: true, payload: body as JWTPayload };
  }
}
