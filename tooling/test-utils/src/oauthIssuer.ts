/// <reference path="./oidcProvider.d.ts" />
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A real OAuth authorization server (`oidc-provider`) on loopback, issuing JWT access tokens. */
export interface Issuer {
  /** Its issuer URL. */
  readonly url: string;
  /** A client-credentials access token of `clientId` for `resource`, with `scope`. */
  token(clientId: string, resource: string, scope?: string): Promise<string>;
  /**
   * How many clients registered themselves by dynamic client registration (RFC 7591) so far;
   * always 0 without {@link IssuerOptions.authorizationCode}.
   */
  readonly registrations: number;
  /**
   * Makes refresh tokens invalid server-side, as an administrator revoking a user's sessions
   * would: a later `refresh_token` grant with one of them fails with `invalid_grant`. With
   * `value` (a refresh token as the client holds it, e.g. read from its token store) only that
   * one; without, every refresh token this issuer has issued and not yet rotated or revoked.
   * Access tokens already issued stay valid until they expire (they are self-contained JWTs).
   * Resolves to how many refresh tokens it revoked (0 for an unknown or used `value`).
   */
  revokeRefreshTokens(value?: string): Promise<number>;
  /** Stops the issuer, dropping its connections. */
  close(): Promise<void>;
}

/** Options of {@link IssuerOptions.authorizationCode}. */
export interface AuthorizationCodeOptions {
  /** Lifetime of the access tokens issued, in seconds (short ones let a test see expiry). @default 3600 */
  accessTokenTtlSec?: number;
  /**
   * Also accept clients whose `client_id` is the https URL of a client ID metadata document
   * (draft-ietf-oauth-client-id-metadata-document, the MCP SEP-991), fetched from that URL at
   * the authorization request instead of registered: `oidc-provider`'s experimental
   * `clientIdMetadataDocument` feature, advertised as `client_id_metadata_document_supported:
   * true` in the issuer's metadata. Only documents on loopback (`https://127.0.0.1`,
   * `https://localhost`, `https://[::1]`) are fetched, over TLS verified against `ca` alone.
   * The document must satisfy the draft as `oidc-provider` checks it: `client_id` equal to its
   * URL, no shared-secret `token_endpoint_auth_method` (use `'none'`), no `client_secret`, and
   * the `redirect_uris` the client will use.
   */
  clientMetadataDocuments?: ClientMetadataDocumentOptions;
}

/** Options of {@link AuthorizationCodeOptions.clientMetadataDocuments}. */
export interface ClientMetadataDocumentOptions {
  /**
   * The CA certificate(s), PEM, that the documents' HTTPS servers are verified against (instead
   * of Node's default CAs), e.g. `startClientMetadataDocument(...).ca`.
   */
  ca: string | Buffer;
}

/** Options of {@link startIssuer}. */
export interface IssuerOptions {
  /** Called with the URL of each request the issuer gets (to count JWKS fetches, say). */
  onRequest?: (url: string) => void;
  /** Issue opaque access tokens (checked by introspection at `/token/introspection`) instead of JWTs. */
  opaque?: boolean;
  /**
   * Offer OAuth 2.0 Token Exchange (RFC 8693) at `/token` to every client: a JWT access token of
   * this issuer (the subject token) is exchanged for one of the `resource` asked for, with the
   * same `sub`. Each exchange is reported here.
   */
  onExchange?: (exchange: { subject: string; resource: string; clientId: string }) => void;
  /**
   * Also act as the authorization server of interactive clients (an MCP client logging a user
   * in): open dynamic client registration (RFC 7591, no initial access token; public clients
   * with `token_endpoint_auth_method: 'none'` and confidential ones), the `authorization_code`
   * grant with PKCE S256 required (loopback `http://127.0.0.1:<port>` / `http://localhost`
   * redirect URIs accepted), a refresh token with every code exchange (rotated for public
   * clients), and an interaction at `/interaction/<uid>` that needs no human: its login page
   * is a form whose field `account` names who logs in (the `sub` of the tokens; a `decision`
   * of `deny` ends the request with `access_denied`, see `browseAuthorization`), and consent to
   * every scope asked for is given automatically. Any of `scopes` the client asks for is
   * granted, whatever `scope` it registered with, so a client can step up by asking for more.
   * Tokens are RS256 JWTs with `aud` = the `resource` asked for, as for the other grants.
   * Token revocation (RFC 7009) is offered at `/token/revocation`.
   */
  authorizationCode?: AuthorizationCodeOptions;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The payload of `jwt` when its RS256 signature is one of `url`'s keys and it is unexpired. */
async function verifiedPayload(
  url: string,
  jwt: string,
): Promise<Record<string, unknown> | undefined> {
  const [head, body, signature] = jwt.split('.');
  if (!head || !body || !signature) return undefined;
  const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as {
    kid?: string;
    alg?: string;
  };
  const { keys } = (await (await fetch(`${url}/jwks`)).json()) as { keys: Array<{ kid?: string }> };
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return undefined;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${head}.${body}`),
    createPublicKey({ key: jwk as never, format: 'jwk' }),
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return undefined;
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  if (payload.iss !== url || typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now()) {
    return undefined;
  }
  return payload;
}

/** The body of a form POST (`application/x-www-form-urlencoded`), at most 64 KiB. */
async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 65_536) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** What `provider.interactionDetails` answers (the parts used here). */
interface InteractionDetails {
  uid: string;
  grantId?: string;
  params: Record<string, unknown> & { client_id: string };
  session?: { accountId: string };
  prompt: {
    name: string;
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
  };
}

/** The part of `oidc-provider`'s `Provider` the interaction uses. */
interface InteractionProvider {
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: {
    new (init: { accountId: string; clientId: string }): OidcGrant;
    find(id: string): Promise<OidcGrant | undefined>;
  };
}

interface OidcGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

const INTERACTION_PATH = /^\/interaction\/([\w-]+)$/;

/** The login page of an interaction: a form naming the account, or denying the request. */
function loginPage(uid: string, clientId: string): string {
  return `<!doctype html><title>Log in</title><p>Log in to ${clientId.replace(/[<>&"]/g, '')}</p>
<form method="post" action="/interaction/${uid}">
<input name="account" autofocus><button type="submit">Log in</button>
<button type="submit" name="decision" value="deny">Deny</button></form>`;
}

/**
 * Answers `/interaction/<uid>`: a login prompt gets the login page (GET) or logs the account
 * of the form in (POST); a consent prompt is granted at once, every scope asked for.
 */
async function interact(
  provider: InteractionProvider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const form = await formBody(req);
    if (form.get('decision') === 'deny') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user denied the request' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const account = form.get('account')?.trim();
    if (!account) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('the form names no account');
      return;
    }
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
  }
  if (details.prompt.name === 'consent') {
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('consent asked for without a logged-in account');
    const found = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = found ?? new provider.Grant({ accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  if (details.prompt.name === 'login' && req.method === 'GET') {
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(loginPage(details.uid, details.params.client_id));
    return;
  }
  res
    .writeHead(400, { 'content-type': 'text/plain' })
    .end(`unexpected ${req.method} in a ${details.prompt.name} prompt`);
}

/** Host names of loopback, as `URL.hostname` spells them. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether `id` is an https URL on loopback (where the test's metadata documents are). */
function isLoopbackHttps(id: string | URL): boolean {
  const parsed = URL.parse(String(id));
  return parsed?.protocol === 'https:' && LOOPBACK_HOSTS.has(parsed.hostname);
}

/** The most of a loopback response body {@link loopbackFetch} reads. */
const LOOPBACK_BODY_LIMIT = 1_048_576;

/**
 * `oidc-provider`'s `fetch` hook (the one function its outgoing requests go through): https
 * URLs on loopback are fetched with `node:https`, the server's certificate verified against
 * `ca` only; everything else goes to the global `fetch` with `oidc-provider`'s options
 * unchanged. `oidc-provider` passes an undici dispatcher that drops connections to special-use
 * addresses (SSRF protection), loopback included, so a document on 127.0.0.1 can only be
 * fetched around it; this is the one relaxation, for loopback and the given CA alone. Bodyless
 * requests only (what it sends: GET); redirects are not followed (it asks for `manual`).
 */
function loopbackFetch(ca: string | Buffer) {
  return async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    if (!isLoopbackHttps(input)) return fetch(input, init);
    if (init.body !== undefined && init.body !== null) {
      throw new TypeError('the loopback fetch of the test issuer sends no request bodies');
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(
        input,
        {
          method: init.method ?? 'GET',
          headers,
          ca,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > LOOPBACK_BODY_LIMIT) {
              res.destroy(new Error('response too large'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const responseHeaders = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
            }
            const status = res.statusCode ?? 502;
            const empty = status === 204 || status === 304 || init.method === 'HEAD';
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  };
}

/**
 * Starts `oidc-provider` with confidential clients `ids` (secret `secret-<id>`) allowed the
 * client-credentials grant, and resource indicators that issue RS256 JWTs with `aud` = the
 * resource asked for. With {@link IssuerOptions.authorizationCode} it also registers clients
 * dynamically and logs users in by the authorization-code grant (see there), and with its
 * `clientMetadataDocuments` it takes client ID metadata documents as well.
 */
export async function startIssuer(
  ids: readonly string[],
  scopes: readonly string[],
  options: IssuerOptions = {},
): Promise<Issuer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const code = options.authorizationCode;
  const accessTokenTtl = code ? (code.accessTokenTtlSec ?? 3600) : undefined;
  const documents = code?.clientMetadataDocuments;
  let registrations = 0;
  const provider = new Provider(url, {
    ...(code
      ? {
          // Every code exchange yields a refresh token, one that outlives the login session.
          issueRefreshToken: async (
            _ctx: unknown,
            client: { grantTypeAllowed(t: string): boolean },
          ) => client.grantTypeAllowed('refresh_token'),
          expiresWithSession: async () => false,
          pkce: { required: () => true },
          // Anyone the login form names exists; `sub` is that name.
          findAccount: (_ctx: unknown, sub: string) => ({
            accountId: sub,
            claims: () => ({ sub }),
          }),
          ttl: {
            AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
              token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
            AuthorizationCode: 60,
            Grant: 86_400,
            IdToken: 3600,
            Interaction: 600,
            RefreshToken: 86_400,
            Session: 86_400,
          },
        }
      : {}),
    ...(documents ? { fetch: loopbackFetch(documents.ca) } : {}),
    scopes: ['openid', ...scopes],
    clients: ids.map((id) => ({
      client_id: id,
      client_secret: `secret-${id}`,
      grant_types: options.onExchange
        ? ['client_credentials', TOKEN_EXCHANGE]
        : ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      ...(code
        ? {
            devInteractions: { enabled: false },
            // RFC 7009, so that a client signing out can revoke what it holds.
            revocation: { enabled: true },
            ...(documents
              ? {
                  clientIdMetadataDocument: {
                    enabled: true,
                    // The draft version oidc-provider 9.13 implements (it refuses other acks).
                    ack: 'draft-02',
                    // Documents are fetched from loopback only: the test's own HTTPS server.
                    allowFetch: async (_ctx: unknown, id: string) => isLoopbackHttps(id),
                  },
                }
              : {}),
            registration: {
              enabled: true,
              initialAccessToken: false,
              // Runs once the metadata is parsed: the registered `scope` would otherwise limit
              // what the client may ask for later, and a step-up asks for more.
              idFactory: (ctx: { oidc: { body?: Record<string, unknown> } }) => {
                if (ctx.oidc.body) delete ctx.oidc.body.scope;
                return randomUUID();
              },
            },
          }
        : {}),
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: scopes.join(' '),
          audience: resource,
          ...(accessTokenTtl === undefined ? {} : { accessTokenTTL: accessTokenTtl }),
          ...(options.opaque
            ? { accessTokenFormat: 'opaque' }
            : { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        }),
      },
    },
  } as never);
  const onExchange = options.onExchange;
  if (onExchange) {
    provider.registerGrantType(
      TOKEN_EXCHANGE,
      async (ctx: {
        oidc: {
          params: Record<string, string | undefined>;
          client: { clientId: string };
          provider: never;
        };
        status: number;
        body: unknown;
      }) => {
        const { subject_token: subjectToken, resource } = ctx.oidc.params;
        const payload = subjectToken ? await verifiedPayload(url, subjectToken) : undefined;
        if (!payload || typeof payload.sub !== 'string' || !resource) {
          ctx.status = 400;
          ctx.body = { error: 'invalid_grant', error_description: 'subject token invalid' };
          return;
        }
        const { AccessToken, Grant } = ctx.oidc.provider as unknown as {
          AccessToken: new (
            init: Record<string, unknown>,
          ) => {
            resourceServer: unknown;
            expiration: number;
            save(): Promise<string>;
          };
          Grant: new (
            init: Record<string, unknown>,
          ) => {
            addResourceScope(resource: string, scope: string): void;
            save(): Promise<string>;
          };
        };
        const grant = new Grant({ accountId: payload.sub, clientId: ctx.oidc.client.clientId });
        grant.addResourceScope(resource, scopes.join(' '));
        const token = new AccessToken({
          accountId: payload.sub,
          client: ctx.oidc.client,
          grantId: await grant.save(),
          scope: scopes.join(' '),
          gty: 'token_exchange',
        });
        token.resourceServer = {
          audience: resource,
          scope: scopes.join(' '),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
        const value = await token.save();
        onExchange({ subject: payload.sub, resource, clientId: ctx.oidc.client.clientId });
        ctx.body = {
          access_token: value,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: token.expiration,
        };
      },
      [
        'subject_token',
        'subject_token_type',
        'requested_token_type',
        'resource',
        'audience',
        'scope',
      ],
    );
  }
  /** Refresh tokens issued and neither used (rotated) nor revoked yet, by value. */
  const refreshTokens = new Set<string>();
  if (code) {
    provider.on('registration_create.success', () => {
      registrations += 1;
    });
    provider.on('refresh_token.saved', (token: { jti: string; consumed?: unknown }) => {
      if (!token.consumed) refreshTokens.add(token.jti);
    });
    for (const event of ['refresh_token.consumed', 'refresh_token.destroyed']) {
      provider.on(event, (token: { jti: string }) => refreshTokens.delete(token.jti));
    }
  }
  if (options.onRequest) server.on('request', (req) => options.onRequest?.(req.url ?? ''));
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', url).pathname;
    if (!code || !INTERACTION_PATH.test(path)) {
      callback(req, res);
      return;
    }
    interact(provider as InteractionProvider, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  return {
    url,
    get registrations() {
      return registrations;
    },
    async revokeRefreshTokens(value?: string) {
      const { RefreshToken } = provider as {
        RefreshToken: {
          find(
            value: string,
          ): Promise<{ consumed?: unknown; destroy(): Promise<void> } | undefined>;
        };
      };
      let revoked = 0;
      for (const each of value === undefined ? [...refreshTokens] : [value]) {
        const token = await RefreshToken.find(each);
        refreshTokens.delete(each);
        if (!token || token.consumed) continue;
        await token.destroy();
        revoked += 1;
      }
      return revoked;
    },
    async token(clientId, resource, scope = scopes.join(' ')) {
      const res = await fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:secret-${clientId}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`No token for ${clientId}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
