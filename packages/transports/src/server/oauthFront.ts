import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { type IntrospectionOptions, TokenIntrospector } from './introspection';

/**
 * The OAuth 2.1 resource server in front of {@link serveHttp} (MCP authorization spec
 * 2025-11-25): access tokens are validated as JWTs against the issuer's JWKS, or, with
 * `introspection`, by asking the authorization server (RFC 7662; opaque tokens too).
 */
export interface OAuthFrontOptions {
  /** This server's resource URL (RFC 8707): the `aud` every token must carry. */
  resource: string;
  /** The issuer URLs of the accepted authorization servers (a token's `iss` must be one). */
  authorizationServers: string[];
  /** Scopes every request needs (403 `insufficient_scope` otherwise). @default [] */
  scopes?: string[];
  /** The JWKS URL; else discovered from the first issuer's RFC 8414 or OIDC metadata. */
  jwksUri?: string;
  /** Clock skew allowed on `exp` and `nbf`, in seconds. @default 30 */
  clockToleranceSec?: number;
  /**
   * Validate every token by token introspection (RFC 7662) instead of as a JWT: for opaque
   * tokens, or to see revocations. When the endpoint fails, requests get 503 (never accepted).
   */
  introspection?: IntrospectionOptions;
}

/** Why a request was refused: the status and the `WWW-Authenticate` header to send. */
export interface OAuthRefusal {
  /** 401, 403, or 503 when the token could not be checked (introspection failing). */
  status: 401 | 403 | 503;
  /** The `WWW-Authenticate` value (none with 503). */
  challenge?: string;
  /** With 503: when to try again, in seconds. */
  retryAfterSec?: number;
  /** A short reason, never the token. */
  message: string;
}

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const BEARER = /^bearer\s+(\S+)\s*$/i;

/** The protected resource metadata path for an MCP path (RFC 9728, path-suffixed form). */
export function metadataPathFor(mcpPath: string): string {
  return `/.well-known/oauth-protected-resource${mcpPath === '/' ? '' : mcpPath}`;
}

/** Validates bearer tokens and writes challenges for one HTTP server. */
export class OAuthFront {
  readonly #options: OAuthFrontOptions;
  readonly #metadataUrl: string;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  readonly #introspector: TokenIntrospector | undefined;

  /**
   * @param options - the OAuth options
   * @param mcpPath - the MCP endpoint path (to name the metadata URL)
   */
  constructor(options: OAuthFrontOptions, mcpPath: string) {
    this.#options = options;
    this.#metadataUrl = new URL(metadataPathFor(mcpPath), options.resource).href;
    this.#introspector = options.introspection
      ? new TokenIntrospector(
          options.introspection,
          options.resource,
          options.authorizationServers,
          options.clockToleranceSec ?? 30,
        )
      : undefined;
  }

  /** The RFC 9728 metadata document. */
  metadata(): Record<string, unknown> {
    const doc: Record<string, unknown> = {
      resource: this.#options.resource,
      authorization_servers: this.#options.authorizationServers,
      bearer_methods_supported: ['header'],
    };
    if (this.#options.scopes?.length) doc.scopes_supported = this.#options.scopes;
    return doc;
  }

  #challenge(extra: string): string {
    const scopes = this.#options.scopes ?? [];
    const scope = scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : '';
    return `Bearer resource_metadata="${this.#metadataUrl}"${scope}${extra}`;
  }

  async #keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.#jwks) return this.#jwks;
    let uri = this.#options.jwksUri;
    if (uri === undefined) uri = await discoverJwks(this.#options.authorizationServers[0] ?? '');
    this.#jwks = createRemoteJWKSet(new URL(uri));
    return this.#jwks;
  }

  /** The token's claims, by introspection or as a JWT, or why it is refused. */
  async #validate(token: string): Promise<{ payload: JWTPayload } | OAuthRefusal> {
    if (this.#introspector) {
      const result = await this.#introspector.check(token);
      if (result.ok) return { payload: result.payload };
      if ('unavailable' in result) {
        return {
          status: 503,
          retryAfterSec: 5,
          message: `Service unavailable: cannot check the access token: ${result.unavailable}`,
        };
      }
      return this.#invalid(result.invalid);
    }
    try {
      const { payload } = await jwtVerify(token, await this.#keySet(), {
        issuer: this.#options.authorizationServers,
        audience: this.#options.resource,
        clockTolerance: this.#options.clockToleranceSec ?? 30,
        algorithms: ASYMMETRIC,
      });
      return { payload };
    } catch (error) {
      return this.#invalid(describe(error));
    }
  }

  #invalid(why: string): OAuthRefusal {
    return {
      status: 401,
      challenge: this.#challenge(`, error="invalid_token", error_description="${why}"`),
      message: `Unauthorized: invalid token (${why})`,
    };
  }

  /** The request's authInfo, or why it is refused. */
  async authenticate(req: IncomingMessage): Promise<AuthInfo | OAuthRefusal> {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match?.[1]) {
      return {
        status: 401,
        challenge: this.#challenge(''),
        message: 'Unauthorized: a bearer token is required',
      };
    }
    return this.verifyToken(match[1]);
  }

  /**
   * Checks one access token as the front does (signature or introspection, issuer, audience,
   * time, the required scopes): its authInfo, or why it is refused. For a sign-in form that
   * takes a token (the dashboard), where there is no `Authorization` header.
   */
  async verifyToken(token: string): Promise<AuthInfo | OAuthRefusal> {
    const checked = await this.#validate(token);
    if (!('payload' in checked)) return checked;
    const { payload } = checked;
    const scopes = scopesOf(payload);
    const missing = (this.#options.scopes ?? []).filter((s) => !scopes.includes(s));
    if (missing.length > 0) {
      const needed = (this.#options.scopes ?? []).join(' ');
      return {
        status: 403,
        challenge: `Bearer error="insufficient_scope", scope="${needed}", resource_metadata="${this.#metadataUrl}"`,
        message: `Forbidden: insufficient scope (needs ${needed})`,
      };
    }
    const clientId = String(payload.client_id ?? payload.azp ?? payload.sub ?? 'unknown');
    const info: AuthInfo = {
      token,
      clientId,
      scopes,
      resource: new URL(this.#options.resource),
      extra: { sub: payload.sub, claims: payload, oauth: true },
    };
    if (typeof payload.exp === 'number') info.expiresAt = payload.exp;
    return info;
  }
}

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.map(String);
  return [];
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim} invalid`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid)
    return 'malformed token';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  return 'token not accepted';
}

/** The `jwks_uri` from an issuer's RFC 8414 metadata, else its OIDC discovery document. */
async function discoverJwks(issuer: string): Promise<string> {
  const base = issuer.replace(/\/+$/, '');
  for (const suffix of [
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
  ]) {
    const res = await fetch(`${base}${suffix}`, { signal: AbortSignal.timeout(5000) }).catch(
      () => undefined,
    );
    if (!res?.ok) continue;
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri === 'string') return doc.jwks_uri;
  }
  throw new Error(`No jwks_uri found for issuer ${issuer}`);
}

/** The authInfo validated for each request (read by the handlers). */
export const requestAuth = new WeakMap<IncomingMessage, AuthInfo>();
