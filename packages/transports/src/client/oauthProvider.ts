import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import { FileTokenStore } from './oauthFileStore';
import type { OAuthGrantKey, OAuthGrantRecord, OAuthTokenStore } from './oauthGrants';
import { loginHint, type OAuthBackendOptions } from './oauthOptions';

/** How a {@link StoredOAuthProvider} reaches the user. */
export type OAuthProviderMode =
  | {
      /** Signing in: a new grant is asked for, the user is sent to `onAuthorizationUrl`. */
      kind: 'login';
      /** The loopback redirect URI the code comes back to. */
      redirectUrl: string;
      /** The `state` parameter, checked when the code comes back. */
      state: string;
      /** Receives the authorization URL the user must open. */
      onAuthorizationUrl: (url: URL) => void | Promise<void>;
    }
  | {
      /** Serving: stored tokens are used and refreshed; a missing grant is an error. */
      kind: 'serve';
    };

/** The data of an `AUTHORIZATION_REQUIRED` error: what to run, and why. */
export interface AuthorizationRequiredData {
  /** The backend's name. */
  backend: string;
  /** The command that signs in. */
  login: string;
  /** The scope the backend asked for, when it asked for more than the grant holds. */
  scope?: string;
}

/** The error of a backend request that needs someone to sign in first. */
export function authorizationRequired(
  backend: string,
  options: OAuthBackendOptions,
  key: OAuthGrantKey,
  reason: string,
  scope?: string,
): ProxyError {
  const login = loginHint(options, key);
  const whose = key.principal === undefined ? '' : ` for caller ${JSON.stringify(key.principal)}`;
  const data: AuthorizationRequiredData = { backend, login, ...(scope ? { scope } : {}) };
  return new ProxyError(
    ProxyErrorCode.AuthorizationRequired,
    `Backend ${backend} needs an OAuth sign-in${whose} (${reason}): run \`${login}\``,
    { data },
  );
}

/** Whether stored client information was registered for `redirectUrl`. */
function registeredFor(info: OAuthClientInformationMixed, redirectUrl: string): boolean {
  const uris = (info as { redirect_uris?: unknown }).redirect_uris;
  return !Array.isArray(uris) || uris.includes(redirectUrl);
}

/**
 * The SDK's `OAuthClientProvider` over an {@link OAuthTokenStore}: one grant per backend URL and
 * per front principal. The SDK does the protocol (discovery, registration, PKCE, refresh);
 * this class decides what is kept and what happens when a user must sign in.
 */
export class StoredOAuthProvider implements OAuthClientProvider {
  readonly #backend: string;
  readonly #options: OAuthBackendOptions;
  readonly #store: OAuthTokenStore;
  readonly #key: () => OAuthGrantKey;
  readonly #mode: OAuthProviderMode;
  #verifier: string | undefined;
  /** Whether a login already got new tokens (before that, stored ones are ignored). */
  #signedIn = false;

  /**
   * @param backend - the backend's name, for messages and listings
   * @param options - the client and the store
   * @param key - whose grant, asked at each use (the caller may change between requests)
   * @param mode - signing in or serving
   */
  constructor(
    backend: string,
    options: OAuthBackendOptions,
    key: () => OAuthGrantKey,
    mode: OAuthProviderMode,
  ) {
    this.#backend = backend;
    this.#options = options;
    this.#store = options.store ?? new FileTokenStore();
    this.#key = key;
    this.#mode = mode;
  }

  /** The store the grants are in. */
  get store(): OAuthTokenStore {
    return this.#store;
  }

  /** The key of the grant used now. */
  key(): OAuthGrantKey {
    return this.#key();
  }

  /** The redirect URI: the login's loopback listener (serving never redirects). */
  get redirectUrl(): string {
    // Serving never redirects (it throws instead), but the SDK needs a redirect URL to take
    // the authorization-code path rather than a client-credentials one.
    return this.#mode.kind === 'login' ? this.#mode.redirectUrl : 'http://127.0.0.1/callback';
  }

  /** The client ID metadata document URL, when configured. */
  get clientMetadataUrl(): string | undefined {
    return this.#options.clientMetadataUrl;
  }

  /** What the proxy registers as: its name, redirect URI, grants and scopes. */
  get clientMetadata(): OAuthClientMetadata {
    const scope = this.#options.scopes?.join(' ');
    return {
      client_name: this.#options.clientName ?? 'org-mcp-proxy',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.#options.clientSecret ? 'client_secret_basic' : 'none',
      ...(scope ? { scope } : {}),
    };
  }

  /** The `state` parameter of a login's authorization request. */
  state(): string {
    return this.#mode.kind === 'login' ? this.#mode.state : '';
  }

  /** The configured client, else the one registered and stored (a login ignores one registered for another redirect URI). */
  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    if (this.#options.clientId !== undefined) {
      return {
        client_id: this.#options.clientId,
        ...(this.#options.clientSecret ? { client_secret: this.#options.clientSecret } : {}),
      };
    }
    const record = await this.#read();
    const stored = record?.clientInformation;
    if (stored && this.#mode.kind === 'login' && !registeredFor(stored, this.#mode.redirectUrl)) {
      return undefined;
    }
    if (!stored && this.#mode.kind === 'serve') {
      // The backend wants a sign-in and nobody signed in: say so rather than register a client
      // at the authorization server for a flow that cannot finish here.
      throw this.#signInNeeded(record?.refused ?? 'no grant is stored', record?.neededScope);
    }
    return stored;
  }

  /** Stores a client registered dynamically (a configured client is not stored). */
  async saveClientInformation(clientInformation: OAuthClientInformationMixed): Promise<void> {
    if (this.#options.clientId !== undefined) return;
    await this.#change((record) => ({ ...record, clientInformation }));
  }

  /** The stored tokens of the grant used now (none during a login until it got new ones). */
  async tokens(): Promise<OAuthTokens | undefined> {
    if (this.#mode.kind === 'login' && !this.#signedIn) return undefined;
    // Without a grant the request goes without a token: a backend that wants one answers 401,
    // and the sign-in error comes from there (a backend that wants none is served as it is).
    return (await this.#read())?.tokens;
  }

  /** Stores new tokens with their expiry; a scope asked for and now granted is cleared. */
  async saveTokens(tokens: OAuthTokens): Promise<void> {
    if (this.#mode.kind === 'login') this.#signedIn = true;
    const granted = tokens.scope?.split(' ') ?? [];
    await this.#change((record) => {
      const { refused: _refused, neededScope, ...rest } = record;
      const covered = neededScope?.split(' ').every((scope) => granted.includes(scope)) ?? true;
      return {
        ...rest,
        // A refresh may come back without a new refresh token: the old one stays valid.
        tokens: {
          ...tokens,
          ...(tokens.refresh_token || !rest.tokens?.refresh_token || this.#mode.kind === 'login'
            ? {}
            : { refresh_token: rest.tokens.refresh_token }),
        },
        ...(tokens.expires_in !== undefined
          ? { expiresAt: Date.now() + tokens.expires_in * 1000 }
          : { expiresAt: undefined }),
        ...(covered ? {} : { neededScope }),
      };
    });
  }

  /** Sends the user to sign in (a login), or fails with the sign-in error (serving). */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.#mode.kind === 'login') {
      await this.#mode.onAuthorizationUrl(authorizationUrl);
      return;
    }
    const record = await this.#read();
    throw this.#signInNeeded(
      record?.refused ?? 'the stored grant cannot be renewed',
      record?.neededScope,
    );
  }

  /** The error of a request that needs a sign-in: the hook's, else `AUTHORIZATION_REQUIRED`. */
  #signInNeeded(reason: string, scope?: string): Error {
    const key = this.#key();
    const hooked = this.#options.onSignInNeeded?.({ backend: this.#backend, key, reason, scope });
    return hooked ?? authorizationRequired(this.#backend, this.#options, key, reason, scope);
  }

  /** The error of a request that needs a sign-in, for `reason` (and `scope`, a step-up). */
  signInNeeded(reason: string, scope?: string): Error {
    return this.#signInNeeded(reason, scope);
  }

  /** Keeps a login's PKCE code verifier, in memory only. */
  saveCodeVerifier(codeVerifier: string): void {
    this.#verifier = codeVerifier;
  }

  /** The PKCE code verifier of the login in progress. */
  codeVerifier(): string {
    if (this.#verifier === undefined) {
      throw new ProxyError(
        ProxyErrorCode.Internal,
        `Backend ${this.#backend}: no sign-in is in progress (no PKCE code verifier)`,
      );
    }
    return this.#verifier;
  }

  /** Drops what the authorization server refused (tokens, client, discovery), recording why. */
  async invalidateCredentials(
    scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery',
  ): Promise<void> {
    if (scope === 'verifier') {
      this.#verifier = undefined;
      return;
    }
    if (!(await this.#read())) return;
    await this.#change((record) => {
      const next: OAuthGrantRecord = { ...record };
      if (scope === 'all' || scope === 'tokens') {
        if (next.tokens) next.refused = 'the authorization server refused the stored grant';
        delete next.tokens;
        delete next.expiresAt;
      }
      if (scope === 'all' || scope === 'client') delete next.clientInformation;
      if (scope === 'all' || scope === 'discovery') delete next.discovery;
      return next;
    });
  }

  /** Keeps what discovery found with an existing grant. */
  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    // A serving proxy keeps no record for a caller who never signed in (callers could fill
    // the store): what discovery found is kept with a grant only.
    if (this.#mode.kind === 'serve' && !(await this.#read())) return;
    await this.#change((record) => ({ ...record, discovery }));
  }

  /** What discovery found earlier (a login discovers afresh). */
  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    // A sign-in discovers afresh: the backend may have moved to another authorization server.
    if (this.#mode.kind === 'login' && !this.#signedIn) return undefined;
    return (await this.#read())?.discovery;
  }

  /** Records a scope the backend asked for beyond the grant (a step-up needs a new sign-in). */
  async needScope(scope: string): Promise<void> {
    await this.#change((record) => ({ ...record, neededScope: scope }));
  }

  #read(): Promise<OAuthGrantRecord | undefined> {
    return this.#store.read(this.#key());
  }

  #change(change: (record: OAuthGrantRecord) => OAuthGrantRecord): Promise<void> {
    return this.#store.update(this.#key(), (current) => ({
      ...change(current ?? { backend: this.#backend, updatedAt: 0 }),
      backend: this.#backend,
      updatedAt: Date.now(),
    }));
  }
}
