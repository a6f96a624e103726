import { auth, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError } from '../errors';
import type { Logger } from '../logger';
import { grantId } from './oauthGrants';
import type { OAuthBackendOptions } from './oauthOptions';
import type { StoredOAuthProvider } from './oauthProvider';

/**
 * An access token is renewed when less than 30 s, or half its lifetime when that is shorter,
 * is left.
 */
const RENEW_SHARE = 0.5;
const RENEW_BEFORE_MS = 30_000;

/** Whether `url` is the backend's endpoint (not its authorization server). */
function isEndpoint(url: string | URL, endpoint: URL): boolean {
  const target = new URL(url);
  return target.origin === endpoint.origin && target.pathname === endpoint.pathname;
}

/** What {@link oauthFetch} needs. */
export interface OAuthFetchOptions {
  /** The backend's name, for messages. */
  backend: string;
  /** The backend's MCP endpoint. */
  endpoint: URL;
  /** The provider the SDK transport was given. */
  provider: StoredOAuthProvider;
  /** The sign-in options, for messages. */
  options: OAuthBackendOptions;
  /** Sends requests to the backend (with forwarded headers). */
  toBackend: FetchLike;
  /** Sends requests to the authorization server (nothing forwarded). */
  toAuthServer: FetchLike;
  /** Where renewals that failed for a passing reason are reported. */
  logger: Logger;
}

/**
 * The fetch the SDK transport of an OAuth backend is given. Requests to the backend's endpoint
 * renew an access token about to expire first (with the refresh token, once for concurrent
 * requests), and a `403 insufficient_scope` is turned into an `AUTHORIZATION_REQUIRED` error
 * naming the scope (a step-up needs the user, which a serving proxy cannot reach). Other
 * requests (discovery, registration, token requests) go to the authorization server with
 * nothing forwarded from the client.
 */
export function oauthFetch(config: OAuthFetchOptions): FetchLike {
  const renewing = new Map<string, Promise<void>>();
  const renew = async (): Promise<void> => {
    const store = config.provider.store;
    const key = config.provider.key();
    const record = await store.read(key);
    const tokens = record?.tokens;
    if (!tokens?.refresh_token || record?.expiresAt === undefined) return;
    const lifetime = (tokens.expires_in ?? 0) * 1000;
    const left = record.expiresAt - Date.now();
    if (left > Math.min(RENEW_BEFORE_MS, lifetime * RENEW_SHARE)) return;
    const id = grantId(key);
    let pending = renewing.get(id);
    if (!pending) {
      pending = auth(config.provider, {
        serverUrl: config.endpoint,
        fetchFn: config.toAuthServer,
      })
        .then(() => {})
        .finally(() => renewing.delete(id));
      renewing.set(id, pending);
    }
    try {
      await pending;
    } catch (error) {
      // A sign-in is needed (ours, or the error a hook offers in band): say so, once.
      if (error instanceof ProxyError || error instanceof McpError) throw error;
      // The old token may still be good for a while: use it, and say why renewal failed.
      config.logger.warn(
        `Backend ${config.backend}: renewing the OAuth access token failed: ${(error as Error).message}`,
      );
    }
  };

  return async (url, init) => {
    if (!isEndpoint(url, config.endpoint)) return config.toAuthServer(url, init);
    await renew();
    const headers = new Headers(init?.headers);
    const current = await config.provider.tokens();
    if (current) headers.set('authorization', `Bearer ${current.access_token}`);
    const response = await config.toBackend(url, { ...init, headers });
    if (response.status === 403) {
      const { error, scope } = extractWWWAuthenticateParams(response);
      if (error === 'insufficient_scope') {
        await response.body?.cancel().catch(() => {});
        if (scope) await config.provider.needScope(scope);
        throw config.provider.signInNeeded(
          scope ? `it asks for scope "${scope}"` : 'it asks for more scope',
          scope,
        );
      }
    }
    return response;
  };
}
