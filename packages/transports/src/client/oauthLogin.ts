import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import { FileTokenStore } from './oauthFileStore';
import type { OAuthGrantKey } from './oauthGrants';
import type { OAuthBackendOptions } from './oauthOptions';
import { StoredOAuthProvider } from './oauthProvider';
import { quietFetch } from './quietFetch';
import type { HttpTarget } from './targets';

/** Options of {@link loginBackend}. */
export interface LoginOptions {
  /** Sign in for this front principal (its subject); the proxy's own grant when omitted. */
  principal?: string;
  /**
   * The scope asked for. Default: the configured scopes together with any scope the backend
   * asked for since (a step-up), else what the backend's metadata lists.
   */
  scope?: string;
  /** Receives the authorization URL the user must open in a browser. */
  onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** How long to wait for the browser to come back. @default 300000 */
  timeoutMs?: number;
  /** Ends the wait early. */
  signal?: AbortSignal;
}

/** What {@link loginBackend} stored. */
export interface LoginResult {
  /** The grant's key. */
  key: OAuthGrantKey;
  /** The scope granted, when the server said. */
  scope?: string;
  /** When the access token expires (ms since the epoch), when the server said. */
  expiresAt?: number;
}

const PAGE_STYLE = 'font-family: sans-serif; margin: 3em;';

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = (value: string) => value.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(
    `<!doctype html><title>${html(title)}</title><body style="${PAGE_STYLE}"><h1>${html(title)}</h1><p>${html(text)}</p></body>`,
  );
}

interface Callback {
  code: string;
  reply: (status: number, title: string, text: string) => void;
}

/** Unions of space-separated scope lists, in order, without repeats. */
function unionScopes(...lists: Array<string | undefined>): string | undefined {
  const scopes = [...new Set(lists.flatMap((list) => list?.split(' ').filter(Boolean) ?? []))];
  return scopes.length ? scopes.join(' ') : undefined;
}

/**
 * Signs in to an OAuth backend with the authorization code flow and PKCE, the SDK doing the
 * protocol: discovery (RFC 9728, then RFC 8414 or OpenID discovery), client registration
 * (configured, a client ID metadata document, or RFC 7591), then the code exchange. The user
 * opens the URL given to `onAuthorizationUrl`; the code comes back to a listener on
 * `http://127.0.0.1:<port>/callback`, which is closed afterwards. The grant is stored under the
 * backend URL and `principal`.
 */
export async function loginBackend(
  target: HttpTarget & { oauth: OAuthBackendOptions },
  options: LoginOptions,
): Promise<LoginResult> {
  const url = new URL(target.url);
  const backend = target.name ?? url.host;
  const store = target.oauth.store ?? new FileTokenStore();
  const oauth = { ...target.oauth, store };
  const key: OAuthGrantKey = {
    url: url.href,
    ...(options.principal === undefined ? {} : { principal: options.principal }),
  };
  const state = randomBytes(24).toString('base64url');
  const fetchFn = quietFetch(target.fetch);
  let onCallback: ((callback: Callback) => void) | undefined;
  let onFailure: ((error: Error) => void) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/callback') {
      page(res, 404, 'Not found', 'This listener only takes the sign-in redirect.');
      return;
    }
    if (query.get('state') !== state) {
      page(res, 400, 'Sign-in refused', 'The state parameter does not match this sign-in.');
      return;
    }
    const error = query.get('error');
    if (error) {
      const description = query.get('error_description');
      page(res, 400, 'Sign-in failed', `${error}${description ? `: ${description}` : ''}`);
      onFailure?.(
        new ProxyError(
          ProxyErrorCode.AuthorizationRequired,
          `Sign-in to backend ${backend} failed: the authorization server answered ${error}${description ? ` (${description})` : ''}`,
        ),
      );
      return;
    }
    const code = query.get('code');
    if (!code) {
      page(res, 400, 'Sign-in refused', 'The redirect carries no code.');
      return;
    }
    onCallback?.({ code, reply: (status, title, text) => page(res, status, title, text) });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ProxyError(
          ProxyErrorCode.InvalidConfig,
          `Sign-in to backend ${backend}: cannot listen on 127.0.0.1:${target.oauth.redirectPort ?? 0}: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(target.oauth.redirectPort ?? 0, '127.0.0.1', resolve);
  });
  const redirectUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const provider = new StoredOAuthProvider(backend, oauth, () => key, {
    kind: 'login',
    redirectUrl,
    state,
    onAuthorizationUrl: options.onAuthorizationUrl,
  });
  const timeoutMs = options.timeoutMs ?? 300_000;
  try {
    const callback = new Promise<Callback>((resolve, reject) => {
      onCallback = resolve;
      onFailure = reject;
      const timer = setTimeout(
        () =>
          reject(
            new ProxyError(
              ProxyErrorCode.BackendTimeout,
              `Sign-in to backend ${backend} timed out after ${timeoutMs} ms: the browser never came back to ${redirectUrl}`,
            ),
          ),
        timeoutMs,
      );
      timer.unref?.();
      options.signal?.addEventListener('abort', () =>
        reject(
          new ProxyError(ProxyErrorCode.Closed, `Sign-in to backend ${backend} was cancelled`),
        ),
      );
    });
    callback.catch(() => {});
    const previous = await store.read(key);
    const scope =
      options.scope ?? unionScopes(target.oauth.scopes?.join(' '), previous?.neededScope);
    const first = await auth(provider, { serverUrl: url, ...(scope ? { scope } : {}), fetchFn });
    if (first !== 'REDIRECT') {
      throw new ProxyError(
        ProxyErrorCode.Internal,
        `Sign-in to backend ${backend}: the authorization server issued tokens without a sign-in`,
      );
    }
    const { code, reply } = await callback;
    try {
      await auth(provider, { serverUrl: url, authorizationCode: code, fetchFn });
    } catch (error) {
      reply(500, 'Sign-in failed', `The code could not be exchanged: ${(error as Error).message}`);
      throw error;
    }
    reply(200, 'Signed in', `Signed in to ${backend}. You can close this window.`);
    const record = await store.read(key);
    return {
      key,
      ...(record?.tokens?.scope ? { scope: record.tokens.scope } : {}),
      ...(record?.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
    };
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // A browser holding a request open must not keep the listener alive.
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }
}
