import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  auth,
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformationMixed,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { currentContext, type FrontSession } from '@org/core';
import {
  FileTokenStore,
  type HttpRoute,
  type HttpTarget,
  type Logger,
  noopLogger,
  type OAuthBackendOptions,
  type OAuthRefusal,
  type SignInNeeded,
  StoredOAuthProvider,
} from '@org/transports';
import { redirectTo, signInPage } from './signInPage';

/** The path under the public URL the browser is sent to. */
export const SIGN_IN_PATH = '/oauth/connect/';
const CALLBACK = 'callback';

/** Options of {@link BackendSignIn}. */
export interface BackendSignInOptions {
  /**
   * The proxy's origin as browsers reach it (`https://proxy.example.com`), or a function giving
   * it (asked at each sign-in: a server listening on a port picked at start).
   */
  publicUrl: string | (() => string);
  /** The front's OAuth: who the user signing in is, checked against the caller. */
  front: {
    /** The front's resource URL (the audience of its tokens). */
    resource: string;
    /** The front's authorization server (issuer URL). */
    authorizationServer: string;
    /** Checks an access token as the front does (see `OAuthFront.verifyToken`). */
    verifyToken(token: string): Promise<AuthInfo | OAuthRefusal>;
    /** The scopes the front requires. */
    scopes?: string[];
    /** A client of the proxy registered there; else the proxy registers one (RFC 7591). */
    clientId?: string;
    /** Its secret, for a confidential client. */
    clientSecret?: string;
  };
  /** How long a sign-in link stays good. @default 600000 */
  ttlMs?: number;
  /** How many sign-ins may wait at once (the oldest is dropped). @default 1000 */
  maxPending?: number;
  /** Where what happens is reported. */
  logger?: Logger;
  /** A fetch implementation for both authorization servers (defaults to the global one). */
  fetch?: FetchLike;
}

type OAuthTarget = Pick<HttpTarget, 'url' | 'name' | 'fetch'> & { oauth: OAuthBackendOptions };

interface Pending {
  id: string;
  principal: string;
  backend: string;
  target: OAuthTarget;
  scope?: string;
  session: FrontSession | undefined;
  createdAt: number;
  /** The front sign-in in progress: its PKCE verifier. */
  frontVerifier?: string;
  /** The backend sign-in in progress. */
  provider?: StoredOAuthProvider;
}

function principalOf(info: AuthInfo): string {
  const sub = info.extra?.sub;
  return typeof sub === 'string' ? sub : info.clientId;
}

/**
 * Offers a sign-in to an OAuth backend in band, to the front caller who needs one: the
 * request fails with a URL elicitation (-32042) whose URL opens a sign-in at the proxy. The
 * browser first signs in at the front's authorization server, so that the proxy knows who
 * opened the link: only the caller the link was made for may go on (a link sent to someone
 * else cannot plant their grant under the caller's name). Then it signs in at the backend's
 * authorization server; the grant is stored for that caller, and the client session is told
 * (`notifications/elicitation/complete`). A client that declared no URL elicitation gets the
 * `AUTHORIZATION_REQUIRED` error as without this service.
 */
export class BackendSignIn {
  readonly #options: BackendSignInOptions;
  readonly #logger: Logger;
  readonly #pending = new Map<string, Pending>();
  #frontServer:
    | Promise<{
        metadata: AuthorizationServerMetadata | undefined;
        client: OAuthClientInformationMixed;
      }>
    | undefined;

  /** @param options - the public URL, the front's OAuth, the limits */
  constructor(options: BackendSignInOptions) {
    this.#options = options;
    this.#logger = options.logger ?? noopLogger;
  }

  get #base(): URL {
    const url = this.#options.publicUrl;
    return new URL(typeof url === 'string' ? url : url());
  }

  /** The redirect URI of both sign-ins. */
  get callbackUrl(): string {
    return new URL(`${SIGN_IN_PATH}${CALLBACK}`, this.#base).href;
  }

  /** The routes to serve on the front's HTTP server (public: the browser has no token). */
  get routes(): HttpRoute[] {
    return [
      {
        path: SIGN_IN_PATH,
        public: true,
        handle: (req, res) => this.#handle(req, res),
      },
    ];
  }

  /** `target` with this service asked when its caller must sign in (others as they are). */
  wire<T extends Partial<HttpTarget>>(target: T): T {
    const oauth = target.oauth;
    if (!oauth || target.url === undefined) return target;
    const full = { url: target.url, name: target.name, fetch: target.fetch, oauth } as OAuthTarget;
    return {
      ...target,
      oauth: { ...oauth, onSignInNeeded: (needed) => this.#offer(full, needed) },
    };
  }

  #offer(target: OAuthTarget, needed: SignInNeeded): Error | undefined {
    const principal = needed.key.principal;
    const session = currentContext()?.session;
    if (principal === undefined || !session?.clientCapabilities.elicitation?.url) return undefined;
    this.#sweep();
    const id = randomBytes(18).toString('base64url');
    this.#pending.set(id, {
      id,
      principal,
      backend: needed.backend,
      target,
      ...(needed.scope ? { scope: needed.scope } : {}),
      session,
      createdAt: Date.now(),
    });
    const url = new URL(`${SIGN_IN_PATH}${id}`, this.#base).href;
    const message = `Backend ${needed.backend} needs you to sign in (${needed.reason}): open the link, then try again`;
    return new McpError(ErrorCode.UrlElicitationRequired, message, {
      elicitations: [
        { mode: 'url', elicitationId: id, url, message: `Sign in to ${needed.backend}` },
      ],
    });
  }

  #sweep(): void {
    const ttl = this.#options.ttlMs ?? 600_000;
    for (const [id, pending] of this.#pending) {
      if (Date.now() - pending.createdAt > ttl) this.#pending.delete(id);
    }
    const max = this.#options.maxPending ?? 1000;
    while (this.#pending.size >= max) {
      const oldest = this.#pending.keys().next().value;
      if (oldest === undefined) break;
      this.#pending.delete(oldest);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#base);
    const rest = url.pathname.slice(SIGN_IN_PATH.length);
    this.#sweep();
    if (rest === CALLBACK) return this.#callback(url.searchParams, res);
    const pending = this.#pending.get(rest);
    if (!pending) {
      signInPage(
        res,
        410,
        'Link expired',
        'This sign-in link is not valid (any more): try the request again in your client.',
      );
      return;
    }
    try {
      const front = await this.#front();
      const { authorizationUrl, codeVerifier } = await startAuthorization(
        this.#options.front.authorizationServer,
        {
          metadata: front.metadata,
          clientInformation: front.client,
          redirectUrl: this.callbackUrl,
          state: `f.${pending.id}`,
          resource: this.#options.front.resource,
          ...(this.#options.front.scopes?.length
            ? { scope: this.#options.front.scopes.join(' ') }
            : {}),
        },
      );
      pending.frontVerifier = codeVerifier;
      redirectTo(res, authorizationUrl);
    } catch (error) {
      this.#fail(
        res,
        pending,
        `the proxy's authorization server could not be reached: ${(error as Error).message}`,
      );
    }
  }

  async #callback(query: URLSearchParams, res: ServerResponse): Promise<void> {
    const state = query.get('state') ?? '';
    const [phase, id] = [state.slice(0, 2), state.slice(2)];
    const pending = this.#pending.get(id);
    if (!pending || (phase !== 'f.' && phase !== 'b.')) {
      signInPage(
        res,
        410,
        'Link expired',
        'This sign-in is not known (any more): try the request again in your client.',
      );
      return;
    }
    const error = query.get('error');
    if (error) {
      this.#fail(res, pending, `the authorization server answered ${error}`);
      return;
    }
    const code = query.get('code');
    if (!code) {
      this.#fail(res, pending, 'the redirect carries no code');
      return;
    }
    try {
      if (phase === 'f.') await this.#afterFront(pending, code, res);
      else await this.#afterBackend(pending, code, res);
    } catch (failure) {
      this.#fail(res, pending, (failure as Error).message);
    }
  }

  /** The user signed in at the front's server: the same person as the caller? Then on. */
  async #afterFront(pending: Pending, code: string, res: ServerResponse): Promise<void> {
    const front = await this.#front();
    if (!pending.frontVerifier) throw new Error('the sign-in did not start here');
    const tokens = await exchangeAuthorization(this.#options.front.authorizationServer, {
      metadata: front.metadata,
      clientInformation: front.client,
      authorizationCode: code,
      codeVerifier: pending.frontVerifier,
      redirectUri: this.callbackUrl,
      resource: this.#options.front.resource,
      ...(this.#options.fetch ? { fetchFn: this.#options.fetch } : {}),
    });
    const checked = await this.#options.front.verifyToken(tokens.access_token);
    if (!('token' in checked)) throw new Error(`the proxy refused the sign-in: ${checked.message}`);
    const who = principalOf(checked);
    if (who !== pending.principal) {
      this.#pending.delete(pending.id);
      this.#logger.warn(
        `Sign-in link for a caller of ${pending.backend} opened by another user: refused`,
      );
      signInPage(
        res,
        403,
        'Not your link',
        'This sign-in link was made for another user. Ask your client again.',
      );
      return;
    }
    const oauth = {
      ...pending.target.oauth,
      store: pending.target.oauth.store ?? new FileTokenStore(),
    };
    let next: URL | undefined;
    const provider = new StoredOAuthProvider(
      pending.backend,
      oauth,
      () => ({ url: new URL(pending.target.url).href, principal: pending.principal }),
      {
        kind: 'login',
        redirectUrl: this.callbackUrl,
        state: `b.${pending.id}`,
        onAuthorizationUrl: (url) => {
          next = url;
        },
      },
    );
    pending.provider = provider;
    const scope = [oauth.scopes?.join(' '), pending.scope].filter(Boolean).join(' ');
    await auth(provider, {
      serverUrl: new URL(pending.target.url),
      ...(scope ? { scope: [...new Set(scope.split(' '))].join(' ') } : {}),
      ...(this.#options.fetch ? { fetchFn: this.#options.fetch } : {}),
    });
    if (!next) throw new Error(`backend ${pending.backend} gave no authorization URL`);
    redirectTo(res, next);
  }

  /** The user signed in at the backend's server: store the grant, tell the client session. */
  async #afterBackend(pending: Pending, code: string, res: ServerResponse): Promise<void> {
    if (!pending.provider) throw new Error('the sign-in did not start here');
    await auth(pending.provider, {
      serverUrl: new URL(pending.target.url),
      authorizationCode: code,
      ...(this.#options.fetch ? { fetchFn: this.#options.fetch } : {}),
    });
    this.#pending.delete(pending.id);
    this.#logger.info(`Signed a caller in to backend ${pending.backend}`);
    signInPage(
      res,
      200,
      'Signed in',
      `Signed in to ${pending.backend}. You can close this window and go back to your client.`,
    );
    const session = pending.session;
    if (session && !session.closed) {
      await session.server
        .notification({
          method: 'notifications/elicitation/complete',
          params: { elicitationId: pending.id },
        })
        .catch(() => {});
    }
  }

  #fail(res: ServerResponse, pending: Pending, why: string): void {
    this.#pending.delete(pending.id);
    this.#logger.warn(`Sign-in to backend ${pending.backend} failed: ${why}`);
    signInPage(res, 400, 'Sign-in failed', `Sign-in to ${pending.backend} failed: ${why}`);
  }

  /** The front's authorization server: its metadata and the proxy's client there. */
  #front(): Promise<{
    metadata: AuthorizationServerMetadata | undefined;
    client: OAuthClientInformationMixed;
  }> {
    this.#frontServer ??= (async () => {
      const front = this.#options.front;
      const fetchFn = this.#options.fetch;
      const metadata = await discoverAuthorizationServerMetadata(front.authorizationServer, {
        ...(fetchFn ? { fetchFn } : {}),
      });
      if (front.clientId !== undefined) {
        return {
          metadata,
          client: {
            client_id: front.clientId,
            ...(front.clientSecret ? { client_secret: front.clientSecret } : {}),
          },
        };
      }
      const client = await registerClient(front.authorizationServer, {
        metadata,
        clientMetadata: {
          client_name: 'org-mcp-proxy sign-in',
          redirect_uris: [this.callbackUrl],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ...(fetchFn ? { fetchFn } : {}),
      });
      return { metadata, client };
    })();
    this.#frontServer.catch(() => {
      this.#frontServer = undefined;
    });
    return this.#frontServer;
  }
}
