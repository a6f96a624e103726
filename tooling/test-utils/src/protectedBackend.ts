import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { createWorkspaceServer } from './workspaceServer.mjs';

/** A request as the SDK's transport reads it: `auth` is set once the bearer token passed. */
type AuthedRequest = IncomingMessage & { auth?: AuthInfo };

/** The JSON body of a request (undefined when it has none). */
async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!chunks.length) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() ? JSON.parse(text) : undefined;
}

/** Options of {@link startProtectedBackend}. */
export interface ProtectedBackendOptions {
  /** The issuer URL of the authorization server (e.g. `startIssuer(...).url`). */
  issuer: string;
  /** The scopes its protected resource metadata offers (`scopes_supported`). @default [] */
  scopes?: string[];
  /** The scopes every request's token must have at first (see `requireScopes`). @default [] */
  requiredScopes?: string[];
  /** What the workspace sessions' labels start with. @default 'p' */
  prefix?: string;
}

/** A workspace MCP backend that takes only OAuth bearer tokens of one issuer. */
export interface ProtectedBackend extends AsyncDisposable {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** The resource indicator the tokens must name as `aud`: the endpoint URL. */
  readonly resource: string;
  /** Its RFC 9728 protected resource metadata URL, as named in `WWW-Authenticate`. */
  readonly resourceMetadataUrl: string;
  /** Changes the scopes each request's token must have (a step-up test raises them). */
  requireScopes(scopes: string[]): void;
  /** The `sub` of the token of every request it accepted, in order. */
  subjects(): string[];
  /** How many MCP sessions were opened. */
  sessions(): number;
  /** Closes every session and the listener. */
  close(): Promise<void>;
}

/**
 * Starts the workspace backend (`createWorkspaceServer`, a stateful streamable-HTTP session
 * per client) behind the MCP SDK's `requireBearerAuth`: a token must be an RS256 JWT signed by
 * a key of `${issuer}/jwks`, with `iss` = `issuer`, `aud` = {@link ProtectedBackend.resource},
 * unexpired and with the required scopes. Without a valid token it answers 401 with
 * `WWW-Authenticate: Bearer …, resource_metadata="…"`; with one lacking scopes, 403
 * `insufficient_scope` naming them in `scope="…"`. It serves its protected resource metadata
 * (`authorization_servers: [issuer]`, `resource`, `scopes_supported`) at
 * `/.well-known/oauth-protected-resource/mcp` and `/.well-known/oauth-protected-resource`.
 * The workspace tool `whoami` answers the token's `sub` as `subject`.
 */
export async function startProtectedBackend(
  options: ProtectedBackendOptions,
): Promise<ProtectedBackend> {
  const issuer = options.issuer;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  let required = [...(options.requiredScopes ?? [])];
  const subjects: string[] = [];
  let sessions = 0;
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    serve(req as AuthedRequest, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const resource = `${origin}/mcp`;
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(resource));
  const metadata = {
    resource,
    authorization_servers: [issuer],
    scopes_supported: options.scopes ?? [],
    bearer_methods_supported: ['header'],
    resource_name: 'workspace (protected)',
  };

  const verifier = {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer,
          audience: resource,
          algorithms: ['RS256'],
        });
        return {
          token,
          clientId: String(payload.client_id ?? ''),
          scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
          ...(payload.exp === undefined ? {} : { expiresAt: payload.exp }),
          resource: new URL(resource),
          extra: { sub: payload.sub },
        };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) {
          throw new InvalidTokenError(`Token rejected: ${error.code}: ${error.message}`);
        }
        throw error;
      }
    },
  };

  /**
   * The SDK's `requireBearerAuth` on a plain node request: resolves true when it let it pass.
   * Not Express: vitest runs tests with `--conditions import`, under which Express's router
   * `require`s the ESM build of `is-promise` and fails on every request.
   */
  const authorized = (req: AuthedRequest, res: ServerResponse): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      const middleware = requireBearerAuth({
        verifier,
        requiredScopes: required,
        resourceMetadataUrl,
        expectedResource: new URL(resource),
      }) as unknown as (req: unknown, res: unknown, next: (error?: unknown) => void) => unknown;
      const expressRes = {
        set(name: string, value: string) {
          res.setHeader(name, value);
          return expressRes;
        },
        status(code: number) {
          res.statusCode = code;
          return expressRes;
        },
        json(body: unknown) {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
          resolve(false);
          return expressRes;
        },
      };
      Promise.resolve(
        middleware(req, expressRes, (error?: unknown) =>
          error === undefined ? resolve(true) : reject(error),
        ),
      ).catch(reject);
    });

  async function serve(req: AuthedRequest, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', origin);
    if (
      req.method === 'GET' &&
      (pathname === '/.well-known/oauth-protected-resource/mcp' ||
        pathname === '/.well-known/oauth-protected-resource')
    ) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata));
      return;
    }
    if (pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (!(await authorized(req, res))) return;
    const sub = req.auth?.extra?.sub;
    if (typeof sub === 'string') subjects.push(sub);
    const body = await jsonBody(req);
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? transports.get(id) : undefined;
    if (!transport) {
      if (id !== undefined || req.method !== 'POST' || !isInitializeRequest(body)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            jsonrpc: '2.0',
            id: null,
            error: { code: -32001, message: 'Session not found' },
          }),
        );
        return;
      }
      const opened: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => {
          transports.set(sessionId, opened);
        },
      });
      opened.onclose = () => {
        if (opened.sessionId) transports.delete(opened.sessionId);
      };
      sessions += 1;
      await createWorkspaceServer({ prefix: options.prefix ?? 'p' }).connect(opened);
      transport = opened;
    }
    await transport.handleRequest(req, res, body);
  }

  const close = async () => {
    await Promise.allSettled([...transports.values()].map((transport) => transport.close()));
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  };
  return {
    url: resource,
    resource,
    resourceMetadataUrl,
    requireScopes(scopes) {
      required = [...scopes];
    },
    subjects: () => [...subjects],
    sessions: () => sessions,
    close,
    [Symbol.asyncDispose]: close,
  };
}
