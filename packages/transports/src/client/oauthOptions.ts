import type { OAuthGrantKey, OAuthTokenStore } from './oauthGrants';
import { redactUrl } from './resolveTarget';

/** How the proxy signs in to a remote backend that requires OAuth (see `HttpTarget.oauth`). */
export interface OAuthBackendOptions {
  /**
   * A client id registered at the backend's authorization server. Without one, the proxy uses
   * {@link OAuthBackendOptions.clientMetadataUrl} where the server supports client ID metadata
   * documents, else registers itself (dynamic client registration, RFC 7591).
   */
  clientId?: string;
  /** The secret of {@link OAuthBackendOptions.clientId}, for a confidential client. */
  clientSecret?: string;
  /** An https URL of a client ID metadata document that names this proxy. */
  clientMetadataUrl?: string;
  /** The scopes asked for. Default: those the backend's metadata lists. */
  scopes?: string[];
  /**
   * The loopback port `login` waits on for the redirect (`http://127.0.0.1:<port>/callback`).
   * Needed when the client is registered with a fixed redirect URI. Default: a free port.
   */
  redirectPort?: number;
  /** Where grants are kept. Default: a {@link FileTokenStore} at its default path. */
  store?: OAuthTokenStore;
  /** The client name sent when registering. @default 'org-mcp-proxy' */
  clientName?: string;
  /**
   * The command a user runs to sign in, named in errors.
   * @default `org-mcp-proxy login <url>`
   */
  loginCommand?: string;
  /**
   * Called when a request of a serving proxy needs someone to sign in; an error returned is
   * thrown instead of the `AUTHORIZATION_REQUIRED` one (to offer the sign-in in band, as a
   * URL elicitation, say). Return undefined to keep the default error.
   */
  onSignInNeeded?: (needed: SignInNeeded) => Error | undefined;
}

/** What {@link OAuthBackendOptions.onSignInNeeded} is told. */
export interface SignInNeeded {
  /** The backend's name. */
  backend: string;
  /** Whose grant is missing. */
  key: OAuthGrantKey;
  /** Why: no grant, a refused grant, more scope asked for. */
  reason: string;
  /** The scope the backend asked for, when it did. */
  scope?: string;
}

/**
 * The command that signs `key`'s principal in, for messages. A URL with credentials, a query or
 * a fragment is not repeated (messages reach clients).
 */
export function loginHint(options: OAuthBackendOptions, key: OAuthGrantKey): string {
  const url = redactUrl(key.url) === new URL(key.url).href ? key.url : '<the backend URL>';
  const command = options.loginCommand ?? `org-mcp-proxy login ${url}`;
  return key.principal === undefined
    ? command
    : `${command} --principal ${JSON.stringify(key.principal)}`;
}
