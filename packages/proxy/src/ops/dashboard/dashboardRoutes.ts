import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpRoute, OAuthFront, type OAuthFrontOptions } from '@org/transports';
import { DASHBOARD_COOKIE, type DashboardGate, OAuthGate, StaticTokenGate } from './dashboardAuth';
import {
  type DashboardSource,
  DashboardState,
  type DashboardStateOptions,
  type DashboardUpdate,
} from './dashboardState';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS, loginHtml } from './page';

/** The path the dashboard is served under by default. */
export const DEFAULT_DASHBOARD_PATH = '/dashboard/';

/** Options of {@link createDashboard}. */
export interface DashboardOptions extends DashboardStateOptions {
  /** Where it is served: a path ending in `/`. @default '/dashboard/' */
  path?: string;
  /**
   * The HTTP front's bearer token (`HttpServeOptions.authToken`). When set, the page and its
   * stream need it: as `Authorization: Bearer <token>`, or through the login form, which sets
   * a cookie.
   */
  authToken?: string;
  /**
   * The HTTP front's OAuth settings (`HttpServeOptions.oauth`), exclusive with `authToken`: the
   * login form then takes an access token the front accepts, checked once and not kept.
   */
  oauth?: OAuthFrontOptions;
  /** With `oauth`: scopes a token needs to open the dashboard, beyond the front's. */
  scopes?: string[];
  /** Mark the cookie `Secure` (when a TLS proxy serves the front over HTTPS). @default false */
  secureCookie?: boolean;
  /** Interval of the `: ping` comments on the event stream, in ms. @default 15000 */
  keepAliveMs?: number;
  /** Updates queued per connection while its socket is full; past that the page is re-sent a snapshot. @default 256 */
  maxQueuedEvents?: number;
}

/** A dashboard: its HTTP routes, its model, and how to stop it. */
export interface Dashboard {
  /** The routes to pass to `serveHttp` (`HttpServeOptions.routes`). */
  readonly routes: HttpRoute[];
  /** The model behind the page. */
  readonly state: DashboardState;
  /** The open event streams. */
  connections(): number;
  /** Ends every event stream and stops watching the proxy. */
  close(): Promise<void>;
}

const MAX_LOGIN_BODY = 4096;
const SECURITY_HEADERS = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it, Chromium sends `Origin: null` on the login form's POST, which the front refuses.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
});

function send(res: ServerResponse, status: number, type: string, body: string, extra = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
  res.end(body);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    let body = '';
    let tooBig = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_LOGIN_BODY) {
        tooBig = true;
        body = '';
      }
    });
    req.on('end', () => resolve(tooBig ? undefined : new URLSearchParams(body)));
    req.on('error', () => resolve(undefined));
  });
}

function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A live dashboard of a proxy: one page (backends with their health and a latency chart,
 * front sessions, the last calls) kept up to date over server-sent events. Serve its `routes`
 * on the HTTP front; pass the front's `authToken` so that the page asks for it too.
 *
 * Routes, under `path` (default `/dashboard/`): the page, `app.js` and `app.css`, `events`
 * (the `text/event-stream`), `login` (GET: the form; POST: checks the token, sets an
 * HttpOnly, SameSite=Strict cookie scoped to the path, and redirects to the page), `logout`.
 * They are `public` routes of the front, so that a browser's cookie can stand for the bearer
 * token: the dashboard does its own auth.
 *
 * @example
 * ```ts
 * const proxy = createProxy(target);
 * const dashboard = createDashboard(proxy, { authToken });
 * const http = await serveHttp(proxy, { authToken, routes: dashboard.routes });
 * console.log(`Dashboard at ${dashboardUrl(http.url)}`);
 * ```
 * @param source - the proxy (or several servers: a front and the proxies it mounts)
 * @param options - path, auth and bounds
 */
export function createDashboard(
  source: DashboardSource | readonly DashboardSource[],
  options: DashboardOptions = {},
): Dashboard {
  const base = options.path ?? DEFAULT_DASHBOARD_PATH;
  if (!base.startsWith('/') || !base.endsWith('/') || base.includes('?')) {
    throw new RangeError(`The dashboard path must start and end with "/", got ${base}`);
  }
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxQueued = options.maxQueuedEvents ?? 256;
  const state = new DashboardState(source, options);
  if (options.oauth && options.authToken !== undefined) {
    throw new RangeError('The dashboard takes authToken or oauth, not both');
  }
  const auth: DashboardGate = options.oauth
    ? new OAuthGate(new OAuthFront(options.oauth, '/'), options.scopes)
    : new StaticTokenGate(options.authToken);
  const streams = new Set<ServerResponse>();
  const cookieAttributes = `Path=${base}; HttpOnly; SameSite=Strict${options.secureCookie ? '; Secure' : ''}`;

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    streams.add(res);
    let queue: string[] = [];
    let stale = false;
    let waiting = false;
    const write = (frame: string): void => {
      if (waiting) {
        if (queue.length >= maxQueued) {
          queue = [];
          stale = true;
        } else if (!stale) queue.push(frame);
        return;
      }
      if (!res.write(frame)) {
        waiting = true;
        res.once('drain', () => {
          waiting = false;
          const pending = stale ? [sseFrame('snapshot', state.snapshot())] : queue;
          queue = [];
          stale = false;
          for (const next of pending) write(next);
        });
      }
    };
    write(`retry: 3000\n${sseFrame('snapshot', state.snapshot())}`);
    const unsubscribe = state.subscribe((update: DashboardUpdate) =>
      write(sseFrame(update.type, update)),
    );
    const ping = setInterval(() => write(': ping\n\n'), keepAliveMs);
    ping.unref();
    const done = (): void => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    };
    res.on('close', done);
    req.on('close', done);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const rest = url.pathname.slice(base.length);
    if (req.method === 'POST' && rest === 'login') {
      const form = await readForm(req);
      const token = form?.get('token') ?? '';
      if (!auth.required) return send(res, 303, 'text/plain', '', { location: base });
      const cookie = await auth.signIn(token);
      if (cookie === undefined)
        return send(res, 401, 'text/html; charset=utf-8', loginHtml(true, auth.asks));
      return send(res, 303, 'text/plain', '', {
        location: base,
        'set-cookie': `${DASHBOARD_COOKIE}=${cookie}; ${cookieAttributes}`,
      });
    }
    if (req.method === 'POST' && rest === 'logout') {
      auth.signOut(req);
      return send(res, 303, 'text/plain', '', {
        location: `${base}login`,
        'set-cookie': `${DASHBOARD_COOKIE}=; ${cookieAttributes}; Max-Age=0`,
      });
    }
    if (req.method !== 'GET')
      return send(res, 405, 'text/plain', 'Method not allowed', { allow: 'GET' });
    if (rest === 'app.css') return send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS);
    if (rest === 'login')
      return send(res, 200, 'text/html; charset=utf-8', loginHtml(false, auth.asks));
    const admitted = await auth.admits(req);
    if (rest === '' || rest === 'index.html') {
      if (!admitted) return send(res, 303, 'text/plain', '', { location: `${base}login` });
      return send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML);
    }
    if (rest === 'app.js' || rest === 'events') {
      if (!admitted) {
        return send(res, 401, 'text/plain', 'Unauthorized: sign in at the dashboard first', {
          'www-authenticate': 'Bearer',
        });
      }
      if (rest === 'app.js') return send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS);
      return openStream(req, res);
    }
    return send(res, 404, 'text/plain', 'Not found');
  };

  const routes: HttpRoute[] = [
    { path: base, methods: ['GET', 'POST'], public: true, handle },
    {
      path: base.slice(0, -1) || '/',
      public: true,
      handle: (_req, res) => send(res, 308, 'text/plain', '', { location: base }),
    },
  ];
  return {
    routes: base === '/' ? routes.slice(0, 1) : routes,
    state,
    connections: () => streams.size,
    close: async () => {
      state.close();
      for (const res of [...streams]) res.end();
      streams.clear();
    },
  };
}

/**
 * The dashboard's URL on a front, from the front's MCP endpoint URL.
 * @param endpointUrl - `HttpServerHandle.url`, e.g. `http://127.0.0.1:3000/mcp`
 * @param path - the dashboard's path
 */
export function dashboardUrl(endpointUrl: string, path = DEFAULT_DASHBOARD_PATH): string {
  return new URL(path, endpointUrl).href;
}
